package inventory

import (
	"context"
	"sort"
)

// CentralCapacity is the space of the racks of the active central rooms:
// each rack's height, its units free on both faces and the longest run of
// them, in room and rack order. Every role may read it: the central room
// is shared, and the figures name no device (unit staff see other units'
// devices there as occupied space, as on the elevations). It reads only
// each device's rack, position and height: the home page asks for it on
// every visit, over thousands of devices.
func (s *Store) CentralCapacity(ctx context.Context) (CentralCapacity, error) {
	var racks []*rackSpace
	err := s.db.SelectContext(ctx, &racks, `SELECT r.id, r.name, r.u_height, m.id AS room_id, m.name AS room
		FROM racks r JOIN rooms m ON m.id = r.room_id
		WHERE m.kind = 'central' AND m.status = 'active' ORDER BY m.id, r.id`)
	if err != nil {
		return CentralCapacity{}, dbErr(err, "central racks")
	}
	byID := make(map[int64]*rackSpace, len(racks))
	for _, r := range racks {
		byID[r.ID] = r
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.rack_id, d.position, d.u_height
		FROM devices d JOIN racks r ON r.id = d.rack_id JOIN rooms m ON m.id = r.room_id
		WHERE m.kind = 'central' AND m.status = 'active' AND d.position IS NOT NULL`)
	if err != nil {
		return CentralCapacity{}, dbErr(err, "central rack occupants")
	}
	defer rows.Close()
	for rows.Next() {
		var rack int64
		var pos, h int
		if err := rows.Scan(&rack, &pos, &h); err != nil {
			return CentralCapacity{}, dbErr(err, "central rack occupants")
		}
		if r := byID[rack]; r != nil && pos >= 1 && pos <= 64 {
			r.front |= span(pos, min(h, 65-pos)) // either face: the unit is not free
		}
	}
	if err := rows.Err(); err != nil {
		return CentralCapacity{}, dbErr(err, "central rack occupants")
	}
	c := CentralCapacity{Racks: make([]RackCapacity, len(racks))}
	for i, r := range racks {
		c.Racks[i] = RackCapacity{RackID: r.ID, RackName: r.Name, RoomID: r.RoomID, RoomName: r.Room,
			UHeight: r.Height, FreeU: r.freeU(), LargestFreeU: r.largestFree()}
		c.FreeU += c.Racks[i].FreeU
	}
	return c, nil
}

// StatusCount is how many records have one status.
type StatusCount struct {
	Status string `db:"status" json:"status"`
	N      int    `db:"n" json:"n"`
}

// ProjectCounts counts the projects in the caller's scope by lifecycle
// step, in the order of ProjectStatuses; steps without a project are left
// out.
func (s *Store) ProjectCounts(ctx context.Context) ([]StatusCount, error) {
	var rows []StatusCount
	query, args := andScope(ctx, `SELECT status, COUNT(*) AS n FROM projects`, nil, scopeProjects, false)
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(query+` GROUP BY status`), args...); err != nil {
		return nil, dbErr(err, "count projects by status")
	}
	rank := map[string]int{}
	for i, st := range ProjectStatuses {
		rank[st] = i
	}
	sort.Slice(rows, func(i, j int) bool { return rank[rows[i].Status] < rank[rows[j].Status] })
	return rows, nil
}
