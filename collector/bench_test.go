package collector_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// The benchmarks run the simulator in a child process (this test binary,
// started with simChildEnv set), so that the CPU time and memory measured
// are the poller's alone.
const simChildEnv = "HOSTROLL_SNMPSIM_CHILD"

// simChild serves HOSTROLL_SNMPSIM_CHILD=N,PORT,LATENCY devices until its
// stdin closes.
func simChild() {
	var n, port int
	var latency time.Duration
	parts := strings.Split(os.Getenv(simChildEnv), ",")
	if len(parts) == 3 {
		n, _ = strconv.Atoi(parts[0])
		port, _ = strconv.Atoi(parts[1])
		latency, _ = time.ParseDuration(parts[2])
	}
	cfg := simConfig
	cfg.Port = port
	sim, err := snmpsim.Start(cfg, snmpsim.Fleet(n, snmpsim.Faults{Latency: latency}))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent goes
	sim.Close()
	os.Exit(0)
}

// childSim starts n simulated devices in a child process and returns their
// poll targets and the child's CPU time so far, to read around a measurement.
func childSim(b *testing.B, n int, latency time.Duration) ([]inventory.PollTarget, func() time.Duration) {
	b.Helper()
	port := freeUDPPort(b)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d,%s", simChildEnv, n, port, latency))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		b.Fatalf("simulator: %q", line)
	}
	p := v2c()
	p.Port, p.TimeoutMS, p.Retries = port, 2000, 1
	ts := make([]inventory.PollTarget, n)
	for i := range ts {
		ts[i] = inventory.PollTarget{DeviceID: int64(i + 1), MgmtIP: snmpsim.Address(i), Profile: p}
	}
	return ts, func() time.Duration { return procCPU(b, cmd.Process.Pid) }
}

// procCPU is the user + system CPU time of process pid so far, from
// /proc/PID/stat (Linux; clock ticks of 1/100 s).
func procCPU(b *testing.B, pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name (in parentheses) start at state.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// pollAll polls every target once with a pool of workers, each with its own
// Poller as the collector's workers have; every poll must succeed.
func pollAll(b *testing.B, ts []inventory.PollTarget, workers int) {
	work := make(chan inventory.PollTarget)
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := collector.NewPoller(collector.Options{})
			defer p.Close()
			for t := range work {
				o := p.Poll(context.Background(), t)
				if o.Status() != "ok" {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, o.Error)
				}
			}
		}()
	}
	for _, t := range ts {
		work <- t
	}
	close(work)
	wg.Wait()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d polls failed, e.g. %v", n, len(ts), firstErr.Load())
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func maxRSSMB() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}

// requestsPerDevice counts the requests one full poll of a simulated device
// takes.
func requestsPerDevice(b *testing.B) int64 {
	sim, err := snmpsim.Start(simConfig, snmpsim.Fleet(1, snmpsim.Faults{}))
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	p := v2c()
	p.Port = sim.Port(0)
	collector.Poll(context.Background(), inventory.PollTarget{MgmtIP: "127.0.0.1", Profile: p}, collector.Options{})
	return sim.Requests(0)
}

// BenchmarkFleet polls whole fleets of simulated servers (4 interfaces, 16
// CPUs, 2 entities, 2 storage rows each) over v2c, warm.
func BenchmarkFleet(b *testing.B) {
	cases := []struct {
		name    string
		devices int
		latency time.Duration
		workers int
	}{
		{"1000-devices-no-latency-64-workers", 1000, 0, 64},
		{"1000-devices-rtt-20ms-200-workers", 1000, 20 * time.Millisecond, 200},
		{"1-device-rtt-20ms-1-worker", 1, 20 * time.Millisecond, 1},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ts, simCPU := childSim(b, c.devices, c.latency)
			pollAll(b, ts, c.workers) // warm up
			cpu0, sim0, start := cpuTime(), simCPU(), time.Now()
			b.ResetTimer()
			for range b.N {
				pollAll(b, ts, c.workers)
			}
			b.StopTimer()
			elapsed, cpu := time.Since(start), cpuTime()-cpu0
			polled := float64(c.devices * b.N)
			b.ReportMetric(polled/elapsed.Seconds(), "devices/s")
			b.ReportMetric(float64(cpu.Microseconds())/1000/polled, "cpu-ms/device")
			b.ReportMetric(float64((simCPU()-sim0).Microseconds())/1000/polled, "sim-cpu-ms/device")
			if c.latency > 0 {
				reqs := requestsPerDevice(b)
				bound := float64(c.workers) / (float64(reqs) * c.latency.Seconds())
				b.ReportMetric(float64(reqs), "requests/device")
				b.ReportMetric(100*polled/elapsed.Seconds()/bound, "%-of-bound")
			}
		})
	}
}

// BenchmarkFleet10000Memory polls 10,000 simulated devices and reports the
// poller process's peak resident memory. Run it on its own (-bench
// 'Fleet10000') so that nothing else raised the peak.
func BenchmarkFleet10000Memory(b *testing.B) {
	ts, _ := childSim(b, 10000, 0)
	start := time.Now()
	for range b.N {
		pollAll(b, ts, 64)
	}
	b.ReportMetric(float64(10000*b.N)/time.Since(start).Seconds(), "devices/s")
	b.ReportMetric(maxRSSMB(), "max-rss-MB")
}

// BenchmarkRealSnmpd polls one real net-snmp agent (v2c) and, for
// comparison, reads the same data with net-snmp's own tools: snmpget of the
// scalars and snmpbulkwalk of each table (-Cr25, the same max-repetitions).
// snmpbulkwalk-ms includes starting the processes; snmpget-ms is the
// first of those alone: one process, one GET of the seven scalars.
func BenchmarkRealSnmpd(b *testing.B) {
	a := startSnmpd(b)
	t := a.target(a.v2c())
	for _, tool := range []string{"snmpget", "snmpbulkwalk"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s not installed (apt-get install snmp)", tool)
		}
	}
	collector.Poll(context.Background(), t, collector.Options{}) // warm
	b.ResetTimer()
	for range b.N {
		if o := collector.Poll(context.Background(), t, collector.Options{}); !o.Reachable {
			b.Fatal(o.Error)
		}
	}
	b.StopTimer()
	addr := fmt.Sprintf("127.0.0.1:%d", a.port)
	common := []string{"-v2c", "-c", realComm, "-On", "-Cr25"}
	runs := [][]string{
		append([]string{"snmpget", "-v2c", "-c", realComm, "-On", addr}, strings.Fields(
			".1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.1.3.0 .1.3.6.1.2.1.1.5.0 .1.3.6.1.6.3.10.2.1.1.0 .1.3.6.1.2.1.25.1.1.0 .1.3.6.1.2.1.25.2.2.0")...),
	}
	for _, tbl := range []string{".1.3.6.1.2.1.47.1.1.1", ".1.3.6.1.2.1.25.3.3", ".1.3.6.1.2.1.25.2.3", ".1.3.6.1.2.1.2.2", ".1.3.6.1.2.1.31.1.1"} {
		runs = append(runs, append(append([]string{"snmpbulkwalk"}, common...), addr, tbl))
	}
	timeRuns := func(runs [][]string) time.Duration {
		const reps = 5
		start := time.Now()
		for range reps {
			for _, r := range runs {
				if out, err := exec.Command(r[0], r[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", r, err, out)
				}
			}
		}
		return time.Since(start) / reps
	}
	b.ReportMetric(float64(timeRuns(runs).Microseconds())/1000, "snmpbulkwalk-ms")
	b.ReportMetric(float64(timeRuns(runs[:1]).Microseconds())/1000, "snmpget-ms")
}

// BenchmarkRunDue is the whole round as serve runs it: claim due devices
// with leases, poll them (64 workers), store each observation, on each
// database. Each op is one round over 1,000 simulated devices, all due. CPU
// includes the store's work (and, on SQLite, the database engine's).
func BenchmarkRunDue(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			ts, _ := childSim(b, 1000, 0)
			round := fleetRound(b, dialect, ts, 64)
			round() // warm
			cpu0, start := cpuTime(), time.Now()
			b.ResetTimer()
			for range b.N {
				round()
			}
			b.StopTimer()
			polled := float64(1000 * b.N)
			b.ReportMetric(polled/time.Since(start).Seconds(), "devices/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/polled, "cpu-ms/device")
		})
	}
}

// fleetRound registers the targets ts in a fresh database of dialect and
// returns round, which runs one round of a collector with the given workers
// in which every device is due and must be polled and stored.
func fleetRound(b *testing.B, dialect string, ts []inventory.PollTarget, workers int) (round func()) {
	db := dbtest.Dialect(b, dialect)
	ctx := context.Background()
	unit, err := db.Store.CreateUnit(ctx, inventory.UnitInput{Code: "BENCH", Name: "bench", Kind: "department"})
	if err != nil {
		b.Fatal(err)
	}
	p := ts[0].Profile
	prof, err := db.Store.CreateSNMPProfile(ctx, inventory.SNMPProfileInput{Name: "bench", Version: "2c",
		Community: p.Community, Port: p.Port, TimeoutMS: p.TimeoutMS, Retries: p.Retries, MaxRepetitions: p.MaxRepetitions})
	if err != nil {
		b.Fatal(err)
	}
	for i, t := range ts {
		in := inventory.DefaultDeviceInput()
		in.Name, in.Kind, in.UnitID, in.MgmtIP, in.SNMPProfileID = fmt.Sprint("b", i), "server", unit.ID, t.MgmtIP, &prof.ID
		if _, err := db.Store.CreateDevice(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	c := collector.New(db.Store, collector.Config{Workers: workers, Interval: time.Minute, Logger: quietLog,
		Now: func() time.Time { return time.Unix(0, now.Load()) }})
	return func() {
		now.Add(int64(time.Minute))
		sum, err := c.RunDue(ctx, nil)
		if err != nil || sum.OK != len(ts) {
			b.Fatalf("round: %+v, %v", sum, err)
		}
	}
}

// BenchmarkRound compares the whole round (claim with leases, poll, store:
// fleetRound) with the bare poller (pollAll: the same polls, nothing
// stored) at the same number of workers, on each database. Each op is one
// round over 1,000 simulated devices, all due, and one bare poll of them
// (alternately first), so both see the same load; round-%-of-bare is the
// ratio of their rates.
func BenchmarkRound(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		for _, workers := range []int{10, 50} {
			b.Run(fmt.Sprintf("%s/%d-workers", dialect, workers), func(b *testing.B) {
				ts, _ := childSim(b, 1000, 0)
				round := fleetRound(b, dialect, ts, workers)
				round() // warm
				pollAll(b, ts, workers)
				var inRound, bare time.Duration
				timed := func(f func()) time.Duration {
					start := time.Now()
					f()
					return time.Since(start)
				}
				b.ResetTimer()
				for i := range b.N {
					// Alternately first, so that neither always pays the
					// other's garbage or the database's background work.
					if i%2 == 0 {
						inRound += timed(round)
						bare += timed(func() { pollAll(b, ts, workers) })
					} else {
						bare += timed(func() { pollAll(b, ts, workers) })
						inRound += timed(round)
					}
				}
				b.StopTimer()
				polled := float64(1000 * b.N)
				b.ReportMetric(polled/inRound.Seconds(), "round-devices/s")
				b.ReportMetric(polled/bare.Seconds(), "bare-devices/s")
				b.ReportMetric(100*bare.Seconds()/inRound.Seconds(), "round-%-of-bare")
			})
		}
	}
}
