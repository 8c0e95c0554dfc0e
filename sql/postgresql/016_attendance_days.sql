-- 016_attendance_days.sql (PostgreSQL): the days each enrolment attended, one row per
-- (enrolment, day) however many sessions it attended that day. The caseload, the board and
-- the progress page count days in a range; counting rows of this table is one short index
-- range, where count(DISTINCT on_day) over attendance sorted every enrolment's days. The
-- triggers keep it equal to
--   SELECT org_id, enrolment_id, on_day, count(*) FROM attendance WHERE attended GROUP BY 1, 2, 3
-- in the same transaction as every change of attendance, whoever makes it. The decrement
-- is one UPDATE (row-locked, so two concurrent removals of the same day both count) and
-- a row left at 0 is deleted before the transaction ends. Same table as sql/sqlite/016.
CREATE TABLE attendance_days (
	org_id bigint NOT NULL,
	enrolment_id bigint NOT NULL,
	on_day integer NOT NULL,
	sessions integer NOT NULL CHECK (sessions >= 0), -- attended sessions that day (0 only inside a trigger)
	PRIMARY KEY (org_id, enrolment_id, on_day)
);

INSERT INTO attendance_days (org_id, enrolment_id, on_day, sessions)
SELECT org_id, enrolment_id, on_day, count(*) FROM attendance WHERE attended
GROUP BY org_id, enrolment_id, on_day;

CREATE FUNCTION attendance_days_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND OLD.attended THEN
		UPDATE attendance_days SET sessions = sessions - 1
		WHERE org_id = OLD.org_id AND enrolment_id = OLD.enrolment_id AND on_day = OLD.on_day;
		DELETE FROM attendance_days
		WHERE org_id = OLD.org_id AND enrolment_id = OLD.enrolment_id AND on_day = OLD.on_day
		AND sessions = 0;
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.attended THEN
		INSERT INTO attendance_days (org_id, enrolment_id, on_day, sessions)
		VALUES (NEW.org_id, NEW.enrolment_id, NEW.on_day, 1)
		ON CONFLICT (org_id, enrolment_id, on_day) DO UPDATE SET sessions = attendance_days.sessions + 1;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER attendance_days_insert_delete AFTER INSERT OR DELETE ON attendance
	FOR EACH ROW EXECUTE FUNCTION attendance_days_sync();
-- An update that only changes hours or the note leaves the days alone.
CREATE TRIGGER attendance_days_update AFTER UPDATE ON attendance
	FOR EACH ROW
	WHEN (OLD.attended IS DISTINCT FROM NEW.attended OR OLD.on_day IS DISTINCT FROM NEW.on_day
	      OR OLD.enrolment_id IS DISTINCT FROM NEW.enrolment_id OR OLD.org_id IS DISTINCT FROM NEW.org_id)
	EXECUTE FUNCTION attendance_days_sync();

-- The days attended in the current phase, on the enrolment itself: the caseload reads it
-- instead of counting. A day added or taken away on or after the phase's start counts;
-- a move to another phase (or a corrected phase date) counts afresh. The enrolment's row
-- lock orders the two: the recount is a statement of its own in an AFTER trigger, so
-- under READ COMMITTED it sees every day committed before it got the lock, and a day
-- committed after re-reads the row with the new phase date.
ALTER TABLE enrolments ADD COLUMN days_in_phase integer NOT NULL DEFAULT 0 CHECK (days_in_phase >= 0);
UPDATE enrolments SET days_in_phase = (SELECT count(*) FROM attendance_days a
	WHERE a.org_id = enrolments.org_id AND a.enrolment_id = enrolments.id AND a.on_day >= enrolments.phase_since);

CREATE FUNCTION attendance_days_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE enrolments SET days_in_phase = days_in_phase + 1
		WHERE org_id = NEW.org_id AND id = NEW.enrolment_id AND phase_since <= NEW.on_day;
	ELSE
		UPDATE enrolments SET days_in_phase = days_in_phase - 1
		WHERE org_id = OLD.org_id AND id = OLD.enrolment_id AND phase_since <= OLD.on_day;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER attendance_days_count AFTER INSERT OR DELETE ON attendance_days
	FOR EACH ROW EXECUTE FUNCTION attendance_days_count();

CREATE FUNCTION enrolments_days_in_phase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE enrolments SET days_in_phase = (SELECT count(*) FROM attendance_days a
		WHERE a.org_id = NEW.org_id AND a.enrolment_id = NEW.id AND a.on_day >= NEW.phase_since)
	WHERE org_id = NEW.org_id AND id = NEW.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER enrolments_days_in_phase AFTER UPDATE OF phase_since ON enrolments
	FOR EACH ROW WHEN (OLD.phase_since IS DISTINCT FROM NEW.phase_since)
	EXECUTE FUNCTION enrolments_days_in_phase();
