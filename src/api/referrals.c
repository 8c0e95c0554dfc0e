/* referrals.c: the API of referral sources, referrals with their status history, and
 * the self-referrals of the public form — the same rules as the pages, through the
 * intake service. Rows that show a person or a self-referral are audited as reads. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/intake.h"

/* ---- referral sources ---- */

static json_t *source_json(const struct referral_source *s)
{
	return json_pack("{s:I, s:s, s:s, s:b, s:i}", "id", (json_int_t)s->id, "key", s->key, "label", s->label,
			 "active", s->active, "position", s->position);
}

void api_sources_list(struct req *r)
{
	int64_t inactive;
	if (!query_int_or_400(r, "include_inactive", 0, 1, 0, &inactive))
		return;
	struct referral_source *ss = NULL;
	size_t n = 0;
	int rc = store_referral_source_list(r->site->ac->store, r->org_id, inactive != 0, &ss, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = source_json(&ss[i]);
		json_object_set_new(j, "label_translated", json_string(T(r, ss[i].label)));
		json_array_append_new(list, j);
	}
	free(ss);
	resp_json(r, 200, json_pack("{s:o}", "referral_sources", list));
}

void api_sources_add(struct req *r)
{
	static const char *const keys[] = { "label", NULL };
	const char *label;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "label", true, 1000, &label))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	struct referral_source s;
	int rc = intake_source_add(r->site->ac, &a, label, &s, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "referral_source", source_json(&s)));
}

void api_sources_patch(struct req *r)
{
	static const char *const keys[] = { "key", "label", "active", NULL };
	const char *key, *label;
	bool has_active, active = false;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "key", true, 100, &key) ||
	    !json_str_or_400(r, "label", false, 1000, &label) || !json_bool_or_400(r, "active", &has_active, &active))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_source_update(r->site->ac, &a, key, label, has_active ? active : -1, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_sources_list(r);
}

/* ---- referrals ---- */

json_t *referral_json(struct req *r, const struct referral *x)
{
	const char *label = referral_status_label_of(x->status);
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:I}", "id",
			 (json_int_t)x->id, "person_id", (json_int_t)x->person_id, "programme_id",
			 (json_int_t)x->programme_id, "source", x->source_key, "source_label", T(r, x->source_label),
			 "referrer_name", x->referrer_name, "referrer_org", x->referrer_org, "received_on",
			 json_date(x->received_on), "reason", x->reason, "status", x->status, "status_label",
			 label ? T(r, label) : x->status, "status_on", json_date(x->status_on), "given_name",
			 x->given_name, "family_name", x->family_name, "created_by", (json_int_t)x->created_by,
			 "created_at", (json_int_t)x->created_at, "updated_at", (json_int_t)x->updated_at);
}

void api_referrals_list(struct req *r)
{
	int64_t limit, offset;
	if (!query_int_or_400(r, "limit", 1, 200, 50, &limit) || !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset))
		return;
	const char *status = query_get(r, "status");
	if (status && *status && strcmp(status, "open") != 0 && !referral_status_valid(status)) {
		resp_error(r, 400, "bad_request", N_("Unknown status."), "status");
		return;
	}
	struct referral_query q;
	memset(&q, 0, sizeof q);
	copy_str(q.status, sizeof q.status, status ? status : "");
	q.limit = (int)limit;
	q.offset = (int)offset;
	struct referral *rs = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_referral_list(r->site->ac->store, r->org_id, &q, &rs, &n, &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	api_actor(r, &a);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(list, referral_json(r, &rs[i]));
		intake_audit(r->site->ac, &a, "referral.read", "referral", rs[i].id, "list");
		if (rs[i].person_id)
			intake_audit(r->site->ac, &a, "person.read", "person", rs[i].person_id, "referral list");
	}
	free(rs);
	resp_json(r, 200,
		  json_pack("{s:o, s:I, s:I, s:I}", "referrals", list, "total", (json_int_t)total, "limit",
			    (json_int_t)limit, "offset", (json_int_t)offset));
}

void api_referrals_create(struct req *r)
{
	static const char *const keys[] = { "source",	      "referrer_name", "referrer_org",
					    "received_on",    "reason",	       "person_id", "programme_id", NULL };
	const char *source, *rname, *rorg, *received, *reason;
	bool has_p, has_prog;
	int64_t person_id = 0, programme_id = 0;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "source", true, 100, &source) ||
	    !json_str_or_400(r, "referrer_name", false, 1000, &rname) ||
	    !json_str_or_400(r, "referrer_org", false, 1000, &rorg) ||
	    !json_str_or_400(r, "received_on", false, 20, &received) ||
	    !json_str_or_400(r, "reason", false, 4000, &reason) ||
	    !json_int_or_400(r, "person_id", 0, INT64_MAX, &has_p, &person_id) ||
	    !json_int_or_400(r, "programme_id", 0, INT64_MAX, &has_prog, &programme_id))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	struct referral x;
	int rc = intake_referral_create(r->site->ac, &a, source, rname ? rname : "", rorg ? rorg : "",
					received ? received : "", reason ? reason : "", person_id, programme_id, &x,
					&errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	store_referral_get(r->site->ac->store, r->org_id, x.id, &x);
	resp_json(r, 201, json_pack("{s:o}", "referral", referral_json(r, &x)));
}

void api_referral_get(struct req *r)
{
	struct referral x;
	int rc = store_referral_get(r->site->ac->store, r->org_id, r->id, &x);
	if (rc) {
		intake_answer(r, rc, NULL);
		return;
	}
	struct referral_event *ev = NULL;
	size_t n = 0;
	if ((rc = store_referral_history(r->site->ac->store, r->org_id, x.id, &ev, &n)) != 0) {
		resp_store_error(r, rc);
		return;
	}
	json_t *hist = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(hist, json_pack("{s:s, s:s, s:o, s:I, s:I, s:s}", "from", ev[i].from_status, "to",
						      ev[i].to_status, "on", json_date(ev[i].on_day), "at",
						      (json_int_t)ev[i].at, "by_user", (json_int_t)ev[i].by_user,
						      "note", ev[i].note));
	free(ev);
	json_t *next = json_array();
	for (int i = 0; i < REFERRAL_NSTATUS; i++)
		if (intake_referral_move_allowed(x.status, referral_status_key(i)))
			json_array_append_new(next, json_string(referral_status_key(i)));
	struct actor a;
	api_actor(r, &a);
	intake_audit(r->site->ac, &a, "referral.read", "referral", x.id, r->via_token ? "api" : NULL);
	if (x.person_id)
		intake_audit(r->site->ac, &a, "person.read", "person", x.person_id, "referral");
	resp_json(r, 200,
		  json_pack("{s:o, s:o, s:o}", "referral", referral_json(r, &x), "history", hist, "allowed_status",
			    next));
}

void api_referral_status(struct req *r)
{
	static const char *const keys[] = { "status", "on", "note", NULL };
	const char *status, *on, *note;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "status", false, 100, &status) ||
	    !json_str_or_400(r, "on", false, 20, &on) || !json_str_or_400(r, "note", false, 4000, &note))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_referral_set_status(r->site->ac, &a, r->id, status ? status : "", on ? on : "",
					    note ? note : "", &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_referral_get(r);
}

void api_referral_person(struct req *r)
{
	static const char *const keys[] = { "person_id", NULL };
	bool has_p;
	int64_t person_id = 0;
	if (!json_keys_or_400(r, keys) || !json_int_or_400(r, "person_id", 0, INT64_MAX, &has_p, &person_id))
		return;
	if (!has_p) {
		struct referral x;
		int rc = store_referral_get(r->site->ac->store, r->org_id, r->id, &x);
		if (rc) {
			intake_answer(r, rc, NULL);
			return;
		}
		resp_error(r, 422, "validation_failed", N_("This field is required."), "person_id");
		return;
	}
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_referral_link(r->site->ac, &a, r->id, person_id, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_referral_get(r);
}

/* ---- self-referrals ---- */

static json_t *self_referral_json(const struct self_referral *s)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id", (json_int_t)s->id, "name", s->name,
			 "phone", s->phone, "email", s->email, "message", s->message, "status", s->status,
			 "referral_id", (json_int_t)s->referral_id, "created_at", (json_int_t)s->created_at,
			 "handled_at", (json_int_t)s->handled_at, "handled_by", (json_int_t)s->handled_by);
}

void api_self_referrals_list(struct req *r)
{
	int64_t limit, offset;
	if (!query_int_or_400(r, "limit", 1, 200, 50, &limit) || !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset))
		return;
	const char *status = query_get(r, "status");
	if (!status)
		status = "new";
	if (*status && strcmp(status, "new") && strcmp(status, "taken") && strcmp(status, "discarded")) {
		resp_error(r, 400, "bad_request", N_("Unknown status."), "status");
		return;
	}
	struct self_referral *ss = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_self_referral_list(r->site->ac->store, r->org_id, status, (int)limit, (int)offset, &ss, &n,
					  &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct actor a;
	api_actor(r, &a);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(list, self_referral_json(&ss[i]));
		intake_audit(r->site->ac, &a, "self_referral.read", "self_referral", ss[i].id, "list");
	}
	free(ss);
	resp_json(r, 200,
		  json_pack("{s:o, s:I, s:I, s:I}", "self_referrals", list, "total", (json_int_t)total, "limit",
			    (json_int_t)limit, "offset", (json_int_t)offset));
}

void api_self_referral_get(struct req *r)
{
	struct self_referral s;
	int rc = store_self_referral_get(r->site->ac->store, r->org_id, r->id, &s);
	if (rc) {
		intake_answer(r, rc, NULL);
		return;
	}
	struct actor a;
	api_actor(r, &a);
	intake_audit(r->site->ac, &a, "self_referral.read", "self_referral", s.id, NULL);
	resp_json(r, 200, json_pack("{s:o}", "self_referral", self_referral_json(&s)));
}

void api_self_referral_take(struct req *r)
{
	static const char *const keys[] = { NULL };
	if (r->json && !json_keys_or_400(r, keys))
		return;
	struct actor a;
	api_actor(r, &a);
	int64_t referral_id = 0;
	int rc = intake_self_referral_take(r->site->ac, &a, r->id, &referral_id);
	if (rc) {
		intake_answer(r, rc, NULL);
		return;
	}
	struct referral x;
	if ((rc = store_referral_get(r->site->ac->store, r->org_id, referral_id, &x)) != 0) {
		resp_store_error(r, rc);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "referral", referral_json(r, &x)));
}

void api_self_referral_discard(struct req *r)
{
	static const char *const keys[] = { "reason", NULL };
	const char *reason;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "reason", false, 100, &reason))
		return;
	struct actor a;
	api_actor(r, &a);
	struct intake_errors errs = { 0 };
	int rc = intake_self_referral_discard(r->site->ac, &a, r->id, reason, &errs);
	if (rc) {
		intake_answer(r, rc, &errs);
		return;
	}
	api_self_referral_get(r);
}
