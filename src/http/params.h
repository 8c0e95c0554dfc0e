/* params.h: the request parsers — query strings and urlencoded forms, the Cookie
 * header, Accept-Language and percent-decoding — pure functions over a pool, so the
 * unit tests and fuzzers drive them without a server.
 *
 * Every parser either accepts the whole input or returns -1: a request with a
 * malformed query or form is answered 400 at the edge, it is never half-understood.
 */
#ifndef TOLV_HTTP_PARAMS_H
#define TOLV_HTTP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "http/pool.h"

/* At most this many pairs in one query, form or Cookie header: more is an attack. */
#define PARAMS_MAX 256

struct param {
	const char *name;  /* decoded, NUL-terminated, valid UTF-8 text */
	const char *value;
};

struct params {
	struct param *v; /* pool memory */
	size_t n, cap;
};

/* Parses "a=1&b=x+y&b=%C3%A5" (a query string or an application/x-www-form-urlencoded
 * body) into out, appending; '+' is a space, %XX a byte; repeated keys are kept in order.
 * Empty pieces ("a=1&&b") are skipped; a piece without '=' is a name with value "".
 * Returns -1 on a bad %-escape, a decoded NUL or control character, invalid UTF-8, or
 * more than PARAMS_MAX pairs. */
int form_parse(struct pool *p, const char *s, size_t len, struct params *out);

/* Parses a Cookie header ("a=1; b=2"). Values are taken as sent (no decoding), quotes
 * around a value are removed. Malformed pieces are skipped rather than failing, because
 * browsers send other sites' junk cookies for the same host. Returns -1 only for more
 * than PARAMS_MAX cookies. */
int cookie_parse(struct pool *p, const char *s, struct params *out);

/* The first value of name, or NULL. */
const char *params_get(const struct params *ps, const char *name);
/* How many values name has. */
size_t params_count(const struct params *ps, const char *name);

/* Percent-decodes s[0..len) into a pool string (plus_is_space for forms). Returns NULL on
 * a bad escape, a NUL byte or invalid UTF-8 text. */
char *percent_decode(struct pool *p, const char *s, size_t len, bool plus_is_space);

/* Appends s percent-encoded for a URL query value (everything but A-Z a-z 0-9 - . _ ~). */
void url_encode(struct buf *out, const char *s);

/* The best supported language of an Accept-Language header ("sv-SE,sv;q=0.9,en;q=0.5"):
 * highest q wins, ties go to the earlier entry, q=0 means "not this one", "*" is
 * ignored. Returns an enum lang or -1 if nothing supported is acceptable. */
int accept_language_parse(const char *header);

/* True if next is a safe local redirect target: starts with one '/', no "//" or "/\"
 * at the start, no backslash or control characters, at most 512 bytes. Guards the
 * ?next= parameter against open redirects. */
bool local_path_ok(const char *next);

#endif
