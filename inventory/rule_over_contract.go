package inventory

import (
	"context"
	"fmt"
	"math"
)

func init() {
	registerRule(Rule{
		Name:     "over-contract",
		Articles: []int{18},
		Eval:     evalOverContract,
		Message: func(lang string, p map[string]any) string {
			return M("rule.over_contract", projectRef(p), prjText(p, "contract_number"),
				yuan(p, "contract_amount"), yuan(p, "budget"), yuan(p, "excess"), pct(p, "percent")).Text(lang)
		},
	})
}

// evalOverContract finds projects whose recorded contract amount is above
// their approved budget (Art. 18). A project without a budget (0) is left
// out: there is nothing to compare with.
func evalOverContract(ctx context.Context, s *Snapshot) ([]Hit, error) {
	var rows []struct {
		ruleProject
		Budget         float64 `db:"budget"`
		ContractNumber string  `db:"contract_number"`
		ContractAmount float64 `db:"contract_amount"`
	}
	err := s.Select(ctx, &rows, `SELECT p.id, p.code, p.name, p.lead_unit_id, p.status, p.plan_year, p.trial_run_end,
		p.budget, c.contract_number, c.contract_amount
		FROM projects p JOIN project_procurements c ON c.project_id = p.id
		WHERE p.budget > 0 AND c.contract_amount > p.budget ORDER BY p.id`)
	if err != nil {
		return nil, dbErr(err, "project contracts")
	}
	var hits []Hit
	for _, r := range rows {
		budget, amount := fen(r.Budget), fen(r.ContractAmount)
		if amount <= budget {
			continue // equal once both are in fen
		}
		hits = append(hits, Hit{SubjectType: "project", SubjectID: r.ID, UnitID: &r.LeadUnitID, Severity: "medium",
			Params: map[string]any{"project": r.Code, "name": r.Name, "contract_number": r.ContractNumber,
				"contract_amount": r.ContractAmount, "budget": r.Budget, "excess": fromFen(amount - budget),
				"percent": overPercent(amount, budget)}})
	}
	return hits, nil
}

// fen is an amount in yuan as a whole number of fen, so that thresholds
// compare exactly.
func fen(yuan float64) int64 { return int64(math.Round(yuan * 100)) }

func fromFen(f int64) float64 { return float64(f) / 100 }

// overPercent is by how much amount exceeds budget, in percent of the
// budget, to one decimal.
func overPercent(amount, budget int64) float64 {
	return math.Round(float64(amount-budget)*1000/float64(budget)) / 10
}

// yuan and pct render an amount and a percentage of a Hit's params.
func yuan(p map[string]any, k string) string {
	v, _ := p[k].(float64)
	return fmt.Sprintf("%.2f", v)
}

func pct(p map[string]any, k string) string {
	v, _ := p[k].(float64)
	return fmt.Sprintf("%.1f", v)
}
