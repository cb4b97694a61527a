package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hostroll/web"
)

// metricsAllow reads HOSTROLL_METRICS_ALLOW: who may scrape /metrics
// without an admin's credentials (default loopback).
func metricsAllow() ([]netip.Prefix, error) {
	allow, err := web.ParseMetricsAllow(os.Getenv("HOSTROLL_METRICS_ALLOW"))
	if err != nil {
		return nil, badValue(err)
	}
	return allow, nil
}

// serveMetrics serves reg's GET /metrics on addr for a process without the
// web API (hostroll collect) until ctx ends, to the allowed addresses only:
// there are no users to sign in here. It returns once it listens.
func serveMetrics(ctx context.Context, addr string, reg *prometheus.Registry, allow []netip.Prefix, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w (set --metrics-addr)", addr, err)
	}
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Registry: reg})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if !web.AllowedAddr(allow, host) {
			http.Error(w, "metrics: this address is not in HOSTROLL_METRICS_ALLOW", http.StatusForbidden)
			return
		}
		metrics.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String(), "path", "/metrics")
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}, nil
}
