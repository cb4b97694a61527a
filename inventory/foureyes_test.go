package inventory_test

import (
	"context"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// user is a signed-in user's context (UserID != 0); unit may be 0.
func user(name string, id int64, role string, unit int64) context.Context {
	return inventory.WithCaller(context.Background(), inventory.Caller{Name: name, UserID: id, Role: role, UnitID: unit})
}

// stepAs takes one lifecycle step as ctx, its prerequisites fulfilled first
// by the system.
func (f *fixture) stepAs(t *testing.T, ctx context.Context, p inventory.Project, to, date string) (inventory.Project, error) {
	t.Helper()
	f.satisfy(t, p, to)
	in := inventory.TransitionInput{To: to, Date: inventory.Date(date)}
	if to == "approved" {
		in.ApprovalNumber = "州发改〔2025〕7号"
	}
	return f.s.TransitionProject(ctx, p.ID, in)
}

func TestFourEyesLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		rev1 := user("rev1", 11, inventory.RoleReviewer, 0)
		rev2 := user("rev2", 12, inventory.RoleReviewer, 0)
		for _, tc := range []struct {
			name       string
			from, ask  string // the step rev1 takes, and the decision after it
			refuseWhy  string
			decideFrom string // the status the decision is taken from
		}{
			{"approve own submission", "submitted", "approved", "submitted project", "submitted"},
			{"reject own submission", "submitted", "rejected", "cannot approve or reject it", "submitted"},
			{"accept own request", "acceptance_requested", "accepted", "requested the acceptance", "acceptance_requested"},
			{"fail own request", "acceptance_requested", "acceptance_failed", "cannot accept it or fail it", "acceptance_requested"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := f.newProject(t, "FE-"+tc.ask, "self", false, 2025)
				p = f.advance(t, p, mainPath[indexOf(mainPath, tc.from)-1], "2025-03-01")
				p, err := f.stepAs(t, rev1, p, tc.from, "2025-03-02")
				noErr(t, err)
				_, err = f.stepAs(t, rev1, p, tc.ask, "2025-03-03")
				wantForbidden(t, err, tc.refuseWhy)
				got, err := f.s.Project(f.ctx, p.ID)
				noErr(t, err)
				if got.Status != tc.decideFrom {
					t.Errorf("after the refusal the project is %s, want %s", got.Status, tc.decideFrom)
				}
				// Another reviewer may; so may the system (not a user).
				ctx := rev2
				if tc.ask == "rejected" || tc.ask == "acceptance_failed" {
					ctx = inventory.WithActor(context.Background(), "rev1") // the same name, but no user
				}
				_, err = f.stepAs(t, ctx, p, tc.ask, "2025-03-03")
				noErr(t, err)
			})
		}
	})
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func TestFourEyesSpecRevision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		p := f.specProject(t, "FER")
		_, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1))
		noErr(t, err)
		f.forceStatus(t, p.ID, "procuring")
		staff := user("staff-1", 21, inventory.RoleUnitStaff, f.unit.ID)
		rev := user("rev1", 11, inventory.RoleReviewer, 0)
		in := inventory.SpecRevisionInput{Reason: "型号停产", Items: []inventory.SpecItemInput{specItemIn("server", 2)}}
		r, err := f.s.ProposeSpecRevision(staff, p.ID, in)
		noErr(t, err)
		if r.CreatedBy != "staff-1" {
			t.Fatalf("proposed by %q", r.CreatedBy)
		}
		// The proposer cannot decide on it, either way.
		_, err = f.s.ApproveSpecRevision(staff, p.ID, r.ID, inventory.SpecReviewInput{})
		wantForbidden(t, err, "cannot approve or reject it")
		_, err = f.s.RejectSpecRevision(staff, p.ID, r.ID, inventory.SpecReviewInput{Note: "撤回"})
		wantForbidden(t, err, "cannot approve or reject it")
		ok, err := f.s.ApproveSpecRevision(rev, p.ID, r.ID, inventory.SpecReviewInput{Note: "同意"})
		noErr(t, err)
		if ok.Status != "current" || ok.ReviewedBy == nil || *ok.ReviewedBy != "rev1" {
			t.Errorf("approved = %+v", ok)
		}
		// A reviewer's own proposal: another reviewer rejects it.
		r3, err := f.s.ProposeSpecRevision(rev, p.ID, in)
		noErr(t, err)
		_, err = f.s.RejectSpecRevision(rev, p.ID, r3.ID, inventory.SpecReviewInput{Note: "自审"})
		wantForbidden(t, err, "rev1 proposed spec revision 3")
		_, err = f.s.RejectSpecRevision(user("rev2", 12, inventory.RoleReviewer, 0), p.ID, r3.ID,
			inventory.SpecReviewInput{Note: "重复"})
		noErr(t, err)
	})
}

func TestFourEyesExemption(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		s := w.s
		ownPlanner := user("planner-a", 31, inventory.RolePlanner, w.a.ID) // a planner seconded from unit A
		otherPlanner := user("planner", 32, inventory.RolePlanner, 0)
		_, err := s.GrantExemption(ownPlanner, w.findingA, exemption)
		wantForbidden(t, err, "of your own unit")
		_, err = s.GrantExemption(w.staffA, w.findingA, exemption)
		wantForbidden(t, err, "of your own unit")
		// The same planner may exempt another unit's finding.
		_, err = s.GrantExemption(ownPlanner, w.findingB, exemption)
		noErr(t, err)
		f, err := s.GrantExemption(otherPlanner, w.findingA, exemption)
		noErr(t, err)
		if f.Status != "exempted" {
			t.Errorf("status %s after the exemption", f.Status)
		}
		_, err = s.RevokeExemption(ownPlanner, w.findingA)
		wantForbidden(t, err, "cannot grant or revoke")
		f, err = s.RevokeExemption(otherPlanner, w.findingA)
		noErr(t, err)
		if f.Status != "open" {
			t.Errorf("status %s after the revocation", f.Status)
		}
		// The system is not a user: no four-eyes.
		_, err = s.GrantExemption(inventory.WithCaller(context.Background(), inventory.Caller{Name: "cli",
			Role: inventory.RoleAdmin, UnitID: w.a.ID}), w.findingA, exemption)
		noErr(t, err)
	})
}
