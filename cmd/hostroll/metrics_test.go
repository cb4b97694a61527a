package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var metricsAddrLog = regexp.MustCompile(`msg="serving metrics" addr=(\S+)`)

// collect --metrics-addr serves the collector's metrics to the allowed
// addresses, and they move as it polls; serve refuses the flag (it has
// GET /metrics) and a bad HOSTROLL_METRICS_ALLOW exits 2.
func TestCollectMetricsListener(t *testing.T) {
	url, _, _ := simulated(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb syncBuffer
	go func() {
		var out syncBuffer
		done <- run(ctx, []string{"collect", "--db", url, "--poll-schedule", "@every 1s", "--metrics-addr", "127.0.0.1:0"}, &out, &errb)
	}()
	var addr string
	scrape := func() string {
		t.Helper()
		res, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("scrape: %d %s", res.StatusCode, body)
		}
		return string(body)
	}
	// Both devices polled and counted as ok (a round a second: 2, 4, …).
	polled := regexp.MustCompile(`hostroll_poll_duration_seconds_count\{result="ok"\} ([2-9]|\d\d+)\n`)
	for text := ""; !polled.MatchString(text); {
		select {
		case code := <-done:
			t.Fatalf("collect exited with %d: %s", code, errb.String())
		case <-time.After(100 * time.Millisecond):
		}
		if addr == "" {
			if m := metricsAddrLog.FindStringSubmatch(errb.String()); m != nil {
				addr = m[1]
			}
			continue
		}
		text = scrape()
	}
	text := scrape()
	for _, name := range []string{"hostroll_build_info{", "go_sql_open_connections{", "process_cpu_seconds_total",
		"hostroll_snmp_packets_sent_total", "hostroll_poll_last_complete_cycle_timestamp_seconds", "hostroll_poll_workers 64"} {
		if !strings.Contains(text, name) {
			t.Errorf("collect's metrics lack %s", name)
		}
	}
	if strings.Contains(text, "hostroll_http_requests_total") {
		t.Error("collect has no HTTP API, yet reports HTTP metrics")
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("collect exited with %d: %s", code, errb.String())
	}
}

func TestMetricsFlagsAndAllow(t *testing.T) {
	url, _, _ := simulated(t, 1)
	if code, _, errs := runCLI(t, "serve", "--db", url, "--metrics-addr", "127.0.0.1:0"); code != 2 ||
		!strings.Contains(errs, "serve answers GET /metrics on --addr") {
		t.Errorf("serve --metrics-addr: exit %d, %s", code, errs)
	}
	t.Setenv("HOSTROLL_METRICS_ALLOW", "10.0.0.0/33")
	if code, _, errs := runCLI(t, "collect", "--db", url, "--metrics-addr", "127.0.0.1:0"); code != 2 ||
		!strings.Contains(errs, "HOSTROLL_METRICS_ALLOW") {
		t.Errorf("bad HOSTROLL_METRICS_ALLOW: exit %d, %s", code, errs)
	}
	t.Setenv("HOSTROLL_METRICS_ALLOW", "none")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var errb syncBuffer
	go func() {
		var out syncBuffer
		done <- run(ctx, []string{"collect", "--db", url, "--metrics-addr", "127.0.0.1:0"}, &out, &errb)
	}()
	for metricsAddrLog.FindStringSubmatch(errb.String()) == nil {
		select {
		case code := <-done:
			t.Fatalf("collect exited with %d: %s", code, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	res, err := http.Get("http://" + metricsAddrLog.FindStringSubmatch(errb.String())[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("HOSTROLL_METRICS_ALLOW=none: loopback got %d, want 403", res.StatusCode)
	}
	cancel()
	<-done
}
