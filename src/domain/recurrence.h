/* recurrence.h: when a meeting happens — the next occurrences of a weekly meeting or of
 * an iCalendar RRULE (every second week, the first Monday of the month…) in the
 * meeting's IANA time zone, correct across daylight-saving changes — and the iCalendar
 * (RFC 5545) text of meetings, with RRULE and VTIMEZONE.
 *
 * All time-zone and RRULE arithmetic is libical's (with the system's tz database); none
 * of it is written by hand here. libical keeps process-wide state (loaded zones), so
 * every call into it is serialised by one mutex inside recurrence.c: callers may use
 * these functions from any thread. They are not on any per-request hot path — the finder
 * expands occurrences once per directory snapshot (domain/meeting_finder.h).
 *
 * Times: instants are int64 unix seconds (UTC); local dates are core/date.h day numbers;
 * local times are minutes after local midnight; weekdays are the specification's 0 =
 * Sunday … 6 = Saturday.
 */
#ifndef TOLV_DOMAIN_RECURRENCE_H
#define TOLV_DOMAIN_RECURRENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* When a meeting happens, as struct meeting keeps it. */
struct recur_spec {
	int days;             /* weekday bits, 1 << 0 = Sunday; used when rrule is "" */
	int start_min;        /* -1: no time (by appointment): no occurrences */
	int end_min;          /* -1: none (an hour is assumed); may be before start (past midnight) */
	const char *timezone; /* IANA name */
	const char *rrule;    /* "" or an RRULE value ("FREQ=MONTHLY;BYDAY=1MO") */
	int32_t starts_on;    /* first local day of the series, DATE_NONE if not given */
};

struct occurrence {
	int64_t start, end;   /* UTC */
	int32_t local_day;    /* the local date of the start */
	int16_t local_min;    /* the local time of the start */
	int8_t wday;          /* its weekday, 0 = Sunday */
};

/* True if tzid names a zone of the tz database ("Europe/Oslo", "UTC"). */
bool recur_timezone_ok(const char *tzid);

/* Checks an RRULE value: it must parse, repeat DAILY, WEEKLY, MONTHLY or YEARLY, and —
 * when its occurrences depend on its first day (an INTERVAL above 1, a COUNT, an UNTIL,
 * YEARLY, WEEKLY without BYDAY, MONTHLY without BYDAY or BYMONTHDAY) — have_start must be
 * true. 0, or -1 with *why an English msgid. */
int recur_rrule_check(const char *rrule, bool have_start, const char **why);
/* If rrule is plainly weekly (FREQ=WEEKLY, interval 1, no end, only plain BYDAY days),
 * sets *days to its weekday bits and returns true: such meetings are kept as days, so
 * that the Meeting Guide feed (weekly meetings only) can carry them. */
bool recur_rrule_weekly_days(const char *rrule, int *days);

/* Minutes from start to end (across midnight when end < start); 60 without an end. */
int recur_duration_min(const struct recur_spec *r);

/* The occurrences starting in [from, until), ascending, at most max written to out;
 * returns how many. An unknown zone or a bad rule has none. */
size_t recur_between(const struct recur_spec *r, int64_t from, int64_t until, struct occurrence *out, size_t max);
/* The first start at or after from, within a year; 0 if none. */
int64_t recur_next(const struct recur_spec *r, int64_t from);

/* The local date, time and weekday of instant t in tzid; -1 for an unknown zone. */
int recur_local(const char *tzid, int64_t t, int32_t *day, int *minute, int *wday);
/* The instant of local day + minute in tzid (a time skipped by a DST change moves
 * forward, as libical resolves it); 0 for an unknown zone. */
int64_t recur_instant(const char *tzid, int32_t day, int minute);

/* One event of an iCalendar export. */
struct ics_event {
	struct recur_spec when;
	const char *uid;         /* stable and unique: "meeting-17@tolv" */
	const char *summary;
	const char *location;    /* may be NULL */
	const char *description; /* may be NULL */
	const char *url;         /* may be NULL */
};
/* Appends a whole VCALENDAR (CRLF line ends, RFC 5545) with one VEVENT per event that
 * has a time — DTSTART with TZID, DURATION, RRULE (weekly days or the meeting's rule) —
 * and one VTIMEZONE per zone used. name (may be NULL) becomes X-WR-CALNAME. now stamps
 * DTSTAMP and picks the first DTSTART of weekly series. */
void recur_ics(struct buf *out, const struct ics_event *events, size_t n, const char *name, int64_t now);

#endif
