# Data access: for a principal and a table, whether it may use a privilege on
# the table, and if so the row filter and the column masks that apply to it.
#
# Input:
#   principal  {id, type, tenant, roles, groups} (as for lakeward.authz)
#   privilege  "SELECT" | "MODIFY"
#   table      {tenant, catalog, schema, name}
#   context    {time, client_ip, request_id}
#
# Admin-managed data, per tenant (data.lakeward.admin.tenants[tenant]):
#   grants        {securable: {privilege: {"users": {id: true}, "groups": {name: true}}}}
#                 securable "catalog/<c>", "schema/<c>.<s>" or "table/<c>.<s>.<t>";
#                 a grant on a catalog or schema covers the tables inside it
#   row_filters   {"<c>.<s>.<t>": {"expression": SQL boolean expression}}
#   column_tags   {"<c>.<s>.<t>": {column: [tag]}}
#   column_masks  {"<c>.<s>.<t>": {column: {"type": mask, "exempt_groups": [group]}}}
#   tag_masks     {tag: {"type": mask, "exempt_groups": [group]}}
#   members       see lakeward.principal (the groups used for grants and exemptions)
#
# Output: decision {allow, reason, row_filter: string | null,
# masks: [{column, type, reason}] sorted by column, tenant_revision}. Row filter
# expressions were validated by the policy store; they reach the principal only
# through current_user(), is_member() and user_attribute(), which the engine
# enforcing them provides. Where several masks apply to a column, the most
# restrictive wins (null, then redact, then hash, then last4).
package lakeward.data

import data.lakeward.principal

privileges := {"SELECT", "MODIFY"}

# Lower is more restrictive.
mask_rank := {"null": 1, "redact": 2, "hash": 3, "last4": 4}

default decision := {
	"allow": false,
	"reason": "no grant gives the privilege",
	"row_filter": null,
	"masks": [],
	"tenant_revision": 0,
}

decision := denial("no policy data") if {
	not principal.has_data
} else := denial(concat("", ["invalid input: ", concat(", ", sort(invalid_fields))])) if {
	count(invalid_fields) > 0
} else := denial("tenant mismatch") if {
	input.principal.tenant != input.table.tenant
} else := {
	"allow": true,
	"reason": concat("", ["granted ", input.privilege, " on ", sort(granting)[0]]),
	"row_filter": row_filter,
	"masks": masks,
	"tenant_revision": principal.tenant_revision,
} if {
	count(granting) > 0
} else := denial("no grant gives the privilege")

denial(reason) := {
	"allow": false,
	"reason": reason,
	"row_filter": null,
	"masks": [],
	"tenant_revision": principal.tenant_revision,
}

required_fields := {"principal.id", "principal.type", "principal.tenant", "principal.roles", "privilege", "table.tenant", "table.catalog", "table.schema", "table.name"}

invalid_fields := required_fields - valid_fields

valid_fields contains "principal.id" if non_empty_string(input.principal.id)

valid_fields contains "principal.type" if input.principal.type in {"user", "service"}

valid_fields contains "principal.tenant" if non_empty_string(input.principal.tenant)

valid_fields contains "principal.roles" if {
	is_array(input.principal.roles)
	every role in input.principal.roles {
		is_string(role)
	}
}

valid_fields contains "privilege" if input.privilege in privileges

valid_fields contains field if {
	some field, value in {
		"table.tenant": input.table.tenant,
		"table.catalog": input.table.catalog,
		"table.schema": input.table.schema,
		"table.name": input.table.name,
	}
	non_empty_string(value)
	not contains(value, ".")
}

# lower-case names, as the catalog stores them
table_name := concat(".", [lower(input.table.catalog), lower(input.table.schema), lower(input.table.name)])

securables := [
	concat("/", ["catalog", lower(input.table.catalog)]),
	concat("/", ["schema", concat(".", [lower(input.table.catalog), lower(input.table.schema)])]),
	concat("/", ["table", table_name]),
]

# The securables whose grants give the principal the privilege.
granting contains securable if {
	some securable in securables
	principal.tenant_data.grants[securable][input.privilege].users[input.principal.id] == true
}

granting contains securable if {
	some securable in securables
	some group in principal.groups
	principal.tenant_data.grants[securable][input.privilege].groups[group] == true
}

default row_filter := null

row_filter := principal.tenant_data.row_filters[table_name].expression

# [column, mask type, why] for every mask that applies to the principal.
applicable contains [column, mask.type, "column mask"] if {
	some column, mask in principal.tenant_data.column_masks[table_name]
	not exempt(mask)
}

applicable contains [column, mask.type, concat("", ["tag ", tag])] if {
	some column, tags in principal.tenant_data.column_tags[table_name]
	some tag in tags
	mask := principal.tenant_data.tag_masks[tag]
	not exempt(mask)
}

exempt(mask) if {
	some group in mask.exempt_groups
	group in principal.groups
}

masked_columns := {column | some [column, _, _] in applicable}

masks := [mask |
	some column in sort(masked_columns)
	mask := strongest(column)
]

strongest(column) := {"column": column, "type": type, "reason": reason} if {
	rank := min({mask_rank[t] | some [c, t, _] in applicable; c == column})
	some type, r in mask_rank
	r == rank
	reason := sort({why | some [c, t, why] in applicable; c == column; t == type})[0]
}

non_empty_string(value) if {
	is_string(value)
	value != ""
}
