package inventory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"hostroll/secret"
)

// txn is one write transaction. Every write records at least one audit row in
// the same transaction; a transaction that wrote none is rolled back as a bug.
type txn struct {
	*sqlx.Tx
	ctx     context.Context
	dialect string
	caller  Caller
	actor   string // caller.Name
	at      time.Time
	key     *secret.Key    // seals and opens secrets; nil when the store has none
	zone    *time.Location // the store's business time zone
	audited int

	// chained is set when the transaction holds the audit chain's lock (inTx);
	// head is the hash the next audit row follows, once read.
	chained bool
	head    *string

	// dry marks an import's preview: rows are written and checked for real,
	// then rolled back, so they are neither read back nor audited. lastID
	// is the id the last dry create got.
	dry    bool
	lastID int64

	// memo, when set (an import's transaction), remembers within the
	// transaction the references found to exist and the racks already
	// locked with their heights, so thousands of rows do not ask again.
	// Imports never delete, so what was found stays true.
	memo *txMemo
}

type txMemo struct {
	refs  map[string]bool
	racks map[int64]int
	stmts map[string]*sqlx.Stmt // closed with the transaction
}

// auditLockKey is the PostgreSQL advisory lock that serialises appends to the
// audit chain (migrations use 7_402_117_001).
const auditLockKey = 7_402_117_011

func (s *Store) newTxn(ctx context.Context, sqltx *sqlx.Tx) *txn {
	c := CallerOf(ctx)
	return &txn{Tx: sqltx, ctx: ctx, dialect: s.dialect, caller: c, actor: c.Name, at: s.now().UTC(), key: s.key, zone: s.zone}
}

// inTx runs fn in a transaction and commits when it returns nil. On SQLite the
// transaction begins IMMEDIATE (see sqliteDSN), which serialises writers; on
// PostgreSQL it first takes the audit chain's advisory transaction lock, so
// writers append to the chain one at a time and it never forks. The lock is
// taken before anything else, so it never waits behind a row lock held by a
// writer that waits for it.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	return s.lockedTx(ctx, func(tx *txn) error {
		if err := fn(tx); err != nil {
			return err
		}
		if tx.audited == 0 {
			return errors.New("inventory: a write transaction recorded no audit row")
		}
		return nil
	})
}

// lockedTx is inTx without the demand for an audit row: for maintenance of
// the chain itself (ChainAudit).
func (s *Store) lockedTx(ctx context.Context, fn func(tx *txn) error) error {
	sqltx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("inventory: begin: %w", err)
	}
	defer sqltx.Rollback()
	tx := s.newTxn(ctx, sqltx)
	if s.dialect == Postgres {
		if err := tx.lockChain(); err != nil {
			return err
		}
	}
	tx.chained = true
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return dbErr(err, "commit")
	}
	return nil
}

// get, sel and exec run a query written with ? placeholders.
func (tx *txn) get(dest any, query string, args ...any) error {
	if st := tx.prepared(query, args); st != nil {
		return st.GetContext(tx.ctx, dest, args...)
	}
	return tx.GetContext(tx.ctx, dest, tx.Rebind(query), args...)
}

func (tx *txn) sel(dest any, query string, args ...any) error {
	if st := tx.prepared(query, args); st != nil {
		return st.SelectContext(tx.ctx, dest, args...)
	}
	return tx.SelectContext(tx.ctx, dest, tx.Rebind(query), args...)
}

func (tx *txn) exec(query string, args ...any) error {
	if st := tx.prepared(query, args); st != nil {
		_, err := st.ExecContext(tx.ctx, args...)
		return err
	}
	_, err := tx.ExecContext(tx.ctx, tx.Rebind(query), args...)
	return err
}

// prepared is the statement of query in an import's transaction, prepared
// the first time it runs there: thousands of rows then skip parsing and
// planning (and, on PostgreSQL, a round trip each). Only single statements
// with parameters are prepared; nil means run it plainly.
func (tx *txn) prepared(query string, args []any) *sqlx.Stmt {
	if tx.memo == nil || len(args) == 0 || strings.Contains(query, ";") {
		return nil
	}
	if st, ok := tx.memo.stmts[query]; ok {
		return st
	}
	st, err := tx.PreparexContext(tx.ctx, tx.Rebind(query))
	if err != nil {
		return nil // the plain run reports it
	}
	tx.memo.stmts[query] = st
	return st
}

// insert runs an INSERT and returns the new row's id.
func (tx *txn) insert(query string, args ...any) (int64, error) {
	var id int64
	err := tx.get(&id, query+" RETURNING id", args...)
	return id, err
}

// forUpdate is the suffix that row-locks what a SELECT reads, serialising the
// writers of a row (and of what hangs below it, such as a rack's units). On
// SQLite the IMMEDIATE transaction already holds the database's write lock.
func (tx *txn) forUpdate() string {
	if tx.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// audit records one change, by the caller, as the next link of the audit
// chain. before and after are the entity as the API shows it (secrets are not
// part of that), nil where there is none.
func (tx *txn) audit(action, entity string, id int64, before, after any) error {
	if !tx.chained {
		return errors.New("inventory: audit row written outside inTx (the chain is not locked)")
	}
	row := chainRow{At: tx.at.Truncate(time.Microsecond), Actor: tx.caller.Name, TokenKey: tx.caller.TokenKey,
		IP: tx.caller.IP, RequestID: tx.caller.RequestID, Action: action, Entity: entity, EntityID: id}
	var err error
	if row.Before, err = auditJSON(before); err != nil {
		return err
	}
	if row.After, err = auditJSON(after); err != nil {
		return err
	}
	prev, err := tx.chainHead()
	if err != nil {
		return err
	}
	hash, err := row.hashAfter(prev)
	if err != nil {
		return err
	}
	err = tx.exec(`INSERT INTO audit (at, actor, token_key, ip, request_id, action, entity, entity_id,
		before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.At, row.Actor, row.TokenKey, row.IP, row.RequestID, action, entity, id, row.Before, row.After, prev, hash)
	if err != nil {
		return fmt.Errorf("inventory: audit %s %s %d: %w", action, entity, id, err)
	}
	tx.head = &hash
	tx.audited++
	return nil
}

// lockChain takes the audit chain's advisory lock on PostgreSQL and reads the
// chain's head, in one round trip: two statements in one simple query, each
// with its own snapshot (read committed), so the second sees every row
// committed by the lock's previous holder.
func (tx *txn) lockChain() error {
	rows, err := tx.QueryContext(tx.ctx, fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d);
		SELECT hash FROM audit WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1`, auditLockKey))
	if err != nil {
		return dbErr(err, "lock the audit chain")
	}
	defer rows.Close()
	for rows.Next() { // the lock's one (void) row
	}
	head := ""
	if rows.NextResultSet() && rows.Next() {
		if err := rows.Scan(&head); err != nil {
			return dbErr(err, "read the audit chain's head")
		}
	}
	if err := rows.Err(); err != nil {
		return dbErr(err, "lock the audit chain")
	}
	tx.head = &head
	return nil
}

// chainHead is the hash the next audit row follows: the last chained row's,
// "" before the first. A row someone added without a hash is skipped (and
// reported by VerifyAudit), not followed.
func (tx *txn) chainHead() (string, error) {
	if tx.head != nil {
		return *tx.head, nil
	}
	var head string
	err := tx.get(&head, `SELECT hash FROM audit WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1`)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", dbErr(err, "read the audit chain's head")
	}
	tx.head = &head
	return head, nil
}

func auditJSON(v any) (RawJSON, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("inventory: audit snapshot: %w", err)
	}
	return RawJSON(b), nil
}
