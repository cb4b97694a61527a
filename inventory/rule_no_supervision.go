package inventory

import (
	"context"
	"fmt"
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
			if lang == "zh" {
				return fmt.Sprintf("项目 %s「%s」处于 %s 阶段,未委托工程监理单位", prjText(p, "project"),
					prjText(p, "name"), prjText(p, "status"))
			}
			return fmt.Sprintf("project %s %q is %s without a supervision firm: record its supervisor",
				prjText(p, "project"), prjText(p, "name"), prjText(p, "status"))
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
