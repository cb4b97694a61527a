package inventory_test

import (
	"fmt"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestElevationOccupantsMasked: the drawn elevation's occupants carry the
// unit, project and serial for the tooltips, and nothing of another unit's
// device for unit staff (not even in the fields the JSON leaves out).
func TestElevationOccupantsMasked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		w := seedTwoUnits(t, db.Store)
		s := w.s
		in := w.device("dev-a-proj", 30)
		in.UnitID, in.ProjectID, in.Serial, in.FullDepth, in.Face = w.a.ID, &w.projA.ID, "SN-A-30", false, "rear"
		_, err := s.CreateDevice(w.ctx, in)
		noErr(t, err)

		full, err := s.RackElevation(w.ctx, w.rack.ID)
		noErr(t, err)
		byName := map[string]inventory.Occupant{}
		for _, o := range full.Occupants {
			byName[o.Name] = o
		}
		got := byName["dev-a-proj"]
		if got.UnitName != "甲单位" || got.Project != "PA-1 项目 PA-1" || got.Serial != "SN-A-30" || got.Hidden {
			t.Errorf("admin sees %+v", got)
		}
		if byName["dev-b-"+secretB].Serial != "SN-"+secretB {
			t.Errorf("admin does not see B's serial: %+v", byName["dev-b-"+secretB])
		}
		if full.Units[42-30].Rear == nil || full.Units[42-30].Front != nil {
			t.Error("the half-depth rear device is not on the rear only")
		}

		mine, err := s.RackElevation(w.staffA, w.rack.ID)
		noErr(t, err)
		rooms, err := s.RoomElevations(w.staffA, w.room.ID)
		noErr(t, err)
		if len(rooms) != 1 || rooms[0].Rack.ID != w.rack.ID || len(rooms[0].Occupants) != len(mine.Occupants) {
			t.Fatalf("room elevations = %+v", rooms)
		}
		for _, e := range []inventory.Elevation{mine, rooms[0]} {
			hidden := 0
			for _, o := range e.Occupants {
				if s := fmt.Sprintf("%+v", o); strings.Contains(s, secretB) || strings.Contains(s, "乙单位") {
					t.Errorf("unit A's staff see %s", s)
				}
				if o.Hidden {
					hidden++
					if o.ID != 0 || o.UnitID != 0 {
						t.Errorf("a hidden occupant keeps its id or unit: %+v", o)
					}
				}
			}
			if hidden != 1 {
				t.Errorf("%d hidden occupants, want 1 (B's device)", hidden)
			}
		}
		_, err = s.RoomElevations(w.staffA, w.roomB.ID)
		noErr(t, err)
		if rs, _ := s.RoomElevations(w.staffA, w.roomB.ID); len(rs) != 0 {
			t.Errorf("unit A's staff see B's room's racks: %d", len(rs))
		}
	})
}
