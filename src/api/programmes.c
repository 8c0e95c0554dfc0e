/* programmes.c: the API of programmes, their phases and closed dates — the same rules as
 * the pages, through the intake service (domain/intake.h). Also the small helpers the
 * other intake API files share (api.h). */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/intake.h"
#include "domain/programme.h"

/* ---- shared helpers ---- */

void intake_answer(struct req *r, int rc, const struct intake_errors *errs)
{
	if (rc == ACC_INVALID) {
		const char *msg = errs && errs->n ? errs->e[0].message : N_("Some of the values are not valid.");
		resp_error(r, 422, "validation_failed", msg, errs && errs->n ? errs->e[0].field : NULL);
		return;
	}
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 404, "not_found", N_("Not found in this organisation."), NULL);
		return;
	}
	if (rc == STORE_FULL) {
		resp_error(r, 409, "conflict", N_("The group is full."), NULL);
		return;
	}
	if (rc == STORE_CONFLICT) {
		resp_error(r, 409, "conflict", N_("Somebody changed this meanwhile, or it has been done already."), NULL);
		return;
	}
	resp_store_error(r, rc);
}

bool json_int_or_400(struct req *r, const char *key, int64_t min, int64_t max, bool *present, int64_t *out)
{
	json_t *v = json_object_get(r->json, key);
	*present = false;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v)) {
		resp_error(r, 400, "bad_type", N_("This field must be a whole number."), key);
		return false;
	}
	json_int_t x = json_integer_value(v);
	if (x < min || x > max) {
		resp_error(r, 422, "validation_failed", N_("This number is out of range."), key);
		return false;
	}
	*present = true;
	*out = x;
	return true;
}

json_t *json_date(int32_t day)
{
	if (day == DATE_NONE)
		return json_null();
	char d[11];
	date_format(day, d);
	return json_string(d);
}

void api_actor(struct req *r, struct actor *a)
{
	req_actor(r, a);
	a->org_id = r->org_id;
}

/* ---- programmes ---- */

json_t *programme_json(const struct programme *p)
{
	json_t *phases = json_array();
	for (int i = 0; i < p->nphases; i++) {
		const struct programme_phase *ph = &p->phases[i];
		json_array_append_new(
			phases,
			json_pack("{s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "index", i, "key", ph->key,
				  "label", ph->label, "target_days", ph->target_days, "min_days_per_week",
				  ph->min_days_per_week, "min_hours_per_day", ph->min_hours_per_day, "max_hours_per_day",
				  ph->max_hours_per_day, "min_months", ph->min_months, "max_months", ph->max_months,
				  "sessions_per_week", ph->sessions_per_week, "session_minutes", ph->session_minutes));
	}
	return json_pack("{s:I, s:s, s:s, s:i, s:b, s:o, s:I, s:I}", "id", (json_int_t)p->id, "name", p->name,
			 "template", p->template_key, "min_steps", p->min_steps, "active", p->active, "phases", phases,
			 "created_at", (json_int_t)p->created_at, "updated_at", (json_int_t)p->updated_at);
}

void api_programmes_list(struct req *r)
{
	int64_t inactive;
	if (!query_int_or_400(r, "include_inactive", 0, 1, 0, &inactive))
		return;
	struct programme *ps = NULL;
	size_t n = 0;
	int rc = store_programme_list(r->site->ac->store, r->org_id, inactive != 0, &ps, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, programme_json(&ps[i]));
	free(ps);
	json_t *templates = json_array();
	for (int i = 0; i < programme_template_count(); i++)
		json_array_append_new(templates, json_pack("{s:s, s:s}", "key", programme_template_at(i)->key, "label",
							   T(r, programme_template_at(i)->label)));
	resp_json(r, 200, json_pack("{s:o, s:o}", "programmes", list, "templates", templates));
}

void api_programmes_create(struct req *r)
{
	static const char *const keys[] = { "template", "name", NULL };
	const char *tmpl, *name;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "template", true, 100, &tmpl) ||
	    !json_str_or_400(r, "name", true, 1000, &name))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	struct programme p;
	int rc = intake_programme_create(r->site->ac, &a, tmpl, name, &p, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "programme", programme_json(&p)));
}

static bool load_programme(struct req *r, struct programme *p)
{
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, p);
	if (rc) {
		intake_answer(r, rc, NULL);
		return false;
	}
	return true;
}

void api_programme_get(struct req *r)
{
	struct programme p;
	if (!load_programme(r, &p))
		return;
	resp_json(r, 200, json_pack("{s:o}", "programme", programme_json(&p)));
}

static const char *const phase_num_keys[8] = { "target_days",	"min_days_per_week", "min_hours_per_day",
					       "max_hours_per_day", "min_months",	"max_months",
					       "sessions_per_week", "session_minutes" };

static int *phase_num(struct programme_phase *ph, int k)
{
	switch (k) {
	case 0: return &ph->target_days;
	case 1: return &ph->min_days_per_week;
	case 2: return &ph->min_hours_per_day;
	case 3: return &ph->max_hours_per_day;
	case 4: return &ph->min_months;
	case 5: return &ph->max_months;
	case 6: return &ph->sessions_per_week;
	default: return &ph->session_minutes;
	}
}

void api_programme_patch(struct req *r)
{
	static const char *const keys[] = { "name", "min_steps", "active", "phases", NULL };
	const char *name;
	bool has_steps, has_active, active = false;
	int64_t steps = 0;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "name", false, 1000, &name) ||
	    !json_int_or_400(r, "min_steps", -1000000, 1000000, &has_steps, &steps) ||
	    !json_bool_or_400(r, "active", &has_active, &active))
		return;
	struct programme p;
	if (!load_programme(r, &p))
		return;
	if (name)
		copy_str(p.name, sizeof p.name, name);
	if (has_steps)
		p.min_steps = (int)steps;
	if (has_active)
		p.active = active;
	json_t *phases = json_object_get(r->json, "phases");
	if (phases && !json_is_null(phases)) {
		if (!json_is_array(phases) || json_array_size(phases) != (size_t)p.nphases) {
			resp_error(r, 400, "bad_type", N_("phases must be a list with one object for each phase, in order."),
				   "phases");
			return;
		}
		for (int i = 0; i < p.nphases; i++) {
			json_t *o = json_array_get(phases, (size_t)i);
			if (!json_is_object(o)) {
				resp_error(r, 400, "bad_type", N_("Each phase must be an object."), "phases");
				return;
			}
			const char *k;
			json_t *v;
			json_object_foreach(o, k, v) {
				if (strcmp(k, "label") == 0) {
					if (!json_is_string(v) || json_string_length(v) >= sizeof p.phases[i].label ||
					    json_string_length(v) != strlen(json_string_value(v))) {
						resp_error(r, 422, "validation_failed",
							   N_("Each phase needs a name of at most 100 bytes."),
							   intake_phase_field(i, 0));
						return;
					}
					copy_str(p.phases[i].label, sizeof p.phases[i].label, json_string_value(v));
					continue;
				}
				if (strcmp(k, "key") == 0 || strcmp(k, "index") == 0)
					continue; /* identifies the phase; not editable */
				int found = -1;
				for (int n = 0; n < 8; n++)
					if (strcmp(k, phase_num_keys[n]) == 0)
						found = n;
				if (found < 0) {
					resp_error(r, 400, "unknown_field", N_("This field is not known."), k);
					return;
				}
				if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
				    json_integer_value(v) > 1000000) {
					resp_error(r, 400, "bad_type", N_("This field must be a whole number."),
						   intake_phase_field(i, found + 1));
					return;
				}
				*phase_num(&p.phases[i], found) = (int)json_integer_value(v);
			}
		}
	}
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_programme_update(r->site->ac, &a, &p, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	if (!load_programme(r, &p))
		return;
	resp_json(r, 200, json_pack("{s:o}", "programme", programme_json(&p)));
}

void api_closed_dates_list(struct req *r)
{
	struct programme p;
	if (!load_programme(r, &p))
		return;
	struct closed_date *ds = NULL;
	size_t n = 0;
	int rc = store_closed_date_list(r->site->ac->store, r->org_id, p.id, DATE_NONE, DATE_NONE, &ds, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:o, s:s}", "day", json_date(ds[i].day), "label", ds[i].label));
	free(ds);
	resp_json(r, 200, json_pack("{s:o}", "closed_dates", list));
}

void api_closed_dates_add(struct req *r)
{
	static const char *const keys[] = { "day", "label", NULL };
	const char *day, *label;
	struct programme p;
	if (!load_programme(r, &p))
		return;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "day", true, 20, &day) ||
	    !json_str_or_400(r, "label", false, 1000, &label))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_closed_date_add(r->site->ac, &a, r->id, day, label ? label : "", &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_closed_dates_list(r);
	r->status = 201;
}

/* DELETE …/closed-dates?day=YYYY-MM-DD */
void api_closed_dates_remove(struct req *r)
{
	const char *day = query_get(r, "day");
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	struct programme p;
	if (!load_programme(r, &p))
		return;
	int rc = intake_closed_date_remove(r->site->ac, &a, r->id, day, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_closed_dates_list(r);
}
