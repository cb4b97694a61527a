package ui

import (
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/locale"
)

// rackFixture is a 42U rack with a full-depth 2U server, a half-depth
// rear switch, and another unit's device seen by unit staff.
func rackFixture() inventory.Elevation {
	occ := []inventory.Occupant{
		{ID: 11, Name: "政务云-web-01", Kind: "server", Status: "active", Position: 5, UHeight: 2, Face: "front", FullDepth: true,
			UnitID: 3, RackID: 1, Serial: "2102-AB-01", UnitName: "州财政局", Project: "XM-2025-01 政务云"},
		{ID: 12, Name: "接入交换机", Kind: "switch", Status: "planned", Position: 40, UHeight: 1, Face: "rear",
			UnitID: 4, RackID: 1, UnitName: "州公安局"},
		{Kind: "server", Status: "active", Position: 20, UHeight: 4, Face: "front", FullDepth: true, Hidden: true, RackID: 1},
	}
	return inventory.Elevation{Rack: inventory.Rack{ID: 1, RoomID: 2, Name: "A-01", UHeight: 42}, FreeU: 35, Occupants: occ}
}

func TestRenderRacks(t *testing.T) {
	for _, lang := range locale.Langs {
		p := testPage(lang)
		d := DrawingOf(rackFixture(), lang)
		room := inventory.Room{ID: 2, Name: "中心机房", UnitID: 1, Kind: "central", Status: "active", Address: "州政务中心 3 楼"}
		pages := map[string]string{
			"rooms": renderTest(t, "racks_rooms", roomListView{Page: p, Rooms: []roomRow{{Room: room, Unit: "州电子政务办"}},
				Pager: Pager{Limit: 50, Total: 1, Lang: lang}}),
			"room": renderTest(t, "racks_room", roomView{Page: p, Room: roomRow{Room: room}, Racks: []Drawing{d, d}}),
			"rack": renderTest(t, "racks_rack", rackView{Page: p, Room: room, Drawing: d, CanAdd: true,
				Occupied: []occupantRow{{Occupant: rackFixture().Occupants[0], Units: "U5–U6"}}}),
		}
		want := map[string]map[string][]string{
			locale.ZH: {"rooms": {"中心机房", "在用", `href="/rooms/2"`, "州电子政务办"},
				"room": {`href="/racks/1"`, "已用 7 / 42 U（16%）", `<meter min="0" max="42" value="7"`, `class="elevation compact"`},
				"rack": {"前面", "后面", "下载 SVG", "图例：所属单位", "州财政局", "州公安局", "其他单位的设备", `href="/devices/11"`,
					"/devices/new?face=front&amp;position=1&amp;rack_id=1", "/api/v1/racks/1/elevation?render=svg", "U5–U6", "服务器"}},
			locale.EN: {"rooms": {"Central room", "Active", "Address"},
				"room": {"7 of 42 U in use (16%)"},
				"rack": {"Front", "Rear", "Download SVG", "Legend: owner unit", "Another unit&#39;s device", "Server"}},
		}[lang]
		for name, page := range pages {
			if m := untranslated.FindString(page); m != "" {
				t.Errorf("%s %s: untranslated key %s", lang, name, m)
			}
			for _, w := range want[name] {
				if !strings.Contains(page, w) {
					t.Errorf("%s %s: lacks %q", lang, name, w)
				}
			}
		}
		if strings.Contains(pages["rack"], ` style=`) {
			t.Error("the rack page has a style attribute (the CSP forbids it)")
		}
	}
}

func TestRackPageWithoutWriteRight(t *testing.T) {
	p := testPage(locale.ZH)
	p.User.Role = "auditor"
	page := renderTest(t, "racks_rack", rackView{Page: p, Drawing: DrawingOf(rackFixture(), locale.ZH), CanAdd: false})
	if strings.Contains(page, "/devices/new") {
		t.Error("a reader is offered to add devices")
	}
	if !strings.Contains(page, `href="/devices/11"`) {
		t.Error("devices are not links")
	}
}
