package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hostroll/inventory"
)

// seedPrefecture fills the app with a prefecture's records that look like
// the real ones: the central room with two rows of racks, units with their
// own rooms, private and folded lines, projects at several steps, devices
// that stopped answering, and the checks run. It returns a finding to
// exempt and a device to search for.
func seedPrefecture(t *testing.T, c *client) (finding, device int64) {
	t.Helper()
	units := map[string]int64{}
	for _, u := range []struct{ code, name, kind string }{
		{"ZWB", "州电子政务办", "department"}, {"GTJ", "州国土资源局", "department"}, {"JYJ", "州教育局", "department"},
		{"WJW", "州卫生健康委", "department"}, {"GAJ", "州公安局", "department"}, {"JSS", "吉首市", "county"},
	} {
		units[u.code] = idOf(t, c.create(t, "/api/v1/units", obj{"code": u.code, "name": u.name, "kind": u.kind}))
	}
	central := idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "州政务云中心机房", "unit_id": units["ZWB"], "kind": "central", "status": "active", "address": "吉首市世纪大道 8 号"}))
	backup := idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "同城灾备机房", "unit_id": units["ZWB"], "kind": "central", "status": "active"}))
	owners := []string{"GTJ", "JYJ", "WJW", "GAJ", "JSS", "ZWB"}
	n := 0
	fill := func(room int64, row string, racks, perRack int) {
		for i := 1; i <= racks; i++ {
			rack := c.rack(t, room, fmt.Sprintf("%s%02d", row, i), 42)
			for k := 0; k < perRack-(i%3)*2; k++ {
				n++
				code := owners[(i+k)%len(owners)]
				d := c.device(t, units[code], fmt.Sprintf("%s-app-%02d", strings.ToLower(code), n), obj{"rack_id": rack,
					"position": 1 + k*3, "u_height": 2, "status": "active", "manufacturer": "华为", "model": "RH2288H V5",
					"serial": fmt.Sprintf("2102311QWE%04d", n), "mgmt_ip": fmt.Sprintf("10.18.%d.%d", i, 10+k)})
				if device == 0 {
					device = idOf(t, d)
				}
			}
		}
	}
	fill(central, "A", 6, 11)
	fill(central, "B", 4, 7)
	fill(backup, "C", 2, 4)
	own := idOf(t, c.create(t, "/api/v1/rooms", obj{"name": "国土局自建机房", "unit_id": units["GTJ"], "kind": "unit", "status": "active"}))
	ownRack := c.rack(t, own, "R1", 42)
	var hosted []int64
	for i := 1; i <= 3; i++ {
		hosted = append(hosted, idOf(t, c.device(t, units["GTJ"], fmt.Sprintf("gtj-db-%02d", i), obj{"rack_id": ownRack, "position": i * 4, "status": "active"})))
	}
	c.create(t, "/api/v1/rooms", obj{"name": "教育局数据中心（规划）", "unit_id": units["JYJ"], "kind": "unit", "status": "planned"})
	for _, l := range []obj{
		{"carrier": "中国电信", "circuit_id": "JS-CT-2019-0042", "unit_id": units["GTJ"], "a_end": "州国土资源局", "z_end": "省自然资源厅", "bandwidth_mbps": 100, "monthly_fee": 2500, "platform": "private", "status": "active"},
		{"carrier": "中国移动", "circuit_id": "JS-CM-2020-0107", "unit_id": units["JYJ"], "a_end": "州教育局", "z_end": "吉首市第一中学", "bandwidth_mbps": 50, "monthly_fee": 1800, "platform": "private", "status": "active"},
		{"carrier": "中国联通", "circuit_id": "JS-CU-2021-0013", "unit_id": units["WJW"], "a_end": "州卫生健康委", "z_end": "州人民医院", "bandwidth_mbps": 200, "monthly_fee": 3200, "platform": "extranet", "status": "active"},
		{"carrier": "中国电信", "circuit_id": "JS-CT-2022-0201", "unit_id": units["GAJ"], "a_end": "州公安局", "z_end": "省公安厅", "bandwidth_mbps": 1000, "monthly_fee": 12000, "platform": "intranet", "status": "active"},
	} {
		c.create(t, "/api/v1/lines", l)
	}
	reviewer := c.as(t, inventory.RoleReviewer)
	for i, pr := range []struct {
		code, name, unit string
		steps            []string
	}{
		{"XX-2026-001", "不动产登记信息管理平台", "GTJ", []string{"submitted", "approved"}},
		{"XX-2026-002", "智慧教育云平台", "JYJ", []string{"submitted"}},
		{"XX-2026-003", "全民健康信息平台二期", "WJW", []string{"submitted", "approved"}},
		{"XX-2026-004", "公安视频专网扩容", "GAJ", nil},
		{"XX-2027-001", "吉首市政务服务一张网", "JSS", []string{"submitted"}},
		{"XX-2027-002", "政务云安全加固", "ZWB", nil},
	} {
		id := idOf(t, c.create(t, "/api/v1/projects", obj{"code": pr.code, "name": pr.name, "lead_unit_id": units[pr.unit],
			"category": "application", "funding_source": "self", "plan_year": 2027, "budget": 800000 + i*350000}))
		if len(pr.steps) > 0 {
			if _, err := c.store.CreateDocument(inventory.WithActor(context.Background(), "test"), id, inventory.DocumentInput{
				Type: "technical_plan", Title: pr.name + "技术方案", Filename: "plan.pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}); err != nil {
				t.Fatal(err)
			}
		}
		for _, to := range pr.steps {
			who, body := c, obj{"to": to, "date": time.Now().Format("2006-01-02")}
			if to == "approved" {
				who, body["approval_number"] = reviewer, "州政办函〔2026〕"+fmt.Sprint(10+i)+"号"
			}
			if res := who.do(t, "POST", p("/api/v1/projects/%d/transitions", id), body); res.status != 200 {
				t.Fatalf("%s to %s: %d %s", pr.code, to, res.status, res.raw)
			}
		}
	}
	ctx := inventory.WithActor(context.Background(), "collector:test")
	for _, d := range hosted[:2] {
		for k := 0; k < 3; k++ {
			if _, err := c.store.AddObservation(ctx, inventory.Observation{DeviceID: d, At: time.Now().Add(time.Duration(k-3) * time.Minute),
				Reachable: false, Error: "request timeout (3 retries)"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if res := c.do(t, "POST", "/api/v1/checks/run", nil); res.status != 201 {
		t.Fatalf("run checks: %d %s", res.status, res.raw)
	}
	items, _ := c.list(t, p("/api/v1/findings?rule=private-line&unit_id=%d", units["JYJ"]))
	soon := time.Now().AddDate(0, 0, 20).Format("2006-01-02")
	if res := c.do(t, "POST", p("/api/v1/findings/%d/exemption", idOf(t, items[0])), obj{"reason": "教育城域网专线，合同 2026 年底到期后并入电子政务外网",
		"basis": "other", "expires_on": soon}); res.status != 200 {
		t.Fatalf("exempt: %d %s", res.status, res.raw)
	}
	items, _ = c.list(t, p("/api/v1/findings?rule=private-line&unit_id=%d", units["GTJ"]))
	return idOf(t, items[0]), device
}

// TestBrowserHome signs in to a filled prefecture, checks the home page's
// parts and, with -update, writes docs/screenshots/home.png in Chinese.
func TestBrowserHome(t *testing.T) {
	b := newBrowser(t)
	seedPrefecture(t, b.client)
	b.signIn(t, "admin")
	b.do(t, chromedp.WaitVisible(chromedp.CSS(`#occupancy table`)))
	for sel, want := range map[string]string{
		"#occupancy tr.room th": "州政务云中心机房",
		"#findings h2":          "待处理问题",
		"#unreachable li":       "gtj-db-0",
		"#expiring td":          time.Now().AddDate(0, 0, 20).Format("2006-01-02"),
	} {
		if got := b.text(t, sel); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q in it", sel, got, want)
		}
	}
	b.screenshot(t, "home")
	// The move plan drawn on the central racks it fills.
	b.do(t, chromedp.Navigate(b.base+"/findings/move-plan"), chromedp.WaitVisible(chromedp.CSS(`figure.target-rack svg`)))
	if n := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll("figure.target-rack .dev.planned").length`)); n == 0 {
		t.Error("no planned arrival drawn on the target racks")
	}
	b.screenshot(t, "move-plan")
}

// TestBrowserExemption: a planner grants an exemption through the form,
// after the store refused a short reason beside the field.
func TestBrowserExemption(t *testing.T) {
	b := newBrowser(t)
	finding, _ := seedPrefecture(t, b.client)
	b.mkUser(t, "planner1", inventory.RolePlanner, nil)
	b.signIn(t, "planner1")
	b.do(t, chromedp.Navigate(b.base+p("/findings/%d", finding)),
		chromedp.WaitVisible(chromedp.CSS(`#reason`)),
		chromedp.SendKeys(chromedp.CSS(`#reason`), "短"),
		chromedp.Submit(chromedp.CSS(`#reason`)),
		chromedp.WaitVisible(chromedp.CSS(`.field-error`)))
	b.do(t, chromedp.SetValue(chromedp.CSS(`#reason`), "国土专网承载涉密测绘数据，经州保密局审查保留"),
		chromedp.SetValue(chromedp.CSS(`#basis`), "classified"),
		chromedp.Submit(chromedp.CSS(`#reason`)),
		chromedp.WaitVisible(chromedp.CSS(`#exemption`)))
	if got := b.text(t, "#finding-status"); got != "已豁免" {
		t.Errorf("status %q, want 已豁免", got)
	}
	if got := b.text(t, ".flash"); got != "已批准豁免。" {
		t.Errorf("flash %q", got)
	}
}

// TestBrowserSearchAndLanguage: "/" focuses the search box, which finds a
// device by its management IP; the language chosen on the account page
// is the user's own and outlasts the cookie.
func TestBrowserSearchAndLanguage(t *testing.T) {
	b := newBrowser(t)
	_, device := seedPrefecture(t, b.client)
	b.signIn(t, "admin")
	b.do(t, chromedp.WaitVisible(chromedp.CSS(`#search`)), pageReady(), chromedp.KeyEvent("/"))
	if focused := value(t, b, chromedp.Evaluate[string](`document.activeElement.id`)); focused != "search" {
		t.Fatalf("after /, focus on %q", focused)
	}
	// chromedp's key event also sends the character: start from an empty box.
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("search").value = ""`), chromedp.KeyEvent("10.18.1.10\r"),
		chromedp.WaitVisible(chromedp.CSS(`.search-group`)))
	href := value(t, b, chromedp.Evaluate[string](`document.querySelector(".search-group a").getAttribute("href")`))
	if href != p("/devices/%d", device) {
		t.Errorf("first hit %q, want the device %d", href, device)
	}
	b.do(t, chromedp.Navigate(b.base+"/account"), chromedp.WaitVisible(chromedp.CSS(`#language-select`)),
		chromedp.SetValue(chromedp.CSS(`#language-select`), "en"),
		chromedp.Submit(chromedp.CSS(`#language-select`)),
		chromedp.WaitReady(chromedp.CSS(`html[lang=en]`)))
	if got := b.text(t, "main h1"); got != "My account" {
		t.Errorf("title %q, want My account", got)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.cookie = "hostroll_lang=zh; path=/"`), chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#occupancy`)))
	if got := b.text(t, "main h1"); got != "Home" {
		t.Errorf("with a zh cookie, title %q: the user's language should come first", got)
	}
}
