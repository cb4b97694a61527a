package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// SessionCookie is the name of the session cookie: "id.secret".
const SessionCookie = "hostroll_session"

// auth is who a request comes from, set by authenticate.
type auth struct {
	user    inventory.User
	session *inventory.Session // signed in with the session cookie
	csrf    string             // the session's CSRF token
	token   *inventory.Token   // or with an API token
	// mustEnrol: signed in with a session, in a role of
	// Config.SecondFactorRoles, without a second factor yet.
	mustEnrol bool
}

const authKey = "hostroll.auth"

func authOf(c *fiber.Ctx) *auth {
	a, _ := c.Locals(authKey).(*auth)
	return a
}

// unsafe reports whether the method may change something.
func unsafe(method string) bool {
	switch method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return false
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// secureHeaders sets the headers every response carries, and the request id.
func secureHeaders(c *fiber.Ctx) error {
	setSecureHeaders(c)
	id := newRequestID()
	c.Locals("request_id", id)
	c.Set("X-Request-Id", id)
	return c.Next()
}

// csp allows no inline script or style and no framing.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func setSecureHeaders(c *fiber.Ctx) {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", csp)
}

func requestID(c *fiber.Ctx) string { s, _ := c.Locals("request_id").(string); return s }

// authenticate reads the credentials of a request, if any: an API token in
// Authorization, else the session cookie. Bad credentials are refused here;
// no credentials are refused by can, so that open routes stay open.
func authenticate(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Path() == "/login" {
			return c.Next() // the sign-in form has its own checks
		}
		a, err := identify(c, cfg)
		if err != nil {
			return err
		}
		if a == nil {
			return c.Next()
		}
		c.Locals(authKey, a)
		caller := a.user.Caller()
		caller.IP, caller.RequestID = strings.Clone(c.IP()), requestID(c)
		if a.token != nil {
			caller.TokenKey = a.token.Key
		}
		c.SetUserContext(inventory.WithCaller(c.UserContext(), caller))
		return c.Next()
	}
}

func identify(c *fiber.Ctx, cfg Config) (*auth, error) {
	// Copies: fiber's strings point into the request's buffer, which is
	// reused once the request is done, and these outlive it in the caller.
	if h := strings.Clone(c.Get(fiber.HeaderAuthorization)); h != "" {
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, unauthorized(c, "api.bad_auth_header")
		}
		t, u, err := cfg.Store.AuthToken(c.UserContext(), cfg.TokenPepper, strings.TrimSpace(raw), c.IP())
		switch {
		case errors.Is(err, inventory.ErrBadToken):
			return nil, unauthorized(c, "api.bad_token")
		case errors.Is(err, inventory.ErrTokenAddress):
			return nil, forbidden(c, "api.token_address")
		case err != nil:
			return nil, err
		}
		if unsafe(c.Method()) && !t.WriteEnabled {
			return nil, forbidden(c, "api.token_read_only")
		}
		return &auth{user: u, token: &t}, nil
	}
	cookie := strings.Clone(c.Cookies(SessionCookie))
	if cookie == "" {
		return nil, nil
	}
	s, u, csrf, err := cfg.Store.Session(c.UserContext(), cookie)
	if errors.Is(err, inventory.ErrNoSession) {
		clearSessionCookie(c, cfg)
		return nil, unauthorized(c, "api.session_expired")
	}
	if err != nil {
		return nil, err
	}
	a := &auth{user: u, session: &s, csrf: csrf,
		mustEnrol: !u.TOTPEnabled && slices.Contains(cfg.SecondFactorRoles, u.Role)}
	if unsafe(c.Method()) {
		if err := checkCSRF(c, a.csrf); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// checkCSRF refuses a cookie-authenticated unsafe request that comes from
// another site or lacks the session's CSRF token.
func checkCSRF(c *fiber.Ctx, want string) error {
	if err := sameSite(c); err != nil {
		return err
	}
	got := c.Get("X-CSRF-Token")
	if ct := c.Get(fiber.HeaderContentType); got == "" &&
		(strings.HasPrefix(ct, fiber.MIMEApplicationForm) || strings.HasPrefix(ct, fiber.MIMEMultipartForm)) {
		got = c.FormValue("csrf_token") // a form: the sign-in page, a document upload
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return forbidden(c, "api.csrf")
	}
	return nil
}

// sameSite refuses a request a browser marks as cross-site, or whose Origin
// is another host.
func sameSite(c *fiber.Ctx) error {
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return forbidden(c, "api.cross_site")
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != string(c.Request().Host()) {
			return forbidden(c, "api.cross_site")
		}
	}
	return nil
}

// Access levels of a route for a session that is not complete yet.
const (
	levelFull      = iota // a complete session only
	levelSetup            // also one that must change its password or enrol a second factor
	levelChallenge        // also one that waits for the second factor's code
)

// can is the access check a route declares: the caller's role must be
// allowed action. Without credentials it is 401; a session that waits for
// its second factor, must change its password or must enrol a second factor
// may do nothing else first.
func can(action string) fiber.Handler {
	return guard(action, levelFull, jsonOnly)
}

// canPending is can for the few routes a user who must change their
// password or enrol a second factor may still use: /me/password, /me/totp.
func canPending(action string) fiber.Handler {
	return guard(action, levelSetup, jsonOnly)
}

// canChallenge is can for the routes a session that waits for the second
// factor's code may use: /me, the code, signing out.
func canChallenge(action string) fiber.Handler {
	return guard(action, levelChallenge, jsonOnly)
}

// canForm is canPending for a page's form (application/x-www-form-urlencoded):
// the first sign-in's password form, the enrolment page.
func canForm(action string) fiber.Handler {
	return guard(action, levelSetup, func(c *fiber.Ctx) error { return c.Next() })
}

// canChallengeForm is canChallenge for the sign-in page's code form.
func canChallengeForm(action string) fiber.Handler {
	return guard(action, levelChallenge, func(c *fiber.Ctx) error { return c.Next() })
}

// canPage is can for a web page (package web/ui): without a session the
// visitor is sent to the sign-in page and back here after it; a refusal is
// rendered as a page by the error handler.
func canPage(action string) fiber.Handler {
	check := guard(action, levelFull, func(c *fiber.Ctx) error { return c.Next() })
	return func(c *fiber.Ctx) error {
		_, probing := c.Locals(probeKey).(*string)
		a := authOf(c)
		if !probing && a == nil {
			next := "/login"
			if c.Method() == fiber.MethodGet {
				next += "?next=" + url.QueryEscape(string(c.Request().URI().RequestURI()))
			}
			return c.Redirect(next, fiber.StatusSeeOther)
		}
		if !probing && a.session != nil && !a.session.SecondFactorPending && !a.user.MustChangePassword &&
			a.mustEnrol && c.Method() == fiber.MethodGet {
			return c.Redirect("/login/totp", fiber.StatusSeeOther) // the enrolment comes first
		}
		return check(c)
	}
}

// userOfRequest is the signed-in user of a request, for the pages.
func userOfRequest(c *fiber.Ctx) (inventory.User, bool) {
	if a := authOf(c); a != nil {
		return a.user, true
	}
	return inventory.User{}, false
}

// csrfOf is the CSRF token of the request's session, for the pages' forms
// ("" without a session).
func csrfOf(c *fiber.Ctx) string {
	if a := authOf(c); a != nil && a.session != nil {
		return a.csrf
	}
	return ""
}

const probeKey = "hostroll.probe"

func guard(action string, level int, body fiber.Handler) fiber.Handler {
	if !inventory.KnownAction(action) {
		panic("web: route declares unknown action " + action)
	}
	return func(c *fiber.Ctx) error {
		if p, ok := c.Locals(probeKey).(*string); ok {
			*p = action
			return nil
		}
		a := authOf(c)
		if a == nil {
			return unauthorized(c, "api.unauthorized")
		}
		if err := pendingStep(c, a, level); err != nil {
			return err
		}
		if err := mayDo(c, a, action); err != nil {
			return err
		}
		return body(c)
	}
}

// pendingStep refuses a session that has a sign-in step left which the
// route's level does not allow: the second factor's code, then the
// generated password's change, then the second factor's enrolment. A token
// was issued on purpose and has none of them.
func pendingStep(c *fiber.Ctx, a *auth, level int) error {
	switch {
	case a.session == nil:
		return nil
	case a.session.SecondFactorPending && level < levelChallenge:
		return forbidden(c, "auth.second_factor_pending")
	case a.session.SecondFactorPending && level == levelChallenge:
		return nil
	case a.user.MustChangePassword && level < levelSetup:
		return forbidden(c, "api.must_change_password")
	case a.mustEnrol && level < levelSetup:
		return forbidden(c, "auth.must_enrol")
	}
	return nil
}

// mayDo is nil when the caller's role may do action, else a 403 naming it.
func mayDo(c *fiber.Ctx, a *auth, action string) error {
	if inventory.Allowed(a.user.Role, action) {
		return nil
	}
	e := refusal(fiber.StatusForbidden, "forbidden", "api.forbidden", inventory.L("role", a.user.Role), action)
	e.fields = map[string]string{"action": action}
	return e
}

func unauthorized(c *fiber.Ctx, key string) error {
	return refusal(fiber.StatusUnauthorized, "unauthorized", key)
}

func forbidden(c *fiber.Ctx, key string) error {
	return refusal(fiber.StatusForbidden, "forbidden", key)
}

// jsonOnly refuses a request body that is not sent as application/json
// (415), so no web page can post JSON as text/plain. Every access check ends
// with it (after 401 and 403), and signing in uses it. The document upload is
// multipart and the sign-in page a form; both are checked by their handlers.
func jsonOnly(c *fiber.Ctx) error {
	if len(c.Request().Body()) == 0 || isUpload(c) {
		return c.Next()
	}
	ct := strings.ToLower(strings.TrimSpace(c.Get(fiber.HeaderContentType)))
	mt, _, _ := strings.Cut(ct, ";")
	if strings.TrimSpace(mt) != fiber.MIMEApplicationJSON {
		return refusal(fiber.StatusUnsupportedMediaType, "unsupported_media_type", "api.json_only")
	}
	return c.Next()
}
