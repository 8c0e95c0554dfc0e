-- 016_attendance_days.sql (SQLite): the days each enrolment attended, one row per
-- (enrolment, day) however many sessions it attended that day. The caseload, the board and
-- the progress page count days in a range; counting rows of this table is one short
-- range scan, where counting DISTINCT days of attendance needed a temporary B-tree per
-- enrolment. The triggers below keep it equal to
--   SELECT org_id, enrolment_id, on_day, count(*) FROM attendance WHERE attended = 1 GROUP BY 1, 2, 3
-- in the same transaction as every change of attendance, whoever makes it. Nothing else
-- writes it. Same table as sql/postgresql/016.
CREATE TABLE attendance_days (
	org_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	on_day INTEGER NOT NULL,
	sessions INTEGER NOT NULL CHECK (sessions >= 0), -- attended sessions that day (0 only inside a trigger)
	PRIMARY KEY (org_id, enrolment_id, on_day)
) STRICT, WITHOUT ROWID;

INSERT INTO attendance_days (org_id, enrolment_id, on_day, sessions)
SELECT org_id, enrolment_id, on_day, count(*) FROM attendance WHERE attended = 1
GROUP BY org_id, enrolment_id, on_day;

CREATE TRIGGER attendance_days_insert AFTER INSERT ON attendance WHEN NEW.attended = 1
BEGIN
	INSERT INTO attendance_days (org_id, enrolment_id, on_day, sessions)
	VALUES (NEW.org_id, NEW.enrolment_id, NEW.on_day, 1)
	ON CONFLICT (org_id, enrolment_id, on_day) DO UPDATE SET sessions = sessions + 1;
END;

CREATE TRIGGER attendance_days_delete AFTER DELETE ON attendance WHEN OLD.attended = 1
BEGIN
	UPDATE attendance_days SET sessions = sessions - 1
	WHERE org_id = OLD.org_id AND enrolment_id = OLD.enrolment_id AND on_day = OLD.on_day;
	DELETE FROM attendance_days
	WHERE org_id = OLD.org_id AND enrolment_id = OLD.enrolment_id AND on_day = OLD.on_day AND sessions = 0;
END;

-- An update that only changes hours or the note leaves the days alone; one that changes
-- whether, when or who attended takes the old day away and adds the new one.
CREATE TRIGGER attendance_days_update_old AFTER UPDATE ON attendance
WHEN OLD.attended = 1 AND (NEW.attended <> 1 OR NEW.on_day <> OLD.on_day OR NEW.enrolment_id <> OLD.enrolment_id
			   OR NEW.org_id <> OLD.org_id)
BEGIN
	UPDATE attendance_days SET sessions = sessions - 1
	WHERE org_id = OLD.org_id AND enrolment_id = OLD.enrolment_id AND on_day = OLD.on_day;
	DELETE FROM attendance_days
	WHERE org_id = OLD.org_id AND enrolment_id = OLD.enrolment_id AND on_day = OLD.on_day AND sessions = 0;
END;

CREATE TRIGGER attendance_days_update_new AFTER UPDATE ON attendance
WHEN NEW.attended = 1 AND (OLD.attended <> 1 OR NEW.on_day <> OLD.on_day OR NEW.enrolment_id <> OLD.enrolment_id
			   OR NEW.org_id <> OLD.org_id)
BEGIN
	INSERT INTO attendance_days (org_id, enrolment_id, on_day, sessions)
	VALUES (NEW.org_id, NEW.enrolment_id, NEW.on_day, 1)
	ON CONFLICT (org_id, enrolment_id, on_day) DO UPDATE SET sessions = sessions + 1;
END;

-- The days attended in the current phase, on the enrolment itself: the caseload reads it
-- instead of counting. A day added or taken away on or after the phase's start counts;
-- a move to another phase (or a corrected phase date) counts afresh.
ALTER TABLE enrolments ADD COLUMN days_in_phase INTEGER NOT NULL DEFAULT 0 CHECK (days_in_phase >= 0);
UPDATE enrolments SET days_in_phase = (SELECT count(*) FROM attendance_days a
	WHERE a.org_id = enrolments.org_id AND a.enrolment_id = enrolments.id AND a.on_day >= enrolments.phase_since);

CREATE TRIGGER attendance_days_count_insert AFTER INSERT ON attendance_days
BEGIN
	UPDATE enrolments SET days_in_phase = days_in_phase + 1
	WHERE org_id = NEW.org_id AND id = NEW.enrolment_id AND phase_since <= NEW.on_day;
END;
CREATE TRIGGER attendance_days_count_delete AFTER DELETE ON attendance_days
BEGIN
	UPDATE enrolments SET days_in_phase = days_in_phase - 1
	WHERE org_id = OLD.org_id AND id = OLD.enrolment_id AND phase_since <= OLD.on_day;
END;
CREATE TRIGGER enrolments_days_in_phase AFTER UPDATE OF phase_since ON enrolments
WHEN NEW.phase_since <> OLD.phase_since
BEGIN
	UPDATE enrolments SET days_in_phase = (SELECT count(*) FROM attendance_days a
		WHERE a.org_id = NEW.org_id AND a.enrolment_id = NEW.id AND a.on_day >= NEW.phase_since)
	WHERE org_id = NEW.org_id AND id = NEW.id;
END;
