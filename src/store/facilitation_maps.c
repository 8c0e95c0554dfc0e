/* facilitation_maps.c: the column maps of the facilitation tables (backend.h), shared by
 * the SQLite and PostgreSQL backends so both read a row the same way. */
#include <stddef.h>

#include "store/backend.h"

#define COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }
#define MAP(name, arr) const struct store_cols name = { arr, (int)(sizeof arr / sizeof arr[0]) }

static const struct store_col fac_stance_cols[] = {
	COL(SCOL_I64, struct fac_stance, id),
	COL(SCOL_I64, struct fac_stance, org_id),
	COL(SCOL_I64, struct fac_stance, person_id),
	COL(SCOL_TEXT, struct fac_stance, stance),
	COL(SCOL_DAY, struct fac_stance, on_day),
	COL(SCOL_DAY, struct fac_stance, revisit_on),
	COL(SCOL_TEXT, struct fac_stance, note),
	COL(SCOL_I64, struct fac_stance, by_user),
	COL(SCOL_TEXT, struct fac_stance, by_name),
	COL(SCOL_I64, struct fac_stance, at),
};
MAP(store_fac_stance_map, fac_stance_cols);

static const struct store_col fac_action_cols[] = {
	COL(SCOL_I64, struct fac_action, id),
	COL(SCOL_I64, struct fac_action, org_id),
	COL(SCOL_I64, struct fac_action, person_id),
	COL(SCOL_TEXT, struct fac_action, kind),
	COL(SCOL_DAY, struct fac_action, on_day),
	COL(SCOL_I64, struct fac_action, meeting_id),
	COL(SCOL_BOOL, struct fac_action, stayed),
	COL(SCOL_TEXT, struct fac_action, note),
	COL(SCOL_I64, struct fac_action, by_user),
	COL(SCOL_TEXT, struct fac_action, by_name),
	COL(SCOL_TEXT, struct fac_action, meeting_name),
	COL(SCOL_I64, struct fac_action, at),
};
MAP(store_fac_action_map, fac_action_cols);

static const struct store_col fac_meeting_cols[] = {
	COL(SCOL_I64, struct fac_meeting, id),
	COL(SCOL_I64, struct fac_meeting, org_id),
	COL(SCOL_I64, struct fac_meeting, person_id),
	COL(SCOL_DAY, struct fac_meeting, on_day),
	COL(SCOL_I64, struct fac_meeting, meeting_id),
	COL(SCOL_TEXT, struct fac_meeting, name),
	COL(SCOL_BOOL, struct fac_meeting, accompanied),
	COL(SCOL_BOOL, struct fac_meeting, stayed),
	COL(SCOL_TEXT, struct fac_meeting, source),
	COL(SCOL_I64, struct fac_meeting, by_user),
	COL(SCOL_I64, struct fac_meeting, at),
};
MAP(store_fac_meeting_map, fac_meeting_cols);

static const struct store_col fac_profile_cols[] = {
	COL(SCOL_I64, struct fac_profile, org_id),
	COL(SCOL_I64, struct fac_profile, person_id),
	COL(SCOL_TEXT, struct fac_profile, sponsor),
	COL(SCOL_DAY, struct fac_profile, sponsor_since),
	COL(SCOL_TEXT, struct fac_profile, home_group),
	COL(SCOL_I64, struct fac_profile, updated_by),
	COL(SCOL_I64, struct fac_profile, updated_at),
};
MAP(store_fac_profile_map, fac_profile_cols);

static const struct store_col fac_revisit_cols[] = {
	COL(SCOL_I64, struct fac_revisit, person_id),
	COL(SCOL_TEXT, struct fac_revisit, given_name),
	COL(SCOL_TEXT, struct fac_revisit, family_name),
	COL(SCOL_DAY, struct fac_revisit, on_day),
	COL(SCOL_DAY, struct fac_revisit, revisit_on),
};
MAP(store_fac_revisit_map, fac_revisit_cols);

struct fac_day {
	int32_t day;
};
static const struct store_col fac_day_cols[] = {
	COL(SCOL_DAY, struct fac_day, day),
};
MAP(store_fac_day_map, fac_day_cols);
