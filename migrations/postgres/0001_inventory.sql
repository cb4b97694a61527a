-- Foundation schema: units, rooms, racks, devices, lines (with history),
-- projects, SNMP profiles and the audit log.

CREATE TABLE units (
    id   BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'department'
         CHECK (kind IN ('department', 'county', 'park', 'other')),
    CONSTRAINT units_code_key UNIQUE (code)
);

CREATE TABLE rooms (
    id      BIGSERIAL PRIMARY KEY,
    name    TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    kind    TEXT NOT NULL CHECK (kind IN ('central', 'unit')),
    status  TEXT NOT NULL DEFAULT 'active'
            CHECK (status IN ('planned', 'active', 'retired')),
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rooms_unit_id_idx ON rooms (unit_id);

CREATE TABLE racks (
    id       BIGSERIAL PRIMARY KEY,
    room_id  BIGINT NOT NULL REFERENCES rooms (id),
    name     TEXT NOT NULL,
    u_height INTEGER NOT NULL DEFAULT 42 CHECK (u_height BETWEEN 1 AND 60),
    CONSTRAINT racks_room_name_key UNIQUE (room_id, name)
);

CREATE TABLE snmp_profiles (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    version         TEXT NOT NULL CHECK (version IN ('2c', '3')),
    community       TEXT NOT NULL DEFAULT '',
    username        TEXT NOT NULL DEFAULT '',
    auth_protocol   TEXT NOT NULL DEFAULT ''
                    CHECK (auth_protocol IN ('', 'SHA', 'SHA-256')),
    auth_passphrase TEXT NOT NULL DEFAULT '',
    priv_protocol   TEXT NOT NULL DEFAULT ''
                    CHECK (priv_protocol IN ('', 'AES')),
    priv_passphrase TEXT NOT NULL DEFAULT '',
    port            INTEGER NOT NULL DEFAULT 161 CHECK (port BETWEEN 1 AND 65535),
    timeout_ms      INTEGER NOT NULL DEFAULT 2000 CHECK (timeout_ms > 0),
    retries         INTEGER NOT NULL DEFAULT 1 CHECK (retries >= 0),
    max_repetitions INTEGER NOT NULL DEFAULT 25 CHECK (max_repetitions > 0),
    CONSTRAINT snmp_profiles_name_key UNIQUE (name)
);

CREATE TABLE projects (
    id             BIGSERIAL PRIMARY KEY,
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    lead_unit_id   BIGINT NOT NULL REFERENCES units (id),
    category       TEXT NOT NULL CHECK (category IN ('network_room', 'application',
                       'information_resources', 'security', 'terminal_equipment')),
    funding_source TEXT NOT NULL CHECK (funding_source IN ('higher_level', 'prefecture', 'self')),
    classified     BOOLEAN NOT NULL DEFAULT FALSE,
    plan_year      INTEGER NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
    budget         NUMERIC(16, 2) NOT NULL DEFAULT 0 CHECK (budget >= 0),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted',
                       'approved', 'spec_reviewed', 'procuring', 'implementing', 'trial_run',
                       'acceptance_requested', 'accepted', 'settled', 'rejected',
                       'acceptance_failed')),
    CONSTRAINT projects_code_key UNIQUE (code)
);
CREATE INDEX projects_lead_unit_id_idx ON projects (lead_unit_id);

-- Participating units of a project (the lead unit is on the project row).
CREATE TABLE project_units (
    project_id BIGINT NOT NULL REFERENCES projects (id),
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (project_id, unit_id)
);
CREATE INDEX project_units_unit_id_idx ON project_units (unit_id);

CREATE TABLE devices (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('server', 'switch', 'router', 'firewall',
                        'storage', 'security', 'other')),
    manufacturer    TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    serial          TEXT,
    asset_tag       TEXT,
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    project_id      BIGINT REFERENCES projects (id),
    rack_id         BIGINT REFERENCES racks (id),
    position        INTEGER CHECK (position >= 1),
    u_height        INTEGER NOT NULL DEFAULT 1 CHECK (u_height BETWEEN 1 AND 60),
    face            TEXT NOT NULL DEFAULT 'front' CHECK (face IN ('front', 'rear')),
    full_depth      BOOLEAN NOT NULL DEFAULT TRUE,
    status          TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'staged',
                        'active', 'offline', 'decommissioned')),
    mgmt_ip         TEXT,
    snmp_profile_id BIGINT REFERENCES snmp_profiles (id),
    purchase_price  NUMERIC(16, 2) CHECK (purchase_price >= 0),
    cpu_cores       INTEGER CHECK (cpu_cores >= 0),
    memory_gb       INTEGER CHECK (memory_gb >= 0),
    storage_gb      INTEGER CHECK (storage_gb >= 0),
    ports           INTEGER CHECK (ports >= 0),
    CONSTRAINT devices_placement_check CHECK ((rack_id IS NULL) = (position IS NULL)),
    CONSTRAINT devices_serial_key UNIQUE (manufacturer, serial),
    CONSTRAINT devices_asset_tag_key UNIQUE (asset_tag)
);
CREATE INDEX devices_rack_id_idx ON devices (rack_id, position);
CREATE INDEX devices_unit_id_idx ON devices (unit_id);
CREATE INDEX devices_project_id_idx ON devices (project_id);
CREATE INDEX devices_snmp_profile_id_idx ON devices (snmp_profile_id);
CREATE INDEX devices_status_idx ON devices (status);
CREATE INDEX devices_kind_idx ON devices (kind);

CREATE TABLE lines (
    id             BIGSERIAL PRIMARY KEY,
    carrier        TEXT NOT NULL,
    circuit_id     TEXT NOT NULL,
    unit_id        BIGINT NOT NULL REFERENCES units (id),
    project_id     BIGINT REFERENCES projects (id),
    a_end          TEXT NOT NULL,
    z_end          TEXT NOT NULL,
    bandwidth_mbps INTEGER NOT NULL CHECK (bandwidth_mbps > 0),
    monthly_fee    NUMERIC(16, 2) NOT NULL DEFAULT 0 CHECK (monthly_fee >= 0),
    platform       TEXT NOT NULL CHECK (platform IN ('intranet', 'extranet', 'private')),
    status         TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('requested', 'active', 'terminated')),
    start_date     DATE,
    end_date       DATE,
    CONSTRAINT lines_circuit_key UNIQUE (carrier, circuit_id)
);
CREATE INDEX lines_unit_id_idx ON lines (unit_id);
CREATE INDEX lines_project_id_idx ON lines (project_id);

-- One row per state of a line's bandwidth and platform: written when the line
-- is created and again whenever either changes.
CREATE TABLE line_history (
    id             BIGSERIAL PRIMARY KEY,
    line_id        BIGINT NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
    at             TIMESTAMPTZ NOT NULL,
    bandwidth_mbps INTEGER NOT NULL,
    platform       TEXT NOT NULL
);
CREATE INDEX line_history_line_id_idx ON line_history (line_id, id);

CREATE TABLE audit (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    entity    TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    before    JSONB,
    after     JSONB
);
CREATE INDEX audit_entity_idx ON audit (entity, entity_id, id);
