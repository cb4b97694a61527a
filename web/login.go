package web

import (
	"bytes"
	"crypto/subtle"
	_ "embed"
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"
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
}

var loginT = map[string]loginTexts{
	"zh": {"登录 hostroll", "用户名", "密码", "登录", "English", "已登录："},
	"en": {"Sign in to hostroll", "Username", "Password", "Sign in", "中文", "Signed in as"},
}

type loginView struct {
	Lang, CSRF, Error, Username, SignedIn string
	T                                     loginTexts
}

// renderLogin renders the sign-in page with a fresh form token.
func renderLogin(c *fiber.Ctx, cfg Config, status int, v loginView) error {
	v.Lang = langOf(c)
	v.T = loginT[v.Lang]
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
		return renderLogin(c, cfg, fiber.StatusOK, loginView{})
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
		v := loginView{Username: c.FormValue("username")}
		refuse := func(err error) error {
			var ae *apiError
			if !errors.As(err, &ae) {
				return err
			}
			v.Error = ae.message
			return renderLogin(c, cfg, ae.status, v)
		}
		if err := sameSite(c); err != nil {
			return refuse(err)
		}
		got, want := c.FormValue("csrf_token"), c.Cookies(loginCSRFCookie)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return refuse(&apiError{status: fiber.StatusForbidden, code: "forbidden", message: msg(c, "msg.login_form")})
		}
		if err := rateLimit(c, lim); err != nil {
			return refuse(err)
		}
		_, u, err := startSession(c, cfg, v.Username, c.FormValue("password"))
		if err != nil {
			return refuse(err)
		}
		v.SignedIn = u.Username
		return renderLogin(c, cfg, fiber.StatusOK, v)
	}
}
