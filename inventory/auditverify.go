package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// What VerifyAudit finds wrong with the first bad row.
const (
	AuditUnchained  = "unchained"    // a row without a hash: written outside hostroll
	AuditChanged    = "changed"      // a row whose content no longer matches its hash
	AuditRemoved    = "removed"      // rows missing between two rows
	AuditOutOfOrder = "out_of_order" // a row that does not follow the row before it
)

// AuditVerification is the result of recomputing the audit chain.
type AuditVerification struct {
	OK         bool   `json:"ok"`
	Checked    int    `json:"checked"`      // rows read, up to and including the first bad one
	FirstBadID *int64 `json:"first_bad_id"` // the first row changed, removed or inserted out of order
	Problem    string `json:"problem"`      // "" or one of the Audit* codes
	Reason     string `json:"reason"`       // what is wrong, for a person
	HeadID     int64  `json:"head_id"`      // the last row checked
	HeadHash   string `json:"head_hash"`    // its hash: write it down to compare with later
}

// auditReason is the catalog message api.audit.<code> in lang: "ok", one of
// the Audit* problems, or the variants removed_range, claims and skipped.
func auditReason(lang, code string, args ...any) string {
	return M("api.audit."+code, args...).Text(lang)
}

// VerifyAudit recomputes the audit chain in id order, in one read snapshot,
// and reports the first row that was changed, removed or inserted out of
// order; lang ("zh" or "en") is the language of Reason.
func (s *Store) VerifyAudit(ctx context.Context, lang string) (AuditVerification, error) {
	txo := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		txo.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTxx(ctx, txo)
	if err != nil {
		return AuditVerification{}, fmt.Errorf("inventory: begin audit verification: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryxContext(ctx, `SELECT `+chainCols+` FROM audit ORDER BY id`)
	if err != nil {
		return AuditVerification{}, dbErr(err, "read the audit chain")
	}
	defer rows.Close()
	v, err := walkChain(ctx, tx, rows, lang)
	if err != nil {
		return AuditVerification{}, err
	}
	if v.OK {
		v.Reason = auditReason(lang, "ok", v.Checked)
	}
	return v, nil
}

// walkChain checks each row against the one before it.
func walkChain(ctx context.Context, tx *sqlx.Tx, rows *sqlx.Rows, lang string) (AuditVerification, error) {
	v := AuditVerification{OK: true}
	var good chainRow // the last row found good; zero before the first
	head := ""
	for rows.Next() {
		var r chainRow
		if err := rows.StructScan(&r); err != nil {
			return v, dbErr(err, "read the audit chain")
		}
		v.Checked++
		switch {
		case r.Hash == nil || r.PrevHash == nil:
			return v.bad(r.ID, AuditUnchained, auditReason(lang, AuditUnchained, r.ID)), nil
		case *r.PrevHash != head:
			return brokenLink(ctx, tx, rows, v, good, head, r, lang)
		}
		h, err := r.hashAfter(*r.PrevHash)
		if err != nil {
			return v, err
		}
		if h != *r.Hash {
			return v.bad(r.ID, AuditChanged, auditReason(lang, AuditChanged, r.ID)), nil
		}
		good, head = r, h
		v.HeadID, v.HeadHash = r.ID, h
	}
	return v, dbErr(rows.Err(), "read the audit chain")
}

// brokenLink explains a row x whose prev_hash is not the hash of the good row
// g before it: x claims to follow an earlier row (inserted out of order), or
// the row after x follows g (x inserted out of order), or what x follows is
// gone (rows removed).
func brokenLink(ctx context.Context, tx *sqlx.Tx, rows *sqlx.Rows, v AuditVerification, g chainRow, head string, x chainRow, lang string) (AuditVerification, error) {
	var y *chainRow // the row after x, if any
	if rows.Next() {
		y = &chainRow{}
		if err := rows.StructScan(y); err != nil {
			return v, dbErr(err, "read the audit chain")
		}
	}
	rows.Close() // one query at a time on the transaction's connection
	var e int64
	err := tx.GetContext(ctx, &e, tx.Rebind(`SELECT id FROM audit WHERE hash = ? AND id < ? ORDER BY id LIMIT 1`), *x.PrevHash, g.ID)
	switch {
	case err == nil:
		return v.bad(x.ID, AuditOutOfOrder, auditReason(lang, "claims", x.ID, e, g.ID)), nil
	case !errors.Is(err, sql.ErrNoRows):
		return v, dbErr(err, "look up an audit row by hash")
	case y != nil && y.PrevHash != nil && *y.PrevHash == head:
		return v.bad(x.ID, AuditOutOfOrder, auditReason(lang, "skipped", x.ID, y.ID, g.ID)), nil
	case x.ID-g.ID == 2:
		return v.bad(g.ID+1, AuditRemoved, auditReason(lang, AuditRemoved, g.ID+1, x.ID)), nil
	}
	return v.bad(g.ID+1, AuditRemoved, auditReason(lang, "removed_range", g.ID+1, x.ID-1, x.ID)), nil
}

func (v AuditVerification) bad(id int64, problem, reason string) AuditVerification {
	v.OK, v.FirstBadID, v.Problem, v.Reason = false, &id, problem, reason
	return v
}

// ChainAudit links the audit rows written before the chain existed (a NULL
// hash, below every chained row) into the chain, in id order, in one
// transaction, and returns how many it chained. Migrate runs it; the second
// time there is nothing to do. A row without a hash after the first chained
// row is not chained: it was written outside hostroll, and VerifyAudit
// reports it.
func (s *Store) ChainAudit(ctx context.Context) (int, error) {
	const legacy = ` FROM audit WHERE hash IS NULL AND id < COALESCE(
		(SELECT MIN(id) FROM audit WHERE hash IS NOT NULL), 9223372036854775807)`
	if ok, err := exists(ctx, s.db, `SELECT 1`+legacy+` LIMIT 1`); err != nil || !ok {
		return 0, dbErr(err, "look for unchained audit rows")
	}
	n := 0
	err := s.lockedTx(ctx, func(tx *txn) error {
		var rs []chainRow
		if err := tx.sel(&rs, `SELECT `+chainCols+legacy+` ORDER BY id`); err != nil {
			return dbErr(err, "read unchained audit rows")
		}
		prev := ""
		for _, r := range rs {
			h, err := r.hashAfter(prev)
			if err != nil {
				return err
			}
			if err := tx.exec(`UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?`, prev, h, r.ID); err != nil {
				return dbErr(err, fmt.Sprintf("chain audit row %d", r.ID))
			}
			prev = h
		}
		n = len(rs)
		return nil
	})
	return n, err
}
