package inventory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The audit log is a hash chain. Each row stores prev_hash, the hash of the
// row before it ("" for the first row), and
//
//	hash = hex(SHA-256(prev_hash || canonical JSON of the row))
//
// where prev_hash is taken as its 64 ASCII hex characters. The canonical JSON
// of a row is one object with exactly these members, in this order, no
// spaces, no HTML escaping:
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

// canonical is the member order of the canonical JSON.
type canonical struct {
	At        string          `json:"at"`
	Actor     string          `json:"actor"`
	TokenKey  string          `json:"token_key"`
	IP        string          `json:"ip"`
	RequestID string          `json:"request_id"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  int64           `json:"entity_id"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
}

// canonicalJSON is the row's canonical form (see above).
func (r *chainRow) canonicalJSON() ([]byte, error) {
	before, err := canonicalDoc(r.Before)
	if err != nil {
		return nil, fmt.Errorf("inventory: audit row %d before: %w", r.ID, err)
	}
	after, err := canonicalDoc(r.After)
	if err != nil {
		return nil, fmt.Errorf("inventory: audit row %d after: %w", r.ID, err)
	}
	return encodeCanonical(canonical{
		At: r.At.UTC().Format(time.RFC3339Nano), Actor: r.Actor, TokenKey: r.TokenKey, IP: r.IP,
		RequestID: r.RequestID, Action: r.Action, Entity: r.Entity, EntityID: r.EntityID,
		Before: before, After: after,
	})
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
func canonicalDoc(raw RawJSON) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return json.RawMessage("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return encodeCanonical(normalNumbers(v))
}

// normalNumbers rewrites every number of a decoded document in its one form.
func normalNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalNumbers(e)
		}
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return v
}

// encodeCanonical writes v without spaces or HTML escaping; maps come out
// with their keys sorted (encoding/json sorts them).
func encodeCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
