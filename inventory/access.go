package inventory

import (
	"slices"
	"strings"
)

// Actions are everything a route may ask to do, named resource.verb. A route
// declares one (web's route table); Allowed says which roles may do it. What a
// caller may see of the records is their Scope, applied by the store.
var Actions = []string{
	"unit.read", "unit.write",
	"room.read", "room.write",
	"rack.read", "rack.write",
	"device.read", "device.write", "device.poll",
	"line.read", "line.write",
	"snmp.read", "snmp.write",
	"project.read", "project.write", "project.step", "project.amend",
	"document.write", "evaluation.write", "procurement.write",
	"spec.write", "spec.revision.propose", "spec.revision.review",
	"finding.read", "exemption.write", "check.read", "check.run",
	"eligibility.read", "plan.read", "report.read",
	"audit.read", "audit.verify",
	"rectification.read", "rectification.issue", "rectification.respond", "rectification.review",
	"notice.read", "notice.write", "notice.publish",
	"user.read", "user.write", "token.read", "token.write",
	"import.write", // spreadsheet imports; the kind's own write action is checked too
	"metrics.read", // GET /metrics (also open to HOSTROLL_METRICS_ALLOW's addresses)
	"self",         // your own account: /me, password, sessions, tokens
}

// StepAction is the action of taking a project to the status to; the
// transition route checks it once it knows the target.
func StepAction(to string) string { return "project.step." + to }

// access is the role × action table. admin may do everything, unit staff's
// project steps included (so the office can register a project for a unit);
// "*.read" stands for every read action.
var access = map[string][]string{
	RoleOperator: {"*.read", "self", "unit.write", "room.write", "rack.write", "device.write",
		"line.write", "device.poll", "import.write"},
	RolePlanner: {"*.read", "self", "check.run", "exemption.write"},
	RoleReviewer: {"*.read", "self", "check.run", "project.step", "project.amend", "spec.write",
		"spec.revision.propose", "spec.revision.review", "evaluation.write", "document.write",
		"procurement.write", StepAction("approved"), StepAction("rejected"), StepAction("spec_reviewed"),
		StepAction("procuring"), StepAction("implementing"), StepAction("trial_run"),
		StepAction("acceptance_requested"), StepAction("accepted"),
		StepAction("acceptance_failed"), StepAction("settled"),
		"rectification.issue", "rectification.review", "notice.write", "notice.publish", "import.write"},
	RoleUnitStaff: {"self", "unit.read", "room.read", "rack.read", "device.read", "line.read",
		"project.read", "finding.read", "check.read", "eligibility.read", "audit.read",
		"project.write", "project.step", "document.write", "spec.revision.propose",
		StepAction("submitted"), StepAction("acceptance_requested"),
		"rectification.read", "rectification.respond", "notice.read", "import.write"},
	RoleAuditor: {"*.read", "self", "audit.verify"},
}

// adminOnly are the read actions that "*.read" does not grant: who the users
// and their tokens are, and how the service runs, are the administrator's
// business.
var adminOnly = []string{"user.read", "token.read", "metrics.read"}

// Allowed reports whether role may do action.
func Allowed(role, action string) bool {
	if role == RoleAdmin {
		return slices.Contains(Roles, role)
	}
	granted := access[role]
	if slices.Contains(granted, action) {
		return true
	}
	return strings.HasSuffix(action, ".read") && !slices.Contains(adminOnly, action) &&
		slices.Contains(granted, "*.read")
}

// KnownAction reports whether action is one of Actions or a project step.
func KnownAction(action string) bool {
	if to, ok := strings.CutPrefix(action, "project.step."); ok {
		_, known := ProjectTransitions[to]
		return known || to == "rejected" || to == "settled"
	}
	return slices.Contains(Actions, action)
}
