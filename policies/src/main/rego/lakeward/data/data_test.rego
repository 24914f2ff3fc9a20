package lakeward.data_test

import data.lakeward.data as access

principal := {"id": "user-alice", "type": "user", "tenant": "acme", "roles": ["workspace-user"], "groups": ["analysts"]}

request(privilege, table) := {
	"principal": principal,
	"privilege": privilege,
	"table": object.union({"tenant": "acme", "catalog": "main", "schema": "sales"}, table),
	"context": {"time": "2026-12-01T08:00:00Z", "client_ip": "10.0.0.7", "request_id": "request-1"},
}

orders := request("SELECT", {"name": "orders"})

store := {"tenants": {
	"acme": {
		"revision": 4,
		"members": {},
		"grants": {
			"table/main.sales.orders": {"SELECT": {"users": {"user-alice": true}, "groups": {}}},
			"schema/main.hr": {"SELECT": {"users": {}, "groups": {"analysts": true}}},
			"catalog/finance": {"MODIFY": {"users": {"user-alice": true}, "groups": {}}},
		},
		"row_filters": {"main.sales.orders": {"expression": "region = user_attribute('region') OR is_member('admins')"}},
		"column_tags": {"main.sales.orders": {"email": ["pii"], "card": ["pci", "pii"], "note": ["internal"]}},
		"column_masks": {"main.sales.orders": {"phone": {"type": "last4", "exempt_groups": ["support"]}}},
		"tag_masks": {
			"pii": {"type": "hash", "exempt_groups": ["privacy-officers"]},
			"pci": {"type": "redact", "exempt_groups": []},
		},
	},
	"globex": {
		"revision": 9,
		"grants": {"catalog/main": {"SELECT": {"users": {"user-alice": true}, "groups": {"analysts": true}}}},
	},
}}

decide(req) := d if {
	d := access.decision with input as req with data.lakeward.admin as store
}

test_a_table_grant_allows_with_filter_and_masks if {
	decide(orders) == {
		"allow": true,
		"reason": "granted SELECT on table/main.sales.orders",
		"row_filter": "region = user_attribute('region') OR is_member('admins')",
		"masks": [
			{"column": "card", "type": "redact", "reason": "tag pci"},
			{"column": "email", "type": "hash", "reason": "tag pii"},
			{"column": "phone", "type": "last4", "reason": "column mask"},
		],
		"tenant_revision": 4,
	}
}

test_names_compare_in_lower_case if {
	decide(request("SELECT", {"catalog": "MAIN", "schema": "Sales", "name": "ORDERS"})).allow
}

test_no_grant_no_access if {
	d := decide(request("SELECT", {"name": "customers"}))
	d == {"allow": false, "reason": "no grant gives the privilege", "row_filter": null, "masks": [], "tenant_revision": 4}
}

test_select_does_not_give_modify if {
	not decide(request("MODIFY", {"name": "orders"})).allow
}

test_a_schema_grant_to_a_group_covers_its_tables if {
	d := decide(request("SELECT", {"schema": "hr", "name": "salaries"}))
	d.allow
	d.reason == "granted SELECT on schema/main.hr"
	d.row_filter == null
	d.masks == []
}

test_a_catalog_grant_covers_its_schemas if {
	decide(request("MODIFY", {"catalog": "finance", "schema": "ledger", "name": "entries"})).allow
}

test_group_grants_follow_the_store_membership if {
	removed := object.union(store, {"tenants": {"acme": {"members": {"user-alice": {"roles": ["workspace-user"], "groups": []}}}}})
	d := access.decision with input as request("SELECT", {"schema": "hr", "name": "salaries"}) with data.lakeward.admin as removed
	not d.allow
}

test_exempt_groups_see_the_column if {
	member := object.union(store, {"tenants": {"acme": {"members": {"user-alice": {"roles": ["workspace-user"], "groups": ["privacy-officers", "support"]}}}}})
	d := access.decision with input as orders with data.lakeward.admin as member
	d.masks == [{"column": "card", "type": "redact", "reason": "tag pci"}]
}

test_the_most_restrictive_mask_wins if {
	both := object.union(store, {"tenants": {"acme": {"column_masks": {"main.sales.orders": {"email": {"type": "null"}}}}}})
	d := access.decision with input as orders with data.lakeward.admin as both
	{"column": "email", "type": "null", "reason": "column mask"} in d.masks
}

test_another_tenants_grants_never_apply if {
	globex_table := object.union(orders, {"table": {"tenant": "globex"}})
	d := decide(globex_table)
	d.allow == false
	d.reason == "tenant mismatch"
}

test_grants_of_the_principals_own_tenant_only if {
	globex_user := object.union(request("SELECT", {"name": "invoices", "tenant": "globex"}), {"principal": {"tenant": "globex"}})
	d := decide(globex_user)
	d.allow
	d.tenant_revision == 9
	acme_user := decide(request("SELECT", {"name": "invoices"}))
	not acme_user.allow
}

test_invalid_input_is_denied if {
	every case in [
		{"field": "privilege", "req": object.union(orders, {"privilege": "ALL PRIVILEGES"})},
		{"field": "table.name", "req": object.union(orders, {"table": {"name": "orders.x"}})},
		{"field": "table.catalog", "req": object.union(orders, {"table": {"catalog": ""}})},
		{"field": "principal.roles", "req": object.union(orders, {"principal": {"roles": [1]}})},
		{"field": "principal.type", "req": object.union(orders, {"principal": {"type": "robot"}})},
		{"field": "principal.id", "req": json.remove(orders, ["principal/id"])},
	] {
		d := decide(case.req)
		d.allow == false
		d.reason == concat("", ["invalid input: ", case.field])
	}
}

test_no_data_denies if {
	d := access.decision with input as orders
	d.allow == false
	d.reason == "no policy data"
	d.tenant_revision == 0
}

test_empty_input_denies if {
	d := access.decision with input as {} with data.lakeward.admin as {}
	d.allow == false
	startswith(d.reason, "invalid input: ")
}
