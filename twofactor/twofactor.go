// Package twofactor is the TOTP second factor (RFC 6238: 30 s steps, 6
// digits, SHA-1, one step either side) and its one-time recovery codes. It
// keeps nothing: the store seals the secret, remembers the last step used and
// keeps the recovery codes' hashes.
package twofactor

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const (
	// Period is the length of one time step.
	Period = 30 * time.Second
	// Skew is how many steps before and after the current one are accepted.
	Skew = 1
	// RecoveryCount is how many recovery codes an enrolment gets.
	RecoveryCount = 10
	// QRSize is the width and height of the QR code image, in pixels.
	QRSize = 220
)

var opts = totp.ValidateOpts{Period: uint(Period / time.Second), Skew: 0, Digits: otp.DigitsSix,
	Algorithm: otp.AlgorithmSHA1}

// Enrolment is a new secret and what an authenticator app reads it from.
type Enrolment struct {
	Secret string // base32, for typing in by hand
	URL    string // otpauth://totp/…
	PNG    []byte // the URL as a QR code
}

// New makes a secret for account at issuer ("hostroll").
func New(issuer, account string) (Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account,
		Period: opts.Period, Digits: opts.Digits, Algorithm: opts.Algorithm, SecretSize: 20})
	if err != nil {
		return Enrolment{}, fmt.Errorf("twofactor: generate: %w", err)
	}
	img, err := key.Image(QRSize, QRSize)
	if err != nil {
		return Enrolment{}, fmt.Errorf("twofactor: QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("twofactor: QR code: %w", err)
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), PNG: buf.Bytes()}, nil
}

// Step is the number of the time step t falls in.
func Step(t time.Time) int64 { return t.Unix() / int64(Period/time.Second) }

// Code is the code of secret at time t (tests, and nothing else, need it).
func Code(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, opts)
}

// Match reports the step whose code code is, among the steps around now,
// and whether there is one later than after (the last step used: a code is
// accepted once). A code that is not six digits matches nothing.
func Match(secret, code string, now time.Time, after int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	cur := Step(now)
	found, ok := int64(0), false
	for s := cur - Skew; s <= cur+Skew; s++ { // every step, so the time spent says nothing
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*int64(Period/time.Second), 0), opts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && s > after {
			found, ok = s, true
		}
	}
	return found, ok
}

// RecoveryCodes makes n one-time codes, "xxxx-xxxx-xxxx-xxxx" (80 random
// bits each, base32 in lower case).
func RecoveryCodes(n int) []string {
	out := make([]string, n)
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for i := range out {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			panic("twofactor: crypto/rand failed: " + err.Error())
		}
		s := strings.ToLower(enc.EncodeToString(b))
		out[i] = s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
	}
	return out
}

// HashRecovery is what is stored of a recovery code: the SHA-256 of the code
// without dashes or spaces, in lower case, so a code typed in capitals or
// without its dashes still matches.
func HashRecovery(code string) string {
	norm := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("hostroll/recovery:" + norm))
	return hex.EncodeToString(sum[:])
}

// LooksLikeRecovery tells a recovery code from a TOTP code.
func LooksLikeRecovery(code string) bool {
	return len(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code))) == 16
}
