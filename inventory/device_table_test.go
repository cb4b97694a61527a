package inventory_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestDeviceTableFilters: the poll_status and drift filters select in SQL
// exactly the devices whose PollInfo (computed in Go) says so.
func TestDeviceTableFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		mem := func(v int64) *int64 { return &v }
		cases := []struct {
			name string
			obs  []inventory.Observation // in order of poll time
		}{
			{"never", nil},
			{"ok-same", []inventory.Observation{{Reachable: true, Serial: " sn-x1 ", Model: "RH2288", MemoryMB: mem(128 * 1024)}}},
			{"ok-serial", []inventory.Observation{{Reachable: true, Serial: "OTHER"}}},
			{"ok-mem-reserve", []inventory.Observation{{Reachable: true, MemoryMB: mem(125 * 1024)}}},
			{"ok-mem-less", []inventory.Observation{{Reachable: true, MemoryMB: mem(64 * 1024)}}},
			{"ok-mem-more", []inventory.Observation{{Reachable: true, MemoryMB: mem(129 * 1024)}}},
			{"ok-cpu", []inventory.Observation{{Reachable: true, CPUCount: ptr(8)}}},
			{"error", []inventory.Observation{{Reachable: true, Error: "walk: timeout", Model: "X"}}},
			{"down-after-drift", []inventory.Observation{{Reachable: true, Serial: "OTHER"}, {Reachable: false}}},
		}
		for i, tc := range cases {
			in := f.device(tc.name, 1+i*2)
			in.Serial, in.Model, in.Manufacturer = fmt.Sprintf("SN-X%d", i), "RH2288", "Huawei"
			in.Specs.MemoryGB, in.Specs.CPUCores = ptr(128), ptr(16)
			d, err := s.CreateDevice(ctx, in)
			noErr(t, err)
			for j, o := range tc.obs {
				o.DeviceID, o.At = d.ID, time.Now().Add(time.Duration(j-10)*time.Minute)
				_, err := s.AddObservation(ctx, o)
				noErr(t, err)
			}
		}
		all, _, err := s.DeviceTable(ctx, inventory.DeviceQuery{ListParams: inventory.ListParams{Limit: 100}})
		noErr(t, err)
		if len(all) != len(cases) {
			t.Fatalf("%d rows", len(all))
		}
		for _, filter := range []struct{ key, val string }{
			{"poll_status", "ok"}, {"poll_status", "error"}, {"poll_status", "unreachable"}, {"poll_status", "never"},
			{"drift", "true"}, {"drift", "false"},
		} {
			var want []string
			for _, r := range all {
				if (filter.key == "poll_status" && r.PollStatus == filter.val) ||
					(filter.key == "drift" && (len(r.Drift) > 0) == (filter.val == "true")) {
					want = append(want, r.Name)
				}
			}
			rows, total, err := s.DeviceTable(ctx, inventory.DeviceQuery{ListParams: inventory.ListParams{Limit: 100,
				Filters: map[string]string{filter.key: filter.val, "rack_id": fmt.Sprint(f.rack.ID)}}})
			noErr(t, err)
			var got []string
			for _, r := range rows {
				got = append(got, r.Name)
			}
			if !slices.Equal(got, want) || total != len(want) {
				t.Errorf("%s=%s: %v (total %d), want %v", filter.key, filter.val, got, total, want)
			}
		}
		{
			want := []string{"error", "ok-cpu", "ok-mem-less", "ok-mem-more", "ok-serial"}
			rows, _, err := s.DeviceTable(ctx, inventory.DeviceQuery{ListParams: inventory.ListParams{Limit: 100,
				Filters: map[string]string{"drift": "true"}}, Sort: "name"})
			noErr(t, err)
			var got []string
			for _, r := range rows {
				got = append(got, r.Name)
			}
			if !slices.Equal(got, want) {
				t.Errorf("drift=true by name: %v, want %v", got, want)
			}
		}
		for _, bad := range []map[string]string{{"poll_status": "meh"}, {"drift": "yes"}, {"colour": "red"}} {
			_, _, err := s.DeviceTable(ctx, inventory.DeviceQuery{ListParams: inventory.ListParams{Filters: bad}})
			wantErr(t, err, "validation", "")
		}
		_, _, err = s.DeviceTable(ctx, inventory.DeviceQuery{Sort: "-password"})
		wantErr(t, err, "validation", "sort")
	})
}

// TestDeviceTableSortAndNames: every sort runs on both engines, names come
// with the rows, nulls last either way.
func TestDeviceTableSortAndNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		w := seedTwoUnits(t, db.Store)
		s := w.s
		for key := range inventory.DeviceSorts {
			for _, sort := range []string{key, "-" + key} {
				rows, total, err := s.DeviceTable(w.ctx, inventory.DeviceQuery{ListParams: inventory.ListParams{Limit: 2}, Sort: sort})
				noErr(t, err)
				if len(rows) != 2 || total < 3 {
					t.Errorf("sort %s: %d rows of %d", sort, len(rows), total)
				}
			}
		}
		rows, _, err := s.DeviceTable(w.ctx, inventory.DeviceQuery{ListParams: inventory.ListParams{Limit: 100}, Sort: "-unit"})
		noErr(t, err)
		for i := 1; i < len(rows); i++ {
			if rows[i-1].UnitName < rows[i].UnitName {
				t.Errorf("-unit: %q before %q", rows[i-1].UnitName, rows[i].UnitName)
			}
		}
		for _, r := range rows {
			if r.ID == w.devA.ID && (r.UnitName != "甲单位" || r.RackName != "A01" || r.RoomName != "Central") {
				t.Errorf("names of dev-a: %+v", r)
			}
		}
		mine, total, err := s.DeviceTable(w.staffA, inventory.DeviceQuery{ListParams: inventory.ListParams{Limit: 100}, Sort: "placement"})
		noErr(t, err)
		for _, r := range mine {
			if r.UnitID != w.a.ID {
				t.Errorf("unit A's staff list %+v", r)
			}
		}
		if total != len(mine) || total == 0 {
			t.Errorf("staff total %d, rows %d", total, len(mine))
		}
	})
}

// TestBulkDevices: one transaction, an audit row per device, the scope and
// the checks of a single update; a refusal changes nothing.
func TestBulkDevices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		w := seedTwoUnits(t, db.Store)
		s, ctx := w.s, w.ctx
		var mine []int64
		for i := range 5 {
			in := w.device(fmt.Sprintf("bulk-%d", i), 30+i)
			in.UnitID = w.a.ID
			d, err := s.CreateDevice(ctx, in)
			noErr(t, err)
			mine = append(mine, d.ID)
		}
		match := inventory.ListParams{Q: "bulk-", Filters: map[string]string{"unit_id": fmt.Sprint(w.a.ID)}}
		before := auditCount(t, s, "device")
		res, err := s.BulkDevices(ctx, inventory.BulkDeviceChange{Action: inventory.BulkStatus, Value: "active", All: true, Match: match})
		noErr(t, err)
		if res.Count != 5 || !slices.Equal(res.IDs, mine) {
			t.Errorf("result %+v, want the 5 devices", res)
		}
		if n := auditCount(t, s, "device") - before; n != 5 {
			t.Errorf("%d audit rows, want 5", n)
		}
		rows, _, err := s.DeviceTable(ctx, inventory.DeviceQuery{ListParams: inventory.ListParams{Limit: 100, Q: "bulk-",
			Filters: map[string]string{"status": "active"}}})
		noErr(t, err)
		if len(rows) != 5 {
			t.Errorf("%d active after the change, want 5", len(rows))
		}

		// A refusal in the middle (B's device for A's staff; a unit that does
		// not exist) leaves every device as it was, with no audit row.
		for _, tc := range []struct {
			name string
			ctx  context.Context
			ch   inventory.BulkDeviceChange
			kind string
		}{
			{"other unit's device", w.staffA, inventory.BulkDeviceChange{Action: inventory.BulkStatus, Value: "offline",
				IDs: []int64{mine[0], w.devB.ID}}, "not_found"},
			{"no such unit", ctx, inventory.BulkDeviceChange{Action: inventory.BulkUnit, Value: "999999", IDs: mine}, "validation"},
			{"bad status", ctx, inventory.BulkDeviceChange{Action: inventory.BulkStatus, Value: "lost", All: true, Match: match}, "validation"},
			{"bad action", ctx, inventory.BulkDeviceChange{Action: "paint", IDs: mine}, "validation"},
			{"nothing matches", ctx, inventory.BulkDeviceChange{Action: inventory.BulkDelete, All: true,
				Match: inventory.ListParams{Q: "no-such-device"}}, "validation"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n := auditCount(t, s, "device")
				_, err := s.BulkDevices(tc.ctx, tc.ch)
				wantErr(t, err, tc.kind, "")
				if auditCount(t, s, "device") != n {
					t.Error("a refused bulk change wrote audit rows")
				}
				d, err := s.Device(ctx, mine[0])
				noErr(t, err)
				if d.Status != "active" || d.UnitID != w.a.ID {
					t.Errorf("a refused bulk change changed %+v", d)
				}
			})
		}

		// Unit staff's "all matching" reaches only their unit's devices.
		res, err = s.BulkDevices(w.staffA, inventory.BulkDeviceChange{Action: inventory.BulkProject,
			Value: fmt.Sprint(w.projA.ID), All: true, Match: inventory.ListParams{}})
		noErr(t, err)
		b, err := s.Device(ctx, w.devB.ID)
		noErr(t, err)
		if b.ProjectID != nil || slices.Contains(res.IDs, w.devB.ID) {
			t.Error("unit A's staff changed B's device")
		}
		res, err = s.BulkDevices(ctx, inventory.BulkDeviceChange{Action: inventory.BulkDelete, IDs: mine})
		noErr(t, err)
		if _, err := s.Device(ctx, mine[2]); res.Count != 5 || err == nil {
			t.Errorf("delete: %+v, %v", res, err)
		}
	})
}

func TestPreferences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s := db.Store
		ctx := inventory.WithActor(context.Background(), "test")
		u, _, err := s.CreateUser(ctx, inventory.UserInput{Username: "pref", Role: inventory.RoleOperator, Password: goodPassword})
		noErr(t, err)
		me := inventory.WithCaller(context.Background(), inventory.Caller{Name: "pref", UserID: u.ID, Role: inventory.RoleOperator})
		if v, err := s.Preference(me, "devices.columns"); err != nil || v != "" {
			t.Fatalf("before: %q %v", v, err)
		}
		noErr(t, s.SetPreference(me, "devices.columns", "name,serial"))
		noErr(t, s.SetPreference(me, "devices.columns", "name,unit"))
		if v, _ := s.Preference(me, "devices.columns"); v != "name,unit" {
			t.Errorf("after: %q", v)
		}
		if v, _ := s.Preference(ctx, "devices.columns"); v != "" {
			t.Errorf("the command line has %q", v)
		}
		wantErr(t, s.SetPreference(ctx, "devices.columns", "x"), "validation", "user")
		_, n, err := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"entity": "user", "entity_id": fmt.Sprint(u.ID)}})
		noErr(t, err)
		if n < 3 { // created, and two changes
			t.Errorf("%d audit rows of the user", n)
		}
	})
}
