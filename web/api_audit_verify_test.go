package web_test

import (
	"strings"
	"testing"
)

// GET /api/v1/audit/verify recomputes the chain: ok with the head, then, after
// a row is changed with plain SQL, not ok naming that row; the audit list
// shows the chain and the caller's fields.
func TestAuditVerify(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, _ := c.rackIn(t, "AV", 42)
		c.device(t, unit, "verified", obj{})
		v := c.get(t, "/api/v1/audit/verify?lang=en")
		var rows int64
		if err := c.store.DB().Get(&rows, `SELECT COUNT(*) FROM audit`); err != nil {
			t.Fatal(err)
		}
		if v["ok"] != true || intOf(t, v["checked"]) != rows || rows < 4 || v["first_bad_id"] != nil || v["problem"] != "" || v["head_hash"] == "" {
			t.Fatalf("intact chain: %v", v)
		}
		items, _ := c.list(t, "/api/v1/audit?limit=2")
		for _, f := range []string{"token_key", "ip", "request_id", "prev_hash", "hash"} {
			if _, ok := items[0][f]; !ok {
				t.Errorf("audit rows lack %s: %v", f, items[0])
			}
		}
		if items[0]["prev_hash"] != items[1]["hash"] || items[0]["hash"] != v["head_hash"] {
			t.Errorf("the newest row does not follow the one before: %v / %v", items[0], items[1])
		}
		second := intOf(t, items[1]["id"])
		if _, err := c.store.DB().Exec(c.store.DB().Rebind(`UPDATE audit SET entity_id = entity_id + 1 WHERE id = ?`), second); err != nil {
			t.Fatal(err)
		}
		v = c.inLang("").get(t, "/api/v1/audit/verify")
		if v["ok"] != false || intOf(t, v["first_bad_id"]) != second || v["problem"] != "changed" {
			t.Fatalf("changed row %d: %v", second, v)
		}
		if reason, _ := v["reason"].(string); reason == "" || reason[0] < 0x80 {
			t.Errorf("the reason is not in Chinese by default: %q", reason)
		}
	})
}

// An API write's audit row names the user, the token's key, the client
// address and the request id the response carried.
func TestAuditRowNamesTheRequest(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		r := c.do(t, "POST", "/api/v1/units", obj{"code": "RQ", "name": "请求", "kind": "county"})
		u := r.want(t, 201)
		reqID := r.header.Get("X-Request-Id")
		items, _ := c.list(t, p("/api/v1/audit?entity=unit&entity_id=%d", idOf(t, u)))
		if len(items) != 1 || reqID == "" {
			t.Fatalf("rows %v, request id %q", items, reqID)
		}
		a := items[0]
		key, _, _ := strings.Cut(strings.TrimPrefix(c.token, "hr_"), ".")
		if a["actor"] != c.user || a["request_id"] != reqID || a["token_key"] != key || a["ip"] == "" {
			t.Fatalf("the row does not name the request: %v (user %s, key %s, request %s)", a, c.user, key, reqID)
		}
	})
}
