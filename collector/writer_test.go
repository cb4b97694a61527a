package collector_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"hostroll/collector"
	"hostroll/inventory/dbtest"
)

// TestUnflushedBatchIsDueAgain holds collector a with every result of its
// round polled but none committed, which is what a kill -9 before the
// batch's commit leaves in the database: no observation, no poll time, the
// devices leased to a. While the leases run no one polls them; once they end
// they are due and b polls each once. When a's batch is written after all
// (a stalled process rather than a dead one), the fencing inside the batch's
// transaction drops every result as stale.
func TestUnflushedBatchIsDueAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		_, ids := register(t, db.Store, simDevices(6))
		ctx := context.Background()
		clk := newClock()
		flushing, resume := make(chan struct{}, 1), make(chan struct{})
		acfg := clk.config("a")
		acfg.Workers, acfg.Batch, acfg.WriteBatch, acfg.WriteDelay = 2, 6, 100, time.Hour
		acfg.Pause = func(step collector.Step, _ int64) {
			switch step {
			case collector.StepFlush:
				flushing <- struct{}{}
				<-resume
			case collector.StepRenew:
				<-resume
			}
		}
		a := collector.New(db.Store, acfg)
		b := collector.New(openSecond(t, db), clk.config("b"))
		aDone := make(chan collector.Summary, 1)
		go func() {
			s, err := a.RunDue(ctx, nil)
			if err != nil {
				t.Error(err)
			}
			aDone <- s
		}()
		<-flushing // every device polled, nothing committed

		steps := []struct {
			name      string
			advance   time.Duration
			bPolls    int
			wantObs   int
			wantOwner string // lease holder of every device after the step
		}{
			{"a's leases run: nobody polls its devices", 0, 0, 0, "a"},
			{"a's leases ended: the devices are due, b polls each", acfg.Lease + time.Second, len(ids), 1, ""},
			{"polled within the interval: nothing is due", time.Minute, 0, 1, ""},
		}
		for _, s := range steps {
			clk.add(s.advance)
			sum, err := b.RunDue(ctx, nil)
			if err != nil || sum.Polled != s.bPolls {
				t.Fatalf("%s: b polled %d (%v), want %d", s.name, sum.Polled, err, s.bPolls)
			}
			_, holders := pollState(t, db.Store, ids)
			for _, id := range ids {
				if n := observationCount(t, db.Store, id); n != s.wantObs {
					t.Errorf("%s: device %d has %d observations, want %d", s.name, id, n, s.wantObs)
				}
				if holders[id] != s.wantOwner {
					t.Errorf("%s: device %d leased to %q, want %q", s.name, id, holders[id], s.wantOwner)
				}
			}
		}

		close(resume) // a's late batch: every result's lease was lost
		if sa := <-aDone; sa.Polled != 0 || sa.Stale != len(ids) {
			t.Errorf("a's late batch: %+v; want all %d dropped as stale", sa, len(ids))
		}
		for _, id := range ids {
			if n := observationCount(t, db.Store, id); n != 1 {
				t.Errorf("device %d has %d observations after a's late batch, want b's alone", id, n)
			}
		}
	})
}

// TestCancelledRoundFlushes cancels a round (as SIGTERM does) once every
// device is polled and before any batch is due: the results already polled
// are still written, in one batch, and the leases released.
func TestCancelledRoundFlushes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		_, ids := register(t, db.Store, simDevices(5))
		clk := newClock()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var polled, flushes atomic.Int64
		cfg := clk.config("a")
		cfg.Workers, cfg.Batch, cfg.WriteBatch, cfg.WriteDelay = 5, 5, 100, time.Hour
		cfg.Pause = func(step collector.Step, _ int64) {
			switch step {
			case collector.StepWrite:
				if polled.Add(1) == int64(len(ids)) {
					cancel()
				}
			case collector.StepFlush:
				flushes.Add(1)
			}
		}
		sum, err := collector.New(db.Store, cfg).RunDue(ctx, nil)
		if err != nil || sum.Polled != len(ids) || sum.OK != len(ids) {
			t.Fatalf("cancelled round: %+v, %v; want all %d polled and stored", sum, err, len(ids))
		}
		if n := flushes.Load(); n != 1 {
			t.Errorf("%d batches written, want 1", n)
		}
		last, holders := pollState(t, db.Store, ids)
		for _, id := range ids {
			if n := observationCount(t, db.Store, id); n != 1 || last[id].IsZero() || holders[id] != "" {
				t.Errorf("device %d: %d observations, last poll %s, lease %q; want its result stored and the lease released",
					id, n, last[id], holders[id])
			}
		}
	})
}
