/* stepchart.c: the per-person SVG step chart, its companion table and legend, and the
 * per-group step grid (see stepchart.h). */
#include "html/stepchart.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"

static const char *tr(enum lang lang, const char *msgid)
{
	return i18n_tr(lang, msgid);
}

static bool status_ok(enum step_status s)
{
	return (int)s >= 0 && (int)s < STEP_STATUS_COUNT;
}

/* A status out of range draws as not started rather than not at all: the chart must
 * always have twelve marks. */
static enum step_status status_of(const struct step_state *st)
{
	return status_ok(st->status) ? st->status : STEP_NOT_STARTED;
}

const char *stepmark_glyph(enum step_status s)
{
	static const char *const glyphs[STEP_STATUS_COUNT] = {
		[STEP_NOT_STARTED] = "\u25cb", /* ○ */
		[STEP_WORKING] = "\u25d0",     /* ◐ */
		[STEP_PRESENTED] = "\u25cd",   /* ◍ */
		[STEP_COMPLETED] = "\u25cf",   /* ● */
	};
	return status_ok(s) ? glyphs[s] : glyphs[STEP_NOT_STARTED];
}

/* The class for CSS to colour by, on top of the shapes: "step step-working". */
static void step_class(struct html *w, enum step_status s)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "step step-%s", step_status_key(s));
	html_attr(w, "class", b.data);
	buf_release(&b);
}

/* "1–3, 5, 7–12": runs of consecutive steps with status s. */
static int list_steps(const struct step_state states[STEP_COUNT], enum step_status s,
		      struct buf *out)
{
	int count = 0;
	for (int i = 0; i < STEP_COUNT; i++) {
		if (status_of(&states[i]) != s)
			continue;
		int j = i;
		while (j + 1 < STEP_COUNT && status_of(&states[j + 1]) == s)
			j++;
		if (out->len)
			buf_adds(out, ", ");
		if (j > i)
			buf_addf(out, "%d\u2013%d", i + 1, j + 1);
		else
			buf_addf(out, "%d", i + 1);
		count += j - i + 1;
		i = j;
	}
	return count;
}

/* ---- The SVG ------------------------------------------------------------------------- */

/* Geometry, in the viewBox's units. Steps sit in three blocks with a gap between the
 * phases, the way they are taught. */
enum {
	MARGIN = 20,
	PITCH = 76,      /* from one step to the next: room for the longest status word */
	PHASE_GAP = 20,
	RADIUS = 22,
	PHASE_Y = 18,    /* phase label baseline */
	BRACKET_Y = 28,
	CIRCLE_Y = 64,
	NUMBER_Y = 104,
	LABEL_Y = 122,
	HEIGHT = 134,
	WIDTH = 2 * MARGIN + STEP_COUNT * PITCH + 2 * PHASE_GAP,
};

static int step_cx(int step)
{
	int gaps = step_phase_of(step) - 1;
	return MARGIN + (step - 1) * PITCH + gaps * PHASE_GAP + PITCH / 2;
}

static bool id_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 64)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return false;
	return true;
}

/* An attribute whose value is built from numbers and the id: path data, references. */
static void attr_built(struct html *w, const char *prefix, struct buf *b)
{
	html_attr_(w, prefix, b->data);
	buf_reset(b);
}

static void draw_mark(struct html *w, const char *id, int cx, enum step_status s)
{
	struct buf b = BUF_INIT;
	const int cy = CIRCLE_Y, r = RADIUS;
	switch (s) {
	case STEP_NOT_STARTED:
		/* Dashed and empty: nothing begun. */
		html_raw(w, "<circle");
		html_attr_int(w, "cx", cx);
		html_attr_int(w, "cy", cy);
		html_attr_int(w, "r", r);
		html_raw(w, " fill=\"#ffffff\" stroke=\"#4b5563\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>");
		break;
	case STEP_WORKING:
		/* Half filled: under way. */
		html_raw(w, "<circle");
		html_attr_int(w, "cx", cx);
		html_attr_int(w, "cy", cy);
		html_attr_int(w, "r", r);
		html_raw(w, " fill=\"#ffffff\" stroke=\"#1f2937\" stroke-width=\"2\"/><path");
		buf_addf(&b, "M%d %dA%d %d 0 0 0 %d %dZ", cx, cy - r, r, r, cx, cy + r);
		attr_built(w, " d=\"", &b);
		html_raw(w, " fill=\"#1f2937\"/>");
		break;
	case STEP_PRESENTED:
		/* Hatched: shared, waiting to be confirmed complete. */
		html_raw(w, "<circle");
		html_attr_int(w, "cx", cx);
		html_attr_int(w, "cy", cy);
		html_attr_int(w, "r", r);
		buf_addf(&b, "url(#%s-hatch)", id);
		attr_built(w, " fill=\"", &b);
		html_raw(w, " stroke=\"#1f2937\" stroke-width=\"2\"/>");
		break;
	case STEP_COMPLETED:
		/* Filled with a tick: done. */
		html_raw(w, "<circle");
		html_attr_int(w, "cx", cx);
		html_attr_int(w, "cy", cy);
		html_attr_int(w, "r", r);
		html_raw(w, " fill=\"#1f2937\" stroke=\"#1f2937\" stroke-width=\"2\"/><path");
		buf_addf(&b, "M%d %dL%d %dL%d %d", cx - 10, cy + 1, cx - 3, cy + 8, cx + 11, cy - 8);
		attr_built(w, " d=\"", &b);
		html_raw(w, " fill=\"none\" stroke=\"#ffffff\" stroke-width=\"4\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>");
		break;
	}
	buf_release(&b);
}

/* "Completed: steps 1–3. Presented: step 4. …" — the chart in words. */
static void write_desc(struct html *w, const struct step_state states[STEP_COUNT],
		       enum lang lang)
{
	static const enum step_status order[] = { STEP_COMPLETED, STEP_PRESENTED, STEP_WORKING,
						  STEP_NOT_STARTED };
	struct buf list = BUF_INIT;
	bool first = true;
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		buf_reset(&list);
		int n = list_steps(states, order[k], &list);
		if (!n)
			continue;
		if (!first)
			html_raw(w, " ");
		first = false;
		html_fmt(w, tr(lang, n == 1 ? N_("{}: step {}.") : N_("{}: steps {}.")),
			 tr(lang, step_status_label(order[k])), list.data);
	}
	buf_release(&list);
}

void stepchart_svg(struct html *w, const char *id, const char *person_name,
		   const struct step_state states[STEP_COUNT], const struct step_names *names,
		   enum lang lang)
{
	struct buf b = BUF_INIT;
	char date[11];
	if (!id_ok(id))
		id = "stepchart";

	html_raw(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"tolv-stepchart\"");
	buf_addf(&b, "0 0 %d %d", WIDTH, HEIGHT);
	attr_built(w, " viewBox=\"", &b);
	buf_addf(&b, "%s-title %s-desc", id, id);
	attr_built(w, " aria-labelledby=\"", &b);
	html_raw(w, ">\n<title");
	buf_addf(&b, "%s-title", id);
	attr_built(w, " id=\"", &b);
	html_raw(w, ">");
	html_fmt(w, tr(lang, N_("Steps of {}")), person_name ? person_name : "");
	html_raw(w, "</title>\n<desc");
	buf_addf(&b, "%s-desc", id);
	attr_built(w, " id=\"", &b);
	html_raw(w, ">");
	write_desc(w, states, lang);
	html_raw(w, "</desc>\n");

	/* The hatching for "presented", defined once per chart. */
	html_raw(w, "<defs><pattern");
	buf_addf(&b, "%s-hatch", id);
	attr_built(w, " id=\"", &b);
	html_raw(w, " width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		    "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
		    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#1f2937\" stroke-width=\"3\"/>"
		    "</pattern></defs>\n");

	/* The phases: a label over a bracket spanning the phase's steps. */
	for (int ph = 1; ph <= 3; ph++) {
		int x1 = step_cx(step_phase_first(ph)) - PITCH / 2 + 4;
		int x2 = step_cx(step_phase_last(ph)) + PITCH / 2 - 4;
		html_raw(w, "<g class=\"step-phase\"><text");
		html_attr_int(w, "x", (x1 + x2) / 2);
		html_attr_int(w, "y", PHASE_Y);
		html_raw(w, " text-anchor=\"middle\" font-size=\"13\" fill=\"#111827\">");
		html_text(w, tr(lang, step_phase_label(ph)));
		html_raw(w, "</text><path");
		buf_addf(&b, "M%d %dV%dH%dV%d", x1, BRACKET_Y + 6, BRACKET_Y, x2, BRACKET_Y + 6);
		attr_built(w, " d=\"", &b);
		html_raw(w, " fill=\"none\" stroke=\"#6b7280\" stroke-width=\"1.5\"/></g>\n");
	}

	for (int i = 0; i < STEP_COUNT; i++) {
		enum step_status s = status_of(&states[i]);
		int cx = step_cx(i + 1);
		char num[12];
		snprintf(num, sizeof num, "%d", i + 1);

		html_raw(w, "<g");
		step_class(w, s);
		html_raw(w, "><title>");
		/* The tooltip: the step's full name and since when it has its status. */
		date_format(states[i].since, date);
		if (date[0])
			html_fmt(w, tr(lang, N_("Step {}: {} — {} since {}")), num,
				 step_name(names, i + 1, lang), tr(lang, step_status_label(s)), date);
		else
			html_fmt(w, tr(lang, N_("Step {}: {} — {}")), num,
				 step_name(names, i + 1, lang), tr(lang, step_status_label(s)));
		html_raw(w, "</title>");
		draw_mark(w, id, cx, s);
		html_raw(w, "<text");
		html_attr_int(w, "x", cx);
		html_attr_int(w, "y", NUMBER_Y);
		html_raw(w, " text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#111827\">");
		html_text(w, num);
		html_raw(w, "</text><text");
		html_attr_int(w, "x", cx);
		html_attr_int(w, "y", LABEL_Y);
		html_raw(w, " text-anchor=\"middle\" font-size=\"11\" fill=\"#111827\">");
		html_text(w, tr(lang, step_status_label(s)));
		html_raw(w, "</text></g>\n");
	}
	html_raw(w, "</svg>\n");
	buf_release(&b);
}

/* ---- Tables -------------------------------------------------------------------------- */

/* The mark, hidden from screen readers, which read the word instead: visible beside the
 * mark in the person's table, for screen readers only in the crowded grid. */
static void mark_cell(struct html *w, enum step_status s, enum lang lang, bool visible_word)
{
	html_raw(w, "<span aria-hidden=\"true\">");
	html_text(w, stepmark_glyph(s));
	html_raw(w, "</span>");
	if (visible_word)
		html_raw(w, " <span>");
	else
		html_raw(w, "<span class=\"ds-sr-only\">");
	html_text(w, tr(lang, step_status_label(s)));
	html_raw(w, "</span>");
}

void stepchart_table(struct html *w, const char *person_name,
		     const struct step_state states[STEP_COUNT], const struct step_names *names,
		     enum lang lang)
{
	char date[11];
	html_raw(w, "<table class=\"ds-table tolv-steptable\" data-border=\"true\">\n<caption>");
	html_fmt(w, tr(lang, N_("Steps of {}")), person_name ? person_name : "");
	html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(w, tr(lang, N_("Step")));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, tr(lang, N_("Name")));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, tr(lang, N_("Phase")));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, tr(lang, N_("Status")));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, tr(lang, N_("Since")));
	html_raw(w, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < STEP_COUNT; i++) {
		enum step_status s = status_of(&states[i]);
		html_raw(w, "<tr");
		step_class(w, s);
		html_raw(w, "><th scope=\"row\">");
		html_int(w, i + 1);
		html_raw(w, "</th><td>");
		html_text(w, step_name(names, i + 1, lang));
		html_raw(w, "</td><td>");
		html_text(w, tr(lang, step_phase_label(step_phase_of(i + 1))));
		html_raw(w, "</td><td>");
		mark_cell(w, s, lang, true);
		html_raw(w, "</td><td>");
		date_format(states[i].since, date);
		html_text(w, date);
		html_raw(w, "</td></tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n");
}

void stepmark_legend(struct html *w, enum lang lang)
{
	static const enum step_status order[] = { STEP_NOT_STARTED, STEP_WORKING, STEP_PRESENTED,
						  STEP_COMPLETED };
	html_raw(w, "<ul class=\"tolv-stepmarks\">\n");
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		html_raw(w, "<li");
		step_class(w, order[k]);
		html_raw(w, "><span aria-hidden=\"true\">");
		html_text(w, stepmark_glyph(order[k]));
		html_raw(w, "</span> ");
		html_text(w, tr(lang, step_status_label(order[k])));
		html_raw(w, "</li>\n");
	}
	html_raw(w, "</ul>\n");
}

/* Fills a "{}" template with a and b, unescaped, for an attribute that html_attr will
 * escape (html_fmt escapes for element content, which would escape twice). */
static void fill(struct buf *out, const char *tmpl, const char *a, const char *b)
{
	const char *args[2] = { a, b };
	int k = 0;
	for (;;) {
		const char *ph = strstr(tmpl, "{}");
		if (!ph) {
			buf_adds(out, tmpl);
			return;
		}
		buf_add(out, tmpl, (size_t)(ph - tmpl));
		if (k < 2)
			buf_adds(out, args[k++]);
		tmpl = ph + 2;
	}
}

void stepgrid_table(struct html *w, const char *caption, const struct stepgrid_row *rows,
		    size_t nrows, const struct step_names *names, enum lang lang)
{
	struct buf b = BUF_INIT;
	html_raw(w, "<table class=\"ds-table tolv-stepgrid\" data-border=\"true\">\n<caption>");
	html_text(w, caption);
	html_raw(w, "</caption>\n<colgroup><col></colgroup>");
	for (int ph = 1; ph <= 3; ph++) {
		html_raw(w, "<colgroup");
		html_attr_int(w, "span", step_phase_last(ph) - step_phase_first(ph) + 1);
		html_raw(w, "></colgroup>");
	}
	html_raw(w, "<colgroup><col></colgroup>\n<thead>\n<tr><th scope=\"col\" rowspan=\"2\">");
	html_text(w, tr(lang, N_("Person")));
	html_raw(w, "</th>");
	for (int ph = 1; ph <= 3; ph++) {
		html_raw(w, "<th scope=\"colgroup\"");
		html_attr_int(w, "colspan", step_phase_last(ph) - step_phase_first(ph) + 1);
		html_raw(w, ">");
		html_text(w, tr(lang, step_phase_label(ph)));
		html_raw(w, "</th>");
	}
	html_raw(w, "<th scope=\"col\" rowspan=\"2\">");
	html_text(w, tr(lang, N_("Completed steps")));
	html_raw(w, "</th></tr>\n<tr>");
	for (int i = 0; i < STEP_COUNT; i++) {
		char num[12];
		snprintf(num, sizeof num, "%d", i + 1);
		/* The number is what fits; the name is what a screen reader and a hovering
		 * pointer get. Filled in plain here: html_attr escapes it. */
		fill(&b, tr(lang, N_("Step {}: {}")), num, step_name(names, i + 1, lang));
		html_raw(w, "<th scope=\"col\"");
		html_attr(w, "aria-label", b.data);
		html_attr(w, "title", b.data);
		html_raw(w, ">");
		html_text(w, num);
		html_raw(w, "</th>");
		buf_reset(&b);
	}
	html_raw(w, "</tr>\n</thead>\n<tbody>\n");
	if (nrows == 0) {
		html_raw(w, "<tr><td");
		html_attr_int(w, "colspan", STEP_COUNT + 2);
		html_raw(w, ">");
		html_text(w, tr(lang, N_("No one in the group yet.")));
		html_raw(w, "</td></tr>\n");
	}
	for (size_t r = 0; r < nrows; r++) {
		const struct stepgrid_row *row = &rows[r];
		html_raw(w, "<tr><th scope=\"row\">");
		if (row->href) {
			html_raw(w, "<a");
			html_attr(w, "href", row->href);
			html_raw(w, ">");
			html_text(w, row->name);
			html_raw(w, "</a>");
		} else {
			html_text(w, row->name);
		}
		html_raw(w, "</th>");
		for (int i = 0; i < STEP_COUNT; i++) {
			enum step_status s = status_of(&row->states[i]);
			html_raw(w, "<td");
			step_class(w, s);
			html_raw(w, ">");
			mark_cell(w, s, lang, false);
			html_raw(w, "</td>");
		}
		html_raw(w, "<td>");
		html_int(w, steps_count(row->states, STEP_COMPLETED));
		html_raw(w, "</td></tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n");
	buf_release(&b);
}
