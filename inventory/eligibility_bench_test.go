package inventory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// BenchmarkEligibility decides the 2025 plan for 2,000 units leading 20,000
// projects (goal: < 1 s), with the history, evaluations and lead-unit
// amendments (one per 10 projects) the check reads.
// The data is seeded with multi-row INSERTs, not through the store.
//
//	go test -run '^$' -bench BenchmarkEligibility -benchtime 10x -count 3 ./inventory/
//
// See BENCHMARKS.md for the figures.
func BenchmarkEligibility(b *testing.B) {
	const units, projects = 2000, 20000
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db := dbtest.Dialect(b, dialect)
			start := time.Now()
			seedEligibility(b, db, units, projects)
			b.Logf("%s: seeded %d units and %d projects in %v", dialect, units, projects, time.Since(start).Round(time.Millisecond))
			b.Run("Eligibility", func(b *testing.B) {
				ctx := context.Background()
				var ineligible int
				b.ResetTimer()
				for b.Loop() {
					e, err := db.Store.Eligibility(ctx, 2025, 90)
					if err != nil {
						b.Fatal(err)
					}
					if e.Total != units {
						b.Fatalf("%d units, want %d", e.Total, units)
					}
					ineligible = 0
					for _, u := range e.Items {
						if !u.Eligible {
							ineligible++
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
				b.ReportMetric(float64(ineligible), "ineligible-units")
			})
			// The same answer with 10,000 rectification orders (Art. 16
			// (3) unrectified_order), against the run above as baseline.
			seedOrders(b, db, units, 10000)
			b.Run("EligibilityWithOrders", func(b *testing.B) {
				ctx := context.Background()
				var reasons int
				for b.Loop() {
					e, err := db.Store.Eligibility(ctx, 2025, 90)
					if err != nil {
						b.Fatal(err)
					}
					reasons = 0
					for _, u := range e.Items {
						for _, r := range u.Reasons {
							if r.Reason == "unrectified_order" {
								reasons++
							}
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
				b.ReportMetric(float64(reasons), "unrectified-orders")
			})
		})
	}
}

// seedOrders inserts n rectification orders about units, issued in 2024 and
// due on a day of 2024 or 2025 in turn; every third is closed, on a day in
// turn before and after the end of 2024.
func seedOrders(b *testing.B, db dbtest.DB, units, n int) {
	b.Helper()
	ctx := context.Background()
	x := db.Store.DB()
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for start := 0; start < n; start += 500 {
		var vals []string
		var args []any
		for i := start; i < min(n, start+500); i++ {
			unit := int64(i%units + 1)
			due := fmt.Sprintf("%d-%02d-%02d", 2024+i%2, 1+i%12, 1+i%28)
			state, closed := "open", any(nil)
			if i%3 == 0 {
				state, closed = "closed", fmt.Sprintf("%d-12-20", 2024+i%2)
			}
			vals = append(vals, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, "unit", unit, unit, "问题", "整改", "2023-12-01", due, state, closed, "bench", at)
		}
		q := `INSERT INTO rectifications (subject_type, subject_id, unit_id, problem, action, issued_on, due_on, state,
			closed_on, issued_by, created_at) VALUES ` + strings.Join(vals, ", ")
		if _, err := x.ExecContext(ctx, x.Rebind(q), args...); err != nil {
			b.Fatalf("seed rectifications: %v", err)
		}
	}
	if db.Name == inventory.Postgres {
		if _, err := x.ExecContext(ctx, "ANALYZE rectifications"); err != nil {
			b.Fatal(err)
		}
	}
}

// eligBenchStatuses cycle over the projects: every status appears.
var eligBenchStatuses = []string{"draft", "submitted", "approved", "spec_reviewed", "procuring", "implementing",
	"trial_run", "acceptance_requested", "accepted", "settled", "rejected", "acceptance_failed"}

// seedEligibility inserts the units and projects, a history row per project
// that reached its trial run and per acceptance request or failure, and an
// unrectified evaluation on every 13th project.
func seedEligibility(b *testing.B, db dbtest.DB, units, projects int) {
	b.Helper()
	ctx := context.Background()
	x := db.Store.DB()
	insert := func(table, cols string, rows [][]any) {
		b.Helper()
		n := strings.Count(cols, ",") + 1
		ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
		for len(rows) > 0 {
			batch := rows[:min(len(rows), 500)]
			rows = rows[len(batch):]
			var args []any
			vals := make([]string, len(batch))
			for i, r := range batch {
				vals[i] = ph
				args = append(args, r...)
			}
			q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.Join(vals, ", ")
			if _, err := x.ExecContext(ctx, x.Rebind(q), args...); err != nil {
				b.Fatalf("seed %s: %v", table, err)
			}
		}
	}
	var unitRows [][]any
	for i := range units {
		unitRows = append(unitRows, []any{fmt.Sprintf("U%04d", i), fmt.Sprintf("单位 %d", i)})
	}
	insert("units", "code, name", unitRows)
	var projectRows, historyRows, evalRows [][]any
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range projects {
		status := eligBenchStatuses[i%len(eligBenchStatuses)]
		year := 2020 + i%6 // 2024 is every sixth project
		id := int64(i + 1)
		projectRows = append(projectRows, []any{fmt.Sprintf("P%05d", i), "工程", int64(i%units + 1), "application",
			inventory.FundingSources[i%3], i%17 == 0, year, 100000 + i, status, "2024-10-31"})
		idx := slices.Index(eligBenchStatuses, status)
		if idx >= slices.Index(eligBenchStatuses, "trial_run") && status != "rejected" {
			historyRows = append(historyRows, []any{id, "implementing", "trial_run", fmt.Sprintf("%d-%02d-01", year, 6+i%7), at, "bench"})
		}
		if status == "acceptance_requested" || status == "accepted" || status == "settled" || status == "acceptance_failed" {
			historyRows = append(historyRows, []any{id, "trial_run", "acceptance_requested", fmt.Sprintf("%d-%02d-15", year+1, 1+i%5), at, "bench"})
		}
		if status == "acceptance_failed" {
			historyRows = append(historyRows, []any{id, "acceptance_requested", "acceptance_failed", fmt.Sprintf("%d-06-20", year+1), at, "bench"})
		}
		if i%13 == 0 {
			evalRows = append(evalRows, []any{id, "2025-03-01", false, "未达运行目标", false})
		}
	}
	insert("projects", "code, name, lead_unit_id, category, funding_source, classified, plan_year, budget, status, trial_run_end", projectRows)
	for i, r := range historyRows {
		historyRows[i] = slices.Insert(r, 4, r[3]) // recorded on the day it is dated
	}
	insert("project_history", "project_id, from_status, to_status, date, recorded_on, at, actor", historyRows)
	insert("evaluations", "project_id, date, meets_target, problems, rectified", evalRows)
	// Every 10th project had its lead unit amended in 2026, after the plan
	// years the check judges: eligibility rolls each back to the unit in force.
	var amendRows [][]any
	for i := 0; i < projects; i += 10 {
		lead, old := int64(i%units+1), int64((i+1)%units+1)
		amendRows = append(amendRows, []any{int64(i + 1), "lead_unit_id", fmt.Sprint(old), fmt.Sprint(lead), "bench",
			"accepted", "2026-01-15", at, "bench"})
	}
	insert("project_amendments", "project_id, field, old_value, new_value, reason, status, recorded_on, at, actor", amendRows)
	if db.Name == inventory.Postgres {
		if _, err := x.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
}
