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
			if lang == "zh" {
				return fmt.Sprintf("整改通知 %d（%s）限 %s 前整改，已逾期 %d 天仍未答复：%s",
					prjInt(p, "rectification_id"), prjText(p, "subject"), prjText(p, "due_on"),
					prjInt(p, "days_overdue"), prjText(p, "problem"))
			}
			return fmt.Sprintf("rectification order %d (%s) was due by %s and is %d day(s) overdue without an accepted answer: %s",
				prjInt(p, "rectification_id"), prjText(p, "subject"), prjText(p, "due_on"),
				prjInt(p, "days_overdue"), prjText(p, "problem"))
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
	}
	err := s.Select(ctx, &rows, `SELECT r.id, r.subject_type, r.subject_id, r.unit_id, r.problem, r.due_on,
			COALESCE(p.code, u.code) AS subject
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
			Params: map[string]any{"rectification_id": float64(r.ID), "subject": r.Subject,
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
