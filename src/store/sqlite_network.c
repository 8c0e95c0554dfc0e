/* sqlite_network.c: the SQLite backend of the network report (issue 7). Not compiled on
 * its own: store_sqlite.c includes it before its operations table, so that it uses that
 * file's pool, statement cache and transaction helpers (sq_begin, sq_w…). */
#include "store/network_backend.h"

static const char SQL_NETWORK_ORG_EXISTS[] = "SELECT count(*) FROM orgs WHERE id = ?1";
static const char SQL_NETWORK_JOIN[] =
	"INSERT INTO network_members (org_id, joined_at, joined_by) VALUES (?1, ?2, ?3) ON CONFLICT (org_id) DO NOTHING";
static const char SQL_NETWORK_LEAVE[] = "DELETE FROM network_members WHERE org_id = ?1";
static const char SQL_NETWORK_MEMBER_GET[] = "SELECT " STORE_NETWORK_MEMBER_COLS
					     " FROM network_members m JOIN orgs o ON o.id = m.org_id WHERE m.org_id = ?1";
static const char SQL_NETWORK_MEMBERS[] = "SELECT " STORE_NETWORK_MEMBER_COLS
					  " FROM network_members m JOIN orgs o ON o.id = m.org_id ORDER BY o.name, m.org_id";
static const char SQL_NETWORK_IMPORT_FIND[] =
	"SELECT id FROM network_imports WHERE installation = ?1 AND org_name = ?2 AND template = ?3 "
	"AND from_day = ?4 AND to_day = ?5";
static const char SQL_NETWORK_IMPORT_INSERT[] =
	"INSERT INTO network_imports (installation, org_name, template, from_day, to_day, generated_at, imported_at, "
	"body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_NETWORK_IMPORT_UPDATE[] =
	"UPDATE network_imports SET generated_at = ?6, imported_at = ?7, body = ?8 WHERE id = ?9 "
	"AND installation = ?1 AND org_name = ?2 AND template = ?3 AND from_day = ?4 AND to_day = ?5";
static const char SQL_NETWORK_IMPORT_LIST[] =
	"SELECT " STORE_NETWORK_IMPORT_COLS " FROM network_imports WHERE (?1 = '' OR template = ?1) "
	"AND (?2 IS NULL OR (from_day = ?2 AND to_day = ?3)) ORDER BY installation, org_name, from_day, to_day, id";
static const char SQL_NETWORK_IMPORT_BODY[] = "SELECT body FROM network_imports WHERE id = ?1";
static const char SQL_NETWORK_IMPORT_REMOVE[] = "DELETE FROM network_imports WHERE id = ?1";

static int sq_network_join(struct store *s, int64_t org_id, int64_t by_user, int64_t at, bool *joined)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(at), V_ID(by_user) };
	int64_t k = 0;
	int ret, changes = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "network_join: begin");
	if (!ret)
		ret = sq_i(c, SQL_NETWORK_ORG_EXISTS, "network_join: org", v, 1, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "network_join: no such organisation");
	if (!ret)
		ret = sq_w(c, SQL_NETWORK_JOIN, "network_join", v, NV(v), &changes);
	ret = sq_end(sq, c, ret, "network_join: commit");
	if (!ret)
		*joined = changes > 0;
	return ret;
}

static int sq_network_leave(struct store *s, int64_t org_id, bool *left)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id) };
	int changes = 0;
	struct sq_conn *c = sq_get(sq, true);
	int ret = sq_w(c, SQL_NETWORK_LEAVE, "network_leave", v, NV(v), &changes);
	sq_put(sq, c, true);
	if (!ret)
		*left = changes > 0;
	return ret;
}

static int sq_network_member_get(struct store *s, int64_t org_id, struct network_member *out)
{
	const struct sq_val v[] = { V_I(org_id) };
	return sq_read1(s, SQL_NETWORK_MEMBER_GET, "network_member_get", v, NV(v), &network_member_map, out,
			sizeof *out);
}

static int sq_network_members(struct store *s, struct network_member **out, size_t *n)
{
	return sq_list1(s, SQL_NETWORK_MEMBERS, "network_members", NULL, 0, &network_member_map, sizeof **out,
			(void **)out, n);
}

static int sq_network_import_put(struct store *s, struct network_import *imp, const char *body, bool *replaced)
{
	struct sq_store *sq = sq_of(s);
	int64_t id = 0;
	bool found = false;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "network_import_put: begin");
	const struct sq_val v[] = { V_T(imp->installation), V_T(imp->org_name), V_T(imp->template_key),
				    V_I(imp->from),	       V_I(imp->to),	       V_I(imp->generated_at),
				    V_I(imp->imported_at),     V_T(body),	       V_I(0) };
	if (!ret) {
		ret = sq_i(c, SQL_NETWORK_IMPORT_FIND, "network_import_put: find", v, 5, &id);
		if (ret == STORE_NOTFOUND) {
			id = 0;
			ret = STORE_OK;
		}
	}
	found = !ret && id;
	if (found) {
		struct sq_val u[9];
		memcpy(u, v, sizeof u);
		u[8] = (struct sq_val)V_I(id);
		ret = sq_w(c, SQL_NETWORK_IMPORT_UPDATE, "network_import_put: replace", u, 9, NULL);
	} else if (!ret) {
		ret = sq_w(c, SQL_NETWORK_IMPORT_INSERT, "network_import_put", v, 8, NULL);
		if (!ret)
			id = sqlite3_last_insert_rowid(c->db);
	}
	ret = sq_end(sq, c, ret, "network_import_put: commit");
	if (!ret) {
		*replaced = found;
		imp->id = id;
	}
	return ret;
}

static int sq_network_import_list(struct store *s, const char *template_key, int32_t from, int32_t to,
				  struct network_import **out, size_t *n)
{
	const struct sq_val v[] = { V_T(template_key), V_DAY(from), V_DAY(to) };
	return sq_list1(s, SQL_NETWORK_IMPORT_LIST, "network_import_list", v, NV(v), &network_import_map,
			sizeof **out, (void **)out, n);
}

static int sq_network_import_body(struct store *s, int64_t id, char **body)
{
	const struct sq_val v[] = { V_I(id) };
	struct network_body_row *row = xmalloc(sizeof *row);
	int ret = sq_read1(s, SQL_NETWORK_IMPORT_BODY, "network_import_body", v, NV(v), &network_body_map, row,
			   sizeof *row);
	if (ret) {
		free(row);
		return ret;
	}
	*body = network_body_take(row);
	return STORE_OK;
}

static int sq_network_import_remove(struct store *s, int64_t id)
{
	const struct sq_val v[] = { V_I(id) };
	return sq_write1(s, SQL_NETWORK_IMPORT_REMOVE, "network_import_remove", v, NV(v), true, NULL);
}
