/* test_relapses.c: unit tests of relapse follow-up (issue 6) — the pure rules (the decision
 * state machine, the sober-since reset, the substance list) and the service on a SQLite
 * store: validation of every field, draft → confirmed | rejected with the invalid
 * transitions refused, the draft a test opens (once per test) and the lab overturning it,
 * pausing and resuming the enrolment with the relapse as the reason, and sober-since. */
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
#include "domain/enrolments.h"
#include "domain/intake.h"
#include "domain/relapses.h"

#define D(y, m, d) date_from_ymd(y, m, d)

/* ---- pure rules ---- */

static void test_decide_machine(void **state)
{
	(void)state;
	const char *to;
	assert_null(relapse_decide_check("draft", false, "confirm", &to));
	assert_string_equal(to, "confirmed");
	assert_null(relapse_decide_check("draft", false, "reject", &to));
	assert_string_equal(to, "rejected");
	/* Refused: deciding twice, reopening, keeping without a review, unknown words. */
	assert_non_null(relapse_decide_check("confirmed", false, "confirm", &to));
	assert_null(to);
	assert_non_null(relapse_decide_check("confirmed", false, "reject", &to));
	assert_non_null(relapse_decide_check("rejected", false, "confirm", &to));
	assert_non_null(relapse_decide_check("rejected", false, "reject", &to));
	assert_non_null(relapse_decide_check("draft", false, "keep", &to));
	assert_non_null(relapse_decide_check("confirmed", false, "keep", &to));
	assert_non_null(relapse_decide_check("draft", false, "approve", &to));
	assert_non_null(relapse_decide_check("draft", false, NULL, &to));
	assert_non_null(relapse_decide_check("bogus", false, "confirm", &to));
	/* Under review (the lab overturned the test): keep or reject. */
	assert_null(relapse_decide_check("confirmed", true, "keep", &to));
	assert_string_equal(to, "confirmed");
	assert_null(relapse_decide_check("confirmed", true, "reject", &to));
	assert_string_equal(to, "rejected");
	assert_non_null(relapse_decide_check("confirmed", true, "confirm", &to));
}

static void test_sober_since_rule(void **state)
{
	(void)state;
	/* Unset: the day after the relapse. */
	assert_int_equal(relapse_sober_since_after(DATE_NONE, D(2025, 3, 1)), D(2025, 3, 2));
	/* Earlier than the relapse: reset to the day after it. */
	assert_int_equal(relapse_sober_since_after(D(2024, 1, 1), D(2025, 3, 1)), D(2025, 3, 2));
	/* The same day as the relapse is still before the day after it. */
	assert_int_equal(relapse_sober_since_after(D(2025, 3, 1), D(2025, 3, 1)), D(2025, 3, 2));
	/* An older relapse confirmed late leaves a later date alone. */
	assert_int_equal(relapse_sober_since_after(D(2025, 6, 1), D(2025, 3, 1)), D(2025, 6, 1));
	assert_int_equal(relapse_sober_since_after(D(2025, 3, 2), D(2025, 3, 1)), D(2025, 3, 2));
	/* Across a month and a year. */
	assert_int_equal(relapse_sober_since_after(DATE_NONE, D(2024, 12, 31)), D(2025, 1, 1));
}

static void test_substances(void **state)
{
	(void)state;
	char out[STORE_RELAPSE_SUBST_MAX];
	assert_int_equal(relapse_substances_normalize("cannabis, opioids ,cannabis", out, sizeof out), 0);
	assert_string_equal(out, "cannabis,opioids");
	assert_int_equal(relapse_substances_normalize("", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(relapse_substances_normalize(NULL, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(relapse_substances_normalize(" ghb  benzodiazepines\n", out, sizeof out), 0);
	assert_string_equal(out, "ghb,benzodiazepines");
	assert_int_equal(relapse_substances_normalize("org_defined-2", out, sizeof out), 0);
	assert_string_equal(out, "org_defined-2");
	/* Bad keys: capitals, other characters, too long; too many keys; out too small. */
	assert_int_equal(relapse_substances_normalize("Cannabis", out, sizeof out), -1);
	assert_int_equal(relapse_substances_normalize("can<b>", out, sizeof out), -1);
	assert_int_equal(relapse_substances_normalize("æøå", out, sizeof out), -1);
	assert_int_equal(relapse_substances_normalize("a;b", out, sizeof out), -1);
	assert_int_equal(relapse_substances_normalize("abcdefghijabcdefghijabcdefghijabc", out, sizeof out), -1);
	assert_int_equal(relapse_substances_normalize("abcdefghijabcdefghijabcdefghijab", out, sizeof out), 0);
	assert_int_equal(relapse_substances_normalize("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", out, sizeof out), 0);
	assert_int_equal(relapse_substances_normalize("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", out, sizeof out), -1);
	char small[4];
	assert_int_equal(relapse_substances_normalize("abcd", small, sizeof small), -1);
	assert_string_equal(small, "");
	/* Labels and keys. */
	assert_int_equal(relapse_status_parse("draft"), 0);
	assert_int_equal(relapse_status_parse("open"), -1);
	assert_true(relapse_source_ok("told"));
	assert_false(relapse_source_ok(""));
	assert_true(relapse_detox_status_ok(""));
	assert_true(relapse_detox_status_ok("admitted"));
	assert_false(relapse_detox_status_ok("done"));
	assert_true(relapse_physician_status_ok("done"));
	assert_false(relapse_physician_status_ok("admitted"));
	assert_string_equal(relapse_status_label("confirmed"), "Confirmed");
}

/* ---- the service on a store ---- */

static char dbpath[256];

struct fx {
	struct accounts ac;
	struct actor who;
	struct org a, b;
	int64_t person, person_b, enrolment;
};

static int setup(void **state)
{
	static int n;
	snprintf(dbpath, sizeof dbpath, "/tmp/tolv-relapses-%d-%d.db", (int)getpid(), n++);
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
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, "ther@example.org");
	copy_str(u.name, sizeof u.name, "Ther");
	copy_str(u.lang, sizeof u.lang, "nb");
	if (store_user_create(f->ac.store, &u))
		return -1;
	struct membership m = { .user_id = u.id, .org_id = f->a.id };
	copy_str(m.role, sizeof m.role, "therapist");
	if (store_membership_set(f->ac.store, &m))
		return -1;
	f->who.user_id = u.id;
	f->who.org_id = f->a.id;
	copy_str(f->who.email, sizeof f->who.email, u.email);
	struct person p = { 0 };
	copy_str(p.given_name, sizeof p.given_name, "Kari");
	copy_str(p.family_name, sizeof p.family_name, "Nordmann");
	p.birth_date = DATE_NONE;
	if (store_person_create(f->ac.store, f->a.id, &p))
		return -1;
	f->person = p.id;
	struct person pb = p;
	pb.id = 0;
	if (store_person_create(f->ac.store, f->b.id, &pb))
		return -1;
	f->person_b = pb.id;
	struct intake_errors ie = { 0 };
	struct programme prog;
	if (intake_programme_create(&f->ac, &f->who, "municipal_day_treatment", "Dag", &prog, &ie))
		return -1;
	struct enrolment_new en = { .person_id = p.id, .programme_id = prog.id, .therapist_id = u.id,
				    .start_date = "2025-01-06" };
	struct enrolment e;
	struct person_errors pe = { 0 };
	if (enrolments_create(&f->ac, &f->who, f->a.id, &en, D(2025, 1, 6), &e, &pe))
		return -1;
	f->enrolment = e.id;
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

static void expect_field(struct fx *f, const struct relapse_in *in, const char *field)
{
	struct field_error fe = { 0 };
	int64_t id = 0;
	assert_int_equal(relapses_create(&f->ac, &f->who, f->a.id, f->person, in, D(2025, 6, 1), &id, &fe),
			 ACC_INVALID);
	assert_non_null(fe.field);
	assert_string_equal(fe.field, field);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	struct relapse_in ok = { .date = "2025-05-01", .substances = "alcohol", .source = "told" };
	struct relapse_in in = ok;
	in.date = "";
	expect_field(f, &in, "date");
	in.date = "2025-13-01";
	expect_field(f, &in, "date");
	in.date = "2025-06-02"; /* after today */
	expect_field(f, &in, "date");
	in = ok;
	in.substances = "Alcohol!";
	expect_field(f, &in, "substances");
	in = ok;
	in.source = "rumour";
	expect_field(f, &in, "source");
	in.source = NULL;
	expect_field(f, &in, "source");
	in = ok;
	in.source = "test";
	expect_field(f, &in, "test_id");
	in.test_id = "x1";
	expect_field(f, &in, "test_id");
	in.test_id = "0";
	expect_field(f, &in, "test_id");
	in = ok;
	in.test_id = "5"; /* a test number without a test */
	expect_field(f, &in, "test_id");
	in = ok;
	in.source = "other";
	expect_field(f, &in, "source_text");
	in.source_text = "x";
	char big[600];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	in.source_text = big;
	expect_field(f, &in, "source_text");
	in = ok;
	in.source_text = "only for other";
	expect_field(f, &in, "source_text");
	/* Another organisation's person is none. */
	struct field_error fe = { 0 };
	int64_t id = 0;
	assert_int_equal(relapses_create(&f->ac, &f->who, f->a.id, f->person_b, &ok, D(2025, 6, 1), &id, &fe),
			 STORE_NOTFOUND);
	assert_int_equal(relapses_create(&f->ac, &f->who, f->a.id, f->person, &ok, D(2025, 6, 1), &id, &fe), 0);
	struct store_relapse r;
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, id, &r), 0);
	assert_int_equal(r.enrolment_id, f->enrolment); /* the open enrolment is linked */
	assert_string_equal(r.status, "draft");

	/* The response: each field. */
	struct relapse_response_in rin = { .extra_sessions = "2" };
	rin.conversation_date = "2025-02-30";
	fe = (struct field_error){ 0 };
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "conversation_date");
	rin.conversation_date = "";
	rin.extra_sessions = "101";
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "extra_sessions");
	rin.extra_sessions = "";
	rin.plan_version = "0";
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "plan_version");
	rin.plan_version = "3"; /* the enrolment has no saved plan */
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "plan_version");
	rin.plan_version = "";
	rin.physician_status = "maybe";
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "physician_status");
	rin.physician_status = "";
	rin.detox_status = "planned"; /* no destination */
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "detox_destination");
	rin.detox_status = "later";
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "detox_status");
	rin.detox_status = "planned";
	rin.detox_destination = "Detox A";
	rin.detox_date = "2025-07-01"; /* a planned date may be in the future */
	rin.extra_sessions = "3";
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id, &rin, &fe), 0);
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, id, &r), 0);
	assert_string_equal(r.detox_status, "planned");
	assert_int_equal(r.detox_on, D(2025, 7, 1));
	assert_int_equal(r.extra_sessions, 3);
	/* Another organisation's relapse is none. */
	struct actor other = f->who;
	other.org_id = f->b.id;
	assert_int_equal(relapses_respond(&f->ac, &other, f->b.id, id, &rin, &fe), STORE_NOTFOUND);
	assert_int_equal(relapses_decide(&f->ac, &other, f->b.id, id, "confirm", "", &fe), STORE_NOTFOUND);
}

static void test_decisions_and_sober_since(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	int64_t id = 0, id2 = 0;
	struct relapse_in in = { .date = "2025-05-01", .substances = "alcohol", .source = "told" };
	assert_int_equal(relapses_create(&f->ac, &f->who, f->a.id, f->person, &in, D(2025, 6, 1), &id, &fe), 0);
	in.date = "2025-04-01";
	assert_int_equal(relapses_create(&f->ac, &f->who, f->a.id, f->person, &in, D(2025, 6, 1), &id2, &fe), 0);
	/* Sober-since is refused until the organisation turns it on. */
	assert_int_equal(relapses_sober_set(&f->ac, &f->who, f->a.id, f->person, "2025-01-01", D(2025, 6, 1), &fe),
			 RELAPSES_REFUSED);
	assert_int_equal(relapses_settings_set(&f->ac, &f->who, f->a.id, true), 0);
	assert_int_equal(relapses_sober_set(&f->ac, &f->who, f->a.id, f->person, "2025-07-01", D(2025, 6, 1), &fe),
			 ACC_INVALID);
	assert_string_equal(fe.field, "sober_since");
	assert_int_equal(relapses_sober_set(&f->ac, &f->who, f->a.id, f->person, "2025-01-01", D(2025, 6, 1), &fe), 0);

	/* Reject needs a reason; unknown decisions are invalid. */
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id, "reject", "", &fe), ACC_INVALID);
	assert_string_equal(fe.field, "reason");
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id, "approve", "", &fe), ACC_INVALID);
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id, "keep", "", &fe), RELAPSES_REFUSED);

	/* Confirm: the sober-since day becomes the day after the relapse. */
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id, "confirm", "", &fe), 0);
	int32_t day = DATE_NONE;
	bool shown = false;
	assert_int_equal(relapses_sober_get(&f->ac, &f->who, f->a.id, f->person, &day, &shown), 0);
	assert_true(shown);
	assert_int_equal(day, D(2025, 5, 2));
	/* Confirmed is final: confirming or rejecting again is refused. */
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id, "confirm", "", &fe), RELAPSES_REFUSED);
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id, "reject", "mistake", &fe), RELAPSES_REFUSED);
	/* An older relapse confirmed later leaves the later date alone. */
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id2, "confirm", "", &fe), 0);
	assert_int_equal(relapses_sober_get(&f->ac, &f->who, f->a.id, f->person, &day, &shown), 0);
	assert_int_equal(day, D(2025, 5, 2));

	/* A rejected relapse changes nothing and takes no response or pause. */
	int64_t id3 = 0;
	in.date = "2025-05-20";
	assert_int_equal(relapses_create(&f->ac, &f->who, f->a.id, f->person, &in, D(2025, 6, 1), &id3, &fe), 0);
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id3, "reject", "Misunderstanding", &fe), 0);
	assert_int_equal(relapses_sober_get(&f->ac, &f->who, f->a.id, f->person, &day, &shown), 0);
	assert_int_equal(day, D(2025, 5, 2));
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id3, "confirm", "", &fe), RELAPSES_REFUSED);
	struct relapse_response_in rin = { 0 };
	assert_int_equal(relapses_respond(&f->ac, &f->who, f->a.id, id3, &rin, &fe), RELAPSES_REFUSED);
	assert_int_equal(relapses_pause(&f->ac, &f->who, f->a.id, id3, false, "", D(2025, 6, 1), &fe),
			 RELAPSES_REFUSED);
	struct store_relapse r;
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, id3, &r), 0);
	assert_string_equal(r.status, "rejected");
	assert_string_equal(r.decision_reason, "Misunderstanding");
	assert_int_equal(r.decided_by, f->who.user_id);
}

static void test_from_test_and_overturn(void **state)
{
	struct fx *f = *state;
	int64_t a = 0, b = 0;
	assert_int_equal(relapses_draft_from_test(&f->ac, &f->who, f->a.id, f->person, 501, D(2025, 5, 3),
						  "cannabis,opioids", &a),
			 0);
	/* Idempotent per test. */
	assert_int_equal(relapses_draft_from_test(&f->ac, &f->who, f->a.id, f->person, 501, D(2025, 5, 3),
						  "cannabis,opioids", &b),
			 0);
	assert_int_equal(a, b);
	struct store_relapse *rows = NULL;
	size_t n = 0;
	assert_int_equal(relapses_list(&f->ac, &f->who, f->a.id, f->person, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].source, "test");
	assert_int_equal(rows[0].test_id, 501);
	assert_string_equal(rows[0].substances, "cannabis,opioids");
	free(rows);
	/* It shows among the therapist's drafts. */
	assert_int_equal(relapses_drafts(&f->ac, &f->who, f->a.id, &rows, &n), 0);
	assert_int_equal(n, 1);
	free(rows);
	/* A refused test: no substances. A bad key is refused. */
	int64_t c = 0;
	assert_int_equal(relapses_draft_from_test(&f->ac, &f->who, f->a.id, f->person, 502, D(2025, 5, 4), "", &c), 0);
	assert_true(c != a);
	assert_int_equal(relapses_draft_from_test(&f->ac, &f->who, f->a.id, f->person, 503, D(2025, 5, 4), "Bad!", &c),
			 ACC_INVALID);
	/* Another organisation's person is none. */
	assert_int_equal(
		relapses_draft_from_test(&f->ac, &f->who, f->a.id, f->person_b, 504, D(2025, 5, 4), "cannabis", &c),
		STORE_NOTFOUND);

	/* The lab overturns test 501: the draft is rejected automatically. */
	assert_int_equal(relapses_test_overturned(&f->ac, &f->who, f->a.id, 501), 0);
	struct store_relapse r;
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, a, &r), 0);
	assert_string_equal(r.status, "rejected");
	assert_string_equal(r.decision_reason, "lab");
	/* Twice, or a test without a relapse: nothing more happens. */
	assert_int_equal(relapses_test_overturned(&f->ac, &f->who, f->a.id, 501), 0);
	assert_int_equal(relapses_test_overturned(&f->ac, &f->who, f->a.id, 999), 0);

	/* Test 502 confirmed, then overturned: confirmed and marked for review. */
	struct field_error fe = { 0 };
	int64_t id502 = 0;
	assert_int_equal(relapses_draft_from_test(&f->ac, &f->who, f->a.id, f->person, 502, D(2025, 5, 4), "", &id502),
			 0);
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id502, "confirm", "", &fe), 0);
	assert_int_equal(relapses_test_overturned(&f->ac, &f->who, f->a.id, 502), 0);
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, id502, &r), 0);
	assert_string_equal(r.status, "confirmed");
	assert_true(r.review);
	/* The therapist keeps it: the review mark goes. */
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id502, "keep", "", &fe), 0);
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, id502, &r), 0);
	assert_string_equal(r.status, "confirmed");
	assert_false(r.review);
	assert_int_equal(relapses_decide(&f->ac, &f->who, f->a.id, id502, "reject", "lab said no", &fe),
			 RELAPSES_REFUSED);
}

static void test_pause_resume(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	int64_t id = 0;
	int32_t today = date_today_cet();
	char day[11];
	date_format(today, day);
	struct relapse_in in = { .date = day, .substances = "alcohol", .source = "told" };
	assert_int_equal(relapses_create(&f->ac, &f->who, f->a.id, f->person, &in, today, &id, &fe), 0);
	/* Resume before any pause is refused. */
	assert_int_equal(relapses_resume(&f->ac, &f->who, f->a.id, id, false, "", today, &fe), RELAPSES_REFUSED);
	assert_int_equal(relapses_pause(&f->ac, &f->who, f->a.id, id, false, "2000-13-01", today, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "date");
	assert_int_equal(relapses_pause(&f->ac, &f->who, f->a.id, id, false, "", today, &fe), 0);
	struct enrolment e;
	assert_int_equal(store_enrolment_get(f->ac.store, f->a.id, f->enrolment, &e), 0);
	assert_string_equal(e.status, "paused");
	assert_int_equal(e.pauses, 1);
	struct enrolment_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(store_enrolment_events(f->ac.store, f->a.id, f->enrolment, &ev, &n), 0);
	char want[64];
	snprintf(want, sizeof want, "relapse #%lld", (long long)id);
	assert_string_equal(ev[n - 1].kind, "pause");
	assert_string_equal(ev[n - 1].reason, want);
	free(ev);
	struct store_relapse r;
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, id, &r), 0);
	assert_int_equal(r.paused_enrolment_id, f->enrolment);
	assert_int_equal(r.paused_on, today);
	assert_int_equal(r.resumed_on, DATE_NONE);
	/* Pausing twice is refused; the enrolment is never ended. */
	assert_int_equal(relapses_pause(&f->ac, &f->who, f->a.id, id, false, "", today, &fe), RELAPSES_REFUSED);
	assert_int_equal(relapses_resume(&f->ac, &f->who, f->a.id, id, false, "", today, &fe), 0);
	assert_int_equal(store_enrolment_get(f->ac.store, f->a.id, f->enrolment, &e), 0);
	assert_string_equal(e.status, "active");
	assert_int_equal(relapses_get(&f->ac, &f->who, f->a.id, id, &r), 0);
	assert_int_equal(r.resumed_on, today);
	assert_int_equal(relapses_resume(&f->ac, &f->who, f->a.id, id, false, "", today, &fe), RELAPSES_REFUSED);
	/* Another therapist (not the primary one, no coordinator rights) may not pause. */
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, "other@example.org");
	copy_str(u.lang, sizeof u.lang, "nb");
	assert_int_equal(store_user_create(f->ac.store, &u), 0);
	struct membership m = { .user_id = u.id, .org_id = f->a.id };
	copy_str(m.role, sizeof m.role, "therapist");
	assert_int_equal(store_membership_set(f->ac.store, &m), 0);
	struct actor who2 = f->who;
	who2.user_id = u.id;
	assert_int_equal(relapses_pause(&f->ac, &who2, f->a.id, id, false, "", today, &fe), RELAPSES_FORBIDDEN);
	assert_int_equal(relapses_pause(&f->ac, &who2, f->a.id, id, true, "", today, &fe), 0);
}

int main(void)
{
	util_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_machine),
		cmocka_unit_test(test_sober_since_rule),
		cmocka_unit_test(test_substances),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decisions_and_sober_since, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_test_and_overturn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_resume, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
