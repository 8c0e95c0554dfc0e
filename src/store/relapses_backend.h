/* relapses_backend.h: what the two backends share for relapses (issue 6) — column lists
 * and their row maps. Private to src/store/, included by sqlite_relapses.c and
 * pg_relapses.c (which the backends include, to reuse their statement helpers). */
#ifndef TOLV_STORE_RELAPSES_BACKEND_H
#define TOLV_STORE_RELAPSES_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define RELAPSES_COL(type, field) { (type), offsetof(struct store_relapse, field), sizeof(((struct store_relapse *)0)->field) }

/* The columns of struct store_relapse, in order; r is relapses, p persons (LEFT JOIN). */
#define STORE_RELAPSE_COLS                                                                           \
	"r.id, r.org_id, r.person_id, r.enrolment_id, r.on_day, r.substances, r.source, r.test_id, "   \
	"r.source_text, r.status, r.review, r.decided_by, r.decided_at, r.decision_reason, "          \
	"r.conversation_on, r.plan_version, r.extra_sessions, r.extra_sessions_text, r.physician_on, " \
	"r.physician_status, r.detox_destination, r.detox_on, r.detox_status, r.paused_enrolment_id, " \
	"r.paused_on, r.resumed_on, r.created_by, r.created_at, r.updated_by, r.updated_at, "         \
	"p.given_name, p.family_name"
#define STORE_RELAPSE_FROM " FROM relapses r JOIN persons p ON p.org_id = r.org_id AND p.id = r.person_id "
static const struct store_col relapses_cols[] = {
	RELAPSES_COL(SCOL_I64, id),
	RELAPSES_COL(SCOL_I64, org_id),
	RELAPSES_COL(SCOL_I64, person_id),
	RELAPSES_COL(SCOL_I64, enrolment_id),
	RELAPSES_COL(SCOL_DAY, on_day),
	RELAPSES_COL(SCOL_TEXT, substances),
	RELAPSES_COL(SCOL_TEXT, source),
	RELAPSES_COL(SCOL_I64, test_id),
	RELAPSES_COL(SCOL_TEXT, source_text),
	RELAPSES_COL(SCOL_TEXT, status),
	RELAPSES_COL(SCOL_BOOL, review),
	RELAPSES_COL(SCOL_I64, decided_by),
	RELAPSES_COL(SCOL_I64, decided_at),
	RELAPSES_COL(SCOL_TEXT, decision_reason),
	RELAPSES_COL(SCOL_DAY, conversation_on),
	RELAPSES_COL(SCOL_INT, plan_version),
	RELAPSES_COL(SCOL_INT, extra_sessions),
	RELAPSES_COL(SCOL_TEXT, extra_sessions_text),
	RELAPSES_COL(SCOL_DAY, physician_on),
	RELAPSES_COL(SCOL_TEXT, physician_status),
	RELAPSES_COL(SCOL_TEXT, detox_destination),
	RELAPSES_COL(SCOL_DAY, detox_on),
	RELAPSES_COL(SCOL_TEXT, detox_status),
	RELAPSES_COL(SCOL_I64, paused_enrolment_id),
	RELAPSES_COL(SCOL_DAY, paused_on),
	RELAPSES_COL(SCOL_DAY, resumed_on),
	RELAPSES_COL(SCOL_I64, created_by),
	RELAPSES_COL(SCOL_I64, created_at),
	RELAPSES_COL(SCOL_I64, updated_by),
	RELAPSES_COL(SCOL_I64, updated_at),
	RELAPSES_COL(SCOL_TEXT, given_name),
	RELAPSES_COL(SCOL_TEXT, family_name),
};
static const struct store_cols relapses_map = { relapses_cols, 32 };

/* The list's filter: ?2/$2 person (0: any), ?3/$3 therapist (0: any), ?4/$4 status ("": any). */
#define RELAPSE_LIST_THERAPIST                                                                       \
	"EXISTS (SELECT 1 FROM enrolments e WHERE e.org_id = r.org_id AND e.person_id = r.person_id "  \
	"AND e.status IN ('active', 'paused') AND e.therapist_id = "

#endif
