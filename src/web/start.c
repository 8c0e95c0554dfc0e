/* start.c: the start page of the chosen organisation — who you are here and what your
 * role lets you do. */
#include "web/web.h"

#include "html/layout.h"

static void link_item(struct html *w, const char *href, const char *label, const char *desc)
{
	html_raw(w, "<li><a class=\"ds-link\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a> – ");
	html_text(w, desc);
	html_raw(w, "</li>\n");
}

void start_get(struct req *r)
{
	struct html w;
	page_begin(r, &w, r->org_name);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_fmt(&w, T(r, "Welcome, {}. You work in {} as {}."), r->user.name[0] ? r->user.name : r->user.email,
		 r->org_name, T(r, role_label(r->role)));
	html_raw(&w, "</p>\n<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "What you can do"));
	html_raw(&w, "</h2>\n<ul class=\"ds-list tolv-links\">\n");
	if (r->role & ROLE_ADMIN)
		link_item(&w, "/users", T(r, "Users"), T(r, "give staff access, change roles, reset passwords"));
	if (r->role & ROLE_ADMIN) /* issue 6: whether sober-since dates are shown (web/relapses.c) */
		link_item(&w, "/settings/relapses", T(r, "Relapse settings"),
			  T(r, "choose whether sober-since dates are shown"));
	if (r->role & (ROLE_ADMIN | ROLE_AUDITOR))
		link_item(&w, "/audit", T(r, "Audit log"), T(r, "see who did what, and export it"));
	link_item(&w, "/account", T(r, "My account"), T(r, "change your password and language"));
	html_raw(&w, "</ul>\n");
	if (r->role & ROLE_THERAPIST)
		caseload_summary(r, &w);
	if (r->role & ROLE_THERAPIST)
		stepwork_overdue_block(r, &w); /* overdue plan assignments (web/stepwork.c) */
	if (r->role & ROLE_STAFF)
		relapses_drafts_block(r, &w); /* draft relapses to confirm or reject (web/relapses.c) */
	if (r->role & ROLE_STAFF)
		notes_drafts_block(r, &w); /* the caller's drafts older than a week (web/notes.c) */
	if (r->role & ROLE_STAFF)
		fac_revisits_block(r, &w); /* mutual-help groups to take up again (web/facilitation.c) */
	if (r->role & ROLE_STAFF)
		outcomes_due_block(r, &w); /* outcome measures due or overdue (web/outcomes.c) */
	if (r->role & (ROLE_THERAPIST | ROLE_COORDINATOR)) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "Participants, groups and attendance will appear here."));
		html_raw(&w, "</p>\n");
	}
	page_end(r, &w, 200);
}
