package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/web"
)

// The pages' benchmarks of issue 11: on 10,000 devices in 250 racks of 42U
// (50 units, a poll for every fourth device), the device list page (50 rows,
// the default; and 200) and a full rack's page, through the whole app
// (token check, store, template), reporting the median and 95th
// percentile of the server time.
//
//	go test -run '^$' -bench 'BenchmarkPages/sqlite' -benchtime 200x -count 3 ./web/
//
// See BENCHMARKS.md for the figures.
func BenchmarkPages(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			app, tok, racks := pageBenchApp(b, dialect)
			for _, tc := range []struct{ name, path string }{
				{"DeviceList50", "/devices"},
				{"DeviceList200", "/devices?limit=200"},
				{"DeviceListFiltered", "/devices?status=active&kind=server&sort=-name"},
				{"RackPage", p("/racks/%d", racks[len(racks)/2])},
			} {
				b.Run(tc.name, func(b *testing.B) { benchPage(b, app, tok, tc.path) })
			}
		})
	}
}

func benchPage(b *testing.B, app *fiber.App, tok, path string) {
	var took []time.Duration
	cpu0 := cpuTime()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		start := time.Now()
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		took = append(took, time.Since(start))
		if res.StatusCode != 200 {
			b.Fatalf("%s: %d", path, res.StatusCode)
		}
	}
	cpu := cpuTime() - cpu0
	slices.Sort(took)
	// The machine is shared: the process's CPU time per request (user and
	// system, GC included) is what the page costs whatever the load.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(took)), "cpu-ms/op")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var (
	pageBenchMu   sync.Mutex
	pageBenchApps = map[string]struct {
		app   *fiber.App
		tok   string
		racks []int64
	}{}
)

// pageBenchApp seeds one dialect's 10,000 devices through the store, once
// per run.
func pageBenchApp(b *testing.B, dialect string) (*fiber.App, string, []int64) {
	pageBenchMu.Lock()
	defer pageBenchMu.Unlock()
	if a, ok := pageBenchApps[dialect]; ok {
		return a.app, a.tok, a.racks
	}
	cfg, tok := benchApp(b, dialect)
	b.Cleanup(func() { pageBenchMu.Lock(); delete(pageBenchApps, dialect); pageBenchMu.Unlock() })
	start := time.Now()
	racks, err := seedTenThousand(context.Background(), cfg.Store)
	if err != nil {
		b.Fatal(err)
	}
	if dialect == inventory.Postgres {
		if _, err := cfg.Store.DB().Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: seeded 10,000 devices in %v", dialect, time.Since(start).Round(time.Second))
	app := web.New(*cfg)
	pageBenchApps[dialect] = struct {
		app   *fiber.App
		tok   string
		racks []int64
	}{app, tok, racks}
	return app, tok, racks
}

// seedTenThousand is 50 units, a central room, 250 racks of 42U with 40
// devices each (a third of them 2U half-depth pairs front and rear), and
// an observation of every fourth device.
func seedTenThousand(ctx context.Context, s *inventory.Store) ([]int64, error) {
	var units []int64
	for i := range 50 {
		u, err := s.CreateUnit(ctx, inventory.UnitInput{Code: fmt.Sprintf("U%02d", i), Name: fmt.Sprintf("单位%02d", i), Kind: "department"})
		if err != nil {
			return nil, err
		}
		units = append(units, u.ID)
	}
	room, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "州政务中心机房", UnitID: units[0], Kind: "central", Status: "active"})
	if err != nil {
		return nil, err
	}
	var racks []int64
	n := 0
	for r := range 250 {
		rack, err := s.CreateRack(ctx, inventory.RackInput{RoomID: room.ID, Name: fmt.Sprintf("R%03d", r), UHeight: 42})
		if err != nil {
			return nil, err
		}
		racks = append(racks, rack.ID)
		for pos := 1; pos <= 40; pos++ {
			in := inventory.DefaultDeviceInput()
			in.Name, in.Kind, in.UnitID = fmt.Sprintf("server-%05d", n), "server", units[n%50]
			in.Serial, in.Manufacturer, in.Model = fmt.Sprintf("SN%08d", n), "Huawei", "RH2288"
			in.RackID, in.Position, in.Status = &rack.ID, &pos, []string{"active", "active", "planned", "offline"}[n%4]
			mem := 256
			in.Specs.MemoryGB = &mem
			d, err := s.CreateDevice(ctx, in)
			if err != nil {
				return nil, err
			}
			if n%4 == 0 {
				mb := int64(128 * 1024)
				if _, err := s.AddObservation(ctx, inventory.Observation{DeviceID: d.ID, At: time.Now(), Reachable: true,
					Serial: in.Serial, MemoryMB: &mb}); err != nil {
					return nil, err
				}
			}
			n++
		}
	}
	return racks, nil
}
