package ui

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func (u *UI) mountUnits(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/units", g("unit.read"), u.unitList)
	app.Get("/units/:id", g("unit.read"), u.unitShow)
}

type unitListView struct {
	Page
	Units []inventory.Unit
	Kinds []string
	Kind  string
	Pager Pager
}

func (u *UI) unitList(c *fiber.Ctx) error {
	v := unitListView{Page: u.page(c, "ui.units.title"), Kinds: inventory.UnitKinds, Kind: c.Query("kind")}
	v.Pager = pagerOf(c, v.Lang, 200)
	var err error
	v.Units, v.Pager.Total, err = u.cfg.Store.Units(c.UserContext(), listParams(v.Pager, c.Query("q"), queryFilters(c, "kind")))
	if err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "units_list", v)
}

// unitSummary gathers what a unit has: its rooms, its devices (in the
// central room and elsewhere), its lines and what they cost, its
// projects, its open findings and whether it may have projects next year.
type unitSummary struct {
	Unit                            inventory.Unit
	Rooms                           []inventory.Room
	Devices                         []inventory.Device
	DevicesTotal                    int
	CentralDevices, UnrackedDevices int
	Lines                           []inventory.Line
	MonthlyFee                      float64 // of the lines not terminated
	Projects                        []inventory.Project
	ProjectsTotal                   int
	Findings                        []inventory.Finding
	FindingsTotal                   int
	NextYear                        int
	Eligibility                     *inventory.UnitEligibility
}

// ElsewhereDevices are the racked devices outside the central rooms.
func (s unitSummary) ElsewhereDevices() int {
	return s.DevicesTotal - s.CentralDevices - s.UnrackedDevices
}

func (s unitSummary) YearlyFee() float64 { return s.MonthlyFee * 12 }

func (u *UI) unitSummary(ctx context.Context, id int64, nextYear int) (unitSummary, error) {
	st := u.cfg.Store
	var out unitSummary
	var err error
	if out.Unit, err = st.Unit(ctx, id); err != nil {
		return out, err
	}
	byUnit := map[string]string{"unit_id": itoa(id)}
	if out.Rooms, _, err = st.Rooms(ctx, inventory.ListParams{Limit: inventory.MaxLimit, Filters: byUnit}); err != nil {
		return out, err
	}
	if err := u.unitDevices(ctx, &out); err != nil {
		return out, err
	}
	if out.Lines, _, err = st.Lines(ctx, inventory.ListParams{Limit: inventory.MaxLimit, Filters: byUnit}); err != nil {
		return out, err
	}
	for _, l := range out.Lines {
		if l.Status != "terminated" {
			out.MonthlyFee += l.MonthlyFee
		}
	}
	out.Projects, out.ProjectsTotal, err = st.Projects(ctx, inventory.ListParams{Limit: 100, Filters: byUnit})
	if err != nil {
		return out, err
	}
	out.NextYear = nextYear
	return out, u.unitFindings(ctx, &out)
}

// unitDevices counts a unit's devices: all, those in central rooms, those
// in no rack; and lists the first hundred.
func (u *UI) unitDevices(ctx context.Context, out *unitSummary) error {
	st, id := u.cfg.Store, itoa(out.Unit.ID)
	var err error
	out.Devices, out.DevicesTotal, err = st.Devices(ctx, inventory.ListParams{Limit: 100, Filters: map[string]string{"unit_id": id}})
	if err != nil {
		return err
	}
	central, _, err := st.Rooms(ctx, inventory.ListParams{Limit: inventory.MaxLimit, Filters: map[string]string{"kind": "central"}})
	if err != nil {
		return err
	}
	for _, r := range central {
		_, n, err := st.Devices(ctx, inventory.ListParams{Limit: 1, Filters: map[string]string{"unit_id": id, "room_id": itoa(r.ID)}})
		if err != nil {
			return err
		}
		out.CentralDevices += n
	}
	_, out.UnrackedDevices, err = st.Devices(ctx, inventory.ListParams{Limit: 1, Filters: map[string]string{"unit_id": id, "room_id": "null"}})
	return err
}

// unitFindings reads the unit's open findings and its eligibility for
// next year's plan.
func (u *UI) unitFindings(ctx context.Context, out *unitSummary) error {
	st := u.cfg.Store
	var err error
	out.Findings, out.FindingsTotal, err = st.Findings(ctx, inventory.ListParams{Limit: 50,
		Filters: map[string]string{"unit_id": itoa(out.Unit.ID), "status": "open"}})
	if err != nil {
		return err
	}
	e, err := st.Eligibility(ctx, out.NextYear, st.RuleConfig().AcceptanceGraceDays)
	if err != nil {
		return err
	}
	for i := range e.Items {
		if e.Items[i].UnitID == out.Unit.ID {
			out.Eligibility = &e.Items[i]
		}
	}
	return nil
}

type unitShowView struct {
	Page
	unitSummary
}

func (u *UI) unitShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p := u.page(c, "ui.units.show_title")
	sum, err := u.unitSummary(c.UserContext(), id, p.Now.Year()+1)
	if err != nil {
		return err
	}
	p.Title = sum.Unit.Name
	return u.render(c, fiber.StatusOK, "units_show", unitShowView{Page: p, unitSummary: sum})
}
