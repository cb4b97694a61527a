package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, user, pw, rule string
	}{
		{"good", "zhang", "Kaili-Jifang-2026", ""},
		{"three classes without symbols", "zhang", "KailiJifang2026", ""},
		{"chinese counts as other", "zhang", "机房密码kaili2026", ""},
		{"nine characters", "zhang", "Ab1!efghi", RuleLength},
		{"two classes", "zhang", "kailijifang2026", RuleClasses},
		{"contains the username", "Zhang", "xx-zhang-2026X", RuleUsername},
		{"common", "zhang", "P@ssw0rd123", RuleCommon},
		{"common in another case", "zhang", "PASSWORD123!", RuleCommon},
		{"too long", "zhang", "Aa1!" + strings.Repeat("x", MaxLength), RuleTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.user, tt.pw)
			var re *RuleError
			switch {
			case tt.rule == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.rule != "" && (!errors.As(err, &re) || re.Rule != tt.rule):
				t.Fatalf("got %v, want rule %s", err, tt.rule)
			case tt.rule != "":
				if re.Message("zh") == re.Message("en") || re.Message("zh") == "" {
					t.Errorf("messages %q / %q", re.Message("zh"), re.Message("en"))
				}
			}
		})
	}
	if len(common) < 300 {
		t.Errorf("the common password list has %d entries, want a few hundred", len(common))
	}
}

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		pw := Generate()
		if err := Check("admin", pw); err != nil || seen[pw] {
			t.Fatalf("generated %q: %v (repeated: %v)", pw, err, seen[pw])
		}
		seen[pw] = true
	}
}

func TestHashVerify(t *testing.T) {
	cheap := Params{Memory: 64, Time: 1, Threads: 1}
	h := NewHasher(Default)
	phc, err := h.Hash("Kaili-Jifang-2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("PHC string %q", phc)
	}
	if ok, rehash, err := h.Verify(phc, "Kaili-Jifang-2026"); !ok || rehash || err != nil {
		t.Errorf("right password: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, _, _ := h.Verify(phc, "kaili-Jifang-2026"); ok {
		t.Error("a wrong password matched")
	}
	// A hash made with other parameters still verifies and asks for a rehash.
	old, err := NewHasher(cheap).Hash("Kaili-Jifang-2026")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := h.Verify(old, "Kaili-Jifang-2026"); !ok || !rehash || err != nil {
		t.Errorf("old parameters: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, rehash, _ := h.Verify(old, "wrong"); ok || rehash {
		t.Error("a wrong password asked for a rehash")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=18$m=1,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1,t=1,p=1$!!$AAAA"} {
		if _, _, err := h.Verify(bad, "x"); !errors.Is(err, ErrFormat) {
			t.Errorf("%q: %v, want ErrFormat", bad, err)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	h := NewHasher(Default)
	for b.Loop() {
		if _, err := h.Hash("Kaili-Jifang-2026"); err != nil {
			b.Fatal(err)
		}
	}
}
