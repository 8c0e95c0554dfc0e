/* pg_training.c: the PostgreSQL backend of therapist training (issue 7). Not compiled on
 * its own: store_pg.c includes it before its operations table, so that it uses that
 * file's pool, prepared statements and transaction helpers (pg_begin, pg_w…). */
#include "store/training_backend.h"

#define PG_TRAINING_SESSION_EXISTS "SELECT count(*) FROM attendance_sessions WHERE org_id = $1 AND id = $2"

static int pg_training_courses(struct store *s, int64_t org_id, struct store_training_course **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(STORE_TRAINING_COURSES_MAX) };
	return pg_list1(s, "training_courses",
			"SELECT " STORE_TRAINING_COURSE_COLS " FROM training_courses WHERE org_id = $1 "
			"ORDER BY position, key LIMIT $2",
			NVALS(v), v, &training_course_map, sizeof **out, (void **)out, n);
}

static int pg_training_course_add(struct store *s, int64_t org_id, const struct store_training_course *c)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), c->key, c->name, I64(c->required_days), c->for_leading ? "true" : "false",
			    I64(c->position) };
	int ret;
	PGconn *conn = pg_begin(pg, &ret, "training_course_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(conn, "training_course_add",
			   "INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position) "
			   "VALUES ($1, $2, $3, $4, $5, $6)",
			   NVALS(v), v, NULL, NULL);
	return pg_end(pg, conn, ret, "training_course_add: commit");
}

static int pg_training_records(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record **out,
			       size_t *n)
{
	const char *v[] = { I64(org_id), I64(user_id) };
	return pg_list1(s, "training_records",
			"SELECT " STORE_TRAINING_RECORD_COLS " FROM training_records t JOIN training_courses c "
			"ON c.org_id = t.org_id AND c.key = t.course_key WHERE t.org_id = $1 "
			"AND ($2::bigint = 0 OR t.user_id = $2::bigint) ORDER BY t.user_id, c.position, c.key",
			NVALS(v), v, &training_record_map, sizeof **out, (void **)out, n);
}

static int pg_training_set(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record *recs,
			   size_t n, int64_t by_user)
{
	struct pg_store *pg = pg_of(s);
	const char *m[] = { I64(org_id), I64(user_id) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "training_set: begin", PG_WRITE);
	/* The membership row is locked so that it cannot go while the records are written. */
	if (!ret)
		ret = pg_i(c, "training_set: member",
			   "SELECT count(*) FROM (SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2 "
			   "FOR KEY SHARE) x",
			   NVALS(m), m, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "training_set: not a member");
	for (size_t i = 0; !ret && i < n; i++) {
		const struct store_training_record *r = &recs[i];
		const char *q[] = { I64(org_id), r->course_key };
		ret = pg_i(c, "training_set: course",
			   "SELECT required_days FROM training_courses WHERE org_id = $1 AND key = $2 FOR KEY SHARE",
			   NVALS(q), q, &k);
		if (ret == STORE_NOTFOUND)
			ret = store_error(STORE_INVALID, "training_set: no such course");
		if (!ret && !training_record_fits(r, k))
			ret = store_error(STORE_INVALID, "training_set: days or certification out of range");
		const char *v[] = { I64(org_id),	    I64(user_id),	    r->course_key,
				    I64(r->days_attended), DAY_OR_NULL(r->certified_on), I64(r->updated_at),
				    ID_OR_NULL(by_user) };
		if (!ret)
			ret = pg_w(c, "training_set",
				   "INSERT INTO training_records (org_id, user_id, course_key, days_attended, certified_on, "
				   "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7) "
				   "ON CONFLICT (org_id, user_id, course_key) DO UPDATE SET "
				   "days_attended = excluded.days_attended, certified_on = excluded.certified_on, "
				   "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
				   NVALS(v), v, NULL, NULL);
	}
	return pg_end(pg, c, ret, "training_set: commit");
}

static int pg_training_certified_count(struct store *s, int64_t org_id, int32_t on_day, int64_t *n)
{
	const char *v[] = { I64(org_id), I64(on_day) };
	return pg_int1(s, "training_certified_count",
		       "SELECT count(*) FROM memberships m WHERE m.org_id = $1 AND NOT m.disabled "
		       "AND m.role <> 'auditor' "
		       "AND EXISTS (SELECT 1 FROM training_courses c WHERE c.org_id = $1 AND c.for_leading) "
		       "AND NOT EXISTS (SELECT 1 FROM training_courses c WHERE c.org_id = $1 AND c.for_leading "
		       "AND NOT EXISTS (SELECT 1 FROM training_records t WHERE t.org_id = $1 "
		       "AND t.user_id = m.user_id AND t.course_key = c.key AND t.certified_on IS NOT NULL "
		       "AND t.certified_on <= $2::integer))",
		       NVALS(v), v, n);
}

static int pg_session_override_get(struct store *s, int64_t org_id, int64_t session_id,
				   struct store_session_override *out)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(session_id) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "session_override_get: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_i(c, "session_override_get: session", PG_TRAINING_SESSION_EXISTS, NVALS(v), v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_override_get: no such session");
	if (!ret) {
		ret = pg_r(c, "session_override_get",
			   "SELECT reason, recorded_at, recorded_by FROM session_leader_overrides WHERE org_id = $1 "
			   "AND session_id = $2",
			   NVALS(v), v, &training_override_map, out, sizeof *out);
		if (ret == STORE_NOTFOUND)
			ret = STORE_OK;
	}
	return pg_end(pg, c, ret, "session_override_get: commit");
}

static int pg_session_override_set(struct store *s, int64_t org_id, int64_t session_id, const char *reason,
				   int64_t by_user)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(session_id), reason, I64(now_seconds()), ID_OR_NULL(by_user) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "session_override_set: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "session_override_set: session", PG_TRAINING_SESSION_EXISTS, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_override_set: no such session");
	if (!ret && reason[0])
		ret = pg_w(c, "session_override_set",
			   "INSERT INTO session_leader_overrides (org_id, session_id, reason, recorded_at, recorded_by) "
			   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, session_id) DO UPDATE SET "
			   "reason = excluded.reason, recorded_at = excluded.recorded_at, "
			   "recorded_by = excluded.recorded_by",
			   NVALS(v), v, NULL, NULL);
	else if (!ret)
		ret = pg_w(c, "session_override_set: clear",
			   "DELETE FROM session_leader_overrides WHERE org_id = $1 AND session_id = $2", 2, v, NULL, NULL);
	return pg_end(pg, c, ret, "session_override_set: commit");
}
