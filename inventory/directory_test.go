package inventory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hostroll/directory"
	"hostroll/directory/slapdtest"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// directoryStore is a store that signs in with a real slapd, with the unit
// XXJ-01 the seed's users belong to.
func directoryStore(t *testing.T, db dbtest.DB, srv *slapdtest.Server) (*inventory.Store, int64) {
	t.Helper()
	dir, err := directory.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	db.Store.SetDirectory(dir)
	u, err := db.Store.CreateUnit(context.Background(), inventory.UnitInput{Code: "XXJ-01", Name: "州信息中心", Kind: "department"})
	if err != nil {
		t.Fatal(err)
	}
	return db.Store, u.ID
}

func TestDirectorySignIn(t *testing.T) {
	srv := slapdtest.Start(t)
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s, unitID := directoryStore(t, db, srv)
		ctx := context.Background()
		cases := []struct {
			name, user, password string
			role                 string
			unit                 bool
			err                  error
			message              string
		}{
			{"reviewer with unit from the attribute", "alice", slapdtest.Password, "reviewer", true, nil, ""},
			{"unit staff", "bob", slapdtest.Password, "unit_staff", true, nil, ""},
			{"admin without unit", "erin", slapdtest.Password, "admin", false, nil, ""},
			{"wrong password", "alice", "Wrong-Pass-2024x", "", false, inventory.ErrSignIn, ""},
			{"unknown user", "mallory", slapdtest.Password, "", false, inventory.ErrSignIn, ""},
			{"filter injection", "*)(uid=*", slapdtest.Password, "", false, inventory.ErrSignIn, ""},
			{"no mapped group", "carol", slapdtest.Password, "", false, inventory.ErrForbidden, "no group mapped"},
			{"unknown unit code", "dave", slapdtest.Password, "", false, inventory.ErrForbidden, `"NOPE-99"`},
		}
		for _, tc := range cases {
			ns, u, err := s.SignIn(ctx, tc.user, tc.password, here)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("%s: SignIn(%q): %v, want %v", tc.name, tc.user, err, tc.err)
			}
			if tc.message != "" && !strings.Contains(err.Error(), tc.message) {
				t.Errorf("%s: message %q lacks %q", tc.name, err.Error(), tc.message)
			}
			if err != nil {
				if _, err := s.UserByName(ctx, tc.user); !errors.Is(err, inventory.ErrNotFound) && tc.user != "alice" {
					t.Errorf("%s: a refused sign-in left user %q: %v", tc.name, tc.user, err)
				}
				continue
			}
			if ns.Cookie == "" || u.Source != "ldap" || u.Role != tc.role || (u.UnitID != nil) != tc.unit ||
				(tc.unit && *u.UnitID != unitID) || u.DisplayName == "" {
				t.Errorf("%s: user %+v", tc.name, u)
			}
		}
		// The directory user has no local password to set, nor one to sign
		// in with when directory sign-in is off.
		alice, _ := s.UserByName(ctx, "alice")
		s.SetDirectory(nil)
		for _, pw := range []string{"", slapdtest.Password} {
			if _, _, err := s.SignIn(ctx, "alice", pw, here); !errors.Is(err, inventory.ErrSignIn) {
				t.Errorf("directory user with directory sign-in off, password %q: %v", pw, err)
			}
		}
		if _, err := s.SetPassword(ctx, alice.ID, "Local-Pass-2024x", false); !errors.Is(err, inventory.ErrConflict) {
			t.Errorf("set a directory user's password: %v", err)
		}
		// The wrong password counted toward the lockout of the directory user.
		entries, _, err := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"action": "sign_in_failed"}, Limit: 50})
		if err != nil || !auditHas(entries, "wrong password") || !auditHas(entries, "not in a mapped group") {
			t.Errorf("failed sign-ins in the audit log: %v", err)
		}
		created, _, _ := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"entity": "user", "actor": "directory"}, Limit: 50})
		if len(created) != 3 {
			t.Errorf("%d user rows by the directory, want 3 (alice, bob, erin created)", len(created))
		}
	})
}

func auditHas(entries []inventory.AuditEntry, text string) bool {
	for _, e := range entries {
		if strings.Contains(string(e.After), text) {
			return true
		}
	}
	return false
}

// TestDirectoryGroupChange: a group change in the directory is picked up at
// the next sign-in, as an audit row, and ends the user's other sessions.
func TestDirectoryGroupChange(t *testing.T) {
	srv := slapdtest.Start(t)
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s, _ := directoryStore(t, db, srv)
		ctx := context.Background()
		first, u, err := s.SignIn(ctx, "bob", slapdtest.Password, here)
		if err != nil || u.Role != "unit_staff" {
			t.Fatalf("first sign-in: %+v %v", u, err)
		}
		change := func(op, group string) {
			const attr = "member"
			ldif := "dn: " + group + "\nchangetype: modify\n" + op + ": " + attr + "\n" + attr + ": uid=bob," + slapdtest.People + "\n"
			if err := srv.Modify(ldif); err != nil {
				t.Fatal(err)
			}
		}
		// Now in the reviewers' group too, listed before unit staff's: the
		// first listed wins.
		change("add", slapdtest.Reviewers)
		defer change("delete", slapdtest.Reviewers)
		_, u, err = s.SignIn(ctx, "bob", slapdtest.Password, here)
		if err != nil || u.Role != "reviewer" {
			t.Fatalf("sign-in after the change: %+v %v", u, err)
		}
		if _, _, _, err := s.Session(ctx, first.Cookie); !errors.Is(err, inventory.ErrNoSession) {
			t.Errorf("the session from before the role change still works: %v", err)
		}
		rows, _, err := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"entity": "user",
			"action": "update", "actor": "directory"}, Limit: 5})
		if err != nil || len(rows) != 1 || !strings.Contains(compact(rows[0].Before), `"role":"unit_staff"`) ||
			!strings.Contains(compact(rows[0].After), `"role":"reviewer"`) {
			t.Fatalf("audit of the role change: %v %+v", err, rows)
		}
	})
}

// TestLocalUserStaysLocal: a local user of the same name as a directory user
// signs in with the local password only (the first admin stays local).
func TestLocalUserStaysLocal(t *testing.T) {
	srv := slapdtest.Start(t)
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		s, _ := directoryStore(t, db, srv)
		ctx := context.Background()
		if _, _, err := s.CreateUser(ctx, inventory.UserInput{Username: "erin", Role: "operator", Password: goodPassword}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignIn(ctx, "erin", slapdtest.Password, here); !errors.Is(err, inventory.ErrSignIn) {
			t.Fatalf("directory password of a local user: %v", err)
		}
		if _, u, err := s.SignIn(ctx, "erin", goodPassword, here); err != nil || u.Source != "local" || u.Role != "operator" {
			t.Fatalf("local password: %+v %v", u, err)
		}
		srv.Kill() // the directory is down: local users still sign in
		if _, _, err := s.SignIn(ctx, "erin", goodPassword, here); err != nil {
			t.Fatalf("local sign-in with the directory down: %v", err)
		}
		if _, _, err := s.SignIn(ctx, "alice", slapdtest.Password, here); !errors.Is(err, inventory.ErrDirectoryDown) {
			t.Fatalf("directory sign-in with the directory down: %v", err)
		}
	})
}

// compact drops the spaces PostgreSQL's jsonb puts in a document.
func compact(j inventory.RawJSON) string { return strings.ReplaceAll(string(j), " ", "") }
