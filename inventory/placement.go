package inventory

import "fmt"

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
	height, err := lockRack(tx, p.RackID)
	if err != nil {
		return err
	}
	if p.Top() > height {
		return Invalid("position", "a %dU device at U%d reaches U%d, above the top of rack %d (%dU); the highest position for it is U%d",
			p.UHeight, p.Position, p.Top(), p.RackID, height, height-p.UHeight+1)
	}
	var near []Occupant
	err = tx.sel(&near, `SELECT id, name, kind, status, position, u_height, face, full_depth, unit_id FROM devices
		WHERE rack_id = ? AND id <> ? AND position <= ? AND position + u_height - 1 >= ?
		ORDER BY position, id`, p.RackID, self, p.Top(), p.Position)
	if err != nil {
		return dbErr(err, "check placement")
	}
	sc := CallerOf(tx.ctx).Scope()
	for _, o := range near {
		if p.Overlaps(o) {
			if !sc.Has(o.UnitID) {
				return &ConflictError{Field: "position", Message: fmt.Sprintf(
					"rack %d %s is occupied by another unit's device (U%d-U%d, %s); choose free units (see GET /api/v1/racks/%d/elevation)",
					p.RackID, p.describe(), o.Position, o.Position+o.UHeight-1, o.describeFace(), p.RackID)}
			}
			return &ConflictError{Field: "position", Message: fmt.Sprintf(
				"rack %d %s is occupied by device %d %q (U%d-U%d, %s); choose free units (see GET /api/v1/racks/%d/elevation)",
				p.RackID, p.describe(), o.ID, o.Name, o.Position, o.Position+o.UHeight-1, o.describeFace(), p.RackID)}
		}
	}
	return nil
}

// lockRack locks a rack row in scope and returns its height; an import's
// transaction locks each rack once.
func lockRack(tx *txn, rackID int64) (int, error) {
	if h, ok := tx.memo.rack(rackID); ok {
		return h, nil
	}
	var height int
	query, args := andScope(tx.ctx, "SELECT u_height FROM racks WHERE racks.id = ?", []any{rackID}, scopeRacks, true)
	if err := tx.get(&height, query+tx.forUpdate(), args...); err != nil {
		if ignoreNoRows(err) == nil {
			return 0, Invalid("rack_id", "no rack with id %d", rackID)
		}
		return 0, dbErr(err, "lock rack")
	}
	if tx.memo != nil {
		tx.memo.racks[rackID] = height
	}
	return height, nil
}

func (m *txMemo) rack(id int64) (int, bool) {
	if m == nil {
		return 0, false
	}
	h, ok := m.racks[id]
	return h, ok
}

func (p Placement) describe() string {
	face := p.Face
	if p.FullDepth {
		face = "both faces"
	}
	if p.UHeight == 1 {
		return fmt.Sprintf("U%d (%s)", p.Position, face)
	}
	return fmt.Sprintf("U%d-U%d (%s)", p.Position, p.Top(), face)
}

func (o Occupant) describeFace() string {
	if o.FullDepth {
		return "full depth"
	}
	return o.Face + " only"
}
