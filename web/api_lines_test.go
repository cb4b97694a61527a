package web_test

import (
	"strings"
	"testing"
	"time"
)

func lineBody(unit int64, carrier, circuit string) obj {
	return obj{"carrier": carrier, "circuit_id": circuit, "unit_id": unit, "a_end": "Bureau HQ",
		"z_end": "Province DC", "bandwidth_mbps": 100, "monthly_fee": 1500, "platform": "private"}
}

func TestLines(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "LN")
		good := lineBody(unit, "China Unicom", "CU-001")
		runValidation(t, c, "POST", "/api/v1/lines", []validationCase{
			{"carrier missing", without(good, "carrier"), "carrier", "required"},
			{"circuit_id missing", without(good, "circuit_id"), "circuit_id", "required"},
			{"circuit_id blank", merge(good, obj{"circuit_id": "  "}), "circuit_id", "required"},
			{"unit_id missing", without(good, "unit_id"), "unit_id", "required"},
			{"unit_id does not exist", merge(good, obj{"unit_id": 999}), "unit_id", "999"},
			{"project_id does not exist", merge(good, obj{"project_id": 999}), "project_id", "999"},
			{"a_end missing", without(good, "a_end"), "a_end", "required"},
			{"z_end missing", without(good, "z_end"), "z_end", "required"},
			{"bandwidth missing", without(good, "bandwidth_mbps"), "bandwidth_mbps", ""},
			{"bandwidth 0", merge(good, obj{"bandwidth_mbps": 0}), "bandwidth_mbps", ""},
			{"bandwidth negative", merge(good, obj{"bandwidth_mbps": -10}), "bandwidth_mbps", ""},
			{"negative fee", merge(good, obj{"monthly_fee": -0.01}), "monthly_fee", ""},
			{"platform missing", without(good, "platform"), "platform", "intranet, extranet, private"},
			{"bad platform", merge(good, obj{"platform": "internet"}), "platform", "intranet, extranet, private"},
			{"bad status", merge(good, obj{"status": "cancelled"}), "status", "requested, active, terminated"},
			{"start_date with slashes", merge(good, obj{"start_date": "2024/01/01"}), "start_date", "YYYY-MM-DD"},
			{"start_date not a day", merge(good, obj{"start_date": "2024-02-30"}), "start_date", "YYYY-MM-DD"},
			{"start_date with time", merge(good, obj{"start_date": "2024-01-01T00:00:00Z"}), "start_date", "YYYY-MM-DD"},
			{"end_date short", merge(good, obj{"end_date": "2024-1-5"}), "end_date", "YYYY-MM-DD"},
			{"end before start", merge(good, obj{"start_date": "2024-06-01", "end_date": "2024-05-31"}), "end_date", "2024-06-01"},
		})
		if _, total := c.list(t, "/api/v1/lines"); total != 0 {
			t.Fatalf("%d lines after refused POSTs, want 0", total)
		}

		line := c.create(t, "/api/v1/lines", merge(good, obj{"start_date": "2024-02-29", "end_date": "2024-02-29"}))
		if line["start_date"] != "2024-02-29" || line["end_date"] != "2024-02-29" || line["status"] != "active" || line["project_id"] != nil {
			t.Errorf("created %v, want the dates as sent, status active, no project", line)
		}
		id := idOf(t, line)
		item := p("/api/v1/lines/%d", id)
		nodates := c.create(t, "/api/v1/lines", lineBody(unit, "China Mobile", "CM-9"))
		if nodates["start_date"] != nil || nodates["end_date"] != nil {
			t.Errorf("dates = %v, %v, want null", nodates["start_date"], nodates["end_date"])
		}

		t.Run("duplicate circuit", func(t *testing.T) {
			d := wantErr(t, c.do(t, "POST", "/api/v1/lines", good), 409, "conflict", "circuit_id")
			if !strings.Contains(message(d), p("line %d", id)) {
				t.Errorf("message %q does not name line %d", message(d), id)
			}
			c.create(t, "/api/v1/lines", lineBody(unit, "China Telecom", "CU-001")) // other carrier
			wantErr(t, c.do(t, "PATCH", p("/api/v1/lines/%d", idOf(t, nodates)), obj{"carrier": "China Unicom", "circuit_id": "CU-001"}), 409, "conflict", "circuit_id")
		})
		t.Run("patch validation", func(t *testing.T) {
			runValidation(t, c, "PATCH", item, []validationCase{
				{"end before kept start", obj{"end_date": "2024-01-01"}, "end_date", ""},
				{"bandwidth 0", obj{"bandwidth_mbps": 0}, "bandwidth_mbps", ""},
				{"negative fee", obj{"monthly_fee": -5}, "monthly_fee", ""},
			})
			if got := c.get(t, item); !sameObj(got, line) {
				t.Errorf("line after refused PATCHes = %v, want %v", got, line)
			}
			got := c.patch(t, item, obj{"end_date": nil})
			if got["end_date"] != nil || got["start_date"] != "2024-02-29" {
				t.Errorf("after clearing end_date: %v", got)
			}
		})
		t.Run("history", func(t *testing.T) {
			history := func() []obj {
				items, total := c.list(t, item+"/history")
				if total != len(items) {
					t.Errorf("history total %d, %d items", total, len(items))
				}
				return items
			}
			h := history()
			if len(h) != 1 || intOf(t, h[0]["bandwidth_mbps"]) != 100 || h[0]["platform"] != "private" {
				t.Fatalf("history after create = %v, want one entry of 100 Mbps private", h)
			}
			if _, err := time.Parse(time.RFC3339, h[0]["at"].(string)); err != nil {
				t.Errorf("at = %v: %v", h[0]["at"], err)
			}
			c.patch(t, item, obj{"monthly_fee": 900, "a_end": "New HQ"})
			if h := history(); len(h) != 1 {
				t.Errorf("history after a fee change = %v, want still one entry", h)
			}
			c.patch(t, item, obj{"bandwidth_mbps": 1000})
			h = history()
			if len(h) != 2 || intOf(t, h[1]["bandwidth_mbps"]) != 1000 || intOf(t, h[0]["bandwidth_mbps"]) != 100 {
				t.Errorf("history after a bandwidth change = %v, want 100 then 1000", h)
			}
			c.patch(t, item, obj{"platform": "extranet"})
			if h := history(); len(h) != 3 || h[2]["platform"] != "extranet" || intOf(t, h[2]["bandwidth_mbps"]) != 1000 {
				t.Errorf("history after a platform change = %v, want a third entry 1000 extranet", h)
			}
			wantErr(t, c.do(t, "PATCH", item, obj{"bandwidth_mbps": -1}), 400, "validation", "bandwidth_mbps")
			if h := history(); len(h) != 3 {
				t.Errorf("history after a refused change has %d entries, want 3", len(h))
			}
		})
		t.Run("listing", func(t *testing.T) {
			c.create(t, "/api/v1/lines", merge(lineBody(c.unit(t, "LN2"), "China Telecom", "ct-abc-42"), obj{"platform": "intranet", "status": "requested"}))
			for _, tc := range []struct {
				query string
				want  int
			}{
				{p("unit_id=%d", unit), 3},
				{"platform=private", 2},
				{"status=requested", 1},
				{"carrier=China%20Telecom", 2},
				{"q=CT-ABC", 1},
				{"q=cu-0", 2},
				{"q=province", 4},
				{"q=zzz", 0},
			} {
				items, total := c.list(t, "/api/v1/lines?"+tc.query)
				if total != tc.want || len(items) != tc.want {
					t.Errorf("%s: total %d, %d items, want %d", tc.query, total, len(items), tc.want)
				}
			}
			wantErr(t, c.do(t, "GET", "/api/v1/lines?platform=internet", nil), 400, "validation", "platform")
			wantErr(t, c.do(t, "GET", "/api/v1/lines?circuit_id=x", nil), 400, "validation", "circuit_id")
		})
		t.Run("delete takes the history", func(t *testing.T) {
			r := c.do(t, "DELETE", item, nil)
			if r.status != 204 {
				t.Fatalf("DELETE: %d %s", r.status, r.raw)
			}
			wantErr(t, c.do(t, "GET", item+"/history", nil), 404, "not_found", "")
		})
	})
}
