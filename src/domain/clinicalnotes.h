/* clinicalnotes.h: a person's clinical notes over the store — notes.h's rules (drafts,
 * signing, addenda, the draft reminder) applied to stored notes, with an audit entry for
 * every read and change ("note.create", "note.update", "note.delete", "note.sign",
 * "note.addendum", "note.read"; the detail names the person and the type, never the text).
 * Shared by pages and API.
 *
 *   create/update: parse the form ─► note_validate ─► (update: note_can_edit on the
 *                  stored note) ─► store ─► audit
 *   sign:          note_sign on the stored note ─► store_note_sign ─► audit
 *   addendum:      note_addendum_check ─► store_note_addendum_add ─► audit
 *
 * Another organisation's note or person is STORE_NOTFOUND, the same as none at all.
 */
#ifndef TOLV_DOMAIN_CLINICALNOTES_H
#define TOLV_DOMAIN_CLINICALNOTES_H

#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/notes.h"
#include "store/store.h"

/* A refusal by the rules (a signed note, another author's draft): fe->message says why
 * (fe->field is NULL). Pages answer 409 with the reason, the API 409 with it as error. */
#define CNOTES_REFUSED 2

/* A note as a form or JSON body gives it; NULL or "" for a field not given. */
struct note_in {
	const char *type;        /* note_type_key() */
	const char *date;        /* YYYY-MM-DD */
	const char *text;
	const char *step;        /* the optional links as decimal numbers */
	const char *goal;
	const char *assignment;
	const char *session;
	int64_t enrolment_id;    /* 0: none */
};

/* A new draft of who's about person_id. 0 with *id; ACC_INVALID with fe (fields "type",
 * "date", "text", "step", "goal", "assignment", "session"); STORE_NOTFOUND. */
int cnotes_create(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  const struct note_in *in, int32_t today, int64_t *id, struct field_error *fe);
/* Rewrites a draft (the author only): as create, or CNOTES_REFUSED. */
int cnotes_update(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		  const struct note_in *in, int32_t today, struct field_error *fe);
/* Deletes a draft (the author only); CNOTES_REFUSED for a signed note or another's draft. */
int cnotes_delete(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		  struct field_error *fe);
/* Signs a draft (the author only); CNOTES_REFUSED with the reason otherwise. */
int cnotes_sign(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, int32_t today,
		struct field_error *fe);
/* Adds an addendum to a signed note: ACC_INVALID (field "addendum") for a bad text,
 * CNOTES_REFUSED for a draft. *addendum_id (may be NULL) gets its id. */
int cnotes_addendum(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *text,
		    int64_t *addendum_id, struct field_error *fe);
/* The note and its addenda (free *addenda); audited "note.read". */
int cnotes_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, struct store_note *out,
	       struct store_note_addendum **addenda, size_t *naddenda);
/* A page of the person's notes, newest first (type "" for all); audited "note.read". */
int cnotes_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id, const char *type,
		int limit, int offset, struct store_note **out, size_t *n, int64_t *total);
/* who's drafts that note_draft_overdue counts as overdue on today, oldest first. */
int cnotes_overdue(struct accounts *ac, const struct actor *who, int64_t org_id, int32_t today,
		   struct store_note_draft **out, size_t *n);
/* The stored note as notes.h's view (pointers into s). */
void cnotes_view(const struct store_note *s, struct note *out);

#endif
