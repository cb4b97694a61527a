package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// backup copies a SQLite database while another connection keeps writing:
// the copy holds every row committed before it began, only rows that were
// really written, and an intact audit chain once restored; PostgreSQL is
// pg_dump's job (exit 2).
func TestBackupCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		dir := t.TempDir()
		if db.Name == inventory.Postgres {
			code, _, errs := runCLI(t, "backup", "--db", db.URL, "--to", filepath.Join(dir, "x.db"))
			if code != 2 || !strings.Contains(errs, "pg_dump") {
				t.Fatalf("backup of PostgreSQL: exit %d, %s", code, errs)
			}
			if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
				t.Error("backup of PostgreSQL wrote a file")
			}
			return
		}
		missing := "sqlite://" + filepath.Join(dir, "missing.db")
		if code, _, errs := runCLI(t, "backup", "--db", missing, "--to", filepath.Join(dir, "m.db")); code != 1 ||
			!strings.Contains(errs, "does not exist") {
			t.Errorf("backup of a missing database: exit %d, %s", code, errs)
		}
		if _, err := os.Stat(strings.TrimPrefix(missing, "sqlite://")); err == nil {
			t.Error("backup created the database it was to copy")
		}
		if code, _, errs := runCLI(t, "backup", "--db", db.URL); code != 2 || !strings.Contains(errs, "--to FILE is required") {
			t.Errorf("backup without --to: exit %d, %s", code, errs)
		}
		if code, _, errs := runCLI(t, "demo", "--db", db.URL); code != 0 {
			t.Fatalf("demo exited %d: %s", code, errs)
		}
		_, keyFile, _, err := loadKey(db.URL) // what the commands use
		if err != nil {
			t.Fatal(err)
		}
		pre := filepath.Join(dir, "pre.db")
		if code, out, errs := runCLI(t, "backup", "--db", db.URL, "--to", pre); code != 0 ||
			!strings.Contains(out, "wrote a consistent copy") || !strings.Contains(errs, keyFile) ||
			!strings.Contains(errs, "back it up separately") {
			t.Fatalf("backup: exit %d\n%s%s", code, out, errs)
		}
		if code, _, errs := runCLI(t, "backup", "--db", db.URL, "--to", pre); code != 1 || !strings.Contains(errs, "already exists") {
			t.Errorf("backup over an existing file: exit %d, %s", code, errs)
		}

		// A second store on the file writes as serve would, during the copy.
		writer, err := inventory.Open(t.Context(), db.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer writer.Close()
		writer.SetSecretKey(db.Key)
		ctx := inventory.WithActor(context.Background(), "cli:writer")
		var created atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				in := inventory.DefaultUnitInput()
				in.Code, in.Name = fmt.Sprintf("BK%05d", i), fmt.Sprintf("备份测试单位 %d", i)
				if _, err := writer.CreateUnit(ctx, in); err != nil {
					t.Errorf("concurrent write: %v", err)
					return
				}
				created.Store(int64(i + 1))
			}
		}()
		for created.Load() < 20 && !t.Failed() {
			time.Sleep(time.Millisecond)
		}
		before := created.Load()
		copyFile := filepath.Join(dir, "during.db")
		code, out, errs := runCLI(t, "backup", "--db", db.URL, "--to", copyFile)
		after := created.Load()
		for created.Load() < after+20 && !t.Failed() {
			time.Sleep(time.Millisecond) // writes after the copy too
		}
		close(stop)
		wg.Wait()
		if code != 0 {
			t.Fatalf("backup during writes: exit %d\n%s%s", code, out, errs)
		}
		compareCopies(t, db, pre, copyFile, before)

		// Restored beside its key file, the copy is a working database.
		restored := filepath.Join(t.TempDir(), "restored.db")
		data, err := os.ReadFile(copyFile)
		if err != nil {
			t.Fatal(err)
		}
		key, err := os.ReadFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(restored, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(filepath.Dir(restored), "hostroll.key"), key, 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errs = runCLI(t, "audit", "verify", "--db", "sqlite://"+restored, "--lang", "en")
		if code != 0 || !strings.Contains(out, "the audit chain is intact") {
			t.Fatalf("audit verify of the restored copy: exit %d\n%s%s", code, out, errs)
		}
		if code, out, errs := runCLI(t, "check", "--db", "sqlite://"+restored); code != 0 && code != 3 {
			t.Errorf("check on the restored copy: exit %d\n%s%s", code, out, errs)
		}
	})
}

// compareCopies checks, table by table, that the copy made during writes
// holds every row of the copy made before them and only rows that the live
// database really has, and at least the units created before it began.
func compareCopies(t *testing.T, db dbtest.DB, pre, during string, unitsBefore int64) {
	t.Helper()
	conn, err := db.Store.DB().Connx(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for alias, file := range map[string]string{"pre": pre, "during": during} {
		if _, err := conn.ExecContext(t.Context(), `ATTACH DATABASE ? AS `+alias, file); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(context.Background(), `DETACH DATABASE `+alias)
	}
	var tables []string
	if err := conn.SelectContext(t.Context(), &tables,
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 20 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	for _, tb := range tables {
		var lost, invented int
		q := `SELECT COUNT(*) FROM (SELECT * FROM %s.%s EXCEPT SELECT * FROM %s.%s)`
		if err := conn.GetContext(t.Context(), &lost, fmt.Sprintf(q, "pre", tb, "during", tb)); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		if err := conn.GetContext(t.Context(), &invented, fmt.Sprintf(q, "during", tb, "main", tb)); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		if lost != 0 || invented != 0 {
			t.Errorf("table %s: %d rows of the earlier copy missing, %d rows the database does not have", tb, lost, invented)
		}
	}
	var units, preUnits, audits int64
	conn.GetContext(t.Context(), &preUnits, `SELECT COUNT(*) FROM pre.units`)
	conn.GetContext(t.Context(), &units, `SELECT COUNT(*) FROM during.units WHERE code LIKE 'BK%'`)
	conn.GetContext(t.Context(), &audits, `SELECT COUNT(*) FROM during.audit WHERE actor = 'cli:writer'`)
	if units < unitsBefore || audits != units {
		t.Errorf("copy has %d written units (≥ %d committed before it began) and %d of their audit rows", units, unitsBefore, audits)
	}
	if preUnits == 0 {
		t.Error("the demo wrote no units")
	}
}
