-- Users may come from the office's directory (LDAP): source 'ldap' users are
-- created and updated at each sign-in, have no local password (an empty
-- password_hash, which no password matches) and keep their directory DN.
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'ldap'));
ALTER TABLE users ADD COLUMN directory_dn TEXT NOT NULL DEFAULT '';
