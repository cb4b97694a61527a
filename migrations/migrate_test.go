package migrations_test

import (
	"net/url"
	"sync"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/migrations"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The dialects move in lockstep: every version exists for both, under the same
// name.
func TestDialectsInStep(t *testing.T) {
	pg, err := migrations.List("postgres")
	if err != nil {
		t.Fatal(err)
	}
	lite, err := migrations.List("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) == 0 || len(pg) != len(lite) {
		t.Fatalf("postgres has %d migrations, sqlite %d", len(pg), len(lite))
	}
	for i := range pg {
		if pg[i].Version != lite[i].Version || pg[i].Name != lite[i].Name {
			t.Errorf("migration %d: postgres %s, sqlite %s", i, pg[i].Name, lite[i].Name)
		}
		if pg[i].Version != i+1 {
			t.Errorf("migration %s: want version %d (no gaps)", pg[i].Name, i+1)
		}
	}
	if _, err := migrations.List("oracle"); err == nil {
		t.Error("an unknown dialect should be an error")
	}
}

// Two processes starting at once against an empty PostgreSQL database: the
// advisory lock lets one migrate, and the other finds the schema current.
func TestConcurrentApplyOnPostgres(t *testing.T) {
	db := dbtest.Postgres(t)
	const name = "empty_for_migrate" // on this test binary's own server
	if _, err := db.Store.DB().ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	var stores [4]*inventory.Store
	for i := range stores {
		if stores[i], err = inventory.Open(t.Context(), u.String()); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, s := range stores {
			s.Close()
		}
		db.Store.DB().Exec("DROP DATABASE " + name + " WITH (FORCE)")
	})
	var wg sync.WaitGroup
	applied := make([][]int, len(stores))
	errs := make([]error, len(stores))
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = migrations.Apply(t.Context(), s.DB(), "postgres")
		}()
	}
	wg.Wait()
	total := 0
	for i := range stores {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	latest, _ := migrations.Latest("postgres")
	if total != latest {
		t.Fatalf("%d migrations applied in all, want %d (each exactly once)", total, latest)
	}
	var rows int
	if err := stores[0].DB().Get(&rows, "SELECT COUNT(*) FROM schema_migrations"); err != nil || rows != latest {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", rows, err, latest)
	}
}
