package web_test

import (
	"strings"
	"testing"
	"time"
)

func TestAudit(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, rack := c.rackIn(t, "AU", 42)
		dev := c.device(t, unit, "audited", obj{"rack_id": rack, "position": 5, "serial": "S-1"})
		id := idOf(t, dev)
		item := p("/api/v1/devices/%d", id)
		blocker := c.device(t, unit, "blocker", obj{"rack_id": rack, "position": 6})
		patched := c.patch(t, item, obj{"name": "audited-2", "status": "active"})

		// Refused writes leave no row and no change.
		before := c.auditTotal(t)
		for _, tc := range []struct {
			name, method string
			body         any
			status       int
		}{
			{"invalid patch", "PATCH", obj{"status": "broken"}, 400},
			{"patch onto the blocker", "PATCH", obj{"position": 6, "name": "moved"}, 409},
			{"malformed patch", "PATCH", `{"name":`, 400},
			{"unknown field", "PATCH", obj{"name": "x", "colour": "red"}, 400},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.do(t, tc.method, item, tc.body)
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.raw)
				}
				if got := c.get(t, item); !sameObj(got, patched) {
					t.Errorf("device after refused write = %v, want %v", got, patched)
				}
			})
		}
		c.patch(t, p("/api/v1/devices/%d", idOf(t, blocker)), obj{"serial": "S-2"})
		before++ // that PATCH is audited
		wantErr(t, c.do(t, "PATCH", item, obj{"serial": "S-2", "name": "renamed"}), 409, "conflict", "serial")
		wantErr(t, c.do(t, "POST", "/api/v1/devices", obj{"name": "bad", "kind": "server", "unit_id": unit, "mgmt_ip": "nope"}), 400, "validation", "mgmt_ip")
		wantErr(t, c.do(t, "POST", "/api/v1/devices", obj{"name": "clash", "kind": "server", "unit_id": unit, "rack_id": rack, "position": 5}), 409, "conflict", "position")
		wantErr(t, c.do(t, "DELETE", p("/api/v1/racks/%d", rack), nil), 409, "conflict", "")
		if got := c.auditTotal(t); got != before {
			t.Errorf("audit rows %d after refused writes, want %d", got, before)
		}
		if got := c.get(t, item); got["name"] != "audited-2" {
			t.Errorf("device name %v after a refused PATCH, want audited-2", got["name"])
		}
		if _, total := c.list(t, "/api/v1/devices"); total != 2 {
			t.Errorf("%d devices after refused POSTs, want 2", total)
		}

		if r := c.do(t, "DELETE", item, nil); r.status != 204 {
			t.Fatalf("DELETE: %d %s", r.status, r.raw)
		}
		rows, total := c.list(t, p("/api/v1/audit?entity=device&entity_id=%d", id))
		if total != 3 || len(rows) != 3 {
			t.Fatalf("audit of device %d: %d rows (total %d), want 3: %v", id, len(rows), total, rows)
		}
		wantActions := []string{"delete", "update", "create"}
		var last time.Time
		for i, row := range rows {
			if row["action"] != wantActions[i] || row["actor"] != c.user || row["entity"] != "device" || intOf(t, row["entity_id"]) != id {
				t.Errorf("row %d = %v, want %s by %s of device %d", i, row, wantActions[i], c.user, id)
			}
			at, err := time.Parse(time.RFC3339Nano, row["at"].(string))
			if err != nil {
				t.Errorf("row %d at = %v: %v", i, row["at"], err)
			}
			if i > 0 && at.After(last) {
				t.Errorf("row %d at %v is after row %d at %v: want newest first", i, at, i-1, last)
			}
			last = at
			if i > 0 && idOf(t, row) >= idOf(t, rows[i-1]) {
				t.Errorf("row ids %d then %d: want newest first", idOf(t, rows[i-1]), idOf(t, row))
			}
		}
		del, upd, cre := rows[0], rows[1], rows[2]
		for _, tc := range []struct {
			name      string
			got       any
			wantNil   bool
			wantName  string
			wantState string
		}{
			{"create before", cre["before"], true, "", ""},
			{"create after", cre["after"], false, "audited", "planned"},
			{"update before", upd["before"], false, "audited", "planned"},
			{"update after", upd["after"], false, "audited-2", "active"},
			{"delete before", del["before"], false, "audited-2", "active"},
			{"delete after", del["after"], true, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.wantNil {
					if tc.got != nil {
						t.Errorf("= %v, want null", tc.got)
					}
					return
				}
				o, ok := tc.got.(obj)
				if !ok {
					t.Fatalf("= %v (%T), want an object", tc.got, tc.got)
				}
				if idOf(t, o) != id || o["name"] != tc.wantName || o["status"] != tc.wantState {
					t.Errorf("= %v, want device %d named %s, %s", o, id, tc.wantName, tc.wantState)
				}
				if intOf(t, o["position"]) != 5 || o["serial"] != "S-1" {
					t.Errorf("= %v, want the full device (position 5, serial S-1)", o)
				}
			})
		}
		for _, row := range rows {
			for _, k := range []string{"before", "after"} {
				if _, present := row[k]; !present {
					t.Errorf("row %v has no %s key; want null where there is none", row["action"], k)
				}
			}
		}

		t.Run("filters", func(t *testing.T) {
			if _, n := c.list(t, "/api/v1/audit?entity=device&action=create"); n != 2 {
				t.Errorf("device creates: %d, want 2", n)
			}
			if _, n := c.list(t, "/api/v1/audit?entity=rack"); n != 1 {
				t.Errorf("rack rows: %d, want 1", n)
			}
			if _, n := c.list(t, "/api/v1/audit?actor=cli"); n != 0 {
				t.Errorf("cli rows: %d, want 0", n)
			}
			items, n := c.list(t, "/api/v1/audit?limit=2")
			if n != before+1 || len(items) != 2 || items[0]["action"] != "delete" {
				t.Errorf("limit=2: %d items (total %d, want %d), first %v", len(items), n, before+1, items)
			}
			wantErr(t, c.do(t, "GET", "/api/v1/audit?entity=server", nil), 400, "validation", "entity")
			wantErr(t, c.do(t, "GET", "/api/v1/audit?action=read", nil), 400, "validation", "action")
			wantErr(t, c.do(t, "GET", "/api/v1/audit?entity_id=x", nil), 400, "validation", "entity_id")
			wantErr(t, c.do(t, "GET", "/api/v1/audit?limit=5000", nil), 400, "validation", "limit")
		})
	})
}

// TestAuditBeforeOfPatchedReferences checks the before snapshot of PATCHes
// that change nullable fields (position, rack, specs, price, dates): it must
// show the stored values, not the patched ones.
func TestAuditBeforeOfPatchedReferences(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, room, rack := c.rackIn(t, "AB", 42)
		rack2 := c.rack(t, room, "AB-2", 42)
		dev := c.device(t, unit, "moved", obj{"rack_id": rack, "position": 5, "purchase_price": 100,
			"specs": obj{"cpu_cores": 8, "memory_gb": 64}})
		line := c.create(t, "/api/v1/lines", merge(lineBody(unit, "CT", "AB-1"), obj{"start_date": "2020-01-01", "end_date": "2022-12-31"}))

		for _, tc := range []struct {
			name, entity string
			id           int64
			patch        obj
			field        string // dotted for specs
			was          string
		}{
			{"device position", "device", idOf(t, dev), obj{"position": 7}, "position", "5"},
			{"device rack", "device", idOf(t, dev), obj{"rack_id": rack2, "position": 9}, "rack_id", p("%d", rack)},
			{"device price", "device", idOf(t, dev), obj{"purchase_price": 250}, "purchase_price", "100"},
			{"device specs", "device", idOf(t, dev), obj{"specs": obj{"cpu_cores": 16}}, "specs.cpu_cores", "8"},
			{"line start_date", "line", idOf(t, line), obj{"start_date": "2021-06-01"}, "start_date", "2020-01-01"},
			{"line end_date", "line", idOf(t, line), obj{"end_date": "2025-12-31"}, "end_date", "2022-12-31"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				path := p("/api/v1/%ss/%d", tc.entity, tc.id)
				c.patch(t, path, tc.patch)
				rows, _ := c.list(t, p("/api/v1/audit?entity=%s&entity_id=%d&limit=1", tc.entity, tc.id))
				if len(rows) != 1 || rows[0]["action"] != "update" {
					t.Fatalf("latest audit row = %v, want an update", rows)
				}
				before, _ := rows[0]["before"].(obj)
				after, _ := rows[0]["after"].(obj)
				pick := func(o obj) any {
					if f, ok := strings.CutPrefix(tc.field, "specs."); ok {
						s, _ := o["specs"].(obj)
						return normalize(s[f])
					}
					return normalize(o[tc.field])
				}
				if got := pick(before); got != tc.was {
					t.Errorf("audit before.%s = %v, want the stored %s (after.%s = %v)", tc.field, got, tc.was, tc.field, pick(after))
				}
				if pick(before) == pick(after) {
					t.Errorf("audit before and after agree on %s (%v): the change is lost", tc.field, pick(after))
				}
			})
		}
	})
}
