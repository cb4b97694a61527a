package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"hostroll/web"
)

// race sends the same kind of request from n goroutines at once, each through
// its own app over the shared store (as n web processes would), and returns
// what each got.
func (c *client) race(t *testing.T, n int, method, path string, body func(i int) obj) []response {
	t.Helper()
	out := make([]response, n)
	reqs := make([]*http.Request, n)
	bodies := make([][]byte, n)
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		app := web.New(c.cfg)
		js, err := json.Marshal(body(i))
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(method, path, bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		c.authorize(req)
		reqs[i], bodies[i] = req, js
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			res, err := app.Test(req, -1)
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			out[i].status, out[i].header = res.StatusCode, res.Header
			out[i].raw, errs[i] = io.ReadAll(res.Body)
		}()
	}
	start.Done()
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		checkOpenAPI(t, c.app, reqs[i], bodies[i], out[i])
	}
	return out
}

// TestRaces checks that writers racing for the same rack unit or the same
// unique value get one success and conflicts, never a 500 or two winners.
func TestRaces(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		const n = 8
		unit, _, rack := c.rackIn(t, "RC", 42)
		for _, tc := range []struct {
			name, path string
			body       func(i int) obj
			field      string
		}{
			{"same rack unit", "/api/v1/devices", func(i int) obj {
				return obj{"name": p("racer-%d", i), "kind": "server", "unit_id": unit, "rack_id": rack, "position": 20, "u_height": 1 + i%3}
			}, "position"},
			{"same unit code", "/api/v1/units", func(i int) obj {
				return obj{"code": "SAME", "name": p("Unit %d", i)}
			}, "code"},
			{"same serial", "/api/v1/devices", func(i int) obj {
				return obj{"name": p("serial-%d", i), "kind": "server", "unit_id": unit, "manufacturer": "Lenovo", "serial": "J30X"}
			}, "serial"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				audit := c.auditTotal(t)
				created := 0
				for i, r := range c.race(t, n, "POST", tc.path, tc.body) {
					switch r.status {
					case 201:
						created++
					case 409:
						wantErr(t, r, 409, "conflict", tc.field)
					default:
						t.Errorf("request %d: status %d, want 201 or 409: %s", i, r.status, r.raw)
					}
				}
				if created != 1 {
					t.Errorf("%d requests succeeded, want exactly 1", created)
				}
				if got := c.auditTotal(t); got != audit+1 {
					t.Errorf("audit rows %d, want %d (one per success)", got, audit+1)
				}
			})
		}
		if _, total := c.list(t, p("/api/v1/devices?rack_id=%d", rack)); total != 1 {
			t.Errorf("%d devices in the rack after the race, want 1", total)
		}
	})
}
