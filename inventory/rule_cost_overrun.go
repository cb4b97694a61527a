package inventory

import (
	"context"
)

func init() {
	registerRule(Rule{
		Name:     "cost-overrun",
		Articles: []int{18},
		Eval:     evalCostOverrun,
		Message: func(lang string, p map[string]any) string {
			return M("rule.cost_overrun", projectRef(p), yuan(p, "settlement_amount"), yuan(p, "budget"),
				yuan(p, "excess"), pct(p, "percent"), prjInt(p, "threshold")).Text(lang)
		},
	})
}

// evalCostOverrun finds settled projects whose audited settlement exceeds
// the approved budget by more than RuleConfig.CostOverrunPercent (Art. 18):
// medium, and high past CostOverrunHighPercent. The comparison is in whole
// fen, so a settlement exactly at a threshold does not cross it. A project
// without a budget (0) is left out.
func evalCostOverrun(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ruleProject
		Budget     float64 `db:"budget"`
		Settlement float64 `db:"settlement_amount"`
	}
	err := s.Select(ctx, &rows, `SELECT id, code, name, lead_unit_id, status, plan_year, trial_run_end, budget,
		settlement_amount FROM projects
		WHERE settlement_amount IS NOT NULL AND budget > 0 AND settlement_amount > budget ORDER BY id`)
	if err != nil {
		return nil, dbErr(err, "project settlements")
	}
	medium, high := s.Config.costOverrun()
	var hits []Hit
	for _, r := range rows {
		budget, settled := fen(r.Budget), fen(r.Settlement)
		over := (settled - budget) * 100 // in fen × 100, against budget × percent
		if over <= budget*int64(medium) {
			continue
		}
		severity, threshold := "medium", medium
		if over > budget*int64(high) {
			severity, threshold = "high", high
		}
		hits = append(hits, Hit{SubjectType: "project", SubjectID: r.ID, UnitID: &r.LeadUnitID, Severity: severity,
			Params: map[string]any{"project": r.Code, "name": r.Name, "settlement_amount": r.Settlement,
				"budget": r.Budget, "excess": fromFen(settled - budget), "percent": overPercent(settled, budget),
				"threshold": float64(threshold)}})
	}
	return hits, nil
}
