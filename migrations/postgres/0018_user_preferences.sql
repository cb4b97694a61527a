-- A user's page settings (issue 11): e.g. the device list's columns. One row
-- per user and setting; the value is the page's own text (a column list).
CREATE TABLE user_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name    TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    value   TEXT NOT NULL CHECK (length(value) <= 2000),
    PRIMARY KEY (user_id, name)
);
