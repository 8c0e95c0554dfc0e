/* pg_orgq.c: the PostgreSQL backend of an organisation's own questionnaire definitions
 * (issue 6). Not compiled on its own: store_pg.c includes it before its operations
 * table, so that it uses that file's pool, prepared statements and helpers (pg_read1…). */
#include "store/orgq_backend.h"

static int pg_orgq_put(struct store *s, int64_t org_id, const struct org_questionnaire *q, const char *json,
		       bool *replaced)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), q->questionnaire, I64(q->version), q->sha256,
			    json,	 I64(q->loaded_at), ID_OR_NULL(q->loaded_by) };
	int64_t inserted = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "orgq_put: begin", PG_WRITE);
	/* xmax = 0 tells an inserted row from one the upsert updated. */
	if (!ret)
		ret = pg_i(c, "orgq_put",
			   "INSERT INTO org_questionnaires (org_id, questionnaire, version, sha256, definition, loaded_at, "
			   "loaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, questionnaire) DO UPDATE "
			   "SET version = excluded.version, sha256 = excluded.sha256, definition = excluded.definition, "
			   "loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by "
			   "RETURNING (xmax = 0)::integer",
			   NVALS(v), v, &inserted);
	ret = pg_end(pg, c, ret, "orgq_put: commit");
	if (!ret)
		*replaced = !inserted;
	return ret;
}

static int pg_orgq_get(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out)
{
	const char *v[] = { I64(org_id), questionnaire };
	return pg_read1(s, "orgq_get",
			"SELECT " STORE_ORGQ_COLS " FROM org_questionnaires q LEFT JOIN users u ON u.id = q.loaded_by "
			"WHERE q.org_id = $1 AND q.questionnaire = $2",
			NVALS(v), v, &orgq_map, out, sizeof *out);
}

static int pg_orgq_body(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out,
			char **json)
{
	const char *v[] = { I64(org_id), questionnaire };
	struct orgq_body_row *row = xmalloc(sizeof *row);
	int ret = pg_read1(s, "orgq_body",
			   "SELECT " STORE_ORGQ_COLS ", q.definition FROM org_questionnaires q LEFT JOIN users u "
			   "ON u.id = q.loaded_by WHERE q.org_id = $1 AND q.questionnaire = $2",
			   NVALS(v), v, &orgq_body_map, row, sizeof *row);
	if (ret) {
		free(row);
		return ret;
	}
	orgq_body_take(row, out, json);
	return STORE_OK;
}

static int pg_orgq_list(struct store *s, int64_t org_id, struct org_questionnaire **out, size_t *n)
{
	const char *v[] = { I64(org_id) };
	return pg_list1(s, "orgq_list",
			"SELECT " STORE_ORGQ_COLS " FROM org_questionnaires q LEFT JOIN users u ON u.id = q.loaded_by "
			"WHERE q.org_id = $1 ORDER BY q.questionnaire COLLATE \"C\"",
			NVALS(v), v, &orgq_map, sizeof **out, (void **)out, n);
}

static int pg_orgq_remove(struct store *s, int64_t org_id, const char *questionnaire)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), questionnaire };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "orgq_remove: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "orgq_remove", "DELETE FROM org_questionnaires WHERE org_id = $1 AND questionnaire = $2",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes)
		ret = store_error(STORE_NOTFOUND, "orgq_remove: not found");
	return pg_end(pg, c, ret, "orgq_remove: commit");
}
