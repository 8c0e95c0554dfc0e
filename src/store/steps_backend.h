/* steps_backend.h: what the two backends share for step work and the plan (issue 4) —
 * column lists and their row maps. Private to src/store/, included by sqlite_steps.c and
 * pg_steps.c (which the backends include, to reuse their statement helpers). */
#ifndef TOLV_STORE_STEPS_BACKEND_H
#define TOLV_STORE_STEPS_BACKEND_H

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
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

/* A step of one of many enrolments (store_steps_get_many). */
struct steps_many_row {
	int64_t enrolment_id;
	struct store_step s;
};
#define STORE_STEP_MANY_COLS "enrolment_id, " STORE_STEP_COLS
static const struct store_col steps_many_cols[] = {
	STEPS_COL(SCOL_I64, struct steps_many_row, enrolment_id),
	STEPS_COL(SCOL_INT, struct steps_many_row, s.step),
	STEPS_COL(SCOL_TEXT, struct steps_many_row, s.status),
	STEPS_COL(SCOL_DAY, struct steps_many_row, s.since),
	STEPS_COL(SCOL_I64, struct steps_many_row, s.confirmed_by),
	STEPS_COL(SCOL_INT, struct steps_many_row, s.changes),
	STEPS_COL(SCOL_INT, struct steps_many_row, s.reopened),
};
static const struct store_cols steps_many_map = { steps_many_cols, 7 };

/* rows into out[i] for the id ids[i] they belong to. */
static inline void steps_many_fill(const struct steps_many_row *rows, size_t n, const int64_t *ids, size_t nids,
				   struct store_step (*out)[12])
{
	for (size_t r = 0; r < n; r++) {
		int k = rows[r].s.step;
		if (k < 1 || k > 12)
			continue;
		for (size_t i = 0; i < nids; i++)
			if (ids[i] == rows[r].enrolment_id)
				out[i][k - 1] = rows[r].s;
	}
}

/* One reworded name of an organisation's step wording (011_step_wording.sql). */
struct steps_wording_row {
	int step;
	char lang[4];
	char name[STORE_STEP_NAME_MAX];
	int64_t updated_by;
	int64_t updated_at;
};
#define STORE_STEP_WORDING_COLS "step, lang, name, updated_by, updated_at"
static const struct store_col steps_wording_cols[] = {
	STEPS_COL(SCOL_INT, struct steps_wording_row, step),
	STEPS_COL(SCOL_TEXT, struct steps_wording_row, lang),
	STEPS_COL(SCOL_TEXT, struct steps_wording_row, name),
	STEPS_COL(SCOL_I64, struct steps_wording_row, updated_by),
	STEPS_COL(SCOL_I64, struct steps_wording_row, updated_at),
};
static const struct store_cols steps_wording_map = { steps_wording_cols, 5 };

/* The stored language codes, in core/i18n.h's enum lang order. */
static const char *const steps_wording_langs[3] = { "nb", "sv", "en" };

/* rows into out (already zeroed by store.c); rows with a step or language out of range
 * are skipped (the table's CHECKs keep them out). */
static inline void steps_wording_fill(const struct steps_wording_row *rows, size_t n,
				      struct store_step_wording *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct steps_wording_row *r = &rows[i];
		if (r->step < 1 || r->step > 12)
			continue;
		for (int l = 0; l < 3; l++)
			if (!strcmp(r->lang, steps_wording_langs[l]))
				memcpy(out->name[r->step - 1][l], r->name, sizeof r->name);
		if (r->updated_at >= out->updated_at) {
			out->updated_at = r->updated_at;
			out->updated_by = r->updated_by;
		}
	}
}

/* The ids as text for one bound parameter: "[1,2,3]" (SQLite's json_each) or "{1,2,3}"
 * (a PostgreSQL bigint[]). Owned by the caller. */
static inline char *steps_id_list(const int64_t *ids, size_t n, char open, char close)
{
	size_t cap = 2 + n * 21 + 1, len = 0;
	char *b = xmalloc(cap);
	b[len++] = open;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(b + len, cap - len, "%s%" PRId64, i ? "," : "", ids[i]);
	b[len++] = close;
	b[len] = '\0';
	return b;
}

#endif
