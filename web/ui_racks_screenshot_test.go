package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRackScreenshot draws a realistically filled rack of the
// central room in Chinese: the picture in README (written with -update).
func TestBrowserRackScreenshot(t *testing.T) {
	b := newBrowser(t)
	units := map[string]int64{}
	for _, u := range []struct{ code, name string }{
		{"ZWB", "州电子政务办"}, {"CZJ", "州财政局"}, {"GAJ", "州公安局"}, {"RSJ", "州人社局"}, {"WJW", "州卫健委"}, {"ZRZYJ", "州自然资源局"},
	} {
		units[u.code] = idOf(t, b.create(t, "/api/v1/units", obj{"code": u.code, "name": u.name}))
	}
	room := idOf(t, b.create(t, "/api/v1/rooms", obj{"name": "州政务云中心机房", "unit_id": units["ZWB"], "kind": "central",
		"status": "active", "address": "州政务服务中心 4 楼"}))
	rack := b.rack(t, room, "A-03", 42)
	for _, name := range []string{"A-01", "A-02", "A-04"} {
		b.rack(t, room, name, 42)
	}
	proj := func(code, name, unit string) int64 {
		return idOf(t, b.create(t, "/api/v1/projects", obj{"code": code, "name": name, "lead_unit_id": units[unit],
			"category": "application", "funding_source": "prefecture", "plan_year": 2025}))
	}
	fin := proj("XX-2025-03", "财政预算管理一体化", "CZJ")
	xl := proj("XX-2024-11", "雪亮工程二期", "GAJ")
	for _, d := range []struct {
		name, kind, unit, face, status, serial string
		pos, height                            int
		full                                   bool
		project                                int64
	}{
		{"配线架-A03-上", "other", "ZWB", "front", "active", "", 42, 1, false, 0},
		{"接入交换机-A03-01", "switch", "ZWB", "front", "active", "2102351HND10K3000012", 40, 1, true, 0},
		{"光纤配线架-A03-后", "other", "ZWB", "rear", "active", "", 38, 1, false, 0},
		{"预算一体化-应用-01", "server", "CZJ", "front", "active", "2102311YJM10P4000131", 35, 2, true, fin},
		{"预算一体化-应用-02", "server", "CZJ", "front", "active", "2102311YJM10P4000132", 33, 2, true, fin},
		{"预算一体化-数据库-01", "server", "CZJ", "front", "active", "2102311YJM10P4000188", 29, 2, true, fin},
		{"雪亮工程-视频存储-01", "storage", "GAJ", "front", "active", "210235A2FS10N9000021", 22, 4, true, xl},
		{"雪亮工程-解析服务器", "server", "GAJ", "front", "staged", "210235A2FS10N9000077", 19, 2, true, xl},
		{"社保卡-前置机-01", "server", "RSJ", "front", "active", "6CU948XKF2", 15, 1, true, 0},
		{"卫健-预约挂号-web-01", "server", "WJW", "front", "planned", "J30B7KQ", 12, 1, true, 0},
		{"不动产登记-应用-01", "server", "ZRZYJ", "front", "active", "CN79410QZ8", 8, 2, true, 0},
		{"KVM-A03", "other", "ZWB", "front", "active", "", 4, 1, false, 0},
		{"防火墙-A03", "firewall", "ZWB", "rear", "active", "102312400035", 2, 1, false, 0},
	} {
		body := merge(place{d.pos, d.height, d.face, d.full}.body(rack), obj{"kind": d.kind, "status": d.status, "serial": d.serial,
			"manufacturer": "华为", "model": "RH2288H V5"})
		if d.project != 0 {
			body["project_id"] = d.project
		}
		b.device(t, units[d.unit], d.name, body)
	}
	b.signIn(t, "admin")
	b.do(t, chromedp.Navigate(b.base+p("/racks/%d", rack)), chromedp.WaitVisible(chromedp.CSS(`svg.elevation`)))
	if h := b.text(t, "main h1"); h != "机柜 A-03" {
		t.Errorf("title %q", h)
	}
	if legend := b.text(t, "aside.legend"); !strings.Contains(legend, "州财政局") || !strings.Contains(legend, "州公安局") {
		t.Errorf("legend %q", legend)
	}
	b.screenshot(t, "rack")
	b.do(t, chromedp.Navigate(b.base+p("/rooms/%d", room)), chromedp.WaitVisible(chromedp.CSS(`.rack-grid`)))
	if n := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('.rack-grid svg.elevation').length`)); n != 4 {
		t.Errorf("the room shows %d racks, want 4", n)
	}
}
