package fold_test

import (
	"testing"

	"hostroll/fold"
)

func TestKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a, b string
		same bool
	}{
		{"ASCII case", "NF5280M6-210004", "nf5280m6-210004", true},
		{"trimmed", "  Inspur ", "inspur", true},
		{"full-width ASCII", "ＮＦ５２８０Ｍ６－２１０００４", "nf5280m6-210004", true},
		{"ideographic space trimmed", "\u3000XZ-01\u3000", "xz-01", true},
		{"Kelvin sign", "\u212aVM", "kvm", true},
		{"long s", "\u017fN", "SN", true},
		{"final sigma", "ΟΔΟΣ", "οδος", true},
		{"Cyrillic", "СЕРВЕР", "сервер", true},
		{"Chinese unchanged", "机房A", "机房a", true},
		{"different serials", "SN-1", "SN-2", false},
		{"inner space kept", "A 1", "A1", false},
		{"sharp s is not ss", "straße", "STRASSE", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ka, kb := fold.Key(tc.a), fold.Key(tc.b)
			if (ka == kb) != tc.same {
				t.Errorf("Key(%q) = %q, Key(%q) = %q; same = %v, want %v", tc.a, ka, tc.b, kb, ka == kb, tc.same)
			}
		})
	}
	if fold.Key("") != "" || fold.Key("  ") != "" {
		t.Errorf("blank does not fold to empty")
	}
}

// TestKeyIdempotent: folding a folded key changes nothing, for every rune of
// the Basic Multilingual Plane and full-width forms.
func TestKeyIdempotent(t *testing.T) {
	t.Parallel()
	for r := rune(0x21); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if f := fold.Rune(r); fold.Rune(f) != f {
			t.Fatalf("Rune(%U) = %U, but Rune(%U) = %U", r, f, f, fold.Rune(f))
		}
	}
}
