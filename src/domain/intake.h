/* intake.h: the intake service — programmes (from templates), their groups with members
 * and waiting list, referral sources, referrals with their status machine, and the
 * public self-referral form. Rules, store calls and audit entries; no HTTP, no SQL. The
 * pages (src/web) and the API (src/api) both call it, so both behave the same.
 *
 * Every function takes the actor (who->org_id is the organisation acted in, > 0) and
 * returns 0, ACC_INVALID (with the messages in *errs), or a negative store_status.
 * Another organisation's id is STORE_NOTFOUND. Messages are English msgids.
 *
 * The referral status machine (intake_referral_move_allowed):
 *
 *   received ──> assessed ──> offered_conversation ──> accepted
 *      │            │   \            │      ^              (final)
 *      │            │    \           v      │
 *      │            │     ──────> waiting_list ──> declined / referred_elsewhere
 *      │            │                                       (final)
 *      └────────────┴──> declined / referred_elsewhere
 *
 * - received → assessed, declined, referred_elsewhere
 * - assessed → offered_conversation, accepted, declined, referred_elsewhere, waiting_list
 * - offered_conversation → accepted, declined, referred_elsewhere, waiting_list
 * - waiting_list → offered_conversation, accepted, declined, referred_elsewhere
 * - accepted, declined, referred_elsewhere are final: a new referral starts anew.
 * A change is dated (not before the latest change, not after today), attributed and
 * audited; the store refuses it (STORE_CONFLICT) if somebody changed the status meanwhile.
 */
#ifndef TOLV_DOMAIN_INTAKE_H
#define TOLV_DOMAIN_INTAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "store/store.h"

#define INTAKE_ERRORS_MAX 16

/* Several validation messages at once: one per field. */
struct intake_errors {
	int n;
	struct field_error e[INTAKE_ERRORS_MAX];
};
void intake_error(struct intake_errors *errs, const char *field, const char *message);
const char *intake_error_get(const struct intake_errors *errs, const char *field);

/* ---- programmes ---- */
/* Fills p from the template with this key and name (not stored). ACC_INVALID for an
 * unknown template (field "template") or a bad name (field "name"). */
int intake_programme_from_template(const char *template_key, const char *name, struct programme *p,
				   struct intake_errors *errs);
/* Checks every field of p: "name", "min_steps", and per phase i "phase<i>_label",
 * "phase<i>_target_days" … (the field names of struct programme_phase). Field names are
 * static strings. 0 or ACC_INVALID. */
int intake_programme_check(const struct programme *p, struct intake_errors *errs);
/* The form/API field name of phase i's k-th editable field: 0 label, 1 target_days,
 * 2 min_days_per_week, 3 min_hours_per_day, 4 max_hours_per_day, 5 min_months,
 * 6 max_months, 7 sessions_per_week, 8 session_minutes ("phase2_target_days"). */
const char *intake_phase_field(int phase, int k);
/* Creates a programme from a template; seeds the organisation's referral sources. */
int intake_programme_create(struct accounts *ac, const struct actor *who, const char *template_key,
			    const char *name, struct programme *out, struct intake_errors *errs);
/* Checks and writes p (p->id of who's organisation). A taken name → ACC_INVALID "name". */
int intake_programme_update(struct accounts *ac, const struct actor *who, struct programme *p,
			    struct intake_errors *errs);
/* Closed dates (day "YYYY-MM-DD", label may be ""). Programmes hold no personal data, so
 * their reads are not audited; every change is. */
int intake_closed_date_add(struct accounts *ac, const struct actor *who, int64_t programme_id, const char *day,
			   const char *label, struct intake_errors *errs);
int intake_closed_date_remove(struct accounts *ac, const struct actor *who, int64_t programme_id, const char *day,
			      struct intake_errors *errs);

/* ---- groups ---- */
/* Parses "HH:MM" into minutes after midnight (0..1440; "24:00" only as an end). -1 if bad. */
int intake_parse_time(const char *s, bool end);
/* Checks g: "name", "phase_key" (must be a phase of the programme or ""), "start_min",
 * "end_min", "place", "capacity", "weekdays". */
int intake_group_check(const struct group *g, const struct programme *p, struct intake_errors *errs);
int intake_group_create(struct accounts *ac, const struct actor *who, struct group *g, struct intake_errors *errs);
int intake_group_update(struct accounts *ac, const struct actor *who, struct group *g, struct intake_errors *errs);
/* Adds enrolment_id to the group from from_day. If the group is full: with
 * waitlist_if_full the enrolment goes on the waiting list instead (*waitlisted = true,
 * returns 0), else STORE_FULL. An enrolment of another programme or organisation is
 * ACC_INVALID "enrolment_id"; already a member / already waiting is STORE_CONFLICT. */
int intake_group_member_add(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t enrolment_id,
			    int32_t from_day, bool waitlist_if_full, bool *waitlisted, struct intake_errors *errs);
/* Ends member_id (a membership of group_id) on to_day. */
int intake_group_member_end(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t member_id,
			    int32_t to_day, struct intake_errors *errs);
int intake_waiting_add(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t enrolment_id,
		       const char *note, struct intake_errors *errs);
/* waiting_id 0: the first in line. STORE_FULL if no room, STORE_NOTFOUND if no such entry. */
int intake_waiting_promote(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t waiting_id,
			   int32_t from_day);
int intake_waiting_remove(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t waiting_id);

/* ---- referral sources ---- */
int intake_source_add(struct accounts *ac, const struct actor *who, const char *label, struct referral_source *out,
		      struct intake_errors *errs);
/* Renames and/or (de)activates the source with this key (label NULL: keep). */
int intake_source_update(struct accounts *ac, const struct actor *who, const char *key, const char *label,
			 int active /* -1 keep, 0, 1 */, struct intake_errors *errs);

/* ---- referrals ---- */
#define REFERRAL_NSTATUS 7
/* The status keys in path order, and their English labels. */
const char *referral_status_key(int i);
const char *referral_status_label_of(const char *key); /* NULL for an unknown key */
bool referral_status_valid(const char *key);
/* Whether a referral may move from status `from` to `to` (the machine above). */
bool intake_referral_move_allowed(const char *from, const char *to);
/* Checks and creates r from the text fields (source_key, referrer_name, referrer_org,
 * received_on as "YYYY-MM-DD" or "" for today, reason, person_id 0 or a person,
 * programme_id 0 (not decided yet) or a programme of the organisation — the programme
 * report counts the referral for it). */
int intake_referral_create(struct accounts *ac, const struct actor *who, const char *source_key,
			   const char *referrer_name, const char *referrer_org, const char *received_on,
			   const char *reason, int64_t person_id, int64_t programme_id, struct referral *out,
			   struct intake_errors *errs);
/* Moves referral id to status `to` on day (text, "" = today) with an optional note.
 * Refused moves and dates are ACC_INVALID ("status", "on_day", "note"). */
int intake_referral_set_status(struct accounts *ac, const struct actor *who, int64_t id, const char *to,
			       const char *on_day, const char *note, struct intake_errors *errs);
/* Links the referral to person_id (0 unlinks); a person not of the organisation is
 * ACC_INVALID "person_id". */
int intake_referral_link(struct accounts *ac, const struct actor *who, int64_t id, int64_t person_id,
			 struct intake_errors *errs);

/* ---- self-referrals ---- */
#define SELF_REFERRAL_LIMIT 5          /* submissions per client address … */
#define SELF_REFERRAL_WINDOW 3600      /* … per this many seconds */
struct self_referral_input {
	const char *name, *phone, *email, *message, *consent, *honeypot;
};
enum self_referral_outcome {
	SR_STORED,    /* stored, in the intake queue */
	SR_INVALID,   /* messages in errs, nothing stored */
	SR_THROTTLED, /* too many from this address: nothing stored */
	SR_SPAM,      /* the honeypot was filled: nothing stored (answer as if stored) */
};
/* The public form's submission for org_id from client address addr. Returns 0 with
 * *outcome set, STORE_NOTFOUND for an unknown organisation, or a store error. */
int intake_self_referral_submit(struct accounts *ac, int64_t org_id, const char *addr,
				const struct self_referral_input *in, enum self_referral_outcome *outcome,
				struct intake_errors *errs);
/* Creates a referral (source self-referral) from a new self-referral; *referral_id. */
int intake_self_referral_take(struct accounts *ac, const struct actor *who, int64_t id, int64_t *referral_id);
/* reason: "spam", "duplicate", "other". */
int intake_self_referral_discard(struct accounts *ac, const struct actor *who, int64_t id, const char *reason,
				 struct intake_errors *errs);
bool self_referral_discard_reason_valid(const char *reason);

/* ---- audit of reads ---- */
/* Records that who read object (otype, id): "person.read", "referral.read" … */
void intake_audit(struct accounts *ac, const struct actor *who, const char *action, const char *otype, int64_t id,
		  const char *detail);

/* Today on the Norwegian/Swedish clock; a test may fix it with intake_set_today. */
int32_t intake_today(void);
void intake_set_today(int32_t day); /* DATE_NONE: the clock again */

#endif
