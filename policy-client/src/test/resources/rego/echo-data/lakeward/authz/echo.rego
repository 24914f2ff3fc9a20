# Test policy: echoes the policy data it decides with, so that a test can check that the
# revision a decision reports is the revision of the data the evaluation read.
package lakeward.authz

default consistent := false

consistent if {
	count(data.lakeward.admin.markers) > 0
	every marker in data.lakeward.admin.markers {
		marker == data.lakeward.admin.revision
	}
}

decision := {
	"allow": consistent,
	"reason": concat(" ", ["revision", data.lakeward.admin.revision, "markers", concat(",", data.lakeward.admin.markers)]),
}
