/* test_store_steps.c: the store's contract for step work and the individual plan (issue 4)
 * — step states, their append-only history, plan versions — run unchanged on SQLite and
 * PostgreSQL (TOLV_TEST_DB, as for test_store_path.c).
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

static int32_t D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static bool error_mentions(const char *text)
{
	return strstr(store_last_error(), text) != NULL;
}

/* ---- step work ---- */

struct fx {
	int64_t org, other, t, e, other_e;
};

static void fixture(struct fx *f, const char *tag)
{
	char name[64];
	f->org = make_org(tag);
	snprintf(name, sizeof name, "%s-other", tag);
	f->other = make_org(name);
	snprintf(name, sizeof name, "%s@steps.test", tag);
	f->t = make_member(f->org, name, "therapist");
	int64_t prog = make_programme(f->org, "Steps");
	f->e = make_enrolment(f->org, make_person(f->org, "Kari", "Nordmann", D(1980, 1, 1)), prog, f->t, D(2025, 1, 6));
	int64_t oprog = make_programme(f->other, "Steps");
	f->other_e = make_enrolment(f->other, make_person(f->other, "Ola", "Other", D(1970, 1, 1)), oprog, 0,
				    D(2025, 1, 6));
}

static int change(const struct fx *f, int step, const char *from, const char *to, int32_t day, int expected,
		  const char *note)
{
	struct store_step s = { .step = step, .since = day, .confirmed_by = f->t, .changes = expected + 1 };
	copy_str(s.status, sizeof s.status, to);
	struct store_step_event ev = { .on_day = day, .by_user = f->t };
	copy_str(ev.from_status, sizeof ev.from_status, from);
	copy_str(ev.to_status, sizeof ev.to_status, to);
	copy_str(ev.note, sizeof ev.note, note);
	return store_step_change(st, f->org, f->e, &s, expected, &ev);
}

static void test_steps(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "steps");
	struct store_step s[12];
	assert_int_equal(store_steps_get(st, f.org, f.e, s), STORE_OK);
	for (int i = 0; i < 12; i++) {
		assert_int_equal(s[i].step, i + 1);
		assert_string_equal(s[i].status, "not_started");
		assert_int_equal(s[i].changes, 0);
		assert_int_equal(s[i].since, DATE_NONE);
	}
	assert_int_equal(change(&f, 1, "not_started", "working", D(2025, 1, 7), 0, ""), STORE_OK);
	assert_int_equal(change(&f, 1, "working", "presented", D(2025, 1, 9), 1, "In the group <b>"), STORE_OK);
	/* Someone else read changes = 1 too: the step moved meanwhile. */
	assert_int_equal(change(&f, 1, "working", "completed", D(2025, 1, 9), 1, "late"), STORE_CONFLICT);
	assert_int_equal(change(&f, 2, "not_started", "working", D(2025, 1, 9), 0, ""), STORE_OK);
	assert_int_equal(change(&f, 2, "not_started", "working", D(2025, 1, 9), 0, ""), STORE_CONFLICT);
	assert_int_equal(store_steps_get(st, f.org, f.e, s), STORE_OK);
	assert_string_equal(s[0].status, "presented");
	assert_int_equal(s[0].changes, 2);
	assert_int_equal(s[0].since, D(2025, 1, 9));
	assert_int_equal(s[0].confirmed_by, f.t);
	assert_string_equal(s[1].status, "working");
	assert_string_equal(s[2].status, "not_started");

	struct store_step_event *ev;
	size_t n;
	assert_int_equal(store_step_events(st, f.org, f.e, &ev, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].step, 1);
	assert_string_equal(ev[0].to_status, "working");
	assert_string_equal(ev[1].note, "In the group <b>");
	assert_true(ev[1].at > 0);
	free(ev);

	/* Another organisation's enrolment does not exist here. */
	assert_int_equal(store_steps_get(st, f.other, f.e, s), STORE_NOTFOUND);
	assert_int_equal(store_step_events(st, f.other, f.e, &ev, &n), STORE_NOTFOUND);
	struct fx g = f;
	g.org = f.other;
	assert_int_equal(change(&g, 3, "not_started", "working", D(2025, 1, 9), 0, ""), STORE_NOTFOUND);
	g.org = f.org;
	g.e = f.other_e;
	assert_int_equal(change(&g, 3, "not_started", "working", D(2025, 1, 9), 0, ""), STORE_NOTFOUND);
	/* Bad input is refused before the database. */
	assert_int_equal(change(&f, 13, "not_started", "working", D(2025, 1, 9), 0, ""), STORE_INVALID);
	assert_int_equal(change(&f, 3, "not_started", "flying", D(2025, 1, 9), 0, ""), STORE_INVALID);

	assert_int_not_equal(store_testing_exec(st, "UPDATE step_events SET note = 'edited'"), STORE_OK);
	assert_true(error_mentions("append-only"));
	assert_int_not_equal(store_testing_exec(st, "DELETE FROM step_events"), STORE_OK);
}

static void test_plan_versions(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "plan");
	struct store_plan_version v = { 0 };
	assert_int_equal(store_plan_get(st, f.org, f.e, 0, &v), STORE_NOTFOUND);
	struct store_plan_version *list;
	size_t n;
	assert_int_equal(store_plan_versions(st, f.org, f.e, true, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);

	v = (struct store_plan_version){ .author = f.t, .json = "{\"format\":1}" };
	assert_int_equal(store_plan_save(st, f.org, f.e, 0, &v), STORE_OK);
	assert_int_equal(v.number, 1);
	v = (struct store_plan_version){ .author = f.t, .json = "{\"format\":1,\"x\":2}" };
	assert_int_equal(store_plan_save(st, f.org, f.e, 1, &v), STORE_OK);
	assert_int_equal(v.number, 2);
	/* Saved on top of version 1 while version 2 exists: refused. */
	v = (struct store_plan_version){ .author = f.t, .json = "{\"format\":1,\"x\":3}" };
	assert_int_equal(store_plan_save(st, f.org, f.e, 1, &v), STORE_CONFLICT);

	struct store_plan_version got;
	assert_int_equal(store_plan_get(st, f.org, f.e, 0, &got), STORE_OK);
	assert_int_equal(got.number, 2);
	assert_int_equal(got.author, f.t);
	assert_string_equal(got.json, "{\"format\":1,\"x\":2}");
	free(got.json);
	assert_int_equal(store_plan_get(st, f.org, f.e, 1, &got), STORE_OK);
	assert_string_equal(got.json, "{\"format\":1}");
	free(got.json);
	assert_int_equal(store_plan_get(st, f.org, f.e, 3, &got), STORE_NOTFOUND);

	assert_int_equal(store_plan_versions(st, f.org, f.e, false, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].number, 1);
	assert_null(list[0].json);
	assert_true(list[1].created_at > 0);
	store_plan_versions_free(list, n);
	assert_int_equal(store_plan_versions(st, f.org, f.e, true, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].json, "{\"format\":1,\"x\":2}");
	store_plan_versions_free(list, n);

	/* Another organisation's enrolment. */
	assert_int_equal(store_plan_get(st, f.other, f.e, 0, &got), STORE_NOTFOUND);
	assert_int_equal(store_plan_versions(st, f.other, f.e, true, &list, &n), STORE_NOTFOUND);
	v = (struct store_plan_version){ .author = f.t, .json = "{}" };
	assert_int_equal(store_plan_save(st, f.other, f.e, 2, &v), STORE_NOTFOUND);

	assert_int_not_equal(store_testing_exec(st, "UPDATE plan_versions SET json = '{}'"), STORE_OK);
	assert_true(error_mentions("append-only"));
	assert_int_not_equal(store_testing_exec(st, "DELETE FROM plan_versions"), STORE_OK);
	if (is_pg)
		assert_int_not_equal(store_testing_exec(st, "TRUNCATE plan_versions"), STORE_OK);
}

/* store_plan_latest_many: the latest version of each enrolment in one read; enrolments
 * without a plan and another organisation's are left out. */
static void test_plan_latest_many(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "many");
	int64_t prog = make_programme(f.org, "Many");
	int64_t e2 = make_enrolment(f.org, make_person(f.org, "Per", "Plan", D(1985, 2, 2)), prog, f.t, D(2025, 2, 3));
	int64_t e3 = make_enrolment(f.org, make_person(f.org, "Pål", "Ingen", D(1986, 3, 3)), prog, f.t, D(2025, 2, 3));
	struct store_plan_version v = { .author = f.t, .json = "{\"v\":1}" };
	assert_int_equal(store_plan_save(st, f.org, f.e, 0, &v), STORE_OK);
	v = (struct store_plan_version){ .author = f.t, .json = "{\"v\":2}" };
	assert_int_equal(store_plan_save(st, f.org, f.e, 1, &v), STORE_OK);
	v = (struct store_plan_version){ .author = f.t, .json = "{\"e2\":1}" };
	assert_int_equal(store_plan_save(st, f.org, e2, 0, &v), STORE_OK);

	int64_t ids[] = { e3, f.e, f.other_e, e2 };
	struct store_plan_version *list;
	size_t n;
	assert_int_equal(store_plan_latest_many(st, f.org, ids, 4, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (list[i].enrolment_id == f.e) {
			assert_int_equal(list[i].number, 2);
			assert_string_equal(list[i].json, "{\"v\":2}");
		} else {
			assert_int_equal(list[i].enrolment_id, e2);
			assert_int_equal(list[i].number, 1);
			assert_string_equal(list[i].json, "{\"e2\":1}");
		}
	}
	store_plan_versions_free(list, n);
	/* From the other organisation: its own enrolment has no plan, ours are not seen. */
	assert_int_equal(store_plan_latest_many(st, f.other, ids, 4, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	store_plan_versions_free(list, n);
	assert_int_equal(store_plan_latest_many(st, f.org, ids, 0, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_plan_latest_many(st, f.org, NULL, 2, &list, &n), STORE_INVALID);
	assert_int_equal(store_plan_latest_many(st, f.org, ids, STORE_PLAN_MANY_MAX + 1, &list, &n), STORE_INVALID);
}

/* store_caseload_columns: each enrolment's latest plan and each person's engagement in
 * one read; no plan and no profile read as nothing and ""; another organisation's ids as
 * none. */
static void test_caseload_columns(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "columns");
	int64_t prog = make_programme(f.org, "Columns");
	int64_t p2 = make_person(f.org, "Cecilie", "Kolonne", D(1984, 4, 4));
	int64_t e2 = make_enrolment(f.org, p2, prog, f.t, D(2025, 2, 3));
	struct enrolment en;
	assert_int_equal(store_enrolment_get(st, f.org, f.e, &en), STORE_OK);
	struct store_plan_version v = { .author = f.t, .json = "{\"v\":1}" };
	assert_int_equal(store_plan_save(st, f.org, f.e, 0, &v), STORE_OK);
	v = (struct store_plan_version){ .author = f.t, .json = "{\"v\":2}" };
	assert_int_equal(store_plan_save(st, f.org, f.e, 1, &v), STORE_OK);
	/* p2: a sponsor and two meetings, one of them outside the window. */
	struct fac_profile fp = { .person_id = p2, .sponsor_since = DATE_NONE, .updated_by = f.t };
	copy_str(fp.sponsor, sizeof fp.sponsor, "has_sponsor");
	assert_int_equal(store_fac_profile_set(st, f.org, &fp), STORE_OK);
	for (int i = 0; i < 2; i++) {
		struct fac_meeting m = { .person_id = p2, .on_day = i ? D(2025, 3, 10) : D(2025, 1, 10), .at = 1 };
		copy_str(m.name, sizeof m.name, "Mandagsmøtet");
		copy_str(m.source, sizeof m.source, "person_reported");
		assert_int_equal(store_fac_meeting_add(st, f.org, &m), STORE_OK);
	}

	int64_t eids[] = { f.e, e2, f.other_e }, pids[] = { en.person_id, p2, p2 };
	struct fac_engagement eg[3];
	struct store_plan_version *plans;
	size_t n;
	assert_int_equal(store_caseload_columns(st, f.org, eids, pids, 3, D(2025, 3, 1), D(2025, 3, 31), &plans, &n, eg),
			 STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(plans[0].enrolment_id, f.e);
	assert_int_equal(plans[0].number, 2);
	assert_string_equal(plans[0].json, "{\"v\":2}");
	store_plan_versions_free(plans, n);
	assert_int_equal(eg[0].meetings, 0);
	assert_string_equal(eg[0].sponsor, "");
	assert_int_equal(eg[1].meetings, 1);
	assert_string_equal(eg[1].sponsor, "has_sponsor");
	assert_int_equal(eg[2].meetings, 1); /* the same person again: the same answer */
	/* From the other organisation: nothing of ours. */
	assert_int_equal(store_caseload_columns(st, f.other, eids, pids, 3, D(2025, 1, 1), D(2025, 12, 31), &plans, &n,
						eg),
			 STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(eg[1].meetings, 0);
	assert_string_equal(eg[1].sponsor, "");
	/* None asked; bad arguments. */
	assert_int_equal(store_caseload_columns(st, f.org, eids, pids, 0, D(2025, 1, 1), D(2025, 1, 2), &plans, &n, eg),
			 STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_caseload_columns(st, f.org, NULL, pids, 2, D(2025, 1, 1), D(2025, 1, 2), &plans, &n, eg),
			 STORE_INVALID);
	assert_int_equal(store_caseload_columns(st, f.org, eids, pids, 2, DATE_NONE, D(2025, 1, 2), &plans, &n, eg),
			 STORE_INVALID);
}

/* store_steps_get_many: every enrolment's twelve steps in one read, in the order asked;
 * another organisation's enrolment reads as not started. */
static void test_steps_get_many(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "stepsmany");
	int64_t prog = make_programme(f.org, "Many steps");
	int64_t e2 = make_enrolment(f.org, make_person(f.org, "Åse", "Andre", D(1990, 4, 4)), prog, f.t, D(2025, 2, 3));
	assert_int_equal(change(&f, 1, "not_started", "working", D(2025, 2, 1), 0, ""), STORE_OK);
	assert_int_equal(change(&f, 1, "working", "presented", D(2025, 2, 8), 1, ""), STORE_OK);
	assert_int_equal(change(&f, 3, "not_started", "working", D(2025, 2, 9), 0, "tre"), STORE_OK);
	int64_t ids[] = { e2, f.e, f.other_e };
	struct store_step out[3][12];
	assert_int_equal(store_steps_get_many(st, f.org, ids, 3, out), STORE_OK);
	for (int k = 0; k < 12; k++) {
		assert_int_equal(out[0][k].step, k + 1);
		assert_string_equal(out[0][k].status, "not_started");
		assert_int_equal(out[0][k].changes, 0);
		assert_string_equal(out[2][k].status, "not_started");
	}
	assert_string_equal(out[1][0].status, "presented");
	assert_int_equal(out[1][0].changes, 2);
	assert_int_equal(out[1][0].since, D(2025, 2, 8));
	assert_int_equal(out[1][0].confirmed_by, f.t);
	assert_string_equal(out[1][1].status, "not_started");
	assert_string_equal(out[1][2].status, "working");
	/* The same as one by one. */
	struct store_step one[12];
	assert_int_equal(store_steps_get(st, f.org, f.e, one), STORE_OK);
	assert_memory_equal(one, out[1], sizeof one);
	/* From the other organisation, ours read as not started. */
	assert_int_equal(store_steps_get_many(st, f.other, ids, 3, out), STORE_OK);
	assert_string_equal(out[1][0].status, "not_started");
	assert_int_equal(store_steps_get_many(st, f.org, ids, 0, out), STORE_OK);
	assert_int_equal(store_steps_get_many(st, f.org, NULL, 1, out), STORE_INVALID);
}

/* An organisation's step wording: round trip, replacing, org scoping, reset, checks. */
static void test_step_wording(void **state)
{
	(void)state;
	int64_t org = make_org("wording"), other = make_org("wording-other");
	int64_t admin = make_member(org, "admin@wording.test", "admin");
	int64_t oadmin = make_member(other, "admin@wording-other.test", "admin");
	struct store_step_wording w;
	assert_int_equal(store_step_wording_get(st, org, &w), STORE_OK);
	for (int i = 0; i < 12; i++)
		for (int l = 0; l < 3; l++)
			assert_string_equal(w.name[i][l], "");
	assert_int_equal(w.updated_by, 0);

	memset(&w, 0, sizeof w);
	copy_str(w.name[3][0], sizeof w.name[3][0], "Ærlig selvransakelse");
	copy_str(w.name[3][1], sizeof w.name[3][1], "Ärlig självrannsakan");
	copy_str(w.name[11][2], sizeof w.name[11][2], "<script>'\"&");
	assert_int_equal(store_step_wording_set(st, org, &w, admin, 1700000000), STORE_OK);
	struct store_step_wording got;
	assert_int_equal(store_step_wording_get(st, org, &got), STORE_OK);
	assert_string_equal(got.name[3][0], "Ærlig selvransakelse");
	assert_string_equal(got.name[3][1], "Ärlig självrannsakan");
	assert_string_equal(got.name[3][2], "");
	assert_string_equal(got.name[11][2], "<script>'\"&");
	assert_string_equal(got.name[0][0], "");
	assert_int_equal(got.updated_by, admin);
	assert_int_equal(got.updated_at, 1700000000);

	/* Another organisation sees none of it and keeps its own. */
	struct store_step_wording ow;
	memset(&ow, 0, sizeof ow);
	copy_str(ow.name[0][0], sizeof ow.name[0][0], "Annen org");
	assert_int_equal(store_step_wording_set(st, other, &ow, oadmin, 1700000001), STORE_OK);
	assert_int_equal(store_step_wording_get(st, other, &got), STORE_OK);
	assert_string_equal(got.name[0][0], "Annen org");
	assert_string_equal(got.name[3][0], "");
	assert_string_equal(got.name[11][2], "");
	/* A user of another organisation cannot write ours (memberships key). */
	assert_int_not_equal(store_step_wording_set(st, org, &w, oadmin, 1700000002), STORE_OK);

	/* A set replaces the whole wording. */
	memset(&w, 0, sizeof w);
	copy_str(w.name[0][2], sizeof w.name[0][2], "Step one");
	assert_int_equal(store_step_wording_set(st, org, &w, admin, 1700000003), STORE_OK);
	assert_int_equal(store_step_wording_get(st, org, &got), STORE_OK);
	assert_string_equal(got.name[0][2], "Step one");
	assert_string_equal(got.name[3][0], "");
	assert_string_equal(got.name[11][2], "");

	/* Reset: all empty. The other organisation's stays. */
	memset(&w, 0, sizeof w);
	assert_int_equal(store_step_wording_set(st, org, &w, admin, 1700000004), STORE_OK);
	assert_int_equal(store_step_wording_get(st, org, &got), STORE_OK);
	for (int i = 0; i < 12; i++)
		for (int l = 0; l < 3; l++)
			assert_string_equal(got.name[i][l], "");
	assert_int_equal(got.updated_by, 0);
	assert_int_equal(store_step_wording_get(st, other, &got), STORE_OK);
	assert_string_equal(got.name[0][0], "Annen org");

	/* Checks: a line break, invalid UTF-8, an unterminated name, no user. */
	memset(&w, 0, sizeof w);
	copy_str(w.name[1][0], sizeof w.name[1][0], "two\nlines");
	assert_int_equal(store_step_wording_set(st, org, &w, admin, 1), STORE_INVALID);
	memset(&w, 0, sizeof w);
	copy_str(w.name[1][0], sizeof w.name[1][0], "bad \xff byte");
	assert_int_equal(store_step_wording_set(st, org, &w, admin, 1), STORE_INVALID);
	memset(&w, 'x', sizeof w.name[1][0]);
	assert_int_equal(store_step_wording_set(st, org, &w, admin, 1), STORE_INVALID);
	memset(&w, 0, sizeof w);
	assert_int_equal(store_step_wording_set(st, org, &w, 0, 1), STORE_INVALID);
	assert_int_equal(store_step_wording_get(st, 0, &got), STORE_INVALID);
	/* The table refuses what store.c would never pass: an empty name, a step out of range. */
	assert_int_not_equal(store_testing_exec(st, "INSERT INTO step_wording (org_id, step, lang, name, updated_by, "
						    "updated_at) VALUES (1, 13, 'nb', 'x', 1, 1)"),
			     STORE_OK);
	assert_int_not_equal(store_testing_exec(st, "INSERT INTO step_wording (org_id, step, lang, name, updated_by, "
						    "updated_at) VALUES (1, 1, 'de', 'x', 1, 1)"),
			     STORE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_plan_versions),
		cmocka_unit_test(test_plan_latest_many),
		cmocka_unit_test(test_caseload_columns),
		cmocka_unit_test(test_steps_get_many),
		cmocka_unit_test(test_step_wording),
	};
	return store_test_run("store_steps", tests, sizeof tests / sizeof tests[0]);
}
