package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hostroll/directory/slapdtest"
)

// TestLDAPTest runs "hostroll ldap test" against a real slapd, with the
// configuration from the environment as serve reads it.
func TestLDAPTest(t *testing.T) {
	srv := slapdtest.Start(t)
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "h.db")
	if code, _, stderr := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	if code, _, stderr := runCLI(t, "ldap", "test", "alice", "--db", db); code != 2 || !strings.Contains(stderr, "HOSTROLL_LDAP_URL is not set") {
		t.Fatalf("without configuration: %d %s", code, stderr)
	}
	env := map[string]string{
		"HOSTROLL_LDAP_URL": srv.URL, "HOSTROLL_LDAP_STARTTLS": "1", "HOSTROLL_LDAP_CA_FILE": srv.CAFile,
		"HOSTROLL_LDAP_BIND_DN": slapdtest.ServiceDN, "HOSTROLL_LDAP_USER_BASE": slapdtest.People,
		"HOSTROLL_LDAP_GROUP_BASE": slapdtest.Groups, "HOSTROLL_LDAP_UNIT_ATTR": "departmentNumber",
		"HOSTROLL_LDAP_GROUP_ROLES": "reviewer=" + slapdtest.Reviewers + ";unit_staff=" + slapdtest.UnitStaff,
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	// The bind password sealed with the database's key, as an operator
	// would keep it in the service's environment.
	code, sealed, stderr := runCLIIn(t, slapdtest.ServicePW+"\n", "ldap", "seal-password", "--db", db)
	if code != 0 || !strings.HasPrefix(sealed, "v1:") || strings.Contains(sealed, slapdtest.ServicePW) {
		t.Fatalf("seal-password: %d %q %s", code, sealed, stderr)
	}
	t.Setenv("HOSTROLL_LDAP_BIND_PASSWORD", strings.TrimSpace(sealed))
	cases := []struct {
		name, user string
		code       int
		out, err   []string
	}{
		{"reviewer", "alice", 0, []string{"dn:     uid=alice," + slapdtest.People, "role:   reviewer", "unit:   XXJ-01", slapdtest.Others}, nil},
		{"unit staff", "bob", 0, []string{"role:   unit_staff", slapdtest.UnitStaff}, nil},
		{"no mapped group", "carol", 1, []string{"role:   (none"}, []string{"no group of HOSTROLL_LDAP_GROUP_ROLES"}},
		{"unknown", "mallory", 1, nil, []string{"no such user in the directory"}},
		{"injection", "*)(uid=*", 1, nil, []string{"no such user"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "ldap", "test", tc.user, "--db", db)
			ok := code == tc.code && !slices.ContainsFunc(tc.out, func(s string) bool { return !strings.Contains(stdout, s) }) &&
				!slices.ContainsFunc(tc.err, func(s string) bool { return !strings.Contains(stderr, s) })
			if !ok {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
		})
	}
	t.Setenv("HOSTROLL_LDAP_GROUP_ROLES", "boss=cn=x")
	if code, _, stderr := runCLI(t, "ldap", "test", "alice", "--db", db); code != 2 || !strings.Contains(stderr, `unknown role "boss"`) {
		t.Fatalf("bad role mapping: %d %s", code, stderr)
	}
}

func TestResetTwoFactorCommand(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "h.db")
	if code, _, stderr := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	if code, _, stderr := runCLI(t, "user", "add", "wu", "--role", "admin", "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := runCLI(t, "user", "reset-2fa", "wu", "--db", db)
	if code != 0 || !strings.Contains(stdout, "second factor of wu removed") {
		t.Fatalf("reset-2fa: %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "user", "reset-2fa", "nobody", "--db", db); code != 1 || !strings.Contains(stderr, "not found") {
		t.Fatalf("reset-2fa of nobody: %d %s", code, stderr)
	}
}

func TestSecondFactorRoles(t *testing.T) {
	cases := []struct {
		env  string
		want []string
		bad  bool
	}{
		{"", []string{"admin"}, false},
		{"none", []string{}, false},
		{"admin, auditor", []string{"admin", "auditor"}, false},
		{"admin,boss", nil, true},
	}
	for _, tc := range cases {
		t.Setenv("HOSTROLL_2FA_ROLES", tc.env)
		got, err := secondFactorRoles()
		if (err != nil) != tc.bad || !slices.Equal(got, tc.want) {
			t.Errorf("HOSTROLL_2FA_ROLES=%q: %v %v", tc.env, got, err)
		}
	}
}
