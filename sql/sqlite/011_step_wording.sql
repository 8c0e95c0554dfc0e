-- 011_step_wording.sql (SQLite): an organisation's own wording of the twelve steps
-- (issue 4, "Wording is configurable per organisation"). One row per step and language
-- the organisation has reworded; a step or language without a row keeps tolv's shipped
-- name (domain/steps.c). Same table and constraints as sql/postgresql/011; conventions as
-- in 001 and 002 (STRICT tables, org_id in every key, composite foreign keys, byte
-- lengths, times unix seconds).

CREATE TABLE step_wording (
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 12),
	lang TEXT NOT NULL CHECK (lang IN ('nb', 'sv', 'en')),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 100),
	updated_by INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, step, lang),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;

-- The person timeline (issue 4's benchmark) reads all of an enrolment's attendance by day
-- (store_attendance_of_enrolment). attendance_enrolment_day puts `attended` before the day,
-- so with the day range the planner scanned every session of the organisation instead;
-- this index answers that read from the enrolment's own rows.
CREATE INDEX attendance_enrolment_on_day ON attendance (org_id, enrolment_id, on_day);
