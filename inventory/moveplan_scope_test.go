package inventory_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestMovePlanScope: classified projects' devices stay (listed with the
// reason); without unit_id every unit is planned at once and no slot is
// offered twice; room_id picks the target room; the CSV is safe.
func TestMovePlanScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s := db.Store
		p := seedPrefecture(t, s)
		// A classified project of the bureau: its database stays.
		proj, err := s.CreateProject(p.ctx, inventory.ProjectInput{Code: "XZ-SM-01", Name: "涉密", LeadUnitID: p.fin,
			UnitIDs: []int64{}, Category: "security", FundingSource: "self", Classified: true, PlanYear: 2026, Budget: 1})
		noErr(t, err)
		payDB := p.finDevices[0]
		_, err = s.UpdateDevice(p.ctx, payDB, func(in *inventory.DeviceInput) error { in.ProjectID = &proj.ID; return nil })
		noErr(t, err)
		// The county's room, now active, with two 2U servers.
		room, err := s.CreateRoom(p.ctx, inventory.RoomInput{Name: "凤凰县机房", UnitID: p.county, Kind: "unit", Status: "active"})
		noErr(t, err)
		rack, err := s.CreateRack(p.ctx, inventory.RackInput{RoomID: room.ID, Name: "=FH01", UHeight: 42})
		noErr(t, err)
		for i := range 2 {
			in := inventory.DefaultDeviceInput()
			in.Name, in.Kind, in.UnitID, in.Status = fmt.Sprintf("=fh-%d", i), "server", p.county, "active"
			in.RackID, in.Position, in.UHeight = &rack.ID, ptr(1+2*i), 2
			_, err := s.CreateDevice(p.ctx, in)
			noErr(t, err)
		}

		fin, err := s.MovePlan(p.ctx, inventory.MovePlanOptions{UnitID: &p.fin})
		noErr(t, err)
		if len(fin.Kept) != 1 || fin.Kept[0].DeviceID != payDB || !strings.Contains(fin.Kept[0].Reason, "在符合保密要求的前提下") {
			t.Fatalf("kept %+v, want the classified pay-db with the Art. 5 reason", fin.Kept)
		}
		for _, m := range fin.Moves {
			if m.DeviceID == payDB {
				t.Errorf("the classified device is planned to move: %+v", m)
			}
		}
		county, err := s.MovePlan(p.ctx, inventory.MovePlanOptions{UnitID: &p.county})
		noErr(t, err)

		all, err := s.MovePlan(p.ctx, inventory.MovePlanOptions{})
		noErr(t, err)
		if all.Devices != fin.Devices+county.Devices || len(all.Kept) != 1 {
			t.Fatalf("all units: %d devices, kept %d; want %d and 1", all.Devices, len(all.Kept), fin.Devices+county.Devices)
		}
		if sameSlot(all, all) {
			t.Errorf("the plan of all units offers one slot twice: %+v", all.Moves)
		}
		var buf bytes.Buffer
		noErr(t, all.WriteCSV(&buf))
		checkPlanCSV(t, buf.Bytes(), len(all.Moves)+len(all.Unplaced)+len(all.Kept))
		// Every move applies through the store's own placement check.
		for _, m := range all.Moves {
			_, err := s.UpdateDevice(p.ctx, m.DeviceID, func(in *inventory.DeviceInput) error {
				in.RackID, in.Position = &m.ToRackID, &m.ToPosition
				return nil
			})
			if err != nil {
				t.Errorf("applying %s to rack %d U%d: %v", m.DeviceName, m.ToRackID, m.ToPosition, err)
			}
		}

		// room_id: a second central room takes what is left.
		other, err := s.CreateRoom(p.ctx, inventory.RoomInput{Name: "备用中心机房", UnitID: p.egov, Kind: "central", Status: "active"})
		noErr(t, err)
		_, err = s.CreateRack(p.ctx, inventory.RackInput{RoomID: other.ID, Name: "B01", UHeight: 42})
		noErr(t, err)
		into, err := s.MovePlan(p.ctx, inventory.MovePlanOptions{RoomID: &other.ID})
		noErr(t, err)
		if into.Placed == 0 || into.Racks != 1 {
			t.Errorf("plan into room %d: %d placed over %d racks", other.ID, into.Placed, into.Racks)
		}
		for _, m := range into.Moves {
			if m.ToRoomID != other.ID {
				t.Errorf("move into room %d, want %d: %+v", m.ToRoomID, other.ID, m)
			}
		}
		_, err = s.MovePlan(p.ctx, inventory.MovePlanOptions{RoomID: &room.ID})
		wantErr(t, err, "validation", "room_id")
		_, err = s.MovePlan(p.ctx, inventory.MovePlanOptions{RoomID: ptr(int64(9999))})
		wantErr(t, err, "validation", "room_id")
	})
}

// sameSlot reports whether a move of a and a different move of b take a
// common unit of the same rack on a common face.
func sameSlot(a, b inventory.MovePlan) bool {
	for _, x := range a.Moves {
		for _, y := range b.Moves {
			if x.DeviceID == y.DeviceID || x.ToRackID != y.ToRackID {
				continue
			}
			px := inventory.Placement{RackID: x.ToRackID, Position: x.ToPosition, UHeight: x.UHeight, Face: x.Face, FullDepth: x.FullDepth}
			if px.Overlaps(inventory.Occupant{ID: y.DeviceID, Position: y.ToPosition, UHeight: y.UHeight, Face: y.Face, FullDepth: y.FullDepth}) {
				return true
			}
		}
	}
	return false
}

// checkPlanCSV: a byte order mark, the header, one row per device, and no
// cell a spreadsheet would run as a formula.
func checkPlanCSV(t *testing.T, raw []byte, rows int) {
	t.Helper()
	body, ok := bytes.CutPrefix(raw, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Fatalf("CSV does not start with a UTF-8 byte order mark: %q", raw[:min(len(raw), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	noErr(t, err)
	if len(recs) != rows+1 || strings.Join(recs[0], ",") != strings.Join(inventory.MovePlanCSVHeader, ",") {
		t.Fatalf("CSV has %d records (want %d) and header %v", len(recs), rows+1, recs[0])
	}
	actions := map[string]int{}
	for _, r := range recs[1:] {
		actions[r[0]]++
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
	if actions["move"] == 0 || actions["stays"] != 1 {
		t.Errorf("CSV actions %v, want moves and one device that stays", actions)
	}
}

// TestConsolidationOpenAndExempted: a private line whose finding is
// exempted is counted apart from the open ones, per unit, in the totals and
// in its own row.
func TestConsolidationOpenAndExempted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s := db.Store
		p := seedPrefecture(t, s)
		_, err := s.RunCheck(p.ctx, inventory.CheckOptions{})
		noErr(t, err)
		found, _, err := s.Findings(p.ctx, inventory.ListParams{Filters: map[string]string{"rule": "private-line"}})
		noErr(t, err)
		var ct1 int64
		for _, f := range found {
			if f.Params["circuit_id"] == "CT-1" {
				ct1 = f.ID
			}
		}
		if ct1 == 0 {
			t.Fatalf("no private-line finding for CT-1 in %+v", found)
		}
		_, err = s.GrantExemption(p.ctx, ct1, inventory.ExemptionInput{Reason: "专线承载涉密业务，经保密局备案", Basis: "classified"})
		noErr(t, err)

		rep, err := s.ConsolidationReport(p.ctx)
		noErr(t, err)
		cz := rep.Units[0]
		if cz.UnitCode != "CZ" || cz.PrivateLines != 1 || cz.PrivateMonthlyFee != 1800.5 || cz.ExemptedLines != 1 ||
			cz.ExemptedMonthlyFee != 3200 || cz.ExemptedAnnualFee != 38400 || cz.ExemptedBandwidthMbps != 100 {
			t.Errorf("CZ row %+v: want 1 open line (1800.50 a month) and 1 exempted (3200.00, 100 Mbit/s)", cz)
		}
		if rep.Totals.PrivateLines != 2 || rep.Totals.ExemptedLines != 1 || rep.Totals.PrivateAnnualFee != 52806 {
			t.Errorf("totals %+v: want 2 open lines (52806.00 a year), 1 exempted", rep.Totals)
		}
		status := map[string]string{}
		for _, l := range rep.Lines {
			status[l.CircuitID] = l.FindingStatus
		}
		if status["CT-1"] != "exempted" || status["CT-2"] != "open" || status["CT-4"] != "open" || len(status) != 3 {
			t.Errorf("line finding statuses %v", status)
		}
		if len(rep.Rooms) != 2 || rep.Rooms[0].Devices != 6 || rep.Rooms[0].UUsed != 23 {
			t.Errorf("room rows %+v", rep.Rooms)
		}
	})
}
