package inventory

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
)

// MovePlan proposes a place in the central machine room for every device now
// racked in a unit's own room. It is a proposal only: nothing is moved.
type MovePlan struct {
	UnitID   *int64     `json:"unit_id"`  // the unit planned for; null for all
	RoomID   *int64     `json:"room_id"`  // the central room planned into; null for every active one
	Devices  int        `json:"devices"`  // devices to move
	Placed   int        `json:"placed"`   // of which a place was found
	UNeeded  int        `json:"u_needed"` // rack units the devices take
	Moves    []Move     `json:"moves"`    // in the order they were placed
	Unplaced []Unplaced `json:"unplaced"` // what does not fit, and why
	Kept     []Kept     `json:"kept"`     // what stays where it is, and why (classified projects, Art. 5)
	Racks    int        `json:"racks"`    // central racks considered
	FreeU    int        `json:"free_u"`   // free U (both faces) left after the plan
}

// Move is one proposed placement.
type Move struct {
	DeviceID     int64  `json:"device_id"`
	DeviceName   string `json:"device_name"`
	UnitID       int64  `json:"unit_id"`
	UHeight      int    `json:"u_height"`
	Face         string `json:"face"`
	FullDepth    bool   `json:"full_depth"`
	FromRoomID   int64  `json:"from_room_id"`
	FromRoom     string `json:"from_room"`
	FromRackID   int64  `json:"from_rack_id"`
	FromPosition int    `json:"from_position"`
	ToRoomID     int64  `json:"to_room_id"`
	ToRoom       string `json:"to_room"`
	ToRackID     int64  `json:"to_rack_id"`
	ToRack       string `json:"to_rack"`
	ToPosition   int    `json:"to_position"`
}

// Unplaced is a device the plan found no place for.
type Unplaced struct {
	DeviceID   int64  `json:"device_id"`
	DeviceName string `json:"device_name"`
	UnitID     int64  `json:"unit_id"`
	UHeight    int    `json:"u_height"`
	FullDepth  bool   `json:"full_depth"`
	Reason     string `json:"reason"`
}

// movable is a device in a private room.
type movable struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	UnitID    int64  `db:"unit_id"`
	UHeight   int    `db:"u_height"`
	Face      string `db:"face"`
	FullDepth bool   `db:"full_depth"`
	RackID    int64  `db:"rack_id"`
	Position  int    `db:"position"`
	RoomID    int64  `db:"room_id"`
	Room      string `db:"room"`
	// ProjectID, ProjectCode and Classified are the device's project's.
	ProjectID   *int64 `db:"project_id"`
	ProjectCode string `db:"project_code"`
	Classified  bool   `db:"classified"`
}

// MovePlanOptions narrow a move plan: the devices of one unit, into the
// racks of one central room. Nil plans every unit into every active
// central room at once, so no place is offered twice.
type MovePlanOptions struct {
	UnitID *int64
	RoomID *int64
}

// MovePlan plans the devices of unitID (all units when nil) that are racked
// in units' own rooms and not decommissioned into the racks of the active
// central rooms: first fit, tallest first, obeying the store's placement
// rules (rack height; faces; full depth takes both; the devices already
// there and the plan's own earlier placements).
//
// Devices of classified projects stay where they are (Art. 5 hosts them
// centrally only "在符合保密要求的前提下"): they are listed in Kept.
func (s *Store) MovePlan(ctx context.Context, opts MovePlanOptions) (MovePlan, error) {
	snap, done, err := s.snapshot(ctx, CheckOptions{})
	if err != nil {
		return MovePlan{}, err
	}
	defer done()
	if err := checkPlanScope(ctx, snap, opts); err != nil {
		return MovePlan{}, err
	}
	unitID := opts.UnitID
	q := `SELECT d.id, d.name, d.unit_id, d.u_height, d.face, d.full_depth, d.rack_id, d.position,
		m.id AS room_id, m.name AS room, d.project_id, COALESCE(p.code, '') AS project_code,
		CASE WHEN p.classified THEN 1 ELSE 0 END AS classified
		FROM devices d JOIN racks r ON r.id = d.rack_id JOIN rooms m ON m.id = r.room_id
		LEFT JOIN projects p ON p.id = d.project_id
		WHERE m.kind = 'unit' AND d.status <> 'decommissioned'`
	var args []any
	if unitID != nil {
		q += " AND d.unit_id = ?"
		args = append(args, *unitID)
	}
	q, args = andScopeIn(ctx, q, args, "d.unit_id", "units")
	var devs []movable
	if err := snap.Select(ctx, &devs, q+" ORDER BY d.id", args...); err != nil {
		return MovePlan{}, dbErr(err, "move plan: devices")
	}
	racks, err := centralRacks(ctx, snap, opts.RoomID)
	if err != nil {
		return MovePlan{}, err
	}
	devs, kept := keepClassified(devs)
	plan, err := planMoves(devs, racks)
	if err != nil {
		return MovePlan{}, err
	}
	plan.UnitID, plan.RoomID, plan.Kept = unitID, opts.RoomID, kept
	return plan, nil
}

// planMoves places devs into racks, first fit decreasing by height.
func planMoves(devs []movable, racks []*rackSpace) (MovePlan, error) {
	sort.SliceStable(devs, func(i, j int) bool { return devs[i].UHeight > devs[j].UHeight })
	plan := MovePlan{Devices: len(devs), Racks: len(racks), Moves: []Move{}, Unplaced: []Unplaced{}}
	tallest := 0
	for _, r := range racks {
		tallest = max(tallest, r.Height)
	}
	for _, d := range devs {
		plan.UNeeded += d.UHeight
		r, pos := firstFit(racks, d)
		if r == nil {
			plan.Unplaced = append(plan.Unplaced, Unplaced{DeviceID: d.ID, DeviceName: d.Name, UnitID: d.UnitID,
				UHeight: d.UHeight, FullDepth: d.FullDepth, Reason: noFitReason(d, len(racks), tallest)})
			continue
		}
		p := Placement{RackID: r.ID, Position: pos, UHeight: d.UHeight, Face: d.Face, FullDepth: d.FullDepth}
		if err := r.take(p, d.ID, d.Name); err != nil {
			return MovePlan{}, err
		}
		plan.Placed++
		plan.Moves = append(plan.Moves, Move{DeviceID: d.ID, DeviceName: d.Name, UnitID: d.UnitID,
			UHeight: d.UHeight, Face: d.Face, FullDepth: d.FullDepth, FromRoomID: d.RoomID, FromRoom: d.Room,
			FromRackID: d.RackID, FromPosition: d.Position, ToRoomID: r.RoomID, ToRoom: r.Room,
			ToRackID: r.ID, ToRack: r.Name, ToPosition: pos})
	}
	for _, r := range racks {
		plan.FreeU += r.freeU()
	}
	return plan, nil
}

func firstFit(racks []*rackSpace, d movable) (*rackSpace, int) {
	for _, r := range racks {
		if pos := r.fit(d.UHeight, d.Face, d.FullDepth); pos > 0 {
			return r, pos
		}
	}
	return nil, 0
}

func noFitReason(d movable, racks, tallest int) string {
	switch {
	case racks == 0:
		return "there is no rack in an active central machine room"
	case d.UHeight > tallest:
		return fmt.Sprintf("the device is %dU, taller than the tallest central rack (%dU)", d.UHeight, tallest)
	case d.FullDepth:
		return fmt.Sprintf("no central rack has %dU free on both faces at the same units", d.UHeight)
	}
	return fmt.Sprintf("no central rack has %dU free on its %s face", d.UHeight, d.Face)
}

// rackSpace is a central rack with what occupies it: a bit per unit for each
// face (bit 0 is U1) and the occupants, for the final check.
type rackSpace struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	Height    int    `db:"u_height"`
	RoomID    int64  `db:"room_id"`
	Room      string `db:"room"`
	front     uint64
	rear      uint64
	occupants []Occupant
}

// span is the bit mask of units pos to pos+h-1.
func span(pos, h int) uint64 {
	if h >= 64 {
		return ^uint64(0) << (pos - 1)
	}
	return ((uint64(1) << h) - 1) << (pos - 1)
}

func (r *rackSpace) mark(o Occupant) {
	if o.Position < 1 || o.Position > 64 {
		return
	}
	m := span(o.Position, min(o.UHeight, 65-o.Position))
	if o.FullDepth || o.Face == "front" {
		r.front |= m
	}
	if o.FullDepth || o.Face == "rear" {
		r.rear |= m
	}
	r.occupants = append(r.occupants, o)
}

// fit returns the lowest position where a device fits, 0 when none does.
func (r *rackSpace) fit(h int, face string, fullDepth bool) int {
	var used uint64
	switch {
	case fullDepth:
		used = r.front | r.rear
	case face == "rear":
		used = r.rear
	default:
		used = r.front
	}
	for pos := 1; pos+h-1 <= r.Height; pos++ {
		if used&span(pos, h) == 0 {
			return pos
		}
	}
	return 0
}

// take records a planned placement after checking it against every
// occupant with Placement.Overlaps, the store's own rule.
func (r *rackSpace) take(p Placement, id int64, name string) error {
	if p.Top() > r.Height {
		return fmt.Errorf("inventory: move plan: U%d is above rack %d", p.Top(), r.ID)
	}
	for _, o := range r.occupants {
		if p.Overlaps(o) {
			return fmt.Errorf("inventory: move plan: %s overlaps device %d in rack %d", p.describe(), o.ID, r.ID)
		}
	}
	r.mark(Occupant{ID: id, Name: name, Position: p.Position, UHeight: p.UHeight, Face: p.Face, FullDepth: p.FullDepth})
	return nil
}

// freeU counts the units free on both faces.
func (r *rackSpace) freeU() int {
	return r.Height - bits.OnesCount64((r.front|r.rear)&span(1, r.Height))
}

// largestFree is the longest run of units free on both faces.
func (r *rackSpace) largestFree() int {
	best, run := 0, 0
	used := r.front | r.rear
	for u := 1; u <= r.Height; u++ {
		if used&span(u, 1) == 0 {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// centralRacks loads the racks of the active central rooms with their
// occupants, in room and rack order.
func centralRacks(ctx context.Context, snap *Snapshot, roomID *int64) ([]*rackSpace, error) {
	var racks []*rackSpace
	q := `SELECT r.id, r.name, r.u_height, m.id AS room_id, m.name AS room
		FROM racks r JOIN rooms m ON m.id = r.room_id
		WHERE m.kind = 'central' AND m.status = 'active'`
	var args []any
	if roomID != nil {
		q += " AND m.id = ?"
		args = append(args, *roomID)
	}
	err := snap.Select(ctx, &racks, q+" ORDER BY m.id, r.id", args...)
	if err != nil {
		return nil, dbErr(err, "central racks")
	}
	var occ []struct {
		RackID int64 `db:"rack_id"`
		Occupant
	}
	err = snap.Select(ctx, &occ, `SELECT d.rack_id, d.id, d.name, d.kind, d.status, d.position, d.u_height,
		d.face, d.full_depth FROM devices d JOIN racks r ON r.id = d.rack_id JOIN rooms m ON m.id = r.room_id
		WHERE m.kind = 'central' AND m.status = 'active' ORDER BY d.rack_id, d.position`)
	if err != nil {
		return nil, dbErr(err, "central rack occupants")
	}
	byID := make(map[int64]*rackSpace, len(racks))
	for _, r := range racks {
		byID[r.ID] = r
	}
	for _, o := range occ {
		if r := byID[o.RackID]; r != nil {
			r.mark(o.Occupant)
		}
	}
	return racks, nil
}
