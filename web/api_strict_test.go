package web_test

import (
	"strings"
	"testing"
)

// TestNullRule: null clears a nullable field and is a 400 naming any other;
// a body that is not a JSON object is a 400 and writes nothing.
func TestNullRule(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit, _, rack := c.rackIn(t, "NULL", 42)
		dev := c.device(t, unit, "n1", obj{"mgmt_ip": "10.0.0.9", "rack_id": rack, "position": 3,
			"specs": obj{"memory_gb": 64}})
		item := p("/api/v1/devices/%d", idOf(t, dev))
		pid := idOf(t, c.create(t, "/api/v1/projects", projectBody("NULL-1", unit)))
		spec := c.create(t, p("/api/v1/projects/%d/spec-items", pid),
			obj{"kind": "server", "quantity": 1, "requirements": []obj{specReq("memory_gb", "min", 128)}})
		specItem := p("/api/v1/projects/%d/spec-items/%d", pid, idOf(t, spec))
		audit := c.auditTotal(t)
		for _, tc := range []struct{ name, method, path, body, field string }{
			{"PATCH not-null string", "PATCH", item, `{"mgmt_ip": null}`, "mgmt_ip"},
			{"PATCH not-null number", "PATCH", item, `{"u_height": null}`, "u_height"},
			{"PATCH not-null object", "PATCH", item, `{"specs": null}`, "specs"},
			{"PATCH not-null bool", "PATCH", item, `{"full_depth": null}`, "full_depth"},
			{"POST not-null", "POST", "/api/v1/units", `{"code": "X", "name": null}`, "name"},
			{"POST not-null list", "POST", "/api/v1/projects", `{"code": "N-2", "unit_ids": null}`, "unit_ids"},
			{"PATCH spec requirements", "PATCH", specItem, `{"requirements": null}`, "requirements"},
			{"PATCH null in a list", "PATCH", specItem, `{"requirements": [null]}`, "requirements[0]"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := wantErr(t, c.do(t, tc.method, tc.path, tc.body), 400, "validation", tc.field)
				if !strings.Contains(fieldMsg(d, tc.field), "null") {
					t.Errorf("message %q does not say null", fieldMsg(d, tc.field))
				}
			})
		}
		for _, body := range []string{`null`, `[]`, `"x"`, `42`, `true`} {
			t.Run("body "+body, func(t *testing.T) {
				wantErr(t, c.do(t, "PATCH", item, body), 400, "bad_request", "")
				wantErr(t, c.do(t, "POST", "/api/v1/units", body), 400, "bad_request", "")
			})
		}
		t.Run("nothing changed", func(t *testing.T) {
			got := c.get(t, item)
			if got["mgmt_ip"] != "10.0.0.9" || got["u_height"] == nil {
				t.Errorf("device after refused nulls: %v", got)
			}
			if reqs, _ := c.get(t, specItem)["requirements"].([]any); len(reqs) != 1 {
				t.Errorf("requirements after refused null = %v, want the one requirement", reqs)
			}
			if got := c.auditTotal(t); got != audit {
				t.Errorf("audit rows %d after refused writes, want %d", got, audit)
			}
		})
		t.Run("null clears a nullable field", func(t *testing.T) {
			got := c.patch(t, item, obj{"rack_id": nil, "position": nil, "specs": obj{"memory_gb": nil}})
			if got["rack_id"] != nil || got["position"] != nil {
				t.Errorf("rack_id, position = %v, %v after null; want cleared", got["rack_id"], got["position"])
			}
			if specs, _ := got["specs"].(obj); specs["memory_gb"] != nil {
				t.Errorf("specs.memory_gb = %v after null, want cleared", specs["memory_gb"])
			}
		})
	})
}

// TestStrictJSON: invalid UTF-8, lone surrogates and duplicate keys are a
// 400 on every JSON body, POST and PATCH alike, and nothing is written.
func TestStrictJSON(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "STRICT")
		item := p("/api/v1/units/%d", unit)
		audit := c.auditTotal(t)
		for _, tc := range []struct{ name, body, says string }{
			{"invalid UTF-8", "{\"code\": \"U1\", \"name\": \"bad \xff\xfe\"}", "UTF-8"},
			{"invalid UTF-8 in a key", "{\"code\": \"U1\", \"na\xc3me\": \"x\"}", "UTF-8"},
			{"lone high surrogate", `{"code": "U1", "name": "a\ud800b"}`, "surrogate"},
			{"lone low surrogate", `{"code": "U1", "name": "a\udc00"}`, "surrogate"},
			{"high surrogate then other escape", `{"code": "U1", "name": "\ud800\u0041"}`, "surrogate"},
			{"high surrogate at the end", `{"code": "U1", "name": "\ud83d"}`, "surrogate"},
			{"duplicate key", `{"code": "U1", "name": "a", "name": "b"}`, "duplicate"},
			{"duplicate nested key", `{"code": "U1", "name": "a", "x": {"k": 1, "k": 2}}`, "duplicate"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, req := range [][2]string{{"POST", "/api/v1/units"}, {"PATCH", item}} {
					d := wantErr(t, c.do(t, req[0], req[1], tc.body), 400, "bad_request", "")
					if !strings.Contains(message(d), tc.says) {
						t.Errorf("%s: message %q does not say %q", req[0], message(d), tc.says)
					}
				}
			})
		}
		t.Run("a surrogate pair is fine", func(t *testing.T) {
			got := c.patch(t, item, `{"name": "\ud83d\ude00 \\ud800 kept as text"}`)
			if got["name"] != "😀 \\ud800 kept as text" {
				t.Errorf("name = %q", got["name"])
			}
		})
		if got := c.auditTotal(t); got != audit+1 {
			t.Errorf("audit rows %d, want %d (only the good PATCH)", got, audit+1)
		}
	})
}

// TestMethodNotAllowed: a method a path does not take, or one HTTP does not
// know, answers 405 in the error shape with Allow; an unknown path stays 404.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		for _, tc := range []struct{ name, method, path, allow string }{
			{"PUT on a collection", "PUT", "/api/v1/units", "GET, POST"},
			{"POST on an item", "POST", "/api/v1/units/1", "GET, PATCH, DELETE"},
			{"unknown method", "FOO", "/api/v1/units", "GET, POST"},
			{"unknown method on an item", "BREW", "/api/v1/devices/3", "GET, PATCH, DELETE"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.do(t, tc.method, tc.path, nil)
				d := wantErr(t, r, 405, "method_not_allowed", "")
				if got := r.header.Get("Allow"); !sameMethods(got, tc.allow) {
					t.Errorf("Allow %q, want %q", got, tc.allow)
				}
				if !strings.Contains(message(d), tc.method) {
					t.Errorf("message %q does not name %s", message(d), tc.method)
				}
			})
		}
		wantErr(t, c.do(t, "FOO", "/api/v1/nope", nil), 404, "not_found", "")
	})
}

func sameMethods(a, b string) bool {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" && x != "HEAD" {
				m[x] = true
			}
		}
		return m
	}
	x, y := set(a), set(b)
	if len(x) != len(y) {
		return false
	}
	for k := range x {
		if !y[k] {
			return false
		}
	}
	return true
}

// TestUploadedFilenames: only a clean base name is stored; a name with
// nothing left becomes document-<id>.
func TestUploadedFilenames(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "FNAME")
		id := idOf(t, c.create(t, "/api/v1/projects", merge(projectBody("FN-1", unit), obj{"funding_source": "self"})))
		coll := p("/api/v1/projects/%d/documents", id)
		fields := map[string]string{"type": "technical_plan", "title": "方案"}
		for _, tc := range []struct{ name, sent, want string }{
			{"path and bidi override", "../../合同\u202efdp.exe", "合同fdp.exe"},
			{"windows path", `C:\tmp\方案.pdf`, "方案.pdf"},
			{"nothing left", "\u202e\u2066", "document-%d"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				d := c.uploadForm(t, coll, fields, tc.sent, []byte("%PDF-1.4 x")).want(t, 201)
				want := tc.want
				if strings.Contains(want, "%d") {
					want = p(want, idOf(t, d))
				}
				if d["filename"] != want {
					t.Errorf("filename %q, want %q", d["filename"], want)
				}
				r := c.do(t, "GET", p("%s/%d", coll, idOf(t, d)), nil)
				if cd := r.header.Get("Content-Disposition"); r.status != 200 || !strings.Contains(cd, "attachment") ||
					strings.ContainsAny(cd, "\r\n\u202e/") {
					t.Errorf("download: %d, Content-Disposition %q", r.status, cd)
				}
			})
		}
	})
}

// TestNoTextSearchMessage: a list without text search says which filters it
// has, or that it has none.
func TestNoTextSearchMessage(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		for _, tc := range []struct{ path, says string }{
			{"/api/v1/checks?q=x", "limit and offset"},
			{"/api/v1/audit?q=x", "filter with action, actor, entity"},
		} {
			t.Run(tc.path, func(t *testing.T) {
				d := wantErr(t, c.do(t, "GET", tc.path, nil), 400, "validation", "q")
				msg := fieldMsg(d, "q")
				if !strings.Contains(msg, tc.says) || strings.HasSuffix(strings.TrimSpace(msg), "with") {
					t.Errorf("q message %q, want one that says %q", msg, tc.says)
				}
			})
		}
	})
}
