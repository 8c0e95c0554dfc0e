-- 008_sobriety_tests.sql (SQLite): sobriety monitoring (issue 6, "Tests") — the
-- organisation's substance classes (editable; deactivated, never deleted once used),
-- breathalyser and drug tests with a result per substance class and the laboratory's
-- confirmation, prescribed medication per person, the random-selection rule and zero
-- tolerance per programme, and every random draw made when a day's roster was opened.
-- Same tables and constraints as sql/postgresql/008; conventions as in 001 and 002
-- (STRICT tables, org_id in every key, composite foreign keys).
--
-- Units: a breath result is stored in hundredths of per mille (0.42 ‰ = 42, 0..500);
-- a rule's chance in hundredths of a per cent (20 % = 2000, 0..10000); a draw's
-- probability in parts per million (0..1000000) and its random value 0..999999
-- (selected when random_value < probability_ppm).

CREATE TABLE substance_classes (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs (id),
	key TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND 31 AND key NOT GLOB '*[^a-z0-9_]*'),
	label TEXT NOT NULL CHECK (length(CAST(label AS BLOB)) BETWEEN 1 AND 100),
	active INTEGER NOT NULL CHECK (active IN (0, 1)),
	sort_order INTEGER NOT NULL CHECK (sort_order BETWEEN 0 AND 10000),
	UNIQUE (org_id, key),
	UNIQUE (org_id, id)
) STRICT;

-- The default panel for the organisations that exist now (new ones get it on first use).
INSERT INTO substance_classes (org_id, key, label, active, sort_order)
SELECT o.id, d.key, d.label, 1, d.sort_order FROM orgs o CROSS JOIN (
	SELECT 'amphetamines' AS key, 'Amphetamines' AS label, 10 AS sort_order
	UNION ALL SELECT 'benzodiazepines', 'Benzodiazepines', 20
	UNION ALL SELECT 'cannabis', 'Cannabis', 30
	UNION ALL SELECT 'cocaine', 'Cocaine', 40
	UNION ALL SELECT 'opioids', 'Opioids', 50
	UNION ALL SELECT 'methadone', 'Methadone', 60
	UNION ALL SELECT 'buprenorphine', 'Buprenorphine', 70
	UNION ALL SELECT 'ghb', 'GHB', 80
	UNION ALL SELECT 'others', 'Others', 90) d;

CREATE TABLE sobriety_tests (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	person_id INTEGER NOT NULL,
	enrolment_id INTEGER,
	kind TEXT NOT NULL CHECK (kind IN ('breath', 'drug')),
	outcome TEXT NOT NULL CHECK (outcome IN ('done', 'refused')),
	taken_at INTEGER NOT NULL,
	on_day INTEGER NOT NULL,
	taken_by INTEGER NOT NULL,
	permille INTEGER CHECK (permille BETWEEN 0 AND 500),
	device TEXT NOT NULL CHECK (length(CAST(device AS BLOB)) <= 100),
	sample TEXT NOT NULL CHECK (sample IN ('', 'urine', 'saliva', 'blood')),
	observed INTEGER NOT NULL CHECK (observed IN (0, 1)),
	note TEXT NOT NULL CHECK (length(CAST(note AS BLOB)) <= 500),
	lab_sent_on INTEGER,
	lab_result TEXT NOT NULL CHECK (lab_result IN ('', 'confirmed', 'not_confirmed', 'partly')),
	lab_at INTEGER,
	lab_by INTEGER,
	flag INTEGER NOT NULL CHECK (flag IN (0, 1, 2)),
	recorded_at INTEGER NOT NULL,
	recorded_by INTEGER NOT NULL,
	CHECK ((kind = 'breath' AND outcome = 'done') = (permille IS NOT NULL)),
	CHECK (kind = 'drug' OR sample = ''),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (taken_by, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (recorded_by, org_id) REFERENCES memberships (user_id, org_id),
	FOREIGN KEY (lab_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX sobriety_tests_person ON sobriety_tests (org_id, person_id, taken_at);
CREATE INDEX sobriety_tests_day ON sobriety_tests (org_id, on_day);

CREATE TABLE sobriety_results (
	org_id INTEGER NOT NULL,
	test_id INTEGER NOT NULL,
	class_key TEXT NOT NULL,
	result TEXT NOT NULL CHECK (result IN ('negative', 'positive', 'inconclusive')),
	prescribed INTEGER NOT NULL CHECK (prescribed IN (0, 1)),
	lab TEXT NOT NULL CHECK (lab IN ('', 'confirmed', 'not_confirmed')),
	PRIMARY KEY (org_id, test_id, class_key),
	FOREIGN KEY (org_id, test_id) REFERENCES sobriety_tests (org_id, id),
	FOREIGN KEY (org_id, class_key) REFERENCES substance_classes (org_id, key)
) STRICT;

CREATE TABLE medications (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	person_id INTEGER NOT NULL,
	class_key TEXT NOT NULL,
	name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 200),
	from_day INTEGER NOT NULL,
	to_day INTEGER,
	created_at INTEGER NOT NULL,
	created_by INTEGER NOT NULL,
	CHECK (to_day IS NULL OR to_day >= from_day),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, class_key) REFERENCES substance_classes (org_id, key),
	FOREIGN KEY (created_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX medications_person ON medications (org_id, person_id, from_day);

-- Zero tolerance per programme (no row: off).
CREATE TABLE sobriety_settings (
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	zero_tolerance INTEGER NOT NULL CHECK (zero_tolerance IN (0, 1)),
	updated_at INTEGER NOT NULL,
	updated_by INTEGER,
	PRIMARY KEY (org_id, programme_id),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id)
) STRICT;

-- The random-selection rule of a programme (phase_key '') or of one of its phases.
CREATE TABLE test_rules (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	programme_id INTEGER NOT NULL,
	phase_key TEXT NOT NULL CHECK (length(CAST(phase_key AS BLOB)) <= 31 AND phase_key NOT GLOB '*[^a-z0-9_]*'),
	kind TEXT NOT NULL CHECK (kind IN ('percent', 'monthly')),
	percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 10000),
	per_month INTEGER NOT NULL CHECK (per_month BETWEEN 0 AND 31),
	active INTEGER NOT NULL CHECK (active IN (0, 1)),
	updated_at INTEGER NOT NULL,
	updated_by INTEGER,
	CHECK ((kind = 'percent' AND per_month = 0) OR (kind = 'monthly' AND percent = 0 AND per_month >= 1)),
	UNIQUE (org_id, programme_id, phase_key),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, programme_id) REFERENCES programmes (org_id, id)
) STRICT;

-- One draw per enrolment, day and rule: the UNIQUE key is what makes a reload, a second
-- tab or a second process read the stored draw instead of drawing again.
CREATE TABLE test_draws (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL,
	person_id INTEGER NOT NULL,
	enrolment_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	day INTEGER NOT NULL,
	rule_id INTEGER NOT NULL,
	rule_snapshot TEXT NOT NULL CHECK (length(CAST(rule_snapshot AS BLOB)) <= 200),
	probability_ppm INTEGER NOT NULL CHECK (probability_ppm BETWEEN 0 AND 1000000),
	random_value INTEGER NOT NULL CHECK (random_value BETWEEN 0 AND 999999),
	selected INTEGER NOT NULL CHECK (selected IN (0, 1)),
	drawn_at INTEGER NOT NULL,
	drawn_by INTEGER NOT NULL,
	CHECK ((selected = 1) = (random_value < probability_ppm)),
	UNIQUE (org_id, enrolment_id, day, rule_id),
	FOREIGN KEY (org_id, person_id) REFERENCES persons (org_id, id),
	FOREIGN KEY (org_id, enrolment_id) REFERENCES enrolments (org_id, id),
	FOREIGN KEY (org_id, rule_id) REFERENCES test_rules (org_id, id),
	FOREIGN KEY (drawn_by, org_id) REFERENCES memberships (user_id, org_id)
) STRICT;
CREATE INDEX test_draws_day ON test_draws (org_id, day);
CREATE INDEX test_draws_person ON test_draws (org_id, person_id, day);
