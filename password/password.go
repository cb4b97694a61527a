// Package password hashes passwords with argon2id (PHC strings), checks them
// against hostroll's password rules and makes random ones. It needs no
// database: the store keeps the hashes it returns.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// Default is what new hashes use: 19 MiB, 2 passes, 1 thread (OWASP's
// argon2id minimum).
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// Hasher hashes and verifies passwords, at most two at a time: each hash takes
// Memory KiB, so a burst of sign-ins cannot exhaust the server's memory.
type Hasher struct {
	params Params
	sem    chan struct{}
}

// NewHasher returns a hasher that makes hashes with p.
func NewHasher(p Params) *Hasher {
	return &Hasher{params: p, sem: make(chan struct{}, 2)}
}

// Params returns the parameters of new hashes.
func (h *Hasher) Params() Params { return h.params }

func (h *Hasher) key(pw string, salt []byte, p Params) []byte {
	h.sem <- struct{}{}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
}

// Hash returns the PHC string of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func (h *Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	p := h.params
	sum := h.key(pw, salt, p)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// ErrFormat means a stored hash is not an argon2id PHC string.
var ErrFormat = errors.New("password: not an argon2id PHC string")

// Verify reports whether pw matches the PHC string, and whether the hash
// should be remade because it was made with other parameters.
func (h *Hasher) Verify(phc, pw string) (ok, rehash bool, err error) {
	p, salt, sum, err := parse(phc)
	if err != nil {
		return false, false, err
	}
	got := h.key(pw, salt, p)
	ok = subtle.ConstantTimeCompare(got, sum) == 1
	return ok, ok && p != h.params, nil
}

// Dummy spends the time of one verification, so an unknown user takes as long
// to refuse as a wrong password.
func (h *Hasher) Dummy(pw string) {
	h.key(pw, make([]byte, saltLen), h.params)
}

func parse(phc string) (p Params, salt, sum []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, ErrFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, ErrFormat
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, ErrFormat
	}
	if sum, err = b64.DecodeString(parts[5]); err != nil || len(sum) == 0 {
		return p, nil, nil, ErrFormat
	}
	return p, salt, sum, nil
}

// Generate returns a random password of 16 characters that passes Check:
// letters of both cases and digits, without look-alikes (0/O, 1/l/I).
func Generate() string {
	const (
		lower  = "abcdefghijkmnpqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
		all    = lower + upper + digits
	)
	for {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			panic("password: crypto/rand failed: " + err.Error())
		}
		for i := range b {
			b[i] = all[int(b[i])%len(all)]
		}
		s := string(b)
		if strings.ContainsAny(s, lower) && strings.ContainsAny(s, upper) && strings.ContainsAny(s, digits) {
			return s
		}
	}
}
