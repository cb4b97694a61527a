package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// seedPolicy creates, through the API, a unit with a private room holding a
// device and a private line, and a central room with an empty rack.
func seedPolicy(t *testing.T, c *client) (unitID, deviceID int64) {
	t.Helper()
	unitID = c.unit(t, "CZ")
	room := idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "财政局自建机房", "unit_id": unitID, "kind": "unit"}))
	rack := c.rack(t, room, "F01", 42)
	deviceID = idOf(t, c.device(t, unitID, "pay-db", obj{"rack_id": rack, "position": 1, "u_height": 2}))
	c.rack(t, c.room(t, unitID, "中心机房"), "A01", 42)
	c.create(t, "/api/v1/lines", obj{"carrier": "中国电信", "circuit_id": "CT-1", "unit_id": unitID,
		"a_end": "财政局", "z_end": "人民银行", "bandwidth_mbps": 100, "monthly_fee": 3200, "platform": "private"})
	return unitID, deviceID
}

func (c *client) doLang(t *testing.T, path, acceptLanguage string) response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Language", acceptLanguage)
	c.authorize(req)
	return c.send(t, req)
}

func TestFindingsAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unitID, _ := seedPolicy(t, c)
		run := c.do(t, "POST", "/api/v1/checks/run", nil).want(t, fiber.StatusCreated)
		if intOf(t, run["opened"]) != 2 || intOf(t, run["open"]) != 2 || run["actor"] != c.user {
			t.Fatalf("run: %v", run)
		}
		again := c.do(t, "POST", "/api/v1/checks/run", obj{"unreachable_polls": 5}).want(t, fiber.StatusCreated)
		if intOf(t, again["still_open"]) != 2 || intOf(t, again["written"]) != 0 {
			t.Errorf("second run: %v", again)
		}
		checks, total := c.list(t, "/api/v1/checks")
		if total != 2 || idOf(t, checks[0]) != idOf(t, again) {
			t.Errorf("checks: total %d, first %v; want 2, newest first", total, checks[0])
		}

		items, total := c.inLang("").list(t, p("/api/v1/findings?unit_id=%d", unitID))
		if total != 2 {
			t.Fatalf("%d findings, want 2", total)
		}
		for _, f := range items {
			checkObject(t, f)
			if m := f["message"].(string); !strings.HasPrefix(m, "第五条：") {
				t.Errorf("message %q, want Chinese with the article first", m)
			}
		}
		en, _ := c.list(t, "/api/v1/findings?lang=en&rule=private-line")
		if len(en) != 1 || !strings.HasPrefix(en[0]["message"].(string), `Art. 5: unit "Unit CZ" (CZ) leases a private line`) {
			t.Errorf("English findings: %v", en)
		}
		if m := c.doLang(t, "/api/v1/findings/"+p("%d", idOf(t, en[0])), "en-GB,en;q=0.9").want(t, 200)["message"]; !strings.HasPrefix(m.(string), "Art. 5: ") {
			t.Errorf("with Accept-Language en-GB: %v", m)
		}
		fid := idOf(t, en[0])
		ex := p("/api/v1/findings/%d/exemption", fid)
		before := c.auditTotal(t)
		wantErr(t, c.do(t, "POST", ex, obj{"reason": "too short", "basis": "other"}), 400, "validation", "reason")
		wantErr(t, c.do(t, "POST", ex, obj{"reason": "reviewed by the office", "basis": "x"}), 400, "validation", "basis")
		wantErr(t, c.do(t, "POST", ex, obj{"reason": "reviewed by the office", "basis": "other", "until": "x"}), 400, "validation", "until")
		wantErr(t, c.do(t, "POST", "/api/v1/findings/99999/exemption", obj{"reason": "reviewed by the office", "basis": "other"}), 404, "not_found", "")
		f := c.do(t, "POST", ex+"?lang=en", obj{"reason": "reviewed by the office", "basis": "other", "expires_on": "2099-01-01"})
		wantErr(t, f, 400, "validation", "expires_on")
		got := c.do(t, "POST", ex, obj{"reason": "经州电子政务办审核，保留至合同期满", "basis": "other"}).want(t, 200)
		exm, _ := got["exemption"].(obj)
		if got["status"] != "exempted" || exm["granted_by"] != c.user || exm["expires_on"] != nil {
			t.Errorf("exempted finding: %v", got)
		}
		if n := c.auditTotal(t); n != before+1 {
			t.Errorf("the grant wrote %d audit rows, want 1", n-before)
		}
		if _, n := c.list(t, "/api/v1/findings?status=exempted"); n != 1 {
			t.Errorf("%d exempted findings, want 1", n)
		}
		if r := c.do(t, "DELETE", ex, nil); r.status != fiber.StatusNoContent {
			t.Fatalf("revoke: %d %s", r.status, r.raw)
		}
		wantErr(t, c.do(t, "DELETE", ex, nil), 409, "conflict", "")
	})
}

func TestFindingsAPIBadInput(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		tests := []struct {
			name, method, path string
			body               any
			status             int
			code, field        string
		}{
			{"bad lang", "GET", "/api/v1/findings?lang=fr", nil, 400, "validation", "lang"},
			{"bad severity", "GET", "/api/v1/findings?severity=urgent", nil, 400, "validation", "severity"},
			{"bad status", "GET", "/api/v1/findings?status=closed", nil, 400, "validation", "status"},
			{"unknown filter", "GET", "/api/v1/findings?colour=red", nil, 400, "validation", "colour"},
			{"bad id", "GET", "/api/v1/findings/abc", nil, 400, "bad_request", ""},
			{"no finding", "GET", "/api/v1/findings/12345", nil, 404, "not_found", ""},
			{"bad lang on one", "GET", "/api/v1/findings/1?lang=de", nil, 400, "validation", "lang"},
			{"empty exemption", "POST", "/api/v1/findings/1/exemption", "", 400, "bad_request", ""},
			{"checks filter", "GET", "/api/v1/checks?actor=api", nil, 400, "validation", "actor"},
			{"run: bad polls", "POST", "/api/v1/checks/run", obj{"unreachable_polls": 0}, 400, "validation", "unreachable_polls"},
			{"run: unknown field", "POST", "/api/v1/checks/run", obj{"force": true}, 400, "validation", "force"},
			{"run: not JSON", "POST", "/api/v1/checks/run", "{", 400, "bad_request", ""},
			{"report format", "GET", "/api/v1/reports/consolidation?format=xml", nil, 400, "validation", "format"},
			{"report parameter", "GET", "/api/v1/reports/consolidation?unit_id=1", nil, 400, "validation", "unit_id"},
			{"plan unit", "GET", "/api/v1/reports/move-plan?unit_id=x", nil, 400, "validation", "unit_id"},
			{"plan no unit", "GET", "/api/v1/reports/move-plan?unit_id=777", nil, 400, "validation", "unit_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantErr(t, c.do(t, tt.method, tt.path, tt.body), tt.status, tt.code, tt.field)
			})
		}
	})
}

func TestReportsAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unitID, deviceID := seedPolicy(t, c)
		rep := c.get(t, "/api/v1/reports/consolidation")
		totals := rep["totals"].(obj)
		if intOf(t, totals["private_rooms"]) != 1 || intOf(t, totals["private_room_u_used"]) != 2 ||
			num(t, totals["private_annual_fee"]) != 38400 {
			t.Errorf("totals: %v", totals)
		}
		if central := rep["central"].(obj); intOf(t, central["free_u"]) != 42 {
			t.Errorf("central: %v", central)
		}
		r := c.do(t, "GET", "/api/v1/reports/consolidation?format=csv", nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
		}
		// A byte order mark, the units and their total, then the sections
		// with the lines, the rooms and the central room's free space, every
		// row as wide as the first.
		lines := strings.Split(strings.TrimSpace(string(r.raw)), "\n")
		width := strings.Count(lines[0], ",")
		for _, l := range lines {
			if strings.Count(l, ",") != width {
				t.Errorf("row %q is not %d fields wide", l, width+1)
			}
		}
		if !strings.HasPrefix(lines[0], "\ufeffunit_id,unit_code,") || !strings.HasPrefix(lines[2], ",TOTAL,") ||
			!strings.Contains(string(r.raw), "\nlines,,") || !strings.Contains(string(r.raw), "\ncentral,,") ||
			!strings.HasPrefix(lines[len(lines)-1], ",TOTAL,,,,42,") {
			t.Errorf("csv:\n%s", r.raw)
		}

		plan := c.get(t, p("/api/v1/reports/move-plan?unit_id=%d", unitID))
		moves := plan["moves"].([]any)
		if len(moves) != 1 || intOf(t, plan["placed"]) != 1 {
			t.Fatalf("plan: %v", plan)
		}
		m := moves[0].(obj)
		if idOf(t, obj{"id": m["device_id"]}) != deviceID || intOf(t, m["to_position"]) != 1 {
			t.Errorf("move: %v", m)
		}
		// A proposal only: the device has not moved.
		if d := c.get(t, p("/api/v1/devices/%d", deviceID)); intOf(t, d["rack_id"]) == intOf(t, m["to_rack_id"]) {
			t.Errorf("the move plan moved the device: %v", d)
		}
	})
}
