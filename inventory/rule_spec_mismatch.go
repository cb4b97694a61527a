package inventory

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// specCheckedStatuses are the statuses in which a project's devices are
// expected to match its approved spec: from implementing on (during
// procurement the devices are still arriving).
var specCheckedStatuses = []string{"implementing", "trial_run", "acceptance_requested", "acceptance_failed",
	"accepted", "settled"}

// ruleProject is what the project rules read of a project.
type ruleProject struct {
	ID          int64  `db:"id"`
	Code        string `db:"code"`
	Name        string `db:"name"`
	LeadUnitID  int64  `db:"lead_unit_id"`
	Status      string `db:"status"`
	PlanYear    int    `db:"plan_year"`
	TrialRunEnd *Date  `db:"trial_run_end"`
}

const ruleProjectCols = `id, code, name, lead_unit_id, status, plan_year, trial_run_end`

// ruleProjectsIn selects the projects in one of statuses, by id.
func ruleProjectsIn(ctx context.Context, s *Snapshot, statuses []string, extra string) ([]ruleProject, error) {
	query, args, err := sqlx.In("SELECT "+ruleProjectCols+" FROM projects WHERE status IN (?)", statuses)
	if err != nil {
		return nil, err
	}
	var rows []ruleProject
	if err := s.Select(ctx, &rows, query+extra+" ORDER BY id", args...); err != nil {
		return nil, dbErr(err, "projects")
	}
	return rows, nil
}

// prjText and prjInt read a Hit's params after their JSON round trip.
func prjText(p map[string]any, k string) string {
	if v, ok := p[k].(string); ok {
		return v
	}
	return fmt.Sprint(p[k])
}

func prjInt(p map[string]any, k string) int {
	switch v := p[k].(type) {
	case float64:
		return int(v)
	case int:
		return v
	}
	return 0
}

func init() {
	registerRule(Rule{
		Name:     "spec-mismatch",
		Articles: []int{10},
		Eval:     evalSpecMismatch,
		Message: func(lang string, p map[string]any) string {
			return M("rule.spec_mismatch", projectRef(p), prjInt(p, "problems"), msgOf(p["first"])).Text(lang)
		},
	})
}

// evalSpecMismatch runs the compliance check of every project past
// procurement; a failing check is a hit.
func evalSpecMismatch(ctx context.Context, s *Snapshot) ([]Hit, error) {
	rows, err := ruleProjectsIn(ctx, s, specCheckedStatuses, "")
	if err != nil {
		return nil, err
	}
	all, err := projectsCompliance(ctx, s.Q, specCheckedStatuses)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	for _, p := range rows {
		c := all[p.ID]
		if c == nil || c.Pass {
			continue
		}
		reasons := make([]any, 0, min(len(c.reasons), 10))
		for _, r := range c.reasons[:min(len(c.reasons), 10)] {
			reasons = append(reasons, r)
		}
		hits = append(hits, Hit{SubjectType: "project", SubjectID: p.ID, UnitID: &p.LeadUnitID, Severity: "high",
			Params: map[string]any{"project": p.Code, "name": p.Name, "problems": float64(len(c.Reasons)),
				"first": c.reasons[0], "reasons": reasons}})
	}
	return hits, nil
}
