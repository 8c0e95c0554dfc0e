-- 010_outcomes.sql (SQLite): outcome measures (issue 6, "Outcome measures") — stored
-- questionnaire results per person (never edited; a wrong one is marked "entered in
-- error" and kept), the measurement schedule of each programme, one-time links for a
-- person to fill in a questionnaire themselves (only a hash of the token is stored), and
-- the attempts to open a link that did not match one (rate limit per client address,
-- hashed). Same tables and constraints as sql/postgresql/010; conventions as in 002
-- (STRICT tables, org_id in every key, composite foreign keys).

CREATE TABLE outcome_results (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	person_id INTEGER NOT NULL,
	questionnaire TEXT NOT NULL CHECK (length(CAST(questionnaire AS BLOB)) BETWEEN 1 AND 31),
	version INTEGER NOT NULL CHECK (version >= 1),
	taken_on INTEGER NOT NULL,
	-- The item scores in the definition's order, "1,0,4,…".
	answers TEXT NOT NULL CHECK (length(CAST(answers AS BLOB)) BETWEEN 1 AND 500),
	-- Days abstinent: one '1' (abstinent) or '0' per day of the 30 ending on taken_on,
	-- oldest first; '' for other questionnaires.
	days TEXT NOT NULL CHECK (days = '' OR (length(days) = 30 AND days NOT GLOB '*[^01]*')),
	total INTEGER NOT NULL CHECK (total BETWEEN 0 AND 100000),
	zone TEXT NOT NULL CHECK (length(CAST(zone AS BLOB)) <= 31),
	positive INTEGER CHECK (positive IN (0, 1)),
	flags TEXT NOT NULL CHECK (length(CAST(flags AS BLOB)) <= 300),
	sex TEXT NOT NULL CHECK (sex IN ('', 'female', 'male')),
	entered_by INTEGER,
	self INTEGER NOT NULL CHECK (self IN (0, 1)),
	enrolment_id INTEGER,
	point_id INTEGER,
	created_at INTEGER NOT NULL,
	error_at INTEGER,
	error_by INTEGER,
	error_reason TEXT NOT NULL DEFAULT '' CHECK (length(CAST(error_reason AS BLOB)) <= 1000),
	CHECK (self = 1 OR entered_by IS NOT NULL),
	CHECK ((error_at IS NULL) = (error_reason = '')),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (entered_by, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (error_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX outcome_results_person ON outcome_results (org_id, person_id, taken_on);

-- Results are never edited: only the "entered in error" mark may be set, once.
CREATE TRIGGER outcome_results_fixed BEFORE UPDATE ON outcome_results
WHEN OLD.error_at IS NOT NULL OR NEW.person_id IS NOT OLD.person_id OR NEW.questionnaire IS NOT OLD.questionnaire
	OR NEW.answers IS NOT OLD.answers OR NEW.days IS NOT OLD.days OR NEW.total IS NOT OLD.total
	OR NEW.taken_on IS NOT OLD.taken_on OR NEW.zone IS NOT OLD.zone OR NEW.sex IS NOT OLD.sex
BEGIN
	SELECT RAISE(ABORT, 'outcome results are not edited');
END;
CREATE TRIGGER outcome_results_kept BEFORE DELETE ON outcome_results
BEGIN
	SELECT RAISE(ABORT, 'outcome results are not deleted');
END;

-- A programme whose schedule has been set up (seeded or edited): the default schedule
-- is seeded only into a programme without this row.
CREATE TABLE outcome_schedules (
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, programme_id),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id)
) STRICT;

CREATE TABLE outcome_points (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	label TEXT NOT NULL CHECK (length(CAST(label AS BLOB)) BETWEEN 1 AND 100),
	anchor TEXT NOT NULL CHECK (anchor IN ('start', 'phase_start', 'phase_end')),
	phase_key TEXT NOT NULL CHECK (length(CAST(phase_key AS BLOB)) <= 31),
	offset_days INTEGER NOT NULL CHECK (offset_days BETWEEN -366 AND 3660),
	offset_months INTEGER NOT NULL CHECK (offset_months BETWEEN 0 AND 120),
	window_days INTEGER NOT NULL CHECK (window_days BETWEEN 0 AND 366),
	questionnaires TEXT NOT NULL CHECK (length(CAST(questionnaires AS BLOB)) BETWEEN 1 AND 200),
	created_at INTEGER NOT NULL,
	CHECK ((anchor = 'start') = (phase_key = '')),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, programme_id) REFERENCES outcome_schedules (org_id, programme_id)
) STRICT;
CREATE INDEX outcome_points_programme ON outcome_points (org_id, programme_id);

CREATE TABLE outcome_links (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
	person_id INTEGER NOT NULL,
	questionnaire TEXT NOT NULL CHECK (length(CAST(questionnaire AS BLOB)) BETWEEN 1 AND 31),
	enrolment_id INTEGER,
	point_id INTEGER,
	created_by INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER,
	result_id INTEGER,
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (org_id, result_id) REFERENCES outcome_results (org_id, id)
) STRICT;
CREATE INDEX outcome_links_person ON outcome_links (org_id, person_id, created_at);

-- Installation-wide, like login_failures: an unknown or spent token has no organisation.
CREATE TABLE outcome_link_attempts (
	id INTEGER PRIMARY KEY,
	addr_hash TEXT NOT NULL CHECK (length(addr_hash) = 64),
	at INTEGER NOT NULL
) STRICT;
CREATE INDEX outcome_link_attempts_addr ON outcome_link_attempts (addr_hash, at);
