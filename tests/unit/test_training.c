/* test_training.c: unit tests of therapist training (issue 7) — the certification rules
 * (status of a course, the day a member becomes a certified leader, parsing a record:
 * days within the course, a certification date only with every day attended and not in
 * the future) and, on a throw-away SQLite store, the leader check of a group session:
 * refused without a certified leader unless a reason is given, the reason stored and
 * removed again once a certified leader leads it, certification after the session's day
 * not counting, the register's service (audited, staff only, another organisation's user
 * not found) and training_certified_count. */
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
#include "domain/groupsessions.h"
#include "domain/programme.h"
#include "domain/training.h"

#define D(y, m, d) date_from_ymd(y, m, d)

static const struct store_training_course COURSES[3] = {
	{ .key = "intro", .required_days = 9, .for_leading = true, .position = 1 },
	{ .key = "manual", .required_days = 2, .for_leading = true, .position = 2 },
	{ .key = "first_aid", .name = "First aid", .required_days = 1, .for_leading = false, .position = 3 },
};

static struct store_training_record rec(int64_t user, const char *key, int days, int32_t cert)
{
	struct store_training_record r = { .user_id = user, .days_attended = days, .certified_on = cert };
	copy_str(r.course_key, sizeof r.course_key, key);
	return r;
}

static void test_status(void **state)
{
	(void)state;
	struct store_training_record r = rec(1, "intro", 0, DATE_NONE);
	assert_int_equal(training_status_of(&COURSES[0], NULL), TRAINING_NOT_STARTED);
	assert_int_equal(training_status_of(&COURSES[0], &r), TRAINING_NOT_STARTED);
	r.days_attended = 4;
	assert_int_equal(training_status_of(&COURSES[0], &r), TRAINING_IN_PROGRESS);
	r.days_attended = 9;
	assert_int_equal(training_status_of(&COURSES[0], &r), TRAINING_COMPLETED);
	r.certified_on = D(2025, 1, 1);
	assert_int_equal(training_status_of(&COURSES[0], &r), TRAINING_CERTIFIED);
	assert_string_equal(training_status_label(TRAINING_COMPLETED), "Completed, not certified");
	assert_string_equal(training_course_msgid("intro"), "Introduction course");
	assert_string_equal(training_course_msgid("manual"), "Manual course");
	assert_null(training_course_msgid("first_aid"));
}

static void test_certified_since(void **state)
{
	(void)state;
	int32_t d1 = D(2025, 1, 10), d2 = D(2025, 3, 5);
	struct store_training_record recs[] = {
		rec(1, "intro", 9, d2), rec(1, "manual", 2, d1),           /* user 1: both → since d2 */
		rec(2, "intro", 9, d1), rec(2, "manual", 2, DATE_NONE),    /* user 2: manual not certified */
		rec(3, "intro", 9, d1), rec(3, "first_aid", 1, d1),        /* user 3: no manual course */
	};
	size_t nr = sizeof recs / sizeof recs[0];
	assert_int_equal(training_certified_since(COURSES, 3, recs, nr, 1), d2);
	assert_int_equal(training_certified_since(COURSES, 3, recs, nr, 2), DATE_NONE);
	assert_int_equal(training_certified_since(COURSES, 3, recs, nr, 3), DATE_NONE);
	assert_int_equal(training_certified_since(COURSES, 3, recs, nr, 4), DATE_NONE);
	/* On or before the day counts; the day before the later certification does not. */
	assert_true(training_certified_on(COURSES, 3, recs, nr, 1, d2));
	assert_true(training_certified_on(COURSES, 3, recs, nr, 1, d2 + 30));
	assert_false(training_certified_on(COURSES, 3, recs, nr, 1, d2 - 1));
	assert_false(training_certified_on(COURSES, 3, recs, nr, 1, DATE_NONE));
	/* No course needed to lead: nobody is certified. */
	assert_int_equal(training_certified_since(&COURSES[2], 1, recs, nr, 3), DATE_NONE);
	/* Another user's records do not count. */
	assert_false(training_certified_on(COURSES, 2, recs, 2, 2, d2));
}

static void test_parse(void **state)
{
	(void)state;
	int32_t today = D(2025, 6, 2);
	struct store_training_record out;
	struct field_error fe = { 0 };
	assert_int_equal(training_parse(COURSES, 3, &(struct training_in){ .course = "intro", .days_attended = "9",
									  .certified_on = "2025-06-02" },
					today, &out, &fe),
			 0);
	assert_string_equal(out.course_key, "intro");
	assert_int_equal(out.days_attended, 9);
	assert_int_equal(out.certified_on, today);
	/* Empty: 0 days, not certified. */
	assert_int_equal(training_parse(COURSES, 3, &(struct training_in){ .course = "manual" }, today, &out, &fe), 0);
	assert_int_equal(out.days_attended, 0);
	assert_int_equal(out.certified_on, DATE_NONE);
	/* Each bad field. */
	static const struct {
		struct training_in in;
		const char *field;
	} bad[] = {
		{ { .course = "juggling" }, "course" },
		{ { .course = NULL }, "course" },
		{ { .course = "intro", .days_attended = "10" }, "days_attended" },
		{ { .course = "manual", .days_attended = "3" }, "days_attended" },
		{ { .course = "intro", .days_attended = "-1" }, "days_attended" },
		{ { .course = "intro", .days_attended = "4.5" }, "days_attended" },
		{ { .course = "intro", .days_attended = "nine" }, "days_attended" },
		{ { .course = "intro", .days_attended = "8", .certified_on = "2025-01-01" }, "certified_on" },
		{ { .course = "intro", .days_attended = "9", .certified_on = "2025-06-03" }, "certified_on" },
		{ { .course = "intro", .days_attended = "9", .certified_on = "1989-12-31" }, "certified_on" },
		{ { .course = "intro", .days_attended = "9", .certified_on = "2025-02-30" }, "certified_on" },
		{ { .course = "intro", .days_attended = "9", .certified_on = "2.6.2025" }, "certified_on" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&fe, 0, sizeof fe);
		assert_int_equal(training_parse(COURSES, 3, &bad[i].in, today, &out, &fe), ACC_INVALID);
		assert_non_null(fe.field);
		if (strcmp(fe.field, bad[i].field))
			fail_msg("case %zu: field %s, expected %s", i, fe.field, bad[i].field);
		assert_non_null(fe.message);
	}
}

/* ---- on a store: the register and the leader check ---- */

static char dbpath[256];

struct fx {
	struct accounts ac;
	struct actor who;
	struct org a, b;
	int64_t lead, extra, foreign, auditor;
	int64_t session;
	int32_t day;
};

static int64_t member(struct fx *f, int64_t org, const char *email, const char *role)
{
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, email);
	copy_str(u.name, sizeof u.name, email);
	copy_str(u.lang, sizeof u.lang, "nb");
	if (store_user_create(f->ac.store, &u))
		return -1;
	struct membership m = { .user_id = u.id, .org_id = org };
	copy_str(m.role, sizeof m.role, role);
	if (store_membership_set(f->ac.store, &m))
		return -1;
	return u.id;
}

static int setup(void **state)
{
	static int n;
	snprintf(dbpath, sizeof dbpath, "/tmp/tolv-training-%d-%d.db", (int)getpid(), n++);
	char url[300];
	snprintf(url, sizeof url, "sqlite:%s", dbpath);
	struct fx *f = calloc(1, sizeof *f);
	if (store_open(url, 4, &f->ac.store) || store_migrate(f->ac.store, NULL))
		return -1;
	f->ac.audit = auditor_new(f->ac.store, false);
	struct field_error fe;
	struct actor cli = { 0 };
	if (accounts_org_add(&f->ac, &cli, "Lister kommune", &f->a, &fe) ||
	    accounts_org_add(&f->ac, &cli, "Vest klinikk", &f->b, &fe))
		return -1;
	f->lead = member(f, f->a.id, "leder@a.example", "therapist");
	f->extra = member(f, f->a.id, "medleder@a.example", "coordinator");
	f->auditor = member(f, f->a.id, "revisor@a.example", "auditor");
	f->foreign = member(f, f->b.id, "fremmed@b.example", "therapist");
	if (f->lead < 0 || f->extra < 0 || f->auditor < 0 || f->foreign < 0)
		return -1;
	f->who.user_id = f->extra;
	f->who.org_id = f->a.id;
	copy_str(f->who.email, sizeof f->who.email, "medleder@a.example");

	const struct programme_def *t = programme_template("municipal_day_treatment");
	struct programme p = { .active = true };
	copy_str(p.name, sizeof p.name, "Dagbehandling");
	copy_str(p.template_key, sizeof p.template_key, t->key);
	p.min_steps = t->min_steps;
	p.nphases = t->nphases;
	for (int i = 0; i < t->nphases; i++) {
		copy_str(p.phases[i].key, sizeof p.phases[i].key, t->phases[i].key);
		copy_str(p.phases[i].label, sizeof p.phases[i].label, t->phases[i].label);
		p.phases[i].target_days = t->phases[i].target_days;
		p.phases[i].min_days_per_week = t->phases[i].min_days_per_week;
		p.phases[i].min_hours_per_day = t->phases[i].min_hours_per_day;
		p.phases[i].max_hours_per_day = t->phases[i].max_hours_per_day;
		p.phases[i].min_months = t->phases[i].min_months;
		p.phases[i].max_months = t->phases[i].max_months;
		p.phases[i].sessions_per_week = t->phases[i].sessions_per_week;
		p.phases[i].session_minutes = t->phases[i].session_minutes;
	}
	if (store_programme_create(f->ac.store, f->a.id, &p))
		return -1;
	f->day = D(2025, 5, 6);
	struct att_session se = { .programme_id = p.id, .on_day = f->day, .start_min = 540, .end_min = 780,
				  .leader_id = f->lead };
	copy_str(se.kind, sizeof se.kind, "group");
	if (store_att_session_create(f->ac.store, f->a.id, &se))
		return -1;
	f->session = se.id;
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

/* Certifies user in both courses on day (through the service, as on the page). */
static void certify(struct fx *f, int64_t user, int32_t day)
{
	char d[11];
	date_format(day, d);
	struct training_in in[2] = { { .course = "intro", .days_attended = "9", .certified_on = d },
				     { .course = "manual", .days_attended = "2", .certified_on = d } };
	struct field_error fe = { 0 };
	size_t bad = 99;
	int rc = training_set(&f->ac, &f->who, f->a.id, user, in, 2, &bad, &fe);
	if (rc)
		fail_msg("certify: %d %s %s", rc, fe.field ? fe.field : "", fe.message ? fe.message : "");
}

static int64_t audit_count(struct fx *f, const char *action)
{
	struct audit_entry *es = NULL;
	size_t n = 0;
	int64_t k = 0;
	struct audit_filter flt = { .org_id = f->a.id, .limit = 1000 };
	copy_str(flt.action, sizeof flt.action, action);
	assert_int_equal(store_audit_list(f->ac.store, &flt, &es, &n), STORE_OK);
	for (size_t i = 0; i < n; i++) {
		/* Never the reason text in the detail. */
		assert_null(strstr(es[i].detail, "ill"));
		k += !strcmp(es[i].action, action);
	}
	free(es);
	return k;
}

static void test_leader_check(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	char extra_id[24];
	snprintf(extra_id, sizeof extra_id, "%lld", (long long)f->extra);
	const char *leaders[] = { extra_id };
	struct gsession_in in = { .topic = "Steg 4", .topic_kind = "lecture" };

	/* No one certified: refused with the reason field, nothing stored. */
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "override_reason");
	struct store_session_details d;
	assert_int_equal(store_session_details_get(f->ac.store, f->a.id, f->session, &d), STORE_OK);
	assert_string_equal(d.topic, "");
	/* White space only is no reason. */
	in.override_reason = "  \n ";
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "override_reason");
	/* Too long. */
	char longer[GSESSION_REASON_CHARS + 2];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	in.override_reason = longer;
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "override_reason");

	/* With a reason: saved, the reason stored (trimmed), audited without it. */
	in.override_reason = "  The certified leader was ill.\n";
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), 0);
	struct att_session se;
	assert_int_equal(store_att_session_get(f->ac.store, f->a.id, f->session, &se), STORE_OK);
	assert_int_equal(store_session_details_get(f->ac.store, f->a.id, f->session, &d), STORE_OK);
	struct gsession_leading lead;
	assert_int_equal(gsessions_leading(&f->ac, f->a.id, &se, &d, &lead), 0);
	assert_false(lead.certified);
	assert_string_equal(lead.ov.reason, "The certified leader was ill.");
	assert_int_equal(audit_count(f, "session.leader_override"), 1);

	/* The extra leader certified only after the session's day: still not certified. */
	certify(f, f->extra, f->day + 1);
	in.leaders = leaders;
	in.nleaders = 1;
	in.override_reason = NULL;
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "override_reason");

	/* Certified on the day itself: an extra leader is enough; a stored reason goes. */
	certify(f, f->extra, f->day);
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), 0);
	assert_int_equal(store_session_details_get(f->ac.store, f->a.id, f->session, &d), STORE_OK);
	assert_int_equal(gsessions_leading(&f->ac, f->a.id, &se, &d, &lead), 0);
	assert_true(lead.certified);
	assert_string_equal(lead.ov.reason, "");
	assert_int_equal(audit_count(f, "session.leader_override"), 1);

	/* Without the extra leader, the session's own leader (not certified) is not enough... */
	in.nleaders = 0;
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), ACC_INVALID);
	/* ...until the own leader is certified too. */
	certify(f, f->lead, f->day - 100);
	assert_int_equal(gsessions_set(&f->ac, &f->who, f->a.id, f->session, &in, &fe), 0);
}

static void test_register(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	size_t bad = 99;
	/* Another organisation's user and an auditor are not in the register. */
	struct training_in one = { .course = "intro", .days_attended = "3" };
	assert_int_equal(training_set(&f->ac, &f->who, f->a.id, f->foreign, &one, 1, &bad, &fe), STORE_NOTFOUND);
	assert_int_equal(training_set(&f->ac, &f->who, f->a.id, f->auditor, &one, 1, &bad, &fe), STORE_NOTFOUND);
	assert_int_equal(training_staff_check(&f->ac, f->a.id, f->foreign), STORE_NOTFOUND);
	assert_int_equal(training_staff_check(&f->ac, f->a.id, f->lead), 0);
	/* The second course in error: its index, nothing written. */
	struct training_in two[2] = { { .course = "intro", .days_attended = "9" },
				      { .course = "manual", .days_attended = "1", .certified_on = "2025-01-01" } };
	assert_int_equal(training_set(&f->ac, &f->who, f->a.id, f->lead, two, 2, &bad, &fe), ACC_INVALID);
	assert_int_equal(bad, 1);
	assert_string_equal(fe.field, "certified_on");
	struct store_training_record *recs = NULL;
	size_t n = 0;
	assert_int_equal(store_training_records(f->ac.store, f->a.id, f->lead, &recs, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(recs);
	/* The same course twice. */
	struct training_in dup[2] = { { .course = "intro", .days_attended = "1" }, { .course = "intro" } };
	assert_int_equal(training_set(&f->ac, &f->who, f->a.id, f->lead, dup, 2, &bad, &fe), ACC_INVALID);
	assert_int_equal(bad, 1);
	/* Saved and audited per course. */
	assert_int_equal(training_set(&f->ac, &f->who, f->a.id, f->lead, two, 1, &bad, &fe), 0);
	assert_int_equal(audit_count(f, "training.update"), 1);

	/* The count for the report. */
	int k = -1;
	assert_int_equal(training_certified_count(&f->ac, f->a.id, f->day, &k), 0);
	assert_int_equal(k, 0);
	certify(f, f->lead, f->day - 1);
	certify(f, f->extra, f->day);
	assert_int_equal(training_certified_count(&f->ac, f->a.id, f->day - 1, &k), 0);
	assert_int_equal(k, 1);
	assert_int_equal(training_certified_count(&f->ac, f->a.id, f->day, &k), 0);
	assert_int_equal(k, 2);
	assert_int_equal(training_certified_count(&f->ac, f->b.id, f->day, &k), 0);
	assert_int_equal(k, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_certified_since),
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_leader_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
