package web_test

import (
	"strings"
	"testing"
)

func projectBody(code string, lead int64) obj {
	return obj{"code": code, "name": "Project " + code, "lead_unit_id": lead, "category": "application",
		"funding_source": "prefecture", "plan_year": 2024, "budget": 250000}
}

// unitIDs reads a project's unit_ids.
func unitIDs(t *testing.T, o obj) []int64 {
	t.Helper()
	raw, ok := o["unit_ids"].([]any)
	if !ok {
		t.Fatalf("unit_ids = %v (%T), want an array", o["unit_ids"], o["unit_ids"])
	}
	out := make([]int64, len(raw))
	for i, v := range raw {
		out[i] = intOf(t, v)
	}
	return out
}

func TestProjects(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		u1, u2, u3, u4 := c.unit(t, "PJ1"), c.unit(t, "PJ2"), c.unit(t, "PJ3"), c.unit(t, "PJ4")
		good := projectBody("XX-001", u1)
		runValidation(t, c, "POST", "/api/v1/projects", []validationCase{
			{"code missing", without(good, "code"), "code", "required"},
			{"name missing", without(good, "name"), "name", "required"},
			{"lead_unit_id missing", without(good, "lead_unit_id"), "lead_unit_id", "required"},
			{"lead_unit_id does not exist", merge(good, obj{"lead_unit_id": 999}), "lead_unit_id", "999"},
			{"unit_ids with a missing unit", merge(good, obj{"unit_ids": []int64{u2, 999}}), "unit_ids", "999"},
			{"unit_ids with a bad id", merge(good, obj{"unit_ids": []int64{-4}}), "unit_ids", ""},
			{"bad category", merge(good, obj{"category": "cloud"}), "category",
				"network_room, application, information_resources, security, terminal_equipment"},
			{"bad funding_source", merge(good, obj{"funding_source": "loan"}), "funding_source", "higher_level, prefecture, self"},
			{"status is not writable", merge(good, obj{"status": "draft"}), "status", "/transitions"},
			{"approval_number is not writable", merge(good, obj{"approval_number": "州发改〔2024〕1号"}), "approval_number", "/transitions"},
			{"bad trial_run_end", merge(good, obj{"trial_run_end": "2024-02-30"}), "trial_run_end", "YYYY-MM-DD"},
			{"plan_year too early", merge(good, obj{"plan_year": 1999}), "plan_year", ""},
			{"plan_year missing", without(good, "plan_year"), "plan_year", ""},
			{"negative budget", merge(good, obj{"budget": -1}), "budget", ""},
		})
		if _, total := c.list(t, "/api/v1/projects"); total != 0 {
			t.Fatalf("%d projects after refused POSTs, want 0", total)
		}

		p1 := c.create(t, "/api/v1/projects", merge(good, obj{"unit_ids": []int64{u3, u2, u3, u1}}))
		if got := unitIDs(t, p1); !equalIDs(got, []int64{u2, u3}) {
			t.Errorf("unit_ids = %v, want %v (sorted, deduplicated, without the lead unit)", got, []int64{u2, u3})
		}
		if p1["status"] != "draft" || p1["classified"] != false {
			t.Errorf("defaults: status %v classified %v, want draft and false", p1["status"], p1["classified"])
		}
		id1 := idOf(t, p1)
		item := p("/api/v1/projects/%d", id1)
		if got := unitIDs(t, c.get(t, item)); !equalIDs(got, []int64{u2, u3}) {
			t.Errorf("GET unit_ids = %v, want %v", got, []int64{u2, u3})
		}
		p2 := c.create(t, "/api/v1/projects", projectBody("XX-002", u2))
		if got := unitIDs(t, p2); len(got) != 0 {
			t.Errorf("unit_ids = %v, want []", got)
		}
		id2 := idOf(t, p2)
		id3 := idOf(t, c.create(t, "/api/v1/projects", merge(projectBody("XX-003", u3), obj{"category": "security", "classified": true})))

		t.Run("unit filter matches lead or participating", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []int64
			}{
				{p("unit_id=%d", u1), []int64{id1}},
				{p("unit_id=%d", u2), []int64{id1, id2}},
				{p("unit_id=%d", u3), []int64{id1, id3}},
				{p("unit_id=%d", u4), []int64{}},
				{p("lead_unit_id=%d", u2), []int64{id2}},
				{p("unit_id=%d&category=security", u3), []int64{id3}},
				{"classified=true", []int64{id3}},
				{"plan_year=2024", []int64{id1, id2, id3}},
				{"q=xx-00", []int64{id1, id2, id3}},
			} {
				items, total := c.list(t, "/api/v1/projects?"+tc.query)
				if got := ids(t, items); total != len(tc.want) || !equalIDs(got, tc.want) {
					t.Errorf("%s: %v (total %d), want %v", tc.query, got, total, tc.want)
				}
			}
			for _, q := range []string{"unit_id=x", "status=done", "funding_source=loan"} {
				r := c.do(t, "GET", "/api/v1/projects?"+q, nil)
				wantErr(t, r, 400, "validation", strings.SplitN(q, "=", 2)[0])
			}
		})
		t.Run("patch", func(t *testing.T) {
			got := c.patch(t, item, obj{"supervisor": "Xiangxi Supervision Co.", "trial_run_end": "2024-12-31"})
			if got["supervisor"] != "Xiangxi Supervision Co." || got["trial_run_end"] != "2024-12-31" {
				t.Errorf("PATCH supervisor and trial_run_end = %v", got)
			}
			if !equalIDs(unitIDs(t, got), []int64{u2, u3}) || got["code"] != "XX-001" {
				t.Errorf("PATCH without unit_ids = %v, want them kept", got)
			}
			got = c.patch(t, item, obj{"unit_ids": []int64{u4}})
			if !equalIDs(unitIDs(t, got), []int64{u4}) {
				t.Errorf("unit_ids after PATCH = %v, want [%d]", unitIDs(t, got), u4)
			}
			if _, total := c.list(t, p("/api/v1/projects?unit_id=%d", u2)); total != 1 {
				t.Errorf("unit %d takes part in %d projects after being dropped, want 1", u2, total)
			}
			runValidation(t, c, "PATCH", item, []validationCase{
				{"missing unit", obj{"unit_ids": []int64{999}}, "unit_ids", ""},
				{"missing lead", obj{"lead_unit_id": 999}, "lead_unit_id", ""},
				{"status", obj{"status": "submitted"}, "status", "transitions"},
			})
			wantErr(t, c.do(t, "PATCH", item, obj{"code": "XX-002"}), 409, "conflict", "code")
			if got := c.get(t, item); !equalIDs(unitIDs(t, got), []int64{u4}) || got["code"] != "XX-001" {
				t.Errorf("project after refused PATCHes = %v", got)
			}
			got = c.patch(t, item, obj{"unit_ids": []int64{}})
			if len(unitIDs(t, got)) != 0 {
				t.Errorf("unit_ids after PATCH [] = %v, want []", got["unit_ids"])
			}
		})
		t.Run("duplicate code", func(t *testing.T) {
			d := wantErr(t, c.do(t, "POST", "/api/v1/projects", projectBody(" XX-001 ", u4)), 409, "conflict", "code")
			if !strings.Contains(message(d), p("project %d", id1)) {
				t.Errorf("message %q does not name project %d", message(d), id1)
			}
		})
		t.Run("delete with dependants", func(t *testing.T) {
			dev := c.device(t, u1, "project-box", obj{"project_id": id2})
			ln := c.create(t, "/api/v1/lines", merge(lineBody(u1, "CT", "P-1"), obj{"project_id": id2}))
			d := wantErr(t, c.do(t, "DELETE", p("/api/v1/projects/%d", id2), nil), 409, "conflict", "")
			if !strings.Contains(message(d), "device") || !strings.Contains(message(d), "line") {
				t.Errorf("message %q does not name the device and the line", message(d))
			}
			c.do(t, "DELETE", p("/api/v1/devices/%d", idOf(t, dev)), nil)
			c.do(t, "DELETE", p("/api/v1/lines/%d", idOf(t, ln)), nil)
			if r := c.do(t, "DELETE", p("/api/v1/projects/%d", id2), nil); r.status != 204 {
				t.Errorf("DELETE after removing dependants: %d %s", r.status, r.raw)
			}
		})
		t.Run("delete frees participating units", func(t *testing.T) {
			c.patch(t, item, obj{"unit_ids": []int64{u4}})
			wantErr(t, c.do(t, "DELETE", p("/api/v1/units/%d", u4), nil), 409, "conflict", "")
			if r := c.do(t, "DELETE", item, nil); r.status != 204 {
				t.Fatalf("DELETE project: %d %s", r.status, r.raw)
			}
			if r := c.do(t, "DELETE", p("/api/v1/units/%d", u4), nil); r.status != 204 {
				t.Errorf("DELETE unit after its project went: %d %s", r.status, r.raw)
			}
		})
	})
}
