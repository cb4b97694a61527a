package web

import (
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/web/ui"
)

// The second factor on the sign-in page: the code form after the password,
// and the enrolment page (/login/totp, linked from the account page).

type totpTexts struct {
	Code, CodeHint, Verify                       string
	EnrolTitle, EnrolHint, Secret, Confirm       string
	Recovery, Enabled, NotEnabled, Start, MustDo string
	Continue, AppCode                            string
}

var totpT = map[string]totpTexts{
	"zh": {"验证码或恢复码", "请输入身份验证器应用显示的 6 位验证码；设备丢失时可输入一个恢复码。", "验证",
		"绑定双因素认证",
		"用身份验证器应用（如 FreeOTP、Microsoft Authenticator）扫描二维码，或手工输入下面的密钥，再输入应用显示的 6 位验证码确认。二维码和密钥只显示这一次。",
		"密钥", "确认绑定",
		"双因素认证已启用。以下 10 个恢复码每个只能使用一次，请立即抄下并妥善保存，它们不会再次显示：",
		"双因素认证已启用，剩余恢复码 %d 个。如需重新绑定，请联系管理员重置。",
		"尚未启用双因素认证。", "开始绑定",
		"您的角色须使用双因素认证：请先完成绑定，绑定前不能使用其他功能。", "进入系统", "应用显示的 6 位验证码"},
	"en": {"Code or recovery code", "Enter the 6-digit code your authenticator app shows; without the device, enter one recovery code.",
		"Verify", "Set up two-factor authentication",
		"Scan the QR code with an authenticator app (e.g. FreeOTP, Microsoft Authenticator) or type in the key below, then confirm with the 6-digit code the app shows. The QR code and key are shown only this once.",
		"Key", "Confirm",
		"Two-factor authentication is on. Each of these 10 recovery codes works once: write them down now and keep them safe, they are not shown again:",
		"Two-factor authentication is on; %d recovery codes left. To set it up again, ask an administrator to reset it.",
		"Two-factor authentication is not set up.", "Set it up",
		"Your role must use two-factor authentication: set it up first; nothing else can be used before.", "Continue",
		"The 6-digit code the app shows"},
}

// enrolView is a new second factor on the page: the QR code and the key.
type enrolView struct {
	QR     template.URL
	Secret string
}

// nextStep puts on the page the sign-in step a's session has left: the
// code, the password's change or the enrolment (started here, so the QR
// code shows at once).
func nextStep(c *fiber.Ctx, cfg Config, a *auth, v *loginView) error {
	v.SignedIn, v.SessionCSRF = a.user.Username, a.csrf
	switch {
	case a.session.SecondFactorPending:
		v.Code = true
	case a.user.MustChangePassword:
		v.MustChange = true
	case a.mustEnrol:
		v.MustEnrol = true
		return startEnrol(c, cfg, a, v)
	}
	return nil
}

func startEnrol(c *fiber.Ctx, cfg Config, a *auth, v *loginView) error {
	e, err := cfg.Store.EnrolTOTP(c.UserContext(), a.user.ID)
	if err != nil {
		return err
	}
	v.Enrol = &enrolView{QR: qrURL(e.PNG), Secret: e.Secret}
	return nil
}

// loginCode is the code form after the password.
func loginCode(cfg Config, lim *limiter) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := authOf(c)
		v := loginView{Next: ui.LocalPath(c.FormValue("next"))}
		err := rateLimit(c, lim)
		if err == nil {
			err = checkCode(c, cfg, a, c.FormValue("code"))
		}
		var ae *apiError
		if errors.As(err, &ae) {
			v.Error = ae.message
			if a.session != nil && ae.status != fiber.StatusUnauthorized || ae.fields["code"] != "" {
				v.Code, v.SignedIn, v.SessionCSRF = true, a.user.Username, a.csrf
			}
			return renderLogin(c, cfg, ae.status, v)
		}
		if err != nil {
			return err
		}
		if !a.user.MustChangePassword {
			return c.Redirect(ui.LocalPath(c.FormValue("next")), fiber.StatusSeeOther)
		}
		if err := nextStep(c, cfg, a, &v); err != nil {
			return err
		}
		return renderLogin(c, cfg, fiber.StatusOK, v)
	}
}

// loginTOTPPage shows the signed-in user's second factor, with a button to
// set it up when there is none: the account page links here.
func loginTOTPPage(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := authOf(c)
		if a.session == nil {
			return &apiError{status: fiber.StatusBadRequest, code: "bad_request", message: msg(c, "api.no_session")}
		}
		st, err := cfg.Store.TOTP(c.UserContext(), a.user.ID)
		if err != nil {
			return err
		}
		v := loginView{SignedIn: a.user.Username, SessionCSRF: a.csrf, TOTP: &st, MustEnrol: a.mustEnrol}
		return renderLogin(c, cfg, fiber.StatusOK, v)
	}
}

// loginTOTPStart starts an enrolment: the QR code and the confirm form.
func loginTOTPStart(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := authOf(c)
		if a.session == nil {
			return &apiError{status: fiber.StatusBadRequest, code: "bad_request", message: msg(c, "api.no_session")}
		}
		v := loginView{SignedIn: a.user.Username, SessionCSRF: a.csrf, MustEnrol: a.mustEnrol}
		err := startEnrol(c, cfg, a, &v)
		var ce *inventory.ConflictError
		if errors.As(err, &ce) {
			v.Error = ce.Text(langOf(c))
			return renderLogin(c, cfg, fiber.StatusConflict, v)
		}
		if err != nil {
			return err
		}
		return renderLogin(c, cfg, fiber.StatusOK, v)
	}
}

// loginTOTPConfirm confirms the enrolment with a code and shows the
// recovery codes, once. A wrong code starts a new enrolment (the old QR
// code is not shown again).
func loginTOTPConfirm(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := authOf(c)
		if a.session == nil {
			return &apiError{status: fiber.StatusBadRequest, code: "bad_request", message: msg(c, "api.no_session")}
		}
		v := loginView{SignedIn: a.user.Username, SessionCSRF: a.csrf, MustEnrol: a.mustEnrol}
		codes, err := cfg.Store.ConfirmTOTP(c.UserContext(), a.user.ID, c.FormValue("code"), a.session.ID)
		var ve *inventory.ValidationError
		var ce *inventory.ConflictError
		switch {
		case errors.As(err, &ve), errors.As(err, &ce):
			v.Error = msg(c, "auth.second_factor_code")
			if ce != nil {
				v.Error = ce.Text(langOf(c))
			}
			if err := startEnrol(c, cfg, a, &v); err != nil {
				return err
			}
			return renderLogin(c, cfg, fiber.StatusBadRequest, v)
		case err != nil:
			return err
		}
		v.MustEnrol, v.Recovery = false, codes
		return renderLogin(c, cfg, fiber.StatusOK, v)
	}
}
