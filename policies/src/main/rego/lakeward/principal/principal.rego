# The principal a decision is about, as the policy store knows it.
#
# Membership (roles and groups) comes from the admin-managed policy data when the
# store holds an entry for the principal (data.lakeward.admin.tenants[tenant].members[id]):
# a change made through the admin API then takes effect on the next decision,
# whatever the principal's current token still claims. A principal the store has
# no entry for is decided on the roles and groups of its credential.
#
# Data layout (one document per tenant, carrying its own revision):
#   data.lakeward.admin.tenants[tenant] = {
#     "revision": number,
#     "members": {principal id: {"roles": [string], "groups": [string]}},
#     "grants", "row_filters", "column_tags", "column_masks", "tag_masks": see lakeward.data
#   }
package lakeward.principal

# Whether any admin-managed data is loaded at all. Decision points always load a
# document (possibly without tenants); none means the engine lost it (e.g. a
# restarted OPA server), and then nothing is allowed: the stored membership that
# revokes roles would be missing, and the credential's claims must not decide alone.
has_data if is_object(data.lakeward.admin)

# The admin-managed data of the principal's tenant; empty when the store has none.
default tenant_data := {}

tenant_data := data.lakeward.admin.tenants[input.principal.tenant]

# The revision of the tenant's policy data the decision read (0: none stored yet).
default tenant_revision := 0

tenant_revision := tenant_data.revision

# The membership the store holds for the principal, when it holds one.
stored_member := tenant_data.members[input.principal.id]

# The roles decisions use.
roles := stored_member.roles if {
	is_array(stored_member.roles)
} else := input.principal.roles

# The groups decisions use.
groups := stored_member.groups if {
	is_array(stored_member.groups)
} else := input.principal.groups if {
	is_array(input.principal.groups)
} else := []
