package collector

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/client_golang/prometheus"
)

// Poll results, the label of the poll duration histogram.
const (
	ResultOK      = "ok"      // the device answered everything asked
	ResultTimeout = "timeout" // no answer within the profile's timeout × tries
	ResultAuth    = "auth"    // SNMPv3 authentication or privacy failed
	ResultError   = "error"   // anything else: an error status, a bad answer, no agent
)

// Metrics are the collector's Prometheus metrics. A nil *Metrics records
// nothing, so a collector without metrics (tests, poll) needs no checks.
// No label names a device: a fleet of thousands stays a few series.
type Metrics struct {
	pollDuration *prometheus.HistogramVec
	sent         prometheus.Counter
	received     prometheus.Counter
	retries      prometheus.Counter
	timeouts     prometheus.Counter
	inFlight     prometheus.Gauge
	due          prometheus.Gauge
	cycle        prometheus.Histogram
	lastCycle    prometheus.Gauge
	busyS        prometheus.Counter
	workers      prometheus.Gauge
	leases       prometheus.Gauge
}

// NewMetrics registers the collector's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{
		pollDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hostroll_poll_duration_seconds",
			Help:    "Time to poll one device over SNMP, by result (ok, timeout, auth, error).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"result"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "hostroll_snmp_packets_sent_total",
			Help: "SNMP request packets sent, retries included."}),
		received: prometheus.NewCounter(prometheus.CounterOpts{Name: "hostroll_snmp_packets_received_total",
			Help: "SNMP response packets received."}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{Name: "hostroll_snmp_retries_total",
			Help: "SNMP requests sent again after an attempt got no valid answer in time."}),
		timeouts: prometheus.NewCounter(prometheus.CounterOpts{Name: "hostroll_snmp_timeouts_total",
			Help: "SNMP request attempts that got no valid answer within the profile's timeout."}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hostroll_polls_in_flight",
			Help: "Devices being polled right now."}),
		due: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hostroll_devices_due",
			Help: "Devices due and not leased, counted at the start of the latest round (all collectors' work)."}),
		cycle: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "hostroll_poll_cycle_duration_seconds",
			Help:    "Duration of this collector's poll rounds.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600}}),
		lastCycle: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hostroll_poll_last_complete_cycle_timestamp_seconds",
			Help: "When this collector's latest round that ran to its end (no due device left) finished, Unix time."}),
		busyS: prometheus.NewCounter(prometheus.CounterOpts{Name: "hostroll_poll_worker_busy_seconds_total",
			Help: "Seconds the poll workers spent on devices (lease check and poll; writes are batched apart); divide its rate by hostroll_poll_workers for utilisation."}),
		workers: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hostroll_poll_workers",
			Help: "Poll workers of this collector."}),
		leases: prometheus.NewGauge(prometheus.GaugeOpts{Name: "hostroll_poll_leases_held",
			Help: "Devices this collector has claimed and not yet stored a result for."}),
	}
	for _, c := range []prometheus.Collector{m.pollDuration, m.sent, m.received, m.retries, m.timeouts,
		m.inFlight, m.due, m.cycle, m.lastCycle, m.busyS, m.workers, m.leases} {
		f(c)
	}
	for _, r := range []string{ResultOK, ResultTimeout, ResultAuth, ResultError} {
		m.pollDuration.WithLabelValues(r) // every result shows, at 0, from the start
	}
	return m
}

// pollStarted counts a poll in flight; done records its duration and result.
func (m *Metrics) pollStarted() (done func(result string, d time.Duration)) {
	if m == nil {
		return func(string, time.Duration) {}
	}
	m.inFlight.Inc()
	return func(result string, d time.Duration) {
		m.inFlight.Dec()
		m.pollDuration.WithLabelValues(result).Observe(d.Seconds())
	}
}

// hook counts the packets of one session through gosnmp's hooks. A session
// serves one goroutine, so its state needs no lock; request marks the start
// of each request (see countingClient).
func (m *Metrics) hook(g *gosnmp.GoSNMP) Client {
	if m == nil {
		return g
	}
	cc := &countingClient{Client: g}
	g.OnSent = func(*gosnmp.GoSNMP) {
		m.sent.Inc()
		if cc.failed {
			m.retries.Inc() // a send after a failed attempt is a retry
			cc.failed = false
		}
	}
	g.OnRecv = func(*gosnmp.GoSNMP) { m.received.Inc() }
	g.OnRetry = func(*gosnmp.GoSNMP) {
		// gosnmp calls it after every attempt that got no valid answer,
		// the last one (which it gives up on) included.
		m.timeouts.Inc()
		cc.failed = true
	}
	return cc
}

// countingClient clears a given-up request's state before the next request,
// so that its first packet is not counted as a retry.
type countingClient struct {
	Client
	failed bool
}

func (c *countingClient) Get(oids []string) (*gosnmp.SnmpPacket, error) {
	c.failed = false
	return c.Client.Get(oids)
}

func (c *countingClient) GetBulk(oids []string, nonRepeaters uint8, maxRepetitions uint32) (*gosnmp.SnmpPacket, error) {
	c.failed = false
	return c.Client.GetBulk(oids, nonRepeaters, maxRepetitions)
}

// classify names a poll's result for the histogram from its error (nil when
// the device answered everything) the way explain words it.
func classify(err error, reachable, discovered bool) string {
	switch {
	case err == nil:
		return ResultOK
	case errors.Is(err, gosnmp.ErrWrongDigest), errors.Is(err, gosnmp.ErrUnknownUsername),
		errors.Is(err, gosnmp.ErrDecryption), errors.Is(err, gosnmp.ErrUnknownSecurityLevel),
		strings.Contains(err.Error(), "not authentic"), strings.Contains(err.Error(), "decrypt"),
		!reachable && discovered && isTimeout(err):
		return ResultAuth
	case isTimeout(err):
		return ResultTimeout
	}
	return ResultError
}

// round instruments one RunDue: the worker count, the round's duration and
// the time of the last round that ran to its end.
func (m *Metrics) roundStarted(workers int) (done func(d time.Duration, complete bool)) {
	if m == nil {
		return func(time.Duration, bool) {}
	}
	m.workers.Set(float64(workers))
	return func(d time.Duration, complete bool) {
		m.cycle.Observe(d.Seconds())
		if complete {
			m.lastCycle.SetToCurrentTime()
		}
	}
}

func (m *Metrics) setDue(n int) {
	if m != nil {
		m.due.Set(float64(n))
	}
}

// claimed counts n new leases, leaseDone the end of one: its result was
// written or dropped, or its device skipped.
func (m *Metrics) claimed(n int) {
	if m != nil {
		m.leases.Add(float64(n))
	}
}

func (m *Metrics) leaseDone() {
	if m != nil {
		m.leases.Dec()
	}
}

// busy adds a worker's time on one device (its lease check and poll).
func (m *Metrics) busy(d time.Duration) {
	if m != nil {
		m.busyS.Add(d.Seconds())
	}
}

func (m *Metrics) released() {
	if m != nil {
		m.leases.Set(0)
	}
}

// countDue sets the devices-due gauge at the start of a round (a failed
// count is logged and leaves it as it was) and returns the round's end hook.
func (c *Collector) countDue(ctx context.Context, start time.Time) (done func(d time.Duration, complete bool)) {
	if c.cfg.Metrics == nil {
		return func(time.Duration, bool) {}
	}
	n, err := c.store.CountDue(ctx, start, start.Add(-c.cfg.Interval*9/10))
	if err != nil {
		c.cfg.Logger.Warn("count due devices for the metrics", "err", err)
	} else {
		c.cfg.Metrics.setDue(n)
	}
	return c.cfg.Metrics.roundStarted(c.cfg.Workers)
}
