package inventory

import (
	"context"
	"time"
)

// unreachable (operational, no article): a device marked active whose last N
// polls (RuleConfig.UnreachablePolls) all failed.
func init() {
	registerRule(Rule{
		Name: "unreachable",
		Eval: evalUnreachable,
		Message: func(lang string, p map[string]any) string {
			if last, _ := p["last_reachable_at"].(string); last != "" {
				return M("rule.unreachable.last", prjText(p, "device"), prjInt(p, "polls"), last).Text(lang)
			}
			return M("rule.unreachable.never", prjText(p, "device"), prjInt(p, "polls")).Text(lang)
		},
	})
}

func evalUnreachable(ctx context.Context, s *Snapshot) ([]Hit, error) {
	n := s.Config.UnreachablePolls
	if n < 1 {
		n = DefaultRuleConfig().UnreachablePolls
	}
	var rows []struct {
		ID     int64      `db:"id"`
		Name   string     `db:"name"`
		UnitID int64      `db:"unit_id"`
		LastOK *time.Time `db:"last_ok"`
	}
	// The latest n polls of each active device, numbered by poll time (not
	// id: a late write may carry an older time), latest first; a device
	// holds when it has n of them and none answered.
	// last_ok is a plain column (not an aggregate) so that SQLite reads it as
	// a time.
	err := s.Select(ctx, &rows, `SELECT d.id, d.name, d.unit_id, lo.at AS last_ok
		FROM devices d JOIN (
			SELECT device_id, COUNT(*) AS polls, SUM(CASE WHEN reachable THEN 1 ELSE 0 END) AS answered
			FROM (SELECT o.device_id, o.reachable, ROW_NUMBER() OVER (PARTITION BY o.device_id ORDER BY o.at DESC, o.id DESC) AS rn
				FROM observations o JOIN devices a ON a.id = o.device_id AND a.status = 'active') recent
			WHERE rn <= ? GROUP BY device_id) t ON t.device_id = d.id
		LEFT JOIN observations lo ON lo.id = (SELECT ok.id FROM observations ok
			WHERE ok.device_id = d.id AND ok.reachable ORDER BY ok.at DESC, ok.id DESC LIMIT 1)
		WHERE t.polls = ? AND t.answered = 0 ORDER BY d.id`, n, n)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, len(rows))
	for i, r := range rows {
		params := map[string]any{"device": r.Name, "polls": n, "last_reachable_at": ""}
		if r.LastOK != nil {
			params["last_reachable_at"] = r.LastOK.UTC().Format(time.RFC3339)
		}
		hits[i] = Hit{SubjectType: "device", SubjectID: r.ID, UnitID: &rows[i].UnitID, Severity: "medium", Params: params}
	}
	return hits, nil
}
