package inventory

import (
	"testing"
	"time"
)

// raised_on is the business day (UTC+8) of the raise: 20:00 UTC on 28
// February is 04:00 on 1 March in the prefecture.
func TestLineExpansionRaisedOnBusinessDay(t *testing.T) {
	at := time.Date(2026, 2, 28, 20, 0, 0, 0, time.UTC)
	hist := []lineStateRow{
		{LineID: 1, UnitID: 1, Current: 200, At: at.AddDate(0, -1, 0), Bandwidth: 100, Platform: "private"},
		{LineID: 1, UnitID: 1, Current: 200, At: at, Bandwidth: 200, Platform: "private"},
	}
	h, ok := lineExpansion(hist)
	if !ok {
		t.Fatal("a raised private line does not hold")
	}
	if got := h.Params["raised_on"]; got != "2026-03-01" {
		t.Errorf("raised_on %v, want 2026-03-01", got)
	}
}
