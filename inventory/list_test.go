package inventory_test

import (
	"fmt"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestListParams(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		for i := range 5 {
			in := f.device(fmt.Sprintf("Web_%d", i), i+1)
			in.Serial = fmt.Sprintf("SN-%d", i)
			_, err := s.CreateDevice(ctx, in)
			noErr(t, err)
		}
		loose := f.device("spare-disk-shelf", 1)
		loose.RackID, loose.Position = nil, nil
		_, err := s.CreateDevice(ctx, loose)
		noErr(t, err)

		devices := func(p inventory.ListParams) ([]inventory.Device, int, error) { return s.Devices(ctx, p) }
		cases := []struct {
			name      string
			list      func() (int, int, error) // items, total
			items     int
			total     int
			wantField string // a validation error on this parameter
		}{
			{"page", count(devices, inventory.ListParams{Limit: 2, Offset: 1}), 2, 6, ""},
			{"past the end", count(devices, inventory.ListParams{Offset: 10}), 0, 6, ""},
			{"q is case-insensitive", count(devices, inventory.ListParams{Q: "WEB_"}), 5, 5, ""},
			{"q treats _ literally", count(devices, inventory.ListParams{Q: "b_1"}), 1, 1, ""},
			{"q searches serials", count(devices, inventory.ListParams{Q: "sn-3"}), 1, 1, ""},
			{"not racked", count(devices, inventory.ListParams{Filters: map[string]string{"rack_id": "null"}}), 1, 1, ""},
			{"by room", count(devices, inventory.ListParams{Filters: map[string]string{"room_id": fmt.Sprint(f.room.ID)}}), 5, 5, ""},
			{"limit too large", count(devices, inventory.ListParams{Limit: 1001}), 0, 0, "limit"},
			{"negative offset", count(devices, inventory.ListParams{Offset: -1}), 0, 0, "offset"},
			{"unknown filter", count(devices, inventory.ListParams{Filters: map[string]string{"colour": "red"}}), 0, 0, "colour"},
			{"bad enum", count(devices, inventory.ListParams{Filters: map[string]string{"status": "gone"}}), 0, 0, "status"},
			{"bad bool", count(devices, inventory.ListParams{Filters: map[string]string{"full_depth": "maybe"}}), 0, 0, "full_depth"},
			{"null for a required reference", count(func(p inventory.ListParams) ([]inventory.Room, int, error) { return s.Rooms(ctx, p) },
				inventory.ListParams{Filters: map[string]string{"unit_id": "null"}}), 0, 0, "unit_id"},
			{"q where there is no search", count(func(p inventory.ListParams) ([]inventory.AuditEntry, int, error) { return s.Audit(ctx, p) },
				inventory.ListParams{Q: "x"}), 0, 0, "q"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				items, total, err := tc.list()
				if tc.wantField != "" {
					wantErr(t, err, "validation", tc.wantField)
					return
				}
				noErr(t, err)
				if items != tc.items || total != tc.total {
					t.Fatalf("got %d items of %d, want %d of %d", items, total, tc.items, tc.total)
				}
			})
		}
	})
}

func count[T any](list func(inventory.ListParams) ([]T, int, error), p inventory.ListParams) func() (int, int, error) {
	return func() (int, int, error) {
		items, total, err := list(p)
		return len(items), total, err
	}
}
