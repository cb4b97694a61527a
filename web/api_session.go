package web

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/password"
)

// mountSession registers sign-in, sign-out and the signed-in user's own
// account: /session and /me.
func mountSession(api fiber.Router, cfg Config, lim *limiter) {
	s := cfg.Store
	api.Post("/session", jsonOnly, signIn(cfg, lim))
	api.Delete("/session", canChallenge("self"), signOut(cfg))
	api.Post("/session/second-factor", canChallenge("self"), secondFactor(cfg, lim))
	api.Get("/me", canChallenge("self"), me)
	api.Post("/me/password", canPending("self"), changePassword(s))
	api.Get("/me/totp", canPending("self"), myTOTP(s))
	api.Post("/me/totp", canPending("self"), enrolTOTP(s))
	api.Post("/me/totp/confirm", canPending("self"), confirmTOTP(s))
	api.Get("/me/sessions", can("self"), mySessions(s))
	api.Delete("/me/sessions/:id", can("self"), endMySession(s))
	api.Get("/me/tokens", can("self"), myTokens(s))
	api.Post("/me/tokens", can("self"), createMyToken(cfg))
	api.Delete("/me/tokens/:id", can("self"), revokeMyToken(s))
}

// meBody is the signed-in user, with the session's CSRF token when signed in
// with the session cookie, and the sign-in step the session still has to
// take: "code_required" (POST /session/second-factor) or
// "enrolment_required" (POST /me/totp, then /me/totp/confirm).
type meBody struct {
	inventory.User
	CSRFToken    string `json:"csrf_token,omitempty"`
	SecondFactor string `json:"second_factor,omitempty"`
}

func me(c *fiber.Ctx) error {
	a := authOf(c)
	return c.JSON(meOf(a))
}

func meOf(a *auth) meBody {
	b := meBody{User: a.user, CSRFToken: a.csrf}
	switch {
	case a.session != nil && a.session.SecondFactorPending:
		b.SecondFactor = "code_required"
	case a.mustEnrol:
		b.SecondFactor = "enrolment_required"
	}
	return b
}

// sessionAuth is the auth of a session just started.
func sessionAuth(cfg Config, ns inventory.NewSession, u inventory.User) *auth {
	return &auth{user: u, session: &ns.Session, csrf: ns.CSRF,
		mustEnrol: !u.TOTPEnabled && slices.Contains(cfg.SecondFactorRoles, u.Role)}
}

type signInBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func signIn(cfg Config, lim *limiter) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := rateLimit(c, lim); err != nil {
			return err
		}
		var in signInBody
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		ns, u, err := startSession(c, cfg, in.Username, in.Password)
		if err != nil {
			return err
		}
		return c.JSON(meOf(sessionAuth(cfg, ns, u)))
	}
}

// rateLimit allows one client address a limited number of sign-in attempts a
// minute: 429 with Retry-After past it.
func rateLimit(c *fiber.Ctx, lim *limiter) error {
	if ok, wait := lim.allow(c.IP()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		return refusal(fiber.StatusTooManyRequests, "too_many_requests", "api.rate_limited", secs)
	}
	return nil
}

// startSession signs in and sets the session cookie.
func startSession(c *fiber.Ctx, cfg Config, username, pw string) (inventory.NewSession, inventory.User, error) {
	ns, u, err := cfg.Store.SignIn(c.UserContext(), username, pw,
		inventory.Client{IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)})
	var le *inventory.LockedError
	var xe *inventory.ForbiddenError
	switch {
	case errors.Is(err, inventory.ErrDirectoryDown):
		cfg.Logger.Warn("directory sign-in", "err", err, "request_id", requestID(c))
		return ns, u, &apiError{status: fiber.StatusServiceUnavailable, code: "directory_unavailable",
			message: msg(c, "auth.directory_down")}
	case errors.As(err, &xe): // a directory user who may not sign in, and why
		return ns, u, &apiError{status: fiber.StatusForbidden, code: "forbidden", message: xe.Text(langOf(c))}
	case errors.As(err, &le):
		return ns, u, refusal(fiber.StatusUnauthorized, "unauthorized", "api.locked", le.Until.UTC().Format(time.RFC3339))
	case errors.Is(err, inventory.ErrSignIn):
		return ns, u, unauthorized(c, "api.sign_in")
	case err != nil:
		return ns, u, err
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: ns.Cookie, Path: "/", Expires: ns.ExpiresAt,
		HTTPOnly: true, Secure: cfg.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
	return ns, u, nil
}

func clearSessionCookie(c *fiber.Ctx, cfg Config) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0),
		MaxAge: -1, HTTPOnly: true, Secure: cfg.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
}

func signOut(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := authOf(c)
		if a.session == nil {
			return badRequest("api.no_session")
		}
		if err := cfg.Store.EndSession(c.UserContext(), a.user.ID, a.session.ID); err != nil {
			return err
		}
		clearSessionCookie(c, cfg)
		return c.SendStatus(fiber.StatusNoContent)
	}
}

type passwordBody struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

func changePassword(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in passwordBody
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		a := authOf(c)
		if err := checkPassword(c, a.user.Username, in.Password); err != nil {
			return err
		}
		var keep int64
		if a.session != nil {
			keep = a.session.ID
		}
		if err := s.ChangePassword(c.UserContext(), a.user.ID, in.CurrentPassword, in.Password, keep); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// checkPassword applies the password rules with a message in the request's
// language.
func checkPassword(c *fiber.Ctx, username, pw string) error {
	var re *password.RuleError
	if err := password.Check(username, pw); errors.As(err, &re) {
		return inventory.Invalid("password", "api.password."+re.Rule)
	}
	return nil
}

func mySessions(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c); err != nil {
			return err
		}
		a := authOf(c)
		items, err := s.Sessions(c.UserContext(), a.user.ID)
		if err != nil {
			return err
		}
		for i := range items {
			items[i].Current = a.session != nil && items[i].ID == a.session.ID
		}
		return c.JSON(listBody[inventory.Session]{Items: items, Total: len(items)})
	}
}

func endMySession(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if err := s.EndSession(c.UserContext(), authOf(c).user.ID, id); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}
