package inventory_test

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"

	"hostroll/inventory"
)

// mainPath is the lifecycle from draft to settled.
var mainPath = []string{"draft", "submitted", "approved", "spec_reviewed", "procuring", "implementing",
	"trial_run", "acceptance_requested", "accepted", "settled"}

// wantDocs is what each gate asks for, written out independently of the
// store's tables.
func wantDocs(p inventory.Project, to string) []string {
	switch to {
	case "submitted":
		need := map[string][]string{
			"prefecture":   {"project_plan", "feasibility_study", "preliminary_design", "funding_estimate"},
			"higher_level": {"upward_application_copy"},
			"self":         {"technical_plan"},
		}[p.FundingSource]
		if p.Classified {
			need = append(slices.Clone(need), "secrecy_filing")
		}
		return need
	case "acceptance_requested":
		return []string{"implementation_plan", "completion_report", "supervision_report", "trial_run_report",
			"training_report", "test_report"}
	case "accepted":
		if p.Classified {
			return []string{"joint_acceptance"}
		}
	case "implementing":
		return []string{"procurement_contract"}
	case "settled":
		return []string{"settlement_audit"}
	}
	return nil
}

// newProject creates a draft project led by the fixture's unit.
func (f *fixture) newProject(t *testing.T, code, funding string, classified bool, year int) inventory.Project {
	t.Helper()
	in := inventory.DefaultProjectInput()
	in.Code, in.Name, in.LeadUnitID, in.Category = code, "项目 "+code, f.unit.ID, "application"
	in.FundingSource, in.Classified, in.PlanYear, in.Budget = funding, classified, year, 100000
	p, err := f.s.CreateProject(f.ctx, in)
	noErr(t, err)
	return p
}

// upload files a small document of type typ.
func (f *fixture) upload(t *testing.T, projectID int64, typ string) inventory.Document {
	t.Helper()
	d, err := f.s.CreateDocument(f.ctx, projectID, inventory.DocumentInput{Type: typ, Title: "文件 " + typ,
		Filename: typ + ".pdf", Content: []byte("%PDF-1.4\n" + typ)})
	noErr(t, err)
	return d
}

// satisfy fulfils the prerequisites of the step of p to to.
func (f *fixture) satisfy(t *testing.T, p inventory.Project, to string) {
	t.Helper()
	for _, typ := range wantDocs(p, to) {
		f.upload(t, p.ID, typ)
	}
	switch to {
	case "spec_reviewed":
		items, err := f.s.SpecItems(f.ctx, p.ID)
		noErr(t, err)
		if len(items) > 0 {
			return
		}
		in := inventory.DefaultSpecItemInput()
		in.Kind, in.Name, in.Quantity = "server", "应用服务器", 1
		_, err = f.s.CreateSpecItem(f.ctx, p.ID, in)
		noErr(t, err)
	case "implementing":
		if p.Supervisor == "" {
			_, err := f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error {
				in.Supervisor = "湘西信息工程监理有限公司"
				return nil
			})
			noErr(t, err)
		}
		if _, err := f.s.Procurement(f.ctx, p.ID); err != nil {
			f.procure(t, p, "public_tender", 90000)
		}
	case "acceptance_requested":
		_, n, err := f.s.Devices(f.ctx, inventory.ListParams{Filters: map[string]string{"project_id": fmt.Sprint(p.ID)}})
		noErr(t, err)
		if n == 0 {
			in := inventory.DefaultDeviceInput()
			in.Name, in.Kind, in.UnitID, in.ProjectID = fmt.Sprintf("app-%d", p.ID), "server", f.unit.ID, &p.ID
			_, err := f.s.CreateDevice(f.ctx, in)
			noErr(t, err)
		}
	}
}

// procure records the procurement of p, contracted on 1 March of its plan
// year.
func (f *fixture) procure(t *testing.T, p inventory.Project, method string, amount float64) inventory.Procurement {
	t.Helper()
	day := inventory.Date(fmt.Sprintf("%d-03-01", p.PlanYear))
	out, _, err := f.s.SetProcurement(f.ctx, p.ID, inventory.ProcurementInput{Method: method,
		ProcurementNumber: fmt.Sprintf("XXZC-%d-%d", p.PlanYear, p.ID), Supplier: "湘西云数据科技有限公司",
		ContractNumber: fmt.Sprintf("HT-%d", p.ID), ContractAmount: &amount, ContractDate: &day})
	noErr(t, err)
	return out
}

// step takes one step on date with its prerequisites fulfilled first.
func (f *fixture) step(t *testing.T, p inventory.Project, to, date string) inventory.Project {
	t.Helper()
	f.satisfy(t, p, to)
	in := inventory.TransitionInput{To: to, Date: inventory.Date(date), Note: "step to " + to}
	switch to {
	case "approved":
		in.ApprovalNumber = fmt.Sprintf("州发改〔%s〕%d号", date[:4], p.ID)
	case "trial_run":
		if p.TrialRunEnd == nil {
			end := inventory.Date(date[:4] + "-12-31")
			in.TrialRunEnd = &end
		}
	case "settled":
		in.SettlementAmount = &p.Budget
	}
	out, err := f.s.TransitionProject(f.ctx, p.ID, in)
	if err != nil {
		t.Fatalf("project %s: %s → %s on %s: %v", p.Code, p.Status, to, date, err)
	}
	return out
}

// advance walks p along the main path up to status to, every step on date.
func (f *fixture) advance(t *testing.T, p inventory.Project, to, date string) inventory.Project {
	t.Helper()
	from := slices.Index(mainPath, p.Status)
	end := slices.Index(mainPath, to)
	if from < 0 || end < 0 || end < from {
		t.Fatalf("bad test: cannot advance from %s to %s", p.Status, to)
	}
	for _, next := range mainPath[from+1 : end+1] {
		p = f.step(t, p, next, date)
	}
	return p
}

// conflictFields returns the fields of a conflict, sorted; it fails the test
// for any other error.
func conflictFields(t *testing.T, err error) []string {
	t.Helper()
	var ce *inventory.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("want a conflict, got %T %v", err, err)
	}
	var out []string
	for k := range ce.Fields {
		out = append(out, k)
	}
	if ce.Field != "" {
		out = append(out, ce.Field)
	}
	sort.Strings(out)
	return out
}
