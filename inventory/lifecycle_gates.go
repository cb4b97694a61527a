package inventory

import (
	"context"
	"fmt"
	"slices"
)

// The documents each gate requires, by the type of document.
var (
	// Art. 7: the full application of a prefecture-funded project.
	prefectureApplication = []string{"project_plan", "feasibility_study", "preliminary_design", "funding_estimate"}
	// Art. 13: what an application for acceptance comes with (the approval
	// document is the recorded approval_number).
	acceptanceDocuments = []string{"implementation_plan", "completion_report", "supervision_report",
		"trial_run_report", "training_report", "test_report"}
)

// requiredDocuments lists the document types the step to status needs.
func requiredDocuments(p Project, to string) []string {
	var need []string
	switch to {
	case "submitted":
		switch p.FundingSource {
		case "prefecture":
			need = append(need, prefectureApplication...)
		case "higher_level":
			need = append(need, "upward_application_copy")
		case "self":
			need = append(need, "technical_plan")
		}
		if p.Classified {
			need = append(need, "secrecy_filing")
		}
	case "acceptance_requested":
		need = append(need, acceptanceDocuments...)
	case "accepted":
		if p.Classified {
			need = append(need, "joint_acceptance")
		}
	case "implementing":
		need = append(need, "procurement_contract") // Art. 9
	case "settled":
		need = append(need, "settlement_audit")
	}
	return need
}

// prerequisites returns every prerequisite of the step that is missing, by
// field (a document type, approval_number, spec_items, supervisor,
// procurement, trial_run_end, compliance.N, settlement_amount), each with a
// message that says what to do. requireObserved is the compliance setting
// (RuleConfig.ComplianceDeclaredOnly).
func prerequisites(ctx context.Context, q querier, p Project, in TransitionInput, requireObserved bool) (map[string]Msg, error) {
	missing := map[string]Msg{}
	if err := missingDocuments(ctx, q, p, requiredDocuments(p, in.To), missing); err != nil {
		return nil, err
	}
	switch in.To {
	case "approved":
		if in.ApprovalNumber == "" {
			missing["approval_number"] = M("gate.approval_number")
		}
	case "spec_reviewed":
		n, err := currentSpecItemCount(ctx, q, p.ID)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			missing["spec_items"] = M("gate.spec_items", p.ID)
		}
	case "implementing":
		if p.Supervisor == "" {
			missing["supervisor"] = M("gate.supervisor", p.ID)
		}
		if err := procurementGate(ctx, q, p, missing); err != nil {
			return nil, err
		}
	case "trial_run":
		if in.TrialRunEnd == nil && p.TrialRunEnd == nil {
			missing["trial_run_end"] = M("gate.trial_run_end")
		}
	case "acceptance_requested":
		if p.ApprovalNumber == "" {
			missing["approval_number"] = M("gate.no_approval_number")
		}
		if err := complianceGate(ctx, q, p.ID, requireObserved, missing); err != nil {
			return nil, err
		}
	case "settled":
		if in.SettlementAmount == nil {
			missing["settlement_amount"] = M("gate.settlement_amount")
		}
	}
	return missing, nil
}

// complianceGate adds the reasons the delivered devices fail the approved
// spec (Art. 10), as compliance.1, compliance.2, ...
func complianceGate(ctx context.Context, q querier, projectID int64, requireObserved bool, missing map[string]Msg) error {
	c, err := projectCompliance(ctx, q, projectID, requireObserved)
	if err != nil {
		return err
	}
	if c.Pass {
		return nil
	}
	if len(c.Reasons) == 0 {
		missing["compliance.1"] = M("gate.compliance", projectID)
	}
	for i, r := range c.reasons {
		missing[fmt.Sprintf("compliance.%d", i+1)] = r
	}
	return nil
}

// missingDocuments adds, by type, each document of need the project has not
// filed.
func missingDocuments(ctx context.Context, q querier, p Project, need []string, missing map[string]Msg) error {
	if len(need) == 0 {
		return nil
	}
	var have []string
	err := q.SelectContext(ctx, &have, q.Rebind(`SELECT DISTINCT type FROM project_documents WHERE project_id = ?`), p.ID)
	if err != nil {
		return dbErr(err, "read project documents")
	}
	for _, t := range need {
		if !slices.Contains(have, t) {
			missing[t] = M("gate.document", L(setDocumentType, t), Article(documentArticles[t]), p.ID, t)
		}
	}
	return nil
}
