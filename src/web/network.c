/* network.c: the network (issue 7, "The network") — /network, where an administrator
 * joins or leaves it for the organisation, and /network/report (+ .csv), the programme
 * report's figures of every member organisation and of the imported files side by side
 * and in total. Aggregates only, suppressed by domain/network.c (the one place the rules
 * live); the page and the CSV are written by the same functions, like web/report.c. */
#include "web/web.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/network.h"
#include "html/form.h"
#include "html/layout.h"
#include "web/csv.h"

/* ---- /network ---- */

void network_get(struct req *r)
{
	struct store *s = r->site->ac->store;
	struct network_member me;
	int rc = store_network_member_get(s, r->org_id, &me);
	if (rc && rc != STORE_NOTFOUND) {
		resp_store_error(r, rc);
		return;
	}
	bool member = rc == STORE_OK;
	struct network_member *mem = NULL;
	size_t nm = 0;
	rc = store_network_members(s, &mem, &nm);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "The network"));
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Organisations in the network compare the figures of their programmes. Only counts are "
			   "shared, never a person: every count from 1 to 4 is shown as \"<5\", and figures made from "
			   "such counts are withheld."));
	html_raw(&w, "</p>\n<p class=\"ds-paragraph\">");
	html_text(&w, member ? T(r, "Your organisation is in the network.")
			     : T(r, "Your organisation is not in the network."));
	html_raw(&w, "</p>\n");
	if (member) {
		html_raw(&w, "<p class=\"ds-paragraph\"><a class=\"ds-link\" href=\"/network/report\">");
		html_text(&w, T(r, "The network report"));
		html_raw(&w, "</a></p>\n");
	}
	if (r->role & ROLE_ADMIN) {
		form_begin(&w, r, "/network");
		if (member) {
			html_raw(&w, "<input type=\"hidden\" name=\"action\" value=\"leave\">\n");
			form_button(&w, "secondary", T(r, "Leave the network"));
		} else {
			html_raw(&w, "<input type=\"hidden\" name=\"action\" value=\"join\">\n");
			form_button(&w, "primary", T(r, "Join the network"));
		}
		form_end(&w);
	}
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Members in this installation"));
	html_raw(&w, "</h2>\n");
	if (nm == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No organisation has joined yet."));
		html_raw(&w, "</p>\n");
	} else {
		html_raw(&w, "<ul class=\"ds-list\">\n");
		for (size_t i = 0; i < nm; i++) {
			html_raw(&w, "<li>");
			html_text(&w, mem[i].org_name);
			html_raw(&w, "</li>\n");
		}
		html_raw(&w, "</ul>\n");
	}
	free(mem);
	page_end(r, &w, 200);
}

void network_post(struct req *r)
{
	const char *action = form_get(r, "action");
	struct actor a;
	req_actor(r, &a);
	int rc;
	if (action && !strcmp(action, "join"))
		rc = network_join(r->site->ac, &a, r->org_id);
	else if (action && !strcmp(action, "leave"))
		rc = network_leave(r->site->ac, &a, r->org_id);
	else {
		error_page(r, 422, N_("Choose to join or to leave the network."));
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	resp_redirect(r, "/network");
}

/* ---- the report's tables, as HTML or CSV ---- */

struct nw {
	struct req *r;
	struct html *w;	 /* HTML, or NULL */
	struct buf *csv; /* CSV, or NULL */
	const struct network_report *nr;
};

static void cell_text(struct nw *t, const char *html_text_s, const char *csv_text)
{
	if (t->w) {
		html_raw(t->w, "<td class=\"tolv-num\">");
		html_text(t->w, html_text_s);
		html_raw(t->w, "</td>");
	} else {
		buf_addch(t->csv, ',');
		csv_cell(t->csv, csv_text);
	}
}

static void put_cell(struct nw *t, struct net_cell c)
{
	char s[64], cs[64];
	switch (c.st) {
	case NET_EXACT:
		snprintf(s, sizeof s, "%" PRId64, c.v);
		cell_text(t, s, s);
		break;
	case NET_SMALL:
		cell_text(t, "<5", "<5");
		break;
	case NET_ATLEAST:
		snprintf(s, sizeof s, "≥ %" PRId64, c.v);
		snprintf(cs, sizeof cs, ">=%" PRId64, c.v);
		cell_text(t, s, cs);
		break;
	default:
		snprintf(s, sizeof s, "– %s", T(t->r, "withheld"));
		cell_text(t, s, "withheld");
		break;
	}
}

static void put_derived(struct nw *t, struct net_derived d)
{
	char s[64], cs[32];
	if (d.st == NET_D_WITHHELD) {
		snprintf(s, sizeof s, "– %s", T(t->r, "withheld"));
		cell_text(t, s, "withheld");
	} else if (d.st == NET_D_NODATA || !isfinite(d.v)) {
		cell_text(t, "–", "");
	} else {
		att_number(t->r, d.v, s, sizeof s);
		snprintf(cs, sizeof cs, "%.1f", d.v);
		cell_text(t, s, cs);
	}
}

static void head(struct nw *t, const char *caption)
{
	const struct network_report *nr = t->nr;
	if (t->w) {
		html_raw(t->w, "<div class=\"tolv-report-table\"><table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(t->w, caption);
		html_raw(t->w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(t->w, T(t->r, "Figure"));
		html_raw(t->w, "</th>");
	} else {
		csv_cell(t->csv, T(t->r, "Figure"));
	}
	for (size_t i = 0; i <= nr->ncols; i++) {
		struct buf b = BUF_INIT;
		if (i == nr->ncols)
			buf_adds(&b, T(t->r, "Total"));
		else if (nr->cols[i].imported)
			buf_addf(&b, "%s (%s %s)", nr->cols[i].name, T(t->r, "imported from"), nr->cols[i].installation);
		else
			buf_adds(&b, nr->cols[i].name);
		if (t->w) {
			html_raw(t->w, "<th scope=\"col\">");
			html_text(t->w, b.data);
			html_raw(t->w, "</th>");
		} else {
			buf_addch(t->csv, ',');
			csv_cell(t->csv, b.data);
		}
		buf_release(&b);
	}
	if (t->w)
		html_raw(t->w, "</tr></thead>\n<tbody>\n");
	else
		buf_adds(t->csv, "\r\n");
}

static void row_begin(struct nw *t, const char *label)
{
	if (t->w) {
		html_raw(t->w, "<tr><th scope=\"row\">");
		html_text(t->w, label);
		html_raw(t->w, "</th>");
	} else {
		csv_cell(t->csv, label);
	}
}

static void row_end(struct nw *t)
{
	if (t->w)
		html_raw(t->w, "</tr>\n");
	else
		buf_adds(t->csv, "\r\n");
}

static void foot(struct nw *t)
{
	if (t->w)
		html_raw(t->w, "</tbody>\n</table></div>\n");
}

/* The column j (ncols: the total). */
static const struct net_column *col(const struct nw *t, size_t j)
{
	return j < t->nr->ncols ? &t->nr->cols[j] : &t->nr->total;
}

static void row_count(struct nw *t, const char *label, int f)
{
	row_begin(t, label);
	for (size_t j = 0; j <= t->nr->ncols; j++)
		put_cell(t, col(t, j)->c[f]);
	row_end(t);
}

/* scale * a / b in each column. */
static void row_ratio(struct nw *t, const char *label, int a, int b, double scale)
{
	row_begin(t, label);
	for (size_t j = 0; j <= t->nr->ncols; j++)
		put_derived(t, net_ratio(col(t, j)->c[a], col(t, j)->c[b], scale));
	row_end(t);
}

static void t_overview(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "Overview"));
	row_count(t, T(r, "Enrolments in the period"), NF_ENROLMENTS);
	row_count(t, T(r, "Persons"), NF_PERSONS);
	row_count(t, T(r, "Started"), NF_STARTED);
	row_count(t, T(r, "Re-enrolments"), NF_REENROLMENTS);
	row_count(t, T(r, "Completed"), NF_COMPLETED);
	row_count(t, T(r, "Left early"), NF_DISCONTINUED);
	row_count(t, T(r, "Treatment days"), NF_TREATMENT_DAYS);
	row_count(t, T(r, "Referrals"), NF_REFERRALS);
	row_count(t, T(r, "Certified therapists (at the period's end)"), NF_CERTIFIED);
	foot(t);
}

static void t_path(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "The path through the programme"));
	for (int k = 0; k < t->nr->npath; k++) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s: %s", T(r, t->nr->path_labels[k]), T(r, "reached"));
		row_count(t, b.data, NF_PATH_REACHED(k));
		if (k > 0) {
			buf_reset(&b);
			buf_addf(&b, "%s: %s", T(r, t->nr->path_labels[k]), T(r, "mean days from the step before"));
			row_ratio(t, b.data, NF_PATH_DAYS(k), NF_PATH_INTERVALS(k), 1.0);
		}
		buf_release(&b);
	}
	foot(t);
}

static void t_retention(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "Retention"));
	row_count(t, T(r, "Started in the period"), NF_STARTED);
	row_ratio(t, T(r, "Left early (%)"), NF_RET_LEFT, NF_STARTED, 100.0);
	row_ratio(t, T(r, "Completed (%)"), NF_RET_COMPLETED, NF_STARTED, 100.0);
	row_ratio(t, T(r, "Still in treatment (%)"), NF_RET_ONGOING, NF_STARTED, 100.0);
	row_begin(t, T(r, "Median days in treatment (Kaplan-Meier)"));
	for (size_t j = 0; j <= t->nr->ncols; j++) {
		const struct net_column *c = col(t, j);
		/* The total has none: a median cannot be added up. */
		struct net_derived d = { NAN, NET_D_NODATA };
		bool none_started = c->c[NF_STARTED].st == NET_EXACT && c->c[NF_STARTED].v == 0;
		if (j < t->nr->ncols && c->km_withheld && !none_started)
			d.st = NET_D_WITHHELD;
		else if (j < t->nr->ncols && !c->km_withheld && isfinite(c->km_median))
			d = (struct net_derived){ c->km_median, NET_D_VALUE };
		put_derived(t, d);
	}
	row_end(t);
	foot(t);
}

static void t_attendance(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "Attendance"));
	row_count(t, T(r, "Enrolments counted"), NF_ATT_N);
	row_ratio(t, T(r, "Meeting the minimum (%)"), NF_ATT_MEETING, NF_ATT_N, 100.0);
	row_ratio(t, T(r, "Days a week (pooled)"), NF_ATT_DAYS, NF_ATT_EXPOSURE, 7.0);
	foot(t);
}

static void t_steps(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "Step progress"));
	row_count(t, T(r, "Enrolments in the period"), NF_STEPS_N);
	row_ratio(t, T(r, "Completed the programme's minimum steps (%)"), NF_STEPS_MIN_DONE, NF_STEPS_N, 100.0);
	for (int s = 0; s < 12; s++) {
		char label[120];
		snprintf(label, sizeof label, "%s %d (%%)", T(r, "Completed step"), s + 1);
		row_ratio(t, label, NF_STEP_DONE_1 + s, NF_STEPS_N, 100.0);
	}
	foot(t);
}

static void t_engagement(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "Meeting engagement"));
	row_count(t, T(r, "Persons"), NF_ENG_PERSONS);
	row_ratio(t, T(r, "With a sponsor (%)"), NF_ENG_SPONSOR, NF_ENG_PERSONS, 100.0);
	row_ratio(t, T(r, "At least one meeting (%)"), NF_ENG_WITH_MEETING, NF_ENG_PERSONS, 100.0);
	row_count(t, T(r, "Meetings logged"), NF_ENG_MEETINGS);
	row_ratio(t, T(r, "Meetings a week"), NF_ENG_MEETINGS, NF_ENG_DAYS, 7.0);
	foot(t);
}

static void t_tests(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "Tests and relapses"));
	row_count(t, T(r, "Tests"), NF_TESTS);
	row_ratio(t, T(r, "Positive or refused (%)"), NF_TESTS_POSITIVE, NF_TESTS, 100.0);
	row_ratio(t, T(r, "Tests per 100 treatment days"), NF_TESTS, NF_TREATMENT_DAYS, 100.0);
	row_count(t, T(r, "Relapses"), NF_RELAPSES);
	row_ratio(t, T(r, "Relapses per 100 treatment days"), NF_RELAPSES, NF_TREATMENT_DAYS, 100.0);
	foot(t);
}

static const char *const outcome_names[REPORT_OUTCOMES] = { N_("AUDIT (alcohol)"), N_("DUDIT (drugs)"),
							    N_("Days abstinent (of the last 30)") };

static void t_outcomes(struct nw *t)
{
	struct req *r = t->r;
	head(t, T(r, "Outcome change"));
	for (int k = 0; k < REPORT_OUTCOMES; k++) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s: %s", T(r, outcome_names[k]), T(r, "pairs"));
		row_count(t, b.data, NF_OUT_N + k);
		buf_reset(&b);
		buf_addf(&b, "%s: %s", T(r, outcome_names[k]), T(r, "mean change"));
		row_begin(t, b.data);
		for (size_t j = 0; j <= t->nr->ncols; j++)
			put_derived(t, net_mean_change(col(t, j)->c[NF_OUT_FOLLOW_SUM + k], col(t, j)->c[NF_OUT_BASE_SUM + k],
						       col(t, j)->c[NF_OUT_N + k]));
		row_end(t);
		buf_reset(&b);
		buf_addf(&b, "%s: %s", T(r, outcome_names[k]), T(r, "improved (%)"));
		row_ratio(t, b.data, NF_OUT_IMPROVED + k, NF_OUT_N + k, 100.0);
		buf_release(&b);
	}
	foot(t);
}

struct ntable {
	const char *name;
	void (*write)(struct nw *t);
};
static const struct ntable ntables[] = {
	{ "overview", t_overview },	    { "path", t_path },	  { "retention", t_retention },
	{ "attendance", t_attendance }, { "steps", t_steps }, { "engagement", t_engagement },
	{ "tests", t_tests },		    { "outcomes", t_outcomes },
};
#define NNTABLES (sizeof ntables / sizeof ntables[0])

/* ---- the report ---- */

struct nparams {
	char template_key[STORE_KEY_MAX];
	int32_t from, to;
};

/* The query: template (default municipal day treatment), from and to (default the last
 * full quarter). false with fe filled for a bad one. */
static bool parse_params(struct req *r, struct nparams *p, struct form_errors *fe)
{
	const char *tk = query_get(r, "template");
	if (!tk || !*tk)
		tk = NET_DEFAULT_TEMPLATE;
	if (strlen(tk) >= sizeof p->template_key || !programme_template(tk)) {
		form_error(fe, "template", N_("Choose a programme template."));
		copy_str(p->template_key, sizeof p->template_key, NET_DEFAULT_TEMPLATE);
	} else {
		copy_str(p->template_key, sizeof p->template_key, tk);
	}
	const char *f = query_get(r, "from"), *t = query_get(r, "to");
	int32_t cf, ct;
	report_default_periods(date_today_cet(), &p->from, &p->to, &cf, &ct);
	if ((f && *f) || (t && *t)) {
		p->from = p->to = DATE_NONE;
		if (!f || strlen(f) > 10 || date_parse(f, &p->from))
			form_error(fe, "from", N_("Enter the date as YYYY-MM-DD."));
		if (!t || strlen(t) > 10 || date_parse(t, &p->to))
			form_error(fe, "to", N_("Enter the date as YYYY-MM-DD."));
		if (!fe->n) {
			const char *why = report_period_check(p->from, p->to);
			if (why)
				form_error(fe, "to", why);
		}
	}
	return fe->n == 0;
}

static void params_form(struct html *w, struct req *r, const struct form_errors *fe, const char *tk,
			const char *from, const char *to)
{
	html_raw(w, "<form method=\"get\" action=\"/network/report\" class=\"tolv-filter tolv-noprint\" novalidate>\n");
	struct option opts[8];
	size_t n = 0;
	for (int i = 0; i < programme_template_count() && n < 8; i++) {
		const struct programme_def *d = programme_template_at(i);
		opts[n++] = (struct option){ d->key, T(r, d->label) };
	}
	form_select(w, r, fe, "template", T(r, "Programme template"), opts, n, tk);
	form_input(w, r, fe, &(struct input){ .name = "from", .label = T(r, "Period from"), .type = "date", .value = from });
	form_input(w, r, fe, &(struct input){ .name = "to", .label = T(r, "Period to"), .type = "date", .value = to });
	form_button(w, "primary", T(r, "Show"));
	html_raw(w, "</form>\n");
}

static void not_member(struct req *r, bool csv)
{
	if (csv) {
		resp_error(r, 403, "forbidden", N_("Your organisation is not in the network."), NULL);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "The network report"));
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Your organisation is not in the network. An administrator can join it on the network page."));
	html_raw(&w, "</p>\n<p class=\"ds-paragraph\"><a class=\"ds-link\" href=\"/network\">");
	html_text(&w, T(r, "The network"));
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, 403);
}

static void note(struct html *w, const char *text)
{
	html_raw(w, "<li>");
	html_text(w, text);
	html_raw(w, "</li>\n");
}

void network_report_get(struct req *r)
{
	struct nparams p;
	struct form_errors fe = { 0 };
	if (!parse_params(r, &p, &fe)) {
		struct html w;
		page_begin(r, &w, T(r, "The network report"));
		form_error_summary(&w, r, &fe);
		params_form(&w, r, &fe, p.template_key, query_get(r, "from"), query_get(r, "to"));
		page_end(r, &w, 422);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct network_report nr;
	int rc = network_report(r->site->ac, &a, r->org_id, p.template_key, p.from, p.to, "", &nr);
	if (rc == STORE_NOTFOUND) {
		not_member(r, false);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "The network report"));
	char from[11], to[11];
	date_format(p.from, from);
	date_format(p.to, to);
	html_raw(&w, "<p class=\"ds-paragraph tolv-report-periods\">");
	const struct programme_def *def = programme_template(p.template_key);
	html_fmt(&w, T(r, "Programmes made from the template {}, period {} to {}."), T(r, def->label), from, to);
	html_raw(&w, "</p>\n");
	params_form(&w, r, NULL, p.template_key, from, to);

	html_raw(&w, "<section class=\"tolv-report-section\">\n<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "How to read the tables"));
	html_raw(&w, "</h2>\n<ul class=\"ds-list\">\n");
	note(&w, T(r, "Each organisation's column adds up all its programmes made from the template."));
	note(&w, T(r, "\"<5\": a count from 1 to 4, not shown so that no one can be recognised. 0 is shown."));
	html_raw(&w, "<li>");
	html_fmt(&w, T(r, "\"{} withheld\": a share, mean or rate made from a count below 5, not shown for the same "
			  "reason. \"{}\" alone: nothing to count."),
		 "–", "–");
	html_raw(&w, "</li>\n<li>");
	html_fmt(&w, T(r, "The total is exact only when every column is. Otherwise it is shown as \"{}\" and the least "
			  "it can be, so that no hidden count can be worked out from it."),
		 "≥");
	html_raw(&w, "</li>\n");
	note(&w, T(r, "Medians cannot be added up: the days between steps are means, and the median time in "
		      "treatment is shown per organisation only, where at least 5 started."));
	html_raw(&w, "</ul>\n");
	size_t nimp = 0;
	for (size_t i = 0; i < nr.ncols; i++)
		nimp += nr.cols[i].imported;
	if (nimp) {
		html_raw(&w, "<h3 class=\"ds-heading\" data-size=\"xs\">");
		html_text(&w, T(r, "Imported from other installations"));
		html_raw(&w, "</h3>\n<ul class=\"ds-list\">\n");
		for (size_t i = 0; i < nr.ncols; i++) {
			if (!nr.cols[i].imported)
				continue;
			char when[32];
			format_time(nr.cols[i].imported_at, when, sizeof when);
			html_raw(&w, "<li>");
			html_fmt(&w, T(r, "{} ({}), imported {} UTC"), nr.cols[i].name, nr.cols[i].installation, when);
			html_raw(&w, "</li>\n");
		}
		html_raw(&w, "</ul>\n");
	}
	html_raw(&w, "</section>\n");

	for (size_t i = 0; i < NNTABLES; i++) {
		html_raw(&w, "<section class=\"tolv-report-section\">\n");
		struct nw t = { .r = r, .w = &w, .nr = &nr };
		ntables[i].write(&t);
		struct buf u = BUF_INIT;
		buf_addf(&u, "/network/report.csv?table=%s&template=%s&from=%s&to=%s", ntables[i].name, p.template_key,
			 from, to);
		html_raw(&w, "<p class=\"tolv-noprint\"><a class=\"ds-link\" download");
		html_attr(&w, "href", u.data);
		html_raw(&w, ">");
		html_text(&w, T(r, "Download the table as CSV"));
		html_raw(&w, "</a></p>\n</section>\n");
		buf_release(&u);
	}
	network_report_release(&nr);
	page_end(r, &w, 200);
}

void network_report_csv_get(struct req *r)
{
	const char *table = query_get(r, "table");
	if (!table || !*table)
		table = "overview";
	const struct ntable *td = NULL;
	for (size_t i = 0; table && i < NNTABLES; i++)
		if (!strcmp(ntables[i].name, table))
			td = &ntables[i];
	if (!td) {
		resp_error(r, 400, "bad_request", N_("Choose one of the report's tables."), "table");
		return;
	}
	struct nparams p;
	struct form_errors fe = { 0 };
	if (!parse_params(r, &p, &fe)) {
		resp_error(r, 400, "bad_request", fe.e[0].message, fe.e[0].field);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct network_report nr;
	int rc = network_report(r->site->ac, &a, r->org_id, p.template_key, p.from, p.to, td->name, &nr);
	if (rc == STORE_NOTFOUND) {
		not_member(r, true);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf *out = &r->out;
	buf_reset(out);
	struct nw t = { .r = r, .csv = out, .nr = &nr };
	td->write(&t);
	network_report_release(&nr);
	r->status = 200;
	r->ctype = "text/csv; charset=utf-8";
	char from[11], to[11], cd[200];
	date_format(p.from, from);
	date_format(p.to, to);
	snprintf(cd, sizeof cd, "attachment; filename=\"tolv-network-%s-%s-%s-%s.csv\"", p.template_key, td->name, from,
		 to);
	resp_header(r, "Content-Disposition", cd);
}
