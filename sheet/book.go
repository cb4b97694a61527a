package sheet

import (
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Book writes an XLSX workbook of several worksheets, one after the other
// (a report's tables, the demo's kinds), each streamed like NewXLSX's.
type Book struct {
	out io.Writer
	f   *excelize.File
	cur *xlsxWriter
	n   int
}

// NewBook starts a workbook that Close writes to w.
func NewBook(w io.Writer) *Book { return &Book{out: w, f: excelize.NewFile()} }

// Sheet finishes the worksheet before and starts the next, named by
// opt.Sheet (unique within the book; Excel allows 31 characters). Its
// writer's Close only finishes the worksheet.
func (b *Book) Sheet(opt Options) (Writer, error) {
	if err := b.finish(); err != nil {
		return nil, err
	}
	if opt.Sheet == "" {
		opt.Sheet = fmt.Sprintf("Sheet%d", b.n+1)
	}
	if b.n > 0 {
		if _, err := b.f.NewSheet(opt.Sheet); err != nil {
			return nil, fmt.Errorf("sheet: add worksheet %q: %w", opt.Sheet, err)
		}
	}
	b.n++
	xw := &xlsxWriter{f: b.f}
	if err := xw.start(opt); err != nil {
		return nil, fmt.Errorf("sheet: start worksheet %q: %w", opt.Sheet, err)
	}
	b.cur = xw
	return bookSheet{xw, b}, nil
}

func (b *Book) finish() error {
	if b.cur == nil {
		return nil
	}
	xw := b.cur
	b.cur = nil
	if err := xw.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: finish worksheet: %w", err)
	}
	return nil
}

// Close finishes the last worksheet and writes the workbook; a book without
// worksheets is an error.
func (b *Book) Close() error {
	defer b.f.Close()
	if b.n == 0 {
		return errors.New("sheet: a workbook needs a worksheet")
	}
	if err := b.finish(); err != nil {
		return err
	}
	b.f.SetActiveSheet(0)
	if _, err := b.f.WriteTo(b.out); err != nil {
		return fmt.Errorf("sheet: write workbook: %w", err)
	}
	return nil
}

// bookSheet is one worksheet of a Book: Close finishes it (once), the Book
// writes the file.
type bookSheet struct {
	*xlsxWriter
	b *Book
}

func (s bookSheet) Close() error {
	if s.b.cur != s.xlsxWriter {
		return nil
	}
	return s.b.finish()
}
