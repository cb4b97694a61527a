package inventory

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The canonical form and the hash are exactly what docs/auditor.md says: the
// expected values were computed outside Go (Python's hashlib over the literal
// string), so an auditor can recompute a chain with any tool.
func TestChainHashKnownAnswer(t *testing.T) {
	r := chainRow{
		At:    time.Date(2026, 11, 30, 9, 2, 3, 456789000, time.FixedZone("CST", 8*3600)),
		Actor: "wang.fang", TokenKey: "k3y9", IP: "10.20.30.40", RequestID: "req-7f3a",
		Action: "update", Entity: "device", EntityID: 12,
		// members out of order, spaces, numbers in other forms: as jsonb or
		// encoding/json may have written them
		Before: RawJSON(`{"name": "<机柜> & A", "b": 1.50, "a": [1e2, 100, 0.1]}`),
	}
	const canon = `{"at":"2026-11-30T01:02:03.456789Z","actor":"wang.fang","token_key":"k3y9","ip":"10.20.30.40",` +
		`"request_id":"req-7f3a","action":"update","entity":"device","entity_id":12,` +
		`"before":{"a":[100,100,0.1],"b":1.5,"name":"<机柜> & A"},"after":null}`
	got, err := r.canonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != canon {
		t.Fatalf("canonical JSON\n got %s\nwant %s", got, canon)
	}
	for _, tc := range []struct{ prev, want string }{
		{"", "4d9f9c7a89f5480a8a409340946ccddd9de686e75e3a57fa7fb3b0e4b06150a9"},
		{strings.Repeat("0", 64), "fecc39f80d21ce616116fc9b6ff06f5a85081168b0ca6c62a2fbb7ca0b29e793"},
	} {
		if h, err := r.hashAfter(tc.prev); err != nil || h != tc.want {
			t.Errorf("hash after %q = %s (%v), want %s", tc.prev, h, err, tc.want)
		}
	}
}

// Documents that differ only in how they were written hash alike; documents
// that differ in a value do not.
func TestCanonicalDoc(t *testing.T) {
	cases := []struct {
		name, a, b string
		same       bool
	}{
		{"member order and spaces", `{"a":1,"b":"x"}`, `{ "b" : "x", "a" : 1 }`, true},
		{"trailing zeros", `{"v":1.50}`, `{"v":1.5}`, true},
		{"exponent", `{"v":1e21}`, `{"v":1000000000000000000000}`, true},
		{"escapes", `{"v":"\u003c&"}`, `{"v":"<&"}`, true},
		{"none and null", ``, `null`, true},
		{"another value", `{"v":1}`, `{"v":2}`, false},
		{"a string is not a number", `{"v":"1"}`, `{"v":1}`, false},
		{"nested order matters in arrays", `{"v":[1,2]}`, `{"v":[2,1]}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := canonicalDoc(RawJSON(tc.a))
			if err != nil {
				t.Fatal(err)
			}
			b, err := canonicalDoc(RawJSON(tc.b))
			if err != nil {
				t.Fatal(err)
			}
			if (string(a) == string(b)) != tc.same {
				t.Errorf("%s vs %s: %s and %s", tc.a, tc.b, a, b)
			}
		})
	}
}

// BenchmarkChainHash is the CPU the chain adds to a write: the canonical form
// and hash of a device-sized audit row (before and after of ~1 kB each).
func BenchmarkChainHash(b *testing.B) {
	doc := RawJSON(`{"id":4711,"name":"db-01","kind":"server","manufacturer":"Inspur","model":"NF5280M6",` +
		`"serial":"SN-000123","asset_tag":"ZW-2026-0001","unit_id":3,"project_id":null,"rack_id":12,"position":20,` +
		`"u_height":2,"face":"front","full_depth":true,"status":"planned","mgmt_ip":"10.1.2.3","snmp_profile_id":1,` +
		`"specs":{"cpu_cores":64,"memory_gb":512,"storage_gb":7680,"ports":4},"last_polled_at":null,` +
		`"poll_status":"never","drift":[],"created_at":"2026-11-30T01:02:03.456789Z","updated_at":"2026-11-30T01:02:03.456789Z"}`)
	r := chainRow{At: time.Now(), Actor: "wang.fang", TokenKey: "k3y9", IP: "10.20.30.40", RequestID: "req-7f3a",
		Action: "update", Entity: "device", EntityID: 4711, Before: doc, After: doc}
	prev := strings.Repeat("ab", 32)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.hashAfter(prev); err != nil {
			b.Fatal(err)
		}
	}
}

// appendString writes strings as encoding/json does without HTML escaping.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " back \ slash`, "ctl \b\f\n\r\t \x00\x01\x1f end",
		"<机柜> & 'A'", "line\u2028para\u2029", "emoji 🖥", "\x7f del"} {
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(buf.String(), "\n")
		if got := string(appendString(nil, s)); got != want {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}
