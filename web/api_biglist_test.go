package web_test

import (
	"context"
	"strings"
	"testing"

	"hostroll/web"
)

// TestBigListRefusedBeforeTheWriteLock: a maximal list is refused with the
// field named, and without taking the write lock: on SQLite another writer
// holds it the whole time, so a refusal that needed it could not happen.
func TestBigListRefusedBeforeTheWriteLock(t *testing.T) {
	t.Parallel()
	body := web.MaximalProjectBody()
	if len(body) > web.BodyLimit || strings.Count(body, ",") < 100_000 {
		t.Fatalf("body of %d bytes, %d ids: not the maximal body", len(body), strings.Count(body, ","))
	}
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "BIG")
		item := p("/api/v1/projects/%d", idOf(t, c.create(t, "/api/v1/projects", projectBody("BIG-1", unit))))
		audit := c.auditTotal(t)
		if c.dialect == "sqlite" {
			tx, err := c.store.DB().BeginTx(context.Background(), nil) // IMMEDIATE: the write lock
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`UPDATE units SET name = name WHERE id = ?`, unit); err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
		}
		for _, req := range [][2]string{{"POST", "/api/v1/projects"}, {"PATCH", item}} {
			d := wantErr(t, c.do(t, req[0], req[1], body), 400, "validation", "unit_ids")
			if !strings.Contains(fieldMsg(d, "unit_ids"), "1000") {
				t.Errorf("%s: unit_ids message %q does not give the cap", req[0], fieldMsg(d, "unit_ids"))
			}
		}
		if c.dialect != "sqlite" {
			if got := c.auditTotal(t); got != audit {
				t.Errorf("audit rows %d after refused writes, want %d", got, audit)
			}
		}
	})
}

// TestUnitIDsAtTheCap: 1,000 units, repeated and with the lead among them,
// are kept once each, sorted, without the lead.
func TestUnitIDsAtTheCap(t *testing.T) {
	t.Parallel()
	eachAPI(t, func(t *testing.T, c *client) {
		lead := c.unit(t, "CAP")
		other := c.unit(t, "CAP2")
		ids := make([]int64, 0, web.MaxListLen)
		for len(ids) < web.MaxListLen {
			ids = append(ids, other, lead)
		}
		got := c.create(t, "/api/v1/projects", merge(projectBody("CAP-1", lead), obj{"unit_ids": ids}))
		if u := unitIDs(t, got); len(u) != 1 || u[0] != other {
			t.Errorf("unit_ids = %v, want [%d]", u, other)
		}
		over := append(ids, other)
		wantErr(t, c.do(t, "POST", "/api/v1/projects", merge(projectBody("CAP-2", lead), obj{"unit_ids": over})), 400, "validation", "unit_ids")
	})
}
