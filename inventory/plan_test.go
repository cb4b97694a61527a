package inventory_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestPlan seeds projects of several units, sources and statuses and
// compares the 2025 plan, JSON and CSV, with golden files; both databases
// must give the same bytes.
func TestPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		unit := func(code, name string) int64 {
			u, err := s.CreateUnit(ctx, inventory.UnitInput{Code: code, Name: name, Kind: "department"})
			noErr(t, err)
			return u.ID
		}
		fin, health, county := unit("CZJ", "州财政局"), unit("WJW", "=HYPERLINK(\"http://x\")"), unit("JSX", "吉首市, \"市本级\"")
		project := func(code string, lead int64, funding string, classified bool, year int, budget float64, status string) {
			in := inventory.DefaultProjectInput()
			in.Code, in.Name, in.LeadUnitID, in.Category = code, "工程 "+code, lead, "application"
			in.FundingSource, in.Classified, in.PlanYear, in.Budget = funding, classified, year, budget
			p, err := s.CreateProject(ctx, in)
			noErr(t, err)
			if status != "draft" {
				f.advance(t, p, status, "2025-01-15")
			}
		}
		project("XZ-2025-03", fin, "prefecture", false, 2025, 1200000.10, "approved")
		project("XZ-2025-01", fin, "self", false, 2025, 0.20, "procuring")
		project("XZ-2025-02", health, "prefecture", true, 2025, 3500000.05, "spec_reviewed")
		project("XZ-2025-04", county, "higher_level", false, 2025, 800000, "implementing")
		// Not in the plan: still a draft, only submitted, rejected, or of another year.
		project("XZ-2025-05", county, "prefecture", false, 2025, 999, "draft")
		project("XZ-2025-06", health, "self", false, 2025, 999, "submitted")
		project("XZ-2024-01", fin, "prefecture", false, 2024, 999, "approved")
		in := inventory.DefaultProjectInput()
		in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.PlanYear = "XZ-2025-07", "驳回", county, "security", "self", 2025
		p, err := s.CreateProject(ctx, in)
		noErr(t, err)
		p = f.advance(t, p, "submitted", "2025-01-10")
		f.step(t, p, "rejected", "2025-01-20")

		plan, err := s.PlanAsOf(ctx, 2025, "2025-12-31")
		noErr(t, err)
		if plan.ProjectCount != 4 || plan.TotalBudget != 5500000.35 {
			t.Errorf("plan: %d projects, total %.2f; want 4 and 5500000.35", plan.ProjectCount, plan.TotalBudget)
		}
		js, err := json.MarshalIndent(plan, "", "  ")
		noErr(t, err)
		golden(t, "plan_2025.golden.json", append(js, '\n'))
		var csv bytes.Buffer
		noErr(t, plan.WriteCSV(&csv))
		golden(t, "plan_2025.golden.csv", csv.Bytes())

		empty, err := s.Plan(ctx, 2030)
		noErr(t, err)
		if empty.ProjectCount != 0 || len(empty.Projects) != 0 || len(empty.ByFundingSource) != 3 || len(empty.ByUnit) != 0 {
			t.Errorf("empty plan = %+v", empty)
		}
		_, err = s.Plan(ctx, 1999)
		wantErr(t, err, "validation", "year")
	})
}
