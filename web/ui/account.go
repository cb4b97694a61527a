package ui

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/password"
)

func (u *UI) mountAccount(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/account", g("self"), u.account)
	app.Post("/account/password", g("self"), u.accountPassword)
	app.Post("/account/language", g("self"), u.accountLanguage)
	app.Post("/account/sessions/:id/revoke", g("self"), u.accountEndSession)
	app.Post("/account/tokens", g("self"), u.accountCreateToken)
	app.Post("/account/tokens/:id/revoke", g("self"), u.accountRevokeToken)
}

type accountView struct {
	Page
	Me        inventory.User
	Unit      string
	Language  string // the user's own setting, "" for none
	Sessions  []inventory.Session
	Tokens    []inventory.Token
	NewSecret string // a token's secret, shown once after it was made
	Password  formError
	Token     formError
	TokenDesc string
}

func (u *UI) account(c *fiber.Ctx) error {
	return u.showAccount(c, fiber.StatusOK, accountView{})
}

// showAccount renders the account page over v's form state (errors, a new
// token's secret).
func (u *UI) showAccount(c *fiber.Ctx, status int, v accountView) error {
	ctx, s := c.UserContext(), u.cfg.Store
	v.Page = u.page(c, "ui.account.title")
	me, err := s.User(ctx, v.User.ID)
	if err != nil {
		return err
	}
	v.Me, v.Language = me, me.Language
	if me.UnitID != nil {
		if unit, err := s.Unit(ctx, *me.UnitID); err == nil {
			v.Unit = unit.Name
		}
	}
	if v.Sessions, err = s.Sessions(ctx, me.ID); err != nil {
		return err
	}
	current := u.sessionID(c)
	for i := range v.Sessions {
		v.Sessions[i].Current = v.Sessions[i].ID == current
	}
	if v.Tokens, err = s.Tokens(ctx, me.ID); err != nil {
		return err
	}
	return u.render(c, status, "account", v)
}

func (u *UI) sessionID(c *fiber.Ctx) int64 {
	if u.cfg.SessionID == nil {
		return 0
	}
	return u.cfg.SessionID(c)
}

// accountPassword changes the user's password; their other sessions end,
// this one stays.
func (u *UI) accountPassword(c *fiber.Ctx) error {
	me, _ := u.cfg.User(c)
	current, next := c.FormValue("current_password"), c.FormValue("password")
	lang := u.lang(c)
	var err error
	var re *password.RuleError
	switch {
	case next != c.FormValue("password_again"):
		err = inventory.Invalid("password_again", "ui.account.password_mismatch")
	case errors.As(password.Check(me.Username, next), &re):
		err = inventory.Invalid("password", "api.password."+re.Rule)
	default:
		err = u.cfg.Store.ChangePassword(c.UserContext(), me.ID, current, next, u.sessionID(c))
	}
	if err != nil {
		fe, ok := formErrorOf(err, lang)
		if !ok {
			return err
		}
		return u.showAccount(c, statusOfForm(err), accountView{Password: fe})
	}
	return seeOther(c, "/account", "password_changed")
}

// accountLanguage keeps the user's language ("" follows the browser).
func (u *UI) accountLanguage(c *fiber.Ctx) error {
	me, _ := u.cfg.User(c)
	lang := c.FormValue("language")
	if _, err := u.cfg.Store.SetUserLanguage(c.UserContext(), me.ID, lang); err != nil {
		return err
	}
	return seeOther(c, "/account", "language_saved")
}

func (u *UI) accountEndSession(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	me, _ := u.cfg.User(c)
	if err := u.cfg.Store.EndSession(c.UserContext(), me.ID, id); err != nil {
		return err
	}
	if id == u.sessionID(c) {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return seeOther(c, "/account", "session_ended")
}

// accountCreateToken makes an API token of the user's and shows its
// secret on the page it answers with: never in a URL, never again.
func (u *UI) accountCreateToken(c *fiber.Ctx) error {
	me, _ := u.cfg.User(c)
	in := inventory.TokenInput{Description: strings.TrimSpace(c.FormValue("description")),
		WriteEnabled: c.FormValue("write_enabled") == "on"}
	if d := c.FormValue("expires_days"); d != "" {
		n, err := parseDays(d)
		if err != nil {
			fe, _ := formErrorOf(err, u.lang(c))
			return u.showAccount(c, fiber.StatusBadRequest, accountView{Token: fe, TokenDesc: in.Description})
		}
		at := time.Now().AddDate(0, 0, n)
		in.ExpiresAt = &at
	}
	_, secret, err := u.cfg.Store.CreateToken(c.UserContext(), u.cfg.TokenPepper, me.ID, in)
	if err != nil {
		fe, ok := formErrorOf(err, u.lang(c))
		if !ok {
			return err
		}
		return u.showAccount(c, statusOfForm(err), accountView{Token: fe, TokenDesc: in.Description})
	}
	return u.showAccount(c, fiber.StatusCreated, accountView{NewSecret: secret})
}

func (u *UI) accountRevokeToken(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	me, _ := u.cfg.User(c)
	if err := u.cfg.Store.RevokeToken(c.UserContext(), id, me.ID); err != nil {
		return err
	}
	return seeOther(c, "/account", "token_revoked")
}
