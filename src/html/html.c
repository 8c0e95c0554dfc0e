/* html.c: the escaping HTML writer of html.h. */
#include "html/html.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/params.h"

void html_init(struct html *w, struct buf *b)
{
	w->b = b;
}

void html_raw_(struct html *w, const char *literal)
{
	buf_adds(w->b, literal);
}

void html_escape(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, s + start, i - start);
		buf_adds(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

void html_text(struct html *w, const char *s)
{
	if (s)
		html_escape(w->b, s, strlen(s));
}

void html_textn(struct html *w, const char *s, size_t n)
{
	html_escape(w->b, s, n);
}

void html_attr_(struct html *w, const char *prefix, const char *value)
{
	buf_adds(w->b, prefix);
	if (value)
		html_escape(w->b, value, strlen(value));
	buf_addch(w->b, '"');
}

void html_attr_int_(struct html *w, const char *prefix, int64_t value)
{
	buf_adds(w->b, prefix);
	buf_addf(w->b, "%" PRId64 "\"", value);
}

void html_url_param(struct html *w, const char *s)
{
	if (s)
		url_encode(w->b, s);
}

void html_int(struct html *w, int64_t v)
{
	buf_addf(w->b, "%" PRId64, v);
}

void html_fmt_(struct html *w, const char *tmpl, const char *const *args)
{
	const char *p = tmpl;
	for (;;) {
		const char *ph = strstr(p, "{}");
		if (!ph) {
			html_text(w, p);
			return;
		}
		html_textn(w, p, (size_t)(ph - p));
		if (*args)
			html_text(w, *args++);
		p = ph + 2;
	}
}

struct html_safe html_fragment(struct html *scratch)
{
	struct html_safe f;
	f.markup = buf_detach(scratch->b, &f.len);
	return f;
}

void html_safe_put(struct html *w, const struct html_safe *f)
{
	if (f->markup)
		buf_add(w->b, f->markup, f->len);
}

void html_safe_free(struct html_safe *f)
{
	free(f->markup);
	f->markup = NULL;
	f->len = 0;
}
