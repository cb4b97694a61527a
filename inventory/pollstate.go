package inventory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// PollInfo is what the collector knows of a device, shown with it: when it
// was last polled, how that went, and where the device differs from its
// register entry. Device embeds it; it is read from the latest observation.
type PollInfo struct {
	LastPolledAt *time.Time `db:"-" json:"last_polled_at"`
	PollStatus   string     `db:"-" json:"poll_status"`
	Drift        []Drift    `db:"-" json:"drift"`
}

// Drift is one registered field that differs from what SNMP last saw.
type Drift struct {
	Field      string `json:"field"`
	Registered any    `json:"registered"`
	Observed   any    `json:"observed"`
}

// DriftFields are the registered fields compared with observations.
var DriftFields = []string{"serial", "model", "manufacturer", "memory_gb", "cpu_cores"}

// pollInfo compares a device with its latest observation (nil: never polled).
// A field is compared only when both sides have a value; text is compared
// without regard to case and surrounding spaces, memory in whole GiB.
func pollInfo(d *Device, o *Observation) PollInfo {
	if o == nil {
		return PollInfo{PollStatus: "never", Drift: []Drift{}}
	}
	at := o.At
	pi := PollInfo{LastPolledAt: &at, PollStatus: o.Status(), Drift: []Drift{}}
	if !o.Reachable {
		return pi
	}
	text := func(field, reg, obs string) {
		if reg != "" && obs != "" && !strings.EqualFold(strings.TrimSpace(reg), strings.TrimSpace(obs)) {
			pi.Drift = append(pi.Drift, Drift{Field: field, Registered: reg, Observed: obs})
		}
	}
	text("serial", d.Serial, o.Serial)
	text("model", d.Model, o.Model)
	text("manufacturer", d.Manufacturer, o.Manufacturer)
	if d.Specs.MemoryGB != nil && o.MemoryMB != nil {
		gb := observedMemoryGB(*o.MemoryMB, d.Specs.MemoryGB)
		if gb != *d.Specs.MemoryGB {
			pi.Drift = append(pi.Drift, Drift{Field: "memory_gb", Registered: *d.Specs.MemoryGB, Observed: gb})
		}
	}
	if d.Specs.CPUCores != nil && o.CPUCount != nil && *o.CPUCount != *d.Specs.CPUCores {
		pi.Drift = append(pi.Drift, Drift{Field: "cpu_cores", Registered: *d.Specs.CPUCores, Observed: *o.CPUCount})
	}
	return pi
}

// loadPollInfo fills the PollInfo of devices from their latest observations
// (the latest poll time, not the highest id: a late write may carry an older
// time), one query for the whole page.
func loadPollInfo(ctx context.Context, q querier, items []Device) error {
	ids := make([]int64, len(items))
	for i, d := range items {
		ids[i] = d.ID
	}
	query, args, err := sqlx.In(`SELECT `+observationCols+` FROM observations WHERE id IN (
		SELECT (SELECT l.id FROM observations l WHERE l.device_id = d.id ORDER BY l.at DESC, l.id DESC LIMIT 1)
		FROM devices d WHERE d.id IN (?))`, ids)
	if err != nil {
		return fmt.Errorf("inventory: latest observations: %w", err)
	}
	var latest []Observation
	if err := q.SelectContext(ctx, &latest, q.Rebind(query), args...); err != nil {
		return dbErr(err, "latest observations")
	}
	byDevice := make(map[int64]*Observation, len(latest))
	for i := range latest {
		byDevice[latest[i].DeviceID] = &latest[i]
	}
	for i := range items {
		items[i].PollInfo = pollInfo(&items[i], byDevice[items[i].ID])
	}
	return nil
}

// PollTarget is a device the collector polls: its address and its SNMP
// profile, secrets included (Secret keeps them out of logs and JSON).
type PollTarget struct {
	DeviceID int64  `db:"device_id"`
	Name     string `db:"name"`
	MgmtIP   string `db:"mgmt_ip"`
	// Profile.Port is the port polled: the device's snmp_port when set
	// (DevicePort), else the profile's.
	Profile    SNMPProfile `db:"profile"`
	DevicePort *int        `db:"device_port"`
	// LeaseToken is the fencing token of the claim that returned the target
	// (0 outside a claim): see Lease.
	LeaseToken int64 `db:"-" json:"-"`
}

const pollTargetSelect = `SELECT d.id AS device_id, d.name, d.mgmt_ip, d.snmp_port AS device_port,
	p.id AS "profile.id", p.name AS "profile.name", p.version AS "profile.version",
	p.username AS "profile.username", p.auth_protocol AS "profile.auth_protocol",
	p.priv_protocol AS "profile.priv_protocol", COALESCE(d.snmp_port, p.port) AS "profile.port",
	p.timeout_ms AS "profile.timeout_ms", p.retries AS "profile.retries",
	p.max_repetitions AS "profile.max_repetitions", p.community AS "profile.community",
	p.auth_passphrase AS "profile.auth_passphrase", p.priv_passphrase AS "profile.priv_passphrase"
	FROM devices d JOIN snmp_profiles p ON p.id = d.snmp_profile_id`

// pollable is the condition on devices d that the collector polls.
const pollable = `d.mgmt_ip IS NOT NULL AND d.snmp_profile_id IS NOT NULL AND d.status <> 'decommissioned'`

// PollTarget returns what the collector needs to poll one device; a device
// without a management IP or SNMP profile is a validation error naming the
// missing field.
func (s *Store) PollTarget(ctx context.Context, deviceID int64) (PollTarget, error) {
	d, err := s.Device(ctx, deviceID)
	if err != nil {
		return PollTarget{}, err
	}
	ve := &ValidationError{}
	if d.MgmtIP == "" {
		ve.Add("mgmt_ip", "err.pollstate.mgmt_ip.set_give_device")
	}
	if d.SNMPProfileID == nil {
		ve.Add("snmp_profile_id", "err.pollstate.snmp_profile_id.set_give_device")
	}
	if err := ve.Err(); err != nil {
		return PollTarget{}, err
	}
	var t PollTarget
	err = s.db.GetContext(ctx, &t, s.db.Rebind(pollTargetSelect+` WHERE d.id = ?`), deviceID)
	if err != nil {
		return PollTarget{}, dbErr(err, fmt.Sprintf("poll target %d", deviceID))
	}
	ts := []PollTarget{t}
	if err := s.openTargets(ctx, s.db, ts); err != nil {
		return PollTarget{}, err
	}
	return ts[0], nil
}

// PollTargets returns every pollable device (with a management IP and a
// profile, not decommissioned), by id.
func (s *Store) PollTargets(ctx context.Context) ([]PollTarget, error) {
	var ts []PollTarget
	err := s.db.SelectContext(ctx, &ts, pollTargetSelect+` WHERE `+pollable+` ORDER BY d.id`)
	if err != nil {
		return nil, dbErr(err, "poll targets")
	}
	return ts, s.openTargets(ctx, s.db, ts)
}

// EnsurePollState gives every pollable device its row in device_poll_state,
// which claims lock. Collectors call it at the start of a round.
func (s *Store) EnsurePollState(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO device_poll_state (device_id)
		SELECT d.id FROM devices d WHERE `+pollable+`
		AND NOT EXISTS (SELECT 1 FROM device_poll_state ps WHERE ps.device_id = d.id)
		ON CONFLICT (device_id) DO NOTHING`)
	return dbErr(err, "poll state")
}

// Claim asks for a batch of due devices.
type Claim struct {
	Holder     string    // the collector's name, recorded with the lease
	Now        time.Time // leases that ended before Now are free
	DueBefore  time.Time // devices last polled at or before this (or never) are due
	LeaseUntil time.Time // the claimed devices are this collector's until then
	Limit      int       // at most this many
}

// ClaimDue leases up to c.Limit due, unleased devices to c.Holder, least
// recently polled first, and returns them, each with its new lease token (the
// device's previous one plus one). On PostgreSQL the rows are locked
// with FOR UPDATE SKIP LOCKED, so concurrent collectors claim disjoint
// batches without waiting for each other; on SQLite the IMMEDIATE write
// transaction serialises claims.
func (s *Store) ClaimDue(ctx context.Context, c Claim) ([]PollTarget, error) {
	if c.Limit < 1 {
		return nil, Invalid("limit", "err.observation.keep.least")
	}
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE OF ps SKIP LOCKED"
	}
	var targets []PollTarget
	err := s.measurementTx(ctx, func(tx *txn) error {
		var claimed []struct {
			ID    int64 `db:"device_id"`
			Token int64 `db:"lease_token"`
		}
		err := tx.sel(&claimed, `SELECT ps.device_id, ps.lease_token FROM device_poll_state ps
			JOIN devices d ON d.id = ps.device_id
			WHERE `+pollable+`
			AND (ps.last_polled_at IS NULL OR ps.last_polled_at <= ?)
			AND (ps.lease_until IS NULL OR ps.lease_until < ?)
			ORDER BY ps.last_polled_at NULLS FIRST, ps.device_id LIMIT ?`+lock,
			utc(c.DueBefore), utc(c.Now), c.Limit)
		if err != nil || len(claimed) == 0 {
			return dbErr(err, "claim due devices")
		}
		ids := make([]int64, len(claimed))
		tokens := make(map[int64]int64, len(claimed))
		for i, cl := range claimed {
			ids[i], tokens[cl.ID] = cl.ID, cl.Token+1
		}
		q, args, err := sqlx.In(`UPDATE device_poll_state SET lease_holder = ?, lease_until = ?,
			lease_token = lease_token + 1 WHERE device_id IN (?)`, c.Holder, utc(c.LeaseUntil), ids)
		if err != nil {
			return err
		}
		if err := tx.exec(q, args...); err != nil {
			return dbErr(err, "lease due devices")
		}
		q, args, err = sqlx.In(pollTargetSelect+` WHERE d.id IN (?) ORDER BY d.id`, ids)
		if err != nil {
			return err
		}
		if err := tx.sel(&targets, q, args...); err != nil {
			return dbErr(err, "read claimed devices")
		}
		for i := range targets {
			targets[i].LeaseToken = tokens[targets[i].DeviceID]
		}
		return s.openTargets(ctx, tx, targets)
	})
	return targets, err
}

// ReleaseLeases gives back the devices a collector still holds (when it stops
// before polling them), so others need not wait for the leases to end.
func (s *Store) ReleaseLeases(ctx context.Context, holder string) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE device_poll_state
		SET lease_holder = NULL, lease_until = NULL WHERE lease_holder = ?`), holder)
	return dbErr(err, "release leases")
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
