/* test_sobriety.c: unit tests of sobriety tests (issue 6, "Tests") — the pure rules (per
 * mille and percentage parsing, prescribed-expected, what counts for zero tolerance, local
 * time, the rule that applies, the monthly rule's probability at its edges, the attendance
 * days left in a month) and the draw's statistics (the selection rate over 100,000 draws
 * within ±5 sigma), then the service on a SQLite store: validation of each field, an
 * expected positive that does not flag, zero tolerance flagging and opening a draft
 * relapse, the lab overturning it, and a draw stored once and never redrawn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/enrolments.h"
#include "domain/intake.h"
#include "domain/sobriety.h"
#include "domain/testdraw.h"

#define D(y, m, d) date_from_ymd(y, m, d)

/* ---- pure rules ---- */

static void test_permille(void **state)
{
	(void)state;
	int v = -7;
	assert_int_equal(sobriety_parse_permille("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sobriety_parse_permille("0.42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(sobriety_parse_permille("0,42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(sobriety_parse_permille("1.5", &v), 0);
	assert_int_equal(v, 150);
	assert_int_equal(sobriety_parse_permille("5", &v), 0);
	assert_int_equal(v, 500);
	assert_int_equal(sobriety_parse_permille("5.00", &v), 0);
	assert_int_equal(v, 500);
	v = -7;
	static const char *const bad[] = { "", "-1", "5.01", "0.425", "abc", "1.", ".5", "10", "1e2", "0.4x", " 1",
					   "99" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sobriety_parse_permille(bad[i], &v), -1);
	assert_int_equal(v, -7); /* untouched */
	assert_int_equal(sobriety_parse_permille(NULL, &v), -1);
	char out[16];
	sobriety_format_permille(42, out, sizeof out);
	assert_string_equal(out, "0.42");
	sobriety_format_permille(500, out, sizeof out);
	assert_string_equal(out, "5.00");
	sobriety_format_permille(7, out, sizeof out);
	assert_string_equal(out, "0.07");
}

static void test_percent(void **state)
{
	(void)state;
	int v = 0;
	assert_int_equal(testdraw_parse_percent("20", &v), 0);
	assert_int_equal(v, 2000);
	assert_int_equal(testdraw_parse_percent("12,5", &v), 0);
	assert_int_equal(v, 1250);
	assert_int_equal(testdraw_parse_percent("0.25 %", &v), 0);
	assert_int_equal(v, 25);
	assert_int_equal(testdraw_parse_percent("100", &v), 0);
	assert_int_equal(v, 10000);
	assert_int_equal(testdraw_parse_percent("100.01", &v), -1);
	assert_int_equal(testdraw_parse_percent("1000", &v), -1);
	assert_int_equal(testdraw_parse_percent("", &v), -1);
	assert_int_equal(testdraw_parse_percent("-5", &v), -1);
	assert_int_equal(testdraw_parse_percent("5.123", &v), -1);
	assert_int_equal(testdraw_percent_ppm(2000), 200000);
	assert_int_equal(testdraw_percent_ppm(10000), 1000000);
	assert_int_equal(testdraw_percent_ppm(1), 100);
	assert_int_equal(testdraw_percent_ppm(-3), 0);
}

static void test_prescribed(void **state)
{
	(void)state;
	struct sob_medication meds[2] = { 0 };
	copy_str(meds[0].class_key, sizeof meds[0].class_key, "buprenorphine");
	meds[0].from_day = D(2025, 3, 1);
	meds[0].to_day = DATE_NONE;
	copy_str(meds[1].class_key, sizeof meds[1].class_key, "benzodiazepines");
	meds[1].from_day = D(2025, 1, 1);
	meds[1].to_day = D(2025, 1, 31);
	assert_true(sobriety_prescribed(meds, 2, "buprenorphine", D(2025, 3, 1)));
	assert_true(sobriety_prescribed(meds, 2, "buprenorphine", D(2030, 1, 1)));
	assert_false(sobriety_prescribed(meds, 2, "buprenorphine", D(2025, 2, 28)));
	assert_true(sobriety_prescribed(meds, 2, "benzodiazepines", D(2025, 1, 31)));
	assert_false(sobriety_prescribed(meds, 2, "benzodiazepines", D(2025, 2, 1)));
	assert_false(sobriety_prescribed(meds, 2, "opioids", D(2025, 3, 5)));
	assert_false(sobriety_prescribed(NULL, 0, "opioids", D(2025, 3, 5)));
}

static void test_counts(void **state)
{
	(void)state;
	struct sob_test t = { 0 };
	char subs[200];
	copy_str(t.kind, sizeof t.kind, "drug");
	copy_str(t.outcome, sizeof t.outcome, "refused");
	assert_true(sobriety_counts(&t, subs, sizeof subs));
	assert_string_equal(subs, "");
	copy_str(t.outcome, sizeof t.outcome, "done");
	t.nresults = 3;
	copy_str(t.results[0].class_key, sizeof t.results[0].class_key, "buprenorphine");
	copy_str(t.results[0].result, sizeof t.results[0].result, "positive");
	t.results[0].prescribed = true;
	copy_str(t.results[1].class_key, sizeof t.results[1].class_key, "cannabis");
	copy_str(t.results[1].result, sizeof t.results[1].result, "inconclusive");
	copy_str(t.results[2].class_key, sizeof t.results[2].class_key, "opioids");
	copy_str(t.results[2].result, sizeof t.results[2].result, "negative");
	/* Only an expected positive, an inconclusive and a negative: nothing counts. */
	assert_false(sobriety_counts(&t, subs, sizeof subs));
	assert_string_equal(subs, "");
	copy_str(t.results[2].result, sizeof t.results[2].result, "positive");
	copy_str(t.results[1].result, sizeof t.results[1].result, "positive");
	assert_true(sobriety_counts(&t, subs, sizeof subs));
	assert_string_equal(subs, "cannabis,opioids");
	/* Breath: above 0.00 counts, as alcohol. */
	struct sob_test b = { 0 };
	copy_str(b.kind, sizeof b.kind, "breath");
	copy_str(b.outcome, sizeof b.outcome, "done");
	b.permille = 0;
	assert_false(sobriety_counts(&b, subs, sizeof subs));
	b.permille = 1;
	assert_true(sobriety_counts(&b, subs, sizeof subs));
	assert_string_equal(subs, "alcohol");
}

static void test_local_time(void **state)
{
	(void)state;
	/* Winter: UTC+1; summer: UTC+2; the switch days. */
	int64_t utc_noon = (int64_t)D(2025, 1, 15) * 86400 + 12 * 3600;
	assert_int_equal(sobriety_local_time(D(2025, 1, 15), 12 * 60), utc_noon - 3600);
	utc_noon = (int64_t)D(2025, 7, 15) * 86400 + 12 * 3600;
	assert_int_equal(sobriety_local_time(D(2025, 7, 15), 12 * 60), utc_noon - 7200);
	/* 2025-03-30 is the last Sunday of March: 01:30 is CET, 03:30 CEST. */
	assert_int_equal(sobriety_local_time(D(2025, 3, 30), 90), (int64_t)D(2025, 3, 30) * 86400 + 90 * 60 - 3600);
	assert_int_equal(sobriety_local_time(D(2025, 3, 30), 210), (int64_t)D(2025, 3, 30) * 86400 + 210 * 60 - 7200);
	/* Round trip with the day and the minute (away from the hour that repeats in October). */
	for (int m = 0; m < 1440; m += 37) {
		int32_t day;
		int mm;
		assert_int_equal(date_from_unix_cet(sobriety_local_time(D(2025, 10, 26), m)), D(2025, 10, 26));
		sobriety_local_parts(sobriety_local_time(D(2025, 3, 30), m), &day, &mm);
		assert_int_equal(day, D(2025, 3, 30));
		if (m < 120 || m >= 180) /* 02:00–02:59 does not exist that day */
			assert_int_equal(mm, m);
		sobriety_local_parts(sobriety_local_time(D(2025, 10, 26), m), &day, &mm);
		assert_int_equal(day, D(2025, 10, 26));
		assert_int_equal(mm, m);
	}
}

static void test_rule_for(void **state)
{
	(void)state;
	struct sob_rule rules[4] = { 0 };
	rules[0] = (struct sob_rule){ .id = 1, .programme_id = 7, .active = true };
	rules[1] = (struct sob_rule){ .id = 2, .programme_id = 7, .active = true };
	copy_str(rules[1].phase_key, sizeof rules[1].phase_key, "day_treatment");
	rules[2] = (struct sob_rule){ .id = 3, .programme_id = 7, .active = false };
	copy_str(rules[2].phase_key, sizeof rules[2].phase_key, "aftercare");
	rules[3] = (struct sob_rule){ .id = 4, .programme_id = 8, .active = true };
	assert_int_equal(testdraw_rule_for(rules, 4, 7, "day_treatment")->id, 2);
	assert_int_equal(testdraw_rule_for(rules, 4, 7, "aftercare")->id, 1); /* inactive phase rule */
	assert_int_equal(testdraw_rule_for(rules, 4, 7, "")->id, 1);
	assert_int_equal(testdraw_rule_for(rules, 4, 8, "day_treatment")->id, 4);
	assert_null(testdraw_rule_for(rules, 4, 9, ""));
	rules[0].active = false;
	assert_null(testdraw_rule_for(rules, 4, 7, "motivation"));
	char snap[STORE_SOB_SNAPSHOT_MAX];
	struct sob_rule p = { .percent = 2050 };
	copy_str(p.kind, sizeof p.kind, "percent");
	testdraw_snapshot(&p, snap, sizeof snap);
	assert_string_equal(snap, "percent 20.50 % phase *");
}

static void test_monthly_formula(void **state)
{
	(void)state;
	/* ppm = min(1e6, floor((N − s) × 1e6 / D)), 0 when N − s ≤ 0; D < 1 counts as 1. */
	assert_int_equal(testdraw_monthly_ppm(2, 0, 10), 200000);
	assert_int_equal(testdraw_monthly_ppm(2, 1, 10), 100000);
	assert_int_equal(testdraw_monthly_ppm(2, 2, 10), 0);
	assert_int_equal(testdraw_monthly_ppm(2, 5, 10), 0);
	assert_int_equal(testdraw_monthly_ppm(1, 0, 3), 333333);
	assert_int_equal(testdraw_monthly_ppm(2, 0, 2), 1000000);
	assert_int_equal(testdraw_monthly_ppm(5, 0, 2), 1000000); /* capped */
	assert_int_equal(testdraw_monthly_ppm(1, 0, 1), 1000000); /* the last day */
	assert_int_equal(testdraw_monthly_ppm(1, 0, 0), 1000000); /* D < 1 → 1 */
	assert_int_equal(testdraw_monthly_ppm(31, 0, 31), 1000000);
	assert_int_equal(testdraw_monthly_ppm(1, 0, 31), 32258);

	/* The attendance days left: 2025-11-03 is a Monday; Mon/Wed/Fri groups. */
	int mwf = STORE_MONDAY | (STORE_MONDAY << 2) | (STORE_MONDAY << 4);
	assert_int_equal(testdraw_remaining_days(D(2025, 11, 3), mwf, NULL, 0), 12);
	int32_t closed[2] = { D(2025, 11, 5), D(2025, 12, 1) };
	assert_int_equal(testdraw_remaining_days(D(2025, 11, 3), mwf, closed, 2), 11);
	/* Friday 28 November: the weekend is left, so only today. */
	assert_int_equal(testdraw_remaining_days(D(2025, 11, 28), mwf, NULL, 0), 1);
	/* The last day of a month, any weekdays; no weekdays set counts every day. */
	assert_int_equal(testdraw_remaining_days(D(2025, 11, 30), 127, NULL, 0), 1);
	assert_int_equal(testdraw_remaining_days(D(2024, 2, 1), 0, NULL, 0), 29);
	/* A month with N = 2 on a Mon/Wed/Fri group: the expected selections add up to 2 when
	 * nobody is selected until the end (the probabilities rise as the days run out). */
	double expect = 0;
	for (int32_t day = D(2025, 11, 3); day <= D(2025, 11, 28); day++) {
		if (!(mwf & (STORE_MONDAY << (date_weekday(day) - 1))))
			continue;
		int ppm = testdraw_monthly_ppm(2, 0, testdraw_remaining_days(day, mwf, NULL, 0));
		assert_true(ppm > 0 && ppm <= 1000000);
		expect += ppm / 1e6;
	}
	assert_true(expect >= 2.0);
}

static void test_draw_statistics(void **state)
{
	(void)state;
	/* 100,000 draws at 20 %: selected ~ Binomial(n, p), mean np = 20000, sigma
	 * sqrt(np(1−p)) = 126.49; ±5 sigma is [19368, 20632] (a false failure has probability
	 * about 6e-7). */
	enum { N = 100000 };
	const int ppm = testdraw_percent_ppm(2000);
	int selected = 0, deciles[10] = { 0 };
	for (int i = 0; i < N; i++) {
		int v = testdraw_random();
		assert_true(v >= 0 && v < STORE_SOB_PPM);
		selected += v < ppm;
		deciles[v / 100000]++;
	}
	double mean = N * 0.2, sigma = sqrt(N * 0.2 * 0.8);
	assert_true(selected >= (int)floor(mean - 5 * sigma));
	assert_true(selected <= (int)ceil(mean + 5 * sigma));
	/* Uniform: each tenth of the range holds 10000 ± 5 sigma (sigma = sqrt(N·0.1·0.9) = 94.9). */
	double s10 = sqrt(N * 0.1 * 0.9);
	for (int k = 0; k < 10; k++)
		assert_true(fabs(deciles[k] - N * 0.1) <= 5 * s10);
}

/* ---- the service on a store ---- */

static char dbpath[256];

struct fx {
	struct accounts ac;
	struct actor who;
	struct org a, b;
	struct programme prog;
	int64_t person, person_b, enrolment;
};

static int setup(void **state)
{
	static int n;
	snprintf(dbpath, sizeof dbpath, "/tmp/tolv-sobriety-%d-%d.db", (int)getpid(), n++);
	char url[300];
	snprintf(url, sizeof url, "sqlite:%s", dbpath);
	struct fx *f = calloc(1, sizeof *f);
	if (store_open(url, 4, &f->ac.store) || store_migrate(f->ac.store, NULL))
		return -1;
	f->ac.audit = auditor_new(f->ac.store, false);
	struct field_error fe;
	struct actor cli = { 0 };
	if (accounts_org_add(&f->ac, &cli, "Lister kommune", &f->a, &fe) ||
	    accounts_org_add(&f->ac, &cli, "Vest klinikk", &f->b, &fe))
		return -1;
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, "ther@example.org");
	copy_str(u.name, sizeof u.name, "Ther");
	copy_str(u.lang, sizeof u.lang, "nb");
	if (store_user_create(f->ac.store, &u))
		return -1;
	struct membership m = { .user_id = u.id, .org_id = f->a.id };
	copy_str(m.role, sizeof m.role, "therapist");
	if (store_membership_set(f->ac.store, &m))
		return -1;
	f->who.user_id = u.id;
	f->who.org_id = f->a.id;
	copy_str(f->who.email, sizeof f->who.email, u.email);
	struct person p = { 0 };
	copy_str(p.given_name, sizeof p.given_name, "Kari");
	copy_str(p.family_name, sizeof p.family_name, "Nordmann");
	p.birth_date = DATE_NONE;
	if (store_person_create(f->ac.store, f->a.id, &p))
		return -1;
	f->person = p.id;
	struct person pb = p;
	pb.id = 0;
	if (store_person_create(f->ac.store, f->b.id, &pb))
		return -1;
	f->person_b = pb.id;
	struct intake_errors ie = { 0 };
	if (intake_programme_create(&f->ac, &f->who, "municipal_day_treatment", "Dag", &f->prog, &ie))
		return -1;
	struct enrolment_new en = { .person_id = p.id, .programme_id = f->prog.id, .therapist_id = u.id,
				    .start_date = "2025-01-06" };
	struct enrolment e;
	struct person_errors pe = { 0 };
	if (enrolments_create(&f->ac, &f->who, f->a.id, &en, D(2025, 1, 6), &e, &pe))
		return -1;
	f->enrolment = e.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	auditor_free(f->ac.audit);
	store_close(f->ac.store);
	free(f);
	char p[300];
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static int record(struct fx *f, const struct sob_test_in *in, struct sob_test *out, struct field_error *fe)
{
	memset(fe, 0, sizeof *fe);
	return sobriety_record(&f->ac, &f->who, f->a.id, f->person, in, now_seconds(), out, fe);
}

static void expect_field(struct fx *f, const struct sob_test_in *in, const char *field)
{
	struct field_error fe;
	struct sob_test t;
	assert_int_equal(record(f, in, &t, &fe), ACC_INVALID);
	assert_non_null(fe.field);
	assert_string_equal(fe.field, field);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	struct sob_result_in ok[1] = { { "cannabis", "negative" } };
	struct sob_test_in base = { .kind = "drug", .sample = "urine", .results = ok, .nresults = 1 };
	struct sob_test_in in = base;
	in.kind = "blood";
	expect_field(f, &in, "kind");
	in = base;
	in.date = "2025-13-01";
	expect_field(f, &in, "date");
	in.date = "2999-01-01";
	expect_field(f, &in, "date");
	in = base;
	in.time = "25:00";
	expect_field(f, &in, "time");
	in = base;
	in.taken_by = "999999";
	expect_field(f, &in, "taken_by");
	in = base;
	in.sample = "hair";
	expect_field(f, &in, "sample");
	in = base;
	in.permille = "0.1";
	expect_field(f, &in, "permille");
	in = base;
	in.enrolment = "424242";
	expect_field(f, &in, "enrolment");
	in = base;
	char longtext[600];
	memset(longtext, 'x', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	in.note = longtext;
	expect_field(f, &in, "note");
	in = base;
	in.device = longtext;
	expect_field(f, &in, "device");
	/* Results: unknown class, a bad value, none at all, twice the same class. */
	struct sob_result_in unknown[1] = { { "heroin_x", "positive" } };
	in = base;
	in.results = unknown;
	expect_field(f, &in, "results");
	struct sob_result_in badv[1] = { { "cannabis", "maybe" } };
	in.results = badv;
	expect_field(f, &in, "results");
	struct sob_result_in twice[2] = { { "cannabis", "negative" }, { "cannabis", "positive" } };
	in.results = twice;
	in.nresults = 2;
	expect_field(f, &in, "results");
	in.nresults = 0;
	expect_field(f, &in, "results");
	/* An inactive class is refused like an unknown one. */
	struct substance_class *cs = NULL;
	size_t nc = 0;
	assert_int_equal(sobriety_classes(&f->ac, f->a.id, true, &cs, &nc), 0);
	assert_int_equal(nc, 9);
	int64_t ghb = 0;
	for (size_t i = 0; i < nc; i++)
		if (!strcmp(cs[i].key, "ghb"))
			ghb = cs[i].id;
	free(cs);
	struct field_error fe;
	assert_int_equal(sobriety_class_update(&f->ac, &f->who, f->a.id, ghb, "GHB", false, "80", &fe), 0);
	struct sob_result_in inactive[1] = { { "ghb", "negative" } };
	in = base;
	in.results = inactive;
	expect_field(f, &in, "results");
	/* Breath: per mille out of range, too many decimals, a sample, results. */
	struct sob_test_in br = { .kind = "breath", .permille = "5.01" };
	expect_field(f, &br, "permille");
	br.permille = "0.123";
	expect_field(f, &br, "permille");
	br.permille = "";
	expect_field(f, &br, "permille");
	br.permille = "0.2";
	br.sample = "urine";
	expect_field(f, &br, "sample");
	/* Nothing was stored by any of these. */
	struct sob_test *tests = NULL;
	size_t n = 0;
	assert_int_equal(sobriety_list(&f->ac, &f->who, f->a.id, f->person, &tests, &n), 0);
	assert_int_equal(n, 0);
	free(tests);
	/* Another organisation's person: not found. */
	assert_int_equal(sobriety_record(&f->ac, &f->who, f->a.id, f->person_b, &base, now_seconds(), NULL, &fe),
			 STORE_NOTFOUND);
}

static void test_expected_and_zero_tolerance(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	struct sob_med_in med = { .class_key = "buprenorphine", .name = "Subutex", .from = "2025-01-01" };
	int64_t med_id = 0;
	assert_int_equal(sobriety_med_add(&f->ac, &f->who, f->a.id, f->person, &med, &med_id, &fe), 0);
	struct sob_med_in badmed = { .class_key = "nope", .name = "X", .from = "2025-01-01" };
	assert_int_equal(sobriety_med_add(&f->ac, &f->who, f->a.id, f->person, &badmed, NULL, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "class");
	badmed = (struct sob_med_in){ .class_key = "opioids", .name = "X", .from = "2025-02-01", .to = "2025-01-01" };
	assert_int_equal(sobriety_med_add(&f->ac, &f->who, f->a.id, f->person, &badmed, NULL, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "to");

	/* Zero tolerance off: a positive is recorded, not flagged. */
	struct sob_result_in res[2] = { { "buprenorphine", "positive" }, { "cannabis", "negative" } };
	struct sob_test_in in = { .kind = "drug", .sample = "urine", .observed = true, .results = res, .nresults = 2 };
	struct sob_test t;
	assert_int_equal(record(f, &in, &t, &fe), 0);
	assert_int_equal(t.flag, 0);
	assert_int_equal(t.nresults, 2);
	/* Read back in the panel's order: cannabis (30) before buprenorphine (70). */
	assert_string_equal(t.results[0].class_key, "cannabis");
	assert_false(t.results[0].prescribed);
	assert_string_equal(t.results[1].class_key, "buprenorphine");
	assert_true(t.results[1].prescribed);

	/* Zero tolerance on: an expected (prescribed) positive does not flag ... */
	assert_int_equal(sobriety_zero_set(&f->ac, &f->who, f->a.id, f->prog.id, true), 0);
	assert_int_equal(record(f, &in, &t, &fe), 0);
	assert_int_equal(t.flag, 0);
	struct store_relapse rel;
	assert_int_equal(store_relapse_by_test(f->ac.store, f->a.id, t.id, &rel), STORE_NOTFOUND);
	/* ... a positive that is not prescribed does, and opens a draft relapse. */
	res[1].result = "positive";
	assert_int_equal(record(f, &in, &t, &fe), 0);
	assert_int_equal(t.flag, 1);
	assert_int_equal(store_relapse_by_test(f->ac.store, f->a.id, t.id, &rel), 0);
	assert_string_equal(rel.status, "draft");
	assert_string_equal(rel.substances, "cannabis");
	/* The lab does not confirm it: overturned, the draft rejected. */
	struct sob_result_in lab[1] = { { "cannabis", "not_confirmed" } };
	struct sob_lab_in li = { .sent_on = "", .results = lab, .nresults = 1 };
	/* Without the day it was sent: refused. */
	assert_int_equal(sobriety_lab(&f->ac, &f->who, f->a.id, t.id, &li, date_today_cet(), NULL, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "lab_sent_on");
	char today[11];
	date_format(date_today_cet(), today);
	li.sent_on = today;
	struct sob_test after;
	assert_int_equal(sobriety_lab(&f->ac, &f->who, f->a.id, t.id, &li, date_today_cet(), &after, &fe), 0);
	assert_int_equal(after.flag, 2);
	assert_string_equal(after.lab_result, "not_confirmed");
	assert_int_equal(store_relapse_by_test(f->ac.store, f->a.id, t.id, &rel), 0);
	assert_string_equal(rel.status, "rejected");
	/* A lab result for a negative class is refused. */
	struct sob_result_in neg[1] = { { "opioids", "confirmed" } };
	li.results = neg;
	assert_int_equal(sobriety_lab(&f->ac, &f->who, f->a.id, t.id, &li, date_today_cet(), NULL, &fe), ACC_INVALID);
	/* A refusal flags too, with no results. */
	struct sob_test_in refused = { .kind = "breath", .refused = true };
	assert_int_equal(record(f, &refused, &t, &fe), 0);
	assert_int_equal(t.flag, 1);
	assert_int_equal(t.nresults, 0);
	assert_int_equal(t.permille, -1);
	assert_int_equal(store_relapse_by_test(f->ac.store, f->a.id, t.id, &rel), 0);
	assert_string_equal(rel.substances, "");
	/* A flagged test stored without its draft (the process stopped in between): the next
	 * read of the test opens the draft, once. */
	struct sob_test lost = t;
	lost.id = 0;
	assert_int_equal(store_sob_test_create(f->ac.store, f->a.id, &lost), 0);
	assert_int_equal(store_relapse_by_test(f->ac.store, f->a.id, lost.id, &rel), STORE_NOTFOUND);
	struct sob_test seen;
	assert_int_equal(sobriety_get(&f->ac, &f->who, f->a.id, lost.id, &seen), 0);
	assert_int_equal(store_relapse_by_test(f->ac.store, f->a.id, lost.id, &rel), 0);
	assert_string_equal(rel.status, "draft");
	int64_t first = rel.id;
	assert_int_equal(sobriety_get(&f->ac, &f->who, f->a.id, lost.id, &seen), 0);
	assert_int_equal(store_relapse_by_test(f->ac.store, f->a.id, lost.id, &rel), 0);
	assert_int_equal(rel.id, first);
	/* A breath test of 0.00 does not flag. */
	struct sob_test_in zero = { .kind = "breath", .permille = "0.00", .device = "Dräger" };
	assert_int_equal(record(f, &zero, &t, &fe), 0);
	assert_int_equal(t.flag, 0);
	assert_int_equal(t.permille, 0);
}

static void test_draw_once(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	struct sob_rule_in ri = { .kind = "percent", .percent = "100" };
	assert_int_equal(sobriety_rule_set(&f->ac, &f->who, f->a.id, f->prog.id, &ri, &fe), 0);
	ri = (struct sob_rule_in){ .kind = "percent", .percent = "0" };
	assert_int_equal(sobriety_rule_set(&f->ac, &f->who, f->a.id, f->prog.id, &ri, &fe), ACC_INVALID);
	ri = (struct sob_rule_in){ .kind = "monthly", .per_month = "32" };
	assert_int_equal(sobriety_rule_set(&f->ac, &f->who, f->a.id, f->prog.id, &ri, &fe), ACC_INVALID);
	ri = (struct sob_rule_in){ .phase_key = "nope", .kind = "monthly", .per_month = "2" };
	assert_int_equal(sobriety_rule_set(&f->ac, &f->who, f->a.id, f->prog.id, &ri, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "phase");
	struct sob_rule *rules = NULL;
	size_t nr = 0;
	assert_int_equal(store_sob_rule_list(f->ac.store, f->a.id, f->prog.id, &rules, &nr), 0);
	assert_int_equal(nr, 1);
	/* The draw at 100 %: selected; stored once; a second put keeps the first. */
	struct sob_draw d = { .person_id = f->person, .enrolment_id = f->enrolment, .day = D(2025, 3, 3),
			      .rule_id = rules[0].id, .probability_ppm = 1000000, .random_value = 123456,
			      .selected = true, .drawn_by = f->who.user_id };
	copy_str(d.rule_snapshot, sizeof d.rule_snapshot, "percent 100.00 % phase *");
	bool inserted = false;
	assert_int_equal(store_sob_draw_put(f->ac.store, f->a.id, &d, &inserted), 0);
	assert_true(inserted);
	int64_t first = d.id;
	struct sob_draw again = d;
	again.id = 0;
	again.probability_ppm = 0;
	again.random_value = 5;
	again.selected = false;
	assert_int_equal(store_sob_draw_put(f->ac.store, f->a.id, &again, &inserted), 0);
	assert_false(inserted);
	assert_int_equal(again.id, first);
	assert_true(again.selected);
	assert_int_equal(again.random_value, 123456);
	free(rules);
}

int main(void)
{
	if (util_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permille),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_prescribed),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_rule_for),
		cmocka_unit_test(test_monthly_formula),
		cmocka_unit_test(test_draw_statistics),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expected_and_zero_tolerance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draw_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
