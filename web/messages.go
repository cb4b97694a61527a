package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// messages are the texts of sign-in, session and access refusals, in Chinese
// (default) and English.
var messages = map[string][2]string{
	"msg.unauthorized": {"请先登录，或在 Authorization 头中携带 API 令牌（Bearer hr_…）",
		"sign in first, or send an API token in Authorization (Bearer hr_…)"},
	"msg.bad_auth_header": {"Authorization 头须为 \"Bearer hr_<key>.<secret>\"",
		"the Authorization header must be \"Bearer hr_<key>.<secret>\""},
	"msg.bad_token":       {"API 令牌无效、已过期或已被吊销", "the API token is not valid, has expired or was revoked"},
	"msg.token_address":   {"该 API 令牌不允许从此地址使用", "the API token is not allowed from this address"},
	"msg.token_read_only": {"该 API 令牌为只读，不能修改数据", "the API token is read-only: it cannot change anything"},
	"msg.session_expired": {"会话已过期或已退出，请重新登录", "the session has expired or was ended: sign in again"},
	"msg.csrf": {"缺少或错误的 CSRF 令牌（X-CSRF-Token 头或 csrf_token 表单字段）",
		"missing or wrong CSRF token (X-CSRF-Token header or csrf_token form field)"},
	"msg.cross_site": {"拒绝来自其他站点的请求", "requests from another site are refused"},
	"msg.must_change_password": {"首次登录须先修改密码（POST /api/v1/me/password）",
		"you must change your password first (POST /api/v1/me/password)"},
	"msg.second_factor_pending": {"请先输入双因素认证码（POST /api/v1/session/second-factor）",
		"enter your second-factor code first (POST /api/v1/session/second-factor)"},
	"msg.must_enrol": {"您的角色须使用双因素认证，请先绑定（/login/totp 或 POST /api/v1/me/totp），绑定前不能使用其他功能",
		"your role must use a second factor: enrol first (/login/totp or POST /api/v1/me/totp); nothing else can be used before"},
	"msg.second_factor_code": {"双因素认证码错误或已使用", "wrong or already used second-factor code"},
	"msg.directory_down": {"目录服务（LDAP）无响应，暂时无法用目录账号登录，请稍后再试或联系管理员",
		"the directory (LDAP) does not answer: directory users cannot sign in now; try again later or ask an administrator"},
	"msg.forbidden":    {"角色 %s 无权执行 %s", "the role %s may not do %s"},
	"msg.json_only":    {"请求体须为 JSON，Content-Type: application/json", "the request body must be JSON sent as Content-Type: application/json"},
	"msg.sign_in":      {"用户名或密码错误", "wrong username or password"},
	"msg.locked":       {"登录失败次数过多，账户已锁定至 %s", "too many failed sign-ins: the account is locked until %s"},
	"msg.rate_limited": {"登录尝试过于频繁，请 %d 秒后再试", "too many sign-in attempts: try again in %d seconds"},
	"msg.no_session":   {"当前不是通过会话 Cookie 登录", "you are not signed in with a session cookie"},
	"msg.login_form":   {"登录表单已过期，请重新提交", "the sign-in form has expired: submit it again"},
}

// langOf is the language of a request: ?lang=en|zh, else Accept-Language,
// else Chinese.
func langOf(c *fiber.Ctx) string {
	switch c.Query("lang") {
	case "en":
		return "en"
	case "zh":
		return "zh"
	}
	return inventory.Lang(c.Get(fiber.HeaderAcceptLanguage))
}

// msg renders a message in the request's language.
func msg(c *fiber.Ctx, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	text := m[0]
	if langOf(c) == "en" {
		text = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}
