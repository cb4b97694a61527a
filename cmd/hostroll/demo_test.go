package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"hostroll/demo"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/report"
)

// TestDemo loads the demo prefecture on both dialects, through the
// importer and the store, and checks that it is the prefecture the docs
// promise: its size, every lifecycle step, every rule finding something
// and every report with content.
func TestDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		ctx := cliCtx(context.Background())
		s := db.Store
		if _, err := loadDemo(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := loadDemo(ctx, s); err != errNotEmpty {
			t.Errorf("a second load: %v, want %v", err, errNotEmpty)
		}
		for _, c := range []struct {
			what     string
			list     func(context.Context, inventory.ListParams) (int, error)
			min, max int
		}{
			{"units", total(s.Units), 39, 39},
			{"rooms", total(s.Rooms), 8, 8},
			{"racks", total(s.Racks), 59, 59},
			{"devices", total(s.Devices), 590, 610},
			{"lines", total(s.Lines), 120, 120},
			{"projects", total(s.Projects), 40, 40},
		} {
			if n, err := c.list(ctx, inventory.ListParams{Limit: 1}); err != nil || n < c.min || n > c.max {
				t.Errorf("%s: %d %v, want %d to %d", c.what, n, err, c.min, c.max)
			}
		}
		statuses := map[string]bool{}
		if err := each(ctx, s.Projects, func(p inventory.Project) { statuses[p.Status] = true }); err != nil {
			t.Fatal(err)
		}
		for st := range inventory.ProjectTransitions {
			if !statuses[st] {
				t.Errorf("no project is %s", st)
			}
		}
		if _, err := s.RunCheck(ctx, inventory.CheckOptions{}); err != nil {
			t.Fatal(err)
		}
		sum, err := s.FindingSummary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]int{}
		for _, r := range sum.ByRule {
			found[r.Rule] = r.Open
		}
		for _, r := range inventory.Rules() {
			if found[r.Name] == 0 {
				t.Errorf("rule %s finds nothing in the demo", r.Name)
			}
		}
		demoReports(t, ctx, s)
	})
}

func total[T any](list func(context.Context, inventory.ListParams) ([]T, int, error)) func(context.Context, inventory.ListParams) (int, error) {
	return func(ctx context.Context, p inventory.ListParams) (int, error) {
		_, n, err := list(ctx, p)
		return n, err
	}
}

// demoReports lays out every report over the demo and checks that every
// table of each has rows.
func demoReports(t *testing.T, ctx context.Context, s *inventory.Store) {
	t.Helper()
	m := report.Meta{Lang: "zh", Date: time.Now().Format(time.DateOnly)}
	var reps []report.Report
	cons, err := s.ConsolidationReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reps = append(reps, report.Consolidation(cons, m))
	move, err := s.MovePlan(ctx, inventory.MovePlanOptions{})
	if err != nil || move.Placed == 0 || len(move.Kept) == 0 {
		t.Errorf("move plan: %d placed, %d kept, %v", move.Placed, len(move.Kept), err)
	}
	units := map[int64]report.Unit{}
	_ = each(ctx, s.Units, func(u inventory.Unit) { units[u.ID] = report.Unit{Code: u.Code, Name: u.Name} })
	reps = append(reps, report.MovePlan(move, units, m))
	for _, year := range []int{2025, 2026} {
		plan, err := s.Plan(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, report.Plan(plan, m))
	}
	elig, err := s.Eligibility(ctx, 2027, 90)
	if err != nil {
		t.Fatal(err)
	}
	reps = append(reps, report.Eligibility(elig, m))
	var projects []inventory.Project
	_ = each(ctx, s.Projects, func(p inventory.Project) { projects = append(projects, p) })
	for _, p := range projects {
		if p.Status != "implementing" {
			continue
		}
		c, err := s.Compliance(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Pass {
			reps = append(reps, report.Compliance(c, p, m))
		}
	}
	ineligible := slices.IndexFunc(elig.Items, func(u inventory.UnitEligibility) bool { return !u.Eligible })
	if ineligible < 0 || len(reps) != 6 {
		t.Errorf("no unit is ineligible for 2027, or no implementing project fails compliance: %d reports", len(reps))
	}
	for _, r := range reps {
		for _, tab := range r.Tables {
			// Every device of the demo finds a central rack: nothing is unplaced.
			if len(tab.Rows) == 0 && tab.Name != "无法安排" {
				t.Errorf("report %s: table %s is empty", r.Name, tab.Name)
			}
		}
	}
}

// TestDemoCommand: --write-workbook writes the workbook the binary ships
// (no database needed), --scale loads a generated set of the size asked
// for through the importer, and a bad size is a usage error.
func TestDemoCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xiangxi.xlsx")
	if code, out, errs := runCLI(t, "demo", "--write-workbook", path); code != 0 || !strings.Contains(out, path) {
		t.Fatalf("--write-workbook: %d %s %s", code, out, errs)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := demo.WorkbookFiles(written)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := demo.WorkbookFiles(demo.Workbook)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range demo.Kinds {
		if !bytes.Equal(got[kind], shipped[kind]) {
			t.Errorf("the written workbook's %s differ from the shipped one's", kind)
		}
	}

	db := dbtest.SQLite(t)
	code, out, errs := runCLI(t, "demo", "--db", db.URL, "--scale", "1500")
	if code != 0 || !regexp.MustCompile(`loaded the demo data set: \d+ records in [0-9.]+ s`).MatchString(out) {
		t.Fatalf("--scale 1500: %d %s %s", code, out, errs)
	}
	if _, n, err := db.Store.Devices(context.Background(), inventory.ListParams{Limit: 1}); err != nil || n < 1450 || n > 1550 {
		t.Errorf("--scale 1500 loaded %d devices (%v)", n, err)
	}
	if code, _, errs := runCLI(t, "demo", "--db", db.URL, "--scale", "-3"); code != 2 || !strings.Contains(errs, "--scale") {
		t.Errorf("--scale -3: exit %d, %s", code, errs)
	}
}
