/* stepwork.c: step changes and plan versions over the store, audited (see stepwork.h). */
#include "domain/stepwork.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"

static void audit_steps(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			int64_t id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "enrolment", oid, detail);
}

static void state_of(const struct store_step *s, struct step_state *st)
{
	step_state_init(st, s->step);
	int k = step_status_parse(s->status);
	st->status = k < 0 ? STEP_NOT_STARTED : (enum step_status)k;
	st->since = s->since;
	st->confirmed_by = s->confirmed_by;
	st->changes = s->changes;
	st->reopened = s->reopened;
}

static int load_states(struct accounts *ac, int64_t org_id, int64_t enrolment_id, struct step_state states[STEP_COUNT])
{
	struct store_step rows[STEP_COUNT];
	int rc = store_steps_get(ac->store, org_id, enrolment_id, rows);
	if (rc)
		return rc;
	for (int i = 0; i < STEP_COUNT; i++)
		state_of(&rows[i], &states[i]);
	return 0;
}

int stepwork_steps_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			struct step_state states[STEP_COUNT])
{
	int rc = load_states(ac, org_id, enrolment_id, states);
	if (rc)
		return rc;
	audit_steps(ac, who, org_id, "steps.read", enrolment_id, "");
	return 0;
}

int stepwork_step_events(struct accounts *ac, int64_t org_id, int64_t enrolment_id,
			 struct store_step_event **out, size_t *n)
{
	return store_step_events(ac->store, org_id, enrolment_id, out, n);
}

static int field(struct field_error *fe, const char *name, const char *msg)
{
	if (fe) {
		fe->field = name;
		fe->message = msg;
	}
	return ACC_INVALID;
}

int stepwork_step_change(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			 const struct step_change_in *in, int32_t today, struct step_state *out,
			 struct field_error *fe)
{
	if (in->step < 1 || in->step > STEP_COUNT)
		return field(fe, "step", N_("Choose a step from 1 to 12."));
	int to = in->to ? step_status_parse(in->to) : -1;
	if (to < 0)
		return field(fe, "to", N_("Choose the new status of the step."));
	int32_t date = today;
	if (in->date && in->date[0] && date_parse(in->date, &date))
		return field(fe, "date", N_("Give the date as YYYY-MM-DD."));
	struct step_state states[STEP_COUNT];
	int rc = load_states(ac, org_id, enrolment_id, states);
	if (rc)
		return rc;
	struct step_state st = states[in->step - 1];
	if (in->changes >= 0 && in->changes != st.changes)
		return STORE_CONFLICT;
	enum step_status from = st.status;
	const char *note = in->note ? in->note : "";
	const char *msg = step_transition(&st, (enum step_status)to, date, today, who->user_id, note);
	if (msg) {
		/* Dates and notes have their own field; everything else is about the move. */
		const char *f = strstr(msg, "date") ? "date" : strstr(msg, "reason") || strstr(msg, "note") ? "note" : "to";
		return field(fe, f, msg);
	}
	struct store_step row = { .step = st.step, .since = st.since, .confirmed_by = st.confirmed_by,
				  .changes = st.changes, .reopened = st.reopened };
	copy_str(row.status, sizeof row.status, step_status_key(st.status));
	struct store_step_event ev = { .on_day = date, .by_user = who->user_id };
	copy_str(ev.from_status, sizeof ev.from_status, step_status_key(from));
	copy_str(ev.to_status, sizeof ev.to_status, step_status_key(st.status));
	if (!copy_str(ev.note, sizeof ev.note, note))
		return field(fe, "note", N_("The note is too long."));
	rc = store_step_change(ac->store, org_id, enrolment_id, &row, states[in->step - 1].changes, &ev);
	if (rc)
		return rc;
	char detail[64];
	snprintf(detail, sizeof detail, "step %d %s->%s", st.step, step_status_key(from), step_status_key(st.status));
	audit_steps(ac, who, org_id, "step.change", enrolment_id, detail);
	if (out)
		*out = st;
	return 0;
}

int stepwork_plan_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
		       int number, struct plan *out, int *number_out, struct store_plan_version *meta)
{
	struct store_plan_version v;
	plan_init(out);
	if (number_out)
		*number_out = 0;
	if (meta)
		memset(meta, 0, sizeof *meta);
	int rc = store_plan_get(ac->store, org_id, enrolment_id, number, &v);
	if (rc == STORE_NOTFOUND && number == 0) {
		/* No version yet: an empty plan, if the enrolment is the organisation's. */
		struct store_plan_version *list;
		size_t n;
		rc = store_plan_versions(ac->store, org_id, enrolment_id, false, &list, &n);
		store_plan_versions_free(list, n);
		if (rc)
			return rc;
		audit_steps(ac, who, org_id, "plan.read", enrolment_id, "version 0");
		return 0;
	}
	if (rc)
		return rc;
	struct plan_error err;
	const char *msg = plan_parse(v.json, strlen(v.json), out, &err);
	free(v.json);
	v.json = NULL;
	if (msg) {
		plan_init(out);
		return STORE_ERROR;
	}
	if (number_out)
		*number_out = v.number;
	if (meta)
		*meta = v;
	char detail[32];
	snprintf(detail, sizeof detail, "version %d", v.number);
	audit_steps(ac, who, org_id, "plan.read", enrolment_id, detail);
	return 0;
}

int stepwork_plan_save(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
		       const struct plan *p, int expected, int *number_out, struct plan_error *err)
{
	if (plan_validate(p, err))
		return ACC_INVALID;
	struct store_plan_version latest = { 0 };
	struct plan_version prev = { 0 }, next = { 0 };
	int rc = store_plan_get(ac->store, org_id, enrolment_id, 0, &latest);
	if (rc == STORE_NOTFOUND) {
		/* No version yet, or no such enrolment: store_plan_save tells them apart. */
		rc = 0;
	} else if (rc) {
		return rc;
	}
	if (latest.number != expected) {
		free(latest.json);
		/* Asked for a version that cannot be: an unknown enrolment reads as none. */
		struct store_plan_version *list;
		size_t n;
		rc = store_plan_versions(ac->store, org_id, enrolment_id, false, &list, &n);
		store_plan_versions_free(list, n);
		return rc ? rc : STORE_CONFLICT;
	}
	if (latest.number) {
		prev.number = latest.number;
		prev.author = latest.author;
		prev.created_at = latest.created_at;
		prev.json = latest.json;
	}
	const char *msg = plan_version_make(latest.number ? &prev : NULL, p, who->user_id, now_seconds(), &next, err);
	free(latest.json);
	if (msg)
		return ACC_INVALID;
	struct store_plan_version v = { .author = who->user_id, .json = next.json };
	rc = store_plan_save(ac->store, org_id, enrolment_id, expected, &v);
	plan_version_release(&next);
	if (rc)
		return rc;
	char detail[32];
	snprintf(detail, sizeof detail, "version %d", v.number);
	audit_steps(ac, who, org_id, "plan.save", enrolment_id, detail);
	if (number_out)
		*number_out = v.number;
	return 0;
}

int stepwork_plan_versions(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			   struct store_plan_version **out, size_t *n)
{
	int rc = store_plan_versions(ac->store, org_id, enrolment_id, true, out, n);
	if (rc)
		return rc;
	audit_steps(ac, who, org_id, "plan.read", enrolment_id, "versions");
	return 0;
}
