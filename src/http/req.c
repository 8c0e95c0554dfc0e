/* req.c: the per-request context — set-up, answers, and the …_or_400 input helpers. */
#include "http/req.h"

#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "html/layout.h"

void req_init(struct req *r, struct site *site)
{
	memset(r, 0, sizeof *r);
	pool_init(&r->pool);
	buf_init(&r->body);
	buf_init(&r->out);
	r->site = site;
	r->path = "/";
	r->raw_query = "";
	r->method_name = "GET";
	r->method = M_GET;
	r->lang = LANG_DEFAULT;
}

void req_release(struct req *r)
{
	/* Secrets that passed through this request do not outlive it in freed memory. */
	secure_wipe(r->session_token, sizeof r->session_token);
	secure_wipe(&r->session, sizeof r->session);
	secure_wipe(r->user.password_hash, sizeof r->user.password_hash);
	if (r->body.cap)
		secure_wipe(r->body.data, r->body.len);
	buf_release(&r->body);
	buf_release(&r->out);
	pool_release(&r->pool);
}

enum method method_parse(const char *name)
{
	static const struct {
		const char *name;
		enum method m;
	} map[] = { { "GET", M_GET },	  { "HEAD", M_HEAD },	  { "POST", M_POST },	    { "PUT", M_PUT },
		    { "PATCH", M_PATCH }, { "DELETE", M_DELETE }, { "OPTIONS", M_OPTIONS } };
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(name, map[i].name) == 0)
			return map[i].m;
	return M_OTHER;
}

void req_actor(const struct req *r, struct actor *out)
{
	memset(out, 0, sizeof *out);
	out->user_id = r->logged_in ? r->user.id : 0;
	copy_str(out->email, sizeof out->email, r->logged_in ? r->user.email : "");
	out->org_id = r->org_id;
	copy_str(out->addr, sizeof out->addr, r->addr);
}

const char *req_csrf_token(struct req *r)
{
	if (r->logged_in && !r->via_token)
		return r->session.csrf;
	if (!r->login_csrf[0]) {
		const char *c = params_get(&r->cookies, "tolv_csrf");
		size_t n = c ? strlen(c) : 0;
		if (n >= 22 && n < sizeof r->login_csrf && strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
								     "vwxyz0123456789-_") == n) {
			copy_str(r->login_csrf, sizeof r->login_csrf, c);
		} else {
			random_token(r->login_csrf, sizeof r->login_csrf, 24);
			resp_cookie(r, "tolv_csrf", r->login_csrf, false);
		}
	}
	return r->login_csrf;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders >= REQ_MAX_HEADERS) {
		log_error("too many response headers (dropped %s)", name);
		return;
	}
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = pool_strdup(&r->pool, value);
	r->nheaders++;
}

void resp_cookie(struct req *r, const char *name, const char *value, bool clear)
{
	/* No Max-Age: a browser-session cookie; the server decides when a session ends. */
	struct buf c = BUF_INIT;
	buf_addf(&c, "%s=%s; Path=/; HttpOnly; SameSite=Strict", name, value);
	if (r->https)
		buf_adds(&c, "; Secure");
	if (clear)
		buf_adds(&c, "; Max-Age=0");
	resp_header(r, "Set-Cookie", c.data);
	buf_release(&c);
}

void resp_redirect(struct req *r, const char *location)
{
	r->status = 303;
	r->ctype = "text/plain; charset=utf-8";
	buf_reset(&r->out);
	resp_header(r, "Location", location);
}

void resp_text(struct req *r, int status, const char *text)
{
	r->status = status;
	r->ctype = "text/plain; charset=utf-8";
	buf_reset(&r->out);
	buf_adds(&r->out, text);
}

void resp_json(struct req *r, int status, json_t *j)
{
	r->status = status;
	r->ctype = "application/json";
	buf_reset(&r->out);
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (!s) {
		/* Only on out-of-memory inside jansson. */
		buf_adds(&r->out, "{\"error\":{\"code\":\"internal\",\"message\":\"Internal error\",\"field\":null}}");
		r->status = 500;
		return;
	}
	buf_adds(&r->out, s);
	buf_addch(&r->out, '\n');
	free(s);
}

/* FHIR's issue type for an HTTP status (http://hl7.org/fhir/R4/valueset-issue-type.html). */
static const char *fhir_issue_code(int status)
{
	switch (status) {
	case 400: case 413: case 414: case 415: case 422: case 431: return "invalid";
	case 401: return "login";
	case 403: return "forbidden";
	case 404: return "not-found";
	case 405: return "not-supported";
	case 409: return "conflict";
	case 429: return "throttled";
	case 503: return "transient";
	default: return "exception";
	}
}

void resp_error(struct req *r, int status, const char *code, const char *message, const char *field)
{
	if (r->fhir) {
		json_t *issue = json_pack("{s:s, s:s, s:s}", "severity", "error", "code", fhir_issue_code(status),
					  "diagnostics", T(r, message));
		if (field)
			json_object_set_new(issue, "expression", json_pack("[s]", field));
		resp_json(r, status, json_pack("{s:s, s:[o]}", "resourceType", "OperationOutcome", "issue", issue));
		r->ctype = "application/fhir+json; charset=utf-8";
		return;
	}
	if (r->api) {
		json_t *j = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", T(r, message), "field",
				      field ? json_string(field) : json_null());
		resp_json(r, status, j);
		return;
	}
	error_page(r, status, message);
}

static const struct {
	int status;
	const char *code;
	const char *message;
} std_errors[] = {
	{ 400, "bad_request", N_("The request could not be understood.") },
	{ 401, "unauthorized", N_("Log in or send an API token.") },
	{ 403, "forbidden", N_("You do not have access to this page.") },
	{ 404, "not_found", N_("The page was not found.") },
	{ 405, "method_not_allowed", N_("This address does not accept that kind of request.") },
	{ 409, "conflict", N_("That already exists.") },
	{ 413, "too_large", N_("The request is too large (at most 64 KiB).") },
	{ 414, "uri_too_long", N_("The address is too long.") },
	{ 415, "unsupported_media_type", N_("Send the request body as application/json.") },
	{ 422, "validation_failed", N_("Some of the values are not valid.") },
	{ 431, "headers_too_large", N_("The request headers are too large.") },
	{ 429, "throttled", N_("Too many attempts. Wait a few minutes and try again.") },
	{ 500, "internal", N_("Something went wrong on our side. Try again later.") },
	{ 503, "unavailable", N_("The service is temporarily unavailable. Try again in a moment.") },
};

void resp_status(struct req *r, int status)
{
	for (size_t i = 0; i < sizeof std_errors / sizeof std_errors[0]; i++)
		if (std_errors[i].status == status) {
			resp_error(r, status, std_errors[i].code, std_errors[i].message, NULL);
			return;
		}
	resp_error(r, 500, "internal", N_("Something went wrong on our side. Try again later."), NULL);
}

void resp_store_error(struct req *r, int rc)
{
	switch (rc) {
	case STORE_NOTFOUND:
		resp_status(r, 404);
		return;
	case STORE_CONFLICT:
		resp_status(r, 409);
		return;
	case STORE_INVALID:
	case ACC_INVALID:
		resp_status(r, 422);
		return;
	case STORE_UNAVAILABLE:
		resp_status(r, 503);
		return;
	default:
		log_error("store failure %d: %s", rc, store_last_error());
		resp_status(r, 500);
		return;
	}
}

const char *query_get(const struct req *r, const char *name)
{
	return params_get(&r->query, name);
}

const char *form_get(const struct req *r, const char *name)
{
	return params_get(&r->form, name);
}

bool query_int_or_400(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out)
{
	const char *v = query_get(r, name);
	if (!v || !*v) {
		*out = def;
		return true;
	}
	if (parse_int64(v, min, max, out) != 0) {
		resp_error(r, 400, "bad_request", N_("A number in the address is not valid."), name);
		return false;
	}
	return true;
}

static const char *trim(struct pool *p, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return pool_strndup(p, s, n);
}

bool form_str_or_400(struct req *r, const char *name, size_t max, const char **out)
{
	const char *v = form_get(r, name);
	*out = v ? trim(&r->pool, v) : "";
	if (strlen(*out) > max) {
		resp_error(r, 400, "bad_request", N_("A value in the form is too long."), name);
		return false;
	}
	return true;
}

bool json_keys_or_400(struct req *r, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(r->json, key, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				ok = true;
		if (!ok) {
			/* The key itself may be junk: name it only if it is plain text. */
			resp_error(r, 400, "unknown_field", N_("The request has a field tolv does not know."),
				   utf8_valid_text(key, strlen(key)) && strlen(key) < 64 ? key : NULL);
			return false;
		}
	}
	return true;
}

bool json_str_or_400(struct req *r, const char *key, bool required, size_t max, const char **out)
{
	json_t *v = json_object_get(r->json, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			resp_error(r, 422, "validation_failed", N_("This field is required."), key);
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		resp_error(r, 400, "bad_type", N_("This field must be a string."), key);
		return false;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	/* Embedded NUL (\u0000) or control characters never reach the store. */
	if (n != strlen(s) || !utf8_valid_text(s, n)) {
		resp_error(r, 400, "bad_type", N_("This field contains characters that are not allowed."), key);
		return false;
	}
	if (n > max) {
		resp_error(r, 422, "validation_failed", N_("This value is too long."), key);
		return false;
	}
	*out = s;
	return true;
}

bool json_bool_or_400(struct req *r, const char *key, bool *present, bool *out)
{
	json_t *v = json_object_get(r->json, key);
	*present = false;
	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		resp_error(r, 400, "bad_type", N_("This field must be true or false."), key);
		return false;
	}
	*present = true;
	*out = json_is_true(v);
	return true;
}
