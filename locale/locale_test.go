package locale

import (
	"regexp"
	"slices"
	"testing"
)

// verbs are the fmt verbs of a message, in order.
var verbRE = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?\d*(\.\d+)?[a-zA-Z%]`)

func verbs(s string) []string { return verbRE.FindAllString(s, -1) }

// TestCatalogs fails when a catalog is not sorted, has a key twice, when
// the two differ in keys, or when a message's fmt verbs differ between
// the languages.
func TestCatalogs(t *testing.T) {
	keysOf := map[string][]string{}
	for _, lang := range Langs {
		raw, err := files.ReadFile(fileOf[lang])
		if err != nil {
			t.Fatal(err)
		}
		keys, _, err := parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", fileOf[lang], err)
		}
		if !slices.IsSorted(keys) {
			for i := 1; i < len(keys); i++ {
				if keys[i-1] > keys[i] {
					t.Errorf("%s: %q comes before %q: keep the keys sorted", fileOf[lang], keys[i-1], keys[i])
					break
				}
			}
		}
		keysOf[lang] = keys
	}
	zh, en := catalogs[ZH], catalogs[EN]
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for k, e := range en {
		z, ok := zh[k]
		if !ok {
			t.Errorf("zh-CN.json lacks %q", k)
			continue
		}
		if !slices.Equal(verbs(z), verbs(e)) {
			t.Errorf("%q: verbs %v in zh-CN, %v in en", k, verbs(z), verbs(e))
		}
		if z == "" || e == "" {
			t.Errorf("%q: empty message", k)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"", ZH},
		{"en", EN},
		{"en-US,en;q=0.9", EN},
		{"zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"fr, en;q=0.5", EN},
		{"en;q=0.4, zh-Hans;q=0.6", ZH},
		{"en;q=0", ZH},
		{"de", ZH},
	} {
		if got := Negotiate(tc.header); got != tc.want {
			t.Errorf("Negotiate(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}

func TestLookups(t *testing.T) {
	if got := Label(ZH, "device_status", "active"); got != "在用" {
		t.Errorf("label = %q", got)
	}
	if got := Label(EN, "device_kind", "server"); got != "Server" {
		t.Errorf("label = %q", got)
	}
	if got := Label(ZH, "device_kind", "toaster"); got != "toaster" {
		t.Errorf("unknown code = %q", got)
	}
	for _, in := range []string{"server", "服务器", "SERVER", " Server "} {
		if code, ok := Code("device_kind", in); !ok || code != "server" {
			t.Errorf("Code(%q) = %q, %v", in, code, ok)
		}
	}
	if _, ok := Code("device_kind", "在用"); ok {
		t.Error("a label of another set was taken")
	}
	if got := T(ZH, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if got := Field(ZH, "device", "serial"); got != "序列号" {
		t.Errorf("field = %q", got)
	}
	if !slices.Contains(Codes("face"), "rear") {
		t.Errorf("codes = %v", Codes("face"))
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "¥0.00"}, {1234567, "¥1,234,567.00"}, {999.995, "¥1,000.00"}, {-1234.5, "-¥1,234.50"}, {12.3, "¥12.30"},
	} {
		if got := Money(tc.v); got != tc.want {
			t.Errorf("Money(%v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}
