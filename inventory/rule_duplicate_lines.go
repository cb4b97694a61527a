package inventory

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// duplicate-lines (Art. 3): no duplicated construction. It holds for a unit
// with two or more lines, not terminated, between the same two ends, compared
// without regard to case, spaces or direction.
func init() {
	registerRule(Rule{
		Name:     "duplicate-lines",
		Articles: []int{3},
		Eval:     evalDuplicateLines,
		Message: func(lang string, p map[string]any) string {
			return M("rule.duplicate_lines", unitRef(p), prjText(p, "a_end"), prjText(p, "z_end"), prjInt(p, "count"),
				joinAny(p["line_ids"])).Text(lang)
		},
	})
}

// lineEnds is the key that tells whether two lines join the same places.
func lineEnds(a, z string) string {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	a, z = norm(a), norm(z)
	if z < a {
		a, z = z, a
	}
	return a + "|" + z
}

func evalDuplicateLines(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID       int64  `db:"id"`
		UnitID   int64  `db:"unit_id"`
		UnitCode string `db:"code"`
		UnitName string `db:"unit_name"`
		AEnd     string `db:"a_end"`
		ZEnd     string `db:"z_end"`
	}
	err := s.Select(ctx, &rows, `SELECT l.id, l.unit_id, u.code, u.name AS unit_name, l.a_end, l.z_end FROM lines l
		JOIN units u ON u.id = l.unit_id WHERE l.status <> 'terminated' ORDER BY l.unit_id, l.id`)
	if err != nil {
		return nil, err
	}
	type group struct {
		unit    int64
		code    string
		name    string
		key     string
		a, z    string
		lineIDs []int64
	}
	groups := map[string]*group{}
	var order []*group
	for _, r := range rows {
		key := lineEnds(r.AEnd, r.ZEnd)
		gk := fmt.Sprint(r.UnitID, "/", key)
		g := groups[gk]
		if g == nil {
			g = &group{unit: r.UnitID, code: r.UnitCode, name: r.UnitName, key: key, a: r.AEnd, z: r.ZEnd}
			groups[gk] = g
			order = append(order, g)
		}
		g.lineIDs = append(g.lineIDs, r.ID)
	}
	var hits []Hit
	for _, g := range order {
		if len(g.lineIDs) < 2 {
			continue
		}
		sort.Slice(g.lineIDs, func(i, j int) bool { return g.lineIDs[i] < g.lineIDs[j] })
		hits = append(hits, Hit{SubjectType: "unit", SubjectID: g.unit, Key: g.key, UnitID: &g.unit,
			Severity: "low", Params: map[string]any{"unit_code": g.code, "unit_name": g.name, "a_end": g.a, "z_end": g.z,
				"count": len(g.lineIDs), "line_ids": g.lineIDs}})
	}
	return hits, nil
}

// joinAny writes a list param ([]int64 before the JSON round trip, []any
// after) as "3, 7".
func joinAny(v any) string {
	switch l := v.(type) {
	case []any:
		s := make([]string, len(l))
		for i, x := range l {
			s[i] = fmt.Sprint(x)
		}
		return strings.Join(s, ", ")
	case []int64:
		s := make([]string, len(l))
		for i, x := range l {
			s[i] = fmt.Sprint(x)
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(v)
}
