package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// simulated registers n simulated devices in a fresh SQLite database and
// returns its URL and the device ids.
func simulated(t *testing.T, n int) (string, *inventory.Store, []int64) {
	t.Helper()
	return simulatedFaults(t, n, func(int) snmpsim.Faults { return snmpsim.Faults{} })
}

// simulatedFaults is simulated with device i misbehaving as faults(i) says.
func simulatedFaults(t *testing.T, n int, faults func(i int) snmpsim.Faults) (string, *inventory.Store, []int64) {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	devs := make([]*snmpsim.Device, n)
	for i := range devs {
		devs[i] = &snmpsim.Device{SysName: fmt.Sprint("cli", i), Serial: fmt.Sprint("CLI-SN-", i), Model: "M",
			Manufacturer: "X", MemoryKB: 8 << 20, CPUs: 2, Interfaces: 1, Faults: faults(i)}
	}
	sim, err := snmpsim.Start(snmpsim.Config{Community: "cli-ro", Port: port}, devs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	db := dbtest.SQLite(t)
	ctx := context.Background()
	unit, err := db.Store.CreateUnit(ctx, inventory.UnitInput{Code: "CLI", Name: "CLI", Kind: "department"})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := db.Store.CreateSNMPProfile(ctx, inventory.SNMPProfileInput{Name: "cli", Version: "2c",
		Community: "cli-ro", Port: port, TimeoutMS: 500, Retries: 0, MaxRepetitions: 25})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i := range devs {
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID, in.MgmtIP, in.SNMPProfileID = fmt.Sprint("d", i), "server", unit.ID, sim.Addr(i), &prof.ID
		d, err := db.Store.CreateDevice(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = d.ID
	}
	return db.URL, db.Store, ids
}

func TestPollCommand(t *testing.T) {
	url, _, ids := simulated(t, 3)
	cases := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"one device", []string{"poll", "--db", url, "--device", fmt.Sprint(ids[1])}, 0,
			`serial "CLI-SN-1"`, ""},
		{"one device summary", []string{"poll", "--db", url, "--device", fmt.Sprint(ids[1])}, 0,
			"polled 1 device: 1 ok, 0 failed", ""},
		{"all", []string{"poll", "--db", url, "--workers", "2"}, 0, "polled 3 devices: 3 ok, 0 failed", "polled 3/3: 3 ok, 0 failed"},
		{"no such device", []string{"poll", "--db", url, "--device", "999"}, 1, "", "device 999: not found"},
		{"bad workers", []string{"poll", "--db", url, "--workers", "0"}, 2, "", "--workers (HOSTROLL_POLL_WORKERS) must be between 1 and 10000"},
		{"bad schedule", []string{"collect", "--db", url, "--poll-schedule", "every five"}, 2, "", `poll schedule "every five"`},
		{"lease shorter than a device may take", []string{"collect", "--db", url, "--poll-lease", "30s"}, 2, "", "--poll-lease (HOSTROLL_POLL_LEASE) must be at least 1m52.5s, not 30s: a device's poll (up to 1m0s) and the database write of its result (up to 10s)"},
		{"lease just below the minimum", []string{"collect", "--db", url, "--poll-lease", "112s"}, 2, "", "must fit in the two thirds of a lease left between renewals"},
		{"keeps fewer polls than the unreachable rule reads", []string{"collect", "--db", url, "--keep", "2"}, 2, "", "--keep (HOSTROLL_OBSERVATIONS_KEEP) must be at least 3"},
		{"a shorter device timeout shortens the shortest lease", []string{"collect", "--db", url, "--device-timeout", "5s", "--poll-lease", "29s"}, 2, "", "--poll-lease (HOSTROLL_POLL_LEASE) must be at least 30s, not 29s: a device's poll (up to 5s)"},
		{"device timeout out of range", []string{"poll", "--db", url, "--device-timeout", "500ms"}, 2, "", "--device-timeout (HOSTROLL_POLL_DEVICE_TIMEOUT) must be between 1s and 1h, not 500ms"},
		{"collector alone, never scheduled", []string{"serve", "--collector-only", "--db", url, "--poll-schedule", "off"}, 2, "", "would do nothing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s\nwant stdout ⊇ %q, stderr ⊇ %q", code, tc.code, stdout, stderr, tc.stdout, tc.stderr)
			}
		})
	}
}

// TestCollectCommand runs the collector alone (hostroll collect, and serve
// --collector-only) on a one-second schedule until every device has been
// polled, then stops it.
func TestCollectCommand(t *testing.T) {
	for _, command := range [][]string{{"collect"}, {"serve", "--collector-only"}} {
		t.Run(strings.Join(command, " "), func(t *testing.T) { collectUntilPolled(t, command) })
	}
}

func collectUntilPolled(t *testing.T, command []string) {
	url, store, ids := simulated(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb syncBuffer
	go func() {
		var out syncBuffer
		done <- run(ctx, append(command, "--db", url, "--poll-schedule", "@every 1s"), &out, &errb)
	}()
	for polled := 0; polled < len(ids); {
		select {
		case code := <-done:
			t.Fatalf("collect exited with %d: %s", code, errb.String())
		case <-time.After(100 * time.Millisecond):
		}
		polled = 0
		for _, id := range ids {
			if _, err := store.LatestObservation(context.Background(), id); err == nil {
				polled++
			}
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("collect exited with %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "collector scheduled") || !strings.Contains(errb.String(), "poll round") {
		t.Errorf("log lacks the schedule or a round:\n%s", errb.String())
	}
}

// TestPollInterruptedReleasesLeases: hostroll poll stopped mid-run gives back
// the devices it claimed but did not poll, so that a running collector need
// not wait for the leases to end.
func TestPollInterruptedReleasesLeases(t *testing.T) {
	url, store, _ := simulated(t, 4)
	// A wrong community: every device stays silent until the timeout.
	if _, err := store.DB().Exec(`UPDATE snmp_profiles SET community = 'wrong'`); err != nil {
		t.Fatal(err)
	}
	leased := func() int {
		var n int
		if err := store.DB().Get(&n, `SELECT COUNT(*) FROM device_poll_state WHERE lease_holder IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		var out, errb syncBuffer
		done <- run(ctx, []string{"poll", "--db", url, "--workers", "1"}, &out, &errb)
	}()
	for leased() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if n := leased(); n != 0 {
		t.Errorf("%d devices still leased after hostroll poll was interrupted", n)
	}
}

// TestPollInterruptedWritesWhatItPolled interrupts hostroll poll (as SIGTERM
// does: main cancels the context) in the middle of a round of devices that
// answer and devices that stay silent until the timeout: every result its
// summary counts as polled was written before it exited, none more, and no
// device is left leased.
func TestPollInterruptedWritesWhatItPolled(t *testing.T) {
	url, store, ids := simulatedFaults(t, 8, func(i int) snmpsim.Faults {
		if i%2 == 1 {
			return snmpsim.Faults{DropRate: 1} // 500 ms to the timeout
		}
		return snmpsim.Faults{}
	})
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"poll", "--db", url, "--workers", "1"}, &out, &errb) }()
	count := func() int {
		stored := 0
		for _, id := range ids {
			_, n, err := store.Observations(context.Background(), id, inventory.ListParams{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			stored += n
		}
		return stored
	}
	for count() == 0 { // the first batch is written; four silent devices are 2 s away
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	var polled int
	if _, err := fmt.Sscanf(out.String(), "polled %d", &polled); err != nil {
		t.Fatalf("summary %q: %v", out.String(), err)
	}
	stored := count()
	var leased int
	if err := store.DB().Get(&leased, `SELECT COUNT(*) FROM device_poll_state WHERE lease_holder IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if polled == 0 || stored != polled || leased != 0 {
		t.Errorf("interrupted poll: summary %q (polled %d), %d observations stored, %d devices leased; want each polled result stored, none leased",
			strings.TrimSpace(out.String()), polled, stored, leased)
	}
}

// TestServeBadScheduleFreesAddr: serve refusing a poll schedule it cannot
// parse does not keep its listening socket.
func TestServeBadScheduleFreesAddr(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	db := "sqlite://" + t.TempDir() + "/h.db"
	for _, flag := range []string{"--poll-schedule", "--prune-schedule"} {
		code, _, stderr := runCLI(t, "serve", "--db", db, "--addr", addr, flag, "every five")
		if code != 2 || !strings.Contains(stderr, "every five") {
			t.Fatalf("serve %s: exit %d: %s", flag, code, stderr)
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("after serve %s refused: %v", flag, err)
		}
		l.Close()
	}
}

// TestPollEnvironment: the collector's numeric settings come from the
// environment too, the command line wins, and a value that is not a number
// or a duration is refused rather than silently replaced by the default.
func TestPollEnvironment(t *testing.T) {
	url, _, _ := simulated(t, 1)
	cases := []struct {
		name, key, value string
		args             []string
		code             int
		stderr           string
	}{
		{"workers not a number", "HOSTROLL_POLL_WORKERS", "many", []string{"poll"}, 2,
			`HOSTROLL_POLL_WORKERS="many" is not a valid value for --workers`},
		{"lease not a duration", "HOSTROLL_POLL_LEASE", "5", []string{"collect"}, 2,
			`HOSTROLL_POLL_LEASE="5" is not a valid value for --poll-lease`},
		{"keep from the environment is checked", "HOSTROLL_OBSERVATIONS_KEEP", "1", []string{"collect"}, 2,
			"--keep (HOSTROLL_OBSERVATIONS_KEEP) must be at least 3 (the polls the unreachable rule reads), not 1"},
		{"the command line wins", "HOSTROLL_POLL_WORKERS", "0", []string{"poll", "--workers", "2"}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.key, tc.value)
			code, _, stderr := runCLI(t, append(tc.args, "--db", url)...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.stderr)
			}
		})
	}
}

// TestPollExitsFourOnFailures: a round in which a device did not answer
// exits 4, for the whole round and for one device alike.
func TestPollExitsFourOnFailures(t *testing.T) {
	url, store, _ := simulated(t, 1)
	ctx := inventory.WithActor(t.Context(), "test")
	prof, err := store.CreateSNMPProfile(ctx, inventory.SNMPProfileInput{Name: "silent", Version: "2c",
		Community: "nobody-home", Port: 9, TimeoutMS: 100, Retries: 0, MaxRepetitions: 10})
	if err != nil {
		t.Fatal(err)
	}
	units, _, err := store.Units(ctx, inventory.ListParams{})
	if err != nil || len(units) == 0 {
		t.Fatal(units, err)
	}
	in := inventory.DefaultDeviceInput()
	in.Name, in.Kind, in.UnitID, in.MgmtIP, in.SNMPProfileID = "silent", "server", units[0].ID, "127.0.0.1", &prof.ID
	d, err := store.CreateDevice(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"poll", "--db", url}, {"poll", "--db", url, "--device", fmt.Sprint(d.ID)}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != 4 || !strings.Contains(stdout, "1 failed") || !strings.Contains(stderr, "devices failed to answer") {
			t.Errorf("%v: exit %d (want 4)\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
	}
}

// TestPollLeaseMinimum: the shortest lease accepted is the one a device's
// poll and write fit in between renewals; a nanosecond less is a usage error
// (exit 2) that says why.
func TestPollLeaseMinimum(t *testing.T) {
	min := (collector.Config{}).MinLease()
	if want := 3 * (collector.DefaultDeviceTimeout + collector.DefaultWriteTimeout + collector.MaxClockSkew) / 2; min != want {
		t.Fatalf("MinLease %s, want %s", min, want)
	}
	cases := []struct {
		name  string
		lease time.Duration
		code  int // 0: accepted
	}{
		{"the minimum", min, 0},
		{"the default", 5 * time.Minute, 0},
		{"just below", min - time.Nanosecond, 2},
		{"one minute", time.Minute, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pc := pollConfig{Schedule: "@every 5m", Workers: 4, MaxVarbinds: 100, Keep: 100, Lease: tc.lease}
			err := pc.validate()
			var exit *exitError
			switch {
			case tc.code == 0 && err != nil:
				t.Errorf("lease %s refused: %v", tc.lease, err)
			case tc.code != 0 && (!errors.As(err, &exit) || exit.code != tc.code):
				t.Errorf("lease %s: %v, want exit %d", tc.lease, err, tc.code)
			case tc.code != 0 && !strings.Contains(err.Error(), "two thirds of a lease left between renewals"):
				t.Errorf("lease %s: the message does not say why: %v", tc.lease, err)
			}
		})
	}
}
