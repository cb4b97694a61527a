package web_test

import (
	"strings"
	"testing"
)

func TestDeviceValidation(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, rack := c.rackIn(t, "DV", 42)
		good := obj{"name": "db01", "kind": "server", "unit_id": unit, "rack_id": rack, "position": 1}
		runValidation(t, c, "POST", "/api/v1/devices", []validationCase{
			{"name missing", without(good, "name"), "name", "required"},
			{"kind missing", without(good, "kind"), "kind", "server, switch, router, firewall, storage, security, other"},
			{"bad kind", merge(good, obj{"kind": "mainframe"}), "kind", "server, switch, router"},
			{"unit_id missing", without(good, "unit_id"), "unit_id", "required"},
			{"unit_id does not exist", merge(good, obj{"unit_id": 999}), "unit_id", "999"},
			{"project_id does not exist", merge(good, obj{"project_id": 999}), "project_id", "999"},
			{"snmp_profile_id does not exist", merge(good, obj{"snmp_profile_id": 999}), "snmp_profile_id", "999"},
			{"rack_id does not exist", merge(good, obj{"rack_id": 999}), "rack_id", "999"},
			{"mgmt_ip not an IP", merge(good, obj{"mgmt_ip": "db01.local"}), "mgmt_ip", "db01.local"},
			{"mgmt_ip octet too big", merge(good, obj{"mgmt_ip": "10.0.0.300"}), "mgmt_ip", ""},
			{"mgmt_ip with prefix", merge(good, obj{"mgmt_ip": "10.0.0.0/24"}), "mgmt_ip", ""},
			{"negative purchase_price", merge(good, obj{"purchase_price": -1}), "purchase_price", ""},
			{"u_height 0", merge(good, obj{"u_height": 0}), "u_height", ""},
			{"u_height 61", merge(good, obj{"u_height": 61}), "u_height", ""},
			{"bad face", merge(good, obj{"face": "side"}), "face", "front, rear"},
			{"bad status", merge(good, obj{"status": "broken"}), "status", "planned, staged, active, offline, decommissioned"},
			{"position 0", merge(good, obj{"position": 0}), "position", ""},
			{"position negative", merge(good, obj{"position": -2}), "position", ""},
			{"rack_id without position", without(good, "position"), "position", "rack_id"},
			{"position without rack_id", without(good, "rack_id"), "rack_id", "position"},
			{"above the top of the rack", merge(good, obj{"position": 41, "u_height": 3}), "position", "U43"},
			{"position above the rack", merge(good, obj{"position": 43}), "position", ""},
			{"negative cpu_cores", merge(good, obj{"specs": obj{"cpu_cores": -1}}), "specs.cpu_cores", ""},
			{"negative memory_gb", merge(good, obj{"specs": obj{"memory_gb": -8}}), "specs.memory_gb", ""},
			{"unknown spec", merge(good, obj{"specs": obj{"gpus": 2}}), "gpus", ""},
		})
		if _, total := c.list(t, "/api/v1/devices"); total != 0 {
			t.Fatalf("%d devices after refused POSTs, want 0", total)
		}

		t.Run("limits accepted", func(t *testing.T) {
			top := c.device(t, unit, "top", obj{"rack_id": rack, "position": 41, "u_height": 2, "mgmt_ip": "fe80::1"})
			if intOf(t, top["position"]) != 41 || top["mgmt_ip"] != "fe80::1" {
				t.Errorf("created %v", top)
			}
			d := c.device(t, unit, "defaults", nil)
			defaults := obj{"u_height": "1", "face": "front", "full_depth": true, "status": "planned",
				"rack_id": nil, "position": nil, "project_id": nil, "purchase_price": nil, "serial": "", "mgmt_ip": ""}
			for k, want := range defaults {
				if got := d[k]; normalize(got) != want {
					t.Errorf("default %s = %v, want %v", k, got, want)
				}
			}
			if specs, _ := d["specs"].(obj); len(specs) != 4 || specs["cpu_cores"] != nil {
				t.Errorf("specs = %v, want four null figures", d["specs"])
			}
		})
		t.Run("patch validation", func(t *testing.T) {
			dev := c.device(t, unit, "patchme", obj{"rack_id": rack, "position": 20, "mgmt_ip": "10.0.0.9"})
			item := p("/api/v1/devices/%d", idOf(t, dev))
			runValidation(t, c, "PATCH", item, []validationCase{
				{"unrack only rack_id", obj{"rack_id": nil}, "rack_id", ""},
				{"unrack only position", obj{"position": nil}, "position", ""},
				{"position above the rack", obj{"position": 42, "u_height": 2}, "position", ""},
				{"unit_id does not exist", obj{"unit_id": 999}, "unit_id", ""},
				{"bad mgmt_ip", obj{"mgmt_ip": "x"}, "mgmt_ip", ""},
				{"rack_id does not exist", obj{"rack_id": 999}, "rack_id", ""},
			})
			if got := c.get(t, item); !sameObj(got, dev) {
				t.Errorf("device after refused PATCHes = %v, want %v", got, dev)
			}
			got := c.patch(t, item, obj{"rack_id": nil, "position": nil})
			if got["rack_id"] != nil || got["position"] != nil || got["mgmt_ip"] != "10.0.0.9" {
				t.Errorf("unracked = %v, want rack_id and position null, mgmt_ip kept", got)
			}
		})
	})
}

func TestDeviceUniqueness(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "UQ")
		first := c.device(t, unit, "first", obj{"manufacturer": "Huawei", "serial": "2102311", "asset_tag": "GOV-0001"})
		other := c.device(t, unit, "other", obj{"manufacturer": "Huawei", "serial": "2102312", "asset_tag": "GOV-0002"})
		for _, tc := range []struct {
			name   string
			body   obj
			status int
			field  string
		}{
			{"same serial same manufacturer", obj{"manufacturer": "Huawei", "serial": "2102311"}, 409, "serial"},
			{"same serial padded", obj{"manufacturer": "Huawei", "serial": " 2102311 "}, 409, "serial"},
			{"same serial other manufacturer", obj{"manufacturer": "H3C", "serial": "2102311"}, 201, ""},
			{"same asset tag", obj{"manufacturer": "Dell", "asset_tag": "GOV-0001"}, 409, "asset_tag"},
			{"no serial twice", obj{"manufacturer": "Huawei"}, 201, ""},
			{"no serial again", obj{"manufacturer": "Huawei"}, 201, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.do(t, "POST", "/api/v1/devices", merge(obj{"name": "dup", "kind": "switch", "unit_id": unit}, tc.body))
				if tc.status == 201 {
					r.want(t, 201)
					return
				}
				d := wantErr(t, r, 409, "conflict", tc.field)
				if !strings.Contains(message(d), p("device %d", idOf(t, first))) || !strings.Contains(message(d), "first") {
					t.Errorf("message %q does not name device %d \"first\"", message(d), idOf(t, first))
				}
			})
		}
		t.Run("patch into a duplicate", func(t *testing.T) {
			item := p("/api/v1/devices/%d", idOf(t, other))
			wantErr(t, c.do(t, "PATCH", item, obj{"serial": "2102311"}), 409, "conflict", "serial")
			wantErr(t, c.do(t, "PATCH", item, obj{"asset_tag": "GOV-0001"}), 409, "conflict", "asset_tag")
			if got := c.get(t, item); !sameObj(got, other) {
				t.Errorf("device after refused PATCHes = %v, want %v", got, other)
			}
			// Its own serial and tag are no conflict.
			c.patch(t, item, obj{"serial": "2102312", "asset_tag": "GOV-0002", "name": "renamed"})
		})
	})
}

func TestDeviceListing(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		u1, roomA, rackA := c.rackIn(t, "A", 42)
		u2, roomB, rackB := c.rackIn(t, "B", 42)
		rackA2 := c.rack(t, roomA, "A-2", 42)
		dev := func(name string, unit int64, extra obj) int64 { return idOf(t, c.device(t, unit, name, extra)) }
		web := dev("web01", u1, obj{"rack_id": rackA, "position": 1, "status": "active", "serial": "ABC-123x", "asset_tag": "TAG-77"})
		db := dev("DB01", u1, obj{"rack_id": rackA2, "position": 1, "full_depth": false, "kind": "storage"})
		sw := dev("core-switch", u2, obj{"rack_id": rackB, "position": 40, "status": "active", "kind": "switch", "manufacturer": "H3C"})
		spare := dev("spare", u2, obj{"serial": "XYZ-100%", "status": "offline"})
		pct := dev("lab_box", u1, nil)

		for _, tc := range []struct {
			query string
			want  []int64
		}{
			{p("unit_id=%d", u1), []int64{web, db, pct}},
			{"status=active", []int64{web, sw}},
			{p("status=active&unit_id=%d", u2), []int64{sw}},
			{"rack_id=null", []int64{spare, pct}},
			{"room_id=null", []int64{spare, pct}},
			{p("rack_id=%d", rackA2), []int64{db}},
			{p("room_id=%d", roomA), []int64{web, db}},
			{p("room_id=%d", roomB), []int64{sw}},
			{"kind=switch", []int64{sw}},
			{"full_depth=false", []int64{db}},
			{"manufacturer=H3C", []int64{sw}},
			{"q=WEB", []int64{web}},
			{"q=db0", []int64{db}},
			{"q=abc-123X", []int64{web}},
			{"q=tag-7", []int64{web}},
			{"q=01", []int64{web, db}},
			{"q=%25", []int64{spare}},
			{"q=_", []int64{pct}},
			{"q=nothing-like-this", []int64{}},
			{"q=01&limit=1&offset=1", []int64{db}},
		} {
			t.Run(tc.query, func(t *testing.T) {
				items, total := c.list(t, "/api/v1/devices?"+tc.query)
				got := ids(t, items)
				if !equalIDs(got, tc.want) {
					t.Errorf("ids %v, want %v", got, tc.want)
				}
				if _, paged := strings.CutPrefix(tc.query, "q=01&limit"); !paged && total != len(tc.want) {
					t.Errorf("total %d, want %d", total, len(tc.want))
				} else if paged && total != 2 {
					t.Errorf("total %d, want 2", total)
				}
			})
		}
		for _, tc := range []struct{ query, field, contains string }{
			{"status=broken", "status", "planned, staged, active, offline, decommissioned"},
			{"kind=mainframe", "kind", "server"},
			{"unit_id=abc", "unit_id", "abc"},
			{"unit_id=0", "unit_id", ""},
			{"full_depth=maybe", "full_depth", ""},
			{"serial=ABC-123x", "serial", "unit_id"},
		} {
			t.Run("refused "+tc.query, func(t *testing.T) {
				d := wantErr(t, c.do(t, "GET", "/api/v1/devices?"+tc.query, nil), 400, "validation", tc.field)
				if !strings.Contains(fieldMsg(d, tc.field), tc.contains) {
					t.Errorf("fields[%s] = %q, want it to contain %q", tc.field, fieldMsg(d, tc.field), tc.contains)
				}
			})
		}
	})
}

// normalize turns a decoded JSON value into a comparable one: numbers as their
// text.
func normalize(v any) any {
	if n, ok := v.(interface{ String() string }); ok {
		return n.String()
	}
	return v
}

// sameObj compares two decoded objects by their JSON text.
func sameObj(a, b obj) bool {
	return p("%v", a) == p("%v", b)
}
