package inventory_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// validProcurement is a complete procurement input; each case breaks one
// field of it.
func validProcurement() inventory.ProcurementInput {
	return inventory.ProcurementInput{Method: "public_tender", ProcurementNumber: "XXZC2025-G-017",
		Supplier: "湘西云数据科技有限公司", ContractNumber: "HT-2025-017", ContractAmount: ptr(88000.0),
		ContractDate: ptr(inventory.Date("2025-03-01"))}
}

func TestProcurementValidate(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		edit        func(*inventory.ProcurementInput)
	}{
		{"no method", "method", func(in *inventory.ProcurementInput) { in.Method = "" }},
		{"unknown method", "method", func(in *inventory.ProcurementInput) { in.Method = "auction" }},
		{"no supplier", "supplier", func(in *inventory.ProcurementInput) { in.Supplier = "  " }},
		{"no contract number", "contract_number", func(in *inventory.ProcurementInput) { in.ContractNumber = "" }},
		{"long procurement number", "procurement_number", func(in *inventory.ProcurementInput) {
			in.ProcurementNumber = strings.Repeat("9", 101)
		}},
		{"no amount", "contract_amount", func(in *inventory.ProcurementInput) { in.ContractAmount = nil }},
		{"zero amount", "contract_amount", func(in *inventory.ProcurementInput) { in.ContractAmount = ptr(0.0) }},
		{"negative amount", "contract_amount", func(in *inventory.ProcurementInput) { in.ContractAmount = ptr(-1.0) }},
		{"huge amount", "contract_amount", func(in *inventory.ProcurementInput) { in.ContractAmount = ptr(1e14) }},
		{"no date", "contract_date", func(in *inventory.ProcurementInput) { in.ContractDate = nil }},
		{"bad date", "contract_date", func(in *inventory.ProcurementInput) { in.ContractDate = ptr(inventory.Date("2025-02-30")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validProcurement()
			tc.edit(&in)
			wantErr(t, in.Validate(), "validation", tc.field)
		})
	}
	in := validProcurement()
	in.ContractAmount = ptr(88000.004)
	noErr(t, in.Validate())
	if *in.ContractAmount != 88000 {
		t.Errorf("amount %v, want it rounded to fen", *in.ContractAmount)
	}
	for _, m := range inventory.ProcurementMethods {
		if inventory.ProcurementMethodLabel(m) == "" {
			t.Errorf("method %s has no Chinese label", m)
		}
	}
}

// TestProcurementRecord: recorded while procuring or implementing, replaced
// by a second PUT, audited each time, refused before and after, to unit
// staff and for a contract dated after today; another unit's staff do not
// see it.
func TestProcurementRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		p := f.advance(t, f.newProject(t, "PC-1", "self", false, 2025), "spec_reviewed", "2025-01-10")
		_, _, err := s.SetProcurement(ctx, p.ID, validProcurement())
		wantErr(t, err, "conflict", "status")
		_, err = s.Procurement(ctx, p.ID)
		wantErr(t, err, "not_found", "")

		p = f.step(t, p, "procuring", "2025-02-01")
		audit := auditCount(t, s, "project_procurement")
		got, created, err := s.SetProcurement(ctx, p.ID, validProcurement())
		noErr(t, err)
		if !created || got.Method != "public_tender" || got.ContractAmount != 88000 || got.ContractDate != "2025-03-01" ||
			got.ProjectID != p.ID || got.RecordedBy == "" {
			t.Fatalf("recorded %+v (created %v)", got, created)
		}
		in := validProcurement()
		in.Method, in.ContractAmount = "competitive_consultation", ptr(91000.5)
		again, created, err := s.SetProcurement(ctx, p.ID, in)
		noErr(t, err)
		if created || again.ID != got.ID || again.Method != "competitive_consultation" || again.ContractAmount != 91000.5 {
			t.Fatalf("replaced %+v (created %v)", again, created)
		}
		if n := auditCount(t, s, "project_procurement"); n != audit+2 {
			t.Errorf("%d audit rows, want %d", n-audit, 2)
		}
		read, err := s.Procurement(ctx, p.ID)
		noErr(t, err)
		if read != again {
			t.Errorf("read %+v, want %+v", read, again)
		}

		in.ContractDate = ptr(inventory.Date("2199-01-01"))
		_, _, err = s.SetProcurement(ctx, p.ID, in)
		wantErr(t, err, "validation", "contract_date")

		own := user("staff-own", 31, inventory.RoleUnitStaff, f.unit.ID)
		if _, err := s.Procurement(own, p.ID); err != nil {
			t.Errorf("the unit's own staff cannot read its procurement: %v", err)
		}
		_, _, err = s.SetProcurement(own, p.ID, validProcurement())
		var fe *inventory.ForbiddenError
		if !errors.As(err, &fe) {
			t.Fatalf("unit staff recorded a procurement: %v", err)
		}
		if zh, en := fe.Text("zh"), fe.Text("en"); !strings.Contains(zh, "采购记录由项目评审人员登记") ||
			!strings.Contains(en, "entered by a reviewer") {
			t.Errorf("forbidden messages: zh %q, en %q", zh, en)
		}
		other := user("staff-other", 32, inventory.RoleUnitStaff, f.unit.ID+100000)
		_, err = s.Procurement(other, p.ID)
		wantErr(t, err, "not_found", "")
		_, _, err = s.SetProcurement(other, p.ID, validProcurement())
		wantErr(t, err, "not_found", "")
		if n := auditCount(t, s, "project_procurement"); n != audit+2 {
			t.Errorf("refused writes left %d audit rows", n-audit-2)
		}
		entity := inventory.ListParams{Filters: map[string]string{"entity": "project_procurement"}}
		if _, n, err := s.Audit(own, entity); err != nil || n != 2 {
			t.Errorf("the unit's own staff see %d procurement audit rows (%v), want 2", n, err)
		}
		if _, n, err := s.Audit(other, entity); err != nil || n != 0 {
			t.Errorf("another unit's staff see %d procurement audit rows (%v), want 0", n, err)
		}

		p = f.step(t, p, "implementing", "2025-04-01")
		_, _, err = s.SetProcurement(ctx, p.ID, validProcurement())
		noErr(t, err) // a supplementary agreement during implementation
		p = f.step(t, p, "trial_run", "2025-06-01")
		_, _, err = s.SetProcurement(ctx, p.ID, validProcurement())
		wantErr(t, err, "conflict", "status")
	})
}

// TestProcurementGate: the step procuring → implementing lists the missing
// record and contract, and a single-source procurement's missing
// justification, like every other prerequisite.
func TestProcurementGate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		for _, tc := range []struct {
			name   string
			method string // "" records none
			docs   []string
			want   []string
		}{
			{"no record, no contract", "", nil, []string{"procurement", "procurement_contract"}},
			{"no record, contract filed", "", []string{"procurement_contract"}, []string{"procurement"}},
			{"public tender, no contract", "public_tender", nil, []string{"procurement_contract"}},
			{"public tender with contract", "public_tender", []string{"procurement_contract"}, nil},
			{"framework with contract", "framework", []string{"procurement_contract"}, nil},
			{"single source without justification", "single_source", []string{"procurement_contract"},
				[]string{"single_source_justification"}},
			{"single source, nothing filed", "single_source", nil,
				[]string{"procurement_contract", "single_source_justification"}},
			{"single source justified", "single_source", []string{"procurement_contract", "single_source_justification"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := f.advance(t, f.newProject(t, "PG-"+strings.ReplaceAll(tc.name, " ", "-"), "self", false, 2025),
					"procuring", "2025-02-01")
				_, err := s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error {
					in.Supervisor = "湘西信息工程监理有限公司"
					return nil
				})
				noErr(t, err)
				if tc.method != "" {
					f.procure(t, p, tc.method, 80000)
				}
				for _, d := range tc.docs {
					f.upload(t, p.ID, d)
				}
				got, err := s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "implementing", Date: "2025-04-01"})
				if tc.want == nil {
					noErr(t, err)
					if got.Status != "implementing" {
						t.Fatalf("status %s", got.Status)
					}
					return
				}
				if fields := conflictFields(t, err); !slices.Equal(fields, tc.want) {
					t.Fatalf("missing %v, want %v (%v)", fields, tc.want, err)
				}
				var ce *inventory.ConflictError
				errors.As(err, &ce)
				for _, k := range tc.want {
					if !strings.Contains(ce.Fields[k], "Art. 9") {
						t.Errorf("%s: %q does not cite Art. 9", k, ce.Fields[k])
					}
				}
			})
		}
	})
}

// TestSettlementStep: the step to settled needs the audited amount, records
// it on the project, and the amount goes with no other step.
func TestSettlementStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		p := f.advance(t, f.newProject(t, "ST-1", "self", false, 2025), "accepted", "2025-05-01")
		if p.SettlementAmount != nil {
			t.Fatalf("settlement %v before the step", *p.SettlementAmount)
		}
		f.upload(t, p.ID, "settlement_audit")
		_, err := s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "settled", Date: "2025-06-01"})
		if got := conflictFields(t, err); !slices.Equal(got, []string{"settlement_amount"}) {
			t.Fatalf("missing %v, want [settlement_amount]", got)
		}
		for _, bad := range []inventory.TransitionInput{
			{To: "settled", Date: "2025-06-01", SettlementAmount: ptr(-5.0)},
			{To: "settled", Date: "2025-06-01", SettlementAmount: ptr(1e14)},
			{To: "accepted", Date: "2025-06-01", SettlementAmount: ptr(5.0)},
		} {
			_, err := s.TransitionProject(ctx, p.ID, bad)
			wantErr(t, err, "validation", "settlement_amount")
		}
		got, err := s.TransitionProject(ctx, p.ID, inventory.TransitionInput{To: "settled", Date: "2025-06-01",
			SettlementAmount: ptr(112345.678)})
		noErr(t, err)
		if got.Status != "settled" || got.SettlementAmount == nil || *got.SettlementAmount != 112345.68 {
			t.Fatalf("settled %+v", got)
		}
		_, err = s.UpdateProject(ctx, p.ID, func(in *inventory.ProjectInput) error {
			in.SettlementAmount = ptr(1.0)
			return nil
		})
		wantErr(t, err, "validation", "settlement_amount")
	})
}
