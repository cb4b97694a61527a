package inventory_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestRunCheckIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		p := newPolicy(t, db.Store)
		room, _ := p.unitRoom("planned")
		l := p.line("private", "active", "A", "B", 100)
		now := time.Now()

		first := p.run(now)
		if first.Opened != 2 || first.Open != 2 || first.Written != 2 || first.Rules != len(inventory.Rules()) {
			t.Fatalf("first run %+v, want 2 opened, 2 open, 2 written, every rule", first)
		}
		second := p.run(now)
		if second.Opened != 0 || second.StillOpen != 2 || second.Resolved != 0 || second.Written != 0 {
			t.Fatalf("second run %+v, want 2 still open and no finding row written", second)
		}

		// A change of severity rewrites the finding in place, still open.
		_, err := p.s.UpdateRoom(p.ctx, room.ID, func(in *inventory.RoomInput) error { in.Status = "active"; return nil })
		noErr(t, err)
		third := p.run(now)
		f := p.wantStatus("private-room", "room", room.ID, "open")
		if third.Written != 1 || third.Opened != 0 || f.Severity != "medium" || f.Params["status"] != "active" {
			t.Errorf("after the room went active: run %+v, finding %+v", third, f)
		}

		// Resolved, then holding again: the same finding reopens.
		lf := p.wantStatus("private-line", "line", l.ID, "open")
		p.setLine(l.ID, func(in *inventory.LineInput) { in.Platform = "intranet" })
		p.run(now)
		p.setLine(l.ID, func(in *inventory.LineInput) { in.Platform = "private" })
		if c := p.run(now); c.Opened != 1 {
			t.Errorf("reopening run %+v, want 1 opened", c)
		}
		if again := p.wantStatus("private-line", "line", l.ID, "open"); again.ID != lf.ID || again.ResolvedAt != nil {
			t.Errorf("reopened finding %d (resolved_at %v), want the same finding %d without resolved_at", again.ID, again.ResolvedAt, lf.ID)
		}

		checks, total, err := p.s.Checks(p.ctx, inventory.ListParams{})
		noErr(t, err)
		if total != 5 || checks[0].ID <= checks[1].ID {
			t.Errorf("checks: total %d, want 5, newest first", total)
		}
		if n := auditCount(t, p.s, "check"); n != 5 {
			t.Errorf("%d audit rows of checks, want one per run (5)", n)
		}
	})
}

func TestExemptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		p := newPolicy(t, db.Store)
		room, _ := p.unitRoom("active")
		p.run(time.Now())
		f := p.wantStatus("private-room", "room", room.ID, "open")
		today := time.Now().In(time.FixedZone("CST", 8*3600)) // the business day
		day := func(years, days int) *inventory.Date {
			d := inventory.Date(today.AddDate(years, 0, days).Format(time.DateOnly))
			return &d
		}
		good := inventory.ExemptionInput{Reason: "涉密系统，经州保密局批准自建机房", Basis: "classified"}
		tests := []struct {
			name   string
			in     inventory.ExemptionInput
			field  string
			reason string
		}{
			{"reason too short", inventory.ExemptionInput{Reason: "涉密", Basis: "classified"}, "reason", "at least 10"},
			{"no reason", inventory.ExemptionInput{Basis: "other"}, "reason", "required"},
			{"bad basis", inventory.ExemptionInput{Reason: good.Reason, Basis: "secret"}, "basis", "classified, other"},
			{"expired already", inventory.ExemptionInput{Reason: good.Reason, Basis: "other", ExpiresOn: day(0, -1)}, "expires_on", "today"},
			{"more than three years", inventory.ExemptionInput{Reason: good.Reason, Basis: "other", ExpiresOn: day(3, 1)}, "expires_on", "3 years"},
			{"not a date", inventory.ExemptionInput{Reason: good.Reason, Basis: "other", ExpiresOn: ptr(inventory.Date("2026-02-30"))}, "expires_on", "YYYY-MM-DD"},
		}
		audits := auditCount(t, p.s, "finding")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := p.s.GrantExemption(p.ctx, f.ID, tt.in)
				wantErr(t, err, "validation", tt.field)
				if msg := err.(*inventory.ValidationError).Fields[tt.field]; !strings.Contains(msg, tt.reason) {
					t.Errorf("message %q does not say %q", msg, tt.reason)
				}
			})
		}
		if n := auditCount(t, p.s, "finding"); n != audits {
			t.Fatalf("refused exemptions wrote %d audit rows", n-audits)
		}

		in := good
		in.ExpiresOn = day(3, 0)
		got, err := p.s.GrantExemption(inventory.WithActor(p.ctx, "reviewer"), f.ID, in)
		noErr(t, err)
		if got.Status != "exempted" || got.Exemption == nil || got.Exemption.GrantedBy != "reviewer" ||
			*got.Exemption.ExpiresOn != *in.ExpiresOn || got.Exemption.Basis != "classified" {
			t.Fatalf("granted: %+v %+v", got, got.Exemption)
		}
		if c := p.run(time.Now()); c.Exempted != 1 || c.Open != 0 {
			t.Errorf("run after the grant %+v, want 1 exempted and 0 open", c)
		}
		got, err = p.s.RevokeExemption(p.ctx, f.ID)
		noErr(t, err)
		if got.Status != "open" || got.Exemption != nil {
			t.Errorf("revoked: status %s, exemption %+v", got.Status, got.Exemption)
		}
		_, err = p.s.RevokeExemption(p.ctx, f.ID)
		wantErr(t, err, "conflict", "")
		if n := auditCount(t, p.s, "finding"); n != audits+2 {
			t.Errorf("grant and revoke wrote %d audit rows, want 2", n-audits)
		}

		_, err = p.s.UpdateRoom(p.ctx, room.ID, func(in *inventory.RoomInput) error { in.Status = "retired"; return nil })
		noErr(t, err)
		p.run(time.Now())
		_, err = p.s.GrantExemption(p.ctx, f.ID, good)
		wantErr(t, err, "conflict", "")
		_, err = p.s.GrantExemption(p.ctx, 999999, good)
		wantErr(t, err, "not_found", "")
	})
}

func TestFindingsList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		p := newPolicy(t, db.Store)
		p.unitRoom("planned")
		p.line("private", "active", "A", "B", 100)
		p.run(time.Now())
		tests := []struct {
			name    string
			filters map[string]string
			want    int
			field   string
		}{
			{"all", nil, 2, ""},
			{"by rule", map[string]string{"rule": "private-line"}, 1, ""},
			{"by severity", map[string]string{"severity": "high"}, 1, ""},
			{"by unit", map[string]string{"unit_id": p.unitID()}, 2, ""},
			{"by status", map[string]string{"status": "resolved"}, 0, ""},
			{"English", map[string]string{"lang": "en"}, 2, ""},
			{"bad lang", map[string]string{"lang": "fr"}, 0, "lang"},
			{"bad severity", map[string]string{"severity": "urgent"}, 0, "severity"},
			{"bad subject type", map[string]string{"subject_type": "desk"}, 0, "subject_type"},
			{"unknown filter", map[string]string{"colour": "red"}, 0, "colour"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				items, total, err := p.s.Findings(p.ctx, inventory.ListParams{Filters: tt.filters})
				if tt.field != "" {
					wantErr(t, err, "validation", tt.field)
					return
				}
				noErr(t, err)
				if total != tt.want || len(items) != tt.want {
					t.Fatalf("%d findings (total %d), want %d", len(items), total, tt.want)
				}
				if tt.want == 2 && items[0].Severity != "high" {
					t.Errorf("first finding is %s, want the high one first", items[0].Severity)
				}
				for _, f := range items {
					prefix := "第五条："
					if tt.filters["lang"] == "en" {
						prefix = "Art. 5: "
					}
					if !strings.HasPrefix(f.Message, prefix) {
						t.Errorf("message %q does not start with %q", f.Message, prefix)
					}
				}
			})
		}
	})
}

func (p *policy) unitID() string { return fmt.Sprint(p.unit.ID) }

// TestConcurrentChecks runs checks side by side with an exemption: every run
// succeeds, and each finding exists once.
func TestConcurrentChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		p := newPolicy(t, db.Store)
		for range 3 {
			p.unitRoom("active")
			p.line("private", "requested", "A", "B", 10)
		}
		first := p.run(time.Now())
		p.unitRoom("planned") // one more for the concurrent runs to open
		errs := make(chan error, 5)
		for range 4 {
			go func() {
				_, err := db.Store.RunCheck(p.ctx, inventory.CheckOptions{})
				errs <- err
			}()
		}
		items, _, err := db.Store.Findings(p.ctx, inventory.ListParams{Filters: map[string]string{"rule": "private-line"}})
		noErr(t, err)
		go func() {
			_, err := db.Store.GrantExemption(p.ctx, items[0].ID, inventory.ExemptionInput{Reason: "approved by the office", Basis: "other"})
			errs <- err
		}()
		for range 5 {
			// A run overtaken by one that started later is refused rather
			// than written over the newer results.
			if err := <-errs; err != nil && !strings.Contains(err.Error(), "started after this one") {
				t.Errorf("concurrent run or exemption: %v", err)
			}
		}
		_, total, err := db.Store.Findings(p.ctx, inventory.ListParams{})
		noErr(t, err)
		if total != first.Open+1 {
			t.Errorf("%d findings after the concurrent runs, want %d", total, first.Open+1)
		}
		p.wantStatus("private-line", "line", items[0].SubjectID, "exempted")
	})
}

func TestLang(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", "zh"},
		{"en", "en"},
		{"en-GB,en;q=0.9", "en"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh"},
		{"fr-FR, en;q=0.5", "en"},
		{"*", "zh"},
		{"en;q=0.1, zh", "zh"},
		{"zh;q=0, en", "en"},
		{"zh;q=0.5, en;q=0.8", "en"},
	}
	for _, tt := range tests {
		if got := inventory.Lang(tt.header); got != tt.want {
			t.Errorf("Lang(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// The business day is the prefecture's (UTC+8): an exemption that runs until
// day X has expired at 00:30 on X+1 there, although it is still X in UTC.
func TestExemptionExpiresOnBusinessDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		p := newPolicy(t, db.Store)
		room, _ := p.unitRoom("active")
		p.run(time.Now())
		f := p.wantStatus("private-room", "room", room.ID, "open")
		x := time.Now().UTC().AddDate(0, 0, 10)
		until := inventory.Date(x.Format(time.DateOnly))
		_, err := p.s.GrantExemption(p.ctx, f.ID, inventory.ExemptionInput{
			Reason: "classified per secrecy bureau filing 2026-17", Basis: "classified", ExpiresOn: &until})
		noErr(t, err)
		// 16:30 UTC on X is 00:30 on X+1 in the prefecture.
		p.run(time.Date(x.Year(), x.Month(), x.Day(), 16, 30, 0, 0, time.UTC))
		p.wantStatus("private-room", "room", room.ID, "open")
	})
}

func TestExemptionValidateBusinessDay(t *testing.T) {
	// 23:00 UTC on 9 January is 07:00 on 10 January in the prefecture.
	now := time.Date(2026, 1, 9, 23, 0, 0, 0, time.UTC)
	shanghai, err := inventory.LoadZone("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		day string
		ok  bool
	}{{"2026-01-09", false}, {"2026-01-10", true}, {"2029-01-10", true}, {"2029-01-11", false}} {
		d := inventory.Date(tt.day)
		in := inventory.ExemptionInput{Reason: "classified per secrecy bureau filing", Basis: "classified", ExpiresOn: &d}
		if err := in.Validate(now, shanghai); (err == nil) != tt.ok {
			t.Errorf("expires_on %s at %s: error %v, want ok %v", tt.day, now, err, tt.ok)
		}
	}
}

// A finding exempted, then resolved, that holds again reopens as open and
// without the exemption it had: an open finding never shows one.
func TestReopenedFindingDropsExemption(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		p := newPolicy(t, db.Store)
		l := p.line("private", "active", "A", "B", 100)
		now := time.Now()
		p.run(now)
		f := p.wantStatus("private-line", "line", l.ID, "open")
		until := inventory.Date(now.AddDate(0, 1, 0).Format(time.DateOnly))
		_, err := p.s.GrantExemption(p.ctx, f.ID, inventory.ExemptionInput{
			Reason: "classified per secrecy bureau filing 2026-17", Basis: "classified", ExpiresOn: &until})
		noErr(t, err)
		p.setLine(l.ID, func(in *inventory.LineInput) { in.Platform = "intranet" })
		p.run(now)
		p.wantStatus("private-line", "line", l.ID, "resolved")
		p.setLine(l.ID, func(in *inventory.LineInput) { in.Platform = "private" })
		p.run(now)
		if got := p.wantStatus("private-line", "line", l.ID, "open"); got.Exemption != nil {
			t.Errorf("reopened open finding shows an exemption %+v", got.Exemption)
		}
	})
}

// TestStaleRunNotWritten: a run whose snapshot is older than that of a run
// already reconciled writes nothing.
func TestStaleRunNotWritten(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		p := newPolicy(t, db.Store)
		p.unitRoom("active")
		first := p.run(time.Now())
		// A run that started later (here: tomorrow) has already written.
		sdb := db.Store.DB()
		later := time.Now().UTC().Add(24 * time.Hour)
		_, err := sdb.ExecContext(p.ctx, sdb.Rebind(`INSERT INTO checks (started, finished, actor, rules, opened,
			still_open, resolved, open, exempted, written) VALUES (?, ?, 'other', 0, 0, 0, 0, 0, 0, 0)`), later, later)
		noErr(t, err)
		p.unitRoom("planned") // a new finding the stale run would open
		_, err = db.Store.RunCheck(p.ctx, inventory.CheckOptions{})
		wantErr(t, err, "conflict", "")
		_, total, err := db.Store.Findings(p.ctx, inventory.ListParams{})
		noErr(t, err)
		if total != first.Open {
			t.Errorf("%d findings after the stale run, want %d: it wrote", total, first.Open)
		}
	})
}
