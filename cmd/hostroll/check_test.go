package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/robfig/cron/v3"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var timestamps = regexp.MustCompile(`"\d{4}-\d\d-\d\dT[0-9:.]+Z"`)

// recordedToday is what a backdated-step message says of the day the demo's
// steps were recorded (today) and how long after their paper dates.
var (
	recordedToday   = regexp.MustCompile(`却于 \d{4}-\d\d-\d\d 才登记（晚 \d+ 天）`)
	recordedTodayEN = regexp.MustCompile(`recorded on \d{4}-\d\d-\d\d \(\d+ days later\)`)
)

// TestCheckCommand runs check over the demo data set on both dialects: the
// output matches the golden files, and --fail-on sets the exit code.
func TestCheckCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		if code, _, stderr := runCLI(t, "demo", "--db", db.URL); code != 0 {
			t.Fatalf("demo: %d %s", code, stderr)
		}
		code, out, stderr := runCLI(t, "check", "--db", db.URL)
		if code != 0 {
			t.Fatalf("check: exit %d, stderr %s", code, stderr)
		}
		golden(t, "check.txt", recordedTodayEN.ReplaceAllString(out, "recorded on TODAY (N days later)"))
		code, out, stderr = runCLI(t, "check", "--db", db.URL, "--lang", "zh")
		if code != 0 {
			t.Fatalf("check --lang zh: exit %d, stderr %s", code, stderr)
		}
		golden(t, "check_zh.txt", recordedToday.ReplaceAllString(out, "却于 TODAY 才登记（晚 N 天）"))

		code, out, _ = runCLI(t, "check", "--db", db.URL, "--format", "json")
		if code != 0 {
			t.Fatalf("check --format json: exit %d", code)
		}
		// The actor is cli:<whoever runs the tests>.
		out = strings.ReplaceAll(out, `"actor": "`+cliActor()+`"`, `"actor": "cli:USER"`)
		golden(t, "check.json", timestamps.ReplaceAllString(out, `"TIME"`))

		tests := []struct {
			name   string
			args   []string
			code   int
			stderr string
		}{
			{"high findings exist", []string{"--fail-on", "high"}, 3, "3 open findings of severity high or higher"},
			{"low and up", []string{"--fail-on", "low"}, 3, "26 open findings of severity low or higher"},
			{"bad threshold", []string{"--fail-on", "urgent"}, 2, "--fail-on must be high, medium or low"},
			{"bad format", []string{"--format", "xml"}, 2, "--format must be text or json"},
			{"bad format in Chinese", []string{"--format", "xml", "--lang", "zh"}, 2, "--format 须为 text 或 json"},
			{"high findings in Chinese", []string{"--fail-on", "high", "--lang", "zh-CN"}, 3, "有 3 个严重程度为「高」或更高的未处理问题"},
			{"bad language", []string{"--lang", "fr"}, 2, "--lang must be zh or en"},
			{"stray argument", []string{"now"}, 2, `unexpected argument "now"`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				code, _, stderr := runCLI(t, append([]string{"check", "--db", db.URL}, tt.args...)...)
				if code != tt.code || !strings.Contains(stderr, tt.stderr) {
					t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
				}
			})
		}

		// Exempting the three high findings lets --fail-on high pass.
		items, _, err := db.Store.Findings(context.Background(), inventory.ListParams{Filters: map[string]string{"severity": "high"}})
		if err != nil || len(items) != 3 {
			t.Fatalf("high findings: %v %v", items, err)
		}
		for _, f := range items {
			_, err = db.Store.GrantExemption(context.Background(), f.ID,
				inventory.ExemptionInput{Reason: "已报州电子政务办公室备案，限期整改", Basis: "other"})
			if err != nil {
				t.Fatal(err)
			}
		}
		if code, _, stderr := runCLI(t, "check", "--db", db.URL, "--fail-on", "high"); code != 0 {
			t.Errorf("after the exemption: exit %d, %s", code, stderr)
		}
	})
}

func TestCheckSchedule(t *testing.T) {
	db := dbtest.SQLite(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	if _, err := startCheckSchedule(ctx, db.Store, "at two", log); err == nil || !strings.Contains(err.Error(), "cron spec") {
		t.Errorf("bad spec: %v, want an error naming the cron spec", err)
	}
	for _, spec := range []string{"off", DefaultCheckSchedule, "CRON_TZ=Asia/Shanghai 30 1 * * *"} {
		stop, err := startCheckSchedule(ctx, db.Store, spec, log)
		if err != nil {
			t.Fatalf("%q: %v", spec, err)
		}
		stop()
	}
	checkJob(ctx, db.Store, log)()
	checks, total, err := db.Store.Checks(ctx, inventory.ListParams{})
	if err != nil || total != 1 || checks[0].Actor != "schedule" {
		t.Errorf("after one scheduled run: %v %d %v, want one check by schedule", checks, total, err)
	}
}

// TestScheduleZone: "0 2 * * *" is two in the morning in HOSTROLL_TZ
// (default Asia/Shanghai), not on the server's clock; a bad zone exits 2.
func TestScheduleZone(t *testing.T) {
	for _, tc := range []struct {
		tz      string
		utcHour int
	}{{"", 18}, {"Asia/Shanghai", 18}, {"UTC", 2}, {"Europe/London", 2}} {
		t.Run("HOSTROLL_TZ="+tc.tz, func(t *testing.T) {
			t.Setenv("HOSTROLL_TZ", tc.tz)
			zone, err := businessZone()
			if err != nil {
				t.Fatal(err)
			}
			c := newCron(zone, cron.DiscardLogger)
			if _, err := c.AddFunc(DefaultCheckSchedule, func() {}); err != nil {
				t.Fatal(err)
			}
			c.Start()
			defer c.Stop()
			next := c.Entries()[0].Next
			if got := next.UTC().Hour(); got != tc.utcHour && !(tc.tz == "Europe/London" && got == 1) {
				t.Errorf("next run %s (UTC hour %d), want UTC hour %d", next, got, tc.utcHour)
			}
		})
	}
	t.Setenv("HOSTROLL_TZ", "Mars/Olympus")
	db := "sqlite://" + filepath.Join(t.TempDir(), "tz.db")
	if code, _, stderr := runCLI(t, "migrate", "--db", db); code != 2 || !strings.Contains(stderr, "HOSTROLL_TZ") {
		t.Errorf("bad HOSTROLL_TZ: exit %d, %s; want 2 naming HOSTROLL_TZ", code, stderr)
	}
}
