/* persons.c: the pages of person records (staff): the searchable list, registering a
 * person (duplicates caught first; optionally linking a referral), the person page with
 * referrals, enrolments and one timeline, and editing. Every person shown is audited. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/enrolments.h"
#include "domain/notes.h"
#include "domain/relapses.h" /* issue 6: the timeline's relapse lines */
#include "domain/persons.h"
#include "domain/steps.h"
#include "domain/stepwording.h"
#include "html/form.h"
#include "html/layout.h"

#define PAGE_SIZE 50

static void person_href(struct buf *b, int64_t id, const char *suffix)
{
	buf_addf(b, "/persons/%" PRId64 "%s", id, suffix ? suffix : "");
}

void person_name_text(struct req *r, struct html *w, const char *given, const char *family)
{
	if (!*given && !*family) {
		html_text(w, T(r, "(no name)"));
		return;
	}
	html_text(w, family);
	if (*given && *family)
		html_raw(w, ", ");
	html_text(w, given);
}

static void link_button(struct html *w, const char *href, const char *label, bool primary)
{
	if (primary)
		html_raw(w, "<a class=\"ds-button\" data-variant=\"primary\"");
	else
		html_raw(w, "<a class=\"ds-button\" data-variant=\"secondary\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a>\n");
}

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

/* ---- the list ---- */

static void pager_link(struct html *w, const char *q, const char *sort, int64_t page, const char *label)
{
	html_raw(w, "<li><a class=\"ds-link\" href=\"/persons?page=");
	html_int(w, page);
	if (q && *q) {
		html_raw(w, "&amp;q=");
		html_url_param(w, q);
	}
	html_raw(w, "&amp;sort=");
	html_url_param(w, sort);
	html_raw(w, "\">");
	html_text(w, label);
	html_raw(w, "</a></li>");
}

void persons_list_get(struct req *r)
{
	int64_t page;
	if (!query_int_or_400(r, "page", 1, 1000000, 1, &page))
		return;
	const char *q = query_get(r, "q"), *sort = query_get(r, "sort");
	if (!q)
		q = "";
	if (!sort || (strcmp(sort, "name") && strcmp(sort, "created")))
		sort = "name";
	struct person_query pq = { .sort = strcmp(sort, "created") ? STORE_PERSON_BY_NAME : STORE_PERSON_BY_CREATED,
				   .limit = PAGE_SIZE, .offset = (int)((page - 1) * PAGE_SIZE) };
	struct form_errors errs = { 0 };
	if (!copy_str(pq.search, sizeof pq.search, q)) {
		form_error(&errs, "q", N_("The search text is too long."));
		pq.search[0] = '\0';
	}
	struct person *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = errs.n ? STORE_OK : store_person_list(r->site->ac->store, r->org_id, &pq, &rows, &n, &total);
	if (rc != STORE_OK) {
		free(rows);
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "People"));
	form_error_summary(&w, r, &errs);
	html_raw(&w, "<p>");
	link_button(&w, "/persons/new", T(r, "Register a person"), true);
	html_raw(&w, "</p>\n<form method=\"get\" action=\"/persons\" class=\"tolv-filter\" role=\"search\">\n");
	form_input(&w, r, &errs,
		   &(struct input){ .name = "q", .label = T(r, "Search by name"), .type = "search", .value = q,
				    .autocomplete = "off" });
	struct option sorts[] = { { "name", T(r, "Name") }, { "created", T(r, "Newest first") } };
	form_select(&w, r, NULL, "sort", T(r, "Sort by"), sorts, 2, sort);
	html_raw(&w, "<div class=\"ds-field\">");
	form_button(&w, "secondary", T(r, "Search"));
	html_raw(&w, "</div>\n</form>\n");
	if (n == 0) {
		para(&w, q[0] ? T(r, "Nobody matches the search.") : T(r, "No people on this page."));
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "People registered in the organisation"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Date of birth"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Registered"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		int64_t *ids = xcalloc(n, sizeof *ids);
		for (size_t i = 0; i < n; i++) {
			const struct person *p = &rows[i];
			ids[i] = p->id;
			struct buf href = BUF_INIT;
			person_href(&href, p->id, NULL);
			char bd[11], created[11];
			date_format(p->birth_date, bd);
			date_format(date_from_unix_cet(p->created_at), created);
			html_raw(&w, "<tr><td><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			person_name_text(r, &w, p->given_name, p->family_name);
			html_raw(&w, "</a></td><td>");
			html_text(&w, bd[0] ? bd : "–");
			html_raw(&w, "</td><td>");
			html_text(&w, created);
			html_raw(&w, "</td></tr>\n");
			buf_release(&href);
		}
		html_raw(&w, "</tbody>\n</table>\n");
		struct actor a;
		req_actor(r, &a);
		persons_audit_listed(r->site->ac, &a, r->org_id, ids, n, "list");
		free(ids);
	}
	int64_t pages = total > 0 ? (total + PAGE_SIZE - 1) / PAGE_SIZE : 1;
	if (pages > 1) {
		char cur[24], all[24];
		snprintf(cur, sizeof cur, "%" PRId64, page);
		snprintf(all, sizeof all, "%" PRId64, pages);
		html_raw(&w, "<nav class=\"tolv-pager\"");
		html_attr(&w, "aria-label", T(r, "Pages"));
		html_raw(&w, "><p>");
		html_fmt(&w, T(r, "Page {} of {}"), cur, all);
		html_raw(&w, "</p><ul>");
		if (page > 1)
			pager_link(&w, q, sort, page - 1, T(r, "Previous page"));
		if (page < pages)
			pager_link(&w, q, sort, page + 1, T(r, "Next page"));
		html_raw(&w, "</ul></nav>\n");
	}
	free(rows);
	page_end(r, &w, errs.n ? 400 : 200);
}

/* ---- the form (register and edit) ---- */

/* The form's values as typed (kept when it comes back with errors). */
struct person_form {
	const char *given_name, *family_name, *birth_date, *national_id, *phone, *email, *address;
	const char *kin_name, *kin_relation, *kin_phone, *notes;
	unsigned substances;
	bool dual_diagnosis;
	int64_t referral_id;
	bool confirm;
};

static void form_of_person(const struct person *p, struct person_form *f, char bd[11], char nid[24])
{
	memset(f, 0, sizeof *f);
	date_format(p->birth_date, bd);
	person_nid_display(p, nid, 24);
	f->given_name = p->given_name;
	f->family_name = p->family_name;
	f->birth_date = bd;
	f->national_id = nid;
	f->phone = p->phone;
	f->email = p->email;
	f->address = p->address;
	f->kin_name = p->kin_name;
	f->kin_relation = p->kin_relation;
	f->kin_phone = p->kin_phone;
	f->notes = p->notes;
	f->substances = p->substances;
	f->dual_diagnosis = p->dual_diagnosis;
}

/* Reads the posted form; answers 400 itself for an over-long value or a bad referral. */
static bool read_form(struct req *r, struct person_form *f)
{
	memset(f, 0, sizeof *f);
	if (!form_str_or_400(r, "given_name", 4000, &f->given_name) ||
	    !form_str_or_400(r, "family_name", 4000, &f->family_name) ||
	    !form_str_or_400(r, "birth_date", 100, &f->birth_date) ||
	    !form_str_or_400(r, "national_id", 100, &f->national_id) || !form_str_or_400(r, "phone", 1000, &f->phone) ||
	    !form_str_or_400(r, "email", 1000, &f->email) || !form_str_or_400(r, "address", 4000, &f->address) ||
	    !form_str_or_400(r, "kin_name", 4000, &f->kin_name) ||
	    !form_str_or_400(r, "kin_relation", 4000, &f->kin_relation) ||
	    !form_str_or_400(r, "kin_phone", 1000, &f->kin_phone) || !form_str_or_400(r, "notes", 8000, &f->notes))
		return false;
	for (size_t i = 0; i < r->form.n; i++)
		if (!strcmp(r->form.v[i].name, "substance"))
			f->substances |= person_substance_parse(r->form.v[i].value);
	f->dual_diagnosis = form_get(r, "dual_diagnosis") != NULL;
	f->confirm = form_get(r, "confirm_duplicate") != NULL;
	const char *ref = form_get(r, "referral");
	if (ref && *ref && parse_int64(ref, 1, INT64_MAX, &f->referral_id) != 0) {
		resp_error(r, 400, "bad_request", N_("The referral is not valid."), "referral");
		return false;
	}
	return true;
}

static void input_of_form(const struct person_form *f, struct person_input *in)
{
	memset(in, 0, sizeof *in);
	in->given_name = f->given_name;
	in->family_name = f->family_name;
	in->birth_date = f->birth_date;
	in->national_id = f->national_id;
	in->phone = f->phone;
	in->email = f->email;
	in->address = f->address;
	in->kin_name = f->kin_name;
	in->kin_relation = f->kin_relation;
	in->kin_phone = f->kin_phone;
	in->notes = f->notes;
	in->has_substances = true;
	in->substances = f->substances;
	in->has_dual_diagnosis = true;
	in->dual_diagnosis = f->dual_diagnosis;
}

static void textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *desc, const char *value, int rows)
{
	form_textarea(w, r, fe,
		      &(struct textarea){ .name = name, .label = label, .description = desc, .value = value, .rows = rows });
}

/* One checkbox with its label; id is f-<name> or f-<name>-<value>. */
static void checkbox(struct html *w, const char *name, const char *value, const char *label, bool checked)
{
	struct buf id = BUF_INIT;
	buf_addf(&id, "f-%s", name);
	if (value && strcmp(value, "1")) {
		buf_addch(&id, '-');
		buf_adds(&id, value);
	}
	html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\"");
	html_attr(w, "id", id.data);
	html_attr(w, "name", name);
	html_attr(w, "value", value ? value : "1");
	if (checked)
		html_raw(w, " checked");
	html_raw(w, "><label class=\"ds-label\"");
	html_attr(w, "for", id.data);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</label></div>\n");
	buf_release(&id);
}

static void dup_list(struct html *w, struct req *r, const struct person *dups, size_t n)
{
	html_raw(w, "<ul class=\"ds-list\">\n");
	for (size_t i = 0; i < n; i++) {
		struct buf href = BUF_INIT;
		person_href(&href, dups[i].id, NULL);
		char bd[11];
		date_format(dups[i].birth_date, bd);
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		person_name_text(r, w, dups[i].given_name, dups[i].family_name);
		html_raw(w, "</a>");
		if (bd[0]) {
			html_raw(w, " (");
			html_text(w, bd);
			html_raw(w, ")");
		}
		html_raw(w, "</li>\n");
		buf_release(&href);
	}
	html_raw(w, "</ul>\n");
}

/* The register / edit page. person_id 0: register. dup_rc PERSONS_DUP_ID/NAME lists dups. */
static void person_form_page(struct req *r, int status, int64_t person_id, const struct person_form *f,
			     const struct form_errors *fe, int dup_rc, const struct person *dups, size_t ndups,
			     const struct referral *ref)
{
	struct html w;
	page_begin(r, &w, person_id ? T(r, "Edit person") : T(r, "Register a person"));
	form_error_summary(&w, r, fe);
	if (dup_rc == PERSONS_DUP_ID && ndups) {
		html_raw(&w, "<div class=\"ds-alert\" data-color=\"danger\"><p>");
		html_text(&w, T(r, "A person with this identity number is already registered:"));
		html_raw(&w, "</p>\n");
		dup_list(&w, r, dups, ndups);
		html_raw(&w, "</div>\n");
	} else if (dup_rc == PERSONS_DUP_NAME && ndups) {
		html_raw(&w, "<div class=\"ds-alert\" data-color=\"warning\"><p>");
		html_text(&w, T(r, "People with the same name and date of birth are already registered. Check that "
				   "the person is not one of them:"));
		html_raw(&w, "</p>\n");
		dup_list(&w, r, dups, ndups);
		html_raw(&w, "<p>");
		html_text(&w, T(r, "If it is another person, tick \"Register anyway\" below and save again."));
		html_raw(&w, "</p></div>\n");
	}
	if (ref) {
		char d[11];
		date_format(ref->received_on, d);
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_fmt(&w, T(r, "After saving, the person is linked to the referral received {}."), d);
		html_raw(&w, "</p>\n");
	}
	struct buf action = BUF_INIT;
	if (person_id)
		person_href(&action, person_id, "/edit");
	else
		buf_adds(&action, "/persons");
	form_begin(&w, r, action.data);
	buf_release(&action);
	if (f->referral_id) {
		html_raw(&w, "<input type=\"hidden\" name=\"referral\"");
		html_attr_int(&w, "value", f->referral_id);
		html_raw(&w, ">\n");
	}
	html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-heading\" data-size=\"xs\">");
	html_text(&w, T(r, "Person"));
	html_raw(&w, "</legend>\n");
	form_input(&w, r, fe,
		   &(struct input){ .name = "given_name", .label = T(r, "Given name(s)"), .value = f->given_name,
				    .autocomplete = "off" });
	form_input(&w, r, fe,
		   &(struct input){ .name = "family_name", .label = T(r, "Family name"), .value = f->family_name,
				    .autocomplete = "off" });
	form_input(&w, r, fe,
		   &(struct input){ .name = "birth_date", .label = T(r, "Date of birth"), .type = "date",
				    .value = f->birth_date, .description = T(r, "YYYY-MM-DD") });
	form_input(&w, r, fe,
		   &(struct input){ .name = "national_id", .label = T(r, "National identity number (optional)"),
				    .value = f->national_id, .autocomplete = "off",
				    .description = T(r, "Norwegian fødselsnummer or D-number (11 digits), or Swedish "
							"personnummer or samordningsnummer (10 or 12 digits).") });
	html_raw(&w, "</fieldset>\n<fieldset class=\"ds-fieldset\"><legend class=\"ds-heading\" data-size=\"xs\">");
	html_text(&w, T(r, "Contact details"));
	html_raw(&w, "</legend>\n");
	form_input(&w, r, fe,
		   &(struct input){ .name = "phone", .label = T(r, "Phone"), .type = "tel", .value = f->phone,
				    .autocomplete = "off" });
	form_input(&w, r, fe,
		   &(struct input){ .name = "email", .label = T(r, "E-mail"), .type = "email", .value = f->email,
				    .autocomplete = "off" });
	textarea(&w, r, fe, "address", T(r, "Address"), NULL, f->address, 3);
	html_raw(&w, "</fieldset>\n<fieldset class=\"ds-fieldset\"><legend class=\"ds-heading\" data-size=\"xs\">");
	html_text(&w, T(r, "Next of kin"));
	html_raw(&w, "</legend>\n");
	form_input(&w, r, fe,
		   &(struct input){ .name = "kin_name", .label = T(r, "Name of next of kin"), .value = f->kin_name,
				    .autocomplete = "off" });
	form_input(&w, r, fe,
		   &(struct input){ .name = "kin_relation", .label = T(r, "Relation"), .value = f->kin_relation,
				    .autocomplete = "off" });
	form_input(&w, r, fe,
		   &(struct input){ .name = "kin_phone", .label = T(r, "Phone of next of kin"), .type = "tel",
				    .value = f->kin_phone, .autocomplete = "off" });
	html_raw(&w, "</fieldset>\n<fieldset class=\"ds-fieldset\" id=\"f-substances\"><legend class=\"ds-heading\" "
		     "data-size=\"xs\">");
	html_text(&w, T(r, "Substances and addictions"));
	html_raw(&w, "</legend>\n");
	for (size_t i = 0; i < person_substances_count; i++)
		checkbox(&w, "substance", person_substances[i].key, T(r, person_substances[i].label),
			 (f->substances & person_substances[i].bit) != 0);
	html_raw(&w, "</fieldset>\n");
	checkbox(&w, "dual_diagnosis", "1", T(r, "Dual diagnosis (substance use and a severe mental illness, ROP)"),
		 f->dual_diagnosis);
	textarea(&w, r, fe, "notes", T(r, "Clinical note"),
		 T(r, "Only what a clinician needs; at most 2000 characters."), f->notes, 4);
	if (dup_rc == PERSONS_DUP_NAME) {
		html_raw(&w, "<div id=\"f-confirm_duplicate\">");
		checkbox(&w, "confirm_duplicate", "1", T(r, "Register anyway: this is another person"), false);
		html_raw(&w, "</div>\n");
	}
	form_button(&w, "primary", person_id ? T(r, "Save changes") : T(r, "Register the person"));
	form_end(&w);
	html_raw(&w, "<p><a class=\"ds-link\"");
	if (person_id) {
		struct buf back = BUF_INIT;
		person_href(&back, person_id, NULL);
		html_attr(&w, "href", back.data);
		buf_release(&back);
		html_raw(&w, ">");
		html_text(&w, T(r, "Back to the person"));
	} else {
		html_raw(&w, " href=\"/persons\">");
		html_text(&w, T(r, "Back to people"));
	}
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, status);
}

/* The referral of ?referral= / the form, when valid; answers 404 itself if it is not the
 * organisation's. *have is false when none was asked for. */
static bool load_referral(struct req *r, int64_t id, struct referral *ref, bool *have)
{
	*have = false;
	if (!id)
		return true;
	int rc = store_referral_get(r->site->ac->store, r->org_id, id, ref);
	if (rc) {
		if (rc == STORE_NOTFOUND)
			resp_error(r, 404, "not_found", N_("No such referral in this organisation."), NULL);
		else
			resp_store_error(r, rc);
		return false;
	}
	*have = true;
	return true;
}

void persons_new_get(struct req *r)
{
	int64_t ref_id;
	if (!query_int_or_400(r, "referral", 0, INT64_MAX, 0, &ref_id))
		return;
	struct referral ref;
	bool have;
	if (!load_referral(r, ref_id, &ref, &have))
		return;
	struct person_form f = { .given_name = "" };
	f.referral_id = ref_id;
	/* A self-referral taken in carries the person's own name as the referrer and how to
	 * reach them as "phone · e-mail" (intake_self_referral_take): start the form with
	 * what the person sent, for the coordinator to check and complete. */
	char given[STORE_NAME_MAX], family[STORE_NAME_MAX], phone[STORE_NAME_MAX], email[STORE_NAME_MAX];
	given[0] = family[0] = phone[0] = email[0] = '\0';
	if (have && ref.person_id == 0 && !strcmp(ref.source_key, "self_referral")) {
		copy_str(given, sizeof given, ref.referrer_name);
		char *sp = strrchr(given, ' ');
		if (sp) {
			copy_str(family, sizeof family, sp + 1);
			*sp = '\0';
		}
		char contact[STORE_NAME_MAX];
		copy_str(contact, sizeof contact, ref.referrer_org);
		for (char *part = contact; part && *part;) {
			char *sep = strstr(part, " · ");
			if (sep)
				*sep = '\0';
			copy_str(strchr(part, '@') ? email : phone, sizeof phone, part);
			part = sep ? sep + strlen(" · ") : NULL;
		}
		f.given_name = given;
		f.family_name = family;
		f.phone = phone;
		f.email = email;
	}
	person_form_page(r, 200, 0, &f, NULL, 0, NULL, 0, have ? &ref : NULL);
}

static void errors_of(const struct person_errors *pe, struct form_errors *fe)
{
	for (size_t i = 0; i < pe->n; i++)
		form_error(fe, pe->e[i].field, pe->e[i].message);
}

void persons_create_post(struct req *r)
{
	struct person_form f;
	if (!read_form(r, &f))
		return;
	struct referral ref;
	bool have_ref;
	if (!load_referral(r, f.referral_id, &ref, &have_ref))
		return;
	struct person_input in;
	input_of_form(&f, &in);
	struct actor a;
	req_actor(r, &a);
	struct person_errors pe = { 0 };
	struct person p, *dups = NULL;
	size_t ndups = 0;
	int rc = persons_create(r->site->ac, &a, r->org_id, &in, f.confirm, date_today_cet(), &p, &pe, &dups, &ndups);
	if (rc == ACC_INVALID || rc == PERSONS_DUP_ID || rc == PERSONS_DUP_NAME) {
		struct form_errors fe = { 0 };
		errors_of(&pe, &fe);
		if (rc == PERSONS_DUP_ID)
			form_error(&fe, "national_id", N_("A person with this identity number is already registered."));
		else if (rc == PERSONS_DUP_NAME)
			form_error(&fe, "confirm_duplicate",
				   N_("A person with the same name and date of birth is already registered. Confirm "
				      "that this is another person."));
		person_form_page(r, rc == ACC_INVALID ? 422 : 409, 0, &f, &fe, rc, dups, ndups, have_ref ? &ref : NULL);
		free(dups);
		return;
	}
	free(dups);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	person_href(&loc, p.id, "?created=1");
	if (have_ref) {
		rc = store_referral_link_person(r->site->ac->store, r->org_id, ref.id, p.id);
		if (rc == STORE_OK) {
			char oid[24], detail[48];
			snprintf(oid, sizeof oid, "%" PRId64, ref.id);
			snprintf(detail, sizeof detail, "person=%" PRId64, p.id);
			audit_event(r->site->ac->audit, a.user_id, a.email, r->org_id, a.addr, "referral.link_person",
				    "referral", oid, detail);
			buf_adds(&loc, "&linked=1");
		} else {
			buf_adds(&loc, "&linked=0");
		}
	}
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

/* ---- the person page ---- */

static void fact(struct html *w, const char *label, const char *value)
{
	html_raw(w, "<dt>");
	html_text(w, label);
	html_raw(w, "</dt><dd>");
	html_text(w, value && *value ? value : "–");
	html_raw(w, "</dd>");
}

static void multiline(struct html *w, const char *s)
{
	const char *line = s;
	for (const char *p = s;; p++) {
		if (*p == '\n' || *p == '\0') {
			html_textn(w, line, (size_t)(p - line));
			if (!*p)
				break;
			html_raw(w, "<br>");
			line = p + 1;
		}
	}
}

static void person_details(struct req *r, struct html *w, const struct person *p)
{
	char bd[11], nid[24];
	date_format(p->birth_date, bd);
	person_nid_display(p, nid, sizeof nid);
	html_raw(w, "<dl class=\"tolv-facts\">");
	fact(w, T(r, "Given name(s)"), p->given_name);
	fact(w, T(r, "Family name"), p->family_name);
	fact(w, T(r, "Date of birth"), bd);
	html_raw(w, "<dt>");
	html_text(w, T(r, "National identity number"));
	html_raw(w, "</dt><dd>");
	if (nid[0]) {
		html_text(w, nid);
		html_raw(w, " (");
		html_text(w, T(r, person_nid_kind_label(p->national_id_kind)));
		html_raw(w, ")");
	} else {
		html_text(w, "–");
	}
	html_raw(w, "</dd>");
	fact(w, T(r, "Phone"), p->phone);
	fact(w, T(r, "E-mail"), p->email);
	html_raw(w, "<dt>");
	html_text(w, T(r, "Address"));
	html_raw(w, "</dt><dd>");
	if (p->address[0])
		multiline(w, p->address);
	else
		html_text(w, "–");
	html_raw(w, "</dd><dt>");
	html_text(w, T(r, "Next of kin"));
	html_raw(w, "</dt><dd>");
	if (p->kin_name[0] || p->kin_relation[0] || p->kin_phone[0]) {
		html_text(w, p->kin_name);
		if (p->kin_relation[0]) {
			html_raw(w, " (");
			html_text(w, p->kin_relation);
			html_raw(w, ")");
		}
		if (p->kin_phone[0]) {
			html_raw(w, ", ");
			html_text(w, p->kin_phone);
		}
	} else {
		html_text(w, "–");
	}
	html_raw(w, "</dd><dt>");
	html_text(w, T(r, "Substances and addictions"));
	html_raw(w, "</dt><dd>");
	bool any = false;
	for (size_t i = 0; i < person_substances_count; i++) {
		if (!(p->substances & person_substances[i].bit))
			continue;
		if (any)
			html_raw(w, "; ");
		html_text(w, T(r, person_substances[i].label));
		any = true;
	}
	if (!any)
		html_text(w, "–");
	html_raw(w, "</dd>");
	fact(w, T(r, "Dual diagnosis (ROP)"), p->dual_diagnosis ? T(r, "Yes") : T(r, "No"));
	html_raw(w, "<dt>");
	html_text(w, T(r, "Clinical note"));
	html_raw(w, "</dt><dd>");
	if (p->notes[0])
		multiline(w, p->notes);
	else
		html_text(w, "–");
	html_raw(w, "</dd></dl>\n");
}

static const struct programme *find_prog(const struct programme *ps, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i].id == id)
			return &ps[i];
	return NULL;
}

static void h2(struct html *w, const char *text)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, text);
	html_raw(w, "</h2>\n");
}

static void referrals_section(struct req *r, struct html *w, int64_t person_id)
{
	h2(w, T(r, "Referrals"));
	struct referral_query q = { .person_id = person_id, .limit = 100 };
	struct referral *refs = NULL;
	size_t n = 0;
	if (store_referral_list(r->site->ac->store, r->org_id, &q, &refs, &n, NULL) != STORE_OK || n == 0) {
		para(w, T(r, "No referrals are linked to this person."));
		free(refs);
		return;
	}
	html_raw(w, "<table class=\"ds-table\" data-border=\"true\">\n<thead><tr><th scope=\"col\">");
	html_text(w, T(r, "Received"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Source"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Referrer"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Status"));
	html_raw(w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		char d[11];
		date_format(refs[i].received_on, d);
		html_raw(w, "<tr><td>");
		html_text(w, d);
		html_raw(w, "</td><td>");
		html_text(w, T(r, refs[i].source_label[0] ? refs[i].source_label : refs[i].source_key));
		html_raw(w, "</td><td>");
		html_text(w, refs[i].referrer_name);
		if (refs[i].referrer_org[0]) {
			html_raw(w, ", ");
			html_text(w, refs[i].referrer_org);
		}
		html_raw(w, "</td><td>");
		html_text(w, T(r, referral_status_label(refs[i].status)));
		html_raw(w, "</td></tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n");
	free(refs);
}

static void enrolments_section(struct req *r, struct html *w, int64_t person_id, const struct programme *ps,
			       size_t nps)
{
	h2(w, T(r, "Enrolments"));
	struct enrolment_query q = { .person_id = person_id, .phase = -1, .recent_from = DATE_NONE,
				     .sort = STORE_ENROL_BY_STARTED, .limit = 100 };
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	if (store_enrolment_list(r->site->ac->store, r->org_id, &q, &rows, &n, NULL) != STORE_OK || n == 0) {
		para(w, T(r, "The person is not enrolled in any programme."));
		free(rows);
		return;
	}
	html_raw(w, "<table class=\"ds-table\" data-border=\"true\">\n<thead><tr><th scope=\"col\">");
	html_text(w, T(r, "Programme"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Phase"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Status"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Started"));
	html_raw(w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct enrolment *e = &rows[i].e;
		const struct programme *p = find_prog(ps, nps, e->programme_id);
		char d[11];
		date_format(e->started_on, d);
		struct buf href = BUF_INIT;
		buf_addf(&href, "/enrolments/%" PRId64, e->id);
		html_raw(w, "<tr><td><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		html_text(w, p ? p->name : "–");
		html_raw(w, "</a></td><td>");
		html_text(w, p && e->phase >= 0 && e->phase < p->nphases ? T(r, p->phases[e->phase].label) : "–");
		html_raw(w, "</td><td>");
		int st = enrolment_status_parse(e->status);
		html_text(w, st >= 0 ? T(r, enrolment_status_label((enum enrolment_status)st)) : e->status);
		html_raw(w, "</td><td>");
		html_text(w, d);
		html_raw(w, "</td></tr>\n");
		buf_release(&href);
	}
	html_raw(w, "</tbody>\n</table>\n");
	/* progress block: the attendance area writes each open enrolment's progress here
	 * (days attended toward the target, pace, projection) — e.g. a loop over rows with
	 * status active/paused calling progress_block(r, w, rows[i].e.id). */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].e.status, "active") || !strcmp(rows[i].e.status, "paused"))
			progress_block(r, w, rows[i].e.id);
	free(rows);
}

/* The names of the users a timeline shows, looked up once each. */
struct tl_users {
	struct {
		int64_t id;
		char name[STORE_NAME_MAX];
	} v[32];
	size_t n;
	bool steps_loaded;          /* the organisation's step wording, loaded at the first step line */
	struct step_wording steps;
};

static const char *tl_user(struct req *r, struct tl_users *c, int64_t id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].id == id)
			return c->v[i].name;
	struct user u;
	const char *name = "–";
	if (id && store_user_get(r->site->ac->store, id, &u) == STORE_OK)
		name = u.name[0] ? u.name : u.email;
	size_t k = c->n < sizeof c->v / sizeof c->v[0] ? c->n++ : (size_t)(id % (int64_t)c->n);
	c->v[k].id = id;
	copy_str(c->v[k].name, sizeof c->v[k].name, name);
	return c->v[k].name;
}

static const char *step_status_text(struct req *r, const char *key)
{
	int k = step_status_parse(key);
	return k < 0 ? key : T(r, step_status_label((enum step_status)k));
}

/* The lines of the new kinds: step changes, plan versions, notes (no text: a link). */
static void timeline_line_work(struct req *r, struct html *w, const struct timeline_item *it,
			       struct tl_users *users)
{
	char num[16];
	snprintf(num, sizeof num, "%d", it->number);
	if (!strcmp(it->type, "step")) {
		if (!users->steps_loaded) {
			step_wording_load(r->site->ac->store, r->org_id, &users->steps);
			users->steps_loaded = true;
		}
		html_fmt(w, T(r, "Step {}: {}"), num, step_name(&users->steps.names, it->number, r->lang));
		html_raw(w, ": ");
		html_text(w, step_status_text(r, it->from_status));
		html_raw(w, " → ");
		html_text(w, step_status_text(r, it->kind));
	} else if (!strcmp(it->type, "plan")) {
		html_fmt(w, T(r, "Plan version {}"), num);
	} else {
		char href[48];
		snprintf(href, sizeof href, "/notes/%" PRId64, it->ref_id);
		int t = note_type_parse(it->kind);
		html_raw(w, "<a class=\"ds-link\"");
		html_attr(w, "href", href);
		html_raw(w, ">");
		html_text(w, T(r, "Note"));
		html_raw(w, ": ");
		html_text(w, t < 0 ? it->kind : T(r, note_type_label((enum note_type)t)));
		html_raw(w, "</a> (");
		html_text(w, it->is_signed ? T(r, "signed") : T(r, "draft"));
		html_raw(w, ")");
	}
	if (it->programme[0]) {
		html_raw(w, " — ");
		html_text(w, it->programme);
	}
	html_raw(w, " · ");
	html_fmt(w, T(r, "by {}"), tl_user(r, users, it->by_user));
	if (it->text[0] && strcmp(it->type, "note")) {
		html_raw(w, "<br><span class=\"tolv-timeline-note\">");
		html_text(w, it->text);
		html_raw(w, "</span>");
	}
}

/* The translated sentence of one timeline line. */
static void timeline_line(struct req *r, struct html *w, const struct timeline_item *it, struct tl_users *users)
{
	if (!strcmp(it->type, "step") || !strcmp(it->type, "plan") || !strcmp(it->type, "note")) {
		timeline_line_work(r, w, it, users);
		return;
	}
	if (!strcmp(it->type, "relapse")) { /* issue 6: day and status, a link, never free text */
		char href[48];
		snprintf(href, sizeof href, "/relapses/%" PRId64, it->ref_id);
		html_raw(w, "<a class=\"ds-link\"");
		html_attr(w, "href", href);
		html_raw(w, ">");
		html_text(w, T(r, "Relapse"));
		html_raw(w, "</a>: ");
		html_text(w, T(r, relapse_status_label(it->kind)));
		html_raw(w, " · ");
		html_fmt(w, T(r, "by {}"), tl_user(r, users, it->by_user));
		return;
	}
	if (!strcmp(it->type, "referral")) {
		html_text(w, T(r, "Referral"));
		html_raw(w, ": ");
		html_text(w, T(r, referral_status_label(it->kind)));
	} else if (!strcmp(it->type, "attendance")) {
		html_text(w, T(r, "Attended"));
		if (it->minutes > 0) {
			char h[32];
			snprintf(h, sizeof h, "%d:%02d", it->minutes / 60, it->minutes % 60);
			html_raw(w, " (");
			html_fmt(w, T(r, "{} hours"), h);
			html_raw(w, ")");
		}
	} else {
		html_text(w, T(r, enrolment_event_label(it->kind)));
		if (!strcmp(it->kind, "phase") || !strcmp(it->kind, "start")) {
			if (it->to_phase[0]) {
				html_raw(w, ": ");
				html_text(w, T(r, it->to_phase));
			}
		} else if (it->to_phase[0] && strcmp(it->kind, "discontinue")) {
			html_raw(w, " (");
			html_text(w, T(r, it->to_phase));
			html_raw(w, ")");
		}
	}
	if (it->programme[0]) {
		html_raw(w, " — ");
		html_text(w, it->programme);
	}
	if (it->text[0]) {
		html_raw(w, "<br><span class=\"tolv-timeline-note\">");
		html_text(w, it->text);
		html_raw(w, "</span>");
	}
}

/* The filter of the timeline: a plain GET form (?show=), no JavaScript. */
static void timeline_filter_form(struct req *r, struct html *w, int64_t person_id, const char *show)
{
	char action[48];
	snprintf(action, sizeof action, "/persons/%" PRId64 "#timeline", person_id);
	html_raw(w, "<form class=\"tolv-filter\" method=\"get\"");
	html_attr(w, "action", action);
	html_raw(w, ">\n");
	const struct option opts[] = { { "all", T(r, "Everything") },    { "referrals", T(r, "Referrals") },
				       { "phases", T(r, "Phases") },      { "attendance", T(r, "Attendance") },
				       { "steps", T(r, "Steps") },        { "plan", T(r, "Plan") },
				       { "notes", T(r, "Clinical notes") },
				       { "relapses", T(r, "Relapses") } /* issue 6 */ };
	form_select(w, r, NULL, "show", T(r, "Show"), opts, sizeof opts / sizeof opts[0],
		    show && show[0] ? show : "all");
	form_button(w, "secondary", T(r, "Filter"));
	html_raw(w, "</form>\n");
}

static void timeline_section(struct req *r, struct html *w, int64_t person_id, const char *show, const char *type)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\" id=\"timeline\">");
	html_text(w, T(r, "Timeline"));
	html_raw(w, "</h2>\n");
	timeline_filter_form(r, w, person_id, show);
	struct timeline_item *items = NULL;
	size_t n = 0;
	if (enrolments_timeline(r->site->ac, r->org_id, person_id, &items, &n) == STORE_OK)
		timeline_filter(items, &n, type);
	else
		n = 0;
	if (n == 0) {
		para(w, T(r, "Nothing has happened yet."));
		free(items);
		return;
	}
	struct tl_users *users = xcalloc(1, sizeof *users);
	html_raw(w, "<ol class=\"ds-list tolv-timeline\">\n");
	for (size_t i = 0; i < n; i++) {
		char d[11];
		date_format(items[i].day, d);
		html_raw(w, "<li><time");
		html_attr(w, "datetime", d);
		html_raw(w, ">");
		html_text(w, d);
		html_raw(w, "</time> ");
		timeline_line(r, w, &items[i], users);
		html_raw(w, "</li>\n");
	}
	html_raw(w, "</ol>\n");
	free(users);
	free(items);
}

void person_title(const struct person *p, struct buf *out)
{
	buf_adds(out, p->given_name);
	if (p->given_name[0] && p->family_name[0])
		buf_addch(out, ' ');
	buf_adds(out, p->family_name);
}

void person_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, NULL, &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	const char *show = query_get(r, "show"), *show_type = NULL;
	if (timeline_show_parse(show, &show_type) != 0) {
		resp_error(r, 400, "bad_request",
			   N_("Choose what the timeline shows: all, referrals, phases, attendance, steps, plan or notes."),
			   "show");
		return;
	}
	struct programme *ps = NULL;
	size_t nps = 0;
	if (store_programme_list(r->site->ac->store, r->org_id, true, &ps, &nps) != STORE_OK)
		nps = 0;
	struct buf title = BUF_INIT;
	person_title(&p, &title);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	if (query_get(r, "created"))
		page_alert(&w, "success", T(r, "The person was registered."));
	const char *linked = query_get(r, "linked");
	if (linked && !strcmp(linked, "1"))
		page_alert(&w, "success", T(r, "The referral was linked to the person."));
	else if (linked)
		page_alert(&w, "warning", T(r, "The referral could not be linked to the person."));
	if (query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	struct buf href = BUF_INIT;
	html_raw(&w, "<p class=\"tolv-actions\">");
	person_href(&href, p.id, "/edit");
	link_button(&w, href.data, T(r, "Edit"), false);
	buf_reset(&href);
	person_href(&href, p.id, "/enrol");
	link_button(&w, href.data, T(r, "Enrol in a programme"), true);
	html_raw(&w, "</p>\n");
	buf_release(&href);
	h2(&w, T(r, "Details"));
	person_details(r, &w, &p);
	referrals_section(r, &w, p.id);
	enrolments_section(r, &w, p.id, ps, nps);
	fac_summary_block(r, &w, p.id); /* mutual-help groups (web/facilitation.c) */
	notes_person_block(r, &w, p.id); /* clinical notes and unsigned drafts (web/notes.c) */
	sobriety_person_block(r, &w, p.id); /* tests, medication, the zero-tolerance flag (web/sobriety.c) */
	relapses_person_block(r, &w, p.id); /* relapses, drafts to decide, sober-since (web/relapses.c) */
	outcomes_person_block(r, &w, p.id); /* AUDIT, DUDIT, days abstinent over time (web/outcomes.c) */
	recordcopy_person_links(r, &w, p.id); /* the copy and the access log (web/recordcopy.c) */
	timeline_section(r, &w, p.id, show, show_type);
	html_raw(&w, "<p><a class=\"ds-link\" href=\"/persons\">");
	html_text(&w, T(r, "Back to people"));
	html_raw(&w, "</a></p>\n");
	free(ps);
	page_end(r, &w, 200);
}

/* ---- editing ---- */

void person_edit_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "edit", &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct person_form f;
	char bd[11], nid[24];
	form_of_person(&p, &f, bd, nid);
	person_form_page(r, 200, p.id, &f, NULL, 0, NULL, 0, NULL);
}

void person_edit_post(struct req *r)
{
	struct person existing;
	int rc = store_person_get(r->site->ac->store, r->org_id, r->id, &existing);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct person_form f;
	if (!read_form(r, &f))
		return;
	f.referral_id = 0;
	struct person_input in;
	input_of_form(&f, &in);
	struct actor a;
	req_actor(r, &a);
	struct person_errors pe = { 0 };
	struct person p, *dups = NULL;
	size_t ndups = 0;
	rc = persons_update(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &p, &pe, &dups, &ndups);
	if (rc == ACC_INVALID || rc == PERSONS_DUP_ID) {
		struct form_errors fe = { 0 };
		errors_of(&pe, &fe);
		if (rc == PERSONS_DUP_ID)
			form_error(&fe, "national_id", N_("A person with this identity number is already registered."));
		person_form_page(r, rc == ACC_INVALID ? 422 : 409, r->id, &f, &fe, rc, dups, ndups, NULL);
		free(dups);
		return;
	}
	free(dups);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	person_href(&loc, p.id, "?saved=1");
	resp_redirect(r, loc.data);
	buf_release(&loc);
}
