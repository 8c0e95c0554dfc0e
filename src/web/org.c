/* org.c: choosing the organisation to work in, among the user's active memberships. */
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/auth.h"
#include "html/form.h"
#include "html/layout.h"

void org_get(struct req *r)
{
	struct membership *ms = NULL;
	size_t n = 0;
	int rc = store_memberships_of_user(r->site->ac->store, r->user.id, &ms, &n);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Choose organisation"));
	size_t active = 0;
	for (size_t i = 0; i < n; i++)
		if (!ms[i].disabled && role_parse(ms[i].role) != ROLE_NONE)
			active++;
	if (!active) {
		page_alert(&w, "warning",
			   T(r, "You have no access to any organisation. Ask an administrator to give you access."));
	} else {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Choose the organisation you want to work in."));
		html_raw(&w, "</p>\n");
		form_begin(&w, r, "/org");
		const char *next = query_get(r, "next");
		if (next && local_path_ok(next)) {
			html_raw(&w, "<input type=\"hidden\" name=\"next\"");
			html_attr(&w, "value", next);
			html_raw(&w, ">\n");
		}
		html_raw(&w, "<ul class=\"tolv-choices\">\n");
		for (size_t i = 0; i < n; i++) {
			enum role role = role_parse(ms[i].role);
			if (ms[i].disabled || role == ROLE_NONE)
				continue;
			html_raw(&w, "<li><button class=\"ds-button\" data-variant=\"secondary\" type=\"submit\" "
				     "name=\"org\"");
			html_attr_int(&w, "value", ms[i].org_id);
			if (ms[i].org_id == r->org_id)
				html_raw(&w, " aria-current=\"true\"");
			html_raw(&w, "><span class=\"tolv-choice-name\">");
			html_text(&w, ms[i].org_name);
			html_raw(&w, "</span> <span class=\"tolv-choice-role\">(");
			html_text(&w, T(r, role_label(role)));
			html_raw(&w, ")</span></button></li>\n");
		}
		html_raw(&w, "</ul>\n");
		form_end(&w);
	}
	free(ms);
	page_end(r, &w, 200);
}

void org_post(struct req *r)
{
	int64_t org_id;
	const char *v = form_get(r, "org");
	if (!v || parse_int64(v, 1, INT64_MAX, &org_id) != 0) {
		resp_error(r, 400, "bad_request", N_("Choose one of the organisations offered."), "org");
		return;
	}
	struct membership m;
	int rc = store_membership_get(r->site->ac->store, r->user.id, org_id, &m);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && (m.disabled || role_parse(m.role) == ROLE_NONE))) {
		resp_error(r, 403, "forbidden", N_("You do not have access to that organisation."), "org");
		return;
	}
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	rc = session_set_org(r->site->ac->store, r->session_token, org_id);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)org_id);
	audit_event(r->site->ac->audit, r->user.id, r->user.email, org_id, r->addr, "org.choose", "org", oid, NULL);
	const char *next = form_get(r, "next");
	resp_redirect(r, local_path_ok(next) ? next : "/");
}
