/* rosters.c: the API of the day roster — GET and PUT /api/v1/groups/{id}/roster — and of
 * one enrolment's progress, with the same rules as the pages (domain/rosters.h). */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/rosters.h"
#include "web/web.h"

static json_t *date_json(int32_t day)
{
	if (day == DATE_NONE)
		return json_null();
	char d[11];
	date_format(day, d);
	return json_string(d);
}

static json_t *hours_json(int minutes)
{
	return json_real(minutes / 60.0);
}

static json_t *roster_json(const struct roster_view *v)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < v->n; i++) {
		const struct roster_line *l = &v->lines[i];
		json_array_append_new(
			rows, json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:o, s:s}", "enrolment_id",
					(json_int_t)l->enrolment_id, "person_id", (json_int_t)l->person_id, "given_name",
					l->given_name, "family_name", l->family_name, "enrolment_status",
					l->enrolment_status, "member", l->member, "recorded", l->recorded, "attended",
					l->recorded && l->a.attended, "hours",
					l->recorded ? hours_json(l->a.minutes) : json_null(), "note",
					l->recorded ? l->a.note : ""));
	}
	return json_pack("{s:{s:I, s:s, s:I, s:s}, s:o, s:o, s:o, s:o}", "group", "id", (json_int_t)v->g.id, "name",
			 v->g.name, "programme_id", (json_int_t)v->g.programme_id, "phase_key", v->g.phase_key, "date",
			 date_json(v->day), "session_id", v->has_session ? json_integer(v->se.id) : json_null(),
			 "default_hours", hours_json(v->default_minutes), "rows", rows);
}

static bool date_query_or_400(struct req *r, int32_t *day)
{
	const char *d = query_get(r, "date");
	if (!d || !*d) {
		*day = date_today_cet();
		return true;
	}
	if (date_parse(d, day) != 0) {
		resp_error(r, 400, "bad_request", N_("Enter the date as YYYY-MM-DD."), "date");
		return false;
	}
	return true;
}

static void not_found_or(struct req *r, int rc, const char *msg)
{
	if (rc == STORE_NOTFOUND)
		resp_error(r, 404, "not_found", msg, NULL);
	else
		resp_store_error(r, rc);
}

void api_roster_get(struct req *r)
{
	int32_t day;
	if (!date_query_or_400(r, &day))
		return;
	struct actor a;
	req_actor(r, &a);
	struct roster_view v;
	int rc = rosters_load(r->site->ac, &a, r->org_id, r->id, day, "roster api", &v);
	if (rc != STORE_OK) {
		not_found_or(r, rc, N_("No such group in this organisation."));
		return;
	}
	resp_json(r, 200, roster_json(&v));
	roster_view_release(&v);
}

/* hours: a JSON number 0..24 in steps of 0.5 → minutes; -1 if not. */
static int json_hours(json_t *h)
{
	if (!json_is_number(h))
		return -1;
	double v = json_number_value(h);
	if (!(v >= 0 && v <= 24))
		return -1;
	double m = v * 60.0;
	int halves = (int)(m / 30.0 + 0.5);
	double diff = m - 30.0 * halves;
	if (diff > 1e-6 || diff < -1e-6)
		return -1;
	return 30 * halves;
}

void api_roster_put(struct req *r)
{
	static const char *const keys[] = { "date", "rows", NULL };
	const char *date;
	struct group g;
	int grc = store_group_get(r->site->ac->store, r->org_id, r->id, &g);
	if (grc != STORE_OK) {
		not_found_or(r, grc, N_("No such group in this organisation."));
		return;
	}
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "date", true, 20, &date))
		return;
	int32_t day;
	if (date_parse(date, &day) != 0) {
		resp_error(r, 422, "validation_failed", N_("Enter the date as YYYY-MM-DD."), "date");
		return;
	}
	json_t *rows = json_object_get(r->json, "rows");
	if (!json_is_array(rows)) {
		resp_error(r, 400, "bad_request", N_("rows must be a list of {enrolment_id, attended, hours, note}."),
			   "rows");
		return;
	}
	size_t n = json_array_size(rows);
	if (n > 1000) {
		resp_error(r, 400, "bad_request", N_("At most 1000 rows in one roster."), "rows");
		return;
	}
	struct roster_input *in = xcalloc(n ? n : 1, sizeof *in);
	char field[48];
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array_get(rows, i);
		const char *bad = NULL, *msg = N_("Some of the values are not valid.");
		int status = 400;
		if (!json_is_object(row)) {
			bad = "";
		} else {
			const char *k;
			json_t *val;
			json_object_foreach(row, k, val)
			{
				if (strcmp(k, "enrolment_id") && strcmp(k, "attended") && strcmp(k, "hours") &&
				    strcmp(k, "note")) {
					bad = "";
					msg = N_("Unknown field in a roster row.");
				}
			}
			json_t *id = json_object_get(row, "enrolment_id"), *att = json_object_get(row, "attended"),
			       *h = json_object_get(row, "hours"), *note = json_object_get(row, "note");
			if (!bad && (!json_is_integer(id) || json_integer_value(id) <= 0)) {
				bad = ".enrolment_id";
			} else if (!bad && att && !json_is_boolean(att)) {
				bad = ".attended";
			} else if (!bad && note && !json_is_null(note) && !json_is_string(note)) {
				bad = ".note";
			}
			if (!bad) {
				in[i].enrolment_id = json_integer_value(id);
				in[i].attended = att && json_is_true(att);
				in[i].note = json_is_string(note) ? json_string_value(note) : "";
				if (h && !json_is_null(h)) {
					in[i].minutes = json_hours(h);
					if (in[i].minutes < 0) {
						bad = ".hours";
						status = 422;
						msg = N_("Enter the hours as a number from 0 to 24, in steps of half an hour (for example 4.5).");
					}
				} else {
					in[i].minutes = -1; /* the default, below */
				}
			}
		}
		if (bad) {
			snprintf(field, sizeof field, "rows[%zu]%s", i, bad);
			free(in);
			resp_error(r, status, status == 422 ? "validation_failed" : "bad_request", msg, field);
			return;
		}
	}
	struct actor a;
	req_actor(r, &a);
	/* Default hours: the roster's, for attended rows without hours. */
	bool need_default = false;
	for (size_t i = 0; i < n; i++)
		need_default = need_default || in[i].minutes < 0;
	if (need_default) {
		struct roster_view v;
		int rc = rosters_load(r->site->ac, &a, r->org_id, r->id, day, "roster api", &v);
		if (rc != STORE_OK) {
			free(in);
			not_found_or(r, rc, N_("No such group in this organisation."));
			return;
		}
		for (size_t i = 0; i < n; i++)
			if (in[i].minutes < 0)
				in[i].minutes = in[i].attended ? v.default_minutes : 0;
		roster_view_release(&v);
	}
	struct field_error fe = { 0 };
	int bad = -1;
	size_t nch = 0;
	int rc = rosters_save(r->site->ac, &a, r->org_id, r->id, day, date_today_cet(), in, n, &fe, &bad, &nch);
	free(in);
	if (rc == ACC_INVALID) {
		if (bad >= 0)
			snprintf(field, sizeof field, "rows[%d].%s", bad, fe.field ? fe.field : "");
		else
			snprintf(field, sizeof field, "%s", fe.field ? fe.field : "date");
		resp_error(r, 422, "validation_failed", fe.message, field);
		return;
	}
	if (rc != 0) {
		not_found_or(r, rc, N_("No such group in this organisation."));
		return;
	}
	struct roster_view v;
	rc = rosters_load(r->site->ac, &a, r->org_id, r->id, day, "roster api", &v);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	json_t *j = roster_json(&v);
	json_object_set_new(j, "changed", json_integer((json_int_t)nch));
	resp_json(r, 200, j);
	roster_view_release(&v);
}

json_t *progress_json(const struct progress *pr)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:i, s:s, s:o, s:o, s:i, s:o}", "enrolment_id",
			      (json_int_t)pr->e.id, "person_id", (json_int_t)pr->e.person_id, "programme_id",
			      (json_int_t)pr->e.programme_id, "status", pr->e.status, "phase", pr->e.phase, "phase_key",
			      pr->phase ? pr->phase->key : "", "phase_since", date_json(pr->e.phase_since), "as_of",
			      date_json(pr->today), "attended_in_phase", pr->attended_in_phase, "last_attended",
			      date_json(pr->last_attended));
	if (pr->kind == PROGRESS_DAY_TREATMENT) {
		const struct day_treatment_progress *d = &pr->dt;
		json_object_set_new(j, "kind", json_string("day_treatment"));
		json_object_set_new(
			j, "day_treatment",
			json_pack("{s:i, s:i, s:i, s:o, s:o, s:i, s:i, s:f, s:f, s:i, s:b, s:o, s:o}", "attended",
				  d->attended, "target", d->target, "percent", d->percent, "reached_on",
				  date_json(d->reached_on), "window_from", date_json(d->window_from), "window_open_days",
				  d->window_open_days, "window_attended", d->window_attended, "expected_min",
				  d->expected_min, "pace_per_week", d->pace_per_week, "min_days_per_week",
				  pr->phase->min_days_per_week, "below_minimum", d->below_minimum, "projected_end",
				  date_json(d->projected_end), "minimum_pace_end", date_json(d->minimum_pace_end)));
	} else if (pr->kind == PROGRESS_AFTERCARE) {
		const struct aftercare_progress *ac = &pr->ac;
		json_object_set_new(j, "kind", json_string("aftercare"));
		json_object_set_new(j, "aftercare",
				    json_pack("{s:i, s:i, s:i, s:o, s:o, s:i, s:b, s:b}", "weeks_attended",
					      ac->weeks_attended, "weeks_elapsed", ac->weeks_elapsed, "months_in",
					      ac->months_in, "earliest_end", date_json(ac->earliest_end), "latest_end",
					      date_json(ac->latest_end), "months_to_latest", ac->months_to_latest,
					      "may_end", ac->may_end, "past_latest", ac->past_latest));
	} else {
		json_object_set_new(j, "kind", json_string("none"));
	}
	return j;
}

void api_progress_get(struct req *r)
{
	struct progress pr;
	int rc = rosters_progress(r->site->ac, r->org_id, r->id, date_today_cet(), &pr);
	if (rc != STORE_OK) {
		not_found_or(r, rc, N_("No such enrolment in this organisation."));
		return;
	}
	struct actor a;
	req_actor(r, &a);
	rosters_audit(r->site->ac, &a, r->org_id, "person.read", "person", pr.e.person_id, "progress api");
	resp_json(r, 200, json_pack("{s:o}", "progress", progress_json(&pr)));
}
