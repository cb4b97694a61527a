-- Procurement (Art. 9) and settlement (Art. 14, 18).
--
-- A project's procurement record: how it procured (tender or government
-- procurement method), from whom, under which contract and for how much. The
-- step procuring -> implementing requires it, with the contract filed as a
-- document (type procurement_contract) and, for a single-source procurement,
-- the justification (type single_source_justification).
CREATE TABLE project_procurements (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id         INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    method             TEXT NOT NULL CHECK (method IN ('public_tender', 'invited_tender',
                           'competitive_negotiation', 'competitive_consultation',
                           'single_source', 'inquiry', 'framework')),
    procurement_number TEXT NOT NULL DEFAULT '',
    supplier           TEXT NOT NULL CHECK (supplier <> ''),
    contract_number    TEXT NOT NULL CHECK (contract_number <> ''),
    contract_amount    REAL NOT NULL CHECK (contract_amount >= 0),
    contract_date      DATE NOT NULL,
    recorded_at        TIMESTAMP NOT NULL,
    recorded_by        TEXT NOT NULL,
    CONSTRAINT project_procurements_project_key UNIQUE (project_id)
);

-- The audited settlement amount, recorded by the step to settled.
ALTER TABLE projects ADD COLUMN settlement_amount REAL CHECK (settlement_amount >= 0);

-- The two new document types. SQLite cannot change a CHECK constraint in
-- place, and the usual copy-drop-rename of project_documents would run the
-- drop's implicit DELETE against the tables that refer to it (amendments
-- refer to their documents ON DELETE RESTRICT; foreign keys cannot be turned
-- off inside the migration's transaction). A wider CHECK accepts every row
-- the narrower one did, so the table's definition is edited in place, the
-- procedure SQLite documents for loosening a CHECK
-- (https://www.sqlite.org/lang_altertable.html, "otheralter"): RESET makes
-- this connection re-read the schema, and re-creating the index moves the
-- schema version on, so every other connection re-reads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''settlement_audit'', ''other'')',
                     '''settlement_audit'', ''procurement_contract'', ''single_source_justification'', ''other'')')
 WHERE type = 'table' AND name = 'project_documents';
PRAGMA writable_schema = RESET;
DROP INDEX project_documents_project_idx;
CREATE INDEX project_documents_project_idx ON project_documents (project_id, type);
