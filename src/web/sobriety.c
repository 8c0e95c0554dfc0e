/* sobriety.c: the pages of sobriety tests (issue 6, "Tests") — a person's tests and
 * prescribed medication (/persons/{id}/tests), the forms to record a breath or a drug
 * test (/persons/{id}/tests/new?kind=breath|drug), one test with the laboratory's
 * confirmation (/tests/{id}), a programme's random-selection rule and zero tolerance
 * (/programmes/{id}/tests), the organisation's substance classes (/substances), and the
 * draws with their fairness report (/test-draws). The rules are domain/sobriety.c's and
 * domain/testdraw.c's. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/persons.h"
#include "domain/sobriety.h"
#include "domain/testdraw.h"
#include "html/form.h"
#include "html/layout.h"

enum { STAFF_MAX = 200, ENROLMENTS_MAX = 50 };

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

static void link_p(struct html *w, const char *href, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, text);
	html_raw(w, "</a></p>\n");
}

static void fact(struct html *w, const char *label, const char *value)
{
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd>");
	html_text(w, value);
	html_raw(w, "</dd>\n");
}

static void th(struct html *w, const char *text)
{
	html_raw(w, "<th scope=\"col\">");
	html_text(w, text);
	html_raw(w, "</th>");
}

static void td(struct html *w, const char *text)
{
	html_raw(w, "<td>");
	html_text(w, text);
	html_raw(w, "</td>");
}

static void checkbox(struct html *w, const char *name, const char *label, bool on)
{
	char id[48];
	snprintf(id, sizeof id, "f-%s", name);
	html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" value=\"yes\"");
	html_attr(w, "id", id);
	html_attr(w, "name", name);
	if (on)
		html_raw(w, " checked");
	html_raw(w, "><label class=\"ds-label\"");
	html_attr(w, "for", id);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</label></div>\n");
}

static void user_name(struct req *r, int64_t id, struct buf *out)
{
	struct user u;
	if (id && store_user_get(r->site->ac->store, id, &u) == STORE_OK)
		buf_adds(out, u.name[0] ? u.name : u.email);
	else
		buf_adds(out, "–");
}

static void person_name(const struct person *p, struct buf *out)
{
	buf_adds(out, p->given_name);
	if (p->given_name[0] && p->family_name[0])
		buf_addch(out, ' ');
	buf_adds(out, p->family_name);
}

static void class_label(struct req *r, const struct substance_class *cs, size_t nc, const char *key, struct buf *out)
{
	for (size_t i = 0; i < nc; i++)
		if (!strcmp(cs[i].key, key)) {
			buf_adds(out, T(r, cs[i].label));
			return;
		}
	buf_adds(out, key);
}

static void time_text(int64_t t, char out[32])
{
	int32_t day;
	int m;
	sobriety_local_parts(t, &day, &m);
	char d[11];
	date_format(day, d);
	snprintf(out, 32, "%s %02u:%02u", d, (unsigned)m / 60 % 24, (unsigned)m % 60);
}

static void result_text(struct req *r, const struct sob_result *res, struct buf *out)
{
	if (!strcmp(res->result, "positive") && res->prescribed)
		buf_adds(out, T(r, "Expected (prescribed)"));
	else
		buf_adds(out, T(r, sobriety_result_label(res->result)));
}

/* "Refused", "0.42 ‰", or the positive classes / "Negative". */
static void summary_text(struct req *r, const struct sob_test *t, const struct substance_class *cs, size_t nc,
			 struct buf *out)
{
	if (!strcmp(t->outcome, "refused")) {
		buf_adds(out, T(r, "Refused"));
		return;
	}
	if (!strcmp(t->kind, "breath")) {
		char pm[16];
		sobriety_format_permille(t->permille, pm, sizeof pm);
		buf_addf(out, "%s ‰", pm);
		return;
	}
	bool any = false;
	for (int i = 0; i < t->nresults; i++) {
		const struct sob_result *res = &t->results[i];
		if (!strcmp(res->result, "negative"))
			continue;
		if (any)
			buf_adds(out, "; ");
		class_label(r, cs, nc, res->class_key, out);
		buf_adds(out, ": ");
		result_text(r, res, out);
		any = true;
	}
	if (!any)
		buf_adds(out, T(r, "Negative"));
}

static void flag_tag(struct req *r, struct html *w, const struct sob_test *t)
{
	if (t->flag == 1) {
		html_raw(w, " <span class=\"ds-tag tolv-flag\" data-color=\"danger\">");
		html_text(w, T(r, "Flagged: zero tolerance"));
		html_raw(w, "</span>");
	} else if (t->flag == 2) {
		html_raw(w, " <span class=\"ds-tag\" data-color=\"neutral\">");
		html_text(w, T(r, "Flag overturned by the lab"));
		html_raw(w, "</span>");
	}
}

/* ---- /persons/{id}/tests ---- */

static bool load_person(struct req *r, struct person *p)
{
	int rc = store_person_get(r->site->ac->store, r->org_id, r->id, p);
	if (rc) {
		resp_store_error(r, rc);
		return false;
	}
	return true;
}

static void med_form(struct req *r, struct html *w, const struct form_errors *fe, const struct substance_class *cs,
		     size_t nc)
{
	char action[64];
	snprintf(action, sizeof action, "/persons/%" PRId64 "/medications", r->id);
	bool posted = fe != NULL;
#define KV(name, def) (posted && form_get(r, name) ? form_get(r, name) : (def))
	form_begin(w, r, action);
	struct option *opts = xcalloc(nc + 1, sizeof *opts);
	for (size_t i = 0; i < nc; i++) {
		opts[i].value = cs[i].key;
		opts[i].label = T(r, cs[i].label);
	}
	form_select(w, r, fe, "class", T(r, "Substance class"), opts, nc, KV("class", ""));
	free(opts);
	form_input(w, r, fe, &(struct input){ .name = "name", .label = T(r, "Medication"), .type = "text",
					     .value = KV("name", ""), .required = true });
	char today[11];
	date_format(date_today_cet(), today);
	form_input(w, r, fe, &(struct input){ .name = "from", .label = T(r, "From"), .type = "date",
					     .value = KV("from", today), .required = true });
	form_input(w, r, fe, &(struct input){ .name = "to", .label = T(r, "To (optional)"), .type = "date",
					     .value = KV("to", "") });
#undef KV
	form_button(w, "secondary", T(r, "Add the prescription"));
	form_end(w);
}

static void tests_page(struct req *r, int status, const struct person *p, const struct form_errors *fe,
		       const char *alert)
{
	struct accounts *ac = r->site->ac;
	struct actor a;
	req_actor(r, &a);
	struct sob_test *tests = NULL;
	struct sob_medication *meds = NULL;
	struct substance_class *cs = NULL;
	size_t nt = 0, nm = 0, nc = 0;
	int rc = sobriety_list(ac, &a, r->org_id, p->id, &tests, &nt);
	if (!rc)
		rc = store_sob_med_list(ac->store, r->org_id, p->id, &meds, &nm);
	if (!rc)
		rc = sobriety_classes(ac, r->org_id, true, &cs, &nc);
	if (rc) {
		free(tests);
		free(meds);
		free(cs);
		resp_store_error(r, rc);
		return;
	}
	struct buf b = BUF_INIT, title = BUF_INIT;
	person_name(p, &b);
	buf_addf(&title, "%s: %s", T(r, "Tests"), b.data);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "danger", T(r, alert));
	else if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "Saved."));
	char href[96];
	snprintf(href, sizeof href, "/persons/%" PRId64, p->id);
	link_p(&w, href, T(r, "Back to the person"));

	int flagged = 0;
	for (size_t i = 0; i < nt; i++)
		flagged += tests[i].flag == 1;
	if (flagged)
		page_alert(&w, "warning", T(r, "Flagged: a test under zero tolerance was positive or refused. A draft "
					       "relapse is open for the therapist to confirm or reject."));

	html_raw(&w, "<ul class=\"ds-list tolv-actions\">");
	snprintf(href, sizeof href, "/persons/%" PRId64 "/tests/new?kind=breath", p->id);
	html_raw(&w, "<li><a class=\"ds-link\"");
	html_attr(&w, "href", href);
	html_raw(&w, ">");
	html_text(&w, T(r, "Record a breath test"));
	html_raw(&w, "</a></li><li><a class=\"ds-link\"");
	snprintf(href, sizeof href, "/persons/%" PRId64 "/tests/new?kind=drug", p->id);
	html_attr(&w, "href", href);
	html_raw(&w, ">");
	html_text(&w, T(r, "Record a drug test"));
	html_raw(&w, "</a></li></ul>\n");

	h2(&w, T(r, "Tests taken"));
	if (!nt) {
		para(&w, T(r, "No tests yet."));
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Tests, newest first"));
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, T(r, "Time"));
		th(&w, T(r, "Kind"));
		th(&w, T(r, "Result"));
		th(&w, T(r, "Lab"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < nt; i++) {
			const struct sob_test *t = &tests[i];
			char when[32];
			time_text(t->taken_at, when);
			snprintf(href, sizeof href, "/tests/%" PRId64, t->id);
			html_raw(&w, "<tr><th scope=\"row\"><a class=\"ds-link\"");
			html_attr(&w, "href", href);
			html_raw(&w, ">");
			html_text(&w, when);
			html_raw(&w, "</a></th>");
			buf_reset(&b);
			buf_adds(&b, T(r, sobriety_kind_label(t->kind)));
			if (t->sample[0])
				buf_addf(&b, " (%s)", T(r, sobriety_sample_label(t->sample)));
			td(&w, b.data);
			buf_reset(&b);
			summary_text(r, t, cs, nc, &b);
			html_raw(&w, "<td>");
			html_text(&w, b.data);
			flag_tag(r, &w, t);
			html_raw(&w, "</td>");
			td(&w, !strcmp(t->kind, "drug") && !strcmp(t->outcome, "done")
				       ? (t->lab_result[0] ? T(r, sobriety_lab_label(t->lab_result))
							   : t->lab_sent_on != DATE_NONE ? T(r, "Sent to the lab") : "–")
				       : "–");
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}

	h2(&w, T(r, "Prescribed medication"));
	para(&w, T(r, "A positive result for a class the person has a current prescription of is shown as expected "
		       "(prescribed) and does not count for zero tolerance."));
	if (nm) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Prescriptions"));
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, T(r, "Medication"));
		th(&w, T(r, "Substance class"));
		th(&w, T(r, "From"));
		th(&w, T(r, "To"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < nm; i++) {
			char from[11], to[11];
			date_format(meds[i].from_day, from);
			date_format(meds[i].to_day, to);
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, meds[i].name);
			html_raw(&w, "</th>");
			buf_reset(&b);
			class_label(r, cs, nc, meds[i].class_key, &b);
			td(&w, b.data);
			td(&w, from);
			html_raw(&w, "<td>");
			if (meds[i].to_day != DATE_NONE) {
				html_text(&w, to);
			} else {
				char action[80], id[40], today[11];
				snprintf(action, sizeof action, "/persons/%" PRId64 "/medications/end", p->id);
				snprintf(id, sizeof id, "f-end-%" PRId64, meds[i].id);
				date_format(date_today_cet(), today);
				form_begin(&w, r, action);
				html_raw(&w, "<input type=\"hidden\" name=\"medication\"");
				html_attr_int(&w, "value", meds[i].id);
				html_raw(&w, "><label class=\"ds-label\"");
				html_attr(&w, "for", id);
				html_raw(&w, ">");
				html_fmt(&w, T(r, "End {} on"), meds[i].name);
				html_raw(&w, "</label> <input class=\"ds-input\" type=\"date\" name=\"to\"");
				html_attr(&w, "id", id);
				html_attr(&w, "value", today);
				html_raw(&w, "> ");
				form_button(&w, "tertiary", T(r, "End the prescription"));
				form_end(&w);
			}
			html_raw(&w, "</td></tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	} else {
		para(&w, T(r, "No prescriptions recorded."));
	}
	h2(&w, T(r, "Add a prescription"));
	size_t na = 0;
	for (size_t i = 0; i < nc; i++)
		if (cs[i].active)
			cs[na++] = cs[i];
	med_form(r, &w, fe, cs, na);
	buf_release(&b);
	free(tests);
	free(meds);
	free(cs);
	page_end(r, &w, status);
}

void sobriety_tests_get(struct req *r)
{
	struct person p;
	if (load_person(r, &p))
		tests_page(r, 200, &p, NULL, NULL);
}

/* ---- the forms to record a test ---- */

static void test_form(struct req *r, int status, const struct person *p, const char *kind,
		      const struct form_errors *fe)
{
	struct accounts *ac = r->site->ac;
	bool drug = !strcmp(kind, "drug");
	struct buf b = BUF_INIT, title = BUF_INIT;
	person_name(p, &b);
	buf_addf(&title, "%s: %s", drug ? T(r, "Record a drug test") : T(r, "Record a breath test"), b.data);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	struct actor a;
	req_actor(r, &a);
	bool posted = fe != NULL;
#define KV(name, def) (posted && form_get(r, name) ? form_get(r, name) : (def))
	char action[64], today[11], self[24];
	snprintf(action, sizeof action, "/persons/%" PRId64 "/tests", p->id);
	date_format(date_today_cet(), today);
	snprintf(self, sizeof self, "%" PRId64, a.user_id);
	form_begin(&w, r, action);
	html_raw(&w, "<input type=\"hidden\" name=\"kind\"");
	html_attr(&w, "value", kind);
	html_raw(&w, ">\n");
	form_input(&w, r, fe, &(struct input){ .name = "date", .label = T(r, "Date"), .type = "date",
					      .value = KV("date", today), .required = true });
	form_input(&w, r, fe, &(struct input){ .name = "time", .label = T(r, "Time (optional)"), .type = "time",
					      .value = KV("time", ""),
					      .description = T(r, "Empty: now, or midday for an earlier day.") });
	/* Taken by: the organisation's staff. */
	struct user_row *rows = NULL;
	size_t n = 0, no = 0;
	if (store_user_list(ac->store, r->org_id, STAFF_MAX, 0, &rows, &n, NULL) == STORE_OK) {
		struct option *opts = xcalloc(n + 1, sizeof *opts);
		char (*ids)[24] = xcalloc(n + 1, sizeof *ids);
		for (size_t i = 0; i < n; i++) {
			if (rows[i].m.disabled || !strcmp(rows[i].m.role, "auditor"))
				continue;
			snprintf(ids[no], sizeof ids[0], "%" PRId64, rows[i].user.id);
			opts[no].value = ids[no];
			opts[no].label = rows[i].user.name[0] ? rows[i].user.name : rows[i].user.email;
			no++;
		}
		form_select(&w, r, fe, "taken_by", T(r, "Taken by"), opts, no, KV("taken_by", self));
		free(ids);
		free(opts);
	}
	free(rows);
	/* The enrolment: one of the person's. */
	struct enrolment_query q = { .person_id = p->id, .phase = -1, .limit = ENROLMENTS_MAX };
	struct enrolment_row *er = NULL;
	int64_t total = 0;
	if (store_enrolment_list(ac->store, r->org_id, &q, &er, &n, &total) == STORE_OK) {
		struct option *opts = xcalloc(n + 1, sizeof *opts);
		char (*ids)[24] = xcalloc(n + 1, sizeof *ids);
		struct programme *progs = xcalloc(n + 1, sizeof *progs);
		opts[0].value = "";
		opts[0].label = T(r, "None");
		for (size_t i = 0; i < n; i++) {
			snprintf(ids[i], sizeof ids[0], "%" PRId64, er[i].e.id);
			opts[i + 1].value = ids[i];
			opts[i + 1].label = store_programme_get(ac->store, r->org_id, er[i].e.programme_id, &progs[i])
						    ? ids[i]
						    : progs[i].name;
		}
		const char *qe = query_get(r, "enrolment");
		form_select(&w, r, fe, "enrolment", T(r, "Enrolment"), opts, n + 1,
			    KV("enrolment", qe ? qe : (n == 1 ? ids[0] : "")));
		free(progs);
		free(ids);
		free(opts);
	}
	free(er);
	checkbox(&w, "refused", T(r, "The person refused the test"), posted && form_get(r, "refused"));
	if (!drug) {
		form_input(&w, r, fe, &(struct input){ .name = "permille", .label = T(r, "Per mille"), .type = "text",
						      .value = KV("permille", ""),
						      .description = T(r, "From 0.00 to 5.00; empty when refused.") });
		form_input(&w, r, fe, &(struct input){ .name = "device", .label = T(r, "Device"), .type = "text",
						      .value = KV("device", "") });
	} else {
		struct option samples[3];
		for (int i = 0; i < 3; i++) {
			samples[i].value = sobriety_samples[i];
			samples[i].label = T(r, sobriety_sample_label(sobriety_samples[i]));
		}
		form_select(&w, r, fe, "sample", T(r, "Sample"), samples, 3, KV("sample", "urine"));
		checkbox(&w, "observed", T(r, "The sample was observed"), posted ? form_get(r, "observed") != NULL : true);
		form_input(&w, r, fe, &(struct input){ .name = "device", .label = T(r, "Test kit (optional)"), .type = "text",
						      .value = KV("device", "") });
		struct substance_class *cs = NULL;
		size_t nc = 0;
		const char *err = form_error_get(fe, "results");
		html_raw(&w, "<fieldset class=\"ds-fieldset\" id=\"f-results\"");
		if (err)
			html_raw(&w, " aria-describedby=\"f-results-error\"");
		html_raw(&w, "><legend class=\"ds-label\">");
		html_text(&w, T(r, "Result per substance class"));
		html_raw(&w, "</legend>\n");
		if (err) {
			html_raw(&w, "<p class=\"ds-validation-message\" data-field=\"validation\" id=\"f-results-error\">");
			html_text(&w, T(r, err));
			html_raw(&w, "</p>\n");
		}
		if (sobriety_classes(ac, r->org_id, false, &cs, &nc) == STORE_OK) {
			struct option res[4] = { { "", T(r, "Not tested") },
						 { "negative", T(r, "Negative") },
						 { "positive", T(r, "Positive") },
						 { "inconclusive", T(r, "Inconclusive") } };
			for (size_t i = 0; i < nc; i++) {
				struct buf nm = BUF_INIT;
				buf_addf(&nm, "r_%s", cs[i].key);
				const char *name = pool_strdup(&r->pool, nm.data);
				buf_release(&nm);
				form_select(&w, r, NULL, name, T(r, cs[i].label), res, 4, KV(name, "negative"));
			}
		}
		free(cs);
		html_raw(&w, "</fieldset>\n");
	}
	form_input(&w, r, fe, &(struct input){ .name = "note", .label = T(r, "Note (optional)"), .type = "text",
					      .value = KV("note", "") });
#undef KV
	form_button(&w, "primary", T(r, "Save the test"));
	form_end(&w);
	snprintf(action, sizeof action, "/persons/%" PRId64 "/tests", p->id);
	link_p(&w, action, T(r, "Back to the tests"));
	buf_release(&b);
	page_end(r, &w, status);
}

void sobriety_test_new_get(struct req *r)
{
	struct person p;
	if (!load_person(r, &p))
		return;
	const char *kind = query_get(r, "kind");
	struct actor a;
	req_actor(r, &a);
	rosters_audit(r->site->ac, &a, r->org_id, "person.read", "person", p.id, "test form");
	test_form(r, 200, &p, kind && !strcmp(kind, "breath") ? "breath" : "drug", NULL);
}

void sobriety_test_create_post(struct req *r)
{
	struct person p;
	if (!load_person(r, &p))
		return;
	struct sob_test_in in = { 0 };
	const char *refused = NULL, *observed = NULL;
	if (!form_str_or_400(r, "kind", 20, &in.kind) || !form_str_or_400(r, "date", 20, &in.date) ||
	    !form_str_or_400(r, "time", 20, &in.time) || !form_str_or_400(r, "taken_by", 24, &in.taken_by) ||
	    !form_str_or_400(r, "permille", 20, &in.permille) ||
	    !form_str_or_400(r, "device", STORE_SOB_DEVICE_MAX + 8, &in.device) ||
	    !form_str_or_400(r, "sample", 20, &in.sample) ||
	    !form_str_or_400(r, "note", STORE_SOB_NOTE_MAX + 8, &in.note) ||
	    !form_str_or_400(r, "enrolment", 24, &in.enrolment) || !form_str_or_400(r, "refused", 8, &refused) ||
	    !form_str_or_400(r, "observed", 8, &observed))
		return;
	in.refused = refused && refused[0];
	in.observed = observed && observed[0];
	struct sob_result_in *res = xcalloc(r->form.n + 1, sizeof *res);
	for (size_t i = 0; i < r->form.n; i++) {
		const char *nm = r->form.v[i].name;
		if (nm[0] == 'r' && nm[1] == '_' && nm[2]) {
			res[in.nresults].class_key = nm + 2;
			res[in.nresults].result = r->form.v[i].value;
			in.nresults++;
		}
	}
	/* A refused drug test: the per-class selects are ignored. */
	if (in.refused)
		in.nresults = 0;
	in.results = res;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	struct sob_test *t = xcalloc(1, sizeof *t);
	int rc = sobriety_record(r->site->ac, &a, r->org_id, p.id, &in, now_seconds(), t, &fer);
	if (!rc) {
		char loc[64];
		snprintf(loc, sizeof loc, "/tests/%" PRId64 "?saved=1", t->id);
		resp_redirect(r, loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		test_form(r, 422, &p, in.kind && !strcmp(in.kind, "breath") ? "breath" : "drug", &fe);
	} else {
		resp_store_error(r, rc);
	}
	free(t);
	free(res);
}

void sobriety_med_post(struct req *r)
{
	struct person p;
	if (!load_person(r, &p))
		return;
	struct sob_med_in in = { 0 };
	if (!form_str_or_400(r, "class", 40, &in.class_key) || !form_str_or_400(r, "name", STORE_NAME_MAX + 8, &in.name) ||
	    !form_str_or_400(r, "from", 20, &in.from) || !form_str_or_400(r, "to", 20, &in.to))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = sobriety_med_add(r->site->ac, &a, r->org_id, p.id, &in, NULL, &fer);
	if (!rc) {
		char loc[64];
		snprintf(loc, sizeof loc, "/persons/%" PRId64 "/tests?saved=1", p.id);
		resp_redirect(r, loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		tests_page(r, 422, &p, &fe, NULL);
	} else {
		resp_store_error(r, rc);
	}
}

void sobriety_med_end_post(struct req *r)
{
	struct person p;
	if (!load_person(r, &p))
		return;
	const char *med, *to;
	if (!form_str_or_400(r, "medication", 24, &med) || !form_str_or_400(r, "to", 20, &to))
		return;
	int64_t id = 0;
	if (parse_int64(med, 1, INT64_MAX, &id)) {
		resp_error(r, 400, "bad_request", N_("Some of the values are not valid."), "medication");
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = sobriety_med_end(r->site->ac, &a, r->org_id, p.id, id, to, &fer);
	if (!rc) {
		char loc[64];
		snprintf(loc, sizeof loc, "/persons/%" PRId64 "/tests?saved=1", p.id);
		resp_redirect(r, loc);
	} else if (rc == ACC_INVALID) {
		tests_page(r, 422, &p, NULL, fer.message);
	} else {
		resp_store_error(r, rc);
	}
}

/* ---- /tests/{id} ---- */

static void test_page(struct req *r, int status, const struct sob_test *t, const struct form_errors *fe)
{
	struct accounts *ac = r->site->ac;
	struct person p;
	struct substance_class *cs = NULL;
	size_t nc = 0;
	int rc = store_person_get(ac->store, r->org_id, t->person_id, &p);
	if (!rc)
		rc = sobriety_classes(ac, r->org_id, true, &cs, &nc);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf b = BUF_INIT, title = BUF_INIT;
	person_name(&p, &b);
	buf_addf(&title, "%s: %s", T(r, sobriety_kind_label(t->kind)), b.data);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The test was saved."));
	if (t->flag == 1)
		page_alert(&w, "warning", T(r, "Flagged: zero tolerance applies and this test was positive or refused. "
					       "A draft relapse is open for the therapist to confirm or reject."));
	else if (t->flag == 2)
		page_alert(&w, "info", T(r, "The laboratory did not confirm the positive result: the flag is overturned."));
	char when[32], num[32], href[80];
	time_text(t->taken_at, when);
	html_raw(&w, "<dl class=\"tolv-facts\">\n");
	fact(&w, T(r, "Time"), when);
	buf_reset(&b);
	user_name(r, t->taken_by, &b);
	fact(&w, T(r, "Taken by"), b.data);
	fact(&w, T(r, "Outcome"), !strcmp(t->outcome, "refused") ? T(r, "Refused") : T(r, "Taken"));
	if (!strcmp(t->kind, "breath")) {
		if (t->permille >= 0) {
			sobriety_format_permille(t->permille, num, sizeof num);
			buf_reset(&b);
			buf_addf(&b, "%s ‰", num);
			fact(&w, T(r, "Per mille"), b.data);
		}
		fact(&w, T(r, "Device"), t->device[0] ? t->device : "–");
	} else {
		fact(&w, T(r, "Sample"), t->sample[0] ? T(r, sobriety_sample_label(t->sample)) : "–");
		if (!strcmp(t->outcome, "done"))
			fact(&w, T(r, "Observed"), t->observed ? T(r, "Yes") : T(r, "No"));
		fact(&w, T(r, "Test kit"), t->device[0] ? t->device : "–");
	}
	if (t->note[0])
		fact(&w, T(r, "Note"), t->note);
	buf_reset(&b);
	user_name(r, t->recorded_by, &b);
	char rec[32];
	time_text(t->recorded_at, rec);
	buf_addf(&b, ", %s", rec);
	fact(&w, T(r, "Recorded by"), b.data);
	html_raw(&w, "</dl>\n");
	snprintf(href, sizeof href, "/persons/%" PRId64 "/tests", t->person_id);
	link_p(&w, href, T(r, "All tests of the person"));

	bool lab = !strcmp(t->kind, "drug") && !strcmp(t->outcome, "done");
	if (t->nresults) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Results per substance class"));
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, T(r, "Substance class"));
		th(&w, T(r, "Result"));
		th(&w, T(r, "Lab"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (int i = 0; i < t->nresults; i++) {
			const struct sob_result *res = &t->results[i];
			buf_reset(&b);
			class_label(r, cs, nc, res->class_key, &b);
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, b.data);
			html_raw(&w, "</th>");
			buf_reset(&b);
			result_text(r, res, &b);
			td(&w, b.data);
			td(&w, !strcmp(res->lab, "confirmed")	  ? T(r, "Confirmed")
			       : !strcmp(res->lab, "not_confirmed") ? T(r, "Not confirmed")
								    : "–");
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	if (lab) {
		h2(&w, T(r, "Laboratory confirmation"));
		char sent[11];
		date_format(t->lab_sent_on, sent);
		para(&w, T(r, sobriety_lab_label(t->lab_result)));
		bool posted = fe != NULL;
#define KV(name, def) (posted && form_get(r, name) ? form_get(r, name) : (def))
		snprintf(href, sizeof href, "/tests/%" PRId64 "/lab", t->id);
		form_begin(&w, r, href);
		form_input(&w, r, fe, &(struct input){ .name = "lab_sent_on", .label = T(r, "Sent to the lab on"),
						      .type = "date", .value = KV("lab_sent_on", sent) });
		struct option overall[3] = { { "", T(r, "Per class below") },
					     { "confirmed", T(r, "Confirmed") },
					     { "not_confirmed", T(r, "Not confirmed") } };
		form_select(&w, r, fe, "lab_result", T(r, "Lab result for every positive or inconclusive class"), overall,
			    3, KV("lab_result", ""));
		struct option per[3] = { { "", T(r, "No answer yet") },
					 { "confirmed", T(r, "Confirmed") },
					 { "not_confirmed", T(r, "Not confirmed") } };
		bool any = false;
		for (int i = 0; i < t->nresults; i++) {
			const struct sob_result *res = &t->results[i];
			if (!strcmp(res->result, "negative"))
				continue;
			if (!any) {
				html_raw(&w, "<fieldset class=\"ds-fieldset\" id=\"f-results\"><legend class=\"ds-label\">");
				html_text(&w, T(r, "Lab result per class"));
				html_raw(&w, "</legend>\n");
				any = true;
			}
			struct buf nm = BUF_INIT;
			buf_addf(&nm, "l_%s", res->class_key);
			const char *name = pool_strdup(&r->pool, nm.data);
			buf_release(&nm);
			buf_reset(&b);
			class_label(r, cs, nc, res->class_key, &b);
			form_select(&w, r, NULL, name, pool_strdup(&r->pool, b.data), per, 3, KV(name, res->lab));
		}
		if (any)
			html_raw(&w, "</fieldset>\n");
#undef KV
		form_button(&w, "primary", T(r, "Save the lab result"));
		form_end(&w);
	}
	buf_release(&b);
	free(cs);
	page_end(r, &w, status);
}

void sobriety_test_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct sob_test *t = xcalloc(1, sizeof *t);
	int rc = sobriety_get(r->site->ac, &a, r->org_id, r->id, t);
	if (rc)
		resp_store_error(r, rc);
	else
		test_page(r, 200, t, NULL);
	free(t);
}

void sobriety_lab_post(struct req *r)
{
	struct sob_test *t = xcalloc(1, sizeof *t);
	struct actor a;
	req_actor(r, &a);
	int rc = sobriety_get(r->site->ac, &a, r->org_id, r->id, t);
	struct sob_lab_in in = { 0 };
	if (rc) {
		resp_store_error(r, rc);
		free(t);
		return;
	}
	if (!form_str_or_400(r, "lab_sent_on", 20, &in.sent_on) || !form_str_or_400(r, "lab_result", 20, &in.overall)) {
		free(t);
		return;
	}
	struct sob_result_in *res = xcalloc(r->form.n + 1, sizeof *res);
	for (size_t i = 0; i < r->form.n; i++) {
		const char *nm = r->form.v[i].name;
		if (nm[0] == 'l' && nm[1] == '_' && nm[2]) {
			res[in.nresults].class_key = nm + 2;
			res[in.nresults].result = r->form.v[i].value;
			in.nresults++;
		}
	}
	in.results = res;
	struct field_error fer = { 0 };
	rc = sobriety_lab(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), NULL, &fer);
	if (!rc) {
		char loc[64];
		snprintf(loc, sizeof loc, "/tests/%" PRId64 "?saved=1", r->id);
		resp_redirect(r, loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		test_page(r, 422, t, &fe);
	} else {
		resp_store_error(r, rc);
	}
	free(res);
	free(t);
}

/* ---- /programmes/{id}/tests ---- */

static void rule_text(struct req *r, const struct sob_rule *ru, struct buf *out)
{
	if (!ru->active) {
		buf_adds(out, T(r, "Off"));
	} else if (!strcmp(ru->kind, "percent")) {
		char pct[24];
		snprintf(pct, sizeof pct, "%d.%02d", ru->percent / 100, ru->percent % 100);
		struct buf f = BUF_INIT;
		buf_adds(&f, T(r, "{} % chance per attendance day"));
		char *at = strstr(f.data, "{}");
		if (at) {
			buf_addf(out, "%.*s%s%s", (int)(at - f.data), f.data, pct, at + 2);
		}
		buf_release(&f);
	} else {
		char nb[8];
		snprintf(nb, sizeof nb, "%d", ru->per_month);
		const char *tmpl = T(r, "{} tests per person per month");
		const char *at = strstr(tmpl, "{}");
		if (at)
			buf_addf(out, "%.*s%s%s", (int)(at - tmpl), tmpl, nb, at + 2);
	}
}

static void programme_tests_page(struct req *r, int status, const struct programme *p, const struct form_errors *fe)
{
	struct accounts *ac = r->site->ac;
	struct sob_rule *rules = NULL;
	size_t nr = 0;
	bool zero = false;
	int rc = store_sob_rule_list(ac->store, r->org_id, p->id, &rules, &nr);
	if (!rc)
		rc = store_sob_zero_get(ac->store, r->org_id, p->id, &zero);
	if (rc) {
		free(rules);
		resp_store_error(r, rc);
		return;
	}
	struct buf title = BUF_INIT, b = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Tests and zero tolerance"), p->name);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "Saved."));
	char href[80];
	snprintf(href, sizeof href, "/programmes/%" PRId64, p->id);
	link_p(&w, href, T(r, "Back to the programme"));

	h2(&w, T(r, "Zero tolerance"));
	para(&w, T(r, "When it is on, a positive test (not prescribed) or a refused test flags the person and opens "
		       "a draft relapse for the therapist to confirm or reject."));
	snprintf(href, sizeof href, "/programmes/%" PRId64 "/zero-tolerance", p->id);
	form_begin(&w, r, href);
	checkbox(&w, "zero_tolerance", T(r, "Zero tolerance in this programme"), zero);
	form_button(&w, "secondary", T(r, "Save zero tolerance"));
	form_end(&w);

	h2(&w, T(r, "Random selection"));
	para(&w, T(r, "The draw is made when the day's roster is opened, for each person on it, and stored: it cannot "
		       "be repeated or chosen. A phase's rule takes the place of the whole programme's rule."));
	if (nr) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Rules"));
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, T(r, "Phase"));
		th(&w, T(r, "Rule"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < nr; i++) {
			const char *phase = T(r, "The whole programme");
			for (int k = 0; k < p->nphases && rules[i].phase_key[0]; k++)
				if (!strcmp(p->phases[k].key, rules[i].phase_key))
					phase = p->phases[k].label;
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, phase);
			html_raw(&w, "</th>");
			buf_reset(&b);
			rule_text(r, &rules[i], &b);
			td(&w, b.data);
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	} else {
		para(&w, T(r, "No rule: nobody is drawn."));
	}
	h2(&w, T(r, "Set a rule"));
	bool posted = fe != NULL;
#define KV(name, def) (posted && form_get(r, name) ? form_get(r, name) : (def))
	snprintf(href, sizeof href, "/programmes/%" PRId64 "/test-rules", p->id);
	form_begin(&w, r, href);
	struct option phases[STORE_PHASES_MAX + 1];
	phases[0].value = "";
	phases[0].label = T(r, "The whole programme");
	for (int k = 0; k < p->nphases; k++) {
		phases[k + 1].value = p->phases[k].key;
		phases[k + 1].label = p->phases[k].label;
	}
	form_select(&w, r, fe, "phase", T(r, "Phase"), phases, (size_t)p->nphases + 1, KV("phase", ""));
	struct option kinds[3] = { { "percent", T(r, "A chance per attendance day") },
				   { "monthly", T(r, "Tests per person per month") },
				   { "", T(r, "Off") } };
	form_select(&w, r, fe, "kind", T(r, "Kind of rule"), kinds, 3, KV("kind", "percent"));
	form_input(&w, r, fe, &(struct input){ .name = "percent", .label = T(r, "Chance per attendance day (%)"),
					      .type = "text", .value = KV("percent", ""),
					      .description = T(r, "For example 20 or 12.5") });
	form_input(&w, r, fe, &(struct input){ .name = "per_month", .label = T(r, "Tests per person per month"),
					      .type = "text", .value = KV("per_month", ""),
					      .description = T(r, "From 1 to 31") });
#undef KV
	form_button(&w, "primary", T(r, "Save the rule"));
	form_end(&w);
	buf_release(&b);
	free(rules);
	page_end(r, &w, status);
}

void sobriety_programme_get(struct req *r)
{
	struct programme p;
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc)
		resp_store_error(r, rc);
	else
		programme_tests_page(r, 200, &p, NULL);
}

void sobriety_rule_post(struct req *r)
{
	struct programme p;
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct sob_rule_in in = { 0 };
	if (!form_str_or_400(r, "phase", 40, &in.phase_key) || !form_str_or_400(r, "kind", 20, &in.kind) ||
	    !form_str_or_400(r, "percent", 20, &in.percent) || !form_str_or_400(r, "per_month", 20, &in.per_month))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	rc = sobriety_rule_set(r->site->ac, &a, r->org_id, p.id, &in, &fer);
	if (!rc) {
		char loc[64];
		snprintf(loc, sizeof loc, "/programmes/%" PRId64 "/tests?saved=1", p.id);
		resp_redirect(r, loc);
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		programme_tests_page(r, 422, &p, &fe);
	} else {
		resp_store_error(r, rc);
	}
}

void sobriety_zero_post(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int rc = sobriety_zero_set(r->site->ac, &a, r->org_id, r->id, form_get(r, "zero_tolerance") != NULL);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/programmes/%" PRId64 "/tests?saved=1", r->id);
	resp_redirect(r, loc);
}

/* ---- /substances ---- */

static void substances_page(struct req *r, int status, const struct form_errors *fe)
{
	struct substance_class *cs = NULL;
	size_t nc = 0;
	int rc = sobriety_classes(r->site->ac, r->org_id, true, &cs, &nc);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Substance classes"));
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "Saved."));
	para(&w, T(r, "The panel of a drug test. A class in use is deactivated rather than deleted; a result for an "
		       "inactive class is refused."));
	html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_text(&w, T(r, "Substance classes"));
	html_raw(&w, "</caption>\n<thead><tr>");
	th(&w, T(r, "Label"));
	th(&w, T(r, "Key"));
	th(&w, T(r, "Status"));
	html_raw(&w, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < nc; i++) {
		char href[48];
		snprintf(href, sizeof href, "/substances/%" PRId64, cs[i].id);
		html_raw(&w, "<tr><th scope=\"row\"><a class=\"ds-link\"");
		html_attr(&w, "href", href);
		html_raw(&w, ">");
		html_text(&w, T(r, cs[i].label));
		html_raw(&w, "</a></th>");
		td(&w, cs[i].key);
		td(&w, cs[i].active ? T(r, "Active") : T(r, "Inactive"));
		html_raw(&w, "</tr>\n");
	}
	html_raw(&w, "</tbody>\n</table>\n");
	h2(&w, T(r, "Add a substance class"));
	bool posted = fe != NULL;
#define KV(name, def) (posted && form_get(r, name) ? form_get(r, name) : (def))
	form_begin(&w, r, "/substances");
	form_input(&w, r, fe, &(struct input){ .name = "key", .label = T(r, "Key"), .type = "text",
					      .value = KV("key", ""), .required = true,
					      .description = T(r, "Small letters a–z, digits and _; fixed once made") });
	form_input(&w, r, fe, &(struct input){ .name = "label", .label = T(r, "Label"), .type = "text",
					      .value = KV("label", ""), .required = true });
	form_input(&w, r, fe, &(struct input){ .name = "sort_order", .label = T(r, "Order"), .type = "text",
					      .value = KV("sort_order", "100") });
#undef KV
	form_button(&w, "primary", T(r, "Add the class"));
	form_end(&w);
	free(cs);
	page_end(r, &w, status);
}

void substances_get(struct req *r)
{
	substances_page(r, 200, NULL);
}

void substances_post(struct req *r)
{
	const char *key, *label, *order;
	if (!form_str_or_400(r, "key", 40, &key) || !form_str_or_400(r, "label", 200, &label) ||
	    !form_str_or_400(r, "sort_order", 20, &order))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = sobriety_class_add(r->site->ac, &a, r->org_id, key, label, order, &fer);
	if (!rc) {
		resp_redirect(r, "/substances?saved=1");
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		substances_page(r, 422, &fe);
	} else {
		resp_store_error(r, rc);
	}
}

static bool find_class(struct req *r, struct substance_class *out)
{
	struct substance_class *cs = NULL;
	size_t nc = 0;
	int rc = sobriety_classes(r->site->ac, r->org_id, true, &cs, &nc);
	bool found = false;
	for (size_t i = 0; !rc && i < nc && !found; i++)
		if (cs[i].id == r->id) {
			*out = cs[i];
			found = true;
		}
	free(cs);
	if (!found)
		resp_store_error(r, rc ? rc : STORE_NOTFOUND);
	return found;
}

static void substance_page(struct req *r, int status, const struct substance_class *c, const struct form_errors *fe)
{
	struct buf title = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Substance class"), T(r, c->label));
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	html_raw(&w, "<dl class=\"tolv-facts\">\n");
	fact(&w, T(r, "Key"), c->key);
	fact(&w, T(r, "In use"), c->used ? T(r, "Yes") : T(r, "No"));
	html_raw(&w, "</dl>\n");
	bool posted = fe != NULL;
	char href[48], order[16];
	snprintf(href, sizeof href, "/substances/%" PRId64, c->id);
	snprintf(order, sizeof order, "%d", c->sort_order);
#define KV(name, def) (posted && form_get(r, name) ? form_get(r, name) : (def))
	form_begin(&w, r, href);
	form_input(&w, r, fe, &(struct input){ .name = "label", .label = T(r, "Label"), .type = "text",
					      .value = KV("label", c->label), .required = true });
	form_input(&w, r, fe, &(struct input){ .name = "sort_order", .label = T(r, "Order"), .type = "text",
					      .value = KV("sort_order", order) });
	checkbox(&w, "active", T(r, "Active: can be chosen in new tests"), posted ? form_get(r, "active") != NULL : c->active);
#undef KV
	form_button(&w, "primary", T(r, "Save the class"));
	form_end(&w);
	link_p(&w, "/substances", T(r, "All substance classes"));
	page_end(r, &w, status);
}

void substance_get(struct req *r)
{
	struct substance_class c;
	if (find_class(r, &c))
		substance_page(r, 200, &c, NULL);
}

void substance_post(struct req *r)
{
	struct substance_class c;
	if (!find_class(r, &c))
		return;
	const char *label, *order, *active;
	if (!form_str_or_400(r, "label", 200, &label) || !form_str_or_400(r, "sort_order", 20, &order) ||
	    !form_str_or_400(r, "active", 8, &active))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = sobriety_class_update(r->site->ac, &a, r->org_id, c.id, label, active[0] != '\0', order, &fer);
	if (!rc) {
		resp_redirect(r, "/substances?saved=1");
	} else if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		substance_page(r, 422, &c, &fe);
	} else {
		resp_store_error(r, rc);
	}
}

/* ---- /test-draws ---- */

void test_draws_get(struct req *r)
{
	int32_t today = date_today_cet(), from, to;
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	from = date_from_ymd(y, m, 1);
	to = today;
	const char *qf = query_get(r, "from"), *qt = query_get(r, "to");
	struct form_errors fe = { 0 };
	if (qf && qf[0] && date_parse(qf, &from))
		form_error(&fe, "from", N_("Enter the date as YYYY-MM-DD."));
	if (qt && qt[0] && date_parse(qt, &to))
		form_error(&fe, "to", N_("Enter the date as YYYY-MM-DD."));
	if (!fe.n && to < from)
		form_error(&fe, "to", N_("The end cannot be before the start."));
	if (!fe.n && to - from > 400)
		form_error(&fe, "to", N_("Choose at most 400 days."));
	struct sob_fairness *fr = NULL;
	struct sob_draw *dr = NULL;
	size_t nf = 0, nd = 0;
	int rc = 0;
	if (!fe.n) {
		rc = store_sob_fairness(r->site->ac->store, r->org_id, from, to, &fr, &nf);
		if (!rc)
			rc = store_sob_draw_list(r->site->ac->store, r->org_id, from, to, 0, 2000, &dr, &nd);
	}
	if (rc) {
		free(fr);
		free(dr);
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	if (nf) {
		int64_t *ids = xcalloc(nf, sizeof *ids);
		for (size_t i = 0; i < nf; i++)
			ids[i] = fr[i].person_id;
		persons_audit_listed(r->site->ac, &a, r->org_id, ids, nf, "test draws");
		free(ids);
	}
	char sf[11], st[11];
	date_format(from, sf);
	date_format(to, st);
	struct html w;
	page_begin(r, &w, T(r, "Random test draws"));
	form_error_summary(&w, r, fe.n ? &fe : NULL);
	para(&w, T(r, "Every draw made when a roster was opened, with its rule, probability and random value, and per "
		       "person the times selected against the expectation (the sum of the probabilities)."));
	html_raw(&w, "<form method=\"get\" class=\"tolv-filter\" action=\"/test-draws\" novalidate>\n");
	form_input(&w, r, fe.n ? &fe : NULL, &(struct input){ .name = "from", .label = T(r, "From"), .type = "date",
							     .value = qf && fe.n ? qf : sf });
	form_input(&w, r, fe.n ? &fe : NULL, &(struct input){ .name = "to", .label = T(r, "To"), .type = "date",
							     .value = qt && fe.n ? qt : st });
	form_button(&w, "secondary", T(r, "Show"));
	html_raw(&w, "</form>\n");
	struct buf b = BUF_INIT;
	h2(&w, T(r, "Fairness per person"));
	if (!nf) {
		para(&w, T(r, "No draws in the period."));
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_fmt(&w, T(r, "Draws from {} to {}"), sf, st);
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, T(r, "Name"));
		th(&w, T(r, "Draws"));
		th(&w, T(r, "Selected"));
		th(&w, T(r, "Expected"));
		th(&w, T(r, "Tests taken"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < nf; i++) {
			char num[32];
			buf_reset(&b);
			buf_adds(&b, fr[i].given_name);
			buf_addch(&b, ' ');
			buf_adds(&b, fr[i].family_name);
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, b.data);
			html_raw(&w, "</th>");
			snprintf(num, sizeof num, "%" PRId64, fr[i].draws);
			td(&w, num);
			snprintf(num, sizeof num, "%" PRId64, fr[i].selected);
			td(&w, num);
			snprintf(num, sizeof num, "%.2f", (double)fr[i].expected_ppm / STORE_SOB_PPM);
			td(&w, num);
			snprintf(num, sizeof num, "%" PRId64, fr[i].tests);
			td(&w, num);
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	h2(&w, T(r, "Draws"));
	if (nd) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Each draw"));
		html_raw(&w, "</caption>\n<thead><tr>");
		th(&w, T(r, "Date"));
		th(&w, T(r, "Name"));
		th(&w, T(r, "Rule"));
		th(&w, T(r, "Probability"));
		th(&w, T(r, "Random value"));
		th(&w, T(r, "Selected"));
		th(&w, T(r, "Drawn"));
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < nd; i++) {
			char day[11], num[32], when[32];
			date_format(dr[i].day, day);
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, day);
			html_raw(&w, "</th>");
			buf_reset(&b);
			buf_adds(&b, dr[i].given_name);
			buf_addch(&b, ' ');
			buf_adds(&b, dr[i].family_name);
			td(&w, b.data);
			td(&w, dr[i].rule_snapshot);
			snprintf(num, sizeof num, "%.4f", (double)dr[i].probability_ppm / STORE_SOB_PPM);
			td(&w, num);
			snprintf(num, sizeof num, "%06d", dr[i].random_value);
			td(&w, num);
			td(&w, dr[i].selected ? T(r, "Yes") : T(r, "No"));
			time_text(dr[i].drawn_at, when);
			buf_reset(&b);
			buf_addf(&b, "%s, ", when);
			user_name(r, dr[i].drawn_by, &b);
			td(&w, b.data);
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	buf_release(&b);
	free(fr);
	free(dr);
	page_end(r, &w, fe.n ? 422 : 200);
}

/* ---- the person page's block (called by web/persons.c) ---- */

void sobriety_person_block(struct req *r, struct html *w, int64_t person_id)
{
	struct sob_test *tests = NULL;
	size_t n = 0;
	/* The person page has audited the read of the person; the list is read for a count. */
	if (store_sob_test_list(r->site->ac->store, r->org_id, person_id, 500, &tests, &n) != STORE_OK) {
		free(tests);
		return;
	}
	int flagged = 0;
	for (size_t i = 0; i < n; i++)
		flagged += tests[i].flag == 1;
	free(tests);
	if (flagged) {
		html_raw(w, "<p class=\"ds-paragraph\"><span class=\"ds-tag tolv-flag\" data-color=\"danger\">");
		html_text(w, T(r, "Flagged: zero tolerance"));
		html_raw(w, "</span></p>\n");
	}
	char href[64];
	snprintf(href, sizeof href, "/persons/%" PRId64 "/tests", person_id);
	link_p(w, href, T(r, "Tests"));
}
