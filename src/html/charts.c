/* charts.c: bar chart, step curve and line chart in SVG (see charts.h). */
#include "html/charts.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"

#define W 640.0
#define INK "#1e2b3c"
#define SERIES1 "#1f4e8c"
#define GRID "#c6ccd4"

static bool id_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 60)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

/* ` name="<number>"` with one decimal (the C locale's point: SVG wants it). */
static void num_attr(struct html *w, const char *prefix, double v)
{
	char s[32];
	if (!isfinite(v))
		v = 0;
	snprintf(s, sizeof s, "%.1f", v);
	html_attr_(w, prefix, s);
}
#define NUM(w, name, v) num_attr((w), " " name "=\"", (v))

/* "<id>-<suffix>" as an attribute. */
static void id_attr(struct html *w, const char *prefix, const char *id, const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s-%s", id, suffix);
	html_attr_(w, prefix, b.data);
	buf_release(&b);
}

static void begin(struct html *w, const char *id, double h, const char *title, const char *desc)
{
	html_raw(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tolv-chart\" role=\"img\" viewBox=\"0 0 640 ");
	char s[16];
	snprintf(s, sizeof s, "%.0f", h);
	html_text(w, s);
	html_raw(w, "\"");
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s-title %s-desc", id, id);
	html_attr(w, "aria-labelledby", b.data);
	buf_release(&b);
	html_raw(w, " font-family=\"sans-serif\" font-size=\"12\"><title");
	id_attr(w, " id=\"", id, "title");
	html_raw(w, ">");
	html_text(w, title);
	html_raw(w, "</title><desc");
	id_attr(w, " id=\"", id, "desc");
	html_raw(w, ">");
	html_text(w, desc);
	html_raw(w, "</desc>\n<defs><pattern");
	id_attr(w, " id=\"", id, "hatch");
	html_raw(w, " patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
		    "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"" SERIES1
		    "\" stroke-width=\"3\"/></pattern></defs>\n");
}

static void text_at(struct html *w, double x, double y, const char *anchor, const char *s)
{
	html_raw(w, "<text");
	NUM(w, "x", x);
	NUM(w, "y", y);
	html_attr(w, "text-anchor", anchor);
	html_raw(w, " fill=\"" INK "\">");
	html_text(w, s);
	html_raw(w, "</text>\n");
}

/* A bar-series swatch: solid for 0, hatched for 1. */
static void bar_fill(struct html *w, const char *id, size_t series)
{
	if (series == 0) {
		html_raw(w, " fill=\"" SERIES1 "\"");
	} else {
		struct buf b = BUF_INIT;
		buf_addf(&b, "url(#%s-hatch)", id);
		html_attr(w, "fill", b.data);
		buf_release(&b);
		html_raw(w, " stroke=\"" SERIES1 "\"");
	}
}

enum legend_kind { LEGEND_BAR, LEGEND_LINE };

/* The legend along the top, y = 14. */
static void legend(struct html *w, const char *id, const struct chart_series *s, size_t n, const char *const *names,
		   enum legend_kind kind)
{
	double x = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = s ? s[i].name : names[i];
		if (kind == LEGEND_BAR) {
			html_raw(w, "<rect");
			NUM(w, "x", x);
			html_raw(w, " y=\"4\" width=\"14\" height=\"14\"");
			bar_fill(w, id, i);
			html_raw(w, "/>\n");
		} else {
			html_raw(w, "<line");
			NUM(w, "x1", x);
			NUM(w, "x2", x + 22);
			html_raw(w, " y1=\"11\" y2=\"11\" stroke=\"" SERIES1 "\" stroke-width=\"2\"");
			if (i == 1)
				html_raw(w, " stroke-dasharray=\"6 4\"");
			html_raw(w, "/>\n");
			x += 8;
		}
		text_at(w, x + 20, 16, "start", name ? name : "");
		x += 40 + 7.0 * (double)strlen(name ? name : "");
	}
}

static double nice_max(double v)
{
	if (!(v > 0) || !isfinite(v))
		return 1;
	double p = pow(10, floor(log10(v)));
	for (int k = 0; k < 3; k++) {
		static const double m[] = { 1, 2, 5 };
		if (m[k] * p >= v)
			return m[k] * p;
	}
	return 10 * p;
}

static void num_text(double v, char *out, size_t n)
{
	if (fabs(v - round(v)) < 1e-9)
		snprintf(out, n, "%.0f", v);
	else
		snprintf(out, n, "%.1f", v);
}

void chart_bars(struct html *w, const char *id, const char *title, const char *desc, const char *const *categories,
		size_t ncat, const struct chart_series *series, size_t nseries, double max)
{
	if (!id_ok(id))
		id = "chart";
	if (nseries > CHART_SERIES_MAX)
		nseries = CHART_SERIES_MAX;
	if (max <= 0) {
		for (size_t s = 0; s < nseries; s++)
			for (size_t i = 0; i < ncat; i++)
				if (isfinite(series[s].values[i]) && series[s].values[i] > max)
					max = series[s].values[i];
		if (max <= 0)
			max = 1;
	}
	const double top = 28, label_h = 16, bar_h = 14, gap = 10;
	const double row = label_h + (double)nseries * (bar_h + 2) + gap;
	const double h = top + (double)ncat * row + 4, span = W - 90;
	begin(w, id, h, title, desc);
	legend(w, id, series, nseries, NULL, LEGEND_BAR);
	for (size_t i = 0; i < ncat; i++) {
		double y = top + (double)i * row;
		text_at(w, 0, y + 12, "start", categories[i]);
		for (size_t s = 0; s < nseries; s++) {
			double v = series[s].values[i];
			double by = y + label_h + (double)s * (bar_h + 2);
			double bw = isfinite(v) && v > 0 ? span * (v / max) : 0;
			if (bw > span)
				bw = span;
			html_raw(w, "<rect x=\"0\"");
			NUM(w, "y", by);
			NUM(w, "width", bw);
			NUM(w, "height", bar_h);
			bar_fill(w, id, s);
			html_raw(w, "/>\n");
			char t[32];
			const char *txt = series[s].texts ? series[s].texts[i] : NULL;
			if (!txt) {
				if (isfinite(v))
					num_text(v, t, sizeof t);
				else
					snprintf(t, sizeof t, "-");
				txt = t;
			}
			text_at(w, bw + 4, by + 11, "start", txt);
		}
	}
	html_raw(w, "</svg>\n");
}

/* The plot area shared by the step and line charts. */
#define PL 56.0
#define PR 624.0
#define PT 32.0

static void axes(struct html *w, double h, double ymax, bool percent, const char *xlabel, const char *ylabel)
{
	double pb = h - 40;
	for (int k = 0; k <= 4; k++) {
		double y = pb - (pb - PT) * k / 4.0;
		html_raw(w, "<line");
		NUM(w, "x1", PL);
		NUM(w, "x2", PR);
		NUM(w, "y1", y);
		NUM(w, "y2", y);
		html_raw(w, " stroke=\"" GRID "\" stroke-width=\"1\"/>\n");
		char t[32], v[24];
		num_text(ymax * k / 4.0, v, sizeof v);
		snprintf(t, sizeof t, percent ? "%s %%" : "%s", v);
		text_at(w, PL - 6, y + 4, "end", t);
	}
	html_raw(w, "<line");
	NUM(w, "x1", PL);
	NUM(w, "x2", PR);
	NUM(w, "y1", pb);
	NUM(w, "y2", pb);
	html_raw(w, " stroke=\"" INK "\" stroke-width=\"1\"/>\n");
	if (xlabel)
		text_at(w, (PL + PR) / 2, h - 6, "middle", xlabel);
	if (ylabel) {
		html_raw(w, "<text x=\"12\"");
		NUM(w, "y", (PT + pb) / 2);
		html_raw(w, " text-anchor=\"middle\" fill=\"" INK "\" transform=\"rotate(-90 12 ");
		char s[16];
		snprintf(s, sizeof s, "%.1f", (PT + pb) / 2);
		html_text(w, s);
		html_raw(w, ")\">");
		html_text(w, ylabel);
		html_raw(w, "</text>\n");
	}
}

void chart_steps(struct html *w, const char *id, const char *title, const char *desc, const struct chart_curve *c,
		 size_t ncurves, double xmax, const char *xlabel, const char *ylabel)
{
	if (!id_ok(id))
		id = "chart";
	if (ncurves > CHART_SERIES_MAX)
		ncurves = CHART_SERIES_MAX;
	const double h = 300, pb = h - 40;
	xmax = nice_max(xmax);
	begin(w, id, h, title, desc);
	const char *names[CHART_SERIES_MAX] = { 0 };
	for (size_t i = 0; i < ncurves; i++)
		names[i] = c[i].name;
	legend(w, id, NULL, ncurves, names, LEGEND_LINE);
	axes(w, h, 100, true, xlabel, ylabel);
	for (int k = 0; k <= 4; k++) {
		char t[24];
		num_text(xmax * k / 4.0, t, sizeof t);
		text_at(w, PL + (PR - PL) * k / 4.0, pb + 16, "middle", t);
	}
#define XS(v) (PL + (PR - PL) * ((v) < 0 ? 0 : (v) > xmax ? 1 : (v) / xmax))
#define YS(v) (pb - (pb - PT) * ((v) < 0 ? 0 : (v) > 1 ? 1 : (v)))
	for (size_t s = 0; s < ncurves; s++) {
		struct buf d = BUF_INIT;
		buf_addf(&d, "M%.1f %.1f", XS(0), YS(1));
		for (size_t i = 0; i < c[s].n; i++) {
			if (!isfinite(c[s].x[i]) || !isfinite(c[s].y[i]))
				continue;
			buf_addf(&d, " H%.1f V%.1f", XS(c[s].x[i]), YS(c[s].y[i]));
		}
		html_raw(w, "<path fill=\"none\" stroke=\"" SERIES1 "\" stroke-width=\"2\"");
		if (s == 1)
			html_raw(w, " stroke-dasharray=\"6 4\"");
		html_attr(w, "d", d.data);
		html_raw(w, "/>\n");
		buf_release(&d);
		for (size_t i = 0; c[s].cens && i < c[s].n; i++) {
			if (!(c[s].cens[i] > 0) || !isfinite(c[s].x[i]) || !isfinite(c[s].y[i]))
				continue;
			html_raw(w, "<line");
			NUM(w, "x1", XS(c[s].x[i]));
			NUM(w, "x2", XS(c[s].x[i]));
			NUM(w, "y1", YS(c[s].y[i]) - 5);
			NUM(w, "y2", YS(c[s].y[i]) + 5);
			html_raw(w, " stroke=\"" INK "\" stroke-width=\"1\"/>\n");
		}
	}
#undef XS
#undef YS
	html_raw(w, "</svg>\n");
}

void chart_lines(struct html *w, const char *id, const char *title, const char *desc, const char *const *xlabels,
		 size_t nx, const struct chart_series *series, size_t nseries, const char *ylabel)
{
	if (!id_ok(id))
		id = "chart";
	if (nseries > CHART_SERIES_MAX)
		nseries = CHART_SERIES_MAX;
	const double h = 280, pb = h - 40;
	double ymax = 0;
	for (size_t s = 0; s < nseries; s++)
		for (size_t i = 0; i < nx; i++)
			if (isfinite(series[s].values[i]) && series[s].values[i] > ymax)
				ymax = series[s].values[i];
	ymax = 4 * nice_max(ceil(ymax / 4)); /* quarters on whole numbers: 4, 8, 20, 40… */
	begin(w, id, h, title, desc);
	legend(w, id, series, nseries, NULL, LEGEND_LINE);
	axes(w, h, ymax, false, NULL, ylabel);
	double step = nx > 1 ? (PR - PL - 20) / (double)(nx - 1) : 0;
	size_t every = nx > 12 ? (nx + 11) / 12 : 1;
	for (size_t i = 0; i < nx; i += every)
		text_at(w, PL + 10 + step * (double)i, pb + 16, "middle", xlabels[i]);
	for (size_t s = 0; s < nseries; s++) {
		struct buf pts = BUF_INIT;
		for (size_t i = 0; i < nx; i++) {
			double v = series[s].values[i];
			if (!isfinite(v))
				continue;
			buf_addf(&pts, "%s%.1f,%.1f", pts.len ? " " : "", PL + 10 + step * (double)i,
				 pb - (pb - PT) * (v / ymax));
		}
		html_raw(w, "<polyline fill=\"none\" stroke=\"" SERIES1 "\" stroke-width=\"2\"");
		if (s == 1)
			html_raw(w, " stroke-dasharray=\"6 4\"");
		html_attr(w, "points", pts.len ? pts.data : "");
		html_raw(w, "/>\n");
		buf_release(&pts);
		for (size_t i = 0; i < nx; i++) {
			double v = series[s].values[i];
			if (!isfinite(v))
				continue;
			double x = PL + 10 + step * (double)i, y = pb - (pb - PT) * (v / ymax);
			if (s == 0) {
				html_raw(w, "<circle r=\"3.5\" fill=\"" SERIES1 "\"");
				NUM(w, "cx", x);
				NUM(w, "cy", y);
			} else {
				html_raw(w, "<rect width=\"7\" height=\"7\" fill=\"#ffffff\" stroke=\"" SERIES1 "\"");
				NUM(w, "x", x - 3.5);
				NUM(w, "y", y - 3.5);
			}
			html_raw(w, "/>\n");
		}
	}
	html_raw(w, "</svg>\n");
}
