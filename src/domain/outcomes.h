/* outcomes.h: outcome measures over time (issue 6, "Outcome measures") — questionnaire
 * results stored per person, the measurement schedule of a programme and the due list
 * it gives, and one-time links for a person to fill in a questionnaire themselves.
 *
 * Scoring is domain/questionnaire.h's: a result is scored there and stored with what the
 * scoring gave (total, zone, reached cut-offs, positive) and the sex it used. Results are
 * never edited; a wrong one is marked "entered in error" with a reason and kept.
 *
 * Every read and change of a person's results is audited ("outcome.read", "outcome.create",
 * "outcome.error", "outcome.link.create", "outcome.link.use"; details give questionnaire
 * ids and counts, never answers or free text). Another organisation's person, result,
 * programme or link is STORE_NOTFOUND, the same as none at all.
 *
 * Pure parts (sex from an identity number, the due computation) take everything as
 * arguments so that the unit tests can drive them with hand-made dates.
 */
#ifndef TOLV_DOMAIN_OUTCOMES_H
#define TOLV_DOMAIN_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/questionnaire.h"
#include "store/store.h"

/* Return value for a scoring error (see struct q_error), besides 0, ACC_INVALID and the
 * store's negative statuses. */
#define OUTCOME_QINVALID 2

/* One-time links: the default life and its bounds, in hours. */
#define OUTCOME_LINK_HOURS_DEFAULT 72
#define OUTCOME_LINK_HOURS_MIN 1
#define OUTCOME_LINK_HOURS_MAX (14 * 24)
/* The token: 32 random bytes as unpadded base64url (43 characters). */
#define OUTCOME_TOKEN_BYTES 32
#define OUTCOME_TOKEN_MAX 48
/* Failed link attempts allowed per client address and hour. */
#define OUTCOME_ATTEMPT_LIMIT 20
#define OUTCOME_ATTEMPT_WINDOW 3600

/* The template whose programmes get the default schedule. */
#define OUTCOME_DEFAULT_TEMPLATE "municipal_day_treatment"

/* The sex encoded in a person's identity number, as the cut-offs use it: Norwegian
 * fødselsnummer and D-number (11 digits): the 9th digit, odd = male; Swedish personnummer
 * and samordningsnummer (12 digits, YYYYMMDDNNNC): the 9th digit of the 10-digit form
 * (the 11th of the 12), odd = male. Q_SEX_UNKNOWN for any other kind or a malformed number. */
enum q_sex outcomes_sex_from_nid(const char *kind, const char *digits);

/* ---- the due computation ---- */

/* The first day an enrolment was in each phase and the day it left it (DATE_NONE: not
 * reached / not left), from its events (oldest first) and its current state. */
void outcomes_phase_days(const struct enrolment *e, const struct enrolment_event *ev, size_t n,
			 int32_t start[STORE_PHASES_MAX], int32_t end[STORE_PHASES_MAX]);

enum outcome_due_state {
	OUTCOME_UPCOMING, /* the anchor is reached, the window not yet open */
	OUTCOME_DUE,      /* inside the window, no result */
	OUTCOME_OVERDUE,  /* the window has closed without a result */
	OUTCOME_DONE,     /* a result answers it */
};

struct outcome_due {
	int64_t enrolment_id;
	int64_t person_id;
	int64_t programme_id;
	const struct outcome_point *point;   /* into the points given */
	char questionnaire[STORE_QID_MAX];
	int32_t due_on;                      /* anchor + months + days */
	int32_t from, to;                    /* the window, inclusive */
	enum outcome_due_state state;
	int64_t result_id;                   /* OUTCOME_DONE: the result */
};

/* The measurements one enrolment owes under the points of its programme (points of other
 * programmes are skipped): one entry per point and questionnaire whose anchor day is
 * known (a point on the end of a phase the enrolment has not left is not listed). A
 * result answers an entry if it is not entered in error, is the same person's and
 * questionnaire, and either names the point (and this enrolment) or was taken inside
 * the window. Returns the count written (at most cap). */
size_t outcomes_due_for(const struct outcome_point *pts, size_t npts, const struct programme *prog,
			const struct enrolment *e, const int32_t start[STORE_PHASES_MAX],
			const int32_t end[STORE_PHASES_MAX], const struct outcome_result *results, size_t nresults,
			int32_t today, struct outcome_due *out, size_t cap);

/* The default schedule of a municipal day-treatment programme: at intake, at the end of
 * day treatment, 6 and 12 months into aftercare — AUDIT, DUDIT and days abstinent. Labels
 * are English msgids. Writes up to cap points, returns the count. */
size_t outcomes_default_schedule(struct outcome_point *out, size_t cap);

/* "start" → "At the start of the enrolment" …: the msgid of an anchor's label, NULL if
 * unknown. */
const char *outcomes_anchor_label(const char *anchor);

/* ---- services ---- */

/* A result as a form or JSON body gives it. */
struct outcome_in {
	const char *questionnaire;
	const char *taken_on;        /* YYYY-MM-DD */
	const char *sex;             /* "", "female", "male" */
	const int64_t *answers;      /* item scores in the definition's order */
	size_t nanswers;
	/* days abstinent only (optional): 30 characters '1' (abstinent) / '0', oldest first,
	 * ending on taken_on; when given, answers must be its count of '1' (or absent). */
	const char *days;
	int64_t enrolment_id;        /* 0: none */
	int64_t point_id;            /* 0: none */
};

/* Scores and stores a result entered by staff. 0 with *out; ACC_INVALID with fe (fields
 * "questionnaire", "taken_on", "sex", "days", "enrolment_id" (not the person's),
 * "point_id" (no such point in the organisation));
 * OUTCOME_QINVALID with qe (answers); STORE_NOTFOUND for a person not the organisation's. */
int outcomes_record(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct outcome_in *in, int32_t today, struct outcome_result *out, struct field_error *fe,
		    struct q_error *qe);

/* A person's results, oldest first, audited ("outcome.read", detail). */
int outcomes_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  const char *detail, struct outcome_result **out, size_t *n);

/* Marks a result entered in error. ACC_INVALID (field "reason"); STORE_CONFLICT if marked. */
int outcomes_mark_error(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
			const char *reason, int64_t *person_id, struct field_error *fe);

/* One row of the due list. */
struct outcome_due_row {
	struct outcome_due d;                /* d.point is NULL here: see point_id */
	int64_t point_id;
	char given_name[STORE_NAME_MAX];
	char family_name[STORE_NAME_MAX];
	char point_label[STORE_LABEL_MAX];
	char programme_name[STORE_NAME_MAX];
};
/* Due and overdue measurements of open enrolments (therapist_id > 0: that therapist's
 * caseload), overdue first, then by due day. Seeds the default schedule into programmes
 * made from OUTCOME_DEFAULT_TEMPLATE whose schedule was never set up. With audit, the
 * persons listed are audited ("person.list", "outcomes due"); without (a count that shows
 * nobody), not. *out is freed with free(). */
int outcomes_due_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t therapist_id,
		      int32_t today, bool audit, struct outcome_due_row **out, size_t *n);

/* A programme's schedule (seeding the default as above). */
int outcomes_schedule(struct accounts *ac, int64_t org_id, const struct programme *prog,
		      struct outcome_point **out, size_t *n);

/* A schedule point as a form gives it. */
struct outcome_point_in {
	const char *label;
	const char *anchor;
	const char *phase_key;
	const char *offset_months;
	const char *offset_days;
	const char *window_days;
	const char *const *questionnaires;
	size_t nquestionnaires;
};
/* ACC_INVALID with fe (fields "label", "anchor", "phase_key", "offset_months",
 * "offset_days", "window_days", "questionnaires"). Audited "outcome.schedule.add". */
int outcomes_point_add(struct accounts *ac, const struct actor *who, int64_t org_id, const struct programme *prog,
		       const struct outcome_point_in *in, struct outcome_point *out, struct field_error *fe);
int outcomes_point_remove(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id,
			  int64_t point_id);

/* Creates a one-time link for the person and questionnaire, valid for hours (1–336):
 * token gets the secret (shown once, never stored), *out the link. ACC_INVALID with fe
 * (fields "questionnaire", "hours"). */
int outcomes_link_create(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
			 const char *questionnaire, const char *hours, char token[OUTCOME_TOKEN_MAX],
			 struct outcome_link *out, struct field_error *fe);

enum outcome_link_state { OLINK_OK, OLINK_UNKNOWN, OLINK_USED, OLINK_EXPIRED, OLINK_THROTTLED };
/* Looks a token up for the public form: OLINK_OK with *out; a token that matches nothing
 * counts against addr (the client address, hashed) and OLINK_THROTTLED is answered after
 * OUTCOME_ATTEMPT_LIMIT of them in an hour. Returns 0 or a store status (*state set on 0). */
int outcomes_link_check(struct accounts *ac, const char *addr, const char *token, int64_t now,
			struct outcome_link *out, enum outcome_link_state *state);
/* Scores the answers and stores them as the link's result ("self"), using the link up,
 * in one transaction. 0 (OLINK_OK), or *state OLINK_USED / OLINK_EXPIRED / OLINK_UNKNOWN
 * (nothing stored); ACC_INVALID / OUTCOME_QINVALID as outcomes_record. Audited with
 * user 0 and actor "one-time link". */
int outcomes_link_submit(struct accounts *ac, const char *addr, const char *token, const struct outcome_in *in,
			 int32_t today, int64_t now, enum outcome_link_state *state, struct field_error *fe,
			 struct q_error *qe);

#endif
