package ui

import (
	"strconv"

	"hostroll/inventory"
)

// deviceListRow is a row of the device list, its cells made in Go: a
// template that picked each cell's content by column name would cost more
// than the rest of the page together (reflection per comparison).
type deviceListRow struct {
	ID    int64
	Name  string
	Cells []cell
}

// cell is one table cell: text, a link or a badge.
type cell struct {
	Text  string
	Href  string
	Badge string // the badge's class ("ok", "bad", "warn", "" for plain) when Pill
	Pill  bool
}

// cellsOf lays the rows out in the columns, in the page's language.
func cellsOf(p Page, cols []column, rows []inventory.DeviceRow) []deviceListRow {
	out := make([]deviceListRow, len(rows))
	for i := range rows {
		r := &rows[i]
		cells := make([]cell, len(cols))
		for j, col := range cols {
			cells[j] = cellOf(p, col.Key, r)
		}
		out[i] = deviceListRow{ID: r.ID, Name: r.Name, Cells: cells}
	}
	return out
}

func cellOf(p Page, key string, r *inventory.DeviceRow) cell {
	switch key {
	case "name":
		return cell{Text: r.Name, Href: deviceHref(r.ID)}
	case "kind":
		return cell{Text: p.Label("device_kind", r.Kind)}
	case "status":
		return cell{Text: p.Label("device_status", r.Status)}
	case "unit":
		return cell{Text: r.UnitName}
	case "project":
		return cell{Text: r.Project}
	case "placement":
		if r.RackID == nil || r.Position == nil {
			return cell{}
		}
		return cell{Text: r.RoomName + " / " + r.RackName + " U" + strconv.Itoa(*r.Position),
			Href: "/racks/" + strconv.FormatInt(*r.RackID, 10)}
	case "serial":
		return cell{Text: r.Serial}
	case "asset_tag":
		return cell{Text: r.AssetTag}
	case "manufacturer":
		return cell{Text: r.Manufacturer}
	case "model":
		return cell{Text: r.Model}
	case "mgmt_ip":
		return cell{Text: r.MgmtIP}
	case "poll_status":
		badge := "bad"
		switch r.PollStatus {
		case "ok":
			badge = "ok"
		case "never":
			badge = ""
		}
		return cell{Text: p.Label("poll_status", r.PollStatus), Badge: badge, Pill: true}
	case "drift":
		if len(r.Drift) == 0 {
			return cell{}
		}
		return cell{Text: p.T("ui.devices.drift"), Badge: "warn", Pill: true}
	}
	return cell{}
}
