package inventory

// Device faces.
var Faces = []string{"front", "rear"}

// Placement is where a device sits (or would sit) in a rack: units Position to
// Position+UHeight-1 on Face, or on both faces when FullDepth.
type Placement struct {
	RackID    int64
	Position  int
	UHeight   int
	Face      string
	FullDepth bool
}

// Top is the highest unit the placement uses.
func (p Placement) Top() int { return p.Position + p.UHeight - 1 }

// Overlaps tells whether p and the occupant o need the same space: their units
// overlap and they share a face. A full-depth device uses both faces.
func (p Placement) Overlaps(o Occupant) bool {
	if o.Position > p.Top() || o.Position+o.UHeight-1 < p.Position {
		return false
	}
	return p.FullDepth || o.FullDepth || p.Face == o.Face
}

// checkPlacement validates a placement against its rack and the devices in it.
// It locks the rack row first, so concurrent placements in one rack are
// serialised (on SQLite the IMMEDIATE transaction already is). self is the
// device being moved, 0 for a new one.
func checkPlacement(tx *txn, self int64, p Placement) error {
	var height int
	query, args := andScope(tx.ctx, "SELECT u_height FROM racks WHERE racks.id = ?", []any{p.RackID}, scopeRacks, true)
	if err := tx.get(&height, query+tx.forUpdate(), args...); err != nil {
		if ignoreNoRows(err) == nil {
			return Invalid("rack_id", "err.placement.rack_id.no_rack_id", p.RackID)
		}
		return dbErr(err, "lock rack")
	}
	if p.Top() > height {
		return Invalid("position", "err.placement.position.du_device_u",
			p.UHeight, p.Position, p.Top(), p.RackID, height, height-p.UHeight+1)
	}
	var near []Occupant
	err := tx.sel(&near, `SELECT id, name, kind, status, position, u_height, face, full_depth, unit_id FROM devices
		WHERE rack_id = ? AND id <> ? AND position <= ? AND position + u_height - 1 >= ?
		ORDER BY position, id`, p.RackID, self, p.Top(), p.Position)
	if err != nil {
		return dbErr(err, "check placement")
	}
	sc := CallerOf(tx.ctx).Scope()
	for _, o := range near {
		if p.Overlaps(o) {
			if !sc.Has(o.UnitID) {
				return conflict("position", "err.placement.occupied_other_unit",
					p.RackID, p.describe(), o.Position, o.Position+o.UHeight-1, o.describeFace(), p.RackID)
			}
			return conflict("position", "err.placement.occupied",
				p.RackID, p.describe(), o.ID, o.Name, o.Position, o.Position+o.UHeight-1, o.describeFace(), p.RackID)
		}
	}
	return nil
}

func (p Placement) describe() Msg {
	face := M("err.placement.face." + p.Face)
	if p.FullDepth {
		face = M("err.placement.face.both")
	}
	if p.UHeight == 1 {
		return M("err.placement.at_u", p.Position, face)
	}
	return M("err.placement.at_range", p.Position, p.Top(), face)
}

func (o Occupant) describeFace() Msg {
	if o.FullDepth {
		return M("err.placement.full_depth")
	}
	return M("err.placement.face_only." + o.Face)
}
