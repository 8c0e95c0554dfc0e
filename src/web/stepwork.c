/* stepwork.c: the pages of a person's step work and individual plan (staff) —
 * /enrolments/{id}/steps (the step chart, its table, and a form per step for the moves
 * steps.h allows), /enrolments/{id}/plan (the plan and the form that saves a new version),
 * /enrolments/{id}/plan/versions (every version with what changed; ?v=N reads one), and
 * the overdue assignments block of the therapist's start page. The rules are
 * domain/stepwork.c's. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/roles.h"
#include "domain/stepwork.h"
#include "domain/stepwording.h"
#include "html/form.h"
#include "html/layout.h"
#include "html/stepchart.h"

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

static void h2(struct html *w, const char *text)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, text);
	html_raw(w, "</h2>\n");
}

static void hidden(struct html *w, const char *name, const char *value)
{
	form_hidden(w, name, value);
}

static void link_to(struct html *w, const char *href, const char *label)
{
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></p>\n");
}

static void textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *value)
{
	form_textarea(w, r, fe, &(struct textarea){ .name = name, .label = label, .value = value, .rows = 3 });
}

/* The enrolment and its person's name; answers 404 itself (another organisation's
 * enrolment is none at all). */
static bool load(struct req *r, struct enrolment *e, struct buf *name)
{
	struct store *s = r->site->ac->store;
	struct person p;
	int rc = store_enrolment_get(s, r->org_id, r->id, e);
	if (!rc)
		rc = store_person_get(s, r->org_id, e->person_id, &p);
	if (rc) {
		resp_store_error(r, rc);
		return false;
	}
	buf_adds(name, p.given_name);
	if (p.given_name[0] && p.family_name[0])
		buf_addch(name, ' ');
	buf_adds(name, p.family_name);
	return true;
}

/* ---- the steps ---- */

struct step_form {
	int step;
	const char *to, *date, *note;
};

static void steps_page(struct req *r, int status, const struct enrolment *e, const char *name,
		       const struct step_state states[STEP_COUNT], const struct step_form *f,
		       const struct form_errors *fe, const char *alert)
{
	struct html w;
	struct buf title = BUF_INIT, href = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Steps"), name);
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "warning", alert);
	if (!fe && query_get(r, "changed"))
		page_alert(&w, "success", T(r, "The change was saved."));
	char id[32];
	snprintf(id, sizeof id, "stepchart-%" PRId64, e->id);
	struct step_wording sw; /* the organisation's wording, loaded once for the page */
	const struct step_names *sn = step_wording_load(r->site->ac->store, r->org_id, &sw);
	stepchart_svg(&w, id, name, states, sn, r->lang);
	stepmark_legend(&w, r->lang);
	stepchart_table(&w, name, states, sn, r->lang);

	char today[11];
	date_format(date_today_cet(), today);
	h2(&w, T(r, "Change a step"));
	for (int i = 0; i < STEP_COUNT; i++) {
		const struct step_state *st = &states[i];
		bool mine = f && f->step == st->step;
		const struct form_errors *sfe = mine ? fe : NULL;
		struct option opts[STEP_STATUS_COUNT];
		size_t k = 0;
		bool reason = false;
		for (int to = 0; to < STEP_STATUS_COUNT; to++) {
			int kind = step_move_kind(st->status, (enum step_status)to);
			if (!kind)
				continue;
			reason |= kind == 2;
			opts[k].value = step_status_key((enum step_status)to);
			opts[k].label = T(r, step_status_label((enum step_status)to));
			k++;
		}
		if (!k)
			continue;
		html_raw(&w, "<section class=\"tolv-step-form\"><h3 class=\"ds-heading\" data-size=\"xs\">");
		char num[8];
		snprintf(num, sizeof num, "%d", st->step);
		html_fmt(&w, T(r, "Step {}: {}"), num, step_name(sn, st->step, r->lang));
		html_raw(&w, "</h3>\n");
		buf_reset(&href);
		buf_addf(&href, "/enrolments/%" PRId64 "/steps", e->id);
		form_begin(&w, r, href.data);
		hidden(&w, "step", num);
		char changes[16];
		snprintf(changes, sizeof changes, "%d", st->changes);
		hidden(&w, "changes", changes);
		form_select(&w, r, sfe, "to", T(r, "New status"), opts, k, mine ? f->to : NULL);
		form_input(&w, r, sfe,
			   &(struct input){ .name = "date", .label = T(r, "Date"), .type = "date",
					    .value = mine ? f->date : today, .description = T(r, "YYYY-MM-DD") });
		textarea(&w, r, sfe, "note",
			 reason ? T(r, "Note (the reason, where the move needs one)") : T(r, "Note"), mine ? f->note : "");
		form_button(&w, "secondary", T(r, "Save the step"));
		form_end(&w);
		html_raw(&w, "</section>\n");
	}

	h2(&w, T(r, "History"));
	struct store_step_event *evs = NULL;
	size_t n = 0;
	if (stepwork_step_events(r->site->ac, r->org_id, e->id, &evs, &n) == STORE_OK && n > 0) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Date"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Step"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Change"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Note"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Confirmed by"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = n; i-- > 0;) {
			char d[11];
			date_format(evs[i].on_day, d);
			int from = step_status_parse(evs[i].from_status), to = step_status_parse(evs[i].to_status);
			html_raw(&w, "<tr><td>");
			html_text(&w, d);
			html_raw(&w, "</td><td>");
			html_int(&w, evs[i].step);
			html_raw(&w, "</td><td>");
			html_text(&w, from >= 0 ? T(r, step_status_label((enum step_status)from)) : evs[i].from_status);
			html_raw(&w, " → ");
			html_text(&w, to >= 0 ? T(r, step_status_label((enum step_status)to)) : evs[i].to_status);
			html_raw(&w, "</td><td>");
			html_text(&w, evs[i].note[0] ? evs[i].note : "–");
			html_raw(&w, "</td><td>");
			user_display_name(r, evs[i].by_user, &w);
			html_raw(&w, "</td></tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	} else {
		para(&w, T(r, "No step has been changed yet."));
	}
	free(evs);
	buf_reset(&href);
	buf_addf(&href, "/enrolments/%" PRId64 "/plan", e->id);
	link_to(&w, href.data, T(r, "Individual plan"));
	buf_reset(&href);
	buf_addf(&href, "/enrolments/%" PRId64, e->id);
	link_to(&w, href.data, T(r, "Back to the enrolment"));
	buf_release(&href);
	buf_release(&title);
	page_end(r, &w, status);
}

void steps_get(struct req *r)
{
	struct enrolment e;
	struct buf name = BUF_INIT;
	struct step_state states[STEP_COUNT];
	struct actor a;
	req_actor(r, &a);
	if (load(r, &e, &name)) {
		int rc = stepwork_steps_read(r->site->ac, &a, r->org_id, e.id, states);
		if (rc)
			resp_store_error(r, rc);
		else
			steps_page(r, 200, &e, name.data, states, NULL, NULL, NULL);
	}
	buf_release(&name);
}

void steps_post(struct req *r)
{
	struct enrolment e;
	struct buf name = BUF_INIT;
	if (!load(r, &e, &name)) {
		buf_release(&name);
		return;
	}
	struct step_form f = { 0 };
	const char *step, *changes;
	if (!form_str_or_400(r, "step", 10, &step) || !form_str_or_400(r, "changes", 20, &changes) ||
	    !form_str_or_400(r, "to", 30, &f.to) || !form_str_or_400(r, "date", 100, &f.date) ||
	    !form_str_or_400(r, "note", 8000, &f.note)) {
		buf_release(&name);
		return;
	}
	int64_t sn = 0, ch = -1;
	if (parse_int64(step, 1, STEP_COUNT, &sn) || (changes[0] && parse_int64(changes, 0, INT32_MAX, &ch))) {
		buf_release(&name);
		resp_error(r, 400, "bad_request", N_("The form is not valid; reload the page."), "step");
		return;
	}
	f.step = (int)sn;
	struct actor a;
	req_actor(r, &a);
	struct step_change_in in = { .step = f.step, .to = f.to, .date = f.date[0] ? f.date : "\x01", .note = f.note,
				     .changes = (int)ch };
	struct field_error fer = { 0 };
	int rc = stepwork_step_change(r->site->ac, &a, r->org_id, e.id, &in, date_today_cet(), NULL, &fer);
	if (!rc) {
		struct buf loc = BUF_INIT;
		buf_addf(&loc, "/enrolments/%" PRId64 "/steps?changed=1", e.id);
		resp_redirect(r, loc.data);
		buf_release(&loc);
		buf_release(&name);
		return;
	}
	struct step_state states[STEP_COUNT];
	int rc2 = stepwork_steps_read(r->site->ac, &a, r->org_id, e.id, states);
	if (rc2 || (rc != ACC_INVALID && rc != STORE_CONFLICT)) {
		resp_store_error(r, rc2 ? rc2 : rc);
	} else if (rc == STORE_CONFLICT) {
		steps_page(r, 409, &e, name.data, states, &f, NULL,
			   T(r, "The step was changed by someone else meanwhile. Check it as it is now and try again."));
	} else {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		steps_page(r, 422, &e, name.data, states, &f, &fe, NULL);
	}
	buf_release(&name);
}

/* ---- the individual plan ---- */

/* A form value when the page answers a post (the input kept), else the stored one. */
static const char *kv(struct req *r, bool posted, const char *name, const char *stored)
{
	const char *v = posted ? form_get(r, name) : NULL;
	return v ? v : stored ? stored : "";
}

static void date_field(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		       const char *label, const char *value)
{
	form_input(w, r, fe,
		   &(struct input){ .name = name, .label = label, .type = "date", .value = value,
				    .description = T(r, "YYYY-MM-DD") });
}

static void step_options(struct req *r, struct option *o, char num[STEP_COUNT + 1][4],
			 const struct step_names *sn)
{
	o[0].value = "0";
	o[0].label = T(r, "No step");
	for (int i = 1; i <= STEP_COUNT; i++) {
		snprintf(num[i], sizeof num[i], "%d", i);
		o[i].value = num[i];
		o[i].label = step_name(sn, i, r->lang);
	}
}

/* The plan, read only: goals, assignments, triggers and warning signs, crisis plan. */
static void plan_view(struct html *w, struct req *r, const struct plan *p, const struct step_names *sn)
{
	int32_t today = date_today_cet();
	h2(w, T(r, "Goals"));
	if (!p->ngoals)
		para(w, T(r, "No goals yet."));
	else
		html_raw(w, "<ul class=\"ds-list\">\n");
	for (size_t i = 0; i < p->ngoals; i++) {
		const struct plan_goal *g = &p->goals[i];
		char d[11];
		date_format(g->target, d);
		html_raw(w, "<li>");
		html_text(w, g->text ? g->text : "");
		html_raw(w, " (");
		html_text(w, T(r, goal_status_label(g->status)));
		if (d[0]) {
			html_raw(w, "; ");
			html_fmt(w, T(r, "target {}"), d);
		}
		html_raw(w, ")</li>\n");
	}
	if (p->ngoals)
		html_raw(w, "</ul>\n");
	h2(w, T(r, "Assignments"));
	if (!p->nassignments) {
		para(w, T(r, "No assignments yet."));
	} else {
		html_raw(w, "<table class=\"ds-table\" data-border=\"true\">\n<thead><tr><th scope=\"col\">");
		html_text(w, T(r, "Assignment"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Step or goal"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Due"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Status"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Review note"));
		html_raw(w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < p->nassignments; i++) {
			const struct plan_assignment *a = &p->assignments[i];
			char due[11];
			date_format(a->due, due);
			html_raw(w, "<tr><td>");
			html_text(w, a->text ? a->text : "");
			html_raw(w, "</td><td>");
			if (a->step) {
				char n[8];
				snprintf(n, sizeof n, "%d", a->step);
				html_fmt(w, T(r, "Step {}: {}"), n, step_name(sn, a->step, r->lang));
			}
			if (a->step && a->goal)
				html_raw(w, ", ");
			if (a->goal) {
				char n[8];
				snprintf(n, sizeof n, "%d", a->goal);
				html_fmt(w, T(r, "goal {}"), n);
			}
			html_raw(w, "</td><td>");
			html_text(w, due);
			html_raw(w, "</td><td>");
			html_text(w, T(r, assignment_status_label(a->status)));
			if (assignment_overdue(a, today)) {
				html_raw(w, " <strong class=\"tolv-overdue\">");
				html_text(w, T(r, "Overdue"));
				html_raw(w, "</strong>");
			}
			html_raw(w, "</td><td>");
			html_text(w, a->review_note ? a->review_note : "");
			html_raw(w, "</td></tr>\n");
		}
		html_raw(w, "</tbody>\n</table>\n");
	}
	const struct plan_list *lists[2] = { &p->triggers, &p->warning_signs };
	const char *heads[2] = { T(r, "Triggers"), T(r, "Warning signs") };
	for (int k = 0; k < 2; k++) {
		h2(w, heads[k]);
		if (!lists[k]->n) {
			para(w, T(r, "None listed."));
			continue;
		}
		html_raw(w, "<ul class=\"ds-list\">\n");
		for (size_t i = 0; i < lists[k]->n; i++) {
			html_raw(w, "<li>");
			html_text(w, lists[k]->v[i]);
			html_raw(w, "</li>\n");
		}
		html_raw(w, "</ul>\n");
	}
	h2(w, T(r, "Crisis plan"));
	html_raw(w, "<dl class=\"tolv-facts\"><dt>");
	html_text(w, T(r, "Who to call"));
	html_raw(w, "</dt><dd>");
	html_text(w, p->crisis_contacts && p->crisis_contacts[0] ? p->crisis_contacts : "–");
	html_raw(w, "</dd><dt>");
	html_text(w, T(r, "What helps"));
	html_raw(w, "</dt><dd>");
	html_text(w, p->crisis_helps && p->crisis_helps[0] ? p->crisis_helps : "–");
	html_raw(w, "</dd></dl>\n");
}

static void list_text(const struct plan_list *l, struct buf *out)
{
	for (size_t i = 0; i < l->n; i++) {
		buf_adds(out, l->v[i]);
		buf_addch(out, '\n');
	}
}

static void plan_page(struct req *r, int status, const struct enrolment *e, const char *name, const struct plan *p,
		      int version, bool posted, const struct form_errors *fe, const char *alert)
{
	struct html w;
	struct buf title = BUF_INIT, href = BUF_INIT, tmp = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Individual plan"), name);
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "warning", alert);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The plan was saved as a new version."));
	char vs[16];
	snprintf(vs, sizeof vs, "%d", version);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	if (version)
		html_fmt(&w, T(r, "Version {}."), vs);
	else
		html_text(&w, T(r, "The plan has not been saved yet."));
	html_raw(&w, "</p>\n");
	struct step_wording sw; /* the organisation's wording, loaded once for the page */
	const struct step_names *wording = step_wording_load(r->site->ac->store, r->org_id, &sw);
	plan_view(&w, r, p, wording);
	fac_chosen_block(r, &w, e->person_id); /* issue 5: the chosen meetings, a short list */
	relapses_plan_block(r, &w, e->person_id); /* issue 6: links to the person's relapses */
	buf_addf(&href, "/enrolments/%" PRId64 "/plan/versions", e->id);
	link_to(&w, href.data, T(r, "Earlier versions and what changed"));

	h2(&w, T(r, "Change the plan"));
	para(&w, T(r, "Saving keeps the earlier version: every change can be read afterwards."));
	buf_reset(&href);
	buf_addf(&href, "/enrolments/%" PRId64 "/plan", e->id);
	form_begin(&w, r, href.data);
	hidden(&w, "version", vs);
	char today[11], num[STEP_COUNT + 1][4];
	date_format(date_today_cet(), today);
	struct option steps[STEP_COUNT + 1];
	step_options(r, steps, num, wording);
	struct option gst[GOAL_STATUS_COUNT], ast[ASSIGNMENT_STATUS_COUNT];
	for (int i = 0; i < GOAL_STATUS_COUNT; i++) {
		gst[i].value = goal_status_key((enum goal_status)i);
		gst[i].label = T(r, goal_status_label((enum goal_status)i));
	}
	for (int i = 0; i < ASSIGNMENT_STATUS_COUNT; i++) {
		ast[i].value = assignment_status_key((enum assignment_status)i);
		ast[i].label = T(r, assignment_status_label((enum assignment_status)i));
	}
	/* Goals to link an assignment to: none, or one of the plan's. */
	size_t ng = p->ngoals < PLAN_MAX_GOALS ? p->ngoals : PLAN_MAX_GOALS;
	struct option goals[PLAN_MAX_GOALS + 1];
	char gid[PLAN_MAX_GOALS][12];
	goals[0].value = "0";
	goals[0].label = T(r, "No goal");
	for (size_t i = 0; i < ng; i++) {
		snprintf(gid[i], sizeof gid[i], "%d", p->goals[i].id);
		goals[i + 1].value = gid[i];
		goals[i + 1].label = p->goals[i].text ? p->goals[i].text : gid[i];
	}

	char f[64], d[11];
	for (size_t i = 0; i < p->ngoals; i++) {
		const struct plan_goal *g = &p->goals[i];
		html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-label\">");
		html_fmt(&w, T(r, "Goal {}"), gid[i < ng ? i : 0]);
		html_raw(&w, "</legend>\n");
		snprintf(f, sizeof f, "g%d_text", g->id);
		textarea(&w, r, fe, f, T(r, "Goal"), kv(r, posted, f, g->text));
		snprintf(f, sizeof f, "g%d_target", g->id);
		date_format(g->target, d);
		date_field(&w, r, fe, f, T(r, "Target date"), kv(r, posted, f, d));
		snprintf(f, sizeof f, "g%d_status", g->id);
		form_select(&w, r, fe, f, T(r, "Status"), gst, GOAL_STATUS_COUNT,
			    kv(r, posted, f, goal_status_key(g->status)));
		html_raw(&w, "</fieldset>\n");
	}
	html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-label\">");
	html_text(&w, T(r, "New goal"));
	html_raw(&w, "</legend>\n");
	textarea(&w, r, fe, "new_goal_text", T(r, "Goal"), kv(r, posted, "new_goal_text", ""));
	date_field(&w, r, fe, "new_goal_target", T(r, "Target date"), kv(r, posted, "new_goal_target", ""));
	html_raw(&w, "</fieldset>\n");

	for (size_t i = 0; i < p->nassignments; i++) {
		const struct plan_assignment *a = &p->assignments[i];
		char n[12], sn[8], gn[12];
		snprintf(n, sizeof n, "%d", a->id);
		snprintf(sn, sizeof sn, "%d", a->step);
		snprintf(gn, sizeof gn, "%d", a->goal);
		html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-label\">");
		html_fmt(&w, T(r, "Assignment {}"), n);
		html_raw(&w, "</legend>\n");
		snprintf(f, sizeof f, "a%d_text", a->id);
		textarea(&w, r, fe, f, T(r, "Assignment"), kv(r, posted, f, a->text));
		snprintf(f, sizeof f, "a%d_step", a->id);
		form_select(&w, r, fe, f, T(r, "Step"), steps, STEP_COUNT + 1, kv(r, posted, f, sn));
		snprintf(f, sizeof f, "a%d_goal", a->id);
		form_select(&w, r, fe, f, T(r, "Goal"), goals, ng + 1, kv(r, posted, f, gn));
		snprintf(f, sizeof f, "a%d_due", a->id);
		date_format(a->due, d);
		date_field(&w, r, fe, f, T(r, "Due date"), kv(r, posted, f, d));
		snprintf(f, sizeof f, "a%d_status", a->id);
		form_select(&w, r, fe, f, T(r, "Status"), ast, ASSIGNMENT_STATUS_COUNT,
			    kv(r, posted, f, assignment_status_key(a->status)));
		snprintf(f, sizeof f, "a%d_date", a->id);
		date_field(&w, r, fe, f, T(r, "Date of a status change"), kv(r, posted, f, today));
		snprintf(f, sizeof f, "a%d_review", a->id);
		textarea(&w, r, fe, f, T(r, "Review note"), kv(r, posted, f, a->review_note));
		html_raw(&w, "</fieldset>\n");
	}
	html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-label\">");
	html_text(&w, T(r, "New assignment"));
	html_raw(&w, "</legend>\n");
	textarea(&w, r, fe, "new_a_text", T(r, "Assignment"), kv(r, posted, "new_a_text", ""));
	form_select(&w, r, fe, "new_a_step", T(r, "Step"), steps, STEP_COUNT + 1, kv(r, posted, "new_a_step", "0"));
	form_select(&w, r, fe, "new_a_goal", T(r, "Goal"), goals, ng + 1, kv(r, posted, "new_a_goal", "0"));
	date_field(&w, r, fe, "new_a_due", T(r, "Due date"), kv(r, posted, "new_a_due", ""));
	html_raw(&w, "</fieldset>\n");

	list_text(&p->triggers, &tmp);
	textarea(&w, r, fe, "triggers", T(r, "Triggers (one a line)"), kv(r, posted, "triggers", tmp.data));
	buf_reset(&tmp);
	list_text(&p->warning_signs, &tmp);
	textarea(&w, r, fe, "warning_signs", T(r, "Warning signs (one a line)"),
		 kv(r, posted, "warning_signs", tmp.data));
	textarea(&w, r, fe, "crisis_contacts", T(r, "Crisis plan: who to call"),
		 kv(r, posted, "crisis_contacts", p->crisis_contacts));
	textarea(&w, r, fe, "crisis_helps", T(r, "Crisis plan: what helps"),
		 kv(r, posted, "crisis_helps", p->crisis_helps));
	form_button(&w, "primary", T(r, "Save a new version"));
	form_end(&w);

	buf_reset(&href);
	buf_addf(&href, "/enrolments/%" PRId64 "/steps", e->id);
	link_to(&w, href.data, T(r, "Steps"));
	buf_reset(&href);
	buf_addf(&href, "/enrolments/%" PRId64, e->id);
	link_to(&w, href.data, T(r, "Back to the enrolment"));
	buf_release(&tmp);
	buf_release(&href);
	buf_release(&title);
	page_end(r, &w, status);
}

void plan_get(struct req *r)
{
	struct enrolment e;
	struct buf name = BUF_INIT;
	struct actor a;
	req_actor(r, &a);
	if (load(r, &e, &name)) {
		struct plan p;
		int version = 0;
		int rc = stepwork_plan_read(r->site->ac, &a, r->org_id, e.id, 0, &p, &version, NULL);
		if (rc)
			resp_store_error(r, rc);
		else
			plan_page(r, 200, &e, name.data, &p, version, false, NULL, NULL);
		plan_release(&p);
	}
	buf_release(&name);
}

/* A date field: "" is none; anything but YYYY-MM-DD is an error on that field. */
static bool form_day(struct req *r, const char *name, int32_t *out, struct form_errors *fe)
{
	const char *v = form_get(r, name);
	*out = DATE_NONE;
	if (!v || !v[0])
		return true;
	if (date_parse(v, out)) {
		form_error(fe, name, N_("Give the date as YYYY-MM-DD."));
		return false;
	}
	return true;
}

static int form_small(struct req *r, const char *name, int max)
{
	const char *v = form_get(r, name);
	int64_t n = 0;
	if (!v || parse_int64(v, 0, max, &n))
		return 0;
	return (int)n;
}

/* Replaces a list with the lines of a text (blank lines dropped, each trimmed of \r). */
static void list_from_text(struct plan_list *l, const char *text)
{
	while (l->n)
		plan_list_remove(l, l->n - 1);
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		char *line = xstrndup(text, n);
		size_t k = strlen(line);
		while (k && (line[k - 1] == '\r' || line[k - 1] == ' '))
			line[--k] = '\0';
		if (k)
			plan_list_add(l, line);
		free(line);
		text = nl ? nl + 1 : text + n;
	}
}

/* Maps a plan_error path ("goals[1].text") onto the form's field of that item. */
static void plan_field(const struct plan *p, const struct plan *old, const struct plan_error *err, char *out,
		       size_t n)
{
	size_t i;
	char key[32];
	out[0] = '\0';
	if (sscanf(err->field, "goals[%zu].%31s", &i, key) == 2 && i >= old->ngoals) {
		snprintf(out, n, "new_goal_%s", !strcmp(key, "target") ? key : "text");
	} else if (sscanf(err->field, "goals[%zu].%31s", &i, key) == 2 && i < p->ngoals) {
		snprintf(out, n, "g%d_%s", p->goals[i].id, !strcmp(key, "target") || !strcmp(key, "status") ? key : "text");
	} else if (sscanf(err->field, "assignments[%zu].%31s", &i, key) == 2 && i >= old->nassignments) {
		snprintf(out, n, "new_a_%s",
			 !strcmp(key, "step") || !strcmp(key, "goal") || !strcmp(key, "due") ? key : "text");
	} else if (sscanf(err->field, "assignments[%zu].%31s", &i, key) == 2 && i < p->nassignments) {
		const char *k = !strcmp(key, "step") || !strcmp(key, "goal") || !strcmp(key, "due") ? key
				: !strcmp(key, "review_note")					 ? "review"
				: !strcmp(key, "text")						 ? "text"
				: !strcmp(key, "status")					 ? "status"
												 : "date";
		snprintf(out, n, "a%d_%s", p->assignments[i].id, k);
	} else if (!strncmp(err->field, "triggers", 8)) {
		snprintf(out, n, "triggers");
	} else if (!strncmp(err->field, "warning_signs", 13)) {
		snprintf(out, n, "warning_signs");
	} else if (!strncmp(err->field, "crisis", 6)) {
		snprintf(out, n, strstr(err->field, "helps") ? "crisis_helps" : "crisis_contacts");
	}
}

void plan_post(struct req *r)
{
	struct enrolment e;
	struct buf name = BUF_INIT;
	struct actor a;
	req_actor(r, &a);
	if (!load(r, &e, &name)) {
		buf_release(&name);
		return;
	}
	const char *version;
	if (!form_str_or_400(r, "version", 20, &version)) {
		buf_release(&name);
		return;
	}
	int64_t expected = 0;
	if (parse_int64(version, 0, INT32_MAX, &expected)) {
		buf_release(&name);
		resp_error(r, 400, "bad_request", N_("The form is not valid; reload the page."), "version");
		return;
	}
	struct plan old, p;
	int latest = 0;
	int rc = stepwork_plan_read(r->site->ac, &a, r->org_id, e.id, 0, &old, &latest, NULL);
	if (rc) {
		buf_release(&name);
		resp_store_error(r, rc);
		return;
	}
	if (latest != expected) {
		plan_page(r, 409, &e, name.data, &old, latest, false, NULL,
			  T(r, "The plan was saved by someone else meanwhile. Check it as it is now and make your change "
			       "again."));
		plan_release(&old);
		buf_release(&name);
		return;
	}
	plan_copy(&p, &old);
	struct form_errors fe = { 0 };
	int32_t today = date_today_cet();
	char f[64], terr[FORM_ERRORS_MAX][64];
	size_t nterr = 0;
	for (size_t i = 0; i < p.ngoals; i++) {
		struct plan_goal *g = &p.goals[i];
		snprintf(f, sizeof f, "g%d_text", g->id);
		plan_set_text(&g->text, kv(r, true, f, g->text));
		snprintf(f, sizeof f, "g%d_target", g->id);
		form_day(r, f, &g->target, &fe);
		snprintf(f, sizeof f, "g%d_status", g->id);
		int gs = goal_status_parse(kv(r, true, f, ""));
		if (gs >= 0)
			g->status = (enum goal_status)gs;
	}
	for (size_t i = 0; i < p.nassignments; i++) {
		struct plan_assignment *x = &p.assignments[i];
		snprintf(f, sizeof f, "a%d_text", x->id);
		plan_set_text(&x->text, kv(r, true, f, x->text));
		snprintf(f, sizeof f, "a%d_step", x->id);
		x->step = form_small(r, f, STEP_COUNT);
		snprintf(f, sizeof f, "a%d_goal", x->id);
		x->goal = form_small(r, f, 1000000);
		snprintf(f, sizeof f, "a%d_due", x->id);
		form_day(r, f, &x->due, &fe);
		snprintf(f, sizeof f, "a%d_status", x->id);
		int to = assignment_status_parse(kv(r, true, f, ""));
		snprintf(f, sizeof f, "a%d_review", x->id);
		const char *note = kv(r, true, f, "");
		if (to >= 0 && (enum assignment_status)to != x->status) {
			int32_t day = today;
			snprintf(f, sizeof f, "a%d_date", x->id);
			form_day(r, f, &day, &fe);
			if (day == DATE_NONE)
				day = today;
			const char *msg = assignment_transition(x, (enum assignment_status)to, day, today, note);
			if (msg && nterr < FORM_ERRORS_MAX) {
				snprintf(terr[nterr], sizeof terr[nterr], "a%d_%s", x->id,
					 strstr(msg, "review note") ? "review" : strstr(msg, "date") ? "date" : "status");
				form_error(&fe, terr[nterr++], msg);
			}
		} else if (x->status == ASSIGNMENT_REVIEWED) {
			plan_set_text(&x->review_note, note);
		}
	}
	const char *ngt = kv(r, true, "new_goal_text", "");
	if (ngt[0]) {
		int32_t target;
		form_day(r, "new_goal_target", &target, &fe);
		plan_add_goal(&p, ngt, target);
	}
	const char *nat = kv(r, true, "new_a_text", "");
	if (nat[0]) {
		int32_t due;
		form_day(r, "new_a_due", &due, &fe);
		if (due == DATE_NONE)
			form_error(&fe, "new_a_due", N_("An assignment needs a due date."));
		plan_add_assignment(&p, nat, form_small(r, "new_a_step", STEP_COUNT),
				    form_small(r, "new_a_goal", 1000000), today, due);
	}
	list_from_text(&p.triggers, kv(r, true, "triggers", ""));
	list_from_text(&p.warning_signs, kv(r, true, "warning_signs", ""));
	plan_set_text(&p.crisis_contacts, kv(r, true, "crisis_contacts", ""));
	plan_set_text(&p.crisis_helps, kv(r, true, "crisis_helps", ""));

	struct plan_error err;
	memset(&err, 0, sizeof err);
	int number = 0;
	char field[64];
	if (!fe.n) {
		rc = stepwork_plan_save(r->site->ac, &a, r->org_id, e.id, &p, latest, &number, &err);
		if (rc == ACC_INVALID) {
			plan_field(&p, &old, &err, field, sizeof field);
			form_error(&fe, field[0] ? field : NULL, err.msg);
		} else if (rc == STORE_CONFLICT) {
			plan_page(r, 409, &e, name.data, &old, latest, true, NULL,
				  T(r, "The plan was saved by someone else meanwhile. Check it as it is now and make "
				       "your change again."));
			goto out;
		} else if (rc) {
			resp_store_error(r, rc);
			goto out;
		} else {
			struct buf loc = BUF_INIT;
			buf_addf(&loc, "/enrolments/%" PRId64 "/plan?saved=1", e.id);
			resp_redirect(r, loc.data);
			buf_release(&loc);
			goto out;
		}
	}
	plan_page(r, 422, &e, name.data, &old, latest, true, &fe, NULL);
out:
	plan_release(&p);
	plan_release(&old);
	buf_release(&name);
}

/* /enrolments/{id}/plan/versions: newest first, each with who saved it, when, and what
 * changed from the version before; ?v=N shows version N as it was saved. */
void plan_versions_get(struct req *r)
{
	struct enrolment e;
	struct buf name = BUF_INIT, title = BUF_INIT, href = BUF_INIT;
	struct actor a;
	req_actor(r, &a);
	int64_t want = 0;
	if (!query_int_or_400(r, "v", 0, INT32_MAX, 0, &want) || !load(r, &e, &name)) {
		buf_release(&name);
		return;
	}
	struct store_plan_version *v = NULL;
	size_t n = 0;
	int rc = stepwork_plan_versions(r->site->ac, &a, r->org_id, e.id, &v, &n);
	if (rc) {
		resp_store_error(r, rc);
		buf_release(&name);
		return;
	}
	struct plan *plans = xcalloc(n ? n : 1, sizeof *plans);
	bool *ok = xcalloc(n ? n : 1, sizeof *ok);
	size_t shown = n;
	for (size_t i = 0; i < n; i++) {
		ok[i] = v[i].json && !plan_parse(v[i].json, strlen(v[i].json), &plans[i], NULL);
		if (want && v[i].number == want)
			shown = i;
	}
	if (want && shown == n) {
		resp_error(r, 404, "not_found", N_("There is no such version of the plan."), "v");
		goto out;
	}
	struct html w;
	char num[16];
	if (want) {
		snprintf(num, sizeof num, "%" PRId64, want);
		buf_addf(&title, "%s: %s", T(r, "Individual plan"), name.data);
		page_begin(r, &w, title.data);
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_fmt(&w, T(r, "Version {}, as it was saved."), num);
		html_raw(&w, "</p>\n");
		struct step_wording sw; /* the organisation's wording */
		if (ok[shown])
			plan_view(&w, r, &plans[shown], step_wording_load(r->site->ac->store, r->org_id, &sw));
	} else {
		buf_addf(&title, "%s: %s", T(r, "Versions of the plan"), name.data);
		page_begin(r, &w, title.data);
		if (!n)
			para(&w, T(r, "The plan has not been saved yet."));
		for (size_t i = n; i-- > 0;) {
			char when[11];
			date_format(date_from_unix_cet(v[i].created_at), when);
			snprintf(num, sizeof num, "%d", v[i].number);
			html_raw(&w, "<section class=\"tolv-plan-version\"><h2 class=\"ds-heading\" data-size=\"sm\">");
			html_fmt(&w, T(r, "Version {}"), num);
			html_raw(&w, "</h2>\n<p class=\"ds-paragraph\">");
			html_text(&w, when);
			html_raw(&w, " – ");
			user_display_name(r, v[i].author, &w);
			html_raw(&w, " – <a class=\"ds-link\"");
			buf_reset(&href);
			buf_addf(&href, "/enrolments/%" PRId64 "/plan/versions?v=%d", e.id, v[i].number);
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, T(r, "Read this version"));
			html_raw(&w, "</a></p>\n");
			if (ok[i]) {
				struct plan_diff d = { 0 };
				plan_diff(i > 0 && ok[i - 1] ? &plans[i - 1] : NULL, &plans[i], &d);
				html_raw(&w, "<ul class=\"ds-list\">\n");
				for (size_t k = 0; k < d.n; k++) {
					struct buf t = BUF_INIT;
					plan_change_text(&d.v[k], r->lang, &t);
					html_raw(&w, "<li>");
					html_text(&w, t.data ? t.data : "");
					html_raw(&w, "</li>\n");
					buf_release(&t);
				}
				html_raw(&w, "</ul>\n");
				plan_diff_release(&d);
			}
			html_raw(&w, "</section>\n");
		}
	}
	buf_reset(&href);
	buf_addf(&href, "/enrolments/%" PRId64 "/plan", e.id);
	link_to(&w, href.data, T(r, "Back to the plan"));
	page_end(r, &w, 200);
out:
	for (size_t i = 0; i < n; i++)
		if (ok[i])
			plan_release(&plans[i]);
	free(plans);
	free(ok);
	store_plan_versions_free(v, n);
	buf_release(&href);
	buf_release(&title);
	buf_release(&name);
}

void stepwork_overdue_block(struct req *r, struct html *w)
{
	struct store *s = r->site->ac->store;
	struct enrolment_query q = { .therapist_id = r->user.id, .phase = -1, .limit = 200 };
	copy_str(q.status, sizeof q.status, "open");
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	if (store_enrolment_list(s, r->org_id, &q, &rows, &n, &total) != STORE_OK)
		return;
	int32_t today = date_today_cet();
	bool any = false;
	struct buf href = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		struct store_plan_version v;
		if (store_plan_get(s, r->org_id, rows[i].e.id, 0, &v) != STORE_OK)
			continue;
		struct plan p;
		bool parsed = !plan_parse(v.json, strlen(v.json), &p, NULL);
		free(v.json);
		if (!parsed)
			continue;
		for (size_t k = 0; k < p.nassignments; k++) {
			const struct plan_assignment *x = &p.assignments[k];
			if (!assignment_overdue(x, today))
				continue;
			if (!any) {
				h2(w, T(r, "Overdue assignments"));
				html_raw(w, "<ul class=\"ds-list tolv-overdue\">\n");
				any = true;
			}
			char due[11];
			date_format(x->due, due);
			buf_reset(&href);
			buf_addf(&href, "/enrolments/%" PRId64 "/plan", rows[i].e.id);
			html_raw(w, "<li><a class=\"ds-link\"");
			html_attr(w, "href", href.data);
			html_raw(w, ">");
			html_text(w, rows[i].given_name);
			html_raw(w, " ");
			html_text(w, rows[i].family_name);
			html_raw(w, "</a>: ");
			html_text(w, x->text ? x->text : "");
			html_raw(w, " (");
			html_fmt(w, T(r, "due {}"), due);
			html_raw(w, ")</li>\n");
		}
		plan_release(&p);
	}
	if (any)
		html_raw(w, "</ul>\n");
	buf_release(&href);
	free(rows);
}

void stepwork_links(struct req *r, struct html *w, int64_t enrolment_id)
{
	struct buf href = BUF_INIT;
	buf_addf(&href, "/enrolments/%" PRId64 "/steps", enrolment_id);
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	html_text(w, T(r, "Steps"));
	html_raw(w, "</a> · <a class=\"ds-link\"");
	buf_reset(&href);
	buf_addf(&href, "/enrolments/%" PRId64 "/plan", enrolment_id);
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	html_text(w, T(r, "Individual plan"));
	html_raw(w, "</a></p>\n");
	buf_release(&href);
}
