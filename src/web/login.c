/* login.c: logging in and out, and the language switch of every page's footer. */
#include "web/web.h"

#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/auth.h"
#include "html/form.h"
#include "html/layout.h"

static const char *safe_next(const char *next)
{
	return local_path_ok(next) ? next : "/";
}

static void hidden_next(struct html *w, const char *next)
{
	if (!next || !local_path_ok(next))
		return;
	html_raw(w, "<input type=\"hidden\" name=\"next\"");
	html_attr(w, "value", next);
	html_raw(w, ">\n");
}

/* The login form; alert is an English msgid shown above it (or NULL). The e-mail is
 * kept, the password never. */
static void login_form(struct req *r, int status, const char *email, const char *next, const char *alert,
		       const struct form_errors *fe)
{
	struct html w;
	page_begin(r, &w, T(r, "Log in"));
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "danger", T(r, alert));
	form_begin(&w, r, "/login");
	hidden_next(&w, next);
	form_input(&w, r, fe,
		   &(struct input){ .name = "email", .label = T(r, "E-mail"), .type = "email", .value = email,
				    .autocomplete = "username", .required = true });
	form_input(&w, r, fe,
		   &(struct input){ .name = "password", .label = T(r, "Password"), .type = "password",
				    .autocomplete = "current-password", .required = true });
	form_button(&w, "primary", T(r, "Log in"));
	form_end(&w);
	page_end(r, &w, status);
}

void login_get(struct req *r)
{
	const char *next = query_get(r, "next");
	if (r->logged_in) {
		resp_redirect(r, safe_next(next));
		return;
	}
	login_form(r, 200, "", next, NULL, NULL);
}

void login_continue(struct req *r, const char *next)
{
	struct membership *ms = NULL;
	size_t n = 0;
	int rc = store_memberships_of_user(r->site->ac->store, r->user.id, &ms, &n);
	if (rc != STORE_OK) {
		free(ms);
		resp_store_error(r, rc);
		return;
	}
	int64_t only = 0;
	size_t active = 0;
	for (size_t i = 0; i < n; i++)
		if (!ms[i].disabled && role_parse(ms[i].role) != ROLE_NONE) {
			active++;
			only = ms[i].org_id;
		}
	free(ms);
	if (active == 1) {
		rc = session_set_org(r->site->ac->store, r->session_token, only);
		if (rc != STORE_OK) {
			resp_store_error(r, rc);
			return;
		}
		resp_redirect(r, safe_next(next));
		return;
	}
	struct buf loc = BUF_INIT;
	buf_adds(&loc, "/org");
	if (next && local_path_ok(next) && strcmp(next, "/") != 0) {
		buf_adds(&loc, "?next=");
		url_encode(&loc, next);
	}
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void login_post(struct req *r)
{
	const char *email, *next = form_get(r, "next");
	if (!form_str_or_400(r, "email", STORE_EMAIL_MAX - 1, &email))
		return;
	const char *pw = form_get(r, "password");
	struct form_errors fe = { 0 };
	if (!*email)
		form_error(&fe, "email", N_("Enter your e-mail address."));
	if (!pw || !*pw)
		form_error(&fe, "password", N_("Enter your password."));
	if (fe.n) {
		login_form(r, 422, email, next, NULL, &fe);
		return;
	}
	if (strlen(pw) > 1024) {
		login_form(r, 422, email, next, N_("Wrong e-mail or password."), NULL);
		return;
	}
	struct user u;
	enum login_result lr = auth_login(r->site->ac, email, pw, r->addr, &u);
	secure_wipe((char *)pw, strlen(pw));
	switch (lr) {
	case LOGIN_FAILED:
		login_form(r, 422, email, next, N_("Wrong e-mail or password."), NULL);
		return;
	case LOGIN_THROTTLED:
		login_form(r, 429, email, next,
			   N_("Too many failed attempts. Wait 15 minutes and try again, or ask an administrator "
			      "to reset your password."),
			   NULL);
		return;
	case LOGIN_ERROR:
		resp_status(r, 503);
		return;
	case LOGIN_OK:
		break;
	}
	struct store *st = r->site->ac->store;
	/* A new session for every login: a token planted before login is never promoted. */
	if (r->logged_in && r->session_token[0])
		session_end(st, r->session_token);
	char token[STORE_TOKEN_MAX];
	struct session se;
	int rc = session_start(st, u.id, 0, token, sizeof token, &se);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	resp_cookie(r, "tolv_session", token, false);
	copy_str(r->session_token, sizeof r->session_token, token);
	secure_wipe(token, sizeof token);
	r->session = se;
	r->user = u;
	r->logged_in = true;
	if (u.must_change_password) {
		resp_redirect(r, "/account/password");
		return;
	}
	login_continue(r, next);
}

void logout_post(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	session_end(r->site->ac->store, r->session_token);
	audit_event(r->site->ac->audit, a.user_id, a.email, a.org_id, a.addr, "logout", "user", NULL, NULL);
	resp_cookie(r, "tolv_session", "", true);
	/* To the start page, which sends a logged-out browser on to /login. */
	resp_redirect(r, "/");
}

void language_post(struct req *r)
{
	const char *code = form_get(r, "lang");
	const char *next = form_get(r, "next");
	if (!code || !lang_supported(code)) {
		resp_error(r, 400, "bad_request", N_("Choose one of the languages offered."), "lang");
		return;
	}
	if (r->logged_in) {
		struct actor a;
		struct field_error fe = { 0 };
		req_actor(r, &a);
		int rc = accounts_set_lang(r->site->ac, &a, r->user.id, code, &fe);
		if (rc != 0) {
			resp_store_error(r, rc);
			return;
		}
	}
	/* Also remembered in the browser, so the login page after logging out keeps it. */
	struct buf c = BUF_INIT;
	buf_addf(&c, "tolv_lang=%s; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict%s", code,
		 r->https ? "; Secure" : "");
	resp_header(r, "Set-Cookie", c.data);
	buf_release(&c);
	resp_redirect(r, safe_next(next));
}
