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

#include "core/date.h" /* DATE_NONE: day numbers in the person-path section */

enum store_status {
	STORE_OK = 0,
	STORE_ERROR = -1,       /* database or I/O failure */
	STORE_NOTFOUND = -2,    /* no such row (in this organisation) */
	STORE_CONFLICT = -3,    /* unique constraint: e-mail or name already taken */
	STORE_INVALID = -4,     /* value does not fit / violates a constraint */
	STORE_UNAVAILABLE = -5, /* cannot connect */
	STORE_FULL = -6,        /* a group is at its capacity */
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
/* What a request with a session cookie needs, in one read: the session, its user and —
 * when the session has chosen an organisation — the user's membership there
 * (has_membership false when none is chosen or the membership is gone). STORE_NOTFOUND
 * for an unknown hash or a session whose user is gone. Expiry is the caller's. */
struct session_principal {
	struct session se;
	struct user user;
	struct membership m;
	bool has_membership;
};
int store_session_principal(struct store *s, const char *token_hash, struct session_principal *out);
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
	/* The persons a listing is about (one entry for a page that shows many people), in
	 * ascending order without repeats, or none. Stored in audit_subjects (seq, org_id,
	 * person_id) and covered by the hash. store_audit_append stores them; the entries of
	 * store_audit_list and store_audit_each come with them (owned by the result). */
	const int64_t *subjects;
	size_t nsubjects;
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
/* A filter with object_id set to a person's id (object_type "person" or "") also matches
 * the listings that name the person among their subjects. */

/* ======================================================================================
 * The person's path through a programme (issue 3): programmes and their phases, closed
 * dates, groups with members and a waiting list, referral sources, persons, referrals
 * with their status history, public self-referrals, enrolments with their events, and
 * attendance. Tables: sql/{sqlite,postgresql}/002_person_path.sql.
 *
 * Conventions of this section, on top of those at the top of this file:
 * - Health data. Every function takes the caller's org_id, which must be > 0 (0 is
 *   refused with STORE_INVALID: none of this is installation-wide), and only ever sees
 *   rows of that organisation. Another organisation's id is STORE_NOTFOUND — exactly as
 *   an id that does not exist — and never appears in a list. A reference to another
 *   organisation's row (a person_id, a programme_id, a therapist who is not a member of
 *   the organisation…) is refused by the database's foreign keys, which include the
 *   organisation: STORE_INVALID, without saying whether the row exists elsewhere.
 * - The org_id field of a struct is ignored on writes (the argument wins) and filled on
 *   reads. id fields are set by the store on create.
 * - Dates are day numbers (core/date.h, int32_t); DATE_NONE means "no date". A zeroed
 *   struct holds day 0 (1970-01-01), not DATE_NONE: set optional dates explicitly.
 *   Ranges [from, to] include both ends; DATE_NONE at either end leaves it open.
 *   Times (created_at, at…) are unix seconds; a time passed as 0 on a write is now.
 * - "by" fields (created_by, by_user, recorded_by…) are user ids of members of the
 *   organisation, attributing the change; 0 means the system or the public (the
 *   self-referral form). A user who is not a member is STORE_INVALID.
 * - Keys ([a-z0-9_], at most 31 bytes) name statuses, kinds, phases and sources; they are
 *   stable, stored as text and checked by the database. Labels are English msgids or the
 *   organisation's own text.
 * - Multi-row changes are one transaction: a status and its history row, an enrolment and
 *   its event, a roster of attendance. Either all of it is stored or none.
 * - Paged lists take limit (clamped to 1..1000) and offset (>= 0) and give the full count
 *   in *total (may be NULL), read in the same snapshot as the page. Lists under a parent
 *   (members, history, events, roster…) are empty for a parent id that is not the
 *   organisation's; fetch the parent first where a 404 is wanted.
 * - Every list and look-up is served by an index that starts with org_id, so its cost
 *   follows the size of one organisation's data, not of the installation.
 * ====================================================================================== */

enum {
	STORE_KEY_MAX = 32,      /* keys, as PROGRAMME_KEY_MAX */
	STORE_LABEL_MAX = 101,   /* programme and phase labels: PROGRAMME_LABEL_MAX bytes + NUL */
	STORE_PHASES_MAX = 8,    /* PROGRAMME_MAX_PHASES */
	STORE_PHONE_MAX = 41,
	STORE_NID_MAX = 13,      /* canonical identity-number digits: 11 (NO) or 12 (SE) */
	STORE_ADDRESS_MAX = 301,
	STORE_TEXT_MAX = 1001,   /* reasons and notes of changes: ENROLMENT_TEXT_MAX + NUL */
	STORE_NOTES_MAX = 2001,  /* clinical notes of a person, a self-referral's message */
};

/* ---- programmes ----
 * A programme is an organisation's copy of a template (domain/programme.h) with its own
 * numbers. Its phases are rows (programme_phases), index 0..nphases-1, in order; the
 * fields are those of struct phase_def, in the ranges programme_validate() checks (the
 * database checks them again). Keys are unique within a programme. */
struct programme_phase {
	char key[STORE_KEY_MAX];
	char label[STORE_LABEL_MAX];
	int target_days;       /* 0..1000 */
	int min_days_per_week; /* 0..5 */
	int min_hours_per_day; /* 0..12 */
	int max_hours_per_day; /* 0..12 */
	int min_months;        /* 0..60 */
	int max_months;        /* 0..60 */
	int sessions_per_week; /* 0..14 */
	int session_minutes;   /* 0..480 */
};

struct programme {
	int64_t id;
	int64_t org_id;
	char name[STORE_NAME_MAX];         /* unique within the organisation */
	char template_key[STORE_KEY_MAX];  /* the template it was made from, "" if none */
	int min_steps;                     /* 0..12 */
	bool active;
	int nphases;                       /* 1..STORE_PHASES_MAX */
	struct programme_phase phases[STORE_PHASES_MAX];
	int64_t created_at;
	int64_t updated_at;
};

/* Creates the programme with its phases in one transaction, and adds the default
 * referral sources the organisation lacks (store_referral_sources_seed). Sets id, org_id,
 * created_at and updated_at. STORE_CONFLICT if the name is taken. */
int store_programme_create(struct store *s, int64_t org_id, struct programme *p);
int store_programme_get(struct store *s, int64_t org_id, int64_t id, struct programme *out);
/* The organisation's programmes with their phases, by name; inactive ones only if asked. */
int store_programme_list(struct store *s, int64_t org_id, bool include_inactive, struct programme **out,
			 size_t *n);
/* Writes name, template_key, min_steps, active and the phases of p->id in one
 * transaction (the phase rows are replaced). STORE_CONFLICT if the name is taken or if an
 * enrolment of the programme is in a phase the new list no longer has (index >=
 * nphases). Sets p->updated_at. Phase keys are copied into groups and sessions: renaming
 * a key does not rename those. */
int store_programme_update(struct store *s, int64_t org_id, struct programme *p);

/* Closed dates of a programme: public holidays, the winter-holiday week, training days —
 * the dates the attendance arithmetic does not count as open days. */
struct closed_date {
	int32_t day;
	char label[STORE_LABEL_MAX]; /* "Christmas Eve", may be "" */
};
/* Adds day, or renames it if it is already closed. */
int store_closed_date_add(struct store *s, int64_t org_id, int64_t programme_id, const struct closed_date *d);
int store_closed_date_remove(struct store *s, int64_t org_id, int64_t programme_id, int32_t day);
/* Closed dates with from <= day <= to (DATE_NONE: open end), ascending. */
/* A day a programme does not run, with its programme (store_programme_list_closed). */
struct programme_day {
	int64_t programme_id;
	int32_t day;
};
/* store_programme_list, and in the same read the closed dates within [from, to] of every
 * programme listed, grouped by programme and by day within each (*closed may be NULL
 * when *nclosed is 0): the caseload's programmes and holidays in one round trip. */
int store_programme_list_closed(struct store *s, int64_t org_id, bool include_inactive, int32_t from, int32_t to,
				struct programme **out, size_t *n, struct programme_day **closed, size_t *nclosed);
int store_closed_date_list(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
			   struct closed_date **out, size_t *n);

/* ---- groups (cohorts) of a programme, their members and waiting list ---- */
enum {
	STORE_MONDAY = 1, /* weekday bits of group.weekdays */
	STORE_TUESDAY = 2,
	STORE_WEDNESDAY = 4,
	STORE_THURSDAY = 8,
	STORE_FRIDAY = 16,
	STORE_SATURDAY = 32,
	STORE_SUNDAY = 64,
};

struct group {
	int64_t id;
	int64_t org_id;
	int64_t programme_id;          /* fixed at create */
	char name[STORE_NAME_MAX];     /* unique within the programme */
	char phase_key[STORE_KEY_MAX]; /* the phase it serves ("motivation"), "" = any */
	int weekdays;                  /* STORE_MONDAY | … (0..127) */
	int start_min;                 /* minutes after midnight, 0..1439 */
	int end_min;                   /* start_min < end_min <= 1440, or both 0 (no time set) */
	char place[STORE_NAME_MAX];    /* room or place */
	int capacity;                  /* 0..1000; 0 = no limit */
	bool active;
	int64_t created_at;
	int64_t updated_at;
	/* Filled on reads. */
	int members;                   /* open memberships (see below) */
	int waiting;                   /* entries on the waiting list */
};
int store_group_create(struct store *s, int64_t org_id, struct group *g); /* CONFLICT on name */
int store_group_get(struct store *s, int64_t org_id, int64_t id, struct group *out);
/* Groups of programme_id (0: of all programmes), by name. */
int store_group_list(struct store *s, int64_t org_id, int64_t programme_id, bool include_inactive,
		     struct group **out, size_t *n);
/* Writes name, phase_key, weekdays, times, place, capacity and active of g->id. Lowering
 * the capacity below the members removes nobody; adding members then answers FULL. */
int store_group_update(struct store *s, int64_t org_id, struct group *g);

/* A membership ties an enrolment (in the group's programme) to a group from from_day to
 * to_day, both included. It is open while to_day is DATE_NONE; open memberships are what
 * the capacity counts. An enrolment has at most one open membership per group. */
struct group_member {
	int64_t id;
	int64_t org_id;
	int64_t group_id;
	int64_t enrolment_id;
	int32_t from_day;
	int32_t to_day;          /* DATE_NONE while open */
	int64_t created_at;
	int64_t created_by;
	/* Filled on reads. */
	int64_t person_id;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
};
/* Adds an open membership (to_day is ignored) and takes the enrolment off the group's
 * waiting list. STORE_FULL if the group has capacity open memberships already;
 * STORE_CONFLICT if the enrolment is an open member already; STORE_NOTFOUND for another
 * organisation's group; STORE_INVALID if the enrolment belongs to another programme.
 * The capacity check and the insert are one transaction, so two coordinators cannot
 * both take the last place. Sets m->id. */
int store_group_member_add(struct store *s, int64_t org_id, struct group_member *m);
/* Ends an open membership on to_day (>= from_day). STORE_NOTFOUND if there is no such
 * membership, STORE_CONFLICT if it has ended already. */
int store_group_member_end(struct store *s, int64_t org_id, int64_t member_id, int32_t to_day);
/* day == DATE_NONE: every membership of the group, ended ones too, by from_day;
 * else those in the group on day (from_day <= day <= to_day), by family, given name. */
int store_group_member_list(struct store *s, int64_t org_id, int64_t group_id, int32_t day,
			    struct group_member **out, size_t *n);
/* Open memberships of the group. */
int store_group_member_count(struct store *s, int64_t org_id, int64_t group_id, int *n);

/* The waiting list of a group: first come, first served (created_at, then id). */
struct group_waiting {
	int64_t id;
	int64_t org_id;
	int64_t group_id;
	int64_t enrolment_id;        /* an enrolment in the group's programme */
	char note[STORE_TEXT_MAX];
	int64_t created_at;
	int64_t created_by;
	/* Filled on reads. */
	int position;                /* 1 = next in line */
	int64_t person_id;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
};
/* STORE_CONFLICT if the enrolment is on the list already or an open member. */
int store_waiting_add(struct store *s, int64_t org_id, struct group_waiting *w);
int store_waiting_list(struct store *s, int64_t org_id, int64_t group_id, struct group_waiting **out, size_t *n);
int store_waiting_remove(struct store *s, int64_t org_id, int64_t waiting_id);
/* Moves an entry from the waiting list into the group from from_day, in one transaction:
 * entry waiting_id, or the first in line if waiting_id is 0. STORE_FULL if the group has
 * no room (the entry stays), STORE_NOTFOUND if there is no such entry / nobody waits.
 * *out (may be NULL) gets the new membership. */
int store_waiting_promote(struct store *s, int64_t org_id, int64_t group_id, int64_t waiting_id, int32_t from_day,
			  int64_t by_user, struct group_member *out);

/* ---- referral sources: an editable list per organisation ----
 * Defaults (key, English label): nav "NAV (labour and welfare)", akan "AKAN (workplace
 * programme)", kif "KIF", dps "DPS / specialist health service", gp "General
 * practitioner", occupational_health "Occupational health service", municipal "Other
 * municipal unit", self_referral "Self-referral", family "Family", other "Other".
 * A source is never deleted (referrals keep pointing at it): it is deactivated. */
struct referral_source {
	int64_t id;
	int64_t org_id;
	char key[STORE_KEY_MAX];     /* unique within the organisation, fixed */
	char label[STORE_LABEL_MAX];
	bool active;
	int position;                /* display order, ascending */
};
/* Adds the default sources the organisation lacks (by key); changes none it has.
 * Idempotent; *added (may be NULL) gets how many were added. */
int store_referral_sources_seed(struct store *s, int64_t org_id, int *added);
int store_referral_source_add(struct store *s, int64_t org_id, struct referral_source *src); /* CONFLICT on key */
/* Writes label, active and position of the source with src->key. */
int store_referral_source_update(struct store *s, int64_t org_id, const struct referral_source *src);
/* By position, then label. */
int store_referral_source_list(struct store *s, int64_t org_id, bool include_inactive,
			       struct referral_source **out, size_t *n);

/* ---- persons ---- */
enum {
	STORE_SUBST_ALCOHOL = 1 << 0,
	STORE_SUBST_MEDICATION = 1 << 1,  /* prescription drugs: benzodiazepines, z-hypnotics, analgesics */
	STORE_SUBST_CANNABIS = 1 << 2,
	STORE_SUBST_STIMULANTS = 1 << 3,  /* amphetamine, methamphetamine, cocaine */
	STORE_SUBST_OPIOIDS = 1 << 4,     /* heroin and other illicit opioids */
	STORE_SUBST_OTHER_DRUGS = 1 << 5, /* hallucinogens, GHB, solvents… */
	STORE_SUBST_GAMBLING = 1 << 6,
	STORE_SUBST_OTHER = 1 << 7,       /* another addiction */
	STORE_SUBST_ALL = 0xff,
};

struct person {
	int64_t id;
	int64_t org_id;
	char given_name[STORE_NAME_MAX];   /* given name(s); given or family name is required */
	char family_name[STORE_NAME_MAX];
	int32_t birth_date;                /* DATE_NONE if unknown */
	/* Canonical digits as domain/national_id.h makes them, validated by the caller; ""
	 * if none. Unique within an organisation (two organisations may each have it). */
	char national_id[STORE_NID_MAX];
	/* "no_fnr", "no_dnr", "no_hnr", "se_pnr", "se_samnr"; "" exactly when national_id is. */
	char national_id_kind[STORE_KEY_MAX];
	char phone[STORE_PHONE_MAX];
	char email[STORE_EMAIL_MAX];
	char address[STORE_ADDRESS_MAX];   /* one text, lines separated by newlines */
	char kin_name[STORE_NAME_MAX];     /* next of kin */
	char kin_relation[STORE_LABEL_MAX];
	char kin_phone[STORE_PHONE_MAX];
	unsigned substances;               /* STORE_SUBST_* bits */
	bool dual_diagnosis;               /* ROP: substance use and a severe mental illness */
	char notes[STORE_NOTES_MAX];       /* short clinical notes, only where needed */
	int64_t created_at;
	int64_t created_by;
	int64_t updated_at;
	int64_t updated_by;
};
/* Sets id, org_id and the times. STORE_CONFLICT if the national id is taken in the
 * organisation (call store_person_find_duplicates first to show who has it). */
int store_person_create(struct store *s, int64_t org_id, struct person *p);
int store_person_get(struct store *s, int64_t org_id, int64_t id, struct person *out);
/* Writes every field of p->id but created_at/created_by; sets updated_at. */
int store_person_update(struct store *s, int64_t org_id, struct person *p);

enum store_person_sort {
	STORE_PERSON_BY_NAME,    /* family name, given name, id (case-insensitive) */
	STORE_PERSON_BY_CREATED, /* newest first */
};
struct person_query {
	char search[STORE_NAME_MAX]; /* substring of "given family", case-insensitive; "" = all */
	enum store_person_sort sort;
	int limit;
	int offset;
};
int store_person_list(struct store *s, int64_t org_id, const struct person_query *q, struct person **out,
		      size_t *n, int64_t *total);
int store_person_count(struct store *s, int64_t org_id, int64_t *n);
/* Persons of the organisation who may be the same as p: the same national id (if p has
 * one), or the same family and given names (case-insensitive, also for Æ Ø Å Ä Ö and the
 * other Latin-1 letters) and the same birth date (if p has one). The person p->id itself
 * (when not 0) is left out, so this also serves before an update. By id. */
int store_person_find_duplicates(struct store *s, int64_t org_id, const struct person *p, struct person **out,
				 size_t *n);

/* ---- referrals ----
 * Status keys: "received" → "assessed" → "offered_conversation" → "accepted" |
 * "declined" | "referred_elsewhere" | "waiting_list". Which moves are allowed is the
 * domain's business; the store records every change with its date, author and note in
 * referral_history, in the same transaction as the change. */
struct referral {
	int64_t id;
	int64_t org_id;
	int64_t person_id;                 /* 0 until a person is linked */
	int64_t programme_id;              /* the programme it is for, 0 = not decided */
	char source_key[STORE_KEY_MAX];    /* an existing referral source of the organisation */
	char referrer_name[STORE_NAME_MAX];
	char referrer_org[STORE_NAME_MAX];
	int32_t received_on;
	char reason[STORE_TEXT_MAX];
	char status[STORE_KEY_MAX];        /* "" on create means "received" */
	int32_t status_on;                 /* date of the latest change; 0 or DATE_NONE on
	                                    * create means received_on */
	int64_t created_at;
	int64_t created_by;
	int64_t updated_at;
	/* Filled on reads. */
	char source_label[STORE_LABEL_MAX];
	char given_name[STORE_NAME_MAX];   /* of the linked person, "" if none */
	char family_name[STORE_NAME_MAX];
};
struct referral_event {
	int64_t id;
	int64_t referral_id;
	char from_status[STORE_KEY_MAX];   /* "" for the first entry (the referral arrived) */
	char to_status[STORE_KEY_MAX];
	int32_t on_day;
	int64_t at;
	int64_t by_user;
	char note[STORE_TEXT_MAX];
};
/* Creates the referral and its first history entry ("" → status) in one transaction.
 * Sets id, org_id, status/status_on if empty, times; created_by attributes it. */
int store_referral_create(struct store *s, int64_t org_id, struct referral *r);
int store_referral_get(struct store *s, int64_t org_id, int64_t id, struct referral *out);

struct referral_query {
	char status[STORE_KEY_MAX]; /* "" = every status; "open" = received, assessed,
	                             * offered_conversation, waiting_list (the intake queue) */
	int64_t programme_id;       /* 0 = any */
	int64_t person_id;          /* 0 = any */
	int limit;
	int offset;
};
/* Oldest received first (the queue order), then id. */
int store_referral_list(struct store *s, int64_t org_id, const struct referral_query *q, struct referral **out,
			size_t *n, int64_t *total);
/* Moves referral id from status `from` to `to` on day on_day and appends the history
 * entry (timed now), atomically. STORE_CONFLICT if its status is no longer `from`
 * (somebody else changed it meanwhile): nothing is written. */
int store_referral_set_status(struct store *s, int64_t org_id, int64_t id, const char *from, const char *to,
			      int32_t on_day, int64_t by_user, const char *note);
/* Links the referral to a person of the organisation (0 unlinks). */
int store_referral_link_person(struct store *s, int64_t org_id, int64_t id, int64_t person_id);
/* The status history, oldest first. */
int store_referral_history(struct store *s, int64_t org_id, int64_t referral_id, struct referral_event **out,
			   size_t *n);

/* ---- self-referrals: submissions of the public form, no login ----
 * Status keys: "new" (in the intake queue), "taken" (a referral was made from it),
 * "discarded" (spam, a duplicate). */
struct self_referral {
	int64_t id;
	int64_t org_id;
	char name[STORE_NAME_MAX];       /* required */
	char phone[STORE_PHONE_MAX];     /* phone or e-mail is required */
	char email[STORE_EMAIL_MAX];
	char message[STORE_NOTES_MAX];
	int64_t consent_at;              /* when the person ticked the consent sentence (> 0) */
	/* Lower-case hex SHA-256 of the client address (salted as the caller likes), for
	 * rate limiting; the address itself is never stored. */
	char addr_hash[STORE_HEX_MAX];
	char status[STORE_KEY_MAX];      /* "" on create means "new" */
	int64_t referral_id;             /* when taken */
	int64_t created_at;
	int64_t handled_at;              /* when taken or discarded, else 0 */
	int64_t handled_by;
};
int store_self_referral_create(struct store *s, int64_t org_id, struct self_referral *sr);
int store_self_referral_get(struct store *s, int64_t org_id, int64_t id, struct self_referral *out);
/* Oldest first; status "" = all. */
int store_self_referral_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			     struct self_referral **out, size_t *n, int64_t *total);
/* Takes a new self-referral into the intake queue, in one transaction: creates referral
 * r (as store_referral_create; source_key "" means "self_referral", created_by is the
 * author) with its first history entry, and marks the self-referral taken with r->id.
 * STORE_CONFLICT if it is not "new" any more. */
int store_self_referral_take(struct store *s, int64_t org_id, int64_t id, struct referral *r);
/* STORE_CONFLICT if it is not "new". */
int store_self_referral_discard(struct store *s, int64_t org_id, int64_t id, int64_t by_user);
/* Submissions with this address hash created at or after since, in org_id (0: in every
 * organisation — the form's rate limit may count across them). */
int store_self_referral_count_recent(struct store *s, int64_t org_id, const char *addr_hash, int64_t since,
				     int64_t *n);

/* ---- enrolments ----
 * The stored state mirrors struct enrolment_state (domain/programme.h), so the domain
 * can rebuild it, apply a transition and hand the result back with its event. Status
 * keys are enrolment_status_key()'s, reason keys discontinue_reason_key()'s. A person has
 * at most one open (active or paused) enrolment per programme; ended ones stay, so
 * re-enrolment is a new enrolment. */
struct enrolment {
	int64_t id;
	int64_t org_id;
	int64_t person_id;              /* fixed at create */
	int64_t programme_id;           /* fixed at create */
	int64_t therapist_id;           /* primary therapist, a member; 0 = none yet */
	int64_t referral_id;            /* the referral it came from, 0 = none */
	char status[STORE_KEY_MAX];     /* "active", "paused", "completed", "discontinued" */
	int phase;                      /* index into the programme's phases */
	int32_t started_on;
	int32_t phase_since;            /* the day the current phase began */
	int32_t last_change_on;         /* the date of the latest change */
	int32_t paused_since;           /* DATE_NONE unless paused */
	int32_t ended_on;               /* DATE_NONE unless completed or discontinued */
	char reason_key[STORE_KEY_MAX]; /* discontinue reason; "" unless discontinued */
	char reason_note[STORE_TEXT_MAX];
	int pauses;
	int64_t version;                /* 1 after create, +1 with every change */
	int64_t created_at;
	int64_t updated_at;
};
/* Event kinds: "start", "phase", "pause", "resume", "complete", "discontinue",
 * "therapist" (a new primary therapist). */
struct enrolment_event {
	int64_t id;
	int64_t org_id;
	int64_t enrolment_id;
	char kind[STORE_KEY_MAX];
	int from_phase;                 /* -1 = none */
	int to_phase;                   /* -1 = none */
	int32_t on_day;
	char reason[STORE_TEXT_MAX];
	int64_t by_user;
	int64_t at;                     /* 0 on write = now */
};
/* Creates enrolment e and its first event ev (kind "start" if empty) in one
 * transaction. Sets e->id, version 1, times; ev->id and ev->enrolment_id.
 * STORE_CONFLICT if the person has an open enrolment in the programme already. */
int store_enrolment_create(struct store *s, int64_t org_id, struct enrolment *e, struct enrolment_event *ev);
int store_enrolment_get(struct store *s, int64_t org_id, int64_t id, struct enrolment *out);
/* Writes the new state e (therapist_id, status, phase, phase_since, last_change_on,
 * paused_since, ended_on, reason_key, reason_note, pauses; person, programme, referral
 * and started_on stay as created) of e->id and appends ev (ev->enrolment_id is set to
 * e->id), atomically — if and only if the stored version is still
 * expected_version; otherwise STORE_CONFLICT and nothing is written (somebody changed
 * the enrolment meanwhile: reload and decide again). On success e->version and
 * e->updated_at are the new ones, ev->id is set. */
int store_enrolment_change(struct store *s, int64_t org_id, struct enrolment *e, int64_t expected_version,
			   struct enrolment_event *ev);
/* The events of an enrolment, oldest first (by day, then id). */
int store_enrolment_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct enrolment_event **out,
			   size_t *n);

enum store_enrolment_sort {
	STORE_ENROL_BY_NAME,    /* family name, given name */
	STORE_ENROL_BY_STARTED, /* newest first */
	STORE_ENROL_BY_PHASE,   /* phase, then the longest in it first, then name */
};
struct enrolment_query {
	int64_t programme_id;       /* 0 = any */
	int64_t therapist_id;       /* 0 = any (the caseload: one therapist's) */
	int64_t person_id;          /* 0 = any (a person's enrolments) */
	char status[STORE_KEY_MAX]; /* "" = any, "open" = active or paused, or one status */
	int phase;                  /* -1 = any */
	int32_t recent_from;        /* attended_recent counts attended days from this day */
	enum store_enrolment_sort sort;
	int limit;
	int offset;
};
/* A list row: the enrolment, who it is, and the attendance counts a caseload shows,
 * computed in the database per row through an index (org, enrolment, day). */
struct enrolment_row {
	struct enrolment e;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
	int attended_in_phase;      /* distinct attended days from phase_since on */
	int attended_recent;        /* distinct attended days from recent_from on (0 if DATE_NONE) */
	int32_t last_attended;      /* DATE_NONE if never */
};
int store_enrolment_list(struct store *s, int64_t org_id, const struct enrolment_query *q,
			 struct enrolment_row **out, size_t *n, int64_t *total);
/* Open (active or paused) enrolments of a programme per phase index. */
int store_enrolment_phase_counts(struct store *s, int64_t org_id, int64_t programme_id,
				 int counts[STORE_PHASES_MAX]);

/* ---- attendance ----
 * A session is one dated meeting of a group, or an individual session (group_id 0).
 * Kinds: "group", "individual", "motivation", "aftercare". A group has at most one
 * session a day. */
struct att_session {
	int64_t id;
	int64_t org_id;
	int64_t programme_id;           /* a group session: the group's programme */
	int64_t group_id;               /* 0 = individual */
	char phase_key[STORE_KEY_MAX];  /* the phase it counts toward, "" = none */
	int32_t on_day;
	int start_min;                  /* as in struct group */
	int end_min;
	char kind[STORE_KEY_MAX];
	int64_t leader_id;              /* the therapist who led it, 0 = none */
	int64_t created_at;
	int64_t created_by;
};
/* STORE_CONFLICT if the group has a session on that day already. */
int store_att_session_create(struct store *s, int64_t org_id, struct att_session *se);
int store_att_session_get(struct store *s, int64_t org_id, int64_t id, struct att_session *out);
/* The session of group se->group_id on se->on_day: the stored one if there is one
 * (*se is overwritten with it, *created = false), else se is created from the other
 * fields (*created = true). Safe against two callers at once. */
int store_att_session_for_group(struct store *s, int64_t org_id, struct att_session *se, bool *created);
/* Sessions with from <= on_day <= to (DATE_NONE: open), of programme_id and group_id
 * (0: any), by day, start time and id; at most limit. */
int store_att_session_list(struct store *s, int64_t org_id, int64_t programme_id, int64_t group_id, int32_t from,
			   int32_t to, int limit, struct att_session **out, size_t *n);

/* One person's attendance at one session: unique per (session, enrolment). */
struct attendance {
	int64_t id;
	int64_t org_id;
	int64_t session_id;
	int64_t enrolment_id;           /* in the session's programme */
	bool attended;
	int minutes;                    /* time attended, 0..1440 */
	char note[STORE_DETAIL_MAX];
	int64_t recorded_by;
	int64_t recorded_at;
	/* Filled on reads (the session's). */
	int32_t on_day;
	int64_t group_id;
	char kind[STORE_KEY_MAX];
};
/* What store_attendance_save changed in one row, for the audit log. */
struct attendance_change {
	struct attendance now;          /* as stored after the save */
	bool existed;                   /* false: the row was added */
	bool was_attended;              /* the values before, when existed */
	int was_minutes;
	char was_note[STORE_DETAIL_MAX];
};
/* Saves a roster for session_id in ONE transaction: each row (attended, minutes, note
 * for rows[i].enrolment_id; the other fields are ignored) is inserted or updated, and
 * stamped (by_user, now) only if it changed. *changes (may be NULL; then nchanges too)
 * gets the rows that were added or changed, in input order — none when the same roster
 * is saved twice. An enrolment twice in rows, or one outside the session's programme, is
 * STORE_INVALID and nothing is stored. */
int store_attendance_save(struct store *s, int64_t org_id, int64_t session_id, const struct attendance *rows,
			  size_t nrows, int64_t by_user, struct attendance_change **changes, size_t *nchanges);

/* One line of a roster page: everybody expected (a member of the session's group on its
 * day) and everybody recorded (a row for the session exists), by family, given name. */
struct roster_line {
	int64_t enrolment_id;
	int64_t person_id;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
	char enrolment_status[STORE_KEY_MAX];
	bool member;                    /* expected: in the group on the session's day */
	bool recorded;                  /* a row exists; then a holds it */
	struct attendance a;
};
int store_attendance_roster(struct store *s, int64_t org_id, int64_t session_id, struct roster_line **out,
			    size_t *n);
/* The distinct days in [from, to] (DATE_NONE: open) on which the enrolment attended,
 * ascending: what attendance_day_treatment() and attendance_aftercare() take. The
 * phase's range comes from enrolment.phase_since or its events. *out is an xmalloc'd
 * array of *n day numbers. */
int store_attendance_dates(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
			   int32_t **out, size_t *n);
/* The enrolment's attendance rows (attended or not) in [from, to], by day: the timeline. */
int store_attendance_of_enrolment(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
				  struct attendance **out, size_t *n);

/* ======================================================================================
 * The meeting directory (issue 5): meetings of mutual-help fellowships in the fields of
 * the Meeting Guide specification, import sources with their runs, and change requests
 * from the public. Tables: sql/{sqlite,postgresql}/003_meetings.sql.
 *
 * Conventions of this section, on top of those at the top of this file and of the
 * person's-path section (org_id > 0, another organisation's id is STORE_NOTFOUND, the
 * org_id field ignored on writes, "by" fields are members or 0):
 * - Meetings are public information, not health data: the one installation-wide read is
 *   store_meeting_public_page(), which only ever returns public, not removed meetings.
 * - A meeting is never deleted: removed_at set means removed (by an import that no longer
 *   lists it, or by an editor). Slugs are unique within an organisation, removed rows
 *   included. Lists leave removed meetings out unless asked.
 * - Every change to meetings bumps the directory's version (store_directory_version), in
 *   the same transaction, so caches in any process can tell they are stale.
 * - Validation (anonymity of contacts, time zones, RRULEs, type codes) is the domain's
 *   (domain/meetings.h); the store checks shapes, the database the lengths again.
 * ====================================================================================== */

enum {
	MEETING_SLUG_MAX = 101,
	MEETING_NAME_MAX = 256,      /* name, location, addresses, group */
	MEETING_PLACE_MAX = 129,     /* city, region, sub_region */
	MEETING_SHORT_MAX = 65,      /* state, country, phones, time zone, contact names */
	MEETING_POSTAL_MAX = 33,
	MEETING_URL_MAX = 513,       /* URLs and the conference notes */
	MEETING_NOTES_MAX = 2001,
	MEETING_LNOTES_MAX = 1001,   /* location_notes, group_notes */
	MEETING_TYPES_MAX = 257,     /* type codes joined by commas: "C,EN,X" */
	MEETING_RRULE_MAX = 257,
	MEETING_CONTACTS = 3,
	MEETING_RUN_MESSAGE_MAX = 4001,
	MEETING_CR_NAME_MAX = 65,
};

struct meeting_contact {
	char name[MEETING_SHORT_MAX];    /* a first name and at most an initial */
	char email[STORE_EMAIL_MAX];
	char phone[MEETING_SHORT_MAX];
};

struct meeting {
	int64_t id;
	int64_t org_id;
	char slug[MEETING_SLUG_MAX];     /* [a-z0-9._-]; unique within the organisation */
	char name[MEETING_NAME_MAX];
	/* When: weekdays as bits, 1 << 0 = Sunday … 1 << 6 = Saturday (the spec's 0-6); 0 =
	 * by appointment. start_min/end_min are minutes after local midnight, -1 = none. An
	 * rrule ("FREQ=MONTHLY;BYDAY=1MO") replaces days for meetings that are not weekly. */
	int days;
	int start_min;
	int end_min;
	char timezone[MEETING_SHORT_MAX]; /* IANA name, "Europe/Oslo" */
	char rrule[MEETING_RRULE_MAX];    /* "" = weekly on days */
	int32_t starts_on;                /* first day of the series (core/date.h), DATE_NONE */
	/* Where. */
	char location[MEETING_NAME_MAX];
	char location_notes[MEETING_LNOTES_MAX];
	char formatted_address[MEETING_NAME_MAX];
	char address[MEETING_NAME_MAX];
	char city[MEETING_PLACE_MAX];
	char state[MEETING_SHORT_MAX];
	char postal_code[MEETING_POSTAL_MAX];
	char country[MEETING_SHORT_MAX];
	bool has_geo;                     /* lat_e6/lon_e6 hold a point */
	int64_t lat_e6, lon_e6;           /* millionths of a degree */
	char region[MEETING_PLACE_MAX];
	char sub_region[MEETING_PLACE_MAX];
	/* What. */
	char types[MEETING_TYPES_MAX];
	char notes[MEETING_NOTES_MAX];
	char group_name[MEETING_NAME_MAX];
	char group_notes[MEETING_LNOTES_MAX];
	char fellowship[STORE_KEY_MAX];   /* "aa", "na", "al_anon"… (domain/meeting_types.h) */
	char attendance[16];              /* "in_person", "online", "hybrid", "phone" */
	/* Online and contact. */
	char conference_url[MEETING_URL_MAX];
	char conference_url_notes[MEETING_URL_MAX];
	char conference_phone[MEETING_SHORT_MAX];
	char conference_phone_notes[MEETING_URL_MAX];
	char website[MEETING_URL_MAX];
	char email[STORE_EMAIL_MAX];
	char phone[MEETING_SHORT_MAX];
	char url[MEETING_URL_MAX];        /* the listing's page at its source, "" = ours */
	struct meeting_contact contact[MEETING_CONTACTS];
	/* Listing. */
	bool public;
	int64_t source_id;                /* the import source it came from, 0 = by hand */
	int64_t created_at;
	int64_t updated_at;               /* the feed's "updated" */
	int64_t updated_by;
	int64_t removed_at;               /* 0 = listed */
};

/* Sets id, org_id, created_at (and updated_at if 0). CONFLICT if the slug is taken. */
int store_meeting_create(struct store *s, int64_t org_id, struct meeting *m);
/* A meeting of the organisation, removed ones too. */
int store_meeting_get(struct store *s, int64_t org_id, int64_t id, struct meeting *out);
/* A public, listed meeting of any organisation (the public pages); else NOTFOUND. */
int store_meeting_get_public(struct store *s, int64_t id, struct meeting *out);
/* Writes every field of m->id but created_at; CONFLICT if the new slug is taken. */
int store_meeting_update(struct store *s, int64_t org_id, struct meeting *m);

struct meeting_query {
	char search[MEETING_NAME_MAX]; /* substring of name, slug, location or region (ASCII
	                                * case-insensitive); "" = all */
	bool include_removed;
	int limit;
	int offset;
};
/* The organisation's meetings by name, then id. */
int store_meeting_list(struct store *s, int64_t org_id, const struct meeting_query *q, struct meeting **out,
		       size_t *n, int64_t *total);
/* Every meeting of the organisation (removed ones too), by id: what an import diffs
 * against. */
int store_meeting_all(struct store *s, int64_t org_id, struct meeting **out, size_t *n);
/* Public, listed meetings of every organisation with id > after_id, by id, at most limit
 * (1..1000): the public directory is read page by page into its cache. */
int store_meeting_public_page(struct store *s, int64_t after_id, int limit, struct meeting **out, size_t *n);
/* The directory's change counter and when it last changed (unix seconds). */
int store_directory_version(struct store *s, int64_t *version, int64_t *changed_at);

/* ---- import sources and their runs ---- */
struct meeting_source {
	int64_t id;
	int64_t org_id;
	char name[MEETING_NAME_MAX];      /* unique within the organisation: the file or URL */
	char url[MEETING_URL_MAX];        /* "" for a file */
	char format[8];                   /* "json" or "csv" */
	char timezone[MEETING_SHORT_MAX]; /* for rows without one */
	char fellowship[STORE_KEY_MAX];   /* for every row */
	int interval_hours;               /* re-import every N hours; 0 = by hand */
	int64_t created_at;
	int64_t last_run_at;              /* 0 = never */
};
/* Creates the source (sets id, created_at); CONFLICT if the name is taken. */
int store_meeting_source_create(struct store *s, int64_t org_id, struct meeting_source *src);
int store_meeting_source_get(struct store *s, int64_t org_id, int64_t id, struct meeting_source *out);
int store_meeting_source_get_by_name(struct store *s, int64_t org_id, const char *name,
				     struct meeting_source *out);
/* Writes url, format, timezone, fellowship and interval_hours. */
int store_meeting_source_update(struct store *s, int64_t org_id, const struct meeting_source *src);
int store_meeting_source_list(struct store *s, int64_t org_id, struct meeting_source **out, size_t *n);
/* Sources of every organisation whose interval has passed at now (CLI: scheduled runs). */
int store_meeting_source_due(struct store *s, int64_t now, struct meeting_source **out, size_t *n);

struct meeting_import_run {
	int64_t id;
	int64_t org_id;
	int64_t source_id;
	int64_t at;
	int64_t by_user;
	char status[16];                  /* "applied", "preview", "failed" */
	int added, changed, removed, unchanged, rejected;
	char message[MEETING_RUN_MESSAGE_MAX]; /* summary and the first row errors */
};
/* Records a run that changed nothing (a preview or a failure); sets id. */
int store_meeting_run_add(struct store *s, int64_t org_id, struct meeting_import_run *run);
/* The source's runs, newest first, at most limit. */
int store_meeting_run_list(struct store *s, int64_t org_id, int64_t source_id, int limit,
			   struct meeting_import_run **out, size_t *n);

/* Applies an import in ONE transaction: rows of upserts with id 0 are inserted, the
 * others updated (they must be the organisation's; removed_at is written as given, so
 * an update with 0 brings a removed meeting back); remove_ids get removed_at = run->at;
 * the run is recorded (status "applied") and the source's last_run_at set. Either all of
 * it is stored or nothing (any failure rolls back). Sets the new rows' ids and run->id. */
int store_meeting_import_apply(struct store *s, int64_t org_id, struct meeting *upserts, size_t nupserts,
			       const int64_t *remove_ids, size_t nremove, struct meeting_import_run *run);

/* ---- change requests from the public ---- */
struct meeting_change_request {
	int64_t id;
	int64_t org_id;
	int64_t meeting_id;
	char meeting_name[MEETING_NAME_MAX];
	char name[MEETING_CR_NAME_MAX];   /* who asks, optional */
	char email[STORE_EMAIL_MAX];      /* optional, for an answer */
	char message[MEETING_NOTES_MAX];
	char addr_hash[STORE_HEX_MAX];    /* SHA-256 hex of the client address (rate limit) */
	char status[16];                  /* "new", "done", "dismissed" */
	int64_t created_at;
	int64_t handled_at;
	int64_t handled_by;
};
/* Sets id, status "new" and created_at; the meeting must be the organisation's. */
int store_meeting_cr_create(struct store *s, int64_t org_id, struct meeting_change_request *cr);
int store_meeting_cr_get(struct store *s, int64_t org_id, int64_t id, struct meeting_change_request *out);
/* status "" = all; oldest first. */
int store_meeting_cr_list(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			  struct meeting_change_request **out, size_t *n, int64_t *total);
/* "new" → "done" or "dismissed"; CONFLICT if it is not new any more. */
int store_meeting_cr_close(struct store *s, int64_t org_id, int64_t id, const char *status, int64_t by_user);
/* Requests from addr_hash since `since`, in every organisation (the rate limit). */
int store_meeting_cr_count_recent(struct store *s, const char *addr_hash, int64_t since, int64_t *n);

/* ======================================================================================
 * Twelve Step Facilitation (issue 5): a person's stance toward mutual-help groups, the
 * therapist's facilitation actions, the person's meeting log and sponsor / home group.
 * Tables: sql/{sqlite,postgresql}/005_facilitation.sql. Rules (which stance needs a
 * revisit day, which dates are allowed) are domain/facilitation.h's; the store checks
 * shapes and keys, the database the rest again.
 * - Every function is scoped to org_id; person_id must be a person of that organisation
 *   (a write for another organisation's person is STORE_INVALID, lists are empty).
 * - meeting_id points at the installation-wide directory (0 = none); the lists fill
 *   meeting_name from it.
 * ====================================================================================== */
struct fac_stance {
	int64_t id;
	int64_t org_id;
	int64_t person_id;
	char stance[STORE_KEY_MAX];     /* "not_discussed", "interested", "ambivalent", "declines" */
	int32_t on_day;
	int32_t revisit_on;             /* set exactly for "declines", else DATE_NONE */
	char note[STORE_NOTES_MAX];
	int64_t by_user;
	char by_name[STORE_NAME_MAX];   /* filled on reads */
	int64_t at;
};
/* Sets id (at is the caller's). */
int store_fac_stance_add(struct store *s, int64_t org_id, struct fac_stance *st);
/* Latest first (on_day, then id), at most limit (1..1000). */
int store_fac_stance_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			  struct fac_stance **out, size_t *n);

struct fac_action {
	int64_t id;
	int64_t org_id;
	int64_t person_id;
	char kind[STORE_KEY_MAX];       /* "introduced", "chose_meetings", "accompanied", "debriefed", "sponsor_contact" */
	int32_t on_day;
	int64_t meeting_id;             /* 0 = none */
	bool stayed;                    /* accompanied: stayed to the end (false: left early) */
	char note[STORE_NOTES_MAX];
	int64_t by_user;
	char by_name[STORE_NAME_MAX];   /* filled on reads */
	char meeting_name[MEETING_NAME_MAX]; /* filled on reads */
	int64_t at;
};
int store_fac_action_add(struct store *s, int64_t org_id, struct fac_action *a); /* sets id */
/* Latest first, at most limit (1..1000). */
int store_fac_action_list(struct store *s, int64_t org_id, int64_t person_id, int limit,
			  struct fac_action **out, size_t *n);

struct fac_meeting {
	int64_t id;
	int64_t org_id;
	int64_t person_id;
	int32_t on_day;
	int64_t meeting_id;             /* a directory meeting, or 0 and name */
	char name[MEETING_NAME_MAX];    /* free text; on reads the directory's name when meeting_id */
	bool accompanied;
	bool stayed;
	char source[STORE_KEY_MAX];     /* "person_reported", "staff_confirmed" */
	int64_t by_user;
	int64_t at;
};
int store_fac_meeting_add(struct store *s, int64_t org_id, struct fac_meeting *m); /* sets id */
/* Latest first; paged as the other lists (limit 1..1000, offset, *total may be NULL). */
int store_fac_meeting_list(struct store *s, int64_t org_id, int64_t person_id, int limit, int offset,
			   struct fac_meeting **out, size_t *n, int64_t *total);
/* The days of the person's logged meetings with from <= day <= to, ascending, one entry
 * per meeting (a day twice when two meetings were on it): the engagement summary's
 * counts — last 30 days, weeks with a meeting, meetings per week — are made from these
 * by domain/facilitation.c. */
int store_fac_meeting_days(struct store *s, int64_t org_id, int64_t person_id, int32_t from, int32_t to,
			   int32_t **days, size_t *n);

struct fac_profile {
	int64_t org_id;
	int64_t person_id;
	char sponsor[STORE_KEY_MAX];    /* "none", "temporary", "has_sponsor" */
	int32_t sponsor_since;          /* DATE_NONE if not known */
	char home_group[MEETING_NAME_MAX];
	int64_t updated_by;
	int64_t updated_at;
};
/* NOTFOUND when none was ever set (the caller shows "none"). */
int store_fac_profile_get(struct store *s, int64_t org_id, int64_t person_id, struct fac_profile *out);
/* Inserts or replaces the person's profile (updated_at is the caller's). */
int store_fac_profile_set(struct store *s, int64_t org_id, const struct fac_profile *p);
/* The caseload's engagement cells for a page of persons in one read: out[i] (n of them)
 * for person_ids[i] (1..1000) — meetings logged with from <= day <= to (as
 * store_fac_meeting_days counts them) and the sponsor status ("" when no profile was
 * ever set). A person of another organisation reads as none and "". */
struct fac_engagement {
	int meetings;
	char sponsor[STORE_KEY_MAX];
};
int store_fac_engagement(struct store *s, int64_t org_id, const int64_t *person_ids, size_t n, int32_t from,
			 int32_t to, struct fac_engagement *out);

/* A person whose latest stance is "declines" with revisit_on <= today. */
struct fac_revisit {
	int64_t person_id;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
	int32_t on_day;                 /* the day the stance was recorded */
	int32_t revisit_on;
};
/* therapist_id: only persons with an active or paused enrolment of that therapist (the
 * caseload); 0 = the whole organisation. Earliest revisit first, at most limit. */
int store_fac_revisits_due(struct store *s, int64_t org_id, int64_t therapist_id, int32_t today, int limit,
			   struct fac_revisit **out, size_t *n);

/* ---- step work and the individual plan (issue 4) ----
 * The state of each of the twelve steps of an enrolment (domain/steps.h keeps the rules;
 * status keys are step_status_key()'s), the append-only history of step changes, and the
 * append-only versions of the plan (its canonical JSON, domain/plan.h). Another
 * organisation's enrolment is STORE_NOTFOUND everywhere. */
enum { STORE_STEP_STATUS_MAX = 16, STORE_STEP_NOTE_MAX = 501 };
struct store_step {
	int step;                           /* 1–12 */
	char status[STORE_STEP_STATUS_MAX]; /* "not_started", "working", "presented", "completed" */
	int32_t since;                      /* day of the latest change; DATE_NONE before the first */
	int64_t confirmed_by;               /* 0 before the first change */
	int changes;                        /* changes so far: the step's version */
	int reopened;
};
struct store_step_event {
	int64_t id;
	int64_t org_id;
	int64_t enrolment_id;
	int step;
	char from_status[STORE_STEP_STATUS_MAX];
	char to_status[STORE_STEP_STATUS_MAX];
	int32_t on_day;
	char note[STORE_STEP_NOTE_MAX];
	int64_t by_user;
	int64_t at;                         /* set by the store */
};
/* out[i] is step i + 1; steps never changed read as not started with changes 0. */
int store_steps_get(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step out[12]);
/* Writes the new state st of step st->step and appends ev (its enrolment_id, step and at
 * are set here) in one transaction. expected_changes is the changes count the caller
 * read: STORE_CONFLICT if the step moved meanwhile (reload and decide again). */
int store_step_change(struct store *s, int64_t org_id, int64_t enrolment_id, const struct store_step *st,
		      int expected_changes, struct store_step_event *ev);
/* The step changes of an enrolment, oldest first (by day, then id). */
int store_step_events(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step_event **out,
		      size_t *n);

struct store_plan_version {
	int64_t enrolment_id;
	int number;          /* 1, 2, … */
	int64_t author;
	int64_t created_at;  /* set by the store */
	char *json;          /* owned (xmalloc'd); NULL in a list read without the JSON */
};
/* Saves v->json as version expected_latest + 1 (expected_latest: the number the caller
 * read, 0 for none) in one transaction; sets v->number and v->created_at.
 * STORE_CONFLICT if someone saved a version meanwhile. */
int store_plan_save(struct store *s, int64_t org_id, int64_t enrolment_id, int expected_latest,
		    struct store_plan_version *v);
/* Version `number` (0: the latest) into *out (free out->json). NOTFOUND if there is none. */
int store_plan_get(struct store *s, int64_t org_id, int64_t enrolment_id, int number,
		   struct store_plan_version *out);
/* Every version, oldest first, with the JSON when with_json; free with
 * store_plan_versions_free. NOTFOUND for another organisation's enrolment. */
int store_plan_versions(struct store *s, int64_t org_id, int64_t enrolment_id, bool with_json,
			struct store_plan_version **out, size_t *n);
void store_plan_versions_free(struct store_plan_version *v, size_t n);
/* The latest version (with its JSON) of each enrolment in ids[0..nids) that has a plan and
 * is the organisation's, in one query (a page listing people: the caseload's overdue
 * assignments); ids without a plan, or another organisation's, are left out. At most
 * STORE_PLAN_MANY_MAX ids. Free with store_plan_versions_free. */
enum { STORE_PLAN_MANY_MAX = 500 };
int store_plan_latest_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			   struct store_plan_version **out, size_t *n);
/* The caseload's two per-row columns in one read (one round trip on PostgreSQL): the
 * latest plan version of each of enrolment_ids[0..n) as store_plan_latest_many gives them
 * (*plans by enrolment, none for an enrolment without a plan), and in eg[i] the engagement
 * of person_ids[i] in [from, to] as store_fac_engagement. */
int store_caseload_columns(struct store *s, int64_t org_id, const int64_t *enrolment_ids, const int64_t *person_ids,
			   size_t n, int32_t from, int32_t to, struct store_plan_version **plans, size_t *nplans,
			   struct fac_engagement *eg);
/* The steps of each enrolment in ids[0..nids) in one query (a group's step grid):
 * out[i][k] is step k + 1 of ids[i], as store_steps_get gives it; an id that is not the
 * organisation's reads as all not started. At most STORE_PLAN_MANY_MAX ids. */
int store_steps_get_many(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			 struct store_step (*out)[12]);

/* An organisation's own wording of the twelve steps (domain/steps.h's struct step_names):
 * name[step - 1][lang] in core/i18n.h's enum lang order (nb, sv, en), "" where the
 * organisation keeps the shipped name. */
enum { STORE_STEP_NAME_MAX = 101 };
struct store_step_wording {
	char name[12][3][STORE_STEP_NAME_MAX];
	int64_t updated_by;                 /* of the latest change; 0 when nothing is set */
	int64_t updated_at;
};
/* The organisation's wording; every name "" when it has none. */
int store_step_wording_get(struct store *s, int64_t org_id, struct store_step_wording *out);
/* Replaces the organisation's whole wording with w's names (every name "": back to the
 * shipped wording) in one transaction, by user by_user at time at. */
int store_step_wording_set(struct store *s, int64_t org_id, const struct store_step_wording *w, int64_t by_user,
			   int64_t at);

/* ---- clinical notes (issue 4) ----
 * A person's notes: a draft until its author signs it; a signed note is never changed or
 * deleted (the database refuses it too) and is corrected by append-only addenda. Rules
 * (who may do what, valid fields, the draft reminder) are domain/notes.h's; the store
 * keeps drafts to their author in its WHERE clauses. Another organisation's note or
 * person is STORE_NOTFOUND everywhere. Tables: sql/{sqlite,postgresql}/006_notes.sql. */
enum { STORE_NOTE_TYPE_MAX = 24, STORE_NOTE_TEXT_MAX = 20001, STORE_NOTE_ADDENDUM_MAX = 5001,
       STORE_NOTE_PAGE_MAX = 100 };
struct store_note {
	int64_t id;
	int64_t org_id;
	int64_t person_id;
	int64_t enrolment_id;               /* 0: none */
	char type[STORE_NOTE_TYPE_MAX];     /* note_type_key() */
	int32_t on_day;                     /* the day the note is about */
	int64_t author;
	char text[STORE_NOTE_TEXT_MAX];
	int step, goal, assignment;         /* optional links, 0 for none */
	int64_t session_id;                 /* 0: none */
	int32_t drafted_on;                 /* the day the reminder counts from */
	int64_t drafted_at, updated_at;     /* set by the store */
	int64_t signed_at, signed_by;       /* 0 while a draft */
	int naddenda;                       /* read only */
};
struct store_note_addendum {
	int64_t id;
	int64_t note_id;
	int64_t author;
	int64_t created_at;                 /* set by the store */
	char text[STORE_NOTE_ADDENDUM_MAX];
};
/* A draft on its author's reminder list, with the person's name. */
struct store_note_draft {
	int64_t id;
	int64_t person_id;
	char type[STORE_NOTE_TYPE_MAX];
	int32_t on_day;
	int32_t drafted_on;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
};
/* Saves n as a draft of n->author; sets id, drafted_at, updated_at. NOTFOUND for a person
 * or enrolment not the organisation's. */
int store_note_create(struct store *s, int64_t org_id, struct store_note *n);
/* Rewrites draft n->id (type, day, text, links, drafted_on). STORE_CONFLICT when it is
 * signed or n->author is not its author; NOTFOUND when there is no such note. */
int store_note_update(struct store *s, int64_t org_id, struct store_note *n);
/* Deletes a draft of author; STORE_CONFLICT when signed or another's, else NOTFOUND. */
int store_note_delete(struct store *s, int64_t org_id, int64_t id, int64_t author);
/* Signs draft id as author at time at; STORE_CONFLICT when signed, another's or empty. */
int store_note_sign(struct store *s, int64_t org_id, int64_t id, int64_t author, int64_t at);
/* Appends a to signed note a->note_id; sets id and created_at. STORE_CONFLICT for a draft. */
int store_note_addendum_add(struct store *s, int64_t org_id, struct store_note_addendum *a);
/* The note into *out and its addenda, oldest first, into *addenda (xmalloc'd; both may be
 * NULL to skip them). */
int store_note_get(struct store *s, int64_t org_id, int64_t id, struct store_note *out,
		   struct store_note_addendum **addenda, size_t *naddenda);
/* A person's notes, newest first (day, then id): the signed ones and viewer's own drafts
 * (viewer 0: every draft); type "" for every type. limit 1..STORE_NOTE_PAGE_MAX. */
int store_note_list(struct store *s, int64_t org_id, int64_t person_id, int64_t viewer, const char *type,
		    int limit, int offset, struct store_note **out, size_t *n, int64_t *total);
/* A note as the person's timeline shows it: no text, no links. */
struct store_note_head {
	int64_t id;
	char type[STORE_NOTE_TYPE_MAX];
	int32_t on_day;
	int64_t author;
	int64_t drafted_at;
	int64_t signed_at; /* 0 while a draft */
};
enum { STORE_NOTE_HEADS_MAX = 10000 };
/* Every note of the person (every draft too, as store_note_list with viewer 0), newest
 * first, at most STORE_NOTE_HEADS_MAX: one query that reads no note text (the timeline
 * of a person with years of notes). STORE_NOTFOUND for no such person. */
int store_note_heads(struct store *s, int64_t org_id, int64_t person_id, struct store_note_head **out,
		     size_t *n);
/* How many unsigned drafts the person has (any author). */
int store_note_draft_count(struct store *s, int64_t org_id, int64_t person_id, int64_t *n);
/* author's drafts with drafted_on before `before` (a day), oldest first, at most limit. */
int store_note_drafts_overdue(struct store *s, int64_t org_id, int64_t author, int32_t before, int limit,
			      struct store_note_draft **out, size_t *n);

/* ---- group sessions and workshops (issue 4) ----
 * The details of an attendance session (struct att_session): a topic and its kind, the
 * leaders beyond att_session.leader_id, and a count of external participants without
 * person records (open workshops). The group note of a session is a note of type "group"
 * with that session_id. Another organisation's session is STORE_NOTFOUND.
 * Tables: sql/{sqlite,postgresql}/007_group_sessions.sql. */
enum { STORE_SESSION_TOPIC_MAX = 501, STORE_SESSION_LEADERS_MAX = 8, STORE_SESSION_EXTERNAL_MAX = 100000 };
struct store_session_details {
	char topic[STORE_SESSION_TOPIC_MAX];
	char topic_kind[STORE_KEY_MAX];     /* "", "step", "lecture", "meditation", "other" */
	int step;                           /* 1..12 when topic_kind is "step", else 0 */
	int external_count;                 /* 0..STORE_SESSION_EXTERNAL_MAX */
	int64_t leaders[STORE_SESSION_LEADERS_MAX]; /* members of the organisation, by user id */
	int nleaders;
	int64_t updated_at;                 /* set by the store; 0: never set */
	int64_t updated_by;
};
/* The session's details; all empty when never set. NOTFOUND without the session. */
int store_session_details_get(struct store *s, int64_t org_id, int64_t session_id,
			      struct store_session_details *out);
/* Replaces the session's details and leaders in ONE transaction. STORE_INVALID (nothing
 * stored) for a leader who is not a member of the organisation or a value out of range;
 * NOTFOUND without the session. */
int store_session_details_set(struct store *s, int64_t org_id, int64_t session_id,
			      struct store_session_details *d, int64_t by_user);
/* Signed notes of type "group" linked to a session (session_id != 0: that session's),
 * for person_id != 0 only those of sessions the person attended, and none of that
 * person's own notes; plus viewer's own drafts (viewer 0: none). By day, newest first;
 * at most limit. */
int store_session_group_notes(struct store *s, int64_t org_id, int64_t session_id, int64_t person_id,
			      int64_t viewer, int limit, struct store_note **out, size_t *n);

/* ---- relapses (issue 6, "Relapse") ----
 * A relapse record per event: a draft (opened by staff, or by a positive or refused test
 * under zero tolerance) until the therapist confirms or rejects it; the response to it;
 * the pause of the enrolment it caused. A sober-since day per person, and the
 * organisation's setting that shows it. The rules (transitions, validation, the
 * sober-since reset) are domain/relapses.h's. Another organisation's relapse or person
 * is STORE_NOTFOUND everywhere. test_id is a sobriety test's id (no foreign key).
 * Tables: sql/{sqlite,postgresql}/009_relapses.sql. */
enum { STORE_RELAPSE_SUBST_MAX = 601, STORE_RELAPSE_TEXT_MAX = 501, STORE_RELAPSE_DEST_MAX = 201,
       STORE_RELAPSE_LIST_MAX = 200 };
struct store_relapse {
	int64_t id;
	int64_t org_id;
	int64_t person_id;                         /* fixed at create */
	int64_t enrolment_id;                      /* the open enrolment at create; 0: none */
	int32_t on_day;
	char substances[STORE_RELAPSE_SUBST_MAX];  /* comma-separated keys, "" for none known */
	char source[STORE_KEY_MAX];                /* "told", "test", "other" */
	int64_t test_id;                           /* source "test": the test; else 0 */
	char source_text[STORE_RELAPSE_TEXT_MAX];  /* source "other": how */
	char status[STORE_KEY_MAX];                /* "draft", "confirmed", "rejected" */
	bool review;                               /* the lab overturned a confirmed relapse */
	int64_t decided_by, decided_at;            /* 0 while a draft */
	char decision_reason[STORE_RELAPSE_TEXT_MAX];
	/* the response */
	int32_t conversation_on;                   /* DATE_NONE: none yet */
	int plan_version;                          /* the changed plan's version; 0: none */
	int extra_sessions;                        /* 0..100 */
	char extra_sessions_text[STORE_RELAPSE_TEXT_MAX];
	int32_t physician_on;
	char physician_status[STORE_KEY_MAX];      /* "", "planned", "done", "declined" */
	char detox_destination[STORE_RELAPSE_DEST_MAX];
	int32_t detox_on;
	char detox_status[STORE_KEY_MAX];          /* "", "planned", "admitted", "completed", "cancelled" */
	/* the pause it caused */
	int64_t paused_enrolment_id;               /* 0: none */
	int32_t paused_on, resumed_on;             /* DATE_NONE: not (yet) */
	int64_t created_by, created_at, updated_by, updated_at;
	char given_name[STORE_NAME_MAX];           /* read only: the person's name (lists) */
	char family_name[STORE_NAME_MAX];
};
/* Saves r (a new record); sets id and the times. NOTFOUND for a person or enrolment not
 * the organisation's; STORE_CONFLICT when r->test_id already has a relapse. */
int store_relapse_create(struct store *s, int64_t org_id, struct store_relapse *r);
/* Rewrites every changeable field of r->id (status and decision, review, the response,
 * the pause) if its stored status is still expected_status, else STORE_CONFLICT (nothing
 * written). When sober_since_set, the person's sober-since becomes sober_since
 * (DATE_NONE: cleared) in the same transaction. */
int store_relapse_update(struct store *s, int64_t org_id, struct store_relapse *r, const char *expected_status,
			 bool sober_since_set, int32_t sober_since);
int store_relapse_get(struct store *s, int64_t org_id, int64_t id, struct store_relapse *out);
/* The relapse opened from test_id; NOTFOUND if none. */
int store_relapse_by_test(struct store *s, int64_t org_id, int64_t test_id, struct store_relapse *out);
/* Relapses, newest first (day, then id), with the person's name: person_id != 0 only that
 * person's (NOTFOUND if not the organisation's); therapist_id != 0 only those of people
 * whose open enrolment has that primary therapist; status "" for all. At most limit. */
int store_relapse_list(struct store *s, int64_t org_id, int64_t person_id, int64_t therapist_id,
		       const char *status, int limit, struct store_relapse **out, size_t *n);
/* The person's sober-since day (DATE_NONE: not set). NOTFOUND without the person. */
int store_sober_since_get(struct store *s, int64_t org_id, int64_t person_id, int32_t *day);
int store_sober_since_set(struct store *s, int64_t org_id, int64_t person_id, int32_t day, int64_t by_user);
/* Whether the organisation shows sober-since (false until set). */
int store_relapse_settings_get(struct store *s, int64_t org_id, bool *show_sober_since);
int store_relapse_settings_set(struct store *s, int64_t org_id, bool show_sober_since, int64_t by_user);

/* ---- sobriety tests (issue 6, "Tests") ----
 * Substance classes per organisation, breathalyser and drug tests with a result per
 * class and the laboratory's confirmation, prescribed medication, zero tolerance and the
 * random-selection rule per programme, and the random draws made when a day's roster is
 * opened. Another organisation's person, test, programme or class is STORE_NOTFOUND.
 * Units: breath in hundredths of per mille (0..500), a rule's chance in hundredths of a
 * per cent (0..10000), a draw's probability in parts per million.
 * Tables: sql/{sqlite,postgresql}/008_sobriety_tests.sql. */
enum {
	STORE_SOB_CLASSES_MAX = 40,   /* substance classes per organisation (and per test) */
	STORE_SOB_DEVICE_MAX = 101,
	STORE_SOB_NOTE_MAX = 501,
	STORE_SOB_SNAPSHOT_MAX = 201,
	STORE_SOB_PERMILLE_MAX = 500, /* 5.00 per mille */
	STORE_SOB_PPM = 1000000,
};
struct substance_class {
	int64_t id;
	char key[STORE_KEY_MAX];      /* [a-z0-9_]{1,31}, fixed once made */
	char label[STORE_LABEL_MAX];  /* 1..100 bytes; the defaults are English msgids */
	bool active;
	int sort_order;               /* 0..10000 */
	bool used;                    /* filled on reads: a result or medication names it */
};
/* Adds the default classes the organisation lacks when it has none at all; *added (may
 * be NULL) gets how many. */
int store_substance_seed(struct store *s, int64_t org_id, int *added);
/* By sort_order, then label. */
int store_substance_list(struct store *s, int64_t org_id, bool include_inactive, struct substance_class **out,
			 size_t *n);
/* Sets c->id. STORE_CONFLICT for a key the organisation has; STORE_FULL past
 * STORE_SOB_CLASSES_MAX classes. */
int store_substance_add(struct store *s, int64_t org_id, struct substance_class *c);
/* Label, active and sort_order of class c->id (the key stays). */
int store_substance_update(struct store *s, int64_t org_id, const struct substance_class *c);
/* Deletes an unused class; STORE_CONFLICT when a result or a medication names it. */
int store_substance_delete(struct store *s, int64_t org_id, int64_t id);

struct sob_result {
	char class_key[STORE_KEY_MAX];
	char result[STORE_KEY_MAX];   /* "negative", "positive", "inconclusive" */
	bool prescribed;              /* a current prescription of the class on the test's day */
	char lab[STORE_KEY_MAX];      /* "", "confirmed", "not_confirmed" */
};
struct sob_test {
	int64_t id;
	int64_t person_id;
	int64_t enrolment_id;         /* 0: none */
	char kind[STORE_KEY_MAX];     /* "breath", "drug" */
	char outcome[STORE_KEY_MAX];  /* "done", "refused" (then no results, no per mille) */
	int64_t taken_at;
	int32_t on_day;               /* the local day of taken_at */
	int64_t taken_by;             /* a member of the organisation */
	int permille;                 /* breath, done: hundredths of per mille 0..500; else -1 */
	char device[STORE_SOB_DEVICE_MAX];
	char sample[STORE_KEY_MAX];   /* drug: "urine", "saliva", "blood"; breath: "" */
	bool observed;
	char note[STORE_SOB_NOTE_MAX];
	int32_t lab_sent_on;          /* DATE_NONE: not sent */
	char lab_result[STORE_KEY_MAX]; /* "", "confirmed", "not_confirmed", "partly" */
	int64_t lab_at, lab_by;       /* 0: no lab result yet */
	int flag;                     /* 0 none, 1 flagged (zero tolerance), 2 overturned by the lab */
	int64_t recorded_at, recorded_by; /* set by the store / the recorder */
	int nresults;
	struct sob_result results[STORE_SOB_CLASSES_MAX];
};
/* Stores the test and its results in ONE transaction; sets id and recorded_at.
 * NOTFOUND for a person or enrolment not the organisation's (or an enrolment of another
 * person); STORE_INVALID for a class the organisation lacks or has deactivated, a
 * duplicate class, or taken_by/recorded_by not a member. */
int store_sob_test_create(struct store *s, int64_t org_id, struct sob_test *t);
int store_sob_test_get(struct store *s, int64_t org_id, int64_t id, struct sob_test *out);
/* The person's tests, newest first (taken_at, id), at most limit (1..500), with results. */
int store_sob_test_list(struct store *s, int64_t org_id, int64_t person_id, int limit, struct sob_test **out,
			size_t *n);
/* Records the laboratory: lab_sent_on, lab_result, lab_at, lab_by, flag and each
 * result's lab field of t (matched by class key; the results themselves stay). */
int store_sob_test_lab(struct store *s, int64_t org_id, const struct sob_test *t);

struct sob_medication {
	int64_t id;
	int64_t person_id;
	char class_key[STORE_KEY_MAX];
	char name[STORE_NAME_MAX];
	int32_t from_day;
	int32_t to_day;               /* DATE_NONE: open */
	int64_t created_at, created_by;
};
/* Sets id and created_at. NOTFOUND for another organisation's person; STORE_INVALID for
 * an unknown or inactive class. */
int store_sob_med_add(struct store *s, int64_t org_id, struct sob_medication *m);
/* Ends prescription id on to_day (>= from_day, else STORE_INVALID). */
int store_sob_med_end(struct store *s, int64_t org_id, int64_t id, int32_t to_day);
/* The person's prescriptions, newest from_day first. */
int store_sob_med_list(struct store *s, int64_t org_id, int64_t person_id, struct sob_medication **out,
		       size_t *n);

struct sob_rule {
	int64_t id;
	int64_t programme_id;
	char phase_key[STORE_KEY_MAX]; /* "" = the whole programme */
	char kind[STORE_KEY_MAX];      /* "percent", "monthly" */
	int percent;                   /* percent rule: hundredths of a per cent 1..10000 */
	int per_month;                 /* monthly rule: tests per person per month 1..31 */
	bool active;
	int64_t updated_at, updated_by;
};
/* Creates or replaces the rule of (programme_id, phase_key); sets id and updated_at. */
int store_sob_rule_set(struct store *s, int64_t org_id, struct sob_rule *r);
/* The programme's rules (programme_id 0: of all programmes), by programme and phase key. */
int store_sob_rule_list(struct store *s, int64_t org_id, int64_t programme_id, struct sob_rule **out, size_t *n);
/* Zero tolerance of a programme (false when never set). */
int store_sob_zero_get(struct store *s, int64_t org_id, int64_t programme_id, bool *on);
int store_sob_zero_set(struct store *s, int64_t org_id, int64_t programme_id, bool on, int64_t by_user);

struct sob_draw {
	int64_t id;
	int64_t person_id;
	int64_t enrolment_id;
	int64_t group_id;
	int32_t day;
	int64_t rule_id;
	char rule_snapshot[STORE_SOB_SNAPSHOT_MAX];
	int probability_ppm;           /* 0..1000000 */
	int random_value;              /* 0..999999; selected = random_value < probability_ppm */
	bool selected;
	int64_t drawn_at, drawn_by;
	/* Filled on list reads. */
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
};
/* Stores d unless a draw of (enrolment, day, rule) exists (INSERT … ON CONFLICT DO
 * NOTHING), then reads the stored one back into d: the caller always gets the one draw
 * that counts, and *inserted (may be NULL) says whether it was this one. */
int store_sob_draw_put(struct store *s, int64_t org_id, struct sob_draw *d, bool *inserted);
/* Draws with day in [from, to] (person_id 0: everybody's), by day then name, at most limit. */
int store_sob_draw_list(struct store *s, int64_t org_id, int32_t from, int32_t to, int64_t person_id, int limit,
			struct sob_draw **out, size_t *n);
/* How many draws of the enrolment in [from, to] selected it. */
int store_sob_selected_count(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
			     int64_t *n);
struct sob_fairness {
	int64_t person_id;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
	int64_t draws;
	int64_t selected;
	int64_t expected_ppm;          /* the sum of the probabilities, in parts per million */
	int64_t tests;                 /* tests taken in the period (any reason) */
};
/* Per person with a draw in [from, to], by name. */
int store_sob_fairness(struct store *s, int64_t org_id, int32_t from, int32_t to, struct sob_fairness **out,
		       size_t *n);


/* ---- the programme report (issue 7) ----
 * The plain rows the programme report is computed from (domain/report.h), for one
 * programme of the organisation and one period [from, to] (days, inclusive). Person ids
 * link rows of one person; no names or free text are read. Another organisation's
 * programme is STORE_NOTFOUND. Read in one snapshot. Code: store/sqlite_report.c,
 * store/pg_report.c. */
struct store_report_enrolment {
	int64_t id;
	int64_t person_id;
	char status[STORE_KEY_MAX];  /* now: "active", "paused", "completed", "discontinued" */
	int32_t started_on;
	int32_t ended_on;            /* DATE_NONE while open */
	int32_t referral_on;         /* received_on of its referral; DATE_NONE without one */
	bool reenrolment;            /* the person has an earlier enrolment in this programme */
};
struct store_report_event {      /* enrolment_events up to the period end */
	int64_t enrolment_id;
	char kind[STORE_KEY_MAX];    /* "start", "phase", "pause", "resume", "complete", "discontinue", … */
	int to_phase;                /* the phase after the event; -1 if none */
	int32_t on_day;
};
struct store_report_referral {   /* referrals received in the period for the programme: its
                                  * programme_id, or an enrolment in it was made from it */
	char source_key[STORE_KEY_MAX];
	char source_label[STORE_LABEL_MAX];
	int32_t received_on;
};
struct store_report_day {        /* a (distinct) day attended, or a meeting logged */
	int64_t id;                  /* enrolment id (attended days), person id (meetings) */
	int32_t on_day;
};
struct store_report_step {       /* step_events up to the period end */
	int64_t enrolment_id;
	int step;                    /* 1..12 */
	char to_status[STORE_KEY_MAX];
	int32_t on_day;
};
struct store_report_sponsor {    /* the current facilitation profile of a person */
	int64_t person_id;
	char sponsor[STORE_KEY_MAX]; /* "none", "temporary", "has_sponsor" */
	int32_t since;               /* DATE_NONE if not given */
};
struct store_report_test {       /* sobriety tests (008) of their persons in [from, to] */
	int64_t person_id;
	int32_t on_day;
	bool positive;               /* refused; breath above 0; or a drug result "positive",
	                              * not prescribed, not overturned by the laboratory */
};
struct store_report_outcome {    /* questionnaire results (010), not entered in error */
	int64_t person_id;
	char questionnaire[STORE_KEY_MAX]; /* "audit", "dudit", "days-abstinent" */
	int32_t taken_on;
	int total;
};
struct store_report_rows {
	int32_t from, to;
	/* enrolments of the programme open at some time in [from, to], by start, then id */
	struct store_report_enrolment *enrolments;
	size_t nenrolments;
	struct store_report_event *events;      /* of those enrolments, on_day <= to, by enrolment, day, id */
	size_t nevents;
	struct store_report_referral *referrals; /* by received_on */
	size_t nreferrals;
	struct store_report_day *attended;      /* days attended by those enrolments in [from, to] */
	size_t nattended;
	struct store_report_step *steps;        /* of those enrolments, on_day <= to, by enrolment, step, day, id */
	size_t nsteps;
	struct store_report_day *meetings;      /* meetings logged by their persons in [from, to] */
	size_t nmeetings;
	struct store_report_sponsor *sponsors;  /* profiles of their persons */
	size_t nsponsors;
	struct store_report_test *tests;        /* by person, day */
	size_t ntests;
	struct store_report_day *relapses;      /* confirmed relapses (009) of their persons in [from, to] */
	size_t nrelapses;
	struct store_report_outcome *outcomes;  /* of their persons, taken_on <= to, by person, day */
	size_t noutcomes;
};
/* Fills out (zeroed first; release with store_report_rows_free, also after a failure).
 * from <= to, both dates; STORE_INVALID otherwise. */
int store_report_rows(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
		      struct store_report_rows *out);
void store_report_rows_free(struct store_report_rows *r);

/* ---- therapist training (issue 7) ----
 * The courses an organisation's staff take, as data (the introduction course "intro", 9
 * days, and the manual course "manual", 2 days, are seeded for every organisation; more
 * can be added), each member's record per course (days attended, the certification
 * day), and the reason a group session was saved without a certified leader.
 * Another organisation's user or session is STORE_NOTFOUND.
 * Tables: sql/{sqlite,postgresql}/012_training.sql. */
enum { STORE_TRAINING_COURSES_MAX = 16, STORE_TRAINING_DAYS_MAX = 365, STORE_TRAINING_REASON_MAX = 2001 };
struct store_training_course {
	char key[STORE_KEY_MAX];             /* [a-z0-9_]{1,31} */
	char name[STORE_NAME_MAX];           /* "" for the seeded courses (the domain names them) */
	int required_days;                   /* 1..STORE_TRAINING_DAYS_MAX */
	bool for_leading;                    /* needed to count as a certified leader */
	int position;                        /* order on pages */
};
struct store_training_record {
	int64_t user_id;
	char course_key[STORE_KEY_MAX];
	int days_attended;                   /* 0..the course's required_days */
	int32_t certified_on;                /* DATE_NONE: not certified */
	int64_t updated_at, updated_by;      /* set by the store */
};
/* The organisation's courses by position (at most STORE_TRAINING_COURSES_MAX). */
int store_training_courses(struct store *s, int64_t org_id, struct store_training_course **out, size_t *n);
/* Adds a course; STORE_CONFLICT when its key is taken. */
int store_training_course_add(struct store *s, int64_t org_id, const struct store_training_course *c);
/* The training records of user_id (0: of every member), by user id and course position. */
int store_training_records(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record **out,
			   size_t *n);
/* Writes n records of user_id (each rec's user_id is set) in ONE transaction, replacing
 * those courses' records. NOTFOUND when user_id is not a member of the organisation;
 * STORE_INVALID (nothing written) for an unknown course, days above the course's
 * required days, or a certification day without every day attended. */
int store_training_set(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record *recs,
		       size_t n, int64_t by_user);
/* How many members (not disabled, not auditors) are certified leaders on day on_day: a
 * certification day on or before on_day in every course with for_leading (none when the
 * organisation has no such course). */
int store_training_certified_count(struct store *s, int64_t org_id, int32_t on_day, int64_t *n);
struct store_session_override {
	char reason[STORE_TRAINING_REASON_MAX]; /* "" when none */
	int64_t recorded_at, recorded_by;
};
/* The reason the session was saved without a certified leader; reason "" when none.
 * NOTFOUND without the session. */
int store_session_override_get(struct store *s, int64_t org_id, int64_t session_id,
			       struct store_session_override *out);
/* Stores the reason (replacing one stored before); "" removes it. NOTFOUND without the
 * session. */
int store_session_override_set(struct store *s, int64_t org_id, int64_t session_id, const char *reason,
			       int64_t by_user);

/* ---- outcome measures (issue 6, "Outcome measures") ----
 * Questionnaire results per person (scored by domain/questionnaire.h, stored as given:
 * never edited; a wrong one is marked "entered in error" with a reason and kept), the
 * measurement schedule of each programme, one-time links for a person to fill in a
 * questionnaire themselves, and the failed link attempts per (hashed) client address.
 * Another organisation's person, result, programme or link is STORE_NOTFOUND.
 * Tables: sql/{sqlite,postgresql}/010_outcomes.sql. */
enum {
	STORE_QID_MAX = 32,            /* a questionnaire id, "audit-c" */
	STORE_ANSWERS_MAX = 501,       /* item scores "1,0,4,…" */
	STORE_OUTCOME_DAYS = 30,       /* the days-abstinent calendar */
	STORE_FLAGS_MAX = 301,         /* reached cut-off keys, comma-separated */
	STORE_QLIST_MAX = 201,         /* questionnaire ids of a schedule point, comma-separated */
	STORE_OUTCOME_LIST_MAX = 5000, /* rows of one list */
};
struct outcome_result {
	int64_t id;
	int64_t org_id;
	int64_t person_id;
	char questionnaire[STORE_QID_MAX];
	int version;                         /* of the definition */
	int32_t taken_on;
	char answers[STORE_ANSWERS_MAX];
	/* days abstinent: '1'/'0' for each of the 30 days ending on taken_on, oldest first;
	 * "" for other questionnaires */
	char days[STORE_OUTCOME_DAYS + 1];
	int total;
	char zone[STORE_KEY_MAX];            /* zone key, "" if none */
	int positive;                        /* -1: the definition has no positive cut-off */
	char flags[STORE_FLAGS_MAX];
	char sex[STORE_KEY_MAX];             /* "", "female", "male": the sex the cut-offs used */
	int64_t entered_by;                  /* 0 when self */
	bool self;                           /* filled in by the person through a link */
	int64_t enrolment_id;                /* 0: none */
	int64_t point_id;                    /* the schedule point it answers, 0: none */
	int64_t created_at;
	int64_t error_at;                    /* 0 unless entered in error */
	int64_t error_by;
	char error_reason[STORE_TEXT_MAX];
};
/* Stores r (error fields ignored); sets id and created_at. NOTFOUND without the person;
 * STORE_INVALID for an enrolment that is not the person's. */
int store_outcome_add(struct store *s, int64_t org_id, struct outcome_result *r);
int store_outcome_get(struct store *s, int64_t org_id, int64_t id, struct outcome_result *out);
/* A person's results (person_id > 0), oldest first (taken_on, id); or (person_id 0) those
 * of every person with an open enrolment, newest first. At most STORE_OUTCOME_LIST_MAX. */
int store_outcome_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_result **out,
		       size_t *n);
/* Marks result id entered in error. CONFLICT if it is marked already. */
int store_outcome_mark_error(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at,
			     const char *reason);
/* The events of every open enrolment of the organisation (for phase starts and ends),
 * by enrolment, day and id. */
int store_outcome_open_events(struct store *s, int64_t org_id, struct enrolment_event **out, size_t *n);

/* A schedule point: when a measurement is due, counted from an anchor — the enrolment's
 * start ("start"), or the start or end of a phase ("phase_start", "phase_end" with
 * phase_key) — plus offset_months and offset_days; a result within window_days either
 * side counts. */
struct outcome_point {
	int64_t id;
	int64_t org_id;
	int64_t programme_id;
	char label[STORE_LABEL_MAX];
	char anchor[STORE_KEY_MAX];
	char phase_key[STORE_KEY_MAX];       /* "" for "start" */
	int offset_days;                     /* -366..3660 */
	int offset_months;                   /* 0..120 */
	int window_days;                     /* 0..366 */
	char questionnaires[STORE_QLIST_MAX];
	int64_t created_at;
};
/* The points of a programme (programme_id > 0) or of every programme (0), by programme,
 * then id. *configured (may be NULL; only for one programme) says whether its schedule
 * was ever set up (seeded or edited). */
int store_outcome_points(struct store *s, int64_t org_id, int64_t programme_id, struct outcome_point **out,
			 size_t *n, bool *configured);
/* Adds p (sets id, created_at) and marks the programme configured. NOTFOUND without it. */
int store_outcome_point_add(struct store *s, int64_t org_id, struct outcome_point *p);
/* NOTFOUND if the programme has no such point. */
int store_outcome_point_remove(struct store *s, int64_t org_id, int64_t programme_id, int64_t id);
/* Adds the n points only if the programme was never configured, in one transaction;
 * *seeded says whether it did. */
int store_outcome_schedule_seed(struct store *s, int64_t org_id, int64_t programme_id,
				struct outcome_point *pts, size_t n, bool *seeded);

/* A one-time link: only the hex SHA-256 of its token is kept. */
struct outcome_link {
	int64_t id;
	int64_t org_id;
	char token_hash[STORE_HEX_MAX];
	int64_t person_id;
	char questionnaire[STORE_QID_MAX];
	int64_t enrolment_id;                /* 0: none */
	int64_t point_id;                    /* 0: none */
	int64_t created_by;
	int64_t created_at;
	int64_t expires_at;
	int64_t used_at;                     /* 0 until used */
	int64_t result_id;
};
/* Sets id. NOTFOUND without the person; CONFLICT for a hash already stored. */
int store_outcome_link_create(struct store *s, int64_t org_id, struct outcome_link *l);
/* The link with this hash in any organisation (the public form has none yet). */
int store_outcome_link_find(struct store *s, const char *token_hash, struct outcome_link *out);
/* A person's links, newest first (at most 100). */
int store_outcome_link_list(struct store *s, int64_t org_id, int64_t person_id, struct outcome_link **out,
			    size_t *n);
/* Uses the link with this hash and stores r as its result, in one transaction: r's
 * org_id, person_id and questionnaire must be the link's. CONFLICT (nothing stored) if
 * it was used already or expired at `now`; NOTFOUND if there is no such link. Of two
 * concurrent calls exactly one succeeds. Sets r->id. */
int store_outcome_link_consume(struct store *s, const char *token_hash, int64_t now, struct outcome_result *r);
/* Records a failed attempt from addr_hash at `at` (when record; that address's attempts
 * before `since` are deleted then) and counts those since `since` into *n. */
int store_outcome_attempt(struct store *s, const char *addr_hash, bool record, int64_t at, int64_t since,
			  int64_t *n);

/* ---- the network report (issue 7, "The network") ----
 * Membership is per organisation (a row while joined). Imported aggregate files belong
 * to the installation (no org_id: like orgs, for the CLI and for the network report of
 * every joined organisation); they hold aggregates of another installation, never a
 * person. The body is the file's text as domain/network.c validated it. */
enum {
	STORE_NET_LABEL_MAX = 101,   /* installation label: 1..100 bytes + NUL */
	STORE_NET_BODY_MAX = 65537,  /* the file: at most 65536 bytes + NUL */
};
struct network_member {
	int64_t org_id;
	char org_name[STORE_NAME_MAX]; /* filled on reads */
	int64_t joined_at;
	int64_t joined_by;             /* 0: the command line */
};
/* Joins (idempotent: an existing row is kept, *joined false). NOTFOUND without the org. */
int store_network_join(struct store *s, int64_t org_id, int64_t by_user, int64_t at, bool *joined);
/* Leaves; *left false if it was not a member. */
int store_network_leave(struct store *s, int64_t org_id, bool *left);
/* NOTFOUND if org_id is not a member. */
int store_network_member_get(struct store *s, int64_t org_id, struct network_member *out);
/* Every member organisation of the installation, by name. */
int store_network_members(struct store *s, struct network_member **out, size_t *n);

struct network_import {
	int64_t id;
	char installation[STORE_NET_LABEL_MAX];
	char org_name[STORE_NAME_MAX];
	char template_key[STORE_KEY_MAX];
	int32_t from, to;
	int64_t generated_at;
	int64_t imported_at;
};
/* Stores an import; one with the same (installation, org_name, template_key, from, to)
 * is replaced in the same transaction (its id kept, *replaced true). Sets imp->id. */
int store_network_import_put(struct store *s, struct network_import *imp, const char *body, bool *replaced);
/* Imports (no bodies) by installation, organisation, period; template_key NULL/"" = any,
 * and from/to DATE_NONE = any period, else exactly that period. */
int store_network_import_list(struct store *s, const char *template_key, int32_t from, int32_t to,
			      struct network_import **out, size_t *n);
/* The body of import id into a new string (*body, free()). NOTFOUND if none. */
int store_network_import_body(struct store *s, int64_t id, char **body);
/* NOTFOUND if none. */
int store_network_import_remove(struct store *s, int64_t id);

/* ---- an organisation's own questionnaire definitions (issue 6) ----
 * One active definition per (organisation, built-in questionnaire id) replacing the
 * built-in's wording and cut-offs (domain/orgquestionnaire.h validates it; the store
 * keeps the text as given). Another organisation's row is never seen.
 * Table: sql/{sqlite,postgresql}/015_org_questionnaires.sql. */
enum {
	STORE_ORGQ_JSON_MAX = 262145, /* the definition: at most 256 KiB + NUL */
};
struct org_questionnaire {
	char questionnaire[STORE_QID_MAX]; /* a built-in id: audit, audit-c, dudit, days-abstinent */
	int version;                       /* the definition's "version" */
	char sha256[STORE_HEX_MAX];        /* hex SHA-256 of the text */
	int64_t loaded_at;
	int64_t loaded_by;                 /* 0: the command line */
	char loaded_by_email[STORE_EMAIL_MAX]; /* filled on reads; "" for the command line */
};
/* Stores q with its text; an existing row for (org, q->questionnaire) is replaced
 * (*replaced true, may be NULL). INVALID for an id that is not a built-in's, a bad
 * sha256 or version, or text of 2..256 KiB that is not that size. */
int store_orgq_put(struct store *s, int64_t org_id, const struct org_questionnaire *q, const char *json,
		   bool *replaced);
/* The row without its text (the cheap check done on every use); NOTFOUND if none. */
int store_orgq_get(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out);
/* The row and its text into a new string (*json, free()); NOTFOUND if none. */
int store_orgq_body(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out,
		    char **json);
/* The organisation's rows (no text), by questionnaire id. */
int store_orgq_list(struct store *s, int64_t org_id, struct org_questionnaire **out, size_t *n);
/* Removes the row, so the built-in applies again; NOTFOUND if none. */
int store_orgq_remove(struct store *s, int64_t org_id, const char *questionnaire);

#endif
