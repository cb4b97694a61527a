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
func prerequisites(ctx context.Context, q querier, p Project, in TransitionInput, requireObserved bool) (map[string]string, error) {
	missing := map[string]string{}
	if err := missingDocuments(ctx, q, p, requiredDocuments(p, in.To), missing); err != nil {
		return nil, err
	}
	switch in.To {
	case "approved":
		if in.ApprovalNumber == "" {
			missing["approval_number"] = "the approval document's number is required: send it as approval_number with this step"
		}
	case "spec_reviewed":
		n, err := currentSpecItemCount(ctx, q, p.ID)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			missing["spec_items"] = fmt.Sprintf("the approved technical plan has no spec items (Art. 8): add them with POST /api/v1/projects/%d/spec-items", p.ID)
		}
	case "implementing":
		if p.Supervisor == "" {
			missing["supervisor"] = fmt.Sprintf("no supervision firm is recorded (Art. 11): set supervisor with PATCH /api/v1/projects/%d", p.ID)
		}
		if err := procurementGate(ctx, q, p, missing); err != nil {
			return nil, err
		}
	case "trial_run":
		if in.TrialRunEnd == nil && p.TrialRunEnd == nil {
			missing["trial_run_end"] = "the end of the trial run is needed to know when acceptance is due: send trial_run_end with this step"
		}
	case "acceptance_requested":
		if p.ApprovalNumber == "" {
			missing["approval_number"] = "the project has no recorded approval document number"
		}
		if err := complianceGate(ctx, q, p.ID, requireObserved, missing); err != nil {
			return nil, err
		}
	case "settled":
		if in.SettlementAmount == nil {
			missing["settlement_amount"] = "the audited settlement amount is required (Art. 14, 18): send it as settlement_amount with this step"
		}
	}
	return missing, nil
}

// complianceGate adds the reasons the delivered devices fail the approved
// spec (Art. 10), as compliance.1, compliance.2, ...
func complianceGate(ctx context.Context, q querier, projectID int64, requireObserved bool, missing map[string]string) error {
	c, err := projectCompliance(ctx, q, projectID, requireObserved)
	if err != nil {
		return err
	}
	if c.Pass {
		return nil
	}
	if len(c.Reasons) == 0 {
		missing["compliance.1"] = fmt.Sprintf("the delivered devices do not match the approved spec: see GET /api/v1/projects/%d/compliance", projectID)
	}
	for i, r := range c.Reasons {
		missing[fmt.Sprintf("compliance.%d", i+1)] = r
	}
	return nil
}

// missingDocuments adds, by type, each document of need the project has not
// filed.
func missingDocuments(ctx context.Context, q querier, p Project, need []string, missing map[string]string) error {
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
			missing[t] = fmt.Sprintf("the %s (%s) is missing: upload it with POST /api/v1/projects/%d/documents, type %s",
				documentLabels[t], documentArticles[t], p.ID, t)
		}
	}
	return nil
}

// RequiredDocuments lists the document types the step of p to status needs
// (for scripts that file them first, such as the demo).
func RequiredDocuments(p Project, to string) []string { return requiredDocuments(p, to) }
