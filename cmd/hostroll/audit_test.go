package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/secret"
)

// audit verify exits 0 on an intact chain and 1 on a broken one, naming the
// first bad row; the demo's rows name the person at the command line.
func TestAuditVerifyCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		if code, _, errs := runCLI(t, "demo", "--db", db.URL); code != 0 {
			t.Fatalf("demo exited %d: %s", code, errs)
		}
		var actors []string
		if err := db.Store.DB().Select(&actors, `SELECT DISTINCT actor FROM audit`); err != nil {
			t.Fatal(err)
		}
		if len(actors) != 1 || actors[0] != cliActor() || !strings.HasPrefix(actors[0], "cli:") || actors[0] == "cli:" {
			t.Fatalf("the demo's audit rows name %v, want only %q", actors, cliActor())
		}
		code, out, errs := runCLI(t, "audit", "verify", "--db", db.URL, "--lang", "en")
		if code != 0 || !strings.Contains(out, "the audit chain is intact") || !strings.Contains(out, "head: row") {
			t.Fatalf("intact chain: exit %d\n%s%s", code, out, errs)
		}
		if _, err := db.Store.DB().Exec(`UPDATE audit SET actor = 'mallory' WHERE id = 5`); err != nil {
			t.Fatal(err)
		}
		code, out, errs = runCLI(t, "audit", "verify", "--db", db.URL, "--lang", "en")
		if code != 1 || !strings.Contains(out, "BROKEN at row 5 (changed)") || !strings.Contains(errs, "the audit chain is broken") {
			t.Fatalf("changed row: exit %d\n%s%s", code, out, errs)
		}
		code, out, _ = runCLI(t, "audit", "verify", "--db", db.URL, "--format", "json", "--lang", "zh")
		var v inventory.AuditVerification
		if err := json.Unmarshal([]byte(out), &v); err != nil || code != 1 || v.OK || v.FirstBadID == nil || *v.FirstBadID != 5 ||
			!strings.Contains(v.Reason, "第 5 条") {
			t.Fatalf("json: exit %d, %+v (%v)\n%s", code, v, err, out)
		}
		if code, _, _ := runCLI(t, "audit", "--db", db.URL); code != 2 {
			t.Errorf("audit without verify exited %d, want 2", code)
		}
	})
}

// rekey writes a new key file (never over one), reseals, and says what to do
// with the old key; the old key then polls nothing, in one line.
func TestRekeyCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		in := inventory.DefaultSNMPProfileInput()
		in.Name, in.Community = "rk", "rekey-community"
		if _, err := db.Store.CreateSNMPProfile(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		t.Setenv(keyFileEnv, db.KeyFile)
		newFile := filepath.Join(t.TempDir(), "new.key")
		code, out, errs := runCLI(t, "rekey", "--db", db.URL, "--new-key-file", newFile)
		if code != 0 || !strings.Contains(out, "resealed 1 rows") || !strings.Contains(out, newFile) || !strings.Contains(out, "old key") {
			t.Fatalf("rekey: exit %d\n%s%s", code, out, errs)
		}
		fi, err := os.Stat(newFile)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("new key file: %v %v", fi, err)
		}
		k, err := secret.Load(newFile)
		if err != nil {
			t.Fatal(err)
		}
		var community string
		if err := db.Store.DB().Get(&community, `SELECT community FROM snmp_profiles WHERE name = 'rk'`); err != nil {
			t.Fatal(err)
		}
		if plain, err := k.Open(community); err != nil || plain != "rekey-community" {
			t.Fatalf("the new key file does not open the resealed community: %q %v", plain, err)
		}
		code, _, errs = runCLI(t, "rekey", "--db", db.URL, "--new-key-file", newFile)
		if code != 1 || !strings.Contains(errs, "already exists") {
			t.Fatalf("rekey over an existing file: exit %d: %s", code, errs)
		}
		// The old key (still in HOSTROLL_SECRET_KEY_FILE) polls nothing.
		code, _, errs = runCLI(t, "poll", "--db", db.URL)
		if code != 1 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, keyFileEnv) {
			t.Fatalf("poll with the old key: exit %d, want one line naming %s:\n%s", code, keyFileEnv, errs)
		}
		t.Setenv(keyFileEnv, newFile)
		if code, out, errs := runCLI(t, "audit", "verify", "--db", db.URL); code != 0 {
			t.Fatalf("verify after rekey: exit %d\n%s%s", code, out, errs)
		}
	})
}

func TestSecretKeyFile(t *testing.T) {
	t.Setenv(keyFileEnv, "")
	t.Run("required for PostgreSQL", func(t *testing.T) {
		code, _, errs := runCLI(t, "migrate", "--db", "postgres://u@db.invalid/h")
		if code != 1 || !strings.Contains(errs, keyFileEnv+" is not set") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
	t.Run("made beside the SQLite file", func(t *testing.T) {
		dir := t.TempDir()
		url := "sqlite://" + filepath.Join(dir, "h.db")
		code, _, errs := runCLI(t, "migrate", "--db", url)
		if code != 0 || !strings.Contains(errs, "created the secret key file") {
			t.Fatalf("first migrate: exit %d: %s", code, errs)
		}
		fi, err := os.Stat(filepath.Join(dir, "hostroll.key"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file: %v %v", fi, err)
		}
		if code, _, errs = runCLI(t, "migrate", "--db", url); code != 0 || strings.Contains(errs, "created") {
			t.Fatalf("second migrate: exit %d: %s", code, errs)
		}
	})
}
