package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// mount describes a device for the placement tables.
type mount struct {
	pos, height int
	face        string
	full        bool
}

func (f *fixture) mountInput(name string, m mount) inventory.DeviceInput {
	in := f.device(name, m.pos)
	in.UHeight, in.Face, in.FullDepth = max(m.height, 1), cmpOr(m.face, "front"), m.full
	return in
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestPlacement(t *testing.T) {
	full := func(pos, h int) mount { return mount{pos: pos, height: h, full: true} }
	half := func(pos, h int, face string) mount { return mount{pos: pos, height: h, face: face} }
	cases := []struct {
		name     string
		existing []mount
		place    mount
		kind     string // "", "validation" or "conflict"
	}{
		{"free unit", nil, full(1, 1), ""},
		{"top unit of the rack", nil, full(42, 1), ""},
		{"2U reaching the top exactly", nil, full(41, 2), ""},
		{"2U above the top", nil, full(42, 2), "validation"},
		{"position zero", nil, full(0, 1), "validation"},
		{"full over full", []mount{full(10, 1)}, full(10, 1), "conflict"},
		{"full over half front", []mount{half(10, 1, "front")}, full(10, 1), "conflict"},
		{"full over half rear", []mount{half(10, 1, "rear")}, full(10, 1), "conflict"},
		{"half front beside half rear", []mount{half(10, 1, "rear")}, half(10, 1, "front"), ""},
		{"half front over half front", []mount{half(10, 1, "front")}, half(10, 1, "front"), "conflict"},
		{"half rear over full", []mount{full(10, 1)}, half(10, 1, "rear"), "conflict"},
		{"into the upper unit of a 2U", []mount{full(10, 2)}, full(11, 1), "conflict"},
		{"just above a 2U", []mount{full(10, 2)}, full(12, 1), ""},
		{"2U overlapping from below", []mount{full(10, 2)}, full(9, 2), "conflict"},
		{"2U just below", []mount{full(10, 2)}, full(8, 2), ""},
		{"4U spanning two devices' gap", []mount{full(10, 1), full(15, 1)}, full(11, 4), ""},
		{"4U covering a half-depth rear device", []mount{full(10, 1), half(13, 1, "rear")}, half(11, 4, "front"), ""},
		{"4U half rear hitting a half rear", []mount{half(13, 1, "rear")}, half(11, 4, "rear"), "conflict"},
	}
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, db.Store)
				for i, m := range tc.existing {
					_, err := f.s.CreateDevice(f.ctx, f.mountInput(fmt.Sprintf("existing-%d", i), m))
					noErr(t, err)
				}
				_, err := f.s.CreateDevice(f.ctx, f.mountInput("new", tc.place))
				field := ""
				if tc.kind != "" {
					field = "position"
				}
				wantErr(t, err, tc.kind, field)
				if tc.kind == "conflict" && !strings.Contains(err.Error(), `"existing-`) {
					t.Errorf("conflict should name the occupying device: %v", err)
				}
			})
		}
	})
}

func TestMoveAndShrink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		a, err := f.s.CreateDevice(f.ctx, f.mountInput("a", mount{pos: 10, height: 2, full: true}))
		noErr(t, err)
		b, err := f.s.CreateDevice(f.ctx, f.mountInput("b", mount{pos: 20, height: 1, full: true}))
		noErr(t, err)

		// Onto an occupied unit: refused, and b stays where it was.
		_, err = f.s.UpdateDevice(f.ctx, b.ID, func(in *inventory.DeviceInput) error { in.Position = ptr(11); return nil })
		wantErr(t, err, "conflict", "position")
		got, err := f.s.Device(f.ctx, b.ID)
		noErr(t, err)
		if *got.Position != 20 {
			t.Fatalf("refused move changed the device: position %d", *got.Position)
		}
		// A device overlapping its own old place is no conflict.
		_, err = f.s.UpdateDevice(f.ctx, a.ID, func(in *inventory.DeviceInput) error { in.Position = ptr(11); return nil })
		wantErr(t, err, "", "")
		// Growing into a neighbour is.
		_, err = f.s.UpdateDevice(f.ctx, a.ID, func(in *inventory.DeviceInput) error { in.UHeight = 10; return nil })
		wantErr(t, err, "conflict", "position")
		// Unracking needs both fields cleared.
		_, err = f.s.UpdateDevice(f.ctx, a.ID, func(in *inventory.DeviceInput) error { in.RackID = nil; return nil })
		wantErr(t, err, "validation", "rack_id")
		_, err = f.s.UpdateDevice(f.ctx, a.ID, func(in *inventory.DeviceInput) error { in.RackID, in.Position = nil, nil; return nil })
		wantErr(t, err, "", "")

		// b reaches U20: the rack shrinks to 20U but not to 19U.
		_, err = f.s.UpdateRack(f.ctx, f.rack.ID, func(in *inventory.RackInput) error { in.UHeight = 19; return nil })
		wantErr(t, err, "conflict", "u_height")
		if !strings.Contains(err.Error(), `"b"`) {
			t.Errorf("shrink conflict should name the device: %v", err)
		}
		_, err = f.s.UpdateRack(f.ctx, f.rack.ID, func(in *inventory.RackInput) error { in.UHeight = 20; return nil })
		wantErr(t, err, "", "")
		// Now U20 is the top: a 2U device at U20 no longer fits.
		_, err = f.s.CreateDevice(f.ctx, f.mountInput("c", mount{pos: 20, height: 2, full: true}))
		wantErr(t, err, "validation", "position")
	})
}

// TestPlacementRace is the race the rack lock exists for: 20 operators claim
// the same unit at once; exactly one gets it.
func TestPlacementRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		const n = 20
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.s.CreateDevice(context.Background(), f.device(fmt.Sprintf("racer-%02d", i), 7))
			}()
		}
		close(start)
		wg.Wait()
		created, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				created++
			case errors.Is(err, inventory.ErrConflict):
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if created != 1 || conflicts != n-1 {
			t.Fatalf("want 1 created and %d conflicts, got %d created and %d conflicts", n-1, created, conflicts)
		}
		_, total, err := f.s.Devices(f.ctx, inventory.ListParams{Filters: map[string]string{"rack_id": fmt.Sprint(f.rack.ID)}})
		noErr(t, err)
		if total != 1 {
			t.Fatalf("rack holds %d devices, want 1", total)
		}
		if got := auditCount(t, f.s, "device"); got != 1 {
			t.Fatalf("%d device audit rows, want 1 (refused writes must leave none)", got)
		}
	})
}

func TestElevation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		big, err := f.s.CreateDevice(f.ctx, f.mountInput("big", mount{pos: 10, height: 2, full: true}))
		noErr(t, err)
		rear, err := f.s.CreateDevice(f.ctx, f.mountInput("rear", mount{pos: 1, height: 1, face: "rear"}))
		noErr(t, err)
		e, err := f.s.RackElevation(f.ctx, f.rack.ID)
		noErr(t, err)
		if len(e.Units) != 42 || e.Units[0].U != 42 || e.Units[41].U != 1 {
			t.Fatalf("units should run from U42 down to U1: got %d units, first %d", len(e.Units), e.Units[0].U)
		}
		for _, u := range []int{10, 11} {
			slot := e.Units[42-u]
			if slot.Front == nil || slot.Rear == nil || slot.Front.ID != big.ID || slot.Rear.ID != big.ID {
				t.Errorf("U%d: want the full-depth device on both faces, got %+v", u, slot)
			}
		}
		if slot := e.Units[41]; slot.Front != nil || slot.Rear == nil || slot.Rear.ID != rear.ID {
			t.Errorf("U1: want only the rear device, got front=%v rear=%v", slot.Front, slot.Rear)
		}
		if e.FreeU != 39 {
			t.Errorf("free_u = %d, want 39", e.FreeU)
		}
		_, err = f.s.RackElevation(f.ctx, 999999)
		wantErr(t, err, "not_found", "")
	})
}
