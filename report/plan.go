package report

import (
	"strconv"

	"hostroll/inventory"
	"hostroll/locale"
)

// Plan lays out the annual plan: its projects, then the budget by funding
// source and by lead unit, each with the plan's total.
func Plan(p inventory.Plan, m Meta) Report {
	r := Report{Name: "plan-" + strconv.Itoa(p.Year), Title: m.title("report.plan.title", p.Year, string(p.AsOf))}
	projects := m.table("projects", col{"project_code", 14}, col{"project_name", 30}, col{"unit_code", 10},
		col{"unit_name", 24}, col{"category", 0}, col{"funding_source", 0}, col{"classified", 0},
		col{"project_status", 0}, col{"approval_number", 20}, col{"budget", 14})
	for _, x := range p.Projects {
		projects.Rows = append(projects.Rows, []any{x.Code, x.Name, x.UnitCode, x.UnitName,
			m.label("project_category", x.Category), m.label("funding_source", x.FundingSource), m.yes(x.Classified),
			m.label("project_status", x.Status), x.ApprovalNumber, x.Budget})
	}
	projects.Total = []any{m.total(), locale.T(m.Lang, "report.project_count", p.ProjectCount), "", "", "", "", "", "", "", p.TotalBudget}

	sources := m.table("by_funding_source", col{"funding_source", 16}, col{"projects", 0}, col{"budget", 14})
	for _, f := range p.ByFundingSource {
		sources.Rows = append(sources.Rows, []any{m.label("funding_source", f.FundingSource), f.Projects, f.Budget})
	}
	sources.Total = []any{m.total(), p.ProjectCount, p.TotalBudget}

	units := m.table("by_unit", col{"unit_code", 10}, col{"unit_name", 24}, col{"projects", 0}, col{"budget", 14})
	for _, u := range p.ByUnit {
		units.Rows = append(units.Rows, []any{u.UnitCode, u.UnitName, u.Projects, u.Budget})
	}
	units.Total = []any{m.total(), "", p.ProjectCount, p.TotalBudget}
	r.Tables = []Table{projects, sources, units}
	return r
}
