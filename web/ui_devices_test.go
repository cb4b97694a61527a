package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// deviceForm is a valid new device's form in rack at pos.
func deviceForm(unit, rack int64, name string, pos int) url.Values {
	return url.Values{"name": {name}, "kind": {"server"}, "unit_id": {p("%d", unit)}, "rack_id": {p("%d", rack)},
		"position": {p("%d", pos)}, "u_height": {"2"}, "face": {"front"}, "full_depth": {"true"}, "status": {"planned"}}
}

// TestDeviceFormPages: the add form refuses an occupied unit with the
// message beside the position field and the input kept, then places the
// device on a free one; the edit form saves; errors of typing stay beside
// their fields.
func TestDeviceFormPages(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, rack := c.rackIn(t, "DF", 42)
		c.device(t, unit, "占位服务器", place{10, 1, "front", true}.body(rack))
		op := c.as(t, "operator")

		checkPage(t, op.openPage(t, p("/devices/new?rack_id=%d&position=12&face=rear&full_depth=false", rack)), 200,
			[]string{`name="position" type="number" min="1" max="60" value="12"`, `<option value="rear" selected>`,
				`name="csrf_token"`, "在 Room DF / R-DF（42U） 的 U12（后面）添加设备"}, []string{`name="full_depth" value="true" checked`})

		r := op.postForm(t, "/devices", deviceForm(unit, rack, "新服务器-01", 9))
		checkPage(t, r, 409, []string{`value="新服务器-01"`, "已被设备", "占位服务器"}, nil)
		body := string(r.raw)
		pos := strings.Index(body, `id="f-position"`)
		fe := strings.Index(body[pos:], `class="field-error"`)
		next := strings.Index(body[pos:], `<label`)
		if pos < 0 || fe < 0 || fe > next {
			t.Errorf("the occupied-unit message is not beside the position field")
		}

		bad := deviceForm(unit, rack, "", 20)
		bad.Set("position", "abc")
		checkPage(t, op.postForm(t, "/devices", bad), 400, []string{"请输入整数"}, nil)

		r = op.postForm(t, "/devices", deviceForm(unit, rack, "新服务器-01", 20))
		if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/devices/") {
			t.Fatalf("create: %d %s", r.status, r.header.Get("Location"))
		}
		loc := strings.SplitN(r.header.Get("Location"), "?", 2)[0]
		checkPage(t, op.openPage(t, loc+"?done=device_created"), 200,
			[]string{"设备已登记。", "新服务器-01", "U20–U21", "R-DF", "变更记录", "新建", "尚未采集。"}, nil)
		svg := op.do(t, "GET", p("/api/v1/racks/%d/elevation?render=svg", rack), nil)
		if !strings.Contains(string(svg.raw), "新服务器-01") {
			t.Error("the new device is not in the rack's drawing")
		}

		edit := deviceForm(unit, rack, "新服务器-01改", 20)
		edit.Set("serial", "SN-EDIT-1")
		if r := op.postForm(t, loc, edit); r.status != 303 {
			t.Fatalf("save: %d %.300s", r.status, r.raw)
		}
		checkPage(t, op.openPage(t, loc+"/edit"), 200, []string{`value="新服务器-01改"`, `value="SN-EDIT-1"`}, nil)
		if r := c.as(t, "auditor").postForm(t, loc, edit); r.status != 403 {
			t.Errorf("an auditor saved a device: %d", r.status)
		}
		if r := op.postForm(t, loc+"/delete", url.Values{}); r.status != 303 || r.header.Get("Location") != "/devices?done=device_deleted" {
			t.Fatalf("delete: %d %s", r.status, r.header.Get("Location"))
		}
		checkPage(t, op.openPage(t, loc), 404, nil, []string{"新服务器-01改"})
	})
}

// TestDeviceListPages: filters, search, sort, chosen columns, bulk changes
// of every match (not the page), and unit staff's scope.
func TestDeviceListPages(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unitA, _, rack := c.rackIn(t, "DL", 42)
		unitB := c.unit(t, "DLB")
		for i := range 7 {
			c.device(t, unitA, p("批量-%02d", i), merge(place{1 + i*2, 1, "front", true}.body(rack), obj{"serial": p("SN-DL-%d", i)}))
		}
		devB := idOf(t, c.device(t, unitB, "乙单位设备", obj{"serial": "SN-B-ONLY"}))
		op := c.as(t, "operator")

		checkPage(t, op.openPage(t, "/devices?q=批量&limit=5"), 200,
			[]string{"批量-00", "批量-04", "第 1–5 条，共 7 条", "选择全部 7 条符合条件的设备", `rel="next"`}, []string{"批量-05", "乙单位设备"})
		checkPage(t, op.openPage(t, "/devices?q=批量&sort=-name&limit=2"), 200, []string{"批量-06", "批量-05", "▼"}, []string{"批量-00"})
		checkPage(t, op.openPage(t, p("/devices?unit_id=%d&poll_status=never", unitB)), 200, []string{"乙单位设备"}, []string{"批量-00"})
		checkPage(t, op.openPage(t, "/devices?status=lost"), 400, []string{"status"}, nil)

		if r := op.postForm(t, "/devices/columns", url.Values{"columns": {"serial", "unit"}, "back": {"q=批量"}}); r.status != 303 {
			t.Fatalf("columns: %d", r.status)
		}
		r := op.openPage(t, "/devices?q=批量")
		checkPage(t, r, 200, []string{"SN-DL-3", ">序列号</a>", ">所属单位</a>"}, []string{">采集状态</a>", ">设备类型</a>"})
		checkPage(t, c.openPage(t, "/devices?q=批量"), 200, []string{">采集状态</a>"}, nil) // another user's columns

		// Every match, across pages: the seven, not B's device.
		r = op.postForm(t, "/devices/bulk", url.Values{"action": {"status"}, "value_status": {"active"}, "all": {"1"},
			"back": {"q=批量&limit=5&offset=5"}})
		if r.status != 303 {
			t.Fatalf("bulk: %d %.300s", r.status, r.raw)
		}
		checkPage(t, op.openPage(t, r.header.Get("Location")), 200, []string{"批量操作完成：7 台设备已修改状态。"}, nil)
		if _, n := c.list(t, "/api/v1/devices?status=active&q=批量"); n != 7 {
			t.Errorf("%d active after the bulk change, want 7", n)
		}
		if d := c.get(t, p("/api/v1/devices/%d", devB)); d["status"] != "planned" {
			t.Errorf("B's device: %v", d["status"])
		}
		// Chosen ids; a refusal shows why and changes nothing.
		r = op.postForm(t, "/devices/bulk", url.Values{"action": {"unit"}, "value_unit": {"999999"}, "all": {"1"}, "back": {"q=批量"}})
		checkPage(t, r, 400, []string{"没有任何设备被修改", "没有单位编号为 999999 的记录"}, nil)

		staff := c.asUnit(t, "unit_staff", &unitB)
		checkPage(t, staff.openPage(t, "/devices"), 200, []string{"乙单位设备"}, []string{"批量-00", "/devices/bulk"})
		checkPage(t, staff.openPage(t, p("/devices/%d", devB)), 200, []string{"乙单位设备", "SN-B-ONLY"}, nil)
		for _, path := range []string{p("/devices/%d", devB-1), p("/devices/%d/edit", devB-1)} {
			r := staff.openPage(t, path)
			if r.status != 404 && r.status != 403 {
				t.Errorf("%s: %d", path, r.status)
			}
			if strings.Contains(string(r.raw), "批量-06") {
				t.Errorf("%s names another unit's device", path)
			}
		}
		checkPage(t, staff.openPage(t, p("/devices/%d", devB-1)), 404, nil, []string{"批量"})
	})
}
