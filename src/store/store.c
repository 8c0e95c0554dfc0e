/* store.c: the store's front door — URL dispatch to a backend, argument checks, errors.
 *
 * Every public function checks its arguments here and then calls the backend through
 * s->ops (see backend.h), so the backends never see a field that is not terminated,
 * an e-mail address that is not lower-case or a limit out of range.
 */
#include "store/backend.h"
#include "store/store_testing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/util.h"

enum { DEFAULT_POOL = 4, MAX_POOL = 64, LIST_MAX = 1000 };

/* Per thread, so that concurrent requests do not read each other's errors. */
static _Thread_local char last_error[256];

int store_error(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return status;
}

const char *store_last_error(void)
{
	return last_error;
}

bool store_copy_field(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	if (srclen >= dstlen || memchr(src, '\0', srclen))
		return false;
	memcpy(dst, src, srclen);
	dst[srclen] = '\0';
	return true;
}

int store_mkdir_parents(const char *path)
{
	char *p = xstrdup(path);
	char *slash = strrchr(p, '/');
	int ret = 0;
	if (!slash || slash == p)
		goto out;
	*slash = '\0';
	for (char *c = p + 1; ; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char saved = *c;
		*c = '\0';
		if (mkdir(p, 0750) < 0 && errno != EEXIST) {
			ret = -1;
			goto out;
		}
		*c = saved;
		if (!saved)
			break;
	}
out:
	free(p);
	return ret;
}

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int ret = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

int store_publish_file(const char *tmp, const char *path)
{
	if (fsync_path(tmp, O_RDONLY) < 0)
		return -1;
	if (link(tmp, path) < 0)
		return -1;
	unlink(tmp);
	/* The new name is only durable once its folder is. */
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	const char *d = ".";
	if (slash == dir)
		d = "/";
	else if (slash) {
		*slash = '\0';
		d = dir;
	}
	int ret = fsync_path(d, O_RDONLY | O_DIRECTORY);
	free(dir);
	return ret;
}

/* ---- argument checks ---- */

/* A fixed-size field is well-formed if it is terminated inside its array. */
#define FIELD_OK(f) (memchr((f), '\0', sizeof(f)) != NULL)

static bool fits(const char *s, size_t max)
{
	return s && strnlen(s, max) < max;
}

/* Lower-cases an e-mail address into a field-sized buffer; false if it does not fit. */
static bool lower_email(const char *email, char out[STORE_EMAIL_MAX])
{
	if (!email || !copy_str(out, STORE_EMAIL_MAX, email))
		return false;
	ascii_lower(out);
	return true;
}

#define CHECK_STORE(s)                                                                             \
	do {                                                                                       \
		if (!(s))                                                                          \
			return store_error(STORE_INVALID, "no store");                             \
	} while (0)

/* ---- opening ---- */

int store_open(const char *url, int pool_size, struct store **out)
{
	if (!out)
		return store_error(STORE_INVALID, "store_open: no result pointer");
	*out = NULL;
	if (!url)
		return store_error(STORE_INVALID, "store_open: no URL");
	if (pool_size == 0)
		pool_size = DEFAULT_POOL;
	if (pool_size < 1 || pool_size > MAX_POOL)
		return store_error(STORE_INVALID, "store_open: pool size must be 1..%d", MAX_POOL);

	/* The URL is not quoted in errors: a PostgreSQL URL may carry a password. */
	if (!strncmp(url, "sqlite:", 7)) {
		const char *path = url + 7;
		if (!strncmp(path, "//", 2))
			path += 2; /* sqlite:///abs/path */
		if (!*path || !strcmp(path, ":memory:"))
			return store_error(STORE_INVALID,
					   "store_open: sqlite: needs a file path (a pool cannot share :memory:)");
		return store_sqlite_ops.open(path, pool_size, out);
	}
	if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
		return store_pg_ops.open(url, pool_size, out);
	return store_error(STORE_INVALID, "store_open: unknown URL scheme (want sqlite:PATH or postgresql://...)");
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_backend(const struct store *s)
{
	return s ? s->ops->name : "";
}

int store_migrate(struct store *s, int *applied)
{
	int dummy;
	CHECK_STORE(s);
	return s->ops->migrate(s, applied ? applied : &dummy);
}

int store_schema_version(struct store *s, int *version)
{
	CHECK_STORE(s);
	if (!version)
		return store_error(STORE_INVALID, "store_schema_version: no result pointer");
	return s->ops->schema_version(s, version);
}

int store_latest_version(void)
{
	return store_migrations_latest;
}

int store_ping(struct store *s)
{
	CHECK_STORE(s);
	return s->ops->ping(s);
}

int store_backup(struct store *s, const char *path)
{
	struct stat st;
	CHECK_STORE(s);
	if (!path || !*path || strlen(path) > 4000)
		return store_error(STORE_INVALID, "store_backup: no or too long path");
	/* Checked again atomically when the copy is put in place (link refuses). */
	if (lstat(path, &st) == 0)
		return store_error(STORE_CONFLICT, "store_backup: the target file exists; refusing to overwrite");
	return s->ops->backup(s, path);
}

/* ---- organisations ---- */

int store_org_create(struct store *s, struct org *o)
{
	CHECK_STORE(s);
	if (!o || !FIELD_OK(o->name) || !o->name[0])
		return store_error(STORE_INVALID, "org: name missing or too long");
	if (!o->created_at)
		o->created_at = now_seconds();
	return s->ops->org_create(s, o);
}

int store_org_get(struct store *s, int64_t id, struct org *out)
{
	CHECK_STORE(s);
	if (!out)
		return store_error(STORE_INVALID, "org_get: no result pointer");
	return s->ops->org_get(s, id, out);
}

int store_org_get_by_name(struct store *s, const char *name, struct org *out)
{
	CHECK_STORE(s);
	if (!out || !name)
		return store_error(STORE_INVALID, "org_get_by_name: missing argument");
	if (!fits(name, STORE_NAME_MAX))
		return store_error(STORE_NOTFOUND, "org_get_by_name: no such organisation");
	return s->ops->org_get_by_name(s, name, out);
}

int store_org_list(struct store *s, struct org **out, size_t *n)
{
	CHECK_STORE(s);
	if (!out || !n)
		return store_error(STORE_INVALID, "org_list: no result pointer");
	*out = NULL;
	*n = 0;
	return s->ops->org_list(s, out, n);
}

/* ---- users and memberships ---- */

static bool user_ok(const struct user *u)
{
	return FIELD_OK(u->email) && FIELD_OK(u->name) && FIELD_OK(u->password_hash) && FIELD_OK(u->lang);
}

int store_user_create(struct store *s, struct user *u)
{
	CHECK_STORE(s);
	if (!u || !user_ok(u) || !u->email[0])
		return store_error(STORE_INVALID, "user: a field is missing or too long");
	ascii_lower(u->email);
	if (!u->created_at)
		u->created_at = now_seconds();
	return s->ops->user_create(s, u);
}

int store_user_get(struct store *s, int64_t id, struct user *out)
{
	CHECK_STORE(s);
	if (!out)
		return store_error(STORE_INVALID, "user_get: no result pointer");
	return s->ops->user_get(s, id, out);
}

int store_user_get_by_email(struct store *s, const char *email, struct user *out)
{
	char lower[STORE_EMAIL_MAX];
	CHECK_STORE(s);
	if (!out || !email)
		return store_error(STORE_INVALID, "user_get_by_email: missing argument");
	/* An address too long to be stored cannot belong to anybody. */
	if (!lower_email(email, lower))
		return store_error(STORE_NOTFOUND, "user_get_by_email: no such user");
	return s->ops->user_get_by_email(s, lower, out);
}

int store_user_update(struct store *s, const struct user *u)
{
	CHECK_STORE(s);
	if (!u || !user_ok(u))
		return store_error(STORE_INVALID, "user: a field is missing or too long");
	return s->ops->user_update(s, u);
}

int store_user_count(struct store *s, int64_t *n)
{
	CHECK_STORE(s);
	if (!n)
		return store_error(STORE_INVALID, "user_count: no result pointer");
	return s->ops->user_count(s, n);
}

int store_membership_set(struct store *s, const struct membership *m)
{
	CHECK_STORE(s);
	if (!m || !FIELD_OK(m->role))
		return store_error(STORE_INVALID, "membership: role missing or too long");
	return s->ops->membership_set(s, m);
}

int store_membership_get(struct store *s, int64_t user_id, int64_t org_id, struct membership *out)
{
	CHECK_STORE(s);
	if (!out)
		return store_error(STORE_INVALID, "membership_get: no result pointer");
	return s->ops->membership_get(s, user_id, org_id, out);
}

int store_memberships_of_user(struct store *s, int64_t user_id, struct membership **out, size_t *n)
{
	CHECK_STORE(s);
	if (!out || !n)
		return store_error(STORE_INVALID, "memberships_of_user: no result pointer");
	*out = NULL;
	*n = 0;
	return s->ops->memberships_of_user(s, user_id, out, n);
}

int store_user_list(struct store *s, int64_t org_id, int limit, int offset, struct user_row **out, size_t *n,
		    int64_t *total)
{
	int64_t dummy;
	CHECK_STORE(s);
	if (!out || !n)
		return store_error(STORE_INVALID, "user_list: no result pointer");
	*out = NULL;
	*n = 0;
	if (limit < 1)
		limit = 1;
	if (limit > LIST_MAX)
		limit = LIST_MAX;
	if (offset < 0)
		offset = 0;
	return s->ops->user_list(s, org_id, limit, offset, out, n, total ? total : &dummy);
}

/* ---- sessions ---- */

int store_session_create(struct store *s, const struct session *se)
{
	CHECK_STORE(s);
	if (!se || !FIELD_OK(se->token_hash) || !se->token_hash[0] || !FIELD_OK(se->csrf))
		return store_error(STORE_INVALID, "session: a field is missing or too long");
	return s->ops->session_create(s, se);
}

/* A token hash that cannot be stored cannot be found either. */
#define CHECK_TOKEN_HASH(h)                                                                        \
	do {                                                                                       \
		if (!(h))                                                                          \
			return store_error(STORE_INVALID, "no token hash");                        \
		if (!fits((h), STORE_HEX_MAX))                                                     \
			return store_error(STORE_NOTFOUND, "no such token");                       \
	} while (0)

int store_session_get(struct store *s, const char *token_hash, struct session *out)
{
	CHECK_STORE(s);
	CHECK_TOKEN_HASH(token_hash);
	if (!out)
		return store_error(STORE_INVALID, "session_get: no result pointer");
	return s->ops->session_get(s, token_hash, out);
}

int store_session_principal(struct store *s, const char *token_hash, struct session_principal *out)
{
	CHECK_STORE(s);
	CHECK_TOKEN_HASH(token_hash);
	if (!out)
		return store_error(STORE_INVALID, "session_principal: no result pointer");
	return s->ops->session_principal(s, token_hash, out);
}

int store_session_touch(struct store *s, const char *token_hash, int64_t last_seen, int64_t expires_at)
{
	CHECK_STORE(s);
	CHECK_TOKEN_HASH(token_hash);
	return s->ops->session_touch(s, token_hash, last_seen, expires_at);
}

int store_session_set_org(struct store *s, const char *token_hash, int64_t org_id)
{
	CHECK_STORE(s);
	CHECK_TOKEN_HASH(token_hash);
	if (org_id < 0)
		return store_error(STORE_INVALID, "session_set_org: bad organisation id");
	return s->ops->session_set_org(s, token_hash, org_id);
}

int store_session_delete(struct store *s, const char *token_hash)
{
	CHECK_STORE(s);
	CHECK_TOKEN_HASH(token_hash);
	return s->ops->session_delete(s, token_hash);
}

int store_session_delete_user(struct store *s, int64_t user_id)
{
	CHECK_STORE(s);
	return s->ops->session_delete_user(s, user_id);
}

int store_session_purge(struct store *s, int64_t now)
{
	CHECK_STORE(s);
	return s->ops->session_purge(s, now);
}

/* ---- API tokens ---- */

int store_token_create(struct store *s, struct api_token *t)
{
	CHECK_STORE(s);
	if (!t || !FIELD_OK(t->token_hash) || !t->token_hash[0] || !FIELD_OK(t->label) || t->org_id < 0)
		return store_error(STORE_INVALID, "token: a field is missing or too long");
	if (!t->created_at)
		t->created_at = now_seconds();
	return s->ops->token_create(s, t);
}

int store_token_get(struct store *s, const char *token_hash, struct api_token *out)
{
	CHECK_STORE(s);
	CHECK_TOKEN_HASH(token_hash);
	if (!out)
		return store_error(STORE_INVALID, "token_get: no result pointer");
	return s->ops->token_get(s, token_hash, out);
}

/* ---- login throttling ----
 * E-mail addresses are compared lower-cased, so that "Kari@x.no" and "kari@x.no"
 * count against the same limit. */

int store_login_failure_add(struct store *s, const char *email, const char *addr, int64_t at)
{
	char lower[STORE_EMAIL_MAX];
	CHECK_STORE(s);
	if (!lower_email(email, lower) || !fits(addr, STORE_ADDR_MAX))
		return store_error(STORE_INVALID, "login_failure_add: e-mail or address missing or too long");
	return s->ops->login_failure_add(s, lower, addr, at);
}

int store_login_failure_count(struct store *s, const char *email, const char *addr, int64_t since,
			      int64_t *by_email, int64_t *by_addr)
{
	char lower[STORE_EMAIL_MAX];
	int64_t d1, d2;
	CHECK_STORE(s);
	if (!lower_email(email, lower) || !fits(addr, STORE_ADDR_MAX))
		return store_error(STORE_INVALID, "login_failure_count: e-mail or address missing or too long");
	return s->ops->login_failure_count(s, lower, addr, since, by_email ? by_email : &d1,
					   by_addr ? by_addr : &d2);
}

int store_login_failure_clear(struct store *s, const char *email)
{
	char lower[STORE_EMAIL_MAX];
	CHECK_STORE(s);
	if (!lower_email(email, lower))
		return store_error(STORE_INVALID, "login_failure_clear: e-mail missing or too long");
	return s->ops->login_failure_clear(s, lower);
}

/* ---- audit log ---- */

/* A listing names at most this many persons (a page of a list is at most LIST_MAX). */
enum { AUDIT_SUBJECTS_MAX = 10000 };

static bool audit_entry_ok(const struct audit_entry *e)
{
	if (e->nsubjects > AUDIT_SUBJECTS_MAX || (e->nsubjects && !e->subjects))
		return false;
	for (size_t i = 0; i < e->nsubjects; i++)
		if (e->subjects[i] <= 0 || (i && e->subjects[i] <= e->subjects[i - 1]))
			return false; /* ascending without repeats, as the hash and the table have them */
	return FIELD_OK(e->actor) && FIELD_OK(e->action) && e->action[0] && FIELD_OK(e->object_type) &&
	       FIELD_OK(e->object_id) && FIELD_OK(e->addr) && FIELD_OK(e->detail);
}

/* Loads the audit_subjects rows of es[0..n) (n <= LIST_MAX). Rows of another
 * organisation than their entry's are dropped here, so an edited org_id shows up in
 * audit_verify as a changed list of subjects. */
static int audit_subject_rows(struct store *s, const struct audit_entry *es, size_t n,
			      struct store_audit_subject **rows, size_t *nrows)
{
	*rows = NULL;
	*nrows = 0;
	if (!n)
		return STORE_OK;
	int64_t *seqs = xmalloc(n * sizeof *seqs);
	for (size_t i = 0; i < n; i++)
		seqs[i] = es[i].seq;
	int ret = s->ops->audit_subjects(s, seqs, n, rows, nrows);
	free(seqs);
	return ret;
}

/* Points each entry at its subjects, copied into ids (room for nrows). es ascending or
 * descending by seq; rows ascending by seq, person_id. */
static void audit_subjects_attach(struct audit_entry *es, size_t n, const struct store_audit_subject *rows,
				  size_t nrows, int64_t *ids)
{
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		es[i].subjects = NULL;
		es[i].nsubjects = 0;
		/* Binary search for the first row of this seq. */
		size_t lo = 0, hi = nrows;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (rows[mid].seq < es[i].seq)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t start = used;
		for (size_t k = lo; k < nrows && rows[k].seq == es[i].seq; k++)
			if (rows[k].org_id == es[i].org_id)
				ids[used++] = rows[k].person_id;
		if (used > start) {
			es[i].subjects = &ids[start];
			es[i].nsubjects = used - start;
		}
	}
}

int store_audit_append(struct store *s, struct audit_entry *entries, size_t n, audit_hash_fn hash)
{
	CHECK_STORE(s);
	if (!n)
		return STORE_OK;
	if (!entries || !hash)
		return store_error(STORE_INVALID, "audit_append: missing argument");
	for (size_t i = 0; i < n; i++)
		if (!audit_entry_ok(&entries[i]))
			return store_error(STORE_INVALID, "audit_append: entry %zu: a field is missing or too long", i);
	return s->ops->audit_append(s, entries, n, hash);
}

/* Escapes LIKE's wildcards (% and _) and the escape character itself, so that the
 * user's text matches literally; then adds % where the pattern is open. */
static void like_pattern(char *out, size_t outlen, const char *text, bool leading)
{
	size_t j = 0;
	if (leading)
		out[j++] = '%';
	for (const char *c = text; *c && j + 3 < outlen; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			out[j++] = '\\';
		out[j++] = *c;
	}
	out[j++] = '%';
	out[j] = '\0';
}

int store_audit_list(struct store *s, const struct audit_filter *f, struct audit_entry **out, size_t *n)
{
	struct store_audit_query q = { .f = f };
	CHECK_STORE(s);
	if (!f || !out || !n)
		return store_error(STORE_INVALID, "audit_list: missing argument");
	*out = NULL;
	*n = 0;
	if (!FIELD_OK(f->actor) || !FIELD_OK(f->action) || !FIELD_OK(f->object_type) || !FIELD_OK(f->object_id))
		return store_error(STORE_INVALID, "audit_list: a filter field is too long");
	/* Sized so that even an all-wildcard field fits escaped (see backend.h). */
	if (f->actor[0])
		like_pattern(q.actor_like, sizeof q.actor_like, f->actor, true);
	if (f->action[0])
		like_pattern(q.action_like, sizeof q.action_like, f->action, false);
	q.limit = f->limit < 1 ? 1 : f->limit > LIST_MAX ? LIST_MAX : f->limit;
	if (f->object_id[0] && (!f->object_type[0] || !strcmp(f->object_type, "person")) &&
	    parse_int64(f->object_id, 1, INT64_MAX, &q.subject_id) != 0)
		q.subject_id = 0;
	int ret = s->ops->audit_list(s, &q, out, n);
	if (ret || !*n)
		return ret;
	/* The listings' subjects go into the same allocation, after the entries, so that the
	 * caller's free(*out) frees them too. */
	struct store_audit_subject *rows;
	size_t nrows;
	ret = audit_subject_rows(s, *out, *n, &rows, &nrows);
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
		return ret;
	}
	if (nrows) {
		struct audit_entry *es = xrealloc(*out, *n * sizeof *es + nrows * sizeof(int64_t));
		audit_subjects_attach(es, *n, rows, nrows, (int64_t *)(void *)(es + *n));
		*out = es;
	}
	free(rows);
	return STORE_OK;
}

int store_audit_each(struct store *s, int64_t after_seq, int (*cb)(const struct audit_entry *e, void *arg),
		     void *arg)
{
	CHECK_STORE(s);
	if (!cb)
		return store_error(STORE_INVALID, "audit_each: no callback");
	/* Page by seq so that neither the whole table nor a connection is held while the
	 * callback runs; the log is append-only, so pages cannot shift under us. */
	struct audit_entry *page = xmalloc(STORE_AUDIT_PAGE * sizeof *page);
	int ret = STORE_OK;
	for (;;) {
		size_t n = 0;
		ret = s->ops->audit_page(s, after_seq, page, STORE_AUDIT_PAGE, &n);
		if (ret || !n)
			break;
		struct store_audit_subject *rows;
		size_t nrows;
		if ((ret = audit_subject_rows(s, page, n, &rows, &nrows)))
			break;
		int64_t *ids = xmalloc((nrows ? nrows : 1) * sizeof *ids);
		audit_subjects_attach(page, n, rows, nrows, ids);
		free(rows);
		for (size_t i = 0; i < n && !ret; i++)
			ret = cb(&page[i], arg);
		free(ids);
		if (ret)
			goto out;
		after_seq = page[n - 1].seq;
		if (n < STORE_AUDIT_PAGE)
			break;
	}
out:
	free(page);
	return ret;
}

/* ======================================================================================
 * The person's path through a programme (store.h, issue 3): row maps shared by the
 * backends, the default referral sources, and the argument checks.
 * ====================================================================================== */

#define COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }
#define MAP(name, arr) const struct store_cols name = { arr, (int)(sizeof arr / sizeof arr[0]) }

static const struct store_col programme_cols[] = {
	COL(SCOL_I64, struct programme, id),
	COL(SCOL_I64, struct programme, org_id),
	COL(SCOL_TEXT, struct programme, name),
	COL(SCOL_TEXT, struct programme, template_key),
	COL(SCOL_INT, struct programme, min_steps),
	COL(SCOL_BOOL, struct programme, active),
	COL(SCOL_I64, struct programme, created_at),
	COL(SCOL_I64, struct programme, updated_at),
};
MAP(store_programme_map, programme_cols);

static const struct store_col phase_cols[] = {
	COL(SCOL_TEXT, struct programme_phase, key),
	COL(SCOL_TEXT, struct programme_phase, label),
	COL(SCOL_INT, struct programme_phase, target_days),
	COL(SCOL_INT, struct programme_phase, min_days_per_week),
	COL(SCOL_INT, struct programme_phase, min_hours_per_day),
	COL(SCOL_INT, struct programme_phase, max_hours_per_day),
	COL(SCOL_INT, struct programme_phase, min_months),
	COL(SCOL_INT, struct programme_phase, max_months),
	COL(SCOL_INT, struct programme_phase, sessions_per_week),
	COL(SCOL_INT, struct programme_phase, session_minutes),
};
MAP(store_phase_map, phase_cols);

static const struct store_col closed_cols[] = {
	COL(SCOL_DAY, struct closed_date, day),
	COL(SCOL_TEXT, struct closed_date, label),
};
MAP(store_closed_map, closed_cols);

static const struct store_col programme_day_cols[] = {
	COL(SCOL_I64, struct programme_day, programme_id),
	COL(SCOL_DAY, struct programme_day, day),
};
MAP(store_programme_day_map, programme_day_cols);

static const struct store_col group_cols[] = {
	COL(SCOL_I64, struct group, id),
	COL(SCOL_I64, struct group, org_id),
	COL(SCOL_I64, struct group, programme_id),
	COL(SCOL_TEXT, struct group, name),
	COL(SCOL_TEXT, struct group, phase_key),
	COL(SCOL_INT, struct group, weekdays),
	COL(SCOL_INT, struct group, start_min),
	COL(SCOL_INT, struct group, end_min),
	COL(SCOL_TEXT, struct group, place),
	COL(SCOL_INT, struct group, capacity),
	COL(SCOL_BOOL, struct group, active),
	COL(SCOL_I64, struct group, created_at),
	COL(SCOL_I64, struct group, updated_at),
	COL(SCOL_INT, struct group, members),
	COL(SCOL_INT, struct group, waiting),
};
MAP(store_group_map, group_cols);

static const struct store_col member_cols[] = {
	COL(SCOL_I64, struct group_member, id),
	COL(SCOL_I64, struct group_member, org_id),
	COL(SCOL_I64, struct group_member, group_id),
	COL(SCOL_I64, struct group_member, enrolment_id),
	COL(SCOL_DAY, struct group_member, from_day),
	COL(SCOL_DAY, struct group_member, to_day),
	COL(SCOL_I64, struct group_member, created_at),
	COL(SCOL_I64, struct group_member, created_by),
	COL(SCOL_I64, struct group_member, person_id),
	COL(SCOL_TEXT, struct group_member, given_name),
	COL(SCOL_TEXT, struct group_member, family_name),
};
MAP(store_member_map, member_cols);

static const struct store_col waiting_cols[] = {
	COL(SCOL_I64, struct group_waiting, id),
	COL(SCOL_I64, struct group_waiting, org_id),
	COL(SCOL_I64, struct group_waiting, group_id),
	COL(SCOL_I64, struct group_waiting, enrolment_id),
	COL(SCOL_TEXT, struct group_waiting, note),
	COL(SCOL_I64, struct group_waiting, created_at),
	COL(SCOL_I64, struct group_waiting, created_by),
	COL(SCOL_INT, struct group_waiting, position),
	COL(SCOL_I64, struct group_waiting, person_id),
	COL(SCOL_TEXT, struct group_waiting, given_name),
	COL(SCOL_TEXT, struct group_waiting, family_name),
};
MAP(store_waiting_map, waiting_cols);

static const struct store_col refsource_cols[] = {
	COL(SCOL_I64, struct referral_source, id),
	COL(SCOL_I64, struct referral_source, org_id),
	COL(SCOL_TEXT, struct referral_source, key),
	COL(SCOL_TEXT, struct referral_source, label),
	COL(SCOL_BOOL, struct referral_source, active),
	COL(SCOL_INT, struct referral_source, position),
};
MAP(store_refsource_map, refsource_cols);

static const struct store_col person_cols[] = {
	COL(SCOL_I64, struct person, id),
	COL(SCOL_I64, struct person, org_id),
	COL(SCOL_TEXT, struct person, given_name),
	COL(SCOL_TEXT, struct person, family_name),
	COL(SCOL_DAY, struct person, birth_date),
	COL(SCOL_TEXT, struct person, national_id),
	COL(SCOL_TEXT, struct person, national_id_kind),
	COL(SCOL_TEXT, struct person, phone),
	COL(SCOL_TEXT, struct person, email),
	COL(SCOL_TEXT, struct person, address),
	COL(SCOL_TEXT, struct person, kin_name),
	COL(SCOL_TEXT, struct person, kin_relation),
	COL(SCOL_TEXT, struct person, kin_phone),
	COL(SCOL_UINT, struct person, substances),
	COL(SCOL_BOOL, struct person, dual_diagnosis),
	COL(SCOL_TEXT, struct person, notes),
	COL(SCOL_I64, struct person, created_at),
	COL(SCOL_I64, struct person, created_by),
	COL(SCOL_I64, struct person, updated_at),
	COL(SCOL_I64, struct person, updated_by),
};
MAP(store_person_map, person_cols);

static const struct store_col referral_cols[] = {
	COL(SCOL_I64, struct referral, id),
	COL(SCOL_I64, struct referral, org_id),
	COL(SCOL_I64, struct referral, person_id),
	COL(SCOL_I64, struct referral, programme_id),
	COL(SCOL_TEXT, struct referral, source_key),
	COL(SCOL_TEXT, struct referral, referrer_name),
	COL(SCOL_TEXT, struct referral, referrer_org),
	COL(SCOL_DAY, struct referral, received_on),
	COL(SCOL_TEXT, struct referral, reason),
	COL(SCOL_TEXT, struct referral, status),
	COL(SCOL_DAY, struct referral, status_on),
	COL(SCOL_I64, struct referral, created_at),
	COL(SCOL_I64, struct referral, created_by),
	COL(SCOL_I64, struct referral, updated_at),
	COL(SCOL_TEXT, struct referral, source_label),
	COL(SCOL_TEXT, struct referral, given_name),
	COL(SCOL_TEXT, struct referral, family_name),
};
MAP(store_referral_map, referral_cols);

static const struct store_col refevent_cols[] = {
	COL(SCOL_I64, struct referral_event, id),
	COL(SCOL_I64, struct referral_event, referral_id),
	COL(SCOL_TEXT, struct referral_event, from_status),
	COL(SCOL_TEXT, struct referral_event, to_status),
	COL(SCOL_DAY, struct referral_event, on_day),
	COL(SCOL_I64, struct referral_event, at),
	COL(SCOL_I64, struct referral_event, by_user),
	COL(SCOL_TEXT, struct referral_event, note),
};
MAP(store_refevent_map, refevent_cols);

static const struct store_col selfref_cols[] = {
	COL(SCOL_I64, struct self_referral, id),
	COL(SCOL_I64, struct self_referral, org_id),
	COL(SCOL_TEXT, struct self_referral, name),
	COL(SCOL_TEXT, struct self_referral, phone),
	COL(SCOL_TEXT, struct self_referral, email),
	COL(SCOL_TEXT, struct self_referral, message),
	COL(SCOL_I64, struct self_referral, consent_at),
	COL(SCOL_TEXT, struct self_referral, addr_hash),
	COL(SCOL_TEXT, struct self_referral, status),
	COL(SCOL_I64, struct self_referral, referral_id),
	COL(SCOL_I64, struct self_referral, created_at),
	COL(SCOL_I64, struct self_referral, handled_at),
	COL(SCOL_I64, struct self_referral, handled_by),
};
MAP(store_selfref_map, selfref_cols);

static const struct store_col enrolment_cols[] = {
	COL(SCOL_I64, struct enrolment, id),
	COL(SCOL_I64, struct enrolment, org_id),
	COL(SCOL_I64, struct enrolment, person_id),
	COL(SCOL_I64, struct enrolment, programme_id),
	COL(SCOL_I64, struct enrolment, therapist_id),
	COL(SCOL_I64, struct enrolment, referral_id),
	COL(SCOL_TEXT, struct enrolment, status),
	COL(SCOL_INT, struct enrolment, phase),
	COL(SCOL_DAY, struct enrolment, started_on),
	COL(SCOL_DAY, struct enrolment, phase_since),
	COL(SCOL_DAY, struct enrolment, last_change_on),
	COL(SCOL_DAY, struct enrolment, paused_since),
	COL(SCOL_DAY, struct enrolment, ended_on),
	COL(SCOL_TEXT, struct enrolment, reason_key),
	COL(SCOL_TEXT, struct enrolment, reason_note),
	COL(SCOL_INT, struct enrolment, pauses),
	COL(SCOL_I64, struct enrolment, version),
	COL(SCOL_I64, struct enrolment, created_at),
	COL(SCOL_I64, struct enrolment, updated_at),
};
MAP(store_enrolment_map, enrolment_cols);

static const struct store_col enrolment_row_cols[] = {
	COL(SCOL_TEXT, struct enrolment_row, given_name),
	COL(SCOL_TEXT, struct enrolment_row, family_name),
	COL(SCOL_INT, struct enrolment_row, attended_in_phase),
	COL(SCOL_INT, struct enrolment_row, attended_recent),
	COL(SCOL_DAY, struct enrolment_row, last_attended),
};
MAP(store_enrolment_row_map, enrolment_row_cols);

static const struct store_col event_cols[] = {
	COL(SCOL_I64, struct enrolment_event, id),
	COL(SCOL_I64, struct enrolment_event, org_id),
	COL(SCOL_I64, struct enrolment_event, enrolment_id),
	COL(SCOL_TEXT, struct enrolment_event, kind),
	COL(SCOL_PHASE, struct enrolment_event, from_phase),
	COL(SCOL_PHASE, struct enrolment_event, to_phase),
	COL(SCOL_DAY, struct enrolment_event, on_day),
	COL(SCOL_TEXT, struct enrolment_event, reason),
	COL(SCOL_I64, struct enrolment_event, by_user),
	COL(SCOL_I64, struct enrolment_event, at),
};
MAP(store_event_map, event_cols);

static const struct store_col session_cols[] = {
	COL(SCOL_I64, struct att_session, id),
	COL(SCOL_I64, struct att_session, org_id),
	COL(SCOL_I64, struct att_session, programme_id),
	COL(SCOL_I64, struct att_session, group_id),
	COL(SCOL_TEXT, struct att_session, phase_key),
	COL(SCOL_DAY, struct att_session, on_day),
	COL(SCOL_INT, struct att_session, start_min),
	COL(SCOL_INT, struct att_session, end_min),
	COL(SCOL_TEXT, struct att_session, kind),
	COL(SCOL_I64, struct att_session, leader_id),
	COL(SCOL_I64, struct att_session, created_at),
	COL(SCOL_I64, struct att_session, created_by),
};
MAP(store_session_map, session_cols);

static const struct store_col attendance_cols[] = {
	COL(SCOL_I64, struct attendance, id),
	COL(SCOL_I64, struct attendance, org_id),
	COL(SCOL_I64, struct attendance, session_id),
	COL(SCOL_I64, struct attendance, enrolment_id),
	COL(SCOL_BOOL, struct attendance, attended),
	COL(SCOL_INT, struct attendance, minutes),
	COL(SCOL_TEXT, struct attendance, note),
	COL(SCOL_I64, struct attendance, recorded_by),
	COL(SCOL_I64, struct attendance, recorded_at),
	COL(SCOL_DAY, struct attendance, on_day),
	COL(SCOL_I64, struct attendance, group_id),
	COL(SCOL_TEXT, struct attendance, kind),
};
MAP(store_attendance_map, attendance_cols);

/* The roster's own columns; the attendance follows at offsetof(struct roster_line, a). */
static const struct store_col roster_cols[] = {
	COL(SCOL_I64, struct roster_line, enrolment_id),
	COL(SCOL_I64, struct roster_line, person_id),
	COL(SCOL_TEXT, struct roster_line, given_name),
	COL(SCOL_TEXT, struct roster_line, family_name),
	COL(SCOL_TEXT, struct roster_line, enrolment_status),
	COL(SCOL_BOOL, struct roster_line, member),
	COL(SCOL_BOOL, struct roster_line, recorded),
};
MAP(store_roster_map, roster_cols);

const struct referral_source store_default_sources[] = {
	{ .key = "nav", .label = "NAV (labour and welfare)", .active = true, .position = 10 },
	{ .key = "akan", .label = "AKAN (workplace programme)", .active = true, .position = 20 },
	{ .key = "kif", .label = "KIF", .active = true, .position = 30 },
	{ .key = "dps", .label = "DPS / specialist health service", .active = true, .position = 40 },
	{ .key = "gp", .label = "General practitioner", .active = true, .position = 50 },
	{ .key = "occupational_health", .label = "Occupational health service", .active = true, .position = 60 },
	{ .key = "municipal", .label = "Other municipal unit", .active = true, .position = 70 },
	{ .key = "self_referral", .label = "Self-referral", .active = true, .position = 80 },
	{ .key = "family", .label = "Family", .active = true, .position = 90 },
	{ .key = "other", .label = "Other", .active = true, .position = 100 },
};
const size_t store_default_nsources = sizeof store_default_sources / sizeof store_default_sources[0];

/* ---- checks ---- */

#define CHECK_ORG(org_id)                                                                          \
	do {                                                                                       \
		if ((org_id) <= 0)                                                                 \
			return store_error(STORE_INVALID, "this needs an organisation");           \
	} while (0)

/* Text for the database: terminated inside its field, valid UTF-8 without control
 * characters other than tab and newlines (PostgreSQL would refuse invalid UTF-8, SQLite
 * would keep it: both refuse it here, the same way). */
static bool text_in(const char *f, size_t size)
{
	const char *end = memchr(f, '\0', size);
	return end && utf8_valid_text(f, (size_t)(end - f));
}
#define TEXT_OK(f) text_in((f), sizeof(f))

/* A key: [a-z0-9_], 1..31 bytes (0 bytes if allow_empty). */
static bool key_ok(const char *k, size_t size, bool allow_empty)
{
	if (!k)
		return false;
	size_t n = strnlen(k, size);
	if (n >= size || n > 31 || (!n && !allow_empty))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}
#define KEY_OK(f, empty) key_ok((f), sizeof(f), (empty))

static bool one_of(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(k, *list))
			return true;
	return false;
}

static const char *const referral_statuses[] = { "received", "assessed", "offered_conversation", "accepted",
						 "declined", "referred_elsewhere", "waiting_list", NULL };
static const char *const enrolment_statuses[] = { "active", "paused", "completed", "discontinued", NULL };
static const char *const discontinue_reasons[] = { "moved", "dropped_out", "transferred", "deceased", "other",
						   NULL };
static const char *const event_kinds[] = { "start", "phase", "pause", "resume", "complete", "discontinue",
					   "therapist", NULL };
static const char *const session_kinds[] = { "group", "individual", "motivation", "aftercare", NULL };
static const char *const nid_kinds[] = { "no_fnr", "no_dnr", "no_hnr", "se_pnr", "se_samnr", NULL };
static const char *const selfref_statuses[] = { "new", "taken", "discarded", NULL };

/* DATE_NONE at either end of a range means "open": INT32_MIN is DATE_NONE already,
 * the upper end becomes INT32_MAX, so the backends compare plain integers. */
static void open_range(int32_t *from, int32_t *to)
{
	(void)from;
	if (*to == DATE_NONE)
		*to = INT32_MAX;
}

static void clamp_page(int *limit, int *offset)
{
	if (*limit < 1)
		*limit = 1;
	if (*limit > LIST_MAX)
		*limit = LIST_MAX;
	if (*offset < 0)
		*offset = 0;
}

#define CHECK_OUT(out, n, what)                                                                    \
	do {                                                                                       \
		if (!(out) || !(n))                                                                \
			return store_error(STORE_INVALID, what ": no result pointer");             \
		*(out) = NULL;                                                                     \
		*(n) = 0;                                                                          \
	} while (0)

/* Case-folds a name for sorting and the duplicate check: ASCII and the Latin-1 letters
 * À–Þ (Æ Ø Å Ä Ö É…) to lower case, white space trimmed and runs of it made one space.
 * The result is never longer than the input. */
static void fold_name(const char *in, char *out, size_t outlen)
{
	size_t j = 0;
	bool space = false;
	for (const unsigned char *c = (const unsigned char *)in; *c && j + 2 < outlen; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
			space = j > 0;
			continue;
		}
		if (space) {
			out[j++] = ' ';
			space = false;
		}
		if (*c >= 'A' && *c <= 'Z') {
			out[j++] = (char)(*c + 32);
		} else if (*c == 0xc3 && c[1] >= 0x80 && c[1] <= 0x9e && c[1] != 0x97) {
			out[j++] = (char)*c;
			out[j++] = (char)(*++c + 0x20);
		} else {
			out[j++] = (char)*c;
		}
	}
	out[j] = '\0';
}

static void person_keys(const struct person *p, struct store_person_keys *k)
{
	fold_name(p->given_name, k->given, sizeof k->given);
	fold_name(p->family_name, k->family, sizeof k->family);
}

/* ---- programmes ---- */

static int programme_check(struct programme *p)
{
	if (!p || !TEXT_OK(p->name) || !p->name[0] || !KEY_OK(p->template_key, true))
		return store_error(STORE_INVALID, "programme: name or template key missing or bad");
	if (p->min_steps < 0 || p->min_steps > 12 || p->nphases < 1 || p->nphases > STORE_PHASES_MAX)
		return store_error(STORE_INVALID, "programme: min_steps or the number of phases out of range");
	for (int i = 0; i < p->nphases; i++) {
		const struct programme_phase *ph = &p->phases[i];
		if (!KEY_OK(ph->key, false) || !TEXT_OK(ph->label) || !ph->label[0])
			return store_error(STORE_INVALID, "programme: phase %d: key or label missing or bad", i);
		for (int j = 0; j < i; j++)
			if (!strcmp(p->phases[j].key, ph->key))
				return store_error(STORE_INVALID, "programme: phase %d: the key is used twice", i);
		/* The numbers' ranges are the database's CHECKs. */
	}
	return STORE_OK;
}

int store_programme_create(struct store *s, int64_t org_id, struct programme *p)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = programme_check(p)))
		return ret;
	p->org_id = org_id;
	if (!p->created_at)
		p->created_at = now_seconds();
	p->updated_at = p->created_at;
	return s->ops->programme_create(s, org_id, p);
}

int store_programme_get(struct store *s, int64_t org_id, int64_t id, struct programme *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "programme_get: no result pointer");
	return s->ops->programme_get(s, org_id, id, out);
}

int store_programme_list(struct store *s, int64_t org_id, bool include_inactive, struct programme **out,
			 size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "programme_list");
	CHECK_ORG(org_id);
	return s->ops->programme_list(s, org_id, include_inactive, out, n);
}

int store_programme_update(struct store *s, int64_t org_id, struct programme *p)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = programme_check(p)))
		return ret;
	p->org_id = org_id;
	p->updated_at = now_seconds();
	return s->ops->programme_update(s, org_id, p);
}

int store_closed_date_add(struct store *s, int64_t org_id, int64_t programme_id, const struct closed_date *d)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!d || d->day == DATE_NONE || !TEXT_OK(d->label))
		return store_error(STORE_INVALID, "closed_date: no day or a bad label");
	return s->ops->closed_date_add(s, org_id, programme_id, d);
}

int store_closed_date_remove(struct store *s, int64_t org_id, int64_t programme_id, int32_t day)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	return s->ops->closed_date_remove(s, org_id, programme_id, day);
}

int store_closed_date_list(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
			   struct closed_date **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "closed_date_list");
	CHECK_ORG(org_id);
	open_range(&from, &to);
	return s->ops->closed_date_list(s, org_id, programme_id, from, to, out, n);
}

int store_programme_list_closed(struct store *s, int64_t org_id, bool include_inactive, int32_t from, int32_t to,
				struct programme **out, size_t *n, struct programme_day **closed, size_t *nclosed)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "programme_list_closed");
	CHECK_OUT(closed, nclosed, "programme_list_closed");
	CHECK_ORG(org_id);
	open_range(&from, &to);
	int ret = s->ops->programme_list_closed(s, org_id, include_inactive, from, to, out, n, closed, nclosed);
	if (ret) {
		free(*out);
		free(*closed);
		*out = NULL;
		*closed = NULL;
		*n = *nclosed = 0;
	}
	return ret;
}

/* ---- groups ---- */

static int group_check(const struct group *g)
{
	if (!g || !TEXT_OK(g->name) || !g->name[0] || !KEY_OK(g->phase_key, true) || !TEXT_OK(g->place))
		return store_error(STORE_INVALID, "group: name, phase key or place missing or bad");
	if (g->weekdays < 0 || g->weekdays > 127 || g->capacity < 0 || g->capacity > 1000 || g->start_min < 0 ||
	    g->start_min > 1439 || g->end_min < 0 || g->end_min > 1440 ||
	    !(g->start_min < g->end_min || (g->start_min == 0 && g->end_min == 0)))
		return store_error(STORE_INVALID, "group: weekdays, times or capacity out of range");
	return STORE_OK;
}

int store_group_create(struct store *s, int64_t org_id, struct group *g)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = group_check(g)))
		return ret;
	g->org_id = org_id;
	if (!g->created_at)
		g->created_at = now_seconds();
	g->updated_at = g->created_at;
	g->members = g->waiting = 0;
	return s->ops->group_create(s, org_id, g);
}

int store_group_get(struct store *s, int64_t org_id, int64_t id, struct group *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "group_get: no result pointer");
	return s->ops->group_get(s, org_id, id, out);
}

int store_group_list(struct store *s, int64_t org_id, int64_t programme_id, bool include_inactive,
		     struct group **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "group_list");
	CHECK_ORG(org_id);
	return s->ops->group_list(s, org_id, programme_id, include_inactive, out, n);
}

int store_group_update(struct store *s, int64_t org_id, struct group *g)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = group_check(g)))
		return ret;
	g->org_id = org_id;
	g->updated_at = now_seconds();
	return s->ops->group_update(s, org_id, g);
}

int store_group_member_add(struct store *s, int64_t org_id, struct group_member *m)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!m || m->from_day == DATE_NONE)
		return store_error(STORE_INVALID, "group_member_add: no membership or no first day");
	m->org_id = org_id;
	m->to_day = DATE_NONE;
	if (!m->created_at)
		m->created_at = now_seconds();
	return s->ops->group_member_add(s, org_id, m);
}

int store_group_member_end(struct store *s, int64_t org_id, int64_t member_id, int32_t to_day)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (to_day == DATE_NONE)
		return store_error(STORE_INVALID, "group_member_end: no last day");
	return s->ops->group_member_end(s, org_id, member_id, to_day);
}

int store_group_member_list(struct store *s, int64_t org_id, int64_t group_id, int32_t day,
			    struct group_member **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "group_member_list");
	CHECK_ORG(org_id);
	return s->ops->group_member_list(s, org_id, group_id, day, out, n);
}

int store_group_member_count(struct store *s, int64_t org_id, int64_t group_id, int *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!n)
		return store_error(STORE_INVALID, "group_member_count: no result pointer");
	*n = 0;
	return s->ops->group_member_count(s, org_id, group_id, n);
}

int store_waiting_add(struct store *s, int64_t org_id, struct group_waiting *w)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!w || !TEXT_OK(w->note))
		return store_error(STORE_INVALID, "waiting_add: no entry or a bad note");
	w->org_id = org_id;
	if (!w->created_at)
		w->created_at = now_seconds();
	return s->ops->waiting_add(s, org_id, w);
}

int store_waiting_list(struct store *s, int64_t org_id, int64_t group_id, struct group_waiting **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "waiting_list");
	CHECK_ORG(org_id);
	return s->ops->waiting_list(s, org_id, group_id, out, n);
}

int store_waiting_remove(struct store *s, int64_t org_id, int64_t waiting_id)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	return s->ops->waiting_remove(s, org_id, waiting_id);
}

int store_waiting_promote(struct store *s, int64_t org_id, int64_t group_id, int64_t waiting_id, int32_t from_day,
			  int64_t by_user, struct group_member *out)
{
	struct group_member m = { .org_id = org_id, .group_id = group_id, .from_day = from_day,
				  .to_day = DATE_NONE, .created_by = by_user };
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (from_day == DATE_NONE || waiting_id < 0)
		return store_error(STORE_INVALID, "waiting_promote: no first day or a bad entry");
	m.created_at = now_seconds();
	int ret = s->ops->waiting_promote(s, org_id, group_id, waiting_id, &m);
	if (!ret && out)
		*out = m;
	return ret;
}

/* ---- referral sources ---- */

int store_referral_sources_seed(struct store *s, int64_t org_id, int *added)
{
	int dummy;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	return s->ops->refsource_seed(s, org_id, added ? added : &dummy);
}

static int refsource_check(const struct referral_source *src)
{
	if (!src || !KEY_OK(src->key, false) || !TEXT_OK(src->label) || !src->label[0] || src->position < 0 ||
	    src->position > 10000)
		return store_error(STORE_INVALID, "referral source: key, label or position missing or bad");
	return STORE_OK;
}

int store_referral_source_add(struct store *s, int64_t org_id, struct referral_source *src)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = refsource_check(src)))
		return ret;
	src->org_id = org_id;
	return s->ops->refsource_add(s, org_id, src);
}

int store_referral_source_update(struct store *s, int64_t org_id, const struct referral_source *src)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	/* A key that cannot be stored names no source; other bad fields are INVALID. */
	if (src && !KEY_OK(src->key, false))
		return store_error(STORE_NOTFOUND, "referral_source_update: no such source");
	int ret = refsource_check(src);
	if (ret)
		return ret;
	return s->ops->refsource_update(s, org_id, src);
}

int store_referral_source_list(struct store *s, int64_t org_id, bool include_inactive,
			       struct referral_source **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "referral_source_list");
	CHECK_ORG(org_id);
	return s->ops->refsource_list(s, org_id, include_inactive, out, n);
}

/* ---- persons ---- */

static int person_check(const struct person *p)
{
	if (!p || !TEXT_OK(p->given_name) || !TEXT_OK(p->family_name) || !TEXT_OK(p->phone) ||
	    !TEXT_OK(p->email) || !TEXT_OK(p->address) || !TEXT_OK(p->kin_name) || !TEXT_OK(p->kin_relation) ||
	    !TEXT_OK(p->kin_phone) || !TEXT_OK(p->notes) || !FIELD_OK(p->national_id) ||
	    !FIELD_OK(p->national_id_kind))
		return store_error(STORE_INVALID, "person: a field is too long or not text");
	if (!p->given_name[0] && !p->family_name[0])
		return store_error(STORE_INVALID, "person: a given or a family name is required");
	size_t nid = strlen(p->national_id);
	if (nid && (nid < 11 || strspn(p->national_id, "0123456789") != nid))
		return store_error(STORE_INVALID, "person: the national id is not canonical digits");
	if (nid ? !one_of(p->national_id_kind, nid_kinds) : p->national_id_kind[0] != '\0')
		return store_error(STORE_INVALID, "person: the kind of national id does not match");
	if (p->substances > STORE_SUBST_ALL)
		return store_error(STORE_INVALID, "person: unknown substance bits");
	return STORE_OK;
}

int store_person_create(struct store *s, int64_t org_id, struct person *p)
{
	struct store_person_keys k;
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = person_check(p)))
		return ret;
	p->org_id = org_id;
	if (!p->created_at)
		p->created_at = now_seconds();
	p->updated_at = p->created_at;
	p->updated_by = p->created_by;
	person_keys(p, &k);
	return s->ops->person_create(s, org_id, p, &k);
}

int store_person_get(struct store *s, int64_t org_id, int64_t id, struct person *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "person_get: no result pointer");
	return s->ops->person_get(s, org_id, id, out);
}

int store_person_update(struct store *s, int64_t org_id, struct person *p)
{
	struct store_person_keys k;
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = person_check(p)))
		return ret;
	p->org_id = org_id;
	p->updated_at = now_seconds();
	person_keys(p, &k);
	return s->ops->person_update(s, org_id, p, &k);
}

int store_person_list(struct store *s, int64_t org_id, const struct person_query *q, struct person **out,
		      size_t *n, int64_t *total)
{
	struct store_person_query pq = { .q = q };
	int64_t dummy;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "person_list");
	CHECK_ORG(org_id);
	if (!q || !FIELD_OK(q->search) ||
	    (q->sort != STORE_PERSON_BY_NAME && q->sort != STORE_PERSON_BY_CREATED))
		return store_error(STORE_INVALID, "person_list: bad query");
	if (q->search[0]) {
		char folded[STORE_NAME_MAX];
		fold_name(q->search, folded, sizeof folded);
		if (folded[0])
			like_pattern(pq.like, sizeof pq.like, folded, true);
	}
	pq.limit = q->limit;
	pq.offset = q->offset;
	clamp_page(&pq.limit, &pq.offset);
	return s->ops->person_list(s, org_id, &pq, out, n, total ? total : &dummy);
}

int store_person_count(struct store *s, int64_t org_id, int64_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!n)
		return store_error(STORE_INVALID, "person_count: no result pointer");
	return s->ops->person_count(s, org_id, n);
}

int store_person_find_duplicates(struct store *s, int64_t org_id, const struct person *p, struct person **out,
				 size_t *n)
{
	struct store_person_keys k;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "person_find_duplicates");
	CHECK_ORG(org_id);
	if (!p || !FIELD_OK(p->given_name) || !FIELD_OK(p->family_name) || !FIELD_OK(p->national_id))
		return store_error(STORE_INVALID, "person_find_duplicates: a field is too long");
	person_keys(p, &k);
	return s->ops->person_duplicates(s, org_id, p, &k, out, n);
}

/* ---- referrals ---- */

static int referral_check(struct referral *r)
{
	if (!r || !KEY_OK(r->source_key, true) || !TEXT_OK(r->referrer_name) || !TEXT_OK(r->referrer_org) ||
	    !TEXT_OK(r->reason) || !FIELD_OK(r->status))
		return store_error(STORE_INVALID, "referral: a field is missing, too long or not text");
	if (!r->status[0])
		copy_str(r->status, sizeof r->status, "received");
	if (!one_of(r->status, referral_statuses))
		return store_error(STORE_INVALID, "referral: unknown status");
	if (r->received_on == DATE_NONE)
		return store_error(STORE_INVALID, "referral: no date received");
	if (r->status_on == DATE_NONE || r->status_on == 0)
		r->status_on = r->received_on;
	if (!r->created_at)
		r->created_at = now_seconds();
	r->updated_at = r->created_at;
	return STORE_OK;
}

int store_referral_create(struct store *s, int64_t org_id, struct referral *r)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = referral_check(r)))
		return ret;
	if (!r->source_key[0])
		return store_error(STORE_INVALID, "referral: no source");
	r->org_id = org_id;
	return s->ops->referral_create(s, org_id, r);
}

int store_referral_get(struct store *s, int64_t org_id, int64_t id, struct referral *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "referral_get: no result pointer");
	return s->ops->referral_get(s, org_id, id, out);
}

int store_referral_list(struct store *s, int64_t org_id, const struct referral_query *q, struct referral **out,
			size_t *n, int64_t *total)
{
	int64_t dummy;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "referral_list");
	CHECK_ORG(org_id);
	if (!q || !FIELD_OK(q->status) ||
	    (q->status[0] && strcmp(q->status, "open") && !one_of(q->status, referral_statuses)))
		return store_error(STORE_INVALID, "referral_list: bad query");
	struct referral_query c = *q;
	clamp_page(&c.limit, &c.offset);
	return s->ops->referral_list(s, org_id, &c, out, n, total ? total : &dummy);
}

int store_referral_set_status(struct store *s, int64_t org_id, int64_t id, const char *from, const char *to,
			      int32_t on_day, int64_t by_user, const char *note)
{
	struct referral_event ev = { .referral_id = id, .on_day = on_day, .by_user = by_user };
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!from || !to || !one_of(from, referral_statuses) || !one_of(to, referral_statuses) ||
	    on_day == DATE_NONE)
		return store_error(STORE_INVALID, "referral_set_status: unknown status or no date");
	if (!copy_str(ev.note, sizeof ev.note, note ? note : "") || !TEXT_OK(ev.note))
		return store_error(STORE_INVALID, "referral_set_status: the note is too long or not text");
	copy_str(ev.from_status, sizeof ev.from_status, from);
	copy_str(ev.to_status, sizeof ev.to_status, to);
	ev.at = now_seconds();
	return s->ops->referral_set_status(s, org_id, id, &ev);
}

int store_referral_link_person(struct store *s, int64_t org_id, int64_t id, int64_t person_id)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (person_id < 0)
		return store_error(STORE_INVALID, "referral_link_person: bad person id");
	return s->ops->referral_link_person(s, org_id, id, person_id);
}

int store_referral_history(struct store *s, int64_t org_id, int64_t referral_id, struct referral_event **out,
			   size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "referral_history");
	CHECK_ORG(org_id);
	return s->ops->referral_history(s, org_id, referral_id, out, n);
}

/* ---- self-referrals ---- */

static bool hex64(const char *h)
{
	return h && strnlen(h, 65) == 64 && strspn(h, "0123456789abcdef") == 64;
}

int store_self_referral_create(struct store *s, int64_t org_id, struct self_referral *sr)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!sr || !TEXT_OK(sr->name) || !sr->name[0] || !TEXT_OK(sr->phone) || !TEXT_OK(sr->email) ||
	    !TEXT_OK(sr->message) || (!sr->phone[0] && !sr->email[0]) || sr->consent_at <= 0 ||
	    !FIELD_OK(sr->addr_hash) || !hex64(sr->addr_hash) || !FIELD_OK(sr->status))
		return store_error(STORE_INVALID, "self_referral: a field is missing, too long or bad");
	sr->org_id = org_id;
	copy_str(sr->status, sizeof sr->status, "new");
	sr->referral_id = 0;
	sr->handled_at = sr->handled_by = 0;
	if (!sr->created_at)
		sr->created_at = now_seconds();
	return s->ops->selfref_create(s, org_id, sr);
}

int store_self_referral_get(struct store *s, int64_t org_id, int64_t id, struct self_referral *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "self_referral_get: no result pointer");
	return s->ops->selfref_get(s, org_id, id, out);
}

int store_self_referral_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			     struct self_referral **out, size_t *n, int64_t *total)
{
	int64_t dummy;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "self_referral_list");
	CHECK_ORG(org_id);
	if (!status)
		status = "";
	if (status[0] && !one_of(status, selfref_statuses))
		return store_error(STORE_INVALID, "self_referral_list: unknown status");
	clamp_page(&limit, &offset);
	return s->ops->selfref_list(s, org_id, status, limit, offset, out, n, total ? total : &dummy);
}

int store_self_referral_take(struct store *s, int64_t org_id, int64_t id, struct referral *r)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (r && !r->source_key[0] && FIELD_OK(r->source_key))
		copy_str(r->source_key, sizeof r->source_key, "self_referral");
	if ((ret = referral_check(r)))
		return ret;
	r->org_id = org_id;
	return s->ops->selfref_take(s, org_id, id, r);
}

int store_self_referral_discard(struct store *s, int64_t org_id, int64_t id, int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	return s->ops->selfref_discard(s, org_id, id, by_user, now_seconds());
}

int store_self_referral_count_recent(struct store *s, int64_t org_id, const char *addr_hash, int64_t since,
				     int64_t *n)
{
	CHECK_STORE(s);
	if (!n || org_id < 0 || !hex64(addr_hash))
		return store_error(STORE_INVALID, "self_referral_count_recent: bad argument");
	*n = 0;
	return s->ops->selfref_count_recent(s, org_id, addr_hash, since, n);
}

/* ---- enrolments ---- */

static int enrolment_check(const struct enrolment *e)
{
	if (!e || !FIELD_OK(e->status) || !one_of(e->status, enrolment_statuses) || !FIELD_OK(e->reason_key) ||
	    !TEXT_OK(e->reason_note) || e->phase < 0 || e->phase >= STORE_PHASES_MAX || e->pauses < 0 ||
	    e->therapist_id < 0 || e->referral_id < 0)
		return store_error(STORE_INVALID, "enrolment: a field is missing or bad");
	if (e->reason_key[0] && !one_of(e->reason_key, discontinue_reasons))
		return store_error(STORE_INVALID, "enrolment: unknown discontinue reason");
	if (e->started_on == DATE_NONE || e->phase_since == DATE_NONE || e->last_change_on == DATE_NONE)
		return store_error(STORE_INVALID, "enrolment: a date is missing");
	/* The status/date/reason agreement is a CHECK of the table. */
	return STORE_OK;
}

static int event_check(struct enrolment_event *ev)
{
	if (!ev || !FIELD_OK(ev->kind) || !TEXT_OK(ev->reason) || ev->on_day == DATE_NONE ||
	    ev->from_phase < -1 || ev->from_phase >= STORE_PHASES_MAX || ev->to_phase < -1 ||
	    ev->to_phase >= STORE_PHASES_MAX)
		return store_error(STORE_INVALID, "enrolment event: a field is missing or bad");
	if (!one_of(ev->kind, event_kinds))
		return store_error(STORE_INVALID, "enrolment event: unknown kind");
	if (!ev->at)
		ev->at = now_seconds();
	return STORE_OK;
}

int store_enrolment_create(struct store *s, int64_t org_id, struct enrolment *e, struct enrolment_event *ev)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (ev && FIELD_OK(ev->kind) && !ev->kind[0])
		copy_str(ev->kind, sizeof ev->kind, "start");
	if ((ret = enrolment_check(e)) || (ret = event_check(ev)))
		return ret;
	e->org_id = ev->org_id = org_id;
	e->version = 1;
	if (!e->created_at)
		e->created_at = now_seconds();
	e->updated_at = e->created_at;
	return s->ops->enrolment_create(s, org_id, e, ev);
}

int store_enrolment_get(struct store *s, int64_t org_id, int64_t id, struct enrolment *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "enrolment_get: no result pointer");
	return s->ops->enrolment_get(s, org_id, id, out);
}

int store_enrolment_change(struct store *s, int64_t org_id, struct enrolment *e, int64_t expected_version,
			   struct enrolment_event *ev)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = enrolment_check(e)) || (ret = event_check(ev)))
		return ret;
	e->org_id = ev->org_id = org_id;
	ev->enrolment_id = e->id;
	e->updated_at = now_seconds();
	return s->ops->enrolment_change(s, org_id, e, expected_version, ev);
}

int store_enrolment_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct enrolment_event **out,
			   size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "enrolment_events");
	CHECK_ORG(org_id);
	return s->ops->enrolment_events(s, org_id, enrolment_id, out, n);
}

int store_enrolment_list(struct store *s, int64_t org_id, const struct enrolment_query *q,
			 struct enrolment_row **out, size_t *n, int64_t *total)
{
	int64_t dummy;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "enrolment_list");
	CHECK_ORG(org_id);
	if (!q || !FIELD_OK(q->status) ||
	    (q->status[0] && strcmp(q->status, "open") && !one_of(q->status, enrolment_statuses)) ||
	    q->phase < -1 || q->phase >= STORE_PHASES_MAX ||
	    (q->sort != STORE_ENROL_BY_NAME && q->sort != STORE_ENROL_BY_STARTED && q->sort != STORE_ENROL_BY_PHASE))
		return store_error(STORE_INVALID, "enrolment_list: bad query");
	struct enrolment_query c = *q;
	clamp_page(&c.limit, &c.offset);
	return s->ops->enrolment_list(s, org_id, &c, out, n, total ? total : &dummy);
}

int store_enrolment_phase_counts(struct store *s, int64_t org_id, int64_t programme_id,
				 int counts[STORE_PHASES_MAX])
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!counts)
		return store_error(STORE_INVALID, "enrolment_phase_counts: no result pointer");
	memset(counts, 0, STORE_PHASES_MAX * sizeof *counts);
	return s->ops->enrolment_phase_counts(s, org_id, programme_id, counts);
}

/* ---- attendance ---- */

static int session_check(struct att_session *se)
{
	if (!se || !KEY_OK(se->phase_key, true) || !FIELD_OK(se->kind) || se->on_day == DATE_NONE ||
	    se->group_id < 0 || se->leader_id < 0 || se->start_min < 0 || se->start_min > 1439 || se->end_min < 0 ||
	    se->end_min > 1440 || !(se->start_min < se->end_min || (se->start_min == 0 && se->end_min == 0)))
		return store_error(STORE_INVALID, "session: a field is missing or out of range");
	if (!se->kind[0])
		copy_str(se->kind, sizeof se->kind, se->group_id ? "group" : "individual");
	if (!one_of(se->kind, session_kinds))
		return store_error(STORE_INVALID, "session: unknown kind");
	if (!se->created_at)
		se->created_at = now_seconds();
	return STORE_OK;
}

int store_att_session_create(struct store *s, int64_t org_id, struct att_session *se)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = session_check(se)))
		return ret;
	se->org_id = org_id;
	return s->ops->att_session_create(s, org_id, se);
}

int store_att_session_get(struct store *s, int64_t org_id, int64_t id, struct att_session *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "att_session_get: no result pointer");
	return s->ops->att_session_get(s, org_id, id, out);
}

int store_att_session_for_group(struct store *s, int64_t org_id, struct att_session *se, bool *created)
{
	bool dummy;
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = session_check(se)))
		return ret;
	if (!se->group_id)
		return store_error(STORE_INVALID, "att_session_for_group: no group");
	se->org_id = org_id;
	if (!created)
		created = &dummy;
	*created = false;
	return s->ops->att_session_for_group(s, org_id, se, created);
}

int store_att_session_list(struct store *s, int64_t org_id, int64_t programme_id, int64_t group_id, int32_t from,
			   int32_t to, int limit, struct att_session **out, size_t *n)
{
	int offset = 0;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "att_session_list");
	CHECK_ORG(org_id);
	open_range(&from, &to);
	clamp_page(&limit, &offset);
	return s->ops->att_session_list(s, org_id, programme_id, group_id, from, to, limit, out, n);
}

int store_attendance_save(struct store *s, int64_t org_id, int64_t session_id, const struct attendance *rows,
			  size_t nrows, int64_t by_user, struct attendance_change **changes, size_t *nchanges)
{
	struct attendance_change *dummy_c;
	size_t dummy_n;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!changes || !nchanges) {
		changes = &dummy_c;
		nchanges = &dummy_n;
	}
	*changes = NULL;
	*nchanges = 0;
	if (nrows && !rows)
		return store_error(STORE_INVALID, "attendance_save: no rows");
	for (size_t i = 0; i < nrows; i++) {
		if (!TEXT_OK(rows[i].note) || rows[i].minutes < 0 || rows[i].minutes > 1440)
			return store_error(STORE_INVALID, "attendance_save: row %zu: bad minutes or note", i);
		for (size_t j = 0; j < i; j++)
			if (rows[j].enrolment_id == rows[i].enrolment_id)
				return store_error(STORE_INVALID, "attendance_save: row %zu: the enrolment twice", i);
	}
	int ret = s->ops->attendance_save(s, org_id, session_id, rows, nrows, by_user, now_seconds(), changes,
					  nchanges);
	if (changes == &dummy_c)
		free(dummy_c);
	return ret;
}

int store_attendance_roster(struct store *s, int64_t org_id, int64_t session_id, struct roster_line **out,
			    size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "attendance_roster");
	CHECK_ORG(org_id);
	return s->ops->attendance_roster(s, org_id, session_id, out, n);
}

int store_attendance_dates(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
			   int32_t **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "attendance_dates");
	CHECK_ORG(org_id);
	open_range(&from, &to);
	return s->ops->attendance_dates(s, org_id, enrolment_id, from, to, out, n);
}

int store_attendance_of_enrolment(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
				  struct attendance **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "attendance_of_enrolment");
	CHECK_ORG(org_id);
	open_range(&from, &to);
	return s->ops->attendance_of_enrolment(s, org_id, enrolment_id, from, to, out, n);
}

/* ======================================================================================
 * The meeting directory (store.h, issue 5): row maps and argument checks.
 * ====================================================================================== */

static const struct store_col meeting_cols[] = {
	COL(SCOL_I64, struct meeting, id),
	COL(SCOL_I64, struct meeting, org_id),
	COL(SCOL_TEXT, struct meeting, slug),
	COL(SCOL_TEXT, struct meeting, name),
	COL(SCOL_INT, struct meeting, days),
	COL(SCOL_PHASE, struct meeting, start_min), /* NULL reads as -1 */
	COL(SCOL_PHASE, struct meeting, end_min),
	COL(SCOL_TEXT, struct meeting, timezone),
	COL(SCOL_TEXT, struct meeting, rrule),
	COL(SCOL_DAY, struct meeting, starts_on),
	COL(SCOL_TEXT, struct meeting, location),
	COL(SCOL_TEXT, struct meeting, location_notes),
	COL(SCOL_TEXT, struct meeting, formatted_address),
	COL(SCOL_TEXT, struct meeting, address),
	COL(SCOL_TEXT, struct meeting, city),
	COL(SCOL_TEXT, struct meeting, state),
	COL(SCOL_TEXT, struct meeting, postal_code),
	COL(SCOL_TEXT, struct meeting, country),
	COL(SCOL_BOOL, struct meeting, has_geo),
	COL(SCOL_I64, struct meeting, lat_e6),
	COL(SCOL_I64, struct meeting, lon_e6),
	COL(SCOL_TEXT, struct meeting, region),
	COL(SCOL_TEXT, struct meeting, sub_region),
	COL(SCOL_TEXT, struct meeting, types),
	COL(SCOL_TEXT, struct meeting, notes),
	COL(SCOL_TEXT, struct meeting, group_name),
	COL(SCOL_TEXT, struct meeting, group_notes),
	COL(SCOL_TEXT, struct meeting, fellowship),
	COL(SCOL_TEXT, struct meeting, attendance),
	COL(SCOL_TEXT, struct meeting, conference_url),
	COL(SCOL_TEXT, struct meeting, conference_url_notes),
	COL(SCOL_TEXT, struct meeting, conference_phone),
	COL(SCOL_TEXT, struct meeting, conference_phone_notes),
	COL(SCOL_TEXT, struct meeting, website),
	COL(SCOL_TEXT, struct meeting, email),
	COL(SCOL_TEXT, struct meeting, phone),
	COL(SCOL_TEXT, struct meeting, url),
	COL(SCOL_TEXT, struct meeting, contact[0].name),
	COL(SCOL_TEXT, struct meeting, contact[0].email),
	COL(SCOL_TEXT, struct meeting, contact[0].phone),
	COL(SCOL_TEXT, struct meeting, contact[1].name),
	COL(SCOL_TEXT, struct meeting, contact[1].email),
	COL(SCOL_TEXT, struct meeting, contact[1].phone),
	COL(SCOL_TEXT, struct meeting, contact[2].name),
	COL(SCOL_TEXT, struct meeting, contact[2].email),
	COL(SCOL_TEXT, struct meeting, contact[2].phone),
	COL(SCOL_BOOL, struct meeting, public),
	COL(SCOL_I64, struct meeting, source_id),
	COL(SCOL_I64, struct meeting, created_at),
	COL(SCOL_I64, struct meeting, updated_at),
	COL(SCOL_I64, struct meeting, updated_by),
	COL(SCOL_I64, struct meeting, removed_at),
};
MAP(store_meeting_map, meeting_cols);

static const struct store_col msource_cols[] = {
	COL(SCOL_I64, struct meeting_source, id),
	COL(SCOL_I64, struct meeting_source, org_id),
	COL(SCOL_TEXT, struct meeting_source, name),
	COL(SCOL_TEXT, struct meeting_source, url),
	COL(SCOL_TEXT, struct meeting_source, format),
	COL(SCOL_TEXT, struct meeting_source, timezone),
	COL(SCOL_TEXT, struct meeting_source, fellowship),
	COL(SCOL_INT, struct meeting_source, interval_hours),
	COL(SCOL_I64, struct meeting_source, created_at),
	COL(SCOL_I64, struct meeting_source, last_run_at),
};
MAP(store_msource_map, msource_cols);

static const struct store_col mrun_cols[] = {
	COL(SCOL_I64, struct meeting_import_run, id),
	COL(SCOL_I64, struct meeting_import_run, org_id),
	COL(SCOL_I64, struct meeting_import_run, source_id),
	COL(SCOL_I64, struct meeting_import_run, at),
	COL(SCOL_I64, struct meeting_import_run, by_user),
	COL(SCOL_TEXT, struct meeting_import_run, status),
	COL(SCOL_INT, struct meeting_import_run, added),
	COL(SCOL_INT, struct meeting_import_run, changed),
	COL(SCOL_INT, struct meeting_import_run, removed),
	COL(SCOL_INT, struct meeting_import_run, unchanged),
	COL(SCOL_INT, struct meeting_import_run, rejected),
	COL(SCOL_TEXT, struct meeting_import_run, message),
};
MAP(store_mrun_map, mrun_cols);

static const struct store_col mcr_cols[] = {
	COL(SCOL_I64, struct meeting_change_request, id),
	COL(SCOL_I64, struct meeting_change_request, org_id),
	COL(SCOL_I64, struct meeting_change_request, meeting_id),
	COL(SCOL_TEXT, struct meeting_change_request, meeting_name),
	COL(SCOL_TEXT, struct meeting_change_request, name),
	COL(SCOL_TEXT, struct meeting_change_request, email),
	COL(SCOL_TEXT, struct meeting_change_request, message),
	COL(SCOL_TEXT, struct meeting_change_request, addr_hash),
	COL(SCOL_TEXT, struct meeting_change_request, status),
	COL(SCOL_I64, struct meeting_change_request, created_at),
	COL(SCOL_I64, struct meeting_change_request, handled_at),
	COL(SCOL_I64, struct meeting_change_request, handled_by),
};
MAP(store_mcr_map, mcr_cols);

static const char *const meeting_attendances[] = { "in_person", "online", "hybrid", "phone", NULL };
static const char *const mrun_statuses[] = { "applied", "preview", "failed", NULL };
static const char *const mcr_statuses[] = { "new", "done", "dismissed", NULL };
static const char *const msource_formats[] = { "json", "csv", NULL };

/* A slug: 1..100 bytes of [A-Za-z0-9._~-] (URL-safe, as the specification asks). */
static bool slug_ok(const char *s, size_t size)
{
	size_t n = strnlen(s, size);
	return n > 0 && n < size && n <= 100 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-") == n;
}

static int meeting_check(const struct meeting *m)
{
	if (!m)
		return store_error(STORE_INVALID, "meeting: no meeting");
	if (!slug_ok(m->slug, sizeof m->slug) || !TEXT_OK(m->name) || !m->name[0] || !TEXT_OK(m->timezone) ||
	    !m->timezone[0] || !TEXT_OK(m->rrule) || !KEY_OK(m->fellowship, false) || !FIELD_OK(m->attendance) ||
	    !one_of(m->attendance, meeting_attendances))
		return store_error(STORE_INVALID, "meeting: slug, name, time zone, fellowship or attendance bad");
	if (m->days < 0 || m->days > 127 || m->start_min < -1 || m->start_min > 1439 || m->end_min < -1 ||
	    m->end_min > 1439)
		return store_error(STORE_INVALID, "meeting: days or times out of range");
	if (m->has_geo && (m->lat_e6 < -90000000 || m->lat_e6 > 90000000 || m->lon_e6 < -180000000 ||
			   m->lon_e6 > 180000000))
		return store_error(STORE_INVALID, "meeting: coordinates out of range");
	if (!TEXT_OK(m->location) || !TEXT_OK(m->location_notes) || !TEXT_OK(m->formatted_address) ||
	    !TEXT_OK(m->address) || !TEXT_OK(m->city) || !TEXT_OK(m->state) || !TEXT_OK(m->postal_code) ||
	    !TEXT_OK(m->country) || !TEXT_OK(m->region) || !TEXT_OK(m->sub_region) || !TEXT_OK(m->types) ||
	    !TEXT_OK(m->notes) || !TEXT_OK(m->group_name) || !TEXT_OK(m->group_notes) ||
	    !TEXT_OK(m->conference_url) || !TEXT_OK(m->conference_url_notes) || !TEXT_OK(m->conference_phone) ||
	    !TEXT_OK(m->conference_phone_notes) || !TEXT_OK(m->website) || !TEXT_OK(m->email) ||
	    !TEXT_OK(m->phone) || !TEXT_OK(m->url))
		return store_error(STORE_INVALID, "meeting: a text field is not terminated or not valid text");
	for (int i = 0; i < MEETING_CONTACTS; i++)
		if (!TEXT_OK(m->contact[i].name) || !TEXT_OK(m->contact[i].email) || !TEXT_OK(m->contact[i].phone))
			return store_error(STORE_INVALID, "meeting: contact %d is not valid text", i + 1);
	if (m->source_id < 0 || m->updated_by < 0 || m->removed_at < 0)
		return store_error(STORE_INVALID, "meeting: bad reference");
	return STORE_OK;
}

int store_meeting_create(struct store *s, int64_t org_id, struct meeting *m)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = meeting_check(m)))
		return ret;
	m->org_id = org_id;
	m->created_at = now_seconds();
	if (!m->updated_at)
		m->updated_at = m->created_at;
	return s->ops->meeting_create(s, org_id, m);
}

int store_meeting_get(struct store *s, int64_t org_id, int64_t id, struct meeting *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "meeting_get: no result pointer");
	return s->ops->meeting_get(s, org_id, id, out);
}

int store_meeting_get_public(struct store *s, int64_t id, struct meeting *out)
{
	CHECK_STORE(s);
	if (!out)
		return store_error(STORE_INVALID, "meeting_get_public: no result pointer");
	return s->ops->meeting_get_public(s, id, out);
}

int store_meeting_update(struct store *s, int64_t org_id, struct meeting *m)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = meeting_check(m)))
		return ret;
	m->org_id = org_id;
	if (!m->updated_at)
		m->updated_at = now_seconds();
	return s->ops->meeting_update(s, org_id, m);
}

int store_meeting_list(struct store *s, int64_t org_id, const struct meeting_query *q, struct meeting **out,
		       size_t *n, int64_t *total)
{
	int64_t dummy;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "meeting_list");
	CHECK_ORG(org_id);
	if (!q || !TEXT_OK(q->search))
		return store_error(STORE_INVALID, "meeting_list: bad query");
	struct store_meeting_query sq = { .q = q, .limit = q->limit, .offset = q->offset };
	clamp_page(&sq.limit, &sq.offset);
	if (q->search[0])
		like_pattern(sq.like, sizeof sq.like, q->search, true);
	return s->ops->meeting_list(s, org_id, &sq, out, n, total ? total : &dummy);
}

int store_meeting_all(struct store *s, int64_t org_id, struct meeting **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "meeting_all");
	CHECK_ORG(org_id);
	return s->ops->meeting_all(s, org_id, out, n);
}

int store_meeting_public_page(struct store *s, int64_t after_id, int limit, struct meeting **out, size_t *n)
{
	int offset = 0;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "meeting_public_page");
	clamp_page(&limit, &offset);
	return s->ops->meeting_public_page(s, after_id, limit, out, n);
}

int store_directory_version(struct store *s, int64_t *version, int64_t *changed_at)
{
	int64_t dummy;
	CHECK_STORE(s);
	if (!version)
		return store_error(STORE_INVALID, "directory_version: no result pointer");
	return s->ops->directory_version(s, version, changed_at ? changed_at : &dummy);
}

/* ---- import sources and runs ---- */

static int msource_check(const struct meeting_source *src)
{
	if (!src || !TEXT_OK(src->name) || !src->name[0] || !TEXT_OK(src->url) || !FIELD_OK(src->format) ||
	    !one_of(src->format, msource_formats) || !TEXT_OK(src->timezone) || !src->timezone[0] ||
	    !KEY_OK(src->fellowship, false) || src->interval_hours < 0 || src->interval_hours > 8760)
		return store_error(STORE_INVALID, "meeting_source: a field is missing or bad");
	return STORE_OK;
}

int store_meeting_source_create(struct store *s, int64_t org_id, struct meeting_source *src)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = msource_check(src)))
		return ret;
	src->org_id = org_id;
	src->created_at = now_seconds();
	src->last_run_at = 0;
	return s->ops->msource_create(s, org_id, src);
}

int store_meeting_source_get(struct store *s, int64_t org_id, int64_t id, struct meeting_source *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "meeting_source_get: no result pointer");
	return s->ops->msource_get(s, org_id, id, out);
}

int store_meeting_source_get_by_name(struct store *s, int64_t org_id, const char *name,
				     struct meeting_source *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || !fits(name, MEETING_NAME_MAX))
		return store_error(STORE_INVALID, "meeting_source_get_by_name: bad argument");
	return s->ops->msource_get_by_name(s, org_id, name, out);
}

int store_meeting_source_update(struct store *s, int64_t org_id, const struct meeting_source *src)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = msource_check(src)))
		return ret;
	return s->ops->msource_update(s, org_id, src);
}

int store_meeting_source_list(struct store *s, int64_t org_id, struct meeting_source **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "meeting_source_list");
	CHECK_ORG(org_id);
	return s->ops->msource_list(s, org_id, out, n);
}

int store_meeting_source_due(struct store *s, int64_t now, struct meeting_source **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "meeting_source_due");
	return s->ops->msource_due(s, now, out, n);
}

static int mrun_check(struct meeting_import_run *run)
{
	if (!run || !FIELD_OK(run->status) || !one_of(run->status, mrun_statuses) || !TEXT_OK(run->message) ||
	    run->source_id <= 0 || run->by_user < 0 || run->added < 0 || run->changed < 0 || run->removed < 0 ||
	    run->unchanged < 0 || run->rejected < 0)
		return store_error(STORE_INVALID, "meeting_import_run: a field is missing or bad");
	if (!run->at)
		run->at = now_seconds();
	return STORE_OK;
}

int store_meeting_run_add(struct store *s, int64_t org_id, struct meeting_import_run *run)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((ret = mrun_check(run)))
		return ret;
	if (!strcmp(run->status, "applied"))
		return store_error(STORE_INVALID, "meeting_run_add: an applied run is recorded by import_apply");
	run->org_id = org_id;
	return s->ops->mrun_add(s, org_id, run);
}

int store_meeting_run_list(struct store *s, int64_t org_id, int64_t source_id, int limit,
			   struct meeting_import_run **out, size_t *n)
{
	int offset = 0;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "meeting_run_list");
	CHECK_ORG(org_id);
	clamp_page(&limit, &offset);
	return s->ops->mrun_list(s, org_id, source_id, limit, out, n);
}

int store_meeting_import_apply(struct store *s, int64_t org_id, struct meeting *upserts, size_t nupserts,
			       const int64_t *remove_ids, size_t nremove, struct meeting_import_run *run)
{
	int ret;
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((nupserts && !upserts) || (nremove && !remove_ids) || !run)
		return store_error(STORE_INVALID, "meeting_import_apply: no rows");
	copy_str(run->status, sizeof run->status, "applied");
	if ((ret = mrun_check(run)))
		return ret;
	run->org_id = org_id;
	int64_t now = now_seconds();
	for (size_t i = 0; i < nupserts; i++) {
		if ((ret = meeting_check(&upserts[i])))
			return store_error(ret, "meeting_import_apply: row %zu: %s", i + 1, store_last_error());
		upserts[i].org_id = org_id;
		if (!upserts[i].id)
			upserts[i].created_at = now;
		if (!upserts[i].updated_at)
			upserts[i].updated_at = now;
	}
	return s->ops->meeting_import_apply(s, org_id, upserts, nupserts, remove_ids, nremove, run);
}

/* ---- change requests ---- */

int store_meeting_cr_create(struct store *s, int64_t org_id, struct meeting_change_request *cr)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!cr || !TEXT_OK(cr->meeting_name) || !TEXT_OK(cr->name) || !TEXT_OK(cr->email) ||
	    !TEXT_OK(cr->message) || !cr->message[0] || !FIELD_OK(cr->addr_hash) || !hex64(cr->addr_hash) ||
	    cr->meeting_id <= 0)
		return store_error(STORE_INVALID, "meeting_change_request: a field is missing, too long or bad");
	cr->org_id = org_id;
	copy_str(cr->status, sizeof cr->status, "new");
	cr->handled_at = cr->handled_by = 0;
	if (!cr->created_at)
		cr->created_at = now_seconds();
	return s->ops->mcr_create(s, org_id, cr);
}

int store_meeting_cr_get(struct store *s, int64_t org_id, int64_t id, struct meeting_change_request *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "meeting_cr_get: no result pointer");
	return s->ops->mcr_get(s, org_id, id, out);
}

int store_meeting_cr_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			  struct meeting_change_request **out, size_t *n, int64_t *total)
{
	int64_t dummy;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "meeting_cr_list");
	CHECK_ORG(org_id);
	if (!status)
		status = "";
	if (status[0] && !one_of(status, mcr_statuses))
		return store_error(STORE_INVALID, "meeting_cr_list: unknown status");
	clamp_page(&limit, &offset);
	return s->ops->mcr_list(s, org_id, status, limit, offset, out, n, total ? total : &dummy);
}

int store_meeting_cr_close(struct store *s, int64_t org_id, int64_t id, const char *status, int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!status || (strcmp(status, "done") && strcmp(status, "dismissed")) || by_user < 0)
		return store_error(STORE_INVALID, "meeting_cr_close: want done or dismissed");
	return s->ops->mcr_close(s, org_id, id, status, by_user, now_seconds());
}

int store_meeting_cr_count_recent(struct store *s, const char *addr_hash, int64_t since, int64_t *n)
{
	CHECK_STORE(s);
	if (!n || !hex64(addr_hash))
		return store_error(STORE_INVALID, "meeting_cr_count_recent: bad argument");
	*n = 0;
	return s->ops->mcr_count_recent(s, addr_hash, since, n);
}

/* ---- Twelve Step Facilitation (issue 5) ---- */

static const char *const fac_stances[] = { "not_discussed", "interested", "ambivalent", "declines", NULL };
static const char *const fac_kinds[] = { "introduced", "chose_meetings", "accompanied", "debriefed",
					 "sponsor_contact", NULL };
static const char *const fac_sources[] = { "person_reported", "staff_confirmed", NULL };
static const char *const fac_sponsors[] = { "none", "temporary", "has_sponsor", NULL };

static int fac_limit(int limit)
{
	int offset = 0;
	clamp_page(&limit, &offset);
	return limit;
}

int store_fac_stance_add(struct store *s, int64_t org_id, struct fac_stance *st)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!st || st->person_id <= 0 || st->on_day == DATE_NONE || !KEY_OK(st->stance, false) ||
	    !one_of(st->stance, fac_stances) || !TEXT_OK(st->note))
		return store_error(STORE_INVALID, "fac_stance_add: bad stance");
	if ((strcmp(st->stance, "declines") == 0) != (st->revisit_on != DATE_NONE))
		return store_error(STORE_INVALID, "fac_stance_add: revisit_on exactly for declines");
	st->org_id = org_id;
	return s->ops->fac_stance_add(s, org_id, st);
}

int store_fac_stance_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			  struct fac_stance **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "fac_stance_list");
	CHECK_ORG(org_id);
	return s->ops->fac_stance_list(s, org_id, person_id, fac_limit(limit), out, n);
}

int store_fac_action_add(struct store *s, int64_t org_id, struct fac_action *a)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!a || a->person_id <= 0 || a->on_day == DATE_NONE || a->meeting_id < 0 || !KEY_OK(a->kind, false) ||
	    !one_of(a->kind, fac_kinds) || !TEXT_OK(a->note))
		return store_error(STORE_INVALID, "fac_action_add: bad action");
	a->org_id = org_id;
	return s->ops->fac_action_add(s, org_id, a);
}

int store_fac_action_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			  struct fac_action **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "fac_action_list");
	CHECK_ORG(org_id);
	return s->ops->fac_action_list(s, org_id, person_id, fac_limit(limit), out, n);
}

int store_fac_meeting_add(struct store *s, int64_t org_id, struct fac_meeting *m)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!m || m->person_id <= 0 || m->on_day == DATE_NONE || m->meeting_id < 0 || !TEXT_OK(m->name) ||
	    (m->meeting_id == 0 && !m->name[0]) || !KEY_OK(m->source, false) || !one_of(m->source, fac_sources))
		return store_error(STORE_INVALID, "fac_meeting_add: bad meeting");
	m->org_id = org_id;
	return s->ops->fac_meeting_add(s, org_id, m);
}

int store_fac_meeting_list(struct store *s, int64_t org_id, int64_t person_id, int limit, int offset,
			   struct fac_meeting **out, size_t *n, int64_t *total)
{
	int64_t dummy;
	CHECK_STORE(s);
	CHECK_OUT(out, n, "fac_meeting_list");
	CHECK_ORG(org_id);
	clamp_page(&limit, &offset);
	return s->ops->fac_meeting_list(s, org_id, person_id, limit, offset, out, n, total ? total : &dummy);
}

int store_fac_meeting_days(struct store *s, int64_t org_id, int64_t person_id, int32_t from, int32_t to,
			   int32_t **days, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(days, n, "fac_meeting_days");
	CHECK_ORG(org_id);
	if (from == DATE_NONE || to == DATE_NONE)
		return store_error(STORE_INVALID, "fac_meeting_days: no range");
	return s->ops->fac_meeting_days(s, org_id, person_id, from, to, days, n);
}

int store_fac_profile_get(struct store *s, int64_t org_id, int64_t person_id, struct fac_profile *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "fac_profile_get: no result pointer");
	return s->ops->fac_profile_get(s, org_id, person_id, out);
}

int store_fac_engagement(struct store *s, int64_t org_id, const int64_t *person_ids, size_t n, int32_t from,
			 int32_t to, struct fac_engagement *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (n == 0)
		return STORE_OK;
	if (!person_ids || !out || n > LIST_MAX || from == DATE_NONE || to == DATE_NONE)
		return store_error(STORE_INVALID, "fac_engagement: bad arguments");
	memset(out, 0, n * sizeof *out);
	return s->ops->fac_engagement(s, org_id, person_ids, n, from, to, out);
}

int store_fac_profile_set(struct store *s, int64_t org_id, const struct fac_profile *p)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!p || p->person_id <= 0 || !KEY_OK(p->sponsor, false) || !one_of(p->sponsor, fac_sponsors) ||
	    !TEXT_OK(p->home_group))
		return store_error(STORE_INVALID, "fac_profile_set: bad profile");
	return s->ops->fac_profile_set(s, org_id, p);
}

int store_fac_revisits_due(struct store *s, int64_t org_id, int64_t therapist_id, int32_t today, int limit,
			   struct fac_revisit **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "fac_revisits_due");
	CHECK_ORG(org_id);
	if (today == DATE_NONE || therapist_id < 0)
		return store_error(STORE_INVALID, "fac_revisits_due: bad arguments");
	return s->ops->fac_revisits_due(s, org_id, therapist_id, today, fac_limit(limit), out, n);
}

/* ---- step work and the individual plan (issue 4) ---- */

static const char *const step_statuses[] = { "not_started", "working", "presented", "completed", NULL };

int store_steps_get(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step out[12])
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "steps_get: no result pointer");
	for (int i = 0; i < 12; i++) {
		out[i] = (struct store_step){ .step = i + 1, .since = DATE_NONE };
		copy_str(out[i].status, sizeof out[i].status, "not_started");
	}
	return s->ops->steps_get(s, org_id, enrolment_id, out);
}

int store_step_change(struct store *s, int64_t org_id, int64_t enrolment_id, const struct store_step *st,
		      int expected_changes, struct store_step_event *ev)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!st || !ev || st->step < 1 || st->step > 12 || !FIELD_OK(st->status) || !one_of(st->status, step_statuses) ||
	    st->since == DATE_NONE || st->confirmed_by <= 0 || st->changes != expected_changes + 1 ||
	    expected_changes < 0 || st->reopened < 0 || !FIELD_OK(ev->from_status) ||
	    !one_of(ev->from_status, step_statuses) || !FIELD_OK(ev->to_status) ||
	    !one_of(ev->to_status, step_statuses) || !TEXT_OK(ev->note) || ev->by_user <= 0)
		return store_error(STORE_INVALID, "step_change: bad step or event");
	ev->org_id = org_id;
	ev->enrolment_id = enrolment_id;
	ev->step = st->step;
	ev->at = now_seconds();
	return s->ops->step_change(s, org_id, enrolment_id, st, expected_changes, ev);
}

int store_step_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step_event **out,
		      size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "step_events");
	CHECK_ORG(org_id);
	return s->ops->step_events(s, org_id, enrolment_id, out, n);
}

int store_plan_save(struct store *s, int64_t org_id, int64_t enrolment_id, int expected_latest,
		    struct store_plan_version *v)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!v || !v->json || expected_latest < 0 || v->author <= 0 || strlen(v->json) < 2 ||
	    !utf8_valid_text(v->json, strlen(v->json)))
		return store_error(STORE_INVALID, "plan_save: bad version");
	v->enrolment_id = enrolment_id;
	v->number = expected_latest + 1;
	v->created_at = now_seconds();
	return s->ops->plan_save(s, org_id, enrolment_id, expected_latest, v);
}

int store_plan_get(struct store *s, int64_t org_id, int64_t enrolment_id, int number,
		   struct store_plan_version *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || number < 0)
		return store_error(STORE_INVALID, "plan_get: bad argument");
	memset(out, 0, sizeof *out);
	return s->ops->plan_get(s, org_id, enrolment_id, number, out);
}

int store_plan_versions(struct store *s, int64_t org_id, int64_t enrolment_id, bool with_json,
			struct store_plan_version **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "plan_versions");
	CHECK_ORG(org_id);
	return s->ops->plan_versions(s, org_id, enrolment_id, with_json, out, n);
}

void store_plan_versions_free(struct store_plan_version *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].json);
	free(v);
}

int store_plan_latest_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			   struct store_plan_version **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "plan_latest_many");
	CHECK_ORG(org_id);
	if ((!ids && nids) || nids > STORE_PLAN_MANY_MAX)
		return store_error(STORE_INVALID, "plan_latest_many: bad arguments");
	if (nids == 0)
		return STORE_OK;
	return s->ops->plan_latest_many(s, org_id, ids, nids, out, n);
}

int store_caseload_columns(struct store *s, int64_t org_id, const int64_t *enrolment_ids, const int64_t *person_ids,
			   size_t n, int32_t from, int32_t to, struct store_plan_version **plans, size_t *nplans,
			   struct fac_engagement *eg)
{
	CHECK_STORE(s);
	CHECK_OUT(plans, nplans, "caseload_columns");
	CHECK_ORG(org_id);
	if (n == 0)
		return STORE_OK;
	if (!enrolment_ids || !person_ids || !eg || n > LIST_MAX || n > STORE_PLAN_MANY_MAX || from == DATE_NONE ||
	    to == DATE_NONE)
		return store_error(STORE_INVALID, "caseload_columns: bad arguments");
	memset(eg, 0, n * sizeof *eg);
	int ret = s->ops->caseload_columns(s, org_id, enrolment_ids, person_ids, n, from, to, plans, nplans, eg);
	if (ret) {
		store_plan_versions_free(*plans, *nplans);
		*plans = NULL;
		*nplans = 0;
	}
	return ret;
}

int store_steps_get_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			 struct store_step (*out)[12])
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((!ids || !out) && nids)
		return store_error(STORE_INVALID, "steps_get_many: bad arguments");
	if (nids > STORE_PLAN_MANY_MAX)
		return store_error(STORE_INVALID, "steps_get_many: too many");
	for (size_t i = 0; i < nids; i++)
		for (int k = 0; k < 12; k++) {
			out[i][k] = (struct store_step){ .step = k + 1, .since = DATE_NONE };
			copy_str(out[i][k].status, sizeof out[i][k].status, "not_started");
		}
	if (nids == 0)
		return STORE_OK;
	return s->ops->steps_get_many(s, org_id, ids, nids, out);
}

int store_step_wording_get(struct store *s, int64_t org_id, struct store_step_wording *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "step_wording_get: no result pointer");
	memset(out, 0, sizeof *out);
	return s->ops->step_wording_get(s, org_id, out);
}

int store_step_wording_set(struct store *s, int64_t org_id, const struct store_step_wording *w, int64_t by_user,
			   int64_t at)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!w || by_user <= 0)
		return store_error(STORE_INVALID, "step_wording_set: bad arguments");
	for (int i = 0; i < 12; i++)
		for (int l = 0; l < 3; l++) {
			const char *f = w->name[i][l];
			if (!TEXT_OK(w->name[i][l]) || strpbrk(f, "\t\r\n"))
				return store_error(STORE_INVALID, "step_wording_set: bad name");
		}
	return s->ops->step_wording_set(s, org_id, w, by_user, at);
}

/* ---- clinical notes (issue 4) ---- */

static const char *const note_types[] = { "individual", "group", "step_presentation", "phone", "other", NULL };

static bool note_ok(const struct store_note *n)
{
	return n && n->person_id > 0 && n->enrolment_id >= 0 && FIELD_OK(n->type) && one_of(n->type, note_types) &&
	       n->on_day != DATE_NONE && n->author > 0 && TEXT_OK(n->text) && n->step >= 0 && n->step <= 12 &&
	       n->goal >= 0 && n->assignment >= 0 && n->session_id >= 0 && n->drafted_on != DATE_NONE;
}

int store_note_create(struct store *s, int64_t org_id, struct store_note *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!note_ok(n))
		return store_error(STORE_INVALID, "note_create: bad note");
	n->org_id = org_id;
	n->drafted_at = n->updated_at = now_seconds();
	n->signed_at = n->signed_by = 0;
	return s->ops->note_create(s, org_id, n);
}

int store_note_update(struct store *s, int64_t org_id, struct store_note *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!note_ok(n) || n->id <= 0)
		return store_error(STORE_INVALID, "note_update: bad note");
	n->org_id = org_id;
	n->updated_at = now_seconds();
	return s->ops->note_update(s, org_id, n);
}

int store_note_delete(struct store *s, int64_t org_id, int64_t id, int64_t author)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (id <= 0 || author <= 0)
		return store_error(STORE_INVALID, "note_delete: bad arguments");
	return s->ops->note_delete(s, org_id, id, author);
}

int store_note_sign(struct store *s, int64_t org_id, int64_t id, int64_t author, int64_t at)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (id <= 0 || author <= 0 || at <= 0)
		return store_error(STORE_INVALID, "note_sign: bad arguments");
	return s->ops->note_sign(s, org_id, id, author, at);
}

int store_note_addendum_add(struct store *s, int64_t org_id, struct store_note_addendum *a)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!a || a->note_id <= 0 || a->author <= 0 || !TEXT_OK(a->text) || !a->text[0])
		return store_error(STORE_INVALID, "note_addendum_add: bad addendum");
	a->created_at = now_seconds();
	return s->ops->note_addendum_add(s, org_id, a);
}

int store_note_get(struct store *s, int64_t org_id, int64_t id, struct store_note *out,
		   struct store_note_addendum **addenda, size_t *naddenda)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || (!addenda) != (!naddenda))
		return store_error(STORE_INVALID, "note_get: bad arguments");
	if (addenda) {
		*addenda = NULL;
		*naddenda = 0;
	}
	memset(out, 0, sizeof *out);
	return s->ops->note_get(s, org_id, id, out, addenda, naddenda);
}

int store_note_list(struct store *s, int64_t org_id, int64_t person_id, int64_t viewer, const char *type,
		    int limit, int offset, struct store_note **out, size_t *n, int64_t *total)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "note_list");
	CHECK_ORG(org_id);
	if (!total || !type || (type[0] && !one_of(type, note_types)) || viewer < 0)
		return store_error(STORE_INVALID, "note_list: bad arguments");
	*total = 0;
	clamp_page(&limit, &offset);
	if (limit > STORE_NOTE_PAGE_MAX)
		limit = STORE_NOTE_PAGE_MAX;
	return s->ops->note_list(s, org_id, person_id, viewer, type, limit, offset, out, n, total);
}

int store_note_heads(struct store *s, int64_t org_id, int64_t person_id, struct store_note_head **out,
		     size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "note_heads");
	CHECK_ORG(org_id);
	return s->ops->note_heads(s, org_id, person_id, out, n);
}

int store_note_draft_count(struct store *s, int64_t org_id, int64_t person_id, int64_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!n)
		return store_error(STORE_INVALID, "note_draft_count: no result pointer");
	*n = 0;
	return s->ops->note_draft_count(s, org_id, person_id, n);
}

int store_note_drafts_overdue(struct store *s, int64_t org_id, int64_t author, int32_t before, int limit,
			      struct store_note_draft **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "note_drafts_overdue");
	CHECK_ORG(org_id);
	if (author <= 0 || before == DATE_NONE)
		return store_error(STORE_INVALID, "note_drafts_overdue: bad arguments");
	if (limit < 1 || limit > STORE_NOTE_PAGE_MAX)
		limit = STORE_NOTE_PAGE_MAX;
	return s->ops->note_drafts_overdue(s, org_id, author, before, limit, out, n);
}

/* ---- group sessions and workshops (issue 4) ---- */

static bool session_details_ok(const struct store_session_details *d)
{
	static const char *const kinds[] = { "", "step", "lecture", "meditation", "other" };
	bool kind = false;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		kind = kind || !strcmp(d->topic_kind, kinds[i]);
	if (!kind || strnlen(d->topic, sizeof d->topic) >= sizeof d->topic)
		return false;
	if (!strcmp(d->topic_kind, "step") ? (d->step < 1 || d->step > 12) : d->step != 0)
		return false;
	if (d->external_count < 0 || d->external_count > STORE_SESSION_EXTERNAL_MAX)
		return false;
	if (d->nleaders < 0 || d->nleaders > STORE_SESSION_LEADERS_MAX)
		return false;
	for (int i = 0; i < d->nleaders; i++) {
		if (d->leaders[i] <= 0)
			return false;
		for (int j = 0; j < i; j++)
			if (d->leaders[j] == d->leaders[i])
				return false;
	}
	return true;
}

int store_session_details_get(struct store *s, int64_t org_id, int64_t session_id,
			      struct store_session_details *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "session_details_get: no result pointer");
	memset(out, 0, sizeof *out);
	if (session_id <= 0)
		return store_error(STORE_NOTFOUND, "session_details_get: no such session");
	return s->ops->session_details_get(s, org_id, session_id, out);
}

int store_session_details_set(struct store *s, int64_t org_id, int64_t session_id,
			      struct store_session_details *d, int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!d || !session_details_ok(d) || by_user < 0)
		return store_error(STORE_INVALID, "session_details_set: bad details");
	if (session_id <= 0)
		return store_error(STORE_NOTFOUND, "session_details_set: no such session");
	d->updated_at = now_seconds();
	d->updated_by = by_user;
	return s->ops->session_details_set(s, org_id, session_id, d, by_user);
}

int store_session_group_notes(struct store *s, int64_t org_id, int64_t session_id, int64_t person_id,
			      int64_t viewer, int limit, struct store_note **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "session_group_notes");
	CHECK_ORG(org_id);
	if (session_id < 0 || person_id < 0 || viewer < 0)
		return store_error(STORE_INVALID, "session_group_notes: bad arguments");
	if (limit < 1 || limit > STORE_NOTE_PAGE_MAX)
		limit = STORE_NOTE_PAGE_MAX;
	return s->ops->session_group_notes(s, org_id, session_id, person_id, viewer, limit, out, n);
}

/* ---- the programme report (issue 7) ---- */

void store_report_rows_free(struct store_report_rows *r)
{
	if (!r)
		return;
	free(r->enrolments);
	free(r->events);
	free(r->referrals);
	free(r->attended);
	free(r->steps);
	free(r->meetings);
	free(r->sponsors);
	free(r->tests);
	free(r->relapses);
	free(r->outcomes);
	memset(r, 0, sizeof *r);
}

int store_report_rows(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
		      struct store_report_rows *out)
{
	CHECK_STORE(s);
	if (!out)
		return store_error(STORE_INVALID, "report_rows: no result pointer");
	memset(out, 0, sizeof *out);
	CHECK_ORG(org_id);
	if (from == DATE_NONE || to == DATE_NONE || from > to)
		return store_error(STORE_INVALID, "report_rows: bad period");
	if (programme_id <= 0)
		return store_error(STORE_NOTFOUND, "report_rows: no such programme");
	out->from = from;
	out->to = to;
	int ret = s->ops->report_rows(s, org_id, programme_id, from, to, out);
	if (ret) {
		store_report_rows_free(out);
		out->from = from;
		out->to = to;
	}
	return ret;
}

/* ---- therapist training (issue 7) ---- */

static bool training_key_ok(const char *k, size_t size)
{
	size_t len = strnlen(k, size);
	if (len < 1 || len > 31 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

int store_training_courses(struct store *s, int64_t org_id, struct store_training_course **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "training_courses");
	CHECK_ORG(org_id);
	return s->ops->training_courses(s, org_id, out, n);
}

int store_training_course_add(struct store *s, int64_t org_id, const struct store_training_course *c)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!c || !training_key_ok(c->key, sizeof c->key) || !text_in(c->name, sizeof c->name) ||
	    c->required_days < 1 || c->required_days > STORE_TRAINING_DAYS_MAX)
		return store_error(STORE_INVALID, "training_course_add: bad course");
	return s->ops->training_course_add(s, org_id, c);
}

int store_training_records(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record **out,
			   size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "training_records");
	CHECK_ORG(org_id);
	if (user_id < 0)
		return store_error(STORE_INVALID, "training_records: bad user");
	return s->ops->training_records(s, org_id, user_id, out, n);
}

int store_training_set(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record *recs,
		       size_t n, int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if ((!recs && n) || n > STORE_TRAINING_COURSES_MAX || by_user < 0)
		return store_error(STORE_INVALID, "training_set: bad arguments");
	if (user_id <= 0)
		return store_error(STORE_NOTFOUND, "training_set: no such member");
	int64_t now = now_seconds();
	for (size_t i = 0; i < n; i++) {
		struct store_training_record *r = &recs[i];
		if (!training_key_ok(r->course_key, sizeof r->course_key) || r->days_attended < 0 ||
		    r->days_attended > STORE_TRAINING_DAYS_MAX)
			return store_error(STORE_INVALID, "training_set: bad record");
		for (size_t j = 0; j < i; j++)
			if (!strcmp(recs[j].course_key, r->course_key))
				return store_error(STORE_INVALID, "training_set: a course twice");
		r->user_id = user_id;
		r->updated_at = now;
		r->updated_by = by_user;
	}
	return s->ops->training_set(s, org_id, user_id, recs, n, by_user);
}

int store_training_certified_count(struct store *s, int64_t org_id, int32_t on_day, int64_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!n || on_day == DATE_NONE)
		return store_error(STORE_INVALID, "training_certified_count: bad arguments");
	*n = 0;
	return s->ops->training_certified_count(s, org_id, on_day, n);
}

int store_session_override_get(struct store *s, int64_t org_id, int64_t session_id,
			       struct store_session_override *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "session_override_get: no result pointer");
	memset(out, 0, sizeof *out);
	if (session_id <= 0)
		return store_error(STORE_NOTFOUND, "session_override_get: no such session");
	return s->ops->session_override_get(s, org_id, session_id, out);
}

int store_session_override_set(struct store *s, int64_t org_id, int64_t session_id, const char *reason,
			       int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!reason || strlen(reason) >= STORE_TRAINING_REASON_MAX ||
	    !utf8_valid_text(reason, strlen(reason)) || by_user < 0)
		return store_error(STORE_INVALID, "session_override_set: bad reason");
	if (session_id <= 0)
		return store_error(STORE_NOTFOUND, "session_override_set: no such session");
	return s->ops->session_override_set(s, org_id, session_id, reason, by_user);
}

/* ---- sobriety tests (issue 6) ---- */

static const char *const sob_kinds[] = { "breath", "drug", NULL };
static const char *const sob_outcomes[] = { "done", "refused", NULL };
static const char *const sob_samples[] = { "", "urine", "saliva", "blood", NULL };
static const char *const sob_results[] = { "negative", "positive", "inconclusive", NULL };
static const char *const sob_labs[] = { "", "confirmed", "not_confirmed", NULL };
static const char *const sob_lab_results[] = { "", "confirmed", "not_confirmed", "partly", NULL };
static const char *const sob_rule_kinds[] = { "percent", "monthly", NULL };

static bool substance_ok(const struct substance_class *c)
{
	size_t len = strnlen(c->label, sizeof c->label);
	return KEY_OK(c->key, false) && TEXT_OK(c->label) && len >= 1 && len <= 100 && c->sort_order >= 0 &&
	       c->sort_order <= 10000;
}

int store_substance_seed(struct store *s, int64_t org_id, int *added)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	int dummy = 0;
	return s->ops->substance_seed(s, org_id, added ? added : &dummy);
}

int store_substance_list(struct store *s, int64_t org_id, bool include_inactive, struct substance_class **out,
			 size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "substance_list");
	CHECK_ORG(org_id);
	return s->ops->substance_list(s, org_id, include_inactive, out, n);
}

int store_substance_add(struct store *s, int64_t org_id, struct substance_class *c)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!c || !substance_ok(c))
		return store_error(STORE_INVALID, "substance_add: bad class");
	return s->ops->substance_add(s, org_id, c);
}

int store_substance_update(struct store *s, int64_t org_id, const struct substance_class *c)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!c || c->id <= 0 || !substance_ok(c))
		return store_error(STORE_INVALID, "substance_update: bad class");
	return s->ops->substance_update(s, org_id, c);
}

int store_substance_delete(struct store *s, int64_t org_id, int64_t id)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (id <= 0)
		return store_error(STORE_NOTFOUND, "substance_delete: no such class");
	return s->ops->substance_delete(s, org_id, id);
}

static bool sob_test_ok(const struct sob_test *t)
{
	if (t->person_id <= 0 || t->enrolment_id < 0 || t->taken_by <= 0 || t->recorded_by <= 0 || t->taken_at <= 0 ||
	    t->on_day == DATE_NONE)
		return false;
	if (!TEXT_OK(t->kind) || !one_of(t->kind, sob_kinds) || !TEXT_OK(t->outcome) ||
	    !one_of(t->outcome, sob_outcomes) || !TEXT_OK(t->sample) || !one_of(t->sample, sob_samples) ||
	    !TEXT_OK(t->device) || !TEXT_OK(t->note) || !TEXT_OK(t->lab_result) ||
	    !one_of(t->lab_result, sob_lab_results))
		return false;
	bool breath = !strcmp(t->kind, "breath"), done = !strcmp(t->outcome, "done");
	if (breath && done ? (t->permille < 0 || t->permille > STORE_SOB_PERMILLE_MAX) : t->permille != -1)
		return false;
	if (breath && (t->sample[0] || t->nresults))
		return false;
	if (!done && t->nresults)
		return false;
	if (t->nresults < 0 || t->nresults > STORE_SOB_CLASSES_MAX || t->flag < 0 || t->flag > 2)
		return false;
	for (int i = 0; i < t->nresults; i++) {
		const struct sob_result *r = &t->results[i];
		if (!KEY_OK(r->class_key, false) || !TEXT_OK(r->result) || !one_of(r->result, sob_results) ||
		    !TEXT_OK(r->lab) || !one_of(r->lab, sob_labs))
			return false;
		for (int j = 0; j < i; j++)
			if (!strcmp(t->results[j].class_key, r->class_key))
				return false;
	}
	return true;
}

int store_sob_test_create(struct store *s, int64_t org_id, struct sob_test *t)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!t || !sob_test_ok(t))
		return store_error(STORE_INVALID, "sob_test_create: bad test");
	t->recorded_at = now_seconds();
	return s->ops->sob_test_create(s, org_id, t);
}

int store_sob_test_get(struct store *s, int64_t org_id, int64_t id, struct sob_test *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "sob_test_get: no result pointer");
	memset(out, 0, sizeof *out);
	if (id <= 0)
		return store_error(STORE_NOTFOUND, "sob_test_get: no such test");
	return s->ops->sob_test_get(s, org_id, id, out);
}

int store_sob_test_list(struct store *s, int64_t org_id, int64_t person_id, int limit, struct sob_test **out,
			size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "sob_test_list");
	CHECK_ORG(org_id);
	if (person_id <= 0)
		return store_error(STORE_INVALID, "sob_test_list: no person");
	if (limit < 1 || limit > 500)
		limit = 500;
	return s->ops->sob_test_list(s, org_id, person_id, limit, out, n);
}

int store_sob_test_lab(struct store *s, int64_t org_id, const struct sob_test *t)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!t || t->id <= 0 || !sob_test_ok(t) || t->lab_by < 0 || t->lab_at < 0)
		return store_error(STORE_INVALID, "sob_test_lab: bad test");
	return s->ops->sob_test_lab(s, org_id, t);
}

int store_sob_med_add(struct store *s, int64_t org_id, struct sob_medication *m)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	size_t len = m ? strnlen(m->name, sizeof m->name) : 0;
	if (!m || m->person_id <= 0 || !KEY_OK(m->class_key, false) || !TEXT_OK(m->name) || len < 1 || len > 200 ||
	    m->from_day == DATE_NONE || (m->to_day != DATE_NONE && m->to_day < m->from_day) || m->created_by <= 0)
		return store_error(STORE_INVALID, "sob_med_add: bad medication");
	m->created_at = now_seconds();
	return s->ops->sob_med_add(s, org_id, m);
}

int store_sob_med_end(struct store *s, int64_t org_id, int64_t id, int32_t to_day)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (to_day == DATE_NONE)
		return store_error(STORE_INVALID, "sob_med_end: no day");
	if (id <= 0)
		return store_error(STORE_NOTFOUND, "sob_med_end: no such medication");
	return s->ops->sob_med_end(s, org_id, id, to_day);
}

int store_sob_med_list(struct store *s, int64_t org_id, int64_t person_id, struct sob_medication **out,
		       size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "sob_med_list");
	CHECK_ORG(org_id);
	if (person_id <= 0)
		return store_error(STORE_INVALID, "sob_med_list: no person");
	return s->ops->sob_med_list(s, org_id, person_id, out, n);
}

int store_sob_rule_set(struct store *s, int64_t org_id, struct sob_rule *r)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!r || r->programme_id <= 0 || !KEY_OK(r->phase_key, true) || !TEXT_OK(r->kind) ||
	    !one_of(r->kind, sob_rule_kinds) || r->updated_by < 0)
		return store_error(STORE_INVALID, "sob_rule_set: bad rule");
	if (!strcmp(r->kind, "percent") ? (r->percent < 0 || r->percent > 10000 || r->per_month != 0)
					: (r->percent != 0 || r->per_month < 1 || r->per_month > 31))
		return store_error(STORE_INVALID, "sob_rule_set: bad rule");
	r->updated_at = now_seconds();
	return s->ops->sob_rule_set(s, org_id, r);
}

int store_sob_rule_list(struct store *s, int64_t org_id, int64_t programme_id, struct sob_rule **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "sob_rule_list");
	CHECK_ORG(org_id);
	if (programme_id < 0)
		return store_error(STORE_INVALID, "sob_rule_list: bad programme");
	return s->ops->sob_rule_list(s, org_id, programme_id, out, n);
}

int store_sob_zero_get(struct store *s, int64_t org_id, int64_t programme_id, bool *on)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!on)
		return store_error(STORE_INVALID, "sob_zero_get: no result pointer");
	*on = false;
	if (programme_id <= 0)
		return store_error(STORE_NOTFOUND, "sob_zero_get: no such programme");
	return s->ops->sob_zero_get(s, org_id, programme_id, on);
}

int store_sob_zero_set(struct store *s, int64_t org_id, int64_t programme_id, bool on, int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (by_user < 0)
		return store_error(STORE_INVALID, "sob_zero_set: bad user");
	if (programme_id <= 0)
		return store_error(STORE_NOTFOUND, "sob_zero_set: no such programme");
	return s->ops->sob_zero_set(s, org_id, programme_id, on, by_user, now_seconds());
}

int store_sob_draw_put(struct store *s, int64_t org_id, struct sob_draw *d, bool *inserted)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	bool dummy;
	if (!d || d->person_id <= 0 || d->enrolment_id <= 0 || d->group_id < 0 || d->day == DATE_NONE ||
	    d->rule_id <= 0 || !TEXT_OK(d->rule_snapshot) || d->probability_ppm < 0 ||
	    d->probability_ppm > STORE_SOB_PPM || d->random_value < 0 || d->random_value >= STORE_SOB_PPM ||
	    d->selected != (d->random_value < d->probability_ppm) || d->drawn_by <= 0)
		return store_error(STORE_INVALID, "sob_draw_put: bad draw");
	d->drawn_at = now_seconds();
	return s->ops->sob_draw_put(s, org_id, d, inserted ? inserted : &dummy);
}

int store_sob_draw_list(struct store *s, int64_t org_id, int32_t from, int32_t to, int64_t person_id, int limit,
			struct sob_draw **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "sob_draw_list");
	CHECK_ORG(org_id);
	if (person_id < 0)
		return store_error(STORE_INVALID, "sob_draw_list: bad person");
	open_range(&from, &to);
	if (limit < 1 || limit > 5000)
		limit = 5000;
	return s->ops->sob_draw_list(s, org_id, from, to, person_id, limit, out, n);
}

int store_sob_selected_count(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
			     int64_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!n || enrolment_id <= 0)
		return store_error(STORE_INVALID, "sob_selected_count: bad arguments");
	*n = 0;
	open_range(&from, &to);
	return s->ops->sob_selected_count(s, org_id, enrolment_id, from, to, n);
}

int store_sob_fairness(struct store *s, int64_t org_id, int32_t from, int32_t to, struct sob_fairness **out,
		       size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "sob_fairness");
	CHECK_ORG(org_id);
	open_range(&from, &to);
	return s->ops->sob_fairness(s, org_id, from, to, out, n);
}

/* ---- test hooks ---- */

int store_testing_exec(struct store *s, const char *sql)
{
	CHECK_STORE(s);
	if (!sql)
		return store_error(STORE_INVALID, "testing_exec: no SQL");
	return s->ops->testing_exec(s, sql);
}

int store_testing_pg_database(const char *url, const char *name, bool create)
{
	if (!url || !name)
		return store_error(STORE_INVALID, "testing_pg_database: missing argument");
	if (strncmp(url, "postgresql://", 13) && strncmp(url, "postgres://", 11))
		return store_error(STORE_INVALID, "testing_pg_database: not a PostgreSQL URL");
	return store_pg_testing_database(url, name, create);
}

/* ---- relapses (issue 6) ---- */

static const char *const relapse_sources[] = { "told", "test", "other", NULL };
static const char *const relapse_statuses[] = { "draft", "confirmed", "rejected", NULL };
static const char *const relapse_physician[] = { "", "planned", "done", "declined", NULL };
static const char *const relapse_detox[] = { "", "planned", "admitted", "completed", "cancelled", NULL };

static bool relapse_ok(const struct store_relapse *r)
{
	return r && r->person_id > 0 && r->enrolment_id >= 0 && r->on_day != DATE_NONE && TEXT_OK(r->substances) &&
	       FIELD_OK(r->source) && one_of(r->source, relapse_sources) &&
	       (!strcmp(r->source, "test") ? r->test_id > 0 : r->test_id == 0) && TEXT_OK(r->source_text) &&
	       FIELD_OK(r->status) && one_of(r->status, relapse_statuses) &&
	       (!strcmp(r->status, "draft") ? r->decided_at == 0 : true) && TEXT_OK(r->decision_reason) &&
	       r->plan_version >= 0 && r->extra_sessions >= 0 && r->extra_sessions <= 100 &&
	       TEXT_OK(r->extra_sessions_text) && FIELD_OK(r->physician_status) &&
	       one_of(r->physician_status, relapse_physician) && TEXT_OK(r->detox_destination) &&
	       FIELD_OK(r->detox_status) && one_of(r->detox_status, relapse_detox) && r->paused_enrolment_id >= 0 &&
	       r->created_by >= 0 && r->updated_by >= 0 && r->decided_by >= 0;
}

int store_relapse_create(struct store *s, int64_t org_id, struct store_relapse *r)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!relapse_ok(r) || strcmp(r->status, "draft"))
		return store_error(STORE_INVALID, "relapse_create: bad relapse");
	r->org_id = org_id;
	r->created_at = r->updated_at = now_seconds();
	r->decided_at = r->decided_by = 0;
	return s->ops->relapse_create(s, org_id, r);
}

int store_relapse_update(struct store *s, int64_t org_id, struct store_relapse *r, const char *expected_status,
			 bool sober_since_set, int32_t sober_since)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!r || r->id <= 0 || !expected_status || !one_of(expected_status, relapse_statuses))
		return store_error(STORE_INVALID, "relapse_update: bad arguments");
	int64_t now = now_seconds();
	if (strcmp(r->status, "draft") && !r->decided_at)
		r->decided_at = now;
	if (!strcmp(r->status, "draft"))
		r->decided_at = r->decided_by = 0;
	if (!relapse_ok(r))
		return store_error(STORE_INVALID, "relapse_update: bad relapse");
	r->org_id = org_id;
	r->updated_at = now;
	return s->ops->relapse_update(s, org_id, r, expected_status, sober_since_set, sober_since);
}

int store_relapse_get(struct store *s, int64_t org_id, int64_t id, struct store_relapse *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "relapse_get: no result pointer");
	memset(out, 0, sizeof *out);
	return s->ops->relapse_get(s, org_id, id, out);
}

int store_relapse_by_test(struct store *s, int64_t org_id, int64_t test_id, struct store_relapse *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "relapse_by_test: no result pointer");
	memset(out, 0, sizeof *out);
	return s->ops->relapse_by_test(s, org_id, test_id, out);
}

int store_relapse_list(struct store *s, int64_t org_id, int64_t person_id, int64_t therapist_id,
		       const char *status, int limit, struct store_relapse **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "relapse_list");
	CHECK_ORG(org_id);
	if (!status || (status[0] && !one_of(status, relapse_statuses)) || person_id < 0 || therapist_id < 0)
		return store_error(STORE_INVALID, "relapse_list: bad arguments");
	if (limit <= 0 || limit > STORE_RELAPSE_LIST_MAX)
		limit = STORE_RELAPSE_LIST_MAX;
	return s->ops->relapse_list(s, org_id, person_id, therapist_id, status, limit, out, n);
}

int store_sober_since_get(struct store *s, int64_t org_id, int64_t person_id, int32_t *day)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!day)
		return store_error(STORE_INVALID, "sober_since_get: no result pointer");
	*day = DATE_NONE;
	return s->ops->sober_since_get(s, org_id, person_id, day);
}

int store_sober_since_set(struct store *s, int64_t org_id, int64_t person_id, int32_t day, int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (person_id <= 0 || by_user < 0)
		return store_error(STORE_INVALID, "sober_since_set: bad arguments");
	return s->ops->sober_since_set(s, org_id, person_id, day, by_user);
}

int store_relapse_settings_get(struct store *s, int64_t org_id, bool *show_sober_since)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!show_sober_since)
		return store_error(STORE_INVALID, "relapse_settings_get: no result pointer");
	*show_sober_since = false;
	return s->ops->relapse_settings_get(s, org_id, show_sober_since);
}

int store_relapse_settings_set(struct store *s, int64_t org_id, bool show_sober_since, int64_t by_user)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (by_user < 0)
		return store_error(STORE_INVALID, "relapse_settings_set: bad arguments");
	return s->ops->relapse_settings_set(s, org_id, show_sober_since, by_user);
}

/* ---- outcome measures (issue 6) ---- */

static bool hex64_ok(const char *h)
{
	if (!h || strnlen(h, 65) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

static bool outcome_result_ok(const struct outcome_result *r)
{
	if (!FIELD_OK(r->questionnaire) || !r->questionnaire[0] || !FIELD_OK(r->answers) || !r->answers[0] ||
	    !FIELD_OK(r->days) || !FIELD_OK(r->zone) || !FIELD_OK(r->flags) || !FIELD_OK(r->sex))
		return false;
	if (strspn(r->answers, "0123456789,") != strlen(r->answers))
		return false;
	size_t nd = strlen(r->days);
	if (nd && (nd != STORE_OUTCOME_DAYS || strspn(r->days, "01") != nd))
		return false;
	if (r->person_id <= 0 || r->version < 1 || r->taken_on == DATE_NONE || r->total < 0 || r->positive < -1 ||
	    r->positive > 1 || r->enrolment_id < 0 || r->point_id < 0 || r->entered_by < 0)
		return false;
	if (strcmp(r->sex, "") && strcmp(r->sex, "female") && strcmp(r->sex, "male"))
		return false;
	return r->self || r->entered_by > 0;
}

int store_outcome_add(struct store *s, int64_t org_id, struct outcome_result *r)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!r || !outcome_result_ok(r))
		return store_error(STORE_INVALID, "outcome_add: bad result");
	r->org_id = org_id;
	if (!r->created_at)
		r->created_at = now_seconds();
	return s->ops->outcome_add(s, org_id, r);
}

int store_outcome_get(struct store *s, int64_t org_id, int64_t id, struct outcome_result *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "outcome_get: no result pointer");
	memset(out, 0, sizeof *out);
	if (id <= 0)
		return store_error(STORE_NOTFOUND, "outcome_get: no such result");
	return s->ops->outcome_get(s, org_id, id, out);
}

int store_outcome_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_result **out,
		       size_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || !n || person_id < 0)
		return store_error(STORE_INVALID, "outcome_list: bad arguments");
	*out = NULL;
	*n = 0;
	return s->ops->outcome_list(s, org_id, person_id, out, n);
}

int store_outcome_mark_error(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at,
			     const char *reason)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (by_user <= 0 || !reason || !reason[0] || strlen(reason) >= STORE_TEXT_MAX ||
	    !utf8_valid_text(reason, strlen(reason)))
		return store_error(STORE_INVALID, "outcome_mark_error: bad arguments");
	if (id <= 0)
		return store_error(STORE_NOTFOUND, "outcome_mark_error: no such result");
	return s->ops->outcome_mark_error(s, org_id, id, by_user, at ? at : now_seconds(), reason);
}

int store_outcome_open_events(struct store *s, int64_t org_id, struct enrolment_event **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || !n)
		return store_error(STORE_INVALID, "outcome_open_events: bad arguments");
	*out = NULL;
	*n = 0;
	return s->ops->outcome_open_events(s, org_id, out, n);
}

int store_outcome_points(struct store *s, int64_t org_id, int64_t programme_id, struct outcome_point **out,
			 size_t *n, bool *configured)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || !n || programme_id < 0)
		return store_error(STORE_INVALID, "outcome_points: bad arguments");
	*out = NULL;
	*n = 0;
	if (configured)
		*configured = false;
	return s->ops->outcome_points(s, org_id, programme_id, out, n, configured);
}

static bool outcome_point_ok(const struct outcome_point *p)
{
	if (!TEXT_OK(p->label) || !p->label[0] || strpbrk(p->label, "\t\r\n") || !FIELD_OK(p->anchor) ||
	    !FIELD_OK(p->phase_key) || !FIELD_OK(p->questionnaires) || !p->questionnaires[0])
		return false;
	if (strspn(p->questionnaires, "abcdefghijklmnopqrstuvwxyz0123456789-,") != strlen(p->questionnaires))
		return false;
	bool start = !strcmp(p->anchor, "start");
	if (!start && strcmp(p->anchor, "phase_start") && strcmp(p->anchor, "phase_end"))
		return false;
	if (start != !p->phase_key[0] || (p->phase_key[0] && !key_ok(p->phase_key, sizeof p->phase_key, false)))
		return false;
	return p->offset_days >= -366 && p->offset_days <= 3660 && p->offset_months >= 0 && p->offset_months <= 120 &&
	       p->window_days >= 0 && p->window_days <= 366;
}

int store_outcome_point_add(struct store *s, int64_t org_id, struct outcome_point *p)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!p || !outcome_point_ok(p))
		return store_error(STORE_INVALID, "outcome_point_add: bad point");
	if (p->programme_id <= 0)
		return store_error(STORE_NOTFOUND, "outcome_point_add: no such programme");
	if (!p->created_at)
		p->created_at = now_seconds();
	return s->ops->outcome_point_add(s, org_id, p);
}

int store_outcome_point_remove(struct store *s, int64_t org_id, int64_t programme_id, int64_t id)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (programme_id <= 0 || id <= 0)
		return store_error(STORE_NOTFOUND, "outcome_point_remove: no such point");
	return s->ops->outcome_point_remove(s, org_id, programme_id, id);
}

int store_outcome_schedule_seed(struct store *s, int64_t org_id, int64_t programme_id,
				struct outcome_point *pts, size_t n, bool *seeded)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!seeded || (n && !pts) || n > 100)
		return store_error(STORE_INVALID, "outcome_schedule_seed: bad arguments");
	*seeded = false;
	for (size_t i = 0; i < n; i++) {
		if (!outcome_point_ok(&pts[i]))
			return store_error(STORE_INVALID, "outcome_schedule_seed: bad point");
		if (!pts[i].created_at)
			pts[i].created_at = now_seconds();
	}
	if (programme_id <= 0)
		return store_error(STORE_NOTFOUND, "outcome_schedule_seed: no such programme");
	return s->ops->outcome_schedule_seed(s, org_id, programme_id, pts, n, seeded);
}

int store_outcome_link_create(struct store *s, int64_t org_id, struct outcome_link *l)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!l || !hex64_ok(l->token_hash) || !FIELD_OK(l->questionnaire) || !l->questionnaire[0] ||
	    l->created_by <= 0 || l->expires_at <= 0 || l->enrolment_id < 0 || l->point_id < 0)
		return store_error(STORE_INVALID, "outcome_link_create: bad link");
	if (l->person_id <= 0)
		return store_error(STORE_NOTFOUND, "outcome_link_create: no such person");
	if (!l->created_at)
		l->created_at = now_seconds();
	return s->ops->outcome_link_create(s, org_id, l);
}

int store_outcome_link_find(struct store *s, const char *token_hash, struct outcome_link *out)
{
	CHECK_STORE(s);
	if (!out)
		return store_error(STORE_INVALID, "outcome_link_find: no result pointer");
	memset(out, 0, sizeof *out);
	if (!hex64_ok(token_hash))
		return store_error(STORE_NOTFOUND, "outcome_link_find: no such link");
	return s->ops->outcome_link_find(s, token_hash, out);
}

int store_outcome_link_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_link **out,
			    size_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || !n || person_id <= 0)
		return store_error(STORE_INVALID, "outcome_link_list: bad arguments");
	*out = NULL;
	*n = 0;
	return s->ops->outcome_link_list(s, org_id, person_id, out, n);
}

int store_outcome_link_consume(struct store *s, const char *token_hash, int64_t now, struct outcome_result *r)
{
	CHECK_STORE(s);
	if (!r || r->org_id <= 0 || !r->self || !outcome_result_ok(r))
		return store_error(STORE_INVALID, "outcome_link_consume: bad result");
	if (!hex64_ok(token_hash))
		return store_error(STORE_NOTFOUND, "outcome_link_consume: no such link");
	if (!r->created_at)
		r->created_at = now;
	return s->ops->outcome_link_consume(s, token_hash, now, r);
}

int store_outcome_attempt(struct store *s, const char *addr_hash, bool record, int64_t at, int64_t since,
			  int64_t *n)
{
	CHECK_STORE(s);
	if (!hex64_ok(addr_hash) || !n)
		return store_error(STORE_INVALID, "outcome_attempt: bad arguments");
	*n = 0;
	return s->ops->outcome_attempt(s, addr_hash, record, at, since, n);
}

/* ---- the network report (issue 7) ---- */

static bool network_text_ok(const char *t, size_t size)
{
	size_t len = strnlen(t, size);
	return len >= 1 && len < size;
}

int store_network_join(struct store *s, int64_t org_id, int64_t by_user, int64_t at, bool *joined)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	bool dummy;
	if (!joined)
		joined = &dummy;
	*joined = false;
	if (by_user < 0 || at < 0)
		return store_error(STORE_INVALID, "network_join: bad arguments");
	return s->ops->network_join(s, org_id, by_user, at, joined);
}

int store_network_leave(struct store *s, int64_t org_id, bool *left)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	bool dummy;
	if (!left)
		left = &dummy;
	*left = false;
	return s->ops->network_leave(s, org_id, left);
}

int store_network_member_get(struct store *s, int64_t org_id, struct network_member *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "network_member_get: no result pointer");
	return s->ops->network_member_get(s, org_id, out);
}

int store_network_members(struct store *s, struct network_member **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "network_members");
	return s->ops->network_members(s, out, n);
}

int store_network_import_put(struct store *s, struct network_import *imp, const char *body, bool *replaced)
{
	CHECK_STORE(s);
	bool dummy;
	if (!replaced)
		replaced = &dummy;
	*replaced = false;
	if (!imp || !body)
		return store_error(STORE_INVALID, "network_import_put: no import");
	size_t blen = strlen(body);
	if (!network_text_ok(imp->installation, sizeof imp->installation) ||
	    !network_text_ok(imp->org_name, sizeof imp->org_name) ||
	    !training_key_ok(imp->template_key, sizeof imp->template_key) || imp->from == DATE_NONE ||
	    imp->to == DATE_NONE || imp->to < imp->from || blen < 2 || blen >= STORE_NET_BODY_MAX)
		return store_error(STORE_INVALID, "network_import_put: bad import");
	if (imp->imported_at == 0)
		imp->imported_at = now_seconds();
	return s->ops->network_import_put(s, imp, body, replaced);
}

int store_network_import_list(struct store *s, const char *template_key, int32_t from, int32_t to,
			      struct network_import **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_OUT(out, n, "network_import_list");
	if ((from == DATE_NONE) != (to == DATE_NONE))
		return store_error(STORE_INVALID, "network_import_list: half a period");
	return s->ops->network_import_list(s, template_key ? template_key : "", from, to, out, n);
}

int store_network_import_body(struct store *s, int64_t id, char **body)
{
	CHECK_STORE(s);
	if (!body)
		return store_error(STORE_INVALID, "network_import_body: no result pointer");
	*body = NULL;
	if (id <= 0)
		return store_error(STORE_NOTFOUND, "network_import_body: no such import");
	return s->ops->network_import_body(s, id, body);
}

int store_network_import_remove(struct store *s, int64_t id)
{
	CHECK_STORE(s);
	if (id <= 0)
		return store_error(STORE_NOTFOUND, "network_import_remove: no such import");
	return s->ops->network_import_remove(s, id);
}

/* ---- an organisation's own questionnaire definitions (issue 6) ---- */

/* The built-in ids, as the table's CHECK lists them. */
static bool orgq_id_ok(const char *id)
{
	static const char *const ids[] = { "audit", "audit-c", "dudit", "days-abstinent" };
	if (!id)
		return false;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (!strcmp(id, ids[i]))
			return true;
	return false;
}

static bool orgq_hex_ok(const char *h)
{
	size_t i = 0;
	for (; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return h[i] == '\0';
}

int store_orgq_put(struct store *s, int64_t org_id, const struct org_questionnaire *q, const char *json,
		   bool *replaced)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	bool dummy;
	if (!replaced)
		replaced = &dummy;
	*replaced = false;
	if (!q || !json)
		return store_error(STORE_INVALID, "orgq_put: no definition");
	size_t len = strnlen(json, STORE_ORGQ_JSON_MAX);
	if (!orgq_id_ok(q->questionnaire) || q->version < 1 || q->version > 1000000 || !orgq_hex_ok(q->sha256) ||
	    q->loaded_at < 0 || q->loaded_by < 0 || len < 2 || len >= STORE_ORGQ_JSON_MAX)
		return store_error(STORE_INVALID, "orgq_put: bad definition");
	return s->ops->orgq_put(s, org_id, q, json, replaced);
}

int store_orgq_get(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out)
		return store_error(STORE_INVALID, "orgq_get: no result pointer");
	memset(out, 0, sizeof *out);
	if (!orgq_id_ok(questionnaire))
		return store_error(STORE_NOTFOUND, "orgq_get: no such questionnaire");
	return s->ops->orgq_get(s, org_id, questionnaire, out);
}

int store_orgq_body(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out,
		    char **json)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!out || !json)
		return store_error(STORE_INVALID, "orgq_body: no result pointer");
	memset(out, 0, sizeof *out);
	*json = NULL;
	if (!orgq_id_ok(questionnaire))
		return store_error(STORE_NOTFOUND, "orgq_body: no such questionnaire");
	return s->ops->orgq_body(s, org_id, questionnaire, out, json);
}

int store_orgq_list(struct store *s, int64_t org_id, struct org_questionnaire **out, size_t *n)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	CHECK_OUT(out, n, "orgq_list");
	return s->ops->orgq_list(s, org_id, out, n);
}

int store_orgq_remove(struct store *s, int64_t org_id, const char *questionnaire)
{
	CHECK_STORE(s);
	CHECK_ORG(org_id);
	if (!orgq_id_ok(questionnaire))
		return store_error(STORE_NOTFOUND, "orgq_remove: no such questionnaire");
	return s->ops->orgq_remove(s, org_id, questionnaire);
}
