# API authorization for the Lakeward gateway.
#
# Input:
#   principal  {id, type: "user" | "service", tenant, roles: [string], groups: [string]}
#   action     string such as "workspace.read" or "cluster.create"
#   resource   {tenant, type, id, owner}
#   context    {time (RFC 3339), client_ip, request_id}; the time is part of the
#              input because the time.* builtins are not available in Wasm.
#
# Output: decision {allow: boolean, reason: string}. Everything not granted
# below is denied, including unknown actions and malformed input.
#
# The policy is compiled to Wasm, so it may only use the builtins listed in
# ../../capabilities.json (the Wasm-native ones); the build checks this.
package lakeward.authz

# Granted every known action within its own tenant.
tenant_admin_role := "tenant-admin"

# Every action the platform knows, mapped to the roles (besides tenant-admin)
# allowed to perform it on any resource of their tenant. An action missing here
# is unknown and denied to everyone, tenant-admin included.
action_roles := {
	"workspace.create": {"workspace-user"},
	"workspace.read": {"workspace-user", "auditor", "viewer"},
	"workspace.update": {"workspace-user"},
	"workspace.delete": {"workspace-user"},
	"notebook.create": {"workspace-user"},
	"notebook.read": {"workspace-user", "viewer"},
	"notebook.update": {"workspace-user"},
	"notebook.delete": {"workspace-user"},
	"cluster.create": {"workspace-user"},
	"cluster.read": {"workspace-user", "viewer"},
	"cluster.update": {"workspace-user"},
	"cluster.delete": {"workspace-user"},
	"policy.update": set(),
	"audit.read": {"auditor"},
	"audit.export": {"auditor"},
	"audit.read_own": set(),
	"health.read": {"viewer"},
}

# Roles allowed to perform an action only on resources they own
# (resource.owner == principal.id).
action_roles_on_own_resources := {"audit.read_own": {"workspace-user"}}

principal_types := {"user", "service"}

# Deny unless a rule below grants.
default decision := {"allow": false, "reason": "no role grants the action"}

decision := {"allow": false, "reason": concat("", ["invalid input: ", concat(", ", sort(invalid_fields))])} if {
	count(invalid_fields) > 0
} else := {"allow": false, "reason": "tenant mismatch"} if {
	input.principal.tenant != input.resource.tenant
} else := {"allow": false, "reason": "unknown action"} if {
	not action_roles[input.action]
} else := {"allow": true, "reason": concat("", ["granted to role ", concat(", ", sort(granting_roles))])} if {
	count(granting_roles) > 0
} else := {"allow": false, "reason": "not the resource owner"} if {
	some role in input.principal.roles
	role in action_roles_on_own_resources[input.action]
}

# The input fields the decision depends on that are missing or malformed. Written
# as a set difference rather than with `not f(input.x)`, which is undefined (not
# true) when input.x is missing: Rego evaluates the argument outside the negation.
required_fields := {"principal.id", "principal.type", "principal.tenant", "principal.roles", "action", "resource.tenant", "resource.type"}

invalid_fields := required_fields - valid_fields

valid_fields contains "principal.id" if non_empty_string(input.principal.id)

valid_fields contains "principal.type" if input.principal.type in principal_types

valid_fields contains "principal.tenant" if non_empty_string(input.principal.tenant)

valid_fields contains "principal.roles" if string_array(input.principal.roles)

valid_fields contains "action" if non_empty_string(input.action)

valid_fields contains "resource.tenant" if non_empty_string(input.resource.tenant)

valid_fields contains "resource.type" if non_empty_string(input.resource.type)

# The principal's roles that grant the action on the resource.
granting_roles contains role if {
	some role in input.principal.roles
	role == tenant_admin_role
	action_roles[input.action]
}

granting_roles contains role if {
	some role in input.principal.roles
	role in action_roles[input.action]
}

granting_roles contains role if {
	some role in input.principal.roles
	role in action_roles_on_own_resources[input.action]
	non_empty_string(input.resource.owner)
	input.resource.owner == input.principal.id
}

non_empty_string(value) if {
	is_string(value)
	value != ""
}

string_array(value) if {
	is_array(value)
	every element in value {
		is_string(element)
	}
}
