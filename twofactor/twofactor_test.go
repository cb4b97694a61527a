package twofactor_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"hostroll/twofactor"
)

func TestNew(t *testing.T) {
	e, err := twofactor.New("hostroll", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Secret) != 32 || !strings.HasPrefix(e.URL, "otpauth://totp/hostroll:alice?") ||
		!strings.Contains(e.URL, "secret="+e.Secret) {
		t.Fatalf("enrolment %q %q", e.Secret, e.URL)
	}
	img, err := png.Decode(bytes.NewReader(e.PNG))
	if err != nil || img.Bounds().Dx() != twofactor.QRSize {
		t.Fatalf("QR code: %v %v", err, img)
	}
	other, _ := twofactor.New("hostroll", "alice")
	if other.Secret == e.Secret {
		t.Fatal("two enrolments got the same secret")
	}
}

// TestMatch checks the window: the codes of the steps either side of now
// are accepted, two steps away are not, and a step at or before the last
// one used is not accepted again.
func TestMatch(t *testing.T) {
	e, _ := twofactor.New("hostroll", "bob")
	now := time.Date(2026, 11, 30, 3, 0, 15, 0, time.UTC) // the middle of a step
	cur := twofactor.Step(now)
	code := func(d time.Duration) string {
		c, err := twofactor.Code(e.Secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cases := []struct {
		name  string
		code  string
		after int64
		step  int64
		ok    bool
	}{
		{"current step", code(0), 0, cur, true},
		{"one step before", code(-twofactor.Period), 0, cur - 1, true},
		{"one step after", code(twofactor.Period), 0, cur + 1, true},
		{"two steps before", code(-2 * twofactor.Period), 0, 0, false},
		{"two steps after", code(2 * twofactor.Period), 0, 0, false},
		{"replayed", code(0), cur, 0, false},
		{"older than the last used", code(-twofactor.Period), cur, 0, false},
		{"later than the last used", code(twofactor.Period), cur, cur + 1, true},
		{"spaces", code(0)[:3] + " " + code(0)[3:], 0, cur, true},
		{"letters", "12a456", 0, 0, false},
		{"too short", "12345", 0, 0, false},
		{"empty", "", 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			step, ok := twofactor.Match(e.Secret, tc.code, now, tc.after)
			if ok != tc.ok || (ok && step != tc.step) {
				t.Fatalf("Match(%q, after %d) = %d, %v; want %d, %v", tc.code, tc.after, step, ok, tc.step, tc.ok)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := twofactor.RecoveryCodes(twofactor.RecoveryCount)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 19 || strings.Count(c, "-") != 3 || !twofactor.LooksLikeRecovery(c) || seen[c] {
			t.Fatalf("recovery code %q", c)
		}
		seen[c] = true
	}
	c := codes[0]
	if h := twofactor.HashRecovery(c); h != twofactor.HashRecovery(strings.ToUpper(strings.ReplaceAll(c, "-", ""))) ||
		h == twofactor.HashRecovery(codes[1]) || strings.Contains(h, strings.ReplaceAll(c, "-", "")) {
		t.Fatalf("hash of %q: %s", c, h)
	}
	if twofactor.LooksLikeRecovery("123456") {
		t.Fatal("a TOTP code taken for a recovery code")
	}
}
