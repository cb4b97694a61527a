-- Policy findings and the record of each check run (Art. 3, 5, 10, 13, 16).

-- One row per (rule, subject, key) ever flagged. A finding that no longer
-- holds is resolved, never deleted; if it holds again it reopens. A run that
-- finds a finding still holding with the same facts leaves its row alone, so
-- a second run over unchanged data writes no finding rows.
CREATE TABLE findings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    rule         TEXT NOT NULL,
    -- The articles the rule enforces, e.g. '5' or '10,13'; '' for none.
    article      TEXT NOT NULL DEFAULT '',
    severity     TEXT NOT NULL CHECK (severity IN ('high', 'medium', 'low', 'info')),
    subject_type TEXT NOT NULL CHECK (subject_type IN ('unit', 'room', 'rack', 'device',
                     'line', 'project')),
    subject_id   INTEGER NOT NULL,
    -- Tells apart several findings of one rule on one subject (e.g. the
    -- a/z ends of duplicate lines); '' when there is one.
    subject_key  TEXT NOT NULL DEFAULT '',
    unit_id      INTEGER REFERENCES units (id) ON DELETE SET NULL,
    -- A digest of severity, unit and params as last written: a run rewrites
    -- the row only when it differs.
    fingerprint  TEXT NOT NULL DEFAULT '',
    params       TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'exempted', 'resolved')),
    first_seen   TIMESTAMP NOT NULL,
    resolved_at  TIMESTAMP,
    -- The exemption, if any (Art. 5: confidentiality rules).
    exemption_reason     TEXT,
    exemption_basis      TEXT CHECK (exemption_basis IN ('classified', 'other')),
    exemption_expires_on DATE,
    exempted_by          TEXT,
    exempted_at          TIMESTAMP,
    CONSTRAINT findings_subject_key UNIQUE (rule, subject_type, subject_id, subject_key),
    CONSTRAINT findings_exemption_check CHECK (status <> 'exempted' OR exemption_reason IS NOT NULL)
);
CREATE INDEX findings_status_idx ON findings (status, severity);
CREATE INDEX findings_unit_id_idx ON findings (unit_id);
CREATE INDEX findings_subject_idx ON findings (subject_type, subject_id);

-- One row per run of the engine.
CREATE TABLE checks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    started    TIMESTAMP NOT NULL,
    finished   TIMESTAMP NOT NULL,
    actor      TEXT NOT NULL DEFAULT '',
    rules      INTEGER NOT NULL DEFAULT 0,
    opened     INTEGER NOT NULL DEFAULT 0,
    still_open INTEGER NOT NULL DEFAULT 0,
    resolved   INTEGER NOT NULL DEFAULT 0,
    open       INTEGER NOT NULL DEFAULT 0,
    exempted   INTEGER NOT NULL DEFAULT 0,
    written    INTEGER NOT NULL DEFAULT 0
);
