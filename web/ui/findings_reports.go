package ui

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/web/ui/elevation"
)

type checkListView struct {
	Page
	Checks []inventory.Check
	Pager  Pager
}

// checkList shows the runs of the checks, the newest first: after "run
// the checks now" the first row is the run just done.
func (u *UI) checkList(c *fiber.Ctx) error {
	v := checkListView{Page: u.page(c, "ui.findings.checks_title")}
	v.Pager = pagerOf(c, v.Lang, 200)
	var err error
	v.Checks, v.Pager.Total, err = u.cfg.Store.Checks(c.UserContext(), listParams(v.Pager, "", nil))
	if err != nil {
		return err
	}
	if c.Get("HX-Request") == "true" {
		return u.renderFragment(c, "findings_checks", "runs", v)
	}
	return u.render(c, fiber.StatusOK, "findings_checks", v)
}

// checkRun runs every rule now with the configured thresholds, then shows
// the runs (with htmx, the table of runs replaces the button's result
// area).
func (u *UI) checkRun(c *fiber.Ctx) error {
	s := u.cfg.Store
	if _, err := s.RunCheck(c.UserContext(), inventory.CheckOptions{Config: s.RuleConfig()}); err != nil {
		return err
	}
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", "/findings/checks?done=check_run")
		return c.SendStatus(fiber.StatusNoContent)
	}
	return seeOther(c, "/findings/checks", "check_run")
}

type consolidationView struct {
	Page
	Report inventory.ConsolidationReport
}

func (u *UI) consolidation(c *fiber.Ctx) error {
	v := consolidationView{Page: u.page(c, "ui.findings.consolidation_title")}
	var err error
	if v.Report, err = u.cfg.Store.ConsolidationReport(c.UserContext()); err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "findings_consolidation", v)
}

type movePlanView struct {
	Page
	Plan     inventory.MovePlan
	Targets  []targetRack // the racks the plan fills, with the arrivals drawn
	Units    unitIndex
	UnitList []inventory.Unit
	Rooms    []inventory.Room
	Filter   map[string]string
}

func (u *UI) movePlan(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := movePlanView{Page: u.page(c, "ui.findings.move_plan_title"), Filter: queryFilters(c, "unit_id", "room_id")}
	var opts inventory.MovePlanOptions
	for name, dst := range map[string]**int64{"unit_id": &opts.UnitID, "room_id": &opts.RoomID} {
		if _, set := v.Filter[name]; set {
			id, err := idQuery(c, name)
			if err != nil {
				return err
			}
			*dst = &id
		}
	}
	var err error
	if v.Units, v.UnitList, err = u.units(ctx); err != nil {
		return err
	}
	v.Rooms, _, err = u.cfg.Store.Rooms(ctx, inventory.ListParams{Limit: inventory.MaxLimit,
		Filters: map[string]string{"kind": "central"}})
	if err != nil {
		return err
	}
	if v.Plan, err = u.cfg.Store.MovePlan(ctx, opts); err != nil {
		return err
	}
	if v.Targets, err = u.targetRacks(ctx, v.Plan, v.Units, v.Lang); err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "findings_moveplan", v)
}

// targetRack is a central rack the move plan fills: its elevation as it
// is, with the planned arrivals drawn in their units' colours and marked.
type targetRack struct {
	Room, Rack string
	RackID     int64
	Arrivals   int
	Drawing    Drawing
}

// maxTargetRacks bounds the drawings on one page; the table lists every
// move.
const maxTargetRacks = 24

// targetRacks draws the racks of the plan's moves, in the order the plan
// first fills them.
func (u *UI) targetRacks(ctx context.Context, plan inventory.MovePlan, units unitIndex, lang string) ([]targetRack, error) {
	var out []targetRack
	idx := map[int64]int{}
	for _, m := range plan.Moves {
		i, ok := idx[m.ToRackID]
		if !ok {
			if len(out) == maxTargetRacks {
				continue
			}
			e, err := u.cfg.Store.RackElevation(ctx, m.ToRackID)
			if err != nil {
				return nil, err
			}
			i = len(out)
			idx[m.ToRackID] = i
			out = append(out, targetRack{Room: m.ToRoom, Rack: m.ToRack, RackID: m.ToRackID, Drawing: DrawingOf(e, lang)})
		}
		t := &out[i]
		t.Arrivals++
		t.Drawing.Devices = append(t.Drawing.Devices, elevation.Device{ID: m.DeviceID, Name: m.DeviceName,
			Position: m.ToPosition, UHeight: m.UHeight, Face: m.Face, FullDepth: m.FullDepth, UnitID: m.UnitID,
			Unit: units.Name(m.UnitID), Status: locale.T(lang, "ui.consolidation.arriving", m.FromRoom), Planned: true})
	}
	return out, nil
}

// Elapsed is how long a run took, in milliseconds.
func (v checkListView) Elapsed(c inventory.Check) int64 {
	return c.Finished.Sub(c.Started).Milliseconds()
}
