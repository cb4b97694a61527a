package collector_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"hostroll/collector"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// openSecond opens another connection pool on db, as another collector
// process would have.
func openSecond(t *testing.T, db dbtest.DB) *inventory.Store {
	t.Helper()
	s, err := inventory.Open(context.Background(), db.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetSecretKey(db.Key) // the other process has the key file too
	return s
}

// pollState reads every device's last poll time and lease holder.
func pollState(t *testing.T, s *inventory.Store, ids []int64) (last map[int64]time.Time, holder map[int64]string) {
	t.Helper()
	last, holder = map[int64]time.Time{}, map[int64]string{}
	for _, id := range ids {
		var row struct {
			Last   *time.Time `db:"last_polled_at"`
			Holder *string    `db:"lease_holder"`
		}
		err := s.DB().Get(&row, s.DB().Rebind(`SELECT last_polled_at, lease_holder FROM device_poll_state WHERE device_id = ?`), id)
		if err != nil {
			t.Fatal(err)
		}
		if row.Last != nil {
			last[id] = row.Last.UTC()
		}
		if row.Holder != nil {
			holder[id] = *row.Holder
		}
	}
	return last, holder
}

// TestStalledCollectorIsFenced holds collector a (as a VM pause or a long GC
// would) with two polls in flight and six devices claimed but not started,
// past its lease, while b takes the devices over. Once a resumes it polls
// nothing more and writes nothing; last_polled_at never moves back; each
// device is polled once in the round; a counts the leases it lost.
func TestStalledCollectorIsFenced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		sim, ids := register(t, db.Store, simDevices(8))
		ctx := context.Background()
		clk := newClock()
		inFlight := make(chan int64, 8)
		resume := make(chan struct{})
		acfg := clk.config("a")
		acfg.Workers, acfg.Batch = 2, 8
		// The stall: each worker blocks with its first result in hand, and so
		// does renewal, until resume is closed.
		acfg.Pause = func(step collector.Step, id int64) {
			switch step {
			case collector.StepWrite:
				inFlight <- id
				<-resume
			case collector.StepRenew:
				<-resume
			}
		}
		a := collector.New(db.Store, acfg)
		b := collector.New(openSecond(t, db), clk.config("b"))

		type result struct {
			sum collector.Summary
			err error
		}
		aDone := make(chan result, 1)
		go func() {
			s, err := a.RunDue(ctx, nil)
			aDone <- result{s, err}
		}()
		held := map[int64]bool{<-inFlight: true, <-inFlight: true}
		_, holders := pollState(t, db.Store, ids)
		for _, id := range ids {
			if holders[id] != "a" {
				t.Fatalf("device %d is leased to %q while a is held, want a (a claims all 8)", id, holders[id])
			}
		}

		// a's leases end; b polls every device.
		clk.add(acfg.Lease + time.Second)
		sb, err := b.RunDue(ctx, nil)
		if err != nil || sb.Polled != len(ids) || sb.Lost+sb.Stale != 0 {
			t.Fatalf("b: %+v, %v; want all %d polled", sb, err, len(ids))
		}
		lastB, _ := pollState(t, db.Store, ids)
		requests := make([]int64, len(ids))
		for i := range ids {
			requests[i] = sim.Requests(i)
		}

		// a resumes: two stale results dropped, six devices skipped.
		close(resume)
		ra := <-aDone
		if ra.err != nil {
			t.Fatal(ra.err)
		}
		if sa := ra.sum; sa.Polled != 0 || sa.Stale != len(held) || sa.Lost != len(ids)-len(held) {
			t.Errorf("a after the stall: %+v; want 0 stored, %d stale, %d lost", sa, len(held), len(ids)-len(held))
		}
		for i := range ids {
			if got := sim.Requests(i); got != requests[i] {
				t.Errorf("device %d: a sent %d requests after it resumed; it must poll nothing more", i, got-requests[i])
			}
		}
		lastAfter, holders := pollState(t, db.Store, ids)
		for _, id := range ids {
			if !lastAfter[id].Equal(lastB[id]) || lastAfter[id].IsZero() {
				t.Errorf("device %d: last_polled_at %s after a resumed, b polled it at %s", id, lastAfter[id], lastB[id])
			}
			if h := holders[id]; h != "" {
				t.Errorf("device %d still leased to %q", id, h)
			}
			obs, n, err := db.Store.Observations(ctx, id, inventory.ListParams{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 || obs[0].Collector != "b" {
				t.Errorf("device %d (in flight at a: %v): %d observations %+v; want b's alone", id, held[id], n, obs)
			}
		}
		// Nothing moved back, so nothing is due again in this round.
		if again, err := b.RunDue(ctx, nil); err != nil || again.Polled != 0 {
			t.Errorf("b's next round within the interval polled %d (%v); a moved poll times back", again.Polled, err)
		}
	})
}

// TestLeaseRenewal holds a collector's only worker before its first device
// for longer than the lease: renewal (every lease/3) keeps the devices queued
// behind it, so another collector takes none of them, and the held collector
// polls them all once it resumes.
func TestLeaseRenewal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		_, ids := register(t, db.Store, simDevices(4))
		ctx := context.Background()
		const lease = 3 * time.Second
		held := make(chan struct{})
		resume := make(chan struct{})
		renewals := make(chan struct{}, 100)
		var once sync.Once
		cfg := collector.Config{Name: "a", Workers: 1, Batch: len(ids), Lease: lease, Logger: quietLog,
			Pause: func(step collector.Step, _ int64) {
				switch step {
				case collector.StepCheck:
					once.Do(func() { close(held); <-resume })
				case collector.StepRenew:
					renewals <- struct{}{}
				}
			}}
		a := collector.New(db.Store, cfg)
		b := collector.New(openSecond(t, db), collector.Config{Name: "b", Workers: 2, Lease: lease, Logger: quietLog})
		var sa collector.Summary
		var aErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			sa, aErr = a.RunDue(ctx, nil)
		}()
		<-held
		// Past the lease: four renewals take at least 4/3 leases.
		for range 5 {
			<-renewals
		}
		sb, err := b.RunDue(ctx, nil)
		if err != nil || sb.Polled != 0 {
			t.Errorf("b polled %d of a's devices (%v) while a renewed its leases", sb.Polled, err)
		}
		close(resume)
		<-done
		if aErr != nil || sa.Polled != len(ids) || sa.Lost+sa.Stale != 0 {
			t.Errorf("a after the hold: %+v, %v; want all %d polled, no lease lost", sa, aErr, len(ids))
		}
	})
}
