/* selfreferral.c: the public self-referral form of an organisation (no login, its own
 * layout without staff navigation, a honeypot field and a rate limit per client address),
 * and the staff's queue of new self-referrals with "take in" and "discard". */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/intake.h"
#include "html/form.h"
#include "html/layout.h"
#include "http/static.h"

#define PAGE_SIZE 50

/* ---- the public layout ---- */

static void stylesheet(struct html *w, struct req *r, enum static_id id)
{
	const char *v = static_version(r->site, id);
	if (!v)
		return;
	html_raw(w, "<link rel=\"stylesheet\"");
	struct buf href = BUF_INIT;
	buf_addf(&href, "%s?v=%s", r->site->files[id].url, v);
	html_attr(w, "href", href.data);
	buf_release(&href);
	html_raw(w, ">\n");
}

static void public_begin(struct req *r, struct html *w, const char *org_name, const char *title)
{
	buf_reset(&r->out);
	html_init(w, &r->out);
	html_raw(w, "<!doctype html>\n<html");
	html_attr(w, "lang", lang_code(r->lang));
	html_raw(w, " data-color-scheme=\"light\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"data:,\">\n<title>");
	html_text(w, title);
	html_raw(w, " – ");
	html_text(w, org_name);
	html_raw(w, "</title>\n");
	stylesheet(w, r, STATIC_DS_THEME);
	stylesheet(w, r, STATIC_DS_INDEX);
	stylesheet(w, r, STATIC_TOLV);
	html_raw(w, "</head>\n<body>\n<a class=\"ds-skip-link\" href=\"#main\">");
	html_text(w, T(r, "Skip to main content"));
	html_raw(w, "</a>\n<header class=\"tolv-header\">\n<div class=\"tolv-header-bar\">\n<p class=\"tolv-brand\">");
	html_text(w, org_name);
	html_raw(w, "</p>\n</div>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n<h1 class=\"ds-heading\" "
		    "data-size=\"lg\">");
	html_text(w, title);
	html_raw(w, "</h1>\n");
}

static void public_end(struct req *r, struct html *w, int status)
{
	html_raw(w, "</main>\n<footer class=\"tolv-footer\">\n<form method=\"post\" action=\"/language\">\n"
		    "<input type=\"hidden\" name=\"csrf\"");
	html_attr(w, "value", req_csrf_token(r));
	html_raw(w, ">\n<input type=\"hidden\" name=\"next\"");
	struct buf next = BUF_INIT;
	buf_addf(&next, "/p/%" PRId64 "/self-referral", r->id);
	html_attr(w, "value", next.data);
	buf_release(&next);
	html_raw(w, ">\n<fieldset class=\"tolv-lang\"><legend>");
	html_text(w, T(r, "Language"));
	html_raw(w, "</legend>\n");
	for (int l = 0; l < LANG_COUNT; l++) {
		html_raw(w, "<button class=\"ds-button\" data-variant=\"tertiary\" data-size=\"sm\" type=\"submit\" "
			    "name=\"lang\"");
		html_attr(w, "value", lang_code((enum lang)l));
		html_attr(w, "lang", lang_code((enum lang)l));
		if ((enum lang)l == r->lang)
			html_raw(w, " aria-current=\"true\"");
		html_raw(w, ">");
		html_text(w, lang_name((enum lang)l));
		html_raw(w, "</button>\n");
	}
	html_raw(w, "</fieldset>\n</form>\n</footer>\n</body>\n</html>\n");
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
}

/* ---- the public form ---- */

static void public_form(struct req *r, int status, const struct org *o, const struct self_referral_input *in,
			const struct form_errors *fe)
{
	struct html w;
	public_begin(r, &w, o->name, T(r, "Self-referral"));
	form_error_summary(&w, r, fe);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_fmt(&w, T(r, "Ask {} for help with alcohol, drugs, medication or gambling. We contact you to agree on a "
			  "first conversation. Fields marked as required must be filled in."),
		 o->name);
	html_raw(&w, "</p>\n");
	struct buf action = BUF_INIT;
	buf_addf(&action, "/p/%" PRId64 "/self-referral", o->id);
	form_begin(&w, r, action.data);
	buf_release(&action);
	form_input(&w, r, fe,
		   &(struct input){ .name = "name", .label = T(r, "Full name (required)"), .type = "text",
				    .value = in->name, .autocomplete = "name", .required = true });
	form_input(&w, r, fe,
		   &(struct input){ .name = "phone", .label = T(r, "Phone"), .type = "tel", .value = in->phone,
				    .autocomplete = "tel",
				    .description = T(r, "Phone or e-mail is required, so that we can contact you.") });
	form_input(&w, r, fe,
		   &(struct input){ .name = "email", .label = T(r, "E-mail"), .type = "email", .value = in->email,
				    .autocomplete = "email" });
	intake_textarea(&w, r, fe, "message", T(r, "Message (optional)"), in->message,
			T(r, "What would you like us to know? You can also tell us when you are easiest to reach."));
	/* The honeypot: hidden from people (off-screen) and from assistive technology. A
	 * program that fills every field fills it too. */
	html_raw(&w, "<div class=\"tolv-hp\" aria-hidden=\"true\"><label for=\"f-website\">");
	html_text(&w, T(r, "Leave this field empty"));
	html_raw(&w, "</label><input type=\"text\" id=\"f-website\" name=\"website\" tabindex=\"-1\" "
		     "autocomplete=\"off\" value=\"\"></div>\n");
	const char *err = form_error_get(fe, "consent");
	html_raw(&w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" id=\"f-consent\" "
		     "name=\"consent\" value=\"yes\"");
	if (err)
		html_raw(&w, " aria-invalid=\"true\" aria-describedby=\"f-consent-error\"");
	if (in->consent && !strcmp(in->consent, "yes"))
		html_raw(&w, " checked");
	html_raw(&w, "><label class=\"ds-label\" for=\"f-consent\">");
	html_fmt(&w, T(r, "I agree that {} stores what I send here and contacts me about it. (Required)"), o->name);
	html_raw(&w, "</label>");
	if (err) {
		html_raw(&w, "<p class=\"ds-validation-message\" data-field=\"validation\" id=\"f-consent-error\">");
		html_text(&w, T(r, err));
		html_raw(&w, "</p>");
	}
	html_raw(&w, "</div>\n");
	form_button(&w, "primary", T(r, "Send"));
	form_end(&w);
	public_end(r, &w, status);
}

static bool load_org(struct req *r, struct org *o)
{
	int rc = store_org_get(r->site->ac->store, r->id, o);
	if (rc) {
		if (rc == STORE_NOTFOUND)
			error_page(r, 404, N_("The page was not found."));
		else
			resp_store_error(r, rc);
		return false;
	}
	return true;
}

void selfreferral_get(struct req *r)
{
	struct org o;
	if (!load_org(r, &o))
		return;
	struct self_referral_input in = { "", "", "", "", "", "" };
	public_form(r, 200, &o, &in, NULL);
}

void selfreferral_post(struct req *r)
{
	struct org o;
	if (!load_org(r, &o))
		return;
	struct self_referral_input in;
	if (!form_str_or_400(r, "name", 1000, &in.name) || !form_str_or_400(r, "phone", 200, &in.phone) ||
	    !form_str_or_400(r, "email", 1000, &in.email) || !form_str_or_400(r, "message", 8000, &in.message) ||
	    !form_str_or_400(r, "consent", 20, &in.consent) || !form_str_or_400(r, "website", 1000, &in.honeypot))
		return;
	enum self_referral_outcome outcome;
	struct intake_errors ie = { 0 };
	int rc = intake_self_referral_submit(r->site->ac, o.id, r->addr, &in, &outcome, &ie);
	if (rc) {
		if (rc == STORE_NOTFOUND)
			error_page(r, 404, N_("The page was not found."));
		else
			resp_store_error(r, rc);
		return;
	}
	struct html w;
	switch (outcome) {
	case SR_INVALID: {
		struct form_errors fe = { 0 };
		intake_form_errors(&fe, &ie);
		public_form(r, 422, &o, &in, &fe);
		return;
	}
	case SR_THROTTLED:
		public_begin(r, &w, o.name, T(r, "Too many messages"));
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Many messages have been sent from your connection in the last hour, so this one was "
				   "not received. Please try again in an hour, or call us."));
		html_raw(&w, "</p>\n");
		resp_header(r, "Retry-After", "3600");
		public_end(r, &w, 429);
		return;
	case SR_STORED:
	case SR_SPAM:
		/* The same receipt either way, and nothing of what was sent. */
		public_begin(r, &w, o.name, T(r, "Thank you"));
		html_raw(&w, "<div class=\"ds-alert\" data-color=\"success\"><p>");
		html_text(&w, T(r, "Your message has been received. We will contact you."));
		html_raw(&w, "</p></div>\n<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "If you need help at once, call your doctor, or 113 in an emergency."));
		html_raw(&w, "</p>\n");
		public_end(r, &w, 200);
		return;
	}
}

/* ---- the staff's queue ---- */

static void queue_page(struct req *r, int status, const struct form_errors *fe)
{
	int64_t page;
	if (!query_int_or_400(r, "page", 1, 1000000, 1, &page))
		return;
	struct self_referral *ss = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_self_referral_list(r->site->ac->store, r->org_id, "new", PAGE_SIZE, (int)((page - 1) * PAGE_SIZE),
					  &ss, &n, &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	a.org_id = r->org_id;
	struct html w;
	page_begin(r, &w, T(r, "Self-referrals"));
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Messages from the public self-referral form, oldest first. Take one in to make it a "
			   "referral, or discard it."));
	html_raw(&w, "</p>\n<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "The address of the form:"));
	html_raw(&w, " <code>");
	struct buf url = BUF_INIT;
	buf_addf(&url, "/p/%" PRId64 "/self-referral", r->org_id);
	html_text(&w, url.data);
	buf_release(&url);
	html_raw(&w, "</code></p>\n");
	if (n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No new self-referrals."));
		html_raw(&w, "</p>\n");
	}
	static const char *const reasons[3] = { "spam", "duplicate", "other" };
	static const char *const reason_labels[3] = { N_("Spam"), N_("A duplicate"), N_("Other") };
	for (size_t i = 0; i < n; i++) {
		intake_audit(r->site->ac, &a, "self_referral.read", "self_referral", ss[i].id, "queue");
		char when[20];
		format_time(ss[i].created_at, when, sizeof when);
		html_raw(&w, "<section class=\"tolv-card\"");
		struct buf id = BUF_INIT;
		buf_addf(&id, "sr-%" PRId64, ss[i].id);
		html_attr(&w, "aria-labelledby", id.data);
		html_raw(&w, "><h2 class=\"ds-heading\" data-size=\"xs\"");
		html_attr(&w, "id", id.data);
		html_raw(&w, ">");
		html_text(&w, ss[i].name);
		html_raw(&w, "</h2>\n<dl class=\"tolv-facts\"><dt>");
		html_text(&w, T(r, "Received"));
		html_raw(&w, "</dt><dd>");
		html_text(&w, when);
		html_raw(&w, "</dd><dt>");
		html_text(&w, T(r, "Phone"));
		html_raw(&w, "</dt><dd>");
		html_text(&w, ss[i].phone[0] ? ss[i].phone : "–");
		html_raw(&w, "</dd><dt>");
		html_text(&w, T(r, "E-mail"));
		html_raw(&w, "</dt><dd>");
		html_text(&w, ss[i].email[0] ? ss[i].email : "–");
		html_raw(&w, "</dd></dl>\n");
		if (ss[i].message[0]) {
			html_raw(&w, "<p class=\"ds-paragraph tolv-pre\">");
			html_text(&w, ss[i].message);
			html_raw(&w, "</p>\n");
		}
		struct buf action = BUF_INIT;
		buf_addf(&action, "/referrals/self/%" PRId64 "/take", ss[i].id);
		form_begin(&w, r, action.data);
		form_button(&w, "primary", T(r, "Take in as a referral"));
		form_end(&w);
		buf_reset(&action);
		buf_addf(&action, "/referrals/self/%" PRId64 "/discard", ss[i].id);
		form_begin(&w, r, action.data);
		html_raw(&w, "<div class=\"ds-field\"><label class=\"ds-label\"");
		struct buf rid = BUF_INIT;
		buf_addf(&rid, "f-reason-%" PRId64, ss[i].id);
		html_attr(&w, "for", rid.data);
		html_raw(&w, ">");
		html_text(&w, T(r, "Reason to discard"));
		html_raw(&w, "</label><select class=\"ds-input\" name=\"reason\"");
		html_attr(&w, "id", rid.data);
		html_raw(&w, ">");
		for (int k = 0; k < 3; k++) {
			html_raw(&w, "<option");
			html_attr(&w, "value", reasons[k]);
			html_raw(&w, ">");
			html_text(&w, T(r, reason_labels[k]));
			html_raw(&w, "</option>");
		}
		html_raw(&w, "</select></div>\n");
		form_button(&w, "secondary", T(r, "Discard"));
		form_end(&w);
		buf_release(&rid);
		buf_release(&action);
		buf_release(&id);
		html_raw(&w, "</section>\n");
	}
	free(ss);
	intake_pager(&w, r, "/referrals/self?page=", page, total > 0 ? (total + PAGE_SIZE - 1) / PAGE_SIZE : 1);
	intake_back_link(&w, "/referrals", T(r, "Back to referrals"));
	page_end(r, &w, status);
}

void self_referrals_get(struct req *r)
{
	queue_page(r, 200, NULL);
}

void self_referral_take_post(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	a.org_id = r->org_id;
	int64_t referral_id = 0;
	int rc = intake_self_referral_take(r->site->ac, &a, r->id, &referral_id);
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/referrals/%" PRId64 "?saved=1", referral_id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void self_referral_discard_post(struct req *r)
{
	const char *reason;
	if (!form_str_or_400(r, "reason", 100, &reason))
		return;
	struct actor a;
	req_actor(r, &a);
	a.org_id = r->org_id;
	struct intake_errors ie = { 0 };
	int rc = intake_self_referral_discard(r->site->ac, &a, r->id, reason, &ie);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		for (int i = 0; i < ie.n; i++)
			form_error(&fe, NULL, ie.e[i].message);
		queue_page(r, 422, &fe);
		return;
	}
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	resp_redirect(r, "/referrals/self?saved=1");
}
