package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"hostroll/web"
)

// TestLoginChangePassword: a user with a generated password signs in on the
// page and is given the form to change it there, with the session's CSRF
// token; only then does the API answer them.
func TestLoginChangePassword(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		created := c.create(t, "/api/v1/users", obj{"username": "zhao", "role": "planner", "display_name": "赵"})
		generated, _ := created["password"].(string)

		page := c.page(t, "/login")
		var formCookie *http.Cookie
		for _, ck := range (&http.Response{Header: page.header}).Cookies() {
			if ck.Name == "hostroll_login_csrf" {
				formCookie = ck
			}
		}
		form := url.Values{"username": {"zhao"}, "password": {generated}, "csrf_token": {formToken(t, string(page.raw))}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(formCookie)
		signedIn := c.sendUnchecked(t, req)
		body := string(signedIn.raw)
		if signedIn.status != 200 || !strings.Contains(body, `action="/login/password"`) || !strings.Contains(body, "首次登录须先修改密码") {
			t.Fatalf("sign-in with a generated password: %d, no password form:\n%s", signedIn.status, body)
		}
		var session *http.Cookie
		for _, ck := range (&http.Response{Header: signedIn.header}).Cookies() {
			if ck.Name == web.SessionCookie {
				session = ck
			}
		}
		if session == nil {
			t.Fatal("no session cookie")
		}
		csrf := formToken(t, body) // the password form's token: the session's
		change := func(token, current, next, again string) response {
			f := url.Values{"csrf_token": {token}, "current_password": {current}, "password": {next}, "password_again": {again}}
			req := httptest.NewRequest("POST", "/login/password", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(session)
			return c.sendUnchecked(t, req)
		}
		api := func() int {
			req := httptest.NewRequest("GET", "/api/v1/units", nil)
			req.AddCookie(session)
			return c.sendUnchecked(t, req).status
		}
		const good = "Qiancheng-Jifang-27"
		tests := []struct {
			name                 string
			token, current, next string
			again                string
			status               int
			says                 string
		}{
			{"no CSRF token", "", generated, good, good, 403, "CSRF"},
			{"wrong current password", csrf, "Not-The-Password-1", good, good, 400, "当前密码"},
			{"too short", csrf, generated, "Ab1!", "Ab1!", 400, "10"},
			{"two new passwords differ", csrf, generated, good, good + "x", 400, "两次输入的新密码不一致"},
			{"containing the username", csrf, generated, "Zhao-Jifang-2027", "Zhao-Jifang-2027", 400, "新密码"},
		}
		for _, tt := range tests {
			r := change(tt.token, tt.current, tt.next, tt.again)
			if r.status != tt.status || !strings.Contains(string(r.raw), tt.says) {
				t.Errorf("%s: %d, want %d saying %q:\n%s", tt.name, r.status, tt.status, tt.says, r.raw)
			}
			if st := api(); st != 403 {
				t.Errorf("%s: the API answered %d before the password was changed, want 403", tt.name, st)
			}
		}
		r := change(csrf, generated, good, good)
		if r.status != 303 || r.header.Get("Location") != "/?done=password_changed" {
			t.Fatalf("change: %d %s\n%s", r.status, r.header.Get("Location"), r.raw)
		}
		home := httptest.NewRequest("GET", "/?done=password_changed", nil)
		home.AddCookie(session)
		if r := c.sendUnchecked(t, home); r.status != 200 || !strings.Contains(string(r.raw), "密码已修改") {
			t.Fatalf("home after the change: %d\n%s", r.status, r.raw)
		}
		if st := api(); st != 200 {
			t.Errorf("the API answered %d after the change, want 200", st)
		}
		c.signIn(t, "zhao", good)
		old := c.anonymous().do(t, "POST", "/api/v1/session", obj{"username": "zhao", "password": generated})
		wantErr(t, old, 401, "unauthorized", "")
	})
}
