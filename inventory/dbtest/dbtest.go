// Package dbtest gives tests fresh, migrated databases: an SQLite file per
// call, and, when PostgreSQL is installed, a database cloned from a migrated
// template on a throwaway server that the test binary starts on first use and
// stops when it exits.
//
// A package whose tests use PostgreSQL (through Open, Each or Postgres) must
// have
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
// so that the server is stopped after its tests.
//
// The server listens on a Unix socket in its own directory under /tmp and on no
// TCP port, so the test binaries that go test ./... runs in parallel never
// collide. Without initdb the PostgreSQL half is skipped, unless
// HOSTROLL_REQUIRE_EXTERNAL=1, which turns the skip into a failure.
package dbtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/secret"
)

// DB is one fresh, migrated database.
type DB struct {
	Name  string // "sqlite" or "postgres"
	URL   string // the URL it was opened with (for tests that open a second Store or run the CLI)
	Store *inventory.Store
	// Key seals the database's secrets (every database of the test binary
	// shares it); KeyFile holds it: hostroll.key beside an SQLite file, the
	// file named by HOSTROLL_SECRET_KEY_FILE for PostgreSQL (Main sets it
	// unless it is set), so the CLI under test finds the key as in production.
	Key     *secret.Key
	KeyFile string
}

var (
	keyOnce sync.Once
	key     *secret.Key
	keyFile string // written by Main
)

// TestKey is the secret key of this test binary's databases: the one in
// HOSTROLL_SECRET_KEY_FILE when that is set, else a new one.
func TestKey() *secret.Key {
	keyOnce.Do(func() {
		var err error
		if f := os.Getenv("HOSTROLL_SECRET_KEY_FILE"); f != "" {
			if key, err = secret.Load(f); err == nil {
				return
			}
		}
		if key, err = secret.Generate(); err != nil {
			panic(err)
		}
	})
	return key
}

// RequireEnv is the environment variable that, set to 1, makes a missing
// PostgreSQL a test failure instead of a skip.
const RequireEnv = "HOSTROLL_REQUIRE_EXTERNAL"

const (
	pgPort       = "5432" // on the private socket directory, so it never clashes
	templateDB   = "tmpl"
	setupTimeout = 2 * time.Minute
	opTimeout    = time.Minute
)

// SQLite returns a fresh migrated SQLite database in a file under tb.TempDir(),
// closed in tb.Cleanup.
func SQLite(tb testing.TB) DB {
	tb.Helper()
	path, err := filepath.Abs(filepath.Join(tb.TempDir(), "hostroll.db"))
	if err != nil {
		tb.Fatalf("dbtest: sqlite: %v", err)
	}
	url := "sqlite://" + path
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	st, err := inventory.Open(ctx, url)
	if err != nil {
		tb.Fatalf("dbtest: sqlite: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	k := TestKey()
	kf := filepath.Join(filepath.Dir(path), "hostroll.key")
	if err := secret.Write(kf, k); err != nil {
		tb.Fatalf("dbtest: sqlite: %v", err)
	}
	st.SetSecretKey(k)
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatalf("dbtest: sqlite: migrate %s: %v", path, err)
	}
	return DB{Name: inventory.SQLite, URL: url, Store: st, Key: k, KeyFile: kf}
}

// Postgres returns a fresh migrated PostgreSQL database, cloned from the
// template on this test binary's throwaway server, and closes and drops it in
// tb.Cleanup. The first call starts the server. Without initdb it skips the
// test (fails it when HOSTROLL_REQUIRE_EXTERNAL=1); when the server cannot be
// started it fails the test.
func Postgres(tb testing.TB) DB {
	tb.Helper()
	srv := serverFor(tb)
	if srv.unavailable != "" {
		tb.Skip("dbtest: PostgreSQL tests skipped: " + srv.unavailable)
	}

	name := fmt.Sprintf("t_%d", dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := srv.createDB(ctx, name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := srv.dropDB(ctx, name); err != nil {
			tb.Error(err)
		}
	})
	url := srv.url(name)
	st, err := inventory.Open(ctx, url)
	if err != nil {
		tb.Fatalf("dbtest: postgres: %v", err)
	}
	tb.Cleanup(func() { st.Close() }) // runs before the drop above
	st.SetSecretKey(TestKey())
	return DB{Name: inventory.Postgres, URL: url, Store: st, Key: TestKey(), KeyFile: os.Getenv("HOSTROLL_SECRET_KEY_FILE")}
}

// Open returns a fresh migrated database for each dialect this machine can run
// (SQLite always, PostgreSQL when initdb is found), each closed and dropped in
// tb.Cleanup. HOSTROLL_REQUIRE_EXTERNAL=1 makes a missing PostgreSQL a failure.
// Like Postgres, it needs dbtest.Main in TestMain, on every machine.
func Open(tb testing.TB) []DB {
	tb.Helper()
	dbs := []DB{SQLite(tb)}
	if srv := serverFor(tb); srv.unavailable != "" {
		tb.Log("dbtest: PostgreSQL tests skipped: " + srv.unavailable)
		return dbs
	}
	return append(dbs, Postgres(tb))
}

// serverFor starts this binary's PostgreSQL server on first use. It fails the
// test when the server cannot start, or when PostgreSQL is missing and
// HOSTROLL_REQUIRE_EXTERNAL=1; otherwise srv.unavailable says why it is missing.
func serverFor(tb testing.TB) *pgServer {
	tb.Helper()
	requireMain(tb)
	srv := startServer()
	switch {
	case srv.unavailable != "" && os.Getenv(RequireEnv) == "1":
		tb.Fatalf("dbtest: %s=1 requires PostgreSQL, but %s", RequireEnv, srv.unavailable)
	case srv.err != nil:
		tb.Fatal(srv.err)
	}
	return srv
}

// Each runs fn as a subtest per dialect: t.Run("sqlite", ...) and
// t.Run("postgres", ...); the postgres subtest is skipped when PostgreSQL is
// not installed (failed when HOSTROLL_REQUIRE_EXTERNAL=1). The subtests do not
// call t.Parallel; fn may.
func Each(t *testing.T, fn func(t *testing.T, db DB)) {
	t.Helper()
	t.Run(inventory.SQLite, func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run(inventory.Postgres, func(t *testing.T) { fn(t, Postgres(t)) })
}

// Dialect opens a fresh database of the named dialect (inventory.SQLite or
// inventory.Postgres), for benchmarks that run per dialect.
func Dialect(tb testing.TB, dialect string) DB {
	tb.Helper()
	if dialect == inventory.Postgres {
		return Postgres(tb)
	}
	return SQLite(tb)
}

// Main wraps testing.M for packages that use PostgreSQL: it runs the tests,
// then stops the throwaway server and removes its directory, and exits with
// the tests' code. Use as:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
func Main(m *testing.M) {
	mainRunning.Store(true)
	if os.Getenv("HOSTROLL_SECRET_KEY_FILE") == "" {
		if err := writeKeyFile(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	if keyFile != "" {
		os.RemoveAll(filepath.Dir(keyFile))
	}
	if err := stopServer(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// writeKeyFile writes the test key where the CLI under test looks for it.
func writeKeyFile() error {
	dir, err := os.MkdirTemp("", "hostroll-key-")
	if err != nil {
		return fmt.Errorf("dbtest: key file: %w", err)
	}
	keyFile = filepath.Join(dir, "hostroll.key")
	if err := secret.Write(keyFile, TestKey()); err != nil {
		return fmt.Errorf("dbtest: %w", err)
	}
	return os.Setenv("HOSTROLL_SECRET_KEY_FILE", keyFile)
}

// requireMain fails the test unless Main runs the tests, so that the server is
// stopped before the test binary exits; the watchdog is only the safety net.
func requireMain(tb testing.TB) {
	tb.Helper()
	if !mainRunning.Load() {
		tb.Fatal("dbtest: PostgreSQL needs func TestMain(m *testing.M) { dbtest.Main(m) } in this test package, so that the server is stopped afterwards")
	}
}

var (
	mainRunning atomic.Bool
	dbSeq       atomic.Int64

	serverOnce sync.Once
	serverMu   sync.Mutex // guards server against stopServer
	server     *pgServer
)

// pgServer is the throwaway PostgreSQL server of this test binary.
type pgServer struct {
	unavailable string // why PostgreSQL cannot run here (no prefix): a skip, or a failure under RequireEnv
	err         error  // why starting it failed: always a failure

	dir          string // temporary directory: socket, log, data
	data         string
	pgCtl        string
	runAs        string // "postgres" when running as root, else ""
	started      bool   // pg_ctl start succeeded: stop it
	watchdog     *os.Process
	watchdogPipe *os.File         // write end of the watchdog's stdin, held until exit
	admin        *inventory.Store // connected to the postgres database
	forceOK      bool             // DROP DATABASE ... WITH (FORCE) is supported (PG ≥ 13)
	createMu     sync.Mutex       // serialises CREATE DATABASE ... TEMPLATE
}

// startServer starts the server on first use and returns it, with unavailable
// or err set when it cannot be used.
func startServer() *pgServer {
	serverOnce.Do(func() {
		s := &pgServer{}
		serverMu.Lock()
		server = s
		serverMu.Unlock()
		if err := s.start(); err != nil {
			s.err = err
		}
	})
	serverMu.Lock()
	defer serverMu.Unlock()
	return server
}

func (s *pgServer) start() error {
	initdb, pgCtl, err := findBinaries()
	if err != nil {
		s.unavailable = err.Error() + " (apt-get install postgresql)"
		return nil
	}
	s.pgCtl = pgCtl

	var uid, gid int
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			s.unavailable = "running as root and no postgres system user to run the server as: " + err.Error()
			return nil
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			s.unavailable = "running as root and runuser not found to run the server as user postgres"
			return nil
		}
		if uid, err = strconv.Atoi(u.Uid); err != nil {
			return fmt.Errorf("dbtest: postgres user: uid %q: %v", u.Uid, err)
		}
		if gid, err = strconv.Atoi(u.Gid); err != nil {
			return fmt.Errorf("dbtest: postgres user: gid %q: %v", u.Gid, err)
		}
		s.runAs = "postgres"
	}

	// Unix socket paths are limited to about 107 bytes: keep the directory short.
	s.dir, err = os.MkdirTemp("/tmp", "hrpg")
	if err != nil {
		return fmt.Errorf("dbtest: postgres: create temporary directory: %w", err)
	}
	s.data = filepath.Join(s.dir, "data")
	if s.runAs != "" {
		if err := chownTree(s.dir, uid, gid); err != nil {
			os.RemoveAll(s.dir)
			return fmt.Errorf("dbtest: postgres: chown %s to postgres: %w", s.dir, err)
		}
	}
	// From here on the directory (and the server, once started) is removed by
	// Main, or by the watchdog if this process dies first.
	s.startWatchdog()

	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	// initdb holds the watchdog's pipe too, so a watchdog woken by this
	// process dying waits for initdb to finish before removing the directory.
	if out, err := s.run(ctx, true, initdb, "--no-sync", "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C", "-D", s.data); err != nil {
		return fmt.Errorf("dbtest: postgres: initdb -D %s: %v\n%s", s.data, err, tail(out, 40))
	}
	logFile := filepath.Join(s.dir, "log")
	opts := fmt.Sprintf("-c listen_addresses='' -k %s -p %s -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200", s.dir, pgPort)
	out, err := s.run(ctx, false, pgCtl, "-w", "-t", "60", "-D", s.data, "-l", logFile, "-o", opts, "start")
	if err != nil {
		log, _ := os.ReadFile(logFile)
		return fmt.Errorf("dbtest: postgres: pg_ctl start: %v\n%s\nserver log %s:\n%s", err, tail(out, 20), logFile, tail(log, 40))
	}
	s.started = true

	if s.admin, err = inventory.Open(ctx, s.url("postgres")); err != nil {
		return s.withLog(fmt.Errorf("dbtest: postgres: connect to new server: %w", err))
	}
	var version int
	if err := s.admin.DB().GetContext(ctx, &version, `SELECT current_setting('server_version_num')::int`); err != nil {
		return s.withLog(fmt.Errorf("dbtest: postgres: read server version: %w", err))
	}
	s.forceOK = version >= 130000

	// The template: migrated once, then closed to connections, because
	// CREATE DATABASE ... TEMPLATE fails while anyone is connected to it.
	if _, err := s.admin.DB().ExecContext(ctx, `CREATE DATABASE `+templateDB); err != nil {
		return s.withLog(fmt.Errorf("dbtest: postgres: create template database: %w", err))
	}
	tmpl, err := inventory.Open(ctx, s.url(templateDB))
	if err != nil {
		return s.withLog(fmt.Errorf("dbtest: postgres: template: %w", err))
	}
	_, err = tmpl.Migrate(ctx)
	tmpl.Close()
	if err != nil {
		return s.withLog(fmt.Errorf("dbtest: postgres: migrate template database: %w", err))
	}
	if _, err := s.admin.DB().ExecContext(ctx, `ALTER DATABASE `+templateDB+` WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`); err != nil {
		return s.withLog(fmt.Errorf("dbtest: postgres: seal template database: %w", err))
	}
	return nil
}

// url is the URL of a database on the server: lib/pq takes the host query
// parameter as the directory of the Unix socket.
func (s *pgServer) url(dbname string) string {
	return "postgres://postgres@/" + dbname + "?host=" + s.dir + "&port=" + pgPort + "&sslmode=disable"
}

func (s *pgServer) createDB(ctx context.Context, name string) error {
	s.createMu.Lock()
	defer s.createMu.Unlock()
	if _, err := s.admin.DB().ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+templateDB); err != nil {
		return fmt.Errorf("dbtest: postgres: create database %s from template: %w", name, err)
	}
	return nil
}

func (s *pgServer) dropDB(ctx context.Context, name string) error {
	q := `DROP DATABASE IF EXISTS ` + name
	if s.forceOK {
		q += ` WITH (FORCE)`
	}
	if _, err := s.admin.DB().ExecContext(ctx, q); err != nil {
		return fmt.Errorf("dbtest: postgres: drop database %s: %w", name, err)
	}
	return nil
}

// withLog appends the tail of the server log to a start-up error.
func (s *pgServer) withLog(err error) error {
	logFile := filepath.Join(s.dir, "log")
	log, _ := os.ReadFile(logFile)
	return fmt.Errorf("%w\nserver log %s:\n%s", err, logFile, tail(log, 40))
}

// run runs a PostgreSQL program, as user postgres when this process is root,
// and returns its combined output. With holdPipe it inherits the write end of
// the watchdog's pipe (not for pg_ctl start: the server would inherit it too).
func (s *pgServer) run(ctx context.Context, holdPipe bool, prog string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, prog, args...)
	if s.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", s.runAs, "--", prog}, args...)...)
	}
	cmd.Dir = s.dir // a directory user postgres can enter
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if holdPipe && s.watchdogPipe != nil {
		cmd.ExtraFiles = []*os.File{s.watchdogPipe}
	}
	return cmd.CombinedOutput()
}

// startWatchdog starts a shell, in its own session so that ^C to go test does
// not reach it, that stops the server and removes its directory once this
// process has exited: it covers test binaries that panic, time out or are
// killed before Main can clean up. The shell blocks reading a pipe whose
// writers are this process (and initdb while it runs), so it wakes on EOF when
// they are gone, however they go. Main kills it after cleaning up itself.
func (s *pgServer) startWatchdog() {
	stop := shellQuote(s.pgCtl) + " -D " + shellQuote(s.data) + " -m immediate stop"
	if s.runAs != "" {
		stop = "runuser -u " + s.runAs + " -- " + stop
	}
	script := fmt.Sprintf(`read _; if [ -f %s ]; then %s; fi; rm -rf %s`,
		shellQuote(filepath.Join(s.data, "postmaster.pid")), stop, shellQuote(s.dir))
	r, w, err := os.Pipe() // close-on-exec: no other child inherits w
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: postgres: watchdog pipe (the server may outlive a crashed test binary): %v\n", err)
		return
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = "/"
	cmd.Stdin = r
	// No stdout/stderr: an inherited pipe would keep go test waiting.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		fmt.Fprintf(os.Stderr, "dbtest: postgres: start watchdog (the server may outlive a crashed test binary): %v\n", err)
		return
	}
	s.watchdog, s.watchdogPipe = cmd.Process, w
}

// stopServer stops the server if it was started and removes its directory.
func stopServer() error {
	serverMu.Lock()
	s := server
	serverMu.Unlock()
	if s == nil || s.dir == "" {
		return nil
	}
	var errs []error
	if s.admin != nil {
		s.admin.Close()
	}
	if s.started {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if out, err := s.run(ctx, false, s.pgCtl, "-D", s.data, "-m", "immediate", "stop"); err != nil {
			errs = append(errs, fmt.Errorf("dbtest: postgres: pg_ctl stop -D %s: %v\n%s", s.data, err, tail(out, 20)))
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		errs = append(errs, fmt.Errorf("dbtest: postgres: remove %s: %w", s.dir, err))
	}
	if s.watchdog != nil {
		s.watchdog.Kill()
		s.watchdog.Wait()
		s.watchdogPipe.Close()
	}
	return errors.Join(errs...)
}

// findBinaries finds initdb and pg_ctl: on PATH, else in the highest version
// under /usr/lib/postgresql (where Debian installs them, off PATH).
func findBinaries() (initdb, pgCtl string, err error) {
	if i, err := exec.LookPath("initdb"); err == nil {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			return resolve(i), resolve(p), nil
		}
		if p := filepath.Join(filepath.Dir(resolve(i)), "pg_ctl"); isExecutable(p) {
			return resolve(i), p, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(a, b int) bool { return pgVersion(matches[a]) > pgVersion(matches[b]) })
	for _, i := range matches {
		if p := filepath.Join(filepath.Dir(i), "pg_ctl"); isExecutable(i) && isExecutable(p) {
			return i, p, nil
		}
	}
	return "", "", errors.New("initdb not found")
}

// pgVersion reads the version out of /usr/lib/postgresql/<version>/bin/initdb.
func pgVersion(initdb string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(initdb))), 64)
	return v
}

// resolve follows symbolic links, so that the programs run by user postgres
// do not depend on this process's PATH.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		if a, err := filepath.Abs(r); err == nil {
			return a
		}
	}
	return p
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// chownTree gives a freshly created directory tree to uid:gid.
func chownTree(root string, uid, gid int) error {
	return filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
