package web_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"hostroll/directory"
	"hostroll/directory/slapdtest"
	"hostroll/inventory"
	"hostroll/web"
)

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
