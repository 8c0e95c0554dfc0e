-- 004_step_work.sql (SQLite): step work and the individual plan (issue 4) — the state of
-- each of the twelve steps per enrolment, the append-only history of step changes, and
-- the append-only versions of the individual plan (its canonical JSON, domain/plan.h).
-- Same tables and constraints as sql/postgresql/004_step_work.sql; conventions as in 001
-- and 002 (STRICT tables, org_id in every key, composite foreign keys, days as day
-- numbers, times unix seconds, NULL where the interface says 0 or DATE_NONE).

-- One row per step that has changed at least once; a step without a row is not started.
-- changes counts the changes so far and is the row's version: a change names the count
-- it saw, so two therapists cannot overwrite each other.
CREATE TABLE step_states (
	org_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 12),
	status TEXT NOT NULL CHECK (status IN ('not_started', 'working', 'presented', 'completed')),
	since INTEGER NOT NULL,
	confirmed_by INTEGER NOT NULL,
	changes INTEGER NOT NULL CHECK (changes >= 1),
	reopened INTEGER NOT NULL CHECK (reopened >= 0),
	PRIMARY KEY (org_id, enrolment_id, step),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (confirmed_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;

CREATE TABLE step_events (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 12),
	from_status TEXT NOT NULL CHECK (from_status IN ('not_started', 'working', 'presented', 'completed')),
	to_status TEXT NOT NULL CHECK (to_status IN ('not_started', 'working', 'presented', 'completed')),
	on_day INTEGER NOT NULL,
	note TEXT NOT NULL CHECK (length(CAST(note AS BLOB)) <= 500),
	by_user INTEGER NOT NULL,
	at INTEGER NOT NULL,
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (by_user, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX step_events_enrolment ON step_events (org_id, enrolment_id, on_day, id);

-- Append-only: the history of a person's step work is part of the clinical record.
CREATE TRIGGER step_events_no_update BEFORE UPDATE ON step_events
BEGIN
	SELECT RAISE(ABORT, 'step_events is append-only');
END;
CREATE TRIGGER step_events_no_delete BEFORE DELETE ON step_events
BEGIN
	SELECT RAISE(ABORT, 'step_events is append-only');
END;

-- Each save of a plan is a new version, numbered 1, 2, … per enrolment; earlier versions
-- are never changed, so every change can be read back.
CREATE TABLE plan_versions (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	number INTEGER NOT NULL CHECK (number >= 1),
	author INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	json TEXT NOT NULL CHECK (length(CAST(json AS BLOB)) BETWEEN 2 AND 4000000),
	UNIQUE (org_id, enrolment_id, number),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (author, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;

CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN
	SELECT RAISE(ABORT, 'plan_versions is append-only');
END;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
BEGIN
	SELECT RAISE(ABORT, 'plan_versions is append-only');
END;
