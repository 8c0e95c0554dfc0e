-- 014_network.sql (SQLite): the network report (issue 7, "The network"). Which
-- organisations of this installation have joined the network (a row while joined; leaving
-- deletes it — the audit log keeps the history), and the aggregate files imported from
-- other installations (`tolv network import`). An import belongs to the installation, not
-- to one organisation (like orgs itself): it holds another installation's aggregates only,
-- never a person, and is shown beside every joined organisation's figures. Same tables as
-- sql/postgresql/014. The file's text is kept as it was validated (domain/network.c); the
-- columns repeat what the report selects on.
CREATE TABLE network_members (
	org_id INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
	joined_at INTEGER NOT NULL,
	joined_by INTEGER REFERENCES users (id)
) STRICT;

CREATE TABLE network_imports (
	id INTEGER PRIMARY KEY,
	installation TEXT NOT NULL CHECK (length(CAST(installation AS BLOB)) BETWEEN 1 AND 100),
	org_name TEXT NOT NULL CHECK (length(CAST(org_name AS BLOB)) BETWEEN 1 AND 200),
	template TEXT NOT NULL CHECK (length(template) BETWEEN 1 AND 31 AND template NOT GLOB '*[^a-z0-9_]*'),
	from_day INTEGER NOT NULL,
	to_day INTEGER NOT NULL CHECK (to_day >= from_day),
	generated_at INTEGER NOT NULL,
	imported_at INTEGER NOT NULL,
	body TEXT NOT NULL CHECK (length(CAST(body AS BLOB)) BETWEEN 2 AND 65536),
	UNIQUE (installation, org_name, template, from_day, to_day)
) STRICT;
CREATE INDEX network_imports_period ON network_imports (template, from_day, to_day);
