/* pg_sessions.c: the PostgreSQL backend of group sessions and workshops (issue 4). Not
 * compiled on its own: store_pg.c includes it before its operations table, so that it
 * uses that file's pool, prepared statements and transaction helpers (pg_begin, pg_w…). */
#include "store/sessions_backend.h"

#define PG_SESSION_EXISTS "SELECT count(*) FROM attendance_sessions WHERE org_id = $1 AND id = $2"

static int pg_session_details_get(struct store *s, int64_t org_id, int64_t session_id,
				  struct store_session_details *out)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(session_id) };
	int64_t k = 0;
	struct sessions_leader *rows = NULL;
	size_t n = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "session_details_get: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_i(c, "session_details_get: session", PG_SESSION_EXISTS, NVALS(v), v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_details_get: no such session");
	if (!ret) {
		ret = pg_r(c, "session_details_get",
			   "SELECT " STORE_SESSION_DETAILS_COLS " FROM session_details WHERE org_id = $1 "
			   "AND session_id = $2",
			   NVALS(v), v, &sessions_details_map, out, sizeof *out);
		if (ret == STORE_NOTFOUND)
			ret = STORE_OK;
	}
	if (!ret)
		ret = pg_rows(c, "session_details_get: leaders",
			      "SELECT user_id FROM session_leaders WHERE org_id = $1 AND session_id = $2 "
			      "ORDER BY user_id",
			      NVALS(v), v, &sessions_leader_map, sizeof *rows, (void **)&rows, &n, NULL);
	if (!ret)
		sessions_take_leaders(out, rows, n);
	return pg_end(pg, c, ret, "session_details_get: commit");
}

static int pg_session_details_set(struct store *s, int64_t org_id, int64_t session_id,
				  struct store_session_details *d, int64_t by_user)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id),	   I64(session_id),	   d->topic,
			    d->topic_kind,	   ID_OR_NULL(d->step),	   I64(d->external_count),
			    I64(d->updated_at),	   ID_OR_NULL(by_user) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "session_details_set: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "session_details_set: session", PG_SESSION_EXISTS, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "session_details_set: no such session");
	for (int i = 0; !ret && i < d->nleaders; i++) {
		const char *m[] = { I64(org_id), I64(d->leaders[i]) };
		ret = pg_i(c, "session_details_set: leader",
			   "SELECT count(*) FROM memberships WHERE org_id = $1 AND user_id = $2", NVALS(m), m, &k);
		if (!ret && !k)
			ret = store_error(STORE_INVALID, "session_details_set: a leader is not a member");
	}
	if (!ret)
		ret = pg_w(c, "session_details_set",
			   "INSERT INTO session_details (org_id, session_id, topic, topic_kind, step, external_count, "
			   "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
			   "ON CONFLICT (org_id, session_id) DO UPDATE SET topic = excluded.topic, "
			   "topic_kind = excluded.topic_kind, step = excluded.step, "
			   "external_count = excluded.external_count, updated_at = excluded.updated_at, "
			   "updated_by = excluded.updated_by",
			   NVALS(v), v, NULL, NULL);
	if (!ret)
		ret = pg_w(c, "session_details_set: clear",
			   "DELETE FROM session_leaders WHERE org_id = $1 AND session_id = $2", 2, v, NULL, NULL);
	for (int i = 0; !ret && i < d->nleaders; i++) {
		const char *l[] = { I64(org_id), I64(session_id), I64(d->leaders[i]) };
		ret = pg_w(c, "session_details_set: leader",
			   "INSERT INTO session_leaders (org_id, session_id, user_id) VALUES ($1, $2, $3)", NVALS(l), l,
			   NULL, NULL);
	}
	return pg_end(pg, c, ret, "session_details_set: commit");
}

static int pg_session_group_notes(struct store *s, int64_t org_id, int64_t session_id, int64_t person_id,
				  int64_t viewer, int limit, struct store_note **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(session_id), I64(person_id), I64(viewer), I64(limit) };
	return pg_list1(s, "session_group_notes",
			"SELECT " STORE_NOTE_COLS " FROM notes n WHERE n.org_id = $1 AND n.type = 'group' "
			"AND n.session_id IS NOT NULL AND ($2::bigint = 0 OR n.session_id = $2::bigint) "
			"AND ($3::bigint = 0 OR (n.person_id <> $3::bigint AND EXISTS (SELECT 1 FROM attendance a "
			"JOIN enrolments e ON e.org_id = a.org_id AND e.id = a.enrolment_id WHERE a.org_id = n.org_id "
			"AND a.session_id = n.session_id AND a.attended AND e.person_id = $3::bigint))) "
			"AND (n.signed_at IS NOT NULL OR ($4::bigint <> 0 AND n.author = $4::bigint)) "
			"ORDER BY n.on_day DESC, n.id DESC LIMIT $5",
			NVALS(v), v, &notes_note_map, sizeof **out, (void **)out, n);
}
