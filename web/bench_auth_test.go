package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"hostroll/directory"
	"hostroll/directory/slapdtest"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/web"
)

// benchApp is an app over a fresh database of dialect with one admin user
// and a token of theirs.
func benchApp(b *testing.B, dialect string) (*web.Config, string) {
	b.Helper()
	db := dbtest.Dialect(b, dialect)
	cfg := testConfig(db.Store)
	cfg.SignInLimit = 1 << 30
	ctx := context.Background()
	u, _, err := db.Store.CreateUser(ctx, inventory.UserInput{Username: "admin", Role: inventory.RoleAdmin, Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	_, tok, err := db.Store.CreateToken(ctx, testPepper, u.ID, inventory.TokenInput{})
	if err != nil {
		b.Fatal(err)
	}
	return &cfg, tok
}

// BenchmarkSignIn signs in with POST /api/v1/session (argon2id with
// m=19 MiB, t=2, p=1, a new session and its audit row) and reports the
// median and 90th percentile.
func BenchmarkSignIn(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			cfg, _ := benchApp(b, dialect)
			app := web.New(*cfg)
			body, _ := json.Marshal(obj{"username": "admin", "password": testPassword})
			var took []time.Duration
			for b.Loop() {
				req := httptest.NewRequest("POST", "/api/v1/session", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				res, err := app.Test(req, -1)
				took = append(took, time.Since(start))
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("sign in: %v %v", res.Status, err)
				}
				res.Body.Close()
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "p90-ms")
		})
	}
}

// BenchmarkTokenCheck sends the same request (to a path no route serves, so
// the answer is the same cheap 404) without credentials and with a bearer
// token, alternately, so both see the same load; it reports the median of
// each and the difference, the cost of the token check.
func BenchmarkTokenCheck(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			cfg, tok := benchApp(b, dialect)
			app := web.New(*cfg)
			var anon, with []time.Duration
			send := func(token string) time.Duration {
				req := httptest.NewRequest("GET", "/api/v1/no-such-route", nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				start := time.Now()
				res, err := app.Test(req, -1)
				took := time.Since(start)
				if err != nil || res.StatusCode != 404 {
					b.Fatalf("%v %v", res.Status, err)
				}
				res.Body.Close()
				return took
			}
			for b.Loop() {
				anon = append(anon, send(""))
				with = append(with, send(tok))
			}
			slices.Sort(anon)
			slices.Sort(with)
			a, w := anon[len(anon)/2], with[len(with)/2]
			b.ReportMetric(float64(a.Nanoseconds())/1e3, "anon-p50-µs")
			b.ReportMetric(float64(w.Nanoseconds())/1e3, "token-p50-µs")
			b.ReportMetric(float64((w-a).Nanoseconds())/1e3, "check-µs")
		})
	}
}

// BenchmarkAuthToken is the token check alone, as the store does it for
// every request (a cached token: one HMAC-SHA256 and the checks).
func BenchmarkAuthToken(b *testing.B) {
	cfg, tok := benchApp(b, inventory.SQLite)
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := cfg.Store.AuthToken(ctx, testPepper, tok, "10.0.0.1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDirectorySignIn signs in with POST /api/v1/session as a
// directory user of a real slapd on loopback (connect, service bind, user
// search, group search, user bind, then the local user's update check, a
// session and its audit row) and, as the baseline in the same process, as a
// local user (argon2id). Each reports the median and 90th percentile.
//
//	go test -run '^$' -bench BenchmarkDirectorySignIn -benchtime 50x -count 3 ./web/
func BenchmarkDirectorySignIn(b *testing.B) {
	srv := slapdtest.Start(b)
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		cfg, _ := benchApp(b, dialect)
		dir, err := directory.New(srv.Config())
		if err != nil {
			b.Fatal(err)
		}
		cfg.Store.SetDirectory(dir)
		app := web.New(*cfg)
		for _, who := range []struct{ name, user, password string }{
			{"directory", "erin", slapdtest.Password}, {"local", "admin", testPassword}} {
			b.Run(dialect+"/"+who.name, func(b *testing.B) {
				body, _ := json.Marshal(obj{"username": who.user, "password": who.password})
				var took []time.Duration
				for b.Loop() {
					req := httptest.NewRequest("POST", "/api/v1/session", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					start := time.Now()
					res, err := app.Test(req, -1)
					took = append(took, time.Since(start))
					if err != nil || res.StatusCode != 200 {
						b.Fatalf("sign in as %s: %v %v", who.user, res.Status, err)
					}
					res.Body.Close()
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "p90-ms")
			})
		}
	}
}
