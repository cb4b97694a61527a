package locale_test

import (
	"testing"

	"hostroll/inventory"
	"hostroll/locale"
)

// TestEnumLabels fails when a value of one of the store's enumerations has
// no label in the catalogs: a page or a spreadsheet would show its code.
func TestEnumLabels(t *testing.T) {
	sets := map[string][]string{
		"unit_kind": inventory.UnitKinds, "room_kind": inventory.RoomKinds, "room_status": inventory.RoomStatuses,
		"device_kind": inventory.DeviceKinds, "device_status": inventory.DeviceStatuses, "face": inventory.Faces,
		"line_platform": inventory.LinePlatforms, "line_status": inventory.LineStatuses,
		"project_category": inventory.ProjectCategories, "funding_source": inventory.FundingSources,
		"project_status": inventory.ProjectStatuses, "role": inventory.Roles,
		"finding_status": inventory.FindingStatuses, "severity": inventory.Severities,
		"poll_status": inventory.PollStatuses, "evidence": inventory.EvidenceKinds,
		"document_type": inventory.DocumentTypes, "eligibility_reason": inventory.EligibilityReasons,
		"exemption_basis": inventory.ExemptionBases, "history_kind": inventory.HistoryKinds,
		"notice_status": inventory.NoticeStatuses, "procurement_method": inventory.ProcurementMethods,
		"rectification_state": inventory.RectificationStates, "rectification_subject": inventory.RectificationSubjects,
		"audit_action": inventory.AuditActions, "audit_entity": inventory.AuditEntities,
		"drift_field": inventory.DriftFields, "spec_field": inventory.SpecFields, "spec_op": inventory.SpecOps,
		"spec_revision_status": inventory.SpecRevisionStats, "rule": ruleNames(),
	}
	for set, codes := range sets {
		if len(codes) == 0 {
			t.Errorf("%s: no values", set)
		}
		for _, code := range codes {
			for _, lang := range locale.Langs {
				if !locale.Has("enum." + set + "." + code) {
					t.Errorf("no label for enum.%s.%s", set, code)
				}
				if got := locale.Label(lang, set, code); got == code && lang == locale.ZH {
					t.Errorf("%s: enum.%s.%s shows its code", lang, set, code)
				}
			}
		}
	}
}

func ruleNames() []string {
	var out []string
	for _, r := range inventory.Rules() {
		out = append(out, r.Name)
	}
	return out
}
