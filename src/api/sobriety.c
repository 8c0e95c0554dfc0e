/* sobriety.c: the API of sobriety tests (issue 6, "Tests") — GET/POST
 * /api/v1/persons/{id}/tests, GET /api/v1/tests/{id}, POST /api/v1/tests/{id}/lab, through
 * the same service as the pages (domain/sobriety.c), so both accept and refuse the same
 * input. Bad input is 422 with the field; another organisation's id is 404. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/sobriety.h"

static void answer_error(struct req *r, int rc, const struct field_error *fe)
{
	if (rc == STORE_NOTFOUND)
		resp_error(r, 404, "not_found", N_("No such record in this organisation."), NULL);
	else if (rc == ACC_INVALID)
		resp_error(r, 422, "validation_failed", fe->message, fe->field);
	else
		resp_store_error(r, rc);
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *test_json(const struct sob_test *t)
{
	char day[11], pm[16], sent[11];
	date_format(t->on_day, day);
	date_format(t->lab_sent_on, sent);
	sobriety_format_permille(t->permille, pm, sizeof pm);
	static const char *const flags[] = { "none", "flagged", "overturned" };
	json_t *results = json_array();
	for (int i = 0; i < t->nresults; i++) {
		const struct sob_result *res = &t->results[i];
		json_array_append_new(results,
				      json_pack("{s:s, s:s, s:b, s:b, s:o}", "class", res->class_key, "result", res->result,
						"prescribed", res->prescribed,
						"expected", !strcmp(res->result, "positive") && res->prescribed, "lab",
						res->lab[0] ? json_string(res->lab) : json_null()));
	}
	json_t *j = json_pack("{s:I, s:I, s:o, s:s, s:s, s:I, s:s, s:I, s:o, s:s, s:o, s:b, s:s}", "id",
			      (json_int_t)t->id, "person_id", (json_int_t)t->person_id, "enrolment_id",
			      id_or_null(t->enrolment_id), "kind", t->kind, "outcome", t->outcome, "taken_at",
			      (json_int_t)t->taken_at, "date", day, "taken_by", (json_int_t)t->taken_by, "permille",
			      t->permille >= 0 ? json_string(pm) : json_null(), "device", t->device, "sample",
			      t->sample[0] ? json_string(t->sample) : json_null(), "observed", t->observed, "note", t->note);
	json_object_set_new(j, "lab_sent_on", t->lab_sent_on != DATE_NONE ? json_string(sent) : json_null());
	json_object_set_new(j, "lab_result", t->lab_result[0] ? json_string(t->lab_result) : json_null());
	json_object_set_new(j, "flag", json_string(flags[t->flag >= 0 && t->flag <= 2 ? t->flag : 0]));
	json_object_set_new(j, "flagged", json_boolean(t->flag == 1));
	json_object_set_new(j, "recorded_at", json_integer((json_int_t)t->recorded_at));
	json_object_set_new(j, "recorded_by", json_integer((json_int_t)t->recorded_by));
	json_object_set_new(j, "results", results);
	return j;
}

void api_tests_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct sob_test *tests = NULL;
	size_t n = 0;
	int rc = sobriety_list(r->site->ac, &a, r->org_id, r->id, &tests, &n);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, test_json(&tests[i]));
	free(tests);
	resp_json(r, 200, json_pack("{s:o}", "tests", arr));
}

void api_test_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct sob_test *t = xcalloc(1, sizeof *t);
	int rc = sobriety_get(r->site->ac, &a, r->org_id, r->id, t);
	if (rc)
		answer_error(r, rc, NULL);
	else
		resp_json(r, 200, test_json(t));
	free(t);
}

/* An id field as text for the service (absent or null: ""); false after 400. */
static bool id_text_or_400(struct req *r, const char *key, char buf[24], const char **out)
{
	json_t *v = json_object_get(r->json, key);
	*out = "";
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v)) {
		resp_error(r, 400, "bad_type", N_("This field must be a whole number."), key);
		return false;
	}
	snprintf(buf, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	*out = buf;
	return true;
}

/* {"class": "result", …} into an array (pointers into the body); false after 400. */
static bool results_or_400(struct req *r, const char *key, struct sob_result_in **out, size_t *n)
{
	json_t *obj = json_object_get(r->json, key);
	*out = NULL;
	*n = 0;
	if (!obj || json_is_null(obj))
		return true;
	if (!json_is_object(obj)) {
		resp_error(r, 400, "bad_type", N_("This field must be an object of substance classes and results."), key);
		return false;
	}
	*out = xcalloc(json_object_size(obj) + 1, sizeof **out);
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		if (!json_is_string(v)) {
			resp_error(r, 400, "bad_type", N_("This field must be an object of substance classes and results."),
				   key);
			free(*out);
			*out = NULL;
			return false;
		}
		(*out)[*n].class_key = k;
		(*out)[*n].result = json_string_value(v);
		(*n)++;
	}
	return true;
}

void api_tests_create(struct req *r)
{
	static const char *const keys[] = { "kind",   "refused",  "date",	  "time",	 "taken_by", "permille",
					    "device", "sample",	  "observed",	  "note",	 "enrolment_id",
					    "results", NULL };
	struct sob_test_in in = { 0 };
	char taken[24], enrol[24], pmbuf[40];
	bool present = false;
	/* Another organisation's person is 404 before any input is looked at. */
	struct person p;
	int prc = store_person_get(r->site->ac->store, r->org_id, r->id, &p);
	if (prc) {
		answer_error(r, prc, NULL);
		return;
	}
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "kind", true, 20, &in.kind) ||
	    !json_bool_or_400(r, "refused", &present, &in.refused) || !json_str_or_400(r, "date", false, 20, &in.date) ||
	    !json_str_or_400(r, "time", false, 20, &in.time) || !id_text_or_400(r, "taken_by", taken, &in.taken_by) ||
	    !json_str_or_400(r, "device", false, STORE_SOB_DEVICE_MAX + 8, &in.device) ||
	    !json_str_or_400(r, "sample", false, 20, &in.sample) ||
	    !json_bool_or_400(r, "observed", &present, &in.observed) ||
	    !json_str_or_400(r, "note", false, STORE_SOB_NOTE_MAX + 8, &in.note) ||
	    !id_text_or_400(r, "enrolment_id", enrol, &in.enrolment))
		return;
	/* Per mille: a number (0.42) or a string ("0.42"). */
	json_t *pm = json_object_get(r->json, "permille");
	if (pm && json_is_number(pm)) {
		snprintf(pmbuf, sizeof pmbuf, "%.10g", json_number_value(pm));
		in.permille = pmbuf;
	} else if (pm && json_is_string(pm)) {
		in.permille = json_string_value(pm);
	} else if (pm && !json_is_null(pm)) {
		resp_error(r, 400, "bad_type", N_("This field must be a number."), "permille");
		return;
	}
	struct sob_result_in *res = NULL;
	if (!results_or_400(r, "results", &res, &in.nresults))
		return;
	in.results = res;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	struct sob_test *t = xcalloc(1, sizeof *t);
	int rc = sobriety_record(r->site->ac, &a, r->org_id, r->id, &in, now_seconds(), t, &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		resp_json(r, 201, test_json(t));
	free(t);
	free(res);
}

void api_test_lab(struct req *r)
{
	static const char *const keys[] = { "sent_on", "result", "results", NULL };
	struct sob_lab_in in = { 0 };
	struct sob_test *t = xcalloc(1, sizeof *t);
	int rc = store_sob_test_get(r->site->ac->store, r->org_id, r->id, t);
	if (rc) {
		answer_error(r, rc, NULL);
		free(t);
		return;
	}
	free(t);
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "sent_on", false, 20, &in.sent_on) ||
	    !json_str_or_400(r, "result", false, 20, &in.overall))
		return;
	struct sob_result_in *res = NULL;
	if (!results_or_400(r, "results", &res, &in.nresults))
		return;
	in.results = res;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	t = xcalloc(1, sizeof *t);
	rc = sobriety_lab(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), t, &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		resp_json(r, 200, test_json(t));
	free(t);
	free(res);
}
