/* sqlite_outcomes.c: the SQLite backend of outcome measures (issue 6). Not compiled on
 * its own: store_sqlite.c includes it before its operations table, so that it uses that
 * file's pool, statement cache and transaction helpers (sq_begin, sq_w…). */
#include "store/outcomes_backend.h"

static const char SQL_OUT_PERSON[] = "SELECT count(*) FROM persons WHERE org_id = ?1 AND id = ?2";
static const char SQL_OUT_ENROLMENT[] =
	"SELECT count(*) FROM enrolments WHERE org_id = ?1 AND id = ?2 AND person_id = ?3";
static const char SQL_OUT_INSERT[] =
	"INSERT INTO outcome_results (org_id, person_id, questionnaire, version, taken_on, answers, days, total, "
	"zone, positive, flags, sex, entered_by, self, enrolment_id, point_id, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
static const char SQL_OUT_GET[] =
	"SELECT " STORE_OUTCOME_COLS " FROM outcome_results o WHERE o.org_id = ?1 AND o.id = ?2";
static const char SQL_OUT_LIST[] =
	"SELECT " STORE_OUTCOME_COLS " FROM outcome_results o WHERE o.org_id = ?1 AND o.person_id = ?2 "
	"ORDER BY o.taken_on, o.id LIMIT 5000";
static const char SQL_OUT_LIST_OPEN[] =
	"SELECT " STORE_OUTCOME_COLS " FROM outcome_results o WHERE o.org_id = ?1 AND o.person_id IN "
	"(SELECT person_id FROM enrolments WHERE org_id = ?1 AND status IN ('active', 'paused')) "
	"ORDER BY o.taken_on DESC, o.id DESC LIMIT 5000";
static const char SQL_OUT_MARK[] =
	"UPDATE outcome_results SET error_at = ?3, error_by = ?4, error_reason = ?5 "
	"WHERE org_id = ?1 AND id = ?2 AND error_at IS NULL";
static const char SQL_OUT_EXISTS[] = "SELECT count(*) FROM outcome_results WHERE org_id = ?1 AND id = ?2";
static const char SQL_OUT_EVENTS[] =
	"SELECT ev.id, ev.org_id, ev.enrolment_id, ev.kind, ev.from_phase, ev.to_phase, ev.on_day, ev.reason, "
	"ev.by_user, ev.at FROM enrolment_events ev JOIN enrolments e ON e.org_id = ev.org_id "
	"AND e.id = ev.enrolment_id WHERE ev.org_id = ?1 AND e.status IN ('active', 'paused') "
	"ORDER BY ev.enrolment_id, ev.on_day, ev.id";
static const char SQL_OUT_PROGRAMME[] = "SELECT count(*) FROM programmes WHERE org_id = ?1 AND id = ?2";
static const char SQL_OUT_CONFIGURED[] =
	"SELECT count(*) FROM outcome_schedules WHERE org_id = ?1 AND programme_id = ?2";
static const char SQL_OUT_POINTS[] =
	"SELECT " STORE_OPOINT_COLS " FROM outcome_points WHERE org_id = ?1 AND (?2 = 0 OR programme_id = ?2) "
	"ORDER BY programme_id, id";
static const char SQL_OUT_CONFIGURE[] =
	"INSERT INTO outcome_schedules (org_id, programme_id, created_at) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (org_id, programme_id) DO NOTHING";
static const char SQL_OUT_POINT_ADD[] =
	"INSERT INTO outcome_points (org_id, programme_id, label, anchor, phase_key, offset_days, offset_months, "
	"window_days, questionnaires, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_OUT_POINT_REMOVE[] =
	"DELETE FROM outcome_points WHERE org_id = ?1 AND programme_id = ?2 AND id = ?3";
static const char SQL_OUT_LINK_ADD[] =
	"INSERT INTO outcome_links (org_id, token_hash, person_id, questionnaire, enrolment_id, point_id, "
	"created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_OUT_LINK_FIND[] = "SELECT " STORE_OLINK_COLS " FROM outcome_links WHERE token_hash = ?1";
static const char SQL_OUT_LINK_LIST[] =
	"SELECT " STORE_OLINK_COLS " FROM outcome_links WHERE org_id = ?1 AND person_id = ?2 "
	"ORDER BY created_at DESC, id DESC LIMIT 100";
static const char SQL_OUT_LINK_USE[] =
	"UPDATE outcome_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 "
	"AND org_id = ?3 AND person_id = ?4 AND questionnaire = ?5";
static const char SQL_OUT_LINK_COUNT[] = "SELECT count(*) FROM outcome_links WHERE token_hash = ?1";
static const char SQL_OUT_LINK_RESULT[] = "UPDATE outcome_links SET result_id = ?2 WHERE token_hash = ?1";
static const char SQL_OUT_ATTEMPT_ADD[] = "INSERT INTO outcome_link_attempts (addr_hash, at) VALUES (?1, ?2)";
static const char SQL_OUT_ATTEMPT_PURGE[] = "DELETE FROM outcome_link_attempts WHERE addr_hash = ?1 AND at < ?2";
static const char SQL_OUT_ATTEMPT_COUNT[] =
	"SELECT count(*) FROM outcome_link_attempts WHERE addr_hash = ?1 AND at >= ?2";

/* The insert of a result on c (inside a transaction); sets r->id. */
static int sq_outcome_insert(struct sq_conn *c, int64_t org_id, struct outcome_result *r)
{
	const struct sq_val v[] = { V_I(org_id),      V_I(r->person_id),    V_T(r->questionnaire),
				    V_I(r->version),   V_I(r->taken_on),     V_T(r->answers),
				    V_T(r->days),      V_I(r->total),	     V_T(r->zone),
				    V_PHASE(r->positive), V_T(r->flags),     V_T(r->sex),
				    V_ID(r->entered_by), V_I(r->self ? 1 : 0), V_ID(r->enrolment_id),
				    V_ID(r->point_id), V_I(r->created_at) };
	int ret = sq_w(c, SQL_OUT_INSERT, "outcome_add", v, NV(v), NULL);
	if (!ret)
		r->id = sqlite3_last_insert_rowid(c->db);
	return ret;
}

static int sq_outcome_check(struct sq_conn *c, int64_t org_id, const struct outcome_result *r, const char *what)
{
	const struct sq_val p[] = { V_I(org_id), V_I(r->person_id) };
	int64_t k = 0;
	int ret = sq_i(c, SQL_OUT_PERSON, what, p, NV(p), &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "%s: no such person", what);
	if (!ret && r->enrolment_id) {
		const struct sq_val e[] = { V_I(org_id), V_I(r->enrolment_id), V_I(r->person_id) };
		ret = sq_i(c, SQL_OUT_ENROLMENT, what, e, NV(e), &k);
		if (!ret && !k)
			ret = store_error(STORE_INVALID, "%s: not the person's enrolment", what);
	}
	return ret;
}

static int sq_outcome_add(struct store *s, int64_t org_id, struct outcome_result *r)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "outcome_add: begin");
	if (!ret)
		ret = sq_outcome_check(c, org_id, r, "outcome_add");
	if (!ret)
		ret = sq_outcome_insert(c, org_id, r);
	return sq_end(sq, c, ret, "outcome_add: commit");
}

static int sq_outcome_get(struct store *s, int64_t org_id, int64_t id, struct outcome_result *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_OUT_GET, "outcome_get", v, NV(v), &outcomes_result_map, out, sizeof *out);
}

static int sq_outcome_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_result **out,
			   size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id) };
	return sq_list1(s, person_id ? SQL_OUT_LIST : SQL_OUT_LIST_OPEN, "outcome_list", v, person_id ? 2 : 1,
			&outcomes_result_map, sizeof **out, (void **)out, n);
}

static int sq_outcome_mark_error(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at,
				 const char *reason)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_I(at), V_I(by_user), V_T(reason) };
	int ret, changes = 0;
	int64_t k = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "outcome_mark_error: begin");
	if (!ret)
		ret = sq_i(c, SQL_OUT_EXISTS, "outcome_mark_error", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_mark_error: no such result");
	if (!ret)
		ret = sq_w(c, SQL_OUT_MARK, "outcome_mark_error", v, NV(v), &changes);
	if (!ret && !changes)
		ret = store_error(STORE_CONFLICT, "outcome_mark_error: marked already");
	return sq_end(sq, c, ret, "outcome_mark_error: commit");
}

static int sq_outcome_open_events(struct store *s, int64_t org_id, struct enrolment_event **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id) };
	return sq_list1(s, SQL_OUT_EVENTS, "outcome_open_events", v, NV(v), &store_event_map, sizeof **out,
			(void **)out, n);
}

static int sq_outcome_points(struct store *s, int64_t org_id, int64_t programme_id, struct outcome_point **out,
			     size_t *n, bool *configured)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "outcome_points: begin");
	if (!ret && programme_id) {
		ret = sq_i(c, SQL_OUT_PROGRAMME, "outcome_points: programme", v, NV(v), &k);
		if (!ret && !k)
			ret = store_error(STORE_NOTFOUND, "outcome_points: no such programme");
		if (!ret)
			ret = sq_i(c, SQL_OUT_CONFIGURED, "outcome_points: configured", v, NV(v), &k);
		if (!ret && configured)
			*configured = k > 0;
	}
	if (!ret)
		ret = sq_rows(c, SQL_OUT_POINTS, "outcome_points", v, NV(v), &outcomes_point_map, sizeof **out,
			      (void **)out, n);
	return sq_end_read(sq, c, ret, "outcome_points: commit");
}

static int sq_outcome_point_insert(struct sq_conn *c, int64_t org_id, struct outcome_point *p)
{
	const struct sq_val v[] = { V_I(org_id),	V_I(p->programme_id), V_T(p->label),	     V_T(p->anchor),
				    V_T(p->phase_key),	V_I(p->offset_days),  V_I(p->offset_months), V_I(p->window_days),
				    V_T(p->questionnaires), V_I(p->created_at) };
	int ret = sq_w(c, SQL_OUT_POINT_ADD, "outcome_point_add", v, NV(v), NULL);
	if (!ret) {
		p->id = sqlite3_last_insert_rowid(c->db);
		p->org_id = org_id;
	}
	return ret;
}

static int sq_outcome_point_add(struct store *s, int64_t org_id, struct outcome_point *p)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(p->programme_id), V_I(p->created_at) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "outcome_point_add: begin");
	if (!ret)
		ret = sq_i(c, SQL_OUT_PROGRAMME, "outcome_point_add: programme", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_point_add: no such programme");
	if (!ret)
		ret = sq_w(c, SQL_OUT_CONFIGURE, "outcome_point_add: configure", v, NV(v), NULL);
	if (!ret)
		ret = sq_outcome_point_insert(c, org_id, p);
	return sq_end(sq, c, ret, "outcome_point_add: commit");
}

static int sq_outcome_point_remove(struct store *s, int64_t org_id, int64_t programme_id, int64_t id)
{
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(id) };
	return sq_write1(s, SQL_OUT_POINT_REMOVE, "outcome_point_remove", v, NV(v), true, NULL);
}

static int sq_outcome_schedule_seed(struct store *s, int64_t org_id, int64_t programme_id,
				    struct outcome_point *pts, size_t n, bool *seeded)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(now_seconds()) };
	int64_t k = 0;
	int ret, changes = 0;
	*seeded = false;
	struct sq_conn *c = sq_begin(sq, &ret, "outcome_schedule_seed: begin");
	if (!ret)
		ret = sq_i(c, SQL_OUT_PROGRAMME, "outcome_schedule_seed: programme", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_schedule_seed: no such programme");
	if (!ret)
		ret = sq_w(c, SQL_OUT_CONFIGURE, "outcome_schedule_seed: configure", v, NV(v), &changes);
	for (size_t i = 0; !ret && changes && i < n; i++) {
		pts[i].programme_id = programme_id;
		ret = sq_outcome_point_insert(c, org_id, &pts[i]);
	}
	if (!ret)
		*seeded = changes > 0;
	return sq_end(sq, c, ret, "outcome_schedule_seed: commit");
}

static int sq_outcome_link_create(struct store *s, int64_t org_id, struct outcome_link *l)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id),	  V_T(l->token_hash),	V_I(l->person_id),
				    V_T(l->questionnaire), V_ID(l->enrolment_id), V_ID(l->point_id),
				    V_I(l->created_by),	  V_I(l->created_at),	V_I(l->expires_at) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "outcome_link_create: begin");
	const struct sq_val p[] = { V_I(org_id), V_I(l->person_id) };
	if (!ret)
		ret = sq_i(c, SQL_OUT_PERSON, "outcome_link_create: person", p, NV(p), &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_link_create: no such person");
	if (!ret)
		ret = sq_w(c, SQL_OUT_LINK_ADD, "outcome_link_create", v, NV(v), NULL);
	if (!ret) {
		l->id = sqlite3_last_insert_rowid(c->db);
		l->org_id = org_id;
	}
	return sq_end(sq, c, ret, "outcome_link_create: commit");
}

static int sq_outcome_link_find(struct store *s, const char *token_hash, struct outcome_link *out)
{
	const struct sq_val v[] = { V_T(token_hash) };
	return sq_read1(s, SQL_OUT_LINK_FIND, "outcome_link_find", v, NV(v), &outcomes_link_map, out, sizeof *out);
}

static int sq_outcome_link_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_link **out,
				size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id) };
	return sq_list1(s, SQL_OUT_LINK_LIST, "outcome_link_list", v, NV(v), &outcomes_link_map, sizeof **out,
			(void **)out, n);
}

static int sq_outcome_link_consume(struct store *s, const char *token_hash, int64_t now, struct outcome_result *r)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_T(token_hash), V_I(now), V_I(r->org_id), V_I(r->person_id),
				    V_T(r->questionnaire) };
	int ret, changes = 0;
	int64_t k = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "outcome_link_consume: begin");
	if (!ret)
		ret = sq_w(c, SQL_OUT_LINK_USE, "outcome_link_consume", v, NV(v), &changes);
	if (!ret && !changes) {
		ret = sq_i(c, SQL_OUT_LINK_COUNT, "outcome_link_consume: link", v, 1, &k);
		if (!ret)
			ret = k ? store_error(STORE_CONFLICT, "outcome_link_consume: used or expired")
				: store_error(STORE_NOTFOUND, "outcome_link_consume: no such link");
	}
	if (!ret)
		ret = sq_outcome_check(c, r->org_id, r, "outcome_link_consume");
	if (!ret)
		ret = sq_outcome_insert(c, r->org_id, r);
	if (!ret) {
		const struct sq_val u[] = { V_T(token_hash), V_I(r->id) };
		ret = sq_w(c, SQL_OUT_LINK_RESULT, "outcome_link_consume: result", u, NV(u), NULL);
	}
	return sq_end(sq, c, ret, "outcome_link_consume: commit");
}

static int sq_outcome_attempt(struct store *s, const char *addr_hash, bool record, int64_t at, int64_t since,
			      int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val a[] = { V_T(addr_hash), V_I(at) };
	const struct sq_val q[] = { V_T(addr_hash), V_I(since) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "outcome_attempt: begin");
	/* This address's attempts older than the window are of no use any more. */
	if (!ret && record)
		ret = sq_w(c, SQL_OUT_ATTEMPT_PURGE, "outcome_attempt: purge", q, NV(q), NULL);
	if (!ret && record)
		ret = sq_w(c, SQL_OUT_ATTEMPT_ADD, "outcome_attempt", a, NV(a), NULL);
	if (!ret)
		ret = sq_i(c, SQL_OUT_ATTEMPT_COUNT, "outcome_attempt: count", q, NV(q), n);
	return sq_end(sq, c, ret, "outcome_attempt: commit");
}
