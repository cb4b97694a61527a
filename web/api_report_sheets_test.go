package web_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/xuri/excelize/v2"

	"hostroll/sheet"
)

// Workbooks are binary: the OpenAPI check reads them as a string.
func init() {
	openapi3filter.RegisterBodyDecoder(sheet.ContentType(sheet.XLSX), openapi3filter.FileBodyDecoder)
}

// sheetRows reads one worksheet of a workbook answer (the first when name
// is ""), failing unless it is a 200 XLSX attachment.
func sheetRows(t *testing.T, r response, name string) [][]string {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != sheet.ContentType(sheet.XLSX) ||
		!strings.HasPrefix(r.header.Get("Content-Disposition"), `attachment; filename="`) {
		t.Fatalf("not a workbook: %d %s %s\n%.300s", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.raw)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if name == "" {
		name = f.GetSheetList()[0]
	}
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatalf("worksheet %q: %v (the workbook has %v)", name, err, f.GetSheetList())
	}
	return rows
}

// TestReportWorkbooks asks every report for its workbook, in Chinese and in
// English: the title names the report and the day, the headings are in the
// language asked for, the figures are those of the JSON answer and each
// table ends with its total.
func TestReportWorkbooks(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		c = c.inLang("") // no Accept-Language: Chinese
		unitID, _ := seedPolicy(t, c)
		c.do(t, "POST", "/api/v1/checks/run", nil).want(t, 201)
		project := c.create(t, "/api/v1/projects", obj{"code": "XX-2026-001", "name": "政务云", "lead_unit_id": unitID,
			"category": "application", "funding_source": "self", "plan_year": 2026, "budget": 100000})
		c.create(t, p("/api/v1/projects/%d/spec-items", idOf(t, project)), obj{"kind": "server", "quantity": 2})
		tests := []struct {
			name, path, sheet, title, heading string
			total                             []string // the last row's first cells
		}{
			{"consolidation", "/api/v1/reports/consolidation?format=xlsx", "按单位", "电子政务机房与专线整合报告", "单位代码",
				[]string{"合计", "", "1", "1", "2", "1", "1", "100", "3200", "38400"}},
			{"consolidation en", "/api/v1/reports/consolidation?format=xlsx&lang=en", "Private lines",
				"Consolidation report: machine rooms and leased lines", "Unit code", []string{"Total", "", "", "", "", "100", "", "3200", "38400"}},
			{"lines", "/api/v1/reports/consolidation?format=xlsx", "自建专线", "电子政务机房与专线整合报告", "单位代码",
				[]string{"合计", "", "", "", "", "100", "", "3200", "38400"}},
			{"move plan", p("/api/v1/reports/move-plan?format=xlsx&unit_id=%d", unitID), "迁移安排", "设备迁入中心机房计划", "单位代码",
				[]string{"合计", "1", "", "2"}},
			{"plan", "/api/v1/plans/2026?format=xlsx", "按资金来源", "2026 年度电子政务项目计划", "资金来源", []string{"合计", "0", "0"}},
			{"eligibility", "/api/v1/eligibility?year=2027&format=xlsx", "按单位", "2027 年度项目计划单位资格", "单位代码", []string{"合计", "1", "1", "0"}},
			{"compliance", p("/api/v1/projects/%d/compliance?format=xlsx", idOf(t, project)), "技术规格项",
				"项目 XX-2026-001「政务云」设备与技术方案符合性报告（不符合）", "规格项编号", []string{"合计", "", "", "2", "0", "否"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rows := sheetRows(t, c.do(t, "GET", tc.path, nil), tc.sheet)
				if len(rows) < 6 || !strings.HasPrefix(rows[0][0], tc.title) || !strings.Contains(rows[1][0], "20") ||
					rows[4][0] != tc.heading {
					t.Fatalf("title and heading: %q", rows)
				}
				last := rows[len(rows)-1]
				for i, want := range tc.total {
					if i >= len(last) && want != "" || i < len(last) && last[i] != want {
						t.Errorf("total row %q, want it to start %q", last, tc.total)
						break
					}
				}
			})
		}
		// The move plan's title names the unit it was narrowed to.
		rows := sheetRows(t, c.do(t, "GET", p("/api/v1/reports/move-plan?format=xlsx&unit_id=%d", unitID), nil), "")
		if !strings.Contains(rows[2][0], "单位：CZ") {
			t.Errorf("filters line %q does not name the unit", rows[2][0])
		}
		// CSV answers start with the byte-order mark.
		for _, path := range []string{"/api/v1/plans/2026?format=csv", "/api/v1/eligibility?year=2027&format=csv",
			"/api/v1/reports/move-plan?format=csv", "/api/v1/reports/consolidation?format=csv"} {
			if r := c.do(t, "GET", path, nil); r.status != 200 || !bytes.HasPrefix(r.raw, []byte("\ufeff")) {
				t.Errorf("GET %s: %d, no byte-order mark: %.80q", path, r.status, r.raw)
			}
		}
		wantErr(t, c.do(t, "GET", "/api/v1/eligibility?year=2027&format=pdf", nil), 400, "validation", "format")
		wantErr(t, c.do(t, "GET", "/api/v1/plans/2026?format=xlsx&lang=de", nil), 400, "validation", "lang")
	})
}

// TestListSheets asks the lists that are not importable for their
// spreadsheets: all matching rows past one page (the audit log is
// streamed a page at a time), headings in the language asked for, the
// filters in the title, enumeration values as labels.
func TestListSheets(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		c = c.inLang("") // no Accept-Language: Chinese
		unitID, deviceID := seedPolicy(t, c)
		c.do(t, "POST", "/api/v1/checks/run", nil).want(t, 201)
		for i := range 1100 { // more than a page of audit rows
			c.unit(t, p("U%04d", i))
		}
		_, audits := c.list(t, "/api/v1/audit?limit=1")
		rows := sheetRows(t, c.do(t, "GET", "/api/v1/audit?format=xlsx", nil), "")
		if len(rows) != audits+5 || rows[0][0] != "操作日志" || rows[4][0] != "编号" {
			t.Errorf("audit workbook: %d rows (want %d and the title), starts %q", len(rows), audits+5, rows[:5])
		}
		csv := c.do(t, "GET", "/api/v1/audit?format=csv&entity=unit&lang=en", nil)
		if csv.status != 200 || !bytes.HasPrefix(csv.raw, []byte("\ufeffAudit log,,,")) ||
			!bytes.Contains(csv.raw, []byte("\r\nID,Time,Actor,")) || bytes.Count(csv.raw, []byte("\r\n")) < 1105 {
			t.Errorf("audit CSV in English: %d %.200q", csv.status, csv.raw)
		}
		findings := sheetRows(t, c.do(t, "GET", p("/api/v1/findings?format=xlsx&unit_id=%d", unitID), nil), "问题清单")
		if len(findings) != 7 || !strings.Contains(findings[2][0], "单位编号："+p("%d", unitID)) {
			t.Fatalf("findings workbook: %q", findings)
		}
		if !slicesContain(findings[5], "自建专线") || !slicesContain(findings[5], "待处理") {
			t.Errorf("findings: rule and status not labelled: %q", findings[5:])
		}
		en := sheetRows(t, c.do(t, "GET", p("/api/v1/findings?format=xlsx&lang=en&unit_id=%d", unitID), nil), "Findings")
		if en[4][0] != "ID" || !slicesContain(en[5], "Open") {
			t.Errorf("findings in English: %q", en)
		}
		// The exemptions: exempted findings, the exemption in columns of its own.
		fid := idOf(t, c.get(t, p("/api/v1/findings?unit_id=%d&rule=private-line", unitID))["items"].([]any)[0].(obj))
		c.do(t, "POST", p("/api/v1/findings/%d/exemption", fid), obj{"reason": "人民银行要求的专用通道，已备案", "basis": "other"}).want(t, 200)
		ex := sheetRows(t, c.do(t, "GET", "/api/v1/findings?format=xlsx&status=exempted", nil), "")
		at := slices.Index(ex[4], "豁免原因")
		if len(ex) != 6 || at < 0 || ex[5][at] != "人民银行要求的专用通道，已备案" || !slices.Contains(ex[5], "其他") ||
			!strings.Contains(ex[2][0], "状态：已豁免") {
			t.Errorf("exemptions: %q", ex)
		}
		c.create(t, "/api/v1/snmp-profiles", obj{"name": "v2c", "version": "2c", "community": "public"})
		for _, path := range []string{"/api/v1/checks?format=xlsx", p("/api/v1/devices/%d/observations?format=csv", deviceID),
			"/api/v1/rectifications?format=xlsx", "/api/v1/notices?format=xlsx", "/api/v1/users?format=xlsx",
			"/api/v1/tokens?format=csv", "/api/v1/me/sessions?format=xlsx", "/api/v1/snmp-profiles?format=xlsx",
			p("/api/v1/lines/%d/history?format=xlsx", firstID(t, c, "/api/v1/lines"))} {
			r := c.do(t, "GET", path, nil)
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
				t.Errorf("GET %s: %d %s", path, r.status, r.raw)
			}
		}
		snmp := sheetRows(t, c.do(t, "GET", "/api/v1/snmp-profiles?format=xlsx", nil), "")
		if len(snmp) != 6 || strings.Contains(strings.Join(snmp[5], ","), "public") {
			t.Errorf("SNMP profiles (the community stays secret): %q", snmp)
		}
		for _, tc := range []struct{ path, field string }{
			{"/api/v1/audit?format=pdf", "format"},
			{"/api/v1/findings?format=xlsx&lang=fr", "lang"},
			{"/api/v1/tokens?lang=en", "lang"},
			{"/api/v1/me/sessions?colour=red", "colour"},
		} {
			wantErr(t, c.do(t, "GET", tc.path, nil), 400, "validation", tc.field)
		}
		if _, n := c.list(t, "/api/v1/notices?format=json"); n != 0 {
			t.Errorf("format=json lists %d notices", n)
		}
	})
}

func slicesContain(row []string, v string) bool {
	for _, c := range row {
		if c == v {
			return true
		}
	}
	return false
}

func firstID(t *testing.T, c *client, path string) int64 {
	t.Helper()
	items, _ := c.list(t, path+"?limit=1")
	return idOf(t, items[0])
}
