package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"hostroll/collector"
	"hostroll/inventory"
	"hostroll/web"
)

// pollConfig is how the collector runs, from flags and HOSTROLL_POLL_*.
type pollConfig struct {
	Schedule      string // HOSTROLL_POLL_SCHEDULE: cron spec or @every
	Workers       int    // HOSTROLL_POLL_WORKERS
	Lease         time.Duration
	MaxVarbinds   int
	PruneSchedule string        // HOSTROLL_PRUNE_SCHEDULE
	Keep          int           // HOSTROLL_OBSERVATIONS_KEEP
	DeviceTimeout time.Duration // HOSTROLL_POLL_DEVICE_TIMEOUT
	MetricsAddr   string        // HOSTROLL_METRICS_ADDR: collect's own /metrics listener
	Metrics       *collector.Metrics
}

// pollFlags adds the collector's flags to fs, with defaults from the
// environment.
func pollFlags(fs *flag.FlagSet, pc *pollConfig, scheduled bool) {
	fs.IntVar(&pc.Workers, "workers", 64, "devices polled at once (env HOSTROLL_POLL_WORKERS)")
	fs.IntVar(&pc.MaxVarbinds, "max-varbinds", collector.DefaultMaxVarbinds,
		"most variables read from one table of one device (env HOSTROLL_POLL_MAX_VARBINDS)")
	fs.DurationVar(&pc.DeviceTimeout, "device-timeout", collector.DefaultDeviceTimeout,
		"bound on the whole poll of one device; the shortest --poll-lease grows with it (env HOSTROLL_POLL_DEVICE_TIMEOUT)")
	if !scheduled {
		return
	}
	fs.StringVar(&pc.Schedule, "poll-schedule", envOr("HOSTROLL_POLL_SCHEDULE", "@every 5m"),
		"when to poll due devices: cron spec or @every DURATION; \"off\" to not poll (env HOSTROLL_POLL_SCHEDULE)")
	fs.DurationVar(&pc.Lease, "poll-lease", 5*time.Minute,
		"how long a claimed device is this collector's; others poll it after a crash (env HOSTROLL_POLL_LEASE)")
	fs.StringVar(&pc.PruneSchedule, "prune-schedule", envOr("HOSTROLL_PRUNE_SCHEDULE", "@every 1h"),
		"when to prune old observations (env HOSTROLL_PRUNE_SCHEDULE)")
	fs.IntVar(&pc.Keep, "keep", 100, "observations kept per device (env HOSTROLL_OBSERVATIONS_KEEP)")
	fs.StringVar(&pc.MetricsAddr, "metrics-addr", envOr("HOSTROLL_METRICS_ADDR", ""),
		"collect and serve --collector-only: serve GET /metrics on this address, e.g. 127.0.0.1:9464 (default off; env HOSTROLL_METRICS_ADDR)")
}

func (pc pollConfig) validate() error {
	var errs []error
	if pc.Workers < 1 || pc.Workers > 10000 {
		errs = append(errs, fmt.Errorf("--workers (HOSTROLL_POLL_WORKERS) must be between 1 and 10000, not %d", pc.Workers))
	}
	if pc.DeviceTimeout == 0 { // a config built in code: the default
		pc.DeviceTimeout = collector.DefaultDeviceTimeout
	}
	if pc.DeviceTimeout < time.Second || pc.DeviceTimeout > time.Hour {
		errs = append(errs, fmt.Errorf("--device-timeout (HOSTROLL_POLL_DEVICE_TIMEOUT) must be between 1s and 1h, not %s", pc.DeviceTimeout))
	}
	if pc.MaxVarbinds < 1 {
		errs = append(errs, fmt.Errorf("--max-varbinds (HOSTROLL_POLL_MAX_VARBINDS) must be at least 1, not %d", pc.MaxVarbinds))
	}
	// The unreachable rule reads the newest polls of a device: pruning must
	// keep at least that many.
	if minKeep := inventory.DefaultRuleConfig().UnreachablePolls; pc.Schedule != "" && pc.Keep < minKeep {
		errs = append(errs, fmt.Errorf("--keep (HOSTROLL_OBSERVATIONS_KEEP) must be at least %d (the polls the unreachable rule reads), not %d", minKeep, pc.Keep))
	}
	// After its lease check a device's poll and the write of its result must
	// fit in what renewal leaves of the lease, or a healthy collector would
	// drop slow devices' results as stale and let another poll them again.
	shortLease := false
	if minLease := (collector.Config{Options: collector.Options{DeviceTimeout: pc.DeviceTimeout}}).MinLease(); pc.Schedule != "" && pc.Lease < minLease {
		shortLease = true
		errs = append(errs, fmt.Errorf("--poll-lease (HOSTROLL_POLL_LEASE) must be at least %s, not %s: "+
			"a device's poll (up to %s) and the database write of its result (up to %s), plus %s for clocks that differ between collectors, "+
			"must fit in the two thirds of a lease left between renewals (every lease/3)",
			minLease, pc.Lease, pc.DeviceTimeout, collector.DefaultWriteTimeout, collector.MaxClockSkew))
	}
	if pc.Schedule != "" && pc.Schedule != "off" {
		if _, _, err := schedule(pc.Schedule); err != nil {
			errs = append(errs, err)
		}
		if _, err := cron.ParseStandard(pc.PruneSchedule); pc.PruneSchedule != "" && err != nil {
			errs = append(errs, fmt.Errorf("prune schedule %q: %v", pc.PruneSchedule, err))
		}
	}
	err := errors.Join(errs...)
	if shortLease { // a lease that cannot be honoured is a usage error: exit 2
		return &exitError{code: 2, msg: err.Error()}
	}
	return err
}

// collectorConfig is the collector.Config for pc.
func (pc pollConfig) collectorConfig(log *slog.Logger, interval time.Duration) collector.Config {
	return collector.Config{Workers: pc.Workers, Interval: interval, Lease: pc.Lease, Logger: log,
		Options: collector.Options{MaxVarbinds: pc.MaxVarbinds, DeviceTimeout: pc.DeviceTimeout}, Metrics: pc.Metrics}
}

// schedule parses a cron spec and returns it with its interval (the time
// between its next two runs), which decides when a device is due.
func schedule(spec string) (cron.Schedule, time.Duration, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, 0, fmt.Errorf("poll schedule %q: %v (want a cron spec such as \"*/5 * * * *\" or \"@every 5m\")", spec, err)
	}
	next := s.Next(time.Now())
	return s, s.Next(next).Sub(next), nil
}

// startCollector schedules polling and pruning with cron; a run is skipped
// while the previous one still goes. stop waits for a running round and
// gives back the leases. With the schedule "off" it schedules nothing and
// returns a collector for on-demand polls only.
func startCollector(ctx context.Context, s *inventory.Store, pc pollConfig, log *slog.Logger) (*collector.Collector, func(), error) {
	if pc.Schedule == "off" {
		return collector.New(s, pc.collectorConfig(log, 5*time.Minute)), func() {}, nil
	}
	sched, interval, err := schedule(pc.Schedule)
	if err != nil {
		return nil, nil, err
	}
	prune, err := cron.ParseStandard(pc.PruneSchedule)
	if err != nil {
		return nil, nil, fmt.Errorf("prune schedule %q: %v", pc.PruneSchedule, err)
	}
	col := collector.New(s, pc.collectorConfig(log, interval))
	clog := cron.PrintfLogger(slog.NewLogLogger(log.Handler(), slog.LevelInfo))
	c := newCron(s.Zone(), clog)
	c.Schedule(sched, cron.FuncJob(func() {
		sum, err := col.RunDue(ctx, nil)
		switch {
		case errors.Is(err, inventory.ErrSecretKey):
			log.Error("poll round: polling nothing", "err", err)
			return
		case err != nil:
			log.Error("poll round", "err", err)
		}
		log.Info("poll round", "polled", sum.Polled, "ok", sum.OK, "failed", sum.Failed,
			"duration", sum.Duration.Round(time.Millisecond), "devices_per_s", fmt.Sprintf("%.1f", sum.PerSecond()))
	}))
	c.Schedule(prune, cron.FuncJob(func() {
		if err := col.Prune(ctx, pc.Keep); err != nil {
			log.Error("prune observations", "err", err)
		}
	}))
	c.Start()
	log.Info("collector scheduled", "schedule", pc.Schedule, "zone", s.Zone().String(), "interval", interval, "workers", pc.Workers,
		"prune", pc.PruneSchedule, "keep", pc.Keep)
	stop := func() {
		<-c.Stop().Done()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := col.Release(rctx); err != nil {
			log.Error("release leases", "err", err)
		}
	}
	return col, stop, nil
}

// cmdCollect runs only the collector, until interrupted: several can share
// a PostgreSQL database.
func cmdCollect(ctx context.Context, args []string, w streams, log *slog.Logger) error {
	var cfg Config
	var pc pollConfig
	fs := newFlags("collect", &cfg, w)
	pollFlags(fs, &pc, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pc.validate(); err != nil {
		return badValue(err)
	}
	return runCollectorOnly(ctx, cfg, pc, log)
}

// runCollectorOnly runs the SNMP collector alone until ctx ends: hostroll
// collect, and serve --collector-only.
func runCollectorOnly(ctx context.Context, cfg Config, pc pollConfig, log *slog.Logger) error {
	if pc.Schedule == "off" {
		return badValue(errors.New("a collector with --poll-schedule off would do nothing"))
	}
	allow, err := metricsAllow()
	if err != nil {
		return err
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	if pc.MetricsAddr != "" {
		reg := web.NewRegistry(buildVersion(), s.DB().DB)
		pc.Metrics = collector.NewMetrics(reg)
		stopMetrics, err := serveMetrics(ctx, pc.MetricsAddr, reg, allow, log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	_, stop, err := startCollector(ctx, s, pc, log)
	if err != nil {
		return err
	}
	<-ctx.Done()
	log.Info("collector stopping")
	stop()
	return nil
}

// cmdPoll polls once: one device, or every pollable device not leased by a
// running collector, with a progress line and a summary.
func cmdPoll(ctx context.Context, args []string, w streams, log *slog.Logger) error {
	var cfg Config
	var pc pollConfig
	fs := newFlags("poll", &cfg, w)
	pollFlags(fs, &pc, false)
	device := fs.Int64("device", 0, "poll only this device id")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pc.validate(); err != nil {
		return badValue(err)
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.CheckSecretKey(ctx); err != nil {
		return err // polls nothing: one line saying why
	}
	ccfg := pc.collectorConfig(log, time.Nanosecond) // every device is due
	ccfg.Lease = 10 * time.Minute
	col := collector.New(s, ccfg)
	if *device != 0 {
		o, err := col.PollDevice(ctx, *device)
		if err != nil {
			return err
		}
		printObservation(w.out, o)
		sum := collector.Summary{Polled: 1, Duration: time.Duration(o.DurationMS) * time.Millisecond}
		if o.Status() == "ok" {
			sum.OK = 1
		} else {
			sum.Failed = 1
		}
		fmt.Fprintln(w.out, sum)
		return failedPolls(sum)
	}
	targets, err := s.PollTargets(ctx)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	last := time.Time{}
	sum, err := col.RunDue(ctx, func(p collector.Summary) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) >= 200*time.Millisecond || p.Polled == len(targets) {
			last = time.Now()
			fmt.Fprintf(w.err, "\rpolled %d/%d: %d ok, %d failed", p.Polled, len(targets), p.OK, p.Failed)
		}
	})
	// Interrupted, it gives back the devices it claimed but did not poll.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if rerr := col.Release(rctx); rerr != nil {
		log.Error("release leases", "err", rerr)
	}
	if sum.Polled > 0 {
		fmt.Fprintln(w.err)
	}
	fmt.Fprintln(w.out, sum)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return err
	}
	return failedPolls(sum)
}

// failedPolls makes poll exit 4 when any device failed, so a script can
// tell a bad round from a broken command (1).
func failedPolls(sum collector.Summary) error {
	if sum.Failed == 0 {
		return nil
	}
	return &exitError{code: 4, msg: fmt.Sprintf("%d of %d devices failed to answer", sum.Failed, sum.Polled)}
}

// printObservation writes one poll's result for a person.
func printObservation(out io.Writer, o inventory.Observation) {
	fmt.Fprintf(out, "device %d: %s in %d ms\n", o.DeviceID, o.Status(), o.DurationMS)
	if o.Reachable {
		fmt.Fprintf(out, "  sys_name %q, serial %q, model %q, manufacturer %q\n", o.SysName, o.Serial, o.Model, o.Manufacturer)
		opt := func(p *int64) string {
			if p == nil {
				return "?"
			}
			return strconv.FormatInt(*p, 10)
		}
		cpus := "?"
		if o.CPUCount != nil {
			cpus = strconv.Itoa(*o.CPUCount)
		}
		fmt.Fprintf(out, "  memory %s MB, %s CPUs, storage %s GB, %d interfaces\n", opt(o.MemoryMB), cpus, opt(o.StorageGB), len(o.Interfaces))
	}
	if o.Error != "" {
		fmt.Fprintf(out, "  error: %s\n", o.Error)
	}
}
