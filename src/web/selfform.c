/* selfform.c: the public one-time-link form (issue 6) — a person fills in one
 * questionnaire themselves, on a tablet or at home, without logging in.
 *
 *   GET /q?t=TOKEN  moves the token out of the address: it is put in a short-lived cookie
 *                   (HttpOnly, SameSite=Strict, Path=/q, Secure unless the request is plain
 *                   HTTP from the loopback address) and the answer is 303 to /q, so the
 *                   secret stays in no address bar, history entry or log;
 *   GET /q          shows the questionnaire and nothing else — no name, no navigation, no
 *                   other data — or a clear page when the link is used, expired or unknown;
 *   POST /q         (double-submit CSRF, as the public self-referral form) stores the answers
 *                   as the person's own ("self") and uses the link up; a used or expired
 *                   link changes nothing.
 * Tokens that match no link count against the client address (domain/outcomes.h). A
 * browser that does not send the SameSite=Strict cookie after a cross-site 303 (a link
 * opened from a webmail) gets a "Continue" link on /q, which is same-site and carries it.
 */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/orgquestionnaire.h"
#include "domain/outcomes.h"
#include "html/form.h"
#include "html/layout.h"
#include "http/static.h"

#define Q_COOKIE "tolv_q"
#define Q_COOKIE_MAX_AGE (4 * 3600)

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

/* The page without the staff menu, the organisation or the person. */
static void q_begin(struct req *r, struct html *w, const char *title)
{
	buf_reset(&r->out);
	html_init(w, &r->out);
	html_raw(w, "<!doctype html>\n<html");
	html_attr(w, "lang", lang_code(r->lang));
	html_raw(w, " data-color-scheme=\"light\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"data:,\">\n<title>");
	html_text(w, title);
	html_raw(w, "</title>\n");
	stylesheet(w, r, STATIC_DS_THEME);
	stylesheet(w, r, STATIC_DS_INDEX);
	stylesheet(w, r, STATIC_TOLV);
	html_raw(w, "</head>\n<body>\n<a class=\"ds-skip-link\" href=\"#main\">");
	html_text(w, T(r, "Skip to main content"));
	html_raw(w, "</a>\n<main id=\"main\" tabindex=\"-1\">\n<h1 class=\"ds-heading\" data-size=\"lg\">");
	html_text(w, title);
	html_raw(w, "</h1>\n");
}

static void q_end(struct req *r, struct html *w, int status)
{
	html_raw(w, "</main>\n<footer class=\"tolv-footer\">\n<form method=\"post\" action=\"/language\">\n"
		    "<input type=\"hidden\" name=\"csrf\"");
	html_attr(w, "value", req_csrf_token(r));
	html_raw(w, ">\n<input type=\"hidden\" name=\"next\" value=\"/q\">\n<fieldset class=\"tolv-lang\"><legend>");
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
	resp_header(r, "Cache-Control", "no-store");
}

static bool loopback(const char *addr)
{
	return !strcmp(addr, "127.0.0.1") || !strcmp(addr, "::1") || !strncmp(addr, "127.", 4) ||
	       !strcmp(addr, "::ffff:127.0.0.1");
}

static void q_cookie(struct req *r, const char *token, int max_age)
{
	struct buf c = BUF_INIT;
	buf_addf(&c, Q_COOKIE "=%s; Path=/q; HttpOnly; SameSite=Strict; Max-Age=%d", token, max_age);
	if (r->https || !loopback(r->addr))
		buf_adds(&c, "; Secure");
	resp_header(r, "Set-Cookie", c.data);
	secure_wipe(c.data, c.len);
	buf_release(&c);
}

/* A token as it may appear: base64url, at most OUTCOME_TOKEN_MAX - 1 characters. */
static bool token_shape(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n == 0 || n >= OUTCOME_TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
		      t[i] == '-' || t[i] == '_'))
			return false;
	return true;
}

static void message_page(struct req *r, int status, const char *title, const char *text, bool clear)
{
	struct html w;
	q_begin(r, &w, T(r, title));
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, text));
	html_raw(&w, "</p>\n");
	if (clear)
		q_cookie(r, "", 0);
	if (status == 429)
		resp_header(r, "Retry-After", "3600");
	q_end(r, &w, status);
}

/* The page for a link that cannot be used; true if it answered. */
static bool state_page(struct req *r, enum outcome_link_state st)
{
	switch (st) {
	case OLINK_OK:
		return false;
	case OLINK_USED:
		message_page(r, 410, N_("This link has been used"),
			     N_("The questionnaire of this link has been answered already, so it cannot be filled in "
				"again. Nothing was changed. Ask your therapist for a new link if you need one."),
			     true);
		return true;
	case OLINK_EXPIRED:
		message_page(r, 410, N_("This link has expired"),
			     N_("The link was valid for a limited time, which has passed. Nothing was changed. Ask your "
				"therapist for a new link."),
			     true);
		return true;
	case OLINK_THROTTLED:
		message_page(r, 429, N_("Too many attempts"),
			     N_("Many links that do not work have been tried from your connection. Please try again in "
				"an hour."),
			     false);
		return true;
	case OLINK_UNKNOWN:
	default:
		message_page(r, 404, N_("This link does not work"),
			     N_("The link is not valid. Check that it was copied whole, or ask your therapist for a new "
				"one. Nothing was changed."),
			     true);
		return true;
	}
}

static void form_page(struct req *r, int status, const struct questionnaire *def, const struct outcome_form *kept,
		      const struct form_errors *fe)
{
	struct html w;
	q_begin(r, &w, q_text_get(&def->title, r->lang));
	form_error_summary(&w, r, fe);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Answer each question as it fits you. Your answers go to your therapist. The link works "
			   "once: when you send the answers, it is used up."));
	html_raw(&w, "</p>\n");
	form_begin(&w, r, "/q");
	outcomes_form_fields(r, &w, def, date_today_cet(), Q_SEX_UNKNOWN, kept, fe);
	form_button(&w, "primary", T(r, "Send the answers"));
	form_end(&w);
	q_end(r, &w, status);
}

void selfform_get(struct req *r)
{
	const char *t = query_get(r, "t");
	if (t) {
		/* Out of the address at once; the check happens on /q. */
		if (token_shape(t))
			q_cookie(r, t, Q_COOKIE_MAX_AGE);
		resp_redirect(r, "/q");
		return;
	}
	const char *token = params_get(&r->cookies, Q_COOKIE);
	if (!token || !token[0]) {
		if (!query_get(r, "c")) {
			struct html w;
			q_begin(r, &w, T(r, "Questionnaire"));
			html_raw(&w, "<p class=\"ds-paragraph\">");
			html_text(&w, T(r, "If you have just opened a link to a questionnaire, continue here."));
			html_raw(&w, "</p>\n<p class=\"ds-paragraph\"><a class=\"ds-link\" href=\"/q?c=1\">");
			html_text(&w, T(r, "Continue"));
			html_raw(&w, "</a></p>\n");
			q_end(r, &w, 200);
			return;
		}
		state_page(r, OLINK_UNKNOWN);
		return;
	}
	struct outcome_link l;
	enum outcome_link_state st = OLINK_UNKNOWN;
	int rc = token_shape(token) ? outcomes_link_check(r->site->ac, r->addr, token, now_seconds(), &l, &st) : 0;
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	if (state_page(r, st))
		return;
	/* The link's organisation's definition (its own wording and cut-offs, else the built-in). */
	const struct questionnaire *def = questionnaire_for_org(r->site->ac->store, l.org_id, l.questionnaire);
	if (!def) {
		state_page(r, OLINK_UNKNOWN);
		return;
	}
	form_page(r, 200, def, NULL, NULL);
}

void selfform_post(struct req *r)
{
	const char *token = params_get(&r->cookies, Q_COOKIE);
	if (!token || !token[0]) {
		/* Nothing was opened: a request without its link. */
		message_page(r, 400, N_("This link does not work"),
			     N_("The link is not valid. Check that it was copied whole, or ask your therapist for a new "
				"one. Nothing was changed."),
			     false);
		return;
	}
	struct outcome_link l;
	enum outcome_link_state st = OLINK_UNKNOWN;
	int64_t now = now_seconds();
	int rc = token_shape(token) ? outcomes_link_check(r->site->ac, r->addr, token, now, &l, &st) : 0;
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	if (state_page(r, st))
		return;
	/* The link's organisation's definition (its own wording and cut-offs, else the built-in). */
	const struct questionnaire *def = questionnaire_for_org(r->site->ac->store, l.org_id, l.questionnaire);
	if (!def) {
		state_page(r, OLINK_UNKNOWN);
		return;
	}
	struct outcome_form f;
	struct form_errors fe = { 0 };
	if (!outcomes_form_parse(r, def, &f, &fe))
		return;
	if (fe.n) {
		form_page(r, 422, def, &f, &fe);
		return;
	}
	int32_t today = date_today_cet();
	char day[11];
	date_format(today, day);
	struct outcome_in in = { .taken_on = day, .sex = f.sex, .answers = f.answers,
				 .nanswers = f.days[0] ? 0 : f.nanswers, .days = f.days };
	struct field_error fer = { 0 };
	struct q_error qe = { 0 };
	rc = outcomes_link_submit(r->site->ac, r->addr, token, &in, today, now, &st, &fer, &qe);
	if (rc == ACC_INVALID || rc == OUTCOME_QINVALID) {
		outcomes_form_errors(r, def, rc, &fer, &qe, &fe);
		form_page(r, 422, def, &f, &fe);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	if (state_page(r, st))
		return;
	message_page(r, 200, N_("Thank you"),
		     N_("Your answers have been received. You can close this page now."), true);
}
