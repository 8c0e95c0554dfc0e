/* test_date.c: unit tests of core/date — day numbers, parsing, ISO weeks, month
 * arithmetic and the Norwegian/Swedish wall-clock date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "core/date.h"

#define D(y, m, d) date_from_ymd(y, m, d)

static void fixed_points(void **state)
{
	/* Anchors checked against Python's datetime (proleptic Gregorian). */
	assert_int_equal(D(1970, 1, 1), 0);
	assert_int_equal(D(1969, 12, 31), -1);
	assert_int_equal(D(2000, 3, 1), 11017);
	assert_int_equal(D(2025, 1, 1), 20089);
	assert_int_equal(D(1900, 3, 1), -25508);
	assert_int_equal(D(1600, 2, 29), -135081);
	assert_int_equal(D(1, 1, 1), -719162);
	assert_int_equal(D(9999, 12, 31), 2932896);
	int y, m, d;
	date_to_ymd(-135081, &y, &m, &d);
	assert_int_equal(y, 1600);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	date_to_ymd(-1, &y, NULL, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(d, 31);
}

/* Every day from 1600 to 2400 converts back to itself, and consecutive day numbers are
 * consecutive calendar dates — the whole Gregorian cycle twice, both century rules. */
static void round_trip_and_succession(void **state)
{
	int py, pm, pd;
	date_to_ymd(D(1600, 1, 1) - 1, &py, &pm, &pd);
	for (int32_t day = D(1600, 1, 1); day <= D(2400, 12, 31); day++) {
		int y, m, d;
		date_to_ymd(day, &y, &m, &d);
		assert_true(date_valid_ymd(y, m, d));
		assert_int_equal(D(y, m, d), day);
		if (d == 1) {
			assert_int_equal(pd, date_days_in_month(py, pm));
			assert_true((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
		} else {
			assert_int_equal(d, pd + 1);
			assert_int_equal(m, pm);
		}
		py = y, pm = m, pd = d;
	}
}

static void leap_years_and_validity(void **state)
{
	assert_true(date_is_leap(2024));
	assert_true(date_is_leap(2000));
	assert_false(date_is_leap(1900));
	assert_false(date_is_leap(2100));
	assert_false(date_is_leap(2025));
	assert_true(date_valid_ymd(2024, 2, 29));
	assert_false(date_valid_ymd(2023, 2, 29));
	assert_false(date_valid_ymd(1900, 2, 29));
	assert_true(date_valid_ymd(2000, 2, 29));
	assert_false(date_valid_ymd(2025, 4, 31));
	assert_true(date_valid_ymd(2025, 12, 31));
	assert_false(date_valid_ymd(2025, 0, 1));
	assert_false(date_valid_ymd(2025, 13, 1));
	assert_false(date_valid_ymd(2025, 1, 0));
	assert_false(date_valid_ymd(2025, 1, 32));
	assert_int_equal(date_days_in_month(2025, 2), 28);
	assert_int_equal(date_days_in_month(2025, 0), 0);
}

static void parse_strict(void **state)
{
	int32_t day = 12345;
	assert_int_equal(date_parse("2024-02-29", &day), 0);
	assert_int_equal(day, D(2024, 2, 29));
	assert_int_equal(date_parse("1969-12-31", &day), 0);
	assert_int_equal(day, -1);
	assert_int_equal(date_parse("0000-01-01", &day), 0);
	assert_int_equal(date_parse("9999-12-31", &day), 0);

	static const char *const bad[] = {
		"2023-02-29", "1900-02-29", "2024-2-29", "2024-02-9", "2024-02-29 ", " 2024-02-29",
		"2024/02/29", "20240229", "2024-13-01", "2024-00-10", "2024-01-00", "2024-04-31",
		"", "+024-01-01", "2024-01-1x", "2024-01-011", "２０２４-01-01", "2024-01-01\n",
		"-2024-01-01", "24-01-01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		day = 777;
		assert_int_equal(date_parse(bad[i], &day), -1);
		assert_int_equal(day, 777); /* untouched on failure */
	}
	assert_int_equal(date_parse(NULL, &day), -1);
}

static void format(void **state)
{
	char out[11];
	date_format(0, out);
	assert_string_equal(out, "1970-01-01");
	date_format(-1, out);
	assert_string_equal(out, "1969-12-31");
	date_format(D(2024, 2, 29), out);
	assert_string_equal(out, "2024-02-29");
	date_format(D(7, 3, 4), out);
	assert_string_equal(out, "0007-03-04");
	date_format(D(9999, 12, 31), out);
	assert_string_equal(out, "9999-12-31");
	date_format(D(9999, 12, 31) + 1, out);
	assert_string_equal(out, "");
	date_format(DATE_NONE, out);
	assert_string_equal(out, "");
	/* Parse and format are inverses. */
	int32_t day;
	assert_int_equal(date_parse("2031-07-15", &day), 0);
	date_format(day, out);
	assert_string_equal(out, "2031-07-15");
}

static void weekdays(void **state)
{
	assert_int_equal(date_weekday(0), 4);                 /* 1970-01-01 Thursday */
	assert_int_equal(date_weekday(D(2025, 1, 6)), 1);     /* Monday */
	assert_int_equal(date_weekday(D(2025, 1, 12)), 7);    /* Sunday */
	assert_int_equal(date_weekday(D(1969, 12, 28)), 7);   /* Sunday, before 1970 */
	assert_int_equal(date_weekday(D(1969, 12, 29)), 1);
	assert_int_equal(date_weekday(D(1600, 2, 29)), 2);    /* Tuesday */
	assert_int_equal(date_week_monday(D(2025, 1, 12)), D(2025, 1, 6));
	assert_int_equal(date_week_monday(D(2025, 1, 6)), D(2025, 1, 6));
	assert_int_equal(date_week_monday(D(1970, 1, 1)), D(1969, 12, 29));
}

static void iso_week(int32_t day, int want_year, int want_week)
{
	int y = 0, w = 0;
	date_iso_week(day, &y, &w);
	assert_int_equal(y, want_year);
	assert_int_equal(w, want_week);
}

static void iso_weeks(void **state)
{
	iso_week(D(2025, 1, 1), 2025, 1);
	iso_week(D(2020, 12, 31), 2020, 53);
	iso_week(D(2021, 1, 3), 2020, 53);   /* Sunday: still 2020's week 53 */
	iso_week(D(2021, 1, 4), 2021, 1);
	iso_week(D(2024, 12, 30), 2025, 1);  /* Monday in December: next year's week 1 */
	iso_week(D(2026, 1, 1), 2026, 1);    /* a Thursday */
	iso_week(D(2027, 1, 1), 2026, 53);   /* a Friday */
	iso_week(D(2010, 1, 3), 2009, 53);
	iso_week(D(2008, 12, 29), 2009, 1);
	iso_week(D(2025, 3, 30), 2025, 13);
	iso_week(D(1969, 12, 31), 1970, 1);
	date_iso_week(D(2025, 6, 1), NULL, NULL); /* NULLs allowed */
}

static void add_months(void **state)
{
	assert_int_equal(date_add_months(D(2025, 1, 31), 1), D(2025, 2, 28));
	assert_int_equal(date_add_months(D(2024, 1, 31), 1), D(2024, 2, 29));
	assert_int_equal(date_add_months(D(2024, 2, 29), 12), D(2025, 2, 28));
	assert_int_equal(date_add_months(D(2025, 3, 31), -1), D(2025, 2, 28));
	assert_int_equal(date_add_months(D(2025, 1, 15), 18), D(2026, 7, 15));
	assert_int_equal(date_add_months(D(2025, 11, 30), 3), D(2026, 2, 28));
	assert_int_equal(date_add_months(D(2025, 1, 10), -13), D(2023, 12, 10));
	assert_int_equal(date_add_months(D(2025, 8, 31), 1), D(2025, 9, 30));
	assert_int_equal(date_add_months(D(2025, 5, 5), 0), D(2025, 5, 5));
	assert_int_equal(date_add_months(D(1969, 12, 31), 2), D(1970, 2, 28));
}

static void months_between(void **state)
{
	assert_int_equal(date_months_between(D(2025, 1, 31), D(2025, 2, 28)), 1);
	assert_int_equal(date_months_between(D(2025, 1, 31), D(2025, 2, 27)), 0);
	assert_int_equal(date_months_between(D(2025, 3, 15), D(2025, 4, 14)), 0);
	assert_int_equal(date_months_between(D(2025, 3, 15), D(2025, 4, 15)), 1);
	assert_int_equal(date_months_between(D(2025, 1, 31), D(2025, 8, 15)), 6);
	assert_int_equal(date_months_between(D(2025, 1, 15), D(2026, 7, 15)), 18);
	assert_int_equal(date_months_between(D(2025, 1, 15), D(2026, 7, 14)), 17);
	assert_int_equal(date_months_between(D(2025, 5, 5), D(2025, 5, 5)), 0);
	assert_int_equal(date_months_between(D(2025, 4, 15), D(2025, 3, 15)), -1);
	assert_int_equal(date_months_between(D(2025, 4, 15), D(2025, 3, 16)), -1);
	assert_int_equal(date_months_between(D(2025, 4, 15), D(2025, 3, 14)), -2);
}

static int64_t unix_at(int32_t day, int h, int m)
{
	return (int64_t)day * 86400 + h * 3600 + m * 60;
}

static void unix_and_wall_clock(void **state)
{
	assert_int_equal(date_from_unix_utc(0), 0);
	assert_int_equal(date_from_unix_utc(-1), -1);
	assert_int_equal(date_from_unix_utc(86399), 0);
	assert_int_equal(date_from_unix_utc(86400), 1);
	assert_int_equal(date_from_unix_utc(-86400), -1);
	assert_int_equal(date_from_unix_utc(-86401), -2);

	/* Winter (CET, +1): 22:30 UTC is 23:30 the same day, 23:30 UTC is tomorrow. */
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 1, 10), 22, 30)), D(2025, 1, 10));
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 1, 10), 23, 30)), D(2025, 1, 11));
	/* Summer (CEST, +2): 21:30 UTC is 23:30, 22:30 UTC is tomorrow. */
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 7, 10), 21, 30)), D(2025, 7, 10));
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 7, 10), 22, 30)), D(2025, 7, 11));
	/* Summer time 2025 began 30 March 01:00 UTC and ended 26 October 01:00 UTC (the last
	 * Sundays). The evening before each change is still on the old offset… */
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 3, 29), 22, 30)), D(2025, 3, 29));
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 3, 29), 23, 30)), D(2025, 3, 30));
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 10, 25), 22, 30)), D(2025, 10, 26));
	/* …and the evening after is on the new one. */
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 3, 30), 22, 30)), D(2025, 3, 31));
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 10, 26), 22, 30)), D(2025, 10, 26));
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 10, 26), 23, 30)), D(2025, 10, 27));
	/* The new year, in winter. */
	assert_int_equal(date_from_unix_cet(unix_at(D(2025, 12, 31), 23, 0)), D(2026, 1, 1));

	int32_t t = date_today_utc(), now = (int32_t)(time(NULL) / 86400);
	assert_true(t == now || t == now + 1); /* midnight may pass between the two calls */
	int32_t c = date_today_cet();
	assert_true(c >= t && c <= t + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixed_points),
		cmocka_unit_test(round_trip_and_succession),
		cmocka_unit_test(leap_years_and_validity),
		cmocka_unit_test(parse_strict),
		cmocka_unit_test(format),
		cmocka_unit_test(weekdays),
		cmocka_unit_test(iso_weeks),
		cmocka_unit_test(add_months),
		cmocka_unit_test(months_between),
		cmocka_unit_test(unix_and_wall_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
