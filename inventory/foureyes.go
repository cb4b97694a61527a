package inventory

import (
	"fmt"
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
			return forbidden(
				fmt.Sprintf("建设单位只能将项目提交（submitted）或申请验收（acceptance_requested），不能转为 %s", in.To),
				fmt.Sprintf("unit staff may take a project to submitted or acceptance_requested only, not to %s", in.To))
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
		return forbidden(
			fmt.Sprintf("四眼原则：项目 %d 由 %s 提交，提交人不能审批（批准或驳回）自己提交的项目", p.ID, actor),
			fmt.Sprintf("four eyes: %s submitted project %d, and the one who submitted a project cannot approve or reject it", actor, p.ID))
	}
	return forbidden(
		fmt.Sprintf("四眼原则：项目 %d 的验收由 %s 申请，申请人不能自己验收（通过或不通过）", p.ID, actor),
		fmt.Sprintf("four eyes: %s requested the acceptance of project %d, and the one who requested it cannot accept it or fail it", actor, p.ID))
}

// checkRevisionReviewer refuses the proposer of a spec revision approving or
// rejecting it.
func checkRevisionReviewer(tx *txn, rev SpecRevision) error {
	c := CallerOf(tx.ctx)
	if c.UserID == 0 || rev.CreatedBy != c.Name {
		return nil
	}
	return forbidden(
		fmt.Sprintf("四眼原则：技术方案修订 %d 由 %s 提出，提出人不能批准或驳回自己的修订", rev.Number, rev.CreatedBy),
		fmt.Sprintf("four eyes: %s proposed spec revision %d, and the one who proposed a revision cannot approve or reject it", rev.CreatedBy, rev.Number))
}

// checkExemptionCaller refuses a caller of the finding's own unit granting or
// revoking an exemption on it: a unit does not excuse itself.
func checkExemptionCaller(tx *txn, f findingRow) error {
	c := CallerOf(tx.ctx)
	if c.UserID == 0 || c.UnitID == 0 || f.UnitID == nil || *f.UnitID != c.UnitID {
		return nil
	}
	return forbidden(
		fmt.Sprintf("四眼原则：问题 %d 属于本单位（单位 %d），本单位人员不能为其批准或撤销豁免", f.ID, c.UnitID),
		fmt.Sprintf("four eyes: finding %d is of your own unit (unit %d), and a unit's own people cannot grant or revoke an exemption on it", f.ID, c.UnitID))
}
