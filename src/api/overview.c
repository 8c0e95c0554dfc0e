/* overview.c: the API's overviews — GET /api/v1/caseload and
 * GET /api/v1/programmes/{id}/board — with the same rows, warnings and audit entries as
 * the pages. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/rosters.h"
#include "web/web.h"

static json_t *day_json(int32_t day)
{
	if (day == DATE_NONE)
		return json_null();
	char d[11];
	date_format(day, d);
	return json_string(d);
}

static json_t *warnings_json(unsigned w)
{
	static const struct {
		unsigned bit;
		const char *key;
	} keys[] = {
		{ WARN_PACE, "pace_below_minimum" },
		{ WARN_ABSENT, "no_attendance_14_days" },
		{ WARN_AFTERCARE_END, "aftercare_window_ending" },
		{ WARN_AFTERCARE_PAST, "aftercare_window_past" },
	};
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (w & keys[i].bit)
			json_array_append_new(a, json_string(keys[i].key));
	return a;
}

void api_caseload_get(struct req *r)
{
	enum store_enrolment_sort sort;
	const char *sort_key;
	int64_t therapist, limit, offset;
	if (!caseload_sort_or_400(r, &sort, &sort_key) || !caseload_therapist_or_400(r, &therapist) ||
	    !query_int_or_400(r, "limit", 1, 200, 50, &limit) || !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset))
		return;
	struct actor a;
	req_actor(r, &a);
	struct caseload c;
	int rc = rosters_caseload(r->site->ac, &a, r->org_id, therapist, sort, (int)limit, (int)offset,
				  date_today_cet(), &c);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < c.n; i++) {
		const struct caseload_row *row = &c.rows[i];
		const struct enrolment *e = &row->row.e;
		json_t *j = json_pack(
			"{s:I, s:I, s:s, s:s, s:I, s:s, s:I, s:i, s:s, s:s, s:o, s:i, s:o, s:o}", "enrolment_id",
			(json_int_t)e->id, "person_id", (json_int_t)e->person_id, "given_name", row->row.given_name,
			"family_name", row->row.family_name, "programme_id", (json_int_t)e->programme_id, "programme",
			row->p ? row->p->name : "", "therapist_id", (json_int_t)e->therapist_id, "phase", e->phase,
			"phase_key", row->phase ? row->phase->key : "", "status", e->status, "phase_since",
			day_json(e->phase_since), "attended_in_phase", row->row.attended_in_phase, "last_attended",
			day_json(row->row.last_attended), "warnings", warnings_json(row->warnings));
		if (row->kind == PROGRESS_DAY_TREATMENT) {
			json_object_set_new(j, "target_days", json_integer(row->phase->target_days));
			json_object_set_new(j, "window_attended", json_integer(row->window_attended));
			json_object_set_new(j, "expected_min", json_real(row->expected_min));
		}
		if (row->aftercare_end != DATE_NONE)
			json_object_set_new(j, "aftercare_latest_end", day_json(row->aftercare_end));
		json_array_append_new(list, j);
	}
	json_int_t total = (json_int_t)c.total;
	caseload_release(&c);
	resp_json(r, 200,
		  json_pack("{s:o, s:I, s:I, s:I, s:I, s:s}", "caseload", list, "therapist_id", (json_int_t)therapist,
			    "total", total, "limit", (json_int_t)limit, "offset", (json_int_t)offset, "sort", sort_key));
}

void api_board_get(struct req *r)
{
	int64_t limit, offset;
	if (!query_int_or_400(r, "limit", 1, 200, 100, &limit) || !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset))
		return;
	struct actor a;
	req_actor(r, &a);
	struct board b;
	int rc = rosters_board(r->site->ac, &a, r->org_id, r->id, (int)limit, (int)offset, &b);
	if (rc != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			resp_error(r, 404, "not_found", N_("No such programme in this organisation."), NULL);
		else
			resp_store_error(r, rc);
		return;
	}
	json_t *phases = json_array();
	for (int i = 0; i < b.p.nphases; i++)
		json_array_append_new(phases, json_pack("{s:i, s:s, s:s, s:i, s:i, s:i}", "index", i, "key",
							b.p.phases[i].key, "label", b.p.phases[i].label, "open",
							b.counts[i], "active", b.active[i], "paused", b.paused[i]));
	json_t *refs = json_object();
	for (int i = 0; i < BOARD_REFERRAL_STATUSES; i++)
		json_object_set_new(refs, board_referral_status[i], json_integer(b.referrals[i]));
	json_t *groups = json_array();
	for (size_t i = 0; i < b.ngroups; i++) {
		const struct group *g = &b.groups[i];
		json_array_append_new(groups, json_pack("{s:I, s:s, s:s, s:i, s:i, s:i}", "id", (json_int_t)g->id, "name",
							g->name, "phase_key", g->phase_key, "members", g->members,
							"capacity", g->capacity, "waiting", g->waiting));
	}
	json_t *people = json_array();
	for (size_t i = 0; i < b.npeople; i++) {
		const struct enrolment_row *row = &b.people[i];
		json_array_append_new(
			people, json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:o, s:i}", "enrolment_id",
					  (json_int_t)row->e.id, "person_id", (json_int_t)row->e.person_id, "given_name",
					  row->given_name, "family_name", row->family_name, "phase", row->e.phase, "status",
					  row->e.status, "phase_since", day_json(row->e.phase_since), "attended_in_phase",
					  row->attended_in_phase));
	}
	json_t *j = json_pack("{s:{s:I, s:s}, s:o, s:{s:I, s:o}, s:o, s:i, s:{s:o, s:I, s:I, s:I}}", "programme", "id",
			      (json_int_t)b.p.id, "name", b.p.name, "phases", phases, "intake", "open",
			      (json_int_t)b.intake_open, "by_status", refs, "groups", groups, "waiting_total",
			      b.waiting_total, "people", "rows", people, "total", (json_int_t)b.people_total, "limit",
			      (json_int_t)limit, "offset", (json_int_t)offset);
	board_release(&b);
	resp_json(r, 200, j);
}
