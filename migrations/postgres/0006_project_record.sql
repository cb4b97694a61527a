-- A record an auditor can trust (Art. 7, 8, 16, 17).
--
-- Each lifecycle step keeps the business day it was recorded on beside the
-- day it is dated; a step dated more than 7 days before it was recorded is
-- backdated (it needs a note, and the backdated-step rule lists it). Steps
-- recorded before this migration get their recorded day from their time
-- stamp (UTC+8, the prefecture's business time zone).
ALTER TABLE project_history ADD COLUMN recorded_on DATE;
ALTER TABLE project_history ADD COLUMN backdated BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE project_history SET recorded_on = ((at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date;
UPDATE project_history SET backdated = TRUE WHERE date < recorded_on - 7;
ALTER TABLE project_history ALTER COLUMN recorded_on SET NOT NULL;

-- From approval on, the lead unit, participating units, budget, name and
-- category of a project change only by an amendment: the value before and
-- after (JSON), why, and optionally the document that decided it. An
-- amendment is in force from the business day it is recorded.
CREATE TABLE project_amendments (
    id          BIGSERIAL PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    field       TEXT NOT NULL CHECK (field IN ('lead_unit_id', 'unit_ids', 'budget', 'name', 'category')),
    old_value   TEXT NOT NULL,
    new_value   TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason <> ''),
    document_id BIGINT REFERENCES project_documents (id) ON DELETE RESTRICT,
    status      TEXT NOT NULL,
    recorded_on DATE NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL
);
CREATE INDEX project_amendments_project_idx ON project_amendments (project_id, id);
