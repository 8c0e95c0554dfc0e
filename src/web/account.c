/* account.c: the user's own account — password (also the forced change after a
 * one-time password) and language. */
#include "web/web.h"

#include <string.h>

#include "core/alloc.h"
#include "domain/password.h"
#include "html/form.h"
#include "html/layout.h"

void account_get(struct req *r)
{
	struct html w;
	page_begin(r, &w, T(r, "My account"));
	if (query_get(r, "changed"))
		page_alert(&w, "success", T(r, "Your password was changed."));
	html_raw(&w, "<dl class=\"tolv-facts\"><dt>");
	html_text(&w, T(r, "Name"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, r->user.name[0] ? r->user.name : "–");
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "E-mail"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, r->user.email);
	html_raw(&w, "</dd></dl>\n<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Language"));
	html_raw(&w, "</h2>\n");
	form_begin(&w, r, "/account/language");
	html_raw(&w, "<input type=\"hidden\" name=\"next\" value=\"/account\">\n");
	struct option opts[LANG_COUNT];
	for (int l = 0; l < LANG_COUNT; l++) {
		opts[l].value = lang_code((enum lang)l);
		opts[l].label = lang_name((enum lang)l);
	}
	form_select(&w, r, NULL, "lang", T(r, "Language of the pages"), opts, LANG_COUNT, lang_code(r->lang));
	form_button(&w, "primary", T(r, "Save language"));
	form_end(&w);
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Password"));
	html_raw(&w, "</h2>\n<p><a class=\"ds-link\" href=\"/account/password\">");
	html_text(&w, T(r, "Change password"));
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, 200);
}

static void password_form(struct req *r, int status, const struct form_errors *fe)
{
	struct html w;
	page_begin(r, &w, T(r, "Change password"));
	form_error_summary(&w, r, fe);
	if (r->user.must_change_password)
		page_alert(&w, "info",
			   T(r, "You logged in with a one-time password. Choose your own password to go on."));
	form_begin(&w, r, "/account/password");
	form_input(&w, r, fe,
		   &(struct input){ .name = "current", .label = T(r, "Current password"), .type = "password",
				    .autocomplete = "current-password", .required = true });
	form_input(&w, r, fe,
		   &(struct input){ .name = "new", .label = T(r, "New password"), .type = "password",
				    .autocomplete = "new-password", .required = true,
				    .description = T(r, "At least 10 characters. A few unrelated words make a good password.") });
	form_input(&w, r, fe,
		   &(struct input){ .name = "repeat", .label = T(r, "Repeat the new password"), .type = "password",
				    .autocomplete = "new-password", .required = true });
	form_button(&w, "primary", T(r, "Change password"));
	form_end(&w);
	page_end(r, &w, status);
}

void account_password_get(struct req *r)
{
	password_form(r, 200, NULL);
}

static void wipe(const char *s)
{
	if (s)
		secure_wipe((char *)s, strlen(s));
}

void account_password_post(struct req *r)
{
	const char *cur = form_get(r, "current"), *nw = form_get(r, "new"), *rep = form_get(r, "repeat");
	struct form_errors fe = { 0 };
	if (!cur || !*cur)
		form_error(&fe, "current", N_("Enter your current password."));
	else if (strlen(cur) > 1024 || !password_verify(r->user.password_hash, cur))
		form_error(&fe, "current", N_("The current password is wrong."));
	if (!nw || !*nw) {
		form_error(&fe, "new", N_("Enter a new password."));
	} else {
		const char *why = password_policy(nw);
		if (why)
			form_error(&fe, "new", why);
		else if (!rep || strcmp(nw, rep) != 0)
			form_error(&fe, "repeat", N_("The two new passwords are not the same."));
	}
	if (!fe.n) {
		struct actor a;
		req_actor(r, &a);
		struct field_error err = { 0 };
		int rc = accounts_set_password(r->site->ac, &a, r->user.id, nw, false, &err);
		if (rc == ACC_INVALID) {
			form_error(&fe, "new", err.message);
		} else if (rc != 0) {
			wipe(cur), wipe(nw), wipe(rep);
			resp_store_error(r, rc);
			return;
		}
	}
	wipe(cur), wipe(nw), wipe(rep);
	if (fe.n) {
		password_form(r, 422, &fe);
		return;
	}
	if (r->user.must_change_password) {
		r->user.must_change_password = false;
		if (!r->org_id) {
			login_continue(r, "/");
			return;
		}
	}
	resp_redirect(r, "/account?changed=1");
}
