/* groupsessions.c: a group session's details over the store, audited (see groupsessions.h). */
#include "domain/groupsessions.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/training.h"

const char *const gsession_topic_kinds[5] = { "", "step", "lecture", "meditation", "other" };

const char *gsession_topic_kind_label(const char *key)
{
	static const char *const labels[5] = { N_("No topic"), N_("A step"), N_("A lecture"), N_("Meditation"),
					       N_("Other") };
	for (size_t i = 0; key && i < 5; i++)
		if (!strcmp(key, gsession_topic_kinds[i]))
			return labels[i];
	return NULL;
}

static int field(struct field_error *fe, const char *name, const char *msg)
{
	if (fe) {
		fe->field = name;
		fe->message = msg;
	}
	return ACC_INVALID;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

static int parse_in(struct accounts *ac, int64_t org_id, const struct gsession_in *in,
		    struct store_session_details *d, struct field_error *fe)
{
	memset(d, 0, sizeof *d);
	const char *topic = str(in->topic);
	size_t len = strlen(topic);
	if (len >= sizeof d->topic || !utf8_valid_text(topic, len))
		return field(fe, "topic", N_("The topic is too long (at most 500 characters)."));
	copy_str(d->topic, sizeof d->topic, topic);
	if (!gsession_topic_kind_label(str(in->topic_kind)))
		return field(fe, "topic_kind", N_("Choose a kind of topic from the list."));
	copy_str(d->topic_kind, sizeof d->topic_kind, str(in->topic_kind));
	int64_t v = 0;
	if (!strcmp(d->topic_kind, "step")) {
		if (parse_int64(str(in->step), 1, 12, &v))
			return field(fe, "step", N_("Choose the step being taught (1–12)."));
		d->step = (int)v;
	} else if (str(in->step)[0]) {
		return field(fe, "step", N_("A step is given only when the topic is a step."));
	}
	v = 0;
	if (str(in->external_count)[0] &&
	    parse_int64(in->external_count, 0, STORE_SESSION_EXTERNAL_MAX, &v))
		return field(fe, "external_count", N_("Give the external participants as a whole number, 0 or more."));
	d->external_count = (int)v;
	if (in->nleaders > STORE_SESSION_LEADERS_MAX)
		return field(fe, "leaders", N_("Choose at most eight leaders."));
	for (size_t i = 0; i < in->nleaders; i++) {
		struct membership m;
		if (parse_int64(str(in->leaders[i]), 1, INT64_MAX, &v) ||
		    store_membership_get(ac->store, v, org_id, &m) || m.disabled || !strcmp(m.role, "auditor"))
			return field(fe, "leaders", N_("Choose leaders among this organisation's staff."));
		bool dup = false;
		for (int j = 0; j < d->nleaders; j++)
			dup = dup || d->leaders[j] == v;
		if (!dup)
			d->leaders[d->nleaders++] = v;
	}
	return 0;
}

/* The session's leaders: its own leader and the extra ones; returns the count. */
static size_t all_leaders(const struct att_session *se, const struct store_session_details *d,
			  int64_t out[STORE_SESSION_LEADERS_MAX + 1])
{
	size_t n = 0;
	if (se->leader_id)
		out[n++] = se->leader_id;
	for (int i = 0; i < d->nleaders; i++)
		if (d->leaders[i] != se->leader_id)
			out[n++] = d->leaders[i];
	return n;
}

int gsessions_leading(struct accounts *ac, int64_t org_id, const struct att_session *se,
		      const struct store_session_details *d, struct gsession_leading *out)
{
	memset(out, 0, sizeof *out);
	int64_t ls[STORE_SESSION_LEADERS_MAX + 1];
	size_t n = all_leaders(se, d, ls);
	int rc = training_leaders_certified(ac, org_id, ls, n, se->on_day, &out->certified);
	if (!rc)
		rc = store_session_override_get(ac->store, org_id, se->id, &out->ov);
	return rc;
}

/* The reason without surrounding white space into out; ACC_INVALID when too long. */
static int parse_reason(const char *in, char *out, size_t outlen, struct field_error *fe)
{
	const char *s = str(in);
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	size_t chars = 0;
	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	if (len >= outlen || chars > GSESSION_REASON_CHARS || !utf8_valid_text(s, len))
		return field(fe, "override_reason", N_("The reason is too long (at most 500 characters)."));
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int gsessions_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t session_id,
		  const struct gsession_in *in, struct field_error *fe)
{
	struct store_session_details d;
	struct att_session se;
	char reason[STORE_TRAINING_REASON_MAX];
	bool certified = false;
	int rc = store_att_session_get(ac->store, org_id, session_id, &se);
	if (!rc)
		rc = parse_in(ac, org_id, in, &d, fe);
	if (!rc)
		rc = parse_reason(in->override_reason, reason, sizeof reason, fe);
	if (!rc) {
		int64_t ls[STORE_SESSION_LEADERS_MAX + 1];
		size_t n = all_leaders(&se, &d, ls);
		rc = training_leaders_certified(ac, org_id, ls, n, se.on_day, &certified);
	}
	if (!rc && !certified && !reason[0])
		rc = field(fe, "override_reason",
			   N_("No certified leader leads this session. Choose a certified leader, or give the reason "
			      "for leading it without one."));
	if (!rc) {
		rc = store_session_details_set(ac->store, org_id, session_id, &d, who->user_id);
		if (rc == STORE_INVALID)
			rc = field(fe, "leaders", N_("Choose leaders among this organisation's staff."));
	}
	if (!rc)
		rc = store_session_override_set(ac->store, org_id, session_id, certified ? "" : reason, who->user_id);
	if (!rc) {
		char oid[24], detail[96];
		snprintf(oid, sizeof oid, "%" PRId64, session_id);
		snprintf(detail, sizeof detail, "kind %s leaders %d external %d certified %s",
			 d.topic_kind[0] ? d.topic_kind : "none", d.nleaders, d.external_count, certified ? "yes" : "no");
		audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "session.update", "session", oid,
			    detail);
		if (!certified)
			audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "session.leader_override",
				    "session", oid, "no certified leader");
	}
	return rc;
}
