package inventory_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// lastPolledAt reads a device's poll bookkeeping (nil: never polled).
func (f *fixture) lastPolledAt(t *testing.T, id int64) *time.Time {
	t.Helper()
	var at *time.Time
	db := f.s.DB()
	noErr(t, db.GetContext(f.ctx, &at, db.Rebind(`SELECT last_polled_at FROM device_poll_state WHERE device_id = ?`), id))
	return at
}

// claimOne leases device devs[0] (the only due one) to holder at now.
func (f *fixture) claimOne(t *testing.T, holder string, now time.Time) inventory.PollTarget {
	t.Helper()
	ts, err := f.s.ClaimDue(f.ctx, inventory.Claim{Holder: holder, Now: now, DueBefore: now.Add(-5 * time.Minute),
		LeaseUntil: now.Add(time.Minute), Limit: 1})
	noErr(t, err)
	if len(ts) != 1 {
		t.Fatalf("%s claimed %d devices at %s, want 1", holder, len(ts), now)
	}
	return ts[0]
}

// TestLeaseFencing: every claim gives a device a greater token; a collector
// holds its lease only with its holder and token and before the lease ends;
// a result under a lease that was taken over is not written at all.
func TestLeaseFencing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		dev := f.pollable(t, 1)[0]
		noErr(t, f.s.EnsurePollState(f.ctx))
		t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)

		a := f.claimOne(t, "a", t0)
		la := inventory.Lease{DeviceID: dev.ID, Holder: "a", Token: a.LeaseToken}
		holds := []struct {
			name string
			l    inventory.Lease
			at   time.Time
			want bool
		}{
			{"holder and token, lease running", la, t0.Add(59 * time.Second), true},
			{"lease ended", la, t0.Add(time.Minute), false},
			{"another holder", inventory.Lease{DeviceID: dev.ID, Holder: "b", Token: la.Token}, t0, false},
			{"an older token", inventory.Lease{DeviceID: dev.ID, Holder: "a", Token: la.Token - 1}, t0, false},
		}
		for _, h := range holds {
			got, err := f.s.HoldsLease(f.ctx, h.l, h.at)
			noErr(t, err)
			if got != h.want {
				t.Errorf("%s: HoldsLease = %v, want %v", h.name, got, h.want)
			}
		}

		// a stalls past its lease; b claims the device, with a greater token.
		b := f.claimOne(t, "b", t0.Add(2*time.Minute))
		if b.LeaseToken <= a.LeaseToken {
			t.Fatalf("b's token %d is not greater than a's %d", b.LeaseToken, a.LeaseToken)
		}
		lb := inventory.Lease{DeviceID: dev.ID, Holder: "b", Token: b.LeaseToken}
		if ok, err := f.s.HoldsLease(f.ctx, la, t0.Add(2*time.Minute)); err != nil || ok {
			t.Errorf("a still holds the lease after b claimed it: %v, %v", ok, err)
		}
		// a renews: the lease is b's, so nothing is renewed.
		n, err := f.s.RenewLeases(f.ctx, "a", t0.Add(2*time.Minute), t0.Add(5*time.Minute))
		if err != nil || n != 0 {
			t.Errorf("a renewed %d leases (%v), want 0", n, err)
		}
		// b polls and writes first; a wakes up and writes its older result.
		stored, err := f.s.RecordPoll(f.ctx, inventory.Observation{DeviceID: dev.ID, At: t0.Add(2 * time.Minute),
			Reachable: true, Serial: "B"}, lb)
		noErr(t, err)
		if stored.Collector != "b" || stored.ID == 0 {
			t.Errorf("b's result stored as %+v", stored)
		}
		_, err = f.s.RecordPoll(f.ctx, inventory.Observation{DeviceID: dev.ID, At: t0.Add(time.Second),
			Reachable: false, Error: "ifXTable: context deadline exceeded"}, la)
		if !errors.Is(err, inventory.ErrLeaseLost) {
			t.Fatalf("a's stale result: err %v, want ErrLeaseLost", err)
		}
		// b's own lease was released with its write: a second write fails too.
		if _, err := f.s.RecordPoll(f.ctx, inventory.Observation{DeviceID: dev.ID, At: t0.Add(3 * time.Minute)}, lb); !errors.Is(err, inventory.ErrLeaseLost) {
			t.Errorf("a second write under a released lease: %v", err)
		}
		if n := observationTotal(t, f, dev.ID); n != 1 {
			t.Errorf("%d observations stored, want b's alone", n)
		}
		if at := f.lastPolledAt(t, dev.ID); at == nil || !at.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("last_polled_at %v, want b's poll %s", at, t0.Add(2*time.Minute))
		}
		got, err := f.s.Device(f.ctx, dev.ID)
		noErr(t, err)
		if got.PollStatus != "ok" {
			t.Errorf("device shows poll status %s, want b's ok", got.PollStatus)
		}
		// Later claims keep raising the token.
		c := f.claimOne(t, "c", t0.Add(10*time.Minute))
		if c.LeaseToken <= b.LeaseToken {
			t.Errorf("c's token %d is not greater than b's %d", c.LeaseToken, b.LeaseToken)
		}
		_, err = f.s.RecordPoll(f.ctx, inventory.Observation{DeviceID: dev.ID + 1}, inventory.Lease{DeviceID: dev.ID, Holder: "c", Token: c.LeaseToken})
		if err == nil {
			t.Error("an observation of another device under this device's lease was stored")
		}
	})
}

// TestRenewLeases: renewal extends the holder's running leases, and only
// those: not another collector's, not one that has ended.
func TestRenewLeases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		devs := f.pollable(t, 3)
		noErr(t, f.s.EnsurePollState(f.ctx))
		t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		claim := func(holder string, now time.Time, n int) []inventory.PollTarget {
			ts, err := f.s.ClaimDue(f.ctx, inventory.Claim{Holder: holder, Now: now, DueBefore: now,
				LeaseUntil: now.Add(time.Minute), Limit: n})
			noErr(t, err)
			return ts
		}
		a := claim("a", t0, 2)
		b := claim("b", t0, 1)
		if len(a) != 2 || len(b) != 1 {
			t.Fatalf("claims a=%d b=%d", len(a), len(b))
		}
		n, err := f.s.RenewLeases(f.ctx, "a", t0.Add(50*time.Second), t0.Add(110*time.Second))
		if err != nil || n != 2 {
			t.Fatalf("a renewed %d (%v), want 2", n, err)
		}
		for _, tg := range a {
			ok, err := f.s.HoldsLease(f.ctx, inventory.Lease{DeviceID: tg.DeviceID, Holder: "a", Token: tg.LeaseToken}, t0.Add(100*time.Second))
			if err != nil || !ok {
				t.Errorf("device %d: a's renewed lease does not hold at t0+100s (%v)", tg.DeviceID, err)
			}
		}
		if ok, _ := f.s.HoldsLease(f.ctx, inventory.Lease{DeviceID: b[0].DeviceID, Holder: "b", Token: b[0].LeaseToken}, t0.Add(100*time.Second)); ok {
			t.Error("a's renewal extended b's lease")
		}
		// b's lease ended at t0+1m: b cannot renew it back.
		if n, err := f.s.RenewLeases(f.ctx, "b", t0.Add(61*time.Second), t0.Add(2*time.Minute)); err != nil || n != 0 {
			t.Errorf("b renewed %d ended leases (%v), want 0", n, err)
		}
		if len(devs) != 3 {
			t.Fatal(devs)
		}
	})
}

// TestPollTimeForward: a result written late with an older poll time moves
// neither last_polled_at back nor becomes the device's latest observation,
// whether written under a lease or on demand.
func TestPollTimeForward(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		dev := f.pollable(t, 1)[0]
		noErr(t, f.s.EnsurePollState(f.ctx))
		t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		// The newer poll is written first, answering; then an older failure.
		_, err := f.s.AddObservation(f.ctx, inventory.Observation{DeviceID: dev.ID, At: t0, Reachable: true,
			Serial: dev.Serial, Model: dev.Model, Collector: "b"})
		noErr(t, err)
		_, err = f.s.AddObservation(f.ctx, inventory.Observation{DeviceID: dev.ID, At: t0.Add(-2 * time.Minute),
			Error: "late", Collector: "a"})
		noErr(t, err)
		tg := f.claimOne(t, "c", t0.Add(10*time.Minute))
		_, err = f.s.RecordPoll(f.ctx, inventory.Observation{DeviceID: dev.ID, At: t0.Add(-time.Minute), Error: "late too"},
			inventory.Lease{DeviceID: dev.ID, Holder: "c", Token: tg.LeaseToken})
		noErr(t, err)
		if at := f.lastPolledAt(t, dev.ID); at == nil || !at.Equal(t0) {
			t.Errorf("last_polled_at %v, want %s (it moved back)", at, t0)
		}
		latest, err := f.s.LatestObservation(f.ctx, dev.ID)
		noErr(t, err)
		if !latest.At.Equal(t0) || latest.Collector != "b" {
			t.Errorf("latest observation at %s by %q, want the poll at %s by b", latest.At, latest.Collector, t0)
		}
		got, err := f.s.Device(f.ctx, dev.ID)
		noErr(t, err)
		if got.PollStatus != "ok" || got.LastPolledAt == nil || !got.LastPolledAt.Equal(t0) {
			t.Errorf("device poll status %s at %v, want ok at %s", got.PollStatus, got.LastPolledAt, t0)
		}
		list, _, err := f.s.Devices(f.ctx, inventory.ListParams{Limit: 10, Filters: map[string]string{"unit_id": fmt.Sprint(f.unit.ID)}})
		noErr(t, err)
		if len(list) != 1 || list[0].PollStatus != "ok" {
			t.Errorf("device list: %+v", list)
		}
		items, _, err := f.s.Observations(f.ctx, dev.ID, inventory.ListParams{Limit: 10})
		noErr(t, err)
		var order []string
		for _, o := range items {
			order = append(order, o.At.Sub(t0).String()+"/"+o.Collector)
		}
		if want := "[0s/b -1m0s/c -2m0s/a]"; fmt.Sprint(order) != want {
			t.Errorf("observations listed %v, want latest poll first %s", order, want)
		}
		// Pruning keeps the latest poll, not the latest row.
		_, err = f.s.PruneObservations(f.ctx, 1)
		noErr(t, err)
		if latest, err := f.s.LatestObservation(f.ctx, dev.ID); err != nil || !latest.At.Equal(t0) {
			t.Errorf("after pruning to 1: %+v, %v", latest, err)
		}
	})
}

func observationTotal(t *testing.T, f *fixture, id int64) int {
	t.Helper()
	_, n, err := f.s.Observations(f.ctx, id, inventory.ListParams{Limit: 1})
	noErr(t, err)
	return n
}
