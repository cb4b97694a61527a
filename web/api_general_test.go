package web_test

import (
	"strings"
	"testing"
)

var collections = []string{"units", "rooms", "racks", "devices", "lines", "projects", "snmp-profiles"}

func TestHealthAndOpenAPI(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		h := c.get(t, "/api/v1/health")
		if h["dialect"] != c.dialect {
			t.Errorf("health dialect = %v, want %q", h["dialect"], c.dialect)
		}
		if v := intOf(t, h["schema_version"]); v < 1 {
			t.Errorf("schema_version = %d, want >= 1", v)
		}
		if h["status"] != "ok" {
			t.Errorf("health status = %v, want ok", h["status"])
		}

		r := c.do(t, "GET", "/api/v1/openapi.yaml", nil)
		if r.status != 200 || !strings.HasPrefix(string(r.raw), "openapi:") {
			t.Errorf("openapi.yaml: status %d, body starts %.40q; want 200 and an OpenAPI document", r.status, r.raw)
		}
		if ct := r.header.Get("Content-Type"); !strings.Contains(ct, "yaml") {
			t.Errorf("openapi.yaml Content-Type %q, want YAML", ct)
		}
	})
}

func TestUnknownRoute(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		// Outside the API an unknown path is a page that says so.
		if r := c.do(t, "GET", "/nope", nil); r.status != 404 ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.raw), "/nope") {
			t.Errorf("GET /nope: %d %s", r.status, r.header.Get("Content-Type"))
		}
		for _, tc := range []struct{ name, method, path string }{
			{"unknown collection", "GET", "/api/v1/nope"},
			{"unknown sub-resource", "GET", "/api/v1/units/1/nope"},
			{"POST to unknown collection", "POST", "/api/v1/nope"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := wantErr(t, c.do(t, tc.method, tc.path, nil), 404, "not_found", "")
				if !strings.Contains(message(d), tc.path) {
					t.Errorf("message %q does not name the path %s", message(d), tc.path)
				}
			})
		}
	})
}

// TestBadBodies sends broken bodies to every collection's POST and to PATCH of
// an existing item, which must be left as it was.
func TestBadBodies(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "BODY")
		item := p("/api/v1/units/%d", unit)
		orig := c.get(t, item)
		audit := c.auditTotal(t)
		// Bodies; NAME stands for a string field of the collection.
		cases := []struct {
			name, body  string
			code, field string
		}{
			{"malformed JSON", `{"NAME":`, "bad_request", ""},
			{"syntax error", `{"NAME" "x"}`, "bad_request", ""},
			{"array", `[1, 2]`, "bad_request", ""},
			{"string", `"units"`, "bad_request", ""},
			{"trailing data", `{"NAME": "a"} {"NAME": "b"}`, "bad_request", ""},
			{"trailing garbage", `{"NAME": "a"}x`, "bad_request", ""},
			{"empty body", ``, "bad_request", ""},
			{"blank body", " \n\t ", "bad_request", ""},
			{"unknown field", `{"NAME": "a", "colour": "red"}`, "validation", "colour"},
			{"wrong type", `{"NAME": 12}`, "validation", "NAME"},
		}
		nameOf := map[string]string{"lines": "carrier"}
		for _, coll := range collections {
			field := "name"
			if f, ok := nameOf[coll]; ok {
				field = f
			}
			for _, tc := range cases {
				t.Run("POST "+coll+" "+tc.name, func(t *testing.T) {
					body := strings.ReplaceAll(tc.body, "NAME", field)
					wantErr(t, c.do(t, "POST", "/api/v1/"+coll, body), 400, tc.code, strings.ReplaceAll(tc.field, "NAME", field))
				})
			}
		}
		for _, tc := range cases {
			t.Run("PATCH "+tc.name, func(t *testing.T) {
				body := strings.ReplaceAll(tc.body, "NAME", "name")
				wantErr(t, c.do(t, "PATCH", item, body), 400, tc.code, strings.ReplaceAll(tc.field, "NAME", "name"))
			})
		}
		// Over 1 MiB: app.Test reports the server's refusal as an error, so
		// these go through a listener, as a real client's would.
		huge := `{"code":"BIG","name":"` + strings.Repeat("x", 1<<20) + `"}`
		for _, req := range [][2]string{{"POST", "/api/v1/units"}, {"POST", "/api/v1/devices"}, {"PATCH", item}} {
			t.Run(req[0]+" "+req[1]+" over 1 MiB", func(t *testing.T) {
				d := wantErr(t, c.doListening(t, req[0], req[1], huge), 413, "too_large", "")
				if !strings.Contains(message(d), "1 MiB") {
					t.Errorf("message %q does not give the limit", message(d))
				}
			})
		}
		t.Run("just under 1 MiB", func(t *testing.T) {
			body := `{"code":"BIG","name":"` + strings.Repeat("x", 1<<20-100) + `"}`
			// Read and refused by validation (name too long), not by size.
			wantErr(t, c.doListening(t, "POST", "/api/v1/units", body), 400, "validation", "name")
		})
		t.Run("nothing changed", func(t *testing.T) {
			if got := c.get(t, item); got["name"] != orig["name"] || got["code"] != orig["code"] {
				t.Errorf("unit after bad PATCHes = %v, want %v", got, orig)
			}
			if got := c.auditTotal(t); got != audit {
				t.Errorf("audit rows %d after refused writes, want %d", got, audit)
			}
			for _, coll := range collections[1:] {
				if _, total := c.list(t, "/api/v1/"+coll); total != 0 {
					t.Errorf("%s: %d rows after refused POSTs, want 0", coll, total)
				}
			}
		})
	})
}

func TestWrongTypes(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		for _, tc := range []struct{ name, coll, body, field string }{
			{"rack u_height string", "racks", `{"room_id": 1, "name": "A", "u_height": "tall"}`, "u_height"},
			{"rack u_height fraction", "racks", `{"room_id": 1, "name": "A", "u_height": 1.5}`, "u_height"},
			{"room unit_id string", "rooms", `{"name": "A", "unit_id": "1", "kind": "central"}`, "unit_id"},
			{"device full_depth string", "devices", `{"name": "A", "full_depth": "yes"}`, "full_depth"},
			{"device nested spec", "devices", `{"name": "A", "specs": {"cpu_cores": "many"}}`, "specs.cpu_cores"},
			{"device position object", "devices", `{"name": "A", "position": {}}`, "position"},
			{"line bandwidth string", "lines", `{"bandwidth_mbps": "100M"}`, "bandwidth_mbps"},
			{"line fee string", "lines", `{"monthly_fee": "cheap"}`, "monthly_fee"},
			{"project unit_ids not array", "projects", `{"unit_ids": 3}`, "unit_ids"},
			{"project classified string", "projects", `{"classified": "no"}`, "classified"},
			{"snmp port string", "snmp-profiles", `{"port": "snmp"}`, "port"},
			{"snmp community number", "snmp-profiles", `{"community": 42}`, "community"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := wantErr(t, c.do(t, "POST", "/api/v1/"+tc.coll, tc.body), 400, "validation", tc.field)
				if msg := fieldMsg(d, tc.field); !strings.Contains(msg, "must be") {
					t.Errorf("fields[%s] = %q, want it to say what the field must be", tc.field, msg)
				}
			})
		}
	})
}

func TestIDsInPath(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		paths := []string{}
		for _, coll := range collections {
			paths = append(paths, "/api/v1/"+coll)
		}
		for _, base := range paths {
			for _, m := range []string{"GET", "PATCH", "DELETE"} {
				t.Run(m+" "+base+" missing", func(t *testing.T) {
					wantErr(t, c.do(t, m, base+"/999999", `{"name": "x"}`), 404, "not_found", "")
				})
				for _, bad := range []string{"abc", "0", "-1", "1.5", "99999999999999999999"} {
					t.Run(m+" "+base+" "+bad, func(t *testing.T) {
						d := wantErr(t, c.do(t, m, base+"/"+bad, `{"name": "x"}`), 400, "bad_request", "")
						if !strings.Contains(message(d), bad) {
							t.Errorf("message %q does not quote the id %q", message(d), bad)
						}
					})
				}
			}
		}
		for _, sub := range []string{"/api/v1/racks/%s/elevation", "/api/v1/lines/%s/history"} {
			t.Run(sub, func(t *testing.T) {
				wantErr(t, c.do(t, "GET", p(sub, "999999"), nil), 404, "not_found", "")
				wantErr(t, c.do(t, "GET", p(sub, "abc"), nil), 400, "bad_request", "")
			})
		}
	})
}

// TestListParams checks paging parameters and filters on every collection.
func TestListParams(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		for _, coll := range collections {
			base := "/api/v1/" + coll
			t.Run(coll+" empty", func(t *testing.T) {
				r := c.do(t, "GET", base, nil)
				if r.status != 200 || strings.ReplaceAll(string(r.raw), " ", "") != `{"items":[],"total":0}` {
					t.Errorf("empty list: %d %s, want 200 {\"items\":[],\"total\":0}", r.status, r.raw)
				}
			})
			for _, tc := range []struct{ query, field string }{
				{"limit=1001", "limit"},
				{"limit=abc", "limit"},
				{"limit=0", "limit"},
				{"limit=-5", "limit"},
				{"offset=-1", "offset"},
				{"offset=x", "offset"},
				{"colour=red", "colour"},
			} {
				t.Run(coll+" "+tc.query, func(t *testing.T) {
					wantErr(t, c.do(t, "GET", base+"?"+tc.query, nil), 400, "validation", tc.field)
				})
			}
			t.Run(coll+" limit=1000", func(t *testing.T) {
				c.list(t, base+"?limit=1000&offset=5")
			})
		}
		t.Run("unknown filter lists the known ones", func(t *testing.T) {
			d := wantErr(t, c.do(t, "GET", "/api/v1/devices?colour=red", nil), 400, "validation", "colour")
			if msg := fieldMsg(d, "colour"); !strings.Contains(msg, "unit_id") || !strings.Contains(msg, "rack_id") {
				t.Errorf("fields.colour = %q, want the device filters listed", msg)
			}
		})
	})
}

func TestPaging(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		var all []int64
		for _, code := range []string{"P1", "P2", "P3", "P4", "P5"} {
			all = append(all, c.unit(t, code))
		}
		for _, tc := range []struct {
			name, query string
			want        []int64
		}{
			{"default", "", all},
			{"first page", "?limit=2", all[:2]},
			{"second page", "?limit=2&offset=2", all[2:4]},
			{"last partial page", "?limit=2&offset=4", all[4:]},
			{"past the end", "?limit=2&offset=10", nil},
			{"offset only", "?offset=3", all[3:]},
		} {
			t.Run(tc.name, func(t *testing.T) {
				items, total := c.list(t, "/api/v1/units"+tc.query)
				if total != len(all) {
					t.Errorf("total %d, want %d", total, len(all))
				}
				got := ids(t, items)
				if len(got) != len(tc.want) {
					t.Fatalf("ids %v, want %v", got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Fatalf("ids %v, want %v", got, tc.want)
					}
				}
			})
		}
		t.Run("q and filter", func(t *testing.T) {
			items, total := c.list(t, "/api/v1/units?q=p3")
			if total != 1 || len(items) != 1 || idOf(t, items[0]) != all[2] {
				t.Errorf("q=p3: %v (total %d), want unit %d only", ids(t, items), total, all[2])
			}
			if _, total := c.list(t, "/api/v1/units?code=P4&kind=department"); total != 1 {
				t.Errorf("code=P4: total %d, want 1", total)
			}
			wantErr(t, c.do(t, "GET", "/api/v1/units?kind=ministry", nil), 400, "validation", "kind")
		})
	})
}
