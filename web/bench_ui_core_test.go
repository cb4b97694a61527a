package web_test

import (
	"testing"

	"hostroll/inventory"
)

// BenchmarkCorePages times the home, search, findings, unit and audit
// pages over the same 10,000 devices as BenchmarkPages (250 central racks,
// 50 units), as an admin: server time per request, p50/p95 and CPU.
//
//	go test ./web -run '^$' -bench BenchmarkCorePages -benchtime 50x
func BenchmarkCorePages(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			app, tok, _ := pageBenchApp(b, dialect)
			for _, tc := range []struct{ name, path string }{
				{"Home", "/"},
				{"SearchSerial", "/search?q=SN-00042"},
				{"Findings", "/findings"},
				{"Unit", "/units/2"},
				{"Audit", "/audit"},
			} {
				b.Run(tc.name, func(b *testing.B) { benchPage(b, app, tok, tc.path) })
			}
		})
	}
}
