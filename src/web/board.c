/* board.c: the coordinator's programme board — counts and people per phase, the intake
 * queue by status, groups with members, capacity and waiting list — and the programme's
 * CSV exports (enrolments; attendance in a period), audited as exports. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/rosters.h"
#include "html/layout.h"
#include "web/csv.h"

#define PAGE_SIZE 100
#define CSV_ROWS_MAX 200000

static void th(struct html *w, struct req *r, const char *label)
{
	html_raw(w, "<th scope=\"col\">");
	html_text(w, T(r, label));
	html_raw(w, "</th>");
}

static void td_int(struct html *w, int64_t v)
{
	html_raw(w, "<td class=\"tolv-num\">");
	html_int(w, v);
	html_raw(w, "</td>");
}

static const char *phase_label(struct req *r, const struct programme *p, int phase)
{
	return phase >= 0 && phase < p->nphases ? T(r, p->phases[phase].label) : "-";
}

void board_get(struct req *r)
{
	int64_t page;
	if (!query_int_or_400(r, "page", 1, 1000000, 1, &page))
		return;
	struct actor a;
	req_actor(r, &a);
	struct board b;
	int rc = rosters_board(r->site->ac, &a, r->org_id, r->id, PAGE_SIZE, (int)((page - 1) * PAGE_SIZE), &b);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Programme board"), b.p.name);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);

	/* Phases */
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Phases"));
	html_raw(&w, "</h2>\n<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_text(&w, T(r, "Open enrolments per phase"));
	html_raw(&w, "</caption>\n<thead><tr>");
	th(&w, r, N_("Phase"));
	th(&w, r, N_("Active"));
	th(&w, r, N_("Paused"));
	th(&w, r, N_("Total"));
	html_raw(&w, "</tr></thead>\n<tbody>\n");
	int total = 0;
	for (int i = 0; i < b.p.nphases; i++) {
		html_raw(&w, "<tr><th scope=\"row\">");
		html_text(&w, T(r, b.p.phases[i].label));
		html_raw(&w, "</th>");
		td_int(&w, b.active[i]);
		td_int(&w, b.paused[i]);
		td_int(&w, b.counts[i]);
		html_raw(&w, "</tr>\n");
		total += b.counts[i];
	}
	html_raw(&w, "</tbody>\n<tfoot><tr><th scope=\"row\">");
	html_text(&w, T(r, "Total"));
	html_raw(&w, "</th><td></td><td></td>");
	td_int(&w, total);
	html_raw(&w, "</tr></tfoot>\n</table>\n");

	/* Intake queue */
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Intake queue"));
	html_raw(&w, "</h2>\n<p class=\"ds-paragraph\">");
	char n1[24];
	snprintf(n1, sizeof n1, "%" PRId64, b.intake_open);
	html_fmt(&w, T(r, "Open referrals: {}"), n1);
	html_raw(&w, "</p>\n<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_text(&w, T(r, "Referrals by status"));
	html_raw(&w, "</caption>\n<thead><tr>");
	th(&w, r, N_("Status"));
	th(&w, r, N_("Referrals"));
	html_raw(&w, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < BOARD_REFERRAL_STATUSES; i++) {
		html_raw(&w, "<tr><th scope=\"row\">");
		html_text(&w, T(r, board_referral_status_label(board_referral_status[i])));
		html_raw(&w, "</th>");
		td_int(&w, b.referrals[i]);
		html_raw(&w, "</tr>\n");
	}
	html_raw(&w, "</tbody>\n</table>\n");

	/* Groups */
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Groups"));
	html_raw(&w, "</h2>\n");
	if (b.ngroups == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "The programme has no groups."));
		html_raw(&w, "</p>\n");
	} else {
		char wt[24];
		snprintf(wt, sizeof wt, "%d", b.waiting_total);
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_fmt(&w, T(r, "On waiting lists: {}"), wt);
		html_raw(&w, "</p>\n<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Groups with members and capacity"));
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, r, N_("Group"));
		th(&w, r, N_("Phase"));
		th(&w, r, N_("Members"));
		th(&w, r, N_("Capacity"));
		th(&w, r, N_("Waiting"));
		th(&w, r, N_("Roster"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < b.ngroups; i++) {
			const struct group *g = &b.groups[i];
			const char *ph = "-";
			for (int k = 0; k < b.p.nphases; k++)
				if (!strcmp(b.p.phases[k].key, g->phase_key))
					ph = T(r, b.p.phases[k].label);
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, g->name);
			html_raw(&w, "</th><td>");
			html_text(&w, ph);
			html_raw(&w, "</td>");
			td_int(&w, g->members);
			if (g->capacity > 0) {
				td_int(&w, g->capacity);
			} else {
				html_raw(&w, "<td>");
				html_text(&w, T(r, "no limit"));
				html_raw(&w, "</td>");
			}
			td_int(&w, g->waiting);
			char href[64];
			snprintf(href, sizeof href, "/groups/%" PRId64 "/roster", g->id);
			html_raw(&w, "<td><a class=\"ds-link\"");
			html_attr(&w, "href", href);
			html_raw(&w, ">");
			html_fmt(&w, T(r, "Today's roster of {}"), g->name);
			html_raw(&w, "</a></td></tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}

	/* People per phase */
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "People per phase"));
	html_raw(&w, "</h2>\n");
	if (b.npeople == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No open enrolments on this page."));
		html_raw(&w, "</p>\n");
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Open enrolments by phase, the longest in the phase first"));
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, r, N_("Name"));
		th(&w, r, N_("Phase"));
		th(&w, r, N_("Status"));
		th(&w, r, N_("In this phase since"));
		th(&w, r, N_("Days attended in this phase"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < b.npeople; i++) {
			const struct enrolment_row *row = &b.people[i];
			char name[2 * STORE_NAME_MAX + 2], since[11], href[64];
			snprintf(name, sizeof name, "%s %s", row->given_name, row->family_name);
			att_date(row->e.phase_since, since);
			snprintf(href, sizeof href, "/enrolments/%" PRId64 "/progress", row->e.id);
			html_raw(&w, "<tr><th scope=\"row\"><a class=\"ds-link\"");
			html_attr(&w, "href", href);
			html_raw(&w, ">");
			html_text(&w, name);
			html_raw(&w, "</a></th><td>");
			html_text(&w, phase_label(r, &b.p, row->e.phase));
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, att_status_label(row->e.status)));
			html_raw(&w, "</td><td>");
			html_text(&w, since);
			html_raw(&w, "</td>");
			td_int(&w, row->attended_in_phase);
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
		int64_t pages = (b.people_total + PAGE_SIZE - 1) / PAGE_SIZE;
		if (pages > 1) {
			char cur[24], all[24], href[80];
			snprintf(cur, sizeof cur, "%" PRId64, page);
			snprintf(all, sizeof all, "%" PRId64, pages);
			html_raw(&w, "<nav class=\"tolv-pager\"");
			html_attr(&w, "aria-label", T(r, "Pages"));
			html_raw(&w, "><p>");
			html_fmt(&w, T(r, "Page {} of {}"), cur, all);
			html_raw(&w, "</p><ul>");
			if (page > 1) {
				snprintf(href, sizeof href, "/programmes/%" PRId64 "/board?page=%" PRId64, b.p.id, page - 1);
				html_raw(&w, "<li><a class=\"ds-link\"");
				html_attr(&w, "href", href);
				html_raw(&w, ">");
				html_text(&w, T(r, "Previous page"));
				html_raw(&w, "</a></li>");
			}
			if (page < pages) {
				snprintf(href, sizeof href, "/programmes/%" PRId64 "/board?page=%" PRId64, b.p.id, page + 1);
				html_raw(&w, "<li><a class=\"ds-link\"");
				html_attr(&w, "href", href);
				html_raw(&w, ">");
				html_text(&w, T(r, "Next page"));
				html_raw(&w, "</a></li>");
			}
			html_raw(&w, "</ul></nav>\n");
		}
	}

	/* Exports */
	char h1[64], h2[64];
	snprintf(h1, sizeof h1, "/programmes/%" PRId64 "/enrolments.csv", b.p.id);
	snprintf(h2, sizeof h2, "/programmes/%" PRId64 "/attendance.csv", b.p.id);
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Exports"));
	html_raw(&w, "</h2>\n<ul class=\"ds-list tolv-links\"><li><a class=\"ds-link\"");
	html_attr(&w, "href", h1);
	html_raw(&w, ">");
	html_text(&w, T(r, "Enrolments as CSV"));
	html_raw(&w, "</a></li><li><a class=\"ds-link\"");
	html_attr(&w, "href", h2);
	html_raw(&w, ">");
	html_text(&w, T(r, "Attendance of the last 90 days as CSV"));
	html_raw(&w, "</a></li></ul>\n");
	board_release(&b);
	page_end(r, &w, 200);
}

/* ---- CSV ---- */

static void cell_int(struct buf *out, int64_t v)
{
	buf_addf(out, "%" PRId64, v);
}

static void cell_date(struct buf *out, int32_t day)
{
	char d[11];
	date_format(day, d);
	buf_adds(out, d);
}

static void csv_answer(struct req *r, const char *filename)
{
	r->status = 200;
	r->ctype = "text/csv; charset=utf-8";
	char cd[128];
	snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", filename);
	resp_header(r, "Content-Disposition", cd);
}

void enrolments_csv_get(struct req *r)
{
	struct programme p;
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct buf *out = &r->out;
	buf_reset(out);
	buf_adds(out, "enrolment_id,person_id,given_name,family_name,status,phase,phase_label,started_on,phase_since,"
		      "ended_on,therapist_id,days_attended_in_phase,last_attended\r\n");
	size_t rows = 0;
	for (int offset = 0;; offset += 1000) {
		struct enrolment_query q = { .programme_id = p.id, .phase = -1, .recent_from = DATE_NONE,
					     .sort = STORE_ENROL_BY_NAME, .limit = 1000, .offset = offset };
		struct enrolment_row *es = NULL;
		size_t n = 0;
		rc = store_enrolment_list(r->site->ac->store, r->org_id, &q, &es, &n, NULL);
		if (rc != STORE_OK) {
			free(es);
			buf_reset(out);
			resp_store_error(r, rc);
			return;
		}
		for (size_t i = 0; i < n && rows < CSV_ROWS_MAX; i++, rows++) {
			const struct enrolment_row *e = &es[i];
			cell_int(out, e->e.id);
			buf_addch(out, ',');
			cell_int(out, e->e.person_id);
			buf_addch(out, ',');
			csv_cell(out, e->given_name);
			buf_addch(out, ',');
			csv_cell(out, e->family_name);
			buf_addch(out, ',');
			csv_cell(out, e->e.status);
			buf_addch(out, ',');
			csv_cell(out, e->e.phase >= 0 && e->e.phase < p.nphases ? p.phases[e->e.phase].key : "");
			buf_addch(out, ',');
			csv_cell(out, e->e.phase >= 0 && e->e.phase < p.nphases ? T(r, p.phases[e->e.phase].label) : "");
			buf_addch(out, ',');
			cell_date(out, e->e.started_on);
			buf_addch(out, ',');
			cell_date(out, e->e.phase_since);
			buf_addch(out, ',');
			cell_date(out, e->e.ended_on);
			buf_addch(out, ',');
			if (e->e.therapist_id)
				cell_int(out, e->e.therapist_id);
			buf_addch(out, ',');
			cell_int(out, e->attended_in_phase);
			buf_addch(out, ',');
			cell_date(out, e->last_attended);
			buf_adds(out, "\r\n");
		}
		free(es);
		if (n < 1000 || rows >= CSV_ROWS_MAX)
			break;
	}
	struct actor a;
	req_actor(r, &a);
	char detail[64];
	snprintf(detail, sizeof detail, "enrolments rows=%zu", rows);
	rosters_audit(r->site->ac, &a, r->org_id, "programme.export", "programme", p.id, detail);
	csv_answer(r, "tolv-enrolments.csv");
}

void attendance_csv_get(struct req *r)
{
	int32_t today = date_today_cet(), from = today - 89, to = today;
	const char *f = query_get(r, "from"), *t = query_get(r, "to");
	if ((f && *f && date_parse(f, &from) != 0)) {
		resp_error(r, 400, "bad_request", N_("Enter the date as YYYY-MM-DD."), "from");
		return;
	}
	if ((t && *t && date_parse(t, &to) != 0)) {
		resp_error(r, 400, "bad_request", N_("Enter the date as YYYY-MM-DD."), "to");
		return;
	}
	if (to < from) {
		resp_error(r, 400, "bad_request", N_("The end of the period is before its start."), "to");
		return;
	}
	if (to - from > 3660) {
		resp_error(r, 400, "bad_request", N_("Choose a period of at most ten years."), "from");
		return;
	}
	struct programme p;
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct group *groups = NULL;
	size_t ngroups = 0;
	rc = store_group_list(r->site->ac->store, r->org_id, p.id, true, &groups, &ngroups);
	if (rc != STORE_OK) {
		free(groups);
		resp_store_error(r, rc);
		return;
	}
	struct buf *out = &r->out;
	buf_reset(out);
	buf_adds(out, "date,session_id,kind,group_id,group,enrolment_id,person_id,given_name,family_name,attended,"
		      "hours,note\r\n");
	size_t rows = 0;
	int32_t cur = from;
	while (cur <= to && rows < CSV_ROWS_MAX) {
		struct att_session *ss = NULL;
		size_t n = 0;
		rc = store_att_session_list(r->site->ac->store, r->org_id, p.id, 0, cur, to, 1000, &ss, &n);
		if (rc != STORE_OK) {
			free(ss);
			free(groups);
			buf_reset(out);
			resp_store_error(r, rc);
			return;
		}
		/* Take whole days: the last day of a full batch is fetched again next round. */
		int32_t last = n ? ss[n - 1].on_day : to;
		bool full = n == 1000 && ss[0].on_day != last;
		for (size_t i = 0; i < n && rows < CSV_ROWS_MAX; i++) {
			const struct att_session *se = &ss[i];
			if (full && se->on_day == last)
				break;
			const char *gname = "";
			for (size_t k = 0; k < ngroups; k++)
				if (groups[k].id == se->group_id)
					gname = groups[k].name;
			struct roster_line *ls = NULL;
			size_t nl = 0;
			if (store_attendance_roster(r->site->ac->store, r->org_id, se->id, &ls, &nl) != STORE_OK)
				nl = 0;
			for (size_t k = 0; k < nl && rows < CSV_ROWS_MAX; k++) {
				const struct roster_line *l = &ls[k];
				if (!l->recorded)
					continue;
				char h[16];
				rosters_format_hours(l->a.minutes, h, sizeof h);
				cell_date(out, se->on_day);
				buf_addch(out, ',');
				cell_int(out, se->id);
				buf_addch(out, ',');
				csv_cell(out, se->kind);
				buf_addch(out, ',');
				if (se->group_id)
					cell_int(out, se->group_id);
				buf_addch(out, ',');
				csv_cell(out, gname);
				buf_addch(out, ',');
				cell_int(out, l->enrolment_id);
				buf_addch(out, ',');
				cell_int(out, l->person_id);
				buf_addch(out, ',');
				csv_cell(out, l->given_name);
				buf_addch(out, ',');
				csv_cell(out, l->family_name);
				buf_addch(out, ',');
				buf_adds(out, l->a.attended ? "yes" : "no");
				buf_addch(out, ',');
				buf_adds(out, h);
				buf_addch(out, ',');
				csv_cell(out, l->a.note);
				buf_adds(out, "\r\n");
				rows++;
			}
			free(ls);
		}
		free(ss);
		if (n < 1000)
			break;
		cur = full ? last : last + 1;
	}
	free(groups);
	struct actor a;
	req_actor(r, &a);
	char detail[96], df[11], dt[11];
	date_format(from, df);
	date_format(to, dt);
	snprintf(detail, sizeof detail, "attendance from=%s to=%s rows=%zu", df, dt, rows);
	rosters_audit(r->site->ac, &a, r->org_id, "programme.export", "programme", p.id, detail);
	csv_answer(r, "tolv-attendance.csv");
}
