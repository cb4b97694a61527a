package inventory_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, u := authStore(t, db)
		ctx := context.Background()
		pepper := []byte("a pepper for the tests, 32 bytes")
		expires := clk.now().Add(24 * time.Hour)
		tok, text, err := s.CreateToken(ctx, pepper, u.ID, inventory.TokenInput{Description: "nightly export",
			ExpiresAt: &expires, AllowedIPs: []string{"10.1.0.0/16", "192.168.5.7"}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(text, "hr_"+tok.Key+".") || tok.WriteEnabled {
			t.Fatalf("token %q, %+v", text, tok)
		}
		got, who, err := s.AuthToken(ctx, pepper, text, "10.1.2.3")
		if err != nil || who.ID != u.ID || got.LastUsedAt == nil {
			t.Fatalf("good token: %v %v %v", got, who, err)
		}
		first := *got.LastUsedAt
		clk.add(30 * time.Second)
		if again, _, _ := s.AuthToken(ctx, pepper, text, "192.168.5.7"); !again.LastUsedAt.Equal(first) {
			t.Errorf("last_used_at rewritten within a minute: %v, then %v", first, again.LastUsedAt)
		}
		clk.add(31 * time.Second)
		if again, _, _ := s.AuthToken(ctx, pepper, text, "10.1.9.9"); again.LastUsedAt == nil || !again.LastUsedAt.After(first) {
			t.Errorf("last_used_at not written after a minute: %v", again.LastUsedAt)
		}
		key, secret, _ := strings.Cut(strings.TrimPrefix(text, "hr_"), ".")
		for _, tc := range []struct {
			name, raw, ip string
			pepper        []byte
			want          error
		}{
			{"other address", text, "10.2.0.1", pepper, inventory.ErrTokenAddress},
			{"garbage address", text, "not-an-ip", pepper, inventory.ErrTokenAddress},
			{"wrong secret", "hr_" + key + "." + strings.ToUpper(secret), "10.1.0.1", pepper, inventory.ErrBadToken},
			{"unknown key", "hr_0123456789abcdef." + secret, "10.1.0.1", pepper, inventory.ErrBadToken},
			{"other pepper", text, "10.1.0.1", []byte("another pepper, also 32 bytes.."), inventory.ErrBadToken},
			{"no prefix", strings.TrimPrefix(text, "hr_"), "10.1.0.1", pepper, inventory.ErrBadToken},
			{"empty", "", "10.1.0.1", pepper, inventory.ErrBadToken},
		} {
			if _, _, err := s.AuthToken(ctx, tc.pepper, tc.raw, tc.ip); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		clk.add(24 * time.Hour)
		if _, _, err := s.AuthToken(ctx, pepper, text, "10.1.0.1"); !errors.Is(err, inventory.ErrBadToken) {
			t.Errorf("expired token: %v", err)
		}

		t.Run("disabled user", func(t *testing.T) {
			_, live, err := s.CreateToken(ctx, pepper, u.ID, inventory.TokenInput{WriteEnabled: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.AuthToken(ctx, pepper, live, "10.9.9.9"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateUser(ctx, u.ID, func(e *inventory.UserEdit) error { e.Status = "disabled"; return nil }); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.AuthToken(ctx, pepper, live, "10.9.9.9"); !errors.Is(err, inventory.ErrBadToken) {
				t.Errorf("token of a disabled user: %v", err)
			}
		})

		t.Run("revoke", func(t *testing.T) {
			if err := s.RevokeToken(ctx, tok.ID, u.ID+1); !errors.Is(err, inventory.ErrNotFound) {
				t.Errorf("revoke by another owner: %v", err)
			}
			if err := s.RevokeToken(ctx, tok.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.TokenByKey(ctx, tok.Key); !errors.Is(err, inventory.ErrNotFound) {
				t.Errorf("revoked token still listed: %v", err)
			}
		})

		t.Run("bad input", func(t *testing.T) {
			past := clk.now().Add(-time.Hour)
			for _, in := range []inventory.TokenInput{{AllowedIPs: []string{"10.0.0.0/33"}}, {AllowedIPs: []string{"example.org"}},
				{ExpiresAt: &past}, {Description: strings.Repeat("x", 201)}} {
				var ve *inventory.ValidationError
				if _, _, err := s.CreateToken(ctx, pepper, u.ID, in); !errors.As(err, &ve) {
					t.Errorf("%+v: %v, want a validation error", in, err)
				}
			}
		})
	})
}

func TestUsersStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, _, u := authStore(t, db)
		ctx := context.Background()
		_, _, err := s.CreateUser(ctx, inventory.UserInput{Username: "zHaNg", Role: inventory.RoleAuditor, Password: goodPassword + "x"})
		var ce *inventory.ConflictError
		if !errors.As(err, &ce) || ce.Field != "username" {
			t.Errorf("same name in another case: %v", err)
		}
		for _, tc := range []struct {
			name  string
			in    inventory.UserInput
			field string
		}{
			{"unit staff without unit", inventory.UserInput{Username: "li", Role: inventory.RoleUnitStaff}, "unit_id"},
			{"unknown role", inventory.UserInput{Username: "li", Role: "root"}, "role"},
			{"bad name", inventory.UserInput{Username: "li wei", Role: inventory.RoleAuditor}, "username"},
			{"short password", inventory.UserInput{Username: "li", Role: inventory.RoleAuditor, Password: "Ab1!short"}, "password"},
			{"password with name", inventory.UserInput{Username: "liwei", Role: inventory.RoleAuditor, Password: "LiWei-2026-xyz"}, "password"},
			{"unknown unit", inventory.UserInput{Username: "li", Role: inventory.RoleUnitStaff, UnitID: ptr(int64(999))}, "unit_id"},
		} {
			var ve *inventory.ValidationError
			if _, _, err := s.CreateUser(ctx, tc.in); !errors.As(err, &ve) || ve.Fields[tc.field] == "" {
				t.Errorf("%s: %v, want a message for %s", tc.name, err, tc.field)
			}
		}
		// A generated password must be changed; one given is the user's own.
		gen, pw, err := s.CreateUser(ctx, inventory.UserInput{Username: "wang", Role: inventory.RolePlanner})
		if err != nil || !gen.MustChangePassword || len(pw) < 10 {
			t.Fatalf("generated: %+v %q %v", gen, pw, err)
		}
		if u.MustChangePassword {
			t.Errorf("a user with their own password must change it: %+v", u)
		}
		// Changing the password clears the requirement and keeps one session.
		ns, _, err := s.SignIn(ctx, "wang", pw, here)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ChangePassword(ctx, gen.ID, "wrong", goodPassword, ns.ID); err == nil {
			t.Error("changed with a wrong current password")
		}
		if err := s.ChangePassword(ctx, gen.ID, pw, goodPassword, ns.ID); err != nil {
			t.Fatal(err)
		}
		if after, _ := s.User(ctx, gen.ID); after.MustChangePassword {
			t.Error("must_change_password still set after the change")
		}
		if _, _, _, err := s.Session(ctx, ns.Cookie); err != nil {
			t.Errorf("the session that changed the password ended: %v", err)
		}
		// A user the audit log names is disabled, not deleted.
		if _, err := s.CreateUnit(inventory.WithActor(ctx, "wang"), inventory.UnitInput{Code: "X1", Name: "x", Kind: "other"}); err != nil {
			t.Fatal(err)
		}
		deleted, err := s.DeleteUser(ctx, gen.ID)
		if after, _ := s.User(ctx, gen.ID); err != nil || deleted || after.Status != "disabled" {
			t.Errorf("delete of a user the audit names: deleted=%v status=%s %v", deleted, after.Status, err)
		}
		other, _, err := s.CreateUser(ctx, inventory.UserInput{Username: "zhao", Role: inventory.RoleAuditor})
		if err != nil {
			t.Fatal(err)
		}
		if deleted, err := s.DeleteUser(ctx, other.ID); err != nil || !deleted {
			t.Errorf("delete of a user with no changes: %v %v", deleted, err)
		}
	})
}

// A token revoked by another process (here a second store on the same
// database) stops working within the cache's 10 seconds.
func TestTokenRevokedElsewhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, u := authStore(t, db)
		ctx := context.Background()
		pepper := []byte("a pepper for the tests, 32 bytes")
		tok, text, err := s.CreateToken(ctx, pepper, u.ID, inventory.TokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AuthToken(ctx, pepper, text, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		other, err := inventory.Open(ctx, db.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if err := other.RevokeToken(ctx, tok.ID, 0); err != nil {
			t.Fatal(err)
		}
		clk.add(9 * time.Second)
		if _, _, err := s.AuthToken(ctx, pepper, text, "10.0.0.1"); err != nil {
			t.Logf("refused at once (no cached entry): %v", err)
		}
		clk.add(time.Second)
		if _, _, err := s.AuthToken(ctx, pepper, text, "10.0.0.1"); !errors.Is(err, inventory.ErrBadToken) {
			t.Fatalf("10 s after a revocation elsewhere: %v", err)
		}
	})
}
