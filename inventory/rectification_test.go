package inventory_test

import (
	"slices"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// at is a moment in the business time zone (UTC+8).
func at(day string, hour, minute int) time.Time {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, time.FixedZone("CST", 8*3600))
}

// set moves the clock to t.
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// overdueFindings counts the open rectification-overdue findings.
func overdueFindings(t *testing.T, f *fixture) int {
	t.Helper()
	_, n, err := f.s.Findings(f.ctx, inventory.ListParams{Filters: map[string]string{
		"rule": "rectification-overdue", "status": "open"}})
	noErr(t, err)
	return n
}

// TestRectificationLifecycle follows one order: open, overdue from the first
// business day after its due day (not the UTC day), answered, refused,
// reopened, answered again and closed, with its exchange, audit and finding.
func TestRectificationLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		clk := &clock{t: at("2026-03-10", 10, 0)}
		db.Store.SetClock(clk.now)
		f := newFixture(t, db.Store)
		other := newFixture(t, db.Store)
		p := f.newProject(t, "R-1", "self", false, 2026)
		reviewer := user("li.reviewer", 1, inventory.RoleReviewer, 0)
		staff := user("wang.staff", 2, inventory.RoleUnitStaff, f.unit.ID)
		stranger := user("zhao.staff", 3, inventory.RoleUnitStaff, other.unit.ID)

		r, err := f.s.CreateRectification(reviewer, inventory.RectificationInput{SubjectType: "project", SubjectID: p.ID,
			Problem: "设备未进驻中心机房", Action: "迁入州中心机房", DueOn: "2026-03-20"})
		noErr(t, err)
		if r.State != "open" || r.IssuedOn != "2026-03-10" || r.UnitID != f.unit.ID || r.ProjectID == nil || r.IssuedBy != "li.reviewer" {
			t.Fatalf("issued order = %+v", r)
		}
		state := func(ctxName string, want string, overdue bool) {
			t.Helper()
			got, err := f.s.Rectification(f.ctx, r.ID)
			noErr(t, err)
			if got.State != want || got.Overdue != overdue {
				t.Fatalf("%s: state %s overdue %v, want %s %v", ctxName, got.State, got.Overdue, want, overdue)
			}
		}
		clk.set(at("2026-03-20", 23, 59))
		state("the due day's last minute", "open", false)
		clk.set(at("2026-03-21", 0, 1)) // 2026-03-20 16:01 UTC: the business day is the 21st
		state("the next business day", "overdue", true)
		items, total, err := f.s.Rectifications(f.ctx, inventory.ListParams{Filters: map[string]string{"state": "overdue"}})
		noErr(t, err)
		if total != 1 || items[0].ID != r.ID {
			t.Fatalf("overdue list = %d %v", total, items)
		}
		_, err = f.s.RunCheck(f.ctx, inventory.CheckOptions{})
		noErr(t, err)
		if n := overdueFindings(t, f); n != 1 {
			t.Fatalf("open rectification-overdue findings = %d, want 1", n)
		}

		_, err = f.s.RespondRectification(reviewer, r.ID, inventory.RectificationStep{Note: "x"})
		wantForbidden(t, err, "only its staff may respond")
		_, err = f.s.RespondRectification(stranger, r.ID, inventory.RectificationStep{Note: "x"})
		wantErr(t, err, "not_found", "")
		_, err = f.s.RespondRectification(staff, r.ID, inventory.RectificationStep{})
		wantErr(t, err, "validation", "note")
		foreign := other.upload(t, other.newProject(t, "R-9", "self", false, 2026).ID, "other")
		_, err = f.s.RespondRectification(staff, r.ID, inventory.RectificationStep{Note: "x", DocumentIDs: []int64{foreign.ID}})
		wantErr(t, err, "validation", "document_ids")
		doc := f.upload(t, p.ID, "other")
		r, err = f.s.RespondRectification(staff, r.ID, inventory.RectificationStep{Note: "已迁移", DocumentIDs: []int64{doc.ID}})
		noErr(t, err)
		if r.State != "responded" || r.Overdue {
			t.Fatalf("after the response: %s overdue %v", r.State, r.Overdue)
		}
		_, err = f.s.RespondRectification(staff, r.ID, inventory.RectificationStep{Note: "again"})
		wantErr(t, err, "conflict", "state")
		_, err = f.s.CloseRectification(staff, r.ID, inventory.RectificationStep{})
		wantForbidden(t, err, "only reviewers")
		_, err = f.s.RefuseRectification(reviewer, r.ID, inventory.RectificationStep{})
		wantErr(t, err, "validation", "note")
		r, err = f.s.RefuseRectification(reviewer, r.ID, inventory.RectificationStep{Note: "机柜未上架"})
		noErr(t, err)
		if r.State != "overdue" || !r.Overdue {
			t.Fatalf("a refused response past the due day: %s overdue %v, want overdue", r.State, r.Overdue)
		}
		_, err = f.s.CloseRectification(reviewer, r.ID, inventory.RectificationStep{})
		wantErr(t, err, "conflict", "state")
		clk.set(at("2026-03-25", 9, 0))
		_, err = f.s.RespondRectification(staff, r.ID, inventory.RectificationStep{Note: "已上架"})
		noErr(t, err)
		r, err = f.s.CloseRectification(reviewer, r.ID, inventory.RectificationStep{Note: "核查属实"})
		noErr(t, err)
		if r.State != "closed" || r.ClosedOn == nil || *r.ClosedOn != "2026-03-25" {
			t.Fatalf("closed order = %s %v", r.State, r.ClosedOn)
		}
		var kinds, actors []string
		for _, e := range r.History {
			kinds, actors = append(kinds, e.Kind), append(actors, e.Actor)
		}
		wantKinds := []string{"issue", "response", "refuse", "response", "close"}
		wantActors := []string{"li.reviewer", "wang.staff", "li.reviewer", "wang.staff", "li.reviewer"}
		if !slices.Equal(kinds, wantKinds) || !slices.Equal(actors, wantActors) {
			t.Fatalf("history %v by %v, want %v by %v", kinds, actors, wantKinds, wantActors)
		}
		if !slices.Equal(r.History[1].DocumentIDs, []int64{doc.ID}) {
			t.Errorf("the response's documents = %v, want [%d]", r.History[1].DocumentIDs, doc.ID)
		}
		if n := auditCount(t, f.s, "rectification"); n != 5 {
			t.Errorf("audit rows of the order = %d, want 5 (issue and four steps)", n)
		}
		_, err = f.s.RunCheck(f.ctx, inventory.CheckOptions{})
		noErr(t, err)
		if n := overdueFindings(t, f); n != 0 {
			t.Errorf("open rectification-overdue findings after the close = %d, want 0", n)
		}
		if _, n, err := f.s.Rectifications(stranger, inventory.ListParams{}); err != nil || n != 0 {
			t.Errorf("another unit's staff list %d orders (%v), want 0", n, err)
		}
		// A unit that takes part in the project reads the order but does not
		// answer it: the lead unit does.
		_, err = f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error {
			in.UnitIDs = []int64{other.unit.ID}
			return nil
		})
		noErr(t, err)
		if _, err := f.s.Rectification(stranger, r.ID); err != nil {
			t.Errorf("a participating unit's staff cannot read the project's order: %v", err)
		}
		_, err = f.s.RespondRectification(stranger, r.ID, inventory.RectificationStep{Note: "x"})
		wantForbidden(t, err, "not issued to your unit")
		if _, n, err := f.s.Rectifications(staff, inventory.ListParams{Filters: map[string]string{"state": "closed"}}); err != nil || n != 1 {
			t.Errorf("the unit's staff list %d closed orders (%v), want 1", n, err)
		}
	})
}

// TestRectificationInput refuses bad orders, each naming its field, and
// orders issued by anyone but the office.
func TestRectificationInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		db.Store.SetClock((&clock{t: at("2026-03-10", 10, 0)}).now)
		f := newFixture(t, db.Store)
		p := f.newProject(t, "R-2", "self", false, 2026)
		ok := inventory.RectificationInput{SubjectType: "unit", SubjectID: f.unit.ID, Problem: "p", Action: "a", DueOn: "2026-04-01"}
		tests := []struct {
			name   string
			change func(in *inventory.RectificationInput)
			field  string
		}{
			{"subject type", func(in *inventory.RectificationInput) { in.SubjectType = "room" }, "subject_type"},
			{"no subject", func(in *inventory.RectificationInput) { in.SubjectID = 0 }, "subject_id"},
			{"unknown unit", func(in *inventory.RectificationInput) { in.SubjectID = 99999 }, "subject_id"},
			{"unknown project", func(in *inventory.RectificationInput) { in.SubjectType, in.SubjectID = "project", 99999 }, "subject_id"},
			{"no problem", func(in *inventory.RectificationInput) { in.Problem = " " }, "problem"},
			{"no action", func(in *inventory.RectificationInput) { in.Action = "" }, "action"},
			{"no due day", func(in *inventory.RectificationInput) { in.DueOn = "" }, "due_on"},
			{"due on the issue day", func(in *inventory.RectificationInput) { in.DueOn = "2026-03-10" }, "due_on"},
			{"due before a paper issue day", func(in *inventory.RectificationInput) {
				in.IssuedOn, in.DueOn = ptr(inventory.Date("2026-02-01")), "2026-01-31"
			}, "due_on"},
			{"issued tomorrow", func(in *inventory.RectificationInput) { in.IssuedOn = ptr(inventory.Date("2026-03-11")) }, "issued_on"},
			{"bad date", func(in *inventory.RectificationInput) { in.DueOn = "2026-13-01" }, "due_on"},
			{"unknown finding", func(in *inventory.RectificationInput) { in.FindingIDs = []int64{424242} }, "finding_ids"},
			{"evaluation of a unit", func(in *inventory.RectificationInput) { in.EvaluationID = ptr(int64(1)) }, "evaluation_id"},
			{"evaluation of another project", func(in *inventory.RectificationInput) {
				in.SubjectType, in.SubjectID, in.EvaluationID = "project", p.ID, ptr(int64(424242))
			}, "evaluation_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.change(&in)
				_, err := f.s.CreateRectification(f.ctx, in)
				wantErr(t, err, "validation", tt.field)
			})
		}
		before := auditCount(t, f.s, "rectification")
		_, err := f.s.CreateRectification(user("wang", 2, inventory.RoleUnitStaff, f.unit.ID), ok)
		wantForbidden(t, err, "only reviewers")
		_, err = f.s.CreateRectification(user("ops", 3, inventory.RoleOperator, 0), ok)
		wantForbidden(t, err, "only reviewers")
		if n := auditCount(t, f.s, "rectification"); n != before {
			t.Errorf("refused orders wrote %d audit rows", n-before)
		}
		paper := ok
		paper.IssuedOn = ptr(inventory.Date("2026-01-05"))
		r, err := f.s.CreateRectification(f.ctx, paper)
		noErr(t, err)
		if r.IssuedOn != "2026-01-05" || r.History != nil {
			t.Errorf("paper order issued on %s", r.IssuedOn)
		}
		for _, filters := range []map[string]string{{"state": "late"}, {"due_from": "soon"}, {"colour": "red"}} {
			_, _, err := f.s.Rectifications(f.ctx, inventory.ListParams{Filters: filters})
			for k := range filters {
				wantErr(t, err, "validation", k)
			}
		}
		_, n, err := f.s.Rectifications(f.ctx, inventory.ListParams{Filters: map[string]string{
			"due_from": "2026-04-01", "due_to": "2026-04-01", "unit_id": "1"}})
		noErr(t, err)
		_, all, err := f.s.Rectifications(f.ctx, inventory.ListParams{Filters: map[string]string{"due_from": "2026-04-01", "due_to": "2026-04-01"}})
		noErr(t, err)
		if all != 1 || (f.unit.ID != 1 && n != 0) {
			t.Errorf("due-day filter: %d orders, unit 1 %d", all, n)
		}
	})
}
