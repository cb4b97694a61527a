// Package sheet reads and writes the spreadsheets hostroll exchanges with
// people: XLSX (through excelize) and CSV as Excel on Chinese Windows saves and
// opens it. It knows nothing of the inventory: a file is a header and rows of
// text cells in, a stream of rows out.
package sheet

import (
	"fmt"
	"strings"
)

// Formats.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// Limits bound what a reader accepts. The zero value of a field means its
// default (DefaultLimits).
type Limits struct {
	MaxBytes        int64 // the file itself
	MaxRows         int   // data rows, the header not counted
	UnzipSize       int64 // all parts of an XLSX, uncompressed
	UnzipXMLSize    int64 // one XML part kept in memory; larger ones go to a temporary file
	MaxZipEntries   int   // parts of an XLSX
	MaxColumns      int   // cells in one row
	MaxCellRunes    int   // characters in one cell
	MaxCompressRate int64 // uncompressed / compressed size of one part
}

// DefaultLimits are the limits of an import: 20 MiB, 100,000 rows, 64 MiB of
// XML at most, of which 16 MiB per part in memory.
var DefaultLimits = Limits{
	MaxBytes:        20 << 20,
	MaxRows:         100_000,
	UnzipSize:       64 << 20,
	UnzipXMLSize:    16 << 20,
	MaxZipEntries:   1000,
	MaxColumns:      200,
	MaxCellRunes:    32_767, // Excel's own limit
	MaxCompressRate: 1000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.UnzipSize > 0 {
		d.UnzipSize = l.UnzipSize
	}
	if l.UnzipXMLSize > 0 {
		d.UnzipXMLSize = min(l.UnzipXMLSize, d.UnzipSize)
	}
	if l.MaxZipEntries > 0 {
		d.MaxZipEntries = l.MaxZipEntries
	}
	if l.MaxColumns > 0 {
		d.MaxColumns = l.MaxColumns
	}
	if l.MaxCellRunes > 0 {
		d.MaxCellRunes = l.MaxCellRunes
	}
	if l.MaxCompressRate > 0 {
		d.MaxCompressRate = l.MaxCompressRate
	}
	return d
}

// Error codes of a refused file. TooLarge tells which are a 413.
const (
	CodeTooLarge    = "too_large"     // the file is over MaxBytes
	CodeTooManyRows = "too_many_rows" // more than MaxRows data rows
	CodeBomb        = "zip_bomb"      // an XLSX that unpacks to more than the limits
	CodeUnreadable  = "unreadable"    // neither a workbook nor CSV text, or a broken one
	CodeEmpty       = "empty"         // no header row
	CodeNoSheet     = "no_sheet"      // the named worksheet is not in the workbook
	CodeWideRow     = "too_wide"      // a row or a cell over MaxColumns / MaxCellRunes
)

// Error is why a file was refused. Key and Args are its message in the
// catalog (locale), under "sheet.error."; Error() is the English text.
type Error struct {
	Code string
	Args []any
	key  string
	text string
}

// newError is a refusal of code; key names its message under
// "sheet.error.", which args fill.
func newError(code, key, format string, args ...any) *Error {
	return &Error{Code: code, Args: args, key: key, text: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return "sheet: " + e.text }

// Message is the English text without the package prefix.
func (e *Error) Message() string { return e.text }

// Key is the catalog key of the message; Args fill it.
func (e *Error) Key() string { return "sheet.error." + e.key }

// TooLarge reports whether the file was refused for its size (HTTP 413)
// rather than its content (400).
func (e *Error) TooLarge() bool {
	return e.Code == CodeTooLarge || e.Code == CodeTooManyRows || e.Code == CodeBomb
}

// Table is a read sheet: the header cells, trimmed, and the data rows that
// are not blank, each with its row number in the file (1 is the header's
// row when the header is the first row).
type Table struct {
	Header []string
	Rows   []Row
}

// Row is one data row.
type Row struct {
	Num   int      // the row (line) number in the file, as a spreadsheet shows it
	Cells []string // trimmed; as many as the row had, possibly fewer than the header
}

// Cell returns the row's cell in column i, "" past its end.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// blank reports whether every cell is empty.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ColumnName is the spreadsheet name of the 0-based column i: A, B, ... Z, AA.
func ColumnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// TooLargeError is the refusal of a file over maxBytes, for a caller that
// sees its size before reading it.
func TooLargeError(maxBytes int64) *Error {
	return newError(CodeTooLarge, "too_large", "the file is larger than %d MiB", maxBytes>>20)
}
