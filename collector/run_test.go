package collector_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable time shared by collectors.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.set(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	return c
}
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }
func (c *clock) config(name string) collector.Config {
	return collector.Config{Name: name, Workers: 16, Batch: 25, Interval: 5 * time.Minute, Lease: time.Minute,
		Now: c.now, Logger: quietLog}
}

// register starts n simulated devices on one shared port and registers them
// with a v2c profile; it returns the simulator and the device ids by index.
func register(t *testing.T, s *inventory.Store, devs []*snmpsim.Device) (*snmpsim.Sim, []int64) {
	t.Helper()
	cfg := simConfig
	cfg.Port = freeUDPPort(t)
	sim, err := snmpsim.Start(cfg, devs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	ctx := context.Background()
	unit, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "SIM", Name: "模拟单位", Kind: "department"})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := s.CreateSNMPProfile(ctx, inventory.SNMPProfileInput{Name: "sim", Version: "2c",
		Community: inventory.Secret(simConfig.Community), Port: cfg.Port, TimeoutMS: 300, Retries: 0, MaxRepetitions: 25})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(devs))
	for i, d := range devs {
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID, in.Status = d.SysName, "server", unit.ID, "active"
		in.Manufacturer, in.Model, in.Serial = d.Manufacturer, d.Model, d.Serial
		in.MgmtIP, in.SNMPProfileID = sim.Addr(i), &prof.ID
		mem, cpus := int(d.MemoryKB/1024/1024), d.CPUs
		in.Specs.MemoryGB, in.Specs.CPUCores = &mem, &cpus
		dev, err := s.CreateDevice(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = dev.ID
	}
	return sim, ids
}

func simDevices(n int) []*snmpsim.Device {
	devs := make([]*snmpsim.Device, n)
	for i := range devs {
		devs[i] = simDevice(i)
	}
	return devs
}

func observationCount(t *testing.T, s *inventory.Store, id int64) int {
	t.Helper()
	_, n, err := s.Observations(context.Background(), id, inventory.ListParams{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRunDueAndDrift(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		devs := simDevices(10)
		devs[3].Faults.DropRate = 1
		_, ids := register(t, db.Store, devs)
		ctx := context.Background()
		// The register says otherwise for device 5: the serial and memory drift.
		_, err := db.Store.UpdateDevice(ctx, ids[5], func(in *inventory.DeviceInput) error {
			in.Serial, in.Specs.MemoryGB = "REGISTERED-5", new(int)
			*in.Specs.MemoryGB = 128
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		clk := newClock()
		c := collector.New(db.Store, clk.config("c1"))
		steps := []struct {
			name            string
			advance         time.Duration
			polled, ok, bad int
		}{
			{"first round polls all", 0, 10, 9, 1},
			{"nothing due a minute later", time.Minute, 0, 0, 0},
			{"due again after the interval", 4 * time.Minute, 10, 9, 1},
		}
		for _, st := range steps {
			clk.add(st.advance)
			var calls atomic.Int64
			sum, err := c.RunDue(ctx, func(collector.Summary) { calls.Add(1) })
			if err != nil {
				t.Fatal(err)
			}
			if sum.Polled != st.polled || sum.OK != st.ok || sum.Failed != st.bad || int(calls.Load()) != st.polled {
				t.Errorf("%s: %+v (progress %d), want polled %d ok %d failed %d", st.name, sum, calls.Load(), st.polled, st.ok, st.bad)
			}
		}
		for i, id := range ids {
			if n := observationCount(t, db.Store, id); n != 2 {
				t.Errorf("device %d has %d observations, want 2", i, n)
			}
		}
		d5, err := db.Store.Device(ctx, ids[5])
		if err != nil {
			t.Fatal(err)
		}
		want := []inventory.Drift{{Field: "serial", Registered: "REGISTERED-5", Observed: "SIM000005"},
			{Field: "memory_gb", Registered: 128, Observed: 64}}
		if d5.PollStatus != "ok" || fmt.Sprint(d5.Drift) != fmt.Sprint(want) {
			t.Errorf("device 5: status %s drift %+v, want %+v", d5.PollStatus, d5.Drift, want)
		}
		d3, err := db.Store.Device(ctx, ids[3])
		if err != nil {
			t.Fatal(err)
		}
		if d3.PollStatus != "unreachable" || d3.LastPolledAt == nil || !d3.LastPolledAt.Equal(clk.now()) {
			t.Errorf("device 3: status %s last polled %v", d3.PollStatus, d3.LastPolledAt)
		}
		// PollDevice polls at once, due or not.
		o, err := c.PollDevice(ctx, ids[0])
		if err != nil || !o.Reachable || o.Serial != "SIM000000" || o.ID == 0 {
			t.Errorf("PollDevice: %+v, %v", o, err)
		}
		if err := c.Prune(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if n := observationCount(t, db.Store, ids[0]); n != 1 {
			t.Errorf("after pruning to 1: %d", n)
		}
	})
}

// TestScaleOut runs two collectors on one PostgreSQL database over 500
// devices: each device is polled exactly once per round; when one collector
// stops mid-round, the other polls its devices once their leases end.
func TestScaleOut(t *testing.T) {
	db := dbtest.Postgres(t)
	ctx := context.Background()
	sim, ids := register(t, db.Store, simDevices(500))
	second, err := inventory.Open(ctx, db.URL) // another process's connection pool
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.SetSecretKey(db.Key) // the other process has the key file too
	clk := newClock()
	// a claims big batches for few workers, so that when it dies it holds
	// leases on devices it has not polled.
	acfg := clk.config("a")
	acfg.Workers, acfg.Batch = 4, 100
	a := collector.New(db.Store, acfg)
	b := collector.New(second, clk.config("b"))

	// Round 1: both at once.
	var wg sync.WaitGroup
	sums := make([]collector.Summary, 2)
	for i, c := range []*collector.Collector{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.RunDue(ctx, nil)
			if err != nil {
				t.Error(err)
			}
			sums[i] = s
		}()
	}
	wg.Wait()
	if sums[0].Polled+sums[1].Polled != 500 || sums[0].Polled == 0 || sums[1].Polled == 0 {
		t.Errorf("round 1: a polled %d, b %d; want 500 between them, both working", sums[0].Polled, sums[1].Polled)
	}
	for i, id := range ids {
		if n := observationCount(t, db.Store, id); n != 1 {
			t.Fatalf("round 1: device %d has %d observations, want 1", i, n)
		}
	}
	// The simulator counts a request when it reads it: on a loaded machine
	// (the race detector, other tests) it may still be reading the last
	// datagrams of the round, so give it a moment before calling one lost.
	for i := range ids {
		for wait := time.Now().Add(10 * time.Second); sim.Requests(i) == 0 && time.Now().Before(wait); {
			time.Sleep(10 * time.Millisecond)
		}
		if got := sim.Requests(i); got == 0 {
			t.Fatalf("device %d never asked", i)
		}
	}

	// Round 2: a dies after 40 polls, holding leases on the rest of its
	// batch of 100 (polls cut short by the kill are not recorded).
	clk.add(5 * time.Minute)
	actx, kill := context.WithCancel(ctx)
	sa, err := a.RunDue(actx, func(s collector.Summary) {
		if s.Polled >= 40 {
			kill()
		}
	})
	kill()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.RunDue(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Polled+sb.Polled >= 500 {
		t.Fatalf("a polled %d, b %d: a's leased devices were taken before the lease ended", sa.Polled, sb.Polled)
	}
	clk.add(time.Minute + time.Second) // a's leases end
	sb2, err := b.RunDue(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Polled+sb.Polled+sb2.Polled != 500 {
		t.Errorf("round 2: a %d + b %d + b after the leases %d, want 500", sa.Polled, sb.Polled, sb2.Polled)
	}
	for i, id := range ids {
		if n := observationCount(t, db.Store, id); n != 2 {
			t.Errorf("round 2: device %d has %d observations, want 2", i, n)
		}
	}
}

// TestRunDueSlowRound: a round that takes a good part of the interval (slow
// or unreachable devices) must not leave the devices it reached late undue in
// the next scheduled round, which would poll them only every other round.
func TestRunDueSlowRound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		_, ids := register(t, db.Store, simDevices(10))
		ctx := context.Background()
		clk := newClock()
		start := clk.now()
		cfg := clk.config("c1")
		// Each poll takes 20 s of the collector's clock, and its result is
		// written at once (a batch of one), as a slow round writes them.
		cfg.Workers, cfg.Batch, cfg.WriteBatch = 1, 1, 1
		cfg.Pause = func(step collector.Step, _ int64) {
			if step == collector.StepWrite {
				clk.add(20 * time.Second)
			}
		}
		c := collector.New(db.Store, cfg)
		for round := range 2 {
			clk.set(start.Add(time.Duration(round) * cfg.Interval))
			sum, err := c.RunDue(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Polled != len(ids) {
				t.Errorf("round %d (every %s, a round takes 3m20s): polled %d, want %d", round+1, cfg.Interval, sum.Polled, len(ids))
			}
		}
	})
}

// TestDefaultNamesDiffer: collectors left to name themselves must not share a
// name (containers on one host can share its host name and each run as pid
// 1), or one's Release would give back the leases of another still polling.
func TestDefaultNamesDiffer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		register(t, db.Store, simDevices(6))
		ctx := context.Background()
		cfg := collector.Config{Workers: 1, Batch: 6, WriteBatch: 1, Logger: quietLog}
		a := collector.New(db.Store, cfg)
		actx, stop := context.WithCancel(ctx)
		if _, err := a.RunDue(actx, func(collector.Summary) { stop() }); err != nil {
			t.Fatal(err)
		}
		stop()
		leased := func() int {
			var n int
			if err := db.Store.DB().Get(&n, `SELECT COUNT(*) FROM device_poll_state WHERE lease_holder IS NOT NULL`); err != nil {
				t.Fatal(err)
			}
			return n
		}
		held := leased()
		if held == 0 {
			t.Fatal("a holds no leases")
		}
		if err := collector.New(db.Store, cfg).Release(ctx); err != nil {
			t.Fatal(err)
		}
		if n := leased(); n != held {
			t.Errorf("another collector's Release gave back %d of a's %d leases", held-n, held)
		}
	})
}
