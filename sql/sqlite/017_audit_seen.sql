-- 017_audit_seen.sql (SQLite): who has seen a person in a listing, by day. A listing
-- entry keeps its persons in audit_subjects (013, covered by the entry's hash); finding the
-- listings that showed one person used an index on audit_subjects by person, which every
-- listing touched at one place per person shown: a caseload of 40 wrote 40 index pages per
-- commit. Here a person gets one row per (day, user) instead, written by the first listing
-- of that day only (INSERT OR IGNORE); the listings of that user on that day are found
-- through audit_log_user and checked against audit_subjects by its key (seq, person_id).
-- The day is at_ms / 86400000 (UTC days). Same tables as sql/postgresql/017.
CREATE TABLE audit_seen (
	person_id INTEGER NOT NULL CHECK (person_id >= 1),
	day INTEGER NOT NULL,   -- at_ms / 86400000 of the listing entries
	user_id INTEGER NOT NULL, -- the entries' user_id (0: no user)
	org_id INTEGER NOT NULL,  -- the entries' organisation
	PRIMARY KEY (person_id, day, user_id, org_id)
) STRICT, WITHOUT ROWID;

INSERT INTO audit_seen (person_id, day, user_id, org_id)
SELECT DISTINCT s.person_id, l.at_ms / 86400000, l.user_id, s.org_id
FROM audit_subjects s JOIN audit_log l ON l.seq = s.seq;

CREATE INDEX audit_log_user ON audit_log (org_id, user_id, at_ms);
DROP INDEX audit_subjects_person;

-- Append-only, as audit_log.
CREATE TRIGGER audit_seen_no_update BEFORE UPDATE ON audit_seen
BEGIN
	SELECT RAISE(ABORT, 'audit_seen is append-only');
END;
CREATE TRIGGER audit_seen_no_delete BEFORE DELETE ON audit_seen
BEGIN
	SELECT RAISE(ABORT, 'audit_seen is append-only');
END;
