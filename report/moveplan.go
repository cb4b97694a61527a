package report

import "hostroll/inventory"

// Unit names a unit in a report.
type Unit struct{ Code, Name string }

// MovePlan lays out the move plan: the moves, what does not fit, and what
// stays where it is, with the units named by code and name.
func MovePlan(p inventory.MovePlan, units map[int64]Unit, m Meta) Report {
	r := Report{Name: "move-plan", Title: m.title("report.move_plan.title")}
	moves := m.table("moves", col{"unit_code", 10}, col{"unit_name", 24}, col{"device_name", 20}, col{"u_height", 0},
		col{"face", 0}, col{"full_depth", 0}, col{"from_room", 24}, col{"from_position", 0},
		col{"to_room", 20}, col{"to_rack", 0}, col{"to_position", 0})
	u := 0
	for _, x := range p.Moves {
		moves.Rows = append(moves.Rows, []any{units[x.UnitID].Code, units[x.UnitID].Name, x.DeviceName, x.UHeight,
			m.label("face", x.Face), m.yes(x.FullDepth), x.FromRoom, x.FromPosition, x.ToRoom, x.ToRack, x.ToPosition})
		u += x.UHeight
	}
	moves.Total = []any{m.total(), len(p.Moves), "", u, "", "", "", "", "", "", ""}

	unplaced := m.table("unplaced", col{"unit_code", 10}, col{"unit_name", 24}, col{"device_name", 20},
		col{"u_height", 0}, col{"full_depth", 0}, col{"reason", 60})
	u = 0
	for _, x := range p.Unplaced {
		unplaced.Rows = append(unplaced.Rows, []any{units[x.UnitID].Code, units[x.UnitID].Name, x.DeviceName,
			x.UHeight, m.yes(x.FullDepth), x.Reason})
		u += x.UHeight
	}
	unplaced.Total = []any{m.total(), len(p.Unplaced), "", u, "", ""}

	kept := m.table("kept", col{"unit_code", 10}, col{"unit_name", 24}, col{"device_name", 20},
		col{"project_code", 14}, col{"room_name", 24}, col{"reason", 60})
	for _, x := range p.Kept {
		kept.Rows = append(kept.Rows, []any{units[x.UnitID].Code, units[x.UnitID].Name, x.DeviceName, x.ProjectCode,
			x.Room, x.Reason})
	}
	kept.Total = []any{m.total(), len(p.Kept), "", "", "", ""}

	summary := m.table("summary", col{"figure", 24}, col{"value", 0})
	for _, f := range []struct {
		key string
		n   int
	}{{"devices", p.Devices}, {"placed", p.Placed}, {"u_needed", p.UNeeded}, {"racks", p.Racks}, {"free_u_after", p.FreeU}} {
		summary.Rows = append(summary.Rows, []any{m.colLabel(f.key), f.n})
	}
	r.Tables = []Table{moves, unplaced, kept, summary}
	return r
}
