/* outcomes.c: outcome measures over the store, audited (see outcomes.h). */
#include "domain/outcomes.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/orgquestionnaire.h"
#include "domain/persons.h"

/* ---- sex from an identity number ---- */

static bool all_digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

enum q_sex outcomes_sex_from_nid(const char *kind, const char *digits)
{
	if (!kind || !digits)
		return Q_SEX_UNKNOWN;
	int d;
	if (!strcmp(kind, "no_fnr") || !strcmp(kind, "no_dnr")) {
		if (!all_digits(digits, 11))
			return Q_SEX_UNKNOWN;
		d = digits[8] - '0';
	} else if (!strcmp(kind, "se_pnr") || !strcmp(kind, "se_samnr")) {
		if (!all_digits(digits, 12))
			return Q_SEX_UNKNOWN;
		d = digits[10] - '0';
	} else {
		return Q_SEX_UNKNOWN;
	}
	return d % 2 ? Q_SEX_MALE : Q_SEX_FEMALE;
}

/* ---- the due computation ---- */

void outcomes_phase_days(const struct enrolment *e, const struct enrolment_event *ev, size_t n,
			 int32_t start[STORE_PHASES_MAX], int32_t end[STORE_PHASES_MAX])
{
	for (int i = 0; i < STORE_PHASES_MAX; i++)
		start[i] = end[i] = DATE_NONE;
	for (size_t i = 0; i < n; i++) {
		const struct enrolment_event *x = &ev[i];
		if (e && x->enrolment_id != e->id)
			continue;
		int from = x->from_phase, to = x->to_phase;
		if (!strcmp(x->kind, "start") || !strcmp(x->kind, "phase")) {
			if (from >= 0 && from < STORE_PHASES_MAX && from != to)
				end[from] = x->on_day;
			if (to >= 0 && to < STORE_PHASES_MAX && start[to] == DATE_NONE)
				start[to] = x->on_day;
		} else if (!strcmp(x->kind, "complete") || !strcmp(x->kind, "discontinue")) {
			int ph = from >= 0 ? from : (e ? e->phase : -1);
			if (ph >= 0 && ph < STORE_PHASES_MAX)
				end[ph] = x->on_day;
		}
	}
	if (e && e->phase >= 0 && e->phase < STORE_PHASES_MAX && start[e->phase] == DATE_NONE)
		start[e->phase] = e->phase_since;
}

static int32_t anchor_day(const struct outcome_point *p, const struct programme *prog, const struct enrolment *e,
			  const int32_t start[STORE_PHASES_MAX], const int32_t end[STORE_PHASES_MAX])
{
	if (!strcmp(p->anchor, "start"))
		return e->started_on;
	for (int i = 0; prog && i < prog->nphases && i < STORE_PHASES_MAX; i++) {
		if (strcmp(prog->phases[i].key, p->phase_key))
			continue;
		return !strcmp(p->anchor, "phase_start") ? start[i] : end[i];
	}
	return DATE_NONE;
}

/* The next questionnaire id of a comma-separated list into id; the rest after it. */
static const char *next_qid(const char *s, char id[STORE_QID_MAX])
{
	size_t k = strcspn(s, ",");
	if (k >= STORE_QID_MAX)
		k = STORE_QID_MAX - 1;
	memcpy(id, s, k);
	id[k] = '\0';
	s += strcspn(s, ",");
	return *s ? s + 1 : s;
}

size_t outcomes_due_for(const struct outcome_point *pts, size_t npts, const struct programme *prog,
			const struct enrolment *e, const int32_t start[STORE_PHASES_MAX],
			const int32_t end[STORE_PHASES_MAX], const struct outcome_result *results, size_t nresults,
			int32_t today, struct outcome_due *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < npts && k < cap; i++) {
		const struct outcome_point *p = &pts[i];
		if (p->programme_id != e->programme_id)
			continue;
		int32_t a = anchor_day(p, prog, e, start, end);
		if (a == DATE_NONE)
			continue;
		int32_t due = date_add_months(a, p->offset_months) + p->offset_days;
		const char *s = p->questionnaires;
		while (*s && k < cap) {
			char qid[STORE_QID_MAX];
			s = next_qid(s, qid);
			if (!qid[0])
				continue;
			struct outcome_due *d = &out[k++];
			memset(d, 0, sizeof *d);
			d->enrolment_id = e->id;
			d->person_id = e->person_id;
			d->programme_id = e->programme_id;
			d->point = p;
			copy_str(d->questionnaire, sizeof d->questionnaire, qid);
			d->due_on = due;
			d->from = due - p->window_days;
			d->to = due + p->window_days;
			for (size_t j = 0; j < nresults; j++) {
				const struct outcome_result *r = &results[j];
				if (r->error_at || r->person_id != e->person_id || strcmp(r->questionnaire, qid))
					continue;
				bool named = r->point_id == p->id && (!r->enrolment_id || r->enrolment_id == e->id);
				if (named || (r->taken_on >= d->from && r->taken_on <= d->to)) {
					d->state = OUTCOME_DONE;
					d->result_id = r->id;
					break;
				}
			}
			if (d->state == OUTCOME_DONE)
				continue;
			if (today < d->from)
				d->state = OUTCOME_UPCOMING;
			else if (today <= d->to)
				d->state = OUTCOME_DUE;
			else
				d->state = OUTCOME_OVERDUE;
		}
	}
	return k;
}

size_t outcomes_default_schedule(struct outcome_point *out, size_t cap)
{
	static const struct {
		const char *label, *anchor, *phase;
		int months, window;
	} defs[] = {
		{ N_("At intake"), "start", "", 0, 14 },
		{ N_("End of day treatment"), "phase_end", "day_treatment", 0, 14 },
		{ N_("6 months in aftercare"), "phase_start", "aftercare", 6, 30 },
		{ N_("12 months in aftercare"), "phase_start", "aftercare", 12, 30 },
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof defs / sizeof defs[0] && n < cap; i++, n++) {
		struct outcome_point *p = &out[n];
		memset(p, 0, sizeof *p);
		copy_str(p->label, sizeof p->label, defs[i].label);
		copy_str(p->anchor, sizeof p->anchor, defs[i].anchor);
		copy_str(p->phase_key, sizeof p->phase_key, defs[i].phase);
		p->offset_months = defs[i].months;
		p->window_days = defs[i].window;
		copy_str(p->questionnaires, sizeof p->questionnaires, "audit,dudit,days-abstinent");
	}
	return n;
}

const char *outcomes_anchor_label(const char *anchor)
{
	if (!anchor)
		return NULL;
	if (!strcmp(anchor, "start"))
		return N_("The start of the enrolment");
	if (!strcmp(anchor, "phase_start"))
		return N_("The start of a phase");
	if (!strcmp(anchor, "phase_end"))
		return N_("The end of a phase");
	return NULL;
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

static const char *str(const char *s)
{
	return s ? s : "";
}

static void audit_person(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			 int64_t person_id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, person_id);
	audit_event(ac->audit, who ? who->user_id : 0, who ? who->email : "one-time link", org_id,
		    who ? who->addr : NULL, action, "person", oid, detail);
}

/* Validates and scores in into r (everything but who entered it). */
static int score_in(struct store *s, int64_t org_id, const struct outcome_in *in, int32_t today,
		    struct outcome_result *r, struct field_error *fe, struct q_error *qe)
{
	memset(r, 0, sizeof *r);
	const struct questionnaire *def = questionnaire_for_org(s, org_id, str(in->questionnaire));
	if (!def)
		return field(fe, "questionnaire", N_("Choose a questionnaire from the list."));
	int32_t day;
	if (date_parse(str(in->taken_on), &day))
		return field(fe, "taken_on", N_("Give the date as YYYY-MM-DD."));
	if (day > today)
		return field(fe, "taken_on", N_("The date cannot be in the future."));
	if (day < date_from_ymd(1990, 1, 1))
		return field(fe, "taken_on", N_("The date is too far back."));
	enum q_sex sex = Q_SEX_UNKNOWN;
	if (str(in->sex)[0]) {
		sex = q_sex_parse(in->sex);
		if (sex == Q_SEX_UNKNOWN)
			return field(fe, "sex", N_("Sex must be female or male."));
	}
	int64_t vals[Q_ITEMS_MAX];
	size_t n = in->nanswers > Q_ITEMS_MAX ? Q_ITEMS_MAX : in->nanswers; /* more: a wrong count */
	for (size_t i = 0; i < n; i++)
		vals[i] = in->answers[i];
	const char *days = str(in->days);
	if (days[0]) {
		if (strcmp(def->id, "days-abstinent") || strlen(days) != STORE_OUTCOME_DAYS ||
		    strspn(days, "01") != STORE_OUTCOME_DAYS)
			return field(fe, "days", N_("Mark the days on the calendar."));
		int64_t count = 0;
		for (int i = 0; i < STORE_OUTCOME_DAYS; i++)
			count += days[i] == '1';
		if (n == 0) {
			vals[0] = count;
			n = 1;
		} else if (n != 1 || vals[0] != count) {
			return field(fe, "days", N_("The number of days does not match the calendar."));
		}
		copy_str(r->days, sizeof r->days, days);
	}
	struct q_result res;
	if (questionnaire_score(def, vals, n, sex, &res, qe) != Q_OK)
		return OUTCOME_QINVALID;
	copy_str(r->questionnaire, sizeof r->questionnaire, def->id);
	r->version = def->version;
	r->taken_on = day;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%" PRId64, i ? "," : "", vals[i]);
	bool fit = copy_str(r->answers, sizeof r->answers, b.data);
	buf_release(&b);
	if (!fit)
		return field(fe, "answers", N_("Too many answers."));
	r->total = res.total;
	copy_str(r->zone, sizeof r->zone, res.zone ? res.zone->key : "");
	r->positive = res.has_positive ? (res.positive ? 1 : 0) : -1;
	struct buf f = BUF_INIT;
	for (size_t i = 0; i < res.ncutoffs; i++)
		if (res.reached[i])
			buf_addf(&f, "%s%s", f.len ? "," : "", def->cutoffs[i].key);
	copy_str(r->flags, sizeof r->flags, f.len ? f.data : "");
	buf_release(&f);
	copy_str(r->sex, sizeof r->sex, sex == Q_SEX_UNKNOWN ? "" : q_sex_name(sex));
	r->enrolment_id = in->enrolment_id;
	r->point_id = in->point_id;
	return 0;
}

int outcomes_record(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct outcome_in *in, int32_t today, struct outcome_result *out, struct field_error *fe,
		    struct q_error *qe)
{
	struct person p;
	int rc = store_person_get(ac->store, org_id, person_id, &p);
	if (rc)
		return rc;
	if (in->enrolment_id < 0)
		return field(fe, "enrolment_id", N_("Choose one of the person's enrolments."));
	if (in->point_id < 0)
		return field(fe, "point_id", N_("Choose a point of the schedule."));
	if (in->point_id) {
		struct outcome_point *pts = NULL;
		size_t npts = 0;
		bool found = false;
		rc = store_outcome_points(ac->store, org_id, 0, &pts, &npts, NULL);
		for (size_t i = 0; !rc && i < npts; i++)
			found = found || pts[i].id == in->point_id;
		free(pts);
		if (rc)
			return rc;
		if (!found)
			return field(fe, "point_id", N_("Choose a point of the schedule."));
	}
	struct outcome_result r;
	rc = score_in(ac->store, org_id, in, today, &r, fe, qe);
	if (rc)
		return rc;
	r.person_id = person_id;
	r.entered_by = who->user_id;
	r.self = false;
	rc = store_outcome_add(ac->store, org_id, &r);
	if (rc == STORE_INVALID)
		return field(fe, "enrolment_id", N_("Choose one of the person's enrolments."));
	if (rc)
		return rc;
	char detail[96];
	snprintf(detail, sizeof detail, "%s result %" PRId64, r.questionnaire, r.id);
	audit_person(ac, who, org_id, "outcome.create", person_id, detail);
	if (out)
		*out = r;
	return 0;
}

int outcomes_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  const char *detail, struct outcome_result **out, size_t *n)
{
	struct person p;
	int rc = store_person_get(ac->store, org_id, person_id, &p);
	if (!rc)
		rc = store_outcome_list(ac->store, org_id, person_id, out, n);
	if (!rc)
		audit_person(ac, who, org_id, "outcome.read", person_id, detail ? detail : "list");
	return rc;
}

int outcomes_mark_error(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
			const char *reason, int64_t *person_id, struct field_error *fe)
{
	struct outcome_result r;
	int rc = store_outcome_get(ac->store, org_id, id, &r);
	if (rc)
		return rc;
	const char *why = str(reason);
	size_t len = strlen(why);
	if (!len)
		return field(fe, "reason", N_("Say why the result was entered in error."));
	if (len >= STORE_TEXT_MAX || !utf8_valid_text(why, len))
		return field(fe, "reason", N_("The reason is too long (at most 1000 characters)."));
	rc = store_outcome_mark_error(ac->store, org_id, id, who->user_id, now_seconds(), why);
	if (rc)
		return rc;
	char detail[96];
	snprintf(detail, sizeof detail, "%s result %" PRId64, r.questionnaire, r.id);
	audit_person(ac, who, org_id, "outcome.error", r.person_id, detail);
	if (person_id)
		*person_id = r.person_id;
	return 0;
}

/* Seeds the default schedule into a day-treatment programme that has no points. */
static void seed_default(struct accounts *ac, int64_t org_id, const struct programme *prog)
{
	if (strcmp(prog->template_key, OUTCOME_DEFAULT_TEMPLATE))
		return;
	struct outcome_point pts[8];
	size_t n = outcomes_default_schedule(pts, 8);
	bool seeded = false;
	(void)store_outcome_schedule_seed(ac->store, org_id, prog->id, pts, n, &seeded);
}

int outcomes_schedule(struct accounts *ac, int64_t org_id, const struct programme *prog,
		      struct outcome_point **out, size_t *n)
{
	bool configured = false;
	int rc = store_outcome_points(ac->store, org_id, prog->id, out, n, &configured);
	if (!rc && !configured && !strcmp(prog->template_key, OUTCOME_DEFAULT_TEMPLATE)) {
		free(*out);
		*out = NULL;
		seed_default(ac, org_id, prog);
		rc = store_outcome_points(ac->store, org_id, prog->id, out, n, NULL);
	}
	return rc;
}

static int due_cmp(const void *a, const void *b)
{
	const struct outcome_due_row *x = a, *y = b;
	int ox = x->d.state == OUTCOME_OVERDUE, oy = y->d.state == OUTCOME_OVERDUE;
	if (ox != oy)
		return oy - ox;
	if (x->d.due_on != y->d.due_on)
		return x->d.due_on < y->d.due_on ? -1 : 1;
	if (x->d.person_id != y->d.person_id)
		return x->d.person_id < y->d.person_id ? -1 : 1;
	return strcmp(x->d.questionnaire, y->d.questionnaire);
}

int outcomes_due_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t therapist_id,
		      int32_t today, bool audit, struct outcome_due_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct programme *progs = NULL;
	size_t nprogs = 0;
	int rc = store_programme_list(ac->store, org_id, true, &progs, &nprogs);
	struct outcome_point *pts = NULL;
	size_t npts = 0;
	if (!rc) {
		for (size_t i = 0; i < nprogs; i++) {
			bool configured = true;
			struct outcome_point *tmp = NULL;
			size_t k = 0;
			if (!strcmp(progs[i].template_key, OUTCOME_DEFAULT_TEMPLATE) &&
			    !store_outcome_points(ac->store, org_id, progs[i].id, &tmp, &k, &configured) && !configured)
				seed_default(ac, org_id, &progs[i]);
			free(tmp);
		}
		rc = store_outcome_points(ac->store, org_id, 0, &pts, &npts, NULL);
	}
	struct enrolment_row *rows = NULL;
	size_t nrows = 0;
	if (!rc) {
		struct enrolment_query q = { .therapist_id = therapist_id, .phase = -1, .recent_from = DATE_NONE,
					     .sort = STORE_ENROL_BY_NAME, .limit = 1000 };
		copy_str(q.status, sizeof q.status, "open");
		rc = store_enrolment_list(ac->store, org_id, &q, &rows, &nrows, NULL);
	}
	struct enrolment_event *evs = NULL;
	size_t nevs = 0;
	if (!rc)
		rc = store_outcome_open_events(ac->store, org_id, &evs, &nevs);
	struct outcome_result *res = NULL;
	size_t nres = 0;
	if (!rc)
		rc = store_outcome_list(ac->store, org_id, 0, &res, &nres);
	struct outcome_due_row *list = NULL;
	size_t nlist = 0, cap = 0;
	int64_t *ids = NULL;
	size_t nids = 0;
	for (size_t i = 0; !rc && i < nrows; i++) {
		const struct enrolment *e = &rows[i].e;
		const struct programme *prog = NULL;
		for (size_t j = 0; j < nprogs; j++)
			if (progs[j].id == e->programme_id)
				prog = &progs[j];
		if (!prog)
			continue;
		/* This enrolment's events: a run in evs (ordered by enrolment). */
		size_t from = 0;
		while (from < nevs && evs[from].enrolment_id != e->id)
			from++;
		size_t to = from;
		while (to < nevs && evs[to].enrolment_id == e->id)
			to++;
		int32_t start[STORE_PHASES_MAX], end[STORE_PHASES_MAX];
		outcomes_phase_days(e, evs + from, to - from, start, end);
		struct outcome_due due[64];
		size_t k = outcomes_due_for(pts, npts, prog, e, start, end, res, nres, today, due, 64);
		bool listed = false;
		for (size_t j = 0; j < k; j++) {
			if (due[j].state != OUTCOME_DUE && due[j].state != OUTCOME_OVERDUE)
				continue;
			list = xgrow(list, &cap, nlist + 1, sizeof *list);
			struct outcome_due_row *row = &list[nlist++];
			memset(row, 0, sizeof *row);
			row->d = due[j];
			row->d.point = NULL; /* the points are freed below */
			row->point_id = due[j].point->id;
			copy_str(row->given_name, sizeof row->given_name, rows[i].given_name);
			copy_str(row->family_name, sizeof row->family_name, rows[i].family_name);
			copy_str(row->point_label, sizeof row->point_label, due[j].point->label);
			copy_str(row->programme_name, sizeof row->programme_name, prog->name);
			listed = true;
		}
		if (listed) {
			ids = xrealloc(ids, (nids + 1) * sizeof *ids);
			ids[nids++] = e->person_id;
		}
	}
	if (!rc && nlist)
		qsort(list, nlist, sizeof *list, due_cmp);
	if (!rc && nids && audit)
		persons_audit_listed(ac, who, org_id, ids, nids, "outcomes due");
	free(ids);
	free(res);
	free(evs);
	free(rows);
	free(pts);
	free(progs);
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	*n = nlist;
	return 0;
}

/* A whole number in [min, max] ("" is 0 when 0 is allowed); 0 or -1. */
static int parse_int_field(const char *s, int64_t min, int64_t max, int64_t *v)
{
	*v = 0;
	if (!s || !*s)
		return min <= 0 && max >= 0 ? 0 : -1;
	bool neg = s[0] == '-';
	if (parse_int64(neg ? s + 1 : s, 0, neg ? -min : max, v))
		return -1;
	if (neg)
		*v = -*v;
	return *v >= min && *v <= max ? 0 : -1;
}

int outcomes_point_add(struct accounts *ac, const struct actor *who, int64_t org_id, const struct programme *prog,
		       const struct outcome_point_in *in, struct outcome_point *out, struct field_error *fe)
{
	struct outcome_point p;
	memset(&p, 0, sizeof p);
	p.programme_id = prog->id;
	const char *label = str(in->label);
	size_t len = strlen(label);
	if (!len)
		return field(fe, "label", N_("Give the point a name."));
	if (len >= sizeof p.label || !utf8_valid_text(label, len) || strpbrk(label, "\t\r\n"))
		return field(fe, "label", N_("The name is too long (at most 100 characters)."));
	copy_str(p.label, sizeof p.label, label);
	if (!outcomes_anchor_label(str(in->anchor)))
		return field(fe, "anchor", N_("Choose what the point is counted from."));
	copy_str(p.anchor, sizeof p.anchor, in->anchor);
	if (strcmp(p.anchor, "start")) {
		bool found = false;
		for (int i = 0; i < prog->nphases; i++)
			found = found || !strcmp(prog->phases[i].key, str(in->phase_key));
		if (!found)
			return field(fe, "phase_key", N_("Choose a phase of the programme."));
		copy_str(p.phase_key, sizeof p.phase_key, in->phase_key);
	}
	int64_t v;
	if (parse_int_field(in->offset_months, 0, 120, &v))
		return field(fe, "offset_months", N_("Give the months as a whole number from 0 to 120."));
	p.offset_months = (int)v;
	if (parse_int_field(in->offset_days, -366, 3660, &v))
		return field(fe, "offset_days", N_("Give the days as a whole number from -366 to 3660."));
	p.offset_days = (int)v;
	if (parse_int_field(in->window_days, 0, 366, &v))
		return field(fe, "window_days", N_("Give the window as a whole number of days from 0 to 366."));
	p.window_days = (int)v;
	struct buf q = BUF_INIT;
	for (size_t i = 0; i < in->nquestionnaires; i++) {
		const struct questionnaire *def = questionnaire_for_org(ac->store, org_id, str(in->questionnaires[i]));
		if (!def) {
			buf_release(&q);
			return field(fe, "questionnaires", N_("Choose questionnaires from the list."));
		}
		if (!strstr(q.len ? q.data : "", def->id))
			buf_addf(&q, "%s%s", q.len ? "," : "", def->id);
	}
	if (!q.len) {
		buf_release(&q);
		return field(fe, "questionnaires", N_("Choose at least one questionnaire."));
	}
	copy_str(p.questionnaires, sizeof p.questionnaires, q.data);
	buf_release(&q);
	int rc = store_outcome_point_add(ac->store, org_id, &p);
	if (rc)
		return rc;
	char oid[24], detail[256];
	snprintf(oid, sizeof oid, "%" PRId64, prog->id);
	snprintf(detail, sizeof detail, "point %" PRId64 " %s", p.id, p.questionnaires);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "outcome.schedule.add", "programme", oid,
		    detail);
	if (out)
		*out = p;
	return 0;
}

int outcomes_point_remove(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id,
			  int64_t point_id)
{
	int rc = store_outcome_point_remove(ac->store, org_id, programme_id, point_id);
	if (rc)
		return rc;
	char oid[24], detail[64];
	snprintf(oid, sizeof oid, "%" PRId64, programme_id);
	snprintf(detail, sizeof detail, "point %" PRId64, point_id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "outcome.schedule.remove", "programme",
		    oid, detail);
	return 0;
}

int outcomes_link_create(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
			 const char *questionnaire, const char *hours, char token[OUTCOME_TOKEN_MAX],
			 struct outcome_link *out, struct field_error *fe)
{
	token[0] = '\0';
	struct person p;
	int rc = store_person_get(ac->store, org_id, person_id, &p);
	if (rc)
		return rc;
	const struct questionnaire *def = questionnaire_for_org(ac->store, org_id, str(questionnaire));
	if (!def)
		return field(fe, "questionnaire", N_("Choose a questionnaire from the list."));
	int64_t h = OUTCOME_LINK_HOURS_DEFAULT;
	if (str(hours)[0] && parse_int64(hours, OUTCOME_LINK_HOURS_MIN, OUTCOME_LINK_HOURS_MAX, &h))
		return field(fe, "hours", N_("Give the hours as a whole number from 1 to 336 (14 days)."));
	struct outcome_link l;
	memset(&l, 0, sizeof l);
	char secret[OUTCOME_TOKEN_MAX];
	random_token(secret, sizeof secret, OUTCOME_TOKEN_BYTES);
	sha256_hex(secret, strlen(secret), l.token_hash);
	l.person_id = person_id;
	copy_str(l.questionnaire, sizeof l.questionnaire, def->id);
	l.created_by = who->user_id;
	l.created_at = now_seconds();
	l.expires_at = l.created_at + h * 3600;
	rc = store_outcome_link_create(ac->store, org_id, &l);
	if (!rc) {
		copy_str(token, OUTCOME_TOKEN_MAX, secret);
		char detail[96];
		snprintf(detail, sizeof detail, "%s link %" PRId64 " hours %" PRId64, l.questionnaire, l.id, h);
		audit_person(ac, who, org_id, "outcome.link.create", person_id, detail);
		if (out)
			*out = l;
	}
	secure_wipe(secret, sizeof secret);
	return rc;
}

static void addr_hash(const char *addr, char out[STORE_HEX_MAX])
{
	struct buf salted = BUF_INIT;
	buf_adds(&salted, "tolv-outcome-link\n");
	buf_adds(&salted, addr ? addr : "");
	sha256_hex(salted.data, salted.len, out);
	buf_release(&salted);
}

static bool token_hash(const char *token, char out[STORE_HEX_MAX])
{
	if (!token || !token[0] || strlen(token) >= OUTCOME_TOKEN_MAX)
		return false;
	sha256_hex(token, strlen(token), out);
	return true;
}

int outcomes_link_check(struct accounts *ac, const char *addr, const char *token, int64_t now,
			struct outcome_link *out, enum outcome_link_state *state)
{
	char ah[STORE_HEX_MAX], th[STORE_HEX_MAX];
	addr_hash(addr, ah);
	int64_t recent = 0;
	int rc = store_outcome_attempt(ac->store, ah, false, now, now - OUTCOME_ATTEMPT_WINDOW, &recent);
	if (rc)
		return rc;
	if (recent >= OUTCOME_ATTEMPT_LIMIT) {
		*state = OLINK_THROTTLED;
		return 0;
	}
	rc = token_hash(token, th) ? store_outcome_link_find(ac->store, th, out) : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND) {
		*state = OLINK_UNKNOWN;
		return store_outcome_attempt(ac->store, ah, true, now, now - OUTCOME_ATTEMPT_WINDOW, &recent);
	}
	if (rc)
		return rc;
	if (out->used_at)
		*state = OLINK_USED;
	else if (out->expires_at <= now)
		*state = OLINK_EXPIRED;
	else
		*state = OLINK_OK;
	return 0;
}

int outcomes_link_submit(struct accounts *ac, const char *addr, const char *token, const struct outcome_in *in,
			 int32_t today, int64_t now, enum outcome_link_state *state, struct field_error *fe,
			 struct q_error *qe)
{
	struct outcome_link l;
	int rc = outcomes_link_check(ac, addr, token, now, &l, state);
	if (rc || *state != OLINK_OK)
		return rc;
	struct outcome_in x = *in;
	x.questionnaire = l.questionnaire;
	x.enrolment_id = l.enrolment_id;
	x.point_id = l.point_id;
	struct outcome_result r;
	rc = score_in(ac->store, l.org_id, &x, today, &r, fe, qe);
	if (rc)
		return rc;
	r.org_id = l.org_id;
	r.person_id = l.person_id;
	r.self = true;
	r.entered_by = 0;
	r.created_at = now;
	char th[STORE_HEX_MAX];
	token_hash(token, th);
	rc = store_outcome_link_consume(ac->store, th, now, &r);
	if (rc == STORE_CONFLICT) {
		*state = OLINK_USED;
		return 0;
	}
	if (rc == STORE_NOTFOUND) {
		*state = OLINK_UNKNOWN;
		return 0;
	}
	if (rc)
		return rc;
	char detail[96];
	snprintf(detail, sizeof detail, "%s result %" PRId64 " link %" PRId64, r.questionnaire, r.id, l.id);
	audit_person(ac, NULL, l.org_id, "outcome.link.use", l.person_id, detail);
	return 0;
}
