package inventory

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// unacceptedStatuses are the statuses of a project whose devices must not be
// in operation (Art. 13): before its trial run, rejected, or failed at
// acceptance. The trial run itself (trial_run, acceptance_requested) runs
// the system by design, for the trial-run report acceptance requires.
var unacceptedStatuses = []string{"draft", "submitted", "approved", "spec_reviewed", "procuring", "implementing",
	"rejected", "acceptance_failed"}

func init() {
	registerRule(Rule{
		Name:     "running-before-acceptance",
		Articles: []int{13},
		Eval:     evalRunningBeforeAcceptance,
		Message: func(lang string, p map[string]any) string {
			project := M("rule.ref.project_code", prjText(p, "project"))
			if name, ok := p["project_name"].(string); ok {
				project = M("rule.ref.project", name, prjText(p, "project"))
			}
			return M("rule.running_before_acceptance", prjText(p, "device"), project,
				L(setProjectStatus, prjText(p, "status"))).Text(lang)
		},
	})
}

func evalRunningBeforeAcceptance(ctx context.Context, s *Snapshot) ([]Hit, error) {
	query, args, err := sqlx.In(`SELECT d.id, d.name, d.unit_id, p.code, p.name AS project_name, p.status FROM devices d
		JOIN projects p ON p.id = d.project_id
		WHERE d.status = 'active' AND p.status IN (?) ORDER BY d.id`, unacceptedStatuses)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID      int64  `db:"id"`
		Name    string `db:"name"`
		UnitID  int64  `db:"unit_id"`
		Project string `db:"code"`
		PName   string `db:"project_name"`
		Status  string `db:"status"`
	}
	if err := s.Select(ctx, &rows, query, args...); err != nil {
		return nil, dbErr(err, "active devices of unaccepted projects")
	}
	hits := make([]Hit, 0, len(rows))
	for _, r := range rows {
		sev := "high"
		if r.Status == "acceptance_failed" {
			sev = "medium"
		}
		hits = append(hits, Hit{SubjectType: "device", SubjectID: r.ID, UnitID: &r.UnitID, Severity: sev,
			Params: map[string]any{"device": r.Name, "project": r.Project, "project_name": r.PName, "status": r.Status}})
	}
	return hits, nil
}
