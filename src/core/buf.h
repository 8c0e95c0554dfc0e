/* buf.h: a growable byte string (after git's strbuf).
 *
 * Invariants: b->data is never NULL and is always NUL-terminated at b->len, so a
 * buf can be printed at any time. buf_detach() is the only transfer of ownership:
 * the caller then owns the returned string and the buf is empty again.
 */
#ifndef TOLV_CORE_BUF_H
#define TOLV_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { .data = buf_empty_, .len = 0, .cap = 0 }
extern char buf_empty_[];

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0), nonnull(2)));
void buf_truncate(struct buf *b, size_t len);

#endif
