package inventory

import (
	"context"
	"slices"
	"sort"
)

// FindingSummary counts the open findings by rule and by unit; exempted
// ones are counted apart.
type FindingSummary struct {
	ByRule []RuleCount `json:"by_rule"`
	ByUnit []UnitCount `json:"by_unit"`
}

// Counts are open findings by severity, and the exempted ones.
type Counts struct {
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
	Open     int `json:"open"`
	Exempted int `json:"exempted"`
}

// RuleCount is the count of one rule's findings.
type RuleCount struct {
	Rule    string `json:"rule"`
	Article string `json:"article"`
	Counts
}

// UnitCount is the count of one unit's findings; UnitID is nil for findings
// of no unit.
type UnitCount struct {
	UnitID   *int64 `json:"unit_id"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Counts
}

func (c *Counts) add(status, severity string, n int) {
	if status == "exempted" {
		c.Exempted += n
		return
	}
	c.Open += n
	switch severity {
	case "high":
		c.High += n
	case "medium":
		c.Medium += n
	case "low":
		c.Low += n
	default:
		c.Info += n
	}
}

// AtOrAbove counts the open findings of severity at least min ("high",
// "medium", "low" or "info").
func (c Counts) AtOrAbove(min string) int {
	n := []int{c.High, c.Medium, c.Low, c.Info}
	rank := slices.Index(Severities, min)
	total := 0
	for i := 0; i <= rank && i < len(n); i++ {
		total += n[i]
	}
	return total
}

// Total adds up the counts of every rule.
func (s FindingSummary) Total() Counts {
	var t Counts
	for _, r := range s.ByRule {
		t.High, t.Medium, t.Low, t.Info = t.High+r.High, t.Medium+r.Medium, t.Low+r.Low, t.Info+r.Info
		t.Open, t.Exempted = t.Open+r.Open, t.Exempted+r.Exempted
	}
	return t
}

// FindingSummary counts the findings that are open or exempted, by rule
// (in name order) and by unit (most open first, then by code).
func (s *Store) FindingSummary(ctx context.Context) (FindingSummary, error) {
	var rows []struct {
		Rule     string `db:"rule"`
		Article  string `db:"article"`
		Severity string `db:"severity"`
		Status   string `db:"status"`
		UnitID   *int64 `db:"unit_id"`
		Code     string `db:"code"`
		Name     string `db:"name"`
		N        int    `db:"n"`
	}
	query, args := andScopeIn(ctx, `SELECT f.rule, f.article, f.severity, f.status, f.unit_id,
		COALESCE(u.code, '') AS code, COALESCE(u.name, '') AS name, COUNT(*) AS n
		FROM findings f LEFT JOIN units u ON u.id = f.unit_id WHERE f.status <> 'resolved'`, nil, "f.id", "findings")
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(query+`
		GROUP BY f.rule, f.article, f.severity, f.status, f.unit_id, u.code, u.name`), args...)
	if err != nil {
		return FindingSummary{}, dbErr(err, "summarise findings")
	}
	rules := map[string]*RuleCount{}
	units := map[int64]*UnitCount{}
	for _, r := range rows {
		rc := rules[r.Rule]
		if rc == nil {
			rc = &RuleCount{Rule: r.Rule, Article: r.Article}
			rules[r.Rule] = rc
		}
		rc.add(r.Status, r.Severity, r.N)
		var key int64
		if r.UnitID != nil {
			key = *r.UnitID
		}
		uc := units[key]
		if uc == nil {
			uc = &UnitCount{UnitID: r.UnitID, UnitCode: r.Code, UnitName: r.Name}
			units[key] = uc
		}
		uc.add(r.Status, r.Severity, r.N)
	}
	out := FindingSummary{ByRule: []RuleCount{}, ByUnit: []UnitCount{}}
	for _, rc := range rules {
		out.ByRule = append(out.ByRule, *rc)
	}
	for _, uc := range units {
		out.ByUnit = append(out.ByUnit, *uc)
	}
	sort.Slice(out.ByRule, func(i, j int) bool { return out.ByRule[i].Rule < out.ByRule[j].Rule })
	sort.Slice(out.ByUnit, func(i, j int) bool {
		a, b := out.ByUnit[i], out.ByUnit[j]
		if a.Open != b.Open {
			return a.Open > b.Open
		}
		return a.UnitCode < b.UnitCode
	})
	return out, nil
}
