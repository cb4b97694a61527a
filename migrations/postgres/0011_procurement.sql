-- Procurement (Art. 9) and settlement (Art. 14, 18).
--
-- A project's procurement record: how it procured (tender or government
-- procurement method), from whom, under which contract and for how much. The
-- step procuring -> implementing requires it, with the contract filed as a
-- document (type procurement_contract) and, for a single-source procurement,
-- the justification (type single_source_justification).
CREATE TABLE project_procurements (
    id                 BIGSERIAL PRIMARY KEY,
    project_id         BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    method             TEXT NOT NULL CHECK (method IN ('public_tender', 'invited_tender',
                           'competitive_negotiation', 'competitive_consultation',
                           'single_source', 'inquiry', 'framework')),
    procurement_number TEXT NOT NULL DEFAULT '',
    supplier           TEXT NOT NULL CHECK (supplier <> ''),
    contract_number    TEXT NOT NULL CHECK (contract_number <> ''),
    contract_amount    NUMERIC(16, 2) NOT NULL CHECK (contract_amount >= 0),
    contract_date      DATE NOT NULL,
    recorded_at        TIMESTAMPTZ NOT NULL,
    recorded_by        TEXT NOT NULL,
    CONSTRAINT project_procurements_project_key UNIQUE (project_id)
);

-- The audited settlement amount, recorded by the step to settled.
ALTER TABLE projects ADD COLUMN settlement_amount NUMERIC(16, 2) CHECK (settlement_amount >= 0);

-- The two new document types.
ALTER TABLE project_documents DROP CONSTRAINT project_documents_type_check;
ALTER TABLE project_documents ADD CONSTRAINT project_documents_type_check CHECK (type IN (
    'project_plan', 'feasibility_study', 'preliminary_design', 'funding_estimate',
    'upward_application_copy', 'technical_plan', 'secrecy_filing', 'implementation_plan',
    'completion_report', 'supervision_report', 'trial_run_report', 'training_report',
    'test_report', 'joint_acceptance', 'settlement_audit', 'procurement_contract',
    'single_source_justification', 'other'));
