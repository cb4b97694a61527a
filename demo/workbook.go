package demo

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/sheet"
)

// Kinds are the kinds the workbook holds, one worksheet each, in the order
// the importer must load them (each refers only to those before it).
var Kinds = []string{"units", "rooms", "racks", "projects", "spec-items", "devices", "lines"}

// column is one column of a kind's worksheet: the field key the importer
// reads, and the cell of a row.
type column[T any] struct {
	key  string
	cell func(T) any
}

// entityOf is the entity whose field labels head a kind's columns.
var entityOf = map[string]string{"units": "unit", "rooms": "room", "racks": "rack", "projects": "project",
	"spec-items": "spec_item", "devices": "device", "lines": "line"}

// heading is a column's header as the importer's own export writes it in
// Chinese: the field's label (the device's room and specs have their own).
func heading(kind, key string) string {
	if kind == "devices" {
		switch key {
		case "room", "cpu_cores", "memory_gb", "storage_gb", "ports":
			return locale.T(locale.ZH, "sheet.col.device."+key)
		}
	}
	return locale.Field(locale.ZH, entityOf[kind], key)
}

func label(set, code string) string { return locale.Label(locale.ZH, set, code) }

func yes(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// blank is an empty cell for a zero number.
func blank[N int | float64](n N) any {
	if n == 0 {
		return nil
	}
	return n
}

func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// table is one kind's worksheet: headings and rows.
type table struct {
	kind   string
	header []string
	rows   [][]any
}

func makeTable[T any](kind string, cols []column[T], rows []T) table {
	t := table{kind: kind}
	for _, c := range cols {
		t.header = append(t.header, heading(kind, c.key))
	}
	for _, r := range rows {
		cells := make([]any, len(cols))
		for i, c := range cols {
			cells[i] = c.cell(r)
		}
		t.rows = append(t.rows, cells)
	}
	return t
}

// tables lays out the seven importable kinds of a set as the importer reads
// them: Chinese headings and labels, references by natural key.
func (s *Set) tables() []table {
	return []table{
		makeTable("units", []column[Unit]{{"code", func(u Unit) any { return u.Code }},
			{"name", func(u Unit) any { return u.Name }}, {"kind", func(u Unit) any { return label("unit_kind", u.Kind) }}}, s.Units),
		makeTable("rooms", []column[Room]{{"name", func(r Room) any { return r.Name }},
			{"unit_id", func(r Room) any { return r.Unit }}, {"kind", func(r Room) any { return label("room_kind", r.Kind) }},
			{"status", func(r Room) any { return label("room_status", r.Status) }},
			{"address", func(r Room) any { return text(r.Address) }}}, s.Rooms),
		makeTable("racks", []column[Rack]{{"room_id", func(r Rack) any { return r.Room }},
			{"name", func(r Rack) any { return r.Name }}, {"u_height", func(r Rack) any { return r.UHeight }}}, s.Racks),
		makeTable("projects", projectColumns, s.Projects),
		makeTable("spec-items", specColumns, s.SpecItems),
		makeTable("devices", deviceColumns, s.Devices),
		makeTable("lines", lineColumns, s.Lines),
	}
}

var projectColumns = []column[Project]{{"code", func(p Project) any { return p.Code }},
	{"name", func(p Project) any { return p.Name }}, {"lead_unit_id", func(p Project) any { return p.LeadUnit }},
	{"unit_ids", func(p Project) any { return text(strings.Join(p.Units, "、")) }},
	{"category", func(p Project) any { return label("project_category", p.Category) }},
	{"funding_source", func(p Project) any { return label("funding_source", p.FundingSource) }},
	{"classified", func(p Project) any { return yes(p.Classified) }}, {"plan_year", func(p Project) any { return p.PlanYear }},
	{"budget", func(p Project) any { return p.Budget }}, {"supervisor", func(p Project) any { return text(p.Supervisor) }}}

var specColumns = []column[SpecItem]{{"project_id", func(i SpecItem) any { return i.Project }},
	{"name", func(i SpecItem) any { return i.Name }}, {"kind", func(i SpecItem) any { return label("device_kind", i.Kind) }},
	{"quantity", func(i SpecItem) any { return i.Quantity }}, {"max_unit_price", func(i SpecItem) any { return blank(i.MaxUnitPrice) }},
	{"requirements", func(i SpecItem) any { return requirements(i.Requirements) }}}

var deviceColumns = []column[Device]{{"name", func(d Device) any { return d.Name }},
	{"kind", func(d Device) any { return label("device_kind", d.Kind) }},
	{"manufacturer", func(d Device) any { return d.Manufacturer }}, {"model", func(d Device) any { return d.Model }},
	{"serial", func(d Device) any { return d.Serial }}, {"asset_tag", func(d Device) any { return d.AssetTag }},
	{"unit_id", func(d Device) any { return d.Unit }}, {"project_id", func(d Device) any { return text(d.Project) }},
	{"room", func(d Device) any { return text(d.Room) }}, {"rack_id", func(d Device) any { return text(d.Rack) }},
	{"position", func(d Device) any { return blank(d.Position) }}, {"u_height", func(d Device) any { return d.UHeight }},
	{"status", func(d Device) any { return label("device_status", d.Status) }},
	{"mgmt_ip", func(d Device) any { return text(d.MgmtIP) }},
	{"purchase_price", func(d Device) any { return blank(d.PurchasePrice) }},
	{"cpu_cores", func(d Device) any { return blank(d.CPUCores) }}, {"memory_gb", func(d Device) any { return blank(d.MemoryGB) }},
	{"storage_gb", func(d Device) any { return blank(d.StorageGB) }}, {"ports", func(d Device) any { return blank(d.Ports) }}}

var lineColumns = []column[Line]{{"carrier", func(l Line) any { return l.Carrier }},
	{"circuit_id", func(l Line) any { return l.CircuitID }}, {"unit_id", func(l Line) any { return l.Unit }},
	{"project_id", func(l Line) any { return text(l.Project) }}, {"a_end", func(l Line) any { return l.AEnd }},
	{"z_end", func(l Line) any { return l.ZEnd }}, {"bandwidth_mbps", func(l Line) any { return l.BandwidthMbps }},
	{"monthly_fee", func(l Line) any { return l.MonthlyFee }},
	{"platform", func(l Line) any { return label("line_platform", l.Platform) }},
	{"status", func(l Line) any { return label("line_status", l.Status) }},
	{"start_date", func(l Line) any { return text(l.StartDate) }}, {"end_date", func(l Line) any { return text(l.EndDate) }}}

// requirements writes a spec item's requirements as the importer reads
// them: "memory_gb >= 512; model = NF5280M6".
func requirements(rs []inventory.Requirement) any {
	parts := make([]string, len(rs))
	for i, r := range rs {
		op := map[string]string{"min": ">=", "max": "<=", "eq": "=", "in": "in"}[r.Op]
		parts[i] = fmt.Sprintf("%s %s %v", r.Field, op, r.Value)
	}
	return text(strings.Join(parts, "; "))
}

// SheetName is the worksheet of a kind: its Chinese name.
func SheetName(kind string) string { return locale.T(locale.ZH, "sheet.kind."+kind) }

// WriteWorkbook writes the seven kinds of a set as one workbook, a
// worksheet per kind, in load order.
func (s *Set) WriteWorkbook(w io.Writer) error {
	b := sheet.NewBook(w)
	for _, t := range s.tables() {
		sw, err := b.Sheet(sheet.Options{Sheet: SheetName(t.kind), Header: t.header})
		if err != nil {
			return err
		}
		for _, r := range t.rows {
			if err := sw.Row(r...); err != nil {
				return err
			}
		}
		if err := sw.Close(); err != nil {
			return err
		}
	}
	return b.Close()
}

// Files are a kind's rows as CSV files the importer takes, each of at
// most rows data rows (the importer reads one worksheet or CSV a file).
func (s *Set) Files(kind string, rows int) ([][]byte, error) {
	for _, t := range s.tables() {
		if t.kind == kind {
			return csvChunks(t.header, t.rows, rows)
		}
	}
	return nil, fmt.Errorf("demo: no kind %q", kind)
}

// WorkbookFiles splits a workbook into one CSV file per kind, for the
// importer, which reads one worksheet a file.
func WorkbookFiles(workbook []byte) (map[string][]byte, error) {
	wb, err := sheet.OpenXLSX(workbook, sheet.DefaultLimits)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	out := map[string][]byte{}
	for _, kind := range Kinds {
		t, err := wb.Table(SheetName(kind))
		if err != nil {
			return nil, fmt.Errorf("demo workbook: worksheet %s: %w", SheetName(kind), err)
		}
		rows := make([][]any, len(t.Rows))
		for i, r := range t.Rows {
			rows[i] = make([]any, len(r.Cells))
			for j, c := range r.Cells {
				rows[i][j] = c
			}
		}
		files, err := csvChunks(t.Header, rows, len(rows)+1)
		if err != nil {
			return nil, err
		}
		out[kind] = files[0]
	}
	return out, nil
}

func csvChunks(header []string, rows [][]any, size int) ([][]byte, error) {
	var out [][]byte
	for start := 0; start == 0 || start < len(rows); start += size {
		var buf bytes.Buffer
		w, err := sheet.NewCSV(&buf, sheet.Options{Header: header})
		if err != nil {
			return nil, err
		}
		for _, r := range rows[start:min(start+size, len(rows))] {
			if err := w.Row(r...); err != nil {
				return nil, err
			}
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		out = append(out, buf.Bytes())
	}
	return out, nil
}
