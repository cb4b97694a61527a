package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

type codeBody struct {
	Code string `json:"code"`
}

// secondFactor is the sign-in's second step: the session signed in with
// the password gets the TOTP code (or a recovery code) and is complete.
func secondFactor(cfg Config, lim *limiter) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := rateLimit(c, lim); err != nil {
			return err
		}
		var in codeBody
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		a := authOf(c)
		if err := checkCode(c, cfg, a, in.Code); err != nil {
			return err
		}
		return c.JSON(meOf(a))
	}
}

// checkCode completes a's session with code and updates a; the refusals
// are the API's errors.
func checkCode(c *fiber.Ctx, cfg Config, a *auth, code string) error {
	if a.session == nil {
		return &apiError{status: fiber.StatusBadRequest, code: "bad_request", message: msg(c, "api.no_session")}
	}
	err := cfg.Store.SecondFactor(c.UserContext(), a.user.ID, a.session.ID, code,
		inventory.Client{IP: c.IP(), UserAgent: c.Get(fiber.HeaderUserAgent)})
	var le *inventory.LockedError
	switch {
	case errors.As(err, &le):
		clearSessionCookie(c, cfg)
		return &apiError{status: fiber.StatusUnauthorized, code: "unauthorized",
			message: msg(c, "api.locked", le.Until.UTC().Format(time.RFC3339))}
	case errors.Is(err, inventory.ErrSecondFactor):
		return &apiError{status: fiber.StatusUnauthorized, code: "unauthorized", message: msg(c, "auth.second_factor_code"),
			fields: map[string]string{"code": msg(c, "auth.second_factor_code")}}
	case err != nil:
		return err
	}
	a.session.SecondFactorPending = false
	return nil
}

// enrolBody is a new second factor, shown once: the secret as text, the
// otpauth URL and its QR code as a PNG data URL.
type enrolBody struct {
	inventory.TOTPEnrolment
	QRPNG string `json:"qr_png"`
}

func qrDataURL(png []byte) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}

// qrURL is the QR code for an <img src>: html/template trusts a data: URL
// only when told to, and this one is made here, not taken from a request.
func qrURL(png []byte) template.URL { return template.URL(qrDataURL(png)) } //nolint:gosec

func myTOTP(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st, err := s.TOTP(c.UserContext(), authOf(c).user.ID)
		if err != nil {
			return err
		}
		return c.JSON(st)
	}
}

func enrolTOTP(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := s.EnrolTOTP(c.UserContext(), authOf(c).user.ID)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusCreated).JSON(enrolBody{TOTPEnrolment: e, QRPNG: qrDataURL(e.PNG)})
	}
}

type recoveryBody struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

func confirmTOTP(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in codeBody
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		a := authOf(c)
		var keep int64
		if a.session != nil {
			keep = a.session.ID
		}
		codes, err := s.ConfirmTOTP(c.UserContext(), a.user.ID, in.Code, keep)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(recoveryBody{RecoveryCodes: codes})
	}
}

// resetUserTOTP is an administrator removing a user's second factor.
func resetUserTOTP(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if err := s.ResetTOTP(c.UserContext(), id); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}
