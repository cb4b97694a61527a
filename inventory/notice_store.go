package inventory

import (
	"context"
	"fmt"
	"slices"
)

// CreateNotice drafts a notice of criticism. Only the office drafts.
func (s *Store) CreateNotice(ctx context.Context, in NoticeInput) (Notice, error) {
	if err := officeOnly(ctx, "err.office.draft_notice"); err != nil {
		return Notice{}, err
	}
	var out Notice
	err := s.inTx(ctx, func(tx *txn) error {
		if err := checkNotice(tx, &in); err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO notices (title, number, body, status, created_at, created_by)
			VALUES (?, ?, ?, 'draft', ?, ?)`, in.Title, in.Number, in.Body, tx.at, tx.actor)
		if err != nil {
			return dbErr(err, "create notice")
		}
		if err := writeNoticeLinks(tx, id, in); err != nil {
			return err
		}
		if out, err = readNotice(tx.ctx, tx, id, ""); err != nil {
			return err
		}
		return tx.audit("create", "notice", id, nil, out)
	})
	return out, err
}

// UpdateNotice applies a patch to a draft; a published or withdrawn notice
// is never edited (ErrConflict).
func (s *Store) UpdateNotice(ctx context.Context, id int64, apply func(*NoticeInput) error) (Notice, error) {
	return s.changeNotice(ctx, id, "edit a notice", func(tx *txn, before Notice) error {
		if before.Status != "draft" {
			return conflict("status", "err.notice.edit_published", id, L(setNoticeStatus, before.Status))
		}
		in := NoticeInput{Title: before.Title, Number: before.Number, Body: before.Body, UnitIDs: before.UnitIDs,
			RectificationIDs: before.RectificationIDs, FindingIDs: before.FindingIDs}
		if err := apply(&in); err != nil {
			return err
		}
		if err := checkNotice(tx, &in); err != nil {
			return err
		}
		if err := tx.exec(`UPDATE notices SET title = ?, number = ?, body = ? WHERE id = ?`, in.Title, in.Number, in.Body, id); err != nil {
			return dbErr(err, fmt.Sprintf("update notice %d", id))
		}
		for _, t := range []string{"notice_units", "notice_rectifications", "notice_findings"} {
			if err := tx.exec(`DELETE FROM `+t+` WHERE notice_id = ?`, id); err != nil {
				return dbErr(err, fmt.Sprintf("update notice %d", id))
			}
		}
		return writeNoticeLinks(tx, id, in)
	})
}

// PublishNotice publishes a draft on today's business day. It needs its
// document number (文号).
func (s *Store) PublishNotice(ctx context.Context, id int64) (Notice, error) {
	return s.changeNotice(ctx, id, "publish a notice", func(tx *txn, before Notice) error {
		if before.Status != "draft" {
			return conflict("status", "err.notice.publish_draft_only", id, L(setNoticeStatus, before.Status))
		}
		if before.Number == "" {
			return conflict("number", "err.notice.no_number", id)
		}
		err := tx.exec(`UPDATE notices SET status = 'published', published_on = ?, published_by = ? WHERE id = ?`,
			tx.today(), tx.actor, id)
		return dbErr(err, fmt.Sprintf("publish notice %d", id))
	})
}

// WithdrawNotice withdraws a published notice, with the reason.
func (s *Store) WithdrawNotice(ctx context.Context, id int64, in NoticeWithdrawal) (Notice, error) {
	trim(&in.Reason)
	ve := &ValidationError{}
	checkRequired(ve, "reason", in.Reason, 2000)
	if err := ve.Err(); err != nil {
		return Notice{}, err
	}
	return s.changeNotice(ctx, id, "withdraw a notice", func(tx *txn, before Notice) error {
		if before.Status != "published" {
			return conflict("status", "err.notice.withdraw_published_only", id, L(setNoticeStatus, before.Status))
		}
		err := tx.exec(`UPDATE notices SET status = 'withdrawn', withdrawn_at = ?, withdrawn_by = ?, withdrawal_reason = ?
			WHERE id = ?`, tx.at, tx.actor, in.Reason, id)
		return dbErr(err, fmt.Sprintf("withdraw notice %d", id))
	})
}

// DeleteNotice removes a draft; what was published stays on file.
func (s *Store) DeleteNotice(ctx context.Context, id int64) error {
	if err := officeOnly(ctx, "err.office.delete_notice"); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		before, err := readNotice(tx.ctx, tx, id, tx.forUpdate())
		if err != nil {
			return err
		}
		if before.Status != "draft" {
			return conflict("status", "err.notice.delete_draft_only", id, L(setNoticeStatus, before.Status))
		}
		if err := tx.exec(`DELETE FROM notices WHERE id = ?`, id); err != nil {
			return dbErr(err, fmt.Sprintf("delete notice %d", id))
		}
		return tx.audit("delete", "notice", id, before, nil)
	})
}

// changeNotice runs one change of a notice by the office in a transaction:
// lock, change, read back and audit.
func (s *Store) changeNotice(ctx context.Context, id int64, what string, change func(tx *txn, before Notice) error) (Notice, error) {
	if err := officeOnly(ctx, "err.office.change_notice"); err != nil {
		return Notice{}, err
	}
	var out Notice
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := readNotice(tx.ctx, tx, id, tx.forUpdate())
		if err != nil {
			return err
		}
		if err := change(tx, before); err != nil {
			return err
		}
		if out, err = readNotice(tx.ctx, tx, id, ""); err != nil {
			return err
		}
		return tx.audit("update", "notice", id, before, out)
	})
	return out, err
}

// checkNotice validates a notice and its references: the units exist, and
// every order and finding behind it concerns one of its units.
func checkNotice(tx *txn, in *NoticeInput) error {
	ve, err := fieldErrors(in.Validate())
	if err != nil {
		return err
	}
	for _, id := range in.UnitIDs {
		if err := checkRef(tx, ve, "unit_ids", "units", &id); err != nil {
			return err
		}
	}
	for _, l := range []struct{ field, table string }{{"rectification_ids", "rectifications"}, {"finding_ids", "findings"}} {
		ids := in.RectificationIDs
		if l.field == "finding_ids" {
			ids = in.FindingIDs
		}
		for _, id := range ids {
			var unit *int64
			err := tx.get(&unit, `SELECT unit_id FROM `+l.table+` WHERE id = ?`, id)
			switch {
			case isNotFound(err):
				ve.Add(l.field, "err.notice_store.field.no_id", M("err.entity."+l.table[:len(l.table)-1]), id)
			case err != nil:
				return dbErr(err, "check "+l.field)
			case unit == nil || !slices.Contains(in.UnitIDs, *unit):
				ve.Add(l.field, "err.notice_store.field.does_concern_any", M("err.entity."+l.table[:len(l.table)-1]), id)
			}
		}
	}
	return ve.Err()
}

func writeNoticeLinks(tx *txn, id int64, in NoticeInput) error {
	for _, l := range []struct {
		query string
		ids   []int64
	}{
		{`INSERT INTO notice_units (notice_id, unit_id) VALUES (?, ?)`, in.UnitIDs},
		{`INSERT INTO notice_rectifications (notice_id, rectification_id) VALUES (?, ?)`, in.RectificationIDs},
		{`INSERT INTO notice_findings (notice_id, finding_id) VALUES (?, ?)`, in.FindingIDs},
	} {
		for _, ref := range l.ids {
			if err := tx.exec(l.query, id, ref); err != nil {
				return dbErr(err, fmt.Sprintf("link notice %d", id))
			}
		}
	}
	return nil
}
