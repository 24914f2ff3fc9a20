# Test policy: the decision has the wrong shape ("allow" is not a boolean, "reason" not a string).
package lakeward.authz

decision := {"allow": "yes", "reason": 42}
