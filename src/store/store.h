/* store.h: the storage interface — domain verbs, with two backends (SQLite, PostgreSQL).
 *
 * All SQL lives behind this header: store.c dispatches on the URL scheme to
 * store_sqlite.c or store_pg.c through a table of function pointers (after git's
 * refs backends). Callers never see a connection or a statement.
 *
 * Conventions
 * - Every function is safe to call from several threads at once: each backend keeps a
 *   small pool of connections and a call checks one out for its duration.
 * - Return values: STORE_OK (0) or a negative enum store_status. The text of the last
 *   error on this thread is in store_last_error() (never contains bound values, so it is
 *   safe to log).
 * - Times are int64 unix seconds unless the field name says _ms (milliseconds).
 * - Strings in the structs below are fixed-size, NUL-terminated; the store refuses
 *   (STORE_INVALID) values that do not fit rather than truncating them.
 * - Lists are returned as one xmalloc'd array the caller frees with free(); *n is
 *   the count. An empty list is n == 0 and may be NULL.
 * - Organisation scoping: functions that take an org_id only ever see rows of that
 *   organisation. Passing 0 means "all organisations" and is only for the CLI and
 *   installation-wide administration, never for a request.
 * - Durability: a call that returned STORE_OK after a write has committed it durably
 *   (SQLite: WAL with synchronous=FULL; PostgreSQL: synchronous commit).
 */
#ifndef TOLV_STORE_STORE_H
#define TOLV_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_status {
	STORE_OK = 0,
	STORE_ERROR = -1,       /* database or I/O failure */
	STORE_NOTFOUND = -2,    /* no such row (in this organisation) */
	STORE_CONFLICT = -3,    /* unique constraint: e-mail or name already taken */
	STORE_INVALID = -4,     /* value does not fit / violates a constraint */
	STORE_UNAVAILABLE = -5, /* cannot connect */
};

enum {
	STORE_EMAIL_MAX = 255,  /* sizes include the terminating NUL */
	STORE_NAME_MAX = 201,
	STORE_HASH_MAX = 129,   /* crypto_pwhash_STRBYTES */
	STORE_HEX_MAX = 65,     /* hex SHA-256 */
	STORE_LANG_MAX = 8,
	STORE_ROLE_MAX = 16,
	STORE_TOKEN_MAX = 64,
	STORE_ADDR_MAX = 64,
	STORE_ACTION_MAX = 64,
	STORE_OTYPE_MAX = 32,
	STORE_OID_MAX = 64,
	STORE_DETAIL_MAX = 512,
};

struct store;

/* Opens a store from a URL: "sqlite:PATH" (the file is created if missing, with its
 * folder) or "postgresql://..." / "postgres://..." (a libpq connection URI).
 * pool_size connections are opened (0: a default of 4). Does not migrate. */
int store_open(const char *url, int pool_size, struct store **out);
void store_close(struct store *s);
const char *store_last_error(void);
/* "sqlite" or "postgresql" */
const char *store_backend(const struct store *s);

/* Applies every migration not yet recorded, in order, each in its own transaction,
 * recording (version, name, applied_at) in schema_migrations. *applied gets the count
 * applied now (may be NULL). Safe to run concurrently from two processes. */
int store_migrate(struct store *s, int *applied);
/* Highest applied migration version, 0 for an empty database. */
int store_schema_version(struct store *s, int *version);
/* Highest migration version this binary knows. */
int store_latest_version(void);
/* Round trip to the database (SELECT 1). */
int store_ping(struct store *s);
/* An online, consistent copy. SQLite: the backup API into a new SQLite file at path.
 * PostgreSQL: pg_dump (custom format) of the database to path. Refuses to overwrite. */
int store_backup(struct store *s, const char *path);

/* ---- organisations ---- */
struct org {
	int64_t id;
	char name[STORE_NAME_MAX];
	int64_t created_at;
};
int store_org_create(struct store *s, struct org *o); /* sets o->id, o->created_at if 0 */
int store_org_get(struct store *s, int64_t id, struct org *out);
int store_org_get_by_name(struct store *s, const char *name, struct org *out);
int store_org_list(struct store *s, struct org **out, size_t *n); /* by name */

/* ---- users and memberships ---- */
struct user {
	int64_t id;
	char email[STORE_EMAIL_MAX];       /* stored lower-case; unique */
	char name[STORE_NAME_MAX];
	char password_hash[STORE_HASH_MAX]; /* argon2id string, "" = cannot log in */
	char lang[STORE_LANG_MAX];          /* "nb", "sv", "en" */
	bool disabled;                      /* installation-wide: cannot log in */
	bool must_change_password;          /* set for one-time passwords */
	int64_t created_at;
};
int store_user_create(struct store *s, struct user *u); /* sets id; CONFLICT on e-mail */
int store_user_get(struct store *s, int64_t id, struct user *out);
int store_user_get_by_email(struct store *s, const char *email, struct user *out);
/* Writes name, password_hash, lang, disabled, must_change_password of u->id. */
int store_user_update(struct store *s, const struct user *u);
int store_user_count(struct store *s, int64_t *n);

struct membership {
	int64_t user_id;
	int64_t org_id;
	char role[STORE_ROLE_MAX];     /* "admin", "coordinator", "therapist", "auditor" */
	bool disabled;                 /* access to this organisation withdrawn */
	char org_name[STORE_NAME_MAX]; /* filled on reads */
};
/* Inserts or updates (role, disabled) the membership (user_id, org_id). */
int store_membership_set(struct store *s, const struct membership *m);
int store_membership_get(struct store *s, int64_t user_id, int64_t org_id, struct membership *out);
/* All memberships of a user, by organisation name. */
int store_memberships_of_user(struct store *s, int64_t user_id, struct membership **out, size_t *n);

/* A user as listed for one organisation: the user and their membership there. */
struct user_row {
	struct user user;
	struct membership m;
};
/* Users with a membership in org_id (0: all users, m.role then ""), ordered by e-mail,
 * at most limit rows after skipping offset. *total gets the full count (may be NULL). */
int store_user_list(struct store *s, int64_t org_id, int limit, int offset, struct user_row **out,
		    size_t *n, int64_t *total);

/* ---- sessions (server-side; the cookie holds the token, the store its hash) ---- */
struct session {
	char token_hash[STORE_HEX_MAX];
	int64_t user_id;
	int64_t org_id;            /* chosen organisation, 0 until chosen */
	char csrf[STORE_TOKEN_MAX];
	int64_t created_at;
	int64_t last_seen;
	int64_t expires_at;
};
/* get returns expired sessions too (the caller compares expires_at with now); touch,
 * set_org (0: none chosen) and delete answer STORE_NOTFOUND for an unknown hash. */
int store_session_create(struct store *s, const struct session *se);
int store_session_get(struct store *s, const char *token_hash, struct session *out);
int store_session_touch(struct store *s, const char *token_hash, int64_t last_seen, int64_t expires_at);
int store_session_set_org(struct store *s, const char *token_hash, int64_t org_id);
int store_session_delete(struct store *s, const char *token_hash);
int store_session_delete_user(struct store *s, int64_t user_id);
int store_session_purge(struct store *s, int64_t now); /* removes expires_at <= now */

/* ---- API tokens (shown once, stored as SHA-256 hex) ---- */
struct api_token {
	int64_t id;
	char token_hash[STORE_HEX_MAX];
	int64_t user_id;
	int64_t org_id;
	char label[STORE_NAME_MAX];
	int64_t created_at;
	bool revoked;
};
int store_token_create(struct store *s, struct api_token *t); /* sets id */
int store_token_get(struct store *s, const char *token_hash, struct api_token *out);

/* ---- login throttling (e-mail addresses compared lower-cased) ---- */
int store_login_failure_add(struct store *s, const char *email, const char *addr, int64_t at);
/* Failures since `since` for this e-mail and for this address. */
int store_login_failure_count(struct store *s, const char *email, const char *addr, int64_t since,
			      int64_t *by_email, int64_t *by_addr);
int store_login_failure_clear(struct store *s, const char *email);

/* ---- audit log (append-only, hash-chained) ---- */
struct audit_entry {
	int64_t seq;                      /* 1, 2, 3... assigned by the store */
	int64_t at_ms;
	int64_t user_id;                  /* 0: nobody logged in / the system */
	char actor[STORE_EMAIL_MAX];      /* e-mail as given (also for failed logins) */
	int64_t org_id;                   /* 0: installation-wide */
	char action[STORE_ACTION_MAX];    /* "login", "login.failed", "user.create"... */
	char object_type[STORE_OTYPE_MAX];/* "user", "org", "person"... or "" */
	char object_id[STORE_OID_MAX];
	char addr[STORE_ADDR_MAX];        /* client address, "" for the CLI */
	char detail[STORE_DETAIL_MAX];    /* short, no secrets */
	char prev_hash[STORE_HEX_MAX];    /* hash of seq-1, 64 zeros for seq 1 */
	char hash[STORE_HEX_MAX];
};
/* Computes e->hash from e (all fields but hash) — supplied by the domain layer. */
typedef void (*audit_hash_fn)(struct audit_entry *e);

/* Appends n entries in one transaction, in order. For each, the store sets seq and
 * prev_hash from the current end of the chain, then calls hash(e) and inserts it.
 * Serialised across threads and processes (the chain has one end). */
int store_audit_append(struct store *s, struct audit_entry *entries, size_t n, audit_hash_fn hash);

struct audit_filter {
	int64_t org_id;               /* 0: all organisations */
	char actor[STORE_EMAIL_MAX];  /* substring, case-insensitive; "" = any */
	char action[STORE_ACTION_MAX];/* prefix; "" = any */
	char object_type[STORE_OTYPE_MAX]; /* exact; "" = any */
	char object_id[STORE_OID_MAX];     /* exact; "" = any */
	int64_t from_ms, to_ms;       /* 0 = open; from_ms <= at_ms < to_ms */
	int64_t before_seq;           /* paging: only seq < this; 0 = from the newest */
	int limit;                    /* 1..1000 */
};
/* Matching entries, newest first. */
int store_audit_list(struct store *s, const struct audit_filter *f, struct audit_entry **out, size_t *n);
/* Calls cb for every entry in seq order (ascending) from seq > after_seq; stops early if
 * cb returns non-zero (and returns that value). */
int store_audit_each(struct store *s, int64_t after_seq, int (*cb)(const struct audit_entry *e, void *arg),
		     void *arg);

#endif
