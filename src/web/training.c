/* training.c: the register of staff training (issue 7, "Therapist training"; roles admin
 * and coordinator) — /training lists the organisation's staff with the status of each
 * course, whether they are certified leaders, and how many certified leaders the
 * organisation has today; /training/users/{id} (a user id) shows and edits one member's
 * record: days attended and the certification date per course. The rules are
 * domain/training.c's; another organisation's user is 404. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/roles.h"
#include "domain/training.h"
#include "html/form.h"
#include "html/layout.h"

enum { STAFF_MAX = 1000 };

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

static const char *course_name(struct req *r, const struct store_training_course *c)
{
	const char *msgid = training_course_msgid(c->key);
	return msgid ? T(r, msgid) : (c->name[0] ? c->name : c->key);
}

/* "Certified since YYYY-MM-DD" or "Not certified". */
static void leader_text(struct req *r, int32_t since, struct buf *out)
{
	if (since == DATE_NONE) {
		buf_adds(out, T(r, "Not a certified leader"));
		return;
	}
	char d[11];
	date_format(since, d);
	buf_adds(out, T(r, "Certified leader since"));
	buf_addf(out, " %s", d);
}

/* A translated template's {} places filled with a, then b (may be NULL), into out. */
static void fill(struct buf *out, const char *tmpl, const char *a, const char *b)
{
	const char *args[2] = { a, b };
	int k = 0;
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] == '}' && k < 2 && args[k]) {
			buf_adds(out, args[k++]);
			p++;
		} else {
			buf_addch(out, *p);
		}
	}
}

/* "4 of 9 days, In progress" (and the certification date). */
static void course_text(struct req *r, const struct store_training_course *c, const struct store_training_record *rec,
			struct buf *out)
{
	char days[24], req_days[24];
	snprintf(days, sizeof days, "%d", rec ? rec->days_attended : 0);
	snprintf(req_days, sizeof req_days, "%d", c->required_days);
	fill(out, T(r, "{} of {} days"), days, req_days);
	buf_addf(out, ", %s", T(r, training_status_label(training_status_of(c, rec))));
	if (rec && rec->certified_on != DATE_NONE) {
		char d[11];
		date_format(rec->certified_on, d);
		buf_addf(out, " %s", d);
	}
}

static void audit_read(struct req *r, int64_t user_id)
{
	struct actor a;
	req_actor(r, &a);
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, user_id);
	audit_event(r->site->ac->audit, a.user_id, a.email, r->org_id, a.addr, "training.read", "user", oid, NULL);
}

void training_list_get(struct req *r)
{
	struct store *s = r->site->ac->store;
	struct store_training_course *courses = NULL;
	struct store_training_record *recs = NULL;
	struct user_row *rows = NULL;
	size_t nc = 0, nr = 0, n = 0;
	int count = 0;
	int32_t today = date_today_cet();
	int rc = store_training_courses(s, r->org_id, &courses, &nc);
	if (!rc)
		rc = store_training_records(s, r->org_id, 0, &recs, &nr);
	if (!rc)
		rc = store_user_list(s, r->org_id, STAFF_MAX, 0, &rows, &n, NULL);
	if (!rc)
		rc = training_certified_count(r->site->ac, r->org_id, today, &count);
	if (rc) {
		free(courses);
		free(recs);
		free(rows);
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	audit_event(r->site->ac->audit, a.user_id, a.email, r->org_id, a.addr, "training.list", "org", NULL, NULL);

	struct html w;
	page_begin(r, &w, T(r, "Staff training"));
	char num[24];
	snprintf(num, sizeof num, "%d", count);
	html_raw(&w, "<p class=\"ds-paragraph tolv-certified-count\">");
	html_fmt(&w, T(r, "Certified leaders in {} today: {}"), r->org_name, num);
	html_raw(&w, "</p>\n");
	para(&w, T(r, "A certified leader has a certification date in both the introduction course and the manual "
		      "course. Every group session needs a certified leader among its leaders, or a reason for "
		      "going ahead without one."));
	html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_fmt(&w, T(r, "Training of the staff in {}"), r->org_name);
	html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(&w, T(r, "Name"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Role"));
	for (size_t k = 0; k < nc; k++) {
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, course_name(r, &courses[k]));
	}
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Leading"));
	html_raw(&w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct user *u = &rows[i].user;
		if (!strcmp(rows[i].m.role, "auditor"))
			continue;
		char href[64];
		snprintf(href, sizeof href, "/training/users/%" PRId64, u->id);
		html_raw(&w, "<tr><th scope=\"row\"><a class=\"ds-link\"");
		html_attr(&w, "href", href);
		html_raw(&w, ">");
		html_text(&w, u->name[0] ? u->name : u->email);
		html_raw(&w, "</a>");
		if (rows[i].m.disabled || u->disabled) {
			html_raw(&w, " (");
			html_text(&w, T(r, "Access withdrawn"));
			html_raw(&w, ")");
		}
		html_raw(&w, "</th><td>");
		html_text(&w, T(r, role_label(role_parse(rows[i].m.role))));
		struct buf b = BUF_INIT;
		for (size_t k = 0; k < nc; k++) {
			buf_reset(&b);
			course_text(r, &courses[k], training_record_of(recs, nr, u->id, courses[k].key), &b);
			html_raw(&w, "</td><td>");
			html_text(&w, b.data);
		}
		buf_reset(&b);
		leader_text(r, training_certified_since(courses, nc, recs, nr, u->id), &b);
		html_raw(&w, "</td><td>");
		html_text(&w, b.data);
		html_raw(&w, "</td></tr>\n");
		buf_release(&b);
	}
	html_raw(&w, "</tbody>\n</table>\n");
	free(courses);
	free(recs);
	free(rows);
	page_end(r, &w, 200);
}

struct member_view {
	struct user u;
	struct membership m;
	struct store_training_course *courses;
	size_t nc;
	struct store_training_record *recs;
	size_t nr;
};

static void view_release(struct member_view *v)
{
	free(v->courses);
	free(v->recs);
	v->courses = NULL;
	v->recs = NULL;
}

static int load_member(struct req *r, int64_t id, struct member_view *v)
{
	struct store *s = r->site->ac->store;
	memset(v, 0, sizeof *v);
	int rc = training_staff_check(r->site->ac, r->org_id, id);
	if (!rc)
		rc = store_user_get(s, id, &v->u);
	if (!rc)
		rc = store_membership_get(s, id, r->org_id, &v->m);
	if (!rc)
		rc = store_training_courses(s, r->org_id, &v->courses, &v->nc);
	if (!rc)
		rc = store_training_records(s, r->org_id, id, &v->recs, &v->nr);
	if (rc)
		view_release(v);
	return rc;
}

static void member_page(struct req *r, int status, const struct member_view *v, const struct form_errors *fe)
{
	struct html w;
	struct buf title = BUF_INIT, b = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Training"), v->u.name[0] ? v->u.name : v->u.email);
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The training record was saved."));
	leader_text(r, training_certified_since(v->courses, v->nc, v->recs, v->nr, v->u.id), &b);
	para(&w, b.data);

	char action[64];
	snprintf(action, sizeof action, "/training/users/%" PRId64, v->u.id);
	form_begin(&w, r, action);
	bool posted = fe != NULL;
	for (size_t k = 0; k < v->nc; k++) {
		const struct store_training_course *c = &v->courses[k];
		const struct store_training_record *rec = training_record_of(v->recs, v->nr, v->u.id, c->key);
		char dname[48], cname[48], days[24], cert[11] = "", req_days[24];
		snprintf(dname, sizeof dname, "days-%s", c->key);
		snprintf(cname, sizeof cname, "certified-%s", c->key);
		snprintf(days, sizeof days, "%d", rec ? rec->days_attended : 0);
		snprintf(req_days, sizeof req_days, "%d", c->required_days);
		if (rec)
			date_format(rec->certified_on, cert);
		html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-heading\" data-size=\"xs\">");
		buf_reset(&b);
		buf_addf(&b, "%s (", course_name(r, c));
		fill(&b, T(r, "{} days"), req_days, NULL);
		buf_adds(&b, ")");
		html_text(&w, b.data);
		html_raw(&w, "</legend>\n");
		buf_reset(&b);
		course_text(r, c, rec, &b);
		para(&w, b.data);
#define KV(name, stored) (posted && form_get(r, name) ? form_get(r, name) : (stored))
		buf_reset(&b);
		fill(&b, T(r, "A whole number from 0 to {}"), req_days, NULL);
		form_input(&w, r, fe,
			   &(struct input){ .name = dname, .label = T(r, "Days attended"), .type = "text",
					    .value = KV(dname, days), .description = b.data });
		form_input(&w, r, fe,
			   &(struct input){ .name = cname, .label = T(r, "Certification date"), .type = "date",
					    .value = KV(cname, cert),
					    .description = T(r, "YYYY-MM-DD; only when every day is attended") });
#undef KV
		if (rec && rec->updated_at) {
			char d[11];
			date_format(date_from_unix_cet(rec->updated_at), d);
			struct user by;
			buf_reset(&b);
			if (rec->updated_by && !store_user_get(r->site->ac->store, rec->updated_by, &by))
				buf_adds(&b, by.name[0] ? by.name : by.email);
			else
				buf_adds(&b, "–");
			html_raw(&w, "<p class=\"ds-paragraph\" data-size=\"sm\">");
			html_fmt(&w, T(r, "Recorded by {} on {}"), b.data, d);
			html_raw(&w, "</p>\n");
		}
		html_raw(&w, "</fieldset>\n");
	}
	form_button(&w, "primary", T(r, "Save the training record"));
	form_end(&w);
	html_raw(&w, "<p class=\"ds-paragraph\"><a class=\"ds-link\" href=\"/training\">");
	html_text(&w, T(r, "Back to staff training"));
	html_raw(&w, "</a></p>\n");
	buf_release(&b);
	page_end(r, &w, status);
}

void training_user_get(struct req *r)
{
	struct member_view v;
	int rc = load_member(r, r->id, &v);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	audit_read(r, r->id);
	member_page(r, 200, &v, NULL);
	view_release(&v);
}

void training_user_post(struct req *r)
{
	struct member_view v;
	int rc = load_member(r, r->id, &v);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct training_in in[STORE_TRAINING_COURSES_MAX];
	size_t n = 0;
	for (size_t k = 0; k < v.nc && n < STORE_TRAINING_COURSES_MAX; k++) {
		char dname[48], cname[48];
		snprintf(dname, sizeof dname, "days-%s", v.courses[k].key);
		snprintf(cname, sizeof cname, "certified-%s", v.courses[k].key);
		in[n].course = v.courses[k].key;
		if (!form_str_or_400(r, dname, 20, &in[n].days_attended) ||
		    !form_str_or_400(r, cname, 20, &in[n].certified_on)) {
			view_release(&v);
			return;
		}
		n++;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	size_t bad = 0;
	rc = training_set(r->site->ac, &a, r->org_id, r->id, in, n, &bad, &fer);
	if (!rc) {
		char loc[80];
		snprintf(loc, sizeof loc, "/training/users/%" PRId64 "?saved=1", r->id);
		resp_redirect(r, loc);
	} else if (rc == ACC_INVALID) {
		char name[48] = "";
		if (bad < n && !strcmp(fer.field, "days_attended"))
			snprintf(name, sizeof name, "days-%s", in[bad].course);
		else if (bad < n && !strcmp(fer.field, "certified_on"))
			snprintf(name, sizeof name, "certified-%s", in[bad].course);
		else
			snprintf(name, sizeof name, "days-%s", bad < n ? in[bad].course : "");
		struct form_errors fe = { 0 };
		form_error(&fe, name, fer.message);
		member_page(r, 422, &v, &fe);
	} else {
		resp_store_error(r, rc);
	}
	view_release(&v);
}
