/* steps_backend.h: what the two backends share for step work and the plan (issue 4) —
 * column lists and their row maps. Private to src/store/, included by sqlite_steps.c and
 * pg_steps.c (which the backends include, to reuse their statement helpers). */
#ifndef TOLV_STORE_STEPS_BACKEND_H
#define TOLV_STORE_STEPS_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define STEPS_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

#define STORE_STEP_COLS "step, status, since, confirmed_by, changes, reopened"
static const struct store_col steps_step_cols[] = {
	STEPS_COL(SCOL_INT, struct store_step, step),
	STEPS_COL(SCOL_TEXT, struct store_step, status),
	STEPS_COL(SCOL_DAY, struct store_step, since),
	STEPS_COL(SCOL_I64, struct store_step, confirmed_by),
	STEPS_COL(SCOL_INT, struct store_step, changes),
	STEPS_COL(SCOL_INT, struct store_step, reopened),
};
static const struct store_cols steps_step_map = { steps_step_cols, 6 };

#define STORE_STEP_EVENT_COLS "id, org_id, enrolment_id, step, from_status, to_status, on_day, note, by_user, at"
static const struct store_col steps_event_cols[] = {
	STEPS_COL(SCOL_I64, struct store_step_event, id),
	STEPS_COL(SCOL_I64, struct store_step_event, org_id),
	STEPS_COL(SCOL_I64, struct store_step_event, enrolment_id),
	STEPS_COL(SCOL_INT, struct store_step_event, step),
	STEPS_COL(SCOL_TEXT, struct store_step_event, from_status),
	STEPS_COL(SCOL_TEXT, struct store_step_event, to_status),
	STEPS_COL(SCOL_DAY, struct store_step_event, on_day),
	STEPS_COL(SCOL_TEXT, struct store_step_event, note),
	STEPS_COL(SCOL_I64, struct store_step_event, by_user),
	STEPS_COL(SCOL_I64, struct store_step_event, at),
};
static const struct store_cols steps_event_map = { steps_event_cols, 10 };

/* A version's columns before its JSON (read separately, into owned memory). */
#define STORE_PLAN_COLS "enrolment_id, number, author, created_at"
static const struct store_col steps_plan_cols[] = {
	STEPS_COL(SCOL_I64, struct store_plan_version, enrolment_id),
	STEPS_COL(SCOL_INT, struct store_plan_version, number),
	STEPS_COL(SCOL_I64, struct store_plan_version, author),
	STEPS_COL(SCOL_I64, struct store_plan_version, created_at),
};
static const struct store_cols steps_plan_map = { steps_plan_cols, 4 };

#endif
