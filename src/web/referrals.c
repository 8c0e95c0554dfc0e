/* referrals.c: the referral pages — the intake queue (filter by status, paged), a new
 * referral, one referral with its status history and status change, linking a person —
 * and the organisation's referral sources. Rows that show a person are audited. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/intake.h"
#include "html/form.h"
#include "html/layout.h"

#define PAGE_SIZE 50

static bool can_edit(const struct req *r)
{
	return (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
}

static void web_actor(struct req *r, struct actor *a)
{
	req_actor(r, a);
	a->org_id = r->org_id;
}

static void redirect_id(struct req *r, const char *fmt_prefix, int64_t id, const char *suffix)
{
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "%s%" PRId64 "%s", fmt_prefix, id, suffix);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

/* ================================================================== referral sources */

static void sources_page(struct req *r, int status, const char *label, const struct form_errors *fe)
{
	struct referral_source *ss = NULL;
	size_t n = 0;
	int rc = store_referral_source_list(r->site->ac->store, r->org_id, true, &ss, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Referral sources"));
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Where referrals come from. A source in use is never deleted; deactivate it instead."));
	html_raw(&w, "</p>\n");
	if (n) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Referral sources"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Status"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Change"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			html_raw(&w, "<tr><td>");
			html_text(&w, T(r, ss[i].label));
			html_raw(&w, "</td><td>");
			html_text(&w, ss[i].active ? T(r, "Active") : T(r, "Inactive"));
			html_raw(&w, "</td><td><form class=\"tolv-inline\" method=\"post\" "
				     "action=\"/settings/referral-sources/update\"><input type=\"hidden\" name=\"csrf\"");
			html_attr(&w, "value", req_csrf_token(r));
			html_raw(&w, "><input type=\"hidden\" name=\"key\"");
			html_attr(&w, "value", ss[i].key);
			html_raw(&w, "><label class=\"ds-label\"");
			struct buf id = BUF_INIT;
			buf_addf(&id, "f-label-%s", ss[i].key);
			html_attr(&w, "for", id.data);
			html_raw(&w, ">");
			html_text(&w, T(r, "New name"));
			html_raw(&w, "</label> <input class=\"ds-input tolv-short\" type=\"text\" name=\"label\"");
			html_attr(&w, "id", id.data);
			html_attr(&w, "value", T(r, ss[i].label));
			html_raw(&w, "> <button class=\"ds-button\" data-variant=\"secondary\" data-size=\"sm\" "
				     "type=\"submit\" name=\"action\" value=\"rename\">");
			html_text(&w, T(r, "Rename"));
			html_raw(&w, "</button> <button class=\"ds-button\" data-variant=\"tertiary\" data-size=\"sm\" "
				     "type=\"submit\" name=\"action\"");
			html_attr(&w, "value", ss[i].active ? "deactivate" : "activate");
			html_raw(&w, ">");
			html_text(&w, ss[i].active ? T(r, "Deactivate") : T(r, "Activate"));
			html_raw(&w, "</button></form></td></tr>\n");
			buf_release(&id);
		}
		html_raw(&w, "</tbody>\n</table>\n");
	} else {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No referral sources yet. They are added with the first programme, or here."));
		html_raw(&w, "</p>\n");
	}
	free(ss);
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Add a referral source"));
	html_raw(&w, "</h2>\n");
	form_begin(&w, r, "/settings/referral-sources");
	form_input(&w, r, fe,
		   &(struct input){ .name = "label", .label = T(r, "Name"), .type = "text", .value = label,
				    .required = true });
	form_button(&w, "primary", T(r, "Add referral source"));
	form_end(&w);
	page_end(r, &w, status);
}

void sources_get(struct req *r)
{
	sources_page(r, 200, "", NULL);
}

void sources_add_post(struct req *r)
{
	const char *label;
	if (!form_str_or_400(r, "label", 1000, &label))
		return;
	struct actor a;
	web_actor(r, &a);
	struct intake_errors ie = { 0 };
	int rc = intake_source_add(r->site->ac, &a, label, NULL, &ie);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		intake_form_errors(&fe, &ie);
		sources_page(r, 422, label, &fe);
		return;
	}
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	resp_redirect(r, "/settings/referral-sources?saved=1");
}

void sources_update_post(struct req *r)
{
	const char *key, *label, *action;
	if (!form_str_or_400(r, "key", 100, &key) || !form_str_or_400(r, "label", 1000, &label) ||
	    !form_str_or_400(r, "action", 100, &action))
		return;
	struct actor a;
	web_actor(r, &a);
	struct intake_errors ie = { 0 };
	int rc;
	if (!strcmp(action, "deactivate") || !strcmp(action, "activate")) {
		rc = intake_source_update(r->site->ac, &a, key, NULL, !strcmp(action, "activate"), &ie);
	} else if (!strcmp(action, "rename")) {
		/* The shown name may be the translation of a default source's msgid. */
		struct referral_source *ss = NULL;
		size_t n = 0;
		const char *keep = NULL;
		if (store_referral_source_list(r->site->ac->store, r->org_id, true, &ss, &n) == STORE_OK)
			for (size_t i = 0; i < n; i++)
				if (!strcmp(ss[i].key, key) && !strcmp(T(r, ss[i].label), label))
					keep = "";
		free(ss);
		rc = keep ? 0 : intake_source_update(r->site->ac, &a, key, label, -1, &ie);
	} else {
		rc = ACC_INVALID;
		intake_error(&ie, "label", N_("Choose what to change."));
	}
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		for (int i = 0; i < ie.n; i++)
			form_error(&fe, "label", ie.e[i].message);
		sources_page(r, 422, "", &fe);
		return;
	}
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	resp_redirect(r, "/settings/referral-sources?saved=1");
}

/* ========================================================================= referrals */

static void person_cell(struct html *w, struct req *r, const struct referral *x)
{
	if (!x->person_id) {
		html_text(w, "–");
		return;
	}
	struct buf href = BUF_INIT;
	buf_addf(&href, "/persons/%" PRId64, x->person_id);
	html_raw(w, "<a class=\"ds-link\"");
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	html_text(w, x->given_name);
	html_raw(w, " ");
	html_text(w, x->family_name);
	html_raw(w, "</a>");
	buf_release(&href);
}

static const char *status_label(struct req *r, const char *key)
{
	const char *l = referral_status_label_of(key);
	return l ? T(r, l) : key;
}

void referrals_list_get(struct req *r)
{
	int64_t page;
	if (!query_int_or_400(r, "page", 1, 1000000, 1, &page))
		return;
	const char *status = query_get(r, "status");
	if (!status)
		status = "open";
	if (*status && strcmp(status, "open") != 0 && !referral_status_valid(status)) {
		error_page(r, 400, N_("Unknown status."));
		return;
	}
	struct referral_query q;
	memset(&q, 0, sizeof q);
	copy_str(q.status, sizeof q.status, status);
	q.limit = PAGE_SIZE;
	q.offset = (int)((page - 1) * PAGE_SIZE);
	struct referral *rs = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_referral_list(r->site->ac->store, r->org_id, &q, &rs, &n, &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	web_actor(r, &a);
	struct html w;
	page_begin(r, &w, T(r, "Referrals"));
	if (can_edit(r)) {
		intake_link_button(&w, "/referrals/new", T(r, "New referral"));
		html_raw(&w, "<p><a class=\"ds-link\" href=\"/referrals/self\">");
		html_text(&w, T(r, "Self-referrals from the public form"));
		html_raw(&w, "</a></p>\n");
	}
	/* The filter: a GET form, so it needs no CSRF token. */
	html_raw(&w, "<form method=\"get\" action=\"/referrals\" class=\"tolv-filter\">\n");
	struct option opts[REFERRAL_NSTATUS + 2];
	size_t no = 0;
	opts[no].value = "open";
	opts[no++].label = T(r, "Open (the intake queue)");
	opts[no].value = "";
	opts[no++].label = T(r, "All");
	for (int i = 0; i < REFERRAL_NSTATUS; i++) {
		opts[no].value = referral_status_key(i);
		opts[no++].label = T(r, referral_status_label_of(referral_status_key(i)));
	}
	form_select(&w, r, NULL, "status", T(r, "Status"), opts, no, status);
	html_raw(&w, "<button class=\"ds-button\" data-variant=\"secondary\" type=\"submit\">");
	html_text(&w, T(r, "Show"));
	html_raw(&w, "</button>\n</form>\n");
	if (n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No referrals."));
		html_raw(&w, "</p>\n");
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Referrals, oldest received first"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Received"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Source"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Person"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Status"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			intake_audit(r->site->ac, &a, "referral.read", "referral", rs[i].id, "list");
			if (rs[i].person_id)
				intake_audit(r->site->ac, &a, "person.read", "person", rs[i].person_id, "referral list");
			char d[11];
			date_format(rs[i].received_on, d);
			struct buf href = BUF_INIT;
			buf_addf(&href, "/referrals/%" PRId64, rs[i].id);
			html_raw(&w, "<tr><td><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, d);
			html_raw(&w, "</a></td><td>");
			html_text(&w, T(r, rs[i].source_label));
			html_raw(&w, "</td><td>");
			person_cell(&w, r, &rs[i]);
			html_raw(&w, "</td><td>");
			html_text(&w, status_label(r, rs[i].status));
			html_raw(&w, "</td></tr>\n");
			buf_release(&href);
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	free(rs);
	struct buf prefix = BUF_INIT;
	buf_adds(&prefix, "/referrals?status=");
	buf_adds(&prefix, status); /* a known key: plain [a-z_] */
	buf_adds(&prefix, "&page=");
	intake_pager(&w, r, prefix.data, page, total > 0 ? (total + PAGE_SIZE - 1) / PAGE_SIZE : 1);
	buf_release(&prefix);
	page_end(r, &w, 200);
}

struct referral_form {
	const char *source, *referrer_name, *referrer_org, *received_on, *reason, *person_id, *programme_id;
};

static void new_referral_page(struct req *r, int status, const struct referral_form *f,
			      const struct form_errors *fe)
{
	struct referral_source *ss = NULL;
	size_t n = 0;
	/* A new organisation gets its sources here too, so the form is never empty. */
	store_referral_sources_seed(r->site->ac->store, r->org_id, NULL);
	int rc = store_referral_source_list(r->site->ac->store, r->org_id, false, &ss, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "New referral"));
	form_error_summary(&w, r, fe);
	form_begin(&w, r, "/referrals");
	struct option *opts = xcalloc(n + 1, sizeof *opts);
	opts[0].value = "";
	opts[0].label = T(r, "Choose…");
	for (size_t i = 0; i < n; i++) {
		opts[i + 1].value = ss[i].key;
		opts[i + 1].label = T(r, ss[i].label);
	}
	form_select(&w, r, fe, "source", T(r, "Source"), opts, n + 1, f->source);
	/* The programme it is for, if decided: the programme report counts it there. */
	struct programme *progs = NULL;
	size_t np = 0;
	if (store_programme_list(r->site->ac->store, r->org_id, false, &progs, &np) == STORE_OK) {
		struct option *popts = xcalloc(np + 1, sizeof *popts);
		popts[0].value = "";
		popts[0].label = T(r, "Not decided yet");
		for (size_t i = 0; i < np; i++) {
			char idbuf[24];
			snprintf(idbuf, sizeof idbuf, "%" PRId64, progs[i].id);
			popts[i + 1].value = pool_strdup(&r->pool, idbuf);
			popts[i + 1].label = progs[i].name;
		}
		form_select(&w, r, fe, "programme_id", T(r, "Programme"), popts, np + 1, f->programme_id);
		free(popts);
	}
	form_input(&w, r, fe,
		   &(struct input){ .name = "referrer_name", .label = T(r, "Referrer's name"), .type = "text",
				    .value = f->referrer_name, .autocomplete = "off" });
	form_input(&w, r, fe,
		   &(struct input){ .name = "referrer_org", .label = T(r, "Referrer's organisation"), .type = "text",
				    .value = f->referrer_org, .autocomplete = "off" });
	form_input(&w, r, fe,
		   &(struct input){ .name = "received_on", .label = T(r, "Date received"), .type = "date",
				    .value = f->received_on, .description = T(r, "YYYY-MM-DD; empty means today.") });
	intake_textarea(&w, r, fe, "reason", T(r, "Reason for the referral"), f->reason, NULL);
	form_input(&w, r, fe,
		   &(struct input){ .name = "person_id", .label = T(r, "Person number in tolv (optional)"),
				    .type = "text", .value = f->person_id,
				    .description = T(r, "Leave empty and link a person from the referral page later.") });
	form_button(&w, "primary", T(r, "Save referral"));
	form_end(&w);
	free(opts);
	free(progs);
	free(ss);
	intake_back_link(&w, "/referrals", T(r, "Back to referrals"));
	page_end(r, &w, status);
}

void referrals_new_get(struct req *r)
{
	char today[11];
	date_format(intake_today(), today);
	struct referral_form f = { .source = "", .referrer_name = "", .referrer_org = "",
				   .received_on = pool_strdup(&r->pool, today), .reason = "", .person_id = "", .programme_id = "" };
	const char *pid = query_get(r, "person");
	if (pid) {
		int64_t v;
		if (parse_int64(pid, 1, INT64_MAX, &v) == 0)
			f.person_id = pid;
	}
	new_referral_page(r, 200, &f, NULL);
}

void referrals_create_post(struct req *r)
{
	struct referral_form f;
	if (!form_str_or_400(r, "source", 100, &f.source) || !form_str_or_400(r, "referrer_name", 1000, &f.referrer_name) ||
	    !form_str_or_400(r, "referrer_org", 1000, &f.referrer_org) ||
	    !form_str_or_400(r, "received_on", 100, &f.received_on) || !form_str_or_400(r, "reason", 4000, &f.reason) ||
	    !form_str_or_400(r, "person_id", 30, &f.person_id) || !form_str_or_400(r, "programme_id", 30, &f.programme_id))
		return;
	struct form_errors fe = { 0 };
	int64_t pid = 0, prog = 0;
	if (*f.person_id && parse_int64(f.person_id, 1, INT64_MAX, &pid) != 0)
		form_error(&fe, "person_id", N_("Choose a person of this organisation."));
	if (*f.programme_id && parse_int64(f.programme_id, 1, INT64_MAX, &prog) != 0)
		form_error(&fe, "programme_id", N_("Choose a programme of this organisation."));
	if (!fe.n) {
		struct actor a;
		web_actor(r, &a);
		struct intake_errors ie = { 0 };
		struct referral x;
		int rc = intake_referral_create(r->site->ac, &a, f.source, f.referrer_name, f.referrer_org, f.received_on,
						f.reason, pid, prog, &x, &ie);
		if (rc == 0) {
			redirect_id(r, "/referrals/", x.id, "?saved=1");
			return;
		}
		if (rc != ACC_INVALID) {
			intake_page_error(r, rc);
			return;
		}
		intake_form_errors(&fe, &ie);
	}
	new_referral_page(r, 422, &f, &fe);
}

struct status_form {
	const char *status, *on_day, *note;
};

static void referral_page(struct req *r, int status, const struct referral *x, const struct status_form *sf,
			  const struct form_errors *fe, const char *person_id, const struct form_errors *pfe)
{
	struct actor a;
	web_actor(r, &a);
	intake_audit(r->site->ac, &a, "referral.read", "referral", x->id, NULL);
	if (x->person_id)
		intake_audit(r->site->ac, &a, "person.read", "person", x->person_id, "referral");
	struct referral_event *ev = NULL;
	size_t n = 0;
	int rc = store_referral_history(r->site->ac->store, r->org_id, x->id, &ev, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	char d[11];
	struct html w;
	page_begin(r, &w, T(r, "Referral"));
	form_error_summary(&w, r, fe ? fe : pfe);
	if (!fe && !pfe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	html_raw(&w, "<dl class=\"tolv-facts\"><dt>");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, status_label(r, x->status));
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Source"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, T(r, x->source_label));
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Referrer"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, x->referrer_name[0] ? x->referrer_name : "–");
	if (x->referrer_org[0]) {
		html_raw(&w, ", ");
		html_text(&w, x->referrer_org);
	}
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Date received"));
	html_raw(&w, "</dt><dd>");
	date_format(x->received_on, d);
	html_text(&w, d);
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Person"));
	html_raw(&w, "</dt><dd>");
	person_cell(&w, r, x);
	html_raw(&w, "</dd></dl>\n");
	if (x->reason[0]) {
		html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
		html_text(&w, T(r, "Reason for the referral"));
		html_raw(&w, "</h2>\n<p class=\"ds-paragraph tolv-pre\">");
		html_text(&w, x->reason);
		html_raw(&w, "</p>\n");
	}

	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "History"));
	html_raw(&w, "</h2>\n<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_text(&w, T(r, "Status changes, oldest first"));
	html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(&w, T(r, "Date"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "By"));
	html_raw(&w, "</th><th scope=\"col\">");
	html_text(&w, T(r, "Note"));
	html_raw(&w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		date_format(ev[i].on_day, d);
		html_raw(&w, "<tr><td>");
		html_text(&w, d);
		html_raw(&w, "</td><td>");
		html_text(&w, status_label(r, ev[i].to_status));
		html_raw(&w, "</td><td>");
		struct user u;
		if (ev[i].by_user && store_user_get(r->site->ac->store, ev[i].by_user, &u) == STORE_OK)
			html_text(&w, u.name[0] ? u.name : u.email);
		else
			html_text(&w, T(r, "the system"));
		html_raw(&w, "</td><td>");
		html_text(&w, ev[i].note);
		html_raw(&w, "</td></tr>\n");
	}
	html_raw(&w, "</tbody>\n</table>\n");
	free(ev);

	struct buf action = BUF_INIT;
	if (can_edit(r)) {
		struct option opts[REFERRAL_NSTATUS];
		size_t no = 0;
		for (int i = 0; i < REFERRAL_NSTATUS; i++)
			if (intake_referral_move_allowed(x->status, referral_status_key(i))) {
				opts[no].value = referral_status_key(i);
				opts[no++].label = T(r, referral_status_label_of(referral_status_key(i)));
			}
		html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\" id=\"status\">");
		html_text(&w, T(r, "Change status"));
		html_raw(&w, "</h2>\n");
		if (no == 0) {
			html_raw(&w, "<p class=\"ds-paragraph\">");
			html_text(&w, T(r, "This referral is closed: its status cannot change any more."));
			html_raw(&w, "</p>\n");
		} else {
			buf_addf(&action, "/referrals/%" PRId64 "/status", x->id);
			form_begin(&w, r, action.data);
			form_select(&w, r, fe, "status", T(r, "New status"), opts, no, sf ? sf->status : NULL);
			form_input(&w, r, fe,
				   &(struct input){ .name = "on_day", .label = T(r, "Date of the change"), .type = "date",
						    .value = sf ? sf->on_day : "",
						    .description = T(r, "YYYY-MM-DD; empty means today.") });
			intake_textarea(&w, r, fe, "note", T(r, "Note (optional)"), sf ? sf->note : "", NULL);
			form_button(&w, "primary", T(r, "Change status"));
			form_end(&w);
		}

		html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\" id=\"person\">");
		html_text(&w, T(r, "Link to a person"));
		html_raw(&w, "</h2>\n");
		buf_reset(&action);
		buf_addf(&action, "/persons/new?referral=%" PRId64, x->id);
		html_raw(&w, "<p><a class=\"ds-link\"");
		html_attr(&w, "href", action.data);
		html_raw(&w, ">");
		html_text(&w, T(r, "Register a new person from this referral"));
		html_raw(&w, "</a></p>\n");
		/* Or an existing person: search by name, then choose. */
		const char *search = query_get(r, "search");
		html_raw(&w, "<form method=\"get\" class=\"tolv-filter\"");
		buf_reset(&action);
		buf_addf(&action, "/referrals/%" PRId64 "#person", x->id);
		html_attr(&w, "action", action.data);
		html_raw(&w, ">\n");
		form_input(&w, r, NULL,
			   &(struct input){ .name = "search", .label = T(r, "Find an existing person by name"),
					    .type = "search", .value = search ? search : "" });
		html_raw(&w, "<button class=\"ds-button\" data-variant=\"secondary\" type=\"submit\">");
		html_text(&w, T(r, "Search"));
		html_raw(&w, "</button>\n</form>\n");
		if (search && *search) {
			struct person_query pq;
			memset(&pq, 0, sizeof pq);
			copy_str(pq.search, sizeof pq.search, search);
			pq.sort = STORE_PERSON_BY_NAME;
			pq.limit = 20;
			struct person *ps = NULL;
			size_t np = 0;
			if (store_person_list(r->site->ac->store, r->org_id, &pq, &ps, &np, NULL) == STORE_OK && np) {
				struct option *popts = xcalloc(np, sizeof *popts);
				for (size_t i = 0; i < np; i++) {
					intake_audit(r->site->ac, &a, "person.read", "person", ps[i].id, "person search");
					char id[24], bd[11];
					snprintf(id, sizeof id, "%" PRId64, ps[i].id);
					date_format(ps[i].birth_date, bd);
					popts[i].value = pool_strdup(&r->pool, id);
					struct buf lab = BUF_INIT;
					buf_addf(&lab, "%s %s%s%s%s", ps[i].given_name, ps[i].family_name, bd[0] ? " (" : "",
						 bd, bd[0] ? ")" : "");
					popts[i].label = pool_strdup(&r->pool, lab.data);
					buf_release(&lab);
				}
				buf_reset(&action);
				buf_addf(&action, "/referrals/%" PRId64 "/person", x->id);
				form_begin(&w, r, action.data);
				form_select(&w, r, pfe, "person_id", T(r, "Person"), popts, np, person_id);
				form_button(&w, "primary", T(r, "Link this person"));
				form_end(&w);
				free(popts);
			} else {
				html_raw(&w, "<p class=\"ds-paragraph\">");
				html_text(&w, T(r, "Nobody found."));
				html_raw(&w, "</p>\n");
			}
			free(ps);
		} else if (pfe) {
			/* The link failed: show the message where the select would be. */
			buf_reset(&action);
			buf_addf(&action, "/referrals/%" PRId64 "/person", x->id);
			form_begin(&w, r, action.data);
			form_input(&w, r, pfe,
				   &(struct input){ .name = "person_id", .label = T(r, "Person number in tolv"),
						    .type = "text", .value = person_id });
			form_button(&w, "primary", T(r, "Link this person"));
			form_end(&w);
		}
	}
	buf_release(&action);
	intake_back_link(&w, "/referrals", T(r, "Back to referrals"));
	page_end(r, &w, status);
}

static bool load_referral(struct req *r, struct referral *x)
{
	int rc = store_referral_get(r->site->ac->store, r->org_id, r->id, x);
	if (rc) {
		intake_page_error(r, rc);
		return false;
	}
	return true;
}

void referral_get(struct req *r)
{
	struct referral x;
	if (!load_referral(r, &x))
		return;
	referral_page(r, 200, &x, NULL, NULL, NULL, NULL);
}

void referral_status_post(struct req *r)
{
	struct referral x;
	if (!load_referral(r, &x))
		return;
	struct status_form sf;
	if (!form_str_or_400(r, "status", 100, &sf.status) || !form_str_or_400(r, "on_day", 100, &sf.on_day) ||
	    !form_str_or_400(r, "note", 4000, &sf.note))
		return;
	struct actor a;
	web_actor(r, &a);
	struct intake_errors ie = { 0 };
	int rc = intake_referral_set_status(r->site->ac, &a, x.id, sf.status, sf.on_day, sf.note, &ie);
	if (rc == 0) {
		redirect_id(r, "/referrals/", x.id, "?saved=1");
		return;
	}
	if (rc != ACC_INVALID) {
		intake_page_error(r, rc);
		return;
	}
	struct form_errors fe = { 0 };
	intake_form_errors(&fe, &ie);
	referral_page(r, 422, &x, &sf, &fe, NULL, NULL);
}

void referral_person_post(struct req *r)
{
	struct referral x;
	if (!load_referral(r, &x))
		return;
	const char *pid;
	if (!form_str_or_400(r, "person_id", 30, &pid))
		return;
	int64_t person_id = 0;
	struct intake_errors ie = { 0 };
	int rc = ACC_INVALID;
	if (parse_int64(pid, 1, INT64_MAX, &person_id) != 0) {
		intake_error(&ie, "person_id", N_("Choose a person of this organisation."));
	} else {
		struct actor a;
		web_actor(r, &a);
		rc = intake_referral_link(r->site->ac, &a, x.id, person_id, &ie);
	}
	if (rc == 0) {
		redirect_id(r, "/referrals/", x.id, "?saved=1");
		return;
	}
	if (rc != ACC_INVALID) {
		intake_page_error(r, rc);
		return;
	}
	struct form_errors fe = { 0 };
	intake_form_errors(&fe, &ie);
	referral_page(r, 422, &x, NULL, NULL, pid, &fe);
}
