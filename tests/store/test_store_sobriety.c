/* test_store_sobriety.c: the store's contract for sobriety tests (issue 6, "Tests") —
 * substance classes seeded once, deactivated but not deleted once used; a drug test with
 * its results round trip and its lab fields; the refusals of unknown or inactive classes
 * and of another organisation's person, enrolment or test; medication; rules and zero
 * tolerance; and the random draw stored once: a second put — sequential or from several
 * threads at once — reads back the first draw and never redraws. Runs unchanged on SQLite
 * and PostgreSQL (TOLV_TEST_DB, as for test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include "fixtures.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"

struct fx {
	int64_t org, other, t, stranger, prog, oprog, p1, p2, op, e1, e2, oe;
};

static void fixture(struct fx *f, const char *tag)
{
	char name[64];
	f->org = make_org(tag);
	snprintf(name, sizeof name, "%s-other", tag);
	f->other = make_org(name);
	snprintf(name, sizeof name, "%s@sobriety.test", tag);
	f->t = make_member(f->org, name, "therapist");
	snprintf(name, sizeof name, "%s-x@sobriety.test", tag);
	f->stranger = make_member(f->other, name, "therapist");
	f->prog = make_programme(f->org, "Day");
	f->oprog = make_programme(f->other, "Day");
	int32_t day = date_from_ymd(2025, 9, 1);
	f->p1 = make_person(f->org, "Kari", "Nordmann", date_from_ymd(1980, 1, 1));
	f->p2 = make_person(f->org, "Per", "Hansen", date_from_ymd(1981, 1, 1));
	f->op = make_person(f->other, "Ola", "Vik", date_from_ymd(1982, 1, 1));
	f->e1 = make_enrolment(f->org, f->p1, f->prog, f->t, day);
	f->e2 = make_enrolment(f->org, f->p2, f->prog, f->t, day);
	f->oe = make_enrolment(f->other, f->op, f->oprog, f->stranger, day);
	assert_int_equal(store_substance_seed(st, f->org, NULL), STORE_OK);
	assert_int_equal(store_substance_seed(st, f->other, NULL), STORE_OK);
}

static struct sob_test drug_test(const struct fx *f, int64_t person, int64_t enrolment)
{
	struct sob_test t = { .person_id = person, .enrolment_id = enrolment, .taken_at = 1756800000,
			      .on_day = date_from_ymd(2025, 9, 2), .taken_by = f->t, .recorded_by = f->t,
			      .permille = -1, .lab_sent_on = DATE_NONE, .observed = true };
	copy_str(t.kind, sizeof t.kind, "drug");
	copy_str(t.outcome, sizeof t.outcome, "done");
	copy_str(t.sample, sizeof t.sample, "urine");
	copy_str(t.device, sizeof t.device, "Kit <script>'\"&");
	copy_str(t.note, sizeof t.note, "Note with æøå");
	t.nresults = 2;
	copy_str(t.results[0].class_key, sizeof t.results[0].class_key, "opioids");
	copy_str(t.results[0].result, sizeof t.results[0].result, "positive");
	copy_str(t.results[1].class_key, sizeof t.results[1].class_key, "buprenorphine");
	copy_str(t.results[1].result, sizeof t.results[1].result, "positive");
	t.results[1].prescribed = true;
	return t;
}

static void test_classes(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "sobclasses");
	int added = -1;
	/* Seeded once: a second seed adds nothing. */
	assert_int_equal(store_substance_seed(st, f.org, &added), STORE_OK);
	assert_int_equal(added, 0);
	struct substance_class *cs = NULL;
	size_t n = 0;
	assert_int_equal(store_substance_list(st, f.org, true, &cs, &n), STORE_OK);
	assert_int_equal(n, 9);
	assert_string_equal(cs[0].key, "amphetamines");
	assert_string_equal(cs[8].key, "others");
	int64_t cannabis = cs[2].id;
	assert_string_equal(cs[2].key, "cannabis");
	assert_false(cs[2].used);
	free(cs);
	/* A new class; its key is unique per organisation, not across them. */
	struct substance_class c = { .active = true, .sort_order = 95 };
	copy_str(c.key, sizeof c.key, "ketamine");
	copy_str(c.label, sizeof c.label, "Ketamin <b>");
	assert_int_equal(store_substance_add(st, f.org, &c), STORE_OK);
	assert_int_equal(store_substance_add(st, f.org, &c), STORE_CONFLICT);
	assert_int_equal(store_substance_add(st, f.other, &c), STORE_OK);
	copy_str(c.key, sizeof c.key, "Bad Key");
	assert_int_equal(store_substance_add(st, f.org, &c), STORE_INVALID);
	/* Used by a medication: not deleted; deactivated instead. */
	struct sob_medication m = { .person_id = f.p1, .from_day = date_from_ymd(2025, 1, 1), .to_day = DATE_NONE,
				    .created_by = f.t };
	copy_str(m.class_key, sizeof m.class_key, "cannabis");
	copy_str(m.name, sizeof m.name, "Sativex");
	assert_int_equal(store_sob_med_add(st, f.org, &m), STORE_OK);
	assert_int_equal(store_substance_delete(st, f.org, cannabis), STORE_CONFLICT);
	struct substance_class upd = { .id = cannabis, .active = false, .sort_order = 30 };
	copy_str(upd.key, sizeof upd.key, "cannabis");
	copy_str(upd.label, sizeof upd.label, "Cannabis (THC)");
	assert_int_equal(store_substance_update(st, f.org, &upd), STORE_OK);
	assert_int_equal(store_substance_update(st, f.other, &upd), STORE_NOTFOUND);
	assert_int_equal(store_substance_list(st, f.org, false, &cs, &n), STORE_OK);
	assert_int_equal(n, 9); /* 9 + ketamine − cannabis */
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(cs[i].key, "cannabis");
	free(cs);
	/* An unused class can be deleted; another organisation's cannot be reached. */
	assert_int_equal(store_substance_list(st, f.org, true, &cs, &n), STORE_OK);
	int64_t ketamine = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(cs[i].key, "ketamine"))
			ketamine = cs[i].id;
		if (!strcmp(cs[i].key, "cannabis"))
			assert_true(cs[i].used);
	}
	free(cs);
	assert_int_equal(store_substance_delete(st, f.other, ketamine), STORE_NOTFOUND);
	assert_int_equal(store_substance_delete(st, f.org, ketamine), STORE_OK);
	/* A medication of an inactive class is refused. */
	assert_int_equal(store_sob_med_add(st, f.org, &m), STORE_INVALID);
}

static void test_tests_round_trip(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "sobtests");
	struct sob_test t = drug_test(&f, f.p1, f.e1);
	assert_int_equal(store_sob_test_create(st, f.org, &t), STORE_OK);
	assert_true(t.id > 0);
	assert_true(t.recorded_at > 0);
	struct sob_test g;
	assert_int_equal(store_sob_test_get(st, f.org, t.id, &g), STORE_OK);
	assert_int_equal(g.person_id, f.p1);
	assert_int_equal(g.enrolment_id, f.e1);
	assert_string_equal(g.kind, "drug");
	assert_string_equal(g.outcome, "done");
	assert_string_equal(g.sample, "urine");
	assert_string_equal(g.device, "Kit <script>'\"&");
	assert_string_equal(g.note, "Note with æøå");
	assert_true(g.observed);
	assert_int_equal(g.permille, -1);
	assert_int_equal(g.lab_sent_on, DATE_NONE);
	assert_int_equal(g.on_day, date_from_ymd(2025, 9, 2));
	assert_int_equal(g.taken_at, 1756800000);
	assert_int_equal(g.nresults, 2);
	/* In the panel's order: opioids (50) before buprenorphine (70). */
	assert_string_equal(g.results[0].class_key, "opioids");
	assert_false(g.results[0].prescribed);
	assert_string_equal(g.results[1].class_key, "buprenorphine");
	assert_true(g.results[1].prescribed);
	assert_string_equal(g.results[1].lab, "");

	/* The lab. */
	g.lab_sent_on = date_from_ymd(2025, 9, 3);
	copy_str(g.lab_result, sizeof g.lab_result, "not_confirmed");
	copy_str(g.results[0].lab, sizeof g.results[0].lab, "not_confirmed");
	g.lab_at = 1756900000;
	g.lab_by = f.t;
	g.flag = 2;
	assert_int_equal(store_sob_test_lab(st, f.org, &g), STORE_OK);
	assert_int_equal(store_sob_test_lab(st, f.other, &g), STORE_NOTFOUND);
	struct sob_test h;
	assert_int_equal(store_sob_test_get(st, f.org, t.id, &h), STORE_OK);
	assert_int_equal(h.lab_sent_on, date_from_ymd(2025, 9, 3));
	assert_string_equal(h.lab_result, "not_confirmed");
	assert_string_equal(h.results[0].lab, "not_confirmed");
	assert_int_equal(h.flag, 2);
	assert_int_equal(h.lab_by, f.t);

	/* A breath test and a refusal; the list, newest first, with results. */
	struct sob_test b = { .person_id = f.p1, .taken_at = 1756810000, .on_day = date_from_ymd(2025, 9, 2),
			      .taken_by = f.t, .recorded_by = f.t, .permille = 42, .lab_sent_on = DATE_NONE };
	copy_str(b.kind, sizeof b.kind, "breath");
	copy_str(b.outcome, sizeof b.outcome, "done");
	assert_int_equal(store_sob_test_create(st, f.org, &b), STORE_OK);
	struct sob_test rf = b;
	rf.taken_at = 1756820000;
	rf.permille = -1;
	copy_str(rf.outcome, sizeof rf.outcome, "refused");
	rf.flag = 1;
	assert_int_equal(store_sob_test_create(st, f.org, &rf), STORE_OK);
	struct sob_test *list = NULL;
	size_t n = 0;
	assert_int_equal(store_sob_test_list(st, f.org, f.p1, 10, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, rf.id);
	assert_string_equal(list[0].outcome, "refused");
	assert_int_equal(list[0].flag, 1);
	assert_int_equal(list[1].permille, 42);
	assert_int_equal(list[2].id, t.id);
	assert_int_equal(list[2].nresults, 2);
	free(list);

	/* Refusals: a breath result above 5.00, a refused test with a result, unknown or
	 * inactive classes, another person's enrolment, other organisations' ids. */
	struct sob_test bad = b;
	bad.permille = 501;
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_INVALID);
	bad = drug_test(&f, f.p1, 0);
	copy_str(bad.results[0].class_key, sizeof bad.results[0].class_key, "nosuch");
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_INVALID);
	bad = drug_test(&f, f.p1, f.e2);
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_NOTFOUND);
	bad = drug_test(&f, f.op, 0);
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_NOTFOUND);
	bad = drug_test(&f, f.p1, f.oe);
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_NOTFOUND);
	bad = drug_test(&f, f.p1, 0);
	bad.taken_by = f.stranger;
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_INVALID);
	bad = drug_test(&f, f.p1, 0);
	copy_str(bad.outcome, sizeof bad.outcome, "refused");
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_INVALID);
	struct substance_class *cs = NULL;
	size_t nc = 0;
	assert_int_equal(store_substance_list(st, f.org, true, &cs, &nc), STORE_OK);
	for (size_t i = 0; i < nc; i++)
		if (!strcmp(cs[i].key, "opioids")) {
			cs[i].active = false;
			assert_int_equal(store_substance_update(st, f.org, &cs[i]), STORE_OK);
		}
	free(cs);
	bad = drug_test(&f, f.p1, 0);
	assert_int_equal(store_sob_test_create(st, f.org, &bad), STORE_INVALID);
	/* Nothing of the refused ones was stored. */
	assert_int_equal(store_sob_test_list(st, f.org, f.p1, 10, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	free(list);
	assert_int_equal(store_sob_test_get(st, f.other, t.id, &g), STORE_NOTFOUND);
	assert_int_equal(store_sob_test_list(st, f.other, f.p1, 10, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

static void test_medication_rules_zero(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "sobrules");
	struct sob_medication m = { .person_id = f.p1, .from_day = date_from_ymd(2025, 1, 10), .to_day = DATE_NONE,
				    .created_by = f.t };
	copy_str(m.class_key, sizeof m.class_key, "methadone");
	copy_str(m.name, sizeof m.name, "Metadon");
	assert_int_equal(store_sob_med_add(st, f.org, &m), STORE_OK);
	struct sob_medication other = m;
	other.person_id = f.op;
	assert_int_equal(store_sob_med_add(st, f.org, &other), STORE_NOTFOUND);
	assert_int_equal(store_sob_med_end(st, f.org, m.id, date_from_ymd(2025, 1, 9)), STORE_INVALID);
	assert_int_equal(store_sob_med_end(st, f.other, m.id, date_from_ymd(2025, 3, 1)), STORE_NOTFOUND);
	assert_int_equal(store_sob_med_end(st, f.org, m.id, date_from_ymd(2025, 3, 1)), STORE_OK);
	struct sob_medication *ms = NULL;
	size_t n = 0;
	assert_int_equal(store_sob_med_list(st, f.org, f.p1, &ms, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ms[0].name, "Metadon");
	assert_int_equal(ms[0].to_day, date_from_ymd(2025, 3, 1));
	free(ms);

	/* Rules: one per programme and phase, replaced in place (the id stays). */
	struct sob_rule r = { .programme_id = f.prog, .percent = 2000, .active = true, .updated_by = f.t };
	copy_str(r.kind, sizeof r.kind, "percent");
	assert_int_equal(store_sob_rule_set(st, f.org, &r), STORE_OK);
	int64_t rid = r.id;
	struct sob_rule r2 = { .programme_id = f.prog, .per_month = 2, .active = true, .updated_by = f.t };
	copy_str(r2.kind, sizeof r2.kind, "monthly");
	assert_int_equal(store_sob_rule_set(st, f.org, &r2), STORE_OK);
	assert_int_equal(r2.id, rid);
	struct sob_rule bad = r2;
	bad.percent = 10;
	assert_int_equal(store_sob_rule_set(st, f.org, &bad), STORE_INVALID);
	struct sob_rule foreign = r;
	foreign.programme_id = f.oprog;
	assert_int_equal(store_sob_rule_set(st, f.org, &foreign), STORE_NOTFOUND);
	struct sob_rule *rs = NULL;
	assert_int_equal(store_sob_rule_list(st, f.org, f.prog, &rs, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rs[0].kind, "monthly");
	assert_int_equal(rs[0].per_month, 2);
	free(rs);
	assert_int_equal(store_sob_rule_list(st, f.other, 0, &rs, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(rs);

	bool on = true;
	assert_int_equal(store_sob_zero_get(st, f.org, f.prog, &on), STORE_OK);
	assert_false(on);
	assert_int_equal(store_sob_zero_set(st, f.org, f.prog, true, f.t), STORE_OK);
	assert_int_equal(store_sob_zero_get(st, f.org, f.prog, &on), STORE_OK);
	assert_true(on);
	assert_int_equal(store_sob_zero_get(st, f.other, f.prog, &on), STORE_NOTFOUND);
	assert_int_equal(store_sob_zero_set(st, f.other, f.prog, true, f.stranger), STORE_NOTFOUND);
}

static struct sob_draw draw_of(const struct fx *f, int64_t rule, int32_t day, int value, int ppm)
{
	struct sob_draw d = { .person_id = f->p1, .enrolment_id = f->e1, .group_id = 0, .day = day,
			      .rule_id = rule, .probability_ppm = ppm, .random_value = value,
			      .selected = value < ppm, .drawn_by = f->t };
	copy_str(d.rule_snapshot, sizeof d.rule_snapshot, "percent 20.00 % phase *");
	return d;
}

struct racer {
	int64_t org;
	struct sob_draw d;
	bool inserted;
	int rc;
};

static void *race(void *arg)
{
	struct racer *x = arg;
	x->rc = store_sob_draw_put(st, x->org, &x->d, &x->inserted);
	return NULL;
}

static void test_draw_once(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "sobdraws");
	struct sob_rule r = { .programme_id = f.prog, .percent = 2000, .active = true, .updated_by = f.t };
	copy_str(r.kind, sizeof r.kind, "percent");
	assert_int_equal(store_sob_rule_set(st, f.org, &r), STORE_OK);
	int32_t day = date_from_ymd(2025, 9, 8);

	/* Sequential: the second put reads back the first. */
	struct sob_draw d = draw_of(&f, r.id, day, 100000, 200000);
	bool ins = false;
	assert_int_equal(store_sob_draw_put(st, f.org, &d, &ins), STORE_OK);
	assert_true(ins);
	assert_true(d.selected);
	assert_string_equal(d.given_name, "Kari");
	struct sob_draw again = draw_of(&f, r.id, day, 900000, 200000);
	assert_int_equal(store_sob_draw_put(st, f.org, &again, &ins), STORE_OK);
	assert_false(ins);
	assert_int_equal(again.id, d.id);
	assert_int_equal(again.random_value, 100000);
	assert_true(again.selected);

	/* Concurrent: eight threads put eight different draws of one key; exactly one is
	 * stored and every thread reads back that one. */
	enum { NT = 8 };
	struct racer x[NT];
	pthread_t th[NT];
	for (int i = 0; i < NT; i++) {
		x[i] = (struct racer){ .org = f.org, .d = draw_of(&f, r.id, day + 1, i * 100000, 200000) };
		assert_int_equal(pthread_create(&th[i], NULL, race, &x[i]), 0);
	}
	int inserted = 0;
	for (int i = 0; i < NT; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(x[i].rc, STORE_OK);
		inserted += x[i].inserted;
	}
	assert_int_equal(inserted, 1);
	for (int i = 1; i < NT; i++) {
		assert_int_equal(x[i].d.id, x[0].d.id);
		assert_int_equal(x[i].d.random_value, x[0].d.random_value);
		assert_int_equal(x[i].d.selected, x[0].d.selected);
	}

	/* Bad draws: selected that does not follow the value, another person's enrolment,
	 * another organisation. */
	struct sob_draw bad = draw_of(&f, r.id, day + 2, 500000, 200000);
	bad.selected = true;
	assert_int_equal(store_sob_draw_put(st, f.org, &bad, &ins), STORE_INVALID);
	bad = draw_of(&f, r.id, day + 2, 500000, 200000);
	bad.enrolment_id = f.e2;
	assert_int_equal(store_sob_draw_put(st, f.org, &bad, &ins), STORE_NOTFOUND);
	bad = draw_of(&f, r.id, day + 2, 500000, 200000);
	bad.drawn_by = f.stranger;
	assert_int_equal(store_sob_draw_put(st, f.other, &bad, &ins), STORE_NOTFOUND);

	/* Another person, and the lists. */
	struct sob_draw d2 = draw_of(&f, r.id, day, 700000, 200000);
	d2.person_id = f.p2;
	d2.enrolment_id = f.e2;
	assert_int_equal(store_sob_draw_put(st, f.org, &d2, &ins), STORE_OK);
	assert_true(ins);
	assert_false(d2.selected);
	struct sob_draw *ds = NULL;
	size_t n = 0;
	assert_int_equal(store_sob_draw_list(st, f.org, day, day, 0, 100, &ds, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ds[0].family_name, "Hansen"); /* by name */
	free(ds);
	assert_int_equal(store_sob_draw_list(st, f.org, day, day + 1, f.p1, 100, &ds, &n), STORE_OK);
	assert_int_equal(n, 2);
	free(ds);
	assert_int_equal(store_sob_draw_list(st, f.other, day, day + 1, 0, 100, &ds, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ds);
	int64_t sel = -1;
	assert_int_equal(store_sob_selected_count(st, f.org, f.e1, day, day + 1, &sel), STORE_OK);
	assert_int_equal(sel, 1 + x[0].d.selected);

	/* Fairness: per person the draws, selections, expectation and tests. */
	struct sob_test t = drug_test(&f, f.p1, 0);
	t.on_day = day;
	assert_int_equal(store_sob_test_create(st, f.org, &t), STORE_OK);
	struct sob_fairness *fr = NULL;
	assert_int_equal(store_sob_fairness(st, f.org, day, day + 1, &fr, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(fr[0].person_id, f.p2);
	assert_int_equal(fr[0].draws, 1);
	assert_int_equal(fr[0].selected, 0);
	assert_int_equal(fr[0].expected_ppm, 200000);
	assert_int_equal(fr[0].tests, 0);
	assert_int_equal(fr[1].person_id, f.p1);
	assert_int_equal(fr[1].draws, 2);
	assert_int_equal(fr[1].selected, sel);
	assert_int_equal(fr[1].expected_ppm, 400000);
	assert_int_equal(fr[1].tests, 1);
	free(fr);
	assert_int_equal(store_sob_fairness(st, f.other, day, day + 1, &fr, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_tests_round_trip),
		cmocka_unit_test(test_medication_rules_zero),
		cmocka_unit_test(test_draw_once),
	};
	return store_test_run("store_sobriety", tests, sizeof tests / sizeof tests[0]);
}
