/* backend.h: what store.c and the two backends share — the operations table, the
 * embedded migrations and the error helper. Private to src/store/.
 *
 * Division of labour (after git's refs/refs-internal.h): store.c checks arguments —
 * NULL pointers, fields that are not terminated inside their array, strings that
 * cannot fit, e-mail case, limits — and then calls the backend through struct
 * store_ops. A backend may therefore assume well-formed input and only deals with SQL,
 * connections and mapping database errors onto enum store_status.
 */
#ifndef TOLV_STORE_BACKEND_H
#define TOLV_STORE_BACKEND_H

#include "store/store.h"

/* One migration: sql is run as a whole (several statements) inside one transaction. */
struct store_migration {
	int version;
	const char *name;
	const char *sql;
};
/* Generated from sql/ by embed_sql.py; each ends with { 0, NULL, NULL }. */
extern const struct store_migration store_sqlite_migrations[];
extern const struct store_migration store_pg_migrations[];
extern const int store_migrations_latest;

/* Every backend's handle starts with this (the backend's struct embeds it first). */
struct store {
	const struct store_ops *ops;
};

/* store_audit_list after store.c has checked and prepared the filter. */
struct store_audit_query {
	const struct audit_filter *f;
	/* LIKE patterns with \ as escape character, "" when the filter field is "". */
	char actor_like[2 * STORE_EMAIL_MAX + 2];
	char action_like[2 * STORE_ACTION_MAX + 2];
	int limit; /* 1..1000 */
};

/* Upper bound of one page of store_audit_each: a page is read into memory and the
 * connection given back before the callback runs, so a callback may use the store. */
enum { STORE_AUDIT_PAGE = 256 };

struct store_ops {
	const char *name;
	/* target: the URL without "sqlite:" for SQLite, the whole URL for PostgreSQL. */
	int (*open)(const char *target, int pool_size, struct store **out);
	void (*close)(struct store *s);
	int (*migrate)(struct store *s, int *applied);
	int (*schema_version)(struct store *s, int *version);
	int (*ping)(struct store *s);
	int (*backup)(struct store *s, const char *path);

	int (*org_create)(struct store *s, struct org *o);
	int (*org_get)(struct store *s, int64_t id, struct org *out);
	int (*org_get_by_name)(struct store *s, const char *name, struct org *out);
	int (*org_list)(struct store *s, struct org **out, size_t *n);

	int (*user_create)(struct store *s, struct user *u);
	int (*user_get)(struct store *s, int64_t id, struct user *out);
	int (*user_get_by_email)(struct store *s, const char *email, struct user *out);
	int (*user_update)(struct store *s, const struct user *u);
	int (*user_count)(struct store *s, int64_t *n);

	int (*membership_set)(struct store *s, const struct membership *m);
	int (*membership_get)(struct store *s, int64_t user_id, int64_t org_id, struct membership *out);
	int (*memberships_of_user)(struct store *s, int64_t user_id, struct membership **out, size_t *n);
	int (*user_list)(struct store *s, int64_t org_id, int limit, int offset, struct user_row **out,
			 size_t *n, int64_t *total);

	int (*session_create)(struct store *s, const struct session *se);
	int (*session_get)(struct store *s, const char *token_hash, struct session *out);
	int (*session_touch)(struct store *s, const char *token_hash, int64_t last_seen, int64_t expires_at);
	int (*session_set_org)(struct store *s, const char *token_hash, int64_t org_id);
	int (*session_delete)(struct store *s, const char *token_hash);
	int (*session_delete_user)(struct store *s, int64_t user_id);
	int (*session_purge)(struct store *s, int64_t now);

	int (*token_create)(struct store *s, struct api_token *t);
	int (*token_get)(struct store *s, const char *token_hash, struct api_token *out);

	int (*login_failure_add)(struct store *s, const char *email, const char *addr, int64_t at);
	int (*login_failure_count)(struct store *s, const char *email, const char *addr, int64_t since,
				   int64_t *by_email, int64_t *by_addr);
	int (*login_failure_clear)(struct store *s, const char *email);

	int (*audit_append)(struct store *s, struct audit_entry *entries, size_t n, audit_hash_fn hash);
	int (*audit_list)(struct store *s, const struct store_audit_query *q, struct audit_entry **out,
			  size_t *n);
	/* At most max entries with seq > after_seq, ascending, into out[]. */
	int (*audit_page)(struct store *s, int64_t after_seq, struct audit_entry *out, size_t max, size_t *n);

	/* Tests only (store_testing.h): runs constant SQL without results. */
	int (*testing_exec)(struct store *s, const char *sql);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Sets this thread's store_last_error() text and returns status. The text must never
 * contain bound values (personal data): SQL error texts and names of constraints only. */
int store_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies a column value into a fixed-size field; false if it does not fit. */
bool store_copy_field(char *dst, size_t dstlen, const char *src, size_t srclen);

/* Creates the folders above path (mkdir -p of its dirname); 0 or -1 with errno. */
int store_mkdir_parents(const char *path);
/* Makes a finished temporary file the final path: fsync(tmp), link(tmp, path) — which,
 * unlike rename, refuses an existing path — unlink(tmp), fsync(folder). */
int store_publish_file(const char *tmp, const char *path);

/* PostgreSQL helpers for the tests (store_pg.c). */
int store_pg_testing_database(const char *url, const char *name, bool create);

#endif
