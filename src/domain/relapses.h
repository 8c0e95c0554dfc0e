/* relapses.h: relapse follow-up (issue 6, "Relapse") — the record of a relapse, its
 * response, the pause of the enrolment it causes and the person's sober-since day, over the
 * store, with an audit entry for every read and change ("relapse.create", "relapse.read",
 * "relapse.confirm", "relapse.reject", "relapse.keep", "relapse.respond", "relapse.pause",
 * "relapse.resume", "relapse.overturned", "sober_since.read", "sober_since.set",
 * "relapse_settings.set"; the detail names the person and the status, never free text).
 * Shared by pages, API and the sobriety tests.
 *
 *   draft ──confirm──► confirmed ──(lab overturns the test)──► confirmed + review
 *     │                                                             │     │
 *     └──reject──► rejected ◄──────────────reject───────────────────┘     └─keep─► confirmed
 *   draft opened from a test ──(lab overturns the test)──► rejected (automatically)
 *
 * A relapse never ends an enrolment: the therapist may pause the open enrolment with the
 * relapse as its reason (enrolments_change "pause"), and resume it later.
 *
 * Sober-since: an optional day per person, set (or cleared) by staff. The system changes
 * it only when a relapse is confirmed: it becomes the relapse's day + 1 if it was unset or
 * earlier than that (an older relapse confirmed late leaves a later day alone). Rejecting
 * a relapse, or the lab overturning it, never changes it back: staff set it by hand.
 * It is shown only where the organisation turns it on (relapse_settings). */
#ifndef TOLV_DOMAIN_RELAPSES_H
#define TOLV_DOMAIN_RELAPSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "store/store.h"

/* A refusal by the rules (a transition from the wrong state): fe->message says why
 * (fe->field is NULL). Pages answer 409 with the reason, the API 409 with it as error. */
#define RELAPSES_REFUSED 2
/* The caller may not change this enrolment (not its primary therapist). */
#define RELAPSES_FORBIDDEN 4

enum { RELAPSE_SUBSTANCES_MAX = 16, RELAPSE_SUBSTANCE_KEY_MAX = 32 };

/* ---- pure rules (unit-tested) ---- */

/* "draft", "confirmed", "rejected" → 0, 1, 2; -1 for anything else. */
int relapse_status_parse(const char *key);
/* "told", "test", "other" → true. */
bool relapse_source_ok(const char *key);
bool relapse_physician_status_ok(const char *key); /* "", "planned", "done", "declined" */
bool relapse_detox_status_ok(const char *key);     /* "", "planned", "admitted", "completed", "cancelled" */
/* Labels (msgids) of the keys above; the key itself if unknown. */
const char *relapse_status_label(const char *key);
const char *relapse_source_label(const char *key);
const char *relapse_physician_status_label(const char *key);
const char *relapse_detox_status_label(const char *key);

/* Whether a decision ("confirm", "reject", "keep") is allowed from status (with the
 * review mark): NULL if so, else a msgid saying why not. *to gets the new status. */
const char *relapse_decide_check(const char *status, bool review, const char *decision, const char **to);
/* The sober-since day after confirming a relapse on relapse_day, given the current one
 * (DATE_NONE: unset): relapse_day + 1 if current is unset or earlier, else current. */
int32_t relapse_sober_since_after(int32_t current, int32_t relapse_day);
/* Normalises a substance list: keys separated by commas and/or spaces, each
 * [a-z0-9_-]{1,32}, at most RELAPSE_SUBSTANCES_MAX, duplicates dropped, order kept; into
 * out as "a,b,c". 0, or -1 for a bad key, too many or out too small. */
int relapse_substances_normalize(const char *in, char *out, size_t outlen);

/* ---- services ---- */

/* A relapse as a form or JSON body gives it; NULL or "" for a field not given. */
struct relapse_in {
	const char *date;        /* YYYY-MM-DD; required, not after today */
	const char *substances;  /* keys, see relapse_substances_normalize */
	const char *source;      /* "told", "test", "other" */
	const char *test_id;     /* source "test": the test's id (decimal) */
	const char *source_text; /* source "other": how staff learned of it (required then) */
};
/* A new draft about person_id (the open enrolment, if any, is linked). 0 with *id;
 * ACC_INVALID with fe (fields "date", "substances", "source", "test_id", "source_text");
 * STORE_NOTFOUND; STORE_CONFLICT when the test already has a relapse. */
int relapses_create(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct relapse_in *in, int32_t today, int64_t *id, struct field_error *fe);

/* Opens a draft relapse for a test that was positive (substances: comma-separated class
 * keys) or refused (substances ""); idempotent per test (an existing one's id is given
 * back). 0 or a store/ACC error. */
int relapses_draft_from_test(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
			     int64_t test_id, int32_t on_day, const char *substances, int64_t *relapse_id);
/* The lab did not confirm the test: a draft opened from it is rejected automatically; a
 * confirmed relapse is marked for the therapist's review. 0 also when the test has no
 * relapse or it is already rejected. */
int relapses_test_overturned(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t test_id);

/* decision "confirm", "reject" (reason required, ≤ 500 bytes) or "keep" (a confirmed
 * relapse under review stays confirmed). ACC_INVALID (field "reason"), RELAPSES_REFUSED,
 * STORE_NOTFOUND. Confirming resets the sober-since day (see above). */
int relapses_decide(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *decision,
		    const char *reason, struct field_error *fe);

/* The response, as a form or JSON body gives it ("" clears a field). */
struct relapse_response_in {
	const char *conversation_date;   /* YYYY-MM-DD */
	const char *plan_version;        /* the changed plan's version number (of the relapse's
	                                  * enrolment's plan: a saved version) */
	const char *extra_sessions;      /* 0..100 */
	const char *extra_sessions_text; /* ≤ 500 bytes */
	const char *physician_date;
	const char *physician_status;    /* relapse_physician_status_ok */
	const char *detox_destination;   /* ≤ 200 bytes; required when detox_status is set */
	const char *detox_date;
	const char *detox_status;        /* relapse_detox_status_ok */
};
/* Replaces the response. ACC_INVALID with fe (the field names above); RELAPSES_REFUSED for a
 * rejected relapse; STORE_NOTFOUND. */
int relapses_respond(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		     const struct relapse_response_in *in, struct field_error *fe);

/* Pauses the open enrolment linked to the relapse (the relapse must not be rejected, the
 * enrolment active) with the relapse as the reason, on date (YYYY-MM-DD, "" = today);
 * resume resumes the enrolment this relapse paused. may_change_any as in
 * enrolments_change. ACC_INVALID (field "date"), RELAPSES_REFUSED, RELAPSES_FORBIDDEN,
 * STORE_CONFLICT, STORE_NOTFOUND. */
int relapses_pause(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, bool may_change_any,
		   const char *date, int32_t today, struct field_error *fe);
int relapses_resume(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, bool may_change_any,
		    const char *date, int32_t today, struct field_error *fe);

/* The relapse; audited "relapse.read". */
int relapses_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, struct store_relapse *out);
/* The person's relapses, newest first (free *out); audited "relapse.read" on the person. */
int relapses_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  struct store_relapse **out, size_t *n);
/* Drafts awaiting a decision for who's caseload (therapist_id = who), at most 20; for the
 * start page (names only, audited as a list read when not empty). */
int relapses_drafts(struct accounts *ac, const struct actor *who, int64_t org_id, struct store_relapse **out,
		    size_t *n);

/* The person's sober-since day (DATE_NONE: unset) and whether the organisation shows it;
 * audited "sober_since.read" when shown. */
int relapses_sober_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		       int32_t *day, bool *shown);
/* Sets (date "" clears) the day; not after today. ACC_INVALID (field "sober_since"),
 * RELAPSES_REFUSED when the organisation does not use sober-since. */
int relapses_sober_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		       const char *date, int32_t today, struct field_error *fe);
int relapses_settings_get(struct accounts *ac, int64_t org_id, bool *show_sober_since);
int relapses_settings_set(struct accounts *ac, const struct actor *who, int64_t org_id, bool show_sober_since);

#endif
