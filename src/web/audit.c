/* audit.c: the organisation's audit log (roles auditor and admin): filtered list with
 * paging, and the CSV export (itself logged as "audit.export"). */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/util.h"
#include "html/form.h"
#include "html/layout.h"
#include "core/date.h"
#include "web/csv.h"

#define AUDIT_PAGE 50
#define CSV_MAX_ROWS 100000

/* "YYYY-MM-DD" → unix seconds at 00:00 UTC; -1 if not a real date (core/date.h parses). */
static int64_t day_start_seconds(const char *s)
{
	int32_t day;
	if (!s || date_parse(s, &day) != 0 || day < 0)
		return -1;
	return (int64_t)day * 86400;
}

int audit_filter_parse(struct req *r, struct audit_filter *f, struct form_errors *fe)
{
	memset(f, 0, sizeof *f);
	f->org_id = r->org_id; /* never another organisation's entries */
	const char *actor = query_get(r, "actor"), *action = query_get(r, "action");
	const char *from = query_get(r, "from"), *to = query_get(r, "to"), *before = query_get(r, "before");
	if (actor && !copy_str(f->actor, sizeof f->actor, actor))
		form_error(fe, "actor", N_("The text is too long."));
	if (action && !copy_str(f->action, sizeof f->action, action))
		form_error(fe, "action", N_("The text is too long."));
	if (from && *from) {
		int64_t t = day_start_seconds(from);
		if (t < 0)
			form_error(fe, "from", N_("Write the date as YYYY-MM-DD, like 2025-03-31."));
		else
			f->from_ms = t * 1000;
	}
	if (to && *to) {
		int64_t t = day_start_seconds(to);
		if (t < 0)
			form_error(fe, "to", N_("Write the date as YYYY-MM-DD, like 2025-03-31."));
		else
			f->to_ms = (t + 86400) * 1000 - 1; /* to the end of that day */
	}
	if (f->from_ms && f->to_ms && f->from_ms > f->to_ms)
		form_error(fe, "to", N_("The end date is before the start date."));
	if (before && *before && parse_int64(before, 1, INT64_MAX, &f->before_seq) != 0)
		form_error(fe, "before", N_("Not a valid position in the log."));
	/* ?person=ID: everything about the person, the page listings that showed them too. */
	const char *person = query_get(r, "person");
	int64_t pid;
	if (person && *person) {
		if (parse_int64(person, 1, INT64_MAX, &pid) != 0) {
			form_error(fe, "person", N_("Enter the person's number (from the address of their page)."));
		} else {
			copy_str(f->object_type, sizeof f->object_type, "person");
			snprintf(f->object_id, sizeof f->object_id, "%" PRId64, pid);
		}
	}
	f->limit = AUDIT_PAGE;
	return fe->n ? -1 : 0;
}

/* Appends the filter as query parameters (without before). */
static void filter_query(struct req *r, struct buf *b)
{
	static const char *const keys[] = { "actor", "action", "from", "to", "person" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = query_get(r, keys[i]);
		if (!v || !*v)
			continue;
		buf_addch(b, b->len ? '&' : '?');
		buf_adds(b, keys[i]);
		buf_addch(b, '=');
		url_encode(b, v);
	}
}

/* A listing's persons as "12 40 77" (ids, no personal data). */
static void subject_list(struct buf *b, const struct audit_entry *e)
{
	for (size_t i = 0; i < e->nsubjects; i++)
		buf_addf(b, i ? " %" PRId64 : "%" PRId64, e->subjects[i]);
}

static void entry_time(int64_t at_ms, char *out, size_t outlen)
{
	format_time(at_ms / 1000, out, outlen);
}

void audit_get(struct req *r)
{
	struct form_errors fe = { 0 };
	struct audit_filter f;
	bool ok = audit_filter_parse(r, &f, &fe) == 0;
	struct audit_entry *es = NULL;
	size_t n = 0;
	if (ok) {
		int rc = store_audit_list(r->site->ac->store, &f, &es, &n);
		if (rc != STORE_OK) {
			resp_store_error(r, rc);
			return;
		}
	}
	struct html w;
	page_begin(r, &w, T(r, "Audit log"));
	form_error_summary(&w, r, &fe);
	html_raw(&w, "<form method=\"get\" action=\"/audit\" class=\"tolv-filter\" novalidate>\n");
	form_input(&w, r, &fe,
		   &(struct input){ .name = "actor", .label = T(r, "Who (e-mail contains)"), .value = query_get(r, "actor") });
	form_input(&w, r, &fe,
		   &(struct input){ .name = "action", .label = T(r, "Action (starts with)"), .value = query_get(r, "action"),
				    .description = T(r, "For example login, user. or audit.export") });
	form_input(&w, r, &fe,
		   &(struct input){ .name = "person", .label = T(r, "Person (number)"), .value = query_get(r, "person"),
				    .description = T(r, "Every access to the person, lists that showed them included") });
	form_input(&w, r, &fe,
		   &(struct input){ .name = "from", .label = T(r, "From date"), .type = "date", .value = query_get(r, "from") });
	form_input(&w, r, &fe,
		   &(struct input){ .name = "to", .label = T(r, "To date"), .type = "date", .value = query_get(r, "to") });
	form_button(&w, "primary", T(r, "Show"));
	html_raw(&w, "</form>\n");

	struct buf q = BUF_INIT;
	filter_query(r, &q);
	if (ok) {
		struct buf csv = BUF_INIT;
		buf_adds(&csv, "/audit.csv");
		buf_adds(&csv, q.data);
		html_raw(&w, "<p><a class=\"ds-link\"");
		html_attr(&w, "href", csv.data);
		html_raw(&w, ">");
		html_text(&w, T(r, "Download as CSV (same filter)"));
		html_raw(&w, "</a></p>\n");
		buf_release(&csv);
	}
	if (ok && n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No entries match."));
		html_raw(&w, "</p>\n");
	} else if (ok) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Audit entries, newest first"));
		html_raw(&w, "</caption>\n<thead><tr>");
		const char *heads[] = { T(r, "No."), T(r, "Time (UTC)"), T(r, "Who"), T(r, "Action"), T(r, "Object"),
					T(r, "Address"), T(r, "Detail") };
		for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
			html_raw(&w, "<th scope=\"col\">");
			html_text(&w, heads[i]);
			html_raw(&w, "</th>");
		}
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			const struct audit_entry *e = &es[i];
			char when[32];
			entry_time(e->at_ms, when, sizeof when);
			html_raw(&w, "<tr><td>");
			html_int(&w, e->seq);
			html_raw(&w, "</td><td>");
			html_text(&w, when);
			html_raw(&w, "</td><td>");
			html_text(&w, e->actor[0] ? e->actor : T(r, "(system)"));
			html_raw(&w, "</td><td>");
			html_text(&w, e->action);
			html_raw(&w, "</td><td>");
			html_text(&w, e->object_type);
			if (e->object_id[0]) {
				html_raw(&w, " ");
				html_text(&w, e->object_id);
			}
			if (e->nsubjects) { /* a listing: the persons it showed */
				struct buf ids = BUF_INIT;
				subject_list(&ids, e);
				html_raw(&w, " ");
				html_text(&w, ids.data);
				buf_release(&ids);
			}
			html_raw(&w, "</td><td>");
			html_text(&w, e->addr);
			html_raw(&w, "</td><td>");
			html_text(&w, e->detail);
			html_raw(&w, "</td></tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
		html_raw(&w, "<nav class=\"tolv-pager\"");
		html_attr(&w, "aria-label", T(r, "Pages"));
		html_raw(&w, "><ul>");
		if (f.before_seq) {
			struct buf href = BUF_INIT;
			buf_adds(&href, "/audit");
			buf_adds(&href, q.data);
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, T(r, "Newest entries"));
			html_raw(&w, "</a></li>");
			buf_release(&href);
		}
		if (n == AUDIT_PAGE) {
			struct buf href = BUF_INIT;
			buf_adds(&href, "/audit");
			buf_adds(&href, q.data);
			buf_addf(&href, "%cbefore=%" PRId64, q.len ? '&' : '?', es[n - 1].seq);
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, T(r, "Older entries"));
			html_raw(&w, "</a></li>");
			buf_release(&href);
		}
		html_raw(&w, "</ul></nav>\n");
	}
	buf_release(&q);
	free(es);
	page_end(r, &w, ok ? 200 : 400);
}

void audit_csv_get(struct req *r)
{
	struct form_errors fe = { 0 };
	struct audit_filter f;
	if (audit_filter_parse(r, &f, &fe) != 0) {
		resp_error(r, 400, "bad_request", fe.e[0].message, fe.e[0].field);
		return;
	}
	f.before_seq = 0;
	f.limit = 1000;
	struct buf *out = &r->out;
	buf_reset(out);
	buf_adds(out, "seq,time_utc,actor,action,object_type,object_id,address,detail,persons\r\n");
	size_t rows = 0;
	for (;;) {
		struct audit_entry *es = NULL;
		size_t n = 0;
		int rc = store_audit_list(r->site->ac->store, &f, &es, &n);
		if (rc != STORE_OK) {
			free(es);
			resp_store_error(r, rc);
			return;
		}
		for (size_t i = 0; i < n && rows < CSV_MAX_ROWS; i++, rows++) {
			const struct audit_entry *e = &es[i];
			char when[32];
			entry_time(e->at_ms, when, sizeof when);
			buf_addf(out, "%" PRId64 ",", e->seq);
			csv_cell(out, when);
			buf_addch(out, ',');
			csv_cell(out, e->actor);
			buf_addch(out, ',');
			csv_cell(out, e->action);
			buf_addch(out, ',');
			csv_cell(out, e->object_type);
			buf_addch(out, ',');
			csv_cell(out, e->object_id);
			buf_addch(out, ',');
			csv_cell(out, e->addr);
			buf_addch(out, ',');
			csv_cell(out, e->detail);
			buf_addch(out, ',');
			struct buf ids = BUF_INIT;
			subject_list(&ids, e);
			csv_cell(out, ids.data);
			buf_release(&ids);
			buf_adds(out, "\r\n");
		}
		int64_t last = n ? es[n - 1].seq : 0;
		free(es);
		if (n < (size_t)f.limit || rows >= CSV_MAX_ROWS)
			break;
		f.before_seq = last;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "rows=%zu", rows);
	audit_event(r->site->ac->audit, r->user.id, r->user.email, r->org_id, r->addr, "audit.export", "org", NULL,
		    detail);
	r->status = 200;
	r->ctype = "text/csv; charset=utf-8";
	resp_header(r, "Content-Disposition", "attachment; filename=\"tolv-audit.csv\"");
}
