package collector_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/client_golang/prometheus"

	"hostroll/collector"
	"hostroll/collector/snmpsim"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// metric sums the samples of name whose labels include every name=value of
// labels; found is false when there is none.
func metric(t *testing.T, reg *prometheus.Registry, name string, labels ...string) (sum float64, found bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	samples:
		for _, m := range mf.GetMetric() {
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				ok := false
				for _, lp := range m.GetLabel() {
					ok = ok || (lp.GetName() == k && lp.GetValue() == v)
				}
				if !ok {
					continue samples
				}
			}
			found = true
			switch {
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			case m.Histogram != nil:
				sum += float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return sum, found
}

// A round's metrics: polls by result, packets, retries and timeouts through
// gosnmp's hooks, the round, the workers and the leases.
func TestCollectorMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		devs := simDevices(4)
		devs[3].Faults.DropRate = 1 // silent: times out on every try
		_, ids := register(t, db.Store, devs)
		ctx := context.Background()
		d, err := db.Store.Device(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Store.UpdateSNMPProfile(inventory.WithActor(ctx, "test"), *d.SNMPProfileID, func(in *inventory.SNMPProfileInput) error {
			in.Retries = 1
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		reg := prometheus.NewRegistry()
		clk := newClock()
		cfg := clk.config("metrics")
		cfg.Metrics = collector.NewMetrics(reg)
		col := collector.New(db.Store, cfg)
		get := func(name string, labels ...string) float64 {
			t.Helper()
			v, ok := metric(t, reg, name, labels...)
			if !ok {
				t.Errorf("no metric %s%v", name, labels)
			}
			return v
		}
		if get("hostroll_poll_duration_seconds", "result=auth") != 0 || get("hostroll_poll_last_complete_cycle_timestamp_seconds") != 0 {
			t.Error("metrics are not zero before any round")
		}
		sum, err := col.RunDue(ctx, nil)
		if err != nil || sum.OK != 3 || sum.Failed != 1 {
			t.Fatalf("round: %+v, %v", sum, err)
		}
		want := map[string]float64{
			"hostroll_poll_duration_seconds|result=ok":      3,
			"hostroll_poll_duration_seconds|result=timeout": 1,
			"hostroll_poll_duration_seconds|result=error":   0,
			"hostroll_snmp_retries_total":                   1, // the silent device's one retry
			"hostroll_snmp_timeouts_total":                  2, // both of its tries
			"hostroll_polls_in_flight":                      0,
			"hostroll_devices_due":                          4,
			"hostroll_poll_workers":                         16,
			"hostroll_poll_leases_held":                     0,
			"hostroll_poll_cycle_duration_seconds":          1,
		}
		for k, w := range want {
			name, label, _ := strings.Cut(k, "|")
			var labels []string
			if label != "" {
				labels = []string{label}
			}
			if got := get(name, labels...); got != w {
				t.Errorf("%s = %v, want %v", k, got, w)
			}
		}
		sent, recv := get("hostroll_snmp_packets_sent_total"), get("hostroll_snmp_packets_received_total")
		if sent < 3+2 || recv != sent-2 {
			t.Errorf("packets sent %v, received %v: want at least 5 sent and all but the silent device's 2 answered", sent, recv)
		}
		if get("hostroll_poll_worker_busy_seconds_total") <= 0 || get("hostroll_poll_last_complete_cycle_timestamp_seconds") <= 0 {
			t.Error("busy seconds or the last cycle's time did not move")
		}

		// Nothing is due in the next round; it is counted too.
		if _, err := col.RunDue(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if get("hostroll_devices_due") != 0 || get("hostroll_poll_cycle_duration_seconds") != 2 {
			t.Errorf("second round: due %v, cycles %v", get("hostroll_devices_due"), get("hostroll_poll_cycle_duration_seconds"))
		}
		if got := get("hostroll_snmp_packets_sent_total"); got != sent {
			t.Errorf("a round with nothing due sent %v packets", got-sent)
		}
	})
}

// Each way a poll ends is counted under its result, as explain words it.
func TestPollResultMetrics(t *testing.T) {
	closed := freeUDPPort(t) // nothing listens there
	tests := []struct {
		name    string
		faults  snmpsim.Faults
		profile func() inventory.SNMPProfile
		port    int
		want    string
	}{
		{"answers", snmpsim.Faults{}, v2c, 0, collector.ResultOK},
		{"silent", snmpsim.Faults{DropRate: 1}, v2c, 0, collector.ResultTimeout},
		{"wrong community", snmpsim.Faults{}, func() inventory.SNMPProfile { p := v2c(); p.Community = "nope"; return p }, 0, collector.ResultTimeout},
		{"wrong v3 auth passphrase", snmpsim.Faults{}, func() inventory.SNMPProfile { p := v3(); p.AuthPassphrase = "wrong-pass-1"; return p }, 0, collector.ResultAuth},
		{"wrong v3 priv passphrase", snmpsim.Faults{}, func() inventory.SNMPProfile { p := v3(); p.PrivPassphrase = "wrong-pass-2"; return p }, 0, collector.ResultAuth},
		{"error status", snmpsim.Faults{ErrorStatus: gosnmp.GenErr, ErrorPrefix: ".1.3.6.1.2.1.25.2.3"}, v2c, 0, collector.ResultError},
		{"no agent on the port", snmpsim.Faults{}, v2c, closed, collector.ResultError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := simDevice(0)
			d.Faults = tt.faults
			sim := startSim(t, d)
			tg := target(sim, 0, tt.profile())
			if tt.port != 0 {
				tg.Profile.Port = tt.port
			}
			reg := prometheus.NewRegistry()
			o := collector.Poll(context.Background(), tg, collector.Options{Metrics: collector.NewMetrics(reg)})
			for _, r := range []string{collector.ResultOK, collector.ResultTimeout, collector.ResultAuth, collector.ResultError} {
				want := 0.0
				if r == tt.want {
					want = 1
				}
				if got, _ := metric(t, reg, "hostroll_poll_duration_seconds", "result="+r); got != want {
					t.Errorf("result %s counted %v, want %v (error %q)", r, got, want, o.Error)
				}
			}
			if got, _ := metric(t, reg, "hostroll_polls_in_flight"); got != 0 {
				t.Errorf("%v polls in flight after the poll", got)
			}
		})
	}
}
