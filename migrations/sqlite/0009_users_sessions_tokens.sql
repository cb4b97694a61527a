-- Who may sign in: users with a role (and a unit for unit staff), their
-- sessions (only a hash of each session's secret) and their API tokens (only
-- an HMAC of each token's secret under the server's pepper).

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    username             TEXT NOT NULL,
    display_name         TEXT NOT NULL DEFAULT '',
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'planner',
                                                      'reviewer', 'unit_staff', 'auditor')),
    unit_id              INTEGER REFERENCES units (id),
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    first_failed_at      TIMESTAMP,
    locked_until         TIMESTAMP,
    last_login_at        TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    CONSTRAINT users_unit_staff_unit CHECK (role <> 'unit_staff' OR unit_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE INDEX users_unit_id_idx ON users (unit_id);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_hash  TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    key           TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_hash   TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    write_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    allowed_ips   TEXT NOT NULL DEFAULT '',
    expires_at    TIMESTAMP,
    last_used_at  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    CONSTRAINT api_tokens_key_key UNIQUE (key)
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

-- Sign-ins, failed sign-ins, lockouts and sign-outs are audit rows too
-- (entity 'session'). SQLite cannot change a CHECK constraint in place: the
-- table is copied into one with the wider check.
CREATE TABLE audit_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete',
                                              'sign_in', 'sign_in_failed', 'lockout', 'sign_out')),
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before    TEXT,
    after     TEXT
);
INSERT INTO audit_new (id, at, actor, action, entity, entity_id, before, after)
    SELECT id, at, actor, action, entity, entity_id, before, after FROM audit;
DROP TABLE audit;
ALTER TABLE audit_new RENAME TO audit;
CREATE INDEX audit_entity_idx ON audit (entity, entity_id, id);
