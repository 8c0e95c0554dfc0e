/* relapses.c: relapse follow-up over the store, audited (see relapses.h). */
#include "domain/relapses.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/enrolments.h"

/* ---- pure rules ---- */

struct kl {
	const char *key, *label;
};
static const struct kl statuses[] = { { "draft", N_("Draft") },
				      { "confirmed", N_("Confirmed") },
				      { "rejected", N_("Rejected") },
				      { NULL, NULL } };
static const struct kl sources[] = { { "told", N_("Told by the person") },
				     { "test", N_("A test") },
				     { "other", N_("Other") },
				     { NULL, NULL } };
static const struct kl physician_statuses[] = { { "", N_("Not requested") },
						{ "planned", N_("Assessment planned") },
						{ "done", N_("Assessment done") },
						{ "declined", N_("Assessment declined") },
						{ NULL, NULL } };
static const struct kl detox_statuses[] = { { "", N_("No referral") },
					    { "planned", N_("Referral planned") },
					    { "admitted", N_("Admitted to detox") },
					    { "completed", N_("Detox completed") },
					    { "cancelled", N_("Referral cancelled") },
					    { NULL, NULL } };

static int kl_find(const struct kl *t, const char *key)
{
	if (!key)
		return -1;
	for (int i = 0; t[i].key; i++)
		if (!strcmp(t[i].key, key))
			return i;
	return -1;
}

static const char *kl_label(const struct kl *t, const char *key)
{
	int i = kl_find(t, key);
	return i < 0 ? (key ? key : "") : t[i].label;
}

int relapse_status_parse(const char *key)
{
	return kl_find(statuses, key);
}
bool relapse_source_ok(const char *key)
{
	return kl_find(sources, key) >= 0;
}
bool relapse_physician_status_ok(const char *key)
{
	return kl_find(physician_statuses, key) >= 0;
}
bool relapse_detox_status_ok(const char *key)
{
	return kl_find(detox_statuses, key) >= 0;
}
const char *relapse_status_label(const char *key)
{
	return kl_label(statuses, key);
}
const char *relapse_source_label(const char *key)
{
	return kl_label(sources, key);
}
const char *relapse_physician_status_label(const char *key)
{
	return kl_label(physician_statuses, key);
}
const char *relapse_detox_status_label(const char *key)
{
	return kl_label(detox_statuses, key);
}

const char *relapse_decide_check(const char *status, bool review, const char *decision, const char **to)
{
	int st = relapse_status_parse(status);
	*to = NULL;
	if (!decision)
		decision = "";
	if (!strcmp(decision, "confirm")) {
		if (st != 0)
			return N_("Only a draft relapse can be confirmed.");
		*to = "confirmed";
		return NULL;
	}
	if (!strcmp(decision, "reject")) {
		if (st == 0 || (st == 1 && review)) {
			*to = "rejected";
			return NULL;
		}
		return st == 1 ? N_("A confirmed relapse can be rejected only after the lab overturned its test.")
			       : N_("The relapse is already rejected.");
	}
	if (!strcmp(decision, "keep")) {
		if (st != 1 || !review)
			return N_("Only a confirmed relapse under review can be kept.");
		*to = "confirmed";
		return NULL;
	}
	return N_("Choose to confirm or reject the relapse.");
}

int32_t relapse_sober_since_after(int32_t current, int32_t relapse_day)
{
	int32_t next = relapse_day + 1;
	if (current == DATE_NONE || current < next)
		return next;
	return current;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int relapse_substances_normalize(const char *in, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return -1;
	out[0] = '\0';
	if (!in)
		return 0;
	char keys[RELAPSE_SUBSTANCES_MAX][RELAPSE_SUBSTANCE_KEY_MAX + 1];
	int nkeys = 0;
	const char *p = in;
	for (;;) {
		while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			if (!key_char(*p))
				return -1;
			p++;
		}
		size_t len = (size_t)(p - start);
		if (len > RELAPSE_SUBSTANCE_KEY_MAX)
			return -1;
		char key[RELAPSE_SUBSTANCE_KEY_MAX + 1];
		memcpy(key, start, len);
		key[len] = '\0';
		bool dup = false;
		for (int i = 0; i < nkeys; i++)
			dup |= !strcmp(keys[i], key);
		if (dup)
			continue;
		if (nkeys == RELAPSE_SUBSTANCES_MAX)
			return -1;
		memcpy(keys[nkeys++], key, len + 1);
	}
	size_t used = 0;
	for (int i = 0; i < nkeys; i++) {
		size_t len = strlen(keys[i]);
		if (used + len + (i ? 1 : 0) + 1 > outlen) {
			out[0] = '\0';
			return -1;
		}
		if (i)
			out[used++] = ',';
		memcpy(out + used, keys[i], len);
		used += len;
		out[used] = '\0';
	}
	return 0;
}

/* ---- services ---- */

static int field(struct field_error *fe, const char *name, const char *msg)
{
	if (fe) {
		fe->field = name;
		fe->message = msg;
	}
	return ACC_INVALID;
}

static int refuse(struct field_error *fe, const char *msg)
{
	if (fe) {
		fe->field = NULL;
		fe->message = msg;
	}
	return RELAPSES_REFUSED;
}

static void audit_relapse(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			  int64_t id, const struct store_relapse *r)
{
	char oid[24], detail[96] = "";
	snprintf(oid, sizeof oid, "%" PRId64, id);
	if (r)
		snprintf(detail, sizeof detail, "person %" PRId64 " %s%s", r->person_id, r->status,
			 r->review ? " review" : "");
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "relapse", oid, detail);
}

static void audit_person(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			 int64_t person_id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, person_id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "person", oid, detail);
}

/* A day field: "" → DATE_NONE (when optional); not after today when today != DATE_NONE. */
static int day_in(const char *s, bool required, int32_t today, const char *name, int32_t *out,
		  struct field_error *fe)
{
	*out = DATE_NONE;
	if (!s || !s[0])
		return required ? field(fe, name, N_("Enter the date.")) : 0;
	if (date_parse(s, out))
		return field(fe, name, N_("Give the date as YYYY-MM-DD."));
	if (today != DATE_NONE && *out > today)
		return field(fe, name, N_("The date cannot be in the future."));
	return 0;
}

/* The person's open enrolment (the newest), 0 if none. */
static int64_t open_enrolment(struct accounts *ac, int64_t org_id, int64_t person_id)
{
	struct enrolment_query q;
	memset(&q, 0, sizeof q);
	q.person_id = person_id;
	copy_str(q.status, sizeof q.status, "open");
	q.phase = -1;
	q.recent_from = DATE_NONE;
	q.sort = STORE_ENROL_BY_STARTED;
	q.limit = 1;
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0, id = 0;
	if (!store_enrolment_list(ac->store, org_id, &q, &rows, &n, &total) && n > 0)
		id = rows[0].e.id;
	free(rows);
	return id;
}

static void relapse_init(struct store_relapse *r)
{
	memset(r, 0, sizeof *r);
	r->conversation_on = r->physician_on = r->detox_on = DATE_NONE;
	r->paused_on = r->resumed_on = DATE_NONE;
	copy_str(r->status, sizeof r->status, "draft");
}

int relapses_create(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct relapse_in *in, int32_t today, int64_t *id, struct field_error *fe)
{
	struct store_relapse *r = xmalloc(sizeof *r);
	relapse_init(r);
	int rc = day_in(in->date, true, today, "date", &r->on_day, fe);
	if (!rc && relapse_substances_normalize(in->substances, r->substances, sizeof r->substances))
		rc = field(fe, "substances",
			   N_("Substances are keys of lowercase letters, digits, - and _ (at most 32 characters "
			      "each, at most 16), separated by commas."));
	if (!rc && !relapse_source_ok(in->source))
		rc = field(fe, "source", N_("Choose how staff learned of the relapse."));
	if (!rc) {
		copy_str(r->source, sizeof r->source, in->source);
		if (!strcmp(in->source, "test")) {
			if (!in->test_id || parse_int64(in->test_id, 1, INT64_MAX, &r->test_id))
				rc = field(fe, "test_id", N_("Give the test's number."));
		} else if (in->test_id && in->test_id[0]) {
			rc = field(fe, "test_id", N_("A test's number is given only when a test showed the relapse."));
		}
	}
	const char *text = in->source_text ? in->source_text : "";
	if (!rc && strlen(text) > STORE_RELAPSE_TEXT_MAX - 1)
		rc = field(fe, "source_text", N_("At most 500 bytes."));
	if (!rc && !strcmp(r->source, "other") && !text[0])
		rc = field(fe, "source_text", N_("Say how staff learned of the relapse."));
	if (!rc && strcmp(r->source, "other") && text[0])
		rc = field(fe, "source_text", N_("This text is only for a relapse learned of in another way."));
	if (!rc) {
		copy_str(r->source_text, sizeof r->source_text, text);
		r->person_id = person_id;
		r->enrolment_id = open_enrolment(ac, org_id, person_id);
		r->created_by = r->updated_by = who->user_id;
		rc = store_relapse_create(ac->store, org_id, r);
		if (rc == STORE_CONFLICT)
			rc = field(fe, "test_id", N_("This test already has a relapse record."));
	}
	if (!rc) {
		audit_relapse(ac, who, org_id, "relapse.create", r->id, r);
		if (id)
			*id = r->id;
	}
	free(r);
	return rc;
}

int relapses_draft_from_test(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
			     int64_t test_id, int32_t on_day, const char *substances, int64_t *relapse_id)
{
	if (test_id <= 0 || person_id <= 0 || on_day == DATE_NONE)
		return ACC_INVALID;
	struct store_relapse *r = xmalloc(sizeof *r);
	int rc = store_relapse_by_test(ac->store, org_id, test_id, r);
	if (!rc) {
		if (relapse_id)
			*relapse_id = r->id;
		rc = r->person_id == person_id ? 0 : ACC_INVALID;
		free(r);
		return rc;
	}
	if (rc != STORE_NOTFOUND) {
		free(r);
		return rc;
	}
	relapse_init(r);
	if (relapse_substances_normalize(substances, r->substances, sizeof r->substances)) {
		free(r);
		return ACC_INVALID;
	}
	r->person_id = person_id;
	r->on_day = on_day;
	copy_str(r->source, sizeof r->source, "test");
	r->test_id = test_id;
	r->enrolment_id = open_enrolment(ac, org_id, person_id);
	r->created_by = r->updated_by = who->user_id;
	rc = store_relapse_create(ac->store, org_id, r);
	if (rc == STORE_CONFLICT) /* opened meanwhile by another request */
		rc = store_relapse_by_test(ac->store, org_id, test_id, r);
	else if (!rc)
		audit_relapse(ac, who, org_id, "relapse.create", r->id, r);
	if (!rc && relapse_id)
		*relapse_id = r->id;
	free(r);
	return rc;
}

int relapses_test_overturned(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t test_id)
{
	struct store_relapse *r = xmalloc(sizeof *r);
	int rc = store_relapse_by_test(ac->store, org_id, test_id, r);
	if (rc == STORE_NOTFOUND) {
		free(r);
		return 0;
	}
	char was[STORE_KEY_MAX];
	copy_str(was, sizeof was, r->status);
	if (!rc && !strcmp(was, "draft")) {
		copy_str(r->status, sizeof r->status, "rejected");
		copy_str(r->decision_reason, sizeof r->decision_reason, "lab");
		r->decided_by = who->user_id;
		r->updated_by = who->user_id;
		rc = store_relapse_update(ac->store, org_id, r, was, false, DATE_NONE);
	} else if (!rc && !strcmp(was, "confirmed") && !r->review) {
		r->review = true;
		r->updated_by = who->user_id;
		rc = store_relapse_update(ac->store, org_id, r, was, false, DATE_NONE);
	} else {
		free(r);
		return rc;
	}
	if (!rc)
		audit_relapse(ac, who, org_id, "relapse.overturned", r->id, r);
	free(r);
	return rc;
}

int relapses_decide(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *decision,
		    const char *reason, struct field_error *fe)
{
	struct store_relapse *r = xmalloc(sizeof *r);
	int rc = store_relapse_get(ac->store, org_id, id, r);
	const char *to = NULL;
	if (!rc) {
		const char *why = relapse_decide_check(r->status, r->review, decision, &to);
		if (why)
			rc = decision && (!strcmp(decision, "confirm") || !strcmp(decision, "reject") ||
					  !strcmp(decision, "keep"))
				     ? refuse(fe, why)
				     : field(fe, "decision", why);
	}
	const char *text = reason ? reason : "";
	if (!rc && strlen(text) > STORE_RELAPSE_TEXT_MAX - 1)
		rc = field(fe, "reason", N_("At most 500 bytes."));
	if (!rc && !strcmp(decision, "reject") && !text[0])
		rc = field(fe, "reason", N_("Say why the relapse is rejected."));
	bool sober_set = false;
	int32_t sober = DATE_NONE;
	if (!rc && !strcmp(decision, "confirm")) {
		int32_t cur = DATE_NONE;
		rc = store_sober_since_get(ac->store, org_id, r->person_id, &cur);
		sober = relapse_sober_since_after(cur, r->on_day);
		sober_set = sober != cur;
	}
	if (!rc) {
		char was[STORE_KEY_MAX];
		copy_str(was, sizeof was, r->status);
		if (strcmp(decision, "keep")) {
			copy_str(r->status, sizeof r->status, to);
			copy_str(r->decision_reason, sizeof r->decision_reason, text);
			r->decided_by = who->user_id;
		}
		r->review = false;
		r->updated_by = who->user_id;
		rc = store_relapse_update(ac->store, org_id, r, was, sober_set, sober);
		if (rc == STORE_CONFLICT)
			rc = refuse(fe, N_("The relapse was changed meanwhile; look at it again."));
	}
	if (!rc) {
		char action[STORE_ACTION_MAX];
		snprintf(action, sizeof action, "relapse.%s", decision);
		audit_relapse(ac, who, org_id, action, id, r);
		if (sober_set)
			audit_person(ac, who, org_id, "sober_since.set", r->person_id, "relapse confirmed");
	}
	free(r);
	return rc;
}

int relapses_respond(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		     const struct relapse_response_in *in, struct field_error *fe)
{
	struct store_relapse *r = xmalloc(sizeof *r);
	int rc = store_relapse_get(ac->store, org_id, id, r);
	if (!rc && !strcmp(r->status, "rejected"))
		rc = refuse(fe, N_("A rejected relapse has no response."));
	int32_t today = date_today_cet();
	if (!rc)
		rc = day_in(in->conversation_date, false, today, "conversation_date", &r->conversation_on, fe);
	int64_t v = 0;
	if (!rc && in->plan_version && in->plan_version[0] && parse_int64(in->plan_version, 1, 100000, &v))
		rc = field(fe, "plan_version", N_("Give the number of a version of the plan."));
	if (!rc && v) {
		/* The changed plan is a saved version of the relapse's enrolment's plan. */
		struct store_plan_version pv = { 0 };
		int prc = r->enrolment_id ? store_plan_get(ac->store, org_id, r->enrolment_id, (int)v, &pv)
					  : STORE_NOTFOUND;
		free(pv.json);
		if (prc == STORE_NOTFOUND)
			rc = field(fe, "plan_version", N_("The enrolment's plan has no such version."));
		else
			rc = prc;
	}
	if (!rc)
		r->plan_version = (int)v;
	v = 0;
	if (!rc && in->extra_sessions && in->extra_sessions[0] && parse_int64(in->extra_sessions, 0, 100, &v))
		rc = field(fe, "extra_sessions", N_("Give a number of sessions from 0 to 100."));
	if (!rc)
		r->extra_sessions = (int)v;
	if (!rc && !copy_str(r->extra_sessions_text, sizeof r->extra_sessions_text,
			     in->extra_sessions_text ? in->extra_sessions_text : ""))
		rc = field(fe, "extra_sessions_text", N_("At most 500 bytes."));
	if (!rc)
		rc = day_in(in->physician_date, false, DATE_NONE, "physician_date", &r->physician_on, fe);
	const char *ps = in->physician_status ? in->physician_status : "";
	if (!rc && !relapse_physician_status_ok(ps))
		rc = field(fe, "physician_status", N_("Choose the state of the physician's assessment."));
	if (!rc)
		copy_str(r->physician_status, sizeof r->physician_status, ps);
	if (!rc && r->physician_on != DATE_NONE && !ps[0])
		rc = field(fe, "physician_status", N_("Choose the state of the physician's assessment."));
	if (!rc && !copy_str(r->detox_destination, sizeof r->detox_destination,
			     in->detox_destination ? in->detox_destination : ""))
		rc = field(fe, "detox_destination", N_("At most 200 bytes."));
	if (!rc)
		rc = day_in(in->detox_date, false, DATE_NONE, "detox_date", &r->detox_on, fe);
	const char *ds = in->detox_status ? in->detox_status : "";
	if (!rc && !relapse_detox_status_ok(ds))
		rc = field(fe, "detox_status", N_("Choose the state of the referral to detox."));
	if (!rc)
		copy_str(r->detox_status, sizeof r->detox_status, ds);
	if (!rc && ds[0] && !r->detox_destination[0])
		rc = field(fe, "detox_destination", N_("Say where the person is referred to detox."));
	if (!rc && !ds[0] && (r->detox_destination[0] || r->detox_on != DATE_NONE))
		rc = field(fe, "detox_status", N_("Choose the state of the referral to detox."));
	if (!rc) {
		char was[STORE_KEY_MAX];
		copy_str(was, sizeof was, r->status);
		r->updated_by = who->user_id;
		rc = store_relapse_update(ac->store, org_id, r, was, false, DATE_NONE);
		if (rc == STORE_CONFLICT)
			rc = refuse(fe, N_("The relapse was changed meanwhile; look at it again."));
	}
	if (!rc)
		audit_relapse(ac, who, org_id, "relapse.respond", id, r);
	free(r);
	return rc;
}

static int pause_or_resume(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
			   bool may_change_any, const char *date, int32_t today, bool pause, struct field_error *fe)
{
	struct store_relapse *r = xmalloc(sizeof *r);
	int rc = store_relapse_get(ac->store, org_id, id, r);
	int32_t day = today;
	if (!rc && date && date[0])
		rc = day_in(date, true, today, "date", &day, fe);
	int64_t eid = 0;
	if (!rc) {
		if (pause) {
			if (!strcmp(r->status, "rejected"))
				rc = refuse(fe, N_("A rejected relapse cannot pause the enrolment."));
			else if (r->paused_on != DATE_NONE && r->resumed_on == DATE_NONE)
				rc = refuse(fe, N_("This relapse has already paused the enrolment."));
			else if (!r->enrolment_id)
				rc = refuse(fe, N_("The person had no open enrolment at the relapse."));
			eid = r->enrolment_id;
		} else {
			if (r->paused_on == DATE_NONE || r->resumed_on != DATE_NONE)
				rc = refuse(fe, N_("This relapse has not paused the enrolment."));
			eid = r->paused_enrolment_id;
		}
	}
	if (!rc) {
		char reason[64];
		snprintf(reason, sizeof reason, "relapse #%" PRId64, id);
		struct enrolment_change c = { .kind = pause ? "pause" : "resume", .to_phase = -1, .date = NULL,
					      .reason = pause ? reason : NULL };
		char ds[11];
		date_format(day, ds);
		c.date = ds;
		struct person_errors errs;
		memset(&errs, 0, sizeof errs);
		rc = enrolments_change(ac, who, org_id, eid, may_change_any, &c, today, NULL, &errs);
		if (rc == ACC_INVALID) {
			const char *msg = errs.n ? errs.e[0].message : N_("The enrolment cannot be changed so.");
			rc = errs.n && errs.e[0].field && !strcmp(errs.e[0].field, "date") ? field(fe, "date", msg)
											 : refuse(fe, msg);
		} else if (rc == ENROL_FORBIDDEN) {
			rc = RELAPSES_FORBIDDEN;
		}
	}
	if (!rc) {
		char was[STORE_KEY_MAX];
		copy_str(was, sizeof was, r->status);
		if (pause) {
			r->paused_enrolment_id = eid;
			r->paused_on = day;
			r->resumed_on = DATE_NONE;
		} else {
			r->resumed_on = day;
		}
		r->updated_by = who->user_id;
		rc = store_relapse_update(ac->store, org_id, r, was, false, DATE_NONE);
	}
	if (!rc)
		audit_relapse(ac, who, org_id, pause ? "relapse.pause" : "relapse.resume", id, r);
	free(r);
	return rc;
}

int relapses_pause(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, bool may_change_any,
		   const char *date, int32_t today, struct field_error *fe)
{
	return pause_or_resume(ac, who, org_id, id, may_change_any, date, today, true, fe);
}

int relapses_resume(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, bool may_change_any,
		    const char *date, int32_t today, struct field_error *fe)
{
	return pause_or_resume(ac, who, org_id, id, may_change_any, date, today, false, fe);
}

int relapses_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, struct store_relapse *out)
{
	int rc = store_relapse_get(ac->store, org_id, id, out);
	if (!rc)
		audit_relapse(ac, who, org_id, "relapse.read", id, out);
	return rc;
}

int relapses_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  struct store_relapse **out, size_t *n)
{
	int rc = store_relapse_list(ac->store, org_id, person_id, 0, "", STORE_RELAPSE_LIST_MAX, out, n);
	if (!rc)
		audit_person(ac, who, org_id, "relapse.read", person_id, "list");
	return rc;
}

int relapses_drafts(struct accounts *ac, const struct actor *who, int64_t org_id, struct store_relapse **out,
		    size_t *n)
{
	int rc = store_relapse_list(ac->store, org_id, 0, who->user_id, "draft", 20, out, n);
	if (!rc && *n) {
		int64_t *ids = xmalloc(*n * sizeof *ids);
		for (size_t i = 0; i < *n; i++)
			ids[i] = (*out)[i].person_id;
		persons_audit_listed(ac, who, org_id, ids, *n, "relapse drafts");
		free(ids);
	}
	return rc;
}

int relapses_sober_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		       int32_t *day, bool *shown)
{
	*day = DATE_NONE;
	*shown = false;
	int rc = store_relapse_settings_get(ac->store, org_id, shown);
	if (!rc && *shown) {
		rc = store_sober_since_get(ac->store, org_id, person_id, day);
		if (!rc)
			audit_person(ac, who, org_id, "sober_since.read", person_id, "");
	}
	return rc;
}

int relapses_sober_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		       const char *date, int32_t today, struct field_error *fe)
{
	bool on = false;
	int rc = store_relapse_settings_get(ac->store, org_id, &on);
	if (!rc && !on)
		rc = refuse(fe, N_("The organisation does not use sober-since dates."));
	int32_t day = DATE_NONE;
	if (!rc)
		rc = day_in(date, false, today, "sober_since", &day, fe);
	if (!rc)
		rc = store_sober_since_set(ac->store, org_id, person_id, day, who->user_id);
	if (!rc)
		audit_person(ac, who, org_id, "sober_since.set", person_id, day == DATE_NONE ? "cleared" : "set");
	return rc;
}

int relapses_settings_get(struct accounts *ac, int64_t org_id, bool *show_sober_since)
{
	return store_relapse_settings_get(ac->store, org_id, show_sober_since);
}

int relapses_settings_set(struct accounts *ac, const struct actor *who, int64_t org_id, bool show_sober_since)
{
	int rc = store_relapse_settings_set(ac->store, org_id, show_sober_since, who->user_id);
	if (!rc)
	{
		char oid[24];
		snprintf(oid, sizeof oid, "%" PRId64, org_id);
		audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "relapse_settings.set", "org", oid,
			    show_sober_since ? "sober_since on" : "sober_since off");
	}
	return rc;
}
