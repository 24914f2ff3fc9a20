package lakeward.principal_test

import data.lakeward.principal

token_principal := {"id": "user-1", "type": "user", "tenant": "acme", "roles": ["viewer"], "groups": ["analysts"]}

store := {"tenants": {"acme": {
	"revision": 7,
	"members": {"user-1": {"roles": ["workspace-user"], "groups": ["engineers"]}},
}}}

test_without_stored_membership_the_credential_decides if {
	principal.roles == ["viewer"] with input as {"principal": token_principal}
	principal.groups == ["analysts"] with input as {"principal": token_principal}
	principal.tenant_revision == 0 with input as {"principal": token_principal}
}

test_stored_membership_overrides_the_credential if {
	principal.roles == ["workspace-user"] with input as {"principal": token_principal} with data.lakeward.admin as store
	principal.groups == ["engineers"] with input as {"principal": token_principal} with data.lakeward.admin as store
	principal.tenant_revision == 7 with input as {"principal": token_principal} with data.lakeward.admin as store
}

test_another_tenants_membership_is_never_used if {
	other := object.union(token_principal, {"tenant": "globex"})
	principal.roles == ["viewer"] with input as {"principal": other} with data.lakeward.admin as store
	principal.tenant_revision == 0 with input as {"principal": other} with data.lakeward.admin as store
}

test_a_member_removed_from_every_group_has_none if {
	emptied := {"tenants": {"acme": {"revision": 8, "members": {"user-1": {"roles": ["viewer"], "groups": []}}}}}
	principal.groups == [] with input as {"principal": token_principal} with data.lakeward.admin as emptied
}

test_missing_groups_are_none if {
	principal.groups == [] with input as {"principal": object.remove(token_principal, ["groups"])}
}

test_policy_data_is_present_only_when_loaded if {
	not principal.has_data
	principal.has_data with data.lakeward.admin as {}
}
