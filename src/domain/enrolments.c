/* enrolments.c: enrolment and phase changes through programme.h's state machine, the
 * person's timeline (see enrolments.h). */
#include "domain/enrolments.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/roles.h"

static void add_error(struct person_errors *errs, const char *field, const char *message)
{
	if (errs && errs->n < PERSON_ERRORS_MAX) {
		errs->e[errs->n].field = field;
		errs->e[errs->n].message = message;
		errs->n++;
	}
}

static void audit_enrolment(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			    int64_t id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "enrolment", oid, detail);
}

void enrolments_programme_def(const struct programme *p, struct programme_def *d)
{
	memset(d, 0, sizeof *d);
	d->key = p->template_key;
	d->label = p->name;
	d->nphases = p->nphases < 0 ? 0 : p->nphases > PROGRAMME_MAX_PHASES ? PROGRAMME_MAX_PHASES : p->nphases;
	d->min_steps = p->min_steps;
	for (int i = 0; i < d->nphases; i++) {
		const struct programme_phase *s = &p->phases[i];
		struct phase_def *f = &d->phases[i];
		f->key = s->key;
		f->label = s->label;
		f->target_days = s->target_days;
		f->min_days_per_week = s->min_days_per_week;
		f->min_hours_per_day = s->min_hours_per_day;
		f->max_hours_per_day = s->max_hours_per_day;
		f->min_months = s->min_months;
		f->max_months = s->max_months;
		f->sessions_per_week = s->sessions_per_week;
		f->session_minutes = s->session_minutes;
	}
}

void enrolments_state_of(const struct enrolment *e, int nphases, struct enrolment_state *st)
{
	memset(st, 0, sizeof *st);
	int s = enrolment_status_parse(e->status);
	st->status = s < 0 ? ENROL_ACTIVE : (enum enrolment_status)s;
	st->nphases = nphases;
	st->phase = e->phase;
	st->started = e->started_on;
	st->phase_since = e->phase_since;
	st->last_change = e->last_change_on;
	st->paused_since = e->paused_since;
	st->ended = e->ended_on;
	int rk = e->reason_key[0] ? discontinue_reason_parse(e->reason_key) : DISC_NONE;
	st->reason = rk < 0 ? DISC_OTHER : (enum discontinue_reason)rk;
	st->pauses = e->pauses;
}

static void state_into(const struct enrolment_state *st, struct enrolment *e)
{
	copy_str(e->status, sizeof e->status, enrolment_status_key(st->status));
	e->phase = st->phase;
	e->started_on = st->started;
	e->phase_since = st->phase_since;
	e->last_change_on = st->last_change;
	e->paused_since = st->paused_since;
	e->ended_on = st->ended;
	copy_str(e->reason_key, sizeof e->reason_key, st->reason == DISC_NONE ? "" : discontinue_reason_key(st->reason));
	e->pauses = st->pauses;
}

bool enrolments_therapist_ok(struct accounts *ac, int64_t org_id, int64_t user_id)
{
	struct membership m;
	if (user_id <= 0 || store_membership_get(ac->store, user_id, org_id, &m) != STORE_OK || m.disabled)
		return false;
	enum role r = role_parse(m.role);
	return r == ROLE_THERAPIST || r == ROLE_COORDINATOR || r == ROLE_ADMIN;
}

/* A date field: "" or NULL is today. */
static bool parse_date(const char *s, int32_t today, int32_t *out)
{
	if (!s || !*s) {
		*out = today;
		return true;
	}
	return date_parse(s, out) == 0;
}

int enrolments_create(struct accounts *ac, const struct actor *who, int64_t org_id, const struct enrolment_new *in,
		      int32_t today, struct enrolment *out, struct person_errors *errs)
{
	struct store *s = ac->store;
	struct person p;
	int rc = store_person_get(s, org_id, in->person_id, &p);
	if (rc)
		return rc;
	struct programme prog;
	if (in->programme_id <= 0) {
		add_error(errs, "programme", N_("Choose a programme."));
	} else if ((rc = store_programme_get(s, org_id, in->programme_id, &prog)) == STORE_NOTFOUND) {
		add_error(errs, "programme", N_("Choose a programme."));
	} else if (rc) {
		return rc;
	} else if (!prog.active) {
		add_error(errs, "programme", N_("The programme is no longer in use."));
	}
	if (in->therapist_id && !enrolments_therapist_ok(ac, org_id, in->therapist_id))
		add_error(errs, "therapist", N_("Choose a therapist of this organisation."));
	if (in->referral_id) {
		struct referral ref;
		rc = store_referral_get(s, org_id, in->referral_id, &ref);
		if (rc == STORE_NOTFOUND || (rc == STORE_OK && ref.person_id && ref.person_id != p.id))
			add_error(errs, "referral", N_("Choose one of the person's referrals."));
		else if (rc)
			return rc;
	}
	int32_t start;
	if (!parse_date(in->start_date, today, &start)) {
		add_error(errs, "start_date", N_("Enter the date as YYYY-MM-DD."));
		start = DATE_NONE;
	}
	if (errs->n)
		return ACC_INVALID;

	/* Refused while an earlier enrolment in the programme is open (or ended by death). */
	struct enrolment_query q = { .programme_id = prog.id, .person_id = p.id, .phase = -1,
				     .recent_from = DATE_NONE, .sort = STORE_ENROL_BY_STARTED, .limit = 1000 };
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	rc = store_enrolment_list(s, org_id, &q, &rows, &n, NULL);
	if (rc) {
		free(rows);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		struct enrolment_state prev;
		enrolments_state_of(&rows[i].e, prog.nphases, &prev);
		const char *why = enrolment_check_reenrol(&prev);
		if (why) {
			add_error(errs, "programme", why);
			break;
		}
	}
	free(rows);
	if (errs->n)
		return ACC_INVALID;

	struct programme_def def;
	enrolments_programme_def(&prog, &def);
	struct enrolment_state st;
	const char *why = enrolment_start(&st, &def, start, today);
	if (why) {
		add_error(errs, "start_date", why);
		return ACC_INVALID;
	}
	struct enrolment e;
	memset(&e, 0, sizeof e);
	e.person_id = p.id;
	e.programme_id = prog.id;
	e.therapist_id = in->therapist_id;
	e.referral_id = in->referral_id;
	state_into(&st, &e);
	struct enrolment_event ev;
	memset(&ev, 0, sizeof ev);
	copy_str(ev.kind, sizeof ev.kind, "start");
	ev.from_phase = -1;
	ev.to_phase = st.phase;
	ev.on_day = start;
	ev.by_user = who->user_id;
	rc = store_enrolment_create(s, org_id, &e, &ev);
	if (rc == STORE_CONFLICT) {
		add_error(errs, "programme",
			  N_("The person is still enrolled in this programme; complete or discontinue that enrolment "
			     "first."));
		return ACC_INVALID;
	}
	if (rc)
		return rc;
	char detail[64];
	snprintf(detail, sizeof detail, "programme=%" PRId64, prog.id);
	audit_enrolment(ac, who, org_id, "enrolment.create", e.id, detail);
	if (out)
		*out = e;
	return 0;
}

int enrolments_change(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		      bool may_change_any, const struct enrolment_change *c, int32_t today, struct enrolment *out,
		      struct person_errors *errs)
{
	struct store *s = ac->store;
	struct enrolment e;
	int rc = store_enrolment_get(s, org_id, id, &e);
	if (rc)
		return rc;
	static const char *const kinds[] = { "phase", "pause", "resume", "complete", "discontinue" };
	bool known = false;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		known = known || (c->kind && !strcmp(c->kind, kinds[i]));
	if (!known) {
		add_error(errs, "kind",
			  N_("Choose what happens: a phase change, a pause, resuming, completion or discontinuation."));
		return ACC_INVALID;
	}
	/* Input is judged before permission, so a bad request gets the same answer from anyone. */
	if (!may_change_any && e.therapist_id != who->user_id)
		return ENROL_FORBIDDEN;
	if (c->version > 0 && c->version != e.version)
		return STORE_CONFLICT;
	struct programme prog;
	rc = store_programme_get(s, org_id, e.programme_id, &prog);
	if (rc)
		return rc;
	int32_t date;
	if (!parse_date(c->date, today, &date)) {
		add_error(errs, "date", N_("Enter the date as YYYY-MM-DD."));
		return ACC_INVALID;
	}
	struct enrolment_state st;
	enrolments_state_of(&e, prog.nphases, &st);
	int from = st.phase;
	const char *kind = c->kind ? c->kind : "";
	const char *why = NULL, *field = "kind";
	const char *reason = c->reason && *c->reason ? c->reason : NULL;
	if (!strcmp(kind, "phase")) {
		int to = c->to_phase < 0 ? st.phase + 1 : c->to_phase;
		if (c->to_phase < 0 && to >= prog.nphases) {
			why = N_("The person is in the last phase; complete the enrolment instead.");
			field = "to_phase";
		} else {
			why = enrolment_move_phase(&st, to, reason, date, today);
			field = "to_phase";
		}
	} else if (!strcmp(kind, "pause")) {
		why = enrolment_pause(&st, reason, date, today);
		field = "reason";
	} else if (!strcmp(kind, "resume")) {
		why = enrolment_resume(&st, date, today);
	} else if (!strcmp(kind, "complete")) {
		why = enrolment_complete(&st, date, today);
	} else if (!strcmp(kind, "discontinue")) {
		int r = c->reason_key && *c->reason_key ? discontinue_reason_parse(c->reason_key) : DISC_NONE;
		if (r <= 0) {
			why = N_("Choose why the enrolment ends.");
			field = "reason_key";
		} else {
			why = enrolment_discontinue(&st, (enum discontinue_reason)r, reason, date, today);
			field = "reason";
		}
	} else {
		why = N_("Choose what happens: a phase change, a pause, resuming, completion or discontinuation.");
	}
	if (why) {
		/* Name the field the rule is about where the message says so. */
		if (strstr(why, "date") || strstr(why, "future"))
			field = "date";
		else if (!strcmp(field, "to_phase") && strstr(why, "reason"))
			field = "reason";
		else if (strstr(why, "paused") || strstr(why, "completed") || strstr(why, "discontinued") ||
			 strstr(why, "last phase"))
			field = strcmp(field, "to_phase") ? "kind" : field;
		add_error(errs, field, why);
		return ACC_INVALID;
	}
	struct enrolment next = e;
	state_into(&st, &next);
	if (!strcmp(kind, "discontinue"))
		copy_str(next.reason_note, sizeof next.reason_note, reason ? reason : "");
	struct enrolment_event ev;
	memset(&ev, 0, sizeof ev);
	copy_str(ev.kind, sizeof ev.kind, kind);
	ev.from_phase = from;
	ev.to_phase = st.phase;
	ev.on_day = date;
	ev.by_user = who->user_id;
	if (!strcmp(kind, "discontinue")) {
		/* The event keeps the reason key with the note, so the timeline shows both. */
		struct buf b = BUF_INIT;
		buf_adds(&b, next.reason_key);
		if (reason) {
			buf_adds(&b, ": ");
			buf_adds(&b, reason);
		}
		copy_str(ev.reason, sizeof ev.reason, b.data);
		buf_release(&b);
	} else if (reason && (strcmp(kind, "phase") || c->to_phase >= 0)) {
		copy_str(ev.reason, sizeof ev.reason, reason);
	}
	rc = store_enrolment_change(s, org_id, &next, c->version > 0 ? c->version : e.version, &ev);
	if (rc)
		return rc;
	char action[STORE_ACTION_MAX], detail[64];
	snprintf(action, sizeof action, "enrolment.%s", kind);
	snprintf(detail, sizeof detail, "phase %d->%d", from, st.phase);
	audit_enrolment(ac, who, org_id, action, id, detail);
	if (out)
		*out = next;
	return 0;
}

int enrolments_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *detail,
		    struct enrolment *out)
{
	int rc = store_enrolment_get(ac->store, org_id, id, out);
	if (rc)
		return rc;
	audit_enrolment(ac, who, org_id, "enrolment.read", id, detail);
	return 0;
}

static const struct {
	const char *key, *label;
} referral_labels[] = {
	{ "received", N_("Received") },
	{ "assessed", N_("Assessed") },
	{ "offered_conversation", N_("Offered a pre-treatment conversation") },
	{ "accepted", N_("Accepted") },
	{ "declined", N_("Declined") },
	{ "referred_elsewhere", N_("Referred elsewhere") },
	{ "waiting_list", N_("On the waiting list") },
};

const char *referral_status_label(const char *key)
{
	for (size_t i = 0; i < sizeof referral_labels / sizeof referral_labels[0]; i++)
		if (!strcmp(referral_labels[i].key, key))
			return referral_labels[i].label;
	return key;
}

static const struct {
	const char *key, *label;
} event_labels[] = {
	{ "start", N_("Enrolled") },	     { "phase", N_("Moved to another phase") },
	{ "pause", N_("Paused") },	     { "resume", N_("Resumed") },
	{ "complete", N_("Completed") },     { "discontinue", N_("Discontinued") },
	{ "therapist", N_("New primary therapist") },
};

const char *enrolment_event_label(const char *kind)
{
	for (size_t i = 0; i < sizeof event_labels / sizeof event_labels[0]; i++)
		if (!strcmp(event_labels[i].key, kind))
			return event_labels[i].label;
	return kind;
}

struct tl {
	struct timeline_item *v;
	size_t n, cap;
};

static struct timeline_item *tl_add(struct tl *t)
{
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	struct timeline_item *it = &t->v[t->n];
	memset(it, 0, sizeof *it);
	/* Histories are read oldest first, so a later item of the same second is newer;
	 * qsort is not stable, so the order of recording must be part of the key. */
	it->seq = t->n++;
	return it;
}

static int tl_cmp(const void *a, const void *b)
{
	const struct timeline_item *x = a, *y = b;
	if (x->day != y->day)
		return x->day > y->day ? -1 : 1;
	if (x->at != y->at)
		return x->at > y->at ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq > y->seq ? -1 : 1;
	return 0;
}

static const struct programme *prog_of(const struct programme *ps, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i].id == id)
			return &ps[i];
	return NULL;
}

static void phase_label(const struct programme *p, int idx, char *out, size_t outlen)
{
	out[0] = '\0';
	if (p && idx >= 0 && idx < p->nphases)
		copy_str(out, outlen, p->phases[idx].label);
}

int enrolments_timeline(struct accounts *ac, int64_t org_id, int64_t person_id, struct timeline_item **out,
			size_t *n)
{
	struct store *s = ac->store;
	struct tl t = { 0 };
	struct programme *ps = NULL;
	size_t nps = 0;
	struct referral *refs = NULL;
	size_t nrefs = 0;
	struct enrolment_row *ens = NULL;
	size_t nens = 0;
	int rc = store_programme_list(s, org_id, true, &ps, &nps);
	if (rc)
		goto out;
	struct referral_query rq = { .person_id = person_id, .limit = 1000 };
	rc = store_referral_list(s, org_id, &rq, &refs, &nrefs, NULL);
	if (rc)
		goto out;
	for (size_t i = 0; i < nrefs; i++) {
		struct referral_event *h = NULL;
		size_t nh = 0;
		rc = store_referral_history(s, org_id, refs[i].id, &h, &nh);
		if (rc) {
			free(h);
			goto out;
		}
		const struct programme *p = prog_of(ps, nps, refs[i].programme_id);
		for (size_t k = 0; k < nh; k++) {
			struct timeline_item *it = tl_add(&t);
			it->day = h[k].on_day;
			it->at = h[k].at;
			copy_str(it->type, sizeof it->type, "referral");
			copy_str(it->kind, sizeof it->kind, h[k].to_status);
			it->ref_id = refs[i].id;
			it->programme_id = refs[i].programme_id;
			if (p)
				copy_str(it->programme, sizeof it->programme, p->name);
			copy_str(it->text, sizeof it->text, h[k].note);
			it->by_user = h[k].by_user;
		}
		free(h);
	}
	struct enrolment_query eq = { .person_id = person_id, .phase = -1, .recent_from = DATE_NONE,
				      .sort = STORE_ENROL_BY_STARTED, .limit = 1000 };
	rc = store_enrolment_list(s, org_id, &eq, &ens, &nens, NULL);
	if (rc)
		goto out;
	for (size_t i = 0; i < nens; i++) {
		const struct enrolment *e = &ens[i].e;
		const struct programme *p = prog_of(ps, nps, e->programme_id);
		struct enrolment_event *evs = NULL;
		size_t nev = 0;
		rc = store_enrolment_events(s, org_id, e->id, &evs, &nev);
		if (rc) {
			free(evs);
			goto out;
		}
		for (size_t k = 0; k < nev; k++) {
			struct timeline_item *it = tl_add(&t);
			it->day = evs[k].on_day;
			it->at = evs[k].at;
			copy_str(it->type, sizeof it->type, "enrolment");
			copy_str(it->kind, sizeof it->kind, evs[k].kind);
			it->ref_id = e->id;
			it->programme_id = e->programme_id;
			if (p)
				copy_str(it->programme, sizeof it->programme, p->name);
			phase_label(p, evs[k].from_phase, it->from_phase, sizeof it->from_phase);
			phase_label(p, evs[k].to_phase, it->to_phase, sizeof it->to_phase);
			copy_str(it->text, sizeof it->text, evs[k].reason);
			it->by_user = evs[k].by_user;
		}
		free(evs);
		struct attendance *as = NULL;
		size_t nas = 0;
		rc = store_attendance_of_enrolment(s, org_id, e->id, DATE_NONE, DATE_NONE, &as, &nas);
		if (rc) {
			free(as);
			goto out;
		}
		for (size_t k = 0; k < nas; k++) {
			if (!as[k].attended)
				continue;
			struct timeline_item *it = tl_add(&t);
			it->day = as[k].on_day;
			it->at = as[k].recorded_at;
			copy_str(it->type, sizeof it->type, "attendance");
			copy_str(it->kind, sizeof it->kind, as[k].kind);
			it->ref_id = e->id;
			it->programme_id = e->programme_id;
			if (p)
				copy_str(it->programme, sizeof it->programme, p->name);
			it->minutes = as[k].minutes;
			it->by_user = as[k].recorded_by;
		}
		free(as);
		struct store_step_event *ses = NULL;
		size_t nses = 0;
		rc = store_step_events(s, org_id, e->id, &ses, &nses);
		if (rc) {
			free(ses);
			goto out;
		}
		for (size_t k = 0; k < nses; k++) {
			struct timeline_item *it = tl_add(&t);
			it->day = ses[k].on_day;
			it->at = ses[k].at;
			copy_str(it->type, sizeof it->type, "step");
			copy_str(it->kind, sizeof it->kind, ses[k].to_status);
			copy_str(it->from_status, sizeof it->from_status, ses[k].from_status);
			it->number = ses[k].step;
			it->ref_id = e->id;
			it->programme_id = e->programme_id;
			if (p)
				copy_str(it->programme, sizeof it->programme, p->name);
			copy_str(it->text, sizeof it->text, ses[k].note);
			it->by_user = ses[k].by_user;
		}
		free(ses);
		struct store_plan_version *pvs = NULL;
		size_t npvs = 0;
		rc = store_plan_versions(s, org_id, e->id, false, &pvs, &npvs);
		if (rc == STORE_NOTFOUND) {
			rc = 0; /* no plan saved yet */
			npvs = 0;
		}
		if (rc) {
			store_plan_versions_free(pvs, npvs);
			goto out;
		}
		for (size_t k = 0; k < npvs; k++) {
			struct timeline_item *it = tl_add(&t);
			it->day = date_from_unix_cet(pvs[k].created_at);
			it->at = pvs[k].created_at;
			copy_str(it->type, sizeof it->type, "plan");
			it->number = pvs[k].number;
			it->ref_id = e->id;
			it->programme_id = e->programme_id;
			if (p)
				copy_str(it->programme, sizeof it->programme, p->name);
			it->by_user = pvs[k].author;
		}
		store_plan_versions_free(pvs, npvs);
	}
	/* Clinical notes: type, day, state and author only — the text stays on /notes/{id}
	 * (store_note_heads reads no text). Drafts show as the notes list shows them with
	 * viewer 0. */
	{
		struct store_note_head *ns = NULL;
		size_t nn = 0;
		rc = store_note_heads(s, org_id, person_id, &ns, &nn);
		if (rc) {
			free(ns);
			goto out;
		}
		for (size_t k = 0; k < nn; k++) {
			struct timeline_item *it = tl_add(&t);
			it->day = ns[k].on_day;
			it->at = ns[k].signed_at ? ns[k].signed_at : ns[k].drafted_at;
			copy_str(it->type, sizeof it->type, "note");
			copy_str(it->kind, sizeof it->kind, ns[k].type);
			it->ref_id = ns[k].id;
			it->is_signed = ns[k].signed_at != 0;
			it->by_user = ns[k].author;
		}
		free(ns);
	}
	/* Relapses (issue 6, domain/relapses.h): day and status only, never free text. */
	{
		struct store_relapse *rs = NULL;
		size_t nr = 0;
		rc = store_relapse_list(s, org_id, person_id, 0, "", STORE_RELAPSE_LIST_MAX, &rs, &nr);
		if (rc) {
			free(rs);
			goto out;
		}
		for (size_t k = 0; k < nr; k++) {
			struct timeline_item *it = tl_add(&t);
			it->day = rs[k].on_day;
			it->at = rs[k].created_at;
			copy_str(it->type, sizeof it->type, "relapse");
			copy_str(it->kind, sizeof it->kind, rs[k].status);
			it->ref_id = rs[k].id;
			it->by_user = rs[k].decided_by ? rs[k].decided_by : rs[k].created_by;
		}
		free(rs);
	}
	/* --- end of relapses --- */
	if (t.n)
		qsort(t.v, t.n, sizeof *t.v, tl_cmp);
out:
	free(ps);
	free(refs);
	free(ens);
	if (rc) {
		free(t.v);
		*out = NULL;
		*n = 0;
		return rc;
	}
	*out = t.v;
	*n = t.n;
	return 0;
}

int timeline_show_parse(const char *show, const char **type)
{
	static const struct {
		const char *show, *type;
	} shows[] = { { "referrals", "referral" }, { "phases", "enrolment" }, { "attendance", "attendance" },
		      { "steps", "step" },         { "plan", "plan" },          { "notes", "note" },
		      { "relapses", "relapse" } /* issue 6 */ };
	*type = NULL;
	if (!show || !show[0] || !strcmp(show, "all"))
		return 0;
	for (size_t i = 0; i < sizeof shows / sizeof shows[0]; i++)
		if (!strcmp(show, shows[i].show)) {
			*type = shows[i].type;
			return 0;
		}
	return -1;
}

void timeline_filter(struct timeline_item *v, size_t *n, const char *type)
{
	if (!type)
		return;
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i].type, type)) {
			if (k != i)
				v[k] = v[i];
			k++;
		}
	*n = k;
}
