/* sqlite_sobriety.c: the SQLite backend of sobriety tests (issue 6, "Tests"). Not
 * compiled on its own: store_sqlite.c includes it before its operations table, so that it
 * uses that file's pool, statement cache and transaction helpers (sq_begin, sq_w…). */
#include "store/sobriety_backend.h"

static const char SQL_SOB_PERSON[] = "SELECT count(*) FROM persons WHERE org_id = ?1 AND id = ?2";
static const char SQL_SOB_ENROLMENT_PERSON[] = "SELECT person_id FROM enrolments WHERE org_id = ?1 AND id = ?2";
static const char SQL_SOB_MEMBER[] = "SELECT count(*) FROM memberships WHERE org_id = ?1 AND user_id = ?2";
static const char SQL_SOB_CLASS_ACTIVE[] =
	"SELECT count(*) FROM substance_classes WHERE org_id = ?1 AND key = ?2 AND active = 1";
static const char SQL_SOB_PROGRAMME[] = "SELECT count(*) FROM programmes WHERE org_id = ?1 AND id = ?2";

/* n > 0 or the status; k is a count from one of the queries above. */
static int sq_sob_need(struct sq_conn *c, const char *sql, const char *what, int64_t org_id, int64_t id,
		       int missing)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	int64_t k = 0;
	int ret = sq_i(c, sql, what, v, NV(v), &k);
	if (!ret && !k)
		ret = store_error(missing, "%s: not found", what);
	return ret;
}

static int sq_sob_class_active(struct sq_conn *c, int64_t org_id, const char *key, const char *what)
{
	const struct sq_val v[] = { V_I(org_id), V_T(key) };
	int64_t k = 0;
	int ret = sq_i(c, SQL_SOB_CLASS_ACTIVE, what, v, NV(v), &k);
	if (!ret && !k)
		ret = store_error(STORE_INVALID, "%s: an unknown or inactive substance class", what);
	return ret;
}

/* ---- substance classes ---- */

static int sq_substance_seed(struct store *s, int64_t org_id, int *added)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id) };
	int64_t k = 0;
	int ret;
	*added = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "substance_seed: begin");
	if (!ret)
		ret = sq_i(c, "SELECT count(*) FROM substance_classes WHERE org_id = ?1", "substance_seed: count", v,
			   NV(v), &k);
	for (size_t i = 0; !ret && !k && i < SOB_NDEFAULT_CLASSES; i++) {
		const struct sq_val a[] = { V_I(org_id), V_T(sob_default_classes[i].key),
					    V_T(sob_default_classes[i].label), V_I(sob_default_classes[i].sort_order) };
		int ch = 0;
		ret = sq_w(c,
			   "INSERT INTO substance_classes (org_id, key, label, active, sort_order) "
			   "VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (org_id, key) DO NOTHING",
			   "substance_seed", a, NV(a), &ch);
		*added += ch;
	}
	return sq_end(sq, c, ret, "substance_seed: commit");
}

static int sq_substance_list(struct store *s, int64_t org_id, bool include_inactive, struct substance_class **out,
			     size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(include_inactive) };
	return sq_list1(s,
			"SELECT " SOB_CLASS_COLS " FROM substance_classes c WHERE c.org_id = ?1 AND (?2 = 1 OR c.active = 1) "
			"ORDER BY c.sort_order, c.label, c.key",
			"substance_list", v, NV(v), &sob_class_map, sizeof **out, (void **)out, n);
}

static int sq_substance_add(struct store *s, int64_t org_id, struct substance_class *c)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_T(c->key), V_T(c->label), V_I(c->active), V_I(c->sort_order) };
	int64_t k = 0;
	int ret;
	struct sq_conn *cn = sq_begin(sq, &ret, "substance_add: begin");
	if (!ret)
		ret = sq_i(cn, "SELECT count(*) FROM substance_classes WHERE org_id = ?1", "substance_add: count", v, 1, &k);
	if (!ret && k >= STORE_SOB_CLASSES_MAX)
		ret = store_error(STORE_FULL, "substance_add: too many classes");
	if (!ret)
		ret = sq_w(cn,
			   "INSERT INTO substance_classes (org_id, key, label, active, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)",
			   "substance_add", v, NV(v), NULL);
	if (!ret)
		c->id = sqlite3_last_insert_rowid(cn->db);
	return sq_end(sq, cn, ret, "substance_add: commit");
}

static int sq_substance_update(struct store *s, int64_t org_id, const struct substance_class *c)
{
	const struct sq_val v[] = { V_I(org_id), V_I(c->id), V_T(c->label), V_I(c->active), V_I(c->sort_order) };
	return sq_write1(s,
			 "UPDATE substance_classes SET label = ?3, active = ?4, sort_order = ?5 WHERE org_id = ?1 AND id = ?2",
			 "substance_update", v, NV(v), true, NULL);
}

static int sq_substance_delete(struct store *s, int64_t org_id, int64_t id)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	struct substance_class cl;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "substance_delete: begin");
	if (!ret)
		ret = sq_r(c, "SELECT " SOB_CLASS_COLS " FROM substance_classes c WHERE c.org_id = ?1 AND c.id = ?2",
			   "substance_delete", v, NV(v), &sob_class_map, &cl, sizeof cl);
	if (!ret && cl.used)
		ret = store_error(STORE_CONFLICT, "substance_delete: the class is in use");
	if (!ret)
		ret = sq_w(c, "DELETE FROM substance_classes WHERE org_id = ?1 AND id = ?2", "substance_delete", v, NV(v),
			   NULL);
	return sq_end(sq, c, ret, "substance_delete: commit");
}

/* ---- tests ---- */

static int sq_sob_results_of(struct sq_conn *c, int64_t org_id, int64_t test_id, int64_t person_id,
			     struct sob_test *tests, size_t nt)
{
	const struct sq_val v[] = { V_I(org_id), V_I(test_id), V_I(person_id) };
	struct sob_result_row *rows = NULL;
	size_t n = 0;
	int ret = sq_rows(c,
			  "SELECT " SOB_RESULT_COLS SOB_RESULT_FROM " WHERE r.org_id = ?1 AND (?2 = 0 OR r.test_id = ?2) "
			  "AND (?3 = 0 OR t.person_id = ?3)" SOB_RESULT_ORDER,
			  "sob_results", v, NV(v), &sob_result_map, sizeof *rows, (void **)&rows, &n);
	if (!ret)
		sob_attach_results(tests, nt, rows, n);
	free(rows);
	return ret;
}

static int sq_sob_test_create(struct store *s, int64_t org_id, struct sob_test *t)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "sob_test_create: begin");
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_PERSON, "sob_test_create: person", org_id, t->person_id, STORE_NOTFOUND);
	if (!ret && t->enrolment_id) {
		const struct sq_val e[] = { V_I(org_id), V_I(t->enrolment_id) };
		int64_t pid = 0;
		ret = sq_i(c, SQL_SOB_ENROLMENT_PERSON, "sob_test_create: enrolment", e, NV(e), &pid);
		if (!ret && pid != t->person_id)
			ret = store_error(STORE_NOTFOUND, "sob_test_create: the enrolment is another person's");
	}
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_MEMBER, "sob_test_create: taken by", org_id, t->taken_by, STORE_INVALID);
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_MEMBER, "sob_test_create: recorded by", org_id, t->recorded_by, STORE_INVALID);
	for (int i = 0; !ret && i < t->nresults; i++)
		ret = sq_sob_class_active(c, org_id, t->results[i].class_key, "sob_test_create");
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id),	  V_I(t->person_id),   V_ID(t->enrolment_id),
					    V_T(t->kind),	  V_T(t->outcome),     V_I(t->taken_at),
					    V_I(t->on_day),	  V_I(t->taken_by),    V_PHASE(t->permille),
					    V_T(t->device),	  V_T(t->sample),      V_I(t->observed),
					    V_T(t->note),	  V_DAY(t->lab_sent_on), V_T(t->lab_result),
					    V_ID(t->lab_at),	  V_ID(t->lab_by),     V_I(t->flag),
					    V_I(t->recorded_at), V_I(t->recorded_by) };
		ret = sq_w(c,
			   "INSERT INTO sobriety_tests (org_id, person_id, enrolment_id, kind, outcome, taken_at, on_day, "
			   "taken_by, permille, device, sample, observed, note, lab_sent_on, lab_result, lab_at, lab_by, "
			   "flag, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
			   "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
			   "sob_test_create", v, NV(v), NULL);
		if (!ret)
			t->id = sqlite3_last_insert_rowid(c->db);
	}
	for (int i = 0; !ret && i < t->nresults; i++) {
		const struct sob_result *r = &t->results[i];
		const struct sq_val v[] = { V_I(org_id), V_I(t->id), V_T(r->class_key), V_T(r->result),
					    V_I(r->prescribed), V_T(r->lab) };
		ret = sq_w(c,
			   "INSERT INTO sobriety_results (org_id, test_id, class_key, result, prescribed, lab) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			   "sob_test_create: result", v, NV(v), NULL);
	}
	return sq_end(sq, c, ret, "sob_test_create: commit");
}

static int sq_sob_test_get(struct store *s, int64_t org_id, int64_t id, struct sob_test *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "sob_test_get: begin");
	if (!ret)
		ret = sq_r(c, "SELECT " SOB_TEST_COLS " FROM sobriety_tests t WHERE t.org_id = ?1 AND t.id = ?2",
			   "sob_test_get", v, NV(v), &sob_test_map, out, sizeof *out);
	if (!ret)
		ret = sq_sob_results_of(c, org_id, id, 0, out, 1);
	return sq_end_read(sq, c, ret, "sob_test_get: commit");
}

static int sq_sob_test_list(struct store *s, int64_t org_id, int64_t person_id, int limit, struct sob_test **out,
			    size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(limit) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "sob_test_list: begin");
	if (!ret)
		ret = sq_rows(c,
			      "SELECT " SOB_TEST_COLS " FROM sobriety_tests t WHERE t.org_id = ?1 AND t.person_id = ?2 "
			      "ORDER BY t.taken_at DESC, t.id DESC LIMIT ?3",
			      "sob_test_list", v, NV(v), &sob_test_map, sizeof **out, (void **)out, n);
	if (!ret && *n)
		ret = sq_sob_results_of(c, org_id, 0, person_id, *out, *n);
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return sq_end_read(sq, c, ret, "sob_test_list: commit");
}

static int sq_sob_test_lab(struct store *s, int64_t org_id, const struct sob_test *t)
{
	struct sq_store *sq = sq_of(s);
	int ret, ch = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "sob_test_lab: begin");
	if (!ret)
		ret = sq_sob_need(c, "SELECT count(*) FROM sobriety_tests WHERE org_id = ?1 AND id = ?2",
				  "sob_test_lab: test", org_id, t->id, STORE_NOTFOUND);
	if (!ret && t->lab_by)
		ret = sq_sob_need(c, SQL_SOB_MEMBER, "sob_test_lab: by", org_id, t->lab_by, STORE_INVALID);
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id),	    V_I(t->id),	     V_DAY(t->lab_sent_on),
					    V_T(t->lab_result),	    V_ID(t->lab_at), V_ID(t->lab_by),
					    V_I(t->flag) };
		ret = sq_w(c,
			   "UPDATE sobriety_tests SET lab_sent_on = ?3, lab_result = ?4, lab_at = ?5, lab_by = ?6, "
			   "flag = ?7 WHERE org_id = ?1 AND id = ?2",
			   "sob_test_lab", v, NV(v), &ch);
		if (!ret && !ch)
			ret = store_error(STORE_NOTFOUND, "sob_test_lab: no such test");
	}
	for (int i = 0; !ret && i < t->nresults; i++) {
		const struct sq_val v[] = { V_I(org_id), V_I(t->id), V_T(t->results[i].class_key), V_T(t->results[i].lab) };
		ret = sq_w(c, "UPDATE sobriety_results SET lab = ?4 WHERE org_id = ?1 AND test_id = ?2 AND class_key = ?3",
			   "sob_test_lab: result", v, NV(v), NULL);
	}
	return sq_end(sq, c, ret, "sob_test_lab: commit");
}

/* ---- medication ---- */

static int sq_sob_med_add(struct store *s, int64_t org_id, struct sob_medication *m)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "sob_med_add: begin");
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_PERSON, "sob_med_add: person", org_id, m->person_id, STORE_NOTFOUND);
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_MEMBER, "sob_med_add: by", org_id, m->created_by, STORE_INVALID);
	if (!ret)
		ret = sq_sob_class_active(c, org_id, m->class_key, "sob_med_add");
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id),     V_I(m->person_id), V_T(m->class_key), V_T(m->name),
					    V_I(m->from_day), V_DAY(m->to_day), V_I(m->created_at), V_I(m->created_by) };
		ret = sq_w(c,
			   "INSERT INTO medications (org_id, person_id, class_key, name, from_day, to_day, created_at, "
			   "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			   "sob_med_add", v, NV(v), NULL);
		if (!ret)
			m->id = sqlite3_last_insert_rowid(c->db);
	}
	return sq_end(sq, c, ret, "sob_med_add: commit");
}

static int sq_sob_med_end(struct store *s, int64_t org_id, int64_t id, int32_t to_day)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_I(to_day) };
	int64_t from = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "sob_med_end: begin");
	if (!ret)
		ret = sq_i(c, "SELECT from_day FROM medications WHERE org_id = ?1 AND id = ?2", "sob_med_end", v, 2, &from);
	if (!ret && to_day < from)
		ret = store_error(STORE_INVALID, "sob_med_end: ends before it starts");
	if (!ret)
		ret = sq_w(c, "UPDATE medications SET to_day = ?3 WHERE org_id = ?1 AND id = ?2", "sob_med_end", v, NV(v),
			   NULL);
	return sq_end(sq, c, ret, "sob_med_end: commit");
}

static int sq_sob_med_list(struct store *s, int64_t org_id, int64_t person_id, struct sob_medication **out,
			   size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id) };
	return sq_list1(s,
			"SELECT " SOB_MED_COLS " FROM medications WHERE org_id = ?1 AND person_id = ?2 "
			"ORDER BY from_day DESC, id DESC",
			"sob_med_list", v, NV(v), &sob_med_map, sizeof **out, (void **)out, n);
}

/* ---- rules and zero tolerance ---- */

static int sq_sob_rule_set(struct store *s, int64_t org_id, struct sob_rule *r)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id),	  V_I(r->programme_id), V_T(r->phase_key),
				    V_T(r->kind),	  V_I(r->percent),	V_I(r->per_month),
				    V_I(r->active),	  V_I(r->updated_at),	V_ID(r->updated_by) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "sob_rule_set: begin");
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_PROGRAMME, "sob_rule_set: programme", org_id, r->programme_id,
				  STORE_NOTFOUND);
	if (!ret)
		ret = sq_w(c,
			   "INSERT INTO test_rules (org_id, programme_id, phase_key, kind, percent, per_month, active, "
			   "updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
			   "ON CONFLICT (org_id, programme_id, phase_key) DO UPDATE SET kind = excluded.kind, "
			   "percent = excluded.percent, per_month = excluded.per_month, active = excluded.active, "
			   "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
			   "sob_rule_set", v, NV(v), NULL);
	if (!ret)
		ret = sq_i(c, "SELECT id FROM test_rules WHERE org_id = ?1 AND programme_id = ?2 AND phase_key = ?3",
			   "sob_rule_set: id", v, 3, &r->id);
	return sq_end(sq, c, ret, "sob_rule_set: commit");
}

static int sq_sob_rule_list(struct store *s, int64_t org_id, int64_t programme_id, struct sob_rule **out,
			    size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id) };
	return sq_list1(s,
			"SELECT " SOB_RULE_COLS " FROM test_rules WHERE org_id = ?1 AND (?2 = 0 OR programme_id = ?2) "
			"ORDER BY programme_id, phase_key",
			"sob_rule_list", v, NV(v), &sob_rule_map, sizeof **out, (void **)out, n);
}

static int sq_sob_zero_get(struct store *s, int64_t org_id, int64_t programme_id, bool *on)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "sob_zero_get: begin");
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_PROGRAMME, "sob_zero_get: programme", org_id, programme_id, STORE_NOTFOUND);
	if (!ret) {
		ret = sq_i(c, "SELECT zero_tolerance FROM sobriety_settings WHERE org_id = ?1 AND programme_id = ?2",
			   "sob_zero_get", v, NV(v), &k);
		if (ret == STORE_NOTFOUND)
			ret = STORE_OK;
	}
	*on = k != 0;
	return sq_end_read(sq, c, ret, "sob_zero_get: commit");
}

static int sq_sob_zero_set(struct store *s, int64_t org_id, int64_t programme_id, bool on, int64_t by_user,
			   int64_t at)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(on), V_I(at), V_ID(by_user) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "sob_zero_set: begin");
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_PROGRAMME, "sob_zero_set: programme", org_id, programme_id, STORE_NOTFOUND);
	if (!ret)
		ret = sq_w(c,
			   "INSERT INTO sobriety_settings (org_id, programme_id, zero_tolerance, updated_at, updated_by) "
			   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (org_id, programme_id) DO UPDATE SET "
			   "zero_tolerance = excluded.zero_tolerance, updated_at = excluded.updated_at, "
			   "updated_by = excluded.updated_by",
			   "sob_zero_set", v, NV(v), NULL);
	return sq_end(sq, c, ret, "sob_zero_set: commit");
}

/* ---- draws ---- */

static int sq_sob_draw_put(struct store *s, int64_t org_id, struct sob_draw *d, bool *inserted)
{
	struct sq_store *sq = sq_of(s);
	int ret, ch = 0;
	*inserted = false;
	struct sq_conn *c = sq_begin(sq, &ret, "sob_draw_put: begin");
	if (!ret) {
		const struct sq_val e[] = { V_I(org_id), V_I(d->enrolment_id) };
		int64_t pid = 0;
		ret = sq_i(c, SQL_SOB_ENROLMENT_PERSON, "sob_draw_put: enrolment", e, NV(e), &pid);
		if (!ret && pid != d->person_id)
			ret = store_error(STORE_NOTFOUND, "sob_draw_put: the enrolment is another person's");
	}
	if (!ret)
		ret = sq_sob_need(c, SQL_SOB_MEMBER, "sob_draw_put: by", org_id, d->drawn_by, STORE_INVALID);
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id),	    V_I(d->person_id),	 V_I(d->enrolment_id),
					    V_I(d->group_id),	    V_I(d->day),	 V_I(d->rule_id),
					    V_T(d->rule_snapshot),  V_I(d->probability_ppm), V_I(d->random_value),
					    V_I(d->selected),	    V_I(d->drawn_at),	 V_I(d->drawn_by) };
		ret = sq_w(c,
			   "INSERT INTO test_draws (org_id, person_id, enrolment_id, group_id, day, rule_id, "
			   "rule_snapshot, probability_ppm, random_value, selected, drawn_at, drawn_by) VALUES (?1, ?2, "
			   "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
			   "ON CONFLICT (org_id, enrolment_id, day, rule_id) DO NOTHING",
			   "sob_draw_put", v, NV(v), &ch);
	}
	if (!ret) {
		*inserted = ch > 0;
		const struct sq_val k[] = { V_I(org_id), V_I(d->enrolment_id), V_I(d->day), V_I(d->rule_id) };
		ret = sq_r(c,
			   "SELECT " SOB_DRAW_COLS SOB_DRAW_FROM " WHERE d.org_id = ?1 AND d.enrolment_id = ?2 "
			   "AND d.day = ?3 AND d.rule_id = ?4",
			   "sob_draw_put: read back", k, NV(k), &sob_draw_map, d, sizeof *d);
	}
	return sq_end(sq, c, ret, "sob_draw_put: commit");
}

static int sq_sob_draw_list(struct store *s, int64_t org_id, int32_t from, int32_t to, int64_t person_id, int limit,
			    struct sob_draw **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(from), V_I(to), V_I(person_id), V_I(limit) };
	return sq_list1(s,
			"SELECT " SOB_DRAW_COLS SOB_DRAW_FROM " WHERE d.org_id = ?1 AND d.day >= ?2 AND d.day <= ?3 "
			"AND (?4 = 0 OR d.person_id = ?4) ORDER BY d.day, p.family_name, p.given_name, d.id LIMIT ?5",
			"sob_draw_list", v, NV(v), &sob_draw_map, sizeof **out, (void **)out, n);
}

static int sq_sob_selected_count(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
				 int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id), V_I(from), V_I(to) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c,
		       "SELECT count(*) FROM test_draws WHERE org_id = ?1 AND enrolment_id = ?2 AND day >= ?3 "
		       "AND day <= ?4 AND selected = 1",
		       "sob_selected_count", v, NV(v), n);
	sq_put(sq, c, false);
	return ret;
}

static int sq_sob_fairness(struct store *s, int64_t org_id, int32_t from, int32_t to, struct sob_fairness **out,
			   size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(from), V_I(to) };
	return sq_list1(s,
			"SELECT " SOB_FAIR_COLS("?2", "?3") SOB_DRAW_FROM " WHERE d.org_id = ?1 AND d.day >= ?2 "
			"AND d.day <= ?3 GROUP BY d.org_id, d.person_id, p.given_name, p.family_name "
			"ORDER BY p.family_name, p.given_name, d.person_id",
			"sob_fairness", v, NV(v), &sob_fair_map, sizeof **out, (void **)out, n);
}
