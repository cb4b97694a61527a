package inventory

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"hostroll/secret"
)

// ErrSecretKey means the store's secret key cannot seal or open the
// database's secrets: none was given, or it is not the key they were sealed
// with. errors.Is(err, ErrConflict) holds too, so the API answers 409.
var ErrSecretKey = errors.New("secret key")

// SecretKeyError says, in one line, what is wrong with the key and what to set.
type SecretKeyError struct {
	Message string
	msg     Msg
}

// secretKeyError is a SecretKeyError with the catalog message key and args.
func secretKeyError(key string, args ...any) *SecretKeyError {
	m := M(key, args...)
	return &SecretKeyError{Message: m.Text("en"), msg: m}
}

func (e *SecretKeyError) Error() string { return e.Message }

// Is makes errors.Is hold for ErrSecretKey.
func (e *SecretKeyError) Is(target error) bool { return target == ErrSecretKey }

// Unwrap makes it a ConflictError too (errors.As, errors.Is ErrConflict): a
// write or a poll refused for the state of the store, never a server fault.
func (e *SecretKeyError) Unwrap() error {
	m := e.msg
	if m.Key == "" {
		return &ConflictError{Message: e.Message}
	}
	return &ConflictError{Message: e.Message, msg: &m}
}

// sealedColumns are the columns of one table that hold sealed secrets.
type sealedColumns struct {
	table string
	cols  []string
}

// sealedSecrets lists every secret the database keeps, sealed under the key.
// SealSecrets and Rekey walk this list, so a new secret column needs only its
// line here (and sealing where it is written):
//   - the TOTP secrets of the second factor (user_totp.secret);
//   - the LDAP bind password of the directory sign-in is not stored: it is
//     read from the environment (HOSTROLL_LDAP_BIND_PASSWORD), where it may
//     be a value sealed with this key ("hostroll ldap seal-password");
//   - the API token pepper is not stored: it is derived from the key
//     (Key.Derive("token-pepper")), so a rekey changes it.
var sealedSecrets = []sealedColumns{
	{table: "snmp_profiles", cols: []string{"community", "auth_passphrase", "priv_passphrase"}},
	{table: "user_totp", cols: []string{"secret"}},
}

// keyCheckPlain is what the check row seals; only the right key opens it.
const keyCheckPlain = "hostroll secret key check"

// SetSecretKey gives the store the key that seals and opens secrets at rest.
// Call it before Migrate, which seals secrets still stored in plain text.
func (s *Store) SetSecretKey(k *secret.Key) { s.key = k }

// KeyFingerprint names a key without revealing it: 12 hex digits derived
// from it.
func KeyFingerprint(k *secret.Key) string { return hex.EncodeToString(k.Derive("fingerprint")[:6]) }

type keyCheckRow struct {
	Fingerprint string `db:"fingerprint"`
	Sealed      string `db:"sealed"`
}

// checkKey tells whether k is the key the database's secrets are sealed
// with. found is false when nothing was ever sealed in this database.
func checkKey(ctx context.Context, q querier, k *secret.Key) (found bool, err error) {
	var row keyCheckRow
	err = q.GetContext(ctx, &row, `SELECT fingerprint, sealed FROM secret_key_check WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbErr(err, "read the secret key check")
	}
	if k == nil {
		return true, secretKeyError("err.secret.no_key", row.Fingerprint)
	}
	if plain, err := k.Open(row.Sealed); err != nil || plain != keyCheckPlain {
		return true, secretKeyError("err.secret.wrong_key", KeyFingerprint(k), row.Fingerprint)
	}
	return true, nil
}

// CheckSecretKey reports whether the store's key opens the database's
// secrets (nil also when none is sealed yet). The collector asks before it
// polls: with a wrong or missing key it polls nothing.
func (s *Store) CheckSecretKey(ctx context.Context) error {
	_, err := checkKey(ctx, s.db, s.key)
	return err
}

// sealKey returns the key to seal with in this transaction, registering it as
// the database's key when nothing was sealed before.
func (tx *txn) sealKey() (*secret.Key, error) {
	if tx.key == nil {
		return nil, secretKeyError("err.secret.no_key_seal")
	}
	found, err := checkKey(tx.ctx, tx, tx.key)
	if err != nil || found {
		return tx.key, err
	}
	sealed, err := tx.key.Seal(keyCheckPlain)
	if err != nil {
		return nil, err
	}
	err = tx.exec(`INSERT INTO secret_key_check (id, fingerprint, sealed) VALUES (1, ?, ?)`, KeyFingerprint(tx.key), sealed)
	return tx.key, dbErr(err, "register the secret key")
}

// openSecret opens a stored secret; a value stored before sealing existed is
// still plain text and is used as it is.
func openSecret(k *secret.Key, v Secret) (Secret, error) {
	if !secret.IsSealed(string(v)) {
		return v, nil
	}
	if k == nil {
		return "", secretKeyError("err.secret.no_key_open")
	}
	plain, err := k.Open(string(v))
	if err != nil {
		return "", secretKeyError("err.secret.does_not_open", KeyFingerprint(k))
	}
	return Secret(plain), nil
}

// openTargets opens the secrets of the profiles of poll targets, after
// checking the key once.
func (s *Store) openTargets(ctx context.Context, q querier, ts []PollTarget) error {
	if len(ts) == 0 {
		return nil
	}
	if _, err := checkKey(ctx, q, s.key); err != nil {
		return err
	}
	for i := range ts {
		if err := ts[i].Profile.open(s.key); err != nil {
			return err
		}
	}
	return nil
}

// open replaces the profile's sealed secrets by their plain text.
func (p *SNMPProfile) open(k *secret.Key) error {
	for _, v := range []*Secret{&p.Community, &p.AuthPassphrase, &p.PrivPassphrase} {
		plain, err := openSecret(k, *v)
		if err != nil {
			return fmt.Errorf("inventory: SNMP profile %d (%s): %w", p.ID, p.Name, err)
		}
		*v = plain
	}
	return nil
}

// sealedRow is one row of a table in sealedSecrets: its id and its values in
// the order of cols.
type sealedRow struct {
	id   int64
	vals []string
}

func (tx *txn) sealedRows(sc sealedColumns) ([]sealedRow, error) {
	rows, err := tx.QueryContext(tx.ctx, "SELECT id, "+strings.Join(sc.cols, ", ")+" FROM "+sc.table+" ORDER BY id")
	if err != nil {
		return nil, dbErr(err, "read the secrets of "+sc.table)
	}
	defer rows.Close()
	var out []sealedRow
	for rows.Next() {
		r := sealedRow{vals: make([]string, len(sc.cols))}
		dest := []any{&r.id}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, dbErr(err, "read the secrets of "+sc.table)
		}
		out = append(out, r)
	}
	return out, dbErr(rows.Err(), "read the secrets of "+sc.table)
}

// reseal rewrites every secret of every table in sealedSecrets with conv and
// returns the ids of the rows it changed, by table.
func (tx *txn) reseal(conv func(table string, id int64, v string) (string, bool, error)) (map[string][]int64, error) {
	changed := map[string][]int64{}
	for _, sc := range sealedSecrets {
		rows, err := tx.sealedRows(sc)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			vals, dirty := make([]any, 0, len(r.vals)+1), false
			for _, v := range r.vals {
				nv, ch, err := conv(sc.table, r.id, v)
				if err != nil {
					return nil, err
				}
				dirty = dirty || ch
				vals = append(vals, nv)
			}
			if !dirty {
				continue
			}
			set := strings.Join(sc.cols, " = ?, ") + " = ?"
			if err := tx.exec("UPDATE "+sc.table+" SET "+set+" WHERE id = ?", append(vals, r.id)...); err != nil {
				return nil, dbErr(err, fmt.Sprintf("reseal %s %d", sc.table, r.id))
			}
			changed[sc.table] = append(changed[sc.table], r.id)
		}
	}
	return changed, nil
}

// hasPlainSecrets tells whether any secret is still stored in plain text.
func (s *Store) hasPlainSecrets(ctx context.Context) (bool, error) {
	for _, sc := range sealedSecrets {
		var cond []string
		for _, c := range sc.cols {
			cond = append(cond, fmt.Sprintf("(%s <> '' AND %s NOT LIKE 'v1:%%')", c, c))
		}
		ok, err := exists(ctx, s.db, "SELECT 1 FROM "+sc.table+" WHERE "+strings.Join(cond, " OR ")+" LIMIT 1")
		if err != nil {
			return false, dbErr(err, "look for plain secrets in "+sc.table)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// SealSecrets seals the secrets still stored in plain text (written before
// sealing existed) with the store's key, in one transaction recorded as one
// audit row (entity secret_key) that lists the rows sealed. It returns how
// many rows it sealed; none when there is no key or nothing plain. Migrate
// runs it, so it runs at every start and is idempotent.
func (s *Store) SealSecrets(ctx context.Context) (int, error) {
	if s.key == nil {
		return 0, nil
	}
	plain, err := s.hasPlainSecrets(ctx)
	if err != nil || !plain {
		return 0, err
	}
	n := 0
	err = s.inTx(ctx, func(tx *txn) error {
		k, err := tx.sealKey()
		if err != nil {
			return err
		}
		changed, err := tx.reseal(func(_ string, _ int64, v string) (string, bool, error) {
			if v == "" || secret.IsSealed(v) {
				return v, false, nil
			}
			sealed, err := k.Seal(v)
			return sealed, err == nil, err
		})
		if err != nil {
			return err
		}
		for _, ids := range changed {
			n += len(ids)
		}
		return tx.audit("update", "secret_key", 1, nil, keyAudit{Fingerprint: KeyFingerprint(k), Sealed: changed})
	})
	if err != nil {
		return 0, err
	}
	return n, s.dropOldPages(ctx)
}

// dropOldPages empties SQLite's write-ahead log after secrets were sealed, so
// the page images it kept from before (plain text) leave the disk too; the
// freed space in the database file itself is zeroed by secure_delete. On
// PostgreSQL old row versions go with VACUUM (docs/auditor.md).
func (s *Store) dropOldPages(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return dbErr(err, "checkpoint the write-ahead log")
}

// keyAudit is what the audit log records of a sealing or a rekey.
type keyAudit struct {
	Fingerprint string             `json:"fingerprint"`
	Sealed      map[string][]int64 `json:"sealed"`
}

// Rekey seals every secret again under newKey, in one transaction, and makes
// newKey the store's key. The old key must be the store's key and open them.
// It returns how many rows were resealed. The caller keeps newKey safe first
// (hostroll rekey writes its file before calling this). Rekey swaps the
// store's key: call it when nothing else uses this Store (the CLI); other
// processes must restart with the new key file.
func (s *Store) Rekey(ctx context.Context, newKey *secret.Key) (int, error) {
	if newKey == nil {
		return 0, errors.New("inventory: rekey: no new key")
	}
	n := 0
	err := s.inTx(ctx, func(tx *txn) error {
		old, err := tx.sealKey()
		if err != nil {
			return err
		}
		changed, err := tx.reseal(func(table string, id int64, v string) (string, bool, error) {
			if v == "" {
				return v, false, nil
			}
			plain, err := openSecret(old, Secret(v))
			if err != nil {
				return "", false, fmt.Errorf("inventory: rekey: %s %d: %w", table, id, err)
			}
			sealed, err := newKey.Seal(string(plain))
			return sealed, err == nil, err
		})
		if err != nil {
			return err
		}
		for _, ids := range changed {
			n += len(ids)
		}
		check, err := newKey.Seal(keyCheckPlain)
		if err != nil {
			return err
		}
		if err := tx.exec(`UPDATE secret_key_check SET fingerprint = ?, sealed = ? WHERE id = 1`, KeyFingerprint(newKey), check); err != nil {
			return dbErr(err, "register the new secret key")
		}
		return tx.audit("update", "secret_key", 1, keyAudit{Fingerprint: KeyFingerprint(old)},
			keyAudit{Fingerprint: KeyFingerprint(newKey), Sealed: changed})
	})
	if err != nil {
		return 0, err
	}
	s.key = newKey
	return n, s.dropOldPages(ctx)
}

// openStored prepares a profile's secrets for a write: a secret the
// patch left as stored (sealed) is opened, so validation sees the plain text,
// and then args seals them all again.
func (in *SNMPProfileInput) openStored(k *secret.Key, old *SNMPProfile) error {
	if old == nil {
		return nil
	}
	pairs := []struct{ in, old *Secret }{
		{&in.Community, &old.Community}, {&in.AuthPassphrase, &old.AuthPassphrase}, {&in.PrivPassphrase, &old.PrivPassphrase},
	}
	for _, p := range pairs {
		if *p.in == *p.old && secret.IsSealed(string(*p.in)) {
			plain, err := openSecret(k, *p.in)
			if err != nil {
				return fmt.Errorf("inventory: SNMP profile %d: %w", old.ID, err)
			}
			*p.in = plain
		}
	}
	return nil
}
