/* test_report.c: the figures of the programme report (domain/report.h) on small data sets
 * whose answers are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/report.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void median(void **state)
{
	(void)state;
	int32_t none[1] = { 0 };
	assert_true(isnan(report_median(none, 0)));
	int32_t one[] = { 7 };
	NEAR(report_median(one, 1), 7);
	/* {9, 1, 5} sorted is {1, 5, 9}: the middle one, 5. */
	int32_t odd[] = { 9, 1, 5 };
	NEAR(report_median(odd, 3), 5);
	/* {10, 2, 6, 3} sorted is {2, 3, 6, 10}: (3 + 6) / 2 = 4.5. */
	int32_t even[] = { 10, 2, 6, 3 };
	NEAR(report_median(even, 4), 4.5);
}

static void rates_and_shares(void **state)
{
	(void)state;
	/* 3 events in 150 days: 100 * 3 / 150 = 2 per 100 days. */
	NEAR(report_rate_per_100(3, 150), 2.0);
	assert_true(isnan(report_rate_per_100(3, 0)));
	/* 1 of 4: 25 %. */
	NEAR(report_share(1, 4), 25.0);
	assert_true(isnan(report_share(0, 0)));
	/* 5 meetings in 70 days: 7 * 5 / 70 = 0.5 a week. */
	NEAR(report_per_week(5, 70), 0.5);
	assert_true(isnan(report_per_week(5, 0)));
}

static void kaplan_meier(void **state)
{
	(void)state;
	/* Six observations: 3 event, 5 event, 5 censored, 8 event, 10 censored, 12 event.
	 * t=3:  at risk 6, 1 event              S = 5/6             = 0.8333
	 * t=5:  at risk 5, 1 event, 1 censored  S = 5/6 * 4/5       = 0.6667
	 * t=8:  at risk 3, 1 event              S = 2/3 * 2/3       = 0.4444 → median 8
	 * t=10: at risk 2, 1 censored           S unchanged           0.4444
	 * t=12: at risk 1, 1 event              S = 0 */
	struct report_km_obs obs[] = { { 12, true }, { 5, false }, { 3, true }, { 10, false }, { 8, true }, { 5, true } };
	struct report_km_point *pts = NULL;
	double med = 0;
	size_t n = report_km(obs, N(obs), &pts, &med);
	assert_int_equal(n, 5);
	assert_int_equal(pts[0].day, 3);
	assert_int_equal(pts[0].at_risk, 6);
	NEAR(pts[0].survival, 5.0 / 6.0);
	assert_int_equal(pts[1].day, 5);
	assert_int_equal(pts[1].at_risk, 5);
	assert_int_equal(pts[1].events, 1);
	assert_int_equal(pts[1].censored, 1);
	NEAR(pts[1].survival, 4.0 / 6.0);
	assert_int_equal(pts[2].at_risk, 3);
	NEAR(pts[2].survival, 4.0 / 9.0);
	assert_int_equal(pts[3].day, 10);
	assert_int_equal(pts[3].events, 0);
	NEAR(pts[3].survival, 4.0 / 9.0);
	assert_int_equal(pts[4].at_risk, 1);
	NEAR(pts[4].survival, 0.0);
	NEAR(med, 8);
	free(pts);

	/* Everyone censored: S stays 1, no median. */
	struct report_km_obs cens[] = { { 4, false }, { 9, false } };
	n = report_km(cens, N(cens), &pts, &med);
	assert_int_equal(n, 2);
	NEAR(pts[1].survival, 1.0);
	assert_true(isnan(med));
	free(pts);
	n = report_km(cens, 0, &pts, &med);
	assert_int_equal(n, 0);
	assert_null(pts);
}

static void periods(void **state)
{
	(void)state;
	int32_t f, t, cf, ct;
	/* 29 Nov 2026 is in Q4: the last full quarter is Q3 (1 Jul – 30 Sep), before it Q2. */
	report_default_periods(D(2026, 11, 29), &f, &t, &cf, &ct);
	assert_int_equal(f, D(2026, 7, 1));
	assert_int_equal(t, D(2026, 9, 30));
	assert_int_equal(cf, D(2026, 4, 1));
	assert_int_equal(ct, D(2026, 6, 30));
	/* 15 Jan 2026: Q4 2025 and Q3 2025, across the new year. */
	report_default_periods(D(2026, 1, 15), &f, &t, &cf, &ct);
	assert_int_equal(f, D(2025, 10, 1));
	assert_int_equal(t, D(2025, 12, 31));
	assert_int_equal(cf, D(2025, 7, 1));
	assert_int_equal(ct, D(2025, 9, 30));
	/* The first day of a quarter: the quarter just ended. */
	report_default_periods(D(2026, 4, 1), &f, &t, &cf, &ct);
	assert_int_equal(f, D(2026, 1, 1));
	assert_int_equal(t, D(2026, 3, 31));

	assert_null(report_period_check(D(2026, 1, 1), D(2026, 1, 1)));
	assert_non_null(report_period_check(D(2026, 1, 2), D(2026, 1, 1)));
	assert_non_null(report_period_check(DATE_NONE, D(2026, 1, 1)));
	/* Five years, 1 Jan 2021 – 31 Dec 2025, is 1826 days: accepted; 1827 days too (the
	 * limit allows for two leap days); 1828 days is refused. */
	assert_null(report_period_check(D(2021, 1, 1), D(2025, 12, 31)));
	assert_null(report_period_check(D(2021, 1, 1), D(2026, 1, 1)));
	assert_non_null(report_period_check(D(2021, 1, 1), D(2026, 1, 2)));
}

/* ---- the whole report on a hand-made programme history ----
 *
 * Programme: phases 0 pre-treatment, 1 motivation, 2 day treatment (at least 3 days a
 * week), 3 aftercare; min_steps 2. Period: F = 1 Jan 2026 … T = 31 Mar 2026 = F + 89.
 *
 * E1 (person 10): referral F-10; start (phase 0) F, phase 1 F+5, phase 2 F+12; open.
 * E2 (person 11): referral F+2; start F+4, phase 1 F+10, phase 2 F+20; discontinued F+40.
 * E3 (person 12): no referral; start F-100, phases 1/2/3 at F-90/F-80/F-10; completed F+30.
 * E4 (person 13, a re-enrolment): referral F+50; start F+60, straight to phase 2 F+61,
 *    paused F+70 (still paused).
 */
static struct programme prog(void)
{
	struct programme p;
	memset(&p, 0, sizeof p);
	p.id = 1;
	p.nphases = 4;
	p.min_steps = 2;
	strcpy(p.phases[0].key, "pre_treatment");
	strcpy(p.phases[1].key, "motivation");
	strcpy(p.phases[2].key, "day_treatment");
	p.phases[2].min_days_per_week = 3;
	strcpy(p.phases[3].key, "aftercare");
	return p;
}

static void whole_report(void **state)
{
	(void)state;
	const int32_t F = D(2026, 1, 1), T = D(2026, 3, 31);
	assert_int_equal(T, F + 89);
	struct store_report_enrolment en[] = {
		{ 1, 10, "active", F, DATE_NONE, F - 10, false },
		{ 2, 11, "discontinued", F + 4, F + 40, F + 2, false },
		{ 3, 12, "completed", F - 100, F + 30, DATE_NONE, false },
		{ 4, 13, "paused", F + 60, DATE_NONE, F + 50, true },
	};
	/* Given out of order on purpose: the figures must not depend on it. */
	struct store_report_event ev[] = {
		{ 4, "pause", 2, F + 70 },	  { 1, "start", 0, F },	      { 1, "phase", 1, F + 5 },
		{ 1, "phase", 2, F + 12 },	  { 2, "start", 0, F + 4 },   { 2, "phase", 1, F + 10 },
		{ 2, "phase", 2, F + 20 },	  { 2, "discontinue", 2, F + 40 }, { 3, "start", 0, F - 100 },
		{ 3, "phase", 1, F - 90 },	  { 3, "phase", 2, F - 80 },  { 3, "phase", 3, F - 10 },
		{ 3, "complete", 3, F + 30 },	  { 4, "start", 0, F + 60 },  { 4, "phase", 2, F + 61 },
	};
	/* Referrals received in the period: nav F+2 (3 Jan), gp F+50 (20 Feb), nav F+70
	 * (12 Mar), dps F+89 (31 Mar). By source: nav 2, then dps 1 and gp 1 by key. By month:
	 * January 1, February 1, March 2. */
	struct store_report_referral rf[] = {
		{ "nav", "NAV", F + 2 }, { "gp", "", F + 50 }, { "nav", "NAV", F + 70 }, { "dps", "DPS", F + 89 },
	};
	/* Attended days.
	 * E1 is in phase 2 from F+12 to T: 78 exposure days; attends F+12 … F+45, 34 days, and
	 *    F+6 (phase 1, not counted). 34 * 7 = 238 >= 3 * 78 = 234: meets the minimum;
	 *    238 / 78 = 3.05 days a week: bin [3, 4).
	 * E2 is in phase 2 from F+20 to F+40: 21 days; attends F+20 … F+25, 6 days:
	 *    42 / 21 = 2.0 a week, below 3; bin [2, 3).
	 * E3 is in aftercare all period: no exposure, not counted.
	 * E4 is in phase 2 from F+61 and paused from F+70: F+61 … F+69, 9 days; attends
	 *    F+61 … F+64 (4 days) and F+72 (paused, not counted): 28 / 9 = 3.1 a week, meets
	 *    (28 >= 27); bin [3, 4).
	 * att_n 3, meeting 2, days 34 + 6 + 4 = 44, exposure 78 + 21 + 9 = 108, bins 0 0 1 2 0. */
	struct store_report_day at[64];
	size_t nat = 0;
	at[nat++] = (struct store_report_day){ 1, F + 6 };
	for (int d = 12; d <= 45; d++)
		at[nat++] = (struct store_report_day){ 1, F + d };
	for (int d = 20; d <= 25; d++)
		at[nat++] = (struct store_report_day){ 2, F + d };
	for (int d = 61; d <= 64; d++)
		at[nat++] = (struct store_report_day){ 4, F + d };
	at[nat++] = (struct store_report_day){ 4, F + 72 };
	/* Steps at T (min_steps 2):
	 * E1: step 1 working F+1 → completed F+20; step 2 working F+25.      done: 1
	 * E2: step 1 completed F+15; step 2 completed F+30.                 done: 1, 2 (the minimum)
	 * E3: steps 1, 2 completed F-50, F-40; step 2 reopened (working) F+10; step 3
	 *     completed F+5.                                                 done: 1, 3
	 * E4: step 1 completed T+5 — after the period end, not counted.     done: none
	 * step_done: step 1: 3 (E1, E2, E3), step 2: 1 (E2), step 3: 1 (E3); the minimum: 1. */
	struct store_report_step sp[] = {
		{ 1, 1, "working", F + 1 },	   { 1, 1, "completed", F + 20 }, { 1, 2, "working", F + 25 },
		{ 2, 1, "completed", F + 15 },	   { 2, 2, "completed", F + 30 }, { 3, 1, "completed", F - 50 },
		{ 3, 2, "completed", F - 40 },	   { 3, 2, "working", F + 10 },	  { 3, 3, "completed", F + 5 },
		{ 4, 1, "completed", T + 5 },
	};
	/* Meetings: person 10 F+1, F+8, F+8 (two that day) → 3; person 11 F+2 (before the
	 * start F+4), F+10, F+41 (after the end F+40) → 1; person 13 F+65 → 1. Meetings 5,
	 * persons with a meeting 3. */
	struct store_report_day mt[] = {
		{ 10, F + 1 }, { 10, F + 8 }, { 10, F + 8 }, { 11, F + 2 }, { 11, F + 10 }, { 11, F + 41 }, { 13, F + 65 },
	};
	/* Sponsors: 10 has one since F+20 (counted); 11 temporary (counted apart); 12 has one
	 * since T+10, after the period (not counted); 13 none. */
	struct store_report_sponsor so[] = {
		{ 10, "has_sponsor", F + 20 }, { 11, "temporary", DATE_NONE }, { 12, "has_sponsor", T + 10 }, { 13, "none", DATE_NONE },
	};
	/* Tests: person 10 F+3 negative, F+30 positive; person 11 F+2 (before its start F+4:
	 * not counted), F+35 refused (positive); person 13 F+80 negative. Counted 4, positive
	 * 2. Confirmed relapses: person 11 F+38, person 13 F+70: 2. Per 100 of the 188
	 * treatment days: tests 400 / 188 = 2.128, positive 200 / 188 = 1.064. */
	struct store_report_test ts[] = {
		{ 10, F + 3, false }, { 10, F + 30, true }, { 11, F + 2, true }, { 11, F + 35, true }, { 13, F + 80, false },
	};
	struct store_report_day rl[] = { { 11, F + 38 }, { 13, F + 70 } };
	/* Outcomes (intake: the earliest within 30 days of the start; follow-up: the latest
	 * after it, up to T):
	 * E1 (start F): AUDIT F-5 20, F+60 12, F+80 10: 20 → 10, improved.
	 * E2 (start F+4): AUDIT F+4 15, F+30 18: 15 → 18, worse; DUDIT F+4 8 alone: intake only.
	 * E3 (start F-100): AUDIT F-100 25 alone: intake only; days abstinent F-99 5, F+20 25:
	 *    improved.
	 * E4 (start F+60): days abstinent F+61 10, F+85 8 (worse), F+100 30 (after T: ignored).
	 * AUDIT: intakes 3, pairs 2, sums 35 → 28, mean change -7 / 2 = -3.5, improved 1.
	 * DUDIT: intakes 1, pairs 0 (no mean). Days abstinent: intakes 2, pairs 2, sums 15 →
	 * 33, mean +9, improved 1. */
	struct store_report_outcome oc[] = {
		{ 10, "audit", F - 5, 20 },	      { 10, "audit", F + 60, 12 },	  { 10, "audit", F + 80, 10 },
		{ 11, "audit", F + 4, 15 },	      { 11, "audit", F + 30, 18 },	  { 11, "dudit", F + 4, 8 },
		{ 12, "audit", F - 100, 25 },	      { 12, "days-abstinent", F - 99, 5 }, { 12, "days-abstinent", F + 20, 25 },
		{ 13, "days-abstinent", F + 61, 10 }, { 13, "days-abstinent", F + 85, 8 }, { 13, "days-abstinent", F + 100, 30 },
	};
	struct store_report_rows rows = {
		.tests = ts, .ntests = N(ts), .relapses = rl, .nrelapses = N(rl), .outcomes = oc, .noutcomes = N(oc),
		.from = F, .to = T, .enrolments = en, .nenrolments = N(en), .events = ev, .nevents = N(ev),
		.referrals = rf, .nreferrals = N(rf), .attended = at, .nattended = nat, .steps = sp, .nsteps = N(sp),
		.meetings = mt, .nmeetings = N(mt), .sponsors = so, .nsponsors = N(so),
	};
	struct programme p = prog();
	struct report_figures f;
	assert_int_equal(report_compute(&p, &rows, &f), 0);

	assert_int_equal(f.enrolments, 4);
	assert_int_equal(f.persons, 4);
	/* Started in the period: E1, E2, E4; re-enrolment E4; completed E3; discontinued E2. */
	assert_int_equal(f.started, 3);
	assert_int_equal(f.reenrolments, 1);
	assert_int_equal(f.completed, 1);
	assert_int_equal(f.discontinued, 1);
	/* Treatment days: E1 F…T 90, E2 F+4…F+40 37, E3 F…F+30 31, E4 F+60…T 30: 188. */
	assert_int_equal(f.treatment_days, 188);

	assert_int_equal(f.referrals, 4);
	assert_int_equal(f.nsources, 3);
	assert_string_equal(f.sources[0].key, "nav");
	assert_int_equal(f.sources[0].n, 2);
	assert_string_equal(f.sources[1].key, "dps");
	assert_string_equal(f.sources[2].key, "gp");
	assert_string_equal(f.sources[2].label, "gp"); /* no label: the key */
	assert_int_equal(f.nmonths, 3);
	assert_int_equal(f.month0, F);
	assert_int_equal(f.months[0], 1);
	assert_int_equal(f.months[1], 1);
	assert_int_equal(f.months[2], 2);

	/* The path (steps: referral, phases 0-3, completed):
	 * referral: 4 received.
	 * phase 0 entered in the period: E1 F (10 days after its referral F-10), E2 F+4 (2 after
	 *   F+2), E4 F+60 (10 after F+50); E3 entered before. 3 reached, days {10, 2, 10}:
	 *   sum 22, median 10.
	 * phase 1: E1 F+5 (5 after F), E2 F+10 (6 after F+4): median 5.5, sum 11.
	 * phase 2: E1 F+12 (7), E2 F+20 (10), E4 F+61 (skipped phase 1: no interval): 3
	 *   reached, 2 intervals, sum 17, median 8.5.
	 * phase 3: entered by E3 before the period: 0.
	 * completed: E3 F+30, 40 days after entering aftercare at F-10. */
	assert_int_equal(f.npath, 6);
	assert_int_equal(f.path[0].reached, 4);
	assert_int_equal(f.path[1].reached, 3);
	assert_int_equal(f.path[1].intervals, 3);
	assert_int_equal(f.path[1].days_sum, 22);
	NEAR(f.path[1].median_days, 10);
	assert_int_equal(f.path[2].reached, 2);
	assert_int_equal(f.path[2].days_sum, 11);
	NEAR(f.path[2].median_days, 5.5);
	assert_int_equal(f.path[3].reached, 3);
	assert_int_equal(f.path[3].intervals, 2);
	assert_int_equal(f.path[3].days_sum, 17);
	NEAR(f.path[3].median_days, 8.5);
	assert_int_equal(f.path[4].reached, 0);
	assert_true(isnan(f.path[4].median_days));
	assert_int_equal(f.path[5].reached, 1);
	NEAR(f.path[5].median_days, 40);

	/* Retention, the enrolments started in the period:
	 * E1 open: censored at T - F = 89; E2 discontinued: event at 40 - 4 = 36; E4 open
	 * (paused): censored at 89 - 60 = 29.
	 * t=29: at risk 3, censored 1, S 1;  t=36: at risk 2, 1 event, S 1/2 → median 36;
	 * t=89: at risk 1, censored 1, S 1/2. */
	assert_int_equal(f.km_n, 3);
	assert_int_equal(f.km_events, 1);
	assert_int_equal(f.km_censored, 2);
	assert_int_equal(f.nkm, 3);
	assert_int_equal(f.km[0].day, 29);
	NEAR(f.km[0].survival, 1.0);
	assert_int_equal(f.km[1].day, 36);
	assert_int_equal(f.km[1].at_risk, 2);
	NEAR(f.km[1].survival, 0.5);
	assert_int_equal(f.km[2].day, 89);
	NEAR(f.km_median, 36);

	/* Attendance: see the attended days above. */
	assert_int_equal(f.att_phase, 2);
	assert_int_equal(f.att_min, 3);
	assert_int_equal(f.att_n, 3);
	assert_int_equal(f.att_meeting, 2);
	assert_int_equal(f.att_days, 44);
	assert_int_equal(f.att_exposure, 108);
	assert_int_equal(f.att_bins[0], 0);
	assert_int_equal(f.att_bins[1], 0);
	assert_int_equal(f.att_bins[2], 1);
	assert_int_equal(f.att_bins[3], 2);
	assert_int_equal(f.att_bins[4], 0);
	/* Pooled: 7 * 44 / 108 = 2.85 days a week. */
	NEAR(report_per_week(f.att_days, f.att_exposure), 7.0 * 44 / 108);

	/* Steps: see above. */
	assert_int_equal(f.steps_n, 4);
	assert_int_equal(f.step_done[0], 3);
	assert_int_equal(f.step_done[1], 1);
	assert_int_equal(f.step_done[2], 1);
	assert_int_equal(f.step_done[3], 0);
	assert_int_equal(f.steps_min_done, 1);

	/* Engagement: 4 persons, sponsor 1, temporary 1, meetings 5 by 3 persons, over the
	 * 188 treatment days: 7 * 5 / 188 = 0.186 a week. */
	assert_int_equal(f.eng_persons, 4);
	assert_int_equal(f.eng_sponsor, 1);
	assert_int_equal(f.eng_temporary, 1);
	assert_int_equal(f.eng_meetings, 5);
	assert_int_equal(f.eng_with_meeting, 3);
	assert_int_equal(f.eng_days, 188);

	assert_int_equal(f.tests, 4);
	assert_int_equal(f.tests_positive, 2);
	assert_int_equal(f.relapses, 2);
	NEAR(report_rate_per_100(f.tests, f.treatment_days), 400.0 / 188);
	NEAR(report_rate_per_100(f.relapses, f.treatment_days), 200.0 / 188);

	assert_int_equal(f.out_baseline[0], 3);
	assert_int_equal(f.out_n[0], 2);
	assert_int_equal(f.out_base_sum[0], 35);
	assert_int_equal(f.out_follow_sum[0], 28);
	assert_int_equal(f.out_improved[0], 1);
	NEAR(report_outcome_mean_change(&f, 0), -3.5);
	assert_int_equal(f.out_baseline[1], 1);
	assert_int_equal(f.out_n[1], 0);
	assert_true(isnan(report_outcome_mean_change(&f, 1)));
	assert_int_equal(f.out_baseline[2], 2);
	assert_int_equal(f.out_n[2], 2);
	assert_int_equal(f.out_base_sum[2], 15);
	assert_int_equal(f.out_follow_sum[2], 33);
	assert_int_equal(f.out_improved[2], 1);
	NEAR(report_outcome_mean_change(&f, 2), 9.0);
	report_figures_release(&f);
}

/* An empty period: every count 0, every median and share undefined, nothing allocated. */
static void empty_report(void **state)
{
	(void)state;
	struct store_report_rows rows = { .from = D(2026, 1, 1), .to = D(2026, 3, 31) };
	struct programme p = prog();
	struct report_figures f;
	assert_int_equal(report_compute(&p, &rows, &f), 0);
	assert_int_equal(f.enrolments, 0);
	assert_int_equal(f.referrals, 0);
	assert_int_equal(f.nkm, 0);
	assert_null(f.km);
	assert_true(isnan(f.km_median));
	assert_true(isnan(f.path[1].median_days));
	assert_int_equal(f.nmonths, 3);
	assert_int_equal(f.att_n, 0);
	report_figures_release(&f);

	/* A programme without a minimum of days a week has no attendance figure. */
	p.phases[2].min_days_per_week = 0;
	assert_int_equal(report_compute(&p, &rows, &f), 0);
	assert_int_equal(f.att_phase, -1);
	report_figures_release(&f);
	/* A programme without phases cannot be reported. */
	p.nphases = 0;
	assert_int_equal(report_compute(&p, &rows, &f), -1);
	report_figures_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median),	  cmocka_unit_test(rates_and_shares), cmocka_unit_test(kaplan_meier),
		cmocka_unit_test(periods),	  cmocka_unit_test(whole_report),     cmocka_unit_test(empty_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
