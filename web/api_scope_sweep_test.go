package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/web"
)

// A unit's records in the sweep carry its marker in every name, serial, tag,
// circuit, code and text; the markers hold letters outside hex, so no token
// or hash can contain them by chance.
const markA, markB = "qz7a", "qz7b"

// sweepUnit is what the sweep seeds for one unit: ids by path parameter.
type sweepUnit struct {
	unit, room, rack, device, line, project, item, doc, finding, rect int64
}

// seedSweepUnit creates, as the admin, one unit's private room, rack, device,
// line, project with a spec item, a document and an evaluation, and an order.
func seedSweepUnit(t *testing.T, c, reviewer *client, mark string) sweepUnit {
	t.Helper()
	var s sweepUnit
	s.unit = idOf(t, c.create(t, "/api/v1/units", obj{"code": strings.ToUpper(mark), "name": "unit-of-" + mark}))
	s.room = idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "room-of-" + mark, "unit_id": s.unit, "kind": "unit"}))
	s.rack = c.rack(t, s.room, "rack-of-"+mark, 42)
	s.line = idOf(t, c.create(t, "/api/v1/lines", lineBody(s.unit, "carrier-of-"+mark, "CIRCUIT-OF-"+mark)))
	s.project = idOf(t, c.create(t, "/api/v1/projects", merge(projectBody("PRJ-OF-"+mark, s.unit),
		obj{"name": "project-of-" + mark, "plan_year": 2026})))
	s.device = idOf(t, c.device(t, s.unit, "dev-of-"+mark, obj{"rack_id": s.rack, "position": 1, "u_height": 1,
		"serial": "SERIAL-OF-" + mark, "asset_tag": "TAG-OF-" + mark, "project_id": s.project}))
	base := p("/api/v1/projects/%d", s.project)
	s.item = idOf(t, c.create(t, base+"/spec-items", obj{"kind": "server", "name": "spec-of-" + mark, "quantity": 1}))
	s.doc = idOf(t, c.uploadForm(t, base+"/documents", map[string]string{"type": "project_plan", "title": "doc-of-" + mark,
		"number": "DOC-OF-" + mark, "date": "2025-01-02"}, "plan-of-"+mark+".pdf", []byte("%PDF-1.4\n"+mark)).want(t, 201))
	for _, typ := range []string{"feasibility_study", "preliminary_design", "funding_estimate"} {
		c.fileDoc(t, s.project, typ)
	}
	// Approved, so that the year's plan lists it.
	c.do(t, "POST", base+"/transitions", obj{"to": "submitted", "date": "2025-10-20", "note": "recorded late"}).want(t, 200)
	reviewer.do(t, "POST", base+"/transitions", obj{"to": "approved", "date": "2025-12-01", "note": "recorded late",
		"approval_number": "APPROVAL-OF-" + mark}).want(t, 200)
	c.setProjectStatus(t, s.project, "accepted") // evaluations are of accepted projects
	c.create(t, base+"/evaluations", obj{"date": "2026-03-01", "meets_target": false, "problems": "eval-of-" + mark})
	s.rect = idOf(t, c.create(t, "/api/v1/rectifications", obj{"subject_type": "unit", "subject_id": s.unit,
		"problem": "rect-of-" + mark, "action": "action-of-" + mark, "due_on": "2099-01-01"}))
	// An observation, as a collector records it (the store's door: polling
	// over SNMP has its own tests).
	if _, err := c.store.AddObservation(inventory.WithActor(context.Background(), "collector"), inventory.Observation{
		DeviceID: s.device, At: time.Now(), Reachable: true, SysName: "obs-of-" + mark, Serial: "OBS-SERIAL-OF-" + mark,
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// sweepSkipped are the GET routes the sweep does not fill, and why: a new
// route must be added to sweepParams or here, never skipped silently.
var sweepSkipped = map[string]string{
	"/api/v1/snmp-profiles/:id": "SNMP profiles belong to no unit (no scope rule); the list route is swept",
}

// sweepParams gives, per route, the path values to try: A's, B's, and
// mixtures (A's project with B's document).
func sweepParams(a, b sweepUnit, central, centralRack, centralDev, notice int64) map[string][][]int64 {
	both := func(f func(sweepUnit) int64, extra ...int64) [][]int64 {
		out := [][]int64{{f(a)}, {f(b)}}
		for _, e := range extra {
			out = append(out, []int64{e})
		}
		return out
	}
	pair := func(f func(sweepUnit) int64) [][]int64 {
		return [][]int64{{a.project, f(a)}, {b.project, f(b)}, {a.project, f(b)}, {b.project, f(a)}}
	}
	proj := both(func(s sweepUnit) int64 { return s.project })
	m := map[string][][]int64{
		"/api/v1/units/:id":                           both(func(s sweepUnit) int64 { return s.unit }),
		"/api/v1/rooms/:id":                           both(func(s sweepUnit) int64 { return s.room }, central),
		"/api/v1/racks/:id":                           both(func(s sweepUnit) int64 { return s.rack }, centralRack),
		"/api/v1/racks/:id/elevation":                 both(func(s sweepUnit) int64 { return s.rack }, centralRack),
		"/api/v1/devices/:id":                         both(func(s sweepUnit) int64 { return s.device }, centralDev),
		"/api/v1/devices/:id/observations":            both(func(s sweepUnit) int64 { return s.device }, centralDev),
		"/api/v1/lines/:id":                           both(func(s sweepUnit) int64 { return s.line }),
		"/api/v1/lines/:id/history":                   both(func(s sweepUnit) int64 { return s.line }),
		"/api/v1/findings/:id":                        both(func(s sweepUnit) int64 { return s.finding }),
		"/api/v1/rectifications/:id":                  both(func(s sweepUnit) int64 { return s.rect }),
		"/api/v1/notices/:id":                         {{notice}},
		"/api/v1/users/:id":                           {{1}, {2}, {3}},
		"/api/v1/plans/:year":                         {{2026}},
		"/api/v1/projects/:id/documents/:document_id": pair(func(s sweepUnit) int64 { return s.doc }),
		"/api/v1/projects/:id/spec-items/:item_id":    pair(func(s sweepUnit) int64 { return s.item }),
		"/api/v1/projects/:id":                        proj,
		"/api/v1/projects/:id/transitions":            proj,
		"/api/v1/projects/:id/history":                proj,
		"/api/v1/projects/:id/amendments":             proj,
		"/api/v1/projects/:id/documents":              proj,
		"/api/v1/projects/:id/procurement":            proj,
		"/api/v1/projects/:id/evaluations":            proj,
		"/api/v1/projects/:id/spec-items":             proj,
		"/api/v1/projects/:id/spec-revisions":         proj,
		"/api/v1/projects/:id/compliance":             proj,
	}
	// A page whose path is an API route's without /api/v1 (/devices/:id)
	// shows the same record: it is swept with the same values.
	for k, v := range m {
		m[strings.TrimPrefix(k, "/api/v1")] = v
	}
	return m
}

// fill puts values into a route's parameters, in order.
func fill(path string, vals []int64) string {
	parts := strings.Split(path, "/")
	i := 0
	for k, part := range parts {
		if strings.HasPrefix(part, ":") && i < len(vals) {
			parts[k] = p("%d", vals[i])
			i++
		}
	}
	return strings.Join(parts, "/")
}

// TestScopeSweep signs in as unit A's staff, then as B's, and GETs every
// route the app serves with both units' ids (and mixtures), in csv, html and
// English, and with both units' ids as filters: nothing of the other unit
// appears in any body, the unit's own records do, no answer is a 500, and
// every JSON list's total is the number of its items.
func TestScopeSweep(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		reviewer := c.as(t, inventory.RoleReviewer)
		a, b := seedSweepUnit(t, c, reviewer, markA), seedSweepUnit(t, c, reviewer, markB)
		ctr := c.unit(t, "CTR")
		central := c.room(t, ctr, "中心机房")
		centralRack := c.rack(t, central, "C01", 42)
		centralDev := idOf(t, c.device(t, b.unit, "central-dev-of-"+markB, obj{"rack_id": centralRack, "position": 10,
			"u_height": 2, "serial": "SERIAL2-OF-" + markB, "asset_tag": "TAG2-OF-" + markB}))
		c.do(t, "POST", "/api/v1/checks/run", nil).want(t, 201)
		for _, s := range []*sweepUnit{&a, &b} {
			items, _ := c.list(t, p("/api/v1/findings?unit_id=%d&rule=private-room", s.unit))
			if len(items) == 0 {
				t.Fatalf("no private-room finding of unit %d", s.unit)
			}
			s.finding = idOf(t, items[0])
		}
		notice := idOf(t, reviewer.create(t, "/api/v1/notices", obj{"title": "notice-of-" + markB, "number": "N-" + markB,
			"body": "body-of-" + markB, "unit_ids": []int64{b.unit}}))
		params := sweepParams(a, b, central, centralRack, centralDev, notice)
		var queries []string
		for _, s := range []sweepUnit{a, b} {
			queries = append(queries, p("?unit_id=%d", s.unit), p("?project_id=%d", s.project),
				p("?entity=device&entity_id=%d", s.device))
		}
		queries = append(queries, "", "?format=csv", "?format=html", "?lang=en", p("?room_id=%d", central),
			"?q="+markA, "?q="+markB)
		// A's staff must not see B's records and B's staff not A's: each side's
		// own records show, so that a sweep that sees nothing fails.
		for _, side := range []struct {
			unit        int64
			own, others string
		}{{a.unit, markA, markB}, {b.unit, markB, markA}} {
			staff := c.asUnit(t, inventory.RoleUnitStaff, &side.unit)
			seen, routes := sweepAs(t, c, staff, params, queries, side.others)
			t.Logf("%s's staff swept %d GET routes", side.own, routes)
			for _, want := range []string{"serial-of-", "tag-of-", "circuit-of-", "prj-of-", "project-of-", "spec-of-", "doc-of-",
				"eval-of-", "rect-of-", "approval-of-", "room-of-", "rack-of-", "obs-of-", "unit-of-", "dev-of-"} {
				if !strings.Contains(seen, want+side.own) {
					t.Errorf("unit %s's staff never saw %s%s", side.own, want, side.own)
				}
			}
		}
	})
}

// sweepAs GETs every GET route of the app as staff, with each set of path
// values and each query, checking each answer with sweepGet; it returns all
// the bodies, lower-cased, and the number of routes swept.
func sweepAs(t *testing.T, c, staff *client, params map[string][][]int64, queries []string, forbid string) (string, int) {
	t.Helper()
	var seen strings.Builder
	routes := 0
	for _, r := range web.Routes(c.app) {
		if r.Method != "GET" {
			continue
		}
		var paths []string
		switch vals, ok := params[r.Path]; {
		case ok:
			for _, v := range vals {
				paths = append(paths, fill(r.Path, v))
			}
		case sweepSkipped[r.Path] != "":
			continue
		case strings.Contains(r.Path, ":"):
			t.Errorf("GET %s: not in sweepParams nor sweepSkipped", r.Path)
			continue
		default:
			paths = []string{r.Path}
		}
		routes++
		for _, path := range paths {
			for _, q := range queries {
				seen.WriteString(strings.ToLower(sweepGet(t, staff, path+q, forbid)))
			}
		}
	}
	return seen.String(), routes
}

// searchBox is the pages' search inputs (?q=) and the language form's way
// back (next), which echo the request's own query.
var searchBox = regexp.MustCompile(`<input [^>]*(id="search"|name="next"|name="q")[^>]*>`)

// sweepGet GETs one path as the staff member and checks its body: no marker
// of the other unit (forbid), no 500, and a JSON list's total equal to its
// items. A plain API request is also checked against web/openapi.yaml; one
// with a query is not, as the sweep adds queries a route may refuse. It
// returns the body.
func sweepGet(t *testing.T, staff *client, path, forbid string) string {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	staff.authorize(req)
	var r response
	if strings.HasPrefix(path, "/api/v1/") && !strings.Contains(path, "?") {
		r = staff.send(t, req)
	} else {
		r = staff.sendUnchecked(t, req)
	}
	if r.status >= 500 {
		t.Errorf("GET %s: %d %s", path, r.status, r.raw)
	}
	body := string(r.raw)
	// A page's search box and language form show the query the sweep sent:
	// that is the visitor's own text, not a record.
	body = searchBox.ReplaceAllString(body, "")
	if i := strings.Index(strings.ToLower(body), forbid); i >= 0 {
		t.Errorf("GET %s (%d) shows another unit's record: …%s…", path, r.status, body[max(0, i-80):min(len(body), i+40)])
	}
	var list struct {
		Items *[]json.RawMessage `json:"items"`
		Total *int               `json:"total"`
	}
	if r.status == 200 && json.NewDecoder(bytes.NewReader(r.raw)).Decode(&list) == nil && list.Items != nil && list.Total != nil {
		if *list.Total != len(*list.Items) {
			t.Errorf("GET %s: total %d, %d items", path, *list.Total, len(*list.Items))
		}
	}
	return body
}
