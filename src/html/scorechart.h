/* scorechart.h: a questionnaire's totals over time, drawn on the server as a small SVG
 * (issue 6, "Per person: scores over time as a small chart with the zones"), readable
 * without colour and without the picture:
 * - each zone is a horizontal band with its own fill pattern (none, diagonal lines, dots,
 *   cross-hatching, in turn) and its label written beside it;
 * - each result is a marked point with its total written above it, joined by a line;
 * - the SVG has role="img" with a <title> and a <desc> listing every result (date, total,
 *   zone), named by aria-labelledby; scorechart_table() writes the same as a table to put
 *   beside it.
 * Colour comes only from presentation attributes (CSP forbids style=), and every dynamic
 * string goes through html.h's escapers.
 *
 * Geometry (for the tests): the viewBox is SC_WIDTH × SC_HEIGHT; the plot area runs from
 * x SC_LEFT to SC_WIDTH - SC_RIGHT and from y SC_TOP to SC_HEIGHT - SC_BOTTOM. A total v
 * is at y = bottom - (v - min) × height / (max - min); a day at x = left + SC_PAD + (day -
 * first) × (width - 2 × SC_PAD) / (last - first), or in the middle when all results share
 * one day. A zone
 * [a, b] is the band from a to b + 1 (clamped to max), so that whole-number zones touch.
 */
#ifndef TOLV_HTML_SCORECHART_H
#define TOLV_HTML_SCORECHART_H

#include <stddef.h>
#include <stdint.h>

#include "core/i18n.h"
#include "html/html.h"

#define SC_WIDTH 640
#define SC_HEIGHT 240
#define SC_LEFT 44
#define SC_RIGHT 200
#define SC_TOP 16
#define SC_BOTTOM 36
#define SC_PAD 14 /* the first and the last day sit this far inside the plot area */

struct scorechart_zone {
	int min, max;           /* inclusive totals */
	const char *label;      /* translated */
};

struct scorechart_point {
	int32_t day;
	int total;
	const char *zone_label; /* translated, NULL if none */
};

struct scorechart {
	const char *id;         /* element id prefix: letters, digits, '-', '_' (else "scorechart") */
	const char *title;      /* translated, e.g. the questionnaire's title */
	int min, max;           /* the axis: the questionnaire's possible totals (max > min) */
	const struct scorechart_zone *zones;
	size_t nzones;
	const struct scorechart_point *points; /* by day, oldest first */
	size_t npoints;
	enum lang lang;
};

/* The chart. Nothing but a sentence saying so when there are no points. */
void scorechart_svg(struct html *w, const struct scorechart *c);
/* The text alternative as a table with caption (translated; escaped here): date, total,
 * zone. */
void scorechart_table(struct html *w, const struct scorechart *c, const char *caption);

/* The coordinates the chart uses. */
double scorechart_x(const struct scorechart *c, int32_t day);
double scorechart_y(const struct scorechart *c, double total);

#endif
