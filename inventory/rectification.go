package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Rectification order states (Art. 12). The stored state is what was last
// done; "overdue" is shown instead of open or reopened once the business day
// is past the due day.
var (
	RectificationStates   = []string{"open", "responded", "reopened", "closed", "overdue"}
	RectificationSubjects = []string{"project", "unit"}
)

// Rectification is an order to rectify within a deadline (限期整改, Art. 12,
// 15, 18). Its subject is a project or a unit; UnitID is the unit that
// answers it: the unit itself, or the project's lead unit.
type Rectification struct {
	ID           int64     `db:"id" json:"id"`
	SubjectType  string    `db:"subject_type" json:"subject_type"`
	SubjectID    int64     `db:"subject_id" json:"subject_id"`
	UnitID       int64     `db:"unit_id" json:"unit_id"`
	ProjectID    *int64    `db:"project_id" json:"project_id"`
	EvaluationID *int64    `db:"evaluation_id" json:"evaluation_id"`
	FindingIDs   []int64   `db:"-" json:"finding_ids"`
	Problem      string    `db:"problem" json:"problem"`
	Action       string    `db:"action" json:"action"`
	IssuedOn     Date      `db:"issued_on" json:"issued_on"`
	DueOn        Date      `db:"due_on" json:"due_on"`
	State        string    `db:"state" json:"state"`
	Overdue      bool      `db:"-" json:"overdue"`
	ClosedOn     *Date     `db:"closed_on" json:"closed_on"`
	IssuedBy     string    `db:"issued_by" json:"issued_by"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
	// History is the whole exchange, oldest first; only on a single order.
	History []RectificationEvent `db:"-" json:"history,omitempty"`
}

// RectificationEvent is one step of an order's exchange: the issue, a
// response of the unit, a refusal or the close by the office.
type RectificationEvent struct {
	ID          int64     `db:"id" json:"id"`
	Kind        string    `db:"kind" json:"kind"`
	Date        Date      `db:"date" json:"date"`
	Note        string    `db:"note" json:"note"`
	Documents   string    `db:"documents" json:"-"`
	DocumentIDs []int64   `db:"-" json:"document_ids"`
	At          time.Time `db:"at" json:"at"`
	Actor       string    `db:"actor" json:"actor"`
}

// RectificationInput issues an order. IssuedOn defaults to today; an order
// issued on paper may be entered later with its own day.
type RectificationInput struct {
	SubjectType  string  `json:"subject_type"`
	SubjectID    int64   `json:"subject_id"`
	FindingIDs   []int64 `json:"finding_ids"`
	EvaluationID *int64  `json:"evaluation_id"`
	Problem      string  `json:"problem"`
	Action       string  `json:"action"`
	IssuedOn     *Date   `json:"issued_on"`
	DueOn        Date    `json:"due_on"`
}

// RectificationStep is a response of the unit, or the office's close or
// refusal: a note and, for a response, the documents that show the work
// (ids of documents filed with the unit's projects).
type RectificationStep struct {
	Note        string  `json:"note"`
	DocumentIDs []int64 `json:"document_ids"`
}

// validate checks the fields on their own; today is the business day.
func (in *RectificationInput) validate(today Date) error {
	trim(&in.SubjectType, &in.Problem, &in.Action)
	ve := &ValidationError{}
	checkEnum(ve, "subject_type", in.SubjectType, RectificationSubjects)
	if in.SubjectID < 1 {
		ve.Add("subject_id", "err.rectification.subject_id.required_id_project")
	}
	checkRequired(ve, "problem", in.Problem, 4000)
	checkRequired(ve, "action", in.Action, 4000)
	if in.IssuedOn == nil {
		in.IssuedOn = &today
	}
	checkDate(ve, "issued_on", in.IssuedOn)
	if in.IssuedOn.valid() && *in.IssuedOn > today {
		ve.Add("issued_on", "err.evaluation.date.after_today", today)
	}
	if in.DueOn == "" {
		ve.Add("due_on", "err.rectification.due_on.required_last_day")
	} else {
		checkDate(ve, "due_on", &in.DueOn)
		if in.DueOn.valid() && in.IssuedOn.valid() && in.DueOn <= *in.IssuedOn {
			ve.Add("due_on", "err.rectification.due_on.after_issued", *in.IssuedOn)
		}
	}
	if len(in.FindingIDs) > 100 {
		ve.Add("finding_ids", "err.rectification.finding_ids.may_list_most")
	}
	for _, id := range in.FindingIDs {
		if id < 1 {
			ve.Add("finding_ids", "err.rectification.finding_ids.positive_finding_ids")
		}
	}
	if in.EvaluationID != nil && *in.EvaluationID < 1 {
		ve.Add("evaluation_id", "err.amendment.document_id.positive_id")
	}
	return ve.Err()
}

func (in *RectificationStep) validate(needNote bool) error {
	trim(&in.Note)
	ve := &ValidationError{}
	if needNote {
		checkRequired(ve, "note", in.Note, 4000)
	} else {
		checkMaxLen(ve, "note", in.Note, 4000)
	}
	if len(in.DocumentIDs) > 50 {
		ve.Add("document_ids", "err.rectification.document_ids.may_list_most")
	}
	for _, id := range in.DocumentIDs {
		if id < 1 {
			ve.Add("document_ids", "err.rectification.document_ids.positive_document_ids")
		}
	}
	return ve.Err()
}

// officeRoles may issue, close and refuse orders and draft notices.
var officeRoles = []string{RoleAdmin, RoleReviewer}

// officeOnly refuses a caller who is not of the e-government office the
// action (a catalog key).
func officeOnly(ctx context.Context, action string) error {
	if slices.Contains(officeRoles, CallerOf(ctx).Role) {
		return nil
	}
	return forbidden("err.office.only", M(action))
}

// overdueOn tells whether an order is overdue on the business day today: not
// answered (open or reopened) and past its due day.
func (r *Rectification) overdueOn(today Date) bool {
	return (r.State == "open" || r.State == "reopened") && today > r.DueOn
}

const rectificationCols = `rectifications.id, subject_type, subject_id, unit_id, project_id, evaluation_id,
	problem, action, issued_on, due_on, state, closed_on, issued_by, created_at`

// readRectification reads one order in the caller's scope, with its
// findings; suffix may lock it.
func (s *Store) readRectification(ctx context.Context, q querier, id int64, suffix string) (Rectification, error) {
	var r Rectification
	query, args := andScope(ctx, `SELECT `+rectificationCols+` FROM rectifications WHERE rectifications.id = ?`,
		[]any{id}, scopeRules["rectifications"].read, true)
	if err := q.GetContext(ctx, &r, q.Rebind(query+suffix), args...); err != nil {
		return r, dbErr(err, fmt.Sprintf("rectification %d", id))
	}
	items := []Rectification{r}
	if err := s.completeRectifications(ctx, q, items); err != nil {
		return r, err
	}
	return items[0], nil
}

// completeRectifications adds the finding ids and the overdue state.
func (s *Store) completeRectifications(ctx context.Context, q querier, items []Rectification) error {
	day := dayIn(s.zone, s.now())
	ids := make([]int64, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	findings, err := linkedIDs(ctx, q, "rectification_findings", "rectification_id", "finding_id", ids)
	if err != nil {
		return err
	}
	for i := range items {
		r := &items[i]
		r.CreatedAt = r.CreatedAt.UTC()
		r.FindingIDs = orEmpty(findings[r.ID])
		if r.overdueOn(day) {
			r.Overdue, r.State = true, "overdue"
		}
	}
	return nil
}

// Rectification returns one order with its whole exchange.
func (s *Store) Rectification(ctx context.Context, id int64) (Rectification, error) {
	r, err := s.readRectification(ctx, s.db, id, "")
	if err != nil {
		return r, err
	}
	r.History, err = rectificationHistory(ctx, s.db, id)
	return r, err
}

// isNotFound tells whether err is a missing row, wrapped or not.
func isNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, sql.ErrNoRows)
}
