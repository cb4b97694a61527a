package web_test

import "testing"

// TestOutOfRangeInput sends well-formed values at the edges of what the
// columns hold. The API may refuse them (400 naming the field) or store them
// exactly; it must never answer 500 ("never a 500 for bad input"), and both
// dialects must behave the same way.
func TestOutOfRangeInput(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, rack := c.rackIn(t, "OR", 42)
		line := func(circuit string, extra obj) obj {
			return merge(lineBody(unit, "CT", circuit), extra)
		}
		for _, tc := range []struct {
			name, path, field string
			body              obj
		}{
			{"bandwidth beyond 32 bits", "/api/v1/lines", "bandwidth_mbps", line("C-1", obj{"bandwidth_mbps": 3000000000})},
			{"start_date in year 0", "/api/v1/lines", "start_date", line("C-2", obj{"start_date": "0000-01-01"})},
			{"NUL in a unit code", "/api/v1/units", "code", obj{"code": "A\x00B", "name": "nul"}},
			{"NUL in a device name", "/api/v1/devices", "name", obj{"name": "web\x0001", "kind": "server", "unit_id": unit}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				body := tc.body
				r := c.do(t, "POST", tc.path, body)
				switch r.status {
				case 400:
					wantErr(t, r, 400, "validation", tc.field)
				case 201:
					got := c.get(t, p("%s/%d", tc.path, idOf(t, r.obj(t))))
					if want := normal(t, body).(obj)[tc.field]; !sameValue(t, got[tc.field], want) {
						t.Errorf("stored %s = %v, want %v as sent", tc.field, got[tc.field], want)
					}
				default:
					t.Errorf("status %d, want 400 naming %s or 201 storing it: %s", r.status, tc.field, r.raw)
				}
			})
		}
		t.Run("position overflowing the top", func(t *testing.T) {
			// position + u_height - 1 overflows int64; the device would sit
			// far above the 42U rack.
			body := obj{"name": "overflow", "kind": "server", "unit_id": unit, "rack_id": rack,
				"position": int64(9223372036854775807), "u_height": 2}
			wantErr(t, c.do(t, "POST", "/api/v1/devices", body), 400, "validation", "position")
			if _, total := c.list(t, p("/api/v1/devices?rack_id=%d", rack)); total != 0 {
				t.Errorf("%d devices in the rack, want 0", total)
			}
		})
		for _, q := range []string{
			"/api/v1/racks?u_height=99999999999",
			"/api/v1/racks?u_height=-99999999999",
			"/api/v1/projects?plan_year=99999999999",
			"/api/v1/units?code=%00",
			"/api/v1/units?q=a%00",
		} {
			t.Run("GET "+q, func(t *testing.T) {
				r := c.do(t, "GET", q, nil)
				switch r.status {
				case 200:
					if o := r.obj(t); o["items"] == nil || o["total"] == nil {
						t.Errorf("want a list: %s", r.raw)
					}
				case 400:
					wantErr(t, r, 400, "validation", "")
				default:
					t.Errorf("status %d, want 200 (nothing matches) or 400: %s", r.status, r.raw)
				}
			})
		}
	})
}
