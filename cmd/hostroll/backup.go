package main

import (
	"context"
	"errors"
	"fmt"

	"hostroll/inventory"
)

// cmdBackup copies a SQLite database while serve keeps running (VACUUM
// INTO); PostgreSQL is pg_dump's job: it says so and exits 2.
func cmdBackup(ctx context.Context, args []string, w streams) error {
	var cfg Config
	fs := newFlags("backup", &cfg, w)
	to := fs.String("to", "", "write the copy to this file (it must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(w.err, "hostroll backup: --to FILE is required")
		return errUsage
	}
	t, err := inventory.ParseURL(cfg.DB)
	if err != nil {
		return err
	}
	if t.Dialect == inventory.Postgres {
		return &exitError{code: 2, msg: "backup copies SQLite databases only; back up PostgreSQL with pg_dump, e.g. " +
			"pg_dump --format=custom --file=hostroll.dump 'DATABASE_URL' (and keep the secret key file " + keyFileEnv + " with it)"}
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.BackupTo(ctx, *to); err != nil {
		if errors.Is(err, inventory.ErrBackupUnsupported) {
			return &exitError{code: 2, msg: err.Error()}
		}
		return err
	}
	_, keyFile, _, _ := loadKey(cfg.DB)
	fmt.Fprintf(w.out, "wrote a consistent copy of %s to %s\n", inventory.Redact(cfg.DB), *to)
	fmt.Fprintf(w.err, "the copy does not hold the secret key file %s: back it up separately (apart from the copy); "+
		"without it the SNMP, LDAP and TOTP secrets in the copy cannot be opened\n", keyFile)
	return nil
}
