package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"hostroll/inventory"
)

var fixtureSeq atomic.Int64

// fixture is a small inventory: one unit, a central room with a 42U rack.
type fixture struct {
	s    *inventory.Store
	ctx  context.Context
	unit inventory.Unit
	room inventory.Room
	rack inventory.Rack
}

func newFixture(t *testing.T, s *inventory.Store) *fixture {
	t.Helper()
	f := &fixture{s: s, ctx: context.Background()}
	var err error
	code := fmt.Sprintf("ZW%d", fixtureSeq.Add(1)) // fixtures may share a database
	f.unit, err = s.CreateUnit(f.ctx, inventory.UnitInput{Code: code, Name: "州电子政务办", Kind: "department"})
	noErr(t, err)
	f.room, err = s.CreateRoom(f.ctx, inventory.RoomInput{Name: "Central", UnitID: f.unit.ID, Kind: "central", Status: "active"})
	noErr(t, err)
	f.rack, err = s.CreateRack(f.ctx, inventory.RackInput{RoomID: f.room.ID, Name: "A01", UHeight: 42})
	noErr(t, err)
	return f
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// device is a racked 1U full-depth server input in the fixture's rack.
func (f *fixture) device(name string, pos int) inventory.DeviceInput {
	in := inventory.DefaultDeviceInput()
	in.Name, in.Kind, in.UnitID = name, "server", f.unit.ID
	in.RackID, in.Position = ptr(f.rack.ID), ptr(pos)
	return in
}

// wantErr checks that err is the expected kind ("validation", "conflict",
// "not_found" or "" for none) and, when field is set, names that field.
func wantErr(t *testing.T, err error, kind, field string) {
	t.Helper()
	var ve *inventory.ValidationError
	var ce *inventory.ConflictError
	switch kind {
	case "":
		if err != nil {
			t.Fatalf("want no error, got %v", err)
		}
		return
	case "validation":
		if !errors.As(err, &ve) {
			t.Fatalf("want a validation error, got %T %v", err, err)
		}
		if _, ok := ve.Fields[field]; field != "" && !ok {
			t.Fatalf("want a validation error on %q, got %v", field, ve.Fields)
		}
	case "conflict":
		if !errors.As(err, &ce) || !errors.Is(err, inventory.ErrConflict) {
			t.Fatalf("want a conflict, got %T %v", err, err)
		}
		if field != "" && ce.Field != field {
			t.Fatalf("want a conflict on %q, got %q: %v", field, ce.Field, ce)
		}
	case "not_found":
		if !errors.Is(err, inventory.ErrNotFound) {
			t.Fatalf("want not found, got %T %v", err, err)
		}
	default:
		t.Fatalf("bad test: kind %q", kind)
	}
}

// auditCount counts the audit rows of one entity.
func auditCount(t *testing.T, s *inventory.Store, entity string) int {
	t.Helper()
	_, n, err := s.Audit(context.Background(), inventory.ListParams{Filters: map[string]string{"entity": entity}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
