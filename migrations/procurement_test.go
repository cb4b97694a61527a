package migrations

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite"
)

// TestProcurementWidensDocumentTypes upgrades a SQLite database that already
// has documents, one of them referred to ON DELETE RESTRICT (as amendments
// refer to theirs), to 0011: the documents and the reference survive, and
// every pooled connection, the migrating one too, accepts the new document
// types and still refuses an unknown one.
func TestProcurementWidensDocumentTypes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "upgrade.db")
	db, err := sqlx.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(4)
	ms, err := List("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var older []Migration
	for _, m := range ms {
		if m.Version < 11 {
			older = append(older, m)
		}
	}
	if _, err := applyAll(ctx, conn, older); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	for _, q := range []string{
		`INSERT INTO units (id, code, name) VALUES (1, 'ZW', '州电子政务办')`,
		`INSERT INTO projects (id, code, name, lead_unit_id, category, funding_source, plan_year)
			VALUES (1, 'P-1', '项目', 1, 'application', 'self', 2025)`,
		`INSERT INTO project_documents (id, project_id, type, title, filename, content_type, size, sha256, content, uploaded_at)
			VALUES (7, 1, 'settlement_audit', '结算审计', 'a.pdf', 'application/pdf', 1, 'x', X'25', '2025-01-01 00:00:00')`,
		`CREATE TABLE doc_refs (id INTEGER PRIMARY KEY, document_id INTEGER REFERENCES project_documents (id) ON DELETE RESTRICT)`,
		`INSERT INTO doc_refs VALUES (1, 7)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	warm := make([]*sqlx.Conn, 4) // connections that read the old schema
	for i := range warm {
		if warm[i], err = db.Connx(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := warm[i].GetContext(ctx, &n, `SELECT COUNT(*) FROM project_documents`); err != nil || n != 1 {
			t.Fatalf("documents before: %d, %v", n, err)
		}
	}
	for _, c := range warm {
		c.Close()
	}
	applied, err := Apply(ctx, db, "sqlite")
	if err != nil || len(applied) == 0 || applied[0] != 11 {
		t.Fatalf("applied %v, %v", applied, err)
	}
	conns := make([]*sqlx.Conn, 4) // every pooled connection, each its own
	for i := range conns {
		if conns[i], err = db.Connx(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range conns {
		for _, typ := range []string{"procurement_contract", "single_source_justification"} {
			_, err := c.ExecContext(ctx, `INSERT INTO project_documents (project_id, type, title, filename, content_type,
				size, sha256, content, uploaded_at) VALUES (1, ?, 't', 'a.pdf', 'application/pdf', 1, 'x', X'25', '2025-01-02')`, typ)
			if err != nil {
				t.Errorf("connection %d: %s refused: %v", i, typ, err)
			}
		}
		_, err = c.ExecContext(ctx, `INSERT INTO project_documents (project_id, type, title, filename, content_type,
			size, sha256, content, uploaded_at) VALUES (1, 'bogus', 't', 'a.pdf', 'application/pdf', 1, 'x', X'25', '2025-01-02')`)
		if err == nil {
			t.Errorf("connection %d: an unknown document type was accepted", i)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	var kept, refs int
	if err := db.GetContext(ctx, &kept, `SELECT COUNT(*) FROM project_documents WHERE id = 7 AND type = 'settlement_audit'`); err != nil || kept != 1 {
		t.Errorf("the old document: %d, %v", kept, err)
	}
	if err := db.GetContext(ctx, &refs, `SELECT COUNT(*) FROM doc_refs WHERE document_id = 7`); err != nil || refs != 1 {
		t.Errorf("the reference to it: %d, %v", refs, err)
	}
	var check string
	if err := db.GetContext(ctx, &check, `PRAGMA integrity_check`); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM project_documents WHERE id = 7`); err == nil {
		t.Error("the RESTRICT reference no longer holds")
	}
}
