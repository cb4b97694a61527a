package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func (u *UI) mountPlans(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/plans", g("plan.read"), u.planShow)
	app.Get("/plans/eligibility", g("eligibility.read"), u.eligibilityShow)
}

// yearOf is the ?year= of a page, next year by default; a year that is no
// number is a 400 page.
func yearOf(c *fiber.Ctx, p Page) (int, error) {
	raw := c.Query("year")
	if raw == "" {
		return p.Now.Year() + 1, nil
	}
	y, err := strconv.Atoi(raw)
	if err != nil {
		return 0, inventory.Invalid("year", "ui.plans.bad_year")
	}
	return y, nil
}

// Years are the years offered in the year picker, around year.
func (v yearPage) Years() []int {
	out := make([]int, 0, 7)
	for y := v.Year - 3; y <= v.Year+3; y++ {
		out = append(out, y)
	}
	return out
}

type yearPage struct {
	Page
	Year int
}

type planView struct {
	yearPage
	Plan        inventory.Plan
	Eligibility inventory.Eligibility
}

// Eligible counts the units that may have projects in the year's plan.
func (v planView) Eligible() int {
	n := 0
	for _, it := range v.Eligibility.Items {
		if it.Eligible {
			n++
		}
	}
	return n
}

// planShow is the annual plan of a year (the projects, by funding source
// and by unit) and, beside it, which units may have projects in it.
func (u *UI) planShow(c *fiber.Ctx) error {
	p := u.page(c, "ui.plans.title")
	year, err := yearOf(c, p)
	if err != nil {
		return err
	}
	s := u.cfg.Store
	v := planView{yearPage: yearPage{Page: p, Year: year}}
	v.Title = v.T("ui.plans.title_year", year)
	if v.Plan, err = s.Plan(c.UserContext(), year); err != nil {
		return err
	}
	if v.Eligibility, err = s.Eligibility(c.UserContext(), year, s.RuleConfig().AcceptanceGraceDays); err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "plans_show", v)
}

// eligibilityShow is eligibility alone, for the roles that may not read
// the plan (unit staff see their own unit).
func (u *UI) eligibilityShow(c *fiber.Ctx) error {
	p := u.page(c, "ui.plans.eligibility_title")
	year, err := yearOf(c, p)
	if err != nil {
		return err
	}
	s := u.cfg.Store
	v := planView{yearPage: yearPage{Page: p, Year: year}}
	v.Title = v.T("ui.plans.eligibility_title_year", year)
	if v.Eligibility, err = s.Eligibility(c.UserContext(), year, s.RuleConfig().AcceptanceGraceDays); err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "plans_eligibility", v)
}
