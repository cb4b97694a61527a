package web_test

import (
	"bytes"
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
