package inventory_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/sheet"
)

// The benchmarks of the spreadsheet issue, per dialect:
//
//   - ImportPreview / ImportApply: 10,000 racked devices (1U, in 250 racks
//     of 42U) checked as a preview, and applied after one, goal < 10 s each;
//   - ExportXLSX: every device of 100,000 as XLSX, goal < 15 s and < 300 MB;
//   - PreviewAllBad: 50,000 rows each with errors, goal < 500 MB.
//
// Each reports peak-heap-MB (sampled every 5 ms while the operation runs),
// on Linux peak-rss-MB (VmHWM after clear_refs), and cpu-s, the CPU time of
// this process (not PostgreSQL's), which a loaded machine inflates less than
// the wall time.
//
//	go test -run '^$' -bench BenchmarkSheet -benchtime 1x -count 3 -timeout 60m ./inventory/
//
// See BENCHMARKS.md for the figures.

const (
	sheetBenchDevices = 10_000
	sheetBenchRacks   = 250
)

// sheetBenchDB is a database with a unit, a room and 250 empty 42U racks.
func sheetBenchDB(b *testing.B, dialect string) *inventory.Store {
	b.Helper()
	db := dbtest.Dialect(b, dialect)
	s, ctx := db.Store, context.Background()
	u, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "ZX", Name: "州中心", Kind: "department"})
	if err != nil {
		b.Fatal(err)
	}
	room, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "中心机房", UnitID: u.ID, Kind: "central", Status: "active"})
	if err != nil {
		b.Fatal(err)
	}
	var file strings.Builder
	file.WriteString("room_id,name,u_height\n")
	for i := range sheetBenchRacks {
		fmt.Fprintf(&file, "中心机房,R%03d,42\n", i)
	}
	if _, err := s.ImportFile(ctx, "racks", []byte(file.String()), "zh"); err != nil {
		b.Fatal(err)
	}
	_ = room
	return s
}

// deviceFile is n racked 1U devices, 40 a rack, as CSV; bad makes every
// row wrong in three columns (kind, unit, status).
func deviceFile(n, from int, bad bool) []byte {
	var f bytes.Buffer
	f.WriteString("设备名称,设备类型,厂商,型号,序列号,所属单位,所在机房,机柜,起始 U 位,占用 U 数,状态\n")
	for i := from; i < from+n; i++ {
		rack, pos := (i/40)%sheetBenchRacks, 1+i%40
		if bad {
			fmt.Fprintf(&f, "srv-%06d,mainframe,华为,2288H,SN%06d,NO-UNIT-%d,中心机房,R%03d,%d,%d,broken\n", i, i, i, rack, 50, 2)
			continue
		}
		fmt.Fprintf(&f, "srv-%06d,服务器,华为,2288H V6,SN%06d,ZX,中心机房,R%03d,%d,1,在用\n", i, i, rack, pos)
	}
	return f.Bytes()
}

// backendCPU is the CPU seconds a PostgreSQL backend has used so far (its
// /proc stat; the test runs on the server's machine), 0 for SQLite. The
// store is narrowed to one connection so that one backend runs it all.
func backendCPU(b *testing.B, s *inventory.Store) float64 {
	b.Helper()
	if s.Dialect() != inventory.Postgres {
		return 0
	}
	s.DB().SetMaxOpenConns(1)
	var pid int
	if err := s.DB().Get(&pid, "SELECT pg_backend_pid()"); err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	ut, _ := strconv.Atoi(f[11]) // fields 14 and 15 of stat: utime, stime (clock ticks)
	st, _ := strconv.Atoi(f[12])
	return float64(ut+st) / 100
}

// peak samples the heap while fn runs and reads the process's peak RSS; for
// PostgreSQL it reports the backend's CPU seconds too (db-cpu-s).
func peak(b *testing.B, s *inventory.Store, fn func()) {
	b.Helper()
	db0 := backendCPU(b, s)
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM (Linux)
	runtime.GC()
	var top atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > top.Load() {
				top.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var before, after syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	fn()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	close(done)
	cpu := func(r syscall.Rusage) float64 {
		return float64(r.Utime.Sec+r.Stime.Sec) + float64(r.Utime.Usec+r.Stime.Usec)/1e6
	}
	b.ReportMetric(cpu(after)-cpu(before), "cpu-s")
	if s.Dialect() == inventory.Postgres {
		b.ReportMetric(backendCPU(b, s)-db0, "db-cpu-s")
	}
	b.ReportMetric(float64(top.Load())/(1<<20), "peak-heap-MB")
	if raw, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				b.ReportMetric(float64(kb)/1024, "peak-rss-MB")
			}
		}
	}
}

func BenchmarkSheet(b *testing.B) {
	for _, dialect := range []string{inventory.SQLite, inventory.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			b.Run("ImportPreview", func(b *testing.B) { benchPreview(b, dialect) })
			b.Run("ImportApply", func(b *testing.B) { benchApply(b, dialect) })
			b.Run("PreviewAllBad", func(b *testing.B) { benchAllBad(b, dialect) })
			b.Run("ExportXLSX", func(b *testing.B) { benchExport(b, dialect) })
		})
	}
}

func benchPreview(b *testing.B, dialect string) {
	s, ctx := sheetBenchDB(b, dialect), context.Background()
	file := deviceFile(sheetBenchDevices, 0, false)
	b.ResetTimer()
	for range b.N {
		var res inventory.ImportResult
		var err error
		peak(b, s, func() { res, err = s.CheckImport(ctx, "devices", file, "zh") })
		if err != nil || res.Counts.Create != sheetBenchDevices {
			b.Fatalf("preview: %v %+v %v", err, res.Counts, res.Errors)
		}
	}
}

func benchApply(b *testing.B, dialect string) {
	file := deviceFile(sheetBenchDevices, 0, false)
	for range b.N {
		b.StopTimer()
		s, ctx := sheetBenchDB(b, dialect), context.Background()
		p, err := s.PreviewImport(ctx, "devices", file, "zh")
		if err != nil || p.Counts.Create != sheetBenchDevices {
			b.Fatalf("preview: %v %+v", err, p.Counts)
		}
		b.StartTimer()
		var res inventory.ImportResult
		peak(b, s, func() { res, err = s.ApplyImport(ctx, p.ID) })
		if err != nil || res.Counts.Create != sheetBenchDevices {
			b.Fatalf("apply: %v %+v", err, res.Counts)
		}
	}
}

func benchAllBad(b *testing.B, dialect string) {
	s, ctx := sheetBenchDB(b, dialect), context.Background()
	file := deviceFile(50_000, 0, true)
	b.ResetTimer()
	for range b.N {
		var res inventory.ImportResult
		var err error
		peak(b, s, func() { res, err = s.CheckImport(ctx, "devices", file, "zh") })
		if err != nil || res.Counts.Error != 50_000 || res.ErrorTotal < 3*50_000 {
			b.Fatalf("preview: %v %+v %d", err, res.Counts, res.ErrorTotal)
		}
	}
}

// benchExport seeds 100,000 devices through the importer (10 files of
// 10,000; the racks are shared, so only the first 10,000 are racked) and
// exports them all.
func benchExport(b *testing.B, dialect string) {
	s, ctx := sheetBenchDB(b, dialect), context.Background()
	start := time.Now()
	for i := range 10 {
		file := deviceFile(sheetBenchDevices, i*sheetBenchDevices, false)
		if i > 0 { // unracked: the racks are full
			file = bytes.ReplaceAll(file, []byte(",中心机房,"), []byte(",,"))
			file = unrack(file)
		}
		if _, err := s.ImportFile(ctx, "devices", file, "zh"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: seeded 100,000 devices through the importer in %v", dialect, time.Since(start).Round(time.Second))
	b.ResetTimer()
	for range b.N {
		var n int
		peak(b, s, func() {
			cw := &countWriter{}
			err := s.Export(ctx, "devices", inventory.ListParams{}, "zh", func(opt sheet.Options) (sheet.Writer, error) {
				return sheet.New(sheet.XLSX, cw, opt)
			})
			if err != nil {
				b.Fatal(err)
			}
			n = cw.n
		})
		b.ReportMetric(float64(n)/(1<<20), "file-MB")
	}
}

// unrack empties the rack and position columns of a device file.
func unrack(file []byte) []byte {
	lines := strings.Split(string(file), "\n")
	for i := 1; i < len(lines); i++ {
		cells := strings.Split(lines[i], ",")
		if len(cells) == 11 {
			cells[6], cells[7], cells[8] = "", "", ""
			lines[i] = strings.Join(cells, ",")
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
