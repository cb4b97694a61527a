package inventory

import (
	"testing"
	"time"
)

// raised_on is the business day of the raise in the store's zone: 20:00 UTC
// on 28 February is 04:00 on 1 March in Asia/Shanghai, still 28 February in
// UTC or Europe/Berlin.
func TestLineExpansionRaisedOnBusinessDay(t *testing.T) {
	at := time.Date(2026, 2, 28, 20, 0, 0, 0, time.UTC)
	hist := []lineStateRow{
		{LineID: 1, UnitID: 1, Current: 200, At: at.AddDate(0, -1, 0), Bandwidth: 100, Platform: "private"},
		{LineID: 1, UnitID: 1, Current: 200, At: at, Bandwidth: 200, Platform: "private"},
	}
	for _, tc := range []struct{ zone, want string }{
		{"Asia/Shanghai", "2026-03-01"},
		{"UTC", "2026-02-28"},
		{"Europe/Berlin", "2026-02-28"},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc, err := LoadZone(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			h, ok := lineExpansion(hist, loc)
			if !ok {
				t.Fatal("a raised private line does not hold")
			}
			if got := h.Params["raised_on"]; got != tc.want {
				t.Errorf("raised_on %v, want %s", got, tc.want)
			}
		})
	}
}
