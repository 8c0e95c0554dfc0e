/* test_meetings.c: the meeting directory's domain — validation and the anonymity rule,
 * parsing pieces, distance, recurrence across DST changes and midnight (libical), the
 * finder's time windows across midnight and time zones, iCalendar, the JSON and CSV
 * importers with their row errors, import plans, and the round trip: import the
 * 500-meeting sample feed, export /meetings.json, compare field by field.
 *
 * Runs on a throw-away SQLite store in a temporary folder. Fixtures are read from
 * tests/fixtures (TOLV_SOURCE_DIR), so the test passes without /work/shared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/meeting_finder.h"
#include "domain/meeting_import.h"
#include "domain/meeting_types.h"
#include "domain/meetings.h"
#include "domain/recurrence.h"

static char tmpdir[512];
static struct store *st;
static struct accounts ac;
static struct actor cli = { .user_id = 0, .email = "" };

/* 2025-03-30 is the spring DST change in Europe (02:00 → 03:00), 2025-03-09 in New York. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	return (int64_t)date_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static struct recur_spec weekly(int days, int start, int end, const char *tz)
{
	return (struct recur_spec){ .days = days, .start_min = start, .end_min = end, .timezone = tz, .rrule = "",
				    .starts_on = DATE_NONE };
}

/* ---- validation and parsing ---- */

static void test_contact_names(void **state)
{
	(void)state;
	const char *ok[] = { "", "Kari", "Kari N.", "Kari N", "Per-Olav", "Åse Ø.", "O'Neil", "Jean-Luc P." };
	const char *bad[] = { "Kari Nordmann", "Kari N. Hansen", "Kari Nordmann-Hansen", "K4ri", "Kari  Nordmann",
			      "Kari N.N.", "@kari", "Per Olav" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_true(meeting_contact_name_ok(ok[i]));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(meeting_contact_name_ok(bad[i]));
}

static void test_parse_pieces(void **state)
{
	(void)state;
	assert_int_equal(meeting_parse_time("19:30"), 19 * 60 + 30);
	assert_int_equal(meeting_parse_time("7:30 PM"), 19 * 60 + 30);
	assert_int_equal(meeting_parse_time("12:00 AM"), 0);
	assert_int_equal(meeting_parse_time("12:15 pm"), 12 * 60 + 15);
	assert_int_equal(meeting_parse_time("18:00:00"), 18 * 60);
	assert_int_equal(meeting_parse_time("19.30"), 19 * 60 + 30);
	assert_int_equal(meeting_parse_time("24:00"), 0);
	assert_int_equal(meeting_parse_time("25:00"), -1);
	assert_int_equal(meeting_parse_time("13:00 PM"), -1);
	assert_int_equal(meeting_parse_time("7"), -1);
	assert_int_equal(meeting_parse_time("19:3"), -1);
	assert_int_equal(meeting_parse_day("0"), 0);
	assert_int_equal(meeting_parse_day("Monday"), 1);
	assert_int_equal(meeting_parse_day("lørdag"), 6);
	assert_int_equal(meeting_parse_day("Måndag"), 1);
	assert_int_equal(meeting_parse_day("TIRSDAG"), 2);
	assert_int_equal(meeting_parse_day("Thu"), 4);
	assert_int_equal(meeting_parse_day("7"), -1);
	assert_int_equal(meeting_parse_day("someday"), -1);
	char slug[MEETING_SLUG_MAX];
	meeting_slugify("Tålmodighet Gamle Oslo 5", slug, sizeof slug);
	assert_string_equal(slug, "talmodighet-gamle-oslo-5");
	meeting_slugify("  Ærlighet & åpenhet!  ", slug, sizeof slug);
	assert_string_equal(slug, "aerlighet-apenhet");
	meeting_slugify("***", slug, sizeof slug);
	assert_string_equal(slug, "meeting");
	int64_t e6;
	assert_true(meeting_parse_coord("59.913868", 90, &e6));
	assert_int_equal(e6, 59913868);
	assert_true(meeting_parse_coord("-10.5", 180, &e6));
	assert_int_equal(e6, -10500000);
	assert_false(meeting_parse_coord("91", 90, &e6));
	assert_false(meeting_parse_coord("nan", 90, &e6));
	assert_false(meeting_parse_coord("1e400", 90, &e6));
	assert_false(meeting_parse_coord("12abc", 90, &e6));
	assert_int_equal(meeting_parse_updated("2025-09-28 12:00:00"), utc(2025, 9, 28, 12, 0));
	assert_int_equal(meeting_parse_updated("2020-04-0416:50:58"), utc(2020, 4, 4, 16, 50) + 58);
	assert_int_equal(meeting_parse_updated("2025-02-30 12:00:00"), -1);
	char t[32];
	meeting_format_updated(utc(2025, 9, 28, 12, 0), t, sizeof t);
	assert_string_equal(t, "2025-09-28 12:00:00");
}

static void test_distance(void **state)
{
	(void)state;
	/* Oslo – Bergen about 305 km, Oslo – Stockholm about 416 km, a point to itself 0. */
	double ob = meeting_distance_km(59.9139, 10.7522, 60.3913, 5.3221);
	double os = meeting_distance_km(59.9139, 10.7522, 59.3293, 18.0686);
	assert_true(ob > 300 && ob < 310);
	assert_true(os > 410 && os < 420);
	assert_true(meeting_distance_km(59.9, 10.7, 59.9, 10.7) < 1e-9);
	/* Across the antimeridian: 1° of longitude at the equator is about 111 km. */
	double am = meeting_distance_km(0, 179.5, 0, -179.5);
	assert_true(am > 110 && am < 112);
}

static void fill(struct meeting *m, const char *name)
{
	meeting_init(m);
	copy_str(m->name, sizeof m->name, name);
	copy_str(m->location, sizeof m->location, "Kirkens bymisjon");
	m->days = 1 << 2;
	m->start_min = 19 * 60;
}

static void test_validate(void **state)
{
	(void)state;
	struct meeting m;
	struct meeting_errors errs = { 0 };
	fill(&m, "  Tirsdagsgruppa  ");
	copy_str(m.types, sizeof m.types, "x, o,Wheelchair Access, NO,MYCODE");
	assert_int_equal(meeting_validate(&m, &errs), 0);
	assert_string_equal(m.name, "Tirsdagsgruppa");
	assert_string_equal(m.slug, "tirsdagsgruppa");
	assert_string_equal(m.types, "MYCODE,NO,O,X");

	/* A plainly weekly RRULE is kept as days. */
	fill(&m, "Weekly");
	m.days = 0;
	copy_str(m.rrule, sizeof m.rrule, "FREQ=WEEKLY;BYDAY=MO,WE");
	assert_int_equal(meeting_validate(&m, &errs), 0);
	assert_string_equal(m.rrule, "");
	assert_int_equal(m.days, (1 << 1) | (1 << 3));

	fill(&m, "");
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), ACC_INVALID);
	assert_non_null(meeting_error_get(&errs, "name"));

	fill(&m, "Bad zone");
	copy_str(m.timezone, sizeof m.timezone, "Mars/Olympus_Mons");
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), ACC_INVALID);
	assert_non_null(meeting_error_get(&errs, "timezone"));

	fill(&m, "Anonymity");
	copy_str(m.contact[0].name, sizeof m.contact[0].name, "Kari Nordmann");
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), ACC_INVALID);
	assert_non_null(meeting_error_get(&errs, "contact_1_name"));

	fill(&m, "Online without a link");
	copy_str(m.attendance, sizeof m.attendance, "online");
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), ACC_INVALID);
	assert_non_null(meeting_error_get(&errs, "conference_url"));

	fill(&m, "Phone only");
	m.location[0] = '\0';
	copy_str(m.conference_phone, sizeof m.conference_phone, "+47 21 00 00 00,,1234#");
	m.attendance[0] = '\0';
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), 0);
	assert_string_equal(m.attendance, "phone");

	fill(&m, "Bad things");
	copy_str(m.conference_url, sizeof m.conference_url, "javascript:alert(1)");
	copy_str(m.email, sizeof m.email, "not-an-address");
	copy_str(m.rrule, sizeof m.rrule, "FREQ=SECONDLY");
	copy_str(m.types, sizeof m.types, "O,<script>");
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), ACC_INVALID);
	assert_non_null(meeting_error_get(&errs, "conference_url"));
	assert_non_null(meeting_error_get(&errs, "email"));
	assert_non_null(meeting_error_get(&errs, "rrule"));
	assert_non_null(meeting_error_get(&errs, "types"));

	/* Every second week needs its first day. */
	fill(&m, "Fortnightly");
	copy_str(m.rrule, sizeof m.rrule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH");
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), ACC_INVALID);
	m.starts_on = date_from_ymd(2025, 1, 2);
	errs.n = 0;
	assert_int_equal(meeting_validate(&m, &errs), 0);
	assert_int_equal(m.days, 0);

	/* Input text → fields. */
	struct meeting_input in = { .name = "Fra skjema", .has_days = true, .days = { "1", "mandag", "Friday" },
				    .time = "7:30 PM", .end_time = "21:00", .latitude = "59.91", .longitude = "10.75",
				    .types = "Open, NO", .location = "Huset" };
	meeting_init(&m);
	errs.n = 0;
	assert_int_equal(meeting_apply_input(&m, &in, &errs), 0);
	assert_int_equal(m.days, (1 << 1) | (1 << 5));
	assert_int_equal(m.start_min, 19 * 60 + 30);
	assert_true(m.has_geo);
	assert_int_equal(m.lat_e6, 59910000);
	assert_string_equal(m.types, "NO,O");
	struct meeting_input bad = { .time = "soon", .latitude = "north", .longitude = "1" };
	errs.n = 0;
	assert_int_equal(meeting_apply_input(&m, &bad, &errs), ACC_INVALID);
	assert_non_null(meeting_error_get(&errs, "time"));
	assert_non_null(meeting_error_get(&errs, "latitude"));
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(meeting_type_label("X", LANG_NB), "Rullestoltilgang");
	assert_string_equal(meeting_type_label("C", LANG_SV), "Slutet");
	assert_string_equal(meeting_type_label("O", LANG_EN), "Open");
	assert_string_equal(meeting_type_label("ZZZ", LANG_NB), "ZZZ");
	assert_string_equal(meeting_type_by_name("wheelchair access")->code, "X");
	assert_string_equal(meeting_type_by_name("Åpent")->code, "O");
	assert_true(meeting_type_find("no")->language);
	assert_false(meeting_type_find("NB")->language); /* NB is "Non-Binary" in the specification */
	for (size_t i = 0; i < meeting_types_count; i++)
		for (int l = 0; l < LANG_COUNT; l++)
			assert_true(meeting_types[i].name[l] && meeting_types[i].name[l][0]);
	assert_string_equal(fellowship_find("Al-Anon")->key, "al_anon");
	assert_true(types_has("C,NO,X", "NO"));
	assert_false(types_has("C,NOX", "NO"));
}

/* ---- recurrence ---- */

static void test_recur_dst_oslo(void **state)
{
	(void)state;
	/* Tuesday 19:00 in Oslo: 18:00 UTC in winter time, 17:00 UTC in summer time. */
	struct recur_spec r = weekly(1 << 2, 19 * 60, 20 * 60, "Europe/Oslo");
	struct occurrence o[8];
	size_t n = recur_between(&r, utc(2025, 3, 20, 0, 0), utc(2025, 4, 10, 0, 0), o, 8);
	assert_int_equal(n, 3);
	assert_int_equal(o[0].start, utc(2025, 3, 25, 18, 0));
	assert_int_equal(o[1].start, utc(2025, 4, 1, 17, 0));
	assert_int_equal(o[2].start, utc(2025, 4, 8, 17, 0));
	assert_int_equal(o[1].end - o[1].start, 3600);
	assert_int_equal(o[1].local_min, 19 * 60);
	assert_int_equal(o[1].wday, 2);
	/* And back in October (2025-10-26). */
	n = recur_between(&r, utc(2025, 10, 20, 0, 0), utc(2025, 11, 1, 0, 0), o, 8);
	assert_int_equal(n, 2);
	assert_int_equal(o[0].start, utc(2025, 10, 21, 17, 0));
	assert_int_equal(o[1].start, utc(2025, 10, 28, 18, 0));
	/* The Sunday of the change itself, 10:00 local. */
	struct recur_spec sun = weekly(1 << 0, 10 * 60, -1, "Europe/Oslo");
	n = recur_between(&sun, utc(2025, 3, 29, 0, 0), utc(2025, 3, 31, 0, 0), o, 8);
	assert_int_equal(n, 1);
	assert_int_equal(o[0].start, utc(2025, 3, 30, 8, 0));
	assert_int_equal(recur_next(&r, utc(2025, 3, 26, 0, 0)), utc(2025, 4, 1, 17, 0));
}

static void test_recur_dst_new_york(void **state)
{
	(void)state;
	/* Sunday 10:00 in New York: 15:00 UTC before 2025-03-09, 14:00 UTC from it. */
	struct recur_spec r = weekly(1 << 0, 10 * 60, 11 * 60, "America/New_York");
	struct occurrence o[4];
	size_t n = recur_between(&r, utc(2025, 3, 1, 0, 0), utc(2025, 3, 12, 0, 0), o, 4);
	assert_int_equal(n, 2);
	assert_int_equal(o[0].start, utc(2025, 3, 2, 15, 0));
	assert_int_equal(o[1].start, utc(2025, 3, 9, 14, 0));
	/* Between Europe's and America's changes the two zones are 5 hours apart, not 6. */
	int32_t day;
	int minute, wday;
	assert_int_equal(recur_local("America/New_York", utc(2025, 3, 20, 12, 0), &day, &minute, &wday), 0);
	assert_int_equal(minute, 8 * 60);
	assert_int_equal(recur_local("Mars/Olympus_Mons", 0, &day, &minute, &wday), -1);
}

static void test_recur_midnight_and_rules(void **state)
{
	(void)state;
	/* 23:30 to 00:30: an hour, ending the next day. */
	struct recur_spec late = weekly(1 << 6, 23 * 60 + 30, 30, "Europe/Oslo");
	assert_int_equal(recur_duration_min(&late), 60);
	struct occurrence o[8];
	size_t n = recur_between(&late, utc(2025, 6, 1, 0, 0), utc(2025, 6, 10, 0, 0), o, 8);
	assert_int_equal(n, 1);
	assert_int_equal(o[0].start, utc(2025, 6, 7, 21, 30));
	assert_int_equal(o[0].end, utc(2025, 6, 7, 22, 30));

	/* The first Monday of the month, 18:00 in Oslo, across the March change. */
	struct recur_spec first = { .days = 0, .start_min = 18 * 60, .end_min = 19 * 60, .timezone = "Europe/Oslo",
				    .rrule = "FREQ=MONTHLY;BYDAY=1MO", .starts_on = DATE_NONE };
	n = recur_between(&first, utc(2025, 1, 1, 0, 0), utc(2025, 5, 1, 0, 0), o, 8);
	assert_int_equal(n, 4);
	assert_int_equal(o[0].start, utc(2025, 1, 6, 17, 0));
	assert_int_equal(o[1].start, utc(2025, 2, 3, 17, 0));
	assert_int_equal(o[2].start, utc(2025, 3, 3, 17, 0));
	assert_int_equal(o[3].start, utc(2025, 4, 7, 16, 0));
	/* Every second Thursday from 2025-01-02. */
	struct recur_spec fortnight = { .start_min = 19 * 60, .end_min = -1, .timezone = "Europe/Oslo",
					.rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", .starts_on = date_from_ymd(2025, 1, 2) };
	n = recur_between(&fortnight, utc(2025, 1, 1, 0, 0), utc(2025, 2, 1, 0, 0), o, 8);
	assert_int_equal(n, 3);
	assert_int_equal(o[0].start, utc(2025, 1, 2, 18, 0));
	assert_int_equal(o[1].start, utc(2025, 1, 16, 18, 0));
	assert_int_equal(o[2].start, utc(2025, 1, 30, 18, 0));
	/* Without its first day the rule means nothing: no occurrences rather than wrong ones. */
	fortnight.starts_on = DATE_NONE;
	assert_int_equal(recur_between(&fortnight, utc(2025, 1, 1, 0, 0), utc(2025, 2, 1, 0, 0), o, 8), 0);

	int days = 0;
	assert_true(recur_rrule_weekly_days("FREQ=WEEKLY;BYDAY=SU,SA", &days));
	assert_int_equal(days, 1 | (1 << 6));
	assert_false(recur_rrule_weekly_days("FREQ=MONTHLY;BYDAY=1MO", &days));
	assert_false(recur_rrule_weekly_days("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", &days));
	const char *why;
	assert_int_equal(recur_rrule_check("FREQ=MONTHLY;BYDAY=-1FR", false, &why), 0);
	assert_int_equal(recur_rrule_check("FREQ=HOURLY", false, &why), -1);
	assert_int_equal(recur_rrule_check("bananas", false, &why), -1);
	assert_int_equal(recur_rrule_check("FREQ=WEEKLY;COUNT=3;BYDAY=MO", false, &why), -1);
	assert_int_equal(recur_rrule_check("FREQ=WEEKLY;COUNT=3;BYDAY=MO", true, &why), 0);
	assert_true(recur_timezone_ok("Europe/Stockholm"));
	assert_true(recur_timezone_ok("UTC"));
	assert_false(recur_timezone_ok("Europe/Atlantis"));
	assert_false(recur_timezone_ok(""));
}

static void test_ics(void **state)
{
	(void)state;
	struct ics_event ev[2] = {
		{ .when = weekly((1 << 2) | (1 << 4), 19 * 60, 20 * 60 + 30, "Europe/Oslo"), .uid = "meeting-1@tolv",
		  .summary = "Tirsdag, torsdag; \"Håp\"", .location = "Storgata 1, Oslo", .description = "Line 1\nLine 2" },
		{ .when = { .start_min = 18 * 60, .end_min = -1, .timezone = "America/New_York",
			    .rrule = "FREQ=MONTHLY;BYDAY=1MO", .starts_on = DATE_NONE },
		  .uid = "meeting-2@tolv", .summary = "First Monday" },
	};
	struct buf b = BUF_INIT;
	recur_ics(&b, ev, 2, "AA-møter", utc(2025, 3, 20, 12, 0));
	assert_non_null(strstr(b.data, "BEGIN:VCALENDAR"));
	assert_non_null(strstr(b.data, "VERSION:2.0"));
	assert_non_null(strstr(b.data, "BEGIN:VTIMEZONE"));
	assert_non_null(strstr(b.data, "Europe/Oslo"));
	assert_non_null(strstr(b.data, "America/New_York"));
	assert_non_null(strstr(b.data, "RRULE:FREQ=WEEKLY;BYDAY=TU,TH"));
	assert_non_null(strstr(b.data, "RRULE:FREQ=MONTHLY;BYDAY=1MO"));
	assert_non_null(strstr(b.data, "TZID:Europe/Oslo"));
	assert_null(strstr(b.data, "freeassociation"));
	/* The first Tuesday or Thursday from 2025-03-20 (a Thursday) at 19:00 local. */
	struct buf unfolded = BUF_INIT; /* RFC 5545 folding: CRLF and a space continue a line */
	for (const char *p = b.data; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		buf_addch(&unfolded, *p);
	}
	assert_non_null(strstr(unfolded.data, "DTSTART;TZID=Europe/Oslo:20250320T190000"));
	buf_release(&unfolded);
	assert_non_null(strstr(b.data, "DURATION:PT1H30M"));
	assert_non_null(strstr(b.data, "UID:meeting-2@tolv"));
	assert_non_null(strstr(b.data, "Tirsdag\\, torsdag\\; \"Håp\""));
	assert_non_null(strstr(b.data, "\r\n"));
	assert_non_null(strstr(b.data, "END:VCALENDAR"));
	buf_release(&b);
}

/* ---- the store-backed parts ---- */

static int64_t make_org(const char *name)
{
	struct org o = { 0 };
	copy_str(o.name, sizeof o.name, name);
	assert_int_equal(store_org_create(st, &o), STORE_OK);
	return o.id;
}

static int64_t make_source(int64_t org, const char *name, const char *format)
{
	struct meeting_source src = { 0 };
	copy_str(src.name, sizeof src.name, name);
	copy_str(src.format, sizeof src.format, format);
	copy_str(src.timezone, sizeof src.timezone, "Europe/Oslo");
	copy_str(src.fellowship, sizeof src.fellowship, "aa");
	assert_int_equal(store_meeting_source_create(st, org, &src), STORE_OK);
	return src.id;
}

static char *read_fixture(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/fixtures/%s", TOLV_SOURCE_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, k);
	fclose(f);
	return buf_detach(&b, len);
}

static const char *fmt_of(int64_t org, int64_t src_id, struct meeting_source *src)
{
	assert_int_equal(store_meeting_source_get(st, org, src_id, src), STORE_OK);
	return src->format;
}

static int64_t public_count(int64_t org)
{
	struct meeting_query q = { .limit = 1 };
	struct meeting *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	assert_int_equal(store_meeting_list(st, org, &q, &rows, &n, &total), STORE_OK);
	free(rows);
	return total;
}

/* Compares one JSON value of the sample with the export's. */
static bool same_json(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return fabs(json_number_value(a) - json_number_value(b)) < 1e-7;
	if (json_is_array(a) && json_is_array(b)) {
		/* Types are a set: compare sorted. */
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++) {
			bool found = false;
			for (size_t j = 0; j < json_array_size(b) && !found; j++)
				found = json_equal(json_array_get(a, i), json_array_get(b, j));
			if (!found)
				return false;
		}
		return true;
	}
	return json_equal(a, b);
}

static void test_round_trip(void **state)
{
	(void)state;
	int64_t org = make_org("Round trip intergroup");
	int64_t src_id = make_source(org, "meetings-sample-500.json", "json");
	struct meeting_source src;
	fmt_of(org, src_id, &src);
	size_t len;
	char *data = read_fixture("meetings-sample-500.json", &len);

	/* A preview changes nothing. */
	struct import_result res;
	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, data, len, true, &res), 0);
	assert_string_equal(res.run.status, "preview");
	assert_int_equal(res.run.added, 500);
	assert_int_equal(public_count(org), 0);
	import_result_release(&res);

	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, data, len, false, &res), 0);
	assert_true(res.applied);
	assert_int_equal(res.run.added, 500);
	assert_int_equal(res.run.rejected, 0);
	import_result_release(&res);
	assert_int_equal(public_count(org), 500);

	/* The same feed again: nothing to do. */
	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, data, len, false, &res), 0);
	assert_int_equal(res.run.unchanged, 500);
	assert_int_equal(res.run.added + res.run.changed + res.run.removed, 0);
	import_result_release(&res);

	directory_changed();
	int rc;
	struct directory *d = directory_get(st, now_seconds(), &rc);
	assert_non_null(d);
	size_t flen;
	const char *feed = directory_feed(d, &flen);
	json_error_t err;
	json_t *out = json_loadb(feed, flen, 0, &err);
	assert_non_null(out);
	json_t *in = json_loadb(data, len, 0, &err);
	assert_non_null(in);
	assert_true(json_array_size(out) >= 500);
	size_t i;
	json_t *a;
	int compared = 0;
	json_array_foreach(in, i, a) {
		const char *slug = json_string_value(json_object_get(a, "slug"));
		json_t *b = NULL;
		for (size_t j = 0; j < json_array_size(out) && !b; j++)
			if (!strcmp(json_string_value(json_object_get(json_array_get(out, j), "slug")), slug))
				b = json_array_get(out, j);
		assert_non_null(b);
		const char *key;
		json_t *v;
		json_object_foreach(a, key, v) {
			json_t *w = json_object_get(b, key);
			if (!w || !same_json(v, w))
				fail_msg("%s: field %s differs after the round trip", slug, key);
			compared++;
		}
	}
	assert_true(compared > 500 * 10);
	json_decref(in);
	json_decref(out);
	directory_release(d);
	free(data);
}

static void test_import_errors(void **state)
{
	(void)state;
	struct meeting_import imp;
	const char *tz = "Europe/Oslo";
	const char *bad_json[] = { "not json", "{\"name\":\"x\"}", "[1,2", "" };
	for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++) {
		meeting_import_init(&imp);
		assert_int_equal(meeting_import_parse(bad_json[i], strlen(bad_json[i]), IMPORT_JSON, tz, "aa", 1, &imp), -1);
		assert_non_null(imp.fatal);
		meeting_import_release(&imp);
	}
	/* Wrong types and bad values: row errors with the field, the other rows kept. */
	const char *rows = "[{\"name\":\"Good\",\"slug\":\"good\",\"day\":1,\"time\":\"19:00\",\"location\":\"Huset\"},"
			   "{\"name\":5,\"slug\":\"num-name\",\"day\":1,\"time\":\"19:00\",\"location\":\"Huset\"},"
			   "{\"name\":\"Bad day\",\"slug\":\"bad-day\",\"day\":9,\"time\":\"19:00\",\"location\":\"Huset\"},"
			   "{\"name\":\"Bad types\",\"slug\":\"bad-types\",\"types\":{\"O\":1},\"location\":\"Huset\"},"
			   "{\"name\":\"No slug\",\"location\":\"Huset\"},"
			   "{\"name\":\"Lat only\",\"slug\":\"lat-only\",\"latitude\":59.9,\"location\":\"Huset\"},"
			   "{\"name\":\"Days\",\"slug\":7,\"day\":[1,3],\"time\":\"7:00 PM\",\"location\":\"Huset\"},"
			   "\"a string\","
			   "{\"name\":\"Dup\",\"slug\":\"good\",\"location\":\"Huset\"}]";
	meeting_import_init(&imp);
	assert_int_equal(meeting_import_parse(rows, strlen(rows), IMPORT_JSON, tz, "aa", 1, &imp), 0);
	assert_int_equal(imp.total, 9);
	assert_int_equal(imp.n, 2);
	assert_int_equal(imp.nerrors, 7);
	assert_string_equal(imp.errors[0].field, "name");
	assert_string_equal(imp.errors[0].slug, "num-name");
	assert_string_equal(imp.errors[1].field, "day");
	assert_string_equal(imp.errors[2].field, "types");
	assert_string_equal(imp.errors[3].field, "slug");
	assert_true(imp.unslugged_error);
	assert_string_equal(imp.rows[1].slug, "7");
	assert_int_equal(imp.rows[1].days, (1 << 1) | (1 << 3));
	meeting_import_release(&imp);

	/* A huge string is a row error, not a crash or a truncation. */
	struct buf big = BUF_INIT;
	buf_adds(&big, "[{\"slug\":\"big\",\"location\":\"Huset\",\"name\":\"");
	for (int k = 0; k < 100000; k++)
		buf_addch(&big, 'x');
	buf_adds(&big, "\"}]");
	meeting_import_init(&imp);
	assert_int_equal(meeting_import_parse(big.data, big.len, IMPORT_JSON, tz, "aa", 1, &imp), 0);
	assert_int_equal(imp.n, 0);
	assert_int_equal(imp.nerrors, 1);
	assert_string_equal(imp.errors[0].field, "name");
	meeting_import_release(&imp);
	buf_release(&big);

	/* 100,000 rows: refused whole, and nothing reaches the store. */
	int64_t org = make_org("Too many");
	int64_t src_id = make_source(org, "huge.json", "json");
	struct meeting_source src;
	fmt_of(org, src_id, &src);
	struct buf huge = BUF_INIT;
	buf_addch(&huge, '[');
	for (int k = 0; k < 100000; k++)
		buf_addf(&huge, "%s{\"name\":\"M %d\",\"slug\":\"m-%d\",\"day\":1,\"time\":\"19:00\",\"location\":\"H\"}",
			 k ? "," : "", k, k);
	buf_addch(&huge, ']');
	struct import_result res;
	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, huge.data, huge.len, false, &res), 0);
	assert_false(res.applied);
	assert_string_equal(res.run.status, "failed");
	assert_non_null(strstr(res.run.message, "10,000"));
	import_result_release(&res);
	assert_int_equal(public_count(org), 0);
	buf_release(&huge);

	/* More rejected than accepted: nothing applied either. */
	const char *mostly_bad = "[{\"name\":\"Ok\",\"slug\":\"ok\",\"location\":\"H\"},{\"slug\":\"a\"},{\"slug\":\"b\"}]";
	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, mostly_bad, strlen(mostly_bad), false, &res), 0);
	assert_string_equal(res.run.status, "failed");
	assert_int_equal(res.run.rejected, 2);
	import_result_release(&res);
	assert_int_equal(public_count(org), 0);
}

static void test_csv(void **state)
{
	(void)state;
	size_t len;
	char *data = read_fixture("meetings-tsml.csv", &len);
	assert_int_equal(meeting_import_guess("x.csv", data, len), IMPORT_CSV);
	assert_int_equal(meeting_import_guess(NULL, "  [", 3), IMPORT_JSON);
	struct meeting_import imp;
	meeting_import_init(&imp);
	assert_int_equal(meeting_import_parse(data, len, IMPORT_CSV, "Europe/Oslo", "aa", 1, &imp), 0);
	assert_int_equal(imp.total, 5);
	assert_int_equal(imp.n, 3);
	assert_int_equal(imp.nerrors, 2);
	const struct meeting *m = &imp.rows[0];
	assert_string_equal(m->slug, "after-work-topic-meeting");
	assert_int_equal(m->start_min, 18 * 60);
	assert_int_equal(m->days, 1 << 1);
	assert_string_equal(m->types, "O,X");
	assert_string_equal(m->notes, "Ring the bell.\nSecond floor, \"blue\" door.");
	assert_string_equal(m->formatted_address, "Storgata 1, 0155 Oslo, Norway");
	assert_string_equal(m->contact[0].name, "Kari N.");
	assert_int_equal(m->updated_at, utc(2020, 4, 4, 16, 50) + 58);
	m = &imp.rows[1];
	assert_int_equal(m->days, 1 << 2);
	assert_int_equal(m->end_min, 20 * 60 + 45);
	assert_string_equal(m->types, "C,NO,ST");
	m = &imp.rows[2];
	assert_string_equal(m->types, "EN,ONL");
	assert_string_equal(m->attendance, "online");
	assert_string_equal(imp.errors[0].slug, "bad-contact");
	assert_string_equal(imp.errors[0].field, "contact_1_name");
	assert_int_equal(imp.errors[0].row, 4);
	assert_string_equal(imp.errors[1].field, "time");
	meeting_import_release(&imp);
	free(data);

	const char *no_header = "\"Foo\",\"Bar\"\n1,2\n";
	meeting_import_init(&imp);
	assert_int_equal(meeting_import_parse(no_header, strlen(no_header), IMPORT_CSV, "Europe/Oslo", "aa", 1, &imp), -1);
	meeting_import_release(&imp);
	const char *open_quote = "Name,Slug,Location\n\"Unclosed,x,y\n";
	meeting_import_init(&imp);
	assert_int_equal(meeting_import_parse(open_quote, strlen(open_quote), IMPORT_CSV, "Europe/Oslo", "aa", 1, &imp), 0);
	assert_int_equal(imp.n, 0);
	assert_int_equal(imp.nerrors, 1);
	meeting_import_release(&imp);
}

static void test_plan(void **state)
{
	(void)state;
	int64_t org = make_org("Plan intergroup");
	int64_t src_id = make_source(org, "plan.json", "json");
	struct meeting_source src;
	fmt_of(org, src_id, &src);
	const char *v1 = "[{\"name\":\"A\",\"slug\":\"a\",\"day\":1,\"time\":\"19:00\",\"location\":\"H\"},"
			 "{\"name\":\"B\",\"slug\":\"b\",\"day\":2,\"time\":\"19:00\",\"location\":\"H\"},"
			 "{\"name\":\"C\",\"slug\":\"c\",\"day\":3,\"time\":\"19:00\",\"location\":\"H\"}]";
	struct import_result res;
	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, v1, strlen(v1), false, &res), 0);
	assert_int_equal(res.run.added, 3);
	import_result_release(&res);
	/* A hand-made listing is never removed by the import. */
	struct meeting own;
	meeting_init(&own);
	copy_str(own.name, sizeof own.name, "By hand");
	copy_str(own.location, sizeof own.location, "H");
	struct meeting_errors errs = { 0 };
	assert_int_equal(meetings_create(&ac, &cli, org, &own, &errs), 0);

	/* a changed, b gone, c kept, d new; a rejected row with slug "c2" protects nothing. */
	const char *v2 = "[{\"name\":\"A renamed\",\"slug\":\"a\",\"day\":1,\"time\":\"19:00\",\"location\":\"H\"},"
			 "{\"name\":\"C\",\"slug\":\"c\",\"day\":3,\"time\":\"19:00\",\"location\":\"H\"},"
			 "{\"name\":\"D\",\"slug\":\"d\",\"day\":4,\"time\":\"19:00\",\"location\":\"H\"}]";
	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, v2, strlen(v2), true, &res), 0);
	assert_int_equal(res.plan.added, 1);
	assert_int_equal(res.plan.changed, 1);
	assert_int_equal(res.plan.unchanged, 1);
	assert_int_equal(res.plan.nremove, 1);
	bool saw_remove_b = false;
	for (size_t i = 0; i < res.plan.nitems; i++)
		saw_remove_b |= res.plan.items[i].kind == '-' && !strcmp(res.plan.items[i].slug, "b");
	assert_true(saw_remove_b);
	import_result_release(&res);
	assert_int_equal(public_count(org), 4); /* the preview changed nothing */

	/* b's row is in the feed but broken: it is not removed. */
	const char *v3 = "[{\"name\":\"A\",\"slug\":\"a\",\"day\":1,\"time\":\"19:00\",\"location\":\"H\"},"
			 "{\"name\":\"B\",\"slug\":\"b\",\"day\":2,\"time\":\"99:00\",\"location\":\"H\"},"
			 "{\"name\":\"C\",\"slug\":\"c\",\"day\":3,\"time\":\"19:00\",\"location\":\"H\"}]";
	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, v3, strlen(v3), false, &res), 0);
	assert_int_equal(res.run.removed, 0);
	assert_int_equal(res.run.rejected, 1);
	import_result_release(&res);

	assert_int_equal(meeting_import_run(&ac, &cli, org, &src, v2, strlen(v2), false, &res), 0);
	assert_int_equal(res.run.removed, 1);
	assert_int_equal(res.run.added, 1);
	import_result_release(&res);
	assert_int_equal(public_count(org), 4); /* a, c, d and the hand-made one */
	struct meeting_import_run *runs = NULL;
	size_t n = 0;
	assert_int_equal(store_meeting_run_list(st, org, src_id, 10, &runs, &n), STORE_OK);
	assert_int_equal(n, 4);
	free(runs);
}

/* Query parameters from a {name, value} list ending in { NULL, NULL }. */
static const char *get(void *arg, const char *name)
{
	const struct {
		const char *k, *v;
	} *p = arg;
	for (; p->k; p++)
		if (!strcmp(p->k, name))
			return p->v;
	return NULL;
}

/* The finder's time windows, in the meetings' own zones, across midnight. */
static void test_finder_windows(void **state)
{
	(void)state;
	/* A store of its own: the directory is installation-wide, and the other tests'
	 * meetings would be found too. */
	struct store *shared = st;
	struct auditor *shared_audit = ac.audit;
	char url[600];
	snprintf(url, sizeof url, "sqlite:%s/finder.db", tmpdir);
	assert_int_equal(store_open(url, 2, &st), STORE_OK);
	assert_int_equal(store_migrate(st, NULL), STORE_OK);
	ac.store = st;
	ac.audit = auditor_new(st, false);
	int64_t org = make_org("Finder org");
	struct meeting_errors errs = { 0 };
	struct {
		const char *name, *tz, *types, *fellowship;
		int day, start;
		double lat, lon;
	} defs[] = {
		{ "Midnatt Oslo", "Europe/Oslo", "O,NO,X", "aa", 1, 30, 59.9139, 10.7522 },      /* Monday 00:30 */
		{ "Kveld Oslo", "Europe/Oslo", "C,NO", "na", 0, 19 * 60, 59.92, 10.76 },         /* Sunday 19:00 */
		{ "Evening New York", "America/New_York", "O,EN", "aa", 0, 19 * 60, 40.7128, -74.006 },
		{ "Bergen morgen", "Europe/Oslo", "O,NO", "aa", 1, 7 * 60, 60.3913, 5.3221 },    /* Monday 07:00 */
	};
	int64_t ids[4];
	for (int i = 0; i < 4; i++) {
		struct meeting m;
		meeting_init(&m);
		copy_str(m.name, sizeof m.name, defs[i].name);
		copy_str(m.timezone, sizeof m.timezone, defs[i].tz);
		copy_str(m.types, sizeof m.types, defs[i].types);
		copy_str(m.fellowship, sizeof m.fellowship, defs[i].fellowship);
		copy_str(m.region, sizeof m.region, i == 3 ? "Bergenhus" : "Sentrum");
		copy_str(m.location, sizeof m.location, "Huset");
		m.days = 1 << defs[i].day;
		m.start_min = defs[i].start;
		m.has_geo = true;
		m.lat_e6 = (int64_t)llround(defs[i].lat * 1e6);
		m.lon_e6 = (int64_t)llround(defs[i].lon * 1e6);
		assert_int_equal(meetings_create(&ac, &cli, org, &m, &errs), 0);
		ids[i] = m.id;
	}
	/* Sunday 2025-06-15 23:05 in Oslo (21:05 UTC) = 17:05 in New York. */
	int64_t now = utc(2025, 6, 15, 21, 5);
	int rc;
	struct directory *d = directory_get(st, now, &rc);
	assert_non_null(d);
	struct finder_hit hits[16];
	bool more;
	struct finder_query q;

	/* Soon: Oslo's 00:30 (after local midnight) and New York's 19:00 (in two hours). */
	finder_query_init(&q, 16);
	q.when = FINDER_SOON;
	size_t n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0].m->id, ids[0]);
	assert_int_equal(hits[0].start, utc(2025, 6, 15, 22, 30));
	assert_int_equal(hits[1].m->id, ids[2]);
	assert_int_equal(hits[1].start, utc(2025, 6, 15, 23, 0));

	/* This evening: New York's is (its own evening); Oslo's 00:30 is tomorrow there. */
	q.when = FINDER_EVENING;
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].m->id, ids[2]);

	/* Monday (local to each meeting): Oslo's midnight meeting and Bergen's morning one. */
	finder_query_init(&q, 16);
	q.day = 1;
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0].m->id, ids[0]);
	assert_int_equal(hits[1].m->id, ids[3]);

	/* Sunday: Oslo's 19:00 has passed today, so its next is a week on; New York's first. */
	q.day = 0;
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0].m->id, ids[2]);
	assert_int_equal(hits[1].m->id, ids[1]);
	assert_int_equal(hits[1].start, utc(2025, 6, 22, 17, 0));

	/* Distance from central Oslo, 5 km: not Bergen, not New York. Then by place name. */
	finder_query_init(&q, 16);
	q.has_point = true;
	q.lat = 59.91;
	q.lon = 10.75;
	q.km = 5;
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 2);
	assert_true(hits[0].km >= 0 && hits[0].km < 5);
	const char *field, *why;
	struct {
		const char *k, *v;
	} params[] = { { "near", "bergenhus" }, { "km", "20" }, { "access", "open" }, { NULL, NULL } };
	finder_query_init(&q, 16);
	assert_int_equal(finder_query_parse(&q, d, get, params, 50, &field, &why), 0);
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].m->id, ids[3]);

	/* Fellowship, language, wheelchair; paging. */
	finder_query_init(&q, 1);
	copy_str(q.language, sizeof q.language, "NO");
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 1);
	assert_true(more);
	finder_query_init(&q, 16);
	copy_str(q.fellowship, sizeof q.fellowship, "na");
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].m->id, ids[1]);
	finder_query_init(&q, 16);
	q.wheelchair = true;
	n = finder_search(d, &q, now, hits, &more);
	assert_int_equal(n, 1);

	/* Bad parameters are named. */
	struct {
		const char *k, *v;
	} badp[] = { { "when", "yesterday" }, { NULL, NULL } };
	finder_query_init(&q, 16);
	assert_int_equal(finder_query_parse(&q, d, get, badp, 50, &field, &why), -1);
	assert_string_equal(field, "when");

	/* The CSV and iCalendar exports of a result list. */
	finder_query_init(&q, 16);
	n = finder_search(d, &q, now, hits, &more);
	struct buf b = BUF_INIT;
	finder_csv(hits, n, &b);
	assert_non_null(strstr(b.data, "\"Time\",\"End Time\",\"Day\",\"Name\""));
	assert_non_null(strstr(b.data, "\"Midnatt Oslo\""));
	assert_non_null(strstr(b.data, "\"Norwegian, Open, Wheelchair Access\""));
	buf_reset(&b);
	finder_ics(hits, n, "tolv.example", "Meetings", now, &b);
	assert_non_null(strstr(b.data, "UID:meeting-"));
	assert_non_null(strstr(b.data, "America/New_York"));
	buf_release(&b);
	directory_release(d);
	auditor_free(ac.audit);
	store_close(st);
	st = shared;
	ac.store = shared;
	ac.audit = shared_audit;
	directory_changed();
}

/* ---- set-up ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/tolv-meetings-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	char url[600];
	snprintf(url, sizeof url, "sqlite:%s/m.db", tmpdir);
	if (store_open(url, 4, &st) || store_migrate(st, NULL))
		return -1;
	ac.store = st;
	ac.audit = auditor_new(st, false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	auditor_free(ac.audit);
	store_close(st);
	nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

int main(void)
{
	if (util_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contact_names),
		cmocka_unit_test(test_parse_pieces),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_recur_dst_oslo),
		cmocka_unit_test(test_recur_dst_new_york),
		cmocka_unit_test(test_recur_midnight_and_rules),
		cmocka_unit_test(test_ics),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_finder_windows),
	};
	return cmocka_run_group_tests_name("meetings", tests, setup, teardown);
}
