-- Spreadsheet imports (POST /api/v1/imports): the previewed file, kept until
-- it is applied or expires an hour later, so any serve process can apply it.
-- fingerprint is what the touched tables looked like at the preview; the
-- apply is refused when it no longer matches.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    user_id     INTEGER,
    lang        TEXT NOT NULL,
    file        BLOB NOT NULL,
    fingerprint TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    applied_at  TIMESTAMP
);
CREATE INDEX imports_expires_idx ON imports (expires_at);
