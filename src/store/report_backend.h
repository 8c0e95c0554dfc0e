/* report_backend.h: what the two backends share for the programme report (issue 7) —
 * column lists and their row maps. Private to src/store/, included by sqlite_report.c
 * and pg_report.c. */
#ifndef TOLV_STORE_REPORT_BACKEND_H
#define TOLV_STORE_REPORT_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define REPORT_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

/* The enrolments of the programme open at some time in the period: started by its end,
 * not ended before its start. A text macro so that both dialects share it; P_ORG, P_PROG,
 * P_FROM and P_TO are the placeholders of the including file. */
#define REPORT_OPEN_IN_PERIOD(e)                                                                 \
	e ".org_id = " P_ORG " AND " e ".programme_id = " P_PROG " AND " e ".started_on <= " P_TO \
	" AND (" e ".ended_on IS NULL OR " e ".ended_on >= " P_FROM ")"

static const struct store_col report_enrolment_cols[] = {
	REPORT_COL(SCOL_I64, struct store_report_enrolment, id),
	REPORT_COL(SCOL_I64, struct store_report_enrolment, person_id),
	REPORT_COL(SCOL_TEXT, struct store_report_enrolment, status),
	REPORT_COL(SCOL_DAY, struct store_report_enrolment, started_on),
	REPORT_COL(SCOL_DAY, struct store_report_enrolment, ended_on),
	REPORT_COL(SCOL_DAY, struct store_report_enrolment, referral_on),
	REPORT_COL(SCOL_BOOL, struct store_report_enrolment, reenrolment),
};
static const struct store_cols report_enrolment_map = { report_enrolment_cols, 7 };

static const struct store_col report_event_cols[] = {
	REPORT_COL(SCOL_I64, struct store_report_event, enrolment_id),
	REPORT_COL(SCOL_TEXT, struct store_report_event, kind),
	REPORT_COL(SCOL_PHASE, struct store_report_event, to_phase),
	REPORT_COL(SCOL_DAY, struct store_report_event, on_day),
};
static const struct store_cols report_event_map = { report_event_cols, 4 };

static const struct store_col report_referral_cols[] = {
	REPORT_COL(SCOL_TEXT, struct store_report_referral, source_key),
	REPORT_COL(SCOL_TEXT, struct store_report_referral, source_label),
	REPORT_COL(SCOL_DAY, struct store_report_referral, received_on),
};
static const struct store_cols report_referral_map = { report_referral_cols, 3 };

static const struct store_col report_day_cols[] = {
	REPORT_COL(SCOL_I64, struct store_report_day, id),
	REPORT_COL(SCOL_DAY, struct store_report_day, on_day),
};
static const struct store_cols report_day_map = { report_day_cols, 2 };

static const struct store_col report_step_cols[] = {
	REPORT_COL(SCOL_I64, struct store_report_step, enrolment_id),
	REPORT_COL(SCOL_INT, struct store_report_step, step),
	REPORT_COL(SCOL_TEXT, struct store_report_step, to_status),
	REPORT_COL(SCOL_DAY, struct store_report_step, on_day),
};
static const struct store_cols report_step_map = { report_step_cols, 4 };

static const struct store_col report_sponsor_cols[] = {
	REPORT_COL(SCOL_I64, struct store_report_sponsor, person_id),
	REPORT_COL(SCOL_TEXT, struct store_report_sponsor, sponsor),
	REPORT_COL(SCOL_DAY, struct store_report_sponsor, since),
};
static const struct store_cols report_sponsor_map = { report_sponsor_cols, 3 };

static const struct store_col report_test_cols[] = {
	REPORT_COL(SCOL_I64, struct store_report_test, person_id),
	REPORT_COL(SCOL_DAY, struct store_report_test, on_day),
	REPORT_COL(SCOL_BOOL, struct store_report_test, positive),
};
static const struct store_cols report_test_map = { report_test_cols, 3 };

static const struct store_col report_outcome_cols[] = {
	REPORT_COL(SCOL_I64, struct store_report_outcome, person_id),
	REPORT_COL(SCOL_TEXT, struct store_report_outcome, questionnaire),
	REPORT_COL(SCOL_DAY, struct store_report_outcome, taken_on),
	REPORT_COL(SCOL_INT, struct store_report_outcome, total),
};
static const struct store_cols report_outcome_map = { report_outcome_cols, 4 };

/* The persons of the enrolments open in the period (a subquery). */
#define REPORT_PERSONS "(SELECT e.person_id FROM enrolments e WHERE " REPORT_OPEN_IN_PERIOD("e") ")"
/* Tests: positive as struct store_report_test says. */
#define REPORT_TESTS_SQL                                                                                  \
	"SELECT t.person_id, t.on_day, (t.outcome = 'refused' OR coalesce(t.permille, 0) > 0 OR EXISTS "   \
	"(SELECT 1 FROM sobriety_results x WHERE x.org_id = t.org_id AND x.test_id = t.id "                \
	"AND x.result = 'positive' AND x.prescribed = 0 AND x.lab <> 'not_confirmed')) "                   \
	"FROM sobriety_tests t WHERE t.org_id = " P_ORG " AND t.on_day BETWEEN " P_FROM " AND " P_TO          \
	" AND t.person_id IN " REPORT_PERSONS " ORDER BY t.person_id, t.on_day, t.id"
#define REPORT_RELAPSES_SQL                                                                                \
	"SELECT r.person_id, r.on_day FROM relapses r WHERE r.org_id = " P_ORG " AND r.status = 'confirmed' " \
	"AND r.on_day BETWEEN " P_FROM " AND " P_TO " AND r.person_id IN " REPORT_PERSONS                    \
	" ORDER BY r.person_id, r.on_day, r.id"
#define REPORT_OUTCOMES_SQL                                                                               \
	"SELECT o.person_id, o.questionnaire, o.taken_on, o.total FROM outcome_results o "                 \
	"WHERE o.org_id = " P_ORG " AND o.error_at IS NULL AND o.taken_on <= " P_TO                          \
	" AND o.questionnaire IN ('audit', 'dudit', 'days-abstinent') AND o.person_id IN " REPORT_PERSONS   \
	" ORDER BY o.person_id, o.taken_on, o.id"

#endif
