// Package report lays out hostroll's reports as spreadsheets: a title (the
// report's name, the day it was made and its filters), then one table per
// part, each with its headings and, where the figures add up, a total row,
// in the reader's language (Chinese by default). It knows the inventory's
// report types but runs no SQL: the web layer reads, this package lays out,
// package sheet writes.
package report

import (
	"fmt"
	"io"
	"strings"

	"hostroll/locale"
	"hostroll/sheet"
)

// Report is a report laid out: its title lines and its tables.
type Report struct {
	Name   string // the file's base name, e.g. "consolidation"
	Title  []string
	Tables []Table
}

// Table is one part of a report: a worksheet of the XLSX, a section of the
// CSV.
type Table struct {
	Name   string // the worksheet's name
	Header []string
	Widths []float64
	Rows   [][]any
	Total  []any // the last row; nil when the figures do not add up
}

// Meta is what every report's title says: in which language, made on which
// day, with which filters (label and value, already in that language).
type Meta struct {
	Lang    string
	Date    string // YYYY-MM-DD, the business day
	Filters [][2]string
}

// title is the report's title lines: its name, the day, the filters.
func (m Meta) title(key string, args ...any) []string {
	out := []string{locale.T(m.Lang, key, args...), locale.T(m.Lang, "report.generated_on", m.Date)}
	if len(m.Filters) == 0 {
		return append(out, locale.T(m.Lang, "report.filters_none"))
	}
	parts := make([]string, len(m.Filters))
	for i, f := range m.Filters {
		parts[i] = f[0] + locale.T(m.Lang, "report.filter_sep") + f[1]
	}
	return append(out, locale.T(m.Lang, "report.filters", strings.Join(parts, locale.T(m.Lang, "report.list_sep"))))
}

// col is a column: its heading's key (report.col.<key>) and width.
type col struct {
	key   string
	width float64
}

// table starts a table named by report.sheet.<sheet> with cols' headings.
func (m Meta) table(sheetKey string, cols ...col) Table {
	t := Table{Name: locale.T(m.Lang, "report.sheet."+sheetKey)}
	for _, c := range cols {
		t.Header = append(t.Header, locale.T(m.Lang, "report.col."+c.key))
		t.Widths = append(t.Widths, c.width)
	}
	return t
}

// label is an enumeration value's label in the report's language.
func (m Meta) label(set, code string) string { return locale.Label(m.Lang, set, code) }

// yes is a yes-or-no cell.
func (m Meta) yes(b bool) string {
	if b {
		return locale.T(m.Lang, "report.yes")
	}
	return locale.T(m.Lang, "report.no")
}

// total is the first cell of a total row.
func (m Meta) total() string { return locale.T(m.Lang, "report.total") }

// FileName is the report's file name in a format.
func (r Report) FileName(format string) string { return r.Name + "." + format }

// Write writes the report as XLSX (one worksheet per table, each under the
// title) or CSV (the title, then each table after an empty row: its name
// when there are several, its header, its rows and its total; every row as
// wide as the widest table).
func (r Report) Write(w io.Writer, format string) error {
	switch format {
	case sheet.XLSX:
		return r.writeXLSX(w)
	case sheet.CSV:
		return r.writeCSV(w)
	}
	return fmt.Errorf("report: unknown format %q", format)
}

func (r Report) writeXLSX(w io.Writer) error {
	b := sheet.NewBook(w)
	for _, t := range r.Tables {
		sw, err := b.Sheet(sheet.Options{Sheet: t.Name, Title: r.Title, Header: t.Header, Widths: t.Widths})
		if err != nil {
			return err
		}
		if err := t.rows(sw); err != nil {
			return err
		}
		if err := sw.Close(); err != nil {
			return err
		}
	}
	return b.Close()
}

func (r Report) writeCSV(w io.Writer) error {
	width := 1
	for _, t := range r.Tables {
		width = max(width, len(t.Header))
	}
	sw, err := sheet.NewCSV(w, sheet.Options{})
	if err != nil {
		return err
	}
	// Every row as wide as the widest table, so that the file is one
	// rectangle any CSV reader takes.
	cw := padded{sw, width}
	for _, line := range r.Title {
		if err := cw.Row(line); err != nil {
			return err
		}
	}
	for _, t := range r.Tables {
		if err := cw.Row(); err != nil {
			return err
		}
		if len(r.Tables) > 1 {
			if err := cw.Row(t.Name); err != nil {
				return err
			}
		}
		if err := cw.Row(anys(t.Header)...); err != nil {
			return err
		}
		if err := t.rows(cw); err != nil {
			return err
		}
	}
	return cw.Close()
}

// padded writes every row with width cells, empty ones added at the end.
type padded struct {
	sheet.Writer
	width int
}

func (p padded) Row(cells ...any) error {
	for len(cells) < p.width {
		cells = append(cells, nil)
	}
	return p.Writer.Row(cells...)
}

func (t Table) rows(w sheet.Writer) error {
	for _, r := range t.Rows {
		if err := w.Row(r...); err != nil {
			return err
		}
	}
	if t.Total != nil {
		return w.Row(t.Total...)
	}
	return nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// colLabel is a column heading used as a row label.
func (m Meta) colLabel(key string) string { return locale.T(m.Lang, "report.col."+key) }
