package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hostroll/inventory"
)

func ptr[T any](v T) *T { return &v }

// reports are one of each report over small hand-made data.
func reports(m Meta) []Report {
	cons := inventory.ConsolidationReport{
		Units: []inventory.ConsolidationRow{{UnitID: ptr(int64(2)), UnitCode: "CZ", UnitName: "州财政局", PrivateRooms: 1,
			PrivateLines: 2, PrivateBandwidthMbps: 150, PrivateMonthlyFee: 5000, PrivateAnnualFee: 60000}},
		Totals: inventory.ConsolidationRow{PrivateRooms: 1, PrivateLines: 2, PrivateBandwidthMbps: 150,
			PrivateMonthlyFee: 5000, PrivateAnnualFee: 60000},
		Lines: []inventory.LineRow{{UnitCode: "CZ", Carrier: "中国电信", CircuitID: "=XXCT-1", BandwidthMbps: 100,
			Status: "active", MonthlyFee: 3200, AnnualCost: 38400, FindingStatus: "open"},
			{UnitCode: "CZ", Carrier: "中国联通", CircuitID: "XXCU-2", BandwidthMbps: 50, Status: "active",
				MonthlyFee: 1800, AnnualCost: 21600, FindingStatus: "unchecked"}},
		Rooms:   []inventory.RoomRow{{RoomName: "州财政局自建机房", UnitCode: "CZ", Status: "active", Racks: 4, Devices: 13, UUsed: 26}},
		Central: inventory.CentralCapacity{Racks: []inventory.RackCapacity{{RackName: "A01", RoomName: "州政府中心机房", UHeight: 42, FreeU: 10}}, FreeU: 10},
	}
	plan := inventory.Plan{Year: 2026, AsOf: "2026-11-30", Projects: []inventory.PlanProject{{Code: "XX-2026-001",
		Name: "州政务云平台扩容工程", UnitCode: "ZW", UnitName: "州电子政务办公室", Category: "network_room",
		FundingSource: "prefecture", Status: "implementing", Budget: 3_200_000}},
		ByFundingSource: []inventory.FundingTotal{{FundingSource: "prefecture", Projects: 1, Budget: 3_200_000}},
		ByUnit:          []inventory.UnitTotal{{UnitCode: "ZW", UnitName: "州电子政务办公室", Projects: 1, Budget: 3_200_000}},
		ProjectCount:    1, TotalBudget: 3_200_000}
	elig := inventory.Eligibility{Year: 2027, AsOf: "2026-11-30", Provisional: true, Items: []inventory.UnitEligibility{
		{UnitCode: "MZ", UnitName: "州民政局", Reasons: []inventory.EligibilityReason{{Reason: "acceptance_not_requested",
			Article: "16", ProjectCode: "XX-2025-009", Message: "逾期未申请验收"}}},
		{UnitCode: "ZW", UnitName: "州电子政务办公室", Eligible: true}}}
	move := inventory.MovePlan{Devices: 2, Placed: 1, UNeeded: 4,
		Moves:    []inventory.Move{{DeviceName: "cz-srv-01", UnitID: 2, UHeight: 2, Face: "front", FullDepth: true, FromRoom: "州财政局自建机房", ToRoom: "州政府中心机房", ToRack: "D07", ToPosition: 1}},
		Unplaced: []inventory.Unplaced{{DeviceName: "cz-stor-01", UnitID: 2, UHeight: 2, Reason: "no rack has 2 U free"}},
		Kept:     []inventory.Kept{{DeviceName: "ga-srv-01", UnitID: 3, ProjectCode: "XX-2026-003", Room: "州公安局指挥中心机房", Reason: "classified"}}}
	comp := &inventory.Compliance{Reasons: []string{"spec item 40 needs 3"}, Items: []inventory.ItemCompliance{{ItemID: 40,
		Kind: "server", Name: "应用服务器", Required: 3, Matched: 2}}, Devices: []inventory.DeviceCompliance{{Name: "zj-srv-01",
		Kind: "server", CandidateItemID: ptr(int64(40)), Checks: []inventory.RequirementCheck{{Field: "memory_gb", Op: "min",
			Value: 256, Declared: 128, Evidence: "declared"}}}}}
	units := map[int64]Unit{2: {"CZ", "州财政局"}, 3: {"GA", "州公安局"}}
	return []Report{Consolidation(cons, m), Plan(plan, m), Eligibility(elig, m), MovePlan(move, units, m),
		Compliance(comp, inventory.Project{Code: "XX-2026-014", Name: "智慧工地监管平台"}, m)}
}

// TestReportsXLSX writes every report in both languages and reads the
// workbooks back: a worksheet per table under the title, headings in the
// language asked for (no catalog key left showing), a total row where the
// figures add up, and text that would be a formula neutralised.
func TestReportsXLSX(t *testing.T) {
	for _, tc := range []struct{ lang, title, total, heading string }{
		{"zh", "生成日期：2026-11-30", "合计", "单位代码"},
		{"en", "Made on 2026-11-30", "Total", "Unit code"},
	} {
		m := Meta{Lang: tc.lang, Date: "2026-11-30", Filters: [][2]string{{"单位", "CZ 州财政局"}}}
		for _, r := range reports(m) {
			t.Run(tc.lang+"/"+r.Name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := r.Write(&buf, "xlsx"); err != nil {
					t.Fatal(err)
				}
				f, err := excelize.OpenReader(&buf)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if len(f.GetSheetList()) != len(r.Tables) {
					t.Fatalf("%d worksheets, want %d", len(f.GetSheetList()), len(r.Tables))
				}
				for i, name := range f.GetSheetList() {
					rows, err := f.GetRows(name)
					if err != nil {
						t.Fatal(err)
					}
					if len(rows) < 5 || rows[1][0] != tc.title || !strings.Contains(rows[2][0], "CZ 州财政局") {
						t.Fatalf("%s: title %q", name, rows)
					}
					for _, cell := range append(append([]string{name, rows[0][0]}, rows[4]...), r.Tables[i].Header...) {
						if strings.Contains(cell, "report.") {
							t.Errorf("%s: heading %q is a catalog key", name, cell)
						}
					}
					if r.Tables[i].Total != nil && rows[len(rows)-1][0] != tc.total {
						t.Errorf("%s: last row %q, want the total", name, rows[len(rows)-1])
					}
				}
			})
		}
		cons := reports(m)[0]
		if cons.Tables[0].Header[0] != tc.heading {
			t.Errorf("%s: first heading %q, want %q", tc.lang, cons.Tables[0].Header[0], tc.heading)
		}
	}
}

// TestReportCSV: the CSV form starts with the byte-order mark, ends its
// lines with CRLF, holds every table after the title, and neutralises text
// a spreadsheet would take for a formula.
func TestReportCSV(t *testing.T) {
	r := reports(Meta{Lang: "zh", Date: "2026-11-30"})[0]
	var buf bytes.Buffer
	if err := r.Write(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, "\ufeff电子政务机房与专线整合报告,,,,,,,,,,,,\r\n生成日期：2026-11-30,,,,,,,,,,,,\r\n筛选条件：无,,,,,,,,,,,,\r\n,,,,,,,,,,,,\r\n按单位,,,,,,,,,,,,\r\n单位代码,") {
		t.Fatalf("start:\n%q", raw[:min(len(raw), 300)])
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff")))
	cr.FieldsPerRecord = 13
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	formula := false
	for _, rec := range recs {
		if rec[1] == "" && (strings.HasPrefix(rec[0], "自建") || rec[0] == "中心机房空闲") {
			names = append(names, rec[0])
		}
		formula = formula || len(rec) > 2 && rec[2] == "'=XXCT-1"
	}
	if strings.Join(names, ",") != "自建专线,自建机房,中心机房空闲" || !formula {
		t.Errorf("sections %v, neutralised %v:\n%s", names, formula, raw)
	}
	if err := r.Write(&buf, "pdf"); err == nil {
		t.Error("pdf was written")
	}
}

// TestNotice: a notice's workbook has its title, number, state and day
// above the body, a paragraph a row, and the units with their problems;
// a withdrawn notice says why.
func TestNotice(t *testing.T) {
	day := inventory.Date("2026-05-06")
	page := inventory.NoticePage{Notice: inventory.Notice{ID: 7, Title: "关于州财政局专线整改不到位的通报",
		Number: "州政务办通〔2026〕5号", Body: "第一段。\n\n第二段。", Status: "withdrawn", PublishedOn: &day,
		WithdrawalReason: "已整改"},
		Units: []inventory.NoticeUnit{{Code: "CZ", Name: "州财政局", Problems: []inventory.NoticeProblem{
			{Kind: "rectification", ID: 1, Text: "专线未并入外网", DueOn: &day}}}}}
	r := Notice(page, Meta{Lang: "zh", Date: "2026-11-30"})
	if r.Name != "notice-7" || r.Title[0] != page.Notice.Title || !strings.Contains(r.Title[1], "州政务办通〔2026〕5号") ||
		!strings.Contains(r.Title[1], "2026-05-06") {
		t.Errorf("title %q", r.Title)
	}
	body := r.Tables[0].Rows
	if len(body) != 3 || body[1][0] != "第二段。" || !strings.Contains(body[2][0].(string), "已整改") {
		t.Errorf("body %q", body)
	}
	if p := r.Tables[1].Rows; len(p) != 1 || p[0][2] != "整改通知" || p[0][5] != "2026-05-06" {
		t.Errorf("problems %q", p)
	}
	var buf bytes.Buffer
	if err := r.Write(&buf, "xlsx"); err != nil {
		t.Fatal(err)
	}
}
