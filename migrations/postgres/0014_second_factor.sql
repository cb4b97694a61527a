-- The TOTP second factor (RFC 6238): one secret per user, sealed under the
-- secret key, confirmed with a first code; last_step is the time step of the
-- last code accepted, so no code is accepted twice. Recovery codes are kept
-- as SHA-256 hashes and used once. A session signed in with the password of a
-- user who has a second factor waits for the code (second_factor_pending).
CREATE TABLE user_totp (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    confirmed_at TIMESTAMPTZ,
    last_step    BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT user_totp_user_key UNIQUE (user_id)
);

CREATE TABLE user_recovery_codes (
    id        BIGSERIAL PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ
);
CREATE INDEX user_recovery_codes_user_id_idx ON user_recovery_codes (user_id);

ALTER TABLE sessions ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE;
