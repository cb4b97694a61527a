package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestCentralCapacity: a rack's free units are those free on both faces; a
// half-depth device takes only its face, so the unit is not free.
func TestCentralCapacity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		_, err := f.s.CreateDevice(f.ctx, f.device("web-1", 1)) // 1U full depth at U1
		noErr(t, err)
		half := f.device("sw-1", 10)
		half.FullDepth, half.Face, half.UHeight = false, "rear", 2
		_, err = f.s.CreateDevice(f.ctx, half)
		noErr(t, err)
		staff := inventory.WithCaller(context.Background(), inventory.Caller{Name: "s", UserID: 99,
			Role: inventory.RoleUnitStaff, UnitID: 424242})
		for name, ctx := range map[string]context.Context{"admin": f.ctx, "unit staff": staff} {
			c, err := f.s.CentralCapacity(ctx)
			noErr(t, err)
			var got *inventory.RackCapacity
			for i := range c.Racks {
				if c.Racks[i].RackID == f.rack.ID {
					got = &c.Racks[i]
				}
			}
			if got == nil {
				t.Fatalf("%s: rack %d missing from %+v", name, f.rack.ID, c.Racks)
			}
			if got.UHeight != 42 || got.FreeU != 39 || got.LargestFreeU != 31 {
				t.Errorf("%s: %+v, want 42U with 39 free, longest run 31 (U12–U42)", name, *got)
			}
		}
	})
}

// TestProjectCounts counts by step in lifecycle order, and unit staff
// count only their unit's projects.
func TestProjectCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		other := newFixture(t, db.Store)
		mk := func(unit int64, code string) {
			in := inventory.DefaultProjectInput()
			in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.PlanYear =
				code, "工程 "+code, unit, "application", "self", 2026
			_, err := f.s.CreateProject(f.ctx, in)
			noErr(t, err)
		}
		mk(f.unit.ID, "P-1")
		mk(f.unit.ID, "P-2")
		mk(other.unit.ID, "P-3")
		all, err := f.s.ProjectCounts(f.ctx)
		noErr(t, err)
		if len(all) != 1 || all[0].Status != "draft" || all[0].N < 3 {
			t.Errorf("all: %+v, want draft ≥ 3", all)
		}
		staff := inventory.WithCaller(context.Background(), inventory.Caller{Name: "s", UserID: 99,
			Role: inventory.RoleUnitStaff, UnitID: other.unit.ID})
		own, err := f.s.ProjectCounts(staff)
		noErr(t, err)
		if len(own) != 1 || own[0].N != 1 {
			t.Errorf("unit staff: %+v, want their one draft", own)
		}
	})
}

// TestSetUserLanguage keeps the choice, refuses an unknown language, and
// lets no one but the user and an administrator change it.
func TestSetUserLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, ctx := db.Store, inventory.WithActor(context.Background(), "test")
		u, _, err := s.CreateUser(ctx, inventory.UserInput{Username: "lang-user", Role: "operator", Password: "Lang-Pass-2024x"})
		noErr(t, err)
		if u.Language != "" {
			t.Errorf("new user's language %q, want none", u.Language)
		}
		self := inventory.WithCaller(context.Background(), u.Caller())
		_, err = s.SetUserLanguage(self, u.ID, "en")
		noErr(t, err)
		got, err := s.User(ctx, u.ID)
		noErr(t, err)
		if got.Language != "en" {
			t.Errorf("language %q, want en", got.Language)
		}
		_, err = s.SetUserLanguage(self, u.ID, "fr")
		wantErr(t, err, "validation", "language")
		someone := inventory.WithCaller(context.Background(), inventory.Caller{Name: "x", UserID: u.ID + 1000, Role: "planner"})
		if _, err := s.SetUserLanguage(someone, u.ID, "zh"); !errors.Is(err, inventory.ErrNotFound) {
			t.Errorf("another user changed the language: %v", err)
		}
		entries, _, err := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"entity": "user", "entity_id": strconv.FormatInt(u.ID, 10)}})
		noErr(t, err)
		if len(entries) < 2 {
			t.Errorf("%d audit rows for the user, want the creation and the language", len(entries))
		}
	})
}

// TestAuditDayRange: from and to are days, both included, on both
// dialects' way of keeping time.
func TestAuditDayRange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		entries, total, err := f.s.Audit(f.ctx, inventory.ListParams{Limit: 1})
		noErr(t, err)
		if total == 0 {
			t.Fatal("the fixture wrote no audit rows")
		}
		day := entries[0].At.UTC().Format("2006-01-02")
		next := entries[0].At.UTC().AddDate(0, 0, 1).Format("2006-01-02")
		prev := entries[0].At.UTC().AddDate(0, 0, -1).Format("2006-01-02")
		for _, tt := range []struct {
			name     string
			from, to string
			want     bool
		}{
			{"that day", day, day, true},
			{"from that day", day, "", true},
			{"until that day", "", day, true},
			{"the day before", prev, prev, false},
			{"from the next day", next, "", false},
		} {
			filters := map[string]string{}
			if tt.from != "" {
				filters["from"] = tt.from
			}
			if tt.to != "" {
				filters["to"] = tt.to
			}
			_, n, err := f.s.Audit(f.ctx, inventory.ListParams{Limit: 1, Filters: filters})
			noErr(t, err)
			if (n == total) != tt.want || (!tt.want && n != 0) {
				t.Errorf("%s: %d of %d rows", tt.name, n, total)
			}
		}
		_, _, err = f.s.Audit(f.ctx, inventory.ListParams{Filters: map[string]string{"from": "30/11/2026"}})
		wantErr(t, err, "validation", "from")
	})
}

// TestCentralCapacityAsReport: the home page's figures are the
// consolidation report's, rack by rack.
func TestCentralCapacityAsReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		for i, pos := range []int{1, 3, 7, 20, 41} {
			in := f.device(fmt.Sprintf("d%d", i), pos)
			in.UHeight = 1 + i%2
			if i == 2 {
				in.FullDepth, in.Face = false, "rear"
			}
			_, err := f.s.CreateDevice(f.ctx, in)
			noErr(t, err)
		}
		got, err := f.s.CentralCapacity(f.ctx)
		noErr(t, err)
		rep, err := f.s.ConsolidationReport(f.ctx)
		noErr(t, err)
		if len(got.Racks) != len(rep.Central.Racks) || got.FreeU != rep.Central.FreeU {
			t.Fatalf("home %+v, report %+v", got, rep.Central)
		}
		for i := range got.Racks {
			if got.Racks[i] != rep.Central.Racks[i] {
				t.Errorf("rack %d: home %+v, report %+v", i, got.Racks[i], rep.Central.Racks[i])
			}
		}
	})
}
