package ui

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func (u *UI) mountFindings(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/findings", g("finding.read"), u.findingList)
	app.Get("/findings/checks", g("check.read"), u.checkList)
	app.Post("/findings/checks", g("check.run"), u.checkRun)
	app.Get("/findings/consolidation", g("report.read"), u.consolidation)
	app.Get("/findings/move-plan", g("report.read"), u.movePlan)
	app.Get("/findings/:id", g("finding.read"), u.findingShow)
	app.Post("/findings/:id/exemption", g("exemption.write"), u.exemptionGrant)
	app.Post("/findings/:id/exemption/revoke", g("exemption.write"), u.exemptionRevoke)
}

// findingItem is a finding as a page shows it, with a link to its subject.
type findingItem struct{ inventory.Finding }

// SubjectURL is the page of the finding's subject (a unit, room, device,
// line or project).
func (f findingItem) SubjectURL() string {
	return "/" + f.SubjectType + "s/" + itoa(f.SubjectID)
}

func items(fs []inventory.Finding) []findingItem {
	out := make([]findingItem, len(fs))
	for i, f := range fs {
		out[i] = findingItem{f}
	}
	return out
}

// findingGroup is the findings of one rule or one unit on the page.
type findingGroup struct {
	Key, Label string
	Items      []findingItem
}

type findingListView struct {
	Page
	Groups     []findingGroup // one group (Label "") when not grouped
	Group      string         // "", "rule" or "unit"
	Filter     map[string]string
	Rules      []string
	Statuses   []string
	Severities []string
	Subjects   []string
	UnitList   []inventory.Unit
	Pager      Pager
}

func (u *UI) findingList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := findingListView{Page: u.page(c, "ui.findings.title"), Group: c.Query("group"),
		Filter: queryFilters(c, "rule", "status", "severity", "unit_id", "subject_type"),
		Rules:  ruleNames(), Statuses: inventory.FindingStatuses, Severities: inventory.Severities,
		Subjects: inventory.SubjectTypes}
	v.Pager = pagerOf(c, v.Lang, 500)
	units, list, err := u.units(ctx)
	if err != nil {
		return err
	}
	v.UnitList = list
	filters := map[string]string{"lang": v.Lang}
	for k, x := range v.Filter {
		filters[k] = x
	}
	fs, total, err := u.cfg.Store.Findings(ctx, listParams(v.Pager, "", filters))
	if err != nil {
		return err
	}
	v.Pager.Total = total
	v.Groups = groupFindings(items(fs), v.Group, func(f findingItem) (string, string) {
		if v.Group == "rule" {
			return f.Rule, v.Label("rule", f.Rule)
		}
		if f.UnitID == nil {
			return "", v.T("ui.common.none")
		}
		return itoa(*f.UnitID), units.Name(*f.UnitID)
	})
	return u.render(c, fiber.StatusOK, "findings_list", v)
}

// groupFindings sorts a page of findings into groups by key (rule or
// unit), in the order of their labels; without a grouping it is one group.
func groupFindings(fs []findingItem, by string, key func(findingItem) (string, string)) []findingGroup {
	if by != "rule" && by != "unit" {
		return []findingGroup{{Items: fs}}
	}
	idx := map[string]int{}
	var out []findingGroup
	for _, f := range fs {
		k, label := key(f)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, findingGroup{Key: k, Label: label})
		}
		out[i].Items = append(out[i].Items, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

type findingShowView struct {
	Page
	Finding findingItem
	Unit    string
	Bases   []string
	Form    formError
	Input   inventory.ExemptionInput
	Expires string
}

func (u *UI) findingShow(c *fiber.Ctx) error {
	return u.showFinding(c, fiber.StatusOK, formError{}, inventory.ExemptionInput{})
}

func (u *UI) showFinding(c *fiber.Ctx, status int, fe formError, in inventory.ExemptionInput) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	v := findingShowView{Page: u.page(c, "ui.findings.show_title"), Bases: inventory.ExemptionBases, Form: fe, Input: in}
	f, err := u.cfg.Store.Finding(ctx, id, v.Lang)
	if err != nil {
		return err
	}
	v.Finding = findingItem{f}
	if in.ExpiresOn != nil {
		v.Expires = string(*in.ExpiresOn)
	}
	if f.UnitID != nil {
		if unit, err := u.cfg.Store.Unit(ctx, *f.UnitID); err == nil {
			v.Unit = unit.Name
		}
	}
	return u.render(c, status, "findings_show", v)
}

// exemptionGrant exempts a finding with the form's reason, basis and
// expiry; the store checks them and writes the audit row.
func (u *UI) exemptionGrant(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	in := inventory.ExemptionInput{Reason: c.FormValue("reason"), Basis: c.FormValue("basis")}
	if d := strings.TrimSpace(c.FormValue("expires_on")); d != "" {
		day := inventory.Date(d)
		in.ExpiresOn = &day
	}
	if _, err := u.cfg.Store.GrantExemption(c.UserContext(), id, in); err != nil {
		fe, ok := formErrorOf(err, u.lang(c))
		if !ok {
			return err
		}
		return u.showFinding(c, statusOfForm(err), fe, in)
	}
	return seeOther(c, "/findings/"+itoa(id), "exemption_granted")
}

func (u *UI) exemptionRevoke(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := u.cfg.Store.RevokeExemption(c.UserContext(), id); err != nil {
		return err
	}
	return seeOther(c, "/findings/"+itoa(id), "exemption_revoked")
}

// ruleNames are the policy rules' names, in name order.
func ruleNames() []string {
	var out []string
	for _, r := range inventory.Rules() {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}
