package inventory

import (
	"context"
	"sort"
)

// CentralCapacity is the space of the racks of the active central rooms:
// each rack's height, its units free on both faces and the longest run of
// them. Every role may read it: the central room is shared, and the
// figures name no device (unit staff see other units' devices there as
// occupied space, as on the elevations).
func (s *Store) CentralCapacity(ctx context.Context) (CentralCapacity, error) {
	snap, done, err := s.snapshot(ctx, CheckOptions{})
	if err != nil {
		return CentralCapacity{}, err
	}
	defer done()
	return centralCapacity(ctx, snap)
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
