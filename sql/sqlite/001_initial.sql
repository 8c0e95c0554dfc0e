-- 001_initial.sql (SQLite): organisations, accounts, sessions, login throttling, audit log.
-- Same tables and constraints as sql/postgresql/001_initial.sql. Tables are STRICT so a
-- column only ever holds its declared type. Lengths are checked in bytes (CAST AS BLOB)
-- against the fixed-size fields of store.h: STORE_*_MAX minus the terminating NUL.
-- Booleans are INTEGER 0/1; times are unix seconds (audit: milliseconds).

CREATE TABLE orgs (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE CHECK (length(CAST(email AS BLOB)) BETWEEN 1 AND 254),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) <= 200),
	password_hash TEXT NOT NULL CHECK (length(CAST(password_hash AS BLOB)) <= 128),
	lang TEXT NOT NULL CHECK (length(CAST(lang AS BLOB)) <= 7),
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE memberships (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'therapist', 'auditor')),
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	PRIMARY KEY (user_id, org_id)
) STRICT;
-- user_list(org) walks the memberships of one organisation.
CREATE INDEX memberships_org ON memberships (org_id, user_id);

-- org_id is NULL until the user has chosen an organisation (the interface says 0).
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY CHECK (length(CAST(token_hash AS BLOB)) BETWEEN 1 AND 64),
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	org_id INTEGER REFERENCES orgs (id) ON DELETE SET NULL,
	csrf TEXT NOT NULL CHECK (length(CAST(csrf AS BLOB)) <= 63),
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE CHECK (length(CAST(token_hash AS BLOB)) BETWEEN 1 AND 64),
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	org_id INTEGER REFERENCES orgs (id) ON DELETE CASCADE,
	label TEXT NOT NULL CHECK (length(CAST(label AS BLOB)) <= 200),
	created_at INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL CHECK (length(CAST(email AS BLOB)) <= 254),
	addr TEXT NOT NULL CHECK (length(CAST(addr AS BLOB)) <= 63),
	at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);

-- seq is assigned by store_audit_append (last + 1) under the write lock, never by
-- autoincrement, so that the order of the hash chain is the order of seq.
CREATE TABLE audit_log (
	seq INTEGER PRIMARY KEY CHECK (seq >= 1),
	at_ms INTEGER NOT NULL,
	user_id INTEGER NOT NULL DEFAULT 0,
	actor TEXT NOT NULL CHECK (length(CAST(actor AS BLOB)) <= 254),
	org_id INTEGER NOT NULL DEFAULT 0,
	action TEXT NOT NULL CHECK (length(CAST(action AS BLOB)) BETWEEN 1 AND 63),
	object_type TEXT NOT NULL CHECK (length(CAST(object_type AS BLOB)) <= 31),
	object_id TEXT NOT NULL CHECK (length(CAST(object_id AS BLOB)) <= 63),
	addr TEXT NOT NULL CHECK (length(CAST(addr AS BLOB)) <= 63),
	detail TEXT NOT NULL CHECK (length(CAST(detail AS BLOB)) <= 511),
	prev_hash TEXT NOT NULL CHECK (length(CAST(prev_hash AS BLOB)) = 64),
	hash TEXT NOT NULL CHECK (length(CAST(hash AS BLOB)) = 64)
) STRICT;
CREATE INDEX audit_log_org ON audit_log (org_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, seq);

-- Append-only: the chain is evidence, so the database itself refuses edits.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
