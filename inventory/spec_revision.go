package inventory

import (
	"context"
	"encoding/json"
	"fmt"
)

const specRevisionCols = `id, project_id, number, status, reason, created_at, created_by, reviewed_at,
	reviewed_by, review_note`

func specJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("inventory: encode JSON: %w", err)
	}
	return string(b), nil
}

// specRevision reads one revision of a project with its items.
func specRevision(tx *txn, projectID, revID int64) (SpecRevision, error) {
	var r SpecRevision
	err := tx.get(&r, "SELECT "+specRevisionCols+" FROM spec_revisions WHERE id = ? AND project_id = ?", revID, projectID)
	if err != nil {
		if ignoreNoRows(err) == nil {
			return r, errNoRevision(projectID, revID)
		}
		return r, dbErr(err, "spec revision")
	}
	r.normalize()
	r.Items, err = selectSpecItems(tx.ctx, tx, "revision_id = ?", revID)
	return r, err
}

func (r *SpecRevision) normalize() {
	r.CreatedAt = r.CreatedAt.UTC()
	if r.ReviewedAt != nil {
		t := r.ReviewedAt.UTC()
		r.ReviewedAt = &t
	}
}

// SpecRevisions lists the history of the project's technical plan, oldest
// first, each revision with its items.
func (s *Store) SpecRevisions(ctx context.Context, projectID int64) ([]SpecRevision, error) {
	if _, err := projects.get(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	var revs []SpecRevision
	err := s.db.SelectContext(ctx, &revs, s.db.Rebind("SELECT "+specRevisionCols+
		" FROM spec_revisions WHERE project_id = ? ORDER BY number"), projectID)
	if err != nil {
		return nil, dbErr(err, "spec revisions")
	}
	items, err := selectSpecItems(ctx, s.db, "project_id = ?", projectID)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(revs))
	for i := range revs {
		revs[i].normalize()
		revs[i].Items = []SpecItem{}
		at[revs[i].ID] = i
	}
	for _, it := range items {
		if i, ok := at[it.RevisionID]; ok {
			revs[i].Items = append(revs[i].Items, it)
		}
	}
	if revs == nil {
		revs = []SpecRevision{}
	}
	return revs, nil
}

// ProposeSpecRevision records a new plan awaiting review. One proposal at a
// time: a second is refused until the first is approved or rejected.
func (s *Store) ProposeSpecRevision(ctx context.Context, projectID int64, in SpecRevisionInput) (SpecRevision, error) {
	var out SpecRevision
	err := s.inTx(ctx, func(tx *txn) error {
		if err := lockRevisableSpec(tx, projectID); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		pending, err := taken(tx, `SELECT number FROM spec_revisions WHERE project_id = ? AND status = 'proposed'`, projectID)
		if err != nil {
			return dbErr(err, "pending spec revision")
		}
		if pending != 0 {
			return conflict("", "err.spec_revision.any.revision_project_still", pending, projectID)
		}
		rev, err := newSpecRevision(tx, projectID, "proposed", in.Reason)
		if err != nil {
			return err
		}
		for i := range in.Items {
			if _, err := insertSpecItem(tx, projectID, rev, &in.Items[i]); err != nil {
				return err
			}
		}
		if out, err = specRevision(tx, projectID, rev); err != nil {
			return err
		}
		return tx.audit("create", "spec_revision", rev, nil, out)
	})
	return out, err
}

// ApproveSpecRevision puts a proposed revision in force: it becomes current
// and the one it replaces superseded. Devices pinned to an item of the
// replaced revision are unpinned (and audited), to be matched anew.
func (s *Store) ApproveSpecRevision(ctx context.Context, projectID, revID int64, in SpecReviewInput) (SpecRevision, error) {
	return s.reviewSpecRevision(ctx, projectID, revID, in, "current")
}

// RejectSpecRevision turns a proposed revision down; the note is required.
func (s *Store) RejectSpecRevision(ctx context.Context, projectID, revID int64, in SpecReviewInput) (SpecRevision, error) {
	return s.reviewSpecRevision(ctx, projectID, revID, in, "rejected")
}

func (s *Store) reviewSpecRevision(ctx context.Context, projectID, revID int64, in SpecReviewInput, to string) (SpecRevision, error) {
	trim(&in.Note)
	ve := &ValidationError{}
	checkMaxLen(ve, "note", in.Note, 2000)
	if to == "rejected" && in.Note == "" {
		ve.Add("note", "err.spec_revision.note.required_say_why")
	}
	if err := ve.Err(); err != nil {
		return SpecRevision{}, err
	}
	var out SpecRevision
	err := s.inTx(ctx, func(tx *txn) error {
		if _, err := lockProjectStatus(tx, projectID); err != nil {
			return err
		}
		before, err := specRevision(tx, projectID, revID)
		if err != nil {
			return err
		}
		if err := checkRevisionReviewer(tx, before); err != nil {
			return err
		}
		if before.Status != "proposed" {
			return conflict("status", "err.spec_revision.status.revision_only_proposed", before.Number, L(setRevisionStatus, before.Status))
		}
		if to == "current" {
			if err := lockRevisableSpec(tx, projectID); err != nil {
				return err
			}
			if err := supersedeCurrent(tx, projectID); err != nil {
				return err
			}
		}
		err = tx.exec(`UPDATE spec_revisions SET status = ?, reviewed_at = ?, reviewed_by = ?, review_note = ?
			WHERE id = ?`, to, tx.at, tx.actor, in.Note, revID)
		if err != nil {
			return dbErr(err, "review spec revision")
		}
		if out, err = specRevision(tx, projectID, revID); err != nil {
			return err
		}
		return tx.audit("update", "spec_revision", revID, before, out)
	})
	return out, err
}

// supersedeCurrent retires the project's current revision and unpins the
// devices pinned to its items.
func supersedeCurrent(tx *txn, projectID int64) error {
	cur, err := currentRevisionID(tx, projectID)
	if err != nil || cur == 0 {
		return err
	}
	old, err := specRevision(tx, projectID, cur)
	if err != nil {
		return err
	}
	// The revision row is updated first: its lock makes a concurrent pin
	// (which share-locks it) finish before the pinned devices are read, or
	// see the revision superseded.
	if err := tx.exec(`UPDATE spec_revisions SET status = 'superseded' WHERE id = ?`, cur); err != nil {
		return dbErr(err, "supersede spec revision")
	}
	var pinned []int64
	err = tx.sel(&pinned, `SELECT id FROM devices WHERE spec_item_id IN
		(SELECT id FROM spec_items WHERE revision_id = ?) ORDER BY id`, cur)
	if err != nil {
		return dbErr(err, "pinned devices")
	}
	for _, id := range pinned {
		before, err := devices.lockAndGet(tx, id)
		if err != nil {
			return err
		}
		if err := tx.exec(`UPDATE devices SET spec_item_id = NULL WHERE id = ?`, id); err != nil {
			return dbErr(err, "unpin device")
		}
		after, err := devices.get(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.audit("update", "device", id, before, after); err != nil {
			return err
		}
	}
	after := old
	after.Status = "superseded"
	return tx.audit("update", "spec_revision", cur, old, after)
}
