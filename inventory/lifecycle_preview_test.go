package inventory_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// The preview lists the steps allowed next, each with exactly the
// prerequisites its step's conflict names, and changes nothing.
func TestProjectNextSteps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		draft := f.newProject(t, "NX-1", "prefecture", true, 2026)
		f.upload(t, draft.ID, "project_plan")
		submitted := f.advance(t, f.newProject(t, "NX-2", "self", false, 2026), "submitted", "2025-03-01")
		trial := f.advance(t, f.newProject(t, "NX-3", "self", false, 2026), "trial_run", "2025-03-01")
		f.upload(t, trial.ID, "test_report")
		settled := f.advance(t, f.newProject(t, "NX-4", "self", false, 2026), "settled", "2025-03-01")
		for _, tc := range []struct {
			name  string
			p     inventory.Project
			steps string // to:ready, in graph order
		}{
			{"draft, documents missing", draft, "submitted:false"},
			{"submitted", submitted, "approved:false rejected:true"},
			{"trial run", trial, "acceptance_requested:false"},
			{"settled is final", settled, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				audits, history := auditCount(t, s, "project"), len(mustHistory(t, f, tc.p.ID))
				got, err := s.ProjectNextSteps(ctx, tc.p.ID)
				noErr(t, err)
				if got.ProjectID != tc.p.ID || got.Status != tc.p.Status || got.Total != len(got.Items) {
					t.Errorf("header %+v", got)
				}
				var steps []string
				for _, st := range got.Items {
					steps = append(steps, fmt.Sprintf("%s:%v", st.To, st.Ready))
					if st.Ready != (len(st.Missing) == 0) {
						t.Errorf("%s: ready %v with missing %v", st.To, st.Ready, st.Missing)
					}
					if st.Ready {
						continue
					}
					// The step itself is refused with the same fields and messages.
					_, err := s.TransitionProject(ctx, tc.p.ID, inventory.TransitionInput{To: st.To, Date: inventory.Date(dayFromToday(0))})
					var ce *inventory.ConflictError
					if !errors.As(err, &ce) {
						t.Fatalf("%s: the step answered %v, want a conflict", st.To, err)
					}
					if !maps.Equal(ce.Fields, st.Missing) {
						t.Errorf("%s: preview %v\nstep's conflict %v", st.To, st.Missing, ce.Fields)
					}
				}
				if strings.Join(steps, " ") != tc.steps {
					t.Errorf("steps %v, want %s", steps, tc.steps)
				}
				if a, h := auditCount(t, s, "project"), len(mustHistory(t, f, tc.p.ID)); a != audits || h != history {
					t.Errorf("the preview wrote: audit %d → %d, history %d → %d", audits, a, history, h)
				}
			})
		}
		t.Run("what a draft lacks", func(t *testing.T) {
			got, err := s.ProjectNextSteps(ctx, draft.ID)
			noErr(t, err)
			keys := slices.Sorted(maps.Keys(got.Items[0].Missing))
			want := []string{"feasibility_study", "funding_estimate", "preliminary_design", "secrecy_filing"}
			if !slices.Equal(keys, want) {
				t.Errorf("missing %v, want %v", keys, want)
			}
		})
		t.Run("missing project", func(t *testing.T) {
			_, err := s.ProjectNextSteps(ctx, 999999)
			wantErr(t, err, "not_found", "")
		})
	})
}

func mustHistory(t *testing.T, f *fixture, id int64) []inventory.ProjectStep {
	t.Helper()
	h, err := f.s.ProjectHistory(f.ctx, id)
	noErr(t, err)
	return h
}

// A device with an SNMP profile counts as passing for the step to
// acceptance_requested only once a poll has answered, unless observed
// evidence is switched off; each check says its evidence.
func TestComplianceRequiresObserved(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		p := f.advance(t, f.newProject(t, "OB-1", "self", false, 2025), "approved", "2025-01-05")
		_, err := s.CreateSpecItem(ctx, p.ID, specItemIn("server", 2, specReq("memory_gb", "min", 128)))
		noErr(t, err)
		p = f.advance(t, p, "trial_run", "2025-02-01")
		for _, typ := range wantDocs(p, "acceptance_requested") {
			f.upload(t, p.ID, typ)
		}
		polled := f.pollable(t, 1)[0] // declared 64 GB
		_, err = s.UpdateDevice(ctx, polled.ID, func(in *inventory.DeviceInput) error {
			in.ProjectID, in.Specs.MemoryGB = &p.ID, ptr(256)
			return nil
		})
		noErr(t, err)
		typed := f.specDevice(t, p, 10, specDev{name: "typed-in", kind: "server", mem: 256}) // no SNMP profile

		step := inventory.TransitionInput{To: "acceptance_requested", Date: "2025-03-01", Note: "补录"}
		evidence := func(c *inventory.Compliance) map[int64]string {
			out := map[int64]string{}
			for _, d := range c.Devices {
				for _, ch := range d.Checks {
					out[d.DeviceID] = ch.Evidence
				}
			}
			return out
		}

		c, err := s.Compliance(ctx, p.ID)
		noErr(t, err)
		if c.Pass || !c.RequireObserved || len(c.Reasons) != 1 || !strings.Contains(c.Reasons[0], "not yet verified by SNMP") ||
			!strings.Contains(c.Reasons[0], fmt.Sprintf("(id %d)", polled.ID)) {
			t.Fatalf("never-polled device: pass %v, reasons %q", c.Pass, c.Reasons)
		}
		if ev := evidence(c); ev[polled.ID] != "declared" || ev[typed.ID] != "declared" {
			t.Errorf("evidence %v, want declared for both", ev)
		}
		_, err = s.TransitionProject(ctx, p.ID, step)
		if fields := conflictFields(t, err); !slices.Equal(fields, []string{"compliance.1"}) {
			t.Fatalf("gate fields %v", fields)
		}
		next, err := s.ProjectNextSteps(ctx, p.ID)
		noErr(t, err)
		if m := next.Items[0].Missing; len(m) != 1 || !strings.Contains(m["compliance.1"], "not yet verified by SNMP") {
			t.Errorf("preview %v", m)
		}

		t.Run("switched off", func(t *testing.T) {
			cfg := inventory.DefaultRuleConfig()
			cfg.ComplianceDeclaredOnly = true
			off := *s
			off.SetRuleConfig(cfg)
			c, err := off.Compliance(ctx, p.ID)
			noErr(t, err)
			if !c.Pass || c.RequireObserved {
				t.Errorf("with observed evidence off: pass %v, reasons %q", c.Pass, c.Reasons)
			}
		})

		f.observeDevice(t, polled.ID, false, 262144, "") // a failed poll is no evidence
		c, err = s.Compliance(ctx, p.ID)
		noErr(t, err)
		if c.Pass {
			t.Fatalf("a failed poll verified the device: %q", c.Reasons)
		}
		f.observeDevice(t, polled.ID, true, 262144, "")
		c, err = s.Compliance(ctx, p.ID)
		noErr(t, err)
		if !c.Pass {
			t.Fatalf("after an answering poll: reasons %q", c.Reasons)
		}
		if ev := evidence(c); ev[polled.ID] != "both" || ev[typed.ID] != "declared" {
			t.Errorf("evidence %v, want both for the polled device", ev)
		}
		_, err = s.TransitionProject(ctx, p.ID, step)
		noErr(t, err)
	})
}
