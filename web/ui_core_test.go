package web_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// pageAs sends a page request (a form when form is not nil) with the
// client's token, which needs no CSRF token, and returns the answer.
func (c *client) pageAs(t *testing.T, method, path string, form url.Values) response {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	c.authorize(req)
	return c.sendUnchecked(t, req)
}

// html gets a page and fails unless it answers status with HTML.
func (c *client) html(t *testing.T, path string, status int) string {
	t.Helper()
	res := c.pageAs(t, "GET", path, nil)
	if res.status != status || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s, want %d HTML: %.300s", path, res.status, res.header.Get("Content-Type"), status, res.raw)
	}
	return string(res.raw)
}

// coreWorld is two units' records: unit A (GTJ) with a device in the
// central room, a device in its own room, a private line whose bandwidth
// was raised, a project; unit B (JYJ) with a line. The checks have run.
type coreWorld struct {
	unitA, unitB, room, ownRoom, rack, devCentral, devOwn, lineA, lineB, project int64
}

func newCoreWorld(t *testing.T, c *client) coreWorld {
	t.Helper()
	var w coreWorld
	w.unitA = idOf(t, c.create(t, "/api/v1/units", obj{"code": "GTJ", "name": "州国土资源局"}))
	w.unitB = idOf(t, c.create(t, "/api/v1/units", obj{"code": "JYJ", "name": "州教育局"}))
	w.room = c.room(t, w.unitA, "中心机房一区")
	w.rack = c.rack(t, w.room, "A01", 42)
	c.rack(t, w.room, "A02", 42)
	w.ownRoom = idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "国土局自建机房", "unit_id": w.unitA, "kind": "unit", "status": "active"}))
	ownRack := c.rack(t, w.ownRoom, "R1", 42)
	w.devCentral = idOf(t, c.device(t, w.unitA, "gtj-web-01", obj{"rack_id": w.rack, "position": 1, "u_height": 2,
		"serial": "SN-GTJ-0001", "mgmt_ip": "10.20.30.41", "asset_tag": "ZC-0001", "status": "active"}))
	w.devOwn = idOf(t, c.device(t, w.unitA, "gtj-db-01", obj{"rack_id": ownRack, "position": 5, "status": "active"}))
	w.lineA = idOf(t, c.create(t, "/api/v1/lines", obj{"carrier": "中国电信", "circuit_id": "CT-GTJ-042", "unit_id": w.unitA,
		"a_end": "国土局", "z_end": "省自然资源厅", "bandwidth_mbps": 20, "monthly_fee": 2500, "platform": "private", "status": "active"}))
	c.patch(t, p("/api/v1/lines/%d", w.lineA), obj{"bandwidth_mbps": 100})
	w.lineB = idOf(t, c.create(t, "/api/v1/lines", obj{"carrier": "中国移动", "circuit_id": "CM-JYJ-007", "unit_id": w.unitB,
		"a_end": "教育局", "z_end": "省教育厅", "bandwidth_mbps": 50, "monthly_fee": 1800, "platform": "private", "status": "active"}))
	w.project = idOf(t, c.create(t, "/api/v1/projects", obj{"code": "XX-2026-003", "name": "不动产登记系统", "lead_unit_id": w.unitA,
		"category": "application", "funding_source": "self", "plan_year": 2026, "budget": 1200000}))
	if res := c.do(t, "POST", "/api/v1/checks/run", nil); res.status != 201 {
		t.Fatalf("run checks: %d %s", res.status, res.raw)
	}
	return w
}

// findingOf is the id of the open or exempted finding of rule about a
// subject.
func (c *client) findingOf(t *testing.T, rule, subjectType string, subjectID int64) int64 {
	t.Helper()
	items, _ := c.list(t, p("/api/v1/findings?rule=%s&subject_type=%s&subject_id=%d", rule, subjectType, subjectID))
	if len(items) != 1 {
		t.Fatalf("%d findings %s on %s %d", len(items), rule, subjectType, subjectID)
	}
	return idOf(t, items[0])
}

// TestPagesCore opens every page of the group as an admin and checks what
// each shows of the world, in Chinese and, with ?lang=en, in English.
func TestPagesCore(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		w := newCoreWorld(t, c)
		lineFinding := c.findingOf(t, "private-line", "line", w.lineA)
		tests := []struct {
			path string
			want []string
		}{
			{"/", []string{"中心机房 U 位占用", `href="/rooms/` + itoa(w.room) + `"`, "A 列", "自建专线", "草稿"}},
			{"/?lang=en", []string{"Central room occupancy", "Row A", "Private line", "Draft"}},
			{"/units", []string{"州国土资源局", "州教育局", p(`href="/units/%d"`, w.unitA)}},
			{p("/units/%d", w.unitA), []string{"gtj-web-01", "CT-GTJ-042", "不动产登记系统", "国土局自建机房", "¥30,000.00", "2027"}},
			{"/lines?platform=private", []string{"CT-GTJ-042", "CM-JYJ-007"}},
			{p("/lines?unit_id=%d", w.unitB), []string{"CM-JYJ-007"}},
			{p("/lines/%d", w.lineA), []string{`<svg class="chart"`, ">100<", ">20<", "¥30,000.00"}},
			{"/findings?group=rule", []string{`class="group"`, "CT-GTJ-042", "立即运行合规检查"}},
			{p("/findings?group=unit&unit_id=%d", w.unitB), []string{"州教育局", "CM-JYJ-007"}},
			{p("/findings/%d", lineFinding), []string{p(`action="/findings/%d/exemption"`, lineFinding), p(`href="/lines/%d"`, w.lineA)}},
			{"/findings/checks", []string{"admin"}},
			{"/findings/consolidation", []string{"CT-GTJ-042", "¥51,600.00", "国土局自建机房"}},
			{"/findings/move-plan", []string{"gtj-db-01", "A0", `class="target-rack"`, " planned", "gtj-web-01"}},
			{"/plans?year=2026", []string{`value="2026" selected`, "州国土资源局", "州教育局"}},
			{"/plans/eligibility?year=2027", []string{"州国土资源局"}},
			{"/audit?entity=line", []string{p("专线 #%d", w.lineA), p("专线 #%d", w.lineB)}},
			{"/audit/verify", []string{`id="chain-ok"`}},
			{"/search?q=SN-GTJ", []string{p(`href="/devices/%d"`, w.devCentral)}},
			{"/search?q=10.20.30.41", []string{"gtj-web-01"}},
			{"/search?q=ZC-0001", []string{"gtj-web-01"}},
			{"/search?q=CT-GTJ", []string{p(`href="/lines/%d"`, w.lineA)}},
			{"/search?q=省教育厅", []string{p(`href="/lines/%d"`, w.lineB)}},
			{"/search?q=XX-2026", []string{p(`href="/projects/%d"`, w.project)}},
			{"/search?q=A01", []string{p(`href="/racks/%d"`, w.rack)}},
			{"/search?q=自建机房", []string{p(`href="/rooms/%d"`, w.ownRoom)}},
			{"/search?q=JYJ", []string{p(`href="/units/%d"`, w.unitB)}},
			{"/account", []string{`href="/login/totp"`, `action="/account/tokens"`}},
			{"/users", []string{"admin", `action="/users"`}},
		}
		for _, tt := range tests {
			page := c.html(t, tt.path, 200)
			for _, want := range tt.want {
				if !strings.Contains(page, want) {
					t.Errorf("%s: no %q", tt.path, want)
				}
			}
		}
		// The audit entry page shows the difference of the bandwidth change.
		items, _ := c.list(t, p("/api/v1/audit?entity=line&entity_id=%d&action=update", w.lineA))
		page := c.html(t, p("/audit/%d", idOf(t, items[0])), 200)
		if !regexp.MustCompile(`bandwidth_mbps</th><td><code>20</code></td><td><code>100</code>`).MatchString(page) {
			t.Errorf("the audit entry does not show 20 → 100:\n%s", page)
		}
		for _, path := range []string{"/units/999999", "/lines/999999", "/findings/999999", "/audit/999999", "/users/999999", "/units/x"} {
			c.html(t, path, 404)
		}
		c.html(t, "/plans?year=abc", 400)
		c.html(t, "/audit?from=30.11.2026", 400)
	})
}
