package inventory_test

import (
	"context"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestRecordPolls writes one batch in which each result stands in another
// relation to its lease: held ones are stored with their ids, released and
// their poll time moved; a result whose device another collector claimed
// since, one under an older token, and one whose lease was already written
// are not stored and change nothing. A batch that fails writes nothing.
func TestRecordPolls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		f.pollable(t, 5)
		noErr(t, f.s.EnsurePollState(f.ctx))
		t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		a, err := f.s.ClaimDue(f.ctx, inventory.Claim{Holder: "a", Now: t0, DueBefore: t0, LeaseUntil: t0.Add(time.Minute), Limit: 5})
		noErr(t, err)
		if len(a) != 5 {
			t.Fatalf("a claimed %d devices, want 5", len(a))
		}
		held := func(i int) inventory.Lease {
			return inventory.Lease{DeviceID: a[i].DeviceID, Holder: "a", Token: a[i].LeaseToken}
		}
		// a's leases end; b claims one device (the lowest id: a[0]).
		t1 := t0.Add(2 * time.Minute)
		b, err := f.s.ClaimDue(f.ctx, inventory.Claim{Holder: "b", Now: t1, DueBefore: t1, LeaseUntil: t1.Add(time.Minute), Limit: 1})
		noErr(t, err)
		if len(b) != 1 || b[0].DeviceID != a[0].DeviceID {
			t.Fatalf("b claimed %+v, want device %d", b, a[0].DeviceID)
		}
		// a[4]'s result was written on its own already.
		early := t0.Add(10 * time.Second)
		_, err = f.s.RecordPoll(f.ctx, inventory.Observation{DeviceID: a[4].DeviceID, At: early, Reachable: true}, held(4))
		noErr(t, err)

		at := t0.Add(30 * time.Second)
		older := held(1)
		older.Token--
		cases := []struct {
			name   string
			lease  inventory.Lease
			stored bool
			last   *time.Time // last_polled_at after the batch
			obs    int        // observations of the device after the batch
		}{
			{"claimed by b since", held(0), false, nil, 0},
			{"older token", older, false, nil, 0},
			{"held", held(2), true, &at, 1},
			{"held too", held(3), true, &at, 1},
			{"written already", held(4), false, &early, 1},
		}
		batch := make([]inventory.PollResult, len(cases))
		for i, c := range cases {
			batch[i] = inventory.PollResult{Lease: c.lease,
				Observation: inventory.Observation{DeviceID: c.lease.DeviceID, At: at, Reachable: true, Serial: c.name}}
		}
		noErr(t, f.s.RecordPolls(f.ctx, batch))
		for i, c := range cases {
			r := batch[i]
			if r.Stored != c.stored || (r.Observation.ID != 0) != c.stored {
				t.Errorf("%s: stored %v with id %d, want stored %v", c.name, r.Stored, r.Observation.ID, c.stored)
			}
			if r.Stored && r.Observation.Collector != "a" {
				t.Errorf("%s: collector %q, want a", c.name, r.Observation.Collector)
			}
			last := f.lastPolledAt(t, c.lease.DeviceID)
			if (last == nil) != (c.last == nil) || last != nil && !last.Equal(*c.last) {
				t.Errorf("%s: last_polled_at %v, want %v", c.name, last, c.last)
			}
			if n := observationTotal(t, f, c.lease.DeviceID); n != c.obs {
				t.Errorf("%s: %d observations, want %d", c.name, n, c.obs)
			}
		}

		// A batch that fails (here: its context ended) writes nothing.
		ctx, cancel := context.WithCancel(f.ctx)
		cancel()
		lb := inventory.Lease{DeviceID: b[0].DeviceID, Holder: "b", Token: b[0].LeaseToken}
		failed := []inventory.PollResult{{Lease: lb, Observation: inventory.Observation{DeviceID: lb.DeviceID, At: t1}}}
		if err := f.s.RecordPolls(ctx, failed); err == nil || failed[0].Stored {
			t.Errorf("a batch in an ended context: err %v, stored %v", err, failed[0].Stored)
		}
		if n := observationTotal(t, f, lb.DeviceID); n != 0 {
			t.Errorf("the failed batch wrote %d observations", n)
		}
		// And a mismatched result is refused before anything is written.
		wrong := []inventory.PollResult{{Lease: lb, Observation: inventory.Observation{DeviceID: a[1].DeviceID, At: t1}}}
		if err := f.s.RecordPolls(f.ctx, wrong); err == nil {
			t.Error("an observation of another device under this device's lease was accepted")
		}
	})
}
