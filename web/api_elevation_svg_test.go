package web_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

func init() { openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.FileBodyDecoder) }

// TestRackElevationSVG: render=svg draws the rack as a standalone file;
// JSON stays the default; unit staff see another unit's device as bare
// occupied space, with no name, serial, unit or project.
func TestRackElevationSVG(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, rack := c.rackIn(t, "SVG", 12)
		other := c.unit(t, "OTHER")
		proj := idOf(t, c.create(t, "/api/v1/projects", obj{"code": "XM-2025-09", "name": "政务云扩容", "lead_unit_id": unit,
			"category": "application", "funding_source": "self", "plan_year": 2025}))
		mine := idOf(t, c.device(t, unit, "web-01<&>", merge(place{10, 2, "front", true}.body(rack),
			obj{"serial": "SN-MINE-1", "project_id": proj, "status": "active"})))
		c.device(t, other, "secret-db", merge(place{3, 1, "rear", false}.body(rack), obj{"serial": "SN-SECRET-9"}))

		if r := c.do(t, "GET", p("/api/v1/racks/%d/elevation", rack), nil); !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("the default is %s, want JSON", r.header.Get("Content-Type"))
		}
		for _, tc := range []struct {
			name, query string
			status      int
			field       string // of a 400
			want        []string
			not         []string
		}{
			{"both faces in Chinese", "render=svg&lang=zh", 200, "",
				[]string{"<style>", `data-face="front"`, `data-face="rear"`, "web-01&lt;&amp;&gt;", "SN-MINE-1", "XM-2025-09 政务云扩容", "在用", "secret-db", "SN-SECRET-9", "前面"},
				[]string{"web-01<&>", "<script", "/devices/new"}},
			{"rear in English", "render=svg&face=rear&lang=en", 200, "",
				[]string{`data-face="rear"`, "Rear", "Status: Active", "Project: XM-2025-09"}, []string{`data-face="front"`, "前面"}},
			{"bad render", "render=png", 400, "render", nil, nil},
			{"bad face", "render=svg&face=side", 400, "face", nil, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.do(t, "GET", p("/api/v1/racks/%d/elevation?%s", rack, tc.query), nil)
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.raw)
				}
				if tc.status != 200 {
					wantErr(t, r, tc.status, "validation", tc.field)
					return
				}
				checkSVG(t, r, tc.want, tc.not)
			})
		}
		// Unit staff of the rack's unit: the other unit's device is there,
		// nameless; their own is drawn in full.
		staff := c.asUnit(t, "unit_staff", &unit)
		r := staff.do(t, "GET", p("/api/v1/racks/%d/elevation?render=svg&lang=zh", rack), nil)
		checkSVG(t, r, []string{"web-01&lt;&amp;&gt;", "SN-MINE-1", `class="dev hidden"`, "其他单位的设备"},
			[]string{"secret-db", "SN-SECRET-9", "Unit OTHER", "OTHER"})
		if !strings.Contains(string(r.raw), p(`href="/devices/%d"`, mine)) {
			t.Error("the unit's own device is not a link")
		}
		// Another unit's staff cannot see the unit's room at all.
		if r := c.asUnit(t, "unit_staff", &other).do(t, "GET", p("/api/v1/racks/%d/elevation?render=svg", rack), nil); r.status != http.StatusOK {
			// The rack stands in a central room: every unit reads it.
			t.Errorf("other unit's staff: %d", r.status)
		}
	})
}

// checkSVG checks a standalone SVG answer: its type, that it is well-formed
// XML, and what it must and must not contain.
func checkSVG(t *testing.T, r response, want, not []string) {
	t.Helper()
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "image/svg+xml") {
		t.Fatalf("status %d, type %s", r.status, r.header.Get("Content-Type"))
	}
	dec := xml.NewDecoder(strings.NewReader(string(r.raw)))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v", err)
			}
			break
		}
	}
	body := string(r.raw)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("the drawing lacks %q", w)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("the drawing shows %q", n)
		}
	}
}
