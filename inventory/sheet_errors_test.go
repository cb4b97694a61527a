package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// errAt finds the error group of a column and a row.
func errAt(res inventory.ImportResult, column string, row int) (inventory.ImportError, bool) {
	for _, e := range res.Errors {
		if e.Column != column {
			continue
		}
		for _, r := range e.Rows {
			if r == row {
				return e, true
			}
		}
	}
	return inventory.ImportError{}, false
}

// TestSheetPreviewErrors checks a GB18030 CSV with Chinese headers and
// labels whose rows collide with each other and with stored devices: every
// error is reported at its row and column, and nothing is written.
func TestSheetPreviewErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s := db.Store
		f := newFixture(t, s)
		for i, serial := range []string{"EXIST-1", "EXIST-2"} {
			in := inventory.DefaultDeviceInput()
			in.Name, in.Kind, in.UnitID, in.Manufacturer, in.Serial = fmt.Sprintf("old-%d", i+1), "server", f.unit.ID, "华为", serial
			_, err := s.CreateDevice(f.ctx, in)
			noErr(t, err)
		}
		u := f.unit.Code
		text := "设备名称,设备类型,厂商,序列号,所属单位,所在机房,机柜,起始 U 位,占用 U 数,状态,颜色\r\n" +
			"new-1,服务器,华为,N1," + u + ",Central,A01,1,2,规划,红\r\n" + // 2 create
			"new-2,服务器,华为,N2," + u + ",Central,A01,2,1,规划,\r\n" + // 3 overlaps row 2
			"new-1 again,服务器,华为,N1," + u + ",,,,1,规划,\r\n" + // 4 the record of row 2 again
			"new-3,mainframe,华为,N3,NOPE,,,,1,规划,\r\n" + // 5 two errors
			"new-4,服务器,华为,N4," + u + ",Central,B99,1,1,规划,\r\n" + // 6 no such rack
			"new-5,服务器,华为,N5," + u + ",Central,A01,42,2,规划,\r\n" + // 7 above the top
			"old-1,服务器,华为,EXIST-1," + u + ",,,,1,在用,\r\n" + // 8 update
			"old-2,服务器,华为,EXIST-2," + u + ",,,,1,规划,\r\n" // 9 unchanged
		gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
		noErr(t, err)
		res, err := s.CheckImport(f.ctx, "devices", []byte(gb), "zh")
		noErr(t, err)
		want := inventory.ImportCounts{Create: 1, Update: 1, Unchanged: 1, Error: 5}
		if res.Counts != want {
			t.Fatalf("counts %+v, want %+v; errors %+v", res.Counts, want, res.Errors)
		}
		if len(res.Ignored) != 1 || res.Ignored[0] != "颜色" {
			t.Errorf("ignored columns %q", res.Ignored)
		}
		for _, tc := range []struct {
			column string
			row    int
			has    string
		}{
			{"H", 3, "new-1"},     // position: occupied by row 2's device
			{"D", 4, "第 2 行"},     // the same record as row 2 (serial)
			{"B", 5, "mainframe"}, // kind
			{"E", 5, "NOPE"},      // unit
			{"G", 6, "B99"},       // rack
			{"H", 7, "42"},        // above the top
		} {
			e, ok := errAt(res, tc.column, tc.row)
			if !ok || !strings.Contains(e.Message, tc.has) || e.Header == "" {
				t.Errorf("row %d column %s: %+v (found %v), want a message with %q; all: %+v", tc.row, tc.column, e, ok, tc.has, res.Errors)
			}
		}
		for i, r := range res.Rows {
			if r.Row != i+2 {
				t.Errorf("rows out of file order: %+v", res.Rows)
			}
		}
		if _, n, _ := s.Devices(f.ctx, inventory.ListParams{}); n != 2 {
			t.Errorf("the check wrote: %d devices", n)
		}
	})
}

// TestSheetErrorGroups: identical messages in a column are one group, at
// most 1,000 groups and 1,000 rows a group are listed, the totals are
// always given.
func TestSheetErrorGroups(t *testing.T) {
	s := dbtest.SQLite(t).Store
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("code,name,kind\n")
	for i := range 1500 {
		fmt.Fprintf(&b, "U%d,,planet-%d\n", i, i%2) // name missing (one message), kind (two)
	}
	res, err := s.CheckImport(ctx, "units", []byte(b.String()), "en")
	noErr(t, err)
	if res.Counts.Error != 1500 || res.ErrorTotal != 3000 || res.ErrorGroups != 3 || len(res.Errors) != 3 {
		t.Fatalf("counts %+v total %d groups %d listed %d", res.Counts, res.ErrorTotal, res.ErrorGroups, len(res.Errors))
	}
	for _, e := range res.Errors {
		if e.Column == "B" && (e.Count != 1500 || len(e.Rows) != inventory.MaxListedErrors || e.Rows[0] != 2) {
			t.Errorf("name group: count %d, %d rows listed from %d", e.Count, len(e.Rows), e.Rows[0])
		}
	}

	b.Reset()
	b.WriteString("code,name,kind\n")
	for i := range 1200 {
		fmt.Fprintf(&b, "U%d,x,planet-%d\n", i, i) // 1,200 different messages
	}
	res, err = s.CheckImport(ctx, "units", []byte(b.String()), "en")
	noErr(t, err)
	if res.ErrorTotal != 1200 || res.ErrorGroups != 1200 || len(res.Errors) != inventory.MaxListedErrors {
		t.Errorf("total %d groups %d listed %d", res.ErrorTotal, res.ErrorGroups, len(res.Errors))
	}
}

// TestSheetHeaders: field keys, Chinese and English labels and aliases are
// all headers; a header twice or no key column refuses the file.
func TestSheetHeaders(t *testing.T) {
	s := dbtest.SQLite(t).Store
	ctx := context.Background()
	res, err := s.CheckImport(ctx, "units", []byte("Code,单位名称,kind\nA,甲,County or city\nB,乙,park\n"), "en")
	noErr(t, err)
	if res.Counts.Create != 2 || res.ErrorTotal != 0 {
		t.Errorf("mixed headers: %+v %+v", res.Counts, res.Errors)
	}
	for _, file := range []string{"code,单位代码,name\nA,A,x\n", "name,kind\nx,park\n"} {
		_, err := s.CheckImport(ctx, "units", []byte(file), "zh")
		wantErr(t, err, "validation", "file")
	}
	_, err = s.CheckImport(ctx, "planets", []byte("a\n"), "zh")
	wantErr(t, err, "validation", "kind")
}

// TestSheetScope: unit staff import and export within their unit only, and
// a role without the kind's write action imports nothing.
func TestSheetScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s, ctx := db.Store, context.Background()
		seedSheets(t, s)
		units, _, err := s.Units(ctx, inventory.ListParams{})
		noErr(t, err)
		own := units[1] // JSS
		staff := inventory.WithCaller(ctx, inventory.Caller{Name: "jss-staff", UserID: 99, Role: inventory.RoleUnitStaff, UnitID: own.ID})

		file := exportKind(t, s, staff, "projects", "csv", "zh")
		if got := strings.Count(string(file), "\r\n"); got != 3 { // header, the project JSS leads and the one it joins
			t.Errorf("unit staff export %d lines: %s", got, file)
		}
		res, err := s.CheckImport(staff, "projects", file, "zh")
		noErr(t, err)
		if res.Counts.Unchanged != 2 {
			t.Errorf("re-import by unit staff: %+v %+v", res.Counts, res.Errors)
		}
		csv := "code,name,lead_unit_id,category,funding_source,plan_year,budget\r\n" +
			"JSS-1,新项目,JSS,application,self,2027,100\r\n" +
			"ZCZJ-9,别人的项目,ZCZJ,application,self,2027,100\r\n"
		res, err = s.CheckImport(staff, "projects", []byte(csv), "zh")
		noErr(t, err)
		if res.Counts.Create != 1 || res.Counts.Error != 1 {
			t.Errorf("unit staff import: %+v %+v", res.Counts, res.Errors)
		}
		if _, ok := errAt(res, "C", 3); !ok {
			t.Errorf("another unit as lead is not refused at C3: %+v", res.Errors)
		}
		if _, err = s.CheckImport(staff, "devices", []byte("name\r\nx\r\n"), "zh"); !errors.Is(err, inventory.ErrForbidden) {
			t.Errorf("unit staff import devices: %v", err)
		}
	})
}

// TestSheetApplyRefused: an apply is a conflict once the data it read
// changed, after an hour, and a second time; only who previewed applies.
func TestSheetApplyRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s := db.Store
		ctx := inventory.WithActor(context.Background(), "alice")
		f := newFixture(t, s)
		file := []byte("code,name\r\nNEW1,新单位\r\n")

		p, err := s.PreviewImport(ctx, "units", file, "zh")
		noErr(t, err)
		_, err = s.CreateUnit(f.ctx, inventory.UnitInput{Code: "MEANWHILE", Name: "x", Kind: "department"})
		noErr(t, err)
		_, err = s.ApplyImport(ctx, p.ID)
		wantErr(t, err, "conflict", "")

		p, err = s.PreviewImport(ctx, "units", file, "zh")
		noErr(t, err)
		_, err = s.ApplyImport(inventory.WithActor(context.Background(), "bob"), p.ID)
		wantErr(t, err, "not_found", "")
		s.SetClock(func() time.Time { return time.Now().Add(inventory.ImportTTL + time.Minute) })
		_, err = s.ApplyImport(ctx, p.ID)
		wantErr(t, err, "conflict", "")
		s.SetClock(time.Now)

		p, err = s.PreviewImport(ctx, "units", file, "zh")
		noErr(t, err)
		_, err = s.ApplyImport(ctx, p.ID)
		noErr(t, err)
		_, err = s.ApplyImport(ctx, p.ID)
		wantErr(t, err, "conflict", "")
		if items, _, _ := s.Units(ctx, inventory.ListParams{Q: "NEW1"}); len(items) != 1 {
			t.Errorf("applied: %+v", items)
		}
	})
}
