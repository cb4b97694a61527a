-- Project lifecycle (Art. 6-16): the approval number and supervision firm,
-- the history of transitions, documents, the approved technical spec with
-- its revisions, and evaluations.

ALTER TABLE projects ADD COLUMN approval_number TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN supervisor TEXT NOT NULL DEFAULT '';
-- The end of the trial run (Art. 13): acceptance is due within a grace period of it.
ALTER TABLE projects ADD COLUMN trial_run_end DATE;

-- One row per lifecycle step taken; date is the step's business date.
CREATE TABLE project_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    date        DATE NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL
);
CREATE INDEX project_history_project_idx ON project_history (project_id, id);

CREATE TABLE project_documents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (type IN ('project_plan', 'feasibility_study',
                     'preliminary_design', 'funding_estimate', 'upward_application_copy',
                     'technical_plan', 'secrecy_filing', 'implementation_plan',
                     'completion_report', 'supervision_report', 'trial_run_report',
                     'training_report', 'test_report', 'joint_acceptance',
                     'settlement_audit', 'other')),
    title        TEXT NOT NULL,
    number       TEXT NOT NULL DEFAULT '',
    date         DATE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX project_documents_project_idx ON project_documents (project_id, type);

-- The approved technical plan (Art. 8) is a sequence of revisions. The one
-- with status 'current' is in force; a 'proposed' one replaces it only when
-- a reviewer approves it, and the replaced one becomes 'superseded'.
CREATE TABLE spec_revisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('current', 'proposed', 'superseded',
                    'rejected')),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    reviewed_at TIMESTAMP,
    reviewed_by TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    CONSTRAINT spec_revisions_number_key UNIQUE (project_id, number)
);

CREATE TABLE spec_items (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    revision_id    INTEGER NOT NULL REFERENCES spec_revisions (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('server', 'switch', 'router', 'firewall',
                       'storage', 'security', 'other')),
    name           TEXT NOT NULL DEFAULT '',
    quantity       INTEGER NOT NULL CHECK (quantity >= 1),
    max_unit_price NUMERIC(16, 2) CHECK (max_unit_price >= 0),
    requirements   TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX spec_items_revision_idx ON spec_items (revision_id);
CREATE INDEX spec_items_project_idx ON spec_items (project_id);
-- At most one revision in force and one awaiting review per project.
CREATE UNIQUE INDEX spec_revisions_open_key ON spec_revisions (project_id, status)
    WHERE status IN ('current', 'proposed');

-- A device may be pinned to one spec item of its project.
ALTER TABLE devices ADD COLUMN spec_item_id INTEGER REFERENCES spec_items (id) ON DELETE SET NULL;
CREATE INDEX devices_spec_item_idx ON devices (spec_item_id);

CREATE TABLE evaluations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    date         DATE NOT NULL,
    meets_target BOOLEAN NOT NULL,
    problems     TEXT NOT NULL DEFAULT '',
    rectified    BOOLEAN NOT NULL DEFAULT FALSE,
    rectified_on DATE
);
CREATE INDEX evaluations_project_idx ON evaluations (project_id);
