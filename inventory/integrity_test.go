package inventory_test

import (
	"encoding/json"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestUniqueness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		_, err := s.CreateUnit(ctx, inventory.UnitInput{Code: f.unit.Code, Name: "again", Kind: "county"})
		wantErr(t, err, "conflict", "code")

		_, err = s.CreateRack(ctx, inventory.RackInput{RoomID: f.room.ID, Name: "A01", UHeight: 42})
		wantErr(t, err, "conflict", "name")
		other, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "Other", UnitID: f.unit.ID, Kind: "unit", Status: "active"})
		noErr(t, err)
		_, err = s.CreateRack(ctx, inventory.RackInput{RoomID: other.ID, Name: "A01", UHeight: 42})
		wantErr(t, err, "", "") // the same name in another room

		in := f.device("d1", 1)
		in.Manufacturer, in.Serial, in.AssetTag = "Inspur", "SN1", "TAG1"
		_, err = s.CreateDevice(ctx, in)
		noErr(t, err)
		dup := f.device("d2", 2)
		dup.Manufacturer, dup.Serial = "Inspur", "SN1"
		_, err = s.CreateDevice(ctx, dup)
		wantErr(t, err, "conflict", "serial")
		dup.Manufacturer = "Sugon" // the same serial from another maker is another device
		d2, err := s.CreateDevice(ctx, dup)
		noErr(t, err)
		_, err = s.UpdateDevice(ctx, d2.ID, func(in *inventory.DeviceInput) error { in.AssetTag = "TAG1"; return nil })
		wantErr(t, err, "conflict", "asset_tag")
		// Devices without serials or tags never collide.
		for i, name := range []string{"blank-1", "blank-2"} {
			_, err = s.CreateDevice(ctx, f.device(name, 4+i))
			noErr(t, err)
		}

		li := inventory.LineInput{Carrier: "中国电信", CircuitID: "C-1", UnitID: f.unit.ID, AEnd: "a", ZEnd: "z",
			BandwidthMbps: 100, Platform: "private", Status: "active"}
		_, err = s.CreateLine(ctx, li)
		noErr(t, err)
		_, err = s.CreateLine(ctx, li)
		wantErr(t, err, "conflict", "circuit_id")
		li.Carrier = "中国联通"
		_, err = s.CreateLine(ctx, li)
		noErr(t, err)
	})
}

func TestReferencesAndEnums(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		cases := []struct {
			name  string
			write func() error
			field string
		}{
			{"room of a missing unit", func() error {
				_, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "x", UnitID: 9999, Kind: "unit", Status: "active"})
				return err
			}, "unit_id"},
			{"rack in a missing room", func() error {
				_, err := s.CreateRack(ctx, inventory.RackInput{RoomID: 9999, Name: "x", UHeight: 42})
				return err
			}, "room_id"},
			{"device in a missing rack", func() error {
				in := f.device("x", 1)
				in.RackID = ptr(int64(9999))
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "rack_id"},
			{"device of a missing project", func() error {
				in := f.device("x", 1)
				in.ProjectID = ptr(int64(9999))
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "project_id"},
			{"device with a missing SNMP profile", func() error {
				in := f.device("x", 1)
				in.SNMPProfileID = ptr(int64(9999))
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "snmp_profile_id"},
			{"project with a missing participant", func() error {
				_, err := s.CreateProject(ctx, inventory.ProjectInput{Code: "P", Name: "p", LeadUnitID: f.unit.ID,
					UnitIDs: []int64{9999}, Category: "application", FundingSource: "self", PlanYear: 2026})
				return err
			}, "unit_ids"},
			{"room kind", func() error {
				_, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "x", UnitID: f.unit.ID, Kind: "basement", Status: "active"})
				return err
			}, "kind"},
			{"device status", func() error {
				in := f.device("x", 1)
				in.Status = "broken"
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "status"},
			{"device management IP", func() error {
				in := f.device("x", 1)
				in.MgmtIP = "10.0.0.300"
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "mgmt_ip"},
			{"line bandwidth", func() error {
				_, err := s.CreateLine(ctx, inventory.LineInput{Carrier: "c", CircuitID: "x", UnitID: f.unit.ID,
					AEnd: "a", ZEnd: "z", Platform: "private", Status: "active"})
				return err
			}, "bandwidth_mbps"},
			{"line date", func() error {
				_, err := s.CreateLine(ctx, inventory.LineInput{Carrier: "c", CircuitID: "x", UnitID: f.unit.ID,
					AEnd: "a", ZEnd: "z", BandwidthMbps: 10, Platform: "private", Status: "active",
					StartDate: ptr(inventory.Date("2024-02-30"))})
				return err
			}, "start_date"},
			{"negative fee", func() error {
				_, err := s.CreateLine(ctx, inventory.LineInput{Carrier: "c", CircuitID: "x", UnitID: f.unit.ID,
					AEnd: "a", ZEnd: "z", BandwidthMbps: 10, MonthlyFee: -1, Platform: "private", Status: "active"})
				return err
			}, "monthly_fee"},
			{"rack height", func() error {
				_, err := s.CreateRack(ctx, inventory.RackInput{RoomID: f.room.ID, Name: "tall", UHeight: 61})
				return err
			}, "u_height"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.write()
				wantErr(t, err, "validation", tc.field)
				if tc.field == "kind" || tc.field == "status" {
					if !strings.Contains(err.Error(), "must be one of") {
						t.Errorf("an enum error should list the allowed values: %v", err)
					}
				}
			})
		}
		// None of the refused writes left anything behind.
		if n := auditCount(t, s, "device") + auditCount(t, s, "line") + auditCount(t, s, "project"); n != 0 {
			t.Fatalf("refused writes left %d audit rows", n)
		}
	})
}

func TestDeleteRefusesDependants(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		d, err := s.CreateDevice(ctx, f.device("d", 1))
		noErr(t, err)
		wantErr(t, s.DeleteUnit(ctx, f.unit.ID), "conflict", "")
		wantErr(t, s.DeleteRoom(ctx, f.room.ID), "conflict", "")
		err = s.DeleteRack(ctx, f.rack.ID)
		wantErr(t, err, "conflict", "")
		if !strings.Contains(err.Error(), "devices: 1") {
			t.Errorf("the refusal should say what is left: %v", err)
		}
		// Taken apart in order, everything goes.
		noErr(t, s.DeleteDevice(ctx, d.ID))
		noErr(t, s.DeleteRack(ctx, f.rack.ID))
		noErr(t, s.DeleteRoom(ctx, f.room.ID))
		noErr(t, s.DeleteUnit(ctx, f.unit.ID))
		_, err = s.Unit(ctx, f.unit.ID)
		wantErr(t, err, "not_found", "")
		wantErr(t, s.DeleteUnit(ctx, f.unit.ID), "not_found", "")
	})
}

func TestAuditTrail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		ctx := inventory.WithActor(f.ctx, "api")
		s := f.s
		d, err := s.CreateDevice(ctx, f.device("web-01", 5))
		noErr(t, err)
		_, err = s.UpdateDevice(ctx, d.ID, func(in *inventory.DeviceInput) error { in.Status = "active"; return nil })
		noErr(t, err)
		noErr(t, s.DeleteDevice(ctx, d.ID))

		rows, total, err := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"entity": "device", "entity_id": jsonID(d.ID)}})
		noErr(t, err)
		if total != 3 {
			t.Fatalf("want 3 audit rows, got %d", total)
		}
		wantActions := []string{"delete", "update", "create"} // newest first
		for i, r := range rows {
			if r.Action != wantActions[i] || r.Actor != "api" || r.Entity != "device" || r.EntityID != d.ID {
				t.Errorf("row %d: %+v", i, r)
			}
		}
		var before, after struct{ Status string }
		noErr(t, json.Unmarshal(rows[1].Before, &before))
		noErr(t, json.Unmarshal(rows[1].After, &after))
		if before.Status != "planned" || after.Status != "active" {
			t.Errorf("update row: before %q after %q", before.Status, after.Status)
		}
		if rows[0].After != nil || rows[2].Before != nil {
			t.Errorf("delete has no after and create no before: %s / %s", rows[0].After, rows[2].Before)
		}
	})
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }

func TestLineHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		l, err := s.CreateLine(ctx, inventory.LineInput{Carrier: "c", CircuitID: "x", UnitID: f.unit.ID, AEnd: "财政局",
			ZEnd: "人民银行", BandwidthMbps: 50, MonthlyFee: 1800.456, Platform: "private", Status: "active",
			StartDate: ptr(inventory.Date("2023-01-01"))})
		noErr(t, err)
		if l.MonthlyFee != 1800.46 || l.StartDate == nil || *l.StartDate != "2023-01-01" {
			t.Fatalf("fee rounded to fen and the date kept: %+v", l)
		}
		steps := []func(*inventory.LineInput){
			func(in *inventory.LineInput) { in.MonthlyFee = 2000 },   // not history
			func(in *inventory.LineInput) { in.BandwidthMbps = 100 }, // raised
			func(in *inventory.LineInput) { in.Platform = "intranet" },
		}
		for _, step := range steps {
			_, err = s.UpdateLine(ctx, l.ID, func(in *inventory.LineInput) error { step(in); return nil })
			noErr(t, err)
		}
		h, err := s.LineHistory(ctx, l.ID)
		noErr(t, err)
		want := []inventory.LineState{{BandwidthMbps: 50, Platform: "private"}, {BandwidthMbps: 100, Platform: "private"},
			{BandwidthMbps: 100, Platform: "intranet"}}
		if len(h) != len(want) {
			t.Fatalf("history %+v, want %d entries", h, len(want))
		}
		for i := range want {
			if h[i].BandwidthMbps != want[i].BandwidthMbps || h[i].Platform != want[i].Platform || h[i].At.IsZero() {
				t.Errorf("entry %d: %+v, want %+v", i, h[i], want[i])
			}
		}
	})
}

func TestProjectUnits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		other, err := s.CreateUnit(ctx, inventory.UnitInput{Code: f.unit.Code + "-2", Name: "州财政局", Kind: "department"})
		noErr(t, err)
		p, err := s.CreateProject(ctx, inventory.ProjectInput{Code: "XX-1", Name: "政务云", LeadUnitID: f.unit.ID,
			UnitIDs: []int64{other.ID, f.unit.ID, other.ID}, Category: "network_room", FundingSource: "prefecture",
			PlanYear: 2026, Budget: 3_200_000})
		noErr(t, err)
		if len(p.UnitIDs) != 1 || p.UnitIDs[0] != other.ID {
			t.Fatalf("unit_ids %v: want only the participant, once", p.UnitIDs)
		}
		for _, u := range []int64{f.unit.ID, other.ID} {
			items, _, err := s.Projects(ctx, inventory.ListParams{Filters: map[string]string{"unit_id": jsonID(u)}})
			noErr(t, err)
			if len(items) != 1 || items[0].ID != p.ID {
				t.Errorf("unit %d: projects %v", u, items)
			}
		}
		wantErr(t, s.DeleteUnit(ctx, other.ID), "conflict", "")
		_, err = s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error { in.UnitIDs = nil; return nil })
		noErr(t, err)
		noErr(t, s.DeleteUnit(ctx, other.ID))
	})
}

func TestSNMPSecretsAreWriteOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s := db.Store
		ctx := t.Context()
		in := inventory.DefaultSNMPProfileInput()
		in.Name, in.Version, in.Username = "v3", "3", "hostroll"
		in.AuthProtocol, in.AuthPassphrase, in.PrivProtocol, in.PrivPassphrase = "SHA-256", "auth-SECRET-1", "AES", "priv-SECRET-2"
		p, err := s.CreateSNMPProfile(ctx, in)
		noErr(t, err)
		p, err = s.UpdateSNMPProfile(ctx, p.ID, func(in *inventory.SNMPProfileInput) error { in.Retries = 3; return nil })
		noErr(t, err)
		// The store hands out the secrets sealed; only the collector's poll
		// targets carry them open.
		plain, err := db.Key.Open(p.AuthPassphrase.Reveal())
		if err != nil || plain != "auth-SECRET-1" || !p.HasAuthPassphrase || !p.HasPrivPassphrase || p.HasCommunity {
			t.Fatalf("a patch without secrets keeps them: %+v (%q, %v)", p, plain, err)
		}
		audit, _, err := s.Audit(ctx, inventory.ListParams{})
		noErr(t, err)
		for _, v := range []any{p, audit} {
			b, err := json.Marshal(v)
			noErr(t, err)
			if strings.Contains(string(b), "SECRET") {
				t.Fatalf("a secret leaked into JSON: %s", b)
			}
		}
		if got := p.AuthPassphrase.String(); got != "[redacted]" {
			t.Errorf("a secret prints as %q", got)
		}
		in.AuthPassphrase = "short"
		in.Name = "v3-short"
		_, err = s.CreateSNMPProfile(ctx, in)
		wantErr(t, err, "validation", "auth_passphrase")
	})
}

// A write with several problems reports them all at once, reference checks
// included, so the operator fixes the input in one go.
func TestAllProblemsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		in := f.device("x", 0)
		in.UnitID, in.ProjectID, in.Kind = 9999, ptr(int64(9999)), "toaster"
		_, err := f.s.CreateDevice(f.ctx, in)
		for _, field := range []string{"position", "unit_id", "project_id", "kind"} {
			wantErr(t, err, "validation", field)
		}
	})
}
