package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hostroll/inventory"
)

// TestBrowserProjectStep: a reviewer opens an approved project in chromium,
// sees that the technical plan review lacks spec items, the spec items are
// added, and the reviewer takes the step from the stepper's form.
func TestBrowserProjectStep(t *testing.T) {
	b := newBrowser(t)
	c := b.client
	unit := c.create(t, "/api/v1/units", obj{"code": "ZSJJ", "name": "州数据局", "kind": "department"})
	uid := idOf(t, unit)
	prj := c.create(t, "/api/v1/projects", obj{"code": "XZ-2026-007", "name": "政务服务一网通办平台", "lead_unit_id": uid,
		"category": "application", "funding_source": "prefecture", "plan_year": 2026, "budget": 3860000,
		"supervisor": "湖南长信监理有限公司"})
	id := idOf(t, prj)
	for _, typ := range []string{"project_plan", "feasibility_study", "preliminary_design", "funding_estimate"} {
		c.fileDoc(t, id, typ)
	}
	today := string(c.store.Today())
	c.do(t, "POST", p("/api/v1/projects/%d/transitions", id), obj{"to": "submitted", "date": today}).want(t, 200)
	approver := c.as(t, inventory.RoleReviewer)
	approver.do(t, "POST", p("/api/v1/projects/%d/transitions", id), obj{"to": "approved", "date": today,
		"approval_number": "湘发改审批〔2026〕12号"}).want(t, 200)

	c.mkUser(t, "shen", inventory.RoleReviewer, nil)
	b.signIn(t, "shen")
	b.do(t, chromedp.Navigate(b.base+p("/projects/%d", id)), chromedp.WaitVisible(chromedp.CSS(`#next-spec_reviewed`)))
	if got := b.text(t, "#next-spec_reviewed ul.missing"); !strings.Contains(got, "spec_items") {
		t.Errorf("the missing prerequisites of the review say %q, want spec_items", got)
	}
	for _, it := range []obj{
		{"kind": "server", "name": "应用服务器", "quantity": 4, "max_unit_price": 85000,
			"requirements": []obj{{"field": "cpu_cores", "op": "min", "value": 32}, {"field": "memory_gb", "op": "min", "value": 256}}},
		{"kind": "switch", "name": "核心交换机", "quantity": 2, "max_unit_price": 120000,
			"requirements": []obj{{"field": "ports", "op": "min", "value": 48}}},
	} {
		c.create(t, p("/api/v1/projects/%d/spec-items", id), it)
	}
	b.do(t, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#next-spec_reviewed`)))
	if got := b.text(t, "#next-spec_reviewed h3"); !strings.Contains(got, "条件已具备") {
		t.Errorf("after the spec items, the review says %q, want ready", got)
	}
	b.screenshot(t, "project")
	b.do(t,
		chromedp.SendKeys(chromedp.CSS(`#note-spec_reviewed`), "专家评审通过"),
		chromedp.Click(chromedp.CSS(`#next-spec_reviewed button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if got := b.text(t, `ol.stepper li[aria-current="step"] .step-name`); got != "技术方案已评审" {
		t.Errorf("the current step is %q, want 技术方案已评审", got)
	}
	got, err := c.store.Project(inventory.WithActor(t.Context(), "test"), id)
	if err != nil || got.Status != "spec_reviewed" {
		t.Errorf("the store has %q, %v", got.Status, err)
	}
}
