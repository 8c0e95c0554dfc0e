/* test_attendance.c: unit tests of the attendance arithmetic, with answers worked out by
 * hand on the 2025 calendar (February 2025: the 1st is a Saturday, the 3rd a Monday). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/date.h"
#include "domain/attendance.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* n weekdays ending on `last` (a weekday), written into out from the oldest. */
static void weekdays_back(int32_t last, int n, int32_t *out)
{
	int32_t d = last;
	for (int i = n - 1; i >= 0; d--)
		if (date_weekday(d) <= 5)
			out[i--] = d;
}

static struct day_treatment_params params(int32_t start, int32_t today)
{
	struct day_treatment_params p = {
		.start = start, .today = today, .target_days = 100, .min_days_per_week = 3,
	};
	return p;
}

static void helpers(void **state)
{
	int32_t d[] = { 5, 3, 5, 1, 3, 3, 9 };
	assert_int_equal(attendance_sort_unique(d, N(d)), 4);
	assert_int_equal(d[0], 1);
	assert_int_equal(d[1], 3);
	assert_int_equal(d[2], 5);
	assert_int_equal(d[3], 9);
	assert_int_equal(attendance_sort_unique(NULL, 0), 0);

	int32_t closed[] = { D(2025, 2, 10), D(2025, 2, 11) };
	assert_true(attendance_open_day(D(2025, 2, 7), closed, 2));   /* Friday */
	assert_false(attendance_open_day(D(2025, 2, 8), closed, 2));  /* Saturday */
	assert_false(attendance_open_day(D(2025, 2, 9), closed, 2));  /* Sunday */
	assert_false(attendance_open_day(D(2025, 2, 10), closed, 2)); /* closed Monday */
	assert_false(attendance_open_day(D(2025, 2, 11), closed, 2));
	assert_true(attendance_open_day(D(2025, 2, 12), closed, 2));
	assert_true(attendance_open_day(D(2025, 2, 10), NULL, 0));
}

/* 37 days of 100: the first 37 weekdays from Monday 6 January are 6 Jan – 21 Feb (35)
 * and 24–25 Feb. Shuffled, with repeats and dates outside the phase, still 37. */
static void days_attended(void **state)
{
	int32_t days[37 + 5];
	weekdays_back(D(2025, 2, 25), 37, days);
	assert_int_equal(days[0], D(2025, 1, 6));
	days[37] = days[3];                /* registered twice */
	days[38] = days[36];
	days[39] = D(2025, 1, 3);          /* before the phase: motivation group */
	days[40] = D(2025, 3, 3);          /* after today: a mistake, not counted */
	days[41] = days[0];
	for (int i = 0; i < 21; i++) {     /* reverse: any order */
		int32_t t = days[i];
		days[i] = days[41 - i];
		days[41 - i] = t;
	}
	struct day_treatment_params p = params(D(2025, 1, 6), D(2025, 2, 28));
	struct day_treatment_progress r;
	attendance_day_treatment(days, N(days), &p, &r);
	assert_int_equal(r.attended, 37);
	assert_int_equal(r.target, 100);
	assert_int_equal(r.percent, 37);
	assert_int_equal(r.reached_on, DATE_NONE);

	/* Nothing attended. */
	attendance_day_treatment(NULL, 0, &p, &r);
	assert_int_equal(r.attended, 0);
	assert_int_equal(r.percent, 0);
	assert_true(r.below_minimum);
}

/* Today Friday 14 February: the window is Saturday 1 – Friday 14 February, two full
 * weeks, 10 open days, so the minimum is 3 × 10 / 5 = 6 days. */
static void pace_without_holidays(void **state)
{
	struct day_treatment_params p = params(D(2025, 1, 6), D(2025, 2, 14));
	struct day_treatment_progress r;
	int32_t days[] = { D(2025, 1, 6), D(2025, 1, 7), D(2025, 1, 31), /* before the window */
			   D(2025, 2, 3), D(2025, 2, 5), D(2025, 2, 7), D(2025, 2, 10), D(2025, 2, 12),
			   D(2025, 2, 14) };
	attendance_day_treatment(days, N(days) - 1, &p, &r); /* without the 14th */
	assert_int_equal(r.window_from, D(2025, 2, 1));
	assert_int_equal(r.window_open_days, 10);
	assert_int_equal(r.window_attended, 5);
	assert_true(r.expected_min > 5.999 && r.expected_min < 6.001);
	assert_true(r.pace_per_week > 2.499 && r.pace_per_week < 2.501);
	assert_true(r.below_minimum);

	attendance_day_treatment(days, N(days), &p, &r);
	assert_int_equal(r.attended, 9);
	assert_int_equal(r.window_attended, 6);
	assert_true(r.pace_per_week > 2.999 && r.pace_per_week < 3.001);
	assert_false(r.below_minimum);

	/* A Saturday session counts as attended, but does not raise the bar. */
	int32_t with_saturday[N(days)];
	memcpy(with_saturday, days, sizeof days);
	with_saturday[N(days) - 1] = D(2025, 2, 8);
	attendance_day_treatment(with_saturday, N(with_saturday), &p, &r);
	assert_int_equal(r.window_open_days, 10);
	assert_int_equal(r.window_attended, 6);
	assert_false(r.below_minimum);
}

/* The same window with Monday 10 and Tuesday 11 February closed: 8 open days, the
 * minimum 3 × 8 / 5 = 4.8 — so 5 days is enough and 4 is not. A closed Saturday and a
 * repeated closed date change nothing. */
static void pace_with_holidays(void **state)
{
	int32_t closed[] = { D(2025, 2, 11), D(2025, 2, 10), D(2025, 2, 8), D(2025, 2, 10) };
	struct day_treatment_params p = params(D(2025, 1, 6), D(2025, 2, 14));
	p.closed = closed;
	p.nclosed = N(closed);
	struct day_treatment_progress r;
	int32_t days[] = { D(2025, 2, 3), D(2025, 2, 5), D(2025, 2, 7), D(2025, 2, 12),
			   D(2025, 2, 14) };
	attendance_day_treatment(days, N(days), &p, &r);
	assert_int_equal(r.window_open_days, 8);
	assert_int_equal(r.window_attended, 5);
	assert_true(r.expected_min > 4.799 && r.expected_min < 4.801);
	assert_true(r.pace_per_week > 3.124 && r.pace_per_week < 3.126); /* 5 × 5 / 8 */
	assert_false(r.below_minimum);
	attendance_day_treatment(days, N(days) - 1, &p, &r);
	assert_int_equal(r.window_attended, 4);
	assert_true(r.below_minimum);

	/* A whole closed fortnight expects nothing and warns about nothing. */
	int32_t all[10];
	weekdays_back(D(2025, 2, 14), 10, all);
	p.closed = all;
	p.nclosed = N(all);
	attendance_day_treatment(NULL, 0, &p, &r);
	assert_int_equal(r.window_open_days, 0);
	assert_false(r.below_minimum);
	assert_int_equal(r.projected_end, DATE_NONE); /* no pace to project from */
	assert_int_not_equal(r.minimum_pace_end, DATE_NONE);
}

/* Before 14 days have passed the window starts at the start. */
static void early_days(void **state)
{
	struct day_treatment_progress r;
	/* Started Wednesday 12 February, today Friday 14: 3 open days, minimum 1.8. */
	struct day_treatment_params p = params(D(2025, 2, 12), D(2025, 2, 14));
	int32_t two[] = { D(2025, 2, 12), D(2025, 2, 14) };
	attendance_day_treatment(two, N(two), &p, &r);
	assert_int_equal(r.window_from, D(2025, 2, 12));
	assert_int_equal(r.window_open_days, 3);
	assert_true(r.expected_min > 1.799 && r.expected_min < 1.801);
	assert_false(r.below_minimum); /* 2 ≥ 1.8 */
	int32_t one[] = { D(2025, 2, 13) };
	attendance_day_treatment(one, N(one), &p, &r);
	assert_true(r.below_minimum); /* 1 < 1.8 */

	/* The first day, nothing registered yet: the bar is 0.6 and it is not met. */
	p = params(D(2025, 2, 12), D(2025, 2, 12));
	attendance_day_treatment(NULL, 0, &p, &r);
	assert_int_equal(r.window_open_days, 1);
	assert_true(r.below_minimum);

	/* Started on a Saturday, today that Saturday: no open day yet, no warning. */
	p = params(D(2025, 2, 15), D(2025, 2, 15));
	attendance_day_treatment(NULL, 0, &p, &r);
	assert_int_equal(r.window_open_days, 0);
	assert_false(r.below_minimum);

	/* Day 14 exactly: started Monday 3 February, today Sunday 16 — the full window. */
	p = params(D(2025, 2, 3), D(2025, 2, 16));
	attendance_day_treatment(NULL, 0, &p, &r);
	assert_int_equal(r.window_from, D(2025, 2, 3));
	assert_int_equal(r.window_open_days, 10);
	/* Day 15: the window moves on, and no longer starts at the start. */
	p = params(D(2025, 2, 2), D(2025, 2, 16));
	attendance_day_treatment(NULL, 0, &p, &r);
	assert_int_equal(r.window_from, D(2025, 2, 3));

	/* A phase that starts after today: nothing yet, the minimum counted from the start. */
	p = params(D(2025, 2, 17), D(2025, 2, 14));
	attendance_day_treatment(two, N(two), &p, &r);
	assert_int_equal(r.attended, 0);
	assert_int_equal(r.window_open_days, 0);
	assert_false(r.below_minimum);
	assert_int_equal(r.projected_end, DATE_NONE);
	/* 100 days at 3 a week: 167 open days from Monday 17 February. */
	int32_t d = D(2025, 2, 17), n = 0;
	for (; n < 167; d++)
		if (date_weekday(d) <= 5)
			n++;
	assert_int_equal(r.minimum_pace_end, d - 1);
}

/* 98 of 100 days by Friday 14 February, 2 to go; projections count open days from
 * Saturday 15. Every weekday of the fortnight attended: 10 of 10 open days, so 2 more
 * open days (Mon 17, Tue 18); at the minimum, 3 days per 5 open, ceil(2 × 5 / 3) = 4 open
 * days (Thu 20). With the winter-holiday week 17–21 February closed, a week later. */
static void projection_across_a_holiday_week(void **state)
{
	int32_t days[98];
	weekdays_back(D(2025, 2, 14), 98, days);
	struct day_treatment_params p = params(days[0], D(2025, 2, 14));
	struct day_treatment_progress r;
	attendance_day_treatment(days, N(days), &p, &r);
	assert_int_equal(r.attended, 98);
	assert_int_equal(r.percent, 98);
	assert_int_equal(r.window_attended, 10);
	assert_int_equal(r.projected_end, D(2025, 2, 18));
	assert_int_equal(r.minimum_pace_end, D(2025, 2, 20));

	int32_t winter[5];
	weekdays_back(D(2025, 2, 21), 5, winter);
	p.closed = winter;
	p.nclosed = N(winter);
	attendance_day_treatment(days, N(days), &p, &r);
	assert_int_equal(r.projected_end, D(2025, 2, 25));
	assert_int_equal(r.minimum_pace_end, D(2025, 2, 27));

	/* 6 of the last 10 open days (Mon, Wed, Fri and Tue, Wed, Thu dropped out of the
	 * same 98): ceil(2 × 10 / 6) = 4 open days: Thu 20 February, or Thu 27 with the
	 * holiday. */
	int32_t fewer[94], k = 0;
	for (int i = 0; i < 98; i++)
		if (days[i] != D(2025, 2, 4) && days[i] != D(2025, 2, 6) &&
		    days[i] != D(2025, 2, 10) && days[i] != D(2025, 2, 14))
			fewer[k++] = days[i];
	assert_int_equal(k, 94);
	p.closed = NULL;
	p.nclosed = 0;
	p.target_days = 96; /* keep 2 to go */
	attendance_day_treatment(fewer, N(fewer), &p, &r);
	assert_int_equal(r.window_attended, 6);
	assert_int_equal(r.projected_end, D(2025, 2, 20));
	p.closed = winter;
	p.nclosed = N(winter);
	attendance_day_treatment(fewer, N(fewer), &p, &r);
	assert_int_equal(r.projected_end, D(2025, 2, 27));
}

/* 90 days up to Friday 24 January, then nothing: no pace, no projection, a warning; the
 * minimum pace needs ceil(10 × 5 / 3) = 17 open days from Saturday 15 February:
 * 17–21 Feb (5), 24–28 (10), 3–7 Mar (15), Mon 10 (16), Tue 11 March (17) — or with the
 * winter holiday, 24–28 Feb (5), 3–7 Mar (10), 10–14 (15), 17, Tue 18 March. */
static void projection_after_a_gap(void **state)
{
	int32_t days[90];
	weekdays_back(D(2025, 1, 24), 90, days);
	struct day_treatment_params p = params(days[0], D(2025, 2, 14));
	struct day_treatment_progress r;
	attendance_day_treatment(days, N(days), &p, &r);
	assert_int_equal(r.attended, 90);
	assert_int_equal(r.window_attended, 0);
	assert_true(r.below_minimum);
	assert_true(r.pace_per_week == 0.0);
	assert_int_equal(r.projected_end, DATE_NONE);
	assert_int_equal(r.minimum_pace_end, D(2025, 3, 11));

	int32_t winter[5];
	weekdays_back(D(2025, 2, 21), 5, winter);
	p.closed = winter;
	p.nclosed = N(winter);
	attendance_day_treatment(days, N(days), &p, &r);
	assert_int_equal(r.minimum_pace_end, D(2025, 3, 18));

	/* No minimum set: no warning and no minimum-pace date. */
	p.min_days_per_week = 0;
	attendance_day_treatment(days, N(days), &p, &r);
	assert_false(r.below_minimum);
	assert_int_equal(r.minimum_pace_end, DATE_NONE);
}

static void target_reached_and_limits(void **state)
{
	int32_t days[105];
	weekdays_back(D(2025, 2, 14), 105, days);
	struct day_treatment_params p = params(days[0], D(2025, 2, 14));
	struct day_treatment_progress r;
	attendance_day_treatment(days + 5, 100, &p, &r); /* the last 100 */
	assert_int_equal(r.attended, 100);
	assert_int_equal(r.percent, 100);
	assert_int_equal(r.reached_on, D(2025, 2, 14));
	assert_int_equal(r.projected_end, DATE_NONE);
	assert_int_equal(r.minimum_pace_end, DATE_NONE);
	/* Beyond the target: still 100 %, reached on the 100th day. */
	attendance_day_treatment(days, 105, &p, &r);
	assert_int_equal(r.attended, 105);
	assert_int_equal(r.percent, 100);
	assert_int_equal(r.reached_on, days[99]);

	/* No target: no percentage and nothing to project. */
	p.target_days = 0;
	attendance_day_treatment(days, 50, &p, &r);
	assert_int_equal(r.percent, 0);
	assert_int_equal(r.reached_on, DATE_NONE);
	assert_int_equal(r.projected_end, DATE_NONE);
	assert_int_equal(r.minimum_pace_end, DATE_NONE);

	/* One day in the last fortnight with 999 to go: 9990 open days, some 38 years — past
	 * the 20-year horizon, so no date. The minimum pace (1665 open days) still has one. */
	int32_t one[] = { D(2025, 2, 12) };
	p = params(D(2025, 2, 1), D(2025, 2, 14));
	p.target_days = 1000;
	attendance_day_treatment(one, N(one), &p, &r);
	assert_int_equal(r.projected_end, DATE_NONE);
	assert_int_not_equal(r.minimum_pace_end, DATE_NONE);
}

/* ---- Aftercare ---------------------------------------------------------------------- */

static struct aftercare_params aftercare(int32_t start, int32_t today)
{
	struct aftercare_params p = { .start = start, .today = today, .min_months = 6,
				      .max_months = 18 };
	return p;
}

/* ISO weeks across new year: 28 Dec 2020 and Sunday 3 Jan 2021 are both 2020's week 53,
 * 4 and 10 Jan are 2021's week 1, 11 Jan week 2 — three weeks. Started Monday 7 December,
 * today Wednesday 20 January: the weeks of 7, 14, 21, 28 Dec, 4, 11, 18 Jan — seven. */
static void aftercare_weeks_across_new_year(void **state)
{
	int32_t days[] = { D(2021, 1, 11), D(2020, 12, 28), D(2021, 1, 3), D(2021, 1, 4),
			   D(2021, 1, 10), D(2021, 1, 11), D(2020, 12, 1) /* before */,
			   D(2021, 1, 25) /* after today */ };
	struct aftercare_params p = aftercare(D(2020, 12, 7), D(2021, 1, 20));
	struct aftercare_progress r;
	attendance_aftercare(days, N(days), &p, &r);
	assert_int_equal(r.weeks_attended, 3);
	assert_int_equal(r.weeks_elapsed, 7);
	assert_int_equal(r.months_in, 1);

	/* Monday 30 December 2024 and Sunday 5 January 2025 are the same week (2025's
	 * week 1); Sunday 29 December is 2024's week 52. */
	int32_t more[] = { D(2024, 12, 30), D(2025, 1, 5), D(2024, 12, 29) };
	p = aftercare(D(2024, 12, 1), D(2025, 1, 31));
	attendance_aftercare(more, 2, &p, &r);
	assert_int_equal(r.weeks_attended, 1);
	attendance_aftercare(more, 3, &p, &r);
	assert_int_equal(r.weeks_attended, 2);
	attendance_aftercare(NULL, 0, &p, &r);
	assert_int_equal(r.weeks_attended, 0);
}

/* Started 31 January 2025: may end from 31 July 2025 (6 months), should end by 31 July
 * 2026 (18). */
static void aftercare_window(void **state)
{
	struct aftercare_progress r;
	struct aftercare_params p = aftercare(D(2025, 1, 31), D(2025, 8, 15));
	attendance_aftercare(NULL, 0, &p, &r);
	assert_int_equal(r.months_in, 6);
	assert_int_equal(r.earliest_end, D(2025, 7, 31));
	assert_int_equal(r.latest_end, D(2026, 7, 31));
	assert_int_equal(r.months_to_latest, 11); /* 15 Aug + 11 = 15 Jul ≤ 31 Jul */
	assert_true(r.may_end);
	assert_false(r.past_latest);

	p.today = D(2025, 7, 30);
	attendance_aftercare(NULL, 0, &p, &r);
	assert_int_equal(r.months_in, 5);
	assert_false(r.may_end);
	assert_int_equal(r.months_to_latest, 12);
	p.today = D(2025, 7, 31);
	attendance_aftercare(NULL, 0, &p, &r);
	assert_int_equal(r.months_in, 6);
	assert_true(r.may_end);

	/* 28 February 2025 is one whole month after 31 January (clamped). */
	p.today = D(2025, 2, 28);
	attendance_aftercare(NULL, 0, &p, &r);
	assert_int_equal(r.months_in, 1);

	p.today = D(2026, 7, 31);
	attendance_aftercare(NULL, 0, &p, &r);
	assert_int_equal(r.months_in, 18);
	assert_int_equal(r.months_to_latest, 0);
	assert_false(r.past_latest);
	p.today = D(2026, 8, 1);
	attendance_aftercare(NULL, 0, &p, &r);
	assert_true(r.past_latest);
	assert_int_equal(r.months_to_latest, 0);

	/* No upper limit. */
	p.max_months = 0;
	attendance_aftercare(NULL, 0, &p, &r);
	assert_int_equal(r.latest_end, DATE_NONE);
	assert_false(r.past_latest);
	assert_int_equal(r.months_to_latest, 0);

	/* Not started yet. */
	p = aftercare(D(2025, 9, 1), D(2025, 8, 15));
	int32_t early[] = { D(2025, 8, 14) };
	attendance_aftercare(early, N(early), &p, &r);
	assert_int_equal(r.weeks_attended, 0);
	assert_int_equal(r.weeks_elapsed, 0);
	assert_int_equal(r.months_in, 0);
	assert_false(r.may_end);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(helpers),
		cmocka_unit_test(days_attended),
		cmocka_unit_test(pace_without_holidays),
		cmocka_unit_test(pace_with_holidays),
		cmocka_unit_test(early_days),
		cmocka_unit_test(projection_across_a_holiday_week),
		cmocka_unit_test(projection_after_a_gap),
		cmocka_unit_test(target_reached_and_limits),
		cmocka_unit_test(aftercare_weeks_across_new_year),
		cmocka_unit_test(aftercare_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
