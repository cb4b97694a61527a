package ui

import (
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/web/ui/elevation"
)

// Fixture data for the render tests of the home, units, lines, findings,
// plans, audit, search, account and users pages.
var (
	tUnit    = inventory.Unit{ID: 3, Code: "GTJ", Name: "州国土资源局", Kind: "department"}
	tDate    = inventory.Date("2026-12-15")
	tTime    = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	tLine    = inventory.Line{ID: 7, Carrier: "中国电信", CircuitID: "XX-2019-0042", UnitID: 3, AEnd: "国土局", ZEnd: "省厅", BandwidthMbps: 100, MonthlyFee: 2500, Platform: "private", Status: "active"}
	tFinding = inventory.Finding{ID: 11, Rule: "private-line", Article: "5", Severity: "high", SubjectType: "line", SubjectID: 7,
		UnitID: ptr(int64(3)), Message: "专线 XX-2019-0042 未并入电子政务网络", Status: "exempted", FirstSeen: tTime,
		Exemption: &inventory.Exemption{Reason: "经保密局备案的业务专线", Basis: "classified", ExpiresOn: &tDate, GrantedBy: "planner", GrantedAt: tTime}}
	tDevice = inventory.Device{ID: 5, Name: "gtj-db-01", Kind: "server", Manufacturer: "华为", Model: "2288H V5", Serial: "2102311QWE", UnitID: 3, Status: "active", MgmtIP: "10.1.2.3"}
)

func ptr[T any](v T) *T { return &v }

func tSummary() unitSummary {
	return unitSummary{Unit: tUnit, Rooms: []inventory.Room{{ID: 2, Name: "国土局机房", UnitID: 3, Kind: "unit", Status: "active"}},
		Devices: []inventory.Device{tDevice}, DevicesTotal: 12, CentralDevices: 8, UnrackedDevices: 1,
		Lines: []inventory.Line{tLine}, MonthlyFee: 2500, Projects: []inventory.Project{{ID: 9, Code: "XX-2026-003", Name: "不动产登记系统", Status: "implementing", PlanYear: 2026, Budget: 1200000}},
		ProjectsTotal: 1, Findings: []inventory.Finding{tFinding}, FindingsTotal: 1, NextYear: 2027,
		Eligibility: &inventory.UnitEligibility{UnitID: 3, Eligible: false, Reasons: []inventory.EligibilityReason{{Reason: "unfinished", Article: "16", ProjectID: 9, ProjectCode: "XX-2026-003", Message: "not finished"}}}}
}

// renderCase is one view with its data in one language, and what the page
// must contain.
type renderCase struct {
	view string
	data func(p Page) any
	want []string
	// wantLang are texts from the catalog: {zh, en}.
	wantLang [][2]string
}

func coreRenderCases() []renderCase {
	return []renderCase{
		{"home", func(p Page) any {
			p.User = Viewer{ID: 2, Name: "gtj", Role: "unit_staff", UnitID: 3}
			s := tSummary()
			return homeView{Page: p, Rooms: occupancyOf(inventory.CentralCapacity{Racks: []inventory.RackCapacity{
				{RackID: 1, RackName: "A01", RoomID: 1, RoomName: "中心机房一区", UHeight: 42, FreeU: 10},
				{RackID: 2, RackName: "B01", RoomID: 1, RoomName: "中心机房一区", UHeight: 42, FreeU: 40}}}),
				Rules:            []inventory.RuleCount{{Rule: "private-line", Article: "5", Counts: inventory.Counts{High: 2, Open: 2}}},
				Totals:           inventory.Counts{High: 2, Open: 2},
				Projects:         []inventory.StatusCount{{Status: "implementing", N: 4}},
				Unreachable:      []inventory.Finding{{ID: 12, Rule: "unreachable", SubjectType: "device", SubjectID: 5, Message: "gtj-db-01 无响应", FirstSeen: tTime}},
				UnreachableTotal: 1, Expiring: []inventory.Finding{tFinding}, Unit: &s}
		}, []string{`href="/rooms/1"`, `href="/devices/5"`, `href="/findings/11"`, `id="my-unit"`, "2026-12-15", `href="/findings?rule=private-line&amp;status=open"`},
			[][2]string{{"中心机房 U 位占用", "Central room occupancy"}, {"A 列", "Row A"}, {"实施中", "Implementing"}, {"2027 年度不得安排项目", "No projects in 2027"}}},
		{"units_list", func(p Page) any {
			return unitListView{Page: p, Units: []inventory.Unit{tUnit}, Kinds: inventory.UnitKinds, Pager: Pager{Limit: 50, Total: 1, Lang: p.Lang}}
		}, []string{`href="/units/3"`, "州国土资源局"}, [][2]string{{"部门", "Department"}}},
		{"units_show", func(p Page) any { return unitShowView{Page: p, unitSummary: tSummary()} },
			[]string{`href="/lines/7"`, `href="/projects/9"`, `href="/rooms/2"`, `href="/devices/5"`, "¥30,000.00"},
			[][2]string{{"年费用", "Yearly cost"}, {"在中心机房外", "Outside the central room"}}},
		{"lines_list", func(p Page) any {
			return lineListView{Page: p, Lines: []inventory.Line{tLine}, Units: unitIndex{3: tUnit}, UnitList: []inventory.Unit{tUnit},
				Platforms: inventory.LinePlatforms, Statuses: inventory.LineStatuses, Filter: map[string]string{"platform": "private"}, Pager: Pager{Limit: 50, Total: 1, Lang: p.Lang}}
		}, []string{`href="/lines/7"`, `value="private" selected`, "¥30,000.00"}, [][2]string{{"自建专线", "Private line"}}},
		{"lines_show", func(p Page) any {
			h := []inventory.LineState{{ChangedOn: "2024-01-01", BandwidthMbps: 20, Platform: "private", At: tTime}, {ChangedOn: "2025-06-01", BandwidthMbps: 100, Platform: "private", At: tTime}}
			return lineShowView{Page: p, Line: tLine, Unit: tUnit, History: h, Chart: lineChart(h, "t", func(s string) string { return s })}
		}, []string{`<svg class="chart"`, "2025-06-01", "¥30,000.00", `class="pt platform-private"`}, [][2]string{{"带宽与承载网络变化记录", "Bandwidth and platform history"}}},
		{"findings_list", func(p Page) any {
			return findingListView{Page: p, Group: "rule", Groups: []findingGroup{{Key: "private-line", Label: "x", Items: items([]inventory.Finding{tFinding})}},
				Filter: map[string]string{}, Rules: ruleNames(), Statuses: inventory.FindingStatuses, Severities: inventory.Severities, Subjects: inventory.SubjectTypes, Pager: Pager{Limit: 50, Total: 1, Lang: p.Lang}}
		}, []string{`href="/findings/11"`, `id="run-checks"`, `class="group"`, `value="rule" selected`}, [][2]string{{"立即运行合规检查", "Run the checks now"}, {"第5条", "Art. 5"}}},
		{"findings_show", func(p Page) any {
			return findingShowView{Page: p, Finding: findingItem{tFinding}, Unit: tUnit.Name, Bases: inventory.ExemptionBases,
				Form: formError{Fields: map[string]string{"reason": "too short"}}, Input: inventory.ExemptionInput{Reason: "短", Basis: "other"}}
		}, []string{`action="/findings/11/exemption"`, `action="/findings/11/exemption/revoke"`, `href="/lines/7"`, "too short", ">短</textarea>", `name="expires_on"`},
			[][2]string{{"豁免依据", "Basis"}, {"涉密", "Classified"}}},
		{"findings_checks", func(p Page) any {
			p.Flash = "done"
			return checkListView{Page: p, Checks: []inventory.Check{{ID: 1, Started: tTime, Finished: tTime.Add(42 * time.Millisecond), Actor: "planner", Rules: 16, Opened: 3, Open: 9}}, Pager: Pager{Limit: 50, Total: 1, Lang: p.Lang}}
		}, []string{`class="latest"`, ">42<", `id="runs"`}, [][2]string{{"新发现", "Opened"}}},
		{"findings_consolidation", func(p Page) any {
			r := inventory.ConsolidationReport{Units: []inventory.ConsolidationRow{{UnitID: ptr(int64(3)), UnitName: "州国土资源局", PrivateLines: 1, PrivateAnnualFee: 30000}},
				Totals:  inventory.ConsolidationRow{PrivateLines: 1, PrivateAnnualFee: 30000},
				Lines:   []inventory.LineRow{{LineID: 7, CircuitID: "XX-2019-0042", AnnualCost: 30000, Status: "active", FindingStatus: "unchecked"}},
				Central: inventory.CentralCapacity{Racks: []inventory.RackCapacity{{RackID: 1, RackName: "A01", UHeight: 42, FreeU: 10}}, FreeU: 10}}
			return consolidationView{Page: p, Report: r}
		}, []string{`href="/lines/7"`, `href="/racks/1"`, "¥30,000.00", "format=csv"}, [][2]string{{"自建专线年费用", "Private lines, yearly cost"}, {"未检查", "not checked"}}},
		{"findings_moveplan", func(p Page) any {
			plan := inventory.MovePlan{Devices: 1, Placed: 1, UNeeded: 2, Moves: []inventory.Move{{DeviceID: 5, DeviceName: "gtj-db-01", UnitID: 3, UHeight: 2, FullDepth: true, FromRoom: "国土局机房", FromPosition: 10, ToRackID: 1, ToRack: "A01", ToRoom: "中心机房一区", ToPosition: 20}},
				Kept: []inventory.Kept{{DeviceID: 6, DeviceName: "secret-1", UnitID: 3, ProjectID: ptr(int64(9)), ProjectCode: "XX-2026-003", Room: "国土局机房", Reason: "classified"}}}
			target := targetRack{Room: "中心机房一区", Rack: "A01", RackID: 1, Arrivals: 1, Drawing: Drawing{Lang: p.Lang,
				Rack: elevation.Rack{ID: 1, Name: "A01", UHeight: 42}, Devices: []elevation.Device{{ID: 5, Name: "gtj-db-01", Position: 20,
					UHeight: 2, FullDepth: true, UnitID: 3, Planned: true}, {ID: 8, Name: "zwb-core-01", Position: 1, UHeight: 1, FullDepth: true, UnitID: 1}}}}
			return movePlanView{Page: p, Plan: plan, Units: unitIndex{3: tUnit}, UnitList: []inventory.Unit{tUnit}, Filter: map[string]string{"unit_id": "3"},
				Targets: []targetRack{target}}
		}, []string{`href="/racks/1"`, "U20", `href="/projects/9"`, `value="3" selected`, "unit_id=3", " planned\"", "zwb-core-01", `class="target-rack"`},
			[][2]string{{"迁移清单", "Moves"}, {"前后（全深）", "Both (full depth)"}, {"迁入 1 台", "1 arriving"}}},
		{"plans_show", func(p Page) any {
			return planView{yearPage: yearPage{Page: p, Year: 2027}, Plan: inventory.Plan{Year: 2027, ProjectCount: 1, TotalBudget: 1200000,
				Projects:        []inventory.PlanProject{{ID: 9, Code: "XX-2026-003", Name: "不动产登记系统", LeadUnitID: 3, UnitName: "州国土资源局", Category: "application", FundingSource: "prefecture", Status: "approved", Budget: 1200000}},
				ByFundingSource: []inventory.FundingTotal{{FundingSource: "prefecture", Projects: 1, Budget: 1200000}}},
				Eligibility: inventory.Eligibility{Year: 2027, AsOf: "2026-11-30", Items: []inventory.UnitEligibility{{UnitID: 3, UnitName: "州国土资源局", Eligible: true}}}}
		}, []string{`value="2027" selected`, `href="/projects/9"`, "¥1,200,000.00", "/api/v1/plans/2027?format=csv"}, [][2]string{{"按资金来源", "By funding source"}, {"申报资格", "Eligibility"}}},
		{"plans_eligibility", func(p Page) any {
			return planView{yearPage: yearPage{Page: p, Year: 2027}, Eligibility: inventory.Eligibility{Year: 2027, Provisional: true,
				Items: []inventory.UnitEligibility{{UnitID: 3, UnitName: "州国土资源局", Reasons: []inventory.EligibilityReason{{Reason: "unfinished", ProjectID: 9, ProjectCode: "XX-2026-003"}}}}}}
		}, []string{`href="/projects/9"`, `href="/units/3"`}, [][2]string{{"暂定", "provisional"}}},
		{"audit_list", func(p Page) any {
			return auditListView{Page: p, Entries: []inventory.AuditEntry{{ID: 40, At: tTime, Actor: "planner", Action: "update", Entity: "finding", EntityID: 11}},
				Entities: inventory.AuditEntities, Actions: inventory.AuditActions, Filter: map[string]string{"from": "2026-11-01"}, Pager: Pager{Limit: 50, Total: 1, Lang: p.Lang}}
		}, []string{`href="/audit/40"`, `href="/audit/verify"`, `value="2026-11-01"`}, [][2]string{{"审计日志", "Audit log"}, {"问题 #11", "Finding #11"}}},
		{"audit_show", func(p Page) any {
			e := inventory.AuditEntry{ID: 40, At: tTime, Actor: "planner", Action: "update", Entity: "finding", EntityID: 11,
				Before: inventory.RawJSON(`{"status":"open","rule":"private-line"}`), After: inventory.RawJSON(`{"status":"exempted","rule":"private-line","note":"x"}`)}
			return auditShowView{Page: p, Entry: e, Changes: auditDiff(e.Before, e.After), Before: indentJSON(e.Before), After: indentJSON(e.After)}
		}, []string{`class="changed"`, `class="added"`, "&#34;exempted&#34;", `id="before"`}, [][2]string{{"变更内容", "Difference"}}},
		{"audit_verify", func(p Page) any {
			return auditVerifyView{Page: p, Result: inventory.AuditVerification{OK: true, Checked: 120, HeadID: 120, HeadHash: "abc123"}}
		}, []string{`id="chain-ok"`, "abc123"}, [][2]string{{"已校验 120 条记录", "120 rows checked"}}},
		{"search", func(p Page) any {
			p.Query = "gtj"
			return searchView{Page: p, Hits: 1, Groups: []searchGroup{{Label: "设备", Total: 1, Hits: []searchHit{{URL: "/devices/5", Name: "gtj-db-01", Detail: "10.1.2.3"}}}}}
		}, []string{`href="/devices/5"`, "10.1.2.3"}, [][2]string{{"共找到 1 条", "1 found"}}},
		{"account", func(p Page) any {
			return accountView{Page: p, Me: inventory.User{ID: 1, Username: "admin", Role: "admin"}, Language: "en",
				Sessions: []inventory.Session{{ID: 1, Current: true, CreatedAt: tTime, LastSeenAt: tTime}, {ID: 2, CreatedAt: tTime, LastSeenAt: tTime}},
				Tokens:   []inventory.Token{{ID: 4, Key: "hr_abc", Description: "备份脚本"}}, NewSecret: "hr_abc.SECRET",
				Password: formError{Fields: map[string]string{"current_password": "wrong"}}}
		}, []string{`id="token-secret"`, "hr_abc.SECRET", `action="/account/sessions/2/revoke"`, `action="/account/tokens/4/revoke"`, `href="/login/totp"`, `value="en" selected`, "wrong"},
			[][2]string{{"当前会话", "This session"}, {"跟随浏览器", "Follow the browser"}}},
		{"users_list", func(p Page) any {
			return userListView{Page: p, Users: []inventory.User{{ID: 4, Username: "gtj", Role: "unit_staff", UnitID: ptr(int64(3)), Status: "active", MustChangePassword: true}},
				Roles: inventory.Roles, Statuses: inventory.UserStatuses, UnitList: []inventory.Unit{tUnit}, Units: unitIndex{3: tUnit}, Filter: map[string]string{},
				Pager: Pager{Limit: 50, Total: 1, Lang: p.Lang}, Created: &inventory.User{Username: "gtj"}, Secret: "Gen-Pass-1",
				Form: formError{Fields: map[string]string{"username": "taken"}}, Input: inventory.UserInput{Username: "gtj", Role: "unit_staff", UnitID: ptr(int64(3))}}
		}, []string{`href="/users/4"`, "Gen-Pass-1", "taken", `value="3" selected`, `action="/users"`}, [][2]string{{"建设单位", "Unit staff"}, {"须改密码", "must change password"}}},
		{"users_show", func(p Page) any {
			return userShowView{Page: p, Account: inventory.User{ID: 4, Username: "gtj", Role: "operator", Status: "disabled"}, Roles: inventory.Roles,
				Statuses: inventory.UserStatuses, UnitList: []inventory.Unit{tUnit}, Secret: "New-Pass-2"}
		}, []string{`action="/users/4"`, `action="/users/4/password"`, "New-Pass-2", `value="disabled" selected`, `value="operator" selected`}, [][2]string{{"重置密码", "Reset password"}}},
	}
}

// TestRenderCorePages renders every page of this group in both languages
// with fixture data: the structure is there, the labels come from the
// right catalog, and no key is shown untranslated.
func TestRenderCorePages(t *testing.T) {
	for _, tc := range coreRenderCases() {
		for i, lang := range []string{locale.ZH, locale.EN} {
			t.Run(tc.view+"/"+lang, func(t *testing.T) {
				page := renderTest(t, tc.view, tc.data(testPage(lang)))
				if m := untranslated.FindString(page); m != "" {
					t.Errorf("untranslated key %s", m)
				}
				for _, w := range tc.want {
					if !strings.Contains(page, w) {
						t.Errorf("no %q in the page", w)
					}
				}
				for _, w := range tc.wantLang {
					if !strings.Contains(page, w[i]) {
						t.Errorf("no %q in the page", w[i])
					}
					if other := w[1-i]; other != w[i] && strings.Contains(page, other) {
						t.Errorf("%q of the other language in the page", other)
					}
				}
			})
		}
	}
}

func TestRackRow(t *testing.T) {
	for in, want := range map[string]string{"A01": "A", "A10": "A", "B-03": "B", "C 2": "C", "MDF": "MDF", "12": "12", "K1R07": "K1R"} {
		if got := rackRow(in); got != want {
			t.Errorf("rackRow(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOccupancyOf(t *testing.T) {
	rooms := occupancyOf(inventory.CentralCapacity{Racks: []inventory.RackCapacity{
		{RackName: "A01", RoomID: 1, RoomName: "一区", UHeight: 42, FreeU: 2},
		{RackName: "A02", RoomID: 1, RoomName: "一区", UHeight: 42, FreeU: 42},
		{RackName: "B01", RoomID: 1, RoomName: "一区", UHeight: 42, FreeU: 0},
		{RackName: "A01", RoomID: 2, RoomName: "二区", UHeight: 47, FreeU: 47},
	}})
	if len(rooms) != 2 || rooms[0].Racks != 3 || rooms[0].Used != 82 || rooms[0].Free() != 44 || rooms[0].Percent() != 65 {
		t.Fatalf("rooms = %+v", rooms)
	}
	if r := rooms[0].Rows; len(r) != 2 || r[0].Name != "A" || r[0].Used != 40 || r[1].Name != "B" || r[1].Percent() != 100 {
		t.Errorf("rows = %+v", r)
	}
	if rooms[1].Used != 0 || rooms[1].Free() != 47 {
		t.Errorf("second room = %+v", rooms[1])
	}
}

func TestAuditDiff(t *testing.T) {
	got := auditDiff(inventory.RawJSON(`{"a":1,"b":{"x":[1, 2]},"c":"gone"}`), inventory.RawJSON(`{"a":2,"b":{"x":[1,2]},"d":null}`))
	want := []auditChange{{Field: "a", Before: "1", After: "2"}, {Field: "c", Before: `"gone"`, Removed: true}, {Field: "d", After: "null", Added: true}}
	if len(got) != len(want) {
		t.Fatalf("diff = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if d := auditDiff(nil, inventory.RawJSON(`{"a":1}`)); len(d) != 1 || !d[0].Added {
		t.Errorf("a create: %+v", d)
	}
}

func TestLineChartEscapes(t *testing.T) {
	svg := lineChart([]inventory.LineState{{ChangedOn: "2025-01-01", BandwidthMbps: 50, Platform: "<x>"}}, `"t"&`, func(s string) string { return s })
	if strings.Contains(svg, "<x>") || strings.Contains(svg, `"t"&`) || strings.Contains(svg, "style=") {
		t.Errorf("unescaped or styled: %s", svg)
	}
	if lineChart(nil, "t", nil) != "" {
		t.Error("a chart without history")
	}
}
