/* sqlite_sessions.c: the SQLite backend of group sessions and workshops (issue 4). Not
 * compiled on its own: store_sqlite.c includes it before its operations table, so that it
 * uses that file's pool, statement cache and transaction helpers (sq_begin, sq_w…). */
#include "store/sessions_backend.h"

static const char SQL_SESSION_EXISTS[] = "SELECT count(*) FROM attendance_sessions WHERE org_id = ?1 AND id = ?2";
static const char SQL_SESSION_DETAILS[] =
	"SELECT " STORE_SESSION_DETAILS_COLS " FROM session_details WHERE org_id = ?1 AND session_id = ?2";
static const char SQL_SESSION_LEADERS[] =
	"SELECT user_id FROM session_leaders WHERE org_id = ?1 AND session_id = ?2 ORDER BY user_id";
static const char SQL_SESSION_DETAILS_SET[] =
	"INSERT INTO session_details (org_id, session_id, topic, topic_kind, step, external_count, updated_at, "
	"updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (org_id, session_id) DO UPDATE SET "
	"topic = excluded.topic, topic_kind = excluded.topic_kind, step = excluded.step, "
	"external_count = excluded.external_count, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
static const char SQL_SESSION_LEADERS_CLEAR[] = "DELETE FROM session_leaders WHERE org_id = ?1 AND session_id = ?2";
static const char SQL_SESSION_MEMBER[] = "SELECT count(*) FROM memberships WHERE org_id = ?1 AND user_id = ?2";
static const char SQL_SESSION_LEADER_ADD[] =
	"INSERT INTO session_leaders (org_id, session_id, user_id) VALUES (?1, ?2, ?3)";
static const char SQL_SESSION_GROUP_NOTES[] =
	"SELECT " STORE_NOTE_COLS " FROM notes n WHERE n.org_id = ?1 AND n.type = 'group' "
	"AND n.session_id IS NOT NULL AND (?2 = 0 OR n.session_id = ?2) "
	"AND (?3 = 0 OR (n.person_id <> ?3 AND EXISTS (SELECT 1 FROM attendance a JOIN enrolments e "
	"ON e.org_id = a.org_id AND e.id = a.enrolment_id WHERE a.org_id = n.org_id "
	"AND a.session_id = n.session_id AND a.attended = 1 AND e.person_id = ?3))) "
	"AND (n.signed_at IS NOT NULL OR (?4 <> 0 AND n.author = ?4)) "
	"ORDER BY n.on_day DESC, n.id DESC LIMIT ?5";

static int sq_session_details_get(struct store *s, int64_t org_id, int64_t session_id,
				  struct store_session_details *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(session_id) };
	int64_t k = 0;
	struct sessions_leader *rows = NULL;
	size_t n = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "session_details_get: begin");
	if (!ret)
		ret = sq_i(c, SQL_SESSION_EXISTS, "session_details_get: session", v, NV(v), &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_details_get: no such session");
	if (!ret) {
		ret = sq_r(c, SQL_SESSION_DETAILS, "session_details_get", v, NV(v), &sessions_details_map, out,
			   sizeof *out);
		if (ret == STORE_NOTFOUND)
			ret = STORE_OK;
	}
	if (!ret)
		ret = sq_rows(c, SQL_SESSION_LEADERS, "session_details_get: leaders", v, NV(v), &sessions_leader_map,
			      sizeof *rows, (void **)&rows, &n);
	if (!ret)
		sessions_take_leaders(out, rows, n);
	return sq_end_read(sq, c, ret, "session_details_get: commit");
}

static int sq_session_details_set(struct store *s, int64_t org_id, int64_t session_id,
				  struct store_session_details *d, int64_t by_user)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id),	    V_I(session_id),	     V_T(d->topic),
				    V_T(d->topic_kind),	    V_ID(d->step),	     V_I(d->external_count),
				    V_I(d->updated_at),	    V_ID(by_user) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "session_details_set: begin");
	if (!ret)
		ret = sq_i(c, SQL_SESSION_EXISTS, "session_details_set: session", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_details_set: no such session");
	for (int i = 0; !ret && i < d->nleaders; i++) {
		const struct sq_val m[] = { V_I(org_id), V_I(d->leaders[i]) };
		ret = sq_i(c, SQL_SESSION_MEMBER, "session_details_set: leader", m, NV(m), &k);
		if (!ret && !k)
			ret = store_error(STORE_INVALID, "session_details_set: a leader is not a member");
	}
	if (!ret)
		ret = sq_w(c, SQL_SESSION_DETAILS_SET, "session_details_set", v, NV(v), NULL);
	if (!ret)
		ret = sq_w(c, SQL_SESSION_LEADERS_CLEAR, "session_details_set: clear", v, 2, NULL);
	for (int i = 0; !ret && i < d->nleaders; i++) {
		const struct sq_val l[] = { V_I(org_id), V_I(session_id), V_I(d->leaders[i]) };
		ret = sq_w(c, SQL_SESSION_LEADER_ADD, "session_details_set: leader", l, NV(l), NULL);
	}
	return sq_end(sq, c, ret, "session_details_set: commit");
}

static int sq_session_group_notes(struct store *s, int64_t org_id, int64_t session_id, int64_t person_id,
				  int64_t viewer, int limit, struct store_note **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(session_id), V_I(person_id), V_I(viewer), V_I(limit) };
	return sq_list1(s, SQL_SESSION_GROUP_NOTES, "session_group_notes", v, NV(v), &notes_note_map, sizeof **out,
			(void **)out, n);
}
