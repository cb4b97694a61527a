package web_test

import (
	"bytes"
	"testing"
)

// Secrets used in these tests; none may ever appear in a response.
const (
	community  = "Pr1vate-Commun1ty-7c4e"
	authPass   = "auth-Passphrase-91ab"
	privPass   = "priv-Passphrase-33fd"
	community2 = "N3w-Community-0d0d"
	authPass2  = "auth-Rotated-55aa"
)

var secrets = []string{community, authPass, privPass, community2, authPass2}

// noSecrets fails when any test secret occurs in a response body.
func noSecrets(t *testing.T, what string, r response) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(r.raw, []byte(s)) {
			t.Errorf("%s: response contains the secret %q: %s", what, s, r.raw)
		}
	}
}

func wantHas(t *testing.T, o obj, community, auth, priv bool) {
	t.Helper()
	for k, want := range map[string]bool{"has_community": community, "has_auth_passphrase": auth, "has_priv_passphrase": priv} {
		if got, ok := o[k].(bool); !ok || got != want {
			t.Errorf("%s = %v, want %v", k, o[k], want)
		}
	}
	for _, k := range []string{"community", "auth_passphrase", "priv_passphrase"} {
		if v, ok := o[k]; ok {
			t.Errorf("response has a %s key (%v); secrets are write-only", k, v)
		}
	}
}

func v3Body(name string) obj {
	return obj{"name": name, "version": "3", "username": "monitor", "auth_protocol": "SHA-256",
		"auth_passphrase": authPass, "priv_protocol": "AES", "priv_passphrase": privPass}
}

func TestSNMPSecrets(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		// every request of this test, with what it must answer
		step := func(what, method, path string, body any, status int) obj {
			t.Helper()
			r := c.do(t, method, path, body)
			noSecrets(t, what, r)
			if status == 204 {
				if r.status != 204 {
					t.Fatalf("%s: status %d, want 204: %s", what, r.status, r.raw)
				}
				return nil
			}
			return r.want(t, status)
		}

		v2 := step("create v2c", "POST", "/api/v1/snmp-profiles", obj{"name": "v2", "version": "2c", "community": community}, 201)
		wantHas(t, v2, true, false, false)
		if v2["version"] != "2c" || intOf(t, v2["port"]) != 161 || intOf(t, v2["timeout_ms"]) != 2000 ||
			intOf(t, v2["retries"]) != 1 || intOf(t, v2["max_repetitions"]) != 25 {
			t.Errorf("v2c defaults: %v", v2)
		}
		v2Item := p("/api/v1/snmp-profiles/%d", idOf(t, v2))
		v3 := step("create v3", "POST", "/api/v1/snmp-profiles", v3Body("v3"), 201)
		wantHas(t, v3, false, true, true)
		if v3["username"] != "monitor" || v3["auth_protocol"] != "SHA-256" || v3["priv_protocol"] != "AES" {
			t.Errorf("v3 = %v", v3)
		}
		v3Item := p("/api/v1/snmp-profiles/%d", idOf(t, v3))

		wantHas(t, step("get v2c", "GET", v2Item, nil, 200), true, false, false)
		wantHas(t, step("get v3", "GET", v3Item, nil, 200), false, true, true)
		step("list", "GET", "/api/v1/snmp-profiles", nil, 200)
		step("list v3", "GET", "/api/v1/snmp-profiles?version=3", nil, 200)

		// PATCHes that leave the secrets out keep them.
		got := step("patch v2c name", "PATCH", v2Item, obj{"name": "v2 renamed", "port": 1161}, 200)
		wantHas(t, got, true, false, false)
		got = step("patch v3 user", "PATCH", v3Item, obj{"username": "poller", "auth_protocol": "SHA"}, 200)
		wantHas(t, got, false, true, true)
		if got["username"] != "poller" || got["auth_protocol"] != "SHA" {
			t.Errorf("patched v3 = %v", got)
		}
		// PATCHes that send new secrets still show none.
		wantHas(t, step("rotate community", "PATCH", v2Item, obj{"community": community2}, 200), true, false, false)
		wantHas(t, step("rotate passphrase", "PATCH", v3Item, obj{"auth_passphrase": authPass2}, 200), false, true, true)
		// Switching v3 to v2c drops the passphrases.
		v3to2 := step("create another v3", "POST", "/api/v1/snmp-profiles", v3Body("v3b"), 201)
		got = step("v3 to v2c", "PATCH", p("/api/v1/snmp-profiles/%d", idOf(t, v3to2)), obj{"version": "2c", "community": community}, 200)
		wantHas(t, got, true, false, false)
		if got["username"] != "" || got["auth_protocol"] != "" {
			t.Errorf("v2c profile keeps v3 settings: %v", got)
		}

		// Refused writes must not echo secrets either.
		step("short passphrase", "PATCH", v3Item, obj{"priv_passphrase": "short"}, 400)
		step("duplicate name", "POST", "/api/v1/snmp-profiles", obj{"name": "v3", "version": "2c", "community": community}, 409)
		wantHas(t, step("get v3 after refused patch", "GET", v3Item, nil, 200), false, true, true)

		dev := c.device(t, c.unit(t, "SN"), "polled", obj{"snmp_profile_id": idOf(t, v2), "mgmt_ip": "10.9.9.9"})
		step("delete in use", "DELETE", v2Item, nil, 409)
		step("list devices", "GET", p("/api/v1/devices/%d", idOf(t, dev)), nil, 200)
		step("delete device", "DELETE", p("/api/v1/devices/%d", idOf(t, dev)), nil, 204)
		step("delete v2c", "DELETE", v2Item, nil, 204)

		audit := step("audit", "GET", "/api/v1/audit?entity=snmp_profile&limit=1000", nil, 200)
		if n := intOf(t, audit["total"]); n != 9 {
			t.Errorf("snmp_profile audit rows = %d, want 9 (3 creates, 5 updates, 1 delete)", n)
		}
		step("whole audit", "GET", "/api/v1/audit?limit=1000", nil, 200)
	})
}

func TestSNMPValidation(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		v2 := obj{"name": "p", "version": "2c", "community": community}
		v3 := v3Body("p")
		cases := []validationCase{
			{"name missing", without(v2, "name"), "name", "required"},
			{"bad version", merge(v2, obj{"version": "1"}), "version", "2c, 3"},
			{"v2c community missing", without(v2, "community"), "community", "required"},
			{"v2c community too long", merge(v2, obj{"community": string(bytes.Repeat([]byte("c"), 129))}), "community", "128"},
			{"v3 username missing", without(v3, "username"), "username", "required"},
			{"v3 auth protocol MD5", merge(v3, obj{"auth_protocol": "MD5"}), "auth_protocol", "SHA, SHA-256"},
			{"v3 auth protocol missing", without(v3, "auth_protocol"), "auth_protocol", "SHA, SHA-256"},
			{"v3 priv protocol DES", merge(v3, obj{"priv_protocol": "DES"}), "priv_protocol", "AES"},
			{"v3 auth passphrase missing", without(v3, "auth_passphrase"), "auth_passphrase", "8"},
			{"v3 auth passphrase 7 chars", merge(v3, obj{"auth_passphrase": "1234567"}), "auth_passphrase", "8"},
			{"v3 priv passphrase 7 chars", merge(v3, obj{"priv_passphrase": "abcdefg"}), "priv_passphrase", "8"},
			{"port 0", merge(v2, obj{"port": 0}), "port", "65535"},
			{"port 65536", merge(v2, obj{"port": 65536}), "port", "65535"},
			{"timeout 0", merge(v2, obj{"timeout_ms": 0}), "timeout_ms", ""},
			{"retries 11", merge(v2, obj{"retries": 11}), "retries", ""},
			{"max_repetitions 0", merge(v2, obj{"max_repetitions": 0}), "max_repetitions", ""},
		}
		runValidation(t, c, "POST", "/api/v1/snmp-profiles", cases)
		for _, tc := range cases {
			t.Run(tc.name+" no echo", func(t *testing.T) {
				noSecrets(t, tc.name, c.do(t, "POST", "/api/v1/snmp-profiles", tc.body))
			})
		}
		if _, total := c.list(t, "/api/v1/snmp-profiles"); total != 0 {
			t.Fatalf("%d profiles after refused POSTs, want 0", total)
		}
		c.create(t, "/api/v1/snmp-profiles", merge(v3, obj{"auth_passphrase": "12345678", "priv_passphrase": "abcdefgh"}))
		wantErr(t, c.do(t, "POST", "/api/v1/snmp-profiles", v2), 409, "conflict", "name")
		wantErr(t, c.do(t, "GET", "/api/v1/snmp-profiles?version=1", nil), 400, "validation", "version")
	})
}
