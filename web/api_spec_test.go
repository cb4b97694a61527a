package web_test

import (
	"context"
	"strings"
	"testing"
)

// setProjectStatus moves a project straight to a status: the lifecycle steps
// and their gates have their own tests; here only the freeze matters.
func (c *client) setProjectStatus(t *testing.T, id int64, status string) {
	t.Helper()
	db := c.store.DB()
	if _, err := db.ExecContext(context.Background(), db.Rebind(`UPDATE projects SET status = ? WHERE id = ?`), status, id); err != nil {
		t.Fatal(err)
	}
}

func (r response) want204(t *testing.T) {
	t.Helper()
	if r.status != 204 {
		t.Fatalf("status %d, want 204; body: %s", r.status, r.raw)
	}
}

func specReq(field, op string, v any) obj { return obj{"field": field, "op": op, "value": v} }

func TestSpecItemsAPI(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		u := c.unit(t, "SPEC")
		pid := idOf(t, c.create(t, "/api/v1/projects", projectBody("SP-1", u)))
		items := p("/api/v1/projects/%d/spec-items", pid)
		good := obj{"kind": "server", "name": "web servers", "quantity": 2, "max_unit_price": 80000,
			"requirements": []obj{specReq("memory_gb", "min", 128), specReq("model", "in", []string{"R750", "2288H V6"})}}
		runValidation(t, c, "POST", items, []validationCase{
			{"bad kind", merge(good, obj{"kind": "mainframe"}), "kind", "server"},
			{"quantity zero", merge(good, obj{"quantity": 0}), "quantity", "between 1"},
			{"unknown field", merge(good, obj{"requirements": []obj{specReq("gpus", "min", 1)}}), "requirements[0].field", "memory_gb"},
			{"unknown op", merge(good, obj{"requirements": []obj{specReq("ports", "min", 1), specReq("ports", "min", 2),
				specReq("ports", "gt", 3)}}), "requirements[2].op", "eq, min, max, in"},
			{"min on text", merge(good, obj{"requirements": []obj{specReq("model", "min", "R750")}}), "requirements[0].op", "eq or in"},
			{"text for a number", merge(good, obj{"requirements": []obj{specReq("memory_gb", "min", "lots")}}), "requirements[0].value", "number"},
			{"in without a list", merge(good, obj{"requirements": []obj{specReq("model", "in", "R750")}}), "requirements[0].value", "list"},
			{"unknown key", merge(good, obj{"colour": "red"}), "colour", "unknown"},
		})
		it := c.create(t, items, good)
		itemID := idOf(t, it)
		if rq := it["requirements"].([]any); len(rq) != 2 {
			t.Fatalf("requirements = %v", rq)
		}
		list, total := c.list(t, items)
		if total != 1 || idOf(t, list[0]) != itemID {
			t.Fatalf("items = %v", list)
		}
		c.patch(t, p("%s/%d", items, itemID), obj{"quantity": 1})
		if got := c.get(t, p("%s/%d", items, itemID)); intOf(t, got["quantity"]) != 1 {
			t.Fatalf("item after the patch = %v", got)
		}
		wantErr(t, c.do(t, "GET", p("/api/v1/projects/9999/spec-items/%d", itemID), nil), 404, "not_found", "")
		wantErr(t, c.do(t, "GET", "/api/v1/projects/9999/spec-items", nil), 404, "not_found", "")
		wantErr(t, c.do(t, "PATCH", p("%s/abc", items), obj{}), 400, "bad_request", "")
		wantErr(t, c.do(t, "PATCH", p("%s/9999", items), obj{"quantity": 1}), 404, "not_found", "")

		// A device pinned to the item, then the compliance report.
		dev := c.device(t, u, "web-1", obj{"project_id": pid, "spec_item_id": itemID, "model": "R750",
			"purchase_price": 70000, "specs": obj{"memory_gb": 256}})
		if intOf(t, dev["spec_item_id"]) != itemID {
			t.Fatalf("spec_item_id = %v", dev["spec_item_id"])
		}
		wantErr(t, c.do(t, "POST", "/api/v1/devices", obj{"name": "x", "kind": "switch", "unit_id": u,
			"project_id": pid, "spec_item_id": itemID}), 400, "validation", "spec_item_id")
		pinned, n := c.list(t, p("/api/v1/devices?spec_item_id=%d", itemID))
		if n != 1 || idOf(t, pinned[0]) != idOf(t, dev) {
			t.Fatalf("devices pinned = %v", pinned)
		}
		comp := c.get(t, p("/api/v1/projects/%d/compliance", pid))
		if comp["pass"] != true {
			t.Fatalf("compliance = %v", comp)
		}
		c.device(t, u, "web-2", obj{"project_id": pid, "specs": obj{"memory_gb": 64}})
		comp = c.get(t, p("/api/v1/projects/%d/compliance", pid))
		reasons, _ := comp["reasons"].([]any)
		if comp["pass"] != false || len(reasons) != 1 || !strings.Contains(reasons[0].(string), "web-2") {
			t.Fatalf("compliance with an extra device = %v", comp)
		}
		wantErr(t, c.do(t, "GET", "/api/v1/projects/9999/compliance", nil), 404, "not_found", "")

		wantErr(t, c.do(t, "DELETE", p("%s/%d", items, itemID), nil), 409, "conflict", "")
		spare := idOf(t, c.create(t, items, obj{"kind": "storage"}))
		c.do(t, "DELETE", p("%s/%d", items, spare), nil).want204(t)
		if _, n := c.list(t, items); n != 1 {
			t.Fatalf("%d items after deleting the spare, want 1", n)
		}

		// Frozen from spec_reviewed on.
		c.setProjectStatus(t, pid, "spec_reviewed")
		for _, r := range []response{
			c.do(t, "POST", items, good),
			c.do(t, "PATCH", p("%s/%d", items, itemID), obj{"quantity": 5}),
			c.do(t, "DELETE", p("%s/%d", items, itemID), nil),
		} {
			d := wantErr(t, r, 409, "conflict", "status")
			if !strings.Contains(message(d), "spec-revisions") {
				t.Errorf("freeze message %q does not say how to change the spec", message(d))
			}
		}
	})
}

func TestSpecRevisionsAPI(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		u := c.unit(t, "REV")
		pid := idOf(t, c.create(t, "/api/v1/projects", projectBody("RV-1", u)))
		c.create(t, p("/api/v1/projects/%d/spec-items", pid), obj{"kind": "server", "quantity": 1})
		c.setProjectStatus(t, pid, "procuring")
		revs := p("/api/v1/projects/%d/spec-revisions", pid)
		body := obj{"reason": "the approved model was discontinued",
			"items": []obj{{"kind": "server", "quantity": 2, "requirements": []obj{specReq("cpu_cores", "min", 32)}}}}
		runValidation(t, c, "POST", revs, []validationCase{
			{"no reason", without(body, "reason"), "reason", "required"},
			{"no items", merge(body, obj{"items": []obj{}}), "items", "at least one"},
			{"bad item", merge(body, obj{"items": []obj{{"kind": "server", "requirements": []obj{specReq("ports", "xx", 1)}}}}),
				"items[0].requirements[0].op", ""},
		})
		r2 := c.create(t, revs, body)
		if r2["status"] != "proposed" || intOf(t, r2["number"]) != 2 {
			t.Fatalf("proposed = %v", r2)
		}
		wantErr(t, c.do(t, "POST", revs, body), 409, "conflict", "")
		rid := idOf(t, r2)
		// The proposal is reviewed by someone else (four-eyes).
		rev := c.as(t, "reviewer")
		wantErr(t, rev.do(t, "POST", p("%s/%d/reject", revs, rid), obj{}), 400, "validation", "note")
		ok := rev.do(t, "POST", p("%s/%d/approve", revs, rid), nil).want(t, 200)
		if ok["status"] != "current" || ok["reviewed_by"] != rev.user || ok["created_by"] != c.user {
			t.Fatalf("approved = %v", ok)
		}
		wantErr(t, rev.do(t, "POST", p("%s/%d/approve", revs, rid), nil), 409, "conflict", "status")
		wantErr(t, rev.do(t, "POST", p("%s/9999/approve", revs), nil), 404, "not_found", "")
		r3 := c.create(t, revs, body)
		rej := rev.do(t, "POST", p("%s/%d/reject", revs, idOf(t, r3)), obj{"note": "no change needed"}).want(t, 200)
		if rej["status"] != "rejected" {
			t.Fatalf("rejected = %v", rej)
		}
		all, total := c.list(t, revs)
		if total != 3 || all[0]["status"] != "superseded" || all[1]["status"] != "current" {
			t.Fatalf("revisions = %v", all)
		}
		cur, _ := c.list(t, p("/api/v1/projects/%d/spec-items", pid))
		if len(cur) != 1 || intOf(t, cur[0]["quantity"]) != 2 {
			t.Fatalf("current items after approval = %v", cur)
		}
		_, audits := c.list(t, "/api/v1/audit?entity=spec_revision")
		if audits != 6 {
			t.Errorf("spec_revision audit rows = %d, want 6", audits)
		}
	})
}

// A PATCH that sends requirements replaces them: an entry does not take
// over what the item's old entry at the same index had (a missing value is
// refused, not inherited).
func TestSpecItemPatchRequirementsReplace(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		u := c.unit(t, "SPR")
		pid := idOf(t, c.create(t, "/api/v1/projects", projectBody("SPR-1", u)))
		items := p("/api/v1/projects/%d/spec-items", pid)
		itemID := idOf(t, c.create(t, items, obj{"kind": "server",
			"requirements": []obj{specReq("memory_gb", "min", 128)}}))
		wantErr(t, c.do(t, "PATCH", p("%s/%d", items, itemID),
			obj{"requirements": []obj{{"field": "cpu_cores", "op": "min"}}}), 400, "validation", "requirements[0].value")
		got := c.patch(t, p("%s/%d", items, itemID), obj{"name": "db"})
		if rq := got["requirements"].([]any); len(rq) != 1 || rq[0].(map[string]any)["field"] != "memory_gb" {
			t.Fatalf("a patch without requirements changed them: %v", rq)
		}
	})
}
