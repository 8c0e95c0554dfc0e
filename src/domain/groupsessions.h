/* groupsessions.h: the details of a group session or workshop (issue 4, "Group sessions
 * and workshops") over the store — topic and its kind (a step, a lecture, meditation,
 * other), the leaders beyond the session's own leader, and a count of external
 * participants without person records — validated per field and audited
 * ("session.update"; the detail gives counts, never the topic). Shared by pages and API.
 * Another organisation's session is STORE_NOTFOUND, the same as none at all.
 */
#ifndef TOLV_DOMAIN_GROUPSESSIONS_H
#define TOLV_DOMAIN_GROUPSESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "store/store.h"

/* The topic kinds, in the order of a form's choices; "" is none. */
extern const char *const gsession_topic_kinds[5];
/* The msgid of a topic kind's label ("" → "No topic"); NULL for an unknown key. */
const char *gsession_topic_kind_label(const char *key);

/* The details as a form or JSON body gives them; NULL or "" for a field not given. */
struct gsession_in {
	const char *topic;
	const char *topic_kind;         /* gsession_topic_kinds */
	const char *step;               /* 1..12, only with kind "step" */
	const char *external_count;     /* 0..STORE_SESSION_EXTERNAL_MAX, "" = 0 */
	const char *const *leaders;     /* user ids as decimal numbers */
	size_t nleaders;
};

/* Replaces the session's details. 0; ACC_INVALID with fe (fields "topic", "topic_kind",
 * "step", "external_count", "leaders"); STORE_NOTFOUND. */
int gsessions_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t session_id,
		  const struct gsession_in *in, struct field_error *fe);

#endif
