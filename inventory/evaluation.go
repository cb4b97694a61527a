package inventory

import (
	"context"
	"fmt"
	"slices"
)

// Evaluation is a performance evaluation of a running project (Art. 15): did
// it meet its target, which problems were found, and whether they have been
// rectified. Unrectified problems cost the lead unit next year's projects
// (Art. 16 (3)).
type Evaluation struct {
	ID          int64  `db:"id" json:"id"`
	ProjectID   int64  `db:"project_id" json:"project_id"`
	Date        Date   `db:"date" json:"date"`
	MeetsTarget bool   `db:"meets_target" json:"meets_target"`
	Problems    string `db:"problems" json:"problems"`
	Rectified   bool   `db:"rectified" json:"rectified"`
	RectifiedOn *Date  `db:"rectified_on" json:"rectified_on"`
}

// EvaluationInput records an evaluation or, as a patch, its rectification.
type EvaluationInput struct {
	Date        Date   `json:"date"`
	MeetsTarget *bool  `json:"meets_target"`
	Problems    string `json:"problems"`
	Rectified   bool   `json:"rectified"`
	RectifiedOn *Date  `json:"rectified_on"`
}

// evaluatedStatuses are the statuses of a project that runs: evaluations
// come after acceptance (Art. 13, 15).
var evaluatedStatuses = []string{"accepted", "settled"}

// validate checks the fields on their own; now is today's business date.
func (in *EvaluationInput) validate(now Date) error {
	trim(&in.Problems)
	ve := &ValidationError{}
	if in.Date == "" {
		ve.Add("date", "err.evaluation.date.required_day_evaluation")
	} else {
		checkDate(ve, "date", &in.Date)
		if in.Date > now {
			ve.Add("date", "err.evaluation.date.after_today", now)
		}
	}
	if in.MeetsTarget == nil {
		ve.Add("meets_target", "err.evaluation.meets_target.required_true_when")
	} else if !*in.MeetsTarget && in.Problems == "" {
		ve.Add("problems", "err.evaluation.problems.required_when_project")
	}
	checkMaxLen(ve, "problems", in.Problems, 4000)
	checkDate(ve, "rectified_on", in.RectifiedOn)
	switch {
	case in.Rectified && in.Problems == "":
		ve.Add("rectified", "err.evaluation.rectified.can_true_only")
	case in.Rectified && in.RectifiedOn == nil:
		ve.Add("rectified_on", "err.evaluation.rectified_on.required_when_rectified")
	case !in.Rectified && in.RectifiedOn != nil:
		ve.Add("rectified_on", "err.evaluation.rectified_on.goes_only_rectified")
	case in.RectifiedOn != nil && in.RectifiedOn.valid() && (*in.RectifiedOn < in.Date || *in.RectifiedOn > now):
		ve.Add("rectified_on", "err.evaluation.rectified_on.between_evaluation_date", in.Date, now)
	}
	return ve.Err()
}

const evaluationCols = `id, project_id, date, meets_target, problems, rectified, rectified_on`

func readEvaluation(ctx context.Context, q querier, projectID, id int64, suffix string) (Evaluation, error) {
	var e Evaluation
	query, args := andScopeIn(ctx, `SELECT `+evaluationCols+` FROM evaluations WHERE project_id = ? AND id = ?`,
		[]any{projectID, id}, "project_id", "projects")
	err := q.GetContext(ctx, &e, q.Rebind(query+suffix), args...)
	return e, dbErr(err, fmt.Sprintf("evaluation %d of project %d", id, projectID))
}

// CreateEvaluation records an evaluation of an accepted project.
func (s *Store) CreateEvaluation(ctx context.Context, projectID int64, in EvaluationInput) (Evaluation, error) {
	var out Evaluation
	err := s.inTx(ctx, func(tx *txn) error {
		if err := in.validate(tx.today()); err != nil {
			return err
		}
		p, err := projects.lockAndGet(tx, projectID)
		if err != nil {
			return err
		}
		if !slices.Contains(evaluatedStatuses, p.Status) {
			return conflict("status", "err.evaluation.status.project_evaluations_are", projectID, L(setProjectStatus, p.Status))
		}
		id, err := tx.insert(`INSERT INTO evaluations (project_id, date, meets_target, problems, rectified, rectified_on)
			VALUES (?, ?, ?, ?, ?, ?)`, projectID, in.Date, *in.MeetsTarget, in.Problems, in.Rectified, in.RectifiedOn)
		if err != nil {
			return dbErr(err, "create evaluation")
		}
		if out, err = readEvaluation(tx.ctx, tx, projectID, id, ""); err != nil {
			return err
		}
		return tx.audit("create", "evaluation", id, nil, out)
	})
	return out, err
}

// UpdateEvaluation applies a patch to an evaluation, typically to record that
// its problems were rectified.
func (s *Store) UpdateEvaluation(ctx context.Context, projectID, id int64, apply func(*EvaluationInput) error) (Evaluation, error) {
	var out Evaluation
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := readEvaluation(tx.ctx, tx, projectID, id, tx.forUpdate())
		if err != nil {
			return err
		}
		// Copies, so that decoding onto the input leaves before intact.
		mt := before.MeetsTarget
		in := EvaluationInput{Date: before.Date, MeetsTarget: &mt, Problems: before.Problems, Rectified: before.Rectified}
		if before.RectifiedOn != nil {
			d := *before.RectifiedOn
			in.RectifiedOn = &d
		}
		if err := apply(&in); err != nil {
			return err
		}
		if err := in.validate(tx.today()); err != nil {
			return err
		}
		err = tx.exec(`UPDATE evaluations SET date = ?, meets_target = ?, problems = ?, rectified = ?, rectified_on = ?
			WHERE id = ?`, in.Date, *in.MeetsTarget, in.Problems, in.Rectified, in.RectifiedOn, id)
		if err != nil {
			return dbErr(err, fmt.Sprintf("update evaluation %d", id))
		}
		if out, err = readEvaluation(tx.ctx, tx, projectID, id, ""); err != nil {
			return err
		}
		return tx.audit("update", "evaluation", id, before, out)
	})
	return out, err
}

// Evaluations lists a project's evaluations, oldest first.
func (s *Store) Evaluations(ctx context.Context, projectID int64) ([]Evaluation, error) {
	if _, err := projects.get(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	out := []Evaluation{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT `+evaluationCols+` FROM evaluations
		WHERE project_id = ? ORDER BY date, id`), projectID)
	return out, dbErr(err, fmt.Sprintf("evaluations of project %d", projectID))
}
