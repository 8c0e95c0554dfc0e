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
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/util.h"

enum { BUSY_TIMEOUT_MS = 5000 };

struct sq_cached {
	const char *sql;
	sqlite3_stmt *st;
};

struct sq_conn {
	sqlite3 *db;
	bool busy;
	struct sq_cached *cache;
	size_t ncache, capcache;
};

struct sq_store {
	struct store base;
	char *path;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_mutex_t write_lock;
	struct sq_conn *conns;
	int nconns;
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
	sqlite3_close(c->db); /* NULL is a harmless no-op */
	c->db = NULL;
}

static void sq_close(struct store *s)
{
	struct sq_store *sq = sq_of(s);
	for (int i = 0; i < sq->nconns; i++)
		sq_close_conn(&sq->conns[i]);
	free(sq->conns);
	pthread_mutex_destroy(&sq->lock);
	pthread_cond_destroy(&sq->cond);
	pthread_mutex_destroy(&sq->write_lock);
	free(sq->path);
	free(sq);
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
	if (sqlite3_exec(c->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(c->db, "connection settings");
	return STORE_OK;
}

static int sq_open(const char *path, int pool_size, struct store **out)
{
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
	sq->conns = xcalloc((size_t)pool_size, sizeof *sq->conns);
	sq->nconns = pool_size;
	for (int i = 0; i < pool_size; i++) {
		int ret = sq_open_conn(sq, &sq->conns[i], i == 0);
		if (ret) {
			sq_close(&sq->base);
			return ret;
		}
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
	return sq_run(c, st, "audit_append: insert");
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
	if (f->object_id[0])
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

static int sq_testing_exec(struct store *s, const char *sql)
{
	struct sq_store *sq = sq_of(s);
	struct sq_conn *c = sq_get(sq, true);
	int ret = sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK ? STORE_OK : sq_fail(c->db, "exec");
	sq_put(sq, c, true);
	return ret;
}

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
	.testing_exec = sq_testing_exec,
};
