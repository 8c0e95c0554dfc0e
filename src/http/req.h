/* req.h: the per-request context every handler gets — what was asked, who asks, and the
 * answer being built. No request state lives anywhere else (no globals): the server
 * allocates one struct req per request and frees it, with its pool, when MHD reports the
 * request complete.
 *
 * Life of a request:
 *   server.c fills method, path, raw query, headers, addr, body
 *   router_dispatch() matches the route, parses query/cookies/body, resumes the
 *     session or API token, picks the language, enforces the route's flags
 *   the handler writes status, content type, headers and body (resp_* functions)
 *   server.c turns that into an MHD response with the security headers
 */
#ifndef TOLV_HTTP_REQ_H
#define TOLV_HTTP_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "domain/accounts.h"
#include "domain/roles.h"
#include "http/params.h"
#include "http/pool.h"
#include "store/store.h"

/* The translation of an English msgid in the request's language. xgettext: -kT:2 -kN_ */
#define T(r, msgid) i18n_tr((r)->lang, (msgid))

/* Request bodies larger than this are refused with 413 before anything is parsed. */
#define BODY_MAX (64 * 1024)

enum method {
	M_GET = 1 << 0,
	M_HEAD = 1 << 1,
	M_POST = 1 << 2,
	M_PUT = 1 << 3,
	M_PATCH = 1 << 4,
	M_DELETE = 1 << 5,
	M_OPTIONS = 1 << 6,
	M_OTHER = 1 << 7,
};

/* Static files served from memory; see static.c. */
enum static_id { STATIC_DS_THEME, STATIC_DS_INDEX, STATIC_TOLV, STATIC_COUNT };

struct static_file {
	const char *url;   /* "/static/tolv.css" */
	const char *ctype;
	char *data;        /* NULL if the file could not be read */
	size_t len;
	char etag[24];     /* "\"<16 hex>\"" */
	char version[17];  /* the same 16 hex digits, for ?v= in links */
	/* Prebuilt struct MHD_Response *, reused for every request: [not_modified][https]
	 * (the https variants carry Strict-Transport-Security). */
	void *resp[2][2];
};

/* Installation-wide state shared by all requests (read-only after start-up). */
struct site {
	struct accounts *ac;
	bool trust_proxy;
	struct static_file files[STATIC_COUNT];
};

struct header_out {
	const char *name;  /* a literal */
	const char *value; /* pool memory */
};

#define REQ_MAX_HEADERS 12

struct req {
	struct pool pool;
	struct site *site;

	/* --- the request --- */
	enum method method;
	const char *method_name;
	const char *path;      /* percent-decoded, pool */
	const char *raw_query; /* after '?', undecoded, "" if none */
	struct {
		const char *cookie, *accept_language, *authorization, *content_type, *csrf;
		const char *forwarded_proto, *forwarded_for, *if_none_match;
	} hdr;                 /* NULL when absent; valid for the request's life */
	struct buf body;
	bool body_too_large;
	char addr[STORE_ADDR_MAX];
	bool https;            /* TLS, or a trusted proxy said X-Forwarded-Proto: https */

	/* --- parsed by the router --- */
	const struct route *route;
	bool api;              /* under /api/: errors are JSON */
	bool fhir;             /* under /fhir/: errors are FHIR OperationOutcomes (api is set too) */
	int64_t id;            /* the {id} path parameter, 0 if none */
	struct params query, form, cookies;
	json_t *json;          /* API request body (an object), owned by the pool */
	enum lang lang;

	/* --- who asks --- */
	bool logged_in;
	bool via_token;        /* API bearer token (no session, no CSRF) */
	char session_token[STORE_TOKEN_MAX];
	struct session session;
	struct user user;
	int64_t org_id;        /* 0: not chosen yet */
	char org_name[STORE_NAME_MAX];
	enum role role;
	char login_csrf[STORE_TOKEN_MAX]; /* double-submit token before login, "" until needed */

	/* --- the answer --- */
	int status;            /* 0: nothing answered yet */
	const char *ctype;
	struct buf out;
	struct header_out headers[REQ_MAX_HEADERS];
	size_t nheaders;
	const struct static_file *file; /* answer with a prebuilt static response */
	bool not_modified;
};

/* Sets up r for one request (the server or a test fills the request part afterwards). */
void req_init(struct req *r, struct site *site);
/* Frees everything the request owns. */
void req_release(struct req *r);

enum method method_parse(const char *name);

/* The actor for audit entries and domain calls. */
void req_actor(const struct req *r, struct actor *out);

/* The CSRF token a form on this page must carry: the session's, or before login the
 * double-submit token (its cookie is set on first use). */
const char *req_csrf_token(struct req *r);

/* --- answering --- */
/* Adds a response header; value is copied. Silently drops beyond REQ_MAX_HEADERS
 * (a programming error caught in tests). */
void resp_header(struct req *r, const char *name, const char *value);
void resp_cookie(struct req *r, const char *name, const char *value, bool clear);
/* 303 See Other to a local path. */
void resp_redirect(struct req *r, const char *location);
void resp_text(struct req *r, int status, const char *text);
/* Answers JSON; takes the reference to j. */
void resp_json(struct req *r, int status, json_t *j);
/* The one error answer: API requests get {"error":{"code","message","field"}}, pages get
 * the error page in the layout. message is an English msgid (translated here); field may
 * be NULL. */
void resp_error(struct req *r, int status, const char *code, const char *message, const char *field);
/* resp_error with the standard code and message for status. */
void resp_status(struct req *r, int status);
/* Maps a store_status / ACC_* to an answer: NOTFOUND 404, CONFLICT 409, INVALID 422,
 * UNAVAILABLE 503, else 500. */
void resp_store_error(struct req *r, int rc);

/* --- input helpers: each answers 400 itself and returns false on bad input --- */
/* A query integer in [min,max]; absent → def. */
bool query_int_or_400(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out);
/* The query or form value (first), or NULL. */
const char *query_get(const struct req *r, const char *name);
const char *form_get(const struct req *r, const char *name);
/* A form value trimmed of surrounding spaces, or "" if absent; longer than max bytes → 400. */
bool form_str_or_400(struct req *r, const char *name, size_t max, const char **out);

/* JSON bodies. Keys not in allowed (NULL-terminated) → 400 naming the field. */
bool json_keys_or_400(struct req *r, const char *const *allowed);
/* A string member: absent → *out = NULL (or 400 if required); not a string, not valid
 * text or longer than max → 400. */
bool json_str_or_400(struct req *r, const char *key, bool required, size_t max, const char **out);
/* A boolean member: absent → *present = false. */
bool json_bool_or_400(struct req *r, const char *key, bool *present, bool *out);

#endif
