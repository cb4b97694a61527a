package sheet_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"hostroll/sheet"
)

var header = []string{"code", "名称", "note"}

var rows = [][]any{
	{"zcj", "州财政局", "=HYPERLINK(\"http://x\")"},
	{"jsx", "吉首市", "+1"},
	{"lxx", "泸溪县", "-48V, \"quoted\"\nsecond line"},
	{"fhx", "凤凰县", "@SUM(A1)"},
	{"n1", 42, 3.5},
}

// want is what reading the written rows gives back: text as written (the
// neutralising apostrophe dropped), numbers as text.
var want = [][]string{
	{"zcj", "州财政局", "=HYPERLINK(\"http://x\")"},
	{"jsx", "吉首市", "+1"},
	{"lxx", "泸溪县", "-48V, \"quoted\"\nsecond line"},
	{"fhx", "凤凰县", "@SUM(A1)"},
	{"n1", "42", "3.5"},
}

func write(t *testing.T, format string, opt sheet.Options, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := sheet.New(format, &buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, format := range []string{sheet.CSV, sheet.XLSX} {
		t.Run(format, func(t *testing.T) {
			b := write(t, format, sheet.Options{Header: header}, rows)
			if got := sheet.Detect(b); got != format {
				t.Fatalf("Detect = %s, want %s", got, format)
			}
			tab, err := sheet.Parse(b, "", sheet.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tab.Header, header) {
				t.Errorf("header = %q, want %q", tab.Header, header)
			}
			if len(tab.Rows) != len(want) {
				t.Fatalf("%d rows, want %d", len(tab.Rows), len(want))
			}
			for i, r := range tab.Rows {
				if !slices.Equal(r.Cells, want[i]) {
					t.Errorf("row %d = %q, want %q", i, r.Cells, want[i])
				}
			}
			if tab.Rows[0].Num != 2 {
				t.Errorf("first data row is numbered %d, want 2", tab.Rows[0].Num)
			}
		})
	}
}

func TestCSVBytes(t *testing.T) {
	b := write(t, sheet.CSV, sheet.Options{Title: []string{"报表"}, Header: header}, rows[:2])
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF报表\r\n\r\ncode,名称,note\r\n")) {
		t.Errorf("CSV starts %q, want the BOM, the title, a blank line and the header with CRLF", b[:min(len(b), 40)])
	}
	if !bytes.Contains(b, []byte(`"'=HYPERLINK(""http://x"")"`)) || !bytes.Contains(b, []byte(",'+1\r\n")) {
		t.Errorf("formula-like cells are not neutralised: %q", b)
	}
}

func TestNeutralize(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"=1+1", "'=1+1"}, {"+86", "'+86"}, {"-5", "'-5"}, {"@x", "'@x"}, {"\tx", "'\tx"}, {"\rx", "'\rx"},
		{"a=1", "a=1"}, {"", ""}, {"'quoted", "'quoted"}, {"州", "州"},
	} {
		if got := sheet.Neutralize(tc.in); got != tc.out {
			t.Errorf("Neutralize(%q) = %q, want %q", tc.in, got, tc.out)
		}
		if got := sheet.Unneutralize(sheet.Neutralize(tc.in)); got != tc.in {
			t.Errorf("Unneutralize(Neutralize(%q)) = %q", tc.in, got)
		}
	}
}

func TestCSVEncodings(t *testing.T) {
	text := "code,名称\r\nzcj,州财政局\r\n,\r\njsx,吉首市\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"utf8", []byte(text)},
		{"utf8 bom", append([]byte("\xEF\xBB\xBF"), text...)},
		{"gb18030", []byte(gb)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := sheet.Parse(tc.b, "", sheet.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tab.Header, []string{"code", "名称"}) || len(tab.Rows) != 2 ||
				tab.Rows[0].Cell(1) != "州财政局" || tab.Rows[1].Cell(1) != "吉首市" || tab.Rows[1].Num != 4 {
				t.Errorf("read %q %+v", tab.Header, tab.Rows)
			}
		})
	}
}

func TestXLSXTitleAndSheet(t *testing.T) {
	b := write(t, sheet.XLSX, sheet.Options{Title: []string{"整合报表", "2026-11-30"}, Header: header, Sheet: "单位"}, rows[:1])
	wb, err := sheet.OpenXLSX(b, sheet.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := wb.Sheets(); !slices.Equal(got, []string{"单位"}) {
		t.Errorf("sheets = %q", got)
	}
	tab, err := wb.Table("单位")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Header[0] != "整合报表" || len(tab.Rows) != 3 || tab.Rows[1].Cell(1) != "名称" || tab.Rows[2].Num != 5 {
		t.Errorf("title layout read as %q %+v", tab.Header, tab.Rows)
	}
	if _, err := wb.Table("missing"); code(err) != sheet.CodeNoSheet {
		t.Errorf("missing sheet: %v", err)
	}
}

func code(err error) string {
	var se *sheet.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return fmt.Sprint(err)
}

func TestLimits(t *testing.T) {
	many := "a\r\n" + strings.Repeat("x\r\n", 11)
	for _, tc := range []struct {
		name     string
		b        []byte
		lim      sheet.Limits
		code     string
		tooLarge bool
	}{
		{"too large", []byte(strings.Repeat("a,b\r\n", 100)), sheet.Limits{MaxBytes: 100}, sheet.CodeTooLarge, true},
		{"too many rows", []byte(many), sheet.Limits{MaxRows: 10}, sheet.CodeTooManyRows, true},
		{"rows at the limit", []byte(many), sheet.Limits{MaxRows: 11}, "", false},
		{"empty", []byte("\r\n,,\r\n"), sheet.Limits{}, sheet.CodeEmpty, false},
		{"binary", []byte("a\x00b"), sheet.Limits{}, sheet.CodeUnreadable, false},
		{"old xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, sheet.Limits{}, sheet.CodeUnreadable, false},
		{"broken zip", []byte("PK\x03\x04 not really"), sheet.Limits{}, sheet.CodeUnreadable, false},
		{"wide", []byte(strings.Repeat("a,", 300)), sheet.Limits{}, sheet.CodeWideRow, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sheet.Read(bytes.NewReader(tc.b), tc.lim)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var se *sheet.Error
			if !errors.As(err, &se) || se.Code != tc.code || se.TooLarge() != tc.tooLarge {
				t.Fatalf("err = %v, want code %s (too large %v)", err, tc.code, tc.tooLarge)
			}
			if !strings.HasPrefix(se.Key(), "sheet.error.") || se.Message() == "" {
				t.Errorf("key %q message %q", se.Key(), se.Message())
			}
		})
	}
}

// workbook rewrites one part of a valid workbook.
func workbook(t *testing.T, part string, write func(zw *zip.Writer) error) []byte {
	t.Helper()
	src := write0(t)
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == part {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := write(zw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func write0(t *testing.T) []byte { return write(t, sheet.XLSX, sheet.Options{Header: header}, rows) }

func TestBombs(t *testing.T) {
	const part = "xl/worksheets/sheet1.xml"
	big := func(n int) func(zw *zip.Writer) error {
		return func(zw *zip.Writer) error {
			w, err := zw.Create(part)
			if err != nil {
				return err
			}
			chunk := bytes.Repeat([]byte(" "), 1<<20)
			for range n {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
			}
			return nil
		}
	}
	lying := func(zw *zip.Writer) error { // says 1 KiB, inflates to 8 MiB
		var deflated bytes.Buffer
		fw := zip.NewWriter(&deflated)
		w, _ := fw.Create(part)
		w.Write(bytes.Repeat([]byte("<row/>"), 8<<20/6))
		fw.Close()
		zr, _ := zip.NewReader(bytes.NewReader(deflated.Bytes()), int64(deflated.Len()))
		raw, _ := zr.File[0].OpenRaw()
		h := zr.File[0].FileHeader
		h.UncompressedSize64 = 1024
		rw, err := zw.CreateRaw(&h)
		if err != nil {
			return err
		}
		b := new(bytes.Buffer)
		b.ReadFrom(raw)
		_, err = rw.Write(b.Bytes())
		return err
	}
	laughs := func(zw *zip.Writer) error {
		w, err := zw.Create(part)
		if err != nil {
			return err
		}
		var s strings.Builder
		s.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
		prev := "lol"
		for i := range 12 {
			name := fmt.Sprintf("lol%d", i)
			fmt.Fprintf(&s, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
			prev = name
		}
		fmt.Fprintf(&s, `]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&%s;</t></is></c></row></sheetData></worksheet>`, prev)
		_, err = w.Write([]byte(s.String()))
		return err
	}
	for _, tc := range []struct {
		name  string
		write func(zw *zip.Writer) error
		codes []string
	}{
		{"over the unzip limit", big(65), []string{sheet.CodeBomb}},
		{"compressed too far", big(20), []string{sheet.CodeBomb}},
		{"lying header", lying, []string{sheet.CodeUnreadable, sheet.CodeEmpty}},
		{"billion laughs", laughs, []string{sheet.CodeUnreadable, sheet.CodeEmpty}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := workbook(t, part, tc.write)
			tab, err := sheet.Parse(b, "", sheet.Limits{})
			if !slices.Contains(tc.codes, code(err)) {
				t.Fatalf("err = %v (table %v), want one of %q", err, tab != nil, tc.codes)
			}
		})
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := sheet.ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %s, want %s", i, got, want)
		}
	}
}
