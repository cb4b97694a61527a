package inventory_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// BenchmarkVerifyAudit recomputes a chain of 10,000 device-sized rows. The
// rows are inserted with multi-row INSERTs and chained by ChainAudit (as at
// the first start after an upgrade), outside the timer.
func BenchmarkVerifyAudit(b *testing.B) {
	const rows = 10_000
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db := dbtest.Dialect(b, dialect)
			s, ctx := db.Store, context.Background()
			doc := `{"id":%d,"name":"srv-%d","kind":"server","manufacturer":"Inspur","model":"NF5280M6","serial":"SN-%06d",` +
				`"unit_id":3,"rack_id":12,"position":20,"u_height":2,"face":"front","full_depth":true,"status":"active",` +
				`"specs":{"cpu_cores":64,"memory_gb":512},"drift":[]}`
			for start := 0; start < rows; start += 500 {
				var vals []string
				for i := start; i < start+500; i++ {
					vals = append(vals, fmt.Sprintf(`(CURRENT_TIMESTAMP, 'api', 'update', 'device', %d, '%s', '%s')`,
						i, fmt.Sprintf(doc, i, i, i), fmt.Sprintf(doc, i, i, i+1)))
				}
				if _, err := s.DB().Exec(`INSERT INTO audit (at, actor, action, entity, entity_id, before, after) VALUES ` +
					strings.Join(vals, ", ")); err != nil {
					b.Fatal(err)
				}
			}
			if n, err := s.ChainAudit(ctx); err != nil || n != rows {
				b.Fatalf("chained %d (%v)", n, err)
			}
			b.ResetTimer()
			for b.Loop() {
				v, err := s.VerifyAudit(ctx, "en")
				if err != nil || !v.OK || v.Checked != rows {
					b.Fatalf("%+v %v", v, err)
				}
			}
		})
	}
}
