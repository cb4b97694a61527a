package ui

import (
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/locale"
)

func fixtureProjectView(lang string) projectView {
	price, settle := 80000.0, 0.0
	_ = settle
	item := int64(7)
	p := inventory.Project{ID: 3, Code: "XZ-2026-001", Name: "电子证照平台", LeadUnitID: 1, Category: "application",
		FundingSource: "prefecture", PlanYear: 2026, Budget: 1200000, Status: "approved", ApprovalNumber: "湘发改〔2026〕1号"}
	history := []inventory.ProjectStep{
		{Kind: "step", FromStatus: "draft", ToStatus: "submitted", Date: "2026-01-05", RecordedOn: "2026-01-05", Actor: "zhang"},
		{Kind: "step", FromStatus: "submitted", ToStatus: "approved", Date: "2026-02-01", RecordedOn: "2026-02-01", Actor: "li"},
	}
	steps, off := stepper(p.Status, history)
	return projectView{Page: testPage(lang), P: p, LeadUnit: "州数据局（SJJ）", Stepper: steps, OffPath: off,
		NextSteps: []nextView{
			{To: "spec_reviewed", Missing: []missingView{{Key: "technical_plan", Message: "技术方案未上传"}}, CanTake: true,
				Form: stepForm{Date: "2026-03-01", Errors: formError{Fields: map[string]string{"date": "日期有误"}}}},
			{To: "rejected", Ready: true, CanTake: true, Form: stepForm{Date: "2026-03-01"}},
		},
		Today:     "2026-03-01",
		Documents: []inventory.Document{{ID: 1, ProjectID: 3, Type: "project_plan", Title: "项目建议书", Filename: "plan.pdf", Size: 1024}},
		DocTypes:  inventory.DocumentTypes,
		Items: []inventory.SpecItem{{ID: item, Kind: "server", Name: "应用服务器", Quantity: 4, MaxUnitPrice: &price,
			Requirements: []inventory.Requirement{{Field: "memory_gb", Op: "min", Value: 256.0}}}},
		Revisions: []inventory.SpecRevision{{ID: 2, Number: 2, Status: "proposed", Reason: "扩容", CreatedBy: "li",
			CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}},
		Compliance: &inventory.Compliance{ProjectID: 3, Pass: false,
			Items: []inventory.ItemCompliance{{ItemID: item, Kind: "server", Name: "应用服务器", Required: 4, Matched: 1}},
			Devices: []inventory.DeviceCompliance{{DeviceID: 9, Name: "app-01", Kind: "server", ItemID: &item,
				Checks: []inventory.RequirementCheck{{Field: "memory_gb", Op: "min", Value: 256.0, Declared: 128.0,
					Evidence: "declared"}}}}},
		ItemNames:   map[int64]string{item: "应用服务器"},
		Evaluations: []inventory.Evaluation{{ID: 1, ProjectID: 3, Date: "2026-06-01", Problems: "响应慢"}},
		SpecForm:    specForm{Items: "server | 应用服务器 | 4 | 80000 | memory_gb min 256\n"},
		History:     history,
	}
}

// TestRenderProjects renders the projects' views in both languages: the
// labels come from the right catalog and no key shows as it is.
func TestRenderProjects(t *testing.T) {
	for _, lang := range locale.Langs {
		page := renderTest(t, "projects_page", fixtureProjectView(lang))
		list := renderTest(t, "projects_list", projectListView{Page: testPage(lang), Steps: inventory.ProjectStatuses,
			Funding: inventory.FundingSources, Items: []projectRow{{Project: fixtureProjectView(lang).P, LeadUnit: "州数据局"}},
			Pager: Pager{Limit: 50, Total: 1, Lang: lang}})
		form := renderTest(t, "projects_new", projectNewView{Page: testPage(lang), Categories: inventory.ProjectCategories,
			Funding: inventory.FundingSources, Form: projectForm{Name: "x", Errors: formError{Fields: map[string]string{"code": "必填"}}}})
		for name, html := range map[string]string{"page": page, "list": list, "new": form} {
			if m := untranslated.FindString(html); m != "" {
				t.Errorf("%s %s: untranslated key %s", lang, name, m)
			}
		}
		want := map[string][]string{
			locale.ZH: {"已立项", "下一步：技术方案已评审", "技术方案未上传", "日期有误", "不低于", "项目建议书", "待审核", "¥1,200,000.00", "缺 1 项条件"},
			locale.EN: {"Approved", "Next: Technical plan reviewed", "at least", "Project plan", "Proposed", "1 prerequisites missing"},
		}[lang]
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the project page lacks %q", lang, w)
			}
		}
		if strings.Count(page, `class="step done"`) != 2 || !strings.Contains(page, `class="step current" aria-current="step"`) {
			t.Errorf("%s: the stepper does not show two steps done and the current one", lang)
		}
		if !strings.Contains(list, "XZ-2026-001") || !strings.Contains(form, "必填") {
			t.Errorf("%s: the list or the form lacks its data", lang)
		}
	}
}

func TestStepperOffPath(t *testing.T) {
	steps, off := stepper("rejected", []inventory.ProjectStep{
		{Kind: "step", FromStatus: "draft", ToStatus: "submitted", Date: "2026-01-05"},
		{Kind: "step", FromStatus: "submitted", ToStatus: "rejected", Date: "2026-02-01"},
	})
	if off != "rejected" {
		t.Fatalf("off = %q", off)
	}
	var states []string
	for _, s := range steps[:3] {
		states = append(states, s.Status+":"+s.State)
	}
	if got := strings.Join(states, " "); got != "draft:done submitted:done approved:todo" {
		t.Errorf("states = %s", got)
	}
}

func TestParseSpecItems(t *testing.T) {
	p := testPage(locale.ZH)
	items, bad := parseSpecItems(p, "服务器 | 应用服务器 | 4 | 80,000 | cpu_cores min 32; manufacturer in 华为,浪潮\n\n# comment\nswitch | 核心交换机 | x | | \n")
	if len(items) != 2 {
		t.Fatalf("items = %d", len(items))
	}
	if items[0].Kind != "server" || *items[0].MaxUnitPrice != 80000 || len(items[0].Requirements) != 2 {
		t.Errorf("first item = %+v", items[0])
	}
	if vals, ok := items[0].Requirements[1].Value.([]any); !ok || len(vals) != 2 || vals[0] != "华为" {
		t.Errorf("in value = %#v", items[0].Requirements[1].Value)
	}
	if !strings.Contains(bad["items[1]"], "第 4 行") {
		t.Errorf("bad = %v", bad)
	}
	again, _ := parseSpecItems(p, formatSpecItems([]inventory.SpecItem{{Kind: "server", Name: "a", Quantity: 2,
		Requirements: []inventory.Requirement{{Field: "memory_gb", Op: "min", Value: 64.0}, {Field: "model", Op: "in", Value: []any{"X", "Y"}}}}}))
	if len(again) != 1 || again[0].Requirements[0].Value != 64.0 || len(again[0].Requirements[1].Value.([]any)) != 2 {
		t.Errorf("round trip = %+v", again)
	}
}
