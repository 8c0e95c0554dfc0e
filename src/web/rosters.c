/* rosters.c: the day roster of a group — who is expected on a day, with a checkbox and
 * hours for each, saved in one submit and editable afterwards — and the form for an
 * individual (or motivation-group, aftercare) session of one enrolment. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/rosters.h"
#include "domain/testdraw.h" /* sobriety tests (issue 6): the day's random draw */
#include "html/form.h"
#include "html/layout.h"

/* The day of ?date= (default today); answers 400 itself on a bad value. */
static bool day_or_400(struct req *r, const char *v, int32_t *day)
{
	if (!v || !*v) {
		*day = date_today_cet();
		return true;
	}
	if (date_parse(v, day) != 0) {
		resp_error(r, 400, "bad_request", N_("Enter the date as YYYY-MM-DD."), "date");
		return false;
	}
	return true;
}

static const char *weekday_label(int32_t day)
{
	static const char *const names[] = { N_("Monday"),   N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
					     N_("Friday"),   N_("Saturday"), N_("Sunday") };
	return names[date_weekday(day) - 1];
}

/* What the form showed or the user submitted for one line. */
struct line_value {
	bool attended;
	const char *hours;
	const char *note;
	const char *error; /* a message for this line, or NULL */
};

static void day_link(struct html *w, int64_t group_id, int32_t day, const char *label, const char *rel)
{
	char href[64], d[11];
	date_format(day, d);
	snprintf(href, sizeof href, "/groups/%" PRId64 "/roster?date=%s", group_id, d);
	html_raw(w, "<li><a class=\"ds-link\"");
	html_attr(w, "href", href);
	html_attr(w, "rel", rel);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></li>");
}

static void roster_page(struct req *r, int status, const struct roster_view *v, const struct line_value *vals,
			const struct form_errors *fe, const struct sob_draw *draws, size_t ndraws)
{
	char dstr[11], title_day[64];
	date_format(v->day, dstr);
	snprintf(title_day, sizeof title_day, "%s %s", T(r, weekday_label(v->day)), dstr);
	struct html w;
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s", T(r, "Roster"));
	buf_addf(&title, ": %s, %s", v->g.name, title_day);
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The attendance was saved."));

	html_raw(&w, "<dl class=\"tolv-facts\">\n<dt>");
	html_text(&w, T(r, "Programme"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, v->p.name);
	html_raw(&w, "</dd>\n<dt>");
	html_text(&w, T(r, "Group"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, v->g.name);
	html_raw(&w, "</dd>\n");
	if (v->g.place[0]) {
		html_raw(&w, "<dt>");
		html_text(&w, T(r, "Place"));
		html_raw(&w, "</dt><dd>");
		html_text(&w, v->g.place);
		html_raw(&w, "</dd>\n");
	}
	if (v->g.end_min > v->g.start_min) {
		char t[64];
		snprintf(t, sizeof t, "%02d:%02d–%02d:%02d", v->g.start_min / 60, v->g.start_min % 60, v->g.end_min / 60,
			 v->g.end_min % 60);
		html_raw(&w, "<dt>");
		html_text(&w, T(r, "Time"));
		html_raw(&w, "</dt><dd>");
		html_text(&w, t);
		html_raw(&w, "</dd>\n");
	}
	html_raw(&w, "<dt>");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, v->has_session ? T(r, "Registered (you can change it)") : T(r, "Not registered yet"));
	html_raw(&w, "</dd>\n</dl>\n");
	if (v->has_session) {
		char shref[48];
		snprintf(shref, sizeof shref, "/sessions/%" PRId64, v->se.id);
		html_raw(&w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
		html_attr(&w, "href", shref);
		html_raw(&w, ">");
		html_text(&w, T(r, "The session: leaders, topic and group note"));
		html_raw(&w, "</a></p>\n");
	}

	/* Another day: previous / next links and a date picker. */
	html_raw(&w, "<nav class=\"tolv-pager\"");
	html_attr(&w, "aria-label", T(r, "Other days"));
	html_raw(&w, "><ul>");
	day_link(&w, v->g.id, v->day - 1, T(r, "Previous day"), "prev");
	day_link(&w, v->g.id, v->day + 1, T(r, "Next day"), "next");
	html_raw(&w, "</ul></nav>\n");
	char action[64];
	snprintf(action, sizeof action, "/groups/%" PRId64 "/roster", v->g.id);
	html_raw(&w, "<form method=\"get\" class=\"tolv-filter\" novalidate");
	html_attr(&w, "action", action);
	html_raw(&w, ">\n");
	form_input(&w, r, NULL,
		   &(struct input){ .name = "date", .label = T(r, "Date"), .type = "date", .value = dstr });
	form_button(&w, "secondary", T(r, "Show the day"));
	html_raw(&w, "</form>\n");

	int32_t today = date_today_cet();
	if (v->day > today) {
		page_alert(&w, "info", T(r, "This day has not come yet. Attendance is registered on the day or later."));
	}
	if (v->n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Nobody is in the group on this day."));
		html_raw(&w, "</p>\n");
		page_end(r, &w, status);
		return;
	}

	bool can_save = v->day <= today;
	if (can_save)
		form_begin(&w, r, action);
	if (can_save) {
		html_raw(&w, "<input type=\"hidden\" name=\"date\"");
		html_attr(&w, "value", dstr);
		html_raw(&w, ">\n");
	}
	html_raw(&w, "<table class=\"ds-table tolv-roster\" data-border=\"true\">\n<caption>");
	html_fmt(&w, T(r, "Expected on {}"), title_day);
	html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(&w, T(r, "Name"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Attended"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Hours"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Note"));
	html_raw(&w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->n; i++) {
		const struct roster_line *l = &v->lines[i];
		const struct line_value *lv = &vals[i];
		char fa[40], fh[40], fn[40], ida[48], idh[48], idn[48], ide[56], name[2 * STORE_NAME_MAX + 2];
		snprintf(fa, sizeof fa, "a_%" PRId64, l->enrolment_id);
		snprintf(fh, sizeof fh, "h_%" PRId64, l->enrolment_id);
		snprintf(fn, sizeof fn, "n_%" PRId64, l->enrolment_id);
		snprintf(ida, sizeof ida, "f-%s", fa);
		snprintf(idh, sizeof idh, "f-%s", fh);
		snprintf(idn, sizeof idn, "f-%s", fn);
		snprintf(ide, sizeof ide, "f-%s-error", fh);
		snprintf(name, sizeof name, "%s %s", l->given_name, l->family_name);
		html_raw(&w, "<tr><th scope=\"row\">");
		html_text(&w, name);
		if (!l->member) {
			html_raw(&w, " <span class=\"ds-tag\" data-color=\"neutral\">");
			html_text(&w, T(r, "not in the group this day"));
			html_raw(&w, "</span>");
		}
		/* Sobriety tests (issue 6): the stored draw selected this person today. */
		for (size_t k = 0; k < ndraws; k++)
			if (draws[k].enrolment_id == l->enrolment_id && draws[k].selected) {
				char thref[96];
				snprintf(thref, sizeof thref, "/persons/%" PRId64 "/tests/new?kind=drug&enrolment=%" PRId64,
					 l->person_id, l->enrolment_id);
				html_raw(&w, " <a class=\"ds-tag tolv-test-selected\" data-color=\"warning\"");
				html_attr(&w, "href", thref);
				html_raw(&w, ">");
				html_text(&w, T(r, "Selected for a test today"));
				html_raw(&w, "</a>");
				break;
			}
		html_raw(&w, "</th>\n<td><div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" value=\"1\"");
		html_attr(&w, "name", fa);
		html_attr(&w, "id", ida);
		if (lv->attended)
			html_raw(&w, " checked");
		if (!can_save)
			html_raw(&w, " disabled");
		html_raw(&w, "><label class=\"ds-label\"");
		html_attr(&w, "for", ida);
		html_raw(&w, ">");
		html_fmt(&w, T(r, "{} attended"), name);
		html_raw(&w, "</label></div></td>\n<td><div class=\"ds-field\"><label class=\"ds-label tolv-sr-only\"");
		html_attr(&w, "for", idh);
		html_raw(&w, ">");
		html_fmt(&w, T(r, "Hours for {}"), name);
		html_raw(&w, "</label>");
		if (lv->error) {
			html_raw(&w, "<div class=\"ds-validation-message\" data-color=\"danger\"");
			html_attr(&w, "id", ide);
			html_raw(&w, ">");
			html_text(&w, T(r, lv->error));
			html_raw(&w, "</div>");
		}
		html_raw(&w, "<input class=\"ds-input tolv-hours\" type=\"text\" inputmode=\"decimal\" size=\"4\"");
		html_attr(&w, "name", fh);
		html_attr(&w, "id", idh);
		html_attr(&w, "value", lv->hours);
		if (lv->error) {
			html_raw(&w, " aria-invalid=\"true\"");
			html_attr(&w, "aria-describedby", ide);
		}
		if (!can_save)
			html_raw(&w, " disabled");
		html_raw(&w, "></div></td>\n<td><div class=\"ds-field\"><label class=\"ds-label tolv-sr-only\"");
		html_attr(&w, "for", idn);
		html_raw(&w, ">");
		html_fmt(&w, T(r, "Note for {}"), name);
		html_raw(&w, "</label><input class=\"ds-input\" type=\"text\" maxlength=\"500\"");
		html_attr(&w, "name", fn);
		html_attr(&w, "id", idn);
		html_attr(&w, "value", lv->note);
		if (!can_save)
			html_raw(&w, " disabled");
		html_raw(&w, "></div></td></tr>\n");
	}
	html_raw(&w, "</tbody>\n</table>\n");
	if (can_save) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Hours from 0 to 24 in steps of half an hour. Everything is saved together: if one line "
				   "is wrong, nothing is saved."));
		html_raw(&w, "</p>\n");
		form_button(&w, "primary", T(r, "Save attendance"));
		form_end(&w);
	}
	page_end(r, &w, status);
}

/* The values the roster shows when nothing was submitted: stored rows, or the defaults. */
static struct line_value *stored_values(struct req *r, const struct roster_view *v)
{
	struct line_value *vals = xcalloc(v->n ? v->n : 1, sizeof *vals);
	for (size_t i = 0; i < v->n; i++) {
		const struct roster_line *l = &v->lines[i];
		char h[16];
		if (l->recorded) {
			vals[i].attended = l->a.attended;
			rosters_format_hours(l->a.minutes, h, sizeof h);
			vals[i].note = pool_strdup(&r->pool, l->a.note);
		} else {
			vals[i].attended = false;
			rosters_format_hours(v->default_minutes, h, sizeof h);
			vals[i].note = "";
		}
		vals[i].hours = pool_strdup(&r->pool, h);
	}
	return vals;
}

void roster_get(struct req *r)
{
	int32_t day;
	if (!day_or_400(r, query_get(r, "date"), &day))
		return;
	struct actor a;
	req_actor(r, &a);
	struct roster_view v;
	int rc = rosters_load(r->site->ac, &a, r->org_id, r->id, day, "roster", &v);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct line_value *vals = stored_values(r, &v);
	/* Sobriety tests (issue 6): draw today's selection once (stored; a reload reads it). */
	struct sob_draw *draws = NULL;
	size_t ndraws = 0;
	if (testdraw_roster(r->site->ac, &a, r->org_id, &v, date_today_cet(), &draws, &ndraws) != 0)
		ndraws = 0;
	roster_page(r, 200, &v, vals, NULL, draws, ndraws);
	free(draws);
	free(vals);
	roster_view_release(&v);
}

/* Another organisation's group is 404 before any input is looked at. */
static bool group_or_404(struct req *r)
{
	struct group g;
	int rc = store_group_get(r->site->ac->store, r->org_id, r->id, &g);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return false;
	}
	return true;
}

void roster_post(struct req *r)
{
	const char *date;
	if (!group_or_404(r) || !form_str_or_400(r, "date", 20, &date))
		return;
	int32_t day;
	if (date_parse(date, &day) != 0) {
		resp_error(r, 400, "bad_request", N_("Enter the date as YYYY-MM-DD."), "date");
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct roster_view v;
	int rc = rosters_load(r->site->ac, &a, r->org_id, r->id, day, "roster", &v);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	/* Every line of the roster is in the form; a line not in the form is left alone.
	 * Fields of enrolments not on the roster are an error: the roster changed since
	 * the page was shown (or somebody crafted the request). */
	struct line_value *vals = xcalloc(v.n ? v.n : 1, sizeof *vals);
	struct roster_input *rows = xcalloc(v.n ? v.n : 1, sizeof *rows);
	size_t nrows = 0;
	struct form_errors fe = { 0 };
	for (size_t i = 0; i < r->form.n; i++) {
		const char *nm = r->form.v[i].name;
		if ((nm[0] == 'a' || nm[0] == 'h' || nm[0] == 'n') && nm[1] == '_') {
			int64_t eid;
			bool known = false;
			if (parse_int64(nm + 2, 1, INT64_MAX, &eid) == 0)
				for (size_t k = 0; k < v.n && !known; k++)
					known = v.lines[k].enrolment_id == eid;
			if (!known) {
				form_error(&fe, "date",
					   N_("The roster changed since the page was shown. Check it and save again."));
				break;
			}
		}
	}
	for (size_t i = 0; i < v.n; i++) {
		const struct roster_line *l = &v.lines[i];
		char fa[40], fh[40], fn[40];
		snprintf(fa, sizeof fa, "a_%" PRId64, l->enrolment_id);
		snprintf(fh, sizeof fh, "h_%" PRId64, l->enrolment_id);
		snprintf(fn, sizeof fn, "n_%" PRId64, l->enrolment_id);
		const char *h = form_get(r, fh);
		const char *note = form_get(r, fn);
		const char *att = form_get(r, fa);
		vals[i].attended = att != NULL;
		vals[i].hours = h ? h : "";
		vals[i].note = note ? note : "";
		if (!h && !att && !note)
			continue; /* not in the form */
		int minutes = 0;
		const char *msg = NULL;
		if (h && *h) {
			if (rosters_parse_hours(h, &minutes, &msg) != 0) {
				vals[i].error = msg;
				char *field = pool_strdup(&r->pool, fh);
				form_error(&fe, field, msg);
				continue;
			}
		} else if (att) {
			minutes = v.default_minutes;
		}
		if (att && strcmp(att, "1") && strcmp(att, "on")) {
			form_error(&fe, pool_strdup(&r->pool, fa), N_("Some of the values are not valid."));
			continue;
		}
		if (note && (strlen(note) >= STORE_DETAIL_MAX || !utf8_valid_text(note, strlen(note)))) {
			vals[i].error = N_("The note is too long (at most 500 characters) or holds characters that are not text.");
			form_error(&fe, pool_strdup(&r->pool, fh), vals[i].error);
			continue;
		}
		rows[nrows].enrolment_id = l->enrolment_id;
		rows[nrows].attended = att != NULL;
		rows[nrows].minutes = att ? minutes : (h && *h ? minutes : 0);
		rows[nrows].note = note ? note : "";
		nrows++;
	}
	if (fe.n == 0) {
		struct field_error e = { 0 };
		int bad = -1;
		size_t nch = 0;
		rc = rosters_save(r->site->ac, &a, r->org_id, r->id, day, date_today_cet(), rows, nrows, &e, &bad, &nch);
		if (rc == ACC_INVALID) {
			form_error(&fe, "date", e.message);
		} else if (rc != 0) {
			free(rows);
			free(vals);
			roster_view_release(&v);
			resp_store_error(r, rc);
			return;
		} else {
			free(rows);
			free(vals);
			roster_view_release(&v);
			char loc[80];
			snprintf(loc, sizeof loc, "/groups/%" PRId64 "/roster?date=%s&saved=1", r->id, date);
			resp_redirect(r, loc);
			return;
		}
	}
	roster_page(r, 422, &v, vals, &fe, NULL, 0);
	free(rows);
	free(vals);
	roster_view_release(&v);
}

/* ---- individual sessions ---- */

static void session_form(struct req *r, int status, const struct enrolment *e, const char *date, const char *start,
			 const char *end, const char *kind, bool attended, const char *hours, const char *note,
			 const struct form_errors *fe)
{
	struct html w;
	page_begin(r, &w, T(r, "Register a session"));
	form_error_summary(&w, r, fe);
	struct person p;
	if (store_person_get(r->site->ac->store, r->org_id, e->person_id, &p) == STORE_OK) {
		char name[2 * STORE_NAME_MAX + 2];
		snprintf(name, sizeof name, "%s %s", p.given_name, p.family_name);
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_fmt(&w, T(r, "Attendance of {} at an individual, motivation-group or aftercare session."), name);
		html_raw(&w, "</p>\n");
	}
	char action[64];
	snprintf(action, sizeof action, "/enrolments/%" PRId64 "/sessions", e->id);
	form_begin(&w, r, action);
	form_input(&w, r, fe,
		   &(struct input){ .name = "date", .label = T(r, "Date"), .type = "date", .value = date, .required = true });
	form_input(&w, r, fe,
		   &(struct input){ .name = "start", .label = T(r, "Start time (optional)"), .type = "time", .value = start });
	form_input(&w, r, fe, &(struct input){ .name = "end", .label = T(r, "End time (optional)"), .type = "time", .value = end });
	struct option opts[8];
	size_t nk = rosters_kinds_count < 8 ? rosters_kinds_count : 8;
	for (size_t i = 0; i < nk; i++) {
		opts[i].value = rosters_kinds[i];
		opts[i].label = T(r, rosters_kind_label(rosters_kinds[i]));
	}
	form_select(&w, r, fe, "kind", T(r, "Kind of session"), opts, nk, kind && *kind ? kind : "individual");
	html_raw(&w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" name=\"attended\" value=\"1\" "
		     "id=\"f-attended\"");
	if (attended)
		html_raw(&w, " checked");
	html_raw(&w, "><label class=\"ds-label\" for=\"f-attended\">");
	html_text(&w, T(r, "Attended"));
	html_raw(&w, "</label></div>\n");
	form_input(&w, r, fe,
		   &(struct input){ .name = "hours", .label = T(r, "Hours (optional)"), .type = "text", .value = hours,
				    .description = T(r, "From 0 to 24 in steps of half an hour. Empty: from the times, "
							"or the phase's usual length.") });
	form_input(&w, r, fe, &(struct input){ .name = "note", .label = T(r, "Note (optional)"), .type = "text", .value = note });
	form_button(&w, "primary", T(r, "Save the session"));
	form_end(&w);
	char back[64];
	snprintf(back, sizeof back, "/enrolments/%" PRId64 "/progress", e->id);
	html_raw(&w, "<p><a class=\"ds-link\"");
	html_attr(&w, "href", back);
	html_raw(&w, ">");
	html_text(&w, T(r, "Back to the progress"));
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, status);
}

void session_new_get(struct req *r)
{
	struct enrolment e;
	int rc = store_enrolment_get(r->site->ac->store, r->org_id, r->id, &e);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	rosters_audit(r->site->ac, &a, r->org_id, "person.read", "person", e.person_id, "session form");
	char today[11];
	date_format(date_today_cet(), today);
	session_form(r, 200, &e, today, "", "", "individual", true, "", "", NULL);
}

void session_create_post(struct req *r)
{
	const char *date, *start, *end, *kind, *hours, *note;
	struct enrolment e;
	int rc = store_enrolment_get(r->site->ac->store, r->org_id, r->id, &e);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	if (!form_str_or_400(r, "date", 20, &date) || !form_str_or_400(r, "start", 10, &start) ||
	    !form_str_or_400(r, "end", 10, &end) || !form_str_or_400(r, "kind", 40, &kind) ||
	    !form_str_or_400(r, "hours", 20, &hours) || !form_str_or_400(r, "note", 2000, &note))
		return;
	bool attended = form_get(r, "attended") != NULL;
	struct form_errors fe = { 0 };
	struct session_input in = { .day = DATE_NONE, .start_min = -1, .end_min = -1, .kind = kind,
				    .attended = attended, .minutes = -1, .note = note };
	if (date_parse(date, &in.day) != 0)
		form_error(&fe, "date", N_("Enter the date as YYYY-MM-DD."));
	if (*start && (in.start_min = rosters_parse_time(start)) < 0)
		form_error(&fe, "start", N_("Enter the time as HH:MM."));
	if (*end && (in.end_min = rosters_parse_time(end)) < 0)
		form_error(&fe, "end", N_("Enter the time as HH:MM."));
	const char *msg;
	if (*hours && rosters_parse_hours(hours, &in.minutes, &msg) != 0)
		form_error(&fe, "hours", msg);
	if (fe.n == 0) {
		struct actor a;
		req_actor(r, &a);
		struct field_error err = { 0 };
		int64_t sid = 0;
		rc = rosters_individual_session(r->site->ac, &a, r->org_id, e.id, date_today_cet(), &in, &err, &sid);
		if (rc == 0) {
			char loc[80];
			snprintf(loc, sizeof loc, "/enrolments/%" PRId64 "/progress?saved=1", e.id);
			resp_redirect(r, loc);
			return;
		}
		if (rc != ACC_INVALID) {
			resp_store_error(r, rc);
			return;
		}
		form_error(&fe, err.field, err.message);
	}
	session_form(r, 422, &e, date, start, end, kind, attended, hours, note, &fe);
}
