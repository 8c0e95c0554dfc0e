-- 013_audit_subjects.sql (SQLite): the persons of an audit listing. A page that shows many
-- people (a day roster, a caseload, a board) writes one "person.list" entry whose subjects
-- are the persons shown, one row each here, instead of one audit_log entry per person. The
-- entry's hash covers its subjects (domain/audit.c), so `tolv audit verify` detects an
-- added, removed or changed row; the index answers "who has seen this person" per person.
-- Same table as sql/postgresql/013.
CREATE TABLE audit_subjects (
	seq INTEGER NOT NULL CHECK (seq >= 1), -- the audit_log entry (not a foreign key: the chain is checked by verify)
	org_id INTEGER NOT NULL,               -- the entry's organisation
	person_id INTEGER NOT NULL CHECK (person_id >= 1),
	PRIMARY KEY (seq, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX audit_subjects_person ON audit_subjects (org_id, person_id, seq);

-- Append-only, as audit_log.
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN
	SELECT RAISE(ABORT, 'audit_subjects is append-only');
END;
CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN
	SELECT RAISE(ABORT, 'audit_subjects is append-only');
END;
