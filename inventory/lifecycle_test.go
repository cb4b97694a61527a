package inventory_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// TestLifecycleGraph walks a project from draft to settled and, at every
// status, tries every step that is not an edge: each is a conflict on "to"
// that changes nothing. The rejected and acceptance_failed branches follow.
func TestLifecycleGraph(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		offGraph := func(p inventory.Project) {
			t.Helper()
			for _, to := range inventory.ProjectStatuses {
				if slices.Contains(inventory.ProjectTransitions[p.Status], to) {
					continue
				}
				audit := auditCount(t, s, "project")
				_, err := s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: to, Date: "2025-06-01"})
				wantErr(t, err, "conflict", "to")
				if got, _ := s.Project(ctx, p.ID); got.Status != p.Status {
					t.Fatalf("%s → %s refused but the status is now %s", p.Status, to, got.Status)
				}
				if auditCount(t, s, "project") != audit {
					t.Fatalf("%s → %s refused but audited", p.Status, to)
				}
			}
		}
		p := f.newProject(t, "LC-1", "prefecture", true, 2025)
		offGraph(p)
		for _, to := range mainPath[1:] {
			p = f.step(t, p, to, "2025-06-01")
			if p.Status != to {
				t.Fatalf("status %s after the step to %s", p.Status, to)
			}
			offGraph(p)
		}
		if p.ApprovalNumber == "" || p.TrialRunEnd == nil || *p.TrialRunEnd != "2025-12-31" {
			t.Errorf("approval_number %q, trial_run_end %v: want both recorded by their steps", p.ApprovalNumber, p.TrialRunEnd)
		}
		steps, err := s.ProjectHistory(ctx, p.ID)
		noErr(t, err)
		if len(steps) != len(mainPath)-1 {
			t.Fatalf("%d history rows, want %d", len(steps), len(mainPath)-1)
		}
		for i, st := range steps {
			if st.FromStatus != mainPath[i] || st.ToStatus != mainPath[i+1] || st.Date != "2025-06-01" ||
				st.Note != "step to "+mainPath[i+1] || st.Actor != "cli" || st.ProjectID != p.ID {
				t.Errorf("history[%d] = %+v", i, st)
			}
		}

		t.Run("rejected is final", func(t *testing.T) {
			r := f.advance(t, f.newProject(t, "LC-2", "self", false, 2025), "submitted", "2025-01-10")
			r = f.step(t, r, "rejected", "2025-01-20")
			offGraph(r)
		})
		t.Run("acceptance failed and requested again", func(t *testing.T) {
			a := f.advance(t, f.newProject(t, "LC-3", "higher_level", false, 2025), "acceptance_requested", "2025-03-01")
			a = f.step(t, a, "acceptance_failed", "2025-04-01")
			offGraph(a)
			a = f.step(t, a, "acceptance_requested", "2025-05-01")
			a = f.step(t, a, "accepted", "2025-05-10")
			steps, err := s.ProjectHistory(ctx, a.ID)
			noErr(t, err)
			var got []string
			for _, st := range steps {
				got = append(got, st.ToStatus)
			}
			want := append(slices.Clone(mainPath[1:8]), "acceptance_failed", "acceptance_requested", "accepted")
			if !slices.Equal(got, want) {
				t.Errorf("history %v, want %v", got, want)
			}
		})
	})
}

// TestLifecyclePrerequisites takes each gate with its prerequisites missing
// and checks that the conflict lists exactly those, changes nothing, and
// that the step goes through once they are there.
func TestLifecyclePrerequisites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		n := 0
		for _, tc := range []struct {
			name, funding string
			classified    bool
			to            string
			want          []string
			// body adds what the step's body carries when it is retried.
			body func(*inventory.TransitionInput)
		}{
			{"prefecture application (Art. 7)", "prefecture", false, "submitted",
				[]string{"feasibility_study", "funding_estimate", "preliminary_design", "project_plan"}, nil},
			{"classified prefecture application", "prefecture", true, "submitted",
				[]string{"feasibility_study", "funding_estimate", "preliminary_design", "project_plan", "secrecy_filing"}, nil},
			{"higher-level filing (Art. 6)", "higher_level", false, "submitted", []string{"upward_application_copy"}, nil},
			{"self-funded technical plan (Art. 6)", "self", false, "submitted", []string{"technical_plan"}, nil},
			{"classified self-funded", "self", true, "submitted", []string{"secrecy_filing", "technical_plan"}, nil},
			{"approval number", "self", false, "approved", []string{"approval_number"},
				func(in *inventory.TransitionInput) { in.ApprovalNumber = "州政务办〔2025〕7号" }},
			{"spec items (Art. 8)", "self", false, "spec_reviewed", []string{"spec_items"}, nil},
			{"supervisor (Art. 11) and procurement (Art. 9)", "self", false, "implementing",
				[]string{"procurement", "procurement_contract", "supervisor"}, nil},
			{"trial run end", "self", false, "trial_run", []string{"trial_run_end"},
				func(in *inventory.TransitionInput) { in.TrialRunEnd = ptr(inventory.Date("2025-09-30")) }},
			{"acceptance documents and compliance (Art. 10, 13)", "self", false, "acceptance_requested",
				[]string{"completion_report", "compliance.1", "implementation_plan", "supervision_report", "test_report",
					"training_report", "trial_run_report"}, nil},
			{"joint acceptance of a classified project", "self", true, "accepted", []string{"joint_acceptance"}, nil},
			{"settlement audit and amount (Art. 14)", "self", false, "settled", []string{"settlement_amount", "settlement_audit"},
				func(in *inventory.TransitionInput) { in.SettlementAmount = ptr(95000.0) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n++
				p := f.newProject(t, fmt.Sprintf("PR-%d", n), tc.funding, tc.classified, 2025)
				prev := mainPath[slices.Index(mainPath, tc.to)-1]
				p = f.advance(t, p, prev, "2025-02-01")
				audit, steps := auditCount(t, s, "project"), historyLen(t, s, p.ID)
				_, err := s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: tc.to, Date: "2025-03-01"})
				if got := conflictFields(t, err); !slices.Equal(got, tc.want) {
					t.Fatalf("missing %v, want %v (%v)", got, tc.want, err)
				}
				if !strings.Contains(err.Error(), fmt.Sprint(len(tc.want))) {
					t.Errorf("message %q does not count the missing prerequisites", err)
				}
				if got, _ := s.Project(ctx, p.ID); got.Status != prev {
					t.Errorf("status %s after a refused step, want %s", got.Status, prev)
				}
				if auditCount(t, s, "project") != audit || historyLen(t, s, p.ID) != steps {
					t.Errorf("a refused step wrote audit or history rows")
				}
				f.satisfy(t, p, tc.to)
				in := inventory.TransitionInput{To: tc.to, Date: "2025-03-01"}
				if tc.body != nil {
					tc.body(&in)
				}
				got, err := s.TransitionProject(ctx, p.ID, in)
				noErr(t, err)
				if got.Status != tc.to {
					t.Errorf("status %s, want %s", got.Status, tc.to)
				}
			})
		}
	})
}

func historyLen(t *testing.T, s *inventory.Store, id int64) int {
	t.Helper()
	steps, err := s.ProjectHistory(t.Context(), id)
	noErr(t, err)
	return len(steps)
}

// TestComplianceGate: acceptance is refused while a delivered device fails
// the spec, with the compliance reason naming the device, and allowed once
// the device is fixed.
func TestComplianceGate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		p := f.advance(t, f.newProject(t, "CG-1", "self", false, 2025), "approved", "2025-01-05")
		in := inventory.DefaultSpecItemInput()
		in.Kind, in.Name, in.Quantity = "server", "数据库服务器", 1
		in.Requirements = []inventory.Requirement{{Field: "memory_gb", Op: "min", Value: 256}}
		_, err := s.CreateSpecItem(ctx, p.ID, in)
		noErr(t, err)
		p = f.advance(t, p, "trial_run", "2025-02-01")
		dev := inventory.DefaultDeviceInput()
		dev.Name, dev.Kind, dev.UnitID, dev.ProjectID = "db-01", "server", f.unit.ID, &p.ID
		dev.Specs.MemoryGB = ptr(128)
		d, err := s.CreateDevice(ctx, dev)
		noErr(t, err)
		for _, typ := range wantDocs(p, "acceptance_requested") {
			f.upload(t, p.ID, typ)
		}
		_, err = s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "acceptance_requested", Date: "2025-03-01"})
		named := false
		for i, field := range conflictFields(t, err) {
			if field != fmt.Sprintf("compliance.%d", i+1) {
				t.Fatalf("missing %q, want only compliance.N", field)
			}
			msg := err.(*inventory.ConflictError).Fields[field]
			named = named || strings.Contains(msg, "db-01") || strings.Contains(msg, fmt.Sprintf("device %d", d.ID))
		}
		if !named {
			t.Errorf("no compliance reason names the device: %v", err.(*inventory.ConflictError).Fields)
		}
		_, err = s.UpdateDevice(ctx, d.ID, func(in *inventory.DeviceInput) error { in.Specs.MemoryGB = ptr(512); return nil })
		noErr(t, err)
		_, err = s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "acceptance_requested", Date: "2025-03-01"})
		noErr(t, err)
	})
}

// TestTransitionValidation covers bad step bodies: each a validation error on
// its field that changes nothing.
func TestTransitionValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		p := f.advance(t, f.newProject(t, "TV-1", "self", false, 2025), "submitted", "2025-02-10")
		for _, tc := range []struct {
			name  string
			in    inventory.TransitionInput
			field string
		}{
			{"unknown status", inventory.TransitionInput{To: "done", Date: "2025-03-01"}, "to"},
			{"no date", inventory.TransitionInput{To: "approved", ApprovalNumber: "A-1"}, "date"},
			{"not a date", inventory.TransitionInput{To: "approved", Date: "2025-02-30", ApprovalNumber: "A-1"}, "date"},
			{"before the previous step", inventory.TransitionInput{To: "approved", Date: "2025-02-09", ApprovalNumber: "A-1"}, "date"},
			{"in the future", inventory.TransitionInput{To: "approved", Date: "2199-01-01", ApprovalNumber: "A-1"}, "date"},
			{"approval number on another step", inventory.TransitionInput{To: "rejected", Date: "2025-03-01", ApprovalNumber: "A-1"}, "approval_number"},
			{"trial run end on another step", inventory.TransitionInput{To: "approved", Date: "2025-03-01", ApprovalNumber: "A-1",
				TrialRunEnd: ptr(inventory.Date("2025-12-31"))}, "trial_run_end"},
			{"note too long", inventory.TransitionInput{To: "rejected", Date: "2025-03-01", Note: strings.Repeat("x", 2001)}, "note"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.TransitionProject(ctx, p.ID, tc.in)
				wantErr(t, err, "validation", tc.field)
				if got, _ := s.Project(ctx, p.ID); got.Status != "submitted" {
					t.Errorf("status %s after a refused step", got.Status)
				}
			})
		}
		t.Run("trial run end before its start", func(t *testing.T) {
			_, err := s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "trial_run", Date: "2025-03-01",
				TrialRunEnd: ptr(inventory.Date("2025-02-01"))})
			wantErr(t, err, "validation", "trial_run_end")
		})
		t.Run("missing project", func(t *testing.T) {
			_, err := s.TransitionProject(ctx, 99999, inventory.TransitionInput{To: "submitted", Date: "2025-03-01"})
			wantErr(t, err, "not_found", "")
			_, err = s.ProjectHistory(ctx, 99999)
			wantErr(t, err, "not_found", "")
		})
		t.Run("status and approval number are not writable", func(t *testing.T) {
			_, err := s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error { in.Status = ptr("accepted"); return nil })
			wantErr(t, err, "validation", "status")
			_, err = s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error { in.ApprovalNumber = ptr("X"); return nil })
			wantErr(t, err, "validation", "approval_number")
			in := inventory.DefaultProjectInput()
			in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.PlanYear = "TV-2", "x", f.unit.ID, "application", "self", 2025
			in.Status = ptr("approved")
			_, err = s.CreateProject(ctx, in)
			wantErr(t, err, "validation", "status")
		})
	})
}

// TestTransitionRace: two reviewers take the same step at once; one wins,
// the other finds the project already moved.
func TestTransitionRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		p := f.advance(t, f.newProject(t, "RC-1", "self", false, 2025), "submitted", "2025-02-10")
		errs := make(chan error, 2)
		for _, to := range []string{"approved", "rejected"} {
			go func() {
				in := inventory.TransitionInput{To: to, Date: "2025-03-01"}
				if to == "approved" {
					in.ApprovalNumber = "A-1"
				}
				_, err := f.s.TransitionProject(f.ctx, p.ID, in)
				errs <- err
			}()
		}
		var failed int
		for range 2 {
			if err := <-errs; err != nil {
				wantErr(t, err, "conflict", "to")
				failed++
			}
		}
		if failed != 1 || historyLen(t, f.s, p.ID) != 2 {
			t.Errorf("%d steps refused and %d history rows, want 1 and 2", failed, historyLen(t, f.s, p.ID))
		}
	})
}

// TestDeleteOnlyDraftProjects: a project that was submitted stays on record.
func TestDeleteOnlyDraftProjects(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		draft := f.newProject(t, "DEL-1", "self", false, 2025)
		f.upload(t, draft.ID, "other")
		noErr(t, f.s.DeleteProject(f.ctx, draft.ID))
		p := f.advance(t, f.newProject(t, "DEL-2", "self", false, 2025), "submitted", "2025-01-10")
		p = f.step(t, p, "rejected", "2025-01-20")
		wantErr(t, f.s.DeleteProject(f.ctx, p.ID), "conflict", "status")
		if docs, err := f.s.Documents(f.ctx, p.ID); err != nil || len(docs) != 1 {
			t.Errorf("documents after a refused delete: %v %v", docs, err)
		}
	})
}

// Once submitted, what the gates and the rules read of a project (funding
// source, classification, plan year) is on record: a PATCH cannot change it,
// e.g. drop "classified" to step to accepted without the joint acceptance.
func TestProjectGateFieldsFixedAfterDraft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.newProject(t, "GATE-1", "prefecture", true, 2026)
		edits := map[string]func(*inventory.ProjectInput){
			"classified":     func(in *inventory.ProjectInput) { in.Classified = false },
			"funding_source": func(in *inventory.ProjectInput) { in.FundingSource = "self" },
			"plan_year":      func(in *inventory.ProjectInput) { in.PlanYear = 2027 },
		}
		f.forceStatus(t, p.ID, "acceptance_requested")
		for field, edit := range edits {
			_, err := f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error { edit(in); return nil })
			wantErr(t, err, "conflict", field)
		}
		got, err := f.s.Project(f.ctx, p.ID)
		noErr(t, err)
		if !got.Classified || got.FundingSource != "prefecture" || got.PlanYear != 2026 {
			t.Fatalf("gate fields changed after submission: %+v", got)
		}
		// Other fields stay editable, and a draft may change them all.
		_, err = f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error { in.Supervisor = "州监理公司"; return nil })
		noErr(t, err)
		f.forceStatus(t, p.ID, "draft")
		for _, edit := range edits {
			_, err := f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error { edit(in); return nil })
			noErr(t, err)
		}
	})
}

// TestTrialRunEndFixedOnceAcceptanceRequested: the end of the trial run may
// move while the trial runs, not after acceptance was requested.
func TestTrialRunEndFixedOnceAcceptanceRequested(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.newProject(t, "TRE-1", "self", false, 2026)
		setEnd := func(d string) error {
			_, err := f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error {
				in.TrialRunEnd = ptr(inventory.Date(d))
				return nil
			})
			return err
		}
		for _, tc := range []struct {
			status, end string
			open        bool
		}{
			{"implementing", "2026-08-31", true},
			{"trial_run", "2026-09-30", true}, // extended
			{"acceptance_requested", "2026-12-31", false},
			{"acceptance_failed", "2026-12-31", false},
			{"accepted", "2026-12-31", false},
			{"settled", "2026-12-31", false},
		} {
			t.Run(tc.status, func(t *testing.T) {
				f.forceStatus(t, p.ID, tc.status)
				err := setEnd(tc.end)
				if tc.open {
					noErr(t, err)
				} else {
					wantErr(t, err, "conflict", "trial_run_end")
				}
			})
		}
	})
}
