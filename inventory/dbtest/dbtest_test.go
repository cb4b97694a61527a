package dbtest_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestEach(t *testing.T) {
	t.Parallel()
	var seen []string
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		seen = append(seen, db.Name)
		checkFresh(t, db)
	})
	if len(seen) == 0 || seen[0] != inventory.SQLite {
		t.Errorf("Each ran %v, want sqlite first", seen)
	}
	if os.Getenv(dbtest.RequireEnv) == "1" && len(seen) != 2 {
		t.Errorf("Each ran %v, want sqlite and postgres with %s=1", seen, dbtest.RequireEnv)
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dbs := dbtest.Open(t)
	if len(dbs) == 0 || dbs[0].Name != inventory.SQLite {
		t.Fatalf("Open gave %d databases, want sqlite first", len(dbs))
	}
	if os.Getenv(dbtest.RequireEnv) == "1" && len(dbs) != 2 {
		t.Fatalf("Open gave %d databases, want 2 with %s=1", len(dbs), dbtest.RequireEnv)
	}
	for _, db := range dbs {
		t.Run(db.Name, func(t *testing.T) { checkFresh(t, db) })
	}
}

// checkFresh asserts that db is of its dialect, fully migrated and that its URL
// opens the same database.
func checkFresh(t *testing.T, db dbtest.DB) {
	t.Helper()
	ctx := context.Background()
	if got := db.Store.Dialect(); got != db.Name {
		t.Errorf("Store.Dialect() = %q, want %q", got, db.Name)
	}
	h, err := db.Store.Health(ctx)
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	if h.SchemaLatest <= 0 || h.SchemaVersion != h.SchemaLatest {
		t.Errorf("Health = %+v, want SchemaVersion == SchemaLatest > 0", h)
	}
	wantScheme := db.Name + "://"
	if !strings.HasPrefix(db.URL, wantScheme) {
		t.Errorf("URL %q, want %s…", db.URL, wantScheme)
	}
	// A second Store on the URL sees what the first one wrote.
	insertUnit(t, db, "CHK")
	other, err := inventory.Open(ctx, db.URL)
	if err != nil {
		t.Fatalf("open %s again: %v", db.URL, err)
	}
	defer other.Close()
	if n := countUnits(t, other); n != 1 {
		t.Errorf("second Store on %s sees %d units, want 1", db.URL, n)
	}
}

func TestSQLite(t *testing.T) {
	t.Parallel()
	a, b := dbtest.SQLite(t), dbtest.SQLite(t)
	if a.URL == b.URL {
		t.Fatalf("two SQLite calls gave the same URL %s", a.URL)
	}
	insertUnit(t, a, "A")
	if n := countUnits(t, b.Store); n != 0 {
		t.Errorf("second SQLite database has %d units, want 0", n)
	}
}

func TestPostgresIsolated(t *testing.T) {
	t.Parallel()
	a, b := dbtest.Postgres(t), dbtest.Postgres(t)
	if a.URL == b.URL {
		t.Fatalf("two Postgres calls gave the same URL %s", a.URL)
	}
	if a.Name != inventory.Postgres || a.Store.Dialect() != inventory.Postgres {
		t.Fatalf("Postgres gave %q (dialect %q)", a.Name, a.Store.Dialect())
	}
	insertUnit(t, a, "A")
	if n := countUnits(t, a.Store); n != 1 {
		t.Errorf("first database has %d units, want 1", n)
	}
	if n := countUnits(t, b.Store); n != 0 {
		t.Errorf("second database has %d units, want 0", n)
	}
}

func TestPostgresParallel(t *testing.T) {
	t.Parallel()
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			db := dbtest.Postgres(t)
			insertUnit(t, db, fmt.Sprintf("P%d", i))
			if n := countUnits(t, db.Store); n != 1 {
				t.Errorf("database has %d units, want 1", n)
			}
		})
	}
}

func insertUnit(t *testing.T, db dbtest.DB, code string) {
	t.Helper()
	x := db.Store.DB()
	if _, err := x.ExecContext(context.Background(), x.Rebind(`INSERT INTO units (code, name, kind) VALUES (?, ?, ?)`), code, "Unit "+code, "department"); err != nil {
		t.Fatalf("%s: insert unit %s: %v", db.Name, code, err)
	}
}

func countUnits(t *testing.T, st *inventory.Store) int {
	t.Helper()
	var n int
	if err := st.DB().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM units`); err != nil {
		t.Fatalf("%s: count units: %v", st.Dialect(), err)
	}
	return n
}
