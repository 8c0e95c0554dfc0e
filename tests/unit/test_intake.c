/* test_intake.c: the intake service's pure rules — the referral status machine, times,
 * programme checks per field — and, on a real SQLite store, referral creation, status
 * changes and the self-referral form's validation, honeypot and rate limit. */
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
#include "domain/intake.h"

static void test_status_machine(void **state)
{
	(void)state;
	/* Allowed moves. */
	assert_true(intake_referral_move_allowed("received", "assessed"));
	assert_true(intake_referral_move_allowed("received", "declined"));
	assert_true(intake_referral_move_allowed("received", "referred_elsewhere"));
	assert_true(intake_referral_move_allowed("assessed", "offered_conversation"));
	assert_true(intake_referral_move_allowed("assessed", "waiting_list"));
	assert_true(intake_referral_move_allowed("offered_conversation", "accepted"));
	assert_true(intake_referral_move_allowed("waiting_list", "offered_conversation"));
	assert_true(intake_referral_move_allowed("waiting_list", "accepted"));
	/* Refused: skipping the assessment, going back, leaving a final status, itself. */
	assert_false(intake_referral_move_allowed("received", "accepted"));
	assert_false(intake_referral_move_allowed("received", "waiting_list"));
	assert_false(intake_referral_move_allowed("received", "offered_conversation"));
	assert_false(intake_referral_move_allowed("assessed", "received"));
	assert_false(intake_referral_move_allowed("offered_conversation", "assessed"));
	assert_false(intake_referral_move_allowed("received", "received"));
	for (int i = 0; i < REFERRAL_NSTATUS; i++) {
		assert_false(intake_referral_move_allowed("accepted", referral_status_key(i)));
		assert_false(intake_referral_move_allowed("declined", referral_status_key(i)));
		assert_false(intake_referral_move_allowed("referred_elsewhere", referral_status_key(i)));
		/* Nothing moves back to "received". */
		assert_false(intake_referral_move_allowed(referral_status_key(i), "received"));
	}
	assert_false(intake_referral_move_allowed("nope", "assessed"));
	assert_false(intake_referral_move_allowed(NULL, "assessed"));
	assert_false(intake_referral_move_allowed("received", NULL));
	assert_true(referral_status_valid("waiting_list"));
	assert_false(referral_status_valid("open"));
}

static void test_times(void **state)
{
	(void)state;
	assert_int_equal(intake_parse_time("00:00", false), 0);
	assert_int_equal(intake_parse_time("09:30", false), 570);
	assert_int_equal(intake_parse_time("24:00", true), 1440);
	assert_int_equal(intake_parse_time("24:00", false), -1);
	assert_int_equal(intake_parse_time("24:01", true), -1);
	assert_int_equal(intake_parse_time("9:30", false), -1);
	assert_int_equal(intake_parse_time("09:60", false), -1);
	assert_int_equal(intake_parse_time("0a:00", false), -1);
	assert_int_equal(intake_parse_time("", false), -1);
	assert_int_equal(intake_parse_time(NULL, false), -1);
}

static void test_programme_check(void **state)
{
	(void)state;
	struct intake_errors e = { 0 };
	struct programme p;
	assert_int_equal(intake_programme_from_template("nope", "X", &p, &e), ACC_INVALID);
	assert_string_equal(e.e[0].field, "template");
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_programme_from_template("municipal_day_treatment", "Lister", &p, &e), 0);
	assert_int_equal(intake_programme_check(&p, &e), 0);
	p.phases[2].target_days = 1001;
	p.phases[1].session_minutes = -1;
	p.phases[3].min_months = 19;
	p.min_steps = 13;
	assert_int_equal(intake_programme_check(&p, &e), ACC_INVALID);
	assert_non_null(intake_error_get(&e, "phase2_target_days"));
	assert_non_null(intake_error_get(&e, "phase1_session_minutes"));
	assert_non_null(intake_error_get(&e, "phase3_min_months"));
	assert_non_null(intake_error_get(&e, "min_steps"));
	assert_null(intake_error_get(&e, "name"));
}

/* ---- on a store ---- */

static char dbpath[256];

struct fx {
	struct accounts ac;
	struct actor who;
	struct org a, b;
};

static int setup(void **state)
{
	static int n;
	snprintf(dbpath, sizeof dbpath, "/tmp/tolv-intake-%d-%d.db", (int)getpid(), n++);
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
	f->who.org_id = f->a.id;
	copy_str(f->who.email, sizeof f->who.email, "test");
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

static void test_referral_flow(void **state)
{
	struct fx *f = *state;
	struct intake_errors e = { 0 };
	struct programme p;
	assert_int_equal(intake_programme_create(&f->ac, &f->who, "municipal_day_treatment", "Dag", &p, &e), 0);
	struct referral r;
	intake_set_today(date_from_ymd(2025, 3, 1));
	assert_int_equal(intake_referral_create(&f->ac, &f->who, "nav", "Ref", "NAV Lister", "2025-02-01", "Grunn", 0, 0,
						&r, &e),
			 0);
	assert_string_equal(r.status, "received");
	assert_int_equal(r.programme_id, 0);
	/* For a programme: of this organisation only (another's id is as unknown as none). */
	struct referral rp;
	assert_int_equal(intake_referral_create(&f->ac, &f->who, "nav", "", "", "2025-02-02", "", 0, p.id, &rp, &e), 0);
	struct referral back;
	assert_int_equal(store_referral_get(f->ac.store, f->a.id, rp.id, &back), 0);
	assert_int_equal(back.programme_id, p.id);
	struct actor in_b = f->who;
	in_b.org_id = f->b.id;
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_referral_create(&f->ac, &in_b, "nav", "", "", "2025-02-02", "", 0, p.id, &rp, &e),
			 ACC_INVALID);
	assert_string_equal(e.e[e.n - 1].field, "programme_id"); /* (b has no sources either) */
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_referral_create(&f->ac, &f->who, "nav", "", "", "2025-02-02", "", 0, -1, &rp, &e),
			 ACC_INVALID);
	assert_string_equal(e.e[0].field, "programme_id");
	memset(&e, 0, sizeof e);
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_referral_set_status(&f->ac, &f->who, r.id, "accepted", "", "", &e), ACC_INVALID);
	assert_string_equal(e.e[0].field, "status");
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_referral_set_status(&f->ac, &f->who, r.id, "assessed", "2025-01-31", "", &e), ACC_INVALID);
	assert_string_equal(e.e[0].field, "on_day");
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_referral_set_status(&f->ac, &f->who, r.id, "assessed", "2025-03-02", "", &e), ACC_INVALID);
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_referral_set_status(&f->ac, &f->who, r.id, "assessed", "2025-02-10", "ok", &e), 0);
	/* Another organisation's referral does not exist here. */
	struct actor other = f->who;
	other.org_id = f->b.id;
	assert_int_equal(intake_referral_set_status(&f->ac, &other, r.id, "offered_conversation", "", "", &e),
			 STORE_NOTFOUND);
	struct referral_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(store_referral_history(f->ac.store, f->a.id, r.id, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].to_status, "assessed");
	assert_int_equal(ev[1].on_day, date_from_ymd(2025, 2, 10));
	free(ev);
	intake_set_today(DATE_NONE);
}

static void test_self_referral(void **state)
{
	struct fx *f = *state;
	struct intake_errors e = { 0 };
	enum self_referral_outcome out;
	struct self_referral_input bad = { .name = "", .phone = "12ab", .email = "x", .message = "", .consent = "",
					   .honeypot = "" };
	assert_int_equal(intake_self_referral_submit(&f->ac, f->a.id, "10.0.0.1", &bad, &out, &e), 0);
	assert_int_equal(out, SR_INVALID);
	assert_non_null(intake_error_get(&e, "name"));
	assert_non_null(intake_error_get(&e, "phone"));
	assert_non_null(intake_error_get(&e, "email"));
	assert_non_null(intake_error_get(&e, "consent"));
	struct self_referral_input none = { .name = "Ola", .phone = "", .email = "", .message = "", .consent = "yes",
					    .honeypot = "" };
	memset(&e, 0, sizeof e);
	intake_self_referral_submit(&f->ac, f->a.id, "10.0.0.1", &none, &out, &e);
	assert_int_equal(out, SR_INVALID);
	assert_non_null(intake_error_get(&e, "phone"));
	const char *phones_ok[] = { "+47 912 34 567", "91234567", "004691234567890" };
	const char *phones_bad[] = { "1234567", "+47-912-34-567", "1234567890123456", "9123+4567" };
	for (size_t i = 0; i < sizeof phones_bad / sizeof *phones_bad; i++) {
		struct self_referral_input in = none;
		in.phone = phones_bad[i];
		memset(&e, 0, sizeof e);
		intake_self_referral_submit(&f->ac, f->a.id, "10.0.0.9", &in, &out, &e);
		assert_int_equal(out, SR_INVALID);
	}
	struct self_referral_input spam = none;
	spam.phone = phones_ok[0];
	spam.honeypot = "http://x";
	intake_self_referral_submit(&f->ac, f->a.id, "10.0.0.1", &spam, &out, &e);
	assert_int_equal(out, SR_SPAM);
	for (int i = 0; i < SELF_REFERRAL_LIMIT; i++) {
		struct self_referral_input in = none;
		in.phone = phones_ok[i % 3];
		memset(&e, 0, sizeof e);
		assert_int_equal(intake_self_referral_submit(&f->ac, i % 2 ? f->b.id : f->a.id, "10.0.0.1", &in, &out, &e), 0);
		assert_int_equal(out, SR_STORED);
	}
	struct self_referral_input in = none;
	in.phone = phones_ok[1];
	intake_self_referral_submit(&f->ac, f->a.id, "10.0.0.1", &in, &out, &e);
	assert_int_equal(out, SR_THROTTLED);
	intake_self_referral_submit(&f->ac, f->a.id, "10.0.0.2", &in, &out, &e);
	assert_int_equal(out, SR_STORED);
	assert_int_equal(intake_self_referral_submit(&f->ac, 999999, "10.0.0.3", &in, &out, &e), STORE_NOTFOUND);
	/* Take one in: a referral with the source self-referral; a second take conflicts. */
	struct self_referral *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	assert_int_equal(store_self_referral_list(f->ac.store, f->a.id, "new", 10, 0, &list, &n, &total), 0);
	assert_true(n > 0);
	int64_t rid = 0;
	assert_int_equal(intake_self_referral_take(&f->ac, &f->who, list[0].id, &rid), 0);
	assert_int_equal(intake_self_referral_take(&f->ac, &f->who, list[0].id, &rid), STORE_CONFLICT);
	struct referral r;
	assert_int_equal(store_referral_get(f->ac.store, f->a.id, rid, &r), 0);
	assert_string_equal(r.source_key, "self_referral");
	memset(&e, 0, sizeof e);
	assert_int_equal(intake_self_referral_discard(&f->ac, &f->who, list[1].id, "nope", &e), ACC_INVALID);
	assert_int_equal(intake_self_referral_discard(&f->ac, &f->who, list[1].id, "spam", &e), 0);
	free(list);
}

int main(void)
{
	util_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_machine),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_programme_check),
		cmocka_unit_test_setup_teardown(test_referral_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_referral, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
