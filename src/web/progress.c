/* progress.c: the progress block of one enrolment — "37 of 100 days" with a progress
 * bar, the pace of the last two weeks against the minimum with a visible warning, the
 * projected completion dates; for aftercare the weeks attended and the window — and the
 * page /enrolments/{id}/progress that shows it on its own. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/programme.h"
#include "domain/rosters.h"
#include "html/layout.h"

void att_number(struct req *r, double v, char *out, size_t outlen)
{
	snprintf(out, outlen, "%.1f", v);
	size_t len = strlen(out);
	if (len > 2 && out[len - 2] == '.' && out[len - 1] == '0')
		out[len - 2] = '\0';
	else if (r->lang != LANG_EN)
		for (char *p = out; *p; p++)
			if (*p == '.')
				*p = ',';
}

void att_date(int32_t day, char out[11])
{
	if (day == DATE_NONE) {
		out[0] = '-';
		out[1] = '\0';
	} else {
		date_format(day, out);
	}
}

static void fact(struct html *w, const char *label, const char *value)
{
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd>");
	html_text(w, value);
	html_raw(w, "</dd>\n");
}

void progress_write(struct req *r, struct html *w, const struct progress *pr)
{
	char id[32], a[24], b[24], c[24];
	snprintf(id, sizeof id, "progress-%" PRId64, pr->e.id);
	html_raw(w, "<section class=\"tolv-progress\"");
	html_attr(w, "aria-labelledby", id);
	html_raw(w, ">\n<h2 class=\"ds-heading\" data-size=\"sm\"");
	html_attr(w, "id", id);
	html_raw(w, ">");
	if (pr->phase)
		html_fmt(w, T(r, "Progress in {}"), T(r, pr->phase->label));
	else
		html_text(w, T(r, "Progress"));
	html_raw(w, "</h2>\n");
	char last[11];
	att_date(pr->last_attended, last);

	if (pr->kind == PROGRESS_DAY_TREATMENT) {
		const struct day_treatment_progress *d = &pr->dt;
		char label_id[40];
		snprintf(label_id, sizeof label_id, "%s-label", id);
		snprintf(a, sizeof a, "%d", d->attended);
		snprintf(b, sizeof b, "%d", d->target);
		html_raw(w, "<p class=\"ds-paragraph tolv-progress-label\"");
		html_attr(w, "id", label_id);
		html_raw(w, ">");
		html_fmt(w, T(r, "{} of {} days"), a, b);
		html_raw(w, "</p>\n<progress class=\"tolv-progress-bar\"");
		html_attr_int(w, "max", d->target > 0 ? d->target : 1);
		html_attr_int(w, "value", d->attended < d->target ? d->attended : d->target);
		html_attr(w, "aria-labelledby", label_id);
		html_raw(w, ">");
		snprintf(c, sizeof c, "%d %%", d->percent);
		html_text(w, c);
		html_raw(w, "</progress>\n");
		if (d->below_minimum && !strcmp(pr->e.status, "active")) {
			char pace[16], min[16];
			att_number(r, d->pace_per_week, pace, sizeof pace);
			snprintf(min, sizeof min, "%d", pr->phase->min_days_per_week);
			html_raw(w, "<div class=\"ds-alert\" data-color=\"warning\"><p>");
			html_fmt(w, T(r, "Warning: below the minimum pace. {} days a week over the last two weeks; the minimum is {}."),
				 pace, min);
			html_raw(w, "</p></div>\n");
		}
		html_raw(w, "<dl class=\"tolv-facts\">\n");
		char pace[16], exp[16], txt[160];
		att_number(r, d->pace_per_week, pace, sizeof pace);
		snprintf(a, sizeof a, "%d", d->window_attended);
		snprintf(b, sizeof b, "%d", d->window_open_days);
		snprintf(txt, sizeof txt, "%s", T(r, "{} days a week ({} of {} open days)"));
		html_raw(w, "<dt>");
		html_text(w, T(r, "Pace, last two weeks"));
		html_raw(w, "</dt><dd>");
		html_fmt(w, txt, pace, a, b);
		html_raw(w, "</dd>\n<dt>");
		html_text(w, T(r, "Minimum"));
		html_raw(w, "</dt><dd>");
		snprintf(a, sizeof a, "%d", pr->phase->min_days_per_week);
		att_number(r, d->expected_min, exp, sizeof exp);
		html_fmt(w, T(r, "{} days a week ({} days in this window)"), a, exp);
		html_raw(w, "</dd>\n");
		char dd[11];
		if (d->reached_on != DATE_NONE) {
			att_date(d->reached_on, dd);
			fact(w, T(r, "Target reached on"), dd);
		} else {
			att_date(d->projected_end, dd);
			fact(w, T(r, "Projected completion at the current pace"),
			     d->projected_end == DATE_NONE ? T(r, "cannot be projected (no attendance in the last two weeks)")
							   : dd);
			att_date(d->minimum_pace_end, dd);
			fact(w, T(r, "Projected completion at the minimum pace"),
			     d->minimum_pace_end == DATE_NONE ? "-" : dd);
		}
		fact(w, T(r, "Last attended"), last);
		html_raw(w, "</dl>\n");
	} else if (pr->kind == PROGRESS_AFTERCARE) {
		const struct aftercare_progress *ac = &pr->ac;
		if (ac->past_latest && !strcmp(pr->e.status, "active")) {
			char end[11];
			att_date(ac->latest_end, end);
			html_raw(w, "<div class=\"ds-alert\" data-color=\"warning\"><p>");
			html_fmt(w, T(r, "Notice: the aftercare window ended on {}. Consider completing the enrolment."), end);
			html_raw(w, "</p></div>\n");
		}
		html_raw(w, "<dl class=\"tolv-facts\">\n<dt>");
		html_text(w, T(r, "Weeks attended"));
		html_raw(w, "</dt><dd>");
		snprintf(a, sizeof a, "%d", ac->weeks_attended);
		snprintf(b, sizeof b, "%d", ac->weeks_elapsed);
		html_fmt(w, T(r, "{} of {} weeks"), a, b);
		html_raw(w, "</dd>\n<dt>");
		html_text(w, T(r, "Months in aftercare"));
		html_raw(w, "</dt><dd>");
		html_int(w, ac->months_in);
		html_raw(w, "</dd>\n");
		char e1[11], e2[11];
		att_date(ac->earliest_end, e1);
		att_date(ac->latest_end, e2);
		html_raw(w, "<dt>");
		html_text(w, T(r, "Window"));
		html_raw(w, "</dt><dd>");
		if (ac->latest_end != DATE_NONE)
			html_fmt(w, T(r, "may end from {}, should end by {}"), e1, e2);
		else
			html_fmt(w, T(r, "may end from {}"), e1);
		html_raw(w, "</dd>\n");
		if (ac->latest_end != DATE_NONE && !ac->past_latest) {
			html_raw(w, "<dt>");
			html_text(w, T(r, "Remaining window"));
			html_raw(w, "</dt><dd>");
			snprintf(a, sizeof a, "%d", ac->months_to_latest);
			html_fmt(w, T(r, "{} months"), a);
			html_raw(w, "</dd>\n");
		}
		fact(w, T(r, "Last attended"), last);
		html_raw(w, "</dl>\n");
	} else {
		html_raw(w, "<dl class=\"tolv-facts\">\n<dt>");
		html_text(w, T(r, "Days attended in this phase"));
		html_raw(w, "</dt><dd>");
		html_int(w, pr->attended_in_phase);
		html_raw(w, "</dd>\n");
		fact(w, T(r, "Last attended"), last);
		html_raw(w, "</dl>\n");
	}
	html_raw(w, "</section>\n");
}

int progress_block(struct req *r, struct html *w, int64_t enrolment_id)
{
	struct progress pr;
	int rc = rosters_progress(r->site->ac, r->org_id, enrolment_id, date_today_cet(), &pr);
	if (rc != STORE_OK)
		return rc;
	progress_write(r, w, &pr);
	return 0;
}

void enrolment_progress_get(struct req *r)
{
	struct progress pr;
	int rc = rosters_progress(r->site->ac, r->org_id, r->id, date_today_cet(), &pr);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	rosters_audit(r->site->ac, &a, r->org_id, "person.read", "person", pr.e.person_id, "progress");
	struct person p;
	char name[2 * STORE_NAME_MAX + 2] = "";
	if (store_person_get(r->site->ac->store, r->org_id, pr.e.person_id, &p) == STORE_OK)
		snprintf(name, sizeof name, "%s %s", p.given_name, p.family_name);
	struct html w;
	page_begin(r, &w, T(r, "Progress"));
	html_raw(&w, "<dl class=\"tolv-facts\">\n");
	fact(&w, T(r, "Person"), name);
	fact(&w, T(r, "Programme"), pr.p.name);
	fact(&w, T(r, "Phase"), pr.phase ? T(r, pr.phase->label) : "-");
	fact(&w, T(r, "Status"), T(r, att_status_label(pr.e.status)));
	char since[11];
	att_date(pr.e.phase_since, since);
	fact(&w, T(r, "In this phase since"), since);
	html_raw(&w, "</dl>\n");
	progress_write(r, &w, &pr);
	char href[64];
	snprintf(href, sizeof href, "/enrolments/%" PRId64 "/sessions/new", pr.e.id);
	html_raw(&w, "<ul class=\"ds-list tolv-links\"><li><a class=\"ds-link\"");
	html_attr(&w, "href", href);
	html_raw(&w, ">");
	html_text(&w, T(r, "Register an individual session"));
	html_raw(&w, "</a></li><li><a class=\"ds-link\" href=\"/caseload\">");
	html_text(&w, T(r, "Back to the caseload"));
	html_raw(&w, "</a></li></ul>\n");
	page_end(r, &w, 200);
}

const char *att_status_label(const char *key)
{
	int st = enrolment_status_parse(key);
	return st < 0 ? key : enrolment_status_label((enum enrolment_status)st);
}
