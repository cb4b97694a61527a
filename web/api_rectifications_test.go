package web_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// The printable notice is text/html: the OpenAPI check reads it as a string.
func init() { openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder) }

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./web -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it if the change is right)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestRectificationAPI drives an order through the API: bad input named by
// field, issue, overdue on the next business day, response, refusal,
// response, close, and the list filters.
func TestRectificationAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		now := time.Date(2026, 3, 10, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
		c.store.SetClock(func() time.Time { return now })
		unit := c.unit(t, "GTJ")
		for _, tt := range []struct {
			name  string
			body  any
			field string
		}{
			{"bad subject type", obj{"subject_type": "room", "subject_id": unit, "problem": "p", "action": "a", "due_on": "2026-04-01"}, "subject_type"},
			{"due before issue", obj{"subject_type": "unit", "subject_id": unit, "problem": "p", "action": "a", "due_on": "2026-03-09"}, "due_on"},
			{"no problem", obj{"subject_type": "unit", "subject_id": unit, "action": "a", "due_on": "2026-04-01"}, "problem"},
			{"unknown field", obj{"subject_type": "unit", "subject_id": unit, "problem": "p", "action": "a", "due_on": "2026-04-01", "colour": 1}, "colour"},
			{"string id", obj{"subject_type": "unit", "subject_id": "7", "problem": "p", "action": "a", "due_on": "2026-04-01"}, "subject_id"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				d := wantErr(t, c.do(t, "POST", "/api/v1/rectifications", tt.body), fiber.StatusBadRequest, "validation", tt.field)
				if strings.Contains(message(d), "<") {
					t.Errorf("message echoes markup: %s", message(d))
				}
			})
		}
		r := c.create(t, "/api/v1/rectifications", obj{"subject_type": "unit", "subject_id": unit,
			"problem": "自建机房未撤并", "action": "设备迁入州中心机房", "due_on": "2026-03-20"})
		id := idOf(t, r)
		if r["state"] != "open" || r["issued_on"] != "2026-03-10" {
			t.Fatalf("issued: %v", r)
		}
		now = time.Date(2026, 3, 21, 0, 30, 0, 0, time.FixedZone("CST", 8*3600))
		items, total := c.list(t, p("/api/v1/rectifications?state=overdue&unit_id=%d", unit))
		if total != 1 || items[0]["state"] != "overdue" {
			t.Fatalf("overdue list: %d %v", total, items)
		}
		wantErr(t, c.do(t, "GET", "/api/v1/rectifications?state=late", nil), fiber.StatusBadRequest, "validation", "state")
		for _, l := range []struct{ lang, want string }{{"", "单位答复后"}, {"?lang=en", "once the unit has responded"}} {
			d := wantErr(t, c.inLang("").do(t, "POST", p("/api/v1/rectifications/%d/close%s", id, l.lang), obj{}), fiber.StatusConflict, "conflict", "state")
			if !strings.Contains(message(d), l.want) || !strings.Contains(fieldMsg(d, "state"), l.want) {
				t.Errorf("close of an open order%s: %q, want %q", l.lang, message(d), l.want)
			}
		}
		c.do(t, "POST", p("/api/v1/rectifications/%d/responses", id), obj{"note": "已迁移"}).want(t, fiber.StatusOK)
		wantErr(t, c.do(t, "POST", p("/api/v1/rectifications/%d/refusal", id), obj{}), fiber.StatusBadRequest, "validation", "note")
		ref := c.do(t, "POST", p("/api/v1/rectifications/%d/refusal", id), obj{"note": "未上架"}).want(t, fiber.StatusOK)
		if ref["state"] != "overdue" {
			t.Errorf("refused after the due day: state %v, want overdue", ref["state"])
		}
		c.do(t, "POST", p("/api/v1/rectifications/%d/responses", id), obj{"note": "已上架"}).want(t, fiber.StatusOK)
		closed := c.do(t, "POST", p("/api/v1/rectifications/%d/close", id), obj{"note": "核查属实"}).want(t, fiber.StatusOK)
		if closed["state"] != "closed" || closed["closed_on"] != "2026-03-21" {
			t.Errorf("closed: %v %v", closed["state"], closed["closed_on"])
		}
		got := c.get(t, p("/api/v1/rectifications/%d", id))
		if h, _ := got["history"].([]any); len(h) != 5 {
			t.Errorf("history has %d steps, want 5: %v", len(h), got["history"])
		}
		if _, n := c.list(t, "/api/v1/rectifications?state=closed&due_from=2026-03-20&due_to=2026-03-20"); n != 1 {
			t.Errorf("closed orders due on 2026-03-20: %d, want 1", n)
		}
	})
}

// TestNoticeAPI drafts, publishes and withdraws a notice over the API; a
// published notice refuses edits with 409; the printable page matches its
// golden file in Chinese and English; xlsx is a 400 naming the formats.
func TestNoticeAPI(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
		c.store.SetClock(func() time.Time { return now })
		unit := c.unit(t, "GTJ")
		c.patch(t, p("/api/v1/units/%d", unit), obj{"name": "州国土资源局"})
		r := c.create(t, "/api/v1/rectifications", obj{"subject_type": "unit", "subject_id": unit,
			"problem": "租用专线 2 条未并入电子政务外网", "action": "并入外网并退租", "due_on": "2026-06-30"})
		wantErr(t, c.do(t, "POST", "/api/v1/notices", obj{"title": "t", "body": "b", "unit_ids": []int64{}}),
			fiber.StatusBadRequest, "validation", "unit_ids")
		n := c.create(t, "/api/v1/notices", obj{"title": "关于州国土资源局整改不力的通报", "body": "经查，该局未按期整改。\n特予通报批评。",
			"unit_ids": []int64{unit}, "rectification_ids": []int64{idOf(t, r)}})
		id := idOf(t, n)
		wantErr(t, c.do(t, "POST", p("/api/v1/notices/%d/publish", id), nil), fiber.StatusConflict, "conflict", "number")
		if draft := c.inLang("").do(t, "GET", p("/api/v1/notices/%d?format=html", id), nil); draft.status != fiber.StatusOK ||
			!strings.Contains(string(draft.raw), "草稿") || !strings.Contains(string(draft.raw), "未发布") {
			t.Errorf("the draft's page (%d) is not marked as a draft:\n%s", draft.status, draft.raw)
		}
		wantErr(t, c.do(t, "GET", p("/api/v1/notices/%d?format=html&lang=fr", id), nil), fiber.StatusBadRequest, "validation", "lang")
		wantErr(t, c.do(t, "GET", p("/api/v1/notices/%d?colour=red", id), nil), fiber.StatusBadRequest, "validation", "colour")
		c.patch(t, p("/api/v1/notices/%d", id), obj{"number": "州政务办通〔2026〕3号"})
		pub := c.do(t, "POST", p("/api/v1/notices/%d/publish", id), nil).want(t, fiber.StatusOK)
		if pub["status"] != "published" || pub["published_on"] != "2026-05-06" {
			t.Fatalf("published: %v", pub)
		}
		zh := wantErr(t, c.inLang("").do(t, "PATCH", p("/api/v1/notices/%d", id), obj{"body": "改"}), fiber.StatusConflict, "conflict", "status")
		en := wantErr(t, c.do(t, "PATCH", p("/api/v1/notices/%d?lang=en", id), obj{"body": "改"}), fiber.StatusConflict, "conflict", "status")
		if !strings.Contains(message(zh), "不得修改") || !strings.Contains(message(en), "never edited") {
			t.Errorf("the 409 is not in the request's language: zh %q, en %q", message(zh), message(en))
		}
		if c.get(t, p("/api/v1/notices/%d", id))["body"] != "经查，该局未按期整改。\n特予通报批评。" {
			t.Errorf("a refused edit changed the published notice")
		}
		wantErr(t, c.do(t, "DELETE", p("/api/v1/notices/%d", id), nil), fiber.StatusConflict, "conflict", "status")
		d := wantErr(t, c.do(t, "GET", p("/api/v1/notices/%d?format=xlsx", id), nil), fiber.StatusBadRequest, "validation", "format")
		if f, _ := d["fields"].(obj); !strings.Contains(f["format"].(string), "json, html") {
			t.Errorf("format message %q does not name the formats", f["format"])
		}
		for _, lang := range []string{"zh", "en"} {
			path := p("/api/v1/notices/%d?format=html", id)
			if lang == "en" {
				path += "&lang=en"
			}
			res := c.inLang("").do(t, "GET", path, nil)
			if res.status != fiber.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s: %d %s", path, res.status, res.header.Get("Content-Type"))
			}
			if bytes.Contains(res.raw, []byte("<script")) || !strings.Contains(res.header.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("page has a script or lacks the CSP")
			}
			golden(t, "notice_"+lang+".html", res.raw)
		}
		wantErr(t, c.do(t, "POST", p("/api/v1/notices/%d/withdrawal", id), obj{"reason": ""}), fiber.StatusBadRequest, "validation", "reason")
		w := c.do(t, "POST", p("/api/v1/notices/%d/withdrawal", id), obj{"reason": "单位申诉，经核实已整改"}).want(t, fiber.StatusOK)
		if w["status"] != "withdrawn" || w["withdrawal_reason"] != "单位申诉，经核实已整改" {
			t.Errorf("withdrawn: %v", w)
		}
		if _, n := c.list(t, "/api/v1/notices?status=withdrawn&unit_id="+p("%d", unit)); n != 1 {
			t.Errorf("withdrawn notices of the unit: %d, want 1", n)
		}
	})
}

// TestRectificationRoles: a reviewer issues, reviews and drafts; the staff of
// the order's unit answer it; another unit's staff do not see it; the route
// table refuses the wrong role by action; every step is audited under the
// person's name.
func TestRectificationRoles(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unit, otherUnit := c.unit(t, "GTJ"), c.unit(t, "SWJ")
		reviewer := c.as(t, inventory.RoleReviewer)
		staff := c.asUnit(t, inventory.RoleUnitStaff, &unit)
		stranger := c.asUnit(t, inventory.RoleUnitStaff, &otherUnit)
		order := obj{"subject_type": "unit", "subject_id": unit, "problem": "自建机房", "action": "撤并", "due_on": "2099-01-01"}
		d := wantErr(t, staff.do(t, "POST", "/api/v1/rectifications", order), fiber.StatusForbidden, "forbidden", "action")
		if fieldMsg(d, "action") != "rectification.issue" {
			t.Errorf("403 names %q", fieldMsg(d, "action"))
		}
		id := idOf(t, reviewer.create(t, "/api/v1/rectifications", order))
		wantErr(t, stranger.do(t, "GET", p("/api/v1/rectifications/%d", id), nil), fiber.StatusNotFound, "not_found", "")
		if _, n := stranger.list(t, "/api/v1/rectifications"); n != 0 {
			t.Errorf("another unit's staff list %d orders", n)
		}
		wantErr(t, stranger.do(t, "POST", p("/api/v1/rectifications/%d/responses", id), obj{"note": "x"}), fiber.StatusNotFound, "not_found", "")
		wantErr(t, reviewer.do(t, "POST", p("/api/v1/rectifications/%d/responses", id), obj{"note": "x"}), fiber.StatusForbidden, "forbidden", "action")
		staff.do(t, "POST", p("/api/v1/rectifications/%d/responses", id), obj{"note": "已撤并"}).want(t, fiber.StatusOK)
		wantErr(t, staff.do(t, "POST", p("/api/v1/rectifications/%d/close", id), obj{}), fiber.StatusForbidden, "forbidden", "action")
		got := reviewer.do(t, "POST", p("/api/v1/rectifications/%d/close", id), obj{}).want(t, fiber.StatusOK)
		var actors []string
		for _, e := range got["history"].([]any) {
			actors = append(actors, e.(obj)["actor"].(string))
		}
		if want := []string{reviewer.user, staff.user, reviewer.user}; strings.Join(actors, ",") != strings.Join(want, ",") {
			t.Errorf("history actors %v, want %v", actors, want)
		}
		audit, _ := c.list(t, p("/api/v1/audit?entity=rectification&entity_id=%d", id))
		var auditActors []string
		for _, a := range audit {
			auditActors = append(auditActors, a["actor"].(string))
		}
		if len(audit) != 3 || !slices.Contains(auditActors, staff.user) || !slices.Contains(auditActors, reviewer.user) {
			t.Errorf("audit of the order by %v, want the reviewer and the staff member", auditActors)
		}
		wantErr(t, staff.do(t, "POST", "/api/v1/notices", obj{"title": "t", "body": "b", "unit_ids": []int64{unit}}),
			fiber.StatusForbidden, "forbidden", "action")
		n := idOf(t, reviewer.create(t, "/api/v1/notices", obj{"title": "t", "number": "N-1", "body": "b", "unit_ids": []int64{unit}}))
		wantErr(t, stranger.do(t, "GET", p("/api/v1/notices/%d", n), nil), fiber.StatusNotFound, "not_found", "")
		reviewer.do(t, "POST", p("/api/v1/notices/%d/publish", n), nil).want(t, fiber.StatusOK)
		if stranger.get(t, p("/api/v1/notices/%d", n))["status"] != "published" {
			t.Error("a published notice is not readable by another unit's staff")
		}
	})
}
