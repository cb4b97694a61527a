package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

const drillInterval = 10 * time.Second

// TestScaleOutDrill: two serve and three collect processes on one
// PostgreSQL; one collector is killed with SIGKILL in the middle of a round.
// Every device is polled once a round while all three live, the dead one's
// devices are polled by the others once its leases end (not before), no
// observation is duplicated or lost, and both web processes serve the same
// data throughout.
func TestScaleOutDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("the scale-out drill runs processes for about two minutes")
	}
	n := envInt(t, "HOSTROLL_DRILL_DEVICES", 1000)
	db := dbtest.Postgres(t)
	bin := buildHostroll(t)
	drillFleet(t, db.Store, n, 5*time.Millisecond)
	token := drillToken(t, db.Store)

	var webs []*proc
	var addrs []string
	for i := range 2 {
		p := start(t, bin, fmt.Sprint("serve", i+1), "serve", "--db", db.URL, "--addr", "127.0.0.1:0",
			"--poll-schedule", "off", "--check-schedule", "off")
		webs, addrs = append(webs, p), append(addrs, p.waitLog(t, servingLog))
	}
	cmp := compareWebs(addrs, token)

	t0 := time.Now()
	var cols []*proc
	for i := range 3 {
		cols = append(cols, start(t, bin, fmt.Sprint("collect", i+1), "collect", "--db", db.URL,
			"--poll-schedule", fmt.Sprintf("@every %s", drillInterval), "--poll-lease", "30s", "--device-timeout", "5s",
			"--workers", "8"))
	}
	// Two whole rounds with all three, then SIGKILL to the third while it
	// holds leases: in the middle of one of its rounds.
	polledAtLeast(t, db.Store, n, 2, t0, slices.Concat(cols, webs)...)
	victim := cols[2]
	holder := fmt.Sprintf("%%:%d:%%", victim.cmd.Process.Pid)
	for held := 0; held == 0; {
		if err := db.Store.DB().Get(&held, `SELECT COUNT(*) FROM device_poll_state WHERE lease_holder LIKE $1`, holder); err != nil {
			t.Fatal(err)
		}
		if held > 0 {
			if err := victim.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	killedAt := time.Now()
	<-victim.done
	var stuck []struct {
		ID    int64     `db:"device_id"`
		Until time.Time `db:"lease_until"`
	}
	if err := db.Store.DB().Select(&stuck, `SELECT device_id, lease_until FROM device_poll_state WHERE lease_holder LIKE $1`, holder); err != nil {
		t.Fatal(err)
	}
	if len(stuck) == 0 {
		t.Fatal("the killed collector held no lease: it finished its round between the check and the kill; run again")
	}
	leaseEnd := killedAt
	for _, s := range stuck {
		if s.Until.After(leaseEnd) {
			leaseEnd = s.Until
		}
	}
	t.Logf("killed collect3 holding %d leases; they end %s after the kill", len(stuck), leaseEnd.Sub(killedAt).Round(time.Millisecond))
	// The survivors take over the dead one's devices once the leases end,
	// and keep polling everything.
	polledAtLeast(t, db.Store, n, 1, leaseEnd, slices.Concat(cols[:2], webs)...)
	for _, p := range cols[:2] {
		p.stop()
	}
	stable, errs := cmp()
	for _, e := range errs {
		t.Error(e)
	}
	if stable < 3 {
		t.Errorf("only %d comparisons of the two web processes saw data at rest; want at least 3", stable)
	}
	t.Logf("the two web processes agreed in %d comparisons at rest", stable)

	checkDrill(t, db.Store, n, cols, killedAt, stuck)
}

// checkDrill checks the observations the drill left.
func checkDrill(t *testing.T, s *inventory.Store, n int, cols []*proc, killedAt time.Time, stuck []struct {
	ID    int64     `db:"device_id"`
	Until time.Time `db:"lease_until"`
}) {
	t.Helper()
	obs := observations(t, s)
	if len(obs) != n {
		t.Errorf("%d devices have observations, want %d", len(obs), n)
	}
	byPid := map[int]int{} // observations per collector process, before the kill
	pidOf := func(name string) int {
		parts := strings.Split(name, ":")
		if len(parts) < 3 {
			return 0
		}
		pid, _ := strconv.Atoi(parts[len(parts)-2])
		return pid
	}
	victim := cols[2].cmd.Process.Pid
	for id, list := range obs {
		for i, o := range list {
			if !o.Reachable {
				t.Errorf("device %d unreachable at %s", id, o.At)
			}
			pid := pidOf(o.Collector)
			if o.At.Before(killedAt) {
				byPid[pid]++
			} else if pid == victim {
				t.Errorf("device %d: an observation of the killed collector after the kill (%s)", id, o.At)
			}
			if i == 0 {
				continue
			}
			gap := o.At.Sub(list[i-1].At)
			if gap < drillInterval*9/10-time.Millisecond {
				t.Errorf("device %d polled twice in one round: %s by %s, then %s later by %s", id, list[i-1].At, list[i-1].Collector, gap, o.Collector)
			}
			if o.At.Before(killedAt) && gap > 2*drillInterval+5*time.Second {
				t.Errorf("device %d skipped a round while all three collectors lived: %s between polls", id, gap)
			}
		}
	}
	for _, p := range cols {
		if byPid[p.cmd.Process.Pid] == 0 {
			t.Errorf("%s polled nothing while all three lived (%v)", p.name, byPid)
		}
	}
	t.Logf("observations before the kill by collector pid: %v", byPid)
	for _, st := range stuck {
		list := obs[st.ID]
		i := slices.IndexFunc(list, func(o drillObs) bool { return o.At.After(killedAt) })
		switch {
		case i < 0:
			t.Errorf("device %d, leased by the killed collector, was never polled again", st.ID)
		case list[i].At.Before(st.Until):
			t.Errorf("device %d polled at %s by %s, before the dead collector's lease ended (%s)", st.ID, list[i].At, list[i].Collector, st.Until)
		}
	}
	var state []struct {
		ID   int64     `db:"device_id"`
		Last time.Time `db:"last_polled_at"`
	}
	if err := s.DB().Select(&state, `SELECT device_id, last_polled_at FROM device_poll_state`); err != nil {
		t.Fatal(err)
	}
	for _, st := range state {
		list := obs[st.ID]
		if len(list) == 0 || !list[len(list)-1].At.Equal(st.Last) {
			t.Errorf("device %d: last_polled_at %s is not its newest observation (%d observations)", st.ID, st.Last, len(list))
		}
	}
}

// compareWebs reads the device list from both web processes, A, B, A again,
// until the returned function is called; when A's two answers agree the
// data was at rest and B must have answered the same. It returns how many
// comparisons were at rest and every disagreement or failure.
func compareWebs(addrs []string, token string) func() (int, []string) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var stable int
	var errs []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		const path = "/api/v1/devices?limit=1000"
		for {
			select {
			case <-stop:
				return
			case <-time.After(300 * time.Millisecond):
			}
			var bodies [3][]byte
			for i, addr := range []string{addrs[0], addrs[1], addrs[0]} {
				code, body, err := get(addr, token, path)
				if err != nil || code != 200 {
					mu.Lock()
					errs = append(errs, fmt.Sprintf("GET %s%s: %d %v %.200s", addr, path, code, err, body))
					mu.Unlock()
				}
				bodies[i] = body
			}
			if bytes.Equal(bodies[0], bodies[2]) {
				mu.Lock()
				stable++
				if !bytes.Equal(bodies[0], bodies[1]) {
					errs = append(errs, "the two web processes answered different device lists for the same data")
				}
				mu.Unlock()
			}
		}
	}()
	return func() (int, []string) {
		close(stop)
		wg.Wait()
		return stable, errs
	}
}

// TestScaleOutRate measures the aggregate rate of one and of three collect
// processes over the same fleet (HOSTROLL_DRILL_BENCH=1; BENCHMARKS.md).
func TestScaleOutRate(t *testing.T) {
	if os.Getenv("HOSTROLL_DRILL_BENCH") == "" {
		t.Skip("set HOSTROLL_DRILL_BENCH=1 to measure one collector against three")
	}
	n := envInt(t, "HOSTROLL_DRILL_DEVICES", 1000)
	reps := envInt(t, "HOSTROLL_DRILL_REPS", 5)
	workers := envInt(t, "HOSTROLL_DRILL_WORKERS", 16)
	db := dbtest.Postgres(t)
	bin := buildHostroll(t)
	drillFleet(t, db.Store, n, 20*time.Millisecond)
	rates := map[int][]float64{}
	for r := range reps {
		for _, k := range []int{1, 3} {
			if _, err := db.Store.DB().Exec(`DELETE FROM observations; UPDATE device_poll_state SET last_polled_at = NULL,
				lease_holder = NULL, lease_until = NULL`); err != nil {
				t.Fatal(err)
			}
			since := time.Now()
			var cols []*proc
			for i := range k {
				cols = append(cols, start(t, bin, fmt.Sprint("collect", i+1), "collect", "--db", db.URL,
					"--poll-schedule", "@every 2s", "--workers", strconv.Itoa(workers)))
			}
			polledAtLeast(t, db.Store, n, 1, since, cols...)
			for _, p := range cols {
				p.stop()
			}
			var first, last time.Time
			if err := db.Store.DB().QueryRow(`SELECT MIN(at), MAX(at) FROM observations`).Scan(&first, &last); err != nil {
				t.Fatal(err)
			}
			rate := float64(n) / last.Sub(first).Seconds()
			rates[k] = append(rates[k], rate)
			t.Logf("rep %d, %d collector(s) × %d workers: %d devices in %s: %.0f devices/s", r+1, k, workers, n,
				last.Sub(first).Round(time.Millisecond), rate)
		}
	}
	for _, k := range []int{1, 3} {
		v := slices.Clone(rates[k])
		slices.Sort(v)
		t.Logf("%d collector(s): median %.0f devices/s (min %.0f, max %.0f, %d runs)", k, v[len(v)/2], v[0], v[len(v)-1], len(v))
	}
	r1, r3 := slices.Clone(rates[1]), slices.Clone(rates[3])
	slices.Sort(r1)
	slices.Sort(r3)
	t.Logf("three against one: %.2f× (medians)", r3[len(r3)/2]/r1[len(r1)/2])
}
