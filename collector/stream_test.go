package collector_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory"
)

// TestStreamRequests counts the requests one poll sends to a simulated
// server and checks what it read: the scalars ride on the first GetBulk and
// the columns of all tables are walked side by side, so a standard server
// (16 CPUs, 2 storage rows, 4 interfaces) takes one request; longer tables,
// a lower max-repetitions and faults take more, and a fault stays with its
// table.
func TestStreamRequests(t *testing.T) {
	tests := []struct {
		name     string
		cpus     int
		ifaces   int
		maxReps  int
		faults   snmpsim.Faults
		requests int64
		errHas   string // "" for none
	}{
		{name: "standard server", cpus: 16, ifaces: 4, maxReps: 25, requests: 1},
		{name: "max-repetitions 8: 16 CPUs take three trips", cpus: 16, ifaces: 4, maxReps: 8, requests: 3},
		{name: "40 interfaces: 17 rows, then 25", cpus: 2, ifaces: 40, maxReps: 25, requests: 2},
		{name: "error status: one refused request, then the rest", cpus: 16, ifaces: 4, maxReps: 25, requests: 2,
			faults: snmpsim.Faults{ErrorStatus: gosnmp.GenErr, ErrorPrefix: ".1.3.6.1.2.1.25.2.3"},
			errHas: "hrStorageTable: agent answered with error status GenErr (error index 13: column .1.3.6.1.2.1.25.2.3.1.2)"},
		// tooBig halves 17 → 8 → 4 → 2 → 1 (5), then each part alone:
		// scalars, entPhysicalTable, hrProcessorTable, hrStorageTable (4),
		// ifTable halving again to one (5), ifXTable (1).
		{name: "tooBig: halved, then split by table", cpus: 16, ifaces: 4, maxReps: 25, requests: 15,
			faults: snmpsim.Faults{ErrorStatus: gosnmp.TooBig, ErrorPrefix: ".1.3.6.1.2.1.2.2"},
			errHas: "ifTable: agent answered with error status TooBig"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := simDevice(0)
			d.CPUs, d.Interfaces, d.Faults = tt.cpus, tt.ifaces, tt.faults
			sim := startSim(t, d)
			p := v2c()
			// No retry (it would be counted), and a timeout that a slow,
			// loaded machine cannot miss.
			p.MaxRepetitions, p.Retries, p.TimeoutMS = tt.maxReps, 0, 10000
			o := collector.Poll(context.Background(), target(sim, 0, p), collector.Options{})
			if got := sim.Requests(0); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if tt.errHas == "" && o.Error != "" || !strings.Contains(o.Error, tt.errHas) {
				t.Errorf("error %q, want %q", o.Error, tt.errHas)
			}
			if o.Serial != "SIM000000" || o.SysName != "srv0000" || deref(o.CPUCount) != tt.cpus {
				t.Errorf("serial %q, sys_name %q, cpus %v: the tables without a fault were not all read", o.Serial, o.SysName, deref(o.CPUCount))
			}
			if wantIfs := tt.ifaces; tt.faults.ErrorPrefix != ".1.3.6.1.2.1.2.2" && len(o.Interfaces) != wantIfs {
				t.Errorf("%d interfaces, want %d", len(o.Interfaces), wantIfs)
			}
		})
	}
}

// TestPollerReuse polls targets of every kind one after another with one
// Poller, as a worker does: each answer belongs to its own target, a port
// with no agent is still reported as refused, and a v3 target between v2c
// ones keeps its own session.
func TestPollerReuse(t *testing.T) {
	sim := startSim(t, simDevice(0), simDevice(1))
	closed := inventory.PollTarget{DeviceID: 9, MgmtIP: "127.0.0.1", Profile: v2c()}
	closed.Profile.Port = freeUDPPort(t)
	steps := []struct {
		name   string
		target inventory.PollTarget
		serial string
		errHas string
	}{
		{"v2c device 0", target(sim, 0, v2c()), "SIM000000", ""},
		{"v2c device 1", target(sim, 1, v2c()), "SIM000001", ""},
		{"no agent", closed, "", "refused the request"},
		{"v3 device 0", target(sim, 0, v3()), "SIM000000", ""},
		{"v2c device 1 again", target(sim, 1, v2c()), "SIM000001", ""},
		{"wrong community", target(sim, 0, func() inventory.SNMPProfile { p := v2c(); p.Community = "nope"; p.Retries = 0; return p }()), "", "check the community"},
		{"v2c device 0 again", target(sim, 0, v2c()), "SIM000000", ""},
	}
	p := collector.NewPoller(collector.Options{})
	defer p.Close()
	for _, s := range steps {
		o := p.Poll(context.Background(), s.target)
		if o.Serial != s.serial {
			t.Errorf("%s: serial %q, want %q", s.name, o.Serial, s.serial)
		}
		if s.errHas == "" && o.Error != "" || !strings.Contains(o.Error, s.errHas) {
			t.Errorf("%s: error %q, want %q", s.name, o.Error, s.errHas)
		}
	}
}
