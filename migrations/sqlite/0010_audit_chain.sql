-- The audit log names the caller's API token, address and request, and is a
-- hash chain: hash = SHA-256(prev_hash || the row's canonical JSON), computed
-- by the application (inventory/auditchain.go). Rows written before this
-- migration are chained by the Go step that runs right after it (Migrate).
ALTER TABLE audit ADD COLUMN token_key TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;

-- Secrets at rest are sealed under a key kept outside the database. This one
-- row, sealed under that key, tells a wrong key from the right one before any
-- secret is written or used.
CREATE TABLE secret_key_check (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    sealed      TEXT NOT NULL
);
