package inventory_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/secret"
)

// The secrets of the tests: distinctive, so a plain copy is easy to find.
const (
	plainCommunity = "COMMUNITY-plain-7Qx"
	plainAuth      = "AUTHPASS-plain-8Ry"
	plainPriv      = "PRIVPASS-plain-9Sz"
)

func secretProfiles(t *testing.T, s *inventory.Store) (v2, v3 inventory.SNMPProfile) {
	t.Helper()
	ctx := context.Background()
	in := inventory.DefaultSNMPProfileInput()
	in.Name, in.Community = "v2", plainCommunity
	v2, err := s.CreateSNMPProfile(ctx, in)
	noErr(t, err)
	in = inventory.DefaultSNMPProfileInput()
	in.Name, in.Version, in.Username = "v3", "3", "hostroll"
	in.AuthProtocol, in.AuthPassphrase, in.PrivProtocol, in.PrivPassphrase = "SHA", plainAuth, "AES", plainPriv
	v3, err = s.CreateSNMPProfile(ctx, in)
	noErr(t, err)
	return v2, v3
}

// storedSecrets reads the secret columns with plain SQL.
func storedSecrets(t *testing.T, db dbtest.DB) string {
	t.Helper()
	var vals []string
	noErr(t, db.Store.DB().Select(&vals, `SELECT community || '|' || auth_passphrase || '|' || priv_passphrase FROM snmp_profiles ORDER BY id`))
	return strings.Join(vals, "\n")
}

// assertNoPlainSecrets checks the table (both dialects) and, on SQLite, every
// byte of the database file and its write-ahead log.
func assertNoPlainSecrets(t *testing.T, db dbtest.DB) {
	t.Helper()
	stored := storedSecrets(t, db)
	for _, p := range []string{plainCommunity, plainAuth, plainPriv} {
		if strings.Contains(stored, p) {
			t.Fatalf("the table holds %q in plain text: %s", p, stored)
		}
	}
	if !strings.Contains(stored, "v1:") {
		t.Fatalf("no sealed value in the table: %s", stored)
	}
	if db.Name != inventory.SQLite {
		return
	}
	file := strings.TrimPrefix(db.URL, "sqlite://")
	for _, f := range []string{file, file + "-wal"} {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		noErr(t, err)
		for _, p := range []string{plainCommunity, plainAuth, plainPriv} {
			if bytes.Contains(b, []byte(p)) {
				t.Fatalf("%s holds %q in plain text", f, p)
			}
		}
	}
}

func TestSecretsSealedAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s := db.Store
		v2, v3 := secretProfiles(t, s)
		// A patch that leaves the secrets alone keeps them, still sealed.
		_, err := s.UpdateSNMPProfile(context.Background(), v3.ID, func(in *inventory.SNMPProfileInput) error { in.Retries = 4; return nil })
		noErr(t, err)
		assertNoPlainSecrets(t, db)
		// The collector gets them open.
		f := newFixture(t, s)
		for _, p := range []inventory.SNMPProfile{v2, v3} {
			in := f.device("poll-"+p.Name, 1+int(p.ID))
			in.MgmtIP, in.SNMPProfileID = "192.0.2.1", &p.ID
			_, err := s.CreateDevice(f.ctx, in)
			noErr(t, err)
		}
		ts, err := s.PollTargets(context.Background())
		noErr(t, err)
		if len(ts) != 2 || ts[0].Profile.Community.Reveal() != plainCommunity ||
			ts[1].Profile.AuthPassphrase.Reveal() != plainAuth || ts[1].Profile.PrivPassphrase.Reveal() != plainPriv {
			t.Fatalf("poll targets do not carry the open secrets")
		}
	})
}

// Secrets stored in plain text before sealing existed are sealed at the next
// start (Migrate), once, in one audited transaction.
func TestSealSecretsAtStart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, ctx := db.Store, context.Background()
		_, err := s.DB().Exec(s.DB().Rebind(`INSERT INTO snmp_profiles (name, version, community) VALUES ('old', '2c', ?)`), plainCommunity)
		noErr(t, err)
		_, err = s.DB().Exec(s.DB().Rebind(`INSERT INTO snmp_profiles (name, version, username, auth_protocol, auth_passphrase,
			priv_protocol, priv_passphrase) VALUES ('old3', '3', 'u', 'SHA', ?, 'AES', ?)`), plainAuth, plainPriv)
		noErr(t, err)
		_, err = s.Migrate(ctx)
		noErr(t, err)
		assertNoPlainSecrets(t, db)
		if n := auditCount(t, s, "secret_key"); n != 1 {
			t.Fatalf("want one audit row of the sealing, got %d", n)
		}
		if n, err := s.SealSecrets(ctx); err != nil || n != 0 {
			t.Fatalf("a second sealing did %d (%v), want nothing", n, err)
		}
		var community string
		noErr(t, s.DB().Get(&community, `SELECT community FROM snmp_profiles WHERE name = 'old'`))
		if plain, err := db.Key.Open(community); err != nil || plain != plainCommunity {
			t.Fatalf("the sealed community opens to %q (%v)", plain, err)
		}
		if v := verify(t, s); !v.OK {
			t.Fatalf("the sealing broke the audit chain: %+v", v)
		}
	})
}

func TestRekey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, ctx := db.Store, context.Background()
		secretProfiles(t, s)
		before := storedSecrets(t, db)
		newKey, err := secret.Generate()
		noErr(t, err)
		n, err := s.Rekey(ctx, newKey)
		noErr(t, err)
		if n != 2 {
			t.Fatalf("resealed %d rows, want 2", n)
		}
		assertNoPlainSecrets(t, db)
		after := storedSecrets(t, db)
		if after == before {
			t.Fatal("rekey left the sealed values as they were")
		}
		for _, v := range strings.FieldsFunc(after, func(r rune) bool { return r == '|' || r == '\n' }) {
			if _, err := db.Key.Open(v); err == nil {
				t.Fatalf("the old key still opens %q", v)
			}
			if _, err := newKey.Open(v); err != nil {
				t.Fatalf("the new key does not open %q: %v", v, err)
			}
		}
		// The old key is refused now, with what to set; the new one works.
		old, err := inventory.Open(ctx, db.URL)
		noErr(t, err)
		defer old.Close()
		old.SetSecretKey(db.Key)
		if err := old.CheckSecretKey(ctx); !errors.Is(err, inventory.ErrSecretKey) || !strings.Contains(err.Error(), "HOSTROLL_SECRET_KEY_FILE") {
			t.Fatalf("the old key: %v", err)
		}
		noErr(t, s.CheckSecretKey(ctx))
		if v := verify(t, s); !v.OK || auditCount(t, s, "secret_key") != 1 {
			t.Fatalf("the rekey is not one audited row in an intact chain: %+v", v)
		}
	})
}

// A store with another key, or none, says so in one line and writes or opens
// nothing: the collector's reads fail, a patch is a conflict (409), not a bug.
func TestWrongSecretKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		_, v3 := secretProfiles(t, db.Store)
		f := newFixture(t, db.Store)
		in := f.device("polled", 5)
		in.MgmtIP, in.SNMPProfileID = "192.0.2.9", &v3.ID
		d, err := db.Store.CreateDevice(ctx, in)
		noErr(t, err)
		other, err := secret.Generate()
		noErr(t, err)
		for _, tc := range []struct {
			name string
			key  *secret.Key
			want string
		}{
			{"wrong key", other, "sealed under key " + inventory.KeyFingerprint(db.Key)},
			{"no key", nil, "no key was given"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s, err := inventory.Open(ctx, db.URL)
				noErr(t, err)
				defer s.Close()
				s.SetSecretKey(tc.key)
				err = s.CheckSecretKey(ctx)
				if !errors.Is(err, inventory.ErrSecretKey) || !strings.Contains(err.Error(), tc.want) ||
					!strings.Contains(err.Error(), "HOSTROLL_SECRET_KEY_FILE") || strings.Contains(err.Error(), "\n") {
					t.Fatalf("want one line with %q and what to set, got %v", tc.want, err)
				}
				if _, err := s.PollTargets(ctx); !errors.Is(err, inventory.ErrSecretKey) {
					t.Fatalf("poll targets: %v", err)
				}
				if _, err := s.PollTarget(ctx, d.ID); !errors.Is(err, inventory.ErrSecretKey) {
					t.Fatalf("poll target: %v", err)
				}
				_, err = s.UpdateSNMPProfile(ctx, v3.ID, func(in *inventory.SNMPProfileInput) error { in.Retries = 5; return nil })
				if !errors.Is(err, inventory.ErrConflict) {
					t.Fatalf("a patch with the wrong key: %v, want a conflict", err)
				}
				np := inventory.DefaultSNMPProfileInput()
				np.Name, np.Community = "new", "another-community"
				if _, err := s.CreateSNMPProfile(ctx, np); !errors.Is(err, inventory.ErrSecretKey) {
					t.Fatalf("a new secret sealed under the wrong key: %v", err)
				}
				// Reading profiles works: they never carried secrets out.
				if _, n, err := s.SNMPProfiles(ctx, inventory.ListParams{}); err != nil || n != 2 {
					t.Fatalf("list profiles: %d, %v", n, err)
				}
			})
		}
	})
}
