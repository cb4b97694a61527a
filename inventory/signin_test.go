package inventory_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/password"
)

// clock is a settable time for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const goodPassword = "Kaili-Jifang-2026"

// authStore is a store with a settable clock and one user, "zhang".
func authStore(t *testing.T, db dbtest.DB) (*inventory.Store, *clock, inventory.User) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.Store.SetClock(clk.now)
	db.Store.SetAuthConfig(inventory.AuthConfig{})
	u, _, err := db.Store.CreateUser(context.Background(), inventory.UserInput{Username: "Zhang", Role: inventory.RoleOperator, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	return db.Store, clk, u
}

var here = inventory.Client{IP: "10.1.2.3", UserAgent: "test"}

func TestSignInLockout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, _ := authStore(t, db)
		ctx := context.Background()
		for i := range 4 {
			if _, _, err := s.SignIn(ctx, "zhang", "wrong-"+goodPassword, here); !errors.Is(err, inventory.ErrSignIn) {
				t.Fatalf("failure %d: %v, want ErrSignIn", i+1, err)
			}
			clk.add(time.Minute)
		}
		// The fifth failure within 15 minutes locks the user.
		_, _, err := s.SignIn(ctx, "ZHANG", "wrong", here)
		var le *inventory.LockedError
		if !errors.As(err, &le) || !le.Until.Equal(clk.now().Add(15*time.Minute)) {
			t.Fatalf("fifth failure: %v, want locked for 15 minutes", err)
		}
		// Locked: even the right password is refused.
		clk.add(14 * time.Minute)
		if _, _, err := s.SignIn(ctx, "zhang", goodPassword, here); !errors.Is(err, inventory.ErrLocked) {
			t.Fatalf("right password while locked: %v", err)
		}
		clk.add(time.Minute)
		ns, u, err := s.SignIn(ctx, "zhang", goodPassword, here)
		if err != nil || u.Username != "Zhang" || ns.Cookie == "" {
			t.Fatalf("after the lock: %v %v", u, err)
		}
		if u.LockedUntil != nil {
			t.Errorf("locked_until still set after a good sign-in: %v", u.LockedUntil)
		}
		counts := auditCounts(t, s)
		// Five wrong passwords and one refusal while locked.
		if counts["sign_in_failed"] != 6 || counts["lockout"] != 1 || counts["sign_in"] != 1 {
			t.Errorf("session audit rows = %v", counts)
		}
	})
}

// Failures spread wider than the window never lock.
func TestSignInFailuresOutsideWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, _ := authStore(t, db)
		for i := range 8 {
			if _, _, err := s.SignIn(context.Background(), "zhang", "nope", here); !errors.Is(err, inventory.ErrSignIn) || errors.Is(err, inventory.ErrLocked) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			clk.add(4 * time.Minute)
		}
	})
}

func TestSignInUnknownAndDisabled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, _, u := authStore(t, db)
		ctx := context.Background()
		for _, name := range []string{"nobody", "", "\xff\xfe", strings.Repeat("x", 500)} {
			if _, _, err := s.SignIn(ctx, name, goodPassword, here); !errors.Is(err, inventory.ErrSignIn) {
				t.Errorf("unknown user %q: %v", name, err)
			}
		}
		if _, err := s.UpdateUser(ctx, u.ID, func(e *inventory.UserEdit) error { e.Status = "disabled"; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignIn(ctx, "zhang", goodPassword, here); !errors.Is(err, inventory.ErrSignIn) {
			t.Errorf("disabled user: %v", err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, _ := authStore(t, db)
		ctx := context.Background()
		ns, _, err := s.SignIn(ctx, "zhang", goodPassword, here)
		if err != nil {
			t.Fatal(err)
		}
		// Used every 29 minutes, the session lives until its 12 hours end.
		for elapsed := time.Duration(0); elapsed+29*time.Minute < 12*time.Hour; elapsed += 29 * time.Minute {
			clk.add(29 * time.Minute)
			if _, _, csrf, err := s.Session(ctx, ns.Cookie); err != nil || csrf != ns.CSRF {
				t.Fatalf("after %v: %v", elapsed+29*time.Minute, err)
			}
		}
		clk.add(29 * time.Minute) // past 12 h since sign-in
		if _, _, _, err := s.Session(ctx, ns.Cookie); !errors.Is(err, inventory.ErrNoSession) {
			t.Fatalf("past the absolute lifetime: %v", err)
		}

		idle, _, err := s.SignIn(ctx, "zhang", goodPassword, here)
		if err != nil {
			t.Fatal(err)
		}
		clk.add(30 * time.Minute)
		if _, _, _, err := s.Session(ctx, idle.Cookie); !errors.Is(err, inventory.ErrNoSession) {
			t.Fatalf("idle for 30 minutes: %v", err)
		}
		fresh, _, err := s.SignIn(ctx, "zhang", goodPassword, here)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"", "x", fresh.Cookie + "x", "1." + strings.Repeat("a", 43), strings.Replace(fresh.Cookie, ".", ".A", 1)} {
			if _, _, _, err := s.Session(ctx, bad); !errors.Is(err, inventory.ErrNoSession) {
				t.Errorf("cookie %q: %v", bad, err)
			}
		}
	})
}

// A new sign-in gets a new session; a role change, unit change, disabling or
// a password reset ends them all.
func TestSessionsEndOnChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, _, u := authStore(t, db)
		ctx := context.Background()
		unit, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "CZJ", Name: "财政局", Kind: "department"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name   string
			change func() error
		}{
			{"role", func() error {
				_, err := s.UpdateUser(ctx, u.ID, func(e *inventory.UserEdit) error { e.Role = inventory.RolePlanner; return nil })
				return err
			}},
			{"unit", func() error {
				_, err := s.UpdateUser(ctx, u.ID, func(e *inventory.UserEdit) error { e.UnitID = &unit.ID; return nil })
				return err
			}},
			{"password reset", func() error { _, err := s.SetPassword(ctx, u.ID, goodPassword, false); return err }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a, _, err := s.SignIn(ctx, "zhang", goodPassword, here)
				if err != nil {
					t.Fatal(err)
				}
				b, _, err := s.SignIn(ctx, "zhang", goodPassword, here)
				if err != nil || a.ID == b.ID || a.Cookie == b.Cookie {
					t.Fatalf("two sign-ins share a session: %v %v (%v)", a.ID, b.ID, err)
				}
				if err := tc.change(); err != nil {
					t.Fatal(err)
				}
				for _, ns := range []inventory.NewSession{a, b} {
					if _, _, _, err := s.Session(ctx, ns.Cookie); !errors.Is(err, inventory.ErrNoSession) {
						t.Errorf("session %d after a %s change: %v", ns.ID, tc.name, err)
					}
				}
			})
		}
	})
}

// Only hashes of session and token secrets are stored.
func TestSecretsNotStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, _, u := authStore(t, db)
		ctx := context.Background()
		ns, _, err := s.SignIn(ctx, "zhang", goodPassword, here)
		if err != nil {
			t.Fatal(err)
		}
		pepper := []byte("a pepper for the tests, 32 bytes")
		_, text, err := s.CreateToken(ctx, pepper, u.ID, inventory.TokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		_, sessionSecret, _ := strings.Cut(ns.Cookie, ".")
		_, tokenSecret, _ := strings.Cut(text, ".")
		dump := tableText(t, s, "sessions", "api_tokens", "users", "audit")
		for what, secret := range map[string]string{"session secret": sessionSecret, "token secret": tokenSecret,
			"CSRF token": ns.CSRF, "password": goodPassword} {
			if strings.Contains(dump, secret) {
				t.Errorf("the %s is stored in plain form", what)
			}
		}
		if !strings.Contains(dump, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Error("no argon2id PHC string with m=19456,t=2,p=1 in users")
		}
	})
}

// tableText reads every column of every row of the tables as text.
func tableText(t *testing.T, s *inventory.Store, tables ...string) string {
	t.Helper()
	var b strings.Builder
	for _, table := range tables {
		rows, err := s.DB().QueryxContext(context.Background(), "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					b.Write(x)
				case string:
					b.WriteString(x)
				}
				b.WriteByte('|')
			}
		}
		rows.Close()
	}
	return b.String()
}

func auditCounts(t *testing.T, s *inventory.Store) map[string]int {
	t.Helper()
	rows, _, err := s.Audit(context.Background(), inventory.ListParams{Limit: 1000, Filters: map[string]string{"entity": "session"}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Action]++
	}
	return out
}

// A hash made with other argon2id parameters is remade at the next sign-in.
func TestSignInRehash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, _, u := authStore(t, db)
		ctx := context.Background()
		old, err := password.NewHasher(password.Params{Memory: 1024, Time: 1, Threads: 1}).Hash(goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, s.DB().Rebind(`UPDATE users SET password_hash = ? WHERE id = ?`), old, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignIn(ctx, "zhang", goodPassword, here); err != nil {
			t.Fatalf("sign in with the old hash: %v", err)
		}
		var now string
		if err := s.DB().GetContext(ctx, &now, s.DB().Rebind(`SELECT password_hash FROM users WHERE id = ?`), u.ID); err != nil {
			t.Fatal(err)
		}
		if now == old || !strings.HasPrefix(now, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("hash after sign-in: %s", now)
		}
		if _, _, err := s.SignIn(ctx, "zhang", goodPassword, here); err != nil {
			t.Fatalf("sign in with the new hash: %v", err)
		}
	})
}
