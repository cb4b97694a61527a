package inventory

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"hostroll/fold"
)

// Project categories (Art. 2), funding sources and lifecycle statuses.
var (
	ProjectCategories = []string{"network_room", "application", "information_resources", "security", "terminal_equipment"}
	FundingSources    = []string{"higher_level", "prefecture", "self"}
	ProjectStatuses   = []string{"draft", "submitted", "approved", "spec_reviewed", "procuring", "implementing",
		"trial_run", "acceptance_requested", "accepted", "settled", "rejected", "acceptance_failed"}
)

// Project is an e-government project (电子政务工程): a lead unit and the units
// taking part, funded from one source for one plan year.
type Project struct {
	ID            int64   `db:"id" json:"id"`
	Code          string  `db:"code" json:"code"`
	Name          string  `db:"name" json:"name"`
	LeadUnitID    int64   `db:"lead_unit_id" json:"lead_unit_id"`
	UnitIDs       []int64 `db:"-" json:"unit_ids"`
	Category      string  `db:"category" json:"category"`
	FundingSource string  `db:"funding_source" json:"funding_source"`
	Classified    bool    `db:"classified" json:"classified"`
	PlanYear      int     `db:"plan_year" json:"plan_year"`
	Budget        float64 `db:"budget" json:"budget"`
	Status        string  `db:"status" json:"status"`
	// ApprovalNumber is the approval document's number, recorded by the
	// approval step (POST /projects/{id}/transitions).
	ApprovalNumber string `db:"approval_number" json:"approval_number"`
	// Supervisor is the supervision firm (Art. 11).
	Supervisor  string `db:"supervisor" json:"supervisor"`
	TrialRunEnd *Date  `db:"trial_run_end" json:"trial_run_end"`
	// SettlementAmount is the audited settlement (Art. 14), recorded by the
	// step to settled; null before.
	SettlementAmount *float64 `db:"settlement_amount" json:"settlement_amount"`
}

// ProjectInput creates or patches a project.
type ProjectInput struct {
	Code          string  `json:"code"`
	Name          string  `json:"name"`
	LeadUnitID    int64   `json:"lead_unit_id"`
	UnitIDs       []int64 `json:"unit_ids"`
	Category      string  `json:"category"`
	FundingSource string  `json:"funding_source"`
	Classified    bool    `json:"classified"`
	PlanYear      int     `json:"plan_year"`
	Budget        float64 `json:"budget"`
	Supervisor    string  `json:"supervisor"`
	TrialRunEnd   *Date   `json:"trial_run_end"`
	// Status and ApprovalNumber are refused when sent: the lifecycle steps
	// (POST /projects/{id}/transitions) set them.
	Status         *string `json:"status,omitempty"`
	ApprovalNumber *string `json:"approval_number,omitempty"`
	// SettlementAmount is refused too: the step to settled records it.
	SettlementAmount *float64 `json:"settlement_amount,omitempty"`
}

// MaxUnitIDs caps a project's participating units.
const MaxUnitIDs = 1000

// DefaultProjectInput is the base a new project's JSON is read onto.
func DefaultProjectInput() ProjectInput { return ProjectInput{UnitIDs: []int64{}} }

// Validate checks the fields on their own.
func (in *ProjectInput) Validate() error {
	trim(&in.Code, &in.Name, &in.Supervisor)
	ve := &ValidationError{}
	checkRequired(ve, "code", in.Code, 64)
	checkRequired(ve, "name", in.Name, 300)
	if in.LeadUnitID == 0 {
		ve.Add("lead_unit_id", "err.project.lead_unit_id.required_unit_that")
	}
	checkEnum(ve, "category", in.Category, ProjectCategories)
	checkEnum(ve, "funding_source", in.FundingSource, FundingSources)
	checkRange(ve, "plan_year", in.PlanYear, 2000, 2100)
	checkMoney(ve, "budget", in.Budget)
	in.Budget = money(in.Budget)
	checkMaxLen(ve, "supervisor", in.Supervisor, 300)
	checkDate(ve, "trial_run_end", in.TrialRunEnd)
	if in.Status != nil {
		ve.Add("status", "err.project.status.changed_only_lifecycle")
	}
	if in.ApprovalNumber != nil {
		ve.Add("approval_number", "err.project.approval_number.recorded_approval_step")
	}
	if in.SettlementAmount != nil {
		ve.Add("settlement_amount", "err.project.settlement_amount.recorded_step_settled")
	}
	// The participating units: each once, the lead unit not among them.
	// Sorting first keeps this O(n log n) for any list that gets here.
	if len(in.UnitIDs) > MaxUnitIDs {
		ve.Add("unit_ids", "err.project.unit_ids.have_most_units", MaxUnitIDs)
		return ve.Err()
	}
	ids := slices.Clone(in.UnitIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ids = slices.DeleteFunc(ids, func(id int64) bool { return id == in.LeadUnitID })
	if ids == nil {
		ids = []int64{}
	}
	in.UnitIDs = ids
	return ve.Err()
}

var projectList = listSpec{
	filters: map[string]filter{
		"lead_unit_id": {col: "lead_unit_id", kind: filterID},
		"unit_id": {kind: filterID, expr: `(lead_unit_id = ? OR EXISTS (SELECT 1 FROM project_units pu
			WHERE pu.project_id = projects.id AND pu.unit_id = ?))`},
		"category":       {col: "category", kind: filterEnum, allowed: ProjectCategories},
		"funding_source": {col: "funding_source", kind: filterEnum, allowed: FundingSources},
		"status":         {col: "status", kind: filterEnum, allowed: ProjectStatuses},
		"classified":     {col: "classified", kind: filterBool},
		"plan_year":      {col: "plan_year", kind: filterInt},
	},
	search: []string{"name", "code"},
}

var projects = &resource[Project, ProjectInput]{
	entity: "project",
	table:  "projects",
	cols: `id, code, name, lead_unit_id, category, funding_source, classified, plan_year, budget, status,
		approval_number, supervisor, trial_run_end, settlement_amount`,
	input: func(p Project) ProjectInput {
		return ProjectInput{Code: p.Code, Name: p.Name, LeadUnitID: p.LeadUnitID, UnitIDs: slices.Clone(p.UnitIDs),
			Category: p.Category, FundingSource: p.FundingSource, Classified: p.Classified,
			PlanYear: p.PlanYear, Budget: p.Budget, Supervisor: p.Supervisor, TrialRunEnd: p.TrialRunEnd}
	},
	check:  checkProject,
	insert: insertProject,
	update: func(tx *txn, id int64, in *ProjectInput) error {
		err := tx.exec(`UPDATE projects SET code = ?, name = ?, lead_unit_id = ?, category = ?, funding_source = ?,
			classified = ?, plan_year = ?, budget = ?, supervisor = ?, trial_run_end = ? WHERE id = ?`,
			in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.Classified, in.PlanYear,
			in.Budget, in.Supervisor, in.TrialRunEnd, id)
		if err != nil {
			return err
		}
		return writeProjectUnits(tx, id, in.UnitIDs)
	},
	load:         loadProjectUnits,
	dependants:   []dependant{{"devices", "project_id", "devices"}, {"lines", "project_id", "lines"}},
	beforeDelete: deleteProjectUnits,
	folded: &folded[ProjectInput]{cols: []string{"code_fold"},
		vals: func(in *ProjectInput) []any { return []any{fold.Key(in.Code)} }},
}

// deleteProjectUnits lets only a draft go: once submitted, a project's
// documents, history and evaluations stay on record.
func deleteProjectUnits(tx *txn, id int64) error {
	var status string
	if err := tx.get(&status, `SELECT status FROM projects WHERE id = ?`, id); err != nil {
		return dbErr(err, fmt.Sprintf("project %d", id))
	}
	if status != "draft" {
		return conflict("status", "err.project.status.project_only_draft", id, L(setProjectStatus, status))
	}
	return tx.exec(`DELETE FROM project_units WHERE project_id = ?`, id)
}

func checkProject(tx *txn, in *ProjectInput, self int64, old *Project) error {
	ve, err := fieldErrors(in.Validate())
	if err != nil {
		return err
	}
	if err := checkGateFields(in, old); err != nil {
		return err
	}
	if err := checkDraftOnly(tx, old); err != nil {
		return err
	}
	if err := checkProjectRefs(tx, ve, in, old); err != nil {
		return err
	}
	if err := ve.Err(); err != nil {
		return err
	}
	other, err := taken(tx, `SELECT id FROM projects WHERE code_fold = ? AND id <> ?`, fold.Key(in.Code), self)
	if err != nil {
		return dbErr(err, "check project code")
	}
	if other != 0 {
		return conflict("code", "err.project.code.project_code_already", in.Code, other)
	}
	return nil
}

// checkDraftOnly lets a unit's staff change a project only while it is a
// draft: from submitted on it is the reviewers' (Art. 7).
func checkDraftOnly(tx *txn, old *Project) error {
	if old == nil || old.Status == "draft" || CallerOf(tx.ctx).Scope().All {
		return nil
	}
	return forbidden("err.project.unit_staff_draft_only", old.ID, L(setProjectStatus, old.Status))
}

// checkProjectRefs checks that the units a project names exist; a unit
// already taking part (old) is on record and not looked up again.
func checkProjectRefs(tx *txn, ve *ValidationError, in *ProjectInput, old *Project) error {
	if err := checkRef(tx, ve, "lead_unit_id", "units", &in.LeadUnitID); err != nil {
		return err
	}
	for _, id := range in.UnitIDs {
		if old != nil && slices.Contains(old.UnitIDs, id) {
			continue // on record already; another unit may take part in a unit's project
		}
		if err := checkRef(tx, ve, "unit_ids", "units", &id); err != nil {
			return err
		}
	}
	return nil
}

// trialRunEndOpen are the statuses in which trial_run_end may change.
var trialRunEndOpen = []string{"submitted", "approved", "spec_reviewed", "procuring", "implementing", "trial_run"}

func sameDate(a, b *Date) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// checkGateFields refuses, once a project has left draft, a change of what
// its lifecycle gates and the project rules read (Art. 6, 7, 13, 16): its
// funding source, classification and plan year are on record. From approval
// on, its lead unit, units, budget, name and category change only by an
// amendment.
func checkGateFields(in *ProjectInput, old *Project) error {
	if old == nil || old.Status == "draft" {
		return nil
	}
	if err := amendedField(in, old); err != nil {
		return err
	}
	// The end of the trial run may move while the trial runs (an extension);
	// once acceptance was requested it is on record: acceptance-overdue and
	// Art. 16 count from it.
	if !sameDate(in.TrialRunEnd, old.TrialRunEnd) && !slices.Contains(trialRunEndOpen, old.Status) {
		return conflict("trial_run_end", "err.project.trial_run_end.project_end_trial", old.ID, L(setProjectStatus, old.Status))
	}
	for _, f := range []struct {
		field   string
		changed bool
	}{
		{"funding_source", in.FundingSource != old.FundingSource},
		{"classified", in.Classified != old.Classified},
		{"plan_year", in.PlanYear != old.PlanYear},
	} {
		if f.changed {
			return conflict(f.field, "err.project.field.project_fixed_once", old.ID, L(setProjectStatus, old.Status), fieldLabel("project", f.field))
		}
	}
	return nil
}

func insertProject(tx *txn, in *ProjectInput) (int64, error) {
	id, err := tx.insert(`INSERT INTO projects (code, name, lead_unit_id, category, funding_source, classified,
		plan_year, budget, status, supervisor, trial_run_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)`,
		in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource, in.Classified, in.PlanYear,
		in.Budget, in.Supervisor, in.TrialRunEnd)
	if err != nil {
		return 0, err
	}
	return id, writeProjectUnits(tx, id, in.UnitIDs)
}

func writeProjectUnits(tx *txn, id int64, unitIDs []int64) error {
	if err := tx.exec(`DELETE FROM project_units WHERE project_id = ?`, id); err != nil {
		return err
	}
	for _, u := range unitIDs {
		if err := tx.exec(`INSERT INTO project_units (project_id, unit_id) VALUES (?, ?)`, id, u); err != nil {
			return err
		}
	}
	return nil
}

// loadProjectUnits fills in the participating units of a page of projects in
// one query.
func loadProjectUnits(ctx context.Context, q querier, items []Project) error {
	ids := make([]int64, len(items))
	at := make(map[int64]int, len(items))
	for i := range items {
		ids[i] = items[i].ID
		at[items[i].ID] = i
		items[i].UnitIDs = []int64{}
	}
	query, args, err := sqlx.In(`SELECT project_id, unit_id FROM project_units WHERE project_id IN (?) ORDER BY project_id, unit_id`, ids)
	if err != nil {
		return dbErr(err, "participating units")
	}
	var rows []struct {
		ProjectID int64 `db:"project_id"`
		UnitID    int64 `db:"unit_id"`
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(query), args...); err != nil {
		return dbErr(err, "participating units")
	}
	for _, r := range rows {
		p := &items[at[r.ProjectID]]
		p.UnitIDs = append(p.UnitIDs, r.UnitID)
	}
	return nil
}

// Project returns one project with its participating units.
func (s *Store) Project(ctx context.Context, id int64) (Project, error) {
	return projects.get(ctx, s.db, id)
}

// Projects lists projects; filters: lead_unit_id, unit_id (lead or
// participating), category, funding_source, status, classified, plan_year; q
// searches name and code.
func (s *Store) Projects(ctx context.Context, p ListParams) ([]Project, int, error) {
	return projects.list(ctx, s, projectList, p)
}

// CreateProject adds a project.
func (s *Store) CreateProject(ctx context.Context, in ProjectInput) (Project, error) {
	if len(in.UnitIDs) > MaxUnitIDs { // refused before the write transaction opens
		return Project{}, Invalid("unit_ids", "err.project.unit_ids.have_most_units", MaxUnitIDs)
	}
	return projects.create(ctx, s, in)
}

// UpdateProject applies a patch to a project.
func (s *Store) UpdateProject(ctx context.Context, id int64, apply func(*ProjectInput) error) (Project, error) {
	return projects.patch(ctx, s, id, apply)
}

// DeleteProject removes a project that no device or line belongs to.
func (s *Store) DeleteProject(ctx context.Context, id int64) error {
	return projects.remove(ctx, s, id)
}
