package report

import (
	"strconv"

	"hostroll/inventory"
)

// Eligibility lays out the answer of Art. 16 for a plan year: each unit,
// eligible or not, and one row per reason that stands in its way.
func Eligibility(e inventory.Eligibility, m Meta) Report {
	state := m.yes(false)
	if e.Provisional {
		state = m.yes(true)
	}
	r := Report{Name: "eligibility-" + strconv.Itoa(e.Year),
		Title: m.title("report.eligibility.title", e.Year, string(e.AsOf), state)}
	units := m.table("units", col{"unit_code", 10}, col{"unit_name", 24}, col{"eligible", 0}, col{"reasons", 0})
	reasons := m.table("reasons", col{"unit_code", 10}, col{"unit_name", 24}, col{"reason", 20},
		col{"article", 0}, col{"project_code", 14}, col{"can_change", 0}, col{"message", 60})
	eligible := 0
	for _, u := range e.Items {
		units.Rows = append(units.Rows, []any{u.UnitCode, u.UnitName, m.yes(u.Eligible), len(u.Reasons)})
		if u.Eligible {
			eligible++
		}
		for _, x := range u.Reasons {
			reasons.Rows = append(reasons.Rows, []any{u.UnitCode, u.UnitName, m.label("eligibility_reason", x.Reason),
				x.Article, x.ProjectCode, m.yes(x.CanChange), x.Message})
		}
	}
	units.Total = []any{m.total(), len(e.Items), eligible, len(reasons.Rows)}
	r.Tables = []Table{units, reasons}
	return r
}
