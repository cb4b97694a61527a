package ui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
)

// The technical plan is proposed as text, one spec item a line:
//
//	kind | name | quantity | max unit price | requirements
//
// requirements being "field op value" joined by ";" (an "in" value lists
// its choices with ","), e.g.
//
//	server | 应用服务器 | 4 | 80000 | cpu_cores min 32; memory_gb min 256; manufacturer in 华为,浪潮
//
// The form starts with the plan in force, so a reviewer edits rather than
// retypes. Reading the text is the page's job; what the plan may hold is
// the store's (SpecRevisionInput.Validate).

// formatSpecItems writes spec items as the form's text.
func formatSpecItems(items []inventory.SpecItem) string {
	var b strings.Builder
	for _, it := range items {
		price := ""
		if it.MaxUnitPrice != nil {
			price = strconv.FormatFloat(*it.MaxUnitPrice, 'f', -1, 64)
		}
		reqs := make([]string, len(it.Requirements))
		for i, r := range it.Requirements {
			reqs[i] = r.Field + " " + r.Op + " " + specValueText(r.Value)
		}
		fmt.Fprintf(&b, "%s | %s | %d | %s | %s\n", it.Kind, it.Name, it.Quantity, price, strings.Join(reqs, "; "))
	}
	return b.String()
}

func specValueText(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = specValueText(e)
		}
		return strings.Join(parts, ",")
	case []string:
		return strings.Join(x, ",")
	case []float64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.FormatFloat(e, 'f', -1, 64)
		}
		return strings.Join(parts, ",")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// parseSpecItems reads the form's text; bad lines are reported by line
// number in the page's language.
func parseSpecItems(p Page, text string) ([]inventory.SpecItemInput, map[string]string) {
	var items []inventory.SpecItemInput
	bad := map[string]string{}
	for n, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key := fmt.Sprintf("items[%d]", len(items))
		cells := strings.Split(line, "|")
		for len(cells) < 5 {
			cells = append(cells, "")
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		in := inventory.DefaultSpecItemInput()
		in.Kind, in.Name = cells[0], cells[1]
		if code, ok := locale.Code("device_kind", cells[0]); ok {
			in.Kind = code
		}
		if cells[2] != "" {
			q, err := strconv.Atoi(cells[2])
			if err != nil {
				bad[key] = p.T("ui.spec.bad_quantity", n+1, cells[2])
			}
			in.Quantity = q
		}
		if cells[3] != "" {
			v, err := strconv.ParseFloat(strings.ReplaceAll(cells[3], ",", ""), 64)
			if err != nil {
				bad[key] = p.T("ui.spec.bad_price", n+1, cells[3])
			}
			in.MaxUnitPrice = &v
		}
		for _, part := range strings.Split(strings.Join(cells[4:], "|"), ";") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			f := strings.Fields(part)
			if len(f) < 3 {
				bad[key] = p.T("ui.spec.bad_requirement", n+1, part)
				continue
			}
			in.Requirements = append(in.Requirements, inventory.Requirement{Field: f[0], Op: f[1],
				Value: specValue(f[1], strings.Join(f[2:], " "))})
		}
		items = append(items, in)
	}
	return items, bad
}

// specValue is a requirement's value as the store reads it: a number when
// it is one, else text; a list for "in".
func specValue(op, s string) any {
	one := func(s string) any {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v
		}
		return s
	}
	if op != "in" {
		return one(strings.TrimSpace(s))
	}
	var out []any
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, one(e))
		}
	}
	return out
}

// projectProposeSpec proposes a revision of the technical plan.
func (u *UI) projectProposeSpec(c *fiber.Ctx) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	p := u.page(c, "ui.project.title", "", "")
	f := specForm{Reason: c.FormValue("reason"), Items: c.FormValue("items")}
	items, bad := parseSpecItems(p, f.Items)
	if len(bad) > 0 {
		f.Errors = formError{Fields: bad}
		return u.renderProject(c, fiber.StatusBadRequest, projectState{spec: &f})
	}
	_, err = u.cfg.Store.ProposeSpecRevision(c.UserContext(), id, inventory.SpecRevisionInput{Reason: f.Reason, Items: items})
	if err == nil {
		return seeOther(c, "/projects/"+strconv.FormatInt(id, 10)+"#spec", "spec_proposed")
	}
	fe, ok := formErrorOf(err, p.Lang)
	if !ok {
		return err
	}
	f.Errors = fe
	return u.renderProject(c, statusOfForm(err), projectState{spec: &f})
}

// projectReviewSpec approves or rejects a proposed revision; the store
// refuses a reviewer who proposed it (four eyes).
func (u *UI) projectReviewSpec(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathInt(c, "id")
		if err != nil {
			return err
		}
		revID, err := pathInt(c, "revision_id")
		if err != nil {
			return err
		}
		p := u.page(c, "ui.project.title", "", "")
		review, done := u.cfg.Store.RejectSpecRevision, "spec_rejected"
		if approve {
			review, done = u.cfg.Store.ApproveSpecRevision, "spec_approved"
		}
		_, err = review(c.UserContext(), id, revID, inventory.SpecReviewInput{Note: c.FormValue("note")})
		if err == nil {
			return seeOther(c, "/projects/"+strconv.FormatInt(id, 10)+"#spec", done)
		}
		fe, ok := formErrorOf(err, p.Lang)
		if !ok {
			return err
		}
		return u.renderProject(c, statusOfForm(err), projectState{spec: &specForm{Errors: fe}})
	}
}

// SortedErrors lists a form's messages by field, for a form that shows
// them together (the technical plan's text).
func (f formError) SortedErrors() []missingView {
	out := make([]missingView, 0, len(f.Fields))
	for k, v := range f.Fields {
		out = append(out, missingView{Key: k, Message: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
