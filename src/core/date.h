/* date.h: calendar dates as day numbers (days since 1970-01-01), proleptic Gregorian.
 *
 * A date in tolv is an int32_t "day number": 0 is 1970-01-01, 1 is 1970-01-02, -1 is
 * 1969-12-31. Day numbers subtract to a count of days, compare with < and >, index
 * arrays and bind to SQL as plain integers, and carry no time zone or time of day —
 * which is what attendance, phases and birth dates are about. The conversions are
 * Howard Hinnant's days_from_civil / civil_from_days, exact for every year an int holds
 * without overflow; the text forms (parse, format) are limited to years 0000–9999.
 *
 * DATE_NONE (INT32_MIN, far outside any real date) means "no date": a projection that
 * cannot be made, a phase not yet started.
 */
#ifndef TOLV_CORE_DATE_H
#define TOLV_CORE_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define DATE_NONE INT32_MIN

/* True for Gregorian leap years (divisible by 4, except centuries not divisible by 400). */
bool date_is_leap(int y);
/* 28–31 for month m (1–12) of year y; 0 if m is out of range. */
int date_days_in_month(int y, int m);
/* True if y-m-d is a real date (m 1–12, d within the month, 29 Feb only in leap years). */
bool date_valid_ymd(int y, int m, int d);

/* The day number of y-m-d. The date must be valid (see date_valid_ymd); this function
 * does not check, so that arithmetic callers (date_add_months) pay nothing for it. */
int32_t date_from_ymd(int y, int m, int d);
/* The year, month (1–12) and day (1–31) of a day number. Any pointer may be NULL. */
void date_to_ymd(int32_t day, int *y, int *m, int *d);

/* Parses exactly "YYYY-MM-DD" (10 characters, digits and two dashes, a real date) into
 * *out. Returns 0, or -1 for anything else — no spaces, no signs, no "2025-1-5", no
 * 30 February — leaving *out untouched. (Not "returns the day or -1": -1 is a valid day
 * number, 1969-12-31, which a birth date may well be.) */
int date_parse(const char *s, int32_t *out);
/* Writes "YYYY-MM-DD" and a terminating NUL into out. A day outside years 0000–9999
 * (including DATE_NONE) writes the empty string, so a missing date shows as nothing. */
void date_format(int32_t day, char out[11]);

/* ISO weekday: Monday = 1 … Sunday = 7. */
int date_weekday(int32_t day);
/* The ISO 8601 week: weeks start on Monday, and week 1 is the week with the year's
 * first Thursday, so 2020-12-31 is week 53 of 2020 and 2021-01-03 is still week 53 of
 * 2020, while 2024-12-30 is week 1 of 2025. Either pointer may be NULL. */
void date_iso_week(int32_t day, int *iso_year, int *week);
/* The Monday of the ISO week that holds day: a cheap key for "same week". */
int32_t date_week_monday(int32_t day);

/* day moved by n calendar months (n may be negative), keeping the day of the month
 * where it exists and clamping it to the month's last day where it does not:
 * 31 Jan + 1 = 28 Feb (29 in leap years), 31 Mar - 1 = 28/29 Feb, 29 Feb + 12 = 28 Feb. */
int32_t date_add_months(int32_t day, int n);
/* Whole months from `from` to `to`: the largest k with date_add_months(from, k) <= to
 * (negative when to < from). Consistent with the clamping above, so 31 Jan → 28 Feb of
 * a common year is one whole month, and 15 Mar → 14 Apr is zero. */
int date_months_between(int32_t from, int32_t to);

/* The day number of a unix time in UTC (rounds towards the earlier day for negative
 * times). */
int32_t date_from_unix_utc(int64_t seconds);
/* The day number of a unix time on the wall clock of Norway and Sweden (Europe/Oslo,
 * Europe/Stockholm): CET, UTC+1, and CEST, UTC+2, from 01:00 UTC on the last Sunday of
 * March to 01:00 UTC on the last Sunday of October — the EU rule both countries have
 * followed since 1996. Earlier years get the same rule, which is wrong for them but
 * irrelevant to "what is today". Should the EU ever abolish the clock change, this is
 * the one place to edit; a full tz database is not needed for two countries. */
int32_t date_from_unix_cet(int64_t seconds);
/* Today in UTC, and today on the Norwegian/Swedish wall clock. Attendance and phase
 * changes are judged against the local date (a day group at 00:30 is "tomorrow" in
 * Oslo while still "today" in UTC); the UTC form is for logs and tests. */
int32_t date_today_utc(void);
int32_t date_today_cet(void);

#endif
