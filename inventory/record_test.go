package inventory_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// thisBusinessYear is this year in the prefecture.
func thisBusinessYear(t *testing.T) int {
	y, err := strconv.Atoi(dayFromToday(0)[:4])
	noErr(t, err)
	return y
}

// reasonsOf returns a unit's eligibility reasons by name.
func reasonsOf(e inventory.Eligibility, unitID int64) []inventory.EligibilityReason {
	for _, u := range e.Items {
		if u.UnitID == unitID {
			return u.Reasons
		}
	}
	return nil
}

// An amendment of the lead unit recorded after the plan year ended does not
// move an Art. 16 ineligibility to another unit.
func TestEligibilityLeadUnitInForce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		to := f.otherUnit(t, "EL")
		p := f.advance(t, f.newProject(t, "EL-1", "self", false, 2024), "implementing", "2024-05-01")
		f.amend(t, p, "lead_unit_id", to.ID, "机构改革，牵头单位变更")
		if got, _ := f.s.Project(f.ctx, p.ID); got.LeadUnitID != to.ID {
			t.Fatalf("lead unit %d after the amendment, want %d", got.LeadUnitID, to.ID)
		}
		e, err := f.s.Eligibility(f.ctx, 2025, 90)
		noErr(t, err)
		if r := reasonsOf(e, f.unit.ID); len(r) != 1 || r[0].Reason != "unfinished" || r[0].ProjectID != p.ID {
			t.Errorf("the lead unit at the end of 2024 has reasons %+v, want unfinished", r)
		}
		if r := reasonsOf(e, to.ID); len(r) != 0 {
			t.Errorf("the unit that leads only since the amendment has reasons %+v", r)
		}
		// For a plan year that ends after the amendment, the new lead unit
		// answers.
		q := f.advance(t, f.newProject(t, "EL-2", "self", false, thisBusinessYear(t)), "implementing", dayFromToday(0))
		f.amend(t, q, "lead_unit_id", to.ID, "牵头单位变更")
		e, err = f.s.Eligibility(f.ctx, thisBusinessYear(t)+1, 90)
		noErr(t, err)
		if r := reasonsOf(e, to.ID); len(r) != 1 || r[0].ProjectID != q.ID {
			t.Errorf("the lead unit in force has reasons %+v, want project %d", r, q.ID)
		}
	})
}

// While the previous year has not ended, eligibility is provisional and an
// unfinished project can still change; once it has, the answer is final.
func TestEligibilityProvisional(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		year := thisBusinessYear(t)
		f.advance(t, f.newProject(t, "PV-1", "self", false, year), "implementing", dayFromToday(0))
		f.advance(t, f.newProject(t, "PV-2", "self", false, year-1), "implementing", fmt.Sprintf("%d-03-01", year-1))
		for _, tc := range []struct {
			plan        int
			provisional bool
			canChange   bool
		}{
			{year + 1, true, true},
			{year, false, false},
		} {
			t.Run(strconv.Itoa(tc.plan), func(t *testing.T) {
				e, err := f.s.Eligibility(f.ctx, tc.plan, 90)
				noErr(t, err)
				if e.Provisional != tc.provisional {
					t.Errorf("plan %d: provisional %v, want %v", tc.plan, e.Provisional, tc.provisional)
				}
				r := reasonsOf(e, f.unit.ID)
				if len(r) != 1 || r[0].Reason != "unfinished" || r[0].CanChange != tc.canChange {
					t.Fatalf("plan %d: reasons %+v, want unfinished with can_change %v", tc.plan, r, tc.canChange)
				}
				if want := map[bool]string{true: "can still change", false: "final"}[tc.canChange]; !strings.Contains(r[0].Message, want) {
					t.Errorf("message %q does not say %q", r[0].Message, want)
				}
			})
		}
	})
}

// The plan as of a day shows the values in force then; today's shows the
// amended ones.
func TestPlanValuesInForce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		to := f.otherUnit(t, "PL")
		p := f.advance(t, f.newProject(t, "PL-1", "prefecture", false, 2025), "settled", "2025-02-01")
		f.amend(t, p, "budget", 9900000, "结算审计调整")
		f.amend(t, p, "lead_unit_id", to.ID, "牵头单位变更")
		f.amend(t, p, "name", "新名称", "更名")
		for _, tc := range []struct {
			asOf   inventory.Date
			budget float64
			unit   int64
			name   string
		}{
			{"2025-12-31", 100000, f.unit.ID, p.Name},
			{inventory.Date(dayFromToday(-1)), 100000, f.unit.ID, p.Name},
			{"", 9900000, to.ID, "新名称"},
		} {
			t.Run(string(tc.asOf), func(t *testing.T) {
				plan, err := f.s.PlanAsOf(f.ctx, 2025, tc.asOf)
				noErr(t, err)
				var got *inventory.PlanProject
				for i := range plan.Projects {
					if plan.Projects[i].ID == p.ID {
						got = &plan.Projects[i]
					}
				}
				if got == nil {
					t.Fatalf("project %d is not in the plan as of %q", p.ID, tc.asOf)
				}
				wantCode := f.unit.Code
				if tc.unit == to.ID {
					wantCode = to.Code
				}
				if got.Budget != tc.budget || got.LeadUnitID != tc.unit || got.UnitCode != wantCode || got.Name != tc.name {
					t.Errorf("as of %q: %+v; want budget %v, unit %d %s, name %s", tc.asOf, got, tc.budget, tc.unit, wantCode, tc.name)
				}
			})
		}
		before, err := f.s.PlanAsOf(f.ctx, 2025, "2025-01-31")
		noErr(t, err)
		for _, x := range before.Projects {
			if x.ID == p.ID {
				t.Errorf("project approved on 2025-02-01 is in the plan as of 2025-01-31")
			}
		}
		_, err = f.s.PlanAsOf(f.ctx, 2025, "2199-01-01")
		wantErr(t, err, "validation", "as_of")
		_, err = f.s.PlanAsOf(f.ctx, 2025, "2025-02-30")
		wantErr(t, err, "validation", "as_of")
	})
}

// A step dated more than BackdateDays before the day it is recorded needs a
// note and is marked backdated, with both days, in the history.
func TestBackdatedStepHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		p := f.newProject(t, "BH-1", "self", false, thisBusinessYear(t)+1)
		f.satisfy(t, p, "submitted")
		old := inventory.Date(dayFromToday(-inventory.BackdateDays - 1))
		_, err := f.s.TransitionProject(f.ctx, p.ID, inventory.TransitionInput{To: "submitted", Date: old})
		wantErr(t, err, "validation", "note")
		_, err = f.s.TransitionProject(f.ctx, p.ID, inventory.TransitionInput{To: "submitted", Date: old, Note: "  "})
		wantErr(t, err, "validation", "note")
		_, err = f.s.TransitionProject(f.ctx, p.ID, inventory.TransitionInput{To: "submitted", Date: old, Note: "按纸质申报日期补录"})
		noErr(t, err)
		onTime := inventory.Date(dayFromToday(-inventory.BackdateDays))
		_, err = f.s.TransitionProject(f.ctx, p.ID, inventory.TransitionInput{To: "approved", Date: onTime, ApprovalNumber: "A-1"})
		noErr(t, err)
		hist, err := f.s.ProjectHistory(f.ctx, p.ID)
		noErr(t, err)
		today := inventory.Date(dayFromToday(0))
		if len(hist) != 2 {
			t.Fatalf("history %+v", hist)
		}
		for i, want := range []struct {
			date      inventory.Date
			backdated bool
		}{{old, true}, {onTime, false}} {
			h := hist[i]
			if h.Kind != "step" || h.Date != want.date || h.RecordedOn != today || h.Backdated != want.backdated {
				t.Errorf("step %d: %+v; want dated %s, recorded %s, backdated %v", i, h, want.date, today, want.backdated)
			}
		}
	})
}

// A bandwidth or platform change carries the day it took effect; the
// history and line-expansion use it.
func TestLineChangedOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		in := inventory.LineInput{Carrier: "China Telecom", CircuitID: "CO-" + f.unit.Code, UnitID: f.unit.ID, AEnd: "A",
			ZEnd: "Z", BandwidthMbps: 100, Platform: "private", Status: "active", ChangedOn: ptr(inventory.Date("2019-01-01"))}
		l, err := f.s.CreateLine(f.ctx, in)
		noErr(t, err)
		patch := func(mbps int, on *inventory.Date) error {
			_, err := f.s.UpdateLine(f.ctx, l.ID, func(in *inventory.LineInput) error {
				in.BandwidthMbps, in.ChangedOn = mbps, on
				return nil
			})
			return err
		}
		for _, tc := range []struct {
			name string
			mbps int
			on   string
		}{
			{"after today", 200, "2199-01-01"},
			{"before the previous change", 200, "2018-12-31"},
			{"not a day", 200, "2021-02-30"},
			{"without a change", 100, "2021-03-01"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantErr(t, patch(tc.mbps, ptr(inventory.Date(tc.on))), "validation", "changed_on")
			})
		}
		expansion := func() string {
			t.Helper()
			_, err := f.s.RunCheck(f.ctx, inventory.CheckOptions{})
			noErr(t, err)
			fs, _, err := f.s.Findings(f.ctx, inventory.ListParams{Filters: map[string]string{"rule": "line-expansion",
				"subject_type": "line", "subject_id": strconv.FormatInt(l.ID, 10), "lang": "en"}})
			noErr(t, err)
			if len(fs) != 1 {
				t.Fatalf("line-expansion findings %+v", fs)
			}
			return fs[0].Message
		}
		noErr(t, patch(200, ptr(inventory.Date("2021-03-01"))))
		if msg := expansion(); !strings.Contains(msg, "from 100 to 200") || !strings.Contains(msg, "last raised 2021-03-01") {
			t.Errorf("line-expansion after a raise on 2021-03-01: %q", msg)
		}
		noErr(t, patch(300, nil))
		hist, err := f.s.LineHistory(f.ctx, l.ID)
		noErr(t, err)
		var got []string
		for _, h := range hist {
			got = append(got, fmt.Sprintf("%s:%d", h.ChangedOn, h.BandwidthMbps))
		}
		if want := fmt.Sprintf("2019-01-01:100 2021-03-01:200 %s:300", dayFromToday(0)); strings.Join(got, " ") != want {
			t.Errorf("history %v, want %s", got, want)
		}
		if msg := expansion(); !strings.Contains(msg, "last raised "+dayFromToday(0)) || !strings.Contains(msg, "from 100 to 300") {
			t.Errorf("line-expansion after a raise today: %q", msg)
		}
	})
}
