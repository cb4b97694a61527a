package inventory_test

import (
	"fmt"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// project creates a draft project of the fixture's unit.
func (f *fixture) specProject(t *testing.T, code string) inventory.Project {
	t.Helper()
	in := inventory.DefaultProjectInput()
	in.Code, in.Name, in.LeadUnitID = fmt.Sprintf("%s-%d", code, f.unit.ID), "政务云扩容 "+code, f.unit.ID
	in.Category, in.FundingSource, in.PlanYear, in.Budget = "application", "prefecture", 2026, 1e6
	p, err := f.s.CreateProject(f.ctx, in)
	noErr(t, err)
	return p
}

// setStatus puts a project in a lifecycle status directly: the transitions
// and their gates are tested with the lifecycle; here only the state counts.
func (f *fixture) forceStatus(t *testing.T, projectID int64, status string) {
	t.Helper()
	db := f.s.DB()
	if _, err := db.ExecContext(f.ctx, db.Rebind(`UPDATE projects SET status = ? WHERE id = ?`), status, projectID); err != nil {
		t.Fatal(err)
	}
}

func specReq(field, op string, v any) inventory.Requirement {
	return inventory.Requirement{Field: field, Op: op, Value: v}
}

func specItemIn(kind string, qty int, reqs ...inventory.Requirement) inventory.SpecItemInput {
	in := inventory.DefaultSpecItemInput()
	in.Kind, in.Quantity, in.Name = kind, qty, kind
	if reqs != nil {
		in.Requirements = reqs
	}
	return in
}

func TestSpecItemValidation(t *testing.T) {
	cases := []struct {
		name  string
		in    inventory.SpecItemInput
		field string
	}{
		{"good", specItemIn("server", 2, specReq("memory_gb", "min", 128.0), specReq("model", "in", []any{"R750", "2288H"})), ""},
		{"bad kind", specItemIn("mainframe", 1), "kind"},
		{"zero quantity", specItemIn("server", 0), "quantity"},
		{"unknown field", specItemIn("server", 1, specReq("gpus", "min", 2.0)), "requirements[0].field"},
		{"unknown op", specItemIn("server", 1, specReq("memory_gb", "min", 1.0), specReq("memory_gb", "gt", 1.0)), "requirements[1].op"},
		{"text with min", specItemIn("server", 1, specReq("model", "min", "R750")), "requirements[0].op"},
		{"number as text", specItemIn("server", 1, specReq("memory_gb", "min", "128")), "requirements[0].value"},
		{"text as number", specItemIn("server", 1, specReq("model", "eq", 750.0)), "requirements[0].value"},
		{"empty in", specItemIn("server", 1, specReq("model", "in", []any{})), "requirements[0].value"},
		{"mixed in", specItemIn("server", 1, specReq("cpu_cores", "in", []any{16.0, "32"})), "requirements[0].value"},
		{"negative", specItemIn("server", 1, specReq("ports", "max", -1.0)), "requirements[0].value"},
		{"bad kind value", specItemIn("server", 1, specReq("kind", "eq", "mainframe")), "requirements[0].value"},
		{"negative cap", func() inventory.SpecItemInput {
			in := specItemIn("server", 1)
			in.MaxUnitPrice = ptr(-5.0)
			return in
		}(), "max_unit_price"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate()
			if tc.field == "" {
				wantErr(t, err, "", "")
				return
			}
			wantErr(t, err, "validation", tc.field)
		})
	}
}

func TestSpecItemsFreeze(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "FRZ")
		it, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 2, specReq("memory_gb", "min", 128)))
		noErr(t, err)
		if it.RevisionID == 0 || it.Requirements[0].Value != 128.0 {
			t.Fatalf("item = %+v", it)
		}
		revs, err := f.s.SpecRevisions(f.ctx, p.ID)
		noErr(t, err)
		if len(revs) != 1 || revs[0].Status != "current" || revs[0].Number != 1 || len(revs[0].Items) != 1 {
			t.Fatalf("revisions = %+v", revs)
		}
		for _, status := range []string{"draft", "submitted", "approved"} {
			f.forceStatus(t, p.ID, status)
			_, err = f.s.UpdateSpecItem(f.ctx, p.ID, it.ID, func(in *inventory.SpecItemInput) error { in.Quantity = 3; return nil })
			wantErr(t, err, "", "")
		}
		for _, status := range []string{"spec_reviewed", "procuring", "accepted", "rejected"} {
			t.Run(status, func(t *testing.T) {
				f.forceStatus(t, p.ID, status)
				_, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("switch", 1))
				wantErr(t, err, "conflict", "status")
				_, err = f.s.UpdateSpecItem(f.ctx, p.ID, it.ID, func(in *inventory.SpecItemInput) error { in.Quantity = 9; return nil })
				wantErr(t, err, "conflict", "status")
				wantErr(t, f.s.DeleteSpecItem(f.ctx, p.ID, it.ID), "conflict", "status")
			})
		}
		items, err := f.s.SpecItems(f.ctx, p.ID)
		noErr(t, err)
		if len(items) != 1 || items[0].Quantity != 3 {
			t.Fatalf("frozen items changed: %+v", items)
		}
		_, err = f.s.SpecItems(f.ctx, p.ID+1000)
		wantErr(t, err, "not_found", "")
		if n := auditCount(t, f.s, "spec_item"); n != 4 {
			t.Fatalf("spec_item audit rows = %d, want 4 (create, 3 updates)", n)
		}
	})
}

func TestSpecRevisions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "REV")
		old, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1))
		noErr(t, err)
		dev := f.device("db-01", 1)
		dev.ProjectID, dev.SpecItemID = &p.ID, &old.ID
		d, err := f.s.CreateDevice(f.ctx, dev)
		noErr(t, err)
		f.forceStatus(t, p.ID, "procuring")

		_, err = f.s.ProposeSpecRevision(f.ctx, p.ID, inventory.SpecRevisionInput{Reason: "more memory"})
		wantErr(t, err, "validation", "items")
		bad := inventory.SpecRevisionInput{Reason: "x", Items: []inventory.SpecItemInput{specItemIn("server", 1, specReq("model", "max", 3.0))}}
		_, err = f.s.ProposeSpecRevision(f.ctx, p.ID, bad)
		wantErr(t, err, "validation", "items[0].requirements[0].op")

		in := inventory.SpecRevisionInput{Reason: "vendor discontinued the model",
			Items: []inventory.SpecItemInput{specItemIn("server", 2, specReq("memory_gb", "min", 256.0)), specItemIn("switch", 1)}}
		r2, err := f.s.ProposeSpecRevision(f.ctx, p.ID, in)
		noErr(t, err)
		if r2.Status != "proposed" || r2.Number != 2 || len(r2.Items) != 2 {
			t.Fatalf("proposed = %+v", r2)
		}
		_, err = f.s.ProposeSpecRevision(f.ctx, p.ID, in)
		wantErr(t, err, "conflict", "")
		if n, _ := f.s.SpecItems(f.ctx, p.ID); len(n) != 1 {
			t.Fatalf("a proposal changed the current spec: %+v", n)
		}
		_, err = f.s.RejectSpecRevision(f.ctx, p.ID, r2.ID, inventory.SpecReviewInput{})
		wantErr(t, err, "validation", "note")

		ok, err := f.s.ApproveSpecRevision(f.ctx, p.ID, r2.ID, inventory.SpecReviewInput{Note: "reviewed by the expert panel"})
		noErr(t, err)
		if ok.Status != "current" || ok.ReviewedBy == nil || ok.ReviewedAt == nil {
			t.Fatalf("approved = %+v", ok)
		}
		_, err = f.s.ApproveSpecRevision(f.ctx, p.ID, r2.ID, inventory.SpecReviewInput{})
		wantErr(t, err, "conflict", "status")
		_, err = f.s.ApproveSpecRevision(f.ctx, p.ID, r2.ID+100, inventory.SpecReviewInput{})
		wantErr(t, err, "not_found", "")

		items, err := f.s.SpecItems(f.ctx, p.ID)
		noErr(t, err)
		if len(items) != 2 || items[0].Requirements[0].Field != "memory_gb" {
			t.Fatalf("current items = %+v", items)
		}
		got, err := f.s.Device(f.ctx, d.ID)
		noErr(t, err)
		if got.SpecItemID != nil {
			t.Fatalf("device still pinned to a superseded item: %v", *got.SpecItemID)
		}

		r3, err := f.s.ProposeSpecRevision(f.ctx, p.ID, in)
		noErr(t, err)
		rj, err := f.s.RejectSpecRevision(f.ctx, p.ID, r3.ID, inventory.SpecReviewInput{Note: "no reason to change"})
		noErr(t, err)
		if rj.Status != "rejected" || rj.ReviewNote != "no reason to change" {
			t.Fatalf("rejected = %+v", rj)
		}
		revs, err := f.s.SpecRevisions(f.ctx, p.ID)
		noErr(t, err)
		var statuses []string
		for _, r := range revs {
			statuses = append(statuses, fmt.Sprintf("%d:%s:%d", r.Number, r.Status, len(r.Items)))
		}
		if fmt.Sprint(statuses) != "[1:superseded:1 2:current:2 3:rejected:2]" {
			t.Fatalf("history = %v", statuses)
		}
		// create r1, create item; r2 create + approve + supersede r1; r3 create + reject
		if n := auditCount(t, f.s, "spec_revision"); n != 6 {
			t.Fatalf("spec_revision audit rows = %d, want 6", n)
		}
	})
}

// TestSpecRevisionsByStatus: a revision is proposed and approved only while
// the spec is frozen and the project not yet accepted; before that the items
// change directly, after it the spec is closed.
func TestSpecRevisionsByStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "RVS")
		_, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1))
		noErr(t, err)
		in := inventory.SpecRevisionInput{Reason: "the model was discontinued",
			Items: []inventory.SpecItemInput{specItemIn("server", 1, specReq("memory_gb", "min", 256.0))}}
		cases := []struct {
			status, want string // want: "" allowed, else the message part of the 409
		}{
			{"draft", "not frozen yet"},
			{"approved", "not frozen yet"},
			{"spec_reviewed", ""},
			{"implementing", ""},
			{"acceptance_failed", ""},
			{"accepted", "closed"},
			{"settled", "closed"},
			{"rejected", "closed"},
		}
		for _, tc := range cases {
			t.Run(tc.status, func(t *testing.T) {
				f.forceStatus(t, p.ID, tc.status)
				r, err := f.s.ProposeSpecRevision(f.ctx, p.ID, in)
				if tc.want != "" {
					wantErr(t, err, "conflict", "status")
					if !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("error %q does not say %q", err, tc.want)
					}
					return
				}
				noErr(t, err)
				_, err = f.s.RejectSpecRevision(f.ctx, p.ID, r.ID, inventory.SpecReviewInput{Note: "not now"})
				noErr(t, err)
			})
		}
		// A proposal left pending when the project is accepted cannot be
		// approved any more; it can still be rejected.
		f.forceStatus(t, p.ID, "trial_run")
		r, err := f.s.ProposeSpecRevision(f.ctx, p.ID, in)
		noErr(t, err)
		f.forceStatus(t, p.ID, "accepted")
		_, err = f.s.ApproveSpecRevision(f.ctx, p.ID, r.ID, inventory.SpecReviewInput{})
		wantErr(t, err, "conflict", "status")
		_, err = f.s.RejectSpecRevision(f.ctx, p.ID, r.ID, inventory.SpecReviewInput{Note: "project accepted"})
		noErr(t, err)
		_, err = f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("switch", 1))
		wantErr(t, err, "conflict", "status")
		if !strings.Contains(err.Error(), "closed") {
			t.Fatalf("an accepted project's item write says %q", err)
		}
	})
}

func TestDeviceSpecItemPin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "PIN")
		other := f.specProject(t, "OTH")
		srv, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1))
		noErr(t, err)
		sw, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("switch", 1))
		noErr(t, err)
		foreign, err := f.s.CreateSpecItem(f.ctx, other.ID, specItemIn("server", 1))
		noErr(t, err)
		cases := []struct {
			name    string
			project *int64
			item    int64
			field   string
		}{
			{"no project", nil, srv.ID, "spec_item_id"},
			{"other project's item", &p.ID, foreign.ID, "spec_item_id"},
			{"no such item", &p.ID, 99999, "spec_item_id"},
			{"wrong kind", &p.ID, sw.ID, "spec_item_id"},
			{"good", &p.ID, srv.ID, ""},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := f.device(fmt.Sprintf("pin-%d", i), 10+i)
				in.ProjectID, in.SpecItemID = tc.project, &tc.item
				_, err := f.s.CreateDevice(f.ctx, in)
				if tc.field == "" {
					wantErr(t, err, "", "")
					return
				}
				wantErr(t, err, "validation", tc.field)
			})
		}
		wantErr(t, f.s.DeleteSpecItem(f.ctx, p.ID, srv.ID), "conflict", "")
		noErr(t, f.s.DeleteSpecItem(f.ctx, p.ID, sw.ID))
		_, err = f.s.UpdateSpecItem(f.ctx, p.ID, srv.ID, func(in *inventory.SpecItemInput) error { in.Kind = "storage"; return nil })
		wantErr(t, err, "conflict", "kind")
	})
}

// TestSpecRevisionIntegrity: the database itself keeps one current and one
// proposed revision per project, whatever writes to it.
func TestSpecRevisionIntegrity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "INT")
		_, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1)) // revision 1, current
		noErr(t, err)
		sqldb := f.s.DB()
		insert := func(status string) error {
			_, err := sqldb.ExecContext(f.ctx, sqldb.Rebind(`INSERT INTO spec_revisions (project_id, number, status,
				created_at, created_by) VALUES (?, (SELECT MAX(number) + 1 FROM spec_revisions), ?, CURRENT_TIMESTAMP, 't')`),
				p.ID, status)
			return err
		}
		for _, step := range []struct {
			status string
			ok     bool
		}{{"current", false}, {"proposed", true}, {"proposed", false}, {"superseded", true}, {"superseded", true}} {
			if err := insert(step.status); (err == nil) != step.ok {
				t.Fatalf("insert a %s revision: err = %v, want ok = %v", step.status, err, step.ok)
			}
		}
	})
}
