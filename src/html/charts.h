/* charts.h: small server-drawn SVG charts for reports — a bar chart, a step curve (for
 * Kaplan–Meier) and a line chart — each readable without colour and with a text
 * alternative.
 *
 * Every chart is an <svg role="img"> named by aria-labelledby after its <title> and
 * <desc> (the caller's text: the desc should say the numbers, since a screen reader
 * reads it instead of the picture). Series differ in more than colour: the first is
 * solid, the second hatched (bars) or dashed with square marks (lines, curves), and the
 * legend shows the same marks. Values are written as text beside bars. Colour comes only
 * from presentation attributes (no style=, which the CSP forbids). Dynamic text goes
 * through html.h's escapers. id is a prefix for element ids, unique on the page, of
 * [A-Za-z0-9_-] (anything else falls back to "chart").
 * At most CHART_SERIES_MAX series; NAN values are not drawn.
 */
#ifndef TOLV_HTML_CHARTS_H
#define TOLV_HTML_CHARTS_H

#include <stddef.h>

#include "html/html.h"

#define CHART_SERIES_MAX 2

struct chart_series {
	const char *name;          /* legend text */
	const double *values;      /* one per category / x position */
	const char *const *texts;  /* bars: the value as text at the bar's end (may be NULL) */
};

/* Horizontal bars: one row per category, the series side by side within a row. Bars
 * are scaled to max (the largest value when max <= 0). */
void chart_bars(struct html *w, const char *id, const char *title, const char *desc, const char *const *categories,
		size_t ncat, const struct chart_series *series, size_t nseries, double max);

/* A step curve per series: y in [0, 1] drawn as 0–100 %, x in [0, xmax] days; the curve
 * starts at (0, 1) and steps down at each point (Kaplan–Meier). Censorings are marked with
 * a small vertical tick where cens[i] > 0 (cens may be NULL). */
struct chart_curve {
	const char *name;
	const double *x, *y, *cens;
	size_t n;
};
void chart_steps(struct html *w, const char *id, const char *title, const char *desc, const struct chart_curve *c,
		 size_t ncurves, double xmax, const char *xlabel, const char *ylabel);

/* A line per series over nx labelled x positions; y from 0 to the largest value. */
void chart_lines(struct html *w, const char *id, const char *title, const char *desc, const char *const *xlabels,
		 size_t nx, const struct chart_series *series, size_t nseries, const char *ylabel);

#endif
