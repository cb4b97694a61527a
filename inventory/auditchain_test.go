package inventory_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// seedAudit makes a few audit rows of several kinds: creates, an update with
// decimal and nested values (which jsonb rewrites), a delete.
func seedAudit(t *testing.T, s *inventory.Store) *fixture {
	t.Helper()
	f := newFixture(t, s) // 3 rows
	in := f.device("db-01", 10)
	in.Specs.MemoryGB, in.Specs.CPUCores = ptr(512), ptr(64)
	in.Model = `<机柜> "A" & B`
	d, err := s.CreateDevice(f.ctx, in)
	noErr(t, err)
	_, err = s.UpdateDevice(f.ctx, d.ID, func(in *inventory.DeviceInput) error { in.Position = ptr(20); return nil })
	noErr(t, err)
	other, err := s.CreateUnit(f.ctx, inventory.UnitInput{Code: "DEL1", Name: "to delete", Kind: "county"})
	noErr(t, err)
	noErr(t, s.DeleteUnit(f.ctx, other.ID))
	return f // 7 rows
}

func verify(t *testing.T, s *inventory.Store) inventory.AuditVerification {
	t.Helper()
	v, err := s.VerifyAudit(context.Background(), "en")
	noErr(t, err)
	return v
}

func auditIDs(t *testing.T, db dbtest.DB) []int64 {
	t.Helper()
	var ids []int64
	noErr(t, db.Store.DB().Select(&ids, `SELECT id FROM audit ORDER BY id`))
	return ids
}

func TestAuditRowsNameTheCaller(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s := db.Store
		ctx := inventory.WithCaller(context.Background(), inventory.Caller{Name: "wang.fang", Role: inventory.RoleOperator,
			TokenKey: "k3y9", IP: "10.20.30.40", RequestID: "req-7f3a"})
		u, err := s.CreateUnit(ctx, inventory.UnitInput{Code: "QX", Name: "财政局", Kind: "department"})
		noErr(t, err)
		cli, err := s.CreateUnit(inventory.WithActor(context.Background(), "cli:root"), inventory.UnitInput{Code: "QY", Name: "x", Kind: "county"})
		noErr(t, err)
		items, total, err := s.Audit(ctx, inventory.ListParams{Filters: map[string]string{"request_id": "req-7f3a"}})
		noErr(t, err)
		if total != 1 {
			t.Fatalf("want the one row of request req-7f3a, got %d", total)
		}
		a := items[0]
		if a.Actor != "wang.fang" || a.TokenKey != "k3y9" || a.IP != "10.20.30.40" || a.EntityID != u.ID {
			t.Fatalf("the row does not name the caller: %+v", a)
		}
		items, _, err = s.Audit(ctx, inventory.ListParams{})
		noErr(t, err)
		last := items[0]
		if last.EntityID != cli.ID || last.Actor != "cli:root" || last.TokenKey != "" || last.IP != "" {
			t.Fatalf("the CLI's row: %+v", last)
		}
		if a.Hash == nil || a.PrevHash == nil || last.PrevHash == nil || *last.PrevHash != *a.Hash || *a.PrevHash != "" {
			t.Fatalf("rows not linked: first %v/%v, second %v", a.PrevHash, a.Hash, last.PrevHash)
		}
	})
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string // SQL; %d is the id of the 4th row
		problem string
		badRow  func(ids []int64) int64
	}{
		{"intact", "", "", nil},
		{"actor changed", `UPDATE audit SET actor = 'mallory' WHERE id = %d`, inventory.AuditChanged,
			func(ids []int64) int64 { return ids[3] }},
		{"after changed", `UPDATE audit SET after = '{"name":"x"}' WHERE id = %d`, inventory.AuditChanged,
			func(ids []int64) int64 { return ids[3] }},
		{"time changed", `UPDATE audit SET at = at - INTERVAL '1 day' WHERE id = %d`, inventory.AuditChanged,
			func(ids []int64) int64 { return ids[3] }},
		{"row deleted", `DELETE FROM audit WHERE id = %d`, inventory.AuditRemoved,
			func(ids []int64) int64 { return ids[3] }},
		{"first row deleted", `DELETE FROM audit WHERE id = (SELECT MIN(id) FROM audit) AND %d > 0`, inventory.AuditRemoved,
			func(ids []int64) int64 { return ids[0] }},
		{"row inserted without a hash", `INSERT INTO audit (at, actor, action, entity, entity_id)
			SELECT at, 'mallory', 'delete', 'device', %d FROM audit WHERE id = 1`, inventory.AuditUnchained,
			func(ids []int64) int64 { return ids[len(ids)-1] + 1 }},
		{"row replayed at the end", `INSERT INTO audit (at, actor, token_key, ip, request_id, action, entity, entity_id, before, after, prev_hash, hash)
			SELECT at, actor, token_key, ip, request_id, action, entity, entity_id, before, after, prev_hash, hash
			FROM audit WHERE id = %d`, inventory.AuditOutOfOrder,
			func(ids []int64) int64 { return ids[len(ids)-1] + 1 }},
	}
	dbtest.Each(t, func(t *testing.T, outer dbtest.DB) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				db := dbtest.Dialect(t, outer.Name) // a fresh database for each case
				seedAudit(t, db.Store)
				if v := verify(t, db.Store); !v.OK || v.Checked != 7 || v.HeadHash == "" {
					t.Fatalf("before tampering: %+v", v)
				}
				if tc.tamper == "" {
					return
				}
				ids := auditIDs(t, db)
				tamper := tc.tamper
				if db.Name == inventory.SQLite {
					tamper = strings.ReplaceAll(tamper, "at - INTERVAL '1 day'", "datetime(at, '-1 day')")
				}
				_, err := db.Store.DB().Exec(fmt.Sprintf(tamper, ids[3]))
				noErr(t, err)
				v := verify(t, db.Store)
				if v.OK || v.Problem != tc.problem || v.FirstBadID == nil || *v.FirstBadID != tc.badRow(ids) {
					t.Fatalf("want %s at row %d, got %+v (first bad %v)", tc.problem, tc.badRow(ids), v, deref(v.FirstBadID))
				}
				if !strings.Contains(v.Reason, fmt.Sprint(*v.FirstBadID)) {
					t.Errorf("the reason does not name the row: %q", v.Reason)
				}
				// Writing goes on, and the break stays where it was.
				_, err = db.Store.CreateUnit(context.Background(), inventory.UnitInput{Code: "AFTER", Name: "after", Kind: "county"})
				noErr(t, err)
				if v2 := verify(t, db.Store); v2.OK || *v2.FirstBadID != *v.FirstBadID {
					t.Fatalf("after another write: %+v, want still broken at %d", v2, *v.FirstBadID)
				}
			})
		}
	})
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// Twenty writers at once leave one chain: every row follows exactly one
// other, and the whole chain verifies.
func TestAuditChainConcurrentWriters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s := db.Store
		const writers, each = 20, 3
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := inventory.WithActor(context.Background(), fmt.Sprintf("writer-%d", w))
				for i := range each {
					_, err := s.CreateUnit(ctx, inventory.UnitInput{Code: fmt.Sprintf("W%d-%d", w, i), Name: "并发", Kind: "county"})
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			noErr(t, err)
		}
		v := verify(t, s)
		if !v.OK || v.Checked != writers*each {
			t.Fatalf("want an intact chain of %d rows, got %+v", writers*each, v)
		}
		var forks int
		noErr(t, s.DB().Get(&forks, `SELECT COUNT(*) FROM (SELECT prev_hash FROM audit GROUP BY prev_hash HAVING COUNT(*) > 1) f`))
		if forks != 0 {
			t.Fatalf("%d hashes are followed by more than one row: the chain forked", forks)
		}
	})
}

// Rows written before the chain existed are chained once, in id order; a
// row without a hash that comes after the chain started is left for verify.
func TestChainAuditLegacyRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		s, ctx := db.Store, context.Background()
		for i := range 3 {
			_, err := s.DB().Exec(s.DB().Rebind(`INSERT INTO audit (at, actor, action, entity, entity_id, before, after)
				VALUES (CURRENT_TIMESTAMP, 'api', 'create', 'unit', ?, NULL, ?)`), i+1, fmt.Sprintf(`{"id": %d, "budget": 1.50}`, i+1))
			noErr(t, err)
		}
		n, err := s.ChainAudit(ctx)
		noErr(t, err)
		if n != 3 {
			t.Fatalf("chained %d rows, want 3", n)
		}
		if n, err = s.ChainAudit(ctx); err != nil || n != 0 {
			t.Fatalf("a second run chained %d rows (%v), want none", n, err)
		}
		_, err = s.CreateUnit(ctx, inventory.UnitInput{Code: "NEW", Name: "new", Kind: "county"})
		noErr(t, err)
		if v := verify(t, s); !v.OK || v.Checked != 4 {
			t.Fatalf("want the legacy rows and the new one intact, got %+v", v)
		}
		_, err = s.DB().Exec(`INSERT INTO audit (at, actor, action, entity, entity_id) VALUES (CURRENT_TIMESTAMP, 'x', 'delete', 'unit', 1)`)
		noErr(t, err)
		if n, err = s.ChainAudit(ctx); err != nil || n != 0 {
			t.Fatalf("a row added outside hostroll was chained (%d, %v)", n, err)
		}
		if v := verify(t, s); v.OK || v.Problem != inventory.AuditUnchained {
			t.Fatalf("want the added row reported, got %+v", v)
		}
	})
}

func TestAuditVerifyMessages(t *testing.T) {
	db := dbtest.SQLite(t)
	seedAudit(t, db.Store)
	_, err := db.Store.DB().Exec(`UPDATE audit SET actor = 'x' WHERE id = 2`)
	noErr(t, err)
	zh, err := db.Store.VerifyAudit(context.Background(), "zh")
	noErr(t, err)
	if !strings.Contains(zh.Reason, "第 2 条审计记录") {
		t.Errorf("the Chinese reason: %q", zh.Reason)
	}
	if en := verify(t, db.Store); !strings.Contains(en.Reason, "audit row 2 was changed") {
		t.Errorf("the English reason: %q", en.Reason)
	}
}
