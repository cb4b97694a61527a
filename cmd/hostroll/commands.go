package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"hostroll/collector"
	"hostroll/demo"
	"hostroll/inventory"
	"hostroll/migrations"
	"hostroll/web"

	"github.com/gofiber/fiber/v2"
)

// Config is everything a command reads from flags and the environment.
type Config struct {
	DB   string // database URL
	Addr string // listen address of serve
	Demo bool   // serve: load the demo data set into an empty database
	// GraceDays is how long after a trial run acceptance may be requested
	// (Art. 13, 16).
	GraceDays int
	// Rules are the thresholds of the policy rules (GraceDays among them).
	Rules inventory.RuleConfig

	CheckSchedule string // serve: cron spec of the policy checks, or "off"
}

// streams is where a command writes: results to out, usage and logs to err,
// in lang (cliLang).
type streams struct {
	out, err io.Writer
	lang     string
}

func newFlags(name string, cfg *Config, w streams) *flag.FlagSet {
	fs := flag.NewFlagSet("hostroll "+name, flag.ContinueOnError)
	fs.SetOutput(w.err)
	fs.StringVar(&cfg.DB, "db", envOr("HOSTROLL_DB", inventory.DefaultURL),
		"database URL: postgres://user:pass@host:5432/db?sslmode=disable or sqlite://FILE (env HOSTROLL_DB)")
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := envDefaults(fs); err != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), err)
		return errUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}

// flagEnv names the environment variable of each typed flag that has one;
// string flags take theirs through envOr.
var flagEnv = map[string]string{
	"workers":        "HOSTROLL_POLL_WORKERS",
	"max-varbinds":   "HOSTROLL_POLL_MAX_VARBINDS",
	"poll-lease":     "HOSTROLL_POLL_LEASE",
	"device-timeout": "HOSTROLL_POLL_DEVICE_TIMEOUT",
	"keep":           "HOSTROLL_OBSERVATIONS_KEEP",
}

// envDefaults sets the flags of fs that have an environment variable from
// it, before the command line (which wins) is parsed. A value the flag
// cannot take is an error, not silently the default.
func envDefaults(fs *flag.FlagSet) error {
	for name, key := range flagEnv {
		v := os.Getenv(key)
		if v == "" || fs.Lookup(name) == nil {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return fmt.Errorf("%s=%q is not a valid value for --%s (%v)", key, v, name, err)
		}
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// noteKeyFile tells the person at the terminal that a key file was made.
func noteKeyFile(w streams) func(file, fingerprint string) {
	return func(file, fp string) {
		fmt.Fprintf(w.err, "created the secret key file %s (key %s): back it up apart from the database; without it the SNMP secrets cannot be opened\n", file, fp)
	}
}

// openStoreNoting opens and migrates the database, with its secret key
// (loadKey), creating it if need be: only serve, migrate and demo do that,
// every other command uses openExisting. note hears of a new key file.
func openStoreNoting(ctx context.Context, url string, note func(keyFile, fingerprint string)) (*inventory.Store, []int, error) {
	zone, err := businessZone()
	if err != nil {
		return nil, nil, err
	}
	key, keyFile, created, err := loadKey(url)
	if err != nil {
		return nil, nil, err
	}
	if created && note != nil {
		note(keyFile, inventory.KeyFingerprint(key))
	}
	s, err := inventory.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	s.SetSecretKey(key)
	s.SetZone(zone)
	return migrateStore(ctx, s, url)
}

// businessZone reads HOSTROLL_TZ (default Asia/Shanghai): the store's
// business days and the cron schedules both run on it; a bad name exits 2.
func businessZone() (*time.Location, error) {
	zone, err := inventory.LoadZone(os.Getenv("HOSTROLL_TZ"))
	if err != nil {
		return nil, badValue(fmt.Errorf("HOSTROLL_TZ: %w", err))
	}
	return zone, nil
}

// openExisting opens a database that hostroll has already created and
// brings its schema up to date; a missing SQLite file or a database without
// the schema is an error that says what to run, instead of an empty
// database that would answer "nothing found".
func openExisting(ctx context.Context, url string) (*inventory.Store, error) {
	t, err := inventory.ParseURL(url)
	if err != nil {
		return nil, err
	}
	zone, err := businessZone()
	if err != nil {
		return nil, err
	}
	if file := t.File; file != "" && file != ":memory:" {
		if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("database %s does not exist; create it with: hostroll migrate --db %s",
				inventory.Redact(url), inventory.Redact(url))
		}
	}
	key, _, _, err := loadKey(url)
	if err != nil {
		return nil, err
	}
	s, err := inventory.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	s.SetZone(zone)
	s.SetSecretKey(key)
	if v, err := migrations.Current(ctx, s.DB()); err != nil || v == 0 {
		s.Close()
		return nil, fmt.Errorf("database %s has no hostroll schema; set it up with: hostroll migrate --db %s",
			inventory.Redact(url), inventory.Redact(url))
	}
	s, _, err = migrateStore(ctx, s, url)
	return s, err
}

func migrateStore(ctx context.Context, s *inventory.Store, url string) (*inventory.Store, []int, error) {
	applied, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, nil, fmt.Errorf("migrate %s: %w", inventory.Redact(url), err)
	}
	return s, applied, nil
}

func cmdMigrate(ctx context.Context, args []string, w streams) error {
	out := w.out
	var cfg Config
	if err := parse(newFlags("migrate", &cfg, w), args); err != nil {
		return err
	}
	s, applied, err := openStoreNoting(ctx, cfg.DB, noteKeyFile(w))
	if err != nil {
		return err
	}
	defer s.Close()
	h, err := s.Health(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		w.printf(out, "cli.migrate.current", h.SchemaVersion, h.Dialect)
		return nil
	}
	w.printf(out, "cli.migrate.applied", joinInts(applied), h.SchemaVersion, h.Dialect)
	return nil
}

func cmdDemo(ctx context.Context, args []string, w streams) error {
	out := w.out
	var cfg Config
	fs := newFlags("demo", &cfg, w)
	workbook := fs.String("write-workbook", "", "write the demo prefecture's workbook to this file and stop (no database)")
	scale := fs.Int("scale", 0, "load a generated prefecture of about this many devices instead of the shipped demo")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workbook != "" {
		return writeDemoWorkbook(*workbook, w)
	}
	if *scale < 0 || *scale > 1_000_000 {
		w.printf(w.err, "demo.scale_range")
		return errUsage
	}
	s, _, err := openStoreNoting(ctx, cfg.DB, noteKeyFile(w))
	if err != nil {
		return err
	}
	defer s.Close()
	n, took, err := timed(func() (int, error) {
		if *scale > 0 {
			return loadDemoScale(ctx, s, *scale)
		}
		return loadDemo(ctx, s)
	})
	if err != nil {
		return err
	}
	w.printf(out, "demo.loaded", n, took.Seconds())
	return demoUsers(ctx, s, out)
}

// writeDemoWorkbook writes the shipped demo's workbook (go generate ./demo).
func writeDemoWorkbook(path string, w streams) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := demo.Generate(demo.Devices).WriteWorkbook(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	w.printf(w.out, "demo.workbook_written", path)
	return nil
}

func cmdServe(ctx context.Context, args []string, w streams, log *slog.Logger) error {
	var cfg Config
	fs := newFlags("serve", &cfg, w)
	fs.StringVar(&cfg.Addr, "addr", envOr("HOSTROLL_ADDR", "127.0.0.1:8080"), "listen address (env HOSTROLL_ADDR)")
	fs.BoolVar(&cfg.Demo, "demo", false, "load the demo data set first when the database is empty")
	grace := graceDaysFlag(fs)
	observed := complianceObservedFlag(fs)
	overrun := costOverrunFlags(fs)
	checkScheduleFlag(fs, &cfg)
	var pc pollConfig
	pollFlags(fs, &pc, true)
	collectorOnly := fs.Bool("collector-only", false, "run only the SNMP collector, no web API (the same as hostroll collect)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := pc.validate(); err != nil {
		return badValue(err)
	}
	if err := checkSchedule(cfg.CheckSchedule); err != nil {
		return badValue(err)
	}
	if *collectorOnly {
		return runCollectorOnly(ctx, cfg, pc, log)
	}
	if pc.MetricsAddr != "" {
		return badValue(errors.New("--metrics-addr (HOSTROLL_METRICS_ADDR) is for collect and serve --collector-only: serve answers GET /metrics on --addr"))
	}
	allow, err := metricsAllow()
	if err != nil {
		return err
	}
	if cfg.GraceDays, err = grace(); err != nil {
		return badValue(err)
	}
	if cfg.Rules.ComplianceDeclaredOnly, err = observed(); err != nil {
		return err
	}
	cfg.Rules.AcceptanceGraceDays = cfg.GraceDays
	if err := overrun(&cfg.Rules); err != nil {
		return badValue(err)
	}
	s, applied, err := openStoreNoting(ctx, cfg.DB, func(file, fp string) {
		log.Warn("created the secret key file: back it up apart from the database; without it the SNMP secrets cannot be opened", "file", file, "key", fp)
	})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.CheckSecretKey(ctx); err != nil {
		log.Error("the collector will poll nothing", "err", err)
	}
	s.SetRuleConfig(cfg.Rules)
	if len(applied) > 0 {
		log.Info("applied migrations", "versions", joinInts(applied))
	}
	wc, err := webAccess(ctx, s, cfg, w, log)
	if err != nil {
		return err
	}
	stopChecks, err := startCheckSchedule(ctx, s, cfg.CheckSchedule, log)
	if err != nil {
		return err
	}
	defer stopChecks()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set --addr or HOSTROLL_ADDR)", cfg.Addr, err)
	}
	reg := web.NewRegistry(buildVersion(), s.DB().DB)
	pc.Metrics = collector.NewMetrics(reg)
	poller, stopCollector, err := startCollector(ctx, s, pc, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopCollector()
	wc.Logger, wc.Version, wc.Poller = log, buildVersion(), poller
	wc.Metrics, wc.MetricsAllow = web.NewMetrics(reg, s), allow
	app := web.New(wc)
	log.Info("serving", "addr", ln.Addr().String(), "db", inventory.Redact(cfg.DB), "dialect", s.Dialect(),
		"api", "http://"+ln.Addr().String()+"/api/v1")
	return serveUntilDone(ctx, app, ln, log)
}

// webAccess prepares sign-in for serve: the limits, the token pepper, the
// first administrator and, with --demo, the demo data and its users.
func webAccess(ctx context.Context, s *inventory.Store, cfg Config, w streams, log *slog.Logger) (web.Config, error) {
	ac, err := authConfig()
	if err != nil {
		return web.Config{}, err
	}
	s.SetAuthConfig(ac)
	wc := web.Config{Store: s}
	if wc.SecondFactorRoles, err = secondFactorRoles(); err != nil {
		return wc, badValue(err)
	}
	dir, err := directoryFromEnv(cfg.DB)
	if err != nil {
		return wc, badValue(err)
	}
	if dir != nil {
		s.SetDirectory(dir)
		log.Info("directory sign-in on", "url", dir.Config().URL, "starttls", dir.Config().StartTLS)
	}
	if wc.SecureCookies, err = secureCookies(); err != nil {
		return wc, err
	}
	if wc.TokenPepper, err = tokenPepper(cfg.DB); err != nil {
		return wc, err
	}
	if err := firstAdmin(ctx, s, w.err); err != nil {
		return wc, err
	}
	if cfg.Demo {
		if err := serveDemo(ctx, s, w, log); err != nil {
			return wc, err
		}
		if err := demoUsers(ctx, s, w.err); err != nil {
			return wc, err
		}
	}
	return wc, nil
}

// serveDemo loads the demo data set into an empty database; a database
// that has data is left alone.
func serveDemo(ctx context.Context, s *inventory.Store, w streams, log *slog.Logger) error {
	n, err := loadDemo(ctx, s)
	switch {
	case errors.Is(err, errNotEmpty):
		fmt.Fprintln(w.err, "hostroll: --demo: the database already has data, so the demo data set was not loaded")
	case err != nil:
		return err
	default:
		log.Info("loaded the demo data set", "records", n)
	}
	return nil
}

// serveUntilDone serves app on ln until it fails or ctx ends, then shuts
// it down gracefully.
func serveUntilDone(ctx context.Context, app *fiber.App, ln net.Listener, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := app.ShutdownWithTimeout(15 * time.Second); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// graceDaysFlag adds --acceptance-grace-days (env HOSTROLL_ACCEPTANCE_GRACE_DAYS)
// to fs; the returned function reads and checks it after parsing.
func graceDaysFlag(fs *flag.FlagSet) func() (int, error) {
	raw := envOr("HOSTROLL_ACCEPTANCE_GRACE_DAYS", "90")
	fs.StringVar(&raw, "acceptance-grace-days", raw,
		"days after a trial run's end within which acceptance must be requested (env HOSTROLL_ACCEPTANCE_GRACE_DAYS)")
	return func() (int, error) {
		grace, err := strconv.Atoi(raw)
		if err != nil || grace < 1 || grace > 3650 {
			return 0, fmt.Errorf("acceptance grace days (--acceptance-grace-days or HOSTROLL_ACCEPTANCE_GRACE_DAYS) must be a whole number of days from 1 to 3650, not %q", raw)
		}
		return grace, nil
	}
}

// complianceObservedFlag adds --compliance-require-observed on|off (env
// HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED, default on) to fs; the returned
// function tells, after parsing, whether devices may pass compliance on
// declared values alone (off). Any other value is a usage error.
func complianceObservedFlag(fs *flag.FlagSet) func() (declaredOnly bool, err error) {
	raw := envOr("HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED", "on")
	fs.StringVar(&raw, "compliance-require-observed", raw,
		"on: a device with an SNMP profile passes the acceptance gate's compliance check only after an answering poll; "+
			"off for sites without SNMP (env HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED)")
	return func() (bool, error) {
		switch raw {
		case "on":
			return false, nil
		case "off":
			return true, nil
		}
		return false, badValue(fmt.Errorf("--compliance-require-observed (or HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED) must be on or off, not %q", raw))
	}
}

// badValue makes a bad flag or environment value exit 2, like a bad flag.
func badValue(err error) error { return &exitError{code: 2, msg: err.Error()} }
