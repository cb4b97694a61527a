package web_test

import (
	"strings"
	"testing"
)

// place is a device's placement in a test rack.
type place struct {
	pos, height int
	face        string
	full        bool
}

func (pl place) body(rack int64) obj {
	return obj{"rack_id": rack, "position": pl.pos, "u_height": pl.height, "face": pl.face, "full_depth": pl.full}
}

func TestPlacementConflicts(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, room, _ := c.rackIn(t, "PL", 42)
		for i, tc := range []struct {
			name      string
			have, add place
			ok        bool
		}{
			{"full vs full same U", place{10, 1, "front", true}, place{10, 1, "front", true}, false},
			{"full vs full other face same U", place{10, 1, "front", true}, place{10, 1, "rear", true}, false},
			{"full vs half front", place{10, 1, "front", true}, place{10, 1, "front", false}, false},
			{"full vs half rear", place{10, 1, "front", true}, place{10, 1, "rear", false}, false},
			{"half rear vs full", place{10, 1, "rear", false}, place{10, 1, "front", true}, false},
			{"half front vs half rear", place{10, 1, "front", false}, place{10, 1, "rear", false}, true},
			{"half rear vs half front", place{10, 1, "rear", false}, place{10, 1, "front", false}, true},
			{"half front vs half front", place{10, 1, "front", false}, place{10, 1, "front", false}, false},
			{"2U vs its upper U", place{10, 2, "front", true}, place{11, 1, "front", true}, false},
			{"2U vs the U above", place{10, 2, "front", true}, place{12, 1, "front", true}, true},
			{"2U vs the U below", place{10, 2, "front", true}, place{9, 1, "front", true}, true},
			{"3U spanning a 1U", place{10, 1, "front", true}, place{9, 3, "rear", false}, false},
			{"4U half rear vs 2U half front inside", place{10, 4, "rear", false}, place{11, 2, "front", false}, true},
			{"4U half rear vs 2U full inside", place{10, 4, "rear", false}, place{11, 2, "front", true}, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rack := c.rack(t, room, p("PL-%d", i), 42)
				have := c.device(t, unit, p("occupant-%d", i), tc.have.body(rack))
				audit := c.auditTotal(t)
				r := c.do(t, "POST", "/api/v1/devices", merge(obj{"name": "newcomer", "kind": "server", "unit_id": unit}, tc.add.body(rack)))
				_, inRack := c.list(t, p("/api/v1/devices?rack_id=%d", rack))
				if tc.ok {
					r.want(t, 201)
					if inRack != 2 {
						t.Errorf("%d devices in the rack, want 2", inRack)
					}
					return
				}
				d := wantErr(t, r, 409, "conflict", "position")
				if msg := message(d); !strings.Contains(msg, p("device %d", idOf(t, have))) || !strings.Contains(msg, p("occupant-%d", i)) {
					t.Errorf("message %q does not name the occupying device %d occupant-%d", msg, idOf(t, have), i)
				}
				if inRack != 1 {
					t.Errorf("%d devices in the rack after a refused placement, want 1", inRack)
				}
				if got := c.auditTotal(t); got != audit {
					t.Errorf("audit rows %d after a refused placement, want %d", got, audit)
				}
			})
		}
		t.Run("same U in another rack", func(t *testing.T) {
			r1, r2 := c.rack(t, room, "X1", 42), c.rack(t, room, "X2", 42)
			c.device(t, unit, "x1", place{5, 2, "front", true}.body(r1))
			c.device(t, unit, "x2", place{5, 2, "front", true}.body(r2))
		})
	})
}

func TestPlacementMoves(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, room, rack := c.rackIn(t, "MV", 42)
		other := c.rack(t, room, "MV-2", 42)
		a := c.device(t, unit, "alpha", place{10, 2, "front", true}.body(rack))
		b := c.device(t, unit, "bravo", place{20, 1, "front", true}.body(rack))
		h := c.device(t, unit, "half", place{30, 1, "front", false}.body(rack))
		bItem := p("/api/v1/devices/%d", idOf(t, b))

		for _, tc := range []struct {
			name     string
			patch    obj
			occupant string // "" for a move that succeeds
		}{
			{"onto the occupied U", obj{"position": 11}, "alpha"},
			{"growing into a neighbour", obj{"position": 8, "u_height": 3}, "alpha"},
			{"to the rear of a half-depth device while full depth", obj{"position": 30, "face": "rear"}, "half"},
			{"onto a U of a device in another rack", obj{"rack_id": other, "position": 10}, ""},
			{"back, onto its own U", obj{"rack_id": rack, "position": 20}, ""},
			{"renamed in place", obj{"name": "bravo-2"}, ""},
			{"half depth to the rear of a half-depth device", obj{"position": 30, "face": "rear", "full_depth": false}, ""},
			{"then to the front face taken by it", obj{"face": "front"}, "half"},
			{"next to alpha", obj{"position": 12, "u_height": 2, "full_depth": true}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := c.get(t, bItem)
				r := c.do(t, "PATCH", bItem, tc.patch)
				if tc.occupant == "" {
					got := r.want(t, 200)
					for k, v := range normal(t, tc.patch).(obj) {
						if !sameValue(t, got[k], v) {
							t.Errorf("%s = %v, want %v", k, got[k], v)
						}
					}
					return
				}
				d := wantErr(t, r, 409, "conflict", "position")
				if !strings.Contains(message(d), p("%q", tc.occupant)) {
					t.Errorf("message %q does not name the occupant %q", message(d), tc.occupant)
				}
				if got := c.get(t, bItem); !sameObj(got, before) {
					t.Errorf("device after refused move = %v, want %v", got, before)
				}
			})
		}
		t.Run("elevation after the moves", func(t *testing.T) {
			e := c.get(t, p("/api/v1/racks/%d/elevation", rack))
			units := e["units"].([]any)
			at := func(u int, face string) any {
				o, _ := units[42-u].(obj)[face].(obj)
				if o == nil {
					return nil
				}
				return intOf(t, o["id"])
			}
			for _, tc := range []struct {
				u    int
				face string
				want any
			}{
				{10, "front", idOf(t, a)}, {11, "rear", idOf(t, a)}, {12, "front", idOf(t, b)}, {13, "rear", idOf(t, b)},
				{14, "front", nil}, {20, "front", nil}, {30, "front", idOf(t, h)}, {30, "rear", nil},
			} {
				if got := at(tc.u, tc.face); got != tc.want {
					t.Errorf("U%d %s = %v, want %v", tc.u, tc.face, got, tc.want)
				}
			}
		})
	})
}

func TestRackElevation(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, rack := c.rackIn(t, "EL", 12)
		full := idOf(t, c.device(t, unit, "full2u", place{10, 2, "front", true}.body(rack)))
		rear := idOf(t, c.device(t, unit, "rear1u", place{3, 1, "rear", false}.body(rack)))
		front := idOf(t, c.device(t, unit, "front1u", place{3, 1, "front", false}.body(rack)))
		bottom := idOf(t, c.device(t, unit, "bottom", place{1, 1, "rear", false}.body(rack)))
		c.device(t, unit, "unracked", nil)

		e := c.get(t, p("/api/v1/racks/%d/elevation", rack))
		if r, _ := e["rack"].(obj); r == nil || idOf(t, r) != rack || intOf(t, r["u_height"]) != 12 {
			t.Errorf("rack = %v, want rack %d of 12U", e["rack"], rack)
		}
		// U10, U11 (full), U3 (both halves) and U1 (rear) are taken: 12-4 free.
		if got := intOf(t, e["free_u"]); got != 8 {
			t.Errorf("free_u = %d, want 8", got)
		}
		units, _ := e["units"].([]any)
		if len(units) != 12 {
			t.Fatalf("%d units, want 12", len(units))
		}
		want := map[int][2]int64{10: {full, full}, 11: {full, full}, 3: {front, rear}, 1: {0, bottom}}
		for i, raw := range units {
			slot, _ := raw.(obj)
			u := int(intOf(t, slot["u"]))
			if u != 12-i {
				t.Errorf("units[%d].u = %d, want %d (top to bottom)", i, u, 12-i)
			}
			for f, face := range []string{"front", "rear"} {
				v, present := slot[face]
				if !present {
					t.Errorf("U%d has no %s key, want an occupant or null", u, face)
					continue
				}
				var got int64
				if o, ok := v.(obj); ok {
					got = idOf(t, o)
					if o["name"] == nil || o["position"] == nil {
						t.Errorf("U%d %s occupant %v lacks name or position", u, face, o)
					}
				} else if v != nil {
					t.Errorf("U%d %s = %v, want an object or null", u, face, v)
				}
				if got != want[u][f] {
					t.Errorf("U%d %s = device %d, want %d", u, face, got, want[u][f])
				}
			}
		}
		if o := units[12-10].(obj)["front"].(obj); intOf(t, o["position"]) != 10 || intOf(t, o["u_height"]) != 2 || o["full_depth"] != true {
			t.Errorf("U10 front occupant = %v, want position 10, 2U, full depth", o)
		}

		empty := c.rack(t, c.room(t, unit, "empty room"), "empty", 5)
		e = c.get(t, p("/api/v1/racks/%d/elevation", empty))
		if intOf(t, e["free_u"]) != 5 || len(e["units"].([]any)) != 5 {
			t.Errorf("empty rack elevation = %v, want 5 free units", e)
		}
	})
}
