/* facilitation.c: the API of a person's facilitation record (Twelve Step Facilitation,
 * issue 5) — the engagement summary with the latest stance and the profile, and the
 * writes: a stance, an action, a meeting in the log, the sponsor / home-group profile.
 * Same service as the pages (domain/facilitation.c); reads and writes are audited there. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/facilitation.h"

static json_t *stance_json(const struct fac_stance *s)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:I, s:s, s:I}", "id", (json_int_t)s->id, "stance", s->stance,
			 "on", json_date(s->on_day), "revisit_on", json_date(s->revisit_on), "note", s->note, "by_user",
			 (json_int_t)s->by_user, "by_name", s->by_name, "at", (json_int_t)s->at);
}

static json_t *profile_json(const struct fac_profile *p)
{
	return json_pack("{s:s, s:o, s:s}", "sponsor", p->sponsor, "sponsor_since", json_date(p->sponsor_since),
			 "home_group", p->home_group);
}

static json_t *action_json(const struct fac_action *a)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:b, s:s, s:I, s:I}", "id", (json_int_t)a->id, "kind", a->kind, "on",
			 json_date(a->on_day), "meeting_id",
			 a->meeting_id ? json_integer(a->meeting_id) : json_null(), "stayed", a->stayed, "note", a->note,
			 "by_user", (json_int_t)a->by_user, "at", (json_int_t)a->at);
}

static json_t *meeting_json(const struct fac_meeting *m)
{
	return json_pack("{s:I, s:o, s:o, s:s, s:b, s:b, s:s, s:I}", "id", (json_int_t)m->id, "on",
			 json_date(m->on_day), "meeting_id", m->meeting_id ? json_integer(m->meeting_id) : json_null(),
			 "name", m->name, "accompanied", m->accompanied, "stayed", m->stayed, "source", m->source, "at",
			 (json_int_t)m->at);
}

/* Required members are checked by the service, after the person: another organisation's
 * person is 404 whatever the body holds. */

/* A refused write: 422 naming the first field (with every field's message), 404 for
 * another organisation's person, else the store's status. */
static void fac_error_answer(struct req *r, int rc, const struct person_errors *errs)
{
	if (rc == ACC_INVALID && errs->n) {
		json_t *list = json_array();
		for (size_t i = 0; i < errs->n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->e[i].field, "message",
							      T(r, errs->e[i].message)));
		resp_json(r, 422,
			  json_pack("{s:{s:s, s:s, s:s, s:o}}", "error", "code", "validation_failed", "message",
				    T(r, errs->e[0].message), "field", errs->e[0].field, "fields", list));
		return;
	}
	if (rc == STORE_NOTFOUND) {
		resp_error(r, 404, "not_found", N_("No such person in this organisation."), NULL);
		return;
	}
	resp_store_error(r, rc);
}

void api_facilitation_get(struct req *r)
{
	struct actor a;
	api_actor(r, &a);
	struct fac_summary *s = xmalloc(sizeof *s);
	int rc = fac_summary(r->site->ac, &a, r->org_id, r->id, date_today_cet(), "api", s);
	if (rc) {
		free(s);
		fac_error_answer(r, rc, &(struct person_errors){ 0 });
		return;
	}
	json_t *weeks = json_array();
	for (int i = 0; i < FAC_WEEKS; i++)
		json_array_append_new(weeks, json_pack("{s:o, s:i}", "week_start", json_date(s->week_start[i]),
						       "meetings", s->per_week[i]));
	json_t *summary = json_pack("{s:i, s:i, s:i, s:s, s:s, s:o}", "meetings_last_30_days", s->meetings_30,
				    "weeks_with_meeting", s->weeks_with_meeting, "weeks", FAC_WEEKS, "sponsor",
				    s->profile.sponsor, "stance", s->has_stance ? s->stance.stance : "not_discussed",
				    "meetings_per_week", weeks);
	json_t *j = json_pack("{s:I, s:o, s:o, s:o}", "person_id", (json_int_t)r->id, "summary", summary, "stance",
			      s->has_stance ? stance_json(&s->stance) : json_null(), "profile",
			      profile_json(&s->profile));
	free(s);
	resp_json(r, 200, j);
}

static const char *const stance_keys[] = { "stance", "on", "revisit_on", "note", NULL };

void api_facilitation_stance_post(struct req *r)
{
	struct fac_stance_input in = { 0 };
	if (!json_keys_or_400(r, stance_keys) || !json_str_or_400(r, "stance", false, 100, &in.stance) ||
	    !json_str_or_400(r, "on", false, 100, &in.on) || !json_str_or_400(r, "revisit_on", false, 100, &in.revisit_on) ||
	    !json_str_or_400(r, "note", false, 8000, &in.note))
		return;
	struct actor a;
	api_actor(r, &a);
	struct person_errors errs = { 0 };
	struct fac_stance out;
	int rc = fac_record_stance(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &out, &errs);
	if (rc) {
		fac_error_answer(r, rc, &errs);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "stance", stance_json(&out)));
}

static const char *const action_keys[] = { "kind", "on", "meeting_id", "stayed", "note", NULL };

void api_facilitation_action_post(struct req *r)
{
	struct fac_action_input in = { 0 };
	bool has_meeting = false, has_stayed = false, stayed = true;
	int64_t meeting = 0;
	if (!json_keys_or_400(r, action_keys) || !json_str_or_400(r, "kind", false, 100, &in.kind) ||
	    !json_str_or_400(r, "on", false, 100, &in.on) ||
	    !json_int_or_400(r, "meeting_id", 1, INT64_MAX, &has_meeting, &meeting) ||
	    !json_bool_or_400(r, "stayed", &has_stayed, &stayed) || !json_str_or_400(r, "note", false, 8000, &in.note))
		return;
	in.meeting_id = has_meeting ? meeting : 0;
	in.stayed = has_stayed ? stayed : true;
	struct actor a;
	api_actor(r, &a);
	struct person_errors errs = { 0 };
	struct fac_action out;
	int rc = fac_record_action(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &out, &errs);
	if (rc) {
		fac_error_answer(r, rc, &errs);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "action", action_json(&out)));
}

static const char *const meeting_keys[] = { "on", "meeting_id", "name", "accompanied", "stayed", "source", NULL };

void api_facilitation_meeting_post(struct req *r)
{
	struct fac_meeting_input in = { 0 };
	bool has_meeting = false, has_acc = false, acc = false, has_stayed = false, stayed = true;
	int64_t meeting = 0;
	if (!json_keys_or_400(r, meeting_keys) || !json_str_or_400(r, "on", false, 100, &in.on) ||
	    !json_int_or_400(r, "meeting_id", 1, INT64_MAX, &has_meeting, &meeting) ||
	    !json_str_or_400(r, "name", false, 1000, &in.name) || !json_bool_or_400(r, "accompanied", &has_acc, &acc) ||
	    !json_bool_or_400(r, "stayed", &has_stayed, &stayed) || !json_str_or_400(r, "source", false, 100, &in.source))
		return;
	in.meeting_id = has_meeting ? meeting : 0;
	in.accompanied = has_acc && acc;
	in.stayed = has_stayed ? stayed : true;
	struct actor a;
	api_actor(r, &a);
	struct person_errors errs = { 0 };
	struct fac_meeting out;
	int rc = fac_record_meeting(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &out, &errs);
	if (rc) {
		fac_error_answer(r, rc, &errs);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "meeting", meeting_json(&out)));
}

static const char *const profile_keys[] = { "sponsor", "sponsor_since", "home_group", NULL };

void api_facilitation_profile_put(struct req *r)
{
	struct fac_profile_input in = { 0 };
	if (!json_keys_or_400(r, profile_keys) || !json_str_or_400(r, "sponsor", false, 100, &in.sponsor) ||
	    !json_str_or_400(r, "sponsor_since", false, 100, &in.sponsor_since) ||
	    !json_str_or_400(r, "home_group", false, 1000, &in.home_group))
		return;
	struct actor a;
	api_actor(r, &a);
	struct person_errors errs = { 0 };
	struct fac_profile out;
	int rc = fac_set_profile(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &out, &errs);
	if (rc) {
		fac_error_answer(r, rc, &errs);
		return;
	}
	resp_json(r, 200, json_pack("{s:o}", "profile", profile_json(&out)));
}
