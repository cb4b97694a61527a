package inventory

import (
	"context"
)

// hosted-outside-central (Art. 5): the hardware of an e-government project is
// hosted in the central machine room unless the project is classified.
func init() {
	registerRule(Rule{
		Name:     "hosted-outside-central",
		Articles: []int{5},
		Eval:     evalHostedOutsideCentral,
		Message: func(lang string, p map[string]any) string {
			project := M("rule.ref.project_code", prjText(p, "project_code"))
			if name, ok := p["project_name"].(string); ok {
				project = M("rule.ref.project", name, prjText(p, "project_code"))
			}
			return M("rule.hosted_outside_central", project, prjText(p, "device"), prjText(p, "room")).Text(lang)
		},
	})
}

func evalHostedOutsideCentral(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID          int64  `db:"id"`
		Name        string `db:"name"`
		UnitID      int64  `db:"unit_id"`
		ProjectCode string `db:"project_code"`
		ProjectName string `db:"project_name"`
		Room        string `db:"room"`
		RoomID      int64  `db:"room_id"`
	}
	err := s.Select(ctx, &rows, `SELECT d.id, d.name, d.unit_id, p.code AS project_code, p.name AS project_name, m.name AS room,
		m.id AS room_id
		FROM devices d
		JOIN projects p ON p.id = d.project_id
		JOIN racks r ON r.id = d.rack_id
		JOIN rooms m ON m.id = r.room_id
		WHERE d.status <> 'decommissioned' AND NOT p.classified AND m.kind <> 'central'
		ORDER BY d.id`)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, len(rows))
	for i, r := range rows {
		hits[i] = Hit{SubjectType: "device", SubjectID: r.ID, UnitID: &rows[i].UnitID, Severity: "medium",
			Params: map[string]any{"device": r.Name, "project_code": r.ProjectCode, "project_name": r.ProjectName, "room": r.Room, "room_id": r.RoomID}}
	}
	return hits, nil
}
