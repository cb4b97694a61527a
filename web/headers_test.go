package web_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"hostroll/web"
)

func TestSecurityHeaders(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		seen := map[string]bool{}
		for _, r := range []response{
			c.do(t, "GET", "/api/v1/units", nil),
			c.do(t, "GET", "/api/v1/units/999", nil),
			c.anonymous().do(t, "GET", "/api/v1/devices", nil),
			c.page(t, "/login"),
			c.do(t, "GET", "/no/such/page", nil),
		} {
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
				"X-Frame-Options": "DENY"} {
				if got := r.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q (status %d)", k, got, want, r.status)
				}
			}
			csp := r.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q", csp)
			}
			id := r.header.Get("X-Request-Id")
			if len(id) < 16 || seen[id] {
				t.Errorf("X-Request-Id %q (repeated: %v)", id, seen[id])
			}
			seen[id] = true
		}
	})
}

// health is open and says no more than status, dialect and versions.
func TestHealthOpen(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		h := c.anonymous().do(t, "GET", "/api/v1/health", nil).want(t, 200)
		for k := range h {
			switch k {
			case "status", "dialect", "version", "schema_version", "schema_latest":
			default:
				t.Errorf("health reports %s", k)
			}
		}
		c.anonymous().do(t, "GET", "/api/v1/openapi.yaml", nil)
	})
}

func TestLoginPage(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		page := c.page(t, "/login")
		if page.status != 200 || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET /login: %d %s", page.status, page.header.Get("Content-Type"))
		}
		body := string(page.raw)
		for _, bad := range []string{"<script", "style=", "<style", "onclick"} {
			if strings.Contains(body, bad) {
				t.Errorf("the page has inline %s", bad)
			}
		}
		if !strings.Contains(body, "登录") || !strings.Contains(string(c.page(t, "/login?lang=en").raw), "Sign in") {
			t.Error("the page is not in Chinese by default and English with ?lang=en")
		}
		token := formToken(t, body)
		var formCookie *http.Cookie
		for _, ck := range (&http.Response{Header: page.header}).Cookies() {
			if ck.Name == "hostroll_login_csrf" {
				formCookie = ck
			}
		}
		if formCookie == nil || formCookie.Value != token {
			t.Fatalf("form cookie %v, token %q", formCookie, token)
		}
		post := func(token string, cookie *http.Cookie, pw string, headers ...string) response {
			form := url.Values{"username": {"admin"}, "password": {pw}, "csrf_token": {token}}
			req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if cookie != nil {
				req.AddCookie(cookie)
			}
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			return c.sendUnchecked(t, req)
		}
		if r := post(token, nil, testPassword); r.status != 403 {
			t.Errorf("without the form cookie: %d", r.status)
		}
		if r := post(token, formCookie, testPassword, "Origin", "https://evil.example"); r.status != 403 {
			t.Errorf("from another site: %d", r.status)
		}
		if r := post(token, formCookie, "wrong"); r.status != 401 || !strings.Contains(string(r.raw), "用户名或密码错误") {
			t.Errorf("wrong password: %d", r.status)
		}
		r := post(token, formCookie, testPassword)
		if r.status != 303 || r.header.Get("Location") != "/" || !strings.Contains(r.header.Get("Set-Cookie"), web.SessionCookie+"=") {
			t.Fatalf("sign-in by form: %d %v", r.status, r.header)
		}
	})
}

// page gets a page outside the API (no credentials, no API check).
func (c *client) page(t *testing.T, path string) response {
	t.Helper()
	return c.sendUnchecked(t, httptest.NewRequest("GET", path, nil))
}

func formToken(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `name="csrf_token" value="`)
	token, _, ok2 := strings.Cut(rest, `"`)
	if !ok || !ok2 || token == "" {
		t.Fatalf("no csrf_token in the form")
	}
	return token
}

// A request the server cannot parse is answered without quoting it: its
// Authorization and Cookie headers stay out of the answer. This runs over a
// real TCP listener, as a client would see it.
func TestMalformedRequestNotEchoed(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		app := web.New(c.cfg)
		served := make(chan error, 1)
		go func() { served <- app.Listener(ln) }()
		defer func() { _ = app.Shutdown(); <-served }()
		for _, head := range []string{
			"POST /api/v1/units HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer hr_SECRETKEY.SECRETVALUE\r\nCookie: hostroll_session=1.COOKIESECRET\r\nContent-Length: 12abc\r\n\r\n{}",
			"GET /api/v1/units HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer hr_SECRETKEY.SECRETVALUE\r\nCookie: hostroll_session=1.COOKIESECRET\r\nBad Header Line\r\n\r\n",
			"POST /api/v1/units HTTP/1.1\r\nHost: x\r\nCookie: hostroll_session=1.COOKIESECRET\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n",
		} {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
			if _, err := io.WriteString(conn, head); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				conn.Close()
				t.Fatalf("read the answer: %v", err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			conn.Close()
			all := string(raw) + headerText(res.Header)
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Errorf("status %d for %q", res.StatusCode, head)
			}
			for _, secret := range []string{"SECRETKEY", "SECRETVALUE", "COOKIESECRET", "Authorization", "12abc"} {
				if strings.Contains(all, secret) {
					t.Errorf("the answer quotes the request (%s): %s", secret, all)
				}
			}
		}
	})
}

func headerText(h http.Header) string {
	var b strings.Builder
	_ = h.Write(&b)
	return b.String()
}
