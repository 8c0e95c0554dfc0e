/* stepwork.h: a person's step work and individual plan over the store — steps.h's state
 * machine and plan.h's versions applied to stored enrolments, with version-checked writes
 * and an audit entry for every read and change. Shared by pages and API.
 *
 *   stepwork_step_change:  load the 12 states ─► step_transition ─► store_step_change
 *                          (checked against the changes count read) ─► audit "step.change"
 *   stepwork_plan_save:    plan_validate ─► load the latest version ─► plan_version_make
 *                          ─► store_plan_save (number = latest + 1) ─► audit "plan.save"
 *
 * Another organisation's enrolment is STORE_NOTFOUND, the same as none at all.
 */
#ifndef TOLV_DOMAIN_STEPWORK_H
#define TOLV_DOMAIN_STEPWORK_H

#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/plan.h"
#include "domain/steps.h"
#include "store/store.h"

/* The twelve states of an enrolment (states[i] is step i + 1); audited "steps.read". */
int stepwork_steps_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			struct step_state states[STEP_COUNT]);
/* The step changes, oldest first (*out xmalloc'd). The caller has audited the read. */
int stepwork_step_events(struct accounts *ac, int64_t org_id, int64_t enrolment_id,
			 struct store_step_event **out, size_t *n);

struct step_change_in {
	int step;            /* 1–12 */
	const char *to;      /* step_status_key() */
	const char *date;    /* YYYY-MM-DD; NULL or "" = today */
	const char *note;    /* the note, or the reason where one is needed; may be NULL */
	int changes;         /* the changes count the caller saw; -1 = do not check */
};
/* Moves one step. Returns 0 (out, may be NULL, gets the new state); ACC_INVALID with fe
 * (fields "step", "to", "date", "note"; English msgids); STORE_CONFLICT when the step
 * moved meanwhile (nothing written); STORE_NOTFOUND. Audited "step.change". */
int stepwork_step_change(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			 const struct step_change_in *in, int32_t today, struct step_state *out,
			 struct field_error *fe);

/* The plan as of version `number` (0: the latest) into *out (plan_release it); *number_out
 * (may be NULL) gets its number, 0 when nothing is saved yet (then *out is empty).
 * STORE_NOTFOUND for an unknown enrolment or version. Audited "plan.read". */
int stepwork_plan_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
		       int number, struct plan *out, int *number_out, struct store_plan_version *meta);
/* Saves p as a new version after version `expected` (0: the first save). Returns 0 with
 * *number_out the new number; ACC_INVALID with err (an invalid plan, or nothing changed);
 * STORE_CONFLICT when the latest version is not `expected`; STORE_NOTFOUND. Audited
 * "plan.save". */
int stepwork_plan_save(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
		       const struct plan *p, int expected, int *number_out, struct plan_error *err);
/* Every version with its JSON, oldest first (store_plan_versions_free). Audited
 * "plan.read". */
int stepwork_plan_versions(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			   struct store_plan_version **out, size_t *n);

#endif
