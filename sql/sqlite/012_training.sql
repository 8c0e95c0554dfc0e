-- 012_training.sql (SQLite): therapist training (issue 7, "Therapist training") — the
-- courses an organisation's staff take (as data: the introduction course of 9 days and
-- the manual course of 2 days are seeded for every organisation, now and when one is
-- created; an organisation may add others), each member's record per course (days
-- attended, the certification date, who recorded it), and the reason given when a group
-- session is saved without a certified leader. Same tables and constraints as
-- sql/postgresql/012; conventions as in 001 and 007 (STRICT tables, org_id in every key,
-- composite foreign keys). Rules a CHECK cannot see (days at most the course's required
-- days, a certification date only with every day attended) are the store's, checked in
-- the writing transaction.

CREATE TABLE training_courses (
	org_id INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 31 AND key NOT GLOB '*[^a-z0-9_]*'),
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) <= 200),
	required_days INTEGER NOT NULL CHECK (required_days BETWEEN 1 AND 365),
	for_leading INTEGER NOT NULL CHECK (for_leading IN (0, 1)),
	position INTEGER NOT NULL,
	PRIMARY KEY (org_id, key)
) STRICT;

INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position)
	SELECT id, 'intro', '', 9, 1, 1 FROM orgs;
INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position)
	SELECT id, 'manual', '', 2, 1, 2 FROM orgs;

CREATE TRIGGER orgs_training_courses AFTER INSERT ON orgs
BEGIN
	INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position)
		VALUES (NEW.id, 'intro', '', 9, 1, 1), (NEW.id, 'manual', '', 2, 1, 2);
END;

CREATE TABLE training_records (
	org_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	course_key TEXT NOT NULL,
	days_attended INTEGER NOT NULL CHECK (days_attended BETWEEN 0 AND 365),
	certified_on INTEGER,
	updated_at INTEGER NOT NULL,
	updated_by INTEGER,
	PRIMARY KEY (org_id, user_id, course_key),
	FOREIGN KEY (org_id, course_key) REFERENCES training_courses (org_id, key),
	FOREIGN KEY (user_id, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;

CREATE TABLE session_leader_overrides (
	org_id INTEGER NOT NULL,
	session_id INTEGER NOT NULL,
	reason TEXT NOT NULL CHECK (length(CAST(reason AS BLOB)) BETWEEN 1 AND 2000),
	recorded_at INTEGER NOT NULL,
	recorded_by INTEGER,
	PRIMARY KEY (org_id, session_id),
	FOREIGN KEY (org_id, session_id) REFERENCES attendance_sessions (org_id, id),
	FOREIGN KEY (recorded_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
