package report

import (
	"hostroll/inventory"
	"hostroll/locale"
)

// Consolidation lays out the consolidation report (Art. 3, 5): the units'
// figures with their total, the private lines with their yearly cost, the
// units' own rooms, and the central room's free space.
func Consolidation(rep inventory.ConsolidationReport, m Meta) Report {
	r := Report{Name: "consolidation", Title: m.title("report.consolidation.title")}
	units := m.table("units", col{"unit_code", 10}, col{"unit_name", 24}, col{"private_rooms", 0},
		col{"private_room_devices", 0}, col{"private_room_u_used", 0}, col{"devices_outside_central", 0},
		col{"private_lines", 0}, col{"private_bandwidth_mbps", 0}, col{"private_monthly_fee", 0},
		col{"private_annual_fee", 0}, col{"exempted_lines", 0}, col{"exempted_annual_fee", 0}, col{"duplicate_lines", 0})
	row := func(u inventory.ConsolidationRow) []any {
		return []any{u.PrivateRooms, u.PrivateRoomDevices, u.PrivateRoomUUsed, u.DevicesOutsideCentral,
			u.PrivateLines, u.PrivateBandwidthMbps, u.PrivateMonthlyFee, u.PrivateAnnualFee,
			u.ExemptedLines, u.ExemptedAnnualFee, u.DuplicateLines}
	}
	for _, u := range rep.Units {
		units.Rows = append(units.Rows, append([]any{u.UnitCode, u.UnitName}, row(u)...))
	}
	units.Total = append([]any{m.total(), ""}, row(rep.Totals)...)

	lines := m.table("lines", col{"unit_code", 10}, col{"carrier", 12}, col{"circuit_id", 18}, col{"a_end", 24},
		col{"z_end", 24}, col{"bandwidth_mbps", 0}, col{"line_status", 0}, col{"monthly_fee", 0},
		col{"annual_cost", 0}, col{"finding_status", 0})
	var mbps int
	var monthly, annual float64
	for _, l := range rep.Lines {
		lines.Rows = append(lines.Rows, []any{l.UnitCode, l.Carrier, l.CircuitID, l.AEnd, l.ZEnd, l.BandwidthMbps,
			m.label("line_status", l.Status), l.MonthlyFee, l.AnnualCost, m.findingStatus(l.FindingStatus)})
		mbps, monthly, annual = mbps+l.BandwidthMbps, monthly+l.MonthlyFee, annual+l.AnnualCost
	}
	lines.Total = []any{m.total(), "", "", "", "", mbps, "", round2(monthly), round2(annual), ""}

	rooms := m.table("rooms", col{"unit_code", 10}, col{"room_name", 28}, col{"room_status", 0},
		col{"racks", 0}, col{"devices", 0}, col{"u_used", 0})
	var racks, devices, used int
	for _, x := range rep.Rooms {
		rooms.Rows = append(rooms.Rows, []any{x.UnitCode, x.RoomName, m.label("room_status", x.Status),
			x.Racks, x.Devices, x.UUsed})
		racks, devices, used = racks+x.Racks, devices+x.Devices, used+x.UUsed
	}
	rooms.Total = []any{m.total(), "", "", racks, devices, used}

	central := m.table("central", col{"room_name", 20}, col{"rack_name", 0}, col{"u_height", 0},
		col{"free_u", 0}, col{"largest_free_u", 0})
	height := 0
	for _, x := range rep.Central.Racks {
		central.Rows = append(central.Rows, []any{x.RoomName, x.RackName, x.UHeight, x.FreeU, x.LargestFreeU})
		height += x.UHeight
	}
	central.Total = []any{m.total(), "", height, rep.Central.FreeU, ""}
	r.Tables = []Table{units, lines, rooms, central}
	return r
}

// findingStatus labels a line's finding status; "unchecked" (no check has
// looked at the line yet) is not a finding status.
func (m Meta) findingStatus(s string) string {
	if s == "unchecked" {
		return locale.T(m.Lang, "report.unchecked")
	}
	return m.label("finding_status", s)
}

// round2 rounds an amount to the fen.
func round2(v float64) float64 {
	if v < 0 {
		return -round2(-v)
	}
	return float64(int64(v*100+0.5)) / 100
}
