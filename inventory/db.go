// Package inventory is hostroll's domain: the types of the machine-room
// inventory, their validation, and the store that keeps them in PostgreSQL or
// SQLite.
package inventory

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver "postgres"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"hostroll/migrations"
	"hostroll/password"
	"hostroll/secret"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DefaultURL is the database used when none is configured.
const DefaultURL = "sqlite://hostroll.db"

// Store is the inventory kept in one database. It is safe for concurrent use.
type Store struct {
	db      *sqlx.DB
	dialect string
	now     func() time.Time
	rules   RuleConfig // thresholds of the policy rules; zero means the defaults
	hasher  *password.Hasher
	auth    AuthConfig // sign-in and session limits; zero means the defaults
	tokens  *tokenCache
	key     *secret.Key    // seals secrets at rest (SetSecretKey); nil: none
	zone    *time.Location // business time zone (SetZone; HOSTROLL_TZ)
	dir     Directory      // directory sign-in (SetDirectory); nil: local users only
}

// SetClock makes the store read the time from now (tests move it).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Target is a parsed database URL.
type Target struct {
	Dialect string // Postgres or SQLite
	DSN     string // what the driver is opened with
	File    string // SQLite: the database file (":memory:" for none)
}

// ParseURL reads a database URL: postgres://user:pass@host:5432/db?sslmode=disable
// (postgresql:// too), sqlite:///abs/path.db or sqlite://relative.db.
func ParseURL(raw string) (Target, error) {
	if raw == "" {
		raw = DefaultURL
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return Target{}, fmt.Errorf("database URL %q: want postgres://… or sqlite://FILE", Redact(raw))
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		u, err := url.Parse(raw)
		if err != nil {
			return Target{}, fmt.Errorf("database URL %q: %v", Redact(raw), err)
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return Target{}, fmt.Errorf("database URL %q: no host (postgres://user:pass@host:5432/db)", Redact(raw))
		}
		return Target{Dialect: Postgres, DSN: raw}, nil
	case "sqlite", "sqlite3", "file":
		file, query, _ := strings.Cut(rest, "?")
		if file == "" {
			return Target{}, fmt.Errorf("database URL %q: no file name (sqlite://hostroll.db or sqlite:///abs/path.db)", raw)
		}
		if file != ":memory:" {
			file = filepath.Clean(file)
		}
		return Target{Dialect: SQLite, DSN: sqliteDSN(file, query), File: file}, nil
	}
	return Target{}, fmt.Errorf("database URL %q: unknown scheme %q (want postgres or sqlite)", Redact(raw), scheme)
}

// sqliteDSN adds the settings hostroll relies on: WAL, foreign keys, a busy
// timeout, secure delete, and IMMEDIATE transactions so that writers queue for the write lock
// at BEGIN instead of failing on upgrade.
var uriPath = strings.NewReplacer("%", "%25", "#", "%23")

func sqliteDSN(file, extra string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Zero what a delete or an update frees inside a page (at no extra I/O),
	// so a secret sealed in place leaves no plain copy in the file.
	q.Add("_pragma", "secure_delete(FAST)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	// The DSN is an SQLite URI: a '#' or '%' in the file name would start a
	// fragment or an escape and open another file.
	dsn := "file:" + uriPath.Replace(file) + "?" + q.Encode()
	if extra != "" {
		dsn += "&" + extra
	}
	return dsn
}

// Redact hides the password of a database URL for messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Open connects to the database named by the URL and checks that it answers.
// It does not migrate: call Migrate.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	t, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open(t.Dialect, t.DSN)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(rawURL), err)
	}
	if t.Dialect == Postgres {
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(8)
	} else {
		db.SetMaxOpenConns(8)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach database %s: %w", Redact(rawURL), err)
	}
	return &Store{db: db, dialect: t.Dialect, now: time.Now, hasher: password.NewHasher(password.Default),
		tokens: &tokenCache{}, zone: defaultZone()}, nil
}

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is Postgres or SQLite.
func (s *Store) Dialect() string { return s.dialect }

// DB exposes the connection pool to packages that share the schema (the
// collector, tests); inventory's own writes go through its methods.
func (s *Store) DB() *sqlx.DB { return s.db }

// Migrate applies pending migrations and returns the versions applied. Two
// steps SQL cannot do follow: audit rows written before the chain existed
// are chained (ChainAudit), and secrets still stored in plain text are sealed
// with the store's key (SealSecrets; set the key first). Both do nothing the
// second time.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	applied, err := migrations.Apply(ctx, s.db, s.dialect)
	if err != nil {
		return applied, err
	}
	if _, err := s.ChainAudit(ctx); err != nil {
		return applied, err
	}
	if _, err := s.SealSecrets(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// Health reports the dialect and the schema version, after a round trip to the
// database.
type Health struct {
	Dialect       string `json:"dialect"`
	SchemaVersion int    `json:"schema_version"`
	SchemaLatest  int    `json:"schema_latest"`
}

// Health checks the database and reads its schema version.
func (s *Store) Health(ctx context.Context) (Health, error) {
	v, err := migrations.Current(ctx, s.db)
	if err != nil {
		return Health{}, fmt.Errorf("inventory: health: %w", err)
	}
	latest, err := migrations.Latest(s.dialect)
	if err != nil {
		return Health{}, fmt.Errorf("inventory: health: %w", err)
	}
	return Health{Dialect: s.dialect, SchemaVersion: v, SchemaLatest: latest}, nil
}

// querier is what both *sqlx.DB and *sqlx.Tx offer.
type querier interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

var (
	_ querier = (*sqlx.DB)(nil)
	_ querier = (*sqlx.Tx)(nil)
)

// exists tells whether a query returns a row.
func exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.GetContext(ctx, &one, q.Rebind(query), args...)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}
