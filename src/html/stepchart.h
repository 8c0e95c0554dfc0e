/* stepchart.h: the twelve steps drawn for people — a per-person SVG chart with its
 * companion table, and a per-group grid (people × steps) — readable without colour.
 *
 * Each status has a mark that differs in shape, not only in colour, in the SVG and in
 * the tables alike:
 *   not started  ○  a dashed empty circle
 *   working      ◐  a circle half filled
 *   presented    ◍  a circle filled with hatching
 *   completed    ●  a filled circle (with a tick in the SVG)
 * and every step also carries its status as text. Colour comes only from presentation
 * attributes and the classes step-<status key> (CSP forbids inline styles: no style=).
 * Every dynamic string — names, an organisation's step wording — goes through html.h's
 * escapers, which suit SVG inside HTML as well.
 */
#ifndef TOLV_HTML_STEPCHART_H
#define TOLV_HTML_STEPCHART_H

#include <stddef.h>

#include "core/i18n.h"
#include "domain/steps.h"
#include "html/html.h"

/* The mark of a status as a character ("○" …), for text and tables. */
const char *stepmark_glyph(enum step_status s);

/* The SVG chart of one person's steps (states[i] is step i + 1), with role="img", a
 * <title> ("Steps of <name>") and a <desc> listing the steps by status, both named by
 * aria-labelledby. id is a prefix for the element ids, unique on the page, of letters,
 * digits, '-' and '_' ("stepchart-42"; anything else falls back to "stepchart"). names
 * (may be NULL) is the organisation's wording. */
void stepchart_svg(struct html *w, const char *id, const char *person_name,
		   const struct step_state states[STEP_COUNT], const struct step_names *names,
		   enum lang lang);

/* The chart's text alternative as a table, to show beside it or instead of it: step,
 * name, phase, status (mark and word) and the date of the latest change. */
void stepchart_table(struct html *w, const char *person_name,
		     const struct step_state states[STEP_COUNT], const struct step_names *names,
		     enum lang lang);

/* A list explaining the four marks. */
void stepmark_legend(struct html *w, enum lang lang);

/* One person in the group grid. */
struct stepgrid_row {
	const char *name;
	const char *href;                 /* the person's page, or NULL for no link */
	const struct step_state *states;  /* STEP_COUNT of them */
};

/* The group at a glance: one row per person, one column per step grouped by phase, each
 * cell the status's mark with its word for screen readers, and the number of completed
 * steps. caption is the table's caption (already translated; escaped here). */
void stepgrid_table(struct html *w, const char *caption, const struct stepgrid_row *rows,
		    size_t nrows, const struct step_names *names, enum lang lang);

#endif
