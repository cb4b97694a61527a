package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Writer streams rows into a spreadsheet. Cells are strings, integers,
// floats, bools, time.Time, nil (an empty cell) or fmt.Stringers. Close
// finishes the file; nothing useful is written before it for XLSX.
type Writer interface {
	// Row writes one data row.
	Row(cells ...any) error
	// Close finishes the file and flushes it to the underlying writer. It
	// does not close that writer.
	Close() error
}

// Options shape a written file.
type Options struct {
	// Title lines come first, one cell each (a report's name, date and
	// filters); a blank row separates them from the header. A file meant to
	// be imported again has none.
	Title []string
	// Header is the first row after the title, bold in XLSX.
	Header []string
	// Sheet names the XLSX worksheet; "Sheet1" when empty.
	Sheet string
	// Widths are XLSX column widths in characters, by column; the header's
	// length when missing.
	Widths []float64
}

// New returns the writer of a format: CSV or XLSX.
func New(format string, w io.Writer, opt Options) (Writer, error) {
	switch format {
	case CSV:
		return NewCSV(w, opt)
	case XLSX:
		return NewXLSX(w, opt)
	}
	return nil, fmt.Errorf("sheet: unknown format %q (csv or xlsx)", format)
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	if format == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Neutralize keeps a spreadsheet from taking a text cell for a formula: a
// cell that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe. Readers drop it again (Unneutralize), so files round-trip.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Unneutralize undoes Neutralize: an apostrophe before = + - @ tab or CR is
// dropped.
func Unneutralize(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// text formats a cell for CSV.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return Neutralize(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case time.Time:
		return x.Format(time.DateOnly)
	case fmt.Stringer:
		return Neutralize(x.String())
	}
	return Neutralize(fmt.Sprint(v))
}

// csvWriter writes UTF-8 with a byte-order mark and CRLF line ends, which
// Excel on Chinese Windows opens without garbling the Chinese.
type csvWriter struct {
	buf  *bufio.Writer
	w    *csv.Writer
	rec  []string
	rows int
}

// NewCSV starts a CSV file on w: the BOM, the title lines, the header.
func NewCSV(w io.Writer, opt Options) (Writer, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	if _, err := buf.Write(utf8BOM); err != nil {
		return nil, err
	}
	cw := &csvWriter{buf: buf, w: csv.NewWriter(buf)}
	cw.w.UseCRLF = true
	for _, line := range opt.Title {
		if err := cw.Row(line); err != nil {
			return nil, err
		}
	}
	if len(opt.Title) > 0 {
		if err := cw.Row(); err != nil {
			return nil, err
		}
	}
	if len(opt.Header) > 0 {
		cells := make([]any, len(opt.Header))
		for i, h := range opt.Header {
			cells[i] = h
		}
		if err := cw.Row(cells...); err != nil {
			return nil, err
		}
	}
	return cw, nil
}

func (cw *csvWriter) Row(cells ...any) error {
	cw.rec = cw.rec[:0]
	for _, c := range cells {
		cw.rec = append(cw.rec, text(c))
	}
	if len(cw.rec) == 0 {
		cw.rec = append(cw.rec, "")
	}
	if err := cw.w.Write(cw.rec); err != nil {
		return err
	}
	cw.rows++
	if cw.rows%512 == 0 { // hand the rows on while a long export runs
		cw.w.Flush()
		if err := cw.w.Error(); err != nil {
			return err
		}
		return cw.buf.Flush()
	}
	return nil
}

func (cw *csvWriter) Close() error {
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return err
	}
	return cw.buf.Flush()
}
