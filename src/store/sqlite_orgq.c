/* sqlite_orgq.c: the SQLite backend of an organisation's own questionnaire definitions
 * (issue 6). Not compiled on its own: store_sqlite.c includes it before its operations
 * table, so that it uses that file's pool, statement cache and helpers (sq_read1…). */
#include "store/orgq_backend.h"

static const char SQL_ORGQ_PUT[] =
	"INSERT INTO org_questionnaires (org_id, questionnaire, version, sha256, definition, loaded_at, loaded_by) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (org_id, questionnaire) DO UPDATE SET "
	"version = excluded.version, sha256 = excluded.sha256, definition = excluded.definition, "
	"loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by";
static const char SQL_ORGQ_EXISTS[] = "SELECT count(*) FROM org_questionnaires WHERE org_id = ?1 AND questionnaire = ?2";
static const char SQL_ORGQ_GET[] = "SELECT " STORE_ORGQ_COLS " FROM org_questionnaires q LEFT JOIN users u "
				   "ON u.id = q.loaded_by WHERE q.org_id = ?1 AND q.questionnaire = ?2";
static const char SQL_ORGQ_BODY[] = "SELECT " STORE_ORGQ_COLS ", q.definition FROM org_questionnaires q "
				    "LEFT JOIN users u ON u.id = q.loaded_by WHERE q.org_id = ?1 AND q.questionnaire = ?2";
static const char SQL_ORGQ_LIST[] = "SELECT " STORE_ORGQ_COLS " FROM org_questionnaires q LEFT JOIN users u "
				    "ON u.id = q.loaded_by WHERE q.org_id = ?1 ORDER BY q.questionnaire";
static const char SQL_ORGQ_REMOVE[] = "DELETE FROM org_questionnaires WHERE org_id = ?1 AND questionnaire = ?2";

static int sq_orgq_put(struct store *s, int64_t org_id, const struct org_questionnaire *q, const char *json,
		       bool *replaced)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_T(q->questionnaire), V_I(q->version), V_T(q->sha256),
				    V_T(json),	 V_I(q->loaded_at),	V_ID(q->loaded_by) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "orgq_put: begin");
	if (!ret)
		ret = sq_i(c, SQL_ORGQ_EXISTS, "orgq_put: exists", v, 2, &k);
	if (!ret)
		ret = sq_w(c, SQL_ORGQ_PUT, "orgq_put", v, NV(v), NULL);
	ret = sq_end(sq, c, ret, "orgq_put: commit");
	if (!ret)
		*replaced = k > 0;
	return ret;
}

static int sq_orgq_get(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out)
{
	const struct sq_val v[] = { V_I(org_id), V_T(questionnaire) };
	return sq_read1(s, SQL_ORGQ_GET, "orgq_get", v, NV(v), &orgq_map, out, sizeof *out);
}

static int sq_orgq_body(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out,
			char **json)
{
	const struct sq_val v[] = { V_I(org_id), V_T(questionnaire) };
	struct orgq_body_row *row = xmalloc(sizeof *row);
	int ret = sq_read1(s, SQL_ORGQ_BODY, "orgq_body", v, NV(v), &orgq_body_map, row, sizeof *row);
	if (ret) {
		free(row);
		return ret;
	}
	orgq_body_take(row, out, json);
	return STORE_OK;
}

static int sq_orgq_list(struct store *s, int64_t org_id, struct org_questionnaire **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id) };
	return sq_list1(s, SQL_ORGQ_LIST, "orgq_list", v, NV(v), &orgq_map, sizeof **out, (void **)out, n);
}

static int sq_orgq_remove(struct store *s, int64_t org_id, const char *questionnaire)
{
	const struct sq_val v[] = { V_I(org_id), V_T(questionnaire) };
	return sq_write1(s, SQL_ORGQ_REMOVE, "orgq_remove", v, NV(v), true, NULL);
}
