package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// wantForbidden checks that err is a *ForbiddenError whose English message
// contains why.
func wantForbidden(t *testing.T, err error, why string) {
	t.Helper()
	var fe *inventory.ForbiddenError
	if !errors.As(err, &fe) || !errors.Is(err, inventory.ErrForbidden) {
		t.Fatalf("want forbidden, got %T %v", err, err)
	}
	if !strings.Contains(fe.Text("en"), why) {
		t.Errorf("message %q does not say %q", fe.Text("en"), why)
	}
	if fe.Text("zh") == "" || fe.Text("zh") == fe.Text("en") {
		t.Errorf("no Chinese message: %q", fe.Text("zh"))
	}
}

func TestScopeWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		s, ctx := w.s, w.staffA
		rename := func(in *inventory.DeviceInput) error { in.Name = "renamed"; return nil }
		for _, tc := range []struct {
			name  string
			write func() error
			kind  string // "not_found", "validation", "forbidden"
			field string // for validation: the field; for forbidden: part of the message
		}{
			{"update B's device", func() error { _, err := s.UpdateDevice(ctx, w.devB.ID, rename); return err }, "not_found", ""},
			{"delete B's device", func() error { return s.DeleteDevice(ctx, w.devB.ID) }, "not_found", ""},
			{"move own device to B", func() error {
				_, err := s.UpdateDevice(ctx, w.devA.ID, func(in *inventory.DeviceInput) error { in.UnitID = w.b.ID; return nil })
				return err
			}, "validation", "unit_id"},
			{"device of B", func() error {
				in := w.device("x", 30)
				in.UnitID = w.b.ID
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "validation", "unit_id"},
			{"device in B's rack", func() error {
				in := w.device("x", 30)
				in.UnitID, in.RackID = w.a.ID, &w.rackB.ID
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "validation", "rack_id"},
			{"device of B's project", func() error {
				in := inventory.DefaultDeviceInput()
				in.Name, in.Kind, in.UnitID, in.ProjectID = "x", "server", w.a.ID, &w.projB.ID
				_, err := s.CreateDevice(ctx, in)
				return err
			}, "validation", "project_id"},
			{"line of B", func() error {
				in := inventory.DefaultLineInput()
				in.Carrier, in.CircuitID, in.UnitID, in.AEnd, in.ZEnd, in.BandwidthMbps, in.Platform = "移动", "X", w.b.ID, "a", "z", 10, "intranet"
				_, err := s.CreateLine(ctx, in)
				return err
			}, "validation", "unit_id"},
			{"update B's line", func() error {
				_, err := s.UpdateLine(ctx, w.lineB.ID, func(in *inventory.LineInput) error { in.BandwidthMbps = 1; return nil })
				return err
			}, "not_found", ""},
			{"delete B's room", func() error { return s.DeleteRoom(ctx, w.roomB.ID) }, "not_found", ""},
			{"room of B", func() error {
				_, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "x", UnitID: w.b.ID, Kind: "unit", Status: "active"})
				return err
			}, "validation", "unit_id"},
			{"update the central room", func() error {
				_, err := s.UpdateRoom(ctx, w.room.ID, func(in *inventory.RoomInput) error { in.Name = "x"; return nil })
				return err
			}, "forbidden", "read it but not change it"},
			{"update the central rack", func() error {
				_, err := s.UpdateRack(ctx, w.rack.ID, func(in *inventory.RackInput) error { in.Name = "x"; return nil })
				return err
			}, "forbidden", "read it but not change it"},
			{"rack in the central room", func() error {
				_, err := s.CreateRack(ctx, inventory.RackInput{RoomID: w.room.ID, Name: "x", UHeight: 42})
				return err
			}, "validation", "room_id"},
			{"project led by B", func() error {
				in := inventory.DefaultProjectInput()
				in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.PlanYear = "X-1", "x", w.b.ID, "application", "self", 2026
				_, err := s.CreateProject(ctx, in)
				return err
			}, "validation", "lead_unit_id"},
			{"project with B taking part", func() error {
				in := inventory.DefaultProjectInput()
				in.Code, in.Name, in.LeadUnitID, in.UnitIDs = "X-2", "x", w.a.ID, []int64{w.b.ID}
				in.Category, in.FundingSource, in.PlanYear = "application", "self", 2026
				_, err := s.CreateProject(ctx, in)
				return err
			}, "validation", "unit_ids"},
			{"update B's project", func() error {
				_, err := s.UpdateProject(ctx, w.projB.ID, func(in *inventory.ProjectInput) error { in.Name = "x"; return nil })
				return err
			}, "not_found", ""},
			{"update a project A only takes part in", func() error {
				_, err := s.UpdateProject(ctx, w.projJoin.ID, func(in *inventory.ProjectInput) error { in.Name = "x"; return nil })
				return err
			}, "forbidden", "read it but not change it"},
			{"submit a project A only takes part in", func() error {
				_, err := s.TransitionProject(ctx, w.projJoin.ID, inventory.TransitionInput{To: "submitted", Date: "2025-03-01"})
				return err
			}, "forbidden", "read it but not change it"},
			{"document of B's project", func() error {
				_, err := s.CreateDocument(ctx, w.projB.ID, inventory.DocumentInput{Type: "other", Title: "x", Content: []byte("x")})
				return err
			}, "not_found", ""},
			{"spec revision of B's project", func() error {
				_, err := s.ProposeSpecRevision(ctx, w.projB.ID, inventory.SpecRevisionInput{Reason: "x"})
				return err
			}, "not_found", ""},
			{"spec item of B's project", func() error {
				in := inventory.DefaultSpecItemInput()
				in.Kind, in.Name = "server", "x"
				_, err := s.CreateSpecItem(ctx, w.projB.ID, in)
				return err
			}, "not_found", ""},
			{"transition B's project", func() error {
				_, err := s.TransitionProject(ctx, w.projB.ID, inventory.TransitionInput{To: "approved", Date: "2025-03-02"})
				return err
			}, "not_found", ""},
			{"exempt B's finding", func() error {
				_, err := s.GrantExemption(ctx, w.findingB, exemption)
				return err
			}, "not_found", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := auditTotal(t, s)
				err := tc.write()
				if tc.kind == "forbidden" {
					wantForbidden(t, err, tc.field)
				} else {
					wantErr(t, err, tc.kind, tc.field)
				}
				if after := auditTotal(t, s); after != before {
					t.Errorf("a refused write left %d audit rows", after-before)
				}
			})
		}
	})
}

// TestScopeWritesAllowed are the counterparts of TestScopeWrites: the same
// kinds of write on the unit's own records, or referring to what it may use.
func TestScopeWritesAllowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		s, ctx := w.s, w.staffA
		for _, tc := range []struct {
			name  string
			write func() error
		}{
			{"update own device", func() error {
				_, err := s.UpdateDevice(ctx, w.devA.ID, func(in *inventory.DeviceInput) error { in.Name = "dev-a-renamed"; return nil })
				return err
			}},
			{"own device in the central rack", func() error {
				in := w.device("dev-a-2", 30)
				in.UnitID = w.a.ID
				_, err := s.CreateDevice(ctx, in)
				return err
			}},
			{"own device in the joint project", func() error {
				in := inventory.DefaultDeviceInput()
				in.Name, in.Kind, in.UnitID, in.ProjectID = "dev-a-3", "server", w.a.ID, &w.projJoin.ID
				_, err := s.CreateDevice(ctx, in)
				return err
			}},
			{"own line", func() error {
				_, err := s.UpdateLine(ctx, w.lineA.ID, func(in *inventory.LineInput) error { in.BandwidthMbps = 50; return nil })
				return err
			}},
			{"edit own draft project that B takes part in", func() error {
				p := w.project(t, "PA-J", w.a.ID, w.b.ID) // B's part set by the system
				_, err := s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error { in.Budget = 2000; return nil })
				return err
			}},
			{"room and rack of own unit", func() error {
				r, err := s.CreateRoom(ctx, inventory.RoomInput{Name: "甲机房", UnitID: w.a.ID, Kind: "unit", Status: "planned"})
				if err != nil {
					return err
				}
				_, err = s.CreateRack(ctx, inventory.RackInput{RoomID: r.ID, Name: "K1", UHeight: 42})
				return err
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := auditTotal(t, s)
				noErr(t, tc.write())
				if after := auditTotal(t, s); after <= before {
					t.Errorf("the write left no audit row")
				}
			})
		}
	})
}

func auditTotal(t *testing.T, s *inventory.Store) int {
	t.Helper()
	_, n, err := s.Audit(context.Background(), inventory.ListParams{})
	noErr(t, err)
	return n
}

// TestScopeUnitStaffOwnProject walks what a unit's staff may do with a
// project their unit leads: create and edit the draft, file documents,
// submit it; after that the project is the reviewers'.
func TestScopeUnitStaffOwnProject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		s, ctx := w.s, w.staffA
		in := inventory.DefaultProjectInput()
		in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.PlanYear = "A-2", "甲项目", w.a.ID, "application", "self", 2026
		p, err := s.CreateProject(ctx, in)
		noErr(t, err)
		p, err = s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error { in.Budget = 5000; return nil })
		noErr(t, err)
		_, err = s.CreateDocument(ctx, p.ID, inventory.DocumentInput{Type: "technical_plan", Title: "技术方案",
			Filename: "plan.pdf", Content: []byte("%PDF-1.4 plan")})
		noErr(t, err)
		// A document of the project A takes part in: theirs to file.
		_, err = s.CreateDocument(ctx, w.projJoin.ID, inventory.DocumentInput{Type: "other", Title: "意见",
			Content: []byte("x")})
		noErr(t, err)
		_, err = s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "submitted", Date: "2025-03-01"})
		noErr(t, err)
		_, err = s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error { in.Budget = 6000; return nil })
		wantForbidden(t, err, "only while it is a draft")
		_, err = s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "approved", Date: "2025-03-02",
			ApprovalNumber: "x"})
		wantForbidden(t, err, "submitted or acceptance_requested only")
		// The reviewers (here the system) take it on.
		_, err = s.TransitionProject(w.ctx, p.ID, inventory.TransitionInput{To: "approved", Date: "2025-03-02",
			ApprovalNumber: "州发改〔2025〕1号"})
		noErr(t, err)
		// A's own records, in the audit as A's staff see it.
		rows, _, err := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"entity": "project", "entity_id": fmt.Sprint(p.ID)}})
		noErr(t, err)
		if len(rows) != 4 || rows[len(rows)-1].Actor != "staff-a" {
			t.Errorf("audit of A's project as A's staff: %d rows %+v", len(rows), rows)
		}
	})
}

// exemption is a valid exemption input.
var exemption = inventory.ExemptionInput{Reason: "机房搬迁前的过渡期，按州政府批复保留", Basis: "other"}

// TestScopeAuditOfDeletedRecords: a unit's staff see the audit of their
// records while the records exist; the rows of a deleted one drop out of
// their view, and stay in the full log.
func TestScopeAuditOfDeletedRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		s := w.s
		of := inventory.ListParams{Filters: map[string]string{"entity": "device", "entity_id": fmt.Sprint(w.devA.ID)}}
		_, n, err := s.Audit(w.staffA, of)
		noErr(t, err)
		if n != 1 {
			t.Fatalf("A's staff see %d audit rows of A's device, want 1", n)
		}
		noErr(t, s.DeleteDevice(w.staffA, w.devA.ID))
		_, n, err = s.Audit(w.staffA, of)
		noErr(t, err)
		if n != 0 {
			t.Errorf("A's staff see %d audit rows of A's deleted device, want 0", n)
		}
		_, n, err = s.Audit(w.ctx, of)
		noErr(t, err)
		if n != 2 {
			t.Errorf("the full log has %d rows of the deleted device, want 2 (create, delete)", n)
		}
	})
}
