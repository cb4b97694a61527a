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
// ErrLeaseLost. The observation's Collector is l.Holder.
//
// The conditional update comes first: on PostgreSQL it locks the row, so a
// claim racing with it skips the device and then finds it polled. On
// PostgreSQL update and insert are one statement (a data-modifying WITH)
// where a transaction would take four (BEGIN, UPDATE, INSERT, COMMIT), which
// pays for the lease check's query; on SQLite, in process, they are two
// statements in one transaction.
func (s *Store) RecordPoll(ctx context.Context, o Observation, l Lease) (Observation, error) {
	if o.DeviceID != l.DeviceID {
		return Observation{}, fmt.Errorf("inventory: observation of device %d under the lease of device %d", o.DeviceID, l.DeviceID)
	}
	o.Collector = l.Holder
	o.prepare()
	const release = `UPDATE device_poll_state SET lease_holder = NULL, lease_until = NULL,
		last_polled_at = CASE WHEN last_polled_at IS NULL OR last_polled_at < ? THEN ? ELSE last_polled_at END
		WHERE device_id = ? AND lease_holder = ? AND lease_token = ?`
	leaseArgs := []any{o.At, o.At, l.DeviceID, l.Holder, l.Token}
	lost := func() error {
		return fmt.Errorf("inventory: poll of device %d by %s (lease %d): %w", l.DeviceID, l.Holder, l.Token, ErrLeaseLost)
	}
	what := func() string { return fmt.Sprintf("record poll of device %d", o.DeviceID) }
	if s.dialect == Postgres {
		// In INSERT … SELECT the parameters' types are not taken from the
		// columns: each is cast.
		var ids []int64
		err := s.db.SelectContext(ctx, &ids, s.db.Rebind(`WITH lease AS (`+release+` RETURNING device_id) `+
			observationInsert+` SELECT lease.device_id, ?::timestamptz, ?::boolean, ?::text, ?::integer,
			?::text, ?::text, ?::text, ?::text, ?::bigint, ?::text, ?::text, ?::text,
			?::integer, ?::bigint, ?::bigint, ?::jsonb, ?::text FROM lease RETURNING id`),
			append(leaseArgs, o.values()[1:]...)...)
		switch {
		case err != nil:
			return Observation{}, dbErr(err, what())
		case len(ids) == 0:
			return Observation{}, lost()
		}
		o.ID = ids[0]
		return o, nil
	}
	err := s.measurementTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(tx.ctx, tx.Rebind(release), leaseArgs...)
		if err != nil {
			return dbErr(err, what())
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbErr(err, what())
		} else if n == 0 {
			return lost()
		}
		return insertObservation(tx, &o)
	})
	if err != nil {
		return Observation{}, err
	}
	return o, nil
}
