package inventory

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Kept is a device the plan leaves where it is, with the reason.
type Kept struct {
	DeviceID    int64  `json:"device_id"`
	DeviceName  string `json:"device_name"`
	UnitID      int64  `json:"unit_id"`
	ProjectID   *int64 `json:"project_id"`
	ProjectCode string `json:"project_code"`
	RoomID      int64  `json:"room_id"`
	Room        string `json:"room"`
	Reason      string `json:"reason"`
}

// keepClassified splits off the devices of classified projects: Art. 5
// exempts them from central hosting where confidentiality rules say so.
func keepClassified(devs []movable) (move []movable, kept []Kept) {
	kept = []Kept{}
	for _, d := range devs {
		if !d.Classified {
			move = append(move, d)
			continue
		}
		kept = append(kept, Kept{DeviceID: d.ID, DeviceName: d.Name, UnitID: d.UnitID, ProjectID: d.ProjectID,
			ProjectCode: d.ProjectCode, RoomID: d.RoomID, Room: d.Room,
			Reason: fmt.Sprintf("project %s is classified (涉密): Art. 5 hosts it centrally only where confidentiality rules allow (在符合保密要求的前提下); it stays where it is", d.ProjectCode)})
	}
	return move, kept
}

// checkPlanScope refuses a unit that does not exist and a room that is not
// an active central room.
func checkPlanScope(ctx context.Context, snap *Snapshot, opts MovePlanOptions) error {
	ve := &ValidationError{}
	if opts.UnitID != nil {
		query, args := andScope(ctx, "SELECT 1 FROM units WHERE units.id = ?", []any{*opts.UnitID}, scopeUnits, true)
		ok, err := exists(ctx, snap.Q, query, args...)
		if err != nil {
			return dbErr(err, "move plan")
		}
		if !ok {
			ve.Add("unit_id", "err.moveplan_scope.unit_id.no_unit_id", *opts.UnitID)
		}
	}
	if opts.RoomID != nil {
		var room struct {
			Kind   string `db:"kind"`
			Status string `db:"status"`
		}
		err := snap.Q.GetContext(ctx, &room, snap.Q.Rebind(`SELECT kind, status FROM rooms WHERE id = ?`), *opts.RoomID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ve.Add("room_id", "err.moveplan_scope.room_id.no_room_id", *opts.RoomID)
		case err != nil:
			return dbErr(err, "move plan room")
		case room.Kind != "central" || room.Status != "active":
			ve.Add("room_id", "err.moveplan_scope.room_id.room_room_plan", *opts.RoomID, L(setRoomKind, room.Kind), L(setRoomStatus, room.Status))
		}
	}
	return ve.Err()
}

// MovePlanCSVHeader is the first line of the move plan as CSV (after the
// byte order mark): one row per device, whether it moves, does not fit or
// stays.
var MovePlanCSVHeader = []string{"action", "device_id", "device_name", "unit_id", "u_height", "face",
	"full_depth", "from_room", "from_rack_id", "from_position", "to_room", "to_rack", "to_position", "reason"}

// WriteCSV writes the plan for a spreadsheet: a UTF-8 byte order mark (so
// that Excel reads the Chinese names), then the moves, the devices that do
// not fit and those that stay; user text cannot start a formula.
func (plan MovePlan) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(MovePlanCSVHeader); err != nil {
		return err
	}
	itoa := strconv.Itoa
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, m := range plan.Moves {
		cw.Write([]string{"move", id(m.DeviceID), csvCell(m.DeviceName), id(m.UnitID), itoa(m.UHeight), m.Face,
			strconv.FormatBool(m.FullDepth), csvCell(m.FromRoom), id(m.FromRackID), itoa(m.FromPosition),
			csvCell(m.ToRoom), csvCell(m.ToRack), itoa(m.ToPosition), ""})
	}
	for _, u := range plan.Unplaced {
		cw.Write([]string{"unplaced", id(u.DeviceID), csvCell(u.DeviceName), id(u.UnitID), itoa(u.UHeight), "",
			strconv.FormatBool(u.FullDepth), "", "", "", "", "", "", csvCell(u.Reason)})
	}
	for _, k := range plan.Kept {
		cw.Write([]string{"stays", id(k.DeviceID), csvCell(k.DeviceName), id(k.UnitID), "", "", "",
			csvCell(k.Room), "", "", "", "", "", csvCell(k.Reason)})
	}
	cw.Flush()
	return cw.Error()
}
