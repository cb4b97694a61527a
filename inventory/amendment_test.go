package inventory_test

import (
	"encoding/json"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// amend records an amendment of one field.
func (f *fixture) amend(t *testing.T, p inventory.Project, field string, value any, reason string) inventory.Amendment {
	t.Helper()
	js, err := json.Marshal(value)
	noErr(t, err)
	a, err := f.s.AmendProject(f.ctx, p.ID, inventory.AmendmentInput{Field: field, Value: js, Reason: reason})
	noErr(t, err)
	return a
}

func (f *fixture) otherUnit(t *testing.T, code string) inventory.Unit {
	t.Helper()
	u, err := f.s.CreateUnit(f.ctx, inventory.UnitInput{Code: code + f.unit.Code, Name: "单位 " + code, Kind: "department"})
	noErr(t, err)
	return u
}

// From approval on, PATCH refuses the amendable fields and points to
// amendments; other fields still patch.
func TestPatchApprovedProjectRefusesAmendableFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		other := f.otherUnit(t, "AM")
		approved := f.advance(t, f.newProject(t, "PA-1", "self", false, 2025), "approved", "2025-02-01")
		settled := f.advance(t, f.newProject(t, "PA-2", "self", false, 2025), "settled", "2025-02-01")
		draft := f.newProject(t, "PA-3", "self", false, 2025)
		for _, tc := range []struct {
			name  string
			field string
			edit  func(*inventory.ProjectInput)
		}{
			{"lead unit", "lead_unit_id", func(in *inventory.ProjectInput) { in.LeadUnitID = other.ID }},
			{"units", "unit_ids", func(in *inventory.ProjectInput) { in.UnitIDs = []int64{other.ID} }},
			{"budget", "budget", func(in *inventory.ProjectInput) { in.Budget = 9900000 }},
			{"name", "name", func(in *inventory.ProjectInput) { in.Name = "改名" }},
			{"category", "category", func(in *inventory.ProjectInput) { in.Category = "security" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, p := range []inventory.Project{approved, settled} {
					before := auditCount(t, f.s, "project")
					_, err := f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error { tc.edit(in); return nil })
					wantErr(t, err, "conflict", tc.field)
					if !strings.Contains(err.Error(), "/amendments") {
						t.Errorf("the conflict does not point to amendments: %v", err)
					}
					if got, _ := f.s.Project(f.ctx, p.ID); got.Budget != p.Budget || got.LeadUnitID != p.LeadUnitID || got.Name != p.Name {
						t.Errorf("a refused PATCH changed the project: %+v", got)
					}
					if after := auditCount(t, f.s, "project"); after != before {
						t.Errorf("a refused PATCH wrote %d audit rows", after-before)
					}
				}
				_, err := f.s.UpdateProject(f.ctx, draft.ID, func(in *inventory.ProjectInput) error { tc.edit(in); return nil })
				noErr(t, err)
			})
		}
		t.Run("the same values and other fields still patch", func(t *testing.T) {
			p, err := f.s.UpdateProject(f.ctx, approved.ID, func(in *inventory.ProjectInput) error {
				in.Supervisor, in.Name = "湘西监理", " "+approved.Name+" "
				return nil
			})
			noErr(t, err)
			if p.Supervisor != "湘西监理" || p.Name != approved.Name {
				t.Errorf("patched %+v", p)
			}
		})
	})
}

// jsonOf is v as JSON.
func jsonOf(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

// Bad amendments are refused on their field and change nothing.
func TestAmendProjectValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		p := f.advance(t, f.newProject(t, "AV-1", "self", false, 2025), "procuring", "2025-02-01")
		elsewhere := f.upload(t, f.newProject(t, "AV-2", "self", false, 2025).ID, "other")
		for _, tc := range []struct {
			name  string
			in    inventory.AmendmentInput
			field string
		}{
			{"unknown field", inventory.AmendmentInput{Field: "plan_year", Value: jsonOf(2026), Reason: "x"}, "field"},
			{"no value", inventory.AmendmentInput{Field: "budget", Reason: "x"}, "value"},
			{"null value", inventory.AmendmentInput{Field: "budget", Value: jsonOf(nil), Reason: "x"}, "value"},
			{"no reason", inventory.AmendmentInput{Field: "budget", Value: jsonOf(5)}, "reason"},
			{"blank reason", inventory.AmendmentInput{Field: "budget", Value: jsonOf(5), Reason: "  "}, "reason"},
			{"wrong type", inventory.AmendmentInput{Field: "budget", Value: jsonOf("many"), Reason: "x"}, "value"},
			{"negative budget", inventory.AmendmentInput{Field: "budget", Value: jsonOf(-1), Reason: "x"}, "value"},
			{"unknown category", inventory.AmendmentInput{Field: "category", Value: jsonOf("games"), Reason: "x"}, "value"},
			{"empty name", inventory.AmendmentInput{Field: "name", Value: jsonOf(" "), Reason: "x"}, "value"},
			{"missing unit", inventory.AmendmentInput{Field: "lead_unit_id", Value: jsonOf(999999), Reason: "x"}, "value"},
			{"missing participant", inventory.AmendmentInput{Field: "unit_ids", Value: jsonOf([]int64{999999}), Reason: "x"}, "value"},
			{"lead among the participants", inventory.AmendmentInput{Field: "unit_ids", Value: jsonOf([]int64{f.unit.ID}), Reason: "x"}, "value"},
			{"unchanged", inventory.AmendmentInput{Field: "budget", Value: jsonOf(p.Budget), Reason: "x"}, "value"},
			{"another project's document", inventory.AmendmentInput{Field: "budget", Value: jsonOf(5), Reason: "x",
				DocumentID: &elsewhere.ID}, "document_id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.AmendProject(f.ctx, p.ID, tc.in)
				wantErr(t, err, "validation", tc.field)
				if got, _ := f.s.Project(f.ctx, p.ID); got.Budget != p.Budget {
					t.Errorf("a refused amendment changed the budget to %v", got.Budget)
				}
			})
		}
		draft := f.newProject(t, "AV-3", "self", false, 2025)
		_, err := f.s.AmendProject(f.ctx, draft.ID, inventory.AmendmentInput{Field: "budget", Value: jsonOf(5), Reason: "x"})
		wantErr(t, err, "conflict", "status")
		_, err = f.s.AmendProject(f.ctx, 999999, inventory.AmendmentInput{Field: "budget", Value: jsonOf(5), Reason: "x"})
		wantErr(t, err, "not_found", "")
	})
}

// An amendment changes the field, is listed, shown in the history and
// audited.
func TestAmendProject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		other, third := f.otherUnit(t, "AO"), f.otherUnit(t, "AT")
		p := f.advance(t, f.newProject(t, "AM-1", "self", false, 2025), "procuring", "2025-02-01")
		doc := f.upload(t, p.ID, "other")
		audits := auditCount(t, f.s, "project_amendment")
		a, err := f.s.AmendProject(f.ctx, p.ID, inventory.AmendmentInput{Field: "budget", Value: jsonOf(120000.555),
			Reason: "州财政局追加预算", DocumentID: &doc.ID})
		noErr(t, err)
		if string(a.OldValue) != "100000" || string(a.NewValue) != "120000.56" || a.Status != "procuring" || a.RecordedOn == "" {
			t.Errorf("amendment %+v (old %s, new %s)", a, a.OldValue, a.NewValue)
		}
		a2 := f.amend(t, p, "unit_ids", []int64{third.ID, other.ID, other.ID}, "新增参建单位")
		if want := jsonOf([]int64{min(other.ID, third.ID), max(other.ID, third.ID)}); string(a2.NewValue) != string(want) {
			t.Errorf("unit_ids amended to %s, want %s", a2.NewValue, want)
		}
		_, err = f.s.AmendProject(f.ctx, p.ID, inventory.AmendmentInput{Field: "lead_unit_id", Value: jsonOf(third.ID), Reason: "x"})
		wantErr(t, err, "validation", "value") // a participant cannot lead
		f.amend(t, p, "unit_ids", []int64{other.ID}, "调整参建单位")
		f.amend(t, p, "lead_unit_id", third.ID, "牵头单位调整")
		got, err := f.s.Project(f.ctx, p.ID)
		noErr(t, err)
		if got.Budget != 120000.56 || got.LeadUnitID != third.ID || len(got.UnitIDs) != 1 || got.UnitIDs[0] != other.ID {
			t.Errorf("amended project %+v", got)
		}
		if n := auditCount(t, f.s, "project_amendment"); n != audits+4 {
			t.Errorf("%d amendment audit rows, want %d", n, audits+4)
		}
		list, err := f.s.Amendments(f.ctx, p.ID)
		noErr(t, err)
		if len(list) != 4 || list[0].ID != a.ID || list[0].Field != "budget" || list[3].Field != "lead_unit_id" ||
			string(list[3].OldValue) != string(jsonOf(f.unit.ID)) || list[0].Reason != "州财政局追加预算" || *list[0].DocumentID != doc.ID {
			t.Errorf("amendments %+v", list)
		}
		hist, err := f.s.ProjectHistory(f.ctx, p.ID)
		noErr(t, err)
		var kinds []string
		for _, h := range hist {
			kinds = append(kinds, h.Kind)
		}
		if want := "step step step step amendment amendment amendment amendment"; strings.Join(kinds, " ") != want {
			t.Fatalf("history kinds %v, want %s", kinds, want)
		}
		if am := hist[4]; am.Amendment == nil || am.Amendment.ID != a.ID || am.Note != a.Reason || am.ToStatus != "procuring" {
			t.Errorf("amendment in the history: %+v", am)
		}
	})
}

// Amendments are the reviewers': a unit's staff cannot amend even their own
// unit's approved project, nor see another unit's amendments.
func TestAmendmentScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		mine := f.advance(t, f.newProject(t, "AS-1", "self", false, 2025), "approved", "2025-02-01")
		f.amend(t, mine, "budget", 123456, "追加预算")
		stranger := f.otherUnit(t, "AS")
		staff := user("staff-as", 31, inventory.RoleUnitStaff, f.unit.ID)
		outsider := user("staff-out", 32, inventory.RoleUnitStaff, stranger.ID)

		_, err := f.s.AmendProject(staff, mine.ID, inventory.AmendmentInput{Field: "budget", Value: jsonOf(5), Reason: "x"})
		wantForbidden(t, err, "only while it is a draft")
		list, err := f.s.Amendments(staff, mine.ID)
		noErr(t, err)
		if len(list) != 1 {
			t.Errorf("own unit's staff see %d amendments, want 1", len(list))
		}
		_, err = f.s.Amendments(outsider, mine.ID)
		wantErr(t, err, "not_found", "")
		_, err = f.s.AmendProject(outsider, mine.ID, inventory.AmendmentInput{Field: "budget", Value: jsonOf(5), Reason: "x"})
		wantErr(t, err, "not_found", "")
		_, err = f.s.ProjectNextSteps(outsider, mine.ID)
		wantErr(t, err, "not_found", "")
		_, n, err := f.s.Audit(staff, inventory.ListParams{Filters: map[string]string{"entity": "project_amendment"}})
		noErr(t, err)
		if n != 1 {
			t.Errorf("own unit's staff see %d amendment audit rows, want 1", n)
		}
		_, n, err = f.s.Audit(outsider, inventory.ListParams{Filters: map[string]string{"entity": "project_amendment"}})
		noErr(t, err)
		if n != 0 {
			t.Errorf("another unit's staff see %d amendment audit rows", n)
		}
	})
}
