/* gen_path.c: fills an organisation with synthetic people on their path through a
 * day-treatment programme, for bench/path.sh (issue 3's benchmark):
 *
 *   gen_path --db URL --org NAME --therapist EMAIL --people N --rows R
 *
 * Makes a programme from the municipal day-treatment template, N synthetic persons
 * ("Syn<i> Bench<i>"; no real people) enrolled in day treatment, groups of 15, therapists
 * with about 40 enrolments each (the given therapist, who must be a member, gets the
 * first 40), a session per group on each of the last R/N weekdays, and one attendance
 * row per member and session (4 of 5 attended): R rows in all. Prints "group=<id>" (a
 * group of the therapist's) and "therapist=<id>".
 *
 * Speed: the generator is a loader, not the application. It opens the store with one
 * connection and switches durability off for that connection (SQLite synchronous=OFF,
 * PostgreSQL synchronous_commit=off) through store_testing.h, creates the rows that have
 * rules (persons, enrolments, group memberships, the first group's sessions) through the
 * store API, and the bulk — the other groups' sessions and every attendance row — with two
 * set-based INSERT … SELECT statements. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/programme.h"
#include "store/store.h"
#include "store/store_testing.h"

#define GROUP_SIZE 15
#define CASELOAD 40

static void die(const char *what, int rc)
{
	fprintf(stderr, "gen_path: %s failed (%d): %s\n", what, rc, store_last_error());
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *org_name = NULL, *ther_email = NULL;
	int64_t people = 2000, rows = 100000;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db"))
			db = argv[i + 1];
		else if (!strcmp(argv[i], "--org"))
			org_name = argv[i + 1];
		else if (!strcmp(argv[i], "--therapist"))
			ther_email = argv[i + 1];
		else if (!strcmp(argv[i], "--people"))
			parse_int64(argv[i + 1], 1, 10000000, &people);
		else if (!strcmp(argv[i], "--rows"))
			parse_int64(argv[i + 1], 1, 1000000000, &rows);
	}
	if (!db || !org_name || !ther_email) {
		fprintf(stderr, "usage: gen_path --db URL --org NAME --therapist EMAIL --people N --rows R\n");
		return 2;
	}
	if (util_init() != 0)
		return 1;
	double t0 = now_s();
	struct store *s;
	int rc = store_open(db, 1, &s);
	if (rc)
		die("store_open", rc);
	bool pg = !strcmp(store_backend(s), "postgresql");
	if ((rc = store_testing_exec(s, pg ? "SET synchronous_commit = off" : "PRAGMA synchronous = OFF")))
		die("durability off", rc);

	struct org o;
	if ((rc = store_org_get_by_name(s, org_name, &o)))
		die("organisation", rc);
	struct user ther;
	if ((rc = store_user_get_by_email(s, ther_email, &ther)))
		die("therapist", rc);

	/* Therapists: the given one and enough others for ~40 enrolments each. */
	int64_t nther = (people + CASELOAD - 1) / CASELOAD;
	int64_t *tids = calloc((size_t)nther, sizeof *tids);
	tids[0] = ther.id;
	for (int64_t i = 1; i < nther; i++) {
		struct user u = { 0 };
		snprintf(u.email, sizeof u.email, "behandler%" PRId64 "@%" PRId64 ".bench.example", i, o.id);
		snprintf(u.name, sizeof u.name, "Bench Behandler %" PRId64, i);
		copy_str(u.lang, sizeof u.lang, "nb");
		if ((rc = store_user_create(s, &u)))
			die("user", rc);
		struct membership m = { .user_id = u.id, .org_id = o.id };
		copy_str(m.role, sizeof m.role, "therapist");
		if ((rc = store_membership_set(s, &m)))
			die("membership", rc);
		tids[i] = u.id;
	}

	/* The programme. */
	const struct programme_def *t = programme_template("municipal_day_treatment");
	struct programme p = { 0 };
	snprintf(p.name, sizeof p.name, "Dagbehandling %" PRId64, o.id);
	copy_str(p.template_key, sizeof p.template_key, t->key);
	p.min_steps = t->min_steps;
	p.active = true;
	p.nphases = t->nphases;
	for (int i = 0; i < t->nphases; i++) {
		struct programme_phase *ph = &p.phases[i];
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
	if ((rc = store_programme_create(s, o.id, &p)))
		die("programme", rc);

	/* The session days: the last `per` weekdays up to today. */
	int64_t per = rows / people;
	if (per < 1)
		per = 1;
	int32_t today = date_today_cet();
	int32_t *days = calloc((size_t)per, sizeof *days);
	int64_t k = per;
	for (int32_t d = today; k > 0; d--)
		if (date_weekday(d) <= 5)
			days[--k] = d;
	int32_t first = days[0];

	int64_t ngroups = (people + GROUP_SIZE - 1) / GROUP_SIZE;
	int64_t person_i = 0, bench_group = 0;
	for (int64_t gi = 0; gi < ngroups; gi++) {
		struct group g = { 0 };
		g.programme_id = p.id;
		snprintf(g.name, sizeof g.name, "Daggruppe %" PRId64, gi + 1);
		copy_str(g.phase_key, sizeof g.phase_key, "day_treatment");
		g.weekdays = STORE_MONDAY | STORE_TUESDAY | STORE_WEDNESDAY | STORE_THURSDAY | STORE_FRIDAY;
		g.start_min = 9 * 60;
		g.end_min = 14 * 60;
		g.capacity = GROUP_SIZE;
		g.active = true;
		if ((rc = store_group_create(s, o.id, &g)))
			die("group", rc);
		for (int m = 0; m < GROUP_SIZE && person_i < people; m++, person_i++) {
			struct person pe = { 0 };
			snprintf(pe.given_name, sizeof pe.given_name, "Syn%" PRId64, person_i + 1);
			snprintf(pe.family_name, sizeof pe.family_name, "Bench%" PRId64, person_i + 1);
			pe.birth_date = DATE_NONE;
			if ((rc = store_person_create(s, o.id, &pe)))
				die("person", rc);
			struct enrolment e = { 0 };
			e.person_id = pe.id;
			e.programme_id = p.id;
			e.therapist_id = tids[(person_i / CASELOAD) % nther];
			copy_str(e.status, sizeof e.status, "active");
			e.phase = 2;
			e.started_on = first - 30;
			e.phase_since = first;
			e.last_change_on = first;
			e.paused_since = DATE_NONE;
			e.ended_on = DATE_NONE;
			struct enrolment_event ev = { 0 };
			ev.from_phase = -1;
			ev.to_phase = 2;
			ev.on_day = first;
			if ((rc = store_enrolment_create(s, o.id, &e, &ev)))
				die("enrolment", rc);
			struct group_member gm = { .group_id = g.id, .enrolment_id = e.id, .from_day = first };
			if ((rc = store_group_member_add(s, o.id, &gm)))
				die("member", rc);
		}
		if (gi == 0) {
			bench_group = g.id;
			/* The first group's sessions through the store; the others copy them below. */
			for (int64_t di = 0; di < per; di++) {
				struct att_session se = { 0 };
				se.programme_id = p.id;
				se.group_id = g.id;
				copy_str(se.phase_key, sizeof se.phase_key, "day_treatment");
				se.on_day = days[di];
				se.start_min = g.start_min;
				se.end_min = g.end_min;
				copy_str(se.kind, sizeof se.kind, "group");
				se.leader_id = ther.id;
				se.created_by = ther.id;
				if ((rc = store_att_session_create(s, o.id, &se)))
					die("session", rc);
			}
		}
		if ((gi + 1) % 200 == 0)
			fprintf(stderr, "gen_path: %" PRId64 "/%" PRId64 " groups, %.1f s\n", gi + 1, ngroups, now_s() - t0);
	}
	/* Constant SQL, valid on both backends; the database must be a fresh one that holds
	 * only the bench organisation (bench/path.sh makes one per run): every other group gets the first group's session days; then one
	 * attendance row per member and session, 4 of 5 attended (a comparison is 0/1 in
	 * SQLite, a boolean in PostgreSQL). */
	rc = store_testing_exec(
		s, "INSERT INTO attendance_sessions (org_id, programme_id, group_id, phase_key, on_day, start_min, end_min, "
		   "kind, leader_id, created_at, created_by) "
		   "SELECT g.org_id, g.programme_id, g.id, se.phase_key, se.on_day, se.start_min, se.end_min, se.kind, "
		   "se.leader_id, se.created_at, se.created_by FROM programme_groups g JOIN attendance_sessions se "
		   "ON se.org_id = g.org_id AND se.group_id = (SELECT min(group_id) FROM attendance_sessions) "
		   "WHERE g.id <> se.group_id");
	if (rc)
		die("sessions", rc);
	fprintf(stderr, "gen_path: sessions, %.1f s\n", now_s() - t0);
	if (pg)
		store_testing_exec(s, "ANALYZE");
	/* PostgreSQL runs the triggers that keep attendance_days and enrolments.days_in_phase
	 * (migration 016) in PL/pgSQL, once per row: for 1.5 million rows they are switched
	 * off for the load and the two tables filled as the migration fills them. */
	if (pg && (rc = store_testing_exec(s, "ALTER TABLE attendance DISABLE TRIGGER attendance_days_insert_delete")))
		die("triggers off", rc);
	rc = store_testing_exec(
		s, "INSERT INTO attendance (org_id, programme_id, session_id, on_day, enrolment_id, attended, "
		   "minutes, note, recorded_by, recorded_at) "
		   "SELECT se.org_id, se.programme_id, se.id, se.on_day, m.enrolment_id, "
		   "(se.id + m.enrolment_id) % 5 <> 0, 240, '', NULL, 0 "
		   "FROM attendance_sessions se JOIN group_members m "
		   "ON m.org_id = se.org_id AND m.group_id = se.group_id "
		   "WHERE se.group_id IS NOT NULL");
	if (rc)
		die("attendance", rc);
	if (pg) {
		static const char *const fill[] = {
			"ALTER TABLE attendance ENABLE TRIGGER attendance_days_insert_delete",
			"ALTER TABLE attendance_days DISABLE TRIGGER attendance_days_count",
			"INSERT INTO attendance_days (org_id, enrolment_id, on_day, sessions) SELECT org_id, enrolment_id, "
			"on_day, count(*) FROM attendance WHERE attended GROUP BY org_id, enrolment_id, on_day",
			"ALTER TABLE attendance_days ENABLE TRIGGER attendance_days_count",
			"UPDATE enrolments SET days_in_phase = (SELECT count(*) FROM attendance_days a WHERE a.org_id = "
			"enrolments.org_id AND a.enrolment_id = enrolments.id AND a.on_day >= enrolments.phase_since)",
		};
		for (size_t i = 0; i < sizeof fill / sizeof fill[0]; i++)
			if ((rc = store_testing_exec(s, fill[i])))
				die("attended days", rc);
	}
	/* The state autovacuum keeps a running installation in: statistics current and the
	 * visibility map set, so that index-only scans (the per-enrolment attendance counts)
	 * need not visit the heap of rows that were just loaded. */
	if (pg && (rc = store_testing_exec(s, "VACUUM (ANALYZE)")))
		die("vacuum", rc);
	printf("group=%" PRId64 "\ntherapist=%" PRId64 "\nprogramme=%" PRId64 "\n", bench_group, ther.id, p.id);
	fprintf(stderr, "gen_path: %" PRId64 " people, %" PRId64 " attendance rows in %.1f s\n", people,
		people * per, now_s() - t0);
	free(days);
	free(tids);
	store_close(s);
	return 0;
}
