/* test_charts.c: the report charts' structure (html/charts.h) — the text alternative
 * named by aria-labelledby, one bar per value with its number as text, the second series
 * hatched / dashed (not colour only), bars and curves scaled right, escaping of every
 * dynamic string, no inline styles. Structure and a few coordinates, not pixels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "html/charts.h"
#include "html/html.h"

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

static void safe(const char *out)
{
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "style="));
	assert_int_equal(count(out, "<svg"), 1);
	assert_int_equal(count(out, "</svg>"), 1);
}

static void bars(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	const char *cats[] = { "NAV", NASTY };
	const double v1[] = { 4, 2 }, v2[] = { 1, NAN };
	const char *t1[] = { "4", "2" };
	struct chart_series s[] = { { "This period", v1, t1 }, { NASTY, v2, NULL } };
	chart_bars(&w, "ref-src", NASTY, "NAV: 4 and 1", cats, 2, s, 2, 0);
	safe(b.data);
	has(b.data, "role=\"img\"");
	has(b.data, "aria-labelledby=\"ref-src-title ref-src-desc\"");
	has(b.data, "<title id=\"ref-src-title\">" NASTY_ESCAPED "</title>");
	has(b.data, "<desc id=\"ref-src-desc\">NAV: 4 and 1</desc>");
	/* Legend swatches (2) + 2 × 2 bars; the hatched ones name the pattern. */
	assert_int_equal(count(b.data, "<rect x=\"0\""), 4);
	assert_int_equal(count(b.data, "url(#ref-src-hatch)"), 3); /* legend + two bars */
	has(b.data, "<pattern id=\"ref-src-hatch\"");
	/* The largest value (4) spans the full 550 units; 2 half; 1 a quarter; NAN none. */
	has(b.data, "width=\"550.0\"");
	has(b.data, "width=\"275.0\"");
	has(b.data, "width=\"137.5\"");
	has(b.data, "width=\"0.0\"");
	/* Values as text: the given texts, a number, and "-" for the missing one. */
	has(b.data, ">4</text>");
	has(b.data, ">1</text>");
	has(b.data, ">-</text>");
	has(b.data, ">" NASTY_ESCAPED "</text>");
	buf_release(&b);
}

static void bad_id(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	const char *cats[] = { "a" };
	const double v[] = { 1 };
	struct chart_series s[] = { { "x", v, NULL } };
	chart_bars(&w, "\"><script>", "t", "d", cats, 1, s, 1, 0);
	safe(b.data);
	has(b.data, "<title id=\"chart-title\">");
	buf_release(&b);
}

static void steps(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	/* Two points: S 1 at day 29 (censored), 0.5 at day 36; xmax 90 rounds up to 100.
	 * The plot spans x 56…624 (568 units) and y 260 (0 %) … 32 (100 %), 228 units:
	 * day 36 → 56 + 568 * 0.36 = 260.5; S 0.5 → 260 - 114 = 146. */
	const double x[] = { 29, 36 }, y[] = { 1, 0.5 }, c[] = { 1, 0 };
	struct chart_curve cv[] = { { "Q1", x, y, c, 2 }, { NASTY, x, y, NULL, 2 } };
	chart_steps(&w, "km", "Retention", "Half left by day 36", cv, 2, 90, "Days", NASTY);
	safe(b.data);
	has(b.data, "d=\"M56.0 32.0 H220.7 V32.0 H260.5 V146.0\"");
	assert_int_equal(count(b.data, "<path"), 2);
	assert_int_equal(count(b.data, "stroke-dasharray=\"6 4\""), 2); /* legend + curve */
	/* One censoring tick (the first curve's day 29): x 56 + 568 * 0.29 = 220.7. */
	has(b.data, "x1=\"220.7\" x2=\"220.7\"");
	has(b.data, ">100 %</text>");
	has(b.data, ">100</text>"); /* the x axis to 100 days */
	has(b.data, ">" NASTY_ESCAPED "</text>");
	buf_release(&b);
}

static void lines(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	/* Three months, values 1, 1, 2 (the y axis goes to 4, the smallest top): x from 56 + 10
	 * in steps of (568 - 20) / 2 = 274: 66.0, 340.0, 614.0. The chart is 280 high, the plot
	 * from y 240 (0) up to 32 (4), 208 units: y = 240 - 208 * v / 4: 188.0 for 1, 136.0
	 * for 2. */
	const char *xl[] = { "2026-01", "2026-02", NASTY };
	const double v[] = { 1, 1, 2 };
	struct chart_series s[] = { { "Referrals", v, NULL } };
	chart_lines(&w, "months", "Referrals per month", "1, 1, 2", xl, 3, s, 1, "Referrals");
	safe(b.data);
	has(b.data, "points=\"66.0,188.0 340.0,188.0 614.0,136.0\"");
	assert_int_equal(count(b.data, "<circle"), 3);
	has(b.data, ">2026-01</text>");
	has(b.data, ">" NASTY_ESCAPED "</text>");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bars),
		cmocka_unit_test(bad_id),
		cmocka_unit_test(steps),
		cmocka_unit_test(lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
