package inventory

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Poll statuses of a device, from its latest observation.
var PollStatuses = []string{"ok", "unreachable", "error", "never"}

// Observation is what one SNMP poll of one device saw. It is a measurement,
// not a change to the register: it is written without an audit row.
type Observation struct {
	ID           int64      `db:"id" json:"id"`
	DeviceID     int64      `db:"device_id" json:"device_id"`
	At           time.Time  `db:"at" json:"at"`
	Reachable    bool       `db:"reachable" json:"reachable"`
	Error        string     `db:"error" json:"error"`
	DurationMS   int        `db:"duration_ms" json:"duration_ms"`
	SysName      string     `db:"sys_name" json:"sys_name"`
	SysDescr     string     `db:"sys_descr" json:"sys_descr"`
	SysObjectID  string     `db:"sys_object_id" json:"sys_object_id"`
	EngineID     string     `db:"engine_id" json:"engine_id"`
	UptimeS      *int64     `db:"uptime_s" json:"uptime_s"`
	Serial       string     `db:"serial" json:"serial"`
	Model        string     `db:"model" json:"model"`
	Manufacturer string     `db:"manufacturer" json:"manufacturer"`
	CPUCount     *int       `db:"cpu_count" json:"cpu_count"`
	MemoryMB     *int64     `db:"memory_mb" json:"memory_mb"`
	StorageGB    *int64     `db:"storage_gb" json:"storage_gb"`
	Interfaces   Interfaces `db:"interfaces" json:"interfaces"`
	// Collector is the name of the collector that made the poll ('' for an
	// observation older than the field).
	Collector string `db:"collector" json:"collector"`
}

// Interface is one row of a device's IF-MIB tables.
type Interface struct {
	Name       string `json:"name"`
	Type       int    `json:"type"` // IANAifType, e.g. 6 ethernetCsmacd
	SpeedMbps  int64  `json:"speed_mbps"`
	OperStatus string `json:"oper_status"`
	MAC        string `json:"mac"`
}

// Interfaces is stored as a JSON array (jsonb on PostgreSQL, text on SQLite).
type Interfaces []Interface

// Scan reads the JSON array.
func (is *Interfaces) Scan(src any) error {
	var raw []byte
	switch v := src.(type) {
	case nil:
		*is = Interfaces{}
		return nil
	case []byte:
		raw = v
	case string:
		raw = []byte(v)
	default:
		return fmt.Errorf("inventory: cannot read %T as interfaces", src)
	}
	out := Interfaces{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("inventory: interfaces: %w", err)
	}
	*is = out
	return nil
}

// Value writes the JSON array; nil is written as [].
func (is Interfaces) Value() (driver.Value, error) {
	if is == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]Interface(is))
	return string(b), err
}

// MarshalJSON writes nil as [].
func (is Interfaces) MarshalJSON() ([]byte, error) {
	if is == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]Interface(is))
}

// Status is the poll status the observation stands for.
func (o Observation) Status() string {
	switch {
	case !o.Reachable:
		return "unreachable"
	case o.Error != "":
		return "error"
	}
	return "ok"
}

// maxObservationText bounds what an agent's strings may put in a row.
const maxObservationText = 1000

// clean makes an observation storable whatever the agent sent: valid UTF-8,
// no NUL, bounded lengths.
func (o *Observation) clean() {
	for _, p := range []*string{&o.Error, &o.SysName, &o.SysDescr, &o.SysObjectID, &o.EngineID,
		&o.Serial, &o.Model, &o.Manufacturer, &o.Collector} {
		*p = cleanText(*p, maxObservationText)
	}
	for i := range o.Interfaces {
		it := &o.Interfaces[i]
		it.Name = cleanText(it.Name, 200)
		it.OperStatus = cleanText(it.OperStatus, 40)
		it.MAC = cleanText(it.MAC, 100)
	}
}

const observationCols = `id, device_id, at, reachable, error, duration_ms, sys_name, sys_descr,
	sys_object_id, engine_id, uptime_s, serial, model, manufacturer, cpu_count, memory_mb,
	storage_gb, interfaces, collector`

// measurementTx runs fn in a transaction that writes measurements (the
// collector's observations and poll bookkeeping), which are not changes to the
// register and so record no audit row, unlike inTx.
func (s *Store) measurementTx(ctx context.Context, fn func(tx *txn) error) error {
	sqltx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("inventory: begin: %w", err)
	}
	defer sqltx.Rollback()
	tx := s.newTxn(ctx, sqltx) // not chained: tx.audit refuses here
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return dbErr(err, "commit")
	}
	return nil
}

// AddObservation records a poll made outside a collector's round (one
// device, on demand): the observation, and the device's last poll time, which
// only moves forward. It leaves leases alone: a collector's round writes
// through RecordPoll. It returns the stored observation.
func (s *Store) AddObservation(ctx context.Context, o Observation) (Observation, error) {
	o.prepare()
	err := s.measurementTx(ctx, func(tx *txn) error {
		if err := insertObservation(tx, &o); err != nil {
			return err
		}
		err := tx.exec(`INSERT INTO device_poll_state (device_id, last_polled_at) VALUES (?, ?)
			ON CONFLICT (device_id) DO UPDATE SET last_polled_at = `+laterPoll, o.DeviceID, o.At)
		return dbErr(err, fmt.Sprintf("record poll of device %d", o.DeviceID))
	})
	if err != nil {
		return Observation{}, err
	}
	return o, nil
}

// laterPoll is the last poll time of an upsert of device_poll_state that
// never moves back: a late write with an older time keeps the newer one.
const laterPoll = `CASE WHEN device_poll_state.last_polled_at IS NULL
	OR device_poll_state.last_polled_at < excluded.last_polled_at
	THEN excluded.last_polled_at ELSE device_poll_state.last_polled_at END`

// prepare makes o storable: clean text, the time in UTC to the microsecond.
func (o *Observation) prepare() {
	o.clean()
	o.At = o.At.UTC().Truncate(time.Microsecond)
	if o.Interfaces == nil {
		o.Interfaces = Interfaces{}
	}
}

// observationInsert is the column list an observation is inserted with;
// values gives them in its order.
const observationInsert = `INSERT INTO observations (device_id, at, reachable, error, duration_ms,
	sys_name, sys_descr, sys_object_id, engine_id, uptime_s, serial, model, manufacturer,
	cpu_count, memory_mb, storage_gb, interfaces, collector)`

func (o *Observation) values() []any {
	return []any{o.DeviceID, o.At, o.Reachable, o.Error, o.DurationMS, o.SysName, o.SysDescr,
		o.SysObjectID, o.EngineID, o.UptimeS, o.Serial, o.Model, o.Manufacturer, o.CPUCount,
		o.MemoryMB, o.StorageGB, o.Interfaces, o.Collector}
}

// insertObservation inserts o and sets its id.
func insertObservation(tx *txn, o *Observation) error {
	id, err := tx.insert(observationInsert+` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.values()...)
	if err != nil {
		return dbErr(err, fmt.Sprintf("add observation of device %d", o.DeviceID))
	}
	o.ID = id
	return nil
}

var observationList = listSpec{
	filters: map[string]filter{
		"device_id": {col: "device_id", kind: filterID},
		"reachable": {col: "reachable", kind: filterBool},
	},
}

// Observations lists a device's observations, newest poll time first;
// filter: reachable.
func (s *Store) Observations(ctx context.Context, deviceID int64, p ListParams) ([]Observation, int, error) {
	query, args := andScope(ctx, `SELECT 1 FROM devices WHERE devices.id = ?`, []any{deviceID}, scopeDevices, true)
	if ok, err := exists(ctx, s.db, query, args...); err != nil {
		return nil, 0, dbErr(err, "find device")
	} else if !ok {
		return nil, 0, fmt.Errorf("inventory: device %d: %w", deviceID, ErrNotFound)
	}
	filters := cloneFilters(p.Filters)
	if _, set := filters["device_id"]; set {
		return nil, 0, Invalid("device_id", "err.observation.device_id.unknown_filter_this")
	}
	filters["device_id"] = fmt.Sprint(deviceID)
	p.Filters = filters
	items, total, err := list[Observation](s, ctx, observationList, p,
		"SELECT "+observationCols+" FROM observations", "SELECT COUNT(*) FROM observations", "at DESC, id DESC")
	if err != nil {
		return nil, 0, dbErr(err, "list observations")
	}
	return items, total, nil
}

// LatestObservation returns a device's latest observation (the latest poll
// time, not the highest id), ErrNotFound when it has never been polled.
func (s *Store) LatestObservation(ctx context.Context, deviceID int64) (Observation, error) {
	var o Observation
	query, args := andScopeIn(ctx, `SELECT `+observationCols+` FROM observations WHERE device_id = ?`,
		[]any{deviceID}, "device_id", "devices")
	err := s.db.GetContext(ctx, &o, s.db.Rebind(query+` ORDER BY at DESC, id DESC LIMIT 1`), args...)
	if err != nil {
		return o, dbErr(err, fmt.Sprintf("latest observation of device %d", deviceID))
	}
	return o, nil
}

// PruneObservations keeps the latest keep observations (by poll time) of
// each device and deletes the rest; it returns how many it deleted.
func (s *Store) PruneObservations(ctx context.Context, keep int) (int64, error) {
	if keep < 1 {
		return 0, Invalid("keep", "err.observation.keep.least")
	}
	var n int64
	err := s.measurementTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM observations WHERE id IN (
			SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY device_id ORDER BY at DESC, id DESC) AS rn
				FROM observations) ranked
			WHERE rn > ?)`), keep)
		if err != nil {
			return dbErr(err, "prune observations")
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// cleanText turns what an agent sent into storable text: invalid UTF-8 and NUL
// become U+FFFD, and it is cut to max characters.
func cleanText(v string, max int) string {
	if badText(v) != "" {
		v = strings.ToValidUTF8(v, "\uFFFD")
		v = strings.ReplaceAll(v, "\x00", "\uFFFD")
	}
	if utf8.RuneCountInString(v) > max {
		r := []rune(v)
		v = string(r[:max])
	}
	return v
}

// memoryReserve is how much less than what is installed an operating
// system reports as its memory (hrMemorySize is Linux's MemTotal: firmware,
// the kernel image and its page tables are not in it, 1-3 %).
const memoryReserve = 0.03

// observedMemoryGB turns the memory an agent reports (hrMemorySize, in MiB)
// into whole GiB to compare with the registered size: a report up to 3 %
// below the registered size counts as that size (a 256 GiB server reports
// about 251.9), anything else is rounded up. Drift and compliance both
// compare through it, so a missing memory module shows in both.
func observedMemoryGB(mb int64, registered *int) int {
	gib := float64(mb) / 1024
	if registered != nil {
		if r := float64(*registered); gib <= r && gib >= r*(1-memoryReserve) {
			return *registered
		}
	}
	return int(math.Ceil(gib))
}
