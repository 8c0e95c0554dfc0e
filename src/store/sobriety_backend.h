/* sobriety_backend.h: what the two backends share for sobriety tests (issue 6, "Tests")
 * — the default substance classes, column lists and their row maps. Private to
 * src/store/, included by sqlite_sobriety.c and pg_sobriety.c. */
#ifndef TOLV_STORE_SOBRIETY_BACKEND_H
#define TOLV_STORE_SOBRIETY_BACKEND_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

#define SOB_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

/* The default panel (also in the migration, for organisations that existed then). The
 * labels are English msgids: the pages translate them, and an edited label passes as is. */
static const struct {
	const char *key, *label;
	int sort_order;
} sob_default_classes[] = {
	{ "amphetamines", "Amphetamines", 10 }, { "benzodiazepines", "Benzodiazepines", 20 },
	{ "cannabis", "Cannabis", 30 },		 { "cocaine", "Cocaine", 40 },
	{ "opioids", "Opioids", 50 },		 { "methadone", "Methadone", 60 },
	{ "buprenorphine", "Buprenorphine", 70 }, { "ghb", "GHB", 80 },
	{ "others", "Others", 90 },
};
#define SOB_NDEFAULT_CLASSES (sizeof sob_default_classes / sizeof sob_default_classes[0])

#define SOB_CLASS_COLS                                                                             \
	"c.id, c.key, c.label, c.active, c.sort_order, (EXISTS (SELECT 1 FROM sobriety_results r "      \
	"WHERE r.org_id = c.org_id AND r.class_key = c.key) OR EXISTS (SELECT 1 FROM medications m "   \
	"WHERE m.org_id = c.org_id AND m.class_key = c.key))"
static const struct store_col sob_class_cols[] = {
	SOB_COL(SCOL_I64, struct substance_class, id),	   SOB_COL(SCOL_TEXT, struct substance_class, key),
	SOB_COL(SCOL_TEXT, struct substance_class, label), SOB_COL(SCOL_BOOL, struct substance_class, active),
	SOB_COL(SCOL_INT, struct substance_class, sort_order), SOB_COL(SCOL_BOOL, struct substance_class, used),
};
static const struct store_cols sob_class_map = { sob_class_cols, 6 };

#define SOB_TEST_COLS                                                                              \
	"t.id, t.person_id, t.enrolment_id, t.kind, t.outcome, t.taken_at, t.on_day, t.taken_by, "     \
	"t.permille, t.device, t.sample, t.observed, t.note, t.lab_sent_on, t.lab_result, t.lab_at, "  \
	"t.lab_by, t.flag, t.recorded_at, t.recorded_by"
static const struct store_col sob_test_cols[] = {
	SOB_COL(SCOL_I64, struct sob_test, id),		 SOB_COL(SCOL_I64, struct sob_test, person_id),
	SOB_COL(SCOL_I64, struct sob_test, enrolment_id), SOB_COL(SCOL_TEXT, struct sob_test, kind),
	SOB_COL(SCOL_TEXT, struct sob_test, outcome),	 SOB_COL(SCOL_I64, struct sob_test, taken_at),
	SOB_COL(SCOL_DAY, struct sob_test, on_day),	 SOB_COL(SCOL_I64, struct sob_test, taken_by),
	SOB_COL(SCOL_PHASE, struct sob_test, permille),	 SOB_COL(SCOL_TEXT, struct sob_test, device),
	SOB_COL(SCOL_TEXT, struct sob_test, sample),	 SOB_COL(SCOL_BOOL, struct sob_test, observed),
	SOB_COL(SCOL_TEXT, struct sob_test, note),	 SOB_COL(SCOL_DAY, struct sob_test, lab_sent_on),
	SOB_COL(SCOL_TEXT, struct sob_test, lab_result), SOB_COL(SCOL_I64, struct sob_test, lab_at),
	SOB_COL(SCOL_I64, struct sob_test, lab_by),	 SOB_COL(SCOL_INT, struct sob_test, flag),
	SOB_COL(SCOL_I64, struct sob_test, recorded_at), SOB_COL(SCOL_I64, struct sob_test, recorded_by),
};
static const struct store_cols sob_test_map = { sob_test_cols, 20 };

/* A result row with its test's id, in the panel's order. */
struct sob_result_row {
	int64_t test_id;
	struct sob_result r;
};
#define SOB_RESULT_COLS "r.test_id, r.class_key, r.result, r.prescribed, r.lab"
#define SOB_RESULT_FROM                                                                            \
	" FROM sobriety_results r JOIN substance_classes c ON c.org_id = r.org_id AND c.key = r.class_key " \
	"JOIN sobriety_tests t ON t.org_id = r.org_id AND t.id = r.test_id"
#define SOB_RESULT_ORDER " ORDER BY r.test_id, c.sort_order, c.label, c.key"
static const struct store_col sob_result_cols[] = {
	SOB_COL(SCOL_I64, struct sob_result_row, test_id),
	SOB_COL(SCOL_TEXT, struct sob_result_row, r.class_key),
	SOB_COL(SCOL_TEXT, struct sob_result_row, r.result),
	SOB_COL(SCOL_BOOL, struct sob_result_row, r.prescribed),
	SOB_COL(SCOL_TEXT, struct sob_result_row, r.lab),
};
static const struct store_cols sob_result_map = { sob_result_cols, 5 };

#define SOB_MED_COLS "id, person_id, class_key, name, from_day, to_day, created_at, created_by"
static const struct store_col sob_med_cols[] = {
	SOB_COL(SCOL_I64, struct sob_medication, id),	      SOB_COL(SCOL_I64, struct sob_medication, person_id),
	SOB_COL(SCOL_TEXT, struct sob_medication, class_key), SOB_COL(SCOL_TEXT, struct sob_medication, name),
	SOB_COL(SCOL_DAY, struct sob_medication, from_day),   SOB_COL(SCOL_DAY, struct sob_medication, to_day),
	SOB_COL(SCOL_I64, struct sob_medication, created_at), SOB_COL(SCOL_I64, struct sob_medication, created_by),
};
static const struct store_cols sob_med_map = { sob_med_cols, 8 };

#define SOB_RULE_COLS "id, programme_id, phase_key, kind, percent, per_month, active, updated_at, updated_by"
static const struct store_col sob_rule_cols[] = {
	SOB_COL(SCOL_I64, struct sob_rule, id),	       SOB_COL(SCOL_I64, struct sob_rule, programme_id),
	SOB_COL(SCOL_TEXT, struct sob_rule, phase_key), SOB_COL(SCOL_TEXT, struct sob_rule, kind),
	SOB_COL(SCOL_INT, struct sob_rule, percent),    SOB_COL(SCOL_INT, struct sob_rule, per_month),
	SOB_COL(SCOL_BOOL, struct sob_rule, active),    SOB_COL(SCOL_I64, struct sob_rule, updated_at),
	SOB_COL(SCOL_I64, struct sob_rule, updated_by),
};
static const struct store_cols sob_rule_map = { sob_rule_cols, 9 };

#define SOB_DRAW_COLS                                                                              \
	"d.id, d.person_id, d.enrolment_id, d.group_id, d.day, d.rule_id, d.rule_snapshot, "           \
	"d.probability_ppm, d.random_value, d.selected, d.drawn_at, d.drawn_by, p.given_name, p.family_name"
#define SOB_DRAW_FROM " FROM test_draws d JOIN persons p ON p.org_id = d.org_id AND p.id = d.person_id"
static const struct store_col sob_draw_cols[] = {
	SOB_COL(SCOL_I64, struct sob_draw, id),		     SOB_COL(SCOL_I64, struct sob_draw, person_id),
	SOB_COL(SCOL_I64, struct sob_draw, enrolment_id),    SOB_COL(SCOL_I64, struct sob_draw, group_id),
	SOB_COL(SCOL_DAY, struct sob_draw, day),	     SOB_COL(SCOL_I64, struct sob_draw, rule_id),
	SOB_COL(SCOL_TEXT, struct sob_draw, rule_snapshot),  SOB_COL(SCOL_INT, struct sob_draw, probability_ppm),
	SOB_COL(SCOL_INT, struct sob_draw, random_value),    SOB_COL(SCOL_BOOL, struct sob_draw, selected),
	SOB_COL(SCOL_I64, struct sob_draw, drawn_at),	     SOB_COL(SCOL_I64, struct sob_draw, drawn_by),
	SOB_COL(SCOL_TEXT, struct sob_draw, given_name),     SOB_COL(SCOL_TEXT, struct sob_draw, family_name),
};
static const struct store_cols sob_draw_map = { sob_draw_cols, 14 };

/* from and to: the placeholders of the period's ends. */
#define SOB_FAIR_COLS(from, to)                                                                    \
	"d.person_id, p.given_name, p.family_name, count(*), sum(d.selected), sum(d.probability_ppm), " \
	"(SELECT count(*) FROM sobriety_tests t WHERE t.org_id = d.org_id AND t.person_id = d.person_id " \
	"AND t.on_day >= " from " AND t.on_day <= " to ")"
static const struct store_col sob_fair_cols[] = {
	SOB_COL(SCOL_I64, struct sob_fairness, person_id),  SOB_COL(SCOL_TEXT, struct sob_fairness, given_name),
	SOB_COL(SCOL_TEXT, struct sob_fairness, family_name), SOB_COL(SCOL_I64, struct sob_fairness, draws),
	SOB_COL(SCOL_I64, struct sob_fairness, selected),   SOB_COL(SCOL_I64, struct sob_fairness, expected_ppm),
	SOB_COL(SCOL_I64, struct sob_fairness, tests),
};
static const struct store_cols sob_fair_map = { sob_fair_cols, 7 };

/* Puts result rows (ordered by test id) into the tests that have their id. */
static void sob_attach_results(struct sob_test *tests, size_t nt, const struct sob_result_row *rows, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		for (size_t k = 0; k < nt; k++)
			if (tests[k].id == rows[i].test_id && tests[k].nresults < STORE_SOB_CLASSES_MAX) {
				tests[k].results[tests[k].nresults++] = rows[i].r;
				break;
			}
}

#endif
