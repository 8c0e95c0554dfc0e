/* outcomes.c: the API of outcome measures (issue 6) — GET/POST /api/v1/persons/{id}/outcomes
 * (a person's stored results; a new result scored as the score API scores it, answers as
 * there: item scores in the definition's order) and GET /api/v1/outcomes/due (the due
 * list). Another organisation's person is 404; a wrong number of answers or a score an
 * item cannot have is 422 naming the field, as POST /api/v1/score/{id}. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/orgquestionnaire.h"
#include "domain/outcomes.h"
#include "domain/questionnaire.h"
#include "domain/roles.h"

static json_t *day_json(int32_t day)
{
	char d[11];
	date_format(day, d);
	return d[0] ? json_string(d) : json_null();
}

static json_t *result_json(struct req *r, const struct outcome_result *x)
{
	const struct questionnaire *def = questionnaire_for_org(r->site->ac->store, r->org_id, x->questionnaire);
	json_t *answers = json_array();
	const char *s = x->answers;
	while (*s) {
		int64_t v = 0;
		char num[24];
		size_t k = strcspn(s, ",");
		snprintf(num, sizeof num, "%.*s", (int)(k < sizeof num ? k : sizeof num - 1), s);
		if (!parse_int64(num, 0, INT64_MAX, &v))
			json_array_append_new(answers, json_integer(v));
		s += k;
		if (*s)
			s++;
	}
	json_t *flags = json_array();
	s = x->flags;
	while (*s) {
		size_t k = strcspn(s, ",");
		json_array_append_new(flags, json_stringn(s, k));
		s += k;
		if (*s)
			s++;
	}
	json_t *zone = json_null();
	for (size_t i = 0; def && x->zone[0] && i < def->nzones; i++)
		if (!strcmp(def->zones[i].key, x->zone))
			zone = json_pack("{s:s, s:s}", "key", x->zone, "label", q_text_get(&def->zones[i].label, r->lang));
	json_t *days = json_null();
	if (x->days[0]) {
		days = json_array();
		for (int i = 0; i < STORE_OUTCOME_DAYS; i++)
			if (x->days[i] == '1')
				json_array_append_new(days, day_json(x->taken_on - (STORE_OUTCOME_DAYS - 1) + i));
	}
	json_t *j = json_pack("{s:I, s:I, s:s, s:i, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:I}", "id",
			      (json_int_t)x->id, "person_id", (json_int_t)x->person_id, "questionnaire", x->questionnaire,
			      "version", x->version, "loinc", def && def->loinc ? json_string(def->loinc) : json_null(),
			      "taken_on", day_json(x->taken_on), "answers", answers, "total", x->total, "zone", zone,
			      "positive", x->positive < 0 ? json_null() : json_boolean(x->positive), "cutoffs_reached",
			      flags, "sex", x->sex[0] ? json_string(x->sex) : json_null(), "self", x->self, "entered_by",
			      x->entered_by ? json_integer(x->entered_by) : json_null(), "abstinent_days", days,
			      "created_at", (json_int_t)x->created_at);
	json_object_set_new(j, "enrolment_id", x->enrolment_id ? json_integer(x->enrolment_id) : json_null());
	json_object_set_new(j, "point_id", x->point_id ? json_integer(x->point_id) : json_null());
	if (x->error_at)
		json_object_set_new(j, "entered_in_error",
				    json_pack("{s:I, s:I, s:s}", "at", (json_int_t)x->error_at, "by",
					      (json_int_t)x->error_by, "reason", x->error_reason));
	else
		json_object_set_new(j, "entered_in_error", json_null());
	return j;
}

void api_outcomes_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct outcome_result *rs = NULL;
	size_t n = 0;
	int rc = outcomes_list(r->site->ac, &a, r->org_id, r->id, "api", &rs, &n);
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 404, "not_found", N_("No such person in this organisation."), NULL);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, result_json(r, &rs[i]));
	free(rs);
	resp_json(r, 200, json_pack("{s:o}", "outcomes", list));
}

/* A scoring refusal in the caller's language, as the score API words it. */
static void score_error(struct req *r, const struct questionnaire *def, const struct q_error *e)
{
	struct buf msg = BUF_INIT;
	switch (e->kind) {
	case Q_ERR_COUNT:
		buf_addf(&msg, T(r, "Give one answer for each item: %zu expected, %zu given."), e->expected, e->given);
		break;
	case Q_ERR_VALUE:
		buf_addf(&msg, T(r, "Item %s cannot score %lld (allowed: %s)."),
			 e->index < def->nitems ? def->items[e->index].key : "?", e->value, e->allowed);
		break;
	case Q_ERR_SEX:
		buf_adds(&msg, T(r, "Give sex as female or male: the cut-offs of this questionnaire differ by sex."));
		break;
	default:
		buf_adds(&msg, e->message);
		break;
	}
	resp_error(r, 422, "validation_failed", msg.data, e->field[0] ? e->field : "answers");
	buf_release(&msg);
}

static bool json_id_or_400(struct req *r, const char *key, int64_t *out)
{
	*out = 0;
	json_t *v = json_object_get(r->json, key);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		resp_error(r, 400, "bad_type", N_("Give an id as a positive whole number."), key);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

void api_outcomes_create(struct req *r)
{
	static const char *const keys[] = { "questionnaire", "taken_on", "answers", "sex", "days",
					    "enrolment_id", "point_id", NULL };
	if (!json_keys_or_400(r, keys))
		return;
	struct person p;
	if (store_person_get(r->site->ac->store, r->org_id, r->id, &p) == STORE_NOTFOUND) {
		resp_error(r, 404, "not_found", N_("No such person in this organisation."), NULL);
		return;
	}
	const char *qid, *taken, *sex, *days;
	if (!json_str_or_400(r, "questionnaire", true, 40, &qid) || !json_str_or_400(r, "taken_on", true, 20, &taken) ||
	    !json_str_or_400(r, "sex", false, 16, &sex) || !json_str_or_400(r, "days", false, 40, &days))
		return;
	struct outcome_in in = { .questionnaire = qid, .taken_on = taken, .sex = sex ? sex : "", .days = days };
	if (!json_id_or_400(r, "enrolment_id", &in.enrolment_id) || !json_id_or_400(r, "point_id", &in.point_id))
		return;
	const struct questionnaire *def = questionnaire_for_org(r->site->ac->store, r->org_id, qid);
	int64_t vals[Q_ITEMS_MAX];
	size_t n = 0;
	json_t *answers = json_object_get(r->json, "answers");
	if (def && answers && !json_is_null(answers)) {
		struct q_error err;
		int qrc = questionnaire_parse_answers(answers, vals, Q_ITEMS_MAX, &n, &err);
		if (qrc == Q_BAD_TYPE) {
			resp_error(r, 400, "bad_type", N_("Give the answers as an array of whole numbers."), err.field);
			return;
		}
		if (qrc != Q_OK) {
			resp_error(r, 422, "validation_failed", N_("Too many answers."), "answers");
			return;
		}
	} else if (def && !(days && days[0])) {
		resp_error(r, 422, "validation_failed", N_("This field is required."), "answers");
		return;
	}
	in.answers = vals;
	in.nanswers = n;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	struct q_error qe = { 0 };
	struct outcome_result out;
	int rc = outcomes_record(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &out, &fer, &qe);
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 404, "not_found", N_("No such person in this organisation."), NULL);
	} else if (rc == ACC_INVALID) {
		resp_error(r, 422, "validation_failed", fer.message, fer.field);
	} else if (rc == OUTCOME_QINVALID) {
		score_error(r, def, &qe);
	} else if (rc) {
		resp_store_error(r, rc);
	} else {
		resp_json(r, 201, json_pack("{s:o}", "outcome", result_json(r, &out)));
	}
}

static const char *state_key(enum outcome_due_state s)
{
	switch (s) {
	case OUTCOME_DUE:
		return "due";
	case OUTCOME_OVERDUE:
		return "overdue";
	case OUTCOME_DONE:
		return "done";
	default:
		return "upcoming";
	}
}

void api_outcomes_due(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t therapist = (r->role & (ROLE_COORDINATOR | ROLE_ADMIN)) ? 0 : r->user.id;
	struct outcome_due_row *rows = NULL;
	size_t n = 0;
	int rc = outcomes_due_list(r->site->ac, &a, r->org_id, therapist, date_today_cet(), true, &rows, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct outcome_due_row *x = &rows[i];
		json_array_append_new(
			list, json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s}", "point_id",
					(json_int_t)x->point_id, "person_id",
					(json_int_t)x->d.person_id, "enrolment_id", (json_int_t)x->d.enrolment_id,
					"programme_id", (json_int_t)x->d.programme_id, "given_name", x->given_name,
					"family_name", x->family_name, "point", T(r, x->point_label), "questionnaire",
					x->d.questionnaire, "due_on", day_json(x->d.due_on), "window_from",
					day_json(x->d.from), "window_to", day_json(x->d.to), "state",
					state_key(x->d.state)));
	}
	free(rows);
	resp_json(r, 200, json_pack("{s:o}", "due", list));
}
