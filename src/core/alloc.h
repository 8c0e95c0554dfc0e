/* alloc.h: the one allocator wrapper. Allocation failure aborts; callers never check. */
#ifndef TOLV_CORE_ALLOC_H
#define TOLV_CORE_ALLOC_H

#include <stddef.h>
#include <stdlib.h> /* free() goes with every x*alloc */

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of *cap elements of size elem so that it holds at least need. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Zeroes memory in a way the compiler may not optimise out (for secrets). */
void secure_wipe(void *p, size_t n);

#endif
