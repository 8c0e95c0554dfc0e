/* facilitation.c: the facilitation record of a person (staff) — Twelve Step Facilitation
 * as in DOMAIN.md's programme 3: the person's stance toward mutual-help groups (and when
 * to take it up again), the therapist's actions, the person's meeting log, sponsor and
 * home group, and the engagement summary with its chart of meetings per week. Also the
 * summary block of the person page and the revisits due on the start page. The rules
 * are domain/facilitation.c's. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/facilitation.h"
#include "domain/persons.h"
#include "html/form.h"
#include "html/layout.h"

#define FAC_PAGE_ROWS 50

static void h2(struct html *w, const char *text)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, text);
	html_raw(w, "</h2>\n");
}

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

static void fac_href(struct buf *b, int64_t person_id, const char *rest)
{
	buf_addf(b, "/persons/%" PRId64 "/facilitation%s", person_id, rest);
}

static void day_text(struct html *w, int32_t day)
{
	char d[11];
	date_format(day, d);
	html_text(w, d[0] ? d : "-");
}

static void textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *value)
{
	form_textarea(w, r, fe, &(struct textarea){ .name = name, .label = label, .value = value, .rows = 3 });
}

static void date_field(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		       const char *label, const char *value)
{
	form_input(w, r, fe,
		   &(struct input){ .name = name, .label = label, .type = "date", .value = value,
				    .description = T(r, "YYYY-MM-DD") });
}

/* A select over keys with their msgid labels (translated here). */
static void key_select(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		       const char *label, const char *const *keys, const char *(*label_of)(const char *),
		       const char *selected)
{
	struct option opts[8];
	size_t n = 0;
	for (; keys[n] && n < 8; n++) {
		opts[n].value = keys[n];
		opts[n].label = T(r, label_of(keys[n]));
	}
	form_select(w, r, fe, name, label, opts, n, selected);
}

static void yes_no_select(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
			  const char *label, const char *yes, const char *no, const char *selected)
{
	const struct option opts[] = { { "yes", yes }, { "no", no } };
	form_select(w, r, fe, name, label, opts, 2, selected);
}

/* ---- the engagement summary: numbers, chart, table ---- */

static void summary_numbers(struct req *r, struct html *w, const struct fac_summary *s)
{
	html_raw(w, "<dl class=\"tolv-facts\">\n<dt>");
	html_text(w, T(r, "Stance"));
	html_raw(w, "</dt><dd data-fact=\"stance\">");
	if (s->has_stance) {
		html_text(w, T(r, fac_stance_label(s->stance.stance)));
		html_raw(w, " (");
		day_text(w, s->stance.on_day);
		html_raw(w, ")");
		if (s->stance.revisit_on != DATE_NONE) {
			html_raw(w, " – ");
			html_text(w, T(r, "take it up again from"));
			html_raw(w, " ");
			day_text(w, s->stance.revisit_on);
		}
	} else {
		html_text(w, T(r, fac_stance_label("not_discussed")));
	}
	html_raw(w, "</dd>\n<dt>");
	html_text(w, T(r, "Meetings in the last 30 days"));
	html_raw(w, "</dt><dd data-fact=\"meetings-30\">");
	html_int(w, s->meetings_30);
	html_raw(w, "</dd>\n<dt>");
	html_text(w, T(r, "Weeks with at least one meeting (last 12 weeks)"));
	html_raw(w, "</dt><dd data-fact=\"weeks-with-meeting\">");
	html_int(w, s->weeks_with_meeting);
	html_raw(w, "</dd>\n<dt>");
	html_text(w, T(r, "Sponsor"));
	html_raw(w, "</dt><dd data-fact=\"sponsor\">");
	html_text(w, T(r, fac_sponsor_label(s->profile.sponsor)));
	if (s->profile.sponsor_since != DATE_NONE) {
		html_raw(w, " (");
		html_text(w, T(r, "since"));
		html_raw(w, " ");
		day_text(w, s->profile.sponsor_since);
		html_raw(w, ")");
	}
	html_raw(w, "</dd>\n");
	if (s->profile.home_group[0]) {
		html_raw(w, "<dt>");
		html_text(w, T(r, "Home group"));
		html_raw(w, "</dt><dd data-fact=\"home-group\">");
		html_text(w, s->profile.home_group);
		html_raw(w, "</dd>\n");
	}
	html_raw(w, "</dl>\n");
}

/* The chart: one bar per week, drawn with presentation attributes only (the CSP allows
 * no inline styles), with a title and a description, and the same numbers as a table. */
static void summary_chart(struct req *r, struct html *w, const struct fac_summary *s)
{
	enum { BAR_W = 24, GAP = 6, TOP = 16, PLOT_H = 100, LEFT = 8 };
	int max = 1;
	for (int i = 0; i < FAC_WEEKS; i++)
		if (s->per_week[i] > max)
			max = s->per_week[i];
	const int width = LEFT * 2 + FAC_WEEKS * (BAR_W + GAP), height = TOP + PLOT_H + 20;
	struct buf desc = BUF_INIT;
	for (int i = 0; i < FAC_WEEKS; i++) {
		char d[11];
		date_format(s->week_start[i], d);
		buf_addf(&desc, "%s%s: %d", i ? "; " : "", d, s->per_week[i]);
	}
	html_raw(w, "<figure class=\"tolv-fac-chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		    "aria-labelledby=\"fac-chart-title fac-chart-desc\"");
	html_attr_int(w, "width", width);
	html_attr_int(w, "height", height);
	html_raw(w, " viewBox=\"0 0 ");
	html_int(w, width);
	html_raw(w, " ");
	html_int(w, height);
	html_raw(w, "\">\n<title id=\"fac-chart-title\">");
	html_text(w, T(r, "Meetings per week, the last 12 weeks"));
	html_raw(w, "</title>\n<desc id=\"fac-chart-desc\">");
	html_text(w, desc.data ? desc.data : "");
	html_raw(w, "</desc>\n");
	buf_release(&desc);
	html_raw(w, "<line stroke=\"#68707c\" stroke-width=\"1\"");
	html_attr_int(w, "x1", LEFT);
	html_attr_int(w, "x2", width - LEFT);
	html_attr_int(w, "y1", TOP + PLOT_H);
	html_attr_int(w, "y2", TOP + PLOT_H);
	html_raw(w, "/>\n");
	for (int i = 0; i < FAC_WEEKS; i++) {
		int x = LEFT + i * (BAR_W + GAP) + GAP / 2;
		int h = s->per_week[i] * PLOT_H / max;
		if (h > 0) {
			html_raw(w, "<rect fill=\"#1e6b52\"");
			html_attr_int(w, "x", x);
			html_attr_int(w, "y", TOP + PLOT_H - h);
			html_attr_int(w, "width", BAR_W);
			html_attr_int(w, "height", h);
			html_raw(w, "/>\n");
		}
		html_raw(w, "<text font-size=\"11\" text-anchor=\"middle\" fill=\"#1a1a1a\"");
		html_attr_int(w, "x", x + BAR_W / 2);
		html_attr_int(w, "y", TOP + PLOT_H - h - 3);
		html_raw(w, ">");
		html_int(w, s->per_week[i]);
		html_raw(w, "</text>\n<text font-size=\"10\" text-anchor=\"middle\" fill=\"#1a1a1a\"");
		html_attr_int(w, "x", x + BAR_W / 2);
		html_attr_int(w, "y", TOP + PLOT_H + 14);
		html_raw(w, ">");
		int iy, wk;
		date_iso_week(s->week_start[i], &iy, &wk);
		html_int(w, wk);
		html_raw(w, "</text>\n");
	}
	html_raw(w, "</svg>\n<figcaption>");
	html_text(w, T(r, "Meetings per week (week numbers). The table below has the same numbers."));
	html_raw(w, "</figcaption>\n</figure>\n");

	html_raw(w, "<table class=\"ds-table\" data-size=\"sm\">\n<caption>");
	html_text(w, T(r, "Meetings per week"));
	html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(w, T(r, "Week starting"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Meetings"));
	html_raw(w, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < FAC_WEEKS; i++) {
		html_raw(w, "<tr><td>");
		day_text(w, s->week_start[i]);
		html_raw(w, "</td><td>");
		html_int(w, s->per_week[i]);
		html_raw(w, "</td></tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n");
}

void fac_summary_block(struct req *r, struct html *w, int64_t person_id)
{
	struct actor a;
	req_actor(r, &a);
	struct fac_summary *s = xmalloc(sizeof *s);
	if (fac_summary(r->site->ac, &a, r->org_id, person_id, date_today_cet(), "person", s) == 0) {
		h2(w, T(r, "Mutual-help groups"));
		summary_numbers(r, w, s);
		struct buf href = BUF_INIT;
		fac_href(&href, person_id, "");
		html_raw(w, "<p><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		html_text(w, T(r, "Facilitation record"));
		html_raw(w, "</a></p>\n");
		buf_release(&href);
	}
	free(s);
}

void fac_revisits_block(struct req *r, struct html *w)
{
	struct actor a;
	req_actor(r, &a);
	struct fac_revisit *rv = NULL;
	size_t n = 0;
	int64_t therapist = (r->role & ROLE_THERAPIST) ? r->user.id : 0;
	if (fac_revisits_due(r->site->ac, &a, r->org_id, therapist, date_today_cet(), 50, &rv, &n) || n == 0) {
		free(rv);
		return;
	}
	h2(w, T(r, "Take up mutual-help groups again"));
	para(w, T(r, "These people declined mutual-help groups earlier; the day to take it up again has come."));
	html_raw(w, "<ul class=\"ds-list\" data-list=\"revisits\">\n");
	for (size_t i = 0; i < n; i++) {
		struct buf href = BUF_INIT;
		fac_href(&href, rv[i].person_id, "");
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		person_name_text(r, w, rv[i].given_name, rv[i].family_name);
		html_raw(w, "</a> – ");
		html_text(w, T(r, "take it up again from"));
		html_raw(w, " ");
		day_text(w, rv[i].revisit_on);
		html_raw(w, "</li>\n");
		buf_release(&href);
	}
	html_raw(w, "</ul>\n");
	free(rv);
}

/* ---- the person's chosen meetings (issue 5: "chose suitable meetings together",
 * as a short list on the person's plan) ---- */

#define FAC_CHOSEN_MAX 10

/* The directory meetings of the person's "chose_meetings" actions, latest first, each
 * once, at most FAC_CHOSEN_MAX, as links to their public pages. Read with the page it
 * sits on (the facilitation page, the plan), whose read is audited. */
void fac_chosen_block(struct req *r, struct html *w, int64_t person_id)
{
	struct fac_action *list = NULL;
	size_t n = 0;
	if (store_fac_action_list(r->site->ac->store, r->org_id, person_id, 1000, &list, &n) != STORE_OK) {
		free(list);
		return;
	}
	h2(w, T(r, "Chosen meetings"));
	int64_t shown[FAC_CHOSEN_MAX];
	size_t k = 0;
	for (size_t i = 0; i < n && k < FAC_CHOSEN_MAX; i++) {
		if (strcmp(list[i].kind, "chose_meetings") != 0 || list[i].meeting_id <= 0)
			continue;
		bool seen = false;
		for (size_t j = 0; j < k; j++)
			seen = seen || shown[j] == list[i].meeting_id;
		if (seen)
			continue;
		if (k == 0)
			html_raw(w, "<ul class=\"ds-list\" data-list=\"chosen-meetings\">\n");
		shown[k++] = list[i].meeting_id;
		char href[48];
		snprintf(href, sizeof href, "/meetings/%" PRId64, list[i].meeting_id);
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", href);
		html_raw(w, ">");
		html_text(w, list[i].meeting_name[0] ? list[i].meeting_name : href);
		html_raw(w, "</a> (");
		html_text(w, T(r, "chosen"));
		html_raw(w, " ");
		day_text(w, list[i].on_day);
		html_raw(w, ")</li>\n");
	}
	if (k)
		html_raw(w, "</ul>\n");
	else
		para(w, T(r, "No meetings chosen yet."));
	free(list);
}

/* ---- the record page ---- */

struct fac_form {
	const char *stance, *stance_on, *revisit_on, *stance_note;
	const char *kind, *action_on, *action_meeting, *action_stayed, *action_note;
	const char *meeting_on, *meeting_id, *meeting_name, *accompanied, *meeting_stayed, *source;
	const char *sponsor, *sponsor_since, *home_group;
};

static void form_defaults(struct fac_form *f, const struct fac_summary *s)
{
	static const char empty[] = "";
	const char **fields[] = { &f->stance,	       &f->stance_on,	  &f->revisit_on,     &f->stance_note,
				  &f->kind,	       &f->action_on,	  &f->action_meeting, &f->action_stayed,
				  &f->action_note,     &f->meeting_on,	  &f->meeting_id,     &f->meeting_name,
				  &f->accompanied,     &f->meeting_stayed, &f->source,	      &f->sponsor,
				  &f->sponsor_since,   &f->home_group };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		*fields[i] = empty;
	f->action_stayed = "yes";
	f->meeting_stayed = "yes";
	f->accompanied = "no";
	f->source = "person_reported";
	f->sponsor = s->profile.sponsor;
	f->home_group = s->profile.home_group;
}

static void section_stance(struct req *r, struct html *w, int64_t pid, const struct fac_form *f,
			   const struct form_errors *fe)
{
	h2(w, T(r, "Stance toward mutual-help groups"));
	para(w, T(r, "Respect the person's stance and never push. When the person declines, choose a day to take "
		     "it up again."));
	struct fac_stance *list = NULL;
	size_t n = 0;
	if (store_fac_stance_list(r->site->ac->store, r->org_id, pid, 100, &list, &n) == STORE_OK && n) {
		html_raw(w, "<table class=\"ds-table\" data-size=\"sm\" data-list=\"stances\">\n<caption>");
		html_text(w, T(r, "Stance history, latest first"));
		html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(w, T(r, "Date"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Stance"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Take it up again"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Note"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "By"));
		html_raw(w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			html_raw(w, "<tr><td>");
			day_text(w, list[i].on_day);
			html_raw(w, "</td><td>");
			html_text(w, T(r, fac_stance_label(list[i].stance)));
			html_raw(w, "</td><td>");
			day_text(w, list[i].revisit_on);
			html_raw(w, "</td><td>");
			html_text(w, list[i].note);
			html_raw(w, "</td><td>");
			html_text(w, list[i].by_name);
			html_raw(w, "</td></tr>\n");
		}
		html_raw(w, "</tbody>\n</table>\n");
	}
	free(list);
	struct buf action = BUF_INIT;
	fac_href(&action, pid, "/stance");
	form_begin(w, r, action.data);
	buf_release(&action);
	key_select(w, r, fe, "stance", T(r, "Stance"), fac_stance_keys, fac_stance_label, f->stance);
	date_field(w, r, fe, "stance_on", T(r, "Date of the conversation"), f->stance_on);
	date_field(w, r, fe, "revisit_on", T(r, "Take it up again on (when the person declines)"), f->revisit_on);
	textarea(w, r, fe, "stance_note", T(r, "Note"), f->stance_note);
	form_button(w, "primary", T(r, "Record the stance"));
	form_end(w);
}

static void section_actions(struct req *r, struct html *w, int64_t pid, const struct fac_form *f,
			    const struct form_errors *fe)
{
	h2(w, T(r, "Facilitation actions"));
	struct fac_action *list = NULL;
	size_t n = 0;
	if (store_fac_action_list(r->site->ac->store, r->org_id, pid, 200, &list, &n) == STORE_OK && n) {
		html_raw(w, "<table class=\"ds-table\" data-size=\"sm\" data-list=\"actions\">\n<caption>");
		html_text(w, T(r, "Actions, latest first"));
		html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(w, T(r, "Date"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Action"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Meeting"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Note"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "By"));
		html_raw(w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			html_raw(w, "<tr><td>");
			day_text(w, list[i].on_day);
			html_raw(w, "</td><td>");
			html_text(w, T(r, fac_kind_label(list[i].kind)));
			if (!strcmp(list[i].kind, "accompanied")) {
				html_raw(w, " (");
				html_text(w, list[i].stayed ? T(r, "stayed to the end") : T(r, "left early"));
				html_raw(w, ")");
			}
			html_raw(w, "</td><td>");
			if (list[i].meeting_id) {
				char href[48];
				snprintf(href, sizeof href, "/meetings/%" PRId64, list[i].meeting_id);
				html_raw(w, "<a class=\"ds-link\"");
				html_attr(w, "href", href);
				html_raw(w, ">");
				html_text(w, list[i].meeting_name[0] ? list[i].meeting_name : href);
				html_raw(w, "</a>");
			}
			html_raw(w, "</td><td>");
			html_text(w, list[i].note);
			html_raw(w, "</td><td>");
			html_text(w, list[i].by_name);
			html_raw(w, "</td></tr>\n");
		}
		html_raw(w, "</tbody>\n</table>\n");
	}
	free(list);
	struct buf action = BUF_INIT;
	fac_href(&action, pid, "/actions");
	form_begin(w, r, action.data);
	buf_release(&action);
	key_select(w, r, fe, "kind", T(r, "What was done"), fac_kind_keys, fac_kind_label, f->kind);
	date_field(w, r, fe, "action_on", T(r, "Date"), f->action_on);
	form_input(w, r, fe,
		   &(struct input){ .name = "action_meeting", .label = T(r, "Meeting number in the directory (optional)"),
				    .type = "text", .value = f->action_meeting,
				    .description = T(r, "The number at the end of the meeting's address, /meetings/NUMBER") });
	yes_no_select(w, r, fe, "action_stayed", T(r, "When accompanied: did the person stay to the end?"),
		      T(r, "Stayed to the end"), T(r, "Left early (that is fine)"), f->action_stayed);
	textarea(w, r, fe, "action_note", T(r, "Note (who went along, how it went)"), f->action_note);
	form_button(w, "primary", T(r, "Record the action"));
	form_end(w);
}

static void section_meetings(struct req *r, struct html *w, int64_t pid, const struct fac_form *f,
			     const struct form_errors *fe, int64_t page)
{
	h2(w, T(r, "Meeting log"));
	struct fac_meeting *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	if (store_fac_meeting_list(r->site->ac->store, r->org_id, pid, FAC_PAGE_ROWS, (int)((page - 1) * FAC_PAGE_ROWS),
				   &list, &n, &total) == STORE_OK &&
	    n) {
		html_raw(w, "<table class=\"ds-table\" data-size=\"sm\" data-list=\"meetings\">\n<caption>");
		html_text(w, T(r, "Meetings, latest first"));
		html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(w, T(r, "Date"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Meeting"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Accompanied"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Stayed"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Reported"));
		html_raw(w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			html_raw(w, "<tr><td>");
			day_text(w, list[i].on_day);
			html_raw(w, "</td><td>");
			html_text(w, list[i].name);
			html_raw(w, "</td><td>");
			html_text(w, list[i].accompanied ? T(r, "Yes") : T(r, "No"));
			html_raw(w, "</td><td>");
			html_text(w, list[i].stayed ? T(r, "Stayed to the end") : T(r, "Left early"));
			html_raw(w, "</td><td>");
			html_text(w, T(r, fac_source_label(list[i].source)));
			html_raw(w, "</td></tr>\n");
		}
		html_raw(w, "</tbody>\n</table>\n");
		if (total > page * FAC_PAGE_ROWS || page > 1) {
			html_raw(w, "<p class=\"tolv-actions\">");
			if (page > 1) {
				struct buf href = BUF_INIT;
				fac_href(&href, pid, "");
				buf_addf(&href, "?page=%" PRId64, page - 1);
				html_raw(w, "<a class=\"ds-link\"");
				html_attr(w, "href", href.data);
				html_raw(w, ">");
				html_text(w, T(r, "Newer meetings"));
				html_raw(w, "</a> ");
				buf_release(&href);
			}
			if (total > page * FAC_PAGE_ROWS) {
				struct buf href = BUF_INIT;
				fac_href(&href, pid, "");
				buf_addf(&href, "?page=%" PRId64, page + 1);
				html_raw(w, "<a class=\"ds-link\"");
				html_attr(w, "href", href.data);
				html_raw(w, ">");
				html_text(w, T(r, "Older meetings"));
				html_raw(w, "</a>");
				buf_release(&href);
			}
			html_raw(w, "</p>\n");
		}
	}
	free(list);
	struct buf action = BUF_INIT;
	fac_href(&action, pid, "/meetings");
	form_begin(w, r, action.data);
	buf_release(&action);
	date_field(w, r, fe, "meeting_on", T(r, "Date"), f->meeting_on);
	form_input(w, r, fe,
		   &(struct input){ .name = "meeting_id", .label = T(r, "Meeting number in the directory"),
				    .type = "text", .value = f->meeting_id,
				    .description = T(r, "Or write the meeting's name below") });
	form_input(w, r, fe,
		   &(struct input){ .name = "meeting_name", .label = T(r, "Meeting name (when not in the directory)"),
				    .type = "text", .value = f->meeting_name });
	yes_no_select(w, r, fe, "accompanied", T(r, "Accompanied by staff"), T(r, "Yes"), T(r, "No"), f->accompanied);
	yes_no_select(w, r, fe, "meeting_stayed", T(r, "Did the person stay to the end?"), T(r, "Stayed to the end"),
		      T(r, "Left early (that is fine)"), f->meeting_stayed);
	key_select(w, r, fe, "source", T(r, "Reported"), fac_source_keys, fac_source_label, f->source);
	form_button(w, "primary", T(r, "Add to the log"));
	form_end(w);
}

static void section_profile(struct req *r, struct html *w, int64_t pid, const struct fac_form *f,
			    const struct form_errors *fe)
{
	h2(w, T(r, "Sponsor and home group"));
	struct buf action = BUF_INIT;
	fac_href(&action, pid, "/profile");
	form_begin(w, r, action.data);
	buf_release(&action);
	key_select(w, r, fe, "sponsor", T(r, "Sponsor status"), fac_sponsor_keys, fac_sponsor_label, f->sponsor);
	date_field(w, r, fe, "sponsor_since", T(r, "Sponsor since (optional)"), f->sponsor_since);
	form_input(w, r, fe,
		   &(struct input){ .name = "home_group", .label = T(r, "Home group"), .type = "text",
				    .value = f->home_group });
	form_button(w, "primary", T(r, "Save"));
	form_end(w);
}

/* The whole page: status 200, or 422 with the form that came back. */
static void fac_page(struct req *r, int status, const struct person *p, const struct fac_summary *s,
		     const struct fac_form *f, const struct form_errors *fe, int64_t page)
{
	struct buf title = BUF_INIT, name = BUF_INIT;
	person_title(p, &name);
	buf_addf(&title, "%s: %s", T(r, "Facilitation"), name.data ? name.data : "");
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	buf_release(&name);
	form_error_summary(&w, r, fe);
	if (status == 200 && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "Saved."));
	h2(&w, T(r, "Engagement"));
	summary_numbers(r, &w, s);
	summary_chart(r, &w, s);
	fac_chosen_block(r, &w, p->id);
	section_stance(r, &w, p->id, f, fe);
	section_actions(r, &w, p->id, f, fe);
	section_meetings(r, &w, p->id, f, fe, page);
	section_profile(r, &w, p->id, f, fe);
	struct buf back = BUF_INIT;
	buf_addf(&back, "/persons/%" PRId64, p->id);
	html_raw(&w, "<p><a class=\"ds-link\"");
	html_attr(&w, "href", back.data);
	html_raw(&w, ">");
	html_text(&w, T(r, "Back to the person"));
	html_raw(&w, "</a></p>\n");
	buf_release(&back);
	page_end(r, &w, status);
}

/* Loads the person and the summary (audited); answers the error itself. */
static bool load(struct req *r, struct person *p, struct fac_summary *s, const char *detail)
{
	struct actor a;
	req_actor(r, &a);
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, detail, p);
	if (!rc)
		rc = fac_summary(r->site->ac, &a, r->org_id, r->id, date_today_cet(), detail, s);
	if (rc) {
		resp_store_error(r, rc);
		return false;
	}
	return true;
}

void facilitation_get(struct req *r)
{
	int64_t page;
	if (!query_int_or_400(r, "page", 1, 100000, 1, &page))
		return;
	struct person p;
	struct fac_summary *s = xmalloc(sizeof *s);
	if (load(r, &p, s, "facilitation")) {
		struct fac_form f;
		form_defaults(&f, s);
		fac_page(r, 200, &p, s, &f, NULL, page);
	}
	free(s);
}

/* "" → 0; a positive integer → it; else -1. */
static int64_t form_id(const char *s)
{
	int64_t v;
	if (!s || !*s)
		return 0;
	return parse_int64(s, 1, INT64_MAX, &v) == 0 ? v : -1;
}

/* The domain's field names → the page's, for the form that was sent. */
static void errors_of(const struct person_errors *pe, struct form_errors *fe, const char *const (*map)[2],
		      size_t nmap)
{
	for (size_t i = 0; i < pe->n; i++) {
		const char *field = pe->e[i].field;
		for (size_t k = 0; k < nmap; k++)
			if (!strcmp(map[k][0], field)) {
				field = map[k][1];
				break;
			}
		form_error(fe, field, pe->e[i].message);
	}
}

enum fac_kind_of_post { POST_STANCE, POST_ACTION, POST_MEETING, POST_PROFILE };

static void fac_post(struct req *r, enum fac_kind_of_post which)
{
	struct person p;
	int rc = store_person_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct fac_form f;
	struct fac_summary empty_summary;
	memset(&empty_summary, 0, sizeof empty_summary);
	form_defaults(&f, &empty_summary);
	struct actor a;
	req_actor(r, &a);
	struct person_errors pe = { 0 };
	struct form_errors fe = { 0 };
	int32_t today = date_today_cet();
	switch (which) {
	case POST_STANCE: {
		if (!form_str_or_400(r, "stance", 40, &f.stance) || !form_str_or_400(r, "stance_on", 100, &f.stance_on) ||
		    !form_str_or_400(r, "revisit_on", 100, &f.revisit_on) ||
		    !form_str_or_400(r, "stance_note", 8000, &f.stance_note))
			return;
		struct fac_stance_input in = { .stance = f.stance, .on = f.stance_on, .revisit_on = f.revisit_on,
					       .note = f.stance_note };
		struct fac_stance out;
		rc = fac_record_stance(r->site->ac, &a, r->org_id, p.id, &in, today, &out, &pe);
		static const char *const map[][2] = { { "on", "stance_on" }, { "note", "stance_note" } };
		errors_of(&pe, &fe, map, 2);
		break;
	}
	case POST_ACTION: {
		if (!form_str_or_400(r, "kind", 40, &f.kind) || !form_str_or_400(r, "action_on", 100, &f.action_on) ||
		    !form_str_or_400(r, "action_meeting", 40, &f.action_meeting) ||
		    !form_str_or_400(r, "action_stayed", 10, &f.action_stayed) ||
		    !form_str_or_400(r, "action_note", 8000, &f.action_note))
			return;
		struct fac_action_input in = { .kind = f.kind, .on = f.action_on, .meeting_id = form_id(f.action_meeting),
					       .stayed = strcmp(f.action_stayed, "no") != 0, .note = f.action_note };
		struct fac_action out;
		rc = fac_record_action(r->site->ac, &a, r->org_id, p.id, &in, today, &out, &pe);
		static const char *const map[][2] = { { "on", "action_on" },
						      { "meeting_id", "action_meeting" },
						      { "note", "action_note" } };
		errors_of(&pe, &fe, map, 3);
		break;
	}
	case POST_MEETING: {
		if (!form_str_or_400(r, "meeting_on", 100, &f.meeting_on) ||
		    !form_str_or_400(r, "meeting_id", 40, &f.meeting_id) ||
		    !form_str_or_400(r, "meeting_name", 1000, &f.meeting_name) ||
		    !form_str_or_400(r, "accompanied", 10, &f.accompanied) ||
		    !form_str_or_400(r, "meeting_stayed", 10, &f.meeting_stayed) ||
		    !form_str_or_400(r, "source", 40, &f.source))
			return;
		struct fac_meeting_input in = { .on = f.meeting_on,
						.meeting_id = form_id(f.meeting_id),
						.name = f.meeting_name,
						.accompanied = !strcmp(f.accompanied, "yes"),
						.stayed = strcmp(f.meeting_stayed, "no") != 0,
						.source = f.source };
		struct fac_meeting out;
		rc = fac_record_meeting(r->site->ac, &a, r->org_id, p.id, &in, today, &out, &pe);
		static const char *const map[][2] = { { "on", "meeting_on" }, { "name", "meeting_name" } };
		errors_of(&pe, &fe, map, 2);
		break;
	}
	case POST_PROFILE: {
		if (!form_str_or_400(r, "sponsor", 40, &f.sponsor) ||
		    !form_str_or_400(r, "sponsor_since", 100, &f.sponsor_since) ||
		    !form_str_or_400(r, "home_group", 1000, &f.home_group))
			return;
		struct fac_profile_input in = { .sponsor = f.sponsor, .sponsor_since = f.sponsor_since,
						.home_group = f.home_group };
		struct fac_profile out;
		rc = fac_set_profile(r->site->ac, &a, r->org_id, p.id, &in, today, &out, &pe);
		break;
	}
	}
	if (rc == ACC_INVALID) {
		struct fac_summary *s = xmalloc(sizeof *s);
		rc = fac_summary(r->site->ac, &a, r->org_id, p.id, today, "facilitation", s);
		if (rc) {
			free(s);
			resp_store_error(r, rc);
			return;
		}
		if (which != POST_PROFILE) {
			f.sponsor = s->profile.sponsor;
			f.home_group = s->profile.home_group;
		}
		persons_audit_listed(r->site->ac, &a, r->org_id, &p.id, 1, "facilitation");
		fac_page(r, 422, &p, s, &f, &fe, 1);
		free(s);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	fac_href(&loc, p.id, "?saved=1");
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void facilitation_stance_post(struct req *r)
{
	fac_post(r, POST_STANCE);
}

void facilitation_action_post(struct req *r)
{
	fac_post(r, POST_ACTION);
}

void facilitation_meeting_post(struct req *r)
{
	fac_post(r, POST_MEETING);
}

void facilitation_profile_post(struct req *r)
{
	fac_post(r, POST_PROFILE);
}
