package inventory

import (
	"context"
)

// private-line (Art. 5): units must not lease dedicated lines outside the
// e-government intranet and extranet. A requested one is high severity, an
// active one medium.
func init() {
	registerRule(Rule{
		Name:     "private-line",
		Articles: []int{5},
		Eval:     evalPrivateLine,
		Message: func(lang string, p map[string]any) string {
			key := "rule.private_line.active"
			if p["status"] == "requested" {
				key = "rule.private_line.requested"
			}
			return M(key, unitRef(p), prjText(p, "carrier"), prjText(p, "circuit_id"), prjInt(p, "bandwidth_mbps"),
				yuan(p, "monthly_fee")).Text(lang)
		},
	})
}

func evalPrivateLine(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID        int64   `db:"id"`
		UnitID    int64   `db:"unit_id"`
		UnitCode  string  `db:"code"`
		UnitName  string  `db:"unit_name"`
		Carrier   string  `db:"carrier"`
		CircuitID string  `db:"circuit_id"`
		Bandwidth int     `db:"bandwidth_mbps"`
		Fee       float64 `db:"monthly_fee"`
		Status    string  `db:"status"`
	}
	err := s.Select(ctx, &rows, `SELECT l.id, l.unit_id, u.code, u.name AS unit_name, l.carrier, l.circuit_id, l.bandwidth_mbps,
		l.monthly_fee, l.status FROM lines l JOIN units u ON u.id = l.unit_id
		WHERE l.platform = 'private' AND l.status IN ('requested', 'active') ORDER BY l.id`)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, len(rows))
	for i, r := range rows {
		sev := "medium"
		if r.Status == "requested" {
			sev = "high"
		}
		hits[i] = Hit{SubjectType: "line", SubjectID: r.ID, UnitID: &rows[i].UnitID, Severity: sev,
			Params: map[string]any{"unit_code": r.UnitCode, "unit_name": r.UnitName, "carrier": r.Carrier, "circuit_id": r.CircuitID,
				"bandwidth_mbps": r.Bandwidth, "monthly_fee": r.Fee, "status": r.Status}}
	}
	return hits, nil
}
