package inventory

import "testing"

// raised_on is the day the raise took effect (changed_on), which for an
// old contract entered today is long before the day it was entered.
func TestLineExpansionRaisedOnChangedOn(t *testing.T) {
	hist := []lineStateRow{
		{LineID: 1, UnitID: 1, Current: 200, ChangedOn: "2019-01-01", Bandwidth: 100, Platform: "private"},
		{LineID: 1, UnitID: 1, Current: 200, ChangedOn: "2021-03-01", Bandwidth: 200, Platform: "private"},
	}
	h, ok := lineExpansion(hist)
	if !ok {
		t.Fatal("a raised private line does not hold")
	}
	if got := h.Params["raised_on"]; got != "2021-03-01" {
		t.Errorf("raised_on %v, want 2021-03-01", got)
	}
}
