package inventory_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// The benchmarks of issue 4, on each dialect: a full policy check over
// 100,000 devices, 5,000 lines, 500 rooms and 2,000 units (goal < 3 s and
// < 500 MB resident), a second check over unchanged data (goal: no finding
// row written), and a move plan of 5,000 devices into 300 racks (< 1 s).
//
//	go test -run '^$' -bench BenchmarkPolicy -benchtime 5x -count 3 -v ./inventory/
//
// The data is seeded with multi-row INSERTs, not through the store. See
// BENCHMARKS.md for the figures.

const (
	pbUnits        = 2000
	pbCentralRooms = 10
	pbRooms        = 500
	pbCentralRacks = 1000 // 100 per central room
	pbUnitRacks    = 1960 // 4 per unit room
	pbDevices      = 100_000
	pbLines        = 5000
	pbProjects     = 1000
	pbMoveRacks    = 300
	pbMoveDevices  = 5000
)

func BenchmarkPolicy(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			s := policyBenchDB(b, dialect, seedPolicyBench)
			ctx := context.Background()
			b.Run("CheckFirst", func(b *testing.B) {
				var c inventory.Check
				resetPeakRSS(b)
				for b.Loop() {
					b.StopTimer()
					if _, err := s.DB().ExecContext(ctx, "DELETE FROM findings"); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					var err error
					if c, err = s.RunCheck(ctx, inventory.CheckOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(c.Written), "rows-written")
				b.ReportMetric(float64(c.Open), "open")
				reportPeakRSS(b)
			})
			b.Run("CheckAgain", func(b *testing.B) {
				if _, err := s.RunCheck(ctx, inventory.CheckOptions{}); err != nil {
					b.Fatal(err)
				}
				countFindingWrites(b, s)
				written := 0
				resetPeakRSS(b)
				for b.Loop() {
					c, err := s.RunCheck(ctx, inventory.CheckOptions{})
					if err != nil {
						b.Fatal(err)
					}
					written += c.Written
				}
				b.ReportMetric(float64(written), "rows-written")
				var counted int
				if err := s.DB().GetContext(ctx, &counted, "SELECT n FROM bench_finding_writes"); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(counted), "rows-written-trigger")
				reportPeakRSS(b)
			})
			mv := policyBenchDB(b, dialect, seedMoveBench)
			b.Run("MovePlan", func(b *testing.B) {
				var plan inventory.MovePlan
				resetPeakRSS(b)
				for b.Loop() {
					var err error
					if plan, err = mv.MovePlan(ctx, inventory.MovePlanOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(plan.Placed), "placed")
				b.ReportMetric(float64(len(plan.Unplaced)), "unplaced")
				reportPeakRSS(b)
			})
		})
	}
}

// policyBenchDB opens a fresh database of the dialect and seeds it.
func policyBenchDB(b *testing.B, dialect string, seed func(context.Context, *sqlx.DB) error) *inventory.Store {
	b.Helper()
	db := dbtest.Dialect(b, dialect)
	start := time.Now()
	ctx := context.Background()
	if err := seed(ctx, db.Store.DB()); err != nil {
		b.Fatalf("seed %s: %v", dialect, err)
	}
	if dialect == inventory.Postgres {
		for _, t := range []string{"units", "rooms", "racks", "projects", "devices", "lines", "line_history", "observations"} {
			_, err := db.Store.DB().ExecContext(ctx, fmt.Sprintf(
				"SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT MAX(id) FROM %s), 1))", t, t))
			if err != nil {
				b.Fatal(err)
			}
		}
		if _, err := db.Store.DB().ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: seeded in %v", dialect, time.Since(start).Round(time.Millisecond))
	return db.Store
}

// bulk inserts rows in multi-row INSERTs inside one transaction.
func bulk(ctx context.Context, db *sqlx.DB, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := 30000 / width // SQLite takes at most 32,766 parameters
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	for start := 0; start < len(rows); start += per {
		batch := rows[start:min(start+per, len(rows))]
		args := make([]any, 0, len(batch)*width)
		for _, r := range batch {
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + cols + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(one+", ", len(batch)), ", ")
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return tx.Commit()
}

// seedPolicyBench writes the data set. Rooms 1-10 are central (100
// racks each, 40 devices per rack), rooms 11-500 belong to units 11-500 (a
// fifth planned, a fifth retired; 4 racks each, 50,000 devices in the first
// 1,250 racks); 10,000 devices are not racked. Every other device belongs to
// one of 1,000 projects, a tenth of them classified; 5 % are
// decommissioned. Of the 5,000 lines, 60 % are private and every unit has
// two lines to "Hub 0"; 500 private lines were raised. 20,000 devices have
// three polls each: 200 active ones failed all three, 100 report another serial.
func seedPolicyBench(ctx context.Context, db *sqlx.DB) error {
	var units, rooms, racks, projects, devices, obs [][]any
	for u := 1; u <= pbUnits; u++ {
		units = append(units, []any{u, fmt.Sprintf("U%04d", u), fmt.Sprintf("单位 %d", u), "department"})
	}
	for r := 1; r <= pbRooms; r++ {
		kind, unit, status := "central", 1, "active"
		if r > pbCentralRooms {
			kind, unit = "unit", r
			switch r % 5 {
			case 0:
				status = "planned"
			case 1:
				status = "retired"
			}
		}
		rooms = append(rooms, []any{r, fmt.Sprintf("Room %d", r), unit, kind, status, ""})
	}
	for k := 0; k < pbCentralRacks+pbUnitRacks; k++ {
		room := 1 + k/100
		if k >= pbCentralRacks {
			room = pbCentralRooms + 1 + (k-pbCentralRacks)/4
		}
		racks = append(racks, []any{k + 1, room, fmt.Sprintf("R%d", k+1), 42})
	}
	for p := 1; p <= pbProjects; p++ {
		projects = append(projects, []any{p, fmt.Sprintf("P%04d", p), "Project", p%pbUnits + 1, "application",
			"prefecture", p%10 == 0, 2025, 0, "implementing"})
	}
	now := time.Now().UTC()
	for i := range pbDevices {
		devices = append(devices, benchPolicyDevice(i))
		if i%5 == 0 {
			for poll := range 3 {
				serial := fmt.Sprintf("SN%07d", i)
				if i%1000 == 10 {
					serial = "OTHER"
				}
				obs = append(obs, []any{i + 1, now.Add(time.Duration(poll) * time.Minute), i%500 != 25, serial, ""})
			}
		}
	}
	lines, hist := benchPolicyLines(now)
	return bulkAll(ctx, db, []bulkTable{
		{"units", "id, code, name, kind", units},
		{"rooms", "id, name, unit_id, kind, status, address", rooms},
		{"racks", "id, room_id, name, u_height", racks},
		{"projects", "id, code, name, lead_unit_id, category, funding_source, classified, plan_year, budget, status", projects},
		{"devices", "id, name, kind, manufacturer, model, serial, unit_id, project_id, rack_id, position, status", devices},
		{"lines", "id, carrier, circuit_id, unit_id, a_end, z_end, bandwidth_mbps, monthly_fee, platform, status", lines},
		{"line_history", "id, line_id, at, bandwidth_mbps, platform", hist},
		{"observations", "device_id, at, reachable, serial, model", obs},
	})
}

type bulkTable struct {
	table, cols string
	rows        [][]any
}

func bulkAll(ctx context.Context, db *sqlx.DB, tables []bulkTable) error {
	for _, t := range tables {
		if err := bulk(ctx, db, t.table, t.cols, t.rows); err != nil {
			return err
		}
	}
	return nil
}

// benchPolicyLines are the lines of seedPolicyBench and their history.
func benchPolicyLines(now time.Time) (lines, hist [][]any) {
	for i := range pbLines {
		platform := []string{"private", "private", "intranet", "extranet", "private"}[i%5]
		status := "active"
		switch i % 10 {
		case 9:
			status = "terminated"
		case 8:
			status = "requested"
		}
		bw := 100 + 10*(i%20)
		lines = append(lines, []any{i + 1, "China Telecom", fmt.Sprintf("CT%05d", i), i%pbUnits + 1,
			fmt.Sprintf("Unit %d HQ", i%pbUnits+1), fmt.Sprintf("Hub %d", (i/pbUnits)%2), bw, 1500, platform, status})
		if i%10 == 4 {
			hist = append(hist, []any{len(hist) + 1, i + 1, now.Add(-time.Hour), bw / 2, platform})
		}
		hist = append(hist, []any{len(hist) + 1, i + 1, now, bw, platform})
	}
	return lines, hist
}

// benchPolicyDevice is device i (id i+1) of seedPolicyBench.
func benchPolicyDevice(i int) []any {
	var rack, pos, project any
	unit := i%pbUnits + 1
	switch {
	case i < pbCentralRacks*40:
		rack, pos = i/40+1, i%40+1
	case i < pbCentralRacks*40+50_000:
		j := i - pbCentralRacks*40
		k := j / 40 // unit rack number, 0-based
		rack, pos = pbCentralRacks+k+1, j%40+1
		unit = pbCentralRooms + 1 + k/4 // the room's unit
	}
	if i%2 == 0 {
		project = (i/2)%pbProjects + 1
	}
	status := "active"
	switch i % 20 {
	case 0:
		status = "decommissioned"
	case 1, 2:
		status = "offline"
	case 3:
		status = "planned"
	}
	return []any{i + 1, fmt.Sprintf("dev-%06d", i), "server", "Huawei", fmt.Sprintf("M%d", i%17),
		fmt.Sprintf("SN%07d", i), unit, project, rack, pos, status}
}

// seedMoveBench writes 300 central racks of 42U with U1-U10 taken, and
// 5,000 devices of 1U to 4U, some half depth, in the racks of 125 unit rooms.
func seedMoveBench(ctx context.Context, db *sqlx.DB) error {
	var units, rooms, racks, devices [][]any
	units = append(units, []any{1, "ZW", "州电子政务办", "department"})
	rooms = append(rooms, []any{1, "Central", 1, "central", "active", ""})
	for r := 1; r <= 125; r++ {
		units = append(units, []any{r + 1, fmt.Sprintf("U%03d", r), "单位", "department"})
		rooms = append(rooms, []any{r + 1, fmt.Sprintf("Room %d", r), r + 1, "unit", "active", ""})
	}
	id := 0
	dev := func(unit, rack, pos, h int, face string, full bool) {
		id++
		devices = append(devices, []any{id, fmt.Sprintf("d%d", id), "server", unit, rack, pos, h, face, full, "active"})
	}
	for k := 1; k <= pbMoveRacks; k++ {
		racks = append(racks, []any{k, 1, fmt.Sprintf("A%03d", k), 42})
		for pos := 1; pos <= 10; pos += 2 {
			dev(1, k, pos, 2, "front", true)
		}
	}
	// The devices to move fill unit racks from U1 up, spread over the 125
	// unit rooms: per ten, five 1U, three 2U, one 4U, all full depth, then
	// a half-depth pair sharing one U, front and rear.
	rack, pos := 0, 43
	for n := range pbMoveDevices {
		h, face, full := 1, "front", true
		switch n % 11 {
		case 5, 6, 7:
			h = 2
		case 8:
			h = 4
		case 9:
			full = false
		case 10:
			face, full = "rear", false
		}
		if pos+h-1 > 42 && n%11 != 10 {
			rack, pos = rack+1, 1
			racks = append(racks, []any{pbMoveRacks + rack, 2 + rack%125, fmt.Sprintf("B%03d", rack), 42})
		}
		room := 2 + rack%125
		if n%11 == 10 {
			dev(room, pbMoveRacks+rack, pos-1, 1, face, full) // behind the front half-depth one
			continue
		}
		dev(room, pbMoveRacks+rack, pos, h, face, full)
		pos += h
	}
	return bulkAll(ctx, db, []bulkTable{
		{"units", "id, code, name, kind", units},
		{"rooms", "id, name, unit_id, kind, status, address", rooms},
		{"racks", "id, room_id, name, u_height", racks},
		{"devices", "id, name, kind, unit_id, rack_id, position, u_height, face, full_depth, status", devices},
	})
}

// countFindingWrites counts, with triggers, every row inserted into or
// updated in findings from now on, in bench_finding_writes.n: a count that
// does not rely on the engine's own.
func countFindingWrites(b *testing.B, s *inventory.Store) {
	b.Helper()
	stmts := []string{
		"CREATE TABLE IF NOT EXISTS bench_finding_writes (n BIGINT NOT NULL)",
		"DELETE FROM bench_finding_writes",
		"INSERT INTO bench_finding_writes (n) VALUES (0)",
	}
	if s.Dialect() == inventory.Postgres {
		stmts = append(stmts, `CREATE OR REPLACE FUNCTION bench_count_write() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN UPDATE bench_finding_writes SET n = n + 1; RETURN NULL; END $$`,
			"DROP TRIGGER IF EXISTS bench_findings_written ON findings",
			`CREATE TRIGGER bench_findings_written AFTER INSERT OR UPDATE ON findings
			FOR EACH ROW EXECUTE FUNCTION bench_count_write()`)
	} else {
		stmts = append(stmts,
			`CREATE TRIGGER IF NOT EXISTS bench_findings_ins AFTER INSERT ON findings
			BEGIN UPDATE bench_finding_writes SET n = n + 1; END`,
			`CREATE TRIGGER IF NOT EXISTS bench_findings_upd AFTER UPDATE ON findings
			BEGIN UPDATE bench_finding_writes SET n = n + 1; END`)
	}
	// Prove the counter counts: one no-op update is one write.
	stmts = append(stmts, "UPDATE findings SET status = status WHERE id = (SELECT MIN(id) FROM findings)")
	for _, q := range stmts {
		if _, err := s.DB().Exec(q); err != nil {
			b.Fatalf("count finding writes: %v", err)
		}
	}
	var n int
	if err := s.DB().Get(&n, "SELECT n FROM bench_finding_writes"); err != nil || n != 1 {
		b.Fatalf("the write counter counted %d for one update (%v)", n, err)
	}
	if _, err := s.DB().Exec("UPDATE bench_finding_writes SET n = 0"); err != nil {
		b.Fatal(err)
	}
}

// resetPeakRSS resets the process's peak resident set (VmHWM) so that the
// benchmark's own peak can be read after it.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS: %v", err)
	}
}

// reportPeakRSS reports VmHWM of /proc/self/status in MB.
func reportPeakRSS(b *testing.B) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err == nil {
				b.ReportMetric(float64(kb)/1024, "peak-rss-MB")
			}
		}
	}
}
