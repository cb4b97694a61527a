package web_test

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dayFromToday is the business day (UTC+8) days from today.
func dayFromToday(days int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, days).Format(time.DateOnly)
}

// approvedProject creates a self-funded project of year led by unit and
// takes it to approved through the API.
func (c *client) approvedProject(t *testing.T, code string, unit int64, year int) (int64, string) {
	t.Helper()
	id := idOf(t, c.create(t, "/api/v1/projects", merge(projectBody(code, unit),
		obj{"funding_source": "self", "plan_year": year})))
	base := p("/api/v1/projects/%d", id)
	c.fileDoc(t, id, "technical_plan")
	c.do(t, "POST", base+"/transitions", obj{"to": "submitted", "date": "2024-03-01", "note": "纸质申报"}).want(t, 200)
	// Four eyes: whoever submitted does not approve; a reviewer does.
	c.as(t, "reviewer").do(t, "POST", base+"/transitions", obj{"to": "approved", "date": "2024-04-01", "note": "纸质批复",
		"approval_number": "州发改〔2024〕1号"}).want(t, 200)
	return id, base
}

func TestAPIAmendments(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		lead, other := c.unit(t, "AMD"), c.unit(t, "AMD2")
		id, base := c.approvedProject(t, "XZ-AMD", lead, 2024)

		for field, value := range map[string]any{"lead_unit_id": other, "budget": 9900000, "name": "改", "category": "security",
			"unit_ids": []int64{other}} {
			d := wantErr(t, c.do(t, "PATCH", base, obj{field: value}), 409, "conflict", field)
			if !strings.Contains(message(d), p("/api/v1/projects/%d/amendments", id)) {
				t.Errorf("PATCH %s: the conflict does not point to amendments: %v", field, d)
			}
		}
		c.patch(t, base, obj{"supervisor": "湘西监理", "budget": 250000}) // unchanged budget is no change

		audits := c.auditTotal(t)
		for _, tc := range []struct {
			name  string
			body  any
			code  string
			field string
		}{
			{"no reason", obj{"field": "budget", "value": 300000}, "validation", "reason"},
			{"unknown field", obj{"field": "plan_year", "value": 2025, "reason": "x"}, "validation", "field"},
			{"wrong type", obj{"field": "lead_unit_id", "value": "four", "reason": "x"}, "validation", "value"},
			{"no such unit", obj{"field": "lead_unit_id", "value": 999999, "reason": "x"}, "validation", "value"},
			{"unknown key", obj{"field": "budget", "value": 1, "reason": "x", "date": "2024-01-01"}, "validation", "date"},
			{"not an object", "[1]", "bad_request", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantErr(t, c.do(t, "POST", base+"/amendments", tc.body), 400, tc.code, tc.field)
			})
		}
		if got := c.auditTotal(t); got != audits {
			t.Errorf("refused amendments wrote %d audit rows", got-audits)
		}
		amend := obj{"field": "lead_unit_id", "value": other, "reason": "机构改革，牵头单位变更"}
		// Amendments are the reviewers' (project.amend): a unit's staff and an
		// operator are refused, and nothing changes.
		wantErr(t, c.asUnit(t, "unit_staff", &lead).do(t, "POST", base+"/amendments", amend), 403, "forbidden", "")
		wantErr(t, c.as(t, "operator").do(t, "POST", base+"/amendments", amend), 403, "forbidden", "")
		a := c.as(t, "reviewer").do(t, "POST", base+"/amendments", amend).want(t, 201)
		checkObject(t, a)
		if intOf(t, a["old_value"]) != lead || intOf(t, a["new_value"]) != other || a["recorded_on"] != dayFromToday(0) ||
			a["status"] != "approved" {
			t.Errorf("amendment %v", a)
		}
		if got := c.get(t, base); intOf(t, got["lead_unit_id"]) != other {
			t.Errorf("project after the amendment %v", got)
		}
		if items, total := c.list(t, base+"/amendments"); total != 1 || intOf(t, items[0]["id"]) != idOf(t, a) {
			t.Errorf("amendments %v", items)
		}
		hist, total := c.list(t, base+"/history")
		if total != 3 || hist[2]["kind"] != "amendment" || hist[0]["kind"] != "step" || hist[2]["note"] != "机构改革，牵头单位变更" {
			t.Errorf("history %v", hist)
		}
		if _, n := c.list(t, "/api/v1/audit?entity=project_amendment"); n != 1 {
			t.Errorf("%d audit rows of amendments, want 1", n)
		}
		// The project of the 2024 plan is unfinished: Art. 16 holds it against
		// the unit that led it when 2024 ended.
		e := c.get(t, "/api/v1/eligibility?year=2025")
		if u := eligibilityOf(t, e, lead); u["eligible"] != false {
			t.Errorf("lead unit at the end of 2024: %v", u)
		}
		if u := eligibilityOf(t, e, other); u["eligible"] != true {
			t.Errorf("lead unit only since the amendment: %v", u)
		}

		draft := idOf(t, c.create(t, "/api/v1/projects", projectBody("XZ-AMD-D", lead)))
		wantErr(t, c.do(t, "POST", p("/api/v1/projects/%d/amendments", draft),
			obj{"field": "budget", "value": 1, "reason": "x"}), 409, "conflict", "status")
		wantErr(t, c.do(t, "POST", "/api/v1/projects/999999/amendments",
			obj{"field": "budget", "value": 1, "reason": "x"}), 404, "not_found", "")
	})
}

func TestAPITransitionsPreview(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "NXT")
		id := idOf(t, c.create(t, "/api/v1/projects", merge(projectBody("XZ-NXT", unit), obj{"classified": true})))
		base := p("/api/v1/projects/%d", id)
		audits := c.auditTotal(t)
		got := c.get(t, base+"/transitions")
		items, _ := got["items"].([]any)
		if got["status"] != "draft" || intOf(t, got["total"]) != 1 || len(items) != 1 {
			t.Fatalf("preview %v", got)
		}
		next := items[0].(obj)
		missing, _ := next["missing"].(obj)
		if next["to"] != "submitted" || next["ready"] != false || len(missing) != 5 {
			t.Fatalf("next step %v", next)
		}
		if c.auditTotal(t) != audits {
			t.Error("the preview wrote an audit row")
		}
		d := wantErr(t, c.do(t, "POST", base+"/transitions", obj{"to": "submitted", "date": dayFromToday(0)}), 409, "conflict", "")
		if fields, _ := d["fields"].(obj); !maps.EqualFunc(fields, missing, func(a, b any) bool { return a == b }) {
			t.Errorf("preview %v\nstep's 409 %v", missing, fields)
		}
		wantErr(t, c.do(t, "GET", base+"/transitions?to=submitted", nil), 400, "validation", "to")
		wantErr(t, c.do(t, "GET", "/api/v1/projects/999999/transitions", nil), 404, "not_found", "")
	})
}

func TestAPIBackdatedStep(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "BKD")
		id := idOf(t, c.create(t, "/api/v1/projects", merge(projectBody("XZ-BKD", unit), obj{"funding_source": "self", "plan_year": 2027})))
		base := p("/api/v1/projects/%d", id)
		c.fileDoc(t, id, "technical_plan")
		old := dayFromToday(-30)
		wantErr(t, c.do(t, "POST", base+"/transitions", obj{"to": "submitted", "date": old}), 400, "validation", "note")
		c.do(t, "POST", base+"/transitions", obj{"to": "submitted", "date": old, "note": "按纸质文件日期补录"}).want(t, 200)
		hist, _ := c.list(t, base+"/history")
		if len(hist) != 1 || hist[0]["backdated"] != true || hist[0]["date"] != old || hist[0]["recorded_on"] != dayFromToday(0) {
			t.Fatalf("history %v", hist)
		}
		c.do(t, "POST", "/api/v1/checks/run", nil).want(t, 201)
		fs, n := c.list(t, p("/api/v1/findings?rule=backdated-step&subject_type=project&subject_id=%d&lang=en", id))
		if n != 1 || fs[0]["severity"] != "low" || !strings.Contains(fs[0]["message"].(string), "recorded on "+dayFromToday(0)) {
			t.Errorf("backdated-step findings %v", fs)
		}
	})
}

func TestAPILineChangedOn(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "CHG")
		line := c.create(t, "/api/v1/lines", obj{"carrier": "China Unicom", "circuit_id": "CU-CHG", "unit_id": unit,
			"a_end": "A", "z_end": "Z", "bandwidth_mbps": 100, "platform": "private", "changed_on": "2018-06-01"})
		if _, ok := line["changed_on"]; ok {
			t.Errorf("changed_on is shown as a field of the line: %v", line)
		}
		base := p("/api/v1/lines/%d", idOf(t, line))
		wantErr(t, c.do(t, "PATCH", base, obj{"bandwidth_mbps": 200, "changed_on": dayFromToday(1)}), 400, "validation", "changed_on")
		wantErr(t, c.do(t, "PATCH", base, obj{"monthly_fee": 10, "changed_on": "2020-01-01"}), 400, "validation", "changed_on")
		c.patch(t, base, obj{"bandwidth_mbps": 200, "changed_on": "2020-01-01"})
		hist, _ := c.list(t, base+"/history")
		var got []string
		for _, h := range hist {
			got = append(got, h["changed_on"].(string)+":"+strconv.FormatInt(intOf(t, h["bandwidth_mbps"]), 10))
		}
		if want := []string{"2018-06-01:100", "2020-01-01:200"}; !slices.Equal(got, want) {
			t.Errorf("history %v, want %v", got, want)
		}
	})
}

func TestAPIComplianceEvidenceAndProvisional(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "EVD")
		id, base := c.approvedProject(t, "XZ-EVD", unit, 2024)
		c.create(t, base+"/spec-items", obj{"kind": "server", "quantity": 1,
			"requirements": []obj{{"field": "memory_gb", "op": "min", "value": 128}}})
		c.device(t, unit, "evd-01", obj{"project_id": id, "specs": obj{"memory_gb": 256}})
		comp := c.get(t, base+"/compliance")
		devs, _ := comp["devices"].([]any)
		if comp["pass"] != true || comp["require_observed"] != true || len(devs) != 1 {
			t.Fatalf("compliance %v", comp)
		}
		d := devs[0].(obj)
		checks, _ := d["checks"].([]any)
		if d["unverified"] != false || len(checks) != 1 || checks[0].(obj)["evidence"] != "declared" {
			t.Errorf("device %v", d)
		}

		// A second device with an SNMP profile and no answering poll is not
		// yet verified: the report and the gate say so.
		c.do(t, "PATCH", base+"/spec-items/"+strconv.FormatInt(intOf(t, comp["items"].([]any)[0].(obj)["item_id"]), 10),
			obj{"quantity": 2}).want(t, 200)
		prof := c.create(t, "/api/v1/snmp-profiles", obj{"name": "evd", "version": "2c", "community": "c"})
		snmp := c.device(t, unit, "evd-02", obj{"project_id": id, "specs": obj{"memory_gb": 256},
			"mgmt_ip": "127.0.0.9", "snmp_profile_id": idOf(t, prof)})
		comp = c.get(t, base+"/compliance")
		reasons, _ := comp["reasons"].([]any)
		if comp["pass"] != false || len(reasons) != 1 || !strings.Contains(reasons[0].(string), "not yet verified by SNMP") ||
			!strings.Contains(reasons[0].(string), p("(id %d)", idOf(t, snmp))) {
			t.Errorf("compliance with a never-polled SNMP device: pass %v, reasons %v", comp["pass"], reasons)
		}

		year, _ := strconv.Atoi(dayFromToday(0)[:4])
		for _, tc := range []struct {
			year        int
			provisional bool
		}{{year + 1, true}, {year, false}} {
			e := c.get(t, p("/api/v1/eligibility?year=%d", tc.year))
			if e["provisional"] != tc.provisional {
				t.Errorf("eligibility %d: provisional %v, want %v", tc.year, e["provisional"], tc.provisional)
			}
		}
		u := eligibilityOf(t, c.get(t, "/api/v1/eligibility?year=2025"), unit)
		reasons, _ = u["reasons"].([]any)
		if len(reasons) != 1 || reasons[0].(obj)["can_change"] != false {
			t.Errorf("a 2024 project unfinished at the end of 2024: %v", reasons)
		}
		plan := c.get(t, "/api/v1/plans/2024?as_of=2024-03-31")
		if plan["as_of"] != "2024-03-31" || intOf(t, plan["project_count"]) != 0 {
			t.Errorf("plan before the approval %v", plan)
		}
		if plan := c.get(t, "/api/v1/plans/2024"); plan["as_of"] != dayFromToday(0) || intOf(t, plan["project_count"]) != 1 {
			t.Errorf("plan today %v", plan)
		}
		wantErr(t, c.do(t, "GET", "/api/v1/plans/2024?as_of=2199-01-01", nil), 400, "validation", "as_of")
	})
}
