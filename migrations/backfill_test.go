package migrations_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/migrations"
)

// updates returns the UPDATE statements of one migration of a dialect: the
// backfill of rows written before it.
func updates(t *testing.T, dialect, name string) []string {
	t.Helper()
	ms, err := migrations.List(dialect)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Name != name {
			continue
		}
		var out []string
		for _, stmt := range strings.Split(m.SQL, ";") {
			if s := strings.TrimSpace(stripComments(stmt)); strings.HasPrefix(s, "UPDATE") {
				out = append(out, s)
			}
		}
		return out
	}
	t.Fatalf("no migration %s for %s", name, dialect)
	return nil
}

func stripComments(sql string) string {
	var keep []string
	for _, line := range strings.Split(sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// The backfill of 0006 and 0007 gives rows written before them the business
// day (UTC+8) of their time stamp, and marks steps dated more than 7 days
// before it as backdated.
func TestBackfillBusinessDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		ctx := inventory.WithActor(context.Background(), "test")
		x := db.Store.DB()
		u, err := db.Store.CreateUnit(ctx, inventory.UnitInput{Code: "BF", Name: "回填", Kind: "department"})
		if err != nil {
			t.Fatal(err)
		}
		in := inventory.DefaultProjectInput()
		in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.PlanYear = "BF-1", "回填", u.ID, "application", "self", 2026
		p, err := db.Store.CreateProject(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		l, err := db.Store.CreateLine(ctx, inventory.LineInput{Carrier: "CT", CircuitID: "BF", UnitID: u.ID, AEnd: "A", ZEnd: "Z",
			BandwidthMbps: 10, Platform: "private", Status: "active"})
		if err != nil {
			t.Fatal(err)
		}
		// 20:30 UTC on 28 February is 04:30 on 1 March in the prefecture.
		at := time.Date(2026, 2, 28, 20, 30, 0, 123456789, time.UTC)
		for _, step := range []struct{ date string }{{"2026-02-22"}, {"2026-02-21"}} {
			_, err := x.ExecContext(ctx, x.Rebind(`INSERT INTO project_history (project_id, from_status, to_status, date,
				recorded_on, note, at, actor) VALUES (?, 'draft', 'submitted', ?, '1900-01-01', '', ?, 'old')`), p.ID, step.date, at)
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := x.ExecContext(ctx, x.Rebind(`UPDATE line_history SET at = ?, changed_on = '1900-01-01' WHERE line_id = ?`), at, l.ID); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"0006_project_record", "0007_line_changed_on"} {
			for _, stmt := range updates(t, db.Name, name) {
				if _, err := x.ExecContext(ctx, stmt); err != nil {
					t.Fatalf("%s: %s: %v", name, stmt, err)
				}
			}
		}
		var steps []struct {
			Date       inventory.Date `db:"date"`
			RecordedOn inventory.Date `db:"recorded_on"`
			Backdated  bool           `db:"backdated"`
		}
		if err := x.SelectContext(ctx, &steps, x.Rebind(`SELECT date, recorded_on, backdated FROM project_history
			WHERE project_id = ? ORDER BY id`), p.ID); err != nil {
			t.Fatal(err)
		}
		if len(steps) != 2 || steps[0].RecordedOn != "2026-03-01" || steps[0].Backdated || !steps[1].Backdated {
			t.Errorf("backfilled steps %+v; want recorded 2026-03-01, the one dated 2026-02-21 backdated", steps)
		}
		var changed inventory.Date
		if err := x.GetContext(ctx, &changed, x.Rebind(`SELECT changed_on FROM line_history WHERE line_id = ?`), l.ID); err != nil {
			t.Fatal(err)
		}
		if changed != "2026-03-01" {
			t.Errorf("backfilled changed_on %s, want 2026-03-01", changed)
		}
	})
}
