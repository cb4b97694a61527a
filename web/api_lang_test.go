package web_test

import (
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// hasHan tells whether s has Chinese characters.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// englishWords are runs of ASCII letters of a Chinese message that are not
// abbreviations, paths or field keys.
var englishWordRe = regexp.MustCompile(`\b[a-z]{3,}\b`)

// proseIn returns the English words of a Chinese message, apart from field
// keys (snake_case), paths and the few literal parameters a message quotes.
func proseIn(zh string) []string {
	zh = regexp.MustCompile(`/api/v1/\S*|[a-z0-9]+(_[a-z0-9]+)+|"[^"]*"`).ReplaceAllString(zh, "")
	var out []string
	for _, w := range englishWordRe.FindAllString(zh, -1) {
		if !slices.Contains([]string{"null", "true", "false", "json", "csv", "file", "limit", "offset"}, w) {
			out = append(out, w)
		}
	}
	return out
}

// TestAPILanguage: without a language the API answers in Chinese; lang= and
// Accept-Language choose English; error.code and the keys of fields are the
// same in both.
func TestAPILanguage(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		zh, en := c.inLang(""), c.inLang("en-US,en;q=0.9")
		bad := obj{"name": "", "kind": "server", "position": 3}

		dz := wantErr(t, zh.do(t, "POST", "/api/v1/devices", bad), 400, "validation", "unit_id")
		de := wantErr(t, en.do(t, "POST", "/api/v1/devices", bad), 400, "validation", "unit_id")
		fz, _ := dz["fields"].(obj)
		fe, _ := de["fields"].(obj)
		if kz, ke := keys(fz), keys(fe); !slices.Equal(slices.Sorted(slices.Values(kz)), slices.Sorted(slices.Values(ke))) {
			t.Errorf("field keys %v in Chinese, %v in English", keys(fz), keys(fe))
		}
		if !strings.HasPrefix(message(dz), "输入有误") || !strings.HasPrefix(message(de), "invalid input") {
			t.Errorf("messages %q / %q", message(dz), message(de))
		}
		for k := range fz {
			if m := fieldMsg(dz, k); !hasHan(m) || len(proseIn(m)) > 0 {
				t.Errorf("Chinese message of %s: %q (English words %v)", k, m, proseIn(m))
			}
			if m := fieldMsg(de, k); hasHan(m) {
				t.Errorf("English message of %s: %q", k, m)
			}
		}
		if !strings.Contains(message(dz), "单位") { // a field's label, not its key
			t.Errorf("the Chinese summary %q does not name unit_id by its label", message(dz))
		}

		for _, tc := range []struct {
			name, query, accept string
			english             bool
		}{
			{"default", "", "", false},
			{"Accept-Language en", "", "en", true},
			{"Accept-Language zh first", "", "zh-CN,zh;q=0.9,en;q=0.8", false},
			{"lang=en over Accept-Language zh", "?lang=en", "zh-CN", true},
			{"lang=zh-CN over Accept-Language en", "?lang=zh-CN", "en", false},
			{"lang=en-US", "?lang=en-US", "", true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest("GET", "/api/v1/no-such-thing"+tc.query, nil)
				if tc.accept != "" {
					req.Header.Set("Accept-Language", tc.accept)
				}
				c.inLang("").authorize(req)
				d := wantErr(t, c.send(t, req), 404, "not_found", "")
				if hasHan(message(d)) == tc.english {
					t.Errorf("message %q, want it in %s", message(d), map[bool]string{true: "English", false: "Chinese"}[tc.english])
				}
			})
		}

		unit := c.unit(t, "LANG")
		dz = wantErr(t, zh.do(t, "POST", "/api/v1/units", obj{"code": "LANG", "name": "again"}), 409, "conflict", "code")
		de = wantErr(t, en.do(t, "POST", "/api/v1/units", obj{"code": "LANG", "name": "again"}), 409, "conflict", "code")
		if !strings.Contains(message(dz), "单位编码") || !strings.Contains(message(de), "already used") ||
			fieldMsg(dz, "code") != message(dz) {
			t.Errorf("conflict %q / %q, field %q", message(dz), message(de), fieldMsg(dz, "code"))
		}

		id := idOf(t, c.create(t, "/api/v1/projects", projectBody("LANG-1", unit)))
		step := obj{"to": "accepted", "date": "2025-01-01"}
		dz = wantErr(t, zh.do(t, "POST", p("/api/v1/projects/%d/transitions", id), step), 409, "conflict", "to")
		de = wantErr(t, en.do(t, "POST", p("/api/v1/projects/%d/transitions", id), step), 409, "conflict", "to")
		if !strings.Contains(message(dz), "「草稿」") || strings.Contains(message(dz), "draft") ||
			!strings.Contains(message(de), "is draft") {
			t.Errorf("a wrong step: %q / %q, want the status by its label in Chinese, by its code in English",
				message(dz), message(de))
		}
	})
}

// TestAPILanguageOfRefusals: sign-in and access refusals come from the
// catalog too.
func TestAPILanguageOfRefusals(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		anon := c.anonymous()
		dz := wantErr(t, anon.inLang("").do(t, "GET", "/api/v1/units", nil), 401, "unauthorized", "")
		de := wantErr(t, anon.inLang("en").do(t, "GET", "/api/v1/units", nil), 401, "unauthorized", "")
		if !strings.HasPrefix(message(dz), "请先登录") || !strings.HasPrefix(message(de), "sign in first") {
			t.Errorf("401: %q / %q", message(dz), message(de))
		}
		auditor := c.as(t, "auditor")
		dz = wantErr(t, auditor.inLang("").do(t, "POST", "/api/v1/units", obj{"code": "X", "name": "X"}), 403, "forbidden", "")
		if !strings.Contains(message(dz), "审计") || strings.Contains(message(dz), "auditor") {
			t.Errorf("403: %q, want the role by its label", message(dz))
		}
	})
}
