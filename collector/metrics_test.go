package collector_test

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"hostroll/collector"
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
		if sent < 3*2+2 || recv != sent-2 {
			t.Errorf("packets sent %v, received %v: want at least 8 sent and all but the silent device's 2 answered", sent, recv)
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
