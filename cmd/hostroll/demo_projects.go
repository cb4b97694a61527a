package main

import (
	"fmt"

	"hostroll/inventory"
)

// A demoStep is one lifecycle step of a demo project, with the documents
// uploaded just before it.
type demoStep struct {
	to, date    string
	docs        []string // document types to upload first
	approval    string   // approval_number, for the step to approved
	trialRunEnd string   // for the step to trial_run
	// procurement is recorded before the step (Art. 9), for the step to
	// implementing; settlement is the audited amount of the step to settled.
	procurement *inventory.ProcurementInput
	settlement  float64
}

// lifecycle takes a project through steps the way a reviewer would: each
// gate's documents first, then the step, all through the store's checks.
func (d *demo) lifecycle(project int64, code string, steps []demoStep) {
	for _, st := range steps {
		if st.procurement != nil {
			must(d, fmt.Sprintf("project %s procurement", code), func() (inventory.Procurement, error) {
				p, _, err := d.s.SetProcurement(d.ctx, project, *st.procurement)
				return p, err
			})
		}
		for _, t := range st.docs {
			d.document(project, code, t, st.date)
		}
		in := inventory.TransitionInput{To: st.to, Date: inventory.Date(st.date), ApprovalNumber: st.approval}
		if st.trialRunEnd != "" {
			in.TrialRunEnd = ptr(inventory.Date(st.trialRunEnd))
		}
		if st.settlement != 0 {
			in.SettlementAmount = ptr(st.settlement)
		}
		must(d, fmt.Sprintf("project %s step to %s", code, st.to), func() (inventory.Project, error) {
			return d.s.TransitionProject(d.ctx, project, in)
		})
	}
}

// document uploads a small placeholder file of type t.
func (d *demo) document(project int64, code, t, date string) {
	must(d, fmt.Sprintf("project %s document %s", code, t), func() (inventory.Document, error) {
		body := fmt.Sprintf("%%PDF-1.4\n%% hostroll demo: %s of project %s\n", t, code)
		return d.s.CreateDocument(d.ctx, project, inventory.DocumentInput{Type: t, Title: code + " " + t,
			Date: ptr(inventory.Date(date)), Filename: t + ".pdf", Content: []byte(body)})
	})
}

func (d *demo) specItem(project int64, code, kind string, qty int, reqs ...inventory.Requirement) {
	must(d, "spec item of "+code, func() (inventory.SpecItem, error) {
		in := inventory.DefaultSpecItemInput()
		in.Kind, in.Quantity, in.Requirements = kind, qty, append(in.Requirements, reqs...)
		return d.s.CreateSpecItem(d.ctx, project, in)
	})
}

func (d *demo) supervise(project int64, code, firm string) {
	must(d, "supervisor of "+code, func() (inventory.Project, error) {
		return d.s.UpdateProject(d.ctx, project, func(in *inventory.ProjectInput) error {
			in.Supervisor = firm
			return nil
		})
	})
}

// procurement is a demo project's procurement record (Art. 9).
func procurement(method, number, supplier, contract string, amount float64, date string) *inventory.ProcurementInput {
	return &inventory.ProcurementInput{Method: method, ProcurementNumber: number, Supplier: supplier,
		ContractNumber: contract, ContractAmount: ptr(amount), ContractDate: ptr(inventory.Date(date))}
}

// projectLifecycles gives the demo's three projects a history: the payment
// platform tendered, accepted in 2025 and settled 16 % over its budget
// (cost-overrun, Art. 18) with one evaluation problem still open, the cloud
// expansion bought from a single source (justified) under a contract above
// its budget (over-contract, Art. 18) and being implemented (its devices
// already run, one short of memory), and the classified video network
// submitted.
func (d *demo) projectLifecycles(pay, gov, sec int64) {
	prefectureApplication := []string{"project_plan", "feasibility_study", "preliminary_design", "funding_estimate"}
	acceptance := []string{"implementation_plan", "completion_report", "supervision_report", "trial_run_report",
		"training_report", "test_report"}
	const firm = "湘西信息工程监理有限公司"

	d.lifecycle(pay, "XX-2025-003", []demoStep{
		{to: "submitted", date: "2024-10-15", docs: prefectureApplication},
		{to: "approved", date: "2024-12-10", approval: "州发改〔2024〕156号"},
	})
	d.specItem(pay, "XX-2025-003", "server", 2,
		inventory.Requirement{Field: "memory_gb", Op: "min", Value: 256},
		inventory.Requirement{Field: "cpu_cores", Op: "min", Value: 32})
	d.specItem(pay, "XX-2025-003", "storage", 1, inventory.Requirement{Field: "manufacturer", Op: "eq", Value: "Huawei"})
	d.supervise(pay, "XX-2025-003", firm)
	d.lifecycle(pay, "XX-2025-003", []demoStep{
		{to: "spec_reviewed", date: "2025-01-20"},
		{to: "procuring", date: "2025-02-15"},
		{to: "implementing", date: "2025-04-01", docs: []string{"procurement_contract"},
			procurement: procurement("public_tender", "XXZC2025-G-011", "湖南湘楚信息技术有限公司", "XXCZ-HT-2025-011",
				1_796_000, "2025-03-18")},
		{to: "trial_run", date: "2025-07-01", trialRunEnd: "2025-09-30"},
		{to: "acceptance_requested", date: "2025-10-20", docs: acceptance},
		{to: "accepted", date: "2025-11-28"},
		{to: "settled", date: "2026-01-20", docs: []string{"settlement_audit"}, settlement: 2_146_000},
	})
	must(d, "evaluation of XX-2025-003", func() (inventory.Evaluation, error) {
		return d.s.CreateEvaluation(d.ctx, pay, inventory.EvaluationInput{Date: "2026-06-30",
			MeetsTarget: ptr(false), Problems: "县级财政接入率未达到 90% 的建设目标"})
	})

	d.lifecycle(gov, "XX-2026-001", []demoStep{
		{to: "submitted", date: "2025-10-10", docs: prefectureApplication},
		{to: "approved", date: "2025-12-05", approval: "州发改〔2025〕203号"},
	})
	d.specItem(gov, "XX-2026-001", "server", 3,
		inventory.Requirement{Field: "memory_gb", Op: "min", Value: 512},
		inventory.Requirement{Field: "model", Op: "eq", Value: "NF5280M6"})
	d.supervise(gov, "XX-2026-001", firm)
	d.lifecycle(gov, "XX-2026-001", []demoStep{
		{to: "spec_reviewed", date: "2026-01-15"},
		{to: "procuring", date: "2026-02-01"},
		{to: "implementing", date: "2026-03-20", docs: []string{"procurement_contract", "single_source_justification"},
			procurement: procurement("single_source", "XXZC2026-D-002", "浪潮电子信息产业股份有限公司", "XXZW-HT-2026-002",
				3_380_000, "2026-03-06")},
	})

	d.lifecycle(sec, "XX-2026-007", []demoStep{
		{to: "submitted", date: "2025-11-20", docs: []string{"upward_application_copy", "secrecy_filing"}},
	})
}
