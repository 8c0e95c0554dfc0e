/* test_store_sessions.c: the store's contract for group sessions and workshops (issue 4) —
 * a session's details (topic, kind, step, leaders, external count) set in one
 * transaction, leaders only from the organisation, another organisation's session not
 * found, and the group notes an attendee sees — run unchanged on SQLite and PostgreSQL
 * (TOLV_TEST_DB, as for test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"

struct fx {
	int64_t org, other, t, t2, stranger, prog, p1, p2, e1, e2, session, other_session;
};

static void fixture(struct fx *f, const char *tag)
{
	char name[64];
	f->org = make_org(tag);
	snprintf(name, sizeof name, "%s-other", tag);
	f->other = make_org(name);
	snprintf(name, sizeof name, "%s@sessions.test", tag);
	f->t = make_member(f->org, name, "therapist");
	snprintf(name, sizeof name, "%s-2@sessions.test", tag);
	f->t2 = make_member(f->org, name, "therapist");
	snprintf(name, sizeof name, "%s-x@sessions.test", tag);
	f->stranger = make_member(f->other, name, "therapist");
	f->prog = make_programme(f->org, "Day");
	int32_t day = date_from_ymd(2025, 9, 1);
	f->p1 = make_person(f->org, "Kari", "Nordmann", date_from_ymd(1980, 1, 1));
	f->p2 = make_person(f->org, "Per", "Hansen", date_from_ymd(1981, 1, 1));
	f->e1 = make_enrolment(f->org, f->p1, f->prog, f->t, day);
	f->e2 = make_enrolment(f->org, f->p2, f->prog, f->t, day);
	struct att_session se = { .programme_id = f->prog, .on_day = day + 1, .start_min = 600, .end_min = 720,
				  .leader_id = f->t };
	assert_int_equal(store_att_session_create(st, f->org, &se), STORE_OK);
	f->session = se.id;
	int64_t oprog = make_programme(f->other, "Day");
	struct att_session os = { .programme_id = oprog, .on_day = day + 1, .start_min = 600, .end_min = 720 };
	assert_int_equal(store_att_session_create(st, f->other, &os), STORE_OK);
	f->other_session = os.id;
}

static void test_session_details(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "sdetails");
	struct store_session_details d;
	/* Never set: empty. */
	assert_int_equal(store_session_details_get(st, f.org, f.session, &d), STORE_OK);
	assert_string_equal(d.topic, "");
	assert_int_equal(d.nleaders, 0);
	assert_int_equal(d.updated_at, 0);

	memset(&d, 0, sizeof d);
	copy_str(d.topic, sizeof d.topic, "Step 4 <script>'\"&");
	copy_str(d.topic_kind, sizeof d.topic_kind, "step");
	d.step = 4;
	d.external_count = 3;
	d.leaders[0] = f.t2;
	d.leaders[1] = f.t;
	d.nleaders = 2;
	assert_int_equal(store_session_details_set(st, f.org, f.session, &d, f.t), STORE_OK);
	struct store_session_details g;
	assert_int_equal(store_session_details_get(st, f.org, f.session, &g), STORE_OK);
	assert_string_equal(g.topic, "Step 4 <script>'\"&");
	assert_string_equal(g.topic_kind, "step");
	assert_int_equal(g.step, 4);
	assert_int_equal(g.external_count, 3);
	assert_int_equal(g.nleaders, 2);
	assert_int_equal(g.leaders[0], f.t < f.t2 ? f.t : f.t2);
	assert_int_equal(g.updated_by, f.t);
	assert_true(g.updated_at > 0);

	/* Replaced as a whole: a lecture, one leader, no step. */
	memset(&d, 0, sizeof d);
	copy_str(d.topic, sizeof d.topic, "Shame and guilt");
	copy_str(d.topic_kind, sizeof d.topic_kind, "lecture");
	d.leaders[0] = f.t2;
	d.nleaders = 1;
	assert_int_equal(store_session_details_set(st, f.org, f.session, &d, f.t2), STORE_OK);
	assert_int_equal(store_session_details_get(st, f.org, f.session, &g), STORE_OK);
	assert_string_equal(g.topic_kind, "lecture");
	assert_int_equal(g.step, 0);
	assert_int_equal(g.nleaders, 1);
	assert_int_equal(g.leaders[0], f.t2);

	/* A leader from another organisation: refused, nothing changed. */
	struct store_session_details bad = d;
	copy_str(bad.topic, sizeof bad.topic, "changed");
	bad.leaders[1] = f.stranger;
	bad.nleaders = 2;
	assert_int_equal(store_session_details_set(st, f.org, f.session, &bad, f.t), STORE_INVALID);
	assert_int_equal(store_session_details_get(st, f.org, f.session, &g), STORE_OK);
	assert_string_equal(g.topic, "Shame and guilt");
	assert_int_equal(g.nleaders, 1);

	/* Values out of range never reach the database. */
	bad = d;
	bad.external_count = -1;
	assert_int_equal(store_session_details_set(st, f.org, f.session, &bad, f.t), STORE_INVALID);
	bad = d;
	copy_str(bad.topic_kind, sizeof bad.topic_kind, "step");
	bad.step = 13;
	assert_int_equal(store_session_details_set(st, f.org, f.session, &bad, f.t), STORE_INVALID);
	bad = d;
	bad.step = 2; /* a step on a lecture */
	assert_int_equal(store_session_details_set(st, f.org, f.session, &bad, f.t), STORE_INVALID);
	bad = d;
	copy_str(bad.topic_kind, sizeof bad.topic_kind, "party");
	assert_int_equal(store_session_details_set(st, f.org, f.session, &bad, f.t), STORE_INVALID);
	bad = d;
	bad.leaders[1] = f.t2; /* twice */
	bad.nleaders = 2;
	assert_int_equal(store_session_details_set(st, f.org, f.session, &bad, f.t), STORE_INVALID);

	/* Another organisation's session is not found, either way. */
	assert_int_equal(store_session_details_get(st, f.org, f.other_session, &g), STORE_NOTFOUND);
	assert_int_equal(store_session_details_set(st, f.org, f.other_session, &d, f.t), STORE_NOTFOUND);
	assert_int_equal(store_session_details_get(st, f.other, f.session, &g), STORE_NOTFOUND);
}

static int64_t group_note(const struct fx *f, int64_t person, const char *text, bool sign)
{
	struct store_note *n = calloc(1, sizeof *n);
	assert_non_null(n);
	n->person_id = person;
	n->author = f->t;
	copy_str(n->type, sizeof n->type, "group");
	n->on_day = date_from_ymd(2025, 9, 2);
	n->drafted_on = n->on_day;
	n->session_id = f->session;
	copy_str(n->text, sizeof n->text, text);
	assert_int_equal(store_note_create(st, f->org, n), STORE_OK);
	if (sign)
		assert_int_equal(store_note_sign(st, f->org, n->id, f->t, 1757000000), STORE_OK);
	int64_t id = n->id;
	free(n);
	return id;
}

static void test_session_group_notes(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "sgnotes");
	/* Kari attended, Per did not. The note is written on Per's record. */
	struct attendance rows[] = { { .enrolment_id = f.e1, .attended = true, .minutes = 120 },
				     { .enrolment_id = f.e2, .attended = false } };
	assert_int_equal(store_attendance_save(st, f.org, f.session, rows, 2, f.t, NULL, NULL), STORE_OK);
	int64_t signed_id = group_note(&f, f.p2, "We read step 4.", true);
	int64_t draft_id = group_note(&f, f.p2, "Draft.", false);

	struct store_note *out = NULL;
	size_t n = 0;
	/* The session's notes: the signed one, plus the author's draft for the author only. */
	assert_int_equal(store_session_group_notes(st, f.org, f.session, 0, 0, 10, &out, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, signed_id);
	free(out);
	assert_int_equal(store_session_group_notes(st, f.org, f.session, 0, f.t, 10, &out, &n), STORE_OK);
	assert_int_equal(n, 2);
	free(out);
	assert_int_equal(store_session_group_notes(st, f.org, f.session, 0, f.t2, 10, &out, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(out);
	(void)draft_id;

	/* Kari attended: she sees the note of Per's record. Per does not get it twice. */
	assert_int_equal(store_session_group_notes(st, f.org, 0, f.p1, 0, 10, &out, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, signed_id);
	assert_string_equal(out[0].text, "We read step 4.");
	free(out);
	assert_int_equal(store_session_group_notes(st, f.org, 0, f.p2, 0, 10, &out, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(out);
	/* Another organisation sees nothing. */
	assert_int_equal(store_session_group_notes(st, f.other, f.session, 0, 0, 10, &out, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(out);
	assert_int_equal(store_session_group_notes(st, f.other, 0, f.p1, 0, 10, &out, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_details),
		cmocka_unit_test(test_session_group_notes),
	};
	return store_test_run("store_sessions", tests, sizeof tests / sizeof tests[0]);
}
