/* persons.c: the API's person records — create (with duplicate checks), search, read,
 * change, and the person's timeline — through the same service as the pages
 * (domain/persons.c). Every read of a person is audited. */
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

json_t *person_json(const struct person *p)
{
	json_t *subst = json_array();
	for (size_t i = 0; i < person_substances_count; i++)
		if (p->substances & person_substances[i].bit)
			json_array_append_new(subst, json_string(person_substances[i].key));
	char nid[24];
	person_nid_display(p, nid, sizeof nid);
	json_t *j = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:s, s:I, s:I}",
			      "id", (json_int_t)p->id, "given_name", p->given_name, "family_name", p->family_name,
			      "birth_date", date_json(p->birth_date), "national_id", p->national_id,
			      "national_id_kind", p->national_id_kind, "phone", p->phone, "email", p->email,
			      "address", p->address, "kin_name", p->kin_name, "kin_relation", p->kin_relation,
			      "kin_phone", p->kin_phone, "substances", subst, "dual_diagnosis", p->dual_diagnosis,
			      "notes", p->notes, "created_at", (json_int_t)p->created_at, "updated_at",
			      (json_int_t)p->updated_at);
	json_object_set_new(j, "national_id_formatted", json_string(nid));
	return j;
}

/* The short form of a list row or a duplicate candidate. */
static json_t *person_brief_json(const struct person *p)
{
	return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)p->id, "given_name", p->given_name, "family_name",
			 p->family_name, "birth_date", date_json(p->birth_date));
}

static const char *const person_keys[] = { "given_name", "family_name", "birth_date", "national_id", "phone",
					   "email",	 "address",	"kin_name",   "kin_relation", "kin_phone",
					   "substances", "dual_diagnosis", "notes",   "confirm_duplicate", NULL };

/* Reads the body into in; answers 400 itself on a wrong type. */
static bool person_input_or_400(struct req *r, struct person_input *in, bool *confirm)
{
	memset(in, 0, sizeof *in);
	/* Generous limits here: the service checks the real ones with a message per field. */
	if (!json_keys_or_400(r, person_keys) || !json_str_or_400(r, "given_name", false, 4000, &in->given_name) ||
	    !json_str_or_400(r, "family_name", false, 4000, &in->family_name) ||
	    !json_str_or_400(r, "birth_date", false, 100, &in->birth_date) ||
	    !json_str_or_400(r, "national_id", false, 100, &in->national_id) ||
	    !json_str_or_400(r, "phone", false, 1000, &in->phone) ||
	    !json_str_or_400(r, "email", false, 1000, &in->email) ||
	    !json_str_or_400(r, "address", false, 4000, &in->address) ||
	    !json_str_or_400(r, "kin_name", false, 4000, &in->kin_name) ||
	    !json_str_or_400(r, "kin_relation", false, 4000, &in->kin_relation) ||
	    !json_str_or_400(r, "kin_phone", false, 1000, &in->kin_phone) ||
	    !json_str_or_400(r, "notes", false, 8000, &in->notes) ||
	    !json_bool_or_400(r, "dual_diagnosis", &in->has_dual_diagnosis, &in->dual_diagnosis))
		return false;
	bool has_confirm = false, c = false;
	if (!json_bool_or_400(r, "confirm_duplicate", &has_confirm, &c))
		return false;
	if (confirm)
		*confirm = has_confirm && c;
	json_t *s = json_object_get(r->json, "substances");
	if (s && !json_is_null(s)) {
		if (!json_is_array(s)) {
			resp_error(r, 400, "bad_type", N_("This field must be a list of substance keys."), "substances");
			return false;
		}
		size_t i;
		json_t *v;
		json_array_foreach(s, i, v)
		{
			unsigned bit = json_is_string(v) ? person_substance_parse(json_string_value(v)) : 0;
			if (!bit) {
				resp_error(r, 422, "validation_failed", N_("Choose substances from the list."),
					   "substances");
				return false;
			}
			in->substances |= bit;
		}
		in->has_substances = true;
	}
	return true;
}

/* Answers a refused create or update: 422 per field, 409 for duplicates (with the
 * candidates' ids), else the store's status. */
static void person_error_answer(struct req *r, int rc, const struct person_errors *errs, const struct person *dups,
				size_t ndups)
{
	if (rc == ACC_INVALID) {
		if (errs->n <= 1) {
			resp_error(r, 422, "validation_failed",
				   errs->n ? errs->e[0].message : N_("Some of the values are not valid."),
				   errs->n ? errs->e[0].field : NULL);
			return;
		}
		/* The one error shape, plus every field's message for a client that shows all. */
		json_t *list = json_array();
		for (size_t i = 0; i < errs->n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->e[i].field, "message",
							      T(r, errs->e[i].message)));
		resp_json(r, 422,
			  json_pack("{s:{s:s, s:s, s:s, s:o}}", "error", "code", "validation_failed", "message",
				    T(r, errs->e[0].message), "field", errs->e[0].field, "fields", list));
		return;
	}
	if (rc == PERSONS_DUP_ID || rc == PERSONS_DUP_NAME) {
		json_t *ids = json_array(), *cands = json_array();
		for (size_t i = 0; i < ndups; i++) {
			json_array_append_new(ids, json_integer(dups[i].id));
			json_array_append_new(cands, person_brief_json(&dups[i]));
		}
		const char *msg = rc == PERSONS_DUP_ID
					  ? N_("A person with this identity number is already registered.")
					  : N_("A person with the same name and date of birth is already registered. Send "
					       "\"confirm_duplicate\": true to register another person anyway.");
		json_t *j = json_pack("{s:{s:s, s:s, s:s?}, s:o, s:o}", "error", "code", "conflict", "message", T(r, msg),
				      "field", rc == PERSONS_DUP_ID ? "national_id" : NULL, "duplicate_ids", ids,
				      "duplicates", cands);
		resp_json(r, 409, j);
		return;
	}
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 404, "not_found", N_("No such person in this organisation."), NULL);
		return;
	}
	resp_store_error(r, rc);
}

void api_persons_create(struct req *r)
{
	struct person_input in;
	bool confirm = false;
	if (!person_input_or_400(r, &in, &confirm))
		return;
	struct actor a;
	req_actor(r, &a);
	struct person_errors errs = { 0 };
	struct person p, *dups = NULL;
	size_t ndups = 0;
	int rc = persons_create(r->site->ac, &a, r->org_id, &in, confirm, date_today_cet(), &p, &errs, &dups, &ndups);
	if (rc) {
		person_error_answer(r, rc, &errs, dups, ndups);
		free(dups);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "person", person_json(&p)));
}

void api_persons_list(struct req *r)
{
	int64_t limit, offset;
	if (!query_int_or_400(r, "limit", 1, 200, 50, &limit) || !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset))
		return;
	const char *q = query_get(r, "q"), *sort = query_get(r, "sort");
	struct person_query pq = { .limit = (int)limit, .offset = (int)offset };
	if (q && !copy_str(pq.search, sizeof pq.search, q)) {
		resp_error(r, 400, "bad_request", N_("The search text is too long."), "q");
		return;
	}
	if (sort && *sort && strcmp(sort, "name") && strcmp(sort, "created")) {
		resp_error(r, 400, "bad_request", N_("Sort by \"name\" or \"created\"."), "sort");
		return;
	}
	pq.sort = sort && !strcmp(sort, "created") ? STORE_PERSON_BY_CREATED : STORE_PERSON_BY_NAME;
	struct person *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_person_list(r->site->ac->store, r->org_id, &pq, &rows, &n, &total);
	if (rc) {
		free(rows);
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		ids[i] = rows[i].id;
		json_array_append_new(list, person_brief_json(&rows[i]));
	}
	persons_audit_listed(r->site->ac, &a, r->org_id, ids, n, "api");
	free(ids);
	free(rows);
	resp_json(r, 200,
		  json_pack("{s:o, s:I, s:I, s:I}", "persons", list, "total", (json_int_t)total, "limit",
			    (json_int_t)limit, "offset", (json_int_t)offset));
}

void api_person_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "api", &p);
	if (rc) {
		person_error_answer(r, rc, NULL, NULL, 0);
		return;
	}
	json_t *j = json_pack("{s:o}", "person", person_json(&p));
	struct enrolment_query q = { .person_id = p.id, .phase = -1, .recent_from = DATE_NONE,
				     .sort = STORE_ENROL_BY_STARTED, .limit = 100 };
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	if (store_enrolment_list(r->site->ac->store, r->org_id, &q, &rows, &n, NULL) == STORE_OK) {
		json_t *list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, enrolment_json(&rows[i].e, NULL));
		json_object_set_new(j, "enrolments", list);
	}
	free(rows);
	resp_json(r, 200, j);
}

void api_person_patch(struct req *r)
{
	struct person_input in;
	if (!person_input_or_400(r, &in, NULL))
		return;
	if (json_object_get(r->json, "confirm_duplicate")) {
		resp_error(r, 400, "unknown_field", N_("This field is only for creating a person."), "confirm_duplicate");
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct person_errors errs = { 0 };
	struct person p, *dups = NULL;
	size_t ndups = 0;
	int rc = persons_update(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &p, &errs, &dups, &ndups);
	if (rc) {
		person_error_answer(r, rc, &errs, dups, ndups);
		free(dups);
		return;
	}
	resp_json(r, 200, json_pack("{s:o}", "person", person_json(&p)));
}

json_t *timeline_item_json(const struct timeline_item *it)
{
	json_t *j = json_pack("{s:o, s:s, s:s, s:I, s:I, s:s, s:s, s:I}", "date", date_json(it->day), "type", it->type,
			      "kind", it->kind, "ref_id", (json_int_t)it->ref_id, "programme_id",
			      (json_int_t)it->programme_id, "programme", it->programme, "text", it->text, "by_user",
			      (json_int_t)it->by_user);
	if (!strcmp(it->type, "enrolment")) {
		json_object_set_new(j, "from_phase", json_string(it->from_phase));
		json_object_set_new(j, "to_phase", json_string(it->to_phase));
	}
	if (!strcmp(it->type, "attendance"))
		json_object_set_new(j, "minutes", json_integer(it->minutes));
	if (!strcmp(it->type, "step")) {
		json_object_set_new(j, "step", json_integer(it->number));
		json_object_set_new(j, "from_status", json_string(it->from_status));
		json_object_set_new(j, "to_status", json_string(it->kind));
	}
	if (!strcmp(it->type, "plan"))
		json_object_set_new(j, "version", json_integer(it->number));
	if (!strcmp(it->type, "note")) {
		json_object_set_new(j, "note_id", json_integer(it->ref_id));
		json_object_set_new(j, "signed", json_boolean(it->is_signed));
	}
	if (!strcmp(it->type, "relapse")) /* issue 6: the relapse's id and status; never free text */
		json_object_set_new(j, "relapse_id", json_integer(it->ref_id));
	return j;
}

void api_person_timeline(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "api timeline", &p);
	if (rc) {
		person_error_answer(r, rc, NULL, NULL, 0);
		return;
	}
	const char *show_type = NULL;
	if (timeline_show_parse(query_get(r, "show"), &show_type) != 0) {
		resp_error(r, 400, "bad_request",
			   N_("Choose what the timeline shows: all, referrals, phases, attendance, steps, plan or notes."),
			   "show");
		return;
	}
	struct timeline_item *items = NULL;
	size_t n = 0;
	rc = enrolments_timeline(r->site->ac, r->org_id, p.id, &items, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	timeline_filter(items, &n, show_type);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, timeline_item_json(&items[i]));
	free(items);
	resp_json(r, 200, json_pack("{s:I, s:o}", "person_id", (json_int_t)p.id, "timeline", list));
}
