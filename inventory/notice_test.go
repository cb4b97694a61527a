package inventory_test

import (
	"errors"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestEligibilityRectificationOrders: an order open past its due day at the
// end of 2024 costs the unit the 2025 plan, even when closed later; one
// closed by the year end, or due only in 2025, does not.
func TestEligibilityRectificationOrders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		clk := &clock{t: at("2024-12-01", 9, 0)}
		db.Store.SetClock(clk.now)
		reviewer := user("li.reviewer", 1, inventory.RoleReviewer, 0)
		order := func(f *fixture, due string) inventory.Rectification {
			r, err := f.s.CreateRectification(reviewer, inventory.RectificationInput{SubjectType: "unit", SubjectID: f.unit.ID,
				Problem: "自建机房未撤并", Action: "撤并", IssuedOn: ptr(inventory.Date("2024-11-01")), DueOn: inventory.Date(due)})
			noErr(t, err)
			return r
		}
		settle := func(f *fixture, r inventory.Rectification, day string) {
			clk.set(at(day, 10, 0))
			_, err := f.s.RespondRectification(f.ctx, r.ID, inventory.RectificationStep{Note: "done"})
			noErr(t, err)
			_, err = f.s.CloseRectification(reviewer, r.ID, inventory.RectificationStep{})
			noErr(t, err)
		}
		open, closedInTime, dueLater, closedLate, none := newFixture(t, db.Store), newFixture(t, db.Store),
			newFixture(t, db.Store), newFixture(t, db.Store), newFixture(t, db.Store)
		order(open, "2024-12-20")
		settle(closedInTime, order(closedInTime, "2024-12-20"), "2024-12-28")
		order(dueLater, "2025-01-15")
		late := order(closedLate, "2024-12-10")
		settle(closedLate, late, "2025-01-05")
		clk.set(at("2025-02-01", 9, 0))
		el, err := db.Store.Eligibility(none.ctx, 2025, 90)
		noErr(t, err)
		tests := []struct {
			name string
			f    *fixture
			want bool
		}{
			{"open past due at the year end", open, false},
			{"closed before the year end", closedInTime, true},
			{"due only in the plan year", dueLater, true},
			{"closed after the year end", closedLate, false},
			{"no order", none, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, u := range el.Items {
					if u.UnitID != tt.f.unit.ID {
						continue
					}
					if u.Eligible != tt.want {
						t.Fatalf("eligible %v, want %v: %+v", u.Eligible, tt.want, u.Reasons)
					}
					if !tt.want && (len(u.Reasons) != 1 || u.Reasons[0].Reason != "unrectified_order" || u.Reasons[0].RectificationID == 0) {
						t.Fatalf("reasons %+v, want one unrectified_order", u.Reasons)
					}
					return
				}
				t.Fatal("unit missing from the answer")
			})
		}
		// While 2025 runs, the 2026 plan is judged on today (1 February
		// 2025): the order due in January counts now, the one closed on 5
		// January no longer does.
		el, err = db.Store.Eligibility(none.ctx, 2026, 90)
		noErr(t, err)
		want := map[int64]bool{open.unit.ID: false, closedInTime.unit.ID: true, dueLater.unit.ID: false,
			closedLate.unit.ID: true, none.unit.ID: true}
		for _, u := range el.Items {
			if w, ok := want[u.UnitID]; ok && u.Eligible != w {
				t.Errorf("2026 plan, unit %s: eligible %v, want %v (%+v)", u.UnitCode, u.Eligible, w, u.Reasons)
			}
		}
	})
}

// TestNotices: a draft is the office's alone, is edited, published with its
// number, then refuses edits and is withdrawn with a reason, each step
// audited.
func TestNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		db.Store.SetClock((&clock{t: at("2026-05-06", 9, 0)}).now)
		f, other := newFixture(t, db.Store), newFixture(t, db.Store)
		reviewer := user("li.reviewer", 1, inventory.RoleReviewer, 0)
		staff := user("wang.staff", 2, inventory.RoleUnitStaff, f.unit.ID)
		r, err := f.s.CreateRectification(reviewer, inventory.RectificationInput{SubjectType: "unit", SubjectID: f.unit.ID,
			Problem: "专线未并入电子政务外网", Action: "并网", DueOn: "2026-06-01"})
		noErr(t, err)
		in := inventory.NoticeInput{Title: "关于部分单位整改不力的通报", Body: "经查……", UnitIDs: []int64{f.unit.ID},
			RectificationIDs: []int64{r.ID}}
		_, err = f.s.CreateNotice(staff, in)
		wantForbidden(t, err, "only reviewers")
		bad := in
		bad.UnitIDs = []int64{other.unit.ID}
		_, err = f.s.CreateNotice(reviewer, bad)
		wantErr(t, err, "validation", "rectification_ids")
		bad = in
		bad.UnitIDs = nil
		_, err = f.s.CreateNotice(reviewer, bad)
		wantErr(t, err, "validation", "unit_ids")
		n, err := f.s.CreateNotice(reviewer, in)
		noErr(t, err)
		if n.Status != "draft" || n.CreatedBy != "li.reviewer" {
			t.Fatalf("draft = %+v", n)
		}
		_, err = f.s.Notice(staff, n.ID)
		wantErr(t, err, "not_found", "")
		if _, total, err := f.s.Notices(staff, inventory.ListParams{}); err != nil || total != 0 {
			t.Errorf("unit staff list %d notices (%v) while the only one is a draft", total, err)
		}
		_, err = f.s.PublishNotice(reviewer, n.ID)
		wantErr(t, err, "conflict", "number")
		n, err = f.s.UpdateNotice(reviewer, n.ID, func(in *inventory.NoticeInput) error {
			in.Number = "州政务办通〔2026〕3号"
			return nil
		})
		noErr(t, err)
		dup := in
		dup.Number = "州政务办通〔2026〕3号"
		_, err = f.s.CreateNotice(reviewer, dup)
		wantErr(t, err, "conflict", "number")
		n, err = f.s.PublishNotice(reviewer, n.ID)
		noErr(t, err)
		if n.Status != "published" || n.PublishedOn == nil || *n.PublishedOn != "2026-05-06" {
			t.Fatalf("published = %+v", n)
		}
		if _, err := f.s.Notice(staff, n.ID); err != nil {
			t.Fatalf("a unit's staff cannot read the published notice: %v", err)
		}
		if _, total, err := f.s.Notices(user("zhao", 4, inventory.RoleUnitStaff, other.unit.ID), inventory.ListParams{}); err != nil || total != 1 {
			t.Errorf("another unit's staff list %d published notices (%v), want 1", total, err)
		}
		_, err = f.s.UpdateNotice(reviewer, n.ID, func(in *inventory.NoticeInput) error { in.Body = "改"; return nil })
		wantErr(t, err, "conflict", "status")
		var ce *inventory.ConflictError
		if errors.As(err, &ce); ce.Text("zh") == ce.Text("en") || !strings.Contains(ce.Text("zh"), "不得修改") {
			t.Errorf("the refused edit has no Chinese message: %q / %q", ce.Text("zh"), ce.Text("en"))
		}
		err = f.s.DeleteNotice(reviewer, n.ID)
		wantErr(t, err, "conflict", "status")
		_, err = f.s.WithdrawNotice(reviewer, n.ID, inventory.NoticeWithdrawal{Reason: " "})
		wantErr(t, err, "validation", "reason")
		_, err = f.s.WithdrawNotice(staff, n.ID, inventory.NoticeWithdrawal{Reason: "x"})
		wantForbidden(t, err, "only reviewers")
		n, err = f.s.WithdrawNotice(reviewer, n.ID, inventory.NoticeWithdrawal{Reason: "单位已申诉并核实"})
		noErr(t, err)
		if n.Status != "withdrawn" || n.WithdrawnBy == nil || *n.WithdrawnBy != "li.reviewer" || n.Body != "经查……" {
			t.Fatalf("withdrawn = %+v", n)
		}
		_, err = f.s.WithdrawNotice(reviewer, n.ID, inventory.NoticeWithdrawal{Reason: "again"})
		wantErr(t, err, "conflict", "status")
		if got := auditCount(t, f.s, "notice"); got != 4 {
			t.Errorf("audit rows of the notice = %d, want 4 (draft, edit, publish, withdraw)", got)
		}
		second, err := f.s.CreateNotice(reviewer, inventory.NoticeInput{Title: "另一则", Body: "b",
			UnitIDs: []int64{other.unit.ID, f.unit.ID}})
		noErr(t, err)
		list, total, err := f.s.Notices(reviewer, inventory.ListParams{})
		noErr(t, err)
		if total != 2 || list[0].ID != second.ID || len(list[0].UnitIDs) != 2 || len(list[1].UnitIDs) != 1 ||
			len(list[1].RectificationIDs) != 1 || len(list[0].RectificationIDs) != 0 {
			t.Errorf("list, newest first, with each notice's own links: %+v", list)
		}
		page, err := f.s.NoticePage(f.ctx, n.ID, "zh")
		noErr(t, err)
		if len(page.Units) != 1 || len(page.Units[0].Problems) != 1 || page.Units[0].Problems[0].Text != "专线未并入电子政务外网" {
			t.Errorf("notice page units = %+v", page.Units)
		}
	})
}
