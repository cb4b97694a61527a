-- Policy findings and the record of each check run (Art. 3, 5, 10, 13, 16).

-- One row per (rule, subject, key) ever flagged. A finding that no longer
-- holds is resolved, never deleted; if it holds again it reopens.
CREATE TABLE findings (
    id           BIGSERIAL PRIMARY KEY,
    rule         TEXT NOT NULL,
    article      TEXT NOT NULL,
    severity     TEXT NOT NULL CHECK (severity IN ('high', 'medium', 'low', 'info')),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('unit', 'room', 'rack', 'device',
                     'line', 'project')),
    subject_id   BIGINT NOT NULL,
    -- Tells apart several findings of one rule on one subject (e.g. the
    -- a/z ends of duplicate lines); '' when there is one.
    subject_key  TEXT NOT NULL DEFAULT '',
    unit_id      BIGINT REFERENCES units (id) ON DELETE SET NULL,
    params       JSONB NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'exempted', 'resolved')),
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    resolved_at  TIMESTAMPTZ,
    -- The exemption, if any (Art. 5: confidentiality rules).
    exemption_reason     TEXT,
    exemption_basis      TEXT CHECK (exemption_basis IN ('classified', 'other')),
    exemption_expires_on DATE,
    exempted_by          TEXT,
    exempted_at          TIMESTAMPTZ,
    CONSTRAINT findings_subject_key UNIQUE (rule, subject_type, subject_id, subject_key)
);
CREATE INDEX findings_status_idx ON findings (status, severity);
CREATE INDEX findings_unit_id_idx ON findings (unit_id);

CREATE TABLE checks (
    id       BIGSERIAL PRIMARY KEY,
    started  TIMESTAMPTZ NOT NULL,
    finished TIMESTAMPTZ,
    actor    TEXT NOT NULL DEFAULT '',
    opened   INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    open     INTEGER NOT NULL DEFAULT 0,
    error    TEXT NOT NULL DEFAULT ''
);
