package inventory

import (
	"slices"
)

// Four-eyes: nobody decides on what they proposed or requested themselves.
// The rules compare the caller's name with the one on record, and hold only
// for signed-in users (UserID != 0): the command line, the schedules and the
// demo data act as the system with full rights.

// reviewedBy maps a decision step to the step it decides on: whoever took the
// project to the latter may not take it to the former.
var reviewedBy = map[string]string{
	"approved":          "submitted",
	"rejected":          "submitted",
	"accepted":          "acceptance_requested",
	"acceptance_failed": "acceptance_requested",
}

// unitStaffSteps are the lifecycle steps a unit's staff may take, on a
// project their unit leads; every other step is the reviewers'.
var unitStaffSteps = []string{"submitted", "acceptance_requested"}

// checkStepCaller refuses a lifecycle step the caller may not take on this
// project: unit staff beyond their own steps, and the one who submitted a
// project (or requested its acceptance) deciding on it.
func checkStepCaller(tx *txn, p Project, in TransitionInput) error {
	c := CallerOf(tx.ctx)
	if !c.Scope().All {
		if !slices.Contains(unitStaffSteps, in.To) {
			return forbidden("err.foureyes.unit_staff_step", L(setProjectStatus, in.To))
		}
		if err := mayChange(tx, "projects", p.ID); err != nil {
			return err
		}
	}
	step, ok := reviewedBy[in.To]
	if !ok || c.UserID == 0 {
		return nil
	}
	var actor string
	err := tx.get(&actor, `SELECT actor FROM project_history WHERE project_id = ? AND to_status = ?
		ORDER BY id DESC LIMIT 1`, p.ID, step)
	if err := ignoreNoRows(err); err != nil {
		return dbErr(err, "read project history")
	}
	if actor != c.Name {
		return nil
	}
	if step == "submitted" {
		return forbidden("err.foureyes.approve_own", actor, p.ID)
	}
	return forbidden("err.foureyes.accept_own", actor, p.ID)
}

// checkRevisionReviewer refuses the proposer of a spec revision approving or
// rejecting it.
func checkRevisionReviewer(tx *txn, rev SpecRevision) error {
	c := CallerOf(tx.ctx)
	if c.UserID == 0 || rev.CreatedBy != c.Name {
		return nil
	}
	return forbidden("err.foureyes.revision_own", rev.CreatedBy, rev.Number)
}

// checkExemptionCaller refuses a caller of the finding's own unit granting or
// revoking an exemption on it: a unit does not excuse itself.
func checkExemptionCaller(tx *txn, f findingRow) error {
	c := CallerOf(tx.ctx)
	if c.UserID == 0 || c.UnitID == 0 || f.UnitID == nil || *f.UnitID != c.UnitID {
		return nil
	}
	return forbidden("err.foureyes.exempt_own", f.ID, c.UnitID)
}
