# Test policy: two values for one complete rule when the action is "conflict", an evaluation
# error in OPA and a runtime error in Wasm.
package lakeward.authz

decision := {"allow": true, "reason": "first"} if input.action == "conflict"

decision := {"allow": false, "reason": "second"} if input.action == "conflict"

decision := {"allow": false, "reason": "no conflict"} if input.action != "conflict"
