/* pool.c: the per-request arena of pool.h. */
#include "http/pool.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* Most requests fit in one chunk: a session, a few parameters and header copies. */
#define CHUNK_SIZE 4096

struct pool_chunk {
	struct pool_chunk *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

struct pool_defer {
	struct pool_defer *next;
	void (*fn)(void *);
	void *arg;
};

void pool_init(struct pool *p)
{
	p->chunks = NULL;
	p->defers = NULL;
}

void pool_release(struct pool *p)
{
	/* Destructors first: a deferred object may point into a chunk. */
	while (p->defers) {
		struct pool_defer *d = p->defers;
		p->defers = d->next;
		d->fn(d->arg);
	}
	while (p->chunks) {
		struct pool_chunk *c = p->chunks;
		p->chunks = c->next;
		free(c);
	}
}

static struct pool_chunk *chunk_new(size_t size)
{
	struct pool_chunk *c = xmalloc(sizeof *c + size);
	c->next = NULL;
	c->used = 0;
	c->size = size;
	return c;
}

void *pool_alloc(struct pool *p, size_t n)
{
	const size_t align = alignof(max_align_t);
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - align)
		abort();
	n = (n + align - 1) & ~(align - 1);
	if (n > CHUNK_SIZE / 4) {
		/* A big block gets a chunk of its own behind the current one, so the
		 * current chunk's free space is not wasted. */
		struct pool_chunk *c = chunk_new(n);
		c->used = n;
		if (p->chunks) {
			c->next = p->chunks->next;
			p->chunks->next = c;
		} else {
			p->chunks = c;
		}
		return c->data;
	}
	if (!p->chunks || p->chunks->size - p->chunks->used < n) {
		struct pool_chunk *c = chunk_new(CHUNK_SIZE);
		c->next = p->chunks;
		p->chunks = c;
	}
	void *r = p->chunks->data + p->chunks->used;
	p->chunks->used += n;
	return r;
}

void *pool_zalloc(struct pool *p, size_t n)
{
	void *r = pool_alloc(p, n);
	memset(r, 0, n);
	return r;
}

char *pool_strndup(struct pool *p, const char *s, size_t n)
{
	char *r = pool_alloc(p, n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *pool_strdup(struct pool *p, const char *s)
{
	return pool_strndup(p, s, strlen(s));
}

void pool_defer(struct pool *p, void (*fn)(void *), void *arg)
{
	struct pool_defer *d = pool_alloc(p, sizeof *d);
	d->fn = fn;
	d->arg = arg;
	d->next = p->defers;
	p->defers = d;
}
