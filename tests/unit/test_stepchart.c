/* test_stepchart.c: unit tests of the step chart's structure — twelve steps with their
 * marks and words, the text alternative, escaping of every dynamic string, no inline
 * styles — and of the group grid. Structure, not pixels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "domain/steps.h"
#include "html/html.h"
#include "html/stepchart.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define TODAY D(2025, 6, 2)
#define NASTY "<script>'\"&"
#define NASTY_ESCAPED "&lt;script&gt;&#39;&quot;&amp;"

static int count(const char *hay, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);
	for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

static void has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not found in:\n%s", needle, hay);
}

/* Nothing dynamic got through unescaped, and nothing is styled inline. */
static void safe(const char *out)
{
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "'\"&"));
	assert_null(strstr(out, "style="));
	assert_null(strstr(out, "style ="));
}

/* Steps 1–3 completed, 4 presented, 5 working, the rest not started. */
static void progress(struct step_state s[STEP_COUNT])
{
	step_states_init(s);
	for (int i = 0; i < 5; i++)
		assert_null(step_transition(&s[i], STEP_WORKING, D(2025, 1, 6 + i), TODAY, 7, NULL));
	for (int i = 0; i < 4; i++)
		assert_null(step_transition(&s[i], STEP_PRESENTED, D(2025, 2, 3 + i), TODAY, 7, NULL));
	for (int i = 0; i < 3; i++)
		assert_null(step_transition(&s[i], STEP_COMPLETED, D(2025, 3, 3 + i), TODAY, 7, NULL));
}

static char *render_svg(const char *id, const char *name, const struct step_state *s,
			const struct step_names *names)
{
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	stepchart_svg(&w, id, name, s, names, LANG_EN);
	return buf_detach(&b, NULL);
}

static void chart_structure(void **state)
{
	struct step_state s[STEP_COUNT];
	progress(s);
	char *out = render_svg("sc-1", "Kari Nordmann", s, NULL);

	assert_true(strncmp(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"", 50) == 0);
	has(out, " viewBox=\"0 0 ");
	has(out, " aria-labelledby=\"sc-1-title sc-1-desc\"");
	has(out, "<title id=\"sc-1-title\">Steps of Kari Nordmann</title>");
	has(out, "<desc id=\"sc-1-desc\">Completed: steps 1–3. Presented: step 4. "
		 "Working: step 5. Not started: steps 6–12.</desc>");
	assert_int_equal(count(out, "</svg>"), 1);

	/* Twelve steps, each a group with its status class, tooltip, mark, number and word. */
	assert_int_equal(count(out, "<g class=\"step step-"), 12);
	assert_int_equal(count(out, "<g class=\"step step-completed\">"), 3);
	assert_int_equal(count(out, "<g class=\"step step-presented\">"), 1);
	assert_int_equal(count(out, "<g class=\"step step-working\">"), 1);
	assert_int_equal(count(out, "<g class=\"step step-not_started\">"), 7);
	assert_int_equal(count(out, "<circle"), 12);
	for (int i = 1; i <= 12; i++) {
		char num[64];
		snprintf(num, sizeof num, " font-weight=\"bold\" fill=\"#111827\">%d</text>", i);
		assert_int_equal(count(out, num), 1);
	}
	/* The words under the marks. */
	assert_int_equal(count(out, "font-size=\"11\" fill=\"#111827\">Completed</text>"), 3);
	assert_int_equal(count(out, "font-size=\"11\" fill=\"#111827\">Presented</text>"), 1);
	assert_int_equal(count(out, "font-size=\"11\" fill=\"#111827\">Working</text>"), 1);
	assert_int_equal(count(out, "font-size=\"11\" fill=\"#111827\">Not started</text>"), 7);
	/* Shapes differ, not only colours: dashes, a half, hatching, a tick. */
	assert_int_equal(count(out, "stroke-dasharray=\"5 4\""), 7);
	assert_int_equal(count(out, "fill=\"url(#sc-1-hatch)\""), 1);
	assert_int_equal(count(out, "<pattern id=\"sc-1-hatch\""), 1);
	assert_int_equal(count(out, "stroke-linecap=\"round\""), 3);
	/* Tooltips name the step and say since when. */
	has(out, "<title>Step 4: Moral self-inventory — Presented since 2025-02-06</title>");
	has(out, "<title>Step 12: Sharing the experience with others — Not started</title>");
	/* The three phases. */
	has(out, ">Steps 1–3</text>");
	has(out, ">Steps 4–9</text>");
	has(out, ">Steps 10–12</text>");
	/* Balanced. */
	assert_int_equal(count(out, "<g"), count(out, "</g>"));
	assert_int_equal(count(out, "<text"), count(out, "</text>"));
	assert_int_equal(count(out, "<title"), count(out, "</title>"));
	safe(out);
	free(out);
}

static void chart_escaping(void **state)
{
	struct step_state s[STEP_COUNT];
	struct step_names names;
	memset(&names, 0, sizeof names);
	names.name[3][LANG_EN] = "Inventory " NASTY;
	progress(s);
	char *out = render_svg("sc-2", "Ola " NASTY, s, &names);
	has(out, "<title id=\"sc-2-title\">Steps of Ola " NASTY_ESCAPED "</title>");
	has(out, "<title>Step 4: Inventory " NASTY_ESCAPED " — Presented since 2025-02-06</title>");
	safe(out);
	free(out);

	/* An id that is not a plain id is not written: the fallback is. */
	out = render_svg("x\" onload=\"alert(1)", NASTY, s, NULL);
	has(out, " aria-labelledby=\"stepchart-title stepchart-desc\"");
	assert_null(strstr(out, "onload"));
	safe(out);
	free(out);
	out = render_svg(NULL, NULL, s, NULL);
	has(out, "<title id=\"stepchart-title\">Steps of </title>");
	free(out);

	/* A status out of range still draws a step, as not started. */
	s[6].status = (enum step_status)9;
	out = render_svg("sc-3", "A", s, NULL);
	assert_int_equal(count(out, "<g class=\"step step-"), 12);
	assert_int_equal(count(out, "<g class=\"step step-not_started\">"), 7);
	free(out);

	/* All completed, all not started: the desc still reads well. */
	struct step_state all[STEP_COUNT];
	step_states_init(all);
	out = render_svg("sc-4", "B", all, NULL);
	has(out, ">Not started: steps 1–12.</desc>");
	free(out);
	for (int i = 0; i < STEP_COUNT; i++)
		all[i].status = i % 2 ? STEP_COMPLETED : STEP_WORKING;
	out = render_svg("sc-5", "C", all, NULL);
	has(out, ">Completed: steps 2, 4, 6, 8, 10, 12. Working: steps 1, 3, 5, 7, 9, 11.</desc>");
	free(out);
}

static void companion_table(void **state)
{
	struct step_state s[STEP_COUNT];
	struct step_names names;
	struct buf b = BUF_INIT;
	struct html w;
	memset(&names, 0, sizeof names);
	names.name[0][LANG_EN] = NASTY;
	progress(s);
	html_init(&w, &b);
	stepchart_table(&w, "Per " NASTY, s, &names, LANG_EN);
	const char *out = b.data;
	has(out, "<caption>Steps of Per " NASTY_ESCAPED "</caption>");
	assert_int_equal(count(out, "<th scope=\"col\">"), 5);
	assert_int_equal(count(out, "<th scope=\"row\">"), 12);
	assert_int_equal(count(out, "<tr class=\"step step-"), 12);
	has(out, "<th scope=\"row\">1</th><td>" NASTY_ESCAPED "</td><td>Steps 1–3</td>");
	has(out, "<th scope=\"row\">4</th><td>Moral self-inventory</td><td>Steps 4–9</td>"
		 "<td><span aria-hidden=\"true\">\u25cd</span> <span>Presented</span></td>"
		 "<td>2025-02-06</td>");
	has(out, "<th scope=\"row\">12</th><td>Sharing the experience with others</td>"
		 "<td>Steps 10–12</td><td><span aria-hidden=\"true\">\u25cb</span> "
		 "<span>Not started</span></td><td></td>");
	assert_int_equal(count(out, "<span>Completed</span>"), 3);
	assert_int_equal(count(out, "<span>Working</span>"), 1);
	assert_int_equal(count(out, "<tr"), count(out, "</tr>"));
	safe(out);

	buf_reset(&b);
	stepmark_legend(&w, LANG_EN);
	out = b.data;
	assert_int_equal(count(out, "<li class=\"step step-"), 4);
	has(out, "<span aria-hidden=\"true\">\u25cb</span> Not started</li>");
	has(out, "<span aria-hidden=\"true\">\u25d0</span> Working</li>");
	has(out, "<span aria-hidden=\"true\">\u25cd</span> Presented</li>");
	has(out, "<span aria-hidden=\"true\">\u25cf</span> Completed</li>");
	safe(out);
	buf_release(&b);

	/* Four different marks. */
	for (int i = 0; i < STEP_STATUS_COUNT; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(stepmark_glyph((enum step_status)i),
						stepmark_glyph((enum step_status)j));
	assert_string_equal(stepmark_glyph((enum step_status)9), stepmark_glyph(STEP_NOT_STARTED));
}

static void group_grid(void **state)
{
	struct step_state a[STEP_COUNT], c[STEP_COUNT];
	progress(a);
	step_states_init(c);
	const struct stepgrid_row rows[] = {
		{ .name = "Kari " NASTY, .href = "/persons/1?tab=steps&x=\"", .states = a },
		{ .name = "Ola", .href = NULL, .states = c },
	};
	struct step_names names;
	memset(&names, 0, sizeof names);
	names.name[4][LANG_EN] = "Sharing " NASTY;
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	stepgrid_table(&w, "Group " NASTY, rows, 2, &names, LANG_EN);
	const char *out = b.data;

	has(out, "<caption>Group " NASTY_ESCAPED "</caption>");
	assert_int_equal(count(out, "<colgroup"), 5);
	has(out, "<th scope=\"colgroup\" colspan=\"3\">Steps 1–3</th>");
	has(out, "<th scope=\"colgroup\" colspan=\"6\">Steps 4–9</th>");
	has(out, "<th scope=\"colgroup\" colspan=\"3\">Steps 10–12</th>");
	/* Twelve step columns, named in full for screen readers and the pointer. */
	assert_int_equal(count(out, "<th scope=\"col\" aria-label=\"Step "), 12);
	has(out, "<th scope=\"col\" aria-label=\"Step 4: Moral self-inventory\" "
		 "title=\"Step 4: Moral self-inventory\">4</th>");
	has(out, "aria-label=\"Step 5: Sharing " NASTY_ESCAPED "\"");
	/* One row per person, twelve cells each with mark and word. */
	assert_int_equal(count(out, "<th scope=\"row\">"), 2);
	has(out, "<th scope=\"row\"><a href=\"/persons/1?tab=steps&amp;x=&quot;\">Kari "
		 NASTY_ESCAPED "</a></th>");
	has(out, "<th scope=\"row\">Ola</th>");
	assert_int_equal(count(out, "<td class=\"step step-"), 24);
	has(out, "<td class=\"step step-presented\"><span aria-hidden=\"true\">\u25cd</span>"
		 "<span class=\"ds-sr-only\">Presented</span></td>");
	assert_int_equal(count(out, "<span class=\"ds-sr-only\">Completed</span>"), 3);
	assert_int_equal(count(out, "<span class=\"ds-sr-only\">Not started</span>"), 7 + 12);
	/* The count of completed steps ends each row. */
	has(out, "<td>3</td></tr>");
	has(out, "<td>0</td></tr>");
	assert_int_equal(count(out, "<tr"), count(out, "</tr>"));
	safe(out);

	/* An empty group says so. */
	buf_reset(&b);
	stepgrid_table(&w, "Empty", NULL, 0, NULL, LANG_EN);
	has(b.data, "<td colspan=\"14\">No one in the group yet.</td>");
	safe(b.data);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chart_structure),
		cmocka_unit_test(chart_escaping),
		cmocka_unit_test(companion_table),
		cmocka_unit_test(group_grid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
