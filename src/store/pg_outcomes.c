/* pg_outcomes.c: the PostgreSQL backend of outcome measures (issue 6). Not compiled on
 * its own: store_pg.c includes it before its operations table, so that it uses that
 * file's pool, prepared statements and transaction helpers (pg_begin, pg_w…). */
#include "store/outcomes_backend.h"

#define PG_OUT_PERSON "SELECT count(*) FROM persons WHERE org_id = $1 AND id = $2"
#define PG_OUT_PROGRAMME "SELECT count(*) FROM programmes WHERE org_id = $1 AND id = $2"
#define PG_OUT_CONFIGURE                                                                           \
	"INSERT INTO outcome_schedules (org_id, programme_id, created_at) VALUES ($1, $2, $3) "       \
	"ON CONFLICT (org_id, programme_id) DO NOTHING"

static int pg_outcome_insert(PGconn *c, int64_t org_id, struct outcome_result *r)
{
	const char *v[] = { I64(org_id),	 I64(r->person_id),	 r->questionnaire,
			    I64(r->version),	 I64(r->taken_on),	 r->answers,
			    r->days,		 I64(r->total),		 r->zone,
			    PHASE_OR_NULL(r->positive), r->flags,	 r->sex,
			    ID_OR_NULL(r->entered_by), I64(r->self ? 1 : 0), ID_OR_NULL(r->enrolment_id),
			    ID_OR_NULL(r->point_id), I64(r->created_at) };
	return pg_w(c, "outcome_add",
		    "INSERT INTO outcome_results (org_id, person_id, questionnaire, version, taken_on, answers, days, "
		    "total, zone, positive, flags, sex, entered_by, self, enrolment_id, point_id, created_at) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
		    NVALS(v), v, NULL, &r->id);
}

static int pg_outcome_check(PGconn *c, int64_t org_id, const struct outcome_result *r, const char *what)
{
	const char *p[] = { I64(org_id), I64(r->person_id) };
	int64_t k = 0;
	int ret = pg_i(c, what, PG_OUT_PERSON, NVALS(p), p, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "%s: no such person", what);
	if (!ret && r->enrolment_id) {
		const char *e[] = { I64(org_id), I64(r->enrolment_id), I64(r->person_id) };
		ret = pg_i(c, what, "SELECT count(*) FROM enrolments WHERE org_id = $1 AND id = $2 AND person_id = $3",
			   NVALS(e), e, &k);
		if (!ret && !k)
			ret = store_error(STORE_INVALID, "%s: not the person's enrolment", what);
	}
	return ret;
}

static int pg_outcome_add(struct store *s, int64_t org_id, struct outcome_result *r)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "outcome_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_outcome_check(c, org_id, r, "outcome_add");
	if (!ret)
		ret = pg_outcome_insert(c, org_id, r);
	return pg_end(pg, c, ret, "outcome_add: commit");
}

static int pg_outcome_get(struct store *s, int64_t org_id, int64_t id, struct outcome_result *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "outcome_get",
			"SELECT " STORE_OUTCOME_COLS " FROM outcome_results o WHERE o.org_id = $1 AND o.id = $2",
			NVALS(v), v, &outcomes_result_map, out, sizeof *out);
}

static int pg_outcome_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_result **out,
			   size_t *n)
{
	const char *v[] = { I64(org_id), I64(person_id) };
	if (person_id)
		return pg_list1(s, "outcome_list",
				"SELECT " STORE_OUTCOME_COLS " FROM outcome_results o WHERE o.org_id = $1 "
				"AND o.person_id = $2 ORDER BY o.taken_on, o.id LIMIT 5000",
				NVALS(v), v, &outcomes_result_map, sizeof **out, (void **)out, n);
	return pg_list1(s, "outcome_list",
			"SELECT " STORE_OUTCOME_COLS " FROM outcome_results o WHERE o.org_id = $1 AND o.person_id IN "
			"(SELECT person_id FROM enrolments WHERE org_id = $1 AND status IN ('active', 'paused')) "
			"ORDER BY o.taken_on DESC, o.id DESC LIMIT 5000",
			1, v, &outcomes_result_map, sizeof **out, (void **)out, n);
}

static int pg_outcome_mark_error(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at,
				 const char *reason)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id), I64(at), I64(by_user), reason };
	int ret, changes = 0;
	int64_t k = 0;
	PGconn *c = pg_begin(pg, &ret, "outcome_mark_error: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "outcome_mark_error", "SELECT count(*) FROM outcome_results WHERE org_id = $1 AND id = $2",
			   2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_mark_error: no such result");
	if (!ret)
		ret = pg_w(c, "outcome_mark_error",
			   "UPDATE outcome_results SET error_at = $3, error_by = $4, error_reason = $5 "
			   "WHERE org_id = $1 AND id = $2 AND error_at IS NULL",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes)
		ret = store_error(STORE_CONFLICT, "outcome_mark_error: marked already");
	return pg_end(pg, c, ret, "outcome_mark_error: commit");
}

static int pg_outcome_open_events(struct store *s, int64_t org_id, struct enrolment_event **out, size_t *n)
{
	const char *v[] = { I64(org_id) };
	return pg_list1(s, "outcome_open_events",
			"SELECT ev.id, ev.org_id, ev.enrolment_id, ev.kind, ev.from_phase, ev.to_phase, ev.on_day, "
			"ev.reason, ev.by_user, ev.at FROM enrolment_events ev JOIN enrolments e "
			"ON e.org_id = ev.org_id AND e.id = ev.enrolment_id WHERE ev.org_id = $1 "
			"AND e.status IN ('active', 'paused') ORDER BY ev.enrolment_id, ev.on_day, ev.id",
			NVALS(v), v, &store_event_map, sizeof **out, (void **)out, n);
}

static int pg_outcome_points(struct store *s, int64_t org_id, int64_t programme_id, struct outcome_point **out,
			     size_t *n, bool *configured)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(programme_id) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "outcome_points: begin", PG_SNAPSHOT);
	if (!ret && programme_id) {
		ret = pg_i(c, "outcome_points: programme", PG_OUT_PROGRAMME, NVALS(v), v, &k);
		if (!ret && !k)
			ret = store_error(STORE_NOTFOUND, "outcome_points: no such programme");
		if (!ret)
			ret = pg_i(c, "outcome_points: configured",
				   "SELECT count(*) FROM outcome_schedules WHERE org_id = $1 AND programme_id = $2",
				   NVALS(v), v, &k);
		if (!ret && configured)
			*configured = k > 0;
	}
	if (!ret)
		ret = pg_rows(c, "outcome_points",
			      "SELECT " STORE_OPOINT_COLS " FROM outcome_points WHERE org_id = $1 "
			      "AND ($2::bigint = 0 OR programme_id = $2::bigint) ORDER BY programme_id, id",
			      NVALS(v), v, &outcomes_point_map, sizeof **out, (void **)out, n, NULL);
	return pg_end(pg, c, ret, "outcome_points: commit");
}

static int pg_outcome_point_insert(PGconn *c, int64_t org_id, struct outcome_point *p)
{
	const char *v[] = { I64(org_id),	 I64(p->programme_id),	p->label,
			    p->anchor,		 p->phase_key,		I64(p->offset_days),
			    I64(p->offset_months), I64(p->window_days), p->questionnaires,
			    I64(p->created_at) };
	int ret = pg_w(c, "outcome_point_add",
		       "INSERT INTO outcome_points (org_id, programme_id, label, anchor, phase_key, offset_days, "
		       "offset_months, window_days, questionnaires, created_at) "
		       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
		       NVALS(v), v, NULL, &p->id);
	if (!ret)
		p->org_id = org_id;
	return ret;
}

static int pg_outcome_point_add(struct store *s, int64_t org_id, struct outcome_point *p)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(p->programme_id), I64(p->created_at) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "outcome_point_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "outcome_point_add: programme", PG_OUT_PROGRAMME, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_point_add: no such programme");
	if (!ret)
		ret = pg_w(c, "outcome_point_add: configure", PG_OUT_CONFIGURE, NVALS(v), v, NULL, NULL);
	if (!ret)
		ret = pg_outcome_point_insert(c, org_id, p);
	return pg_end(pg, c, ret, "outcome_point_add: commit");
}

static int pg_outcome_point_remove(struct store *s, int64_t org_id, int64_t programme_id, int64_t id)
{
	const char *v[] = { I64(org_id), I64(programme_id), I64(id) };
	return pg_write(pg_of(s), "outcome_point_remove",
			"DELETE FROM outcome_points WHERE org_id = $1 AND programme_id = $2 AND id = $3", NVALS(v), v,
			true, NULL);
}

static int pg_outcome_schedule_seed(struct store *s, int64_t org_id, int64_t programme_id,
				    struct outcome_point *pts, size_t n, bool *seeded)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(programme_id), I64(now_seconds()) };
	int64_t k = 0;
	int ret, changes = 0;
	*seeded = false;
	PGconn *c = pg_begin(pg, &ret, "outcome_schedule_seed: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "outcome_schedule_seed: programme", PG_OUT_PROGRAMME, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_schedule_seed: no such programme");
	if (!ret)
		ret = pg_w(c, "outcome_schedule_seed: configure", PG_OUT_CONFIGURE, NVALS(v), v, &changes, NULL);
	for (size_t i = 0; !ret && changes && i < n; i++) {
		pts[i].programme_id = programme_id;
		ret = pg_outcome_point_insert(c, org_id, &pts[i]);
	}
	if (!ret)
		*seeded = changes > 0;
	return pg_end(pg, c, ret, "outcome_schedule_seed: commit");
}

static int pg_outcome_link_create(struct store *s, int64_t org_id, struct outcome_link *l)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id),	   l->token_hash,	     I64(l->person_id),
			    l->questionnaire,	   ID_OR_NULL(l->enrolment_id), ID_OR_NULL(l->point_id),
			    I64(l->created_by),	   I64(l->created_at),	     I64(l->expires_at) };
	const char *p[] = { I64(org_id), I64(l->person_id) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "outcome_link_create: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "outcome_link_create: person", PG_OUT_PERSON, NVALS(p), p, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "outcome_link_create: no such person");
	if (!ret)
		ret = pg_w(c, "outcome_link_create",
			   "INSERT INTO outcome_links (org_id, token_hash, person_id, questionnaire, enrolment_id, "
			   "point_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
			   "RETURNING id",
			   NVALS(v), v, NULL, &l->id);
	if (!ret)
		l->org_id = org_id;
	return pg_end(pg, c, ret, "outcome_link_create: commit");
}

static int pg_outcome_link_find(struct store *s, const char *token_hash, struct outcome_link *out)
{
	const char *v[] = { token_hash };
	return pg_read1(s, "outcome_link_find", "SELECT " STORE_OLINK_COLS " FROM outcome_links WHERE token_hash = $1",
			NVALS(v), v, &outcomes_link_map, out, sizeof *out);
}

static int pg_outcome_link_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_link **out,
				size_t *n)
{
	const char *v[] = { I64(org_id), I64(person_id) };
	return pg_list1(s, "outcome_link_list",
			"SELECT " STORE_OLINK_COLS " FROM outcome_links WHERE org_id = $1 AND person_id = $2 "
			"ORDER BY created_at DESC, id DESC LIMIT 100",
			NVALS(v), v, &outcomes_link_map, sizeof **out, (void **)out, n);
}

static int pg_outcome_link_consume(struct store *s, const char *token_hash, int64_t now, struct outcome_result *r)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { token_hash, I64(now), I64(r->org_id), I64(r->person_id), r->questionnaire };
	int ret, changes = 0;
	int64_t k = 0;
	PGconn *c = pg_begin(pg, &ret, "outcome_link_consume: begin", PG_WRITE);
	/* The row lock of the UPDATE makes a second consumer wait; it then re-reads the row,
	 * finds used_at set and changes nothing. */
	if (!ret)
		ret = pg_w(c, "outcome_link_consume",
			   "UPDATE outcome_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL "
			   "AND expires_at > $2 AND org_id = $3 AND person_id = $4 AND questionnaire = $5",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes) {
		ret = pg_i(c, "outcome_link_consume: link", "SELECT count(*) FROM outcome_links WHERE token_hash = $1", 1,
			   v, &k);
		if (!ret)
			ret = k ? store_error(STORE_CONFLICT, "outcome_link_consume: used or expired")
				: store_error(STORE_NOTFOUND, "outcome_link_consume: no such link");
	}
	if (!ret)
		ret = pg_outcome_check(c, r->org_id, r, "outcome_link_consume");
	if (!ret)
		ret = pg_outcome_insert(c, r->org_id, r);
	if (!ret) {
		const char *u[] = { token_hash, I64(r->id) };
		ret = pg_w(c, "outcome_link_consume: result",
			   "UPDATE outcome_links SET result_id = $2 WHERE token_hash = $1", NVALS(u), u, NULL, NULL);
	}
	return pg_end(pg, c, ret, "outcome_link_consume: commit");
}

static int pg_outcome_attempt(struct store *s, const char *addr_hash, bool record, int64_t at, int64_t since,
			      int64_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *a[] = { addr_hash, I64(at) };
	const char *q[] = { addr_hash, I64(since) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "outcome_attempt: begin", PG_WRITE);
	/* This address's attempts older than the window are of no use any more. */
	if (!ret && record)
		ret = pg_w(c, "outcome_attempt: purge",
			   "DELETE FROM outcome_link_attempts WHERE addr_hash = $1 AND at < $2", NVALS(q), q, NULL, NULL);
	if (!ret && record)
		ret = pg_w(c, "outcome_attempt", "INSERT INTO outcome_link_attempts (addr_hash, at) VALUES ($1, $2)",
			   NVALS(a), a, NULL, NULL);
	if (!ret)
		ret = pg_i(c, "outcome_attempt: count",
			   "SELECT count(*) FROM outcome_link_attempts WHERE addr_hash = $1 AND at >= $2", NVALS(q), q, n);
	return pg_end(pg, c, ret, "outcome_attempt: commit");
}
