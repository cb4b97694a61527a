package inventory

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// Bulk actions on devices.
const (
	BulkStatus  = "status"  // Value: a device status
	BulkUnit    = "unit"    // Value: the owner unit's id
	BulkProject = "project" // Value: a project's id, "" for none
	BulkDelete  = "delete"
)

// BulkDeviceChange is one change to many devices: the devices IDs names, or,
// with All, every device that Match selects (its filters and q, not its
// page), in the caller's scope.
type BulkDeviceChange struct {
	Action string
	Value  string
	IDs    []int64
	All    bool
	Match  ListParams
}

// BulkResult is what a bulk change did.
type BulkResult struct {
	Action string  `json:"action"`
	Count  int     `json:"count"`
	IDs    []int64 `json:"ids"`
}

// BulkDevices applies one change to every selected device in a single
// transaction, device by device with the same checks, scope and audit row
// as a single update or delete: one refusal (a device another unit owns, a
// project that does not exist, a delete a rule forbids) changes nothing.
func (s *Store) BulkDevices(ctx context.Context, ch BulkDeviceChange) (BulkResult, error) {
	apply, err := bulkApply(ch)
	if err != nil {
		return BulkResult{}, err
	}
	res := BulkResult{Action: ch.Action, IDs: []int64{}}
	err = s.inTx(ctx, func(tx *txn) error {
		ids, err := bulkIDs(tx, ch)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return Invalid("ids", "err.device_bulk.none_selected")
		}
		for _, id := range ids {
			if ch.Action == BulkDelete {
				err = devices.removeTx(tx, id)
			} else {
				_, err = devices.patchTx(tx, id, apply)
			}
			if err != nil {
				return fmt.Errorf("device %d: %w", id, err)
			}
		}
		res.IDs, res.Count = ids, len(ids)
		return nil
	})
	if err != nil {
		return BulkResult{}, err
	}
	return res, nil
}

// bulkApply is the change to each device's input; the store's checks of a
// single update then judge it.
func bulkApply(ch BulkDeviceChange) (func(*DeviceInput) error, error) {
	if !ch.All && len(ch.IDs) == 0 {
		return nil, Invalid("ids", "err.device_bulk.select")
	}
	if len(ch.IDs) > MaxLimit {
		return nil, Invalid("ids", "err.device_bulk.too_many", MaxLimit)
	}
	id := func() (*int64, error) {
		if ch.Value == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(ch.Value, 10, 64)
		if err != nil || n < 1 {
			return nil, Invalid("value", "err.device_bulk.positive_id", ch.Value)
		}
		return &n, nil
	}
	switch ch.Action {
	case BulkStatus:
		ve := &ValidationError{}
		checkEnum(ve, "value", ch.Value, DeviceStatuses)
		return func(in *DeviceInput) error { in.Status = ch.Value; return nil }, ve.Err()
	case BulkUnit:
		p, err := id()
		if err == nil && p == nil {
			err = Invalid("value", "err.device_bulk.unit_required")
		}
		if err != nil {
			return nil, err
		}
		return func(in *DeviceInput) error { in.UnitID = *p; return nil }, nil
	case BulkProject:
		p, err := id()
		return func(in *DeviceInput) error { in.ProjectID = p; return nil }, err
	case BulkDelete:
		return nil, nil
	}
	return nil, Invalid("action", "err.device_list.one_of", "status, unit, project, delete", ch.Action)
}

// bulkIDs are the ids of the selected devices in the caller's scope, locked
// for the transaction; an id out of scope or gone is ErrNotFound.
func bulkIDs(tx *txn, ch BulkDeviceChange) ([]int64, error) {
	var ids []int64
	if ch.All {
		m := ch.Match
		m.Limit, m.Offset = 1, 0 // where checks them; the selection has no page
		where, args, err := deviceWhere(tx.ctx, &m)
		if err != nil {
			return nil, err
		}
		err = tx.sel(&ids, "SELECT devices.id FROM devices"+where+" ORDER BY devices.id"+tx.forUpdate(), args...)
		return ids, dbErr(err, "select devices")
	}
	query, args, err := sqlx.In("SELECT devices.id FROM devices WHERE devices.id IN (?)", ch.IDs)
	if err != nil {
		return nil, err
	}
	query, args = andScope(tx.ctx, query, args, scopeDevices, true)
	if err := tx.sel(&ids, query+" ORDER BY devices.id"+tx.forUpdate(), args...); err != nil {
		return nil, dbErr(err, "select devices")
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	for _, id := range ch.IDs {
		if !seen[id] {
			return nil, fmt.Errorf("inventory: device %d: %w", id, ErrNotFound)
		}
	}
	return ids, nil
}
