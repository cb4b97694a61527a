-- The language a user chose for the pages ('' = none: the cookie, then the
-- browser's Accept-Language decide).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT ''
    CHECK (language IN ('', 'zh', 'en'));
