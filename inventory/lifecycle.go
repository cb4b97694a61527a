package inventory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ProjectTransitions are the edges of the project lifecycle (Art. 6-14): for
// each status, the statuses one step may lead to. settled and rejected are
// final.
var ProjectTransitions = map[string][]string{
	"draft":                {"submitted"},
	"submitted":            {"approved", "rejected"},
	"approved":             {"spec_reviewed"},
	"spec_reviewed":        {"procuring"},
	"procuring":            {"implementing"},
	"implementing":         {"trial_run"},
	"trial_run":            {"acceptance_requested"},
	"acceptance_requested": {"accepted", "acceptance_failed"},
	"acceptance_failed":    {"acceptance_requested"},
	"accepted":             {"settled"},
}

// completedStatuses are the statuses of a project whose construction is
// complete: it has reached its trial run (Art. 16 (1)).
var completedStatuses = []string{"trial_run", "acceptance_requested", "accepted", "settled", "acceptance_failed"}

// acceptanceDue is the last day on which acceptance may be requested for a
// trial run that ended on trialRunEnd (Art. 13, 16); acceptance is overdue
// from the day after.
func acceptanceDue(trialRunEnd time.Time, graceDays int) time.Time {
	return trialRunEnd.AddDate(0, 0, graceDays)
}

// TransitionInput is one lifecycle step: where to, on which business day,
// and why. ApprovalNumber goes with the step to approved, TrialRunEnd with
// the step to trial_run, SettlementAmount (the audited settlement, Art. 14)
// with the step to settled.
type TransitionInput struct {
	To               string   `json:"to"`
	Date             Date     `json:"date"`
	Note             string   `json:"note"`
	ApprovalNumber   string   `json:"approval_number"`
	TrialRunEnd      *Date    `json:"trial_run_end"`
	SettlementAmount *float64 `json:"settlement_amount"`
}

// Validate checks the fields on their own.
func (in *TransitionInput) Validate() error {
	trim(&in.To, &in.Note, &in.ApprovalNumber)
	ve := &ValidationError{}
	checkEnum(ve, "to", in.To, ProjectStatuses)
	if in.Date == "" {
		ve.Add("date", "err.lifecycle.date.required_business_date")
	} else {
		checkDate(ve, "date", &in.Date)
	}
	checkMaxLen(ve, "note", in.Note, 2000)
	checkMaxLen(ve, "approval_number", in.ApprovalNumber, 100)
	if in.ApprovalNumber != "" && in.To != "approved" {
		ve.Add("approval_number", "err.lifecycle.approval_number.goes_only_step")
	}
	checkDate(ve, "trial_run_end", in.TrialRunEnd)
	if in.TrialRunEnd != nil && in.To != "trial_run" {
		ve.Add("trial_run_end", "err.lifecycle.trial_run_end.goes_only_step")
	}
	if in.SettlementAmount != nil {
		checkMoney(ve, "settlement_amount", *in.SettlementAmount)
		*in.SettlementAmount = money(*in.SettlementAmount)
		if in.To != "settled" {
			ve.Add("settlement_amount", "err.lifecycle.settlement_amount.goes_only_step")
		}
	}
	if _, bad := ve.Fields["date"]; !bad && in.TrialRunEnd != nil && in.TrialRunEnd.valid() && *in.TrialRunEnd < in.Date {
		ve.Add("trial_run_end", "err.lifecycle.trial_run_end.before_date_trial", in.Date)
	}
	return ve.Err()
}

// HistoryKinds are the kinds of rows of a project's history.
var HistoryKinds = []string{"step", "amendment"}

// BackdateDays is how many days before the business day it is recorded on a
// step may be dated without being backdated (Art. 17).
const BackdateDays = 7

// ProjectStep is one row of a project's history: a lifecycle step taken
// (kind "step") or an amendment recorded (kind "amendment", with the
// amendment; its from and to status are the status it was recorded in, its
// date and recorded_on the day it was recorded, its note the reason).
type ProjectStep struct {
	ID         int64  `db:"id" json:"id"`
	Kind       string `db:"-" json:"kind"`
	ProjectID  int64  `db:"project_id" json:"project_id"`
	FromStatus string `db:"from_status" json:"from_status"`
	ToStatus   string `db:"to_status" json:"to_status"`
	// Date is the business day the step is dated; RecordedOn the business
	// day it was recorded. Backdated: Date is more than BackdateDays before
	// RecordedOn.
	Date       Date       `db:"date" json:"date"`
	RecordedOn Date       `db:"recorded_on" json:"recorded_on"`
	Backdated  bool       `db:"backdated" json:"backdated"`
	Note       string     `db:"note" json:"note"`
	At         time.Time  `db:"at" json:"at"`
	Actor      string     `db:"actor" json:"actor"`
	Amendment  *Amendment `db:"-" json:"amendment"`
}

// TransitionProject takes one lifecycle step. A step off the graph is a
// conflict on "to"; a step whose prerequisites are missing is a conflict
// listing every one of them in Fields. The project row stays locked from the
// check to the write, and the step, the history row and the audit row are one
// transaction.
func (s *Store) TransitionProject(ctx context.Context, id int64, in TransitionInput) (Project, error) {
	if err := in.Validate(); err != nil {
		return Project{}, err
	}
	var out Project
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := projects.lockAndGet(tx, id)
		if err != nil {
			return err
		}
		if err := checkStepCaller(tx, before, in); err != nil {
			return err
		}
		if err := checkStep(tx, before, in); err != nil {
			return err
		}
		missing, err := prerequisites(tx.ctx, tx, before, in, s.RuleConfig().requireObserved())
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return conflicts(M("gate.missing", id, L(setProjectStatus, before.Status), L(setProjectStatus, in.To),
				len(missing), prereqNames(missing)), missing)
		}
		if err := writeStep(tx, before, in); err != nil {
			return err
		}
		if out, err = projects.get(tx.ctx, tx, id); err != nil {
			return err
		}
		return tx.audit("update", "project", id, before, out)
	})
	return out, err
}

// checkStep refuses a step off the lifecycle graph, a date before the
// previous step's or after today, and a backdated step without a note.
func checkStep(tx *txn, p Project, in TransitionInput) error {
	if err := stepAllowed(p, in.To); err != nil {
		return err
	}
	now := tx.today()
	if in.Date > now {
		return Invalid("date", "err.lifecycle.date.after_today_record", now)
	}
	if backdated(in.Date, now) && in.Note == "" {
		return Invalid("note", "err.lifecycle.note.required_step_dated", in.Date, BackdateDays, now)
	}
	var last Date
	err := tx.get(&last, `SELECT date FROM project_history WHERE project_id = ? ORDER BY id DESC LIMIT 1`, p.ID)
	if err := ignoreNoRows(err); err != nil {
		return dbErr(err, "read project history")
	}
	if last != "" && in.Date < last {
		return Invalid("date", "err.lifecycle.date.before_previous_step", last)
	}
	return nil
}

// stepAllowed refuses a step off the lifecycle graph.
func stepAllowed(p Project, to string) error {
	next := ProjectTransitions[p.Status]
	if slices.Contains(next, to) {
		return nil
	}
	if len(next) == 0 {
		return conflict("to", "err.lifecycle.to.project_which_final", p.ID, L(setProjectStatus, p.Status))
	}
	return conflict("to", "err.lifecycle.to.project_from_next",
		p.ID, L(setProjectStatus, p.Status), L(setProjectStatus, p.Status), labels(setProjectStatus, next), L(setProjectStatus, to))
}

// daysBetween counts the days from a to b (0 when either is not a day).
func daysBetween(a, b Date) int {
	x, err1 := time.Parse(time.DateOnly, string(a))
	y, err2 := time.Parse(time.DateOnly, string(b))
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(y.Sub(x).Hours() / 24)
}

// backdated tells whether a step dated date and recorded on recorded is
// backdated: dated more than BackdateDays before it.
func backdated(date, recorded Date) bool {
	return daysBetween(date, recorded) > BackdateDays
}

// writeStep records the step on the project and in its history.
func writeStep(tx *txn, p Project, in TransitionInput) error {
	approval, trialEnd := p.ApprovalNumber, p.TrialRunEnd
	if in.To == "approved" {
		approval = in.ApprovalNumber
	}
	if in.TrialRunEnd != nil {
		trialEnd = in.TrialRunEnd
	}
	err := tx.exec(`UPDATE projects SET status = ?, approval_number = ?, trial_run_end = ? WHERE id = ?`,
		in.To, approval, trialEnd, p.ID)
	if err != nil {
		return dbErr(err, fmt.Sprintf("update project %d", p.ID))
	}
	if in.SettlementAmount != nil {
		err := tx.exec(`UPDATE projects SET settlement_amount = ? WHERE id = ?`, *in.SettlementAmount, p.ID)
		if err != nil {
			return dbErr(err, fmt.Sprintf("record the settlement of project %d", p.ID))
		}
	}
	now := tx.today()
	err = tx.exec(`INSERT INTO project_history (project_id, from_status, to_status, date, recorded_on, backdated,
		note, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Status, in.To, in.Date, now, backdated(in.Date, now), in.Note, tx.at, tx.actor)
	return dbErr(err, fmt.Sprintf("record the history of project %d", p.ID))
}

// ProjectHistory returns a project's history, oldest first: the steps it
// has taken and, beside them, the amendments recorded.
func (s *Store) ProjectHistory(ctx context.Context, id int64) ([]ProjectStep, error) {
	amendments, err := s.Amendments(ctx, id)
	if err != nil {
		return nil, err
	}
	steps := []ProjectStep{}
	err = s.db.SelectContext(ctx, &steps, s.db.Rebind(`SELECT id, project_id, from_status, to_status, date,
		recorded_on, backdated, note, at, actor FROM project_history WHERE project_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, dbErr(err, fmt.Sprintf("history of project %d", id))
	}
	out := make([]ProjectStep, 0, len(steps)+len(amendments))
	for _, st := range steps {
		st.Kind, st.At = "step", st.At.UTC()
		for len(amendments) > 0 && amendments[0].At.Before(st.At) {
			out = append(out, amendmentEntry(amendments[0]))
			amendments = amendments[1:]
		}
		out = append(out, st)
	}
	for _, a := range amendments {
		out = append(out, amendmentEntry(a))
	}
	return out, nil
}

// amendmentEntry shows an amendment as a row of the project's history.
func amendmentEntry(a Amendment) ProjectStep {
	return ProjectStep{ID: a.ID, Kind: "amendment", ProjectID: a.ProjectID, FromStatus: a.Status, ToStatus: a.Status,
		Date: a.RecordedOn, RecordedOn: a.RecordedOn, Note: a.Reason, At: a.At, Actor: a.Actor, Amendment: &a}
}

func missingKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// prereqNames names the missing prerequisites, sorted by key: the keys in
// English, their labels in Chinese.
func prereqNames(m map[string]Msg) []Msg {
	keys := missingKeys(m)
	out := make([]Msg, len(keys))
	for i, k := range keys {
		if n, ok := strings.CutPrefix(k, "compliance."); ok {
			out[i] = M("gate.key.compliance", n)
			continue
		}
		out[i] = M("gate.key." + k)
	}
	return out
}
