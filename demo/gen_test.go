package demo

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"hostroll/inventory"
)

// TestGenerate checks the shipped set's size and that its natural keys are
// unique and its placements do not overlap.
func TestGenerate(t *testing.T) {
	s := Generate(Devices)
	if n := len(s.Devices); n < 570 || n > 630 {
		t.Errorf("%d devices, want about %d", n, Devices)
	}
	if len(s.Lines) != 120 || len(s.Projects) != 40 || len(s.Units) != 39 {
		t.Errorf("%d lines, %d projects, %d units; want 120, 40, 39", len(s.Lines), len(s.Projects), len(s.Units))
	}
	central := 0
	for _, r := range s.Racks {
		if r.Room == CentralRoom {
			central++
		}
	}
	if central != 40 {
		t.Errorf("%d central racks, want 40", central)
	}
	unique := func(what string, key func(i int) string, n int) {
		seen := map[string]bool{}
		for i := range n {
			k := key(i)
			if seen[k] {
				t.Errorf("%s %q twice", what, k)
			}
			seen[k] = true
		}
	}
	unique("serial", func(i int) string { return s.Devices[i].Manufacturer + "/" + s.Devices[i].Serial }, len(s.Devices))
	unique("asset tag", func(i int) string { return s.Devices[i].AssetTag }, len(s.Devices))
	unique("circuit", func(i int) string { return s.Lines[i].Carrier + "/" + s.Lines[i].CircuitID }, len(s.Lines))
	unique("project", func(i int) string { return s.Projects[i].Code }, len(s.Projects))
	unique("unit", func(i int) string { return s.Units[i].Code }, len(s.Units))
	unique("rack", func(i int) string { return s.Racks[i].Room + "/" + s.Racks[i].Name }, len(s.Racks))
	used := map[string]bool{}
	for _, d := range s.Devices {
		if d.Rack == "" {
			continue
		}
		for u := d.Position; u < d.Position+d.UHeight; u++ {
			k := fmt.Sprintf("%s/%s/%d", d.Room, d.Rack, u)
			if used[k] || u > 42 {
				t.Errorf("device %s overlaps at %s", d.Name, k)
			}
			used[k] = true
		}
	}
	statuses := map[string]bool{}
	for _, p := range s.Projects {
		statuses["draft"] = true
		for _, st := range p.Steps {
			statuses[st.To] = true
		}
	}
	for st := range inventory.ProjectTransitions {
		if !statuses[st] {
			t.Errorf("no project went through %s", st)
		}
	}
	if !reflect.DeepEqual(Generate(Devices), s) {
		t.Error("two runs made different sets")
	}
}

// TestWorkbookCurrent: the committed workbook holds what the generator makes
// now (go generate ./demo rewrites it), worksheet by worksheet.
func TestWorkbookCurrent(t *testing.T) {
	files, err := WorkbookFiles(Workbook)
	if err != nil {
		t.Fatal(err)
	}
	set := Generate(Devices)
	for _, kind := range Kinds {
		want, err := set.Files(kind, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		if trimEmpty(files[kind]) != trimEmpty(want[0]) {
			t.Errorf("the workbook's %s differ from the generator's: run go generate ./demo", kind)
		}
	}
}

// TestFilesChunks: a kind's rows split into files of at most n rows, each
// with the header.
func TestFilesChunks(t *testing.T) {
	files, err := Generate(Devices).Files("lines", 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("%d files of 120 lines by 50, want 3", len(files))
	}
	for i, f := range files {
		if !bytes.HasPrefix(f, []byte("\ufeff运营商,电路编号,")) {
			t.Errorf("file %d starts %.40q", i, f)
		}
	}
	if _, err := Generate(Devices).Files("toasters", 50); err == nil {
		t.Error("an unknown kind gave files")
	}
}

// trimEmpty drops the empty cells at the end of each line: a worksheet
// does not keep them.
func trimEmpty(b []byte) string {
	lines := strings.Split(string(b), "\r\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, ",")
	}
	return strings.Join(lines, "\n")
}
