/* meetings.c: the meeting directory's pages — the public finder (/meetings), each
 * meeting's page with "add to calendar" and "request a change", the exports (the Meeting
 * Guide feed /meetings.json, CSV, iCalendar, a printable list), and the directory
 * editors' pages under /directory (listings, the change-request queue, imports).
 *
 * The public pages need no login and work without JavaScript. They read the in-memory
 * directory (domain/meeting_finder.h), except a meeting's own page, which reads the store
 * so that contacts and the latest edit show. Editors are administrators and coordinators
 * of an organisation (the route table says so) and only ever see its meetings: another
 * organisation's id is 404.
 */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/meeting_finder.h"
#include "domain/meeting_import.h"
#include "domain/meeting_types.h"
#include "domain/meetings.h"
#include "domain/recurrence.h"
#include "html/form.h"
#include "html/layout.h"

enum { PAGE_SIZE = 25, EXPORT_MAX = 500, EDITOR_PAGE = 50, PASTE_MAX = 60 * 1024 };

/* Languages offered in the finder's language filter: the Nordic ones first. */
static const char *const finder_languages[] = { "NO", "SV", "DA", "FI", "IS", "EN", "DE", "POL", "RUS", "S", "FR",
						"AR", "FA", "UK", NULL };

static const char *query_param(void *arg, const char *name)
{
	return query_get(arg, name);
}

static struct directory *directory_or_503(struct req *r)
{
	int rc;
	struct directory *d = directory_get(r->site->ac->store, now_seconds(), &rc);
	if (!d) {
		log_error("meetings: directory: %d: %s", rc, store_last_error());
		resp_store_error(r, rc);
	}
	return d;
}

static void when_text(struct req *r, const struct finder_hit *h, struct buf *out)
{
	if (!h->start) {
		buf_adds(out, T(r, "By appointment"));
		return;
	}
	char date[11], t[8];
	date_format(h->local_day, date);
	meeting_format_time(h->local_min, t, sizeof t);
	buf_addf(out, "%s %s %s", meeting_day_name(h->wday, (int)r->lang), date, t);
}

static const char *attendance_label(const char *a)
{
	if (!strcmp(a, "online"))
		return N_("Online");
	if (!strcmp(a, "hybrid"))
		return N_("In person and online");
	if (!strcmp(a, "phone"))
		return N_("By phone");
	return N_("In person");
}

static const char *fellowship_name(struct req *r, const char *key)
{
	const struct fellowship *f = fellowship_find(key);
	return f ? f->name[r->lang] : key;
}

/* Type tags, each with its name in the page's language. */
static void type_tags(struct html *w, struct req *r, const char *types)
{
	char t[MEETING_TYPES_MAX];
	copy_str(t, sizeof t, types);
	if (!*t)
		return;
	html_raw(w, "<ul class=\"tolv-tags\">");
	for (char *p = t; p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		html_raw(w, "<li class=\"ds-tag\" data-color=\"neutral\">");
		html_text(w, meeting_type_label(p, r->lang));
		html_raw(w, "</li>");
		p = comma ? comma + 1 : NULL;
	}
	html_raw(w, "</ul>");
}

static void select_open(struct html *w, const char *name, const char *label)
{
	html_raw(w, "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-");
	html_text(w, name);
	html_raw(w, "\">");
	html_text(w, label);
	html_raw(w, "</label><select class=\"ds-input\" id=\"f-");
	html_text(w, name);
	html_raw(w, "\" name=\"");
	html_text(w, name);
	html_raw(w, "\">");
}

static void option(struct html *w, const char *value, const char *label, const char *selected)
{
	html_raw(w, "<option");
	html_attr(w, "value", value);
	if (selected && !strcmp(selected, value))
		html_raw(w, " selected");
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</option>");
}

static void text_field(struct html *w, const char *name, const char *label, const char *type, const char *value,
		       const char *extra_list)
{
	html_raw(w, "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-");
	html_text(w, name);
	html_raw(w, "\">");
	html_text(w, label);
	html_raw(w, "</label><input class=\"ds-input\"");
	html_attr(w, "type", type);
	html_raw(w, " id=\"f-");
	html_text(w, name);
	html_raw(w, "\" name=\"");
	html_text(w, name);
	html_raw(w, "\"");
	html_attr(w, "value", value ? value : "");
	if (extra_list)
		html_attr(w, "list", extra_list);
	html_raw(w, "></div>\n");
}

/* The finder's search form (GET, so a search is a link that can be shared). */
static void finder_form(struct html *w, struct req *r, const struct directory *d, const char *error_field,
			const char *error)
{
	const char *q_day = query_get(r, "day"), *q_when = query_get(r, "when"), *q_f = query_get(r, "fellowship");
	html_raw(w, "<form method=\"get\" action=\"/meetings\" class=\"tolv-finder\" role=\"search\"");
	html_attr(w, "aria-label", T(r, "Find a meeting"));
	html_raw(w, ">\n");
	if (error) {
		html_raw(w, "<div class=\"ds-alert\" data-color=\"danger\" role=\"alert\"><p>");
		html_text(w, T(r, error));
		html_raw(w, "</p></div>\n");
	}
	(void)error_field;
	select_open(w, "day", T(r, "Day"));
	option(w, "", T(r, "Any day"), q_day);
	option(w, "today", T(r, "Today"), q_day);
	for (int k = 1; k <= 7; k++) {
		char v[4];
		snprintf(v, sizeof v, "%d", k % 7);
		option(w, v, meeting_day_name(k % 7, (int)r->lang), q_day);
	}
	html_raw(w, "</select></div>\n");
	select_open(w, "when", T(r, "Time"));
	option(w, "", T(r, "Any time"), q_when);
	option(w, "soon", T(r, "Starting in the next 2 hours"), q_when);
	option(w, "evening", T(r, "This evening"), q_when);
	option(w, "today", T(r, "Later today"), q_when);
	html_raw(w, "</select></div>\n");
	select_open(w, "fellowship", T(r, "Fellowship"));
	option(w, "", T(r, "All fellowships"), q_f);
	for (size_t i = 0; i < fellowships_count; i++)
		option(w, fellowships[i].key, fellowships[i].name[r->lang], q_f);
	html_raw(w, "</select></div>\n");
	select_open(w, "access", T(r, "Open or closed"));
	option(w, "", T(r, "Both"), query_get(r, "access"));
	option(w, "open", T(r, "Open (anyone may come)"), query_get(r, "access"));
	option(w, "closed", T(r, "Closed (for those with the problem)"), query_get(r, "access"));
	html_raw(w, "</select></div>\n");
	select_open(w, "lang", T(r, "Language"));
	option(w, "", T(r, "Any language"), query_get(r, "lang"));
	for (size_t i = 0; finder_languages[i]; i++)
		option(w, finder_languages[i], meeting_type_label(finder_languages[i], r->lang), query_get(r, "lang"));
	html_raw(w, "</select></div>\n");
	select_open(w, "mode", T(r, "How"));
	option(w, "", T(r, "In person or online"), query_get(r, "mode"));
	option(w, "in_person", T(r, "In person"), query_get(r, "mode"));
	option(w, "online", T(r, "Online or by phone"), query_get(r, "mode"));
	html_raw(w, "</select></div>\n");
	html_raw(w, "<div class=\"ds-field tolv-check\"><input class=\"ds-input\" type=\"checkbox\" id=\"f-wheelchair\" "
		    "name=\"wheelchair\" value=\"1\"");
	const char *wc = query_get(r, "wheelchair");
	if (wc && !strcmp(wc, "1"))
		html_raw(w, " checked");
	html_raw(w, "><label class=\"ds-label\" for=\"f-wheelchair\">");
	html_text(w, T(r, "Wheelchair access"));
	html_raw(w, "</label></div>\n");
	text_field(w, "near", T(r, "Near (district or town)"), "text", query_get(r, "near"), "regions");
	html_raw(w, "<datalist id=\"regions\">");
	const char *regions[200];
	size_t nr = directory_regions(d, regions, 200);
	for (size_t i = 0; i < nr; i++) {
		html_raw(w, "<option");
		html_attr(w, "value", regions[i]);
		html_raw(w, ">");
	}
	html_raw(w, "</datalist>\n");
	text_field(w, "km", T(r, "Within (km)"), "number", query_get(r, "km") ? query_get(r, "km") : "10", NULL);
	html_raw(w, "<details class=\"ds-details\"><summary>");
	html_text(w, T(r, "Search from coordinates"));
	html_raw(w, "</summary><div>");
	text_field(w, "lat", T(r, "Latitude"), "text", query_get(r, "lat"), NULL);
	text_field(w, "lon", T(r, "Longitude"), "text", query_get(r, "lon"), NULL);
	html_raw(w, "</div></details>\n<p><button class=\"ds-button\" data-variant=\"primary\" type=\"submit\">");
	html_text(w, T(r, "Search"));
	html_raw(w, "</button></p>\n</form>\n");
}

static void export_link(struct html *w, struct req *r, const char *path, const char *label)
{
	struct buf href = BUF_INIT;
	buf_adds(&href, path);
	if (*r->raw_query) {
		buf_addch(&href, '?');
		buf_adds(&href, r->raw_query);
	}
	html_raw(w, "<li><a class=\"ds-link\"");
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></li>");
	buf_release(&href);
}

static void hit_item(struct html *w, struct req *r, const struct finder_hit *h)
{
	const struct dir_meeting *m = h->m;
	struct buf when = BUF_INIT;
	when_text(r, h, &when);
	html_raw(w, "<li class=\"tolv-meeting\"><h2 class=\"ds-heading\" data-size=\"2xs\"><a class=\"ds-link\" href=\"/meetings/");
	html_int(w, m->id);
	html_raw(w, "\">");
	html_text(w, m->name);
	html_raw(w, "</a></h2>\n<p class=\"tolv-when\">");
	html_text(w, when.data);
	if (m->start_min >= 0 && strcmp(m->timezone, MEETING_DEFAULT_TZ)) {
		html_raw(w, " (");
		html_text(w, m->timezone);
		html_raw(w, ")");
	}
	html_raw(w, "</p>\n<p>");
	html_text(w, fellowship_name(r, m->fellowship));
	html_raw(w, " · ");
	html_text(w, T(r, attendance_label(m->attendance)));
	if (*m->location || *m->region) {
		html_raw(w, " · ");
		html_text(w, *m->location ? m->location : m->region);
		if (*m->location && *m->region) {
			html_raw(w, ", ");
			html_text(w, m->region);
		}
	}
	if (h->km >= 0) {
		char km[32];
		snprintf(km, sizeof km, "%.1f km", h->km);
		html_raw(w, " · ");
		html_text(w, km);
	}
	html_raw(w, "</p>\n");
	type_tags(w, r, m->types);
	html_raw(w, "</li>\n");
	buf_release(&when);
}

/* GET /meetings and GET /meetings/print: the finder, or its result as a printable list. */
static void finder(struct req *r, bool print)
{
	struct directory *d = directory_or_503(r);
	if (!d)
		return;
	struct finder_query q;
	finder_query_init(&q, print ? EXPORT_MAX : PAGE_SIZE);
	const char *field = NULL, *why = NULL;
	int bad = finder_query_parse(&q, d, query_param, r, print ? EXPORT_MAX : 100, &field, &why);
	struct finder_hit *hits = xcalloc((size_t)q.limit, sizeof *hits);
	size_t n = 0;
	bool more = false;
	int64_t now = now_seconds();
	if (!bad)
		n = finder_search(d, &q, now, hits, &more);
	struct html w;
	page_begin(r, &w, print ? T(r, "Meeting list") : T(r, "Find a meeting"));
	if (!print) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Mutual-help meetings — AA, NA, Al-Anon and others — in the directory. Open meetings "
				   "welcome anyone; closed meetings are for those who have the problem. No registration is "
				   "needed."));
		html_raw(&w, "</p>\n");
		finder_form(&w, r, d, field, why);
	}
	html_raw(&w, "<section class=\"tolv-results\" aria-labelledby=\"results-heading\"><h2 class=\"ds-heading\" "
		     "data-size=\"xs\" id=\"results-heading\">");
	if (bad)
		html_text(&w, T(r, "No search"));
	else if (n == 0)
		html_text(&w, T(r, "No meetings match"));
	else
		html_text(&w, T(r, "Meetings, by next start"));
	html_raw(&w, "</h2>\n");
	if (!print && !bad) {
		html_raw(&w, "<ul class=\"ds-list tolv-links tolv-noprint\">");
		export_link(&w, r, "/meetings.ics", T(r, "Add these meetings to your calendar (.ics)"));
		export_link(&w, r, "/meetings.csv", T(r, "Download as CSV"));
		export_link(&w, r, "/meetings/print", T(r, "Printable list"));
		html_raw(&w, "</ul>\n");
	}
	html_raw(&w, "<ol class=\"tolv-meetings\">\n");
	for (size_t i = 0; i < n; i++)
		hit_item(&w, r, &hits[i]);
	html_raw(&w, "</ol>\n");
	if (!print && (more || q.offset > 0)) {
		html_raw(&w, "<nav class=\"tolv-pager tolv-noprint\"");
		html_attr(&w, "aria-label", T(r, "Pages"));
		html_raw(&w, "><ul>");
		for (int dir = -1; dir <= 1; dir += 2) {
			int off = q.offset + dir * q.limit;
			if ((dir < 0 && q.offset == 0) || (dir > 0 && !more))
				continue;
			/* The same query with another offset. */
			struct buf href = BUF_INIT;
			buf_adds(&href, "/meetings?");
			for (size_t k = 0; k < r->query.n; k++) {
				if (!strcmp(r->query.v[k].name, "offset"))
					continue;
				url_encode(&href, r->query.v[k].name);
				buf_addch(&href, '=');
				url_encode(&href, r->query.v[k].value);
				buf_addch(&href, '&');
			}
			buf_addf(&href, "offset=%d", off < 0 ? 0 : off);
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, dir < 0 ? T(r, "Previous page") : T(r, "Next page"));
			html_raw(&w, "</a></li>");
			buf_release(&href);
		}
		html_raw(&w, "</ul></nav>\n");
	}
	html_raw(&w, "</section>\n");
	free(hits);
	directory_release(d);
	page_end(r, &w, bad ? 400 : 200);
}

void meetings_finder_get(struct req *r)
{
	finder(r, false);
}

void meetings_print_get(struct req *r)
{
	finder(r, true);
}

/* The whole result list (up to EXPORT_MAX) for an export; NULL if the query was bad
 * (answered) or the directory is away. */
static struct finder_hit *export_hits(struct req *r, struct directory **dp, size_t *n)
{
	struct directory *d = directory_or_503(r);
	if (!d)
		return NULL;
	struct finder_query q;
	finder_query_init(&q, EXPORT_MAX);
	const char *field, *why;
	if (finder_query_parse(&q, d, query_param, r, EXPORT_MAX, &field, &why)) {
		directory_release(d);
		resp_error(r, 400, "bad_request", why, field);
		return NULL;
	}
	struct finder_hit *hits = xcalloc((size_t)q.limit, sizeof *hits);
	bool more;
	*n = finder_search(d, &q, now_seconds(), hits, &more);
	*dp = d;
	return hits;
}

void meetings_csv_get(struct req *r)
{
	struct directory *d;
	size_t n;
	struct finder_hit *hits = export_hits(r, &d, &n);
	if (!hits)
		return;
	buf_reset(&r->out);
	finder_csv(hits, n, &r->out);
	free(hits);
	directory_release(d);
	r->status = 200;
	r->ctype = "text/csv; charset=utf-8";
	resp_header(r, "Content-Disposition", "attachment; filename=\"meetings.csv\"");
}

void meetings_ics_get(struct req *r)
{
	struct directory *d;
	size_t n;
	struct finder_hit *hits = export_hits(r, &d, &n);
	if (!hits)
		return;
	buf_reset(&r->out);
	finder_ics(hits, n, "tolv", T(r, "Meetings"), now_seconds(), &r->out);
	free(hits);
	directory_release(d);
	r->status = 200;
	r->ctype = "text/calendar; charset=utf-8";
	resp_header(r, "Content-Disposition", "attachment; filename=\"meetings.ics\"");
}

/* True if an If-None-Match header lists etag. */
static bool etag_listed(const char *header, const char *etag)
{
	if (!header)
		return false;
	size_t n = strlen(etag);
	for (const char *p = strstr(header, etag); p; p = strstr(p + 1, etag))
		if (p[n] == '\0' || p[n] == ',' || p[n] == ' ')
			return true;
	return strstr(header, "*") != NULL;
}

/* GET /meetings.json (no session work): the feed from memory. Copying it into the answer
 * is the one cost per request; building it happened once for this version. */
void meetings_feed_get(struct req *r)
{
	int rc;
	struct directory *d = directory_get(r->site->ac->store, now_seconds(), &rc);
	if (!d) {
		resp_text(r, 503, "unavailable\n");
		return;
	}
	char lm[40];
	time_t t = (time_t)directory_changed_at(d);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	resp_header(r, "ETag", directory_etag(d));
	resp_header(r, "Last-Modified", lm);
	/* Apps and TSML UI read feeds from other origins. */
	resp_header(r, "Access-Control-Allow-Origin", "*");
	r->ctype = "application/json; charset=utf-8";
	buf_reset(&r->out);
	if (etag_listed(r->hdr.if_none_match, directory_etag(d))) {
		r->status = 304;
	} else {
		size_t len;
		const char *feed = directory_feed(d, &len);
		buf_add(&r->out, feed, len);
		r->status = 200;
	}
	directory_release(d);
}

/* ---- a meeting's page ---- */

static void fact(struct html *w, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd>");
	html_text(w, value);
	html_raw(w, "</dd>");
}

static void fact_link(struct html *w, const char *label, const char *href, const char *text)
{
	if (!href || !*href)
		return;
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd><a class=\"ds-link\" rel=\"nofollow noopener\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, text ? text : href);
	html_raw(w, "</a></dd>");
}

static void schedule_text(struct req *r, const struct meeting *m, struct buf *out)
{
	char t[8], e[8];
	meeting_format_time(m->start_min, t, sizeof t);
	meeting_format_time(m->end_min, e, sizeof e);
	if (m->rrule[0]) {
		buf_addf(out, "%s (%s)", T(r, "Repeats"), m->rrule);
	} else if (!m->days || m->start_min < 0) {
		buf_adds(out, T(r, "By appointment"));
		return;
	} else {
		bool first = true;
		for (int k = 1; k <= 7; k++)
			if (m->days & (1 << (k % 7))) {
				buf_addf(out, "%s%s", first ? "" : ", ", meeting_day_name(k % 7, (int)r->lang));
				first = false;
			}
	}
	buf_addf(out, " %s%s%s (%s)", t, e[0] ? "–" : "", e, m->timezone);
}

struct cr_form {
	const char *name, *email, *message;
	const struct meeting_errors *errs;
	bool sent;
};

static void field_error_text(struct html *w, struct req *r, const struct meeting_errors *errs, const char *field)
{
	const char *msg = meeting_error_get(errs, field);
	if (!msg)
		return;
	html_raw(w, "<p class=\"ds-validation-message\" data-color=\"danger\" id=\"f-");
	html_text(w, field);
	html_raw(w, "-error\">");
	html_text(w, T(r, msg));
	html_raw(w, "</p>");
}

static void meeting_page(struct req *r, const struct meeting *m, const struct cr_form *cr, int status)
{
	struct html w;
	page_begin(r, &w, m->name);
	if (cr && cr->sent)
		page_alert(&w, "success", T(r, "Thank you. The directory's editors will look at your request."));
	struct buf sched = BUF_INIT;
	schedule_text(r, m, &sched);
	html_raw(&w, "<dl class=\"tolv-facts\">");
	fact(&w, T(r, "When"), sched.data);
	fact(&w, T(r, "Fellowship"), fellowship_name(r, m->fellowship));
	fact(&w, T(r, "How"), T(r, attendance_label(m->attendance)));
	fact(&w, T(r, "Place"), m->location);
	fact(&w, T(r, "Address"), *m->formatted_address ? m->formatted_address : m->address);
	fact(&w, T(r, "District"), m->region);
	fact(&w, T(r, "About the place"), m->location_notes);
	fact_link(&w, T(r, "Join online"), m->conference_url, NULL);
	fact(&w, T(r, "Online notes"), m->conference_url_notes);
	fact(&w, T(r, "Join by phone"), m->conference_phone);
	fact(&w, T(r, "Phone notes"), m->conference_phone_notes);
	fact(&w, T(r, "Group"), m->group_name);
	fact_link(&w, T(r, "Web site"), m->website, NULL);
	for (int i = 0; i < MEETING_CONTACTS; i++) {
		if (!m->contact[i].name[0] && !m->contact[i].email[0] && !m->contact[i].phone[0])
			continue;
		struct buf c = BUF_INIT;
		buf_adds(&c, m->contact[i].name);
		if (m->contact[i].phone[0])
			buf_addf(&c, "%s%s", c.len ? ", " : "", m->contact[i].phone);
		if (m->contact[i].email[0])
			buf_addf(&c, "%s%s", c.len ? ", " : "", m->contact[i].email);
		fact(&w, T(r, "Contact"), c.data);
		buf_release(&c);
	}
	html_raw(&w, "</dl>\n");
	type_tags(&w, r, m->types);
	if (m->notes[0]) {
		html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"xs\">");
		html_text(&w, T(r, "Notes"));
		html_raw(&w, "</h2><p class=\"ds-paragraph tolv-pre\">");
		html_text(&w, m->notes);
		html_raw(&w, "</p>\n");
	}
	/* The next few times. */
	struct recur_spec rs = { m->days, m->start_min, m->end_min, m->timezone, m->rrule, m->starts_on };
	struct occurrence occ[4];
	size_t k = recur_between(&rs, now_seconds(), now_seconds() + 100 * 86400, occ, 4);
	if (k) {
		html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"xs\">");
		html_text(&w, T(r, "Next times"));
		html_raw(&w, "</h2><ul class=\"ds-list\">");
		for (size_t i = 0; i < k; i++) {
			char date[11], t[8];
			date_format(occ[i].local_day, date);
			meeting_format_time(occ[i].local_min, t, sizeof t);
			html_raw(&w, "<li>");
			html_fmt(&w, "{} {} {}", meeting_day_name(occ[i].wday, (int)r->lang), date, t);
			html_raw(&w, "</li>");
		}
		html_raw(&w, "</ul>\n");
		html_raw(&w, "<p><a class=\"ds-button\" data-variant=\"secondary\" href=\"/meetings/");
		html_int(&w, m->id);
		html_raw(&w, "/calendar.ics\">");
		html_text(&w, T(r, "Add to calendar"));
		html_raw(&w, "</a></p>\n");
	}
	if (m->has_geo) {
		char href[160];
		snprintf(href, sizeof href, "https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f",
			 (double)m->lat_e6 / 1e6, (double)m->lon_e6 / 1e6, (double)m->lat_e6 / 1e6,
			 (double)m->lon_e6 / 1e6);
		html_raw(&w, "<p><a class=\"ds-link\" rel=\"noopener\"");
		html_attr(&w, "href", href);
		html_raw(&w, ">");
		html_text(&w, T(r, "Show on a map (OpenStreetMap)"));
		html_raw(&w, "</a></p>\n");
	}

	/* Request a change: public, with the double-submit CSRF token and a honeypot field
	 * that people do not see and robots fill in. */
	html_raw(&w, "<section class=\"tolv-noprint\" aria-labelledby=\"cr-heading\"><h2 class=\"ds-heading\" "
		     "data-size=\"xs\" id=\"cr-heading\">");
	html_text(&w, T(r, "Request a change to this listing"));
	html_raw(&w, "</h2><p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Has the meeting moved, changed its time or stopped? Tell the directory's editors. Please do "
			   "not write last names."));
	html_raw(&w, "</p>\n");
	struct buf action = BUF_INIT;
	buf_addf(&action, "/meetings/%" PRId64 "/change", m->id);
	form_begin(&w, r, action.data);
	buf_release(&action);
	const struct meeting_errors *errs = cr ? cr->errs : NULL;
	struct {
		const char *name, *label, *type, *value;
	} fields[] = {
		{ "name", T(r, "Your first name (optional)"), "text", cr ? cr->name : "" },
		{ "email", T(r, "Your e-mail, if you want an answer (optional)"), "email", cr ? cr->email : "" },
	};
	for (size_t i = 0; i < 2; i++) {
		html_raw(&w, "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-");
		html_text(&w, fields[i].name);
		html_raw(&w, "\">");
		html_text(&w, fields[i].label);
		html_raw(&w, "</label>");
		field_error_text(&w, r, errs, fields[i].name);
		html_raw(&w, "<input class=\"ds-input\"");
		html_attr(&w, "type", fields[i].type);
		html_attr(&w, "id", fields[i].name[0] == 'n' ? "f-name" : "f-email");
		html_attr(&w, "name", fields[i].name);
		html_attr(&w, "value", fields[i].value ? fields[i].value : "");
		if (meeting_error_get(errs, fields[i].name)) {
			html_raw(&w, " aria-invalid=\"true\"");
			html_attr(&w, "aria-describedby", fields[i].name[0] == 'n' ? "f-name-error" : "f-email-error");
		}
		html_raw(&w, "></div>\n");
	}
	html_raw(&w, "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-message\">");
	html_text(&w, T(r, "What should change?"));
	html_raw(&w, "</label>");
	field_error_text(&w, r, errs, "message");
	html_raw(&w, "<textarea class=\"ds-input\" id=\"f-message\" name=\"message\" rows=\"4\"");
	if (meeting_error_get(errs, "message"))
		html_raw(&w, " aria-invalid=\"true\" aria-describedby=\"f-message-error\"");
	html_raw(&w, ">");
	html_text(&w, cr && cr->message ? cr->message : "");
	html_raw(&w, "</textarea></div>\n<div class=\"tolv-hp\" aria-hidden=\"true\"><label for=\"f-homepage\">");
	html_text(&w, T(r, "Leave this field empty"));
	html_raw(&w, "</label><input type=\"text\" id=\"f-homepage\" name=\"homepage\" tabindex=\"-1\" "
		     "autocomplete=\"off\"></div>\n");
	form_button(&w, "primary", T(r, "Send the request"));
	form_end(&w);
	html_raw(&w, "</section>\n<p class=\"tolv-noprint\"><a class=\"ds-link\" href=\"/meetings\">");
	html_text(&w, T(r, "Back to the meeting finder"));
	html_raw(&w, "</a></p>\n");
	buf_release(&sched);
	page_end(r, &w, status);
}

void meeting_public_get(struct req *r)
{
	struct meeting m;
	int rc = store_meeting_get_public(r->site->ac->store, r->id, &m);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	const char *sent = query_get(r, "sent");
	struct cr_form cr = { .sent = sent && !strcmp(sent, "1") };
	meeting_page(r, &m, &cr, 200);
}

void meeting_ics_get(struct req *r)
{
	struct meeting m;
	int rc = store_meeting_get_public(r->site->ac->store, r->id, &m);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct ics_event ev = { .when = { m.days, m.start_min, m.end_min, m.timezone, m.rrule, m.starts_on } };
	char uid[64];
	snprintf(uid, sizeof uid, "meeting-%" PRId64 "@tolv", m.id);
	struct buf where = BUF_INIT;
	buf_adds(&where, m.location);
	const char *addr = m.formatted_address[0] ? m.formatted_address : m.address;
	if (*addr)
		buf_addf(&where, "%s%s", where.len ? ", " : "", addr);
	ev.uid = uid;
	ev.summary = m.name;
	ev.location = where.len ? where.data : m.conference_url;
	ev.description = m.notes;
	ev.url = m.conference_url[0] ? m.conference_url : NULL;
	buf_reset(&r->out);
	recur_ics(&r->out, &ev, 1, NULL, now_seconds());
	buf_release(&where);
	r->status = 200;
	r->ctype = "text/calendar; charset=utf-8";
	char disp[96];
	snprintf(disp, sizeof disp, "attachment; filename=\"meeting-%" PRId64 ".ics\"", m.id);
	resp_header(r, "Content-Disposition", disp);
}

void meeting_change_post(struct req *r)
{
	struct meeting m;
	int rc = store_meeting_get_public(r->site->ac->store, r->id, &m);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	const char *name, *email, *message, *hp;
	if (!form_str_or_400(r, "name", 500, &name) || !form_str_or_400(r, "email", 500, &email) ||
	    !form_str_or_400(r, "message", 8000, &message) || !form_str_or_400(r, "homepage", 2000, &hp))
		return;
	struct buf back = BUF_INIT;
	buf_addf(&back, "/meetings/%" PRId64 "?sent=1", m.id);
	if (*hp) {
		/* A robot: answered as if it worked, and nothing is kept. */
		resp_redirect(r, back.data);
		buf_release(&back);
		return;
	}
	struct meeting_errors errs = { 0 };
	rc = meetings_request_change(r->site->ac, m.id, name, email, message, r->addr, &errs, NULL);
	if (rc == ACC_INVALID) {
		struct cr_form cr = { name, email, message, &errs, false };
		meeting_page(r, &m, &cr, 422);
	} else if (rc == MEETING_THROTTLED) {
		resp_error(r, 429, "throttled", N_("Too many requests from your address. Try again in an hour."), NULL);
	} else if (rc) {
		resp_store_error(r, rc);
	} else {
		resp_redirect(r, back.data);
	}
	buf_release(&back);
}

/* ======================================================================================
 * The directory editors' pages (administrators and coordinators of the organisation).
 * ====================================================================================== */

static void editor_nav(struct html *w, struct req *r)
{
	html_raw(w, "<ul class=\"ds-list tolv-links\"><li><a class=\"ds-link\" href=\"/directory\">");
	html_text(w, T(r, "Meetings"));
	html_raw(w, "</a></li><li><a class=\"ds-link\" href=\"/directory/meetings/new\">");
	html_text(w, T(r, "Add a meeting"));
	html_raw(w, "</a></li><li><a class=\"ds-link\" href=\"/directory/requests\">");
	html_text(w, T(r, "Change requests"));
	html_raw(w, "</a></li><li><a class=\"ds-link\" href=\"/directory/import\">");
	html_text(w, T(r, "Import"));
	html_raw(w, "</a></li><li><a class=\"ds-link\" href=\"/meetings\">");
	html_text(w, T(r, "The public finder"));
	html_raw(w, "</a></li></ul>\n");
}

void directory_list_get(struct req *r)
{
	int64_t page;
	if (!query_int_or_400(r, "page", 1, 100000, 1, &page))
		return;
	const char *search = query_get(r, "q");
	const char *removed = query_get(r, "removed");
	struct meeting_query q = { .limit = EDITOR_PAGE, .offset = (int)((page - 1) * EDITOR_PAGE),
				   .include_removed = removed && !strcmp(removed, "1") };
	if (search && !copy_str(q.search, sizeof q.search, search)) {
		resp_error(r, 400, "bad_request", N_("The search is too long."), "q");
		return;
	}
	struct meeting *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_meeting_list(r->site->ac->store, r->org_id, &q, &rows, &n, &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Meeting directory"));
	editor_nav(&w, r);
	html_raw(&w, "<form method=\"get\" action=\"/directory\" role=\"search\">");
	text_field(&w, "q", T(r, "Search by name, slug, place or district"), "search", search, NULL);
	html_raw(&w, "<div class=\"ds-field tolv-check\"><input class=\"ds-input\" type=\"checkbox\" id=\"f-removed\" "
		     "name=\"removed\" value=\"1\"");
	if (q.include_removed)
		html_raw(&w, " checked");
	html_raw(&w, "><label class=\"ds-label\" for=\"f-removed\">");
	html_text(&w, T(r, "Also removed meetings"));
	html_raw(&w, "</label></div><p><button class=\"ds-button\" data-variant=\"secondary\" type=\"submit\">");
	html_text(&w, T(r, "Search"));
	html_raw(&w, "</button></p></form>\n");
	char count[24];
	snprintf(count, sizeof count, "%" PRId64, total);
	html_raw(&w, "<table class=\"ds-table\" data-border=\"true\"><caption>");
	html_fmt(&w, T(r, "{} meetings of {}"), count, r->org_name);
	html_raw(&w, "</caption><thead><tr><th scope=\"col\">");
	html_text(&w, T(r, "Name"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "When"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Place"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct meeting *m = &rows[i];
		struct buf sched = BUF_INIT;
		schedule_text(r, m, &sched);
		html_raw(&w, "<tr><td><a class=\"ds-link\" href=\"/directory/meetings/");
		html_int(&w, m->id);
		html_raw(&w, "\">");
		html_text(&w, m->name);
		html_raw(&w, "</a></td><td>");
		html_text(&w, sched.data);
		html_raw(&w, "</td><td>");
		html_text(&w, *m->location ? m->location : m->region);
		html_raw(&w, "</td><td>");
		html_text(&w, m->removed_at ? T(r, "Removed") : m->public ? T(r, "Published") : T(r, "Not published"));
		html_raw(&w, "</td></tr>\n");
		buf_release(&sched);
	}
	html_raw(&w, "</tbody></table>\n");
	if ((int64_t)page * EDITOR_PAGE < total) {
		html_raw(&w, "<p><a class=\"ds-link\" href=\"/directory?page=");
		html_int(&w, page + 1);
		if (search) {
			html_raw(&w, "&amp;q=");
			html_url_param(&w, search);
		}
		html_raw(&w, "\">");
		html_text(&w, T(r, "Next page"));
		html_raw(&w, "</a></p>\n");
	}
	free(rows);
	page_end(r, &w, 200);
}

/* ---- the editor's form ---- */

static void input_row(struct html *w, struct req *r, const struct meeting_errors *errs, const char *name,
		      const char *label, const char *value, const char *help)
{
	struct form_errors fe = { 0 };
	const char *msg = meeting_error_get(errs, name);
	if (msg)
		form_error(&fe, name, msg);
	form_input(w, r, &fe,
		   &(struct input){ .name = name, .label = label, .type = "text", .value = value, .autocomplete = "off",
				    .description = help });
}

static void textarea_row(struct html *w, struct req *r, const struct meeting_errors *errs, const char *name,
			 const char *label, const char *value)
{
	html_raw(w, "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-");
	html_text(w, name);
	html_raw(w, "\">");
	html_text(w, label);
	html_raw(w, "</label>");
	field_error_text(w, r, errs, name);
	html_raw(w, "<textarea class=\"ds-input\" rows=\"3\" id=\"f-");
	html_text(w, name);
	html_raw(w, "\" name=\"");
	html_text(w, name);
	html_raw(w, "\">");
	html_text(w, value);
	html_raw(w, "</textarea></div>\n");
}

static void meeting_form(struct req *r, const struct meeting *m, const struct meeting_errors *errs, int status)
{
	struct html w;
	bool is_new = m->id == 0;
	page_begin(r, &w, is_new ? T(r, "Add a meeting") : m->name);
	editor_nav(&w, r);
	if (errs && errs->n) {
		struct form_errors fe = { 0 };
		for (size_t i = 0; i < errs->n && i < FORM_ERRORS_MAX; i++)
			form_error(&fe, errs->e[i].field, errs->e[i].message);
		form_error_summary(&w, r, &fe);
	}
	if (!is_new) {
		html_raw(&w, "<p>");
		html_text(&w, m->removed_at ? T(r, "This meeting is removed from the directory.")
			   : m->public	    ? T(r, "This meeting is published.")
					    : T(r, "This meeting is not published."));
		if (m->public && !m->removed_at) {
			html_raw(&w, " <a class=\"ds-link\" href=\"/meetings/");
			html_int(&w, m->id);
			html_raw(&w, "\">");
			html_text(&w, T(r, "See its public page"));
			html_raw(&w, "</a>");
		}
		html_raw(&w, "</p>\n");
		struct buf act = BUF_INIT;
		buf_addf(&act, "/directory/meetings/%" PRId64 "/publish", m->id);
		form_begin(&w, r, act.data);
		html_raw(&w, "<input type=\"hidden\" name=\"public\"");
		html_attr(&w, "value", m->public && !m->removed_at ? "0" : "1");
		html_raw(&w, ">");
		form_button(&w, "secondary", m->public && !m->removed_at ? T(r, "Unpublish") : T(r, "Publish"));
		form_end(&w);
		buf_release(&act);
	}
	struct buf action = BUF_INIT;
	if (is_new)
		buf_adds(&action, "/directory/meetings");
	else
		buf_addf(&action, "/directory/meetings/%" PRId64, m->id);
	form_begin(&w, r, action.data);
	buf_release(&action);
	input_row(&w, r, errs, "name", T(r, "Name"), m->name, NULL);
	input_row(&w, r, errs, "slug", T(r, "Slug"), m->slug,
		  T(r, "The meeting's key in the feed: letters a-z, digits and '-'. Made from the name if empty."));
	select_open(&w, "fellowship", T(r, "Fellowship"));
	for (size_t i = 0; i < fellowships_count; i++)
		option(&w, fellowships[i].key, fellowships[i].name[r->lang], m->fellowship);
	html_raw(&w, "</select></div>\n");
	select_open(&w, "attendance", T(r, "How"));
	option(&w, "in_person", T(r, "In person"), m->attendance);
	option(&w, "hybrid", T(r, "In person and online"), m->attendance);
	option(&w, "online", T(r, "Online"), m->attendance);
	option(&w, "phone", T(r, "By phone"), m->attendance);
	html_raw(&w, "</select></div>\n<fieldset class=\"ds-fieldset\"><legend>");
	html_text(&w, T(r, "Days (weekly)"));
	html_raw(&w, "</legend><input type=\"hidden\" name=\"days_given\" value=\"1\">");
	field_error_text(&w, r, errs, "day");
	for (int k = 1; k <= 7; k++) {
		int d = k % 7;
		html_raw(&w, "<div class=\"ds-field tolv-check\"><input class=\"ds-input\" type=\"checkbox\" name=\"day\"");
		char v[4], id[8];
		snprintf(v, sizeof v, "%d", d);
		snprintf(id, sizeof id, "f-day%d", d);
		html_attr(&w, "value", v);
		html_attr(&w, "id", id);
		if (m->days & (1 << d))
			html_raw(&w, " checked");
		html_raw(&w, "><label class=\"ds-label\"");
		html_attr(&w, "for", id);
		html_raw(&w, ">");
		html_text(&w, meeting_day_name(d, (int)r->lang));
		html_raw(&w, "</label></div>");
	}
	html_raw(&w, "</fieldset>\n");
	char t[8], e[8], so[11];
	meeting_format_time(m->start_min, t, sizeof t);
	meeting_format_time(m->end_min, e, sizeof e);
	date_format(m->starts_on, so);
	input_row(&w, r, errs, "time", T(r, "Starts (HH:MM)"), t, NULL);
	input_row(&w, r, errs, "end_time", T(r, "Ends (HH:MM)"), e, NULL);
	input_row(&w, r, errs, "timezone", T(r, "Time zone"), m->timezone, NULL);
	input_row(&w, r, errs, "rrule", T(r, "Repeats other than weekly (iCalendar RRULE)"), m->rrule,
		  T(r, "For example FREQ=MONTHLY;BYDAY=1MO (the first Monday of the month) or "
		       "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH (every second Thursday, with a first date). Leave empty for weekly."));
	input_row(&w, r, errs, "starts_on", T(r, "First date of the series (YYYY-MM-DD)"), so, NULL);
	input_row(&w, r, errs, "location", T(r, "Place (building or landmark)"), m->location, NULL);
	input_row(&w, r, errs, "formatted_address", T(r, "Address"), m->formatted_address, NULL);
	input_row(&w, r, errs, "city", T(r, "Town"), m->city, NULL);
	input_row(&w, r, errs, "postal_code", T(r, "Postal code"), m->postal_code, NULL);
	input_row(&w, r, errs, "country", T(r, "Country"), m->country, NULL);
	input_row(&w, r, errs, "region", T(r, "District"), m->region, NULL);
	input_row(&w, r, errs, "sub_region", T(r, "Part of the district"), m->sub_region, NULL);
	char lat[24] = "", lon[24] = "";
	if (m->has_geo) {
		snprintf(lat, sizeof lat, "%.6f", (double)m->lat_e6 / 1e6);
		snprintf(lon, sizeof lon, "%.6f", (double)m->lon_e6 / 1e6);
	}
	input_row(&w, r, errs, "latitude", T(r, "Latitude"), lat, NULL);
	input_row(&w, r, errs, "longitude", T(r, "Longitude"), lon, NULL);
	input_row(&w, r, errs, "types", T(r, "Meeting types (codes)"), m->types,
		  T(r, "Codes separated by commas: O open, C closed, X wheelchair access, NO Norwegian, SV Swedish, EN "
		       "English, ST step study, B Big Book, DD dual diagnosis, MED meditation, W women, M men."));
	textarea_row(&w, r, errs, "notes", T(r, "Notes (no last names)"), m->notes);
	textarea_row(&w, r, errs, "location_notes", T(r, "About the place"), m->location_notes);
	input_row(&w, r, errs, "group", T(r, "Group"), m->group_name, NULL);
	input_row(&w, r, errs, "conference_url", T(r, "Conference URL"), m->conference_url, NULL);
	input_row(&w, r, errs, "conference_url_notes", T(r, "Conference notes"), m->conference_url_notes, NULL);
	input_row(&w, r, errs, "conference_phone", T(r, "Conference phone"), m->conference_phone, NULL);
	input_row(&w, r, errs, "conference_phone_notes", T(r, "Phone notes"), m->conference_phone_notes, NULL);
	input_row(&w, r, errs, "website", T(r, "Web site"), m->website, NULL);
	input_row(&w, r, errs, "email", T(r, "E-mail"), m->email, NULL);
	input_row(&w, r, errs, "phone", T(r, "Phone"), m->phone, NULL);
	static const char *const cn[] = { "contact_1_name", "contact_2_name", "contact_3_name" };
	static const char *const ce[] = { "contact_1_email", "contact_2_email", "contact_3_email" };
	static const char *const cp[] = { "contact_1_phone", "contact_2_phone", "contact_3_phone" };
	for (int i = 0; i < MEETING_CONTACTS; i++) {
		input_row(&w, r, errs, cn[i], T(r, "Contact: first name and at most an initial"), m->contact[i].name, NULL);
		input_row(&w, r, errs, ce[i], T(r, "Contact: e-mail"), m->contact[i].email, NULL);
		input_row(&w, r, errs, cp[i], T(r, "Contact: phone"), m->contact[i].phone, NULL);
	}
	form_button(&w, "primary", is_new ? T(r, "Add the meeting") : T(r, "Save"));
	form_end(&w);
	page_end(r, &w, status);
}

void directory_new_get(struct req *r)
{
	struct meeting m;
	meeting_init(&m);
	meeting_form(r, &m, NULL, 200);
}

/* The form's fields as meeting_input (absent fields NULL: kept). */
static void form_input_of(struct req *r, struct meeting_input *in)
{
	memset(in, 0, sizeof *in);
	in->name = form_get(r, "name");
	in->slug = form_get(r, "slug");
	if (form_get(r, "days_given")) {
		in->has_days = true;
		int k = 0;
		for (size_t i = 0; i < r->form.n && k < 7; i++)
			if (!strcmp(r->form.v[i].name, "day"))
				in->days[k++] = r->form.v[i].value;
	}
	in->time = form_get(r, "time");
	in->end_time = form_get(r, "end_time");
	in->timezone = form_get(r, "timezone");
	in->rrule = form_get(r, "rrule");
	in->starts_on = form_get(r, "starts_on");
	in->location = form_get(r, "location");
	in->location_notes = form_get(r, "location_notes");
	in->formatted_address = form_get(r, "formatted_address");
	in->city = form_get(r, "city");
	in->postal_code = form_get(r, "postal_code");
	in->country = form_get(r, "country");
	in->region = form_get(r, "region");
	in->sub_region = form_get(r, "sub_region");
	in->latitude = form_get(r, "latitude");
	in->longitude = form_get(r, "longitude");
	in->types = form_get(r, "types");
	in->notes = form_get(r, "notes");
	in->group = form_get(r, "group");
	in->fellowship = form_get(r, "fellowship");
	in->attendance = form_get(r, "attendance");
	in->conference_url = form_get(r, "conference_url");
	in->conference_url_notes = form_get(r, "conference_url_notes");
	in->conference_phone = form_get(r, "conference_phone");
	in->conference_phone_notes = form_get(r, "conference_phone_notes");
	in->website = form_get(r, "website");
	in->email = form_get(r, "email");
	in->phone = form_get(r, "phone");
	static const char *const cn[] = { "contact_1_name", "contact_2_name", "contact_3_name" };
	static const char *const ce[] = { "contact_1_email", "contact_2_email", "contact_3_email" };
	static const char *const cp[] = { "contact_1_phone", "contact_2_phone", "contact_3_phone" };
	for (int i = 0; i < MEETING_CONTACTS; i++) {
		in->contact_name[i] = form_get(r, cn[i]);
		in->contact_email[i] = form_get(r, ce[i]);
		in->contact_phone[i] = form_get(r, cp[i]);
	}
}

static void redirect_to_meeting(struct req *r, int64_t id)
{
	char loc[64];
	snprintf(loc, sizeof loc, "/directory/meetings/%" PRId64, id);
	resp_redirect(r, loc);
}

void directory_create_post(struct req *r)
{
	struct meeting m;
	meeting_init(&m);
	struct meeting_input in;
	form_input_of(r, &in);
	struct meeting_errors errs = { 0 };
	struct actor a;
	req_actor(r, &a);
	int rc = meeting_apply_input(&m, &in, &errs);
	if (!rc)
		rc = meetings_create(r->site->ac, &a, r->org_id, &m, &errs);
	if (rc == ACC_INVALID || (rc == STORE_CONFLICT && errs.n)) {
		m.id = 0;
		meeting_form(r, &m, &errs, rc == ACC_INVALID ? 422 : 409);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	redirect_to_meeting(r, m.id);
}

void directory_meeting_get(struct req *r)
{
	struct meeting m;
	int rc = store_meeting_get(r->site->ac->store, r->org_id, r->id, &m);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	meeting_form(r, &m, NULL, 200);
}

void directory_meeting_post(struct req *r)
{
	struct meeting m;
	int rc = store_meeting_get(r->site->ac->store, r->org_id, r->id, &m);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct meeting_input in;
	form_input_of(r, &in);
	struct meeting_errors errs = { 0 };
	struct actor a;
	req_actor(r, &a);
	rc = meeting_apply_input(&m, &in, &errs);
	if (!rc)
		rc = meetings_update(r->site->ac, &a, r->org_id, &m, &errs);
	if (rc == ACC_INVALID || (rc == STORE_CONFLICT && errs.n)) {
		meeting_form(r, &m, &errs, rc == ACC_INVALID ? 422 : 409);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	redirect_to_meeting(r, m.id);
}

void directory_publish_post(struct req *r)
{
	const char *v = form_get(r, "public");
	struct meeting m;
	int rc = store_meeting_get(r->site->ac->store, r->org_id, r->id, &m);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	if (!v || (strcmp(v, "0") && strcmp(v, "1"))) {
		resp_error(r, 422, "validation_failed", N_("Choose whether the meeting is published."), "public");
		return;
	}
	struct actor a;
	req_actor(r, &a);
	rc = meetings_set_public(r->site->ac, &a, r->org_id, r->id, !strcmp(v, "1"));
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	redirect_to_meeting(r, r->id);
}

/* ---- change requests ---- */

void directory_requests_get(struct req *r)
{
	const char *status = query_get(r, "status");
	if (!status || (strcmp(status, "done") && strcmp(status, "dismissed") && strcmp(status, "")))
		status = "new";
	struct meeting_change_request *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_meeting_cr_list(r->site->ac->store, r->org_id, status, 200, 0, &rows, &n, &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Change requests"));
	editor_nav(&w, r);
	html_raw(&w, "<ul class=\"ds-list tolv-links\"><li><a class=\"ds-link\" href=\"/directory/requests\">");
	html_text(&w, T(r, "New"));
	html_raw(&w, "</a></li><li><a class=\"ds-link\" href=\"/directory/requests?status=done\">");
	html_text(&w, T(r, "Handled"));
	html_raw(&w, "</a></li><li><a class=\"ds-link\" href=\"/directory/requests?status=dismissed\">");
	html_text(&w, T(r, "Dismissed"));
	html_raw(&w, "</a></li></ul>\n");
	if (n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No requests here."));
		html_raw(&w, "</p>\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct meeting_change_request *cr = &rows[i];
		char when[24];
		format_time(cr->created_at, when, sizeof when);
		html_raw(&w, "<article class=\"tolv-request\"><h2 class=\"ds-heading\" data-size=\"2xs\"><a class=\"ds-link\" "
			     "href=\"/directory/meetings/");
		html_int(&w, cr->meeting_id);
		html_raw(&w, "\">");
		html_text(&w, cr->meeting_name);
		html_raw(&w, "</a></h2><p>");
		html_text(&w, when);
		if (cr->name[0] || cr->email[0]) {
			html_raw(&w, " · ");
			html_text(&w, cr->name);
			if (cr->email[0]) {
				html_raw(&w, " ");
				html_text(&w, cr->email);
			}
		}
		html_raw(&w, "</p><p class=\"ds-paragraph tolv-pre\">");
		html_text(&w, cr->message);
		html_raw(&w, "</p>");
		if (!strcmp(cr->status, "new")) {
			form_begin(&w, r, "/directory/requests");
			html_raw(&w, "<input type=\"hidden\" name=\"id\"");
			html_attr_int(&w, "value", cr->id);
			html_raw(&w, "><button class=\"ds-button\" data-variant=\"primary\" type=\"submit\" name=\"status\" "
				     "value=\"done\">");
			html_text(&w, T(r, "Mark as done"));
			html_raw(&w, "</button> <button class=\"ds-button\" data-variant=\"secondary\" type=\"submit\" "
				     "name=\"status\" value=\"dismissed\">");
			html_text(&w, T(r, "Dismiss"));
			html_raw(&w, "</button>");
			form_end(&w);
		}
		html_raw(&w, "</article>\n");
	}
	free(rows);
	page_end(r, &w, 200);
}

void directory_requests_post(struct req *r)
{
	const char *id_s = form_get(r, "id"), *status = form_get(r, "status");
	int64_t id;
	if (!id_s || parse_int64(id_s, 1, INT64_MAX, &id) || !status ||
	    (strcmp(status, "done") && strcmp(status, "dismissed"))) {
		resp_error(r, 422, "validation_failed", N_("Choose a request and done or dismissed."), "id");
		return;
	}
	struct actor a;
	req_actor(r, &a);
	int rc = meetings_close_request(r->site->ac, &a, r->org_id, id, status);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	resp_redirect(r, "/directory/requests");
}

/* ---- imports ---- */

static void import_form(struct html *w, struct req *r, const char *url, const char *feed, const char *format,
			const char *tz, const char *fellowship, const char *name, bool preview_done)
{
	form_begin(w, r, "/directory/import");
	text_field(w, "url", T(r, "Feed address (Meeting Guide JSON or CSV)"), "url", url, NULL);
	html_raw(w, "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-feed\">");
	html_text(w, T(r, "…or paste the feed (up to 60 KB)"));
	html_raw(w, "</label><textarea class=\"ds-input\" rows=\"6\" id=\"f-feed\" name=\"feed\">");
	html_text(w, feed);
	html_raw(w, "</textarea></div>\n");
	text_field(w, "name", T(r, "Source name (for pasted feeds)"), "text", name, NULL);
	select_open(w, "format", T(r, "Format"));
	option(w, "", T(r, "Recognise it"), format);
	option(w, "json", "Meeting Guide JSON", format);
	option(w, "csv", T(r, "CSV (12 Step Meeting List)"), format);
	html_raw(w, "</select></div>\n");
	text_field(w, "timezone", T(r, "Time zone of meetings without one"), "text", tz && *tz ? tz : MEETING_DEFAULT_TZ,
		   NULL);
	select_open(w, "fellowship", T(r, "Fellowship"));
	for (size_t i = 0; i < fellowships_count; i++)
		option(w, fellowships[i].key, fellowships[i].name[r->lang], fellowship && *fellowship ? fellowship : "aa");
	html_raw(w, "</select></div>\n<p><button class=\"ds-button\" data-variant=\"secondary\" type=\"submit\" "
		    "name=\"action\" value=\"preview\">");
	html_text(w, T(r, "Preview the changes"));
	html_raw(w, "</button> ");
	if (preview_done) {
		html_raw(w, "<button class=\"ds-button\" data-variant=\"primary\" type=\"submit\" name=\"action\" "
			    "value=\"apply\">");
		html_text(w, T(r, "Apply the import"));
		html_raw(w, "</button>");
	}
	html_raw(w, "</p>\n");
	form_end(w);
}

void directory_import_get(struct req *r)
{
	struct meeting_source *src = NULL;
	size_t n = 0;
	int rc = store_meeting_source_list(r->site->ac->store, r->org_id, &src, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Import meetings"));
	editor_nav(&w, r);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Import a Meeting Guide feed or a CSV file from the 12 Step Meeting List plugin. A preview "
			   "shows what will be added, changed and removed; nothing changes until you apply it, and then "
			   "all of it changes at once."));
	html_raw(&w, "</p>\n");
	import_form(&w, r, "", "", "", "", "aa", "", false);
	for (size_t i = 0; i < n; i++) {
		html_raw(&w, "<section><h2 class=\"ds-heading\" data-size=\"xs\">");
		html_text(&w, src[i].name);
		html_raw(&w, "</h2>");
		struct meeting_import_run *runs = NULL;
		size_t nr = 0;
		if (store_meeting_run_list(r->site->ac->store, r->org_id, src[i].id, 10, &runs, &nr) == STORE_OK && nr) {
			html_raw(&w, "<table class=\"ds-table\"><caption>");
			html_text(&w, T(r, "History"));
			html_raw(&w, "</caption><thead><tr><th scope=\"col\">");
			html_text(&w, T(r, "When"));
			html_raw(&w, "</th><th scope=\"col\">");
			html_text(&w, T(r, "Result"));
			html_raw(&w, "</th><th scope=\"col\">");
			html_text(&w, T(r, "Summary"));
			html_raw(&w, "</th></tr></thead><tbody>");
			for (size_t k = 0; k < nr; k++) {
				char when[24];
				format_time(runs[k].at, when, sizeof when);
				html_raw(&w, "<tr><td>");
				html_text(&w, when);
				html_raw(&w, "</td><td>");
				html_text(&w, runs[k].status);
				html_raw(&w, "</td><td class=\"tolv-pre\">");
				html_text(&w, runs[k].message);
				html_raw(&w, "</td></tr>");
			}
			html_raw(&w, "</tbody></table>");
		}
		free(runs);
		html_raw(&w, "</section>\n");
	}
	free(src);
	page_end(r, &w, 200);
}

static void import_error_page(struct req *r, int status, const char *msg, const char *url, const char *feed,
			      const char *format, const char *tz, const char *fellowship, const char *name)
{
	struct html w;
	page_begin(r, &w, T(r, "Import meetings"));
	editor_nav(&w, r);
	html_raw(&w, "<div class=\"ds-alert\" data-color=\"danger\" role=\"alert\"><p>");
	html_text(&w, T(r, msg));
	html_raw(&w, "</p></div>\n");
	import_form(&w, r, url, feed, format, tz, fellowship, name, false);
	page_end(r, &w, status);
}

void directory_import_post(struct req *r)
{
	const char *url, *feed, *format, *tz, *fellowship, *name, *action;
	if (!form_str_or_400(r, "url", MEETING_URL_MAX - 1, &url) || !form_str_or_400(r, "feed", PASTE_MAX, &feed) ||
	    !form_str_or_400(r, "format", 8, &format) || !form_str_or_400(r, "timezone", 64, &tz) ||
	    !form_str_or_400(r, "fellowship", 31, &fellowship) || !form_str_or_400(r, "name", 200, &name) ||
	    !form_str_or_400(r, "action", 16, &action))
		return;
	bool apply = !strcmp(action, "apply");
	if (!*url && !*feed) {
		import_error_page(r, 422, N_("Give the feed's address or paste the feed."), url, feed, format, tz,
				  fellowship, name);
		return;
	}
	if (*tz && !recur_timezone_ok(tz)) {
		import_error_page(r, 422, N_("Choose a time zone from the tz database, like Europe/Oslo."), url, feed,
				  format, tz, fellowship, name);
		return;
	}
	if (*fellowship && !fellowship_find(fellowship)) {
		import_error_page(r, 422, N_("Choose the fellowship (AA, NA, …)."), url, feed, format, tz, fellowship,
				  name);
		return;
	}
	struct buf data = BUF_INIT;
	if (*url) {
		char err[256];
		if (meeting_fetch_url(url, MEETING_IMPORT_MAX_BYTES, &data, err, sizeof err)) {
			buf_release(&data);
			log_warn("meetings: import fetch failed: %s", err);
			import_error_page(r, 422, N_("The feed could not be fetched from that address."), url, feed,
					  format, tz, fellowship, name);
			return;
		}
	} else {
		buf_adds(&data, feed);
	}
	/* The source: found by name (the URL, or the name given), made on first import. */
	struct meeting_source src;
	const char *src_name = *url ? url : (*name ? name : "Pasted feed");
	int rc = store_meeting_source_get_by_name(r->site->ac->store, r->org_id, src_name, &src);
	if (rc == STORE_NOTFOUND) {
		memset(&src, 0, sizeof src);
		copy_str(src.name, sizeof src.name, src_name);
		copy_str(src.url, sizeof src.url, url);
		rc = STORE_OK;
	}
	if (rc) {
		buf_release(&data);
		resp_store_error(r, rc);
		return;
	}
	enum import_format fmt = !strcmp(format, "csv")	 ? IMPORT_CSV
				 : !strcmp(format, "json") ? IMPORT_JSON
							   : meeting_import_guess(url, data.data, data.len);
	copy_str(src.format, sizeof src.format, fmt == IMPORT_CSV ? "csv" : "json");
	copy_str(src.timezone, sizeof src.timezone, *tz ? tz : MEETING_DEFAULT_TZ);
	copy_str(src.fellowship, sizeof src.fellowship, *fellowship ? fellowship_find(fellowship)->key : "aa");
	rc = src.id ? store_meeting_source_update(r->site->ac->store, r->org_id, &src)
		    : store_meeting_source_create(r->site->ac->store, r->org_id, &src);
	if (rc) {
		buf_release(&data);
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct import_result res;
	rc = meeting_import_run(r->site->ac, &a, r->org_id, &src, data.data, data.len, !apply, &res);
	buf_release(&data);
	if (rc) {
		import_result_release(&res);
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, res.applied ? T(r, "Import applied") : T(r, "Import preview"));
	editor_nav(&w, r);
	bool failed = !strcmp(res.run.status, "failed");
	if (failed)
		page_alert(&w, "danger", T(r, "Nothing was changed."));
	else if (res.applied)
		page_alert(&w, "success", T(r, "The import was applied."));
	html_raw(&w, "<p class=\"ds-paragraph tolv-pre\">");
	html_text(&w, res.run.message);
	html_raw(&w, "</p>\n");
	if (res.plan.nitems) {
		html_raw(&w, "<table class=\"ds-table\"><caption>");
		html_text(&w, res.applied ? T(r, "Changes") : T(r, "Changes the import will make"));
		html_raw(&w, "</caption><thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Change"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Slug"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th></tr></thead><tbody>");
		for (size_t i = 0; i < res.plan.nitems && i < 500; i++) {
			const struct import_item *it = &res.plan.items[i];
			html_raw(&w, "<tr><td>");
			html_text(&w, it->kind == '+' ? T(r, "Add") : it->kind == '~' ? T(r, "Change") : T(r, "Remove"));
			html_raw(&w, "</td><td>");
			html_text(&w, it->slug);
			html_raw(&w, "</td><td>");
			html_text(&w, it->name);
			html_raw(&w, "</td></tr>");
		}
		html_raw(&w, "</tbody></table>\n");
	}
	if (res.imp.nerrors) {
		html_raw(&w, "<table class=\"ds-table\"><caption>");
		html_text(&w, T(r, "Rejected rows"));
		html_raw(&w, "</caption><thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Row"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Slug"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Field"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Reason"));
		html_raw(&w, "</th></tr></thead><tbody>");
		for (size_t i = 0; i < res.imp.nerrors && i < 200; i++) {
			const struct import_error *e = &res.imp.errors[i];
			html_raw(&w, "<tr><td>");
			html_int(&w, e->row);
			html_raw(&w, "</td><td>");
			html_text(&w, e->slug);
			html_raw(&w, "</td><td>");
			html_text(&w, e->field);
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, e->message));
			html_raw(&w, "</td></tr>");
		}
		html_raw(&w, "</tbody></table>\n");
	}
	if (!res.applied && !failed)
		import_form(&w, r, url, feed, src.format, src.timezone, src.fellowship, name, true);
	import_result_release(&res);
	page_end(r, &w, 200);
}
