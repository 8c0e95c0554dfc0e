/* pg_steps.c: the PostgreSQL backend of step work and the plan (issue 4). Not compiled on
 * its own: store_pg.c includes it before its operations table, so that it uses that
 * file's pool, prepared statements and transaction helpers (pg_begin, pg_w, pg_rows…). */
#include "store/steps_backend.h"

#define PG_STEPS_ENROL_EXISTS "SELECT count(*) FROM enrolments WHERE org_id = $1 AND id = $2"

/* NOTFOUND unless the enrolment is the organisation's (v: org_id, enrolment_id). */
static int pg_steps_enrolment(PGconn *c, const char *const *v, const char *what)
{
	int64_t k = 0;
	int ret = pg_i(c, what, PG_STEPS_ENROL_EXISTS, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "%s: no such enrolment", what);
	return ret;
}

static int pg_steps_get(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step out[12])
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(enrolment_id) };
	struct store_step *rows = NULL;
	size_t n = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "steps_get: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_steps_enrolment(c, v, "steps_get");
	if (!ret)
		ret = pg_rows(c, "steps_get",
			      "SELECT " STORE_STEP_COLS " FROM step_states WHERE org_id = $1 AND enrolment_id = $2 "
			      "ORDER BY step",
			      NVALS(v), v, &steps_step_map, sizeof *rows, (void **)&rows, &n, NULL);
	ret = pg_end(pg, c, ret, "steps_get: commit");
	for (size_t i = 0; !ret && i < n; i++)
		if (rows[i].step >= 1 && rows[i].step <= 12)
			out[rows[i].step - 1] = rows[i];
	free(rows);
	return ret;
}

static int pg_step_change(struct store *s, int64_t org_id, int64_t enrolment_id, const struct store_step *st,
			  int expected_changes, struct store_step_event *ev)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(enrolment_id), I64(st->step), st->status, I64(st->since),
			    I64(st->confirmed_by), I64(st->changes), I64(st->reopened), I64(expected_changes) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "step_change: begin", PG_WRITE);
	if (!ret)
		ret = pg_steps_enrolment(c, v, "step_change");
	if (!ret && expected_changes == 0)
		ret = pg_w(c, "step_change",
			   "INSERT INTO step_states (org_id, enrolment_id, step, status, since, confirmed_by, changes, "
			   "reopened) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			   8, v, &changes, NULL);
	else if (!ret)
		ret = pg_w(c, "step_change",
			   "UPDATE step_states SET status = $4, since = $5, confirmed_by = $6, changes = $7, "
			   "reopened = $8 WHERE org_id = $1 AND enrolment_id = $2 AND step = $3 AND changes = $9",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes)
		ret = store_error(STORE_CONFLICT, "step_change: changed meanwhile");
	if (!ret) {
		const char *e[] = { I64(org_id), I64(enrolment_id), I64(ev->step), ev->from_status, ev->to_status,
				    I64(ev->on_day), ev->note, I64(ev->by_user), I64(ev->at) };
		ret = pg_w(c, "step_change: event",
			   "INSERT INTO step_events (org_id, enrolment_id, step, from_status, to_status, on_day, note, "
			   "by_user, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			   NVALS(e), e, NULL, &ev->id);
	}
	return pg_end(pg, c, ret, "step_change: commit");
}

static int pg_step_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step_event **out,
			  size_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(enrolment_id) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "step_events: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_steps_enrolment(c, v, "step_events");
	if (!ret)
		ret = pg_rows(c, "step_events",
			      "SELECT " STORE_STEP_EVENT_COLS " FROM step_events WHERE org_id = $1 AND enrolment_id = $2 "
			      "ORDER BY on_day, id",
			      NVALS(v), v, &steps_event_map, sizeof **out, (void **)out, n, NULL);
	return pg_end(pg, c, ret, "step_events: commit");
}

static int pg_plan_save(struct store *s, int64_t org_id, int64_t enrolment_id, int expected_latest,
			struct store_plan_version *v)
{
	struct pg_store *pg = pg_of(s);
	const char *p[] = { I64(org_id), I64(enrolment_id), I64(v->number), I64(v->author), I64(v->created_at),
			    v->json };
	int64_t latest = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "plan_save: begin", PG_WRITE);
	if (!ret)
		ret = pg_steps_enrolment(c, p, "plan_save");
	if (!ret)
		ret = pg_i(c, "plan_save: latest",
			   "SELECT coalesce(max(number), 0) FROM plan_versions WHERE org_id = $1 AND enrolment_id = $2",
			   2, p, &latest);
	if (!ret && latest != expected_latest)
		ret = store_error(STORE_CONFLICT, "plan_save: a version was saved meanwhile");
	/* Two saves that both read the same latest number meet at the UNIQUE key: CONFLICT. */
	if (!ret)
		ret = pg_w(c, "plan_save",
			   "INSERT INTO plan_versions (org_id, enrolment_id, number, author, created_at, json) "
			   "VALUES ($1, $2, $3, $4, $5, $6)",
			   NVALS(p), p, NULL, NULL);
	return pg_end(pg, c, ret, "plan_save: commit");
}

/* Every row of a version query into a new array, the JSON (column 4) copied when present. */
static int pg_plan_collect(PGconn *c, const char *what, const char *sql, int n, const char *const *vals,
			   struct store_plan_version **out, size_t *nout)
{
	PGresult *r;
	*out = NULL;
	*nout = 0;
	int ret = pg_exec(c, what, sql, n, vals, &r);
	if (ret)
		return ret;
	int rows = PQntuples(r);
	struct store_plan_version *arr = rows ? xcalloc((size_t)rows, sizeof *arr) : NULL;
	for (int i = 0; i < rows; i++) {
		if (!pg_read_map(r, i, 0, &steps_plan_map, &arr[i])) {
			store_plan_versions_free(arr, (size_t)i);
			PQclear(r);
			return too_long(what);
		}
		if (!PQgetisnull(r, i, 4))
			arr[i].json = xstrndup(PQgetvalue(r, i, 4), (size_t)PQgetlength(r, i, 4));
	}
	PQclear(r);
	*out = arr;
	*nout = (size_t)rows;
	return STORE_OK;
}

static int pg_plan_get(struct store *s, int64_t org_id, int64_t enrolment_id, int number,
		       struct store_plan_version *out)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(enrolment_id), I64(number) };
	struct store_plan_version *rows = NULL;
	size_t n = 0;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	if (number)
		ret = pg_plan_collect(c, "plan_get",
				      "SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
				      "WHERE org_id = $1 AND enrolment_id = $2 AND number = $3",
				      3, v, &rows, &n);
	else
		ret = pg_plan_collect(c, "plan_get",
				      "SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
				      "WHERE org_id = $1 AND enrolment_id = $2 ORDER BY number DESC LIMIT 1",
				      2, v, &rows, &n);
	pg_put(pg, c);
	if (!ret && n == 0)
		ret = store_error(STORE_NOTFOUND, "plan_get: not found");
	if (!ret) {
		*out = rows[0];
		rows[0].json = NULL;
	}
	store_plan_versions_free(rows, n);
	return ret;
}

static int pg_plan_versions(struct store *s, int64_t org_id, int64_t enrolment_id, bool with_json,
			    struct store_plan_version **out, size_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(enrolment_id) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "plan_versions: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_steps_enrolment(c, v, "plan_versions");
	if (!ret && with_json)
		ret = pg_plan_collect(c, "plan_versions",
				      "SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
				      "WHERE org_id = $1 AND enrolment_id = $2 ORDER BY number",
				      2, v, out, n);
	else if (!ret)
		ret = pg_plan_collect(c, "plan_versions",
				      "SELECT " STORE_PLAN_COLS ", NULL FROM plan_versions "
				      "WHERE org_id = $1 AND enrolment_id = $2 ORDER BY number",
				      2, v, out, n);
	ret = pg_end(pg, c, ret, "plan_versions: commit");
	if (ret) {
		store_plan_versions_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

/* ---- the latest plans of many enrolments; the organisation's step wording ---- */

static int pg_plan_latest_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			       struct store_plan_version **out, size_t *n)
{
	struct pg_store *pg = pg_of(s);
	char *list = steps_id_list(ids, nids, '{', '}');
	const char *v[] = { I64(org_id), list };
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (c) {
		ret = pg_plan_collect(c, "plan_latest_many",
				      /* Only the latest row of each (the UNIQUE key's index, backwards):
				       * earlier versions' JSON is never read. */
				      "SELECT pv.enrolment_id, pv.number, pv.author, pv.created_at, pv.json "
				      "FROM (SELECT DISTINCT unnest($2::bigint[]) AS id) ids CROSS JOIN LATERAL "
				      "(SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
				      "WHERE org_id = $1 AND enrolment_id = ids.id ORDER BY number DESC LIMIT 1) pv "
				      "ORDER BY pv.enrolment_id",
				      NVALS(v), v, out, n);
		pg_put(pg, c);
	}
	free(list);
	return ret;
}

static int pg_step_wording_get(struct store *s, int64_t org_id, struct store_step_wording *out)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id) };
	struct steps_wording_row *rows = NULL;
	size_t n = 0;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (c) {
		ret = pg_rows(c, "step_wording_get",
			      "SELECT " STORE_STEP_WORDING_COLS " FROM step_wording WHERE org_id = $1 ORDER BY step, lang",
			      NVALS(v), v, &steps_wording_map, sizeof *rows, (void **)&rows, &n, NULL);
		pg_put(pg, c);
	}
	if (!ret)
		steps_wording_fill(rows, n, out);
	free(rows);
	return ret;
}

static int pg_step_wording_set(struct store *s, int64_t org_id, const struct store_step_wording *w, int64_t by_user,
			       int64_t at)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "step_wording_set: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "step_wording_set: clear", "DELETE FROM step_wording WHERE org_id = $1", NVALS(v), v, NULL,
			   NULL);
	for (int i = 0; !ret && i < 12; i++)
		for (int l = 0; !ret && l < 3; l++) {
			if (!w->name[i][l][0])
				continue;
			const char *r[] = { I64(org_id), I64(i + 1), steps_wording_langs[l], w->name[i][l], I64(by_user),
					    I64(at) };
			ret = pg_w(c, "step_wording_set",
				   "INSERT INTO step_wording (org_id, step, lang, name, updated_by, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6)",
				   NVALS(r), r, NULL, NULL);
		}
	return pg_end(pg, c, ret, "step_wording_set: commit");
}

static int pg_steps_get_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			     struct store_step (*out)[12])
{
	struct pg_store *pg = pg_of(s);
	char *list = steps_id_list(ids, nids, '{', '}');
	const char *v[] = { I64(org_id), list };
	struct steps_many_row *rows = NULL;
	size_t n = 0;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (c) {
		ret = pg_rows(c, "steps_get_many",
			      "SELECT " STORE_STEP_MANY_COLS " FROM step_states "
			      "WHERE org_id = $1 AND enrolment_id = ANY ($2::bigint[]) ORDER BY enrolment_id, step",
			      NVALS(v), v, &steps_many_map, sizeof *rows, (void **)&rows, &n, NULL);
		pg_put(pg, c);
	}
	free(list);
	if (!ret)
		steps_many_fill(rows, n, ids, nids, out);
	free(rows);
	return ret;
}
