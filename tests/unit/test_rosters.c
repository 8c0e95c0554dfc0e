/* test_rosters.c: the roster, progress, caseload and board service (domain/rosters.c) on
 * a real store — a fresh SQLite file — with a small hand-computed data set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/programme.h"
#include "domain/rosters.h"

static char dbpath[256];

struct fx {
	struct accounts ac;
	struct actor who;
	struct org a, b;
	struct user ther;
	struct programme p, pb;
	struct group g, gb;
	struct person pers[3];
	struct enrolment e[3];
	int64_t member[3];
};

static int32_t D(const char *s)
{
	int32_t d = DATE_NONE;
	date_parse(s, &d);
	return d;
}

static void programme_from_template(struct programme *p, const char *name)
{
	const struct programme_def *t = programme_template("municipal_day_treatment");
	memset(p, 0, sizeof *p);
	copy_str(p->name, sizeof p->name, name);
	copy_str(p->template_key, sizeof p->template_key, t->key);
	p->min_steps = t->min_steps;
	p->active = true;
	p->nphases = t->nphases;
	for (int i = 0; i < t->nphases; i++) {
		struct programme_phase *ph = &p->phases[i];
		const struct phase_def *d = &t->phases[i];
		copy_str(ph->key, sizeof ph->key, d->key);
		copy_str(ph->label, sizeof ph->label, d->label);
		ph->target_days = d->target_days;
		ph->min_days_per_week = d->min_days_per_week;
		ph->min_hours_per_day = d->min_hours_per_day;
		ph->max_hours_per_day = d->max_hours_per_day;
		ph->min_months = d->min_months;
		ph->max_months = d->max_months;
		ph->sessions_per_week = d->sessions_per_week;
		ph->session_minutes = d->session_minutes;
	}
}

static int enrol(struct fx *f, int i, int64_t org, int64_t programme, int phase, int32_t since)
{
	struct person *p = &f->pers[i];
	memset(p, 0, sizeof *p);
	snprintf(p->given_name, sizeof p->given_name, "Testa%d", i);
	snprintf(p->family_name, sizeof p->family_name, "Syntetisk%d", i);
	p->birth_date = DATE_NONE;
	if (store_person_create(f->ac.store, org, p))
		return -1;
	struct enrolment *e = &f->e[i];
	memset(e, 0, sizeof *e);
	e->person_id = p->id;
	e->programme_id = programme;
	e->therapist_id = org == f->a.id ? f->ther.id : 0;
	copy_str(e->status, sizeof e->status, "active");
	e->phase = phase;
	e->started_on = since - 30;
	e->phase_since = since;
	e->last_change_on = since;
	e->paused_since = DATE_NONE;
	e->ended_on = DATE_NONE;
	struct enrolment_event ev = { 0 };
	ev.from_phase = -1;
	ev.to_phase = phase;
	ev.on_day = since;
	return store_enrolment_create(f->ac.store, org, e, &ev);
}

static int setup(void **state)
{
	static int n;
	snprintf(dbpath, sizeof dbpath, "/tmp/tolv-unit-rosters-%d-%d.db", (int)getpid(), n++);
	char url[300];
	snprintf(url, sizeof url, "sqlite:%s", dbpath);
	struct fx *f = calloc(1, sizeof *f);
	if (store_open(url, 4, &f->ac.store) || store_migrate(f->ac.store, NULL))
		return -1;
	f->ac.audit = auditor_new(f->ac.store, false);
	copy_str(f->a.name, sizeof f->a.name, "Testkommune A");
	copy_str(f->b.name, sizeof f->b.name, "Testkommune B");
	if (store_org_create(f->ac.store, &f->a) || store_org_create(f->ac.store, &f->b))
		return -1;
	copy_str(f->ther.email, sizeof f->ther.email, "behandler@a.example");
	copy_str(f->ther.name, sizeof f->ther.name, "Bo Behandler");
	copy_str(f->ther.lang, sizeof f->ther.lang, "nb");
	if (store_user_create(f->ac.store, &f->ther))
		return -1;
	struct membership m = { .user_id = f->ther.id, .org_id = f->a.id };
	copy_str(m.role, sizeof m.role, "therapist");
	if (store_membership_set(f->ac.store, &m))
		return -1;
	f->who.user_id = f->ther.id;
	copy_str(f->who.email, sizeof f->who.email, f->ther.email);
	f->who.org_id = f->a.id;

	programme_from_template(&f->p, "Dagbehandling A");
	programme_from_template(&f->pb, "Dagbehandling B");
	if (store_programme_create(f->ac.store, f->a.id, &f->p) || store_programme_create(f->ac.store, f->b.id, &f->pb))
		return -1;
	struct closed_date cd = { .day = D("2025-03-07") };
	copy_str(cd.label, sizeof cd.label, "Planleggingsdag");
	if (store_closed_date_add(f->ac.store, f->a.id, f->p.id, &cd))
		return -1;

	memset(&f->g, 0, sizeof f->g);
	f->g.programme_id = f->p.id;
	copy_str(f->g.name, sizeof f->g.name, "Dag A");
	copy_str(f->g.phase_key, sizeof f->g.phase_key, "day_treatment");
	f->g.weekdays = STORE_MONDAY | STORE_TUESDAY | STORE_WEDNESDAY | STORE_THURSDAY | STORE_FRIDAY;
	f->g.start_min = 9 * 60;
	f->g.end_min = 14 * 60;
	f->g.active = true;
	f->gb = f->g;
	f->gb.programme_id = f->pb.id;
	if (store_group_create(f->ac.store, f->a.id, &f->g) || store_group_create(f->ac.store, f->b.id, &f->gb))
		return -1;
	/* Two people in day treatment in A since Monday 2025-03-03, one in B. */
	for (int i = 0; i < 3; i++) {
		int64_t org = i < 2 ? f->a.id : f->b.id;
		if (enrol(f, i, org, i < 2 ? f->p.id : f->pb.id, 2, D("2025-03-03")))
			return -1;
		struct group_member gm = { .group_id = i < 2 ? f->g.id : f->gb.id, .enrolment_id = f->e[i].id,
					   .from_day = D("2025-03-03") };
		if (store_group_member_add(f->ac.store, org, &gm))
			return -1;
		f->member[i] = gm.id;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	auditor_free(f->ac.audit);
	store_close(f->ac.store);
	free(f);
	char p[300];
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static size_t audit_count(struct fx *f, const char *action)
{
	struct audit_filter af = { .org_id = f->a.id, .limit = 1000 };
	copy_str(af.action, sizeof af.action, action);
	struct audit_entry *es = NULL;
	size_t n = 0;
	store_audit_list(f->ac.store, &af, &es, &n);
	free(es);
	return n;
}

/* A page listing is one "person.list" entry naming its persons (audit_subjects); each
 * person shown is found by a per-person lookup. Returns the persons listed with detail. */
static size_t listed_persons(struct fx *f, const char *detail, const int64_t *ids, size_t nids)
{
	struct audit_filter af = { .org_id = f->a.id, .limit = 1000 };
	copy_str(af.action, sizeof af.action, "person.list");
	struct audit_entry *es = NULL;
	size_t n = 0, persons = 0;
	assert_int_equal(store_audit_list(f->ac.store, &af, &es, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(es[i].detail, detail)) {
			assert_int_equal(es[i].object_id[0], '\0');
			persons += es[i].nsubjects;
		}
	free(es);
	for (size_t k = 0; k < nids; k++) {
		struct audit_filter pf = { .org_id = f->a.id, .limit = 1000 };
		copy_str(pf.object_type, sizeof pf.object_type, "person");
		snprintf(pf.object_id, sizeof pf.object_id, "%lld", (long long)ids[k]);
		assert_int_equal(store_audit_list(f->ac.store, &pf, &es, &n), 0);
		bool found = false;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < es[i].nsubjects; j++)
				found |= !strcmp(es[i].detail, detail) && es[i].subjects[j] == ids[k];
		free(es);
		assert_true(found);
	}
	return persons;
}

static void hours_are_parsed_in_half_hours(void **state)
{
	(void)state;
	int m = -1;
	const char *msg;
	assert_int_equal(rosters_parse_hours("4", &m, &msg), 0);
	assert_int_equal(m, 240);
	assert_int_equal(rosters_parse_hours("4.5", &m, &msg), 0);
	assert_int_equal(m, 270);
	assert_int_equal(rosters_parse_hours("4,5", &m, &msg), 0);
	assert_int_equal(m, 270);
	assert_int_equal(rosters_parse_hours(" 0 ", &m, &msg), 0);
	assert_int_equal(m, 0);
	assert_int_equal(rosters_parse_hours("24", &m, &msg), 0);
	assert_int_equal(m, 1440);
	assert_int_equal(rosters_parse_hours("4.50", &m, &msg), 0);
	assert_int_equal(m, 270);
	const char *bad[] = { "", "24.5", "25", "-1", "4.25", "4.", ".5", "abc", "4h", "1e1", "100", "4.55", NULL };
	for (int i = 0; bad[i]; i++) {
		msg = NULL;
		assert_int_equal(rosters_parse_hours(bad[i], &m, &msg), -1);
		assert_non_null(msg);
	}
	char out[16];
	rosters_format_hours(270, out, sizeof out);
	assert_string_equal(out, "4.5");
	rosters_format_hours(240, out, sizeof out);
	assert_string_equal(out, "4");
	assert_int_equal(rosters_parse_time("09:30"), 570);
	assert_int_equal(rosters_parse_time("24:00"), -1);
	assert_int_equal(rosters_parse_time("9:30"), -1);
}

static void roster_lists_members_and_saves_in_one_go(void **state)
{
	struct fx *f = *state;
	int32_t day = D("2025-03-03"), today = D("2025-03-14");
	struct roster_view v;
	assert_int_equal(rosters_load(&f->ac, &f->who, f->a.id, f->g.id, day, "roster", &v), 0);
	assert_int_equal(v.n, 2);
	assert_false(v.has_session);
	assert_int_equal(v.default_minutes, 240); /* day treatment: 4 hours */
	int64_t shown[2] = { v.lines[0].person_id, v.lines[1].person_id };
	roster_view_release(&v);
	assert_int_equal(audit_count(f, "person.list"), 1); /* one entry for the page */
	assert_int_equal(listed_persons(f, "roster", shown, 2), 2);

	/* A bad row refuses the whole roster: nothing stored. */
	struct roster_input rows[2] = {
		{ .enrolment_id = f->e[0].id, .attended = true, .minutes = 240, .note = "" },
		{ .enrolment_id = f->e[2].id, .attended = true, .minutes = 240, .note = "" }, /* org B's */
	};
	struct field_error fe = { 0 };
	int bad = -1;
	size_t nch = 0;
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, day, today, rows, 2, &fe, &bad, &nch),
			 ACC_INVALID);
	assert_int_equal(bad, 1);
	rows[1].enrolment_id = f->e[1].id;
	rows[1].minutes = 245;
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, day, today, rows, 2, &fe, &bad, &nch),
			 ACC_INVALID);
	assert_string_equal(fe.field, "hours");
	rows[1].minutes = 270;
	rows[1].enrolment_id = f->e[0].id; /* twice */
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, day, today, rows, 2, &fe, &bad, &nch),
			 ACC_INVALID);
	rows[1].enrolment_id = f->e[1].id;
	/* The future is refused. */
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, today + 1, today, rows, 2, &fe, &bad, &nch),
			 ACC_INVALID);
	assert_string_equal(fe.field, "date");
	assert_int_equal(rosters_load(&f->ac, &f->who, f->a.id, f->g.id, day, "roster", &v), 0);
	assert_false(v.has_session);
	roster_view_release(&v);
	assert_int_equal(audit_count(f, "attendance.save"), 0);

	/* Another organisation's group is not found. */
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->gb.id, day, today, rows, 2, &fe, &bad, &nch),
			 STORE_NOTFOUND);
	assert_int_equal(rosters_load(&f->ac, &f->who, f->a.id, f->gb.id, day, "roster", &v), STORE_NOTFOUND);

	/* Saved; saved again unchanged (nothing audited); edited (one row audited). */
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, day, today, rows, 2, &fe, &bad, &nch), 0);
	assert_int_equal(nch, 2);
	assert_int_equal(audit_count(f, "attendance.save"), 2);
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, day, today, rows, 2, &fe, &bad, &nch), 0);
	assert_int_equal(nch, 0);
	rows[1].attended = false;
	rows[1].minutes = 0;
	assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, day, today, rows, 2, &fe, &bad, &nch), 0);
	assert_int_equal(nch, 1);
	assert_int_equal(audit_count(f, "attendance.save"), 3);
	assert_int_equal(rosters_load(&f->ac, &f->who, f->a.id, f->g.id, day, "roster", &v), 0);
	assert_true(v.has_session);
	assert_int_equal(v.n, 2);
	for (size_t i = 0; i < v.n; i++) {
		assert_true(v.lines[i].recorded);
		if (v.lines[i].enrolment_id == f->e[0].id) {
			assert_true(v.lines[i].a.attended);
			assert_int_equal(v.lines[i].a.minutes, 240);
		} else {
			assert_false(v.lines[i].a.attended);
		}
	}
	roster_view_release(&v);
}

static void save_days(struct fx *f, int who, const char *const *days)
{
	for (int i = 0; days[i]; i++) {
		struct roster_input row = { .enrolment_id = f->e[who].id, .attended = true, .minutes = 240 };
		struct field_error fe = { 0 };
		int bad;
		assert_int_equal(rosters_save(&f->ac, &f->who, f->a.id, f->g.id, D(days[i]), D("2025-03-14"), &row, 1, &fe,
					      &bad, NULL),
				 0);
	}
}

/* Hand-computed: day treatment from Monday 2025-03-03, today Friday 2025-03-14, Friday
 * 2025-03-07 closed. Window 03-03..03-14: 10 weekdays - 1 closed = 9 open days; attended
 * 4 → pace 4 × 5 / 9 = 2.2 a week; minimum 3 × 9 / 5 = 5.4 → below. 96 days remain:
 * at the minimum pace ceil(96 × 5 / 3) = 160 open days from Monday 03-17 = 32 weeks →
 * Friday 2025-10-24; at the window's pace ceil(96 × 9 / 4) = 216 open days = 43 weeks
 * and one day → Monday 2026-01-12. */
static void progress_of_day_treatment(void **state)
{
	struct fx *f = *state;
	const char *const days[] = { "2025-03-03", "2025-03-04", "2025-03-05", "2025-03-10", NULL };
	save_days(f, 0, days);
	struct progress pr;
	assert_int_equal(rosters_progress(&f->ac, f->a.id, f->e[0].id, D("2025-03-14"), &pr), 0);
	assert_int_equal(pr.kind, PROGRESS_DAY_TREATMENT);
	assert_int_equal(pr.dt.attended, 4);
	assert_int_equal(pr.dt.target, 100);
	assert_int_equal(pr.dt.percent, 4);
	assert_int_equal(pr.dt.window_open_days, 9);
	assert_int_equal(pr.dt.window_attended, 4);
	assert_true(pr.dt.below_minimum);
	assert_int_equal(pr.dt.minimum_pace_end, D("2025-10-24"));
	assert_int_equal(pr.dt.projected_end, D("2026-01-12"));
	assert_int_equal(pr.last_attended, D("2025-03-10"));
	/* Another organisation's enrolment: not found. */
	assert_int_equal(rosters_progress(&f->ac, f->a.id, f->e[2].id, D("2025-03-14"), &pr), STORE_NOTFOUND);

	/* The caseload shows the same count and warns about the pace. */
	struct caseload c;
	assert_int_equal(rosters_caseload(&f->ac, &f->who, f->a.id, f->ther.id, STORE_ENROL_BY_NAME, 50, 0,
					  D("2025-03-14"), &c),
			 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.total, 2);
	for (size_t i = 0; i < c.n; i++) {
		if (c.rows[i].row.e.id == f->e[0].id) {
			assert_int_equal(c.rows[i].row.attended_in_phase, 4);
			assert_int_equal(c.rows[i].window_attended, 4);
			assert_true(c.rows[i].warnings & WARN_PACE);
			assert_false(c.rows[i].warnings & WARN_ABSENT);
		} else {
			/* Never attended, enrolled long enough ago: absent and below pace. */
			assert_true(c.rows[i].warnings & WARN_PACE);
			assert_true(c.rows[i].warnings & WARN_ABSENT);
		}
	}
	int64_t shown[2] = { c.rows[0].row.e.person_id, c.rows[1].row.e.person_id };
	caseload_release(&c);
	assert_int_equal(audit_count(f, "person.list"), 1); /* one entry for the page */
	assert_int_equal(listed_persons(f, "caseload", shown, 2), 2);

	/* The board counts both in day treatment. */
	struct board b;
	assert_int_equal(rosters_board(&f->ac, &f->who, f->a.id, f->p.id, 100, 0, &b), 0);
	assert_int_equal(b.counts[2], 2);
	assert_int_equal(b.active[2], 2);
	assert_int_equal(b.paused[2], 0);
	assert_int_equal(b.ngroups, 1);
	assert_int_equal(b.groups[0].members, 2);
	assert_int_equal(b.npeople, 2);
	board_release(&b);
	assert_int_equal(rosters_board(&f->ac, &f->who, f->a.id, f->pb.id, 100, 0, &b), STORE_NOTFOUND);
}

/* Aftercare from 2024-01-15, today 2025-07-20: 18 months end 2025-07-15 → past. */
static void progress_of_aftercare(void **state)
{
	struct fx *f = *state;
	struct enrolment e = f->e[1];
	e.phase = 3;
	e.phase_since = D("2024-01-15");
	struct programme p = f->p;
	struct progress pr;
	assert_int_equal(rosters_progress_of(&f->ac, f->a.id, &e, &p, D("2025-07-20"), &pr), 0);
	assert_int_equal(pr.kind, PROGRESS_AFTERCARE);
	assert_int_equal(pr.ac.months_in, 18);
	assert_true(pr.ac.past_latest);
	assert_int_equal(pr.ac.latest_end, D("2025-07-15"));
	assert_int_equal(pr.ac.earliest_end, D("2024-07-15"));
}

static void individual_sessions_are_validated(void **state)
{
	struct fx *f = *state;
	int32_t today = D("2025-03-14");
	struct session_input in = { .day = D("2025-03-12"), .start_min = 600, .end_min = 660, .kind = "individual",
				    .attended = true, .minutes = -1, .note = "" };
	struct field_error fe = { 0 };
	int64_t sid = 0;
	assert_int_equal(rosters_individual_session(&f->ac, &f->who, f->a.id, f->e[0].id, today, &in, &fe, &sid), 0);
	assert_true(sid > 0);
	struct progress pr;
	assert_int_equal(rosters_progress(&f->ac, f->a.id, f->e[0].id, today, &pr), 0);
	assert_int_equal(pr.attended_in_phase, 1);
	in.kind = "party";
	assert_int_equal(rosters_individual_session(&f->ac, &f->who, f->a.id, f->e[0].id, today, &in, &fe, &sid),
			 ACC_INVALID);
	assert_string_equal(fe.field, "kind");
	in.kind = "individual";
	in.end_min = 500;
	assert_int_equal(rosters_individual_session(&f->ac, &f->who, f->a.id, f->e[0].id, today, &in, &fe, &sid),
			 ACC_INVALID);
	assert_string_equal(fe.field, "end");
	in.end_min = 660;
	in.day = today + 1;
	assert_int_equal(rosters_individual_session(&f->ac, &f->who, f->a.id, f->e[0].id, today, &in, &fe, &sid),
			 ACC_INVALID);
	in.day = today;
	assert_int_equal(rosters_individual_session(&f->ac, &f->who, f->a.id, f->e[2].id, today, &in, &fe, &sid),
			 STORE_NOTFOUND);
}

int main(void)
{
	if (util_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hours_are_parsed_in_half_hours),
		cmocka_unit_test_setup_teardown(roster_lists_members_and_saves_in_one_go, setup, teardown),
		cmocka_unit_test_setup_teardown(progress_of_day_treatment, setup, teardown),
		cmocka_unit_test_setup_teardown(progress_of_aftercare, setup, teardown),
		cmocka_unit_test_setup_teardown(individual_sessions_are_validated, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
