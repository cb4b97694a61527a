package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
)

// uploadForm POSTs a multipart form: the fields, and the file when content is
// not nil.
func (c *client) uploadForm(t *testing.T, path string, fields map[string]string, filename string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if content != nil {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	c.authorize(req)
	return c.send(t, req)
}

// fileDoc uploads a small PDF of type typ to a project.
func (c *client) fileDoc(t *testing.T, projectID int64, typ string) obj {
	t.Helper()
	r := c.uploadForm(t, p("/api/v1/projects/%d/documents", projectID),
		map[string]string{"type": typ, "title": "文件 " + typ, "number": "湘政办〔2025〕1号", "date": "2025-01-02"},
		typ+".pdf", []byte("%PDF-1.4\n"+typ))
	o := r.want(t, 201)
	checkObject(t, o)
	return o
}

// missingFields returns the sorted fields of a 409 conflict.
func missingFields(t *testing.T, r response) []string {
	t.Helper()
	d := wantErr(t, r, 409, "conflict", "")
	f, _ := d["fields"].(obj)
	out := keys(f)
	sort.Strings(out)
	return out
}

// TestLifecycleWalk takes a classified, prefecture-funded project from draft
// to settled through the API alone. Every gate is first tried too early: the
// 409 lists exactly what is missing; the reviewer supplies it and retries.
func TestLifecycleWalk(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "WALK")
		proj := c.create(t, "/api/v1/projects", merge(projectBody("XZ-2025-WALK", unit),
			obj{"classified": true, "plan_year": 2025}))
		id := idOf(t, proj)
		base := p("/api/v1/projects/%d", id)
		// Approval and acceptance are decided by someone other than who
		// submitted or requested them (four-eyes): a reviewer.
		reviewer := c.as(t, "reviewer")
		step := func(to, date string, extra obj) response {
			who := c
			if to == "approved" || to == "rejected" || to == "accepted" || to == "acceptance_failed" {
				who = reviewer
			}
			return who.do(t, "POST", base+"/transitions", merge(obj{"to": to, "date": date, "note": "→ " + to}, extra))
		}
		for _, tc := range []struct {
			to, date string
			missing  []string
			fix      func()
			extra    obj
		}{
			{"submitted", "2024-10-20",
				[]string{"feasibility_study", "funding_estimate", "preliminary_design", "project_plan", "secrecy_filing"},
				func() {
					for _, typ := range []string{"project_plan", "feasibility_study", "preliminary_design", "funding_estimate", "secrecy_filing"} {
						c.fileDoc(t, id, typ)
					}
				}, nil},
			{"approved", "2024-12-01", []string{"approval_number"}, nil, obj{"approval_number": "州发改〔2024〕88号"}},
			{"spec_reviewed", "2025-01-10", []string{"spec_items"}, func() {
				c.create(t, base+"/spec-items", obj{"kind": "server", "name": "数据库服务器", "quantity": 1,
					"requirements": []obj{{"field": "memory_gb", "op": "min", "value": 256}}})
			}, nil},
			{"procuring", "2025-02-01", nil, nil, nil},
			{"implementing", "2025-04-01", []string{"procurement", "procurement_contract", "supervisor"}, func() {
				c.patch(t, base, obj{"supervisor": "湘西信息工程监理有限公司"})
				c.do(t, "PUT", base+"/procurement", obj{"method": "public_tender", "procurement_number": "XXZC2025-G-017",
					"supplier": "湘西云数据科技有限公司", "contract_number": "HT-2025-017", "contract_amount": 95000,
					"contract_date": "2025-03-20"}).want(t, 201)
				c.fileDoc(t, id, "procurement_contract")
			}, nil},
			{"trial_run", "2025-06-01", []string{"trial_run_end"}, nil, obj{"trial_run_end": "2025-08-31"}},
			{"acceptance_requested", "2025-09-15", []string{"completion_report", "compliance.1", "implementation_plan",
				"supervision_report", "test_report", "training_report", "trial_run_report"}, func() {
				for _, typ := range []string{"implementation_plan", "completion_report", "supervision_report",
					"trial_run_report", "training_report", "test_report"} {
					c.fileDoc(t, id, typ)
				}
				c.device(t, unit, "db-01", obj{"project_id": id, "specs": obj{"memory_gb": 512}})
			}, nil},
			{"accepted", "2025-10-10", []string{"joint_acceptance"}, func() { c.fileDoc(t, id, "joint_acceptance") }, nil},
			{"settled", "2025-11-20", []string{"settlement_amount", "settlement_audit"}, func() { c.fileDoc(t, id, "settlement_audit") },
				obj{"settlement_amount": 98500.5}},
		} {
			t.Run(tc.to, func(t *testing.T) {
				if tc.missing != nil {
					if got := missingFields(t, step(tc.to, tc.date, nil)); !slices.Equal(got, tc.missing) {
						t.Fatalf("missing %v, want %v", got, tc.missing)
					}
				}
				if tc.fix != nil {
					tc.fix()
				}
				got := step(tc.to, tc.date, tc.extra).want(t, 200)
				if got["status"] != tc.to {
					t.Fatalf("status %v, want %s", got["status"], tc.to)
				}
			})
		}
		final := c.get(t, base)
		if final["approval_number"] != "州发改〔2024〕88号" || final["trial_run_end"] != "2025-08-31" || final["status"] != "settled" ||
			num(t, final["settlement_amount"]) != 98500.5 {
			t.Errorf("project after the walk = %v", final)
		}
		steps, total := c.list(t, base+"/history")
		if total != 9 || steps[0]["from_status"] != "draft" || steps[8]["to_status"] != "settled" || steps[8]["date"] != "2025-11-20" {
			t.Errorf("history (%d) = %v", total, steps)
		}
		wantErr(t, step("draft", "2025-11-21", nil), 409, "conflict", "to")
		wantErr(t, c.do(t, "PATCH", base, obj{"status": "draft"}), 400, "validation", "status")

		t.Run("evaluation and eligibility", func(t *testing.T) {
			ev := c.create(t, base+"/evaluations", obj{"date": "2026-03-01", "meets_target": false, "problems": "数据共享率未达标"})
			e := c.get(t, "/api/v1/eligibility?year=2026")
			if u := eligibilityOf(t, e, unit); u["eligible"] != false {
				t.Errorf("unit with an unrectified evaluation: %v", u)
			}
			c.patch(t, p("%s/evaluations/%d", base, idOf(t, ev)), obj{"rectified": true, "rectified_on": "2026-04-01"})
			if u := eligibilityOf(t, c.get(t, "/api/v1/eligibility?year=2026"), unit); u["eligible"] != true {
				t.Errorf("unit after rectification: %v", u)
			}
			items, _ := c.list(t, base+"/evaluations")
			if len(items) != 1 || items[0]["rectified"] != true {
				t.Errorf("evaluations = %v", items)
			}
		})
		t.Run("plan", func(t *testing.T) {
			plan := c.get(t, "/api/v1/plans/2025")
			if intOf(t, plan["project_count"]) != 1 || num(t, plan["total_budget"]) != 250000 {
				t.Errorf("plan = %v", plan)
			}
			r := c.do(t, "GET", "/api/v1/plans/2025?format=csv", nil)
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(string(r.raw), "XZ-2025-WALK") {
				t.Errorf("CSV plan: %d %s %s", r.status, r.header.Get("Content-Type"), r.raw)
			}
		})
	})
}

// eligibilityOf finds one unit's answer.
func eligibilityOf(t *testing.T, e obj, unitID int64) obj {
	t.Helper()
	items, _ := e["items"].([]any)
	for _, it := range items {
		u := it.(obj)
		if intOf(t, u["unit_id"]) == unitID {
			return u
		}
	}
	t.Fatalf("unit %d not in %v", unitID, e)
	return nil
}

// TestProjectPartListsRefuseQuery: the lists of a project's parts take no
// query parameters but the answer's format and language; a filter that is
// not there is a 400, not ignored.
func TestProjectPartListsRefuseQuery(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "PARTS")
		id := idOf(t, c.create(t, "/api/v1/projects", projectBody("XZ-PARTS", unit)))
		for _, part := range []string{"history", "documents", "evaluations", "spec-items", "spec-revisions", "amendments"} {
			path := p("/api/v1/projects/%d/%s", id, part)
			if _, total := c.list(t, path); total != 0 {
				t.Errorf("%s: %d items in a new project", path, total)
			}
			d := wantErr(t, c.do(t, "GET", path+"?type=test_report", nil), 400, "validation", "type")
			if msg := fieldMsg(d, "type"); !strings.Contains(msg, "takes no query parameters") &&
				!strings.Contains(msg, "takes format, lang") {
				t.Errorf("%s?type=…: %v", path, d)
			}
		}
	})
}
