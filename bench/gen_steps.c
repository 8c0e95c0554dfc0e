/* gen_steps.c: fills an organisation with one day-treatment group of synthetic people and
 * two years of their step work, for bench/steps.sh (issue 4's benchmark of the person
 * timeline and the group step grid):
 *
 *   gen_steps --db URL --org NAME --therapist EMAIL [--group 15] [--notes 300] [--days 150]
 *
 * Makes a programme from the municipal day-treatment template and one group of --group
 * synthetic persons ("Steg<i> Bench<i>"; no real people), each enrolled two years ago
 * with the given therapist (who must be a member). The group meets on --days weekdays
 * spread over those two years, with an attendance row per member and session (4 of 5
 * attended). The first person — the one the timeline is measured on — has --notes
 * clinical notes over the two years (nine in ten signed), works all twelve steps (with
 * step 1 reopened after a relapse) and has 40 plan versions with assignments tied to
 * the steps; every other member has worked a share of the steps and has a few plan
 * versions. Prints "person=<id>", "enrolment=<id>", "group=<id>" and "therapist=<id>".
 *
 * Everything goes through the store API (the volume is one group's), with durability
 * off for the generator's one connection (store_testing.h), as gen_path.c does. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/plan.h"
#include "domain/programme.h"
#include "domain/steps.h"
#include "store/store.h"
#include "store/store_testing.h"

#define YEARS_DAYS 730
#define PLAN_VERSIONS 40

static struct store *s;
static int64_t org, ther;

static void die(const char *what, int rc)
{
	fprintf(stderr, "gen_steps: %s failed (%d): %s\n", what, rc, store_last_error());
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One step change of enrolment e: step from → to on day; *changes counts the step's
 * changes so far (the version the store checks). */
static void step_move(int64_t e, int step, const char *from, const char *to, int32_t day, int *changes,
		      int *reopened)
{
	struct store_step st = { .step = step, .since = day, .confirmed_by = ther, .changes = *changes + 1,
				 .reopened = *reopened };
	copy_str(st.status, sizeof st.status, to);
	struct store_step_event ev = { .on_day = day, .by_user = ther };
	copy_str(ev.from_status, sizeof ev.from_status, from);
	copy_str(ev.to_status, sizeof ev.to_status, to);
	if (!strcmp(to, "working") && !strcmp(from, "completed")) {
		copy_str(ev.note, sizeof ev.note, "Gjenåpnet etter tilbakefall");
		st.reopened = ++*reopened;
	}
	int rc = store_step_change(s, org, e, &st, *changes, &ev);
	if (rc)
		die("step change", rc);
	(*changes)++;
}

/* Steps 1..upto worked to completed (and upto + 1 being worked), spread evenly from
 * `from` over `span` days; with reopen, step 1 is reopened and completed again. */
static void work_steps(int64_t e, int upto, int32_t from, int span, bool reopen)
{
	int slots = upto * 3 + 2 + (reopen ? 3 : 0);
	int k = 0;
#define DAY() (from + (int32_t)((int64_t)span * (k++) / slots))
	for (int step = 1; step <= upto && step <= STEP_COUNT; step++) {
		int changes = 0, reopened = 0;
		step_move(e, step, "not_started", "working", DAY(), &changes, &reopened);
		step_move(e, step, "working", "presented", DAY(), &changes, &reopened);
		step_move(e, step, "presented", "completed", DAY(), &changes, &reopened);
		if (reopen && step == 1) {
			/* A relapse: reopened, worked again. The dates must not go back, so the
			 * reopening comes right after. */
			step_move(e, 1, "completed", "working", DAY(), &changes, &reopened);
			step_move(e, 1, "working", "presented", DAY(), &changes, &reopened);
			step_move(e, 1, "presented", "completed", DAY(), &changes, &reopened);
		}
	}
	if (upto < STEP_COUNT) {
		int changes = 0, reopened = 0;
		step_move(e, upto + 1, "not_started", "working", DAY(), &changes, &reopened);
	}
#undef DAY
}

/* versions plan versions of enrolment e from `from` to today: each adds an assignment
 * tied to a step (and the first a goal), and marks the previous one done. */
static void plans(int64_t e, int versions, int32_t from, int32_t today)
{
	struct plan p;
	plan_init(&p);
	plan_list_add(&p.triggers, "Lønningsdag");
	plan_list_add(&p.warning_signs, "Slutter å gå på møter");
	plan_set_text(&p.crisis_contacts, "Behandler på dagtid, legevakt 116 117 ellers");
	int goal = plan_add_goal(&p, "Holde meg rusfri og i arbeid", today + 180);
	for (int v = 0; v < versions; v++) {
		int32_t day = from + (int32_t)((int64_t)(today - 8 - from) * v / (versions > 1 ? versions - 1 : 1));
		char text[96];
		snprintf(text, sizeof text, "Oppgave %d: skriv om steg %d", v + 1, v % STEP_COUNT + 1);
		int id = plan_add_assignment(&p, text, v % STEP_COUNT + 1, v % 3 == 0 ? goal : 0, day, day + 7);
		if (id > 1) {
			struct plan_assignment *prev = plan_assignment(&p, id - 1);
			if (prev && prev->done == DATE_NONE) {
				prev->status = ASSIGNMENT_DONE;
				prev->done = prev->given + 5 <= day ? prev->given + 5 : day;
			}
		}
		char *json = plan_to_string(&p);
		if (!json) {
			struct plan_error err;
			fprintf(stderr, "gen_steps: an invalid plan: %s\n", plan_validate(&p, &err));
			exit(1);
		}
		struct store_plan_version pv = { .author = ther, .json = json };
		int rc = store_plan_save(s, org, e, v, &pv);
		free(json);
		if (rc)
			die("plan", rc);
	}
	plan_release(&p);
}

int main(int argc, char **argv)
{
	const char *db = NULL, *org_name = NULL, *ther_email = NULL;
	int64_t group_size = 15, nnotes = 300, ndays = 150;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db"))
			db = argv[i + 1];
		else if (!strcmp(argv[i], "--org"))
			org_name = argv[i + 1];
		else if (!strcmp(argv[i], "--therapist"))
			ther_email = argv[i + 1];
		else if (!strcmp(argv[i], "--group"))
			parse_int64(argv[i + 1], 1, 100, &group_size);
		else if (!strcmp(argv[i], "--notes"))
			parse_int64(argv[i + 1], 0, 100000, &nnotes);
		else if (!strcmp(argv[i], "--days"))
			parse_int64(argv[i + 1], 1, 500, &ndays);
	}
	if (!db || !org_name || !ther_email) {
		fprintf(stderr, "usage: gen_steps --db URL --org NAME --therapist EMAIL [--group N] [--notes N] "
				"[--days N]\n");
		return 2;
	}
	if (util_init() != 0)
		return 1;
	double t0 = now_s();
	int rc = store_open(db, 1, &s);
	if (rc)
		die("store_open", rc);
	bool pg = !strcmp(store_backend(s), "postgresql");
	if ((rc = store_testing_exec(s, pg ? "SET synchronous_commit = off" : "PRAGMA synchronous = OFF")))
		die("durability off", rc);
	struct org o;
	if ((rc = store_org_get_by_name(s, org_name, &o)))
		die("organisation", rc);
	org = o.id;
	struct user tu;
	if ((rc = store_user_get_by_email(s, ther_email, &tu)))
		die("therapist", rc);
	ther = tu.id;

	/* The programme. */
	const struct programme_def *t = programme_template("municipal_day_treatment");
	struct programme p = { 0 };
	snprintf(p.name, sizeof p.name, "Dagbehandling steg %" PRId64, org);
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
	if ((rc = store_programme_create(s, org, &p)))
		die("programme", rc);

	int32_t today = date_today_cet();
	int32_t start = today - YEARS_DAYS;
	struct group g = { 0 };
	g.programme_id = p.id;
	copy_str(g.name, sizeof g.name, "Steggruppe");
	copy_str(g.phase_key, sizeof g.phase_key, "day_treatment");
	g.weekdays = STORE_MONDAY | STORE_TUESDAY | STORE_WEDNESDAY | STORE_THURSDAY | STORE_FRIDAY;
	g.start_min = 9 * 60;
	g.end_min = 14 * 60;
	g.capacity = (int)group_size;
	g.active = true;
	if ((rc = store_group_create(s, org, &g)))
		die("group", rc);

	int64_t *eids = calloc((size_t)group_size, sizeof *eids);
	int64_t first_person = 0;
	for (int64_t i = 0; i < group_size; i++) {
		struct person pe = { 0 };
		snprintf(pe.given_name, sizeof pe.given_name, "Steg%" PRId64, i + 1);
		snprintf(pe.family_name, sizeof pe.family_name, "Bench%" PRId64, i + 1);
		pe.birth_date = DATE_NONE;
		if ((rc = store_person_create(s, org, &pe)))
			die("person", rc);
		if (i == 0)
			first_person = pe.id;
		struct enrolment e = { 0 };
		e.person_id = pe.id;
		e.programme_id = p.id;
		e.therapist_id = ther;
		copy_str(e.status, sizeof e.status, "active");
		e.phase = 2;
		e.started_on = start;
		e.phase_since = start;
		e.last_change_on = start;
		e.paused_since = DATE_NONE;
		e.ended_on = DATE_NONE;
		struct enrolment_event ev = { 0 };
		ev.from_phase = -1;
		ev.to_phase = 2;
		ev.on_day = start;
		if ((rc = store_enrolment_create(s, org, &e, &ev)))
			die("enrolment", rc);
		struct group_member gm = { .group_id = g.id, .enrolment_id = e.id, .from_day = start };
		if ((rc = store_group_member_add(s, org, &gm)))
			die("member", rc);
		eids[i] = e.id;
	}

	/* The sessions: ndays weekdays spread over the two years, the last one today or before. */
	struct attendance *rows = calloc((size_t)group_size, sizeof *rows);
	int64_t nrows = 0;
	for (int64_t di = 0; di < ndays; di++) {
		int32_t d = start + 1 + (int32_t)((int64_t)(YEARS_DAYS - 1) * di / ndays);
		while (date_weekday(d) > 5)
			d++;
		struct att_session se = { 0 };
		se.programme_id = p.id;
		se.group_id = g.id;
		copy_str(se.phase_key, sizeof se.phase_key, "day_treatment");
		se.on_day = d;
		se.start_min = g.start_min;
		se.end_min = g.end_min;
		copy_str(se.kind, sizeof se.kind, "group");
		se.leader_id = ther;
		se.created_by = ther;
		if ((rc = store_att_session_create(s, org, &se)))
			die("session", rc);
		for (int64_t i = 0; i < group_size; i++) {
			rows[i] = (struct attendance){ .enrolment_id = eids[i], .attended = (di + i) % 5 != 0,
						       .minutes = (di + i) % 5 != 0 ? 240 : 0 };
		}
		if ((rc = store_attendance_save(s, org, se.id, rows, (size_t)group_size, ther, NULL, NULL)))
			die("attendance", rc);
		nrows += group_size;
	}
	free(rows);
	fprintf(stderr, "gen_steps: %" PRId64 " sessions, %" PRId64 " attendance rows, %.1f s\n", ndays, nrows,
		now_s() - t0);

	/* The first person's notes: one every couple of days over the two years. */
	static struct store_note n;
	static const char *const types[] = { "individual", "group", "step_presentation", "phone", "other" };
	for (int64_t k = 0; k < nnotes; k++) {
		memset(&n, 0, sizeof n);
		n.person_id = first_person;
		n.enrolment_id = eids[0];
		copy_str(n.type, sizeof n.type, types[k % 5]);
		n.on_day = start + 1 + (int32_t)((int64_t)(YEARS_DAYS - 2) * k / (nnotes ? nnotes : 1));
		n.drafted_on = n.on_day;
		n.author = ther;
		snprintf(n.text, sizeof n.text,
			 "Syntetisk notat %" PRId64 ". Samtale om stegarbeidet denne uken: hva som har gått bra, hva som "
			 "har vært vanskelig, og hva neste oppgave skal være. Deltakeren forteller om møter i "
			 "selvhjelpsgruppen og om kontakten med sponsor. Avtalt ny samtale neste uke.",
			 k + 1);
		if (!strcmp(n.type, "step_presentation"))
			n.step = (int)(k % STEP_COUNT) + 1;
		if ((rc = store_note_create(s, org, &n)))
			die("note", rc);
		if (k % 10 != 9 && (rc = store_note_sign(s, org, n.id, ther, now_seconds())))
			die("sign", rc);
	}
	fprintf(stderr, "gen_steps: %" PRId64 " notes, %.1f s\n", nnotes, now_s() - t0);

	/* Step work and plans: all twelve (and a reopening) for the first person, a share
	 * for each of the others. */
	for (int64_t i = 0; i < group_size; i++) {
		if (i == 0) {
			work_steps(eids[i], STEP_COUNT, start + 7, YEARS_DAYS - 14, true);
			plans(eids[i], PLAN_VERSIONS, start + 7, today);
		} else {
			work_steps(eids[i], (int)(i % STEP_COUNT) + 1, start + 7, YEARS_DAYS - 14, i % 4 == 0);
			plans(eids[i], 3, start + 7, today);
		}
	}
	store_testing_exec(s, "ANALYZE");
	printf("person=%" PRId64 "\nenrolment=%" PRId64 "\ngroup=%" PRId64 "\ntherapist=%" PRId64 "\n", first_person,
	       eids[0], g.id, ther);
	fprintf(stderr, "gen_steps: a group of %" PRId64 " with two years of step work in %.1f s\n", group_size,
		now_s() - t0);
	free(eids);
	store_close(s);
	return 0;
}
