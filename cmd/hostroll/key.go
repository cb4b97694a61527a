package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"hostroll/inventory"
	"hostroll/secret"
)

// keyFileEnv names the file of the secret key that seals secrets at rest.
const keyFileEnv = "HOSTROLL_SECRET_KEY_FILE"

// loadKey finds the secret key of the database at dbURL: the file named by
// HOSTROLL_SECRET_KEY_FILE, else hostroll.key beside the SQLite file; either
// is made (0600) when it does not exist yet. PostgreSQL has no default file:
// without the variable it is an error that says what to set. created tells whether the
// file was made now; path is the file used ("" for an in-memory database).
func loadKey(dbURL string) (k *secret.Key, path string, created bool, err error) {
	t, err := inventory.ParseURL(dbURL)
	if err != nil {
		return nil, "", false, err
	}
	path = os.Getenv(keyFileEnv)
	switch {
	case path != "":
	case t.Dialect == inventory.Postgres:
		return nil, "", false, fmt.Errorf("%s is not set: with PostgreSQL set it to the secret key file every hostroll process shares, e.g. %s=/etc/hostroll/hostroll.key (made, 0600, at the first start if it does not exist)", keyFileEnv, keyFileEnv)
	case t.File == ":memory:":
		k, err = secret.Generate()
		return k, "", false, err
	default:
		path = filepath.Join(filepath.Dir(t.File), "hostroll.key")
	}
	k, created, err = secret.LoadOrCreate(path)
	if err != nil {
		return nil, "", false, fmt.Errorf("%w (set %s to the database's key file)", err, keyFileEnv)
	}
	return k, path, created, nil
}

// cmdRekey seals every secret again under a new key: it writes the new key
// to a new file first (never over an existing one), then reseals in one
// transaction; if that fails the new file is removed and nothing changed.
func cmdRekey(ctx context.Context, args []string, w streams) error {
	var cfg Config
	flags := newFlags("rekey", &cfg, w)
	newFile := flags.String("new-key-file", "", "write the new key to this file (it must not exist)")
	if err := parse(flags, args); err != nil {
		return err
	}
	if *newFile == "" {
		fmt.Fprintln(w.err, "hostroll rekey: --new-key-file FILE is required")
		return errUsage
	}
	exists := fmt.Errorf("%s already exists: rekey never overwrites a key file; name a new file", *newFile)
	if _, err := os.Lstat(*newFile); err == nil {
		return exists
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.CheckSecretKey(ctx); err != nil {
		return err
	}
	k, err := secret.Generate()
	if err != nil {
		return err
	}
	if err := secret.Write(*newFile, k); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return exists
		}
		return err
	}
	n, err := s.Rekey(ctx, k)
	if err != nil {
		os.Remove(*newFile)
		return fmt.Errorf("rekey: nothing changed: %w", err)
	}
	w.printf(w.out, "cli.rekey.done", n, inventory.KeyFingerprint(k), *newFile, keyFileEnv, *newFile)
	return nil
}

// tokenPepper is the key of the API tokens' HMAC: HOSTROLL_TOKEN_PEPPER,
// else derived from the secret key file (so a rekey changes it, unless
// HOSTROLL_TOKEN_PEPPER is set).
func tokenPepper(dbURL string) ([]byte, error) {
	if p := os.Getenv("HOSTROLL_TOKEN_PEPPER"); p != "" {
		if len(p) < 16 {
			return nil, fmt.Errorf("HOSTROLL_TOKEN_PEPPER must have at least 16 characters")
		}
		return []byte(p), nil
	}
	k, _, _, err := loadKey(dbURL)
	if err != nil {
		return nil, fmt.Errorf("token pepper: %w", err)
	}
	return k.Derive("token-pepper"), nil
}
