package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// resource is the write path every entity shares: load, validate, write, read
// back and audit, all in one transaction. T is the entity as the API shows it,
// I the input that creates or patches it.
type resource[T any, I any] struct {
	entity string // audit entity and message noun: "unit"
	table  string
	cols   string // SELECT list producing T

	// input turns an entity into the input that would recreate it, the base
	// a patch is applied to.
	input func(T) I
	// check normalises and validates in, including references to other rows,
	// inside the write transaction. On create self is 0 and old nil; on update
	// they are the row being changed.
	check func(tx *txn, in *I, self int64, old *T) error
	// insert and update write the row.
	insert func(tx *txn, in *I) (int64, error)
	update func(tx *txn, id int64, in *I) error
	// load completes entities read from the table (e.g. child rows); optional.
	load func(ctx context.Context, q querier, items []T) error
	// dependants stop a delete while they still refer to the row.
	dependants []dependant
	// beforeDelete runs inside the delete transaction, after the dependants
	// check; optional.
	beforeDelete func(tx *txn, id int64) error
	// folded are the stored folded forms of the row's unique identifiers,
	// written after each insert and update; optional.
	folded *folded[I]
}

// folded names the <col>_fold columns of a table and computes their values
// (fold.Key of each identifier, nil where it is empty and stored as NULL).
// Their unique indexes are the last word on look-alikes racing in.
type folded[I any] struct {
	cols []string
	vals func(in *I) []any
}

func (r *resource[T, I]) writeFolded(tx *txn, id int64, in *I) error {
	if r.folded == nil {
		return nil
	}
	set := make([]string, len(r.folded.cols))
	for i, c := range r.folded.cols {
		set[i] = c + " = ?"
	}
	return tx.exec("UPDATE "+r.table+" SET "+strings.Join(set, ", ")+" WHERE id = ?", append(r.folded.vals(in), id)...)
}

// dependant is a table whose rows refer to the entity through col.
type dependant struct {
	table, col, noun string
}

func (r *resource[T, I]) get(ctx context.Context, q querier, id int64) (T, error) {
	return r.read(ctx, q, id, "")
}

// read reads one row; suffix may lock it (" FOR UPDATE").
func (r *resource[T, I]) read(ctx context.Context, q querier, id int64, suffix string) (T, error) {
	var v T
	query, args := andScope(ctx, "SELECT "+r.cols+" FROM "+r.table+" WHERE "+r.table+".id = ?",
		[]any{id}, scopeRules[r.table].read, true)
	err := q.GetContext(ctx, &v, q.Rebind(query+suffix), args...)
	if err != nil {
		return v, dbErr(err, fmt.Sprintf("%s %d", r.entity, id))
	}
	if r.load != nil {
		items := []T{v}
		if err := r.load(ctx, q, items); err != nil {
			return v, err
		}
		v = items[0]
	}
	return v, nil
}

// lockAndGet reads a row and locks it for the rest of the transaction (SQLite's
// IMMEDIATE transaction already holds the database's write lock).
func (r *resource[T, I]) lockAndGet(tx *txn, id int64) (T, error) {
	return r.read(tx.ctx, tx, id, tx.forUpdate())
}

func (r *resource[T, I]) list(ctx context.Context, s *Store, ls listSpec, p ListParams) ([]T, int, error) {
	if ls.scope == "" {
		ls.scope = scopeRules[r.table].read
	}
	items, total, err := list[T](s, ctx, ls, p,
		"SELECT "+r.cols+" FROM "+r.table, "SELECT COUNT(*) FROM "+r.table, r.table+".id")
	if err != nil {
		return nil, 0, dbErr(err, "list "+r.entity+"s")
	}
	if r.load != nil && len(items) > 0 {
		if err := r.load(ctx, s.db, items); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

func (r *resource[T, I]) create(ctx context.Context, s *Store, in I) (T, error) {
	var out T
	err := s.inTx(ctx, func(tx *txn) error {
		if err := r.check(tx, &in, 0, nil); err != nil {
			return err
		}
		id, err := r.insert(tx, &in)
		if err == nil {
			err = r.writeFolded(tx, id, &in)
		}
		if err != nil {
			return dbErr(err, "create "+r.entity)
		}
		if out, err = r.get(ctx, tx, id); err != nil {
			return err
		}
		return tx.audit("create", r.entity, id, nil, out)
	})
	return out, err
}

func (r *resource[T, I]) patch(ctx context.Context, s *Store, id int64, apply func(*I) error) (T, error) {
	var out T
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := r.lockAndGet(tx, id)
		if err != nil {
			return err
		}
		if err := mayChange(tx, r.table, id); err != nil {
			return err
		}
		// The patch is applied to a second copy: an input shares the pointer
		// fields of the entity it came from, and decoding JSON onto it writes
		// through them, which would rewrite before under the audit.
		base, err := r.get(ctx, tx, id)
		if err != nil {
			return err
		}
		in := r.input(base)
		if err := apply(&in); err != nil {
			return err
		}
		if err := r.check(tx, &in, id, &before); err != nil {
			return err
		}
		err = r.update(tx, id, &in)
		if err == nil {
			err = r.writeFolded(tx, id, &in)
		}
		if err != nil {
			return dbErr(err, fmt.Sprintf("update %s %d", r.entity, id))
		}
		if out, err = r.get(ctx, tx, id); err != nil {
			return err
		}
		return tx.audit("update", r.entity, id, before, out)
	})
	return out, err
}

func (r *resource[T, I]) remove(ctx context.Context, s *Store, id int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		before, err := r.lockAndGet(tx, id)
		if err != nil {
			return err
		}
		if err := mayChange(tx, r.table, id); err != nil {
			return err
		}
		if err := r.checkDependants(tx, id); err != nil {
			return err
		}
		if r.beforeDelete != nil {
			if err := r.beforeDelete(tx, id); err != nil {
				return err
			}
		}
		if err := tx.exec("DELETE FROM "+r.table+" WHERE id = ?", id); err != nil {
			return dbErr(err, fmt.Sprintf("delete %s %d", r.entity, id))
		}
		return tx.audit("delete", r.entity, id, before, nil)
	})
}

// checkDependants refuses a delete that would leave rows pointing at nothing:
// nothing cascades away inventory.
func (r *resource[T, I]) checkDependants(tx *txn, id int64) error {
	var has []Msg
	for _, d := range r.dependants {
		var n int
		if err := tx.get(&n, "SELECT COUNT(*) FROM "+d.table+" WHERE "+d.col+" = ?", id); err != nil {
			return dbErr(err, "count "+d.noun)
		}
		if n > 0 {
			has = append(has, M("err.count."+d.noun, n))
		}
	}
	if len(has) > 0 {
		return conflict("", "err.resource.any.still_referred_move", M("err.entity."+r.entity), id, has)
	}
	return nil
}

// taken returns the id of the other row a uniqueness query finds, 0 when the
// value is free. The unique constraints stay the last word on a race; this is
// for a message that names the row.
func taken(tx *txn, query string, args ...any) (int64, error) {
	var id int64
	err := tx.get(&id, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// fieldErrors starts the checks of a write with what Validate found, so the
// reference checks add to it and the user hears of every problem at once.
func fieldErrors(err error) (*ValidationError, error) {
	var ve *ValidationError
	switch {
	case err == nil:
		return &ValidationError{}, nil
	case errors.As(err, &ve):
		return ve, nil
	}
	return nil, err
}

// checkRef adds a validation message when a referenced row does not exist. A
// field that already has a problem is not looked up.
func checkRef(tx *txn, ve *ValidationError, field, table string, id *int64) error {
	if _, bad := ve.Fields[field]; bad || id == nil {
		return nil
	}
	if *id < 1 {
		ve.Add(field, "err.amendment.document_id.positive_id")
		return nil
	}
	// A row outside the caller's scope is as good as absent: a unit's staff
	// cannot make their records point at another unit's.
	query, args := andScope(tx.ctx, "SELECT 1 FROM "+table+" WHERE "+table+".id = ?", []any{*id},
		scopeRules[table].read, true)
	ok, err := exists(tx.ctx, tx, query, args...)
	if err != nil {
		return dbErr(err, "check "+field)
	}
	if !ok {
		ve.Add(field, "err.notice_store.field.no_id", M("err.entity."+strings.TrimSuffix(table, "s")), *id)
	}
	return nil
}
