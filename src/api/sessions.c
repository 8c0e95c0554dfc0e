/* sessions.c: the API of one group session or workshop (issue 4) — GET/PATCH
 * /api/v1/sessions/{id}: its group, date, times, leaders, topic, kind of topic, step,
 * external participants and attendance count; PATCH changes the details (absent fields
 * keep their value) through the same service as the page (domain/groupsessions.c).
 * Without a certified leader (issue 7) PATCH answers 422 (field "override_reason")
 * unless the body gives "override_reason"; GET says "certified_leader" and the stored
 * "override_reason" (null when none). */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/groupsessions.h"

static void answer_error(struct req *r, int rc, const struct field_error *fe)
{
	if (rc == STORE_NOTFOUND)
		resp_error(r, 404, "not_found", N_("No such session in this organisation."), NULL);
	else if (rc == ACC_INVALID)
		resp_error(r, 422, "validation_failed", fe->message, fe->field);
	else
		resp_store_error(r, rc);
}

static void answer_session(struct req *r, int status)
{
	struct store *s = r->site->ac->store;
	struct att_session se;
	struct group g = { 0 };
	struct store_session_details d;
	struct roster_line *lines = NULL;
	size_t n = 0;
	int rc = store_att_session_get(s, r->org_id, r->id, &se);
	if (!rc && se.group_id)
		rc = store_group_get(s, r->org_id, se.group_id, &g);
	if (!rc)
		rc = store_session_details_get(s, r->org_id, r->id, &d);
	struct gsession_leading lead;
	if (!rc)
		rc = gsessions_leading(r->site->ac, r->org_id, &se, &d, &lead);
	if (!rc)
		rc = store_attendance_roster(s, r->org_id, r->id, &lines, &n);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	int attended = 0;
	for (size_t i = 0; i < n; i++)
		attended += lines[i].recorded && lines[i].a.attended;
	free(lines);
	char day[11], start[32], end[32];
	date_format(se.on_day, day);
	snprintf(start, sizeof start, "%02d:%02d", se.start_min / 60, se.start_min % 60);
	snprintf(end, sizeof end, "%02d:%02d", se.end_min / 60, se.end_min % 60);
	json_t *leaders = json_array();
	for (int i = 0; i < d.nleaders; i++)
		json_array_append_new(leaders, json_integer((json_int_t)d.leaders[i]));
	json_t *j = json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:i, s:i}", "id",
			      (json_int_t)se.id, "group_id",
			      se.group_id ? json_integer((json_int_t)se.group_id) : json_null(), "group", g.name,
			      "kind", se.kind, "date", day, "start", start, "end", end, "leader_id",
			      se.leader_id ? json_integer((json_int_t)se.leader_id) : json_null(), "leaders", leaders,
			      "topic", d.topic, "topic_kind", d.topic_kind, "step",
			      d.step ? json_integer(d.step) : json_null(), "external_count", d.external_count,
			      "attended", attended);
	json_object_set_new(j, "certified_leader", json_boolean(lead.certified));
	json_object_set_new(j, "override_reason", lead.ov.reason[0] ? json_string(lead.ov.reason) : json_null());
	resp_json(r, status, j);
}

void api_session_get(struct req *r)
{
	answer_session(r, 200);
}

/* An integer field as text for the service (null: ""); false after 400. */
static bool int_text_or_400(struct req *r, const char *key, char buf[24], const char **out)
{
	json_t *v = json_object_get(r->json, key);
	if (!v)
		return true;
	if (json_is_null(v)) {
		*out = "";
		return true;
	}
	if (!json_is_integer(v)) {
		resp_error(r, 400, "bad_type", N_("This field must be a whole number."), key);
		return false;
	}
	snprintf(buf, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	*out = buf;
	return true;
}

void api_session_patch(struct req *r)
{
	struct store_session_details d;
	int rc = store_session_details_get(r->site->ac->store, r->org_id, r->id, &d);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	static const char *const keys[] = { "topic",   "topic_kind",      "step", "external_count",
					    "leaders", "override_reason", NULL };
	char step[24], ext[24], ids[STORE_SESSION_LEADERS_MAX + 1][24];
	const char *leaders[STORE_SESSION_LEADERS_MAX + 1];
	snprintf(step, sizeof step, "%d", d.step);
	snprintf(ext, sizeof ext, "%d", d.external_count);
	struct gsession_in in = { .topic = d.topic, .topic_kind = d.topic_kind, .step = d.step ? step : "",
				  .external_count = ext, .leaders = leaders };
	for (int i = 0; i < d.nleaders; i++) {
		snprintf(ids[i], sizeof ids[i], "%" PRId64, d.leaders[i]);
		leaders[in.nleaders++] = ids[i];
	}
	const char *topic = NULL, *kind = NULL;
	char stepbuf[24], extbuf[24];
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "topic", false, STORE_SESSION_TOPIC_MAX + 8, &topic) ||
	    !json_str_or_400(r, "topic_kind", false, 40, &kind) || !int_text_or_400(r, "step", stepbuf, &in.step) ||
	    !int_text_or_400(r, "external_count", extbuf, &in.external_count) ||
	    !json_str_or_400(r, "override_reason", false, STORE_TRAINING_REASON_MAX + 8, &in.override_reason))
		return;
	if (topic)
		in.topic = topic;
	if (kind)
		in.topic_kind = kind;
	json_t *ls = json_object_get(r->json, "leaders");
	if (ls) {
		if (!json_is_array(ls)) {
			resp_error(r, 400, "bad_type", N_("This field must be a list of user ids."), "leaders");
			return;
		}
		in.nleaders = 0;
		size_t i;
		json_t *it;
		json_array_foreach(ls, i, it) {
			if (!json_is_integer(it)) {
				resp_error(r, 400, "bad_type", N_("This field must be a list of user ids."), "leaders");
				return;
			}
			if (in.nleaders > STORE_SESSION_LEADERS_MAX) {
				in.nleaders++;
				continue;
			}
			snprintf(ids[in.nleaders], sizeof ids[0], "%" JSON_INTEGER_FORMAT, json_integer_value(it));
			leaders[in.nleaders] = ids[in.nleaders];
			in.nleaders++;
		}
	}
	/* The step goes with its kind: a new kind other than a step drops the stored step. */
	if (kind && strcmp(kind, "step") && !json_object_get(r->json, "step"))
		in.step = "";
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	rc = gsessions_set(r->site->ac, &a, r->org_id, r->id, &in, &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_session(r, 200);
}
