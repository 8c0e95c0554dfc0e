/* users.c: user administration of one organisation (role admin): list, add, change
 * role or access, reset to a one-time password. Users of other organisations do not
 * exist here (404). */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/util.h"
#include "html/form.h"
#include "html/layout.h"

#define PAGE_SIZE 50

static const enum role role_order[] = { ROLE_ADMIN, ROLE_COORDINATOR, ROLE_THERAPIST, ROLE_AUDITOR };

static void role_select(struct html *w, struct req *r, const struct form_errors *fe, const char *selected)
{
	struct option opts[4];
	for (size_t i = 0; i < 4; i++) {
		opts[i].value = role_name(role_order[i]);
		opts[i].label = T(r, role_label(role_order[i]));
	}
	form_select(w, r, fe, "role", T(r, "Role"), opts, 4, selected);
}

static void link_button(struct html *w, const char *href, const char *label)
{
	html_raw(w, "<p><a class=\"ds-button\" data-variant=\"primary\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></p>\n");
}

static void user_href(struct buf *b, int64_t id)
{
	buf_addf(b, "/users/%" PRId64, id);
}

static const char *status_text(struct req *r, const struct user *u, const struct membership *m)
{
	if (u->disabled)
		return T(r, "Account disabled");
	if (m->disabled)
		return T(r, "Access withdrawn");
	if (u->must_change_password)
		return T(r, "Active (must choose a password)");
	return T(r, "Active");
}

void users_list_get(struct req *r)
{
	int64_t page;
	if (!query_int_or_400(r, "page", 1, 1000000, 1, &page))
		return;
	struct user_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_user_list(r->site->ac->store, r->org_id, PAGE_SIZE, (int)((page - 1) * PAGE_SIZE), &rows, &n,
				 &total);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Users"));
	link_button(&w, "/users/new", T(r, "Add user"));
	if (n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No users on this page."));
		html_raw(&w, "</p>\n");
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_fmt(&w, T(r, "Users in {}"), r->org_name);
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "E-mail"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Role"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Status"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			const struct user *u = &rows[i].user;
			struct buf href = BUF_INIT;
			user_href(&href, u->id);
			html_raw(&w, "<tr><td><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, u->name[0] ? u->name : T(r, "(no name)"));
			html_raw(&w, "</a></td><td>");
			html_text(&w, u->email);
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, role_label(role_parse(rows[i].m.role))));
			html_raw(&w, "</td><td>");
			html_text(&w, status_text(r, u, &rows[i].m));
			html_raw(&w, "</td></tr>\n");
			buf_release(&href);
		}
		html_raw(&w, "</tbody>\n</table>\n");
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
		if (page > 1) {
			html_raw(&w, "<li><a class=\"ds-link\" href=\"/users?page=");
			html_int(&w, page - 1);
			html_raw(&w, "\">");
			html_text(&w, T(r, "Previous page"));
			html_raw(&w, "</a></li>");
		}
		if (page < pages) {
			html_raw(&w, "<li><a class=\"ds-link\" href=\"/users?page=");
			html_int(&w, page + 1);
			html_raw(&w, "\">");
			html_text(&w, T(r, "Next page"));
			html_raw(&w, "</a></li>");
		}
		html_raw(&w, "</ul></nav>\n");
	}
	free(rows);
	page_end(r, &w, 200);
}

static void new_user_form(struct req *r, int status, const char *email, const char *name, const char *role,
			  const struct form_errors *fe)
{
	struct html w;
	page_begin(r, &w, T(r, "Add user"));
	form_error_summary(&w, r, fe);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "The user gets a one-time password, shown once after saving. If the e-mail address "
			   "already has an account (in another organisation), it is given access here instead."));
	html_raw(&w, "</p>\n");
	form_begin(&w, r, "/users");
	form_input(&w, r, fe,
		   &(struct input){ .name = "email", .label = T(r, "E-mail"), .type = "email", .value = email,
				    .autocomplete = "off", .required = true });
	form_input(&w, r, fe,
		   &(struct input){ .name = "name", .label = T(r, "Name"), .type = "text", .value = name,
				    .autocomplete = "off" });
	role_select(&w, r, fe, role && *role ? role : "therapist");
	form_button(&w, "primary", T(r, "Add user"));
	form_end(&w);
	html_raw(&w, "<p><a class=\"ds-link\" href=\"/users\">");
	html_text(&w, T(r, "Back to users"));
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, status);
}

void users_new_get(struct req *r)
{
	new_user_form(r, 200, "", "", "therapist", NULL);
}

/* The page that shows a one-time password once (never in a URL, never stored). */
static void onetime_page(struct req *r, const char *title, const char *intro, const struct user *u,
			 const char *onetime)
{
	struct html w;
	page_begin(r, &w, title);
	page_alert(&w, "success", intro);
	html_raw(&w, "<dl class=\"tolv-facts\"><dt>");
	html_text(&w, T(r, "Name"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, u->name[0] ? u->name : "–");
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "E-mail"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, u->email);
	html_raw(&w, "</dd></dl>\n");
	const char *email = u->email;
	int64_t user_id = u->id;
	if (onetime && *onetime) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_fmt(&w, T(r, "One-time password for {}:"), email);
		html_raw(&w, "</p>\n<p class=\"tolv-secret\"><code>");
		html_text(&w, onetime);
		html_raw(&w, "</code></p>\n<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Give it to the user in a safe way. It is shown only now; the user chooses a new "
				   "password at first login."));
		html_raw(&w, "</p>\n");
	}
	struct buf href = BUF_INIT;
	user_href(&href, user_id);
	html_raw(&w, "<ul class=\"ds-list tolv-links\"><li><a class=\"ds-link\"");
	html_attr(&w, "href", href.data);
	html_raw(&w, ">");
	html_text(&w, T(r, "Show the user"));
	html_raw(&w, "</a></li><li><a class=\"ds-link\" href=\"/users\">");
	html_text(&w, T(r, "Back to users"));
	html_raw(&w, "</a></li></ul>\n");
	buf_release(&href);
	page_end(r, &w, 200);
}

void users_create_post(struct req *r)
{
	const char *email, *name, *role;
	if (!form_str_or_400(r, "email", 1000, &email) || !form_str_or_400(r, "name", 1000, &name) ||
	    !form_str_or_400(r, "role", 100, &role))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	char onetime[64] = "";
	struct user u;
	bool existing = false;
	int rc = accounts_user_add(r->site->ac, &a, r->org_id, email, name, role, NULL, onetime, sizeof onetime, &u,
				   &existing, &fe);
	if (rc == ACC_INVALID || (rc == STORE_CONFLICT && fe.message)) {
		struct form_errors errs = { 0 };
		form_error(&errs, fe.field ? fe.field : "email", fe.message);
		new_user_form(r, rc == STORE_CONFLICT ? 409 : 422, email, name, role, &errs);
		return;
	}
	if (rc != 0) {
		resp_store_error(r, rc);
		return;
	}
	if (existing) {
		onetime_page(r, T(r, "User given access"),
			     T(r, "This e-mail address already had an account. It now has access to this "
				  "organisation too, with its existing password."),
			     &u, NULL);
	} else {
		onetime_page(r, T(r, "User added"), T(r, "The user was added."), &u, onetime);
	}
	secure_wipe(onetime, sizeof onetime);
}

void audit_user_read(struct req *r, int64_t user_id)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, user_id);
	audit_event(r->site->ac->audit, r->user.id, r->user.email, r->org_id, r->addr, "user.read", "user", oid,
		    r->via_token ? "api" : NULL);
}

/* Loads user id with their membership in the current organisation; answers 404 itself. */
static bool load_user(struct req *r, struct user *u, struct membership *m)
{
	int rc = store_membership_get(r->site->ac->store, r->id, r->org_id, m);
	if (rc == STORE_OK)
		rc = store_user_get(r->site->ac->store, r->id, u);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return false;
	}
	return true;
}

static void access_radio(struct html *w, const char *id, const char *value, const char *label, bool checked)
{
	html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"radio\" name=\"access\"");
	html_attr(w, "id", id);
	html_attr(w, "value", value);
	if (checked)
		html_raw(w, " checked");
	html_raw(w, "><label class=\"ds-label\"");
	html_attr(w, "for", id);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</label></div>\n");
}

static void user_page(struct req *r, int status, const struct user *u, const struct membership *m,
		      const char *role, bool withdrawn, const struct form_errors *fe)
{
	struct html w;
	page_begin(r, &w, u->name[0] ? u->name : u->email);
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	html_raw(&w, "<dl class=\"tolv-facts\"><dt>");
	html_text(&w, T(r, "E-mail"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, u->email);
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, status_text(r, u, m));
	html_raw(&w, "</dd></dl>\n");

	struct buf action = BUF_INIT;
	user_href(&action, u->id);
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Role and access"));
	html_raw(&w, "</h2>\n");
	form_begin(&w, r, action.data);
	role_select(&w, r, fe, role);
	html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-label\">");
	html_text(&w, T(r, "Access to this organisation"));
	html_raw(&w, "</legend>\n");
	access_radio(&w, "f-access", "active", T(r, "Active"), !withdrawn);
	access_radio(&w, "f-access-withdrawn", "withdrawn", T(r, "Withdrawn"), withdrawn);
	html_raw(&w, "</fieldset>\n");
	form_button(&w, "primary", T(r, "Save changes"));
	form_end(&w);

	buf_adds(&action, "/password");
	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Password"));
	html_raw(&w, "</h2>\n<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Resetting gives the user a new one-time password and logs them out everywhere."));
	html_raw(&w, "</p>\n");
	form_begin(&w, r, action.data);
	form_button(&w, "secondary", T(r, "Reset password"));
	form_end(&w);
	buf_release(&action);

	html_raw(&w, "<p><a class=\"ds-link\" href=\"/users\">");
	html_text(&w, T(r, "Back to users"));
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, status);
}

void user_get(struct req *r)
{
	struct user u;
	struct membership m;
	if (!load_user(r, &u, &m))
		return;
	audit_user_read(r, u.id);
	user_page(r, 200, &u, &m, m.role, m.disabled, NULL);
}

void user_post(struct req *r)
{
	struct user u;
	struct membership m;
	if (!load_user(r, &u, &m))
		return;
	const char *role, *access;
	if (!form_str_or_400(r, "role", 100, &role) || !form_str_or_400(r, "access", 100, &access))
		return;
	struct form_errors errs = { 0 };
	bool withdrawn = strcmp(access, "withdrawn") == 0;
	if (!withdrawn && strcmp(access, "active") != 0)
		form_error(&errs, "access", N_("Choose whether the user has access."));
	if (!errs.n) {
		struct actor a;
		req_actor(r, &a);
		struct field_error fe = { 0 };
		int rc = accounts_membership_set(r->site->ac, &a, u.id, r->org_id, role, withdrawn, &fe);
		if (rc == ACC_INVALID) {
			form_error(&errs, fe.field ? fe.field : "role", fe.message);
		} else if (rc != 0) {
			resp_store_error(r, rc);
			return;
		}
	}
	if (errs.n) {
		user_page(r, 422, &u, &m, role, withdrawn, &errs);
		return;
	}
	struct buf loc = BUF_INIT;
	user_href(&loc, u.id);
	buf_adds(&loc, "?saved=1");
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void user_password_post(struct req *r)
{
	struct user u;
	struct membership m;
	if (!load_user(r, &u, &m))
		return;
	struct actor a;
	req_actor(r, &a);
	char onetime[64] = "";
	int rc = accounts_reset_password(r->site->ac, &a, u.id, onetime, sizeof onetime);
	if (rc != 0) {
		resp_store_error(r, rc);
		return;
	}
	onetime_page(r, T(r, "Password reset"), T(r, "The password was reset and the user was logged out."), &u,
		     onetime);
	secure_wipe(onetime, sizeof onetime);
}

/* A user's name (their e-mail if they gave none, "–" for none or an unknown id), escaped. */
void user_display_name(struct req *r, int64_t id, struct html *w)
{
	struct user u;
	if (id && store_user_get(r->site->ac->store, id, &u) == STORE_OK)
		html_text(w, u.name[0] ? u.name : u.email);
	else
		html_text(w, "–");
}
