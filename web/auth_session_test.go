package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/web"
)

// browser is a cookie session: the session cookie and its CSRF token.
type browser struct {
	c      *client
	cookie string
	csrf   string
}

// signIn signs in with POST /api/v1/session.
func (c *client) signIn(t *testing.T, username, password string) *browser {
	t.Helper()
	js, _ := json.Marshal(obj{"username": username, "password": password})
	req := httptest.NewRequest("POST", "/api/v1/session", bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	res := c.send(t, req)
	me := res.want(t, 200)
	var cookie string
	for _, ck := range (&http.Response{Header: res.header}).Cookies() {
		if ck.Name == web.SessionCookie {
			cookie = ck.Value
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", ck)
			}
		}
	}
	csrf, _ := me["csrf_token"].(string)
	if name, _ := me["username"].(string); cookie == "" || csrf == "" || !strings.EqualFold(name, username) {
		t.Fatalf("sign-in: cookie %q, me %v", cookie, me)
	}
	return &browser{c: c, cookie: cookie, csrf: csrf}
}

// req makes a cookie-authenticated request; headers are pairs.
func (b *browser) req(t *testing.T, method, path, contentType, body string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: b.cookie})
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.c.send(t, req)
}

func TestCSRF(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		b := c.signIn(t, "admin", testPassword)
		unit := `{"code": "CSRF%d", "name": "x"}`
		n := 0
		next := func() string { n++; return strings.Replace(unit, "%d", string(rune('A'+n)), 1) }
		const js = "application/json"
		wantErr(t, b.req(t, "POST", "/api/v1/units", js, next()), 403, "forbidden", "")
		wantErr(t, b.req(t, "POST", "/api/v1/units", js, next(), "X-CSRF-Token", b.csrf+"x"), 403, "forbidden", "")
		wantErr(t, b.req(t, "POST", "/api/v1/units", js, next(), "X-CSRF-Token", b.csrf, "Sec-Fetch-Site", "cross-site"), 403, "forbidden", "")
		wantErr(t, b.req(t, "POST", "/api/v1/units", js, next(), "X-CSRF-Token", b.csrf, "Origin", "https://evil.example"), 403, "forbidden", "")
		wantErr(t, b.req(t, "POST", "/api/v1/units", "text/plain", next(), "X-CSRF-Token", b.csrf), 415, "unsupported_media_type", "")
		wantErr(t, b.req(t, "POST", "/api/v1/units", "application/x-www-form-urlencoded",
			"csrf_token="+url.QueryEscape(b.csrf)+"&code=X"), 415, "unsupported_media_type", "")
		if _, total := c.list(t, "/api/v1/units?q=CSRF"); total != 0 {
			t.Fatalf("a refused request wrote %d units", total)
		}
		b.req(t, "POST", "/api/v1/units", js, next(), "X-CSRF-Token", b.csrf, "Origin", "http://example.com",
			"Sec-Fetch-Site", "same-origin").want(t, 201)
		// Safe methods need no token; a bearer token needs none either.
		b.req(t, "GET", "/api/v1/units", "", "").want(t, 200)
		wantErr(t, c.do(t, "POST", "/api/v1/units", "x"), 400, "bad_request", "")
		req := httptest.NewRequest("POST", "/api/v1/units", strings.NewReader(next()))
		req.Header.Set("Content-Type", "text/plain")
		c.authorize(req)
		wantErr(t, c.send(t, req), 415, "unsupported_media_type", "")
	})
}

func TestSessionsAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		a := c.signIn(t, "admin", testPassword)
		b := c.signIn(t, "ADMIN", testPassword)
		if a.cookie == b.cookie {
			t.Fatal("two sign-ins share a session")
		}
		var list struct {
			Items []inventory.Session `json:"items"`
			Total int                 `json:"total"`
		}
		res := a.req(t, "GET", "/api/v1/me/sessions", "", "")
		if err := json.Unmarshal(res.raw, &list); err != nil || list.Total != 2 || !list.Items[1].Current || list.Items[0].Current {
			t.Fatalf("sessions = %s (%v)", res.raw, err)
		}
		// a ends b, then signs out; both cookies are refused afterwards.
		a.req(t, "DELETE", "/api/v1/me/sessions/"+itoa(list.Items[0].ID), "", "", "X-CSRF-Token", a.csrf).want204(t)
		wantErr(t, b.req(t, "GET", "/api/v1/me", "", ""), 401, "unauthorized", "")
		a.req(t, "DELETE", "/api/v1/session", "", "", "X-CSRF-Token", a.csrf).want204(t)
		wantErr(t, a.req(t, "GET", "/api/v1/me", "", ""), 401, "unauthorized", "")
		wantErr(t, c.do(t, "DELETE", "/api/v1/session", nil), 400, "bad_request", "")

		rows, _ := c.list(t, "/api/v1/audit?entity=session")
		actions := map[any]int{}
		for _, r := range rows {
			actions[r["action"]]++
		}
		if actions["sign_in"] != 2 || actions["sign_out"] != 2 {
			t.Errorf("session audit = %v", actions)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSignInAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		// The same answer for an unknown user and a wrong password.
		for _, body := range []obj{{"username": "nobody", "password": testPassword}, {"username": "admin", "password": "wrong"}} {
			d := wantErr(t, c.anonymous().inLang("").do(t, "POST", "/api/v1/session", body), 401, "unauthorized", "")
			if message(d) != "用户名或密码错误" {
				t.Errorf("%v: %q", body, message(d))
			}
		}
		wantErr(t, c.anonymous().do(t, "POST", "/api/v1/session", obj{"user": "admin"}), 400, "validation", "user")
		for range 4 { // five wrong passwords in all
			c.anonymous().do(t, "POST", "/api/v1/session", obj{"username": "admin", "password": "wrong"})
		}
		d := wantErr(t, c.anonymous().inLang("").do(t, "POST", "/api/v1/session", obj{"username": "admin", "password": testPassword}),
			401, "unauthorized", "")
		if !strings.Contains(message(d), "锁定") {
			t.Errorf("locked user: %q", message(d))
		}
		// Tokens keep working while the user is locked out of sign-in.
		c.get(t, "/api/v1/me")
	})
}

func TestSignInRateLimit(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		cfg := c.cfg
		cfg.SignInLimit = 3
		limited := *c
		limited.app = web.New(cfg)
		for i := range 3 {
			limited.anonymous().do(t, "POST", "/api/v1/session", obj{"username": "x" + itoa(int64(i)), "password": "y"})
		}
		r := limited.anonymous().do(t, "POST", "/api/v1/session", obj{"username": "admin", "password": testPassword})
		wantErr(t, r, 429, "too_many_requests", "")
		if ra := r.header.Get("Retry-After"); !regexp.MustCompile(`^[1-9][0-9]?$`).MatchString(ra) {
			t.Errorf("Retry-After %q", ra)
		}
	})
}

func TestMustChangePassword(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		created := c.create(t, "/api/v1/users", obj{"username": "li", "role": "operator", "display_name": "李"})
		pw, _ := created["password"].(string)
		if created["must_change_password"] != true || len(pw) < 10 {
			t.Fatalf("created = %v", created)
		}
		b := c.signIn(t, "li", pw)
		d := wantErr(t, b.req(t, "GET", "/api/v1/units", "", ""), 403, "forbidden", "")
		if !strings.Contains(message(d), "/api/v1/me/password") {
			t.Errorf("message %q does not say what to do", message(d))
		}
		b.req(t, "GET", "/api/v1/me", "", "").want(t, 200)
		body := func(next string) string {
			return string(must(json.Marshal(obj{"current_password": pw, "password": next})))
		}
		d = wantErr(t, b.req(t, "POST", "/api/v1/me/password?lang=en", "application/json", body("short"), "X-CSRF-Token", b.csrf),
			400, "validation", "password")
		if !strings.Contains(fieldMsg(d, "password"), "at least 10 characters") {
			t.Errorf("rule message %q", fieldMsg(d, "password"))
		}
		d = wantErr(t, b.req(t, "POST", "/api/v1/me/password", "application/json", body("Password123!"), "X-CSRF-Token", b.csrf),
			400, "validation", "password")
		if !strings.Contains(fieldMsg(d, "password"), "常见") {
			t.Errorf("rule message %q", fieldMsg(d, "password"))
		}
		b.req(t, "POST", "/api/v1/me/password", "application/json", body("Jishou-Jifang-88"), "X-CSRF-Token", b.csrf).want204(t)
		b.req(t, "GET", "/api/v1/units", "", "").want(t, 200)
		c.signIn(t, "li", "Jishou-Jifang-88")
	})
}

func TestTokensAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		ro := c.create(t, "/api/v1/me/tokens", obj{"description": "report script"})
		text, _ := ro["token"].(string)
		if ro["write_enabled"] != false || !strings.HasPrefix(text, "hr_") {
			t.Fatalf("token = %v", ro)
		}
		reader := *c
		reader.token = text
		reader.get(t, "/api/v1/units")
		d := wantErr(t, reader.inLang("").do(t, "POST", "/api/v1/units", obj{"code": "RO", "name": "x"}), 403, "forbidden", "")
		if !strings.Contains(message(d), "只读") {
			t.Errorf("read-only message %q", message(d))
		}
		wantErr(t, reader.do(t, "DELETE", "/api/v1/me/tokens/"+itoa(idOf(t, ro)), nil), 403, "forbidden", "")

		fenced := c.create(t, "/api/v1/me/tokens", obj{"allowed_ips": []string{"10.0.0.0/8"}})
		elsewhere := *c
		elsewhere.token = fenced["token"].(string)
		wantErr(t, elsewhere.do(t, "GET", "/api/v1/units", nil), 403, "forbidden", "")

		list, total := c.list(t, "/api/v1/me/tokens")
		if total != 3 { // the test client's own and these two
			t.Fatalf("tokens: %d", total)
		}
		for _, tok := range list {
			if _, has := tok["token"]; has {
				t.Errorf("a listed token shows its secret: %v", tok)
			}
		}
		c.do(t, "DELETE", "/api/v1/me/tokens/"+itoa(idOf(t, ro)), nil).want204(t)
		wantErr(t, reader.do(t, "GET", "/api/v1/units", nil), 401, "unauthorized", "")
		for _, bad := range []string{"Bearer nope", "Basic YWRtaW46eA==", "Bearer " + text} {
			req := httptest.NewRequest("GET", "/api/v1/units", nil)
			req.Header.Set("Authorization", bad)
			wantErr(t, c.send(t, req), 401, "unauthorized", "")
		}
		// An administrator makes tokens for others; a disabled user's stop.
		op := c.create(t, "/api/v1/users", obj{"username": "ops", "role": "operator", "password": "Jishou-Jifang-88"})
		tok := c.create(t, "/api/v1/tokens", obj{"user_id": idOf(t, op), "write_enabled": true})
		opc := *c
		opc.token = tok["token"].(string)
		opc.create(t, "/api/v1/units", obj{"code": "OPS", "name": "运维"})
		wantErr(t, opc.do(t, "GET", "/api/v1/users", nil), 403, "forbidden", "action")
		c.patch(t, "/api/v1/users/"+itoa(idOf(t, op)), obj{"status": "disabled"})
		wantErr(t, opc.do(t, "GET", "/api/v1/units", nil), 401, "unauthorized", "")
	})
}

func TestUsersAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "USR")
		runValidation(t, c, "POST", "/api/v1/users", []validationCase{
			{"no unit for unit staff", obj{"username": "u1", "role": "unit_staff"}, "unit_id", "required"},
			{"bad role", obj{"username": "u1", "role": "root"}, "role", ""},
			{"weak password", obj{"username": "u1", "role": "auditor", "password": "abc"}, "password", "10"},
		})
		staff := c.create(t, "/api/v1/users", obj{"username": "Staff", "role": "unit_staff", "unit_id": unit, "password": "Jishou-Jifang-88"})
		if staff["unit_code"] != "USR" || staff["password"] != nil {
			t.Errorf("created = %v", staff)
		}
		wantErr(t, c.do(t, "POST", "/api/v1/users", obj{"username": "staff", "role": "auditor"}), 409, "conflict", "username")
		id := itoa(idOf(t, staff))
		if got := c.patch(t, "/api/v1/users/"+id, obj{"role": "planner", "unit_id": nil}); got["role"] != "planner" || got["unit_id"] != nil {
			t.Errorf("patched = %v", got)
		}
		reset := c.do(t, "POST", "/api/v1/users/"+id+"/password", nil).want(t, 200)
		if pw, _ := reset["password"].(string); len(pw) < 10 || reset["must_change_password"] != true {
			t.Errorf("reset = %v", reset)
		}
		users, total := c.list(t, "/api/v1/users?role=planner")
		if total != 1 || users[0]["username"] != "Staff" {
			t.Errorf("planners = %v", users)
		}
		wantErr(t, c.do(t, "DELETE", "/api/v1/users/"+itoa(idOf(t, c.get(t, "/api/v1/me"))), nil), 400, "validation", "id")
		c.do(t, "DELETE", "/api/v1/users/"+id, nil).want204(t)
		wantErr(t, c.do(t, "GET", "/api/v1/users/"+id, nil), 404, "not_found", "")
	})
}

// A browser uploads a document as a form that carries the CSRF token.
func TestCSRFUploadForm(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		pid := idOf(t, c.create(t, "/api/v1/projects", projectBody("CSRF-UP", c.unit(t, "CUP"))))
		b := c.signIn(t, "admin", testPassword)
		upload := func(csrf string) response {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			for k, v := range map[string]string{"type": "project_plan", "title": "建设方案", "csrf_token": csrf} {
				if err := w.WriteField(k, v); err != nil {
					t.Fatal(err)
				}
			}
			fw, _ := w.CreateFormFile("file", "plan.pdf")
			_, _ = fw.Write([]byte("%PDF-1.4 plan"))
			_ = w.Close()
			return b.req(t, "POST", "/api/v1/projects/"+itoa(pid)+"/documents", w.FormDataContentType(), body.String())
		}
		wantErr(t, upload("wrong"), 403, "forbidden", "")
		upload(b.csrf).want(t, 201)
	})
}

// Many requests with several tokens, one after another: each is still
// recognised (fiber reuses request memory, so whatever the token cache keeps
// must be its own copy).
func TestTokensAcrossRequests(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		clients := []*client{c, c.as(t, "auditor"), c.as(t, "planner")}
		for i := range 300 {
			who := clients[i%len(clients)]
			if me := who.get(t, "/api/v1/me"); me["username"] != who.user {
				t.Fatalf("request %d: %v, want %s", i, me["username"], who.user)
			}
		}
	})
}
