package web_test

import (
	"testing"
)

// TestLookAlikesClash: identifiers that differ only in case, full-width
// characters or surrounding spaces are the same identifier: 409 naming the
// field, on create and on rename.
func TestLookAlikesClash(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, room, _ := c.rackIn(t, "LOOK", 42)
		otherRoom := c.room(t, unit, "Other room")
		dev := func(extra obj) obj {
			return merge(obj{"name": "srv", "kind": "server", "unit_id": unit}, extra)
		}
		cases := []struct {
			name, coll   string
			first, again obj
			renamed      obj // a distinct record that PATCH then renames to the look-alike
			field        string
		}{
			{"serial per manufacturer", "/api/v1/devices",
				dev(obj{"manufacturer": "Inspur", "serial": "NF5280M6-210004"}),
				dev(obj{"manufacturer": "inspur", "serial": "nf5280m6-210004"}),
				dev(obj{"manufacturer": "Inspur", "serial": "NF5280M6-210005"}), "serial"},
			{"full-width serial", "/api/v1/devices",
				dev(obj{"manufacturer": "Huawei", "serial": "2102-AB"}),
				dev(obj{"manufacturer": " HUAWEI ", "serial": "２１０２－ａｂ"}),
				dev(obj{"manufacturer": "Huawei", "serial": "2102-AC"}), "serial"},
			{"asset tag", "/api/v1/devices",
				dev(obj{"asset_tag": "ZC-0001"}), dev(obj{"asset_tag": "zc-0001"}), dev(obj{"asset_tag": "ZC-0002"}), "asset_tag"},
			{"unit code", "/api/v1/units",
				obj{"code": "XZ-GA", "name": "A"}, obj{"code": "xz-ga", "name": "B"}, obj{"code": "XZ-GB", "name": "C"}, "code"},
			{"rack name in a room", "/api/v1/racks",
				obj{"room_id": room, "name": "B07"}, obj{"room_id": room, "name": "ｂ07"}, obj{"room_id": room, "name": "B08"}, "name"},
			{"circuit per carrier", "/api/v1/lines",
				lineBody(unit, "China Telecom", "CT-XX-9"), lineBody(unit, "CHINA TELECOM", "ct-xx-9"), lineBody(unit, "China Telecom", "CT-XX-10"), "circuit_id"},
			{"project code", "/api/v1/projects",
				projectBody("XZ-2026-01", unit), projectBody("xz-2026-01", unit), projectBody("XZ-2026-02", unit), "code"},
			{"profile name", "/api/v1/snmp-profiles",
				obj{"name": "Core", "version": "2c", "community": "public-x"}, obj{"name": "CORE", "version": "2c", "community": "public-x"},
				obj{"name": "Edge", "version": "2c", "community": "public-x"}, "name"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				first := c.create(t, tc.coll, tc.first)
				wantErr(t, c.do(t, "POST", tc.coll, tc.again), 409, "conflict", tc.field)
				other := c.create(t, tc.coll, tc.renamed)
				patch := obj{}
				for k, v := range tc.again {
					if k != "unit_id" && k != "lead_unit_id" {
						patch[k] = v
					}
				}
				wantErr(t, c.do(t, "PATCH", p("%s/%d", tc.coll, idOf(t, other)), patch), 409, "conflict", tc.field)
				// The record itself may change its own case.
				c.patch(t, p("%s/%d", tc.coll, idOf(t, first)), patch)
			})
		}
		t.Run("same rack name in another room", func(t *testing.T) {
			c.create(t, "/api/v1/racks", obj{"room_id": otherRoom, "name": "b07"})
		})
		t.Run("different manufacturer", func(t *testing.T) {
			c.create(t, "/api/v1/devices", dev(obj{"manufacturer": "Dell", "serial": "NF5280M6-210004"}))
		})
	})
}

// TestLookAlikesRace: writers racing with look-alike codes get one success
// and 409s naming the field, never two winners or a 500.
func TestLookAlikesRace(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		forms := []string{"RACE-1", "race-1", "Race-1 ", "ＲＡＣＥ－１", "rAcE-1", "RACE-１"}
		res := c.race(t, len(forms), "POST", "/api/v1/units", func(i int) obj {
			return obj{"code": forms[i], "name": "race"}
		})
		won := 0
		for _, r := range res {
			switch r.status {
			case 201:
				won++
			case 409:
				wantErr(t, r, 409, "conflict", "code")
			default:
				t.Errorf("status %d: %s", r.status, r.raw)
			}
		}
		if won != 1 {
			t.Errorf("%d look-alike codes created, want 1", won)
		}
	})
}
