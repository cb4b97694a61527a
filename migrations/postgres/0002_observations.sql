-- SNMP observations: what one poll of one device saw. Written by the
-- collector, read by the device API and the policy rules.

CREATE TABLE observations (
    id            BIGSERIAL PRIMARY KEY,
    device_id     BIGINT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    at            TIMESTAMPTZ NOT NULL,
    reachable     BOOLEAN NOT NULL,
    error         TEXT NOT NULL DEFAULT '',
    duration_ms   INTEGER NOT NULL DEFAULT 0,
    sys_name      TEXT NOT NULL DEFAULT '',
    sys_descr     TEXT NOT NULL DEFAULT '',
    sys_object_id TEXT NOT NULL DEFAULT '',
    engine_id     TEXT NOT NULL DEFAULT '',
    uptime_s      BIGINT,
    serial        TEXT NOT NULL DEFAULT '',
    model         TEXT NOT NULL DEFAULT '',
    manufacturer  TEXT NOT NULL DEFAULT '',
    cpu_count     INTEGER,
    memory_mb     BIGINT,
    storage_gb    BIGINT,
    interfaces    JSONB NOT NULL DEFAULT '[]'
);
-- Newest first per device: the API's list, the latest observation, pruning.
CREATE INDEX observations_device_idx ON observations (device_id, id);

-- The collector's bookkeeping per device: when it was last polled, and which
-- collector holds it (until lease_until) while it polls. Claims lock rows with
-- FOR UPDATE SKIP LOCKED so that several collectors share the work.
CREATE TABLE device_poll_state (
    device_id      BIGINT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    last_polled_at TIMESTAMPTZ,
    lease_holder   TEXT,
    lease_until    TIMESTAMPTZ
);
CREATE INDEX device_poll_state_due_idx ON device_poll_state (last_polled_at);
