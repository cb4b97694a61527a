package inventory_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// BenchmarkCompliance is the goal for Art. 10: the compliance check
// of a project with 2,000 devices and 50 spec items in < 200 ms.
//
//	go test -run '^$' -bench BenchmarkCompliance -benchtime 20x -count 3 -v ./inventory/
//
// The project's 50 items ask for 40 devices each (30 server items, 10
// switch, 10 storage) with three or four requirements and a price cap; the
// 2,000 devices are spread so that a server fits about half of the server
// items (a dense matching), 10 % are pinned, 5 % fail a requirement, and
// every device has three SNMP observations of which the newest is read.
// One op is Store.Compliance. See BENCHMARKS.md for the figures.
func BenchmarkCompliance(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db := dbtest.Dialect(b, dialect)
			ctx := context.Background()
			start := time.Now()
			pid, err := seedCompliance(ctx, db.Store)
			if err != nil {
				b.Fatal(err)
			}
			if dialect == inventory.Postgres {
				if _, err := db.Store.DB().ExecContext(ctx, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: seeded 50 spec items and 2,000 devices with 6,000 observations in %v",
				dialect, time.Since(start).Round(time.Millisecond))
			c, err := db.Store.Compliance(ctx, pid)
			if err != nil {
				b.Fatal(err)
			}
			if len(c.Devices) != 2000 || len(c.Items) != 50 {
				b.Fatalf("report has %d devices and %d items", len(c.Devices), len(c.Items))
			}
			matched := 2000 - len(c.UnmatchedDeviceIDs)
			b.Logf("%s: %d of 2,000 devices matched, %d reasons", dialect, matched, len(c.Reasons))
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				if _, err := db.Store.Compliance(ctx, pid); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(times[(len(times)*95+99)/100-1].Microseconds())/1000, "p95-ms")
		})
	}
}

// seedCompliance creates the benchmark's project through the store and
// returns its id.
func seedCompliance(ctx context.Context, s *inventory.Store) (int64, error) {
	u, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "BENCH", Name: "Bench unit", Kind: "department"})
	if err != nil {
		return 0, err
	}
	pin := inventory.DefaultProjectInput()
	pin.Code, pin.Name, pin.LeadUnitID, pin.Category, pin.FundingSource, pin.PlanYear =
		"BENCH-1", "Compliance benchmark", u.ID, "application", "prefecture", 2026
	p, err := s.CreateProject(ctx, pin)
	if err != nil {
		return 0, err
	}
	var items []inventory.SpecItem
	for i := range 50 {
		it, err := s.CreateSpecItem(ctx, p.ID, benchSpecItem(i))
		if err != nil {
			return 0, fmt.Errorf("spec item %d: %w", i, err)
		}
		items = append(items, it)
	}
	for i := range 2000 {
		d, err := s.CreateDevice(ctx, benchComplianceDevice(i, u.ID, p.ID, items))
		if err != nil {
			return 0, fmt.Errorf("device %d: %w", i, err)
		}
		db := s.DB()
		for k := range 3 {
			_, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO observations (device_id, at, reachable, memory_mb,
				cpu_count, model) VALUES (?, CURRENT_TIMESTAMP, ?, ?, ?, ?)`),
				d.ID, k != 1, int64(*d.Specs.MemoryGB)*1024-300, *d.Specs.CPUCores, d.Model)
			if err != nil {
				return 0, err
			}
		}
	}
	return p.ID, nil
}

var complianceBenchModels = []string{"R750", "2288H V6", "NF5280M6", "R650"}

// benchSpecItem i: items 0-29 servers, 30-39 switches, 40-49 storage.
func benchSpecItem(i int) inventory.SpecItemInput {
	in := inventory.DefaultSpecItemInput()
	in.Quantity, in.Name, in.MaxUnitPrice = 40, fmt.Sprintf("item %d", i), ptr(float64(50000+1000*(i%10)))
	switch {
	case i < 30:
		in.Kind = "server"
		in.Requirements = []inventory.Requirement{
			{Field: "memory_gb", Op: "min", Value: float64(64 * (1 + i%4))},
			{Field: "cpu_cores", Op: "min", Value: float64(8 * (1 + i%3))},
			{Field: "model", Op: "in", Value: []any{complianceBenchModels[i%4], complianceBenchModels[(i+1)%4]}},
			{Field: "u_height", Op: "max", Value: 2.0},
		}
	case i < 40:
		in.Kind = "switch"
		in.Requirements = []inventory.Requirement{{Field: "ports", Op: "min", Value: float64(24 * (1 + i%2))},
			{Field: "memory_gb", Op: "min", Value: 4.0}, {Field: "cpu_cores", Op: "min", Value: 2.0}}
	default:
		in.Kind = "storage"
		in.Requirements = []inventory.Requirement{{Field: "storage_gb", Op: "min", Value: float64(10000 * (1 + i%3))},
			{Field: "memory_gb", Op: "min", Value: 32.0}, {Field: "cpu_cores", Op: "min", Value: 4.0}}
	}
	return in
}

// benchComplianceDevice i: 1,200 servers, 400 switches, 400 storage.
func benchComplianceDevice(i int, unitID, projectID int64, items []inventory.SpecItem) inventory.DeviceInput {
	in := inventory.DefaultDeviceInput()
	in.Name, in.UnitID, in.ProjectID = fmt.Sprintf("dev-%04d", i), unitID, &projectID
	in.PurchasePrice = ptr(float64(48000 + (i*7)%5000))
	in.Specs.CPUCores, in.Specs.MemoryGB = ptr(8*(1+i%4)), ptr(64*(1+i%5))
	switch {
	case i < 1200:
		in.Kind, in.Model = "server", complianceBenchModels[i%4]
	case i < 1600:
		in.Kind, in.Specs.Ports = "switch", ptr(24*(1+i%2))
	default:
		in.Kind, in.Specs.StorageGB = "storage", ptr(10000*(1+i%3))
	}
	if i%20 == 7 { // 5 % fail: too little memory for anything
		in.Specs.MemoryGB = ptr(2)
	}
	if i%10 == 3 { // 10 % pinned to an item of their kind
		var kind []inventory.SpecItem
		for _, it := range items {
			if it.Kind == in.Kind {
				kind = append(kind, it)
			}
		}
		in.SpecItemID = &kind[i%len(kind)].ID
	}
	return in
}
