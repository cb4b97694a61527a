package web_test

import (
	"strings"
	"testing"
)

// validationCase is a POST (or PATCH) that must be refused with 400 naming
// field; contains, when set, must appear in that field's message.
type validationCase struct {
	name     string
	body     obj
	field    string
	contains string
}

// runValidation sends each case and checks the 400 and that nothing was
// created or audited.
func runValidation(t *testing.T, c *client, method, path string, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			audit := c.auditTotal(t)
			d := wantErr(t, c.do(t, method, path, tc.body), 400, "validation", tc.field)
			if tc.contains != "" && !strings.Contains(fieldMsg(d, tc.field), tc.contains) {
				t.Errorf("fields[%s] = %q, want it to contain %q", tc.field, fieldMsg(d, tc.field), tc.contains)
			}
			if got := c.auditTotal(t); got != audit {
				t.Errorf("audit rows %d after a refused write, want %d", got, audit)
			}
		})
	}
}

func TestUnits(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		good := obj{"code": "FIN", "name": "Finance Bureau", "kind": "department"}
		runValidation(t, c, "POST", "/api/v1/units", []validationCase{
			{"code missing", without(good, "code"), "code", "required"},
			{"code blank", merge(good, obj{"code": "   "}), "code", "required"},
			{"code too long", merge(good, obj{"code": strings.Repeat("C", 65)}), "code", "64"},
			{"name missing", without(good, "name"), "name", "required"},
			{"bad kind", merge(good, obj{"kind": "ministry"}), "kind", "department, county, park, other"},
		})
		if _, total := c.list(t, "/api/v1/units"); total != 0 {
			t.Fatalf("%d units after refused POSTs, want 0", total)
		}

		fin := c.create(t, "/api/v1/units", merge(good, obj{"code": "  FIN  "}))
		if fin["code"] != "FIN" || fin["kind"] != "department" {
			t.Errorf("created %v, want code trimmed to FIN and kind department", fin)
		}
		dflt := c.create(t, "/api/v1/units", obj{"code": "DEF", "name": "Defaults"})
		if dflt["kind"] != "department" {
			t.Errorf("kind defaults to %v, want department", dflt["kind"])
		}

		t.Run("duplicate code", func(t *testing.T) {
			wantErr(t, c.do(t, "POST", "/api/v1/units", merge(good, obj{"name": "Other"})), 409, "conflict", "code")
			wantErr(t, c.do(t, "PATCH", p("/api/v1/units/%d", idOf(t, dflt)), obj{"code": "FIN"}), 409, "conflict", "code")
			if got := c.get(t, p("/api/v1/units/%d", idOf(t, dflt))); got["code"] != "DEF" {
				t.Errorf("code after refused PATCH = %v, want DEF", got["code"])
			}
		})
		t.Run("patch validation", func(t *testing.T) {
			wantErr(t, c.do(t, "PATCH", p("/api/v1/units/%d", idOf(t, fin)), obj{"kind": "bogus"}), 400, "validation", "kind")
			wantErr(t, c.do(t, "PATCH", p("/api/v1/units/%d", idOf(t, fin)), obj{"name": ""}), 400, "validation", "name")
		})

		// A unit can't be deleted while anything refers to it.
		deps := []struct {
			name, noun string
			make       func(t *testing.T, unit int64)
		}{
			{"room", "rooms", func(t *testing.T, u int64) { c.room(t, u, "R") }},
			{"device", "devices", func(t *testing.T, u int64) { c.device(t, u, "d", nil) }},
			{"line", "lines", func(t *testing.T, u int64) {
				c.create(t, "/api/v1/lines", obj{"carrier": "CT", "circuit_id": p("C%d", u), "unit_id": u,
					"a_end": "a", "z_end": "z", "bandwidth_mbps": 10, "platform": "private"})
			}},
			{"lead project", "projects it leads", func(t *testing.T, u int64) {
				c.create(t, "/api/v1/projects", projectBody(p("L%d", u), u))
			}},
			{"participating project", "projects it takes part in", func(t *testing.T, u int64) {
				c.create(t, "/api/v1/projects", merge(projectBody(p("P%d", u), idOf(t, fin)), obj{"unit_ids": []int64{u}}))
			}},
		}
		for i, dep := range deps {
			t.Run("delete with "+dep.name, func(t *testing.T) {
				u := c.unit(t, p("DEP%d", i))
				dep.make(t, u)
				audit := c.auditTotal(t)
				d := wantErr(t, c.do(t, "DELETE", p("/api/v1/units/%d", u), nil), 409, "conflict", "")
				if !strings.Contains(message(d), dep.noun) {
					t.Errorf("message %q does not name the %s", message(d), dep.noun)
				}
				c.get(t, p("/api/v1/units/%d", u))
				if got := c.auditTotal(t); got != audit {
					t.Errorf("audit rows %d after a refused delete, want %d", got, audit)
				}
			})
		}
	})
}

func TestRooms(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		u1, u2 := c.unit(t, "R1"), c.unit(t, "R2")
		good := obj{"name": "Central machine room", "unit_id": u1, "kind": "central"}
		runValidation(t, c, "POST", "/api/v1/rooms", []validationCase{
			{"name missing", without(good, "name"), "name", "required"},
			{"unit_id missing", without(good, "unit_id"), "unit_id", "required"},
			{"unit_id does not exist", merge(good, obj{"unit_id": 999}), "unit_id", "999"},
			{"unit_id negative", merge(good, obj{"unit_id": -3}), "unit_id", ""},
			{"kind missing", without(good, "kind"), "kind", "central, unit"},
			{"bad kind", merge(good, obj{"kind": "cloud"}), "kind", "central, unit"},
			{"bad status", merge(good, obj{"status": "open"}), "status", "planned, active, retired"},
			{"address too long", merge(good, obj{"address": strings.Repeat("a", 501)}), "address", "500"},
		})
		central := c.create(t, "/api/v1/rooms", good)
		if central["status"] != "active" || central["address"] != "" {
			t.Errorf("defaults: %v, want status active and empty address", central)
		}
		id := idOf(t, central)
		private := idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "Old room", "unit_id": u2, "kind": "unit", "status": "planned"}))

		t.Run("patch to a missing unit", func(t *testing.T) {
			wantErr(t, c.do(t, "PATCH", p("/api/v1/rooms/%d", id), obj{"unit_id": 999}), 400, "validation", "unit_id")
			if got := c.get(t, p("/api/v1/rooms/%d", id)); intOf(t, got["unit_id"]) != u1 {
				t.Errorf("unit_id after refused PATCH = %v, want %d", got["unit_id"], u1)
			}
		})
		t.Run("filters", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []int64
			}{
				{p("unit_id=%d", u2), []int64{private}},
				{"kind=central", []int64{id}},
				{"status=planned", []int64{private}},
				{"q=ROOM", []int64{id, private}},
				{"q=old", []int64{private}},
				{p("unit_id=%d&kind=central", u2), []int64{}},
			} {
				items, total := c.list(t, "/api/v1/rooms?"+tc.query)
				if got := ids(t, items); total != len(tc.want) || !equalIDs(got, tc.want) {
					t.Errorf("%s: %v (total %d), want %v", tc.query, got, total, tc.want)
				}
			}
			wantErr(t, c.do(t, "GET", "/api/v1/rooms?status=closed", nil), 400, "validation", "status")
			wantErr(t, c.do(t, "GET", "/api/v1/rooms?unit_id=x", nil), 400, "validation", "unit_id")
		})
		t.Run("delete with racks", func(t *testing.T) {
			c.rack(t, id, "A01", 42)
			d := wantErr(t, c.do(t, "DELETE", p("/api/v1/rooms/%d", id), nil), 409, "conflict", "")
			if !strings.Contains(message(d), "rack") {
				t.Errorf("message %q does not name the racks", message(d))
			}
			c.get(t, p("/api/v1/rooms/%d", id))
		})
	})
}

func TestRacks(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		u := c.unit(t, "RK")
		roomA, roomB := c.room(t, u, "A"), c.room(t, u, "B")
		good := obj{"room_id": roomA, "name": "A01", "u_height": 42}
		runValidation(t, c, "POST", "/api/v1/racks", []validationCase{
			{"room_id missing", without(good, "room_id"), "room_id", "required"},
			{"room_id does not exist", merge(good, obj{"room_id": 999}), "room_id", "999"},
			{"name missing", without(good, "name"), "name", "required"},
			{"u_height 0", merge(good, obj{"u_height": 0}), "u_height", "between 1 and 60"},
			{"u_height 61", merge(good, obj{"u_height": 61}), "u_height", "between 1 and 60"},
			{"u_height negative", merge(good, obj{"u_height": -1}), "u_height", "between 1 and 60"},
		})
		a01 := c.create(t, "/api/v1/racks", without(good, "u_height"))
		if intOf(t, a01["u_height"]) != 42 {
			t.Errorf("u_height defaults to %v, want 42", a01["u_height"])
		}
		id := idOf(t, a01)
		for _, h := range []int{1, 60} {
			c.rack(t, roomA, p("H%d", h), h)
		}

		t.Run("duplicate name in room", func(t *testing.T) {
			wantErr(t, c.do(t, "POST", "/api/v1/racks", good), 409, "conflict", "name")
			c.rack(t, roomB, "A01", 42) // same name, other room
			wantErr(t, c.do(t, "PATCH", p("/api/v1/racks/%d", id), obj{"name": "H1"}), 409, "conflict", "name")
			if got := c.get(t, p("/api/v1/racks/%d", id)); got["name"] != "A01" {
				t.Errorf("name after refused PATCH = %v, want A01", got["name"])
			}
		})
		t.Run("patch validation", func(t *testing.T) {
			for _, body := range []obj{{"u_height": 61}, {"u_height": 0}, {"room_id": 999}, {"name": " "}} {
				r := c.do(t, "PATCH", p("/api/v1/racks/%d", id), body)
				if r.status != 400 {
					t.Errorf("PATCH %v: status %d, want 400: %s", body, r.status, r.raw)
				}
			}
		})
		t.Run("shrink under a device", func(t *testing.T) {
			dev := c.device(t, u, "tall-box", obj{"rack_id": id, "position": 30, "u_height": 4})
			audit := c.auditTotal(t)
			d := wantErr(t, c.do(t, "PATCH", p("/api/v1/racks/%d", id), obj{"u_height": 32}), 409, "conflict", "u_height")
			if !strings.Contains(message(d), "tall-box") || !strings.Contains(message(d), p("%d", idOf(t, dev))) {
				t.Errorf("message %q does not name device %d tall-box", message(d), idOf(t, dev))
			}
			if got := c.get(t, p("/api/v1/racks/%d", id)); intOf(t, got["u_height"]) != 42 {
				t.Errorf("u_height after refused shrink = %v, want 42", got["u_height"])
			}
			if got := c.auditTotal(t); got != audit {
				t.Errorf("audit rows %d after refused shrink, want %d", got, audit)
			}
			// The device's top is U33: shrinking to exactly that is fine.
			if got := c.patch(t, p("/api/v1/racks/%d", id), obj{"u_height": 33}); intOf(t, got["u_height"]) != 33 || got["name"] != "A01" {
				t.Errorf("PATCH u_height 33 = %v", got)
			}
			c.patch(t, p("/api/v1/racks/%d", id), obj{"u_height": 48})
		})
		t.Run("delete with devices", func(t *testing.T) {
			d := wantErr(t, c.do(t, "DELETE", p("/api/v1/racks/%d", id), nil), 409, "conflict", "")
			if !strings.Contains(message(d), "device") {
				t.Errorf("message %q does not name the devices", message(d))
			}
			c.get(t, p("/api/v1/racks/%d", id))
		})
		t.Run("filters", func(t *testing.T) {
			items, total := c.list(t, p("/api/v1/racks?room_id=%d", roomB))
			if total != 1 || items[0]["name"] != "A01" {
				t.Errorf("room_id=%d: %v", roomB, items)
			}
			if _, total := c.list(t, "/api/v1/racks?u_height=60"); total != 1 {
				t.Errorf("u_height=60: total %d, want 1", total)
			}
			wantErr(t, c.do(t, "GET", "/api/v1/racks?u_height=tall", nil), 400, "validation", "u_height")
		})
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
