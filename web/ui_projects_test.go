package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"hostroll/inventory"
)

// view GETs a page as the client and returns it.
func (c *client) view(t *testing.T, path string) response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	c.authorize(req)
	return c.sendUnchecked(t, req)
}

// postForm POSTs a page's form (an API token needs no CSRF token).
func (c *client) postForm(t *testing.T, path string, form url.Values) response {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c.authorize(req)
	return c.sendUnchecked(t, req)
}

func wantPage(t *testing.T, r response, status int, texts ...string) string {
	t.Helper()
	body := string(r.raw)
	if r.status != status || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d (%s), want a %d page:\n%.2000s", r.status, r.header.Get("Content-Type"), status, body)
	}
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Errorf("the page lacks %q:\n%.3000s", s, body)
		}
	}
	return body
}

// TestProjectPages registers a project through the form, takes it a step
// too early (the page lists what is missing beside the step), files the
// documents through the upload form, takes the step, and checks what other
// roles and another unit's staff may see and do.
func TestProjectPages(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "PRJ")
		other := c.unit(t, "OTH")
		bad := c.postForm(t, "/projects", url.Values{"code": {""}, "name": {"电子证照平台"}, "lead_unit_id": {p("%d", unit)},
			"category": {"application"}, "funding_source": {"prefecture"}, "plan_year": {"二〇二六"}, "budget": {"1,200,000"}})
		body := wantPage(t, bad, 400, "电子证照平台", `“二〇二六”不是整数`)
		if strings.Contains(body, `class="field-error" role="alert"></span>`) {
			t.Error("an empty field error is shown")
		}
		made := c.postForm(t, "/projects", url.Values{"code": {"XZ-2026-001"}, "name": {"电子证照平台"},
			"lead_unit_id": {p("%d", unit)}, "category": {"application"}, "funding_source": {"prefecture"},
			"plan_year": {"2026"}, "budget": {"1,200,000"}})
		if made.status != 303 || !strings.HasPrefix(made.header.Get("Location"), "/projects/") {
			t.Fatalf("create: %d %s", made.status, made.header.Get("Location"))
		}
		path, _, _ := strings.Cut(made.header.Get("Location"), "?")
		id := strings.TrimPrefix(path, "/projects/")
		wantPage(t, c.view(t, made.header.Get("Location")), 200, "项目已登记", "XZ-2026-001", "¥1,200,000.00", "草稿")

		list := wantPage(t, c.view(t, "/projects?status=draft&plan_year=2026"), 200, "XZ-2026-001", "州本级财政")
		if !strings.Contains(list, `href="/projects/`+id+`"`) {
			t.Error("the list does not link the project")
		}
		wantPage(t, c.view(t, "/projects?status=approved"), 200, "没有符合条件的记录")

		today := string(c.store.Today())
		// Too early: the 409 page keeps the form and names what is missing.
		early := c.postForm(t, path+"/step", url.Values{"to": {"submitted"}, "date": {today}, "note": {"申报"}})
		wantPage(t, early, 409, "下一步：已申报", "project_plan", `value="申报"`)
		for _, typ := range []string{"project_plan", "feasibility_study", "preliminary_design", "funding_estimate"} {
			up := c.uploadForm(t, path+"/documents", map[string]string{"type": typ, "title": "文件 " + typ,
				"date": "2026-01-02"}, typ+".pdf", []byte("%PDF-1.4\n"+typ))
			if up.status != 303 {
				t.Fatalf("upload %s: %d %.500s", typ, up.status, up.raw)
			}
		}
		noFile := c.uploadForm(t, path+"/documents", map[string]string{"type": "other", "title": "空"}, "", nil)
		wantPage(t, noFile, 400, "上传文件")
		ok := c.postForm(t, path+"/step", url.Values{"to": {"submitted"}, "date": {today}})
		if ok.status != 303 {
			t.Fatalf("step: %d %.2000s", ok.status, ok.raw)
		}
		page := wantPage(t, c.view(t, path), 200, "已申报", "下一步：已立项", "可行性研究报告", today)
		if !strings.Contains(page, `aria-current="step"`) {
			t.Error("the stepper marks no current step")
		}

		// An operator reads the project but has no step form; a step
		// posted anyway is a 403 page.
		op := c.as(t, inventory.RoleOperator)
		if body := wantPage(t, op.view(t, path), 200, "电子证照平台"); strings.Contains(body, `action="`+path+`/step"`) {
			t.Error("an operator is offered a step form")
		}
		wantPage(t, op.postForm(t, path+"/step", url.Values{"to": {"approved"}, "date": {"2026-01-06"}}), 403, "project.step")
		// Unit staff may not approve; another unit's staff do not see it.
		staff := c.asUnit(t, inventory.RoleUnitStaff, &unit)
		wantPage(t, staff.postForm(t, path+"/step", url.Values{"to": {"approved"}, "date": {"2026-01-06"},
			"approval_number": {"湘发改〔2026〕1号"}}), 403, "project.step.approved")
		stranger := c.asUnit(t, inventory.RoleUnitStaff, &other)
		wantPage(t, stranger.view(t, path), 404)
		if body := wantPage(t, stranger.view(t, "/projects"), 200); strings.Contains(body, "XZ-2026-001") {
			t.Error("another unit's staff see the project in the list")
		}
		wantPage(t, c.view(t, "/projects/abc"), 404)
	})
}
