package inventory

import (
	"context"
	"fmt"
)

func init() {
	registerRule(Rule{
		Name:     "late-application",
		Articles: []int{7},
		Eval:     evalLateApplication,
		Message: func(lang string, p map[string]any) string {
			return M("rule.late_application", projectRef(p), prjInt(p, "plan_year"), prjText(p, "submitted"),
				prjText(p, "deadline")).Text(lang)
		},
	})
}

// evalLateApplication finds prefecture-funded projects whose first step to
// submitted is dated after 31 October of the year before the plan year.
func evalLateApplication(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ruleProject
		Submitted Date `db:"submitted"`
	}
	err := s.Select(ctx, &rows, `SELECT p.id, p.code, p.name, p.lead_unit_id, p.status, p.plan_year,
		p.trial_run_end, MIN(h.date) AS submitted
		FROM projects p JOIN project_history h ON h.project_id = p.id AND h.to_status = 'submitted'
		WHERE p.funding_source = 'prefecture'
		GROUP BY p.id, p.code, p.name, p.lead_unit_id, p.status, p.plan_year, p.trial_run_end
		ORDER BY p.id`)
	if err != nil {
		return nil, dbErr(err, "project submissions")
	}
	var hits []Hit
	for _, r := range rows {
		deadline := fmt.Sprintf("%04d-10-31", r.PlanYear-1)
		if string(r.Submitted) <= deadline {
			continue
		}
		hits = append(hits, Hit{SubjectType: "project", SubjectID: r.ID, UnitID: &r.LeadUnitID, Severity: "medium",
			Params: map[string]any{"project": r.Code, "name": r.Name, "plan_year": float64(r.PlanYear),
				"submitted": string(r.Submitted), "deadline": deadline}})
	}
	return hits, nil
}
