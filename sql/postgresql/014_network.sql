-- 014_network.sql (PostgreSQL): the network report (issue 7, "The network"). Which
-- organisations of this installation have joined the network (a row while joined; leaving
-- deletes it — the audit log keeps the history), and the aggregate files imported from
-- other installations (`tolv network import`). An import belongs to the installation, not
-- to one organisation (like orgs itself): it holds another installation's aggregates only,
-- never a person, and is shown beside every joined organisation's figures. Same tables as
-- sql/sqlite/014. The file's text is kept as it was validated (domain/network.c); the
-- columns repeat what the report selects on.
CREATE TABLE network_members (
	org_id bigint PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
	joined_at bigint NOT NULL,
	joined_by bigint REFERENCES users (id)
);

CREATE TABLE network_imports (
	id bigserial PRIMARY KEY,
	installation text NOT NULL CHECK (octet_length(installation) BETWEEN 1 AND 100),
	org_name text NOT NULL CHECK (octet_length(org_name) BETWEEN 1 AND 200),
	template text NOT NULL CHECK (template ~ '^[a-z0-9_]{1,31}$'),
	from_day integer NOT NULL,
	to_day integer NOT NULL CHECK (to_day >= from_day),
	generated_at bigint NOT NULL,
	imported_at bigint NOT NULL,
	body text NOT NULL CHECK (octet_length(body) BETWEEN 2 AND 65536),
	UNIQUE (installation, org_name, template, from_day, to_day)
);
CREATE INDEX network_imports_period ON network_imports (template, from_day, to_day);
