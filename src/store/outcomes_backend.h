/* outcomes_backend.h: what the two backends share for outcome measures (issue 6) —
 * column lists and their row maps. Private to src/store/, included by sqlite_outcomes.c
 * and pg_outcomes.c. */
#ifndef TOLV_STORE_OUTCOMES_BACKEND_H
#define TOLV_STORE_OUTCOMES_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define OUTCOMES_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

/* positive is read as a SCOL_PHASE: NULL (no positive cut-off) reads as -1. */
#define STORE_OUTCOME_COLS                                                                         \
	"o.id, o.org_id, o.person_id, o.questionnaire, o.version, o.taken_on, o.answers, o.days, "    \
	"o.total, o.zone, o.positive, o.flags, o.sex, o.entered_by, o.self, o.enrolment_id, "         \
	"o.point_id, o.created_at, o.error_at, o.error_by, o.error_reason"
static const struct store_col outcomes_result_cols[] = {
	OUTCOMES_COL(SCOL_I64, struct outcome_result, id),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, org_id),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, person_id),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_result, questionnaire),
	OUTCOMES_COL(SCOL_INT, struct outcome_result, version),
	OUTCOMES_COL(SCOL_DAY, struct outcome_result, taken_on),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_result, answers),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_result, days),
	OUTCOMES_COL(SCOL_INT, struct outcome_result, total),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_result, zone),
	OUTCOMES_COL(SCOL_PHASE, struct outcome_result, positive),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_result, flags),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_result, sex),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, entered_by),
	OUTCOMES_COL(SCOL_BOOL, struct outcome_result, self),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, enrolment_id),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, point_id),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, created_at),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, error_at),
	OUTCOMES_COL(SCOL_I64, struct outcome_result, error_by),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_result, error_reason),
};
static const struct store_cols outcomes_result_map = { outcomes_result_cols, 21 };

#define STORE_OPOINT_COLS                                                                          \
	"id, org_id, programme_id, label, anchor, phase_key, offset_days, offset_months, window_days, " \
	"questionnaires, created_at"
static const struct store_col outcomes_point_cols[] = {
	OUTCOMES_COL(SCOL_I64, struct outcome_point, id),
	OUTCOMES_COL(SCOL_I64, struct outcome_point, org_id),
	OUTCOMES_COL(SCOL_I64, struct outcome_point, programme_id),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_point, label),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_point, anchor),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_point, phase_key),
	OUTCOMES_COL(SCOL_INT, struct outcome_point, offset_days),
	OUTCOMES_COL(SCOL_INT, struct outcome_point, offset_months),
	OUTCOMES_COL(SCOL_INT, struct outcome_point, window_days),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_point, questionnaires),
	OUTCOMES_COL(SCOL_I64, struct outcome_point, created_at),
};
static const struct store_cols outcomes_point_map = { outcomes_point_cols, 11 };

#define STORE_OLINK_COLS                                                                           \
	"id, org_id, token_hash, person_id, questionnaire, enrolment_id, point_id, created_by, "      \
	"created_at, expires_at, used_at, result_id"
static const struct store_col outcomes_link_cols[] = {
	OUTCOMES_COL(SCOL_I64, struct outcome_link, id),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, org_id),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_link, token_hash),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, person_id),
	OUTCOMES_COL(SCOL_TEXT, struct outcome_link, questionnaire),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, enrolment_id),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, point_id),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, created_by),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, created_at),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, expires_at),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, used_at),
	OUTCOMES_COL(SCOL_I64, struct outcome_link, result_id),
};
static const struct store_cols outcomes_link_map = { outcomes_link_cols, 12 };

#endif
