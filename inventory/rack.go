package inventory

import (
	"context"
	"fmt"

	"hostroll/fold"
)

// Rack heights, in rack units (U).
const (
	DefaultRackHeight = 42
	MaxRackHeight     = 60
)

// Rack stands in a room; its units are numbered 1 (bottom) to UHeight.
type Rack struct {
	ID      int64  `db:"id" json:"id"`
	RoomID  int64  `db:"room_id" json:"room_id"`
	Name    string `db:"name" json:"name"`
	UHeight int    `db:"u_height" json:"u_height"`
}

// RackInput creates or patches a rack.
type RackInput struct {
	RoomID  int64  `json:"room_id"`
	Name    string `json:"name"`
	UHeight int    `json:"u_height"`
}

// DefaultRackInput is the base a new rack's JSON is read onto.
func DefaultRackInput() RackInput { return RackInput{UHeight: DefaultRackHeight} }

// Validate checks the fields on their own.
func (in *RackInput) Validate() error {
	trim(&in.Name)
	ve := &ValidationError{}
	if in.RoomID == 0 {
		ve.Add("room_id", "err.rack.room_id.required_room_rack")
	}
	checkRequired(ve, "name", in.Name, 100)
	checkRange(ve, "u_height", in.UHeight, 1, MaxRackHeight)
	return ve.Err()
}

var rackList = listSpec{
	filters: map[string]filter{
		"room_id":  {col: "room_id", kind: filterID},
		"u_height": {col: "u_height", kind: filterInt},
	},
	search: []string{"name"},
}

var racks = &resource[Rack, RackInput]{
	entity: "rack",
	table:  "racks",
	cols:   "id, room_id, name, u_height",
	input:  func(r Rack) RackInput { return RackInput{RoomID: r.RoomID, Name: r.Name, UHeight: r.UHeight} },
	check: func(tx *txn, in *RackInput, self int64, old *Rack) error {
		ve, err := fieldErrors(in.Validate())
		if err != nil {
			return err
		}
		if err := checkRef(tx, ve, "room_id", "rooms", &in.RoomID); err != nil {
			return err
		}
		if _, bad := ve.Fields["room_id"]; !bad {
			// The central room is readable by every unit, not theirs to fit.
			own, err := inScope(tx.ctx, tx, "rooms", in.RoomID, true)
			if err != nil {
				return err
			}
			if !own {
				ve.Add("room_id", "err.rack.room_id.room_your_unit", in.RoomID)
			}
		}
		if err := ve.Err(); err != nil {
			return err
		}
		other, err := taken(tx, `SELECT id FROM racks WHERE room_id = ? AND name_fold = ? AND id <> ?`, in.RoomID, fold.Key(in.Name), self)
		if err != nil {
			return dbErr(err, "check rack name")
		}
		if other != 0 {
			return conflict("name", "err.rack.name.room_already_has", in.RoomID, in.Name, other)
		}
		if old != nil && in.UHeight < old.UHeight {
			return checkShrink(tx, old.ID, in.UHeight)
		}
		return nil
	},
	insert: func(tx *txn, in *RackInput) (int64, error) {
		return tx.insert(`INSERT INTO racks (room_id, name, u_height) VALUES (?, ?, ?)`, in.RoomID, in.Name, in.UHeight)
	},
	update: func(tx *txn, id int64, in *RackInput) error {
		return tx.exec(`UPDATE racks SET room_id = ?, name = ?, u_height = ? WHERE id = ?`, in.RoomID, in.Name, in.UHeight, id)
	},
	dependants: []dependant{{"devices", "rack_id", "devices"}},
	folded: &folded[RackInput]{cols: []string{"name_fold"},
		vals: func(in *RackInput) []any { return []any{fold.Key(in.Name)} }},
}

// checkShrink refuses a rack height that would cut off a mounted device. The
// rack row is locked by the caller, so no placement can slip in meanwhile.
func checkShrink(tx *txn, rackID int64, height int) error {
	var d struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
		Top  int    `db:"top"`
	}
	err := tx.get(&d, `SELECT id, name, position + u_height - 1 AS top FROM devices
		WHERE rack_id = ? AND position + u_height - 1 > ? ORDER BY position + u_height DESC LIMIT 1`, rackID, height)
	if err == nil {
		return conflict("u_height", "err.rack.u_height.rack_cannot_shrink",
			rackID, height, d.ID, d.Name, d.Top)
	}
	return dbErr(ignoreNoRows(err), "check rack height")
}

// Rack returns one rack.
func (s *Store) Rack(ctx context.Context, id int64) (Rack, error) { return racks.get(ctx, s.db, id) }

// Racks lists racks; filters: room_id, u_height; q searches the name.
func (s *Store) Racks(ctx context.Context, p ListParams) ([]Rack, int, error) {
	return racks.list(ctx, s, rackList, p)
}

// CreateRack adds a rack.
func (s *Store) CreateRack(ctx context.Context, in RackInput) (Rack, error) {
	return racks.create(ctx, s, in)
}

// UpdateRack applies a patch to a rack; shrinking it under a device is a conflict.
func (s *Store) UpdateRack(ctx context.Context, id int64, apply func(*RackInput) error) (Rack, error) {
	return racks.patch(ctx, s, id, apply)
}

// DeleteRack removes an empty rack.
func (s *Store) DeleteRack(ctx context.Context, id int64) error { return racks.remove(ctx, s, id) }

// Occupant is a device as the rack elevation shows it.
type Occupant struct {
	ID        int64  `db:"id" json:"id"`
	Name      string `db:"name" json:"name"`
	Kind      string `db:"kind" json:"kind"`
	Status    string `db:"status" json:"status"`
	Position  int    `db:"position" json:"position"`
	UHeight   int    `db:"u_height" json:"u_height"`
	Face      string `db:"face" json:"face"`
	FullDepth bool   `db:"full_depth" json:"full_depth"`
	UnitID    int64  `db:"unit_id" json:"-"`
}

// masked is the occupant as a caller outside its unit sees it: occupied
// space of a kind, without the id or name that would lead to the device.
func (o Occupant) masked(sc Scope) Occupant {
	if !sc.Has(o.UnitID) {
		o.ID, o.Name = 0, ""
	}
	return o
}

// ElevationU is one rack unit with what occupies its front and rear.
type ElevationU struct {
	U     int       `json:"u"`
	Front *Occupant `json:"front"`
	Rear  *Occupant `json:"rear"`
}

// Elevation is a rack from its top unit down to U1.
type Elevation struct {
	Rack  Rack         `json:"rack"`
	FreeU int          `json:"free_u"` // units with both faces free
	Units []ElevationU `json:"units"`
}

// RackElevation returns each unit of a rack, top to bottom, with its front and
// rear occupant (nil where free).
func (s *Store) RackElevation(ctx context.Context, id int64) (Elevation, error) {
	rack, err := s.Rack(ctx, id)
	if err != nil {
		return Elevation{}, err
	}
	var occ []Occupant
	err = s.db.SelectContext(ctx, &occ, s.db.Rebind(`SELECT id, name, kind, status, position, u_height, face,
		full_depth, unit_id FROM devices WHERE rack_id = ? ORDER BY position, id`), id)
	if err != nil {
		return Elevation{}, dbErr(err, fmt.Sprintf("elevation of rack %d", id))
	}
	sc := CallerOf(ctx).Scope()
	for i := range occ {
		occ[i] = occ[i].masked(sc)
	}
	units := make([]ElevationU, rack.UHeight)
	for i := range units {
		units[i].U = rack.UHeight - i
	}
	for i := range occ {
		o := &occ[i]
		for u := o.Position; u < o.Position+o.UHeight && u <= rack.UHeight; u++ {
			slot := &units[rack.UHeight-u]
			if o.FullDepth || o.Face == "front" {
				slot.Front = o
			}
			if o.FullDepth || o.Face == "rear" {
				slot.Rear = o
			}
		}
	}
	free := 0
	for _, u := range units {
		if u.Front == nil && u.Rear == nil {
			free++
		}
	}
	return Elevation{Rack: rack, FreeU: free, Units: units}, nil
}
