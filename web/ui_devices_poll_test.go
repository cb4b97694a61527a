package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"hostroll/collector/snmpsim"
)

// TestDevicePagePollNow: "poll now" on a device's page polls it (a real
// collector against the SNMP simulator), and the page then shows the poll,
// the observed specs and the drift (serial) marked; the quick search
// answers the table alone to htmx.
func TestDevicePagePollNow(t *testing.T) {
	sim, err := snmpsim.Start(snmpsim.Config{Community: "ro-secret"}, []*snmpsim.Device{{SysName: "web01",
		Serial: "SIM-WEB-01", Model: "RH2288H V5", Manufacturer: "Huawei", MemoryKB: 32 << 20, CPUs: 8, Interfaces: 2}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	eachPollingAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "PN")
		prof := c.create(t, "/api/v1/snmp-profiles", obj{"name": "sim", "version": "2c", "community": "ro-secret",
			"port": sim.Port(0), "timeout_ms": 500, "retries": 0})
		id := idOf(t, c.device(t, unit, "web01", obj{"manufacturer": "Huawei", "model": "RH2288H V5", "serial": "REGISTERED",
			"mgmt_ip": "127.0.0.1", "snmp_profile_id": idOf(t, prof), "specs": obj{"memory_gb": 32, "cpu_cores": 8}}))
		checkPage(t, c.openPage(t, p("/devices/%d", id)), 200, []string{"立即采集", "尚未采集。", "从未采集"}, []string{"tr class=\"drift\""})
		r := c.postForm(t, p("/devices/%d/poll", id), nil)
		if r.status != 303 {
			t.Fatalf("poll now: %d %.300s", r.status, r.raw)
		}
		page := c.openPage(t, r.header.Get("Location"))
		checkPage(t, page, 200, []string{"已完成采集。", "SIM-WEB-01", `<tr class="drift">`, "配置不一致", "正常"}, []string{"ro-secret"})
		body := string(page.raw)
		row := body[strings.Index(body, `<tr class="drift">`):]
		if row = row[:strings.Index(row, "</tr>")]; !strings.Contains(row, "REGISTERED") || !strings.Contains(row, "SIM-WEB-01") {
			t.Errorf("the drift row is not the serial's: %s", row)
		}
		checkPage(t, c.openPage(t, "/devices?poll_status=ok&drift=true"), 200, []string{"web01"}, nil)
		checkPage(t, c.openPage(t, "/devices?poll_status=never"), 200, nil, []string{">web01<"})

		req := httptest.NewRequest("GET", "/devices?q=web", nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "device-table")
		c.authorize(req)
		frag := c.sendUnchecked(t, req)
		if b := string(frag.raw); frag.status != 200 || !strings.HasPrefix(b, `<div id="device-table">`) || strings.Contains(b, "<html") || !strings.Contains(b, "web01") {
			t.Errorf("the quick search's answer is not the table alone: %d %.200s", frag.status, b)
		}
		if r := c.as(t, "auditor").postForm(t, p("/devices/%d/poll", id), nil); r.status != 403 {
			t.Errorf("an auditor polled: %d", r.status)
		}
	})
}
