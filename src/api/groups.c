/* groups.c: the API of groups (cohorts) of a programme, their members and waiting list —
 * the same rules as the pages, through the intake service. Member and waiting-list rows
 * show people, so every such read writes a "person.read" audit entry. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/intake.h"

static json_t *time_json(int min, bool set)
{
	if (!set)
		return json_null();
	char t[8];
	snprintf(t, sizeof t, "%02d:%02d", (min / 60) % 100, min % 60);
	return json_string(t);
}

json_t *group_json(const struct group *g)
{
	json_t *days = json_array();
	for (int d = 0; d < 7; d++)
		if (g->weekdays & (1 << d))
			json_array_append_new(days, json_integer(d + 1));
	bool timed = !(g->start_min == 0 && g->end_min == 0);
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:i, s:b, s:i, s:i, s:I, s:I}", "id",
			 (json_int_t)g->id, "programme_id", (json_int_t)g->programme_id, "name", g->name, "phase_key",
			 g->phase_key, "weekdays", days, "start", time_json(g->start_min, timed), "end",
			 time_json(g->end_min, timed), "place", g->place, "capacity", g->capacity, "active", g->active,
			 "members", g->members, "waiting", g->waiting, "created_at", (json_int_t)g->created_at,
			 "updated_at", (json_int_t)g->updated_at);
}

/* Reads the group fields of the JSON body into g (absent fields keep g's values).
 * Answers 400/422 itself and returns false on bad input. */
static bool group_from_json(struct req *r, struct group *g)
{
	static const char *const keys[] = { "name", "phase_key", "weekdays", "start", "end", "place", "capacity",
					    "active", NULL };
	const char *name, *phase, *start, *end, *place;
	bool has_cap, has_active, active = false;
	int64_t cap = 0;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "name", false, 1000, &name) ||
	    !json_str_or_400(r, "phase_key", false, STORE_KEY_MAX - 1, &phase) ||
	    !json_str_or_400(r, "start", false, 10, &start) || !json_str_or_400(r, "end", false, 10, &end) ||
	    !json_str_or_400(r, "place", false, 1000, &place) ||
	    !json_int_or_400(r, "capacity", -1000000, 1000000, &has_cap, &cap) ||
	    !json_bool_or_400(r, "active", &has_active, &active))
		return false;
	if (name)
		copy_str(g->name, sizeof g->name, name);
	if (phase)
		copy_str(g->phase_key, sizeof g->phase_key, phase);
	if (place)
		copy_str(g->place, sizeof g->place, place);
	if (has_cap)
		g->capacity = (int)cap;
	if (has_active)
		g->active = active;
	json_t *days = json_object_get(r->json, "weekdays");
	if (days && !json_is_null(days)) {
		if (!json_is_array(days)) {
			resp_error(r, 400, "bad_type", N_("weekdays must be a list of numbers 1 (Monday) to 7 (Sunday)."),
				   "weekdays");
			return false;
		}
		int mask = 0;
		size_t i;
		json_t *v;
		json_array_foreach(days, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 7) {
				resp_error(r, 422, "validation_failed",
					   N_("weekdays must be a list of numbers 1 (Monday) to 7 (Sunday)."), "weekdays");
				return false;
			}
			mask |= 1 << (json_integer_value(v) - 1);
		}
		g->weekdays = mask;
	}
	if (start || end) {
		int s = start && *start ? intake_parse_time(start, false) : 0;
		int e = end && *end ? intake_parse_time(end, true) : 0;
		if (s < 0) {
			resp_error(r, 422, "validation_failed", N_("Enter a start time as HH:MM, like 09:00."), "start");
			return false;
		}
		if (e < 0) {
			resp_error(r, 422, "validation_failed", N_("Enter an end time as HH:MM, like 11:00."), "end");
			return false;
		}
		g->start_min = s;
		g->end_min = e;
	}
	return true;
}

void api_groups_list(struct req *r)
{
	struct programme p;
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		intake_answer(r, rc, NULL);
		return;
	}
	struct group *gs = NULL;
	size_t n = 0;
	if ((rc = store_group_list(r->site->ac->store, r->org_id, p.id, true, &gs, &n)) != 0) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, group_json(&gs[i]));
	free(gs);
	resp_json(r, 200, json_pack("{s:o}", "groups", list));
}

void api_groups_create(struct req *r)
{
	struct programme p;
	int rc0 = store_programme_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc0) {
		intake_answer(r, rc0, NULL);
		return;
	}
	struct group g;
	memset(&g, 0, sizeof g);
	g.active = true;
	if (!group_from_json(r, &g))
		return;
	if (!json_object_get(r->json, "name")) {
		resp_error(r, 422, "validation_failed", N_("Enter a name."), "name");
		return;
	}
	g.programme_id = r->id;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_group_create(r->site->ac, &a, &g, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	store_group_get(r->site->ac->store, r->org_id, g.id, &g);
	resp_json(r, 201, json_pack("{s:o}", "group", group_json(&g)));
}

/* Members and waiting list of group g as JSON, auditing each person shown. */
static json_t *members_json(struct req *r, const struct group *g, json_t **waiting_out)
{
	struct actor a;
	api_actor(r, &a);
	struct group_member *ms = NULL;
	size_t n = 0;
	json_t *members = json_array();
	if (store_group_member_list(r->site->ac->store, r->org_id, g->id, DATE_NONE, &ms, &n) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(
				members, json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)ms[i].id,
						   "enrolment_id", (json_int_t)ms[i].enrolment_id, "person_id",
						   (json_int_t)ms[i].person_id, "given_name", ms[i].given_name,
						   "family_name", ms[i].family_name, "from", json_date(ms[i].from_day),
						   "to", json_date(ms[i].to_day)));
			intake_audit(r->site->ac, &a, "person.read", "person", ms[i].person_id, "group members");
		}
	}
	free(ms);
	struct group_waiting *ws = NULL;
	json_t *waiting = json_array();
	if (store_waiting_list(r->site->ac->store, r->org_id, g->id, &ws, &n) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(
				waiting, json_pack("{s:I, s:i, s:I, s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)ws[i].id,
						   "position", ws[i].position, "enrolment_id",
						   (json_int_t)ws[i].enrolment_id, "person_id", (json_int_t)ws[i].person_id,
						   "given_name", ws[i].given_name, "family_name", ws[i].family_name, "note",
						   ws[i].note, "created_at", (json_int_t)ws[i].created_at));
			intake_audit(r->site->ac, &a, "person.read", "person", ws[i].person_id, "waiting list");
		}
	}
	free(ws);
	*waiting_out = waiting;
	return members;
}

static bool load_group(struct req *r, struct group *g)
{
	int rc = store_group_get(r->site->ac->store, r->org_id, r->id, g);
	if (rc) {
		intake_answer(r, rc, NULL);
		return false;
	}
	return true;
}

void api_group_get(struct req *r)
{
	struct group g;
	if (!load_group(r, &g))
		return;
	json_t *waiting;
	json_t *members = members_json(r, &g, &waiting);
	resp_json(r, 200, json_pack("{s:o, s:o, s:o}", "group", group_json(&g), "members", members, "waiting", waiting));
}

void api_group_patch(struct req *r)
{
	struct group g;
	if (!load_group(r, &g))
		return;
	if (!group_from_json(r, &g))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_group_update(r->site->ac, &a, &g, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	if (!load_group(r, &g))
		return;
	resp_json(r, 200, json_pack("{s:o}", "group", group_json(&g)));
}

/* A date member: absent or "" → today. */
static bool day_or_400(struct req *r, const char *key, int32_t *out)
{
	const char *s;
	if (!json_str_or_400(r, key, false, 20, &s))
		return false;
	if (!s || !*s) {
		*out = intake_today();
		return true;
	}
	if (date_parse(s, out) != 0) {
		resp_error(r, 422, "validation_failed", N_("Enter a date as YYYY-MM-DD, like 2025-03-31."), key);
		return false;
	}
	return true;
}

void api_group_members_add(struct req *r)
{
	static const char *const keys[] = { "enrolment_id", "from", "waitlist_if_full", NULL };
	bool has_e, has_w, waitlist = false;
	int64_t enrolment_id = 0;
	int32_t from;
	if (!json_keys_or_400(r, keys) || !json_int_or_400(r, "enrolment_id", 1, INT64_MAX, &has_e, &enrolment_id) ||
	    !json_bool_or_400(r, "waitlist_if_full", &has_w, &waitlist) || !day_or_400(r, "from", &from))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	bool waitlisted = false;
	int rc = intake_group_member_add(r->site->ac, &a, r->id, enrolment_id, from, waitlist, &waitlisted, &errs);
	if (rc == STORE_FULL) {
		resp_error(r, 409, "conflict",
			   N_("The group is full. Send waitlist_if_full: true to put the person on the waiting list."),
			   "enrolment_id");
		return;
	}
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	struct group g;
	if (!load_group(r, &g))
		return;
	json_t *waiting;
	json_t *members = members_json(r, &g, &waiting);
	resp_json(r, waitlisted ? 200 : 201,
		  json_pack("{s:b, s:o, s:o, s:o}", "waitlisted", waitlisted, "group", group_json(&g), "members",
			    members, "waiting", waiting));
}

/* DELETE …/members?member_id=N&to=YYYY-MM-DD (to: today if absent). */
void api_group_members_end(struct req *r)
{
	int64_t member_id;
	if (!query_int_or_400(r, "member_id", 1, INT64_MAX, 0, &member_id))
		return;
	const char *to_s = query_get(r, "to");
	int32_t to = intake_today();
	if (to_s && *to_s && date_parse(to_s, &to) != 0) {
		resp_error(r, 422, "validation_failed", N_("Enter a date as YYYY-MM-DD, like 2025-03-31."), "to");
		return;
	}
	struct group g;
	if (!load_group(r, &g))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_group_member_end(r->site->ac, &a, r->id, member_id, to, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_group_get(r);
}

void api_group_waiting_list(struct req *r)
{
	api_group_get(r);
}

void api_group_waiting_add(struct req *r)
{
	static const char *const keys[] = { "enrolment_id", "note", NULL };
	bool has_e;
	int64_t enrolment_id = 0;
	const char *note;
	if (!json_keys_or_400(r, keys) || !json_int_or_400(r, "enrolment_id", 1, INT64_MAX, &has_e, &enrolment_id) ||
	    !json_str_or_400(r, "note", false, 2000, &note))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_waiting_add(r->site->ac, &a, r->id, enrolment_id, note ? note : "", &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_group_get(r);
	r->status = 201;
}

void api_group_waiting_promote(struct req *r)
{
	static const char *const keys[] = { "waiting_id", "from", NULL };
	bool has_w;
	int64_t waiting_id = 0;
	int32_t from;
	if (!json_keys_or_400(r, keys) || !json_int_or_400(r, "waiting_id", 1, INT64_MAX, &has_w, &waiting_id) ||
	    !day_or_400(r, "from", &from))
		return;
	struct group g;
	if (!load_group(r, &g))
		return;
	struct actor a;
	api_actor(r, &a);
	int rc = intake_waiting_promote(r->site->ac, &a, r->id, waiting_id, from);
	if (rc == STORE_NOTFOUND) {
		/* The group exists (checked above): nobody, or not this entry, is waiting. */
		resp_error(r, 409, "conflict", N_("Nobody with that entry is on the waiting list."), "waiting_id");
		return;
	}
	if (rc) {
		intake_answer(r, rc, NULL);
		return;
	}
	api_group_get(r);
}

/* DELETE …/waiting?waiting_id=N */
void api_group_waiting_remove(struct req *r)
{
	int64_t waiting_id;
	if (!query_int_or_400(r, "waiting_id", 1, INT64_MAX, 0, &waiting_id))
		return;
	struct group g;
	if (!load_group(r, &g))
		return;
	if (!waiting_id) {
		resp_error(r, 422, "validation_failed", N_("This field is required."), "waiting_id");
		return;
	}
	struct actor a;
	api_actor(r, &a);
	int rc = intake_waiting_remove(r->site->ac, &a, r->id, waiting_id);
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 409, "conflict", N_("Nobody with that entry is on the waiting list."), "waiting_id");
		return;
	}
	if (rc) {
		intake_answer(r, rc, NULL);
		return;
	}
	api_group_get(r);
}
