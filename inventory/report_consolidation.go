package inventory

import (
	"context"
	"slices"
	"sort"
)

// ConsolidationReport is the planners' view of what competes with the central
// machine room (Art. 3, 5): per unit, its private rooms, the devices hosted
// outside the central room, its private lines and duplicate lines; the
// totals; and the central room's free capacity.
type ConsolidationReport struct {
	Units   []ConsolidationRow `json:"units"`
	Totals  ConsolidationRow   `json:"totals"`
	Lines   []LineRow          `json:"lines"` // the private lines, one row each
	Rooms   []RoomRow          `json:"rooms"` // the units' own rooms, one row each
	Central CentralCapacity    `json:"central"`
}

// ConsolidationRow is one unit's figures, or the totals (unit fields null
// and empty).
type ConsolidationRow struct {
	UnitID                *int64  `json:"unit_id"`
	UnitCode              string  `json:"unit_code"`
	UnitName              string  `json:"unit_name"`
	PrivateRooms          int     `json:"private_rooms"`           // unit rooms planned or active
	PrivateRoomDevices    int     `json:"private_room_devices"`    // devices racked in them
	PrivateRoomUUsed      int     `json:"private_room_u_used"`     // rack units those devices take
	DevicesOutsideCentral int     `json:"devices_outside_central"` // the unit's racked devices outside central rooms
	PrivateLines          int     `json:"private_lines"`           // requested or active, platform private, not exempted
	PrivateBandwidthMbps  int     `json:"private_bandwidth_mbps"`
	PrivateMonthlyFee     float64 `json:"private_monthly_fee"`
	PrivateAnnualFee      float64 `json:"private_annual_fee"`
	ExemptedLines         int     `json:"exempted_lines"` // private lines whose finding is exempted
	ExemptedBandwidthMbps int     `json:"exempted_bandwidth_mbps"`
	ExemptedMonthlyFee    float64 `json:"exempted_monthly_fee"`
	ExemptedAnnualFee     float64 `json:"exempted_annual_fee"`
	DuplicateLines        int     `json:"duplicate_lines"` // lines sharing both ends with another of the unit
}

// CentralCapacity is the free space of the active central rooms' racks.
type CentralCapacity struct {
	Racks []RackCapacity `json:"racks"`
	FreeU int            `json:"free_u"`
}

// RackCapacity is one central rack's free space: units free on both faces,
// and the longest run of them.
type RackCapacity struct {
	RackID       int64  `json:"rack_id"`
	RackName     string `json:"rack_name"`
	RoomID       int64  `json:"room_id"`
	RoomName     string `json:"room_name"`
	UHeight      int    `json:"u_height"`
	FreeU        int    `json:"free_u"`
	LargestFreeU int    `json:"largest_free_u"`
}

type unitFigure struct {
	UnitID int64   `db:"unit_id"`
	N      int     `db:"n"`
	Sum    int     `db:"sum"`
	Fee    float64 `db:"fee"`
}

// ConsolidationReport reads the report from one consistent snapshot. Units
// with nothing to report are left out; units are in code order.
func (s *Store) ConsolidationReport(ctx context.Context) (ConsolidationReport, error) {
	snap, done, err := s.snapshot(ctx, CheckOptions{})
	if err != nil {
		return ConsolidationReport{}, err
	}
	defer done()
	rows, err := unitFigures(ctx, snap)
	if err != nil {
		return ConsolidationReport{}, err
	}
	rep := ConsolidationReport{Units: []ConsolidationRow{}}
	if err := nameUnits(ctx, snap, rows); err != nil {
		return ConsolidationReport{}, err
	}
	sc := CallerOf(ctx).Scope()
	for id, r := range rows {
		if !sc.Has(id) {
			continue // another unit's figures: a unit's staff see their own
		}
		rep.Units = append(rep.Units, *r)
		rep.Totals.add(r)
	}
	if rep.Lines, err = privateLines(ctx, snap); err != nil {
		return ConsolidationReport{}, err
	}
	if rep.Rooms, err = privateRooms(ctx, snap); err != nil {
		return ConsolidationReport{}, err
	}
	rep.Lines = slices.DeleteFunc(rep.Lines, func(l LineRow) bool { return !sc.Has(l.UnitID) })
	rep.Rooms = slices.DeleteFunc(rep.Rooms, func(r RoomRow) bool { return !sc.Has(r.UnitID) })
	sort.Slice(rep.Units, func(i, j int) bool { return rep.Units[i].UnitCode < rep.Units[j].UnitCode })
	rep.Central, err = centralCapacity(ctx, snap)
	return rep, err
}

// unitFigures reads each unit's figures, keyed by unit id.
func unitFigures(ctx context.Context, snap *Snapshot) (map[int64]*ConsolidationRow, error) {
	rows := map[int64]*ConsolidationRow{}
	row := func(unit int64) *ConsolidationRow {
		if rows[unit] == nil {
			rows[unit] = &ConsolidationRow{UnitID: &unit}
		}
		return rows[unit]
	}
	queries := []struct {
		sql   string
		apply func(r *ConsolidationRow, f unitFigure)
	}{
		{`SELECT unit_id, COUNT(*) AS n, 0 AS sum, 0 AS fee FROM rooms
			WHERE kind = 'unit' AND status IN ('planned', 'active') GROUP BY unit_id`,
			func(r *ConsolidationRow, f unitFigure) { r.PrivateRooms = f.N }},
		{`SELECT m.unit_id, COUNT(*) AS n, SUM(d.u_height) AS sum, 0 AS fee
			FROM devices d JOIN racks r ON r.id = d.rack_id JOIN rooms m ON m.id = r.room_id
			WHERE m.kind = 'unit' AND m.status IN ('planned', 'active') AND d.status <> 'decommissioned'
			GROUP BY m.unit_id`,
			func(r *ConsolidationRow, f unitFigure) { r.PrivateRoomDevices, r.PrivateRoomUUsed = f.N, f.Sum }},
		{`SELECT d.unit_id, COUNT(*) AS n, 0 AS sum, 0 AS fee
			FROM devices d JOIN racks r ON r.id = d.rack_id JOIN rooms m ON m.id = r.room_id
			WHERE m.kind <> 'central' AND d.status <> 'decommissioned' GROUP BY d.unit_id`,
			func(r *ConsolidationRow, f unitFigure) { r.DevicesOutsideCentral = f.N }},
	}
	for _, q := range queries {
		var figs []unitFigure
		if err := snap.Select(ctx, &figs, q.sql); err != nil {
			return nil, dbErr(err, "consolidation report")
		}
		for _, f := range figs {
			q.apply(row(f.UnitID), f)
		}
	}
	lines, err := privateLines(ctx, snap)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		row(l.UnitID).addLine(l)
	}
	dups, err := evalDuplicateLines(ctx, snap)
	if err != nil {
		return nil, dbErr(err, "consolidation report: duplicate lines")
	}
	for _, h := range dups {
		row(*h.UnitID).DuplicateLines += len(h.Params["line_ids"].([]int64))
	}
	return rows, nil
}

func (t *ConsolidationRow) add(r *ConsolidationRow) {
	t.PrivateRooms += r.PrivateRooms
	t.PrivateRoomDevices += r.PrivateRoomDevices
	t.PrivateRoomUUsed += r.PrivateRoomUUsed
	t.DevicesOutsideCentral += r.DevicesOutsideCentral
	t.PrivateLines += r.PrivateLines
	t.PrivateBandwidthMbps += r.PrivateBandwidthMbps
	t.PrivateMonthlyFee = money(t.PrivateMonthlyFee + r.PrivateMonthlyFee)
	t.PrivateAnnualFee = money(t.PrivateAnnualFee + r.PrivateAnnualFee)
	t.ExemptedLines += r.ExemptedLines
	t.ExemptedBandwidthMbps += r.ExemptedBandwidthMbps
	t.ExemptedMonthlyFee = money(t.ExemptedMonthlyFee + r.ExemptedMonthlyFee)
	t.ExemptedAnnualFee = money(t.ExemptedAnnualFee + r.ExemptedAnnualFee)
	t.DuplicateLines += r.DuplicateLines
}

func nameUnits(ctx context.Context, snap *Snapshot, rows map[int64]*ConsolidationRow) error {
	var units []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
		Name string `db:"name"`
	}
	if err := snap.Select(ctx, &units, `SELECT id, code, name FROM units`); err != nil {
		return dbErr(err, "consolidation report: units")
	}
	for _, u := range units {
		if r := rows[u.ID]; r != nil {
			r.UnitCode, r.UnitName = u.Code, u.Name
		}
	}
	return nil
}

func centralCapacity(ctx context.Context, snap *Snapshot) (CentralCapacity, error) {
	racks, err := centralRacks(ctx, snap, nil)
	if err != nil {
		return CentralCapacity{}, err
	}
	c := CentralCapacity{Racks: make([]RackCapacity, len(racks))}
	for i, r := range racks {
		c.Racks[i] = RackCapacity{RackID: r.ID, RackName: r.Name, RoomID: r.RoomID, RoomName: r.Room,
			UHeight: r.Height, FreeU: r.freeU(), LargestFreeU: r.largestFree()}
		c.FreeU += c.Racks[i].FreeU
	}
	return c, nil
}
