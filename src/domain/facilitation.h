/* facilitation.h: Twelve Step Facilitation (issue 5, DOMAIN.md programme 3) — a person's
 * stance toward mutual-help groups, the therapist's facilitation actions, the person's
 * meeting log, sponsor and home group, the engagement summary and the revisits that are
 * due. Rules in plain C over store.h, with an audit entry for every read and change.
 * Shared by pages and API.
 *
 * Respect resistance: a stance of "declines" is recorded, never argued with, and carries
 * a day to take it up again (revisit_on). That day must come after the day the stance was
 * recorded and may not be in the past; on that day the person appears in the revisits
 * due (fac_revisits_due) until a newer stance is recorded.
 *
 * Dates: YYYY-MM-DD, "" = today; a stance, an action, a meeting and a sponsor's start may
 * not be in the future. A meeting id names a meeting of the directory — a public meeting
 * of any organisation, or one of the caller's organisation.
 */
#ifndef TOLV_DOMAIN_FACILITATION_H
#define TOLV_DOMAIN_FACILITATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/persons.h"
#include "store/store.h"

/* Weeks in the engagement summary's chart (the current week and the 11 before it). */
#define FAC_WEEKS 12

struct fac_stance_input {
	const char *stance;     /* "not_discussed", "interested", "ambivalent", "declines" */
	const char *on;         /* YYYY-MM-DD, "" or NULL = today */
	const char *revisit_on; /* YYYY-MM-DD: required for "declines", ignored otherwise */
	const char *note;
};
/* Returns 0, ACC_INVALID with errs (fields "stance", "on", "revisit_on", "note"),
 * STORE_NOTFOUND (not the organisation's person) or another store status. Audited
 * "facilitation.stance". */
int fac_record_stance(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		      const struct fac_stance_input *in, int32_t today, struct fac_stance *out,
		      struct person_errors *errs);

struct fac_action_input {
	const char *kind;   /* "introduced", "chose_meetings", "accompanied", "debriefed", "sponsor_contact" */
	const char *on;
	int64_t meeting_id; /* 0 = none; < 0 = given but not a number (an error at "meeting_id") */
	bool stayed;        /* accompanied: stayed to the end; false = left early (which is fine) */
	const char *note;
};
/* Fields "kind", "on", "meeting_id", "note". Audited "facilitation.action". */
int fac_record_action(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		      const struct fac_action_input *in, int32_t today, struct fac_action *out,
		      struct person_errors *errs);

struct fac_meeting_input {
	const char *on;
	int64_t meeting_id; /* as in fac_action_input; or 0 and name */
	const char *name;   /* free text when the meeting is not in the directory */
	bool accompanied;
	bool stayed;
	const char *source; /* "person_reported" (NULL/"" too), "staff_confirmed" */
};
/* Fields "on", "meeting_id", "name", "source". Audited "facilitation.meeting". */
int fac_record_meeting(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		       const struct fac_meeting_input *in, int32_t today, struct fac_meeting *out,
		       struct person_errors *errs);

struct fac_profile_input {
	const char *sponsor;       /* "none", "temporary", "has_sponsor" */
	const char *sponsor_since; /* YYYY-MM-DD or "" */
	const char *home_group;
};
/* Fields "sponsor", "sponsor_since", "home_group". Audited "facilitation.profile". */
int fac_set_profile(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct fac_profile_input *in, int32_t today, struct fac_profile *out,
		    struct person_errors *errs);

struct fac_summary {
	bool has_stance;
	struct fac_stance stance;    /* the latest, when has_stance */
	struct fac_profile profile;  /* sponsor "none" when never set */
	int meetings_30;             /* logged meetings in the 30 days up to today */
	int weeks_with_meeting;      /* of the FAC_WEEKS weeks of the chart */
	int32_t week_start[FAC_WEEKS]; /* Mondays, oldest first; the last is this week */
	int per_week[FAC_WEEKS];
};
/* The engagement summary of the organisation's person. Audited "facilitation.read"
 * with detail (e.g. "page", "api", "person"). STORE_NOTFOUND for another organisation's
 * person (nothing audited). */
int fac_summary(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		int32_t today, const char *detail, struct fac_summary *out);

/* Persons whose latest stance is "declines" with the revisit day today or earlier:
 * therapist_id's caseload (0 = the organisation), earliest first, at most limit. The
 * listing is audited as "person.list" (detail "facilitation.revisits"). */
int fac_revisits_due(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t therapist_id,
		     int32_t today, int limit, struct fac_revisit **out, size_t *n);

/* Whether key is one of the lists; the English label (msgid) of a key, "" if unknown. */
bool fac_stance_ok(const char *key);
const char *fac_stance_label(const char *key);
const char *fac_kind_label(const char *key);
const char *fac_sponsor_label(const char *key);
const char *fac_source_label(const char *key);
/* NULL-terminated key lists, in the order forms offer them. */
extern const char *const fac_stance_keys[];
extern const char *const fac_kind_keys[];
extern const char *const fac_sponsor_keys[];
extern const char *const fac_source_keys[];

#endif
