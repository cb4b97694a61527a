package web_test

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hostroll/collector/snmpsim"
)

// A device's snmp_port overrides its profile's port: two agents on two ports
// share one profile, and the poll reaches each on its own port.
func TestDeviceSNMPPort(t *testing.T) {
	sim, err := snmpsim.Start(snmpsim.Config{Community: "ro-port"}, []*snmpsim.Device{
		{SysName: "a", Serial: "SIM-PORT-A", Model: "M", Manufacturer: "Huawei", CPUs: 2, Interfaces: 1},
		{SysName: "b", Serial: "SIM-PORT-B", Model: "M", Manufacturer: "Huawei", CPUs: 2, Interfaces: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	eachPollingAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "PORT")
		// The profile's port has no agent: only the devices' ports do.
		prof := c.create(t, "/api/v1/snmp-profiles", obj{"name": "shared", "version": "2c", "community": "ro-port",
			"port": 9, "timeout_ms": 300, "retries": 0})
		pid := idOf(t, prof)
		noPort := c.device(t, unit, "plain", obj{"mgmt_ip": "127.0.0.1", "snmp_profile_id": pid})
		if v, ok := noPort["snmp_port"]; !ok || v != nil {
			t.Errorf("new device without snmp_port: snmp_port = %v (present %v), want null", v, ok)
		}
		for i, serial := range []string{"SIM-PORT-A", "SIM-PORT-B"} {
			d := c.device(t, unit, serial, obj{"mgmt_ip": "127.0.0.1", "snmp_profile_id": pid, "snmp_port": sim.Port(i)})
			if intOf(t, d["snmp_port"]) != int64(sim.Port(i)) {
				t.Fatalf("created snmp_port %v, want %d", d["snmp_port"], sim.Port(i))
			}
			id := idOf(t, d)
			if got := c.get(t, p("/api/v1/devices/%d", id)); intOf(t, got["snmp_port"]) != int64(sim.Port(i)) {
				t.Errorf("read snmp_port %v", got["snmp_port"])
			}
			o := c.do(t, "POST", p("/api/v1/devices/%d/poll", id), nil).want(t, fiber.StatusOK)
			if o["reachable"] != true || o["serial"] != serial {
				t.Errorf("poll on the device's port: %v", o)
			}
			// Cleared, the profile's port (no agent) is polled again.
			if got := c.patch(t, p("/api/v1/devices/%d", id), obj{"snmp_port": nil}); got["snmp_port"] != nil {
				t.Errorf("patched to null: snmp_port %v", got["snmp_port"])
			}
			o = c.do(t, "POST", p("/api/v1/devices/%d/poll", id), nil).want(t, fiber.StatusOK)
			if o["reachable"] != false || !strings.Contains(o["error"].(string), ":9") {
				t.Errorf("poll after clearing snmp_port should go to the profile's port 9: %v", o)
			}
		}
		id := idOf(t, noPort)
		for _, bad := range []any{0, 65536, -1, 100000} {
			before := c.auditTotal(t)
			d := wantErr(t, c.do(t, "PATCH", p("/api/v1/devices/%d", id), obj{"snmp_port": bad}), 400, "validation", "snmp_port")
			if m := fieldMsg(d, "snmp_port"); !strings.Contains(m, "1 and 65535") {
				t.Errorf("snmp_port %v: message %q does not give the range", bad, m)
			}
			if c.auditTotal(t) != before {
				t.Errorf("a refused snmp_port %v wrote an audit row", bad)
			}
		}
		wantErr(t, c.do(t, "POST", "/api/v1/devices", obj{"name": "x", "kind": "server", "unit_id": unit,
			"snmp_port": 70000}), 400, "validation", "snmp_port")
		if r := c.do(t, "PATCH", p("/api/v1/devices/%d", id), obj{"snmp_port": "161"}); r.status != 400 {
			t.Errorf("snmp_port as a string: %d %s", r.status, r.raw)
		}
		if got := c.patch(t, p("/api/v1/devices/%d", id), obj{"snmp_port": 65535}); intOf(t, got["snmp_port"]) != 65535 {
			t.Errorf("snmp_port 65535: %v", got["snmp_port"])
		}
	})
}
