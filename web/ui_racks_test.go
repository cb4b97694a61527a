package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// openPage gets a page with the client's token (a token opens pages too).
func (c *client) openPage(t *testing.T, path string) response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Language", "zh-CN")
	c.authorize(req)
	return c.sendUnchecked(t, req)
}

// checkPage checks a page's status and that it contains every want and no
// not.
func checkPage(t *testing.T, r response, status int, want, not []string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.300s", r.status, status, r.raw)
	}
	body := string(r.raw)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("the page shows %q", n)
		}
	}
}

// TestRoomAndRackPages: the rooms, a room's racks and a rack's drawing, for
// an operator, an auditor (no placing) and unit staff (another unit's
// device is bare occupied space; another unit's room is a 404 page).
func TestRoomAndRackPages(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unitA, room, rack := c.rackIn(t, "CR", 42)
		unitB := c.unit(t, "UB")
		devA := idOf(t, c.device(t, unitA, "甲-web-01", merge(place{10, 2, "front", true}.body(rack), obj{"serial": "SN-A-10"})))
		c.device(t, unitB, "乙-secret-db", merge(place{20, 1, "rear", false}.body(rack), obj{"serial": "SN-B-SECRET"}))
		roomB := idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "乙自建机房", "unit_id": unitB, "kind": "unit", "status": "active"}))
		rackB := c.rack(t, roomB, "B-01", 42)

		op := c.as(t, "operator")
		checkPage(t, op.openPage(t, "/rooms"), 200, []string{"Room CR", p(`href="/rooms/%d"`, room), "乙自建机房", "中心机房"}, nil)
		checkPage(t, op.openPage(t, p("/rooms/%d", room)), 200,
			[]string{p(`href="/racks/%d"`, rack), "R-CR", "已用 3 / 42 U", `class="elevation compact"`}, nil)
		checkPage(t, op.openPage(t, p("/racks/%d", rack)), 200,
			[]string{"机柜 R-CR", "甲-web-01", "乙-secret-db", "SN-A-10", p(`href="/devices/%d"`, devA),
				p("/devices/new?face=front&amp;position=42&amp;rack_id=%d", rack),
				p("/devices/new?face=front&amp;full_depth=false&amp;position=20&amp;rack_id=%d", rack), "下载 SVG"}, nil)

		aud := c.as(t, "auditor")
		checkPage(t, aud.openPage(t, p("/racks/%d", rack)), 200, []string{"甲-web-01"}, []string{"/devices/new"})

		staff := c.asUnit(t, "unit_staff", &unitA)
		checkPage(t, staff.openPage(t, p("/racks/%d", rack)), 200,
			[]string{"甲-web-01", "SN-A-10", "其他单位的设备", `class="dev hidden"`},
			[]string{"乙-secret-db", "SN-B-SECRET", "Unit UB", "/devices/new"})
		checkPage(t, staff.openPage(t, "/rooms"), 200, []string{"Room CR"}, []string{"乙自建机房"})
		for _, path := range []string{p("/rooms/%d", roomB), p("/racks/%d", rackB), "/racks/x", "/rooms/0"} {
			checkPage(t, staff.openPage(t, path), 404, []string{"<html"}, []string{"乙自建机房", "B-01"})
		}
		if r := c.anonymous().openPage(t, p("/racks/%d", rack)); r.status != 303 {
			t.Errorf("anonymous: %d, want 303 to sign in", r.status)
		}
	})
}
