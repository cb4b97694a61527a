package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"hostroll/inventory"
	"hostroll/secret"
)

// keyFile is where the secret key lives: HOSTROLL_SECRET_KEY_FILE, else
// hostroll.key beside the SQLite file. PostgreSQL has no file to sit beside,
// so there it must be set.
func keyFile(dbURL string) (string, error) {
	if p := os.Getenv("HOSTROLL_SECRET_KEY_FILE"); p != "" {
		return p, nil
	}
	t, err := inventory.ParseURL(dbURL)
	if err != nil {
		return "", err
	}
	if t.Dialect != inventory.SQLite {
		return "", fmt.Errorf("HOSTROLL_SECRET_KEY_FILE is not set: with PostgreSQL the secret key file must be named (it is created 0600 at the first start)")
	}
	_, rest, _ := strings.Cut(dbURL, "://")
	file, _, _ := strings.Cut(rest, "?")
	if file == ":memory:" {
		return "", fmt.Errorf("HOSTROLL_SECRET_KEY_FILE is not set and an in-memory database has no directory to keep hostroll.key in")
	}
	return filepath.Join(filepath.Dir(filepath.Clean(file)), "hostroll.key"), nil
}

// loadKey reads the secret key file, creating it at the first start.
func loadKey(dbURL string) (*secret.Key, error) {
	path, err := keyFile(dbURL)
	if err != nil {
		return nil, err
	}
	k, _, err := secret.LoadOrCreate(path)
	return k, err
}

// tokenPepper is the key of the API tokens' HMAC: HOSTROLL_TOKEN_PEPPER,
// else derived from the secret key file.
func tokenPepper(dbURL string) ([]byte, error) {
	if p := os.Getenv("HOSTROLL_TOKEN_PEPPER"); p != "" {
		if len(p) < 16 {
			return nil, fmt.Errorf("HOSTROLL_TOKEN_PEPPER must have at least 16 characters")
		}
		return []byte(p), nil
	}
	k, err := loadKey(dbURL)
	if err != nil {
		return nil, fmt.Errorf("token pepper: %w", err)
	}
	return k.Derive("token-pepper"), nil
}
