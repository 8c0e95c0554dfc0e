/* date.c: day-number arithmetic on the proleptic Gregorian calendar (see date.h). */
#include "core/date.h"

#include <stddef.h>
#include <time.h>

/* Floor division: C's / truncates towards zero, which puts -1 seconds on day 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

bool date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

/* Hinnant's days_from_civil: count in 400-year eras (146097 days each) of years that
 * start on 1 March, so the leap day is the last day of its year and the month lengths
 * from March on follow the (153*mp+2)/5 pattern. 719468 is the day of 1970-01-01 counted
 * from 0000-03-01. */
int32_t date_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;                                 /* [0, 399] */
	int64_t mp = m > 2 ? m - 3 : m + 9;                           /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + d - 1;                     /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
	return (int32_t)(era * 146097 + doe - 719468);
}

/* Hinnant's civil_from_days, the inverse of the above. */
void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	int yy = (int)(yoe + era * 400 + (mm <= 2));
	if (y)
		*y = yy;
	if (m)
		*m = mm;
	if (d)
		*d = dd;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int date_parse(const char *s, int32_t *out)
{
	if (!s)
		return -1;
	/* Look at no more than 11 bytes: enough to know the length is not 10. */
	size_t len = 0;
	while (len < 11 && s[len])
		len++;
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !date_valid_ymd(y, m, d))
		return -1;
	*out = date_from_ymd(y, m, d);
	return 0;
}

void date_format(int32_t day, char out[11])
{
	int y, m, d;
	/* Range check on the day number first: DATE_NONE is too far out to convert. */
	if (day < date_from_ymd(0, 1, 1) || day > date_from_ymd(9999, 12, 31)) {
		out[0] = '\0';
		return;
	}
	date_to_ymd(day, &y, &m, &d);
	int v[3] = { y, m, d }, w[3] = { 4, 2, 2 }, p = 0;
	for (int i = 0; i < 3; i++) {
		if (i)
			out[p++] = '-';
		for (int k = w[i] - 1; k >= 0; k--) {
			out[p + k] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		}
		p += w[i];
	}
	out[p] = '\0';
}

int date_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (4): shift so Monday is 0, then take a floor modulo
	 * so days before 1970 come out right too. */
	int64_t x = (int64_t)day + 3;
	return (int)(x - floor_div(x, 7) * 7) + 1;
}

int32_t date_week_monday(int32_t day)
{
	return day - (date_weekday(day) - 1);
}

void date_iso_week(int32_t day, int *iso_year, int *week)
{
	/* The Thursday of day's week decides both the year and the week number. */
	int32_t thursday = date_week_monday(day) + 3;
	int y;
	date_to_ymd(thursday, &y, NULL, NULL);
	if (iso_year)
		*iso_year = y;
	if (week)
		*week = (thursday - date_from_ymd(y, 1, 1)) / 7 + 1;
}

int32_t date_add_months(int32_t day, int n)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	int64_t total = (int64_t)y * 12 + (m - 1) + n;
	int ny = (int)floor_div(total, 12);
	int nm = (int)(total - (int64_t)ny * 12) + 1;
	int dim = date_days_in_month(ny, nm);
	return date_from_ymd(ny, nm, d > dim ? dim : d);
}

int date_months_between(int32_t from, int32_t to)
{
	int y1, m1, y2, m2;
	date_to_ymd(from, &y1, &m1, NULL);
	date_to_ymd(to, &y2, &m2, NULL);
	/* The calendar-month difference is right or one too many; the clamping in
	 * date_add_months makes "compare the day of month" subtly wrong, so ask it. */
	int k = (y2 - y1) * 12 + (m2 - m1);
	while (date_add_months(from, k) > to)
		k--;
	while (date_add_months(from, k + 1) <= to)
		k++;
	return k;
}

int32_t date_from_unix_utc(int64_t seconds)
{
	return (int32_t)floor_div(seconds, 86400);
}

/* The last Sunday of month m in year y. */
static int32_t last_sunday(int y, int m)
{
	int32_t last = date_from_ymd(y, m, date_days_in_month(y, m));
	return last - date_weekday(last) % 7;
}

int32_t date_from_unix_cet(int64_t seconds)
{
	int y;
	date_to_ymd(date_from_unix_utc(seconds), &y, NULL, NULL);
	int64_t summer_from = (int64_t)last_sunday(y, 3) * 86400 + 3600;
	int64_t summer_to = (int64_t)last_sunday(y, 10) * 86400 + 3600;
	int64_t offset = seconds >= summer_from && seconds < summer_to ? 7200 : 3600;
	return date_from_unix_utc(seconds + offset);
}

int32_t date_today_utc(void)
{
	return date_from_unix_utc((int64_t)time(NULL));
}

int32_t date_today_cet(void)
{
	return date_from_unix_cet((int64_t)time(NULL));
}
