-- 007_group_sessions.sql (PostgreSQL): group sessions and workshops (issue 4, "Group sessions
-- and workshops") — per attendance session a topic (its kind: a step being taught, a
-- lecture, meditation or other; the step number when a step), leaders beyond
-- attendance_sessions.leader_id, and a count of external participants without person
-- records (open workshops). Same tables and constraints as sql/sqlite/007; conventions
-- as in 001 and 002 (org_id in every key, composite foreign keys).

CREATE UNIQUE INDEX attendance_sessions_org_id ON attendance_sessions (org_id, id);

CREATE TABLE session_details (
	org_id bigint NOT NULL,
	session_id bigint NOT NULL,
	topic text NOT NULL CHECK (octet_length(topic) <= 500),
	topic_kind text NOT NULL CHECK (topic_kind IN ('', 'step', 'lecture', 'meditation', 'other')),
	step integer CHECK (step BETWEEN 1 AND 12),
	external_count integer NOT NULL CHECK (external_count BETWEEN 0 AND 100000),
	updated_at bigint NOT NULL,
	updated_by bigint,
	CHECK ((topic_kind = 'step') = (step IS NOT NULL)),
	PRIMARY KEY (org_id, session_id),
	FOREIGN KEY (org_id, session_id) REFERENCES attendance_sessions (org_id, id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
);

CREATE TABLE session_leaders (
	org_id bigint NOT NULL,
	session_id bigint NOT NULL,
	user_id bigint NOT NULL,
	PRIMARY KEY (org_id, session_id, user_id),
	FOREIGN KEY (org_id, session_id) REFERENCES attendance_sessions (org_id, id),
	FOREIGN KEY (user_id, org_id) REFERENCES memberships (user_id, org_id)
);
