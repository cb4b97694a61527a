package inventory

import (
	"context"
	"fmt"
	"time"
)

func init() {
	registerRule(Rule{
		Name:     "rectification-overdue",
		Articles: []int{12},
		Eval:     evalRectificationOverdue,
		Message: func(lang string, p map[string]any) string {
			return M("rule.rectification_overdue", prjInt(p, "rectification_id"), subjectRef(p), prjText(p, "due_on"),
				prjInt(p, "days_overdue"), prjText(p, "problem")).Text(lang)
		},
	})
}

// evalRectificationOverdue finds orders still open or reopened after their
// due day, by the business day of the run.
func evalRectificationOverdue(ctx context.Context, s *Snapshot) ([]Hit, error) {
	day := dayIn(s.Zone, s.Now)
	var rows []struct {
		ID          int64  `db:"id"`
		SubjectType string `db:"subject_type"`
		SubjectID   int64  `db:"subject_id"`
		UnitID      int64  `db:"unit_id"`
		Problem     string `db:"problem"`
		DueOn       Date   `db:"due_on"`
		Subject     string `db:"subject"`
		SubjectName string `db:"subject_name"`
	}
	err := s.Select(ctx, &rows, `SELECT r.id, r.subject_type, r.subject_id, r.unit_id, r.problem, r.due_on,
			COALESCE(p.code, u.code) AS subject, COALESCE(p.name, u.name) AS subject_name
		FROM rectifications r
		JOIN units u ON u.id = r.unit_id
		LEFT JOIN projects p ON p.id = r.project_id
		WHERE r.state IN ('open', 'reopened') AND r.due_on < ?
		ORDER BY r.id`, day)
	if err != nil {
		return nil, fmt.Errorf("inventory: rectification-overdue: %w", err)
	}
	now, err := time.Parse(time.DateOnly, string(day))
	if err != nil {
		return nil, fmt.Errorf("inventory: rectification-overdue: %w", err)
	}
	hits := make([]Hit, 0, len(rows))
	for _, r := range rows {
		due, err := time.Parse(time.DateOnly, string(r.DueOn))
		if err != nil {
			return nil, fmt.Errorf("inventory: rectification %d due_on %q: %w", r.ID, r.DueOn, err)
		}
		unit := r.UnitID
		hits = append(hits, Hit{SubjectType: r.SubjectType, SubjectID: r.SubjectID,
			Key: fmt.Sprintf("rectification:%d", r.ID), UnitID: &unit, Severity: "high",
			Params: map[string]any{"rectification_id": float64(r.ID), "subject": r.Subject, "subject_name": r.SubjectName, "subject_type": r.SubjectType,
				"due_on": string(r.DueOn), "days_overdue": float64(int(now.Sub(due).Hours() / 24)),
				"problem": shorten(r.Problem, 200)}})
	}
	return hits, nil
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
