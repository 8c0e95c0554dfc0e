/* pool.h: a per-request memory arena (after h2o's h2o_mem_pool_t), freed once when the
 * request completes.
 *
 * Everything a request parses (path, parameters, cookies, header copies) is allocated
 * here, so handlers never free individual strings and nothing leaks on an early error
 * return. Objects with their own destructor (jansson values) are registered with
 * pool_defer() and released with the pool. Allocation failure aborts, like xmalloc.
 */
#ifndef TOLV_HTTP_POOL_H
#define TOLV_HTTP_POOL_H

#include <stddef.h>

struct pool_chunk;
struct pool_defer;

struct pool {
	struct pool_chunk *chunks; /* newest first; the first one is filled from its end */
	struct pool_defer *defers;
};

#define POOL_INIT { .chunks = NULL, .defers = NULL }

void pool_init(struct pool *p);
/* Runs the deferred destructors (newest first), frees every chunk; p is empty again. */
void pool_release(struct pool *p);
/* n bytes aligned for any type; never NULL. */
void *pool_alloc(struct pool *p, size_t n);
void *pool_zalloc(struct pool *p, size_t n);
char *pool_strndup(struct pool *p, const char *s, size_t n);
char *pool_strdup(struct pool *p, const char *s);
/* Calls fn(arg) when the pool is released. */
void pool_defer(struct pool *p, void (*fn)(void *), void *arg);

#endif
