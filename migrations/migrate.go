// Package migrations holds hostroll's SQL schema, one folder per database
// dialect, and applies it: forward only, in file-name order, each file in its
// own transaction and recorded in schema_migrations in that transaction.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// advisoryLockKey is the PostgreSQL advisory lock taken while migrating, so two
// processes starting at once never apply the same migration twice.
const advisoryLockKey = 7_402_117_001

// Migration is one schema change of one dialect.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// List returns the migrations of a dialect ("postgres" or "sqlite") in order.
func List(dialect string) ([]Migration, error) {
	entries, err := fs.ReadDir(files, dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migrations: %s/%s: name must be NNNN_what.sql", dialect, name)
		}
		body, err := files.ReadFile(path.Join(dialect, name))
		if err != nil {
			return nil, fmt.Errorf("migrations: read %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations: %s: two migrations numbered %d", dialect, out[i].Version)
		}
	}
	return out, nil
}

// Latest is the highest migration version of a dialect.
func Latest(dialect string) (int, error) {
	ms, err := List(dialect)
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return ms[len(ms)-1].Version, nil
}

// Apply brings the database up to the latest schema and returns the versions it
// applied (none when it was already current).
func Apply(ctx context.Context, db *sqlx.DB, dialect string) ([]int, error) {
	return ApplyUpTo(ctx, db, dialect, math.MaxInt)
}

// ApplyUpTo applies the pending migrations numbered up to last: an older
// schema for tests of an upgrade.
func ApplyUpTo(ctx context.Context, db *sqlx.DB, dialect string, last int) ([]int, error) {
	ms, err := List(dialect)
	if err != nil {
		return nil, err
	}
	ms = slices.DeleteFunc(ms, func(m Migration) bool { return m.Version > last })
	if dialect == "postgres" {
		// A session-level advisory lock lives on one connection: hold that
		// connection for the whole run.
		conn, err := db.Connx(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrations: connect: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, advisoryLockKey); err != nil {
			return nil, fmt.Errorf("migrations: advisory lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, advisoryLockKey)
		return applyAll(ctx, conn, ms)
	}
	conn, err := db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: connect: %w", err)
	}
	defer conn.Close()
	return applyAll(ctx, conn, ms)
}

func applyAll(ctx context.Context, conn *sqlx.Conn, ms []Migration) ([]int, error) {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrations: create schema_migrations: %w", err)
	}
	done := map[int]bool{}
	var have []int
	if err := conn.SelectContext(ctx, &have, `SELECT version FROM schema_migrations`); err != nil {
		return nil, fmt.Errorf("migrations: read schema_migrations: %w", err)
	}
	for _, v := range have {
		done[v] = true
	}
	var applied []int
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		if err := applyOne(ctx, conn, m); err != nil {
			return applied, err
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

func applyOne(ctx context.Context, conn *sqlx.Conn, m Migration) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrations: %s: begin: %w", m.Name, err)
	}
	defer tx.Rollback()
	if err := execMigration(ctx, tx, m.SQL); err != nil {
		return fmt.Errorf("migrations: %s: %w", m.Name, err)
	}
	at := time.Now().UTC().Format(time.RFC3339)
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.Version, m.Name, at); err != nil {
		return fmt.Errorf("migrations: %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations: %s: commit: %w", m.Name, err)
	}
	return nil
}

// Current is the highest applied version, 0 on an empty database.
func Current(ctx context.Context, db *sqlx.DB) (int, error) {
	var v *int
	if err := db.GetContext(ctx, &v, `SELECT MAX(version) FROM schema_migrations`); err != nil {
		return 0, fmt.Errorf("migrations: read schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}
