/* test_store_report.c: the programme report end to end on the store (issue 7) — a small
 * programme history built through the store's own verbs (referrals, enrolments and their
 * changes, attendance, steps, meetings, a sponsor), read back with store_report_rows()
 * and computed with report_compute(), every figure checked against answers worked out by
 * hand below; another organisation's programme is not found and its rows never leak in.
 * Runs unchanged on SQLite and PostgreSQL (TOLV_TEST_DB, as for test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/report.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static int64_t therapist;

static int64_t referral(int64_t org, int64_t prog, int64_t person, const char *source, int32_t day)
{
	struct referral r = { .person_id = person, .programme_id = prog, .received_on = day, .created_by = therapist };
	copy_str(r.source_key, sizeof r.source_key, source);
	assert_int_equal(store_referral_create(st, org, &r), STORE_OK);
	return r.id;
}

static void enrol(int64_t org, int64_t prog, int64_t person, int64_t ref, int32_t day, struct enrolment *e)
{
	*e = enrolment_of(person, prog, therapist, day);
	e->referral_id = ref;
	struct enrolment_event ev = event_of("start", -1, 0, day, therapist);
	int rc = store_enrolment_create(st, org, e, &ev);
	if (rc)
		fprintf(stderr, "enrolment_create: %s\n", store_last_error());
	assert_int_equal(rc, STORE_OK);
}

/* Applies one change to e as the domain would, and stores it. */
static void change(int64_t org, struct enrolment *e, const char *kind, int to_phase, int32_t day)
{
	int from = e->phase;
	if (!strcmp(kind, "phase")) {
		e->phase = to_phase;
		e->phase_since = day;
	} else if (!strcmp(kind, "pause")) {
		copy_str(e->status, sizeof e->status, "paused");
		e->paused_since = day;
		e->pauses++;
	} else if (!strcmp(kind, "discontinue")) {
		copy_str(e->status, sizeof e->status, "discontinued");
		copy_str(e->reason_key, sizeof e->reason_key, "dropped_out");
		e->paused_since = DATE_NONE;
		e->ended_on = day;
	}
	e->last_change_on = day;
	struct enrolment_event ev = event_of(kind, from, e->phase, day, therapist);
	int rc = store_enrolment_change(st, org, e, e->version, &ev);
	if (rc)
		fprintf(stderr, "enrolment_change: %s\n", store_last_error());
	assert_int_equal(rc, STORE_OK);
}

static void attend(int64_t org, int64_t prog, int64_t enrolment, int32_t day)
{
	struct att_session se = { .programme_id = prog, .on_day = day, .start_min = 600, .end_min = 720 };
	copy_str(se.kind, sizeof se.kind, "individual");
	copy_str(se.phase_key, sizeof se.phase_key, "day_treatment");
	assert_int_equal(store_att_session_create(st, org, &se), STORE_OK);
	struct attendance a = { .enrolment_id = enrolment, .attended = true, .minutes = 120 };
	assert_int_equal(store_attendance_save(st, org, se.id, &a, 1, therapist, NULL, NULL), STORE_OK);
}

static void step_completed(int64_t org, int64_t enrolment, int step, const char *status, int32_t day)
{
	struct store_step s = { .step = step, .since = day, .confirmed_by = therapist, .changes = 1 };
	copy_str(s.status, sizeof s.status, status);
	struct store_step_event ev = { .on_day = day, .by_user = therapist };
	copy_str(ev.from_status, sizeof ev.from_status, "not_started");
	copy_str(ev.to_status, sizeof ev.to_status, status);
	assert_int_equal(store_step_change(st, org, enrolment, &s, 0, &ev), STORE_OK);
}

static void meeting(int64_t org, int64_t person, int32_t day)
{
	struct fac_meeting m = { .person_id = person, .on_day = day, .by_user = therapist };
	copy_str(m.name, sizeof m.name, "AA Sentrum");
	copy_str(m.source, sizeof m.source, "person_reported");
	assert_int_equal(store_fac_meeting_add(st, org, &m), STORE_OK);
}

static void sob_test(int64_t org, int64_t person, const char *kind, const char *outcome, int permille, int32_t day)
{
	struct sob_test t = { .person_id = person, .taken_at = 1767225600 + (int64_t)(day - date_from_ymd(2026, 1, 1)) * 86400,
			      .on_day = day, .taken_by = therapist, .recorded_by = therapist, .permille = permille,
			      .lab_sent_on = DATE_NONE };
	copy_str(t.kind, sizeof t.kind, kind);
	copy_str(t.outcome, sizeof t.outcome, outcome);
	if (!strcmp(kind, "drug"))
		copy_str(t.sample, sizeof t.sample, "urine");
	int rc = store_sob_test_create(st, org, &t);
	if (rc)
		fprintf(stderr, "sob_test_create: %s\n", store_last_error());
	assert_int_equal(rc, STORE_OK);
}

static void relapse(int64_t org, int64_t person, int32_t day, bool confirm)
{
	struct store_relapse r = { .person_id = person, .on_day = day, .created_by = therapist, .updated_by = therapist,
				   .conversation_on = DATE_NONE, .physician_on = DATE_NONE, .detox_on = DATE_NONE,
				   .paused_on = DATE_NONE, .resumed_on = DATE_NONE };
	copy_str(r.source, sizeof r.source, "told");
	copy_str(r.status, sizeof r.status, "draft");
	int rc = store_relapse_create(st, org, &r);
	if (rc)
		fprintf(stderr, "relapse_create: %s\n", store_last_error());
	assert_int_equal(rc, STORE_OK);
	if (confirm) {
		copy_str(r.status, sizeof r.status, "confirmed");
		r.decided_by = therapist;
		rc = store_relapse_update(st, org, &r, "draft", false, DATE_NONE);
		if (rc)
			fprintf(stderr, "relapse_update: %s\n", store_last_error());
		assert_int_equal(rc, STORE_OK);
	}
}

static int64_t outcome(int64_t org, int64_t person, const char *q, int32_t day, int total)
{
	struct outcome_result o = { .person_id = person, .version = 1, .taken_on = day, .total = total, .positive = -1,
				    .entered_by = therapist };
	copy_str(o.questionnaire, sizeof o.questionnaire, q);
	copy_str(o.answers, sizeof o.answers, "1");
	if (!strcmp(q, "days-abstinent"))
		copy_str(o.days, sizeof o.days, "111111111111111111111111111111");
	int rc = store_outcome_add(st, org, &o);
	if (rc)
		fprintf(stderr, "outcome_add: %s\n", store_last_error());
	assert_int_equal(rc, STORE_OK);
	return o.id;
}

/*
 * The history (F = 1 Jan 2026, T = 31 Mar 2026 = F + 89; the day-treatment programme of
 * the fixtures: phases 0 pre-treatment, 1 motivation, 2 day treatment with at least 3
 * days a week, 3 aftercare; min_steps 12):
 * p1: referral nav F-10 (before the period); E1 from it: start F, phase 1 F+5, phase 2
 *     F+12, open. Attends F+12 … F+33 (22 days). Step 1 completed F+20. Meetings F+1, F+8.
 *     Sponsor since F+20.
 * p2: referral gp F+2 (no programme set: it counts through E2); E2 from it: start F+4, phase 1 F+10, phase 2 F+20, discontinued
 *     F+40. Attends F+20 … F+28 (9 days). Step 1 completed F+15, step 2 working F+30.
 *     A meeting at F+2, before the start: not counted.
 * p3: E3a F-200 … discontinued F-150 (before the period: not counted); E3 (a
 *     re-enrolment, no referral): start F+60, phase 2 F+61, paused F+70.
 * A referral nav F+70 to the programme without an enrolment; a referral F-30 (before the
 * period); a referral akan F+10 with neither a programme nor an enrolment (not counted).
 * Tests: p1 breath F+3 0.00 (negative), F+30 0.20 (positive); p2 drug refused F+2 (before
 * its start: not counted), breath refused F+35 (positive); p3 breath F+80 0.00. Counted
 * 4, positive 2. Relapses: p2 F+38 and p3 F+70 confirmed; p1 F+50 a draft (not counted).
 * Outcomes: p1 AUDIT F-5 20, F+60 12, F+80 2 entered in error (ignored): 20 → 12, improved;
 * p3 days abstinent F+61 10, F+85 8: worse. AUDIT: 1 pair, mean -8, improved 1; days
 * abstinent: 1 pair, mean -2, improved 0; DUDIT: none.
 * The other organisation: a programme, a referral and an enrolment in the period.
 */
static void test_report_end_to_end(void **state)
{
	(void)state;
	const int32_t F = date_from_ymd(2026, 1, 1), T = date_from_ymd(2026, 3, 31);
	int64_t org = make_org("report"), other = make_org("report-other");
	therapist = make_member(org, "report@report.test", "therapist");
	int64_t prog = make_programme(org, "Day");
	int64_t p1 = make_person(org, "Kari", "Nordmann", date_from_ymd(1980, 1, 1));
	int64_t p2 = make_person(org, "Per", "Hansen", date_from_ymd(1981, 1, 1));
	int64_t p3 = make_person(org, "Ola", "Berg", date_from_ymd(1982, 1, 1));

	struct enrolment e1, e2, e3a, e3;
	int64_t r1 = referral(org, prog, p1, "nav", F - 10);
	enrol(org, prog, p1, r1, F, &e1);
	change(org, &e1, "phase", 1, F + 5);
	change(org, &e1, "phase", 2, F + 12);
	for (int d = 12; d <= 33; d++)
		attend(org, prog, e1.id, F + d);
	step_completed(org, e1.id, 1, "completed", F + 20);
	meeting(org, p1, F + 1);
	meeting(org, p1, F + 8);
	struct fac_profile fp = { .person_id = p1, .sponsor_since = F + 20, .updated_by = therapist };
	copy_str(fp.sponsor, sizeof fp.sponsor, "has_sponsor");
	assert_int_equal(store_fac_profile_set(st, org, &fp), STORE_OK);

	int64_t r2 = referral(org, 0, p2, "gp", F + 2); /* no programme: counted through E2 */
	referral(org, 0, 0, "akan", F + 10);            /* no programme, no enrolment: not counted */
	enrol(org, prog, p2, r2, F + 4, &e2);
	change(org, &e2, "phase", 1, F + 10);
	change(org, &e2, "phase", 2, F + 20);
	for (int d = 20; d <= 28; d++)
		attend(org, prog, e2.id, F + d);
	change(org, &e2, "discontinue", -1, F + 40);
	step_completed(org, e2.id, 1, "completed", F + 15);
	step_completed(org, e2.id, 2, "working", F + 30);
	meeting(org, p2, F + 2);

	enrol(org, prog, p3, 0, F - 200, &e3a);
	change(org, &e3a, "discontinue", -1, F - 150);
	enrol(org, prog, p3, 0, F + 60, &e3);
	change(org, &e3, "phase", 2, F + 61);
	change(org, &e3, "pause", -1, F + 70);

	sob_test(org, p1, "breath", "done", 0, F + 3);
	sob_test(org, p1, "breath", "done", 20, F + 30);
	sob_test(org, p2, "drug", "refused", -1, F + 2);
	sob_test(org, p2, "breath", "refused", -1, F + 35);
	sob_test(org, p3, "breath", "done", 0, F + 80);
	relapse(org, p2, F + 38, true);
	relapse(org, p3, F + 70, true);
	relapse(org, p1, F + 50, false);
	outcome(org, p1, "audit", F - 5, 20);
	outcome(org, p1, "audit", F + 60, 12);
	int64_t wrong = outcome(org, p1, "audit", F + 80, 2);
	assert_int_equal(store_outcome_mark_error(st, org, wrong, therapist, 1767225600, "Wrong person"), STORE_OK);
	outcome(org, p3, "days-abstinent", F + 61, 10);
	outcome(org, p3, "days-abstinent", F + 85, 8);

	referral(org, prog, 0, "nav", F + 70);
	referral(org, prog, 0, "nav", F - 30);

	int64_t saved = therapist;
	therapist = make_member(other, "report-x@report.test", "therapist");
	int64_t oprog = make_programme(other, "Day");
	int64_t op = make_person(other, "Eva", "Lie", date_from_ymd(1983, 1, 1));
	int64_t oref = referral(other, oprog, op, "nav", F + 3);
	struct enrolment oe;
	enrol(other, oprog, op, oref, F + 5, &oe);
	therapist = saved;

	/* Another organisation's programme: not found, from either side. */
	struct store_report_rows rows;
	assert_int_equal(store_report_rows(st, org, oprog, F, T, &rows), STORE_NOTFOUND);
	store_report_rows_free(&rows);
	assert_int_equal(store_report_rows(st, other, prog, F, T, &rows), STORE_NOTFOUND);
	store_report_rows_free(&rows);
	assert_int_equal(store_report_rows(st, org, prog, T, F, &rows), STORE_INVALID);
	store_report_rows_free(&rows);

	assert_int_equal(store_report_rows(st, org, prog, F, T, &rows), STORE_OK);
	/* The rows: E1, E2, E3 (not E3a); E3 is flagged as a re-enrolment. */
	assert_int_equal(rows.nenrolments, 3);
	assert_int_equal(rows.enrolments[0].id, e1.id);
	assert_int_equal(rows.enrolments[0].referral_on, F - 10);
	assert_false(rows.enrolments[0].reenrolment);
	assert_int_equal(rows.enrolments[2].id, e3.id);
	assert_true(rows.enrolments[2].reenrolment);
	assert_int_equal(rows.enrolments[2].referral_on, DATE_NONE);
	assert_int_equal(rows.nreferrals, 2);
	assert_string_equal(rows.referrals[0].source_key, "gp");
	assert_string_equal(rows.referrals[0].source_label, "General practitioner");
	assert_int_equal(rows.nattended, 22 + 9);
	assert_int_equal(rows.nmeetings, 3); /* p1 twice, p2 once (the figures drop it) */
	assert_int_equal(rows.nsponsors, 1);
	assert_int_equal(rows.ntests, 5);     /* the figures drop p2's test before its start */
	assert_int_equal(rows.nrelapses, 2);  /* confirmed only */
	assert_int_equal(rows.noutcomes, 4);  /* not the one entered in error */

	struct programme p;
	assert_int_equal(store_programme_get(st, org, prog, &p), STORE_OK);
	struct report_figures f;
	assert_int_equal(report_compute(&p, &rows, &f), 0);
	store_report_rows_free(&rows);

	assert_int_equal(f.enrolments, 3);
	assert_int_equal(f.persons, 3);
	assert_int_equal(f.started, 3);
	assert_int_equal(f.reenrolments, 1);
	assert_int_equal(f.completed, 0);
	assert_int_equal(f.discontinued, 1);
	/* E1 F…T 90 + E2 F+4…F+40 37 + E3 F+60…T 30 = 157. */
	assert_int_equal(f.treatment_days, 157);
	/* Referrals in the period: gp F+2 (January), nav F+70 (March). */
	assert_int_equal(f.referrals, 2);
	assert_int_equal(f.nsources, 2);
	assert_string_equal(f.sources[0].key, "gp");
	assert_string_equal(f.sources[1].key, "nav");
	assert_int_equal(f.nmonths, 3);
	assert_int_equal(f.months[0], 1);
	assert_int_equal(f.months[1], 0);
	assert_int_equal(f.months[2], 1);
	/* Path: phase 0: E1 (10 days after F-10), E2 (2 after F+2), E3 (no referral): 3
	 * reached, median of {10, 2} = 6. Phase 1: E1 5, E2 6: 5.5. Phase 2: E1 7, E2 10, E3
	 * skipped phase 1: 3 reached, 2 intervals, median 8.5. Aftercare, completion: 0. */
	assert_int_equal(f.path[0].reached, 2);
	assert_int_equal(f.path[1].reached, 3);
	assert_int_equal(f.path[1].intervals, 2);
	NEAR(f.path[1].median_days, 6);
	NEAR(f.path[2].median_days, 5.5);
	assert_int_equal(f.path[3].reached, 3);
	assert_int_equal(f.path[3].intervals, 2);
	NEAR(f.path[3].median_days, 8.5);
	assert_int_equal(f.path[4].reached, 0);
	assert_int_equal(f.path[5].reached, 0);
	/* Retention: E1 censored at 89, E2 left at 36, E3 censored at 29: S(36) = 1/2. */
	assert_int_equal(f.km_n, 3);
	assert_int_equal(f.km_events, 1);
	assert_int_equal(f.nkm, 3);
	NEAR(f.km[1].survival, 0.5);
	NEAR(f.km_median, 36);
	/* Attendance in day treatment: E1 22 of 78 days (1.97 a week: below, bin [1, 2));
	 * E2 9 of 21 (3.0: meets, bin [3, 4)); E3 0 of 9 (F+61 … F+69; bin [0, 1)). */
	assert_int_equal(f.att_phase, 2);
	assert_int_equal(f.att_n, 3);
	assert_int_equal(f.att_meeting, 1);
	assert_int_equal(f.att_days, 31);
	assert_int_equal(f.att_exposure, 108);
	assert_int_equal(f.att_bins[0], 1);
	assert_int_equal(f.att_bins[1], 1);
	assert_int_equal(f.att_bins[2], 0);
	assert_int_equal(f.att_bins[3], 1);
	/* Steps: step 1 completed by E1 and E2; step 2 only worked on; minimum 12: none. */
	assert_int_equal(f.steps_n, 3);
	assert_int_equal(f.step_done[0], 2);
	assert_int_equal(f.step_done[1], 0);
	assert_int_equal(f.steps_min_done, 0);
	/* Engagement: 3 persons, 1 sponsor, meetings 2 (p1's), over 157 days. */
	assert_int_equal(f.eng_persons, 3);
	assert_int_equal(f.eng_sponsor, 1);
	assert_int_equal(f.eng_meetings, 2);
	assert_int_equal(f.eng_with_meeting, 1);
	assert_int_equal(f.eng_days, 157);
	/* Tests, relapses, outcomes: see the history. */
	assert_int_equal(f.tests, 4);
	assert_int_equal(f.tests_positive, 2);
	assert_int_equal(f.relapses, 2);
	assert_int_equal(f.out_baseline[0], 1);
	assert_int_equal(f.out_n[0], 1);
	assert_int_equal(f.out_base_sum[0], 20);
	assert_int_equal(f.out_follow_sum[0], 12);
	assert_int_equal(f.out_improved[0], 1);
	assert_int_equal(f.out_n[1], 0);
	assert_int_equal(f.out_n[2], 1);
	assert_int_equal(f.out_improved[2], 0);
	NEAR(report_outcome_mean_change(&f, 2), -2.0);
	report_figures_release(&f);

	/* The quarter before (1 Oct – 31 Dec 2025): no enrolment open (E3a ended in August),
	 * the two referrals of F-30 and F-10. */
	assert_int_equal(store_report_rows(st, org, prog, date_from_ymd(2025, 10, 1), F - 1, &rows), STORE_OK);
	assert_int_equal(rows.nenrolments, 0);
	assert_int_equal(rows.nreferrals, 2);
	store_report_rows_free(&rows);
	/* The other organisation sees its own only. */
	assert_int_equal(store_report_rows(st, other, oprog, F, T, &rows), STORE_OK);
	assert_int_equal(rows.nenrolments, 1);
	assert_int_equal(rows.enrolments[0].id, oe.id);
	assert_int_equal(rows.nreferrals, 1);
	store_report_rows_free(&rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_end_to_end),
	};
	return store_test_run("report", tests, sizeof tests / sizeof tests[0]);
}
