// Package locale holds the message catalogs of hostroll's pages, API
// messages, spreadsheets and CLI: zh-CN (the default) and en, embedded in
// the binary. Keys are flat and dotted: "enum.<set>.<code>" labels an
// enumeration value, "field.<entity>.<json key>" labels a field, and each
// part of the program keeps its own prefix (ui., err., rule., sheet., …).
package locale

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The languages: the codes are those the store and the API already use
// ("zh" for zh-CN).
const (
	ZH = "zh"
	EN = "en"
)

// Default is the language of a request that asks for none.
const Default = ZH

// Langs lists the languages, the default first.
var Langs = []string{ZH, EN}

//go:embed zh-CN.json en.json
var files embed.FS

// fileOf names each language's catalog file.
var fileOf = map[string]string{ZH: "zh-CN.json", EN: "en.json"}

// catalogs holds each language's messages, read once at start; a broken
// catalog stops the program before it serves anything.
var catalogs = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Langs {
		raw, err := files.ReadFile(fileOf[lang])
		if err != nil {
			panic("locale: " + err.Error())
		}
		_, m, err := parse(raw)
		if err != nil {
			panic("locale: " + fileOf[lang] + ": " + err.Error())
		}
		out[lang] = m
	}
	return out
}()

// parse reads a catalog: one flat JSON object of strings. It returns the
// keys in file order (the tests check they are sorted and unique).
func parse(raw []byte) ([]string, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	m := map[string]string{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := t.(string)
		var val string
		if err := dec.Decode(&val); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", key, err)
		}
		if _, dup := m[key]; dup {
			return nil, nil, fmt.Errorf("key %q twice", key)
		}
		keys = append(keys, key)
		m[key] = val
	}
	return keys, m, nil
}

// Of returns the supported language a tag names ("zh", "zh-CN", "zh-Hans",
// "en", "en-US" …) and whether it is one.
func Of(tag string) (string, bool) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "zh" || strings.HasPrefix(tag, "zh-") || strings.HasPrefix(tag, "zh_"):
		return ZH, true
	case tag == "en" || strings.HasPrefix(tag, "en-") || strings.HasPrefix(tag, "en_"):
		return EN, true
	}
	return "", false
}

// Tag is the BCP 47 tag of a language, for <html lang>.
func Tag(lang string) string {
	if lang == EN {
		return "en"
	}
	return "zh-CN"
}

// Negotiate picks the language of an Accept-Language header: the supported
// language of the highest quality (the first of equals wins; q=0 refuses
// one), else Default.
func Negotiate(header string) string {
	best, bestQ := Default, 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		lang, ok := Of(tag)
		if !ok {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// Lookup returns the message of key in lang, falling back to the default
// language; ok is false when neither catalog has it.
func Lookup(lang, key string) (string, bool) {
	if c, ok := catalogs[lang]; ok {
		if s, ok := c[key]; ok {
			return s, true
		}
	}
	s, ok := catalogs[Default][key]
	return s, ok
}

// Has reports whether the catalogs have key.
func Has(key string) bool { _, ok := catalogs[Default][key]; return ok }

// T renders key in lang with args (fmt verbs). A key no catalog has is
// returned as it is, so a missing key shows on the page and in tests
// rather than as an empty string.
func T(lang, key string, args ...any) string {
	s, ok := Lookup(lang, key)
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Label is the label of an enumeration value: "enum.<set>.<code>", e.g.
// Label("zh", "device_status", "active") is 在用. An unknown value is
// shown as it is.
func Label(lang, set, code string) string {
	if s, ok := Lookup(lang, "enum."+set+"."+code); ok {
		return s
	}
	return code
}

// Code is the enumeration value whose code or label (in any language,
// case-insensitive) is s, and whether there is one: what an imported cell
// or a form may carry.
func Code(set, s string) (string, bool) {
	code, ok := codeIndex[set][strings.ToLower(strings.TrimSpace(s))]
	return code, ok
}

// codeIndex maps each enumeration set's codes and labels, lower-cased, to
// their code.
var codeIndex = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Langs {
		for k, v := range catalogs[lang] {
			rest, ok := strings.CutPrefix(k, "enum.")
			if !ok {
				continue
			}
			set, code, ok := strings.Cut(rest, ".")
			if !ok {
				continue
			}
			if out[set] == nil {
				out[set] = map[string]string{}
			}
			out[set][strings.ToLower(code)] = code
			out[set][strings.ToLower(v)] = code
		}
	}
	return out
}()

// Codes lists the codes of an enumeration set the catalogs label, sorted.
func Codes(set string) []string {
	var out []string
	prefix := "enum." + set + "."
	for k := range catalogs[Default] {
		if code, ok := strings.CutPrefix(k, prefix); ok {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// Field is the label of an entity's field: "field.<entity>.<key>". An
// unknown field is shown as its key.
func Field(lang, entity, key string) string {
	if s, ok := Lookup(lang, "field."+entity+"."+key); ok {
		return s
	}
	return key
}

// Keys lists every key of the catalogs, sorted.
func Keys() []string {
	out := make([]string, 0, len(catalogs[Default]))
	for k := range catalogs[Default] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Date shows a day as YYYY-MM-DD in both languages.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// DateTime shows a moment as YYYY-MM-DD HH:MM in loc (nil: as it is).
func DateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format("2006-01-02 15:04")
}

// Money shows an amount of yuan as ¥1,234,567.00 (a minus sign before the
// ¥ when negative).
func Money(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	fen := int64(math.Round(v * 100))
	return sign + "¥" + Group(fen/100) + fmt.Sprintf(".%02d", fen%100)
}

// Group writes an integer with a comma every three digits: 1,234,567.
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
