package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/twofactor"
	"hostroll/web"
)

// pageSession is a browser on the sign-in page: its session cookie.
type pageSession struct {
	c       *client
	session *http.Cookie
}

// loginForm signs in on /login as a person would: the page, then the form.
func (c *client) loginForm(t *testing.T, username, password string) (response, *pageSession) {
	t.Helper()
	page := c.page(t, "/login")
	form := url.Values{"username": {username}, "password": {password}, "csrf_token": {formToken(t, string(page.raw))}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range (&http.Response{Header: page.header}).Cookies() {
		req.AddCookie(ck)
	}
	r := c.sendUnchecked(t, req)
	ps := &pageSession{c: c}
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == web.SessionCookie {
			ps.session = ck
		}
	}
	return r, ps
}

// post posts a form of the page with the session's CSRF token taken from
// the last page shown.
func (ps *pageSession) post(t *testing.T, path, lastPage string, fields url.Values) response {
	t.Helper()
	fields.Set("csrf_token", formToken(t, lastPage))
	req := httptest.NewRequest("POST", path, strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(ps.session)
	return ps.c.sendUnchecked(t, req)
}

func (ps *pageSession) get(t *testing.T, path string) response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(ps.session)
	return ps.c.sendUnchecked(t, req)
}

var secretOnPage = regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`)

// TestLoginTOTP: on the sign-in page an admin is shown the QR code right
// after the password and can do nothing else until confirming; the next
// sign-in asks for the code; /login/totp shows the state afterwards.
func TestLoginTOTP(t *testing.T) {
	eachTOTP(t, func(t *testing.T, c *client) {
		c.mkUser(t, "root5", inventory.RoleAdmin, nil)
		r, ps := c.loginForm(t, "root5", testPassword)
		body := string(r.raw)
		if r.status != 200 || !strings.Contains(body, `<img class="qr" src="data:image/png;base64,`) ||
			!strings.Contains(body, `action="/login/totp/confirm"`) || !strings.Contains(body, "绑定前不能使用其他功能") {
			t.Fatalf("sign-in of an admin without a second factor: %d\n%s", r.status, body)
		}
		if strings.Contains(body, "<script") || strings.Contains(body, "style=") {
			t.Fatal("inline script or style on the page (the CSP forbids it)")
		}
		if st := ps.get(t, "/api/v1/units").status; st != 403 {
			t.Fatalf("the API answered %d before enrolment, want 403", st)
		}
		m := secretOnPage.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no key on the page")
		}
		wrong := ps.post(t, "/login/totp/confirm", body, url.Values{"code": {"000000"}})
		if wrong.status != 400 || !strings.Contains(string(wrong.raw), "双因素认证码错误") {
			t.Fatalf("wrong code: %d\n%s", wrong.status, wrong.raw)
		}
		m = secretOnPage.FindStringSubmatch(string(wrong.raw)) // a new secret after a wrong code
		done := ps.post(t, "/login/totp/confirm", string(wrong.raw), url.Values{"code": {code(t, m[1], 0)}})
		if done.status != 200 || strings.Count(string(done.raw), "<li><code>") != 10 {
			t.Fatalf("confirm: %d\n%s", done.status, done.raw)
		}
		if st := ps.get(t, "/api/v1/units").status; st != 200 {
			t.Fatalf("the API answered %d after enrolment", st)
		}
		status := ps.get(t, "/login/totp")
		if status.status != 200 || !strings.Contains(string(status.raw), "双因素认证已启用，剩余恢复码 10 个") {
			t.Fatalf("/login/totp: %d\n%s", status.status, status.raw)
		}

		r, ps = c.loginForm(t, "root5", testPassword)
		if !strings.Contains(string(r.raw), `action="/login/code"`) {
			t.Fatalf("second sign-in: no code form\n%s", r.raw)
		}
		bad := ps.post(t, "/login/code", string(r.raw), url.Values{"code": {"999999"}})
		if bad.status != 401 || !strings.Contains(string(bad.raw), `action="/login/code"`) {
			t.Fatalf("wrong code on the page: %d\n%s", bad.status, bad.raw)
		}
		ok := ps.post(t, "/login/code", string(bad.raw), url.Values{"code": {code(t, m[1], twofactor.Period)}})
		if ok.status != 303 || ok.header.Get("Location") != "/" {
			t.Fatalf("code on the page: %d\n%s", ok.status, ok.raw)
		}
		if st := ps.get(t, "/api/v1/units").status; st != 200 {
			t.Fatalf("the API answered %d after the code", st)
		}
	})
}

// TestLoginTOTPVoluntary: a role that need not use a second factor may set
// one up from /login/totp (the account page's link).
func TestLoginTOTPVoluntary(t *testing.T) {
	eachTOTP(t, func(t *testing.T, c *client) {
		c.mkUser(t, "li", inventory.RolePlanner, nil)
		r, ps := c.loginForm(t, "li", testPassword)
		if strings.Contains(string(r.raw), "qr") {
			t.Fatal("a planner was made to enrol")
		}
		page := ps.get(t, "/login/totp")
		if page.status != 200 || !strings.Contains(string(page.raw), "尚未启用双因素认证") || !strings.Contains(string(page.raw), `action="/login/totp"`) {
			t.Fatalf("/login/totp: %d\n%s", page.status, page.raw)
		}
		start := ps.post(t, "/login/totp", string(page.raw), url.Values{})
		m := secretOnPage.FindStringSubmatch(string(start.raw))
		if start.status != 200 || m == nil {
			t.Fatalf("start: %d\n%s", start.status, start.raw)
		}
		done := ps.post(t, "/login/totp/confirm", string(start.raw), url.Values{"code": {code(t, m[1], 0)}})
		if done.status != 200 || strings.Count(string(done.raw), "<li><code>") != 10 {
			t.Fatalf("confirm: %d\n%s", done.status, done.raw)
		}
		again := ps.post(t, "/login/totp", string(page.raw), url.Values{})
		if again.status != 409 {
			t.Fatalf("a second enrolment: %d", again.status)
		}
	})
}

// TestPagesWaitForTheSecondFactor: a page sends an admin who must enrol to
// /login/totp; a session waiting for its code gets no page, and can sign
// out from the page's form.
func TestPagesWaitForTheSecondFactor(t *testing.T) {
	eachTOTP(t, func(t *testing.T, c *client) {
		c.mkUser(t, "root6", inventory.RoleAdmin, nil)
		r, ps := c.loginForm(t, "root6", testPassword)
		home := ps.get(t, "/")
		if home.status != 303 || home.header.Get("Location") != "/login/totp" {
			t.Fatalf("home page before enrolment: %d %q", home.status, home.header.Get("Location"))
		}
		m := secretOnPage.FindStringSubmatch(string(r.raw))
		if m == nil {
			t.Fatal("no key on the page")
		}
		ps.post(t, "/login/totp/confirm", string(r.raw), url.Values{"code": {code(t, m[1], 0)}})
		if home := ps.get(t, "/"); home.status != 200 {
			t.Fatalf("home page after enrolment: %d", home.status)
		}

		r, ps = c.loginForm(t, "root6", testPassword)
		if home := ps.get(t, "/"); home.status != 403 || !strings.Contains(string(home.raw), "双因素认证码") {
			t.Fatalf("home page while waiting for the code: %d\n%s", home.status, home.raw)
		}
		out := ps.post(t, "/logout", string(r.raw), url.Values{})
		if out.status != 303 || out.header.Get("Location") != "/login" {
			t.Fatalf("sign out while waiting for the code: %d", out.status)
		}
		if st := ps.get(t, "/api/v1/me").status; st != 401 {
			t.Fatalf("the session outlived the sign-out: %d", st)
		}
	})
}
