/* testdraw.c: random selection for sobriety tests (see testdraw.h). */
#include "domain/testdraw.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"

int testdraw_percent_ppm(int percent)
{
	if (percent < 0)
		percent = 0;
	if (percent > 10000)
		percent = 10000;
	return percent * 100;
}

int testdraw_monthly_ppm(int per_month, int64_t selected_this_month, int remaining_days)
{
	int64_t needed = (int64_t)per_month - selected_this_month;
	if (needed <= 0)
		return 0;
	if (remaining_days < 1)
		remaining_days = 1;
	int64_t ppm = needed * STORE_SOB_PPM / remaining_days;
	return ppm > STORE_SOB_PPM ? STORE_SOB_PPM : (int)ppm;
}

int testdraw_remaining_days(int32_t today, int weekdays, const int32_t *closed, size_t nclosed)
{
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	int32_t last = date_from_ymd(y, m, date_days_in_month(y, m));
	int n = 0;
	for (int32_t day = today + 1; day <= last; day++) {
		if (weekdays && !(weekdays & (STORE_MONDAY << (date_weekday(day) - 1))))
			continue;
		bool shut = false;
		for (size_t i = 0; i < nclosed && !shut; i++)
			shut = closed[i] == day;
		n += !shut;
	}
	return n + 1; /* today: the roster is open, so the group meets */
}

int testdraw_random(void)
{
	return (int)randombytes_uniform(STORE_SOB_PPM);
}

const struct sob_rule *testdraw_rule_for(const struct sob_rule *rules, size_t n, int64_t programme_id,
					 const char *phase_key)
{
	const struct sob_rule *whole = NULL;
	for (size_t i = 0; i < n; i++) {
		if (rules[i].programme_id != programme_id || !rules[i].active)
			continue;
		if (phase_key && phase_key[0] && !strcmp(rules[i].phase_key, phase_key))
			return &rules[i];
		if (!rules[i].phase_key[0])
			whole = &rules[i];
	}
	return whole;
}

void testdraw_snapshot(const struct sob_rule *r, char *out, size_t outlen)
{
	if (!strcmp(r->kind, "percent"))
		snprintf(out, outlen, "percent %d.%02d %% phase %s", r->percent / 100, r->percent % 100,
			 r->phase_key[0] ? r->phase_key : "*");
	else
		snprintf(out, outlen, "monthly %d per month phase %s", r->per_month, r->phase_key[0] ? r->phase_key : "*");
}

int testdraw_parse_percent(const char *s, int *hundredths)
{
	if (!s)
		return -1;
	int whole = 0, frac = 0, nd = 0, nw = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++nw > 3)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (!nw)
		return -1;
	if (*p == '.' || *p == ',') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++nd > 2)
				return -1;
			frac = frac * 10 + (*p - '0');
		}
		if (!nd)
			return -1;
		if (nd == 1)
			frac *= 10;
	}
	if (*p == ' ')
		p++;
	if (*p == '%')
		p++;
	if (*p)
		return -1;
	int v = whole * 100 + frac;
	if (v > 10000)
		return -1;
	*hundredths = v;
	return 0;
}

int testdraw_probability(struct accounts *ac, int64_t org_id, const struct sob_rule *r, const struct group *g,
			 int64_t enrolment_id, int32_t today, int *ppm)
{
	if (!strcmp(r->kind, "percent")) {
		*ppm = testdraw_percent_ppm(r->percent);
		return 0;
	}
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	int32_t first = date_from_ymd(y, m, 1), last = date_from_ymd(y, m, date_days_in_month(y, m));
	int64_t sel = 0;
	int rc = store_sob_selected_count(ac->store, org_id, enrolment_id, first, today - 1, &sel);
	struct closed_date *closed = NULL;
	size_t nc = 0;
	if (!rc)
		rc = store_closed_date_list(ac->store, org_id, r->programme_id, today, last, &closed, &nc);
	if (rc)
		return rc;
	int32_t *days = xcalloc(nc ? nc : 1, sizeof *days);
	for (size_t i = 0; i < nc; i++)
		days[i] = closed[i].day;
	*ppm = testdraw_monthly_ppm(r->per_month, sel, testdraw_remaining_days(today, g ? g->weekdays : 0, days, nc));
	free(days);
	free(closed);
	return 0;
}

int testdraw_roster(struct accounts *ac, const struct actor *who, int64_t org_id, const struct roster_view *v,
		    int32_t today, struct sob_draw **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct sob_draw *stored = NULL;
	size_t ns = 0;
	int rc = 0;
	if (v->day == today && v->n) {
		struct sob_rule *rules = NULL;
		size_t nr = 0;
		rc = store_sob_rule_list(ac->store, org_id, v->p.id, &rules, &nr);
		for (size_t i = 0; !rc && nr && i < v->n; i++) {
			const struct roster_line *l = &v->lines[i];
			if (!l->member)
				continue;
			struct enrolment e;
			rc = store_enrolment_get(ac->store, org_id, l->enrolment_id, &e);
			if (rc)
				break;
			if (strcmp(e.status, "active"))
				continue;
			const char *phase = e.phase >= 0 && e.phase < v->p.nphases ? v->p.phases[e.phase].key : "";
			const struct sob_rule *r = testdraw_rule_for(rules, nr, v->p.id, phase);
			if (!r)
				continue;
			struct sob_draw d = { .person_id = l->person_id, .enrolment_id = l->enrolment_id,
					      .group_id = v->g.id, .day = today, .rule_id = r->id, .drawn_by = who->user_id };
			rc = testdraw_probability(ac, org_id, r, &v->g, l->enrolment_id, today, &d.probability_ppm);
			if (rc)
				break;
			testdraw_snapshot(r, d.rule_snapshot, sizeof d.rule_snapshot);
			d.random_value = testdraw_random();
			d.selected = d.random_value < d.probability_ppm;
			bool inserted = false;
			rc = store_sob_draw_put(ac->store, org_id, &d, &inserted);
			if (!rc && inserted) {
				char oid[24], detail[96];
				snprintf(oid, sizeof oid, "%" PRId64, d.person_id);
				snprintf(detail, sizeof detail, "rule %" PRId64 " ppm %d selected %s", d.rule_id,
					 d.probability_ppm, d.selected ? "yes" : "no");
				audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "testdraw.draw", "person",
					    oid, detail);
			}
		}
		free(rules);
		if (rc)
			return rc;
	}
	rc = store_sob_draw_list(ac->store, org_id, v->day, v->day, 0, 5000, &stored, &ns);
	if (rc)
		return rc;
	/* Keep the roster's enrolments only. */
	size_t k = 0;
	for (size_t i = 0; i < ns; i++) {
		bool on = false;
		for (size_t j = 0; j < v->n && !on; j++)
			on = v->lines[j].enrolment_id == stored[i].enrolment_id;
		if (on)
			stored[k++] = stored[i];
	}
	*out = stored;
	*n = k;
	return 0;
}
