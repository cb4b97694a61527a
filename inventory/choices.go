package inventory

import (
	"context"
	"strings"
)

// Choice is one option of a list's filter: a unit, project, room or rack
// the caller may see.
type Choice struct {
	Kind   string `db:"kind"` // unit, project, room, rack
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	Parent string `db:"parent"` // a rack's room
}

// DeviceChoices are the units, projects, rooms and racks the device list's
// filters offer, in the caller's scope, in one query.
func (s *Store) DeviceChoices(ctx context.Context) ([]Choice, error) {
	parts := []struct{ sql, rule string }{
		{"SELECT 'unit' AS kind, id, name, '' AS parent, 1 AS k FROM units", scopeUnits},
		{"SELECT 'project', id, code || ' ' || name, '', 2 FROM projects", scopeProjects},
		{"SELECT 'room', id, name, '', 3 FROM rooms", scopeRooms},
		{"SELECT 'rack', racks.id, racks.name, (SELECT name FROM rooms WHERE rooms.id = racks.room_id), 4 FROM racks", scopeRacks},
	}
	var sqls []string
	var args []any
	for _, p := range parts {
		q, a := andScope(ctx, p.sql, nil, p.rule, false)
		sqls, args = append(sqls, q), append(args, a...)
	}
	var out []Choice
	query := "SELECT kind, id, name, parent FROM (" + strings.Join(sqls, " UNION ALL ") + ") c ORDER BY k, parent, name, id"
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(query), args...); err != nil {
		return nil, dbErr(err, "device list choices")
	}
	return out, nil
}
