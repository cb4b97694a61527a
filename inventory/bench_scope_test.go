package inventory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hostroll/inventory"
)

// The scope benchmark of issue 9: on each dialect, over the 100,000 devices
// of seedPolicyBench (2,000 units, 50 devices each), the first page of 50
// devices as the system (Unscoped: ORDER BY id over all of them and a count of
// 100,000), as a unit's staff (Scoped: the scope's unit_id IN (…) added to the
// page and the count, rotating over the units), and, for the cost of the
// mechanism alone, the system with the same unit as a filter (UnitFilter:
// the same rows as Scoped). The policy seed gives units 11-500 more devices
// (their own rooms' 50,000) than the rest. Goal: Scoped within 20 % of Unscoped.
//
//	go test -run '^$' -bench BenchmarkScopedDeviceList -benchtime 200x -count 3 -v ./inventory/
//
// See BENCHMARKS.md for the figures.
func BenchmarkScopedDeviceList(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			s := policyBenchDB(b, dialect, seedPolicyBench)
			staff := make([]context.Context, pbUnits)
			filters := make([]inventory.ListParams, pbUnits)
			for u := range pbUnits {
				staff[u] = inventory.WithCaller(context.Background(), inventory.Caller{Name: fmt.Sprintf("staff-%d", u+1),
					UserID: int64(u + 1), Role: inventory.RoleUnitStaff, UnitID: int64(u + 1)})
				filters[u] = inventory.ListParams{Filters: map[string]string{"unit_id": fmt.Sprint(u + 1)}}
			}
			system := context.Background()
			b.Run("Unscoped", func(b *testing.B) {
				benchDeviceList(b, s, func(int) (context.Context, inventory.ListParams) {
					return system, inventory.ListParams{}
				}, pbDevices)
			})
			b.Run("Scoped", func(b *testing.B) {
				benchDeviceList(b, s, func(i int) (context.Context, inventory.ListParams) {
					return staff[(i*7)%pbUnits], inventory.ListParams{}
				}, 0)
			})
			b.Run("UnitFilter", func(b *testing.B) {
				benchDeviceList(b, s, func(i int) (context.Context, inventory.ListParams) {
					return system, filters[(i*7)%pbUnits]
				}, 0)
			})
		})
	}
}

// benchDeviceList times Store.Devices for the i-th caller and parameters of
// call, checking each answer's page against its total, and the total when
// total is not 0.
func benchDeviceList(b *testing.B, s *inventory.Store, call func(i int) (context.Context, inventory.ListParams), total int) {
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		ctx, p := call(i)
		t0 := time.Now()
		items, n, err := s.Devices(ctx, p)
		durs = append(durs, time.Since(t0))
		if err != nil || n == 0 || (total != 0 && n != total) || len(items) != min(n, inventory.DefaultLimit) {
			b.Fatalf("list %d: %d devices of %d (want %d): %v", i, len(items), n, total, err)
		}
		if c := inventory.CallerOf(ctx); !c.Scope().All && items[0].UnitID != c.UnitID {
			b.Fatalf("list %d: unit %d's staff got device %d of unit %d", i, c.UnitID, items[0].ID, items[0].UnitID)
		}
	}
	b.StopTimer()
	benchReport(b, durs)
}
