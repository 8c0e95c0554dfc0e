-- 015_org_questionnaires.sql (PostgreSQL): an organisation's own definitions of the outcome
-- questionnaires (issue 6: "an organisation can load official wording where its licence
-- allows", "cut-offs configurable"), loaded with `tolv questionnaire load`. One active
-- definition per organisation and questionnaire: loading again replaces the row, removing
-- it goes back to the definition compiled into tolv. The id must be one of the built-in
-- ids: an organisation replaces the wording and cut-offs of an instrument tolv knows (its
-- schedules, due list, charts, API paths and FHIR codes are per built-in id), it does not
-- invent new instruments. The text is kept exactly as domain/orgquestionnaire.c validated
-- it; sha256 is its hex SHA-256 (the process cache is keyed by it) and version its
-- "version" field (stored with every result scored by it). Same table as sql/sqlite/015.
CREATE TABLE org_questionnaires (
	org_id bigint NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	questionnaire text NOT NULL CHECK (questionnaire IN ('audit', 'audit-c', 'dudit', 'days-abstinent')),
	version integer NOT NULL CHECK (version BETWEEN 1 AND 1000000),
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	definition text NOT NULL CHECK (octet_length(definition) BETWEEN 2 AND 262144),
	loaded_at bigint NOT NULL,
	loaded_by bigint REFERENCES users (id),
	PRIMARY KEY (org_id, questionnaire)
);
