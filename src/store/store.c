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

static bool audit_entry_ok(const struct audit_entry *e)
{
	return FIELD_OK(e->actor) && FIELD_OK(e->action) && e->action[0] && FIELD_OK(e->object_type) &&
	       FIELD_OK(e->object_id) && FIELD_OK(e->addr) && FIELD_OK(e->detail);
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
	return s->ops->audit_list(s, &q, out, n);
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
		for (size_t i = 0; i < n; i++) {
			ret = cb(&page[i], arg);
			if (ret)
				goto out;
		}
		after_seq = page[n - 1].seq;
		if (n < STORE_AUDIT_PAGE)
			break;
	}
out:
	free(page);
	return ret;
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
