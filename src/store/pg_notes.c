/* pg_notes.c: the PostgreSQL backend of clinical notes (issue 4). Not compiled on its
 * own: store_pg.c includes it before its operations table, so that it uses that file's
 * pool, prepared statements and transaction helpers (pg_begin, pg_w, pg_rows…). */
#include "store/notes_backend.h"

#define PG_NOTE_PERSON_EXISTS "SELECT count(*) FROM persons WHERE org_id = $1 AND id = $2"
#define PG_NOTE_LIST_WHERE                                                                         \
	" FROM notes n WHERE n.org_id = $1 AND n.person_id = $2 "                                  \
	"AND (n.signed_at IS NOT NULL OR $3::bigint = 0 OR n.author = $3::bigint) "                  \
	"AND ($4::text = '' OR n.type = $4::text)"

/* After a write that touched no row: NOTFOUND without the note, else CONFLICT. */
static int pg_note_why(PGconn *c, int64_t org_id, int64_t id, const char *what)
{
	const char *v[] = { I64(org_id), I64(id) };
	int64_t k = 0;
	int ret = pg_i(c, what, "SELECT count(*) FROM notes WHERE org_id = $1 AND id = $2", NVALS(v), v, &k);
	if (!ret)
		ret = k ? store_error(STORE_CONFLICT, "%s: signed or not the author's draft", what)
			: store_error(STORE_NOTFOUND, "%s: no such note", what);
	return ret;
}

static int pg_note_create(struct store *s, int64_t org_id, struct store_note *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id),	 I64(n->person_id),	     ID_OR_NULL(n->enrolment_id),
			    n->type,		 I64(n->on_day),	     I64(n->author),
			    n->text,		 ID_OR_NULL(n->step),	     ID_OR_NULL(n->goal),
			    ID_OR_NULL(n->assignment), ID_OR_NULL(n->session_id), I64(n->drafted_on),
			    I64(n->drafted_at),	 I64(n->updated_at) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "note_create: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "note_create: person", PG_NOTE_PERSON_EXISTS, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "note_create: no such person");
	if (!ret)
		ret = pg_w(c, "note_create",
			   "INSERT INTO notes (org_id, person_id, enrolment_id, type, on_day, author, text, step, goal, "
			   "assignment, session_id, drafted_on, drafted_at, updated_at) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
			   NVALS(v), v, NULL, &n->id);
	return pg_end(pg, c, ret, "note_create: commit");
}

static int pg_note_update(struct store *s, int64_t org_id, struct store_note *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id),	 I64(n->id),		     ID_OR_NULL(n->enrolment_id),
			    n->type,		 I64(n->on_day),	     I64(n->author),
			    n->text,		 ID_OR_NULL(n->step),	     ID_OR_NULL(n->goal),
			    ID_OR_NULL(n->assignment), ID_OR_NULL(n->session_id), I64(n->drafted_on),
			    I64(n->updated_at) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "note_update: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "note_update",
			   "UPDATE notes SET enrolment_id = $3, type = $4, on_day = $5, text = $7, step = $8, goal = $9, "
			   "assignment = $10, session_id = $11, drafted_on = $12, updated_at = $13 "
			   "WHERE org_id = $1 AND id = $2 AND author = $6 AND signed_at IS NULL",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes)
		ret = pg_note_why(c, org_id, n->id, "note_update");
	return pg_end(pg, c, ret, "note_update: commit");
}

static int pg_note_delete(struct store *s, int64_t org_id, int64_t id, int64_t author)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id), I64(author) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "note_delete: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "note_delete",
			   "DELETE FROM notes WHERE org_id = $1 AND id = $2 AND author = $3 AND signed_at IS NULL",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes)
		ret = pg_note_why(c, org_id, id, "note_delete");
	return pg_end(pg, c, ret, "note_delete: commit");
}

static int pg_note_sign(struct store *s, int64_t org_id, int64_t id, int64_t author, int64_t at)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id), I64(author), I64(at) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "note_sign: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "note_sign",
			   "UPDATE notes SET signed_at = $4, signed_by = $3, updated_at = $4 WHERE org_id = $1 "
			   "AND id = $2 AND author = $3 AND signed_at IS NULL AND text <> ''",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes)
		ret = pg_note_why(c, org_id, id, "note_sign");
	return pg_end(pg, c, ret, "note_sign: commit");
}

static int pg_note_addendum_add(struct store *s, int64_t org_id, struct store_note_addendum *a)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(a->note_id), I64(a->author), I64(a->created_at), a->text };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "note_addendum_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "note_addendum_add: note",
			   "SELECT count(*) FROM notes WHERE org_id = $1 AND id = $2 AND signed_at IS NOT NULL", 2, v,
			   &k);
	if (!ret && !k)
		ret = pg_note_why(c, org_id, a->note_id, "note_addendum_add");
	if (!ret)
		ret = pg_w(c, "note_addendum_add",
			   "INSERT INTO note_addenda (org_id, note_id, author, created_at, text) "
			   "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			   NVALS(v), v, NULL, &a->id);
	return pg_end(pg, c, ret, "note_addendum_add: commit");
}

static int pg_note_get(struct store *s, int64_t org_id, int64_t id, struct store_note *out,
		       struct store_note_addendum **addenda, size_t *naddenda)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "note_get: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_r(c, "note_get", "SELECT " STORE_NOTE_COLS " FROM notes n WHERE n.org_id = $1 AND n.id = $2",
			   NVALS(v), v, &notes_note_map, out, sizeof *out);
	if (!ret && addenda)
		ret = pg_rows(c, "note_get: addenda",
			      "SELECT " STORE_NOTE_ADDENDUM_COLS " FROM note_addenda WHERE org_id = $1 "
			      "AND note_id = $2 ORDER BY id",
			      NVALS(v), v, &notes_addendum_map, sizeof **addenda, (void **)addenda, naddenda, NULL);
	return pg_end(pg, c, ret, "note_get: commit");
}

static int pg_note_heads(struct store *s, int64_t org_id, int64_t person_id, struct store_note_head **out,
			 size_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(person_id), I64(STORE_NOTE_HEADS_MAX) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "note_heads: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_i(c, "note_heads: person", PG_NOTE_PERSON_EXISTS, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "note_heads: no such person");
	if (!ret)
		ret = pg_rows(c, "note_heads",
			      "SELECT " STORE_NOTE_HEAD_COLS " FROM notes n WHERE n.org_id = $1 AND n.person_id = $2 "
			      "ORDER BY n.on_day DESC, n.id DESC LIMIT $3",
			      NVALS(v), v, &notes_head_map, sizeof **out, (void **)out, n, NULL);
	ret = pg_end(pg, c, ret, "note_heads: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

static int pg_note_list(struct store *s, int64_t org_id, int64_t person_id, int64_t viewer, const char *type,
			int limit, int offset, struct store_note **out, size_t *n, int64_t *total)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(person_id), I64(viewer), type, I64(limit), I64(offset) };
	int64_t k = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "note_list: begin", PG_SNAPSHOT);
	if (!ret)
		ret = pg_i(c, "note_list: person", PG_NOTE_PERSON_EXISTS, 2, v, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "note_list: no such person");
	if (!ret)
		ret = pg_i(c, "note_list: count", "SELECT count(*)" PG_NOTE_LIST_WHERE, 4, v, total);
	if (!ret)
		ret = pg_rows(c, "note_list",
			      "SELECT " STORE_NOTE_COLS PG_NOTE_LIST_WHERE " ORDER BY n.on_day DESC, n.id DESC "
			      "LIMIT $5 OFFSET $6",
			      NVALS(v), v, &notes_note_map, sizeof **out, (void **)out, n, NULL);
	ret = pg_end(pg, c, ret, "note_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

static int pg_note_draft_count(struct store *s, int64_t org_id, int64_t person_id, int64_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(person_id) };
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_i(c, "note_draft_count",
		   "SELECT count(*) FROM notes WHERE org_id = $1 AND person_id = $2 AND signed_at IS NULL", NVALS(v), v,
		   n);
	pg_put(pg, c);
	return ret;
}

static int pg_note_drafts_overdue(struct store *s, int64_t org_id, int64_t author, int32_t before, int limit,
				  struct store_note_draft **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(author), I64(before), I64(limit) };
	return pg_list1(s, "note_drafts_overdue",
			"SELECT " STORE_NOTE_DRAFT_COLS " FROM notes n JOIN persons p ON p.org_id = n.org_id "
			"AND p.id = n.person_id WHERE n.org_id = $1 AND n.author = $2 AND n.signed_at IS NULL "
			"AND n.drafted_on < $3 ORDER BY n.drafted_on, n.id LIMIT $4",
			NVALS(v), v, &notes_draft_map, sizeof **out, (void **)out, n);
}
