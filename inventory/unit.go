package inventory

import (
	"context"

	"hostroll/fold"
)

// UnitKinds are the kinds of unit (单位).
var UnitKinds = []string{"department", "county", "park", "other"}

// Unit is a government department, county or city, or park.
type Unit struct {
	ID   int64  `db:"id" json:"id"`
	Code string `db:"code" json:"code"`
	Name string `db:"name" json:"name"`
	Kind string `db:"kind" json:"kind"`
}

// UnitInput creates or patches a unit.
type UnitInput struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// DefaultUnitInput is the base a new unit's JSON is read onto.
func DefaultUnitInput() UnitInput { return UnitInput{Kind: "department"} }

// Validate checks the fields on their own.
func (in *UnitInput) Validate() error {
	trim(&in.Code, &in.Name)
	ve := &ValidationError{}
	checkRequired(ve, "code", in.Code, 64)
	checkRequired(ve, "name", in.Name, 200)
	checkEnum(ve, "kind", in.Kind, UnitKinds)
	return ve.Err()
}

var unitList = listSpec{
	filters: map[string]filter{
		"kind": {col: "kind", kind: filterEnum, allowed: UnitKinds},
		"code": {col: "code", kind: filterText},
	},
	search: []string{"name", "code"},
}

var units = &resource[Unit, UnitInput]{
	entity: "unit",
	table:  "units",
	cols:   "id, code, name, kind",
	input:  func(u Unit) UnitInput { return UnitInput{Code: u.Code, Name: u.Name, Kind: u.Kind} },
	check: func(tx *txn, in *UnitInput, self int64, _ *Unit) error {
		if err := in.Validate(); err != nil {
			return err
		}
		other, err := taken(tx, `SELECT id FROM units WHERE code_fold = ? AND id <> ?`, fold.Key(in.Code), self)
		if err != nil {
			return dbErr(err, "check unit code")
		}
		if other != 0 {
			return conflict("code", "err.unit.code.unit_code_already", in.Code, other)
		}
		return nil
	},
	insert: func(tx *txn, in *UnitInput) (int64, error) {
		return tx.insert(`INSERT INTO units (code, name, kind) VALUES (?, ?, ?)`, in.Code, in.Name, in.Kind)
	},
	update: func(tx *txn, id int64, in *UnitInput) error {
		return tx.exec(`UPDATE units SET code = ?, name = ?, kind = ? WHERE id = ?`, in.Code, in.Name, in.Kind, id)
	},
	folded: &folded[UnitInput]{cols: []string{"code_fold"},
		vals: func(in *UnitInput) []any { return []any{fold.Key(in.Code)} }},
	dependants: []dependant{
		{"rooms", "unit_id", "rooms"},
		{"devices", "unit_id", "devices"},
		{"lines", "unit_id", "lines"},
		{"projects", "lead_unit_id", "projects it leads"},
		{"project_units", "unit_id", "projects it takes part in"},
	},
}

// Unit returns one unit.
func (s *Store) Unit(ctx context.Context, id int64) (Unit, error) { return units.get(ctx, s.db, id) }

// Units lists units; filters: kind, code; q searches name and code.
func (s *Store) Units(ctx context.Context, p ListParams) ([]Unit, int, error) {
	return units.list(ctx, s, unitList, p)
}

// CreateUnit adds a unit.
func (s *Store) CreateUnit(ctx context.Context, in UnitInput) (Unit, error) {
	return units.create(ctx, s, in)
}

// UpdateUnit applies a patch to a unit.
func (s *Store) UpdateUnit(ctx context.Context, id int64, apply func(*UnitInput) error) (Unit, error) {
	return units.patch(ctx, s, id, apply)
}

// DeleteUnit removes a unit that nothing refers to any more.
func (s *Store) DeleteUnit(ctx context.Context, id int64) error { return units.remove(ctx, s, id) }
