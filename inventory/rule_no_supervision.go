package inventory

import (
	"context"
)

// supervisedStatuses are the statuses in which a project must have a
// supervision firm (Art. 11): from implementing until it is settled.
var supervisedStatuses = []string{"implementing", "trial_run", "acceptance_requested", "acceptance_failed", "accepted"}

func init() {
	registerRule(Rule{
		Name:     "no-supervision",
		Articles: []int{11},
		Eval:     evalNoSupervision,
		Message: func(lang string, p map[string]any) string {
			return M("rule.no_supervision", projectRef(p), L(setProjectStatus, prjText(p, "status"))).Text(lang)
		},
	})
}

func evalNoSupervision(ctx context.Context, s *Snapshot) ([]Hit, error) {
	rows, err := ruleProjectsIn(ctx, s, supervisedStatuses, " AND TRIM(supervisor) = ''")
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(rows))
	for _, p := range rows {
		hits = append(hits, Hit{SubjectType: "project", SubjectID: p.ID, UnitID: &p.LeadUnitID, Severity: "medium",
			Params: map[string]any{"project": p.Code, "name": p.Name, "status": p.Status}})
	}
	return hits, nil
}
