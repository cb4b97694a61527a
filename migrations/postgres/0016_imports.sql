-- Spreadsheet imports (POST /api/v1/imports): the previewed file, kept until
-- it is applied or expires an hour later, so any serve process can apply it.
-- fingerprint is what the touched tables looked like at the preview; the
-- apply is refused when it no longer matches.
CREATE TABLE imports (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    user_id     BIGINT,
    lang        TEXT NOT NULL,
    file        BYTEA NOT NULL,
    fingerprint TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    applied_at  TIMESTAMPTZ
);
CREATE INDEX imports_expires_idx ON imports (expires_at);
