/* facilitation.c: Twelve Step Facilitation — stances, actions, the meeting log, the
 * profile, the engagement summary and due revisits (see facilitation.h). */
#include "domain/facilitation.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"

const char *const fac_stance_keys[] = { "not_discussed", "interested", "ambivalent", "declines", NULL };
const char *const fac_kind_keys[] = { "introduced", "chose_meetings", "accompanied", "debriefed", "sponsor_contact",
				      NULL };
const char *const fac_sponsor_keys[] = { "none", "temporary", "has_sponsor", NULL };
const char *const fac_source_keys[] = { "person_reported", "staff_confirmed", NULL };

static const struct {
	const char *key, *label;
} labels[] = {
	{ "not_discussed", N_("Not yet discussed") },
	{ "interested", N_("Interested") },
	{ "ambivalent", N_("Ambivalent") },
	{ "declines", N_("Declines for now") },
	{ "introduced", N_("Introduced the fellowship and its meeting formats") },
	{ "chose_meetings", N_("Chose suitable meetings together") },
	{ "accompanied", N_("Accompanied to a meeting") },
	{ "debriefed", N_("Talked the experience through afterwards") },
	{ "sponsor_contact", N_("Helped make contact with a sponsor or contact person") },
	{ "none", N_("No sponsor") },
	{ "temporary", N_("Temporary sponsor or contact person") },
	{ "has_sponsor", N_("Has a sponsor") },
	{ "person_reported", N_("Reported by the person") },
	{ "staff_confirmed", N_("Confirmed by staff") },
};

static bool in_list(const char *key, const char *const *list)
{
	if (!key)
		return false;
	for (; *list; list++)
		if (!strcmp(key, *list))
			return true;
	return false;
}

static const char *label_in(const char *key, const char *const *list)
{
	if (!in_list(key, list))
		return "";
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].key, key))
			return labels[i].label;
	return "";
}

bool fac_stance_ok(const char *key)
{
	return in_list(key, fac_stance_keys);
}
const char *fac_stance_label(const char *key)
{
	return label_in(key, fac_stance_keys);
}
const char *fac_kind_label(const char *key)
{
	return label_in(key, fac_kind_keys);
}
const char *fac_sponsor_label(const char *key)
{
	return label_in(key, fac_sponsor_keys);
}
const char *fac_source_label(const char *key)
{
	return label_in(key, fac_source_keys);
}

static void add_error(struct person_errors *errs, const char *field, const char *message)
{
	if (errs && errs->n < PERSON_ERRORS_MAX) {
		errs->e[errs->n].field = field;
		errs->e[errs->n].message = message;
		errs->n++;
	}
}

static void audit_person(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			 int64_t person_id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, person_id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "person", oid, detail);
}

/* A date field that may not be in the future: "" or NULL is today. */
static bool past_date(const char *s, int32_t today, int32_t *out, const char *field, struct person_errors *errs)
{
	if (!s || !*s) {
		*out = today;
		return true;
	}
	if (date_parse(s, out) != 0) {
		add_error(errs, field, N_("Enter a date as YYYY-MM-DD."));
		return false;
	}
	if (*out > today) {
		add_error(errs, field, N_("The date cannot be in the future."));
		return false;
	}
	return true;
}

/* Text into a fixed field: valid UTF-8 that fits. */
static bool text_into(char *dst, size_t size, const char *s, const char *field, struct person_errors *errs)
{
	if (!s)
		s = "";
	size_t len = strlen(s);
	if (len >= size) {
		add_error(errs, field, N_("This text is too long."));
		return false;
	}
	if (!utf8_valid_text(s, len)) {
		add_error(errs, field, N_("This text contains characters that cannot be stored."));
		return false;
	}
	copy_str(dst, size, s);
	return true;
}

static int person_exists(struct accounts *ac, int64_t org_id, int64_t person_id)
{
	struct person p;
	return store_person_get(ac->store, org_id, person_id, &p);
}

/* A meeting of the directory: the organisation's own, or a public one of any. */
static int meeting_check(struct accounts *ac, int64_t org_id, int64_t id, struct person_errors *errs)
{
	if (id == 0)
		return 0;
	struct meeting *m = xmalloc(sizeof *m);
	int rc = id < 0 ? STORE_NOTFOUND : store_meeting_get(ac->store, org_id, id, m);
	if (rc == STORE_NOTFOUND && id > 0)
		rc = store_meeting_get_public(ac->store, id, m);
	free(m);
	if (rc == STORE_NOTFOUND) {
		add_error(errs, "meeting_id", N_("Choose a meeting from the directory."));
		return ACC_INVALID;
	}
	return rc;
}

int fac_record_stance(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		      const struct fac_stance_input *in, int32_t today, struct fac_stance *out,
		      struct person_errors *errs)
{
	int rc = person_exists(ac, org_id, person_id);
	if (rc)
		return rc;
	struct fac_stance *st = out;
	memset(st, 0, sizeof *st);
	st->person_id = person_id;
	st->revisit_on = DATE_NONE;
	bool ok = true;
	if (!fac_stance_ok(in->stance)) {
		add_error(errs, "stance", N_("Choose the person's stance."));
		ok = false;
	} else {
		copy_str(st->stance, sizeof st->stance, in->stance);
	}
	ok = past_date(in->on, today, &st->on_day, "on", errs) && ok;
	if (ok && !strcmp(st->stance, "declines")) {
		int32_t r;
		if (!in->revisit_on || !*in->revisit_on) {
			add_error(errs, "revisit_on", N_("Choose a day to take it up again."));
			ok = false;
		} else if (date_parse(in->revisit_on, &r) != 0) {
			add_error(errs, "revisit_on", N_("Enter a date as YYYY-MM-DD."));
			ok = false;
		} else if (r <= st->on_day || r < today) {
			add_error(errs, "revisit_on", N_("The day to take it up again must be later than the stance and not in the past."));
			ok = false;
		} else {
			st->revisit_on = r;
		}
	}
	ok = text_into(st->note, sizeof st->note, in->note, "note", errs) && ok;
	if (!ok)
		return ACC_INVALID;
	st->by_user = who->user_id;
	st->at = now_seconds();
	if ((rc = store_fac_stance_add(ac->store, org_id, st)))
		return rc;
	audit_person(ac, who, org_id, "facilitation.stance", person_id, st->stance);
	return 0;
}

int fac_record_action(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		      const struct fac_action_input *in, int32_t today, struct fac_action *out,
		      struct person_errors *errs)
{
	int rc = person_exists(ac, org_id, person_id);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->person_id = person_id;
	bool ok = true;
	if (!in_list(in->kind, fac_kind_keys)) {
		add_error(errs, "kind", N_("Choose what was done."));
		ok = false;
	} else {
		copy_str(out->kind, sizeof out->kind, in->kind);
	}
	ok = past_date(in->on, today, &out->on_day, "on", errs) && ok;
	rc = meeting_check(ac, org_id, in->meeting_id, errs);
	if (rc == ACC_INVALID)
		ok = false;
	else if (rc)
		return rc;
	out->meeting_id = in->meeting_id > 0 ? in->meeting_id : 0;
	out->stayed = in->stayed;
	ok = text_into(out->note, sizeof out->note, in->note, "note", errs) && ok;
	if (!ok)
		return ACC_INVALID;
	out->by_user = who->user_id;
	out->at = now_seconds();
	if ((rc = store_fac_action_add(ac->store, org_id, out)))
		return rc;
	audit_person(ac, who, org_id, "facilitation.action", person_id, out->kind);
	return 0;
}

int fac_record_meeting(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		       const struct fac_meeting_input *in, int32_t today, struct fac_meeting *out,
		       struct person_errors *errs)
{
	int rc = person_exists(ac, org_id, person_id);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->person_id = person_id;
	bool ok = past_date(in->on, today, &out->on_day, "on", errs);
	rc = meeting_check(ac, org_id, in->meeting_id, errs);
	if (rc == ACC_INVALID)
		ok = false;
	else if (rc)
		return rc;
	out->meeting_id = in->meeting_id > 0 ? in->meeting_id : 0;
	if (text_into(out->name, sizeof out->name, in->name, "name", errs)) {
		if (in->meeting_id == 0 && !out->name[0]) {
			add_error(errs, "name", N_("Choose a meeting from the directory or write its name."));
			ok = false;
		}
	} else {
		ok = false;
	}
	const char *src = in->source && *in->source ? in->source : "person_reported";
	if (!in_list(src, fac_source_keys)) {
		add_error(errs, "source", N_("Choose who reported the meeting."));
		ok = false;
	} else {
		copy_str(out->source, sizeof out->source, src);
	}
	out->accompanied = in->accompanied;
	out->stayed = in->stayed;
	if (!ok)
		return ACC_INVALID;
	out->by_user = who->user_id;
	out->at = now_seconds();
	if ((rc = store_fac_meeting_add(ac->store, org_id, out)))
		return rc;
	audit_person(ac, who, org_id, "facilitation.meeting", person_id, out->source);
	return 0;
}

int fac_set_profile(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct fac_profile_input *in, int32_t today, struct fac_profile *out,
		    struct person_errors *errs)
{
	int rc = person_exists(ac, org_id, person_id);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->org_id = org_id;
	out->person_id = person_id;
	out->sponsor_since = DATE_NONE;
	bool ok = true;
	if (!in_list(in->sponsor, fac_sponsor_keys)) {
		add_error(errs, "sponsor", N_("Choose the sponsor status."));
		ok = false;
	} else {
		copy_str(out->sponsor, sizeof out->sponsor, in->sponsor);
	}
	if (in->sponsor_since && *in->sponsor_since)
		ok = past_date(in->sponsor_since, today, &out->sponsor_since, "sponsor_since", errs) && ok;
	ok = text_into(out->home_group, sizeof out->home_group, in->home_group, "home_group", errs) && ok;
	if (!ok)
		return ACC_INVALID;
	out->updated_by = who->user_id;
	out->updated_at = now_seconds();
	if ((rc = store_fac_profile_set(ac->store, org_id, out)))
		return rc;
	audit_person(ac, who, org_id, "facilitation.profile", person_id, out->sponsor);
	return 0;
}

int fac_summary(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		int32_t today, const char *detail, struct fac_summary *out)
{
	int rc = person_exists(ac, org_id, person_id);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	struct fac_stance *sl = NULL;
	size_t n = 0;
	if ((rc = store_fac_stance_list(ac->store, org_id, person_id, 1, &sl, &n)))
		return rc;
	if (n) {
		out->has_stance = true;
		out->stance = sl[0];
	}
	free(sl);
	rc = store_fac_profile_get(ac->store, org_id, person_id, &out->profile);
	if (rc == STORE_NOTFOUND) {
		memset(&out->profile, 0, sizeof out->profile);
		out->profile.org_id = org_id;
		out->profile.person_id = person_id;
		copy_str(out->profile.sponsor, sizeof out->profile.sponsor, "none");
		out->profile.sponsor_since = DATE_NONE;
	} else if (rc) {
		return rc;
	}
	int32_t monday = date_week_monday(today);
	for (int w = 0; w < FAC_WEEKS; w++)
		out->week_start[w] = monday - 7 * (FAC_WEEKS - 1 - w);
	int32_t from = out->week_start[0] < today - 29 ? out->week_start[0] : today - 29;
	int32_t *days = NULL;
	if ((rc = store_fac_meeting_days(ac->store, org_id, person_id, from, today, &days, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (days[i] >= today - 29)
			out->meetings_30++;
		if (days[i] >= out->week_start[0])
			out->per_week[(days[i] - out->week_start[0]) / 7]++;
	}
	free(days);
	for (int w = 0; w < FAC_WEEKS; w++)
		if (out->per_week[w])
			out->weeks_with_meeting++;
	audit_person(ac, who, org_id, "facilitation.read", person_id, detail);
	return 0;
}

int fac_revisits_due(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t therapist_id,
		     int32_t today, int limit, struct fac_revisit **out, size_t *n)
{
	int rc = store_fac_revisits_due(ac->store, org_id, therapist_id, today, limit, out, n);
	if (rc || !*n)
		return rc;
	int64_t *ids = xmalloc(*n * sizeof *ids);
	for (size_t i = 0; i < *n; i++)
		ids[i] = (*out)[i].person_id;
	persons_audit_listed(ac, who, org_id, ids, *n, "facilitation.revisits");
	free(ids);
	return 0;
}
