/* pg_sobriety.c: the PostgreSQL backend of sobriety tests (issue 6, "Tests"). Not
 * compiled on its own: store_pg.c includes it before its operations table, so that it
 * uses that file's pool, prepared statements and transaction helpers (pg_begin, pg_w…). */
#include "store/sobriety_backend.h"

#define PG_SOB_PERSON "SELECT count(*) FROM persons WHERE org_id = $1 AND id = $2"
#define PG_SOB_ENROLMENT_PERSON "SELECT person_id FROM enrolments WHERE org_id = $1 AND id = $2"
#define PG_SOB_MEMBER "SELECT count(*) FROM memberships WHERE org_id = $1 AND user_id = $2"
#define PG_SOB_PROGRAMME "SELECT count(*) FROM programmes WHERE org_id = $1 AND id = $2"

static int pg_sob_need(PGconn *c, const char *sql, const char *what, int64_t org_id, int64_t id, int missing)
{
	const char *v[] = { I64(org_id), I64(id) };
	int64_t k = 0;
	int ret = pg_i(c, what, sql, NVALS(v), v, &k);
	if (!ret && !k)
		ret = store_error(missing, "%s: not found", what);
	return ret;
}

static int pg_sob_class_active(PGconn *c, int64_t org_id, const char *key, const char *what)
{
	const char *v[] = { I64(org_id), key };
	int64_t k = 0;
	int ret = pg_i(c, what, "SELECT count(*) FROM substance_classes WHERE org_id = $1 AND key = $2 AND active = 1",
		       NVALS(v), v, &k);
	if (!ret && !k)
		ret = store_error(STORE_INVALID, "%s: an unknown or inactive substance class", what);
	return ret;
}

/* ---- substance classes ---- */

static int pg_substance_seed(struct store *s, int64_t org_id, int *added)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id) };
	int64_t k = 0;
	int ret;
	*added = 0;
	PGconn *c = pg_begin(pg, &ret, "substance_seed: begin", PG_WRITE);
	/* Serialises seeding of one organisation: a second caller waits, then sees the rows. */
	if (!ret)
		ret = pg_i(c, "substance_seed: lock", "SELECT count(*) FROM (SELECT id FROM orgs WHERE id = $1 FOR UPDATE) o",
			   NVALS(v), v, &k);
	if (!ret)
		ret = pg_i(c, "substance_seed: count", "SELECT count(*) FROM substance_classes WHERE org_id = $1", NVALS(v),
			   v, &k);
	for (size_t i = 0; !ret && !k && i < SOB_NDEFAULT_CLASSES; i++) {
		const char *a[] = { I64(org_id), sob_default_classes[i].key, sob_default_classes[i].label,
				    I64(sob_default_classes[i].sort_order) };
		int ch = 0;
		ret = pg_w(c, "substance_seed",
			   "INSERT INTO substance_classes (org_id, key, label, active, sort_order) "
			   "VALUES ($1, $2, $3, 1, $4) ON CONFLICT (org_id, key) DO NOTHING",
			   NVALS(a), a, &ch, NULL);
		*added += ch;
	}
	return pg_end(pg, c, ret, "substance_seed: commit");
}

static int pg_substance_list(struct store *s, int64_t org_id, bool include_inactive, struct substance_class **out,
			     size_t *n)
{
	const char *v[] = { I64(org_id), I64(include_inactive) };
	return pg_list1(s, "substance_list",
			"SELECT " SOB_CLASS_COLS " FROM substance_classes c WHERE c.org_id = $1 "
			"AND ($2::integer = 1 OR c.active = 1) ORDER BY c.sort_order, c.label, c.key",
			NVALS(v), v, &sob_class_map, sizeof **out, (void **)out, n);
}

static int pg_substance_add(struct store *s, int64_t org_id, struct substance_class *c)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), c->key, c->label, I64(c->active), I64(c->sort_order) };
	int64_t k = 0;
	int ret;
	PGconn *cn = pg_begin(pg, &ret, "substance_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(cn, "substance_add: count", "SELECT count(*) FROM substance_classes WHERE org_id = $1", 1, v, &k);
	if (!ret && k >= STORE_SOB_CLASSES_MAX)
		ret = store_error(STORE_FULL, "substance_add: too many classes");
	if (!ret)
		ret = pg_w(cn, "substance_add",
			   "INSERT INTO substance_classes (org_id, key, label, active, sort_order) "
			   "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			   NVALS(v), v, NULL, &c->id);
	return pg_end(pg, cn, ret, "substance_add: commit");
}

static int pg_substance_update(struct store *s, int64_t org_id, const struct substance_class *c)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(c->id), c->label, I64(c->active), I64(c->sort_order) };
	int ret, ch = 0;
	PGconn *cn = pg_begin(pg, &ret, "substance_update: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(cn, "substance_update",
			   "UPDATE substance_classes SET label = $3, active = $4, sort_order = $5 WHERE org_id = $1 AND id = $2",
			   NVALS(v), v, &ch, NULL);
	if (!ret && !ch)
		ret = store_error(STORE_NOTFOUND, "substance_update: not found");
	return pg_end(pg, cn, ret, "substance_update: commit");
}

static int pg_substance_delete(struct store *s, int64_t org_id, int64_t id)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id) };
	struct substance_class cl;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "substance_delete: begin", PG_WRITE);
	if (!ret)
		ret = pg_r(c, "substance_delete",
			   "SELECT " SOB_CLASS_COLS " FROM substance_classes c WHERE c.org_id = $1 AND c.id = $2 FOR UPDATE",
			   NVALS(v), v, &sob_class_map, &cl, sizeof cl);
	if (!ret && cl.used)
		ret = store_error(STORE_CONFLICT, "substance_delete: the class is in use");
	if (!ret)
		ret = pg_w(c, "substance_delete", "DELETE FROM substance_classes WHERE org_id = $1 AND id = $2", NVALS(v), v,
			   NULL, NULL);
	return pg_end(pg, c, ret, "substance_delete: commit");
}

/* ---- tests ---- */

static int pg_sob_results_of(PGconn *c, int64_t org_id, int64_t test_id, int64_t person_id, struct sob_test *tests,
			     size_t nt)
{
	const char *v[] = { I64(org_id), I64(test_id), I64(person_id) };
	struct sob_result_row *rows = NULL;
	size_t n = 0;
	int ret = pg_rows(c, "sob_results",
			  "SELECT " SOB_RESULT_COLS SOB_RESULT_FROM " WHERE r.org_id = $1 AND ($2::bigint = 0 OR "
			  "r.test_id = $2::bigint) AND ($3::bigint = 0 OR t.person_id = $3::bigint)" SOB_RESULT_ORDER,
			  NVALS(v), v, &sob_result_map, sizeof *rows, (void **)&rows, &n, NULL);
	if (!ret)
		sob_attach_results(tests, nt, rows, n);
	free(rows);
	return ret;
}

static int pg_sob_test_create(struct store *s, int64_t org_id, struct sob_test *t)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_test_create: begin", PG_WRITE);
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_PERSON, "sob_test_create: person", org_id, t->person_id, STORE_NOTFOUND);
	if (!ret && t->enrolment_id) {
		const char *e[] = { I64(org_id), I64(t->enrolment_id) };
		int64_t pid = 0;
		ret = pg_i(c, "sob_test_create: enrolment", PG_SOB_ENROLMENT_PERSON, NVALS(e), e, &pid);
		if (!ret && pid != t->person_id)
			ret = store_error(STORE_NOTFOUND, "sob_test_create: the enrolment is another person's");
	}
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_MEMBER, "sob_test_create: taken by", org_id, t->taken_by, STORE_INVALID);
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_MEMBER, "sob_test_create: recorded by", org_id, t->recorded_by, STORE_INVALID);
	for (int i = 0; !ret && i < t->nresults; i++)
		ret = pg_sob_class_active(c, org_id, t->results[i].class_key, "sob_test_create");
	if (!ret) {
		const char *v[] = { I64(org_id),	     I64(t->person_id),	      ID_OR_NULL(t->enrolment_id),
				    t->kind,		     t->outcome,	      I64(t->taken_at),
				    I64(t->on_day),	     I64(t->taken_by),	      PHASE_OR_NULL(t->permille),
				    t->device,		     t->sample,		      I64(t->observed),
				    t->note,		     DAY_OR_NULL(t->lab_sent_on), t->lab_result,
				    ID_OR_NULL(t->lab_at),   ID_OR_NULL(t->lab_by),   I64(t->flag),
				    I64(t->recorded_at),     I64(t->recorded_by) };
		ret = pg_w(c, "sob_test_create",
			   "INSERT INTO sobriety_tests (org_id, person_id, enrolment_id, kind, outcome, taken_at, on_day, "
			   "taken_by, permille, device, sample, observed, note, lab_sent_on, lab_result, lab_at, lab_by, "
			   "flag, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
			   "$13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
			   NVALS(v), v, NULL, &t->id);
	}
	for (int i = 0; !ret && i < t->nresults; i++) {
		const struct sob_result *r = &t->results[i];
		const char *v[] = { I64(org_id), I64(t->id), r->class_key, r->result, I64(r->prescribed), r->lab };
		ret = pg_w(c, "sob_test_create: result",
			   "INSERT INTO sobriety_results (org_id, test_id, class_key, result, prescribed, lab) "
			   "VALUES ($1, $2, $3, $4, $5, $6)",
			   NVALS(v), v, NULL, NULL);
	}
	return pg_end(pg, c, ret, "sob_test_create: commit");
}

static int pg_sob_test_get(struct store *s, int64_t org_id, int64_t id, struct sob_test *out)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_test_get: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_r(c, "sob_test_get", "SELECT " SOB_TEST_COLS " FROM sobriety_tests t WHERE t.org_id = $1 AND t.id = $2",
			   NVALS(v), v, &sob_test_map, out, sizeof *out);
	if (!ret)
		ret = pg_sob_results_of(c, org_id, id, 0, out, 1);
	return pg_end(pg, c, ret, "sob_test_get: commit");
}

static int pg_sob_test_list(struct store *s, int64_t org_id, int64_t person_id, int limit, struct sob_test **out,
			    size_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(person_id), I64(limit) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_test_list: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_rows(c, "sob_test_list",
			      "SELECT " SOB_TEST_COLS " FROM sobriety_tests t WHERE t.org_id = $1 AND t.person_id = $2 "
			      "ORDER BY t.taken_at DESC, t.id DESC LIMIT $3",
			      NVALS(v), v, &sob_test_map, sizeof **out, (void **)out, n, NULL);
	if (!ret && *n)
		ret = pg_sob_results_of(c, org_id, 0, person_id, *out, *n);
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return pg_end(pg, c, ret, "sob_test_list: commit");
}

static int pg_sob_test_lab(struct store *s, int64_t org_id, const struct sob_test *t)
{
	struct pg_store *pg = pg_of(s);
	int ret, ch = 0;
	PGconn *c = pg_begin(pg, &ret, "sob_test_lab: begin", PG_WRITE);
	if (!ret)
		ret = pg_sob_need(c, "SELECT count(*) FROM sobriety_tests WHERE org_id = $1 AND id = $2",
				  "sob_test_lab: test", org_id, t->id, STORE_NOTFOUND);
	if (!ret && t->lab_by)
		ret = pg_sob_need(c, PG_SOB_MEMBER, "sob_test_lab: by", org_id, t->lab_by, STORE_INVALID);
	if (!ret) {
		const char *v[] = { I64(org_id),	  I64(t->id),		 DAY_OR_NULL(t->lab_sent_on),
				    t->lab_result,	  ID_OR_NULL(t->lab_at), ID_OR_NULL(t->lab_by),
				    I64(t->flag) };
		ret = pg_w(c, "sob_test_lab",
			   "UPDATE sobriety_tests SET lab_sent_on = $3, lab_result = $4, lab_at = $5, lab_by = $6, "
			   "flag = $7 WHERE org_id = $1 AND id = $2",
			   NVALS(v), v, &ch, NULL);
		if (!ret && !ch)
			ret = store_error(STORE_NOTFOUND, "sob_test_lab: no such test");
	}
	for (int i = 0; !ret && i < t->nresults; i++) {
		const char *v[] = { I64(org_id), I64(t->id), t->results[i].class_key, t->results[i].lab };
		ret = pg_w(c, "sob_test_lab: result",
			   "UPDATE sobriety_results SET lab = $4 WHERE org_id = $1 AND test_id = $2 AND class_key = $3",
			   NVALS(v), v, NULL, NULL);
	}
	return pg_end(pg, c, ret, "sob_test_lab: commit");
}

/* ---- medication ---- */

static int pg_sob_med_add(struct store *s, int64_t org_id, struct sob_medication *m)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_med_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_PERSON, "sob_med_add: person", org_id, m->person_id, STORE_NOTFOUND);
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_MEMBER, "sob_med_add: by", org_id, m->created_by, STORE_INVALID);
	if (!ret)
		ret = pg_sob_class_active(c, org_id, m->class_key, "sob_med_add");
	if (!ret) {
		const char *v[] = { I64(org_id),      I64(m->person_id),	m->class_key,	    m->name,
				    I64(m->from_day), DAY_OR_NULL(m->to_day), I64(m->created_at), I64(m->created_by) };
		ret = pg_w(c, "sob_med_add",
			   "INSERT INTO medications (org_id, person_id, class_key, name, from_day, to_day, created_at, "
			   "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			   NVALS(v), v, NULL, &m->id);
	}
	return pg_end(pg, c, ret, "sob_med_add: commit");
}

static int pg_sob_med_end(struct store *s, int64_t org_id, int64_t id, int32_t to_day)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id), I64(to_day) };
	int64_t from = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_med_end: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "sob_med_end", "SELECT from_day FROM medications WHERE org_id = $1 AND id = $2 FOR UPDATE", 2, v,
			   &from);
	if (!ret && to_day < from)
		ret = store_error(STORE_INVALID, "sob_med_end: ends before it starts");
	if (!ret)
		ret = pg_w(c, "sob_med_end", "UPDATE medications SET to_day = $3 WHERE org_id = $1 AND id = $2", NVALS(v), v,
			   NULL, NULL);
	return pg_end(pg, c, ret, "sob_med_end: commit");
}

static int pg_sob_med_list(struct store *s, int64_t org_id, int64_t person_id, struct sob_medication **out,
			   size_t *n)
{
	const char *v[] = { I64(org_id), I64(person_id) };
	return pg_list1(s, "sob_med_list",
			"SELECT " SOB_MED_COLS " FROM medications WHERE org_id = $1 AND person_id = $2 "
			"ORDER BY from_day DESC, id DESC",
			NVALS(v), v, &sob_med_map, sizeof **out, (void **)out, n);
}

/* ---- rules and zero tolerance ---- */

static int pg_sob_rule_set(struct store *s, int64_t org_id, struct sob_rule *r)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id),	 I64(r->programme_id), r->phase_key,
			    r->kind,		 I64(r->percent),      I64(r->per_month),
			    I64(r->active),	 I64(r->updated_at),   ID_OR_NULL(r->updated_by) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_rule_set: begin", PG_WRITE);
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_PROGRAMME, "sob_rule_set: programme", org_id, r->programme_id, STORE_NOTFOUND);
	if (!ret)
		ret = pg_w(c, "sob_rule_set",
			   "INSERT INTO test_rules (org_id, programme_id, phase_key, kind, percent, per_month, active, "
			   "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
			   "ON CONFLICT (org_id, programme_id, phase_key) DO UPDATE SET kind = excluded.kind, "
			   "percent = excluded.percent, per_month = excluded.per_month, active = excluded.active, "
			   "updated_at = excluded.updated_at, updated_by = excluded.updated_by RETURNING id",
			   NVALS(v), v, NULL, &r->id);
	return pg_end(pg, c, ret, "sob_rule_set: commit");
}

static int pg_sob_rule_list(struct store *s, int64_t org_id, int64_t programme_id, struct sob_rule **out,
			    size_t *n)
{
	const char *v[] = { I64(org_id), I64(programme_id) };
	return pg_list1(s, "sob_rule_list",
			"SELECT " SOB_RULE_COLS " FROM test_rules WHERE org_id = $1 AND ($2::bigint = 0 OR "
			"programme_id = $2::bigint) ORDER BY programme_id, phase_key",
			NVALS(v), v, &sob_rule_map, sizeof **out, (void **)out, n);
}

static int pg_sob_zero_get(struct store *s, int64_t org_id, int64_t programme_id, bool *on)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(programme_id) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_zero_get: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_PROGRAMME, "sob_zero_get: programme", org_id, programme_id, STORE_NOTFOUND);
	if (!ret) {
		ret = pg_i(c, "sob_zero_get",
			   "SELECT zero_tolerance FROM sobriety_settings WHERE org_id = $1 AND programme_id = $2", NVALS(v),
			   v, &k);
		if (ret == STORE_NOTFOUND)
			ret = STORE_OK;
	}
	*on = k != 0;
	return pg_end(pg, c, ret, "sob_zero_get: commit");
}

static int pg_sob_zero_set(struct store *s, int64_t org_id, int64_t programme_id, bool on, int64_t by_user,
			   int64_t at)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(programme_id), I64(on), I64(at), ID_OR_NULL(by_user) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "sob_zero_set: begin", PG_WRITE);
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_PROGRAMME, "sob_zero_set: programme", org_id, programme_id, STORE_NOTFOUND);
	if (!ret)
		ret = pg_w(c, "sob_zero_set",
			   "INSERT INTO sobriety_settings (org_id, programme_id, zero_tolerance, updated_at, updated_by) "
			   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, programme_id) DO UPDATE SET "
			   "zero_tolerance = excluded.zero_tolerance, updated_at = excluded.updated_at, "
			   "updated_by = excluded.updated_by",
			   NVALS(v), v, NULL, NULL);
	return pg_end(pg, c, ret, "sob_zero_set: commit");
}

/* ---- draws ---- */

static int pg_sob_draw_put(struct store *s, int64_t org_id, struct sob_draw *d, bool *inserted)
{
	struct pg_store *pg = pg_of(s);
	int ret, ch = 0;
	*inserted = false;
	/* READ COMMITTED: a concurrent insert of the same key makes ours wait and then do
	 * nothing, and the SELECT after it (a new snapshot) sees the row that won. */
	PGconn *c = pg_begin(pg, &ret, "sob_draw_put: begin", PG_WRITE);
	if (!ret) {
		const char *e[] = { I64(org_id), I64(d->enrolment_id) };
		int64_t pid = 0;
		ret = pg_i(c, "sob_draw_put: enrolment", PG_SOB_ENROLMENT_PERSON, NVALS(e), e, &pid);
		if (!ret && pid != d->person_id)
			ret = store_error(STORE_NOTFOUND, "sob_draw_put: the enrolment is another person's");
	}
	if (!ret)
		ret = pg_sob_need(c, PG_SOB_MEMBER, "sob_draw_put: by", org_id, d->drawn_by, STORE_INVALID);
	if (!ret) {
		const char *v[] = { I64(org_id),	   I64(d->person_id),	    I64(d->enrolment_id),
				    I64(d->group_id),	   I64(d->day),		    I64(d->rule_id),
				    d->rule_snapshot,	   I64(d->probability_ppm), I64(d->random_value),
				    I64(d->selected),	   I64(d->drawn_at),	    I64(d->drawn_by) };
		ret = pg_w(c, "sob_draw_put",
			   "INSERT INTO test_draws (org_id, person_id, enrolment_id, group_id, day, rule_id, "
			   "rule_snapshot, probability_ppm, random_value, selected, drawn_at, drawn_by) VALUES ($1, $2, "
			   "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
			   "ON CONFLICT (org_id, enrolment_id, day, rule_id) DO NOTHING",
			   NVALS(v), v, &ch, NULL);
	}
	if (!ret) {
		*inserted = ch > 0;
		const char *k[] = { I64(org_id), I64(d->enrolment_id), I64(d->day), I64(d->rule_id) };
		ret = pg_r(c, "sob_draw_put: read back",
			   "SELECT " SOB_DRAW_COLS SOB_DRAW_FROM " WHERE d.org_id = $1 AND d.enrolment_id = $2 "
			   "AND d.day = $3 AND d.rule_id = $4",
			   NVALS(k), k, &sob_draw_map, d, sizeof *d);
	}
	return pg_end(pg, c, ret, "sob_draw_put: commit");
}

static int pg_sob_draw_list(struct store *s, int64_t org_id, int32_t from, int32_t to, int64_t person_id, int limit,
			    struct sob_draw **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(from), I64(to), I64(person_id), I64(limit) };
	return pg_list1(s, "sob_draw_list",
			"SELECT " SOB_DRAW_COLS SOB_DRAW_FROM " WHERE d.org_id = $1 AND d.day >= $2 AND d.day <= $3 "
			"AND ($4::bigint = 0 OR d.person_id = $4::bigint) "
			"ORDER BY d.day, p.family_name, p.given_name, d.id LIMIT $5",
			NVALS(v), v, &sob_draw_map, sizeof **out, (void **)out, n);
}

static int pg_sob_selected_count(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
				 int64_t *n)
{
	const char *v[] = { I64(org_id), I64(enrolment_id), I64(from), I64(to) };
	return pg_int1(s, "sob_selected_count",
		       "SELECT count(*) FROM test_draws WHERE org_id = $1 AND enrolment_id = $2 AND day >= $3 "
		       "AND day <= $4 AND selected = 1",
		       NVALS(v), v, n);
}

static int pg_sob_fairness(struct store *s, int64_t org_id, int32_t from, int32_t to, struct sob_fairness **out,
			   size_t *n)
{
	const char *v[] = { I64(org_id), I64(from), I64(to) };
	return pg_list1(s, "sob_fairness",
			"SELECT " SOB_FAIR_COLS("$2::integer", "$3::integer") SOB_DRAW_FROM " WHERE d.org_id = $1 "
			"AND d.day >= $2::integer AND d.day <= $3::integer "
			"GROUP BY d.org_id, d.person_id, p.given_name, p.family_name "
			"ORDER BY p.family_name, p.given_name, d.person_id",
			NVALS(v), v, &sob_fair_map, sizeof **out, (void **)out, n);
}
