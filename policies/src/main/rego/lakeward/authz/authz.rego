# API authorization: the gateway's coarse decision on action and role, and the
# services' resource decision on owner and access control lists.
#
# Input:
#   principal  {id, type: "user" | "service", tenant, roles: [string], groups: [string]}
#   action     string such as "notebook.read" or "cluster.create"
#   resource   {tenant, type, id, owner, acl, ancestors}
#              acl (optional): the resource's access control list, entries
#                {"user_id" | "group_name": string, "permission_level": level};
#                when present (even empty) the decision is a resource decision.
#              ancestors (optional): the folders above it, nearest first, each
#                {id, owner, acl}; their owners and entries are inherited.
#   context    {time (RFC 3339), client_ip, request_id}; the time is part of the
#              input because the time.* builtins are not available in Wasm.
#
# Output: decision {allow: boolean, reason: string, visible: boolean,
# tenant_revision: number}. visible is false when the caller may not even read
# the resource (another tenant's, or no level on it): services answer that 404,
# any other denial 403. Everything not granted below is denied, including
# unknown actions and malformed input. Roles and groups come from the policy
# store when it holds the principal's membership (see lakeward.principal).
#
# The policy is compiled to Wasm, so it may only use the builtins listed in
# ../../capabilities.json (the Wasm-native ones); the build checks this.
package lakeward.authz

import data.lakeward.principal

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
	"notebook.run": {"workspace-user"},
	"notebook.update": {"workspace-user"},
	"notebook.delete": {"workspace-user"},
	"notebook.manage": {"workspace-user"},
	"cluster.create": {"workspace-user"},
	"cluster.read": {"workspace-user", "viewer"},
	"cluster.attach": {"workspace-user"},
	"cluster.update": {"workspace-user"},
	"cluster.delete": {"workspace-user"},
	"table.read": {"workspace-user", "viewer"},
	"table.modify": {"workspace-user"},
	"identity.read_self": {"workspace-user", "auditor", "viewer"},
	"group.read": set(),
	"group.update": set(),
	"policy.read": set(),
	"policy.update": set(),
	"policy.simulate": set(),
	"audit.read": {"auditor"},
	"audit.export": {"auditor"},
	"audit.read_own": set(),
	"health.read": {"viewer"},
	# secrets (Databricks secrets API): the workspace-service decides each scope by its ACL
	"secret_scope.create": {"workspace-user"},
	"secret_scope.delete": {"workspace-user"},
	"secret_scope.list": {"workspace-user"},
	"secret.put": {"workspace-user"},
	"secret.delete": {"workspace-user"},
	"secret.list": {"workspace-user"},
	"secret.get": {"workspace-user"},
	"secret_acl.put": {"workspace-user"},
	"secret_acl.delete": {"workspace-user"},
	"secret_acl.get": {"workspace-user"},
	"secret_acl.list": {"workspace-user"},
	# personal access tokens: every user manages their own; token management is for tenant admins
	"token.create": {"workspace-user", "auditor", "viewer"},
	"token.list": {"workspace-user", "auditor", "viewer"},
	"token.delete": {"workspace-user", "auditor", "viewer"},
	"token_management.list": set(),
	"token_management.read": set(),
	"token_management.delete": set(),
}

# Roles allowed to perform an action only on resources they own
# (resource.owner == principal.id): every user reads their own audit trail.
action_roles_on_own_resources := {"audit.read_own": {"workspace-user", "auditor", "viewer"}}

# The permission level a resource decision requires for an action (Databricks
# levels, ordered below). An action without one cannot be decided on a resource.
action_levels := {
	"workspace.read": "CAN_READ",
	"workspace.create": "CAN_EDIT",
	"workspace.update": "CAN_EDIT",
	"workspace.delete": "CAN_MANAGE",
	"notebook.read": "CAN_READ",
	"notebook.run": "CAN_RUN",
	"notebook.create": "CAN_EDIT",
	"notebook.update": "CAN_EDIT",
	"notebook.delete": "CAN_MANAGE",
	"notebook.manage": "CAN_MANAGE",
	"cluster.read": "CAN_READ",
	"cluster.attach": "CAN_RUN",
	"cluster.update": "CAN_EDIT",
	"cluster.delete": "CAN_MANAGE",
}

levels := {"CAN_READ": 1, "CAN_RUN": 2, "CAN_EDIT": 3, "CAN_MANAGE": 4}

principal_types := {"user", "service"}

# Deny unless a rule below grants.
default verdict := {"allow": false, "reason": "no role grants the action"}

verdict := {"allow": false, "reason": "no policy data"} if {
	not principal.has_data
} else := {"allow": false, "reason": concat("", ["invalid input: ", concat(", ", sort(invalid_fields))])} if {
	count(invalid_fields) > 0
} else := {"allow": false, "reason": "tenant mismatch"} if {
	input.principal.tenant != input.resource.tenant
} else := {"allow": false, "reason": "unknown action"} if {
	not action_roles[input.action]
} else := {"allow": false, "reason": "no access to the resource"} if {
	resource_scoped
	held_level < 1
} else := {"allow": false, "reason": concat("", ["the action needs ", action_levels[input.action]])} if {
	resource_scoped
	count(granting_roles) > 0
	held_level < levels[action_levels[input.action]]
} else := {"allow": false, "reason": "the action cannot be decided on a resource"} if {
	resource_scoped
	not action_levels[input.action]
	not action_roles_on_own_resources[input.action]
} else := {"allow": true, "reason": concat("", ["granted to role ", concat(", ", sort(granting_roles))])} if {
	count(granting_roles) > 0
} else := {"allow": false, "reason": "not the resource owner"} if {
	some role in principal.roles
	role in action_roles_on_own_resources[input.action]
}

decision := {
	"allow": verdict.allow,
	"reason": verdict.reason,
	"visible": visible,
	"tenant_revision": principal.tenant_revision,
}

# Whether the caller may know the resource exists.
default visible := true

visible := false if input.principal.tenant != input.resource.tenant

visible := false if {
	resource_scoped
	held_level < 1
}

# The input fields the decision depends on that are missing or malformed. Written
# as a set difference rather than with `not f(input.x)`, which is undefined (not
# true) when input.x is missing: Rego evaluates the argument outside the negation.
required_fields := {"principal.id", "principal.type", "principal.tenant", "principal.roles", "action", "resource.tenant", "resource.type"}

invalid_fields := (required_fields - valid_fields) | invalid_optional_fields

valid_fields contains "principal.id" if non_empty_string(input.principal.id)

valid_fields contains "principal.type" if input.principal.type in principal_types

valid_fields contains "principal.tenant" if non_empty_string(input.principal.tenant)

valid_fields contains "principal.roles" if string_array(input.principal.roles)

valid_fields contains "action" if non_empty_string(input.action)

valid_fields contains "resource.tenant" if non_empty_string(input.resource.tenant)

valid_fields contains "resource.type" if non_empty_string(input.resource.type)

# Optional fields that, when given, must be well formed: a malformed list must
# not read as "no entries".
invalid_optional_fields contains "resource.acl" if {
	input.resource.acl
	not acl_valid(input.resource.acl)
}

invalid_optional_fields contains "resource.ancestors" if {
	input.resource.ancestors
	not ancestors_valid
}

acl_valid(acl) if {
	is_array(acl)
	every entry in acl {
		levels[entry.permission_level]
		acl_subject(entry)
	}
}

acl_subject(entry) if non_empty_string(entry.user_id)

acl_subject(entry) if non_empty_string(entry.group_name)

ancestors_valid if {
	is_array(input.resource.ancestors)
	every ancestor in input.resource.ancestors {
		is_object(ancestor)
		acl_valid(object.get(ancestor, "acl", []))
	}
}

# A resource decision: the service passed the resource's access control list.
resource_scoped if is_array(input.resource.acl)

# The principal's roles that grant the action on the resource.
granting_roles contains role if {
	some role in principal.roles
	role == tenant_admin_role
	action_roles[input.action]
}

granting_roles contains role if {
	some role in principal.roles
	role in action_roles[input.action]
}

granting_roles contains role if {
	some role in principal.roles
	role in action_roles_on_own_resources[input.action]
	non_empty_string(input.resource.owner)
	input.resource.owner == input.principal.id
}

# The highest permission level the principal holds on the resource: owners of the
# resource or of a folder above it and tenant admins manage it; entries on the
# resource and its folders apply to their user or group.
held_level := max(held_levels | {0})

held_levels contains 4 if owns(input.resource)

held_levels contains 4 if {
	some ancestor in input.resource.ancestors
	owns(ancestor)
}

held_levels contains 4 if tenant_admin_role in principal.roles

held_levels contains levels[entry.permission_level] if {
	some entry in input.resource.acl
	applies(entry)
}

held_levels contains levels[entry.permission_level] if {
	some ancestor in input.resource.ancestors
	some entry in ancestor.acl
	applies(entry)
}

owns(resource) if {
	non_empty_string(resource.owner)
	resource.owner == input.principal.id
}

applies(entry) if entry.user_id == input.principal.id

applies(entry) if entry.group_name in principal.groups

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
