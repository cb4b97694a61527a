package web_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/twofactor"
)

const js = "application/json"

// eachTOTP is eachAPI with admins required to use a second factor.
func eachTOTP(t *testing.T, fn func(t *testing.T, c *client)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		cfg := testConfig(db.Store)
		cfg.SecondFactorRoles = []string{inventory.RoleAdmin}
		fn(t, newClient(t, cfg, db.Name))
	})
}

// code is the authenticator app's code for secret, d from now.
func code(t *testing.T, secret string, d time.Duration) string {
	t.Helper()
	c, err := twofactor.Code(secret, time.Now().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolAPI enrols b's user with the API and returns the secret and the
// recovery codes.
func enrolAPI(t *testing.T, b *browser) (string, []string) {
	t.Helper()
	e := b.req(t, "POST", "/api/v1/me/totp", js, "", "X-CSRF-Token", b.csrf).want(t, 201)
	secret, _ := e["secret"].(string)
	qr, _ := e["qr_png"].(string)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qr, "data:image/png;base64,"))
	if err != nil || !strings.HasPrefix(qr, "data:image/png;base64,") {
		t.Fatalf("qr_png %.40q: %v", qr, err)
	}
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Fatalf("qr_png is no PNG: %v", err)
	}
	if url, _ := e["otpauth_url"].(string); !strings.Contains(url, "secret="+secret) {
		t.Fatalf("otpauth_url %q", url)
	}
	wantErr(t, b.req(t, "POST", "/api/v1/me/totp/confirm", js, `{"code": "000000"}`, "X-CSRF-Token", b.csrf), 400, "validation", "code")
	r := b.req(t, "POST", "/api/v1/me/totp/confirm", js, `{"code": "`+code(t, secret, 0)+`"}`, "X-CSRF-Token", b.csrf).want(t, 200)
	list, _ := r["recovery_codes"].([]any)
	var codes []string
	for _, c := range list {
		codes = append(codes, c.(string))
	}
	if len(codes) != 10 {
		t.Fatalf("recovery codes: %v", r)
	}
	return secret, codes
}

// TestSecondFactorAPI: an admin must enrol before anything else; then each
// sign-in waits for a code, which is accepted once; a recovery code works
// once; an administrator's reset is audited; API tokens are not affected.
func TestSecondFactorAPI(t *testing.T) {
	eachTOTP(t, func(t *testing.T, c *client) {
		c.mkUser(t, "root2", inventory.RoleAdmin, nil)
		anon := c.anonymous()
		res, b := anon.signInAs(t, "root2", testPassword)
		if me := res.want(t, 200); me["second_factor"] != "enrolment_required" {
			t.Fatalf("admin without a second factor: %v", me)
		}
		d := wantErr(t, b.req(t, "GET", "/api/v1/units", "", ""), 403, "forbidden", "")
		if !strings.Contains(message(d), "双因素") {
			t.Errorf("refusal before enrolment: %q", message(d))
		}
		wantErr(t, b.req(t, "POST", "/api/v1/me/tokens", js, `{"description": "skip"}`, "X-CSRF-Token", b.csrf), 403, "forbidden", "")
		secret, recovery := enrolAPI(t, b)
		b.req(t, "GET", "/api/v1/units", "", "").want(t, 200) // the enrolling session is complete
		wantErr(t, b.req(t, "POST", "/api/v1/me/totp", js, "", "X-CSRF-Token", b.csrf), 409, "conflict", "")

		res, b = anon.signInAs(t, "root2", testPassword)
		if me := res.want(t, 200); me["second_factor"] != "code_required" || me["totp_enabled"] != true {
			t.Fatalf("sign-in with a second factor: %v", me)
		}
		d = wantErr(t, b.req(t, "GET", "/api/v1/units", "", ""), 403, "forbidden", "")
		if !strings.Contains(message(d), "second-factor") && !strings.Contains(message(d), "双因素认证码") {
			t.Errorf("refusal before the code: %q", message(d))
		}
		wantErr(t, b.req(t, "POST", "/api/v1/me/totp", js, "", "X-CSRF-Token", b.csrf), 403, "forbidden", "")
		second := func(code string) response {
			return b.req(t, "POST", "/api/v1/session/second-factor", js, `{"code": "`+code+`"}`, "X-CSRF-Token", b.csrf)
		}
		wantErr(t, second(code(t, secret, 0)), 401, "unauthorized", "code") // the enrolment's code: replayed
		if me := second(code(t, secret, twofactor.Period)).want(t, 200); me["second_factor"] != nil {
			t.Fatalf("after the code: %v", me)
		}
		b.req(t, "GET", "/api/v1/units", "", "").want(t, 200)
		wantErr(t, second(code(t, secret, twofactor.Period)), 409, "conflict", "")

		_, b = anon.signInAs(t, "root2", testPassword)
		second(recovery[0]).want(t, 200)
		_, b = anon.signInAs(t, "root2", testPassword)
		wantErr(t, second(recovery[0]), 401, "unauthorized", "code")
		wantErr(t, b.req(t, "GET", "/api/v1/me/totp", "", ""), 403, "forbidden", "") // still waiting for a code

		// The admin's token (no second factor) is not affected.
		users, _ := c.list(t, "/api/v1/users?q=root2")
		id := itoa(idOf(t, users[0]))
		c.do(t, "DELETE", "/api/v1/users/"+id+"/totp", nil).want204(t)
		rows, _ := c.list(t, "/api/v1/audit?entity=user&entity_id="+id)
		found := false
		for _, r := range rows {
			if after, _ := r["after"].(obj); after["totp"] == "reset" && r["actor"] == "admin" {
				found = true
			}
		}
		if !found {
			t.Errorf("no audit row of the reset: %v", rows)
		}
		if r, b := anon.signInAs(t, "root2", testPassword); r.want(t, 200)["second_factor"] != "enrolment_required" || b == nil {
			t.Fatalf("after the reset: %s", r.raw)
		}
	})
}

// TestSecondFactorLockoutAPI: wrong codes count toward the lockout.
func TestSecondFactorLockoutAPI(t *testing.T) {
	eachTOTP(t, func(t *testing.T, c *client) {
		c.mkUser(t, "root3", inventory.RoleAdmin, nil)
		_, b := c.anonymous().signInAs(t, "root3", testPassword)
		enrolAPI(t, b)
		_, b = c.anonymous().signInAs(t, "root3", testPassword)
		for range 4 {
			wantErr(t, b.req(t, "POST", "/api/v1/session/second-factor", js, `{"code": "111111"}`, "X-CSRF-Token", b.csrf), 401, "unauthorized", "code")
		}
		d := wantErr(t, b.req(t, "POST", "/api/v1/session/second-factor", js, `{"code": "111111"}`, "X-CSRF-Token", b.csrf), 401, "unauthorized", "")
		if !strings.Contains(message(d), "锁定") {
			t.Fatalf("fifth wrong code: %q", message(d))
		}
		wantErr(t, b.req(t, "GET", "/api/v1/me", "", ""), 401, "unauthorized", "")
	})
}

// TestMyTOTPStatus: GET /me/totp shows the state and the recovery codes
// left.
func TestMyTOTPStatus(t *testing.T) {
	eachTOTP(t, func(t *testing.T, c *client) {
		c.mkUser(t, "root4", inventory.RoleAdmin, nil)
		_, b := c.anonymous().signInAs(t, "root4", testPassword)
		if m := b.req(t, "GET", "/api/v1/me/totp", "", "").want(t, 200); m["enabled"] != false || m["confirmed_at"] != nil {
			t.Fatalf("before enrolment: %v", m)
		}
		_, recovery := enrolAPI(t, b)
		_, b = c.anonymous().signInAs(t, "root4", testPassword)
		b.req(t, "POST", "/api/v1/session/second-factor", js, `{"code": "`+strings.ToUpper(recovery[5])+`"}`, "X-CSRF-Token", b.csrf).want(t, 200)
		if m := b.req(t, "GET", "/api/v1/me/totp", "", "").want(t, 200); m["enabled"] != true || intOf(t, m["recovery_codes_left"]) != 9 {
			t.Fatalf("after a recovery code: %v", m)
		}
	})
}
