package inventory_test

import (
	"encoding/json"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// moneyCase is one project of the money rules (Art. 18): its budget and the
// amount compared with it, and the severity the rule should give ("" when
// it should not hold).
type moneyCase struct {
	name           string
	budget, amount float64
	severity       string
	// words must appear in the en and zh messages: the amounts and ratio.
	words []string
}

// evalMoneyRule sets every case up with setup in one database, evaluates
// rule with cfg and checks each case's severity and messages (rendered from
// the params after a JSON round trip, as the engine stores them).
func evalMoneyRule(t *testing.T, rule string, cfg inventory.RuleConfig, cases []moneyCase,
	setup func(t *testing.T, f *fixture, p inventory.Project, amount float64)) {
	r, ok := inventory.RuleByName(rule)
	if !ok {
		t.Fatalf("rule %s is not registered", rule)
	}
	if len(r.Articles) != 1 || r.Articles[0] != 18 {
		t.Errorf("rule %s cites %v, want Art. 18", rule, r.Articles)
	}
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		ids := make([]int64, len(cases))
		for i, tc := range cases {
			p := projectInStatus(t, f, "procuring", func(in *inventory.ProjectInput) { in.Budget = tc.budget })
			setup(t, f, p, tc.amount)
			ids[i] = p.ID
		}
		snap := &inventory.Snapshot{Q: db.Store.DB(), Dialect: db.Name, Now: projectRuleNow, Config: cfg}
		hits, err := r.Eval(f.ctx, snap)
		noErr(t, err)
		got := map[int64]inventory.Hit{}
		for _, h := range hits {
			got[h.SubjectID] = h
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				h, held := got[ids[i]]
				if held != (tc.severity != "") || (held && h.Severity != tc.severity) {
					t.Fatalf("%s on budget %.2f, amount %.2f: held %v severity %q, want %q",
						rule, tc.budget, tc.amount, held, h.Severity, tc.severity)
				}
				if !held {
					return
				}
				if h.SubjectType != "project" || h.UnitID == nil || *h.UnitID != f.unit.ID {
					t.Errorf("hit on %s %v of unit %v", h.SubjectType, h.SubjectID, h.UnitID)
				}
				var params map[string]any
				js, err := json.Marshal(h.Params)
				noErr(t, err)
				noErr(t, json.Unmarshal(js, &params))
				for _, lang := range []string{"en", "zh"} {
					msg := r.Message(lang, params)
					if strings.Contains(msg, "%!") || strings.Contains(msg, "<nil>") {
						t.Errorf("%s message %q", lang, msg)
					}
					for _, w := range tc.words {
						if !strings.Contains(msg, w) {
							t.Errorf("%s message %q lacks %q", lang, msg, w)
						}
					}
				}
				if zh := r.Message("zh", params); !strings.Contains(zh, "概算") || !strings.Contains(zh, "元") {
					t.Errorf("zh message %q is not Chinese", zh)
				}
				if en := r.Message("en", params); !strings.Contains(en, "budget") {
					t.Errorf("en message %q", en)
				}
			})
		}
	})
}

// TestRuleOverContract: the contract amount above the approved budget, by a
// fen or more.
func TestRuleOverContract(t *testing.T) {
	evalMoneyRule(t, "over-contract", inventory.DefaultRuleConfig(), []moneyCase{
		{"below the budget", 100000, 99999.99, "", nil},
		{"exactly the budget", 100000, 100000, "", nil},
		{"one fen over", 100000, 100000.01, "medium", []string{"100000.01", "100000.00", "0.01", "0.0%"}},
		{"a tenth over", 100000, 110000, "medium", []string{"110000.00", "100000.00", "10000.00", "10.0%", "HT-"}},
		{"far over", 1850000, 2405000, "medium", []string{"2405000.00", "1850000.00", "555000.00", "30.0%"}},
		{"no budget recorded", 0, 50000, "", nil},
	}, func(t *testing.T, f *fixture, p inventory.Project, amount float64) {
		f.procure(t, p, "public_tender", amount)
		f.forceStatus(t, p.ID, "implementing")
	})
}

// settle puts a project in settled with its audited settlement amount.
func settle(t *testing.T, f *fixture, p inventory.Project, amount float64) {
	t.Helper()
	db := f.s.DB()
	_, err := db.ExecContext(f.ctx, db.Rebind(`UPDATE projects SET status = 'settled', settlement_amount = ? WHERE id = ?`),
		amount, p.ID)
	noErr(t, err)
}

// TestRuleCostOverrun: more than 10 % over the budget is medium, more than
// 20 % high; exactly at a threshold does not cross it.
func TestRuleCostOverrun(t *testing.T) {
	evalMoneyRule(t, "cost-overrun", inventory.DefaultRuleConfig(), []moneyCase{
		{"under budget", 100000, 95000, "", nil},
		{"5 % over", 100000, 105000, "", nil},
		{"exactly 10 % over", 100000, 110000, "", nil},
		{"10 % and a fen over", 100000, 110000.01, "medium", []string{"110000.01", "100000.00", "10000.01", "10.0%", "10%"}},
		{"15 % over", 100000, 115000, "medium", []string{"115000.00", "15000.00", "15.0%", "10%"}},
		{"exactly 20 % over", 100000, 120000, "medium", []string{"120000.00", "20.0%", "10%"}},
		{"20 % and a fen over", 100000, 120000.01, "high", []string{"120000.01", "20000.01", "20.0%", "20%"}},
		{"doubled", 1850000, 3700000, "high", []string{"3700000.00", "1850000.00", "100.0%"}},
		{"exactly 10 % of an odd budget", 33333.33, 36666.66, "", nil}, // 36666.663 rounds down to the fen
		{"a fen more of an odd budget", 33333.33, 36666.67, "medium", []string{"36666.67", "33333.33"}},
		{"no budget recorded", 0, 50000, "", nil},
	}, func(t *testing.T, f *fixture, p inventory.Project, amount float64) { settle(t, f, p, amount) })
}

// TestRuleCostOverrunThresholds: the thresholds come from the rule
// configuration; unset ones fall back to 10 and 20.
func TestRuleCostOverrunThresholds(t *testing.T) {
	cfg := inventory.DefaultRuleConfig()
	cfg.CostOverrunPercent, cfg.CostOverrunHighPercent = 5, 8
	evalMoneyRule(t, "cost-overrun", cfg, []moneyCase{
		{"exactly 5 % over", 100000, 105000, "", nil},
		{"6 % over", 100000, 106000, "medium", []string{"6.0%", "5%"}},
		{"exactly 8 % over", 100000, 108000, "medium", []string{"8.0%"}},
		{"9 % over", 100000, 109000, "high", []string{"9.0%", "8%"}},
	}, func(t *testing.T, f *fixture, p inventory.Project, amount float64) { settle(t, f, p, amount) })
	unset := inventory.RuleConfig{UnreachablePolls: 3, AcceptanceGraceDays: 90}
	evalMoneyRule(t, "cost-overrun", unset, []moneyCase{
		{"exactly 10 % over", 100000, 110000, "", nil},
		{"15 % over", 100000, 115000, "medium", nil},
		{"25 % over", 100000, 125000, "high", nil},
	}, func(t *testing.T, f *fixture, p inventory.Project, amount float64) { settle(t, f, p, amount) })
}
