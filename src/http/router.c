/* router.c: route matching and the dispatcher that enforces a route's flags — login,
 * organisation, role, CSRF, body parsing — before its handler runs. */
#include "http/router.h"

#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "domain/auth.h"

bool pattern_match(const char *pattern, const char *path, int64_t *id)
{
	const char *p = pattern, *s = path;
	while (*p) {
		if (p[0] == '{') {
			/* "{id}": one segment of digits, up to the next '/' or the end. */
			const char *close = strchr(p, '}');
			if (!close)
				return false;
			size_t seglen = strcspn(s, "/");
			char seg[24];
			if (seglen == 0 || seglen >= sizeof seg)
				return false;
			memcpy(seg, s, seglen);
			seg[seglen] = '\0';
			int64_t v;
			if (parse_int64(seg, 1, INT64_MAX, &v) != 0 || seg[0] == '0')
				return false;
			if (id)
				*id = v;
			p = close + 1;
			s += seglen;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

enum route_match_result route_match(const struct route *table, size_t n, enum method m, const char *path,
				    const struct route **out, int64_t *id, unsigned *allow)
{
	unsigned allowed = 0;
	/* HEAD is GET without the body; MHD drops the body itself. */
	enum method want = m == M_HEAD ? M_GET : m;
	for (size_t i = 0; i < n; i++) {
		int64_t v = 0;
		if (!pattern_match(table[i].pattern, path, &v))
			continue;
		if (table[i].method == (unsigned)want) {
			*out = &table[i];
			if (id)
				*id = v;
			return ROUTE_OK;
		}
		allowed |= table[i].method;
		if (table[i].method == M_GET)
			allowed |= M_HEAD;
	}
	if (allow)
		*allow = allowed;
	return allowed ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

void methods_format(unsigned mask, struct buf *out)
{
	static const struct {
		unsigned m;
		const char *name;
	} names[] = { { M_GET, "GET" },	  { M_HEAD, "HEAD" },	  { M_POST, "POST" },	    { M_PUT, "PUT" },
		      { M_PATCH, "PATCH" }, { M_DELETE, "DELETE" }, { M_OPTIONS, "OPTIONS" } };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(mask & names[i].m))
			continue;
		if (out->len)
			buf_adds(out, ", ");
		buf_adds(out, names[i].name);
	}
}

static bool token_chars_ok(const char *t)
{
	size_t n = 0;
	for (; t[n]; n++) {
		char c = t[n];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_'))
			return false;
	}
	return n > 0 && n < STORE_TOKEN_MAX;
}

/* Loads the membership of the current user in org_id into r; false if missing or
 * withdrawn. */
static bool apply_membership(struct req *r, const struct membership *m)
{
	enum role role = role_parse(m->role);
	if (m->disabled || role == ROLE_NONE)
		return false;
	r->org_id = m->org_id;
	r->role = role;
	copy_str(r->org_name, sizeof r->org_name, m->org_name);
	return true;
}

static int load_membership(struct req *r, int64_t org_id, bool *ok)
{
	struct membership m;
	*ok = false;
	int rc = store_membership_get(r->site->ac->store, r->user.id, org_id, &m);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		return rc;
	*ok = apply_membership(r, &m);
	return 0;
}

/* Authorization: Bearer <token> → user, org and role of the token. 0, or an answer
 * was given (1), or a store error (<0). */
static int auth_bearer(struct req *r)
{
	const char *h = r->hdr.authorization;
	if (strncasecmp(h, "Bearer ", 7) != 0 || !token_chars_ok(h + 7)) {
		resp_error(r, 401, "unauthorized", N_("A valid API token is required."), NULL);
		return 1;
	}
	struct api_token t;
	int rc = api_token_resume(r->site->ac->store, h + 7, &t);
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 401, "unauthorized", N_("A valid API token is required."), NULL);
		return 1;
	}
	if (rc != STORE_OK)
		return rc;
	rc = store_user_get(r->site->ac->store, t.user_id, &r->user);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	bool ok = false;
	if (rc == STORE_OK && !r->user.disabled && (rc = load_membership(r, t.org_id, &ok)) < 0)
		return rc;
	if (!ok) {
		resp_error(r, 401, "unauthorized", N_("This API token's user has no access to the organisation."),
			   NULL);
		return 1;
	}
	r->logged_in = true;
	r->via_token = true;
	return 0;
}

/* The tolv_session cookie → session, user and (if chosen and still allowed) org. */
static int auth_session(struct req *r)
{
	const char *tok = params_get(&r->cookies, "tolv_session");
	if (!tok || !token_chars_ok(tok))
		return 0;
	struct store *st = r->site->ac->store;
	/* One read for the session, its user and the membership in its organisation. */
	struct session_principal p;
	int rc = session_resume_principal(st, tok, &p);
	if (rc == STORE_NOTFOUND) {
		resp_cookie(r, "tolv_session", "", true); /* expired (or its user gone): forget it */
		return 0;
	}
	if (rc != STORE_OK)
		return rc;
	r->session = p.se;
	r->user = p.user;
	if (r->user.disabled) {
		session_end(st, tok);
		resp_cookie(r, "tolv_session", "", true);
		return 0;
	}
	copy_str(r->session_token, sizeof r->session_token, tok);
	r->logged_in = true;
	/* No membership, or access withdrawn since the org was chosen: choose again. */
	if (r->session.org_id && p.has_membership)
		apply_membership(r, &p.m);
	return 0;
}

static void redirect_with_next(struct req *r, const char *to)
{
	struct buf loc = BUF_INIT;
	buf_adds(&loc, to);
	if (r->method == M_GET && strcmp(r->path, "/") != 0) {
		struct buf next = BUF_INIT;
		buf_adds(&next, r->path);
		if (*r->raw_query) {
			buf_addch(&next, '?');
			buf_adds(&next, r->raw_query);
		}
		buf_adds(&loc, "?next=");
		url_encode(&loc, next.data);
		buf_release(&next);
	}
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

static void json_free_cb(void *j)
{
	json_decref(j);
}

/* Form or JSON body, by the route's kind; answers 400/413/415 itself. */
static bool parse_body(struct req *r)
{
	if (r->method != M_POST && r->method != M_PATCH && r->method != M_PUT)
		return true;
	if (r->body_too_large) {
		resp_error(r, 413, "too_large", N_("The request is too large (at most 64 KiB)."), NULL);
		return false;
	}
	const char *ct = r->hdr.content_type ? r->hdr.content_type : "";
	size_t ctlen = strcspn(ct, "; \t");
	if (r->api) {
		if (ctlen != 16 || strncasecmp(ct, "application/json", 16) != 0) {
			resp_error(r, 415, "unsupported_media_type", N_("Send the request body as application/json."),
				   NULL);
			return false;
		}
		json_error_t err;
		json_t *j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &err);
		if (!j) {
			resp_error(r, 400, "bad_json", N_("The request body is not valid JSON."), NULL);
			return false;
		}
		pool_defer(&r->pool, json_free_cb, j);
		if (!json_is_object(j)) {
			resp_error(r, 400, "bad_json", N_("The request body must be a JSON object."), NULL);
			return false;
		}
		r->json = j;
		return true;
	}
	if (r->body.len == 0)
		return true;
	if (ctlen != 33 || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
		resp_error(r, 415, "unsupported_media_type", N_("The form was sent in a format tolv does not accept."),
			   NULL);
		return false;
	}
	if (form_parse(&r->pool, r->body.data, r->body.len, &r->form) != 0) {
		resp_error(r, 400, "bad_request", N_("The form contained characters that are not allowed."), NULL);
		return false;
	}
	return true;
}

static bool csrf_ok(struct req *r)
{
	if (r->via_token)
		return true;
	const char *sent;
	if (r->api)
		sent = r->hdr.csrf;
	else
		sent = params_get(&r->form, "csrf");
	if (!sent || !*sent)
		return false;
	if (r->logged_in)
		return r->session.csrf[0] && secret_equal(sent, r->session.csrf);
	/* Before login: double submit — the hidden field must equal the tolv_csrf cookie,
	 * which another site can neither read nor set. */
	const char *cookie = params_get(&r->cookies, "tolv_csrf");
	return cookie && *cookie && secret_equal(sent, cookie);
}

void router_dispatch(struct req *r)
{
	r->api = strncmp(r->path, "/api/", 5) == 0;
	r->fhir = strncmp(r->path, "/fhir/", 6) == 0;
	r->api = r->api || r->fhir;
	const struct route *rt = NULL;
	unsigned allow = 0;
	enum route_match_result m = route_match(routes, routes_count, r->method, r->path, &rt, &r->id, &allow);
	if (m == ROUTE_OK && (rt->flags & NO_SESSION)) {
		r->route = rt;
		rt->handler(r);
		return;
	}

	/* Language before anything can fail, so every error page is in the right one:
	 * the cookie, else Accept-Language (the user's setting overrides it below). */
	if (cookie_parse(&r->pool, r->hdr.cookie, &r->cookies) != 0)
		r->cookies.n = 0;
	int l = lang_parse(params_get(&r->cookies, "tolv_lang"));
	if (l < 0)
		l = accept_language_parse(r->hdr.accept_language);
	r->lang = l >= 0 ? (enum lang)l : LANG_DEFAULT;

	if (m == ROUTE_NOT_FOUND) {
		resp_status(r, 404);
		return;
	}
	if (m == ROUTE_BAD_METHOD) {
		struct buf a = BUF_INIT;
		methods_format(allow, &a);
		resp_header(r, "Allow", a.data);
		buf_release(&a);
		resp_status(r, 405);
		return;
	}
	r->route = rt;
	if (r->api && !(rt->flags & API))
		r->api = false;

	if (form_parse(&r->pool, r->raw_query, strlen(r->raw_query), &r->query) != 0) {
		resp_error(r, 400, "bad_request", N_("The address contained characters that are not allowed."), NULL);
		return;
	}

	int rc = 0;
	if ((rt->flags & API) && r->hdr.authorization)
		rc = auth_bearer(r);
	else
		rc = auth_session(r);
	if (rc > 0)
		return;
	if (rc < 0) {
		log_error("auth: store failure %d: %s", rc, store_last_error());
		resp_store_error(r, rc);
		return;
	}
	if (r->logged_in) {
		int ul = lang_parse(r->user.lang);
		if (ul >= 0)
			r->lang = (enum lang)ul;
	}

	if ((rt->flags & NEEDS_LOGIN) && !r->logged_in) {
		if (r->api)
			resp_error(r, 401, "unauthorized", N_("Log in or send an API token."), NULL);
		else
			redirect_with_next(r, "/login");
		return;
	}
	if (r->logged_in && r->user.must_change_password && !(rt->flags & PW_CHANGE_OK)) {
		if (r->api)
			resp_error(r, 403, "password_change_required",
				   N_("Change your one-time password before doing anything else."), NULL);
		else
			resp_redirect(r, "/account/password");
		return;
	}
	if ((rt->flags & NEEDS_ORG) && !r->org_id) {
		if (r->api)
			resp_error(r, 403, "no_organisation", N_("Choose an organisation first."), NULL);
		else
			redirect_with_next(r, "/org");
		return;
	}
	if (rt->roles && !(r->role & rt->roles)) {
		resp_error(r, 403, "forbidden", N_("Your role does not give access to this page."), NULL);
		return;
	}
	if (!parse_body(r))
		return;
	if ((rt->flags & NEEDS_CSRF) && !(r->api && r->via_token) && !csrf_ok(r)) {
		resp_error(r, 403, "csrf",
			   r->api ? N_("Send the session's CSRF token in the X-CSRF-Token header.")
				  : N_("The form has expired or was sent from another site. Go back, reload the "
				       "page and try again."),
			   NULL);
		return;
	}
	rt->handler(r);
	if (!r->status) {
		log_error("handler for %s gave no answer", rt->pattern);
		resp_status(r, 500);
	}
}
