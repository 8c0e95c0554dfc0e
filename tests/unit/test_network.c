/* test_network.c: the network report's suppression (primary, derived, the retention
 * partition, secondary against the total), adding programmes together, and the
 * aggregate file: the writer, a round trip, and the strict parser on malformed files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/network.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static struct net_cell EX(int64_t v)
{
	return (struct net_cell){ v, NET_EXACT };
}

static void primary(void **state)
{
	(void)state;
	/* 0 stays 0; 1..4 are "<5"; 5 and up are shown. */
	assert_int_equal(net_count(0).st, NET_EXACT);
	assert_int_equal(net_count(0).v, 0);
	for (int n = 1; n <= 4; n++)
		assert_int_equal(net_count(n).st, NET_SMALL);
	assert_int_equal(net_count(5).st, NET_EXACT);
	assert_int_equal(net_count(5).v, 5);
	assert_int_equal(net_count(1000).st, NET_EXACT);
}

static void derived(void **state)
{
	(void)state;
	/* 6 of 12: 50 %. */
	struct net_derived d = net_ratio(EX(6), EX(12), 100.0);
	assert_int_equal(d.st, NET_D_VALUE);
	NEAR(d.v, 50.0);
	/* A share of a "<5" numerator, or of a "<5" whole, is withheld. */
	assert_int_equal(net_ratio(net_count(3), EX(12), 100.0).st, NET_D_WITHHELD);
	assert_int_equal(net_ratio(EX(0), net_count(4), 100.0).st, NET_D_WITHHELD);
	/* A mean of a withheld sum, and a rate of a lower bound, are withheld. */
	assert_int_equal(net_ratio((struct net_cell){ 0, NET_WITHHELD }, EX(7), 1.0).st, NET_D_WITHHELD);
	assert_int_equal(net_ratio(EX(9), (struct net_cell){ 20, NET_ATLEAST }, 1.0).st, NET_D_WITHHELD);
	/* Nothing to divide by: no data. */
	assert_int_equal(net_ratio(EX(0), EX(0), 100.0).st, NET_D_NODATA);
	/* Mean change: (follow 60 - intake 100) / 5 pairs = -8. */
	d = net_mean_change(EX(60), EX(100), EX(5));
	assert_int_equal(d.st, NET_D_VALUE);
	NEAR(d.v, -8.0);
	assert_int_equal(net_mean_change(EX(6), EX(10), net_count(2)).st, NET_D_WITHHELD);
	assert_int_equal(net_mean_change(EX(0), EX(0), EX(0)).st, NET_D_NODATA);
}

static void raw_init(struct net_raw *raw)
{
	memset(raw, 0, sizeof *raw);
	raw->npath = 6;
	raw->km_median = NAN;
}

static void suppress_org(void **state)
{
	(void)state;
	struct net_raw raw;
	raw_init(&raw);
	raw.f[NF_ENROLMENTS] = 12;
	raw.f[NF_PERSONS] = 3;
	raw.f[NF_TREATMENT_DAYS] = 800;
	raw.f[NF_ATT_N] = 2; /* "<5": its sums go too */
	raw.f[NF_ATT_DAYS] = 40;
	raw.f[NF_ATT_EXPOSURE] = 70;
	raw.f[NF_PATH_REACHED(1)] = 9;
	raw.f[NF_PATH_INTERVALS(1)] = 6;
	raw.f[NF_PATH_DAYS(1)] = 33;
	raw.f[NF_PATH_INTERVALS(2)] = 1;
	raw.f[NF_PATH_DAYS(2)] = 14;
	raw.f[NF_STARTED] = 8;
	raw.f[NF_RET_LEFT] = 0;
	raw.f[NF_RET_COMPLETED] = 5;
	raw.f[NF_RET_ONGOING] = 3;
	raw.km_median = 40;
	struct net_column c;
	net_suppress(&raw, &c);
	assert_int_equal(c.c[NF_ENROLMENTS].st, NET_EXACT);
	assert_int_equal(c.c[NF_ENROLMENTS].v, 12);
	assert_int_equal(c.c[NF_PERSONS].st, NET_SMALL);
	assert_int_equal(c.c[NF_TREATMENT_DAYS].st, NET_EXACT);
	assert_int_equal(c.c[NF_TREATMENT_DAYS].v, 800);
	assert_int_equal(c.c[NF_ATT_N].st, NET_SMALL);
	assert_int_equal(c.c[NF_ATT_DAYS].st, NET_WITHHELD);
	assert_int_equal(c.c[NF_ATT_EXPOSURE].st, NET_WITHHELD);
	/* The mean days of step 1: 33 / 6 = 5.5; of step 2 (one interval): withheld. */
	struct net_derived d = net_ratio(c.c[NF_PATH_DAYS(1)], c.c[NF_PATH_INTERVALS(1)], 1.0);
	assert_int_equal(d.st, NET_D_VALUE);
	NEAR(d.v, 5.5);
	assert_int_equal(c.c[NF_PATH_DAYS(2)].st, NET_WITHHELD);
	assert_int_equal(net_ratio(c.c[NF_PATH_DAYS(2)], c.c[NF_PATH_INTERVALS(2)], 1.0).st, NET_D_WITHHELD);
	/* The retention partition 0 + 5 + 3 = 8: the 3 is "<5", so the 5 is withheld too
	 * (8 - 0 - 5 would give the 3); the 0 stays. */
	assert_int_equal(c.c[NF_RET_ONGOING].st, NET_SMALL);
	assert_int_equal(c.c[NF_RET_COMPLETED].st, NET_WITHHELD);
	assert_int_equal(c.c[NF_RET_LEFT].st, NET_EXACT);
	assert_int_equal(c.c[NF_RET_LEFT].v, 0);
	/* 8 started: the median is shown. */
	assert_false(c.km_withheld);
	NEAR(c.km_median, 40);

	/* 4 started: no median. */
	raw.f[NF_STARTED] = 4;
	raw.f[NF_RET_COMPLETED] = 1;
	net_suppress(&raw, &c);
	assert_true(c.km_withheld);
	assert_true(isnan(c.km_median));
	/* A partition with no small part is shown whole. */
	raw.f[NF_STARTED] = 15;
	raw.f[NF_RET_LEFT] = 5;
	raw.f[NF_RET_COMPLETED] = 5;
	raw.f[NF_RET_ONGOING] = 5;
	net_suppress(&raw, &c);
	for (int i = NF_RET_LEFT; i <= NF_RET_ONGOING; i++)
		assert_int_equal(c.c[i].st, NET_EXACT);
}

static void set_col(struct net_column *c, int f, struct net_cell v)
{
	memset(c, 0, sizeof *c);
	c->c[f] = v;
}

static void totals(void **state)
{
	(void)state;
	struct net_column cols[3];
	/* Every cell exact: the exact sum. */
	set_col(&cols[0], NF_ENROLMENTS, EX(10));
	set_col(&cols[1], NF_ENROLMENTS, EX(0));
	set_col(&cols[2], NF_ENROLMENTS, EX(7));
	struct net_cell t = net_total(cols, 3, NF_ENROLMENTS);
	assert_int_equal(t.st, NET_EXACT);
	assert_int_equal(t.v, 17);

	/* Secondary suppression: exactly one "<5" (really 3) beside 10 and 7. An exact total
	 * of 20 would give 20 - 10 - 7 = 3; the total is "at least 18" (10 + 7 + 1) instead,
	 * which the cells already say. */
	set_col(&cols[1], NF_ENROLMENTS, net_count(3));
	t = net_total(cols, 3, NF_ENROLMENTS);
	assert_int_equal(t.st, NET_ATLEAST);
	assert_int_equal(t.v, 18);
	/* The same whatever the hidden value is: 1 and 4 give the same total. */
	cols[1].c[NF_ENROLMENTS].v = 1;
	struct net_cell t1 = net_total(cols, 3, NF_ENROLMENTS);
	cols[1].c[NF_ENROLMENTS].v = 4;
	struct net_cell t4 = net_total(cols, 3, NF_ENROLMENTS);
	assert_int_equal(t1.st, t4.st);
	assert_int_equal(t1.v, t4.v);

	/* An imported "<5" (value unknown, 0 here) counts the same way. */
	set_col(&cols[2], NF_ENROLMENTS, (struct net_cell){ 0, NET_SMALL });
	t = net_total(cols, 3, NF_ENROLMENTS);
	assert_int_equal(t.st, NET_ATLEAST);
	assert_int_equal(t.v, 12); /* 10 + 1 + 1 */

	/* Only one "<5" and zeros: the total is 1..4 too, so "<5". */
	set_col(&cols[0], NF_ENROLMENTS, EX(0));
	set_col(&cols[1], NF_ENROLMENTS, net_count(2));
	set_col(&cols[2], NF_ENROLMENTS, EX(0));
	t = net_total(cols, 3, NF_ENROLMENTS);
	assert_int_equal(t.st, NET_SMALL);
	/* Two "<5" and a zero: 2..8, "at least 2". */
	set_col(&cols[2], NF_ENROLMENTS, net_count(4));
	t = net_total(cols, 3, NF_ENROLMENTS);
	assert_int_equal(t.st, NET_ATLEAST);
	assert_int_equal(t.v, 2);
	/* A withheld count: at least what the others show. */
	set_col(&cols[0], NF_RET_COMPLETED, EX(9));
	set_col(&cols[1], NF_RET_COMPLETED, (struct net_cell){ 0, NET_WITHHELD });
	t = net_total(cols, 2, NF_RET_COMPLETED);
	assert_int_equal(t.st, NET_ATLEAST);
	assert_int_equal(t.v, 9);
	/* A sum with a withheld cell: withheld (a sum has no lower bound worth showing). */
	set_col(&cols[0], NF_TREATMENT_DAYS, EX(500));
	set_col(&cols[1], NF_TREATMENT_DAYS, (struct net_cell){ 0, NET_WITHHELD });
	t = net_total(cols, 2, NF_TREATMENT_DAYS);
	assert_int_equal(t.st, NET_WITHHELD);
	/* And a share of a total that is not exact is withheld. */
	assert_int_equal(net_ratio(EX(5), (struct net_cell){ 18, NET_ATLEAST }, 100.0).st, NET_D_WITHHELD);
}

static void adding_programmes(void **state)
{
	(void)state;
	/* Two programmes of the municipal template (4 phases, 6 steps); the second was edited
	 * to 5 phases: its fifth phase is left out, its completion is the completion. */
	struct net_raw raw;
	raw_init(&raw);
	struct programme p = { 0 };
	struct report_figures a = { 0 }, b = { 0 };
	a.enrolments = 7;
	a.treatment_days = 300;
	a.att_phase = 2;
	a.att_n = 3;
	a.att_days = 20;
	a.npath = 6;
	a.path[1] = (struct report_path_step){ .reached = 4, .intervals = 3, .days_sum = 15 };
	a.path[5] = (struct report_path_step){ .reached = 1, .intervals = 1, .days_sum = 90 };
	b.enrolments = 2;
	b.treatment_days = 50;
	b.att_phase = -1; /* no minimum: its attendance is not counted */
	b.att_n = 9;
	b.npath = 7;
	b.path[1] = (struct report_path_step){ .reached = 2, .intervals = 2, .days_sum = 5 };
	b.path[5] = (struct report_path_step){ .reached = 6 }; /* the fifth phase */
	b.path[6] = (struct report_path_step){ .reached = 2, .intervals = 1, .days_sum = 30 };
	net_raw_add(&raw, &p, &a);
	net_raw_add(&raw, &p, &b);
	assert_int_equal(raw.f[NF_ENROLMENTS], 9);
	assert_int_equal(raw.f[NF_TREATMENT_DAYS], 350);
	assert_int_equal(raw.f[NF_ATT_N], 3);
	assert_int_equal(raw.f[NF_ATT_DAYS], 20);
	assert_int_equal(raw.f[NF_PATH_REACHED(1)], 6);
	assert_int_equal(raw.f[NF_PATH_INTERVALS(1)], 5);
	assert_int_equal(raw.f[NF_PATH_DAYS(1)], 20); /* mean 20 / 5 = 4 days */
	assert_int_equal(raw.f[NF_PATH_REACHED(5)], 3);
	assert_int_equal(raw.f[NF_PATH_DAYS(5)], 120);
}

static void retention_rows(void **state)
{
	(void)state;
	/* Period 1 Jan – 31 Mar 2025. E1 starts 10 Jan, leaves 20 Jan (10 days, event); E2
	 * starts 1 Feb, completes 1 Mar (censored at 28); E3 starts 1 Mar, open (censored at
	 * 30); E4 started 2024: not in the cohort; E5 starts 5 Mar, leaves 5 Apr: after the
	 * period end, so still in treatment then (censored at 26). */
	struct store_report_enrolment e[5] = {
		{ .id = 1, .status = "discontinued", .started_on = D(2025, 1, 10), .ended_on = D(2025, 1, 20) },
		{ .id = 2, .status = "completed", .started_on = D(2025, 2, 1), .ended_on = D(2025, 3, 1) },
		{ .id = 3, .status = "active", .started_on = D(2025, 3, 1), .ended_on = DATE_NONE },
		{ .id = 4, .status = "active", .started_on = D(2024, 3, 1), .ended_on = DATE_NONE },
		{ .id = 5, .status = "discontinued", .started_on = D(2025, 3, 5), .ended_on = D(2025, 4, 5) },
	};
	struct store_report_rows rows = { .from = D(2025, 1, 1), .to = D(2025, 3, 31), .enrolments = e,
					  .nenrolments = 5 };
	struct net_raw raw;
	raw_init(&raw);
	struct report_km_obs *obs = NULL;
	size_t n = 0, cap = 0;
	net_raw_retention(&raw, &rows, &obs, &n, &cap);
	assert_int_equal(raw.f[NF_RET_LEFT], 1);
	assert_int_equal(raw.f[NF_RET_COMPLETED], 1);
	assert_int_equal(raw.f[NF_RET_ONGOING], 2);
	assert_int_equal(n, 4);
	assert_int_equal(obs[0].days, 10);
	assert_true(obs[0].event);
	assert_int_equal(obs[1].days, 28);
	assert_false(obs[1].event);
	assert_int_equal(obs[2].days, 30);
	assert_int_equal(obs[3].days, 26);
	assert_false(obs[3].event);
	free(obs);
}

/* ---- the file ---- */

static void sample_file(struct net_file *f)
{
	memset(f, 0, sizeof *f);
	copy_str(f->installation, sizeof f->installation, "Agder <samarbeid> \"ÆØÅ\"");
	copy_str(f->organisation, sizeof f->organisation, "Lister kommune");
	copy_str(f->template_key, sizeof f->template_key, "municipal_day_treatment");
	f->from = D(2025, 1, 1);
	f->to = D(2025, 3, 31);
	f->generated_at = (int64_t)D(2025, 4, 2) * 86400 + 3600 + 61;
	f->npath = 6;
	struct net_raw raw;
	raw_init(&raw);
	raw.f[NF_ENROLMENTS] = 12;
	raw.f[NF_PERSONS] = 11;
	raw.f[NF_STARTED] = 8;
	raw.f[NF_TREATMENT_DAYS] = 640;
	raw.f[NF_RET_LEFT] = 2;
	raw.f[NF_RET_COMPLETED] = 0;
	raw.f[NF_RET_ONGOING] = 6;
	raw.f[NF_TESTS] = 3;
	raw.f[NF_PATH_REACHED(1)] = 8;
	raw.f[NF_PATH_INTERVALS(1)] = 7;
	raw.f[NF_PATH_DAYS(1)] = 70;
	raw.km_median = 45;
	net_suppress(&raw, &f->col);
}

static void file_round_trip(void **state)
{
	(void)state;
	struct net_file f, g;
	sample_file(&f);
	char *text = net_file_write(&f);
	/* The suppression is in the file: "<5" as a string, withheld as null. */
	assert_non_null(strstr(text, "\"format\": \"tolv-network\""));
	assert_non_null(strstr(text, "\"version\": 1"));
	assert_non_null(strstr(text, "\"generated_at\": \"2025-04-02T01:01:01Z\""));
	assert_non_null(strstr(text, "\"enrolments\": 12"));
	assert_non_null(strstr(text, "\"tests\": \"<5\""));
	assert_non_null(strstr(text, "\"retention_left_early\": \"<5\""));
	assert_non_null(strstr(text, "\"retention_in_treatment\": null"));
	assert_non_null(strstr(text, "\"retention_completed\": 0"));
	assert_non_null(strstr(text, "\"retention_median_days\": 45"));
	assert_non_null(strstr(text, "\"path_5_days_sum\": 0"));
	char err[200] = "";
	assert_int_equal(net_file_parse(text, strlen(text), &g, err, sizeof err), 0);
	assert_string_equal(g.installation, f.installation);
	assert_string_equal(g.organisation, "Lister kommune");
	assert_string_equal(g.template_key, "municipal_day_treatment");
	assert_int_equal(g.from, f.from);
	assert_int_equal(g.to, f.to);
	assert_int_equal(g.generated_at, f.generated_at);
	assert_int_equal(g.npath, 6);
	assert_true(g.col.imported);
	for (int i = 0; i < net_nfields(6); i++) {
		assert_int_equal(g.col.c[i].st, f.col.c[i].st);
		if (f.col.c[i].st == NET_EXACT)
			assert_int_equal(g.col.c[i].v, f.col.c[i].v);
	}
	NEAR(g.col.km_median, 45);
	/* Writing what was read gives the same file. */
	g.col.km_withheld = false;
	char *again = net_file_write(&g);
	assert_string_equal(again, text);
	free(again);
	free(text);
}

/* Replaces the first `from` in text with `to` into a new string. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	assert_non_null(p);
	size_t a = (size_t)(p - text), fl = strlen(from), tl = strlen(to), n = strlen(text);
	char *out = xmalloc(n - fl + tl + 1);
	memcpy(out, text, a);
	memcpy(out + a, to, tl);
	memcpy(out + a + tl, p + fl, n - a - fl + 1);
	return out;
}

static void expect_bad(const char *text, const char *message_part)
{
	struct net_file g;
	char err[256] = "";
	int rc = net_file_parse(text, strlen(text), &g, err, sizeof err);
	if (rc == 0 || !strstr(err, message_part))
		fail_msg("wanted an error with \"%s\", got rc %d \"%s\"", message_part, rc, err);
}

static void file_malformed(void **state)
{
	(void)state;
	struct net_file f;
	sample_file(&f);
	char *text = net_file_write(&f);
	static const struct {
		const char *from, *to, *error;
	} cases[] = {
		{ "\"format\": \"tolv-network\"", "\"format\": \"tolv-netwerk\"", "\"format\" must be" },
		{ "\"version\": 1", "\"version\": 2", "\"version\" must be 1" },
		{ "\"version\": 1", "\"version\": \"1\"", "\"version\" must be 1" },
		{ "\"version\": 1,", "", "\"version\" is missing" },
		{ "\"installation\": ", "\"installation_old\": 7, \"installation\": ", "unknown field \"installation_old\"" },
		{ "\"organisation\": \"Lister kommune\"", "\"organisation\": [\"Lister\"]", "\"organisation\" must be a string" },
		{ "\"organisation\": \"Lister kommune\"", "\"organisation\": \"\"", "\"organisation\" must not be empty" },
		{ "\"organisation\": \"Lister kommune\"", "\"organisation\": \"Lister\\u0007\"", "control characters" },
		{ "\"template\": \"municipal_day_treatment\"", "\"template\": \"outpatient\"", "\"template\" is not" },
		{ "\"from\": \"2025-01-01\"", "\"from\": \"2025-02-30\"", "\"period.from\" must be a date" },
		{ "\"from\": \"2025-01-01\"", "\"from\": \"2025-04-01\"", "\"period.to\" is before" },
		{ "\"from\": \"2025-01-01\"", "\"from\": \"2015-01-01\"", "longer than five years" },
		{ "\"to\": \"2025-03-31\"", "\"to\": \"2025-03-31\", \"cmp\": 1", "unknown field \"period.cmp\"" },
		{ "\"generated_at\": \"2025-04-02T01:01:01Z\"", "\"generated_at\": \"2025-04-02 01:01:01\"",
		  "\"generated_at\" must be" },
		{ "\"generated_at\": \"2025-04-02T01:01:01Z\"", "\"generated_at\": \"2024-04-02T01:01:01Z\"",
		  "before the period starts" },
		{ "\"enrolments\": 12", "\"enrolments\": 3", "figures.enrolments: a count of 1-4 must be written as" },
		{ "\"enrolments\": 12", "\"enrolments\": -12", "figures.enrolments must not be negative" },
		{ "\"enrolments\": 12", "\"enrolments\": 12.5", "figures.enrolments must be a whole number" },
		{ "\"enrolments\": 12", "\"enrolments\": \"<6\"", "the only text a count may be" },
		{ "\"enrolments\": 12", "\"enrolments\": 10000000000", "too large" },
		{ "\"enrolments\": 12,", "", "figures.enrolments is missing" },
		{ "\"enrolments\": 12", "\"enrolments\": 12, \"name\": \"Kari\"", "unknown field \"figures.name\"" },
		{ "\"persons\": 11", "\"persons\": 13", "figures.persons is larger than figures.enrolments" },
		{ "\"treatment_days\": 640", "\"treatment_days\": \"<5\"", "figures.treatment_days must be a whole" },
		{ "\"path_1_days_sum\": 70", "\"path_1_days_sum\": null", "must be a number when" },
		{ "\"path_2_days_sum\": 0", "\"path_2_days_sum\": 5", "must be 0 when" },
		{ "\"tests_positive\": 0", "\"tests_positive\": 7", "figures.tests_positive is larger than figures.tests" },
		{ "\"retention_in_treatment\": null", "\"retention_in_treatment\": 6",
		  "must be null when another retention count" },
		{ "\"retention_median_days\": 45", "\"retention_median_days\": 45.5", "retention_median_days must be" },
		{ "\"started\": 8", "\"started\": \"<5\"", "must be null when fewer than 5 started" },
		{ "\"format\"", "\"format\": \"tolv-network\", \"format\"", "not valid JSON" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *bad = edit(text, cases[i].from, cases[i].to);
		expect_bad(bad, cases[i].error);
		free(bad);
	}
	expect_bad("", "empty");
	expect_bad("[1, 2]", "not a JSON object");
	expect_bad("{\"format\": \"tolv-network\"", "not valid JSON");
	expect_bad("{} trailing", "not valid JSON");
	char *trail = xmalloc(strlen(text) + 4);
	snprintf(trail, strlen(text) + 4, "%s{}", text);
	expect_bad(trail, "not valid JSON");
	free(trail);
	/* Larger than 64 KiB. */
	size_t big = NET_FILE_MAX + 10;
	char *huge = xmalloc(big + 1);
	memset(huge, ' ', big);
	huge[big] = '\0';
	struct net_file g;
	char err[200];
	assert_int_not_equal(net_file_parse(huge, big, &g, err, sizeof err), 0);
	assert_non_null(strstr(err, "larger than"));
	free(huge);
	/* A NUL in the text. */
	char nul[] = "{\"format\": \"tolv\0network\"}";
	assert_int_not_equal(net_file_parse(nul, sizeof nul - 1, &g, err, sizeof err), 0);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(primary),	     cmocka_unit_test(derived),	       cmocka_unit_test(suppress_org),
		cmocka_unit_test(totals),	     cmocka_unit_test(adding_programmes), cmocka_unit_test(retention_rows),
		cmocka_unit_test(file_round_trip), cmocka_unit_test(file_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
