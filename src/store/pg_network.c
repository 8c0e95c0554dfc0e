/* pg_network.c: the PostgreSQL backend of the network report (issue 7). Not compiled on
 * its own: store_pg.c includes it before its operations table, so that it uses that
 * file's pool, prepared statements and transaction helpers (pg_begin, pg_w…). */
#include "store/network_backend.h"

static int pg_network_join(struct store *s, int64_t org_id, int64_t by_user, int64_t at, bool *joined)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(at), ID_OR_NULL(by_user) };
	int64_t k = 0;
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "network_join: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "network_join: org", "SELECT count(*) FROM (SELECT 1 FROM orgs WHERE id = $1 FOR KEY SHARE) x",
			   1, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "network_join: no such organisation");
	if (!ret)
		ret = pg_w(c, "network_join",
			   "INSERT INTO network_members (org_id, joined_at, joined_by) VALUES ($1, $2, $3) "
			   "ON CONFLICT (org_id) DO NOTHING",
			   NVALS(v), v, &changes, NULL);
	ret = pg_end(pg, c, ret, "network_join: commit");
	if (!ret)
		*joined = changes > 0;
	return ret;
}

static int pg_network_leave(struct store *s, int64_t org_id, bool *left)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "network_leave: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "network_leave", "DELETE FROM network_members WHERE org_id = $1", NVALS(v), v, &changes,
			   NULL);
	ret = pg_end(pg, c, ret, "network_leave: commit");
	if (!ret)
		*left = changes > 0;
	return ret;
}

static int pg_network_member_get(struct store *s, int64_t org_id, struct network_member *out)
{
	const char *v[] = { I64(org_id) };
	return pg_read1(s, "network_member_get",
			"SELECT " STORE_NETWORK_MEMBER_COLS
			" FROM network_members m JOIN orgs o ON o.id = m.org_id WHERE m.org_id = $1",
			NVALS(v), v, &network_member_map, out, sizeof *out);
}

static int pg_network_members(struct store *s, struct network_member **out, size_t *n)
{
	return pg_list1(s, "network_members",
			"SELECT " STORE_NETWORK_MEMBER_COLS
			" FROM network_members m JOIN orgs o ON o.id = m.org_id ORDER BY o.name, m.org_id",
			0, NULL, &network_member_map, sizeof **out, (void **)out, n);
}

static int pg_network_import_put(struct store *s, struct network_import *imp, const char *body, bool *replaced)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { imp->installation,	  imp->org_name,	I64(imp->from),
			    I64(imp->to),	  imp->template_key,	I64(imp->generated_at),
			    I64(imp->imported_at), body };
	int64_t id = 0;
	bool found = false;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "network_import_put: begin", PG_WRITE);
	/* Two concurrent imports of one key: the unique constraint lets one win and the other
	 * fails (STORE_CONFLICT) rather than storing both. */
	if (!ret) {
		ret = pg_i(c, "network_import_put: find",
			   "SELECT id FROM network_imports WHERE installation = $1 AND org_name = $2 "
			   "AND from_day = $3::integer AND to_day = $4::integer AND template = $5 FOR UPDATE",
			   5, v, &id);
		if (ret == STORE_NOTFOUND) {
			id = 0;
			ret = STORE_OK;
		}
	}
	found = !ret && id;
	if (found) {
		const char *u[] = { I64(id), I64(imp->generated_at), I64(imp->imported_at), body };
		ret = pg_w(c, "network_import_put: replace",
			   "UPDATE network_imports SET generated_at = $2, imported_at = $3, body = $4 WHERE id = $1",
			   NVALS(u), u, NULL, NULL);
	} else if (!ret) {
		ret = pg_w(c, "network_import_put",
			   "INSERT INTO network_imports (installation, org_name, from_day, to_day, template, "
			   "generated_at, imported_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			   NVALS(v), v, NULL, &id);
	}
	ret = pg_end(pg, c, ret, "network_import_put: commit");
	if (!ret) {
		*replaced = found;
		imp->id = id;
	}
	return ret;
}

static int pg_network_import_list(struct store *s, const char *template_key, int32_t from, int32_t to,
				  struct network_import **out, size_t *n)
{
	const char *v[] = { template_key, DAY_OR_NULL(from), DAY_OR_NULL(to) };
	return pg_list1(s, "network_import_list",
			"SELECT " STORE_NETWORK_IMPORT_COLS " FROM network_imports WHERE ($1::text = '' OR template = $1) "
			"AND ($2::integer IS NULL OR (from_day = $2::integer AND to_day = $3::integer)) "
			"ORDER BY installation, org_name, from_day, to_day, id",
			NVALS(v), v, &network_import_map, sizeof **out, (void **)out, n);
}

static int pg_network_import_body(struct store *s, int64_t id, char **body)
{
	const char *v[] = { I64(id) };
	struct network_body_row *row = xmalloc(sizeof *row);
	int ret = pg_read1(s, "network_import_body", "SELECT body FROM network_imports WHERE id = $1", NVALS(v), v,
			   &network_body_map, row, sizeof *row);
	if (ret) {
		free(row);
		return ret;
	}
	*body = network_body_take(row);
	return STORE_OK;
}

static int pg_network_import_remove(struct store *s, int64_t id)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(id) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "network_import_remove: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "network_import_remove", "DELETE FROM network_imports WHERE id = $1", NVALS(v), v,
			   &changes, NULL);
	if (!ret && changes == 0)
		ret = store_error(STORE_NOTFOUND, "network_import_remove: not found");
	return pg_end(pg, c, ret, "network_import_remove: commit");
}
