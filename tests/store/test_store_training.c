/* test_store_training.c: the store's contract for therapist training (issue 7) — the
 * seeded courses of every organisation (and one added), a member's record written in one
 * transaction and read back, the rules the store keeps (days at most the course's days,
 * a certification day only with every day attended, members only), organisation scoping,
 * the count of certified leaders on a day, and the override reason of a session — run
 * unchanged on SQLite and PostgreSQL (TOLV_TEST_DB, as for test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"

struct fx {
	int64_t org, other, t, t2, coord, auditor, stranger, prog, session, other_session;
};

static void fixture(struct fx *f, const char *tag)
{
	char name[64];
	f->org = make_org(tag);
	snprintf(name, sizeof name, "%s-other", tag);
	f->other = make_org(name);
	snprintf(name, sizeof name, "%s@training.test", tag);
	f->t = make_member(f->org, name, "therapist");
	snprintf(name, sizeof name, "%s-2@training.test", tag);
	f->t2 = make_member(f->org, name, "therapist");
	snprintf(name, sizeof name, "%s-c@training.test", tag);
	f->coord = make_member(f->org, name, "coordinator");
	snprintf(name, sizeof name, "%s-a@training.test", tag);
	f->auditor = make_member(f->org, name, "auditor");
	snprintf(name, sizeof name, "%s-x@training.test", tag);
	f->stranger = make_member(f->other, name, "therapist");
	f->prog = make_programme(f->org, "Day");
	struct att_session se = { .programme_id = f->prog, .on_day = date_from_ymd(2025, 9, 2), .start_min = 600,
				  .end_min = 720, .leader_id = f->t };
	assert_int_equal(store_att_session_create(st, f->org, &se), STORE_OK);
	f->session = se.id;
	int64_t oprog = make_programme(f->other, "Day");
	struct att_session os = { .programme_id = oprog, .on_day = se.on_day, .start_min = 600, .end_min = 720 };
	assert_int_equal(store_att_session_create(st, f->other, &os), STORE_OK);
	f->other_session = os.id;
}

static struct store_training_record rec(const char *key, int days, int32_t certified_on)
{
	struct store_training_record r = { .days_attended = days, .certified_on = certified_on };
	copy_str(r.course_key, sizeof r.course_key, key);
	return r;
}

static void test_courses(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "tcourses");
	struct store_training_course *c = NULL;
	size_t n = 0;
	assert_int_equal(store_training_courses(st, f.org, &c, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].key, "intro");
	assert_int_equal(c[0].required_days, 9);
	assert_true(c[0].for_leading);
	assert_string_equal(c[1].key, "manual");
	assert_int_equal(c[1].required_days, 2);
	assert_true(c[1].for_leading);
	free(c);

	struct store_training_course extra = { .key = "first_aid", .name = "Førstehjelp <b>", .required_days = 1,
					       .for_leading = false, .position = 3 };
	assert_int_equal(store_training_course_add(st, f.org, &extra), STORE_OK);
	assert_int_equal(store_training_course_add(st, f.org, &extra), STORE_CONFLICT);
	struct store_training_course bad = extra;
	copy_str(bad.key, sizeof bad.key, "Bad Key");
	assert_int_equal(store_training_course_add(st, f.org, &bad), STORE_INVALID);
	bad = extra;
	bad.required_days = 0;
	assert_int_equal(store_training_course_add(st, f.org, &bad), STORE_INVALID);
	assert_int_equal(store_training_courses(st, f.org, &c, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(c[2].key, "first_aid");
	assert_string_equal(c[2].name, "Førstehjelp <b>");
	assert_false(c[2].for_leading);
	free(c);
	/* The other organisation has only its own two. */
	assert_int_equal(store_training_courses(st, f.other, &c, &n), STORE_OK);
	assert_int_equal(n, 2);
	free(c);
}

static void test_records(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "trecords");
	struct store_training_record *out = NULL;
	size_t n = 0;
	assert_int_equal(store_training_records(st, f.org, f.t, &out, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(out);

	int32_t day = date_from_ymd(2025, 3, 14);
	struct store_training_record rs[2] = { rec("manual", 1, DATE_NONE), rec("intro", 9, day) };
	assert_int_equal(store_training_set(st, f.org, f.t, rs, 2, f.coord), STORE_OK);
	assert_int_equal(store_training_records(st, f.org, f.t, &out, &n), STORE_OK);
	assert_int_equal(n, 2);
	/* By course position: intro first. */
	assert_string_equal(out[0].course_key, "intro");
	assert_int_equal(out[0].user_id, f.t);
	assert_int_equal(out[0].days_attended, 9);
	assert_int_equal(out[0].certified_on, day);
	assert_int_equal(out[0].updated_by, f.coord);
	assert_true(out[0].updated_at > 0);
	assert_string_equal(out[1].course_key, "manual");
	assert_int_equal(out[1].days_attended, 1);
	assert_int_equal(out[1].certified_on, DATE_NONE);
	free(out);

	/* Replaced, not added. */
	struct store_training_record r2 = rec("manual", 2, day + 1);
	assert_int_equal(store_training_set(st, f.org, f.t, &r2, 1, f.coord), STORE_OK);
	assert_int_equal(store_training_records(st, f.org, f.t, &out, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].days_attended, 2);
	assert_int_equal(out[1].certified_on, day + 1);
	free(out);

	/* The rules: nothing written when one record breaks them. */
	struct store_training_record too_many[2] = { rec("intro", 3, DATE_NONE), rec("manual", 3, DATE_NONE) };
	assert_int_equal(store_training_set(st, f.org, f.t, too_many, 2, f.coord), STORE_INVALID);
	struct store_training_record early = rec("intro", 8, day);
	assert_int_equal(store_training_set(st, f.org, f.t, &early, 1, f.coord), STORE_INVALID);
	struct store_training_record unknown = rec("juggling", 1, DATE_NONE);
	assert_int_equal(store_training_set(st, f.org, f.t, &unknown, 1, f.coord), STORE_INVALID);
	struct store_training_record twice[2] = { rec("intro", 1, DATE_NONE), rec("intro", 2, DATE_NONE) };
	assert_int_equal(store_training_set(st, f.org, f.t, twice, 2, f.coord), STORE_INVALID);
	assert_int_equal(store_training_records(st, f.org, f.t, &out, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].days_attended, 9);
	assert_int_equal(out[0].certified_on, day);
	free(out);

	/* Organisation scoping: another organisation's user is not found there; the records
	 * are not seen from the other organisation. */
	struct store_training_record one = rec("intro", 1, DATE_NONE);
	assert_int_equal(store_training_set(st, f.org, f.stranger, &one, 1, f.coord), STORE_NOTFOUND);
	assert_int_equal(store_training_set(st, f.other, f.t, &one, 1, 0), STORE_NOTFOUND);
	assert_int_equal(store_training_records(st, f.other, f.t, &out, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(out);
	assert_int_equal(store_training_records(st, f.other, 0, &out, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(out);
	/* Every member's records of the organisation (user 0). */
	assert_int_equal(store_training_set(st, f.org, f.t2, &one, 1, 0), STORE_OK);
	assert_int_equal(store_training_records(st, f.org, 0, &out, &n), STORE_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_true(out[i].user_id == f.t || out[i].user_id == f.t2);
	free(out);
}

static void test_certified_count(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "tcount");
	int32_t d1 = date_from_ymd(2025, 1, 10), d2 = date_from_ymd(2025, 2, 20);
	int64_t k = -1;
	assert_int_equal(store_training_certified_count(st, f.org, d2, &k), STORE_OK);
	assert_int_equal(k, 0);
	/* t: both courses, certified d1 and d2 → a leader from d2. */
	struct store_training_record t[2] = { rec("intro", 9, d1), rec("manual", 2, d2) };
	assert_int_equal(store_training_set(st, f.org, f.t, t, 2, 0), STORE_OK);
	/* t2: only the introduction course → never counted. */
	struct store_training_record t2 = rec("intro", 9, d1);
	assert_int_equal(store_training_set(st, f.org, f.t2, &t2, 1, 0), STORE_OK);
	/* The coordinator: both, certified d1 → a leader from d1. */
	struct store_training_record c[2] = { rec("intro", 9, d1), rec("manual", 2, d1) };
	assert_int_equal(store_training_set(st, f.org, f.coord, c, 2, 0), STORE_OK);
	/* The auditor is not staff: not counted even when certified. */
	assert_int_equal(store_training_set(st, f.org, f.auditor, c, 2, 0), STORE_OK);

	assert_int_equal(store_training_certified_count(st, f.org, d1 - 1, &k), STORE_OK);
	assert_int_equal(k, 0);
	assert_int_equal(store_training_certified_count(st, f.org, d1, &k), STORE_OK);
	assert_int_equal(k, 1);
	assert_int_equal(store_training_certified_count(st, f.org, d2 - 1, &k), STORE_OK);
	assert_int_equal(k, 1);
	assert_int_equal(store_training_certified_count(st, f.org, d2, &k), STORE_OK);
	assert_int_equal(k, 2);
	/* Another organisation counts its own: none. */
	assert_int_equal(store_training_certified_count(st, f.other, d2, &k), STORE_OK);
	assert_int_equal(k, 0);
	/* A course added for leading makes the others uncertified until they have it too. */
	struct store_training_course extra = { .key = "supervision", .required_days = 1, .for_leading = true,
					       .position = 3 };
	assert_int_equal(store_training_course_add(st, f.org, &extra), STORE_OK);
	assert_int_equal(store_training_certified_count(st, f.org, d2, &k), STORE_OK);
	assert_int_equal(k, 0);
	struct store_training_record sup = rec("supervision", 1, d1);
	assert_int_equal(store_training_set(st, f.org, f.t, &sup, 1, 0), STORE_OK);
	assert_int_equal(store_training_certified_count(st, f.org, d2, &k), STORE_OK);
	assert_int_equal(k, 1);
	/* Access withdrawn: no longer counted. */
	struct membership m;
	assert_int_equal(store_membership_get(st, f.t, f.org, &m), STORE_OK);
	m.disabled = true;
	assert_int_equal(store_membership_set(st, &m), STORE_OK);
	assert_int_equal(store_training_certified_count(st, f.org, d2, &k), STORE_OK);
	assert_int_equal(k, 0);
}

static void test_session_override(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "toverride");
	struct store_session_override ov;
	assert_int_equal(store_session_override_get(st, f.org, f.session, &ov), STORE_OK);
	assert_string_equal(ov.reason, "");
	const char *why = "The certified leader was ill <script>'\"&";
	assert_int_equal(store_session_override_set(st, f.org, f.session, why, f.t), STORE_OK);
	assert_int_equal(store_session_override_get(st, f.org, f.session, &ov), STORE_OK);
	assert_string_equal(ov.reason, why);
	assert_int_equal(ov.recorded_by, f.t);
	assert_true(ov.recorded_at > 0);
	assert_int_equal(store_session_override_set(st, f.org, f.session, "Replaced", f.t2), STORE_OK);
	assert_int_equal(store_session_override_get(st, f.org, f.session, &ov), STORE_OK);
	assert_string_equal(ov.reason, "Replaced");
	assert_int_equal(ov.recorded_by, f.t2);
	/* Another organisation's session: not found either way, nothing changed. */
	assert_int_equal(store_session_override_get(st, f.other, f.session, &ov), STORE_NOTFOUND);
	assert_int_equal(store_session_override_set(st, f.other, f.session, "x", 0), STORE_NOTFOUND);
	assert_int_equal(store_session_override_set(st, f.org, f.other_session, "x", 0), STORE_NOTFOUND);
	assert_int_equal(store_session_override_get(st, f.org, f.session, &ov), STORE_OK);
	assert_string_equal(ov.reason, "Replaced");
	/* "" removes it. */
	assert_int_equal(store_session_override_set(st, f.org, f.session, "", f.t), STORE_OK);
	assert_int_equal(store_session_override_get(st, f.org, f.session, &ov), STORE_OK);
	assert_string_equal(ov.reason, "");
	assert_int_equal(ov.recorded_at, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_courses),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_certified_count),
		cmocka_unit_test(test_session_override),
	};
	return store_test_run("store_training", tests, sizeof tests / sizeof tests[0]);
}
