/* test_store_outcomes.c: the store's contract for outcome measures (issue 6) — a result's
 * round trip, the "entered in error" mark (once; results are never edited), the schedule
 * (seeded once, points added and removed), one-time links (single use under concurrency:
 * of two consumers exactly one wins; expiry), the attempt counter, and organisation
 * scoping — run unchanged on SQLite and PostgreSQL (TOLV_TEST_DB, as test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include "fixtures.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "store/store_testing.h"

struct fx {
	int64_t org, other, t, stranger, prog, p1, p2, e1, op;
};

static void fixture(struct fx *f, const char *tag)
{
	char name[64];
	f->org = make_org(tag);
	snprintf(name, sizeof name, "%s-other", tag);
	f->other = make_org(name);
	snprintf(name, sizeof name, "%s@outcomes.test", tag);
	f->t = make_member(f->org, name, "therapist");
	snprintf(name, sizeof name, "%s-x@outcomes.test", tag);
	f->stranger = make_member(f->other, name, "therapist");
	f->prog = make_programme(f->org, "Day");
	f->p1 = make_person(f->org, "Kari", "Nordmann", date_from_ymd(1980, 1, 1));
	f->p2 = make_person(f->org, "Per", "Hansen", date_from_ymd(1981, 1, 1));
	f->e1 = make_enrolment(f->org, f->p1, f->prog, f->t, date_from_ymd(2025, 9, 1));
	f->op = make_person(f->other, "Ola", "Other", date_from_ymd(1982, 1, 1));
}

static struct outcome_result result_of(int64_t person, const char *q, int32_t day, int total)
{
	struct outcome_result r;
	memset(&r, 0, sizeof r);
	r.person_id = person;
	copy_str(r.questionnaire, sizeof r.questionnaire, q);
	r.version = 1;
	r.taken_on = day;
	copy_str(r.answers, sizeof r.answers, "4,4,4,4,4,0,0,0,0,0");
	r.total = total;
	copy_str(r.zone, sizeof r.zone, "IV");
	r.positive = -1;
	copy_str(r.flags, sizeof r.flags, "");
	copy_str(r.sex, sizeof r.sex, "female");
	return r;
}

static void test_result_round_trip(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "oresult");
	int32_t day = date_from_ymd(2025, 10, 1);
	struct outcome_result r = result_of(f.p1, "audit", day, 20);
	r.entered_by = f.t;
	r.enrolment_id = f.e1;
	r.positive = 1;
	copy_str(r.flags, sizeof r.flags, "risk,high");
	assert_int_equal(store_outcome_add(st, f.org, &r), STORE_OK);
	assert_true(r.id > 0);
	assert_true(r.created_at > 0);

	struct outcome_result g;
	assert_int_equal(store_outcome_get(st, f.org, r.id, &g), STORE_OK);
	assert_int_equal(g.person_id, f.p1);
	assert_string_equal(g.questionnaire, "audit");
	assert_int_equal(g.taken_on, day);
	assert_string_equal(g.answers, "4,4,4,4,4,0,0,0,0,0");
	assert_int_equal(g.total, 20);
	assert_string_equal(g.zone, "IV");
	assert_int_equal(g.positive, 1);
	assert_string_equal(g.flags, "risk,high");
	assert_string_equal(g.sex, "female");
	assert_int_equal(g.entered_by, f.t);
	assert_false(g.self);
	assert_int_equal(g.enrolment_id, f.e1);
	assert_int_equal(g.error_at, 0);

	/* No positive cut-off reads back as -1; the days calendar round-trips. */
	struct outcome_result d = result_of(f.p1, "days-abstinent", day, 3);
	d.entered_by = f.t;
	copy_str(d.answers, sizeof d.answers, "3");
	copy_str(d.zone, sizeof d.zone, "");
	copy_str(d.days, sizeof d.days, "000000000000000000000000000111");
	assert_int_equal(store_outcome_add(st, f.org, &d), STORE_OK);
	assert_int_equal(store_outcome_get(st, f.org, d.id, &g), STORE_OK);
	assert_int_equal(g.positive, -1);
	assert_string_equal(g.days, "000000000000000000000000000111");

	/* Bad values are refused before the database. */
	struct outcome_result bad = result_of(f.p1, "audit", day, 1);
	bad.entered_by = f.t;
	copy_str(bad.answers, sizeof bad.answers, "1;2");
	assert_int_equal(store_outcome_add(st, f.org, &bad), STORE_INVALID);
	bad = result_of(f.p1, "audit", day, 1);
	assert_int_equal(store_outcome_add(st, f.org, &bad), STORE_INVALID); /* neither staff nor self */
	/* An enrolment that is not the person's. */
	bad = result_of(f.p2, "audit", day, 1);
	bad.entered_by = f.t;
	bad.enrolment_id = f.e1;
	assert_int_equal(store_outcome_add(st, f.org, &bad), STORE_INVALID);

	/* Lists: the person's, oldest first; another organisation sees nothing. */
	struct outcome_result *rows = NULL;
	size_t n = 0;
	assert_int_equal(store_outcome_list(st, f.org, f.p1, &rows, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, r.id);
	free(rows);
	assert_int_equal(store_outcome_list(st, f.other, f.p1, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(rows);
	/* Persons with an open enrolment: Kari (enrolled), not Per. */
	assert_int_equal(store_outcome_list(st, f.org, 0, &rows, &n), STORE_OK);
	assert_int_equal(n, 2);
	free(rows);
	assert_int_equal(store_outcome_get(st, f.other, r.id, &g), STORE_NOTFOUND);
	/* Another organisation's person. */
	struct outcome_result o = result_of(f.op, "audit", day, 1);
	o.entered_by = f.t;
	assert_int_equal(store_outcome_add(st, f.org, &o), STORE_NOTFOUND);

	/* Entered in error: once, kept, and only by the organisation. */
	assert_int_equal(store_outcome_mark_error(st, f.other, r.id, f.stranger, 0, "wrong person"), STORE_NOTFOUND);
	assert_int_equal(store_outcome_mark_error(st, f.org, r.id, f.t, 0, "wrong person"), STORE_OK);
	assert_int_equal(store_outcome_mark_error(st, f.org, r.id, f.t, 0, "again"), STORE_CONFLICT);
	assert_int_equal(store_outcome_get(st, f.org, r.id, &g), STORE_OK);
	assert_true(g.error_at > 0);
	assert_int_equal(g.error_by, f.t);
	assert_string_equal(g.error_reason, "wrong person");
	assert_int_equal(g.total, 20);

	/* The database itself refuses edits and deletions of results. */
	assert_int_not_equal(store_testing_exec(st, "UPDATE outcome_results SET total = 1"), STORE_OK);
	assert_int_not_equal(store_testing_exec(st, "DELETE FROM outcome_results"), STORE_OK);
}

static void test_schedule(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "oschedule");
	struct outcome_point *pts = NULL;
	size_t n = 0;
	bool configured = true;
	assert_int_equal(store_outcome_points(st, f.org, f.prog, &pts, &n, &configured), STORE_OK);
	assert_int_equal(n, 0);
	assert_false(configured);
	free(pts);

	struct outcome_point seed[2];
	memset(seed, 0, sizeof seed);
	copy_str(seed[0].label, sizeof seed[0].label, "At intake");
	copy_str(seed[0].anchor, sizeof seed[0].anchor, "start");
	copy_str(seed[0].questionnaires, sizeof seed[0].questionnaires, "audit,dudit");
	seed[0].window_days = 14;
	copy_str(seed[1].label, sizeof seed[1].label, "6 months in aftercare");
	copy_str(seed[1].anchor, sizeof seed[1].anchor, "phase_start");
	copy_str(seed[1].phase_key, sizeof seed[1].phase_key, "aftercare");
	copy_str(seed[1].questionnaires, sizeof seed[1].questionnaires, "days-abstinent");
	seed[1].offset_months = 6;
	bool seeded = false;
	assert_int_equal(store_outcome_schedule_seed(st, f.org, f.prog, seed, 2, &seeded), STORE_OK);
	assert_true(seeded);
	/* Only once. */
	assert_int_equal(store_outcome_schedule_seed(st, f.org, f.prog, seed, 2, &seeded), STORE_OK);
	assert_false(seeded);
	assert_int_equal(store_outcome_points(st, f.org, f.prog, &pts, &n, &configured), STORE_OK);
	assert_int_equal(n, 2);
	assert_true(configured);
	assert_string_equal(pts[1].phase_key, "aftercare");
	assert_int_equal(pts[1].offset_months, 6);
	assert_string_equal(pts[0].questionnaires, "audit,dudit");
	int64_t first = pts[0].id;
	free(pts);

	/* Another organisation: no such programme, no points. */
	assert_int_equal(store_outcome_points(st, f.other, f.prog, &pts, &n, NULL), STORE_NOTFOUND);
	assert_int_equal(store_outcome_points(st, f.other, 0, &pts, &n, NULL), STORE_OK);
	assert_int_equal(n, 0);
	free(pts);
	assert_int_equal(store_outcome_point_remove(st, f.other, f.prog, first), STORE_NOTFOUND);

	struct outcome_point p = seed[0];
	p.programme_id = f.prog;
	p.offset_days = -7;
	assert_int_equal(store_outcome_point_add(st, f.org, &p), STORE_OK);
	p.programme_id = f.prog;
	copy_str(p.anchor, sizeof p.anchor, "start");
	copy_str(p.phase_key, sizeof p.phase_key, "aftercare"); /* "start" has no phase */
	assert_int_equal(store_outcome_point_add(st, f.org, &p), STORE_INVALID);
	assert_int_equal(store_outcome_point_remove(st, f.org, f.prog, first), STORE_OK);
	assert_int_equal(store_outcome_point_remove(st, f.org, f.prog, first), STORE_NOTFOUND);
	assert_int_equal(store_outcome_points(st, f.org, f.prog, &pts, &n, NULL), STORE_OK);
	assert_int_equal(n, 2);
	free(pts);
}

static void hash_of(int k, char out[STORE_HEX_MAX])
{
	char t[32];
	snprintf(t, sizeof t, "token-%d-%ld", k, (long)now_seconds());
	sha256_hex(t, strlen(t), out);
}

struct consumer {
	const char *hash;
	struct outcome_result r;
	int rc;
};

static void *consume(void *arg)
{
	struct consumer *c = arg;
	c->rc = store_outcome_link_consume(st, c->hash, now_seconds(), &c->r);
	return NULL;
}

static void test_links(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "olinks");
	int64_t now = now_seconds();
	struct outcome_link l;
	memset(&l, 0, sizeof l);
	hash_of(1, l.token_hash);
	l.person_id = f.p1;
	copy_str(l.questionnaire, sizeof l.questionnaire, "audit");
	l.created_by = f.t;
	l.expires_at = now + 3600;
	assert_int_equal(store_outcome_link_create(st, f.org, &l), STORE_OK);
	assert_true(l.id > 0);
	/* The same hash again; another organisation's person. */
	struct outcome_link dup = l;
	assert_int_equal(store_outcome_link_create(st, f.org, &dup), STORE_CONFLICT);
	struct outcome_link ol = l;
	hash_of(2, ol.token_hash);
	ol.person_id = f.op;
	assert_int_equal(store_outcome_link_create(st, f.org, &ol), STORE_NOTFOUND);

	struct outcome_link got;
	assert_int_equal(store_outcome_link_find(st, l.token_hash, &got), STORE_OK);
	assert_int_equal(got.org_id, f.org);
	assert_int_equal(got.person_id, f.p1);
	assert_int_equal(got.used_at, 0);
	char nohash[STORE_HEX_MAX];
	hash_of(3, nohash);
	assert_int_equal(store_outcome_link_find(st, nohash, &got), STORE_NOTFOUND);
	struct outcome_link *ls = NULL;
	size_t n = 0;
	assert_int_equal(store_outcome_link_list(st, f.org, f.p1, &ls, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(ls);
	assert_int_equal(store_outcome_link_list(st, f.other, f.p1, &ls, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ls);

	/* Two consumers at once: exactly one wins, one result is stored. */
	struct consumer c[2];
	pthread_t th[2];
	for (int i = 0; i < 2; i++) {
		c[i].hash = l.token_hash;
		c[i].r = result_of(f.p1, "audit", date_from_ymd(2025, 10, 2), 5 + i);
		c[i].r.org_id = f.org;
		c[i].r.self = true;
		c[i].rc = -100;
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, consume, &c[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	int wins = (c[0].rc == STORE_OK) + (c[1].rc == STORE_OK);
	int lost = (c[0].rc == STORE_CONFLICT) + (c[1].rc == STORE_CONFLICT);
	assert_int_equal(wins, 1);
	assert_int_equal(lost, 1);
	const struct consumer *w = c[0].rc == STORE_OK ? &c[0] : &c[1];
	assert_int_equal(store_outcome_link_find(st, l.token_hash, &got), STORE_OK);
	assert_true(got.used_at > 0);
	assert_int_equal(got.result_id, w->r.id);
	struct outcome_result *rows = NULL;
	assert_int_equal(store_outcome_list(st, f.org, f.p1, &rows, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_true(rows[0].self);
	assert_int_equal(rows[0].entered_by, 0);
	assert_int_equal(rows[0].total, w->r.total);
	free(rows);
	/* A third try later: still used. */
	struct outcome_result again = c[0].r;
	assert_int_equal(store_outcome_link_consume(st, l.token_hash, now_seconds(), &again), STORE_CONFLICT);

	/* Expiry: a link past its time is not used, and nothing is stored. */
	struct outcome_link ex = l;
	hash_of(4, ex.token_hash);
	ex.expires_at = now + 60;
	assert_int_equal(store_outcome_link_create(st, f.org, &ex), STORE_OK);
	struct outcome_result late = result_of(f.p1, "audit", date_from_ymd(2025, 10, 3), 9);
	late.org_id = f.org;
	late.self = true;
	assert_int_equal(store_outcome_link_consume(st, ex.token_hash, now + 61, &late), STORE_CONFLICT);
	assert_int_equal(store_outcome_link_consume(st, nohash, now, &late), STORE_NOTFOUND);
	/* A result for another person than the link's is refused. */
	late.person_id = f.p2;
	assert_int_equal(store_outcome_link_consume(st, ex.token_hash, now, &late), STORE_CONFLICT);
	/* Another organisation cannot use it either. */
	late.person_id = f.p1;
	late.org_id = f.other;
	assert_int_equal(store_outcome_link_consume(st, ex.token_hash, now, &late), STORE_CONFLICT);
	assert_int_equal(store_outcome_list(st, f.org, f.p1, &rows, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(rows);
	/* Within its time it works. */
	late.org_id = f.org;
	assert_int_equal(store_outcome_link_consume(st, ex.token_hash, now + 30, &late), STORE_OK);
}

static void test_attempts(void **state)
{
	(void)state;
	char h[STORE_HEX_MAX];
	hash_of(99, h);
	int64_t now = now_seconds(), n = -1;
	assert_int_equal(store_outcome_attempt(st, h, false, now, now - 3600, &n), STORE_OK);
	assert_int_equal(n, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_outcome_attempt(st, h, true, now - 4000 + i * 2000, now - 3600, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_outcome_attempt(st, "nothex", true, now, now, &n), STORE_INVALID);
}

static void test_open_events(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "oevents");
	struct enrolment_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(store_outcome_open_events(st, f.org, &ev, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].enrolment_id, f.e1);
	assert_string_equal(ev[0].kind, "start");
	free(ev);
	assert_int_equal(store_outcome_open_events(st, f.other, &ev, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_result_round_trip), cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_links),		   cmocka_unit_test(test_attempts),
		cmocka_unit_test(test_open_events),
	};
	return store_test_run("store_outcomes", tests, sizeof tests / sizeof tests[0]);
}
