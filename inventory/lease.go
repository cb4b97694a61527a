package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrLeaseLost says a collector no longer holds a device's lease: it ended,
// was given back, or another collector claimed the device since. What the
// collector polled under it is stale and is not stored.
var ErrLeaseLost = errors.New("lease lost")

// Lease is a collector's hold on one device, fenced by its token: every claim
// of the device bumps the token, so a collector that stalled past its lease
// cannot write over the work of the one that claimed the device after it.
type Lease struct {
	DeviceID int64
	Holder   string
	Token    int64
}

// HoldsLease tells, in one indexed read, whether l is still the device's
// lease and has not ended at now (the collector's clock, as claims use).
func (s *Store) HoldsLease(ctx context.Context, l Lease, now time.Time) (bool, error) {
	ok, err := exists(ctx, s.db, `SELECT 1 FROM device_poll_state
		WHERE device_id = ? AND lease_holder = ? AND lease_token = ? AND lease_until > ?`,
		l.DeviceID, l.Holder, l.Token, utc(now))
	if err != nil {
		return false, dbErr(err, fmt.Sprintf("check lease of device %d", l.DeviceID))
	}
	return ok, nil
}

// RenewLeases extends to until the leases holder still has (not ended at
// now) and returns how many. A collector calls it while its round runs, for
// the devices queued or in flight: its others are written and released. A
// lease that ended is not renewed: another collector may have it already.
func (s *Store) RenewLeases(ctx context.Context, holder string, now, until time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE device_poll_state SET lease_until = ?
		WHERE lease_holder = ? AND lease_until > ?`), utc(until), holder, utc(now))
	if err != nil {
		return 0, dbErr(err, "renew leases")
	}
	n, err := res.RowsAffected()
	return n, dbErr(err, "renew leases")
}

// RecordPoll stores the result of a poll made under lease l, atomically: it
// releases the lease, moves the device's last poll time forward (never back)
// and inserts the observation, but only while the lease row still carries
// l's holder and token. When it does not, nothing is written and the error is
// ErrLeaseLost. The observation's Collector is l.Holder. It is RecordPolls
// with a batch of one.
//
// The conditional update comes first: on PostgreSQL it locks the row, so a
// claim racing with it skips the device and then finds it polled.
func (s *Store) RecordPoll(ctx context.Context, o Observation, l Lease) (Observation, error) {
	rs := []PollResult{{Observation: o, Lease: l}}
	if err := s.RecordPolls(ctx, rs); err != nil {
		return Observation{}, err
	}
	if !rs[0].Stored {
		return Observation{}, fmt.Errorf("inventory: poll of device %d by %s (lease %d): %w", l.DeviceID, l.Holder, l.Token, ErrLeaseLost)
	}
	return rs[0].Observation, nil
}
