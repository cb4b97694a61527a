// Package ui is hostroll's web pages: server-rendered html/template views
// over the same inventory store as the API, plain HTML forms for every
// write (POST, then a redirect to a GET), enhanced by htmx where it helps.
// No business rule lives here: the store decides, the pages show.
package ui

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
)

// Config is what the pages need from the web app that mounts them.
type Config struct {
	Store   *inventory.Store
	Logger  *slog.Logger
	Version string
	// Guard is the access check every page route declares first, as the
	// API's routes do: Guard("device.read"). Without a session it sends
	// the visitor to the sign-in page.
	Guard func(action string) fiber.Handler
	// User is the signed-in user of a request, if any.
	User func(c *fiber.Ctx) (inventory.User, bool)
	// CSRF is the signed-in session's CSRF token, for forms and htmx.
	CSRF func(c *fiber.Ctx) string
	// UserLang is the signed-in user's own language setting ("" if none).
	UserLang func(c *fiber.Ctx) string
	// SessionID is the id of the request's session (0 for an API token).
	SessionID func(c *fiber.Ctx) int64
	// TokenPepper keys the HMAC of API token secrets, for the account
	// page's "new token".
	TokenPepper   []byte
	SecureCookies bool
	// Poller polls a device now ("poll now" on its page); nil when this
	// server runs no collector, and the button is not shown.
	Poller Poller
}

// Poller polls one device and stores what it saw (the collector).
type Poller interface {
	PollDevice(ctx context.Context, id int64) (inventory.Observation, error)
}

// UI is the mounted pages.
type UI struct {
	cfg    Config
	views  views
	assets *assets
}

// New parses every template and reads every static file: a missing or
// broken one panics here, at start, not in a request.
func New(cfg Config) *UI {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &UI{cfg: cfg, views: mustParseViews(), assets: loadAssets()}
}

// Mount adds the pages' routes to app. Each page group has its own file
// and its own mount function.
func (u *UI) Mount(app fiber.Router) {
	app.Get("/static/+", u.assets.serve)
	g := u.cfg.Guard
	app.Get("/", g("self"), u.home)
	app.Post("/language", u.setLanguage)
	u.mountUnits(app)
	u.mountLines(app)
	u.mountFindings(app)
	u.mountPlans(app)
	u.mountAudit(app)
	u.mountSearch(app)
	u.mountAccount(app)
	u.mountUsers(app)
	u.mountRacks(app)
	u.mountDevices(app)
	u.mountProjects(app)
	u.mountImports(app)
}

// ErrorPage renders an error as a page: status and the message in the
// visitor's language, with a way back. The web app's error handler calls
// it for every request that is not the API's.
func (u *UI) ErrorPage(c *fiber.Ctx, status int, message string) error {
	p := u.page(c, "ui.error.title")
	v := errorView{Page: p, Status: status, Message: message}
	if err := u.render(c, status, "error", v); err != nil {
		u.cfg.Logger.Error("render error page", "err", err)
		c.Type("txt", "utf-8")
		return c.Status(status).SendString(message)
	}
	return nil
}

type errorView struct {
	Page
	Status  int
	Message string
}

// setLanguage keeps the visitor's choice of language in a cookie and goes
// back to the page they were on. It changes nothing of record, so it needs
// no session; a next outside this site is refused.
func (u *UI) setLanguage(c *fiber.Ctx) error {
	lang, ok := locale.Of(c.FormValue("lang"))
	if !ok {
		lang = locale.Default
	}
	if usr, ok := u.signedIn(c); ok && usr.Language != lang {
		// A signed-in user's setting comes before the cookie: keep the
		// choice there too, or the switch would not stick.
		if _, err := u.cfg.Store.SetUserLanguage(c.UserContext(), usr.ID, lang); err != nil {
			return err
		}
	}
	c.Cookie(&fiber.Cookie{Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HTTPOnly: true, Secure: u.cfg.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
	return c.Redirect(LocalPath(c.FormValue("next")), fiber.StatusSeeOther)
}

// LocalPath is next when it is a path of this site, else "/": a redirect
// never leaves the site.
func LocalPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

// seeOther redirects after a successful POST to the page that shows the
// result, with a flash message key (ui.done.<done>).
func seeOther(c *fiber.Ctx, path, done string) error {
	if done != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "done=" + url.QueryEscape(done)
	}
	return c.Redirect(path, fiber.StatusSeeOther)
}

// signedIn is the request's user, if one signed in.
func (u *UI) signedIn(c *fiber.Ctx) (inventory.User, bool) {
	if u.cfg.User == nil {
		return inventory.User{}, false
	}
	return u.cfg.User(c)
}
