package inventory

import (
	"context"
	"fmt"
)

// hosted-outside-central (Art. 5): the hardware of an e-government project is
// hosted in the central machine room unless the project is classified.
func init() {
	registerRule(Rule{
		Name:     "hosted-outside-central",
		Articles: []int{5},
		Eval:     evalHostedOutsideCentral,
		Message: func(lang string, p map[string]any) string {
			if lang == "en" {
				return fmt.Sprintf("device %q of project %v is hosted in %q, not in the central machine room",
					p["device"], p["project_code"], p["room"])
			}
			return fmt.Sprintf("项目 %v 的设备「%v」托管在「%v」，未进驻州中心机房", p["project_code"], p["device"], p["room"])
		},
	})
}

func evalHostedOutsideCentral(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID          int64  `db:"id"`
		Name        string `db:"name"`
		UnitID      int64  `db:"unit_id"`
		ProjectCode string `db:"project_code"`
		Room        string `db:"room"`
		RoomID      int64  `db:"room_id"`
	}
	err := s.Select(ctx, &rows, `SELECT d.id, d.name, d.unit_id, p.code AS project_code, m.name AS room,
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
			Params: map[string]any{"device": r.Name, "project_code": r.ProjectCode, "room": r.Room, "room_id": r.RoomID}}
	}
	return hits, nil
}
