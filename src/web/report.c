/* report.c: the programme report (issue 7) — /programmes/{id}/report for a period and a
 * comparison period, each figure as a server-drawn SVG chart with its data table and a
 * text alternative, and /programmes/{id}/report.csv?table=<name> exporting any of those
 * tables. The page and the CSV write every table through the same functions (struct tw),
 * so the CSV always holds what the table shows.
 *
 * The figures are aggregates only (domain/report.h): no person is named or linked, so
 * the read is audited once as "programme.report" (detail: the periods, the table, the
 * enrolment count), not per person. */
#include "web/web.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "domain/report.h"
#include "html/charts.h"
#include "html/form.h"
#include "html/layout.h"
#include "web/csv.h"

/* ---- the periods of the query ---- */

struct periods {
	int32_t from, to, cmp_from, cmp_to; /* cmp_from DATE_NONE: no comparison */
};

/* One date field: absent or "" → DATE_NONE; a bad one is an error on that field. */
static int32_t date_field(struct req *r, const char *name, struct form_errors *fe)
{
	const char *s = query_get(r, name);
	int32_t d = DATE_NONE;
	if (!s || !*s)
		return DATE_NONE;
	if (strlen(s) > 10 || date_parse(s, &d) != 0) {
		form_error(fe, name, N_("Enter the date as YYYY-MM-DD."));
		return DATE_NONE;
	}
	return d;
}

/* Without from and to: the last full quarter against the one before. With them: that
 * period, against cmp_from–cmp_to when both are given (none when both are empty). */
static void parse_periods(struct req *r, struct periods *p, struct form_errors *fe)
{
	p->from = date_field(r, "from", fe);
	p->to = date_field(r, "to", fe);
	p->cmp_from = date_field(r, "cmp_from", fe);
	p->cmp_to = date_field(r, "cmp_to", fe);
	if (fe->n)
		return;
	const char *qf = query_get(r, "from"), *qt = query_get(r, "to");
	bool given = (qf && *qf) || (qt && *qt);
	if (!given) {
		int32_t f, t, cf, ct;
		report_default_periods(date_today_cet(), &f, &t, &cf, &ct);
		p->from = f;
		p->to = t;
		if (p->cmp_from == DATE_NONE && p->cmp_to == DATE_NONE) {
			p->cmp_from = cf;
			p->cmp_to = ct;
		}
	}
	/* Figures can only be known up to today: a period that runs on is counted until today
	 * (the page shows the period counted). */
	int32_t today = date_today_cet();
	if (p->from != DATE_NONE && p->from > today)
		form_error(fe, "from", N_("The period has not begun yet."));
	if (p->cmp_from != DATE_NONE && p->cmp_from > today)
		form_error(fe, "cmp_from", N_("The period has not begun yet."));
	if (p->to != DATE_NONE && p->to > today && p->from != DATE_NONE && p->from <= p->to)
		p->to = today;
	if (p->cmp_to != DATE_NONE && p->cmp_to > today && p->cmp_from != DATE_NONE && p->cmp_from <= p->cmp_to)
		p->cmp_to = today;
	if (fe->n)
		return;
	if (p->from == DATE_NONE)
		form_error(fe, "from", N_("Enter the start of the period."));
	if (p->to == DATE_NONE)
		form_error(fe, "to", N_("Enter the end of the period."));
	if (fe->n)
		return;
	const char *m = report_period_check(p->from, p->to);
	if (m)
		form_error(fe, p->to < p->from ? "to" : "from", m);
	if ((p->cmp_from == DATE_NONE) != (p->cmp_to == DATE_NONE)) {
		form_error(fe, p->cmp_from == DATE_NONE ? "cmp_from" : "cmp_to",
			   N_("Enter both dates of the comparison period, or neither."));
	} else if (p->cmp_from != DATE_NONE) {
		m = report_period_check(p->cmp_from, p->cmp_to);
		if (m)
			form_error(fe, p->cmp_to < p->cmp_from ? "cmp_to" : "cmp_from", m);
	}
}

static void period_query(const struct periods *p, struct buf *q)
{
	char a[11], b[11];
	date_format(p->from, a);
	date_format(p->to, b);
	buf_addf(q, "from=%s&to=%s", a, b);
	if (p->cmp_from != DATE_NONE) {
		date_format(p->cmp_from, a);
		date_format(p->cmp_to, b);
		buf_addf(q, "&cmp_from=%s&cmp_to=%s", a, b);
	}
}

static void period_text(int32_t from, int32_t to, char out[32])
{
	char a[11], b[11];
	date_format(from, a);
	date_format(to, b);
	snprintf(out, 32, "%s – %s", a, b);
}

/* ---- one table, written as HTML or as CSV ---- */

struct tw {
	struct req *r;
	struct html *w;  /* HTML, or NULL */
	struct buf *csv; /* CSV, or NULL */
	int col;
};

static void tw_begin(struct tw *t, const char *caption)
{
	t->col = 0;
	if (t->w) {
		html_raw(t->w, "<div class=\"tolv-report-table\"><table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(t->w, caption);
		html_raw(t->w, "</caption>\n");
	}
}

static void tw_head_begin(struct tw *t)
{
	t->col = 0;
	if (t->w)
		html_raw(t->w, "<thead><tr>");
}

static void tw_head(struct tw *t, const char *label)
{
	if (t->w) {
		html_raw(t->w, "<th scope=\"col\">");
		html_text(t->w, label);
		html_raw(t->w, "</th>");
	} else {
		if (t->col)
			buf_addch(t->csv, ',');
		csv_cell(t->csv, label);
	}
	t->col++;
}

static void tw_head_end(struct tw *t)
{
	if (t->w)
		html_raw(t->w, "</tr></thead>\n<tbody>\n");
	else
		buf_adds(t->csv, "\r\n");
}

/* A row starts with its label (a row header in HTML). */
static void tw_row(struct tw *t, const char *label)
{
	t->col = 1;
	if (t->w) {
		html_raw(t->w, "<tr><th scope=\"row\">");
		html_text(t->w, label);
		html_raw(t->w, "</th>");
	} else {
		csv_cell(t->csv, label);
	}
}

static void tw_sep(struct tw *t)
{
	if (!t->w && t->col)
		buf_addch(t->csv, ',');
	t->col++;
}

static void tw_int(struct tw *t, int64_t v)
{
	tw_sep(t);
	if (t->w) {
		html_raw(t->w, "<td class=\"tolv-num\">");
		html_int(t->w, v);
		html_raw(t->w, "</td>");
	} else {
		buf_addf(t->csv, "%" PRId64, v);
	}
}

/* A number with one decimal; NAN is "–" on the page and empty in the CSV. The CSV uses
 * a decimal point in every language (for programs), the page the language's comma. */
static void tw_num(struct tw *t, double v)
{
	tw_sep(t);
	char s[32];
	if (t->w) {
		if (isfinite(v))
			att_number(t->r, v, s, sizeof s);
		else
			snprintf(s, sizeof s, "–");
		html_raw(t->w, "<td class=\"tolv-num\">");
		html_text(t->w, s);
		html_raw(t->w, "</td>");
	} else if (isfinite(v)) {
		snprintf(s, sizeof s, "%.1f", v);
		buf_adds(t->csv, s);
	}
}

static void tw_row_end(struct tw *t)
{
	if (t->w)
		html_raw(t->w, "</tr>\n");
	else
		buf_adds(t->csv, "\r\n");
}

static void tw_end(struct tw *t)
{
	if (t->w)
		html_raw(t->w, "</tbody>\n</table></div>\n");
}

/* The value columns: "This period" and, with a comparison, "Comparison period". */
static void head_periods(struct tw *t, const struct report *rp, const char *what)
{
	struct buf b = BUF_INIT;
	char p[32];
	period_text(rp->cur.from, rp->cur.to, p);
	buf_addf(&b, "%s (%s)", what, p);
	tw_head(t, b.data);
	if (rp->has_cmp) {
		buf_reset(&b);
		period_text(rp->cmp.from, rp->cmp.to, p);
		buf_addf(&b, "%s (%s)", what, p);
		tw_head(t, b.data);
	}
	buf_release(&b);
}

#define BOTH_INT(t, rp, field)                      \
	do {                                        \
		tw_int((t), (rp)->cur.field);       \
		if ((rp)->has_cmp)                  \
			tw_int((t), (rp)->cmp.field); \
	} while (0)
#define BOTH_NUM(t, rp, expr_cur, expr_cmp)   \
	do {                                  \
		tw_num((t), (expr_cur));      \
		if ((rp)->has_cmp)            \
			tw_num((t), (expr_cmp)); \
	} while (0)

/* ---- the tables ---- */

static void table_overview(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "The programme in the period"));
	tw_head_begin(t);
	tw_head(t, T(r, "Figure"));
	head_periods(t, rp, T(r, "Count"));
	tw_head_end(t);
	tw_row(t, T(r, "Enrolments open in the period"));
	BOTH_INT(t, rp, enrolments);
	tw_row_end(t);
	tw_row(t, T(r, "Persons"));
	BOTH_INT(t, rp, persons);
	tw_row_end(t);
	tw_row(t, T(r, "Enrolments started"));
	BOTH_INT(t, rp, started);
	tw_row_end(t);
	tw_row(t, T(r, "Re-enrolments among them"));
	BOTH_INT(t, rp, reenrolments);
	tw_row_end(t);
	tw_row(t, T(r, "Completed the programme"));
	BOTH_INT(t, rp, completed);
	tw_row_end(t);
	tw_row(t, T(r, "Left early (discontinued)"));
	BOTH_INT(t, rp, discontinued);
	tw_row_end(t);
	tw_row(t, T(r, "Treatment days"));
	BOTH_INT(t, rp, treatment_days);
	tw_row_end(t);
	tw_row(t, T(r, "Referrals received"));
	BOTH_INT(t, rp, referrals);
	tw_row_end(t);
	tw_row(t, T(r, "Certified therapists in the organisation (at the period's end)"));
	BOTH_INT(t, rp, certified_staff);
	tw_row_end(t);
	tw_end(t);
}

/* The sources of both periods: the current period's order, then the comparison's others. */
static size_t merged_sources(const struct report *rp, const struct report_source **out)
{
	size_t n = 0;
	for (size_t i = 0; i < rp->cur.nsources; i++)
		out[n++] = &rp->cur.sources[i];
	for (size_t i = 0; rp->has_cmp && i < rp->cmp.nsources; i++) {
		bool seen = false;
		for (size_t k = 0; k < rp->cur.nsources && !seen; k++)
			seen = !strcmp(rp->cur.sources[k].key, rp->cmp.sources[i].key);
		if (!seen)
			out[n++] = &rp->cmp.sources[i];
	}
	return n;
}

static int64_t source_count(const struct report_figures *f, const char *key)
{
	for (size_t i = 0; i < f->nsources; i++)
		if (!strcmp(f->sources[i].key, key))
			return f->sources[i].n;
	return 0;
}

static void table_sources(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	const struct report_source **src = xmalloc((rp->cur.nsources + rp->cmp.nsources + 1) * sizeof *src);
	size_t n = merged_sources(rp, src);
	tw_begin(t, T(r, "Referrals by source"));
	tw_head_begin(t);
	tw_head(t, T(r, "Referral source"));
	head_periods(t, rp, T(r, "Referrals"));
	tw_head_end(t);
	for (size_t i = 0; i < n; i++) {
		tw_row(t, T(r, src[i]->label)); /* the default sources' labels are msgids */
		tw_int(t, source_count(&rp->cur, src[i]->key));
		if (rp->has_cmp)
			tw_int(t, source_count(&rp->cmp, src[i]->key));
		tw_row_end(t);
	}
	tw_row(t, T(r, "Total"));
	BOTH_INT(t, rp, referrals);
	tw_row_end(t);
	tw_end(t);
	free(src);
}

static void month_label(int32_t month0, int k, char out[11])
{
	char d[11];
	date_format(date_add_months(month0, k), d);
	memcpy(out, d, 7); /* YYYY-MM */
	out[7] = '\0';
}

static void table_months(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Referrals per month"));
	tw_head_begin(t);
	tw_head(t, T(r, "Month"));
	tw_head(t, T(r, "Referrals"));
	tw_head_end(t);
	for (int k = 0; k < rp->cur.nmonths; k++) {
		char m[11];
		month_label(rp->cur.month0, k, m);
		tw_row(t, m);
		tw_int(t, rp->cur.months[k]);
		tw_row_end(t);
	}
	tw_end(t);
}

/* The label of path step k: referral, the phases, completion. */
static const char *path_label(struct req *r, const struct programme *p, int k)
{
	if (k == 0)
		return T(r, "Referral received");
	if (k <= p->nphases)
		return T(r, p->phases[k - 1].label);
	return T(r, "Completed the programme");
}

static void table_path(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "The path through the programme: people reaching each step, and median days from the "
			 "step before"));
	tw_head_begin(t);
	tw_head(t, T(r, "Stage of the path"));
	head_periods(t, rp, T(r, "Reached"));
	head_periods(t, rp, T(r, "Known intervals"));
	head_periods(t, rp, T(r, "Median days from the step before"));
	tw_head_end(t);
	for (int k = 0; k < rp->cur.npath; k++) {
		tw_row(t, path_label(r, &rp->p, k));
		BOTH_INT(t, rp, path[k].reached);
		BOTH_INT(t, rp, path[k].intervals);
		BOTH_NUM(t, rp, rp->cur.path[k].median_days, rp->cmp.path[k].median_days);
		tw_row_end(t);
	}
	tw_end(t);
}

static void table_retention(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Retention: still in treatment by days since the start (Kaplan–Meier)"));
	tw_head_begin(t);
	tw_head(t, T(r, "Period"));
	tw_head(t, T(r, "Day"));
	tw_head(t, T(r, "At risk"));
	tw_head(t, T(r, "Left early (discontinued)"));
	tw_head(t, T(r, "Censored"));
	tw_head(t, T(r, "Still in treatment (%)"));
	tw_head_end(t);
	for (int s = 0; s < (rp->has_cmp ? 2 : 1); s++) {
		const struct report_figures *f = s ? &rp->cmp : &rp->cur;
		char p[32];
		period_text(f->from, f->to, p);
		for (size_t i = 0; i < f->nkm; i++) {
			tw_row(t, p);
			tw_int(t, f->km[i].day);
			tw_int(t, f->km[i].at_risk);
			tw_int(t, f->km[i].events);
			tw_int(t, f->km[i].censored);
			tw_num(t, 100.0 * f->km[i].survival);
			tw_row_end(t);
		}
	}
	tw_end(t);
}

static void table_retention_summary(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Retention of the enrolments started in the period"));
	tw_head_begin(t);
	tw_head(t, T(r, "Figure"));
	head_periods(t, rp, T(r, "Value"));
	tw_head_end(t);
	tw_row(t, T(r, "Enrolments started"));
	BOTH_INT(t, rp, km_n);
	tw_row_end(t);
	tw_row(t, T(r, "Left early (discontinued)"));
	BOTH_INT(t, rp, km_events);
	tw_row_end(t);
	tw_row(t, T(r, "Censored (completed, or still in treatment at the period end)"));
	BOTH_INT(t, rp, km_censored);
	tw_row_end(t);
	tw_row(t, T(r, "Median days until leaving early"));
	BOTH_NUM(t, rp, rp->cur.km_median, rp->cmp.km_median);
	tw_row_end(t);
	tw_end(t);
}

static const char *const bin_labels[REPORT_ATT_BINS] = {
	N_("Under 1 day a week"), N_("1 to under 2 days a week"), N_("2 to under 3 days a week"),
	N_("3 to under 4 days a week"), N_("4 days a week or more"),
};

static void table_attendance(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Attendance against the minimum days a week"));
	tw_head_begin(t);
	tw_head(t, T(r, "Figure"));
	head_periods(t, rp, T(r, "Value"));
	tw_head_end(t);
	tw_row(t, T(r, "Enrolments with at least a week in the phase"));
	BOTH_INT(t, rp, att_n);
	tw_row_end(t);
	tw_row(t, T(r, "Attending at least the minimum"));
	BOTH_INT(t, rp, att_meeting);
	tw_row_end(t);
	tw_row(t, T(r, "Share attending at least the minimum (%)"));
	BOTH_NUM(t, rp, report_share(rp->cur.att_meeting, rp->cur.att_n),
		 report_share(rp->cmp.att_meeting, rp->cmp.att_n));
	tw_row_end(t);
	tw_row(t, T(r, "Days attended"));
	BOTH_INT(t, rp, att_days);
	tw_row_end(t);
	tw_row(t, T(r, "Days in the phase (not paused)"));
	BOTH_INT(t, rp, att_exposure);
	tw_row_end(t);
	tw_row(t, T(r, "Days attended a week (all together)"));
	BOTH_NUM(t, rp, report_per_week(rp->cur.att_days, rp->cur.att_exposure),
		 report_per_week(rp->cmp.att_days, rp->cmp.att_exposure));
	tw_row_end(t);
	for (int b = 0; b < REPORT_ATT_BINS; b++) {
		tw_row(t, T(r, bin_labels[b]));
		BOTH_INT(t, rp, att_bins[b]);
		tw_row_end(t);
	}
	tw_end(t);
}

static void table_steps(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Steps completed by the end of the period"));
	tw_head_begin(t);
	tw_head(t, T(r, "Step"));
	head_periods(t, rp, T(r, "Completed"));
	head_periods(t, rp, T(r, "Share (%)"));
	tw_head_end(t);
	for (int s = 0; s < 12; s++) {
		char label[48];
		snprintf(label, sizeof label, T(r, "Step %d"), s + 1);
		tw_row(t, label);
		BOTH_INT(t, rp, step_done[s]);
		BOTH_NUM(t, rp, report_share(rp->cur.step_done[s], rp->cur.steps_n),
			 report_share(rp->cmp.step_done[s], rp->cmp.steps_n));
		tw_row_end(t);
	}
	if (rp->p.min_steps > 0) {
		char label[96];
		snprintf(label, sizeof label, T(r, "Completed the minimum (steps 1–%d)"), rp->p.min_steps);
		tw_row(t, label);
		BOTH_INT(t, rp, steps_min_done);
		BOTH_NUM(t, rp, report_share(rp->cur.steps_min_done, rp->cur.steps_n),
			 report_share(rp->cmp.steps_min_done, rp->cmp.steps_n));
		tw_row_end(t);
	}
	tw_row(t, T(r, "Enrolments open in the period"));
	BOTH_INT(t, rp, steps_n);
	BOTH_NUM(t, rp, report_share(rp->cur.steps_n, rp->cur.steps_n), report_share(rp->cmp.steps_n, rp->cmp.steps_n));
	tw_row_end(t);
	tw_end(t);
}

static void table_engagement(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Engagement in mutual-help groups"));
	tw_head_begin(t);
	tw_head(t, T(r, "Figure"));
	head_periods(t, rp, T(r, "Value"));
	tw_head_end(t);
	tw_row(t, T(r, "Persons"));
	BOTH_INT(t, rp, eng_persons);
	tw_row_end(t);
	tw_row(t, T(r, "With a sponsor by the period end"));
	BOTH_INT(t, rp, eng_sponsor);
	tw_row_end(t);
	tw_row(t, T(r, "Share with a sponsor (%)"));
	BOTH_NUM(t, rp, report_share(rp->cur.eng_sponsor, rp->cur.eng_persons),
		 report_share(rp->cmp.eng_sponsor, rp->cmp.eng_persons));
	tw_row_end(t);
	tw_row(t, T(r, "With a temporary sponsor"));
	BOTH_INT(t, rp, eng_temporary);
	tw_row_end(t);
	tw_row(t, T(r, "With at least one meeting logged"));
	BOTH_INT(t, rp, eng_with_meeting);
	tw_row_end(t);
	tw_row(t, T(r, "Share with at least one meeting (%)"));
	BOTH_NUM(t, rp, report_share(rp->cur.eng_with_meeting, rp->cur.eng_persons),
		 report_share(rp->cmp.eng_with_meeting, rp->cmp.eng_persons));
	tw_row_end(t);
	tw_row(t, T(r, "Meetings logged"));
	BOTH_INT(t, rp, eng_meetings);
	tw_row_end(t);
	tw_row(t, T(r, "Treatment days"));
	BOTH_INT(t, rp, eng_days);
	tw_row_end(t);
	tw_row(t, T(r, "Meetings a week (all together)"));
	BOTH_NUM(t, rp, report_per_week(rp->cur.eng_meetings, rp->cur.eng_days),
		 report_per_week(rp->cmp.eng_meetings, rp->cmp.eng_days));
	tw_row_end(t);
	tw_end(t);
}

static void table_tests(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Tests and relapses on treatment days"));
	tw_head_begin(t);
	tw_head(t, T(r, "Figure"));
	head_periods(t, rp, T(r, "Value"));
	tw_head_end(t);
	tw_row(t, T(r, "Treatment days"));
	BOTH_INT(t, rp, treatment_days);
	tw_row_end(t);
	tw_row(t, T(r, "Tests taken"));
	BOTH_INT(t, rp, tests);
	tw_row_end(t);
	tw_row(t, T(r, "Tests positive or refused"));
	BOTH_INT(t, rp, tests_positive);
	tw_row_end(t);
	tw_row(t, T(r, "Confirmed relapses"));
	BOTH_INT(t, rp, relapses);
	tw_row_end(t);
	tw_row(t, T(r, "Tests per 100 treatment days"));
	BOTH_NUM(t, rp, report_rate_per_100(rp->cur.tests, rp->cur.treatment_days),
		 report_rate_per_100(rp->cmp.tests, rp->cmp.treatment_days));
	tw_row_end(t);
	tw_row(t, T(r, "Positive or refused tests per 100 treatment days"));
	BOTH_NUM(t, rp, report_rate_per_100(rp->cur.tests_positive, rp->cur.treatment_days),
		 report_rate_per_100(rp->cmp.tests_positive, rp->cmp.treatment_days));
	tw_row_end(t);
	tw_row(t, T(r, "Relapses per 100 treatment days"));
	BOTH_NUM(t, rp, report_rate_per_100(rp->cur.relapses, rp->cur.treatment_days),
		 report_rate_per_100(rp->cmp.relapses, rp->cmp.treatment_days));
	tw_row_end(t);
	tw_end(t);
}

static const char *const outcome_labels[REPORT_OUTCOMES] = { N_("AUDIT (alcohol)"), N_("DUDIT (drugs)"),
							      N_("Days abstinent (of the last 30)") };

static double mean_of(int64_t sum, int64_t n)
{
	return n > 0 ? (double)sum / (double)n : NAN;
}

static void table_outcomes(struct tw *t, const struct report *rp)
{
	struct req *r = t->r;
	tw_begin(t, T(r, "Outcome change from intake to the latest follow-up"));
	tw_head_begin(t);
	tw_head(t, T(r, "Period"));
	tw_head(t, T(r, "Questionnaire"));
	tw_head(t, T(r, "With an intake result"));
	tw_head(t, T(r, "With a follow-up too"));
	tw_head(t, T(r, "Mean at intake"));
	tw_head(t, T(r, "Mean at follow-up"));
	tw_head(t, T(r, "Mean change"));
	tw_head(t, T(r, "Improved"));
	tw_head(t, T(r, "Share improved (%)"));
	tw_head_end(t);
	for (int s = 0; s < (rp->has_cmp ? 2 : 1); s++) {
		const struct report_figures *f = s ? &rp->cmp : &rp->cur;
		char p[32];
		period_text(f->from, f->to, p);
		for (int k = 0; k < REPORT_OUTCOMES; k++) {
			tw_row(t, p);
			tw_sep(t);
			if (t->w) {
				html_raw(t->w, "<td>");
				html_text(t->w, T(r, outcome_labels[k]));
				html_raw(t->w, "</td>");
			} else {
				csv_cell(t->csv, T(r, outcome_labels[k]));
			}
			tw_int(t, f->out_baseline[k]);
			tw_int(t, f->out_n[k]);
			tw_num(t, mean_of(f->out_base_sum[k], f->out_n[k]));
			tw_num(t, mean_of(f->out_follow_sum[k], f->out_n[k]));
			tw_num(t, report_outcome_mean_change(f, k));
			tw_int(t, f->out_improved[k]);
			tw_num(t, report_share(f->out_improved[k], f->out_n[k]));
			tw_row_end(t);
		}
	}
	tw_end(t);
}

struct table_def {
	const char *name; /* ?table= and the CSV file name */
	void (*write)(struct tw *t, const struct report *rp);
};
static const struct table_def tables[] = {
	{ "overview", table_overview },	  { "sources", table_sources },
	{ "months", table_months },	  { "path", table_path },
	{ "retention", table_retention }, { "retention_summary", table_retention_summary },
	{ "attendance", table_attendance }, { "steps", table_steps },
	{ "engagement", table_engagement }, { "tests", table_tests },
	{ "outcomes", table_outcomes },
};
#define NTABLES (sizeof tables / sizeof tables[0])

/* ---- the page ---- */

static void csv_link(struct html *w, struct req *r, const struct report *rp, const struct periods *pp,
		     const char *table)
{
	struct buf u = BUF_INIT;
	buf_addf(&u, "/programmes/%" PRId64 "/report.csv?table=%s&", rp->p.id, table);
	period_query(pp, &u);
	html_raw(w, "<p class=\"tolv-noprint\"><a class=\"ds-link\" download");
	html_attr(w, "href", u.data);
	html_raw(w, ">");
	html_text(w, T(r, "Download the table as CSV"));
	html_raw(w, "</a></p>\n");
	buf_release(&u);
}

static void section(struct html *w, struct req *r, const char *heading)
{
	html_raw(w, "</section>\n<section class=\"tolv-report-section\">\n<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, heading);
	html_raw(w, "</h2>\n");
}

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

static void write_table(struct html *w, struct req *r, const struct report *rp, const char *name)
{
	for (size_t i = 0; i < NTABLES; i++)
		if (!strcmp(tables[i].name, name)) {
			struct tw t = { .r = r, .w = w };
			tables[i].write(&t, rp);
		}
}

/* "label: value; label: value …" for a chart's <desc>; values of the comparison in
 * brackets. */
static void desc_add(struct buf *d, struct req *r, const char *label, double v, double cv, bool cmp,
		     const char *unit)
{
	char a[32], b[32];
	if (isfinite(v))
		att_number(r, v, a, sizeof a);
	else
		snprintf(a, sizeof a, "–");
	if (d->len)
		buf_adds(d, "; ");
	buf_addf(d, "%s: %s%s", label, a, isfinite(v) ? unit : "");
	if (cmp) {
		if (isfinite(cv))
			att_number(r, cv, b, sizeof b);
		else
			snprintf(b, sizeof b, "–");
		buf_addf(d, " (%s %s%s)", T(r, "comparison"), b, isfinite(cv) ? unit : "");
	}
}

static void series_names(const struct report *rp, char cur[32], char cmp[32])
{
	period_text(rp->cur.from, rp->cur.to, cur);
	period_text(rp->cmp.from, rp->cmp.to, cmp);
}

static void chart_sources(struct html *w, struct req *r, const struct report *rp)
{
	const struct report_source **src = xmalloc((rp->cur.nsources + rp->cmp.nsources + 1) * sizeof *src);
	size_t n = merged_sources(rp, src);
	if (n == 0) {
		para(w, T(r, "No referrals were received in the period."));
		free(src);
		return;
	}
	const char **cats = xmalloc(n * sizeof *cats);
	double *v1 = xmalloc(n * sizeof *v1), *v2 = xmalloc(n * sizeof *v2);
	struct buf d = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		cats[i] = T(r, src[i]->label);
		v1[i] = (double)source_count(&rp->cur, src[i]->key);
		v2[i] = (double)source_count(&rp->cmp, src[i]->key);
		desc_add(&d, r, cats[i], v1[i], v2[i], rp->has_cmp, "");
	}
	char c1[32], c2[32];
	series_names(rp, c1, c2);
	struct chart_series s[] = { { c1, v1, NULL }, { c2, v2, NULL } };
	chart_bars(w, "chart-sources", T(r, "Referrals by source"), d.data, cats, n, s, rp->has_cmp ? 2 : 1, 0);
	buf_release(&d);
	free(cats);
	free(v1);
	free(v2);
	free(src);
}

static void chart_months(struct html *w, struct req *r, const struct report *rp)
{
	int n = rp->cur.nmonths;
	char (*labels)[11] = xmalloc((size_t)n * sizeof *labels);
	const char **xl = xmalloc((size_t)n * sizeof *xl);
	double *v = xmalloc((size_t)n * sizeof *v);
	struct buf d = BUF_INIT;
	for (int k = 0; k < n; k++) {
		month_label(rp->cur.month0, k, labels[k]);
		xl[k] = labels[k];
		v[k] = (double)rp->cur.months[k];
		desc_add(&d, r, xl[k], v[k], NAN, false, "");
	}
	struct chart_series s[] = { { T(r, "Referrals"), v, NULL } };
	chart_lines(w, "chart-months", T(r, "Referrals per month"), d.data, xl, (size_t)n, s, 1, T(r, "Referrals"));
	buf_release(&d);
	free(labels);
	free(xl);
	free(v);
}

static void chart_path(struct html *w, struct req *r, const struct report *rp)
{
	int n = rp->cur.npath;
	const char *cats[REPORT_PATH_MAX];
	double v1[REPORT_PATH_MAX], v2[REPORT_PATH_MAX];
	struct buf d = BUF_INIT;
	for (int k = 0; k < n; k++) {
		cats[k] = path_label(r, &rp->p, k);
		v1[k] = (double)rp->cur.path[k].reached;
		v2[k] = (double)rp->cmp.path[k].reached;
		desc_add(&d, r, cats[k], v1[k], v2[k], rp->has_cmp, "");
	}
	char c1[32], c2[32];
	series_names(rp, c1, c2);
	struct chart_series s[] = { { c1, v1, NULL }, { c2, v2, NULL } };
	chart_bars(w, "chart-path", T(r, "People reaching each step of the path"), d.data, cats, (size_t)n, s,
		   rp->has_cmp ? 2 : 1, 0);
	buf_release(&d);
}

static void chart_retention(struct html *w, struct req *r, const struct report *rp)
{
	if (rp->cur.nkm == 0 && (!rp->has_cmp || rp->cmp.nkm == 0)) {
		para(w, T(r, "No enrolments started in the period."));
		return;
	}
	struct chart_curve c[2];
	double *xs[2] = { 0 }, *ys[2] = { 0 }, *cs[2] = { 0 };
	char names[2][32];
	series_names(rp, names[0], names[1]);
	double xmax = 1;
	struct buf d = BUF_INIT;
	int nc = rp->has_cmp ? 2 : 1;
	for (int s = 0; s < nc; s++) {
		const struct report_figures *f = s ? &rp->cmp : &rp->cur;
		size_t n = f->nkm;
		xs[s] = xmalloc((n + 1) * sizeof(double));
		ys[s] = xmalloc((n + 1) * sizeof(double));
		cs[s] = xmalloc((n + 1) * sizeof(double));
		for (size_t i = 0; i < n; i++) {
			xs[s][i] = f->km[i].day;
			ys[s][i] = f->km[i].survival;
			cs[s][i] = (double)f->km[i].censored;
			if (xs[s][i] > xmax)
				xmax = xs[s][i];
		}
		c[s] = (struct chart_curve){ names[s], xs[s], ys[s], cs[s], n };
		char a[32], b[32], m[32];
		snprintf(a, sizeof a, "%" PRId64, f->km_n);
		snprintf(b, sizeof b, "%" PRId64, f->km_events);
		if (isfinite(f->km_median))
			att_number(r, f->km_median, m, sizeof m);
		else
			snprintf(m, sizeof m, "%s", T(r, "not reached"));
		if (d.len)
			buf_adds(&d, " ");
		struct buf one = BUF_INIT;
		buf_addf(&one, T(r, "%s: %s started, %s left early; median days until leaving early: %s; still in "
				    "treatment at the last day shown: "),
			 names[s], a, b, m);
		char last[32];
		if (n)
			att_number(r, 100.0 * f->km[n - 1].survival, last, sizeof last);
		else
			snprintf(last, sizeof last, "–");
		buf_addf(&one, "%s %%.", last);
		buf_adds(&d, one.data);
		buf_release(&one);
	}
	chart_steps(w, "chart-retention", T(r, "Retention (Kaplan–Meier)"), d.data, c, (size_t)nc, xmax,
		    T(r, "Days since the start"), T(r, "Still in treatment"));
	buf_release(&d);
	for (int s = 0; s < 2; s++) {
		free(xs[s]);
		free(ys[s]);
		free(cs[s]);
	}
}

static void chart_attendance(struct html *w, struct req *r, const struct report *rp)
{
	const char *cats[REPORT_ATT_BINS];
	double v1[REPORT_ATT_BINS], v2[REPORT_ATT_BINS];
	struct buf d = BUF_INIT;
	for (int b = 0; b < REPORT_ATT_BINS; b++) {
		cats[b] = T(r, bin_labels[b]);
		v1[b] = (double)rp->cur.att_bins[b];
		v2[b] = (double)rp->cmp.att_bins[b];
		desc_add(&d, r, cats[b], v1[b], v2[b], rp->has_cmp, "");
	}
	char c1[32], c2[32];
	series_names(rp, c1, c2);
	struct chart_series s[] = { { c1, v1, NULL }, { c2, v2, NULL } };
	chart_bars(w, "chart-attendance", T(r, "Enrolments by days attended a week"), d.data, cats, REPORT_ATT_BINS, s,
		   rp->has_cmp ? 2 : 1, 0);
	buf_release(&d);
}

static void chart_steps_done(struct html *w, struct req *r, const struct report *rp)
{
	const char *cats[12];
	char labels[12][48];
	double v1[12], v2[12];
	struct buf d = BUF_INIT;
	for (int s = 0; s < 12; s++) {
		snprintf(labels[s], sizeof labels[s], T(r, "Step %d"), s + 1);
		cats[s] = labels[s];
		v1[s] = report_share(rp->cur.step_done[s], rp->cur.steps_n);
		v2[s] = report_share(rp->cmp.step_done[s], rp->cmp.steps_n);
		desc_add(&d, r, cats[s], v1[s], v2[s], rp->has_cmp, " %");
	}
	char c1[32], c2[32];
	series_names(rp, c1, c2);
	char t1[12][40], t2[12][40];
	const char *p1[12], *p2[12];
	for (int s = 0; s < 12; s++) {
		char a[32];
		if (isfinite(v1[s]))
			att_number(r, v1[s], a, sizeof a);
		else
			snprintf(a, sizeof a, "–");
		snprintf(t1[s], sizeof t1[s], "%s %%", a);
		if (isfinite(v2[s]))
			att_number(r, v2[s], a, sizeof a);
		else
			snprintf(a, sizeof a, "–");
		snprintf(t2[s], sizeof t2[s], "%s %%", a);
		p1[s] = t1[s];
		p2[s] = t2[s];
	}
	struct chart_series s[] = { { c1, v1, p1 }, { c2, v2, p2 } };
	chart_bars(w, "chart-steps", T(r, "Share who completed each step (%)"), d.data, cats, 12, s,
		   rp->has_cmp ? 2 : 1, 100);
	buf_release(&d);
}

static void chart_engagement(struct html *w, struct req *r, const struct report *rp)
{
	const char *cats[2] = { T(r, "With a sponsor"), T(r, "With at least one meeting logged") };
	double v1[2] = { report_share(rp->cur.eng_sponsor, rp->cur.eng_persons),
			 report_share(rp->cur.eng_with_meeting, rp->cur.eng_persons) };
	double v2[2] = { report_share(rp->cmp.eng_sponsor, rp->cmp.eng_persons),
			 report_share(rp->cmp.eng_with_meeting, rp->cmp.eng_persons) };
	struct buf d = BUF_INIT;
	char t1[2][40], t2[2][40];
	const char *p1[2], *p2[2];
	for (int i = 0; i < 2; i++) {
		desc_add(&d, r, cats[i], v1[i], v2[i], rp->has_cmp, " %");
		char a[32];
		if (isfinite(v1[i]))
			att_number(r, v1[i], a, sizeof a);
		else
			snprintf(a, sizeof a, "–");
		snprintf(t1[i], sizeof t1[i], "%s %%", a);
		if (isfinite(v2[i]))
			att_number(r, v2[i], a, sizeof a);
		else
			snprintf(a, sizeof a, "–");
		snprintf(t2[i], sizeof t2[i], "%s %%", a);
		p1[i] = t1[i];
		p2[i] = t2[i];
	}
	char c1[32], c2[32];
	series_names(rp, c1, c2);
	struct chart_series s[] = { { c1, v1, p1 }, { c2, v2, p2 } };
	chart_bars(w, "chart-engagement", T(r, "Share of persons (%)"), d.data, cats, 2, s, rp->has_cmp ? 2 : 1, 100);
	buf_release(&d);
}

/* The period form; values are the dates to show (the periods in effect, or what was
 * typed when it came back with errors). */
static void chart_tests(struct html *w, struct req *r, const struct report *rp)
{
	const char *cats[3] = { T(r, "Tests per 100 treatment days"),
				T(r, "Positive or refused tests per 100 treatment days"),
				T(r, "Relapses per 100 treatment days") };
	double v1[3] = { report_rate_per_100(rp->cur.tests, rp->cur.treatment_days),
			 report_rate_per_100(rp->cur.tests_positive, rp->cur.treatment_days),
			 report_rate_per_100(rp->cur.relapses, rp->cur.treatment_days) };
	double v2[3] = { report_rate_per_100(rp->cmp.tests, rp->cmp.treatment_days),
			 report_rate_per_100(rp->cmp.tests_positive, rp->cmp.treatment_days),
			 report_rate_per_100(rp->cmp.relapses, rp->cmp.treatment_days) };
	struct buf d = BUF_INIT;
	char t1[3][32], t2[3][32];
	const char *p1[3], *p2[3];
	for (int i = 0; i < 3; i++) {
		desc_add(&d, r, cats[i], v1[i], v2[i], rp->has_cmp, "");
		if (isfinite(v1[i]))
			att_number(r, v1[i], t1[i], sizeof t1[i]);
		else
			snprintf(t1[i], sizeof t1[i], "–");
		if (isfinite(v2[i]))
			att_number(r, v2[i], t2[i], sizeof t2[i]);
		else
			snprintf(t2[i], sizeof t2[i], "–");
		p1[i] = t1[i];
		p2[i] = t2[i];
	}
	char c1[32], c2[32];
	series_names(rp, c1, c2);
	struct chart_series s[] = { { c1, v1, p1 }, { c2, v2, p2 } };
	chart_bars(w, "chart-tests", T(r, "Tests and relapses per 100 treatment days"), d.data, cats, 3, s,
		   rp->has_cmp ? 2 : 1, 0);
	buf_release(&d);
}

static void chart_outcomes(struct html *w, struct req *r, const struct report *rp)
{
	const char *cats[REPORT_OUTCOMES];
	double v1[REPORT_OUTCOMES], v2[REPORT_OUTCOMES];
	char t1[REPORT_OUTCOMES][40], t2[REPORT_OUTCOMES][40];
	const char *p1[REPORT_OUTCOMES], *p2[REPORT_OUTCOMES];
	struct buf d = BUF_INIT;
	for (int k = 0; k < REPORT_OUTCOMES; k++) {
		cats[k] = T(r, outcome_labels[k]);
		v1[k] = report_share(rp->cur.out_improved[k], rp->cur.out_n[k]);
		v2[k] = report_share(rp->cmp.out_improved[k], rp->cmp.out_n[k]);
		desc_add(&d, r, cats[k], v1[k], v2[k], rp->has_cmp, " %");
		char a[32];
		if (isfinite(v1[k]))
			att_number(r, v1[k], a, sizeof a);
		else
			snprintf(a, sizeof a, "–");
		snprintf(t1[k], sizeof t1[k], "%s %%", a);
		if (isfinite(v2[k]))
			att_number(r, v2[k], a, sizeof a);
		else
			snprintf(a, sizeof a, "–");
		snprintf(t2[k], sizeof t2[k], "%s %%", a);
		p1[k] = t1[k];
		p2[k] = t2[k];
	}
	char c1[32], c2[32];
	series_names(rp, c1, c2);
	struct chart_series s[] = { { c1, v1, p1 }, { c2, v2, p2 } };
	chart_bars(w, "chart-outcomes", T(r, "Share improved from intake to the latest follow-up (%)"), d.data, cats,
		   REPORT_OUTCOMES, s, rp->has_cmp ? 2 : 1, 100);
	buf_release(&d);
}

static void period_form(struct html *w, struct req *r, int64_t id, const struct form_errors *fe,
			const char *const values[4])
{
	struct buf action = BUF_INIT;
	buf_addf(&action, "/programmes/%" PRId64 "/report", id);
	html_raw(w, "<form method=\"get\" class=\"tolv-filter tolv-noprint\" novalidate");
	html_attr(w, "action", action.data);
	html_raw(w, ">\n");
	buf_release(&action);
	static const struct {
		const char *name, *label;
	} fields[] = {
		{ "from", N_("Period from") },
		{ "to", N_("Period to") },
		{ "cmp_from", N_("Comparison from") },
		{ "cmp_to", N_("Comparison to") },
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		form_input(w, r, fe,
			   &(struct input){ .name = fields[i].name, .label = T(r, fields[i].label), .type = "date",
					    .value = values[i],
					    .description = i == 2 ? T(r, "Leave both comparison dates empty for no comparison.")
								  : NULL });
	form_button(w, "primary", T(r, "Show"));
	html_raw(w, "</form>\n");
}

void report_get(struct req *r)
{
	struct periods pp;
	struct form_errors fe = { 0 };
	parse_periods(r, &pp, &fe);
	if (fe.n) {
		struct programme p;
		int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
		if (rc != STORE_OK) {
			resp_store_error(r, rc);
			return;
		}
		struct buf title = BUF_INIT;
		buf_addf(&title, "%s: %s", T(r, "Programme report"), p.name);
		struct html w;
		page_begin(r, &w, title.data);
		buf_release(&title);
		form_error_summary(&w, r, &fe);
		const char *typed[4] = { query_get(r, "from"), query_get(r, "to"), query_get(r, "cmp_from"),
					 query_get(r, "cmp_to") };
		period_form(&w, r, p.id, &fe, typed);
		page_end(r, &w, 422);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct report rp;
	int rc = report_programme(r->site->ac, &a, r->org_id, r->id, pp.from, pp.to, pp.cmp_from, pp.cmp_to, "",
				  &rp);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Programme report"), rp.p.name);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);

	char p1[32], p2[32];
	period_text(pp.from, pp.to, p1);
	html_raw(&w, "<p class=\"ds-paragraph tolv-report-periods\">");
	if (rp.has_cmp) {
		period_text(pp.cmp_from, pp.cmp_to, p2);
		html_fmt(&w, T(r, "Period: {}. Compared with: {}."), p1, p2);
	} else {
		html_fmt(&w, T(r, "Period: {}. No comparison period."), p1);
	}
	html_raw(&w, "</p>\n");
	/* The form shows the periods in effect, the defaults filled in. */
	char v[4][11] = { "", "", "", "" };
	date_format(pp.from, v[0]);
	date_format(pp.to, v[1]);
	if (rp.has_cmp) {
		date_format(pp.cmp_from, v[2]);
		date_format(pp.cmp_to, v[3]);
	}
	const char *values[4] = { v[0], v[1], v[2], v[3] };
	period_form(&w, r, rp.p.id, NULL, values);
	html_raw(&w, "<p class=\"ds-paragraph tolv-noprint\">");
	html_text(&w, T(r, "The report prints without the menus and forms; to save it as a PDF, print it and choose "
			   "\"Save as PDF\"."));
	html_raw(&w, " <a class=\"ds-link\" href=\"#report-definitions\">");
	html_text(&w, T(r, "How the figures are counted"));
	html_raw(&w, "</a></p>\n<section class=\"tolv-report-section\">\n");

	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Overview"));
	html_raw(&w, "</h2>\n");
	write_table(&w, r, &rp, "overview");
	csv_link(&w, r, &rp, &pp, "overview");

	section(&w, r, T(r, "Referrals"));
	chart_sources(&w, r, &rp);
	write_table(&w, r, &rp, "sources");
	csv_link(&w, r, &rp, &pp, "sources");
	chart_months(&w, r, &rp);
	write_table(&w, r, &rp, "months");
	csv_link(&w, r, &rp, &pp, "months");

	section(&w, r, T(r, "The path through the programme"));
	para(&w, T(r, "Each step counts the people who reached it in the period (re-enrolments count as their own "
		      "path). The days between steps are counted where the step before is known; entering the "
		      "first phase is counted from the referral."));
	chart_path(&w, r, &rp);
	write_table(&w, r, &rp, "path");
	csv_link(&w, r, &rp, &pp, "path");

	section(&w, r, T(r, "Retention"));
	para(&w, T(r, "The enrolments started in the period, followed until they left early. Completing the "
		      "programme, or still being in treatment at the period end, is counted as censored."));
	chart_retention(&w, r, &rp);
	write_table(&w, r, &rp, "retention_summary");
	csv_link(&w, r, &rp, &pp, "retention_summary");
	write_table(&w, r, &rp, "retention");
	csv_link(&w, r, &rp, &pp, "retention");

	section(&w, r, T(r, "Attendance"));
	if (rp.cur.att_phase < 0) {
		para(&w, T(r, "The programme sets no minimum number of days a week in any phase."));
	} else {
		char min[16];
		snprintf(min, sizeof min, "%d", rp.cur.att_min);
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_fmt(&w, T(r, "Phase: {}; the minimum is {} days a week. Counted: enrolments with at least seven days "
				  "in the phase in the period, not paused."),
			 T(r, rp.p.phases[rp.cur.att_phase].label), min);
		html_raw(&w, "</p>\n");
		chart_attendance(&w, r, &rp);
		write_table(&w, r, &rp, "attendance");
		csv_link(&w, r, &rp, &pp, "attendance");
	}

	section(&w, r, T(r, "Step progress"));
	chart_steps_done(&w, r, &rp);
	write_table(&w, r, &rp, "steps");
	csv_link(&w, r, &rp, &pp, "steps");

	section(&w, r, T(r, "Meeting engagement"));
	para(&w, T(r, "Per person. A sponsor as recorded in the person's facilitation profile; meetings from the "
		      "meeting log, on the person's days in treatment in the period."));
	chart_engagement(&w, r, &rp);
	write_table(&w, r, &rp, "engagement");
	csv_link(&w, r, &rp, &pp, "engagement");

	section(&w, r, T(r, "Tests and relapses"));
	para(&w, T(r, "Sobriety tests and confirmed relapses on the persons' days in treatment in the period. A test "
		      "counts as positive when it was refused, showed alcohol on the breath, or found a substance "
		      "that was not prescribed and that the laboratory did not overturn."));
	chart_tests(&w, r, &rp);
	write_table(&w, r, &rp, "tests");
	csv_link(&w, r, &rp, &pp, "tests");

	section(&w, r, T(r, "Outcome change"));
	para(&w, T(r, "Per enrolment open in the period: the intake result is the earliest within 30 days of the "
		      "start, the follow-up the latest after it up to the end of the period. Lower AUDIT and DUDIT "
		      "scores and more days abstinent are improvements."));
	chart_outcomes(&w, r, &rp);
	write_table(&w, r, &rp, "outcomes");
	csv_link(&w, r, &rp, &pp, "outcomes");

	html_raw(&w, "</section>\n<section class=\"tolv-report-section\" id=\"report-definitions\">\n"
		     "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "How the figures are counted"));
	html_raw(&w, "</h2>\n<ul class=\"ds-list\">\n<li>");
	html_text(&w, T(r, "An enrolment counts when it was open at some time in the period. Treatment days are the "
			   "days of the period it was open, paused days included."));
	html_raw(&w, "</li>\n<li>");
	html_text(&w, T(r, "Steps and sponsors are counted as they stood at the end of the period."));
	html_raw(&w, "</li>\n<li>");
	html_text(&w, T(r, "Only counts are shown, never a person; the viewing of this report is logged."));
	html_raw(&w, "</li>\n</ul>\n</section>\n");
	report_release(&rp);
	page_end(r, &w, 200);
}

void report_csv_get(struct req *r)
{
	const char *table = query_get(r, "table");
	if (!table || !*table)
		table = "overview";
	const struct table_def *td = NULL;
	for (size_t i = 0; table && i < NTABLES; i++)
		if (!strcmp(tables[i].name, table))
			td = &tables[i];
	if (!td) {
		resp_error(r, 400, "bad_request", N_("Choose one of the report's tables."), "table");
		return;
	}
	struct periods pp;
	struct form_errors fe = { 0 };
	parse_periods(r, &pp, &fe);
	if (fe.n) {
		resp_error(r, 400, "bad_request", fe.e[0].message, fe.e[0].field);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct report rp;
	int rc = report_programme(r->site->ac, &a, r->org_id, r->id, pp.from, pp.to, pp.cmp_from, pp.cmp_to,
				  td->name, &rp);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct buf *out = &r->out;
	buf_reset(out);
	struct tw t = { .r = r, .csv = out };
	td->write(&t, &rp);
	report_release(&rp);
	r->status = 200;
	r->ctype = "text/csv; charset=utf-8";
	char from[11], to[11], cd[160];
	date_format(pp.from, from);
	date_format(pp.to, to);
	snprintf(cd, sizeof cd, "attachment; filename=\"tolv-report-%" PRId64 "-%s-%s-%s.csv\"", r->id, td->name, from,
		 to);
	resp_header(r, "Content-Disposition", cd);
}
