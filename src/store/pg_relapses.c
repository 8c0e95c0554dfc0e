/* pg_relapses.c: the PostgreSQL backend of relapses (issue 6). Not compiled on its own:
 * store_pg.c includes it before its operations table, so that it uses that file's pool,
 * prepared statements and transaction helpers (pg_begin, pg_w, pg_rows…). */
#include "store/relapses_backend.h"

#define PG_RELAPSE_PERSON_EXISTS "SELECT count(*) FROM persons WHERE org_id = $1 AND id = $2"
#define PG_SOBER_SET                                                                                 \
	"INSERT INTO sober_since (org_id, person_id, since_on, updated_by, updated_at) "               \
	"VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, person_id) DO UPDATE SET "                   \
	"since_on = excluded.since_on, updated_by = excluded.updated_by, updated_at = excluded.updated_at"

static int pg_relapse_person_check(PGconn *c, int64_t org_id, int64_t person_id, const char *what)
{
	const char *v[] = { I64(org_id), I64(person_id) };
	int64_t k = 0;
	int ret = pg_i(c, what, PG_RELAPSE_PERSON_EXISTS, NVALS(v), v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "%s: no such person", what);
	return ret;
}

static int pg_relapse_create(struct store *s, int64_t org_id, struct store_relapse *r)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id),	   I64(r->person_id),	     ID_OR_NULL(r->enrolment_id),
			    I64(r->on_day),	   r->substances,	     r->source,
			    ID_OR_NULL(r->test_id), r->source_text,	     ID_OR_NULL(r->created_by),
			    I64(r->created_at) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "relapse_create: begin", PG_WRITE);
	if (!ret)
		ret = pg_relapse_person_check(c, org_id, r->person_id, "relapse_create: person");
	if (!ret)
		ret = pg_w(c, "relapse_create",
			   "INSERT INTO relapses (org_id, person_id, enrolment_id, on_day, substances, source, test_id, "
			   "source_text, status, review, decision_reason, extra_sessions, extra_sessions_text, "
			   "physician_status, detox_destination, detox_status, created_by, created_at, updated_by, "
			   "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', false, '', 0, '', '', '', '', "
			   "$9, $10, $9, $10) RETURNING id",
			   NVALS(v), v, NULL, &r->id);
	return pg_end(pg, c, ret, "relapse_create: commit");
}

static int pg_relapse_update(struct store *s, int64_t org_id, struct store_relapse *r, const char *expected_status,
			     bool sober_since_set, int32_t sober_since)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id),
			    I64(r->id),
			    expected_status,
			    r->status,
			    BOOL(r->review),
			    ID_OR_NULL(r->decided_by),
			    ID_OR_NULL(r->decided_at),
			    r->decision_reason,
			    DAY_OR_NULL(r->conversation_on),
			    ID_OR_NULL(r->plan_version),
			    I64(r->extra_sessions),
			    r->extra_sessions_text,
			    DAY_OR_NULL(r->physician_on),
			    r->physician_status,
			    r->detox_destination,
			    DAY_OR_NULL(r->detox_on),
			    r->detox_status,
			    ID_OR_NULL(r->paused_enrolment_id),
			    DAY_OR_NULL(r->paused_on),
			    DAY_OR_NULL(r->resumed_on),
			    ID_OR_NULL(r->updated_by),
			    I64(r->updated_at) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "relapse_update: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "relapse_update",
			   "UPDATE relapses SET status = $4, review = $5, decided_by = $6, decided_at = $7, "
			   "decision_reason = $8, conversation_on = $9, plan_version = $10, extra_sessions = $11, "
			   "extra_sessions_text = $12, physician_on = $13, physician_status = $14, "
			   "detox_destination = $15, detox_on = $16, detox_status = $17, paused_enrolment_id = $18, "
			   "paused_on = $19, resumed_on = $20, updated_by = $21, updated_at = $22 "
			   "WHERE org_id = $1 AND id = $2 AND status = $3",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes) {
		int64_t k = 0;
		ret = pg_i(c, "relapse_update: exists", "SELECT count(*) FROM relapses WHERE org_id = $1 AND id = $2", 2,
			   v, &k);
		if (!ret)
			ret = k ? store_error(STORE_CONFLICT, "relapse_update: the status changed meanwhile")
				: store_error(STORE_NOTFOUND, "relapse_update: no such relapse");
	}
	if (!ret && sober_since_set) {
		int64_t person = 0;
		ret = pg_i(c, "relapse_update: person", "SELECT person_id FROM relapses WHERE org_id = $1 AND id = $2",
			   2, v, &person);
		const char *w[] = { I64(org_id), I64(person), DAY_OR_NULL(sober_since), ID_OR_NULL(r->updated_by),
				    I64(r->updated_at) };
		if (!ret)
			ret = pg_w(c, "relapse_update: sober_since", PG_SOBER_SET, NVALS(w), w, NULL, NULL);
	}
	return pg_end(pg, c, ret, "relapse_update: commit");
}

static int pg_relapse_get(struct store *s, int64_t org_id, int64_t id, struct store_relapse *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "relapse_get",
			"SELECT " STORE_RELAPSE_COLS STORE_RELAPSE_FROM "WHERE r.org_id = $1 AND r.id = $2", NVALS(v), v,
			&relapses_map, out, sizeof *out);
}

static int pg_relapse_by_test(struct store *s, int64_t org_id, int64_t test_id, struct store_relapse *out)
{
	const char *v[] = { I64(org_id), I64(test_id) };
	return pg_read1(s, "relapse_by_test",
			"SELECT " STORE_RELAPSE_COLS STORE_RELAPSE_FROM "WHERE r.org_id = $1 AND r.test_id = $2",
			NVALS(v), v, &relapses_map, out, sizeof *out);
}

static int pg_relapse_list(struct store *s, int64_t org_id, int64_t person_id, int64_t therapist_id,
			   const char *status, int limit, struct store_relapse **out, size_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(person_id), I64(therapist_id), status, I64(limit) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "relapse_list: begin", PG_SNAPSHOT);
	if (!ret && person_id)
		ret = pg_relapse_person_check(c, org_id, person_id, "relapse_list: person");
	if (!ret)
		ret = pg_rows(c, "relapse_list",
			      "SELECT " STORE_RELAPSE_COLS STORE_RELAPSE_FROM
			      "WHERE r.org_id = $1 AND ($2::bigint = 0 OR r.person_id = $2::bigint) "
			      "AND ($3::bigint = 0 OR " RELAPSE_LIST_THERAPIST "$3::bigint)) "
			      "AND ($4::text = '' OR r.status = $4::text) ORDER BY r.on_day DESC, r.id DESC LIMIT $5",
			      NVALS(v), v, &relapses_map, sizeof **out, (void **)out, n, NULL);
	return pg_end(pg, c, ret, "relapse_list: commit");
}

static int pg_sober_since_get(struct store *s, int64_t org_id, int64_t person_id, int32_t *day)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(person_id) };
	static const struct store_col day_col[] = { { SCOL_DAY, 0, sizeof(int32_t) } };
	static const struct store_cols day_map = { day_col, 1 };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sober_since_get: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_relapse_person_check(c, org_id, person_id, "sober_since_get: person");
	if (!ret) {
		ret = pg_r(c, "sober_since_get", "SELECT since_on FROM sober_since WHERE org_id = $1 AND person_id = $2",
			   NVALS(v), v, &day_map, day, sizeof *day);
		if (ret == STORE_NOTFOUND) {
			*day = DATE_NONE;
			ret = 0;
		}
	}
	return pg_end(pg, c, ret, "sober_since_get: commit");
}

static int pg_sober_since_set(struct store *s, int64_t org_id, int64_t person_id, int32_t day, int64_t by_user)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(person_id), DAY_OR_NULL(day), ID_OR_NULL(by_user), I64(now_seconds()) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sober_since_set: begin", PG_WRITE);
	if (!ret)
		ret = pg_relapse_person_check(c, org_id, person_id, "sober_since_set: person");
	if (!ret)
		ret = pg_w(c, "sober_since_set", PG_SOBER_SET, NVALS(v), v, NULL, NULL);
	return pg_end(pg, c, ret, "sober_since_set: commit");
}

static int pg_relapse_settings_get(struct store *s, int64_t org_id, bool *show_sober_since)
{
	const char *v[] = { I64(org_id) };
	int64_t k = 0;
	int ret = pg_int1(s, "relapse_settings_get",
			  "SELECT count(*) FROM relapse_settings WHERE org_id = $1 AND show_sober_since", NVALS(v), v, &k);
	*show_sober_since = k > 0;
	return ret;
}

static int pg_relapse_settings_set(struct store *s, int64_t org_id, bool show_sober_since, int64_t by_user)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), BOOL(show_sober_since), ID_OR_NULL(by_user), I64(now_seconds()) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "relapse_settings_set: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "relapse_settings_set",
			   "INSERT INTO relapse_settings (org_id, show_sober_since, updated_by, updated_at) "
			   "VALUES ($1, $2, $3, $4) ON CONFLICT (org_id) DO UPDATE SET "
			   "show_sober_since = excluded.show_sober_since, updated_by = excluded.updated_by, "
			   "updated_at = excluded.updated_at",
			   NVALS(v), v, NULL, NULL);
	return pg_end(pg, c, ret, "relapse_settings_set: commit");
}
