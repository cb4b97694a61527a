package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// txn is one write transaction. Every write records at least one audit row in
// the same transaction; a transaction that wrote none is rolled back as a bug.
type txn struct {
	*sqlx.Tx
	ctx     context.Context
	dialect string
	actor   string
	at      time.Time
	zone    *time.Location // the store's business time zone
	audited int
}

// inTx runs fn in a transaction and commits when it returns nil. On SQLite the
// transaction begins IMMEDIATE (see sqliteDSN), which serialises writers.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	sqltx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("inventory: begin: %w", err)
	}
	tx := &txn{Tx: sqltx, ctx: ctx, dialect: s.dialect, actor: ActorOf(ctx), at: s.now().UTC(), zone: s.zone}
	defer sqltx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if tx.audited == 0 {
		return errors.New("inventory: a write transaction recorded no audit row")
	}
	if err := sqltx.Commit(); err != nil {
		return dbErr(err, "commit")
	}
	return nil
}

// get, sel and exec run a query written with ? placeholders.
func (tx *txn) get(dest any, query string, args ...any) error {
	return tx.GetContext(tx.ctx, dest, tx.Rebind(query), args...)
}

func (tx *txn) sel(dest any, query string, args ...any) error {
	return tx.SelectContext(tx.ctx, dest, tx.Rebind(query), args...)
}

func (tx *txn) exec(query string, args ...any) error {
	_, err := tx.ExecContext(tx.ctx, tx.Rebind(query), args...)
	return err
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

// audit records one change. before and after are the entity as the API shows
// it (secrets are not part of that), nil where there is none.
func (tx *txn) audit(action, entity string, id int64, before, after any) error {
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	err = tx.exec(`INSERT INTO audit (at, actor, action, entity, entity_id, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tx.at, tx.actor, action, entity, id, b, a)
	if err != nil {
		return fmt.Errorf("inventory: audit %s %s %d: %w", action, entity, id, err)
	}
	tx.audited++
	return nil
}

func auditJSON(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("inventory: audit snapshot: %w", err)
	}
	return string(b), nil
}
