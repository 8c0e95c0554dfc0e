-- 003_meetings.sql (SQLite): the directory of mutual-help meetings (issue 5) — meetings
-- in the fields of the Meeting Guide specification plus fellowship, attendance mode, time
-- zone, RRULE and a public flag; import sources and their runs; change requests from the
-- public; and the directory's change counter.
-- Same tables and constraints as sql/postgresql/003_meetings.sql; conventions as in 001
-- and 002 (STRICT tables, byte lengths against the fixed-size fields of store.h, booleans
-- INTEGER 0/1, times unix seconds).
--
-- A meeting is never deleted: an import that no longer lists it, or an editor, sets
-- removed_at, so that whatever points at it (a person's chosen meetings, change requests)
-- keeps pointing at a row. Slugs stay unique within an organisation, removed ones too, so
-- a meeting that comes back in a later import is the same row again.

CREATE TABLE meeting_sources (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 255),
	url TEXT NOT NULL CHECK (length(CAST(url AS BLOB)) <= 512),
	format TEXT NOT NULL CHECK (format IN ('json', 'csv')),
	timezone TEXT NOT NULL CHECK (length(CAST(timezone AS BLOB)) BETWEEN 1 AND 64),
	fellowship TEXT NOT NULL
		CHECK (length(CAST(fellowship AS BLOB)) BETWEEN 1 AND 31 AND fellowship NOT GLOB '*[^a-z0-9_]*'),
	interval_hours INTEGER NOT NULL CHECK (interval_hours BETWEEN 0 AND 8760),
	created_at INTEGER NOT NULL,
	last_run_at INTEGER,
	UNIQUE (org_id, id),
	UNIQUE (org_id, name)
) STRICT;

CREATE TABLE meetings (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	slug TEXT NOT NULL CHECK (length(CAST(slug AS BLOB)) BETWEEN 1 AND 100),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 255),
	days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 127),
	start_min INTEGER CHECK (start_min BETWEEN 0 AND 1439),
	end_min INTEGER CHECK (end_min BETWEEN 0 AND 1439),
	timezone TEXT NOT NULL CHECK (length(CAST(timezone AS BLOB)) BETWEEN 1 AND 64),
	rrule TEXT NOT NULL CHECK (length(CAST(rrule AS BLOB)) <= 256),
	-- The first day of the series (core/date.h day number): the anchor of an RRULE with an
	-- INTERVAL, COUNT or UNTIL. NULL = none given.
	starts_on INTEGER,
	location TEXT NOT NULL CHECK (length(CAST(location AS BLOB)) <= 255),
	location_notes TEXT NOT NULL CHECK (length(CAST(location_notes AS BLOB)) <= 1000),
	formatted_address TEXT NOT NULL CHECK (length(CAST(formatted_address AS BLOB)) <= 255),
	address TEXT NOT NULL CHECK (length(CAST(address AS BLOB)) <= 255),
	city TEXT NOT NULL CHECK (length(CAST(city AS BLOB)) <= 128),
	state TEXT NOT NULL CHECK (length(CAST(state AS BLOB)) <= 64),
	postal_code TEXT NOT NULL CHECK (length(CAST(postal_code AS BLOB)) <= 32),
	country TEXT NOT NULL CHECK (length(CAST(country AS BLOB)) <= 64),
	-- Coordinates in millionths of a degree (exact for the spec's 5-6 decimals); both NULL
	-- when the meeting has none.
	lat_e6 INTEGER CHECK (lat_e6 BETWEEN -90000000 AND 90000000),
	lon_e6 INTEGER CHECK (lon_e6 BETWEEN -180000000 AND 180000000),
	region TEXT NOT NULL CHECK (length(CAST(region AS BLOB)) <= 128),
	sub_region TEXT NOT NULL CHECK (length(CAST(sub_region AS BLOB)) <= 128),
	types TEXT NOT NULL CHECK (length(CAST(types AS BLOB)) <= 256),
	notes TEXT NOT NULL CHECK (length(CAST(notes AS BLOB)) <= 2000),
	group_name TEXT NOT NULL CHECK (length(CAST(group_name AS BLOB)) <= 255),
	group_notes TEXT NOT NULL CHECK (length(CAST(group_notes AS BLOB)) <= 1000),
	conference_url TEXT NOT NULL CHECK (length(CAST(conference_url AS BLOB)) <= 512),
	conference_url_notes TEXT NOT NULL CHECK (length(CAST(conference_url_notes AS BLOB)) <= 512),
	conference_phone TEXT NOT NULL CHECK (length(CAST(conference_phone AS BLOB)) <= 64),
	conference_phone_notes TEXT NOT NULL CHECK (length(CAST(conference_phone_notes AS BLOB)) <= 512),
	website TEXT NOT NULL CHECK (length(CAST(website AS BLOB)) <= 512),
	email TEXT NOT NULL CHECK (length(CAST(email AS BLOB)) <= 254),
	phone TEXT NOT NULL CHECK (length(CAST(phone AS BLOB)) <= 64),
	url TEXT NOT NULL CHECK (length(CAST(url AS BLOB)) <= 512),
	contact_1_name TEXT NOT NULL CHECK (length(CAST(contact_1_name AS BLOB)) <= 64),
	contact_1_email TEXT NOT NULL CHECK (length(CAST(contact_1_email AS BLOB)) <= 254),
	contact_1_phone TEXT NOT NULL CHECK (length(CAST(contact_1_phone AS BLOB)) <= 64),
	contact_2_name TEXT NOT NULL CHECK (length(CAST(contact_2_name AS BLOB)) <= 64),
	contact_2_email TEXT NOT NULL CHECK (length(CAST(contact_2_email AS BLOB)) <= 254),
	contact_2_phone TEXT NOT NULL CHECK (length(CAST(contact_2_phone AS BLOB)) <= 64),
	contact_3_name TEXT NOT NULL CHECK (length(CAST(contact_3_name AS BLOB)) <= 64),
	contact_3_email TEXT NOT NULL CHECK (length(CAST(contact_3_email AS BLOB)) <= 254),
	contact_3_phone TEXT NOT NULL CHECK (length(CAST(contact_3_phone AS BLOB)) <= 64),
	fellowship TEXT NOT NULL
		CHECK (length(CAST(fellowship AS BLOB)) BETWEEN 1 AND 31 AND fellowship NOT GLOB '*[^a-z0-9_]*'),
	attendance TEXT NOT NULL CHECK (attendance IN ('in_person', 'online', 'hybrid', 'phone')),
	public INTEGER NOT NULL CHECK (public IN (0, 1)),
	source_id INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by INTEGER,
	removed_at INTEGER,
	CHECK ((lat_e6 IS NULL) = (lon_e6 IS NULL)),
	UNIQUE (org_id, id),
	UNIQUE (org_id, slug),
	FOREIGN KEY (org_id, source_id) REFERENCES meeting_sources (org_id, id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
-- The editors' list (by name) and the public snapshot (every public meeting, by id).
CREATE INDEX meetings_name ON meetings (org_id, name, id);
CREATE INDEX meetings_public ON meetings (public, removed_at, id);

-- One row per import (or preview) of a source: the history an editor sees.
CREATE TABLE meeting_import_runs (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	source_id INTEGER NOT NULL,
	at INTEGER NOT NULL,
	by_user INTEGER,
	status TEXT NOT NULL CHECK (status IN ('applied', 'preview', 'failed')),
	added INTEGER NOT NULL CHECK (added >= 0),
	changed INTEGER NOT NULL CHECK (changed >= 0),
	removed INTEGER NOT NULL CHECK (removed >= 0),
	unchanged INTEGER NOT NULL CHECK (unchanged >= 0),
	rejected INTEGER NOT NULL CHECK (rejected >= 0),
	message TEXT NOT NULL CHECK (length(CAST(message AS BLOB)) <= 4000),
	FOREIGN KEY (org_id, source_id) REFERENCES meeting_sources (org_id, id),
	FOREIGN KEY (by_user, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX meeting_import_runs_source ON meeting_import_runs (org_id, source_id, at);

-- "Request a change to this listing", from the public. meeting_name is copied so a
-- request still reads right after the meeting is renamed or removed.
CREATE TABLE meeting_change_requests (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	meeting_id INTEGER NOT NULL,
	meeting_name TEXT NOT NULL CHECK (length(CAST(meeting_name AS BLOB)) <= 255),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) <= 64),
	email TEXT NOT NULL CHECK (length(CAST(email AS BLOB)) <= 254),
	message TEXT NOT NULL CHECK (length(CAST(message AS BLOB)) BETWEEN 1 AND 2000),
	addr_hash TEXT NOT NULL CHECK (length(CAST(addr_hash AS BLOB)) = 64 AND addr_hash NOT GLOB '*[^0-9a-f]*'),
	status TEXT NOT NULL CHECK (status IN ('new', 'done', 'dismissed')),
	created_at INTEGER NOT NULL,
	handled_at INTEGER,
	handled_by INTEGER,
	CHECK ((status = 'new') = (handled_at IS NULL)),
	FOREIGN KEY (org_id, meeting_id) REFERENCES meetings (org_id, id),
	FOREIGN KEY (handled_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX meeting_change_requests_queue ON meeting_change_requests (org_id, status, created_at, id);
CREATE INDEX meeting_change_requests_addr ON meeting_change_requests (addr_hash, created_at);

-- The directory's change counter: every change to meetings bumps version, so a web
-- process can tell with one cheap read whether its cached feed and finder are current,
-- also when another process made the change.
CREATE TABLE directory_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL,
	changed_at INTEGER NOT NULL
) STRICT;
INSERT INTO directory_state (id, version, changed_at) VALUES (1, 1, CAST(strftime('%s', 'now') AS INTEGER));

CREATE TRIGGER meetings_bump_insert AFTER INSERT ON meetings BEGIN
	UPDATE directory_state SET version = version + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE id = 1;
END;
CREATE TRIGGER meetings_bump_update AFTER UPDATE ON meetings BEGIN
	UPDATE directory_state SET version = version + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE id = 1;
END;
CREATE TRIGGER meetings_bump_delete AFTER DELETE ON meetings BEGIN
	UPDATE directory_state SET version = version + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE id = 1;
END;
