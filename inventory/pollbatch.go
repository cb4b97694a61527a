package inventory

import (
	"context"
	"fmt"
	"strings"
)

// PollResult is one poll's observation and the lease it was made under, as
// RecordPolls takes them; Stored tells afterwards whether it was written.
type PollResult struct {
	Observation Observation
	Lease       Lease
	Stored      bool
}

// maxBatchRows bounds the results of one statement (PostgreSQL: 20
// parameters each, 65,535 at most; SQLite: 18 each, 32,766 at most).
const maxBatchRows = 1000

// RecordPolls stores a batch of poll results in one transaction, each as
// RecordPoll stores one: the lease is released and the device's last poll
// time moved forward (never back), and the observation inserted, only while
// the lease row still carries the result's holder and token. The check is
// part of the transaction's write, so a result whose lease was lost (taken
// over by another collector) is never written: its Stored stays false. The
// others are stored, their ids set. A database error writes nothing.
//
// On PostgreSQL the batch is one statement: the results as a VALUES list,
// the conditional release as an UPDATE … FROM it and the insert of the rows
// whose lease was held, all in one data-modifying WITH; on SQLite (which has
// no data-modifying WITH) it is those two statements in one transaction.
func (s *Store) RecordPolls(ctx context.Context, rs []PollResult) error {
	for i := range rs {
		r := &rs[i]
		if r.Observation.DeviceID != r.Lease.DeviceID {
			return fmt.Errorf("inventory: observation of device %d under the lease of device %d", r.Observation.DeviceID, r.Lease.DeviceID)
		}
		r.Observation.Collector = r.Lease.Holder
		r.Observation.prepare()
		r.Stored, r.Observation.ID = false, 0
	}
	var err error
	if s.dialect == Postgres {
		for start := 0; start < len(rs) && err == nil; start += maxBatchRows {
			err = s.recordPollsPostgres(ctx, rs[start:min(start+maxBatchRows, len(rs))])
		}
	} else {
		err = s.measurementTx(ctx, func(tx *txn) error {
			for start := 0; start < len(rs); start += maxBatchRows {
				if err := recordPollsTx(tx, rs[start:min(start+maxBatchRows, len(rs))]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		for i := range rs {
			rs[i].Stored, rs[i].Observation.ID = false, 0
		}
		return err
	}
	return nil
}

// recordPollsTx writes rs in tx with two statements for the whole batch (a
// statement per result would spend most of the time preparing statements):
// the conditional release of every lease as one UPDATE … FROM a VALUES list,
// which returns the devices whose lease was held, then one INSERT of their
// observations.
func recordPollsTx(tx *txn, rs []PollResult) error {
	rows := make([]string, len(rs))
	args := make([]any, 0, 4*len(rs))
	for i := range rs {
		l := rs[i].Lease
		rows[i] = "(?, ?, ?, ?)"
		args = append(args, l.DeviceID, l.Holder, l.Token, rs[i].Observation.At)
	}
	var held []int64
	err := tx.sel(&held, `UPDATE device_poll_state SET lease_holder = NULL, lease_until = NULL,
		last_polled_at = CASE WHEN last_polled_at IS NULL OR last_polled_at < input.column4
			THEN input.column4 ELSE last_polled_at END
		FROM (VALUES `+strings.Join(rows, ", ")+`) AS input
		WHERE device_poll_state.device_id = input.column1 AND lease_holder = input.column2
		AND lease_token = input.column3
		RETURNING device_poll_state.device_id`, args...)
	if err != nil {
		return dbErr(err, fmt.Sprintf("record %d polls", len(rs)))
	}
	isHeld := make(map[int64]bool, len(held))
	for _, id := range held {
		isHeld[id] = true
	}
	rows, args = rows[:0], args[:0]
	for i := range rs {
		if o := &rs[i].Observation; isHeld[o.DeviceID] {
			rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, o.values()...)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	var stored []struct {
		ID       int64 `db:"id"`
		DeviceID int64 `db:"device_id"`
	}
	if err := tx.sel(&stored, observationInsert+` VALUES `+strings.Join(rows, ", ")+` RETURNING id, device_id`, args...); err != nil {
		return dbErr(err, fmt.Sprintf("add %d observations", len(rows)))
	}
	markStored(rs, stored)
	return nil
}

// markStored sets Stored and the id of the results whose observations were
// inserted.
func markStored(rs []PollResult, stored []struct {
	ID       int64 `db:"id"`
	DeviceID int64 `db:"device_id"`
}) {
	ids := make(map[int64]int64, len(stored))
	for _, st := range stored {
		ids[st.DeviceID] = st.ID
	}
	for i := range rs {
		if id, ok := ids[rs[i].Observation.DeviceID]; ok {
			rs[i].Stored, rs[i].Observation.ID = true, id
		}
	}
}

// batchRow is one result's parameters in recordPollsPostgres: in INSERT …
// SELECT and VALUES the parameters' types are not taken from the columns, so
// each is cast.
const batchRow = `(?::bigint, ?::text, ?::bigint, ?::timestamptz, ?::boolean, ?::text, ?::integer,
	?::text, ?::text, ?::text, ?::text, ?::bigint, ?::text, ?::text, ?::text,
	?::integer, ?::bigint, ?::bigint, ?::jsonb, ?::text)`

func (s *Store) recordPollsPostgres(ctx context.Context, rs []PollResult) error {
	rows := make([]string, len(rs))
	args := make([]any, 0, 20*len(rs))
	for i := range rs {
		o, l := &rs[i].Observation, rs[i].Lease
		rows[i] = batchRow
		args = append(append(args, l.DeviceID, l.Holder, l.Token), o.values()[1:]...)
	}
	var stored []struct {
		ID       int64 `db:"id"`
		DeviceID int64 `db:"device_id"`
	}
	err := s.db.SelectContext(ctx, &stored, s.db.Rebind(`WITH input (device_id, holder, token, at, reachable, error,
		duration_ms, sys_name, sys_descr, sys_object_id, engine_id, uptime_s, serial, model, manufacturer,
		cpu_count, memory_mb, storage_gb, interfaces, collector) AS (VALUES `+strings.Join(rows, ", ")+`),
	lease AS (UPDATE device_poll_state ps SET lease_holder = NULL, lease_until = NULL,
		last_polled_at = CASE WHEN ps.last_polled_at IS NULL OR ps.last_polled_at < input.at
			THEN input.at ELSE ps.last_polled_at END
		FROM input WHERE ps.device_id = input.device_id AND ps.lease_holder = input.holder
		AND ps.lease_token = input.token
		RETURNING ps.device_id, ps.lease_token)
	`+observationInsert+` SELECT i.device_id, i.at, i.reachable, i.error, i.duration_ms, i.sys_name,
		i.sys_descr, i.sys_object_id, i.engine_id, i.uptime_s, i.serial, i.model, i.manufacturer,
		i.cpu_count, i.memory_mb, i.storage_gb, i.interfaces, i.collector
		FROM input i JOIN lease ON lease.device_id = i.device_id AND lease.lease_token = i.token
	RETURNING id, device_id`), args...)
	if err != nil {
		return dbErr(err, fmt.Sprintf("record %d polls", len(rs)))
	}
	markStored(rs, stored)
	return nil
}
