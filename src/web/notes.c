/* notes.c: the pages of a person's clinical notes (staff) — /persons/{id}/notes (the notes,
 * newest first, filtered by type, and a form for a new draft), /notes/{id} (one note with
 * its addenda; a draft's author edits, deletes or signs it there, and a signed note takes
 * addenda), the notes link of the person page and the old-drafts reminder of the start
 * page. The rules are domain/notes.c's, applied by domain/clinicalnotes.c. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/clinicalnotes.h"
#include "domain/roles.h"
#include "html/form.h"
#include "html/layout.h"

enum { NOTES_PAGE = 25 };

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

static void textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *value, int rows)
{
	form_textarea(w, r, fe,
		      &(struct textarea){ .name = name, .label = label, .value = value, .rows = rows > 3 ? 8 : 3 });
}

static void time_text(struct html *w, int64_t t)
{
	char d[11];
	date_format(date_from_unix_cet(t), d);
	html_text(w, d);
}

static const char *type_label(struct req *r, const char *key)
{
	int t = note_type_parse(key);
	return t < 0 ? key : T(r, note_type_label((enum note_type)t));
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

static void num_text(char *out, size_t size, int64_t v)
{
	if (v > 0)
		snprintf(out, size, "%" PRId64, v);
	else
		out[0] = '\0';
}

/* The fields of a note: kept input when posted, else the stored note (or none). */
static void note_fields(struct html *w, struct req *r, const struct form_errors *fe, bool posted,
			const struct store_note *n)
{
	char today[11], date[11] = "", step[24], goal[24], asg[24], ses[24];
	date_format(date_today_cet(), today);
	if (n)
		date_format(n->on_day, date);
	num_text(step, sizeof step, n ? n->step : 0);
	num_text(goal, sizeof goal, n ? n->goal : 0);
	num_text(asg, sizeof asg, n ? n->assignment : 0);
	num_text(ses, sizeof ses, n ? n->session_id : 0);
#define KV(name, stored) (posted && form_get(r, name) ? form_get(r, name) : (stored))
	struct option types[NOTE_TYPE_COUNT];
	for (int t = 0; t < NOTE_TYPE_COUNT; t++) {
		types[t].value = note_type_key((enum note_type)t);
		types[t].label = T(r, note_type_label((enum note_type)t));
	}
	form_select(w, r, fe, "type", T(r, "Kind of note"), types, NOTE_TYPE_COUNT,
		    KV("type", n ? n->type : "individual"));
	form_input(w, r, fe,
		   &(struct input){ .name = "date", .label = T(r, "Date"), .type = "date",
				    .value = KV("date", n ? date : today), .description = T(r, "YYYY-MM-DD"),
				    .required = true });
	textarea(w, r, fe, "text", T(r, "Note"), KV("text", n ? n->text : ""), 8);
	struct option steps[13];
	char nums[13][4];
	steps[0].value = "";
	steps[0].label = T(r, "No step");
	for (int i = 1; i <= 12; i++) {
		snprintf(nums[i], sizeof nums[i], "%d", i);
		steps[i].value = nums[i];
		steps[i].label = nums[i];
	}
	form_select(w, r, fe, "step", T(r, "Step"), steps, 13, KV("step", step));
	form_input(w, r, fe,
		   &(struct input){ .name = "goal", .label = T(r, "Goal number in the plan"), .type = "text",
				    .value = KV("goal", goal), .description = T(r, "Optional") });
	form_input(w, r, fe,
		   &(struct input){ .name = "assignment", .label = T(r, "Assignment number in the plan"),
				    .type = "text", .value = KV("assignment", asg), .description = T(r, "Optional") });
	form_input(w, r, fe,
		   &(struct input){ .name = "session", .label = T(r, "Group session number"), .type = "text",
				    .value = KV("session", ses),
				    .description = T(r, "Needed for a group session note") });
#undef KV
}

/* The note fields of a posted form; false after answering 400. */
static bool form_note(struct req *r, struct note_in *in)
{
	memset(in, 0, sizeof *in);
	return form_str_or_400(r, "type", 40, &in->type) && form_str_or_400(r, "date", 40, &in->date) &&
	       form_str_or_400(r, "text", NOTE_TEXT_MAX + 1, &in->text) && form_str_or_400(r, "step", 10, &in->step) &&
	       form_str_or_400(r, "goal", 20, &in->goal) && form_str_or_400(r, "assignment", 20, &in->assignment) &&
	       form_str_or_400(r, "session", 20, &in->session);
}

/* ---- /persons/{id}/notes ---- */

static void list_page(struct req *r, int status, const char *name, const struct form_errors *fe)
{
	struct actor a;
	req_actor(r, &a);
	const char *type = query_get(r, "type");
	if (!type || note_type_parse(type) < 0)
		type = "";
	int64_t pageno = 1;
	const char *ps = query_get(r, "page");
	if (ps && parse_int64(ps, 1, 100000, &pageno))
		pageno = 1;
	struct store_note *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = cnotes_list(r->site->ac, &a, r->org_id, r->id, type, NOTES_PAGE, (int)((pageno - 1) * NOTES_PAGE),
			     &rows, &n, &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	struct buf title = BUF_INIT, href = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Notes"), name);
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (query_get(r, "deleted"))
		page_alert(&w, "success", T(r, "The draft was deleted."));

	/* The filter: a plain GET form, no JavaScript. */
	buf_addf(&href, "/persons/%" PRId64 "/notes", r->id);
	html_raw(&w, "<form class=\"tolv-filter\" method=\"get\"");
	html_attr(&w, "action", href.data);
	html_raw(&w, ">\n");
	struct option types[NOTE_TYPE_COUNT + 1];
	types[0].value = "";
	types[0].label = T(r, "All kinds");
	for (int t = 0; t < NOTE_TYPE_COUNT; t++) {
		types[t + 1].value = note_type_key((enum note_type)t);
		types[t + 1].label = T(r, note_type_label((enum note_type)t));
	}
	form_select(&w, r, NULL, "type", T(r, "Kind of note"), types, NOTE_TYPE_COUNT + 1, type);
	form_button(&w, "secondary", T(r, "Filter"));
	html_raw(&w, "</form>\n");

	if (n == 0) {
		para(&w, T(r, "No notes yet."));
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Date"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Kind of note"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Author"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Status"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Addenda"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			char d[11];
			date_format(rows[i].on_day, d);
			buf_reset(&href);
			buf_addf(&href, "/notes/%" PRId64, rows[i].id);
			html_raw(&w, "<tr><td><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, d);
			html_raw(&w, "</a></td><td>");
			html_text(&w, type_label(r, rows[i].type));
			html_raw(&w, "</td><td>");
			user_display_name(r, rows[i].author, &w);
			html_raw(&w, "</td><td>");
			html_text(&w, rows[i].signed_at ? T(r, "Signed") : T(r, "Draft"));
			html_raw(&w, "</td><td>");
			html_int(&w, rows[i].naddenda);
			html_raw(&w, "</td></tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
		if (total > pageno * NOTES_PAGE) {
			buf_reset(&href);
			buf_addf(&href, "/persons/%" PRId64 "/notes?page=%" PRId64 "%s%s", r->id, pageno + 1,
				 type[0] ? "&type=" : "", type);
			link_to(&w, href.data, T(r, "Older notes"));
		}
	}
	free(rows);
	sessions_group_notes_section(r, &w, r->id);

	h2(&w, T(r, "New draft"));
	para(&w, T(r, "A draft is yours until you sign it. A signed note cannot be changed; corrections are added "
		      "as addenda."));
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64 "/notes", r->id);
	form_begin(&w, r, href.data);
	note_fields(&w, r, fe, fe != NULL, NULL);
	form_button(&w, "primary", T(r, "Save the draft"));
	form_end(&w);
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64, r->id);
	link_to(&w, href.data, T(r, "Back to the person"));
	buf_release(&href);
	buf_release(&title);
	page_end(r, &w, status);
}

void notes_list_get(struct req *r)
{
	struct buf name = BUF_INIT;
	if (load_person(r, r->id, &name))
		list_page(r, 200, name.data, NULL);
	buf_release(&name);
}

void notes_create_post(struct req *r)
{
	struct buf name = BUF_INIT;
	struct note_in in;
	if (!load_person(r, r->id, &name) || !form_note(r, &in)) {
		buf_release(&name);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int64_t id = 0;
	int rc = cnotes_create(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &id, &fer);
	if (!rc) {
		struct buf loc = BUF_INIT;
		buf_addf(&loc, "/notes/%" PRId64 "?saved=1", id);
		resp_redirect(r, loc.data);
		buf_release(&loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		list_page(r, 422, name.data, &fe);
	} else {
		resp_store_error(r, rc);
	}
	buf_release(&name);
}

/* ---- /notes/{id} ---- */

static void note_page(struct req *r, int status, const struct form_errors *fe, const char *alert,
		      const char *addendum_kept)
{
	struct actor a;
	req_actor(r, &a);
	struct store_note *n = xcalloc(1, sizeof *n);
	struct store_note_addendum *add = NULL;
	size_t nadd = 0;
	struct buf name = BUF_INIT;
	int rc = cnotes_get(r->site->ac, &a, r->org_id, r->id, n, &add, &nadd);
	if (rc) {
		resp_store_error(r, rc);
		free(n);
		return;
	}
	if (!load_person(r, n->person_id, &name)) {
		free(add);
		free(n);
		buf_release(&name);
		return;
	}
	struct html w;
	struct buf title = BUF_INIT, href = BUF_INIT;
	char d[11];
	date_format(n->on_day, d);
	buf_addf(&title, "%s, %s: %s", type_label(r, n->type), d, name.data);
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "warning", alert);
	if (!fe && !alert && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The draft was saved."));
	if (!fe && !alert && query_get(r, "signed"))
		page_alert(&w, "success", T(r, "The note was signed."));
	if (!fe && !alert && query_get(r, "added"))
		page_alert(&w, "success", T(r, "The addendum was added."));

	html_raw(&w, "<dl class=\"tolv-details\">\n<dt>");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</dt><dd>");
	if (n->signed_at) {
		html_text(&w, T(r, "Signed"));
		html_raw(&w, " ");
		time_text(&w, n->signed_at);
	} else {
		html_text(&w, T(r, "Draft"));
	}
	html_raw(&w, "</dd>\n<dt>");
	html_text(&w, T(r, "Author"));
	html_raw(&w, "</dt><dd>");
	user_display_name(r, n->author, &w);
	html_raw(&w, "</dd>\n");
	if (n->step) {
		html_raw(&w, "<dt>");
		html_text(&w, T(r, "Step"));
		html_raw(&w, "</dt><dd>");
		html_int(&w, n->step);
		html_raw(&w, "</dd>\n");
	}
	if (n->goal) {
		html_raw(&w, "<dt>");
		html_text(&w, T(r, "Goal number in the plan"));
		html_raw(&w, "</dt><dd>");
		html_int(&w, n->goal);
		html_raw(&w, "</dd>\n");
	}
	if (n->assignment) {
		html_raw(&w, "<dt>");
		html_text(&w, T(r, "Assignment number in the plan"));
		html_raw(&w, "</dt><dd>");
		html_int(&w, n->assignment);
		html_raw(&w, "</dd>\n");
	}
	if (n->session_id) {
		char s[24];
		snprintf(s, sizeof s, "%" PRId64, n->session_id);
		html_raw(&w, "<dt>");
		html_text(&w, T(r, "Group session number"));
		html_raw(&w, "</dt><dd>");
		html_text(&w, s);
		html_raw(&w, "</dd>\n");
	}
	html_raw(&w, "</dl>\n");

	bool mine = !n->signed_at && n->author == r->user.id;
	if (n->signed_at || !mine) {
		html_raw(&w, "<div class=\"tolv-note-text\">");
		html_text(&w, n->text[0] ? n->text : "–");
		html_raw(&w, "</div>\n");
	}
	if (!n->signed_at && !mine)
		para(&w, T(r, "This draft belongs to its author, who alone can change, delete or sign it."));
	if (mine) {
		h2(&w, T(r, "Edit the draft"));
		buf_addf(&href, "/notes/%" PRId64, n->id);
		form_begin(&w, r, href.data);
		note_fields(&w, r, fe, fe != NULL && !addendum_kept, n);
		form_button(&w, "primary", T(r, "Save the draft"));
		form_end(&w);
		h2(&w, T(r, "Sign"));
		para(&w, T(r, "Once signed, the note is part of the record and cannot be changed or deleted."));
		buf_reset(&href);
		buf_addf(&href, "/notes/%" PRId64 "/sign", n->id);
		form_begin(&w, r, href.data);
		form_button(&w, "primary", T(r, "Sign the note"));
		form_end(&w);
		buf_reset(&href);
		buf_addf(&href, "/notes/%" PRId64 "/delete", n->id);
		form_begin(&w, r, href.data);
		form_button(&w, "secondary", T(r, "Delete the draft"));
		form_end(&w);
	}
	if (n->signed_at) {
		h2(&w, T(r, "Addenda"));
		if (nadd == 0)
			para(&w, T(r, "No addenda."));
		for (size_t i = 0; i < nadd; i++) {
			html_raw(&w, "<section class=\"tolv-addendum\"><p class=\"ds-paragraph\">");
			user_display_name(r, add[i].author, &w);
			html_raw(&w, ", ");
			time_text(&w, add[i].created_at);
			html_raw(&w, "</p>\n<div class=\"tolv-note-text\">");
			html_text(&w, add[i].text);
			html_raw(&w, "</div></section>\n");
		}
		buf_reset(&href);
		buf_addf(&href, "/notes/%" PRId64 "/addenda", n->id);
		form_begin(&w, r, href.data);
		textarea(&w, r, fe, "addendum", T(r, "Add an addendum"), addendum_kept ? addendum_kept : "", 3);
		form_button(&w, "primary", T(r, "Add the addendum"));
		form_end(&w);
	}
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64 "/notes", n->person_id);
	link_to(&w, href.data, T(r, "All notes of the person"));
	free(add);
	free(n);
	buf_release(&name);
	buf_release(&href);
	buf_release(&title);
	page_end(r, &w, status);
}

void note_get(struct req *r)
{
	note_page(r, 200, NULL, NULL, NULL);
}

/* The answer to a refused or invalid change: the note page again, or 404. */
static void answer(struct req *r, int rc, const struct field_error *fer, const char *kept, const char *ok_suffix,
		   int64_t redirect_id, bool to_person)
{
	if (!rc) {
		struct buf loc = BUF_INIT;
		if (to_person)
			buf_addf(&loc, "/persons/%" PRId64 "/notes?deleted=1", redirect_id);
		else
			buf_addf(&loc, "/notes/%" PRId64 "%s", redirect_id, ok_suffix);
		resp_redirect(r, loc.data);
		buf_release(&loc);
	} else if (rc == CNOTES_REFUSED) {
		note_page(r, 409, NULL, T(r, fer->message), NULL);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer->field, fer->message);
		note_page(r, 422, &fe, NULL, kept);
	} else {
		resp_store_error(r, rc);
	}
}

void note_post(struct req *r)
{
	struct note_in in;
	if (!form_note(r, &in))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = cnotes_update(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &fer);
	answer(r, rc, &fer, NULL, "?saved=1", r->id, false);
}

void note_delete_post(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct store_note *n = xcalloc(1, sizeof *n);
	int rc = store_note_get(r->site->ac->store, r->org_id, r->id, n, NULL, NULL);
	int64_t person = n->person_id;
	free(n);
	struct field_error fer = { 0 };
	if (!rc)
		rc = cnotes_delete(r->site->ac, &a, r->org_id, r->id, &fer);
	answer(r, rc, &fer, NULL, "", person, true);
}

void note_sign_post(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = cnotes_sign(r->site->ac, &a, r->org_id, r->id, date_today_cet(), &fer);
	answer(r, rc, &fer, NULL, "?signed=1", r->id, false);
}

void note_addendum_post(struct req *r)
{
	const char *text;
	if (!form_str_or_400(r, "addendum", NOTE_ADDENDUM_MAX + 1, &text))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = cnotes_addendum(r->site->ac, &a, r->org_id, r->id, text, NULL, &fer);
	answer(r, rc, &fer, text, "?added=1", r->id, false);
}

/* ---- the person page and the start page ---- */

void notes_person_block(struct req *r, struct html *w, int64_t person_id)
{
	int64_t drafts = 0;
	struct buf href = BUF_INIT;
	buf_addf(&href, "/persons/%" PRId64 "/notes", person_id);
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	html_text(w, T(r, "Clinical notes"));
	html_raw(w, "</a>");
	if (store_note_draft_count(r->site->ac->store, r->org_id, person_id, &drafts) == STORE_OK && drafts > 0) {
		char k[24];
		snprintf(k, sizeof k, "%" PRId64, drafts);
		html_raw(w, " (");
		html_fmt(w, T(r, "{} unsigned drafts"), k);
		html_raw(w, ")");
	}
	html_raw(w, "</p>\n");
	buf_release(&href);
}

void notes_drafts_block(struct req *r, struct html *w)
{
	struct actor a;
	req_actor(r, &a);
	struct store_note_draft *rows = NULL;
	size_t n = 0;
	if (cnotes_overdue(r->site->ac, &a, r->org_id, date_today_cet(), &rows, &n) != STORE_OK || n == 0) {
		free(rows);
		return;
	}
	h2(w, T(r, "Drafts to sign"));
	para(w, T(r, "These notes of yours have been drafts for more than a week."));
	html_raw(w, "<ul class=\"ds-list tolv-drafts\">\n");
	struct buf href = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char d[11];
		date_format(rows[i].on_day, d);
		buf_reset(&href);
		buf_addf(&href, "/notes/%" PRId64, rows[i].id);
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		html_text(w, rows[i].given_name);
		html_raw(w, " ");
		html_text(w, rows[i].family_name);
		html_raw(w, "</a>: ");
		html_text(w, type_label(r, rows[i].type));
		html_raw(w, ", ");
		html_text(w, d);
		html_raw(w, "</li>\n");
	}
	html_raw(w, "</ul>\n");
	buf_release(&href);
	free(rows);
}
