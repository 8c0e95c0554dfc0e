-- 012_training.sql (PostgreSQL): therapist training (issue 7, "Therapist training") — the
-- courses an organisation's staff take (as data: the introduction course of 9 days and
-- the manual course of 2 days are seeded for every organisation, now and when one is
-- created; an organisation may add others), each member's record per course (days
-- attended, the certification date, who recorded it), and the reason given when a group
-- session is saved without a certified leader. Same tables and constraints as
-- sql/sqlite/012; conventions as in 001 and 007 (org_id in every key, composite foreign
-- keys). Rules a CHECK cannot see (days at most the course's required days, a
-- certification date only with every day attended) are the store's, checked in the
-- writing transaction.

CREATE TABLE training_courses (
	org_id bigint NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	key text NOT NULL CHECK (key ~ '^[a-z0-9_]{1,31}$'),
	name text NOT NULL CHECK (octet_length(name) <= 200),
	required_days integer NOT NULL CHECK (required_days BETWEEN 1 AND 365),
	for_leading boolean NOT NULL,
	position integer NOT NULL,
	PRIMARY KEY (org_id, key)
);

INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position)
	SELECT id, 'intro', '', 9, true, 1 FROM orgs;
INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position)
	SELECT id, 'manual', '', 2, true, 2 FROM orgs;

CREATE FUNCTION orgs_training_courses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position)
		VALUES (NEW.id, 'intro', '', 9, true, 1), (NEW.id, 'manual', '', 2, true, 2);
	RETURN NEW;
END
$$;
CREATE TRIGGER orgs_training_courses AFTER INSERT ON orgs
	FOR EACH ROW EXECUTE FUNCTION orgs_training_courses();

CREATE TABLE training_records (
	org_id bigint NOT NULL,
	user_id bigint NOT NULL,
	course_key text NOT NULL,
	days_attended integer NOT NULL CHECK (days_attended BETWEEN 0 AND 365),
	certified_on integer,
	updated_at bigint NOT NULL,
	updated_by bigint,
	PRIMARY KEY (org_id, user_id, course_key),
	FOREIGN KEY (org_id, course_key) REFERENCES training_courses (org_id, key),
	FOREIGN KEY (user_id, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
);

CREATE TABLE session_leader_overrides (
	org_id bigint NOT NULL,
	session_id bigint NOT NULL,
	reason text NOT NULL CHECK (octet_length(reason) BETWEEN 1 AND 2000),
	recorded_at bigint NOT NULL,
	recorded_by bigint,
	PRIMARY KEY (org_id, session_id),
	FOREIGN KEY (org_id, session_id) REFERENCES attendance_sessions (org_id, id),
	FOREIGN KEY (recorded_by, org_id) REFERENCES memberships (user_id, org_id)
);
