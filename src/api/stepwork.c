/* stepwork.c: the API of a person's step work and individual plan — the twelve steps with
 * their history, a step change, the plan (read; PUT saves a new version after the one the
 * caller names) and its versions with what changed in each — through the same service as
 * the pages (domain/stepwork.c). */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/stepwork.h"
#include "domain/stepwording.h"

static json_t *day_json(int32_t day)
{
	char d[11];
	date_format(day, d);
	return d[0] ? json_string(d) : json_null();
}

static void not_found(struct req *r)
{
	resp_error(r, 404, "not_found", N_("No such enrolment in this organisation."), NULL);
}

static void answer_error(struct req *r, int rc)
{
	if (rc == STORE_NOTFOUND)
		not_found(r);
	else
		resp_store_error(r, rc);
}

/* Another organisation's enrolment is none at all, whatever the body says: 404 first. */
static bool enrolment_or_404(struct req *r)
{
	struct enrolment e;
	int rc = store_enrolment_get(r->site->ac->store, r->org_id, r->id, &e);
	if (rc)
		answer_error(r, rc);
	return rc == STORE_OK;
}

static json_t *state_json(struct req *r, const struct step_state *s, const struct step_names *sn)
{
	return json_pack("{s:i, s:s, s:i, s:s, s:o, s:I, s:i, s:i}", "step", s->step, "name",
			 step_name(sn, s->step, r->lang), "phase", step_phase_of(s->step), "status",
			 step_status_key(s->status), "since", day_json(s->since), "confirmed_by",
			 (json_int_t)s->confirmed_by, "changes", s->changes, "reopened", s->reopened);
}

void api_steps_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct step_state states[STEP_COUNT];
	int rc = stepwork_steps_read(r->site->ac, &a, r->org_id, r->id, states);
	if (rc) {
		answer_error(r, rc);
		return;
	}
	struct store_step_event *evs = NULL;
	size_t n = 0;
	rc = stepwork_step_events(r->site->ac, r->org_id, r->id, &evs, &n);
	if (rc) {
		answer_error(r, rc);
		return;
	}
	json_t *steps = json_array(), *events = json_array();
	struct step_wording sw; /* the organisation's wording, loaded once for the answer */
	const struct step_names *sn = step_wording_load(r->site->ac->store, r->org_id, &sw);
	for (int i = 0; i < STEP_COUNT; i++)
		json_array_append_new(steps, state_json(r, &states[i], sn));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(events, json_pack("{s:I, s:i, s:s, s:s, s:o, s:s, s:I, s:I}", "id",
							(json_int_t)evs[i].id, "step", evs[i].step, "from",
							evs[i].from_status, "to", evs[i].to_status, "date",
							day_json(evs[i].on_day), "note", evs[i].note, "by_user",
							(json_int_t)evs[i].by_user, "at", (json_int_t)evs[i].at));
	free(evs);
	resp_json(r, 200, json_pack("{s:I, s:o, s:o}", "enrolment_id", (json_int_t)r->id, "steps", steps, "events",
				    events));
}

void api_steps_post(struct req *r)
{
	static const char *const keys[] = { "step", "to", "date", "note", "reason", "changes", NULL };
	const char *to, *date, *note, *reason;
	if (!enrolment_or_404(r) || !json_keys_or_400(r, keys) || !json_str_or_400(r, "to", true, 30, &to) ||
	    !json_str_or_400(r, "date", false, 30, &date) || !json_str_or_400(r, "note", false, 2000, &note) ||
	    !json_str_or_400(r, "reason", false, 2000, &reason))
		return;
	json_t *sj = json_object_get(r->json, "step"), *cj = json_object_get(r->json, "changes");
	if (!json_is_integer(sj)) {
		resp_error(r, 400, "bad_type", N_("This field must be a whole number."), "step");
		return;
	}
	if (cj && !json_is_null(cj) && !json_is_integer(cj)) {
		resp_error(r, 400, "bad_type", N_("This field must be a whole number."), "changes");
		return;
	}
	json_int_t step = json_integer_value(sj);
	struct step_change_in in = { .step = step >= 1 && step <= STEP_COUNT ? (int)step : 0, .to = to,
				     .date = date,
				     .note = reason && reason[0] ? reason : note,
				     .changes = json_is_integer(cj) ? (int)json_integer_value(cj) : -1 };
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	struct step_state st;
	int rc = stepwork_step_change(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &st, &fe);
	if (rc == ACC_INVALID) {
		resp_error(r, 422, "validation_failed", fe.message, fe.field);
		return;
	}
	if (rc == STORE_CONFLICT) {
		resp_error(r, 409, "conflict", N_("The step was changed by someone else meanwhile. Reload it and try again."),
			   "changes");
		return;
	}
	if (rc) {
		answer_error(r, rc);
		return;
	}
	struct step_wording sw;
	resp_json(r, 200,
		  json_pack("{s:o}", "step", state_json(r, &st, step_wording_load(r->site->ac->store, r->org_id, &sw))));
}

void api_plan_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct plan p;
	struct store_plan_version meta;
	int number = 0;
	int rc = stepwork_plan_read(r->site->ac, &a, r->org_id, r->id, 0, &p, &number, &meta);
	if (rc) {
		answer_error(r, rc);
		return;
	}
	json_t *pj = number ? plan_to_json(&p) : NULL;
	size_t overdue = plan_overdue_count(&p, date_today_cet());
	plan_release(&p);
	resp_json(r, 200, json_pack("{s:I, s:i, s:I, s:I, s:o, s:I}", "enrolment_id", (json_int_t)r->id, "version",
				    number, "author", (json_int_t)meta.author, "created_at", (json_int_t)meta.created_at,
				    "plan", pj ? pj : json_null(), "overdue",
				    (json_int_t)overdue));
}

void api_plan_put(struct req *r)
{
	static const char *const keys[] = { "version", "plan", NULL };
	if (!enrolment_or_404(r) || !json_keys_or_400(r, keys))
		return;
	json_t *vj = json_object_get(r->json, "version"), *pj = json_object_get(r->json, "plan");
	if (!json_is_integer(vj) || json_integer_value(vj) < 0 || json_integer_value(vj) > INT32_MAX) {
		resp_error(r, 400, "bad_type", N_("Give the number of the version you changed (0 for none)."),
			   "version");
		return;
	}
	if (!json_is_object(pj)) {
		resp_error(r, 400, "bad_type", N_("The plan must be a JSON object."), "plan");
		return;
	}
	struct plan p;
	struct plan_error err;
	memset(&err, 0, sizeof err);
	const char *msg = plan_from_json(pj, &p, &err);
	if (msg) {
		struct buf b = BUF_INIT;
		plan_error_format(&err, r->lang, &b);
		resp_json(r, 422, json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "validation_failed", "message",
					    b.data ? b.data : "", "field", err.field));
		buf_release(&b);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	int number = 0;
	int rc = stepwork_plan_save(r->site->ac, &a, r->org_id, r->id, &p, (int)json_integer_value(vj), &number, &err);
	plan_release(&p);
	if (rc == ACC_INVALID) {
		struct buf b = BUF_INIT;
		plan_error_format(&err, r->lang, &b);
		resp_json(r, 422, json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "validation_failed", "message",
					    b.data ? b.data : "", "field", err.field));
		buf_release(&b);
		return;
	}
	if (rc == STORE_CONFLICT) {
		resp_error(r, 409, "conflict",
			   N_("The plan was saved by someone else meanwhile. Reload it and make your change again."),
			   "version");
		return;
	}
	if (rc) {
		answer_error(r, rc);
		return;
	}
	resp_json(r, 200, json_pack("{s:I, s:i}", "enrolment_id", (json_int_t)r->id, "version", number));
}

void api_plan_versions(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct store_plan_version *v = NULL;
	size_t n = 0;
	int rc = stepwork_plan_versions(r->site->ac, &a, r->org_id, r->id, &v, &n);
	if (rc) {
		answer_error(r, rc);
		return;
	}
	json_t *arr = json_array();
	struct plan prev, cur;
	plan_init(&prev);
	bool have_prev = false;
	for (size_t i = 0; i < n; i++) {
		json_t *changes = json_array();
		if (v[i].json && !plan_parse(v[i].json, strlen(v[i].json), &cur, NULL)) {
			struct plan_diff d = { 0 };
			plan_diff(have_prev ? &prev : NULL, &cur, &d);
			for (size_t k = 0; k < d.n; k++) {
				struct buf b = BUF_INIT;
				plan_change_text(&d.v[k], r->lang, &b);
				json_array_append_new(changes, json_string(b.data ? b.data : ""));
				buf_release(&b);
			}
			plan_diff_release(&d);
			plan_release(&prev);
			prev = cur;
			have_prev = true;
		}
		json_array_append_new(arr, json_pack("{s:i, s:I, s:I, s:o}", "number", v[i].number, "author",
						     (json_int_t)v[i].author, "created_at", (json_int_t)v[i].created_at,
						     "changes", changes));
	}
	plan_release(&prev);
	store_plan_versions_free(v, n);
	resp_json(r, 200, json_pack("{s:I, s:o}", "enrolment_id", (json_int_t)r->id, "versions", arr));
}
