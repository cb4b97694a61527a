package web_test

import (
	"strings"
	"testing"
)

// procurementBody is a complete procurement record; cases replace fields.
func procurementBody() obj {
	return obj{"method": "single_source", "procurement_number": "XXZC2024-D-003", "supplier": "浪潮电子信息产业股份有限公司",
		"contract_number": "HT-2024-003", "contract_amount": 260000.5, "contract_date": "2024-05-10"}
}

// procuringProject creates a project (budget 250,000) and puts it in the
// procuring status directly: the steps before are tested with the
// lifecycle.
func (c *client) procuringProject(t *testing.T, code string) (id int64, base string) {
	t.Helper()
	proj := c.create(t, "/api/v1/projects", projectBody(code, c.unit(t, "U"+code)))
	id = idOf(t, proj)
	db := c.store.DB()
	if _, err := db.Exec(db.Rebind(`UPDATE projects SET status = 'procuring' WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	return id, p("/api/v1/projects/%d", id)
}

// TestProcurementAPI: bad input is a 400 naming the field with nothing
// written; the first PUT creates (201), the next replaces (200); the record
// reads back; a project in the wrong status is a 409 and an unknown one a
// 404.
func TestProcurementAPI(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		id, base := c.procuringProject(t, "PA-1")
		wantErr(t, c.do(t, "GET", base+"/procurement", nil), 404, "not_found", "")

		audit := c.auditTotal(t)
		for _, tc := range []struct {
			name, field string
			body        any
		}{
			{"no method", "method", without(procurementBody(), "method")},
			{"unknown method", "method", merge(procurementBody(), obj{"method": "auction"})},
			{"no supplier", "supplier", merge(procurementBody(), obj{"supplier": " "})},
			{"no contract number", "contract_number", without(procurementBody(), "contract_number")},
			{"no amount", "contract_amount", without(procurementBody(), "contract_amount")},
			{"zero amount", "contract_amount", merge(procurementBody(), obj{"contract_amount": 0})},
			{"amount as text", "contract_amount", merge(procurementBody(), obj{"contract_amount": "26万"})},
			{"null amount", "contract_amount", merge(procurementBody(), obj{"contract_amount": nil})},
			{"no date", "contract_date", without(procurementBody(), "contract_date")},
			{"bad date", "contract_date", merge(procurementBody(), obj{"contract_date": "2024-13-01"})},
			{"date after today", "contract_date", merge(procurementBody(), obj{"contract_date": "2199-01-01"})},
			{"long number", "procurement_number", merge(procurementBody(), obj{"procurement_number": strings.Repeat("9", 101)})},
			{"unknown field", "budget", merge(procurementBody(), obj{"budget": 1})},
			{"not an object", "", `["single_source"]`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.do(t, "PUT", base+"/procurement", tc.body)
				code := "validation"
				if tc.field == "" {
					code = "bad_request"
				}
				d := wantErr(t, r, 400, code, tc.field)
				if strings.Contains(string(r.raw), "浪潮") {
					t.Errorf("the error echoes the request: %v", d)
				}
			})
		}
		if n := c.auditTotal(t); n != audit {
			t.Errorf("refused writes left %d audit rows", n-audit)
		}

		created := c.do(t, "PUT", base+"/procurement", procurementBody()).want(t, 201)
		checkObject(t, created)
		if created["method"] != "single_source" || num(t, created["contract_amount"]) != 260000.5 ||
			created["contract_date"] != "2024-05-10" || intOf(t, created["project_id"]) != id {
			t.Errorf("created %v", created)
		}
		replaced := c.do(t, "PUT", base+"/procurement", merge(procurementBody(), obj{"method": "inquiry"})).want(t, 200)
		if replaced["id"] != created["id"] || replaced["method"] != "inquiry" {
			t.Errorf("replaced %v", replaced)
		}
		if got := c.get(t, base+"/procurement"); got["method"] != "inquiry" || got["supplier"] != "浪潮电子信息产业股份有限公司" {
			t.Errorf("read back %v", got)
		}
		if n := c.auditTotal(t); n != audit+2 {
			t.Errorf("%d audit rows, want 2", n-audit)
		}

		draft := idOf(t, c.create(t, "/api/v1/projects", projectBody("PA-2", c.unit(t, "UPA-2"))))
		wantErr(t, c.do(t, "PUT", p("/api/v1/projects/%d/procurement", draft), procurementBody()), 409, "conflict", "status")
		wantErr(t, c.do(t, "PUT", "/api/v1/projects/999999/procurement", procurementBody()), 404, "not_found", "")
		wantErr(t, c.do(t, "GET", "/api/v1/projects/x/procurement", nil), 400, "bad_request", "")
	})
}

// TestMoneyFindingsAPI: a contract over the budget and a settlement more
// than 20 % over it raise over-contract and a high cost-overrun, with the
// amounts and ratio in Chinese by default and in English on request; the
// run's thresholds are checked.
func TestMoneyFindingsAPI(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		id, base := c.procuringProject(t, "MF-1")
		c.do(t, "PUT", base+"/procurement", procurementBody()).want(t, 201)
		db := c.store.DB()
		if _, err := db.Exec(db.Rebind(`UPDATE projects SET status = 'settled', settlement_amount = 312500.01 WHERE id = ?`), id); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			body  obj
			field string
		}{
			{obj{"cost_overrun_percent": 0}, "cost_overrun_percent"},
			{obj{"cost_overrun_high_percent": 1001}, "cost_overrun_high_percent"},
			{obj{"cost_overrun_percent": 30, "cost_overrun_high_percent": 20}, "cost_overrun_high_percent"},
			{obj{"cost_overrun_percent": "10"}, "cost_overrun_percent"},
		} {
			wantErr(t, c.do(t, "POST", "/api/v1/checks/run", tc.body), 400, "validation", tc.field)
		}
		c.do(t, "POST", "/api/v1/checks/run", nil).want(t, 201)
		for _, tc := range []struct {
			rule, severity string
			zh, en         []string
		}{
			{"over-contract", "medium", []string{"合同", "260000.50", "250000.00", "10000.50", "4.0%"},
				[]string{"contract HT-2024-003", "260000.50", "250000.00", "4.0%"}},
			{"cost-overrun", "high", []string{"审计结算", "312500.01", "250000.00", "62500.01", "25.0%", "超概算"},
				[]string{"settlement", "312500.01", "25.0%", "more than 20%"}},
		} {
			for lang, words := range map[string][]string{"zh": tc.zh, "en": tc.en} {
				items, total := c.list(t, p("/api/v1/findings?rule=%s&lang=%s", tc.rule, lang))
				if total != 1 || items[0]["severity"] != tc.severity || items[0]["article"] != "18" {
					t.Fatalf("%s findings (%s) = %v", tc.rule, lang, items)
				}
				msg, _ := items[0]["message"].(string)
				for _, w := range words {
					if !strings.Contains(msg, w) {
						t.Errorf("%s message in %s %q lacks %q", tc.rule, lang, msg, w)
					}
				}
			}
		}
		c.do(t, "POST", "/api/v1/checks/run", obj{"cost_overrun_percent": 30, "cost_overrun_high_percent": 40}).want(t, 201)
		if _, total := c.list(t, "/api/v1/findings?rule=cost-overrun&status=open"); total != 0 {
			t.Errorf("25 %% over stays open with a 30 %% threshold")
		}
	})
}
