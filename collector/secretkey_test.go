package collector_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hostroll/collector"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/secret"
)

// A collector whose store has another key than the database's, or none,
// polls nothing, takes no lease, and says why in one line.
func TestRunDueWithoutTheKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		_, ids := register(t, db.Store, simDevices(3))
		other, err := secret.Generate()
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []*secret.Key{other, nil} {
			s, err := inventory.Open(ctx, db.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.SetSecretKey(key)
			c := collector.New(s, newClock().config("keyless"))
			sum, err := c.RunDue(ctx, nil)
			if !errors.Is(err, inventory.ErrSecretKey) || strings.Contains(err.Error(), "\n") || sum.Polled != 0 {
				t.Fatalf("key %v: polled %d, err %v; want nothing polled and one line", key, sum.Polled, err)
			}
			if _, err := c.PollDevice(ctx, ids[0]); !errors.Is(err, inventory.ErrSecretKey) {
				t.Fatalf("key %v: poll one device: %v", key, err)
			}
			var leased int
			if err := db.Store.DB().Get(&leased, `SELECT COUNT(*) FROM device_poll_state WHERE lease_holder IS NOT NULL`); err != nil || leased != 0 {
				t.Fatalf("key %v: %d leases taken (%v)", key, leased, err)
			}
			if n := observationCount(t, db.Store, ids[0]); n != 0 {
				t.Fatalf("key %v: %d observations stored", key, n)
			}
		}
	})
}
