/* sessions_backend.h: what the two backends share for group sessions and workshops
 * (issue 4) — column lists and their row maps. Private to src/store/, included by
 * sqlite_sessions.c and pg_sessions.c after notes_backend.h. */
#ifndef TOLV_STORE_SESSIONS_BACKEND_H
#define TOLV_STORE_SESSIONS_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define SESSIONS_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

#define STORE_SESSION_DETAILS_COLS "topic, topic_kind, step, external_count, updated_at, updated_by"
static const struct store_col sessions_details_cols[] = {
	SESSIONS_COL(SCOL_TEXT, struct store_session_details, topic),
	SESSIONS_COL(SCOL_TEXT, struct store_session_details, topic_kind),
	SESSIONS_COL(SCOL_INT, struct store_session_details, step),
	SESSIONS_COL(SCOL_INT, struct store_session_details, external_count),
	SESSIONS_COL(SCOL_I64, struct store_session_details, updated_at),
	SESSIONS_COL(SCOL_I64, struct store_session_details, updated_by),
};
static const struct store_cols sessions_details_map = { sessions_details_cols, 6 };

struct sessions_leader {
	int64_t user_id;
};
static const struct store_col sessions_leader_cols[] = {
	SESSIONS_COL(SCOL_I64, struct sessions_leader, user_id),
};
static const struct store_cols sessions_leader_map = { sessions_leader_cols, 1 };

/* Copies the leader rows into d (at most STORE_SESSION_LEADERS_MAX) and frees them. */
static void sessions_take_leaders(struct store_session_details *d, struct sessions_leader *rows, size_t n)
{
	d->nleaders = 0;
	for (size_t i = 0; i < n && i < STORE_SESSION_LEADERS_MAX; i++)
		d->leaders[d->nleaders++] = rows[i].user_id;
	free(rows);
}

#endif
