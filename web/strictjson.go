package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"hostroll/inventory"
)

const (
	// MaxListLen caps every JSON array a request body holds (unit_ids,
	// requirements, ...): longer lists are refused before any store call.
	MaxListLen = 1000
	// maxDepth caps how deeply a body's objects and arrays may nest.
	maxDepth = 32
)

// strictJSON checks a body in one linear pass before it is decoded, and
// before any transaction opens: it must be one JSON object, valid UTF-8
// without lone surrogate escapes (\ud800), without duplicate keys, without
// lists longer than MaxListLen, and with null only where the field of v's
// type is nullable (a pointer or an untyped value). Everything else (types,
// unknown fields) is left to the decoder.
func strictJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("api.json.empty")
	}
	if !utf8.Valid(body) {
		return badRequest("api.json.utf8")
	}
	if at := loneSurrogate(body); at >= 0 {
		return badRequest("api.json.surrogate", at)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if tok != json.Delim('{') {
		return badRequest("api.json.object")
	}
	w := walker{dec: dec, ve: &inventory.ValidationError{}}
	if err := w.object(reflect.TypeOf(v), "", 1); err != nil && err != errStop {
		return err
	}
	if err := w.ve.Err(); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("api.json.trailing")
	}
	return nil
}

// errStop ends the walk early; the refusal is in the walker's fields.
var errStop = errors.New("stop")

// walker walks the tokens of a body beside the Go type it is decoded onto.
type walker struct {
	dec *json.Decoder
	ve  *inventory.ValidationError
}

// object reads the members of an object whose '{' has been read.
func (w walker) object(t reflect.Type, prefix string, depth int) error {
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return jsonError(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return badRequest("api.json.duplicate_key", prefix+key)
		}
		seen[key] = true
		if err := w.value(memberType(t, key), prefix+key, depth); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	return jsonErr(err)
}

// value reads one value; t is the Go type it lands in, nil when unknown.
func (w walker) value(t reflect.Type, name string, depth int) error {
	tok, err := w.dec.Token()
	if err != nil {
		return jsonError(err)
	}
	switch tok {
	case nil:
		if t != nil && t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
			w.ve.Add(name, "err.strictjson.field.null_only_nullable")
		}
		return nil
	case json.Delim('{'), json.Delim('['):
		if depth >= maxDepth {
			return badRequest("api.json.depth", maxDepth)
		}
		if tok == json.Delim('{') {
			return w.object(t, name+".", depth+1)
		}
		return w.array(t, name, depth+1)
	}
	return nil
}

// array reads the elements of an array whose '[' has been read.
func (w walker) array(t reflect.Type, name string, depth int) error {
	var elem reflect.Type
	if t = deref(t); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	n := 0
	for w.dec.More() {
		if n++; n > MaxListLen {
			w.ve.Add(name, "err.spec.field.have_most_entries", MaxListLen)
			return errStop // the rest of the body is not read
		}
		if err := w.value(elem, fmt.Sprintf("%s[%d]", name, n-1), depth); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // ']'
	return jsonErr(err)
}

func jsonErr(err error) error {
	if err != nil {
		return jsonError(err)
	}
	return nil
}

// memberType is the type of the struct field (by its JSON name) or map
// element key lands in; nil when t has no such member.
func memberType(t reflect.Type, key string) reflect.Type {
	t = deref(t)
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem()
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" && f.Anonymous { // promoted fields of an embedded struct
				if ft := memberType(f.Type, key); ft != nil {
					return ft
				}
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.IsExported() && name == key {
				return f.Type
			}
		}
	}
	return nil
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// loneSurrogate returns the offset of a \uD800-\uDFFF escape inside a
// string that is not a high surrogate followed by a low one, -1 when there
// is none. encoding/json would silently turn it into U+FFFD.
func loneSurrogate(b []byte) int {
	inString := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(b):
			if b[i+1] != 'u' {
				i++ // skip the escaped character
				continue
			}
			r, ok := hex4(b, i+2)
			switch {
			case !ok:
				i++
				continue
			case r >= 0xD800 && r <= 0xDBFF:
				lo, ok := hex4(b, i+8)
				if !ok || b[i+6] != '\\' || b[i+7] != 'u' || lo < 0xDC00 || lo > 0xDFFF {
					return i
				}
				i += 11
			case r >= 0xDC00 && r <= 0xDFFF:
				return i
			default:
				i += 5
			}
		}
	}
	return -1
}

// hex4 reads four hex digits at b[at:]; ok is false when there are not.
func hex4(b []byte, at int) (rune, bool) {
	if at < 0 || at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
