package inventory_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/locale"
	"hostroll/sheet"
)

// seedSheets fills a store with a few records of every kind a sheet
// imports, with every optional field used somewhere.
func seedSheets(t *testing.T, s *inventory.Store) {
	t.Helper()
	ctx := context.Background()
	u1, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "ZCZJ", Name: "州财政局", Kind: "department"})
	noErr(t, err)
	u2, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "JSS", Name: "吉首市", Kind: "county"})
	noErr(t, err)
	central, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "州中心机房", UnitID: u1.ID, Kind: "central", Status: "active", Address: "=州政府大楼 3 楼"})
	noErr(t, err)
	_, err = s.CreateRoom(ctx, inventory.RoomInput{Name: "吉首市自建机房", UnitID: u2.ID, Kind: "unit", Status: "planned"})
	noErr(t, err)
	a01, err := s.CreateRack(ctx, inventory.RackInput{RoomID: central.ID, Name: "A01", UHeight: 42})
	noErr(t, err)
	_, err = s.CreateRack(ctx, inventory.RackInput{RoomID: central.ID, Name: "A02", UHeight: 47})
	noErr(t, err)
	snmp := inventory.DefaultSNMPProfileInput()
	snmp.Name, snmp.Version, snmp.Community = "默认 v2c", "2c", "public"
	prof, err := s.CreateSNMPProfile(ctx, snmp)
	noErr(t, err)
	p1, err := s.CreateProject(ctx, inventory.ProjectInput{Code: "XX-2026-001", Name: "政务云扩容", LeadUnitID: u1.ID,
		UnitIDs: []int64{u2.ID}, Category: "network_room", FundingSource: "prefecture", Classified: true,
		PlanYear: 2026, Budget: 1234567.89, Supervisor: "湘西监理", TrialRunEnd: ptr(inventory.Date("2026-12-31"))})
	noErr(t, err)
	_, err = s.CreateProject(ctx, inventory.ProjectInput{Code: "XX-2026-002", Name: "不动产登记", LeadUnitID: u2.ID,
		UnitIDs: []int64{}, Category: "application", FundingSource: "self", PlanYear: 2027, Budget: 10})
	noErr(t, err)
	_, err = s.CreateSpecItem(ctx, p1.ID, inventory.SpecItemInput{Kind: "server", Name: "计算节点", Quantity: 4,
		MaxUnitPrice: ptr(85000.0), Requirements: []inventory.Requirement{
			{Field: "memory_gb", Op: "min", Value: 128.0}, {Field: "manufacturer", Op: "in", Value: []any{"华为", "H3C"}}}})
	noErr(t, err)
	_, err = s.CreateSpecItem(ctx, p1.ID, inventory.SpecItemInput{Kind: "switch", Name: "接入交换机", Quantity: 2})
	noErr(t, err)
	for i := range 5 {
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID = fmt.Sprintf("cloud-node-%02d", i), "server", u1.ID
		in.Manufacturer, in.Model, in.Serial = "华为", "2288H V6", fmt.Sprintf("2102-%04d", i)
		in.RackID, in.Position, in.UHeight = ptr(a01.ID), ptr(1+2*i), 2
		in.ProjectID, in.SNMPProfileID, in.MgmtIP = ptr(p1.ID), ptr(prof.ID), fmt.Sprintf("10.0.0.%d", i+1)
		in.Specs = inventory.Specs{CPUCores: ptr(64), MemoryGB: ptr(256), StorageGB: ptr(4000), Ports: ptr(4)}
		in.PurchasePrice, in.Status = ptr(80000.5), "active"
		if i == 4 {
			in.Serial, in.AssetTag, in.FullDepth, in.Face = "", "ZC-0004", false, "rear"
		}
		_, err = s.CreateDevice(ctx, in)
		noErr(t, err)
	}
	spare := inventory.DefaultDeviceInput()
	spare.Name, spare.Kind, spare.UnitID, spare.Manufacturer = "+spare", "other", u2.ID, "-"
	_, err = s.CreateDevice(ctx, spare)
	noErr(t, err)
	for i, platform := range inventory.LinePlatforms {
		_, err = s.CreateLine(ctx, inventory.LineInput{Carrier: "中国电信", CircuitID: fmt.Sprintf("HN-JS-%03d", i),
			UnitID: u2.ID, AEnd: "吉首市政府", ZEnd: "州中心机房", BandwidthMbps: 100 * (i + 1), MonthlyFee: 1500.5,
			Platform: platform, Status: "active", StartDate: ptr(inventory.Date("2024-01-01")), ProjectID: ptr(p1.ID)})
		noErr(t, err)
	}
}

func exportKind(t *testing.T, s *inventory.Store, ctx context.Context, kind, format, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := s.Export(ctx, kind, inventory.ListParams{}, lang, func(opt sheet.Options) (sheet.Writer, error) {
		return sheet.New(format, &buf, opt)
	})
	noErr(t, err)
	return buf.Bytes()
}

// TestSheetRoundTrip exports every kind and checks the file back in: every
// row is unchanged, in both formats and both languages.
func TestSheetRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s, ctx := db.Store, context.Background()
		seedSheets(t, s)
		for _, kind := range inventory.SheetKinds {
			for _, tc := range []struct{ format, lang string }{{"csv", "zh"}, {"xlsx", "zh"}, {"xlsx", "en"}} {
				t.Run(kind+"/"+tc.format+"/"+tc.lang, func(t *testing.T) {
					file := exportKind(t, s, ctx, kind, tc.format, tc.lang)
					tab, err := sheet.Parse(file, "", sheet.Limits{})
					noErr(t, err)
					if len(tab.Rows) < 2 {
						t.Fatalf("exported %d rows", len(tab.Rows))
					}
					res, err := s.CheckImport(ctx, kind, file, tc.lang)
					noErr(t, err)
					if res.Counts.Unchanged != len(tab.Rows) || len(res.Rows) != len(tab.Rows) {
						t.Errorf("counts %+v for %d rows; errors %+v", res.Counts, len(tab.Rows), res.Errors)
					}
				})
			}
		}
	})
}

// TestSheetRoundTripChanged edits an exported file: one row changed, one
// new, and the rest unchanged; applying it writes exactly that.
func TestSheetRoundTripChanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s, ctx := db.Store, context.Background()
		seedSheets(t, s)
		file := string(exportKind(t, s, ctx, "units", "csv", "zh"))
		file = strings.Replace(file, "州财政局", "湘西州财政局", 1) + ",NEW,新单位,园区\r\n"
		p, err := s.PreviewImport(ctx, "units", []byte(file), "zh")
		noErr(t, err)
		want := inventory.ImportCounts{Create: 1, Update: 1, Unchanged: 1}
		if p.Counts != want || p.ID == 0 {
			t.Fatalf("preview %+v, want %+v; errors %+v", p.Counts, want, p.Errors)
		}
		if _, n, _ := s.Units(ctx, inventory.ListParams{}); n != 2 {
			t.Fatalf("the preview wrote: %d units", n)
		}
		res, err := s.ApplyImport(ctx, p.ID)
		noErr(t, err)
		if res.Counts != want {
			t.Errorf("apply %+v", res.Counts)
		}
		items, _, err := s.Units(ctx, inventory.ListParams{Q: "NEW"})
		noErr(t, err)
		if len(items) != 1 || items[0].Kind != "park" || items[0].Name != "新单位" {
			t.Errorf("created %+v", items)
		}
		_, err = s.ApplyImport(ctx, p.ID)
		wantErr(t, err, "conflict", "")
	})
}

// TestSheetWorkbook exports every kind into one workbook (a worksheet per
// kind, named by its Chinese label) and loads it into an empty database in
// one transaction; a bad row leaves that database empty.
func TestSheetWorkbook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s, ctx := db.Store, context.Background()
		seedSheets(t, s)
		wb := workbookOf(t, s, ctx)
		empty := dbtest.Dialect(t, db.Name).Store
		snmp := inventory.DefaultSNMPProfileInput() // secrets are not exported: profiles are made by hand
		snmp.Name, snmp.Community = "默认 v2c", "public"
		_, err := empty.CreateSNMPProfile(ctx, snmp)
		noErr(t, err)
		res, err := empty.ImportWorkbook(ctx, wb, "zh")
		noErr(t, err)
		for _, kind := range inventory.SheetKinds {
			if res[kind].Counts.Create == 0 || res[kind].ErrorTotal != 0 {
				t.Errorf("%s: %+v", kind, res[kind].Counts)
			}
		}
		again, err := empty.ImportWorkbook(ctx, wb, "zh")
		noErr(t, err)
		for kind, r := range again {
			if r.Counts.Unchanged != len(r.Rows) {
				t.Errorf("%s again: %+v", kind, r.Counts)
			}
		}

		other := dbtest.Dialect(t, db.Name).Store
		broken := bytes.Replace(wb, []byte("XX-2026-001"), []byte("XX-2026-00X"), 1) // shared strings: the devices' project too
		_, err = other.ImportWorkbook(ctx, broken, "zh")
		wantErr(t, err, "conflict", "")
		if _, n, _ := other.Units(ctx, inventory.ListParams{}); n != 0 {
			t.Errorf("a failed workbook left %d units", n)
		}
	})
}

// workbookOf writes every kind's export as one worksheet of a workbook,
// without the id column: the workbook is for another database.
func workbookOf(t *testing.T, s *inventory.Store, ctx context.Context) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, kind := range inventory.SheetKinds {
		tab, err := sheet.Parse(exportKind(t, s, ctx, kind, "csv", "zh"), "", sheet.Limits{})
		noErr(t, err)
		name := locale.T(locale.ZH, "sheet.kind."+kind)
		if i == 0 {
			noErr(t, f.SetSheetName("Sheet1", name))
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		rows := [][]string{tab.Header[1:]}
		for _, r := range tab.Rows {
			rows = append(rows, r.Cells[1:])
		}
		for j, r := range rows {
			cells := make([]any, len(r))
			for k, c := range r {
				cells[k] = c
			}
			noErr(t, f.SetSheetRow(name, fmt.Sprintf("A%d", j+1), &cells))
		}
	}
	var buf bytes.Buffer
	noErr(t, f.Write(&buf))
	return buf.Bytes()
}
