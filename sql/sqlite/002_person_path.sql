-- 002_person_path.sql (SQLite): the person's path through a programme — programmes and
-- their phases, closed dates, groups with members and waiting lists, referral sources,
-- persons, referrals and their status history, self-referrals, enrolments and their
-- events, attendance sessions and attendance.
-- Same tables and constraints as sql/postgresql/002_person_path.sql; conventions as in
-- 001 (STRICT tables, byte lengths against the fixed-size fields of store.h, booleans
-- INTEGER 0/1, times unix seconds). Dates are day numbers (core/date.h).
--
-- Organisation scoping is part of the schema: every table has org_id, every parent has
-- a UNIQUE key that starts (org_id, …, id), and every child references that key with
-- its own org_id, so a row can never point at another organisation's row. People named
-- as authors, therapists or leaders are referenced through memberships (user_id,
-- org_id): whoever is named must be a member of the organisation. NULL stands where the
-- interface says 0 (no row) or DATE_NONE (no date). Every index starts with org_id,
-- except the address-hash index of the self-referral rate limit, which counts across
-- organisations.
-- Keys are [a-z0-9_]{1,31}.

CREATE TABLE programmes (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),
	template_key TEXT NOT NULL
		CHECK (length(CAST(template_key AS BLOB)) <= 31 AND template_key NOT GLOB '*[^a-z0-9_]*'),
	min_steps INTEGER NOT NULL CHECK (min_steps BETWEEN 0 AND 12),
	active INTEGER NOT NULL CHECK (active IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (org_id, id),
	UNIQUE (org_id, name) -- also the list's order
) STRICT;

-- The phases of a programme, idx 0..n-1 (the numbers of struct phase_def). Keys are
-- unique within a programme: checked by the store, not by a UNIQUE constraint, so that
-- an update may swap two keys row by row.
CREATE TABLE programme_phases (
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 7),
	key TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 31 AND key NOT GLOB '*[^a-z0-9_]*'),
	label TEXT NOT NULL CHECK (length(CAST(label AS BLOB)) BETWEEN 1 AND 100),
	target_days INTEGER NOT NULL CHECK (target_days BETWEEN 0 AND 1000),
	min_days_per_week INTEGER NOT NULL CHECK (min_days_per_week BETWEEN 0 AND 5),
	min_hours_per_day INTEGER NOT NULL CHECK (min_hours_per_day BETWEEN 0 AND 12),
	max_hours_per_day INTEGER NOT NULL CHECK (max_hours_per_day BETWEEN 0 AND 12),
	min_months INTEGER NOT NULL CHECK (min_months BETWEEN 0 AND 60),
	max_months INTEGER NOT NULL CHECK (max_months BETWEEN 0 AND 60),
	sessions_per_week INTEGER NOT NULL CHECK (sessions_per_week BETWEEN 0 AND 14),
	session_minutes INTEGER NOT NULL CHECK (session_minutes BETWEEN 0 AND 480),
	CHECK (min_hours_per_day = 0 OR max_hours_per_day = 0 OR min_hours_per_day <= max_hours_per_day),
	CHECK (min_months = 0 OR max_months = 0 OR min_months <= max_months),
	PRIMARY KEY (org_id, programme_id, idx),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id)
) STRICT;

-- Dates a programme does not run (holidays): not open days for the attendance arithmetic.
CREATE TABLE programme_closed_dates (
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	day INTEGER NOT NULL,
	label TEXT NOT NULL CHECK (length(CAST(label AS BLOB)) <= 100),
	PRIMARY KEY (org_id, programme_id, day),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id)
) STRICT;

CREATE TABLE referral_sources (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	key TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 31 AND key NOT GLOB '*[^a-z0-9_]*'),
	label TEXT NOT NULL CHECK (length(CAST(label AS BLOB)) BETWEEN 1 AND 100),
	active INTEGER NOT NULL CHECK (active IN (0, 1)),
	sort_order INTEGER NOT NULL CHECK (sort_order BETWEEN 0 AND 10000),
	UNIQUE (org_id, key)
) STRICT;
CREATE INDEX referral_sources_order ON referral_sources (org_id, sort_order, label);

-- given_key and family_key are the names case-folded by the store (ASCII and Latin-1
-- letters, so Ø and ø are one letter): the sort order and the duplicate check.
CREATE TABLE persons (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	given_name TEXT NOT NULL CHECK (length(CAST(given_name AS BLOB)) <= 200),
	family_name TEXT NOT NULL CHECK (length(CAST(family_name AS BLOB)) <= 200),
	given_key TEXT NOT NULL CHECK (length(CAST(given_key AS BLOB)) <= 200),
	family_key TEXT NOT NULL CHECK (length(CAST(family_key AS BLOB)) <= 200),
	birth_date INTEGER,
	national_id TEXT CHECK (length(CAST(national_id AS BLOB)) IN (11, 12) AND national_id NOT GLOB '*[^0-9]*'),
	national_id_kind TEXT NOT NULL
		CHECK (national_id_kind IN ('', 'no_fnr', 'no_dnr', 'no_hnr', 'se_pnr', 'se_samnr')),
	phone TEXT NOT NULL CHECK (length(CAST(phone AS BLOB)) <= 40),
	email TEXT NOT NULL CHECK (length(CAST(email AS BLOB)) <= 254),
	address TEXT NOT NULL CHECK (length(CAST(address AS BLOB)) <= 300),
	kin_name TEXT NOT NULL CHECK (length(CAST(kin_name AS BLOB)) <= 200),
	kin_relation TEXT NOT NULL CHECK (length(CAST(kin_relation AS BLOB)) <= 100),
	kin_phone TEXT NOT NULL CHECK (length(CAST(kin_phone AS BLOB)) <= 40),
	substances INTEGER NOT NULL CHECK (substances BETWEEN 0 AND 255),
	dual_diagnosis INTEGER NOT NULL CHECK (dual_diagnosis IN (0, 1)),
	notes TEXT NOT NULL CHECK (length(CAST(notes AS BLOB)) <= 2000),
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	updated_at INTEGER NOT NULL,
	updated_by INTEGER,
	CHECK (given_name <> '' OR family_name <> ''),
	CHECK ((national_id IS NULL) = (national_id_kind = '')),
	UNIQUE (org_id, id),
	UNIQUE (org_id, national_id), -- NULLs are distinct: many persons without one
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX persons_name ON persons (org_id, family_key, given_key, id);
CREATE INDEX persons_same ON persons (org_id, family_key, given_key, birth_date);
CREATE INDEX persons_created ON persons (org_id, created_at, id);

CREATE TABLE referrals (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	person_id INTEGER,
	programme_id INTEGER,
	source_key TEXT NOT NULL,
	referrer_name TEXT NOT NULL CHECK (length(CAST(referrer_name AS BLOB)) <= 200),
	referrer_org TEXT NOT NULL CHECK (length(CAST(referrer_org AS BLOB)) <= 200),
	received_on INTEGER NOT NULL,
	reason TEXT NOT NULL CHECK (length(CAST(reason AS BLOB)) <= 1000),
	status TEXT NOT NULL CHECK (status IN ('received', 'assessed', 'offered_conversation', 'accepted',
		'declined', 'referred_elsewhere', 'waiting_list')),
	status_on INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	updated_at INTEGER NOT NULL,
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id),
	FOREIGN KEY (org_id, source_key) REFERENCES referral_sources (org_id, key),
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
-- The intake queue (by status, oldest first), all referrals, a person's, a programme's.
CREATE INDEX referrals_queue ON referrals (org_id, status, received_on, id);
CREATE INDEX referrals_received ON referrals (org_id, received_on, id);
CREATE INDEX referrals_person ON referrals (org_id, person_id);
CREATE INDEX referrals_programme ON referrals (org_id, programme_id, received_on);

-- Every status change, dated and attributed; written with the change. Append-only.
CREATE TABLE referral_history (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	referral_id INTEGER NOT NULL,
	from_status TEXT NOT NULL CHECK (from_status IN ('', 'received', 'assessed', 'offered_conversation',
		'accepted', 'declined', 'referred_elsewhere', 'waiting_list')),
	to_status TEXT NOT NULL CHECK (to_status IN ('received', 'assessed', 'offered_conversation', 'accepted',
		'declined', 'referred_elsewhere', 'waiting_list')),
	on_day INTEGER NOT NULL,
	at INTEGER NOT NULL,
	by_user INTEGER,
	note TEXT NOT NULL CHECK (length(CAST(note AS BLOB)) <= 1000),
	FOREIGN KEY (org_id, referral_id) REFERENCES referrals (org_id, id),
	FOREIGN KEY (by_user, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX referral_history_referral ON referral_history (org_id, referral_id, id);
CREATE TRIGGER referral_history_no_update BEFORE UPDATE ON referral_history
BEGIN
	SELECT RAISE(ABORT, 'referral_history is append-only');
END;
CREATE TRIGGER referral_history_no_delete BEFORE DELETE ON referral_history
BEGIN
	SELECT RAISE(ABORT, 'referral_history is append-only');
END;

-- Submissions of the public form. addr_hash is a hex SHA-256 of the client address
-- (the address itself is never stored), for the rate limit.
CREATE TABLE self_referrals (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),
	phone TEXT NOT NULL CHECK (length(CAST(phone AS BLOB)) <= 40),
	email TEXT NOT NULL CHECK (length(CAST(email AS BLOB)) <= 254),
	message TEXT NOT NULL CHECK (length(CAST(message AS BLOB)) <= 2000),
	consent_at INTEGER NOT NULL CHECK (consent_at > 0),
	addr_hash TEXT NOT NULL CHECK (length(CAST(addr_hash AS BLOB)) = 64 AND addr_hash NOT GLOB '*[^0-9a-f]*'),
	status TEXT NOT NULL CHECK (status IN ('new', 'taken', 'discarded')),
	referral_id INTEGER,
	created_at INTEGER NOT NULL,
	handled_at INTEGER,
	handled_by INTEGER,
	CHECK (phone <> '' OR email <> ''),
	CHECK ((status = 'taken') = (referral_id IS NOT NULL)),
	CHECK ((status = 'new') = (handled_at IS NULL)),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, referral_id) REFERENCES referrals (org_id, id),
	FOREIGN KEY (handled_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX self_referrals_queue ON self_referrals (org_id, status, created_at, id);
CREATE INDEX self_referrals_addr ON self_referrals (addr_hash, created_at);

-- The stored form of struct enrolment_state (domain/programme.h). version counts changes
-- for optimistic concurrency. The phase must exist in the programme.
CREATE TABLE enrolments (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	person_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	therapist_id INTEGER,
	referral_id INTEGER,
	status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'discontinued')),
	phase INTEGER NOT NULL CHECK (phase BETWEEN 0 AND 7),
	started_on INTEGER NOT NULL,
	phase_since INTEGER NOT NULL,
	last_change_on INTEGER NOT NULL,
	paused_since INTEGER,
	ended_on INTEGER,
	reason_key TEXT NOT NULL
		CHECK (reason_key IN ('', 'moved', 'dropped_out', 'transferred', 'deceased', 'other')),
	reason_note TEXT NOT NULL CHECK (length(CAST(reason_note AS BLOB)) <= 1000),
	pauses INTEGER NOT NULL CHECK (pauses >= 0),
	version INTEGER NOT NULL CHECK (version >= 1),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK ((status IN ('completed', 'discontinued')) = (ended_on IS NOT NULL)),
	CHECK ((status = 'paused') = (paused_since IS NOT NULL)),
	CHECK ((status = 'discontinued') = (reason_key <> '')),
	UNIQUE (org_id, id),
	UNIQUE (org_id, programme_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, programme_id, phase) REFERENCES programme_phases (org_id, programme_id, idx),
	FOREIGN KEY (therapist_id, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (org_id, referral_id) REFERENCES referrals (org_id, id)
) STRICT;
-- One open path per person and programme; ended ones stay (re-enrolment is a new row).
CREATE UNIQUE INDEX enrolments_open ON enrolments (org_id, person_id, programme_id)
	WHERE status IN ('active', 'paused');
CREATE INDEX enrolments_programme ON enrolments (org_id, programme_id, status, phase);
CREATE INDEX enrolments_therapist ON enrolments (org_id, therapist_id, status);
CREATE INDEX enrolments_person ON enrolments (org_id, person_id);

-- Every change of an enrolment, dated and attributed; written with the change. Append-only.
CREATE TABLE enrolment_events (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	kind TEXT NOT NULL
		CHECK (kind IN ('start', 'phase', 'pause', 'resume', 'complete', 'discontinue', 'therapist')),
	from_phase INTEGER CHECK (from_phase BETWEEN 0 AND 7),
	to_phase INTEGER CHECK (to_phase BETWEEN 0 AND 7),
	on_day INTEGER NOT NULL,
	reason TEXT NOT NULL CHECK (length(CAST(reason AS BLOB)) <= 1000),
	by_user INTEGER,
	at INTEGER NOT NULL,
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (by_user, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX enrolment_events_enrolment ON enrolment_events (org_id, enrolment_id, on_day, id);
CREATE TRIGGER enrolment_events_no_update BEFORE UPDATE ON enrolment_events
BEGIN
	SELECT RAISE(ABORT, 'enrolment_events is append-only');
END;
CREATE TRIGGER enrolment_events_no_delete BEFORE DELETE ON enrolment_events
BEGIN
	SELECT RAISE(ABORT, 'enrolment_events is append-only');
END;

-- Groups (cohorts) of a programme. weekdays: Monday = 1 … Sunday = 64.
CREATE TABLE programme_groups (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),
	phase_key TEXT NOT NULL
		CHECK (length(CAST(phase_key AS BLOB)) <= 31 AND phase_key NOT GLOB '*[^a-z0-9_]*'),
	weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 0 AND 127),
	start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
	end_min INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1440),
	place TEXT NOT NULL CHECK (length(CAST(place AS BLOB)) <= 200),
	capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 1000),
	active INTEGER NOT NULL CHECK (active IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK (start_min < end_min OR (start_min = 0 AND end_min = 0)),
	UNIQUE (org_id, programme_id, id),
	UNIQUE (org_id, programme_id, name),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id)
) STRICT;
CREATE INDEX programme_groups_name ON programme_groups (org_id, name);

-- Members of a group: enrolments of the group's programme (the keys include it). Open
-- while to_day is NULL; at most one open membership per enrolment and group.
CREATE TABLE group_members (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	from_day INTEGER NOT NULL,
	to_day INTEGER,
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	CHECK (to_day IS NULL OR to_day >= from_day),
	FOREIGN KEY (org_id, programme_id, group_id) REFERENCES programme_groups (org_id, programme_id, id),
	FOREIGN KEY (org_id, programme_id, enrolment_id) REFERENCES enrolments (org_id, programme_id, id),
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE UNIQUE INDEX group_members_open ON group_members (org_id, group_id, enrolment_id) WHERE to_day IS NULL;
CREATE INDEX group_members_group ON group_members (org_id, group_id, from_day);
CREATE INDEX group_members_enrolment ON group_members (org_id, enrolment_id);

CREATE TABLE group_waiting (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	note TEXT NOT NULL CHECK (length(CAST(note AS BLOB)) <= 1000),
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	UNIQUE (org_id, group_id, enrolment_id),
	FOREIGN KEY (org_id, programme_id, group_id) REFERENCES programme_groups (org_id, programme_id, id),
	FOREIGN KEY (org_id, programme_id, enrolment_id) REFERENCES enrolments (org_id, programme_id, id),
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX group_waiting_order ON group_waiting (org_id, group_id, created_at, id);

-- A dated meeting of a group, or an individual session (group_id NULL).
CREATE TABLE attendance_sessions (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	group_id INTEGER,
	phase_key TEXT NOT NULL
		CHECK (length(CAST(phase_key AS BLOB)) <= 31 AND phase_key NOT GLOB '*[^a-z0-9_]*'),
	on_day INTEGER NOT NULL,
	start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
	end_min INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1440),
	kind TEXT NOT NULL CHECK (kind IN ('group', 'individual', 'motivation', 'aftercare')),
	leader_id INTEGER,
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	CHECK (start_min < end_min OR (start_min = 0 AND end_min = 0)),
	UNIQUE (org_id, programme_id, id, on_day),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id),
	FOREIGN KEY (org_id, programme_id, group_id) REFERENCES programme_groups (org_id, programme_id, id),
	FOREIGN KEY (leader_id, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE UNIQUE INDEX attendance_sessions_group_day ON attendance_sessions (org_id, group_id, on_day)
	WHERE group_id IS NOT NULL;
CREATE INDEX attendance_sessions_day ON attendance_sessions (org_id, programme_id, on_day);

-- One enrolment at one session. on_day is the session's (kept equal by the foreign key),
-- so that the per-enrolment counts are one range scan of attendance_enrolment_day.
CREATE TABLE attendance (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	session_id INTEGER NOT NULL,
	on_day INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	attended INTEGER NOT NULL CHECK (attended IN (0, 1)),
	minutes INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
	note TEXT NOT NULL CHECK (length(CAST(note AS BLOB)) <= 511),
	recorded_by INTEGER,
	recorded_at INTEGER NOT NULL,
	UNIQUE (org_id, session_id, enrolment_id),
	FOREIGN KEY (org_id, programme_id, session_id, on_day)
		REFERENCES attendance_sessions (org_id, programme_id, id, on_day) ON UPDATE CASCADE,
	FOREIGN KEY (org_id, programme_id, enrolment_id) REFERENCES enrolments (org_id, programme_id, id),
	FOREIGN KEY (recorded_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX attendance_enrolment_day ON attendance (org_id, enrolment_id, attended, on_day);
