package web_test

import (
	"context"
	"strings"
	"testing"

	"hostroll/collector"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/secret"
)

// A server started with another secret key than the database's: reading
// works, and a poll or a change of a profile is a 409 that says what to set,
// never a 500; no response carries a secret.
func TestAPIWrongSecretKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		in := inventory.DefaultSNMPProfileInput()
		in.Name, in.Community = "sealed", "sealed-community-4Kq"
		prof, err := db.Store.CreateSNMPProfile(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		din := inventory.DefaultDeviceInput()
		u, err := db.Store.CreateUnit(ctx, inventory.UnitInput{Code: "WK", Name: "wk", Kind: "county"})
		if err != nil {
			t.Fatal(err)
		}
		din.Name, din.Kind, din.UnitID, din.MgmtIP, din.SNMPProfileID = "polled", "server", u.ID, "127.0.0.1", &prof.ID
		dev, err := db.Store.CreateDevice(ctx, din)
		if err != nil {
			t.Fatal(err)
		}
		other, err := inventory.Open(ctx, db.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		k, err := secret.Generate()
		if err != nil {
			t.Fatal(err)
		}
		other.SetSecretKey(k)
		cfg := testConfig(other)
		cfg.Poller = collector.New(other, collector.Config{Logger: cfg.Logger})
		c := newClient(t, cfg, db.Name)

		for _, r := range []response{
			c.do(t, "POST", p("/api/v1/devices/%d/poll", dev.ID), nil),
			c.do(t, "PATCH", p("/api/v1/snmp-profiles/%d", prof.ID), obj{"retries": 2}),
			c.do(t, "POST", "/api/v1/snmp-profiles", obj{"name": "new", "version": "2c", "community": "x-community"}),
		} {
			d := wantErr(t, r, 409, "conflict", "")
			if !strings.Contains(message(d), "HOSTROLL_SECRET_KEY_FILE") {
				t.Errorf("the 409 does not say what to set: %s", r.raw)
			}
		}
		got := c.get(t, p("/api/v1/snmp-profiles/%d", prof.ID))
		if got["has_community"] != true {
			t.Errorf("profile: %v", got)
		}
		for _, path := range []string{p("/api/v1/snmp-profiles/%d", prof.ID), "/api/v1/snmp-profiles", "/api/v1/audit"} {
			if r := c.do(t, "GET", path, nil); strings.Contains(string(r.raw), "sealed-community-4Kq") || strings.Contains(string(r.raw), "v1:") {
				t.Errorf("%s shows a secret: %s", path, r.raw)
			}
		}
	})
}
