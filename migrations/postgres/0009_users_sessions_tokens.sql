-- Who may sign in: users with a role (and a unit for unit staff), their
-- sessions (only a hash of each session's secret) and their API tokens (only
-- an HMAC of each token's secret under the server's pepper).

CREATE TABLE users (
    id                   BIGSERIAL PRIMARY KEY,
    username             TEXT NOT NULL,
    display_name         TEXT NOT NULL DEFAULT '',
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'planner',
                                                      'reviewer', 'unit_staff', 'auditor')),
    unit_id              BIGINT REFERENCES units (id),
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    first_failed_at      TIMESTAMPTZ,
    locked_until         TIMESTAMPTZ,
    last_login_at        TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    CONSTRAINT users_unit_staff_unit CHECK (role <> 'unit_staff' OR unit_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE INDEX users_unit_id_idx ON users (unit_id);

CREATE TABLE sessions (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_hash  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id            BIGSERIAL PRIMARY KEY,
    key           TEXT NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_hash   TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    write_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    allowed_ips   TEXT NOT NULL DEFAULT '',
    expires_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    CONSTRAINT api_tokens_key_key UNIQUE (key)
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

-- Sign-ins, failed sign-ins, lockouts and sign-outs are audit rows too
-- (entity 'session').
ALTER TABLE audit DROP CONSTRAINT audit_action_check;
ALTER TABLE audit ADD CONSTRAINT audit_action_check CHECK (action IN ('create', 'update', 'delete',
    'sign_in', 'sign_in_failed', 'lockout', 'sign_out'));
