/* attendance.c: counting attended days and weeks, pace, projections (see attendance.h). */
#include "domain/attendance.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"

/* Projections further ahead than this are not plans but noise; stop walking. */
#define PROJECTION_HORIZON_DAYS (20 * 366)

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

size_t attendance_sort_unique(int32_t *dates, size_t n)
{
	if (n == 0)
		return 0;
	qsort(dates, n, sizeof *dates, cmp_day);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (dates[i] != dates[k - 1])
			dates[k++] = dates[i];
	return k;
}

bool attendance_open_day(int32_t day, const int32_t *closed_sorted, size_t nclosed)
{
	if (date_weekday(day) > 5)
		return false;
	return nclosed == 0 || !bsearch(&day, closed_sorted, nclosed, sizeof day, cmp_day);
}

/* The distinct dates of src that lie in [from, to], ascending, in a new array (free it). */
static int32_t *dates_in(const int32_t *src, size_t n, int32_t from, int32_t to, size_t *nout)
{
	int32_t *d = xmalloc((n ? n : 1) * sizeof *d);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (src[i] >= from && src[i] <= to)
			d[k++] = src[i];
	*nout = attendance_sort_unique(d, k);
	return d;
}

/* The k-th open day counting from `first` (first itself is number 1 if open). */
static int32_t nth_open_day(int32_t first, int64_t k, const int32_t *closed, size_t nclosed)
{
	if (k <= 0)
		return DATE_NONE;
	for (int32_t d = first; d < first + PROJECTION_HORIZON_DAYS; d++)
		if (attendance_open_day(d, closed, nclosed) && --k == 0)
			return d;
	return DATE_NONE;
}

void attendance_day_treatment(const int32_t *attended, size_t nattended,
			      const struct day_treatment_params *p,
			      struct day_treatment_progress *out)
{
	size_t nclosed, ndays;
	int32_t *closed = dates_in(p->closed, p->nclosed, INT32_MIN, INT32_MAX, &nclosed);
	int32_t *days = dates_in(attended, nattended, p->start, p->today, &ndays);

	memset(out, 0, sizeof *out);
	out->attended = (int)ndays;
	out->target = p->target_days;
	out->reached_on = out->projected_end = out->minimum_pace_end = DATE_NONE;
	if (p->target_days > 0) {
		int64_t pc = (int64_t)ndays * 100 / p->target_days;
		out->percent = pc > 100 ? 100 : (int)pc;
		if (ndays >= (size_t)p->target_days)
			out->reached_on = days[p->target_days - 1];
	}

	/* The pace window. Before two weeks have passed it starts at the start, so the
	 * first days are judged on the open days there have been, not on fourteen. */
	out->window_from = p->today - (ATTENDANCE_PACE_DAYS - 1);
	if (out->window_from < p->start)
		out->window_from = p->start;
	for (int32_t d = out->window_from; d <= p->today; d++)
		if (attendance_open_day(d, closed, nclosed))
			out->window_open_days++;
	for (size_t i = 0; i < ndays; i++)
		if (days[i] >= out->window_from)
			out->window_attended++;
	int open = out->window_open_days, att = out->window_attended, min = p->min_days_per_week;
	/* The minimum is a number a week of five open days; a week with closed days asks
	 * proportionally less: 3 × open / 5. Compared in integers, ×5 on both sides, so
	 * 1.8 expected against 2 attended is never a rounding question. */
	out->expected_min = (double)min * open / 5.0;
	out->pace_per_week = open ? (double)att * 5.0 / open : 0.0;
	out->below_minimum = (int64_t)att * 5 < (int64_t)min * open;

	if (p->target_days > 0 && ndays < (size_t)p->target_days) {
		int64_t remaining = p->target_days - (int64_t)ndays;
		int32_t first = p->today + 1 > p->start ? p->today + 1 : p->start;
		/* At the window's pace, att days come with every `open` open days: the
		 * remaining days need ceil(remaining × open / att) more open days. */
		if (att > 0 && open > 0)
			out->projected_end = nth_open_day(first, (remaining * open + att - 1) / att,
							  closed, nclosed);
		if (min > 0)
			out->minimum_pace_end = nth_open_day(first, (remaining * 5 + min - 1) / min,
							     closed, nclosed);
	}
	free(days);
	free(closed);
}

void attendance_aftercare(const int32_t *attended, size_t nattended,
			  const struct aftercare_params *p, struct aftercare_progress *out)
{
	size_t ndays;
	int32_t *days = dates_in(attended, nattended, p->start, p->today, &ndays);

	memset(out, 0, sizeof *out);
	/* Sorted dates give non-decreasing week Mondays: count the changes. A Monday key
	 * rather than (ISO year, week) needs no care at week 53 / week 1. */
	int32_t week = DATE_NONE;
	for (size_t i = 0; i < ndays; i++) {
		int32_t monday = date_week_monday(days[i]);
		if (monday != week) {
			out->weeks_attended++;
			week = monday;
		}
	}
	if (p->today >= p->start) {
		out->weeks_elapsed = (date_week_monday(p->today) - date_week_monday(p->start)) / 7 + 1;
		out->months_in = date_months_between(p->start, p->today);
	}
	out->earliest_end = date_add_months(p->start, p->min_months);
	out->may_end = p->today >= out->earliest_end;
	if (p->max_months > 0) {
		out->latest_end = date_add_months(p->start, p->max_months);
		out->past_latest = p->today > out->latest_end;
		if (!out->past_latest)
			out->months_to_latest = date_months_between(p->today, out->latest_end);
	} else {
		out->latest_end = DATE_NONE;
	}
	free(days);
}
