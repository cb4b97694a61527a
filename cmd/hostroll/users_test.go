package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func runCLIIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb syncBuffer
	code = runIn(t.Context(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserAndTokenCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "h.db")
	if code, _, stderr := runCLI(t, "demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	cases := []struct {
		name, stdin string
		args        []string
		code        int
		stdout      string
		stderr      string
	}{
		{"add with a generated password", "", []string{"user", "add", "wang", "--role", "planner", "--display-name", "王"}, 0, "password: ", ""},
		{"add unit staff", "Jishou-Jifang-88\n", []string{"user", "add", "li", "--role", "unit_staff", "--unit", "CZ", "--password-stdin"}, 0, "added user li", ""},
		{"add unit staff without unit", "", []string{"user", "add", "zhao", "--role", "unit_staff"}, 1, "", "unit_id"},
		{"add unknown unit", "", []string{"user", "add", "zhao", "--role", "unit_staff", "--unit", "NOPE"}, 1, "", `no unit has the code "NOPE"`},
		{"add a weak password", "password\n", []string{"user", "add", "zhao", "--role", "auditor", "--password-stdin"}, 1, "", "10 characters"},
		{"add twice", "", []string{"user", "add", "WANG", "--role", "auditor"}, 1, "", "already used"},
		{"add without a name", "", []string{"user", "add", "--role", "auditor"}, 2, "", "name the user"},
		{"set role", "", []string{"user", "set", "wang", "--role", "reviewer"}, 0, "role reviewer", ""},
		{"disable", "", []string{"user", "set", "wang", "--disable"}, 0, "disabled", ""},
		{"reset from stdin", "Fenghuang-Gucheng-7\n", []string{"user", "reset-password", "li", "--password-stdin"}, 0, "password of li set", ""},
		{"reset generated", "", []string{"user", "reset-password", "li"}, 0, "must be changed", ""},
		{"list", "", []string{"user", "list"}, 0, "demo_auditor", ""},
		{"unknown subcommand", "", []string{"user", "remove", "li"}, 2, "", "unknown subcommand"},
		{"token for nobody", "", []string{"token", "add", "nobody"}, 1, "", "not found"},
		{"token bad expiry", "", []string{"token", "add", "li", "--expires", "soon"}, 1, "", "--expires"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLIIn(t, tc.stdin, append(tc.args, "--db", db)...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
		})
	}
	code, stdout, stderr := runCLI(t, "token", "add", "li", "--write", "--expires", "90d", "--allow-ip", "10.0.0.0/8",
		"--description", "nightly", "--db", db)
	m := regexp.MustCompile(`^hr_([0-9a-f]{16})\.\S{43}\n$`).FindStringSubmatch(stdout)
	if code != 0 || m == nil || !strings.Contains(stderr, "read-write") {
		t.Fatalf("token add: %d %q %q", code, stdout, stderr)
	}
	if _, err := filepath.Glob(filepath.Join(dir, "hostroll.key")); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCLI(t, "token", "list", "--db", db)
	if code != 0 || !strings.Contains(stdout, m[1]) || !strings.Contains(stdout, "10.0.0.0/8") || strings.Contains(stdout, "hr_") {
		t.Fatalf("token list: %d\n%s", code, stdout)
	}
	if code, stdout, _ = runCLI(t, "token", "revoke", m[1], "--db", db); code != 0 || !strings.Contains(stdout, "revoked") {
		t.Fatalf("token revoke: %d %s", code, stdout)
	}
	if code, stdout, _ = runCLI(t, "token", "list", "--db", db); strings.Contains(stdout, m[1]) {
		t.Errorf("revoked token still listed:\n%s", stdout)
	}
}

// Sign-in settings that are not valid stop serve with one line.
func TestServeBadAuthSettings(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "h.db")
	for _, tc := range []struct{ key, value, want string }{
		{"HOSTROLL_SESSION_IDLE", "half an hour", "HOSTROLL_SESSION_IDLE"},
		{"HOSTROLL_LOCKOUT_ATTEMPTS", "0", "HOSTROLL_LOCKOUT_ATTEMPTS"},
		{"HOSTROLL_SECURE_COOKIES", "yes", "HOSTROLL_SECURE_COOKIES"},
		{"HOSTROLL_TOKEN_PEPPER", "short", "at least 16"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Setenv(tc.key, tc.value)
			code, _, stderr := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--db", db)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
		})
	}
}
