package inventory

import (
	"context"
	"fmt"
	"time"
)

func init() {
	registerRule(Rule{
		Name:     "acceptance-overdue",
		Articles: []int{13, 16},
		Eval:     evalAcceptanceOverdue,
		Message: func(lang string, p map[string]any) string {
			return M("rule.acceptance_overdue", projectRef(p), prjText(p, "trial_run_end"), prjText(p, "due"),
				prjInt(p, "days_overdue")).Text(lang)
		},
	})
}

// evalAcceptanceOverdue finds projects still in their trial run (or failed
// at acceptance) whose acceptance was due, by acceptanceDue, before today.
func evalAcceptanceOverdue(ctx context.Context, s *Snapshot) ([]Hit, error) {
	rows, err := ruleProjectsIn(ctx, s, []string{"trial_run", "acceptance_failed"}, " AND trial_run_end IS NOT NULL")
	if err != nil {
		return nil, err
	}
	now, err := time.Parse(time.DateOnly, string(dayIn(s.Zone, s.Now)))
	if err != nil {
		return nil, fmt.Errorf("inventory: acceptance-overdue: %w", err)
	}
	var hits []Hit
	for _, p := range rows {
		end, err := time.Parse(time.DateOnly, string(*p.TrialRunEnd))
		if err != nil {
			return nil, fmt.Errorf("inventory: project %d trial_run_end %q: %w", p.ID, *p.TrialRunEnd, err)
		}
		due := acceptanceDue(end, s.Config.AcceptanceGraceDays)
		if !now.After(due) {
			continue
		}
		hits = append(hits, Hit{SubjectType: "project", SubjectID: p.ID, UnitID: &p.LeadUnitID, Severity: "high",
			Params: map[string]any{"project": p.Code, "name": p.Name, "status": p.Status,
				"trial_run_end": string(*p.TrialRunEnd), "due": due.Format(time.DateOnly),
				"days_overdue": float64(int(now.Sub(due).Hours() / 24))}})
	}
	return hits, nil
}
