package web_test

import (
	"bufio"
	"bytes"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/web"
)

// scrape reads GET /metrics as the client and returns each sample, keyed
// "name{labels}" as the text format writes it.
func (c *client) scrape(t *testing.T) (map[string]float64, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	c.authorize(req)
	r := c.sendUnchecked(t, req)
	if r.status != 200 {
		t.Fatalf("GET /metrics: %d %s", r.status, r.raw)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(r.raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out, string(r.raw)
}

// has fails unless a sample of name (with labels containing each of
// labels) exists; it returns the sum of those samples.
func has(t *testing.T, m map[string]float64, name string, labels ...string) float64 {
	t.Helper()
	sum, found := 0.0, false
	for k, v := range m {
		n, l, _ := strings.Cut(k, "{")
		if n != name {
			continue
		}
		ok := true
		for _, want := range labels {
			ok = ok && strings.Contains(l, want)
		}
		if ok {
			sum, found = sum+v, true
		}
	}
	if !found {
		t.Errorf("no sample %s%v", name, labels)
	}
	return sum
}

// GET /metrics serves the process's metrics to admins and allowed addresses
// only, and the metrics named in the issue are there and move.
func TestMetrics(t *testing.T) {
	sim, err := snmpsim.Start(snmpsim.Config{Community: "ro-metrics"}, []*snmpsim.Device{{SysName: "m1",
		Serial: "SIM-M-1", Model: "M", Manufacturer: "Huawei", CPUs: 4, Interfaces: 2}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		cfg := testConfig(db.Store)
		reg := web.NewRegistry("v-test", db.Store.DB().DB)
		cfg.Metrics = web.NewMetrics(reg, db.Store)
		cfg.Poller = collector.New(db.Store, collector.Config{Name: "metrics", Logger: cfg.Logger,
			Metrics: collector.NewMetrics(reg)})
		c := newClient(t, cfg, db.Name)

		// Who may scrape: admins; the test app's requests come from 0.0.0.0,
		// which is not loopback.
		wantErr(t, c.anonymous().sendUnchecked(t, httptest.NewRequest("GET", "/metrics", nil)), 401, "unauthorized", "")
		for _, role := range []string{inventory.RoleAuditor, inventory.RoleOperator} {
			req := httptest.NewRequest("GET", "/metrics", nil)
			c.as(t, role).authorize(req)
			d := wantErr(t, c.sendUnchecked(t, req), 403, "forbidden", "action")
			if fieldMsg(d, "action") != "metrics.read" {
				t.Errorf("%s: 403 names %v", role, d)
			}
		}
		before, _ := c.scrape(t)
		for _, n := range []string{"go_goroutines", "process_cpu_seconds_total", "go_build_info",
			"go_sql_open_connections", "go_sql_wait_count_total", "hostroll_check_last_success_timestamp_seconds"} {
			has(t, before, n)
		}
		has(t, before, "hostroll_build_info", `version="v-test"`)
		has(t, before, "hostroll_poll_duration_seconds_count", `result="timeout"`)

		// HTTP: by route template, never the raw path.
		unit := c.unit(t, "MET")
		c.do(t, "GET", p("/api/v1/units/%d", unit), nil).want(t, 200)
		c.do(t, "GET", "/api/v1/units/987654", nil)
		c.anonymous().sendUnchecked(t, httptest.NewRequest("GET", "/no/such/page-123456", nil))
		c.anonymous().sendUnchecked(t, httptest.NewRequest("GET", "/", nil))
		// Checks and findings.
		seedPolicy(t, c)
		c.do(t, "POST", "/api/v1/checks/run", nil).want(t, fiber.StatusCreated)
		f := c.list
		items, _ := f(t, "/api/v1/findings?rule=private-line")
		exp := time.Now().AddDate(0, 0, 5).Format(time.DateOnly)
		c.do(t, "POST", p("/api/v1/findings/%d/exemption", idOf(t, items[0])),
			obj{"reason": "reviewed by the office", "basis": "other", "expires_on": exp}).want(t, 200)
		// A poll.
		prof := c.create(t, "/api/v1/snmp-profiles", obj{"name": "sim", "version": "2c", "community": "ro-metrics",
			"port": sim.Port(0), "timeout_ms": 500, "retries": 0})
		dev := c.device(t, unit, "m1", obj{"mgmt_ip": "127.0.0.1", "snmp_profile_id": idOf(t, prof)})
		c.do(t, "POST", p("/api/v1/devices/%d/poll", idOf(t, dev)), nil).want(t, 200)

		after, text := c.scrape(t)
		if strings.Contains(text, "987654") || strings.Contains(text, p("units/%d", unit)) {
			t.Error("a raw path (an id) is in the metrics")
		}
		if n := has(t, after, "hostroll_http_requests_total", `route="/api/v1/units/:id"`, `method="GET"`, `status="404"`); n != 1 {
			t.Errorf("404s on /api/v1/units/:id: %v, want 1", n)
		}
		has(t, after, "hostroll_http_requests_total", `route="/api/v1/units/:id"`, `status="200"`)
		if has(t, after, "hostroll_http_requests_total", `route="/"`, `method="GET"`) != 1 {
			t.Error("GET / is not counted under its route")
		}
		if has(t, after, "hostroll_http_requests_total", `route="unrouted"`, `status="404"`) < 1 || strings.Contains(text, "123456") {
			t.Error("a request no route took is not counted as unrouted, or its path is in the metrics")
		}
		has(t, after, "hostroll_http_requests_total", `route="/metrics"`, `status="403"`)
		has(t, after, "hostroll_http_request_duration_seconds_count", `route="/api/v1/checks/run"`, `method="POST"`, `status="201"`)
		if has(t, after, "hostroll_check_last_success_timestamp_seconds") <= has(t, before, "hostroll_check_last_success_timestamp_seconds") {
			t.Error("the last check's time did not move")
		}
		has(t, after, "hostroll_check_last_run_duration_seconds")
		if n := has(t, after, "hostroll_findings_open", `rule="private-room"`, `severity="`); n != 1 {
			t.Errorf("open private-room findings %v, want 1", n)
		}
		if strings.Contains(text, `hostroll_findings_open{rule="private-line"`) {
			t.Error("the exempted private-line finding still counts as open")
		}
		if has(t, after, "hostroll_exemptions_expiring", `within_days="7"`) != 1 || has(t, after, "hostroll_exemptions_expiring", `within_days="30"`) != 1 {
			t.Error("the exemption ending in 5 days is not counted as expiring")
		}
		if has(t, after, "hostroll_poll_duration_seconds_count", `result="ok"`) != 1 {
			t.Error("the poll is not counted as ok")
		}
		if sent := has(t, after, "hostroll_snmp_packets_sent_total"); sent < 1 || has(t, after, "hostroll_snmp_packets_received_total") != sent {
			t.Errorf("packets sent %v, received %v", sent, after["hostroll_snmp_packets_received_total"])
		}
		if has(t, after, "go_sql_open_connections") < 1 && has(t, after, "go_sql_idle_connections") < 1 {
			t.Error("the pool shows no connection")
		}

		// An allowed address needs no credentials; HOSTROLL_METRICS_ALLOW parses.
		open := cfg
		open.MetricsAllow, err = web.ParseMetricsAllow("10.0.0.0/8, 0.0.0.0")
		if err != nil {
			t.Fatal(err)
		}
		oc := c.anonymous()
		oc.app, oc.cfg = web.New(open), open
		if _, text := oc.scrape(t); !strings.Contains(text, "hostroll_http_requests_total") {
			t.Error("an allowed address got no metrics")
		}
	})
}

func TestParseMetricsAllow(t *testing.T) {
	tests := []struct {
		in      string
		allowed []string
		refused []string
		bad     bool
	}{
		{"", []string{"127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"}, []string{"10.0.0.1", "0.0.0.0"}, false},
		{"none", nil, []string{"127.0.0.1", "::1"}, false},
		{"10.1.0.0/16,192.168.1.7", []string{"10.1.200.3", "192.168.1.7"}, []string{"10.2.0.1", "192.168.1.8", "127.0.0.1"}, false},
		{"10.1.2.3/16", []string{"10.1.0.1"}, nil, false}, // host bits are masked
		{"loopback", nil, nil, true},
		{"10.0.0.0/40", nil, nil, true},
	}
	for _, tt := range tests {
		allow, err := web.ParseMetricsAllow(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("%q: err %v", tt.in, err)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), "HOSTROLL_METRICS_ALLOW") {
			t.Errorf("%q: error %q does not name the variable", tt.in, err)
		}
		for _, a := range tt.allowed {
			if !web.AllowedAddr(allow, a) {
				t.Errorf("%q: %s refused", tt.in, a)
			}
		}
		for _, a := range tt.refused {
			if web.AllowedAddr(allow, a) {
				t.Errorf("%q: %s allowed", tt.in, a)
			}
		}
	}
	if web.AllowedAddr(web.DefaultMetricsAllow, "not-an-ip") {
		t.Error("a malformed address is allowed")
	}
}
