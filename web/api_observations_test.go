package web_test

import (
	"net"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory/dbtest"
)

// eachPollingAPI is eachAPI with a collector behind POST /devices/{id}/poll.
func eachPollingAPI(t *testing.T, fn func(t *testing.T, c *client)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		cfg := testConfig(db.Store)
		cfg.Poller = collector.New(db.Store, collector.Config{Name: "web-collector", Logger: cfg.Logger})
		fn(t, newClient(t, cfg, db.Name))
	})
}

func TestAPIPollAndObservations(t *testing.T) {
	sim, err := snmpsim.Start(snmpsim.Config{Community: "ro-secret"}, []*snmpsim.Device{{SysName: "web01",
		Serial: "SIM-WEB-01", Model: "RH2288H V5", Manufacturer: "Huawei", MemoryKB: 32 << 20, CPUs: 8, Interfaces: 2}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	eachPollingAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "POLL")
		prof := c.create(t, "/api/v1/snmp-profiles", obj{"name": "sim", "version": "2c", "community": "ro-secret",
			"port": sim.Port(0), "timeout_ms": 500, "retries": 0})
		dev := c.device(t, unit, "web01", obj{"manufacturer": "Huawei", "model": "RH2288H V5", "serial": "REGISTERED",
			"mgmt_ip": "127.0.0.1", "snmp_profile_id": idOf(t, prof), "specs": obj{"memory_gb": 32, "cpu_cores": 8}})
		id := idOf(t, dev)
		if dev["poll_status"] != "never" || dev["last_polled_at"] != nil {
			t.Errorf("new device: poll_status %v, last_polled_at %v", dev["poll_status"], dev["last_polled_at"])
		}
		items, total := c.list(t, p("/api/v1/devices/%d/observations", id))
		if total != 0 || len(items) != 0 {
			t.Errorf("observations before any poll: %d", total)
		}
		audits := c.auditTotal(t)

		for i := 0; i < 2; i++ {
			r := c.do(t, "POST", p("/api/v1/devices/%d/poll", id), nil)
			o := r.want(t, fiber.StatusOK)
			if o["reachable"] != true || o["serial"] != "SIM-WEB-01" || o["error"] != "" || intOf(t, o["device_id"]) != id {
				t.Fatalf("poll: %s", r.raw)
			}
			if strings.Contains(string(r.raw), "ro-secret") {
				t.Errorf("the community leaked into the answer: %s", r.raw)
			}
		}
		if got := c.auditTotal(t); got != audits {
			t.Errorf("polls wrote %d audit rows; observations are not audited", got-audits)
		}
		items, total = c.list(t, p("/api/v1/devices/%d/observations?limit=1", id))
		if total != 2 || len(items) != 1 || intOf(t, items[0]["id"]) != 2 {
			t.Errorf("observations: %d items of %d: %v", len(items), total, items)
		}
		if items[0]["collector"] != "web-collector" {
			t.Errorf("observation names collector %v, want the poller's name web-collector", items[0]["collector"])
		}
		ifs, _ := items[0]["interfaces"].([]any)
		if len(ifs) != 2 {
			t.Errorf("interfaces %v", items[0]["interfaces"])
		}
		got := c.get(t, p("/api/v1/devices/%d", id))
		drift, _ := got["drift"].([]any)
		if got["poll_status"] != "ok" || got["last_polled_at"] == nil || len(drift) != 1 {
			t.Fatalf("device after poll: %v", got)
		}
		d0 := drift[0].(obj)
		if d0["field"] != "serial" || d0["registered"] != "REGISTERED" || d0["observed"] != "SIM-WEB-01" {
			t.Errorf("drift %v", d0)
		}
		listed, _ := c.list(t, "/api/v1/devices")
		if listed[0]["poll_status"] != "ok" {
			t.Errorf("list poll_status %v", listed[0]["poll_status"])
		}

		// What the API refuses.
		bare := idOf(t, c.device(t, unit, "bare", nil))
		d := wantErr(t, c.do(t, "POST", p("/api/v1/devices/%d/poll", bare), nil), fiber.StatusBadRequest, "validation", "mgmt_ip")
		if fieldMsg(d, "snmp_profile_id") == "" {
			t.Errorf("no message on snmp_profile_id: %v", d)
		}
		wantErr(t, c.do(t, "POST", "/api/v1/devices/999999/poll", nil), fiber.StatusNotFound, "not_found", "")
		wantErr(t, c.do(t, "GET", "/api/v1/devices/999999/observations", nil), fiber.StatusNotFound, "not_found", "")
		wantErr(t, c.do(t, "GET", p("/api/v1/devices/%d/observations?reachable=maybe", id), nil), fiber.StatusBadRequest, "validation", "reachable")
		wantErr(t, c.do(t, "GET", p("/api/v1/devices/%d/observations?serial=x", id), nil), fiber.StatusBadRequest, "validation", "serial")
		wantErr(t, c.do(t, "POST", "/api/v1/devices/abc/poll", nil), fiber.StatusBadRequest, "bad_request", "")
	})
}

func TestAPIPollWithoutCollector(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "NOPOLL")
		dev := c.device(t, unit, "x", nil)
		wantErr(t, c.do(t, "POST", p("/api/v1/devices/%d/poll", idOf(t, dev)), nil), fiber.StatusServiceUnavailable, "unavailable", "")
	})
}

// One dbtest.Each per test: a second one's subtests are named "sqlite#01",
// and a '#' in the SQLite path is read as the start of a URI fragment.
func TestAPIPollUnreachable(t *testing.T) {
	eachPollingAPI(t, func(t *testing.T, c *client) {
		// A port where nothing answers: a closed UDP socket's port.
		l, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		port := l.LocalAddr().(*net.UDPAddr).Port
		l.Close()
		unit := c.unit(t, "DOWN")
		prof := c.create(t, "/api/v1/snmp-profiles", obj{"name": "down", "version": "2c", "community": "c",
			"port": port, "timeout_ms": 200, "retries": 0})
		dev := c.device(t, unit, "down", obj{"mgmt_ip": "127.0.0.1", "snmp_profile_id": idOf(t, prof)})
		o := c.do(t, "POST", p("/api/v1/devices/%d/poll", idOf(t, dev)), nil).want(t, fiber.StatusOK)
		if o["reachable"] != false || o["error"] == "" {
			t.Errorf("poll of a dead port: %v", o)
		}
		got := c.get(t, p("/api/v1/devices/%d", idOf(t, dev)))
		if got["poll_status"] != "unreachable" {
			t.Errorf("poll_status %v", got["poll_status"])
		}
	})
}
