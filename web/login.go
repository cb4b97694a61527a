package web

import (
	"bytes"
	"crypto/subtle"
	_ "embed"
	"errors"
	"html/template"
	"maps"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/web/ui"
)

//go:embed templates/login.html
var loginHTML string

//go:embed static/login.css
var loginStyle []byte

// loginTemplate is parsed once; a broken template stops the start.
var loginTemplate = template.Must(template.New("login").Parse(loginHTML))

// loginCSRFCookie carries the sign-in form's CSRF token (double submit): a
// page on another site can neither read it nor set it.
const loginCSRFCookie = "hostroll_login_csrf"

type loginTexts struct {
	Title, Username, Password, Submit, Other, SignedIn string
	// The form to change a generated password at the first sign-in.
	MustChange, Current, New, Again, Rules, Change, Mismatch, Changed string
}

var loginT = map[string]loginTexts{
	"zh": {"登录 hostroll", "用户名", "密码", "登录", "English", "已登录：",
		"首次登录须先修改密码，修改前不能使用其他功能。", "当前密码", "新密码", "再次输入新密码",
		"至少 10 个字符，包含小写字母、大写字母、数字、其他字符中的三类，不含用户名，不能是常见密码。",
		"修改密码", "两次输入的新密码不一致", "密码已修改。"},
	"en": {"Sign in to hostroll", "Username", "Password", "Sign in", "中文", "Signed in as",
		"Change your password first: nothing else can be used before.", "Current password", "New password",
		"New password again",
		"At least 10 characters, three of: lower case, upper case, digits, other characters; not containing the username; not a common password.",
		"Change password", "the two new passwords differ", "The password was changed."},
}

type loginView struct {
	Lang, CSRF, Error, Username, SignedIn, Done string
	Next                                        string // where to go once signed in
	// MustChange shows the password form, posted with the session's CSRF
	// token (SessionCSRF) to /login/password.
	MustChange  bool
	SessionCSRF string
	T           loginTexts
	// The second factor: the code form (Code), the enrolment's QR code and
	// confirm form (Enrol), the recovery codes once confirmed (Recovery),
	// the state on /login/totp (TOTP), and whether the role requires it
	// before anything else (MustEnrol).
	Code, MustEnrol bool
	Enrol           *enrolView
	Recovery        []string
	TOTP            *inventory.TOTPStatus
	TT              totpTexts
}

// renderLogin renders the sign-in page with a fresh form token.
func renderLogin(c *fiber.Ctx, cfg Config, status int, v loginView) error {
	v.Lang = langOf(c)
	v.T, v.TT = loginT[v.Lang], totpT[v.Lang]
	v.CSRF = newRequestID() + newRequestID()
	c.Cookie(&fiber.Cookie{Name: loginCSRFCookie, Value: v.CSRF, Path: "/login", HTTPOnly: true,
		Secure: cfg.SecureCookies, SameSite: fiber.CookieSameSiteStrictMode})
	var buf bytes.Buffer
	if err := loginTemplate.Execute(&buf, v); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

func loginPage(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return renderLogin(c, cfg, fiber.StatusOK, loginView{Next: ui.LocalPath(c.Query("next"))})
	}
}

func loginCSS(c *fiber.Ctx) error {
	c.Type("css", "utf-8")
	return c.Send(loginStyle)
}

// loginForm signs in from the page's form: same site only, with the form's
// token, at most SignInLimit attempts a minute from one address.
func loginForm(cfg Config, lim *limiter) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v := loginView{Username: c.FormValue("username"), Next: ui.LocalPath(c.FormValue("next"))}
		refuse := func(err error) error {
			var ae *apiError
			if !errors.As(err, &ae) {
				return err
			}
			v.Error = ae.text(langOf(c))
			return renderLogin(c, cfg, ae.status, v)
		}
		if err := sameSite(c); err != nil {
			return refuse(err)
		}
		got, want := c.FormValue("csrf_token"), c.Cookies(loginCSRFCookie)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return refuse(refusal(fiber.StatusForbidden, "forbidden", "api.login_form"))
		}
		if err := rateLimit(c, lim); err != nil {
			return refuse(err)
		}
		ns, u, err := startSession(c, cfg, v.Username, c.FormValue("password"))
		if err != nil {
			return refuse(err)
		}
		a := sessionAuth(cfg, ns, u)
		if !ns.SecondFactorPending && !u.MustChangePassword && !a.mustEnrol {
			return c.Redirect(v.Next, fiber.StatusSeeOther)
		}
		if err := nextStep(c, cfg, a, &v); err != nil {
			return err
		}
		return renderLogin(c, cfg, fiber.StatusOK, v)
	}
}

// loginPassword changes the password from the sign-in page's form, for the
// first sign-in with a generated password. The session and its CSRF token
// (the form's csrf_token) were checked by authenticate; the rules and the
// store are those of POST /api/v1/me/password.
func loginPassword(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := authOf(c)        // canForm: someone signed in
		if a.session == nil { // a token: scripts use POST /api/v1/me/password
			return badRequest("api.no_session")
		}
		v := loginView{SignedIn: a.user.Username, MustChange: true, SessionCSRF: a.csrf}
		current, next := c.FormValue("current_password"), c.FormValue("password")
		err := checkPassword(c, a.user.Username, next)
		if err == nil && next != c.FormValue("password_again") {
			err = inventory.Invalid("password_again", "api.password.mismatch")
		}
		if err == nil {
			err = cfg.Store.ChangePassword(c.UserContext(), a.user.ID, current, next, a.session.ID)
		}
		var ve *inventory.ValidationError
		if errors.As(err, &ve) {
			t := loginT[langOf(c)]
			v.Error = fieldMessages(ve.FieldsIn(langOf(c)), map[string]string{"current_password": t.Current,
				"password": t.New, "password_again": t.Again})
			return renderLogin(c, cfg, fiber.StatusBadRequest, v)
		}
		if err != nil {
			return err
		}
		if !a.mustEnrol {
			return c.Redirect("/?done=password_changed", fiber.StatusSeeOther)
		}
		v.MustChange, v.Done = false, loginT[langOf(c)].Changed
		a.user.MustChangePassword = false
		if err := nextStep(c, cfg, a, &v); err != nil {
			return err
		}
		return renderLogin(c, cfg, fiber.StatusOK, v)
	}
}

// fieldMessages joins a validation error's messages, each after its
// field's label on the form.
func fieldMessages(fields map[string]string, labels map[string]string) string {
	keys := slices.Sorted(maps.Keys(fields))
	parts := make([]string, len(keys))
	for i, k := range keys {
		label := labels[k]
		if label == "" {
			label = k
		}
		parts[i] = label + ": " + fields[k]
	}
	return strings.Join(parts, "; ")
}

// logoutForm signs out from a page's menu (a form posted with the
// session's CSRF token) and goes to the sign-in page.
func logoutForm(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := authOf(c)
		if a.session != nil {
			if err := cfg.Store.EndSession(c.UserContext(), a.user.ID, a.session.ID); err != nil {
				return err
			}
		}
		clearSessionCookie(c, cfg)
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
}
