package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/web"
)

func TestDocumentsAPI(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "DOCS")
		id := idOf(t, c.create(t, "/api/v1/projects", merge(projectBody("XZ-DOC", unit), obj{"funding_source": "self"})))
		coll := p("/api/v1/projects/%d/documents", id)
		fields := map[string]string{"type": "technical_plan", "title": "技术方案", "number": "1", "date": "2025-01-02"}

		// A PNG declared as a PDF: the stored type is sniffed.
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...)
		d := c.uploadForm(t, coll, fields, "方案.pdf", png).want(t, 201)
		sum := sha256.Sum256(png)
		if d["content_type"] != "image/png" || d["sha256"] != hex.EncodeToString(sum[:]) || intOf(t, d["size"]) != int64(len(png)) ||
			d["filename"] != "方案.pdf" || d["type"] != "technical_plan" || d["date"] != "2025-01-02" {
			t.Errorf("document = %v", d)
		}
		item := p("%s/%d", coll, idOf(t, d))
		r := c.do(t, "GET", item, nil)
		if r.status != 200 || !bytes.Equal(r.raw, png) || r.header.Get("Content-Type") != "image/png" ||
			r.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") ||
			r.header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Errorf("download: %d %v (%d bytes)", r.status, r.header, len(r.raw))
		}
		if items, total := c.list(t, coll); total != 1 || items[0]["sha256"] == nil {
			t.Errorf("list = %v", items)
		}

		audit := c.auditTotal(t)
		t.Run("refused uploads", func(t *testing.T) {
			with := func(k, v string) map[string]string {
				m := map[string]string{}
				for a, b := range fields {
					m[a] = b
				}
				m[k] = v
				return m
			}
			d := wantErr(t, c.uploadForm(t, coll, with("type", "memo"), "a.txt", []byte("x")), 400, "validation", "type")
			if m := fieldMsg(d, "type"); !strings.Contains(m, "feasibility_study") || !strings.Contains(m, "settlement_audit") {
				t.Errorf("type message %q does not list the types", m)
			}
			wantErr(t, c.uploadForm(t, coll, with("title", " "), "a.txt", []byte("x")), 400, "validation", "title")
			wantErr(t, c.uploadForm(t, coll, with("colour", "red"), "a.txt", []byte("x")), 400, "validation", "colour")
			wantErr(t, c.uploadForm(t, coll, with("date", "yesterday"), "a.txt", []byte("x")), 400, "validation", "date")
			wantErr(t, c.uploadForm(t, coll, fields, "", nil), 400, "validation", "file")
			wantErr(t, c.uploadForm(t, coll, fields, "empty.txt", []byte{}), 400, "validation", "file")
			wantErr(t, c.do(t, "POST", coll, obj{"type": "other"}), 400, "bad_request", "")
			wantErr(t, c.uploadForm(t, "/api/v1/projects/999/documents", fields, "a.txt", []byte("x")), 404, "not_found", "")
			big := c.uploadForm(t, coll, fields, "big.bin", make([]byte, inventory.MaxDocumentSize+1))
			if d := wantErr(t, big, 413, "too_large", "file"); !strings.Contains(message(d), "20 MiB") {
				t.Errorf("message %q does not give the limit", message(d))
			}
			if got := c.auditTotal(t); got != audit {
				t.Errorf("audit rows %d after refused uploads, want %d", got, audit)
			}
		})
		t.Run("a file of exactly 20 MiB", func(t *testing.T) {
			r := c.uploadForm(t, coll, fields, "max.bin", make([]byte, inventory.MaxDocumentSize))
			o := r.want(t, 201)
			if intOf(t, o["size"]) != inventory.MaxDocumentSize {
				t.Errorf("size %v", o["size"])
			}
			c.do(t, "DELETE", p("%s/%d", coll, idOf(t, o)), nil)
		})
		t.Run("body over the upload limit", func(t *testing.T) {
			d := wantErr(t, c.doListening(t, "POST", coll, strings.Repeat("x", web.UploadBodyLimit+1)), 413, "too_large", "")
			if !strings.Contains(message(d), "20 MiB") {
				t.Errorf("message %q does not give the limit", message(d))
			}
		})
		t.Run("delete only while a draft", func(t *testing.T) {
			extra := c.uploadForm(t, coll, map[string]string{"type": "other", "title": "草稿"}, "x.txt", []byte("draft")).want(t, 201)
			if r := c.do(t, "DELETE", p("%s/%d", coll, idOf(t, extra)), nil); r.status != 204 {
				t.Fatalf("DELETE in draft: %d %s", r.status, r.raw)
			}
			wantErr(t, c.do(t, "GET", p("%s/%d", coll, idOf(t, extra)), nil), 404, "not_found", "")
			c.do(t, "POST", p("/api/v1/projects/%d/transitions", id), obj{"to": "submitted", "date": "2025-01-05", "note": "纸质申报"}).want(t, 200)
			wantErr(t, c.do(t, "DELETE", item, nil), 409, "conflict", "status")
			wantErr(t, c.do(t, "DELETE", p("%s/x", coll), nil), 400, "bad_request", "")
		})
	})
}

// TestLifecycleAPIErrors: bad bodies and parameters of the lifecycle routes
// are 4xx naming the field, never 500.
func TestLifecycleAPIErrors(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "ERR")
		id := idOf(t, c.create(t, "/api/v1/projects", projectBody("XZ-ERR", unit)))
		tr := p("/api/v1/projects/%d/transitions", id)
		wantErr(t, c.do(t, "POST", tr, obj{"to": "submitted"}), 400, "validation", "date")
		wantErr(t, c.do(t, "POST", tr, obj{"to": "finished", "date": "2025-01-01"}), 400, "validation", "to")
		wantErr(t, c.do(t, "POST", tr, obj{"to": "submitted", "date": "2025-01-01", "status": "x"}), 400, "validation", "status")
		wantErr(t, c.do(t, "POST", tr, obj{"to": "approved", "date": "2025-01-01"}), 409, "conflict", "to")
		wantErr(t, c.do(t, "POST", "/api/v1/projects/999/transitions", obj{"to": "submitted", "date": "2025-01-01"}), 404, "not_found", "")
		wantErr(t, c.do(t, "GET", "/api/v1/projects/999/history", nil), 404, "not_found", "")
		if items, total := c.list(t, p("/api/v1/projects/%d/history", id)); total != 0 || len(items) != 0 {
			t.Errorf("history of a new project = %v", items)
		}

		ev := p("/api/v1/projects/%d/evaluations", id)
		wantErr(t, c.do(t, "POST", ev, obj{"date": "2025-01-01", "meets_target": true}), 409, "conflict", "status")
		wantErr(t, c.do(t, "POST", ev, obj{"date": "2025-01-01"}), 400, "validation", "meets_target")
		wantErr(t, c.do(t, "PATCH", ev+"/5", obj{"rectified": true}), 404, "not_found", "")
		wantErr(t, c.do(t, "PATCH", ev+"/x", obj{"rectified": true}), 400, "bad_request", "")

		for _, tc := range []struct{ path, field string }{
			{"/api/v1/eligibility", "year"},
			{"/api/v1/eligibility?year=next", "year"},
			{"/api/v1/eligibility?year=1990", "year"},
			{"/api/v1/eligibility?year=2025&unit=3", "unit"},
			{"/api/v1/plans/2025?format=xml", "format"},
			{"/api/v1/plans/1850", "year"},
			{"/api/v1/plans/2025?limit=5", "limit"},
		} {
			wantErr(t, c.do(t, "GET", tc.path, nil), 400, "validation", tc.field)
		}
		wantErr(t, c.do(t, "GET", "/api/v1/plans/next", nil), 400, "bad_request", "")

		e := c.get(t, "/api/v1/eligibility?year=2026")
		if intOf(t, e["grace_days"]) != 90 || intOf(t, e["total"]) != 1 || eligibilityOf(t, e, unit)["eligible"] != true {
			t.Errorf("eligibility = %v", e)
		}
		c.store.SetRuleConfig(inventory.RuleConfig{AcceptanceGraceDays: 30})
		if g := intOf(t, c.get(t, "/api/v1/eligibility?year=2026")["grace_days"]); g != 30 {
			t.Errorf("grace_days %d with AcceptanceGraceDays 30", g)
		}
	})
}
