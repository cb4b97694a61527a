package web_test

import (
	"bytes"
	"compress/gzip"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"hostroll/inventory/dbtest"
	"hostroll/web"
)

// TestDeviceListQueryBudget: the device list page runs at most 6 database
// statements, sign-in check included, whatever the page size, filters and
// sort, on both engines.
func TestDeviceListQueryBudget(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		seed := newClient(t, testConfig(db.Store), db.Name)
		unit, _, rack := seed.rackIn(t, "QB", 42)
		for i := range 30 {
			extra := obj{"serial": p("SN-QB-%d", i), "mgmt_ip": p("10.0.0.%d", i+1)}
			if i < 20 {
				extra = merge(extra, place{1 + i*2, 1, "front", true}.body(rack))
			}
			seed.device(t, unit, p("qb-%02d", i), extra)
		}
		store, n := countingStore(t, db.Store, db.URL)
		c := *seed // the same admin's token, on an app over the counted pool
		c.cfg = testConfig(store)
		c.app, c.store = web.New(c.cfg), store
		counts := map[string]int64{}
		for _, path := range []string{"/devices?limit=5", "/devices?limit=5", "/devices?limit=200", "/devices?limit=200&sort=-unit&q=qb",
			p("/devices?unit_id=%d&rack_id=%d&poll_status=never&drift=false&kind=server&status=planned&sort=placement", unit, rack)} {
			n.Store(0)
			r := c.openPage(t, path)
			if r.status != 200 {
				t.Fatalf("%s: %d %.300s", path, r.status, r.raw)
			}
			counts[path] = n.Load()
			if n.Load() > 6 {
				t.Errorf("%s ran %d statements, the budget is 6", path, n.Load())
			}
		}
		if counts["/devices?limit=5"] != counts["/devices?limit=200"] {
			t.Errorf("the page size changes the statements: %v", counts)
		}
		t.Logf("%s: statements per device list page: %v", db.Name, counts)
	})
}

// TestDeviceListPageWeight: the device list page with 200 rows and the
// assets it loads is under 150 KB gzipped.
func TestDeviceListPageWeight(t *testing.T) {
	t.Parallel()
	c := newClient(t, testConfig(dbtest.SQLite(t).Store), "sqlite")
	unit := c.unit(t, "PW")
	for i := range 200 {
		c.device(t, unit, p("服务器-政务云-%03d", i), obj{"serial": p("2102311YJM10P4%06d", i), "manufacturer": "华为", "model": "RH2288H V5"})
	}
	r := c.openPage(t, "/devices?limit=200")
	if r.status != 200 || strings.Count(string(r.raw), `name="ids"`) != 200 {
		t.Fatalf("status %d, %d rows", r.status, strings.Count(string(r.raw), `name="ids"`))
	}
	total := gzipped(t, r.raw)
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(string(r.raw), -1) {
		req := httptest.NewRequest("GET", m[1], nil)
		a := c.sendUnchecked(t, req)
		if a.status != 200 {
			t.Fatalf("%s: %d", m[1], a.status)
		}
		total += gzipped(t, a.raw)
	}
	t.Logf("device list page (200 rows) with its assets: %d bytes gzipped", total)
	if total > 150*1024 {
		t.Errorf("%d bytes gzipped, the budget is 150 KB", total)
	}
}

func gzipped(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
