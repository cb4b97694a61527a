package report

import (
	"fmt"

	"hostroll/inventory"
	"hostroll/locale"
)

// Compliance lays out a project's compliance report (Art. 10): the verdict
// and its reasons, the spec items with how many devices satisfy each, and
// every requirement checked on every device.
func Compliance(c *inventory.Compliance, p inventory.Project, m Meta) Report {
	verdict := locale.T(m.Lang, "report.compliance.fail")
	if c.Pass {
		verdict = locale.T(m.Lang, "report.compliance.pass")
	}
	r := Report{Name: "compliance-" + p.Code, Title: m.title("report.compliance.title", p.Code, p.Name, verdict)}
	reasons := m.table("reasons", col{"reason", 100})
	for _, x := range c.Reasons {
		reasons.Rows = append(reasons.Rows, []any{x})
	}
	items := m.table("items", col{"item_id", 0}, col{"kind", 0}, col{"item_name", 20}, col{"required", 0},
		col{"matched", 0}, col{"pass", 0})
	required, matched := 0, 0
	for _, x := range c.Items {
		items.Rows = append(items.Rows, []any{x.ItemID, m.label("device_kind", x.Kind), x.Name, x.Required,
			x.Matched, m.yes(x.Pass)})
		required, matched = required+x.Required, matched+x.Matched
	}
	items.Total = []any{m.total(), "", "", required, matched, m.yes(c.Pass)}
	devices := m.table("devices", col{"device_name", 20}, col{"kind", 0}, col{"item_id", 0}, col{"field", 14},
		col{"requirement", 20}, col{"declared", 0}, col{"observed", 0}, col{"evidence", 0}, col{"pass", 0})
	for _, d := range c.Devices {
		item := any(nil)
		if d.ItemID != nil {
			item = *d.ItemID
		} else if d.CandidateItemID != nil {
			item = *d.CandidateItemID
		}
		if len(d.Checks) == 0 {
			devices.Rows = append(devices.Rows, []any{d.Name, m.label("device_kind", d.Kind), item, "", "", nil, nil, "", m.yes(d.Pass)})
		}
		for _, k := range d.Checks {
			devices.Rows = append(devices.Rows, []any{d.Name, m.label("device_kind", d.Kind), item, k.Field,
				fmt.Sprintf("%s %v", k.Op, k.Value), cell(k.Declared), cell(k.Observed),
				m.label("evidence", k.Evidence), m.yes(k.Pass)})
		}
	}
	r.Tables = []Table{reasons, items, devices}
	return r
}

// cell is a checked value as a cell: numbers stay numbers.
func cell(v any) any {
	switch x := v.(type) {
	case nil, string, int, int64, float64, bool:
		return x
	}
	return fmt.Sprint(v)
}
