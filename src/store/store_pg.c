/* store_pg.c: the PostgreSQL backend — a pool of libpq connections to one database.
 *
 * Connections: pool_size PGconns, checked out one per call under a mutex and handed
 * back with a condition variable, so request threads do not queue behind one socket.
 * A connection found broken on checkout (the server restarted, a network blip) is
 * PQreset; if that fails the call answers STORE_UNAVAILABLE and the next checkout tries
 * again. A connection is never handed back inside a transaction.
 *
 * Statements go through PQexecParams with every value a parameter ($1, $2...), in
 * text format; integers are formatted by us, so nothing from a caller reaches SQL text.
 *
 * Serialisation across processes uses transaction-level advisory locks, released by
 * COMMIT or ROLLBACK, so a crashed client can never leave one held.
 */
#include "store/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/util.h"

extern char **environ;

/* Advisory lock keys: arbitrary constants, the same in every tolv process. */
#define LOCK_MIGRATE "7716380241001"
#define LOCK_AUDIT "7716380241002"

struct pg_conn {
	PGconn *conn;
	bool busy;
};

struct pg_store {
	struct store base;
	char *url;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pg_conn *conns;
	int nconns;
	int next; /* round robin, so every connection is used and its health checked */
};

static struct pg_store *pg_of(struct store *s)
{
	return (struct pg_store *)s;
}

/* ---- errors ---- */

/* The first line of a libpq message (they end in a newline and may go on with hints). */
static int first_line_len(const char *msg)
{
	size_t n = strcspn(msg, "\n");
	return n > 300 ? 300 : (int)n;
}

/* Maps a failed result onto a store status. Only the primary message is kept: for
 * constraint violations it names the constraint, while the DETAIL field quotes the
 * row's values (personal data). Data exceptions (class 22) may quote the offending
 * value even in the primary message, so for those only the SQLSTATE is kept. */
static int pg_fail(PGconn *c, const PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!state) {
		const char *msg = PQerrorMessage(c);
		int status = PQstatus(c) == CONNECTION_OK ? STORE_ERROR : STORE_UNAVAILABLE;
		return store_error(status, "postgresql: %s: %.*s", what, first_line_len(msg), msg);
	}
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	if (!msg)
		msg = "";
	int status = STORE_ERROR;
	if (!strcmp(state, "23505"))
		status = STORE_CONFLICT;
	else if (!strncmp(state, "23", 2))
		status = STORE_INVALID;
	else if (!strncmp(state, "22", 2))
		return store_error(STORE_INVALID, "postgresql: %s: invalid value (SQLSTATE %s)", what, state);
	else if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		status = STORE_UNAVAILABLE;
	return store_error(status, "postgresql: %s: %.*s (SQLSTATE %s)", what, first_line_len(msg), msg, state);
}

static int too_long(const char *what)
{
	return store_error(STORE_ERROR, "postgresql: %s: a stored value does not fit its field", what);
}

/* ---- parameters and columns ---- */

struct num {
	char s[24];
};

static const char *num(struct num *b, int64_t v)
{
	snprintf(b->s, sizeof b->s, "%" PRId64, v);
	return b->s;
}

/* An integer parameter, formatted into storage that lives until the end of the block. */
#define I64(v) num(&(struct num){ { 0 } }, (v))
/* Organisation references are NULL in the tables where the interface says 0. */
#define ID_OR_NULL(v) ((v) ? I64(v) : NULL)
#define BOOL(v) ((v) ? "t" : "f")

static bool get_i64(const PGresult *r, int row, int col, int64_t *v)
{
	*v = 0;
	if (PQgetisnull(r, row, col))
		return true;
	return parse_int64(PQgetvalue(r, row, col), INT64_MIN, INT64_MAX, v) == 0;
}

static bool get_bool(const PGresult *r, int row, int col)
{
	return PQgetvalue(r, row, col)[0] == 't';
}

static bool get_text(const PGresult *r, int row, int col, char *dst, size_t dstlen)
{
	return store_copy_field(dst, dstlen, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

#define GET_TEXT(r, row, col, field) get_text((r), (row), (col), (field), sizeof(field))

/* ---- connections and the pool ---- */

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* "relation already exists, skipping" and the like */
}

static PGconn *pg_connect(const char *url)
{
	/* Keywords before dbname are defaults the URL may override. */
	const char *const keys[] = { "connect_timeout", "fallback_application_name", "dbname", NULL };
	const char *const vals[] = { "10", "tolv", url, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (c)
		PQsetNoticeProcessor(c, ignore_notice, NULL);
	return c;
}

static int connect_error(PGconn *c)
{
	const char *msg = c ? PQerrorMessage(c) : "out of memory";
	return store_error(STORE_UNAVAILABLE, "postgresql: cannot connect: %.*s", first_line_len(msg), msg);
}

/* PQstatus only changes when libpq next reads: a connection the server closed while it
 * sat in the pool (restart, pg_terminate_backend, idle timeout) still says OK. An idle
 * connection has nothing to read, so if its socket is readable the server is saying
 * goodbye (a FATAL message, then EOF); reading it makes libpq notice. */
static bool conn_alive(PGconn *c)
{
	for (int i = 0; i < 4 && PQstatus(c) == CONNECTION_OK; i++) {
		struct pollfd p = { .fd = PQsocket(c), .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			break;
		if (!PQconsumeInput(c))
			return false;
		PGnotify *note;
		while ((note = PQnotifies(c)))
			PQfreemem(note);
	}
	return PQstatus(c) == CONNECTION_OK;
}

static PGconn *pg_get(struct pg_store *pg, int *err)
{
	struct pg_conn *pc = NULL;
	pthread_mutex_lock(&pg->lock);
	for (;;) {
		for (int k = 0; k < pg->nconns; k++) {
			int i = (pg->next + k) % pg->nconns;
			if (!pg->conns[i].busy) {
				pc = &pg->conns[i];
				pg->next = (i + 1) % pg->nconns;
				break;
			}
		}
		if (pc)
			break;
		pthread_cond_wait(&pg->cond, &pg->lock);
	}
	pc->busy = true;
	pthread_mutex_unlock(&pg->lock);

	if (!conn_alive(pc->conn)) {
		PQreset(pc->conn);
		if (PQstatus(pc->conn) != CONNECTION_OK) {
			*err = connect_error(pc->conn);
			pthread_mutex_lock(&pg->lock);
			pc->busy = false;
			pthread_cond_signal(&pg->cond);
			pthread_mutex_unlock(&pg->lock);
			return NULL;
		}
	}
	*err = STORE_OK;
	return pc->conn;
}

static void pg_put(struct pg_store *pg, PGconn *c)
{
	PGTransactionStatusType ts = PQtransactionStatus(c);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(c, "ROLLBACK"));
	pthread_mutex_lock(&pg->lock);
	for (int i = 0; i < pg->nconns; i++) {
		if (pg->conns[i].conn == c) {
			pg->conns[i].busy = false;
			break;
		}
	}
	pthread_cond_signal(&pg->cond);
	pthread_mutex_unlock(&pg->lock);
}

/* Runs one parameterised statement. On success *out (if not NULL) gets the result,
 * which the caller PQclears. */
static int pg_exec(PGconn *c, const char *what, const char *sql, int n, const char *const *vals, PGresult **out)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (out)
		*out = NULL;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (out)
			*out = r;
		else
			PQclear(r);
		return STORE_OK;
	}
	int ret = pg_fail(c, r, what);
	PQclear(r);
	return ret;
}

static int pg_simple(PGconn *c, const char *what, const char *sql)
{
	return pg_exec(c, what, sql, 0, NULL, NULL);
}

/* COMMIT of a transaction that failed answers ROLLBACK, not an error: check the tag. */
static int pg_commit(PGconn *c, const char *what)
{
	PGresult *r = PQexec(c, "COMMIT");
	int ret;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		ret = pg_fail(c, r, what);
	else if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
		ret = store_error(STORE_ERROR, "postgresql: %s: the transaction was rolled back", what);
	else
		ret = STORE_OK;
	PQclear(r);
	return ret;
}

typedef bool (*pg_reader)(const PGresult *r, int row, void *out);

/* At most one row, read by rd; NOTFOUND if none. */
static int pg_one(struct pg_store *pg, const char *what, const char *sql, int n, const char *const *vals,
		  pg_reader rd, void *out)
{
	PGresult *r;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_exec(c, what, sql, n, vals, &r);
	if (!ret) {
		if (PQntuples(r) == 0)
			ret = store_error(STORE_NOTFOUND, "%s: not found", what);
		else if (!rd(r, 0, out))
			ret = too_long(what);
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

/* Every row, read by rd into a new array of elem-sized items. */
static int pg_collect(PGconn *c, const char *what, const char *sql, int n, const char *const *vals, size_t elem,
		      pg_reader rd, void **out, size_t *nout)
{
	PGresult *r;
	int ret = pg_exec(c, what, sql, n, vals, &r);
	*out = NULL;
	*nout = 0;
	if (ret)
		return ret;
	int rows = PQntuples(r);
	char *arr = rows ? xmalloc((size_t)rows * elem) : NULL;
	for (int i = 0; i < rows; i++) {
		if (!rd(r, i, arr + (size_t)i * elem)) {
			free(arr);
			PQclear(r);
			return too_long(what);
		}
	}
	PQclear(r);
	*out = arr;
	*nout = (size_t)rows;
	return STORE_OK;
}

static int pg_many(struct pg_store *pg, const char *what, const char *sql, int n, const char *const *vals,
		   size_t elem, pg_reader rd, void **out, size_t *nout)
{
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_collect(c, what, sql, n, vals, elem, rd, out, nout);
	pg_put(pg, c);
	return ret;
}

/* A write. need_row: NOTFOUND if it touched no row. id: the first column of the first
 * row (RETURNING id), may be NULL. */
static int pg_write(struct pg_store *pg, const char *what, const char *sql, int n, const char *const *vals,
		    bool need_row, int64_t *id)
{
	PGresult *r;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_exec(c, what, sql, n, vals, &r);
	if (!ret) {
		if (need_row && !strcmp(PQcmdTuples(r), "0"))
			ret = store_error(STORE_NOTFOUND, "%s: not found", what);
		else if (id && (PQntuples(r) != 1 || !get_i64(r, 0, 0, id)))
			ret = store_error(STORE_ERROR, "postgresql: %s: no id returned", what);
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

/* ---- open / close ---- */

static void pg_close(struct store *s)
{
	struct pg_store *pg = pg_of(s);
	for (int i = 0; i < pg->nconns; i++)
		if (pg->conns[i].conn)
			PQfinish(pg->conns[i].conn);
	free(pg->conns);
	pthread_mutex_destroy(&pg->lock);
	pthread_cond_destroy(&pg->cond);
	if (pg->url)
		secure_wipe(pg->url, strlen(pg->url)); /* may hold a password */
	free(pg->url);
	free(pg);
}

static int pg_open(const char *url, int pool_size, struct store **out)
{
	if (!PQisthreadsafe())
		return store_error(STORE_UNAVAILABLE, "postgresql: libpq was built without thread support");
	struct pg_store *pg = xcalloc(1, sizeof *pg);
	pg->base.ops = &store_pg_ops;
	pg->url = xstrdup(url);
	pthread_mutex_init(&pg->lock, NULL);
	pthread_cond_init(&pg->cond, NULL);
	pg->conns = xcalloc((size_t)pool_size, sizeof *pg->conns);
	pg->nconns = pool_size;
	for (int i = 0; i < pool_size; i++) {
		pg->conns[i].conn = pg_connect(url);
		if (PQstatus(pg->conns[i].conn) != CONNECTION_OK) {
			int ret = connect_error(pg->conns[i].conn);
			pg_close(&pg->base);
			return ret;
		}
	}
	*out = &pg->base;
	return STORE_OK;
}

static int pg_ping(struct store *s)
{
	struct pg_store *pg = pg_of(s);
	PGresult *r;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_exec(c, "ping", "SELECT 1", 0, NULL, &r);
	if (!ret) {
		if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), "1"))
			ret = store_error(STORE_ERROR, "postgresql: ping: unexpected answer");
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

/* ---- migrations ---- */

/* One migration in its own transaction. The advisory lock is taken first and the
 * "already applied?" check made under it, so two processes migrating at once apply
 * each migration exactly once; CREATE TABLE IF NOT EXISTS alone is not safe against a
 * concurrent creator. */
static int pg_migrate_one(PGconn *c, const struct store_migration *m, int *applied)
{
	PGresult *r;
	int ret;
	if ((ret = pg_simple(c, "migrate: begin", "BEGIN")) ||
	    (ret = pg_simple(c, "migrate: lock", "SELECT pg_advisory_xact_lock(" LOCK_MIGRATE ")")) ||
	    (ret = pg_simple(c, "migrate: schema_migrations",
			     "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
			     "name text NOT NULL, applied_at bigint NOT NULL)")))
		return ret;
	const char *check[] = { I64(m->version) };
	if ((ret = pg_exec(c, "migrate: check", "SELECT 1 FROM schema_migrations WHERE version = $1", 1, check, &r)))
		return ret;
	bool done = PQntuples(r) > 0;
	PQclear(r);
	if (done)
		return pg_commit(c, "migrate: commit");

	/* Several statements: only the simple query protocol (PQexec) takes them. */
	r = PQexec(c, m->sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		ret = store_error(STORE_ERROR, "postgresql: migration %03d_%s failed: %.*s (SQLSTATE %s)", m->version,
				  m->name, msg ? first_line_len(msg) : 0, msg ? msg : "", state ? state : "none");
		PQclear(r);
		return ret;
	}
	PQclear(r);
	const char *rec[] = { I64(m->version), m->name, I64(now_seconds()) };
	if ((ret = pg_exec(c, "migrate: record",
			   "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", 3, rec,
			   NULL)))
		return ret;
	if ((ret = pg_commit(c, "migrate: commit")))
		return ret;
	(*applied)++;
	return STORE_OK;
}

static int pg_migrate(struct store *s, int *applied)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	*applied = 0;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	for (const struct store_migration *m = store_pg_migrations; m->sql; m++)
		if ((ret = pg_migrate_one(c, m, applied)))
			break;
	pg_put(pg, c); /* rolls back a migration that failed half-way */
	return ret;
}

static int pg_schema_version(struct store *s, int *version)
{
	struct pg_store *pg = pg_of(s);
	PGresult *r;
	int ret;
	*version = 0;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	if ((ret = pg_exec(c, "schema_version", "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL, &r)))
		goto out;
	bool exists = get_bool(r, 0, 0);
	PQclear(r);
	if (!exists)
		goto out;
	if ((ret = pg_exec(c, "schema_version", "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL,
			   &r)))
		goto out;
	int64_t v;
	if (!get_i64(r, 0, 0, &v) || v < 0 || v > INT32_MAX)
		ret = store_error(STORE_ERROR, "postgresql: schema_version: bad version");
	else
		*version = (int)v;
	PQclear(r);
out:
	pg_put(pg, c);
	return ret;
}

/* ---- backup ---- */

/* Appends value to a conninfo string in single quotes, escaping ' and \. */
static void add_conninfo_value(struct buf *b, const char *v)
{
	buf_addch(b, '\'');
	for (; *v; v++) {
		if (*v == '\'' || *v == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *v);
	}
	buf_addch(b, '\'');
}

/* pg_dump gets the connection as a keyword=value string in argv, without the password:
 * argv is visible to every user in ps, so the password travels in PGPASSWORD in the
 * child's environment instead. No shell is involved at any point. */
static int pg_backup(struct store *s, const char *path)
{
	struct pg_store *pg = pg_of(s);
	struct buf conninfo = BUF_INIT, tmp = BUF_INIT, pwenv = BUF_INIT;
	char *err = NULL;
	char **envp = NULL;
	int devnull = -1, ret = STORE_ERROR;

	PQconninfoOption *opts = PQconninfoParse(pg->url, &err);
	if (!opts) {
		ret = store_error(STORE_INVALID, "postgresql: backup: cannot parse the URL");
		PQfreemem(err);
		return ret;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (!strcmp(o->keyword, "password")) {
			buf_adds(&pwenv, "PGPASSWORD=");
			buf_adds(&pwenv, o->val);
			continue;
		}
		buf_addf(&conninfo, "%s=", o->keyword);
		add_conninfo_value(&conninfo, o->val);
		buf_addch(&conninfo, ' ');
	}
	PQconninfoFree(opts);

	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	envp = xcalloc(nenv + 2, sizeof *envp);
	size_t j = 0;
	for (size_t i = 0; i < nenv; i++)
		if (!pwenv.len || strncmp(environ[i], "PGPASSWORD=", 11))
			envp[j++] = environ[i];
	if (pwenv.len)
		envp[j++] = pwenv.data;
	envp[j] = NULL;

	if (store_mkdir_parents(path) < 0) {
		ret = store_error(STORE_ERROR, "postgresql: backup: cannot create the folder: %s", strerror(errno));
		goto out;
	}
	buf_addf(&tmp, "%s.partial-XXXXXX", path);
	int fd = mkstemp(tmp.data); /* private (0600): the dump holds personal data */
	if (fd < 0) {
		ret = store_error(STORE_ERROR, "postgresql: backup: cannot create a temporary file: %s", strerror(errno));
		buf_reset(&tmp);
		goto out;
	}
	close(fd);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	char *const argv[] = { "pg_dump", "--format=custom", "--no-password", "--file", tmp.data, "--dbname",
			       conninfo.data, NULL };
	pid_t pid = fork();
	if (pid < 0) {
		ret = store_error(STORE_ERROR, "postgresql: backup: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* The child only rearranges descriptors and execs: async-signal-safe calls only. */
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		execvpe("pg_dump", argv, envp);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = store_error(STORE_ERROR, "postgresql: backup: waitpid: %s", strerror(errno));
			goto out;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			ret = store_error(STORE_ERROR, "postgresql: backup: pg_dump not found in PATH");
		else
			ret = store_error(STORE_ERROR, "postgresql: backup: pg_dump failed (status %d)",
					  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	if (store_publish_file(tmp.data, path) < 0) {
		ret = store_error(errno == EEXIST ? STORE_CONFLICT : STORE_ERROR,
				  "postgresql: backup: cannot finish: %s", strerror(errno));
		goto out;
	}
	ret = STORE_OK;
out:
	if (devnull >= 0)
		close(devnull);
	if (tmp.len)
		unlink(tmp.data);
	free(envp);
	secure_wipe(pwenv.data, pwenv.len);
	buf_release(&pwenv);
	buf_release(&conninfo);
	buf_release(&tmp);
	return ret;
}

/* ---- organisations ---- */

#define ORG_COLS "id, name, created_at"

static bool read_org(const PGresult *r, int row, void *out)
{
	struct org *o = out;
	memset(o, 0, sizeof *o);
	return get_i64(r, row, 0, &o->id) && GET_TEXT(r, row, 1, o->name) && get_i64(r, row, 2, &o->created_at);
}

static int pg_org_create(struct store *s, struct org *o)
{
	const char *v[] = { o->name, I64(o->created_at) };
	return pg_write(pg_of(s), "org_create", "INSERT INTO orgs (name, created_at) VALUES ($1, $2) RETURNING id", 2,
			v, false, &o->id);
}

static int pg_org_get(struct store *s, int64_t id, struct org *out)
{
	const char *v[] = { I64(id) };
	return pg_one(pg_of(s), "org_get", "SELECT " ORG_COLS " FROM orgs WHERE id = $1", 1, v, read_org, out);
}

static int pg_org_get_by_name(struct store *s, const char *name, struct org *out)
{
	const char *v[] = { name };
	return pg_one(pg_of(s), "org_get_by_name", "SELECT " ORG_COLS " FROM orgs WHERE name = $1", 1, v, read_org,
		      out);
}

/* COLLATE "C" sorts by bytes, the same order as SQLite's BINARY. */
static int pg_org_list(struct store *s, struct org **out, size_t *n)
{
	return pg_many(pg_of(s), "org_list", "SELECT " ORG_COLS " FROM orgs ORDER BY name COLLATE \"C\", id", 0,
		       NULL, sizeof **out, read_org, (void **)out, n);
}

/* ---- users ---- */

#define USER_COLS "u.id, u.email, u.name, u.password_hash, u.lang, u.disabled, u.must_change_password, u.created_at"

static bool read_user(const PGresult *r, int row, int base, struct user *u)
{
	memset(u, 0, sizeof *u);
	u->disabled = get_bool(r, row, base + 5);
	u->must_change_password = get_bool(r, row, base + 6);
	return get_i64(r, row, base, &u->id) && GET_TEXT(r, row, base + 1, u->email) &&
	       GET_TEXT(r, row, base + 2, u->name) && GET_TEXT(r, row, base + 3, u->password_hash) &&
	       GET_TEXT(r, row, base + 4, u->lang) && get_i64(r, row, base + 7, &u->created_at);
}

static bool read_user_v(const PGresult *r, int row, void *out)
{
	return read_user(r, row, 0, out);
}

static int pg_user_create(struct store *s, struct user *u)
{
	const char *v[] = { u->email, u->name, u->password_hash, u->lang, BOOL(u->disabled),
			    BOOL(u->must_change_password), I64(u->created_at) };
	return pg_write(pg_of(s), "user_create",
			"INSERT INTO users (email, name, password_hash, lang, disabled, must_change_password, "
			"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			7, v, false, &u->id);
}

static int pg_user_get(struct store *s, int64_t id, struct user *out)
{
	const char *v[] = { I64(id) };
	return pg_one(pg_of(s), "user_get", "SELECT " USER_COLS " FROM users u WHERE u.id = $1", 1, v, read_user_v,
		      out);
}

static int pg_user_get_by_email(struct store *s, const char *email, struct user *out)
{
	const char *v[] = { email };
	return pg_one(pg_of(s), "user_get_by_email", "SELECT " USER_COLS " FROM users u WHERE u.email = $1", 1, v,
		      read_user_v, out);
}

static int pg_user_update(struct store *s, const struct user *u)
{
	const char *v[] = { I64(u->id), u->name, u->password_hash, u->lang, BOOL(u->disabled),
			    BOOL(u->must_change_password) };
	return pg_write(pg_of(s), "user_update",
			"UPDATE users SET name = $2, password_hash = $3, lang = $4, disabled = $5, "
			"must_change_password = $6 WHERE id = $1",
			6, v, true, NULL);
}

static int pg_scalar(PGconn *c, const char *what, const char *sql, int n, const char *const *vals, int64_t *out)
{
	PGresult *r;
	int ret = pg_exec(c, what, sql, n, vals, &r);
	if (ret)
		return ret;
	if (PQntuples(r) != 1 || !get_i64(r, 0, 0, out))
		ret = store_error(STORE_ERROR, "postgresql: %s: unexpected answer", what);
	PQclear(r);
	return ret;
}

static int pg_user_count(struct store *s, int64_t *n)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_scalar(c, "user_count", "SELECT count(*) FROM users", 0, NULL, n);
	pg_put(pg, c);
	return ret;
}

/* ---- memberships ---- */

#define MEMBERSHIP_COLS "m.user_id, m.org_id, m.role, m.disabled, o.name"

static bool read_membership(const PGresult *r, int row, int base, struct membership *m)
{
	memset(m, 0, sizeof *m);
	m->disabled = get_bool(r, row, base + 3);
	return get_i64(r, row, base, &m->user_id) && get_i64(r, row, base + 1, &m->org_id) &&
	       GET_TEXT(r, row, base + 2, m->role) && GET_TEXT(r, row, base + 4, m->org_name);
}

static bool read_membership_v(const PGresult *r, int row, void *out)
{
	return read_membership(r, row, 0, out);
}

static int pg_membership_set(struct store *s, const struct membership *m)
{
	const char *v[] = { I64(m->user_id), I64(m->org_id), m->role, BOOL(m->disabled) };
	return pg_write(pg_of(s), "membership_set",
			"INSERT INTO memberships (user_id, org_id, role, disabled) VALUES ($1, $2, $3, $4) "
			"ON CONFLICT (user_id, org_id) DO UPDATE SET role = excluded.role, disabled = excluded.disabled",
			4, v, false, NULL);
}

static int pg_membership_get(struct store *s, int64_t user_id, int64_t org_id, struct membership *out)
{
	const char *v[] = { I64(user_id), I64(org_id) };
	return pg_one(pg_of(s), "membership_get",
		      "SELECT " MEMBERSHIP_COLS " FROM memberships m JOIN orgs o ON o.id = m.org_id "
		      "WHERE m.user_id = $1 AND m.org_id = $2",
		      2, v, read_membership_v, out);
}

static int pg_memberships_of_user(struct store *s, int64_t user_id, struct membership **out, size_t *n)
{
	const char *v[] = { I64(user_id) };
	return pg_many(pg_of(s), "memberships_of_user",
		       "SELECT " MEMBERSHIP_COLS " FROM memberships m JOIN orgs o ON o.id = m.org_id "
		       "WHERE m.user_id = $1 ORDER BY o.name COLLATE \"C\", o.id",
		       1, v, sizeof **out, read_membership_v, (void **)out, n);
}

static bool read_user_row_org(const PGresult *r, int row, void *out)
{
	struct user_row *ur = out;
	return read_user(r, row, 0, &ur->user) && read_membership(r, row, 8, &ur->m);
}

static bool read_user_row_all(const PGresult *r, int row, void *out)
{
	struct user_row *ur = out;
	memset(&ur->m, 0, sizeof ur->m);
	if (!read_user(r, row, 0, &ur->user))
		return false;
	ur->m.user_id = ur->user.id;
	return true;
}

static int pg_user_list(struct store *s, int64_t org_id, int limit, int offset, struct user_row **out,
			size_t *n, int64_t *total)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	/* One snapshot for the count and the page. */
	if ((ret = pg_simple(c, "user_list: begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")))
		goto out;
	if (org_id) {
		const char *vc[] = { I64(org_id) };
		const char *vl[] = { I64(org_id), I64(limit), I64(offset) };
		if ((ret = pg_scalar(c, "user_list: count", "SELECT count(*) FROM memberships WHERE org_id = $1", 1, vc,
				     total)))
			goto out;
		ret = pg_collect(c, "user_list",
				 "SELECT " USER_COLS ", " MEMBERSHIP_COLS " FROM memberships m "
				 "JOIN users u ON u.id = m.user_id JOIN orgs o ON o.id = m.org_id "
				 "WHERE m.org_id = $1 ORDER BY u.email COLLATE \"C\" LIMIT $2 OFFSET $3",
				 3, vl, sizeof **out, read_user_row_org, (void **)out, n);
	} else {
		const char *vl[] = { I64(limit), I64(offset) };
		if ((ret = pg_scalar(c, "user_list: count", "SELECT count(*) FROM users", 0, NULL, total)))
			goto out;
		ret = pg_collect(c, "user_list",
				 "SELECT " USER_COLS " FROM users u ORDER BY u.email COLLATE \"C\" LIMIT $1 OFFSET $2", 2,
				 vl, sizeof **out, read_user_row_all, (void **)out, n);
	}
	if (!ret && (ret = pg_commit(c, "user_list: commit"))) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
out:
	pg_put(pg, c);
	return ret;
}

/* ---- sessions ---- */

static bool read_session(const PGresult *r, int row, void *out)
{
	struct session *se = out;
	memset(se, 0, sizeof *se);
	return GET_TEXT(r, row, 0, se->token_hash) && get_i64(r, row, 1, &se->user_id) &&
	       get_i64(r, row, 2, &se->org_id) && GET_TEXT(r, row, 3, se->csrf) &&
	       get_i64(r, row, 4, &se->created_at) && get_i64(r, row, 5, &se->last_seen) &&
	       get_i64(r, row, 6, &se->expires_at);
}

static int pg_session_create(struct store *s, const struct session *se)
{
	const char *v[] = { se->token_hash, I64(se->user_id), ID_OR_NULL(se->org_id), se->csrf,
			    I64(se->created_at), I64(se->last_seen), I64(se->expires_at) };
	return pg_write(pg_of(s), "session_create",
			"INSERT INTO sessions (token_hash, user_id, org_id, csrf, created_at, last_seen, expires_at) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7)",
			7, v, false, NULL);
}

static int pg_session_get(struct store *s, const char *token_hash, struct session *out)
{
	const char *v[] = { token_hash };
	return pg_one(pg_of(s), "session_get",
		      "SELECT token_hash, user_id, org_id, csrf, created_at, last_seen, expires_at FROM sessions "
		      "WHERE token_hash = $1",
		      1, v, read_session, out);
}

static int pg_session_touch(struct store *s, const char *token_hash, int64_t last_seen, int64_t expires_at)
{
	const char *v[] = { token_hash, I64(last_seen), I64(expires_at) };
	return pg_write(pg_of(s), "session_touch",
			"UPDATE sessions SET last_seen = $2, expires_at = $3 WHERE token_hash = $1", 3, v, true, NULL);
}

static int pg_session_set_org(struct store *s, const char *token_hash, int64_t org_id)
{
	const char *v[] = { token_hash, ID_OR_NULL(org_id) };
	return pg_write(pg_of(s), "session_set_org", "UPDATE sessions SET org_id = $2 WHERE token_hash = $1", 2, v,
			true, NULL);
}

static int pg_session_delete(struct store *s, const char *token_hash)
{
	const char *v[] = { token_hash };
	return pg_write(pg_of(s), "session_delete", "DELETE FROM sessions WHERE token_hash = $1", 1, v, true, NULL);
}

static int pg_session_delete_user(struct store *s, int64_t user_id)
{
	const char *v[] = { I64(user_id) };
	return pg_write(pg_of(s), "session_delete_user", "DELETE FROM sessions WHERE user_id = $1", 1, v, false,
			NULL);
}

static int pg_session_purge(struct store *s, int64_t now)
{
	const char *v[] = { I64(now) };
	return pg_write(pg_of(s), "session_purge", "DELETE FROM sessions WHERE expires_at <= $1", 1, v, false, NULL);
}

/* ---- API tokens ---- */

static bool read_token(const PGresult *r, int row, void *out)
{
	struct api_token *t = out;
	memset(t, 0, sizeof *t);
	t->revoked = get_bool(r, row, 6);
	return get_i64(r, row, 0, &t->id) && GET_TEXT(r, row, 1, t->token_hash) && get_i64(r, row, 2, &t->user_id) &&
	       get_i64(r, row, 3, &t->org_id) && GET_TEXT(r, row, 4, t->label) && get_i64(r, row, 5, &t->created_at);
}

static int pg_token_create(struct store *s, struct api_token *t)
{
	const char *v[] = { t->token_hash, I64(t->user_id), ID_OR_NULL(t->org_id), t->label, I64(t->created_at),
			    BOOL(t->revoked) };
	return pg_write(pg_of(s), "token_create",
			"INSERT INTO api_tokens (token_hash, user_id, org_id, label, created_at, revoked) "
			"VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			6, v, false, &t->id);
}

static int pg_token_get(struct store *s, const char *token_hash, struct api_token *out)
{
	const char *v[] = { token_hash };
	return pg_one(pg_of(s), "token_get",
		      "SELECT id, token_hash, user_id, org_id, label, created_at, revoked FROM api_tokens "
		      "WHERE token_hash = $1",
		      1, v, read_token, out);
}

/* ---- login throttling ---- */

static int pg_login_failure_add(struct store *s, const char *email, const char *addr, int64_t at)
{
	const char *v[] = { email, addr, I64(at) };
	return pg_write(pg_of(s), "login_failure_add",
			"INSERT INTO login_failures (email, addr, at) VALUES ($1, $2, $3)", 3, v, false, NULL);
}

static int pg_login_failure_count(struct store *s, const char *email, const char *addr, int64_t since,
				  int64_t *by_email, int64_t *by_addr)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { email, addr, I64(since) };
	PGresult *r;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_exec(c, "login_failure_count",
		      "SELECT (SELECT count(*) FROM login_failures WHERE email = $1 AND at >= $3), "
		      "(SELECT count(*) FROM login_failures WHERE addr = $2 AND at >= $3)",
		      3, v, &r);
	if (!ret) {
		if (PQntuples(r) != 1 || !get_i64(r, 0, 0, by_email) || !get_i64(r, 0, 1, by_addr))
			ret = store_error(STORE_ERROR, "postgresql: login_failure_count: unexpected answer");
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

static int pg_login_failure_clear(struct store *s, const char *email)
{
	const char *v[] = { email };
	return pg_write(pg_of(s), "login_failure_clear", "DELETE FROM login_failures WHERE email = $1", 1, v, false,
			NULL);
}

/* ---- audit log ---- */

#define AUDIT_COLS \
	"seq, at_ms, user_id, actor, org_id, action, object_type, object_id, addr, detail, prev_hash, hash"

static bool read_audit(const PGresult *r, int row, void *out)
{
	struct audit_entry *e = out;
	memset(e, 0, sizeof *e);
	return get_i64(r, row, 0, &e->seq) && get_i64(r, row, 1, &e->at_ms) && get_i64(r, row, 2, &e->user_id) &&
	       GET_TEXT(r, row, 3, e->actor) && get_i64(r, row, 4, &e->org_id) && GET_TEXT(r, row, 5, e->action) &&
	       GET_TEXT(r, row, 6, e->object_type) && GET_TEXT(r, row, 7, e->object_id) &&
	       GET_TEXT(r, row, 8, e->addr) && GET_TEXT(r, row, 9, e->detail) && GET_TEXT(r, row, 10, e->prev_hash) &&
	       GET_TEXT(r, row, 11, e->hash);
}

static int pg_audit_insert(PGconn *c, const struct audit_entry *e)
{
	const char *v[] = { I64(e->seq), I64(e->at_ms), I64(e->user_id), e->actor, I64(e->org_id), e->action,
			    e->object_type, e->object_id, e->addr, e->detail, e->prev_hash, e->hash };
	return pg_exec(c, "audit_append: insert",
		       "INSERT INTO audit_log (" AUDIT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
		       12, v, NULL);
}

/* The chain has one end, shared by every tolv process on this database: the advisory
 * lock is taken before the end is read and held until COMMIT. (Under READ COMMITTED
 * each statement sees what was committed before it started, so the read after the
 * lock sees the previous holder's entries.) */
static int pg_audit_append(struct store *s, struct audit_entry *entries, size_t n, audit_hash_fn hash)
{
	struct pg_store *pg = pg_of(s);
	PGresult *r;
	int ret;
	int64_t seq = 0;
	char prev[STORE_HEX_MAX];
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	if ((ret = pg_simple(c, "audit_append: begin", "BEGIN")) ||
	    (ret = pg_simple(c, "audit_append: lock", "SELECT pg_advisory_xact_lock(" LOCK_AUDIT ")")) ||
	    (ret = pg_exec(c, "audit_append: chain end", "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
			   0, NULL, &r)))
		goto out;
	if (PQntuples(r) == 0) {
		memset(prev, '0', 64);
		prev[64] = '\0';
	} else if (!get_i64(r, 0, 0, &seq) || !GET_TEXT(r, 0, 1, prev)) {
		ret = too_long("audit_append");
	}
	PQclear(r);
	if (ret)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct audit_entry *e = &entries[i];
		e->seq = ++seq;
		memcpy(e->prev_hash, prev, sizeof prev);
		e->hash[0] = '\0';
		hash(e);
		if (!memchr(e->hash, '\0', sizeof e->hash)) {
			ret = store_error(STORE_INVALID, "audit_append: the hash function left an unterminated hash");
			goto out;
		}
		if ((ret = pg_audit_insert(c, e)))
			goto out;
		memcpy(prev, e->hash, sizeof prev);
	}
	ret = pg_commit(c, "audit_append: commit");
out:
	pg_put(pg, c); /* rolls back if we stopped half-way */
	return ret;
}

static int pg_audit_list(struct store *s, const struct store_audit_query *q, struct audit_entry **out, size_t *n)
{
	const struct audit_filter *f = q->f;
	struct buf sql = BUF_INIT;
	const char *v[9];
	struct num nums[5];
	int i = 0;

	/* Only the conditions in use go into the SQL (so the planner sees what it can use);
	 * the text is built from constants and $n placeholders, every value is a parameter. */
	buf_adds(&sql, "SELECT " AUDIT_COLS " FROM audit_log WHERE true");
	if (f->org_id) {
		v[i] = num(&nums[0], f->org_id);
		buf_addf(&sql, " AND org_id = $%d", ++i);
	}
	if (q->actor_like[0]) {
		v[i] = q->actor_like;
		buf_addf(&sql, " AND actor ILIKE $%d ESCAPE '\\'", ++i);
	}
	if (q->action_like[0]) {
		v[i] = q->action_like;
		buf_addf(&sql, " AND action LIKE $%d ESCAPE '\\'", ++i);
	}
	if (f->object_type[0]) {
		v[i] = f->object_type;
		buf_addf(&sql, " AND object_type = $%d", ++i);
	}
	if (f->object_id[0]) {
		v[i] = f->object_id;
		buf_addf(&sql, " AND object_id = $%d", ++i);
	}
	if (f->from_ms) {
		v[i] = num(&nums[1], f->from_ms);
		buf_addf(&sql, " AND at_ms >= $%d", ++i);
	}
	if (f->to_ms) {
		v[i] = num(&nums[2], f->to_ms);
		buf_addf(&sql, " AND at_ms < $%d", ++i);
	}
	if (f->before_seq) {
		v[i] = num(&nums[3], f->before_seq);
		buf_addf(&sql, " AND seq < $%d", ++i);
	}
	v[i] = num(&nums[4], q->limit);
	buf_addf(&sql, " ORDER BY seq DESC LIMIT $%d", ++i);
	int ret = pg_many(pg_of(s), "audit_list", sql.data, i, v, sizeof **out, read_audit, (void **)out, n);
	buf_release(&sql);
	return ret;
}

static int pg_audit_page(struct store *s, int64_t after_seq, struct audit_entry *out, size_t max, size_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(after_seq), I64((int64_t)max) };
	PGresult *r;
	int ret;
	*n = 0;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_exec(c, "audit_each", "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", 2,
		      v, &r);
	if (!ret) {
		int rows = PQntuples(r);
		for (int i = 0; i < rows && (size_t)i < max; i++) {
			if (!read_audit(r, i, &out[i])) {
				ret = too_long("audit_each");
				break;
			}
			*n = (size_t)i + 1;
		}
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

static int pg_testing_exec(struct store *s, const char *sql)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
		ret = STORE_OK;
	else
		ret = pg_fail(c, r, "exec");
	PQclear(r);
	pg_put(pg, c);
	return ret;
}

int store_pg_testing_database(const char *url, const char *name, bool create)
{
	size_t len = strlen(name);
	if (!len || len > 63 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != len)
		return store_error(STORE_INVALID, "testing_pg_database: bad database name");
	PGconn *c = pg_connect(url);
	if (PQstatus(c) != CONNECTION_OK) {
		int ret = connect_error(c);
		PQfinish(c);
		return ret;
	}
	/* An identifier cannot be a parameter; the name was checked to be [a-z0-9_]. */
	struct buf sql = BUF_INIT;
	if (create)
		buf_addf(&sql, "CREATE DATABASE \"%s\"", name);
	else
		buf_addf(&sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
	PGresult *r = PQexec(c, sql.data);
	int ret = PQresultStatus(r) == PGRES_COMMAND_OK ? STORE_OK : pg_fail(c, r, "testing_pg_database");
	PQclear(r);
	PQfinish(c);
	buf_release(&sql);
	return ret;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.migrate = pg_migrate,
	.schema_version = pg_schema_version,
	.ping = pg_ping,
	.backup = pg_backup,
	.org_create = pg_org_create,
	.org_get = pg_org_get,
	.org_get_by_name = pg_org_get_by_name,
	.org_list = pg_org_list,
	.user_create = pg_user_create,
	.user_get = pg_user_get,
	.user_get_by_email = pg_user_get_by_email,
	.user_update = pg_user_update,
	.user_count = pg_user_count,
	.membership_set = pg_membership_set,
	.membership_get = pg_membership_get,
	.memberships_of_user = pg_memberships_of_user,
	.user_list = pg_user_list,
	.session_create = pg_session_create,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_set_org = pg_session_set_org,
	.session_delete = pg_session_delete,
	.session_delete_user = pg_session_delete_user,
	.session_purge = pg_session_purge,
	.token_create = pg_token_create,
	.token_get = pg_token_get,
	.login_failure_add = pg_login_failure_add,
	.login_failure_count = pg_login_failure_count,
	.login_failure_clear = pg_login_failure_clear,
	.audit_append = pg_audit_append,
	.audit_list = pg_audit_list,
	.audit_page = pg_audit_page,
	.testing_exec = pg_testing_exec,
};
