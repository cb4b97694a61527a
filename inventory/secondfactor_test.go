package inventory_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/secret"
	"hostroll/twofactor"
)

// enrolled is a user with a confirmed second factor: its secret and
// recovery codes.
func enrolled(t *testing.T, s *inventory.Store, clk *clock, u inventory.User) (string, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := s.EnrolTOTP(ctx, u.ID)
	if err != nil || len(e.PNG) == 0 || !strings.HasPrefix(e.URL, "otpauth://totp/") {
		t.Fatalf("enrol: %v %+v", err, e.URL)
	}
	if _, err := s.ConfirmTOTP(ctx, u.ID, "000000", 0); !errors.As(err, new(*inventory.ValidationError)) {
		t.Fatalf("confirm with a wrong code: %v", err)
	}
	code, _ := twofactor.Code(e.Secret, clk.now())
	codes, err := s.ConfirmTOTP(ctx, u.ID, code, 0)
	if err != nil || len(codes) != twofactor.RecoveryCount {
		t.Fatalf("confirm: %v %v", err, codes)
	}
	clk.add(twofactor.Period) // the confirming code's step is used
	return e.Secret, codes
}

func TestTOTPEnrol(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, u := authStore(t, db)
		ctx := context.Background()
		sec, _ := enrolled(t, s, clk, u)
		var stored string
		if err := s.DB().Get(&stored, `SELECT secret FROM user_totp`); err != nil {
			t.Fatal(err)
		}
		if !secret.IsSealed(stored) || strings.Contains(stored, sec) {
			t.Fatalf("the TOTP secret is not sealed at rest: %q", stored)
		}
		var hashes []string
		if err := s.DB().Select(&hashes, `SELECT code_hash FROM user_recovery_codes`); err != nil || len(hashes) != 10 {
			t.Fatalf("recovery codes stored: %d %v", len(hashes), err)
		}
		st, err := s.TOTP(ctx, u.ID)
		if err != nil || !st.Enabled || st.RecoveryCodesLeft != 10 {
			t.Fatalf("status %+v %v", st, err)
		}
		if got, _ := s.User(ctx, u.ID); !got.TOTPEnabled {
			t.Error("user does not show totp_enabled")
		}
		if _, err := s.EnrolTOTP(ctx, u.ID); !errors.Is(err, inventory.ErrConflict) {
			t.Errorf("a second enrolment over a confirmed one: %v", err)
		}
		if err := s.ResetTOTP(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.TOTP(ctx, u.ID); st.Enabled || st.RecoveryCodesLeft != 0 {
			t.Fatalf("after reset: %+v", st)
		}
		rows, _, _ := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"entity": "user", "entity_id": strconv.FormatInt(u.ID, 10)}, Limit: 10})
		if !auditHas(rows, "enrolled") || !auditHas(rows, "reset") || !auditHas(rows, "enrolment started") {
			t.Errorf("audit of enrolment and reset: %+v", rows)
		}
		// Signing in again needs no code.
		if ns, _, err := s.SignIn(ctx, "zhang", goodPassword, here); err != nil || ns.SecondFactorPending {
			t.Fatalf("sign-in after reset: pending %v, %v", ns.SecondFactorPending, err)
		}
	})
}

// TestTOTPSignIn: with a second factor the password opens a session that
// waits for the code; the codes of the steps either side of now are
// accepted, each once.
func TestTOTPSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, u := authStore(t, db)
		ctx := context.Background()
		sec, _ := enrolled(t, s, clk, u)
		signIn := func() inventory.NewSession {
			t.Helper()
			ns, _, err := s.SignIn(ctx, "zhang", goodPassword, here)
			if err != nil || !ns.SecondFactorPending || ns.ExpiresAt.Sub(clk.now()) != 5*time.Minute {
				t.Fatalf("password step: %+v %v", ns.Session, err)
			}
			return ns
		}
		codeAt := func(d time.Duration) string {
			c, _ := twofactor.Code(sec, clk.now().Add(d))
			return c
		}
		clk.add(10 * twofactor.Period)
		ns := signIn()
		if err := s.SecondFactor(ctx, u.ID, ns.ID, codeAt(-2*twofactor.Period), here); !errors.Is(err, inventory.ErrSecondFactor) {
			t.Fatalf("code two steps old: %v", err)
		}
		early := codeAt(-twofactor.Period)
		if err := s.SecondFactor(ctx, u.ID, ns.ID, early, here); err != nil {
			t.Fatalf("code one step old (window edge): %v", err)
		}
		sess, _, _, err := s.Session(ctx, ns.Cookie)
		if err != nil || sess.SecondFactorPending || sess.ExpiresAt.Sub(clk.now()) != 12*time.Hour {
			t.Fatalf("completed session: %+v %v", sess, err)
		}
		if err := s.SecondFactor(ctx, u.ID, ns.ID, codeAt(0), here); !errors.Is(err, inventory.ErrConflict) {
			t.Fatalf("a second code for a completed session: %v", err)
		}
		ns = signIn()
		if err := s.SecondFactor(ctx, u.ID, ns.ID, early, here); !errors.Is(err, inventory.ErrSecondFactor) {
			t.Fatalf("replayed code: %v", err)
		}
		late := codeAt(twofactor.Period)
		if err := s.SecondFactor(ctx, u.ID, ns.ID, late, here); err != nil {
			t.Fatalf("code one step ahead (window edge): %v", err)
		}
		ns = signIn()
		if err := s.SecondFactor(ctx, u.ID, ns.ID, codeAt(0), here); !errors.Is(err, inventory.ErrSecondFactor) {
			t.Fatalf("code of a step before the last used: %v", err)
		}
	})
}

func TestRecoveryCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, u := authStore(t, db)
		ctx := context.Background()
		_, codes := enrolled(t, s, clk, u)
		ns, _, _ := s.SignIn(ctx, "zhang", goodPassword, here)
		if err := s.SecondFactor(ctx, u.ID, ns.ID, strings.ToUpper(codes[3]), here); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		ns, _, _ = s.SignIn(ctx, "zhang", goodPassword, here)
		if err := s.SecondFactor(ctx, u.ID, ns.ID, codes[3], here); !errors.Is(err, inventory.ErrSecondFactor) {
			t.Fatalf("recovery code used twice: %v", err)
		}
		if st, _ := s.TOTP(ctx, u.ID); st.RecoveryCodesLeft != 9 {
			t.Fatalf("%d recovery codes left, want 9", st.RecoveryCodesLeft)
		}
		rows, _, _ := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"action": "sign_in"}, Limit: 10})
		if !auditHas(rows, "recovery_code") {
			t.Error("no audit row of the recovery code's use")
		}
	})
}

// TestSecondFactorLockout: wrong codes count toward the lockout; at the
// limit the waiting session ends.
func TestSecondFactorLockout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, clk, u := authStore(t, db)
		ctx := context.Background()
		sec, _ := enrolled(t, s, clk, u)
		ns, _, _ := s.SignIn(ctx, "zhang", goodPassword, here)
		for i := range 4 {
			if err := s.SecondFactor(ctx, u.ID, ns.ID, "123456", here); !errors.Is(err, inventory.ErrSecondFactor) {
				t.Fatalf("wrong code %d: %v", i+1, err)
			}
		}
		if err := s.SecondFactor(ctx, u.ID, ns.ID, "654321", here); !errors.Is(err, inventory.ErrLocked) {
			t.Fatalf("fifth wrong code: %v", err)
		}
		if _, _, _, err := s.Session(ctx, ns.Cookie); !errors.Is(err, inventory.ErrNoSession) {
			t.Fatalf("the waiting session outlived the lockout: %v", err)
		}
		good, _ := twofactor.Code(sec, clk.now())
		if _, _, err := s.SignIn(ctx, "zhang", goodPassword, here); !errors.Is(err, inventory.ErrLocked) {
			t.Fatalf("sign-in while locked: %v (code %s)", err, good)
		}
	})
}
