/* training_backend.h: what the two backends share for therapist training (issue 7) —
 * column lists and their row maps. Private to src/store/, included by sqlite_training.c
 * and pg_training.c. */
#ifndef TOLV_STORE_TRAINING_BACKEND_H
#define TOLV_STORE_TRAINING_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define TRAINING_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

#define STORE_TRAINING_COURSE_COLS "key, name, required_days, for_leading, position"
static const struct store_col training_course_cols[] = {
	TRAINING_COL(SCOL_TEXT, struct store_training_course, key),
	TRAINING_COL(SCOL_TEXT, struct store_training_course, name),
	TRAINING_COL(SCOL_INT, struct store_training_course, required_days),
	TRAINING_COL(SCOL_BOOL, struct store_training_course, for_leading),
	TRAINING_COL(SCOL_INT, struct store_training_course, position),
};
static const struct store_cols training_course_map = { training_course_cols, 5 };

#define STORE_TRAINING_RECORD_COLS                                                                 \
	"t.user_id, t.course_key, t.days_attended, t.certified_on, t.updated_at, t.updated_by"
static const struct store_col training_record_cols[] = {
	TRAINING_COL(SCOL_I64, struct store_training_record, user_id),
	TRAINING_COL(SCOL_TEXT, struct store_training_record, course_key),
	TRAINING_COL(SCOL_INT, struct store_training_record, days_attended),
	TRAINING_COL(SCOL_DAY, struct store_training_record, certified_on),
	TRAINING_COL(SCOL_I64, struct store_training_record, updated_at),
	TRAINING_COL(SCOL_I64, struct store_training_record, updated_by),
};
static const struct store_cols training_record_map = { training_record_cols, 6 };

static const struct store_col training_override_cols[] = {
	TRAINING_COL(SCOL_TEXT, struct store_session_override, reason),
	TRAINING_COL(SCOL_I64, struct store_session_override, recorded_at),
	TRAINING_COL(SCOL_I64, struct store_session_override, recorded_by),
};
static const struct store_cols training_override_map = { training_override_cols, 3 };

/* A record's rule the table cannot check: days at most required, a certification day
 * only with every day attended. */
static bool training_record_fits(const struct store_training_record *r, int64_t required_days)
{
	if (r->days_attended > required_days)
		return false;
	return r->certified_on == DATE_NONE || r->days_attended == required_days;
}

#endif
