/* orgq_backend.h: what the two backends share for an organisation's own questionnaire
 * definitions (issue 6) — column lists and their row maps. Private to src/store/, included
 * by sqlite_orgq.c and pg_orgq.c. */
#ifndef TOLV_STORE_ORGQ_BACKEND_H
#define TOLV_STORE_ORGQ_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define ORGQ_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

/* Read with "FROM org_questionnaires q LEFT JOIN users u ON u.id = q.loaded_by". */
#define STORE_ORGQ_COLS "q.questionnaire, q.version, q.sha256, q.loaded_at, q.loaded_by, u.email"
static const struct store_col orgq_cols[] = {
	ORGQ_COL(SCOL_TEXT, struct org_questionnaire, questionnaire),
	ORGQ_COL(SCOL_INT, struct org_questionnaire, version),
	ORGQ_COL(SCOL_TEXT, struct org_questionnaire, sha256),
	ORGQ_COL(SCOL_I64, struct org_questionnaire, loaded_at),
	ORGQ_COL(SCOL_I64, struct org_questionnaire, loaded_by),
	ORGQ_COL(SCOL_TEXT, struct org_questionnaire, loaded_by_email),
};
static const struct store_cols orgq_map = { orgq_cols, 6 };

/* A row with its text (heap: the text field is 256 KiB). */
struct orgq_body_row {
	struct org_questionnaire q;
	char json[STORE_ORGQ_JSON_MAX];
};
static const struct store_col orgq_body_cols[] = {
	ORGQ_COL(SCOL_TEXT, struct orgq_body_row, q.questionnaire),
	ORGQ_COL(SCOL_INT, struct orgq_body_row, q.version),
	ORGQ_COL(SCOL_TEXT, struct orgq_body_row, q.sha256),
	ORGQ_COL(SCOL_I64, struct orgq_body_row, q.loaded_at),
	ORGQ_COL(SCOL_I64, struct orgq_body_row, q.loaded_by),
	ORGQ_COL(SCOL_TEXT, struct orgq_body_row, q.loaded_by_email),
	ORGQ_COL(SCOL_TEXT, struct orgq_body_row, json),
};
static const struct store_cols orgq_body_map = { orgq_body_cols, 7 };

/* Moves a row read with its text into out and a heap copy of the text, and frees it. */
static void orgq_body_take(struct orgq_body_row *row, struct org_questionnaire *out, char **json)
{
	*out = row->q;
	*json = xstrdup(row->json);
	free(row);
}

#endif
