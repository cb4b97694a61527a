package sheet

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestBook writes two worksheets with titles and reads them back.
func TestBook(t *testing.T) {
	var buf bytes.Buffer
	b := NewBook(&buf)
	for _, s := range []struct {
		name string
		rows [][]any
	}{{"单位", [][]any{{"CZ", 3}, {"=1+1", 2.5}}}, {"专线", [][]any{{"XXCT-1", 100}}}} {
		w, err := b.Sheet(Options{Sheet: s.name, Title: []string{"报告", "2026-11-30"}, Header: []string{"代码", "数"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range s.rows {
			if err := w.Row(r...); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "单位" || got[1] != "专线" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("单位")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[0][0] != "报告" || rows[3][0] != "代码" || rows[5][0] != "'=1+1" {
		t.Errorf("rows %q", rows)
	}
	if v, _ := f.GetCellValue("专线", "B5"); v != "100" {
		t.Errorf("专线!B5 = %q", v)
	}
	if err := NewBook(&buf).Close(); err == nil {
		t.Error("a book without sheets closed")
	}
}
