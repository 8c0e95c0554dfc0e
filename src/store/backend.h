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
	int64_t subject_id; /* > 0: also the listings with this person among their subjects */
};

/* A row of audit_subjects (store_ops.audit_subjects). */
struct store_audit_subject {
	int64_t seq, org_id, person_id;
};

/* Upper bound of one page of store_audit_each: a page is read into memory and the
 * connection given back before the callback runs, so a callback may use the store. */
enum { STORE_AUDIT_PAGE = 256 };


/* ---- the person's path (store.h, issue 3) ---- */

/* Row mapping shared by the two backends: a struct's fields in the order of a column
 * list below, so that both backends read a row the same way (and a column list and its
 * map are edited together, here). */
enum store_col_type {
	SCOL_I64,   /* int64_t; NULL reads as 0 */
	SCOL_INT,   /* int; NULL reads as 0 */
	SCOL_UINT,  /* unsigned */
	SCOL_PHASE, /* int; NULL reads as -1 */
	SCOL_DAY,   /* int32_t; NULL reads as DATE_NONE */
	SCOL_BOOL,  /* bool: SQLite 0/1, PostgreSQL boolean */
	SCOL_TEXT,  /* char[size]; NULL reads as "" */
};
struct store_col {
	unsigned char type;
	size_t off;
	size_t size;
};
struct store_cols {
	const struct store_col *col;
	int n;
};

/* Column lists (with the table aliases the backends use) and their maps, in store.c. */
#define STORE_PROGRAMME_COLS "p.id, p.org_id, p.name, p.template_key, p.min_steps, p.active, p.created_at, p.updated_at"
extern const struct store_cols store_programme_map;
/* After ph.programme_id (read separately). */
#define STORE_PHASE_COLS                                                                           \
	"ph.key, ph.label, ph.target_days, ph.min_days_per_week, ph.min_hours_per_day, "             \
	"ph.max_hours_per_day, ph.min_months, ph.max_months, ph.sessions_per_week, ph.session_minutes"
extern const struct store_cols store_phase_map;
#define STORE_CLOSED_COLS "day, label"
extern const struct store_cols store_closed_map;
extern const struct store_cols store_programme_day_map;
#define STORE_GROUP_COLS                                                                           \
	"g.id, g.org_id, g.programme_id, g.name, g.phase_key, g.weekdays, g.start_min, g.end_min, "   \
	"g.place, g.capacity, g.active, g.created_at, g.updated_at, "                                 \
	"(SELECT count(*) FROM group_members m WHERE m.org_id = g.org_id AND m.group_id = g.id "       \
	"AND m.to_day IS NULL), "                                                                     \
	"(SELECT count(*) FROM group_waiting w WHERE w.org_id = g.org_id AND w.group_id = g.id)"
extern const struct store_cols store_group_map;
#define STORE_MEMBER_COLS                                                                          \
	"m.id, m.org_id, m.group_id, m.enrolment_id, m.from_day, m.to_day, m.created_at, m.created_by, " \
	"e.person_id, p.given_name, p.family_name"
#define STORE_MEMBER_FROM                                                                          \
	" FROM group_members m JOIN enrolments e ON e.org_id = m.org_id AND e.id = m.enrolment_id "   \
	"JOIN persons p ON p.org_id = e.org_id AND p.id = e.person_id"
extern const struct store_cols store_member_map;
#define STORE_WAITING_COLS                                                                         \
	"w.id, w.org_id, w.group_id, w.enrolment_id, w.note, w.created_at, w.created_by, "            \
	"row_number() OVER (ORDER BY w.created_at, w.id), e.person_id, p.given_name, p.family_name"
#define STORE_WAITING_FROM                                                                         \
	" FROM group_waiting w JOIN enrolments e ON e.org_id = w.org_id AND e.id = w.enrolment_id "   \
	"JOIN persons p ON p.org_id = e.org_id AND p.id = e.person_id"
extern const struct store_cols store_waiting_map;
#define STORE_REFSOURCE_COLS "id, org_id, key, label, active, sort_order"
extern const struct store_cols store_refsource_map;
#define STORE_PERSON_COLS                                                                          \
	"p.id, p.org_id, p.given_name, p.family_name, p.birth_date, p.national_id, p.national_id_kind, " \
	"p.phone, p.email, p.address, p.kin_name, p.kin_relation, p.kin_phone, p.substances, "       \
	"p.dual_diagnosis, p.notes, p.created_at, p.created_by, p.updated_at, p.updated_by"
extern const struct store_cols store_person_map;
#define STORE_REFERRAL_COLS                                                                        \
	"r.id, r.org_id, r.person_id, r.programme_id, r.source_key, r.referrer_name, r.referrer_org, " \
	"r.received_on, r.reason, r.status, r.status_on, r.created_at, r.created_by, r.updated_at, "  \
	"src.label, p.given_name, p.family_name"
#define STORE_REFERRAL_FROM                                                                        \
	" FROM referrals r JOIN referral_sources src ON src.org_id = r.org_id AND src.key = r.source_key " \
	"LEFT JOIN persons p ON p.org_id = r.org_id AND p.id = r.person_id"
extern const struct store_cols store_referral_map;
#define STORE_REFEVENT_COLS "id, referral_id, from_status, to_status, on_day, at, by_user, note"
extern const struct store_cols store_refevent_map;
#define STORE_SELFREF_COLS                                                                         \
	"id, org_id, name, phone, email, message, consent_at, addr_hash, status, referral_id, "       \
	"created_at, handled_at, handled_by"
extern const struct store_cols store_selfref_map;
#define STORE_ENROLMENT_COLS                                                                       \
	"e.id, e.org_id, e.person_id, e.programme_id, e.therapist_id, e.referral_id, e.status, "      \
	"e.phase, e.started_on, e.phase_since, e.last_change_on, e.paused_since, e.ended_on, "        \
	"e.reason_key, e.reason_note, e.pauses, e.version, e.created_at, e.updated_at"
extern const struct store_cols store_enrolment_map;
/* After the enrolment's columns in a list row. */
extern const struct store_cols store_enrolment_row_map;
#define STORE_EVENT_COLS "id, org_id, enrolment_id, kind, from_phase, to_phase, on_day, reason, by_user, at"
extern const struct store_cols store_event_map;
#define STORE_SESSION_COLS                                                                         \
	"id, org_id, programme_id, group_id, phase_key, on_day, start_min, end_min, kind, leader_id, " \
	"created_at, created_by"
extern const struct store_cols store_session_map;
#define STORE_ATTENDANCE_COLS                                                                      \
	"a.id, a.org_id, a.session_id, a.enrolment_id, a.attended, a.minutes, a.note, a.recorded_by, " \
	"a.recorded_at, a.on_day, s.group_id, s.kind"
#define STORE_ATTENDANCE_FROM                                                                      \
	" FROM attendance a JOIN attendance_sessions s ON s.org_id = a.org_id AND s.id = a.session_id"
extern const struct store_cols store_attendance_map;
/* A roster line: enrolment_id, person_id, names, status, member, recorded, then the
 * attendance columns (NULL when not recorded). */
extern const struct store_cols store_roster_map;

/* A person as the backends write it: the struct and its names case-folded. */
struct store_person_keys {
	char given[STORE_NAME_MAX];
	char family[STORE_NAME_MAX];
};
/* store_person_list after store.c has checked the query. */
struct store_person_query {
	const struct person_query *q;
	char like[2 * STORE_NAME_MAX + 4]; /* folded LIKE pattern %…% with \ escapes, "" = all */
	int limit, offset;
};
/* The default referral sources (store.c). */
extern const struct referral_source store_default_sources[];
extern const size_t store_default_nsources;

/* ---- the meeting directory (store.h, issue 5) ---- */
#define STORE_MEETING_COLS                                                                         \
	"m.id, m.org_id, m.slug, m.name, m.days, m.start_min, m.end_min, m.timezone, m.rrule, "       \
	"m.starts_on, "                                                                               \
	"m.location, m.location_notes, m.formatted_address, m.address, m.city, m.state, "             \
	"m.postal_code, m.country, m.lat_e6 IS NOT NULL, m.lat_e6, m.lon_e6, m.region, m.sub_region, " \
	"m.types, m.notes, m.group_name, m.group_notes, m.fellowship, m.attendance, m.conference_url, " \
	"m.conference_url_notes, m.conference_phone, m.conference_phone_notes, m.website, m.email, "  \
	"m.phone, m.url, m.contact_1_name, m.contact_1_email, m.contact_1_phone, m.contact_2_name, "  \
	"m.contact_2_email, m.contact_2_phone, m.contact_3_name, m.contact_3_email, m.contact_3_phone, " \
	"m.public, m.source_id, m.created_at, m.updated_at, m.updated_by, m.removed_at"
extern const struct store_cols store_meeting_map;
#define STORE_MSOURCE_COLS                                                                         \
	"id, org_id, name, url, format, timezone, fellowship, interval_hours, created_at, last_run_at"
extern const struct store_cols store_msource_map;
#define STORE_MRUN_COLS                                                                            \
	"id, org_id, source_id, at, by_user, status, added, changed, removed, unchanged, rejected, message"
extern const struct store_cols store_mrun_map;
#define STORE_MCR_COLS                                                                             \
	"id, org_id, meeting_id, meeting_name, name, email, message, addr_hash, status, created_at, "  \
	"handled_at, handled_by"
extern const struct store_cols store_mcr_map;
/* store_meeting_list after store.c has checked the query. */
struct store_meeting_query {
	const struct meeting_query *q;
	char like[2 * MEETING_NAME_MAX + 4]; /* LIKE pattern %…% with \ escapes, "" = all */
	int limit, offset;
};

/* ---- Twelve Step Facilitation (store.h, issue 5); maps in facilitation_maps.c ---- */
#define STORE_FAC_STANCE_COLS                                                                      \
	"st.id, st.org_id, st.person_id, st.stance, st.on_day, st.revisit_on, st.note, st.by_user, "    \
	"u.name, st.at"
#define STORE_FAC_STANCE_FROM "fac_stances st LEFT JOIN users u ON u.id = st.by_user"
extern const struct store_cols store_fac_stance_map;
#define STORE_FAC_ACTION_COLS                                                                      \
	"a.id, a.org_id, a.person_id, a.kind, a.on_day, a.meeting_id, a.stayed, a.note, a.by_user, "    \
	"u.name, m.name, a.at"
#define STORE_FAC_ACTION_FROM                                                                      \
	"fac_actions a LEFT JOIN users u ON u.id = a.by_user LEFT JOIN meetings m ON m.id = a.meeting_id"
extern const struct store_cols store_fac_action_map;
#define STORE_FAC_MEETING_COLS                                                                     \
	"l.id, l.org_id, l.person_id, l.on_day, l.meeting_id, COALESCE(m.name, l.name), l.accompanied, " \
	"l.stayed, l.source, l.by_user, l.at"
#define STORE_FAC_MEETING_FROM "fac_meeting_log l LEFT JOIN meetings m ON m.id = l.meeting_id"
extern const struct store_cols store_fac_meeting_map;
#define STORE_FAC_PROFILE_COLS "org_id, person_id, sponsor, sponsor_since, home_group, updated_by, updated_at"
extern const struct store_cols store_fac_profile_map;
#define STORE_FAC_REVISIT_COLS "p.id, p.given_name, p.family_name, st.on_day, st.revisit_on"
extern const struct store_cols store_fac_revisit_map;
/* One int32_t day (store_fac_meeting_days). */
extern const struct store_cols store_fac_day_map;

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
	int (*session_principal)(struct store *s, const char *token_hash, struct session_principal *out);
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
	/* The audit_subjects rows of the given entries (1..STORE_AUDIT_PAGE seqs), ordered by
	 * seq, person_id. */
	int (*audit_subjects)(struct store *s, const int64_t *seqs, size_t n, struct store_audit_subject **out,
			      size_t *nout);

	/* ---- the person's path: as in store.h, after store.c's checks; times set ---- */
	int (*programme_create)(struct store *s, int64_t org_id, struct programme *p);
	int (*programme_get)(struct store *s, int64_t org_id, int64_t id, struct programme *out);
	int (*programme_list)(struct store *s, int64_t org_id, bool include_inactive, struct programme **out,
			      size_t *n);
	int (*programme_update)(struct store *s, int64_t org_id, struct programme *p);
	int (*closed_date_add)(struct store *s, int64_t org_id, int64_t programme_id, const struct closed_date *d);
	int (*closed_date_remove)(struct store *s, int64_t org_id, int64_t programme_id, int32_t day);
	int (*closed_date_list)(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
				struct closed_date **out, size_t *n);
	int (*programme_list_closed)(struct store *s, int64_t org_id, bool include_inactive, int32_t from, int32_t to,
				     struct programme **out, size_t *n, struct programme_day **closed, size_t *nclosed);

	int (*group_create)(struct store *s, int64_t org_id, struct group *g);
	int (*group_get)(struct store *s, int64_t org_id, int64_t id, struct group *out);
	int (*group_list)(struct store *s, int64_t org_id, int64_t programme_id, bool include_inactive,
			  struct group **out, size_t *n);
	int (*group_update)(struct store *s, int64_t org_id, struct group *g);
	int (*group_member_add)(struct store *s, int64_t org_id, struct group_member *m);
	int (*group_member_end)(struct store *s, int64_t org_id, int64_t member_id, int32_t to_day);
	int (*group_member_list)(struct store *s, int64_t org_id, int64_t group_id, int32_t day,
				 struct group_member **out, size_t *n);
	int (*group_member_count)(struct store *s, int64_t org_id, int64_t group_id, int *n);
	int (*waiting_add)(struct store *s, int64_t org_id, struct group_waiting *w);
	int (*waiting_list)(struct store *s, int64_t org_id, int64_t group_id, struct group_waiting **out, size_t *n);
	int (*waiting_remove)(struct store *s, int64_t org_id, int64_t waiting_id);
	/* waiting_id 0: the first in line. m: the new membership (from_day, created_by,
	 * created_at set by store.c). */
	int (*waiting_promote)(struct store *s, int64_t org_id, int64_t group_id, int64_t waiting_id,
			       struct group_member *m);

	int (*refsource_seed)(struct store *s, int64_t org_id, int *added);
	int (*refsource_add)(struct store *s, int64_t org_id, struct referral_source *src);
	int (*refsource_update)(struct store *s, int64_t org_id, const struct referral_source *src);
	int (*refsource_list)(struct store *s, int64_t org_id, bool include_inactive, struct referral_source **out,
			      size_t *n);

	int (*person_create)(struct store *s, int64_t org_id, struct person *p, const struct store_person_keys *k);
	int (*person_get)(struct store *s, int64_t org_id, int64_t id, struct person *out);
	int (*person_update)(struct store *s, int64_t org_id, struct person *p, const struct store_person_keys *k);
	int (*person_list)(struct store *s, int64_t org_id, const struct store_person_query *q, struct person **out,
			   size_t *n, int64_t *total);
	int (*person_count)(struct store *s, int64_t org_id, int64_t *n);
	int (*person_duplicates)(struct store *s, int64_t org_id, const struct person *p,
				 const struct store_person_keys *k, struct person **out, size_t *n);

	int (*referral_create)(struct store *s, int64_t org_id, struct referral *r);
	int (*referral_get)(struct store *s, int64_t org_id, int64_t id, struct referral *out);
	int (*referral_list)(struct store *s, int64_t org_id, const struct referral_query *q, struct referral **out,
			     size_t *n, int64_t *total);
	/* ev: from_status, to_status, on_day, at, by_user, note of the change. */
	int (*referral_set_status)(struct store *s, int64_t org_id, int64_t id, const struct referral_event *ev);
	int (*referral_link_person)(struct store *s, int64_t org_id, int64_t id, int64_t person_id);
	int (*referral_history)(struct store *s, int64_t org_id, int64_t referral_id, struct referral_event **out,
				size_t *n);

	int (*selfref_create)(struct store *s, int64_t org_id, struct self_referral *sr);
	int (*selfref_get)(struct store *s, int64_t org_id, int64_t id, struct self_referral *out);
	int (*selfref_list)(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			    struct self_referral **out, size_t *n, int64_t *total);
	int (*selfref_take)(struct store *s, int64_t org_id, int64_t id, struct referral *r);
	int (*selfref_discard)(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at);
	int (*selfref_count_recent)(struct store *s, int64_t org_id, const char *addr_hash, int64_t since,
				    int64_t *n);

	int (*enrolment_create)(struct store *s, int64_t org_id, struct enrolment *e, struct enrolment_event *ev);
	int (*enrolment_get)(struct store *s, int64_t org_id, int64_t id, struct enrolment *out);
	int (*enrolment_change)(struct store *s, int64_t org_id, struct enrolment *e, int64_t expected_version,
				struct enrolment_event *ev);
	int (*enrolment_events)(struct store *s, int64_t org_id, int64_t enrolment_id, struct enrolment_event **out,
				size_t *n);
	int (*enrolment_list)(struct store *s, int64_t org_id, const struct enrolment_query *q,
			      struct enrolment_row **out, size_t *n, int64_t *total);
	int (*enrolment_phase_counts)(struct store *s, int64_t org_id, int64_t programme_id,
				      int counts[STORE_PHASES_MAX]);

	int (*att_session_create)(struct store *s, int64_t org_id, struct att_session *se);
	int (*att_session_get)(struct store *s, int64_t org_id, int64_t id, struct att_session *out);
	int (*att_session_for_group)(struct store *s, int64_t org_id, struct att_session *se, bool *created);
	int (*att_session_list)(struct store *s, int64_t org_id, int64_t programme_id, int64_t group_id, int32_t from,
				int32_t to, int limit, struct att_session **out, size_t *n);
	int (*attendance_save)(struct store *s, int64_t org_id, int64_t session_id, const struct attendance *rows,
			       size_t nrows, int64_t by_user, int64_t at, struct attendance_change **changes,
			       size_t *nchanges);
	int (*attendance_roster)(struct store *s, int64_t org_id, int64_t session_id, struct roster_line **out,
				 size_t *n);
	int (*attendance_dates)(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
				int32_t **out, size_t *n);
	int (*attendance_of_enrolment)(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from,
				       int32_t to, struct attendance **out, size_t *n);

	/* ---- the meeting directory: as in store.h, after store.c's checks; times set ---- */
	int (*meeting_create)(struct store *s, int64_t org_id, struct meeting *m);
	int (*meeting_get)(struct store *s, int64_t org_id, int64_t id, struct meeting *out);
	int (*meeting_get_public)(struct store *s, int64_t id, struct meeting *out);
	int (*meeting_update)(struct store *s, int64_t org_id, struct meeting *m);
	int (*meeting_list)(struct store *s, int64_t org_id, const struct store_meeting_query *q,
			    struct meeting **out, size_t *n, int64_t *total);
	int (*meeting_all)(struct store *s, int64_t org_id, struct meeting **out, size_t *n);
	int (*meeting_public_page)(struct store *s, int64_t after_id, int limit, struct meeting **out, size_t *n);
	int (*directory_version)(struct store *s, int64_t *version, int64_t *changed_at);
	int (*msource_create)(struct store *s, int64_t org_id, struct meeting_source *src);
	int (*msource_get)(struct store *s, int64_t org_id, int64_t id, struct meeting_source *out);
	int (*msource_get_by_name)(struct store *s, int64_t org_id, const char *name, struct meeting_source *out);
	int (*msource_update)(struct store *s, int64_t org_id, const struct meeting_source *src);
	int (*msource_list)(struct store *s, int64_t org_id, struct meeting_source **out, size_t *n);
	int (*msource_due)(struct store *s, int64_t now, struct meeting_source **out, size_t *n);
	int (*mrun_add)(struct store *s, int64_t org_id, struct meeting_import_run *run);
	int (*mrun_list)(struct store *s, int64_t org_id, int64_t source_id, int limit,
			 struct meeting_import_run **out, size_t *n);
	int (*meeting_import_apply)(struct store *s, int64_t org_id, struct meeting *upserts, size_t nupserts,
				    const int64_t *remove_ids, size_t nremove, struct meeting_import_run *run);
	int (*mcr_create)(struct store *s, int64_t org_id, struct meeting_change_request *cr);
	int (*mcr_get)(struct store *s, int64_t org_id, int64_t id, struct meeting_change_request *out);
	int (*mcr_list)(struct store *s, int64_t org_id, const char *status, int limit, int offset,
			struct meeting_change_request **out, size_t *n, int64_t *total);
	int (*mcr_close)(struct store *s, int64_t org_id, int64_t id, const char *status, int64_t by_user,
			 int64_t at);
	int (*mcr_count_recent)(struct store *s, const char *addr_hash, int64_t since, int64_t *n);

	/* ---- step work and the plan (issue 4): as in store.h, after store.c's checks ---- */
	int (*steps_get)(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step out[12]);
	int (*step_change)(struct store *s, int64_t org_id, int64_t enrolment_id, const struct store_step *st,
			   int expected_changes, struct store_step_event *ev);
	int (*step_events)(struct store *s, int64_t org_id, int64_t enrolment_id, struct store_step_event **out,
			   size_t *n);
	int (*plan_save)(struct store *s, int64_t org_id, int64_t enrolment_id, int expected_latest,
			 struct store_plan_version *v);
	int (*plan_get)(struct store *s, int64_t org_id, int64_t enrolment_id, int number,
			struct store_plan_version *out);
	int (*plan_versions)(struct store *s, int64_t org_id, int64_t enrolment_id, bool with_json,
			     struct store_plan_version **out, size_t *n);
	int (*plan_latest_many)(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
				struct store_plan_version **out, size_t *n);
	int (*steps_get_many)(struct store *s, int64_t org_id, const int64_t *ids, size_t nids,
			      struct store_step (*out)[12]);
	int (*step_wording_get)(struct store *s, int64_t org_id, struct store_step_wording *out);
	int (*step_wording_set)(struct store *s, int64_t org_id, const struct store_step_wording *w,
				int64_t by_user, int64_t at);

	/* ---- Twelve Step Facilitation (issue 5): as in store.h, after store.c's checks ---- */
	int (*fac_stance_add)(struct store *s, int64_t org_id, struct fac_stance *st);
	int (*fac_stance_list)(struct store *s, int64_t org_id, int64_t person_id, int limit, struct fac_stance **out,
			       size_t *n);
	int (*fac_action_add)(struct store *s, int64_t org_id, struct fac_action *a);
	int (*fac_action_list)(struct store *s, int64_t org_id, int64_t person_id, int limit, struct fac_action **out,
			       size_t *n);
	int (*fac_meeting_add)(struct store *s, int64_t org_id, struct fac_meeting *m);
	int (*fac_meeting_list)(struct store *s, int64_t org_id, int64_t person_id, int limit, int offset,
				struct fac_meeting **out, size_t *n, int64_t *total);
	int (*fac_meeting_days)(struct store *s, int64_t org_id, int64_t person_id, int32_t from, int32_t to,
				int32_t **days, size_t *n);
	int (*fac_profile_get)(struct store *s, int64_t org_id, int64_t person_id, struct fac_profile *out);
	int (*fac_profile_set)(struct store *s, int64_t org_id, const struct fac_profile *p);
	int (*fac_engagement)(struct store *s, int64_t org_id, const int64_t *person_ids, size_t n, int32_t from,
			      int32_t to, struct fac_engagement *out);
	int (*caseload_columns)(struct store *s, int64_t org_id, const int64_t *enrolment_ids,
				const int64_t *person_ids, size_t n, int32_t from, int32_t to,
				struct store_plan_version **plans, size_t *nplans, struct fac_engagement *eg);
	int (*fac_revisits_due)(struct store *s, int64_t org_id, int64_t therapist_id, int32_t today, int limit,
				struct fac_revisit **out, size_t *n);

	/* ---- clinical notes (issue 4): as in store.h, after store.c's checks ---- */
	int (*note_create)(struct store *s, int64_t org_id, struct store_note *n);
	int (*note_update)(struct store *s, int64_t org_id, struct store_note *n);
	int (*note_delete)(struct store *s, int64_t org_id, int64_t id, int64_t author);
	int (*note_sign)(struct store *s, int64_t org_id, int64_t id, int64_t author, int64_t at);
	int (*note_addendum_add)(struct store *s, int64_t org_id, struct store_note_addendum *a);
	int (*note_get)(struct store *s, int64_t org_id, int64_t id, struct store_note *out,
			struct store_note_addendum **addenda, size_t *naddenda);
	int (*note_list)(struct store *s, int64_t org_id, int64_t person_id, int64_t viewer, const char *type,
			 int limit, int offset, struct store_note **out, size_t *n, int64_t *total);
	int (*note_heads)(struct store *s, int64_t org_id, int64_t person_id, struct store_note_head **out,
			  size_t *n);
	int (*note_draft_count)(struct store *s, int64_t org_id, int64_t person_id, int64_t *n);
	int (*note_drafts_overdue)(struct store *s, int64_t org_id, int64_t author, int32_t before, int limit,
				   struct store_note_draft **out, size_t *n);
	int (*session_details_get)(struct store *s, int64_t org_id, int64_t session_id,
				   struct store_session_details *out);
	int (*session_details_set)(struct store *s, int64_t org_id, int64_t session_id,
				   struct store_session_details *d, int64_t by_user);
	int (*session_group_notes)(struct store *s, int64_t org_id, int64_t session_id, int64_t person_id,
				   int64_t viewer, int limit, struct store_note **out, size_t *n);

	/* ---- relapses (issue 6): as in store.h, after store.c's checks ---- */
	int (*relapse_create)(struct store *s, int64_t org_id, struct store_relapse *r);
	int (*relapse_update)(struct store *s, int64_t org_id, struct store_relapse *r, const char *expected_status,
			      bool sober_since_set, int32_t sober_since);
	int (*relapse_get)(struct store *s, int64_t org_id, int64_t id, struct store_relapse *out);
	int (*relapse_by_test)(struct store *s, int64_t org_id, int64_t test_id, struct store_relapse *out);
	int (*relapse_list)(struct store *s, int64_t org_id, int64_t person_id, int64_t therapist_id,
			    const char *status, int limit, struct store_relapse **out, size_t *n);
	int (*sober_since_get)(struct store *s, int64_t org_id, int64_t person_id, int32_t *day);
	int (*sober_since_set)(struct store *s, int64_t org_id, int64_t person_id, int32_t day, int64_t by_user);
	int (*relapse_settings_get)(struct store *s, int64_t org_id, bool *show_sober_since);
	int (*relapse_settings_set)(struct store *s, int64_t org_id, bool show_sober_since, int64_t by_user);

	/* ---- therapist training (issue 7): as in store.h, after store.c's checks ---- */
	int (*training_courses)(struct store *s, int64_t org_id, struct store_training_course **out, size_t *n);
	int (*training_course_add)(struct store *s, int64_t org_id, const struct store_training_course *c);
	int (*training_records)(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record **out,
				size_t *n);
	int (*training_set)(struct store *s, int64_t org_id, int64_t user_id, struct store_training_record *recs,
			    size_t n, int64_t by_user);
	int (*training_certified_count)(struct store *s, int64_t org_id, int32_t on_day, int64_t *n);
	int (*session_override_get)(struct store *s, int64_t org_id, int64_t session_id,
				    struct store_session_override *out);
	int (*session_override_set)(struct store *s, int64_t org_id, int64_t session_id, const char *reason,
				    int64_t by_user);

	/* ---- sobriety tests (issue 6): as in store.h, after store.c's checks; times set ---- */
	int (*substance_seed)(struct store *s, int64_t org_id, int *added);
	int (*substance_list)(struct store *s, int64_t org_id, bool include_inactive, struct substance_class **out,
			      size_t *n);
	int (*substance_add)(struct store *s, int64_t org_id, struct substance_class *c);
	int (*substance_update)(struct store *s, int64_t org_id, const struct substance_class *c);
	int (*substance_delete)(struct store *s, int64_t org_id, int64_t id);
	int (*sob_test_create)(struct store *s, int64_t org_id, struct sob_test *t);
	int (*sob_test_get)(struct store *s, int64_t org_id, int64_t id, struct sob_test *out);
	int (*sob_test_list)(struct store *s, int64_t org_id, int64_t person_id, int limit, struct sob_test **out,
			     size_t *n);
	int (*sob_test_lab)(struct store *s, int64_t org_id, const struct sob_test *t);
	int (*sob_med_add)(struct store *s, int64_t org_id, struct sob_medication *m);
	int (*sob_med_end)(struct store *s, int64_t org_id, int64_t id, int32_t to_day);
	int (*sob_med_list)(struct store *s, int64_t org_id, int64_t person_id, struct sob_medication **out,
			    size_t *n);
	int (*sob_rule_set)(struct store *s, int64_t org_id, struct sob_rule *r);
	int (*sob_rule_list)(struct store *s, int64_t org_id, int64_t programme_id, struct sob_rule **out, size_t *n);
	int (*sob_zero_get)(struct store *s, int64_t org_id, int64_t programme_id, bool *on);
	int (*sob_zero_set)(struct store *s, int64_t org_id, int64_t programme_id, bool on, int64_t by_user,
			    int64_t at);
	int (*sob_draw_put)(struct store *s, int64_t org_id, struct sob_draw *d, bool *inserted);
	int (*sob_draw_list)(struct store *s, int64_t org_id, int32_t from, int32_t to, int64_t person_id, int limit,
			     struct sob_draw **out, size_t *n);
	int (*sob_selected_count)(struct store *s, int64_t org_id, int64_t enrolment_id, int32_t from, int32_t to,
				  int64_t *n);
	int (*sob_fairness)(struct store *s, int64_t org_id, int32_t from, int32_t to, struct sob_fairness **out,
			    size_t *n);

	/* ---- the programme report (issue 7): as in store.h, after store.c's checks ---- */
	int (*report_rows)(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
			   struct store_report_rows *out);

	/* ---- outcome measures (issue 6): as in store.h, after store.c's checks ---- */
	int (*outcome_add)(struct store *s, int64_t org_id, struct outcome_result *r);
	int (*outcome_get)(struct store *s, int64_t org_id, int64_t id, struct outcome_result *out);
	int (*outcome_list)(struct store *s, int64_t org_id, int64_t person_id, struct outcome_result **out,
			    size_t *n);
	int (*outcome_mark_error)(struct store *s, int64_t org_id, int64_t id, int64_t by_user, int64_t at,
				  const char *reason);
	int (*outcome_open_events)(struct store *s, int64_t org_id, struct enrolment_event **out, size_t *n);
	int (*outcome_points)(struct store *s, int64_t org_id, int64_t programme_id, struct outcome_point **out,
			      size_t *n, bool *configured);
	int (*outcome_point_add)(struct store *s, int64_t org_id, struct outcome_point *p);
	int (*outcome_point_remove)(struct store *s, int64_t org_id, int64_t programme_id, int64_t id);
	int (*outcome_schedule_seed)(struct store *s, int64_t org_id, int64_t programme_id,
				     struct outcome_point *pts, size_t n, bool *seeded);
	int (*outcome_link_create)(struct store *s, int64_t org_id, struct outcome_link *l);
	int (*outcome_link_find)(struct store *s, const char *token_hash, struct outcome_link *out);
	int (*outcome_link_list)(struct store *s, int64_t org_id, int64_t person_id, struct outcome_link **out,
				 size_t *n);
	int (*outcome_link_consume)(struct store *s, const char *token_hash, int64_t now, struct outcome_result *r);
	int (*outcome_attempt)(struct store *s, const char *addr_hash, bool record, int64_t at, int64_t since,
			       int64_t *n);

	/* ---- the network report (issue 7): as in store.h, after store.c's checks ---- */
	int (*network_join)(struct store *s, int64_t org_id, int64_t by_user, int64_t at, bool *joined);
	int (*network_leave)(struct store *s, int64_t org_id, bool *left);
	int (*network_member_get)(struct store *s, int64_t org_id, struct network_member *out);
	int (*network_members)(struct store *s, struct network_member **out, size_t *n);
	int (*network_import_put)(struct store *s, struct network_import *imp, const char *body, bool *replaced);
	int (*network_import_list)(struct store *s, const char *template_key, int32_t from, int32_t to,
				   struct network_import **out, size_t *n);
	int (*network_import_body)(struct store *s, int64_t id, char **body);
	int (*network_import_remove)(struct store *s, int64_t id);

	/* ---- an organisation's own questionnaire definitions (issue 6): as in store.h ---- */
	int (*orgq_put)(struct store *s, int64_t org_id, const struct org_questionnaire *q, const char *json,
			bool *replaced);
	int (*orgq_get)(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out);
	int (*orgq_body)(struct store *s, int64_t org_id, const char *questionnaire, struct org_questionnaire *out,
			 char **json);
	int (*orgq_list)(struct store *s, int64_t org_id, struct org_questionnaire **out, size_t *n);
	int (*orgq_remove)(struct store *s, int64_t org_id, const char *questionnaire);

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
