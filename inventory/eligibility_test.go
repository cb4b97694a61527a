package inventory_test

import (
	"slices"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// setTrialEnd records the end of a project's trial run with PATCH.
func (f *fixture) setTrialEnd(t *testing.T, p inventory.Project, end string) inventory.Project {
	t.Helper()
	p, err := f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error {
		in.TrialRunEnd = ptr(inventory.Date(end))
		return nil
	})
	noErr(t, err)
	return p
}

// TestEligibility builds one unit per Art. 16 scenario and checks each
// unit's verdict and reasons for the 2025 plan.
func TestEligibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s := db.Store
		type scenario struct {
			name string
			// build leaves the unit's projects in their state.
			build func(t *testing.T, f *fixture)
			want  []string // reasons for 2025 with 90 days' grace
			// want200 are the reasons with 200 days' grace, when they differ.
			want200 []string
		}
		var evaluation struct {
			f  *fixture
			p  inventory.Project
			id int64
		}
		scenarios := []scenario{
			{"no projects", func(*testing.T, *fixture) {}, nil, nil},
			{"unfinished at the end of 2024", func(t *testing.T, f *fixture) {
				f.advance(t, f.newProject(t, "B-1", "self", false, 2024), "implementing", "2024-05-01")
			}, []string{"unfinished"}, nil},
			{"trial run only in 2025", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "C-1", "self", false, 2024), "implementing", "2024-05-01")
				p = f.setTrialEnd(t, p, "2025-04-30")
				f.advance(t, p, "accepted", "2025-02-01")
			}, []string{"unfinished"}, nil},
			{"accepted in time", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "D-1", "prefecture", false, 2024), "trial_run", "2024-10-01")
				p = f.advance(t, p, "acceptance_requested", "2025-03-31") // due 2024-12-31 + 90 days
				f.advance(t, p, "settled", "2025-04-10")
			}, nil, nil},
			{"acceptance requested late", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "E-1", "self", false, 2024), "implementing", "2024-03-01")
				p = f.setTrialEnd(t, p, "2024-10-31")
				p = f.advance(t, p, "trial_run", "2024-09-01")
				f.advance(t, p, "acceptance_requested", "2025-03-01") // due 2025-01-29; with 200 days 2025-05-19
			}, []string{"acceptance_not_requested"}, []string{}},
			{"acceptance never requested", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "F-1", "higher_level", false, 2024), "implementing", "2024-03-01")
				p = f.setTrialEnd(t, p, "2024-11-30")
				f.advance(t, p, "trial_run", "2024-09-01")
			}, []string{"acceptance_not_requested"}, nil},
			{"acceptance failed", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "G-1", "self", false, 2024), "acceptance_requested", "2024-12-01")
				f.step(t, p, "acceptance_failed", "2025-01-10")
			}, []string{"acceptance_failed"}, nil},
			{"acceptance failed, then accepted", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "H-1", "self", false, 2024), "acceptance_requested", "2024-12-01")
				p = f.step(t, p, "acceptance_failed", "2025-01-10")
				p = f.step(t, p, "acceptance_requested", "2025-01-20")
				f.step(t, p, "accepted", "2025-02-01")
			}, nil, nil},
			{"unrectified evaluation", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "I-1", "self", false, 2023), "accepted", "2023-12-01")
				ev, err := f.s.CreateEvaluation(f.ctx, p.ID, inventory.EvaluationInput{Date: "2024-06-01",
					MeetsTarget: ptr(false), Problems: "日均访问量未达目标"})
				noErr(t, err)
				_, err = f.s.CreateEvaluation(f.ctx, p.ID, inventory.EvaluationInput{Date: "2024-07-01", MeetsTarget: ptr(true)})
				noErr(t, err)
				evaluation.f, evaluation.p, evaluation.id = f, p, ev.ID
			}, []string{"unrectified_evaluation"}, nil},
			{"projects not in the plan", func(t *testing.T, f *fixture) {
				p := f.advance(t, f.newProject(t, "J-1", "self", false, 2024), "submitted", "2024-01-10")
				f.step(t, p, "rejected", "2024-02-01")
				f.newProject(t, "J-2", "self", false, 2024)
				f.advance(t, f.newProject(t, "J-3", "self", false, 2024), "submitted", "2024-01-10")
			}, nil, nil},
			{"unfinished project of an earlier plan", func(t *testing.T, f *fixture) {
				f.advance(t, f.newProject(t, "K-1", "self", false, 2023), "implementing", "2023-05-01")
			}, nil, nil},
		}
		units := map[int64]scenario{}
		for _, sc := range scenarios {
			f := newFixture(t, s)
			sc.build(t, f)
			units[f.unit.ID] = sc
		}
		check := func(t *testing.T, graceDays int, want func(scenario) []string) inventory.Eligibility {
			t.Helper()
			e, err := s.Eligibility(t.Context(), 2025, graceDays)
			noErr(t, err)
			if e.Total != len(scenarios) || len(e.Items) != len(scenarios) || e.Year != 2025 || e.GraceDays != graceDays {
				t.Fatalf("eligibility header: year %d grace %d total %d items %d", e.Year, e.GraceDays, e.Total, len(e.Items))
			}
			for _, u := range e.Items {
				sc := units[u.UnitID]
				var got []string
				for _, r := range u.Reasons {
					got = append(got, r.Reason)
					if r.ProjectID == 0 || !strings.Contains(r.Message, r.ProjectCode) || !strings.HasPrefix(r.Article, "16(") {
						t.Errorf("%s: reason %+v does not name its project and clause", sc.name, r)
					}
				}
				if w := want(sc); !slices.Equal(got, w) || u.Eligible != (len(w) == 0) {
					t.Errorf("%s: eligible %v, reasons %v; want %v", sc.name, u.Eligible, got, w)
				}
			}
			return e
		}
		check(t, 90, func(sc scenario) []string { return sc.want })
		check(t, 200, func(sc scenario) []string {
			if sc.want200 != nil {
				return nil
			}
			return sc.want
		})

		t.Run("rectification restores eligibility", func(t *testing.T) {
			f := evaluation.f
			_, err := s.UpdateEvaluation(f.ctx, evaluation.p.ID, evaluation.id, func(in *inventory.EvaluationInput) error {
				in.Rectified, in.RectifiedOn = true, ptr(inventory.Date("2024-09-01"))
				return nil
			})
			noErr(t, err)
			e, err := s.Eligibility(f.ctx, 2025, 90)
			noErr(t, err)
			for _, u := range e.Items {
				if u.UnitID == f.unit.ID && !u.Eligible {
					t.Errorf("unit still ineligible after rectification: %+v", u.Reasons)
				}
			}
		})
		t.Run("bad year", func(t *testing.T) {
			_, err := s.Eligibility(t.Context(), 1999, 90)
			wantErr(t, err, "validation", "year")
		})
	})
}
