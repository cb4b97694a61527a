package inventory

import (
	"context"
	"fmt"
	"strings"
)

// identity-mismatch (Art. 10, 13): the equipment must be what was procured
// and registered. It holds when the newest answered SNMP poll of a device
// reported a serial number or model other than the registered one (compared
// without regard to case and surrounding spaces; an empty side is not
// compared).
func init() {
	registerRule(Rule{
		Name:     "identity-mismatch",
		Articles: []int{10, 13},
		Eval:     evalIdentityMismatch,
		Message: func(lang string, p map[string]any) string {
			var parts []Msg
			for _, f := range []string{"serial", "model"} {
				if obs, ok := p["observed_"+f]; ok {
					parts = append(parts, M("rule.identity_mismatch."+f, fmt.Sprint(obs), prjText(p, "registered_"+f)))
				}
			}
			return M("rule.identity_mismatch", prjText(p, "device"), parts).Text(lang)
		},
	})
}

func evalIdentityMismatch(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		Name      string `db:"name"`
		UnitID    int64  `db:"unit_id"`
		Serial    string `db:"serial"`
		Model     string `db:"model"`
		ObsSerial string `db:"obs_serial"`
		ObsModel  string `db:"obs_model"`
	}
	err := s.Select(ctx, &rows, `SELECT d.id, d.name, d.unit_id, COALESCE(d.serial, '') AS serial, d.model,
		o.serial AS obs_serial, o.model AS obs_model
		FROM devices d JOIN observations o ON o.id = (SELECT l.id FROM observations l
			WHERE l.device_id = d.id AND l.reachable ORDER BY l.at DESC, l.id DESC LIMIT 1)
		WHERE d.status <> 'decommissioned' AND (o.serial <> '' OR o.model <> '')
		ORDER BY d.id`)
	if err != nil {
		return nil, err
	}
	var hits []Hit
	for i, r := range rows {
		params := map[string]any{"device": r.Name}
		if differs(r.Serial, r.ObsSerial) {
			params["registered_serial"], params["observed_serial"] = r.Serial, r.ObsSerial
		}
		if differs(r.Model, r.ObsModel) {
			params["registered_model"], params["observed_model"] = r.Model, r.ObsModel
		}
		if len(params) == 1 {
			continue
		}
		hits = append(hits, Hit{SubjectType: "device", SubjectID: r.ID, UnitID: &rows[i].UnitID,
			Severity: "high", Params: params})
	}
	return hits, nil
}

// differs compares a registered and an observed identity; an empty side
// proves nothing.
func differs(registered, observed string) bool {
	registered, observed = strings.TrimSpace(registered), strings.TrimSpace(observed)
	return registered != "" && observed != "" && !strings.EqualFold(registered, observed)
}
