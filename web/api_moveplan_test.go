package web_test

import (
	"bytes"
	"strings"
	"testing"
)

// TestMovePlanAPI: room_id and format=csv; bad values are 400s naming the
// parameter.
func TestMovePlanAPI(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		unitID, deviceID := seedPolicy(t, c)
		r := c.do(t, "GET", "/api/v1/reports/move-plan?format=csv", nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!bytes.HasPrefix(r.raw, []byte("\xef\xbb\xbfaction,device_id,")) {
			t.Fatalf("csv: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.raw)
		}
		if !strings.Contains(string(r.raw), p("\nmove,%d,", deviceID)) {
			t.Errorf("csv has no move of device %d:\n%s", deviceID, r.raw)
		}
		plan := c.get(t, "/api/v1/reports/move-plan")
		if plan["unit_id"] != nil || plan["room_id"] != nil || plan["kept"] == nil {
			t.Errorf("plan of all units: %v", plan)
		}
		central := intOf(t, c.get(t, "/api/v1/reports/consolidation")["central"].(obj)["racks"].([]any)[0].(obj)["room_id"])
		into := c.get(t, p("/api/v1/reports/move-plan?room_id=%d&unit_id=%d", central, unitID))
		if intOf(t, into["room_id"]) != central || intOf(t, into["placed"]) != 1 {
			t.Errorf("plan into room %d: %v", central, into)
		}
		for _, tc := range []struct{ query, field string }{
			{"room_id=x", "room_id"},
			{"room_id=9999", "room_id"},
			{"format=pdf", "format"},
			{"format=xlsx&lang=fr", "lang"},
			{"colour=red", "colour"},
		} {
			wantErr(t, c.do(t, "GET", "/api/v1/reports/move-plan?"+tc.query, nil), 400, "validation", tc.field)
		}
	})
}
