package inventory

import (
	"context"
	"fmt"
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
			if lang == "en" {
				verb := "leases"
				if p["status"] == "requested" {
					verb = "has requested"
				}
				return fmt.Sprintf("unit %v %s private line %v %v (%v Mbit/s, %v yuan a month) outside the e-government networks",
					p["unit_code"], verb, p["carrier"], p["circuit_id"], p["bandwidth_mbps"], p["monthly_fee"])
			}
			verb := "租用"
			if p["status"] == "requested" {
				verb = "申请租用"
			}
			return fmt.Sprintf("单位 %v %s未并入电子政务内外网的专线 %v %v（%v Mbit/s，月租 %v 元）",
				p["unit_code"], verb, p["carrier"], p["circuit_id"], p["bandwidth_mbps"], p["monthly_fee"])
		},
	})
}

func evalPrivateLine(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID        int64   `db:"id"`
		UnitID    int64   `db:"unit_id"`
		UnitCode  string  `db:"code"`
		Carrier   string  `db:"carrier"`
		CircuitID string  `db:"circuit_id"`
		Bandwidth int     `db:"bandwidth_mbps"`
		Fee       float64 `db:"monthly_fee"`
		Status    string  `db:"status"`
	}
	err := s.Select(ctx, &rows, `SELECT l.id, l.unit_id, u.code, l.carrier, l.circuit_id, l.bandwidth_mbps,
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
			Params: map[string]any{"unit_code": r.UnitCode, "carrier": r.Carrier, "circuit_id": r.CircuitID,
				"bandwidth_mbps": r.Bandwidth, "monthly_fee": r.Fee, "status": r.Status}}
	}
	return hits, nil
}
