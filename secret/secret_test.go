package secret

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"public", "社区字符串", strings.Repeat("x", 4096)} {
		sealed, err := k.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, plain) || !IsSealed(sealed) {
			t.Fatalf("sealed %q = %q", plain, sealed)
		}
		again, _ := k.Seal(plain)
		if again == sealed {
			t.Errorf("two seals of %q are equal: the nonce is not random", plain)
		}
		got, err := k.Open(sealed)
		if err != nil || got != plain {
			t.Errorf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
	}
	if s, err := k.Seal(""); s != "" || err != nil {
		t.Errorf("Seal(\"\") = %q, %v", s, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	k, _ := Generate()
	other, _ := Generate()
	sealed, _ := k.Seal("private")
	flipped := []byte(sealed)
	flipped[len(flipped)-2] ^= 1
	tests := []struct {
		name  string
		key   *Key
		value string
	}{
		{"another key", other, sealed},
		{"changed byte", k, string(flipped)},
		{"truncated", k, sealed[:6]},
		{"not base64", k, prefix + "!!!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.key.Open(tt.value); !errors.Is(err, ErrOpen) {
				t.Errorf("Open = %v, want ErrOpen", err)
			}
		})
	}
	if _, err := k.Open("plain"); err == nil {
		t.Error("Open of a plain value succeeded")
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hostroll.key")
	k, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("LoadOrCreate = %v, created %v", err, created)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", info.Mode(), err)
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("second LoadOrCreate = %v, created %v", err, created)
	}
	if !bytes.Equal(k.Derive("p"), k2.Derive("p")) || bytes.Equal(k.Derive("p"), k.Derive("q")) {
		t.Error("Derive: the reloaded key differs, or two purposes give one value")
	}
	if err := Write(path, k); err == nil {
		t.Error("Write overwrote an existing key file")
	}
	if s := fmt.Sprintf("%v %+v %#v", k, k, k); strings.Contains(s, string(k.raw[:4])) || !strings.Contains(s, "[redacted]") {
		t.Errorf("key printed as %q", s)
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("c2hvcnQ=\n"), 0o600)
	if _, err := Load(bad); err == nil {
		t.Error("Load accepted a short key")
	}
}
