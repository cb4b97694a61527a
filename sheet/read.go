package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls and encrypted .xlsx
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
)

// ReadAll reads the whole of r, at most lim.MaxBytes of it.
func ReadAll(r io.Reader, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	b, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > lim.MaxBytes {
		return nil, TooLargeError(lim.MaxBytes)
	}
	return b, nil
}

// Detect tells the format of a file from its first bytes: XLSX for a zip
// archive, CSV for anything else.
func Detect(b []byte) string {
	if bytes.HasPrefix(b, zipMagic) {
		return XLSX
	}
	return CSV
}

// Read reads a file's first worksheet (XLSX) or its text (CSV), whichever it
// is, within the limits.
func Read(r io.Reader, lim Limits) (*Table, error) {
	b, err := ReadAll(r, lim)
	if err != nil {
		return nil, err
	}
	return Parse(b, "", lim)
}

// Parse reads a file already in memory. sheet names the worksheet of an
// XLSX; "" is its first one.
func Parse(b []byte, sheet string, lim Limits) (*Table, error) {
	lim = lim.withDefaults()
	if int64(len(b)) > lim.MaxBytes {
		return nil, TooLargeError(lim.MaxBytes)
	}
	if bytes.HasPrefix(b, oleMagic) {
		return nil, newError(CodeUnreadable, "xls", "this is an old .xls or an encrypted workbook; save it as .xlsx (Excel workbook) or CSV")
	}
	if Detect(b) == XLSX {
		wb, err := OpenXLSX(b, lim)
		if err != nil {
			return nil, err
		}
		defer wb.Close()
		return wb.Table(sheet)
	}
	return parseCSV(b, lim)
}

// Text decodes CSV bytes to UTF-8: a byte-order mark is dropped; bytes that
// are not UTF-8 are read as GB18030 (what Excel on zh-CN Windows saves).
func Text(b []byte) ([]byte, error) {
	b = bytes.TrimPrefix(b, utf8BOM)
	if utf8.Valid(b) {
		return b, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return nil, newError(CodeUnreadable, "encoding", "the file is neither UTF-8 nor GB18030 text")
	}
	return out, nil
}

func parseCSV(b []byte, lim Limits) (*Table, error) {
	text, err := Text(b)
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(text, 0) >= 0 {
		return nil, newError(CodeUnreadable, "binary", "the file is not text (it holds NUL bytes); send an .xlsx workbook or a CSV file")
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	t := &Table{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, newError(CodeUnreadable, "csv_line", "CSV line %d is malformed", pe.Line)
			}
			return nil, newError(CodeUnreadable, "unreadable", "the file cannot be read")
		}
		line, _ := cr.FieldPos(0)
		if err := t.add(line, rec, lim); err != nil {
			return nil, err
		}
	}
	return t.done()
}

// add puts one row read from the file into the table: the first non-blank
// row is the header, blank rows are skipped.
func (t *Table) add(num int, cells []string, lim Limits) error {
	if len(cells) > lim.MaxColumns {
		return newError(CodeWideRow, "too_wide", "row %d has %d columns, more than %d", num, len(cells), lim.MaxColumns)
	}
	if blank(cells) {
		return nil
	}
	for i, c := range cells {
		if utf8.RuneCountInString(c) > lim.MaxCellRunes {
			return newError(CodeWideRow, "too_long", "cell %s%d has more than %d characters", ColumnName(i), num, lim.MaxCellRunes)
		}
		cells[i] = Unneutralize(strings.TrimSpace(c))
	}
	if t.Header == nil {
		t.Header = trimTail(cells)
		return nil
	}
	if len(t.Rows) >= lim.MaxRows {
		return newError(CodeTooManyRows, "too_many_rows", "the file has more than %d rows", lim.MaxRows)
	}
	t.Rows = append(t.Rows, Row{Num: num, Cells: trimTail(cells)})
	return nil
}

func (t *Table) done() (*Table, error) {
	if t.Header == nil {
		return nil, newError(CodeEmpty, "empty", "the file has no header row")
	}
	return t, nil
}

// trimTail drops the empty cells at the end of a row.
func trimTail(cells []string) []string {
	n := len(cells)
	for n > 0 && cells[n-1] == "" {
		n--
	}
	return cells[:n:n]
}
