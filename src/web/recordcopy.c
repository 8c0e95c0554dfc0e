/* recordcopy.c: a person's own copy of their record and the record's access log — the
 * rights Norwegian and Swedish law give patients (administrators produce them):
 *
 *   /persons/{id}/copy            the whole record as one readable page; the print
 *                                 stylesheet makes the browser's "Save as PDF" clean
 *   /persons/{id}/copy.json       the same as JSON: the FHIR $everything Bundle, plus what
 *                                 FHIR does not carry (docs/fhir.md)
 *   /persons/{id}/access-log      who read or changed the record and when, paged
 *   /persons/{id}/access-log.csv  all of it as CSV
 *
 * Group notes appear as the attendee's own export shows them (domain/notes.h,
 * group_note_export): never another attendee's name. Drafts are not part of anyone's
 * record and are left out. Every page is audited as a read of the person ("person.read",
 * detail "copy", "copy json", "access log", "access log csv"). */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/clinicalnotes.h"
#include "domain/enrolments.h"
#include "domain/facilitation.h"
#include "domain/notes.h"
#include "domain/orgquestionnaire.h"
#include "domain/persons.h"
#include "domain/plan.h"
#include "domain/questionnaire.h"
#include "domain/relapses.h"
#include "domain/sobriety.h"
#include "domain/rosters.h"
#include "domain/steps.h"
#include "domain/stepwording.h"
#include "fhir/fhir.h"
#include "fhir/fhir_http.h"
#include "html/layout.h"
#include "web/csv.h"

enum { LOG_PAGE = 50, LOG_CSV_MAX = 100000, ROWS_MAX = 1000, GROUP_NOTES_MAX = 500 };

/* ---- small writers ---- */

static void h2(struct html *w, const char *text)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, text);
	html_raw(w, "</h2>\n");
}

static void h3(struct html *w, const char *text)
{
	html_raw(w, "<h3 class=\"ds-heading\" data-size=\"xs\">");
	html_text(w, text);
	html_raw(w, "</h3>\n");
}

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

static void fact(struct html *w, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd>");
	html_text(w, value);
	html_raw(w, "</dd>\n");
}

static void fact_day(struct html *w, const char *label, int32_t day)
{
	char d[11];
	date_format(day, d);
	fact(w, label, d);
}

/* <table> with a caption and column heads (translated already). */
static void table_begin(struct html *w, const char *caption, const char *const *heads, size_t n)
{
	html_raw(w, "<table class=\"ds-table tolv-copy-table\" data-border=\"true\">\n<caption>");
	html_text(w, caption);
	html_raw(w, "</caption>\n<thead><tr>");
	for (size_t i = 0; i < n; i++) {
		html_raw(w, "<th scope=\"col\">");
		html_text(w, heads[i]);
		html_raw(w, "</th>");
	}
	html_raw(w, "</tr></thead>\n<tbody>\n");
}

static void table_end(struct html *w)
{
	html_raw(w, "</tbody>\n</table>\n");
}

static void cell(struct html *w, const char *text)
{
	html_raw(w, "<td>");
	html_text(w, text);
	html_raw(w, "</td>");
}

static void cell_day(struct html *w, int32_t day)
{
	char d[11];
	date_format(day, d);
	cell(w, d);
}

static void cell_int(struct html *w, int64_t v)
{
	html_raw(w, "<td>");
	html_int(w, v);
	html_raw(w, "</td>");
}

static void user_display(struct req *r, int64_t id, char *out, size_t outlen)
{
	struct user u;
	if (id && store_user_get(r->site->ac->store, id, &u) == STORE_OK)
		(void)(copy_str(out, outlen, u.name[0] ? u.name : u.email) || copy_str(out, outlen, "–"));
	else
		snprintf(out, outlen, "%s", id ? "–" : T(r, "(system)"));
}

static void time_text(int64_t seconds, char *out, size_t outlen)
{
	if (seconds > 0)
		format_time(seconds, out, outlen);
	else if (outlen)
		out[0] = '\0';
}

static const struct programme *programme_of(const struct programme *ps, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i].id == id)
			return &ps[i];
	return NULL;
}

static const char *phase_label(struct req *r, const struct programme *p, int phase)
{
	if (!p || phase < 0 || phase >= p->nphases)
		return "";
	return T(r, p->phases[phase].label);
}

/* The addenda of note id, oldest first (store_note_get needs somewhere to put the note). */
static int note_addenda(struct req *r, int64_t id, struct store_note_addendum **out, size_t *n)
{
	struct store_note *tmp = xcalloc(1, sizeof *tmp);
	int rc = store_note_get(r->site->ac->store, r->org_id, id, tmp, out, n);
	free(tmp);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- group notes as the attendee's export shows them ---- */

struct copy_group_note {
	bool ok;                  /* ex is filled */
	struct note_export ex;
	char group_name[STORE_NAME_MAX];
	char topic[STORE_SESSION_TOPIC_MAX];
	char *fallback;           /* when the export refuses: the text with every attendee's
	                           * name replaced (owned) */
	int32_t date;
};

/* The export of signed group note sn for person_id's record (see the top of the file). */
static void group_note_for(struct req *r, int64_t person_id, const struct store_note *sn, struct copy_group_note *out)
{
	struct store *s = r->site->ac->store;
	memset(out, 0, sizeof *out);
	out->date = sn->on_day;
	struct att_session se;
	struct group g = { 0 };
	struct store_session_details d = { 0 };
	struct roster_line *lines = NULL;
	size_t n = 0;
	if (!sn->session_id || store_att_session_get(s, r->org_id, sn->session_id, &se) ||
	    (se.group_id && store_group_get(s, r->org_id, se.group_id, &g)) ||
	    store_session_details_get(s, r->org_id, se.id, &d) ||
	    store_attendance_roster(s, r->org_id, se.id, &lines, &n)) {
		free(lines);
		lines = NULL;
		n = 0;
	}
	struct store_note_addendum *adds = NULL;
	size_t nadds = 0;
	if (note_addenda(r, sn->id, &adds, &nadds))
		nadds = 0;
	struct note_addendum *va = xcalloc(nadds ? nadds : 1, sizeof *va);
	for (size_t i = 0; i < nadds; i++)
		va[i] = (struct note_addendum){ .author = adds[i].author, .created_at = adds[i].created_at,
						.text = adds[i].text };
	struct group_attendee *att = xcalloc(n ? n : 1, sizeof *att);
	struct buf *names = xcalloc(n ? n : 1, sizeof *names);
	const char **all_names = xcalloc(n ? n : 1, sizeof *all_names);
	size_t na = 0, nall = 0;
	for (size_t i = 0; i < n; i++) {
		buf_init(&names[i]);
		buf_adds(&names[i], lines[i].given_name);
		if (lines[i].given_name[0] && lines[i].family_name[0])
			buf_addch(&names[i], ' ');
		buf_adds(&names[i], lines[i].family_name);
		const char *nm = names[i].data ? names[i].data : "";
		if (lines[i].person_id != person_id)
			all_names[nall++] = nm;
		if (lines[i].recorded && lines[i].a.attended) {
			att[na].person = lines[i].person_id;
			att[na].name = nm;
			na++;
		}
	}
	struct note view;
	cnotes_view(sn, &view);
	view.addenda = va;
	view.naddenda = nadds;
	copy_str(out->group_name, sizeof out->group_name, g.name);
	copy_str(out->topic, sizeof out->topic, d.topic);
	struct group_note gn = { .note = &view, .group_name = out->group_name, .session_date = lines ? se.on_day : sn->on_day,
				 .topic = out->topic, .attendees = att, .nattendees = na,
				 .external_count = d.external_count };
	if (!group_note_export(&gn, person_id, r->lang, &out->ex)) {
		out->ok = true;
		out->date = out->ex.date;
	} else {
		/* Not among those present (the roster changed after the note was written): the
		 * text with every other name on the roster hidden all the same. */
		out->fallback = note_redact_names(sn->text, all_names, nall, T(r, "[another participant]"), NULL);
	}
	for (size_t i = 0; i < n; i++)
		buf_release(&names[i]);
	free(names);
	free(all_names);
	free(att);
	free(va);
	free(adds);
	free(lines);
}

static void group_note_release(struct copy_group_note *g)
{
	if (g->ok)
		note_export_release(&g->ex);
	free(g->fallback);
}

/* The person's signed notes (their own, every type) and the group notes of sessions they
 * attended that were written on another attendee's record: xmalloc'd arrays. */
static int load_notes(struct req *r, int64_t person_id, struct store_note **own, size_t *nown,
		      struct store_note **groups, size_t *ngroups)
{
	struct store *s = r->site->ac->store;
	*own = NULL;
	*nown = 0;
	size_t cap = 0;
	int rc = 0;
	for (int offset = 0;; offset += STORE_NOTE_PAGE_MAX) {
		struct store_note *page = NULL;
		int64_t ntotal = 0;
		size_t n = 0;
		rc = store_note_list(s, r->org_id, person_id, 0, "", STORE_NOTE_PAGE_MAX, offset, &page, &n, &ntotal);
		if (rc) {
			free(page);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (!page[i].signed_at)
				continue; /* a draft is nobody's record yet */
			if (*nown == cap)
				*own = xrealloc(*own, (cap = cap ? cap * 2 : 16) * sizeof **own);
			(*own)[(*nown)++] = page[i];
		}
		free(page);
		if (n < STORE_NOTE_PAGE_MAX)
			break;
	}
	*groups = NULL;
	*ngroups = 0;
	if (!rc)
		rc = store_session_group_notes(s, r->org_id, 0, person_id, 0, GROUP_NOTES_MAX, groups, ngroups);
	return rc;
}

/* ---- the page ---- */

static void details_section(struct req *r, struct html *w, const struct person *p)
{
	h2(w, T(r, "Personal details"));
	html_raw(w, "<dl class=\"tolv-facts\">\n");
	fact(w, T(r, "Given name(s)"), p->given_name);
	fact(w, T(r, "Family name"), p->family_name);
	fact_day(w, T(r, "Date of birth"), p->birth_date);
	if (p->national_id[0]) {
		char nid[24];
		person_nid_display(p, nid, sizeof nid);
		fact(w, T(r, person_nid_kind_label(p->national_id_kind)), nid);
	}
	fact(w, T(r, "Phone"), p->phone);
	fact(w, T(r, "E-mail"), p->email);
	if (p->address[0]) {
		html_raw(w, "<dt>");
		html_text(w, T(r, "Address"));
		html_raw(w, "</dt><dd class=\"tolv-pre\">");
		html_text(w, p->address);
		html_raw(w, "</dd>\n");
	}
	struct buf kin = BUF_INIT;
	buf_adds(&kin, p->kin_name);
	if (p->kin_relation[0])
		buf_addf(&kin, " (%s)", p->kin_relation);
	if (p->kin_phone[0])
		buf_addf(&kin, "%s%s", kin.len ? ", " : "", p->kin_phone);
	fact(w, T(r, "Next of kin"), kin.data);
	buf_release(&kin);
	struct buf subst = BUF_INIT;
	for (size_t i = 0; i < person_substances_count; i++)
		if (p->substances & person_substances[i].bit) {
			if (subst.len)
				buf_adds(&subst, ", ");
			buf_adds(&subst, T(r, person_substances[i].label));
		}
	fact(w, T(r, "Substances and addictions"), subst.data);
	buf_release(&subst);
	fact(w, T(r, "Dual diagnosis (ROP)"), p->dual_diagnosis ? T(r, "Yes") : NULL);
	fact(w, T(r, "Notes"), p->notes);
	char when[32];
	time_text(p->created_at, when, sizeof when);
	fact(w, T(r, "Registered (UTC)"), when);
	html_raw(w, "</dl>\n");
}

static void referrals_section(struct req *r, struct html *w, int64_t person_id)
{
	struct referral_query q = { .person_id = person_id, .limit = ROWS_MAX };
	struct referral *rows = NULL;
	size_t n = 0;
	if (store_referral_list(r->site->ac->store, r->org_id, &q, &rows, &n, NULL) || !n) {
		free(rows);
		return;
	}
	h2(w, T(r, "Referrals"));
	const char *heads[] = { T(r, "Received"), T(r, "Source"), T(r, "Referrer"), T(r, "Status"), T(r, "Reason") };
	table_begin(w, T(r, "Referrals"), heads, 5);
	for (size_t i = 0; i < n; i++) {
		html_raw(w, "<tr>");
		cell_day(w, rows[i].received_on);
		cell(w, T(r, rows[i].source_label));
		struct buf who = BUF_INIT;
		buf_adds(&who, rows[i].referrer_name);
		if (rows[i].referrer_org[0]) {
			if (who.len)
				buf_adds(&who, ", ");
			buf_adds(&who, rows[i].referrer_org);
		}
		cell(w, who.data);
		buf_release(&who);
		cell(w, T(r, referral_status_label(rows[i].status)));
		cell(w, rows[i].reason);
		html_raw(w, "</tr>\n");
	}
	table_end(w);
	free(rows);
}

static void events_table(struct req *r, struct html *w, const struct programme *prog, const struct enrolment_event *ev,
			 size_t n)
{
	const char *heads[] = { T(r, "Date"), T(r, "Event"), T(r, "Phase"), T(r, "Reason") };
	table_begin(w, T(r, "Enrolment events and phases"), heads, 4);
	for (size_t i = 0; i < n; i++) {
		html_raw(w, "<tr>");
		cell_day(w, ev[i].on_day);
		cell(w, T(r, enrolment_event_label(ev[i].kind)));
		struct buf ph = BUF_INIT;
		if (ev[i].from_phase >= 0 && ev[i].to_phase >= 0 && ev[i].from_phase != ev[i].to_phase)
			buf_addf(&ph, "%s → %s", phase_label(r, prog, ev[i].from_phase), phase_label(r, prog, ev[i].to_phase));
		else if (ev[i].to_phase >= 0)
			buf_adds(&ph, phase_label(r, prog, ev[i].to_phase));
		cell(w, ph.data);
		buf_release(&ph);
		cell(w, ev[i].reason);
		html_raw(w, "</tr>\n");
	}
	table_end(w);
}

static void attendance_table(struct req *r, struct html *w, int64_t enrolment_id)
{
	struct store *s = r->site->ac->store;
	struct attendance *as = NULL;
	size_t n = 0;
	if (store_attendance_of_enrolment(s, r->org_id, enrolment_id, DATE_NONE, DATE_NONE, &as, &n) || !n) {
		free(as);
		para(w, T(r, "No attendance recorded."));
		return;
	}
	const char *heads[] = { T(r, "Date"), T(r, "Session"), T(r, "Group"), T(r, "Attended"), T(r, "Minutes") };
	table_begin(w, T(r, "Attendance"), heads, 5);
	int64_t gid = 0;
	struct group g = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (as[i].group_id && as[i].group_id != gid) {
			if (store_group_get(s, r->org_id, as[i].group_id, &g) != STORE_OK)
				g.name[0] = '\0';
			gid = as[i].group_id;
		}
		html_raw(w, "<tr>");
		cell_day(w, as[i].on_day);
		cell(w, T(r, rosters_kind_label(as[i].kind)));
		cell(w, as[i].group_id ? g.name : "");
		cell(w, as[i].attended ? T(r, "Yes") : T(r, "No"));
		cell_int(w, as[i].minutes);
		html_raw(w, "</tr>\n");
	}
	table_end(w);
	free(as);
}

static void steps_tables(struct req *r, struct html *w, int64_t enrolment_id)
{
	struct store *s = r->site->ac->store;
	struct store_step st[STEP_COUNT];
	if (store_steps_get(s, r->org_id, enrolment_id, st))
		return;
	struct step_wording *sw = xcalloc(1, sizeof *sw); /* the organisation's wording of the steps */
	const struct step_names *on = step_wording_load(s, r->org_id, sw);
	const char *heads[] = { T(r, "Step"), T(r, "Status"), T(r, "Since") };
	table_begin(w, T(r, "Steps"), heads, 3);
	for (int i = 0; i < STEP_COUNT; i++) {
		html_raw(w, "<tr>");
		char num[48];
		snprintf(num, sizeof num, "%d. ", i + 1);
		struct buf b = BUF_INIT;
		buf_adds(&b, num);
		buf_adds(&b, step_name(on, i + 1, r->lang));
		cell(w, b.data);
		buf_release(&b);
		int sk = step_status_parse(st[i].status);
		cell(w, T(r, sk >= 0 ? step_status_label((enum step_status)sk) : st[i].status));
		cell_day(w, st[i].changes ? st[i].since : DATE_NONE);
		html_raw(w, "</tr>\n");
	}
	table_end(w);
	free(sw);
	struct store_step_event *ev = NULL;
	size_t n = 0;
	if (!store_step_events(s, r->org_id, enrolment_id, &ev, &n) && n) {
		const char *eh[] = { T(r, "Date"), T(r, "Step"), T(r, "Change"), T(r, "Note") };
		table_begin(w, T(r, "Step changes"), eh, 4);
		for (size_t i = 0; i < n; i++) {
			html_raw(w, "<tr>");
			cell_day(w, ev[i].on_day);
			cell_int(w, ev[i].step);
			int a = step_status_parse(ev[i].from_status), b = step_status_parse(ev[i].to_status);
			struct buf ch = BUF_INIT;
			buf_addf(&ch, "%s → %s", a >= 0 ? T(r, step_status_label((enum step_status)a)) : ev[i].from_status,
				 b >= 0 ? T(r, step_status_label((enum step_status)b)) : ev[i].to_status);
			cell(w, ch.data);
			buf_release(&ch);
			cell(w, ev[i].note);
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	free(ev);
}

static void plan_block(struct req *r, struct html *w, const struct plan *p)
{
	if (p->ngoals) {
		const char *heads[] = { T(r, "No."), T(r, "Goal"), T(r, "Target date"), T(r, "Status") };
		table_begin(w, T(r, "Goals"), heads, 4);
		for (size_t i = 0; i < p->ngoals; i++) {
			html_raw(w, "<tr>");
			cell_int(w, p->goals[i].id);
			cell(w, p->goals[i].text);
			cell_day(w, p->goals[i].target);
			cell(w, T(r, goal_status_label(p->goals[i].status)));
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	if (p->nassignments) {
		const char *heads[] = { T(r, "No."), T(r, "Assignment"), T(r, "Step"), T(r, "Given"), T(r, "Due"),
					T(r, "Status"), T(r, "Review note") };
		table_begin(w, T(r, "Assignments"), heads, 7);
		for (size_t i = 0; i < p->nassignments; i++) {
			const struct plan_assignment *a = &p->assignments[i];
			html_raw(w, "<tr>");
			cell_int(w, a->id);
			cell(w, a->text);
			if (a->step)
				cell_int(w, a->step);
			else
				cell(w, "");
			cell_day(w, a->given);
			cell_day(w, a->due);
			cell(w, T(r, assignment_status_label(a->status)));
			cell(w, a->review_note);
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	html_raw(w, "<dl class=\"tolv-facts\">\n");
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < p->triggers.n; i++) {
		if (i)
			buf_adds(&b, "; ");
		buf_adds(&b, p->triggers.v[i]);
	}
	fact(w, T(r, "Triggers"), b.data);
	buf_reset(&b);
	for (size_t i = 0; i < p->warning_signs.n; i++) {
		if (i)
			buf_adds(&b, "; ");
		buf_adds(&b, p->warning_signs.v[i]);
	}
	fact(w, T(r, "Warning signs"), b.data);
	buf_release(&b);
	fact(w, T(r, "Crisis plan: who to call"), p->crisis_contacts);
	fact(w, T(r, "Crisis plan: what helps"), p->crisis_helps);
	html_raw(w, "</dl>\n");
}

static void plan_section(struct req *r, struct html *w, int64_t enrolment_id)
{
	struct store_plan_version *vs = NULL;
	size_t n = 0;
	if (store_plan_versions(r->site->ac->store, r->org_id, enrolment_id, true, &vs, &n) || !n) {
		store_plan_versions_free(vs, n);
		para(w, T(r, "No individual plan saved."));
		return;
	}
	struct plan prev, cur;
	plan_init(&prev);
	bool have_prev = false;
	struct buf latest_title = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		struct plan_error err;
		if (!vs[i].json || plan_parse(vs[i].json, strlen(vs[i].json), &cur, &err))
			continue;
		char when[32], author[STORE_NAME_MAX];
		time_text(vs[i].created_at, when, sizeof when);
		user_display(r, vs[i].author, author, sizeof author);
		char num[16];
		snprintf(num, sizeof num, "%d", vs[i].number);
		struct buf t = BUF_INIT;
		buf_adds(&t, T(r, "Plan version"));
		buf_addf(&t, " %s, %s (UTC), %s", num, when, author);
		h3(w, t.data);
		buf_release(&t);
		struct plan_diff d = { 0 };
		plan_diff(have_prev ? &prev : NULL, &cur, &d);
		if (d.n) {
			html_raw(w, "<ul class=\"ds-list\">\n");
			for (size_t k = 0; k < d.n; k++) {
				struct buf line = BUF_INIT;
				plan_change_text(&d.v[k], r->lang, &line);
				html_raw(w, "<li>");
				html_text(w, line.data);
				html_raw(w, "</li>\n");
				buf_release(&line);
			}
			html_raw(w, "</ul>\n");
		}
		plan_diff_release(&d);
		plan_release(&prev);
		prev = cur;
		have_prev = true;
	}
	if (have_prev) {
		h3(w, T(r, "The plan as last saved"));
		plan_block(r, w, &prev);
	}
	plan_release(&prev);
	buf_release(&latest_title);
	store_plan_versions_free(vs, n);
}

static void enrolments_section(struct req *r, struct html *w, int64_t person_id)
{
	struct store *s = r->site->ac->store;
	struct programme *ps = NULL;
	size_t nps = 0;
	if (store_programme_list(s, r->org_id, true, &ps, &nps))
		nps = 0;
	struct enrolment_query q = { .person_id = person_id, .phase = -1, .recent_from = DATE_NONE,
				     .sort = STORE_ENROL_BY_STARTED, .limit = ROWS_MAX };
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	h2(w, T(r, "Enrolments"));
	if (store_enrolment_list(s, r->org_id, &q, &rows, &n, NULL) || !n) {
		para(w, T(r, "No enrolments."));
		free(rows);
		free(ps);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct enrolment *e = &rows[i].e;
		const struct programme *prog = programme_of(ps, nps, e->programme_id);
		html_raw(w, "<section class=\"tolv-copy-enrolment\">\n");
		h3(w, prog ? prog->name : T(r, "Programme"));
		html_raw(w, "<dl class=\"tolv-facts\">\n");
		int es = enrolment_status_parse(e->status);
		fact(w, T(r, "Status"), es >= 0 ? T(r, enrolment_status_label((enum enrolment_status)es)) : e->status);
		fact(w, T(r, "Phase"), phase_label(r, prog, e->phase));
		fact_day(w, T(r, "Started"), e->started_on);
		fact_day(w, T(r, "Ended"), e->ended_on);
		char therapist[STORE_NAME_MAX];
		if (e->therapist_id) {
			user_display(r, e->therapist_id, therapist, sizeof therapist);
			fact(w, T(r, "Primary therapist"), therapist);
		}
		fact(w, T(r, "Reason"), e->reason_note);
		html_raw(w, "</dl>\n");
		struct enrolment_event *ev = NULL;
		size_t nev = 0;
		if (!store_enrolment_events(s, r->org_id, e->id, &ev, &nev) && nev)
			events_table(r, w, prog, ev, nev);
		free(ev);
		attendance_table(r, w, e->id);
		steps_tables(r, w, e->id);
		plan_section(r, w, e->id);
		html_raw(w, "</section>\n");
	}
	free(rows);
	free(ps);
}

static void addenda_list(struct req *r, struct html *w, const struct store_note_addendum *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char when[32], author[STORE_NAME_MAX];
		time_text(a[i].created_at, when, sizeof when);
		user_display(r, a[i].author, author, sizeof author);
		html_raw(w, "<p class=\"ds-paragraph tolv-pre\"><strong>");
		html_text(w, T(r, "Addendum"));
		html_raw(w, "</strong> (");
		html_text(w, when);
		html_raw(w, ", ");
		html_text(w, author);
		html_raw(w, "): ");
		html_text(w, a[i].text);
		html_raw(w, "</p>\n");
	}
}

static void group_note_article(struct req *r, struct html *w, const struct copy_group_note *g)
{
	char day[11];
	date_format(g->date, day);
	struct buf t = BUF_INIT;
	buf_addf(&t, "%s, %s", day, g->group_name[0] ? g->group_name : T(r, "Group session"));
	if (g->topic[0])
		buf_addf(&t, ": %s", g->topic);
	html_raw(w, "<article class=\"tolv-group-note\">\n");
	h3(w, t.data);
	buf_release(&t);
	html_raw(w, "<p class=\"ds-paragraph tolv-pre\">");
	html_text(w, g->ok ? g->ex.text : g->fallback ? g->fallback : "");
	html_raw(w, "</p>\n");
	if (g->ok)
		for (size_t i = 0; i < g->ex.naddenda; i++) {
			struct store_note_addendum a = { .author = g->ex.addenda[i].author,
							 .created_at = g->ex.addenda[i].created_at };
			copy_str(a.text, sizeof a.text, g->ex.addenda[i].text);
			addenda_list(r, w, &a, 1);
		}
	html_raw(w, "</article>\n");
}

static void notes_section(struct req *r, struct html *w, int64_t person_id)
{
	struct store_note *own = NULL, *groups = NULL;
	size_t nown = 0, ngroups = 0;
	if (load_notes(r, person_id, &own, &nown, &groups, &ngroups)) {
		free(own);
		free(groups);
		return;
	}
	h2(w, T(r, "Clinical notes"));
	if (!nown && !ngroups)
		para(w, T(r, "No signed notes."));
	for (size_t i = 0; i < nown; i++) {
		const struct store_note *sn = &own[i];
		if (!strcmp(sn->type, "group")) {
			struct copy_group_note g;
			group_note_for(r, person_id, sn, &g);
			group_note_article(r, w, &g);
			group_note_release(&g);
			continue;
		}
		char day[11], when[32], author[STORE_NAME_MAX];
		date_format(sn->on_day, day);
		time_text(sn->signed_at, when, sizeof when);
		user_display(r, sn->author, author, sizeof author);
		int t = note_type_parse(sn->type);
		struct buf title = BUF_INIT;
		buf_addf(&title, "%s, %s", day, t >= 0 ? T(r, note_type_label((enum note_type)t)) : sn->type);
		html_raw(w, "<article class=\"tolv-copy-note\">\n");
		h3(w, title.data);
		buf_release(&title);
		html_raw(w, "<p class=\"ds-paragraph\">");
		html_text(w, T(r, "Signed"));
		html_raw(w, " ");
		html_text(w, when);
		html_raw(w, " (UTC), ");
		html_text(w, author);
		html_raw(w, "</p>\n<p class=\"ds-paragraph tolv-pre\">");
		html_text(w, sn->text);
		html_raw(w, "</p>\n");
		{
			struct store_note_addendum *adds = NULL;
			size_t na = 0;
			if (!note_addenda(r, sn->id, &adds, &na))
				addenda_list(r, w, adds, na);
			free(adds);
		}
		html_raw(w, "</article>\n");
	}
	if (ngroups) {
		h2(w, T(r, "Group notes of sessions attended"));
		for (size_t i = 0; i < ngroups; i++) {
			struct copy_group_note g;
			group_note_for(r, person_id, &groups[i], &g);
			group_note_article(r, w, &g);
			group_note_release(&g);
		}
	}
	free(own);
	free(groups);
}

static void facilitation_section(struct req *r, struct html *w, int64_t person_id)
{
	struct store *s = r->site->ac->store;
	struct fac_profile prof;
	bool have_prof = store_fac_profile_get(s, r->org_id, person_id, &prof) == STORE_OK;
	struct fac_stance *st = NULL;
	struct fac_action *ac = NULL;
	struct fac_meeting *mt = NULL;
	size_t nst = 0, nac = 0, nmt = 0;
	if (store_fac_stance_list(s, r->org_id, person_id, ROWS_MAX, &st, &nst))
		nst = 0;
	if (store_fac_action_list(s, r->org_id, person_id, ROWS_MAX, &ac, &nac))
		nac = 0;
	if (store_fac_meeting_list(s, r->org_id, person_id, ROWS_MAX, 0, &mt, &nmt, NULL))
		nmt = 0;
	if (!have_prof && !nst && !nac && !nmt)
		goto out;
	h2(w, T(r, "Mutual-help groups"));
	if (have_prof) {
		html_raw(w, "<dl class=\"tolv-facts\">\n");
		fact(w, T(r, "Sponsor"), T(r, fac_sponsor_label(prof.sponsor)));
		fact_day(w, T(r, "Sponsor since"), prof.sponsor_since);
		fact(w, T(r, "Home group"), prof.home_group);
		html_raw(w, "</dl>\n");
	}
	if (nst) {
		const char *heads[] = { T(r, "Date"), T(r, "Stance"), T(r, "Take up again"), T(r, "Note") };
		table_begin(w, T(r, "Stance toward mutual-help groups"), heads, 4);
		for (size_t i = 0; i < nst; i++) {
			html_raw(w, "<tr>");
			cell_day(w, st[i].on_day);
			cell(w, T(r, fac_stance_label(st[i].stance)));
			cell_day(w, st[i].revisit_on);
			cell(w, st[i].note);
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	if (nac) {
		const char *heads[] = { T(r, "Date"), T(r, "What was done"), T(r, "Meeting"), T(r, "Note") };
		table_begin(w, T(r, "Facilitation"), heads, 4);
		for (size_t i = 0; i < nac; i++) {
			html_raw(w, "<tr>");
			cell_day(w, ac[i].on_day);
			cell(w, T(r, fac_kind_label(ac[i].kind)));
			cell(w, ac[i].meeting_name);
			cell(w, ac[i].note);
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	if (nmt) {
		const char *heads[] = { T(r, "Date"), T(r, "Meeting"), T(r, "Accompanied"), T(r, "Recorded as") };
		table_begin(w, T(r, "Meetings attended"), heads, 4);
		for (size_t i = 0; i < nmt; i++) {
			html_raw(w, "<tr>");
			cell_day(w, mt[i].on_day);
			cell(w, mt[i].name);
			cell(w, mt[i].accompanied ? T(r, "Yes") : T(r, "No"));
			cell(w, T(r, fac_source_label(mt[i].source)));
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
out:
	free(st);
	free(ac);
	free(mt);
}

static void measures_section(struct req *r, struct html *w, int64_t person_id)
{
	struct store *s = r->site->ac->store;
	struct sob_test *tests = NULL;
	size_t nt = 0;
	if (store_sob_test_list(s, r->org_id, person_id, 500, &tests, &nt))
		nt = 0;
	struct substance_class *cls = NULL;
	size_t ncls = 0;
	if (nt && store_substance_list(s, r->org_id, true, &cls, &ncls))
		ncls = 0;
	if (nt) {
		h2(w, T(r, "Tests"));
		const char *heads[] = { T(r, "Date"), T(r, "Test"), T(r, "Result"), T(r, "Laboratory"), T(r, "Note") };
		table_begin(w, T(r, "Breath and drug tests"), heads, 5);
		for (size_t i = 0; i < nt; i++) {
			const struct sob_test *t = &tests[i];
			html_raw(w, "<tr>");
			cell_day(w, t->on_day);
			cell(w, T(r, sobriety_kind_label(t->kind)));
			struct buf res = BUF_INIT;
			if (!strcmp(t->outcome, "refused"))
				buf_adds(&res, T(r, "Refused"));
			else if (!strcmp(t->kind, "breath") && t->permille >= 0)
				buf_addf(&res, "%d.%02d ‰", t->permille / 100, t->permille % 100);
			for (int k = 0; k < t->nresults && k < STORE_SOB_CLASSES_MAX; k++)
			{
				const char *label = t->results[k].class_key;
				for (size_t c = 0; c < ncls; c++)
					if (!strcmp(cls[c].key, label)) {
						label = T(r, cls[c].label);
						break;
					}
				buf_addf(&res, "%s%s: %s", res.len ? "; " : "", label,
					 T(r, sobriety_result_label(t->results[k].result)));
			}
			cell(w, res.data);
			buf_release(&res);
			cell(w, t->lab_result[0] ? T(r, sobriety_lab_label(t->lab_result)) : "");
			cell(w, t->note);
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	free(tests);
	free(cls);

	struct outcome_result *os = NULL;
	size_t no = 0;
	if (store_outcome_list(s, r->org_id, person_id, &os, &no))
		no = 0;
	if (no) {
		h2(w, T(r, "Questionnaires"));
		const char *heads[] = { T(r, "Date"), T(r, "Questionnaire"), T(r, "Total"), T(r, "Answers"), T(r, "Note") };
		table_begin(w, T(r, "Questionnaire results"), heads, 5);
		for (size_t i = 0; i < no; i++) {
			const struct outcome_result *o = &os[i];
			const struct questionnaire *def = questionnaire_for_org(s, r->org_id, o->questionnaire);
			html_raw(w, "<tr>");
			cell_day(w, o->taken_on);
			cell(w, def ? q_text_get(&def->title, r->lang) : o->questionnaire);
			cell_int(w, o->total);
			cell(w, o->days[0] ? o->days : o->answers);
			cell(w, o->error_at ? T(r, "Entered in error") : "");
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	free(os);

	struct store_relapse *rs = NULL;
	size_t nr = 0;
	if (store_relapse_list(s, r->org_id, person_id, 0, "", STORE_RELAPSE_LIST_MAX, &rs, &nr))
		nr = 0;
	if (nr) {
		h2(w, T(r, "Relapses"));
		const char *heads[] = { T(r, "Date"), T(r, "Status"), T(r, "How it became known"), T(r, "Treatment resumed") };
		table_begin(w, T(r, "Relapses"), heads, 4);
		for (size_t i = 0; i < nr; i++) {
			html_raw(w, "<tr>");
			cell_day(w, rs[i].on_day);
			cell(w, T(r, relapse_status_label(rs[i].status)));
			cell(w, T(r, relapse_source_label(rs[i].source)));
			cell_day(w, rs[i].resumed_on);
			html_raw(w, "</tr>\n");
		}
		table_end(w);
	}
	free(rs);
}

void recordcopy_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "copy", &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf title = BUF_INIT;
	buf_adds(&title, T(r, "Copy of the record"));
	buf_adds(&title, ": ");
	person_title(&p, &title);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	char now[32];
	time_text((int64_t)time(NULL), now, sizeof now);
	html_raw(&w, "<div class=\"tolv-copy\">\n<p class=\"ds-paragraph\">");
	html_fmt(&w, T(r, "Made {} (UTC) by {} for {}."), now, r->org_name, p.given_name[0] ? p.given_name : p.family_name);
	html_raw(&w, "</p>\n<p class=\"ds-paragraph tolv-noprint\">");
	html_text(&w, T(r, "To save it as a PDF, print this page and choose to save as PDF."));
	html_raw(&w, " <a class=\"ds-link\"");
	char href[64];
	snprintf(href, sizeof href, "/persons/%" PRId64 "/copy.json", p.id);
	html_attr(&w, "href", href);
	html_raw(&w, ">");
	html_text(&w, T(r, "The same as JSON (FHIR)"));
	html_raw(&w, "</a></p>\n");
	details_section(r, &w, &p);
	referrals_section(r, &w, p.id);
	enrolments_section(r, &w, p.id);
	measures_section(r, &w, p.id);
	notes_section(r, &w, p.id);
	facilitation_section(r, &w, p.id);
	html_raw(&w, "</div>\n<p class=\"tolv-noprint\"><a class=\"ds-link\"");
	snprintf(href, sizeof href, "/persons/%" PRId64, p.id);
	html_attr(&w, "href", href);
	html_raw(&w, ">");
	html_text(&w, T(r, "Back to the person"));
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, 200);
}

/* ---- the JSON copy ---- */

static json_t *day_json(int32_t day)
{
	json_t *d = fhir_date(day);
	return d ? d : json_null();
}

static json_t *group_note_json(const struct copy_group_note *g)
{
	json_t *j = json_pack("{s:o, s:s, s:s, s:s}", "date", day_json(g->date), "group", g->group_name, "topic", g->topic,
			      "text", g->ok ? g->ex.text : g->fallback ? g->fallback : "");
	json_t *adds = json_array();
	if (g->ok)
		for (size_t i = 0; i < g->ex.naddenda; i++)
			json_array_append_new(adds, json_pack("{s:I, s:I, s:s}", "author", (json_int_t)g->ex.addenda[i].author,
							      "created_at", (json_int_t)g->ex.addenda[i].created_at,
							      "text", g->ex.addenda[i].text));
	json_object_set_new(j, "addenda", adds);
	return j;
}

static json_t *tolv_part(struct req *r, const struct person *p)
{
	struct store *s = r->site->ac->store;
	json_t *t = json_object();
	json_t *subst = json_array();
	for (size_t i = 0; i < person_substances_count; i++)
		if (p->substances & person_substances[i].bit)
			json_array_append_new(subst, json_string(person_substances[i].key));
	json_object_set_new(t, "person", json_pack("{s:I, s:o, s:b, s:s, s:s}", "id", (json_int_t)p->id, "substances",
						   subst, "dual_diagnosis", p->dual_diagnosis, "notes", p->notes,
						   "kin_relation", p->kin_relation));

	struct referral_query rq = { .person_id = p->id, .limit = ROWS_MAX };
	struct referral *refs = NULL;
	size_t nrefs = 0;
	json_t *rl = json_array();
	if (!store_referral_list(s, r->org_id, &rq, &refs, &nrefs, NULL))
		for (size_t i = 0; i < nrefs; i++)
			json_array_append_new(rl, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)refs[i].id,
							    "received_on", day_json(refs[i].received_on), "source",
							    refs[i].source_key, "referrer_name", refs[i].referrer_name,
							    "referrer_org", refs[i].referrer_org, "status", refs[i].status,
							    "reason", refs[i].reason));
	free(refs);
	json_object_set_new(t, "referrals", rl);

	/* Step changes and every plan version, per enrolment. */
	struct enrolment_query q = { .person_id = p->id, .phase = -1, .recent_from = DATE_NONE,
				     .sort = STORE_ENROL_BY_STARTED, .limit = ROWS_MAX };
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	json_t *el = json_array();
	if (!store_enrolment_list(s, r->org_id, &q, &rows, &n, NULL))
		for (size_t i = 0; i < n; i++) {
			int64_t eid = rows[i].e.id;
			json_t *steps = json_array(), *plans = json_array();
			struct store_step_event *ev = NULL;
			size_t nev = 0;
			if (!store_step_events(s, r->org_id, eid, &ev, &nev))
				for (size_t k = 0; k < nev; k++)
					json_array_append_new(steps, json_pack("{s:i, s:s, s:s, s:o, s:s, s:I}", "step", ev[k].step,
									       "from", ev[k].from_status, "to",
									       ev[k].to_status, "date", day_json(ev[k].on_day),
									       "note", ev[k].note, "by_user",
									       (json_int_t)ev[k].by_user));
			free(ev);
			struct store_plan_version *vs = NULL;
			size_t nv = 0;
			if (!store_plan_versions(s, r->org_id, eid, true, &vs, &nv))
				for (size_t k = 0; k < nv; k++) {
					json_t *pj = vs[k].json ? json_loads(vs[k].json, 0, NULL) : NULL;
					json_array_append_new(plans, json_pack("{s:i, s:I, s:I, s:o}", "version", vs[k].number,
									       "author", (json_int_t)vs[k].author, "created_at",
									       (json_int_t)vs[k].created_at, "plan",
									       pj ? pj : json_null()));
				}
			store_plan_versions_free(vs, nv);
			json_array_append_new(el, json_pack("{s:I, s:o, s:o}", "enrolment_id", (json_int_t)eid, "step_changes",
							    steps, "plan_versions", plans));
		}
	free(rows);
	json_object_set_new(t, "enrolments", el);

	/* Notes: the person's signed notes, group notes as the attendee's export shows them. */
	struct store_note *own = NULL, *groups = NULL;
	size_t nown = 0, ngroups = 0;
	json_t *nl = json_array(), *gl = json_array();
	if (!load_notes(r, p->id, &own, &nown, &groups, &ngroups)) {
		for (size_t i = 0; i < nown; i++) {
			const struct store_note *sn = &own[i];
			if (!strcmp(sn->type, "group")) {
				struct copy_group_note g;
				group_note_for(r, p->id, sn, &g);
				json_array_append_new(gl, group_note_json(&g));
				group_note_release(&g);
				continue;
			}
			json_t *adds = json_array();
			{
				struct store_note_addendum *ad = NULL;
				size_t na = 0;
				if (!note_addenda(r, sn->id, &ad, &na))
					for (size_t k = 0; k < na; k++)
						json_array_append_new(adds, json_pack("{s:I, s:I, s:s}", "author",
										      (json_int_t)ad[k].author, "created_at",
										      (json_int_t)ad[k].created_at, "text",
										      ad[k].text));
				free(ad);
			}
			json_array_append_new(nl, json_pack("{s:I, s:s, s:o, s:I, s:I, s:s, s:o}", "id", (json_int_t)sn->id,
							    "type", sn->type, "date", day_json(sn->on_day), "author",
							    (json_int_t)sn->author, "signed_at", (json_int_t)sn->signed_at,
							    "text", sn->text, "addenda", adds));
		}
		for (size_t i = 0; i < ngroups; i++) {
			struct copy_group_note g;
			group_note_for(r, p->id, &groups[i], &g);
			json_array_append_new(gl, group_note_json(&g));
			group_note_release(&g);
		}
	}
	free(own);
	free(groups);
	json_object_set_new(t, "notes", nl);
	json_object_set_new(t, "group_notes", gl);

	/* Mutual-help groups. */
	json_t *fac = json_object();
	struct fac_profile prof;
	if (store_fac_profile_get(s, r->org_id, p->id, &prof) == STORE_OK)
		json_object_set_new(fac, "profile", json_pack("{s:s, s:o, s:s}", "sponsor", prof.sponsor, "sponsor_since",
							      day_json(prof.sponsor_since), "home_group", prof.home_group));
	struct fac_stance *st = NULL;
	size_t nst = 0;
	json_t *sl = json_array();
	if (!store_fac_stance_list(s, r->org_id, p->id, ROWS_MAX, &st, &nst))
		for (size_t i = 0; i < nst; i++)
			json_array_append_new(sl, json_pack("{s:o, s:s, s:o, s:s}", "date", day_json(st[i].on_day), "stance",
							    st[i].stance, "revisit_on", day_json(st[i].revisit_on), "note",
							    st[i].note));
	free(st);
	json_object_set_new(fac, "stances", sl);
	struct fac_action *ac = NULL;
	size_t nac = 0;
	json_t *al = json_array();
	if (!store_fac_action_list(s, r->org_id, p->id, ROWS_MAX, &ac, &nac))
		for (size_t i = 0; i < nac; i++)
			json_array_append_new(al, json_pack("{s:o, s:s, s:s, s:b, s:s}", "date", day_json(ac[i].on_day), "kind",
							    ac[i].kind, "meeting", ac[i].meeting_name, "stayed",
							    ac[i].stayed, "note", ac[i].note));
	free(ac);
	json_object_set_new(fac, "actions", al);
	struct fac_meeting *mt = NULL;
	size_t nmt = 0;
	json_t *ml = json_array();
	if (!store_fac_meeting_list(s, r->org_id, p->id, ROWS_MAX, 0, &mt, &nmt, NULL))
		for (size_t i = 0; i < nmt; i++)
			json_array_append_new(ml, json_pack("{s:o, s:s, s:b, s:b, s:s}", "date", day_json(mt[i].on_day), "name",
							    mt[i].name, "accompanied", mt[i].accompanied, "stayed",
							    mt[i].stayed, "source", mt[i].source));
	free(mt);
	json_object_set_new(fac, "meetings", ml);
	json_object_set_new(t, "facilitation", fac);
	return t;
}

void recordcopy_json_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "copy json", &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	json_t *res = fhir_person_resources(r, &p, false, &rc);
	if (!res) {
		resp_store_error(r, rc);
		return;
	}
	int64_t now = (int64_t)time(NULL);
	json_t *j = json_pack("{s:s, s:I, s:o, s:o, s:o}", "format", "tolv-record-copy/1", "person_id", (json_int_t)p.id,
			      "generated_at", fhir_instant(now), "fhir", fhir_bundle_searchset(res, now), "tolv",
			      tolv_part(r, &p));
	resp_json(r, 200, j);
	char cd[96];
	snprintf(cd, sizeof cd, "attachment; filename=\"tolv-record-%" PRId64 ".json\"", p.id);
	resp_header(r, "Content-Disposition", cd);
}

/* ---- the access log ---- */

static void entry_when(const struct audit_entry *e, char *out, size_t outlen)
{
	format_time(e->at_ms / 1000, out, outlen);
}

void access_log_get(struct req *r)
{
	int64_t before;
	if (!query_int_or_400(r, "before", 1, INT64_MAX, 0, &before))
		return;
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "access log", &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct audit_entry *es = NULL;
	size_t n = 0;
	rc = record_access_log(r, p.id, before, LOG_PAGE, &es, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf title = BUF_INIT;
	buf_adds(&title, T(r, "Access log"));
	buf_adds(&title, ": ");
	person_title(&p, &title);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	para(&w, T(r, "Everyone who has read or changed this person's record, newest first."));
	char href[96];
	snprintf(href, sizeof href, "/persons/%" PRId64 "/access-log.csv", p.id);
	html_raw(&w, "<p class=\"tolv-noprint\"><a class=\"ds-link\"");
	html_attr(&w, "href", href);
	html_raw(&w, ">");
	html_text(&w, T(r, "Download the whole log as CSV"));
	html_raw(&w, "</a></p>\n");
	if (!n) {
		para(&w, T(r, "No entries."));
	} else {
		const char *heads[] = { T(r, "Time (UTC)"), T(r, "Who"), T(r, "Action"), T(r, "Object"), T(r, "Address"),
					T(r, "Detail") };
		table_begin(&w, T(r, "Accesses to the record"), heads, 6);
		for (size_t i = 0; i < n; i++) {
			char when[32];
			entry_when(&es[i], when, sizeof when);
			html_raw(&w, "<tr>");
			cell(&w, when);
			cell(&w, es[i].actor[0] ? es[i].actor : T(r, "(system)"));
			cell(&w, es[i].action);
			struct buf o = BUF_INIT;
			buf_adds(&o, es[i].object_type);
			if (es[i].object_id[0])
				buf_addf(&o, " %s", es[i].object_id);
			cell(&w, o.data);
			buf_release(&o);
			cell(&w, es[i].addr);
			cell(&w, es[i].detail);
			html_raw(&w, "</tr>\n");
		}
		table_end(&w);
	}
	html_raw(&w, "<nav class=\"tolv-pager tolv-noprint\"");
	html_attr(&w, "aria-label", T(r, "Pages"));
	html_raw(&w, "><ul>");
	if (before) {
		snprintf(href, sizeof href, "/persons/%" PRId64 "/access-log", p.id);
		html_raw(&w, "<li><a class=\"ds-link\"");
		html_attr(&w, "href", href);
		html_raw(&w, ">");
		html_text(&w, T(r, "Newest entries"));
		html_raw(&w, "</a></li>");
	}
	if (n == LOG_PAGE) {
		snprintf(href, sizeof href, "/persons/%" PRId64 "/access-log?before=%" PRId64, p.id, es[n - 1].seq);
		html_raw(&w, "<li><a class=\"ds-link\"");
		html_attr(&w, "href", href);
		html_raw(&w, ">");
		html_text(&w, T(r, "Older entries"));
		html_raw(&w, "</a></li>");
	}
	html_raw(&w, "</ul></nav>\n<p class=\"tolv-noprint\"><a class=\"ds-link\"");
	snprintf(href, sizeof href, "/persons/%" PRId64, p.id);
	html_attr(&w, "href", href);
	html_raw(&w, ">");
	html_text(&w, T(r, "Back to the person"));
	html_raw(&w, "</a></p>\n");
	free(es);
	page_end(r, &w, 200);
}

void access_log_csv_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "access log csv", &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf *out = &r->out;
	buf_reset(out);
	buf_adds(out, "seq,time_utc,actor,action,object_type,object_id,address,detail\r\n");
	int64_t before = 0;
	size_t rows = 0;
	for (;;) {
		struct audit_entry *es = NULL;
		size_t n = 0;
		rc = record_access_log(r, p.id, before, 1000, &es, &n);
		if (rc) {
			free(es);
			resp_store_error(r, rc);
			return;
		}
		for (size_t i = 0; i < n && rows < LOG_CSV_MAX; i++, rows++) {
			char when[32];
			entry_when(&es[i], when, sizeof when);
			buf_addf(out, "%" PRId64 ",", es[i].seq);
			csv_cell(out, when);
			buf_addch(out, ',');
			csv_cell(out, es[i].actor);
			buf_addch(out, ',');
			csv_cell(out, es[i].action);
			buf_addch(out, ',');
			csv_cell(out, es[i].object_type);
			buf_addch(out, ',');
			csv_cell(out, es[i].object_id);
			buf_addch(out, ',');
			csv_cell(out, es[i].addr);
			buf_addch(out, ',');
			csv_cell(out, es[i].detail);
			buf_adds(out, "\r\n");
		}
		before = n ? es[n - 1].seq : 0;
		free(es);
		if (n < 1000 || rows >= LOG_CSV_MAX)
			break;
	}
	r->status = 200;
	r->ctype = "text/csv; charset=utf-8";
	char cd[96];
	snprintf(cd, sizeof cd, "attachment; filename=\"tolv-access-log-%" PRId64 ".csv\"", p.id);
	resp_header(r, "Content-Disposition", cd);
}

void recordcopy_person_links(struct req *r, struct html *w, int64_t person_id)
{
	if (r->role != ROLE_ADMIN)
		return;
	char href[64];
	html_raw(w, "<p class=\"tolv-actions\"><a class=\"ds-link\"");
	snprintf(href, sizeof href, "/persons/%" PRId64 "/copy", person_id);
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, T(r, "Copy of the record"));
	html_raw(w, "</a> · <a class=\"ds-link\"");
	snprintf(href, sizeof href, "/persons/%" PRId64 "/access-log", person_id);
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, T(r, "Access log"));
	html_raw(w, "</a></p>\n");
}
