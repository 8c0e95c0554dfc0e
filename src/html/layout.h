/* layout.h: the page around every page — head, skip link, header with user and
 * organisation, navigation for the role, footer with the language switch — and the
 * error pages. */
#ifndef TOLV_HTML_LAYOUT_H
#define TOLV_HTML_LAYOUT_H

#include "html/html.h"
#include "http/req.h"

/* Writes everything up to and including the page's one <h1> (title, already translated)
 * into r->out and points w at r->out for the contents of <main>. */
void page_begin(struct req *r, struct html *w, const char *title);
/* Closes <main>, writes the footer and sets the answer (text/html, status). */
void page_end(struct req *r, struct html *w, int status);

/* A whole error page for status with message (an English msgid). */
void error_page(struct req *r, int status, const char *message);

/* <div class="ds-alert" data-color=...><p>text</p></div>; color is a literal. */
#define page_alert(w, color, text) page_alert_((w), "" color "", (text))
void page_alert_(struct html *w, const char *color, const char *text);

#endif
