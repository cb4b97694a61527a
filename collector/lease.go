package collector

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"hostroll/inventory"
)

// DefaultWriteTimeout bounds the database write of one poll's result.
const DefaultWriteTimeout = 10 * time.Second

// MaxClockSkew is how far apart the clocks of collectors sharing a database
// may be: leases are compared on each collector's own clock.
const MaxClockSkew = 5 * time.Second

// MinLease is the shortest lease that lets a poll finish under it: the
// device deadline, the write timeout (which bounds a result's wait for its
// batch and the batch's write together) and the clock skew must fit in the
// two thirds of a lease that renewal (every Lease/3) leaves after a lease
// check, that is Lease ≥ 3/2 × (deadline + write timeout + skew). A shorter
// lease would make a healthy collector drop results of slow devices as stale
// and let another poll them again.
func (c Config) MinLease() time.Duration {
	c = c.withDefaults()
	return (c.Options.DeviceTimeout + c.WriteTimeout + MaxClockSkew) * 3 / 2
}

// Step is a point of the poll path at which Config.Pause is called.
type Step int

const (
	// StepCheck comes before a device's lease check (and its poll).
	StepCheck Step = iota
	// StepWrite comes after a device's poll, before its result is written.
	StepWrite
	// StepRenew comes before each renewal of the collector's leases.
	StepRenew
	// StepFlush comes before the write of each batch of results.
	StepFlush
)

func (c *Collector) pause(step Step, deviceID int64) {
	if c.cfg.Pause != nil {
		c.cfg.Pause(step, deviceID)
	}
}

// outcome is what became of one claimed device in a round.
type outcome int

const (
	polledOK     outcome = iota // polled, the device answered, stored
	polledFailed                // polled, unreachable or an error, stored
	leaseLost                   // the lease was lost before the poll: skipped
	resultStale                 // the lease was lost during the poll: dropped
	cancelled                   // the round was cancelled
	outcomes                    // how many there are
)

// claimed is a device handed to a worker, with the time (on this
// collector's clock) it was claimed.
type claimed struct {
	target inventory.PollTarget
	at     time.Time
}

// polled is a result on its way to the writer, with what it counts as once
// stored (polledOK or polledFailed) and when the poll ended.
type polled struct {
	result inventory.PollResult
	out    outcome
	ready  time.Time
}

// pollLeased polls one claimed device and returns its result for the
// writer, fenced by the device's lease: a check before the poll skips a
// device whose lease this collector lost, and the write (see writeResults)
// is conditional on the lease row still carrying this collector and the
// claim's token, so a collector that stalled past its lease neither polls
// nor writes over another's work. ok is false when there is nothing to write
// (the outcome says why).
//
// The check asks the database only once the claim is older than a third of
// the lease: before that no other collector can have taken the device (its
// lease ends at claimedAt + Lease, and clocks agree within MaxClockSkew,
// far less than two thirds of any allowed lease), so the answer is known
// and the round saves a round trip per device.
func (c *Collector) pollLeased(ctx context.Context, p *Poller, t inventory.PollTarget, claimedAt time.Time) (polled, bool) {
	l := inventory.Lease{DeviceID: t.DeviceID, Holder: c.cfg.Name, Token: t.LeaseToken}
	c.pause(StepCheck, t.DeviceID)
	held, err := true, error(nil)
	if now := c.cfg.Now(); now.Sub(claimedAt) >= c.cfg.Lease/3 || now.Before(claimedAt) {
		held, err = c.store.HoldsLease(ctx, l, now)
	}
	switch {
	case ctx.Err() != nil:
		return polled{out: cancelled}, false
	case err != nil:
		leaseLog(c.cfg.Logger, l).Error("lease check failed; device skipped", "err", err)
		return polled{out: leaseLost}, false
	case !held:
		leaseLog(c.cfg.Logger, l).Warn("lease lost before the poll (it ended or another collector claimed the device); device skipped")
		return polled{out: leaseLost}, false
	}
	at := c.cfg.Now()
	o := p.Poll(ctx, t)
	o.At = at // on the collector's clock, which claims compare with
	if ctx.Err() != nil {
		return polled{out: cancelled}, false
	}
	logPoll(c.cfg.Logger, t, o)
	c.pause(StepWrite, t.DeviceID)
	out := polledFailed
	if o.Status() == "ok" {
		out = polledOK
	}
	return polled{result: inventory.PollResult{Observation: o, Lease: l}, out: out, ready: time.Now()}, true
}

// leaseLog is the logger for a message about lease l: built only when there
// is something to say.
func leaseLog(log *slog.Logger, l inventory.Lease) *slog.Logger {
	return log.With("device_id", l.DeviceID, "lease_token", l.Token)
}

// renewWhile renews this collector's leases every Lease/3 until the returned
// stop is called or ctx ends. The leases it holds are those of the devices
// still queued or in flight: a stored result releases its device.
func (c *Collector) renewWhile(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(c.cfg.Lease / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			c.pause(StepRenew, 0)
			now := c.cfg.Now()
			rctx, cancel := context.WithTimeout(ctx, c.cfg.WriteTimeout)
			n, err := c.store.RenewLeases(rctx, c.cfg.Name, now, now.Add(c.cfg.Lease))
			cancel()
			if err != nil && ctx.Err() == nil {
				c.cfg.Logger.Error("renew leases", "err", err)
			} else {
				c.cfg.Logger.Debug("renewed leases", "devices", n)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}
