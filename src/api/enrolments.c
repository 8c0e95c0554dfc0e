/* enrolments.c: the API's enrolments — enrol, read with events, change (phase, pause,
 * resume, complete, discontinue; version-checked), and the filtered list — through the
 * same service as the pages (domain/enrolments.c). */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/enrolments.h"
#include "domain/persons.h"

static json_t *date_json(int32_t day)
{
	char d[11];
	date_format(day, d);
	return d[0] ? json_string(d) : json_null();
}

json_t *enrolment_json(const struct enrolment *e, const struct programme *p)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:i, s:I, s:I, s:I}",
			      "id", (json_int_t)e->id, "person_id", (json_int_t)e->person_id, "programme_id",
			      (json_int_t)e->programme_id, "therapist_id", (json_int_t)e->therapist_id, "referral_id",
			      (json_int_t)e->referral_id, "status", e->status, "phase", e->phase, "started_on",
			      date_json(e->started_on), "phase_since", date_json(e->phase_since), "last_change_on",
			      date_json(e->last_change_on), "paused_since", date_json(e->paused_since), "ended_on",
			      date_json(e->ended_on), "reason_key", e->reason_key, "reason_note", e->reason_note,
			      "pauses", e->pauses, "version", (json_int_t)e->version, "created_at",
			      (json_int_t)e->created_at, "updated_at", (json_int_t)e->updated_at);
	if (p && e->phase >= 0 && e->phase < p->nphases) {
		json_object_set_new(j, "phase_key", json_string(p->phases[e->phase].key));
		json_object_set_new(j, "phase_label", json_string(p->phases[e->phase].label));
		json_object_set_new(j, "programme", json_string(p->name));
	}
	return j;
}

static json_t *event_json(const struct enrolment_event *ev, const struct programme *p)
{
	json_t *j = json_pack("{s:I, s:s, s:i, s:i, s:o, s:s, s:I, s:I}", "id", (json_int_t)ev->id, "kind", ev->kind,
			      "from_phase", ev->from_phase, "to_phase", ev->to_phase, "date", date_json(ev->on_day),
			      "reason", ev->reason, "by_user", (json_int_t)ev->by_user, "at", (json_int_t)ev->at);
	if (p && ev->to_phase >= 0 && ev->to_phase < p->nphases)
		json_object_set_new(j, "to_phase_key", json_string(p->phases[ev->to_phase].key));
	return j;
}

/* A positive id member: absent or null → 0; anything but a positive integer → 400. */
static bool json_id_or_400(struct req *r, const char *key, int64_t *out)
{
	json_t *v = json_object_get(r->json, key);
	*out = 0;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		resp_error(r, 400, "bad_type", N_("This field must be a positive whole number."), key);
		return false;
	}
	*out = (int64_t)json_integer_value(v);
	return true;
}

static void change_error_answer(struct req *r, int rc, const struct person_errors *errs)
{
	switch (rc) {
	case ACC_INVALID:
		resp_error(r, 422, "validation_failed", errs->n ? errs->e[0].message : N_("Some of the values are not valid."),
			   errs->n ? errs->e[0].field : NULL);
		return;
	case STORE_CONFLICT:
		resp_error(r, 409, "conflict",
			   N_("The enrolment was changed by someone else meanwhile. Reload it and try again."), "version");
		return;
	case ENROL_FORBIDDEN:
		resp_error(r, 403, "forbidden",
			   N_("Only the primary therapist, a coordinator or an administrator may change this enrolment."),
			   NULL);
		return;
	case STORE_NOTFOUND:
		resp_error(r, 404, "not_found", N_("No such enrolment in this organisation."), NULL);
		return;
	default:
		resp_store_error(r, rc);
	}
}

void api_enrolments_create(struct req *r)
{
	static const char *const keys[] = { "person_id", "programme_id", "therapist_id", "referral_id", "start_date",
					    NULL };
	struct enrolment_new in = { 0 };
	if (!json_keys_or_400(r, keys) || !json_id_or_400(r, "person_id", &in.person_id) ||
	    !json_id_or_400(r, "programme_id", &in.programme_id) ||
	    !json_id_or_400(r, "therapist_id", &in.therapist_id) ||
	    !json_id_or_400(r, "referral_id", &in.referral_id) ||
	    !json_str_or_400(r, "start_date", false, 100, &in.start_date))
		return;
	if (!in.person_id) {
		resp_error(r, 422, "validation_failed", N_("This field is required."), "person_id");
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct person_errors errs = { 0 };
	struct enrolment e;
	int rc = enrolments_create(r->site->ac, &a, r->org_id, &in, date_today_cet(), &e, &errs);
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 404, "not_found", N_("No such person in this organisation."), "person_id");
		return;
	}
	if (rc) {
		change_error_answer(r, rc, &errs);
		return;
	}
	struct programme p;
	bool have = store_programme_get(r->site->ac->store, r->org_id, e.programme_id, &p) == STORE_OK;
	resp_json(r, 201, json_pack("{s:o}", "enrolment", enrolment_json(&e, have ? &p : NULL)));
}

void api_enrolment_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct enrolment e;
	int rc = enrolments_read(r->site->ac, &a, r->org_id, r->id, "api", &e);
	if (rc) {
		change_error_answer(r, rc, NULL);
		return;
	}
	struct programme p;
	bool have = store_programme_get(r->site->ac->store, r->org_id, e.programme_id, &p) == STORE_OK;
	struct enrolment_event *evs = NULL;
	size_t n = 0;
	rc = store_enrolment_events(r->site->ac->store, r->org_id, e.id, &evs, &n);
	if (rc) {
		free(evs);
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, event_json(&evs[i], have ? &p : NULL));
	free(evs);
	json_t *phases = json_array();
	for (int i = 0; have && i < p.nphases; i++)
		json_array_append_new(phases, json_pack("{s:i, s:s, s:s}", "index", i, "key", p.phases[i].key, "label",
							 p.phases[i].label));
	resp_json(r, 200,
		  json_pack("{s:o, s:o, s:o}", "enrolment", enrolment_json(&e, have ? &p : NULL), "events", list,
			    "phases", phases));
}

void api_enrolment_event(struct req *r)
{
	static const char *const keys[] = { "kind", "to_phase", "date", "reason", "reason_key", "version", NULL };
	struct enrolment_change c = { .to_phase = -1 };
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "kind", false, 100, &c.kind) ||
	    !json_str_or_400(r, "date", false, 100, &c.date) ||
	    !json_str_or_400(r, "reason", false, 4000, &c.reason) ||
	    !json_str_or_400(r, "reason_key", false, 100, &c.reason_key) || !json_id_or_400(r, "version", &c.version))
		return;
	json_t *tp = json_object_get(r->json, "to_phase");
	const char *to_key = NULL;
	if (tp && !json_is_null(tp)) {
		if (json_is_integer(tp) && json_integer_value(tp) >= 0 && json_integer_value(tp) < STORE_PHASES_MAX) {
			c.to_phase = (int)json_integer_value(tp);
		} else if (json_is_string(tp)) {
			to_key = json_string_value(tp);
		} else {
			resp_error(r, 400, "bad_type", N_("Give the phase as its index or its key."), "to_phase");
			return;
		}
	}
	if (to_key) {
		struct enrolment e;
		struct programme p;
		int rc = store_enrolment_get(r->site->ac->store, r->org_id, r->id, &e);
		if (rc == STORE_OK)
			rc = store_programme_get(r->site->ac->store, r->org_id, e.programme_id, &p);
		if (rc) {
			change_error_answer(r, rc, NULL);
			return;
		}
		c.to_phase = STORE_PHASES_MAX; /* no such phase: the state machine says so */
		for (int i = 0; i < p.nphases; i++)
			if (!strcmp(p.phases[i].key, to_key))
				c.to_phase = i;
	}
	struct actor a;
	req_actor(r, &a);
	struct person_errors errs = { 0 };
	struct enrolment e;
	int rc = enrolments_change(r->site->ac, &a, r->org_id, r->id, (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0,
				   &c, date_today_cet(), &e, &errs);
	if (rc) {
		change_error_answer(r, rc, &errs);
		return;
	}
	struct programme p;
	bool have = store_programme_get(r->site->ac->store, r->org_id, e.programme_id, &p) == STORE_OK;
	resp_json(r, 201, json_pack("{s:o}", "enrolment", enrolment_json(&e, have ? &p : NULL)));
}

void api_enrolments_list(struct req *r)
{
	int64_t limit, offset, programme, therapist, person;
	if (!query_int_or_400(r, "limit", 1, 200, 50, &limit) ||
	    !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset) ||
	    !query_int_or_400(r, "programme", 0, INT64_MAX, 0, &programme) ||
	    !query_int_or_400(r, "therapist", 0, INT64_MAX, 0, &therapist) ||
	    !query_int_or_400(r, "person", 0, INT64_MAX, 0, &person))
		return;
	const char *status = query_get(r, "status"), *sort = query_get(r, "sort");
	struct enrolment_query q = { .programme_id = programme, .therapist_id = therapist, .person_id = person,
				     .phase = -1, .recent_from = DATE_NONE, .limit = (int)limit, .offset = (int)offset };
	if (status && *status) {
		if (strcmp(status, "open") && enrolment_status_parse(status) < 0) {
			resp_error(r, 400, "bad_request",
				   N_("Status is one of open, active, paused, completed, discontinued."), "status");
			return;
		}
		copy_str(q.status, sizeof q.status, status);
	}
	if (!sort || !*sort || !strcmp(sort, "name"))
		q.sort = STORE_ENROL_BY_NAME;
	else if (!strcmp(sort, "started"))
		q.sort = STORE_ENROL_BY_STARTED;
	else if (!strcmp(sort, "phase"))
		q.sort = STORE_ENROL_BY_PHASE;
	else {
		resp_error(r, 400, "bad_request", N_("Sort by \"name\", \"started\" or \"phase\"."), "sort");
		return;
	}
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_enrolment_list(r->site->ac->store, r->org_id, &q, &rows, &n, &total);
	if (rc) {
		free(rows);
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
	size_t nids = 0;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = enrolment_json(&rows[i].e, NULL);
		json_object_set_new(j, "given_name", json_string(rows[i].given_name));
		json_object_set_new(j, "family_name", json_string(rows[i].family_name));
		json_array_append_new(list, j);
		bool seen = false;
		for (size_t k = 0; k < nids && !seen; k++)
			seen = ids[k] == rows[i].e.person_id;
		if (!seen)
			ids[nids++] = rows[i].e.person_id;
	}
	persons_audit_listed(r->site->ac, &a, r->org_id, ids, nids, "api enrolments");
	free(ids);
	free(rows);
	resp_json(r, 200,
		  json_pack("{s:o, s:I, s:I, s:I}", "enrolments", list, "total", (json_int_t)total, "limit",
			    (json_int_t)limit, "offset", (json_int_t)offset));
}
