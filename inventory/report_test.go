package inventory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// prefecture is the fixed data set of the report tests: the central room
// with two racks, a bureau with its own room, devices and lines, a county
// planning a room, and a central room still planned (not counted).
type prefecture struct {
	s                 *inventory.Store
	ctx               context.Context
	egov, fin, county int64
	a01, a02, f01     int64
	finDevices        []int64
}

func seedPrefecture(t *testing.T, s *inventory.Store) *prefecture {
	t.Helper()
	p := &prefecture{s: s, ctx: context.Background()}
	unit := func(code, name string) int64 {
		u, err := s.CreateUnit(p.ctx, inventory.UnitInput{Code: code, Name: name, Kind: "department"})
		noErr(t, err)
		return u.ID
	}
	room := func(name string, unit int64, kind, status string) int64 {
		r, err := s.CreateRoom(p.ctx, inventory.RoomInput{Name: name, UnitID: unit, Kind: kind, Status: status})
		noErr(t, err)
		return r.ID
	}
	rack := func(room int64, name string, h int) int64 {
		r, err := s.CreateRack(p.ctx, inventory.RackInput{RoomID: room, Name: name, UHeight: h})
		noErr(t, err)
		return r.ID
	}
	p.egov, p.fin, p.county = unit("ZW", "州电子政务办公室"), unit("CZ", "州财政局"), unit("FH", "凤凰县人民政府")
	central := room("州政府中心机房", p.egov, "central", "active")
	p.a01, p.a02 = rack(central, "A01", 42), rack(central, "A02", 12)
	rack(room("新中心机房（规划）", p.egov, "central", "planned"), "N01", 42)
	finRoom := room("州财政局自建机房", p.fin, "unit", "active")
	p.f01 = rack(finRoom, "F01", 42)
	room("凤凰县政务机房（规划）", p.county, "unit", "planned")

	dev := func(name string, unit, rackID int64, pos, h int, face string, full bool, status string) int64 {
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID, in.Status = name, "server", unit, status
		in.RackID, in.Position, in.UHeight, in.Face, in.FullDepth = &rackID, &pos, h, face, full
		d, err := s.CreateDevice(p.ctx, in)
		noErr(t, err)
		return d.ID
	}
	// Central: A01 has U1-U38 taken (full depth) and U41 front; A02 (12U)
	// has U1-U4 taken.
	dev("core-sw", p.egov, p.a01, 1, 38, "front", true, "active")
	dev("patch-panel", p.egov, p.a01, 41, 1, "front", false, "active")
	dev("cloud-01", p.egov, p.a02, 1, 4, "front", true, "active")
	// The bureau's room.
	p.finDevices = []int64{
		dev("pay-db", p.fin, p.f01, 1, 2, "front", true, "active"),
		dev("fin-storage", p.fin, p.f01, 3, 4, "front", true, "active"),
		dev("fin-rear-pdu", p.fin, p.f01, 7, 1, "rear", false, "active"),
		dev("fin-front-sw", p.fin, p.f01, 7, 1, "front", false, "active"),
		dev("fin-tape", p.fin, p.f01, 8, 3, "front", true, "offline"),
		dev("fin-big-array", p.fin, p.f01, 12, 12, "front", true, "active"),
	}
	dev("fin-old", p.fin, p.f01, 30, 1, "front", true, "decommissioned")

	line := func(circuit string, unit int64, a, z string, mbps int, fee float64, platform, status string) {
		_, err := s.CreateLine(p.ctx, inventory.LineInput{Carrier: "中国电信", CircuitID: circuit, UnitID: unit,
			AEnd: a, ZEnd: z, BandwidthMbps: mbps, MonthlyFee: fee, Platform: platform, Status: status})
		noErr(t, err)
	}
	line("CT-1", p.fin, "财政局", "州人民银行", 100, 3200, "private", "active")
	line("CT-2", p.fin, "州人民银行 ", "财政局", 50, 1800.5, "private", "active")
	line("CT-3", p.fin, "财政局", "税务局", 20, 900, "intranet", "active")
	line("CT-4", p.county, "凤凰县", "州政府", 200, 2600, "private", "requested")
	line("CT-5", p.county, "凤凰县", "吉首市", 200, 2600, "private", "terminated")
	return p
}

func TestConsolidationReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		seedPrefecture(t, db.Store)
		rep, err := db.Store.ConsolidationReport(context.Background())
		noErr(t, err)
		js, err := json.MarshalIndent(rep, "", "  ")
		noErr(t, err)
		golden(t, "consolidation.json", append(js, '\n'))
		var csv bytes.Buffer
		noErr(t, rep.WriteCSV(&csv))
		golden(t, "consolidation.csv", csv.Bytes())
	})
}

// TestMovePlan checks the plan against the store itself: every proposed
// move is applied with UpdateDevice, whose placement check refuses any
// overlap with the devices there and with the moves applied before it.
func TestMovePlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		p := seedPrefecture(t, db.Store)
		plan, err := db.Store.MovePlan(p.ctx, inventory.MovePlanOptions{UnitID: &p.fin})
		noErr(t, err)
		// A01 (42U) has U39-U40 and U42 free on both faces and U41 on the
		// rear; A02 (12U) has U5-U12. The 12U array fits nowhere; the
		// decommissioned device is not moved.
		if plan.Devices != 6 || plan.Placed != 5 || len(plan.Unplaced) != 1 {
			t.Fatalf("plan: %d devices, %d placed, unplaced %+v; want 6, 5, 1", plan.Devices, plan.Placed, plan.Unplaced)
		}
		if u := plan.Unplaced[0]; u.UHeight != 12 || u.Reason == "" {
			t.Errorf("unplaced %+v, want the 12U array with a reason", u)
		}
		want := map[string]string{"fin-storage": "A02 U5", "fin-tape": "A02 U9", "pay-db": "A01 U39",
			"fin-rear-pdu": "A01 U41", "fin-front-sw": "A01 U42"}
		for _, m := range plan.Moves {
			if got := fmt.Sprintf("%s U%d", m.ToRack, m.ToPosition); got != want[m.DeviceName] {
				t.Errorf("%s goes to %s, want %s", m.DeviceName, got, want[m.DeviceName])
			}
			_, err := db.Store.UpdateDevice(p.ctx, m.DeviceID, func(in *inventory.DeviceInput) error {
				in.RackID, in.Position = &m.ToRackID, &m.ToPosition
				return nil
			})
			if err != nil {
				t.Errorf("applying the move of %s to rack %d U%d: %v", m.DeviceName, m.ToRackID, m.ToPosition, err)
			}
		}
		// Everything that fitted has moved: planning again finds only the array.
		again, err := db.Store.MovePlan(p.ctx, inventory.MovePlanOptions{})
		noErr(t, err)
		if again.Devices != 1 || again.Placed != 0 {
			t.Errorf("second plan: %d devices, %d placed; want the 12U array only", again.Devices, again.Placed)
		}
		_, err = db.Store.MovePlan(p.ctx, inventory.MovePlanOptions{UnitID: ptr(int64(9999))})
		wantErr(t, err, "validation", "unit_id")
	})
}
