/* caseload.c: the therapist's caseload — each open enrolment where they are the primary
 * therapist, with programme, phase, status, progress, last attendance and warnings;
 * coordinators and administrators pick the therapist. Paged and sortable; every row is
 * audited as a read of that person. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/facilitation.h"
#include "domain/plan.h"
#include "domain/rosters.h"
#include "html/form.h"
#include "html/layout.h"

#define PAGE_SIZE 50

static const struct {
	const char *key;
	enum store_enrolment_sort sort;
	const char *label;
} sorts[] = {
	{ "name", STORE_ENROL_BY_NAME, N_("Name") },
	{ "phase", STORE_ENROL_BY_PHASE, N_("Phase") },
	{ "started", STORE_ENROL_BY_STARTED, N_("Newest first") },
};

/* Parses ?sort= (default name); answers 400 itself. */
bool caseload_sort_or_400(struct req *r, enum store_enrolment_sort *out, const char **key)
{
	const char *s = query_get(r, "sort");
	if (!s || !*s)
		s = "name";
	for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
		if (!strcmp(s, sorts[i].key)) {
			*out = sorts[i].sort;
			*key = sorts[i].key;
			return true;
		}
	resp_error(r, 400, "bad_request", N_("Sort by name, phase or started."), "sort");
	return false;
}

/* The therapist whose caseload is asked for: a therapist sees their own; coordinators and
 * administrators may give ?therapist=ID (0 or absent: everybody's; for a therapist
 * role that is also a coordinator, their own by default). Answers itself on error. */
bool caseload_therapist_or_400(struct req *r, int64_t *out)
{
	bool may_pick = (r->role & (ROLE_COORDINATOR | ROLE_ADMIN)) != 0;
	int64_t def = may_pick ? 0 : r->user.id;
	int64_t id;
	if (!query_int_or_400(r, "therapist", 0, INT64_MAX, def, &id))
		return false;
	if (!may_pick && id != r->user.id) {
		resp_error(r, 403, "forbidden", N_("You can only see your own caseload."), "therapist");
		return false;
	}
	if (id != 0 && id != r->user.id) {
		struct membership m;
		int rc = store_membership_get(r->site->ac->store, id, r->org_id, &m);
		if (rc != STORE_OK) {
			resp_error(r, 404, "not_found", N_("No such therapist in this organisation."), "therapist");
			return false;
		}
	}
	*out = id;
	return true;
}

const char *caseload_warning_text(unsigned bit)
{
	switch (bit) {
	case WARN_PACE:
		return N_("Below the minimum pace");
	case WARN_ABSENT:
		return N_("No attendance in 14 days");
	case WARN_AFTERCARE_END:
		return N_("Aftercare window ends within a month");
	case WARN_AFTERCARE_PAST:
		return N_("Past the aftercare window");
	}
	return "";
}

static void href_for(struct buf *b, int64_t therapist, const char *sort, int64_t page)
{
	buf_addf(b, "/caseload?therapist=%" PRId64 "&sort=%s&page=%" PRId64, therapist, sort, page);
}

static void therapist_picker(struct req *r, struct html *w, int64_t current, const char *sort)
{
	struct user_row *users = NULL;
	size_t n = 0;
	if (store_user_list(r->site->ac->store, r->org_id, 1000, 0, &users, &n, NULL) != STORE_OK) {
		free(users);
		return;
	}
	html_raw(w, "<form method=\"get\" action=\"/caseload\" class=\"tolv-filter\" novalidate>\n"
		    "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-therapist\">");
	html_text(w, T(r, "Therapist"));
	html_raw(w, "</label><select class=\"ds-input\" name=\"therapist\" id=\"f-therapist\"><option value=\"0\">");
	html_text(w, T(r, "Everybody"));
	html_raw(w, "</option>");
	for (size_t i = 0; i < n; i++) {
		if (users[i].m.disabled || strcmp(users[i].m.role, "therapist") != 0)
			continue;
		html_raw(w, "<option");
		html_attr_int(w, "value", users[i].user.id);
		if (users[i].user.id == current)
			html_raw(w, " selected");
		html_raw(w, ">");
		html_text(w, users[i].user.name[0] ? users[i].user.name : users[i].user.email);
		html_raw(w, "</option>");
	}
	html_raw(w, "</select></div>\n<input type=\"hidden\" name=\"sort\"");
	html_attr(w, "value", sort);
	html_raw(w, ">\n");
	form_button(w, "secondary", T(r, "Show"));
	html_raw(w, "</form>\n");
	free(users);
}

static void engagement_cells(struct req *r, struct html *w, const struct fac_engagement *eg)
{
	html_raw(w, "<td data-fact=\"meetings-30\">");
	if (eg)
		html_int(w, eg->meetings);
	else
		html_raw(w, "-");
	html_raw(w, "</td><td data-fact=\"sponsor\">");
	html_text(w, !eg ? "-" : T(r, fac_sponsor_label(eg->sponsor[0] ? eg->sponsor : "none")));
	html_raw(w, "</td>");
}

/* Issue 4: the overdue plan assignments of each row's enrolment (plan.h's
 * assignment_overdue, from its latest plan version), and issue 5: the engagement summary
 * of each row's person (meetings in the last 30 days, sponsor status), read for the whole
 * page in one store call (store_caseload_columns). counts[i] is rows[i]'s; where the read
 * failed, counts are -1 and *eg_out is NULL. The rows' reads are audited already. */
static void columns_load(struct req *r, const struct caseload *c, int32_t today, int *counts,
			 struct fac_engagement **eg_out)
{
	size_t n = c->n ? c->n : 1;
	int64_t *eids = xcalloc(n, sizeof *eids), *pids = xcalloc(n, sizeof *pids);
	for (size_t i = 0; i < c->n; i++) {
		eids[i] = c->rows[i].row.e.id;
		pids[i] = c->rows[i].row.e.person_id;
		counts[i] = 0;
	}
	struct fac_engagement *eg = xcalloc(n, sizeof *eg);
	struct store_plan_version *v = NULL;
	size_t nv = 0;
	if (store_caseload_columns(r->site->ac->store, r->org_id, eids, pids, c->n, today - 29, today, &v, &nv, eg) !=
	    STORE_OK) {
		for (size_t i = 0; i < c->n; i++)
			counts[i] = -1;
		free(eg);
		eg = NULL;
	}
	for (size_t k = 0; k < nv; k++) {
		struct plan p;
		int cnt = -1;
		if (v[k].json && !plan_parse(v[k].json, strlen(v[k].json), &p, NULL)) {
			cnt = (int)plan_overdue_count(&p, today);
			plan_release(&p);
		}
		for (size_t i = 0; i < c->n; i++)
			if (eids[i] == v[k].enrolment_id)
				counts[i] = cnt;
	}
	store_plan_versions_free(v, nv);
	free(eids);
	free(pids);
	*eg_out = eg;
}

static void overdue_cell(struct req *r, struct html *w, int64_t enrolment_id, int count)
{
	html_raw(w, "<td data-fact=\"overdue\">");
	if (count > 0) {
		char href[64], num[16];
		snprintf(href, sizeof href, "/enrolments/%" PRId64 "/plan", enrolment_id);
		snprintf(num, sizeof num, "%d", count);
		html_raw(w, "<a class=\"ds-link\"");
		html_attr(w, "href", href);
		html_raw(w, "><span class=\"ds-tag\" data-color=\"danger\">");
		html_fmt(w, T(r, "{} overdue"), num);
		html_raw(w, "</span></a>");
	} else {
		html_text(w, count < 0 ? "-" : "0");
	}
	html_raw(w, "</td>");
}

void caseload_get(struct req *r)
{
	enum store_enrolment_sort sort;
	const char *sort_key;
	int64_t therapist, page;
	if (!caseload_sort_or_400(r, &sort, &sort_key) || !caseload_therapist_or_400(r, &therapist) ||
	    !query_int_or_400(r, "page", 1, 1000000, 1, &page))
		return;
	struct actor a;
	req_actor(r, &a);
	int32_t today = date_today_cet();
	struct caseload c;
	int rc = rosters_caseload(r->site->ac, &a, r->org_id, therapist, sort, PAGE_SIZE, (int)((page - 1) * PAGE_SIZE),
				  today, &c);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, therapist == r->user.id ? T(r, "My caseload") : T(r, "Caseload"));
	if (r->role & (ROLE_COORDINATOR | ROLE_ADMIN))
		therapist_picker(r, &w, therapist, sort_key);

	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Sort by:"));
	for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
		html_raw(&w, " ");
		if (!strcmp(sorts[i].key, sort_key)) {
			html_raw(&w, "<strong aria-current=\"true\">");
			html_text(&w, T(r, sorts[i].label));
			html_raw(&w, "</strong>");
		} else {
			struct buf h = BUF_INIT;
			href_for(&h, therapist, sorts[i].key, 1);
			html_raw(&w, "<a class=\"ds-link\"");
			html_attr(&w, "href", h.data);
			html_raw(&w, ">");
			html_text(&w, T(r, sorts[i].label));
			html_raw(&w, "</a>");
			buf_release(&h);
		}
	}
	html_raw(&w, "</p>\n");

	if (c.n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No open enrolments on this page."));
		html_raw(&w, "</p>\n");
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		char tot[24];
		snprintf(tot, sizeof tot, "%" PRId64, c.total);
		html_fmt(&w, T(r, "Open enrolments: {}"), tot);
		html_raw(&w, "</caption>\n<thead><tr>");
		static const char *const cols[] = { N_("Name"),     N_("Programme"),     N_("Phase"),   N_("Status"),
						    N_("Progress"), N_("Last attended"), N_("Warnings"),
						    N_("Meetings, 30 days"), N_("Sponsor"), N_("Overdue assignments") };
		int *overdue = xcalloc(c.n, sizeof *overdue);
		struct fac_engagement *eg;
		columns_load(r, &c, today, overdue, &eg);
		for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
			html_raw(&w, "<th scope=\"col\">");
			html_text(&w, T(r, cols[i]));
			html_raw(&w, "</th>");
		}
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < c.n; i++) {
			const struct caseload_row *row = &c.rows[i];
			const struct enrolment *e = &row->row.e;
			char href[64], name[2 * STORE_NAME_MAX + 2], last[11], prog[32];
			snprintf(href, sizeof href, "/enrolments/%" PRId64 "/progress", e->id);
			snprintf(name, sizeof name, "%s %s", row->row.given_name, row->row.family_name);
			att_date(row->row.last_attended, last);
			html_raw(&w, "<tr><th scope=\"row\"><a class=\"ds-link\"");
			html_attr(&w, "href", href);
			html_raw(&w, ">");
			html_text(&w, name);
			html_raw(&w, "</a></th><td>");
			html_text(&w, row->p ? row->p->name : "-");
			html_raw(&w, "</td><td>");
			html_text(&w, row->phase ? T(r, row->phase->label) : "-");
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, att_status_label(e->status)));
			html_raw(&w, "</td><td>");
			if (row->kind == PROGRESS_DAY_TREATMENT)
				snprintf(prog, sizeof prog, "%d/%d", row->row.attended_in_phase, row->phase->target_days);
			else
				snprintf(prog, sizeof prog, "%d", row->row.attended_in_phase);
			html_text(&w, prog);
			html_raw(&w, "</td><td>");
			html_text(&w, last);
			html_raw(&w, "</td><td>");
			if (row->warnings) {
				html_raw(&w, "<ul class=\"tolv-warnings\">");
				for (unsigned bit = 1; bit <= WARN_AFTERCARE_PAST; bit <<= 1)
					if (row->warnings & bit) {
						html_raw(&w, "<li><span class=\"ds-tag\" data-color=\"warning\">");
						html_text(&w, T(r, caseload_warning_text(bit)));
						html_raw(&w, "</span></li>");
					}
				html_raw(&w, "</ul>");
			}
			html_raw(&w, "</td>");
			engagement_cells(r, &w, eg ? &eg[i] : NULL);
			overdue_cell(r, &w, e->id, overdue[i]);
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
		free(overdue);
		free(eg);
	}
	int64_t pages = c.total > 0 ? (c.total + PAGE_SIZE - 1) / PAGE_SIZE : 1;
	if (pages > 1) {
		char cur[24], all[24];
		snprintf(cur, sizeof cur, "%" PRId64, page);
		snprintf(all, sizeof all, "%" PRId64, pages);
		html_raw(&w, "<nav class=\"tolv-pager\"");
		html_attr(&w, "aria-label", T(r, "Pages"));
		html_raw(&w, "><p>");
		html_fmt(&w, T(r, "Page {} of {}"), cur, all);
		html_raw(&w, "</p><ul>");
		if (page > 1) {
			struct buf h = BUF_INIT;
			href_for(&h, therapist, sort_key, page - 1);
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", h.data);
			html_raw(&w, ">");
			html_text(&w, T(r, "Previous page"));
			html_raw(&w, "</a></li>");
			buf_release(&h);
		}
		if (page < pages) {
			struct buf h = BUF_INIT;
			href_for(&h, therapist, sort_key, page + 1);
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", h.data);
			html_raw(&w, ">");
			html_text(&w, T(r, "Next page"));
			html_raw(&w, "</a></li>");
			buf_release(&h);
		}
		html_raw(&w, "</ul></nav>\n");
	}
	caseload_release(&c);
	page_end(r, &w, 200);
}

void caseload_summary(struct req *r, struct html *w)
{
	struct enrolment_query q = { .therapist_id = r->user.id, .phase = -1, .recent_from = DATE_NONE, .limit = 1 };
	copy_str(q.status, sizeof q.status, "open");
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_enrolment_list(r->site->ac->store, r->org_id, &q, &rows, &n, &total);
	free(rows);
	if (rc != STORE_OK)
		return;
	char cnt[24];
	snprintf(cnt, sizeof cnt, "%" PRId64, total);
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, T(r, "My caseload"));
	html_raw(w, "</h2>\n<p class=\"ds-paragraph\">");
	html_fmt(w, T(r, "You are the primary therapist of {} open enrolments."), cnt);
	html_raw(w, " <a class=\"ds-link\" href=\"/caseload\">");
	html_text(w, T(r, "Show my caseload"));
	html_raw(w, "</a></p>\n");
}
