-- Rectification orders (Art. 12, 15, 18) and notices of criticism (Art. 18).

-- An order to rectify within a deadline (限期整改). Its subject is a project
-- or a unit; unit_id is the unit that answers it (the project's lead unit).
-- state is what was last done; "overdue" is derived from due_on and the
-- business day. closed_on is the business day the office closed it.
CREATE TABLE rectifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_type  TEXT NOT NULL CHECK (subject_type IN ('project', 'unit')),
    subject_id    INTEGER NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units (id),
    project_id    INTEGER REFERENCES projects (id),
    evaluation_id INTEGER REFERENCES evaluations (id),
    problem       TEXT NOT NULL,
    action        TEXT NOT NULL,
    issued_on     DATE NOT NULL,
    due_on        DATE NOT NULL,
    state         TEXT NOT NULL DEFAULT 'open'
                  CHECK (state IN ('open', 'responded', 'reopened', 'closed')),
    closed_on     DATE,
    issued_by     TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    CHECK (due_on > issued_on),
    CHECK ((subject_type = 'project') = (project_id IS NOT NULL))
);
CREATE INDEX rectifications_unit_idx ON rectifications (unit_id, state, due_on);
CREATE INDEX rectifications_project_idx ON rectifications (project_id);

CREATE TABLE rectification_findings (
    rectification_id INTEGER NOT NULL REFERENCES rectifications (id) ON DELETE CASCADE,
    finding_id       INTEGER NOT NULL REFERENCES findings (id),
    PRIMARY KEY (rectification_id, finding_id)
);

-- The exchange: issue, the unit's responses, the office's refusals and the
-- close, in order. documents are ids of project documents, as JSON.
CREATE TABLE rectification_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    rectification_id INTEGER NOT NULL REFERENCES rectifications (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('issue', 'response', 'refuse', 'close')),
    date             DATE NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    documents        TEXT NOT NULL DEFAULT '[]',
    at               TIMESTAMP NOT NULL,
    actor            TEXT NOT NULL
);
CREATE INDEX rectification_events_order_idx ON rectification_events (rectification_id, id);

-- A notice of criticism (通报批评): drafted, published, withdrawn; never
-- edited once published.
CREATE TABLE notices (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    title             TEXT NOT NULL,
    number            TEXT NOT NULL,
    body              TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'published', 'withdrawn')),
    published_on      DATE,
    published_by      TEXT,
    withdrawn_at      TIMESTAMP,
    withdrawn_by      TEXT,
    withdrawal_reason TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    created_by        TEXT NOT NULL
);
CREATE UNIQUE INDEX notices_number_key ON notices (number) WHERE number <> '';

CREATE TABLE notice_units (
    notice_id INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (notice_id, unit_id)
);

CREATE TABLE notice_rectifications (
    notice_id        INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    rectification_id INTEGER NOT NULL REFERENCES rectifications (id),
    PRIMARY KEY (notice_id, rectification_id)
);

CREATE TABLE notice_findings (
    notice_id  INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    finding_id INTEGER NOT NULL REFERENCES findings (id),
    PRIMARY KEY (notice_id, finding_id)
);
