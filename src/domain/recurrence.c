/* recurrence.c: meeting occurrences and iCalendar export through libical (see
 * recurrence.h). One mutex serialises every libical call: its zone cache and error state
 * are process-wide. */
#include "domain/recurrence.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"

static pthread_mutex_t ical_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ical_ready;

/* Upper bound of iterator steps for one expansion: a daily rule over a year is 366. */
enum { MAX_STEPS = 4000, YEAR = 366 * 86400 };

static void lock(void)
{
	pthread_mutex_lock(&ical_lock);
	if (!ical_ready) {
		/* A malformed RRULE in an import must be an error we report, never an abort. */
		icalerror_set_errors_are_fatal(0);
		ical_ready = true;
	}
}

static void unlock(void)
{
	pthread_mutex_unlock(&ical_lock);
}

/* The zone for tzid, NULL if unknown. Caller holds the lock. */
static icaltimezone *zone_of(const char *tzid)
{
	if (!tzid || !*tzid || strlen(tzid) > 64)
		return NULL;
	if (!strcmp(tzid, "UTC") || !strcmp(tzid, "Etc/UTC"))
		return icaltimezone_get_utc_timezone();
	return icaltimezone_get_builtin_timezone(tzid);
}

bool recur_timezone_ok(const char *tzid)
{
	lock();
	bool ok = zone_of(tzid) != NULL;
	unlock();
	return ok;
}

static bool rule_has_end_or_interval(const struct icalrecurrencetype *rule)
{
	return rule->interval > 1 || rule->count > 0 || !icaltime_is_null_time(rule->until);
}

/* A rule whose occurrences depend on its first day: an interval, a count or an end, or
 * a rule that takes its weekday, day of month or date from DTSTART. */
static bool rule_needs_start(const struct icalrecurrencetype *rule)
{
	bool byday = rule->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX;
	bool bymonthday = rule->by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX;
	return rule_has_end_or_interval(rule) || rule->freq == ICAL_YEARLY_RECURRENCE ||
	       (rule->freq == ICAL_WEEKLY_RECURRENCE && !byday) ||
	       (rule->freq == ICAL_MONTHLY_RECURRENCE && !byday && !bymonthday);
}

/* Parses rrule; false if it does not parse or repeats too often. Caller holds the lock. */
static bool parse_rule(const char *rrule, struct icalrecurrencetype *rule)
{
	if (!rrule || !*rrule || strlen(rrule) > 256 || strchr(rrule, '\n') || strchr(rrule, '\r'))
		return false;
	icalerror_clear_errno();
	*rule = icalrecurrencetype_from_string(rrule);
	if (icalerrno != ICAL_NO_ERROR)
		return false;
	switch (rule->freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
	case ICAL_MONTHLY_RECURRENCE:
	case ICAL_YEARLY_RECURRENCE:
		return true;
	default:
		return false;
	}
}

int recur_rrule_check(const char *rrule, bool have_start, const char **why)
{
	struct icalrecurrencetype rule;
	const char *msg = NULL;
	lock();
	if (!parse_rule(rrule, &rule))
		msg = "Write the repetition as an iCalendar RRULE, like FREQ=MONTHLY;BYDAY=1MO (daily at most).";
	else if (rule_needs_start(&rule) && !have_start)
		msg = "This repetition needs the first date of the series.";
	unlock();
	if (why)
		*why = msg;
	return msg ? -1 : 0;
}

bool recur_rrule_weekly_days(const char *rrule, int *days)
{
	struct icalrecurrencetype rule;
	bool ok = false;
	lock();
	if (parse_rule(rrule, &rule) && rule.freq == ICAL_WEEKLY_RECURRENCE && !rule_has_end_or_interval(&rule) &&
	    rule.by_second[0] == ICAL_RECURRENCE_ARRAY_MAX && rule.by_minute[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rule.by_hour[0] == ICAL_RECURRENCE_ARRAY_MAX && rule.by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rule.by_month[0] == ICAL_RECURRENCE_ARRAY_MAX && rule.by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	    rule.by_day[0] != ICAL_RECURRENCE_ARRAY_MAX) {
		int bits = 0;
		ok = true;
		for (int i = 0; i < ICAL_BY_DAY_SIZE && rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
			if (icalrecurrencetype_day_position(rule.by_day[i]) != 0) {
				ok = false; /* "2MO" is not weekly */
				break;
			}
			/* libical: 1 = Sunday … 7 = Saturday. */
			int dow = (int)icalrecurrencetype_day_day_of_week(rule.by_day[i]);
			bits |= 1 << (dow - 1);
		}
		if (ok)
			*days = bits;
	}
	unlock();
	return ok;
}

int recur_duration_min(const struct recur_spec *r)
{
	if (r->start_min < 0 || r->end_min < 0)
		return 60;
	int d = r->end_min - r->start_min;
	if (d <= 0)
		d += 1440; /* ends after midnight (or lasts a day, when end == start) */
	return d;
}

/* ---- local dates and instants ---- */

static int32_t day_of(struct icaltimetype t)
{
	return date_from_ymd(t.year, t.month, t.day);
}

/* Local wall-clock time of day + minute, as a floating libical time. */
static struct icaltimetype local_time(int32_t day, int minute)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = minute / 60;
	t.minute = minute % 60;
	t.second = 0;
	t.is_date = 0;
	return t;
}

static int64_t instant_of(struct icaltimetype local, icaltimezone *z)
{
	local.zone = NULL;
	return (int64_t)icaltime_as_timet_with_zone(local, z);
}

int recur_local(const char *tzid, int64_t t, int32_t *day, int *minute, int *wday)
{
	lock();
	icaltimezone *z = zone_of(tzid);
	if (!z) {
		unlock();
		return -1;
	}
	struct icaltimetype lt = icaltime_from_timet_with_zone((time_t)t, 0, z);
	unlock();
	int32_t d = day_of(lt);
	if (day)
		*day = d;
	if (minute)
		*minute = lt.hour * 60 + lt.minute;
	if (wday)
		*wday = date_weekday(d) % 7;
	return 0;
}

int64_t recur_instant(const char *tzid, int32_t day, int minute)
{
	lock();
	icaltimezone *z = zone_of(tzid);
	int64_t t = z ? instant_of(local_time(day, minute), z) : 0;
	unlock();
	return t;
}

/* ---- expansion ---- */

static void add_occ(struct occurrence *out, size_t *n, int64_t start, int dur_min, struct icaltimetype local)
{
	struct occurrence *o = &out[(*n)++];
	o->start = start;
	o->end = start + (int64_t)dur_min * 60;
	o->local_day = day_of(local);
	o->local_min = (int16_t)(local.hour * 60 + local.minute);
	o->wday = (int8_t)(date_weekday(o->local_day) % 7);
}

/* Weekly on days: walk the local dates that could hold a start in [from, until). */
static size_t weekly(const struct recur_spec *r, icaltimezone *z, int64_t from, int64_t until,
		     struct occurrence *out, size_t max)
{
	size_t n = 0;
	int dur = recur_duration_min(r);
	/* A day before and after: a zone's offset is under 15 hours either way. */
	int32_t first = day_of(icaltime_from_timet_with_zone((time_t)from, 0, z)) - 1;
	int32_t last = day_of(icaltime_from_timet_with_zone((time_t)until, 0, z)) + 1;
	for (int32_t d = first; d <= last && n < max; d++) {
		if (r->starts_on != DATE_NONE && d < r->starts_on)
			continue;
		if (!(r->days & (1 << (date_weekday(d) % 7))))
			continue;
		struct icaltimetype lt = local_time(d, r->start_min);
		int64_t t = instant_of(lt, z);
		if (t >= from && t < until)
			add_occ(out, &n, t, dur, lt);
	}
	return n;
}

static size_t by_rule(const struct recur_spec *r, icaltimezone *z, int64_t from, int64_t until,
		      struct occurrence *out, size_t max)
{
	struct icalrecurrencetype rule;
	if (!parse_rule(r->rrule, &rule))
		return 0;
	if (rule_needs_start(&rule) && r->starts_on == DATE_NONE)
		return 0;
	/* The anchor: the series' first day, or (for rules that do not depend on it) a day
	 * before the window, so the iterator does not walk years of the past. The rule runs
	 * in local wall-clock time; each start is then placed in the zone, which is what
	 * keeps 19:00 at 19:00 across a DST change. */
	int32_t anchor = r->starts_on;
	if (anchor == DATE_NONE) {
		anchor = day_of(icaltime_from_timet_with_zone((time_t)from, 0, z)) - 1;
		if (rule.freq == ICAL_MONTHLY_RECURRENCE) {
			int y, m, d;
			date_to_ymd(anchor, &y, &m, &d);
			anchor = date_from_ymd(y, m, 1);
		}
	}
	icalrecur_iterator *it = icalrecur_iterator_new(rule, local_time(anchor, r->start_min));
	if (!it)
		return 0;
	size_t n = 0;
	int dur = recur_duration_min(r);
	for (int step = 0; step < MAX_STEPS && n < max; step++) {
		struct icaltimetype lt = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(lt))
			break;
		int64_t t = instant_of(lt, z);
		if (t >= until)
			break;
		if (t >= from)
			add_occ(out, &n, t, dur, lt);
	}
	icalrecur_iterator_free(it);
	return n;
}

size_t recur_between(const struct recur_spec *r, int64_t from, int64_t until, struct occurrence *out, size_t max)
{
	if (!r || r->start_min < 0 || r->start_min > 1439 || until <= from || max == 0)
		return 0;
	bool rule = r->rrule && r->rrule[0];
	if (!rule && !r->days)
		return 0;
	lock();
	icaltimezone *z = zone_of(r->timezone);
	size_t n = 0;
	if (z)
		n = rule ? by_rule(r, z, from, until, out, max) : weekly(r, z, from, until, out, max);
	unlock();
	return n;
}

int64_t recur_next(const struct recur_spec *r, int64_t from)
{
	struct occurrence o;
	/* A week first (the common case is cheap), then the rest of the year. */
	if (recur_between(r, from, from + 8 * 86400, &o, 1) == 1)
		return o.start;
	if (recur_between(r, from, from + YEAR, &o, 1) == 1)
		return o.start;
	return 0;
}

/* ---- iCalendar ---- */

static const char *const byday_names[] = { "SU", "MO", "TU", "WE", "TH", "FR", "SA" };

static void weekly_rule_text(int days, char *out, size_t outlen)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "FREQ=WEEKLY;BYDAY=");
	bool first = true;
	/* RFC 5545 lists no order; Monday first reads naturally. */
	for (int k = 1; k <= 7; k++) {
		int d = k % 7;
		if (!(days & (1 << d)))
			continue;
		if (!first)
			buf_addch(&b, ',');
		buf_adds(&b, byday_names[d]);
		first = false;
	}
	snprintf(out, outlen, "%s", b.data);
	buf_release(&b);
}

static void add_text(icalcomponent *ev, icalproperty *p)
{
	if (p)
		icalcomponent_add_property(ev, p);
}

/* The time zones are added once each, in the order first used. Caller holds the lock. */
static void add_zone(icalcomponent *cal, icaltimezone *z, icaltimezone **seen, size_t *nseen)
{
	for (size_t i = 0; i < *nseen; i++)
		if (seen[i] == z)
			return;
	seen[(*nseen)++] = z;
	icalcomponent *vtz = icaltimezone_get_component(z);
	if (vtz)
		icalcomponent_add_component(cal, icalcomponent_new_clone(vtz));
}

void recur_ics(struct buf *out, const struct ics_event *events, size_t n, const char *name, int64_t now)
{
	lock();
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//tolv//meeting directory//EN"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	if (name && *name) {
		icalproperty *p = icalproperty_new_x(name);
		icalproperty_set_x_name(p, "X-WR-CALNAME");
		icalcomponent_add_property(cal, p);
	}
	icaltimezone **seen = n ? xcalloc(n, sizeof *seen) : NULL;
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ics_event *e = &events[i];
		const struct recur_spec *r = &e->when;
		icaltimezone *z = zone_of(r->timezone);
		bool rule = r->rrule && r->rrule[0];
		struct icalrecurrencetype rt;
		if (!z || r->start_min < 0 || (!rule && !r->days) || (rule && !parse_rule(r->rrule, &rt)))
			continue; /* by appointment, or nothing iCalendar can say */
		char weekly_text[64];
		if (!rule) {
			weekly_rule_text(r->days, weekly_text, sizeof weekly_text);
			rt = icalrecurrencetype_from_string(weekly_text);
		}
		/* DTSTART: the series' first day when known, else the next occurrence from now
		 * (for a weekly rule it must be one of its days). */
		struct icaltimetype start;
		if (r->starts_on != DATE_NONE) {
			start = local_time(r->starts_on, r->start_min);
		} else if (!rule) {
			struct occurrence o;
			size_t k = weekly(r, z, now - 86400, now + 8 * 86400, &o, 1);
			if (k != 1)
				continue;
			start = local_time(o.local_day, o.local_min);
		} else {
			int32_t today = day_of(icaltime_from_timet_with_zone((time_t)now, 0, z));
			start = local_time(today, r->start_min);
		}
		add_zone(cal, z, seen, &nseen);
		icalcomponent *ev = icalcomponent_new_vevent();
		add_text(ev, icalproperty_new_uid(e->uid));
		add_text(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)now, 0, utc)));
		icalproperty *ds = icalproperty_new_dtstart(start);
		icalproperty_add_parameter(ds, icalparameter_new_tzid(icaltimezone_get_tzid(z)));
		icalcomponent_add_property(ev, ds);
		add_text(ev, icalproperty_new_duration(icaldurationtype_from_int(recur_duration_min(r) * 60)));
		add_text(ev, icalproperty_new_rrule(rt));
		add_text(ev, icalproperty_new_summary(e->summary ? e->summary : ""));
		if (e->location && *e->location)
			add_text(ev, icalproperty_new_location(e->location));
		if (e->description && *e->description)
			add_text(ev, icalproperty_new_description(e->description));
		if (e->url && *e->url)
			add_text(ev, icalproperty_new_url(e->url));
		icalcomponent_add_component(cal, ev);
	}
	char *text = icalcomponent_as_ical_string_r(cal);
	if (text) {
		/* TZID "Europe/Oslo" rather than libical's "/freeassociation.sourceforge.net/
		 * Europe/Oslo": calendar programs recognise the plain tz database name, and the
		 * VTIMEZONE is included either way. The prefix never spans a folded line: it
		 * starts a TZID value within the first 75 octets. */
		static const char prefix[] = "/freeassociation.sourceforge.net/";
		const char *p = text;
		for (const char *hit; (hit = strstr(p, prefix)); p = hit + sizeof prefix - 1)
			buf_add(out, p, (size_t)(hit - p));
		buf_adds(out, p);
		icalmemory_free_buffer(text);
	}
	icalcomponent_free(cal);
	free(seen);
	unlock();
}
