package inventory

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
)

// LineRow is one private line (requested or active) of the consolidation
// report, with the status of its private-line finding: open, exempted, or
// unchecked when no check has looked at it yet (counted as open).
type LineRow struct {
	LineID        int64   `db:"id" json:"line_id"`
	UnitID        int64   `db:"unit_id" json:"unit_id"`
	UnitCode      string  `db:"unit_code" json:"unit_code"`
	Carrier       string  `db:"carrier" json:"carrier"`
	CircuitID     string  `db:"circuit_id" json:"circuit_id"`
	AEnd          string  `db:"a_end" json:"a_end"`
	ZEnd          string  `db:"z_end" json:"z_end"`
	BandwidthMbps int     `db:"bandwidth_mbps" json:"bandwidth_mbps"`
	Platform      string  `db:"platform" json:"platform"`
	Status        string  `db:"status" json:"status"`
	MonthlyFee    float64 `db:"monthly_fee" json:"monthly_fee"`
	AnnualCost    float64 `db:"-" json:"annual_cost"`
	FindingStatus string  `db:"finding_status" json:"finding_status"`
}

// RoomRow is one unit room (planned or active) of the consolidation report.
type RoomRow struct {
	RoomID   int64  `db:"id" json:"room_id"`
	RoomName string `db:"name" json:"room_name"`
	UnitID   int64  `db:"unit_id" json:"unit_id"`
	UnitCode string `db:"unit_code" json:"unit_code"`
	Status   string `db:"status" json:"status"`
	Racks    int    `db:"racks" json:"racks"`
	Devices  int    `db:"devices" json:"devices"` // not decommissioned
	UUsed    int    `db:"u_used" json:"u_used"`
}

func privateLines(ctx context.Context, snap *Snapshot) ([]LineRow, error) {
	rows := []LineRow{}
	err := snap.Select(ctx, &rows, `SELECT l.id, l.unit_id, u.code AS unit_code, l.carrier, l.circuit_id,
		l.a_end, l.z_end, l.bandwidth_mbps, l.platform, l.status, l.monthly_fee,
		COALESCE((SELECT f.status FROM findings f WHERE f.rule = 'private-line' AND f.subject_type = 'line'
			AND f.subject_id = l.id AND f.status IN ('open', 'exempted')), 'unchecked') AS finding_status
		FROM lines l JOIN units u ON u.id = l.unit_id
		WHERE l.platform = 'private' AND l.status IN ('requested', 'active') ORDER BY u.code, l.id`)
	if err != nil {
		return nil, dbErr(err, "consolidation report: lines")
	}
	for i := range rows {
		rows[i].MonthlyFee = money(rows[i].MonthlyFee)
		rows[i].AnnualCost = money(rows[i].MonthlyFee * 12)
	}
	return rows, nil
}

// addLine counts a line as open or exempted.
func (r *ConsolidationRow) addLine(l LineRow) {
	if l.FindingStatus == "exempted" {
		r.ExemptedLines++
		r.ExemptedBandwidthMbps += l.BandwidthMbps
		r.ExemptedMonthlyFee = money(r.ExemptedMonthlyFee + l.MonthlyFee)
		r.ExemptedAnnualFee = money(r.ExemptedMonthlyFee * 12)
		return
	}
	r.PrivateLines++
	r.PrivateBandwidthMbps += l.BandwidthMbps
	r.PrivateMonthlyFee = money(r.PrivateMonthlyFee + l.MonthlyFee)
	r.PrivateAnnualFee = money(r.PrivateMonthlyFee * 12)
}

func privateRooms(ctx context.Context, snap *Snapshot) ([]RoomRow, error) {
	rows := []RoomRow{}
	err := snap.Select(ctx, &rows, `SELECT m.id, m.name, m.unit_id, u.code AS unit_code, m.status,
		(SELECT COUNT(*) FROM racks r WHERE r.room_id = m.id) AS racks,
		(SELECT COUNT(*) FROM devices d JOIN racks r ON r.id = d.rack_id
			WHERE r.room_id = m.id AND d.status <> 'decommissioned') AS devices,
		(SELECT COALESCE(SUM(d.u_height), 0) FROM devices d JOIN racks r ON r.id = d.rack_id
			WHERE r.room_id = m.id AND d.status <> 'decommissioned') AS u_used
		FROM rooms m JOIN units u ON u.id = m.unit_id
		WHERE m.kind = 'unit' AND m.status IN ('planned', 'active') ORDER BY u.code, m.id`)
	if err != nil {
		return nil, dbErr(err, "consolidation report: rooms")
	}
	return rows, nil
}

// ConsolidationCSVHeader is the first line of the report as CSV (after the
// byte order mark): the per-unit rows.
var ConsolidationCSVHeader = []string{"unit_id", "unit_code", "unit_name", "private_rooms",
	"private_room_devices", "private_room_u_used", "devices_outside_central", "private_lines",
	"private_bandwidth_mbps", "private_monthly_fee", "private_annual_fee", "exempted_lines",
	"exempted_bandwidth_mbps", "exempted_monthly_fee", "exempted_annual_fee", "duplicate_lines"}

// The later sections of the CSV, each after an empty line and a line naming it.
var (
	consolidationLinesHeader = []string{"line_id", "unit_id", "unit_code", "carrier", "circuit_id", "a_end", "z_end",
		"bandwidth_mbps", "platform", "status", "monthly_fee", "annual_cost", "finding_status"}
	consolidationRoomsHeader   = []string{"room_id", "room_name", "unit_id", "unit_code", "status", "racks", "devices", "u_used"}
	consolidationCentralHeader = []string{"rack_id", "rack_name", "room_id", "room_name", "u_height", "free_u", "largest_free_u"}
)

// WriteCSV writes a UTF-8 byte order mark (Excel then reads the Chinese),
// the per-unit rows and a last row "TOTAL", then the sections "lines",
// "rooms" and "central" (the central room's free space, with a TOTAL row),
// each after an empty row, a row naming it and its header. Every row has
// as many fields as the first header. User text never starts a formula.
func (rep ConsolidationReport) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := paddedCSV{csv.NewWriter(w), len(ConsolidationCSVHeader)}
	cw.Write(ConsolidationCSVHeader)
	total := rep.Totals
	total.UnitCode = "TOTAL"
	for _, r := range append(rep.Units, total) {
		id := ""
		if r.UnitID != nil {
			id = strconv.FormatInt(*r.UnitID, 10)
		}
		cw.Write([]string{id, csvCell(r.UnitCode), csvCell(r.UnitName), itoa(r.PrivateRooms),
			itoa(r.PrivateRoomDevices), itoa(r.PrivateRoomUUsed), itoa(r.DevicesOutsideCentral),
			itoa(r.PrivateLines), itoa(r.PrivateBandwidthMbps), fee(r.PrivateMonthlyFee), fee(r.PrivateAnnualFee),
			itoa(r.ExemptedLines), itoa(r.ExemptedBandwidthMbps), fee(r.ExemptedMonthlyFee), fee(r.ExemptedAnnualFee),
			itoa(r.DuplicateLines)})
	}
	section(cw, "lines", consolidationLinesHeader)
	for _, l := range rep.Lines {
		cw.Write([]string{i64(l.LineID), i64(l.UnitID), csvCell(l.UnitCode), csvCell(l.Carrier), csvCell(l.CircuitID),
			csvCell(l.AEnd), csvCell(l.ZEnd), itoa(l.BandwidthMbps), l.Platform, l.Status, fee(l.MonthlyFee),
			fee(l.AnnualCost), l.FindingStatus})
	}
	section(cw, "rooms", consolidationRoomsHeader)
	for _, r := range rep.Rooms {
		cw.Write([]string{i64(r.RoomID), csvCell(r.RoomName), i64(r.UnitID), csvCell(r.UnitCode), r.Status,
			itoa(r.Racks), itoa(r.Devices), itoa(r.UUsed)})
	}
	section(cw, "central", consolidationCentralHeader)
	for _, r := range rep.Central.Racks {
		cw.Write([]string{i64(r.RackID), csvCell(r.RackName), i64(r.RoomID), csvCell(r.RoomName), itoa(r.UHeight),
			itoa(r.FreeU), itoa(r.LargestFreeU)})
	}
	cw.Write([]string{"", "TOTAL", "", "", "", itoa(rep.Central.FreeU), ""})
	cw.Flush()
	return cw.Error()
}

// section starts a CSV section: an empty row, its name, its header.
func section(cw paddedCSV, name string, header []string) {
	cw.Write(nil)
	cw.Write([]string{name})
	cw.Write(header)
}

// paddedCSV writes every record with the same number of fields, empty ones
// added at the end, so that the sections of a report make one rectangular
// table that any CSV reader takes.
type paddedCSV struct {
	*csv.Writer
	width int
}

func (w paddedCSV) Write(rec []string) error {
	for len(rec) < w.width {
		rec = append(rec, "")
	}
	return w.Writer.Write(rec)
}

func itoa(n int) string    { return strconv.Itoa(n) }
func i64(n int64) string   { return strconv.FormatInt(n, 10) }
func fee(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
