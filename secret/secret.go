// Package secret keeps hostroll's secrets sealed at rest: SNMP communities and
// passphrases, the LDAP bind password, the API token pepper. They are encrypted
// with AES-256-GCM under one key kept in a file beside the database (0600),
// never in the database itself, so a copy of the database alone reveals none.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// KeySize is the length of the key in bytes (AES-256).
const KeySize = 32

// prefix marks a sealed value, so a value can be told from plain text and the
// format can change later: "v1:" + base64(nonce || ciphertext || tag).
const prefix = "v1:"

// ErrOpen means a sealed value could not be opened: another key, or a value
// that was changed.
var ErrOpen = errors.New("secret: cannot open the sealed value (another key, or a changed value)")

// Key is the secret key. It prints as [redacted].
type Key struct {
	raw  [KeySize]byte
	aead cipher.AEAD
}

// NewKey makes a key from KeySize bytes.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("secret: a key has %d bytes, not %d", KeySize, len(raw))
	}
	k := &Key{}
	copy(k.raw[:], raw)
	block, err := aes.NewCipher(k.raw[:])
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	if k.aead, err = cipher.NewGCM(block); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return k, nil
}

// Generate makes a new random key.
func Generate() (*Key, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("secret: random key: %w", err)
	}
	return NewKey(raw)
}

// String and GoString keep the key out of logs and error messages.
func (k *Key) String() string   { return "[redacted]" }
func (k *Key) GoString() string { return "[redacted]" }

// Seal encrypts plain. The empty string stays empty (nothing to hide).
func (k *Key) Seal(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	out := k.aead.Seal(nonce, nonce, []byte(plain), nil)
	return prefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal made. The empty string stays empty.
func (k *Key) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	if !IsSealed(sealed) {
		return "", errors.New("secret: the value is not sealed")
	}
	data, err := base64.RawStdEncoding.DecodeString(sealed[len(prefix):])
	n := k.aead.NonceSize()
	if err != nil || len(data) < n+k.aead.Overhead() {
		return "", ErrOpen
	}
	plain, err := k.aead.Open(nil, data[:n], data[n:], nil)
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// IsSealed reports whether v has the form Seal gives.
func IsSealed(v string) bool { return strings.HasPrefix(v, prefix) }

// Derive returns a 32-byte value for one purpose (e.g. "token-pepper"),
// derived from the key with HMAC-SHA256, so one key file serves every use
// without one use revealing another's value.
func (k *Key) Derive(purpose string) []byte {
	m := hmac.New(sha256.New, k.raw[:])
	m.Write([]byte("hostroll/" + purpose))
	return m.Sum(nil)
}

// Load reads a key file: the key in base64 on one line.
func Load(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key file: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != KeySize {
		return nil, fmt.Errorf("secret key file %s: want %d bytes in base64 on one line", path, KeySize)
	}
	return NewKey(raw)
}

// Write stores a key in a new file with mode 0600; an existing file is never
// overwritten.
func Write(path string, k *Key) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("secret key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(k.raw[:]) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("secret key file %s: %w", path, err)
	}
	return nil
}

// LoadOrCreate reads the key file, or creates it with a new key when it does
// not exist; created says which.
func LoadOrCreate(path string) (k *Key, created bool, err error) {
	k, err = Load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	if k, err = Generate(); err != nil {
		return nil, false, err
	}
	if err := Write(path, k); err != nil {
		if errors.Is(err, fs.ErrExist) { // another process made it first
			k, err = Load(path)
			return k, false, err
		}
		return nil, false, err
	}
	return k, true, nil
}
