/* sqlite_training.c: the SQLite backend of therapist training (issue 7). Not compiled on
 * its own: store_sqlite.c includes it before its operations table, so that it uses that
 * file's pool, statement cache and transaction helpers (sq_begin, sq_w…). */
#include "store/training_backend.h"

static const char SQL_TRAINING_COURSES[] = "SELECT " STORE_TRAINING_COURSE_COLS
					   " FROM training_courses WHERE org_id = ?1 ORDER BY position, key LIMIT ?2";
static const char SQL_TRAINING_COURSE_ADD[] =
	"INSERT INTO training_courses (org_id, key, name, required_days, for_leading, position) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_TRAINING_RECORDS[] =
	"SELECT " STORE_TRAINING_RECORD_COLS " FROM training_records t JOIN training_courses c "
	"ON c.org_id = t.org_id AND c.key = t.course_key WHERE t.org_id = ?1 AND (?2 = 0 OR t.user_id = ?2) "
	"ORDER BY t.user_id, c.position, c.key";
static const char SQL_TRAINING_MEMBER[] = "SELECT count(*) FROM memberships WHERE org_id = ?1 AND user_id = ?2";
static const char SQL_TRAINING_REQUIRED[] =
	"SELECT required_days FROM training_courses WHERE org_id = ?1 AND key = ?2";
static const char SQL_TRAINING_SET[] =
	"INSERT INTO training_records (org_id, user_id, course_key, days_attended, certified_on, updated_at, "
	"updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (org_id, user_id, course_key) DO UPDATE SET "
	"days_attended = excluded.days_attended, certified_on = excluded.certified_on, "
	"updated_at = excluded.updated_at, updated_by = excluded.updated_by";
static const char SQL_TRAINING_CERTIFIED_COUNT[] =
	"SELECT count(*) FROM memberships m WHERE m.org_id = ?1 AND m.disabled = 0 AND m.role <> 'auditor' "
	"AND EXISTS (SELECT 1 FROM training_courses c WHERE c.org_id = ?1 AND c.for_leading = 1) "
	"AND NOT EXISTS (SELECT 1 FROM training_courses c WHERE c.org_id = ?1 AND c.for_leading = 1 "
	"AND NOT EXISTS (SELECT 1 FROM training_records t WHERE t.org_id = ?1 AND t.user_id = m.user_id "
	"AND t.course_key = c.key AND t.certified_on IS NOT NULL AND t.certified_on <= ?2))";
static const char SQL_TRAINING_SESSION_EXISTS[] =
	"SELECT count(*) FROM attendance_sessions WHERE org_id = ?1 AND id = ?2";
static const char SQL_TRAINING_OVERRIDE_GET[] =
	"SELECT reason, recorded_at, recorded_by FROM session_leader_overrides WHERE org_id = ?1 AND session_id = ?2";
static const char SQL_TRAINING_OVERRIDE_SET[] =
	"INSERT INTO session_leader_overrides (org_id, session_id, reason, recorded_at, recorded_by) "
	"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (org_id, session_id) DO UPDATE SET reason = excluded.reason, "
	"recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by";
static const char SQL_TRAINING_OVERRIDE_CLEAR[] =
	"DELETE FROM session_leader_overrides WHERE org_id = ?1 AND session_id = ?2";

static int sq_training_courses(struct store *s, int64_t org_id, struct store_training_course **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(STORE_TRAINING_COURSES_MAX) };
	return sq_list1(s, SQL_TRAINING_COURSES, "training_courses", v, NV(v), &training_course_map, sizeof **out,
			(void **)out, n);
}

static int sq_training_course_add(struct store *s, int64_t org_id, const struct store_training_course *c)
{
	const struct sq_val v[] = { V_I(org_id), V_T(c->key), V_T(c->name), V_I(c->required_days),
				    V_I(c->for_leading ? 1 : 0), V_I(c->position) };
	return sq_write1(s, SQL_TRAINING_COURSE_ADD, "training_course_add", v, NV(v), false, NULL);
}

static int sq_training_records(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record **out,
			       size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(user_id) };
	return sq_list1(s, SQL_TRAINING_RECORDS, "training_records", v, NV(v), &training_record_map, sizeof **out,
			(void **)out, n);
}

static int sq_training_set(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record *recs,
			   size_t n, int64_t by_user)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val m[] = { V_I(org_id), V_I(user_id) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "training_set: begin");
	if (!ret)
		ret = sq_i(c, SQL_TRAINING_MEMBER, "training_set: member", m, NV(m), &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "training_set: not a member");
	for (size_t i = 0; !ret && i < n; i++) {
		const struct store_training_record *r = &recs[i];
		const struct sq_val q[] = { V_I(org_id), V_T(r->course_key) };
		ret = sq_i(c, SQL_TRAINING_REQUIRED, "training_set: course", q, NV(q), &k);
		if (ret == STORE_NOTFOUND)
			ret = store_error(STORE_INVALID, "training_set: no such course");
		if (!ret && !training_record_fits(r, k))
			ret = store_error(STORE_INVALID, "training_set: days or certification out of range");
		const struct sq_val v[] = { V_I(org_id),	  V_I(user_id),		V_T(r->course_key),
					    V_I(r->days_attended), V_DAY(r->certified_on), V_I(r->updated_at),
					    V_ID(by_user) };
		if (!ret)
			ret = sq_w(c, SQL_TRAINING_SET, "training_set", v, NV(v), NULL);
	}
	return sq_end(sq, c, ret, "training_set: commit");
}

static int sq_training_certified_count(struct store *s, int64_t org_id, int32_t on_day, int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(on_day) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c, SQL_TRAINING_CERTIFIED_COUNT, "training_certified_count", v, NV(v), n);
	sq_put(sq, c, false);
	return ret;
}

static int sq_session_override_get(struct store *s, int64_t org_id, int64_t session_id,
				   struct store_session_override *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(session_id) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "session_override_get: begin");
	if (!ret)
		ret = sq_i(c, SQL_TRAINING_SESSION_EXISTS, "session_override_get: session", v, NV(v), &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_override_get: no such session");
	if (!ret) {
		ret = sq_r(c, SQL_TRAINING_OVERRIDE_GET, "session_override_get", v, NV(v), &training_override_map, out,
			   sizeof *out);
		if (ret == STORE_NOTFOUND)
			ret = STORE_OK;
	}
	return sq_end_read(sq, c, ret, "session_override_get: commit");
}

static int sq_session_override_set(struct store *s, int64_t org_id, int64_t session_id, const char *reason,
				   int64_t by_user)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(session_id), V_T(reason), V_I(now_seconds()), V_ID(by_user) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "session_override_set: begin");
	if (!ret)
		ret = sq_i(c, SQL_TRAINING_SESSION_EXISTS, "session_override_set: session", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_override_set: no such session");
	if (!ret && reason[0])
		ret = sq_w(c, SQL_TRAINING_OVERRIDE_SET, "session_override_set", v, NV(v), NULL);
	else if (!ret)
		ret = sq_w(c, SQL_TRAINING_OVERRIDE_CLEAR, "session_override_set: clear", v, 2, NULL);
	return sq_end(sq, c, ret, "session_override_set: commit");
}
