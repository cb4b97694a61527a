package sheet

import (
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// xlsxWriter streams rows through excelize's StreamWriter, which keeps at
// most 16 MiB of the sheet in memory and the rest in a temporary file.
type xlsxWriter struct {
	out   io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	row   int
	cells []any
	date  int // style of date cells
}

// NewXLSX starts a workbook of one worksheet that Close writes to w.
func NewXLSX(w io.Writer, opt Options) (Writer, error) {
	f := excelize.NewFile()
	xw := &xlsxWriter{out: w, f: f}
	if err := xw.start(opt); err != nil {
		f.Close()
		return nil, fmt.Errorf("sheet: start workbook: %w", err)
	}
	return xw, nil
}

func (xw *xlsxWriter) start(opt Options) error {
	name := opt.Sheet
	if name == "" {
		name = "Sheet1"
	}
	if i, _ := xw.f.GetSheetIndex(name); i < 0 { // a Book adds its later sheets first
		if err := xw.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	}
	sw, err := xw.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	xw.sw = sw
	bold, err := xw.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := xw.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	if xw.date, err = xw.f.NewStyle(&excelize.Style{NumFmt: 14, CustomNumFmt: ptr("yyyy-mm-dd")}); err != nil {
		return err
	}
	for i := range opt.Header { // widths go before the first row
		width := 0.0
		if i < len(opt.Widths) {
			width = opt.Widths[i]
		}
		if width == 0 {
			width = float64(max(10, 2*utf8.RuneCountInString(opt.Header[i])+2))
		}
		if err := sw.SetColWidth(i+1, i+1, min(width, 60)); err != nil {
			return err
		}
	}
	if len(opt.Header) > 0 { // freeze the header row, which follows the title and a blank row
		top := len(opt.Title) + 1
		if len(opt.Title) > 0 {
			top++
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: top, TopLeftCell: fmt.Sprintf("A%d", top+1), ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	for i, line := range opt.Title {
		if err := xw.styled(title, line); err != nil {
			return err
		}
		if len(opt.Header) > 1 { // a title line spans the table
			last, _ := excelize.CoordinatesToCellName(len(opt.Header), i+1)
			if err := sw.MergeCell(fmt.Sprintf("A%d", i+1), last); err != nil {
				return err
			}
		}
	}
	if len(opt.Title) > 0 {
		xw.row++
	}
	if len(opt.Header) > 0 {
		cells := make([]any, len(opt.Header))
		for i, h := range opt.Header {
			cells[i] = h
		}
		return xw.styled(bold, cells...)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

func (xw *xlsxWriter) styled(style int, cells ...any) error {
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = excelize.Cell{StyleID: style, Value: value(c)}
	}
	xw.row++
	return xw.sw.SetRow(fmt.Sprintf("A%d", xw.row), row)
}

// value is what excelize is given for a cell: numbers stay numbers, text is
// neutralised.
func value(v any) any {
	switch x := v.(type) {
	case nil, int, int64, float64, bool:
		return x
	case string:
		return Neutralize(x)
	case fmt.Stringer:
		return Neutralize(x.String())
	}
	return Neutralize(fmt.Sprint(v))
}

func (xw *xlsxWriter) Row(cells ...any) error {
	xw.cells = xw.cells[:0]
	for _, c := range cells {
		if t, ok := c.(time.Time); ok {
			xw.cells = append(xw.cells, excelize.Cell{StyleID: xw.date, Value: t})
			continue
		}
		xw.cells = append(xw.cells, value(c))
	}
	xw.row++
	if xw.row > excelize.TotalRows {
		return fmt.Errorf("sheet: more than %d rows do not fit in a worksheet", excelize.TotalRows)
	}
	return xw.sw.SetRow(fmt.Sprintf("A%d", xw.row), xw.cells)
}

func (xw *xlsxWriter) Close() error {
	defer xw.f.Close()
	if err := xw.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: finish worksheet: %w", err)
	}
	if _, err := xw.f.WriteTo(xw.out); err != nil {
		return fmt.Errorf("sheet: write workbook: %w", err)
	}
	return nil
}
