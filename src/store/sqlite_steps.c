/* sqlite_steps.c: the SQLite backend of step work and the plan (issue 4). Not compiled on
 * its own: store_sqlite.c includes it before its operations table, so that it uses that
 * file's pool, statement cache and transaction helpers (sq_begin, sq_w, sq_rows…). */
#include "store/steps_backend.h"

static const char SQL_STEPS_ENROL_EXISTS[] = "SELECT count(*) FROM enrolments WHERE org_id = ?1 AND id = ?2";
static const char SQL_STEPS_GET[] =
	"SELECT " STORE_STEP_COLS " FROM step_states WHERE org_id = ?1 AND enrolment_id = ?2 ORDER BY step";
static const char SQL_STEP_INSERT[] =
	"INSERT INTO step_states (org_id, enrolment_id, step, status, since, confirmed_by, changes, reopened) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_STEP_UPDATE[] =
	"UPDATE step_states SET status = ?4, since = ?5, confirmed_by = ?6, changes = ?7, reopened = ?8 "
	"WHERE org_id = ?1 AND enrolment_id = ?2 AND step = ?3 AND changes = ?9";
static const char SQL_STEP_EVENT_INSERT[] =
	"INSERT INTO step_events (org_id, enrolment_id, step, from_status, to_status, on_day, note, by_user, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_STEP_EVENTS[] = "SELECT " STORE_STEP_EVENT_COLS " FROM step_events "
				      "WHERE org_id = ?1 AND enrolment_id = ?2 ORDER BY on_day, id";
static const char SQL_PLAN_LATEST[] =
	"SELECT coalesce(max(number), 0) FROM plan_versions WHERE org_id = ?1 AND enrolment_id = ?2";
static const char SQL_PLAN_INSERT[] =
	"INSERT INTO plan_versions (org_id, enrolment_id, number, author, created_at, json) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_PLAN_GET[] = "SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
				   "WHERE org_id = ?1 AND enrolment_id = ?2 AND number = ?3";
static const char SQL_PLAN_GET_LATEST[] = "SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
					  "WHERE org_id = ?1 AND enrolment_id = ?2 ORDER BY number DESC LIMIT 1";
static const char SQL_PLAN_LIST[] = "SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
				    "WHERE org_id = ?1 AND enrolment_id = ?2 ORDER BY number";
static const char SQL_PLAN_LIST_BARE[] = "SELECT " STORE_PLAN_COLS ", NULL FROM plan_versions "
					 "WHERE org_id = ?1 AND enrolment_id = ?2 ORDER BY number";

/* NOTFOUND unless the enrolment is the organisation's (v: org_id, enrolment_id). */
static int sq_steps_enrolment(struct sq_conn *c, const struct sq_val *v, const char *what)
{
	int64_t k = 0;
	int ret = sq_i(c, SQL_STEPS_ENROL_EXISTS, what, v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "%s: no such enrolment", what);
	return ret;
}

static int sq_steps_get(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step out[12])
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id) };
	struct store_step *rows = NULL;
	size_t n = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "steps_get: begin");
	if (!ret)
		ret = sq_steps_enrolment(c, v, "steps_get");
	if (!ret)
		ret = sq_rows(c, SQL_STEPS_GET, "steps_get", v, NV(v), &steps_step_map, sizeof *rows, (void **)&rows, &n);
	ret = sq_end_read(sq, c, ret, "steps_get: commit");
	for (size_t i = 0; !ret && i < n; i++)
		if (rows[i].step >= 1 && rows[i].step <= 12)
			out[rows[i].step - 1] = rows[i];
	free(rows);
	return ret;
}

static int sq_step_change(struct store *s, int64_t org_id, int64_t enrolment_id, const struct store_step *st,
			  int expected_changes, struct store_step_event *ev)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id), V_I(st->step), V_T(st->status),
				    V_I(st->since), V_I(st->confirmed_by), V_I(st->changes), V_I(st->reopened),
				    V_I(expected_changes) };
	int ret, changes = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "step_change: begin");
	if (!ret)
		ret = sq_steps_enrolment(c, v, "step_change");
	if (!ret && expected_changes == 0)
		ret = sq_w(c, SQL_STEP_INSERT, "step_change", v, 8, &changes);
	else if (!ret)
		ret = sq_w(c, SQL_STEP_UPDATE, "step_change", v, NV(v), &changes);
	if (!ret && !changes)
		ret = store_error(STORE_CONFLICT, "step_change: changed meanwhile");
	if (!ret) {
		const struct sq_val e[] = { V_I(org_id), V_I(enrolment_id), V_I(ev->step), V_T(ev->from_status),
					    V_T(ev->to_status), V_I(ev->on_day), V_T(ev->note), V_I(ev->by_user),
					    V_I(ev->at) };
		ret = sq_w(c, SQL_STEP_EVENT_INSERT, "step_change: event", e, NV(e), NULL);
		if (!ret)
			ev->id = sqlite3_last_insert_rowid(c->db);
	}
	return sq_end(sq, c, ret, "step_change: commit");
}

static int sq_step_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step_event **out,
			  size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "step_events: begin");
	if (!ret)
		ret = sq_steps_enrolment(c, v, "step_events");
	if (!ret)
		ret = sq_rows(c, SQL_STEP_EVENTS, "step_events", v, NV(v), &steps_event_map, sizeof **out, (void **)out, n);
	return sq_end_read(sq, c, ret, "step_events: commit");
}

static int sq_plan_save(struct store *s, int64_t org_id, int64_t enrolment_id, int expected_latest,
			struct store_plan_version *v)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val p[] = { V_I(org_id), V_I(enrolment_id), V_I(v->number), V_I(v->author),
				    V_I(v->created_at), V_T(v->json) };
	int64_t latest = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "plan_save: begin");
	if (!ret)
		ret = sq_steps_enrolment(c, p, "plan_save");
	if (!ret)
		ret = sq_i(c, SQL_PLAN_LATEST, "plan_save: latest", p, 2, &latest);
	if (!ret && latest != expected_latest)
		ret = store_error(STORE_CONFLICT, "plan_save: a version was saved meanwhile");
	if (!ret)
		ret = sq_w(c, SQL_PLAN_INSERT, "plan_save", p, NV(p), NULL);
	return sq_end(sq, c, ret, "plan_save: commit");
}

/* Every row of st into a new array of versions, the JSON (column 4) copied when present. */
static int sq_plan_collect(struct sq_conn *c, sqlite3_stmt *st, const char *what, struct store_plan_version **out,
			   size_t *n)
{
	size_t cap = 0;
	struct store_plan_version *arr = NULL;
	int rc, ret = STORE_OK;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		arr = xgrow(arr, &cap, *n + 1, sizeof *arr);
		struct store_plan_version *r = &arr[*n];
		memset(r, 0, sizeof *r);
		sq_read_map(st, 0, &steps_plan_map, r);
		const char *j = (const char *)sqlite3_column_text(st, 4);
		if (j)
			r->json = xstrndup(j, (size_t)sqlite3_column_bytes(st, 4));
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		ret = sq_fail(c->db, what);
	sq_done(st);
	if (ret) {
		store_plan_versions_free(arr, *n);
		arr = NULL;
		*n = 0;
	}
	*out = arr;
	return ret;
}

static int sq_plan_get(struct store *s, int64_t org_id, int64_t enrolment_id, int number,
		       struct store_plan_version *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id), V_I(number) };
	struct store_plan_version *rows = NULL;
	size_t n = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "plan_get: begin");
	if (!ret) {
		sqlite3_stmt *st = sq_prep(c, number ? SQL_PLAN_GET : SQL_PLAN_GET_LATEST, v, number ? 3 : 2);
		ret = st ? sq_plan_collect(c, st, "plan_get", &rows, &n) : STORE_ERROR;
	}
	ret = sq_end_read(sq, c, ret, "plan_get: commit");
	if (!ret && n == 0)
		ret = store_error(STORE_NOTFOUND, "plan_get: not found");
	if (!ret) {
		*out = rows[0];
		rows[0].json = NULL;
	}
	store_plan_versions_free(rows, n);
	return ret;
}

static int sq_plan_versions(struct store *s, int64_t org_id, int64_t enrolment_id, bool with_json,
			    struct store_plan_version **out, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "plan_versions: begin");
	if (!ret)
		ret = sq_steps_enrolment(c, v, "plan_versions");
	if (!ret) {
		sqlite3_stmt *st = sq_prep(c, with_json ? SQL_PLAN_LIST : SQL_PLAN_LIST_BARE, v, NV(v));
		ret = st ? sq_plan_collect(c, st, "plan_versions", out, n) : STORE_ERROR;
	}
	ret = sq_end_read(sq, c, ret, "plan_versions: commit");
	if (ret) {
		store_plan_versions_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

/* ---- the latest plans of many enrolments; the organisation's step wording ---- */

static const char SQL_PLAN_LATEST_MANY[] =
	"SELECT " STORE_PLAN_COLS ", json FROM plan_versions pv "
	"WHERE org_id = ?1 AND enrolment_id IN (SELECT value FROM json_each(?2)) "
	"AND number = (SELECT max(number) FROM plan_versions x WHERE x.org_id = ?1 AND x.enrolment_id = pv.enrolment_id) "
	"ORDER BY enrolment_id";
static const char SQL_STEP_WORDING_GET[] =
	"SELECT " STORE_STEP_WORDING_COLS " FROM step_wording WHERE org_id = ?1 ORDER BY step, lang";
static const char SQL_STEP_WORDING_CLEAR[] = "DELETE FROM step_wording WHERE org_id = ?1";
static const char SQL_STEP_WORDING_INSERT[] =
	"INSERT INTO step_wording (org_id, step, lang, name, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static int sq_plan_latest_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			       struct store_plan_version **out, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	char *list = steps_id_list(ids, nids, '[', ']');
	const struct sq_val v[] = { V_I(org_id), V_T(list) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "plan_latest_many: begin");
	if (!ret) {
		sqlite3_stmt *st = sq_prep(c, SQL_PLAN_LATEST_MANY, v, NV(v));
		ret = st ? sq_plan_collect(c, st, "plan_latest_many", out, n) : STORE_ERROR;
	}
	ret = sq_end_read(sq, c, ret, "plan_latest_many: commit");
	free(list);
	if (ret) {
		store_plan_versions_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

static int sq_step_wording_get(struct store *s, int64_t org_id, struct store_step_wording *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id) };
	struct steps_wording_row *rows = NULL;
	size_t n = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "step_wording_get: begin");
	if (!ret)
		ret = sq_rows(c, SQL_STEP_WORDING_GET, "step_wording_get", v, NV(v), &steps_wording_map, sizeof *rows,
			      (void **)&rows, &n);
	ret = sq_end_read(sq, c, ret, "step_wording_get: commit");
	if (!ret)
		steps_wording_fill(rows, n, out);
	free(rows);
	return ret;
}

static int sq_step_wording_set(struct store *s, int64_t org_id, const struct store_step_wording *w, int64_t by_user,
			       int64_t at)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "step_wording_set: begin");
	if (!ret)
		ret = sq_w(c, SQL_STEP_WORDING_CLEAR, "step_wording_set: clear", v, NV(v), NULL);
	for (int i = 0; !ret && i < 12; i++)
		for (int l = 0; !ret && l < 3; l++) {
			if (!w->name[i][l][0])
				continue;
			const struct sq_val r[] = { V_I(org_id), V_I(i + 1), V_T(steps_wording_langs[l]),
						    V_T(w->name[i][l]), V_I(by_user), V_I(at) };
			ret = sq_w(c, SQL_STEP_WORDING_INSERT, "step_wording_set", r, NV(r), NULL);
		}
	return sq_end(sq, c, ret, "step_wording_set: commit");
}

static const char SQL_STEPS_GET_MANY[] =
	"SELECT " STORE_STEP_MANY_COLS " FROM step_states "
	"WHERE org_id = ?1 AND enrolment_id IN (SELECT value FROM json_each(?2)) ORDER BY enrolment_id, step";

static int sq_steps_get_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			     struct store_step (*out)[12])
{
	struct sq_store *sq = sq_of(s);
	char *list = steps_id_list(ids, nids, '[', ']');
	const struct sq_val v[] = { V_I(org_id), V_T(list) };
	struct steps_many_row *rows = NULL;
	size_t n = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "steps_get_many: begin");
	if (!ret)
		ret = sq_rows(c, SQL_STEPS_GET_MANY, "steps_get_many", v, NV(v), &steps_many_map, sizeof *rows,
			      (void **)&rows, &n);
	ret = sq_end_read(sq, c, ret, "steps_get_many: commit");
	free(list);
	if (!ret)
		steps_many_fill(rows, n, ids, nids, out);
	free(rows);
	return ret;
}
