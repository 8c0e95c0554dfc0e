/* test_store_relapses.c: the store's contract for relapses (issue 6) — a round trip of
 * every field, one relapse per test, the status-checked update (a lost race is
 * STORE_CONFLICT), the sober-since day set with a confirmation in one transaction, the
 * lists (person, therapist's drafts), the organisation's setting, and organisation
 * scoping everywhere — run unchanged on SQLite and PostgreSQL (TOLV_TEST_DB).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "store/store.h"

#include "fixtures.h"
#include "runner.h"

#define D(y, m, d) date_from_ymd(y, m, d)

static struct store_relapse draft_of(int64_t person, int64_t enrolment, int32_t day, int64_t test_id, int64_t by)
{
	struct store_relapse r;
	memset(&r, 0, sizeof r);
	r.person_id = person;
	r.enrolment_id = enrolment;
	r.on_day = day;
	copy_str(r.substances, sizeof r.substances, "alcohol,cannabis");
	copy_str(r.source, sizeof r.source, test_id ? "test" : "told");
	r.test_id = test_id;
	copy_str(r.status, sizeof r.status, "draft");
	r.conversation_on = r.physician_on = r.detox_on = r.paused_on = r.resumed_on = DATE_NONE;
	r.created_by = r.updated_by = by;
	return r;
}

static void test_round_trip(void **state)
{
	(void)state;
	int64_t org = make_org("relapse-rt");
	int64_t ther = make_member(org, "rel-rt@example.org", "therapist");
	int64_t prog = make_programme(org, "Dag");
	int64_t pid = make_person(org, "Kari", "Nordmann", D(1980, 1, 2));
	int64_t eid = make_enrolment(org, pid, prog, ther, D(2025, 1, 6));

	struct store_relapse r = draft_of(pid, eid, D(2025, 3, 1), 0, ther);
	copy_str(r.source, sizeof r.source, "other");
	copy_str(r.source_text, sizeof r.source_text, "Fortalt av pårørende <b>'\"&");
	assert_int_equal(store_relapse_create(st, org, &r), STORE_OK);
	assert_true(r.id > 0);

	struct store_relapse g;
	assert_int_equal(store_relapse_get(st, org, r.id, &g), STORE_OK);
	assert_int_equal(g.person_id, pid);
	assert_int_equal(g.enrolment_id, eid);
	assert_int_equal(g.on_day, D(2025, 3, 1));
	assert_string_equal(g.substances, "alcohol,cannabis");
	assert_string_equal(g.source, "other");
	assert_string_equal(g.source_text, "Fortalt av pårørende <b>'\"&");
	assert_string_equal(g.status, "draft");
	assert_false(g.review);
	assert_int_equal(g.decided_at, 0);
	assert_int_equal(g.conversation_on, DATE_NONE);
	assert_int_equal(g.paused_on, DATE_NONE);
	assert_string_equal(g.given_name, "Kari");
	assert_int_equal(g.created_by, ther);

	/* Confirm with the whole response, and the sober-since day in the same write. */
	copy_str(g.status, sizeof g.status, "confirmed");
	g.decided_by = ther;
	g.conversation_on = D(2025, 3, 2);
	g.plan_version = 3;
	g.extra_sessions = 4;
	copy_str(g.extra_sessions_text, sizeof g.extra_sessions_text, "Two a week");
	g.physician_on = D(2025, 3, 5);
	copy_str(g.physician_status, sizeof g.physician_status, "planned");
	copy_str(g.detox_destination, sizeof g.detox_destination, "Avgiftning Kristiansand");
	g.detox_on = D(2025, 3, 6);
	copy_str(g.detox_status, sizeof g.detox_status, "admitted");
	g.paused_enrolment_id = eid;
	g.paused_on = D(2025, 3, 2);
	g.review = true;
	assert_int_equal(store_relapse_update(st, org, &g, "draft", true, D(2025, 3, 2)), STORE_OK);
	struct store_relapse h;
	assert_int_equal(store_relapse_get(st, org, r.id, &h), STORE_OK);
	assert_string_equal(h.status, "confirmed");
	assert_true(h.decided_at > 0);
	assert_int_equal(h.decided_by, ther);
	assert_true(h.review);
	assert_int_equal(h.conversation_on, D(2025, 3, 2));
	assert_int_equal(h.plan_version, 3);
	assert_int_equal(h.extra_sessions, 4);
	assert_string_equal(h.extra_sessions_text, "Two a week");
	assert_int_equal(h.physician_on, D(2025, 3, 5));
	assert_string_equal(h.physician_status, "planned");
	assert_string_equal(h.detox_destination, "Avgiftning Kristiansand");
	assert_int_equal(h.detox_on, D(2025, 3, 6));
	assert_string_equal(h.detox_status, "admitted");
	assert_int_equal(h.paused_enrolment_id, eid);
	assert_int_equal(h.paused_on, D(2025, 3, 2));
	assert_int_equal(h.resumed_on, DATE_NONE);
	int32_t sober = 0;
	assert_int_equal(store_sober_since_get(st, org, pid, &sober), STORE_OK);
	assert_int_equal(sober, D(2025, 3, 2));

	/* The status moved on: a write that expects "draft" is a lost race. */
	assert_int_equal(store_relapse_update(st, org, &g, "draft", false, DATE_NONE), STORE_CONFLICT);
	/* Bad values are refused before the database. */
	struct store_relapse bad = h;
	copy_str(bad.detox_status, sizeof bad.detox_status, "gone");
	assert_int_equal(store_relapse_update(st, org, &bad, "confirmed", false, DATE_NONE), STORE_INVALID);
	bad = h;
	bad.extra_sessions = 101;
	assert_int_equal(store_relapse_update(st, org, &bad, "confirmed", false, DATE_NONE), STORE_INVALID);
	struct store_relapse nt = draft_of(pid, 0, D(2025, 3, 1), 0, ther);
	copy_str(nt.source, sizeof nt.source, "test"); /* a test without its id */
	assert_int_equal(store_relapse_create(st, org, &nt), STORE_INVALID);
}

static void test_one_per_test(void **state)
{
	(void)state;
	int64_t org = make_org("relapse-test");
	int64_t ther = make_member(org, "rel-t@example.org", "therapist");
	int64_t pid = make_person(org, "Ola", "Tester", D(1970, 5, 5));
	struct store_relapse r = draft_of(pid, 0, D(2025, 4, 1), 77, ther);
	assert_int_equal(store_relapse_create(st, org, &r), STORE_OK);
	struct store_relapse again = draft_of(pid, 0, D(2025, 4, 1), 77, ther);
	assert_int_equal(store_relapse_create(st, org, &again), STORE_CONFLICT);
	struct store_relapse g;
	assert_int_equal(store_relapse_by_test(st, org, 77, &g), STORE_OK);
	assert_int_equal(g.id, r.id);
	assert_int_equal(g.test_id, 77);
	assert_string_equal(g.source, "test");
	assert_int_equal(store_relapse_by_test(st, org, 78, &g), STORE_NOTFOUND);
	/* Another organisation may have its own test 77 (ids are per database, but the
	 * relapse is scoped by organisation all the same). */
	int64_t org2 = make_org("relapse-test2");
	int64_t pid2 = make_person(org2, "Per", "Annen", D(1971, 5, 5));
	assert_int_equal(store_relapse_by_test(st, org2, 77, &g), STORE_NOTFOUND);
	struct store_relapse other = draft_of(pid2, 0, D(2025, 4, 1), 77, 0);
	assert_int_equal(store_relapse_create(st, org2, &other), STORE_OK);

	/* Overturned: a draft becomes rejected (the domain's rule; the store keeps it). */
	copy_str(g.status, sizeof g.status, "rejected");
	assert_int_equal(store_relapse_by_test(st, org, 77, &g), STORE_OK);
	copy_str(g.status, sizeof g.status, "rejected");
	copy_str(g.decision_reason, sizeof g.decision_reason, "lab");
	assert_int_equal(store_relapse_update(st, org, &g, "draft", false, DATE_NONE), STORE_OK);
	assert_int_equal(store_relapse_by_test(st, org, 77, &g), STORE_OK);
	assert_string_equal(g.status, "rejected");
	assert_true(g.decided_at > 0);
}

static void test_scoping_and_lists(void **state)
{
	(void)state;
	int64_t a = make_org("relapse-a"), b = make_org("relapse-b");
	int64_t ta = make_member(a, "rel-a@example.org", "therapist");
	int64_t tb = make_member(a, "rel-a2@example.org", "therapist");
	int64_t prog = make_programme(a, "Poliklinikk");
	int64_t p1 = make_person(a, "Anne", "En", D(1990, 1, 1));
	int64_t p2 = make_person(a, "Bjørn", "To", D(1991, 1, 1));
	int64_t pb = make_person(b, "Carl", "Tre", D(1992, 1, 1));
	make_enrolment(a, p1, prog, ta, D(2025, 1, 1));
	make_enrolment(a, p2, prog, tb, D(2025, 1, 1));
	struct store_relapse r1 = draft_of(p1, 0, D(2025, 2, 1), 0, ta), r2 = draft_of(p1, 0, D(2025, 2, 10), 0, ta),
			     r3 = draft_of(p2, 0, D(2025, 2, 5), 0, tb);
	assert_int_equal(store_relapse_create(st, a, &r1), STORE_OK);
	assert_int_equal(store_relapse_create(st, a, &r2), STORE_OK);
	assert_int_equal(store_relapse_create(st, a, &r3), STORE_OK);

	/* Another organisation's person or relapse is none. */
	struct store_relapse x = draft_of(pb, 0, D(2025, 2, 1), 0, 0);
	assert_int_equal(store_relapse_create(st, a, &x), STORE_NOTFOUND);
	struct store_relapse g;
	assert_int_equal(store_relapse_get(st, b, r1.id, &g), STORE_NOTFOUND);
	struct store_relapse u = r1;
	assert_int_equal(store_relapse_update(st, b, &u, "draft", false, DATE_NONE), STORE_NOTFOUND);
	struct store_relapse *rows = NULL;
	size_t n = 0;
	assert_int_equal(store_relapse_list(st, b, p1, 0, "", 50, &rows, &n), STORE_NOTFOUND);
	free(rows);
	int32_t day;
	assert_int_equal(store_sober_since_get(st, b, p1, &day), STORE_NOTFOUND);
	assert_int_equal(store_sober_since_set(st, b, p1, D(2025, 1, 1), 0), STORE_NOTFOUND);

	/* The person's list, newest first. */
	assert_int_equal(store_relapse_list(st, a, p1, 0, "", 50, &rows, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, r2.id);
	assert_int_equal(rows[1].id, r1.id);
	free(rows);
	/* The therapist's drafts: only people whose open enrolment is theirs. */
	assert_int_equal(store_relapse_list(st, a, 0, tb, "draft", 50, &rows, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, r3.id);
	assert_string_equal(rows[0].family_name, "To");
	free(rows);
	assert_int_equal(store_relapse_list(st, a, 0, 0, "confirmed", 50, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(rows);
	assert_int_equal(store_relapse_list(st, b, 0, 0, "", 50, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(rows);

	/* Sober-since: unset, set, cleared. */
	assert_int_equal(store_sober_since_get(st, a, p1, &day), STORE_OK);
	assert_int_equal(day, DATE_NONE);
	assert_int_equal(store_sober_since_set(st, a, p1, D(2024, 12, 24), ta), STORE_OK);
	assert_int_equal(store_sober_since_get(st, a, p1, &day), STORE_OK);
	assert_int_equal(day, D(2024, 12, 24));
	assert_int_equal(store_sober_since_set(st, a, p1, DATE_NONE, ta), STORE_OK);
	assert_int_equal(store_sober_since_get(st, a, p1, &day), STORE_OK);
	assert_int_equal(day, DATE_NONE);

	/* The setting: off until set, per organisation. */
	bool on = true;
	assert_int_equal(store_relapse_settings_get(st, a, &on), STORE_OK);
	assert_false(on);
	assert_int_equal(store_relapse_settings_set(st, a, true, ta), STORE_OK);
	assert_int_equal(store_relapse_settings_get(st, a, &on), STORE_OK);
	assert_true(on);
	assert_int_equal(store_relapse_settings_get(st, b, &on), STORE_OK);
	assert_false(on);
	assert_int_equal(store_relapse_settings_set(st, a, false, ta), STORE_OK);
	assert_int_equal(store_relapse_settings_get(st, a, &on), STORE_OK);
	assert_false(on);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_one_per_test),
		cmocka_unit_test(test_scoping_and_lists),
	};
	return store_test_run("store_relapses", tests, sizeof tests / sizeof tests[0]);
}
