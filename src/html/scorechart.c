/* scorechart.c: a questionnaire's totals over time as an SVG with zone bands, and its
 * table (see scorechart.h). */
#include "html/scorechart.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"

#define PLOT_W (SC_WIDTH - SC_LEFT - SC_RIGHT)
#define PLOT_H (SC_HEIGHT - SC_TOP - SC_BOTTOM)

static const char *tr(enum lang lang, const char *msgid)
{
	return i18n_tr(lang, msgid);
}

static bool id_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 40)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return false;
	return true;
}

static int32_t first_day(const struct scorechart *c)
{
	int32_t d = c->npoints ? c->points[0].day : 0;
	for (size_t i = 1; i < c->npoints; i++)
		if (c->points[i].day < d)
			d = c->points[i].day;
	return d;
}

static int32_t last_day(const struct scorechart *c)
{
	int32_t d = c->npoints ? c->points[0].day : 0;
	for (size_t i = 1; i < c->npoints; i++)
		if (c->points[i].day > d)
			d = c->points[i].day;
	return d;
}

double scorechart_x(const struct scorechart *c, int32_t day)
{
	int32_t d0 = first_day(c), d1 = last_day(c);
	if (d1 <= d0)
		return SC_LEFT + PLOT_W / 2.0;
	return SC_LEFT + SC_PAD + (double)(day - d0) * (PLOT_W - 2 * SC_PAD) / (double)(d1 - d0);
}

double scorechart_y(const struct scorechart *c, double total)
{
	int span = c->max > c->min ? c->max - c->min : 1;
	if (total < c->min)
		total = c->min;
	if (total > c->max)
		total = c->max;
	return SC_TOP + PLOT_H - (total - c->min) * PLOT_H / span;
}

/* ` name="12.5"` */
static void num_attr(struct html *w, const char *prefix, double v)
{
	char s[32];
	snprintf(s, sizeof s, "%.1f", v);
	html_attr_(w, prefix, s);
}
#define NUM(w, name, v) num_attr((w), " " name "=\"", (v))

static void id_attr(struct html *w, const char *prefix, const char *id, const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s%s", id, suffix);
	html_attr_(w, prefix, b.data);
	buf_release(&b);
}

/* The four fills that tell the bands apart without colour. */
static void patterns(struct html *w, const char *id)
{
	html_raw(w, "<defs>");
	html_raw(w, "<pattern");
	id_attr(w, " id=\"", id, "-p1");
	html_raw(w, " width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" "
		    "fill=\"#fff4d6\"/><path d=\"M0 8 L8 0\" stroke=\"#8a6d1f\" stroke-width=\"1\"/></pattern>");
	html_raw(w, "<pattern");
	id_attr(w, " id=\"", id, "-p2");
	html_raw(w, " width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" "
		    "fill=\"#fde2cf\"/><circle cx=\"4\" cy=\"4\" r=\"1.3\" fill=\"#8a3d0f\"/></pattern>");
	html_raw(w, "<pattern");
	id_attr(w, " id=\"", id, "-p3");
	html_raw(w, " width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" "
		    "fill=\"#f8d0d0\"/><path d=\"M0 0 L8 8 M0 8 L8 0\" stroke=\"#7a1f1f\" stroke-width=\"1\"/>"
		    "</pattern>");
	html_raw(w, "</defs>\n");
}

static void fill_attr(struct html *w, const char *id, size_t zone)
{
	int k = (int)(zone % 4);
	if (k == 0) {
		html_raw(w, " fill=\"#e8f3ea\"");
		return;
	}
	char suffix[16];
	snprintf(suffix, sizeof suffix, "-p%d)", k);
	struct buf b = BUF_INIT;
	buf_addf(&b, "url(#%s%s", id, suffix);
	html_attr(w, "fill", b.data);
	buf_release(&b);
}

static void day_text(struct html *w, int32_t day)
{
	char d[11];
	date_format(day, d);
	html_text(w, d);
}

static void desc_text(struct html *w, const struct scorechart *c)
{
	for (size_t i = 0; i < c->npoints; i++) {
		const struct scorechart_point *p = &c->points[i];
		if (i)
			html_raw(w, "; ");
		day_text(w, p->day);
		html_raw(w, ": ");
		html_int(w, p->total);
		if (p->zone_label) {
			html_raw(w, " (");
			html_text(w, p->zone_label);
			html_raw(w, ")");
		}
	}
	if (c->npoints)
		html_raw(w, ".");
}

static void axis_label(struct html *w, const struct scorechart *c, int v)
{
	html_raw(w, "<text class=\"tolv-axis\" text-anchor=\"end\" font-size=\"11\" fill=\"#1a1a1a\"");
	NUM(w, "x", SC_LEFT - 4);
	NUM(w, "y", scorechart_y(c, v) + 4);
	html_raw(w, ">");
	html_int(w, v);
	html_raw(w, "</text>\n");
}

void scorechart_svg(struct html *w, const struct scorechart *c)
{
	if (!c->npoints) {
		html_raw(w, "<p class=\"ds-paragraph\">");
		html_text(w, tr(c->lang, "No results to draw yet."));
		html_raw(w, "</p>\n");
		return;
	}
	const char *id = id_ok(c->id) ? c->id : "scorechart";
	html_raw(w, "<svg class=\"tolv-scorechart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		    "viewBox=\"0 0 640 240\" width=\"640\" height=\"240\"");
	struct buf lb = BUF_INIT;
	buf_addf(&lb, "%s-title %s-desc", id, id);
	html_attr(w, "aria-labelledby", lb.data);
	buf_release(&lb);
	html_raw(w, "><title");
	id_attr(w, " id=\"", id, "-title");
	html_raw(w, ">");
	html_text(w, c->title);
	html_raw(w, "</title><desc");
	id_attr(w, " id=\"", id, "-desc");
	html_raw(w, ">");
	desc_text(w, c);
	html_raw(w, "</desc>\n");
	patterns(w, id);

	/* The zone bands, with their labels on the right. */
	for (size_t i = 0; i < c->nzones; i++) {
		const struct scorechart_zone *z = &c->zones[i];
		int top = z->max + 1 > c->max ? c->max : z->max + 1;
		double y0 = scorechart_y(c, top), y1 = scorechart_y(c, z->min);
		html_raw(w, "<rect class=\"tolv-zone\"");
		NUM(w, "x", SC_LEFT);
		NUM(w, "y", y0);
		NUM(w, "width", PLOT_W);
		NUM(w, "height", y1 - y0);
		fill_attr(w, id, i);
		html_raw(w, " stroke=\"#6b6b6b\" stroke-width=\"0.5\"/>\n<text class=\"tolv-zone-label\"");
		NUM(w, "x", SC_LEFT + PLOT_W + 6);
		NUM(w, "y", (y0 + y1) / 2 + 4);
		html_raw(w, " font-size=\"11\" fill=\"#1a1a1a\">");
		html_text(w, z->label);
		html_raw(w, "</text>\n");
	}
	/* The axes, with the range and each zone's lowest total. */
	html_raw(w, "<path fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"1\"");
	struct buf d = BUF_INIT;
	buf_addf(&d, "M%d %d V%d H%d", SC_LEFT, SC_TOP, SC_TOP + PLOT_H, SC_LEFT + PLOT_W);
	html_attr(w, "d", d.data);
	buf_release(&d);
	html_raw(w, "/>\n");
	for (size_t i = 0; i <= c->nzones; i++) {
		/* each zone's lowest total (the axis minimum when there are no zones), then the maximum */
		int v = i < c->nzones ? c->zones[i].min : c->max;
		if (i == 0 && !c->nzones)
			axis_label(w, c, c->min);
		axis_label(w, c, v);
	}
	int32_t d0 = first_day(c), d1 = last_day(c);
	html_raw(w, "<text class=\"tolv-axis\" font-size=\"11\" fill=\"#1a1a1a\"");
	NUM(w, "x", SC_LEFT);
	NUM(w, "y", SC_HEIGHT - 12);
	html_raw(w, ">");
	day_text(w, d0);
	html_raw(w, "</text>\n");
	if (d1 > d0) {
		html_raw(w, "<text class=\"tolv-axis\" text-anchor=\"end\" font-size=\"11\" fill=\"#1a1a1a\"");
		NUM(w, "x", SC_LEFT + PLOT_W);
		NUM(w, "y", SC_HEIGHT - 12);
		html_raw(w, ">");
		day_text(w, d1);
		html_raw(w, "</text>\n");
	}

	/* The line and the points, each with its total written above it. */
	if (c->npoints > 1) {
		struct buf pts = BUF_INIT;
		for (size_t i = 0; i < c->npoints; i++)
			buf_addf(&pts, "%s%.1f,%.1f", i ? " " : "", scorechart_x(c, c->points[i].day),
				 scorechart_y(c, c->points[i].total));
		html_raw(w, "<polyline fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"2\"");
		html_attr(w, "points", pts.data);
		html_raw(w, "/>\n");
		buf_release(&pts);
	}
	for (size_t i = 0; i < c->npoints; i++) {
		double x = scorechart_x(c, c->points[i].day), y = scorechart_y(c, c->points[i].total);
		html_raw(w, "<circle class=\"tolv-score\"");
		NUM(w, "cx", x);
		NUM(w, "cy", y);
		html_raw(w, " r=\"4.5\" fill=\"#1a1a1a\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n<text "
			    "class=\"tolv-score-label\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" "
			    "fill=\"#1a1a1a\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"");
		NUM(w, "x", x);
		NUM(w, "y", y - 8 < SC_TOP + 8 ? y + 16 : y - 8);
		html_raw(w, ">");
		html_int(w, c->points[i].total);
		html_raw(w, "</text>\n");
	}
	html_raw(w, "</svg>\n");
}

void scorechart_table(struct html *w, const struct scorechart *c, const char *caption)
{
	html_raw(w, "<table class=\"ds-table tolv-scoretable\" data-border=\"true\">\n<caption>");
	html_text(w, caption);
	html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(w, tr(c->lang, "Date"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, tr(c->lang, "Total score"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, tr(c->lang, "Zone"));
	html_raw(w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < c->npoints; i++) {
		html_raw(w, "<tr><th scope=\"row\">");
		day_text(w, c->points[i].day);
		html_raw(w, "</th><td>");
		html_int(w, c->points[i].total);
		html_raw(w, "</td><td>");
		html_text(w, c->points[i].zone_label ? c->points[i].zone_label : "–");
		html_raw(w, "</td></tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n");
}
