/* layout.c: the page layout and the error pages (see layout.h). */
#include "html/layout.h"

#include <string.h>

#include "http/static.h"

static void stylesheet(struct html *w, struct req *r, enum static_id id)
{
	const char *v = static_version(r->site, id);
	if (!v)
		return; /* not installed: the page still works, unstyled */
	html_raw(w, "<link rel=\"stylesheet\" href=\"");
	html_text(w, r->site->files[id].url);
	html_raw(w, "?v=");
	html_url_param(w, v);
	html_raw(w, "\">\n");
}

static bool path_is(const struct req *r, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strcmp(prefix, "/") == 0)
		return strcmp(r->path, "/") == 0;
	return strncmp(r->path, prefix, n) == 0 && (r->path[n] == '\0' || r->path[n] == '/' || r->path[n] == '.');
}

static void nav_item(struct html *w, struct req *r, const char *href, const char *label)
{
	html_raw(w, "<li><a class=\"ds-link\"");
	html_attr(w, "href", href);
	if (path_is(r, href))
		html_raw(w, " aria-current=\"page\"");
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></li>");
}

static void header(struct html *w, struct req *r)
{
	html_raw(w, "<header class=\"tolv-header\">\n<div class=\"tolv-header-bar\">\n"
		    "<a class=\"tolv-brand\" href=\"/\">tolv</a>\n");
	if (r->logged_in && !r->via_token) {
		html_raw(w, "<div class=\"tolv-who\">\n<p class=\"tolv-who-text\"><span class=\"tolv-who-name\">");
		html_text(w, r->user.name[0] ? r->user.name : r->user.email);
		html_raw(w, "</span>");
		if (r->org_id) {
			html_raw(w, "<span class=\"tolv-who-org\">");
			html_text(w, r->org_name);
			html_raw(w, " · ");
			html_text(w, T(r, role_label(r->role)));
			html_raw(w, "</span>");
		}
		html_raw(w, "</p>\n<form method=\"post\" action=\"/logout\">"
			    "<input type=\"hidden\" name=\"csrf\"");
		html_attr(w, "value", req_csrf_token(r));
		html_raw(w, "><button class=\"ds-button\" data-variant=\"secondary\" data-size=\"sm\" type=\"submit\">");
		html_text(w, T(r, "Log out"));
		html_raw(w, "</button></form>\n</div>\n");
	}
	html_raw(w, "</div>\n");
	if (r->logged_in && !r->via_token && !r->user.must_change_password) {
		html_raw(w, "<nav class=\"tolv-nav\"");
		html_attr(w, "aria-label", T(r, "Main menu"));
		html_raw(w, "><ul>");
		if (r->org_id) {
			nav_item(w, r, "/", T(r, "Start"));
			if (r->role & (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_THERAPIST))
				nav_item(w, r, "/persons", T(r, "People"));
			if (r->role & (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_THERAPIST))
				nav_item(w, r, "/caseload", T(r, "Caseload"));
			if (r->role & (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_THERAPIST))
				nav_item(w, r, "/programmes", T(r, "Programmes"));
			if (r->role & (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_THERAPIST))
				nav_item(w, r, "/referrals", T(r, "Referrals"));
			if (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) /* directory editors (issue 5) */
				nav_item(w, r, "/directory", T(r, "Meeting directory"));
			if (r->role & ROLE_ADMIN)
				nav_item(w, r, "/users", T(r, "Users"));
			if (r->role & ROLE_ADMIN) /* the organisation's step wording (issue 4) */
				nav_item(w, r, "/settings/steps", T(r, "Step wording"));
			if (r->role & (ROLE_ADMIN | ROLE_AUDITOR)) /* own questionnaire definitions (issue 6) */
				nav_item(w, r, "/settings/questionnaires", T(r, "Questionnaire definitions"));
			if (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) /* staff training (issue 7) */
				nav_item(w, r, "/training", T(r, "Staff training"));
			if (r->role & ROLE_ADMIN) /* sobriety tests (issue 6) */
				nav_item(w, r, "/substances", T(r, "Substance classes"));
			if (r->role & (ROLE_ADMIN | ROLE_AUDITOR)) /* sobriety tests (issue 6) */
				nav_item(w, r, "/test-draws", T(r, "Random test draws"));
			if (r->role & (ROLE_ADMIN | ROLE_AUDITOR))
				nav_item(w, r, "/audit", T(r, "Audit log"));
			if (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) /* the network report (issue 7) */
				nav_item(w, r, "/network", T(r, "The network"));
		}
		nav_item(w, r, "/org", T(r, "Organisation"));
		nav_item(w, r, "/account", T(r, "My account"));
		html_raw(w, "</ul></nav>\n");
	}
	html_raw(w, "</header>\n");
}

void page_begin(struct req *r, struct html *w, const char *title)
{
	buf_reset(&r->out);
	html_init(w, &r->out);
	html_raw(w, "<!doctype html>\n<html");
	html_attr(w, "lang", lang_code(r->lang));
	html_raw(w, " data-color-scheme=\"light\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<link rel=\"icon\" href=\"data:,\">\n<title>");
	html_text(w, title);
	html_raw(w, " – tolv</title>\n");
	stylesheet(w, r, STATIC_DS_THEME);
	stylesheet(w, r, STATIC_DS_INDEX);
	stylesheet(w, r, STATIC_TOLV);
	html_raw(w, "</head>\n<body>\n<a class=\"ds-skip-link\" href=\"#main\">");
	html_text(w, T(r, "Skip to main content"));
	html_raw(w, "</a>\n");
	header(w, r);
	html_raw(w, "<main id=\"main\" tabindex=\"-1\">\n<h1 class=\"ds-heading\" data-size=\"lg\">");
	html_text(w, title);
	html_raw(w, "</h1>\n");
}

static void footer(struct html *w, struct req *r)
{
	html_raw(w, "<footer class=\"tolv-footer\">\n<form method=\"post\"");
	html_attr(w, "action", r->logged_in && !r->via_token ? "/account/language" : "/language");
	html_raw(w, ">\n<input type=\"hidden\" name=\"csrf\"");
	html_attr(w, "value", req_csrf_token(r));
	html_raw(w, ">\n<input type=\"hidden\" name=\"next\"");
	/* Only a GET page can be returned to; after a POST go to the start page. */
	html_attr(w, "value", r->method == M_GET && local_path_ok(r->path) ? r->path : "/");
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
	html_raw(w, "</fieldset>\n</form>\n</footer>\n");
}

void page_end(struct req *r, struct html *w, int status)
{
	html_raw(w, "</main>\n");
	footer(w, r);
	html_raw(w, "</body>\n</html>\n");
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
}

void page_alert_(struct html *w, const char *color, const char *text)
{
	html_raw(w, "<div class=\"ds-alert\" data-color=\"");
	html_raw_(w, color);
	html_raw(w, "\"><p>");
	html_text(w, text);
	html_raw(w, "</p></div>\n");
}

static const char *error_title(int status)
{
	switch (status) {
	case 400: return N_("Bad request");
	case 401: return N_("Login required");
	case 403: return N_("No access");
	case 404: return N_("Page not found");
	case 405: return N_("Method not allowed");
	case 409: return N_("Already exists");
	case 413: return N_("Request too large");
	case 414: return N_("Address too long");
	case 415: return N_("Unsupported format");
	case 422: return N_("Invalid values");
	case 429: return N_("Too many attempts");
	case 431: return N_("Headers too large");
	case 503: return N_("Service unavailable");
	default: return N_("Something went wrong");
	}
}

void error_page(struct req *r, int status, const char *message)
{
	struct html w;
	page_begin(r, &w, T(r, error_title(status)));
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, message));
	html_raw(&w, "</p>\n<p class=\"ds-paragraph\"><a class=\"ds-link\" href=\"/\">");
	html_text(&w, T(r, "Go to the start page"));
	html_raw(&w, "</a></p>\n");
	page_end(r, &w, status);
}
