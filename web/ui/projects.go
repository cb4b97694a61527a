package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountProjects adds the projects' pages: the list, the new-project form,
// the project page with its stepper, documents, technical plan, compliance,
// evaluations and history, and the forms that act on it.
func (u *UI) mountProjects(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/projects", g("project.read"), u.projectList)
	app.Get("/projects/new", g("project.write"), u.projectNew)
	app.Post("/projects", g("project.write"), u.projectCreate)
	app.Get("/projects/:id", g("project.read"), u.projectPage)
	app.Post("/projects/:id/step", g("project.step"), u.projectStep)
	app.Post("/projects/:id/documents", g("document.write"), u.projectUpload)
	app.Post("/projects/:id/evaluations", g("evaluation.write"), u.projectEvaluate)
	app.Post("/projects/:id/evaluations/:evaluation_id/rectified", g("evaluation.write"), u.projectRectified)
	app.Post("/projects/:id/spec-revisions", g("spec.revision.propose"), u.projectProposeSpec)
	app.Post("/projects/:id/spec-revisions/:revision_id/approve", g("spec.revision.review"), u.projectReviewSpec(true))
	app.Post("/projects/:id/spec-revisions/:revision_id/reject", g("spec.revision.review"), u.projectReviewSpec(false))
}

// unitNames names the units the caller may see, by id.
func (u *UI) unitNames(c *fiber.Ctx) (map[int64]inventory.Unit, []inventory.Unit, error) {
	list, _, err := u.cfg.Store.Units(c.UserContext(), inventory.ListParams{Limit: inventory.MaxLimit})
	if err != nil {
		return nil, nil, err
	}
	m := make(map[int64]inventory.Unit, len(list))
	for _, un := range list {
		m[un.ID] = un
	}
	return m, list, nil
}

type projectListView struct {
	Page
	Items    []projectRow
	Pager    Pager
	Filter   projectFilter
	Units    []inventory.Unit
	Steps    []string
	Funding  []string
	Years    []int
	HasQuery bool
}

type projectRow struct {
	inventory.Project
	LeadUnit string
}

// projectFilter is the list's filters as the form shows them.
type projectFilter struct {
	Status, FundingSource, PlanYear, UnitID, Q string
}

func (u *UI) projectList(c *fiber.Ctx) error {
	p := u.page(c, "ui.projects.title")
	f := projectFilter{Status: c.Query("status"), FundingSource: c.Query("funding_source"),
		PlanYear: c.Query("plan_year"), UnitID: c.Query("unit_id"), Q: c.Query("q")}
	pager := pagerOf(c, p.Lang, inventory.MaxLimit)
	params := inventory.ListParams{Limit: pager.Limit, Offset: pager.Offset, Q: f.Q, Filters: map[string]string{}}
	for k, v := range map[string]string{"status": f.Status, "funding_source": f.FundingSource,
		"plan_year": f.PlanYear, "unit_id": f.UnitID} {
		if v != "" {
			params.Filters[k] = v
		}
	}
	items, total, err := u.cfg.Store.Projects(c.UserContext(), params)
	if err != nil {
		return err
	}
	names, units, err := u.unitNames(c)
	if err != nil {
		return err
	}
	pager.Total = total
	v := projectListView{Page: p, Pager: pager, Filter: f, Units: units, Steps: inventory.ProjectStatuses,
		Funding: inventory.FundingSources, HasQuery: len(params.Filters) > 0 || f.Q != ""}
	year := p.Now.Year()
	for y := year + 1; y >= year-5; y-- {
		v.Years = append(v.Years, y)
	}
	for _, it := range items {
		v.Items = append(v.Items, projectRow{Project: it, LeadUnit: names[it.LeadUnitID].Name})
	}
	return u.render(c, fiber.StatusOK, "projects_list", v)
}

// projectForm is the new-project form: what was typed, and the store's
// refusal beside each field.
type projectForm struct {
	Code, Name, LeadUnitID, Category, FundingSource, PlanYear, Budget, Supervisor string
	Classified                                                                    bool
	Errors                                                                        formError
}

type projectNewView struct {
	Page
	Form       projectForm
	Units      []inventory.Unit
	Categories []string
	Funding    []string
}

func (u *UI) projectNew(c *fiber.Ctx) error {
	p := u.page(c, "ui.projects.new_title")
	f := projectForm{PlanYear: strconv.Itoa(p.Now.Year() + 1)}
	if p.User.UnitID != 0 {
		f.LeadUnitID = strconv.FormatInt(p.User.UnitID, 10)
	}
	return u.renderProjectNew(c, fiber.StatusOK, p, f)
}

func (u *UI) renderProjectNew(c *fiber.Ctx, status int, p Page, f projectForm) error {
	_, units, err := u.unitNames(c)
	if err != nil {
		return err
	}
	return u.render(c, status, "projects_new", projectNewView{Page: p, Form: f, Units: units,
		Categories: inventory.ProjectCategories, Funding: inventory.FundingSources})
}

func (u *UI) projectCreate(c *fiber.Ctx) error {
	p := u.page(c, "ui.projects.new_title")
	f := projectForm{Code: c.FormValue("code"), Name: c.FormValue("name"), LeadUnitID: c.FormValue("lead_unit_id"),
		Category: c.FormValue("category"), FundingSource: c.FormValue("funding_source"),
		PlanYear: c.FormValue("plan_year"), Budget: c.FormValue("budget"), Supervisor: c.FormValue("supervisor"),
		Classified: c.FormValue("classified") == "on"}
	in := inventory.DefaultProjectInput()
	in.Code, in.Name, in.Category, in.FundingSource, in.Supervisor, in.Classified =
		f.Code, f.Name, f.Category, f.FundingSource, f.Supervisor, f.Classified
	bad := formError{Fields: map[string]string{}}
	in.LeadUnitID = formInt(bad, p, "lead_unit_id", f.LeadUnitID)
	in.PlanYear = int(formInt(bad, p, "plan_year", f.PlanYear))
	in.Budget = formFloat(bad, p, "budget", f.Budget)
	if len(bad.Fields) > 0 {
		f.Errors = bad
		return u.renderProjectNew(c, fiber.StatusBadRequest, p, f)
	}
	created, err := u.cfg.Store.CreateProject(c.UserContext(), in)
	if err == nil {
		return seeOther(c, "/projects/"+strconv.FormatInt(created.ID, 10), "project_created")
	}
	fe, ok := formErrorOf(err, p.Lang)
	if !ok {
		return err
	}
	f.Errors = fe
	return u.renderProjectNew(c, fiber.StatusBadRequest, p, f)
}

// formInt reads a whole number typed into a form field; a field left
// empty is 0 (the store says whether it is required).
func formInt(bad formError, p Page, field, s string) int64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		bad.Fields[field] = p.T("ui.form.not_integer", s)
	}
	return n
}

// formFloat reads an amount typed into a form field ("1,234.50" too).
func formFloat(bad formError, p Page, field, s string) float64 {
	if s == "" {
		return 0
	}
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != ',' && s[i] != ' ' {
			clean = append(clean, s[i])
		}
	}
	v, err := strconv.ParseFloat(string(clean), 64)
	if err != nil {
		bad.Fields[field] = p.T("ui.form.not_number", s)
	}
	return v
}

// pathInt is a positive id from the path; anything else is a 404 page.
func pathInt(c *fiber.Ctx, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, fiber.ErrNotFound
	}
	return n, nil
}
