package migrations_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/migrations"
)

// emptyDB opens a database of dialect with no schema at all.
func emptyDB(t *testing.T, dialect string) *sqlx.DB {
	t.Helper()
	raw := "sqlite://" + filepath.Join(t.TempDir(), "old.db")
	if dialect == "postgres" {
		db := dbtest.Postgres(t)
		name := strings.ReplaceAll(strings.ToLower(t.Name()), "/", "_")
		if _, err := db.Store.DB().ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Store.DB().Exec("DROP DATABASE " + name + " WITH (FORCE)") })
		u, err := url.Parse(db.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		raw = u.String()
	}
	st, err := inventory.Open(t.Context(), raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st.DB()
}

// TestFoldedKeysMigration: 0008 refuses a database with look-alikes in one
// error naming every clash, leaves it as it was, and fills the folded forms
// once they are renamed; the unique indexes then refuse a look-alike.
func TestFoldedKeysMigration(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db := emptyDB(t, dialect)
			if _, err := migrations.ApplyUpTo(ctx, db, dialect, 7); err != nil {
				t.Fatal(err)
			}
			before, err := migrations.Current(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.ExecContext(ctx, db.Rebind(q), args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`INSERT INTO units (id, code, name, kind) VALUES (1, 'XZ', 'a', 'department'), (2, 'xz ', 'b', 'department'), (3, 'ＧＡ', 'c', 'department'), (4, 'ga', 'd', 'department')`)
			exec(`INSERT INTO devices (id, name, kind, manufacturer, serial, unit_id) VALUES
				(1, 'd1', 'server', 'Inspur', 'NF5280M6-210004', 1), (2, 'd2', 'server', 'inspur', 'nf5280m6-210004', 1),
				(3, 'd3', 'server', 'Dell', 'NF5280M6-210004', 1), (4, 'd4', 'server', 'Dell', NULL, 1), (5, 'd5', 'server', 'Dell', NULL, 1)`)

			_, err = migrations.ApplyUpTo(ctx, db, dialect, 8)
			if err == nil {
				t.Fatal("0008 applied over look-alikes")
			}
			for _, want := range []string{"3 identifiers clash", "units 1 and 2", "units 3 and 4", "devices 1 and 2", "serial per manufacturer", `"nf5280m6-210004"`} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q: %v", want, err)
				}
			}
			if v, _ := migrations.Current(ctx, db); v != before {
				t.Errorf("schema version %d after the refusal, want %d", v, before)
			}
			var n int
			if err := db.GetContext(ctx, &n, `SELECT COUNT(*) FROM units WHERE code = 'XZ'`); err != nil || n != 1 {
				t.Fatalf("units after the refusal: %d, %v", n, err)
			}

			exec(`UPDATE units SET code = 'XZ-2' WHERE id = 2`)
			exec(`UPDATE units SET code = 'GA-2' WHERE id = 4`)
			exec(`UPDATE devices SET serial = 'NF5280M6-210009' WHERE id = 2`)
			if _, err := migrations.ApplyUpTo(ctx, db, dialect, 8); err != nil {
				t.Fatalf("0008 after the renames: %v", err)
			}
			var folds []string
			if err := db.SelectContext(ctx, &folds, `SELECT code_fold FROM units ORDER BY id`); err != nil {
				t.Fatal(err)
			}
			if strings.Join(folds, ",") != "xz,xz-2,ga,ga-2" {
				t.Errorf("code_fold = %v", folds)
			}
			var serialFold *string
			if err := db.GetContext(ctx, &serialFold, `SELECT serial_fold FROM devices WHERE id = 4`); err != nil || serialFold != nil {
				t.Errorf("serial_fold of a device without serial = %v (%v), want NULL", serialFold, err)
			}
			// The unique index is the last word on a race.
			if _, err := db.ExecContext(ctx, `UPDATE units SET code_fold = 'xz' WHERE id = 2`); err == nil {
				t.Error("a second unit with code_fold xz was accepted")
			}
			if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE devices SET manufacturer_fold = 'inspur', serial_fold = 'nf5280m6-210004' WHERE id = 2`)); err == nil {
				t.Error("a second Inspur NF5280M6-210004 was accepted")
			}
		})
	}
}
