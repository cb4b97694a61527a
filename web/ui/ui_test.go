package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"hostroll/locale"
)

func TestViewsParse(t *testing.T) {
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"home", "error"} {
		if v[name] == nil {
			t.Errorf("no view %q", name)
		}
	}
}

// keyRE finds the catalog keys the templates ask for: .T "key", T "key"
// (inside a with/range on a Page) and $.T "key".
var keyRE = regexp.MustCompile(`\bT\s+"([a-z0-9_.-]+)"`)

// TestTemplateKeys fails when a template uses a catalog key that the
// catalogs do not have: the page would show the key.
func TestTemplateKeys(t *testing.T) {
	n := 0
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(raw), -1) {
			n++
			if !locale.Has(m[1]) {
				t.Errorf("%s uses %q, which no catalog has", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Fatalf("found only %d keys in the templates: is the pattern right?", n)
	}
}

// TestVendoredChecksums fails when a vendored file differs from the
// checksum noted in static/vendor/README.md.
func TestVendoredChecksums(t *testing.T) {
	readme, err := os.ReadFile("static/vendor/README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 8 || !strings.Contains(cells[1], ".") || strings.Contains(cells[1], "file") {
			continue
		}
		name, want := strings.TrimSpace(cells[1]), strings.TrimSpace(cells[6])
		body, err := staticFS.ReadFile("static/vendor/" + name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		sum := sha256.Sum256(body)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: SHA-256 %s, README says %s", name, got, want)
		}
		rows++
	}
	if rows == 0 {
		t.Fatal("no vendored file listed")
	}
}

func TestAssetURLs(t *testing.T) {
	a := loadAssets()
	u := a.URL("app.css")
	if !regexp.MustCompile(`^/static/[0-9a-f]{12}/app\.css$`).MatchString(u) {
		t.Errorf("URL = %s", u)
	}
	if a.byURL[u] == nil || !strings.HasPrefix(a.byURL[u].mime, "text/css") {
		t.Errorf("served as %+v", a.byURL[u])
	}
	if _, ok := a.byName["vendor/README.md"]; ok {
		t.Error("the vendor README is served")
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/devices?status=active": "/devices?status=active",
		"":                       "/",
		"https://evil.example/":  "/",
		"//evil.example/":        "/",
		"/\\evil.example":        "/",
		"devices":                "/",
	} {
		if got := LocalPath(in); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// testPage is a Page for render tests: lang, a signed-in admin, no request.
func testPage(lang string) Page {
	return Page{Lang: lang, Title: "t", Path: "/", Next: "/", CSRF: "csrf-token",
		User: Viewer{ID: 1, Name: "admin", Role: "admin"}, a: loadAssets()}
}

// renderTest renders view with data (a struct embedding testPage(lang)) the
// way a request would, and returns the page.
func renderTest(t *testing.T, view string, data any) string {
	t.Helper()
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	tpl, ok := v[view]
	if !ok {
		t.Fatalf("no view %q", view)
	}
	var buf strings.Builder
	if err := tpl.ExecuteTemplate(&buf, "layout", data); err != nil {
		t.Fatalf("render %s: %v", view, err)
	}
	return buf.String()
}

// untranslated finds catalog keys shown as they are (ui.x.y) in a page.
var untranslated = regexp.MustCompile(`\b(ui|enum|field|err|rule|gate|sheet|report)\.[a-z0-9_]+\.[a-z0-9_.]+\b`)

func TestRenderHomeAndError(t *testing.T) {
	for _, lang := range locale.Langs {
		home := renderTest(t, "home", homeView{Page: testPage(lang)})
		e := renderTest(t, "error", errorView{Page: testPage(lang), Status: 404, Message: "no such page"})
		for _, page := range []string{home, e} {
			if m := untranslated.FindString(page); m != "" {
				t.Errorf("%s: untranslated key %s", lang, m)
			}
			if !strings.Contains(page, `name="csrf_token" value="csrf-token"`) {
				t.Errorf("%s: the sign-out form has no CSRF token", lang)
			}
		}
		want := map[string]string{locale.ZH: "设备", locale.EN: "Devices"}[lang]
		if !strings.Contains(home, ">"+want+"</a>") {
			t.Errorf("%s: the menu has no %q", lang, want)
		}
		if !strings.Contains(e, "no such page") {
			t.Errorf("%s: the error page lacks the message", lang)
		}
	}
}
