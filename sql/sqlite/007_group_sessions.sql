-- 007_group_sessions.sql (SQLite): group sessions and workshops (issue 4, "Group sessions
-- and workshops") — per attendance session a topic (its kind: a step being taught, a
-- lecture, meditation or other; the step number when a step), leaders beyond
-- attendance_sessions.leader_id, and a count of external participants without person
-- records (open workshops). Same tables and constraints as sql/postgresql/007; conventions
-- as in 001 and 002 (STRICT tables, org_id in every key, composite foreign keys).

CREATE UNIQUE INDEX attendance_sessions_org_id ON attendance_sessions (org_id, id);

CREATE TABLE session_details (
	org_id INTEGER NOT NULL,
	session_id INTEGER NOT NULL,
	topic TEXT NOT NULL CHECK (length(CAST(topic AS BLOB)) <= 500),
	topic_kind TEXT NOT NULL CHECK (topic_kind IN ('', 'step', 'lecture', 'meditation', 'other')),
	step INTEGER CHECK (step BETWEEN 1 AND 12),
	external_count INTEGER NOT NULL CHECK (external_count BETWEEN 0 AND 100000),
	updated_at INTEGER NOT NULL,
	updated_by INTEGER,
	CHECK ((topic_kind = 'step') = (step IS NOT NULL)),
	PRIMARY KEY (org_id, session_id),
	FOREIGN KEY (org_id, session_id) REFERENCES attendance_sessions (org_id, id),
	FOREIGN KEY (updated_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;

CREATE TABLE session_leaders (
	org_id INTEGER NOT NULL,
	session_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	PRIMARY KEY (org_id, session_id, user_id),
	FOREIGN KEY (org_id, session_id) REFERENCES attendance_sessions (org_id, id),
	FOREIGN KEY (user_id, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
