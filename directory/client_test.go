package directory_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"hostroll/directory"
	"hostroll/directory/slapdtest"
	"hostroll/inventory"
)

func newClient(t *testing.T, cfg directory.Config) *directory.Client {
	t.Helper()
	c, err := directory.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAuthenticate signs in against a real slapd: the password is checked by
// a bind as the user, the role is the first mapped group's, the unit code
// comes from the attribute, groups come from member and uniqueMember.
func TestAuthenticate(t *testing.T) {
	srv := slapdtest.Start(t)
	c := newClient(t, srv.Config())
	ctx := context.Background()
	cases := []struct {
		name, user, password string
		role, unit           string
		err                  error
	}{
		{"reviewer by member", "alice", slapdtest.Password, "reviewer", "XXJ-01", nil},
		{"unit staff by uniqueMember", "bob", slapdtest.Password, "unit_staff", "XXJ-01", nil},
		{"admin without unit", "erin", slapdtest.Password, "admin", "", nil},
		{"name in other case", "ALICE", slapdtest.Password, "reviewer", "XXJ-01", nil},
		{"wrong password", "alice", "not-the-password", "", "", inventory.ErrSignIn},
		{"empty password", "alice", "", "", "", inventory.ErrSignIn},
		{"unknown user", "mallory", slapdtest.Password, "", "", inventory.ErrSignIn},
		{"filter injection", "*)(uid=*", slapdtest.Password, "", "", inventory.ErrSignIn},
		{"wildcard", "*", slapdtest.Password, "", "", inventory.ErrSignIn},
		{"injection with a real name", "alice)(|(uid=*", slapdtest.Password, "", "", inventory.ErrSignIn},
		{"no mapped group", "carol", slapdtest.Password, "", "XXJ-01", inventory.ErrForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			du, err := c.Authenticate(ctx, tc.user, tc.password)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("Authenticate(%q): %v, want %v", tc.user, err, tc.err)
			}
			if err != nil {
				return
			}
			if du.Role != tc.role || du.UnitCode != tc.unit || !strings.HasPrefix(du.DN, "uid=") {
				t.Fatalf("Authenticate(%q) = %+v, want role %s unit %q", tc.user, du, tc.role, tc.unit)
			}
		})
	}
}

// TestFirstMappedGroupWins: alice is in the reviewers' group and in a
// group mapped to planner listed before it.
func TestFirstMappedGroupWins(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := srv.Config()
	cfg.GroupRoles = append([]directory.GroupRole{{Role: "planner", GroupDN: "CN=Canteen, ou=Groups," + slapdtest.Base}}, cfg.GroupRoles...)
	du, err := newClient(t, cfg).Lookup(context.Background(), "alice")
	if err != nil || du.Role != "planner" || !slices.Contains(du.Groups, slapdtest.Reviewers) {
		t.Fatalf("Lookup: %+v %v", du, err)
	}
}

// TestMemberOf reads the groups from the memberOf the directory keeps
// (slapd's memberof overlay) when no group base is set.
func TestMemberOf(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := srv.Config()
	cfg.GroupBase = ""
	du, err := newClient(t, cfg).Authenticate(context.Background(), "alice", slapdtest.Password)
	if err != nil || du.Role != "reviewer" {
		t.Fatalf("Authenticate by memberOf: %+v %v", du, err)
	}
}

// TestServiceAccount: without the service account the directory lets
// nobody search (its ACL), which is the directory being unusable, not a
// wrong password.
func TestServiceAccount(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := srv.Config()
	cfg.BindPassword = "wrong"
	_, err := newClient(t, cfg).Authenticate(context.Background(), "alice", slapdtest.Password)
	if !errors.Is(err, inventory.ErrDirectoryDown) || !strings.Contains(err.Error(), "service account") {
		t.Fatalf("wrong service password: %v", err)
	}
}

// TestStartTLS upgrades ldap:// with StartTLS, trusting the test CA; without
// that CA the certificate is refused.
func TestStartTLS(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := srv.Config()
	cfg.StartTLS, cfg.CAFile = true, srv.CAFile
	if du, err := newClient(t, cfg).Authenticate(context.Background(), "bob", slapdtest.Password); err != nil || du.Role != "unit_staff" {
		t.Fatalf("StartTLS with the test CA: %+v %v", du, err)
	}
	cfg.CAFile = ""
	if _, err := newClient(t, cfg).Authenticate(context.Background(), "bob", slapdtest.Password); !errors.Is(err, inventory.ErrDirectoryDown) ||
		!strings.Contains(err.Error(), "StartTLS") {
		t.Fatalf("StartTLS without the test CA: %v", err)
	}
}

// TestLDAPS signs in over ldaps:// trusting the test CA; without it the
// certificate is refused.
func TestLDAPS(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := srv.Config()
	cfg.URL, cfg.CAFile = srv.TLSURL, srv.CAFile
	if du, err := newClient(t, cfg).Authenticate(context.Background(), "alice", slapdtest.Password); err != nil || du.Role != "reviewer" {
		t.Fatalf("ldaps with the test CA: %+v %v", du, err)
	}
	cfg.CAFile = ""
	if _, err := newClient(t, cfg).Authenticate(context.Background(), "alice", slapdtest.Password); !errors.Is(err, inventory.ErrDirectoryDown) {
		t.Fatalf("ldaps without the test CA: %v", err)
	}
}

// TestDirectoryDown: a killed directory is refused at once, a hung one
// after the timeout; both are ErrDirectoryDown, never a hang.
func TestDirectoryDown(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := srv.Config()
	cfg.Timeout = 2 * time.Second
	c := newClient(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a generous bound, not a measurement
	defer cancel()
	tlsCfg := cfg
	tlsCfg.StartTLS, tlsCfg.CAFile = true, srv.CAFile
	ldapsCfg := cfg
	ldapsCfg.URL, ldapsCfg.CAFile = srv.TLSURL, srv.CAFile
	srv.Freeze()
	for name, cl := range map[string]*directory.Client{"plain": c, "StartTLS": newClient(t, tlsCfg), "ldaps": newClient(t, ldapsCfg)} {
		if _, err := cl.Authenticate(ctx, "alice", slapdtest.Password); !errors.Is(err, inventory.ErrDirectoryDown) || ctx.Err() != nil {
			t.Errorf("hung directory, %s: %v (ctx %v)", name, err, ctx.Err())
		}
	}
	srv.Thaw()
	srv.Kill()
	if _, err := c.Authenticate(ctx, "alice", slapdtest.Password); !errors.Is(err, inventory.ErrDirectoryDown) || ctx.Err() != nil {
		t.Fatalf("killed directory: %v", err)
	}
}

func TestParseGroupRoles(t *testing.T) {
	got, err := directory.ParseGroupRoles("reviewer=cn=hostroll-reviewers,ou=groups,dc=xx,dc=gov,dc=cn; unit_staff=cn=u,dc=xx;")
	if err != nil || len(got) != 2 || got[0].Role != "reviewer" || got[0].GroupDN != "cn=hostroll-reviewers,ou=groups,dc=xx,dc=gov,dc=cn" ||
		got[1].Role != "unit_staff" {
		t.Fatalf("ParseGroupRoles: %+v %v", got, err)
	}
	for _, bad := range []string{"reviewer", "boss=cn=x,dc=y", "reviewer=", "reviewer=not a dn"} {
		if _, err := directory.ParseGroupRoles(bad); err == nil {
			t.Errorf("ParseGroupRoles(%q) accepted", bad)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if _, ok, err := directory.FromEnv(get, nil); ok || err != nil {
		t.Fatalf("no URL: ok %v, %v", ok, err)
	}
	env["HOSTROLL_LDAP_URL"] = "ldap://127.0.0.1:389"
	if _, _, err := directory.FromEnv(get, nil); err == nil || !strings.Contains(err.Error(), "HOSTROLL_LDAP_USER_BASE") {
		t.Fatalf("no user base: %v", err)
	}
	env["HOSTROLL_LDAP_USER_BASE"] = "ou=people,dc=xx"
	env["HOSTROLL_LDAP_GROUP_ROLES"] = "admin=cn=a,dc=xx"
	env["HOSTROLL_LDAP_BIND_PASSWORD"] = "v1:sealed"
	cfg, ok, err := directory.FromEnv(get, func(s string) (string, error) { return "opened " + s, nil })
	if !ok || err != nil || cfg.UserFilter != directory.DefaultUserFilter || cfg.BindPassword.Reveal() != "opened v1:sealed" ||
		cfg.Timeout != directory.DefaultTimeout {
		t.Fatalf("FromEnv: %+v %v %v", cfg, ok, err)
	}
	env["HOSTROLL_LDAP_USER_FILTER"] = "(sAMAccountName=%s"
	if _, _, err := directory.FromEnv(get, nil); err == nil {
		t.Fatal("a broken filter was accepted")
	}
	env["HOSTROLL_LDAP_USER_FILTER"] = ""
	env["HOSTROLL_LDAP_STARTTLS"] = "1"
	env["HOSTROLL_LDAP_URL"] = "ldaps://127.0.0.1"
	if _, _, err := directory.FromEnv(get, nil); err == nil {
		t.Fatal("StartTLS over ldaps:// was accepted")
	}
}
