package inventory

import (
	"context"
)

// private-room (Art. 5): units must not build machine rooms of their own. A
// planned one is high severity (it can still be stopped), an active one
// medium.
func init() {
	registerRule(Rule{
		Name:     "private-room",
		Articles: []int{5},
		Eval:     evalPrivateRoom,
		Message: func(lang string, p map[string]any) string {
			key := "rule.private_room.active"
			if p["status"] == "planned" {
				key = "rule.private_room.planned"
			}
			return M(key, unitRef(p), prjText(p, "room")).Text(lang)
		},
	})
}

func evalPrivateRoom(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID       int64  `db:"id"`
		Name     string `db:"name"`
		Status   string `db:"status"`
		UnitID   int64  `db:"unit_id"`
		UnitCode string `db:"code"`
		UnitName string `db:"unit_name"`
	}
	err := s.Select(ctx, &rows, `SELECT r.id, r.name, r.status, r.unit_id, u.code, u.name AS unit_name FROM rooms r
		JOIN units u ON u.id = r.unit_id
		WHERE r.kind = 'unit' AND r.status IN ('planned', 'active') ORDER BY r.id`)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(rows))
	for _, r := range rows {
		sev := "medium"
		if r.Status == "planned" {
			sev = "high"
		}
		hits = append(hits, Hit{SubjectType: "room", SubjectID: r.ID, UnitID: &r.UnitID, Severity: sev,
			Params: map[string]any{"room": r.Name, "status": r.Status, "unit_code": r.UnitCode, "unit_name": r.UnitName}})
	}
	return hits, nil
}
