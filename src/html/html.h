/* html.h: the HTML writer — escapes by default (after cgit's html.c, without its
 * printf-style hole).
 *
 * Rules that make unescaped output impossible by accident:
 * - html_raw() accepts only string literals (the macro pastes "" around its argument,
 *   which does not compile for a variable);
 * - every dynamic string goes through the escaper of its context: html_text() for
 *   element content, html_attr() for attribute values, html_url_param() for a value
 *   inside a URL query;
 * - a fragment rendered earlier is a struct html_safe, which only html_fragment() makes
 *   (from another writer), so a plain char * can never pass for markup.
 */
#ifndef TOLV_HTML_HTML_H
#define TOLV_HTML_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct html {
	struct buf *b; /* where the markup goes; not owned */
};

/* Markup rendered by a writer, owned by whoever holds it (html_safe_free). */
struct html_safe {
	char *markup;
	size_t len;
};

void html_init(struct html *w, struct buf *b);

#define html_raw(w, lit) html_raw_((w), "" lit "")
void html_raw_(struct html *w, const char *literal);

/* Element content: escapes & < > " ' (NULL writes nothing). */
void html_text(struct html *w, const char *s);
void html_textn(struct html *w, const char *s, size_t n);
/* Writes ` name="value"` with value escaped; name must be a literal. */
#define html_attr(w, name, value) html_attr_((w), " " name "=\"", (value))
void html_attr_(struct html *w, const char *prefix, const char *value);
/* Writes ` name="<int>"`. */
#define html_attr_int(w, name, value) html_attr_int_((w), " " name "=\"", (value))
void html_attr_int_(struct html *w, const char *prefix, int64_t value);
/* A value inside a URL query (percent-encoded; the result is also safe in an attribute). */
void html_url_param(struct html *w, const char *s);
void html_int(struct html *w, int64_t v);
/* Text with "{}" placeholders, each replaced by the next argument; the template and
 * every argument are escaped. For translated sentences with names in them. */
#define html_fmt(w, tmpl, ...) html_fmt_((w), (tmpl), (const char *const[]){ __VA_ARGS__, NULL })
void html_fmt_(struct html *w, const char *tmpl, const char *const *args);

/* Takes what a scratch writer has written as a safe fragment (the writer's buffer is
 * emptied). */
struct html_safe html_fragment(struct html *scratch);
void html_safe_put(struct html *w, const struct html_safe *f);
void html_safe_free(struct html_safe *f);

/* Escapes s for HTML into b (what html_text uses); exposed for tests. */
void html_escape(struct buf *b, const char *s, size_t n);

#endif
