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
		ve.Add("date", "is required: the business date of the step, as YYYY-MM-DD")
	} else {
		checkDate(ve, "date", &in.Date)
	}
	checkMaxLen(ve, "note", in.Note, 2000)
	checkMaxLen(ve, "approval_number", in.ApprovalNumber, 100)
	if in.ApprovalNumber != "" && in.To != "approved" {
		ve.Add("approval_number", "goes only with the step to approved")
	}
	checkDate(ve, "trial_run_end", in.TrialRunEnd)
	if in.TrialRunEnd != nil && in.To != "trial_run" {
		ve.Add("trial_run_end", "goes only with the step to trial_run; change it later with PATCH /api/v1/projects/{id}")
	}
	if in.SettlementAmount != nil {
		checkMoney(ve, "settlement_amount", *in.SettlementAmount)
		*in.SettlementAmount = money(*in.SettlementAmount)
		if in.To != "settled" {
			ve.Add("settlement_amount", "goes only with the step to settled")
		}
	}
	if _, bad := ve.Fields["date"]; !bad && in.TrialRunEnd != nil && in.TrialRunEnd.valid() && *in.TrialRunEnd < in.Date {
		ve.Add("trial_run_end", "must not be before the date the trial run starts (%s)", in.Date)
	}
	return ve.Err()
}

// ProjectStep is one lifecycle step taken: a row of the project's history.
type ProjectStep struct {
	ID         int64     `db:"id" json:"id"`
	ProjectID  int64     `db:"project_id" json:"project_id"`
	FromStatus string    `db:"from_status" json:"from_status"`
	ToStatus   string    `db:"to_status" json:"to_status"`
	Date       Date      `db:"date" json:"date"`
	Note       string    `db:"note" json:"note"`
	At         time.Time `db:"at" json:"at"`
	Actor      string    `db:"actor" json:"actor"`
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
		missing, err := prerequisites(tx.ctx, tx, before, in)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return &ConflictError{Fields: missing, Message: fmt.Sprintf(
				"project %d cannot go from %s to %s: %d prerequisite(s) missing (%s)",
				id, before.Status, in.To, len(missing), strings.Join(missingKeys(missing), ", "))}
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

// checkStep refuses a step off the lifecycle graph, and a date before the
// previous step's or after today.
func checkStep(tx *txn, p Project, in TransitionInput) error {
	next := ProjectTransitions[p.Status]
	if !slices.Contains(next, in.To) {
		if len(next) == 0 {
			return conflict("to", "project %d is %s, which is final: no step leads on from it", p.ID, p.Status)
		}
		return conflict("to", "project %d is %s; from %s the next step is %s, not %s",
			p.ID, p.Status, p.Status, strings.Join(next, " or "), in.To)
	}
	if now := tx.today(); in.Date > now {
		return Invalid("date", "must not be after today (%s): record a step once it has happened", now)
	}
	var last Date
	err := tx.get(&last, `SELECT date FROM project_history WHERE project_id = ? ORDER BY id DESC LIMIT 1`, p.ID)
	if err := ignoreNoRows(err); err != nil {
		return dbErr(err, "read project history")
	}
	if last != "" && in.Date < last {
		return Invalid("date", "must not be before the previous step's date (%s)", last)
	}
	return nil
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
	err = tx.exec(`INSERT INTO project_history (project_id, from_status, to_status, date, note, at, actor)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Status, in.To, in.Date, in.Note, tx.at, tx.actor)
	return dbErr(err, fmt.Sprintf("record the history of project %d", p.ID))
}

// ProjectHistory returns the steps a project has taken, oldest first.
func (s *Store) ProjectHistory(ctx context.Context, id int64) ([]ProjectStep, error) {
	if _, err := projects.get(ctx, s.db, id); err != nil {
		return nil, err
	}
	steps := []ProjectStep{}
	err := s.db.SelectContext(ctx, &steps, s.db.Rebind(`SELECT id, project_id, from_status, to_status, date,
		note, at, actor FROM project_history WHERE project_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, dbErr(err, fmt.Sprintf("history of project %d", id))
	}
	for i := range steps {
		steps[i].At = steps[i].At.UTC()
	}
	return steps, nil
}

func missingKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
