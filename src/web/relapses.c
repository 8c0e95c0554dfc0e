/* relapses.c: the pages of relapse follow-up (issue 6, "Relapse"; staff) —
 * /persons/{id}/relapses (the person's relapses, newest first, a form for a new one and,
 * where the organisation uses it, the sober-since day), /relapses/{id} (one relapse:
 * confirm or reject a draft, the response, the referral to detox, pausing and resuming the
 * enrolment), /settings/relapses (admin: whether sober-since is shown), and the small
 * blocks of the person page, the start page and the plan page. The rules are
 * domain/relapses.c's. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/enrolments.h"
#include "domain/relapses.h"
#include "domain/roles.h"
#include "html/form.h"
#include "html/layout.h"

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

static void link_to(struct html *w, const char *href, const char *label)
{
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></p>\n");
}

static void hidden(struct html *w, const char *name, const char *value)
{
	form_hidden(w, name, value);
}

static void textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *value)
{
	form_textarea(w, r, fe, &(struct textarea){ .name = name, .label = label, .value = value, .rows = 3 });
}

static void day_text(struct html *w, int32_t day)
{
	char d[11];
	date_format(day, d);
	html_text(w, d[0] ? d : "–");
}

static void dt(struct html *w, const char *label)
{
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd>");
}

/* The person's name; answers 404 itself (another organisation's person is none). */
static bool load_person(struct req *r, int64_t id, struct buf *name)
{
	struct person p;
	int rc = store_person_get(r->site->ac->store, r->org_id, id, &p);
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

/* The substances as "a, b" (keys; the test helper's classes have their own labels). */
static void substances_text(struct req *r, struct html *w, const char *s)
{
	if (!s[0]) {
		html_text(w, T(r, "Not known"));
		return;
	}
	for (const char *p = s; *p; p++) {
		if (*p == ',')
			html_raw(w, ", ");
		else
			html_textn(w, p, 1);
	}
}

static void status_text(struct req *r, struct html *w, const struct store_relapse *x)
{
	html_text(w, T(r, relapse_status_label(x->status)));
	if (x->review) {
		html_raw(w, " (");
		html_text(w, T(r, "lab result overturned the test: review"));
		html_raw(w, ")");
	}
}

static bool may_change_any(const struct req *r)
{
	return (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
}

/* ---- /persons/{id}/relapses ---- */

#define KV(name, stored) (fe && form_get(r, name) ? form_get(r, name) : (stored))

static void list_page(struct req *r, int status, const char *name, const struct form_errors *fe,
		      const char *alert)
{
	struct actor a;
	req_actor(r, &a);
	struct store_relapse *rows = NULL;
	size_t n = 0;
	int rc = relapses_list(r->site->ac, &a, r->org_id, r->id, &rows, &n);
	int32_t sober = DATE_NONE;
	bool shown = false;
	if (!rc)
		rc = relapses_sober_get(r->site->ac, &a, r->org_id, r->id, &sober, &shown);
	if (rc) {
		free(rows);
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	struct buf title = BUF_INIT, href = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Relapses"), name);
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "warning", alert);
	if (!fe && !alert && query_get(r, "sober"))
		page_alert(&w, "success", T(r, "The sober-since date was saved."));
	para(&w, T(r, "A relapse is part of the process: treatment is paused and resumed, never ended by it."));

	if (shown) {
		h2(&w, T(r, "Sober since"));
		html_raw(&w, "<p class=\"ds-paragraph\" data-sober-since>");
		if (sober == DATE_NONE)
			html_text(&w, T(r, "No sober-since date is set."));
		else {
			char d[11];
			date_format(sober, d);
			html_fmt(&w, T(r, "Sober since {}."), d);
		}
		html_raw(&w, "</p>\n");
		para(&w, T(r, "Only a confirmed relapse changes this date, to the day after the relapse."));
		buf_addf(&href, "/persons/%" PRId64 "/sober-since", r->id);
		form_begin(&w, r, href.data);
		char d[11];
		date_format(sober, d);
		form_input(&w, r, fe,
			   &(struct input){ .name = "sober_since", .label = T(r, "Sober since"), .type = "date",
					    .value = KV("sober_since", d),
					    .description = T(r, "YYYY-MM-DD; leave empty to clear it") });
		form_button(&w, "secondary", T(r, "Save the date"));
		form_end(&w);
	}

	h2(&w, T(r, "Recorded relapses"));
	if (n == 0) {
		para(&w, T(r, "No relapses recorded."));
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Recorded relapses"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Date"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Substances"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "How staff learned of it"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Status"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			buf_reset(&href);
			buf_addf(&href, "/relapses/%" PRId64, rows[i].id);
			html_raw(&w, "<tr><td><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			day_text(&w, rows[i].on_day);
			html_raw(&w, "</a></td><td>");
			substances_text(r, &w, rows[i].substances);
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, relapse_source_label(rows[i].source)));
			html_raw(&w, "</td><td>");
			status_text(r, &w, &rows[i]);
			html_raw(&w, "</td></tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	free(rows);

	h2(&w, T(r, "Record a relapse"));
	para(&w, T(r, "The record is a draft until the therapist confirms or rejects it."));
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64 "/relapses", r->id);
	form_begin(&w, r, href.data);
	char today[11];
	date_format(date_today_cet(), today);
	form_input(&w, r, fe,
		   &(struct input){ .name = "date", .label = T(r, "Date of the relapse"), .type = "date",
				    .value = KV("date", today), .description = T(r, "YYYY-MM-DD"), .required = true });
	form_input(&w, r, fe,
		   &(struct input){ .name = "substances", .label = T(r, "Substances"), .type = "text",
				    .value = KV("substances", ""),
				    .description = T(r, "Keys separated by commas, for example alcohol, cannabis") });
	struct option src[3] = { { "told", T(r, "Told by the person") },
				 { "test", T(r, "A test") },
				 { "other", T(r, "Other") } };
	form_select(&w, r, fe, "source", T(r, "How staff learned of it"), src, 3, KV("source", "told"));
	form_input(&w, r, fe,
		   &(struct input){ .name = "test_id", .label = T(r, "Test number"), .type = "text",
				    .value = KV("test_id", ""), .description = T(r, "Only when a test showed it") });
	textarea(&w, r, fe, "source_text", T(r, "How, when learned of in another way"), KV("source_text", ""));
	form_button(&w, "primary", T(r, "Record the relapse"));
	form_end(&w);
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64, r->id);
	link_to(&w, href.data, T(r, "Back to the person"));
	buf_release(&href);
	buf_release(&title);
	page_end(r, &w, status);
}

void relapses_list_get(struct req *r)
{
	struct buf name = BUF_INIT;
	if (load_person(r, r->id, &name))
		list_page(r, 200, name.data, NULL, NULL);
	buf_release(&name);
}

void relapses_create_post(struct req *r)
{
	struct buf name = BUF_INIT;
	struct relapse_in in = { 0 };
	if (!load_person(r, r->id, &name) || !form_str_or_400(r, "date", 40, &in.date) ||
	    !form_str_or_400(r, "substances", 1000, &in.substances) || !form_str_or_400(r, "source", 40, &in.source) ||
	    !form_str_or_400(r, "test_id", 40, &in.test_id) || !form_str_or_400(r, "source_text", 2000, &in.source_text)) {
		buf_release(&name);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int64_t id = 0;
	int rc = relapses_create(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &id, &fer);
	if (!rc) {
		struct buf loc = BUF_INIT;
		buf_addf(&loc, "/relapses/%" PRId64 "?saved=1", id);
		resp_redirect(r, loc.data);
		buf_release(&loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		list_page(r, 422, name.data, &fe, NULL);
	} else {
		resp_store_error(r, rc);
	}
	buf_release(&name);
}

void relapses_sober_post(struct req *r)
{
	struct buf name = BUF_INIT;
	const char *date;
	if (!load_person(r, r->id, &name) || !form_str_or_400(r, "sober_since", 40, &date)) {
		buf_release(&name);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = relapses_sober_set(r->site->ac, &a, r->org_id, r->id, date, date_today_cet(), &fer);
	if (!rc) {
		struct buf loc = BUF_INIT;
		buf_addf(&loc, "/persons/%" PRId64 "/relapses?sober=1", r->id);
		resp_redirect(r, loc.data);
		buf_release(&loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		list_page(r, 422, name.data, &fe, NULL);
	} else if (rc == RELAPSES_REFUSED) {
		list_page(r, 409, name.data, NULL, T(r, fer.message));
	} else {
		resp_store_error(r, rc);
	}
	buf_release(&name);
}

/* ---- /relapses/{id} ---- */

static void response_form(struct html *w, struct req *r, const struct form_errors *fe, const struct store_relapse *x)
{
	char conv[11], phys[11], detox[11], plan[24] = "", extra[24];
	date_format(x->conversation_on, conv);
	date_format(x->physician_on, phys);
	date_format(x->detox_on, detox);
	if (x->plan_version)
		snprintf(plan, sizeof plan, "%d", x->plan_version);
	snprintf(extra, sizeof extra, "%d", x->extra_sessions);
	struct buf href = BUF_INIT;
	buf_addf(&href, "/relapses/%" PRId64, x->id);
	form_begin(w, r, href.data);
	form_input(w, r, fe,
		   &(struct input){ .name = "conversation_date", .label = T(r, "Conversation about the relapse"),
				    .type = "date", .value = KV("conversation_date", conv),
				    .description = T(r, "The date it took place (YYYY-MM-DD)") });
	form_input(w, r, fe,
		   &(struct input){ .name = "plan_version", .label = T(r, "Changed plan: version number"),
				    .type = "text", .value = KV("plan_version", plan),
				    .description = T(r, "The version of the plan that responds to the relapse") });
	form_input(w, r, fe,
		   &(struct input){ .name = "extra_sessions", .label = T(r, "Extra sessions"), .type = "text",
				    .value = KV("extra_sessions", extra), .description = T(r, "0 to 100") });
	textarea(w, r, fe, "extra_sessions_text", T(r, "About the extra sessions"),
		 KV("extra_sessions_text", x->extra_sessions_text));
	form_input(w, r, fe,
		   &(struct input){ .name = "physician_date", .label = T(r, "Physician assessment: date"),
				    .type = "date", .value = KV("physician_date", phys),
				    .description = T(r, "YYYY-MM-DD") });
	struct option ps[4] = { { "", T(r, relapse_physician_status_label("")) },
				{ "planned", T(r, relapse_physician_status_label("planned")) },
				{ "done", T(r, relapse_physician_status_label("done")) },
				{ "declined", T(r, relapse_physician_status_label("declined")) } };
	form_select(w, r, fe, "physician_status", T(r, "Physician assessment"), ps, 4,
		    KV("physician_status", x->physician_status));
	form_input(w, r, fe,
		   &(struct input){ .name = "detox_destination", .label = T(r, "Referral to detox: where"),
				    .type = "text", .value = KV("detox_destination", x->detox_destination) });
	form_input(w, r, fe,
		   &(struct input){ .name = "detox_date", .label = T(r, "Referral to detox: date"), .type = "date",
				    .value = KV("detox_date", detox), .description = T(r, "YYYY-MM-DD") });
	struct option ds[5] = { { "", T(r, relapse_detox_status_label("")) },
				{ "planned", T(r, relapse_detox_status_label("planned")) },
				{ "admitted", T(r, relapse_detox_status_label("admitted")) },
				{ "completed", T(r, relapse_detox_status_label("completed")) },
				{ "cancelled", T(r, relapse_detox_status_label("cancelled")) } };
	form_select(w, r, fe, "detox_status", T(r, "Referral to detox"), ds, 5, KV("detox_status", x->detox_status));
	form_button(w, "primary", T(r, "Save the response"));
	form_end(w);
	buf_release(&href);
}

static void decision_forms(struct html *w, struct req *r, const struct form_errors *fe, const struct store_relapse *x)
{
	struct buf href = BUF_INIT;
	buf_addf(&href, "/relapses/%" PRId64 "/decision", x->id);
	if (!strcmp(x->status, "draft")) {
		h2(w, T(r, "Confirm or reject"));
		para(w, T(r, "Confirming records the relapse (and resets the sober-since date). Rejecting needs a "
			     "reason."));
		form_begin(w, r, href.data);
		hidden(w, "decision", "confirm");
		form_button(w, "primary", T(r, "Confirm the relapse"));
		form_end(w);
	} else if (x->review) {
		h2(w, T(r, "Review"));
		para(w, T(r, "The lab did not confirm the test that showed this relapse. Keep the relapse, or reject "
			     "it with a reason."));
		form_begin(w, r, href.data);
		hidden(w, "decision", "keep");
		form_button(w, "primary", T(r, "Keep the relapse"));
		form_end(w);
	} else {
		buf_release(&href);
		return;
	}
	form_begin(w, r, href.data);
	hidden(w, "decision", "reject");
	textarea(w, r, fe, "reason", T(r, "Why the relapse is rejected"), KV("reason", ""));
	form_button(w, "secondary", T(r, "Reject the relapse"));
	form_end(w);
	buf_release(&href);
}

static void pause_section(struct html *w, struct req *r, const struct form_errors *fe, const struct store_relapse *x)
{
	h2(w, T(r, "Pause and resume the enrolment"));
	struct actor a;
	req_actor(r, &a);
	struct buf href = BUF_INIT;
	int64_t eid = x->paused_enrolment_id ? x->paused_enrolment_id : x->enrolment_id;
	struct enrolment e;
	if (!eid || enrolments_read(r->site->ac, &a, r->org_id, eid, "relapse", &e)) {
		para(w, T(r, "The person had no open enrolment at the relapse."));
		return;
	}
	char today[11];
	date_format(date_today_cet(), today);
	html_raw(w, "<p class=\"ds-paragraph\" data-enrolment-status>");
	buf_addf(&href, "/enrolments/%" PRId64, e.id);
	html_raw(w, "<a class=\"ds-link\"");
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	html_text(w, T(r, "The enrolment"));
	html_raw(w, "</a>: ");
	int st = enrolment_status_parse(e.status);
	html_raw(w, "<span data-status>");
	html_text(w, st >= 0 ? T(r, enrolment_status_label((enum enrolment_status)st)) : e.status);
	html_raw(w, "</span>");
	html_raw(w, "</p>\n");
	if (x->paused_on != DATE_NONE) {
		char p[11], q[11];
		date_format(x->paused_on, p);
		date_format(x->resumed_on, q);
		html_raw(w, "<p class=\"ds-paragraph\" data-relapse-pause>");
		if (x->resumed_on == DATE_NONE)
			html_fmt(w, T(r, "This relapse paused the enrolment on {}."), p);
		else
			html_fmt(w, T(r, "This relapse paused the enrolment on {}; it was resumed on {}."), p, q);
		html_raw(w, "</p>\n");
	}
	buf_reset(&href);
	if (x->paused_on != DATE_NONE && x->resumed_on == DATE_NONE && !strcmp(e.status, "paused")) {
		buf_addf(&href, "/relapses/%" PRId64 "/resume", x->id);
		form_begin(w, r, href.data);
		form_input(w, r, fe,
			   &(struct input){ .name = "date", .label = T(r, "Resume on"), .type = "date",
					    .value = KV("date", today), .description = T(r, "YYYY-MM-DD") });
		form_button(w, "primary", T(r, "Resume the enrolment"));
		form_end(w);
	} else if (strcmp(x->status, "rejected") && !strcmp(e.status, "active") &&
		   (x->paused_on == DATE_NONE || x->resumed_on != DATE_NONE) && e.id == x->enrolment_id) {
		para(w, T(r, "A relapse never ends the enrolment; pausing it keeps the phase and its days."));
		buf_addf(&href, "/relapses/%" PRId64 "/pause", x->id);
		form_begin(w, r, href.data);
		form_input(w, r, fe,
			   &(struct input){ .name = "date", .label = T(r, "Pause from"), .type = "date",
					    .value = KV("date", today), .description = T(r, "YYYY-MM-DD") });
		form_button(w, "secondary", T(r, "Pause the enrolment"));
		form_end(w);
	}
	buf_release(&href);
}

static void relapse_page(struct req *r, int status, const struct form_errors *fe, const char *alert)
{
	struct actor a;
	req_actor(r, &a);
	struct store_relapse *x = xcalloc(1, sizeof *x);
	int rc = relapses_get(r->site->ac, &a, r->org_id, r->id, x);
	if (rc) {
		resp_store_error(r, rc);
		free(x);
		return;
	}
	struct buf name = BUF_INIT, title = BUF_INIT, href = BUF_INIT;
	buf_adds(&name, x->given_name);
	if (x->given_name[0] && x->family_name[0])
		buf_addch(&name, ' ');
	buf_adds(&name, x->family_name);
	char d[11];
	date_format(x->on_day, d);
	buf_addf(&title, "%s, %s: %s", T(r, "Relapse"), d, name.data);
	struct html w;
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "warning", alert);
	static const char *const oks[][2] = { { "saved", N_("The relapse was recorded.") },
					      { "decided", N_("The decision was saved.") },
					      { "responded", N_("The response was saved.") },
					      { "paused", N_("The enrolment was paused.") },
					      { "resumed", N_("The enrolment was resumed.") } };
	for (size_t i = 0; !fe && !alert && i < sizeof oks / sizeof oks[0]; i++)
		if (query_get(r, oks[i][0]))
			page_alert(&w, "success", T(r, oks[i][1]));

	html_raw(&w, "<dl class=\"tolv-details\">\n");
	dt(&w, T(r, "Status"));
	html_raw(&w, "<span data-relapse-status>");
	status_text(r, &w, x);
	html_raw(&w, "</span></dd>\n");
	dt(&w, T(r, "Date"));
	html_text(&w, d);
	html_raw(&w, "</dd>\n");
	dt(&w, T(r, "Substances"));
	substances_text(r, &w, x->substances);
	html_raw(&w, "</dd>\n");
	dt(&w, T(r, "How staff learned of it"));
	html_text(&w, T(r, relapse_source_label(x->source)));
	if (x->test_id) {
		char t[24];
		snprintf(t, sizeof t, "%" PRId64, x->test_id);
		html_raw(&w, " (");
		html_fmt(&w, T(r, "test {}"), t);
		html_raw(&w, ")");
	}
	if (x->source_text[0]) {
		html_raw(&w, ": ");
		html_text(&w, x->source_text);
	}
	html_raw(&w, "</dd>\n");
	dt(&w, T(r, "Recorded by"));
	user_display_name(r, x->created_by, &w);
	html_raw(&w, "</dd>\n");
	if (x->decided_at) {
		dt(&w, T(r, "Decided by"));
		user_display_name(r, x->decided_by, &w);
		html_raw(&w, ", ");
		day_text(&w, date_from_unix_cet(x->decided_at));
		html_raw(&w, "</dd>\n");
	}
	if (x->decision_reason[0]) {
		dt(&w, T(r, "Reason"));
		if (!strcmp(x->decision_reason, "lab"))
			html_text(&w, T(r, "The lab did not confirm the test."));
		else
			html_text(&w, x->decision_reason);
		html_raw(&w, "</dd>\n");
	}
	html_raw(&w, "</dl>\n");

	decision_forms(&w, r, fe, x);
	if (strcmp(x->status, "rejected")) {
		h2(&w, T(r, "Response"));
		if (x->enrolment_id) {
			buf_addf(&href, "/enrolments/%" PRId64 "/plan", x->enrolment_id);
			link_to(&w, href.data, T(r, "The plan"));
		}
		response_form(&w, r, fe, x);
	}
	pause_section(&w, r, fe, x);
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64 "/relapses", x->person_id);
	link_to(&w, href.data, T(r, "All relapses of the person"));
	free(x);
	buf_release(&name);
	buf_release(&href);
	buf_release(&title);
	page_end(r, &w, status);
}

void relapse_get(struct req *r)
{
	relapse_page(r, 200, NULL, NULL);
}

static void answer(struct req *r, int rc, const struct field_error *fer, const char *ok_suffix)
{
	if (!rc) {
		struct buf loc = BUF_INIT;
		buf_addf(&loc, "/relapses/%" PRId64 "?%s=1", r->id, ok_suffix);
		resp_redirect(r, loc.data);
		buf_release(&loc);
	} else if (rc == RELAPSES_REFUSED) {
		relapse_page(r, 409, NULL, T(r, fer->message));
	} else if (rc == RELAPSES_FORBIDDEN) {
		relapse_page(r, 403, NULL, T(r, "Only the primary therapist, a coordinator or an administrator can change "
					     "this enrolment."));
	} else if (rc == STORE_CONFLICT) {
		relapse_page(r, 409, NULL, T(r, "The enrolment was changed meanwhile; look at it again."));
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer->field ? fer->field : "decision", fer->message);
		relapse_page(r, 422, &fe, NULL);
	} else {
		resp_store_error(r, rc);
	}
}

void relapse_post(struct req *r)
{
	struct relapse_response_in in = { 0 };
	if (!form_str_or_400(r, "conversation_date", 40, &in.conversation_date) ||
	    !form_str_or_400(r, "plan_version", 40, &in.plan_version) ||
	    !form_str_or_400(r, "extra_sessions", 40, &in.extra_sessions) ||
	    !form_str_or_400(r, "extra_sessions_text", 2000, &in.extra_sessions_text) ||
	    !form_str_or_400(r, "physician_date", 40, &in.physician_date) ||
	    !form_str_or_400(r, "physician_status", 40, &in.physician_status) ||
	    !form_str_or_400(r, "detox_destination", 1000, &in.detox_destination) ||
	    !form_str_or_400(r, "detox_date", 40, &in.detox_date) ||
	    !form_str_or_400(r, "detox_status", 40, &in.detox_status))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = relapses_respond(r->site->ac, &a, r->org_id, r->id, &in, &fer);
	answer(r, rc, &fer, "responded");
}

void relapse_decision_post(struct req *r)
{
	const char *decision, *reason;
	if (!form_str_or_400(r, "decision", 40, &decision) || !form_str_or_400(r, "reason", 2000, &reason))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = relapses_decide(r->site->ac, &a, r->org_id, r->id, decision, reason, &fer);
	answer(r, rc, &fer, "decided");
}

void relapse_pause_post(struct req *r)
{
	const char *date;
	if (!form_str_or_400(r, "date", 40, &date))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = relapses_pause(r->site->ac, &a, r->org_id, r->id, may_change_any(r), date, date_today_cet(), &fer);
	answer(r, rc, &fer, "paused");
}

void relapse_resume_post(struct req *r)
{
	const char *date;
	if (!form_str_or_400(r, "date", 40, &date))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = relapses_resume(r->site->ac, &a, r->org_id, r->id, may_change_any(r), date, date_today_cet(), &fer);
	answer(r, rc, &fer, "resumed");
}

/* ---- /settings/relapses ---- */

void relapse_settings_get(struct req *r)
{
	bool on = false;
	int rc = relapses_settings_get(r->site->ac, r->org_id, &on);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Relapse settings"));
	if (query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	para(&w, T(r, "A sober-since date per person is optional. When it is turned on, staff can set it on the "
		      "person's relapse page, and a confirmed relapse resets it."));
	form_begin(&w, r, "/settings/relapses");
	struct option opts[2] = { { "off", T(r, "Do not show sober-since dates") },
				  { "on", T(r, "Show sober-since dates") } };
	form_select(&w, r, NULL, "sober_since", T(r, "Sober-since dates"), opts, 2, on ? "on" : "off");
	form_button(&w, "primary", T(r, "Save"));
	form_end(&w);
	page_end(r, &w, 200);
}

void relapse_settings_post(struct req *r)
{
	const char *v;
	if (!form_str_or_400(r, "sober_since", 10, &v))
		return;
	if (strcmp(v, "on") && strcmp(v, "off")) {
		error_page(r, 400, T(r, "Choose whether sober-since dates are shown."));
		return;
	}
	struct actor a;
	req_actor(r, &a);
	int rc = relapses_settings_set(r->site->ac, &a, r->org_id, !strcmp(v, "on"));
	if (rc)
		resp_store_error(r, rc);
	else
		resp_redirect(r, "/settings/relapses?saved=1");
}

/* ---- the person page, the start page, the plan page ---- */

void relapses_person_block(struct req *r, struct html *w, int64_t person_id)
{
	struct store_relapse *rows = NULL;
	size_t n = 0, drafts = 0;
	if (store_relapse_list(r->site->ac->store, r->org_id, person_id, 0, "draft", 50, &rows, &n) == STORE_OK)
		drafts = n;
	free(rows);
	struct buf href = BUF_INIT;
	buf_addf(&href, "/persons/%" PRId64 "/relapses", person_id);
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	html_text(w, T(r, "Relapses"));
	html_raw(w, "</a>");
	if (drafts > 0) {
		char k[24];
		snprintf(k, sizeof k, "%zu", drafts);
		html_raw(w, " (<span data-relapse-drafts>");
		html_fmt(w, T(r, "{} to confirm or reject"), k);
		html_raw(w, "</span>)");
	}
	html_raw(w, "</p>\n");
	struct actor a;
	req_actor(r, &a);
	int32_t sober = DATE_NONE;
	bool shown = false;
	if (relapses_sober_get(r->site->ac, &a, r->org_id, person_id, &sober, &shown) == STORE_OK && shown &&
	    sober != DATE_NONE) {
		char d[11];
		date_format(sober, d);
		html_raw(w, "<p class=\"ds-paragraph\" data-sober-since>");
		html_fmt(w, T(r, "Sober since {}."), d);
		html_raw(w, "</p>\n");
	}
	buf_release(&href);
}

void relapses_drafts_block(struct req *r, struct html *w)
{
	struct actor a;
	req_actor(r, &a);
	struct store_relapse *rows = NULL;
	size_t n = 0;
	if (relapses_drafts(r->site->ac, &a, r->org_id, &rows, &n) != STORE_OK || n == 0) {
		free(rows);
		return;
	}
	h2(w, T(r, "Relapses to confirm or reject"));
	html_raw(w, "<ul class=\"ds-list tolv-relapse-drafts\">\n");
	struct buf href = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&href);
		buf_addf(&href, "/relapses/%" PRId64, rows[i].id);
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		html_text(w, rows[i].given_name);
		html_raw(w, " ");
		html_text(w, rows[i].family_name);
		html_raw(w, "</a>: ");
		day_text(w, rows[i].on_day);
		html_raw(w, ", ");
		html_text(w, T(r, relapse_source_label(rows[i].source)));
		html_raw(w, "</li>\n");
	}
	html_raw(w, "</ul>\n");
	buf_release(&href);
	free(rows);
}

void relapses_plan_block(struct req *r, struct html *w, int64_t person_id)
{
	struct store_relapse *rows = NULL;
	size_t n = 0;
	if (store_relapse_list(r->site->ac->store, r->org_id, person_id, 0, "", 20, &rows, &n) != STORE_OK || n == 0) {
		free(rows);
		return;
	}
	h2(w, T(r, "Relapses"));
	html_raw(w, "<ul class=\"ds-list tolv-plan-relapses\">\n");
	struct buf href = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&href);
		buf_addf(&href, "/relapses/%" PRId64, rows[i].id);
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		day_text(w, rows[i].on_day);
		html_raw(w, "</a>: ");
		html_text(w, T(r, relapse_status_label(rows[i].status)));
		html_raw(w, "</li>\n");
	}
	html_raw(w, "</ul>\n");
	buf_release(&href);
	free(rows);
}
