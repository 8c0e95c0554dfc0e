-- 009_relapses.sql (SQLite): relapse follow-up (issue 6, "Relapse") — a relapse record
-- per event (draft → confirmed | rejected), the response to it (conversation, changed
-- plan, extra sessions, physician assessment, referral to detox), the pause of the
-- enrolment it caused, a sober-since date per person and the organisation's setting that
-- shows it. Same tables and constraints as sql/postgresql/009_relapses.sql; conventions as
-- in 001 and 002 (STRICT tables, org_id in every key, composite foreign keys, days as day
-- numbers, times unix seconds, NULL where the interface says 0).
--
-- test_id names a sobriety test of migration 008 by its id only: there is deliberately no
-- foreign key to that table, so this migration does not depend on 008's tables (the two
-- were written side by side) and a test's row is never needed to read a relapse.

CREATE TABLE relapses (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	person_id INTEGER NOT NULL,
	enrolment_id INTEGER,
	on_day INTEGER NOT NULL,
	substances TEXT NOT NULL CHECK (length(CAST(substances AS BLOB)) <= 600),
	source TEXT NOT NULL CHECK (source IN ('told', 'test', 'other')),
	test_id INTEGER CHECK (test_id >= 1),
	source_text TEXT NOT NULL CHECK (length(CAST(source_text AS BLOB)) <= 500),
	status TEXT NOT NULL CHECK (status IN ('draft', 'confirmed', 'rejected')),
	review INTEGER NOT NULL CHECK (review IN (0, 1)),
	decided_by INTEGER,
	decided_at INTEGER,
	decision_reason TEXT NOT NULL CHECK (length(CAST(decision_reason AS BLOB)) <= 500),
	conversation_on INTEGER,
	plan_version INTEGER CHECK (plan_version >= 1),
	extra_sessions INTEGER NOT NULL CHECK (extra_sessions BETWEEN 0 AND 100),
	extra_sessions_text TEXT NOT NULL CHECK (length(CAST(extra_sessions_text AS BLOB)) <= 500),
	physician_on INTEGER,
	physician_status TEXT NOT NULL CHECK (physician_status IN ('', 'planned', 'done', 'declined')),
	detox_destination TEXT NOT NULL CHECK (length(CAST(detox_destination AS BLOB)) <= 200),
	detox_on INTEGER,
	detox_status TEXT NOT NULL CHECK (detox_status IN ('', 'planned', 'admitted', 'completed', 'cancelled')),
	paused_enrolment_id INTEGER,
	paused_on INTEGER,
	resumed_on INTEGER,
	created_by INTEGER,
	created_at INTEGER NOT NULL,
	updated_by INTEGER,
	updated_at INTEGER NOT NULL,
	CHECK ((source = 'test') = (test_id IS NOT NULL)),
	CHECK ((status = 'draft') = (decided_at IS NULL)),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (org_id, paused_enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (decided_by, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX relapses_person ON relapses (org_id, person_id, on_day, id);
CREATE INDEX relapses_drafts ON relapses (org_id, status) WHERE status = 'draft';
-- One relapse per test: a draft opened from a test is opened once.
CREATE UNIQUE INDEX relapses_test ON relapses (org_id, test_id) WHERE test_id IS NOT NULL;

CREATE TABLE sober_since (
	org_id INTEGER NOT NULL,
	person_id INTEGER NOT NULL,
	since_on INTEGER,
	updated_by INTEGER,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, person_id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;

CREATE TABLE relapse_settings (
	org_id INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
	show_sober_since INTEGER NOT NULL CHECK (show_sober_since IN (0, 1)),
	updated_by INTEGER,
	updated_at INTEGER NOT NULL,
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
