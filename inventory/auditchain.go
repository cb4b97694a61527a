package inventory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The audit log is a hash chain. Each row stores prev_hash, the hash of the
// row before it ("" for the first row), and
//
//	hash = hex(SHA-256(prev_hash || canonical JSON of the row))
//
// where prev_hash is taken as its 64 ASCII hex characters. The canonical JSON
// of a row is one object with exactly these members, in this order, no
// spaces, strings escaped as appendString says (no HTML escaping):
//
//	{"at":…,"actor":…,"token_key":…,"ip":…,"request_id":…,"action":…,
//	 "entity":…,"entity_id":…,"before":…,"after":…}
//
// at is the time in UTC in RFC 3339 with up to nanoseconds (trailing zeros
// dropped, as Go's time.RFC3339Nano writes it; the application stores whole
// microseconds). before and after are the JSON documents as stored (null
// where there is none), re-encoded canonically: object members sorted by
// name, no spaces, numbers that are whole and fit in 64 bits as integers,
// other numbers in their shortest form ('g', as Go's strconv writes them).
// PostgreSQL's jsonb reorders members and rewrites numbers; this form is the
// same whichever database stored the row. The row's id is not hashed: order
// is guarded by the links, which a removed, moved or inserted row breaks.

// chainRow is an audit row as the chain sees it.
type chainRow struct {
	ID        int64     `db:"id"`
	At        time.Time `db:"at"`
	Actor     string    `db:"actor"`
	TokenKey  string    `db:"token_key"`
	IP        string    `db:"ip"`
	RequestID string    `db:"request_id"`
	Action    string    `db:"action"`
	Entity    string    `db:"entity"`
	EntityID  int64     `db:"entity_id"`
	Before    RawJSON   `db:"before"`
	After     RawJSON   `db:"after"`
	PrevHash  *string   `db:"prev_hash"`
	Hash      *string   `db:"hash"`
}

const chainCols = `id, at, actor, token_key, ip, request_id, action, entity, entity_id, before, after, prev_hash, hash`

// canonicalJSON is the row's canonical form (see above), written by hand:
// a fixed member order, and no second pass over before and after.
func (r *chainRow) canonicalJSON() ([]byte, error) {
	before, err := canonicalDoc(r.Before)
	if err != nil {
		return nil, fmt.Errorf("inventory: audit row %d before: %w", r.ID, err)
	}
	after, err := canonicalDoc(r.After)
	if err != nil {
		return nil, fmt.Errorf("inventory: audit row %d after: %w", r.ID, err)
	}
	b := make([]byte, 0, 200+len(before)+len(after))
	for _, m := range []struct{ name, val string }{
		{`{"at":`, r.At.UTC().Format(time.RFC3339Nano)}, {`,"actor":`, r.Actor}, {`,"token_key":`, r.TokenKey},
		{`,"ip":`, r.IP}, {`,"request_id":`, r.RequestID}, {`,"action":`, r.Action}, {`,"entity":`, r.Entity},
	} {
		b = appendString(append(b, m.name...), m.val)
	}
	b = strconv.AppendInt(append(b, `,"entity_id":`...), r.EntityID, 10)
	b = append(append(b, `,"before":`...), before...)
	b = append(append(b, `,"after":`...), after...)
	return append(b, '}'), nil
}

// chainHash is the hash of a row whose canonical form is canon, following prev.
func chainHash(prev string, canon []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

// hashAfter computes the row's hash as the successor of prev.
func (r *chainRow) hashAfter(prev string) (string, error) {
	canon, err := r.canonicalJSON()
	if err != nil {
		return "", err
	}
	return chainHash(prev, canon), nil
}

// canonicalDoc re-encodes a stored JSON document canonically; none is null.
func canonicalDoc(raw RawJSON) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return appendCanonical(make([]byte, 0, len(raw)), v), nil
}

// appendCanonical writes a decoded document: object members sorted by name
// (bytewise), no spaces, numbers in their one form.
func appendCanonical(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case json.Number:
		return append(b, normalNumber(x)...)
	case string:
		return appendString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonical(b, e)
		}
		return append(b, ']')
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonical(append(appendString(b, k), ':'), x[k])
		}
		return append(b, '}')
	}
	panic(fmt.Sprintf("inventory: canonical JSON of %T", v)) // json.Decoder makes none other
}

// normalNumber is a number's one form: whole numbers that fit in 64 bits as
// integers, any other in the shortest form that reads back the same float64.
func normalNumber(n json.Number) string {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return strconv.FormatInt(i, 10)
	}
	if f, err := strconv.ParseFloat(string(n), 64); err == nil {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return string(n)
}

// appendString writes s as a JSON string the way encoding/json does without
// HTML escaping: \" and \\ escaped, \b \f \n \r \t, other control
// characters and U+2028, U+2029 as \u00XX / \u20XX, all else as it is
// (decoded strings are valid UTF-8).
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\b':
			b = append(b, `\b`...)
		case r == '\f':
			b = append(b, `\f`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
