package lakeward.authz_test

import data.lakeward.authz

# A valid request inside one tenant; each test changes what it is about.
request(roles, action) := {
	"principal": {
		"id": "user-alice",
		"type": "user",
		"tenant": "tenant-acme",
		"roles": roles,
		"groups": ["analysts"],
	},
	"action": action,
	"resource": {
		"tenant": "tenant-acme",
		"type": "workspace",
		"id": "workspace-1",
		"owner": "user-bob",
	},
	"context": {
		"time": "2026-11-24T11:00:00Z",
		"client_ip": "10.0.0.7",
		"request_id": "request-1",
	},
}

# The request with some fields replaced: overrides merge into it recursively.
request_with(roles, action, overrides) := object.union(request(roles, action), overrides)

# The decision's verdict (allow and reason); visible and tenant_revision have tests of their own.
decision_for(req) := {"allow": decision.allow, "reason": decision.reason} if {
	decision := authz.decision with input as req with data.lakeward.admin as {}
}

allowed(roles, action) if decision_for(request(roles, action)).allow == true

denied_because(req, reason) if decision_for(req) == {"allow": false, "reason": reason}

# The expected grants, written out independently of the policy's data.
all_actions := {
	"workspace.create", "workspace.read", "workspace.update", "workspace.delete",
	"notebook.create", "notebook.read", "notebook.run", "notebook.update", "notebook.delete", "notebook.manage",
	"cluster.create", "cluster.read", "cluster.attach", "cluster.update", "cluster.delete",
	"table.read", "table.modify", "identity.read_self",
	"group.read", "group.update", "policy.read", "policy.update", "policy.simulate",
	"audit.read", "audit.export", "audit.read_own", "health.read",
	"secret_scope.create", "secret_scope.delete", "secret_scope.list",
	"secret.put", "secret.delete", "secret.list", "secret.get",
	"secret_acl.put", "secret_acl.delete", "secret_acl.get", "secret_acl.list",
	"token.create", "token.list", "token.delete",
	"token_management.list", "token_management.read", "token_management.delete",
}

expected_grants := {
	"tenant-admin": all_actions,
	"workspace-user": {
		"workspace.create", "workspace.read", "workspace.update", "workspace.delete",
		"notebook.create", "notebook.read", "notebook.run", "notebook.update", "notebook.delete", "notebook.manage",
		"cluster.create", "cluster.read", "cluster.attach", "cluster.update", "cluster.delete",
		"table.read", "table.modify", "identity.read_self",
		"secret_scope.create", "secret_scope.delete", "secret_scope.list",
		"secret.put", "secret.delete", "secret.list", "secret.get",
		"secret_acl.put", "secret_acl.delete", "secret_acl.get", "secret_acl.list",
		"token.create", "token.list", "token.delete",
	},
	"auditor": {
		"audit.read", "audit.export", "workspace.read", "identity.read_self",
		"token.create", "token.list", "token.delete",
	},
	"viewer": {
		"workspace.read", "notebook.read", "cluster.read", "table.read", "identity.read_self", "health.read",
		"token.create", "token.list", "token.delete",
	},
}

test_every_role_is_granted_exactly_its_actions if {
	every role, granted in expected_grants {
		every action in all_actions {
			expected := action in granted
			decision_for(request([role], action)).allow == expected
		}
	}
}

test_the_policy_knows_exactly_the_expected_actions if {
	{action | some action, _ in authz.action_roles} == all_actions
}

# tenant-admin

test_tenant_admin_may_update_policies if {
	decision_for(request(["tenant-admin"], "policy.update")) == {"allow": true, "reason": "granted to role tenant-admin"}
}

test_tenant_admin_may_export_audit if allowed(["tenant-admin"], "audit.export")

test_tenant_admin_may_read_anyones_audit_history if allowed(["tenant-admin"], "audit.read_own")

test_tenant_admin_may_delete_clusters if allowed(["tenant-admin"], "cluster.delete")

# workspace-user

test_workspace_user_may_create_clusters if {
	decision_for(request(["workspace-user"], "cluster.create")) == {"allow": true, "reason": "granted to role workspace-user"}
}

test_workspace_user_may_update_notebooks if allowed(["workspace-user"], "notebook.update")

test_workspace_user_may_delete_workspaces if allowed(["workspace-user"], "workspace.delete")

test_workspace_user_may_not_update_policies if {
	denied_because(request(["workspace-user"], "policy.update"), "no role grants the action")
}

test_workspace_user_may_not_read_audit if not allowed(["workspace-user"], "audit.read")

test_workspace_user_may_not_export_audit if not allowed(["workspace-user"], "audit.export")

test_workspace_user_may_not_read_health if not allowed(["workspace-user"], "health.read")

test_workspace_user_may_read_own_audit_history if {
	own := request_with(["workspace-user"], "audit.read_own", {"resource": {"type": "audit", "owner": "user-alice"}})
	decision_for(own).allow == true
}

test_workspace_user_may_not_read_others_audit_history if {
	denied_because(request(["workspace-user"], "audit.read_own"), "not the resource owner")
}

test_workspace_user_may_not_read_audit_history_without_owner if {
	no_owner := json.remove(request(["workspace-user"], "audit.read_own"), ["resource/owner"])
	denied_because(no_owner, "not the resource owner")
}

test_workspace_user_empty_owner_is_nobody if {
	nobody := request_with(["workspace-user"], "audit.read_own", {"principal": {"id": ""}, "resource": {"owner": ""}})
	not decision_for(nobody).allow
}

# auditor

test_auditor_may_read_audit if {
	decision_for(request(["auditor"], "audit.read")) == {"allow": true, "reason": "granted to role auditor"}
}

test_auditor_may_export_audit if allowed(["auditor"], "audit.export")

test_auditor_may_read_workspaces if allowed(["auditor"], "workspace.read")

test_auditor_may_not_read_notebooks if {
	denied_because(request(["auditor"], "notebook.read"), "no role grants the action")
}

test_auditor_may_not_update_policies if not allowed(["auditor"], "policy.update")

# viewer

test_viewer_may_read_health if {
	decision_for(request(["viewer"], "health.read")) == {"allow": true, "reason": "granted to role viewer"}
}

test_viewer_may_read_notebooks_and_clusters if {
	allowed(["viewer"], "notebook.read")
	allowed(["viewer"], "cluster.read")
}

test_viewer_may_not_read_audit if {
	denied_because(request(["viewer"], "audit.read"), "no role grants the action")
}

test_viewer_may_read_own_audit_history_only if {
	own := request_with(["viewer"], "audit.read_own", {"resource": {"owner": "user-alice"}})
	decision_for(own).allow
	denied_because(request(["viewer"], "audit.read_own"), "not the resource owner")
}

test_viewer_may_not_write if {
	not allowed(["viewer"], "workspace.create")
	not allowed(["viewer"], "notebook.update")
	not allowed(["viewer"], "cluster.delete")
}

test_viewer_may_not_run_or_edit if {
	every action in {"notebook.run", "notebook.update", "notebook.manage", "cluster.attach", "table.modify", "policy.update"} {
		not allowed(["viewer"], action)
	}
}

# roles together

test_roles_add_up if {
	allowed(["viewer", "auditor"], "audit.export")
	allowed(["viewer", "auditor"], "health.read")
}

test_reason_names_every_granting_role_in_order if {
	decision_for(request(["viewer", "tenant-admin", "auditor"], "workspace.read")) == {
		"allow": true,
		"reason": "granted to role auditor, tenant-admin, viewer",
	}
}

test_unknown_roles_grant_nothing if {
	denied_because(request(["root", "admin", "Tenant-Admin"], "workspace.read"), "no role grants the action")
}

test_no_roles_grant_nothing if {
	denied_because(request([], "workspace.read"), "no role grants the action")
}

test_service_principals_follow_the_same_rules if {
	service := request_with(["workspace-user"], "cluster.create", {"principal": {"type": "service"}})
	decision_for(service).allow == true
}

test_groups_grant_nothing if {
	in_admin_group := request_with([], "workspace.read", {"principal": {"groups": ["tenant-admin"]}})
	not decision_for(in_admin_group).allow
}

# tenants

test_tenant_mismatch_is_denied if {
	other_tenant := request_with(["workspace-user"], "workspace.read", {"resource": {"tenant": "tenant-globex"}})
	denied_because(other_tenant, "tenant mismatch")
}

test_tenant_mismatch_is_denied_to_tenant_admin if {
	other_tenant := request_with(["tenant-admin"], "policy.update", {"resource": {"tenant": "tenant-globex"}})
	denied_because(other_tenant, "tenant mismatch")
}

test_tenant_names_compare_exactly if {
	other_case := request_with(["tenant-admin"], "workspace.read", {"resource": {"tenant": "Tenant-Acme"}})
	denied_because(other_case, "tenant mismatch")
}

# unknown actions

test_unknown_actions_are_denied_to_everyone if {
	every action in {"workspace.destroy", "workspace.*", "*", "WORKSPACE.READ", "workspace.read ", "audit"} {
		denied_because(request(["tenant-admin", "workspace-user", "auditor", "viewer"], action), "unknown action")
	}
}

# missing and malformed input

test_each_missing_field_is_denied if {
	every path, field in {
		"principal/id": "principal.id",
		"principal/type": "principal.type",
		"principal/tenant": "principal.tenant",
		"principal/roles": "principal.roles",
		"action": "action",
		"resource/tenant": "resource.tenant",
		"resource/type": "resource.type",
	} {
		denied_because(
			json.remove(request(["tenant-admin"], "workspace.read"), [path]),
			concat("", ["invalid input: ", field]),
		)
	}
}

test_missing_principal_is_denied if {
	denied_because(
		json.remove(request(["tenant-admin"], "workspace.read"), ["principal"]),
		"invalid input: principal.id, principal.roles, principal.tenant, principal.type",
	)
}

test_missing_resource_is_denied if {
	denied_because(
		json.remove(request(["tenant-admin"], "workspace.read"), ["resource"]),
		"invalid input: resource.tenant, resource.type",
	)
}

test_empty_input_is_denied if {
	d := authz.decision with input as {} with data.lakeward.admin as {}
	d.allow == false
	startswith(d.reason, "invalid input: ")
}

test_no_input_is_denied if {
	authz.decision.allow == false
}

test_without_any_policy_data_everything_is_denied if {
	d := authz.decision with input as request(["tenant-admin"], "workspace.read")
	d.allow == false
	d.reason == "no policy data"
}

test_malformed_fields_are_denied if {
	every case in [
		{"overrides": {"principal": {"roles": "tenant-admin"}}, "field": "principal.roles"},
		{"overrides": {"principal": {"roles": ["tenant-admin", 7]}}, "field": "principal.roles"},
		{"overrides": {"principal": {"type": "robot"}}, "field": "principal.type"},
		{"overrides": {"principal": {"id": ""}}, "field": "principal.id"},
		{"overrides": {"principal": {"tenant": ""}}, "field": "principal.tenant"},
		{"overrides": {"principal": {"tenant": 42}}, "field": "principal.tenant"},
		{"overrides": {"action": ["workspace.read"]}, "field": "action"},
		{"overrides": {"resource": {"tenant": null}}, "field": "resource.tenant"},
		{"overrides": {"resource": {"type": ""}}, "field": "resource.type"},
	] {
		denied_because(
			request_with(["tenant-admin"], "workspace.read", case.overrides),
			concat("", ["invalid input: ", case.field]),
		)
	}
}

test_empty_tenants_do_not_match_each_other if {
	no_tenants := request_with(["tenant-admin"], "workspace.read", {"principal": {"tenant": ""}, "resource": {"tenant": ""}})
	not decision_for(no_tenants).allow
}

# visibility and revision

test_visible_except_for_another_tenant if {
	d := authz.decision with input as request(["viewer"], "notebook.update") with data.lakeward.admin as {}
	d.visible == true
	other := authz.decision with input as request_with(["tenant-admin"], "notebook.read", {"resource": {"tenant": "tenant-globex"}}) with data.lakeward.admin as {}
	other.visible == false
}

test_the_decision_reports_the_tenant_revision if {
	d := authz.decision with input as request(["viewer"], "notebook.read") with data.lakeward.admin as {"tenants": {"tenant-acme": {"revision": 12}}}
	d.tenant_revision == 12
	none := authz.decision with input as request(["viewer"], "notebook.read") with data.lakeward.admin as {}
	none.tenant_revision == 0
}

# membership from the policy store

stored(members) := {"tenants": {"tenant-acme": {"revision": 3, "members": members}}}

test_a_role_revoked_in_the_store_no_longer_grants if {
	req := request(["workspace-user"], "notebook.update")
	decision_for(req).allow
	d := authz.decision with input as req with data.lakeward.admin as stored({"user-alice": {"roles": ["viewer"], "groups": []}})
	d.allow == false
	d.reason == "no role grants the action"
}

test_a_role_granted_in_the_store_grants_before_the_token_says_so if {
	req := request(["viewer"], "policy.update")
	not decision_for(req).allow
	d := authz.decision with input as req with data.lakeward.admin as stored({"user-alice": {"roles": ["tenant-admin"], "groups": []}})
	d.allow == true
}

test_the_store_membership_of_another_user_changes_nothing if {
	req := request(["viewer"], "policy.update")
	d := authz.decision with input as req with data.lakeward.admin as stored({"user-bob": {"roles": ["tenant-admin"], "groups": []}})
	d.allow == false
}

# resource decisions: owners, access control lists, folders

notebook(acl, ancestors) := {
	"tenant": "tenant-acme",
	"type": "notebook",
	"id": "notebook-1",
	"owner": "user-bob",
	"acl": acl,
	"ancestors": ancestors,
}

on_notebook(roles, action, acl, ancestors) := d if {
	d := authz.decision with input as request_with(roles, action, {"resource": notebook(acl, ancestors)}) with data.lakeward.admin as {}
}

levels_in_order := ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"]

actions_needing := {
	"CAN_READ": "notebook.read",
	"CAN_RUN": "notebook.run",
	"CAN_EDIT": "notebook.update",
	"CAN_MANAGE": "notebook.manage",
}

test_each_level_allows_exactly_the_actions_up_to_it if {
	every held_index, held in levels_in_order {
		every needed_index, needed in levels_in_order {
			d := on_notebook(["workspace-user"], actions_needing[needed], [{"user_id": "user-alice", "permission_level": held}], [])
			d.allow == needed_index <= held_index
			d.visible == true
		}
	}
}

test_a_missing_level_is_named if {
	d := on_notebook(["workspace-user"], "notebook.update", [{"user_id": "user-alice", "permission_level": "CAN_RUN"}], [])
	d.allow == false
	d.reason == "the action needs CAN_EDIT"
}

test_no_level_on_the_resource_hides_it if {
	d := on_notebook(["workspace-user"], "notebook.read", [{"user_id": "user-carol", "permission_level": "CAN_MANAGE"}], [])
	d == {"allow": false, "reason": "no access to the resource", "visible": false, "tenant_revision": 0}
}

test_an_empty_acl_is_a_resource_decision if {
	d := on_notebook(["workspace-user"], "notebook.read", [], [])
	d.visible == false
	d.allow == false
}

test_the_owner_manages if {
	owner := request_with(["workspace-user"], "notebook.delete", {"principal": {"id": "user-bob"}, "resource": notebook([], [])})
	d := authz.decision with input as owner with data.lakeward.admin as {}
	d.allow == true
}

test_group_entries_apply_to_members if {
	d := on_notebook(["workspace-user"], "notebook.run", [{"group_name": "analysts", "permission_level": "CAN_RUN"}], [])
	d.allow == true
	other := on_notebook(["workspace-user"], "notebook.run", [{"group_name": "admins", "permission_level": "CAN_RUN"}], [])
	other.allow == false
	other.visible == false
}

test_group_entries_follow_the_store_membership if {
	req := request_with(["workspace-user"], "notebook.run", {"resource": notebook([{"group_name": "analysts", "permission_level": "CAN_RUN"}], [])})
	d := authz.decision with input as req with data.lakeward.admin as stored({"user-alice": {"roles": ["workspace-user"], "groups": []}})
	d.allow == false
	d.visible == false
}

test_folder_entries_and_owners_are_inherited if {
	folder_acl := on_notebook(["workspace-user"], "notebook.update", [], [
		{"id": "folder-2", "owner": "user-carol", "acl": []},
		{"id": "folder-1", "owner": "user-carol", "acl": [{"group_name": "analysts", "permission_level": "CAN_EDIT"}]},
	])
	folder_acl.allow == true
	folder_owner := on_notebook(["workspace-user"], "notebook.manage", [], [{"id": "folder-1", "owner": "user-alice"}])
	folder_owner.allow == true
}

test_the_highest_level_wins if {
	d := on_notebook(
		["workspace-user"], "notebook.update", [
			{"user_id": "user-alice", "permission_level": "CAN_READ"},
			{"group_name": "analysts", "permission_level": "CAN_EDIT"},
		],
		[],
	)
	d.allow == true
}

test_the_role_still_gates_a_resource_decision if {
	d := on_notebook(["viewer"], "notebook.update", [{"user_id": "user-alice", "permission_level": "CAN_MANAGE"}], [])
	d.allow == false
	d.reason == "no role grants the action"
	d.visible == true
}

test_tenant_admins_manage_every_resource_of_their_tenant if {
	d := on_notebook(["tenant-admin"], "notebook.manage", [], [])
	d.allow == true
}

test_an_action_without_a_level_is_not_decided_on_a_resource if {
	d := on_notebook(["tenant-admin"], "policy.update", [], [])
	d.allow == false
	d.reason == "the action cannot be decided on a resource"
}

test_malformed_acls_are_invalid_input if {
	every case in [
		{"acl": "everyone", "ancestors": []},
		{"acl": [{"user_id": "user-alice", "permission_level": "CAN_OWN"}], "ancestors": []},
		{"acl": [{"permission_level": "CAN_READ"}], "ancestors": []},
		{"acl": [{"user_id": "", "permission_level": "CAN_READ"}], "ancestors": []},
	] {
		d := on_notebook(["tenant-admin"], "notebook.read", case.acl, case.ancestors)
		d.allow == false
		d.reason == "invalid input: resource.acl"
	}
	bad_folder := on_notebook(["tenant-admin"], "notebook.read", [], [{"id": "f", "acl": [{"group_name": "x", "permission_level": "ALL"}]}])
	bad_folder.reason == "invalid input: resource.ancestors"
	not_a_list := on_notebook(["tenant-admin"], "notebook.read", [], "folder-1")
	not_a_list.reason == "invalid input: resource.ancestors"
}
