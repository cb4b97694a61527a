package inventory_test

import (
	"context"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// OpsFigures counts open findings by rule and severity, the latest
// completed check, and exemptions ending within 7 and 30 business days,
// the last day included.
func TestOpsFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s := db.Store
		s.SetClock((&clock{t: at("2026-05-06", 23, 30)}).now) // 23:30 in Shanghai: still the 6th
		ctx := context.Background()
		f, err := s.OpsFigures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.OpenFindings) != 0 || f.LastCheck != nil || f.ExemptionsExpiring[7] != 0 || f.ExemptionsExpiring[30] != 0 {
			t.Fatalf("empty database: %+v", f)
		}
		rows := []struct {
			rule, severity, status string
			expires                any
		}{
			{"private-room", "high", "open", nil},
			{"private-room", "high", "open", nil},
			{"private-room", "medium", "open", nil},
			{"private-line", "medium", "resolved", nil},
			{"private-line", "medium", "exempted", "2026-05-13"}, // the 7th day ahead: within 7
			{"private-line", "medium", "exempted", "2026-05-14"}, // the 8th: within 30 only
			{"private-line", "medium", "exempted", "2026-06-05"}, // the 30th
			{"private-line", "medium", "exempted", "2026-06-06"}, // the 31st: neither
			{"private-line", "medium", "exempted", nil},          // no end
		}
		for i, r := range rows {
			reason := any(nil)
			if r.status == "exempted" {
				reason = "reviewed"
			}
			if _, err := s.DB().Exec(s.DB().Rebind(`INSERT INTO findings (rule, severity, subject_type, subject_id, status,
				first_seen, exemption_reason, exemption_expires_on) VALUES (?, ?, 'unit', ?, ?, ?, ?, ?)`),
				r.rule, r.severity, i+1, r.status, at("2026-05-01", 9, 0), reason, r.expires); err != nil {
				t.Fatal(err)
			}
		}
		f, err = s.OpsFigures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.ExemptionsExpiring[7] != 1 || f.ExemptionsExpiring[30] != 3 {
			t.Errorf("expiring within 7 days %d (want 1), within 30 %d (want 3)", f.ExemptionsExpiring[7], f.ExemptionsExpiring[30])
		}
		want := []inventory.FindingCount{{Rule: "private-room", Severity: "high", N: 2}, {Rule: "private-room", Severity: "medium", N: 1}}
		if len(f.OpenFindings) != len(want) || f.OpenFindings[0] != want[0] || f.OpenFindings[1] != want[1] {
			t.Errorf("open findings %+v, want %+v", f.OpenFindings, want)
		}
		if f.LastCheck != nil {
			t.Errorf("a check before any ran: %+v", f.LastCheck)
		}
		run, err := s.RunCheck(inventory.WithActor(ctx, "test"), inventory.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if f, err = s.OpsFigures(ctx); err != nil {
			t.Fatal(err)
		}
		if f.LastCheck == nil || !f.LastCheck.Finished.Equal(run.Finished) || f.LastCheck.Finished.Before(f.LastCheck.Started) {
			t.Errorf("last check %+v, want the run that finished at %s", f.LastCheck, run.Finished)
		}
	})
}
