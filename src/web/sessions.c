/* sessions.c: the page of one group session or workshop (staff) — /sessions/{id}: the
 * group, date, times, leaders, topic and external participants (a form), the attendance
 * count from the roster, and the group notes linked to the session; and the "group
 * notes of sessions attended" section of a person's notes page, which shows each note as
 * that attendee's export has it (domain/notes.h, group_note_export: never the other
 * attendees' names). The rules are domain/groupsessions.c's. Whether a certified
 * leader led the session is shown (issue 7, domain/training.h); saving without one shows
 * a warning and asks for the reason to go ahead (the override). */
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
#include "domain/groupsessions.h"
#include "domain/notes.h"
#include "domain/stepwording.h"
#include "html/form.h"
#include "html/layout.h"

enum { STAFF_MAX = 200, GROUP_NOTES_MAX = 20 };

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

static void fact(struct html *w, const char *label, const char *value)
{
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd>");
	html_text(w, value);
	html_raw(w, "</dd>\n");
}

static void user_name(struct req *r, int64_t id, struct buf *out)
{
	struct user u;
	if (id && store_user_get(r->site->ac->store, id, &u) == STORE_OK)
		buf_adds(out, u.name[0] ? u.name : u.email);
	else
		buf_adds(out, "–");
}

struct session_view {
	struct att_session se;
	struct group g;               /* g.name "" for an individual session */
	struct store_session_details d;
	struct gsession_leading lead; /* a certified leader?, the override reason */
	int attended;
	int64_t first_attendee;       /* a person to write the group note on, 0: none */
};

static int load_view(struct req *r, int64_t id, struct session_view *v)
{
	struct store *s = r->site->ac->store;
	memset(v, 0, sizeof *v);
	int rc = store_att_session_get(s, r->org_id, id, &v->se);
	if (!rc && v->se.group_id)
		rc = store_group_get(s, r->org_id, v->se.group_id, &v->g);
	if (!rc)
		rc = store_session_details_get(s, r->org_id, id, &v->d);
	if (!rc)
		rc = gsessions_leading(r->site->ac, r->org_id, &v->se, &v->d, &v->lead);
	struct roster_line *lines = NULL;
	size_t n = 0;
	if (!rc)
		rc = store_attendance_roster(s, r->org_id, id, &lines, &n);
	for (size_t i = 0; !rc && i < n; i++)
		if (lines[i].recorded && lines[i].a.attended) {
			v->attended++;
			if (!v->first_attendee)
				v->first_attendee = lines[i].person_id;
		}
	free(lines);
	return rc;
}

static bool is_leader(const struct store_session_details *d, int64_t uid)
{
	for (int i = 0; i < d->nleaders; i++)
		if (d->leaders[i] == uid)
			return true;
	return false;
}

static void leaders_field(struct html *w, struct req *r, const struct form_errors *fe, bool posted,
			  const struct store_session_details *d)
{
	struct user_row *rows = NULL;
	size_t n = 0;
	const char *err = form_error_get(fe, "leaders");
	html_raw(w, "<fieldset class=\"ds-fieldset\" id=\"f-leaders\"");
	if (err)
		html_raw(w, " aria-describedby=\"f-leaders-error\"");
	html_raw(w, "><legend class=\"ds-label\">");
	html_text(w, T(r, "Leaders"));
	html_raw(w, "</legend>\n");
	if (store_user_list(r->site->ac->store, r->org_id, STAFF_MAX, 0, &rows, &n, NULL) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			if (rows[i].m.disabled || !strcmp(rows[i].m.role, "auditor"))
				continue;
			char name[32], id[40];
			snprintf(name, sizeof name, "leader-%" PRId64, rows[i].user.id);
			snprintf(id, sizeof id, "f-%s", name);
			bool on = posted ? form_get(r, name) != NULL : is_leader(d, rows[i].user.id);
			html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" value=\"yes\"");
			html_attr(w, "id", id);
			html_attr(w, "name", name);
			if (on)
				html_raw(w, " checked");
			html_raw(w, "><label class=\"ds-label\"");
			html_attr(w, "for", id);
			html_raw(w, ">");
			html_text(w, rows[i].user.name[0] ? rows[i].user.name : rows[i].user.email);
			html_raw(w, "</label></div>\n");
		}
	}
	free(rows);
	if (err) {
		html_raw(w, "<p class=\"ds-validation-message\" data-field=\"validation\" id=\"f-leaders-error\">");
		html_text(w, T(r, err));
		html_raw(w, "</p>\n");
	}
	html_raw(w, "</fieldset>\n");
}

static void session_page(struct req *r, int status, const struct session_view *v, const struct form_errors *fe)
{
	char day[11], num[24], href[96];
	date_format(v->se.on_day, day);
	struct html w;
	struct buf title = BUF_INIT, b = BUF_INIT;
	buf_addf(&title, "%s: %s %s", T(r, "Session"), v->g.name[0] ? v->g.name : T(r, "Individual session"), day);
	page_begin(r, &w, title.data);
	buf_release(&title);
	struct step_wording sw; /* the organisation's wording, loaded once for the page */
	const struct step_names *sn = step_wording_load(r->site->ac->store, r->org_id, &sw);
	bool override_asked = form_error_get(fe, "override_reason") != NULL;
	if (override_asked)
		page_alert(&w, "warning",
			   T(r, "No certified leader leads this session. Choose a certified leader, or give the reason "
				"for leading it without one."));
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The session was saved."));

	html_raw(&w, "<dl class=\"tolv-facts\">\n");
	fact(&w, T(r, "Group"), v->g.name[0] ? v->g.name : "–");
	fact(&w, T(r, "Date"), day);
	if (v->se.end_min > v->se.start_min) {
		char t[64];
		snprintf(t, sizeof t, "%02d:%02d–%02d:%02d", v->se.start_min / 60, v->se.start_min % 60,
			 v->se.end_min / 60, v->se.end_min % 60);
		fact(&w, T(r, "Time"), t);
	}
	user_name(r, v->se.leader_id, &b);
	for (int i = 0; i < v->d.nleaders; i++) {
		if (v->d.leaders[i] == v->se.leader_id)
			continue;
		buf_adds(&b, ", ");
		user_name(r, v->d.leaders[i], &b);
	}
	fact(&w, T(r, "Leaders"), b.data);
	buf_reset(&b);
	fact(&w, T(r, "Led by a certified leader"), v->lead.certified ? T(r, "Yes") : T(r, "No"));
	if (!v->lead.certified && v->lead.ov.reason[0])
		fact(&w, T(r, "Reason for leading without a certified leader"), v->lead.ov.reason);
	if (v->d.topic_kind[0]) {
		buf_adds(&b, T(r, gsession_topic_kind_label(v->d.topic_kind)));
		if (v->d.step)
			buf_addf(&b, " %d (%s)", v->d.step, step_name(sn, v->d.step, r->lang));
		if (v->d.topic[0])
			buf_addf(&b, ": %s", v->d.topic);
	} else {
		buf_adds(&b, v->d.topic[0] ? v->d.topic : "–");
	}
	fact(&w, T(r, "Topic"), b.data);
	snprintf(num, sizeof num, "%d", v->attended);
	fact(&w, T(r, "Attended"), num);
	snprintf(num, sizeof num, "%d", v->d.external_count);
	fact(&w, T(r, "External participants"), num);
	html_raw(&w, "</dl>\n");
	if (v->se.group_id) {
		snprintf(href, sizeof href, "/groups/%" PRId64 "/roster?date=%s", v->se.group_id, day);
		html_raw(&w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
		html_attr(&w, "href", href);
		html_raw(&w, ">");
		html_text(&w, T(r, "The roster of the day"));
		html_raw(&w, "</a></p>\n");
	}

	/* The group note: notes of type "group session" linked to this session. */
	h2(&w, T(r, "Group note"));
	struct actor a;
	req_actor(r, &a);
	struct store_note *notes = NULL;
	size_t nn = 0;
	if (store_session_group_notes(r->site->ac->store, r->org_id, v->se.id, 0, a.user_id, GROUP_NOTES_MAX, &notes,
				      &nn) == STORE_OK && nn) {
		html_raw(&w, "<ul class=\"ds-list\">\n");
		for (size_t i = 0; i < nn; i++) {
			char d[11];
			date_format(notes[i].on_day, d);
			snprintf(href, sizeof href, "/notes/%" PRId64, notes[i].id);
			buf_reset(&b);
			buf_addf(&b, "%s, ", d);
			user_name(r, notes[i].author, &b);
			buf_addf(&b, " (%s)", notes[i].signed_at ? T(r, "Signed") : T(r, "Draft"));
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", href);
			html_raw(&w, ">");
			html_text(&w, b.data);
			html_raw(&w, "</a></li>\n");
		}
		html_raw(&w, "</ul>\n");
	} else {
		para(&w, T(r, "No group note yet."));
	}
	free(notes);
	snprintf(num, sizeof num, "%" PRId64, v->se.id);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_fmt(&w, T(r, "The group note is written once, on one attendee's notes page, with the kind \"Group "
			  "session\" and the group session number {}. Each attendee's record shows it without the "
			  "other attendees' names; do not name participants in it."),
		 num);
	html_raw(&w, "</p>\n");
	if (v->first_attendee) {
		snprintf(href, sizeof href, "/persons/%" PRId64 "/notes", v->first_attendee);
		html_raw(&w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
		html_attr(&w, "href", href);
		html_raw(&w, ">");
		html_text(&w, T(r, "Write the group note"));
		html_raw(&w, "</a></p>\n");
	}

	h2(&w, T(r, "Leaders and topic"));
	snprintf(href, sizeof href, "/sessions/%" PRId64, v->se.id);
	form_begin(&w, r, href);
	bool posted = fe != NULL;
#define KV(name, stored) (posted && form_get(r, name) ? form_get(r, name) : (stored))
	leaders_field(&w, r, fe, posted, &v->d);
	struct option kinds[5];
	for (int i = 0; i < 5; i++) {
		kinds[i].value = gsession_topic_kinds[i];
		kinds[i].label = T(r, gsession_topic_kind_label(gsession_topic_kinds[i]));
	}
	if (override_asked || !v->lead.certified || (posted && form_get(r, "override_reason") &&
							 form_get(r, "override_reason")[0]))
		intake_textarea(&w, r, fe, "override_reason", T(r, "Reason for leading without a certified leader"),
				KV("override_reason", v->lead.ov.reason),
				T(r, "Needed only when no leader is certified (both training courses) on the day of the "
				     "session. Do not name participants."));
	form_select(&w, r, fe, "topic_kind", T(r, "Kind of topic"), kinds, 5, KV("topic_kind", v->d.topic_kind));
	struct option steps[13];
	char nums[13][4], labels[13][STEP_NAME_MAX + 8];
	steps[0].value = "";
	steps[0].label = T(r, "No step");
	for (int i = 1; i <= 12; i++) {
		snprintf(nums[i], sizeof nums[i], "%d", i);
		snprintf(labels[i], sizeof labels[i], "%d: %s", i, step_name(sn, i, r->lang));
		steps[i].value = nums[i];
		steps[i].label = labels[i];
	}
	form_select(&w, r, fe, "step", T(r, "Step"), steps, 13, KV("step", v->d.step ? nums[v->d.step] : ""));
	form_input(&w, r, fe,
		   &(struct input){ .name = "topic", .label = T(r, "Topic"), .type = "text",
				    .value = KV("topic", v->d.topic), .description = T(r, "Optional") });
	char ext[24];
	snprintf(ext, sizeof ext, "%d", v->d.external_count);
	form_input(&w, r, fe,
		   &(struct input){ .name = "external_count", .label = T(r, "External participants"), .type = "text",
				    .value = KV("external_count", ext),
				    .description = T(r, "Participants of an open workshop without a record here") });
#undef KV
	form_button(&w, "primary", T(r, "Save the session"));
	form_end(&w);
	buf_release(&b);
	page_end(r, &w, status);
}

void session_get(struct req *r)
{
	struct session_view v;
	int rc = load_view(r, r->id, &v);
	if (rc)
		resp_store_error(r, rc);
	else
		session_page(r, 200, &v, NULL);
}

void session_post(struct req *r)
{
	struct session_view v;
	int rc = load_view(r, r->id, &v);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct gsession_in in = { 0 };
	if (!form_str_or_400(r, "topic", STORE_SESSION_TOPIC_MAX + 8, &in.topic) ||
	    !form_str_or_400(r, "topic_kind", 40, &in.topic_kind) || !form_str_or_400(r, "step", 10, &in.step) ||
	    !form_str_or_400(r, "external_count", 20, &in.external_count) ||
	    !form_str_or_400(r, "override_reason", STORE_TRAINING_REASON_MAX + 8, &in.override_reason))
		return;
	/* The leaders: a checkbox per member of the organisation's staff. */
	struct user_row *rows = NULL;
	size_t n = 0;
	char ids[STORE_SESSION_LEADERS_MAX + 1][24];
	const char *leaders[STORE_SESSION_LEADERS_MAX + 1];
	rc = store_user_list(r->site->ac->store, r->org_id, STAFF_MAX, 0, &rows, &n, NULL);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "leader-%" PRId64, rows[i].user.id);
		if (form_get(r, name) && in.nleaders <= STORE_SESSION_LEADERS_MAX) {
			snprintf(ids[in.nleaders], sizeof ids[0], "%" PRId64, rows[i].user.id);
			leaders[in.nleaders] = ids[in.nleaders];
			in.nleaders++;
		}
	}
	free(rows);
	in.leaders = leaders;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	rc = gsessions_set(r->site->ac, &a, r->org_id, r->id, &in, &fer);
	if (!rc) {
		char loc[64];
		snprintf(loc, sizeof loc, "/sessions/%" PRId64 "?saved=1", r->id);
		resp_redirect(r, loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		session_page(r, 422, &v, &fe);
	} else {
		resp_store_error(r, rc);
	}
}

/* ---- the attendee's view: group notes of sessions the person attended ---- */

static void full_name(const char *given, const char *family, struct buf *out)
{
	buf_adds(out, given);
	if (given[0] && family[0])
		buf_addch(out, ' ');
	buf_adds(out, family);
}

static void one_group_note(struct req *r, struct html *w, int64_t person_id, const struct store_note *sn)
{
	struct store *s = r->site->ac->store;
	struct att_session se;
	struct group g = { 0 };
	struct store_session_details d;
	struct roster_line *lines = NULL;
	size_t n = 0;
	if (store_att_session_get(s, r->org_id, sn->session_id, &se) ||
	    (se.group_id && store_group_get(s, r->org_id, se.group_id, &g)) ||
	    store_session_details_get(s, r->org_id, se.id, &d) || store_attendance_roster(s, r->org_id, se.id, &lines, &n))
		return;
	struct group_attendee *att = xcalloc(n ? n : 1, sizeof *att);
	struct buf *names = xcalloc(n ? n : 1, sizeof *names);
	size_t na = 0;
	for (size_t i = 0; i < n; i++)
		if (lines[i].recorded && lines[i].a.attended) {
			full_name(lines[i].given_name, lines[i].family_name, &names[na]);
			att[na].person = lines[i].person_id;
			att[na].name = names[na].data ? names[na].data : "";
			na++;
		}
	struct note view;
	cnotes_view(sn, &view);
	struct group_note gn = { .note = &view, .group_name = g.name, .session_date = se.on_day, .topic = d.topic,
				 .attendees = att, .nattendees = na, .external_count = d.external_count };
	struct note_export ex;
	if (!group_note_export(&gn, person_id, r->lang, &ex)) {
		char day[11];
		date_format(ex.date, day);
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s, %s", day, ex.group_name && ex.group_name[0] ? ex.group_name : T(r, "Group session"));
		if (ex.topic && ex.topic[0])
			buf_addf(&b, ": %s", ex.topic);
		html_raw(w, "<article class=\"tolv-group-note\"><h3 class=\"ds-heading\" data-size=\"xs\">");
		html_text(w, b.data);
		html_raw(w, "</h3>\n<p class=\"ds-paragraph tolv-pre\">");
		html_text(w, ex.text);
		html_raw(w, "</p></article>\n");
		buf_release(&b);
		note_export_release(&ex);
	}
	for (size_t i = 0; i < na; i++)
		buf_release(&names[i]);
	free(names);
	free(att);
	free(lines);
}

void sessions_group_notes_section(struct req *r, struct html *w, int64_t person_id)
{
	struct store_note *rows = NULL;
	size_t n = 0;
	if (store_session_group_notes(r->site->ac->store, r->org_id, 0, person_id, 0, GROUP_NOTES_MAX, &rows, &n) ||
	    !n) {
		free(rows);
		return;
	}
	h2(w, T(r, "Group notes of sessions attended"));
	for (size_t i = 0; i < n; i++)
		one_group_note(r, w, person_id, &rows[i]);
	free(rows);
}
