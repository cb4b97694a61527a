package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"hostroll/inventory"
)

// DefaultCheckSchedule runs the policy engine every night at two.
const DefaultCheckSchedule = "0 2 * * *"

// checkScheduleFlag adds serve's --check-schedule.
func checkScheduleFlag(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.CheckSchedule, "check-schedule", envOr("HOSTROLL_CHECK_SCHEDULE", DefaultCheckSchedule),
		`when to run the policy checks: a cron spec such as "0 2 * * *" or "CRON_TZ=Asia/Shanghai 0 2 * * *", or "off" (env HOSTROLL_CHECK_SCHEDULE)`)
}

// newCron is the scheduler of serve and collect: its specs run on the
// business zone's clock (HOSTROLL_TZ), a run still going when the next is due
// is skipped, and a panic in one is logged, not fatal.
func newCron(zone *time.Location, logger cron.Logger) *cron.Cron {
	return cron.New(cron.WithLocation(zone), cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
}

// checkSchedule says what is wrong with a --check-schedule value.
func checkSchedule(spec string) error {
	if strings.EqualFold(strings.TrimSpace(spec), "off") {
		return nil
	}
	if _, err := cron.ParseStandard(spec); err != nil {
		return fmt.Errorf("check schedule %q: %w (want a cron spec such as %q, or off)", spec, err, DefaultCheckSchedule)
	}
	return nil
}

// startCheckSchedule runs the policy engine on the cron spec until stop is
// called; "off" schedules nothing. A run still going when the next is due is
// skipped, and a panic in one is logged, not fatal.
func startCheckSchedule(ctx context.Context, s *inventory.Store, spec string, log *slog.Logger) (stop func(), err error) {
	if strings.EqualFold(strings.TrimSpace(spec), "off") {
		log.Info("scheduled policy checks are off")
		return func() {}, nil
	}
	logger := cron.VerbosePrintfLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	c := newCron(s.Zone(), logger)
	if _, err := c.AddFunc(spec, checkJob(ctx, s, log)); err != nil {
		return nil, fmt.Errorf("check schedule %q: %w (want a cron spec such as %q, or off)", spec, err, DefaultCheckSchedule)
	}
	c.Start()
	log.Info("scheduled policy checks", "schedule", spec, "zone", s.Zone().String())
	return func() { <-c.Stop().Done() }, nil
}

// checkJob is one scheduled run; it logs its outcome.
func checkJob(ctx context.Context, s *inventory.Store, log *slog.Logger) func() {
	return func() {
		c, err := s.RunCheck(inventory.WithActor(ctx, "schedule"), inventory.CheckOptions{})
		if errors.Is(err, inventory.ErrConflict) {
			log.Info("scheduled policy check overtaken by a newer run; its results were not written", "err", err)
			return
		}
		if err != nil {
			log.Error("scheduled policy check failed", "err", err)
			return
		}
		log.Info("scheduled policy check", "check_id", c.ID, "opened", c.Opened, "still_open", c.StillOpen,
			"resolved", c.Resolved, "open", c.Open)
	}
}
