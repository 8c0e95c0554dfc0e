/* test_store_path.c: the store's contract for a person's path through a programme
 * (issue 3) — programmes, groups, referral sources, persons, referrals, self-referrals,
 * enrolments and attendance — run unchanged on SQLite and PostgreSQL.
 *
 * The backend is TOLV_TEST_DB, as for test_store.c: unset or "sqlite:" for a fresh
 * SQLite file in a temporary folder, a postgresql:// URL for a fresh database created on
 * that server for the run and dropped at the end. Tests share the database and stay out
 * of each other's way with organisations of their own (make_org("tag")).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store_testing.h"

#include "fixtures.h"


static int64_t make_group(int64_t org_id, int64_t programme_id, const char *name, int capacity)
{
	struct group g = { .programme_id = programme_id, .weekdays = STORE_MONDAY | STORE_WEDNESDAY | STORE_THURSDAY,
			   .start_min = 9 * 60, .end_min = 14 * 60, .capacity = capacity, .active = true };
	copy_str(g.name, sizeof g.name, name);
	copy_str(g.phase_key, sizeof g.phase_key, "day_treatment");
	copy_str(g.place, sizeof g.place, "Room 2");
	assert_int_equal(store_group_create(st, org_id, &g), STORE_OK);
	return g.id;
}

static int add_member(int64_t org_id, int64_t group_id, int64_t enrolment_id, int32_t from)
{
	struct group_member m = { .group_id = group_id, .enrolment_id = enrolment_id, .from_day = from };
	return store_group_member_add(st, org_id, &m);
}

static int32_t D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static bool error_mentions(const char *text)
{
	return strstr(store_last_error(), text) != NULL;
}

/* ---- programmes ---- */

static void test_migrated(void **state)
{
	(void)state;
	int v = 0;
	assert_int_equal(store_schema_version(st, &v), STORE_OK);
	assert_int_equal(v, store_latest_version());
	assert_true(v >= 2);
}

static void test_programmes(void **state)
{
	(void)state;
	int64_t org = make_org("programmes"), other = make_org("programmes-other");
	struct programme p, got;
	day_treatment(&p, "Dagbehandling Lister");
	assert_int_equal(store_programme_create(st, org, &p), STORE_OK);
	assert_true(p.id > 0);
	assert_int_equal(p.org_id, org);

	assert_int_equal(store_programme_get(st, org, p.id, &got), STORE_OK);
	assert_string_equal(got.name, "Dagbehandling Lister");
	assert_string_equal(got.template_key, "municipal_day_treatment");
	assert_int_equal(got.nphases, 4);
	assert_string_equal(got.phases[2].key, "day_treatment");
	assert_int_equal(got.phases[2].target_days, 100);
	assert_int_equal(got.phases[2].min_days_per_week, 3);
	assert_int_equal(got.phases[2].max_hours_per_day, 5);
	assert_int_equal(got.phases[3].max_months, 18);
	assert_int_equal(got.phases[1].session_minutes, 120);
	assert_true(got.active);
	assert_int_equal(got.min_steps, 12);

	/* Another organisation sees nothing of it. */
	assert_int_equal(store_programme_get(st, other, p.id, &got), STORE_NOTFOUND);
	struct programme upd = p;
	assert_int_equal(store_programme_update(st, other, &upd), STORE_NOTFOUND);
	struct programme *list;
	size_t n;
	assert_int_equal(store_programme_list(st, other, true, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);

	/* The name is unique within the organisation, not across them. */
	struct programme dup;
	day_treatment(&dup, "Dagbehandling Lister");
	assert_int_equal(store_programme_create(st, org, &dup), STORE_CONFLICT);
	assert_int_equal(store_programme_create(st, other, &dup), STORE_OK);

	/* Numbers out of range and repeated keys are refused, nothing is stored. */
	struct programme bad;
	day_treatment(&bad, "Bad numbers");
	bad.phases[2].target_days = 2000;
	assert_int_equal(store_programme_create(st, org, &bad), STORE_INVALID);
	day_treatment(&bad, "Bad hours");
	bad.phases[2].min_hours_per_day = 6;
	assert_int_equal(store_programme_create(st, org, &bad), STORE_INVALID);
	day_treatment(&bad, "Bad keys");
	copy_str(bad.phases[3].key, sizeof bad.phases[3].key, "motivation");
	assert_int_equal(store_programme_create(st, org, &bad), STORE_INVALID);
	day_treatment(&bad, "Bad key chars");
	copy_str(bad.phases[0].key, sizeof bad.phases[0].key, "Pre treatment");
	assert_int_equal(store_programme_create(st, org, &bad), STORE_INVALID);
	assert_int_equal(store_programme_create(st, 0, &p), STORE_INVALID);

	/* Update: every number, a renamed and a removed phase, in one transaction. */
	upd = got;
	copy_str(upd.name, sizeof upd.name, "Dagbehandling Lister 2");
	upd.phases[2].target_days = 90;
	upd.phases[2].min_days_per_week = 4;
	/* Swap two keys: the phases are rewritten row by row. */
	copy_str(upd.phases[0].key, sizeof upd.phases[0].key, "motivation");
	copy_str(upd.phases[1].key, sizeof upd.phases[1].key, "pre_treatment");
	upd.nphases = 3;
	upd.active = false;
	assert_int_equal(store_programme_update(st, org, &upd), STORE_OK);
	assert_int_equal(store_programme_get(st, org, p.id, &got), STORE_OK);
	assert_string_equal(got.name, "Dagbehandling Lister 2");
	assert_int_equal(got.nphases, 3);
	assert_string_equal(got.phases[0].key, "motivation");
	assert_string_equal(got.phases[1].key, "pre_treatment");
	assert_int_equal(got.phases[2].target_days, 90);
	assert_int_equal(got.phases[2].min_days_per_week, 4);
	assert_false(got.active);

	/* Lists: active only, or all; by name; with their phases. */
	int64_t second = make_programme(org, "Aa first by name");
	assert_int_equal(store_programme_list(st, org, false, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, second);
	assert_int_equal(list[0].nphases, 4);
	free(list);
	assert_int_equal(store_programme_list(st, org, true, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, second);
	assert_int_equal(list[1].id, p.id);
	assert_int_equal(list[1].nphases, 3);
	assert_string_equal(list[1].phases[2].key, "day_treatment");
	free(list);

	/* A phase that an enrolment is in cannot be removed. */
	int64_t t = make_member(org, "prog-therapist@example.no", "therapist");
	int64_t person = make_person(org, "Kari", "Nordmann", D(1980, 5, 17));
	int64_t e = make_enrolment(org, person, second, t, D(2025, 1, 6));
	struct enrolment en;
	assert_int_equal(store_enrolment_get(st, org, e, &en), STORE_OK);
	struct enrolment_event ev = event_of("phase", 0, 3, D(2025, 1, 7), t);
	copy_str(ev.reason, sizeof ev.reason, "Referred straight to aftercare");
	en.phase = 3;
	assert_int_equal(store_enrolment_change(st, org, &en, en.version, &ev), STORE_OK);
	struct programme shrink;
	assert_int_equal(store_programme_get(st, org, second, &shrink), STORE_OK);
	shrink.nphases = 3;
	assert_int_equal(store_programme_update(st, org, &shrink), STORE_CONFLICT);
	assert_int_equal(store_programme_get(st, org, second, &shrink), STORE_OK);
	assert_int_equal(shrink.nphases, 4);

	/* Creating a programme gave the organisation its referral sources. */
	struct referral_source *src;
	assert_int_equal(store_referral_source_list(st, org, false, &src, &n), STORE_OK);
	assert_int_equal(n, 10);
	assert_string_equal(src[0].key, "nav");
	free(src);
}

static void test_closed_dates(void **state)
{
	(void)state;
	int64_t org = make_org("closed"), other = make_org("closed-other");
	int64_t prog = make_programme(org, "Closed dates");
	struct closed_date d = { .day = D(2025, 12, 24) };
	copy_str(d.label, sizeof d.label, "Christmas Eve");
	assert_int_equal(store_closed_date_add(st, org, prog, &d), STORE_OK);
	d.day = D(2025, 12, 25);
	copy_str(d.label, sizeof d.label, "Christmas");
	assert_int_equal(store_closed_date_add(st, org, prog, &d), STORE_OK);
	d.day = D(2026, 1, 1);
	copy_str(d.label, sizeof d.label, "");
	assert_int_equal(store_closed_date_add(st, org, prog, &d), STORE_OK);
	/* Adding an existing day renames it. */
	copy_str(d.label, sizeof d.label, "New Year's Day");
	assert_int_equal(store_closed_date_add(st, org, prog, &d), STORE_OK);

	struct closed_date *list;
	size_t n;
	assert_int_equal(store_closed_date_list(st, org, prog, DATE_NONE, DATE_NONE, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].day, D(2025, 12, 24));
	assert_string_equal(list[2].label, "New Year's Day");
	free(list);
	assert_int_equal(store_closed_date_list(st, org, prog, D(2025, 12, 25), D(2025, 12, 31), &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].day, D(2025, 12, 25));
	free(list);

	assert_int_equal(store_closed_date_remove(st, org, prog, D(2025, 12, 25)), STORE_OK);
	assert_int_equal(store_closed_date_remove(st, org, prog, D(2025, 12, 25)), STORE_NOTFOUND);
	/* Another organisation can neither see, add nor remove them. */
	assert_int_equal(store_closed_date_list(st, other, prog, DATE_NONE, DATE_NONE, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_closed_date_remove(st, other, prog, D(2025, 12, 24)), STORE_NOTFOUND);
	assert_int_equal(store_closed_date_add(st, other, prog, &d), STORE_INVALID);

	/* The programmes with their closed dates in a window, in one read: a second programme
	 * (inactive) with a day of its own; a programme of another organisation with one. */
	int64_t prog2 = make_programme(org, "Closed dates, the second");
	int64_t foreign = make_programme(other, "Closed dates elsewhere");
	d.day = D(2025, 12, 26);
	assert_int_equal(store_closed_date_add(st, org, prog2, &d), STORE_OK);
	assert_int_equal(store_closed_date_add(st, other, foreign, &d), STORE_OK);
	struct programme *ps;
	struct programme_day *days;
	size_t np, nd;
	assert_int_equal(store_programme_list_closed(st, org, true, D(2025, 12, 20), D(2025, 12, 31), &ps, &np, &days, &nd),
			 STORE_OK);
	assert_int_equal(np, 2);
	assert_true(ps[0].nphases > 0 && ps[1].nphases > 0);
	assert_int_equal(nd, 2); /* Christmas Eve and the 26th; Christmas was removed, New Year is outside */
	for (size_t i = 0; i < nd; i++) {
		if (days[i].programme_id == prog)
			assert_int_equal(days[i].day, D(2025, 12, 24));
		else {
			assert_int_equal(days[i].programme_id, prog2);
			assert_int_equal(days[i].day, D(2025, 12, 26));
		}
	}
	free(ps);
	free(days);
	/* Inactive programmes left out, with their days. */
	struct programme p2;
	assert_int_equal(store_programme_get(st, org, prog2, &p2), STORE_OK);
	p2.active = false;
	assert_int_equal(store_programme_update(st, org, &p2), STORE_OK);
	assert_int_equal(store_programme_list_closed(st, org, false, DATE_NONE, DATE_NONE, &ps, &np, &days, &nd),
			 STORE_OK);
	assert_int_equal(np, 1);
	assert_int_equal(ps[0].id, prog);
	assert_int_equal(nd, 2);
	assert_int_equal(days[0].day, D(2025, 12, 24));
	assert_int_equal(days[1].day, D(2026, 1, 1));
	free(ps);
	free(days);
	/* No programmes: nothing, and no days. */
	int64_t empty = make_org("closed-empty");
	assert_int_equal(store_programme_list_closed(st, empty, true, DATE_NONE, DATE_NONE, &ps, &np, &days, &nd),
			 STORE_OK);
	assert_int_equal(np, 0);
	assert_int_equal(nd, 0);
	free(ps);
	free(days);
	assert_int_equal(store_programme_list_closed(st, org, true, DATE_NONE, DATE_NONE, &ps, &np, NULL, &nd),
			 STORE_INVALID);
}

/* ---- groups ---- */

static void test_groups(void **state)
{
	(void)state;
	int64_t org = make_org("groups"), other = make_org("groups-other");
	int64_t prog = make_programme(org, "Groups"), prog2 = make_programme(org, "Groups 2");
	int64_t g1 = make_group(org, prog, "Tuesday group", 8);
	make_group(org, prog2, "Another", 0);
	struct group g;
	assert_int_equal(store_group_get(st, org, g1, &g), STORE_OK);
	assert_string_equal(g.name, "Tuesday group");
	assert_string_equal(g.place, "Room 2");
	assert_int_equal(g.weekdays, STORE_MONDAY | STORE_WEDNESDAY | STORE_THURSDAY);
	assert_int_equal(g.start_min, 540);
	assert_int_equal(g.end_min, 840);
	assert_int_equal(g.capacity, 8);
	assert_int_equal(g.members, 0);
	assert_int_equal(g.programme_id, prog);

	g.capacity = 10;
	g.weekdays = STORE_TUESDAY;
	copy_str(g.name, sizeof g.name, "Motivation group");
	copy_str(g.phase_key, sizeof g.phase_key, "motivation");
	g.start_min = 18 * 60;
	g.end_min = 20 * 60;
	assert_int_equal(store_group_update(st, org, &g), STORE_OK);
	assert_int_equal(store_group_get(st, org, g1, &g), STORE_OK);
	assert_int_equal(g.capacity, 10);
	assert_string_equal(g.phase_key, "motivation");
	assert_int_equal(g.end_min, 1200);

	struct group *list;
	size_t n;
	assert_int_equal(store_group_list(st, org, prog, false, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(list);
	assert_int_equal(store_group_list(st, org, 0, false, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "Another");
	free(list);
	g.active = false;
	assert_int_equal(store_group_update(st, org, &g), STORE_OK);
	assert_int_equal(store_group_list(st, org, 0, false, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(list);
	assert_int_equal(store_group_list(st, org, 0, true, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	free(list);

	/* Bad times, another organisation's group, a group in another org's programme. */
	struct group bad = g;
	bad.start_min = 600;
	bad.end_min = 500;
	assert_int_equal(store_group_update(st, org, &bad), STORE_INVALID);
	assert_int_equal(store_group_get(st, other, g1, &g), STORE_NOTFOUND);
	assert_int_equal(store_group_update(st, other, &g), STORE_NOTFOUND);
	assert_int_equal(store_group_list(st, other, 0, true, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
	struct group foreign = { .programme_id = prog, .active = true };
	copy_str(foreign.name, sizeof foreign.name, "Foreign");
	assert_int_equal(store_group_create(st, other, &foreign), STORE_INVALID);
}

static void test_group_capacity(void **state)
{
	(void)state;
	int64_t org = make_org("capacity"), other = make_org("capacity-other");
	int64_t t = make_member(org, "cap-therapist@example.no", "therapist");
	int64_t prog = make_programme(org, "Capacity"), prog2 = make_programme(org, "Capacity 2");
	int64_t g = make_group(org, prog, "Small", 2);
	int32_t day = D(2025, 3, 3);
	int64_t e1 = make_enrolment(org, make_person(org, "Anne", "Berg", D(1970, 1, 1)), prog, t, day);
	int64_t e2 = make_enrolment(org, make_person(org, "Bjørn", "Dahl", D(1971, 1, 1)), prog, t, day);
	int64_t e3 = make_enrolment(org, make_person(org, "Cecilie", "Eik", D(1972, 1, 1)), prog, t, day);
	int64_t ex = make_enrolment(org, make_person(org, "Dag", "Fjell", D(1973, 1, 1)), prog2, t, day);

	struct group_member m = { .group_id = g, .enrolment_id = e1, .from_day = day, .created_by = t };
	assert_int_equal(store_group_member_add(st, org, &m), STORE_OK);
	int64_t m1 = m.id;
	assert_int_equal(add_member(org, g, e1, day), STORE_CONFLICT);
	assert_int_equal(add_member(org, g, e2, day + 1), STORE_OK);
	assert_int_equal(add_member(org, g, e3, day), STORE_FULL);
	assert_true(error_mentions("full"));
	int count = -1;
	assert_int_equal(store_group_member_count(st, org, g, &count), STORE_OK);
	assert_int_equal(count, 2);
	struct group got;
	assert_int_equal(store_group_get(st, org, g, &got), STORE_OK);
	assert_int_equal(got.members, 2);

	/* An enrolment in another programme cannot join; another org sees no group. */
	struct group big = got;
	big.capacity = 0; /* no limit */
	assert_int_equal(store_group_update(st, org, &big), STORE_OK);
	assert_int_equal(add_member(org, g, ex, day), STORE_INVALID);
	assert_int_equal(add_member(other, g, e3, day), STORE_NOTFOUND);
	assert_int_equal(store_group_member_count(st, other, g, &count), STORE_NOTFOUND);
	big.capacity = 2;
	assert_int_equal(store_group_update(st, org, &big), STORE_OK);

	/* Ending a membership frees a place; ending it twice is a conflict. */
	assert_int_equal(store_group_member_end(st, org, m1, day - 1), STORE_INVALID);
	assert_int_equal(store_group_member_end(st, other, m1, day + 10), STORE_NOTFOUND);
	assert_int_equal(store_group_member_end(st, org, m1, day + 10), STORE_OK);
	assert_int_equal(store_group_member_end(st, org, m1, day + 11), STORE_CONFLICT);
	assert_int_equal(store_group_member_count(st, org, g, &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(add_member(org, g, e3, day + 11), STORE_OK);
	/* Re-joining after the end is a new membership. */
	assert_int_equal(add_member(org, g, e1, day + 20), STORE_FULL);

	struct group_member *list;
	size_t n;
	assert_int_equal(store_group_member_list(st, org, g, DATE_NONE, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].enrolment_id, e1);
	assert_int_equal(list[0].to_day, day + 10);
	assert_int_equal(list[1].to_day, DATE_NONE);
	free(list);
	/* On day + 5: Anne (until +10) and Bjørn (from +1); by family name. */
	assert_int_equal(store_group_member_list(st, org, g, day + 5, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].family_name, "Berg");
	assert_string_equal(list[1].given_name, "Bjørn");
	assert_true(list[1].person_id > 0);
	free(list);
	assert_int_equal(store_group_member_list(st, org, g, day + 15, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].family_name, "Eik");
	free(list);
	assert_int_equal(store_group_member_list(st, other, g, DATE_NONE, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

static void test_waiting_list(void **state)
{
	(void)state;
	int64_t org = make_org("waiting"), other = make_org("waiting-other");
	int64_t t = make_member(org, "wait-therapist@example.no", "coordinator");
	int64_t prog = make_programme(org, "Waiting");
	int64_t g = make_group(org, prog, "Full group", 1);
	int32_t day = D(2025, 4, 7);
	int64_t in = make_enrolment(org, make_person(org, "Inne", "Allerede", D(1960, 2, 2)), prog, t, day);
	int64_t w[3];
	const char *names[] = { "Første", "Andre", "Tredje" };
	for (int i = 0; i < 3; i++)
		w[i] = make_enrolment(org, make_person(org, names[i], "Venter", D(1990, 1, 1 + i)), prog, t, day);
	assert_int_equal(add_member(org, g, in, day), STORE_OK);

	for (int i = 0; i < 3; i++) {
		struct group_waiting e = { .group_id = g, .enrolment_id = w[i], .created_at = 1000 + i, .created_by = t };
		copy_str(e.note, sizeof e.note, names[i]);
		assert_int_equal(store_waiting_add(st, org, &e), STORE_OK);
		assert_true(e.id > 0);
	}
	struct group_waiting dup = { .group_id = g, .enrolment_id = w[1] };
	assert_int_equal(store_waiting_add(st, org, &dup), STORE_CONFLICT);
	struct group_waiting member = { .group_id = g, .enrolment_id = in };
	assert_int_equal(store_waiting_add(st, org, &member), STORE_CONFLICT);
	struct group_waiting foreign = { .group_id = g, .enrolment_id = w[0] };
	assert_int_equal(store_waiting_add(st, other, &foreign), STORE_NOTFOUND);

	struct group_waiting *list;
	size_t n;
	assert_int_equal(store_waiting_list(st, org, g, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(list[i].enrolment_id, w[i]);
		assert_int_equal(list[i].position, i + 1);
		assert_string_equal(list[i].given_name, names[i]);
	}
	int64_t second_entry = list[1].id, third_entry = list[2].id;
	free(list);
	struct group got;
	assert_int_equal(store_group_get(st, org, g, &got), STORE_OK);
	assert_int_equal(got.waiting, 3);

	/* No room: the entry stays. */
	struct group_member m;
	assert_int_equal(store_waiting_promote(st, org, g, 0, day + 7, t, &m), STORE_FULL);
	assert_int_equal(store_waiting_list(st, org, g, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	int64_t member_id = 0;
	free(list);
	struct group_member *members;
	assert_int_equal(store_group_member_list(st, org, g, DATE_NONE, &members, &n), STORE_OK);
	member_id = members[0].id;
	free(members);
	assert_int_equal(store_group_member_end(st, org, member_id, day + 6), STORE_OK);

	/* The first in line moves in; the others move up. */
	assert_int_equal(store_waiting_promote(st, other, g, 0, day + 7, t, &m), STORE_NOTFOUND);
	assert_int_equal(store_waiting_promote(st, org, g, 0, day + 7, t, &m), STORE_OK);
	assert_int_equal(m.enrolment_id, w[0]);
	assert_int_equal(m.from_day, day + 7);
	assert_true(m.id > 0);
	assert_int_equal(store_waiting_list(st, org, g, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].enrolment_id, w[1]);
	assert_int_equal(list[0].position, 1);
	free(list);

	/* Removing, and promoting a given entry. */
	assert_int_equal(store_waiting_remove(st, other, second_entry), STORE_NOTFOUND);
	assert_int_equal(store_waiting_remove(st, org, second_entry), STORE_OK);
	assert_int_equal(store_waiting_remove(st, org, second_entry), STORE_NOTFOUND);
	assert_int_equal(store_group_get(st, org, g, &got), STORE_OK);
	got.capacity = 5;
	assert_int_equal(store_group_update(st, org, &got), STORE_OK);
	assert_int_equal(store_waiting_promote(st, org, g, third_entry, day + 8, t, NULL), STORE_OK);
	assert_int_equal(store_waiting_promote(st, org, g, 0, day + 8, t, NULL), STORE_NOTFOUND);
	int count;
	assert_int_equal(store_group_member_count(st, org, g, &count), STORE_OK);
	assert_int_equal(count, 2);

	/* Adding someone directly takes them off the waiting list. */
	int64_t late = make_enrolment(org, make_person(org, "Sen", "Kommer", D(1991, 1, 1)), prog, t, day);
	struct group_waiting e = { .group_id = g, .enrolment_id = late };
	assert_int_equal(store_waiting_add(st, org, &e), STORE_OK);
	assert_int_equal(add_member(org, g, late, day + 9), STORE_OK);
	assert_int_equal(store_waiting_list(st, org, g, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

struct capacity_arg {
	int64_t org, group, enrolment;
	int ret;
};

static void *capacity_thread(void *p)
{
	struct capacity_arg *a = p;
	a->ret = add_member(a->org, a->group, a->enrolment, D(2025, 5, 5));
	return NULL;
}

/* Eight coordinators take places in a group of three at the same moment: exactly three
 * get one. */
static void test_capacity_concurrent(void **state)
{
	(void)state;
	enum { N = 8, CAP = 3 };
	int64_t org = make_org("capacity-race");
	int64_t t = make_member(org, "race-therapist@example.no", "therapist");
	int64_t prog = make_programme(org, "Race");
	int64_t g = make_group(org, prog, "Race", CAP);
	struct capacity_arg a[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		char given[16];
		snprintf(given, sizeof given, "P%d", i);
		a[i] = (struct capacity_arg){ org, g, make_enrolment(org, make_person(org, given, "Race", D(1980, 1, 1 + i)),
								     prog, t, D(2025, 5, 1)),
					      -99 };
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&th[i], NULL, capacity_thread, &a[i]), 0);
	int ok = 0, full = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		if (a[i].ret == STORE_OK)
			ok++;
		else if (a[i].ret == STORE_FULL)
			full++;
		else
			fprintf(stderr, "member add %d: %d\n", i, a[i].ret);
	}
	assert_int_equal(ok, CAP);
	assert_int_equal(full, N - CAP);
	int count;
	assert_int_equal(store_group_member_count(st, org, g, &count), STORE_OK);
	assert_int_equal(count, CAP);
}

/* ---- referral sources ---- */

static void test_referral_sources(void **state)
{
	(void)state;
	int64_t org = make_org("sources"), other = make_org("sources-other");
	int added = -1;
	assert_int_equal(store_referral_sources_seed(st, org, &added), STORE_OK);
	assert_int_equal(added, 10);
	assert_int_equal(store_referral_sources_seed(st, org, &added), STORE_OK);
	assert_int_equal(added, 0);

	struct referral_source src = { .active = true, .position = 55 };
	copy_str(src.key, sizeof src.key, "child_welfare");
	copy_str(src.label, sizeof src.label, "Child welfare service");
	assert_int_equal(store_referral_source_add(st, org, &src), STORE_OK);
	assert_true(src.id > 0);
	assert_int_equal(store_referral_source_add(st, org, &src), STORE_CONFLICT);
	copy_str(src.key, sizeof src.key, "Bad Key");
	assert_int_equal(store_referral_source_add(st, org, &src), STORE_INVALID);

	struct referral_source *list;
	size_t n;
	assert_int_equal(store_referral_source_list(st, org, false, &list, &n), STORE_OK);
	assert_int_equal(n, 11);
	assert_string_equal(list[5].key, "child_welfare"); /* position 55: after gp (50) */
	struct referral_source kif = list[2];
	free(list);
	assert_string_equal(kif.key, "kif");

	/* Rename and deactivate: gone from the active list, still there for old referrals. */
	copy_str(kif.label, sizeof kif.label, "KIF (Kirkens Bymisjon)");
	kif.active = false;
	assert_int_equal(store_referral_source_update(st, org, &kif), STORE_OK);
	assert_int_equal(store_referral_source_update(st, other, &kif), STORE_NOTFOUND);
	assert_int_equal(store_referral_source_list(st, org, false, &list, &n), STORE_OK);
	assert_int_equal(n, 10);
	free(list);
	assert_int_equal(store_referral_source_list(st, org, true, &list, &n), STORE_OK);
	assert_int_equal(n, 11);
	assert_string_equal(list[2].label, "KIF (Kirkens Bymisjon)");
	assert_false(list[2].active);
	free(list);
	assert_int_equal(store_referral_source_list(st, other, true, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

/* ---- persons ---- */

static void test_persons(void **state)
{
	(void)state;
	int64_t org = make_org("persons"), other = make_org("persons-other");
	int64_t u = make_member(org, "persons-user@example.no", "therapist");
	struct person p = person_of("Kari Marie", "Østby", D(1985, 3, 14), "14038512345");
	copy_str(p.phone, sizeof p.phone, "+47 912 34 567");
	copy_str(p.email, sizeof p.email, "kari@example.no");
	copy_str(p.address, sizeof p.address, "Storgata 1\n4580 Lyngdal");
	copy_str(p.kin_name, sizeof p.kin_name, "Ola Østby");
	copy_str(p.kin_relation, sizeof p.kin_relation, "Brother");
	copy_str(p.kin_phone, sizeof p.kin_phone, "+47 987 65 432");
	p.substances = STORE_SUBST_ALCOHOL | STORE_SUBST_MEDICATION;
	p.dual_diagnosis = true;
	copy_str(p.notes, sizeof p.notes, "Prefers afternoon appointments.");
	p.created_by = u;
	assert_int_equal(store_person_create(st, org, &p), STORE_OK);
	assert_true(p.id > 0);

	struct person got;
	assert_int_equal(store_person_get(st, org, p.id, &got), STORE_OK);
	assert_string_equal(got.given_name, "Kari Marie");
	assert_string_equal(got.family_name, "Østby");
	assert_int_equal(got.birth_date, D(1985, 3, 14));
	assert_string_equal(got.national_id, "14038512345");
	assert_string_equal(got.national_id_kind, "no_fnr");
	assert_string_equal(got.address, "Storgata 1\n4580 Lyngdal");
	assert_string_equal(got.kin_relation, "Brother");
	assert_int_equal(got.substances, STORE_SUBST_ALCOHOL | STORE_SUBST_MEDICATION);
	assert_true(got.dual_diagnosis);
	assert_int_equal(got.created_by, u);
	assert_int_equal(got.updated_by, u);
	assert_true(got.created_at > 0);
	assert_int_equal(store_person_get(st, other, p.id, &got), STORE_NOTFOUND);

	/* The identity number is unique within an organisation, not across them. */
	struct person twin = person_of("Annen", "Person", D(1985, 3, 14), "14038512345");
	assert_int_equal(store_person_create(st, org, &twin), STORE_CONFLICT);
	assert_int_equal(store_person_create(st, other, &twin), STORE_OK);
	/* Many persons without one. */
	assert_int_equal(store_person_create(st, org, &(struct person){ .given_name = "Uten", .birth_date = DATE_NONE }),
			 STORE_OK);
	assert_int_equal(store_person_create(st, org, &(struct person){ .given_name = "Uten", .birth_date = DATE_NONE }),
			 STORE_OK);

	/* Update: fields, the number removed; another org cannot. */
	got.substances |= STORE_SUBST_GAMBLING;
	got.national_id[0] = '\0';
	got.national_id_kind[0] = '\0';
	got.dual_diagnosis = false;
	got.updated_by = u;
	assert_int_equal(store_person_update(st, other, &got), STORE_NOTFOUND);
	assert_int_equal(store_person_update(st, org, &got), STORE_OK);
	assert_int_equal(store_person_get(st, org, p.id, &got), STORE_OK);
	assert_string_equal(got.national_id, "");
	assert_true(got.substances & STORE_SUBST_GAMBLING);
	assert_false(got.dual_diagnosis);
	/* Now the number is free again in this organisation. */
	twin.id = 0;
	assert_int_equal(store_person_create(st, org, &twin), STORE_OK);

	/* Refused: no name, a kind without a number, unknown bits, not text, a non-member
	 * as author. */
	struct person bad = person_of("", "", DATE_NONE, NULL);
	assert_int_equal(store_person_create(st, org, &bad), STORE_INVALID);
	bad = person_of("A", "B", DATE_NONE, NULL);
	copy_str(bad.national_id_kind, sizeof bad.national_id_kind, "no_fnr");
	assert_int_equal(store_person_create(st, org, &bad), STORE_INVALID);
	bad = person_of("A", "B", DATE_NONE, "1403851234X");
	assert_int_equal(store_person_create(st, org, &bad), STORE_INVALID);
	bad = person_of("A", "B", DATE_NONE, NULL);
	bad.substances = 0x100;
	assert_int_equal(store_person_create(st, org, &bad), STORE_INVALID);
	bad = person_of("A\x01", "B", DATE_NONE, NULL);
	assert_int_equal(store_person_create(st, org, &bad), STORE_INVALID);
	bad = person_of("A", "B\xff", DATE_NONE, NULL);
	assert_int_equal(store_person_create(st, org, &bad), STORE_INVALID);
	int64_t outsider = make_member(0, "persons-outsider@example.no", "");
	bad = person_of("A", "B", DATE_NONE, NULL);
	bad.created_by = outsider;
	assert_int_equal(store_person_create(st, org, &bad), STORE_INVALID);
	assert_int_equal(store_person_create(st, 0, &p), STORE_INVALID);
}

static void test_person_list(void **state)
{
	(void)state;
	int64_t org = make_org("person-list"), other = make_org("person-list-other");
	const char *people[][2] = { { "Åse", "Ødegård" }, { "Per", "Aas" },   { "Lars", "berg" },
				    { "Anne", "Berg" },   { "Ola", "Nordmann" }, { "Kari", "Nordmann" } };
	int64_t ids[6];
	for (int i = 0; i < 6; i++) {
		struct person p = person_of(people[i][0], people[i][1], D(1980, 1, 1 + i), NULL);
		p.created_at = 1000 + i;
		assert_int_equal(store_person_create(st, org, &p), STORE_OK);
		ids[i] = p.id;
	}
	make_person(other, "Ola", "Nordmann", D(1980, 1, 5));

	int64_t n64;
	assert_int_equal(store_person_count(st, org, &n64), STORE_OK);
	assert_int_equal(n64, 6);

	struct person_query q = { .sort = STORE_PERSON_BY_NAME, .limit = 4 };
	struct person *list;
	size_t n;
	int64_t total = 0;
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(total, 6);
	assert_int_equal(n, 4);
	/* Case-folded: "berg" and "Berg" together, by given name. Byte order puts Ø after z. */
	assert_string_equal(list[0].family_name, "Aas");
	assert_string_equal(list[1].given_name, "Anne");
	assert_string_equal(list[2].given_name, "Lars");
	assert_string_equal(list[3].given_name, "Kari");
	free(list);
	q.offset = 4;
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].given_name, "Ola");
	assert_string_equal(list[1].family_name, "Ødegård");
	free(list);

	q = (struct person_query){ .sort = STORE_PERSON_BY_CREATED, .limit = 2 };
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, ids[5]);
	assert_int_equal(list[1].id, ids[4]);
	free(list);

	/* Search: a substring of "given family", case-insensitive, Nordic letters too. */
	q = (struct person_query){ .sort = STORE_PERSON_BY_NAME, .limit = 50 };
	copy_str(q.search, sizeof q.search, "NORD");
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	free(list);
	copy_str(q.search, sizeof q.search, "ØDEGÅ");
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, ids[0]);
	free(list);
	copy_str(q.search, sizeof q.search, "ola nord");
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	free(list);
	/* LIKE's wildcards match themselves. */
	copy_str(q.search, sizeof q.search, "%");
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
	copy_str(q.search, sizeof q.search, "_");
	assert_int_equal(store_person_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
	q.search[0] = '\0';
	assert_int_equal(store_person_list(st, other, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	free(list);
}

static void test_person_duplicates(void **state)
{
	(void)state;
	int64_t org = make_org("dupes"), other = make_org("dupes-other");
	struct person a = person_of("Åse Marie", "Ødegård", D(1975, 6, 1), "01067512345");
	assert_int_equal(store_person_create(st, org, &a), STORE_OK);
	struct person b = person_of("Per", "Hansen", D(1990, 2, 2), NULL);
	assert_int_equal(store_person_create(st, org, &b), STORE_OK);
	struct person c = person_of("Åse Marie", "Ødegård", D(1975, 6, 1), NULL);
	assert_int_equal(store_person_create(st, other, &c), STORE_OK);

	struct person *list;
	size_t n;
	/* The same number. */
	struct person probe = person_of("Someone", "Else", DATE_NONE, "01067512345");
	assert_int_equal(store_person_find_duplicates(st, org, &probe, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, a.id);
	free(list);
	/* The same names in another case and spacing, and birth date. */
	probe = person_of("  åse   MARIE ", "ØDEGÅRD", D(1975, 6, 1), NULL);
	assert_int_equal(store_person_find_duplicates(st, org, &probe, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, a.id);
	free(list);
	/* Both at once count once. */
	probe = person_of("Åse Marie", "Ødegård", D(1975, 6, 1), "01067512345");
	assert_int_equal(store_person_find_duplicates(st, org, &probe, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(list);
	/* Another birth date, or no birth date: no match by name. */
	probe = person_of("Åse Marie", "Ødegård", D(1975, 6, 2), NULL);
	assert_int_equal(store_person_find_duplicates(st, org, &probe, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
	probe.birth_date = DATE_NONE;
	assert_int_equal(store_person_find_duplicates(st, org, &probe, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
	/* The person itself is left out (before an update). */
	assert_int_equal(store_person_find_duplicates(st, org, &a, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
	/* Never another organisation's. */
	probe = person_of("Åse Marie", "Ødegård", D(1975, 6, 1), NULL);
	assert_int_equal(store_person_find_duplicates(st, other, &probe, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, c.id);
	free(list);
}

/* ---- referrals ---- */

static struct referral referral_of(const char *source, int32_t received)
{
	struct referral r = { .received_on = received, .status_on = DATE_NONE };
	copy_str(r.source_key, sizeof r.source_key, source);
	copy_str(r.referrer_name, sizeof r.referrer_name, "Dr. Lege");
	copy_str(r.referrer_org, sizeof r.referrer_org, "Lyngdal legekontor");
	copy_str(r.reason, sizeof r.reason, "Alcohol, wants help.");
	return r;
}

static void test_referrals(void **state)
{
	(void)state;
	int64_t org = make_org("referrals"), other = make_org("referrals-other");
	int64_t u = make_member(org, "referrals-coord@example.no", "coordinator");
	int64_t prog = make_programme(org, "Referrals");
	make_programme(other, "Referrals other");
	int64_t person = make_person(org, "Kari", "Nordmann", D(1980, 1, 1));
	int64_t foreign_person = make_person(other, "Ola", "Utenfor", D(1980, 1, 1));

	struct referral r = referral_of("gp", D(2025, 2, 3));
	r.programme_id = prog;
	r.created_by = u;
	assert_int_equal(store_referral_create(st, org, &r), STORE_OK);
	assert_true(r.id > 0);
	assert_string_equal(r.status, "received");
	assert_int_equal(r.status_on, D(2025, 2, 3));

	struct referral got;
	assert_int_equal(store_referral_get(st, org, r.id, &got), STORE_OK);
	assert_string_equal(got.source_key, "gp");
	assert_string_equal(got.source_label, "General practitioner");
	assert_string_equal(got.referrer_org, "Lyngdal legekontor");
	assert_int_equal(got.person_id, 0);
	assert_string_equal(got.given_name, "");
	assert_int_equal(got.programme_id, prog);
	assert_int_equal(store_referral_get(st, other, r.id, &got), STORE_NOTFOUND);

	/* The first history entry: "" → received, attributed. */
	struct referral_event *h;
	size_t n;
	assert_int_equal(store_referral_history(st, org, r.id, &h, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].from_status, "");
	assert_string_equal(h[0].to_status, "received");
	assert_int_equal(h[0].by_user, u);
	free(h);

	/* Moves with the expected status; each appends history atomically. */
	assert_int_equal(store_referral_set_status(st, org, r.id, "received", "assessed", D(2025, 2, 5), u, "Read"),
			 STORE_OK);
	assert_int_equal(store_referral_set_status(st, org, r.id, "assessed", "offered_conversation", D(2025, 2, 6), u,
						   NULL),
			 STORE_OK);
	/* Somebody else moved it meanwhile: CONFLICT, and no history entry. */
	assert_int_equal(store_referral_set_status(st, org, r.id, "received", "declined", D(2025, 2, 6), u, NULL),
			 STORE_CONFLICT);
	assert_int_equal(store_referral_set_status(st, other, r.id, "offered_conversation", "accepted", D(2025, 2, 7), u,
						   NULL),
			 STORE_NOTFOUND);
	assert_int_equal(store_referral_set_status(st, org, r.id, "offered_conversation", "nonsense", D(2025, 2, 7), u,
						   NULL),
			 STORE_INVALID);
	/* A failing history insert (an author who is not a member) leaves the status alone. */
	int64_t outsider = make_member(0, "referrals-outsider@example.no", "");
	assert_int_equal(store_referral_set_status(st, org, r.id, "offered_conversation", "accepted", D(2025, 2, 7),
						   outsider, NULL),
			 STORE_INVALID);
	assert_int_equal(store_referral_get(st, org, r.id, &got), STORE_OK);
	assert_string_equal(got.status, "offered_conversation");
	assert_int_equal(got.status_on, D(2025, 2, 6));
	assert_int_equal(store_referral_history(st, org, r.id, &h, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(h[1].from_status, "received");
	assert_string_equal(h[1].to_status, "assessed");
	assert_string_equal(h[1].note, "Read");
	assert_int_equal(h[1].on_day, D(2025, 2, 5));
	assert_string_equal(h[2].to_status, "offered_conversation");
	free(h);
	assert_int_equal(store_referral_history(st, other, r.id, &h, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(h);

	/* Linking a person: ours yes, another organisation's no. */
	assert_int_equal(store_referral_link_person(st, org, r.id, foreign_person), STORE_INVALID);
	assert_int_equal(store_referral_link_person(st, other, r.id, person), STORE_NOTFOUND);
	assert_int_equal(store_referral_link_person(st, org, r.id, person), STORE_OK);
	assert_int_equal(store_referral_get(st, org, r.id, &got), STORE_OK);
	assert_int_equal(got.person_id, person);
	assert_string_equal(got.family_name, "Nordmann");

	/* Unknown source, another org's programme. */
	struct referral bad = referral_of("nosuchsource", D(2025, 2, 3));
	assert_int_equal(store_referral_create(st, org, &bad), STORE_INVALID);
	bad = referral_of("gp", D(2025, 2, 3));
	bad.programme_id = prog;
	assert_int_equal(store_referral_create(st, other, &bad), STORE_INVALID);
}

static void test_referral_queue(void **state)
{
	(void)state;
	int64_t org = make_org("queue"), other = make_org("queue-other");
	int64_t u = make_member(org, "queue-coord@example.no", "coordinator");
	make_programme(org, "Queue");
	make_programme(other, "Queue other");
	int64_t ids[5];
	const char *sources[] = { "nav", "akan", "dps", "family", "nav" };
	for (int i = 0; i < 5; i++) {
		/* Received in reverse order of creation: the queue is by date received. */
		struct referral r = referral_of(sources[i], D(2025, 3, 10 - i));
		assert_int_equal(store_referral_create(st, org, &r), STORE_OK);
		ids[i] = r.id;
	}
	struct referral o = referral_of("nav", D(2025, 3, 1));
	assert_int_equal(store_referral_create(st, other, &o), STORE_OK);
	assert_int_equal(store_referral_set_status(st, org, ids[1], "received", "declined", D(2025, 3, 11), u, NULL),
			 STORE_OK);
	assert_int_equal(store_referral_set_status(st, org, ids[2], "received", "waiting_list", D(2025, 3, 11), u, NULL),
			 STORE_OK);

	struct referral_query q = { .limit = 2 };
	copy_str(q.status, sizeof q.status, "open");
	struct referral *list;
	size_t n;
	int64_t total;
	assert_int_equal(store_referral_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(total, 4);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, ids[4]);
	assert_int_equal(list[1].id, ids[3]);
	free(list);
	q.offset = 2;
	assert_int_equal(store_referral_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, ids[2]);
	assert_int_equal(list[1].id, ids[0]);
	free(list);

	q = (struct referral_query){ .limit = 100 };
	copy_str(q.status, sizeof q.status, "declined");
	assert_int_equal(store_referral_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, ids[1]);
	free(list);
	q.status[0] = '\0';
	assert_int_equal(store_referral_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 5);
	free(list);
	assert_int_equal(store_referral_list(st, other, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, o.id);
	free(list);
	copy_str(q.status, sizeof q.status, "bogus");
	assert_int_equal(store_referral_list(st, org, &q, &list, &n, &total), STORE_INVALID);
}

/* ---- self-referrals ---- */

static struct self_referral self_ref(const char *name, const char *hash_seed)
{
	struct self_referral sr = { .consent_at = 1700000000 };
	copy_str(sr.name, sizeof sr.name, name);
	copy_str(sr.phone, sizeof sr.phone, "+47 400 00 000");
	copy_str(sr.message, sizeof sr.message, "I would like to talk to someone.");
	sha256_hex(hash_seed, strlen(hash_seed), sr.addr_hash);
	return sr;
}

static void test_self_referrals(void **state)
{
	(void)state;
	int64_t org = make_org("selfref"), other = make_org("selfref-other");
	int64_t u = make_member(org, "selfref-coord@example.no", "coordinator");
	make_programme(org, "Self referrals");
	struct self_referral a = self_ref("Anonym Én", "198.51.100.1");
	a.created_at = 5000;
	assert_int_equal(store_self_referral_create(st, org, &a), STORE_OK);
	struct self_referral b = self_ref("Anonym To", "198.51.100.1");
	b.created_at = 5100;
	b.phone[0] = '\0';
	copy_str(b.email, sizeof b.email, "to@example.no");
	assert_int_equal(store_self_referral_create(st, org, &b), STORE_OK);
	struct self_referral c = self_ref("Anonym Tre", "198.51.100.2");
	c.created_at = 5200;
	assert_int_equal(store_self_referral_create(st, org, &c), STORE_OK);
	struct self_referral x = self_ref("Utenfor", "198.51.100.1");
	x.created_at = 5300;
	assert_int_equal(store_self_referral_create(st, other, &x), STORE_OK);

	/* Refused: neither phone nor e-mail, no consent, a hash that is not one. */
	struct self_referral bad = self_ref("Bad", "x");
	bad.phone[0] = '\0';
	assert_int_equal(store_self_referral_create(st, org, &bad), STORE_INVALID);
	bad = self_ref("Bad", "x");
	bad.consent_at = 0;
	assert_int_equal(store_self_referral_create(st, org, &bad), STORE_INVALID);
	bad = self_ref("Bad", "x");
	copy_str(bad.addr_hash, sizeof bad.addr_hash, "198.51.100.1");
	assert_int_equal(store_self_referral_create(st, org, &bad), STORE_INVALID);

	/* Rate limit: by address hash, since a time, in one or all organisations. */
	char h1[65];
	sha256_hex("198.51.100.1", 12, h1);
	int64_t count;
	assert_int_equal(store_self_referral_count_recent(st, org, h1, 0, &count), STORE_OK);
	assert_int_equal(count, 2);
	assert_int_equal(store_self_referral_count_recent(st, org, h1, 5050, &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(store_self_referral_count_recent(st, 0, h1, 0, &count), STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(store_self_referral_count_recent(st, org, "nothex", 0, &count), STORE_INVALID);

	/* The queue: new ones, oldest first, paged. */
	struct self_referral *list;
	size_t n;
	int64_t total;
	assert_int_equal(store_self_referral_list(st, org, "new", 2, 0, &list, &n, &total), STORE_OK);
	assert_int_equal(total, 3);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, a.id);
	assert_string_equal(list[1].email, "to@example.no");
	free(list);
	assert_int_equal(store_self_referral_get(st, other, a.id, &b), STORE_NOTFOUND);

	/* Taking one makes a referral with its history, in one transaction. */
	struct referral r = referral_of("", D(2025, 6, 2));
	r.created_by = u;
	copy_str(r.referrer_name, sizeof r.referrer_name, "Anonym Én");
	assert_int_equal(store_self_referral_take(st, other, a.id, &r), STORE_NOTFOUND);
	r = referral_of("", D(2025, 6, 2));
	r.created_by = u;
	assert_int_equal(store_self_referral_take(st, org, a.id, &r), STORE_OK);
	assert_true(r.id > 0);
	assert_string_equal(r.source_key, "self_referral");
	struct self_referral got;
	assert_int_equal(store_self_referral_get(st, org, a.id, &got), STORE_OK);
	assert_string_equal(got.status, "taken");
	assert_int_equal(got.referral_id, r.id);
	assert_int_equal(got.handled_by, u);
	assert_true(got.handled_at > 0);
	struct referral_event *h;
	assert_int_equal(store_referral_history(st, org, r.id, &h, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(h);
	/* Taking it twice: CONFLICT, and no second referral. */
	struct referral r2 = referral_of("", D(2025, 6, 2));
	assert_int_equal(store_self_referral_take(st, org, a.id, &r2), STORE_CONFLICT);
	struct referral_query q = { .limit = 100 };
	struct referral *refs;
	assert_int_equal(store_referral_list(st, org, &q, &refs, &n, &total), STORE_OK);
	assert_int_equal(total, 1);
	free(refs);
	/* A take that fails half-way (unknown source) leaves the submission new. */
	struct referral r3 = referral_of("nosuchsource", D(2025, 6, 2));
	assert_int_equal(store_self_referral_take(st, org, c.id, &r3), STORE_INVALID);
	assert_int_equal(store_self_referral_get(st, org, c.id, &got), STORE_OK);
	assert_string_equal(got.status, "new");

	assert_int_equal(store_self_referral_discard(st, org, b.id, u), STORE_OK);
	assert_int_equal(store_self_referral_discard(st, org, b.id, u), STORE_CONFLICT);
	assert_int_equal(store_self_referral_discard(st, org, a.id, u), STORE_CONFLICT);
	assert_int_equal(store_self_referral_discard(st, other, c.id, u), STORE_NOTFOUND);
	assert_int_equal(store_self_referral_list(st, org, "new", 10, 0, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, c.id);
	free(list);
	assert_int_equal(store_self_referral_list(st, org, "", 10, 0, &list, &n, &total), STORE_OK);
	assert_int_equal(total, 3);
	free(list);
	assert_int_equal(store_self_referral_list(st, org, "bogus", 10, 0, &list, &n, &total), STORE_INVALID);
}

/* ---- enrolments ---- */

static void test_enrolments(void **state)
{
	(void)state;
	int64_t org = make_org("enrolments"), other = make_org("enrolments-other");
	int64_t t = make_member(org, "enrol-therapist@example.no", "therapist");
	int64_t t2 = make_member(org, "enrol-therapist2@example.no", "therapist");
	int64_t outsider = make_member(other, "enrol-outsider@example.no", "therapist");
	int64_t prog = make_programme(org, "Enrolments");
	int64_t person = make_person(org, "Kari", "Nordmann", D(1980, 1, 1));
	struct referral r = referral_of("nav", D(2025, 1, 2));
	r.person_id = person;
	assert_int_equal(store_referral_create(st, org, &r), STORE_OK);

	struct enrolment e = enrolment_of(person, prog, t, D(2025, 1, 6));
	e.referral_id = r.id;
	struct enrolment_event ev = event_of("", -1, 0, D(2025, 1, 6), t);
	assert_int_equal(store_enrolment_create(st, org, &e, &ev), STORE_OK);
	assert_true(e.id > 0);
	assert_int_equal(e.version, 1);
	assert_true(ev.id > 0);

	struct enrolment got;
	assert_int_equal(store_enrolment_get(st, org, e.id, &got), STORE_OK);
	assert_string_equal(got.status, "active");
	assert_int_equal(got.phase, 0);
	assert_int_equal(got.therapist_id, t);
	assert_int_equal(got.referral_id, r.id);
	assert_int_equal(got.paused_since, DATE_NONE);
	assert_int_equal(got.ended_on, DATE_NONE);
	assert_int_equal(store_enrolment_get(st, other, e.id, &got), STORE_NOTFOUND);

	/* One open path per person and programme. */
	struct enrolment again = enrolment_of(person, prog, t, D(2025, 1, 7));
	struct enrolment_event ev2 = event_of("start", -1, 0, D(2025, 1, 7), t);
	assert_int_equal(store_enrolment_create(st, org, &again, &ev2), STORE_CONFLICT);
	/* A therapist who is not a member, a programme of another org, a phase that the
	 * programme does not have. */
	struct enrolment bad = enrolment_of(make_person(org, "Per", "Ny", D(1990, 1, 1)), prog, outsider, D(2025, 1, 7));
	assert_int_equal(store_enrolment_create(st, org, &bad, &ev2), STORE_INVALID);
	bad.therapist_id = t;
	bad.phase = 6;
	assert_int_equal(store_enrolment_create(st, org, &bad, &ev2), STORE_INVALID);
	bad.phase = 0;
	assert_int_equal(store_enrolment_create(st, other, &bad, &ev2), STORE_INVALID);
	/* An inconsistent state (paused without a date) is refused by the table. */
	copy_str(bad.status, sizeof bad.status, "paused");
	assert_int_equal(store_enrolment_create(st, org, &bad, &ev2), STORE_INVALID);

	/* Move to motivation with the version we read. */
	got.phase = 1;
	got.phase_since = got.last_change_on = D(2025, 1, 13);
	struct enrolment_event mv = event_of("phase", 0, 1, D(2025, 1, 13), t);
	assert_int_equal(store_enrolment_change(st, org, &got, 1, &mv), STORE_OK);
	assert_int_equal(got.version, 2);
	assert_true(mv.id > 0);

	/* A second tab still holding version 1: CONFLICT, nothing written. */
	struct enrolment stale;
	assert_int_equal(store_enrolment_get(st, org, e.id, &stale), STORE_OK);
	stale.phase = 2;
	struct enrolment_event mv2 = event_of("phase", 0, 2, D(2025, 1, 14), t);
	assert_int_equal(store_enrolment_change(st, org, &stale, 1, &mv2), STORE_CONFLICT);
	assert_int_equal(store_enrolment_change(st, other, &stale, 2, &mv2), STORE_NOTFOUND);
	/* An event that cannot be stored (author not a member) undoes the change. */
	struct enrolment_event badev = event_of("phase", 1, 2, D(2025, 1, 14), outsider);
	assert_int_equal(store_enrolment_change(st, org, &stale, 2, &badev), STORE_INVALID);
	assert_int_equal(store_enrolment_get(st, org, e.id, &stale), STORE_OK);
	assert_int_equal(stale.phase, 1);
	assert_int_equal(stale.version, 2);

	/* Pause after a relapse, resume, a new therapist, then discontinue. */
	copy_str(stale.status, sizeof stale.status, "paused");
	stale.paused_since = stale.last_change_on = D(2025, 2, 1);
	stale.pauses = 1;
	struct enrolment_event pause = event_of("pause", 1, 1, D(2025, 2, 1), t);
	copy_str(pause.reason, sizeof pause.reason, "Relapse; detox for a week.");
	assert_int_equal(store_enrolment_change(st, org, &stale, 2, &pause), STORE_OK);
	copy_str(stale.status, sizeof stale.status, "active");
	stale.paused_since = DATE_NONE;
	stale.last_change_on = D(2025, 2, 10);
	struct enrolment_event resume = event_of("resume", 1, 1, D(2025, 2, 10), t);
	assert_int_equal(store_enrolment_change(st, org, &stale, 3, &resume), STORE_OK);
	stale.therapist_id = t2;
	struct enrolment_event th = event_of("therapist", -1, -1, D(2025, 2, 10), t);
	assert_int_equal(store_enrolment_change(st, org, &stale, 4, &th), STORE_OK);
	copy_str(stale.status, sizeof stale.status, "discontinued");
	copy_str(stale.reason_key, sizeof stale.reason_key, "moved");
	copy_str(stale.reason_note, sizeof stale.reason_note, "Moved to Bergen.");
	stale.ended_on = stale.last_change_on = D(2025, 3, 1);
	struct enrolment_event disc = event_of("discontinue", 1, -1, D(2025, 3, 1), t2);
	assert_int_equal(store_enrolment_change(st, org, &stale, 5, &disc), STORE_OK);
	assert_int_equal(stale.version, 6);
	assert_int_equal(store_enrolment_get(st, org, e.id, &got), STORE_OK);
	assert_string_equal(got.status, "discontinued");
	assert_string_equal(got.reason_key, "moved");
	assert_int_equal(got.ended_on, D(2025, 3, 1));
	assert_int_equal(got.therapist_id, t2);
	assert_int_equal(got.pauses, 1);

	struct enrolment_event *events;
	size_t n;
	assert_int_equal(store_enrolment_events(st, org, e.id, &events, &n), STORE_OK);
	assert_int_equal(n, 6);
	assert_string_equal(events[0].kind, "start");
	assert_int_equal(events[0].from_phase, -1);
	assert_int_equal(events[0].to_phase, 0);
	assert_string_equal(events[1].kind, "phase");
	assert_string_equal(events[2].kind, "pause");
	assert_string_equal(events[2].reason, "Relapse; detox for a week.");
	assert_string_equal(events[4].kind, "therapist");
	assert_int_equal(events[4].to_phase, -1);
	assert_string_equal(events[5].kind, "discontinue");
	assert_int_equal(events[5].by_user, t2);
	free(events);
	assert_int_equal(store_enrolment_events(st, other, e.id, &events, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(events);

	/* Ended: the person may be enrolled anew. */
	assert_int_equal(store_enrolment_create(st, org, &again, &ev2), STORE_OK);
	assert_int_not_equal(again.id, e.id);
}

static void test_history_append_only(void **state)
{
	(void)state;
	int64_t org = make_org("append-only");
	int64_t prog = make_programme(org, "Append only");
	make_enrolment(org, make_person(org, "A", "B", D(1980, 1, 1)), prog, 0, D(2025, 1, 1));
	struct referral r = referral_of("nav", D(2025, 1, 2));
	assert_int_equal(store_referral_create(st, org, &r), STORE_OK);
	assert_int_not_equal(store_testing_exec(st, "UPDATE referral_history SET note = 'edited'"), STORE_OK);
	assert_true(error_mentions("append-only"));
	assert_int_not_equal(store_testing_exec(st, "DELETE FROM referral_history"), STORE_OK);
	assert_int_not_equal(store_testing_exec(st, "UPDATE enrolment_events SET reason = 'edited'"), STORE_OK);
	assert_true(error_mentions("append-only"));
	assert_int_not_equal(store_testing_exec(st, "DELETE FROM enrolment_events"), STORE_OK);
	if (is_pg)
		assert_int_not_equal(store_testing_exec(st, "TRUNCATE enrolment_events"), STORE_OK);
}

/* ---- attendance ---- */

struct att_fixture {
	int64_t org, other, t, prog, group;
	int64_t e[3];        /* members of the group */
	int64_t outsider_e;  /* an enrolment in another programme */
};

static void att_fixture(struct att_fixture *f, const char *tag)
{
	char name[64];
	snprintf(name, sizeof name, "%s-other", tag);
	f->org = make_org(tag);
	f->other = make_org(name);
	snprintf(name, sizeof name, "%s-t@example.no", tag);
	f->t = make_member(f->org, name, "therapist");
	f->prog = make_programme(f->org, "Attendance");
	int64_t prog2 = make_programme(f->org, "Attendance 2");
	f->group = make_group(f->org, f->prog, "Day group", 10);
	const char *names[][2] = { { "Kari", "Nordmann" }, { "Per", "Aas" }, { "Åse", "Ødegård" } };
	for (int i = 0; i < 3; i++) {
		f->e[i] = make_enrolment(f->org, make_person(f->org, names[i][0], names[i][1], D(1980, 1, 1 + i)), f->prog,
					 f->t, D(2025, 9, 1));
		assert_int_equal(add_member(f->org, f->group, f->e[i], D(2025, 9, 1)), STORE_OK);
	}
	f->outsider_e = make_enrolment(f->org, make_person(f->org, "Ute", "Andre", D(1980, 2, 1)), prog2, f->t,
				       D(2025, 9, 1));
}

static struct att_session group_session(const struct att_fixture *f, int32_t day)
{
	struct att_session se = { .group_id = f->group, .on_day = day, .start_min = 540, .end_min = 840,
				  .leader_id = f->t, .created_by = f->t };
	copy_str(se.phase_key, sizeof se.phase_key, "day_treatment");
	return se;
}

static void test_att_sessions(void **state)
{
	(void)state;
	struct att_fixture f;
	att_fixture(&f, "sessions");
	struct att_session se = group_session(&f, D(2025, 9, 8));
	bool created = false;
	assert_int_equal(store_att_session_for_group(st, f.org, &se, &created), STORE_OK);
	assert_true(created);
	assert_true(se.id > 0);
	assert_int_equal(se.programme_id, f.prog);
	assert_string_equal(se.kind, "group");
	int64_t first = se.id;
	/* The same group and day again: the stored session. */
	struct att_session again = group_session(&f, D(2025, 9, 8));
	again.start_min = 600;
	assert_int_equal(store_att_session_for_group(st, f.org, &again, &created), STORE_OK);
	assert_false(created);
	assert_int_equal(again.id, first);
	assert_int_equal(again.start_min, 540);
	/* Creating it outright is a conflict; another org has no such group. */
	struct att_session dup = group_session(&f, D(2025, 9, 8));
	assert_int_equal(store_att_session_create(st, f.org, &dup), STORE_CONFLICT);
	struct att_session foreign = group_session(&f, D(2025, 9, 9));
	assert_int_equal(store_att_session_create(st, f.other, &foreign), STORE_INVALID);
	assert_int_equal(store_att_session_for_group(st, f.other, &foreign, &created), STORE_INVALID);

	/* An individual session: no group, of the programme. */
	struct att_session ind = { .programme_id = f.prog, .on_day = D(2025, 9, 10), .start_min = 600, .end_min = 660,
				   .leader_id = f.t };
	assert_int_equal(store_att_session_create(st, f.org, &ind), STORE_OK);
	assert_string_equal(ind.kind, "individual");
	struct att_session got;
	assert_int_equal(store_att_session_get(st, f.org, ind.id, &got), STORE_OK);
	assert_int_equal(got.group_id, 0);
	assert_int_equal(got.leader_id, f.t);
	assert_int_equal(store_att_session_get(st, f.other, ind.id, &got), STORE_NOTFOUND);
	struct att_session badkind = ind;
	copy_str(badkind.kind, sizeof badkind.kind, "party");
	assert_int_equal(store_att_session_create(st, f.org, &badkind), STORE_INVALID);

	struct att_session *list;
	size_t n;
	assert_int_equal(store_att_session_list(st, f.org, f.prog, 0, DATE_NONE, DATE_NONE, 100, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, first);
	free(list);
	assert_int_equal(store_att_session_list(st, f.org, 0, f.group, D(2025, 9, 1), D(2025, 9, 30), 100, &list, &n),
			 STORE_OK);
	assert_int_equal(n, 1);
	free(list);
	assert_int_equal(store_att_session_list(st, f.org, 0, 0, D(2025, 9, 9), DATE_NONE, 100, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, ind.id);
	free(list);
	assert_int_equal(store_att_session_list(st, f.other, 0, 0, DATE_NONE, DATE_NONE, 100, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

static struct attendance att_row(int64_t enrolment_id, bool attended, int minutes, const char *note)
{
	struct attendance a = { .enrolment_id = enrolment_id, .attended = attended, .minutes = minutes };
	copy_str(a.note, sizeof a.note, note);
	return a;
}

static void test_roster_save(void **state)
{
	(void)state;
	struct att_fixture f;
	att_fixture(&f, "roster");
	struct att_session se = group_session(&f, D(2025, 9, 15));
	assert_int_equal(store_att_session_create(st, f.org, &se), STORE_OK);

	/* Before anything is recorded: everybody expected, by family name. */
	struct roster_line *lines;
	size_t n;
	assert_int_equal(store_attendance_roster(st, f.org, se.id, &lines, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(lines[0].family_name, "Aas");
	assert_string_equal(lines[1].family_name, "Nordmann");
	assert_string_equal(lines[2].family_name, "Ødegård");
	for (size_t i = 0; i < n; i++) {
		assert_true(lines[i].member);
		assert_false(lines[i].recorded);
		assert_int_equal(lines[i].a.on_day, D(2025, 9, 15));
		assert_string_equal(lines[i].enrolment_status, "active");
	}
	free(lines);

	struct attendance rows[3] = { att_row(f.e[0], true, 270, ""), att_row(f.e[1], false, 0, "Ill"),
				      att_row(f.e[2], true, 240, "Left early") };
	struct attendance_change *ch;
	size_t nch;
	assert_int_equal(store_attendance_save(st, f.org, se.id, rows, 3, f.t, &ch, &nch), STORE_OK);
	assert_int_equal(nch, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_false(ch[i].existed);
		assert_int_equal(ch[i].now.enrolment_id, rows[i].enrolment_id);
		assert_int_equal(ch[i].now.recorded_by, f.t);
		assert_int_equal(ch[i].now.on_day, D(2025, 9, 15));
		assert_true(ch[i].now.id > 0);
	}
	free(ch);
	/* The same roster again: idempotent, nothing changed. */
	assert_int_equal(store_attendance_save(st, f.org, se.id, rows, 3, f.t, &ch, &nch), STORE_OK);
	assert_int_equal(nch, 0);
	assert_null(ch);
	/* Editing afterwards: only the changed row, with what it was. */
	rows[1] = att_row(f.e[1], true, 180, "Came at noon");
	assert_int_equal(store_attendance_save(st, f.org, se.id, rows, 3, f.t, &ch, &nch), STORE_OK);
	assert_int_equal(nch, 1);
	assert_true(ch[0].existed);
	assert_false(ch[0].was_attended);
	assert_string_equal(ch[0].was_note, "Ill");
	assert_true(ch[0].now.attended);
	assert_int_equal(ch[0].now.minutes, 180);
	free(ch);

	/* One bad row refuses the whole roster: nothing of it is stored. */
	struct attendance mixed[2] = { att_row(f.e[0], false, 0, "Changed"), att_row(f.outsider_e, true, 60, "") };
	assert_int_equal(store_attendance_save(st, f.org, se.id, mixed, 2, f.t, &ch, &nch), STORE_INVALID);
	assert_int_equal(nch, 0);
	struct attendance twice[2] = { att_row(f.e[0], false, 0, ""), att_row(f.e[0], true, 0, "") };
	assert_int_equal(store_attendance_save(st, f.org, se.id, twice, 2, f.t, NULL, NULL), STORE_INVALID);
	/* Another organisation's session. */
	assert_int_equal(store_attendance_save(st, f.other, se.id, rows, 1, f.t, NULL, NULL), STORE_NOTFOUND);

	assert_int_equal(store_attendance_roster(st, f.org, se.id, &lines, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_true(lines[0].recorded);
	assert_true(lines[0].a.attended);
	assert_int_equal(lines[0].a.minutes, 180);
	assert_true(lines[1].a.attended); /* Kari: not "Changed" — that save was refused */
	assert_string_equal(lines[1].a.note, "");
	assert_string_equal(lines[2].a.note, "Left early");
	free(lines);
	assert_int_equal(store_attendance_roster(st, f.other, se.id, &lines, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(lines);

	/* Somebody who left the group before the day is not expected; a guest who was
	 * recorded is on the roster without being a member. */
	struct group_member *members;
	assert_int_equal(store_group_member_list(st, f.org, f.group, DATE_NONE, &members, &n), STORE_OK);
	int64_t ase_member = 0;
	for (size_t i = 0; i < n; i++)
		if (members[i].enrolment_id == f.e[2])
			ase_member = members[i].id;
	free(members);
	assert_int_equal(store_group_member_end(st, f.org, ase_member, D(2025, 9, 16)), STORE_OK);
	int64_t guest = make_enrolment(f.org, make_person(f.org, "Gjest", "Besøk", D(1999, 1, 1)), f.prog, f.t,
				       D(2025, 9, 1));
	struct att_session later = group_session(&f, D(2025, 9, 22));
	assert_int_equal(store_att_session_create(st, f.org, &later), STORE_OK);
	struct attendance g1 = att_row(guest, true, 60, "Trial day");
	assert_int_equal(store_attendance_save(st, f.org, later.id, &g1, 1, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(store_attendance_roster(st, f.org, later.id, &lines, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(lines[1].family_name, "Besøk");
	assert_false(lines[1].member);
	assert_true(lines[1].recorded);
	assert_true(lines[0].member);
	assert_false(lines[0].recorded);
	free(lines);
}

static void test_attended_dates(void **state)
{
	(void)state;
	struct att_fixture f;
	att_fixture(&f, "dates");
	/* Kari attends Mon, Wed, Thu of two weeks, but is absent on the second Wednesday;
	 * an individual session on a Wednesday she also attended counts that day once. */
	int32_t days[] = { D(2025, 9, 8), D(2025, 9, 10), D(2025, 9, 11), D(2025, 9, 15), D(2025, 9, 17),
			   D(2025, 9, 18) };
	for (size_t i = 0; i < 6; i++) {
		struct att_session se = group_session(&f, days[i]);
		bool created;
		assert_int_equal(store_att_session_for_group(st, f.org, &se, &created), STORE_OK);
		struct attendance a = att_row(f.e[0], i != 4, i != 4 ? 270 : 0, "");
		struct attendance b = att_row(f.e[1], i % 2 == 0, 240, "");
		struct attendance both[2] = { a, b };
		assert_int_equal(store_attendance_save(st, f.org, se.id, both, 2, f.t, NULL, NULL), STORE_OK);
	}
	struct att_session ind = { .programme_id = f.prog, .on_day = D(2025, 9, 10), .start_min = 900, .end_min = 960 };
	copy_str(ind.kind, sizeof ind.kind, "individual");
	assert_int_equal(store_att_session_create(st, f.org, &ind), STORE_OK);
	struct attendance one = att_row(f.e[0], true, 60, "");
	assert_int_equal(store_attendance_save(st, f.org, ind.id, &one, 1, f.t, NULL, NULL), STORE_OK);

	int32_t *dates;
	size_t n;
	assert_int_equal(store_attendance_dates(st, f.org, f.e[0], DATE_NONE, DATE_NONE, &dates, &n), STORE_OK);
	assert_int_equal(n, 5);
	int32_t want[] = { D(2025, 9, 8), D(2025, 9, 10), D(2025, 9, 11), D(2025, 9, 15), D(2025, 9, 18) };
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dates[i], want[i]);
	free(dates);
	assert_int_equal(store_attendance_dates(st, f.org, f.e[0], D(2025, 9, 11), D(2025, 9, 17), &dates, &n),
			 STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(dates[0], D(2025, 9, 11));
	assert_int_equal(dates[1], D(2025, 9, 15));
	free(dates);
	assert_int_equal(store_attendance_dates(st, f.other, f.e[0], DATE_NONE, DATE_NONE, &dates, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(dates);

	/* The timeline: every row, attended or not, by day. */
	struct attendance *rows;
	assert_int_equal(store_attendance_of_enrolment(st, f.org, f.e[0], DATE_NONE, DATE_NONE, &rows, &n), STORE_OK);
	assert_int_equal(n, 7);
	assert_int_equal(rows[1].on_day, D(2025, 9, 10));
	assert_string_equal(rows[1].kind, "group");
	assert_int_equal(rows[1].group_id, f.group);
	assert_string_equal(rows[2].kind, "individual");
	assert_false(rows[5].attended);
	free(rows);

	/* The caseload row counts, computed in the database. */
	struct enrolment_query q = { .therapist_id = f.t, .phase = -1, .recent_from = D(2025, 9, 15), .limit = 50 };
	copy_str(q.status, sizeof q.status, "open");
	struct enrolment_row *list;
	int64_t total;
	assert_int_equal(store_enrolment_list(st, f.org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(total, 4);
	assert_string_equal(list[0].family_name, "Aas");
	assert_int_equal(list[0].attended_in_phase, 3);
	assert_int_equal(list[0].attended_recent, 1);
	assert_int_equal(list[0].last_attended, D(2025, 9, 17));
	assert_string_equal(list[2].family_name, "Nordmann");
	assert_int_equal(list[2].attended_in_phase, 5);
	assert_int_equal(list[2].attended_recent, 2);
	assert_int_equal(list[2].last_attended, D(2025, 9, 18));
	assert_int_equal(list[3].attended_in_phase, 0);
	assert_int_equal(list[3].last_attended, DATE_NONE);
	free(list);
	/* A window after every attended day: none in it, the last day still found. */
	q.recent_from = D(2025, 9, 22);
	assert_int_equal(store_enrolment_list(st, f.org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(list[0].attended_recent, 0);
	assert_int_equal(list[0].last_attended, D(2025, 9, 17));
	assert_int_equal(list[2].attended_recent, 0);
	assert_int_equal(list[2].last_attended, D(2025, 9, 18));
	assert_int_equal(list[3].last_attended, DATE_NONE);
	free(list);
}

/* attendance_days (migration 016) equals the attended days of attendance, counted per
 * day: the INSERT fails on the CHECK when any row differs, in either direction. */
static int days_check(void)
{
	int rc = store_testing_exec(st, "CREATE TABLE IF NOT EXISTS days_check (bad INTEGER NOT NULL CHECK (bad = 0))");
	if (rc != STORE_OK)
		return rc;
	return store_testing_exec(
		st, "INSERT INTO days_check (bad) SELECT "
		    "(SELECT count(*) FROM (SELECT org_id, enrolment_id, on_day, sessions FROM attendance_days EXCEPT "
		    "SELECT org_id, enrolment_id, on_day, count(*) FROM attendance WHERE CAST(attended AS INTEGER) = 1 "
		    "GROUP BY org_id, enrolment_id, on_day) x) + "
		    "(SELECT count(*) FROM (SELECT org_id, enrolment_id, on_day, count(*) FROM attendance "
		    "WHERE CAST(attended AS INTEGER) = 1 GROUP BY org_id, enrolment_id, on_day EXCEPT "
		    "SELECT org_id, enrolment_id, on_day, sessions FROM attendance_days) y) + "
		    "(SELECT count(*) FROM enrolments e WHERE e.days_in_phase <> (SELECT count(*) FROM attendance_days a "
		    "WHERE a.org_id = e.org_id AND a.enrolment_id = e.id AND a.on_day >= e.phase_since))");
}

/* The caseload's count of days in the current phase (enrolments.days_in_phase). */
static int in_phase(const struct att_fixture *f, int64_t enrolment_id)
{
	struct enrolment e;
	assert_int_equal(store_enrolment_get(st, f->org, enrolment_id, &e), STORE_OK);
	struct enrolment_query q = { .person_id = e.person_id, .phase = -1, .recent_from = DATE_NONE, .limit = 10 };
	struct enrolment_row *list;
	size_t n;
	int64_t total;
	assert_int_equal(store_enrolment_list(st, f->org, &q, &list, &n, &total), STORE_OK);
	int days = -1;
	for (size_t i = 0; i < n; i++)
		if (list[i].e.id == enrolment_id)
			days = list[i].attended_in_phase;
	free(list);
	return days;
}

static size_t days_of(const struct att_fixture *f, int64_t enrolment_id)
{
	int32_t *dates;
	size_t n;
	assert_int_equal(store_attendance_dates(st, f->org, enrolment_id, DATE_NONE, DATE_NONE, &dates, &n), STORE_OK);
	free(dates);
	return n;
}

/* The attended days follow every change of attendance: two sessions on one day count
 * once, taking one back leaves the day, taking both back removes it, hours alone
 * change nothing. */
static void test_attendance_days(void **state)
{
	(void)state;
	struct att_fixture f;
	att_fixture(&f, "attdays");
	int32_t day = D(2025, 10, 6);
	struct att_session se = group_session(&f, day);
	bool created;
	assert_int_equal(store_att_session_for_group(st, f.org, &se, &created), STORE_OK);
	struct att_session ind = { .programme_id = f.prog, .on_day = day, .start_min = 900, .end_min = 960 };
	copy_str(ind.kind, sizeof ind.kind, "individual");
	assert_int_equal(store_att_session_create(st, f.org, &ind), STORE_OK);
	assert_int_equal(days_check(), STORE_OK);

	struct attendance g[2] = { att_row(f.e[0], true, 240, ""), att_row(f.e[1], false, 0, "") };
	assert_int_equal(store_attendance_save(st, f.org, se.id, g, 2, f.t, NULL, NULL), STORE_OK);
	struct attendance i1 = att_row(f.e[0], true, 60, "");
	assert_int_equal(store_attendance_save(st, f.org, ind.id, &i1, 1, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(days_of(&f, f.e[0]), 1);
	assert_int_equal(days_of(&f, f.e[1]), 0);
	assert_int_equal(days_check(), STORE_OK);

	/* Hours only. */
	g[0].minutes = 200;
	assert_int_equal(store_attendance_save(st, f.org, se.id, g, 2, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(days_check(), STORE_OK);
	/* The group session taken back: the individual one still makes the day. */
	g[0] = att_row(f.e[0], false, 0, "");
	g[1] = att_row(f.e[1], true, 240, "");
	assert_int_equal(store_attendance_save(st, f.org, se.id, g, 2, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(days_of(&f, f.e[0]), 1);
	assert_int_equal(days_of(&f, f.e[1]), 1);
	assert_int_equal(days_check(), STORE_OK);
	/* Both taken back: no day. */
	i1 = att_row(f.e[0], false, 0, "");
	assert_int_equal(store_attendance_save(st, f.org, ind.id, &i1, 1, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(days_of(&f, f.e[0]), 0);
	assert_int_equal(days_check(), STORE_OK);
	/* And back again. */
	g[0] = att_row(f.e[0], true, 240, "");
	assert_int_equal(store_attendance_save(st, f.org, se.id, g, 2, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(days_of(&f, f.e[0]), 1);
	assert_int_equal(days_check(), STORE_OK);

	/* Days in the phase: two days before a move to the next phase, one on its first day;
	 * the move counts afresh, a later day adds, a corrected (earlier) phase date counts
	 * the earlier days again. */
	int32_t before = D(2025, 10, 3);
	struct att_session se0 = group_session(&f, before);
	assert_int_equal(store_att_session_for_group(st, f.org, &se0, &created), STORE_OK);
	struct attendance b0 = att_row(f.e[0], true, 240, "");
	assert_int_equal(store_attendance_save(st, f.org, se0.id, &b0, 1, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(in_phase(&f, f.e[0]), 2);
	struct enrolment en;
	assert_int_equal(store_enrolment_get(st, f.org, f.e[0], &en), STORE_OK);
	struct enrolment_event mv = event_of("phase", en.phase, en.phase + 1, day, f.t);
	en.phase++;
	en.phase_since = en.last_change_on = day;
	assert_int_equal(store_enrolment_change(st, f.org, &en, en.version, &mv), STORE_OK);
	assert_int_equal(in_phase(&f, f.e[0]), 1);
	assert_int_equal(days_check(), STORE_OK);
	struct att_session se2 = group_session(&f, day + 1);
	assert_int_equal(store_att_session_for_group(st, f.org, &se2, &created), STORE_OK);
	struct attendance b2 = att_row(f.e[0], true, 240, "");
	assert_int_equal(store_attendance_save(st, f.org, se2.id, &b2, 1, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(in_phase(&f, f.e[0]), 2);
	struct enrolment_event fix = event_of("phase", en.phase, en.phase, before, f.t);
	en.phase_since = before;
	assert_int_equal(store_enrolment_change(st, f.org, &en, en.version, &fix), STORE_OK);
	assert_int_equal(in_phase(&f, f.e[0]), 3);
	b2.attended = false;
	assert_int_equal(store_attendance_save(st, f.org, se2.id, &b2, 1, f.t, NULL, NULL), STORE_OK);
	assert_int_equal(in_phase(&f, f.e[0]), 2);
	assert_int_equal(days_check(), STORE_OK);

	/* The check can fail: a day counted twice is seen, and so is a missing one. */
	assert_int_equal(store_testing_exec(st, "UPDATE attendance_days SET sessions = sessions + 1"), STORE_OK);
	assert_int_not_equal(days_check(), STORE_OK);
	assert_int_equal(store_testing_exec(st, "DELETE FROM attendance_days"), STORE_OK);
	assert_int_not_equal(days_check(), STORE_OK);
	/* Put back as migration 016 fills it (the deletion counted the days out of the
	 * enrolments, the insertion counts them in again). */
	assert_int_equal(store_testing_exec(st, "INSERT INTO attendance_days (org_id, enrolment_id, on_day, sessions) "
						"SELECT org_id, enrolment_id, on_day, count(*) FROM attendance "
						"WHERE CAST(attended AS INTEGER) = 1 GROUP BY org_id, enrolment_id, on_day"),
			 STORE_OK);
	assert_int_equal(days_check(), STORE_OK);
	/* A wrong count on an enrolment is seen; the migration's recount repairs it. */
	assert_int_equal(store_testing_exec(st, "UPDATE enrolments SET days_in_phase = days_in_phase + 1"), STORE_OK);
	assert_int_not_equal(days_check(), STORE_OK);
	assert_int_equal(store_testing_exec(st, "UPDATE enrolments SET days_in_phase = (SELECT count(*) FROM "
						"attendance_days a WHERE a.org_id = enrolments.org_id AND "
						"a.enrolment_id = enrolments.id AND a.on_day >= enrolments.phase_since)"),
			 STORE_OK);
	assert_int_equal(days_check(), STORE_OK);
	assert_int_equal(in_phase(&f, f.e[0]), 2);
}

static void test_enrolment_list(void **state)
{
	(void)state;
	int64_t org = make_org("caseload"), other = make_org("caseload-other");
	int64_t t1 = make_member(org, "caseload-t1@example.no", "therapist");
	int64_t t2 = make_member(org, "caseload-t2@example.no", "therapist");
	int64_t prog = make_programme(org, "Caseload"), prog2 = make_programme(org, "Caseload 2");
	int64_t oprog = make_programme(other, "Caseload other");
	const char *names[] = { "Eva", "Dina", "Carl", "Bo", "Anna" };
	int64_t ids[5];
	for (int i = 0; i < 5; i++) {
		int64_t person = make_person(org, names[i], "Case", D(1980, 1, 1 + i));
		ids[i] = make_enrolment(org, person, i < 4 ? prog : prog2, i % 2 ? t2 : t1, D(2025, 1, 1 + i));
	}
	make_enrolment(other, make_person(other, "Ola", "Other", D(1980, 1, 1)), oprog, 0, D(2025, 1, 1));
	/* Move two on to phase 2 (Carl first, then Eva), pause Dina, complete nobody. */
	int move[] = { 2, 0 };
	for (int k = 0; k < 2; k++) {
		struct enrolment e;
		assert_int_equal(store_enrolment_get(st, org, ids[move[k]], &e), STORE_OK);
		e.phase = 2;
		e.phase_since = e.last_change_on = D(2025, 2, 1 + k);
		struct enrolment_event ev = event_of("phase", 0, 2, e.phase_since, t1);
		copy_str(ev.reason, sizeof ev.reason, "Straight to day treatment");
		assert_int_equal(store_enrolment_change(st, org, &e, e.version, &ev), STORE_OK);
	}
	struct enrolment dina;
	assert_int_equal(store_enrolment_get(st, org, ids[1], &dina), STORE_OK);
	copy_str(dina.status, sizeof dina.status, "paused");
	dina.paused_since = dina.last_change_on = D(2025, 2, 5);
	struct enrolment_event pause = event_of("pause", 0, 0, D(2025, 2, 5), t2);
	assert_int_equal(store_enrolment_change(st, org, &dina, dina.version, &pause), STORE_OK);

	struct enrolment_query q = { .phase = -1, .recent_from = DATE_NONE, .limit = 100 };
	struct enrolment_row *list;
	size_t n;
	int64_t total;
	/* The whole organisation by name. */
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 5);
	assert_string_equal(list[0].given_name, "Anna");
	assert_string_equal(list[4].given_name, "Eva");
	free(list);
	/* A therapist's caseload. */
	q.therapist_id = t1;
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(total, 3);
	free(list);
	/* A programme's open enrolments in phase 2, and by phase. */
	q = (struct enrolment_query){ .programme_id = prog, .phase = 2, .recent_from = DATE_NONE, .limit = 100 };
	copy_str(q.status, sizeof q.status, "open");
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	free(list);
	q.phase = -1;
	q.sort = STORE_ENROL_BY_PHASE;
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 4);
	assert_string_equal(list[0].given_name, "Dina"); /* phase 0 since 2 Jan, paused */
	assert_string_equal(list[1].given_name, "Bo");   /* phase 0 since 4 Jan */
	assert_string_equal(list[2].given_name, "Carl"); /* phase 2 since 1 Feb */
	assert_string_equal(list[3].given_name, "Eva");  /* phase 2 since 2 Feb */
	free(list);
	copy_str(q.status, sizeof q.status, "paused");
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].e.id, ids[1]);
	free(list);
	/* Newest first, paged. */
	q = (struct enrolment_query){ .phase = -1, .recent_from = DATE_NONE, .sort = STORE_ENROL_BY_STARTED, .limit = 2,
				      .offset = 1 };
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(total, 5);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].e.id, ids[3]);
	assert_int_equal(list[1].e.id, ids[2]);
	free(list);
	q.offset = 5; /* past the end: no rows, the total all the same */
	total = -1;
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(total, 5);
	free(list);
	q.offset = 0; /* nothing matches: total 0 */
	q.therapist_id = 999999;
	total = -1;
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	free(list);
	/* A person's enrolments; another org's list. */
	struct enrolment eva;
	assert_int_equal(store_enrolment_get(st, org, ids[0], &eva), STORE_OK);
	q = (struct enrolment_query){ .person_id = eva.person_id, .phase = -1, .recent_from = DATE_NONE, .limit = 10 };
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	free(list);
	q.person_id = 0;
	assert_int_equal(store_enrolment_list(st, other, &q, &list, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].family_name, "Other");
	free(list);
	copy_str(q.status, sizeof q.status, "bogus");
	assert_int_equal(store_enrolment_list(st, org, &q, &list, &n, &total), STORE_INVALID);

	int counts[STORE_PHASES_MAX];
	assert_int_equal(store_enrolment_phase_counts(st, org, prog, counts), STORE_OK);
	assert_int_equal(counts[0], 2);
	assert_int_equal(counts[1], 0);
	assert_int_equal(counts[2], 2);
	assert_int_equal(store_enrolment_phase_counts(st, other, prog, counts), STORE_OK);
	assert_int_equal(counts[0] + counts[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrated),
		cmocka_unit_test(test_programmes),
		cmocka_unit_test(test_closed_dates),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_group_capacity),
		cmocka_unit_test(test_waiting_list),
		cmocka_unit_test(test_capacity_concurrent),
		cmocka_unit_test(test_referral_sources),
		cmocka_unit_test(test_persons),
		cmocka_unit_test(test_person_list),
		cmocka_unit_test(test_person_duplicates),
		cmocka_unit_test(test_referrals),
		cmocka_unit_test(test_referral_queue),
		cmocka_unit_test(test_self_referrals),
		cmocka_unit_test(test_enrolments),
		cmocka_unit_test(test_history_append_only),
		cmocka_unit_test(test_att_sessions),
		cmocka_unit_test(test_roster_save),
		cmocka_unit_test(test_attended_dates),
		cmocka_unit_test(test_attendance_days),
		cmocka_unit_test(test_enrolment_list),
	};
	return store_test_run("store_path", tests, sizeof tests / sizeof tests[0]);
}
