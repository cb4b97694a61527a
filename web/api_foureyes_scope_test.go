package web_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"hostroll/inventory"
)

// doIn sends a JSON request with an Accept-Language header ("" sends none).
func (c *client) doIn(t *testing.T, lang, method, path string, body any) response {
	t.Helper()
	js, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	c.inLang("").authorize(req)
	return c.send(t, req)
}

// wantFourEyes checks that who is refused the request with a 403 whose
// message gives the reason, in Chinese by default and in English on request,
// and that nothing was changed (a retry by other then succeeds).
func wantFourEyes(t *testing.T, who *client, method, path string, body any, zh, en string) {
	t.Helper()
	for _, l := range []struct{ lang, want string }{{"", zh}, {"en", en}} {
		d := wantErr(t, who.doIn(t, l.lang, method, path, body), 403, "forbidden", "")
		if !strings.Contains(message(d), l.want) {
			t.Errorf("%s %s by %s (Accept-Language %q): %q, want it to say %q", method, path, who.user, l.lang, message(d), l.want)
		}
	}
}

// TestFourEyesOverHTTP: each decision refused to the one who proposed,
// submitted or requested it, and to a unit's own people on their finding,
// then taken by a second real user.
func TestFourEyesOverHTTP(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "SYJ")
		rev1, rev2 := c.as(t, inventory.RoleReviewer), c.as(t, inventory.RoleReviewer)
		t.Run("spec revision", func(t *testing.T) {
			pid := idOf(t, c.create(t, "/api/v1/projects", projectBody("FE-REV", unit)))
			c.create(t, p("/api/v1/projects/%d/spec-items", pid), obj{"kind": "server", "quantity": 1})
			c.setProjectStatus(t, pid, "procuring")
			revs := p("/api/v1/projects/%d/spec-revisions", pid)
			rid := idOf(t, rev1.create(t, revs, obj{"reason": "model discontinued", "items": []obj{{"kind": "server", "quantity": 2}}}))
			wantFourEyes(t, rev1, "POST", p("%s/%d/approve", revs, rid), obj{}, "提出人不能批准或驳回", "cannot approve or reject it")
			wantFourEyes(t, rev1, "POST", p("%s/%d/reject", revs, rid), obj{"note": "no"}, "提出人不能批准或驳回", "cannot approve or reject it")
			if got := rev2.do(t, "POST", p("%s/%d/approve", revs, rid), obj{}).want(t, 200); got["status"] != "current" || got["reviewed_by"] != rev2.user {
				t.Errorf("approved by the second reviewer: %v", got)
			}
		})
		t.Run("approval and acceptance", func(t *testing.T) {
			pid := idOf(t, c.create(t, "/api/v1/projects", merge(projectBody("FE-PRJ", unit), obj{"plan_year": 2025})))
			for _, typ := range []string{"project_plan", "feasibility_study", "preliminary_design", "funding_estimate"} {
				c.fileDoc(t, pid, typ)
			}
			steps := p("/api/v1/projects/%d/transitions", pid)
			c.do(t, "POST", steps, obj{"to": "submitted", "date": "2024-10-20", "note": "recorded late"}).want(t, 200)
			approve := obj{"to": "approved", "date": "2024-12-01", "approval_number": "州发改〔2024〕9号", "note": "recorded late"}
			wantFourEyes(t, c, "POST", steps, approve, "提交人不能审批", "cannot approve or reject it")
			wantFourEyes(t, c, "POST", steps, obj{"to": "rejected", "date": "2024-12-01", "note": "no"}, "提交人不能审批", "cannot approve or reject it")
			rev1.do(t, "POST", steps, approve).want(t, 200)
			c.create(t, p("/api/v1/projects/%d/spec-items", pid), obj{"kind": "server", "quantity": 1})
			c.device(t, unit, "fe-01", obj{"project_id": pid})

			c.setProjectStatus(t, pid, "trial_run")
			c.patch(t, p("/api/v1/projects/%d", pid), obj{"trial_run_end": "2025-08-31"})
			for _, typ := range []string{"implementation_plan", "completion_report", "supervision_report",
				"trial_run_report", "training_report", "test_report", "joint_acceptance"} {
				c.fileDoc(t, pid, typ)
			}
			rev1.do(t, "POST", steps, obj{"to": "acceptance_requested", "date": "2025-09-15", "note": "recorded late"}).want(t, 200)
			for _, to := range []string{"accepted", "acceptance_failed"} {
				wantFourEyes(t, rev1, "POST", steps, obj{"to": to, "date": "2025-10-10", "note": "n"},
					"申请人不能自己验收", "cannot accept it or fail it")
			}
			if got := rev2.do(t, "POST", steps, obj{"to": "accepted", "date": "2025-10-10", "note": "recorded late"}).want(t, 200); got["status"] != "accepted" {
				t.Errorf("accepted by the second reviewer: %v", got)
			}
		})
		t.Run("exemption", func(t *testing.T) {
			own, _ := seedPolicy(t, c)
			c.do(t, "POST", "/api/v1/checks/run", nil).want(t, 201)
			items, _ := c.list(t, p("/api/v1/findings?unit_id=%d", own))
			if len(items) == 0 {
				t.Fatal("no finding to exempt")
			}
			ex := p("/api/v1/findings/%d/exemption", idOf(t, items[0]))
			body := obj{"reason": "经州电子政务办审核，保留至合同期满", "basis": "other"}
			for _, role := range []string{inventory.RolePlanner, inventory.RoleAdmin} {
				insider := c.asUnit(t, role, &own)
				wantFourEyes(t, insider, "POST", ex, body, "本单位人员不能为其批准或撤销豁免", "a unit's own people cannot grant or revoke")
			}
			outsider := c.as(t, inventory.RolePlanner)
			if got := outsider.do(t, "POST", ex, body).want(t, 200); got["status"] != "exempted" {
				t.Errorf("exempted by a planner of no unit: %v", got)
			}
			insider := c.asUnit(t, inventory.RolePlanner, &own)
			wantFourEyes(t, insider, "DELETE", ex, nil, "本单位人员不能为其批准或撤销豁免", "a unit's own people cannot grant or revoke")
		})
	})
}

// TestScopedWritesOverHTTP: unit A's staff write to unit B's records through
// the API as if they did not exist, and a role without the action is told
// which action it lacks.
func TestScopedWritesOverHTTP(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		a, b := c.unit(t, "WA"), c.unit(t, "WBQZ7B")
		projA := idOf(t, c.create(t, "/api/v1/projects", projectBody("W-A", a)))
		projB := idOf(t, c.create(t, "/api/v1/projects", projectBody("W-B", b)))
		devB := idOf(t, c.device(t, b, "w-dev-b", obj{"serial": "W-SERIAL-B"}))
		staff := c.asUnit(t, inventory.RoleUnitStaff, &a)

		wantErr(t, staff.do(t, "PATCH", p("/api/v1/projects/%d", projB), obj{"name": "taken"}), 404, "not_found", "")
		wantErr(t, staff.do(t, "DELETE", p("/api/v1/projects/%d", projB), nil), 404, "not_found", "")
		if got := c.get(t, p("/api/v1/projects/%d", projB)); got["name"] != "Project W-B" {
			t.Errorf("B's project after A's staff wrote to it: %v", got)
		}
		if got := staff.patch(t, p("/api/v1/projects/%d", projA), obj{"name": "甲项目"}); got["name"] != "甲项目" {
			t.Errorf("A's staff on their own project: %v", got)
		}
		// Devices are the operators' to write: the same 403 for B's device as for
		// none at all, so it tells nothing of B's.
		for _, id := range []int64{devB, 99999} {
			for _, m := range []string{"PATCH", "DELETE"} {
				d := wantErr(t, staff.do(t, m, p("/api/v1/devices/%d", id), obj{"name": "taken"}), 403, "forbidden", "action")
				if fieldMsg(d, "action") != "device.write" {
					t.Errorf("%s device %d: 403 names %q", m, id, fieldMsg(d, "action"))
				}
			}
		}
		if got := c.get(t, p("/api/v1/devices/%d", devB)); got["name"] != "w-dev-b" {
			t.Errorf("B's device after A's staff wrote to it: %v", got)
		}

		refusedStaffWrites(t, c, staff, projA, projB, b)

		// A project led by B, or with B taking part, is refused on the field like
		// a unit that does not exist, and the message does not name B.
		for _, tt := range []struct{ field string }{{"lead_unit_id"}, {"unit_ids"}} {
			body := func(id int64) obj {
				if tt.field == "lead_unit_id" {
					return projectBody("W-X", id)
				}
				return merge(projectBody("W-X", a), obj{"unit_ids": []int64{id}})
			}
			gotB := fieldMsg(wantErr(t, staff.do(t, "POST", "/api/v1/projects", body(b)), 400, "validation", tt.field), tt.field)
			gotNone := fieldMsg(wantErr(t, staff.do(t, "POST", "/api/v1/projects", body(99999)), 400, "validation", tt.field), tt.field)
			if strings.ReplaceAll(gotB, p("%d", b), "99999") != gotNone || strings.Contains(strings.ToLower(gotB), "qz7b") {
				t.Errorf("%s of B: %q; of no unit: %q (want the same words)", tt.field, gotB, gotNone)
			}
		}
		if _, n := c.list(t, "/api/v1/projects"); n != 2 {
			t.Errorf("%d projects after the refused creations, want 2", n)
		}

		op := c.as(t, inventory.RoleOperator)
		for _, l := range []struct{ lang, want string }{{"", "project.write"}, {"en", "project.write"}} {
			d := wantErr(t, op.doIn(t, l.lang, "POST", "/api/v1/projects", projectBody("W-OP", a)), 403, "forbidden", "action")
			if fieldMsg(d, "action") != l.want || !strings.Contains(message(d), "project.write") {
				t.Errorf("operator creating a project (lang %q): %v", l.lang, d)
			}
		}
	})
}

// refusedStaffWrites aims every write unit staff may make at B's records (or
// at B's document through A's project): each is a 404 that names nothing of
// B's, and none leaves an audit row.
func refusedStaffWrites(t *testing.T, c, staff *client, projA, projB, b int64) {
	t.Helper()
	docB := idOf(t, c.fileDoc(t, projB, "project_plan"))
	rectB := idOf(t, c.create(t, "/api/v1/rectifications", obj{"subject_type": "unit", "subject_id": b,
		"problem": "rect-of-qz7b", "action": "a", "due_on": "2099-01-01"}))
	before := c.auditTotal(t)
	for _, w := range []struct {
		method, path string
		body         any
	}{
		{"POST", p("/api/v1/projects/%d/transitions", projB), obj{"to": "submitted", "date": "2026-01-05", "note": "n"}},
		{"POST", p("/api/v1/projects/%d/spec-revisions", projB), obj{"reason": "r", "items": []obj{{"kind": "server", "quantity": 1}}}},
		{"DELETE", p("/api/v1/projects/%d/documents/%d", projB, docB), nil},
		{"DELETE", p("/api/v1/projects/%d/documents/%d", projA, docB), nil},
		{"POST", p("/api/v1/rectifications/%d/responses", rectB), obj{"note": "done"}},
	} {
		r := staff.do(t, w.method, w.path, w.body)
		wantErr(t, r, 404, "not_found", "")
		if s := strings.ToLower(string(r.raw)); strings.Contains(s, "qz7b") || strings.Contains(s, "w-b") {
			t.Errorf("%s %s names B's record: %s", w.method, w.path, r.raw)
		}
	}
	up := staff.uploadForm(t, p("/api/v1/projects/%d/documents", projB), map[string]string{"type": "project_plan",
		"title": "t", "number": "n", "date": "2025-01-02"}, "x.pdf", []byte("%PDF-1.4\n"))
	wantErr(t, up, 404, "not_found", "")
	if n := c.auditTotal(t); n != before {
		t.Errorf("audit rows %d after the refused writes, want %d", n, before)
	}
}
