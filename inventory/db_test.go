package inventory_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		name, url, dialect, dsnHas, err string
	}{
		{"default", "", inventory.SQLite, "file:hostroll.db?", ""},
		{"sqlite relative", "sqlite://data/h.db", inventory.SQLite, "file:data/h.db?", ""},
		{"sqlite absolute", "sqlite:///var/lib/hostroll/h.db", inventory.SQLite, "file:/var/lib/hostroll/h.db?", ""},
		{"sqlite settings", "sqlite://h.db", inventory.SQLite, "_txlock=immediate", ""},
		{"sqlite name with # and %", "sqlite:///srv/a#1%.db", inventory.SQLite, "file:/srv/a%231%25.db?", ""},
		{"postgres", "postgres://u:p@db.example:5432/h?sslmode=disable", inventory.Postgres, "postgres://u:p@db.example", ""},
		{"postgresql scheme", "postgresql://u@db/h", inventory.Postgres, "postgresql://u@db/h", ""},
		{"postgres socket", "postgres://u@/h?host=/run/postgresql", inventory.Postgres, "host=/run/postgresql", ""},
		{"no scheme", "hostroll.db", "", "", "want postgres://"},
		{"unknown scheme", "mysql://u:secret@h/db", "", "", `unknown scheme "mysql"`},
		{"postgres without host", "postgres:///h", "", "", "no host"},
		{"sqlite without file", "sqlite://", "", "", "no file name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := inventory.ParseURL(tc.url)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error containing %q, got %v", tc.err, err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			noErr(t, err)
			if got.Dialect != tc.dialect || !strings.Contains(got.DSN, tc.dsnHas) {
				t.Fatalf("got %+v, want dialect %s and DSN containing %q", got, tc.dialect, tc.dsnHas)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	got := inventory.Redact("postgres://hostroll:s3cret@db:5432/h")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "hostroll:xxxxx@db") {
		t.Fatalf("Redact = %q", got)
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := inventory.Open(ctx, "postgres://u:s3cret@127.0.0.1:1/h?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "cannot reach database") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("want a redacted 'cannot reach database' error, got %v", err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		applied, err := db.Store.Migrate(t.Context())
		noErr(t, err)
		if len(applied) != 0 {
			t.Fatalf("a migrated database applied %v again", applied)
		}
		h, err := db.Store.Health(t.Context())
		noErr(t, err)
		if h.Dialect != db.Name || h.SchemaVersion < 1 || h.SchemaVersion != h.SchemaLatest {
			t.Fatalf("health %+v", h)
		}
	})
}

// TestOpenSQLiteOddName opens a database whose file name has a '#' and a
// '%': the data must land in exactly that file.
func TestOpenSQLiteOddName(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "room#2 100%.db")
	s, err := inventory.Open(ctx, "sqlite://"+path)
	noErr(t, err)
	defer s.Close()
	_, err = s.Migrate(ctx)
	noErr(t, err)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at %s: %v", path, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "room#2 100%.db") {
			t.Errorf("stray file %s next to the database", e.Name())
		}
	}
}
