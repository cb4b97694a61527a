package inventory

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// SpecRevisionInput proposes a new technical plan: the full list of items
// and why it changes.
type SpecRevisionInput struct {
	Reason string          `json:"reason"`
	Items  []SpecItemInput `json:"items"`
}

// Validate checks the revision on its own.
func (in *SpecRevisionInput) Validate() error {
	trim(&in.Reason)
	ve := &ValidationError{}
	checkRequired(ve, "reason", in.Reason, 2000)
	switch {
	case len(in.Items) == 0:
		ve.Add("items", "err.spec_store.items.list_least_one")
	case len(in.Items) > maxSpecItems:
		ve.Add("items", "err.spec.field.have_most_entries", maxSpecItems)
	}
	for i := range in.Items {
		in.Items[i].validate(ve, fmt.Sprintf("items[%d].", i))
	}
	return ve.Err()
}

// SpecReviewInput is a reviewer's decision on a proposed revision.
type SpecReviewInput struct {
	Note string `json:"note"`
}

// lockProjectStatus locks the project row and returns its status.
func lockProjectStatus(tx *txn, projectID int64) (string, error) {
	var status string
	query, args := andScope(tx.ctx, "SELECT status FROM projects WHERE projects.id = ?", []any{projectID}, scopeProjects, true)
	err := tx.get(&status, query+tx.forUpdate(), args...)
	return status, dbErr(err, fmt.Sprintf("project %d", projectID))
}

// lockRevisableSpec locks the project and refuses unless its spec is frozen
// and still open to a reviewed change.
func lockRevisableSpec(tx *txn, projectID int64) error {
	status, err := lockProjectStatus(tx, projectID)
	switch {
	case err != nil:
		return err
	case slices.Contains(specEditable, status):
		return conflict("status", "err.spec_store.status.project_spec_frozen", projectID, L(setProjectStatus, status), projectID)
	case !slices.Contains(specRevisable, status):
		return conflict("status", "err.spec_store.status.project_spec_closed", projectID, L(setProjectStatus, status))
	}
	return nil
}

// lockEditableSpec locks the project and refuses when its spec is frozen.
func lockEditableSpec(tx *txn, projectID int64) error {
	status, err := lockProjectStatus(tx, projectID)
	if err != nil {
		return err
	}
	if !slices.Contains(specEditable, status) && !slices.Contains(specRevisable, status) {
		return conflict("status", "err.spec_store.status.project_spec_closed", projectID, L(setProjectStatus, status))
	}
	if !slices.Contains(specEditable, status) {
		return conflict("status", "err.spec_store.status.project_spec_items", projectID, L(setProjectStatus, status), projectID)
	}
	return nil
}

// currentRevisionID returns the id of the project's current revision, 0 when
// there is none.
func currentRevisionID(tx *txn, projectID int64) (int64, error) {
	id, err := taken(tx, `SELECT id FROM spec_revisions WHERE project_id = ? AND status = 'current'`, projectID)
	return id, dbErr(err, "current spec revision")
}

// newSpecRevision inserts a revision numbered after the project's last one.
func newSpecRevision(tx *txn, projectID int64, status, reason string) (int64, error) {
	var n int
	if err := tx.get(&n, `SELECT COALESCE(MAX(number), 0) FROM spec_revisions WHERE project_id = ?`, projectID); err != nil {
		return 0, dbErr(err, "number spec revision")
	}
	id, err := tx.insert(`INSERT INTO spec_revisions (project_id, number, status, reason, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?)`, projectID, n+1, status, reason, tx.at, tx.actor)
	return id, dbErr(err, "create spec revision")
}

// SpecItems lists the items of the project's current technical plan.
func (s *Store) SpecItems(ctx context.Context, projectID int64) ([]SpecItem, error) {
	if _, err := projects.get(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	return currentSpecItems(ctx, s.db, projectID)
}

// SpecItem returns one spec item of the project, of any revision.
func (s *Store) SpecItem(ctx context.Context, projectID, itemID int64) (SpecItem, error) {
	return specItem(ctx, s.db, projectID, itemID)
}

// CreateSpecItem adds an item to the project's current plan while the spec
// is not frozen; the project's first item starts revision 1.
func (s *Store) CreateSpecItem(ctx context.Context, projectID int64, in SpecItemInput) (SpecItem, error) {
	var out SpecItem
	err := s.inTx(ctx, func(tx *txn) error {
		if err := lockEditableSpec(tx, projectID); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		rev, err := currentRevisionID(tx, projectID)
		if err != nil {
			return err
		}
		if rev == 0 {
			if rev, err = newSpecRevision(tx, projectID, "current", "initial technical plan"); err != nil {
				return err
			}
			r, err := specRevision(tx, projectID, rev)
			if err != nil {
				return err
			}
			if err := tx.audit("create", "spec_revision", rev, nil, r); err != nil {
				return err
			}
		}
		var n int
		if err := tx.get(&n, `SELECT COUNT(*) FROM spec_items WHERE revision_id = ?`, rev); err != nil {
			return dbErr(err, "count spec items")
		}
		if n >= maxSpecItems {
			return conflict("", "err.spec_store.any.spec_already_has", n)
		}
		id, err := insertSpecItem(tx, projectID, rev, &in)
		if err != nil {
			return err
		}
		if out, err = specItem(ctx, tx, projectID, id); err != nil {
			return err
		}
		return tx.audit("create", "spec_item", id, nil, out)
	})
	return out, err
}

// UpdateSpecItem patches an item of the current plan while the spec is not
// frozen.
func (s *Store) UpdateSpecItem(ctx context.Context, projectID, itemID int64, apply func(*SpecItemInput) error) (SpecItem, error) {
	var out SpecItem
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := lockCurrentItem(tx, projectID, itemID)
		if err != nil {
			return err
		}
		base, err := specItem(ctx, tx, projectID, itemID)
		if err != nil {
			return err
		}
		in := base.input()
		if err := apply(&in); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkPinnedKinds(tx, before, in.Kind); err != nil {
			return err
		}
		reqs, err := specJSON(in.Requirements)
		if err != nil {
			return err
		}
		err = tx.exec(`UPDATE spec_items SET kind = ?, name = ?, quantity = ?, max_unit_price = ?, requirements = ?
			WHERE id = ?`, in.Kind, in.Name, in.Quantity, in.MaxUnitPrice, reqs, itemID)
		if err != nil {
			return dbErr(err, fmt.Sprintf("update spec item %d", itemID))
		}
		if out, err = specItem(ctx, tx, projectID, itemID); err != nil {
			return err
		}
		return tx.audit("update", "spec_item", itemID, before, out)
	})
	return out, err
}

// DeleteSpecItem removes an item of the current plan while the spec is not
// frozen and no device is pinned to it.
func (s *Store) DeleteSpecItem(ctx context.Context, projectID, itemID int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		before, err := lockCurrentItem(tx, projectID, itemID)
		if err != nil {
			return err
		}
		var pinned []int64
		if err := tx.sel(&pinned, `SELECT id FROM devices WHERE spec_item_id = ? ORDER BY id`, itemID); err != nil {
			return dbErr(err, "pinned devices")
		}
		if len(pinned) > 0 {
			return conflict("", "err.spec_store.any.spec_item_pinned", itemID, specIDList(pinned))
		}
		if err := tx.exec(`DELETE FROM spec_items WHERE id = ?`, itemID); err != nil {
			return dbErr(err, fmt.Sprintf("delete spec item %d", itemID))
		}
		return tx.audit("delete", "spec_item", itemID, before, nil)
	})
}

// lockCurrentItem locks the project, refuses a frozen spec and reads an item
// of the current revision.
func lockCurrentItem(tx *txn, projectID, itemID int64) (SpecItem, error) {
	if err := lockEditableSpec(tx, projectID); err != nil {
		return SpecItem{}, err
	}
	it, err := specItem(tx.ctx, tx, projectID, itemID)
	if err != nil {
		return it, err
	}
	rev, err := currentRevisionID(tx, projectID)
	if err != nil {
		return it, err
	}
	if it.RevisionID != rev {
		return it, conflict("", "err.spec_store.any.spec_item_belongs", itemID)
	}
	return it, nil
}

// checkPinnedKinds refuses to change the kind of an item devices of another
// kind are pinned to.
func checkPinnedKinds(tx *txn, before SpecItem, kind string) error {
	if kind == before.Kind {
		return nil
	}
	var ids []int64
	if err := tx.sel(&ids, `SELECT id FROM devices WHERE spec_item_id = ? AND kind <> ? ORDER BY id`, before.ID, kind); err != nil {
		return dbErr(err, "pinned devices")
	}
	if len(ids) > 0 {
		return conflict("kind", "err.spec_store.kind.devices_are_pinned", specIDList(ids), before.ID, L(setDeviceKind, kind))
	}
	return nil
}

func specIDList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}

// errNoRevision is returned for a revision id that is not the project's.
func errNoRevision(projectID, revID int64) error {
	return fmt.Errorf("inventory: spec revision %d of project %d: %w", revID, projectID, ErrNotFound)
}
