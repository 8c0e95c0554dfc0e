/* training.h: therapist training (issue 7, "Therapist training") — the register of the
 * courses an organisation's staff have taken, and what "a certified leader" means.
 *
 * Courses are data (store.h, struct store_training_course): every organisation has the
 * introduction course ("intro", 9 days) and the manual course ("manual", 2 days), both
 * needed to lead (for_leading); an organisation may add others. For each staff member
 * (a member of the organisation who is not an auditor) and course the register keeps:
 * - the number of days attended, 0..the course's required days (a count, not the dates
 *   of the days);
 * - completion: every required day attended (derived, not stored);
 * - the certification day, which may be given only when the course is complete, and not
 *   after today (the organisation's local day) nor before 1990-01-01;
 * - who recorded it and when (set by the store).
 *
 * A member is a CERTIFIED LEADER ON DAY D when the organisation has at least one course
 * needed to lead and the member has a certification day on or before D in every one of
 * them; the day they became one is the latest of those certification days
 * (training_certified_since). A group session's leaders are its own leader and the extra
 * leaders (domain/groupsessions.c); saving its details without a certified leader on
 * the session's day needs a reason (see groupsessions.h).
 *
 * Changes are audited ("training.update" on the user, the detail gives the course key,
 * days and whether certified); reading a member's record is audited ("training.read").
 * Another organisation's user is STORE_NOTFOUND, the same as none at all.
 */
#ifndef TOLV_DOMAIN_TRAINING_H
#define TOLV_DOMAIN_TRAINING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "store/store.h"

/* The earliest certification day accepted: 1990-01-01. */
#define TRAINING_EARLIEST_DAY 7305

/* The msgid naming a seeded course ("intro" → "Introduction course", "manual" →
 * "Manual course"); NULL for a course the organisation added (show its name). */
const char *training_course_msgid(const char *key);

enum training_status {
	TRAINING_NOT_STARTED, /* no day attended */
	TRAINING_IN_PROGRESS, /* some days */
	TRAINING_COMPLETED,   /* every required day, not certified (yet) */
	TRAINING_CERTIFIED,   /* a certification day */
};
/* A course's status for a record (NULL: none, not started). */
enum training_status training_status_of(const struct store_training_course *c, const struct store_training_record *r);
/* The msgid of a status ("Not started", "In progress", "Completed", "Certified"). */
const char *training_status_label(enum training_status st);

/* The record of user_id in course key among recs; NULL if none. */
const struct store_training_record *training_record_of(const struct store_training_record *recs, size_t n,
						       int64_t user_id, const char *key);
/* The day user_id became a certified leader (the latest certification day among the
 * courses needed to lead); DATE_NONE if not certified in all of them, or when no course
 * is needed to lead. */
int32_t training_certified_since(const struct store_training_course *courses, size_t nc,
				 const struct store_training_record *recs, size_t nr, int64_t user_id);
/* Certified leader on day: training_certified_since() <= day (never for DATE_NONE). */
bool training_certified_on(const struct store_training_course *courses, size_t nc,
			   const struct store_training_record *recs, size_t nr, int64_t user_id, int32_t day);

/* One course of a member's record as a form or JSON body gives it. */
struct training_in {
	const char *course;        /* a course key of the organisation */
	const char *days_attended; /* a whole number 0..required days; NULL or "" = 0 */
	const char *certified_on;  /* YYYY-MM-DD; NULL or "" = not certified */
};
/* Checks one course's input against the courses (no store): 0 with *out filled (user_id
 * not set), or ACC_INVALID with fe (fields "course", "days_attended", "certified_on").
 * today is the organisation's local day (the certification day may not be after it). */
int training_parse(const struct store_training_course *courses, size_t nc, const struct training_in *in,
		   int32_t today, struct store_training_record *out, struct field_error *fe);

/* Writes n courses of member user_id's record in one transaction, audited. 0;
 * ACC_INVALID with fe and *bad (may be NULL) the index of the course in error;
 * STORE_NOTFOUND for a user who is not staff of the organisation. */
int training_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t user_id,
		 const struct training_in *in, size_t n, size_t *bad, struct field_error *fe);

/* Whether user_id is staff of the organisation the register covers (a member who is
 * not an auditor): 0, STORE_NOTFOUND, or another store_status. */
int training_staff_check(struct accounts *ac, int64_t org_id, int64_t user_id);

/* For the programme report: *n gets the number of the organisation's staff (members not
 * disabled and not auditors) who are certified leaders on day on_day (see above).
 * 0 or a store_status. Not audited (a count, no one's data). */
int training_certified_count(struct accounts *ac, int64_t org_id, int32_t on_day, int *n);

/* Whether any of the leaders (user ids; 0s are skipped) is a certified leader on day:
 * 0 with *certified set, or a store_status. */
int training_leaders_certified(struct accounts *ac, int64_t org_id, const int64_t *leaders, size_t n, int32_t day,
			       bool *certified);

#endif
