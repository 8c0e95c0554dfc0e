/* rosters.h: attendance and the overviews — the day roster of a group (built, saved in
 * one transaction, every changed row audited), individual sessions, the progress
 * figures of one enrolment (domain/attendance.h over the store's dates and the
 * programme's closed dates), the caseload rows with their warnings, and the programme
 * board. Shared by the pages (web/rosters.c, caseload.c, board.c, progress.c) and the
 * API (api/rosters.c, overview.c), so both accept and refuse exactly the same input.
 *
 * Return values: 0, ACC_INVALID (with a field_error: an English msgid), or a negative
 * store_status (STORE_NOTFOUND for another organisation's id, as for one that does not
 * exist).
 *
 * Reads that show persons are audited "person.list": one entry per page (detail naming
 * the list: "roster", "caseload", "board") with the persons shown as its subjects
 * (auditor_log_listing in domain/audit.h; an audit filter on a person's id finds it).
 * Changes are audited "attendance.save" per changed row (object "enrolment", detail: session, day and
 * old → new values, never the note's text).
 */
#ifndef TOLV_DOMAIN_ROSTERS_H
#define TOLV_DOMAIN_ROSTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/attendance.h"
#include "store/store.h"

/* Hours as typed ("4", "4.5", "4,5") → minutes: 0–24 in steps of 0.5. Returns 0, or -1
 * with *msg an English message. An empty string is -1 too (the caller decides about
 * defaults). */
int rosters_parse_hours(const char *s, int *minutes, const char **msg);
/* Minutes as hours text: 270 → "4.5", 240 → "4" (into out, >= 8 bytes). */
void rosters_format_hours(int minutes, char *out, size_t outlen);
/* "HH:MM" → minutes after midnight 0..1439; -1 if not a time. */
int rosters_parse_time(const char *s);

/* The session kind a group's phase key implies: "motivation", "aftercare", else "group". */
const char *rosters_kind_for_phase(const char *phase_key);
/* Session kinds, for forms: "individual", "motivation", "group", "aftercare"; and their
 * English labels. */
extern const char *const rosters_kinds[];
extern const size_t rosters_kinds_count;
const char *rosters_kind_label(const char *kind);

/* ---- the day roster ---- */
struct roster_view {
	struct group g;
	struct programme p;
	int32_t day;
	bool has_session;        /* a session of the group exists on day */
	struct att_session se;   /* valid if has_session */
	struct roster_line *lines;
	size_t n;
	int default_minutes;     /* hours a line gets when nobody has entered them */
	const struct programme_phase *phase; /* the group's phase in p, or NULL */
};
void roster_view_release(struct roster_view *v);

/* Loads the roster of group_id on day: the stored session's lines if there is one, else
 * the group's members on that day (nothing is created). Audits the lines as read. */
int rosters_load(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t group_id, int32_t day,
		 const char *detail, struct roster_view *out);

/* One row of a submitted roster. */
struct roster_input {
	int64_t enrolment_id;
	bool attended;
	int minutes;             /* already validated by rosters_parse_hours or the API */
	const char *note;        /* may be NULL */
};

/* Saves the roster of group_id on day: every row is checked first (the enrolment must be
 * on the day's roster, no duplicates, minutes 0..1440, the note short text, the day not
 * in the future); any bad row refuses the whole submit with ACC_INVALID and *bad_row set
 * to its index (-1 for the day itself), nothing stored. Then the group's session of that
 * day is fetched or made and the rows saved in one transaction. Every changed row is
 * audited. *nchanged (may be NULL) gets how many rows changed. */
int rosters_save(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t group_id, int32_t day,
		 int32_t today, const struct roster_input *rows, size_t n, struct field_error *fe, int *bad_row,
		 size_t *nchanged);

/* An individual (or motivation-group, aftercare) session of one enrolment. */
struct session_input {
	int32_t day;
	int start_min, end_min;  /* both -1: no time */
	const char *kind;        /* one of rosters_kinds */
	bool attended;
	int minutes;             /* -1: from the times, else the phase's default */
	const char *note;
};
/* Validates and stores the session and its one attendance row. fe->field names the
 * form field ("date", "start", "end", "kind", "hours", "note"). *session_id gets the id. */
int rosters_individual_session(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			       int32_t today, const struct session_input *in, struct field_error *fe,
			       int64_t *session_id);

/* The default hours of a phase in minutes (its session length, else its minimum hours
 * a day, else the group's time span if g is given), rounded to half hours, 0 if none. */
int rosters_default_minutes(const struct programme_phase *ph, const struct group *g);

/* ---- progress of one enrolment ---- */
enum progress_kind {
	PROGRESS_NONE,           /* a phase without day counts or a window */
	PROGRESS_DAY_TREATMENT,  /* the phase has target days */
	PROGRESS_AFTERCARE,      /* the phase has a length in months */
};
struct progress {
	struct enrolment e;
	struct programme p;
	const struct programme_phase *phase; /* into p */
	enum progress_kind kind;
	int32_t today;
	int attended_in_phase;   /* distinct attended days from phase_since to today */
	int32_t last_attended;   /* in the phase, DATE_NONE if none */
	struct day_treatment_progress dt;
	struct aftercare_progress ac;
};
/* Computes the figures of enrolment_id as of today. Does not audit (the caller shows it
 * on a page that has audited the person already, or calls rosters_audit_person). */
int rosters_progress(struct accounts *ac, int64_t org_id, int64_t enrolment_id, int32_t today,
		     struct progress *out);
/* The same from loaded rows (no store reads but the dates and closed days). */
int rosters_progress_of(struct accounts *ac, int64_t org_id, const struct enrolment *e, const struct programme *p,
			int32_t today, struct progress *out);

/* ---- caseload ---- */
enum caseload_warning {
	WARN_PACE = 1 << 0,        /* day treatment: below the minimum days a week */
	WARN_ABSENT = 1 << 1,      /* no attendance in the last 14 days */
	WARN_AFTERCARE_END = 1 << 2, /* the aftercare window ends within a month */
	WARN_AFTERCARE_PAST = 1 << 3, /* past the aftercare window's end */
};
struct caseload_row {
	struct enrolment_row row;
	const struct programme *p;            /* into caseload.programmes */
	const struct programme_phase *phase;  /* NULL if the index is out of range */
	enum progress_kind kind;
	int window_attended;                  /* attended days in the pace window */
	double expected_min;
	int32_t aftercare_end;                /* latest end, DATE_NONE if none */
	unsigned warnings;
};
struct caseload {
	struct caseload_row *rows;
	size_t n;
	int64_t total;
	struct programme *programmes;
	size_t nprogrammes;
};
void caseload_release(struct caseload *c);
/* The open enrolments of therapist_id (0: everybody's), one page, each row audited as
 * read ("caseload"). sort: STORE_ENROL_BY_*. */
int rosters_caseload(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t therapist_id,
		     enum store_enrolment_sort sort, int limit, int offset, int32_t today, struct caseload *out);

/* ---- the programme board ---- */
#define BOARD_REFERRAL_STATUSES 7
struct board {
	struct programme p;
	int counts[STORE_PHASES_MAX];          /* open enrolments per phase */
	int active[STORE_PHASES_MAX], paused[STORE_PHASES_MAX]; /* of those */
	int64_t referrals[BOARD_REFERRAL_STATUSES]; /* by board_referral_status */
	int64_t intake_open;                   /* received + assessed + offered + waiting list */
	struct group *groups;
	size_t ngroups;
	int waiting_total;
	struct enrolment_row *people;          /* open enrolments by phase, one page */
	size_t npeople;
	int64_t people_total;
};
extern const char *const board_referral_status[BOARD_REFERRAL_STATUSES];
const char *board_referral_status_label(const char *key);
void board_release(struct board *b);
int rosters_board(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id, int limit,
		  int offset, struct board *out);

/* Records that the persons were shown: one "person.list" entry, the persons its subjects. */
void rosters_audit_listed(struct accounts *ac, const struct actor *who, int64_t org_id, const int64_t *person_ids,
			  size_t n, const char *detail);
/* One audit entry (object_id the id as text). */
void rosters_audit(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
		   const char *object_type, int64_t id, const char *detail);

#endif
