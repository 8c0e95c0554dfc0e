-- 005_facilitation.sql (SQLite): Twelve Step Facilitation (issue 5) — a person's stance
-- toward mutual-help groups, the therapist's facilitation actions, the person's meeting
-- log and their sponsor / home-group profile.
-- Same tables and constraints as sql/postgresql/005_facilitation.sql; conventions as in
-- 002 (STRICT tables, org_id in every key, composite foreign keys, day numbers, booleans
-- INTEGER 0/1, times unix seconds).
--
-- Stances are a history, never edited: the latest (on_day, then id) is the current one.
-- "declines" carries the day to take it up again (revisit_on) — respect resistance,
-- never push, but come back to it. Meetings point at the directory, which is
-- installation-wide (public meetings of any organisation), so meeting_id references
-- meetings (id) alone.

CREATE TABLE fac_stances (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	person_id INTEGER NOT NULL,
	stance TEXT NOT NULL CHECK (stance IN ('not_discussed', 'interested', 'ambivalent', 'declines')),
	on_day INTEGER NOT NULL,
	revisit_on INTEGER,
	note TEXT NOT NULL CHECK (length(CAST(note AS BLOB)) <= 2000),
	by_user INTEGER,
	at INTEGER NOT NULL,
	CHECK ((stance = 'declines') = (revisit_on IS NOT NULL)),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (by_user, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX fac_stances_person ON fac_stances (org_id, person_id, on_day, id);
CREATE INDEX fac_stances_revisit ON fac_stances (org_id, stance, revisit_on);

CREATE TABLE fac_actions (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	person_id INTEGER NOT NULL,
	kind TEXT NOT NULL
		CHECK (kind IN ('introduced', 'chose_meetings', 'accompanied', 'debriefed', 'sponsor_contact')),
	on_day INTEGER NOT NULL,
	meeting_id INTEGER REFERENCES meetings (id),
	stayed INTEGER NOT NULL CHECK (stayed IN (0, 1)),
	note TEXT NOT NULL CHECK (length(CAST(note AS BLOB)) <= 2000),
	by_user INTEGER,
	at INTEGER NOT NULL,
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (by_user, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX fac_actions_person ON fac_actions (org_id, person_id, on_day, id);

CREATE TABLE fac_meeting_log (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	person_id INTEGER NOT NULL,
	on_day INTEGER NOT NULL,
	meeting_id INTEGER REFERENCES meetings (id),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) <= 255),
	accompanied INTEGER NOT NULL CHECK (accompanied IN (0, 1)),
	stayed INTEGER NOT NULL CHECK (stayed IN (0, 1)),
	source TEXT NOT NULL CHECK (source IN ('person_reported', 'staff_confirmed')),
	by_user INTEGER,
	at INTEGER NOT NULL,
	CHECK (meeting_id IS NOT NULL OR name <> ''),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (by_user, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX fac_meeting_log_person ON fac_meeting_log (org_id, person_id, on_day, id);

CREATE TABLE fac_profile (
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	person_id INTEGER NOT NULL,
	sponsor TEXT NOT NULL CHECK (sponsor IN ('none', 'temporary', 'has_sponsor')),
	sponsor_since INTEGER,
	home_group TEXT NOT NULL CHECK (length(CAST(home_group AS BLOB)) <= 255),
	updated_by INTEGER,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, person_id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
