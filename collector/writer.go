package collector

import (
	"context"
	"time"

	"hostroll/inventory"
)

// Defaults of the batching of claims (Config.Batch) and of results
// (Config.WriteBatch, WriteDelay).
const (
	DefaultClaimBatch = 100
	DefaultWriteBatch = 100
	DefaultWriteDelay = 100 * time.Millisecond
)

// writeResults is a round's writer: it commits the results the workers send
// in batches of up to WriteBatch, or whatever came within WriteDelay of a
// batch's first result, each batch one transaction (Store.RecordPolls, which
// fences every result by its lease inside it). It returns once in is closed
// and the last batch is written, also when ctx has ended: results already
// polled are not thrown away on shutdown. done is called for each result
// with what became of it.
func (c *Collector) writeResults(ctx context.Context, in <-chan polled, done func(outcome)) {
	batch := make([]polled, 0, c.cfg.WriteBatch)
	timer := time.NewTimer(c.cfg.WriteDelay)
	timer.Stop()
	defer timer.Stop()
	flush := func() {
		if len(batch) > 0 {
			c.flush(ctx, batch, done)
			batch = batch[:0]
		}
		timer.Stop()
	}
	for {
		select {
		case r, ok := <-in:
			if !ok {
				flush()
				return
			}
			batch = append(batch, r)
			if len(batch) == 1 {
				timer.Reset(c.cfg.WriteDelay)
			}
			if len(batch) >= c.cfg.WriteBatch {
				flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// flush writes one batch, by WriteTimeout after its oldest result was
// polled: the wait for the batch counts, so a result is written (or given
// up) within the time MinLease allows for it. A result whose lease was lost
// is dropped as stale; when the write fails the results are lost (their
// devices stay leased to this collector and are due again once the leases
// end), and they count as polled, as the poll itself happened.
func (c *Collector) flush(ctx context.Context, batch []polled, done func(outcome)) {
	c.pause(StepFlush, 0)
	rs := make([]inventory.PollResult, len(batch))
	oldest := batch[0].ready
	for i, p := range batch {
		rs[i] = p.result
		if p.ready.Before(oldest) {
			oldest = p.ready
		}
	}
	wctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), oldest.Add(c.cfg.WriteTimeout))
	defer cancel()
	err := c.store.RecordPolls(wctx, rs)
	if err != nil {
		c.cfg.Logger.Error("store observations", "results", len(rs), "err", err)
	}
	for i, r := range rs {
		out := batch[i].out
		if err == nil && !r.Stored {
			o := r.Observation
			leaseLog(c.cfg.Logger, r.Lease).Warn("lease lost during the poll (another collector claimed the device); result dropped as stale",
				"polled_at", o.At, "duration_ms", o.DurationMS)
			out = resultStale
		}
		done(out)
	}
}
