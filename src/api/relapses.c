/* relapses.c: the API of relapse follow-up (issue 6) — GET/POST /api/v1/persons/{id}/relapses
 * (the person's relapses with the sober-since day where shown; POST a new draft), PUT
 * /api/v1/persons/{id}/sober-since, GET/PATCH /api/v1/relapses/{id} (PATCH: the response),
 * POST /api/v1/relapses/{id}/decision ({"decision": "confirm"|"reject"|"keep", "reason"}),
 * /pause and /resume ({"date"}) — through the same service as the pages
 * (domain/relapses.c). A refusal by the rules is 409 with the reason as the message. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/relapses.h"
#include "domain/roles.h"

static json_t *day_json(int32_t day)
{
	char d[11];
	date_format(day, d);
	return d[0] ? json_string(d) : json_null();
}

static json_t *opt_int(int64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

static json_t *relapse_json(const struct store_relapse *x)
{
	json_t *subst = json_array();
	const char *p = x->substances;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(subst, json_stringn(p, len));
		p += len;
		if (*p == ',')
			p++;
	}
	json_t *j = json_pack("{s:I, s:I, s:o, s:o, s:o, s:s, s:o, s:s, s:s, s:b, s:o, s:o, s:s}", "id",
			      (json_int_t)x->id, "person_id", (json_int_t)x->person_id, "enrolment_id",
			      opt_int(x->enrolment_id), "date", day_json(x->on_day), "substances", subst, "source",
			      x->source, "test_id", opt_int(x->test_id), "source_text", x->source_text, "status",
			      x->status, "review", x->review, "decided_by", opt_int(x->decided_by), "decided_at",
			      opt_int(x->decided_at), "decision_reason", x->decision_reason);
	json_object_set_new(j, "conversation_date", day_json(x->conversation_on));
	json_object_set_new(j, "plan_version", opt_int(x->plan_version));
	json_object_set_new(j, "extra_sessions", json_integer(x->extra_sessions));
	json_object_set_new(j, "extra_sessions_text", json_string(x->extra_sessions_text));
	json_object_set_new(j, "physician_date", day_json(x->physician_on));
	json_object_set_new(j, "physician_status", json_string(x->physician_status));
	json_object_set_new(j, "detox_destination", json_string(x->detox_destination));
	json_object_set_new(j, "detox_date", day_json(x->detox_on));
	json_object_set_new(j, "detox_status", json_string(x->detox_status));
	json_object_set_new(j, "paused_enrolment_id", opt_int(x->paused_enrolment_id));
	json_object_set_new(j, "paused_on", day_json(x->paused_on));
	json_object_set_new(j, "resumed_on", day_json(x->resumed_on));
	json_object_set_new(j, "created_by", opt_int(x->created_by));
	json_object_set_new(j, "created_at", json_integer((json_int_t)x->created_at));
	return j;
}

static void answer_error(struct req *r, int rc, const struct field_error *fe)
{
	if (rc == STORE_NOTFOUND)
		resp_error(r, 404, "not_found", N_("No such relapse or person in this organisation."), NULL);
	else if (rc == ACC_INVALID)
		resp_error(r, 422, "validation_failed", fe->message, fe->field);
	else if (rc == RELAPSES_REFUSED)
		resp_error(r, 409, "refused", fe->message, NULL);
	else if (rc == RELAPSES_FORBIDDEN)
		resp_error(r, 403, "forbidden",
			   N_("Only the primary therapist, a coordinator or an administrator can change this enrolment."),
			   NULL);
	else if (rc == STORE_CONFLICT)
		resp_error(r, 409, "conflict", N_("The enrolment was changed meanwhile; look at it again."), NULL);
	else
		resp_store_error(r, rc);
}

static void answer_relapse(struct req *r, int status, int64_t id)
{
	struct actor a;
	req_actor(r, &a);
	struct store_relapse *x = xcalloc(1, sizeof *x);
	int rc = relapses_get(r->site->ac, &a, r->org_id, id, x);
	if (rc)
		answer_error(r, rc, NULL);
	else
		resp_json(r, status, relapse_json(x));
	free(x);
}

/* An optional whole number as text: absent keeps *out, null → ""; false after 400. */
static bool int_or_400(struct req *r, const char *key, char buf[24], const char **out)
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

/* An optional string: absent keeps *out, null → ""; false after 400. */
static bool str_or_400(struct req *r, const char *key, size_t max, const char **out)
{
	json_t *v = json_object_get(r->json, key);
	if (!v)
		return true;
	if (json_is_null(v)) {
		*out = "";
		return true;
	}
	const char *s = NULL;
	if (!json_str_or_400(r, key, false, max, &s))
		return false;
	*out = s;
	return true;
}

void api_relapses_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct store_relapse *rows = NULL;
	size_t n = 0;
	int32_t sober = DATE_NONE;
	bool shown = false;
	int rc = relapses_list(r->site->ac, &a, r->org_id, r->id, &rows, &n);
	if (!rc)
		rc = relapses_sober_get(r->site->ac, &a, r->org_id, r->id, &sober, &shown);
	if (rc) {
		free(rows);
		answer_error(r, rc, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, relapse_json(&rows[i]));
	free(rows);
	json_t *j = json_pack("{s:o, s:b}", "items", items, "sober_since_shown", shown);
	if (shown)
		json_object_set_new(j, "sober_since", day_json(sober));
	resp_json(r, 200, j);
}

void api_relapses_create(struct req *r)
{
	struct person p;
	int rc = store_person_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	static const char *const keys[] = { "date", "substances", "source", "test_id", "source_text", NULL };
	struct relapse_in in = { 0 };
	char tid[24];
	struct buf subst = BUF_INIT;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "date", false, 40, &in.date) ||
	    !json_str_or_400(r, "source", false, 40, &in.source) || !int_or_400(r, "test_id", tid, &in.test_id) ||
	    !str_or_400(r, "source_text", 2000, &in.source_text))
		return;
	json_t *sv = json_object_get(r->json, "substances");
	if (json_is_array(sv)) {
		size_t i;
		json_t *e;
		json_array_foreach(sv, i, e)
		{
			if (!json_is_string(e) || json_string_length(e) > 64 ||
			    strlen(json_string_value(e)) != json_string_length(e)) {
				buf_release(&subst);
				resp_error(r, 400, "bad_type", N_("Substances must be a list of keys."), "substances");
				return;
			}
			if (i)
				buf_addch(&subst, ',');
			buf_adds(&subst, json_string_value(e));
		}
		in.substances = subst.data ? subst.data : "";
	} else if (!str_or_400(r, "substances", 1000, &in.substances)) {
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	int64_t id = 0;
	rc = relapses_create(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &id, &fe);
	buf_release(&subst);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_relapse(r, 201, id);
}

void api_sober_since_put(struct req *r)
{
	struct person p;
	int rc = store_person_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	static const char *const keys[] = { "date", NULL };
	const char *date = "";
	if (!json_keys_or_400(r, keys) || !str_or_400(r, "date", 40, &date))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	rc = relapses_sober_set(r->site->ac, &a, r->org_id, r->id, date, date_today_cet(), &fe);
	if (rc) {
		answer_error(r, rc, &fe);
		return;
	}
	int32_t day = DATE_NONE;
	bool shown = false;
	rc = relapses_sober_get(r->site->ac, &a, r->org_id, r->id, &day, &shown);
	if (rc)
		answer_error(r, rc, NULL);
	else
		resp_json(r, 200, json_pack("{s:I, s:o}", "person_id", (json_int_t)r->id, "sober_since", day_json(day)));
}

void api_relapse_get(struct req *r)
{
	answer_relapse(r, 200, r->id);
}

void api_relapse_patch(struct req *r)
{
	struct store_relapse *x = xcalloc(1, sizeof *x);
	int rc = store_relapse_get(r->site->ac->store, r->org_id, r->id, x);
	if (rc) {
		free(x);
		answer_error(r, rc, NULL);
		return;
	}
	static const char *const keys[] = { "conversation_date", "plan_version",      "extra_sessions",
					    "extra_sessions_text", "physician_date",   "physician_status",
					    "detox_destination", "detox_date",       "detox_status",
					    NULL };
	char conv[11], phys[11], detox[11], plan[24] = "", extra[24], pbuf[24], ebuf[24];
	date_format(x->conversation_on, conv);
	date_format(x->physician_on, phys);
	date_format(x->detox_on, detox);
	if (x->plan_version)
		snprintf(plan, sizeof plan, "%d", x->plan_version);
	snprintf(extra, sizeof extra, "%d", x->extra_sessions);
	struct relapse_response_in in = { .conversation_date = conv,
					  .plan_version = plan,
					  .extra_sessions = extra,
					  .extra_sessions_text = x->extra_sessions_text,
					  .physician_date = phys,
					  .physician_status = x->physician_status,
					  .detox_destination = x->detox_destination,
					  .detox_date = detox,
					  .detox_status = x->detox_status };
	if (!json_keys_or_400(r, keys) || !str_or_400(r, "conversation_date", 40, &in.conversation_date) ||
	    !int_or_400(r, "plan_version", pbuf, &in.plan_version) ||
	    !int_or_400(r, "extra_sessions", ebuf, &in.extra_sessions) ||
	    !str_or_400(r, "extra_sessions_text", 2000, &in.extra_sessions_text) ||
	    !str_or_400(r, "physician_date", 40, &in.physician_date) ||
	    !str_or_400(r, "physician_status", 40, &in.physician_status) ||
	    !str_or_400(r, "detox_destination", 1000, &in.detox_destination) ||
	    !str_or_400(r, "detox_date", 40, &in.detox_date) || !str_or_400(r, "detox_status", 40, &in.detox_status)) {
		free(x);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	rc = relapses_respond(r->site->ac, &a, r->org_id, r->id, &in, &fe);
	free(x);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_relapse(r, 200, r->id);
}

/* Another organisation's relapse is none at all, whatever the body says: 404 first. */
static bool exists_or_404(struct req *r)
{
	struct store_relapse *x = xcalloc(1, sizeof *x);
	int rc = store_relapse_get(r->site->ac->store, r->org_id, r->id, x);
	free(x);
	if (rc)
		answer_error(r, rc, NULL);
	return rc == 0;
}

void api_relapse_decision(struct req *r)
{
	static const char *const keys[] = { "decision", "reason", NULL };
	const char *decision = NULL, *reason = NULL;
	if (!exists_or_404(r) || !json_keys_or_400(r, keys) || !json_str_or_400(r, "decision", true, 40, &decision) ||
	    !json_str_or_400(r, "reason", false, 2000, &reason))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	int rc = relapses_decide(r->site->ac, &a, r->org_id, r->id, decision, reason ? reason : "", &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_relapse(r, 200, r->id);
}

static void pause_or_resume(struct req *r, bool pause)
{
	static const char *const keys[] = { "date", NULL };
	const char *date = NULL;
	if (!exists_or_404(r) || !json_keys_or_400(r, keys) || !json_str_or_400(r, "date", false, 40, &date))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	bool any = (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
	int rc = pause ? relapses_pause(r->site->ac, &a, r->org_id, r->id, any, date, date_today_cet(), &fe)
		       : relapses_resume(r->site->ac, &a, r->org_id, r->id, any, date, date_today_cet(), &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_relapse(r, 200, r->id);
}

void api_relapse_pause(struct req *r)
{
	pause_or_resume(r, true);
}

void api_relapse_resume(struct req *r)
{
	pause_or_resume(r, false);
}
