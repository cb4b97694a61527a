package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"hostroll/inventory/dbtest"
)

// TestMain runs the commands in English, the language the tests read; the
// Chinese output has its own golden files (check --lang zh).
func TestMain(m *testing.M) {
	os.Setenv("HOSTROLL_LANG", "en")
	dbtest.Main(m)
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb syncBuffer
	code = run(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "h.db")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"no command", nil, 2, "", "usage: hostroll"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, 0, "hostroll ", ""},
		{"migrate a new database", []string{"migrate", "--db", db}, 0, "applied migrations 1", ""},
		{"migrate again", []string{"migrate", "--db", db}, 0, "schema is current at version", ""},
		{"demo", []string{"demo", "--db", db}, 0, "loaded the demo data set", ""},
		{"demo twice", []string{"demo", "--db", db}, 1, "", "only into an empty database"},
		{"bad flag", []string{"migrate", "--bogus"}, 2, "", "flag provided but not defined"},
		{"stray argument", []string{"migrate", "extra"}, 2, "", `unexpected argument "extra"`},
		{"bad acceptance grace days", []string{"serve", "--db", db, "--acceptance-grace-days", "0"}, 2, "", "from 1 to 3650"},
		{"bad check schedule", []string{"serve", "--db", db, "--check-schedule", "nightly"}, 2, "", `check schedule "nightly"`},
		{"check: bad acceptance grace days", []string{"check", "--db", db, "--acceptance-grace-days", "x"}, 2, "", "from 1 to 3650"},
		{"bad compliance setting", []string{"serve", "--db", db, "--compliance-require-observed", "maybe"}, 2, "", "must be on or off"},
		{"bad cost-overrun percent", []string{"serve", "--db", db, "--cost-overrun-percent", "0"}, 2, "", "from 1 to 1000"},
		{"cost-overrun percent not a number", []string{"check", "--db", db, "--cost-overrun-high-percent", "x"}, 2, "", `not "x"`},
		{"cost-overrun high below medium", []string{"check", "--db", db, "--cost-overrun-percent", "30",
			"--cost-overrun-high-percent", "20"}, 2, "", "must not be below"},
		{"malformed database URL", []string{"migrate", "--db", "mysql://u:pw@h/db"}, 1, "", `unknown scheme "mysql"`},
		{"unreachable database", []string{"migrate", "--db", "postgres://u:pw@127.0.0.1:1/db?connect_timeout=2"}, 1, "", "cannot reach database"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if code == 1 {
				// One clear line, no stack trace, no password.
				if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || strings.Contains(stderr, ":pw@") {
					t.Errorf("want one redacted line on stderr, got:\n%s", stderr)
				}
			}
		})
	}
}

var addrRe = regexp.MustCompile(`msg=serving addr=(\S+)`)

// TestServe starts the real server on both dialects, asks it for its health
// and the demo data, and stops it as SIGINT would. HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED=off
// reaches the compliance check.
func TestServe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Setenv("HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED", "off")
		t.Setenv("HOSTROLL_SECRET_KEY_FILE", filepath.Join(t.TempDir(), "hostroll.key"))
		ctx, cancel := context.WithCancel(t.Context())
		var out, errb syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db.URL, "--demo"}, &out, &errb)
		}()
		var addr string
		for deadline := time.Now().Add(30 * time.Second); addr == "" && time.Now().Before(deadline); {
			if m := addrRe.FindStringSubmatch(errb.String()); m != nil {
				addr = m[1]
			} else {
				time.Sleep(20 * time.Millisecond)
			}
		}
		if addr == "" {
			cancel()
			t.Fatalf("server did not start:\n%s", errb.String())
		}
		var health struct {
			Status, Dialect string
			SchemaVersion   int `json:"schema_version"`
		}
		getJSON(t, "http://"+addr+"/api/v1/health", &health)
		if health.Status != "ok" || health.Dialect != db.Name || health.SchemaVersion < 1 {
			t.Errorf("health: %+v", health)
		}
		// The first start printed admin's password in one line, and the
		// demo users' passwords.
		logs := errb.String()
		adminLine := regexp.MustCompile(`(?m)^hostroll: first start: created user admin with password (\S+) `).FindStringSubmatch(logs)
		operator := regexp.MustCompile(`demo user demo_operator\s+role operator\s+password (\S+)`).FindStringSubmatch(logs)
		if adminLine == nil || operator == nil {
			t.Fatalf("no admin or demo password printed:\n%s", logs)
		}
		if resp, err := http.Get("http://" + addr + "/api/v1/units"); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("units without credentials: %v %v", resp.Status, err)
		}
		cookie := signInCookie(t, addr, "admin", adminLine[1])
		var me struct {
			MustChange   bool   `json:"must_change_password"`
			SecondFactor string `json:"second_factor"`
			Source       string `json:"source"`
		}
		getJSONWith(t, "http://"+addr+"/api/v1/me", cookie, &me)
		if !me.MustChange {
			t.Error("the first admin need not change the printed password")
		}
		if me.SecondFactor != "enrolment_required" || me.Source != "local" {
			t.Errorf("the first admin (local, HOSTROLL_2FA_ROLES unset = admin): %+v", me)
		}
		var units struct{ Total int }
		getJSONWith(t, "http://"+addr+"/api/v1/units", signInCookie(t, addr, "demo_operator", operator[1]), &units)
		if units.Total == 0 {
			t.Error("--demo loaded no units")
		}
		var compliance struct {
			RequireObserved *bool `json:"require_observed"`
		}
		getJSONWith(t, "http://"+addr+"/api/v1/projects/1/compliance", signInCookie(t, addr, "demo_operator", operator[1]), &compliance)
		if compliance.RequireObserved == nil || *compliance.RequireObserved {
			t.Errorf("HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED=off: require_observed %v", compliance.RequireObserved)
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("serve exited %d:\n%s", code, errb.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop after the signal")
		}
		if !strings.Contains(errb.String(), "shutting down") {
			t.Errorf("no shutdown in the log:\n%s", errb.String())
		}
	})
}

// signInCookie signs in with POST /api/v1/session and returns the cookie.
func signInCookie(t *testing.T, addr, user, pw string) *http.Cookie {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	resp, err := http.Post("http://"+addr+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "hostroll_session" && resp.StatusCode == http.StatusOK {
			return c
		}
	}
	t.Fatalf("sign in as %s: %s", user, resp.Status)
	return nil
}

func getJSONWith(t *testing.T, url string, cookie *http.Cookie, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.AddCookie(cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestOnlySomeCommandsCreate: check, poll and collect on a missing SQLite
// file or a database without the schema exit 1 with one line saying what to
// run, and create nothing; serve --demo on a database with data says so.
func TestOnlySomeCommandsCreate(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.db")
	bare := filepath.Join(dir, "bare.db")
	raw, err := sql.Open("sqlite", bare)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE other (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for _, tc := range []struct {
		name, file, says string
		args             []string
	}{
		{"check, missing file", typo, "does not exist; create it with: hostroll migrate", []string{"check", "--fail-on", "high"}},
		{"poll, missing file", typo, "does not exist", []string{"poll"}},
		{"collect, missing file", typo, "does not exist", []string{"collect"}},
		{"check, no schema", bare, "has no hostroll schema; set it up with: hostroll migrate", []string{"check"}},
		{"poll, no schema", bare, "has no hostroll schema", []string{"poll"}},
		{"user list, missing file", typo, "does not exist", []string{"user", "list"}},
		{"user add, missing file", typo, "does not exist", []string{"user", "add", "wang", "--role", "reviewer"}},
		{"token list, missing file", typo, "does not exist", []string{"token", "list"}},
		{"audit verify, missing file", typo, "does not exist", []string{"audit", "verify"}},
		{"rekey, missing file", typo, "does not exist", []string{"rekey", "--new-key-file", filepath.Join(dir, "new.key")}},
		{"user list, no schema", bare, "has no hostroll schema", []string{"user", "list"}},
		{"audit verify, no schema", bare, "has no hostroll schema", []string{"audit", "verify"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append(tc.args, "--db", "sqlite://"+tc.file)...)
			if code != 1 || !strings.Contains(stderr, tc.says) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stdout != "" {
				t.Errorf("exit %d (want 1)\nstdout: %s\nstderr: %s\nwant one line saying %q", code, stdout, stderr, tc.says)
			}
		})
	}
	if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused command created %s (%v)", typo, err)
	}
}

// TestServeDemoOnData: serve --demo on a database with data says on stderr,
// in one line, that it did not load the demo.
func TestServeDemoOnData(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "d.db")
	if code, _, stderr := runCLI(t, "demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo", "--poll-schedule", "off"}, &out, &errb)
	}()
	for !addrRe.MatchString(errb.String()) {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	<-done
	const want = "hostroll: --demo: the database already has data, so the demo data set was not loaded\n"
	if !strings.Contains(errb.String(), want) {
		t.Errorf("stderr does not have the line %q:\n%s", want, errb.String())
	}
}
