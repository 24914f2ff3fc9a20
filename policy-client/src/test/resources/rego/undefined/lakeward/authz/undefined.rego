# Test policy: the decision is undefined unless the action is "defined".
package lakeward.authz

decision := {"allow": true, "reason": "defined"} if input.action == "defined"
