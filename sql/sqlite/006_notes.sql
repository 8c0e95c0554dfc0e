-- 006_notes.sql (SQLite): the clinical record's notes (issue 4, "Clinical notes") — a
-- note is a draft until its author signs it; a signed note is never changed or deleted
-- (the triggers below refuse it), and corrections are append-only addenda beside it.
-- Same tables and constraints as sql/postgresql/006_notes.sql; conventions as in 001 and
-- 002 (STRICT tables, org_id in every key, composite foreign keys, days as day numbers,
-- times unix seconds, NULL where the interface says 0).

CREATE TABLE notes (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	person_id INTEGER NOT NULL,
	enrolment_id INTEGER,
	type TEXT NOT NULL CHECK (type IN ('individual', 'group', 'step_presentation', 'phone', 'other')),
	on_day INTEGER NOT NULL,
	author INTEGER NOT NULL,
	text TEXT NOT NULL CHECK (length(CAST(text AS BLOB)) <= 20000),
	step INTEGER CHECK (step BETWEEN 1 AND 12),
	goal INTEGER CHECK (goal >= 1),
	assignment INTEGER CHECK (assignment >= 1),
	session_id INTEGER,
	drafted_on INTEGER NOT NULL,
	drafted_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	signed_at INTEGER,
	signed_by INTEGER,
	CHECK ((signed_at IS NULL) = (signed_by IS NULL)),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (author, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX notes_person ON notes (org_id, person_id, on_day, id);
CREATE INDEX notes_drafts ON notes (org_id, author, drafted_on) WHERE signed_at IS NULL;

-- Signing is the one UPDATE of a draft that sets signed_at; after it nothing changes.
CREATE TRIGGER notes_signed_no_update BEFORE UPDATE ON notes WHEN OLD.signed_at IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a signed note cannot be changed');
END;
CREATE TRIGGER notes_signed_no_delete BEFORE DELETE ON notes WHEN OLD.signed_at IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a signed note cannot be deleted');
END;

CREATE TABLE note_addenda (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	note_id INTEGER NOT NULL,
	author INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	text TEXT NOT NULL CHECK (length(CAST(text AS BLOB)) BETWEEN 1 AND 5000),
	FOREIGN KEY (org_id, note_id) REFERENCES notes (org_id, id),
	FOREIGN KEY (author, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX note_addenda_note ON note_addenda (org_id, note_id, id);

CREATE TRIGGER note_addenda_no_update BEFORE UPDATE ON note_addenda
BEGIN
	SELECT RAISE(ABORT, 'note_addenda is append-only');
END;
CREATE TRIGGER note_addenda_no_delete BEFORE DELETE ON note_addenda
BEGIN
	SELECT RAISE(ABORT, 'note_addenda is append-only');
END;
