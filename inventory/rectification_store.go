package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// CreateRectification issues an order (Art. 12). Only the office issues
// orders; the subject must exist and be visible, and the findings and the
// evaluation it comes from must concern the same unit.
func (s *Store) CreateRectification(ctx context.Context, in RectificationInput) (Rectification, error) {
	if err := officeOnly(ctx, "err.office.issue_order"); err != nil {
		return Rectification{}, err
	}
	var out Rectification
	err := s.inTx(ctx, func(tx *txn) error {
		ve, err := fieldErrors(in.validate(tx.today()))
		if err != nil {
			return err
		}
		unitID, projectID, err := rectificationSubject(tx, ve, in)
		if err != nil {
			return err
		}
		if err := checkRectificationSources(tx, ve, in, unitID, projectID); err != nil {
			return err
		}
		if err := ve.Err(); err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO rectifications (subject_type, subject_id, unit_id, project_id, evaluation_id,
			problem, action, issued_on, due_on, state, issued_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
			in.SubjectType, in.SubjectID, unitID, projectID, in.EvaluationID, in.Problem, in.Action, *in.IssuedOn, in.DueOn,
			tx.actor, tx.at)
		if err != nil {
			return dbErr(err, "create rectification")
		}
		for _, f := range uniqueIDs(in.FindingIDs) {
			if err := tx.exec(`INSERT INTO rectification_findings (rectification_id, finding_id) VALUES (?, ?)`, id, f); err != nil {
				return dbErr(err, "link finding to rectification")
			}
		}
		if err := addRectificationEvent(tx, id, "issue", *in.IssuedOn, in.Action, nil); err != nil {
			return err
		}
		if out, err = s.readRectification(tx.ctx, tx, id, ""); err != nil {
			return err
		}
		return tx.audit("create", "rectification", id, nil, out)
	})
	return out, err
}

// rectificationSubject finds the unit that answers an order about in's
// subject, and the project when the subject is one.
func rectificationSubject(tx *txn, ve *ValidationError, in RectificationInput) (int64, *int64, error) {
	if _, bad := ve.Fields["subject_type"]; bad || in.SubjectID < 1 {
		return 0, nil, nil
	}
	if in.SubjectType == "unit" {
		id := in.SubjectID
		return id, nil, checkRef(tx, ve, "subject_id", "units", &id)
	}
	p, err := projects.get(tx.ctx, tx, in.SubjectID)
	if err != nil {
		if isNotFound(err) {
			ve.Add("subject_id", "err.rectification_store.subject_id.no_project_id", in.SubjectID)
			return 0, nil, nil
		}
		return 0, nil, err
	}
	return p.LeadUnitID, &p.ID, nil
}

// checkRectificationSources checks that the findings and the evaluation
// behind an order exist and concern its unit or project.
func checkRectificationSources(tx *txn, ve *ValidationError, in RectificationInput, unitID int64, projectID *int64) error {
	for _, id := range uniqueIDs(in.FindingIDs) {
		var f struct {
			UnitID      *int64 `db:"unit_id"`
			SubjectType string `db:"subject_type"`
			SubjectID   int64  `db:"subject_id"`
		}
		err := tx.get(&f, `SELECT unit_id, subject_type, subject_id FROM findings WHERE id = ?`, id)
		if isNotFound(dbErr(err, "finding")) {
			ve.Add("finding_ids", "err.rectification_store.finding_ids.no_finding_id", id)
			continue
		} else if err != nil {
			return dbErr(err, "check finding_ids")
		}
		sameProject := projectID != nil && f.SubjectType == "project" && f.SubjectID == *projectID
		if !sameProject && (f.UnitID == nil || *f.UnitID != unitID) {
			ve.Add("finding_ids", "err.rectification_store.finding_ids.finding_about_order", id)
		}
	}
	if in.EvaluationID == nil {
		return nil
	}
	if projectID == nil {
		ve.Add("evaluation_id", "err.rectification_store.evaluation_id.goes_only_subject")
		return nil
	}
	ok, err := exists(tx.ctx, tx, `SELECT 1 FROM evaluations WHERE id = ? AND project_id = ?`, *in.EvaluationID, *projectID)
	if err != nil {
		return dbErr(err, "check evaluation_id")
	}
	if !ok {
		ve.Add("evaluation_id", "err.rectification_store.evaluation_id.no_evaluation_project", *in.EvaluationID, *projectID)
	}
	return nil
}

// RespondRectification records the unit's answer: what was done, with the
// documents that show it. Only the staff of the order's unit answer (and
// the system); an open, reopened or overdue order becomes responded.
func (s *Store) RespondRectification(ctx context.Context, id int64, in RectificationStep) (Rectification, error) {
	return s.stepRectification(ctx, id, "response", in, func(tx *txn, r Rectification) error {
		c := CallerOf(tx.ctx)
		if c.Role != RoleUnitStaff && c.Role != RoleAdmin {
			return forbidden("err.rectification.respond_own_unit")
		}
		ok, err := inScope(tx.ctx, tx, "rectifications", id, true)
		if err != nil {
			return err
		}
		if !ok {
			return forbidden("err.rectification.not_your_unit", id)
		}
		if r.State == "responded" || r.State == "closed" {
			return conflict("state", "err.rectification.respond_state", id, L(setRectificationState, r.State))
		}
		return checkResponseDocuments(tx, r, in.DocumentIDs)
	}, "responded")
}

// CloseRectification is the office accepting the unit's response: the order
// is rectified on today's business day.
func (s *Store) CloseRectification(ctx context.Context, id int64, in RectificationStep) (Rectification, error) {
	return s.stepRectification(ctx, id, "close", in, func(tx *txn, r Rectification) error {
		if err := officeOnly(tx.ctx, "err.office.close_order"); err != nil {
			return err
		}
		if r.State != "responded" {
			return conflict("state", "err.rectification.close_state", id, L(setRectificationState, r.State))
		}
		return nil
	}, "closed")
}

// RefuseRectification is the office refusing the unit's response, with a
// note saying why: the order is reopened and still due on its day.
func (s *Store) RefuseRectification(ctx context.Context, id int64, in RectificationStep) (Rectification, error) {
	return s.stepRectification(ctx, id, "refuse", in, func(tx *txn, r Rectification) error {
		if err := officeOnly(tx.ctx, "err.office.refuse_response"); err != nil {
			return err
		}
		if r.State != "responded" {
			return conflict("state", "err.rectification.refuse_state", id, L(setRectificationState, r.State))
		}
		return nil
	}, "reopened")
}

// stepRectification runs one step of the exchange in a transaction: lock the
// order, let allow refuse it, record the event and the new state, audit.
func (s *Store) stepRectification(ctx context.Context, id int64, kind string, in RectificationStep,
	allow func(tx *txn, r Rectification) error, state string) (Rectification, error) {
	var out Rectification
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := s.readRectification(tx.ctx, tx, id, tx.forUpdate())
		if err != nil {
			return err
		}
		if err := allow(tx, before); err != nil {
			return err
		}
		if err := in.validate(kind != "close"); err != nil {
			return err
		}
		if kind != "response" && len(in.DocumentIDs) > 0 {
			return Invalid("document_ids", "err.rectification_store.document_ids.go_response_unit", M("err.rectification.kind."+kind))
		}
		day := tx.today()
		var closedOn *Date
		if state == "closed" {
			closedOn = &day
		}
		if err := tx.exec(`UPDATE rectifications SET state = ?, closed_on = ? WHERE id = ?`, state, closedOn, id); err != nil {
			return dbErr(err, fmt.Sprintf("update rectification %d", id))
		}
		if err := addRectificationEvent(tx, id, kind, day, in.Note, in.DocumentIDs); err != nil {
			return err
		}
		if out, err = s.readRectification(tx.ctx, tx, id, ""); err != nil {
			return err
		}
		if err := tx.audit("update", "rectification", id, before, out); err != nil {
			return err
		}
		out.History, err = rectificationHistory(tx.ctx, tx, id)
		return err
	})
	return out, err
}

// checkResponseDocuments checks that each document is filed with a project
// of the order's unit (led by it or taking part) and visible to the caller.
func checkResponseDocuments(tx *txn, r Rectification, ids []int64) error {
	ve := &ValidationError{}
	for _, d := range uniqueIDs(ids) {
		query, args := andScopeIn(tx.ctx, `SELECT 1 FROM project_documents WHERE id = ? AND project_id IN
			(SELECT id FROM projects WHERE lead_unit_id = ? UNION SELECT project_id FROM project_units WHERE unit_id = ?)`,
			[]any{d, r.UnitID, r.UnitID}, "project_id", "projects")
		ok, err := exists(tx.ctx, tx, query, args...)
		if err != nil {
			return dbErr(err, "check document_ids")
		}
		if !ok {
			ve.Add("document_ids", "err.rectification_store.document_ids.no_document_filed", d, r.UnitID)
		}
	}
	return ve.Err()
}

func addRectificationEvent(tx *txn, id int64, kind string, day Date, note string, docs []int64) error {
	b, err := json.Marshal(uniqueIDs(docs))
	if err != nil {
		return fmt.Errorf("inventory: rectification documents: %w", err)
	}
	err = tx.exec(`INSERT INTO rectification_events (rectification_id, kind, date, note, documents, at, actor)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, kind, day, note, string(b), tx.at, tx.actor)
	return dbErr(err, "record rectification "+kind)
}

// rectificationHistory is an order's exchange, oldest first.
func rectificationHistory(ctx context.Context, q querier, id int64) ([]RectificationEvent, error) {
	out := []RectificationEvent{}
	err := q.SelectContext(ctx, &out, q.Rebind(`SELECT id, kind, date, note, documents, at, actor
		FROM rectification_events WHERE rectification_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, dbErr(err, fmt.Sprintf("history of rectification %d", id))
	}
	for i := range out {
		out[i].At = out[i].At.UTC()
		out[i].DocumentIDs = []int64{}
		if err := json.Unmarshal([]byte(out[i].Documents), &out[i].DocumentIDs); err != nil {
			return nil, fmt.Errorf("inventory: documents of rectification event %d: %w", out[i].ID, err)
		}
	}
	return out, nil
}

var rectificationList = listSpec{
	filters: map[string]filter{
		"unit_id":      {col: "unit_id", kind: filterID},
		"project_id":   {col: "project_id", kind: filterID, nullable: true},
		"subject_type": {col: "subject_type", kind: filterEnum, allowed: RectificationSubjects},
	},
	params: []string{"state", "due_from", "due_to"},
	scope:  scopeRectifications,
}

// Rectifications lists orders, the earliest due first. Filters: unit_id,
// project_id, subject_type, state (overdue included), due_from and due_to
// (inclusive days).
func (s *Store) Rectifications(ctx context.Context, p ListParams) ([]Rectification, int, error) {
	p.Filters = cloneFilters(p.Filters)
	extra, xargs, err := rectificationConds(&p, dayIn(s.zone, s.now()))
	if err != nil {
		return nil, 0, err
	}
	where, args, err := rectificationList.where(&p)
	if err != nil {
		return nil, 0, err
	}
	if len(extra) > 0 {
		if where == "" {
			where = " WHERE " + strings.Join(extra, " AND ")
		} else {
			where += " AND " + strings.Join(extra, " AND ")
		}
		args = append(args, xargs...)
	}
	where, args = andScope(ctx, where, args, scopeRectifications, where != "")
	var total int
	if err := s.db.GetContext(ctx, &total, s.db.Rebind(`SELECT COUNT(*) FROM rectifications`+where), args...); err != nil {
		return nil, 0, dbErr(err, "count rectifications")
	}
	items := []Rectification{}
	if total > p.Offset {
		err := s.db.SelectContext(ctx, &items, s.db.Rebind(page(`SELECT `+rectificationCols+` FROM rectifications`+where,
			"due_on, id", p)), args...)
		if err != nil {
			return nil, 0, dbErr(err, "list rectifications")
		}
	}
	return items, total, s.completeRectifications(ctx, s.db, items)
}

// rectificationConds takes state, due_from and due_to out of a list's
// parameters and turns them into conditions; the state depends on today.
func rectificationConds(p *ListParams, day Date) ([]string, []any, error) {
	ve := &ValidationError{}
	var conds []string
	var args []any
	if st, ok := p.Filters["state"]; ok {
		delete(p.Filters, "state")
		switch st {
		case "overdue":
			conds, args = append(conds, "state IN ('open', 'reopened') AND due_on < ?"), append(args, day)
		case "open", "reopened":
			conds, args = append(conds, "state = ? AND due_on >= ?"), append(args, st, day)
		case "responded", "closed":
			conds, args = append(conds, "state = ?"), append(args, st)
		default:
			ve.Add("state", "err.finding.lang.one", strings.Join(RectificationStates, ", "), st)
		}
	}
	for _, name := range []string{"due_from", "due_to"} {
		v, ok := p.Filters[name]
		if !ok {
			continue
		}
		delete(p.Filters, name)
		d := Date(v)
		if !d.valid() {
			ve.Add(name, "err.rectification_store.field.date_yyyy_mm", v)
			continue
		}
		op := map[string]string{"due_from": ">=", "due_to": "<="}[name]
		conds, args = append(conds, "due_on "+op+" ?"), append(args, d)
	}
	return conds, args, ve.Err()
}

// uniqueIDs sorts ids and drops repeats, never returning nil.
func uniqueIDs(ids []int64) []int64 {
	out := append([]int64{}, ids...)
	slices.Sort(out)
	return slices.Compact(out)
}

// stateZH names the states of orders and notices in Chinese.
var stateZH = map[string]string{"open": "待整改", "responded": "已答复", "reopened": "退回重改", "closed": "已完成",
	"overdue": "已逾期", "draft": "草稿", "published": "已发布", "withdrawn": "已撤回"}
