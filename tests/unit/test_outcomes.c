/* test_outcomes.c: outcome measures (issue 6) — the sex an identity number gives for the
 * cut-offs, the phase days and the due computation on hand-made dates, the default
 * schedule, and the score chart's drawing (zones and points at the right coordinates,
 * escaping, the text alternative). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/outcomes.h"
#include "html/html.h"
#include "html/scorechart.h"

/* ---- sex from identity numbers ---- */

static void test_sex_from_nid(void **state)
{
	(void)state;
	/* Norwegian: the 9th digit (the third of the individual number). */
	assert_int_equal(outcomes_sex_from_nid("no_fnr", "01018012445"), Q_SEX_FEMALE); /* 9th: 4 */
	assert_int_equal(outcomes_sex_from_nid("no_fnr", "01018012355"), Q_SEX_MALE);   /* 9th: 3 */
	assert_int_equal(outcomes_sex_from_nid("no_dnr", "41018000100"), Q_SEX_MALE);   /* 9th: 1 */
	assert_int_equal(outcomes_sex_from_nid("no_dnr", "41018000200"), Q_SEX_FEMALE); /* 9th: 2 */
	/* Swedish, stored as 12 digits: the 9th of the 10-digit form is the 11th here. */
	assert_int_equal(outcomes_sex_from_nid("se_pnr", "198001019802"), Q_SEX_FEMALE); /* 0 */
	assert_int_equal(outcomes_sex_from_nid("se_pnr", "198001019812"), Q_SEX_MALE);   /* 1 */
	assert_int_equal(outcomes_sex_from_nid("se_samnr", "198001619872"), Q_SEX_MALE); /* 7 */
	/* No rule, or a malformed number: unknown. */
	assert_int_equal(outcomes_sex_from_nid("no_hnr", "01418012355"), Q_SEX_UNKNOWN);
	assert_int_equal(outcomes_sex_from_nid("", ""), Q_SEX_UNKNOWN);
	assert_int_equal(outcomes_sex_from_nid("no_fnr", "0101801235"), Q_SEX_UNKNOWN);
	assert_int_equal(outcomes_sex_from_nid("se_pnr", "19800101-9812"), Q_SEX_UNKNOWN);
	assert_int_equal(outcomes_sex_from_nid("no_fnr", "0101801x355"), Q_SEX_UNKNOWN);
	assert_int_equal(outcomes_sex_from_nid(NULL, "01018012355"), Q_SEX_UNKNOWN);
}

/* ---- the due computation ---- */

static int32_t D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static void programme_of(struct programme *p)
{
	memset(p, 0, sizeof *p);
	p->id = 7;
	copy_str(p->template_key, sizeof p->template_key, OUTCOME_DEFAULT_TEMPLATE);
	p->nphases = 4;
	copy_str(p->phases[0].key, sizeof p->phases[0].key, "pre_treatment");
	copy_str(p->phases[1].key, sizeof p->phases[1].key, "motivation");
	copy_str(p->phases[2].key, sizeof p->phases[2].key, "day_treatment");
	copy_str(p->phases[3].key, sizeof p->phases[3].key, "aftercare");
}

static struct enrolment_event ev(int64_t enr, const char *kind, int from, int to, int32_t day)
{
	struct enrolment_event e;
	memset(&e, 0, sizeof e);
	e.enrolment_id = enr;
	copy_str(e.kind, sizeof e.kind, kind);
	e.from_phase = from;
	e.to_phase = to;
	e.on_day = day;
	return e;
}

static struct outcome_result res(int64_t id, int64_t person, const char *q, int32_t day)
{
	struct outcome_result r;
	memset(&r, 0, sizeof r);
	r.id = id;
	r.person_id = person;
	copy_str(r.questionnaire, sizeof r.questionnaire, q);
	r.taken_on = day;
	return r;
}

static const struct outcome_due *find(const struct outcome_due *d, size_t n, const char *label, const char *q)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].point->label, label) && !strcmp(d[i].questionnaire, q))
			return &d[i];
	return NULL;
}

static void test_phase_days(void **state)
{
	(void)state;
	struct enrolment e = { .id = 3, .phase = 3, .started_on = D(2025, 1, 6), .phase_since = D(2025, 5, 5) };
	struct enrolment_event evs[] = {
		ev(3, "start", -1, 0, D(2025, 1, 6)),
		ev(3, "phase", 0, 1, D(2025, 1, 20)),
		ev(3, "phase", 1, 2, D(2025, 2, 3)),
		ev(9, "phase", 2, 3, D(2025, 3, 1)), /* another enrolment's: ignored */
		ev(3, "pause", -1, -1, D(2025, 3, 10)),
		ev(3, "phase", 2, 3, D(2025, 5, 5)),
	};
	int32_t start[STORE_PHASES_MAX], end[STORE_PHASES_MAX];
	outcomes_phase_days(&e, evs, 6, start, end);
	assert_int_equal(start[0], D(2025, 1, 6));
	assert_int_equal(end[0], D(2025, 1, 20));
	assert_int_equal(start[1], D(2025, 1, 20));
	assert_int_equal(start[2], D(2025, 2, 3));
	assert_int_equal(end[2], D(2025, 5, 5));
	assert_int_equal(start[3], D(2025, 5, 5));
	assert_int_equal(end[3], DATE_NONE);
	assert_int_equal(start[4], DATE_NONE);

	/* No events at all: the current phase started on phase_since. */
	struct enrolment f = { .id = 4, .phase = 2, .started_on = D(2025, 1, 6), .phase_since = D(2025, 2, 1) };
	outcomes_phase_days(&f, NULL, 0, start, end);
	assert_int_equal(start[2], D(2025, 2, 1));
	assert_int_equal(start[0], DATE_NONE);
}

static void test_due(void **state)
{
	(void)state;
	struct programme prog;
	programme_of(&prog);
	struct outcome_point pts[8];
	size_t npts = outcomes_default_schedule(pts, 8);
	assert_int_equal(npts, 4);
	for (size_t i = 0; i < npts; i++) {
		pts[i].id = (int64_t)i + 1;
		pts[i].programme_id = prog.id;
	}
	assert_string_equal(pts[0].anchor, "start");
	assert_string_equal(pts[1].phase_key, "day_treatment");
	assert_string_equal(pts[3].questionnaires, "audit,dudit,days-abstinent");

	struct enrolment e = { .id = 3, .person_id = 11, .programme_id = prog.id, .phase = 3,
			       .started_on = D(2025, 1, 6), .phase_since = D(2025, 5, 5) };
	int32_t start[STORE_PHASES_MAX], end[STORE_PHASES_MAX];
	for (int i = 0; i < STORE_PHASES_MAX; i++)
		start[i] = end[i] = DATE_NONE;
	start[0] = D(2025, 1, 6);
	start[2] = D(2025, 2, 3);
	end[2] = D(2025, 5, 5);
	start[3] = D(2025, 5, 5);

	struct outcome_result rs[] = {
		res(100, 11, "audit", D(2025, 1, 10)),        /* inside intake's window */
		res(101, 11, "dudit", D(2024, 12, 1)),        /* before it */
		res(102, 11, "days-abstinent", D(2025, 1, 8)), /* inside, but entered in error */
		res(103, 12, "dudit", D(2025, 1, 8)),         /* somebody else's */
		res(104, 11, "dudit", D(2025, 6, 30)),        /* late, but names the point */
	};
	rs[2].error_at = 1;
	rs[4].point_id = 2;
	rs[4].enrolment_id = 3;
	struct outcome_due d[32];
	int32_t today = D(2025, 5, 10);
	size_t n = outcomes_due_for(pts, npts, &prog, &e, start, end, rs, 5, today, d, 32);
	assert_int_equal(n, 12);

	const struct outcome_due *x = find(d, n, "At intake", "audit");
	assert_non_null(x);
	assert_int_equal(x->state, OUTCOME_DONE);
	assert_int_equal(x->result_id, 100);
	assert_int_equal(x->due_on, D(2025, 1, 6));
	assert_int_equal(x->from, D(2024, 12, 23));
	assert_int_equal(x->to, D(2025, 1, 20));
	assert_int_equal(find(d, n, "At intake", "dudit")->state, OUTCOME_OVERDUE);
	assert_int_equal(find(d, n, "At intake", "days-abstinent")->state, OUTCOME_OVERDUE);

	x = find(d, n, "End of day treatment", "audit");
	assert_int_equal(x->state, OUTCOME_DUE);
	assert_int_equal(x->due_on, D(2025, 5, 5));
	assert_int_equal(x->to, D(2025, 5, 19));
	x = find(d, n, "End of day treatment", "dudit");
	assert_int_equal(x->state, OUTCOME_DONE); /* named by result 104 */
	assert_int_equal(x->result_id, 104);

	x = find(d, n, "6 months in aftercare", "audit");
	assert_int_equal(x->state, OUTCOME_UPCOMING);
	assert_int_equal(x->due_on, D(2025, 11, 5));
	assert_int_equal(x->from, D(2025, 10, 6));
	x = find(d, n, "12 months in aftercare", "days-abstinent");
	assert_int_equal(x->due_on, D(2026, 5, 5));

	/* The window edges: the last day inside is due, the day after overdue. */
	n = outcomes_due_for(pts, npts, &prog, &e, start, end, rs, 5, D(2025, 5, 19), d, 32);
	assert_int_equal(find(d, n, "End of day treatment", "audit")->state, OUTCOME_DUE);
	n = outcomes_due_for(pts, npts, &prog, &e, start, end, rs, 5, D(2025, 5, 20), d, 32);
	assert_int_equal(find(d, n, "End of day treatment", "audit")->state, OUTCOME_OVERDUE);
	n = outcomes_due_for(pts, npts, &prog, &e, start, end, rs, 5, D(2025, 10, 5), d, 32);
	assert_int_equal(find(d, n, "6 months in aftercare", "audit")->state, OUTCOME_UPCOMING);
	n = outcomes_due_for(pts, npts, &prog, &e, start, end, rs, 5, D(2025, 10, 6), d, 32);
	assert_int_equal(find(d, n, "6 months in aftercare", "audit")->state, OUTCOME_DUE);

	/* Still in day treatment: its end is not known, so neither that point nor aftercare's. */
	struct enrolment g = e;
	g.phase = 2;
	end[2] = DATE_NONE;
	start[3] = DATE_NONE;
	n = outcomes_due_for(pts, npts, &prog, &g, start, end, rs, 5, today, d, 32);
	assert_int_equal(n, 3);
	assert_null(find(d, n, "End of day treatment", "audit"));

	/* Another programme's points are skipped; the capacity is kept. */
	g.programme_id = 8;
	assert_int_equal(outcomes_due_for(pts, npts, &prog, &g, start, end, rs, 5, today, d, 32), 0);
	assert_int_equal(outcomes_due_for(pts, npts, &prog, &e, start, end, rs, 5, today, d, 2), 2);

	/* Months are calendar months: 31 Aug + 6 months is 28 Feb. */
	struct outcome_point p = pts[2];
	start[3] = D(2025, 8, 31);
	n = outcomes_due_for(&p, 1, &prog, &e, start, end, NULL, 0, today, d, 32);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].due_on, D(2026, 2, 28));
}

static void test_anchor_labels(void **state)
{
	(void)state;
	assert_non_null(outcomes_anchor_label("start"));
	assert_non_null(outcomes_anchor_label("phase_end"));
	assert_null(outcomes_anchor_label("nope"));
	assert_null(outcomes_anchor_label(NULL));
}

/* ---- the chart ---- */

static bool has(const struct buf *b, const char *s)
{
	return b->data && strstr(b->data, s) != NULL;
}

static void test_chart_geometry(void **state)
{
	(void)state;
	struct scorechart_zone zones[] = { { 0, 7, "Zone I" }, { 8, 15, "Zone II" }, { 16, 19, "Zone III" },
					   { 20, 40, "Zone IV" } };
	struct scorechart_point pts[] = { { D(2025, 1, 1), 0, "Zone I" }, { D(2025, 1, 11), 20, "Zone IV" },
					  { D(2025, 1, 21), 40, "Zone IV" } };
	struct scorechart c = { .id = "c1", .title = "AUDIT", .min = 0, .max = 40, .zones = zones, .nzones = 4,
				.points = pts, .npoints = 3, .lang = LANG_EN };
	double left = SC_LEFT, right = SC_WIDTH - SC_RIGHT, top = SC_TOP, bottom = SC_HEIGHT - SC_BOTTOM;
	assert_true(fabs(scorechart_x(&c, D(2025, 1, 1)) - (left + SC_PAD)) < 1e-9);
	assert_true(fabs(scorechart_x(&c, D(2025, 1, 21)) - (right - SC_PAD)) < 1e-9);
	assert_true(fabs(scorechart_x(&c, D(2025, 1, 11)) - (left + right) / 2) < 1e-9);
	assert_true(fabs(scorechart_y(&c, 0) - bottom) < 1e-9);
	assert_true(fabs(scorechart_y(&c, 40) - top) < 1e-9);
	assert_true(fabs(scorechart_y(&c, 20) - (top + bottom) / 2) < 1e-9);
	assert_true(fabs(scorechart_y(&c, 99) - top) < 1e-9); /* clamped */

	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	scorechart_svg(&w, &c);
	/* Zone I is the band from 0 to 8: y from bottom - 8/40 of the height, 36 high. */
	char s[160];
	snprintf(s, sizeof s, "<rect class=\"tolv-zone\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", left,
		 scorechart_y(&c, 8), right - left, bottom - scorechart_y(&c, 8));
	assert_true(has(&b, s));
	/* Zone IV runs to the top (20 to 40, not 41). */
	snprintf(s, sizeof s, "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", top, right - left,
		 scorechart_y(&c, 20) - top);
	assert_true(has(&b, s));
	/* Every zone is labelled in text, and bands after the first are patterned. */
	assert_true(has(&b, ">Zone III</text>"));
	assert_true(has(&b, "fill=\"url(#c1-p1)\""));
	/* The middle point. */
	snprintf(s, sizeof s, "<circle class=\"tolv-score\" cx=\"%.1f\" cy=\"%.1f\"", (left + right) / 2,
		 (top + bottom) / 2);
	assert_true(has(&b, s));
	assert_true(has(&b, "<polyline"));
	/* The text alternative. */
	assert_true(has(&b, "role=\"img\""));
	assert_true(has(&b, "aria-labelledby=\"c1-title c1-desc\""));
	assert_true(has(&b, "<desc id=\"c1-desc\">2025-01-01: 0 (Zone I); 2025-01-11: 20 (Zone IV); "
			    "2025-01-21: 40 (Zone IV).</desc>"));
	assert_false(has(&b, "style="));
	buf_release(&b);
}

static void test_chart_escaping(void **state)
{
	(void)state;
	struct scorechart_zone zones[] = { { 0, 30, "<script>'\"&" } };
	struct scorechart_point pts[] = { { D(2025, 3, 1), 12, "<b>zone</b>" } };
	struct scorechart c = { .id = "bad\"id<", .title = "<t>&", .min = 0, .max = 30, .zones = zones, .nzones = 1,
				.points = pts, .npoints = 1, .lang = LANG_EN };
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	scorechart_svg(&w, &c);
	scorechart_table(&w, &c, "<caption>");
	assert_false(has(&b, "<script>"));
	assert_false(has(&b, "<b>"));
	assert_false(has(&b, "<t>"));
	assert_false(has(&b, "bad\"id"));
	assert_true(has(&b, "&lt;script&gt;"));
	assert_true(has(&b, "id=\"scorechart-title\"")); /* a bad id falls back */
	/* One point: in the middle; no line. */
	char s[96];
	snprintf(s, sizeof s, "cx=\"%.1f\"", SC_LEFT + (SC_WIDTH - SC_LEFT - SC_RIGHT) / 2.0);
	assert_true(has(&b, s));
	assert_false(has(&b, "<polyline"));
	assert_true(has(&b, "<th scope=\"row\">2025-03-01</th><td>12</td>"));
	buf_release(&b);

	/* No points: a sentence, no SVG. */
	c.npoints = 0;
	struct buf e = BUF_INIT;
	html_init(&w, &e);
	scorechart_svg(&w, &c);
	assert_false(has(&e, "<svg"));
	buf_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sex_from_nid),   cmocka_unit_test(test_phase_days),
		cmocka_unit_test(test_due),	       cmocka_unit_test(test_anchor_labels),
		cmocka_unit_test(test_chart_geometry), cmocka_unit_test(test_chart_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
