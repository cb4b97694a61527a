package sheet

import (
	"archive/zip"
	"bytes"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Workbook is an opened XLSX file.
type Workbook struct {
	f   *excelize.File
	lim Limits
}

// OpenXLSX opens a workbook in memory. The zip directory is checked first, so
// a zip bomb (parts that unpack to more than lim.UnzipSize, or at a ratio no
// spreadsheet has) is refused before anything is inflated; excelize then
// opens it with the same unzip limits.
func OpenXLSX(b []byte, lim Limits) (*Workbook, error) {
	lim = lim.withDefaults()
	if err := checkZip(b, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit: lim.UnzipSize, UnzipXMLSizeLimit: lim.UnzipXMLSize})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, newError(CodeBomb, "zip_bomb", "the workbook unpacks to more than %d MiB", lim.UnzipSize>>20)
		}
		return nil, newError(CodeUnreadable, "xlsx", "the file is not a readable .xlsx workbook")
	}
	return &Workbook{f: f, lim: lim}, nil
}

// checkZip reads the zip's directory (no inflating) and refuses what would
// unpack too far.
func checkZip(b []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return newError(CodeUnreadable, "xlsx", "the file is not a readable .xlsx workbook")
	}
	if len(zr.File) > lim.MaxZipEntries {
		return newError(CodeBomb, "zip_bomb", "the workbook unpacks to more than %d MiB", lim.UnzipSize>>20)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.UnzipSize) {
			return newError(CodeBomb, "zip_bomb", "the workbook unpacks to more than %d MiB", lim.UnzipSize>>20)
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > uint64(lim.MaxCompressRate)*max(f.CompressedSize64, 1) {
			return newError(CodeBomb, "zip_bomb", "the workbook unpacks to more than %d MiB", lim.UnzipSize>>20)
		}
	}
	return nil
}

// Close releases the workbook's temporary files.
func (w *Workbook) Close() error { return w.f.Close() }

// Sheets lists the worksheets in order.
func (w *Workbook) Sheets() []string { return w.f.GetSheetList() }

// Table reads a worksheet, "" for the first one.
func (w *Workbook) Table(name string) (*Table, error) {
	if name == "" {
		list := w.f.GetSheetList()
		if len(list) == 0 {
			return nil, newError(CodeEmpty, "empty", "the file has no header row")
		}
		name = list[0]
	}
	if idx, err := w.f.GetSheetIndex(name); err != nil || idx < 0 {
		return nil, newError(CodeNoSheet, "no_sheet", "the workbook has no worksheet %q", name)
	}
	rows, err := w.f.Rows(name)
	if err != nil {
		return nil, newError(CodeUnreadable, "sheet", "worksheet %q cannot be read", name)
	}
	defer rows.Close()
	t := &Table{}
	for num := 1; rows.Next(); num++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, newError(CodeUnreadable, "sheet", "worksheet %q cannot be read", name)
		}
		if num > w.lim.MaxRows+1+1000 && t.Header == nil {
			return nil, newError(CodeEmpty, "empty", "the file has no header row")
		}
		if err := t.add(num, cells, w.lim); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, newError(CodeUnreadable, "sheet", "worksheet %q cannot be read", name)
	}
	return t.done()
}
