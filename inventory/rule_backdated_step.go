package inventory

import (
	"context"
	"fmt"
)

// backdated-step (Art. 17): a lifecycle step dated more than BackdateDays
// before the business day it was recorded on. Paper dates stay possible (the
// step needs a note); the auditors see each of them here.
func init() {
	registerRule(Rule{
		Name:     "backdated-step",
		Articles: []int{17},
		Eval:     evalBackdatedStep,
		Message: func(lang string, p map[string]any) string {
			return M("rule.backdated_step", projectRef(p), L(setProjectStatus, prjText(p, "from")),
				L(setProjectStatus, prjText(p, "to")), prjText(p, "date"), prjText(p, "recorded_on"), prjInt(p, "days"),
				prjText(p, "note")).Text(lang)
		},
	})
}

// evalBackdatedStep lists every backdated step, one hit per step.
func evalBackdatedStep(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID         int64  `db:"id"`
		ProjectID  int64  `db:"project_id"`
		Code       string `db:"code"`
		Name       string `db:"name"`
		LeadUnitID int64  `db:"lead_unit_id"`
		From       string `db:"from_status"`
		To         string `db:"to_status"`
		Date       Date   `db:"date"`
		RecordedOn Date   `db:"recorded_on"`
		Note       string `db:"note"`
	}
	err := s.Select(ctx, &rows, `SELECT h.id, h.project_id, p.code, p.name, p.lead_unit_id, h.from_status,
		h.to_status, h.date, h.recorded_on, h.note
		FROM project_history h JOIN projects p ON p.id = h.project_id
		WHERE h.backdated ORDER BY h.id`)
	if err != nil {
		return nil, dbErr(err, "backdated steps")
	}
	hits := make([]Hit, 0, len(rows))
	for _, r := range rows {
		hits = append(hits, Hit{SubjectType: "project", SubjectID: r.ProjectID, Key: fmt.Sprintf("step-%d", r.ID),
			UnitID: &r.LeadUnitID, Severity: "low",
			Params: map[string]any{"project": r.Code, "name": r.Name, "from": r.From, "to": r.To,
				"date": string(r.Date), "recorded_on": string(r.RecordedOn), "note": r.Note,
				"days": float64(daysBetween(r.Date, r.RecordedOn))}})
	}
	return hits, nil
}
