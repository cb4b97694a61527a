package ui

import (
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/locale"
)

func ptrOf[T any](v T) *T { return &v }

func deviceFixture() inventory.Device {
	return inventory.Device{ID: 11, Name: "政务云-web-01", Kind: "server", Manufacturer: "Huawei", Model: "RH2288",
		Serial: "2102-AB-01", UnitID: 3, ProjectID: ptrOf[int64](5), RackID: ptrOf[int64](1), Position: ptrOf(5), UHeight: 2,
		Face: "front", FullDepth: true, Status: "active", MgmtIP: "10.1.2.3", PurchasePrice: ptrOf(56000.0),
		Specs:    inventory.Specs{CPUCores: ptrOf(32), MemoryGB: ptrOf(256)},
		PollInfo: inventory.PollInfo{PollStatus: "ok", Drift: []inventory.Drift{{Field: "memory_gb", Registered: 256, Observed: 128}}}}
}

func TestRenderDevices(t *testing.T) {
	for _, lang := range locale.Langs {
		p := testPage(lang)
		d := deviceFixture()
		row := inventory.DeviceRow{Device: d, UnitName: "州财政局", Project: "XM-2025-01 政务云", RackName: "A-01", RoomName: "中心机房"}
		cols, shown := columnsOf("")
		all := append(append([]column{}, cols...), deviceColumns[len(deviceColumns)-1])
		list := renderTest(t, "devices_list", deviceListView{Page: p, Rows: cellsOf(p, all, []inventory.DeviceRow{row}), Columns: all, All: deviceColumns,
			Shown: shown, Filter: map[string]string{"status": "active"}, Sort: "-name", Matching: 120, Pager: Pager{Limit: 50, Total: 120, Lang: lang},
			Opts: optionsOf([]inventory.Choice{{Kind: "unit", ID: 3, Name: "州财政局"}, {Kind: "rack", ID: 1, Name: "A-01", Parent: "中心机房"}},
				map[string]string{"rack_id": "1"}), Summary: "done"})
		at := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
		show := renderTest(t, "devices_show", deviceView{Page: p, Device: d, Unit: "州财政局", Project: "XM-2025-01 政务云",
			Rack: &inventory.Rack{ID: 1, Name: "A-01"}, Room: &inventory.Room{ID: 2, Name: "中心机房"}, CanPoll: true,
			Specs:   specsOf(d, []inventory.Observation{{At: at, Reachable: true, Serial: "2102-AB-01", MemoryMB: ptrOf[int64](131072)}}),
			Polls:   []inventory.Observation{{At: at, Reachable: false, Error: "timeout after 3 retries"}},
			Changes: []inventory.AuditEntry{{ID: 9, At: at, Actor: "operator1", Action: "create"}}})
		form := renderTest(t, "devices_form", deviceFormView{Page: p, In: formValuesOf(inventory.DefaultDeviceInput()),
			Form: formError{Fields: map[string]string{"position": "机柜 1 的 U5 已被占用"}}, Here: "here",
			Choices: deviceChoices{Units: []choice{{"3", "州财政局"}}, Racks: []choice{{"1", "中心机房 / A-01（42U）"}}}})
		want := map[string]map[string][]string{
			locale.ZH: {
				"list": {"选择全部 120 条符合条件的设备", `<option value="1" selected>中心机房 / A-01</option>`, `<a href="/devices/11">政务云-web-01</a>`, "州财政局", `<a href="/racks/1">中心机房 / A-01 U5</a>`, "在用", `<span class="badge ok">正常</span>`, `<span class="badge warn">不一致</span>`, "▼", "显示列", "修改状态为", `hx-trigger="input changed delay:300ms, search"`},
				"show": {"配置：登记与实测", "不一致", "立即采集", "最近采集", "timeout after 3 retries", "无法访问", "变更记录", "operator1", "U5–U6", "¥56,000.00", "128"},
				"form": {"设备名称", "起始 U 位", "机柜 1 的 U5 已被占用", "未能保存", "全深"},
			},
			locale.EN: {
				"list": {"Select all 120 matching devices", "Active", "Columns", "Set status to"},
				"show": {"Specs: declared and observed", "Differs", "Poll now", "Last polls", "Change log"},
				"form": {"Device name", "Full depth", "Save"},
			},
		}[lang]
		for name, page := range map[string]string{"list": list, "show": show, "form": form} {
			if m := untranslated.FindString(page); m != "" {
				t.Errorf("%s %s: untranslated key %s", lang, name, m)
			}
			for _, w := range want[name] {
				if !strings.Contains(page, w) {
					t.Errorf("%s %s: lacks %q", lang, name, w)
				}
			}
			if strings.Contains(page, " style=") || strings.Contains(page, " onclick=") {
				t.Errorf("%s %s: inline style or handler", lang, name)
			}
		}
		// The position's message sits right after the position input.
		i := strings.Index(form, `name="position"`)
		if j := strings.Index(form[i:], "field-error"); j < 0 || j > strings.Index(form[i:], "<label") {
			t.Errorf("%s: the position error is not beside its field", lang)
		}
	}
}

func TestColumnsOf(t *testing.T) {
	for _, tc := range []struct {
		pref string
		want string
	}{
		{"", "name,kind,status,unit,project,placement,serial,poll_status"},
		{"serial,unit,bogus", "name,unit,serial"},
		{"drift", "name,drift"},
	} {
		cols, _ := columnsOf(tc.pref)
		var keys []string
		for _, c := range cols {
			keys = append(keys, c.Key)
		}
		if got := strings.Join(keys, ","); got != tc.want {
			t.Errorf("columnsOf(%q) = %s, want %s", tc.pref, got, tc.want)
		}
	}
	for _, c := range deviceColumns {
		if _, ok := inventory.DeviceSorts[c.Sort]; !ok {
			t.Errorf("column %s sorts on %q, which the store does not know", c.Key, c.Sort)
		}
	}
}
