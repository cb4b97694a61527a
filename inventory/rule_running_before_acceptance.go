package inventory

import (
	"context"
	"fmt"

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
			if lang == "zh" {
				return fmt.Sprintf("设备「%s」已投入运行,但所属项目 %s 尚未通过竣工验收(当前为 %s)",
					prjText(p, "device"), prjText(p, "project"), prjText(p, "status"))
			}
			return fmt.Sprintf("device %q is active but its project %s has not passed acceptance (it is %s)",
				prjText(p, "device"), prjText(p, "project"), prjText(p, "status"))
		},
	})
}

func evalRunningBeforeAcceptance(ctx context.Context, s *Snapshot) ([]Hit, error) {
	query, args, err := sqlx.In(`SELECT d.id, d.name, d.unit_id, p.code, p.status FROM devices d
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
			Params: map[string]any{"device": r.Name, "project": r.Project, "status": r.Status}})
	}
	return hits, nil
}
