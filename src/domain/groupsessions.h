/* groupsessions.h: the details of a group session or workshop (issue 4, "Group sessions
 * and workshops") over the store — topic and its kind (a step, a lecture, meditation,
 * other), the leaders beyond the session's own leader, and a count of external
 * participants without person records — validated per field and audited
 * ("session.update"; the detail gives counts, never the topic). Shared by pages and API.
 * Another organisation's session is STORE_NOTFOUND, the same as none at all.
 *
 * Leading needs training (issue 7, domain/training.h): a session is saved only when a
 * certified leader on the session's day is among its leaders (the session's own leader
 * and the extra leaders), or else with a reason for going ahead without one (the
 * override), which is stored with the session and audited as "session.leader_override"
 * (the detail never holds the reason). Saving with a certified leader removes a stored
 * reason. Every save without a certified leader needs the reason again.
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
	const char *override_reason;    /* why no certified leader is needed; NULL or "": none */
};

/* At most this many characters in an override reason. */
#define GSESSION_REASON_CHARS 500

/* Whether a certified leader leads session se with details d (its own leader or an
 * extra one, certified on the session's day), and the stored override reason. */
struct gsession_leading {
	bool certified;
	struct store_session_override ov; /* ov.reason "" when none */
};
int gsessions_leading(struct accounts *ac, int64_t org_id, const struct att_session *se,
		      const struct store_session_details *d, struct gsession_leading *out);

/* Replaces the session's details. 0; ACC_INVALID with fe (fields "topic", "topic_kind",
 * "step", "external_count", "leaders", "override_reason" — the last when no certified
 * leader leads it and no reason is given, or the reason is too long); STORE_NOTFOUND. */
int gsessions_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t session_id,
		  const struct gsession_in *in, struct field_error *fe);

#endif
