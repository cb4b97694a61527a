package collector_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(simChildEnv) != "" {
		simChild() // the benchmarks' simulator process
		return
	}
	dbtest.Main(m)
}

var simConfig = snmpsim.Config{Community: "s3cret-ro", User: "hostroll", AuthProtocol: gosnmp.SHA,
	AuthPassphrase: "auth-pass-123", PrivPassphrase: "priv-pass-456"}

// simDevice is a simulated server with a distinct identity.
func simDevice(i int) *snmpsim.Device {
	return &snmpsim.Device{SysName: fmt.Sprintf("srv%04d", i), Serial: fmt.Sprintf("SIM%06d", i),
		Model: "NF5280M6", Manufacturer: "Inspur", MemoryKB: 64 * 1024 * 1024, CPUs: 16, StorageGB: 960, Interfaces: 4}
}

func startSim(t testing.TB, devs ...*snmpsim.Device) *snmpsim.Sim {
	t.Helper()
	sim, err := snmpsim.Start(simConfig, devs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

func v2c() inventory.SNMPProfile {
	return inventory.SNMPProfile{Name: "sim-v2c", Version: "2c", Community: inventory.Secret(simConfig.Community),
		TimeoutMS: 500, Retries: 1, MaxRepetitions: 25}
}

func v3() inventory.SNMPProfile {
	return inventory.SNMPProfile{Name: "sim-v3", Version: "3", Username: simConfig.User, AuthProtocol: "SHA",
		PrivProtocol: "AES", AuthPassphrase: inventory.Secret(simConfig.AuthPassphrase),
		PrivPassphrase: inventory.Secret(simConfig.PrivPassphrase), TimeoutMS: 500, Retries: 1, MaxRepetitions: 25}
}

func target(sim *snmpsim.Sim, i int, p inventory.SNMPProfile) inventory.PollTarget {
	p.Port = sim.Port(i)
	return inventory.PollTarget{DeviceID: int64(i + 1), MgmtIP: "127.0.0.1", Profile: p}
}

func TestPollSimulatedDevice(t *testing.T) {
	sim := startSim(t, simDevice(1), simDevice(2))
	for _, p := range []inventory.SNMPProfile{v2c(), v3()} {
		t.Run(p.Version, func(t *testing.T) {
			o := collector.Poll(context.Background(), target(sim, 1, p), collector.Options{})
			if !o.Reachable || o.Error != "" {
				t.Fatalf("poll: reachable %v, error %q", o.Reachable, o.Error)
			}
			checks := []struct {
				field     string
				got, want any
			}{
				{"serial", o.Serial, "SIM000002"},
				{"model", o.Model, "NF5280M6"},
				{"manufacturer", o.Manufacturer, "Inspur"},
				{"sys_name", o.SysName, "srv0002"},
				{"memory_mb", deref(o.MemoryMB), int64(64 * 1024)},
				{"cpu_count", deref(o.CPUCount), 16},
				{"storage_gb", deref(o.StorageGB), int64(960)},
				{"uptime_s", deref(o.UptimeS), int64(1234)},
				{"sys_object_id", o.SysObjectID, ".1.3.6.1.4.1.8072.3.2.10"},
				{"interfaces", len(o.Interfaces), 4},
				{"interface 1", o.Interfaces[1], inventory.Interface{Name: "eth1", Type: 6, SpeedMbps: 1000,
					OperStatus: "up", MAC: "02:00:00:00:02:02"}},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
				}
			}
			if o.EngineID == "" {
				t.Error("no engine id")
			}
		})
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestPollFaults polls devices that misbehave in each way the simulator
// knows: the poll never panics or hangs, keeps what it could read and says
// what went wrong.
func TestPollFaults(t *testing.T) {
	tests := []struct {
		name      string
		faults    snmpsim.Faults
		profile   func() inventory.SNMPProfile
		opt       collector.Options
		reachable bool
		errHas    []string
		serial    string
	}{
		{name: "latency", faults: snmpsim.Faults{Latency: 30 * time.Millisecond}, profile: v2c, reachable: true, serial: "SIM000000"},
		{name: "silent", faults: snmpsim.Faults{DropRate: 1}, profile: v2c,
			errHas: []string{"no answer", "check the community"}},
		{name: "silent v3", faults: snmpsim.Faults{DropRate: 1}, profile: v3,
			errHas: []string{"no answer", "reachable"}},
		{name: "wrong community", profile: func() inventory.SNMPProfile { p := v2c(); p.Community = "nope"; return p },
			errHas: []string{"check the community of SNMP profile \"sim-v2c\""}},
		{name: "wrong v3 auth passphrase", profile: func() inventory.SNMPProfile { p := v3(); p.AuthPassphrase = "wrong-pass-1"; return p },
			errHas: []string{"authentication failed", "check the user name \"hostroll\" and the auth and priv passphrases"}},
		{name: "wrong v3 user", profile: func() inventory.SNMPProfile { p := v3(); p.Username = "nobody"; return p },
			errHas: []string{"check the user name \"nobody\" and the auth and priv passphrases"}},
		{name: "wrong v3 priv passphrase", profile: func() inventory.SNMPProfile { p := v3(); p.PrivPassphrase = "wrong-pass-2"; return p },
			errHas: []string{"check the user name \"hostroll\" and the auth and priv passphrases"}},
		{name: "error status", faults: snmpsim.Faults{ErrorStatus: gosnmp.GenErr, ErrorPrefix: ".1.3.6.1.2.1.25.2.3"}, profile: v2c,
			reachable: true, serial: "SIM000000", errHas: []string{"hrStorageTable: agent answered with error status GenErr"}},
		// tooBig takes 15 requests (see TestStreamRequests): a timeout that
		// the race detector on a loaded machine cannot miss.
		{name: "tooBig", faults: snmpsim.Faults{ErrorStatus: gosnmp.TooBig, ErrorPrefix: ".1.3.6.1.2.1.2.2"},
			profile:   func() inventory.SNMPProfile { p := v2c(); p.TimeoutMS = 10000; return p },
			reachable: true, serial: "SIM000000", errHas: []string{"ifTable: agent answered with error status TooBig"}},
		{name: "non-increasing", faults: snmpsim.Faults{NonIncreasing: ".1.3.6.1.2.1.31"}, profile: v2c,
			reachable: true, serial: "SIM000000", errHas: []string{"ifXTable", "OIDs do not increase"}},
		// 3,000 rows take many round trips: a timeout that a loaded machine
		// (or the race detector) cannot miss, since the walk is what is tested.
		{name: "huge table", faults: snmpsim.Faults{HugeTable: 3000}, opt: collector.Options{MaxVarbinds: 1000},
			profile:   func() inventory.SNMPProfile { p := v2c(); p.TimeoutMS = 10000; return p },
			reachable: true, serial: "SIM000000", errHas: []string{"ifTable: more than 1000 variables"}},
		{name: "wrong types", faults: snmpsim.Faults{WrongTypes: true}, profile: v2c, reachable: true,
			errHas: []string{".1.3.6.1.2.1.25.2.2.0: want an integer, agent sent OctetString",
				".1.3.6.1.2.1.47.1.1.1.1.11.1: want OCTET STRING, agent sent Integer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := simDevice(0)
			d.Faults = tt.faults
			sim := startSim(t, d)
			o := collector.Poll(context.Background(), target(sim, 0, tt.profile()), tt.opt)
			if o.Reachable != tt.reachable {
				t.Errorf("reachable %v, want %v (error %q)", o.Reachable, tt.reachable, o.Error)
			}
			if len(tt.errHas) == 0 && o.Error != "" {
				t.Errorf("error %q, want none", o.Error)
			}
			for _, want := range tt.errHas {
				if !strings.Contains(o.Error, want) {
					t.Errorf("error %q\nlacks %q", o.Error, want)
				}
			}
			if o.Serial != tt.serial {
				t.Errorf("serial %q, want %q", o.Serial, tt.serial)
			}
			if n := int(sim.Requests(0)); tt.faults.Latency > 0 && o.DurationMS < n*int(tt.faults.Latency.Milliseconds()) {
				t.Errorf("duration_ms %d for %d requests of %s each", o.DurationMS, n, tt.faults.Latency)
			}
		})
	}
}
