/* sqlite_notes.c: the SQLite backend of clinical notes (issue 4). Not compiled on its
 * own: store_sqlite.c includes it before its operations table, so that it uses that
 * file's pool, statement cache and transaction helpers (sq_begin, sq_w, sq_rows…). */
#include "store/notes_backend.h"

static const char SQL_NOTE_PERSON_EXISTS[] = "SELECT count(*) FROM persons WHERE org_id = ?1 AND id = ?2";
static const char SQL_NOTE_INSERT[] =
	"INSERT INTO notes (org_id, person_id, enrolment_id, type, on_day, author, text, step, goal, assignment, "
	"session_id, drafted_on, drafted_at, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
static const char SQL_NOTE_UPDATE[] =
	"UPDATE notes SET enrolment_id = ?3, type = ?4, on_day = ?5, text = ?7, step = ?8, goal = ?9, "
	"assignment = ?10, session_id = ?11, drafted_on = ?12, updated_at = ?14 "
	"WHERE org_id = ?1 AND id = ?2 AND author = ?6 AND signed_at IS NULL";
static const char SQL_NOTE_EXISTS[] = "SELECT count(*) FROM notes WHERE org_id = ?1 AND id = ?2";
static const char SQL_NOTE_DELETE[] =
	"DELETE FROM notes WHERE org_id = ?1 AND id = ?2 AND author = ?3 AND signed_at IS NULL";
static const char SQL_NOTE_SIGN[] =
	"UPDATE notes SET signed_at = ?4, signed_by = ?3, updated_at = ?4 "
	"WHERE org_id = ?1 AND id = ?2 AND author = ?3 AND signed_at IS NULL AND text <> ''";
static const char SQL_NOTE_IS_SIGNED[] =
	"SELECT count(*) FROM notes WHERE org_id = ?1 AND id = ?2 AND signed_at IS NOT NULL";
static const char SQL_NOTE_ADDENDUM_INSERT[] =
	"INSERT INTO note_addenda (org_id, note_id, author, created_at, text) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_NOTE_GET[] = "SELECT " STORE_NOTE_COLS " FROM notes n WHERE n.org_id = ?1 AND n.id = ?2";
static const char SQL_NOTE_ADDENDA[] = "SELECT " STORE_NOTE_ADDENDUM_COLS " FROM note_addenda "
				       "WHERE org_id = ?1 AND note_id = ?2 ORDER BY id";
#define SQL_NOTE_LIST_WHERE                                                                        \
	" FROM notes n WHERE n.org_id = ?1 AND n.person_id = ?2 "                                  \
	"AND (n.signed_at IS NOT NULL OR ?3 = 0 OR n.author = ?3) AND (?4 = '' OR n.type = ?4)"
static const char SQL_NOTE_LIST_COUNT[] = "SELECT count(*)" SQL_NOTE_LIST_WHERE;
static const char SQL_NOTE_LIST[] = "SELECT " STORE_NOTE_COLS SQL_NOTE_LIST_WHERE
				    " ORDER BY n.on_day DESC, n.id DESC LIMIT ?5 OFFSET ?6";
static const char SQL_NOTE_HEADS[] = "SELECT " STORE_NOTE_HEAD_COLS " FROM notes n "
				     "WHERE n.org_id = ?1 AND n.person_id = ?2 ORDER BY n.on_day DESC, n.id DESC LIMIT ?3";
static const char SQL_NOTE_DRAFT_COUNT[] =
	"SELECT count(*) FROM notes WHERE org_id = ?1 AND person_id = ?2 AND signed_at IS NULL";
static const char SQL_NOTE_OVERDUE[] =
	"SELECT " STORE_NOTE_DRAFT_COLS " FROM notes n JOIN persons p ON p.org_id = n.org_id AND p.id = n.person_id "
	"WHERE n.org_id = ?1 AND n.author = ?2 AND n.signed_at IS NULL AND n.drafted_on < ?3 "
	"ORDER BY n.drafted_on, n.id LIMIT ?4";

/* After a write that touched no row: NOTFOUND without the note, else CONFLICT (signed,
 * another author's or, for signing, empty). */
static int sq_note_why(struct sq_conn *c, int64_t org_id, int64_t id, const char *what)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	int64_t k = 0;
	int ret = sq_i(c, SQL_NOTE_EXISTS, what, v, NV(v), &k);
	if (!ret)
		ret = k ? store_error(STORE_CONFLICT, "%s: signed or not the author's draft", what)
			: store_error(STORE_NOTFOUND, "%s: no such note", what);
	return ret;
}

static int sq_note_create(struct store *s, int64_t org_id, struct store_note *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id),	 V_I(n->person_id),  V_ID(n->enrolment_id), V_T(n->type),
				    V_I(n->on_day),	 V_I(n->author),     V_T(n->text),	    V_ID(n->step),
				    V_ID(n->goal),	 V_ID(n->assignment), V_ID(n->session_id),  V_I(n->drafted_on),
				    V_I(n->drafted_at), V_I(n->updated_at) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "note_create: begin");
	if (!ret)
		ret = sq_i(c, SQL_NOTE_PERSON_EXISTS, "note_create: person", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "note_create: no such person");
	if (!ret)
		ret = sq_w(c, SQL_NOTE_INSERT, "note_create", v, NV(v), NULL);
	if (!ret)
		n->id = sqlite3_last_insert_rowid(c->db);
	return sq_end(sq, c, ret, "note_create: commit");
}

static int sq_note_update(struct store *s, int64_t org_id, struct store_note *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id),	 V_I(n->id),	      V_ID(n->enrolment_id), V_T(n->type),
				    V_I(n->on_day),	 V_I(n->author),     V_T(n->text),	    V_ID(n->step),
				    V_ID(n->goal),	 V_ID(n->assignment), V_ID(n->session_id),  V_I(n->drafted_on),
				    V_I(n->drafted_at), V_I(n->updated_at) };
	int ret, changes = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "note_update: begin");
	if (!ret)
		ret = sq_w(c, SQL_NOTE_UPDATE, "note_update", v, NV(v), &changes);
	if (!ret && !changes)
		ret = sq_note_why(c, org_id, n->id, "note_update");
	return sq_end(sq, c, ret, "note_update: commit");
}

static int sq_note_delete(struct store *s, int64_t org_id, int64_t id, int64_t author)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_I(author) };
	int ret, changes = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "note_delete: begin");
	if (!ret)
		ret = sq_w(c, SQL_NOTE_DELETE, "note_delete", v, NV(v), &changes);
	if (!ret && !changes)
		ret = sq_note_why(c, org_id, id, "note_delete");
	return sq_end(sq, c, ret, "note_delete: commit");
}

static int sq_note_sign(struct store *s, int64_t org_id, int64_t id, int64_t author, int64_t at)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_I(author), V_I(at) };
	int ret, changes = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "note_sign: begin");
	if (!ret)
		ret = sq_w(c, SQL_NOTE_SIGN, "note_sign", v, NV(v), &changes);
	if (!ret && !changes)
		ret = sq_note_why(c, org_id, id, "note_sign");
	return sq_end(sq, c, ret, "note_sign: commit");
}

static int sq_note_addendum_add(struct store *s, int64_t org_id, struct store_note_addendum *a)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(a->note_id), V_I(a->author), V_I(a->created_at), V_T(a->text) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "note_addendum_add: begin");
	if (!ret)
		ret = sq_i(c, SQL_NOTE_IS_SIGNED, "note_addendum_add: note", v, 2, &k);
	if (!ret && !k)
		ret = sq_note_why(c, org_id, a->note_id, "note_addendum_add");
	if (!ret)
		ret = sq_w(c, SQL_NOTE_ADDENDUM_INSERT, "note_addendum_add", v, NV(v), NULL);
	if (!ret)
		a->id = sqlite3_last_insert_rowid(c->db);
	return sq_end(sq, c, ret, "note_addendum_add: commit");
}

static int sq_note_get(struct store *s, int64_t org_id, int64_t id, struct store_note *out,
		       struct store_note_addendum **addenda, size_t *naddenda)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "note_get: begin");
	if (!ret)
		ret = sq_r(c, SQL_NOTE_GET, "note_get", v, NV(v), &notes_note_map, out, sizeof *out);
	if (!ret && addenda)
		ret = sq_rows(c, SQL_NOTE_ADDENDA, "note_get: addenda", v, NV(v), &notes_addendum_map,
			      sizeof **addenda, (void **)addenda, naddenda);
	return sq_end_read(sq, c, ret, "note_get: commit");
}

static int sq_note_heads(struct store *s, int64_t org_id, int64_t person_id, struct store_note_head **out,
			 size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(STORE_NOTE_HEADS_MAX) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "note_heads: begin");
	if (!ret)
		ret = sq_i(c, SQL_NOTE_PERSON_EXISTS, "note_heads: person", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "note_heads: no such person");
	if (!ret)
		ret = sq_rows(c, SQL_NOTE_HEADS, "note_heads", v, NV(v), &notes_head_map, sizeof **out, (void **)out, n);
	return sq_end_read(sq, c, ret, "note_heads: commit");
}

static int sq_note_list(struct store *s, int64_t org_id, int64_t person_id, int64_t viewer, const char *type,
			int limit, int offset, struct store_note **out, size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(viewer), V_T(type), V_I(limit), V_I(offset) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "note_list: begin");
	if (!ret)
		ret = sq_i(c, SQL_NOTE_PERSON_EXISTS, "note_list: person", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "note_list: no such person");
	if (!ret)
		ret = sq_i(c, SQL_NOTE_LIST_COUNT, "note_list: count", v, 4, total);
	if (!ret)
		ret = sq_rows(c, SQL_NOTE_LIST, "note_list", v, NV(v), &notes_note_map, sizeof **out, (void **)out, n);
	return sq_end_read(sq, c, ret, "note_list: commit");
}

static int sq_note_draft_count(struct store *s, int64_t org_id, int64_t person_id, int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c, SQL_NOTE_DRAFT_COUNT, "note_draft_count", v, NV(v), n);
	sq_put(sq, c, false);
	return ret;
}

static int sq_note_drafts_overdue(struct store *s, int64_t org_id, int64_t author, int32_t before, int limit,
				  struct store_note_draft **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(author), V_I(before), V_I(limit) };
	return sq_list1(s, SQL_NOTE_OVERDUE, "note_drafts_overdue", v, NV(v), &notes_draft_map, sizeof **out,
			(void **)out, n);
}
