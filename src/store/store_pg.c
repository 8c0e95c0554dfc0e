/* store_pg.c: the PostgreSQL backend — a pool of libpq connections to one database.
 *
 * Connections: pool_size PGconns, checked out one per call under a mutex and handed
 * back with a condition variable, so request threads do not queue behind one socket.
 * A connection found broken on checkout (the server restarted, a network blip) is
 * PQreset; if that fails the call answers STORE_UNAVAILABLE and the next checkout tries
 * again. A connection is never handed back inside a transaction.
 *
 * Statements go with every value a parameter ($1, $2...), in text format; integers are
 * formatted by us, so nothing from a caller reaches SQL text. Each connection prepares
 * a statement the first time it runs it and then only executes it (see struct
 * pg_stmts): parsing and planning every call cost more than the queries themselves.
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
#include "core/date.h"
#include "core/util.h"

extern char **environ;

/* Advisory lock keys: arbitrary constants, the same in every tolv process. */
#define LOCK_MIGRATE "7716380241001"
#define LOCK_AUDIT "7716380241002"

/* The statements one connection has prepared, by their SQL text: an open-addressing
 * table that only grows until it is full (then statements run unprepared). SQL texts
 * are compared in full, so a statement built at run time is told apart from another
 * that happens to sit at the same address. Emptied when the connection is reset,
 * since the server forgets prepared statements with the session. */
#define PG_STMTS 512
struct pg_stmts {
	char *sql[PG_STMTS];
	int count;
};

struct pg_conn {
	PGconn *conn;
	bool busy;
	struct pg_stmts stmts;
};

/* The pool entry the calling thread has checked out (set by pg_get), so pg_exec can
 * find its statement cache without changing every caller's signature. */
static __thread struct pg_conn *tl_conn;

static void stmts_clear(struct pg_stmts *st)
{
	for (int i = 0; i < PG_STMTS; i++) {
		free(st->sql[i]);
		st->sql[i] = NULL;
	}
	st->count = 0;
}

struct pg_store {
	struct store base;
	char *url;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pg_conn *conns;
	int nconns;
	int next; /* round robin, so every connection is used and its health checked */
	/* The audit chain's end as this process last committed it, for audit_append's
	 * one-round-trip path (under lock). */
	bool audit_end_known;
	int64_t audit_end_seq;
	char audit_end_hash[STORE_HEX_MAX];
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
		stmts_clear(&pc->stmts);
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
	tl_conn = pc;
	return pc->conn;
}

static void pg_put(struct pg_store *pg, PGconn *c)
{
	tl_conn = NULL;
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
/* FNV-1a of the SQL text: the slot to start looking in. */
static unsigned sql_hash(const char *sql)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* The name sql is prepared under on this thread's connection ("s<slot>"), preparing it
 * first if needed; false if it cannot be (no cache for this connection, table full,
 * or the server refused it), in which case the caller runs it unprepared. */
static bool prepared_name(PGconn *c, const char *sql, int n, char name[16])
{
	struct pg_conn *pc = tl_conn;
	if (!pc || pc->conn != c)
		return false;
	/* A statement that failed to prepare inside a transaction would abort it. */
	if (PQtransactionStatus(c) == PQTRANS_INERROR)
		return false;
	unsigned slot = sql_hash(sql) % PG_STMTS;
	for (int k = 0; k < PG_STMTS; k++, slot = (slot + 1) % PG_STMTS) {
		if (!pc->stmts.sql[slot])
			break;
		if (!strcmp(pc->stmts.sql[slot], sql)) {
			snprintf(name, 16, "s%u", slot);
			return true;
		}
	}
	if (pc->stmts.sql[slot] || pc->stmts.count >= PG_STMTS * 3 / 4)
		return false;
	snprintf(name, 16, "s%u", slot);
	PGresult *r = PQprepare(c, name, sql, n, NULL);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok)
		return false;
	pc->stmts.sql[slot] = xstrdup(sql);
	pc->stmts.count++;
	return true;
}

static int pg_exec(PGconn *c, const char *what, const char *sql, int n, const char *const *vals, PGresult **out)
{
	char name[16];
	PGresult *r = prepared_name(c, sql, n, name) ? PQexecPrepared(c, name, n, vals, NULL, NULL, 0)
						     : PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
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
	for (int i = 0; i < pg->nconns; i++) {
		if (pg->conns[i].conn)
			PQfinish(pg->conns[i].conn);
		stmts_clear(&pg->conns[i].stmts);
	}
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

static bool read_principal(const PGresult *r, int row, void *out)
{
	struct session_principal *p = out;
	memset(p, 0, sizeof *p);
	if (!read_session(r, row, &p->se) || !read_user(r, row, 7, &p->user))
		return false;
	if (PQgetisnull(r, row, 15))
		return true;
	p->has_membership = true;
	return read_membership(r, row, 15, &p->m);
}

static int pg_session_principal(struct store *s, const char *token_hash, struct session_principal *out)
{
	const char *v[] = { token_hash };
	return pg_one(pg_of(s), "session_principal",
		      "SELECT s.token_hash, s.user_id, s.org_id, s.csrf, s.created_at, s.last_seen, s.expires_at, "
		      USER_COLS ", " MEMBERSHIP_COLS " FROM sessions s JOIN users u ON u.id = s.user_id "
		      "LEFT JOIN memberships m ON m.user_id = s.user_id AND m.org_id = s.org_id "
		      "LEFT JOIN orgs o ON o.id = m.org_id WHERE s.token_hash = $1",
		      1, v, read_principal, out);
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

/* Inserts k (1..AUDIT_CHUNK) chained entries with one multi-row INSERT: one round trip
 * instead of k. A page that lists 50 people writes 50 read entries, and under load the
 * writer commits hundreds at once, where a round trip each was the bottleneck. */
#define AUDIT_CHUNK 32
#define AUDIT_SUBJECT_ARRAYS 5
struct audit_insert {
	struct buf sql;
	const char *v[12 * AUDIT_CHUNK + AUDIT_SUBJECT_ARRAYS];
	struct num nums[4 * AUDIT_CHUNK];
	int n;
};

/* The INSERT of k (1..AUDIT_CHUNK) entries into ins (sql released by the caller).
 * subjects: NULL, or AUDIT_SUBJECT_ARRAYS bigint[] literals (seq, org_id, person_id, day,
 * user_id) of the listings' persons, inserted into audit_subjects and (a day's first
 * listing of a person by a user only) audit_seen by the same statement (data-modifying
 * WITHs; migration 017). */
static void pg_audit_insert_sql(struct audit_insert *ins, const struct audit_entry *es, size_t k,
				const char *const *subjects)
{
	struct buf sql = BUF_INIT;
	const char **v = ins->v;
	struct num *nums = ins->nums;
	buf_adds(&sql, subjects ? "WITH l AS (INSERT INTO audit_log (" AUDIT_COLS ") VALUES "
				: "INSERT INTO audit_log (" AUDIT_COLS ") VALUES ");
	int p = 0;
	for (size_t i = 0; i < k; i++) {
		const struct audit_entry *e = &es[i];
		v[p + 0] = num(&nums[4 * i + 0], e->seq);
		v[p + 1] = num(&nums[4 * i + 1], e->at_ms);
		v[p + 2] = num(&nums[4 * i + 2], e->user_id);
		v[p + 3] = e->actor;
		v[p + 4] = num(&nums[4 * i + 3], e->org_id);
		v[p + 5] = e->action;
		v[p + 6] = e->object_type;
		v[p + 7] = e->object_id;
		v[p + 8] = e->addr;
		v[p + 9] = e->detail;
		v[p + 10] = e->prev_hash;
		v[p + 11] = e->hash;
		buf_adds(&sql, i ? ", (" : "(");
		for (int j = 0; j < 12; j++)
			buf_addf(&sql, j ? ", $%d" : "$%d", p + j + 1);
		buf_addch(&sql, ')');
		p += 12;
	}
	if (subjects) {
		buf_addf(&sql,
			 "), s AS (INSERT INTO audit_subjects (seq, org_id, person_id) "
			 "SELECT * FROM unnest($%d::bigint[], $%d::bigint[], $%d::bigint[])) "
			 "INSERT INTO audit_seen (person_id, day, user_id, org_id) SELECT DISTINCT * FROM "
			 "unnest($%d::bigint[], $%d::bigint[], $%d::bigint[], $%d::bigint[]) ON CONFLICT DO NOTHING",
			 p + 1, p + 2, p + 3, p + 3, p + 4, p + 5, p + 2);
		for (int j = 0; j < AUDIT_SUBJECT_ARRAYS; j++)
			v[p++] = subjects[j];
	}
	ins->sql = sql;
	ins->n = p;
}

static int pg_audit_insert_many(PGconn *c, const struct audit_entry *es, size_t k, const char *const *subjects)
{
	struct audit_insert *ins = xmalloc(sizeof *ins);
	pg_audit_insert_sql(ins, es, k, subjects);
	int ret = pg_exec(c, "audit_append: insert", ins->sql.data, ins->n, ins->v, NULL);
	buf_release(&ins->sql);
	free(ins);
	return ret;
}

/* The subjects of the listings in es[0..n) (seqs set) as AUDIT_SUBJECT_ARRAYS bigint[]
 * literals into a[]: seq, org_id, person_id, day (at_ms / 86400000), user_id; false if
 * there are none. */
static bool pg_audit_subject_arrays(const struct audit_entry *es, size_t n, struct buf a[AUDIT_SUBJECT_ARRAYS])
{
	size_t rows = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < es[i].nsubjects; k++, rows++) {
			const char *sep = rows ? "," : "{";
			buf_addf(&a[0], "%s%" PRId64, sep, es[i].seq);
			buf_addf(&a[1], "%s%" PRId64, sep, es[i].org_id);
			buf_addf(&a[2], "%s%" PRId64, sep, es[i].subjects[k]);
			buf_addf(&a[3], "%s%" PRId64, sep, es[i].at_ms / 86400000);
			buf_addf(&a[4], "%s%" PRId64, sep, es[i].user_id);
		}
	for (int j = 0; rows && j < AUDIT_SUBJECT_ARRAYS; j++)
		buf_addch(&a[j], '}');
	return rows > 0;
}

/* Gives entries[0..n) their seq and prev_hash after (seq, prev) and hashes them. */
static int pg_audit_chain(struct audit_entry *entries, size_t n, int64_t seq, const char *prev_hash,
			  audit_hash_fn hash)
{
	char prev[STORE_HEX_MAX];
	memcpy(prev, prev_hash, sizeof prev);
	for (size_t i = 0; i < n; i++) {
		struct audit_entry *e = &entries[i];
		e->seq = ++seq;
		memcpy(e->prev_hash, prev, sizeof prev);
		e->hash[0] = '\0';
		hash(e);
		if (!memchr(e->hash, '\0', sizeof e->hash))
			return store_error(STORE_INVALID, "audit_append: the hash function left an unterminated hash");
		memcpy(prev, e->hash, sizeof prev);
	}
	return STORE_OK;
}

/* The chain has one end, shared by every tolv process on this database: the advisory
 * lock is taken before the end is read and held until COMMIT. (Under READ COMMITTED
 * each statement sees what was committed before it started, so the read after the
 * lock sees the previous holder's entries.) Three round trips: BEGIN, the lock and the
 * chain's end in one simple query; the entries and their subjects in one INSERT per 32
 * entries (the last one with the subjects); COMMIT. */
static int pg_audit_append_locked(PGconn *c, struct audit_entry *entries, size_t n, audit_hash_fn hash)
{
	int ret = STORE_OK;
	int64_t seq = 0;
	char prev[STORE_HEX_MAX];
	struct buf subj[AUDIT_SUBJECT_ARRAYS] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	const char *subjects[AUDIT_SUBJECT_ARRAYS] = { NULL };
	/* A simple query of three statements: the result is the last one's. */
	PGresult *r = PQexec(c, "BEGIN; SELECT pg_advisory_xact_lock(" LOCK_AUDIT "); "
				"SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		ret = pg_fail(c, r, "audit_append: chain end");
	} else if (PQntuples(r) == 0) {
		memset(prev, '0', 64);
		prev[64] = '\0';
	} else if (!get_i64(r, 0, 0, &seq) || !GET_TEXT(r, 0, 1, prev)) {
		ret = too_long("audit_append");
	}
	PQclear(r);
	if (!ret)
		ret = pg_audit_chain(entries, n, seq, prev, hash);
	if (!ret && pg_audit_subject_arrays(entries, n, subj))
		for (int j = 0; j < AUDIT_SUBJECT_ARRAYS; j++)
			subjects[j] = subj[j].data;
	for (size_t done = 0; !ret && done < n;) {
		size_t k = n - done < AUDIT_CHUNK ? n - done : AUDIT_CHUNK;
		ret = pg_audit_insert_many(c, &entries[done], k, done + k == n && subjects[0] ? subjects : NULL);
		done += k;
	}
	if (!ret)
		ret = pg_commit(c, "audit_append: commit");
	for (int j = 0; j < AUDIT_SUBJECT_ARRAYS; j++)
		buf_release(&subj[j]);
	return ret;
}

/* One round trip: when this process made the chain's end (pg->audit_end_*), the entries
 * are chained onto it and BEGIN, the lock, the INSERTs and COMMIT go out as one pipeline.
 * Every request waits for its batch, so this is on every request's path. Had another
 * process appended meanwhile, the first INSERT's seq is taken (the primary key refuses
 * it): *stale is set, nothing is stored, and the caller goes the locked way. */
static int pg_audit_append_pipelined(PGconn *c, struct audit_entry *entries, size_t n, bool *stale)
{
	size_t nchunks = (n + AUDIT_CHUNK - 1) / AUDIT_CHUNK, nq = nchunks + 3;
	struct audit_insert *ins = xcalloc(nchunks, sizeof *ins);
	const char **sql = xcalloc(nq, sizeof *sql);
	const char *const **vals = xcalloc(nq, sizeof *vals);
	int *np = xcalloc(nq, sizeof *np);
	char (*names)[16] = xcalloc(nq, sizeof *names);
	bool *named = xcalloc(nq, sizeof *named);
	struct buf subj[AUDIT_SUBJECT_ARRAYS] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	const char *subjects[AUDIT_SUBJECT_ARRAYS] = { NULL };
	int ret = STORE_OK;
	*stale = false;

	if (pg_audit_subject_arrays(entries, n, subj))
		for (int j = 0; j < AUDIT_SUBJECT_ARRAYS; j++)
			subjects[j] = subj[j].data;
	sql[0] = "BEGIN";
	sql[1] = "SELECT pg_advisory_xact_lock(" LOCK_AUDIT ")";
	for (size_t i = 0, done = 0; i < nchunks; i++) {
		size_t k = n - done < AUDIT_CHUNK ? n - done : AUDIT_CHUNK;
		pg_audit_insert_sql(&ins[i], &entries[done], k, done + k == n && subjects[0] ? subjects : NULL);
		sql[2 + i] = ins[i].sql.data;
		vals[2 + i] = ins[i].v;
		np[2 + i] = ins[i].n;
		done += k;
	}
	sql[nq - 1] = "COMMIT";
	/* Statements are prepared (once per connection) before the pipeline starts. */
	for (size_t i = 0; i < nq; i++)
		named[i] = prepared_name(c, sql[i], np[i], names[i]);
	if (!PQenterPipelineMode(c)) {
		ret = pg_fail(c, NULL, "audit_append: pipeline");
		goto out;
	}
	bool sent = true;
	for (size_t i = 0; i < nq && sent; i++)
		sent = named[i] ? PQsendQueryPrepared(c, names[i], np[i], vals[i], NULL, NULL, 0)
				: PQsendQueryParams(c, sql[i], np[i], NULL, vals[i], NULL, NULL, 0);
	if (!sent || !PQpipelineSync(c))
		ret = pg_fail(c, NULL, "audit_append: send");
	/* Each statement's results end with NULL; the pipeline's end is PGRES_PIPELINE_SYNC. */
	bool synced = false;
	for (size_t i = 0; sent && i <= nq && !synced; i++) {
		PGresult *r;
		int nulls = 0;
		while (!synced && nulls == 0) {
			if (!(r = PQgetResult(c))) {
				nulls++;
				break;
			}
			ExecStatusType st = PQresultStatus(r);
			if (st == PGRES_PIPELINE_SYNC) {
				synced = true;
			} else if (st == PGRES_FATAL_ERROR && !ret) {
				const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
				*stale = state && !strcmp(state, "23505") && i >= 2 && i < nq - 1;
				ret = pg_fail(c, r, "audit_append");
			} else if (st == PGRES_PIPELINE_ABORTED && !ret) {
				ret = store_error(STORE_ERROR, "postgresql: audit_append: the pipeline was aborted");
			} else if (i == nq - 1 && st == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") && !ret) {
				ret = store_error(STORE_ERROR, "postgresql: audit_append: the transaction was rolled back");
			}
			PQclear(r);
		}
		if (PQstatus(c) != CONNECTION_OK)
			break;
	}
	if (!synced && !ret)
		ret = pg_fail(c, NULL, "audit_append: pipeline");
	if (!PQexitPipelineMode(c)) {
		/* Results are still pending (a broken connection): start afresh. */
		if (tl_conn && tl_conn->conn == c)
			stmts_clear(&tl_conn->stmts);
		PQreset(c);
		if (!ret)
			ret = store_error(STORE_UNAVAILABLE, "postgresql: audit_append: connection reset");
	}
out:
	for (size_t i = 0; i < nchunks; i++)
		buf_release(&ins[i].sql);
	for (int j = 0; j < AUDIT_SUBJECT_ARRAYS; j++)
		buf_release(&subj[j]);
	free(ins);
	free(sql);
	free(vals);
	free(np);
	free(names);
	free(named);
	return ret;
}

static int pg_audit_append(struct store *s, struct audit_entry *entries, size_t n, audit_hash_fn hash)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	pthread_mutex_lock(&pg->lock);
	bool known = pg->audit_end_known;
	int64_t seq = pg->audit_end_seq;
	char prev[STORE_HEX_MAX];
	memcpy(prev, pg->audit_end_hash, sizeof prev);
	pthread_mutex_unlock(&pg->lock);

	bool stale = !known;
	if (known) {
		ret = pg_audit_chain(entries, n, seq, prev, hash);
		if (!ret)
			ret = pg_audit_append_pipelined(c, entries, n, &stale);
	}
	if (stale) {
		/* The locked way: after ROLLBACK of the refused pipeline's transaction. */
		PGTransactionStatusType ts = PQtransactionStatus(c);
		if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
			PQclear(PQexec(c, "ROLLBACK"));
		ret = pg_audit_append_locked(c, entries, n, hash);
	}
	pthread_mutex_lock(&pg->lock);
	if (ret) {
		pg->audit_end_known = false;
	} else if (!pg->audit_end_known || entries[n - 1].seq > pg->audit_end_seq) {
		pg->audit_end_known = true;
		pg->audit_end_seq = entries[n - 1].seq;
		memcpy(pg->audit_end_hash, entries[n - 1].hash, sizeof pg->audit_end_hash);
	}
	pthread_mutex_unlock(&pg->lock);
	pg_put(pg, c); /* rolls back if we stopped half-way */
	return ret;
}

static int pg_audit_list(struct store *s, const struct store_audit_query *q, struct audit_entry **out, size_t *n)
{
	const struct audit_filter *f = q->f;
	struct buf sql = BUF_INIT;
	const char *v[10];
	struct num nums[6];
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
	if (f->object_id[0] && q->subject_id) {
		/* The entries about the person, and the listings that name the person (org_id,
		 * when filtered on, is $1). Each side is one index range. */
		v[i] = f->object_id;
		v[i + 1] = num(&nums[5], q->subject_id);
		/* The listings: the days and users of audit_seen, that user's entries of the
		 * day (audit_log_user), those whose subjects hold the person (migration 017). */
		buf_addf(&sql,
			 " AND seq IN (SELECT seq FROM audit_log WHERE object_id = $%d UNION ALL "
			 "SELECT l2.seq FROM audit_seen d JOIN audit_log l2 ON l2.org_id = d.org_id "
			 "AND l2.user_id = d.user_id AND l2.at_ms >= d.day * 86400000 "
			 "AND l2.at_ms < d.day * 86400000 + 86400000 WHERE %sd.person_id = $%d "
			 "AND EXISTS (SELECT 1 FROM audit_subjects s WHERE s.seq = l2.seq AND s.person_id = d.person_id))",
			 i + 1, f->org_id ? "d.org_id = $1 AND " : "", i + 2);
		i += 2;
	} else if (f->object_id[0]) {
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

static bool read_audit_subject(const PGresult *r, int row, void *out)
{
	struct store_audit_subject *a = out;
	return get_i64(r, row, 0, &a->seq) && get_i64(r, row, 1, &a->org_id) && get_i64(r, row, 2, &a->person_id);
}

static int pg_audit_subjects(struct store *s, const int64_t *seqs, size_t n, struct store_audit_subject **out,
			     size_t *nout)
{
	struct buf arr = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&arr, "%s%" PRId64, i ? "," : "{", seqs[i]);
	buf_addch(&arr, '}');
	const char *v[] = { arr.data };
	int ret = pg_many(pg_of(s), "audit_subjects",
			  "SELECT seq, org_id, person_id FROM audit_subjects WHERE seq = ANY ($1::bigint[]) "
			  "ORDER BY seq, person_id",
			  1, v, sizeof **out, read_audit_subject, (void **)out, nout);
	buf_release(&arr);
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

/* ======================================================================================
 * The person's path through a programme (store.h, issue 3).
 *
 * Rows are read through the column maps of backend.h. Multi-row writes are one
 * transaction (READ COMMITTED); where a decision rests on a read — a group's capacity, a
 * self-referral still "new", a roster being saved — the row it rests on is locked FOR
 * UPDATE first, so concurrent callers queue behind it instead of both deciding on the
 * same snapshot. Optimistic checks (expected status, expected version) are the WHERE of
 * the UPDATE itself, which PostgreSQL re-evaluates against the latest row version.
 * ====================================================================================== */

#define DAY_OR_NULL(v) ((v) == DATE_NONE ? NULL : I64(v))
#define PHASE_OR_NULL(v) ((v) < 0 ? NULL : I64(v))
#define TEXT_OR_NULL(v) ((v)[0] ? (v) : NULL)
#define NVALS(arr) ((int)(sizeof(arr) / sizeof((arr)[0])))

/* Reads the columns of map m from column base on into the struct at out (not zeroed). */
static bool pg_read_map(const PGresult *r, int row, int base, const struct store_cols *m, void *out)
{
	char *o = out;
	for (int k = 0; k < m->n; k++) {
		const struct store_col *c = &m->col[k];
		int col = base + k;
		bool null = PQgetisnull(r, row, col);
		int64_t v = 0;
		if (c->type != SCOL_TEXT && c->type != SCOL_BOOL && !null && !get_i64(r, row, col, &v))
			return false;
		switch (c->type) {
		case SCOL_I64:
			memcpy(o + c->off, &v, sizeof v);
			break;
		case SCOL_INT:
		case SCOL_PHASE: {
			int x = null && c->type == SCOL_PHASE ? -1 : (int)v;
			memcpy(o + c->off, &x, sizeof x);
			break;
		}
		case SCOL_UINT: {
			unsigned x = (unsigned)v;
			memcpy(o + c->off, &x, sizeof x);
			break;
		}
		case SCOL_DAY: {
			int32_t x = null ? DATE_NONE : (int32_t)v;
			memcpy(o + c->off, &x, sizeof x);
			break;
		}
		case SCOL_BOOL: {
			/* A boolean column says t/f; a computed flag may be an integer. */
			const char *t = PQgetvalue(r, row, col);
			bool x = !null && (t[0] == 't' || t[0] == '1');
			memcpy(o + c->off, &x, sizeof x);
			break;
		}
		case SCOL_TEXT:
			if (null)
				o[c->off] = '\0';
			else if (!get_text(r, row, col, o + c->off, c->size))
				return false;
			break;
		}
	}
	return true;
}

/* Runs a write on c; *changes (may be NULL) gets the rows it touched, *id (may be NULL)
 * the first column of its first row (RETURNING id) when it returned one. */
static int pg_w(PGconn *c, const char *what, const char *sql, int n, const char *const *vals, int *changes,
		int64_t *id)
{
	PGresult *r;
	int ret = pg_exec(c, what, sql, n, vals, &r);
	if (ret)
		return ret;
	if (changes) {
		int64_t k = 0;
		if (parse_int64(PQcmdTuples(r), 0, INT32_MAX, &k))
			k = 0; /* "" for commands that count nothing */
		*changes = (int)k;
	}
	if (id && PQntuples(r) > 0 && !get_i64(r, 0, 0, id))
		ret = store_error(STORE_ERROR, "postgresql: %s: bad id returned", what);
	PQclear(r);
	return ret;
}

/* One row through map m into out (zeroed first); NOTFOUND if none. */
static int pg_r(PGconn *c, const char *what, const char *sql, int n, const char *const *vals,
		const struct store_cols *m, void *out, size_t elem)
{
	PGresult *r;
	int ret = pg_exec(c, what, sql, n, vals, &r);
	if (ret)
		return ret;
	if (PQntuples(r) == 0) {
		ret = store_error(STORE_NOTFOUND, "%s: not found", what);
	} else {
		memset(out, 0, elem);
		if (!pg_read_map(r, 0, 0, m, out))
			ret = too_long(what);
	}
	PQclear(r);
	return ret;
}

/* The first column of the first row as an integer; NOTFOUND if there is no row. */
static int pg_i(PGconn *c, const char *what, const char *sql, int n, const char *const *vals, int64_t *out)
{
	PGresult *r;
	int ret = pg_exec(c, what, sql, n, vals, &r);
	if (ret)
		return ret;
	if (PQntuples(r) == 0)
		ret = store_error(STORE_NOTFOUND, "%s: not found", what);
	else if (!get_i64(r, 0, 0, out))
		ret = store_error(STORE_ERROR, "postgresql: %s: unexpected answer", what);
	PQclear(r);
	return ret;
}

/* Every row through map m (and extra, may be NULL) into a new array of elem-sized items. */
static int pg_rows(PGconn *c, const char *what, const char *sql, int n, const char *const *vals,
		   const struct store_cols *m, size_t elem, void **out, size_t *nout,
		   bool (*extra)(const PGresult *r, int row, void *item))
{
	PGresult *r;
	*out = NULL;
	*nout = 0;
	int ret = pg_exec(c, what, sql, n, vals, &r);
	if (ret)
		return ret;
	int rows = PQntuples(r);
	char *arr = rows ? xcalloc((size_t)rows, elem) : NULL;
	for (int i = 0; i < rows; i++) {
		char *item = arr + (size_t)i * elem;
		if (!pg_read_map(r, i, 0, m, item) || (extra && !extra(r, i, item))) {
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

static int pg_read1(struct store *s, const char *what, const char *sql, int n, const char *const *vals,
		    const struct store_cols *m, void *out, size_t elem)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_r(c, what, sql, n, vals, m, out, elem);
	pg_put(pg, c);
	return ret;
}

static int pg_list1(struct store *s, const char *what, const char *sql, int n, const char *const *vals,
		    const struct store_cols *m, size_t elem, void **out, size_t *nout)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_rows(c, what, sql, n, vals, m, elem, out, nout, NULL);
	pg_put(pg, c);
	return ret;
}

static int pg_int1(struct store *s, const char *what, const char *sql, int n, const char *const *vals,
		   int64_t *out)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_i(c, what, sql, n, vals, out);
	pg_put(pg, c);
	return ret;
}

/* Transactions: pg_begin answers a connection inside BEGIN (or NULL with *ret set);
 * pg_end commits if ret is OK and hands the connection back (rolling back otherwise). */
static PGconn *pg_begin(struct pg_store *pg, int *ret, const char *what, const char *begin)
{
	PGconn *c = pg_get(pg, ret);
	if (!c)
		return NULL;
	*ret = pg_simple(c, what, begin);
	return c;
}

#define PG_WRITE "BEGIN"
#define PG_SNAPSHOT "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

static int pg_end(struct pg_store *pg, PGconn *c, int ret, const char *what)
{
	if (!c)
		return ret;
	if (!ret)
		ret = pg_commit(c, what);
	pg_put(pg, c);
	return ret;
}

/* ---- programmes ---- */

#define PG_PHASE_UPSERT                                                                            \
	"INSERT INTO programme_phases (org_id, programme_id, idx, key, label, target_days, min_days_per_week, " \
	"min_hours_per_day, max_hours_per_day, min_months, max_months, sessions_per_week, session_minutes) " \
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "                           \
	"ON CONFLICT (org_id, programme_id, idx) DO UPDATE SET key = excluded.key, label = excluded.label, " \
	"target_days = excluded.target_days, min_days_per_week = excluded.min_days_per_week, "        \
	"min_hours_per_day = excluded.min_hours_per_day, max_hours_per_day = excluded.max_hours_per_day, " \
	"min_months = excluded.min_months, max_months = excluded.max_months, "                        \
	"sessions_per_week = excluded.sessions_per_week, session_minutes = excluded.session_minutes"

static int pg_phases_write(PGconn *c, int64_t org_id, const struct programme *p)
{
	int ret = STORE_OK;
	for (int i = 0; i < p->nphases && !ret; i++) {
		const struct programme_phase *ph = &p->phases[i];
		const char *v[] = { I64(org_id), I64(p->id), I64(i), ph->key, ph->label, I64(ph->target_days),
				    I64(ph->min_days_per_week), I64(ph->min_hours_per_day),
				    I64(ph->max_hours_per_day), I64(ph->min_months), I64(ph->max_months),
				    I64(ph->sessions_per_week), I64(ph->session_minutes) };
		ret = pg_w(c, "programme: phase", PG_PHASE_UPSERT, NVALS(v), v, NULL, NULL);
	}
	return ret;
}

static int pg_seed(PGconn *c, int64_t org_id, int *added)
{
	int ret = STORE_OK;
	*added = 0;
	for (size_t i = 0; i < store_default_nsources && !ret; i++) {
		const struct referral_source *d = &store_default_sources[i];
		const char *v[] = { I64(org_id), d->key, d->label, I64(d->position) };
		int ch = 0;
		ret = pg_w(c, "referral_sources_seed",
			   "INSERT INTO referral_sources (org_id, key, label, active, sort_order) "
			   "VALUES ($1, $2, $3, true, $4) ON CONFLICT (org_id, key) DO NOTHING",
			   NVALS(v), v, &ch, NULL);
		*added += ch;
	}
	return ret;
}

static int pg_programme_create(struct store *s, int64_t org_id, struct programme *p)
{
	struct pg_store *pg = pg_of(s);
	int ret, added;
	PGconn *c = pg_begin(pg, &ret, "programme_create: begin", PG_WRITE);
	if (!ret) {
		const char *v[] = { I64(org_id), p->name, p->template_key, I64(p->min_steps), BOOL(p->active),
				    I64(p->created_at), I64(p->updated_at) };
		ret = pg_w(c, "programme_create",
			   "INSERT INTO programmes (org_id, name, template_key, min_steps, active, created_at, "
			   "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			   NVALS(v), v, NULL, &p->id);
	}
	if (!ret)
		ret = pg_phases_write(c, org_id, p);
	if (!ret)
		ret = pg_seed(c, org_id, &added);
	return pg_end(pg, c, ret, "programme_create: commit");
}

/* One statement (its own snapshot): the programme joined with its phases, so that the
 * most frequent read of a page needs no BEGIN and COMMIT round trips. */
static int pg_programme_get(struct store *s, int64_t org_id, int64_t id, struct programme *out)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id) };
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	PGresult *r;
	ret = pg_exec(c, "programme_get",
		      "SELECT " STORE_PROGRAMME_COLS ", " STORE_PHASE_COLS " FROM programmes p "
		      "LEFT JOIN programme_phases ph ON ph.org_id = p.org_id AND ph.programme_id = p.id "
		      "WHERE p.org_id = $1 AND p.id = $2 ORDER BY ph.idx",
		      NVALS(v), v, &r);
	if (!ret) {
		int rows = PQntuples(r), base = store_programme_map.n;
		if (rows == 0) {
			ret = store_error(STORE_NOTFOUND, "programme_get: no such programme");
		} else {
			memset(out, 0, sizeof *out);
			if (!pg_read_map(r, 0, 0, &store_programme_map, out))
				ret = too_long("programme_get");
			for (int row = 0; !ret && row < rows; row++) {
				if (PQgetisnull(r, row, base)) /* no phases: the LEFT JOIN's one empty row */
					continue;
				if (out->nphases >= STORE_PHASES_MAX)
					break;
				struct programme_phase *ph = &out->phases[out->nphases++];
				memset(ph, 0, sizeof *ph);
				if (!pg_read_map(r, row, base, &store_phase_map, ph))
					ret = too_long("programme_get: phases");
			}
		}
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

/* The programmes with their phases in one statement (one row per phase; a programme
 * without phases is the LEFT JOIN's one row with NULL phase columns): one round trip,
 * and one snapshot without BEGIN and COMMIT. With closed (store_programme_list_closed),
 * each row also carries its programme's closed days in [from, to] as "d1,d2,…". */
static int pg_programmes_read(struct store *s, int64_t org_id, bool include_inactive, bool with_closed, int32_t from,
			      int32_t to, struct programme **out, size_t *n, struct programme_day **closed,
			      size_t *nclosed)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), BOOL(include_inactive), I64(from), I64(to) };
	int ret;
	*out = NULL;
	*n = 0;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	PGresult *r;
	ret = with_closed ? pg_exec(c, "programme_list_closed",
				    "SELECT " STORE_PROGRAMME_COLS ", " STORE_PHASE_COLS ", (SELECT string_agg(d.day::text, "
				    "',' ORDER BY d.day) FROM programme_closed_dates d WHERE d.org_id = p.org_id "
				    "AND d.programme_id = p.id AND d.day >= $3 AND d.day <= $4) FROM programmes p "
				    "LEFT JOIN programme_phases ph ON ph.org_id = p.org_id AND ph.programme_id = p.id "
				    "WHERE p.org_id = $1 AND ($2 OR p.active) ORDER BY p.name COLLATE \"C\", p.id, ph.idx",
				    4, v, &r)
			  : pg_exec(c, "programme_list",
				    "SELECT " STORE_PROGRAMME_COLS ", " STORE_PHASE_COLS " FROM programmes p "
				    "LEFT JOIN programme_phases ph ON ph.org_id = p.org_id AND ph.programme_id = p.id "
				    "WHERE p.org_id = $1 AND ($2 OR p.active) ORDER BY p.name COLLATE \"C\", p.id, ph.idx",
				    2, v, &r);
	if (!ret) {
		int rows = PQntuples(r), base = store_programme_map.n, dcol = base + store_phase_map.n;
		struct programme *list = rows ? xcalloc((size_t)rows, sizeof *list) : NULL;
		struct programme_day *days = NULL;
		size_t count = 0, ndays = 0, cap = 0;
		int64_t last = 0;
		for (int row = 0; !ret && row < rows; row++) {
			int64_t id;
			if (!get_i64(r, row, 0, &id)) {
				ret = too_long("programme_list");
				break;
			}
			if (!count || id != last) {
				if (!pg_read_map(r, row, 0, &store_programme_map, &list[count])) {
					ret = too_long("programme_list");
					break;
				}
				count++;
				last = id;
				/* The closed days, once per programme. */
				const char *d = with_closed && !PQgetisnull(r, row, dcol) ? PQgetvalue(r, row, dcol) : "";
				while (*d) {
					char *end;
					long day = strtol(d, &end, 10);
					if (end == d || (*end && *end != ',')) {
						ret = too_long("programme_list_closed: closed days");
						break;
					}
					if (ndays == cap) {
						cap = cap ? 2 * cap : 16;
						days = xrealloc(days, cap * sizeof *days);
					}
					days[ndays++] = (struct programme_day){ .programme_id = id, .day = (int32_t)day };
					d = *end ? end + 1 : end;
				}
			}
			struct programme *p = &list[count - 1];
			if (ret || PQgetisnull(r, row, base) || p->nphases >= STORE_PHASES_MAX)
				continue;
			struct programme_phase *ph = &p->phases[p->nphases++];
			if (!pg_read_map(r, row, base, &store_phase_map, ph))
				ret = too_long("programme_list: phases");
		}
		PQclear(r);
		if (ret) {
			free(list);
			free(days);
		} else {
			*out = list;
			*n = count;
			if (closed) {
				*closed = days;
				*nclosed = ndays;
			} else {
				free(days);
			}
		}
	}
	pg_put(pg, c);
	return ret;
}

static int pg_programme_list(struct store *s, int64_t org_id, bool include_inactive, struct programme **out,
			     size_t *n)
{
	return pg_programmes_read(s, org_id, include_inactive, false, 0, 0, out, n, NULL, NULL);
}

static int pg_programme_list_closed(struct store *s, int64_t org_id, bool include_inactive, int32_t from, int32_t to,
				    struct programme **out, size_t *n, struct programme_day **closed, size_t *nclosed)
{
	return pg_programmes_read(s, org_id, include_inactive, true, from, to, out, n, closed, nclosed);
}

static int pg_programme_update(struct store *s, int64_t org_id, struct programme *p)
{
	struct pg_store *pg = pg_of(s);
	int ret, changes = 0;
	int64_t used = 0;
	const char *vt[] = { I64(org_id), I64(p->id), I64(p->nphases) };
	PGconn *c = pg_begin(pg, &ret, "programme_update: begin", PG_WRITE);
	if (!ret) {
		const char *v[] = { I64(org_id), I64(p->id), p->name, p->template_key, I64(p->min_steps),
				    BOOL(p->active), I64(p->updated_at) };
		ret = pg_w(c, "programme_update",
			   "UPDATE programmes SET name = $3, template_key = $4, min_steps = $5, active = $6, "
			   "updated_at = $7 WHERE org_id = $1 AND id = $2",
			   NVALS(v), v, &changes, NULL);
		if (!ret && !changes)
			ret = store_error(STORE_NOTFOUND, "programme_update: not found");
	}
	if (!ret)
		ret = pg_i(c, "programme_update: phases in use",
			   "SELECT count(*) FROM enrolments WHERE org_id = $1 AND programme_id = $2 AND phase >= $3",
			   NVALS(vt), vt, &used);
	if (!ret && used)
		ret = store_error(STORE_CONFLICT, "programme_update: enrolments are in a phase that would be removed");
	if (!ret)
		ret = pg_phases_write(c, org_id, p);
	if (!ret)
		ret = pg_w(c, "programme_update: phases",
			   "DELETE FROM programme_phases WHERE org_id = $1 AND programme_id = $2 AND idx >= $3",
			   NVALS(vt), vt, NULL, NULL);
	return pg_end(pg, c, ret, "programme_update: commit");
}

static int pg_closed_date_add(struct store *s, int64_t org_id, int64_t programme_id, const struct closed_date *d)
{
	const char *v[] = { I64(org_id), I64(programme_id), I64(d->day), d->label };
	return pg_write(pg_of(s), "closed_date_add",
			"INSERT INTO programme_closed_dates (org_id, programme_id, day, label) VALUES ($1, $2, $3, $4) "
			"ON CONFLICT (org_id, programme_id, day) DO UPDATE SET label = excluded.label",
			NVALS(v), v, false, NULL);
}

static int pg_closed_date_remove(struct store *s, int64_t org_id, int64_t programme_id, int32_t day)
{
	const char *v[] = { I64(org_id), I64(programme_id), I64(day) };
	return pg_write(pg_of(s), "closed_date_remove",
			"DELETE FROM programme_closed_dates WHERE org_id = $1 AND programme_id = $2 AND day = $3",
			NVALS(v), v, true, NULL);
}

static int pg_closed_date_list(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
			       struct closed_date **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(programme_id), I64(from), I64(to) };
	return pg_list1(s, "closed_date_list",
			"SELECT " STORE_CLOSED_COLS " FROM programme_closed_dates WHERE org_id = $1 "
			"AND programme_id = $2 AND day >= $3 AND day <= $4 ORDER BY day",
			NVALS(v), v, &store_closed_map, sizeof **out, (void **)out, n);
}

/* ---- groups ---- */

static int pg_group_create(struct store *s, int64_t org_id, struct group *g)
{
	const char *v[] = { I64(org_id), I64(g->programme_id), g->name, g->phase_key, I64(g->weekdays),
			    I64(g->start_min), I64(g->end_min), g->place, I64(g->capacity), BOOL(g->active),
			    I64(g->created_at), I64(g->updated_at) };
	return pg_write(pg_of(s), "group_create",
			"INSERT INTO programme_groups (org_id, programme_id, name, phase_key, weekdays, start_min, "
			"end_min, place, capacity, active, created_at, updated_at) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
			NVALS(v), v, false, &g->id);
}

static int pg_group_get(struct store *s, int64_t org_id, int64_t id, struct group *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "group_get",
			"SELECT " STORE_GROUP_COLS " FROM programme_groups g WHERE g.org_id = $1 AND g.id = $2",
			NVALS(v), v, &store_group_map, out, sizeof *out);
}

static int pg_group_list(struct store *s, int64_t org_id, int64_t programme_id, bool include_inactive,
			 struct group **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(programme_id), BOOL(include_inactive) };
	return pg_list1(s, "group_list",
			"SELECT " STORE_GROUP_COLS " FROM programme_groups g WHERE g.org_id = $1 "
			"AND ($2 = 0 OR g.programme_id = $2) AND ($3 OR g.active) ORDER BY g.name COLLATE \"C\", g.id",
			NVALS(v), v, &store_group_map, sizeof **out, (void **)out, n);
}

static int pg_group_update(struct store *s, int64_t org_id, struct group *g)
{
	const char *v[] = { I64(org_id), I64(g->id), g->name, g->phase_key, I64(g->weekdays), I64(g->start_min),
			    I64(g->end_min), g->place, I64(g->capacity), BOOL(g->active), I64(g->updated_at) };
	return pg_write(pg_of(s), "group_update",
			"UPDATE programme_groups SET name = $3, phase_key = $4, weekdays = $5, start_min = $6, "
			"end_min = $7, place = $8, capacity = $9, active = $10, updated_at = $11 "
			"WHERE org_id = $1 AND id = $2",
			NVALS(v), v, true, NULL);
}

#define PG_MEMBER_IS_OPEN                                                                          \
	"SELECT count(*) FROM group_members WHERE org_id = $1 AND group_id = $2 AND enrolment_id = $3 " \
	"AND to_day IS NULL"

/* Inside a write transaction: the capacity check and the insert of an open membership,
 * which also takes the enrolment off the group's waiting list. The group row is locked
 * first, so two transactions cannot both count the last place as free. */
static int pg_member_insert(PGconn *c, int64_t org_id, struct group_member *m)
{
	const char *vg[] = { I64(org_id), I64(m->group_id), I64(m->enrolment_id) };
	int64_t capacity, open, dup;
	int ret;
	if ((ret = pg_i(c, "group_member_add: group",
			"SELECT capacity FROM programme_groups WHERE org_id = $1 AND id = $2 FOR UPDATE", 2, vg,
			&capacity)) ||
	    (ret = pg_i(c, "group_member_add: member", PG_MEMBER_IS_OPEN, 3, vg, &dup)) ||
	    (ret = pg_i(c, "group_member_add: count",
			"SELECT count(*) FROM group_members WHERE org_id = $1 AND group_id = $2 AND to_day IS NULL", 2,
			vg, &open)))
		return ret;
	if (dup)
		return store_error(STORE_CONFLICT, "group_member_add: already a member");
	if (capacity > 0 && open >= capacity)
		return store_error(STORE_FULL, "group_member_add: the group is full");
	const char *v[] = { I64(org_id), I64(m->group_id), I64(m->enrolment_id), I64(m->from_day),
			    I64(m->created_at), ID_OR_NULL(m->created_by) };
	if ((ret = pg_w(c, "group_member_add",
			"INSERT INTO group_members (org_id, programme_id, group_id, enrolment_id, from_day, to_day, "
			"created_at, created_by) SELECT $1, programme_id, id, $3, $4, NULL, $5, $6 "
			"FROM programme_groups WHERE org_id = $1 AND id = $2 RETURNING id",
			NVALS(v), v, NULL, &m->id)))
		return ret;
	m->org_id = org_id;
	m->to_day = DATE_NONE;
	return pg_w(c, "group_member_add: waiting list",
		    "DELETE FROM group_waiting WHERE org_id = $1 AND group_id = $2 AND enrolment_id = $3", 3, vg, NULL,
		    NULL);
}

static int pg_group_member_add(struct store *s, int64_t org_id, struct group_member *m)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "group_member_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_member_insert(c, org_id, m);
	return pg_end(pg, c, ret, "group_member_add: commit");
}

static int pg_group_member_end(struct store *s, int64_t org_id, int64_t member_id, int32_t to_day)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(member_id), I64(to_day) };
	int ret, changes = 0;
	int64_t open;
	PGconn *c = pg_begin(pg, &ret, "group_member_end: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "group_member_end",
			   "UPDATE group_members SET to_day = $3 WHERE org_id = $1 AND id = $2 AND to_day IS NULL "
			   "AND from_day <= $3",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes) {
		ret = pg_i(c, "group_member_end",
			   "SELECT (to_day IS NULL)::int FROM group_members WHERE org_id = $1 AND id = $2", 2, v, &open);
		if (!ret)
			ret = open ? store_error(STORE_INVALID, "group_member_end: the last day is before the first")
				   : store_error(STORE_CONFLICT, "group_member_end: the membership has ended already");
	}
	return pg_end(pg, c, ret, "group_member_end: commit");
}

static int pg_group_member_list(struct store *s, int64_t org_id, int64_t group_id, int32_t day,
				struct group_member **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(group_id), I64(day) };
	if (day == DATE_NONE)
		return pg_list1(s, "group_member_list",
				"SELECT " STORE_MEMBER_COLS STORE_MEMBER_FROM
				" WHERE m.org_id = $1 AND m.group_id = $2 ORDER BY m.from_day, m.id",
				2, v, &store_member_map, sizeof **out, (void **)out, n);
	return pg_list1(s, "group_member_list",
			"SELECT " STORE_MEMBER_COLS STORE_MEMBER_FROM
			" WHERE m.org_id = $1 AND m.group_id = $2 AND m.from_day <= $3 "
			"AND (m.to_day IS NULL OR m.to_day >= $3) ORDER BY p.family_key, p.given_key, m.id",
			3, v, &store_member_map, sizeof **out, (void **)out, n);
}

static int pg_group_member_count(struct store *s, int64_t org_id, int64_t group_id, int *n)
{
	const char *v[] = { I64(org_id), I64(group_id) };
	int64_t count = 0;
	int ret = pg_int1(s, "group_member_count",
			  "SELECT (SELECT count(*) FROM group_members m WHERE m.org_id = g.org_id "
			  "AND m.group_id = g.id AND m.to_day IS NULL) FROM programme_groups g "
			  "WHERE g.org_id = $1 AND g.id = $2",
			  NVALS(v), v, &count);
	*n = (int)count;
	return ret;
}

static int pg_waiting_add(struct store *s, int64_t org_id, struct group_waiting *w)
{
	struct pg_store *pg = pg_of(s);
	const char *vg[] = { I64(org_id), I64(w->group_id), I64(w->enrolment_id) };
	int ret, changes = 0;
	int64_t dup;
	PGconn *c = pg_begin(pg, &ret, "waiting_add: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "waiting_add: member", PG_MEMBER_IS_OPEN, NVALS(vg), vg, &dup);
	if (!ret && dup)
		ret = store_error(STORE_CONFLICT, "waiting_add: already a member");
	if (!ret) {
		const char *v[] = { I64(org_id), I64(w->group_id), I64(w->enrolment_id), w->note, I64(w->created_at),
				    ID_OR_NULL(w->created_by) };
		ret = pg_w(c, "waiting_add",
			   "INSERT INTO group_waiting (org_id, programme_id, group_id, enrolment_id, note, created_at, "
			   "created_by) SELECT $1, programme_id, id, $3, $4, $5, $6 FROM programme_groups "
			   "WHERE org_id = $1 AND id = $2 RETURNING id",
			   NVALS(v), v, &changes, &w->id);
		if (!ret && !changes)
			ret = store_error(STORE_NOTFOUND, "waiting_add: no such group");
	}
	return pg_end(pg, c, ret, "waiting_add: commit");
}

static int pg_waiting_list(struct store *s, int64_t org_id, int64_t group_id, struct group_waiting **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(group_id) };
	return pg_list1(s, "waiting_list",
			"SELECT " STORE_WAITING_COLS STORE_WAITING_FROM
			" WHERE w.org_id = $1 AND w.group_id = $2 ORDER BY w.created_at, w.id",
			NVALS(v), v, &store_waiting_map, sizeof **out, (void **)out, n);
}

static int pg_waiting_remove(struct store *s, int64_t org_id, int64_t waiting_id)
{
	const char *v[] = { I64(org_id), I64(waiting_id) };
	return pg_write(pg_of(s), "waiting_remove", "DELETE FROM group_waiting WHERE org_id = $1 AND id = $2",
			NVALS(v), v, true, NULL);
}

static int pg_waiting_promote(struct store *s, int64_t org_id, int64_t group_id, int64_t waiting_id,
			      struct group_member *m)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(group_id), I64(waiting_id) };
	int ret;
	PGconn *c = pg_begin(pg, &ret, "waiting_promote: begin", PG_WRITE);
	if (!ret)
		ret = waiting_id ? pg_i(c, "waiting_promote",
					"SELECT enrolment_id FROM group_waiting WHERE org_id = $1 AND group_id = $2 "
					"AND id = $3",
					3, v, &m->enrolment_id)
				 : pg_i(c, "waiting_promote",
					"SELECT enrolment_id FROM group_waiting WHERE org_id = $1 AND group_id = $2 "
					"ORDER BY created_at, id LIMIT 1",
					2, v, &m->enrolment_id);
	if (!ret)
		ret = pg_member_insert(c, org_id, m);
	return pg_end(pg, c, ret, "waiting_promote: commit");
}

/* ---- referral sources ---- */

static int pg_refsource_seed(struct store *s, int64_t org_id, int *added)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "referral_sources_seed: begin", PG_WRITE);
	if (!ret)
		ret = pg_seed(c, org_id, added);
	return pg_end(pg, c, ret, "referral_sources_seed: commit");
}

static int pg_refsource_add(struct store *s, int64_t org_id, struct referral_source *src)
{
	const char *v[] = { I64(org_id), src->key, src->label, BOOL(src->active), I64(src->position) };
	return pg_write(pg_of(s), "referral_source_add",
			"INSERT INTO referral_sources (org_id, key, label, active, sort_order) "
			"VALUES ($1, $2, $3, $4, $5) RETURNING id",
			NVALS(v), v, false, &src->id);
}

static int pg_refsource_update(struct store *s, int64_t org_id, const struct referral_source *src)
{
	const char *v[] = { I64(org_id), src->key, src->label, BOOL(src->active), I64(src->position) };
	return pg_write(pg_of(s), "referral_source_update",
			"UPDATE referral_sources SET label = $3, active = $4, sort_order = $5 "
			"WHERE org_id = $1 AND key = $2",
			NVALS(v), v, true, NULL);
}

static int pg_refsource_list(struct store *s, int64_t org_id, bool include_inactive, struct referral_source **out,
			     size_t *n)
{
	const char *v[] = { I64(org_id), BOOL(include_inactive) };
	return pg_list1(s, "referral_source_list",
			"SELECT " STORE_REFSOURCE_COLS " FROM referral_sources WHERE org_id = $1 AND ($2 OR active) "
			"ORDER BY sort_order, label COLLATE \"C\", id",
			NVALS(v), v, &store_refsource_map, sizeof **out, (void **)out, n);
}

/* ---- persons ---- */

/* The person's values $2..$17 in the column order of both statements below. */
#define PG_PERSON_VALS(p, k)                                                                       \
	(p)->given_name, (p)->family_name, (k)->given, (k)->family, DAY_OR_NULL((p)->birth_date),     \
		TEXT_OR_NULL((p)->national_id), (p)->national_id_kind, (p)->phone, (p)->email,        \
		(p)->address, (p)->kin_name, (p)->kin_relation, (p)->kin_phone, I64((p)->substances), \
		BOOL((p)->dual_diagnosis), (p)->notes

static int pg_person_create(struct store *s, int64_t org_id, struct person *p, const struct store_person_keys *k)
{
	const char *v[] = { I64(org_id), PG_PERSON_VALS(p, k), I64(p->created_at), ID_OR_NULL(p->created_by),
			    I64(p->updated_at), ID_OR_NULL(p->updated_by) };
	return pg_write(pg_of(s), "person_create",
			"INSERT INTO persons (org_id, given_name, family_name, given_key, family_key, birth_date, "
			"national_id, national_id_kind, phone, email, address, kin_name, kin_relation, kin_phone, "
			"substances, dual_diagnosis, notes, created_at, created_by, updated_at, updated_by) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
			"$20, $21) RETURNING id",
			NVALS(v), v, false, &p->id);
}

static int pg_person_get(struct store *s, int64_t org_id, int64_t id, struct person *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "person_get", "SELECT " STORE_PERSON_COLS " FROM persons p WHERE p.org_id = $1 AND p.id = $2",
			NVALS(v), v, &store_person_map, out, sizeof *out);
}

static int pg_person_update(struct store *s, int64_t org_id, struct person *p, const struct store_person_keys *k)
{
	const char *v[] = { I64(org_id), PG_PERSON_VALS(p, k), I64(p->updated_at), ID_OR_NULL(p->updated_by),
			    I64(p->id) };
	return pg_write(pg_of(s), "person_update",
			"UPDATE persons SET given_name = $2, family_name = $3, given_key = $4, family_key = $5, "
			"birth_date = $6, national_id = $7, national_id_kind = $8, phone = $9, email = $10, "
			"address = $11, kin_name = $12, kin_relation = $13, kin_phone = $14, substances = $15, "
			"dual_diagnosis = $16, notes = $17, updated_at = $18, updated_by = $19 "
			"WHERE org_id = $1 AND id = $20",
			NVALS(v), v, true, NULL);
}

/* A count and a page of dynamically filtered SQL in one snapshot. */
static int pg_count_and_page(struct pg_store *pg, const char *what, const char *count_sql, int ncount,
			     const char *page_sql, int npage, const char *const *vals, const struct store_cols *m,
			     size_t elem, void **out, size_t *n, int64_t *total,
			     bool (*extra)(const PGresult *r, int row, void *item))
{
	int ret;
	PGconn *c = pg_begin(pg, &ret, what, PG_SNAPSHOT);
	if (!ret)
		ret = pg_i(c, what, count_sql, ncount, vals, total);
	if (!ret)
		ret = pg_rows(c, what, page_sql, npage, vals, m, elem, out, n, extra);
	ret = pg_end(pg, c, ret, what);
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

static int pg_person_list(struct store *s, int64_t org_id, const struct store_person_query *q, struct person **out,
			  size_t *n, int64_t *total)
{
	struct buf where = BUF_INIT, count = BUF_INIT, page = BUF_INIT;
	const char *v[4];
	struct num nums[3];
	int nv = 0;
	v[nv++] = num(&nums[0], org_id);
	buf_adds(&where, " FROM persons p WHERE p.org_id = $1");
	if (q->like[0]) {
		v[nv++] = q->like;
		buf_adds(&where, " AND (p.given_key || ' ' || p.family_key) LIKE $2 ESCAPE '\\'");
	}
	buf_addf(&count, "SELECT count(*)%s", where.data);
	buf_addf(&page, "SELECT " STORE_PERSON_COLS "%s ORDER BY %s LIMIT $%d OFFSET $%d", where.data,
		 q->q->sort == STORE_PERSON_BY_CREATED ? "p.created_at DESC, p.id DESC"
						       : "p.family_key, p.given_key, p.id",
		 nv + 1, nv + 2);
	int ncount = nv;
	v[nv++] = num(&nums[1], q->limit);
	v[nv++] = num(&nums[2], q->offset);
	int ret = pg_count_and_page(pg_of(s), "person_list", count.data, ncount, page.data, nv, v, &store_person_map,
				    sizeof **out, (void **)out, n, total, NULL);
	buf_release(&where);
	buf_release(&count);
	buf_release(&page);
	return ret;
}

static int pg_person_count(struct store *s, int64_t org_id, int64_t *n)
{
	const char *v[] = { I64(org_id) };
	return pg_int1(s, "person_count", "SELECT count(*) FROM persons WHERE org_id = $1", NVALS(v), v, n);
}

static int pg_person_duplicates(struct store *s, int64_t org_id, const struct person *p,
				const struct store_person_keys *k, struct person **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(p->id), TEXT_OR_NULL(p->national_id), k->family, k->given,
			    DAY_OR_NULL(p->birth_date) };
	return pg_list1(s, "person_find_duplicates",
			"SELECT " STORE_PERSON_COLS " FROM persons p WHERE p.org_id = $1 AND p.id <> $2 "
			"AND p.national_id = $3 "
			"UNION SELECT " STORE_PERSON_COLS " FROM persons p WHERE p.org_id = $1 AND p.id <> $2 "
			"AND p.family_key = $4 AND p.given_key = $5 AND p.birth_date = $6 ORDER BY 1",
			NVALS(v), v, &store_person_map, sizeof **out, (void **)out, n);
}

/* ---- referrals ---- */

#define PG_HISTORY_INSERT                                                                          \
	"INSERT INTO referral_history (org_id, referral_id, from_status, to_status, on_day, at, by_user, note) " \
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"

static int pg_referral_insert(PGconn *c, int64_t org_id, struct referral *r)
{
	const char *v[] = { I64(org_id), ID_OR_NULL(r->person_id), ID_OR_NULL(r->programme_id), r->source_key,
			    r->referrer_name, r->referrer_org, I64(r->received_on), r->reason, r->status,
			    I64(r->status_on), I64(r->created_at), ID_OR_NULL(r->created_by), I64(r->updated_at) };
	int ret = pg_w(c, "referral_create",
		       "INSERT INTO referrals (org_id, person_id, programme_id, source_key, referrer_name, referrer_org, "
		       "received_on, reason, status, status_on, created_at, created_by, updated_at) "
		       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
		       NVALS(v), v, NULL, &r->id);
	if (ret)
		return ret;
	const char *h[] = { I64(org_id), I64(r->id), "", r->status, I64(r->status_on), I64(r->created_at),
			    ID_OR_NULL(r->created_by), "" };
	return pg_w(c, "referral_create: history", PG_HISTORY_INSERT, NVALS(h), h, NULL, NULL);
}

static int pg_referral_create(struct store *s, int64_t org_id, struct referral *r)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "referral_create: begin", PG_WRITE);
	if (!ret)
		ret = pg_referral_insert(c, org_id, r);
	return pg_end(pg, c, ret, "referral_create: commit");
}

static int pg_referral_get(struct store *s, int64_t org_id, int64_t id, struct referral *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "referral_get",
			"SELECT " STORE_REFERRAL_COLS STORE_REFERRAL_FROM " WHERE r.org_id = $1 AND r.id = $2",
			NVALS(v), v, &store_referral_map, out, sizeof *out);
}

static int pg_referral_list(struct store *s, int64_t org_id, const struct referral_query *q, struct referral **out,
			    size_t *n, int64_t *total)
{
	struct buf where = BUF_INIT, count = BUF_INIT, page = BUF_INIT;
	const char *v[6];
	struct num nums[5];
	int nv = 0;
	v[nv++] = num(&nums[0], org_id);
	buf_adds(&where, STORE_REFERRAL_FROM " WHERE r.org_id = $1");
	if (!strcmp(q->status, "open")) {
		buf_adds(&where, " AND r.status IN ('received', 'assessed', 'offered_conversation', 'waiting_list')");
	} else if (q->status[0]) {
		v[nv++] = q->status;
		buf_addf(&where, " AND r.status = $%d", nv);
	}
	if (q->programme_id) {
		v[nv++] = num(&nums[1], q->programme_id);
		buf_addf(&where, " AND r.programme_id = $%d", nv);
	}
	if (q->person_id) {
		v[nv++] = num(&nums[2], q->person_id);
		buf_addf(&where, " AND r.person_id = $%d", nv);
	}
	buf_addf(&count, "SELECT count(*)%s", where.data);
	buf_addf(&page, "SELECT " STORE_REFERRAL_COLS "%s ORDER BY r.received_on, r.id LIMIT $%d OFFSET $%d",
		 where.data, nv + 1, nv + 2);
	int ncount = nv;
	v[nv++] = num(&nums[3], q->limit);
	v[nv++] = num(&nums[4], q->offset);
	int ret = pg_count_and_page(pg_of(s), "referral_list", count.data, ncount, page.data, nv, v,
				    &store_referral_map, sizeof **out, (void **)out, n, total, NULL);
	buf_release(&where);
	buf_release(&count);
	buf_release(&page);
	return ret;
}

static int pg_referral_set_status(struct store *s, int64_t org_id, int64_t id, const struct referral_event *ev)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id), ev->from_status, ev->to_status, I64(ev->on_day), I64(ev->at) };
	int ret, changes = 0;
	int64_t exists;
	PGconn *c = pg_begin(pg, &ret, "referral_set_status: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "referral_set_status",
			   "UPDATE referrals SET status = $4, status_on = $5, updated_at = $6 "
			   "WHERE org_id = $1 AND id = $2 AND status = $3",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes) {
		ret = pg_i(c, "referral_set_status", "SELECT count(*) FROM referrals WHERE org_id = $1 AND id = $2", 2,
			   v, &exists);
		if (!ret)
			ret = exists ? store_error(STORE_CONFLICT, "referral_set_status: the status has changed meanwhile")
				     : store_error(STORE_NOTFOUND, "referral_set_status: not found");
	}
	if (!ret) {
		const char *h[] = { I64(org_id), I64(id), ev->from_status, ev->to_status, I64(ev->on_day), I64(ev->at),
				    ID_OR_NULL(ev->by_user), ev->note };
		ret = pg_w(c, "referral_set_status: history", PG_HISTORY_INSERT, NVALS(h), h, NULL, NULL);
	}
	return pg_end(pg, c, ret, "referral_set_status: commit");
}

static int pg_referral_link_person(struct store *s, int64_t org_id, int64_t id, int64_t person_id)
{
	const char *v[] = { I64(org_id), I64(id), ID_OR_NULL(person_id), I64(now_seconds()) };
	return pg_write(pg_of(s), "referral_link_person",
			"UPDATE referrals SET person_id = $3, updated_at = $4 WHERE org_id = $1 AND id = $2", NVALS(v),
			v, true, NULL);
}

static int pg_referral_history(struct store *s, int64_t org_id, int64_t referral_id, struct referral_event **out,
			       size_t *n)
{
	const char *v[] = { I64(org_id), I64(referral_id) };
	return pg_list1(s, "referral_history",
			"SELECT " STORE_REFEVENT_COLS " FROM referral_history WHERE org_id = $1 AND referral_id = $2 "
			"ORDER BY id",
			NVALS(v), v, &store_refevent_map, sizeof **out, (void **)out, n);
}

/* ---- self-referrals ---- */

static int pg_selfref_create(struct store *s, int64_t org_id, struct self_referral *sr)
{
	const char *v[] = { I64(org_id), sr->name, sr->phone, sr->email, sr->message, I64(sr->consent_at),
			    sr->addr_hash, I64(sr->created_at) };
	return pg_write(pg_of(s), "self_referral_create",
			"INSERT INTO self_referrals (org_id, name, phone, email, message, consent_at, addr_hash, "
			"status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8) RETURNING id",
			NVALS(v), v, false, &sr->id);
}

static int pg_selfref_get(struct store *s, int64_t org_id, int64_t id, struct self_referral *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "self_referral_get",
			"SELECT " STORE_SELFREF_COLS " FROM self_referrals WHERE org_id = $1 AND id = $2", NVALS(v), v,
			&store_selfref_map, out, sizeof *out);
}

static int pg_selfref_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			   struct self_referral **out, size_t *n, int64_t *total)
{
	const char *v[] = { I64(org_id), status, I64(limit), I64(offset) };
	return pg_count_and_page(pg_of(s), "self_referral_list",
				 "SELECT count(*) FROM self_referrals WHERE org_id = $1 AND ($2 = '' OR status = $2)",
				 2,
				 "SELECT " STORE_SELFREF_COLS " FROM self_referrals WHERE org_id = $1 "
				 "AND ($2 = '' OR status = $2) ORDER BY created_at, id LIMIT $3 OFFSET $4",
				 4, v, &store_selfref_map, sizeof **out, (void **)out, n, total, NULL);
}

static int pg_selfref_take(struct store *s, int64_t org_id, int64_t id, struct referral *r)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id) };
	int ret;
	int64_t is_new = 0;
	PGconn *c = pg_begin(pg, &ret, "self_referral_take: begin", PG_WRITE);
	if (!ret)
		ret = pg_i(c, "self_referral_take",
			   "SELECT (status = 'new')::int FROM self_referrals WHERE org_id = $1 AND id = $2 FOR UPDATE",
			   NVALS(v), v, &is_new);
	if (!ret && !is_new)
		ret = store_error(STORE_CONFLICT, "self_referral_take: it has been handled already");
	if (!ret)
		ret = pg_referral_insert(c, org_id, r);
	if (!ret) {
		const char *u[] = { I64(org_id), I64(id), I64(r->id), I64(r->created_at), ID_OR_NULL(r->created_by) };
		ret = pg_w(c, "self_referral_take",
			   "UPDATE self_referrals SET status = 'taken', referral_id = $3, handled_at = $4, "
			   "handled_by = $5 WHERE org_id = $1 AND id = $2 AND status = 'new'",
			   NVALS(u), u, NULL, NULL);
	}
	return pg_end(pg, c, ret, "self_referral_take: commit");
}

static int pg_selfref_discard(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id), I64(at), ID_OR_NULL(by_user) };
	int ret, changes = 0;
	int64_t is_new;
	PGconn *c = pg_begin(pg, &ret, "self_referral_discard: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "self_referral_discard",
			   "UPDATE self_referrals SET status = 'discarded', handled_at = $3, handled_by = $4 "
			   "WHERE org_id = $1 AND id = $2 AND status = 'new'",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes) {
		ret = pg_i(c, "self_referral_discard",
			   "SELECT (status = 'new')::int FROM self_referrals WHERE org_id = $1 AND id = $2", 2, v,
			   &is_new);
		if (!ret)
			ret = store_error(is_new ? STORE_ERROR : STORE_CONFLICT,
					  "self_referral_discard: it has been handled already");
	}
	return pg_end(pg, c, ret, "self_referral_discard: commit");
}

static int pg_selfref_count_recent(struct store *s, int64_t org_id, const char *addr_hash, int64_t since,
				   int64_t *n)
{
	const char *v[] = { addr_hash, I64(since), I64(org_id) };
	if (org_id)
		return pg_int1(s, "self_referral_count_recent",
			       "SELECT count(*) FROM self_referrals WHERE addr_hash = $1 AND created_at >= $2 "
			       "AND org_id = $3",
			       3, v, n);
	return pg_int1(s, "self_referral_count_recent",
		       "SELECT count(*) FROM self_referrals WHERE addr_hash = $1 AND created_at >= $2", 2, v, n);
}

/* ---- enrolments ---- */

static int pg_event_insert(PGconn *c, int64_t org_id, struct enrolment_event *ev)
{
	const char *v[] = { I64(org_id), I64(ev->enrolment_id), ev->kind, PHASE_OR_NULL(ev->from_phase),
			    PHASE_OR_NULL(ev->to_phase), I64(ev->on_day), ev->reason, ID_OR_NULL(ev->by_user),
			    I64(ev->at) };
	return pg_w(c, "enrolment event",
		    "INSERT INTO enrolment_events (org_id, enrolment_id, kind, from_phase, to_phase, on_day, reason, "
		    "by_user, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
		    NVALS(v), v, NULL, &ev->id);
}

static int pg_enrolment_create(struct store *s, int64_t org_id, struct enrolment *e, struct enrolment_event *ev)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "enrolment_create: begin", PG_WRITE);
	if (!ret) {
		const char *v[] = { I64(org_id), I64(e->person_id), I64(e->programme_id), ID_OR_NULL(e->therapist_id),
				    ID_OR_NULL(e->referral_id), e->status, I64(e->phase), I64(e->started_on),
				    I64(e->phase_since), I64(e->last_change_on), DAY_OR_NULL(e->paused_since),
				    DAY_OR_NULL(e->ended_on), e->reason_key, e->reason_note, I64(e->pauses),
				    I64(e->created_at), I64(e->updated_at) };
		ret = pg_w(c, "enrolment_create",
			   "INSERT INTO enrolments (org_id, person_id, programme_id, therapist_id, referral_id, status, "
			   "phase, started_on, phase_since, last_change_on, paused_since, ended_on, reason_key, "
			   "reason_note, pauses, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
			   "$8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17) RETURNING id",
			   NVALS(v), v, NULL, &e->id);
	}
	if (!ret) {
		ev->enrolment_id = e->id;
		ret = pg_event_insert(c, org_id, ev);
	}
	return pg_end(pg, c, ret, "enrolment_create: commit");
}

static int pg_enrolment_get(struct store *s, int64_t org_id, int64_t id, struct enrolment *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "enrolment_get",
			"SELECT " STORE_ENROLMENT_COLS " FROM enrolments e WHERE e.org_id = $1 AND e.id = $2", NVALS(v),
			v, &store_enrolment_map, out, sizeof *out);
}

static int pg_enrolment_change(struct store *s, int64_t org_id, struct enrolment *e, int64_t expected_version,
			       struct enrolment_event *ev)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(e->id), I64(expected_version), ID_OR_NULL(e->therapist_id), e->status,
			    I64(e->phase), I64(e->phase_since), I64(e->last_change_on), DAY_OR_NULL(e->paused_since),
			    DAY_OR_NULL(e->ended_on), e->reason_key, e->reason_note, I64(e->pauses),
			    I64(e->updated_at) };
	int ret, changes = 0;
	int64_t exists;
	PGconn *c = pg_begin(pg, &ret, "enrolment_change: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "enrolment_change",
			   "UPDATE enrolments SET therapist_id = $4, status = $5, phase = $6, phase_since = $7, "
			   "last_change_on = $8, paused_since = $9, ended_on = $10, reason_key = $11, "
			   "reason_note = $12, pauses = $13, version = version + 1, updated_at = $14 "
			   "WHERE org_id = $1 AND id = $2 AND version = $3",
			   NVALS(v), v, &changes, NULL);
	if (!ret && !changes) {
		ret = pg_i(c, "enrolment_change", "SELECT count(*) FROM enrolments WHERE org_id = $1 AND id = $2", 2, v,
			   &exists);
		if (!ret)
			ret = exists ? store_error(STORE_CONFLICT, "enrolment_change: changed meanwhile (version)")
				     : store_error(STORE_NOTFOUND, "enrolment_change: not found");
	}
	if (!ret)
		ret = pg_event_insert(c, org_id, ev);
	ret = pg_end(pg, c, ret, "enrolment_change: commit");
	if (!ret)
		e->version = expected_version + 1;
	return ret;
}

static int pg_enrolment_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct enrolment_event **out,
			       size_t *n)
{
	const char *v[] = { I64(org_id), I64(enrolment_id) };
	return pg_list1(s, "enrolment_events",
			"SELECT " STORE_EVENT_COLS " FROM enrolment_events WHERE org_id = $1 AND enrolment_id = $2 "
			"ORDER BY on_day, id",
			NVALS(v), v, &store_event_map, sizeof **out, (void **)out, n);
}

static bool pg_enrolment_row_rest(const PGresult *r, int row, void *item)
{
	return pg_read_map(r, row, store_enrolment_map.n, &store_enrolment_row_map, item);
}

static int pg_enrolment_list(struct store *s, int64_t org_id, const struct enrolment_query *q,
			     struct enrolment_row **out, size_t *n, int64_t *total)
{
	struct buf where = BUF_INIT, count = BUF_INIT, page = BUF_INIT;
	const char *v[10];
	struct num nums[8];
	int nv = 0;
	v[nv++] = num(&nums[0], org_id);
	buf_adds(&where, " WHERE e.org_id = $1");
	if (q->programme_id) {
		v[nv++] = num(&nums[1], q->programme_id);
		buf_addf(&where, " AND e.programme_id = $%d", nv);
	}
	if (q->therapist_id) {
		v[nv++] = num(&nums[2], q->therapist_id);
		buf_addf(&where, " AND e.therapist_id = $%d", nv);
	}
	if (q->person_id) {
		v[nv++] = num(&nums[3], q->person_id);
		buf_addf(&where, " AND e.person_id = $%d", nv);
	}
	if (!strcmp(q->status, "open")) {
		buf_adds(&where, " AND e.status IN ('active', 'paused')");
	} else if (q->status[0]) {
		v[nv++] = q->status;
		buf_addf(&where, " AND e.status = $%d", nv);
	}
	if (q->phase >= 0) {
		v[nv++] = num(&nums[4], q->phase);
		buf_addf(&where, " AND e.phase = $%d", nv);
	}
	/* Every enrolment has its person (a foreign key), so the count needs no join. */
	buf_addf(&count, "SELECT count(*) FROM enrolments e%s", where.data);
	int ncount = nv;
	/* The days in the phase are kept on the enrolment (days_in_phase); the recent days and
	 * the last one are per row of the page, through attendance_days (one row per attended
	 * day, kept by triggers, migration 016): a window's rows, whatever the table. The
	 * window's count and last day are one array, evaluated after ORDER BY … LIMIT for the
	 * page's rows only; the outer query takes them apart, keeps the order, and looks for
	 * the last day before the window only for those who have none in it. */
	bool by_started = q->sort == STORE_ENROL_BY_STARTED, by_phase = q->sort == STORE_ENROL_BY_PHASE;
	buf_addf(&page,
		 "SELECT " STORE_ENROLMENT_COLS ", e.given_name, e.family_name, e.days_in_phase, e.r[1], "
		 "COALESCE(e.r[2], (SELECT max(a.on_day) FROM attendance_days a WHERE a.org_id = e.org_id "
		 "AND a.enrolment_id = e.id)), e.total "
		 "FROM (SELECT e.*, p.given_name, p.family_name, p.family_key, p.given_key, "
		 "(SELECT ARRAY[count(*), max(a.on_day)] FROM attendance_days a WHERE a.org_id = e.org_id "
		 "AND a.enrolment_id = e.id AND a.on_day >= $%d) AS r, "
		 "(SELECT count(*) FROM enrolments e%s) AS total "
		 "FROM enrolments e JOIN persons p ON p.org_id = e.org_id AND p.id = e.person_id"
		 "%s ORDER BY %s LIMIT $%d OFFSET $%d) e ORDER BY %s",
		 nv + 1, where.data, where.data,
		 by_started ? "e.started_on DESC, e.id DESC"
		 : by_phase ? "e.phase, e.phase_since, p.family_key, p.given_key, e.id"
			    : "p.family_key, p.given_key, e.id",
		 nv + 2, nv + 3,
		 by_started ? "e.started_on DESC, e.id DESC"
		 : by_phase ? "e.phase, e.phase_since, e.family_key, e.given_key, e.id"
			    : "e.family_key, e.given_key, e.id");
	v[nv++] = num(&nums[5], q->recent_from == DATE_NONE ? INT32_MAX : q->recent_from);
	v[nv++] = num(&nums[6], q->limit);
	v[nv++] = num(&nums[7], q->offset);
	/* The total comes with each row (an InitPlan, one snapshot with the page): one round
	 * trip instead of a transaction of four. Only a page past the end asks again. */
	struct pg_store *pg = pg_of(s);
	PGresult *r = NULL;
	int ret;
	*out = NULL;
	*n = 0;
	*total = 0;
	PGconn *c = pg_get(pg, &ret);
	if (c) {
		ret = pg_exec(c, "enrolment_list", page.data, nv, v, &r);
		int rows = ret ? 0 : PQntuples(r);
		if (!ret) {
			*out = xcalloc(rows ? (size_t)rows : 1, sizeof **out);
			int last = store_enrolment_map.n + store_enrolment_row_map.n;
			for (int i = 0; i < rows && !ret; i++)
				if (!pg_read_map(r, i, 0, &store_enrolment_map, &(*out)[i]) ||
				    !pg_enrolment_row_rest(r, i, &(*out)[i]) || !get_i64(r, i, last, total))
					ret = too_long("enrolment_list");
			*n = (size_t)rows;
		}
		PQclear(r);
		if (!ret && rows == 0 && q->offset > 0)
			ret = pg_i(c, "enrolment_list: count", count.data, ncount, v, total);
		pg_put(pg, c);
	}
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	buf_release(&where);
	buf_release(&count);
	buf_release(&page);
	return ret;
}

static int pg_enrolment_phase_counts(struct store *s, int64_t org_id, int64_t programme_id,
				     int counts[STORE_PHASES_MAX])
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(programme_id) };
	PGresult *r;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_exec(c, "enrolment_phase_counts",
		      "SELECT phase, count(*) FROM enrolments WHERE org_id = $1 AND programme_id = $2 "
		      "AND status IN ('active', 'paused') GROUP BY phase",
		      NVALS(v), v, &r);
	if (!ret) {
		for (int row = 0; row < PQntuples(r); row++) {
			int64_t phase, count;
			if (!get_i64(r, row, 0, &phase) || !get_i64(r, row, 1, &count)) {
				ret = store_error(STORE_ERROR, "postgresql: enrolment_phase_counts: unexpected answer");
				break;
			}
			if (phase >= 0 && phase < STORE_PHASES_MAX)
				counts[phase] = (int)count;
		}
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

/* ---- attendance ---- */

#define PG_SESSION_GET "SELECT " STORE_SESSION_COLS " FROM attendance_sessions WHERE org_id = $1 AND id = $2"
#define PG_ATT_GET                                                                                 \
	"SELECT " STORE_ATTENDANCE_COLS STORE_ATTENDANCE_FROM                                       \
	" WHERE a.org_id = $1 AND a.session_id = $2 AND a.enrolment_id = $3"

/* Inside a write transaction: inserts se (programme from its group, if it has one).
 * ON CONFLICT DO NOTHING: *inserted says whether it did (a group's day may be taken). */
static int pg_session_insert(PGconn *c, int64_t org_id, struct att_session *se, bool *inserted)
{
	int ret, changes = 0;
	if (se->group_id) {
		const char *vg[] = { I64(org_id), I64(se->group_id) };
		ret = pg_i(c, "session: group", "SELECT programme_id FROM programme_groups WHERE org_id = $1 AND id = $2",
			   NVALS(vg), vg, &se->programme_id);
		if (ret == STORE_NOTFOUND)
			ret = store_error(STORE_INVALID, "session: no such group");
		if (ret)
			return ret;
	}
	const char *v[] = { I64(org_id), I64(se->programme_id), ID_OR_NULL(se->group_id), se->phase_key,
			    I64(se->on_day), I64(se->start_min), I64(se->end_min), se->kind,
			    ID_OR_NULL(se->leader_id), I64(se->created_at), ID_OR_NULL(se->created_by) };
	ret = pg_w(c, "att_session_create",
		   inserted ? "INSERT INTO attendance_sessions (org_id, programme_id, group_id, phase_key, on_day, "
			      "start_min, end_min, kind, leader_id, created_at, created_by) VALUES ($1, $2, $3, $4, "
			      "$5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id"
			    : "INSERT INTO attendance_sessions (org_id, programme_id, group_id, phase_key, on_day, "
			      "start_min, end_min, kind, leader_id, created_at, created_by) VALUES ($1, $2, $3, $4, "
			      "$5, $6, $7, $8, $9, $10, $11) RETURNING id",
		   NVALS(v), v, &changes, &se->id);
	if (inserted)
		*inserted = changes > 0;
	return ret;
}

static int pg_att_session_create(struct store *s, int64_t org_id, struct att_session *se)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_begin(pg, &ret, "att_session_create: begin", PG_WRITE);
	if (!ret)
		ret = pg_session_insert(c, org_id, se, NULL);
	return pg_end(pg, c, ret, "att_session_create: commit");
}

static int pg_att_session_get(struct store *s, int64_t org_id, int64_t id, struct att_session *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "att_session_get", PG_SESSION_GET, NVALS(v), v, &store_session_map, out, sizeof *out);
}

/* Insert-or-nothing, then read: a concurrent creator of the same (group, day) makes us
 * read theirs instead of failing on the unique index. */
static int pg_att_session_for_group(struct store *s, int64_t org_id, struct att_session *se, bool *created)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(se->group_id), I64(se->on_day) };
	struct att_session found;
	int ret;
	bool inserted = false;
	PGconn *c = pg_begin(pg, &ret, "att_session_for_group: begin", PG_WRITE);
	if (!ret)
		ret = pg_session_insert(c, org_id, se, &inserted);
	if (!ret && !inserted) {
		ret = pg_r(c, "att_session_for_group",
			   "SELECT " STORE_SESSION_COLS " FROM attendance_sessions WHERE org_id = $1 AND group_id = $2 "
			   "AND on_day = $3",
			   NVALS(v), v, &store_session_map, &found, sizeof found);
		if (!ret)
			*se = found;
	}
	ret = pg_end(pg, c, ret, "att_session_for_group: commit");
	*created = !ret && inserted;
	return ret;
}

static int pg_att_session_list(struct store *s, int64_t org_id, int64_t programme_id, int64_t group_id, int32_t from,
			       int32_t to, int limit, struct att_session **out, size_t *n)
{
	struct buf sql = BUF_INIT;
	const char *v[6];
	struct num nums[6];
	int nv = 0;
	v[nv++] = num(&nums[0], org_id);
	v[nv++] = num(&nums[1], from);
	v[nv++] = num(&nums[2], to);
	v[nv++] = num(&nums[3], limit);
	buf_adds(&sql, "SELECT " STORE_SESSION_COLS " FROM attendance_sessions WHERE org_id = $1");
	if (programme_id) {
		v[nv++] = num(&nums[4], programme_id);
		buf_addf(&sql, " AND programme_id = $%d", nv);
	}
	if (group_id) {
		v[nv++] = num(&nums[5], group_id);
		buf_addf(&sql, " AND group_id = $%d", nv);
	}
	buf_adds(&sql, " AND on_day >= $2 AND on_day <= $3 ORDER BY on_day, start_min, id LIMIT $4");
	int ret = pg_list1(s, "att_session_list", sql.data, nv, v, &store_session_map, sizeof **out, (void **)out, n);
	buf_release(&sql);
	return ret;
}

static int pg_attendance_save(struct store *s, int64_t org_id, int64_t session_id, const struct attendance *rows,
			      size_t nrows, int64_t by_user, int64_t at, struct attendance_change **changes,
			      size_t *nchanges)
{
	struct pg_store *pg = pg_of(s);
	const char *vs[] = { I64(org_id), I64(session_id) };
	struct att_session head;
	struct attendance_change *ch = nrows ? xcalloc(nrows, sizeof *ch) : NULL;
	size_t nch = 0;
	int ret;
	PGconn *c = pg_begin(pg, &ret, "attendance_save: begin", PG_WRITE);
	/* The session row is locked: two saves of one roster queue instead of racing for
	 * the same rows. */
	if (!ret)
		ret = pg_r(c, "attendance_save: session", PG_SESSION_GET " FOR UPDATE", NVALS(vs), vs, &store_session_map,
			   &head, sizeof head);
	/* The rows in the order of their enrolments: the attendance triggers (migration 016)
	 * update each enrolment's row, and two saves that lock the same enrolments in one
	 * order cannot deadlock. (Rosters are short: insertion sort.) */
	size_t *order = nrows ? xmalloc(nrows * sizeof *order) : NULL;
	for (size_t i = 0; i < nrows; i++) {
		size_t k = i;
		for (; k > 0 && rows[order[k - 1]].enrolment_id > rows[i].enrolment_id; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
	for (size_t i = 0; i < nrows && !ret; i++) {
		const struct attendance *in = &rows[order[i]];
		struct attendance old;
		const char *vk[] = { I64(org_id), I64(session_id), I64(in->enrolment_id) };
		ret = pg_r(c, "attendance_save: row", PG_ATT_GET, NVALS(vk), vk, &store_attendance_map, &old, sizeof old);
		if (ret == STORE_NOTFOUND) {
			const char *v[] = { I64(org_id), I64(head.programme_id), I64(session_id), I64(head.on_day),
					    I64(in->enrolment_id), BOOL(in->attended), I64(in->minutes), in->note,
					    ID_OR_NULL(by_user), I64(at) };
			ret = pg_w(c, "attendance_save: insert",
				   "INSERT INTO attendance (org_id, programme_id, session_id, on_day, enrolment_id, "
				   "attended, minutes, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, "
				   "$7, $8, $9, $10)",
				   NVALS(v), v, NULL, NULL);
			ch[nch].existed = false;
		} else if (!ret) {
			if (old.attended == in->attended && old.minutes == in->minutes && !strcmp(old.note, in->note))
				continue;
			const char *v[] = { I64(org_id), I64(old.id), BOOL(in->attended), I64(in->minutes), in->note,
					    ID_OR_NULL(by_user), I64(at) };
			ret = pg_w(c, "attendance_save: update",
				   "UPDATE attendance SET attended = $3, minutes = $4, note = $5, recorded_by = $6, "
				   "recorded_at = $7 WHERE org_id = $1 AND id = $2",
				   NVALS(v), v, NULL, NULL);
			ch[nch].existed = true;
			ch[nch].was_attended = old.attended;
			ch[nch].was_minutes = old.minutes;
			memcpy(ch[nch].was_note, old.note, sizeof old.note);
		}
		if (!ret)
			ret = pg_r(c, "attendance_save: row", PG_ATT_GET, NVALS(vk), vk, &store_attendance_map,
				   &ch[nch++].now, sizeof ch->now);
	}
	free(order);
	ret = pg_end(pg, c, ret, "attendance_save: commit");
	if (ret || !nch) {
		free(ch);
		ch = NULL;
		nch = 0;
	}
	*changes = ch;
	*nchanges = nch;
	return ret;
}

static bool pg_roster_rest(const PGresult *r, int row, void *item)
{
	struct roster_line *l = item;
	return pg_read_map(r, row, store_roster_map.n, &store_attendance_map, &l->a);
}

static int pg_attendance_roster(struct store *s, int64_t org_id, int64_t session_id, struct roster_line **out,
				size_t *n)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(session_id) };
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	/* Everybody in the group on the session's day (member 1) and everybody with a row;
	 * the candidates come from the group and the session, never from the programme. */
	ret = pg_rows(c, "attendance_roster",
		      "WITH s AS (SELECT id, org_id, programme_id, group_id, on_day, kind FROM attendance_sessions "
		      "WHERE org_id = $1 AND id = $2), "
		      "cand AS (SELECT eid, max(member) AS member FROM ("
		      "SELECT m.enrolment_id AS eid, 1 AS member FROM group_members m JOIN s ON m.org_id = s.org_id "
		      "AND m.group_id = s.group_id WHERE m.from_day <= s.on_day "
		      "AND (m.to_day IS NULL OR m.to_day >= s.on_day) "
		      "UNION ALL SELECT a.enrolment_id, 0 FROM attendance a JOIN s ON a.org_id = s.org_id "
		      "AND a.session_id = s.id) AS u GROUP BY eid) "
		      "SELECT e.id, e.person_id, p.given_name, p.family_name, e.status, cand.member, "
		      "a.id IS NOT NULL, a.id, s.org_id, s.id, e.id, a.attended, a.minutes, a.note, a.recorded_by, "
		      "a.recorded_at, s.on_day, s.group_id, s.kind "
		      "FROM cand CROSS JOIN s JOIN enrolments e ON e.org_id = s.org_id AND e.id = cand.eid "
		      "JOIN persons p ON p.org_id = e.org_id AND p.id = e.person_id "
		      "LEFT JOIN attendance a ON a.org_id = s.org_id AND a.session_id = s.id AND a.enrolment_id = e.id "
		      "ORDER BY p.family_key, p.given_key, e.id",
		      NVALS(v), v, &store_roster_map, sizeof **out, (void **)out, n, pg_roster_rest);
	pg_put(pg, c);
	return ret;
}

static int pg_attendance_dates(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
			       int32_t **out, size_t *n)
{
	static const struct store_col day_col[] = { { SCOL_DAY, 0, sizeof(int32_t) } };
	static const struct store_cols day_map = { day_col, 1 };
	const char *v[] = { I64(org_id), I64(enrolment_id), I64(from), I64(to) };
	return pg_list1(s, "attendance_dates",
			"SELECT on_day FROM attendance_days WHERE org_id = $1 AND enrolment_id = $2 "
			"AND on_day >= $3 AND on_day <= $4 ORDER BY on_day",
			NVALS(v), v, &day_map, sizeof **out, (void **)out, n);
}

static int pg_attendance_of_enrolment(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from,
				      int32_t to, struct attendance **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(enrolment_id), I64(from), I64(to) };
	return pg_list1(s, "attendance_of_enrolment",
			"SELECT " STORE_ATTENDANCE_COLS STORE_ATTENDANCE_FROM " WHERE a.org_id = $1 "
			"AND a.enrolment_id = $2 AND a.on_day >= $3 AND a.on_day <= $4 ORDER BY a.on_day, s.start_min, a.id",
			NVALS(v), v, &store_attendance_map, sizeof **out, (void **)out, n);
}

/* ======================================================================================
 * The meeting directory (store.h, issue 5). An import is one transaction: every upsert,
 * every removal, the run and the source's last_run_at, or none of them. The directory's
 * version is bumped by the statement trigger of 003_meetings.sql; its row lock also
 * orders two imports that run at once.
 * ====================================================================================== */

/* The meeting's values $2..$48 in the column order of both statements below. */
#define PG_MEETING_VALS(m)                                                                         \
	(m)->slug, (m)->name, I64((m)->days), PHASE_OR_NULL((m)->start_min), PHASE_OR_NULL((m)->end_min), \
		(m)->timezone, (m)->rrule, (m)->location, (m)->location_notes, (m)->formatted_address, \
		(m)->address, (m)->city, (m)->state, (m)->postal_code, (m)->country,                   \
		(m)->has_geo ? I64((m)->lat_e6) : NULL, (m)->has_geo ? I64((m)->lon_e6) : NULL,        \
		(m)->region, (m)->sub_region, (m)->types, (m)->notes, (m)->group_name, (m)->group_notes, \
		(m)->fellowship, (m)->attendance, (m)->conference_url, (m)->conference_url_notes,      \
		(m)->conference_phone, (m)->conference_phone_notes, (m)->website, (m)->email,          \
		(m)->phone, (m)->url, (m)->contact[0].name, (m)->contact[0].email, (m)->contact[0].phone, \
		(m)->contact[1].name, (m)->contact[1].email, (m)->contact[1].phone, (m)->contact[2].name, \
		(m)->contact[2].email, (m)->contact[2].phone, BOOL((m)->public), ID_OR_NULL((m)->source_id)

#define PG_MEETING_INSERT                                                                          \
	"INSERT INTO meetings (org_id, slug, name, days, start_min, end_min, timezone, rrule, location, " \
	"location_notes, formatted_address, address, city, state, postal_code, country, lat_e6, lon_e6, " \
	"region, sub_region, types, notes, group_name, group_notes, fellowship, attendance, "           \
	"conference_url, conference_url_notes, conference_phone, conference_phone_notes, website, email, " \
	"phone, url, contact_1_name, contact_1_email, contact_1_phone, contact_2_name, contact_2_email, " \
	"contact_2_phone, contact_3_name, contact_3_email, contact_3_phone, public, source_id, "        \
	"created_at, updated_at, updated_by, removed_at, starts_on) VALUES ($1, $2, $3, $4, $5, $6, $7, "  \
	"$8, $9, $10, "                                                                               \
	"$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, "  \
	"$30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, "  \
	"$49, $50) RETURNING id"
#define PG_MEETING_UPDATE                                                                          \
	"UPDATE meetings SET slug = $2, name = $3, days = $4, start_min = $5, end_min = $6, timezone = $7, " \
	"rrule = $8, location = $9, location_notes = $10, formatted_address = $11, address = $12, "   \
	"city = $13, state = $14, postal_code = $15, country = $16, lat_e6 = $17, lon_e6 = $18, "     \
	"region = $19, sub_region = $20, types = $21, notes = $22, group_name = $23, group_notes = $24, " \
	"fellowship = $25, attendance = $26, conference_url = $27, conference_url_notes = $28, "       \
	"conference_phone = $29, conference_phone_notes = $30, website = $31, email = $32, phone = $33, " \
	"url = $34, contact_1_name = $35, contact_1_email = $36, contact_1_phone = $37, "              \
	"contact_2_name = $38, contact_2_email = $39, contact_2_phone = $40, contact_3_name = $41, "   \
	"contact_3_email = $42, contact_3_phone = $43, public = $44, source_id = $45, updated_at = $46, " \
	"updated_by = $47, removed_at = $48, starts_on = $50 WHERE org_id = $1 AND id = $49"

static int pg_meeting_insert(PGconn *c, int64_t org_id, struct meeting *m)
{
	const char *v[] = { I64(org_id),	  PG_MEETING_VALS(m),	     I64(m->created_at),
			    I64(m->updated_at), ID_OR_NULL(m->updated_by), ID_OR_NULL(m->removed_at),
			    DAY_OR_NULL(m->starts_on) };
	return pg_w(c, "meeting_create", PG_MEETING_INSERT, NVALS(v), v, NULL, &m->id);
}

static int pg_meeting_update_on(PGconn *c, int64_t org_id, const struct meeting *m)
{
	const char *v[] = { I64(org_id),		PG_MEETING_VALS(m),	      I64(m->updated_at),
			    ID_OR_NULL(m->updated_by), ID_OR_NULL(m->removed_at), I64(m->id),
			    DAY_OR_NULL(m->starts_on) };
	int changes = 0;
	int ret = pg_w(c, "meeting_update", PG_MEETING_UPDATE, NVALS(v), v, &changes, NULL);
	if (!ret && changes == 0)
		ret = store_error(STORE_NOTFOUND, "meeting_update: not found");
	return ret;
}

static int pg_meeting_create(struct store *s, int64_t org_id, struct meeting *m)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_meeting_insert(c, org_id, m);
	pg_put(pg, c);
	return ret;
}

static int pg_meeting_update(struct store *s, int64_t org_id, struct meeting *m)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_meeting_update_on(c, org_id, m);
	pg_put(pg, c);
	return ret;
}

static int pg_meeting_get(struct store *s, int64_t org_id, int64_t id, struct meeting *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "meeting_get", "SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.org_id = $1 AND m.id = $2",
			NVALS(v), v, &store_meeting_map, out, sizeof *out);
}

static int pg_meeting_get_public(struct store *s, int64_t id, struct meeting *out)
{
	const char *v[] = { I64(id) };
	return pg_read1(s, "meeting_get_public",
			"SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.id = $1 AND m.public AND m.removed_at IS NULL",
			NVALS(v), v, &store_meeting_map, out, sizeof *out);
}

static int pg_meeting_list(struct store *s, int64_t org_id, const struct store_meeting_query *q,
			   struct meeting **out, size_t *n, int64_t *total)
{
	struct buf where = BUF_INIT, count = BUF_INIT, page = BUF_INIT;
	const char *v[4];
	struct num nums[3];
	int nv = 0;
	v[nv++] = num(&nums[0], org_id);
	buf_adds(&where, " FROM meetings m WHERE m.org_id = $1");
	if (!q->q->include_removed)
		buf_adds(&where, " AND m.removed_at IS NULL");
	if (q->like[0]) {
		/* ILIKE: case-insensitive as SQLite's LIKE is for ASCII. */
		v[nv++] = q->like;
		buf_adds(&where, " AND (m.name ILIKE $2 ESCAPE '\\' OR m.slug ILIKE $2 ESCAPE '\\' "
				 "OR m.location ILIKE $2 ESCAPE '\\' OR m.region ILIKE $2 ESCAPE '\\')");
	}
	int ncount = nv;
	buf_addf(&count, "SELECT count(*)%s", where.data);
	buf_addf(&page, "SELECT " STORE_MEETING_COLS "%s ORDER BY m.name, m.id LIMIT $%d OFFSET $%d", where.data,
		 nv + 1, nv + 2);
	v[nv++] = num(&nums[1], q->limit);
	v[nv++] = num(&nums[2], q->offset);
	int ret = pg_count_and_page(pg_of(s), "meeting_list", count.data, ncount, page.data, nv, v,
				    &store_meeting_map, sizeof **out, (void **)out, n, total, NULL);
	buf_release(&page);
	buf_release(&count);
	buf_release(&where);
	return ret;
}

static int pg_meeting_all(struct store *s, int64_t org_id, struct meeting **out, size_t *n)
{
	const char *v[] = { I64(org_id) };
	return pg_list1(s, "meeting_all", "SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.org_id = $1 ORDER BY m.id",
			NVALS(v), v, &store_meeting_map, sizeof **out, (void **)out, n);
}

static int pg_meeting_public_page(struct store *s, int64_t after_id, int limit, struct meeting **out, size_t *n)
{
	const char *v[] = { I64(after_id), I64(limit) };
	return pg_list1(s, "meeting_public_page",
			"SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.public AND m.removed_at IS NULL "
			"AND m.id > $1 ORDER BY m.id LIMIT $2",
			NVALS(v), v, &store_meeting_map, sizeof **out, (void **)out, n);
}

static int pg_directory_version(struct store *s, int64_t *version, int64_t *changed_at)
{
	struct pg_store *pg = pg_of(s);
	PGresult *r;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_exec(c, "directory_version", "SELECT version, changed_at FROM directory_state WHERE id = 1", 0,
		      NULL, &r);
	if (!ret) {
		if (PQntuples(r) != 1 || !get_i64(r, 0, 0, version) || !get_i64(r, 0, 1, changed_at))
			ret = store_error(STORE_ERROR, "postgresql: directory_version: unexpected answer");
		PQclear(r);
	}
	pg_put(pg, c);
	return ret;
}

/* ---- import sources and runs ---- */

static int pg_msource_create(struct store *s, int64_t org_id, struct meeting_source *src)
{
	const char *v[] = { I64(org_id),	 src->name,		  src->url,	     src->format,
			    src->timezone,	 src->fellowship,	  I64(src->interval_hours), I64(src->created_at) };
	return pg_write(pg_of(s), "meeting_source_create",
			"INSERT INTO meeting_sources (org_id, name, url, format, timezone, fellowship, interval_hours, "
			"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			NVALS(v), v, false, &src->id);
}

static int pg_msource_get(struct store *s, int64_t org_id, int64_t id, struct meeting_source *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "meeting_source_get",
			"SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE org_id = $1 AND id = $2", NVALS(v), v,
			&store_msource_map, out, sizeof *out);
}

static int pg_msource_get_by_name(struct store *s, int64_t org_id, const char *name, struct meeting_source *out)
{
	const char *v[] = { I64(org_id), name };
	return pg_read1(s, "meeting_source_get_by_name",
			"SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE org_id = $1 AND name = $2", NVALS(v),
			v, &store_msource_map, out, sizeof *out);
}

static int pg_msource_update(struct store *s, int64_t org_id, const struct meeting_source *src)
{
	const char *v[] = { I64(org_id),   I64(src->id),    src->url, src->format,
			    src->timezone, src->fellowship, I64(src->interval_hours) };
	return pg_write(pg_of(s), "meeting_source_update",
			"UPDATE meeting_sources SET url = $3, format = $4, timezone = $5, fellowship = $6, "
			"interval_hours = $7 WHERE org_id = $1 AND id = $2",
			NVALS(v), v, true, NULL);
}

static int pg_msource_list(struct store *s, int64_t org_id, struct meeting_source **out, size_t *n)
{
	const char *v[] = { I64(org_id) };
	return pg_list1(s, "meeting_source_list",
			"SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE org_id = $1 ORDER BY name COLLATE \"C\", id",
			NVALS(v), v, &store_msource_map, sizeof **out, (void **)out, n);
}

static int pg_msource_due(struct store *s, int64_t now, struct meeting_source **out, size_t *n)
{
	const char *v[] = { I64(now) };
	return pg_list1(s, "meeting_source_due",
			"SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE interval_hours > 0 AND url <> '' "
			"AND (last_run_at IS NULL OR last_run_at + interval_hours * 3600 <= $1) ORDER BY org_id, id",
			NVALS(v), v, &store_msource_map, sizeof **out, (void **)out, n);
}

static int pg_mrun_insert(PGconn *c, int64_t org_id, struct meeting_import_run *run)
{
	const char *v[] = { I64(org_id),	     I64(run->source_id), I64(run->at),	    ID_OR_NULL(run->by_user),
			    run->status,	     I64(run->added),	  I64(run->changed), I64(run->removed),
			    I64(run->unchanged), I64(run->rejected),  run->message };
	return pg_w(c, "meeting_import_run",
		    "INSERT INTO meeting_import_runs (org_id, source_id, at, by_user, status, added, changed, removed, "
		    "unchanged, rejected, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
		    NVALS(v), v, NULL, &run->id);
}

static int pg_mrun_add(struct store *s, int64_t org_id, struct meeting_import_run *run)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (!c)
		return ret;
	ret = pg_mrun_insert(c, org_id, run);
	pg_put(pg, c);
	return ret;
}

static int pg_mrun_list(struct store *s, int64_t org_id, int64_t source_id, int limit,
			struct meeting_import_run **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(source_id), I64(limit) };
	return pg_list1(s, "meeting_run_list",
			"SELECT " STORE_MRUN_COLS " FROM meeting_import_runs WHERE org_id = $1 AND source_id = $2 "
			"ORDER BY at DESC, id DESC LIMIT $3",
			NVALS(v), v, &store_mrun_map, sizeof **out, (void **)out, n);
}

static int pg_meeting_import_apply(struct store *s, int64_t org_id, struct meeting *upserts, size_t nupserts,
				   const int64_t *remove_ids, size_t nremove, struct meeting_import_run *run)
{
	struct pg_store *pg = pg_of(s);
	int ret;
	/* Which rows are new: their ids are handed back only if the transaction commits. */
	bool *fresh = nupserts ? xcalloc(nupserts, sizeof *fresh) : NULL;
	PGconn *c = pg_begin(pg, &ret, "meeting_import: begin", PG_WRITE);
	for (size_t i = 0; !ret && i < nupserts; i++) {
		fresh[i] = upserts[i].id == 0;
		ret = fresh[i] ? pg_meeting_insert(c, org_id, &upserts[i]) : pg_meeting_update_on(c, org_id, &upserts[i]);
	}
	for (size_t i = 0; !ret && i < nremove; i++) {
		const char *v[] = { I64(org_id), I64(remove_ids[i]), I64(run->at) };
		ret = pg_w(c, "meeting_import: remove",
			   "UPDATE meetings SET removed_at = $3, updated_at = $3 WHERE org_id = $1 AND id = $2 "
			   "AND removed_at IS NULL",
			   NVALS(v), v, NULL, NULL);
	}
	if (!ret)
		ret = pg_mrun_insert(c, org_id, run);
	if (!ret) {
		const char *v[] = { I64(org_id), I64(run->source_id), I64(run->at) };
		int changes = 0;
		ret = pg_w(c, "meeting_import: source", "UPDATE meeting_sources SET last_run_at = $3 WHERE org_id = $1 AND id = $2",
			   NVALS(v), v, &changes, NULL);
		if (!ret && changes == 0)
			ret = store_error(STORE_NOTFOUND, "meeting_import: no such source");
	}
	ret = pg_end(pg, c, ret, "meeting_import: commit");
	for (size_t i = 0; ret && i < nupserts; i++)
		if (fresh[i])
			upserts[i].id = 0;
	free(fresh);
	return ret;
}

/* ---- change requests ---- */

static int pg_mcr_create(struct store *s, int64_t org_id, struct meeting_change_request *cr)
{
	const char *v[] = { I64(org_id), I64(cr->meeting_id), cr->meeting_name, cr->name,
			    cr->email,	 cr->message,	      cr->addr_hash,	 I64(cr->created_at) };
	return pg_write(pg_of(s), "meeting_change_request",
			"INSERT INTO meeting_change_requests (org_id, meeting_id, meeting_name, name, email, message, "
			"addr_hash, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8) RETURNING id",
			NVALS(v), v, false, &cr->id);
}

static int pg_mcr_get(struct store *s, int64_t org_id, int64_t id, struct meeting_change_request *out)
{
	const char *v[] = { I64(org_id), I64(id) };
	return pg_read1(s, "meeting_change_request_get",
			"SELECT " STORE_MCR_COLS " FROM meeting_change_requests WHERE org_id = $1 AND id = $2", NVALS(v),
			v, &store_mcr_map, out, sizeof *out);
}

static int pg_mcr_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
		       struct meeting_change_request **out, size_t *n, int64_t *total)
{
	const char *v[] = { I64(org_id), status, I64(limit), I64(offset) };
	return pg_count_and_page(pg_of(s), "meeting_cr_list",
				 "SELECT count(*) FROM meeting_change_requests WHERE org_id = $1 AND ($2 = '' OR status = $2)",
				 2,
				 "SELECT " STORE_MCR_COLS " FROM meeting_change_requests WHERE org_id = $1 "
				 "AND ($2 = '' OR status = $2) ORDER BY created_at, id LIMIT $3 OFFSET $4",
				 4, v, &store_mcr_map, sizeof **out, (void **)out, n, total, NULL);
}

static int pg_mcr_close(struct store *s, int64_t org_id, int64_t id, const char *status, int64_t by_user,
			int64_t at)
{
	struct pg_store *pg = pg_of(s);
	const char *v[] = { I64(org_id), I64(id), status, I64(at), ID_OR_NULL(by_user) };
	int ret, changes = 0;
	PGconn *c = pg_begin(pg, &ret, "meeting_cr_close: begin", PG_WRITE);
	if (!ret)
		ret = pg_w(c, "meeting_cr_close",
			   "UPDATE meeting_change_requests SET status = $3, handled_at = $4, handled_by = $5 "
			   "WHERE org_id = $1 AND id = $2 AND status = 'new'",
			   NVALS(v), v, &changes, NULL);
	if (!ret && changes == 0) {
		int64_t k = 0;
		ret = pg_i(c, "meeting_cr_close: exists",
			   "SELECT count(*) FROM meeting_change_requests WHERE org_id = $1 AND id = $2", 2, v, &k);
		if (!ret)
			ret = k ? store_error(STORE_CONFLICT, "meeting_cr_close: already handled")
				: store_error(STORE_NOTFOUND, "meeting_cr_close: not found");
	}
	return pg_end(pg, c, ret, "meeting_cr_close: commit");
}

static int pg_mcr_count_recent(struct store *s, const char *addr_hash, int64_t since, int64_t *n)
{
	const char *v[] = { addr_hash, I64(since) };
	return pg_int1(s, "meeting_cr_count_recent",
		       "SELECT count(*) FROM meeting_change_requests WHERE addr_hash = $1 AND created_at >= $2",
		       NVALS(v), v, n);
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

/* ---- step work and the plan (issue 4): in its own file, using the helpers above ---- */
#include "store/pg_steps.c"

/* ======================================================================================
 * Twelve Step Facilitation (store.h, issue 5). Kept here, above the operations table,
 * because it reuses this file's static helpers (pg_write, pg_list1…).
 * ====================================================================================== */

static int pg_fac_stance_add(struct store *s, int64_t org_id, struct fac_stance *st)
{
	const char *v[] = { I64(org_id), I64(st->person_id),   st->stance,	    I64(st->on_day),
			    DAY_OR_NULL(st->revisit_on), st->note, ID_OR_NULL(st->by_user), I64(st->at) };
	return pg_write(pg_of(s), "fac_stance_add",
			"INSERT INTO fac_stances (org_id, person_id, stance, on_day, revisit_on, note, by_user, at) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			NVALS(v), v, false, &st->id);
}

static int pg_fac_stance_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			      struct fac_stance **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(person_id), I64(limit) };
	return pg_list1(s, "fac_stance_list",
			"SELECT " STORE_FAC_STANCE_COLS " FROM " STORE_FAC_STANCE_FROM
			" WHERE st.org_id = $1 AND st.person_id = $2 ORDER BY st.on_day DESC, st.id DESC LIMIT $3",
			NVALS(v), v, &store_fac_stance_map, sizeof **out, (void **)out, n);
}

static int pg_fac_action_add(struct store *s, int64_t org_id, struct fac_action *a)
{
	const char *v[] = { I64(org_id), I64(a->person_id), a->kind,		    I64(a->on_day), ID_OR_NULL(a->meeting_id),
			    BOOL(a->stayed), a->note,		 ID_OR_NULL(a->by_user), I64(a->at) };
	return pg_write(pg_of(s), "fac_action_add",
			"INSERT INTO fac_actions (org_id, person_id, kind, on_day, meeting_id, stayed, note, by_user, at) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			NVALS(v), v, false, &a->id);
}

static int pg_fac_action_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			      struct fac_action **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(person_id), I64(limit) };
	return pg_list1(s, "fac_action_list",
			"SELECT " STORE_FAC_ACTION_COLS " FROM " STORE_FAC_ACTION_FROM
			" WHERE a.org_id = $1 AND a.person_id = $2 ORDER BY a.on_day DESC, a.id DESC LIMIT $3",
			NVALS(v), v, &store_fac_action_map, sizeof **out, (void **)out, n);
}

static int pg_fac_meeting_add(struct store *s, int64_t org_id, struct fac_meeting *m)
{
	const char *v[] = { I64(org_id),	 I64(m->person_id), I64(m->on_day), ID_OR_NULL(m->meeting_id),
			    m->name,		 BOOL(m->accompanied), BOOL(m->stayed), m->source,
			    ID_OR_NULL(m->by_user), I64(m->at) };
	return pg_write(pg_of(s), "fac_meeting_add",
			"INSERT INTO fac_meeting_log (org_id, person_id, on_day, meeting_id, name, accompanied, stayed, "
			"source, by_user, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
			NVALS(v), v, false, &m->id);
}

static int pg_fac_meeting_list(struct store *s, int64_t org_id, int64_t person_id, int limit, int offset,
			       struct fac_meeting **out, size_t *n, int64_t *total)
{
	const char *v[] = { I64(org_id), I64(person_id), I64(limit), I64(offset) };
	return pg_count_and_page(pg_of(s), "fac_meeting_list",
				 "SELECT count(*) FROM fac_meeting_log WHERE org_id = $1 AND person_id = $2", 2,
				 "SELECT " STORE_FAC_MEETING_COLS " FROM " STORE_FAC_MEETING_FROM
				 " WHERE l.org_id = $1 AND l.person_id = $2 ORDER BY l.on_day DESC, l.id DESC "
				 "LIMIT $3 OFFSET $4",
				 4, v, &store_fac_meeting_map, sizeof **out, (void **)out, n, total, NULL);
}

static int pg_fac_meeting_days(struct store *s, int64_t org_id, int64_t person_id, int32_t from, int32_t to,
			       int32_t **days, size_t *n)
{
	const char *v[] = { I64(org_id), I64(person_id), I64(from), I64(to) };
	return pg_list1(s, "fac_meeting_days",
			"SELECT on_day FROM fac_meeting_log WHERE org_id = $1 AND person_id = $2 "
			"AND on_day >= $3 AND on_day <= $4 ORDER BY on_day, id",
			NVALS(v), v, &store_fac_day_map, sizeof **days, (void **)days, n);
}

/* One round trip for a caseload page instead of two per row. */
static int pg_fac_engagement(struct store *s, int64_t org_id, const int64_t *person_ids, size_t n, int32_t from,
			     int32_t to, struct fac_engagement *out)
{
	struct pg_store *pg = pg_of(s);
	struct buf arr = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&arr, "%s%" PRId64, i ? "," : "{", person_ids[i]);
	buf_addch(&arr, '}');
	const char *v[] = { I64(org_id), arr.data, I64(from), I64(to) };
	PGresult *r = NULL;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (c) {
		ret = pg_exec(c, "fac_engagement",
			      "SELECT i.ord, (SELECT count(*) FROM fac_meeting_log m WHERE m.org_id = $1 "
			      "AND m.person_id = i.id AND m.on_day >= $3 AND m.on_day <= $4), coalesce(f.sponsor, '') "
			      "FROM unnest($2::bigint[]) WITH ORDINALITY AS i (id, ord) "
			      "LEFT JOIN fac_profile f ON f.org_id = $1 AND f.person_id = i.id",
			      NVALS(v), v, &r);
		for (int row = 0; !ret && row < PQntuples(r); row++) {
			int64_t ord, count;
			if (!get_i64(r, row, 0, &ord) || ord < 1 || (size_t)ord > n || !get_i64(r, row, 1, &count) ||
			    !GET_TEXT(r, row, 2, out[ord - 1].sponsor))
				ret = store_error(STORE_ERROR, "postgresql: fac_engagement: unexpected answer");
			else
				out[ord - 1].meetings = (int)count;
		}
		PQclear(r);
		pg_put(pg, c);
	}
	buf_release(&arr);
	return ret;
}

static int plan_version_by_enrolment(const void *a, const void *b)
{
	const struct store_plan_version *x = a, *y = b;
	return (x->enrolment_id > y->enrolment_id) - (x->enrolment_id < y->enrolment_id);
}

/* One statement for both: a row per (person, enrolment) pair with the person's engagement
 * and the enrolment's latest plan version (the UNIQUE key's index, backwards; NULLs when
 * there is none). */
static int pg_caseload_columns(struct store *s, int64_t org_id, const int64_t *enrolment_ids,
			       const int64_t *person_ids, size_t n, int32_t from, int32_t to,
			       struct store_plan_version **plans, size_t *nplans, struct fac_engagement *eg)
{
	struct pg_store *pg = pg_of(s);
	struct buf pa = BUF_INIT, ea = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_addf(&pa, "%s%" PRId64, i ? "," : "{", person_ids[i]);
		buf_addf(&ea, "%s%" PRId64, i ? "," : "{", enrolment_ids[i]);
	}
	buf_addch(&pa, '}');
	buf_addch(&ea, '}');
	const char *v[] = { I64(org_id), pa.data, ea.data, I64(from), I64(to) };
	PGresult *r = NULL;
	struct store_plan_version *arr = NULL;
	size_t count = 0;
	int ret;
	PGconn *c = pg_get(pg, &ret);
	if (c) {
		ret = pg_exec(c, "caseload_columns",
			      "SELECT pv.enrolment_id, pv.number, pv.author, pv.created_at, pv.json, i.ord, "
			      "(SELECT count(*) FROM fac_meeting_log m WHERE m.org_id = $1 AND m.person_id = i.pid "
			      "AND m.on_day >= $4 AND m.on_day <= $5), coalesce(f.sponsor, '') "
			      "FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS i (pid, eid, ord) "
			      "LEFT JOIN fac_profile f ON f.org_id = $1 AND f.person_id = i.pid "
			      "LEFT JOIN LATERAL (SELECT " STORE_PLAN_COLS ", json FROM plan_versions "
			      "WHERE org_id = $1 AND enrolment_id = i.eid ORDER BY number DESC LIMIT 1) pv ON true",
			      NVALS(v), v, &r);
		int rows = ret ? 0 : PQntuples(r);
		arr = rows ? xcalloc((size_t)rows, sizeof *arr) : NULL;
		for (int row = 0; !ret && row < rows; row++) {
			int64_t ord, meetings;
			if (!get_i64(r, row, 5, &ord) || ord < 1 || (size_t)ord > n || !get_i64(r, row, 6, &meetings) ||
			    !GET_TEXT(r, row, 7, eg[ord - 1].sponsor)) {
				ret = store_error(STORE_ERROR, "postgresql: caseload_columns: unexpected answer");
				break;
			}
			eg[ord - 1].meetings = (int)meetings;
			if (PQgetisnull(r, row, 0))
				continue;
			struct store_plan_version pv = { 0 };
			if (!pg_read_map(r, row, 0, &steps_plan_map, &pv)) {
				ret = too_long("caseload_columns");
				break;
			}
			bool seen = false; /* an enrolment twice in the list: its plan once */
			for (size_t k = 0; k < count && !seen; k++)
				seen = arr[k].enrolment_id == pv.enrolment_id;
			if (seen)
				continue;
			if (!PQgetisnull(r, row, 4))
				pv.json = xstrndup(PQgetvalue(r, row, 4), (size_t)PQgetlength(r, row, 4));
			arr[count++] = pv;
		}
		PQclear(r);
		pg_put(pg, c);
	}
	buf_release(&pa);
	buf_release(&ea);
	if (ret) {
		store_plan_versions_free(arr, count);
		return ret;
	}
	if (count)
		qsort(arr, count, sizeof *arr, plan_version_by_enrolment);
	*plans = count ? arr : NULL;
	*nplans = count;
	if (!count)
		free(arr);
	return STORE_OK;
}

static int pg_fac_profile_get(struct store *s, int64_t org_id, int64_t person_id, struct fac_profile *out)
{
	const char *v[] = { I64(org_id), I64(person_id) };
	return pg_read1(s, "fac_profile_get",
			"SELECT " STORE_FAC_PROFILE_COLS " FROM fac_profile WHERE org_id = $1 AND person_id = $2",
			NVALS(v), v, &store_fac_profile_map, out, sizeof *out);
}

static int pg_fac_profile_set(struct store *s, int64_t org_id, const struct fac_profile *p)
{
	const char *v[] = { I64(org_id),	    I64(p->person_id), p->sponsor, DAY_OR_NULL(p->sponsor_since),
			    p->home_group, ID_OR_NULL(p->updated_by), I64(p->updated_at) };
	return pg_write(pg_of(s), "fac_profile_set",
			"INSERT INTO fac_profile (org_id, person_id, sponsor, sponsor_since, home_group, updated_by, "
			"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, person_id) DO UPDATE SET "
			"sponsor = excluded.sponsor, sponsor_since = excluded.sponsor_since, "
			"home_group = excluded.home_group, updated_by = excluded.updated_by, "
			"updated_at = excluded.updated_at",
			NVALS(v), v, false, NULL);
}

static int pg_fac_revisits_due(struct store *s, int64_t org_id, int64_t therapist_id, int32_t today, int limit,
			       struct fac_revisit **out, size_t *n)
{
	const char *v[] = { I64(org_id), I64(today), I64(therapist_id), I64(limit) };
	return pg_list1(s, "fac_revisits_due",
			"SELECT " STORE_FAC_REVISIT_COLS " FROM fac_stances st JOIN persons p ON p.org_id = st.org_id "
			"AND p.id = st.person_id WHERE st.org_id = $1 AND st.stance = 'declines' "
			"AND st.revisit_on <= $2 AND NOT EXISTS (SELECT 1 FROM fac_stances n "
			"WHERE n.org_id = st.org_id AND n.person_id = st.person_id "
			"AND (n.on_day > st.on_day OR (n.on_day = st.on_day AND n.id > st.id))) "
			"AND ($3::bigint = 0 OR EXISTS (SELECT 1 FROM enrolments e WHERE e.org_id = st.org_id "
			"AND e.person_id = st.person_id AND e.therapist_id = $3::bigint "
			"AND e.status IN ('active', 'paused'))) ORDER BY st.revisit_on, p.id LIMIT $4",
			NVALS(v), v, &store_fac_revisit_map, sizeof **out, (void **)out, n);
}

/* ---- end of Twelve Step Facilitation ---- */

/* ======================================================================================
 * Clinical notes (store.h, issue 4): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_notes.c"
/* ---- end of Clinical notes ---- */

/* ======================================================================================
 * Group sessions and workshops (store.h, issue 4): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_sessions.c"
/* ---- end of Group sessions and workshops ---- */

/* ======================================================================================
 * The programme report (store.h, issue 7): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_report.c"
/* ---- end of The programme report ---- */

/* ======================================================================================
 * Therapist training (store.h, issue 7): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_training.c"
/* ---- end of Therapist training ---- */

/* ======================================================================================
 * The network report (store.h, issue 7): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_network.c"
/* ---- end of The network report ---- */

/* ======================================================================================
 * Relapses (store.h, issue 6): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_relapses.c"
/* ---- end of Relapses ---- */

/* ======================================================================================
 * Outcome measures (store.h, issue 6): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_outcomes.c"
/* ---- end of Outcome measures ---- */

/* ======================================================================================
 * Sobriety tests (store.h, issue 6): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/pg_sobriety.c"
/* ---- end of Sobriety tests ---- */

/* ======================================================================================
 * An organisation's own questionnaire definitions (store.h, issue 6): in its own file.
 * ====================================================================================== */
#include "store/pg_orgq.c"
/* ---- end of An organisation's own questionnaire definitions ---- */

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
	.session_principal = pg_session_principal,
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
	.audit_subjects = pg_audit_subjects,
	.programme_create = pg_programme_create,
	.programme_get = pg_programme_get,
	.programme_list = pg_programme_list,
	.programme_update = pg_programme_update,
	.closed_date_add = pg_closed_date_add,
	.closed_date_remove = pg_closed_date_remove,
	.closed_date_list = pg_closed_date_list,
	.programme_list_closed = pg_programme_list_closed,
	.group_create = pg_group_create,
	.group_get = pg_group_get,
	.group_list = pg_group_list,
	.group_update = pg_group_update,
	.group_member_add = pg_group_member_add,
	.group_member_end = pg_group_member_end,
	.group_member_list = pg_group_member_list,
	.group_member_count = pg_group_member_count,
	.waiting_add = pg_waiting_add,
	.waiting_list = pg_waiting_list,
	.waiting_remove = pg_waiting_remove,
	.waiting_promote = pg_waiting_promote,
	.refsource_seed = pg_refsource_seed,
	.refsource_add = pg_refsource_add,
	.refsource_update = pg_refsource_update,
	.refsource_list = pg_refsource_list,
	.person_create = pg_person_create,
	.person_get = pg_person_get,
	.person_update = pg_person_update,
	.person_list = pg_person_list,
	.person_count = pg_person_count,
	.person_duplicates = pg_person_duplicates,
	.referral_create = pg_referral_create,
	.referral_get = pg_referral_get,
	.referral_list = pg_referral_list,
	.referral_set_status = pg_referral_set_status,
	.referral_link_person = pg_referral_link_person,
	.referral_history = pg_referral_history,
	.selfref_create = pg_selfref_create,
	.selfref_get = pg_selfref_get,
	.selfref_list = pg_selfref_list,
	.selfref_take = pg_selfref_take,
	.selfref_discard = pg_selfref_discard,
	.selfref_count_recent = pg_selfref_count_recent,
	.enrolment_create = pg_enrolment_create,
	.enrolment_get = pg_enrolment_get,
	.enrolment_change = pg_enrolment_change,
	.enrolment_events = pg_enrolment_events,
	.enrolment_list = pg_enrolment_list,
	.enrolment_phase_counts = pg_enrolment_phase_counts,
	.att_session_create = pg_att_session_create,
	.att_session_get = pg_att_session_get,
	.att_session_for_group = pg_att_session_for_group,
	.att_session_list = pg_att_session_list,
	.attendance_save = pg_attendance_save,
	.attendance_roster = pg_attendance_roster,
	.attendance_dates = pg_attendance_dates,
	.attendance_of_enrolment = pg_attendance_of_enrolment,
	.meeting_create = pg_meeting_create,
	.meeting_get = pg_meeting_get,
	.meeting_get_public = pg_meeting_get_public,
	.meeting_update = pg_meeting_update,
	.meeting_list = pg_meeting_list,
	.meeting_all = pg_meeting_all,
	.meeting_public_page = pg_meeting_public_page,
	.directory_version = pg_directory_version,
	.msource_create = pg_msource_create,
	.msource_get = pg_msource_get,
	.msource_get_by_name = pg_msource_get_by_name,
	.msource_update = pg_msource_update,
	.msource_list = pg_msource_list,
	.msource_due = pg_msource_due,
	.mrun_add = pg_mrun_add,
	.mrun_list = pg_mrun_list,
	.meeting_import_apply = pg_meeting_import_apply,
	.mcr_create = pg_mcr_create,
	.mcr_get = pg_mcr_get,
	.mcr_list = pg_mcr_list,
	.mcr_close = pg_mcr_close,
	.mcr_count_recent = pg_mcr_count_recent,
	.fac_stance_add = pg_fac_stance_add,
	.fac_stance_list = pg_fac_stance_list,
	.fac_action_add = pg_fac_action_add,
	.fac_action_list = pg_fac_action_list,
	.fac_meeting_add = pg_fac_meeting_add,
	.fac_meeting_list = pg_fac_meeting_list,
	.fac_meeting_days = pg_fac_meeting_days,
	.fac_profile_get = pg_fac_profile_get,
	.fac_engagement = pg_fac_engagement,
	.caseload_columns = pg_caseload_columns,
	.fac_profile_set = pg_fac_profile_set,
	.fac_revisits_due = pg_fac_revisits_due,
	.steps_get = pg_steps_get,
	.step_change = pg_step_change,
	.step_events = pg_step_events,
	.plan_save = pg_plan_save,
	.plan_get = pg_plan_get,
	.plan_versions = pg_plan_versions,
	.plan_latest_many = pg_plan_latest_many,
	.steps_get_many = pg_steps_get_many,
	.step_wording_get = pg_step_wording_get,
	.step_wording_set = pg_step_wording_set,
	.note_create = pg_note_create,
	.note_update = pg_note_update,
	.note_delete = pg_note_delete,
	.note_sign = pg_note_sign,
	.note_addendum_add = pg_note_addendum_add,
	.note_get = pg_note_get,
	.note_list = pg_note_list,
	.note_heads = pg_note_heads,
	.note_draft_count = pg_note_draft_count,
	.note_drafts_overdue = pg_note_drafts_overdue,
	.session_details_get = pg_session_details_get,
	.session_details_set = pg_session_details_set,
	.session_group_notes = pg_session_group_notes,
	.report_rows = pg_report_rows,
	.training_courses = pg_training_courses,
	.training_course_add = pg_training_course_add,
	.training_records = pg_training_records,
	.training_set = pg_training_set,
	.training_certified_count = pg_training_certified_count,
	.session_override_get = pg_session_override_get,
	.session_override_set = pg_session_override_set,
	.relapse_create = pg_relapse_create,
	.relapse_update = pg_relapse_update,
	.relapse_get = pg_relapse_get,
	.relapse_by_test = pg_relapse_by_test,
	.relapse_list = pg_relapse_list,
	.sober_since_get = pg_sober_since_get,
	.sober_since_set = pg_sober_since_set,
	.relapse_settings_get = pg_relapse_settings_get,
	.relapse_settings_set = pg_relapse_settings_set,
	.outcome_add = pg_outcome_add,
	.outcome_get = pg_outcome_get,
	.outcome_list = pg_outcome_list,
	.outcome_mark_error = pg_outcome_mark_error,
	.outcome_open_events = pg_outcome_open_events,
	.outcome_points = pg_outcome_points,
	.outcome_point_add = pg_outcome_point_add,
	.outcome_point_remove = pg_outcome_point_remove,
	.outcome_schedule_seed = pg_outcome_schedule_seed,
	.outcome_link_create = pg_outcome_link_create,
	.outcome_link_find = pg_outcome_link_find,
	.outcome_link_list = pg_outcome_link_list,
	.outcome_link_consume = pg_outcome_link_consume,
	.outcome_attempt = pg_outcome_attempt,
	.network_join = pg_network_join,
	.network_leave = pg_network_leave,
	.network_member_get = pg_network_member_get,
	.network_members = pg_network_members,
	.network_import_put = pg_network_import_put,
	.network_import_list = pg_network_import_list,
	.network_import_body = pg_network_import_body,
	.network_import_remove = pg_network_import_remove,
	.orgq_put = pg_orgq_put,
	.orgq_get = pg_orgq_get,
	.orgq_body = pg_orgq_body,
	.orgq_list = pg_orgq_list,
	.orgq_remove = pg_orgq_remove,
	.substance_seed = pg_substance_seed,
	.substance_list = pg_substance_list,
	.substance_add = pg_substance_add,
	.substance_update = pg_substance_update,
	.substance_delete = pg_substance_delete,
	.sob_test_create = pg_sob_test_create,
	.sob_test_get = pg_sob_test_get,
	.sob_test_list = pg_sob_test_list,
	.sob_test_lab = pg_sob_test_lab,
	.sob_med_add = pg_sob_med_add,
	.sob_med_end = pg_sob_med_end,
	.sob_med_list = pg_sob_med_list,
	.sob_rule_set = pg_sob_rule_set,
	.sob_rule_list = pg_sob_rule_list,
	.sob_zero_get = pg_sob_zero_get,
	.sob_zero_set = pg_sob_zero_set,
	.sob_draw_put = pg_sob_draw_put,
	.sob_draw_list = pg_sob_draw_list,
	.sob_selected_count = pg_sob_selected_count,
	.sob_fairness = pg_sob_fairness,
	.testing_exec = pg_testing_exec,
};
