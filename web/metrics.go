package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hostroll/inventory"
)

// Metrics are the serve process's Prometheus metrics: its HTTP requests and
// the figures of the policy checks, on a registry of its own (never the
// global default) that also holds what NewRegistry and the collector add.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewRegistry is a process's registry with the Go runtime, the process, the
// build and the database pool (sql.DBStats, when db is not nil) metrics.
func NewRegistry(version string, db *sql.DB) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	info := prometheus.NewGauge(prometheus.GaugeOpts{Name: "hostroll_build_info",
		Help:        "Always 1; the labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()}})
	info.Set(1)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(), info)
	if db != nil {
		reg.MustRegister(collectors.NewDBStatsCollector(db, "hostroll"))
	}
	return reg
}

// NewMetrics adds the HTTP metrics and the checks' figures read from s (when
// not nil) to reg.
func NewMetrics(reg *prometheus.Registry, s *inventory.Store) *Metrics {
	m := &Metrics{reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hostroll_http_requests_total",
			Help: "HTTP requests answered, by route template (never the raw path), method and status."},
			[]string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hostroll_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template, method and status.",
			Buckets: prometheus.DefBuckets}, []string{"route", "method", "status"}),
	}
	reg.MustRegister(m.requests, m.duration)
	if s != nil {
		reg.MustRegister(newChecksCollector(s))
	}
	return m
}

// Registry is where the process's metrics are registered.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// unrouted labels a request that no route took (404, 405) or that was
// refused before routing (bad credentials).
const unrouted = "unrouted"

// observe counts each request by the template of the route that answered
// it: c.Route().Path after the handlers ran, when that is one of the app's
// routes (known: "METHOD /path"), not a middleware's (fiber reports those
// too, under their prefix, "/" for the app's own).
func (m *Metrics) observe(known map[string]bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		m.count(c, err, known, time.Since(start))
		return err
	}
}

func (m *Metrics) count(c *fiber.Ctx, err error, known map[string]bool, took time.Duration) {
	status := c.Response().StatusCode()
	if err != nil {
		status, _ = statusOf(err)
	}
	route := unrouted
	if r := c.Route(); known[r.Method+" "+r.Path] && (r.Path != "/" || c.Path() == "/") {
		route = r.Path
	}
	// The constant, not c.Method(): fiber's strings point into the request's
	// buffer, which the next request reuses.
	method := "other"
	if i := slices.Index(fiber.DefaultMethods, c.Method()); i >= 0 {
		method = fiber.DefaultMethods[i]
	}
	labels := []string{route, method, strconv.Itoa(status)}
	m.requests.WithLabelValues(labels...).Inc()
	m.duration.WithLabelValues(labels...).Observe(took.Seconds())
}

// handler serves the registry in the Prometheus text format.
func (m *Metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError, Registry: m.reg}))
}

// DefaultMetricsAllow is who may scrape /metrics without credentials unless
// HOSTROLL_METRICS_ALLOW says otherwise: the loopback addresses.
var DefaultMetricsAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// ParseMetricsAllow reads HOSTROLL_METRICS_ALLOW: CIDRs or addresses
// separated by commas; "" is DefaultMetricsAllow and "none" no address
// (then only an admin's token or session may scrape).
func ParseMetricsAllow(s string) ([]netip.Prefix, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return DefaultMetricsAllow, nil
	case "none":
		return []netip.Prefix{}, nil
	}
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("HOSTROLL_METRICS_ALLOW: %q is neither a CIDR (10.0.0.0/8) nor an address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// AllowedAddr reports whether ip is in one of the prefixes.
func AllowedAddr(allow []netip.Prefix, ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	return slices.ContainsFunc(allow, func(p netip.Prefix) bool { return p.Contains(a) })
}

// canFrom is can(action) that also lets in, without credentials, requests
// from the allowed addresses: Prometheus scraping from where it is trusted.
// The route table still names action, the admins' way in.
func canFrom(action string, allow []netip.Prefix) fiber.Handler {
	check := can(action)
	return func(c *fiber.Ctx) error {
		if _, probing := c.Locals(probeKey).(*string); !probing && AllowedAddr(allow, c.IP()) {
			return c.Next()
		}
		return check(c)
	}
}

// checksCollector reads the checks' figures from the store at each scrape:
// right whichever process (serve, hostroll check, the API) ran the checks.
type checksCollector struct {
	s                                  *inventory.Store
	open, lastSuccess, lastRun, expire *prometheus.Desc
}

func newChecksCollector(s *inventory.Store) *checksCollector {
	return &checksCollector{s: s,
		open: prometheus.NewDesc("hostroll_findings_open", "Open findings, by rule and severity.",
			[]string{"rule", "severity"}, nil),
		lastSuccess: prometheus.NewDesc("hostroll_check_last_success_timestamp_seconds",
			"When the latest policy check run that completed finished, Unix time (0 before the first).", nil, nil),
		lastRun: prometheus.NewDesc("hostroll_check_last_run_duration_seconds",
			"How long the latest completed policy check run took.", nil, nil),
		expire: prometheus.NewDesc("hostroll_exemptions_expiring",
			"Exemptions in force that end within the given number of days (business days of HOSTROLL_TZ).",
			[]string{"within_days"}, nil),
	}
}

func (cc *checksCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{cc.open, cc.lastSuccess, cc.lastRun, cc.expire} {
		ch <- d
	}
}

func (cc *checksCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f, err := cc.s.OpsFigures(ctx)
	if err != nil {
		for _, d := range []*prometheus.Desc{cc.open, cc.lastSuccess, cc.lastRun, cc.expire} {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	for _, n := range f.OpenFindings {
		ch <- prometheus.MustNewConstMetric(cc.open, prometheus.GaugeValue, float64(n.N), n.Rule, n.Severity)
	}
	last, took := 0.0, 0.0
	if f.LastCheck != nil {
		last = float64(f.LastCheck.Finished.UnixMilli()) / 1000
		took = f.LastCheck.Finished.Sub(f.LastCheck.Started).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(cc.lastSuccess, prometheus.GaugeValue, last)
	ch <- prometheus.MustNewConstMetric(cc.lastRun, prometheus.GaugeValue, took)
	for days, n := range f.ExemptionsExpiring {
		ch <- prometheus.MustNewConstMetric(cc.expire, prometheus.GaugeValue, float64(n), strconv.Itoa(days))
	}
}
