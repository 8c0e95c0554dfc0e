/* router.h: the route table's shape, matching, and the dispatcher that enforces each
 * route's flags before any handler runs (after tmux's cmd_table and cgit's cmd.c). */
#ifndef TOLV_HTTP_ROUTER_H
#define TOLV_HTTP_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/req.h"

enum route_flag {
	NEEDS_LOGIN = 1 << 0,  /* a session or API token; else 303 /login?next= or 401 */
	NEEDS_ORG = 1 << 1,    /* an organisation chosen; else 303 /org (API: 403) */
	NEEDS_CSRF = 1 << 2,   /* form field csrf / X-CSRF-Token must match; else 403 */
	API = 1 << 3,          /* JSON in and out; bearer tokens accepted */
	NO_SESSION = 1 << 4,   /* cheap: no cookie, session or language work (healthz, static) */
	PW_CHANGE_OK = 1 << 5, /* reachable while a one-time password must be changed */
	PUBLIC = 1 << 6,       /* public page of organisation {id} (no login): {id} is an org id */
};

typedef void (*route_handler)(struct req *r);

struct route {
	unsigned method;      /* one enum method (HEAD is matched by GET routes) */
	const char *pattern;  /* "/users/{id}": literal segments and {id} (a positive int64) */
	route_handler handler;
	unsigned flags;       /* enum route_flag */
	unsigned roles;       /* enum role mask; 0: any logged-in user (or none needed) */
};

/* The one route table (routes.c). */
extern const struct route routes[];
extern const size_t routes_count;

enum route_match_result { ROUTE_OK, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* True if path matches pattern; a {id} segment must be a strict positive int64 (no
 * sign, no leading junk), stored in *id. */
bool pattern_match(const char *pattern, const char *path, int64_t *id);

/* Finds the route for (method, path) in table. ROUTE_BAD_METHOD: the path exists for
 * other methods, whose mask is in *allow (for the Allow header). */
enum route_match_result route_match(const struct route *table, size_t n, enum method m, const char *path,
				    const struct route **out, int64_t *id, unsigned *allow);

/* Appends "GET, HEAD, POST" for a method mask. */
void methods_format(unsigned mask, struct buf *out);

/* Routes r (already filled by the server) through the table: answers 404/405/401/403/
 * 303/400/413/415 itself or calls the handler. Always leaves an answer in r. */
void router_dispatch(struct req *r);

/* JSON list of every route: [{"method","pattern","flags":[...],"roles":[...]}...]. */
void routes_dump_json(struct buf *out);

#endif
