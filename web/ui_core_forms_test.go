package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"hostroll/inventory"
)

// wantCorePage checks a page answer's status and that it says each of want.
func wantCorePage(t *testing.T, what string, res response, status int, want ...string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("%s: %d, want %d: %.400s", what, res.status, status, res.raw)
	}
	for _, w := range want {
		if !strings.Contains(string(res.raw), w) {
			t.Errorf("%s: no %q in the page", what, w)
		}
	}
}

func wantRedirect(t *testing.T, what string, res response, location string) {
	t.Helper()
	if res.status != 303 || res.header.Get("Location") != location {
		t.Fatalf("%s: %d to %q, want 303 to %q: %.300s", what, res.status, res.header.Get("Location"), location, res.raw)
	}
}

// TestPagesCoreScope: unit staff see their own unit's records and nothing
// of another unit's, not even in the search; the pages their role may not
// open are 403 pages naming the action.
func TestPagesCoreScope(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		w := newCoreWorld(t, c)
		staff := c.asUnit(t, inventory.RoleUnitStaff, &w.unitA)
		findingB := c.findingOf(t, "private-line", "line", w.lineB)
		home := staff.html(t, "/", 200)
		for _, want := range []string{`id="my-unit"`, "州国土资源局", "¥30,000.00", "中心机房 U 位占用"} {
			if !strings.Contains(home, want) {
				t.Errorf("home: no %q", want)
			}
		}
		for _, path := range []string{p("/units/%d", w.unitB), p("/lines/%d", w.lineB), p("/findings/%d", findingB)} {
			staff.html(t, path, 404)
		}
		for path, hidden := range map[string]string{
			"/lines":             "CM-JYJ-007",
			"/findings":          "CM-JYJ-007",
			"/units":             "州教育局",
			"/search?q=CM-JYJ":   p(`href="/lines/%d"`, w.lineB),
			"/search?q=州教育局":     p(`href="/units/%d"`, w.unitB),
			"/audit?entity=line": p("专线 #%d", w.lineB),
		} {
			if page := staff.html(t, path, 200); strings.Contains(page, hidden) {
				t.Errorf("%s shows %q to another unit's staff", path, hidden)
			}
		}
		if page := staff.html(t, "/search?q=CT-GTJ", 200); !strings.Contains(page, p(`href="/lines/%d"`, w.lineA)) {
			t.Error("the search does not find the unit's own line")
		}
		for path, action := range map[string]string{"/plans": "plan.read", "/users": "user.read",
			"/findings/consolidation": "report.read", "/audit/verify": "audit.verify"} {
			if page := staff.html(t, path, 403); !strings.Contains(page, action) {
				t.Errorf("%s: the 403 page does not name %s", path, action)
			}
		}
		res := staff.pageAs(t, "POST", p("/findings/%d/exemption", c.findingOf(t, "private-line", "line", w.lineA)),
			url.Values{"reason": {"一个足够长的豁免理由，说明情况"}, "basis": {"other"}})
		wantCorePage(t, "unit staff exempting", res, 403, "exemption.write")
		auditor := c.as(t, inventory.RoleAuditor)
		auditor.html(t, "/audit/verify", 200)
		auditor.html(t, "/findings/consolidation", 200)
		wantCorePage(t, "auditor running the checks", auditor.pageAs(t, "POST", "/findings/checks", url.Values{}), 403, "check.run")
	})
}

// TestPagesCoreExemption grants an exemption through the form (a refusal
// first: the message beside the field, the input kept), then revokes it.
func TestPagesCoreExemption(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		w := newCoreWorld(t, c)
		planner := c.as(t, inventory.RolePlanner)
		id := c.findingOf(t, "private-line", "line", w.lineA)
		path := p("/findings/%d/exemption", id)
		res := planner.pageAs(t, "POST", path, url.Values{"reason": {"太短"}, "basis": {"other"}, "expires_on": {"2001-01-01"}})
		wantCorePage(t, "a short reason", res, 400, `class="field-error"`, ">太短</textarea>", `value="2001-01-01"`)
		if got := c.get(t, p("/api/v1/findings/%d", id))["status"]; got != "open" {
			t.Fatalf("a refused exemption changed the finding: %v", got)
		}
		res = planner.pageAs(t, "POST", path, url.Values{"reason": {"专线承载涉密业务，经州保密局备案保留"}, "basis": {"classified"}, "expires_on": {"2099-12-31"}})
		if res.status == 400 && strings.Contains(string(res.raw), "expires_on") {
			res = planner.pageAs(t, "POST", path, url.Values{"reason": {"专线承载涉密业务，经州保密局备案保留"}, "basis": {"classified"}})
		}
		wantRedirect(t, "granting", res, p("/findings/%d?done=exemption_granted", id))
		got := c.get(t, p("/api/v1/findings/%d", id))
		if got["status"] != "exempted" || got["exemption"].(obj)["granted_by"] != planner.user {
			t.Fatalf("after the form: %v", got)
		}
		page := planner.html(t, p("/findings/%d?done=exemption_granted", id), 200)
		if !strings.Contains(page, "已批准豁免") || !strings.Contains(page, "经州保密局备案") {
			t.Errorf("the finding page does not show the exemption")
		}
		wantRedirect(t, "revoking", planner.pageAs(t, "POST", path+"/revoke", url.Values{}), p("/findings/%d?done=exemption_revoked", id))
		if got := c.get(t, p("/api/v1/findings/%d", id))["status"]; got != "open" {
			t.Errorf("after revoking: %v", got)
		}
	})
}

// TestPagesCoreChecks runs the checks from the page, plain and with htmx.
func TestPagesCoreChecks(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		newCoreWorld(t, c)
		planner := c.as(t, inventory.RolePlanner)
		_, before := c.list(t, "/api/v1/checks")
		wantRedirect(t, "run", planner.pageAs(t, "POST", "/findings/checks", url.Values{}), "/findings/checks?done=check_run")
		req := httptest.NewRequest("POST", "/findings/checks", strings.NewReader(""))
		req.Header.Set("HX-Request", "true")
		planner.authorize(req)
		res := planner.sendUnchecked(t, req)
		if res.status != 204 || res.header.Get("HX-Redirect") != "/findings/checks?done=check_run" {
			t.Errorf("htmx run: %d %q", res.status, res.header.Get("HX-Redirect"))
		}
		if _, after := c.list(t, "/api/v1/checks"); after != before+2 {
			t.Errorf("%d runs, want %d", after, before+2)
		}
		page := planner.html(t, "/findings/checks?done=check_run", 200)
		if !strings.Contains(page, `class="latest"`) || !strings.Contains(page, planner.user) {
			t.Error("the runs page does not show the run just done")
		}
	})
}

// TestPagesCoreAccount: language kept per user (before the cookie), a
// token made (its secret shown once, and it works) and revoked, a password
// change refused and done, a session ended.
func TestPagesCoreAccount(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		ctx := context.Background()
		wantRedirect(t, "language", c.pageAs(t, "POST", "/account/language", url.Values{"language": {"en"}}), "/account?done=language_saved")
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", "hostroll_lang=zh")
		c.authorize(req)
		if res := c.sendUnchecked(t, req); !strings.Contains(string(res.raw), `<html lang="en">`) {
			t.Error("the user's language does not come before the cookie")
		}
		wantCorePage(t, "a bad language", c.pageAs(t, "POST", "/account/language", url.Values{"language": {"fr"}}), 400)
		res := c.pageAs(t, "POST", "/language", url.Values{"lang": {"zh"}, "next": {"/account"}})
		wantRedirect(t, "switch", res, "/account")
		if u, _ := c.store.UserByName(ctx, "admin"); u.Language != "zh" {
			t.Errorf("the header's switch did not keep the user's language: %q", u.Language)
		}

		res = c.pageAs(t, "POST", "/account/tokens", url.Values{"description": {"备份脚本"}, "expires_days": {"30"}})
		wantCorePage(t, "new token", res, 201, `id="token-secret"`)
		secret := between(string(res.raw), `id="token-secret">`, "</pre>")
		other := *c
		other.token = secret
		if me := other.get(t, "/api/v1/me"); me["username"] != "admin" {
			t.Fatalf("the new token does not work: %v", me)
		}
		if page := c.html(t, "/account", 200); strings.Contains(page, secret) {
			t.Error("the secret is shown again")
		}
		wantCorePage(t, "bad days", c.pageAs(t, "POST", "/account/tokens", url.Values{"expires_days": {"0"}}), 400, `class="field-error"`)
		tokens, _ := c.list(t, "/api/v1/me/tokens")
		var id int64
		for _, tk := range tokens {
			if tk["description"] == "备份脚本" {
				id = idOf(t, tk)
			}
		}
		wantRedirect(t, "revoke", c.pageAs(t, "POST", p("/account/tokens/%d/revoke", id), url.Values{}), "/account?done=token_revoked")
		if res := other.do(t, "GET", "/api/v1/me", nil); res.status != 401 {
			t.Errorf("a revoked token still works: %d", res.status)
		}

		res = c.pageAs(t, "POST", "/account/password", url.Values{"current_password": {"wrong"}, "password": {"New-Pass-2025x"}, "password_again": {"New-Pass-2025x"}})
		wantCorePage(t, "wrong current", res, 400, `class="field-error"`)
		res = c.pageAs(t, "POST", "/account/password", url.Values{"current_password": {testPassword}, "password": {"New-Pass-2025x"}, "password_again": {"Other-Pass-2025"}})
		wantCorePage(t, "mismatch", res, 400, "两次输入的新密码不一致")
		_, _, err := c.store.SignIn(ctx, "admin", testPassword, inventory.Client{IP: "192.0.2.1", UserAgent: "test"})
		if err != nil {
			t.Fatal(err)
		}
		sessions, _ := c.store.Sessions(ctx, mustUser(t, c, "admin").ID)
		if len(sessions) != 1 {
			t.Fatalf("%d sessions", len(sessions))
		}
		wantRedirect(t, "end session", c.pageAs(t, "POST", p("/account/sessions/%d/revoke", sessions[0].ID), url.Values{}), "/account?done=session_ended")
		if left, _ := c.store.Sessions(ctx, mustUser(t, c, "admin").ID); len(left) != 0 {
			t.Errorf("%d sessions left", len(left))
		}
		res = c.pageAs(t, "POST", "/account/password", url.Values{"current_password": {testPassword}, "password": {"New-Pass-2025x"}, "password_again": {"New-Pass-2025x"}})
		wantRedirect(t, "password", res, "/account?done=password_changed")
	})
}

func mustUser(t *testing.T, c *client, name string) inventory.User {
	t.Helper()
	u, err := c.store.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	out, _, _ := strings.Cut(rest, to)
	return out
}

// TestPagesCoreUsers: an administrator creates, changes and resets users
// through the page; a refusal keeps the input; an operator may not.
func TestPagesCoreUsers(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "GTJ")
		res := c.pageAs(t, "POST", "/users", url.Values{"username": {"gtj-staff"}, "role": {"unit_staff"}})
		wantCorePage(t, "unit staff without a unit", res, 400, `class="field-error"`, `value="gtj-staff"`)
		res = c.pageAs(t, "POST", "/users", url.Values{"username": {"gtj-staff"}, "display_name": {"王芳"}, "role": {"unit_staff"}, "unit_id": {itoa(unit)}})
		wantCorePage(t, "create", res, 201, `id="user-secret"`, "gtj-staff")
		made := mustUser(t, c, "gtj-staff")
		if made.UnitID == nil || *made.UnitID != unit || !made.MustChangePassword {
			t.Fatalf("made %+v", made)
		}
		res = c.pageAs(t, "POST", p("/users/%d", made.ID), url.Values{"display_name": {"王芳"}, "role": {"operator"}, "status": {"active"}})
		wantRedirect(t, "update", res, p("/users/%d?done=user_saved", made.ID))
		if got := mustUser(t, c, "gtj-staff"); got.Role != "operator" || got.UnitID != nil {
			t.Errorf("after the update: %+v", got)
		}
		res = c.pageAs(t, "POST", p("/users/%d", made.ID), url.Values{"role": {"root"}, "status": {"active"}})
		wantCorePage(t, "a bad role", res, 400, `class="field-error"`)
		wantCorePage(t, "reset", c.pageAs(t, "POST", p("/users/%d/password", made.ID), url.Values{}), 200, `id="user-secret"`)
		if !mustUser(t, c, "gtj-staff").MustChangePassword {
			t.Error("a reset password need not be changed")
		}
		op := c.as(t, inventory.RoleOperator)
		wantCorePage(t, "operator", op.pageAs(t, "POST", "/users", url.Values{"username": {"x"}, "role": {"admin"}}), 403, "user.write")
		if page := c.html(t, "/users?role=operator", 200); !strings.Contains(page, "gtj-staff") {
			t.Error("the list filtered by role misses the user")
		}
	})
}
