package collector

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"hostroll/inventory"
)

// Config is how a collector runs its rounds.
type Config struct {
	// Name identifies the collector in its leases (default host:pid:random,
	// unique even for containers that share a host name and a pid).
	Name string
	// Workers bounds the devices polled at once (default 64).
	Workers int
	// Interval is how often each device should be polled (default 5m): a
	// device is due when, at the time it is claimed, its last poll is older
	// than 90% of it and was not in the current round. Measured from the
	// claim (not the round's start), a device reached late in one round is
	// due again at the same point of the next, however long rounds take.
	Interval time.Duration
	// Batch is how many devices one claim takes (default Workers, at least
	// DefaultClaimBatch: a claim is a transaction, and with few workers
	// claims of a few devices each would make it the round's limit).
	Batch int
	// Lease is how long a claimed device stays this collector's (default 5m):
	// when the collector dies, others poll its devices once the lease ends.
	// While a round runs the collector renews the leases of the devices still
	// queued or in flight every Lease/3. See MinLease.
	Lease time.Duration
	// WriteTimeout bounds the time from a poll's end to the commit of its
	// result: the wait for its batch and the batch's write (default 10s).
	WriteTimeout time.Duration
	// WriteBatch is the most results committed in one transaction (default
	// 100), and WriteDelay the longest a result waits for others to join its
	// batch (default 100ms). A collector killed outright loses at most the
	// results not yet committed; their devices are due again once their
	// leases end.
	WriteBatch int
	WriteDelay time.Duration
	// Pause, when set, is called at each Step of the poll path and may block
	// there: tests hold a collector with it as a stalled process (a VM pause,
	// a long GC, a slow database) is held. deviceID is 0 for StepRenew.
	Pause func(step Step, deviceID int64)
	// Options tune each poll.
	Options Options
	// Metrics, when not nil, count rounds, polls and packets (metrics.go).
	Metrics *Metrics
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger (default slog.Default()).
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		host, _ := os.Hostname()
		c.Name = fmt.Sprintf("%s:%d:%08x", host, os.Getpid(), rand.Uint32())
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.Interval <= 0 {
		c.Interval = 5 * time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = max(c.Workers, DefaultClaimBatch)
	}
	if c.Lease <= 0 {
		c.Lease = 5 * time.Minute
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.WriteBatch <= 0 {
		c.WriteBatch = DefaultWriteBatch
	}
	if c.WriteDelay <= 0 {
		c.WriteDelay = DefaultWriteDelay
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Options = c.Options.withDefaults()
	if c.Metrics != nil {
		c.Options.Metrics = c.Metrics
	}
	return c
}

// Collector polls the due devices of a store and records what it sees.
type Collector struct {
	store *inventory.Store
	cfg   Config
}

// New returns a collector over store.
func New(store *inventory.Store, cfg Config) *Collector {
	return &Collector{store: store, cfg: cfg.withDefaults()}
}

// Summary counts one round. Polled = OK + Failed are the results stored;
// Lost and Stale are devices whose lease this collector lost (it stalled past
// the lease, or another collector claimed the device): Lost were skipped
// before their poll, Stale were polled but their result was dropped.
type Summary struct {
	Polled   int           `json:"polled"`
	OK       int           `json:"ok"`
	Failed   int           `json:"failed"`
	Lost     int           `json:"lost"`
	Stale    int           `json:"stale"`
	Duration time.Duration `json:"duration"`
}

// PerSecond is the round's rate in devices per second.
func (s Summary) PerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Polled) / s.Duration.Seconds()
}

func (s Summary) String() string {
	noun := "devices"
	if s.Polled == 1 {
		noun = "device"
	}
	lost := ""
	if s.Lost+s.Stale > 0 {
		lost = fmt.Sprintf(", %d leases lost (%d skipped, %d results dropped)", s.Lost+s.Stale, s.Lost, s.Stale)
	}
	return fmt.Sprintf("polled %d %s: %d ok, %d failed%s in %s (%.1f devices/s)",
		s.Polled, noun, s.OK, s.Failed, lost, s.Duration.Round(time.Millisecond), s.PerSecond())
}

// PollDevice polls one device now and stores the observation.
func (c *Collector) PollDevice(ctx context.Context, id int64) (inventory.Observation, error) {
	t, err := c.store.PollTarget(ctx, id)
	if err != nil {
		return inventory.Observation{}, err
	}
	at := c.cfg.Now()
	o := Poll(ctx, t, c.cfg.Options)
	o.At = at
	o.Collector = c.cfg.Name
	logPoll(c.cfg.Logger, t, o)
	return c.store.AddObservation(ctx, o)
}

// RunDue runs one round: it claims due devices in batches, polls them with
// the worker pool and hands each result to a writer that commits them in
// batches (see writeResults); meanwhile it renews its leases every Lease/3.
// Each device's lease is checked before its poll and fences the write of its
// result (see pollLeased). progress, when not nil, is called after each
// device. When ctx ends the round stops: the results polled are still
// written, and the devices claimed but not polled stay leased until their
// lease ends.
func (c *Collector) RunDue(ctx context.Context, progress func(Summary)) (Summary, error) {
	start := c.cfg.Now()
	// Without the key that opens the SNMP secrets nothing can be polled; say
	// so once, before claiming anything.
	if err := c.store.CheckSecretKey(ctx); err != nil {
		return Summary{}, err
	}
	if err := c.store.EnsurePollState(ctx); err != nil {
		return Summary{}, err
	}
	roundDone := c.countDue(ctx, start)
	var counts [outcomes]atomic.Int64
	summary := func() Summary {
		return Summary{Polled: int(counts[polledOK].Load() + counts[polledFailed].Load()), OK: int(counts[polledOK].Load()),
			Failed: int(counts[polledFailed].Load()), Lost: int(counts[leaseLost].Load()), Stale: int(counts[resultStale].Load()),
			Duration: c.cfg.Now().Sub(start)}
	}
	var mu sync.Mutex // serialises progress
	count := func(out outcome) {
		counts[out].Add(1)
		c.cfg.Metrics.leaseDone() // written, dropped or skipped: no longer held
		if progress != nil {
			mu.Lock()
			progress(summary())
			mu.Unlock()
		}
	}
	// Unbuffered: a device is claimed (and judged due) only when a worker is
	// ready for it, so the claim time stays the poll time that the next
	// round's due test relies on (TestRunDueSlowRound).
	work := make(chan claimed)
	results := make(chan polled, c.cfg.WriteBatch)
	written := make(chan struct{})
	go func() {
		defer close(written)
		c.writeResults(ctx, results, count)
	}()
	var wg sync.WaitGroup
	for range c.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.work(ctx, work, results, count)
		}()
	}
	stopRenew := c.renewWhile(ctx)
	err := c.feed(ctx, work, start)
	close(work)
	wg.Wait()
	close(results)
	<-written // the leases of queued results are renewed until they are written
	stopRenew()
	sum := summary()
	roundDone(sum.Duration, err == nil && ctx.Err() == nil)
	return sum, err
}

// work is one worker: it polls the devices it takes from work with its own
// Poller (reused device after device) and sends each result to the writer;
// a device not polled is counted at once. It returns when work is closed or
// a poll was cut short by the end of ctx.
func (c *Collector) work(ctx context.Context, work <-chan claimed, results chan<- polled, count func(outcome)) {
	p := NewPoller(c.cfg.Options)
	defer p.Close()
	for w := range work {
		began := time.Now()
		r, ok := c.pollLeased(ctx, p, w.target, w.at)
		c.cfg.Metrics.busy(time.Since(began))
		switch {
		case r.out == cancelled:
			return // cancelled mid-poll: leave it to the lease
		case ok:
			results <- r
		default:
			count(r.out)
		}
	}
}

// feed claims batches of due devices and hands them to the workers until no
// device is due or ctx ends.
func (c *Collector) feed(ctx context.Context, work chan<- claimed, start time.Time) error {
	// Devices polled in this round (at start or later) must not be due again
	// in it, whatever the interval: stored times have microseconds.
	inRound := start.Truncate(time.Microsecond).Add(-time.Microsecond)
	for {
		now := c.cfg.Now()
		dueBefore := now.Add(-c.cfg.Interval * 9 / 10)
		if dueBefore.After(inRound) {
			dueBefore = inRound
		}
		batch, err := c.store.ClaimDue(ctx, inventory.Claim{Holder: c.cfg.Name, Now: now, DueBefore: dueBefore,
			LeaseUntil: now.Add(c.cfg.Lease), Limit: c.cfg.Batch})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("claim due devices: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		c.cfg.Metrics.claimed(len(batch))
		for _, t := range batch {
			select {
			case work <- claimed{target: t, at: now}:
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// Prune keeps the newest keep observations per device.
func (c *Collector) Prune(ctx context.Context, keep int) error {
	n, err := c.store.PruneObservations(ctx, keep)
	if err != nil {
		return err
	}
	c.cfg.Logger.Info("pruned observations", "deleted", n, "keep", keep)
	return nil
}

// Release gives back the leases this collector holds; call it on shutdown.
func (c *Collector) Release(ctx context.Context) error {
	defer c.cfg.Metrics.released()
	return c.store.ReleaseLeases(ctx, c.cfg.Name)
}
