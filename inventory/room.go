package inventory

import "context"

// Room kinds and statuses.
var (
	RoomKinds    = []string{"central", "unit"}
	RoomStatuses = []string{"planned", "active", "retired"}
)

// Room is a machine room: the prefecture's central room, or a unit's own.
type Room struct {
	ID      int64  `db:"id" json:"id"`
	Name    string `db:"name" json:"name"`
	UnitID  int64  `db:"unit_id" json:"unit_id"`
	Kind    string `db:"kind" json:"kind"`
	Status  string `db:"status" json:"status"`
	Address string `db:"address" json:"address"`
}

// RoomInput creates or patches a room.
type RoomInput struct {
	Name    string `json:"name"`
	UnitID  int64  `json:"unit_id"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	Address string `json:"address"`
}

// DefaultRoomInput is the base a new room's JSON is read onto.
func DefaultRoomInput() RoomInput { return RoomInput{Status: "active"} }

// Validate checks the fields on their own.
func (in *RoomInput) Validate() error {
	trim(&in.Name, &in.Address)
	ve := &ValidationError{}
	checkRequired(ve, "name", in.Name, 200)
	if in.UnitID == 0 {
		ve.Add("unit_id", "err.room.unit_id.required_unit_that")
	}
	checkEnum(ve, "kind", in.Kind, RoomKinds)
	checkEnum(ve, "status", in.Status, RoomStatuses)
	checkMaxLen(ve, "address", in.Address, 500)
	return ve.Err()
}

var roomList = listSpec{
	filters: map[string]filter{
		"unit_id": {col: "unit_id", kind: filterID},
		"kind":    {col: "kind", kind: filterEnum, allowed: RoomKinds},
		"status":  {col: "status", kind: filterEnum, allowed: RoomStatuses},
	},
	search: []string{"name"},
}

var rooms = &resource[Room, RoomInput]{
	entity: "room",
	table:  "rooms",
	cols:   "id, name, unit_id, kind, status, address",
	input: func(r Room) RoomInput {
		return RoomInput{Name: r.Name, UnitID: r.UnitID, Kind: r.Kind, Status: r.Status, Address: r.Address}
	},
	check: func(tx *txn, in *RoomInput, _ int64, _ *Room) error {
		ve, err := fieldErrors(in.Validate())
		if err != nil {
			return err
		}
		if err := checkRef(tx, ve, "unit_id", "units", &in.UnitID); err != nil {
			return err
		}
		return ve.Err()
	},
	insert: func(tx *txn, in *RoomInput) (int64, error) {
		return tx.insert(`INSERT INTO rooms (name, unit_id, kind, status, address) VALUES (?, ?, ?, ?, ?)`,
			in.Name, in.UnitID, in.Kind, in.Status, in.Address)
	},
	update: func(tx *txn, id int64, in *RoomInput) error {
		return tx.exec(`UPDATE rooms SET name = ?, unit_id = ?, kind = ?, status = ?, address = ? WHERE id = ?`,
			in.Name, in.UnitID, in.Kind, in.Status, in.Address, id)
	},
	dependants: []dependant{{"racks", "room_id", "racks"}},
}

// Room returns one room.
func (s *Store) Room(ctx context.Context, id int64) (Room, error) { return rooms.get(ctx, s.db, id) }

// Rooms lists rooms; filters: unit_id, kind, status; q searches the name.
func (s *Store) Rooms(ctx context.Context, p ListParams) ([]Room, int, error) {
	return rooms.list(ctx, s, roomList, p)
}

// CreateRoom adds a room.
func (s *Store) CreateRoom(ctx context.Context, in RoomInput) (Room, error) {
	return rooms.create(ctx, s, in)
}

// UpdateRoom applies a patch to a room.
func (s *Store) UpdateRoom(ctx context.Context, id int64, apply func(*RoomInput) error) (Room, error) {
	return rooms.patch(ctx, s, id, apply)
}

// DeleteRoom removes a room without racks.
func (s *Store) DeleteRoom(ctx context.Context, id int64) error { return rooms.remove(ctx, s, id) }
