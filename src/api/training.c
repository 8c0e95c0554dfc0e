/* training.c: the API of staff training (issue 7; roles admin and coordinator) —
 * GET /api/v1/training: the courses, the count of certified leaders today and every
 * staff member's status; GET /api/v1/training/users/{id} (a user id): one member's
 * record; PUT /api/v1/training/users/{id} with {"course", "days_attended",
 * "certified_on" (YYYY-MM-DD or null)} writes one course of it through the same service
 * as the page (domain/training.c). Another organisation's user is 404. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/training.h"

enum { STAFF_MAX = 1000 };

static void answer_error(struct req *r, int rc, const struct field_error *fe)
{
	if (rc == STORE_NOTFOUND)
		resp_error(r, 404, "not_found", N_("No such staff member in this organisation."), NULL);
	else if (rc == ACC_INVALID)
		resp_error(r, 422, "validation_failed", fe->message, fe->field);
	else
		resp_store_error(r, rc);
}

static json_t *day_json(int32_t day)
{
	if (day == DATE_NONE)
		return json_null();
	char d[11];
	date_format(day, d);
	return json_string(d);
}

static const char *status_key(enum training_status st)
{
	switch (st) {
	case TRAINING_IN_PROGRESS:
		return "in_progress";
	case TRAINING_COMPLETED:
		return "completed";
	case TRAINING_CERTIFIED:
		return "certified";
	default:
		return "not_started";
	}
}

static json_t *courses_json(const struct store_training_course *courses, size_t nc)
{
	json_t *a = json_array();
	for (size_t i = 0; i < nc; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:b}", "key", courses[i].key, "name",
						   courses[i].name, "required_days", courses[i].required_days,
						   "for_leading", courses[i].for_leading));
	return a;
}

/* {"user_id", "certified_since", "certified", "courses": [{"course", "required_days",
 *  "days_attended", "completed", "certified_on", "status", "updated_at", "updated_by"}]} */
static json_t *member_json(int64_t user_id, const struct store_training_course *courses, size_t nc,
			   const struct store_training_record *recs, size_t nr, int32_t today)
{
	json_t *cs = json_array();
	for (size_t k = 0; k < nc; k++) {
		const struct store_training_record *rec = training_record_of(recs, nr, user_id, courses[k].key);
		int days = rec ? rec->days_attended : 0;
		json_array_append_new(
			cs, json_pack("{s:s, s:i, s:i, s:b, s:o, s:s, s:o, s:o}", "course", courses[k].key, "required_days",
				      courses[k].required_days, "days_attended", days, "completed",
				      days >= courses[k].required_days, "certified_on",
				      day_json(rec ? rec->certified_on : DATE_NONE), "status",
				      status_key(training_status_of(&courses[k], rec)), "updated_at",
				      rec && rec->updated_at ? json_integer((json_int_t)rec->updated_at) : json_null(),
				      "updated_by",
				      rec && rec->updated_by ? json_integer((json_int_t)rec->updated_by) : json_null()));
	}
	int32_t since = training_certified_since(courses, nc, recs, nr, user_id);
	return json_pack("{s:I, s:o, s:b, s:o}", "user_id", (json_int_t)user_id, "certified_since", day_json(since),
			 "certified", since != DATE_NONE && since <= today, "courses", cs);
}

void api_training_list(struct req *r)
{
	struct store *s = r->site->ac->store;
	struct store_training_course *courses = NULL;
	struct store_training_record *recs = NULL;
	struct user_row *rows = NULL;
	size_t nc = 0, nr = 0, n = 0;
	int count = 0;
	int32_t today = date_today_cet();
	int rc = store_training_courses(s, r->org_id, &courses, &nc);
	if (!rc)
		rc = store_training_records(s, r->org_id, 0, &recs, &nr);
	if (!rc)
		rc = store_user_list(s, r->org_id, STAFF_MAX, 0, &rows, &n, NULL);
	if (!rc)
		rc = training_certified_count(r->site->ac, r->org_id, today, &count);
	if (rc) {
		free(courses);
		free(recs);
		free(rows);
		answer_error(r, rc, NULL);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	audit_event(r->site->ac->audit, a.user_id, a.email, r->org_id, a.addr, "training.list", "org", NULL, NULL);
	json_t *staff = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(rows[i].m.role, "auditor"))
			continue;
		json_t *m = member_json(rows[i].user.id, courses, nc, recs, nr, today);
		json_object_set_new(m, "name", json_string(rows[i].user.name));
		json_object_set_new(m, "role", json_string(rows[i].m.role));
		json_object_set_new(m, "disabled", json_boolean(rows[i].m.disabled || rows[i].user.disabled));
		json_array_append_new(staff, m);
	}
	char d[11];
	date_format(today, d);
	json_t *j = json_pack("{s:o, s:s, s:i, s:o}", "courses", courses_json(courses, nc), "date", d,
			      "certified_count", count, "staff", staff);
	free(courses);
	free(recs);
	free(rows);
	resp_json(r, 200, j);
}

static void answer_member(struct req *r, int status)
{
	struct store *s = r->site->ac->store;
	struct store_training_course *courses = NULL;
	struct store_training_record *recs = NULL;
	size_t nc = 0, nr = 0;
	struct user u;
	int rc = training_staff_check(r->site->ac, r->org_id, r->id);
	if (!rc)
		rc = store_user_get(s, r->id, &u);
	if (!rc)
		rc = store_training_courses(s, r->org_id, &courses, &nc);
	if (!rc)
		rc = store_training_records(s, r->org_id, r->id, &recs, &nr);
	if (rc) {
		free(courses);
		free(recs);
		answer_error(r, rc, NULL);
		return;
	}
	json_t *j = member_json(r->id, courses, nc, recs, nr, date_today_cet());
	json_object_set_new(j, "name", json_string(u.name));
	free(courses);
	free(recs);
	resp_json(r, status, j);
}

void api_training_user_get(struct req *r)
{
	int rc = training_staff_check(r->site->ac, r->org_id, r->id);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, r->id);
	audit_event(r->site->ac->audit, a.user_id, a.email, r->org_id, a.addr, "training.read", "user", oid, NULL);
	answer_member(r, 200);
}

void api_training_user_put(struct req *r)
{
	static const char *const keys[] = { "course", "days_attended", "certified_on", NULL };
	int rc = training_staff_check(r->site->ac, r->org_id, r->id);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	struct training_in in = { 0 };
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "course", true, 40, &in.course) ||
	    !json_str_or_400(r, "certified_on", false, 20, &in.certified_on))
		return;
	char days[24] = "";
	json_t *v = json_object_get(r->json, "days_attended");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v)) {
			resp_error(r, 400, "bad_type", N_("This field must be a whole number."), "days_attended");
			return;
		}
		snprintf(days, sizeof days, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	}
	in.days_attended = days;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	rc = training_set(r->site->ac, &a, r->org_id, r->id, &in, 1, NULL, &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_member(r, 200);
}
