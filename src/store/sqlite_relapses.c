/* sqlite_relapses.c: the SQLite backend of relapses (issue 6). Not compiled on its own:
 * store_sqlite.c includes it before its operations table, so that it uses that file's
 * pool, statement cache and transaction helpers (sq_begin, sq_w, sq_rows…). */
#include "store/relapses_backend.h"

static const char SQL_RELAPSE_PERSON_EXISTS[] = "SELECT count(*) FROM persons WHERE org_id = ?1 AND id = ?2";
static const char SQL_RELAPSE_INSERT[] =
	"INSERT INTO relapses (org_id, person_id, enrolment_id, on_day, substances, source, test_id, source_text, "
	"status, review, decision_reason, extra_sessions, extra_sessions_text, physician_status, detox_destination, "
	"detox_status, created_by, created_at, updated_by, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'draft', 0, '', 0, '', '', '', '', ?9, ?10, ?9, ?10)";
static const char SQL_RELAPSE_UPDATE[] =
	"UPDATE relapses SET status = ?4, review = ?5, decided_by = ?6, decided_at = ?7, decision_reason = ?8, "
	"conversation_on = ?9, plan_version = ?10, extra_sessions = ?11, extra_sessions_text = ?12, "
	"physician_on = ?13, physician_status = ?14, detox_destination = ?15, detox_on = ?16, detox_status = ?17, "
	"paused_enrolment_id = ?18, paused_on = ?19, resumed_on = ?20, updated_by = ?21, updated_at = ?22 "
	"WHERE org_id = ?1 AND id = ?2 AND status = ?3";
static const char SQL_RELAPSE_EXISTS[] = "SELECT count(*) FROM relapses WHERE org_id = ?1 AND id = ?2";
static const char SQL_RELAPSE_PERSON_OF[] = "SELECT person_id FROM relapses WHERE org_id = ?1 AND id = ?2";
static const char SQL_RELAPSE_GET[] = "SELECT " STORE_RELAPSE_COLS STORE_RELAPSE_FROM "WHERE r.org_id = ?1 AND r.id = ?2";
static const char SQL_RELAPSE_BY_TEST[] =
	"SELECT " STORE_RELAPSE_COLS STORE_RELAPSE_FROM "WHERE r.org_id = ?1 AND r.test_id = ?2";
static const char SQL_RELAPSE_LIST[] =
	"SELECT " STORE_RELAPSE_COLS STORE_RELAPSE_FROM "WHERE r.org_id = ?1 AND (?2 = 0 OR r.person_id = ?2) "
	"AND (?3 = 0 OR " RELAPSE_LIST_THERAPIST "?3)) AND (?4 = '' OR r.status = ?4) "
	"ORDER BY r.on_day DESC, r.id DESC LIMIT ?5";
static const char SQL_SOBER_GET[] = "SELECT since_on FROM sober_since WHERE org_id = ?1 AND person_id = ?2";
static const char SQL_SOBER_SET[] =
	"INSERT INTO sober_since (org_id, person_id, since_on, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
	"ON CONFLICT (org_id, person_id) DO UPDATE SET since_on = excluded.since_on, "
	"updated_by = excluded.updated_by, updated_at = excluded.updated_at";
static const char SQL_RELAPSE_SETTINGS_GET[] =
	"SELECT count(*) FROM relapse_settings WHERE org_id = ?1 AND show_sober_since = 1";
static const char SQL_RELAPSE_SETTINGS_SET[] =
	"INSERT INTO relapse_settings (org_id, show_sober_since, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (org_id) DO UPDATE SET show_sober_since = excluded.show_sober_since, "
	"updated_by = excluded.updated_by, updated_at = excluded.updated_at";

static int sq_relapse_person_check(struct sq_conn *c, int64_t org_id, int64_t person_id, const char *what)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id) };
	int64_t k = 0;
	int ret = sq_i(c, SQL_RELAPSE_PERSON_EXISTS, what, v, NV(v), &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "%s: no such person", what);
	return ret;
}

static int sq_relapse_create(struct store *s, int64_t org_id, struct store_relapse *r)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id),	 V_I(r->person_id), V_ID(r->enrolment_id), V_I(r->on_day),
				    V_T(r->substances), V_T(r->source),    V_ID(r->test_id),	    V_T(r->source_text),
				    V_ID(r->created_by), V_I(r->created_at) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "relapse_create: begin");
	if (!ret)
		ret = sq_relapse_person_check(c, org_id, r->person_id, "relapse_create: person");
	if (!ret)
		ret = sq_w(c, SQL_RELAPSE_INSERT, "relapse_create", v, NV(v), NULL);
	if (!ret)
		r->id = sqlite3_last_insert_rowid(c->db);
	return sq_end(sq, c, ret, "relapse_create: commit");
}

static int sq_relapse_update(struct store *s, int64_t org_id, struct store_relapse *r, const char *expected_status,
			     bool sober_since_set, int32_t sober_since)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id),
				    V_I(r->id),
				    V_T(expected_status),
				    V_T(r->status),
				    V_I(r->review ? 1 : 0),
				    V_ID(r->decided_by),
				    V_ID(r->decided_at),
				    V_T(r->decision_reason),
				    V_DAY(r->conversation_on),
				    V_ID(r->plan_version),
				    V_I(r->extra_sessions),
				    V_T(r->extra_sessions_text),
				    V_DAY(r->physician_on),
				    V_T(r->physician_status),
				    V_T(r->detox_destination),
				    V_DAY(r->detox_on),
				    V_T(r->detox_status),
				    V_ID(r->paused_enrolment_id),
				    V_DAY(r->paused_on),
				    V_DAY(r->resumed_on),
				    V_ID(r->updated_by),
				    V_I(r->updated_at) };
	int ret, changes = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "relapse_update: begin");
	if (!ret)
		ret = sq_w(c, SQL_RELAPSE_UPDATE, "relapse_update", v, NV(v), &changes);
	if (!ret && !changes) {
		int64_t k = 0;
		ret = sq_i(c, SQL_RELAPSE_EXISTS, "relapse_update: exists", v, 2, &k);
		if (!ret)
			ret = k ? store_error(STORE_CONFLICT, "relapse_update: the status changed meanwhile")
				: store_error(STORE_NOTFOUND, "relapse_update: no such relapse");
	}
	if (!ret && sober_since_set) {
		int64_t person = 0;
		ret = sq_i(c, SQL_RELAPSE_PERSON_OF, "relapse_update: person", v, 2, &person);
		const struct sq_val w[] = { V_I(org_id), V_I(person), V_DAY(sober_since), V_ID(r->updated_by),
					    V_I(r->updated_at) };
		if (!ret)
			ret = sq_w(c, SQL_SOBER_SET, "relapse_update: sober_since", w, NV(w), NULL);
	}
	return sq_end(sq, c, ret, "relapse_update: commit");
}

static int sq_relapse_get(struct store *s, int64_t org_id, int64_t id, struct store_relapse *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_r(c, SQL_RELAPSE_GET, "relapse_get", v, NV(v), &relapses_map, out, sizeof *out);
	sq_put(sq, c, false);
	return ret;
}

static int sq_relapse_by_test(struct store *s, int64_t org_id, int64_t test_id, struct store_relapse *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(test_id) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_r(c, SQL_RELAPSE_BY_TEST, "relapse_by_test", v, NV(v), &relapses_map, out, sizeof *out);
	sq_put(sq, c, false);
	return ret;
}

static int sq_relapse_list(struct store *s, int64_t org_id, int64_t person_id, int64_t therapist_id,
			   const char *status, int limit, struct store_relapse **out, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(therapist_id), V_T(status), V_I(limit) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "relapse_list: begin");
	if (!ret && person_id)
		ret = sq_relapse_person_check(c, org_id, person_id, "relapse_list: person");
	if (!ret)
		ret = sq_rows(c, SQL_RELAPSE_LIST, "relapse_list", v, NV(v), &relapses_map, sizeof **out, (void **)out,
			      n);
	return sq_end_read(sq, c, ret, "relapse_list: commit");
}

static int sq_sober_since_get(struct store *s, int64_t org_id, int64_t person_id, int32_t *day)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id) };
	static const struct store_col day_col[] = { { SCOL_DAY, 0, sizeof(int32_t) } };
	static const struct store_cols day_map = { day_col, 1 };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "sober_since_get: begin");
	if (!ret)
		ret = sq_relapse_person_check(c, org_id, person_id, "sober_since_get: person");
	if (!ret) {
		ret = sq_r(c, SQL_SOBER_GET, "sober_since_get", v, NV(v), &day_map, day, sizeof *day);
		if (ret == STORE_NOTFOUND) {
			*day = DATE_NONE;
			ret = 0;
		}
	}
	return sq_end_read(sq, c, ret, "sober_since_get: commit");
}

static int sq_sober_since_set(struct store *s, int64_t org_id, int64_t person_id, int32_t day, int64_t by_user)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_DAY(day), V_ID(by_user), V_I(now_seconds()) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "sober_since_set: begin");
	if (!ret)
		ret = sq_relapse_person_check(c, org_id, person_id, "sober_since_set: person");
	if (!ret)
		ret = sq_w(c, SQL_SOBER_SET, "sober_since_set", v, NV(v), NULL);
	return sq_end(sq, c, ret, "sober_since_set: commit");
}

static int sq_relapse_settings_get(struct store *s, int64_t org_id, bool *show_sober_since)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id) };
	int64_t k = 0;
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c, SQL_RELAPSE_SETTINGS_GET, "relapse_settings_get", v, NV(v), &k);
	sq_put(sq, c, false);
	*show_sober_since = k > 0;
	return ret;
}

static int sq_relapse_settings_set(struct store *s, int64_t org_id, bool show_sober_since, int64_t by_user)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(show_sober_since ? 1 : 0), V_ID(by_user), V_I(now_seconds()) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "relapse_settings_set: begin");
	if (!ret)
		ret = sq_w(c, SQL_RELAPSE_SETTINGS_SET, "relapse_settings_set", v, NV(v), NULL);
	return sq_end(sq, c, ret, "relapse_settings_set: commit");
}
