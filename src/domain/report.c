/* report.c: the figures of the programme report (see report.h). */
#include "domain/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/rosters.h"

/* ---- small figures ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

double report_median(int32_t *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_i32);
	if (n % 2)
		return v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

double report_rate_per_100(int64_t events, int64_t days)
{
	return days > 0 ? 100.0 * (double)events / (double)days : NAN;
}

double report_share(int64_t part, int64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : NAN;
}

double report_per_week(int64_t count, int64_t days)
{
	return days > 0 ? 7.0 * (double)count / (double)days : NAN;
}

const char *const report_outcome_ids[REPORT_OUTCOMES] = { "audit", "dudit", "days-abstinent" };
const bool report_outcome_higher_better[REPORT_OUTCOMES] = { false, false, true };

double report_outcome_mean_change(const struct report_figures *f, int k)
{
	if (k < 0 || k >= REPORT_OUTCOMES || f->out_n[k] <= 0)
		return NAN;
	return (double)(f->out_follow_sum[k] - f->out_base_sum[k]) / (double)f->out_n[k];
}

/* ---- Kaplan–Meier ---- */

static int cmp_obs(const void *a, const void *b)
{
	const struct report_km_obs *x = a, *y = b;
	return (x->days > y->days) - (x->days < y->days);
}

size_t report_km(struct report_km_obs *obs, size_t n, struct report_km_point **out, double *median)
{
	*out = NULL;
	*median = NAN;
	if (n == 0)
		return 0;
	qsort(obs, n, sizeof *obs, cmp_obs);
	struct report_km_point *pts = xmalloc(n * sizeof *pts);
	size_t np = 0, i = 0;
	double s = 1.0;
	while (i < n) {
		int32_t t = obs[i].days;
		int64_t at_risk = (int64_t)(n - i), d = 0, c = 0;
		for (; i < n && obs[i].days == t; i++) {
			if (obs[i].event)
				d++;
			else
				c++;
		}
		if (d)
			s *= 1.0 - (double)d / (double)at_risk;
		pts[np++] = (struct report_km_point){ .day = t, .at_risk = at_risk, .events = d, .censored = c,
						     .survival = s };
		if (isnan(*median) && s <= 0.5 + 1e-12)
			*median = t;
	}
	*out = pts;
	return np;
}

/* ---- periods ---- */

void report_default_periods(int32_t today, int32_t *from, int32_t *to, int32_t *cmp_from, int32_t *cmp_to)
{
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	int32_t this_quarter = date_from_ymd(y, (m - 1) / 3 * 3 + 1, 1);
	*from = date_add_months(this_quarter, -3);
	*to = this_quarter - 1;
	*cmp_from = date_add_months(*from, -3);
	*cmp_to = *from - 1;
}

const char *report_period_check(int32_t from, int32_t to)
{
	if (from == DATE_NONE || to == DATE_NONE)
		return N_("Enter the date as YYYY-MM-DD.");
	if (to < from)
		return N_("The end of the period is before its start.");
	if (to - from + 1 > REPORT_PERIOD_MAX_DAYS)
		return N_("Choose a period of at most five years.");
	return NULL;
}

/* ---- the figures ---- */

static int cmp_event(const void *a, const void *b)
{
	const struct store_report_event *x = a, *y = b;
	if (x->enrolment_id != y->enrolment_id)
		return (x->enrolment_id > y->enrolment_id) - (x->enrolment_id < y->enrolment_id);
	return (x->on_day > y->on_day) - (x->on_day < y->on_day); /* ties: sorted_copy keeps the store's order */
}

static int cmp_day(const void *a, const void *b)
{
	const struct store_report_day *x = a, *y = b;
	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->on_day > y->on_day) - (x->on_day < y->on_day);
}

static int cmp_step(const void *a, const void *b)
{
	const struct store_report_step *x = a, *y = b;
	if (x->enrolment_id != y->enrolment_id)
		return (x->enrolment_id > y->enrolment_id) - (x->enrolment_id < y->enrolment_id);
	if (x->step != y->step)
		return (x->step > y->step) - (x->step < y->step);
	return (x->on_day > y->on_day) - (x->on_day < y->on_day);
}

static int cmp_source(const void *a, const void *b)
{
	const struct report_source *x = a, *y = b;
	if (x->n != y->n)
		return (x->n < y->n) - (x->n > y->n);
	return strcmp(x->key, y->key);
}

/* Copies n items of size elem with an index column so that sorting is stable: the store
 * orders events and step events by id within a day, and a change and its undo on one
 * day must stay in that order. */
struct tagged {
	size_t idx;
	const void *item;
	int (*cmp)(const void *, const void *);
};

static int cmp_tagged(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;
	int c = x->cmp(x->item, y->item);
	if (c)
		return c;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static void *sorted_copy(const void *arr, size_t n, size_t elem, int (*cmp)(const void *, const void *))
{
	if (n == 0)
		return NULL;
	struct tagged *t = xmalloc(n * sizeof *t);
	for (size_t i = 0; i < n; i++)
		t[i] = (struct tagged){ i, (const char *)arr + i * elem, cmp };
	qsort(t, n, sizeof *t, cmp_tagged);
	char *out = xmalloc(n * elem);
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * elem, t[i].item, elem);
	free(t);
	return out;
}

/* [*lo, *hi) of the items whose leading int64 id is id, in an array sorted by it. */
static void id_range(const void *arr, size_t n, size_t elem, int64_t id, size_t *lo, size_t *hi)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t mid = (a + b) / 2;
		int64_t v;
		memcpy(&v, (const char *)arr + mid * elem, sizeof v);
		if (v < id)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = n;
	while (a < b) {
		size_t mid = (a + b) / 2;
		int64_t v;
		memcpy(&v, (const char *)arr + mid * elem, sizeof v);
		if (v <= id)
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
}

static bool in_period(int32_t d, int32_t from, int32_t to)
{
	return d != DATE_NONE && d >= from && d <= to;
}

static int32_t max32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static int32_t min32(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

/* The enrolment's days in the period: [*lo, *hi], false if none. */
static bool window(const struct store_report_enrolment *e, int32_t from, int32_t to, int32_t *lo, int32_t *hi)
{
	*lo = max32(e->started_on, from);
	*hi = e->ended_on == DATE_NONE ? to : min32(e->ended_on, to);
	return *lo <= *hi;
}

/* The treatment days of each person in the period: one window per enrolment, sorted by
 * person (the leading int64 for id_range). */
struct pwin {
	int64_t person_id;
	int32_t lo, hi;
};

static int cmp_pwin(const void *a, const void *b)
{
	const struct pwin *x = a, *y = b;
	if (x->person_id != y->person_id)
		return (x->person_id > y->person_id) - (x->person_id < y->person_id);
	return (x->lo > y->lo) - (x->lo < y->lo);
}

static struct pwin *person_windows(const struct store_report_rows *rows, size_t *n)
{
	struct pwin *w = rows->nenrolments ? xmalloc(rows->nenrolments * sizeof *w) : NULL;
	*n = 0;
	for (size_t i = 0; i < rows->nenrolments; i++) {
		int32_t lo, hi;
		if (window(&rows->enrolments[i], rows->from, rows->to, &lo, &hi))
			w[(*n)++] = (struct pwin){ rows->enrolments[i].person_id, lo, hi };
	}
	if (*n > 1)
		qsort(w, *n, sizeof *w, cmp_pwin);
	return w;
}

/* Whether day d is one of person pid's treatment days in the period. */
static bool treatment_day(const struct pwin *w, size_t nw, int64_t pid, int32_t d)
{
	size_t lo, hi;
	id_range(w, nw, sizeof *w, pid, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		if (d >= w[i].lo && d <= w[i].hi)
			return true;
	return false;
}

static void tests_and_relapses(const struct store_report_rows *rows, const struct pwin *w, size_t nw,
			       struct report_figures *f)
{
	for (size_t i = 0; i < rows->ntests; i++) {
		const struct store_report_test *t = &rows->tests[i];
		if (!treatment_day(w, nw, t->person_id, t->on_day))
			continue;
		f->tests++;
		if (t->positive)
			f->tests_positive++;
	}
	for (size_t i = 0; i < rows->nrelapses; i++)
		if (treatment_day(w, nw, rows->relapses[i].id, rows->relapses[i].on_day))
			f->relapses++;
}

static int cmp_outcome(const void *a, const void *b)
{
	const struct store_report_outcome *x = a, *y = b;
	if (x->person_id != y->person_id)
		return (x->person_id > y->person_id) - (x->person_id < y->person_id);
	return (x->taken_on > y->taken_on) - (x->taken_on < y->taken_on);
}

static void outcomes(const struct store_report_rows *rows, struct report_figures *f)
{
	struct store_report_outcome *oc = sorted_copy(rows->outcomes, rows->noutcomes, sizeof *oc, cmp_outcome);
	for (size_t i = 0; i < rows->nenrolments; i++) {
		const struct store_report_enrolment *e = &rows->enrolments[i];
		size_t olo, ohi;
		id_range(oc, rows->noutcomes, sizeof *oc, e->person_id, &olo, &ohi);
		for (int k = 0; k < REPORT_OUTCOMES; k++) {
			const struct store_report_outcome *base = NULL, *follow = NULL;
			for (size_t j = olo; j < ohi; j++) {
				const struct store_report_outcome *o = &oc[j];
				if (strcmp(o->questionnaire, report_outcome_ids[k]) || o->taken_on > rows->to)
					continue;
				if (o->taken_on >= e->started_on - REPORT_BASELINE_DAYS &&
				    o->taken_on <= e->started_on + REPORT_BASELINE_DAYS &&
				    (!base || o->taken_on < base->taken_on))
					base = o;
			}
			if (!base)
				continue;
			f->out_baseline[k]++;
			for (size_t j = olo; j < ohi; j++) {
				const struct store_report_outcome *o = &oc[j];
				if (strcmp(o->questionnaire, report_outcome_ids[k]) || o->taken_on > rows->to ||
				    o->taken_on <= base->taken_on)
					continue;
				if (!follow || o->taken_on >= follow->taken_on)
					follow = o;
			}
			if (!follow)
				continue;
			f->out_n[k]++;
			f->out_base_sum[k] += base->total;
			f->out_follow_sum[k] += follow->total;
			if (report_outcome_higher_better[k] ? follow->total > base->total : follow->total < base->total)
				f->out_improved[k]++;
		}
	}
	free(oc);
}

static void referrals_figures(const struct store_report_rows *rows, struct report_figures *f)
{
	f->referrals = (int64_t)rows->nreferrals;
	int y, m, d;
	date_to_ymd(rows->from, &y, &m, &d);
	f->month0 = date_from_ymd(y, m, 1);
	f->nmonths = date_months_between(f->month0, rows->to) + 1;
	if (f->nmonths > REPORT_MONTHS_MAX)
		f->nmonths = REPORT_MONTHS_MAX;
	if (f->nmonths < 1)
		f->nmonths = 1;
	size_t cap = 0;
	for (size_t i = 0; i < rows->nreferrals; i++) {
		const struct store_report_referral *r = &rows->referrals[i];
		int k = date_months_between(f->month0, r->received_on);
		if (k >= 0 && k < f->nmonths)
			f->months[k]++;
		size_t j = 0;
		while (j < f->nsources && strcmp(f->sources[j].key, r->source_key))
			j++;
		if (j == f->nsources) {
			f->sources = xgrow(f->sources, &cap, f->nsources + 1, sizeof *f->sources);
			struct report_source *s = &f->sources[f->nsources++];
			memset(s, 0, sizeof *s);
			copy_str(s->key, sizeof s->key, r->source_key);
			copy_str(s->label, sizeof s->label, r->source_label[0] ? r->source_label : r->source_key);
		}
		f->sources[j].n++;
	}
	if (f->nsources > 1)
		qsort(f->sources, f->nsources, sizeof *f->sources, cmp_source);
}

int report_compute(const struct programme *p, const struct store_report_rows *rows, struct report_figures *out)
{
	memset(out, 0, sizeof *out);
	out->from = rows->from;
	out->to = rows->to;
	out->km_median = NAN;
	out->att_phase = -1;
	if (!p || p->nphases < 1 || p->nphases > PROGRAMME_MAX_PHASES || rows->from > rows->to)
		return -1;
	const int32_t from = rows->from, to = rows->to;
	const int np = p->nphases;

	referrals_figures(rows, out);

	for (int i = 0; i < np; i++)
		if (p->phases[i].min_days_per_week > 0) {
			out->att_phase = i;
			out->att_min = p->phases[i].min_days_per_week;
			break;
		}
	out->min_steps = p->min_steps;

	struct store_report_event *ev = sorted_copy(rows->events, rows->nevents, sizeof *ev, cmp_event);
	struct store_report_day *att = sorted_copy(rows->attended, rows->nattended, sizeof *att, cmp_day);
	struct store_report_day *meet = sorted_copy(rows->meetings, rows->nmeetings, sizeof *meet, cmp_day);
	struct store_report_step *st = sorted_copy(rows->steps, rows->nsteps, sizeof *st, cmp_step);

	size_t ne = rows->nenrolments;
	out->enrolments = (int64_t)ne;
	out->npath = np + 2;
	out->path[0].reached = out->referrals;
	out->path[0].median_days = NAN;
	int32_t *gaps[REPORT_PATH_MAX] = { 0 };
	size_t ngaps[REPORT_PATH_MAX] = { 0 };
	for (int k = 0; k < out->npath; k++)
		gaps[k] = ne ? xmalloc(ne * sizeof(int32_t)) : NULL;
	struct report_km_obs *obs = ne ? xmalloc(ne * sizeof *obs) : NULL;
	size_t nobs = 0;

	for (size_t i = 0; i < ne; i++) {
		const struct store_report_enrolment *e = &rows->enrolments[i];
		size_t elo, ehi;
		id_range(ev, rows->nevents, sizeof *ev, e->id, &elo, &ehi);

		/* The path: the first day each phase was entered (up to the period end). */
		int32_t entered[PROGRAMME_MAX_PHASES];
		for (int k = 0; k < np; k++)
			entered[k] = DATE_NONE;
		for (size_t k = elo; k < ehi; k++) {
			const struct store_report_event *x = &ev[k];
			if ((!strcmp(x->kind, "start") || !strcmp(x->kind, "phase")) && x->to_phase >= 0 &&
			    x->to_phase < np && entered[x->to_phase] == DATE_NONE && x->on_day <= to)
				entered[x->to_phase] = x->on_day;
		}
		for (int k = 0; k < np; k++) {
			if (!in_period(entered[k], from, to))
				continue;
			struct report_path_step *ps = &out->path[k + 1];
			ps->reached++;
			int32_t prev = k == 0 ? e->referral_on : entered[k - 1];
			if (prev != DATE_NONE && prev <= entered[k]) {
				ps->intervals++;
				ps->days_sum += entered[k] - prev;
				gaps[k + 1][ngaps[k + 1]++] = entered[k] - prev;
			}
		}
		bool ended = e->ended_on != DATE_NONE && e->ended_on <= to;
		bool completed = ended && !strcmp(e->status, "completed");
		bool discontinued = ended && !strcmp(e->status, "discontinued");
		if (completed && e->ended_on >= from) {
			struct report_path_step *ps = &out->path[np + 1];
			ps->reached++;
			int32_t prev = entered[np - 1];
			if (prev != DATE_NONE && prev <= e->ended_on) {
				ps->intervals++;
				ps->days_sum += e->ended_on - prev;
				gaps[np + 1][ngaps[np + 1]++] = e->ended_on - prev;
			}
			out->completed++;
		}
		if (discontinued && e->ended_on >= from)
			out->discontinued++;

		/* Starts, re-enrolments and retention. */
		if (in_period(e->started_on, from, to)) {
			out->started++;
			if (e->reenrolment)
				out->reenrolments++;
			if (ended)
				obs[nobs++] = (struct report_km_obs){ e->ended_on - e->started_on, discontinued };
			else
				obs[nobs++] = (struct report_km_obs){ to - e->started_on, false };
		}

		/* Day by day through the period: treatment days, and attendance exposure. */
		int32_t lo, hi;
		if (!window(e, from, to, &lo, &hi))
			continue;
		out->treatment_days += hi - lo + 1;
		if (out->att_phase >= 0) {
			size_t alo, ahi;
			id_range(att, rows->nattended, sizeof *att, e->id, &alo, &ahi);
			int phase = -1;
			bool paused = false;
			size_t k = elo, a = alo;
			int64_t exposure = 0, days = 0;
			for (int32_t d = lo; d <= hi; d++) {
				for (; k < ehi && ev[k].on_day <= d; k++) {
					if (ev[k].to_phase >= 0)
						phase = ev[k].to_phase;
					if (!strcmp(ev[k].kind, "pause"))
						paused = true;
					else if (!strcmp(ev[k].kind, "resume"))
						paused = false;
				}
				while (a < ahi && att[a].on_day < d)
					a++;
				if (phase != out->att_phase || paused)
					continue;
				exposure++;
				if (a < ahi && att[a].on_day == d)
					days++;
			}
			if (exposure >= 7) {
				out->att_n++;
				out->att_days += days;
				out->att_exposure += exposure;
				if (days * 7 >= (int64_t)out->att_min * exposure)
					out->att_meeting++;
				int bin = 0;
				while (bin < REPORT_ATT_BINS - 1 && days * 7 >= (int64_t)(bin + 1) * exposure)
					bin++;
				out->att_bins[bin]++;
			}
		}
	}

	/* Steps at the period end: the latest event of each (enrolment, step). */
	out->steps_n = (int64_t)ne;
	for (size_t i = 0; i < ne; i++) {
		size_t lo, hi;
		id_range(st, rows->nsteps, sizeof *st, rows->enrolments[i].id, &lo, &hi);
		bool done[12] = { false };
		for (size_t k = lo; k < hi; k++)
			if (st[k].step >= 1 && st[k].step <= 12 && st[k].on_day <= to)
				done[st[k].step - 1] = !strcmp(st[k].to_status, "completed");
		bool min_done = p->min_steps > 0;
		for (int s = 0; s < 12; s++) {
			if (done[s])
				out->step_done[s]++;
			if (s < p->min_steps && !done[s])
				min_done = false;
		}
		if (min_done)
			out->steps_min_done++;
	}

	/* Meeting engagement, per person (distinct persons, sorted). */
	int64_t *persons = ne ? xmalloc(ne * sizeof *persons) : NULL;
	for (size_t i = 0; i < ne; i++)
		persons[i] = rows->enrolments[i].person_id;
	if (ne > 1)
		qsort(persons, ne, sizeof *persons, cmp_i64);
	size_t npersons = 0;
	for (size_t i = 0; i < ne; i++)
		if (npersons == 0 || persons[npersons - 1] != persons[i])
			persons[npersons++] = persons[i];
	out->persons = out->eng_persons = (int64_t)npersons;
	size_t nw;
	struct pwin *win = person_windows(rows, &nw);
	for (size_t k = 0; k < rows->nsponsors; k++) {
		const struct store_report_sponsor *sp = &rows->sponsors[k];
		if (!bsearch(&sp->person_id, persons, npersons, sizeof *persons, cmp_i64) ||
		    (sp->since != DATE_NONE && sp->since > to))
			continue;
		if (!strcmp(sp->sponsor, "has_sponsor"))
			out->eng_sponsor++;
		else if (!strcmp(sp->sponsor, "temporary"))
			out->eng_temporary++;
	}
	for (size_t i = 0; i < nw; i++)
		out->eng_days += win[i].hi - win[i].lo + 1;
	for (size_t j = 0; j < npersons; j++) {
		size_t mlo, mhi;
		id_range(meet, rows->nmeetings, sizeof *meet, persons[j], &mlo, &mhi);
		int64_t counted = 0;
		for (size_t k = mlo; k < mhi; k++)
			if (treatment_day(win, nw, persons[j], meet[k].on_day))
				counted++;
		out->eng_meetings += counted;
		if (counted)
			out->eng_with_meeting++;
	}
	free(persons);
	tests_and_relapses(rows, win, nw, out);
	free(win);
	outcomes(rows, out);

	for (int k = 0; k < out->npath; k++) {
		if (k > 0)
			out->path[k].median_days = report_median(gaps[k], ngaps[k]);
		free(gaps[k]);
	}
	out->km_n = (int64_t)nobs;
	for (size_t i = 0; i < nobs; i++) {
		if (obs[i].event)
			out->km_events++;
		else
			out->km_censored++;
	}
	out->nkm = report_km(obs, nobs, &out->km, &out->km_median);
	free(obs);
	free(ev);
	free(att);
	free(meet);
	free(st);
	return 0;
}

void report_figures_release(struct report_figures *f)
{
	free(f->sources);
	free(f->km);
	f->sources = NULL;
	f->km = NULL;
	f->nsources = f->nkm = 0;
}

/* ---- the service ---- */

static int one_period(struct store *s, int64_t org_id, const struct programme *p, int32_t from, int32_t to,
		      struct report_figures *out)
{
	struct store_report_rows rows;
	int rc = store_report_rows(s, org_id, p->id, from, to, &rows);
	if (rc == STORE_OK && report_compute(p, &rows, out) != 0)
		rc = STORE_ERROR;
	store_report_rows_free(&rows);
	if (rc == STORE_OK)
		rc = store_training_certified_count(s, org_id, to, &out->certified_staff);
	return rc;
}

int report_programme(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id,
		     int32_t from, int32_t to, int32_t cmp_from, int32_t cmp_to, const char *table,
		     struct report *out)
{
	memset(out, 0, sizeof *out);
	out->cur.km_median = out->cmp.km_median = NAN;
	if (report_period_check(from, to) || (cmp_from != DATE_NONE && report_period_check(cmp_from, cmp_to)))
		return STORE_INVALID;
	int rc = store_programme_get(ac->store, org_id, programme_id, &out->p);
	if (rc == STORE_OK)
		rc = one_period(ac->store, org_id, &out->p, from, to, &out->cur);
	if (rc == STORE_OK && cmp_from != DATE_NONE) {
		out->has_cmp = true;
		rc = one_period(ac->store, org_id, &out->p, cmp_from, cmp_to, &out->cmp);
	}
	if (rc != STORE_OK) {
		report_release(out);
		return rc;
	}
	char detail[160], a[11], b[11], c[11] = "-", d[11] = "-";
	date_format(from, a);
	date_format(to, b);
	if (out->has_cmp) {
		date_format(cmp_from, c);
		date_format(cmp_to, d);
	}
	snprintf(detail, sizeof detail, "from=%s to=%s cmp_from=%s cmp_to=%s table=%s enrolments=%" PRId64, a, b, c, d,
		 table && *table ? table : "-", out->cur.enrolments);
	rosters_audit(ac, who, org_id, "programme.report", "programme", programme_id, detail);
	return STORE_OK;
}

void report_release(struct report *r)
{
	report_figures_release(&r->cur);
	report_figures_release(&r->cmp);
}
