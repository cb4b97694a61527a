package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"hostroll/collector/snmpsim"
	"hostroll/inventory"
)

// The scale-out drill runs real processes: one PostgreSQL (dbtest), the
// hostroll binary built from this tree, two serve and three collect
// processes over simulated devices. HOSTROLL_DRILL_DEVICES sets the fleet
// (default 1,000: about 90 s on two cores; fewer on a slower CI). -short
// skips it.

const drillPepper = "drill token pepper, 32 bytes...."

// proc is one hostroll process of the drill.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

var (
	servingLog = regexp.MustCompile(`msg=serving addr=(\S+)`)
)

func envInt(t *testing.T, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", key, v)
	}
	return n
}

// buildHostroll builds the binary of this tree as the README says to build it
// (gosnmp_nodebug).
func buildHostroll(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hostroll")
	out, err := exec.Command("go", "build", "-tags", "gosnmp_nodebug", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// start runs the binary with args and the drill's environment.
func start(t *testing.T, bin, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(bin, args...), log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "HOSTROLL_TOKEN_PEPPER="+drillPepper)
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.stop() })
	return p
}

// stop ends the process gracefully (SIGTERM) and waits for it.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitLog waits for the process to log a line matching re and returns the
// first group.
func (p *proc) waitLog(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	for {
		if m := re.FindStringSubmatch(p.log.String()); m != nil {
			return m[1]
		}
		if p.exited() {
			t.Fatalf("%s exited: %s", p.name, p.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// drillFleet registers n simulated devices, each answering after latency,
// and returns the simulator.
func drillFleet(t *testing.T, s *inventory.Store, n int, latency time.Duration) *snmpsim.Sim {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	devs := make([]*snmpsim.Device, n)
	for i := range devs {
		devs[i] = &snmpsim.Device{SysName: fmt.Sprint("drill", i), Serial: fmt.Sprint("DRILL-", i), Model: "RH2288H V5",
			Manufacturer: "Huawei", MemoryKB: 64 << 20, CPUs: 16, StorageGB: 1200, Interfaces: 4,
			Faults: snmpsim.Faults{Latency: latency}}
	}
	sim, err := snmpsim.Start(snmpsim.Config{Community: "drill-ro", Port: port}, devs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	ctx := inventory.WithActor(context.Background(), "cli:drill")
	unit, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "DRILL", Name: "演练单位", Kind: "department"})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := s.CreateSNMPProfile(ctx, inventory.SNMPProfileInput{Name: "drill", Version: "2c",
		Community: "drill-ro", Port: port, TimeoutMS: 1000, Retries: 1, MaxRepetitions: 25})
	if err != nil {
		t.Fatal(err)
	}
	for i := range devs {
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID, in.Status = fmt.Sprint("drill-", i), "server", unit.ID, "active"
		in.MgmtIP, in.SNMPProfileID = sim.Addr(i), &prof.ID
		if _, err := s.CreateDevice(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	return sim
}

// drillToken makes an admin and a read-only API token for it.
func drillToken(t *testing.T, s *inventory.Store) string {
	t.Helper()
	ctx := inventory.WithActor(context.Background(), "cli:drill")
	u, _, err := s.CreateUser(ctx, inventory.UserInput{Username: "drill", DisplayName: "演练", Role: inventory.RoleAdmin,
		Password: "Kz7-Ops-Pass-2024x"})
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := s.CreateToken(ctx, []byte(drillPepper), u.ID, inventory.TokenInput{Description: "drill"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// get reads path from a serve process with the token.
func get(addr, token, path string) (int, []byte, error) {
	req, err := http.NewRequest("GET", "http://"+addr+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// drillObs is one observation as the drill checks it.
type drillObs struct {
	DeviceID  int64     `db:"device_id"`
	At        time.Time `db:"at"`
	Collector string    `db:"collector"`
	Reachable bool      `db:"reachable"`
}

func observations(t *testing.T, s *inventory.Store) map[int64][]drillObs {
	t.Helper()
	var all []drillObs
	if err := s.DB().Select(&all, `SELECT device_id, at, collector, reachable FROM observations ORDER BY device_id, at`); err != nil {
		t.Fatal(err)
	}
	by := map[int64][]drillObs{}
	for _, o := range all {
		by[o.DeviceID] = append(by[o.DeviceID], o)
	}
	return by
}

// polledAtLeast waits until every one of n devices has at least k
// observations made after since.
func polledAtLeast(t *testing.T, s *inventory.Store, n, k int, since time.Time, procs ...*proc) {
	t.Helper()
	for {
		var done int
		if err := s.DB().Get(&done, `SELECT COUNT(*) FROM (SELECT device_id FROM observations WHERE at > $1
			GROUP BY device_id HAVING COUNT(*) >= $2) d`, since, k); err != nil {
			t.Fatal(err)
		}
		if done == n {
			return
		}
		for _, p := range procs {
			if p.exited() {
				t.Fatalf("%s exited: %s", p.name, p.log.String())
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}
