/* attendance.h: the arithmetic of attendance — day-treatment days, pace and projected
 * completion; aftercare weeks and the aftercare window. Pure functions over day numbers.
 *
 * The programme runs on weekdays, Monday to Friday; a weekday on the list of closed
 * dates (public holidays, the winter-holiday week, staff training days) is not a
 * programme day. "Open days" below are the weekdays that are not closed. Attendance on
 * any day counts — if a group met on a Saturday, the person was there — but the pace a
 * person is measured against only grows with open days, so a holiday week never shows up
 * as falling behind.
 */
#ifndef TOLV_DOMAIN_ATTENDANCE_H
#define TOLV_DOMAIN_ATTENDANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The pace window: the last 14 calendar days, today included. */
#define ATTENDANCE_PACE_DAYS 14

struct day_treatment_params {
	int32_t start;           /* first day of the day-treatment phase */
	int32_t today;
	int target_days;         /* attended days that complete the phase (100) */
	int min_days_per_week;   /* the recommended minimum (3 of the 5 weekdays) */
	const int32_t *closed;   /* dates the programme does not run; any order, may repeat */
	size_t nclosed;
};

struct day_treatment_progress {
	int attended;            /* distinct attended dates from start to today ("37") */
	int target;              /* "of 100" */
	int percent;             /* attended * 100 / target, rounded down, at most 100 */
	int32_t reached_on;      /* the date of the target-th attended day, else DATE_NONE */

	/* The pace over the last 14 days, or since the start if that is more recent. */
	int32_t window_from;     /* first day of the window (to today) */
	int window_open_days;    /* open weekdays in the window */
	int window_attended;     /* distinct attended dates in the window */
	double expected_min;     /* min_days_per_week * window_open_days / 5 */
	double pace_per_week;    /* window_attended per 5 open days: "2.5 days a week" */
	bool below_minimum;      /* window_attended < expected_min */

	/* When the target would be reached, counting open days from tomorrow: at the pace
	 * of the window, and at the minimum pace. DATE_NONE when the target is already
	 * reached, when that pace is zero, or when it lies more than 20 years ahead. */
	int32_t projected_end;
	int32_t minimum_pace_end;
};

/* Computes the day-treatment figures from the dates a person attended (any order,
 * duplicates count once, dates before p->start or after p->today are ignored: they
 * belong to another phase or are mistakes the caller should show separately).
 * A target of 0 means the phase has none: percent 0, no dates reached or projected.
 * A minimum of 0 days a week never warns and projects no minimum-pace date. */
void attendance_day_treatment(const int32_t *attended, size_t nattended,
			      const struct day_treatment_params *p,
			      struct day_treatment_progress *out);

/* True if day is a weekday not on the (sorted, see attendance_sort_unique) closed list. */
bool attendance_open_day(int32_t day, const int32_t *closed_sorted, size_t nclosed);

/* Sorts dates ascending and removes repeats in place; returns the new count. */
size_t attendance_sort_unique(int32_t *dates, size_t n);

struct aftercare_params {
	int32_t start;           /* first day of aftercare */
	int32_t today;
	int min_months;          /* 6: aftercare may end from start + min_months */
	int max_months;          /* 18: and should have ended by start + max_months;
	                          * 0 = no limit (latest_end DATE_NONE, never past) */
};

struct aftercare_progress {
	int weeks_attended;      /* distinct ISO weeks (Monday–Sunday) with an attendance */
	int weeks_elapsed;       /* ISO weeks from the start's week to today's, both included */
	int months_in;           /* whole months from start to today (date_months_between) */
	int32_t earliest_end;    /* start + min_months (day of month clamped) */
	int32_t latest_end;      /* start + max_months */
	int months_to_latest;    /* whole months from today to latest_end; 0 once past it */
	bool may_end;            /* today >= earliest_end */
	bool past_latest;        /* today > latest_end */
};

/* Computes the aftercare figures; attendance outside [start, today] is ignored, as above. */
void attendance_aftercare(const int32_t *attended, size_t nattended,
			  const struct aftercare_params *p, struct aftercare_progress *out);

#endif
