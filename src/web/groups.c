/* groups.c: the group (cohort) pages of a programme — new group, one group with its
 * schedule, members and waiting list. Rows that show a person are audited as reads. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/intake.h"
#include "html/form.h"
#include "html/layout.h"

static bool can_edit(const struct req *r)
{
	return (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
}

static void web_actor(struct req *r, struct actor *a)
{
	req_actor(r, a);
	a->org_id = r->org_id;
}

static const char *const weekday_names[7] = { N_("Monday"), N_("Tuesday"),  N_("Wednesday"), N_("Thursday"),
					      N_("Friday"), N_("Saturday"), N_("Sunday") };
static const char *const weekday_fields[7] = { "day1", "day2", "day3", "day4", "day5", "day6", "day7" };

/* What the group form sends, kept as typed. */
struct group_form {
	const char *name, *phase_key, *start, *end, *place, *capacity;
	int weekdays;
	bool active;
};

static void hhmm(int min, char out[8])
{
	snprintf(out, 8, "%02d:%02d", (min / 60) % 100, min % 60);
}

static void form_from_group(struct req *r, const struct group *g, struct group_form *f)
{
	f->name = pool_strdup(&r->pool, g->name);
	f->phase_key = pool_strdup(&r->pool, g->phase_key);
	f->place = pool_strdup(&r->pool, g->place);
	char b[24];
	if (g->start_min == 0 && g->end_min == 0) {
		f->start = "";
		f->end = "";
	} else {
		hhmm(g->start_min, b);
		f->start = pool_strdup(&r->pool, b);
		hhmm(g->end_min, b);
		f->end = pool_strdup(&r->pool, b);
	}
	snprintf(b, sizeof b, "%d", g->capacity);
	f->capacity = pool_strdup(&r->pool, b);
	f->weekdays = g->weekdays;
	f->active = g->active;
}

/* Reads the form into f and g; messages for what cannot be parsed go to fe. False: 400
 * answered. */
static bool group_from_form(struct req *r, struct group_form *f, struct group *g, struct form_errors *fe)
{
	if (!form_str_or_400(r, "name", 1000, &f->name) || !form_str_or_400(r, "phase_key", 100, &f->phase_key) ||
	    !form_str_or_400(r, "start", 20, &f->start) || !form_str_or_400(r, "end", 20, &f->end) ||
	    !form_str_or_400(r, "place", 1000, &f->place) || !form_str_or_400(r, "capacity", 20, &f->capacity))
		return false;
	f->weekdays = 0;
	for (int d = 0; d < 7; d++)
		if (form_get(r, weekday_fields[d]))
			f->weekdays |= 1 << d;
	f->active = form_get(r, "active") != NULL;
	copy_str(g->name, sizeof g->name, f->name);
	if (strlen(f->name) >= sizeof g->name)
		form_error(fe, "name", N_("The name is too long (at most 200 characters)."));
	copy_str(g->phase_key, sizeof g->phase_key, f->phase_key);
	copy_str(g->place, sizeof g->place, f->place);
	if (strlen(f->place) >= sizeof g->place)
		form_error(fe, "place", N_("The place is too long (at most 200 characters)."));
	g->weekdays = f->weekdays;
	g->active = f->active;
	int s = *f->start ? intake_parse_time(f->start, false) : 0;
	int e = *f->end ? intake_parse_time(f->end, true) : 0;
	if (s < 0)
		form_error(fe, "start", N_("Enter a start time as HH:MM, like 09:00."));
	if (e < 0)
		form_error(fe, "end", N_("Enter an end time as HH:MM, like 11:00."));
	if ((*f->start != 0) != (*f->end != 0) && s >= 0 && e >= 0)
		form_error(fe, *f->start ? "end" : "start", N_("Enter both a start and an end time, or neither."));
	g->start_min = s < 0 ? 0 : s;
	g->end_min = e < 0 ? 0 : e;
	int64_t cap = 0;
	if (*f->capacity && parse_int64(f->capacity, 0, 1000000, &cap) != 0)
		form_error(fe, "capacity", N_("Enter a whole number."));
	g->capacity = (int)cap;
	return true;
}

static void group_fields(struct html *w, struct req *r, const struct programme *p, const struct group_form *f,
			 const struct form_errors *fe)
{
	form_input(w, r, fe,
		   &(struct input){ .name = "name", .label = T(r, "Name"), .type = "text", .value = f->name,
				    .autocomplete = "off", .required = true });
	struct option opts[STORE_PHASES_MAX + 1];
	size_t n = 0;
	opts[n].value = "";
	opts[n++].label = T(r, "Any phase");
	for (int i = 0; i < p->nphases; i++) {
		opts[n].value = p->phases[i].key;
		opts[n++].label = T(r, p->phases[i].label);
	}
	form_select(w, r, fe, "phase_key", T(r, "Phase the group serves"), opts, n, f->phase_key);
	const char *err = form_error_get(fe, "weekdays");
	html_raw(w, "<fieldset class=\"ds-fieldset\" id=\"f-weekdays\"");
	if (err)
		html_raw(w, " aria-describedby=\"f-weekdays-error\"");
	html_raw(w, "><legend class=\"ds-label\">");
	html_text(w, T(r, "Weekdays"));
	html_raw(w, "</legend>\n");
	for (int d = 0; d < 7; d++) {
		char id[16];
		snprintf(id, sizeof id, "f-%s", weekday_fields[d]);
		html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" value=\"yes\"");
		html_attr(w, "id", id);
		html_attr(w, "name", weekday_fields[d]);
		if (f->weekdays & (1 << d))
			html_raw(w, " checked");
		html_raw(w, "><label class=\"ds-label\"");
		html_attr(w, "for", id);
		html_raw(w, ">");
		html_text(w, T(r, weekday_names[d]));
		html_raw(w, "</label></div>\n");
	}
	if (err) {
		html_raw(w, "<p class=\"ds-validation-message\" id=\"f-weekdays-error\">");
		html_text(w, T(r, err));
		html_raw(w, "</p>\n");
	}
	html_raw(w, "</fieldset>\n");
	form_input(w, r, fe,
		   &(struct input){ .name = "start", .label = T(r, "Start time"), .type = "time", .value = f->start,
				    .description = T(r, "HH:MM, like 09:00") });
	form_input(w, r, fe,
		   &(struct input){ .name = "end", .label = T(r, "End time"), .type = "time", .value = f->end,
				    .description = T(r, "HH:MM, like 11:00") });
	form_input(w, r, fe,
		   &(struct input){ .name = "place", .label = T(r, "Room or place"), .type = "text", .value = f->place });
	form_input(w, r, fe,
		   &(struct input){ .name = "capacity", .label = T(r, "Capacity"), .type = "text", .value = f->capacity,
				    .description = T(r, "The most members at once; 0 means no limit.") });
	html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" id=\"f-active\" name=\"active\" "
		    "value=\"yes\"");
	if (f->active)
		html_raw(w, " checked");
	html_raw(w, "><label class=\"ds-label\" for=\"f-active\">");
	html_text(w, T(r, "Active"));
	html_raw(w, "</label></div>\n");
}

/* ---- new group ---- */

static void new_group_page(struct req *r, int status, const struct programme *p, const struct group_form *f,
			   const struct form_errors *fe)
{
	struct html w;
	page_begin(r, &w, T(r, "New group"));
	form_error_summary(&w, r, fe);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_fmt(&w, T(r, "A group of the programme {}."), p->name);
	html_raw(&w, "</p>\n");
	struct buf action = BUF_INIT;
	buf_addf(&action, "/programmes/%" PRId64 "/groups", p->id);
	form_begin(&w, r, action.data);
	group_fields(&w, r, p, f, fe);
	form_button(&w, "primary", T(r, "Create group"));
	form_end(&w);
	buf_reset(&action);
	buf_addf(&action, "/programmes/%" PRId64, p->id);
	intake_back_link(&w, action.data, T(r, "Back to the programme"));
	buf_release(&action);
	page_end(r, &w, status);
}

void group_new_get(struct req *r)
{
	struct programme p;
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	struct group_form f = { .name = "", .phase_key = "", .start = "", .end = "", .place = "", .capacity = "0",
				.weekdays = 0, .active = true };
	new_group_page(r, 200, &p, &f, NULL);
}

void group_create_post(struct req *r)
{
	struct programme p;
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	struct group_form f;
	struct group g;
	memset(&g, 0, sizeof g);
	struct form_errors fe = { 0 };
	if (!group_from_form(r, &f, &g, &fe))
		return;
	g.programme_id = p.id;
	if (!fe.n) {
		struct actor a;
		web_actor(r, &a);
		struct intake_errors ie = { 0 };
		rc = intake_group_create(r->site->ac, &a, &g, &ie);
		if (rc == ACC_INVALID) {
			intake_form_errors(&fe, &ie);
		} else if (rc) {
			intake_page_error(r, rc);
			return;
		}
	}
	if (fe.n) {
		new_group_page(r, 422, &p, &f, &fe);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/groups/%" PRId64 "?saved=1", g.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

/* ---- one group ---- */

static void person_name(struct html *w, struct req *r, const char *given, const char *family)
{
	if (!given[0] && !family[0]) {
		html_text(w, T(r, "(no name)"));
		return;
	}
	html_text(w, given);
	if (given[0] && family[0])
		html_raw(w, " ");
	html_text(w, family);
}

static void small_post_button(struct html *w, struct req *r, const char *action, const char *name, int64_t value,
			      const char *label, const char *aria)
{
	html_raw(w, "<form class=\"tolv-inline\" method=\"post\"");
	html_attr(w, "action", action);
	html_raw(w, "><input type=\"hidden\" name=\"csrf\"");
	html_attr(w, "value", req_csrf_token(r));
	html_raw(w, "><input type=\"hidden\"");
	html_attr(w, "name", name);
	html_attr_int(w, "value", value);
	html_raw(w, "><button class=\"ds-button\" data-variant=\"secondary\" data-size=\"sm\" type=\"submit\"");
	html_attr(w, "aria-label", aria);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</button></form>");
}

struct member_form {
	const char *enrolment_id, *from;
	bool waitlist;
};

static void group_page(struct req *r, int status, const struct group *g, const struct programme *p,
		       const struct group_form *f, const struct form_errors *fe, const struct member_form *mf,
		       const struct form_errors *mfe, const char *notice)
{
	struct actor a;
	web_actor(r, &a);
	struct html w;
	page_begin(r, &w, g->name);
	form_error_summary(&w, r, fe ? fe : mfe);
	if (notice)
		page_alert(&w, "success", notice);
	else if (!fe && !mfe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	else if (!fe && !mfe && query_get(r, "waitlisted"))
		page_alert(&w, "warning", T(r, "The group was full: the person was put on the waiting list."));

	char members[24], cap[24];
	snprintf(members, sizeof members, "%d", g->members);
	snprintf(cap, sizeof cap, "%d", g->capacity);
	html_raw(&w, "<dl class=\"tolv-facts\"><dt>");
	html_text(&w, T(r, "Programme"));
	html_raw(&w, "</dt><dd>");
	struct buf href = BUF_INIT;
	buf_addf(&href, "/programmes/%" PRId64, p->id);
	html_raw(&w, "<a class=\"ds-link\"");
	html_attr(&w, "href", href.data);
	html_raw(&w, ">");
	html_text(&w, p->name);
	html_raw(&w, "</a></dd><dt>");
	html_text(&w, T(r, "Members"));
	html_raw(&w, "</dt><dd>");
	if (g->capacity)
		html_fmt(&w, T(r, "{} of {} places taken"), members, cap);
	else
		html_fmt(&w, T(r, "{} (no limit)"), members);
	html_raw(&w, "</dd></dl>\n");
	buf_reset(&href);
	buf_addf(&href, "/groups/%" PRId64 "/roster", g->id);
	html_raw(&w, "<p><a class=\"ds-link\"");
	html_attr(&w, "href", href.data);
	html_raw(&w, ">");
	html_text(&w, T(r, "Attendance roster"));
	html_raw(&w, "</a></p>\n");
	buf_reset(&href);
	buf_addf(&href, "/groups/%" PRId64 "/steps", g->id);
	html_raw(&w, "<p><a class=\"ds-link\"");
	html_attr(&w, "href", href.data);
	html_raw(&w, ">");
	html_text(&w, T(r, "Steps of the group"));
	html_raw(&w, "</a></p>\n");

	/* Members */
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\" id=\"members\">");
	html_text(&w, T(r, "Members"));
	html_raw(&w, "</h2>\n");
	struct group_member *ms = NULL;
	size_t n = 0;
	buf_reset(&href);
	buf_addf(&href, "/groups/%" PRId64 "/members/end", g->id);
	if (store_group_member_list(r->site->ac->store, r->org_id, g->id, DATE_NONE, &ms, &n) == STORE_OK && n) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_fmt(&w, T(r, "Members of {}"), g->name);
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "From"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "To"));
		html_raw(&w, "</th>");
		if (can_edit(r)) {
			html_raw(&w, "<th scope=\"col\">");
			html_text(&w, T(r, "Actions"));
			html_raw(&w, "</th>");
		}
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			intake_audit(r->site->ac, &a, "person.read", "person", ms[i].person_id, "group members");
			char from[11], to[11];
			date_format(ms[i].from_day, from);
			date_format(ms[i].to_day, to);
			html_raw(&w, "<tr><td>");
			person_name(&w, r, ms[i].given_name, ms[i].family_name);
			html_raw(&w, "</td><td>");
			html_text(&w, from);
			html_raw(&w, "</td><td>");
			html_text(&w, to[0] ? to : "–");
			html_raw(&w, "</td>");
			if (can_edit(r)) {
				html_raw(&w, "<td>");
				if (ms[i].to_day == DATE_NONE) {
					struct buf al = BUF_INIT;
					buf_addf(&al, "%s: %s %s", T(r, "End membership"), ms[i].given_name,
						 ms[i].family_name);
					small_post_button(&w, r, href.data, "member_id", ms[i].id, T(r, "End membership"),
							  al.data);
					buf_release(&al);
				}
				html_raw(&w, "</td>");
			}
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	} else {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No members yet."));
		html_raw(&w, "</p>\n");
	}
	free(ms);

	if (can_edit(r)) {
		/* Add a member: the programme's open enrolments. */
		struct enrolment_query q;
		memset(&q, 0, sizeof q);
		q.programme_id = p->id;
		copy_str(q.status, sizeof q.status, "open");
		q.phase = -1;
		q.recent_from = DATE_NONE;
		q.sort = STORE_ENROL_BY_NAME;
		q.limit = 500;
		struct enrolment_row *es = NULL;
		size_t ne = 0;
		html_raw(&w, "<h3 class=\"ds-heading\" data-size=\"xs\">");
		html_text(&w, T(r, "Add a member"));
		html_raw(&w, "</h3>\n");
		if (store_enrolment_list(r->site->ac->store, r->org_id, &q, &es, &ne, NULL) == STORE_OK && ne) {
			struct option *opts = xcalloc(ne, sizeof *opts);
			for (size_t i = 0; i < ne; i++) {
				intake_audit(r->site->ac, &a, "person.read", "person", es[i].e.person_id, "enrolment choice");
				char id[24];
				snprintf(id, sizeof id, "%" PRId64, es[i].e.id);
				opts[i].value = pool_strdup(&r->pool, id);
				struct buf lab = BUF_INIT;
				buf_addf(&lab, "%s %s", es[i].given_name, es[i].family_name);
				opts[i].label = pool_strdup(&r->pool, lab.data);
				buf_release(&lab);
			}
			buf_reset(&href);
			buf_addf(&href, "/groups/%" PRId64 "/members", g->id);
			form_begin(&w, r, href.data);
			form_select(&w, r, mfe, "enrolment_id", T(r, "Person (enrolled in the programme)"), opts, ne,
				    mf ? mf->enrolment_id : NULL);
			form_input(&w, r, mfe,
				   &(struct input){ .name = "from", .label = T(r, "From"), .type = "date",
						    .value = mf ? mf->from : "",
						    .description = T(r, "YYYY-MM-DD; empty means today.") });
			html_raw(&w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" id=\"f-waitlist\" "
				     "name=\"waitlist\" value=\"yes\"");
			const char *werr = form_error_get(mfe, "waitlist");
			if (werr)
				html_raw(&w, " aria-invalid=\"true\" aria-describedby=\"f-waitlist-error\"");
			if (!mf || mf->waitlist)
				html_raw(&w, " checked");
			html_raw(&w, "><label class=\"ds-label\" for=\"f-waitlist\">");
			html_text(&w, T(r, "If the group is full, put the person on the waiting list"));
			html_raw(&w, "</label>");
			if (werr) {
				html_raw(&w, "<p class=\"ds-validation-message\" data-field=\"validation\" "
					     "id=\"f-waitlist-error\">");
				html_text(&w, T(r, werr));
				html_raw(&w, "</p>");
			}
			html_raw(&w, "</div>\n");
			form_button(&w, "primary", T(r, "Add member"));
			form_end(&w);
			free(opts);
		} else {
			html_raw(&w, "<p class=\"ds-paragraph\">");
			html_text(&w, T(r, "Nobody is enrolled in the programme yet."));
			html_raw(&w, "</p>\n");
		}
		free(es);
	}

	/* Waiting list */
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\" id=\"waiting\">");
	html_text(&w, T(r, "Waiting list"));
	html_raw(&w, "</h2>\n");
	struct group_waiting *ws = NULL;
	if (store_waiting_list(r->site->ac->store, r->org_id, g->id, &ws, &n) == STORE_OK && n) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_fmt(&w, T(r, "Waiting list of {}, first in line first"), g->name);
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Place in line"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Since"));
		html_raw(&w, "</th>");
		if (can_edit(r)) {
			html_raw(&w, "<th scope=\"col\">");
			html_text(&w, T(r, "Actions"));
			html_raw(&w, "</th>");
		}
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		struct buf promote = BUF_INIT, remove = BUF_INIT;
		buf_addf(&promote, "/groups/%" PRId64 "/waiting/promote", g->id);
		buf_addf(&remove, "/groups/%" PRId64 "/waiting/remove", g->id);
		for (size_t i = 0; i < n; i++) {
			intake_audit(r->site->ac, &a, "person.read", "person", ws[i].person_id, "waiting list");
			char since[11];
			date_format(date_from_unix_cet(ws[i].created_at), since);
			html_raw(&w, "<tr><td>");
			html_int(&w, ws[i].position);
			html_raw(&w, "</td><td>");
			person_name(&w, r, ws[i].given_name, ws[i].family_name);
			html_raw(&w, "</td><td>");
			html_text(&w, since);
			html_raw(&w, "</td>");
			if (can_edit(r)) {
				struct buf al = BUF_INIT;
				html_raw(&w, "<td>");
				buf_addf(&al, "%s: %s %s", T(r, "Move into the group"), ws[i].given_name,
					 ws[i].family_name);
				small_post_button(&w, r, promote.data, "waiting_id", ws[i].id, T(r, "Move into the group"),
						  al.data);
				buf_reset(&al);
				buf_addf(&al, "%s: %s %s", T(r, "Remove from the waiting list"), ws[i].given_name,
					 ws[i].family_name);
				small_post_button(&w, r, remove.data, "waiting_id", ws[i].id,
						  T(r, "Remove from the waiting list"), al.data);
				buf_release(&al);
				html_raw(&w, "</td>");
			}
			html_raw(&w, "</tr>\n");
		}
		buf_release(&promote);
		buf_release(&remove);
		html_raw(&w, "</tbody>\n</table>\n");
	} else {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Nobody is waiting."));
		html_raw(&w, "</p>\n");
	}
	free(ws);

	if (can_edit(r)) {
		html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
		html_text(&w, T(r, "Schedule and settings"));
		html_raw(&w, "</h2>\n");
		buf_reset(&href);
		buf_addf(&href, "/groups/%" PRId64, g->id);
		form_begin(&w, r, href.data);
		group_fields(&w, r, p, f, fe);
		form_button(&w, "primary", T(r, "Save changes"));
		form_end(&w);
	}
	buf_reset(&href);
	buf_addf(&href, "/programmes/%" PRId64, p->id);
	intake_back_link(&w, href.data, T(r, "Back to the programme"));
	buf_release(&href);
	page_end(r, &w, status);
}

static bool load_group(struct req *r, struct group *g, struct programme *p)
{
	int rc = store_group_get(r->site->ac->store, r->org_id, r->id, g);
	if (rc == STORE_OK)
		rc = store_programme_get(r->site->ac->store, r->org_id, g->programme_id, p);
	if (rc) {
		intake_page_error(r, rc);
		return false;
	}
	return true;
}

void group_get(struct req *r)
{
	struct group g;
	struct programme p;
	if (!load_group(r, &g, &p))
		return;
	struct group_form f;
	form_from_group(r, &g, &f);
	group_page(r, 200, &g, &p, &f, NULL, NULL, NULL, NULL);
}

void group_post(struct req *r)
{
	struct group g;
	struct programme p;
	if (!load_group(r, &g, &p))
		return;
	struct group_form f;
	struct group ng = g;
	struct form_errors fe = { 0 };
	if (!group_from_form(r, &f, &ng, &fe))
		return;
	if (!fe.n) {
		struct actor a;
		web_actor(r, &a);
		struct intake_errors ie = { 0 };
		int rc = intake_group_update(r->site->ac, &a, &ng, &ie);
		if (rc == ACC_INVALID) {
			intake_form_errors(&fe, &ie);
		} else if (rc) {
			intake_page_error(r, rc);
			return;
		}
	}
	if (fe.n) {
		group_page(r, 422, &g, &p, &f, &fe, NULL, NULL, NULL);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/groups/%" PRId64 "?saved=1", g.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

static void back_to_group(struct req *r, int64_t id, const char *flag)
{
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/groups/%" PRId64 "?%s=1", id, flag);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void group_member_add_post(struct req *r)
{
	struct group g;
	struct programme p;
	if (!load_group(r, &g, &p))
		return;
	struct member_form mf;
	if (!form_str_or_400(r, "enrolment_id", 30, &mf.enrolment_id) || !form_str_or_400(r, "from", 30, &mf.from))
		return;
	mf.waitlist = form_get(r, "waitlist") != NULL;
	struct form_errors fe = { 0 };
	int64_t eid = 0;
	if (parse_int64(mf.enrolment_id, 1, INT64_MAX, &eid) != 0)
		form_error(&fe, "enrolment_id", N_("Choose a person enrolled in the programme."));
	int32_t from = intake_today();
	if (*mf.from && date_parse(mf.from, &from) != 0)
		form_error(&fe, "from", N_("Enter a date as YYYY-MM-DD, like 2025-03-31."));
	int status = 422;
	if (!fe.n) {
		struct actor a;
		web_actor(r, &a);
		struct intake_errors ie = { 0 };
		bool waitlisted = false;
		int rc = intake_group_member_add(r->site->ac, &a, g.id, eid, from, mf.waitlist, &waitlisted, &ie);
		if (rc == 0) {
			back_to_group(r, g.id, waitlisted ? "waitlisted" : "saved");
			return;
		}
		if (rc == ACC_INVALID) {
			intake_form_errors(&fe, &ie);
		} else if (rc == STORE_FULL) {
			form_error(&fe, "waitlist",
				   N_("The group is full. Tick the box to put the person on the waiting list instead."));
			mf.waitlist = true;
			status = 409;
		} else if (rc == STORE_CONFLICT) {
			form_error(&fe, "enrolment_id",
				   N_("The person is already a member of the group or on its waiting list."));
			status = 409;
		} else {
			intake_page_error(r, rc);
			return;
		}
	}
	struct group_form f;
	form_from_group(r, &g, &f);
	group_page(r, status, &g, &p, &f, NULL, &mf, &fe, NULL);
}

void group_member_end_post(struct req *r)
{
	struct group g;
	struct programme p;
	if (!load_group(r, &g, &p))
		return;
	const char *mid, *to;
	if (!form_str_or_400(r, "member_id", 30, &mid) || !form_str_or_400(r, "to", 30, &to))
		return;
	int64_t member_id = 0;
	int32_t today = intake_today(), day = today;
	struct form_errors fe = { 0 };
	if (parse_int64(mid, 1, INT64_MAX, &member_id) != 0)
		form_error(&fe, "member_id", N_("Choose a member of the group."));
	if (*to && date_parse(to, &day) != 0)
		form_error(&fe, "to", N_("Enter a date as YYYY-MM-DD, like 2025-03-31."));
	if (!fe.n) {
		struct actor a;
		web_actor(r, &a);
		struct intake_errors ie = { 0 };
		int rc = intake_group_member_end(r->site->ac, &a, g.id, member_id, day, &ie);
		if (rc == 0) {
			back_to_group(r, g.id, "saved");
			return;
		}
		if (rc != ACC_INVALID) {
			intake_page_error(r, rc);
			return;
		}
		intake_form_errors(&fe, &ie);
	}
	struct group_form f;
	form_from_group(r, &g, &f);
	group_page(r, 422, &g, &p, &f, NULL, NULL, &fe, NULL);
}

static void waiting_post(struct req *r, bool promote)
{
	struct group g;
	struct programme p;
	if (!load_group(r, &g, &p))
		return;
	const char *wid;
	if (!form_str_or_400(r, "waiting_id", 30, &wid))
		return;
	int64_t waiting_id = 0;
	struct form_errors fe = { 0 };
	int status = 409;
	if (parse_int64(wid, 1, INT64_MAX, &waiting_id) != 0) {
		form_error(&fe, NULL, N_("Choose somebody on the waiting list."));
		status = 422;
	} else {
		struct actor a;
		web_actor(r, &a);
		int rc = promote ? intake_waiting_promote(r->site->ac, &a, g.id, waiting_id, intake_today())
				 : intake_waiting_remove(r->site->ac, &a, g.id, waiting_id);
		if (rc == 0) {
			back_to_group(r, g.id, "saved");
			return;
		}
		if (rc == STORE_FULL)
			form_error(&fe, NULL, N_("The group is full: end a membership or raise the capacity first."));
		else if (rc == STORE_NOTFOUND || rc == STORE_CONFLICT)
			form_error(&fe, NULL, N_("Nobody with that entry is on the waiting list."));
		else {
			intake_page_error(r, rc);
			return;
		}
	}
	struct group_form f;
	form_from_group(r, &g, &f);
	group_page(r, status, &g, &p, &f, NULL, NULL, &fe, NULL);
}

void group_waiting_promote_post(struct req *r)
{
	waiting_post(r, true);
}

void group_waiting_remove_post(struct req *r)
{
	waiting_post(r, false);
}
