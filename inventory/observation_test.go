package inventory_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// pollable creates an SNMP profile and n devices that can be polled.
func (f *fixture) pollable(t *testing.T, n int) []inventory.Device {
	t.Helper()
	prof, err := f.s.CreateSNMPProfile(f.ctx, inventory.SNMPProfileInput{Name: fmt.Sprintf("p%d", fixtureSeq.Add(1)),
		Version: "2c", Community: "public", Port: 161, TimeoutMS: 1000, Retries: 0, MaxRepetitions: 25})
	noErr(t, err)
	out := make([]inventory.Device, n)
	for i := range out {
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID = fmt.Sprintf("srv%d", i), "server", f.unit.ID
		in.Manufacturer, in.Model, in.Serial = "Inspur", "NF5280M6", fmt.Sprintf("SN%05d", i)
		in.MgmtIP, in.SNMPProfileID = fmt.Sprintf("127.0.%d.%d", i/250, i%250+1), &prof.ID
		in.Specs.MemoryGB, in.Specs.CPUCores = ptr(64), ptr(16)
		out[i], err = f.s.CreateDevice(f.ctx, in)
		noErr(t, err)
	}
	return out
}

func TestObservationsStoreAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		devs := f.pollable(t, 2)
		audits := auditCount(t, f.s, "device")
		at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		for i := 0; i < 5; i++ {
			_, err := f.s.AddObservation(f.ctx, inventory.Observation{DeviceID: devs[0].ID, At: at.Add(time.Duration(i) * time.Minute),
				Reachable: i != 2, SysName: fmt.Sprintf("n%d", i), Serial: "bad\x00\xffserial",
				Interfaces: inventory.Interfaces{{Name: "eth0", Type: 6, SpeedMbps: 1000, OperStatus: "up", MAC: "00:11:22:33:44:55"}}})
			noErr(t, err)
		}
		items, total, err := f.s.Observations(f.ctx, devs[0].ID, inventory.ListParams{Limit: 2, Offset: 1})
		noErr(t, err)
		if total != 5 || len(items) != 2 || items[0].SysName != "n3" || items[1].SysName != "n2" {
			t.Fatalf("page = %d items of %d: %+v", len(items), total, items)
		}
		if items[0].Serial != "bad\uFFFD\uFFFDserial" || !items[0].At.Equal(at.Add(3*time.Minute)) {
			t.Errorf("stored serial %q at %v", items[0].Serial, items[0].At)
		}
		want := inventory.Interfaces{{Name: "eth0", Type: 6, SpeedMbps: 1000, OperStatus: "up", MAC: "00:11:22:33:44:55"}}
		if !reflect.DeepEqual(items[0].Interfaces, want) {
			t.Errorf("interfaces %+v", items[0].Interfaces)
		}
		_, total, err = f.s.Observations(f.ctx, devs[0].ID, inventory.ListParams{Filters: map[string]string{"reachable": "false"}})
		noErr(t, err)
		if total != 1 {
			t.Errorf("reachable=false total %d, want 1", total)
		}
		_, total, err = f.s.Observations(f.ctx, devs[1].ID, inventory.ListParams{})
		noErr(t, err)
		if total != 0 {
			t.Errorf("other device has %d observations", total)
		}
		_, _, err = f.s.Observations(f.ctx, 99999, inventory.ListParams{})
		wantErr(t, err, "not_found", "")
		_, _, err = f.s.Observations(f.ctx, devs[0].ID, inventory.ListParams{Filters: map[string]string{"device_id": "1"}})
		wantErr(t, err, "validation", "device_id")
		_, err = f.s.LatestObservation(f.ctx, devs[1].ID)
		wantErr(t, err, "not_found", "")
		if got := auditCount(t, f.s, "device"); got != audits {
			t.Errorf("observations wrote audit rows: %d, want %d", got, audits)
		}
	})
}

func TestDevicePollInfoAndDrift(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		dev := f.pollable(t, 1)[0]
		if dev.PollStatus != "never" || dev.LastPolledAt != nil || len(dev.Drift) != 0 {
			t.Fatalf("new device poll info %+v", dev.PollInfo)
		}
		at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		tests := []struct {
			name   string
			obs    inventory.Observation
			status string
			drift  []inventory.Drift
		}{
			{"matches", inventory.Observation{Reachable: true, Serial: "sn00000", Model: "NF5280M6", Manufacturer: "Inspur",
				MemoryMB: ptr(int64(65536 - 300)), CPUCount: ptr(16)}, "ok", []inventory.Drift{}},
			{"drifts", inventory.Observation{Reachable: true, Serial: "OTHER", Model: "NF5280M6", Manufacturer: "Huawei",
				MemoryMB: ptr(int64(32768)), CPUCount: ptr(8)}, "ok", []inventory.Drift{
				{Field: "serial", Registered: "SN00000", Observed: "OTHER"},
				{Field: "manufacturer", Registered: "Inspur", Observed: "Huawei"},
				{Field: "memory_gb", Registered: 64, Observed: 32},
				{Field: "cpu_cores", Registered: 16, Observed: 8}}},
			{"partial", inventory.Observation{Reachable: true, Error: "hrStorageTable: genErr", Serial: "SN00000"}, "error", []inventory.Drift{}},
			{"unreachable", inventory.Observation{Reachable: false, Error: "timeout"}, "unreachable", []inventory.Drift{}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.obs.DeviceID, tt.obs.At = dev.ID, at.Add(time.Duration(i)*time.Hour)
				_, err := f.s.AddObservation(f.ctx, tt.obs)
				noErr(t, err)
				got, err := f.s.Device(f.ctx, dev.ID)
				noErr(t, err)
				if got.PollStatus != tt.status || got.LastPolledAt == nil || !got.LastPolledAt.Equal(tt.obs.At) {
					t.Errorf("status %q at %v, want %q at %v", got.PollStatus, got.LastPolledAt, tt.status, tt.obs.At)
				}
				if !reflect.DeepEqual(got.Drift, tt.drift) {
					t.Errorf("drift %+v, want %+v", got.Drift, tt.drift)
				}
				list, _, err := f.s.Devices(f.ctx, inventory.ListParams{})
				noErr(t, err)
				if len(list) != 1 || !reflect.DeepEqual(list[0].PollInfo, got.PollInfo) {
					t.Errorf("list poll info %+v, want %+v", list[0].PollInfo, got.PollInfo)
				}
			})
		}
	})
}

func TestPruneObservations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		devs := f.pollable(t, 3)
		at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		for d, dev := range devs {
			for i := 0; i < 2+d*3; i++ { // 2, 5, 8 observations
				_, err := f.s.AddObservation(f.ctx, inventory.Observation{DeviceID: dev.ID, At: at, Reachable: true, SysName: fmt.Sprint(i)})
				noErr(t, err)
			}
		}
		n, err := f.s.PruneObservations(f.ctx, 4)
		noErr(t, err)
		if n != 1+4 {
			t.Errorf("pruned %d, want 5", n)
		}
		for d, want := range []int{2, 4, 4} {
			items, total, err := f.s.Observations(f.ctx, devs[d].ID, inventory.ListParams{})
			noErr(t, err)
			if total != want {
				t.Errorf("device %d keeps %d, want %d", d, total, want)
			}
			if d == 2 && items[0].SysName != "7" || d == 2 && items[3].SysName != "4" {
				t.Errorf("kept the wrong ones: %s..%s", items[0].SysName, items[3].SysName)
			}
		}
		_, err = f.s.PruneObservations(f.ctx, 0)
		wantErr(t, err, "validation", "keep")
	})
}

func TestClaimDue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		devs := f.pollable(t, 6)
		// Not pollable: no address; decommissioned.
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID = "bare", "server", f.unit.ID
		_, err := f.s.CreateDevice(f.ctx, in)
		noErr(t, err)
		_, err = f.s.UpdateDevice(f.ctx, devs[5].ID, func(in *inventory.DeviceInput) error { in.Status = "decommissioned"; return nil })
		noErr(t, err)
		noErr(t, f.s.EnsurePollState(f.ctx))
		noErr(t, f.s.EnsurePollState(f.ctx)) // idempotent

		t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		// devs[0] was polled just now: not due within a 5 minute interval.
		_, err = f.s.AddObservation(f.ctx, inventory.Observation{DeviceID: devs[0].ID, At: t0.Add(-time.Minute), Reachable: true})
		noErr(t, err)
		claim := func(holder string, now time.Time, limit int) []int64 {
			ts, err := f.s.ClaimDue(f.ctx, inventory.Claim{Holder: holder, Now: now, DueBefore: now.Add(-5 * time.Minute),
				LeaseUntil: now.Add(time.Minute), Limit: limit})
			noErr(t, err)
			var ids []int64
			for _, tg := range ts {
				if tg.Profile.Community.Reveal() != "public" || tg.MgmtIP == "" {
					t.Errorf("target %+v lacks its address or community", tg)
				}
				ids = append(ids, tg.DeviceID)
			}
			return ids
		}
		a := claim("a", t0, 2)
		b := claim("b", t0, 10)
		if !reflect.DeepEqual(a, []int64{devs[1].ID, devs[2].ID}) || !reflect.DeepEqual(b, []int64{devs[3].ID, devs[4].ID}) {
			t.Fatalf("claims a=%v b=%v", a, b)
		}
		if c := claim("c", t0.Add(30*time.Second), 10); len(c) != 0 {
			t.Errorf("leased devices claimed again: %v", c)
		}
		// a polls its devices; b dies. After b's lease ends, c gets b's devices.
		for _, id := range a {
			_, err := f.s.AddObservation(f.ctx, inventory.Observation{DeviceID: id, At: t0.Add(10 * time.Second), Reachable: true})
			noErr(t, err)
		}
		if c := claim("c", t0.Add(2*time.Minute), 10); !reflect.DeepEqual(c, b) {
			t.Errorf("after the lease ended c claimed %v, want %v", c, b)
		}
		noErr(t, f.s.ReleaseLeases(f.ctx, "c"))
		// Five minutes on, all but the two polled at t0+10s are due again.
		if d := claim("d", t0.Add(5*time.Minute+5*time.Second), 10); len(d) != 3 {
			t.Errorf("claimed %v five minutes later, want devs 0, 3, 4", d)
		}
		_, err = f.s.ClaimDue(f.ctx, inventory.Claim{Holder: "x", Limit: 0})
		wantErr(t, err, "validation", "limit")
	})
}

// TestClaimDueConcurrent races collectors for the same due devices: every
// device goes to exactly one of them.
func TestClaimDueConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		devs := f.pollable(t, 60)
		noErr(t, f.s.EnsurePollState(f.ctx))
		now := time.Now()
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(holder string) {
				defer wg.Done()
				for {
					ts, err := f.s.ClaimDue(context.Background(), inventory.Claim{Holder: holder, Now: now,
						DueBefore: now, LeaseUntil: now.Add(time.Hour), Limit: 7})
					if err != nil {
						t.Error(err)
						return
					}
					if len(ts) == 0 {
						return
					}
					mu.Lock()
					for _, tg := range ts {
						if other, dup := seen[tg.DeviceID]; dup {
							t.Errorf("device %d claimed by %s and %s", tg.DeviceID, other, holder)
						}
						seen[tg.DeviceID] = holder
					}
					mu.Unlock()
				}
			}(fmt.Sprint("w", w))
		}
		wg.Wait()
		if len(seen) != len(devs) {
			t.Errorf("claimed %d devices, want %d", len(seen), len(devs))
		}
	})
}
