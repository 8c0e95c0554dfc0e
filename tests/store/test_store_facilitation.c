/* test_store_facilitation.c: the store's contract for Twelve Step Facilitation
 * (issue 5) — stances, actions, the meeting log, the profile and due revisits —
 * run unchanged on SQLite and PostgreSQL.
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

#include "runner.h"

static int64_t make_org(const char *tag)
{
	struct org o = { 0 };
	snprintf(o.name, sizeof o.name, "fac-%s", tag);
	assert_int_equal(store_org_create(st, &o), STORE_OK);
	return o.id;
}

static int64_t make_member(int64_t org_id, const char *email, const char *role)
{
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, email);
	copy_str(u.name, sizeof u.name, "Terapeut <T>");
	copy_str(u.lang, sizeof u.lang, "nb");
	assert_int_equal(store_user_create(st, &u), STORE_OK);
	struct membership m = { .user_id = u.id, .org_id = org_id };
	copy_str(m.role, sizeof m.role, role);
	assert_int_equal(store_membership_set(st, &m), STORE_OK);
	return u.id;
}

static int64_t make_person(int64_t org_id, const char *given, const char *family)
{
	struct person p = { 0 };
	copy_str(p.given_name, sizeof p.given_name, given);
	copy_str(p.family_name, sizeof p.family_name, family);
	p.birth_date = DATE_NONE;
	assert_int_equal(store_person_create(st, org_id, &p), STORE_OK);
	return p.id;
}

static int64_t make_meeting(int64_t org_id, const char *slug, const char *name)
{
	struct meeting m = { 0 };
	copy_str(m.slug, sizeof m.slug, slug);
	copy_str(m.name, sizeof m.name, name);
	m.days = 1 << 2;
	m.start_min = 19 * 60;
	m.end_min = 20 * 60;
	copy_str(m.timezone, sizeof m.timezone, "Europe/Oslo");
	copy_str(m.fellowship, sizeof m.fellowship, "aa");
	copy_str(m.attendance, sizeof m.attendance, "in_person");
	m.public = true;
	m.starts_on = DATE_NONE;
	assert_int_equal(store_meeting_create(st, org_id, &m), STORE_OK);
	return m.id;
}

static int64_t make_enrolment(int64_t org_id, int64_t person_id, int64_t therapist_id, int32_t day)
{
	struct programme p = { 0 };
	snprintf(p.name, sizeof p.name, "Programme %lld", (long long)person_id);
	p.active = true;
	p.nphases = 1;
	copy_str(p.phases[0].key, sizeof p.phases[0].key, "aftercare");
	copy_str(p.phases[0].label, sizeof p.phases[0].label, "Aftercare");
	assert_int_equal(store_programme_create(st, org_id, &p), STORE_OK);
	struct enrolment e = { .person_id = person_id, .programme_id = p.id, .therapist_id = therapist_id,
			       .started_on = day, .phase_since = day, .last_change_on = day,
			       .paused_since = DATE_NONE, .ended_on = DATE_NONE };
	copy_str(e.status, sizeof e.status, "active");
	struct enrolment_event ev = { .from_phase = -1, .to_phase = 0, .on_day = day, .by_user = therapist_id };
	copy_str(ev.kind, sizeof ev.kind, "start");
	int ret = store_enrolment_create(st, org_id, &e, &ev);
	if (ret)
		fprintf(stderr, "enrolment_create: %s\n", store_last_error());
	assert_int_equal(ret, STORE_OK);
	return e.id;
}

static struct fac_stance stance_of(int64_t person, const char *stance, int32_t on, int32_t revisit, int64_t by)
{
	struct fac_stance s = { .person_id = person, .on_day = on, .revisit_on = revisit, .by_user = by,
				.at = 1764000000 };
	copy_str(s.stance, sizeof s.stance, stance);
	copy_str(s.note, sizeof s.note, "Note <script>'\"& æøå");
	return s;
}

/* ---- tests ---- */

static void test_migrated(void **state)
{
	(void)state;
	int v = 0;
	assert_int_equal(store_schema_version(st, &v), STORE_OK);
	assert_true(v >= 5);
}

static void test_stances(void **state)
{
	(void)state;
	int64_t org = make_org("stances"), other = make_org("stances-other");
	int64_t t = make_member(org, "fac-stance@example.no", "therapist");
	int64_t person = make_person(org, "Kari", "Nordmann");
	int32_t d0 = date_from_ymd(2025, 3, 1);

	/* declines needs a revisit day; the others must not have one. */
	struct fac_stance s = stance_of(person, "declines", d0, DATE_NONE, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_INVALID);
	s = stance_of(person, "interested", d0, d0 + 30, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_INVALID);
	s = stance_of(person, "curious", d0, DATE_NONE, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_INVALID);

	s = stance_of(person, "declines", d0, d0 + 30, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_OK);
	assert_true(s.id > 0);
	struct fac_stance s2 = stance_of(person, "ambivalent", d0 + 40, DATE_NONE, t);
	assert_int_equal(store_fac_stance_add(st, org, &s2), STORE_OK);

	/* Another organisation cannot write for this person, nor see the history. */
	struct fac_stance s3 = stance_of(person, "interested", d0 + 41, DATE_NONE, 0);
	assert_int_not_equal(store_fac_stance_add(st, other, &s3), STORE_OK);

	struct fac_stance *list = NULL;
	size_t n = 0;
	assert_int_equal(store_fac_stance_list(st, org, person, 50, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].stance, "ambivalent"); /* latest first */
	assert_int_equal(list[0].revisit_on, DATE_NONE);
	assert_string_equal(list[1].stance, "declines");
	assert_int_equal(list[1].revisit_on, d0 + 30);
	assert_string_equal(list[1].note, "Note <script>'\"& æøå");
	assert_string_equal(list[1].by_name, "Terapeut <T>");
	assert_int_equal(list[1].at, 1764000000);
	free(list);
	assert_int_equal(store_fac_stance_list(st, other, person, 50, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

static void test_actions_and_log(void **state)
{
	(void)state;
	int64_t org = make_org("actions"), other = make_org("actions-other");
	int64_t t = make_member(org, "fac-action@example.no", "therapist");
	int64_t person = make_person(org, "Ola", "Nordmann");
	int64_t m1 = make_meeting(other, "fac-m1", "Tirsdagsgruppa"); /* the directory is installation-wide */
	int32_t d0 = date_from_ymd(2025, 4, 1);

	struct fac_action a = { .person_id = person, .on_day = d0, .meeting_id = m1, .stayed = false,
				.by_user = t, .at = 1 };
	copy_str(a.kind, sizeof a.kind, "accompanied");
	copy_str(a.note, sizeof a.note, "Left after 20 minutes, that is fine");
	assert_int_equal(store_fac_action_add(st, org, &a), STORE_OK);
	struct fac_action b = { .person_id = person, .on_day = d0 + 1, .by_user = t, .at = 2 };
	copy_str(b.kind, sizeof b.kind, "debriefed");
	assert_int_equal(store_fac_action_add(st, org, &b), STORE_OK);
	struct fac_action bad = b;
	copy_str(bad.kind, sizeof bad.kind, "pushed");
	assert_int_equal(store_fac_action_add(st, org, &bad), STORE_INVALID);
	bad = b;
	bad.meeting_id = 999999;
	assert_int_not_equal(store_fac_action_add(st, org, &bad), STORE_OK);

	struct fac_action *al = NULL;
	size_t n = 0;
	assert_int_equal(store_fac_action_list(st, org, person, 50, &al, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(al[0].kind, "debriefed");
	assert_int_equal(al[0].meeting_id, 0);
	assert_string_equal(al[0].meeting_name, "");
	assert_string_equal(al[1].kind, "accompanied");
	assert_int_equal(al[1].meeting_id, m1);
	assert_string_equal(al[1].meeting_name, "Tirsdagsgruppa");
	assert_false(al[1].stayed);
	free(al);

	/* The meeting log: a directory meeting, free text, paging and the days. */
	struct fac_meeting lm = { .person_id = person, .on_day = d0, .meeting_id = m1, .accompanied = true,
				  .stayed = false, .by_user = t, .at = 3 };
	copy_str(lm.source, sizeof lm.source, "staff_confirmed");
	assert_int_equal(store_fac_meeting_add(st, org, &lm), STORE_OK);
	for (int i = 0; i < 3; i++) {
		struct fac_meeting f = { .person_id = person, .on_day = d0 + 7 * (i + 1), .stayed = true, .at = 4 };
		copy_str(f.name, sizeof f.name, "NA Grünerløkka <b>");
		copy_str(f.source, sizeof f.source, "person_reported");
		assert_int_equal(store_fac_meeting_add(st, org, &f), STORE_OK);
	}
	struct fac_meeting empty = { .person_id = person, .on_day = d0 };
	copy_str(empty.source, sizeof empty.source, "person_reported");
	assert_int_equal(store_fac_meeting_add(st, org, &empty), STORE_INVALID); /* no meeting, no name */

	struct fac_meeting *ml = NULL;
	int64_t total = 0;
	assert_int_equal(store_fac_meeting_list(st, org, person, 2, 0, &ml, &n, &total), STORE_OK);
	assert_int_equal(total, 4);
	assert_int_equal(n, 2);
	assert_int_equal(ml[0].on_day, d0 + 21);
	assert_string_equal(ml[0].name, "NA Grünerløkka <b>");
	assert_true(ml[0].stayed);
	free(ml);
	assert_int_equal(store_fac_meeting_list(st, org, person, 2, 2, &ml, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ml[1].meeting_id, m1);
	assert_string_equal(ml[1].name, "Tirsdagsgruppa");
	assert_true(ml[1].accompanied);
	assert_false(ml[1].stayed);
	assert_string_equal(ml[1].source, "staff_confirmed");
	free(ml);
	assert_int_equal(store_fac_meeting_list(st, other, person, 50, 0, &ml, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	free(ml);

	int32_t *days = NULL;
	assert_int_equal(store_fac_meeting_days(st, org, person, d0, d0 + 14, &days, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(days[0], d0);
	assert_int_equal(days[1], d0 + 7);
	assert_int_equal(days[2], d0 + 14);
	free(days);
}

static void test_profile(void **state)
{
	(void)state;
	int64_t org = make_org("profile"), other = make_org("profile-other");
	int64_t t = make_member(org, "fac-profile@example.no", "therapist");
	int64_t person = make_person(org, "Per", "Hansen");
	struct fac_profile p;
	assert_int_equal(store_fac_profile_get(st, org, person, &p), STORE_NOTFOUND);

	struct fac_profile set = { .person_id = person, .sponsor_since = DATE_NONE, .updated_by = t,
				   .updated_at = 5 };
	copy_str(set.sponsor, sizeof set.sponsor, "temporary");
	copy_str(set.home_group, sizeof set.home_group, "Torsdag «Håp»");
	assert_int_equal(store_fac_profile_set(st, org, &set), STORE_OK);
	set.sponsor_since = date_from_ymd(2025, 5, 1);
	copy_str(set.sponsor, sizeof set.sponsor, "has_sponsor");
	assert_int_equal(store_fac_profile_set(st, org, &set), STORE_OK);
	assert_int_equal(store_fac_profile_get(st, org, person, &p), STORE_OK);
	assert_string_equal(p.sponsor, "has_sponsor");
	assert_int_equal(p.sponsor_since, date_from_ymd(2025, 5, 1));
	assert_string_equal(p.home_group, "Torsdag «Håp»");
	assert_int_equal(p.updated_by, t);
	assert_int_equal(store_fac_profile_get(st, other, person, &p), STORE_NOTFOUND);
	assert_int_not_equal(store_fac_profile_set(st, other, &set), STORE_OK);
	copy_str(set.sponsor, sizeof set.sponsor, "maybe");
	assert_int_equal(store_fac_profile_set(st, org, &set), STORE_INVALID);
}

static void test_revisits_due(void **state)
{
	(void)state;
	int64_t org = make_org("revisits"), other = make_org("revisits-other");
	int64_t t = make_member(org, "fac-rev1@example.no", "therapist");
	int64_t t2 = make_member(org, "fac-rev2@example.no", "therapist");
	int32_t d0 = date_from_ymd(2025, 6, 1);
	int64_t due = make_person(org, "Due", "Person");
	int64_t later = make_person(org, "Later", "Person");
	int64_t changed = make_person(org, "Changed", "Mind");
	int64_t theirs = make_person(org, "Other", "Therapist");
	make_enrolment(org, due, t, d0);
	make_enrolment(org, later, t, d0);
	make_enrolment(org, changed, t, d0);
	make_enrolment(org, theirs, t2, d0);

	struct fac_stance s = stance_of(due, "declines", d0, d0 + 10, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_OK);
	s = stance_of(later, "declines", d0, d0 + 30, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_OK);
	s = stance_of(changed, "declines", d0, d0 + 5, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_OK);
	s = stance_of(changed, "interested", d0 + 6, DATE_NONE, t);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_OK);
	s = stance_of(theirs, "declines", d0, d0 + 8, t2);
	assert_int_equal(store_fac_stance_add(st, org, &s), STORE_OK);

	struct fac_revisit *r = NULL;
	size_t n = 0;
	assert_int_equal(store_fac_revisits_due(st, org, t, d0 + 10, 50, &r, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].person_id, due);
	assert_string_equal(r[0].given_name, "Due");
	assert_int_equal(r[0].revisit_on, d0 + 10);
	assert_int_equal(r[0].on_day, d0);
	free(r);
	assert_int_equal(store_fac_revisits_due(st, org, 0, d0 + 10, 50, &r, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].person_id, theirs); /* earliest revisit first */
	assert_int_equal(r[1].person_id, due);
	free(r);
	assert_int_equal(store_fac_revisits_due(st, org, t, d0 + 9, 50, &r, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(r);
	assert_int_equal(store_fac_revisits_due(st, other, 0, d0 + 100, 50, &r, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrated),
		cmocka_unit_test(test_stances),
		cmocka_unit_test(test_actions_and_log),
		cmocka_unit_test(test_profile),
		cmocka_unit_test(test_revisits_due),
	};
	return store_test_run("store_facilitation", tests, sizeof tests / sizeof tests[0]);
}
