package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPlaceDevice: from the rack page a free U opens the add form
// pre-filled; an occupied U is refused with the message beside the
// position; a free one places the device, which the drawing then shows.
func TestBrowserPlaceDevice(t *testing.T) {
	b := newBrowser(t)
	unit, _, rack := b.rackIn(t, "BR", 42)
	b.device(t, unit, "占位服务器", place{10, 2, "front", true}.body(rack))
	b.signIn(t, "admin")
	b.do(t, chromedp.Navigate(b.base+p("/racks/%d", rack)),
		chromedp.WaitVisible(chromedp.CSS(`svg.elevation`)),
		chromedp.Click(chromedp.CSS(`g.face.front a.free-u[data-u="20"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-name`)))
	if got := value(t, b, chromedp.Value(chromedp.CSS(`#f-position`))); got != "20" {
		t.Fatalf("the form's position is %q, want 20 (the clicked U)", got)
	}
	if got := value(t, b, chromedp.Value(chromedp.CSS(`#f-rack_id`))); got != p("%d", rack) {
		t.Fatalf("the form's rack is %q, want %d", got, rack)
	}
	b.do(t, chromedp.SendKeys(chromedp.CSS(`#f-name`), "浏览器-新服务器"),
		chromedp.SetValue(chromedp.CSS(`#f-unit_id`), p("%d", unit)),
		chromedp.SetValue(chromedp.CSS(`#f-u_height`), "2"),
		chromedp.SetValue(chromedp.CSS(`#f-position`), "11"),
		chromedp.Submit(chromedp.CSS(`#f-name`)),
		chromedp.WaitVisible(chromedp.CSS(`.field-error`)))
	beside := value(t, b, chromedp.Evaluate[string](`(function(){var e=document.querySelector('#f-position').nextElementSibling;return e&&e.classList.contains('field-error')?e.textContent:''})()`))
	if !strings.Contains(beside, "已被设备") || !strings.Contains(beside, "占位服务器") {
		t.Fatalf("beside the position: %q, want the occupied-unit message", beside)
	}
	if got := value(t, b, chromedp.Value(chromedp.CSS(`#f-name`))); got != "浏览器-新服务器" {
		t.Errorf("the refused form lost the name: %q", got)
	}
	b.do(t, chromedp.SetValue(chromedp.CSS(`#f-position`), "20"),
		chromedp.Submit(chromedp.CSS(`#f-name`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	if h := b.text(t, "main h1"); !strings.Contains(h, "浏览器-新服务器") {
		t.Fatalf("after saving: %q", h)
	}
	b.do(t, chromedp.Navigate(b.base+p("/racks/%d", rack)), chromedp.WaitVisible(chromedp.CSS(`svg.elevation`)))
	found := value(t, b, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll('svg.elevation g.face.front a.device title')).some(function(t){return t.textContent.indexOf('浏览器-新服务器')>=0 && t.textContent.indexOf('U20–U21')>=0})`))
	if !found {
		t.Error("the new device is not drawn at U20–U21 on the front")
	}
	// "Download SVG" answers the standalone drawing to the signed-in session.
	svg := value(t, b, chromedp.Evaluate[string](`(async function(){var a=document.querySelector('a[download]');`+
		`var r=await fetch(a.href);return r.headers.get('Content-Type')+' '+(await r.text()).indexOf('浏览器-新服务器')})()`,
		chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(svg, "image/svg+xml") || strings.HasSuffix(svg, " -1") {
		t.Errorf("download SVG: %q", svg)
	}
}

// TestBrowserBulkStatus: "select all matching" changes every device the
// filter matches, on both pages of the list, and nothing else.
func TestBrowserBulkStatus(t *testing.T) {
	b := newBrowser(t)
	unit := b.unit(t, "BULK")
	for i := range 7 {
		b.device(t, unit, p("批量-%02d", i), nil)
	}
	other := idOf(t, b.device(t, unit, "其他设备", nil))
	b.signIn(t, "admin")
	b.do(t, chromedp.Navigate(b.base+"/devices?q=批量&limit=5"),
		chromedp.WaitVisible(chromedp.CSS(`#select-all-matching`)))
	if n := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll('table.devices tbody tr').length`)); n != 5 {
		t.Fatalf("the first page shows %d rows, want 5 of 7", n)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`#select-all-matching`)),
		chromedp.SetValue(chromedp.CSS(`#bulk-action`), "status"),
		chromedp.SetValue(chromedp.CSS(`select[name=value_status]`), "offline"),
		chromedp.Evaluate[chromedp.Void](`window.confirm = function(){ return true }`),
		chromedp.Click(chromedp.CSS(`#bulk button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#bulk-summary`)))
	if s := b.text(t, "#bulk-summary"); !strings.Contains(s, "7 台设备") {
		t.Errorf("summary %q, want 7 devices", s)
	}
	if _, n := b.list(t, "/api/v1/devices?q=批量&status=offline"); n != 7 {
		t.Errorf("%d of the 7 matching devices are offline", n)
	}
	if d := b.get(t, p("/api/v1/devices/%d", other)); d["status"] != "planned" {
		t.Errorf("a device outside the filter became %v", d["status"])
	}
}

// TestBrowserUnitStaffOtherDevice: a unit's staff member who types another
// unit's device's address gets a page that does not exist.
func TestBrowserUnitStaffOtherDevice(t *testing.T) {
	b := newBrowser(t)
	mine, theirs := b.unit(t, "MINE"), b.unit(t, "THEIRS")
	b.device(t, mine, "本单位服务器", nil)
	secret := idOf(t, b.device(t, theirs, "他单位机密服务器", obj{"serial": "SN-THEIRS"}))
	b.mkUser(t, "staff-mine", "unit_staff", &mine)
	b.signIn(t, "staff-mine")
	b.do(t, chromedp.Navigate(b.base+p("/devices/%d", secret)), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if h := b.text(t, "main h1"); !strings.Contains(h, "404") {
		t.Errorf("title %q, want a 404 page", h)
	}
	body := value(t, b, chromedp.Evaluate[string](`document.body.innerText`))
	if strings.Contains(body, "他单位机密服务器") || strings.Contains(body, "SN-THEIRS") {
		t.Error("the 404 page names the other unit's device")
	}
	b.do(t, chromedp.Navigate(b.base+"/devices"), chromedp.WaitVisible(chromedp.CSS(`table.devices`)))
	if body := b.text(t, "table.devices"); strings.Contains(body, "他单位") || !strings.Contains(body, "本单位服务器") {
		t.Errorf("the staff member's list: %q", body)
	}
}
