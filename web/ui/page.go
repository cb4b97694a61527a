package ui

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
)

// LangCookie keeps the language a visitor chose on the page.
const LangCookie = "hostroll_lang"

// Page is what every page's template gets: who is signed in, the
// language, the session's CSRF token and the helpers the templates call
// ({{.T "ui.nav.devices"}}, {{.Label "device_status" .Status}}). Each view's
// data is a struct that embeds Page.
type Page struct {
	Lang  string // locale.ZH or locale.EN
	Title string // the page's title, already translated
	Path  string // the request's path, to mark the current menu item
	Next  string // the request's path and query, for links back here
	Query string // the search box's text
	CSRF  string // the session's token, for every form and htmx request
	Flash string // a message from the previous POST (?done=key), translated
	User  Viewer
	Now   time.Time
	a     *assets
}

// Viewer is the signed-in user as a page shows them.
type Viewer struct {
	ID          int64
	Name        string // the username
	DisplayName string
	Role        string
	UnitID      int64 // unit staff's unit
}

// lang is the language of a page: ?lang=, else the visitor's cookie, else
// Accept-Language, else Chinese. (A user's own setting, once kept, comes
// first: see Config.UserLang.)
func (u *UI) lang(c *fiber.Ctx) string {
	if l, ok := locale.Of(c.Query("lang")); ok {
		return l
	}
	if u.cfg.UserLang != nil {
		if l, ok := locale.Of(u.cfg.UserLang(c)); ok {
			return l
		}
	}
	if l, ok := locale.Of(c.Cookies(LangCookie)); ok {
		return l
	}
	return locale.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
}

// page starts the Page of a request; titleKey is the catalog key of its
// title.
func (u *UI) page(c *fiber.Ctx, titleKey string, args ...any) Page {
	p := Page{Lang: u.lang(c), Path: c.Path(), Next: string(c.Request().URI().RequestURI()),
		Query: c.Query("q"), Now: time.Now(), a: u.assets}
	if u.cfg.CSRF != nil {
		p.CSRF = u.cfg.CSRF(c)
	}
	if u.cfg.User != nil {
		if usr, ok := u.cfg.User(c); ok {
			p.User = Viewer{ID: usr.ID, Name: usr.Username, DisplayName: usr.DisplayName, Role: usr.Role}
			if usr.UnitID != nil {
				p.User.UnitID = *usr.UnitID
			}
		}
	}
	p.Title = p.T(titleKey, args...)
	if done := c.Query("done"); done != "" && locale.Has("ui.done."+done) {
		p.Flash = p.T("ui.done." + done)
	}
	return p
}

// T renders a catalog message in the page's language.
func (p Page) T(key string, args ...any) string { return locale.T(p.Lang, key, args...) }

// Label is an enumeration value's label ("device_status", "active" → 在用).
func (p Page) Label(set, code string) string { return locale.Label(p.Lang, set, code) }

// Field is a field's label ("device", "serial" → 序列号).
func (p Page) Field(entity, key string) string { return locale.Field(p.Lang, entity, key) }

// Money shows yuan as ¥1,234,567.00.
func (p Page) Money(v float64) string { return locale.Money(v) }

// Date shows a day as YYYY-MM-DD.
func (p Page) Date(t time.Time) string { return locale.Date(t) }

// DateTime shows a moment as YYYY-MM-DD HH:MM, in the server's zone.
func (p Page) DateTime(t time.Time) string { return locale.DateTime(t, time.Local) }

// Static is the content-hashed URL of a static file.
func (p Page) Static(name string) string { return p.a.URL(name) }

// Can reports whether the signed-in user's role may do action: pages show
// only the links and buttons that would work. The store and the route's
// own check still decide.
func (p Page) Can(action string) bool {
	return p.User.Role != "" && inventory.Allowed(p.User.Role, action)
}

// LangURL is the current page in the other language.
func (p Page) LangURL(lang string) string {
	u, err := url.Parse(p.Next)
	if err != nil {
		return "/?lang=" + lang
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}

// NavItem is one entry of the main menu.
type NavItem struct {
	Href, Label string
	Current     bool
}

// nav lists the menu entries the user's role may open, in order.
var nav = []struct{ href, key, action string }{
	{"/", "ui.nav.home", ""},
	{"/rooms", "ui.nav.rooms", "room.read"},
	{"/devices", "ui.nav.devices", "device.read"},
	{"/lines", "ui.nav.lines", "line.read"},
	{"/units", "ui.nav.units", "unit.read"},
	{"/projects", "ui.nav.projects", "project.read"},
	{"/findings", "ui.nav.findings", "finding.read"},
	{"/plans", "ui.nav.plans", "plan.read"},
	{"/imports", "ui.nav.imports", "import.write"},
	{"/audit", "ui.nav.audit", "audit.read"},
	{"/users", "ui.nav.users", "user.read"},
}

// Nav is the main menu for the signed-in user.
func (p Page) Nav() []NavItem {
	var out []NavItem
	for _, n := range nav {
		if n.action != "" && !p.Can(n.action) {
			continue
		}
		cur := p.Path == n.href || (n.href != "/" && len(p.Path) > len(n.href) && p.Path[:len(n.href)+1] == n.href+"/")
		out = append(out, NavItem{Href: n.href, Label: p.T(n.key), Current: cur})
	}
	return out
}
