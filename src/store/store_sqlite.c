/* store_sqlite.c: the SQLite backend — a pool of connections to one WAL-mode file.
 *
 * Connections: pool_size connections, each used by one thread at a time (checked out
 * under a mutex, handed back with a condition variable), so readers never serialise.
 * SQLite has one writer per file; writers in this process queue on write_lock instead
 * of spinning in the busy handler, and writers in other processes are waited for by
 * busy_timeout. Multi-statement writes use BEGIN IMMEDIATE, which takes the write lock
 * up front: a deferred transaction that reads and then writes can fail with
 * SQLITE_BUSY when another connection wrote in between, and no amount of waiting helps.
 *
 * Durability: journal_mode=WAL with synchronous=FULL syncs the WAL on every commit,
 * so a write that returned STORE_OK survives power loss.
 *
 * Statements: each connection caches its prepared statements, keyed by the address of
 * the SQL text (the SQL_* constants below), so a call costs a bind and a step.
 */
#include "store/backend.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"

enum { BUSY_TIMEOUT_MS = 5000 };

struct sq_cached {
	const char *sql;
	sqlite3_stmt *st;
};

/* A statement of SQL built at run time (optional filters), cached by its text: the
 * combinations of filters are few, so a small ring per connection keeps them prepared. */
enum { SQ_DYN_CACHE = 32 };
struct sq_dyncached {
	char *sql; /* owned copy */
	sqlite3_stmt *st;
};

struct sq_conn {
	sqlite3 *db;
	bool busy;
	struct sq_cached *cache;
	size_t ncache, capcache;
	struct sq_dyncached dyn[SQ_DYN_CACHE];
	size_t ndyn, nextdyn;
};

/* The WAL is checkpointed by a thread of its own (PASSIVE: it never blocks readers or
 * writers) instead of by whichever commit crosses SQLite's threshold: a checkpoint
 * writes and fsyncs the database file, and inside a commit it would stall that request
 * and every request queued behind the audit writer. Commits set `pending` (the WAL hook)
 * when the WAL has grown past SQ_CHECKPOINT_PAGES; the thread also checkpoints what is
 * left every SQ_CHECKPOINT_MS. Durability is unchanged: a commit is durable once its WAL
 * frames are synced (synchronous=FULL). */
enum { SQ_CHECKPOINT_PAGES = 1000, SQ_CHECKPOINT_MS = 1000 };

struct sq_store {
	struct store base;
	char *path;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_mutex_t write_lock;
	struct sq_conn *conns;
	int nconns;
	sqlite3 *ckpt_db;         /* the checkpointer's own connection */
	pthread_t ckpt_thread;
	bool ckpt_running, ckpt_stop, ckpt_pending;
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_cond;
};

static struct sq_store *sq_of(struct store *s)
{
	return (struct sq_store *)s;
}

/* ---- errors ---- */

/* Maps an SQLite failure onto a store status. The message is sqlite3_errmsg, which
 * names constraints and columns but never bound values. */
static int sq_fail(sqlite3 *db, const char *what)
{
	int ext = sqlite3_extended_errcode(db);
	int status = STORE_ERROR;
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		status = STORE_CONFLICT;
	else if ((ext & 0xff) == SQLITE_CONSTRAINT || ext == SQLITE_TOOBIG || ext == SQLITE_MISMATCH)
		status = STORE_INVALID;
	else if ((ext & 0xff) == SQLITE_CANTOPEN)
		status = STORE_UNAVAILABLE;
	return store_error(status, "sqlite: %s: %s", what, sqlite3_errmsg(db));
}

/* ---- the pool ---- */

static struct sq_conn *sq_get(struct sq_store *sq, bool write)
{
	struct sq_conn *c = NULL;
	pthread_mutex_lock(&sq->lock);
	for (;;) {
		for (int i = 0; i < sq->nconns; i++) {
			if (!sq->conns[i].busy) {
				c = &sq->conns[i];
				break;
			}
		}
		if (c)
			break;
		pthread_cond_wait(&sq->cond, &sq->lock);
	}
	c->busy = true;
	pthread_mutex_unlock(&sq->lock);
	/* Taken after the connection: the holder of write_lock already has its connection
	 * and never waits for another, so the two cannot deadlock. */
	if (write)
		pthread_mutex_lock(&sq->write_lock);
	return c;
}

static void sq_put(struct sq_store *sq, struct sq_conn *c, bool write)
{
	/* A statement left mid-step would hold a read snapshot open forever. */
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	if (write)
		pthread_mutex_unlock(&sq->write_lock);
	pthread_mutex_lock(&sq->lock);
	c->busy = false;
	pthread_cond_signal(&sq->cond);
	pthread_mutex_unlock(&sq->lock);
}

/* The cached statement for sql (one of the constants below), prepared on first use. */
static sqlite3_stmt *sq_stmt(struct sq_conn *c, const char *sql)
{
	for (size_t i = 0; i < c->ncache; i++)
		if (c->cache[i].sql == sql)
			return c->cache[i].st;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sq_fail(c->db, "prepare");
		return NULL;
	}
	c->cache = xgrow(c->cache, &c->capcache, c->ncache + 1, sizeof *c->cache);
	c->cache[c->ncache++] = (struct sq_cached){ sql, st };
	return st;
}

static void sq_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Binding: text is bound SQLITE_STATIC — it outlives the step in every caller. */
static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

/* Organisation references are NULL in the tables where the interface says 0. */
static int bind_id_or_null(sqlite3_stmt *st, int i, int64_t v)
{
	return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

static bool col_text(sqlite3_stmt *st, int i, char *dst, size_t dstlen)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	if (!v) {
		dst[0] = '\0';
		return true;
	}
	return store_copy_field(dst, dstlen, v, (size_t)sqlite3_column_bytes(st, i));
}

#define COL_TEXT(st, i, field) col_text((st), (i), (field), sizeof(field))

static int too_long(const char *what)
{
	return store_error(STORE_ERROR, "sqlite: %s: a stored value does not fit its field", what);
}

/* Steps a statement that returns no rows; resets it. */
static int sq_run(struct sq_conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_DONE ? STORE_OK : sq_fail(c->db, what);
	sq_done(st);
	return ret;
}

static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_BEGIN_IMMEDIATE[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";

static int sq_simple(struct sq_conn *c, const char *sql, const char *what)
{
	sqlite3_stmt *st = sq_stmt(c, sql);
	if (!st)
		return STORE_ERROR;
	return sq_run(c, st, what);
}

static void sq_rollback(struct sq_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- open / close ---- */

static void sq_close_conn(struct sq_conn *c)
{
	for (size_t i = 0; i < c->ncache; i++)
		sqlite3_finalize(c->cache[i].st);
	free(c->cache);
	c->cache = NULL;
	c->ncache = c->capcache = 0;
	for (size_t i = 0; i < c->ndyn; i++) {
		sqlite3_finalize(c->dyn[i].st);
		free(c->dyn[i].sql);
		c->dyn[i] = (struct sq_dyncached){ NULL, NULL };
	}
	c->ndyn = c->nextdyn = 0;
	sqlite3_close(c->db); /* NULL is a harmless no-op */
	c->db = NULL;
}

static void sq_ckpt_stop(struct sq_store *sq)
{
	if (sq->ckpt_running) {
		pthread_mutex_lock(&sq->ckpt_lock);
		sq->ckpt_stop = true;
		pthread_cond_signal(&sq->ckpt_cond);
		pthread_mutex_unlock(&sq->ckpt_lock);
		pthread_join(sq->ckpt_thread, NULL);
		sq->ckpt_running = false;
	}
	sqlite3_close(sq->ckpt_db); /* NULL is a harmless no-op */
	sq->ckpt_db = NULL;
}

static void sq_close(struct store *s)
{
	struct sq_store *sq = sq_of(s);
	sq_ckpt_stop(sq);
	pthread_mutex_destroy(&sq->ckpt_lock);
	pthread_cond_destroy(&sq->ckpt_cond);
	for (int i = 0; i < sq->nconns; i++)
		sq_close_conn(&sq->conns[i]);
	free(sq->conns);
	pthread_mutex_destroy(&sq->lock);
	pthread_cond_destroy(&sq->cond);
	pthread_mutex_destroy(&sq->write_lock);
	free(sq->path);
	free(sq);
}

/* After every commit on a pool connection (SQLite's WAL hook): wake the checkpointer
 * once the WAL holds SQ_CHECKPOINT_PAGES frames. */
static int sq_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	struct sq_store *sq = arg;
	if (pages >= SQ_CHECKPOINT_PAGES) {
		pthread_mutex_lock(&sq->ckpt_lock);
		sq->ckpt_pending = true;
		pthread_cond_signal(&sq->ckpt_cond);
		pthread_mutex_unlock(&sq->ckpt_lock);
	}
	return SQLITE_OK;
}

static void *sq_ckpt_main(void *arg)
{
	struct sq_store *sq = arg;
	pthread_mutex_lock(&sq->ckpt_lock);
	while (!sq->ckpt_stop) {
		if (!sq->ckpt_pending) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += SQ_CHECKPOINT_MS / 1000;
			until.tv_nsec += (long)(SQ_CHECKPOINT_MS % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&sq->ckpt_cond, &sq->ckpt_lock, &until);
			if (sq->ckpt_stop)
				break;
		}
		sq->ckpt_pending = false;
		pthread_mutex_unlock(&sq->ckpt_lock);
		/* PASSIVE: copies what no reader still needs; SQLITE_BUSY is not an error here. */
		sqlite3_wal_checkpoint_v2(sq->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&sq->ckpt_lock);
	}
	pthread_mutex_unlock(&sq->ckpt_lock);
	return NULL;
}

static int sq_ckpt_start(struct sq_store *sq)
{
	if (sqlite3_open_v2(sq->path, &sq->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return store_error(STORE_UNAVAILABLE, "sqlite: cannot open the checkpoint connection");
	sqlite3_busy_timeout(sq->ckpt_db, BUSY_TIMEOUT_MS);
	if (sqlite3_exec(sq->ckpt_db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(sq->ckpt_db, "checkpoint connection settings");
	if (pthread_create(&sq->ckpt_thread, NULL, sq_ckpt_main, sq) != 0)
		return store_error(STORE_UNAVAILABLE, "sqlite: cannot start the checkpoint thread");
	sq->ckpt_running = true;
	return STORE_OK;
}

static int sq_open_conn(struct sq_store *sq, struct sq_conn *c, bool first)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(sq->path, &c->db, flags, NULL) != SQLITE_OK) {
		if (!c->db)
			return store_error(STORE_UNAVAILABLE, "sqlite: cannot open the database: out of memory");
		return store_error(STORE_UNAVAILABLE, "sqlite: cannot open the database: %s", sqlite3_errmsg(c->db));
	}
	sqlite3_extended_result_codes(c->db, 1);
	/* Before anything that locks: another process may be writing right now. */
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	if (first) {
		/* journal_mode is a property of the file; it answers the mode it ended up in. */
		sqlite3_stmt *st = NULL;
		int ok = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK &&
			 sqlite3_step(st) == SQLITE_ROW &&
			 !sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		if (!ok)
			return store_error(STORE_UNAVAILABLE, "sqlite: cannot switch the database to WAL mode: %s",
					   sqlite3_errmsg(c->db));
	}
	/* mmap: every write by one connection invalidates the other connections' page
	 * caches, and re-reading pages through read() copies them; mapped, a re-read is a
	 * memory access. (Durability is unchanged: writes still go through the WAL.) */
	if (sqlite3_exec(c->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(c->db, "connection settings");
	/* Checkpoints are the checkpointer thread's (see struct sq_store), not the commits'. */
	sqlite3_wal_hook(c->db, sq_wal_hook, sq);
	return STORE_OK;
}

/* SQLite's memory statistics take one process-wide mutex on every allocation, which
 * every connection of every thread then queues on; tolv never reads the statistics.
 * Must be set before SQLite initialises, hence once, before the first open. */
static void sq_configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *path, int pool_size, struct store **out)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, sq_configure_once);
	if (!sqlite3_threadsafe())
		return store_error(STORE_UNAVAILABLE, "sqlite: the library was built without thread support");
	if (store_mkdir_parents(path) < 0)
		return store_error(STORE_UNAVAILABLE, "sqlite: cannot create the database's folder: %s", strerror(errno));
	/* The file holds personal data: create it readable by its owner only (SQLite gives
	 * the -wal and -shm files the same mode). */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return store_error(STORE_UNAVAILABLE, "sqlite: cannot open the database file: %s", strerror(errno));
	close(fd);

	struct sq_store *sq = xcalloc(1, sizeof *sq);
	sq->base.ops = &store_sqlite_ops;
	sq->path = xstrdup(path);
	pthread_mutex_init(&sq->lock, NULL);
	pthread_cond_init(&sq->cond, NULL);
	pthread_mutex_init(&sq->write_lock, NULL);
	pthread_mutex_init(&sq->ckpt_lock, NULL);
	pthread_cond_init(&sq->ckpt_cond, NULL);
	sq->conns = xcalloc((size_t)pool_size, sizeof *sq->conns);
	sq->nconns = pool_size;
	for (int i = 0; i < pool_size; i++) {
		int ret = sq_open_conn(sq, &sq->conns[i], i == 0);
		if (ret) {
			sq_close(&sq->base);
			return ret;
		}
	}
	int ret = sq_ckpt_start(sq);
	if (ret) {
		sq_close(&sq->base);
		return ret;
	}
	*out = &sq->base;
	return STORE_OK;
}

static int sq_ping(struct store *s)
{
	static const char sql[] = "SELECT 1";
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	sqlite3_stmt *st = sq_stmt(c, sql);
	int ret = STORE_ERROR;
	if (st) {
		ret = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1 ? STORE_OK : sq_fail(c->db, "ping");
		sq_done(st);
	}
	sq_put(sq, c, false);
	return ret;
}

/* ---- migrations ---- */

static const char SQL_MIGRATIONS_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
	"name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT";
static const char SQL_MIGRATION_DONE[] = "SELECT 1 FROM schema_migrations WHERE version = ?1";
static const char SQL_MIGRATION_RECORD[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)";

/* One migration in its own BEGIN IMMEDIATE transaction. The "already applied?" check is
 * inside the transaction, so a second process that waited for our lock skips it. */
static int sq_migrate_one(struct sq_conn *c, const struct store_migration *m, int *applied)
{
	int ret = sq_simple(c, SQL_BEGIN_IMMEDIATE, "migrate: begin");
	if (ret)
		return ret;
	sqlite3_stmt *st = sq_stmt(c, SQL_MIGRATION_DONE);
	if (!st)
		goto fail;
	bind_i64(st, 1, m->version);
	int rc = sqlite3_step(st);
	sq_done(st);
	if (rc == SQLITE_ROW)
		return sq_simple(c, SQL_COMMIT, "migrate: commit");
	if (rc != SQLITE_DONE) {
		ret = sq_fail(c->db, "migrate: check");
		goto fail;
	}
	if (sqlite3_exec(c->db, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
		ret = sq_fail(c->db, "migrate: apply");
		store_error(ret, "sqlite: migration %03d_%s failed: %s", m->version, m->name, sqlite3_errmsg(c->db));
		goto fail;
	}
	st = sq_stmt(c, SQL_MIGRATION_RECORD);
	if (!st)
		goto fail;
	bind_i64(st, 1, m->version);
	bind_text(st, 2, m->name);
	bind_i64(st, 3, now_seconds());
	if ((ret = sq_run(c, st, "migrate: record")))
		goto fail;
	if ((ret = sq_simple(c, SQL_COMMIT, "migrate: commit")))
		goto fail;
	(*applied)++;
	return STORE_OK;
fail:
	sq_rollback(c);
	return ret ? ret : STORE_ERROR;
}

static int sq_migrate(struct store *s, int *applied)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret;
	*applied = 0;
	if (sqlite3_exec(c->db, SQL_MIGRATIONS_TABLE, NULL, NULL, NULL) != SQLITE_OK) {
		ret = sq_fail(c->db, "migrate: schema_migrations");
		goto out;
	}
	for (const struct store_migration *m = store_sqlite_migrations; m->sql; m++)
		if ((ret = sq_migrate_one(c, m, applied)))
			goto out;
	ret = STORE_OK;
out:
	sq_put(sq, c, true);
	return ret;
}

static int sq_schema_version(struct store *s, int *version)
{
	static const char sql_exists[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	*version = 0;
	/* Not cached: it would be prepared against a table that may not exist yet. */
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(c->db, sql_exists, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		ret = sq_fail(c->db, "schema_version");
		goto out;
	}
	if (sqlite3_column_int(st, 0) == 0) {
		ret = STORE_OK;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ret = sq_fail(c->db, "schema_version");
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	ret = STORE_OK;
out:
	sqlite3_finalize(st);
	sq_put(sq, c, false);
	return ret;
}

/* ---- backup ---- */

static int sq_backup(struct store *s, const char *path)
{
	struct sq_store *sq = sq_of(s);
	struct buf tmp = BUF_INIT;
	sqlite3 *dst = NULL;
	int ret = STORE_ERROR;

	if (store_mkdir_parents(path) < 0)
		return store_error(STORE_ERROR, "sqlite: backup: cannot create the folder: %s", strerror(errno));
	/* Written under a temporary name and published only when complete, so a reader of
	 * path never sees half a copy. mkstemp also makes it private (0600). */
	buf_addf(&tmp, "%s.partial-XXXXXX", path);
	int fd = mkstemp(tmp.data);
	if (fd < 0) {
		ret = store_error(STORE_ERROR, "sqlite: backup: cannot create a temporary file: %s", strerror(errno));
		buf_release(&tmp);
		return ret;
	}
	close(fd);

	if (sqlite3_open_v2(tmp.data, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		ret = store_error(STORE_ERROR, "sqlite: backup: cannot open the copy: %s",
				  dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	struct sq_conn *c = sq_get(sq, false);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
	if (!b) {
		ret = sq_fail(dst, "backup: init");
		sq_put(sq, c, false);
		goto out;
	}
	/* One step copies everything under one read transaction: a consistent snapshot. */
	int rc, tries = 0;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > 100)
			break;
		sqlite3_sleep(50);
	}
	sqlite3_backup_finish(b);
	sq_put(sq, c, false);
	if (rc != SQLITE_DONE) {
		ret = store_error(STORE_ERROR, "sqlite: backup: copy failed: %s", sqlite3_errstr(rc));
		goto out;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		ret = sq_fail(dst, "backup: close");
		goto out;
	}
	dst = NULL;
	if (store_publish_file(tmp.data, path) < 0) {
		ret = store_error(errno == EEXIST ? STORE_CONFLICT : STORE_ERROR, "sqlite: backup: cannot finish %s",
				  strerror(errno));
		goto out;
	}
	ret = STORE_OK;
out:
	if (dst)
		sqlite3_close(dst);
	unlink(tmp.data); /* gone already after a successful publish */
	buf_release(&tmp);
	return ret;
}

/* ---- organisations ---- */

static const char SQL_ORG_INSERT[] = "INSERT INTO orgs (name, created_at) VALUES (?1, ?2)";
static const char SQL_ORG_BY_ID[] = "SELECT id, name, created_at FROM orgs WHERE id = ?1";
static const char SQL_ORG_BY_NAME[] = "SELECT id, name, created_at FROM orgs WHERE name = ?1";
static const char SQL_ORG_LIST[] = "SELECT id, name, created_at FROM orgs ORDER BY name, id";

static bool read_org(sqlite3_stmt *st, struct org *o)
{
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	o->created_at = sqlite3_column_int64(st, 2);
	return COL_TEXT(st, 1, o->name);
}

static int sq_org_create(struct store *s, struct org *o)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_ORG_INSERT);
	if (st) {
		bind_text(st, 1, o->name);
		bind_i64(st, 2, o->created_at);
		ret = sq_run(c, st, "org_create");
		if (!ret)
			o->id = sqlite3_last_insert_rowid(c->db);
	}
	sq_put(sq, c, true);
	return ret;
}

/* Runs a statement expected to return at most one row, read by reader. */
typedef bool (*row_reader)(sqlite3_stmt *st, void *out);

static int sq_get_one(struct sq_store *sq, const char *sql, const char *what, sqlite3_stmt **stp,
		      struct sq_conn **cp)
{
	*cp = sq_get(sq, false);
	*stp = sq_stmt(*cp, sql);
	if (!*stp) {
		sq_put(sq, *cp, false);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* Steps st once and reads the row; NOTFOUND if there is none. Resets st and gives the
 * connection back. */
static int sq_finish_one(struct sq_store *sq, struct sq_conn *c, sqlite3_stmt *st, const char *what,
			 row_reader reader, void *out)
{
	int ret;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ret = reader(st, out) ? STORE_OK : too_long(what);
	else if (rc == SQLITE_DONE)
		ret = store_error(STORE_NOTFOUND, "%s: not found", what);
	else
		ret = sq_fail(c->db, what);
	sq_done(st);
	sq_put(sq, c, false);
	return ret;
}

static bool read_org_v(sqlite3_stmt *st, void *out)
{
	return read_org(st, out);
}

static int sq_org_get(struct store *s, int64_t id, struct org *out)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c;
	sqlite3_stmt *st;
	if (sq_get_one(sq, SQL_ORG_BY_ID, "org_get", &st, &c))
		return STORE_ERROR;
	bind_i64(st, 1, id);
	return sq_finish_one(sq, c, st, "org_get", read_org_v, out);
}

static int sq_org_get_by_name(struct store *s, const char *name, struct org *out)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c;
	sqlite3_stmt *st;
	if (sq_get_one(sq, SQL_ORG_BY_NAME, "org_get_by_name", &st, &c))
		return STORE_ERROR;
	bind_text(st, 1, name);
	return sq_finish_one(sq, c, st, "org_get_by_name", read_org_v, out);
}

/* Steps st to the end, appending each row to a growing array of elem-sized items. */
static int sq_collect(struct sq_conn *c, sqlite3_stmt *st, const char *what, size_t elem, row_reader reader,
		      void **out, size_t *n)
{
	size_t cap = 0;
	char *arr = NULL;
	int rc, ret = STORE_OK;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		arr = xgrow(arr, &cap, *n + 1, elem);
		if (!reader(st, arr + *n * elem)) {
			ret = too_long(what);
			break;
		}
		(*n)++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(c->db, what);
	sq_done(st);
	if (ret) {
		free(arr);
		arr = NULL;
		*n = 0;
	}
	*out = arr;
	return ret;
}

static int sq_org_list(struct store *s, struct org **out, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_ORG_LIST);
	if (st)
		ret = sq_collect(c, st, "org_list", sizeof **out, read_org_v, (void **)out, n);
	sq_put(sq, c, false);
	return ret;
}

/* ---- users ---- */

#define USER_COLS "u.id, u.email, u.name, u.password_hash, u.lang, u.disabled, u.must_change_password, u.created_at"
static const char SQL_USER_INSERT[] =
	"INSERT INTO users (email, name, password_hash, lang, disabled, must_change_password, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_USER_BY_ID[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?1";
static const char SQL_USER_BY_EMAIL[] = "SELECT " USER_COLS " FROM users u WHERE u.email = ?1";
static const char SQL_USER_UPDATE[] =
	"UPDATE users SET name = ?2, password_hash = ?3, lang = ?4, disabled = ?5, must_change_password = ?6 "
	"WHERE id = ?1";
static const char SQL_USER_COUNT[] = "SELECT count(*) FROM users";

/* Reads the 8 user columns starting at column base. */
static bool read_user(sqlite3_stmt *st, int base, struct user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, base);
	u->disabled = sqlite3_column_int(st, base + 5) != 0;
	u->must_change_password = sqlite3_column_int(st, base + 6) != 0;
	u->created_at = sqlite3_column_int64(st, base + 7);
	return COL_TEXT(st, base + 1, u->email) && COL_TEXT(st, base + 2, u->name) &&
	       COL_TEXT(st, base + 3, u->password_hash) && COL_TEXT(st, base + 4, u->lang);
}

static bool read_user_v(sqlite3_stmt *st, void *out)
{
	return read_user(st, 0, out);
}

static int sq_user_create(struct store *s, struct user *u)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_USER_INSERT);
	if (st) {
		bind_text(st, 1, u->email);
		bind_text(st, 2, u->name);
		bind_text(st, 3, u->password_hash);
		bind_text(st, 4, u->lang);
		bind_i64(st, 5, u->disabled);
		bind_i64(st, 6, u->must_change_password);
		bind_i64(st, 7, u->created_at);
		ret = sq_run(c, st, "user_create");
		if (!ret)
			u->id = sqlite3_last_insert_rowid(c->db);
	}
	sq_put(sq, c, true);
	return ret;
}

static int sq_user_get(struct store *s, int64_t id, struct user *out)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c;
	sqlite3_stmt *st;
	if (sq_get_one(sq, SQL_USER_BY_ID, "user_get", &st, &c))
		return STORE_ERROR;
	bind_i64(st, 1, id);
	return sq_finish_one(sq, c, st, "user_get", read_user_v, out);
}

static int sq_user_get_by_email(struct store *s, const char *email, struct user *out)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c;
	sqlite3_stmt *st;
	if (sq_get_one(sq, SQL_USER_BY_EMAIL, "user_get_by_email", &st, &c))
		return STORE_ERROR;
	bind_text(st, 1, email);
	return sq_finish_one(sq, c, st, "user_get_by_email", read_user_v, out);
}

/* Runs a write statement whose binds are already done; NOTFOUND if it changed no row. */
static int sq_run_changes(struct sq_conn *c, sqlite3_stmt *st, const char *what, bool need_row)
{
	int ret = sq_run(c, st, what);
	if (!ret && need_row && sqlite3_changes(c->db) == 0)
		ret = store_error(STORE_NOTFOUND, "%s: not found", what);
	return ret;
}

static int sq_user_update(struct store *s, const struct user *u)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_USER_UPDATE);
	if (st) {
		bind_i64(st, 1, u->id);
		bind_text(st, 2, u->name);
		bind_text(st, 3, u->password_hash);
		bind_text(st, 4, u->lang);
		bind_i64(st, 5, u->disabled);
		bind_i64(st, 6, u->must_change_password);
		ret = sq_run_changes(c, st, "user_update", true);
	}
	sq_put(sq, c, true);
	return ret;
}

/* A single integer from a statement without parameters. */
static int sq_scalar(struct sq_conn *c, sqlite3_stmt *st, const char *what, int64_t *v)
{
	int ret;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		ret = STORE_OK;
	} else {
		ret = sq_fail(c->db, what);
	}
	sq_done(st);
	return ret;
}

static int sq_user_count(struct store *s, int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_USER_COUNT);
	if (st)
		ret = sq_scalar(c, st, "user_count", n);
	sq_put(sq, c, false);
	return ret;
}

/* ---- memberships ---- */

#define MEMBERSHIP_COLS "m.user_id, m.org_id, m.role, m.disabled, o.name"
static const char SQL_MEMBERSHIP_UPSERT[] =
	"INSERT INTO memberships (user_id, org_id, role, disabled) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (user_id, org_id) DO UPDATE SET role = excluded.role, disabled = excluded.disabled";
static const char SQL_MEMBERSHIP_GET[] = "SELECT " MEMBERSHIP_COLS
					 " FROM memberships m JOIN orgs o ON o.id = m.org_id "
					 "WHERE m.user_id = ?1 AND m.org_id = ?2";
static const char SQL_MEMBERSHIPS_OF_USER[] = "SELECT " MEMBERSHIP_COLS
					      " FROM memberships m JOIN orgs o ON o.id = m.org_id "
					      "WHERE m.user_id = ?1 ORDER BY o.name, o.id";
static const char SQL_USER_LIST_ORG[] = "SELECT " USER_COLS ", " MEMBERSHIP_COLS
					" FROM memberships m JOIN users u ON u.id = m.user_id "
					"JOIN orgs o ON o.id = m.org_id WHERE m.org_id = ?1 "
					"ORDER BY u.email LIMIT ?2 OFFSET ?3";
static const char SQL_USER_COUNT_ORG[] = "SELECT count(*) FROM memberships WHERE org_id = ?1";
static const char SQL_USER_LIST_ALL[] = "SELECT " USER_COLS " FROM users u ORDER BY u.email LIMIT ?1 OFFSET ?2";

static bool read_membership(sqlite3_stmt *st, int base, struct membership *m)
{
	memset(m, 0, sizeof *m);
	m->user_id = sqlite3_column_int64(st, base);
	m->org_id = sqlite3_column_int64(st, base + 1);
	m->disabled = sqlite3_column_int(st, base + 3) != 0;
	return COL_TEXT(st, base + 2, m->role) && COL_TEXT(st, base + 4, m->org_name);
}

static bool read_membership_v(sqlite3_stmt *st, void *out)
{
	return read_membership(st, 0, out);
}

static int sq_membership_set(struct store *s, const struct membership *m)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_MEMBERSHIP_UPSERT);
	if (st) {
		bind_i64(st, 1, m->user_id);
		bind_i64(st, 2, m->org_id);
		bind_text(st, 3, m->role);
		bind_i64(st, 4, m->disabled);
		ret = sq_run(c, st, "membership_set");
	}
	sq_put(sq, c, true);
	return ret;
}

static int sq_membership_get(struct store *s, int64_t user_id, int64_t org_id, struct membership *out)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c;
	sqlite3_stmt *st;
	if (sq_get_one(sq, SQL_MEMBERSHIP_GET, "membership_get", &st, &c))
		return STORE_ERROR;
	bind_i64(st, 1, user_id);
	bind_i64(st, 2, org_id);
	return sq_finish_one(sq, c, st, "membership_get", read_membership_v, out);
}

static int sq_memberships_of_user(struct store *s, int64_t user_id, struct membership **out, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_MEMBERSHIPS_OF_USER);
	if (st) {
		bind_i64(st, 1, user_id);
		ret = sq_collect(c, st, "memberships_of_user", sizeof **out, read_membership_v, (void **)out, n);
	}
	sq_put(sq, c, false);
	return ret;
}

static bool read_user_row_org(sqlite3_stmt *st, void *out)
{
	struct user_row *r = out;
	return read_user(st, 0, &r->user) && read_membership(st, 8, &r->m);
}

static bool read_user_row_all(sqlite3_stmt *st, void *out)
{
	struct user_row *r = out;
	memset(&r->m, 0, sizeof r->m);
	if (!read_user(st, 0, &r->user))
		return false;
	r->m.user_id = r->user.id;
	return true;
}

static int sq_user_list(struct store *s, int64_t org_id, int limit, int offset, struct user_row **out,
			size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	sqlite3_stmt *st;
	/* One read transaction, so the total and the page come from the same snapshot. */
	int ret = sq_simple(c, SQL_BEGIN, "user_list: begin");
	if (ret)
		goto out;
	st = sq_stmt(c, org_id ? SQL_USER_COUNT_ORG : SQL_USER_COUNT);
	if (!st) {
		ret = STORE_ERROR;
		goto out;
	}
	if (org_id)
		bind_i64(st, 1, org_id);
	if ((ret = sq_scalar(c, st, "user_list: count", total)))
		goto out;
	st = sq_stmt(c, org_id ? SQL_USER_LIST_ORG : SQL_USER_LIST_ALL);
	if (!st) {
		ret = STORE_ERROR;
		goto out;
	}
	int i = 1;
	if (org_id)
		bind_i64(st, i++, org_id);
	bind_i64(st, i++, limit);
	bind_i64(st, i, offset);
	ret = sq_collect(c, st, "user_list", sizeof **out, org_id ? read_user_row_org : read_user_row_all,
			 (void **)out, n);
	if (!ret)
		ret = sq_simple(c, SQL_COMMIT, "user_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
out:
	sq_put(sq, c, false);
	return ret;
}

/* ---- sessions ---- */

static const char SQL_SESSION_INSERT[] =
	"INSERT INTO sessions (token_hash, user_id, org_id, csrf, created_at, last_seen, expires_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_SESSION_GET[] =
	"SELECT token_hash, user_id, org_id, csrf, created_at, last_seen, expires_at FROM sessions "
	"WHERE token_hash = ?1";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen = ?2, expires_at = ?3 WHERE token_hash = ?1";
static const char SQL_SESSION_SET_ORG[] = "UPDATE sessions SET org_id = ?2 WHERE token_hash = ?1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char SQL_SESSION_PURGE[] = "DELETE FROM sessions WHERE expires_at <= ?1";

static bool read_session(sqlite3_stmt *st, void *out)
{
	struct session *se = out;
	memset(se, 0, sizeof *se);
	se->user_id = sqlite3_column_int64(st, 1);
	se->org_id = sqlite3_column_int64(st, 2); /* NULL reads as 0 */
	se->created_at = sqlite3_column_int64(st, 4);
	se->last_seen = sqlite3_column_int64(st, 5);
	se->expires_at = sqlite3_column_int64(st, 6);
	return COL_TEXT(st, 0, se->token_hash) && COL_TEXT(st, 3, se->csrf);
}

static const char SQL_SESSION_PRINCIPAL[] =
	"SELECT s.token_hash, s.user_id, s.org_id, s.csrf, s.created_at, s.last_seen, s.expires_at, " USER_COLS
	", " MEMBERSHIP_COLS " FROM sessions s JOIN users u ON u.id = s.user_id "
	"LEFT JOIN memberships m ON m.user_id = s.user_id AND m.org_id = s.org_id "
	"LEFT JOIN orgs o ON o.id = m.org_id WHERE s.token_hash = ?1";

static bool read_principal(sqlite3_stmt *st, void *out)
{
	struct session_principal *p = out;
	memset(p, 0, sizeof *p);
	if (!read_session(st, &p->se) || !read_user(st, 7, &p->user))
		return false;
	if (sqlite3_column_type(st, 15) == SQLITE_NULL)
		return true;
	p->has_membership = true;
	return read_membership(st, 15, &p->m);
}

static int sq_session_principal(struct store *s, const char *token_hash, struct session_principal *out)
{
	struct sq_store *sq = sq_of(s);
	sqlite3_stmt *st;
	struct sq_conn *c;
	if (sq_get_one(sq, SQL_SESSION_PRINCIPAL, "session_principal", &st, &c))
		return STORE_ERROR;
	bind_text(st, 1, token_hash);
	return sq_finish_one(sq, c, st, "session_principal", read_principal, out);
}

static int sq_session_create(struct store *s, const struct session *se)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_SESSION_INSERT);
	if (st) {
		bind_text(st, 1, se->token_hash);
		bind_i64(st, 2, se->user_id);
		bind_id_or_null(st, 3, se->org_id);
		bind_text(st, 4, se->csrf);
		bind_i64(st, 5, se->created_at);
		bind_i64(st, 6, se->last_seen);
		bind_i64(st, 7, se->expires_at);
		ret = sq_run(c, st, "session_create");
	}
	sq_put(sq, c, true);
	return ret;
}

static int sq_session_get(struct store *s, const char *token_hash, struct session *out)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c;
	sqlite3_stmt *st;
	if (sq_get_one(sq, SQL_SESSION_GET, "session_get", &st, &c))
		return STORE_ERROR;
	bind_text(st, 1, token_hash);
	return sq_finish_one(sq, c, st, "session_get", read_session, out);
}

/* A write by token hash or id: binds (text key, up to two integers), runs it. */
static int sq_write_key(struct store *s, const char *sql, const char *what, const char *key, int64_t key_id,
			int nints, int64_t a, int64_t b, bool a_null_if_0, bool need_row)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, sql);
	if (st) {
		if (key)
			bind_text(st, 1, key);
		else
			bind_i64(st, 1, key_id);
		if (nints >= 1)
			(a_null_if_0 ? bind_id_or_null : bind_i64)(st, 2, a);
		if (nints >= 2)
			bind_i64(st, 3, b);
		ret = sq_run_changes(c, st, what, need_row);
	}
	sq_put(sq, c, true);
	return ret;
}

static int sq_session_touch(struct store *s, const char *token_hash, int64_t last_seen, int64_t expires_at)
{
	return sq_write_key(s, SQL_SESSION_TOUCH, "session_touch", token_hash, 0, 2, last_seen, expires_at, false,
			    true);
}

static int sq_session_set_org(struct store *s, const char *token_hash, int64_t org_id)
{
	return sq_write_key(s, SQL_SESSION_SET_ORG, "session_set_org", token_hash, 0, 1, org_id, 0, true, true);
}

static int sq_session_delete(struct store *s, const char *token_hash)
{
	return sq_write_key(s, SQL_SESSION_DELETE, "session_delete", token_hash, 0, 0, 0, 0, false, true);
}

static int sq_session_delete_user(struct store *s, int64_t user_id)
{
	return sq_write_key(s, SQL_SESSION_DELETE_USER, "session_delete_user", NULL, user_id, 0, 0, 0, false,
			    false);
}

static int sq_session_purge(struct store *s, int64_t now)
{
	return sq_write_key(s, SQL_SESSION_PURGE, "session_purge", NULL, now, 0, 0, 0, false, false);
}

/* ---- API tokens ---- */

static const char SQL_TOKEN_INSERT[] =
	"INSERT INTO api_tokens (token_hash, user_id, org_id, label, created_at, revoked) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_TOKEN_GET[] =
	"SELECT id, token_hash, user_id, org_id, label, created_at, revoked FROM api_tokens WHERE token_hash = ?1";

static bool read_token(sqlite3_stmt *st, void *out)
{
	struct api_token *t = out;
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	t->user_id = sqlite3_column_int64(st, 2);
	t->org_id = sqlite3_column_int64(st, 3);
	t->created_at = sqlite3_column_int64(st, 5);
	t->revoked = sqlite3_column_int(st, 6) != 0;
	return COL_TEXT(st, 1, t->token_hash) && COL_TEXT(st, 4, t->label);
}

static int sq_token_create(struct store *s, struct api_token *t)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_TOKEN_INSERT);
	if (st) {
		bind_text(st, 1, t->token_hash);
		bind_i64(st, 2, t->user_id);
		bind_id_or_null(st, 3, t->org_id);
		bind_text(st, 4, t->label);
		bind_i64(st, 5, t->created_at);
		bind_i64(st, 6, t->revoked);
		ret = sq_run(c, st, "token_create");
		if (!ret)
			t->id = sqlite3_last_insert_rowid(c->db);
	}
	sq_put(sq, c, true);
	return ret;
}

static int sq_token_get(struct store *s, const char *token_hash, struct api_token *out)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c;
	sqlite3_stmt *st;
	if (sq_get_one(sq, SQL_TOKEN_GET, "token_get", &st, &c))
		return STORE_ERROR;
	bind_text(st, 1, token_hash);
	return sq_finish_one(sq, c, st, "token_get", read_token, out);
}

/* ---- login throttling ---- */

static const char SQL_FAILURE_INSERT[] = "INSERT INTO login_failures (email, addr, at) VALUES (?1, ?2, ?3)";
static const char SQL_FAILURE_COUNT[] =
	"SELECT (SELECT count(*) FROM login_failures WHERE email = ?1 AND at >= ?3), "
	"(SELECT count(*) FROM login_failures WHERE addr = ?2 AND at >= ?3)";
static const char SQL_FAILURE_CLEAR[] = "DELETE FROM login_failures WHERE email = ?1";

static int sq_login_failure_add(struct store *s, const char *email, const char *addr, int64_t at)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_FAILURE_INSERT);
	if (st) {
		bind_text(st, 1, email);
		bind_text(st, 2, addr);
		bind_i64(st, 3, at);
		ret = sq_run(c, st, "login_failure_add");
	}
	sq_put(sq, c, true);
	return ret;
}

static int sq_login_failure_count(struct store *s, const char *email, const char *addr, int64_t since,
				  int64_t *by_email, int64_t *by_addr)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_stmt(c, SQL_FAILURE_COUNT);
	if (st) {
		bind_text(st, 1, email);
		bind_text(st, 2, addr);
		bind_i64(st, 3, since);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*by_email = sqlite3_column_int64(st, 0);
			*by_addr = sqlite3_column_int64(st, 1);
			ret = STORE_OK;
		} else {
			ret = sq_fail(c->db, "login_failure_count");
		}
		sq_done(st);
	}
	sq_put(sq, c, false);
	return ret;
}

static int sq_login_failure_clear(struct store *s, const char *email)
{
	return sq_write_key(s, SQL_FAILURE_CLEAR, "login_failure_clear", email, 0, 0, 0, 0, false, false);
}

/* ---- audit log ---- */

#define AUDIT_COLS \
	"seq, at_ms, user_id, actor, org_id, action, object_type, object_id, addr, detail, prev_hash, hash"
static const char SQL_AUDIT_LAST[] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
static const char SQL_AUDIT_INSERT[] = "INSERT INTO audit_log (" AUDIT_COLS
				       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char SQL_AUDIT_PAGE[] = "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2";
/* A listing's persons, a JSON array of ids in ?3/?4: one statement each for the rows of
 * audit_subjects and for the (person, day, user) rows of audit_seen, of which only a
 * day's first listing writes any (migration 017). */
static const char SQL_AUDIT_SUBJECT_INSERT[] = "INSERT INTO audit_subjects (seq, org_id, person_id) "
					       "SELECT ?1, ?2, value FROM json_each(?3)";
static const char SQL_AUDIT_SEEN_INSERT[] = "INSERT OR IGNORE INTO audit_seen (person_id, day, user_id, org_id) "
					    "SELECT value, ?1, ?2, ?3 FROM json_each(?4)";
static const char SQL_AUDIT_SUBJECTS[] = "SELECT seq, org_id, person_id FROM audit_subjects "
					 "WHERE seq IN (SELECT value FROM json_each(?1)) ORDER BY seq, person_id";

/* The listings that showed person ?: the days and users of audit_seen, that user's
 * entries of the day (audit_log_user), those whose subjects hold the person. */
#define AUDIT_SEEN_SEQS                                                                                         \
	"SELECT l2.seq FROM audit_seen d JOIN audit_log l2 ON l2.org_id = d.org_id AND l2.user_id = d.user_id " \
	"AND l2.at_ms >= d.day * 86400000 AND l2.at_ms < d.day * 86400000 + 86400000 "                          \
	"WHERE d.person_id = ? AND EXISTS (SELECT 1 FROM audit_subjects s WHERE s.seq = l2.seq "                \
	"AND s.person_id = d.person_id)"

static bool read_audit(sqlite3_stmt *st, void *out)
{
	struct audit_entry *e = out;
	memset(e, 0, sizeof *e);
	e->seq = sqlite3_column_int64(st, 0);
	e->at_ms = sqlite3_column_int64(st, 1);
	e->user_id = sqlite3_column_int64(st, 2);
	e->org_id = sqlite3_column_int64(st, 4);
	return COL_TEXT(st, 3, e->actor) && COL_TEXT(st, 5, e->action) && COL_TEXT(st, 6, e->object_type) &&
	       COL_TEXT(st, 7, e->object_id) && COL_TEXT(st, 8, e->addr) && COL_TEXT(st, 9, e->detail) &&
	       COL_TEXT(st, 10, e->prev_hash) && COL_TEXT(st, 11, e->hash);
}

static int sq_audit_insert(struct sq_conn *c, const struct audit_entry *e)
{
	sqlite3_stmt *st = sq_stmt(c, SQL_AUDIT_INSERT);
	if (!st)
		return STORE_ERROR;
	bind_i64(st, 1, e->seq);
	bind_i64(st, 2, e->at_ms);
	bind_i64(st, 3, e->user_id);
	bind_text(st, 4, e->actor);
	bind_i64(st, 5, e->org_id);
	bind_text(st, 6, e->action);
	bind_text(st, 7, e->object_type);
	bind_text(st, 8, e->object_id);
	bind_text(st, 9, e->addr);
	bind_text(st, 10, e->detail);
	bind_text(st, 11, e->prev_hash);
	bind_text(st, 12, e->hash);
	int ret = sq_run(c, st, "audit_append: insert");
	if (ret || !e->nsubjects)
		return ret;
	struct buf ids = BUF_INIT;
	for (size_t k = 0; k < e->nsubjects; k++)
		buf_addf(&ids, "%c%" PRId64, k ? ',' : '[', e->subjects[k]);
	buf_addch(&ids, ']');
	if (!(st = sq_stmt(c, SQL_AUDIT_SUBJECT_INSERT))) {
		ret = STORE_ERROR;
		goto out;
	}
	bind_i64(st, 1, e->seq);
	bind_i64(st, 2, e->org_id);
	bind_text(st, 3, ids.data);
	if ((ret = sq_run(c, st, "audit_append: subjects")))
		goto out;
	if (!(st = sq_stmt(c, SQL_AUDIT_SEEN_INSERT))) {
		ret = STORE_ERROR;
		goto out;
	}
	bind_i64(st, 1, e->at_ms / 86400000);
	bind_i64(st, 2, e->user_id);
	bind_i64(st, 3, e->org_id);
	bind_text(st, 4, ids.data);
	ret = sq_run(c, st, "audit_append: seen");
out:
	buf_release(&ids);
	return ret;
}

/* The chain has one end: BEGIN IMMEDIATE holds the file's write lock from before the
 * end is read until the new entries are committed, across threads and processes. */
static int sq_audit_append(struct store *s, struct audit_entry *entries, size_t n, audit_hash_fn hash)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int64_t seq = 0;
	char prev[STORE_HEX_MAX];
	int ret = sq_simple(c, SQL_BEGIN_IMMEDIATE, "audit_append: begin");
	if (ret)
		goto out;
	sqlite3_stmt *st = sq_stmt(c, SQL_AUDIT_LAST);
	if (!st) {
		ret = STORE_ERROR;
		goto fail;
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		if (!COL_TEXT(st, 1, prev))
			ret = too_long("audit_append");
	} else if (rc == SQLITE_DONE) {
		memset(prev, '0', 64);
		prev[64] = '\0';
	} else {
		ret = sq_fail(c->db, "audit_append: chain end");
	}
	sq_done(st);
	if (ret)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct audit_entry *e = &entries[i];
		e->seq = ++seq;
		memcpy(e->prev_hash, prev, sizeof prev);
		e->hash[0] = '\0';
		hash(e);
		if (!memchr(e->hash, '\0', sizeof e->hash)) {
			ret = store_error(STORE_INVALID, "audit_append: the hash function left an unterminated hash");
			goto fail;
		}
		if ((ret = sq_audit_insert(c, e)))
			goto fail;
		memcpy(prev, e->hash, sizeof prev);
	}
	ret = sq_simple(c, SQL_COMMIT, "audit_append: commit");
	if (!ret)
		goto out;
fail:
	sq_rollback(c);
out:
	sq_put(sq, c, true);
	return ret;
}

static int sq_audit_list(struct store *s, const struct store_audit_query *q, struct audit_entry **out, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct audit_filter *f = q->f;
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int ret;

	/* Only the conditions in use go into the SQL, so SQLite can pick the index for
	 * them; the SQL text is built from constants only, values are all bound. */
	buf_adds(&sql, "SELECT " AUDIT_COLS " FROM audit_log WHERE 1 = 1");
	if (f->org_id)
		buf_adds(&sql, " AND org_id = ?");
	if (q->actor_like[0])
		buf_adds(&sql, " AND actor LIKE ? ESCAPE '\\'"); /* ASCII case-insensitive */
	if (q->action_like[0])
		buf_adds(&sql, " AND action LIKE ? ESCAPE '\\'");
	if (f->object_type[0])
		buf_adds(&sql, " AND object_type = ?");
	if (f->object_id[0] && q->subject_id) /* also the listings that name the person */
		buf_adds(&sql, f->org_id ? " AND seq IN (SELECT seq FROM audit_log WHERE object_id = ? UNION ALL "
					   AUDIT_SEEN_SEQS " AND d.org_id = ?1)"
					 : " AND seq IN (SELECT seq FROM audit_log WHERE object_id = ? UNION ALL "
					   AUDIT_SEEN_SEQS ")");
	else if (f->object_id[0])
		buf_adds(&sql, " AND object_id = ?");
	if (f->from_ms)
		buf_adds(&sql, " AND at_ms >= ?");
	if (f->to_ms)
		buf_adds(&sql, " AND at_ms < ?");
	if (f->before_seq)
		buf_adds(&sql, " AND seq < ?");
	buf_adds(&sql, " ORDER BY seq DESC LIMIT ?");

	struct sq_conn *c = sq_get(sq, false);
	if (sqlite3_prepare_v2(c->db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		ret = sq_fail(c->db, "audit_list: prepare");
		goto out;
	}
	int i = 1;
	if (f->org_id)
		bind_i64(st, i++, f->org_id);
	if (q->actor_like[0])
		bind_text(st, i++, q->actor_like);
	if (q->action_like[0])
		bind_text(st, i++, q->action_like);
	if (f->object_type[0])
		bind_text(st, i++, f->object_type);
	if (f->object_id[0])
		bind_text(st, i++, f->object_id);
	if (f->object_id[0] && q->subject_id)
		bind_i64(st, i++, q->subject_id);
	if (f->from_ms)
		bind_i64(st, i++, f->from_ms);
	if (f->to_ms)
		bind_i64(st, i++, f->to_ms);
	if (f->before_seq)
		bind_i64(st, i++, f->before_seq);
	bind_i64(st, i, q->limit);
	ret = sq_collect(c, st, "audit_list", sizeof **out, read_audit, (void **)out, n);
out:
	sqlite3_finalize(st);
	sq_put(sq, c, false);
	buf_release(&sql);
	return ret;
}

static bool read_audit_subject(sqlite3_stmt *st, void *out)
{
	struct store_audit_subject *a = out;
	a->seq = sqlite3_column_int64(st, 0);
	a->org_id = sqlite3_column_int64(st, 1);
	a->person_id = sqlite3_column_int64(st, 2);
	return true;
}

static int sq_audit_subjects(struct store *s, const int64_t *seqs, size_t n, struct store_audit_subject **out,
			     size_t *nout)
{
	struct sq_store *sq = sq_of(s);
	struct buf arr = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&arr, "%s%lld", i ? "," : "[", (long long)seqs[i]);
	buf_addch(&arr, ']');
	int ret = STORE_ERROR;
	*out = NULL;
	*nout = 0;
	struct sq_conn *c = sq_get(sq, false);
	sqlite3_stmt *st = sq_stmt(c, SQL_AUDIT_SUBJECTS);
	if (st) {
		bind_text(st, 1, arr.data);
		ret = sq_collect(c, st, "audit_subjects", sizeof **out, read_audit_subject, (void **)out, nout);
	}
	sq_put(sq, c, false);
	buf_release(&arr);
	return ret;
}

static int sq_audit_page(struct store *s, int64_t after_seq, struct audit_entry *out, size_t max, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	*n = 0;
	sqlite3_stmt *st = sq_stmt(c, SQL_AUDIT_PAGE);
	if (st) {
		int rc = SQLITE_DONE;
		bind_i64(st, 1, after_seq);
		bind_i64(st, 2, (int64_t)max);
		ret = STORE_OK;
		while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (!read_audit(st, &out[*n])) {
				ret = too_long("audit_each");
				break;
			}
			(*n)++;
		}
		if (!ret && *n < max && rc != SQLITE_DONE)
			ret = sq_fail(c->db, "audit_each");
		sq_done(st);
	}
	sq_put(sq, c, false);
	return ret;
}

/* ======================================================================================
 * The person's path through a programme (store.h, issue 3).
 *
 * Values are bound from small typed arrays (V_* below) and rows read through the column
 * maps of backend.h, so each function is its SQL and little else. Multi-row writes run
 * in one BEGIN IMMEDIATE transaction: the write lock is held from the first read (a
 * capacity count, an expected version) to COMMIT, so no other writer slips in between.
 * ====================================================================================== */

struct sq_val {
	char t; /* 'i' integer, 'n' id (0 binds NULL), 'd' day (DATE_NONE binds NULL), 'p' phase
	         * (-1 binds NULL), 't' text, 'z' text ("" binds NULL) */
	int64_t i;
	const char *s;
};
#define V_I(x) { 'i', (int64_t)(x), NULL }
#define V_ID(x) { 'n', (int64_t)(x), NULL }
#define V_DAY(x) { 'd', (int64_t)(x), NULL }
#define V_PHASE(x) { 'p', (int64_t)(x), NULL }
#define V_T(x) { 't', 0, (x) }
#define V_TZ(x) { 'z', 0, (x) }
#define NV(arr) ((int)(sizeof(arr) / sizeof((arr)[0])))

static void sq_bindv(sqlite3_stmt *st, const struct sq_val *v, int n)
{
	for (int k = 0; k < n; k++) {
		int i = k + 1;
		switch (v[k].t) {
		case 'n':
			bind_id_or_null(st, i, v[k].i);
			break;
		case 'd':
			if (v[k].i == DATE_NONE)
				sqlite3_bind_null(st, i);
			else
				bind_i64(st, i, v[k].i);
			break;
		case 'p':
			if (v[k].i < 0)
				sqlite3_bind_null(st, i);
			else
				bind_i64(st, i, v[k].i);
			break;
		case 't':
			bind_text(st, i, v[k].s);
			break;
		case 'z':
			if (!v[k].s[0])
				sqlite3_bind_null(st, i);
			else
				bind_text(st, i, v[k].s);
			break;
		default:
			bind_i64(st, i, v[k].i);
		}
	}
}

/* Reads the columns of map m from column base on into the struct at out (not zeroed). */
static bool sq_read_map(sqlite3_stmt *st, int base, const struct store_cols *m, void *out)
{
	char *o = out;
	for (int k = 0; k < m->n; k++) {
		const struct store_col *c = &m->col[k];
		int i = base + k;
		bool null = sqlite3_column_type(st, i) == SQLITE_NULL;
		switch (c->type) {
		case SCOL_I64: {
			int64_t v = sqlite3_column_int64(st, i);
			memcpy(o + c->off, &v, sizeof v);
			break;
		}
		case SCOL_INT:
		case SCOL_PHASE: {
			int v = null && c->type == SCOL_PHASE ? -1 : sqlite3_column_int(st, i);
			memcpy(o + c->off, &v, sizeof v);
			break;
		}
		case SCOL_UINT: {
			unsigned v = (unsigned)sqlite3_column_int64(st, i);
			memcpy(o + c->off, &v, sizeof v);
			break;
		}
		case SCOL_DAY: {
			int32_t v = null ? DATE_NONE : (int32_t)sqlite3_column_int64(st, i);
			memcpy(o + c->off, &v, sizeof v);
			break;
		}
		case SCOL_BOOL: {
			bool v = sqlite3_column_int(st, i) != 0;
			memcpy(o + c->off, &v, sizeof v);
			break;
		}
		case SCOL_TEXT:
			if (!col_text(st, i, o + c->off, c->size))
				return false;
			break;
		}
	}
	return true;
}

/* A statement of this connection, bound: the cached one for constant SQL. */
static sqlite3_stmt *sq_prep(struct sq_conn *c, const char *sql, const struct sq_val *v, int n)
{
	sqlite3_stmt *st = sq_stmt(c, sql);
	if (st)
		sq_bindv(st, v, n);
	return st;
}

/* Runs a write on c; *changes (may be NULL) gets the rows it changed. */
static int sq_w(struct sq_conn *c, const char *sql, const char *what, const struct sq_val *v, int n, int *changes)
{
	sqlite3_stmt *st = sq_prep(c, sql, v, n);
	if (!st)
		return STORE_ERROR;
	int ret = sq_run(c, st, what);
	if (!ret && changes)
		*changes = sqlite3_changes(c->db);
	return ret;
}

/* One row on c into out (zeroed first, elem bytes) through map m; NOTFOUND if none. */
static int sq_r(struct sq_conn *c, const char *sql, const char *what, const struct sq_val *v, int n,
		const struct store_cols *m, void *out, size_t elem)
{
	sqlite3_stmt *st = sq_prep(c, sql, v, n);
	if (!st)
		return STORE_ERROR;
	int ret, rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, elem);
		ret = sq_read_map(st, 0, m, out) ? STORE_OK : too_long(what);
	} else if (rc == SQLITE_DONE) {
		ret = store_error(STORE_NOTFOUND, "%s: not found", what);
	} else {
		ret = sq_fail(c->db, what);
	}
	sq_done(st);
	return ret;
}

/* The first column of the first row as an integer; NOTFOUND if there is no row. */
static int sq_i(struct sq_conn *c, const char *sql, const char *what, const struct sq_val *v, int n, int64_t *out)
{
	sqlite3_stmt *st = sq_prep(c, sql, v, n);
	if (!st)
		return STORE_ERROR;
	int ret, rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		ret = STORE_OK;
	} else if (rc == SQLITE_DONE) {
		ret = store_error(STORE_NOTFOUND, "%s: not found", what);
	} else {
		ret = sq_fail(c->db, what);
	}
	sq_done(st);
	return ret;
}

/* Every row of a prepared, bound statement through map m into a new array of
 * elem-sized items; extra (may be NULL) reads what the map does not. Resets st. */
static int sq_collect_map(struct sq_conn *c, sqlite3_stmt *st, const char *what, const struct store_cols *m,
			  size_t elem, void **out, size_t *n, bool (*extra)(sqlite3_stmt *st, void *row))
{
	size_t cap = 0;
	char *arr = NULL;
	int rc, ret = STORE_OK;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		arr = xgrow(arr, &cap, *n + 1, elem);
		char *row = arr + *n * elem;
		memset(row, 0, elem);
		if (!sq_read_map(st, 0, m, row) || (extra && !extra(st, row))) {
			ret = too_long(what);
			break;
		}
		(*n)++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(c->db, what);
	sq_done(st);
	if (ret) {
		free(arr);
		arr = NULL;
		*n = 0;
	}
	*out = arr;
	return ret;
}

static int sq_rows(struct sq_conn *c, const char *sql, const char *what, const struct sq_val *v, int n,
		   const struct store_cols *m, size_t elem, void **out, size_t *nout)
{
	sqlite3_stmt *st = sq_prep(c, sql, v, n);
	if (!st)
		return STORE_ERROR;
	return sq_collect_map(c, st, what, m, elem, out, nout, NULL);
}

/* Single-statement helpers that check a connection out and back. */
static int sq_write1(struct store *s, const char *sql, const char *what, const struct sq_val *v, int n,
		     bool need_row, int64_t *id)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int changes = 0;
	int ret = sq_w(c, sql, what, v, n, &changes);
	if (!ret && need_row && changes == 0)
		ret = store_error(STORE_NOTFOUND, "%s: not found", what);
	if (!ret && id)
		*id = sqlite3_last_insert_rowid(c->db);
	sq_put(sq, c, true);
	return ret;
}

static int sq_read1(struct store *s, const char *sql, const char *what, const struct sq_val *v, int n,
		    const struct store_cols *m, void *out, size_t elem)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_r(c, sql, what, v, n, m, out, elem);
	sq_put(sq, c, false);
	return ret;
}

static int sq_list1(struct store *s, const char *sql, const char *what, const struct sq_val *v, int n,
		    const struct store_cols *m, size_t elem, void **out, size_t *nout)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_rows(c, sql, what, v, n, m, elem, out, nout);
	sq_put(sq, c, false);
	return ret;
}

/* Transactions: begin on a write connection; end commits if ret is OK, else rolls
 * back; either way the connection goes back. Returns the final status. */
static struct sq_conn *sq_begin(struct sq_store *sq, int *ret, const char *what)
{
	struct sq_conn *c = sq_get(sq, true);
	*ret = sq_simple(c, SQL_BEGIN_IMMEDIATE, what);
	return c;
}

static int sq_end(struct sq_store *sq, struct sq_conn *c, int ret, const char *what)
{
	if (!ret)
		ret = sq_simple(c, SQL_COMMIT, what);
	if (ret)
		sq_rollback(c);
	sq_put(sq, c, true);
	return ret;
}

/* A read snapshot for a count and a page (or a row and its children). */
static struct sq_conn *sq_begin_read(struct sq_store *sq, int *ret, const char *what)
{
	struct sq_conn *c = sq_get(sq, false);
	*ret = sq_simple(c, SQL_BEGIN, what);
	return c;
}

static int sq_end_read(struct sq_store *sq, struct sq_conn *c, int ret, const char *what)
{
	if (!ret)
		ret = sq_simple(c, SQL_COMMIT, what);
	sq_put(sq, c, false); /* rolls back what is left open */
	return ret;
}

/* The prepared statement of SQL built at run time, from the connection's ring of them
 * (the oldest is replaced when it is full); NULL after sq_fail. The caller resets it. */
static sqlite3_stmt *sq_dyn_stmt(struct sq_conn *c, const char *sql, const char *what)
{
	for (size_t i = 0; i < c->ndyn; i++)
		if (strcmp(c->dyn[i].sql, sql) == 0)
			return c->dyn[i].st;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sq_fail(c->db, what);
		return NULL;
	}
	size_t slot = c->ndyn < SQ_DYN_CACHE ? c->ndyn++ : c->nextdyn++ % SQ_DYN_CACHE;
	if (c->dyn[slot].st) {
		sqlite3_finalize(c->dyn[slot].st);
		free(c->dyn[slot].sql);
	}
	c->dyn[slot] = (struct sq_dyncached){ xstrdup(sql), st };
	return st;
}

/* SQL built from constants at run time (optional filters), cached by its text. The
 * values are bound all the same. */
static int sq_dyn_rows(struct sq_conn *c, const char *sql, const char *what, const struct sq_val *v, int n,
		       const struct store_cols *m, size_t elem, void **out, size_t *nout,
		       bool (*extra)(sqlite3_stmt *st, void *row))
{
	*out = NULL;
	*nout = 0;
	sqlite3_stmt *st = sq_dyn_stmt(c, sql, what);
	if (!st)
		return STORE_ERROR;
	sq_bindv(st, v, n);
	return sq_collect_map(c, st, what, m, elem, out, nout, extra); /* resets st */
}

static int sq_dyn_count(struct sq_conn *c, const char *sql, const char *what, const struct sq_val *v, int n,
			int64_t *total)
{
	sqlite3_stmt *st = sq_dyn_stmt(c, sql, what);
	if (!st)
		return STORE_ERROR;
	sq_bindv(st, v, n);
	int ret = STORE_OK;
	if (sqlite3_step(st) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	else
		ret = sq_fail(c->db, what);
	sq_done(st);
	return ret;
}

/* ---- programmes ---- */

static const char SQL_PROG_INSERT[] =
	"INSERT INTO programmes (org_id, name, template_key, min_steps, active, created_at, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_PHASE_UPSERT[] =
	"INSERT INTO programme_phases (org_id, programme_id, idx, key, label, target_days, min_days_per_week, "
	"min_hours_per_day, max_hours_per_day, min_months, max_months, sessions_per_week, session_minutes) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
	"ON CONFLICT (org_id, programme_id, idx) DO UPDATE SET key = excluded.key, label = excluded.label, "
	"target_days = excluded.target_days, min_days_per_week = excluded.min_days_per_week, "
	"min_hours_per_day = excluded.min_hours_per_day, max_hours_per_day = excluded.max_hours_per_day, "
	"min_months = excluded.min_months, max_months = excluded.max_months, "
	"sessions_per_week = excluded.sessions_per_week, session_minutes = excluded.session_minutes";
static const char SQL_PHASE_TRIM[] =
	"DELETE FROM programme_phases WHERE org_id = ?1 AND programme_id = ?2 AND idx >= ?3";
static const char SQL_PROG_UPDATE[] =
	"UPDATE programmes SET name = ?3, template_key = ?4, min_steps = ?5, active = ?6, updated_at = ?7 "
	"WHERE org_id = ?1 AND id = ?2";
static const char SQL_PROG_PHASE_USED[] =
	"SELECT count(*) FROM enrolments WHERE org_id = ?1 AND programme_id = ?2 AND phase >= ?3";
static const char SQL_PROG_GET[] = "SELECT " STORE_PROGRAMME_COLS " FROM programmes p WHERE p.org_id = ?1 AND p.id = ?2";
static const char SQL_PROG_LIST[] = "SELECT " STORE_PROGRAMME_COLS " FROM programmes p WHERE p.org_id = ?1 "
				    "AND (?2 OR p.active) ORDER BY p.name, p.id";
static const char SQL_PHASES_OF[] = "SELECT ph.programme_id, " STORE_PHASE_COLS " FROM programme_phases ph "
				    "WHERE ph.org_id = ?1 AND ph.programme_id = ?2 ORDER BY ph.idx";
static const char SQL_PHASES_ORG[] = "SELECT ph.programme_id, " STORE_PHASE_COLS " FROM programme_phases ph "
				     "WHERE ph.org_id = ?1 ORDER BY ph.programme_id, ph.idx";
static const char SQL_SOURCE_SEED[] =
	"INSERT INTO referral_sources (org_id, key, label, active, sort_order) VALUES (?1, ?2, ?3, 1, ?4) "
	"ON CONFLICT (org_id, key) DO NOTHING";

static int sq_phases_write(struct sq_conn *c, int64_t org_id, const struct programme *p)
{
	int ret = STORE_OK;
	for (int i = 0; i < p->nphases && !ret; i++) {
		const struct programme_phase *ph = &p->phases[i];
		const struct sq_val v[] = { V_I(org_id), V_I(p->id), V_I(i), V_T(ph->key), V_T(ph->label),
					    V_I(ph->target_days), V_I(ph->min_days_per_week),
					    V_I(ph->min_hours_per_day), V_I(ph->max_hours_per_day),
					    V_I(ph->min_months), V_I(ph->max_months), V_I(ph->sessions_per_week),
					    V_I(ph->session_minutes) };
		ret = sq_w(c, SQL_PHASE_UPSERT, "programme: phase", v, NV(v), NULL);
	}
	return ret;
}

static int sq_seed(struct sq_conn *c, int64_t org_id, int *added)
{
	int ret = STORE_OK;
	*added = 0;
	for (size_t i = 0; i < store_default_nsources && !ret; i++) {
		const struct referral_source *d = &store_default_sources[i];
		const struct sq_val v[] = { V_I(org_id), V_T(d->key), V_T(d->label), V_I(d->position) };
		int ch = 0;
		ret = sq_w(c, SQL_SOURCE_SEED, "referral_sources_seed", v, NV(v), &ch);
		*added += ch;
	}
	return ret;
}

static int sq_programme_create(struct store *s, int64_t org_id, struct programme *p)
{
	struct sq_store *sq = sq_of(s);
	int ret, added;
	struct sq_conn *c = sq_begin(sq, &ret, "programme_create: begin");
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id), V_T(p->name), V_T(p->template_key), V_I(p->min_steps),
					    V_I(p->active), V_I(p->created_at), V_I(p->updated_at) };
		ret = sq_w(c, SQL_PROG_INSERT, "programme_create", v, NV(v), NULL);
	}
	if (!ret) {
		p->id = sqlite3_last_insert_rowid(c->db);
		ret = sq_phases_write(c, org_id, p);
	}
	if (!ret)
		ret = sq_seed(c, org_id, &added);
	return sq_end(sq, c, ret, "programme_create: commit");
}

/* Adds the phase rows read from st (programme_id, phase columns) to the programmes. */
static int sq_attach_phases(struct sq_conn *c, sqlite3_stmt *st, struct programme *ps, size_t n)
{
	int rc, ret = STORE_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(st, 0);
		for (size_t i = 0; i < n; i++) {
			if (ps[i].id != pid || ps[i].nphases >= STORE_PHASES_MAX)
				continue;
			struct programme_phase *ph = &ps[i].phases[ps[i].nphases++];
			memset(ph, 0, sizeof *ph);
			if (!sq_read_map(st, 1, &store_phase_map, ph))
				ret = too_long("programme: phases");
		}
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sq_fail(c->db, "programme: phases");
	sq_done(st);
	return ret;
}

static int sq_programme_get(struct store *s, int64_t org_id, int64_t id, struct programme *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "programme_get: begin");
	if (!ret)
		ret = sq_r(c, SQL_PROG_GET, "programme_get", v, NV(v), &store_programme_map, out, sizeof *out);
	if (!ret) {
		sqlite3_stmt *st = sq_prep(c, SQL_PHASES_OF, v, NV(v));
		ret = st ? sq_attach_phases(c, st, out, 1) : STORE_ERROR;
	}
	return sq_end_read(sq, c, ret, "programme_get: commit");
}

static int sq_programme_list(struct store *s, int64_t org_id, bool include_inactive, struct programme **out,
			     size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(include_inactive) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "programme_list: begin");
	if (!ret)
		ret = sq_rows(c, SQL_PROG_LIST, "programme_list", v, NV(v), &store_programme_map, sizeof **out,
			      (void **)out, n);
	if (!ret && *n) {
		sqlite3_stmt *st = sq_prep(c, SQL_PHASES_ORG, v, 1);
		ret = st ? sq_attach_phases(c, st, *out, *n) : STORE_ERROR;
	}
	ret = sq_end_read(sq, c, ret, "programme_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

static int sq_programme_update(struct store *s, int64_t org_id, struct programme *p)
{
	struct sq_store *sq = sq_of(s);
	int ret, changes = 0;
	int64_t used = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "programme_update: begin");
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id), V_I(p->id), V_T(p->name), V_T(p->template_key),
					    V_I(p->min_steps), V_I(p->active), V_I(p->updated_at) };
		ret = sq_w(c, SQL_PROG_UPDATE, "programme_update", v, NV(v), &changes);
		if (!ret && !changes)
			ret = store_error(STORE_NOTFOUND, "programme_update: not found");
	}
	const struct sq_val vt[] = { V_I(org_id), V_I(p->id), V_I(p->nphases) };
	if (!ret)
		ret = sq_i(c, SQL_PROG_PHASE_USED, "programme_update: phases in use", vt, NV(vt), &used);
	if (!ret && used)
		ret = store_error(STORE_CONFLICT, "programme_update: enrolments are in a phase that would be removed");
	if (!ret)
		ret = sq_phases_write(c, org_id, p);
	if (!ret)
		ret = sq_w(c, SQL_PHASE_TRIM, "programme_update: phases", vt, NV(vt), NULL);
	return sq_end(sq, c, ret, "programme_update: commit");
}

static const char SQL_CLOSED_ADD[] =
	"INSERT INTO programme_closed_dates (org_id, programme_id, day, label) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (org_id, programme_id, day) DO UPDATE SET label = excluded.label";
static const char SQL_CLOSED_REMOVE[] =
	"DELETE FROM programme_closed_dates WHERE org_id = ?1 AND programme_id = ?2 AND day = ?3";
static const char SQL_CLOSED_LIST[] = "SELECT " STORE_CLOSED_COLS " FROM programme_closed_dates "
				      "WHERE org_id = ?1 AND programme_id = ?2 AND day >= ?3 AND day <= ?4 ORDER BY day";

static const char SQL_CLOSED_OF_LISTED[] =
	"SELECT c.programme_id, c.day FROM programme_closed_dates c JOIN programmes p ON p.org_id = c.org_id "
	"AND p.id = c.programme_id WHERE c.org_id = ?1 AND (?2 OR p.active) AND c.day >= ?3 AND c.day <= ?4 "
	"ORDER BY c.programme_id, c.day";

/* The programmes, their phases and their closed dates in [from, to], in one snapshot. */
static int sq_programme_list_closed(struct store *s, int64_t org_id, bool include_inactive, int32_t from, int32_t to,
				    struct programme **out, size_t *n, struct programme_day **closed, size_t *nclosed)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(include_inactive), V_I(from), V_I(to) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "programme_list_closed: begin");
	if (!ret)
		ret = sq_rows(c, SQL_PROG_LIST, "programme_list_closed", v, 2, &store_programme_map, sizeof **out,
			      (void **)out, n);
	if (!ret && *n) {
		sqlite3_stmt *st = sq_prep(c, SQL_PHASES_ORG, v, 1);
		ret = st ? sq_attach_phases(c, st, *out, *n) : STORE_ERROR;
	}
	if (!ret && *n)
		ret = sq_rows(c, SQL_CLOSED_OF_LISTED, "programme_list_closed: closed", v, NV(v),
			      &store_programme_day_map, sizeof **closed, (void **)closed, nclosed);
	return sq_end_read(sq, c, ret, "programme_list_closed: commit");
}

static int sq_closed_date_add(struct store *s, int64_t org_id, int64_t programme_id, const struct closed_date *d)
{
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(d->day), V_T(d->label) };
	return sq_write1(s, SQL_CLOSED_ADD, "closed_date_add", v, NV(v), false, NULL);
}

static int sq_closed_date_remove(struct store *s, int64_t org_id, int64_t programme_id, int32_t day)
{
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(day) };
	return sq_write1(s, SQL_CLOSED_REMOVE, "closed_date_remove", v, NV(v), true, NULL);
}

static int sq_closed_date_list(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
			       struct closed_date **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(from), V_I(to) };
	return sq_list1(s, SQL_CLOSED_LIST, "closed_date_list", v, NV(v), &store_closed_map, sizeof **out,
			(void **)out, n);
}

/* ---- groups ---- */

static const char SQL_GROUP_INSERT[] =
	"INSERT INTO programme_groups (org_id, programme_id, name, phase_key, weekdays, start_min, end_min, place, "
	"capacity, active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char SQL_GROUP_GET[] = "SELECT " STORE_GROUP_COLS " FROM programme_groups g WHERE g.org_id = ?1 AND g.id = ?2";
static const char SQL_GROUP_LIST[] = "SELECT " STORE_GROUP_COLS " FROM programme_groups g WHERE g.org_id = ?1 "
				     "AND (?2 = 0 OR g.programme_id = ?2) AND (?3 OR g.active) ORDER BY g.name, g.id";
static const char SQL_GROUP_UPDATE[] =
	"UPDATE programme_groups SET name = ?3, phase_key = ?4, weekdays = ?5, start_min = ?6, end_min = ?7, "
	"place = ?8, capacity = ?9, active = ?10, updated_at = ?11 WHERE org_id = ?1 AND id = ?2";
static const char SQL_GROUP_CAPACITY[] = "SELECT capacity FROM programme_groups WHERE org_id = ?1 AND id = ?2";
static const char SQL_GROUP_PROGRAMME[] = "SELECT programme_id FROM programme_groups WHERE org_id = ?1 AND id = ?2";
static const char SQL_MEMBERS_OPEN[] =
	"SELECT count(*) FROM group_members WHERE org_id = ?1 AND group_id = ?2 AND to_day IS NULL";
static const char SQL_MEMBER_IS_OPEN[] = "SELECT count(*) FROM group_members WHERE org_id = ?1 AND group_id = ?2 "
					 "AND enrolment_id = ?3 AND to_day IS NULL";
static const char SQL_MEMBER_INSERT[] =
	"INSERT INTO group_members (org_id, programme_id, group_id, enrolment_id, from_day, to_day, created_at, "
	"created_by) SELECT ?1, programme_id, id, ?3, ?4, NULL, ?5, ?6 FROM programme_groups "
	"WHERE org_id = ?1 AND id = ?2";
static const char SQL_WAITING_DROP[] =
	"DELETE FROM group_waiting WHERE org_id = ?1 AND group_id = ?2 AND enrolment_id = ?3";
static const char SQL_MEMBER_END[] = "UPDATE group_members SET to_day = ?3 WHERE org_id = ?1 AND id = ?2 "
				     "AND to_day IS NULL AND from_day <= ?3";
static const char SQL_MEMBER_STATE[] = "SELECT to_day IS NULL FROM group_members WHERE org_id = ?1 AND id = ?2";
static const char SQL_MEMBER_LIST_ALL[] = "SELECT " STORE_MEMBER_COLS STORE_MEMBER_FROM
					  " WHERE m.org_id = ?1 AND m.group_id = ?2 ORDER BY m.from_day, m.id";
static const char SQL_MEMBER_LIST_DAY[] = "SELECT " STORE_MEMBER_COLS STORE_MEMBER_FROM
					  " WHERE m.org_id = ?1 AND m.group_id = ?2 AND m.from_day <= ?3 "
					  "AND (m.to_day IS NULL OR m.to_day >= ?3) "
					  "ORDER BY p.family_key, p.given_key, m.id";
static const char SQL_MEMBER_COUNT[] =
	"SELECT (SELECT count(*) FROM group_members m WHERE m.org_id = g.org_id AND m.group_id = g.id "
	"AND m.to_day IS NULL) FROM programme_groups g WHERE g.org_id = ?1 AND g.id = ?2";
static const char SQL_WAITING_INSERT[] =
	"INSERT INTO group_waiting (org_id, programme_id, group_id, enrolment_id, note, created_at, created_by) "
	"SELECT ?1, programme_id, id, ?3, ?4, ?5, ?6 FROM programme_groups WHERE org_id = ?1 AND id = ?2";
static const char SQL_WAITING_LIST[] = "SELECT " STORE_WAITING_COLS STORE_WAITING_FROM
				       " WHERE w.org_id = ?1 AND w.group_id = ?2 ORDER BY w.created_at, w.id";
static const char SQL_WAITING_REMOVE[] = "DELETE FROM group_waiting WHERE org_id = ?1 AND id = ?2";
static const char SQL_WAITING_FIRST[] = "SELECT enrolment_id FROM group_waiting WHERE org_id = ?1 AND group_id = ?2 "
					"ORDER BY created_at, id LIMIT 1";
static const char SQL_WAITING_ONE[] =
	"SELECT enrolment_id FROM group_waiting WHERE org_id = ?1 AND group_id = ?2 AND id = ?3";

static int sq_group_create(struct store *s, int64_t org_id, struct group *g)
{
	const struct sq_val v[] = { V_I(org_id), V_I(g->programme_id), V_T(g->name), V_T(g->phase_key),
				    V_I(g->weekdays), V_I(g->start_min), V_I(g->end_min), V_T(g->place),
				    V_I(g->capacity), V_I(g->active), V_I(g->created_at), V_I(g->updated_at) };
	return sq_write1(s, SQL_GROUP_INSERT, "group_create", v, NV(v), false, &g->id);
}

static int sq_group_get(struct store *s, int64_t org_id, int64_t id, struct group *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_GROUP_GET, "group_get", v, NV(v), &store_group_map, out, sizeof *out);
}

static int sq_group_list(struct store *s, int64_t org_id, int64_t programme_id, bool include_inactive,
			 struct group **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(include_inactive) };
	return sq_list1(s, SQL_GROUP_LIST, "group_list", v, NV(v), &store_group_map, sizeof **out, (void **)out, n);
}

static int sq_group_update(struct store *s, int64_t org_id, struct group *g)
{
	const struct sq_val v[] = { V_I(org_id), V_I(g->id), V_T(g->name), V_T(g->phase_key), V_I(g->weekdays),
				    V_I(g->start_min), V_I(g->end_min), V_T(g->place), V_I(g->capacity),
				    V_I(g->active), V_I(g->updated_at) };
	return sq_write1(s, SQL_GROUP_UPDATE, "group_update", v, NV(v), true, NULL);
}

/* Inside a write transaction: the capacity check and the insert of an open membership
 * (m->group_id, m->enrolment_id), which also takes the enrolment off the group's
 * waiting list. */
static int sq_member_insert(struct sq_conn *c, int64_t org_id, struct group_member *m)
{
	const struct sq_val vg[] = { V_I(org_id), V_I(m->group_id), V_I(m->enrolment_id) };
	int64_t capacity, open, dup;
	int ret, changes = 0;
	if ((ret = sq_i(c, SQL_GROUP_CAPACITY, "group_member_add: group", vg, 2, &capacity)) ||
	    (ret = sq_i(c, SQL_MEMBER_IS_OPEN, "group_member_add: member", vg, 3, &dup)) ||
	    (ret = sq_i(c, SQL_MEMBERS_OPEN, "group_member_add: count", vg, 2, &open)))
		return ret;
	if (dup)
		return store_error(STORE_CONFLICT, "group_member_add: already a member");
	if (capacity > 0 && open >= capacity)
		return store_error(STORE_FULL, "group_member_add: the group is full");
	const struct sq_val v[] = { V_I(org_id), V_I(m->group_id), V_I(m->enrolment_id), V_I(m->from_day),
				    V_I(m->created_at), V_ID(m->created_by) };
	if ((ret = sq_w(c, SQL_MEMBER_INSERT, "group_member_add", v, NV(v), &changes)))
		return ret;
	if (!changes)
		return store_error(STORE_NOTFOUND, "group_member_add: no such group");
	m->id = sqlite3_last_insert_rowid(c->db);
	m->org_id = org_id;
	m->to_day = DATE_NONE;
	return sq_w(c, SQL_WAITING_DROP, "group_member_add: waiting list", vg, 3, NULL);
}

static int sq_group_member_add(struct store *s, int64_t org_id, struct group_member *m)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "group_member_add: begin");
	if (!ret)
		ret = sq_member_insert(c, org_id, m);
	return sq_end(sq, c, ret, "group_member_add: commit");
}

static int sq_group_member_end(struct store *s, int64_t org_id, int64_t member_id, int32_t to_day)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(member_id), V_I(to_day) };
	int ret, changes = 0;
	int64_t open;
	struct sq_conn *c = sq_begin(sq, &ret, "group_member_end: begin");
	if (!ret)
		ret = sq_w(c, SQL_MEMBER_END, "group_member_end", v, NV(v), &changes);
	if (!ret && !changes) {
		ret = sq_i(c, SQL_MEMBER_STATE, "group_member_end", v, 2, &open);
		if (!ret)
			ret = open ? store_error(STORE_INVALID, "group_member_end: the last day is before the first")
				   : store_error(STORE_CONFLICT, "group_member_end: the membership has ended already");
	}
	return sq_end(sq, c, ret, "group_member_end: commit");
}

static int sq_group_member_list(struct store *s, int64_t org_id, int64_t group_id, int32_t day,
				struct group_member **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(group_id), V_I(day) };
	if (day == DATE_NONE)
		return sq_list1(s, SQL_MEMBER_LIST_ALL, "group_member_list", v, 2, &store_member_map, sizeof **out,
				(void **)out, n);
	return sq_list1(s, SQL_MEMBER_LIST_DAY, "group_member_list", v, 3, &store_member_map, sizeof **out,
			(void **)out, n);
}

static int sq_group_member_count(struct store *s, int64_t org_id, int64_t group_id, int *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(group_id) };
	int64_t count = 0;
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c, SQL_MEMBER_COUNT, "group_member_count", v, NV(v), &count);
	sq_put(sq, c, false);
	*n = (int)count;
	return ret;
}

static int sq_waiting_add(struct store *s, int64_t org_id, struct group_waiting *w)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val vg[] = { V_I(org_id), V_I(w->group_id), V_I(w->enrolment_id) };
	int ret, changes = 0;
	int64_t dup;
	struct sq_conn *c = sq_begin(sq, &ret, "waiting_add: begin");
	if (!ret)
		ret = sq_i(c, SQL_MEMBER_IS_OPEN, "waiting_add: member", vg, 3, &dup);
	if (!ret && dup)
		ret = store_error(STORE_CONFLICT, "waiting_add: already a member");
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id), V_I(w->group_id), V_I(w->enrolment_id), V_T(w->note),
					    V_I(w->created_at), V_ID(w->created_by) };
		ret = sq_w(c, SQL_WAITING_INSERT, "waiting_add", v, NV(v), &changes);
		if (!ret && !changes)
			ret = store_error(STORE_NOTFOUND, "waiting_add: no such group");
		if (!ret)
			w->id = sqlite3_last_insert_rowid(c->db);
	}
	return sq_end(sq, c, ret, "waiting_add: commit");
}

static int sq_waiting_list(struct store *s, int64_t org_id, int64_t group_id, struct group_waiting **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(group_id) };
	return sq_list1(s, SQL_WAITING_LIST, "waiting_list", v, NV(v), &store_waiting_map, sizeof **out,
			(void **)out, n);
}

static int sq_waiting_remove(struct store *s, int64_t org_id, int64_t waiting_id)
{
	const struct sq_val v[] = { V_I(org_id), V_I(waiting_id) };
	return sq_write1(s, SQL_WAITING_REMOVE, "waiting_remove", v, NV(v), true, NULL);
}

static int sq_waiting_promote(struct store *s, int64_t org_id, int64_t group_id, int64_t waiting_id,
			      struct group_member *m)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(group_id), V_I(waiting_id) };
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "waiting_promote: begin");
	if (!ret)
		ret = waiting_id ? sq_i(c, SQL_WAITING_ONE, "waiting_promote", v, 3, &m->enrolment_id)
				 : sq_i(c, SQL_WAITING_FIRST, "waiting_promote", v, 2, &m->enrolment_id);
	if (!ret)
		ret = sq_member_insert(c, org_id, m);
	return sq_end(sq, c, ret, "waiting_promote: commit");
}

/* ---- referral sources ---- */

static const char SQL_SOURCE_ADD[] =
	"INSERT INTO referral_sources (org_id, key, label, active, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_SOURCE_UPDATE[] =
	"UPDATE referral_sources SET label = ?3, active = ?4, sort_order = ?5 WHERE org_id = ?1 AND key = ?2";
static const char SQL_SOURCE_LIST[] = "SELECT " STORE_REFSOURCE_COLS " FROM referral_sources WHERE org_id = ?1 "
				      "AND (?2 OR active) ORDER BY sort_order, label, id";

static int sq_refsource_seed(struct store *s, int64_t org_id, int *added)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "referral_sources_seed: begin");
	if (!ret)
		ret = sq_seed(c, org_id, added);
	return sq_end(sq, c, ret, "referral_sources_seed: commit");
}

static int sq_refsource_add(struct store *s, int64_t org_id, struct referral_source *src)
{
	const struct sq_val v[] = { V_I(org_id), V_T(src->key), V_T(src->label), V_I(src->active),
				    V_I(src->position) };
	return sq_write1(s, SQL_SOURCE_ADD, "referral_source_add", v, NV(v), false, &src->id);
}

static int sq_refsource_update(struct store *s, int64_t org_id, const struct referral_source *src)
{
	const struct sq_val v[] = { V_I(org_id), V_T(src->key), V_T(src->label), V_I(src->active),
				    V_I(src->position) };
	return sq_write1(s, SQL_SOURCE_UPDATE, "referral_source_update", v, NV(v), true, NULL);
}

static int sq_refsource_list(struct store *s, int64_t org_id, bool include_inactive, struct referral_source **out,
			     size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(include_inactive) };
	return sq_list1(s, SQL_SOURCE_LIST, "referral_source_list", v, NV(v), &store_refsource_map, sizeof **out,
			(void **)out, n);
}

/* ---- persons ---- */

static const char SQL_PERSON_INSERT[] =
	"INSERT INTO persons (org_id, given_name, family_name, given_key, family_key, birth_date, national_id, "
	"national_id_kind, phone, email, address, kin_name, kin_relation, kin_phone, substances, dual_diagnosis, "
	"notes, created_at, created_by, updated_at, updated_by) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";
static const char SQL_PERSON_UPDATE[] =
	"UPDATE persons SET given_name = ?2, family_name = ?3, given_key = ?4, family_key = ?5, birth_date = ?6, "
	"national_id = ?7, national_id_kind = ?8, phone = ?9, email = ?10, address = ?11, kin_name = ?12, "
	"kin_relation = ?13, kin_phone = ?14, substances = ?15, dual_diagnosis = ?16, notes = ?17, "
	"updated_at = ?20, updated_by = ?21 WHERE org_id = ?1 AND id = ?22";
static const char SQL_PERSON_GET[] = "SELECT " STORE_PERSON_COLS " FROM persons p WHERE p.org_id = ?1 AND p.id = ?2";
static const char SQL_PERSON_COUNT[] = "SELECT count(*) FROM persons WHERE org_id = ?1";
static const char SQL_PERSON_DUPES[] =
	"SELECT " STORE_PERSON_COLS " FROM persons p WHERE p.org_id = ?1 AND p.id <> ?2 AND p.national_id = ?3 "
	"UNION SELECT " STORE_PERSON_COLS " FROM persons p WHERE p.org_id = ?1 AND p.id <> ?2 "
	"AND p.family_key = ?4 AND p.given_key = ?5 AND p.birth_date = ?6 ORDER BY 1";

/* The 21 values of a person row in SQL_PERSON_INSERT's order; the update binds the same
 * (?18 and ?19 unused there) plus the id as ?22. */
#define PERSON_VALS(org_id, p, k)                                                                  \
	V_I(org_id), V_T((p)->given_name), V_T((p)->family_name), V_T((k)->given), V_T((k)->family), \
		V_DAY((p)->birth_date), V_TZ((p)->national_id), V_T((p)->national_id_kind),        \
		V_T((p)->phone), V_T((p)->email), V_T((p)->address), V_T((p)->kin_name),           \
		V_T((p)->kin_relation), V_T((p)->kin_phone), V_I((p)->substances),                 \
		V_I((p)->dual_diagnosis), V_T((p)->notes), V_I((p)->created_at), V_ID((p)->created_by), \
		V_I((p)->updated_at), V_ID((p)->updated_by)

static int sq_person_create(struct store *s, int64_t org_id, struct person *p, const struct store_person_keys *k)
{
	const struct sq_val v[] = { PERSON_VALS(org_id, p, k) };
	return sq_write1(s, SQL_PERSON_INSERT, "person_create", v, NV(v), false, &p->id);
}

static int sq_person_get(struct store *s, int64_t org_id, int64_t id, struct person *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_PERSON_GET, "person_get", v, NV(v), &store_person_map, out, sizeof *out);
}

static int sq_person_update(struct store *s, int64_t org_id, struct person *p, const struct store_person_keys *k)
{
	const struct sq_val v[] = { PERSON_VALS(org_id, p, k), V_I(p->id) };
	return sq_write1(s, SQL_PERSON_UPDATE, "person_update", v, NV(v), true, NULL);
}

static int sq_person_list(struct store *s, int64_t org_id, const struct store_person_query *q, struct person **out,
			  size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	struct buf where = BUF_INIT, sql = BUF_INIT;
	struct sq_val v[4] = { V_I(org_id) };
	int nv = 1, ret;
	buf_adds(&where, " FROM persons p WHERE p.org_id = ?1");
	if (q->like[0]) {
		/* SQLite's LIKE ignores ASCII case; the keys are folded already. */
		buf_adds(&where, " AND (p.given_key || ' ' || p.family_key) LIKE ?2 ESCAPE '\\'");
		v[nv++] = (struct sq_val)V_T(q->like);
	}
	buf_addf(&sql, "SELECT " STORE_PERSON_COLS "%s ORDER BY %s LIMIT ?%d OFFSET ?%d", where.data,
		 q->q->sort == STORE_PERSON_BY_CREATED ? "p.created_at DESC, p.id DESC"
						       : "p.family_key, p.given_key, p.id",
		 nv + 1, nv + 2);
	struct buf count = BUF_INIT;
	buf_addf(&count, "SELECT count(*)%s", where.data);
	int ncount = nv;
	v[nv++] = (struct sq_val)V_I(q->limit);
	v[nv++] = (struct sq_val)V_I(q->offset);
	struct sq_conn *c = sq_begin_read(sq, &ret, "person_list: begin");
	if (!ret)
		ret = sq_dyn_count(c, count.data, "person_list: count", v, ncount, total);
	if (!ret)
		ret = sq_dyn_rows(c, sql.data, "person_list", v, nv, &store_person_map, sizeof **out, (void **)out,
				  n, NULL);
	ret = sq_end_read(sq, c, ret, "person_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	buf_release(&count);
	buf_release(&sql);
	buf_release(&where);
	return ret;
}

static int sq_person_count(struct store *s, int64_t org_id, int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c, SQL_PERSON_COUNT, "person_count", v, NV(v), n);
	sq_put(sq, c, false);
	return ret;
}

static int sq_person_duplicates(struct store *s, int64_t org_id, const struct person *p,
				const struct store_person_keys *k, struct person **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(p->id), V_TZ(p->national_id), V_T(k->family), V_T(k->given),
				    V_DAY(p->birth_date) };
	return sq_list1(s, SQL_PERSON_DUPES, "person_find_duplicates", v, NV(v), &store_person_map, sizeof **out,
			(void **)out, n);
}

/* ---- referrals ---- */

static const char SQL_REFERRAL_INSERT[] =
	"INSERT INTO referrals (org_id, person_id, programme_id, source_key, referrer_name, referrer_org, "
	"received_on, reason, status, status_on, created_at, created_by, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char SQL_HISTORY_INSERT[] =
	"INSERT INTO referral_history (org_id, referral_id, from_status, to_status, on_day, at, by_user, note) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_REFERRAL_GET[] = "SELECT " STORE_REFERRAL_COLS STORE_REFERRAL_FROM
				       " WHERE r.org_id = ?1 AND r.id = ?2";
static const char SQL_REFERRAL_STATUS[] = "UPDATE referrals SET status = ?4, status_on = ?5, updated_at = ?6 "
					  "WHERE org_id = ?1 AND id = ?2 AND status = ?3";
static const char SQL_REFERRAL_EXISTS[] = "SELECT count(*) FROM referrals WHERE org_id = ?1 AND id = ?2";
static const char SQL_REFERRAL_LINK[] =
	"UPDATE referrals SET person_id = ?3, updated_at = ?4 WHERE org_id = ?1 AND id = ?2";
static const char SQL_HISTORY_LIST[] = "SELECT " STORE_REFEVENT_COLS " FROM referral_history "
				       "WHERE org_id = ?1 AND referral_id = ?2 ORDER BY id";

/* Inside a write transaction: the referral and its first history entry. */
static int sq_referral_insert(struct sq_conn *c, int64_t org_id, struct referral *r)
{
	const struct sq_val v[] = { V_I(org_id), V_ID(r->person_id), V_ID(r->programme_id), V_T(r->source_key),
				    V_T(r->referrer_name), V_T(r->referrer_org), V_I(r->received_on),
				    V_T(r->reason), V_T(r->status), V_I(r->status_on), V_I(r->created_at),
				    V_ID(r->created_by), V_I(r->updated_at) };
	int ret = sq_w(c, SQL_REFERRAL_INSERT, "referral_create", v, NV(v), NULL);
	if (ret)
		return ret;
	r->id = sqlite3_last_insert_rowid(c->db);
	const struct sq_val h[] = { V_I(org_id), V_I(r->id), V_T(""), V_T(r->status), V_I(r->status_on),
				    V_I(r->created_at), V_ID(r->created_by), V_T("") };
	return sq_w(c, SQL_HISTORY_INSERT, "referral_create: history", h, NV(h), NULL);
}

static int sq_referral_create(struct store *s, int64_t org_id, struct referral *r)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "referral_create: begin");
	if (!ret)
		ret = sq_referral_insert(c, org_id, r);
	return sq_end(sq, c, ret, "referral_create: commit");
}

static int sq_referral_get(struct store *s, int64_t org_id, int64_t id, struct referral *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_REFERRAL_GET, "referral_get", v, NV(v), &store_referral_map, out, sizeof *out);
}

#define OPEN_REFERRALS "('received', 'assessed', 'offered_conversation', 'waiting_list')"

static int sq_referral_list(struct store *s, int64_t org_id, const struct referral_query *q, struct referral **out,
			    size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	struct buf where = BUF_INIT, sql = BUF_INIT, count = BUF_INIT;
	struct sq_val v[6] = { V_I(org_id) };
	int nv = 1, ret;
	buf_adds(&where, STORE_REFERRAL_FROM " WHERE r.org_id = ?1");
	if (!strcmp(q->status, "open")) {
		buf_adds(&where, " AND r.status IN " OPEN_REFERRALS);
	} else if (q->status[0]) {
		v[nv++] = (struct sq_val)V_T(q->status);
		buf_addf(&where, " AND r.status = ?%d", nv);
	}
	if (q->programme_id) {
		v[nv++] = (struct sq_val)V_I(q->programme_id);
		buf_addf(&where, " AND r.programme_id = ?%d", nv);
	}
	if (q->person_id) {
		v[nv++] = (struct sq_val)V_I(q->person_id);
		buf_addf(&where, " AND r.person_id = ?%d", nv);
	}
	buf_addf(&count, "SELECT count(*)%s", where.data);
	buf_addf(&sql, "SELECT " STORE_REFERRAL_COLS "%s ORDER BY r.received_on, r.id LIMIT ?%d OFFSET ?%d",
		 where.data, nv + 1, nv + 2);
	int ncount = nv;
	v[nv++] = (struct sq_val)V_I(q->limit);
	v[nv++] = (struct sq_val)V_I(q->offset);
	struct sq_conn *c = sq_begin_read(sq, &ret, "referral_list: begin");
	if (!ret)
		ret = sq_dyn_count(c, count.data, "referral_list: count", v, ncount, total);
	if (!ret)
		ret = sq_dyn_rows(c, sql.data, "referral_list", v, nv, &store_referral_map, sizeof **out,
				  (void **)out, n, NULL);
	ret = sq_end_read(sq, c, ret, "referral_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	buf_release(&count);
	buf_release(&sql);
	buf_release(&where);
	return ret;
}

static int sq_referral_set_status(struct store *s, int64_t org_id, int64_t id, const struct referral_event *ev)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_T(ev->from_status), V_T(ev->to_status),
				    V_I(ev->on_day), V_I(ev->at) };
	int ret, changes = 0;
	int64_t exists;
	struct sq_conn *c = sq_begin(sq, &ret, "referral_set_status: begin");
	if (!ret)
		ret = sq_w(c, SQL_REFERRAL_STATUS, "referral_set_status", v, NV(v), &changes);
	if (!ret && !changes) {
		ret = sq_i(c, SQL_REFERRAL_EXISTS, "referral_set_status", v, 2, &exists);
		if (!ret)
			ret = exists ? store_error(STORE_CONFLICT, "referral_set_status: the status has changed meanwhile")
				     : store_error(STORE_NOTFOUND, "referral_set_status: not found");
	}
	if (!ret) {
		const struct sq_val h[] = { V_I(org_id), V_I(id), V_T(ev->from_status), V_T(ev->to_status),
					    V_I(ev->on_day), V_I(ev->at), V_ID(ev->by_user), V_T(ev->note) };
		ret = sq_w(c, SQL_HISTORY_INSERT, "referral_set_status: history", h, NV(h), NULL);
	}
	return sq_end(sq, c, ret, "referral_set_status: commit");
}

static int sq_referral_link_person(struct store *s, int64_t org_id, int64_t id, int64_t person_id)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_ID(person_id), V_I(now_seconds()) };
	return sq_write1(s, SQL_REFERRAL_LINK, "referral_link_person", v, NV(v), true, NULL);
}

static int sq_referral_history(struct store *s, int64_t org_id, int64_t referral_id, struct referral_event **out,
			       size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(referral_id) };
	return sq_list1(s, SQL_HISTORY_LIST, "referral_history", v, NV(v), &store_refevent_map, sizeof **out,
			(void **)out, n);
}

/* ---- self-referrals ---- */

static const char SQL_SELFREF_INSERT[] =
	"INSERT INTO self_referrals (org_id, name, phone, email, message, consent_at, addr_hash, status, "
	"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8)";
static const char SQL_SELFREF_GET[] = "SELECT " STORE_SELFREF_COLS " FROM self_referrals WHERE org_id = ?1 AND id = ?2";
static const char SQL_SELFREF_COUNT_ALL[] = "SELECT count(*) FROM self_referrals WHERE org_id = ?1";
static const char SQL_SELFREF_LIST_ALL[] = "SELECT " STORE_SELFREF_COLS " FROM self_referrals WHERE org_id = ?1 "
					   "ORDER BY created_at, id LIMIT ?2 OFFSET ?3";
static const char SQL_SELFREF_COUNT_ST[] = "SELECT count(*) FROM self_referrals WHERE org_id = ?1 AND status = ?4";
static const char SQL_SELFREF_LIST_ST[] = "SELECT " STORE_SELFREF_COLS " FROM self_referrals WHERE org_id = ?1 "
					  "AND status = ?4 ORDER BY created_at, id LIMIT ?2 OFFSET ?3";
static const char SQL_SELFREF_STATE[] =
	"SELECT status = 'new' FROM self_referrals WHERE org_id = ?1 AND id = ?2";
static const char SQL_SELFREF_TAKE[] =
	"UPDATE self_referrals SET status = 'taken', referral_id = ?3, handled_at = ?4, handled_by = ?5 "
	"WHERE org_id = ?1 AND id = ?2 AND status = 'new'";
static const char SQL_SELFREF_DISCARD[] =
	"UPDATE self_referrals SET status = 'discarded', handled_at = ?3, handled_by = ?4 "
	"WHERE org_id = ?1 AND id = ?2 AND status = 'new'";
static const char SQL_SELFREF_RECENT_ALL[] =
	"SELECT count(*) FROM self_referrals WHERE addr_hash = ?1 AND created_at >= ?2";
static const char SQL_SELFREF_RECENT_ORG[] =
	"SELECT count(*) FROM self_referrals WHERE addr_hash = ?1 AND created_at >= ?2 AND org_id = ?3";

static int sq_selfref_create(struct store *s, int64_t org_id, struct self_referral *sr)
{
	const struct sq_val v[] = { V_I(org_id), V_T(sr->name), V_T(sr->phone), V_T(sr->email), V_T(sr->message),
				    V_I(sr->consent_at), V_T(sr->addr_hash), V_I(sr->created_at) };
	return sq_write1(s, SQL_SELFREF_INSERT, "self_referral_create", v, NV(v), false, &sr->id);
}

static int sq_selfref_get(struct store *s, int64_t org_id, int64_t id, struct self_referral *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_SELFREF_GET, "self_referral_get", v, NV(v), &store_selfref_map, out, sizeof *out);
}

static int sq_selfref_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			   struct self_referral **out, size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(limit), V_I(offset), V_T(status) };
	bool all = !status[0];
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "self_referral_list: begin");
	if (!ret)
		ret = sq_i(c, all ? SQL_SELFREF_COUNT_ALL : SQL_SELFREF_COUNT_ST, "self_referral_list: count", v,
			   all ? 1 : 4, total);
	if (!ret)
		ret = sq_rows(c, all ? SQL_SELFREF_LIST_ALL : SQL_SELFREF_LIST_ST, "self_referral_list", v,
			      all ? 3 : 4, &store_selfref_map, sizeof **out, (void **)out, n);
	ret = sq_end_read(sq, c, ret, "self_referral_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

/* NOTFOUND or CONFLICT for a self-referral that an update "WHERE status = 'new'" missed. */
static int sq_selfref_missed(struct sq_conn *c, int64_t org_id, int64_t id, const char *what)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	int64_t is_new;
	int ret = sq_i(c, SQL_SELFREF_STATE, what, v, NV(v), &is_new);
	if (ret)
		return ret;
	return store_error(is_new ? STORE_ERROR : STORE_CONFLICT, "%s: it has been handled already", what);
}

static int sq_selfref_take(struct store *s, int64_t org_id, int64_t id, struct referral *r)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	int ret, changes = 0;
	int64_t is_new = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "self_referral_take: begin");
	if (!ret)
		ret = sq_i(c, SQL_SELFREF_STATE, "self_referral_take", v, NV(v), &is_new);
	if (!ret && !is_new)
		ret = store_error(STORE_CONFLICT, "self_referral_take: it has been handled already");
	if (!ret)
		ret = sq_referral_insert(c, org_id, r);
	if (!ret) {
		const struct sq_val u[] = { V_I(org_id), V_I(id), V_I(r->id), V_I(r->created_at),
					    V_ID(r->created_by) };
		ret = sq_w(c, SQL_SELFREF_TAKE, "self_referral_take", u, NV(u), &changes);
		if (!ret && !changes)
			ret = sq_selfref_missed(c, org_id, id, "self_referral_take");
	}
	return sq_end(sq, c, ret, "self_referral_take: commit");
}

static int sq_selfref_discard(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_I(at), V_ID(by_user) };
	int ret, changes = 0;
	struct sq_conn *c = sq_begin(sq, &ret, "self_referral_discard: begin");
	if (!ret)
		ret = sq_w(c, SQL_SELFREF_DISCARD, "self_referral_discard", v, NV(v), &changes);
	if (!ret && !changes)
		ret = sq_selfref_missed(c, org_id, id, "self_referral_discard");
	return sq_end(sq, c, ret, "self_referral_discard: commit");
}

static int sq_selfref_count_recent(struct store *s, int64_t org_id, const char *addr_hash, int64_t since,
				   int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_T(addr_hash), V_I(since), V_I(org_id) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c, org_id ? SQL_SELFREF_RECENT_ORG : SQL_SELFREF_RECENT_ALL, "self_referral_count_recent", v,
		       org_id ? 3 : 2, n);
	sq_put(sq, c, false);
	return ret;
}

/* ---- enrolments ---- */

static const char SQL_ENROL_INSERT[] =
	"INSERT INTO enrolments (org_id, person_id, programme_id, therapist_id, referral_id, status, phase, "
	"started_on, phase_since, last_change_on, paused_since, ended_on, reason_key, reason_note, pauses, "
	"version, created_at, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 1, ?16, ?17)";
static const char SQL_EVENT_INSERT[] =
	"INSERT INTO enrolment_events (org_id, enrolment_id, kind, from_phase, to_phase, on_day, reason, by_user, "
	"at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_ENROL_GET[] = "SELECT " STORE_ENROLMENT_COLS " FROM enrolments e WHERE e.org_id = ?1 AND e.id = ?2";
static const char SQL_ENROL_CHANGE[] =
	"UPDATE enrolments SET therapist_id = ?4, status = ?5, phase = ?6, phase_since = ?7, last_change_on = ?8, "
	"paused_since = ?9, ended_on = ?10, reason_key = ?11, reason_note = ?12, pauses = ?13, "
	"version = version + 1, updated_at = ?14 WHERE org_id = ?1 AND id = ?2 AND version = ?3";
static const char SQL_ENROL_EXISTS[] = "SELECT count(*) FROM enrolments WHERE org_id = ?1 AND id = ?2";
static const char SQL_EVENT_LIST[] = "SELECT " STORE_EVENT_COLS " FROM enrolment_events "
				     "WHERE org_id = ?1 AND enrolment_id = ?2 ORDER BY on_day, id";
static const char SQL_PHASE_COUNTS[] =
	"SELECT phase, count(*) FROM enrolments WHERE org_id = ?1 AND programme_id = ?2 "
	"AND status IN ('active', 'paused') GROUP BY phase";

static int sq_event_insert(struct sq_conn *c, int64_t org_id, struct enrolment_event *ev)
{
	const struct sq_val v[] = { V_I(org_id), V_I(ev->enrolment_id), V_T(ev->kind),
				    V_PHASE(ev->from_phase), V_PHASE(ev->to_phase),
				    V_I(ev->on_day), V_T(ev->reason), V_ID(ev->by_user), V_I(ev->at) };
	int ret = sq_w(c, SQL_EVENT_INSERT, "enrolment event", v, NV(v), NULL);
	if (!ret)
		ev->id = sqlite3_last_insert_rowid(c->db);
	return ret;
}

static int sq_enrolment_create(struct store *s, int64_t org_id, struct enrolment *e, struct enrolment_event *ev)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "enrolment_create: begin");
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id), V_I(e->person_id), V_I(e->programme_id), V_ID(e->therapist_id),
					    V_ID(e->referral_id), V_T(e->status), V_I(e->phase), V_I(e->started_on),
					    V_I(e->phase_since), V_I(e->last_change_on), V_DAY(e->paused_since),
					    V_DAY(e->ended_on), V_T(e->reason_key), V_T(e->reason_note),
					    V_I(e->pauses), V_I(e->created_at), V_I(e->updated_at) };
		ret = sq_w(c, SQL_ENROL_INSERT, "enrolment_create", v, NV(v), NULL);
	}
	if (!ret) {
		e->id = ev->enrolment_id = sqlite3_last_insert_rowid(c->db);
		ret = sq_event_insert(c, org_id, ev);
	}
	return sq_end(sq, c, ret, "enrolment_create: commit");
}

static int sq_enrolment_get(struct store *s, int64_t org_id, int64_t id, struct enrolment *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_ENROL_GET, "enrolment_get", v, NV(v), &store_enrolment_map, out, sizeof *out);
}

static int sq_enrolment_change(struct store *s, int64_t org_id, struct enrolment *e, int64_t expected_version,
			       struct enrolment_event *ev)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(e->id), V_I(expected_version), V_ID(e->therapist_id),
				    V_T(e->status), V_I(e->phase), V_I(e->phase_since), V_I(e->last_change_on),
				    V_DAY(e->paused_since), V_DAY(e->ended_on), V_T(e->reason_key),
				    V_T(e->reason_note), V_I(e->pauses), V_I(e->updated_at) };
	int ret, changes = 0;
	int64_t exists;
	struct sq_conn *c = sq_begin(sq, &ret, "enrolment_change: begin");
	if (!ret)
		ret = sq_w(c, SQL_ENROL_CHANGE, "enrolment_change", v, NV(v), &changes);
	if (!ret && !changes) {
		ret = sq_i(c, SQL_ENROL_EXISTS, "enrolment_change", v, 2, &exists);
		if (!ret)
			ret = exists ? store_error(STORE_CONFLICT, "enrolment_change: changed meanwhile (version)")
				     : store_error(STORE_NOTFOUND, "enrolment_change: not found");
	}
	if (!ret)
		ret = sq_event_insert(c, org_id, ev);
	ret = sq_end(sq, c, ret, "enrolment_change: commit");
	if (!ret)
		e->version = expected_version + 1;
	return ret;
}

static int sq_enrolment_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct enrolment_event **out,
			       size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id) };
	return sq_list1(s, SQL_EVENT_LIST, "enrolment_events", v, NV(v), &store_event_map, sizeof **out,
			(void **)out, n);
}

static bool read_enrolment_row_rest(sqlite3_stmt *st, void *row)
{
	struct enrolment_row *r = row;
	return sq_read_map(st, store_enrolment_map.n, &store_enrolment_row_map, r);
}

static int sq_enrolment_list(struct store *s, int64_t org_id, const struct enrolment_query *q,
			     struct enrolment_row **out, size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	struct buf where = BUF_INIT, sql = BUF_INIT, count = BUF_INIT;
	struct sq_val v[10] = { V_I(org_id) };
	int nv = 1, ret;
	buf_adds(&where, " WHERE e.org_id = ?1");
	if (q->programme_id) {
		v[nv++] = (struct sq_val)V_I(q->programme_id);
		buf_addf(&where, " AND e.programme_id = ?%d", nv);
	}
	if (q->therapist_id) {
		v[nv++] = (struct sq_val)V_I(q->therapist_id);
		buf_addf(&where, " AND e.therapist_id = ?%d", nv);
	}
	if (q->person_id) {
		v[nv++] = (struct sq_val)V_I(q->person_id);
		buf_addf(&where, " AND e.person_id = ?%d", nv);
	}
	if (!strcmp(q->status, "open")) {
		buf_adds(&where, " AND e.status IN ('active', 'paused')");
	} else if (q->status[0]) {
		v[nv++] = (struct sq_val)V_T(q->status);
		buf_addf(&where, " AND e.status = ?%d", nv);
	}
	if (q->phase >= 0) {
		v[nv++] = (struct sq_val)V_I(q->phase);
		buf_addf(&where, " AND e.phase = ?%d", nv);
	}
	/* Every enrolment has its person (a foreign key), so the count needs no join. */
	buf_addf(&count, "SELECT count(*) FROM enrolments e%s", where.data);
	int ncount = nv;
	/* The days in the phase are kept on the enrolment (days_in_phase); the recent days and
	 * the last one are per row, through attendance_days (one row per attended day, kept by
	 * triggers, migration 016): at most a window's rows and one, whatever the table's size. */
	buf_addf(&sql,
		 "SELECT " STORE_ENROLMENT_COLS ", p.given_name, p.family_name, e.days_in_phase, "
		 "(SELECT count(*) FROM attendance_days a WHERE a.org_id = e.org_id "
		 "AND a.enrolment_id = e.id AND a.on_day >= ?%d), "
		 "(SELECT max(a.on_day) FROM attendance_days a WHERE a.org_id = e.org_id "
		 "AND a.enrolment_id = e.id) "
		 "FROM enrolments e JOIN persons p ON p.org_id = e.org_id AND p.id = e.person_id"
		 "%s ORDER BY %s LIMIT ?%d OFFSET ?%d",
		 nv + 1, where.data,
		 q->sort == STORE_ENROL_BY_STARTED ? "e.started_on DESC, e.id DESC"
		 : q->sort == STORE_ENROL_BY_PHASE ? "e.phase, e.phase_since, p.family_key, p.given_key, e.id"
						   : "p.family_key, p.given_key, e.id",
		 nv + 2, nv + 3);
	v[nv++] = (struct sq_val)V_I(q->recent_from == DATE_NONE ? INT32_MAX : q->recent_from);
	v[nv++] = (struct sq_val)V_I(q->limit);
	v[nv++] = (struct sq_val)V_I(q->offset);
	struct sq_conn *c = sq_begin_read(sq, &ret, "enrolment_list: begin");
	if (!ret)
		ret = sq_dyn_count(c, count.data, "enrolment_list: count", v, ncount, total);
	if (!ret)
		ret = sq_dyn_rows(c, sql.data, "enrolment_list", v, nv, &store_enrolment_map, sizeof **out,
				  (void **)out, n, read_enrolment_row_rest);
	ret = sq_end_read(sq, c, ret, "enrolment_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	buf_release(&count);
	buf_release(&sql);
	buf_release(&where);
	return ret;
}

static int sq_enrolment_phase_counts(struct store *s, int64_t org_id, int64_t programme_id,
				     int counts[STORE_PHASES_MAX])
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_prep(c, SQL_PHASE_COUNTS, v, NV(v));
	if (st) {
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int phase = sqlite3_column_int(st, 0);
			if (phase >= 0 && phase < STORE_PHASES_MAX)
				counts[phase] = sqlite3_column_int(st, 1);
		}
		ret = rc == SQLITE_DONE ? STORE_OK : sq_fail(c->db, "enrolment_phase_counts");
		sq_done(st);
	}
	sq_put(sq, c, false);
	return ret;
}

/* ---- attendance ---- */

static const char SQL_ATT_SESSION_INSERT[] =
	"INSERT INTO attendance_sessions (org_id, programme_id, group_id, phase_key, on_day, start_min, end_min, "
	"kind, leader_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char SQL_ATT_SESSION_GET[] = "SELECT " STORE_SESSION_COLS " FROM attendance_sessions "
				      "WHERE org_id = ?1 AND id = ?2";
static const char SQL_SESSION_OF_GROUP[] = "SELECT " STORE_SESSION_COLS " FROM attendance_sessions "
					   "WHERE org_id = ?1 AND group_id = ?2 AND on_day = ?3";
static const char SQL_ATT_GET[] = "SELECT " STORE_ATTENDANCE_COLS STORE_ATTENDANCE_FROM
				  " WHERE a.org_id = ?1 AND a.session_id = ?2 AND a.enrolment_id = ?3";
static const char SQL_ATT_INSERT[] =
	"INSERT INTO attendance (org_id, programme_id, session_id, on_day, enrolment_id, attended, minutes, note, "
	"recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_ATT_UPDATE[] =
	"UPDATE attendance SET attended = ?3, minutes = ?4, note = ?5, recorded_by = ?6, recorded_at = ?7 "
	"WHERE org_id = ?1 AND id = ?2";
/* Everybody in the group on the session's day (member = 1) and everybody with a row. */
static const char SQL_ROSTER[] =
	"WITH s AS (SELECT id, org_id, programme_id, group_id, on_day, kind FROM attendance_sessions "
	"WHERE org_id = ?1 AND id = ?2), "
	"cand AS (SELECT eid, max(member) AS member FROM ("
	"SELECT m.enrolment_id AS eid, 1 AS member FROM group_members m JOIN s ON m.org_id = s.org_id "
	"AND m.group_id = s.group_id WHERE m.from_day <= s.on_day AND (m.to_day IS NULL OR m.to_day >= s.on_day) "
	"UNION ALL SELECT a.enrolment_id, 0 FROM attendance a JOIN s ON a.org_id = s.org_id AND a.session_id = s.id"
	") AS u GROUP BY eid) "
	"SELECT e.id, e.person_id, p.given_name, p.family_name, e.status, cand.member, a.id IS NOT NULL, "
	"a.id, s.org_id, s.id, e.id, a.attended, a.minutes, a.note, a.recorded_by, a.recorded_at, s.on_day, "
	"s.group_id, s.kind "
	"FROM cand CROSS JOIN s JOIN enrolments e ON e.org_id = s.org_id AND e.id = cand.eid "
	"JOIN persons p ON p.org_id = e.org_id AND p.id = e.person_id "
	"LEFT JOIN attendance a ON a.org_id = s.org_id AND a.session_id = s.id AND a.enrolment_id = e.id "
	"ORDER BY p.family_key, p.given_key, e.id";
static const char SQL_ATT_DATES[] =
	"SELECT on_day FROM attendance_days WHERE org_id = ?1 AND enrolment_id = ?2 "
	"AND on_day >= ?3 AND on_day <= ?4 ORDER BY on_day";
static const char SQL_ATT_OF_ENROL[] = "SELECT " STORE_ATTENDANCE_COLS STORE_ATTENDANCE_FROM
				       " WHERE a.org_id = ?1 AND a.enrolment_id = ?2 AND a.on_day >= ?3 "
				       "AND a.on_day <= ?4 ORDER BY a.on_day, s.start_min, a.id";

/* Inside a write transaction: inserts se (programme from its group, if it has one). */
static int sq_session_insert(struct sq_conn *c, int64_t org_id, struct att_session *se)
{
	int ret;
	if (se->group_id) {
		const struct sq_val vg[] = { V_I(org_id), V_I(se->group_id) };
		ret = sq_i(c, SQL_GROUP_PROGRAMME, "session: group", vg, NV(vg), &se->programme_id);
		if (ret == STORE_NOTFOUND)
			ret = store_error(STORE_INVALID, "session: no such group");
		if (ret)
			return ret;
	}
	const struct sq_val v[] = { V_I(org_id), V_I(se->programme_id), V_ID(se->group_id), V_T(se->phase_key),
				    V_I(se->on_day), V_I(se->start_min), V_I(se->end_min), V_T(se->kind),
				    V_ID(se->leader_id), V_I(se->created_at), V_ID(se->created_by) };
	ret = sq_w(c, SQL_ATT_SESSION_INSERT, "att_session_create", v, NV(v), NULL);
	if (!ret)
		se->id = sqlite3_last_insert_rowid(c->db);
	return ret;
}

static int sq_att_session_create(struct store *s, int64_t org_id, struct att_session *se)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "att_session_create: begin");
	if (!ret)
		ret = sq_session_insert(c, org_id, se);
	return sq_end(sq, c, ret, "att_session_create: commit");
}

static int sq_att_session_get(struct store *s, int64_t org_id, int64_t id, struct att_session *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_ATT_SESSION_GET, "att_session_get", v, NV(v), &store_session_map, out, sizeof *out);
}

static int sq_att_session_for_group(struct store *s, int64_t org_id, struct att_session *se, bool *created)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(se->group_id), V_I(se->on_day) };
	struct att_session found;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "att_session_for_group: begin");
	if (!ret) {
		ret = sq_r(c, SQL_SESSION_OF_GROUP, "att_session_for_group", v, NV(v), &store_session_map, &found,
			   sizeof found);
		if (!ret) {
			*se = found;
		} else if (ret == STORE_NOTFOUND) {
			ret = sq_session_insert(c, org_id, se);
			*created = !ret;
		}
	}
	return sq_end(sq, c, ret, "att_session_for_group: commit");
}

static int sq_att_session_list(struct store *s, int64_t org_id, int64_t programme_id, int64_t group_id, int32_t from,
			       int32_t to, int limit, struct att_session **out, size_t *n)
{
	struct sq_store *sq = sq_of(s);
	struct buf sql = BUF_INIT;
	struct sq_val v[6] = { V_I(org_id), V_I(from), V_I(to), V_I(limit) };
	int nv = 4;
	buf_adds(&sql, "SELECT " STORE_SESSION_COLS " FROM attendance_sessions WHERE org_id = ?1");
	if (programme_id) {
		v[nv++] = (struct sq_val)V_I(programme_id);
		buf_addf(&sql, " AND programme_id = ?%d", nv);
	}
	if (group_id) {
		v[nv++] = (struct sq_val)V_I(group_id);
		buf_addf(&sql, " AND group_id = ?%d", nv);
	}
	buf_adds(&sql, " AND on_day >= ?2 AND on_day <= ?3 ORDER BY on_day, start_min, id LIMIT ?4");
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_dyn_rows(c, sql.data, "att_session_list", v, nv, &store_session_map, sizeof **out,
			      (void **)out, n, NULL);
	sq_put(sq, c, false);
	buf_release(&sql);
	return ret;
}

static int sq_attendance_save(struct store *s, int64_t org_id, int64_t session_id, const struct attendance *rows,
			      size_t nrows, int64_t by_user, int64_t at, struct attendance_change **changes,
			      size_t *nchanges)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val vs[] = { V_I(org_id), V_I(session_id) };
	struct att_session head;
	struct attendance_change *ch = nrows ? xcalloc(nrows, sizeof *ch) : NULL;
	size_t nch = 0;
	int ret;
	struct sq_conn *c = sq_begin(sq, &ret, "attendance_save: begin");
	if (!ret)
		ret = sq_r(c, SQL_ATT_SESSION_GET, "attendance_save: session", vs, NV(vs), &store_session_map, &head,
			   sizeof head);
	for (size_t i = 0; i < nrows && !ret; i++) {
		const struct attendance *in = &rows[i];
		struct attendance old;
		const struct sq_val vk[] = { V_I(org_id), V_I(session_id), V_I(in->enrolment_id) };
		ret = sq_r(c, SQL_ATT_GET, "attendance_save: row", vk, NV(vk), &store_attendance_map, &old, sizeof old);
		if (ret == STORE_NOTFOUND) {
			const struct sq_val v[] = { V_I(org_id), V_I(head.programme_id), V_I(session_id),
						    V_I(head.on_day), V_I(in->enrolment_id), V_I(in->attended),
						    V_I(in->minutes), V_T(in->note), V_ID(by_user), V_I(at) };
			ret = sq_w(c, SQL_ATT_INSERT, "attendance_save: insert", v, NV(v), NULL);
			if (!ret) {
				ch[nch].existed = false;
				old.id = sqlite3_last_insert_rowid(c->db);
			}
		} else if (!ret) {
			if (old.attended == in->attended && old.minutes == in->minutes && !strcmp(old.note, in->note))
				continue;
			const struct sq_val v[] = { V_I(org_id), V_I(old.id), V_I(in->attended), V_I(in->minutes),
						    V_T(in->note), V_ID(by_user), V_I(at) };
			ret = sq_w(c, SQL_ATT_UPDATE, "attendance_save: update", v, NV(v), NULL);
			ch[nch].existed = true;
			ch[nch].was_attended = old.attended;
			ch[nch].was_minutes = old.minutes;
			memcpy(ch[nch].was_note, old.note, sizeof old.note);
		}
		if (!ret)
			ret = sq_r(c, SQL_ATT_GET, "attendance_save: row", vk, NV(vk), &store_attendance_map,
				   &ch[nch++].now, sizeof ch->now);
	}
	ret = sq_end(sq, c, ret, "attendance_save: commit");
	if (ret || !nch) {
		free(ch);
		ch = NULL;
		nch = 0;
	}
	*changes = ch;
	*nchanges = nch;
	return ret;
}

static bool read_roster_rest(sqlite3_stmt *st, void *row)
{
	struct roster_line *r = row;
	return sq_read_map(st, store_roster_map.n, &store_attendance_map, &r->a);
}

static int sq_attendance_roster(struct store *s, int64_t org_id, int64_t session_id, struct roster_line **out,
				size_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(session_id) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = STORE_ERROR;
	sqlite3_stmt *st = sq_prep(c, SQL_ROSTER, v, NV(v));
	if (st)
		ret = sq_collect_map(c, st, "attendance_roster", &store_roster_map, sizeof **out, (void **)out, n,
				     read_roster_rest);
	sq_put(sq, c, false);
	return ret;
}

static int sq_attendance_dates(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
			       int32_t **out, size_t *n)
{
	static const struct store_col day_col[] = { { SCOL_DAY, 0, sizeof(int32_t) } };
	static const struct store_cols day_map = { day_col, 1 };
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id), V_I(from), V_I(to) };
	return sq_list1(s, SQL_ATT_DATES, "attendance_dates", v, NV(v), &day_map, sizeof **out, (void **)out, n);
}

static int sq_attendance_of_enrolment(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from,
				      int32_t to, struct attendance **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(enrolment_id), V_I(from), V_I(to) };
	return sq_list1(s, SQL_ATT_OF_ENROL, "attendance_of_enrolment", v, NV(v), &store_attendance_map,
			sizeof **out, (void **)out, n);
}

/* ======================================================================================
 * The meeting directory (store.h, issue 5). An import is one BEGIN IMMEDIATE transaction:
 * every upsert, every removal, the run and the source's last_run_at, or none of them.
 * The directory's version is bumped by the triggers of 003_meetings.sql.
 * ====================================================================================== */

#define MEETING_WRITE_COLS                                                                         \
	"org_id, slug, name, days, start_min, end_min, timezone, rrule, location, location_notes, "   \
	"formatted_address, address, city, state, postal_code, country, lat_e6, lon_e6, region, "     \
	"sub_region, types, notes, group_name, group_notes, fellowship, attendance, conference_url, " \
	"conference_url_notes, conference_phone, conference_phone_notes, website, email, phone, url, " \
	"contact_1_name, contact_1_email, contact_1_phone, contact_2_name, contact_2_email, "         \
	"contact_2_phone, contact_3_name, contact_3_email, contact_3_phone, public, source_id, "      \
	"created_at, updated_at, updated_by, removed_at, starts_on"

static const char SQL_MEETING_INSERT[] =
	"INSERT INTO meetings (" MEETING_WRITE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	"?12, ?13, ?14, ?15, ?16, CASE WHEN ?50 = 1 THEN ?17 END, CASE WHEN ?50 = 1 THEN ?18 END, ?19, ?20, ?21, "
	"?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, "
	"?43, ?44, ?45, ?46, ?47, ?48, ?49, ?52)";
static const char SQL_MEETING_UPDATE[] =
	"UPDATE meetings SET slug = ?2, name = ?3, days = ?4, start_min = ?5, end_min = ?6, timezone = ?7, "
	"rrule = ?8, location = ?9, location_notes = ?10, formatted_address = ?11, address = ?12, city = ?13, "
	"state = ?14, postal_code = ?15, country = ?16, lat_e6 = CASE WHEN ?50 = 1 THEN ?17 END, "
	"lon_e6 = CASE WHEN ?50 = 1 THEN ?18 END, region = ?19, sub_region = ?20, types = ?21, notes = ?22, "
	"group_name = ?23, group_notes = ?24, fellowship = ?25, attendance = ?26, conference_url = ?27, "
	"conference_url_notes = ?28, conference_phone = ?29, conference_phone_notes = ?30, website = ?31, "
	"email = ?32, phone = ?33, url = ?34, contact_1_name = ?35, contact_1_email = ?36, "
	"contact_1_phone = ?37, contact_2_name = ?38, contact_2_email = ?39, contact_2_phone = ?40, "
	"contact_3_name = ?41, contact_3_email = ?42, contact_3_phone = ?43, public = ?44, source_id = ?45, "
	"updated_at = ?47, updated_by = ?48, removed_at = ?49, starts_on = ?52 WHERE org_id = ?1 AND id = ?51";
static const char SQL_MEETING_GET[] = "SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.org_id = ?1 AND m.id = ?2";
static const char SQL_MEETING_GET_PUBLIC[] =
	"SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.id = ?1 AND m.public = 1 AND m.removed_at IS NULL";
static const char SQL_MEETING_ALL[] = "SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.org_id = ?1 ORDER BY m.id";
static const char SQL_MEETING_PUBLIC_PAGE[] =
	"SELECT " STORE_MEETING_COLS " FROM meetings m WHERE m.public = 1 AND m.removed_at IS NULL AND m.id > ?1 "
	"ORDER BY m.id LIMIT ?2";
static const char SQL_MEETING_REMOVE[] =
	"UPDATE meetings SET removed_at = ?3, updated_at = ?3 WHERE org_id = ?1 AND id = ?2 AND removed_at IS NULL";
static const char SQL_DIRECTORY_VERSION[] = "SELECT version, changed_at FROM directory_state WHERE id = 1";

/* The 52 values of a meeting row in the order of the statements above (the insert does
 * not use ?51, the id). */
#define MEETING_VALS(org_id, m)                                                                    \
	V_I(org_id), V_T((m)->slug), V_T((m)->name), V_I((m)->days), V_PHASE((m)->start_min),         \
		V_PHASE((m)->end_min), V_T((m)->timezone), V_T((m)->rrule), V_T((m)->location),     \
		V_T((m)->location_notes), V_T((m)->formatted_address), V_T((m)->address),           \
		V_T((m)->city), V_T((m)->state), V_T((m)->postal_code), V_T((m)->country),          \
		V_I((m)->lat_e6), V_I((m)->lon_e6), V_T((m)->region), V_T((m)->sub_region),         \
		V_T((m)->types), V_T((m)->notes), V_T((m)->group_name), V_T((m)->group_notes),      \
		V_T((m)->fellowship), V_T((m)->attendance), V_T((m)->conference_url),               \
		V_T((m)->conference_url_notes), V_T((m)->conference_phone),                        \
		V_T((m)->conference_phone_notes), V_T((m)->website), V_T((m)->email),               \
		V_T((m)->phone), V_T((m)->url), V_T((m)->contact[0].name), V_T((m)->contact[0].email), \
		V_T((m)->contact[0].phone), V_T((m)->contact[1].name), V_T((m)->contact[1].email),  \
		V_T((m)->contact[1].phone), V_T((m)->contact[2].name), V_T((m)->contact[2].email),  \
		V_T((m)->contact[2].phone), V_I((m)->public), V_ID((m)->source_id),                 \
		V_I((m)->created_at), V_I((m)->updated_at), V_ID((m)->updated_by),                  \
		V_ID((m)->removed_at), V_I((m)->has_geo), V_I((m)->id), V_DAY((m)->starts_on)

static int sq_meeting_insert(struct sq_conn *c, int64_t org_id, struct meeting *m)
{
	const struct sq_val v[] = { MEETING_VALS(org_id, m) };
	int ret = sq_w(c, SQL_MEETING_INSERT, "meeting_create", v, NV(v), NULL);
	if (!ret)
		m->id = sqlite3_last_insert_rowid(c->db);
	return ret;
}

static int sq_meeting_update_on(struct sq_conn *c, int64_t org_id, const struct meeting *m)
{
	const struct sq_val v[] = { MEETING_VALS(org_id, m) };
	int changes = 0;
	int ret = sq_w(c, SQL_MEETING_UPDATE, "meeting_update", v, NV(v), &changes);
	if (!ret && changes == 0)
		ret = store_error(STORE_NOTFOUND, "meeting_update: not found");
	return ret;
}

static int sq_meeting_create(struct store *s, int64_t org_id, struct meeting *m)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = sq_meeting_insert(c, org_id, m);
	sq_put(sq, c, true);
	return ret;
}

static int sq_meeting_get(struct store *s, int64_t org_id, int64_t id, struct meeting *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_MEETING_GET, "meeting_get", v, NV(v), &store_meeting_map, out, sizeof *out);
}

static int sq_meeting_get_public(struct store *s, int64_t id, struct meeting *out)
{
	const struct sq_val v[] = { V_I(id) };
	return sq_read1(s, SQL_MEETING_GET_PUBLIC, "meeting_get_public", v, NV(v), &store_meeting_map, out,
			sizeof *out);
}

static int sq_meeting_update(struct store *s, int64_t org_id, struct meeting *m)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = sq_meeting_update_on(c, org_id, m);
	sq_put(sq, c, true);
	return ret;
}

static int sq_meeting_list(struct store *s, int64_t org_id, const struct store_meeting_query *q,
			   struct meeting **out, size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	struct buf where = BUF_INIT, sql = BUF_INIT, count = BUF_INIT;
	struct sq_val v[4] = { V_I(org_id) };
	int nv = 1, ret;
	buf_adds(&where, " FROM meetings m WHERE m.org_id = ?1");
	if (!q->q->include_removed)
		buf_adds(&where, " AND m.removed_at IS NULL");
	if (q->like[0]) {
		/* SQLite's LIKE ignores ASCII case. */
		buf_adds(&where, " AND (m.name LIKE ?2 ESCAPE '\\' OR m.slug LIKE ?2 ESCAPE '\\' "
				 "OR m.location LIKE ?2 ESCAPE '\\' OR m.region LIKE ?2 ESCAPE '\\')");
		v[nv++] = (struct sq_val)V_T(q->like);
	}
	buf_addf(&sql, "SELECT " STORE_MEETING_COLS "%s ORDER BY m.name, m.id LIMIT ?%d OFFSET ?%d", where.data,
		 nv + 1, nv + 2);
	buf_addf(&count, "SELECT count(*)%s", where.data);
	int ncount = nv;
	v[nv++] = (struct sq_val)V_I(q->limit);
	v[nv++] = (struct sq_val)V_I(q->offset);
	struct sq_conn *c = sq_begin_read(sq, &ret, "meeting_list: begin");
	if (!ret)
		ret = sq_dyn_count(c, count.data, "meeting_list: count", v, ncount, total);
	if (!ret)
		ret = sq_dyn_rows(c, sql.data, "meeting_list", v, nv, &store_meeting_map, sizeof **out, (void **)out,
				  n, NULL);
	ret = sq_end_read(sq, c, ret, "meeting_list: commit");
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	buf_release(&count);
	buf_release(&sql);
	buf_release(&where);
	return ret;
}

static int sq_meeting_all(struct store *s, int64_t org_id, struct meeting **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id) };
	return sq_list1(s, SQL_MEETING_ALL, "meeting_all", v, NV(v), &store_meeting_map, sizeof **out,
			(void **)out, n);
}

static int sq_meeting_public_page(struct store *s, int64_t after_id, int limit, struct meeting **out, size_t *n)
{
	const struct sq_val v[] = { V_I(after_id), V_I(limit) };
	return sq_list1(s, SQL_MEETING_PUBLIC_PAGE, "meeting_public_page", v, NV(v), &store_meeting_map,
			sizeof **out, (void **)out, n);
}

static int sq_directory_version(struct store *s, int64_t *version, int64_t *changed_at)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, false);
	int ret;
	sqlite3_stmt *st = sq_stmt(c, SQL_DIRECTORY_VERSION);
	if (!st) {
		ret = STORE_ERROR;
	} else {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*version = sqlite3_column_int64(st, 0);
			*changed_at = sqlite3_column_int64(st, 1);
			ret = STORE_OK;
		} else {
			ret = rc == SQLITE_DONE ? store_error(STORE_ERROR, "directory_version: no row")
						: sq_fail(c->db, "directory_version");
		}
		sq_done(st);
	}
	sq_put(sq, c, false);
	return ret;
}

/* ---- import sources and runs ---- */

static const char SQL_MSOURCE_INSERT[] =
	"INSERT INTO meeting_sources (org_id, name, url, format, timezone, fellowship, interval_hours, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_MSOURCE_GET[] = "SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE org_id = ?1 AND id = ?2";
static const char SQL_MSOURCE_BY_NAME[] =
	"SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE org_id = ?1 AND name = ?2";
static const char SQL_MSOURCE_UPDATE[] =
	"UPDATE meeting_sources SET url = ?3, format = ?4, timezone = ?5, fellowship = ?6, interval_hours = ?7 "
	"WHERE org_id = ?1 AND id = ?2";
static const char SQL_MSOURCE_LIST[] =
	"SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE org_id = ?1 ORDER BY name, id";
static const char SQL_MSOURCE_DUE[] =
	"SELECT " STORE_MSOURCE_COLS " FROM meeting_sources WHERE interval_hours > 0 AND url <> '' "
	"AND (last_run_at IS NULL OR last_run_at + interval_hours * 3600 <= ?1) ORDER BY org_id, id";
static const char SQL_MSOURCE_RAN[] = "UPDATE meeting_sources SET last_run_at = ?3 WHERE org_id = ?1 AND id = ?2";
static const char SQL_MRUN_INSERT[] =
	"INSERT INTO meeting_import_runs (org_id, source_id, at, by_user, status, added, changed, removed, "
	"unchanged, rejected, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char SQL_MRUN_LIST[] =
	"SELECT " STORE_MRUN_COLS " FROM meeting_import_runs WHERE org_id = ?1 AND source_id = ?2 "
	"ORDER BY at DESC, id DESC LIMIT ?3";

static int sq_msource_create(struct store *s, int64_t org_id, struct meeting_source *src)
{
	const struct sq_val v[] = { V_I(org_id),	 V_T(src->name),	V_T(src->url),
				    V_T(src->format),	 V_T(src->timezone),	V_T(src->fellowship),
				    V_I(src->interval_hours), V_I(src->created_at) };
	return sq_write1(s, SQL_MSOURCE_INSERT, "meeting_source_create", v, NV(v), false, &src->id);
}

static int sq_msource_get(struct store *s, int64_t org_id, int64_t id, struct meeting_source *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_MSOURCE_GET, "meeting_source_get", v, NV(v), &store_msource_map, out, sizeof *out);
}

static int sq_msource_get_by_name(struct store *s, int64_t org_id, const char *name, struct meeting_source *out)
{
	const struct sq_val v[] = { V_I(org_id), V_T(name) };
	return sq_read1(s, SQL_MSOURCE_BY_NAME, "meeting_source_get_by_name", v, NV(v), &store_msource_map, out,
			sizeof *out);
}

static int sq_msource_update(struct store *s, int64_t org_id, const struct meeting_source *src)
{
	const struct sq_val v[] = { V_I(org_id),	V_I(src->id),	      V_T(src->url),	       V_T(src->format),
				    V_T(src->timezone), V_T(src->fellowship), V_I(src->interval_hours) };
	return sq_write1(s, SQL_MSOURCE_UPDATE, "meeting_source_update", v, NV(v), true, NULL);
}

static int sq_msource_list(struct store *s, int64_t org_id, struct meeting_source **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id) };
	return sq_list1(s, SQL_MSOURCE_LIST, "meeting_source_list", v, NV(v), &store_msource_map, sizeof **out,
			(void **)out, n);
}

static int sq_msource_due(struct store *s, int64_t now, struct meeting_source **out, size_t *n)
{
	const struct sq_val v[] = { V_I(now) };
	return sq_list1(s, SQL_MSOURCE_DUE, "meeting_source_due", v, NV(v), &store_msource_map, sizeof **out,
			(void **)out, n);
}

static int sq_mrun_insert(struct sq_conn *c, int64_t org_id, struct meeting_import_run *run)
{
	const struct sq_val v[] = { V_I(org_id),      V_I(run->source_id), V_I(run->at),	V_ID(run->by_user),
				    V_T(run->status), V_I(run->added),     V_I(run->changed),	V_I(run->removed),
				    V_I(run->unchanged), V_I(run->rejected), V_T(run->message) };
	int ret = sq_w(c, SQL_MRUN_INSERT, "meeting_import_run", v, NV(v), NULL);
	if (!ret)
		run->id = sqlite3_last_insert_rowid(c->db);
	return ret;
}

static int sq_mrun_add(struct store *s, int64_t org_id, struct meeting_import_run *run)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = sq_mrun_insert(c, org_id, run);
	sq_put(sq, c, true);
	return ret;
}

static int sq_mrun_list(struct store *s, int64_t org_id, int64_t source_id, int limit,
			struct meeting_import_run **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(source_id), V_I(limit) };
	return sq_list1(s, SQL_MRUN_LIST, "meeting_run_list", v, NV(v), &store_mrun_map, sizeof **out, (void **)out,
			n);
}

static int sq_meeting_import_apply(struct store *s, int64_t org_id, struct meeting *upserts, size_t nupserts,
				   const int64_t *remove_ids, size_t nremove, struct meeting_import_run *run)
{
	struct sq_store *sq = sq_of(s);
	int ret;
	/* Which rows are new: their ids are handed back only if the transaction commits. */
	bool *fresh = nupserts ? xcalloc(nupserts, sizeof *fresh) : NULL;
	struct sq_conn *c = sq_begin(sq, &ret, "meeting_import: begin");
	for (size_t i = 0; !ret && i < nupserts; i++) {
		fresh[i] = upserts[i].id == 0;
		ret = fresh[i] ? sq_meeting_insert(c, org_id, &upserts[i]) : sq_meeting_update_on(c, org_id, &upserts[i]);
	}
	for (size_t i = 0; !ret && i < nremove; i++) {
		const struct sq_val v[] = { V_I(org_id), V_I(remove_ids[i]), V_I(run->at) };
		ret = sq_w(c, SQL_MEETING_REMOVE, "meeting_import: remove", v, NV(v), NULL);
	}
	if (!ret)
		ret = sq_mrun_insert(c, org_id, run);
	if (!ret) {
		const struct sq_val v[] = { V_I(org_id), V_I(run->source_id), V_I(run->at) };
		int changes = 0;
		ret = sq_w(c, SQL_MSOURCE_RAN, "meeting_import: source", v, NV(v), &changes);
		if (!ret && changes == 0)
			ret = store_error(STORE_NOTFOUND, "meeting_import: no such source");
	}
	ret = sq_end(sq, c, ret, "meeting_import: commit");
	for (size_t i = 0; ret && i < nupserts; i++)
		if (fresh[i])
			upserts[i].id = 0;
	free(fresh);
	return ret;
}

/* ---- change requests ---- */

static const char SQL_MCR_INSERT[] =
	"INSERT INTO meeting_change_requests (org_id, meeting_id, meeting_name, name, email, message, addr_hash, "
	"status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8)";
static const char SQL_MCR_GET[] =
	"SELECT " STORE_MCR_COLS " FROM meeting_change_requests WHERE org_id = ?1 AND id = ?2";
static const char SQL_MCR_LIST_ALL[] =
	"SELECT " STORE_MCR_COLS " FROM meeting_change_requests WHERE org_id = ?1 "
	"ORDER BY created_at, id LIMIT ?2 OFFSET ?3";
static const char SQL_MCR_LIST_ST[] =
	"SELECT " STORE_MCR_COLS " FROM meeting_change_requests WHERE org_id = ?1 AND status = ?4 "
	"ORDER BY created_at, id LIMIT ?2 OFFSET ?3";
static const char SQL_MCR_COUNT_ALL[] = "SELECT count(*) FROM meeting_change_requests WHERE org_id = ?1";
static const char SQL_MCR_COUNT_ST[] =
	"SELECT count(*) FROM meeting_change_requests WHERE org_id = ?1 AND status = ?4";
static const char SQL_MCR_CLOSE[] =
	"UPDATE meeting_change_requests SET status = ?3, handled_at = ?4, handled_by = ?5 "
	"WHERE org_id = ?1 AND id = ?2 AND status = 'new'";
static const char SQL_MCR_EXISTS[] = "SELECT count(*) FROM meeting_change_requests WHERE org_id = ?1 AND id = ?2";
static const char SQL_MCR_RECENT[] =
	"SELECT count(*) FROM meeting_change_requests WHERE addr_hash = ?1 AND created_at >= ?2";

static int sq_mcr_create(struct store *s, int64_t org_id, struct meeting_change_request *cr)
{
	const struct sq_val v[] = { V_I(org_id),      V_I(cr->meeting_id), V_T(cr->meeting_name), V_T(cr->name),
				    V_T(cr->email),   V_T(cr->message),    V_T(cr->addr_hash),    V_I(cr->created_at) };
	return sq_write1(s, SQL_MCR_INSERT, "meeting_change_request", v, NV(v), false, &cr->id);
}

static int sq_mcr_get(struct store *s, int64_t org_id, int64_t id, struct meeting_change_request *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(id) };
	return sq_read1(s, SQL_MCR_GET, "meeting_change_request_get", v, NV(v), &store_mcr_map, out, sizeof *out);
}

static int sq_mcr_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
		       struct meeting_change_request **out, size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(limit), V_I(offset), V_T(status) };
	int ret, nv = status[0] ? 4 : 3;
	struct sq_conn *c = sq_begin_read(sq, &ret, "meeting_cr_list: begin");
	if (!ret) {
		const struct sq_val cv[] = { V_I(org_id), V_I(0), V_I(0), V_T(status) };
		ret = sq_i(c, status[0] ? SQL_MCR_COUNT_ST : SQL_MCR_COUNT_ALL, "meeting_cr_list: count", cv,
			   status[0] ? 4 : 1, total);
	}
	if (!ret)
		ret = sq_rows(c, status[0] ? SQL_MCR_LIST_ST : SQL_MCR_LIST_ALL, "meeting_cr_list", v, nv,
			      &store_mcr_map, sizeof **out, (void **)out, n);
	return sq_end_read(sq, c, ret, "meeting_cr_list: commit");
}

static int sq_mcr_close(struct store *s, int64_t org_id, int64_t id, const char *status, int64_t by_user,
			int64_t at)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(id), V_T(status), V_I(at), V_ID(by_user) };
	int changes = 0, ret;
	struct sq_conn *c = sq_begin(sq, &ret, "meeting_cr_close: begin");
	if (!ret)
		ret = sq_w(c, SQL_MCR_CLOSE, "meeting_cr_close", v, NV(v), &changes);
	if (!ret && changes == 0) {
		int64_t k = 0;
		ret = sq_i(c, SQL_MCR_EXISTS, "meeting_cr_close: exists", v, 2, &k);
		if (!ret)
			ret = k ? store_error(STORE_CONFLICT, "meeting_cr_close: already handled")
				: store_error(STORE_NOTFOUND, "meeting_cr_close: not found");
	}
	return sq_end(sq, c, ret, "meeting_cr_close: commit");
}

static int sq_mcr_count_recent(struct store *s, const char *addr_hash, int64_t since, int64_t *n)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_T(addr_hash), V_I(since) };
	struct sq_conn *c = sq_get(sq, false);
	int ret = sq_i(c, SQL_MCR_RECENT, "meeting_cr_count_recent", v, NV(v), n);
	sq_put(sq, c, false);
	return ret;
}

static int sq_testing_exec(struct store *s, const char *sql)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK ? STORE_OK : sq_fail(c->db, "exec");
	sq_put(sq, c, true);
	return ret;
}

/* ---- step work and the plan (issue 4): in its own file, using the helpers above ---- */
#include "store/sqlite_steps.c"

/* ======================================================================================
 * Twelve Step Facilitation (store.h, issue 5). Kept here, above the operations table,
 * because it reuses this file's static helpers (sq_write1, sq_list1…).
 * ====================================================================================== */

static const char SQL_FAC_STANCE_ADD[] =
	"INSERT INTO fac_stances (org_id, person_id, stance, on_day, revisit_on, note, by_user, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_FAC_STANCE_LIST[] = "SELECT " STORE_FAC_STANCE_COLS " FROM " STORE_FAC_STANCE_FROM
					  " WHERE st.org_id = ?1 AND st.person_id = ?2 "
					  "ORDER BY st.on_day DESC, st.id DESC LIMIT ?3";
static const char SQL_FAC_ACTION_ADD[] =
	"INSERT INTO fac_actions (org_id, person_id, kind, on_day, meeting_id, stayed, note, by_user, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_FAC_ACTION_LIST[] = "SELECT " STORE_FAC_ACTION_COLS " FROM " STORE_FAC_ACTION_FROM
					  " WHERE a.org_id = ?1 AND a.person_id = ?2 "
					  "ORDER BY a.on_day DESC, a.id DESC LIMIT ?3";
static const char SQL_FAC_MEETING_ADD[] =
	"INSERT INTO fac_meeting_log (org_id, person_id, on_day, meeting_id, name, accompanied, stayed, source, "
	"by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_FAC_MEETING_COUNT[] = "SELECT count(*) FROM fac_meeting_log WHERE org_id = ?1 AND person_id = ?2";
static const char SQL_FAC_MEETING_LIST[] = "SELECT " STORE_FAC_MEETING_COLS " FROM " STORE_FAC_MEETING_FROM
					   " WHERE l.org_id = ?1 AND l.person_id = ?2 "
					   "ORDER BY l.on_day DESC, l.id DESC LIMIT ?3 OFFSET ?4";
static const char SQL_FAC_MEETING_DAYS[] = "SELECT on_day FROM fac_meeting_log WHERE org_id = ?1 AND person_id = ?2 "
					   "AND on_day >= ?3 AND on_day <= ?4 ORDER BY on_day, id";
static const char SQL_FAC_PROFILE_GET[] = "SELECT " STORE_FAC_PROFILE_COLS " FROM fac_profile "
					  "WHERE org_id = ?1 AND person_id = ?2";
static const char SQL_FAC_PROFILE_SET[] =
	"INSERT INTO fac_profile (org_id, person_id, sponsor, sponsor_since, home_group, updated_by, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (org_id, person_id) DO UPDATE SET "
	"sponsor = excluded.sponsor, sponsor_since = excluded.sponsor_since, home_group = excluded.home_group, "
	"updated_by = excluded.updated_by, updated_at = excluded.updated_at";
static const char SQL_FAC_REVISITS[] =
	"SELECT " STORE_FAC_REVISIT_COLS " FROM fac_stances st JOIN persons p ON p.org_id = st.org_id "
	"AND p.id = st.person_id WHERE st.org_id = ?1 AND st.stance = 'declines' AND st.revisit_on <= ?2 "
	"AND NOT EXISTS (SELECT 1 FROM fac_stances n WHERE n.org_id = st.org_id AND n.person_id = st.person_id "
	"AND (n.on_day > st.on_day OR (n.on_day = st.on_day AND n.id > st.id))) "
	"AND (?3 = 0 OR EXISTS (SELECT 1 FROM enrolments e WHERE e.org_id = st.org_id "
	"AND e.person_id = st.person_id AND e.therapist_id = ?3 AND e.status IN ('active', 'paused'))) "
	"ORDER BY st.revisit_on, p.id LIMIT ?4";

static int sq_fac_stance_add(struct store *s, int64_t org_id, struct fac_stance *st)
{
	const struct sq_val v[] = { V_I(org_id),	  V_I(st->person_id), V_T(st->stance), V_I(st->on_day),
				    V_DAY(st->revisit_on), V_T(st->note),      V_ID(st->by_user), V_I(st->at) };
	return sq_write1(s, SQL_FAC_STANCE_ADD, "fac_stance_add", v, NV(v), false, &st->id);
}

static int sq_fac_stance_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			      struct fac_stance **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(limit) };
	return sq_list1(s, SQL_FAC_STANCE_LIST, "fac_stance_list", v, NV(v), &store_fac_stance_map, sizeof **out,
			(void **)out, n);
}

static int sq_fac_action_add(struct store *s, int64_t org_id, struct fac_action *a)
{
	const struct sq_val v[] = { V_I(org_id),	V_I(a->person_id), V_T(a->kind),      V_I(a->on_day), V_ID(a->meeting_id),
				    V_I(a->stayed ? 1 : 0), V_T(a->note),	   V_ID(a->by_user), V_I(a->at) };
	return sq_write1(s, SQL_FAC_ACTION_ADD, "fac_action_add", v, NV(v), false, &a->id);
}

static int sq_fac_action_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			      struct fac_action **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(limit) };
	return sq_list1(s, SQL_FAC_ACTION_LIST, "fac_action_list", v, NV(v), &store_fac_action_map, sizeof **out,
			(void **)out, n);
}

static int sq_fac_meeting_add(struct store *s, int64_t org_id, struct fac_meeting *m)
{
	const struct sq_val v[] = { V_I(org_id),
				    V_I(m->person_id),
				    V_I(m->on_day),
				    V_ID(m->meeting_id),
				    V_T(m->name),
				    V_I(m->accompanied ? 1 : 0),
				    V_I(m->stayed ? 1 : 0),
				    V_T(m->source),
				    V_ID(m->by_user),
				    V_I(m->at) };
	return sq_write1(s, SQL_FAC_MEETING_ADD, "fac_meeting_add", v, NV(v), false, &m->id);
}

static int sq_fac_meeting_list(struct store *s, int64_t org_id, int64_t person_id, int limit, int offset,
			       struct fac_meeting **out, size_t *n, int64_t *total)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(limit), V_I(offset) };
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "fac_meeting_list: begin");
	if (!ret)
		ret = sq_i(c, SQL_FAC_MEETING_COUNT, "fac_meeting_list: count", v, 2, total);
	if (!ret)
		ret = sq_rows(c, SQL_FAC_MEETING_LIST, "fac_meeting_list", v, NV(v), &store_fac_meeting_map,
			      sizeof **out, (void **)out, n);
	return sq_end_read(sq, c, ret, "fac_meeting_list: commit");
}

static int sq_fac_meeting_days(struct store *s, int64_t org_id, int64_t person_id, int32_t from, int32_t to,
			       int32_t **days, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id), V_I(from), V_I(to) };
	return sq_list1(s, SQL_FAC_MEETING_DAYS, "fac_meeting_days", v, NV(v), &store_fac_day_map, sizeof **days,
			(void **)days, n);
}

/* One statement for a caseload page instead of two per row (the ids as a JSON array). */
static const char SQL_FAC_ENGAGEMENT[] =
	"SELECT j.key, (SELECT count(*) FROM fac_meeting_log m WHERE m.org_id = ?1 AND m.person_id = j.value "
	"AND m.on_day >= ?3 AND m.on_day <= ?4), coalesce(f.sponsor, '') FROM json_each(?2) j "
	"LEFT JOIN fac_profile f ON f.org_id = ?1 AND f.person_id = j.value";

static int sq_fac_engagement(struct store *s, int64_t org_id, const int64_t *person_ids, size_t n, int32_t from,
			     int32_t to, struct fac_engagement *out)
{
	struct sq_store *sq = sq_of(s);
	struct buf arr = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&arr, "%s%lld", i ? "," : "[", (long long)person_ids[i]);
	buf_addch(&arr, ']');
	int ret = STORE_ERROR;
	struct sq_conn *c = sq_get(sq, false);
	sqlite3_stmt *st = sq_stmt(c, SQL_FAC_ENGAGEMENT);
	if (st) {
		bind_i64(st, 1, org_id);
		bind_text(st, 2, arr.data);
		bind_i64(st, 3, from);
		bind_i64(st, 4, to);
		int rc;
		ret = STORE_OK;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t k = sqlite3_column_int64(st, 0);
			if (k < 0 || (size_t)k >= n || !COL_TEXT(st, 2, out[k].sponsor)) {
				ret = too_long("fac_engagement");
				break;
			}
			out[k].meetings = sqlite3_column_int(st, 1);
		}
		if (!ret && rc != SQLITE_DONE)
			ret = sq_fail(c->db, "fac_engagement");
		sq_done(st);
	}
	sq_put(sq, c, false);
	buf_release(&arr);
	return ret;
}

/* The two reads in one snapshot (SQLite has no round trips to save). */
static int sq_caseload_columns(struct store *s, int64_t org_id, const int64_t *enrolment_ids,
			       const int64_t *person_ids, size_t n, int32_t from, int32_t to,
			       struct store_plan_version **plans, size_t *nplans, struct fac_engagement *eg)
{
	int ret = sq_plan_latest_many(s, org_id, enrolment_ids, n, plans, nplans);
	return ret ? ret : sq_fac_engagement(s, org_id, person_ids, n, from, to, eg);
}

static int sq_fac_profile_get(struct store *s, int64_t org_id, int64_t person_id, struct fac_profile *out)
{
	const struct sq_val v[] = { V_I(org_id), V_I(person_id) };
	return sq_read1(s, SQL_FAC_PROFILE_GET, "fac_profile_get", v, NV(v), &store_fac_profile_map, out,
			sizeof *out);
}

static int sq_fac_profile_set(struct store *s, int64_t org_id, const struct fac_profile *p)
{
	const struct sq_val v[] = { V_I(org_id),	    V_I(p->person_id),	V_T(p->sponsor),
				    V_DAY(p->sponsor_since), V_T(p->home_group), V_ID(p->updated_by),
				    V_I(p->updated_at) };
	return sq_write1(s, SQL_FAC_PROFILE_SET, "fac_profile_set", v, NV(v), false, NULL);
}

static int sq_fac_revisits_due(struct store *s, int64_t org_id, int64_t therapist_id, int32_t today, int limit,
			       struct fac_revisit **out, size_t *n)
{
	const struct sq_val v[] = { V_I(org_id), V_I(today), V_I(therapist_id), V_I(limit) };
	return sq_list1(s, SQL_FAC_REVISITS, "fac_revisits_due", v, NV(v), &store_fac_revisit_map, sizeof **out,
			(void **)out, n);
}

/* ---- end of Twelve Step Facilitation ---- */

/* ======================================================================================
 * Clinical notes (store.h, issue 4): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_notes.c"
/* ---- end of Clinical notes ---- */

/* ======================================================================================
 * Group sessions and workshops (store.h, issue 4): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_sessions.c"
/* ---- end of Group sessions and workshops ---- */

/* ======================================================================================
 * The programme report (store.h, issue 7): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_report.c"
/* ---- end of The programme report ---- */

/* ======================================================================================
 * Therapist training (store.h, issue 7): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_training.c"
/* ---- end of Therapist training ---- */

/* ======================================================================================
 * The network report (store.h, issue 7): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_network.c"
/* ---- end of The network report ---- */

/* ======================================================================================
 * Relapses (store.h, issue 6): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_relapses.c"
/* ---- end of Relapses ---- */

/* ======================================================================================
 * Outcome measures (store.h, issue 6): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_outcomes.c"
/* ---- end of Outcome measures ---- */

/* ======================================================================================
 * Sobriety tests (store.h, issue 6): in its own file, using the helpers above.
 * ====================================================================================== */
#include "store/sqlite_sobriety.c"
/* ---- end of Sobriety tests ---- */

/* ======================================================================================
 * An organisation's own questionnaire definitions (store.h, issue 6): in its own file.
 * ====================================================================================== */
#include "store/sqlite_orgq.c"
/* ---- end of An organisation's own questionnaire definitions ---- */

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.schema_version = sq_schema_version,
	.ping = sq_ping,
	.backup = sq_backup,
	.org_create = sq_org_create,
	.org_get = sq_org_get,
	.org_get_by_name = sq_org_get_by_name,
	.org_list = sq_org_list,
	.user_create = sq_user_create,
	.user_get = sq_user_get,
	.user_get_by_email = sq_user_get_by_email,
	.user_update = sq_user_update,
	.user_count = sq_user_count,
	.membership_set = sq_membership_set,
	.membership_get = sq_membership_get,
	.memberships_of_user = sq_memberships_of_user,
	.user_list = sq_user_list,
	.session_create = sq_session_create,
	.session_get = sq_session_get,
	.session_principal = sq_session_principal,
	.session_touch = sq_session_touch,
	.session_set_org = sq_session_set_org,
	.session_delete = sq_session_delete,
	.session_delete_user = sq_session_delete_user,
	.session_purge = sq_session_purge,
	.token_create = sq_token_create,
	.token_get = sq_token_get,
	.login_failure_add = sq_login_failure_add,
	.login_failure_count = sq_login_failure_count,
	.login_failure_clear = sq_login_failure_clear,
	.audit_append = sq_audit_append,
	.audit_list = sq_audit_list,
	.audit_page = sq_audit_page,
	.audit_subjects = sq_audit_subjects,
	.programme_create = sq_programme_create,
	.programme_get = sq_programme_get,
	.programme_list = sq_programme_list,
	.programme_update = sq_programme_update,
	.closed_date_add = sq_closed_date_add,
	.closed_date_remove = sq_closed_date_remove,
	.closed_date_list = sq_closed_date_list,
	.programme_list_closed = sq_programme_list_closed,
	.group_create = sq_group_create,
	.group_get = sq_group_get,
	.group_list = sq_group_list,
	.group_update = sq_group_update,
	.group_member_add = sq_group_member_add,
	.group_member_end = sq_group_member_end,
	.group_member_list = sq_group_member_list,
	.group_member_count = sq_group_member_count,
	.waiting_add = sq_waiting_add,
	.waiting_list = sq_waiting_list,
	.waiting_remove = sq_waiting_remove,
	.waiting_promote = sq_waiting_promote,
	.refsource_seed = sq_refsource_seed,
	.refsource_add = sq_refsource_add,
	.refsource_update = sq_refsource_update,
	.refsource_list = sq_refsource_list,
	.person_create = sq_person_create,
	.person_get = sq_person_get,
	.person_update = sq_person_update,
	.person_list = sq_person_list,
	.person_count = sq_person_count,
	.person_duplicates = sq_person_duplicates,
	.referral_create = sq_referral_create,
	.referral_get = sq_referral_get,
	.referral_list = sq_referral_list,
	.referral_set_status = sq_referral_set_status,
	.referral_link_person = sq_referral_link_person,
	.referral_history = sq_referral_history,
	.selfref_create = sq_selfref_create,
	.selfref_get = sq_selfref_get,
	.selfref_list = sq_selfref_list,
	.selfref_take = sq_selfref_take,
	.selfref_discard = sq_selfref_discard,
	.selfref_count_recent = sq_selfref_count_recent,
	.enrolment_create = sq_enrolment_create,
	.enrolment_get = sq_enrolment_get,
	.enrolment_change = sq_enrolment_change,
	.enrolment_events = sq_enrolment_events,
	.enrolment_list = sq_enrolment_list,
	.enrolment_phase_counts = sq_enrolment_phase_counts,
	.att_session_create = sq_att_session_create,
	.att_session_get = sq_att_session_get,
	.att_session_for_group = sq_att_session_for_group,
	.att_session_list = sq_att_session_list,
	.attendance_save = sq_attendance_save,
	.attendance_roster = sq_attendance_roster,
	.attendance_dates = sq_attendance_dates,
	.attendance_of_enrolment = sq_attendance_of_enrolment,
	.meeting_create = sq_meeting_create,
	.meeting_get = sq_meeting_get,
	.meeting_get_public = sq_meeting_get_public,
	.meeting_update = sq_meeting_update,
	.meeting_list = sq_meeting_list,
	.meeting_all = sq_meeting_all,
	.meeting_public_page = sq_meeting_public_page,
	.directory_version = sq_directory_version,
	.msource_create = sq_msource_create,
	.msource_get = sq_msource_get,
	.msource_get_by_name = sq_msource_get_by_name,
	.msource_update = sq_msource_update,
	.msource_list = sq_msource_list,
	.msource_due = sq_msource_due,
	.mrun_add = sq_mrun_add,
	.mrun_list = sq_mrun_list,
	.meeting_import_apply = sq_meeting_import_apply,
	.mcr_create = sq_mcr_create,
	.mcr_get = sq_mcr_get,
	.mcr_list = sq_mcr_list,
	.mcr_close = sq_mcr_close,
	.mcr_count_recent = sq_mcr_count_recent,
	.fac_stance_add = sq_fac_stance_add,
	.fac_stance_list = sq_fac_stance_list,
	.fac_action_add = sq_fac_action_add,
	.fac_action_list = sq_fac_action_list,
	.fac_meeting_add = sq_fac_meeting_add,
	.fac_meeting_list = sq_fac_meeting_list,
	.fac_meeting_days = sq_fac_meeting_days,
	.fac_profile_get = sq_fac_profile_get,
	.fac_engagement = sq_fac_engagement,
	.caseload_columns = sq_caseload_columns,
	.fac_profile_set = sq_fac_profile_set,
	.fac_revisits_due = sq_fac_revisits_due,
	.steps_get = sq_steps_get,
	.step_change = sq_step_change,
	.step_events = sq_step_events,
	.plan_save = sq_plan_save,
	.plan_get = sq_plan_get,
	.plan_versions = sq_plan_versions,
	.plan_latest_many = sq_plan_latest_many,
	.steps_get_many = sq_steps_get_many,
	.step_wording_get = sq_step_wording_get,
	.step_wording_set = sq_step_wording_set,
	.note_create = sq_note_create,
	.note_update = sq_note_update,
	.note_delete = sq_note_delete,
	.note_sign = sq_note_sign,
	.note_addendum_add = sq_note_addendum_add,
	.note_get = sq_note_get,
	.note_list = sq_note_list,
	.note_heads = sq_note_heads,
	.note_draft_count = sq_note_draft_count,
	.note_drafts_overdue = sq_note_drafts_overdue,
	.session_details_get = sq_session_details_get,
	.session_details_set = sq_session_details_set,
	.session_group_notes = sq_session_group_notes,
	.report_rows = sq_report_rows,
	.training_courses = sq_training_courses,
	.training_course_add = sq_training_course_add,
	.training_records = sq_training_records,
	.training_set = sq_training_set,
	.training_certified_count = sq_training_certified_count,
	.session_override_get = sq_session_override_get,
	.session_override_set = sq_session_override_set,
	.relapse_create = sq_relapse_create,
	.relapse_update = sq_relapse_update,
	.relapse_get = sq_relapse_get,
	.relapse_by_test = sq_relapse_by_test,
	.relapse_list = sq_relapse_list,
	.sober_since_get = sq_sober_since_get,
	.sober_since_set = sq_sober_since_set,
	.relapse_settings_get = sq_relapse_settings_get,
	.relapse_settings_set = sq_relapse_settings_set,
	.outcome_add = sq_outcome_add,
	.outcome_get = sq_outcome_get,
	.outcome_list = sq_outcome_list,
	.outcome_mark_error = sq_outcome_mark_error,
	.outcome_open_events = sq_outcome_open_events,
	.outcome_points = sq_outcome_points,
	.outcome_point_add = sq_outcome_point_add,
	.outcome_point_remove = sq_outcome_point_remove,
	.outcome_schedule_seed = sq_outcome_schedule_seed,
	.outcome_link_create = sq_outcome_link_create,
	.outcome_link_find = sq_outcome_link_find,
	.outcome_link_list = sq_outcome_link_list,
	.outcome_link_consume = sq_outcome_link_consume,
	.outcome_attempt = sq_outcome_attempt,
	.network_join = sq_network_join,
	.network_leave = sq_network_leave,
	.network_member_get = sq_network_member_get,
	.network_members = sq_network_members,
	.network_import_put = sq_network_import_put,
	.network_import_list = sq_network_import_list,
	.network_import_body = sq_network_import_body,
	.network_import_remove = sq_network_import_remove,
	.orgq_put = sq_orgq_put,
	.orgq_get = sq_orgq_get,
	.orgq_body = sq_orgq_body,
	.orgq_list = sq_orgq_list,
	.orgq_remove = sq_orgq_remove,
	.substance_seed = sq_substance_seed,
	.substance_list = sq_substance_list,
	.substance_add = sq_substance_add,
	.substance_update = sq_substance_update,
	.substance_delete = sq_substance_delete,
	.sob_test_create = sq_sob_test_create,
	.sob_test_get = sq_sob_test_get,
	.sob_test_list = sq_sob_test_list,
	.sob_test_lab = sq_sob_test_lab,
	.sob_med_add = sq_sob_med_add,
	.sob_med_end = sq_sob_med_end,
	.sob_med_list = sq_sob_med_list,
	.sob_rule_set = sq_sob_rule_set,
	.sob_rule_list = sq_sob_rule_list,
	.sob_zero_get = sq_sob_zero_get,
	.sob_zero_set = sq_sob_zero_set,
	.sob_draw_put = sq_sob_draw_put,
	.sob_draw_list = sq_sob_draw_list,
	.sob_selected_count = sq_sob_selected_count,
	.sob_fairness = sq_sob_fairness,
	.testing_exec = sq_testing_exec,
};
