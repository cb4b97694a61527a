package inventory

import (
	"context"
)

// line-expansion (Art. 5): units must not expand dedicated lines. It holds
// for a private line, not terminated, whose bandwidth was raised while it was
// private and is still above what it was before the first such raise.
func init() {
	registerRule(Rule{
		Name:     "line-expansion",
		Articles: []int{5},
		Eval:     evalLineExpansion,
		Message: func(lang string, p map[string]any) string {
			return M("rule.line_expansion", unitRef(p), prjText(p, "carrier"), prjText(p, "circuit_id"),
				prjInt(p, "before_mbps"), prjInt(p, "after_mbps"), prjText(p, "raised_on")).Text(lang)
		},
	})
}

type lineStateRow struct {
	LineID    int64  `db:"line_id"`
	UnitID    int64  `db:"unit_id"`
	UnitCode  string `db:"code"`
	UnitName  string `db:"unit_name"`
	Carrier   string `db:"carrier"`
	CircuitID string `db:"circuit_id"`
	Current   int    `db:"current_mbps"`
	ChangedOn Date   `db:"changed_on"`
	Bandwidth int    `db:"bandwidth_mbps"`
	Platform  string `db:"platform"`
}

func evalLineExpansion(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []lineStateRow
	err := s.Select(ctx, &rows, `SELECT h.line_id, l.unit_id, u.code, u.name AS unit_name, l.carrier, l.circuit_id,
		l.bandwidth_mbps AS current_mbps, h.changed_on, h.bandwidth_mbps, h.platform
		FROM line_history h JOIN lines l ON l.id = h.line_id JOIN units u ON u.id = l.unit_id
		WHERE l.platform = 'private' AND l.status <> 'terminated'
		ORDER BY h.line_id, h.id`)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].LineID == rows[start].LineID {
			end++
		}
		if h, ok := lineExpansion(rows[start:end]); ok {
			hits = append(hits, h)
		}
		start = end
	}
	return hits, nil
}

// lineExpansion reads one line's history, oldest first.
func lineExpansion(hist []lineStateRow) (Hit, bool) {
	before, raisedOn := 0, Date("")
	for i := 1; i < len(hist); i++ {
		prev, cur := hist[i-1], hist[i]
		if prev.Platform == "private" && cur.Platform == "private" && cur.Bandwidth > prev.Bandwidth {
			if raisedOn == "" {
				before = prev.Bandwidth
			}
			raisedOn = cur.ChangedOn
		}
	}
	last := hist[len(hist)-1]
	if raisedOn == "" || last.Current <= before {
		return Hit{}, false
	}
	return Hit{SubjectType: "line", SubjectID: last.LineID, UnitID: &last.UnitID, Severity: "medium",
		Params: map[string]any{"unit_code": last.UnitCode, "unit_name": last.UnitName, "carrier": last.Carrier, "circuit_id": last.CircuitID,
			"before_mbps": before, "after_mbps": last.Current,
			"raised_on": string(raisedOn)}}, true
}
