package inventory

import (
	"context"
	"fmt"
	"time"

	"hostroll/fold"
)

// Line platforms and statuses.
var (
	LinePlatforms = []string{"intranet", "extranet", "private"}
	LineStatuses  = []string{"requested", "active", "terminated"}
)

// MaxBandwidthMbps is the largest bandwidth a line can be registered with
// (10 Tbit/s).
const MaxBandwidthMbps = 10_000_000

// Line is a leased line (专线). Platform private means it is not folded into
// the e-government intranet or extranet.
type Line struct {
	ID            int64   `db:"id" json:"id"`
	Carrier       string  `db:"carrier" json:"carrier"`
	CircuitID     string  `db:"circuit_id" json:"circuit_id"`
	UnitID        int64   `db:"unit_id" json:"unit_id"`
	ProjectID     *int64  `db:"project_id" json:"project_id"`
	AEnd          string  `db:"a_end" json:"a_end"`
	ZEnd          string  `db:"z_end" json:"z_end"`
	BandwidthMbps int     `db:"bandwidth_mbps" json:"bandwidth_mbps"`
	MonthlyFee    float64 `db:"monthly_fee" json:"monthly_fee"`
	Platform      string  `db:"platform" json:"platform"`
	Status        string  `db:"status" json:"status"`
	StartDate     *Date   `db:"start_date" json:"start_date"`
	EndDate       *Date   `db:"end_date" json:"end_date"`
}

// LineInput creates or patches a line.
type LineInput struct {
	Carrier       string  `json:"carrier"`
	CircuitID     string  `json:"circuit_id"`
	UnitID        int64   `json:"unit_id"`
	ProjectID     *int64  `json:"project_id"`
	AEnd          string  `json:"a_end"`
	ZEnd          string  `json:"z_end"`
	BandwidthMbps int     `json:"bandwidth_mbps"`
	MonthlyFee    float64 `json:"monthly_fee"`
	Platform      string  `json:"platform"`
	Status        string  `json:"status"`
	StartDate     *Date   `json:"start_date"`
	EndDate       *Date   `json:"end_date"`
	// ChangedOn is the business day a change of bandwidth or platform (or,
	// on create, the registered state) took effect: not after today, not
	// before the line's previous change; today when not given. It is not a
	// field of the line but of its history.
	ChangedOn *Date `json:"changed_on,omitempty"`
}

// DefaultLineInput is the base a new line's JSON is read onto.
func DefaultLineInput() LineInput { return LineInput{Status: "active"} }

// Validate checks the fields on their own.
func (in *LineInput) Validate() error {
	trim(&in.Carrier, &in.CircuitID, &in.AEnd, &in.ZEnd)
	ve := &ValidationError{}
	checkRequired(ve, "carrier", in.Carrier, 100)
	checkRequired(ve, "circuit_id", in.CircuitID, 100)
	if in.UnitID == 0 {
		ve.Add("unit_id", "err.line.unit_id.required_unit_that")
	}
	checkRequired(ve, "a_end", in.AEnd, 200)
	checkRequired(ve, "z_end", in.ZEnd, 200)
	if in.BandwidthMbps <= 0 || in.BandwidthMbps > MaxBandwidthMbps {
		ve.Add("bandwidth_mbps", "err.line.bandwidth_mbps.more_than_most", MaxBandwidthMbps)
	}
	checkMoney(ve, "monthly_fee", in.MonthlyFee)
	in.MonthlyFee = money(in.MonthlyFee)
	checkEnum(ve, "platform", in.Platform, LinePlatforms)
	checkEnum(ve, "status", in.Status, LineStatuses)
	checkDate(ve, "start_date", in.StartDate)
	checkDate(ve, "end_date", in.EndDate)
	if in.StartDate != nil && in.EndDate != nil && in.StartDate.valid() && in.EndDate.valid() && *in.EndDate < *in.StartDate {
		ve.Add("end_date", "err.line.end_date.before_start_date", *in.StartDate)
	}
	checkDate(ve, "changed_on", in.ChangedOn)
	return ve.Err()
}

var lineList = listSpec{
	filters: map[string]filter{
		"unit_id":    {col: "unit_id", kind: filterID},
		"project_id": {col: "project_id", kind: filterID, nullable: true},
		"platform":   {col: "platform", kind: filterEnum, allowed: LinePlatforms},
		"status":     {col: "status", kind: filterEnum, allowed: LineStatuses},
		"carrier":    {col: "carrier", kind: filterText},
	},
	search: []string{"circuit_id", "carrier", "a_end", "z_end"},
}

var lines = &resource[Line, LineInput]{
	entity: "line",
	table:  "lines",
	cols: `id, carrier, circuit_id, unit_id, project_id, a_end, z_end, bandwidth_mbps, monthly_fee,
		platform, status, start_date, end_date`,
	input: func(l Line) LineInput {
		return LineInput{Carrier: l.Carrier, CircuitID: l.CircuitID, UnitID: l.UnitID, ProjectID: l.ProjectID,
			AEnd: l.AEnd, ZEnd: l.ZEnd, BandwidthMbps: l.BandwidthMbps, MonthlyFee: l.MonthlyFee,
			Platform: l.Platform, Status: l.Status, StartDate: l.StartDate, EndDate: l.EndDate}
	},
	check:  checkLine,
	insert: insertLine,
	update: updateLine,
	folded: &folded[LineInput]{cols: []string{"carrier_fold", "circuit_id_fold"},
		vals: func(in *LineInput) []any { return []any{fold.Key(in.Carrier), fold.Key(in.CircuitID)} }},
}

func checkLine(tx *txn, in *LineInput, self int64, old *Line) error {
	ve, err := fieldErrors(in.Validate())
	if err != nil {
		return err
	}
	if err := checkChangedOn(tx, ve, in, self, old); err != nil {
		return err
	}
	if err := checkRef(tx, ve, "unit_id", "units", &in.UnitID); err != nil {
		return err
	}
	if err := checkRef(tx, ve, "project_id", "projects", in.ProjectID); err != nil {
		return err
	}
	if err := ve.Err(); err != nil {
		return err
	}
	other, err := taken(tx, `SELECT id FROM lines WHERE carrier_fold = ? AND circuit_id_fold = ? AND id <> ?`,
		fold.Key(in.Carrier), fold.Key(in.CircuitID), self)
	if err != nil {
		return dbErr(err, "check circuit id")
	}
	if other != 0 {
		return conflict("circuit_id", "err.line.circuit_id.circuit_carrier_already", in.CircuitID, in.Carrier, other)
	}
	return nil
}

func insertLine(tx *txn, in *LineInput) (int64, error) {
	id, err := tx.insert(`INSERT INTO lines (carrier, circuit_id, unit_id, project_id, a_end, z_end,
		bandwidth_mbps, monthly_fee, platform, status, start_date, end_date)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Carrier, in.CircuitID, in.UnitID, in.ProjectID, in.AEnd, in.ZEnd, in.BandwidthMbps,
		in.MonthlyFee, in.Platform, in.Status, in.StartDate, in.EndDate)
	if err != nil {
		return 0, err
	}
	return id, recordLineState(tx, id, in)
}

func updateLine(tx *txn, id int64, in *LineInput) error {
	var was struct {
		BandwidthMbps int    `db:"bandwidth_mbps"`
		Platform      string `db:"platform"`
	}
	if err := tx.get(&was, `SELECT bandwidth_mbps, platform FROM lines WHERE id = ?`, id); err != nil {
		return err
	}
	err := tx.exec(`UPDATE lines SET carrier = ?, circuit_id = ?, unit_id = ?, project_id = ?, a_end = ?,
		z_end = ?, bandwidth_mbps = ?, monthly_fee = ?, platform = ?, status = ?, start_date = ?,
		end_date = ? WHERE id = ?`,
		in.Carrier, in.CircuitID, in.UnitID, in.ProjectID, in.AEnd, in.ZEnd, in.BandwidthMbps,
		in.MonthlyFee, in.Platform, in.Status, in.StartDate, in.EndDate, id)
	if err != nil || (was.BandwidthMbps == in.BandwidthMbps && was.Platform == in.Platform) {
		return err
	}
	return recordLineState(tx, id, in)
}

// checkChangedOn checks the day a change takes effect: not after today, not
// before the line's last change, and only with a change of bandwidth or
// platform (or a new line).
func checkChangedOn(tx *txn, ve *ValidationError, in *LineInput, self int64, old *Line) error {
	if in.ChangedOn == nil {
		return nil
	}
	if _, bad := ve.Fields["changed_on"]; bad {
		return nil
	}
	if old != nil && old.BandwidthMbps == in.BandwidthMbps && old.Platform == in.Platform {
		ve.Add("changed_on", "err.line.changed_on.goes_only_change")
		return nil
	}
	if now := tx.today(); *in.ChangedOn > now {
		ve.Add("changed_on", "err.line.changed_on.after_today_record", now)
		return nil
	}
	if old == nil {
		return nil
	}
	var last Date
	err := tx.get(&last, `SELECT changed_on FROM line_history WHERE line_id = ? ORDER BY id DESC LIMIT 1`, self)
	if err := ignoreNoRows(err); err != nil {
		return dbErr(err, "read line history")
	}
	if last != "" && *in.ChangedOn < last {
		ve.Add("changed_on", "err.line.changed_on.before_line_previous", last)
	}
	return nil
}

func recordLineState(tx *txn, id int64, in *LineInput) error {
	on := tx.today()
	if in.ChangedOn != nil {
		on = *in.ChangedOn
	}
	return tx.exec(`INSERT INTO line_history (line_id, at, changed_on, bandwidth_mbps, platform) VALUES (?, ?, ?, ?, ?)`,
		id, tx.at, on, in.BandwidthMbps, in.Platform)
}

// LineState is a line's bandwidth and platform from ChangedOn on, the
// business day the change took effect; At is when it was recorded.
type LineState struct {
	ChangedOn     Date      `db:"changed_on" json:"changed_on"`
	At            time.Time `db:"at" json:"at"`
	BandwidthMbps int       `db:"bandwidth_mbps" json:"bandwidth_mbps"`
	Platform      string    `db:"platform" json:"platform"`
}

// LineHistory returns a line's bandwidth and platform changes, oldest first;
// the first entry is the state it was registered with.
func (s *Store) LineHistory(ctx context.Context, id int64) ([]LineState, error) {
	if _, err := s.Line(ctx, id); err != nil {
		return nil, err
	}
	out := []LineState{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT changed_on, at, bandwidth_mbps, platform FROM line_history
		WHERE line_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, dbErr(err, fmt.Sprintf("history of line %d", id))
	}
	for i := range out {
		out[i].At = out[i].At.UTC()
	}
	return out, nil
}

// Line returns one line.
func (s *Store) Line(ctx context.Context, id int64) (Line, error) { return lines.get(ctx, s.db, id) }

// Lines lists lines; filters: unit_id, project_id, platform, status, carrier;
// q searches circuit id, carrier and the ends.
func (s *Store) Lines(ctx context.Context, p ListParams) ([]Line, int, error) {
	return lines.list(ctx, s, lineList, p)
}

// CreateLine registers a leased line and the first entry of its history.
func (s *Store) CreateLine(ctx context.Context, in LineInput) (Line, error) {
	return lines.create(ctx, s, in)
}

// UpdateLine applies a patch to a line; a change of bandwidth or platform is
// added to its history.
func (s *Store) UpdateLine(ctx context.Context, id int64, apply func(*LineInput) error) (Line, error) {
	return lines.patch(ctx, s, id, apply)
}

// DeleteLine removes a line and its history (the audit log keeps both).
func (s *Store) DeleteLine(ctx context.Context, id int64) error { return lines.remove(ctx, s, id) }
