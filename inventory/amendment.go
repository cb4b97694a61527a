package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AmendableFields are the project fields that, from approval on, change only
// by an amendment (Art. 7, 8, 16): the lifecycle gates, the annual plan and
// eligibility read them.
var AmendableFields = []string{"lead_unit_id", "unit_ids", "budget", "name", "category"}

// amendedStatuses are the statuses from approval on: a project in one of
// them changes its AmendableFields only by an amendment.
var amendedStatuses = []string{"approved", "spec_reviewed", "procuring", "implementing", "trial_run",
	"acceptance_requested", "accepted", "settled", "acceptance_failed"}

// Amendment is one recorded change of an approved project's field. It is in
// force from RecordedOn, the business day it was recorded on.
type Amendment struct {
	ID         int64   `db:"id" json:"id"`
	ProjectID  int64   `db:"project_id" json:"project_id"`
	Field      string  `db:"field" json:"field"`
	OldValue   RawJSON `db:"old_value" json:"old_value"`
	NewValue   RawJSON `db:"new_value" json:"new_value"`
	Reason     string  `db:"reason" json:"reason"`
	DocumentID *int64  `db:"document_id" json:"document_id"`
	// Status is the project's status when the amendment was recorded.
	Status     string    `db:"status" json:"status"`
	RecordedOn Date      `db:"recorded_on" json:"recorded_on"`
	At         time.Time `db:"at" json:"at"`
	Actor      string    `db:"actor" json:"actor"`
}

// AmendmentInput amends one field: its new value (JSON of the field's type),
// why, and optionally the project document that decided it.
type AmendmentInput struct {
	Field      string          `json:"field"`
	Value      json.RawMessage `json:"value"`
	Reason     string          `json:"reason"`
	DocumentID *int64          `json:"document_id"`
}

// Validate checks the fields on their own; the value is checked against the
// project it amends.
func (in *AmendmentInput) Validate() error {
	trim(&in.Field, &in.Reason)
	ve := &ValidationError{}
	checkEnum(ve, "field", in.Field, AmendableFields)
	if v := bytes.TrimSpace(in.Value); len(v) == 0 || bytes.Equal(v, []byte("null")) {
		ve.Add("value", "err.amendment.value.required_field_new")
	}
	if in.Reason == "" {
		ve.Add("reason", "err.amendment.reason.required_why_approved")
	} else {
		checkMaxLen(ve, "reason", in.Reason, 2000)
	}
	if in.DocumentID != nil && *in.DocumentID < 1 {
		ve.Add("document_id", "err.amendment.document_id.positive_id")
	}
	return ve.Err()
}

// apply decodes the value onto the field of a project's input.
func (in *AmendmentInput) apply(p *ProjectInput) error {
	var dest any
	switch in.Field {
	case "lead_unit_id":
		dest = &p.LeadUnitID
	case "unit_ids":
		p.UnitIDs = nil
		dest = &p.UnitIDs
	case "budget":
		dest = &p.Budget
	case "name":
		dest = &p.Name
	case "category":
		dest = &p.Category
	}
	if err := json.Unmarshal(in.Value, dest); err != nil {
		return Invalid("value", "err.amendment.value.new_json_type", fieldLabel("project", in.Field), M("err.amendment.kind."+strings.ReplaceAll(amendedKind(in.Field), " ", "_")))
	}
	if p.UnitIDs == nil {
		p.UnitIDs = []int64{}
	}
	return nil
}

func amendedKind(field string) string {
	switch field {
	case "lead_unit_id":
		return "unit id"
	case "unit_ids":
		return "list of unit ids"
	case "budget":
		return "number"
	}
	return "string"
}

// fieldValue is the JSON of one amendable field of a project.
func fieldValue(p ProjectInput, field string) (RawJSON, error) {
	var v any
	switch field {
	case "lead_unit_id":
		v = p.LeadUnitID
	case "unit_ids":
		v = p.UnitIDs
	case "budget":
		v = p.Budget
	case "name":
		v = p.Name
	case "category":
		v = p.Category
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("inventory: amendment value: %w", err)
	}
	return b, nil
}

// AmendProject records an amendment of an approved project and changes the
// field: the amendment row, the project and the audit row are one
// transaction. A project not yet approved is changed with PATCH instead.
func (s *Store) AmendProject(ctx context.Context, id int64, in AmendmentInput) (Amendment, error) {
	if err := in.Validate(); err != nil {
		return Amendment{}, err
	}
	var out Amendment
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := projects.lockAndGet(tx, id)
		if err != nil {
			return err
		}
		if err := checkDraftOnly(tx, &before); err != nil {
			return err // amendments are the reviewers': a unit's staff change drafts only
		}
		if !slices.Contains(amendedStatuses, before.Status) {
			return conflict("status", "err.amendment.status.project_until_approved",
				id, L(setProjectStatus, before.Status), fieldLabel("project", in.Field), id)
		}
		next := projects.input(before)
		if err := in.apply(&next); err != nil {
			return err
		}
		if err := checkAmendment(tx, before, &next, in); err != nil {
			return err
		}
		old, err := fieldValue(projects.input(before), in.Field)
		if err != nil {
			return err
		}
		val, err := fieldValue(next, in.Field)
		if err != nil {
			return err
		}
		if bytes.Equal(old, val) {
			return Invalid("value", "err.amendment.value.already_project_nothing", fieldLabel("project", in.Field))
		}
		if err := projects.update(tx, id, &next); err != nil {
			return dbErr(err, fmt.Sprintf("amend project %d", id))
		}
		out = Amendment{ProjectID: id, Field: in.Field, OldValue: old, NewValue: val, Reason: in.Reason,
			DocumentID: in.DocumentID, Status: before.Status, RecordedOn: tx.today(), At: tx.at, Actor: tx.actor}
		out.ID, err = tx.insert(`INSERT INTO project_amendments (project_id, field, old_value, new_value, reason,
			document_id, status, recorded_on, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, out.Field, string(old), string(val), out.Reason, out.DocumentID, out.Status, out.RecordedOn, out.At, out.Actor)
		if err != nil {
			return dbErr(err, fmt.Sprintf("record the amendment of project %d", id))
		}
		if err := tx.audit("create", "project_amendment", out.ID, nil, out); err != nil {
			return err
		}
		after, err := projects.get(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		return tx.audit("update", "project", id, before, after)
	})
	return out, err
}

// checkAmendment validates the project as amended, the references it makes
// and the document cited.
func checkAmendment(tx *txn, before Project, next *ProjectInput, in AmendmentInput) error {
	if in.Field == "lead_unit_id" && slices.Contains(before.UnitIDs, next.LeadUnitID) {
		return Invalid("value", "err.amendment.value.unit_takes_part", next.LeadUnitID)
	}
	if in.Field == "unit_ids" && slices.Contains(next.UnitIDs, next.LeadUnitID) {
		return Invalid("value", "err.amendment.value.unit_leads_project", next.LeadUnitID)
	}
	ve, err := fieldErrors(next.Validate())
	if err != nil {
		return err
	}
	if m, bad := ve.msgs[in.Field]; bad {
		return invalidMsg("value", m)
	}
	if err := ve.Err(); err != nil {
		return err
	}
	if err := checkProjectRefs(tx, ve, next, &before); err != nil {
		return err
	}
	if m, bad := ve.msgs[in.Field]; bad {
		return invalidMsg("value", m)
	}
	if in.DocumentID != nil {
		ok, err := exists(tx.ctx, tx, `SELECT 1 FROM project_documents WHERE id = ? AND project_id = ?`, *in.DocumentID, before.ID)
		if err != nil {
			return dbErr(err, "check document_id")
		}
		if !ok {
			return Invalid("document_id", "err.amendment.document_id.project_has_no", before.ID, *in.DocumentID, before.ID)
		}
	}
	return ve.Err()
}

// Amendments returns a project's amendments, oldest first.
func (s *Store) Amendments(ctx context.Context, id int64) ([]Amendment, error) {
	if _, err := projects.get(ctx, s.db, id); err != nil {
		return nil, err
	}
	out := []Amendment{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT id, project_id, field, old_value, new_value, reason,
		document_id, status, recorded_on, at, actor FROM project_amendments WHERE project_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, dbErr(err, fmt.Sprintf("amendments of project %d", id))
	}
	for i := range out {
		out[i].At = out[i].At.UTC()
	}
	return out, nil
}

// amendedField refuses a PATCH of an amendable field from approval on.
func amendedField(in *ProjectInput, old *Project) error {
	if !slices.Contains(amendedStatuses, old.Status) {
		return nil
	}
	for _, f := range []struct {
		field   string
		changed bool
	}{
		{"lead_unit_id", in.LeadUnitID != old.LeadUnitID},
		{"unit_ids", !slices.Equal(in.UnitIDs, old.UnitIDs)},
		{"budget", money(in.Budget) != old.Budget},
		{"name", strings.TrimSpace(in.Name) != old.Name},
		{"category", in.Category != old.Category},
	} {
		if f.changed {
			return conflict(f.field, "err.amendment.field.project_record_since",
				old.ID, L(setProjectStatus, old.Status), fieldLabel("project", f.field), old.ID, f.field)
		}
	}
	return nil
}

// valuesInForce rolls the amendable fields of projects back to what was in
// force at the end of the business day cutoff(id): each field takes the old
// value of its first amendment recorded after that day.
func valuesInForce(ctx context.Context, q querier, ids []int64, cutoff func(id int64) Date,
	set func(id int64, field string, old RawJSON) error) error {
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		ProjectID  int64   `db:"project_id"`
		Field      string  `db:"field"`
		OldValue   RawJSON `db:"old_value"`
		RecordedOn Date    `db:"recorded_on"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT project_id, field, old_value, recorded_on
		FROM project_amendments ORDER BY project_id, id`)
	if err != nil {
		return dbErr(err, "project amendments")
	}
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	done := map[[2]any]bool{}
	for _, r := range rows {
		key := [2]any{r.ProjectID, r.Field}
		if !want[r.ProjectID] || done[key] || r.RecordedOn <= cutoff(r.ProjectID) {
			continue
		}
		done[key] = true
		if err := set(r.ProjectID, r.Field, r.OldValue); err != nil {
			return fmt.Errorf("inventory: amendment of project %d: %w", r.ProjectID, err)
		}
	}
	return nil
}
