/* enrolments.h: enrolling a person in a programme and moving the enrolment along its
 * phases — the state machine of domain/programme.h applied to stored enrolments, with
 * version-checked writes and an audit entry for every read and change. Also the person's
 * timeline (referrals, enrolment events, attendance, step changes, plan versions, clinical
 * notes). Shared by pages and API.
 *
 *   enrolments_create ──► active ──phase──► active (next / other phase, reason if not next)
 *                           │  ▲
 *                     pause │  │ resume
 *                           ▼  │
 *                          paused
 *   active (last phase) ──complete──► completed
 *   active | paused ──discontinue──► discontinued
 *   completed | discontinued ──► re-enrolment is a new enrolment (enrolments_create)
 */
#ifndef TOLV_DOMAIN_ENROLMENTS_H
#define TOLV_DOMAIN_ENROLMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/persons.h"
#include "domain/programme.h"
#include "store/store.h"

/* The caller (a therapist) is not the enrolment's primary therapist. */
#define ENROL_FORBIDDEN 4

struct enrolment_new {
	int64_t person_id;
	int64_t programme_id;
	int64_t therapist_id;    /* 0 = none yet */
	int64_t referral_id;     /* 0 = none */
	const char *start_date;  /* YYYY-MM-DD; NULL or "" = today */
};

/* Validates and creates the enrolment with its "start" event. Refused (ACC_INVALID,
 * field "programme") if the person has an open enrolment in the programme, or may not be
 * enrolled again. STORE_NOTFOUND if the person is not the organisation's. Audited
 * "enrolment.create". */
int enrolments_create(struct accounts *ac, const struct actor *who, int64_t org_id, const struct enrolment_new *in,
		      int32_t today, struct enrolment *out, struct person_errors *errs);

struct enrolment_change {
	const char *kind;       /* "phase", "pause", "resume", "complete", "discontinue" */
	int to_phase;           /* "phase": the index; -1 = the next one */
	const char *date;       /* YYYY-MM-DD; NULL or "" = today */
	const char *reason;     /* phase (when not the next), pause; discontinue: the note */
	const char *reason_key; /* discontinue: discontinue_reason_key() */
	int64_t version;        /* the version the caller saw; 0 = do not check */
};

/* Applies one change through the state machine and stores it with its event, if the
 * enrolment is still at c->version. Returns 0; ACC_INVALID with errs (fields "kind",
 * "to_phase", "date", "reason", "reason_key"); STORE_CONFLICT when somebody changed it
 * meanwhile (nothing written); ENROL_FORBIDDEN when may_change_any is false and the
 * actor is not the primary therapist; STORE_NOTFOUND. Audited "enrolment.<kind>". */
int enrolments_change(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		      bool may_change_any, const struct enrolment_change *c, int32_t today, struct enrolment *out,
		      struct person_errors *errs);

/* Loads an enrolment and audits the read ("enrolment.read"). */
int enrolments_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *detail,
		    struct enrolment *out);

/* The programme as programme.h's definition (labels point into p; valid while p is). */
void enrolments_programme_def(const struct programme *p, struct programme_def *d);
/* The state machine's view of a stored enrolment. */
void enrolments_state_of(const struct enrolment *e, int nphases, struct enrolment_state *st);

/* Whether user_id may be a primary therapist in the organisation: an active member who
 * is a therapist, coordinator or administrator. */
bool enrolments_therapist_ok(struct accounts *ac, int64_t org_id, int64_t user_id);

/* One line of a person's timeline. */
struct timeline_item {
	int32_t day;
	int64_t at;                        /* orders items of one day */
	char type[16];                     /* "referral", "enrolment", "attendance", "step",
	                                    * "plan", "note" */
	char kind[STORE_KEY_MAX];          /* referral: the new status; enrolment: the event
	                                    * kind; attendance: the session kind; step: the
	                                    * new status; note: the note type; plan: "" */
	int64_t ref_id;                    /* the referral's or the enrolment's id; note: the
	                                    * note's id */
	int64_t programme_id;
	char programme[STORE_NAME_MAX];
	char from_phase[STORE_LABEL_MAX];  /* enrolment: phase labels ("" if none) */
	char to_phase[STORE_LABEL_MAX];
	char text[STORE_TEXT_MAX];         /* reason or note */
	int64_t by_user;
	int minutes;                       /* attendance */
	int number;                        /* step: the step (1–12); plan: the version */
	char from_status[STORE_KEY_MAX];   /* step: the status before */
	bool is_signed;                    /* note: signed (else a draft) */
	size_t seq;                        /* order of recording: breaks ties of day and at */
};
/* The person's timeline, newest first: every referral status change, every enrolment
 * event, every attended session, every step change and plan version of the person's
 * enrolments, and every clinical note (its type and state, never its text). *out is
 * xmalloc'd. The caller audits the read. */
int enrolments_timeline(struct accounts *ac, int64_t org_id, int64_t person_id, struct timeline_item **out,
			size_t *n);

/* The timeline filter ?show=: NULL or "" or "all" → *type NULL (everything); "referrals",
 * "phases", "attendance", "steps", "plan", "notes" → the item type. -1 for anything else. */
int timeline_show_parse(const char *show, const char **type);
/* Keeps only the items of type (NULL: all), in order. */
void timeline_filter(struct timeline_item *v, size_t *n, const char *type);

/* "received" → "Received"… (a msgid), the key itself if unknown. */
const char *referral_status_label(const char *key);
/* "start" → "Enrolled", "phase" → "Moved to a phase"… (a msgid). */
const char *enrolment_event_label(const char *kind);

#endif
