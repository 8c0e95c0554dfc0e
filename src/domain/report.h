/* report.h: the programme report (issue 7) — the figures of one programme over one
 * period, as pure functions over the plain rows of store_report_rows(), and the service
 * that reads them (with a comparison period) and audits the read.
 *
 * Every figure keeps its counts and sums, not only a share or a mean, so that the
 * network report can later add organisations together from aggregates and suppress
 * small counts. Definitions (also in docs/report.md):
 * - An enrolment counts in a period when it was open at some time in it (started by the
 *   period end, not ended before its start). Re-enrolments are enrolments of their own.
 * - Treatment days: the days of the period an enrolment was open, start and end day
 *   included, paused days included.
 * - The path: step 0 is a referral received; step i (1..nphases) is entering phase i-1
 *   for the first time; the last step is completion. A step counts in the period when
 *   its day lies in it. Days between steps: from the previous step of the same
 *   enrolment (for entering the first phase: from the referral's received day), only
 *   where both are known.
 * - Retention: enrolments started in the period; leaving early (discontinued) is the
 *   event; completion and still being in treatment at the period end are censored (on
 *   the completion day / the period end). Time is days since the start.
 * - Attendance: the first phase with a minimum of days per week. Per enrolment, days in
 *   that phase within the period and not paused (exposure) against distinct days
 *   attended on those days; only enrolments with at least 7 exposure days count.
 * - Steps: the state of each step at the period end (latest step event up to it), for
 *   the enrolments open in the period.
 * - Meeting engagement: per person (of the enrolments open in the period): a sponsor
 *   by the period end (the current profile, "has_sponsor", since not after the period
 *   end); meetings logged on the person's treatment days in the period.
 * - Tests and relapses: tests taken (and those positive or refused) and confirmed
 *   relapses on the person's treatment days in the period, per 100 treatment days.
 * - Outcome change, per questionnaire and enrolment open in the period: the intake
 *   result is the earliest within REPORT_BASELINE_DAYS of the start (either side); the
 *   follow-up is the latest after it, up to the period end. Mean change = (sum of
 *   follow-ups - sum of intakes) / pairs; improved = lower AUDIT / DUDIT, more days
 *   abstinent.
 */
#ifndef TOLV_DOMAIN_REPORT_H
#define TOLV_DOMAIN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/programme.h"
#include "store/store.h"

#define REPORT_PATH_MAX (PROGRAMME_MAX_PHASES + 2)
#define REPORT_ATT_BINS 5       /* days a week: [0,1) [1,2) [2,3) [3,4) [4,∞) */
#define REPORT_MONTHS_MAX 62    /* months a period may touch (five years and a bit) */
#define REPORT_PERIOD_MAX_DAYS 1827 /* five years, leap days included */
#define REPORT_OUTCOMES 3       /* AUDIT, DUDIT, days abstinent */
#define REPORT_BASELINE_DAYS 30 /* an intake measurement: within this many days of the start */

/* The questionnaire ids of the outcome figures ("audit", "dudit", "days-abstinent"), and
 * whether a higher total is the better one (days abstinent) or the worse (the others). */
extern const char *const report_outcome_ids[REPORT_OUTCOMES];
extern const bool report_outcome_higher_better[REPORT_OUTCOMES];

/* The median of v[0..n-1] (sorted in place): the middle value, or the mean of the two
 * middle values; NAN when n == 0. */
double report_median(int32_t *v, size_t n);
/* 100 * events / days, NAN when days == 0. */
double report_rate_per_100(int64_t events, int64_t days);
/* 100 * part / whole (a percentage), NAN when whole == 0. */
double report_share(int64_t part, int64_t whole);

/* Kaplan–Meier. One observation: days until the event or censoring (>= 0). */
struct report_km_obs {
	int32_t days;
	bool event; /* false: censored */
};
/* One distinct time with an event or a censoring. survival is S(t) after the events at
 * t; at_risk counts the observations with days >= t (censorings at t are at risk at t). */
struct report_km_point {
	int32_t day;
	int64_t at_risk, events, censored;
	double survival;
};
/* The curve of obs (sorted in place) into *out (xmalloc'd, NULL when n == 0); returns
 * the number of points. *median gets the first day where S <= 0.5, or NAN. */
size_t report_km(struct report_km_obs *obs, size_t n, struct report_km_point **out, double *median);

struct report_source {
	char key[STORE_KEY_MAX];
	char label[STORE_LABEL_MAX]; /* the organisation's label, or the key */
	int64_t n;
};

struct report_path_step {
	int64_t reached;   /* enrolments (referrals for step 0) reaching the step in the period */
	int64_t intervals; /* of those, how many have the previous step's day too */
	int64_t days_sum;  /* the sum of those days between steps */
	double median_days; /* NAN without intervals */
};

struct report_figures {
	int32_t from, to;
	int64_t enrolments;    /* open at some time in the period */
	int64_t persons;       /* distinct persons of those */
	int64_t started, reenrolments, completed, discontinued; /* in the period */
	int64_t treatment_days;
	/* The organisation's certified therapists on the period's last day (issue 7,
	 * "Therapist training": domain/training.h). Set by report_programme, not by
	 * report_compute (it is not a figure of the programme's rows). */
	int64_t certified_staff;

	int64_t referrals;
	struct report_source *sources; /* by count, most first, then key; xmalloc'd */
	size_t nsources;
	int32_t month0;               /* the first day of the period's first month */
	int nmonths;
	int64_t months[REPORT_MONTHS_MAX]; /* referrals received per calendar month */

	int npath; /* nphases + 2 */
	struct report_path_step path[REPORT_PATH_MAX];

	int64_t km_n, km_events, km_censored;
	struct report_km_point *km; /* xmalloc'd */
	size_t nkm;
	double km_median; /* days, NAN if the curve stays above 0.5 */

	int att_phase;  /* -1: the programme sets no minimum days per week */
	int att_min;    /* that phase's minimum days per week */
	int64_t att_n;  /* enrolments with at least 7 exposure days */
	int64_t att_meeting;  /* of those, attending at least the minimum */
	int64_t att_days;     /* days attended on exposure days, summed */
	int64_t att_exposure; /* exposure days, summed */
	int64_t att_bins[REPORT_ATT_BINS];

	int min_steps;
	int64_t steps_n;            /* enrolments open in the period */
	int64_t step_done[12];      /* completed step i + 1 by the period end */
	int64_t steps_min_done;     /* completed steps 1..min_steps (0 when min_steps is 0) */

	int64_t eng_persons;
	int64_t eng_sponsor;        /* a sponsor by the period end */
	int64_t eng_temporary;      /* a temporary sponsor (not counted above) */
	int64_t eng_with_meeting;   /* at least one meeting logged in the period */
	int64_t eng_meetings;       /* meetings logged on treatment days in the period */
	int64_t eng_days;           /* those persons' treatment days in the period */

	int64_t tests;              /* sobriety tests on treatment days in the period */
	int64_t tests_positive;     /* of those, positive or refused */
	int64_t relapses;           /* confirmed relapses on treatment days in the period */

	int64_t out_baseline[REPORT_OUTCOMES];    /* enrolments with an intake result */
	int64_t out_n[REPORT_OUTCOMES];           /* of those, with a follow-up too */
	int64_t out_base_sum[REPORT_OUTCOMES];    /* the pairs' intake totals, summed */
	int64_t out_follow_sum[REPORT_OUTCOMES];  /* the pairs' follow-up totals, summed */
	int64_t out_improved[REPORT_OUTCOMES];    /* pairs that improved */
};
/* (follow_sum - base_sum) / n for outcome k; NAN without pairs. */
double report_outcome_mean_change(const struct report_figures *f, int k);

/* The figures of p over rows (any order within each array). 0, or -1 if the rows do not
 * fit the programme (a phase out of range is ignored, not an error: returns 0). */
int report_compute(const struct programme *p, const struct store_report_rows *rows, struct report_figures *out);
void report_figures_release(struct report_figures *f);

/* Meetings a week (pooled): 7 * meetings / days; NAN without days. */
double report_per_week(int64_t count, int64_t days);

/* The default periods for today: the last full calendar quarter, and the one before. */
void report_default_periods(int32_t today, int32_t *from, int32_t *to, int32_t *cmp_from, int32_t *cmp_to);
/* NULL if [from, to] is a period the report accepts, else an English message. */
const char *report_period_check(int32_t from, int32_t to);

struct report {
	struct programme p;
	struct report_figures cur;
	bool has_cmp;
	struct report_figures cmp;
};
/* Reads and computes the report of programme_id for [from, to] and, unless cmp_from is
 * DATE_NONE, [cmp_from, cmp_to]. Audits "programme.report" (object the programme; the
 * detail holds the periods, the table for a CSV export, and the enrolment count — no
 * person: no person is shown). Periods must have passed report_period_check. Returns 0
 * or a store_status (STORE_NOTFOUND for another organisation's programme). */
int report_programme(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id,
		     int32_t from, int32_t to, int32_t cmp_from, int32_t cmp_to, const char *table,
		     struct report *out);
void report_release(struct report *r);

#endif
