package inventory_test

import (
	"errors"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestBusinessZone: the store's zone decides which day "today" is, for
// eligibility and lifecycle steps alike, on both dialects. Kiritimati
// (UTC+14) and Pago Pago (UTC-11) are always on different days.
func TestBusinessZone(t *testing.T) {
	ahead, err := inventory.LoadZone("Pacific/Kiritimati")
	if err != nil {
		t.Fatal(err)
	}
	behind, err := inventory.LoadZone("Pacific/Pago_Pago")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s := db.Store
		f := newFixture(t, s)
		for i, tc := range []struct {
			zone   *time.Location
			stepOK bool // a step dated today in Kiritimati is not in the future
		}{{ahead, true}, {behind, false}} {
			t.Run(tc.zone.String(), func(t *testing.T) {
				s.SetZone(tc.zone)
				before := time.Now().In(tc.zone).Format(time.DateOnly)
				el, err := s.Eligibility(f.ctx, 2027, 90)
				noErr(t, err)
				if after := time.Now().In(tc.zone).Format(time.DateOnly); string(el.AsOf) != before && string(el.AsOf) != after {
					t.Errorf("eligibility as_of %s, want %s in %s", el.AsOf, before, tc.zone)
				}
				p, err := s.CreateProject(f.ctx, inventory.ProjectInput{Code: "TZ-" + string(rune('A'+i)), Name: "tz",
					LeadUnitID: f.unit.ID, UnitIDs: []int64{}, Category: "application", FundingSource: "self",
					PlanYear: 2027, Budget: 1})
				noErr(t, err)
				day := inventory.Date(time.Now().In(ahead).Format(time.DateOnly))
				_, err = s.TransitionProject(f.ctx, p.ID, inventory.TransitionInput{To: "submitted", Date: day})
				// Other prerequisites may be missing; only the date matters here.
				var ve *inventory.ValidationError
				future := errors.As(err, &ve) && ve.Fields["date"] != ""
				if future == tc.stepOK {
					t.Errorf("step dated %s in %s: error %v; want the date refused: %v", day, tc.zone, err, !tc.stepOK)
				}
			})
		}
	})
}

func TestLoadZone(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"", true}, {"Asia/Shanghai", true}, {"UTC", true}, {"Mars/Olympus", false}, {"Local", false}} {
		if _, err := inventory.LoadZone(tc.name); (err == nil) != tc.ok {
			t.Errorf("LoadZone(%q): %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
