/* stepwording.h: an organisation's own wording of the twelve steps (issue 4, "Wording is
 * configurable per organisation") over the store — loading it once per request for every
 * place that shows a step's name, and the administrator's changes to it, validated and
 * audited ("steps.wording"; the detail gives a count, never the names).
 *
 * Every page or API answer that names steps loads the wording once with
 * step_wording_load() and hands the struct step_names it returns to step_name() (or to
 * html/stepchart.h, which calls step_name()): one query per request, not one per step,
 * and the shipped name (domain/steps.c) wherever the organisation set none.
 */
#ifndef TOLV_DOMAIN_STEPWORDING_H
#define TOLV_DOMAIN_STEPWORDING_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/steps.h"
#include "store/store.h"

/* The wording as loaded for one request; names points into stored. */
struct step_wording {
	struct store_step_wording stored;
	struct step_names names;
	int count;                        /* names the organisation has set */
};

/* Loads org_id's wording into out and returns &out->names, for step_name(). On a store
 * failure the shipped wording (the failure is logged): a page still names its steps. */
const struct step_names *step_wording_load(struct store *s, int64_t org_id, struct step_wording *out);

/* The form field of a step's name in a language: "name-4-nb"; "" out of range. */
const char *step_wording_field(int step, enum lang lang);

/* Replaces the organisation's wording with in (NULL or "" keeps the shipped name; spaces
 * around a name are dropped; a name equal to the shipped one is not stored). 0;
 * ACC_INVALID with fe (field: step_wording_field() of the first bad name, message an
 * English msgid); a store status. Audited. */
int step_wording_save(struct accounts *ac, const struct actor *who, int64_t org_id, const struct step_names *in,
		      struct field_error *fe);
/* Back to the shipped wording for every step and language. Audited. */
int step_wording_reset(struct accounts *ac, const struct actor *who, int64_t org_id);

#endif
