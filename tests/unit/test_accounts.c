/* test_accounts.c: the account, login, session and audit rules of src/domain, run on a
 * real store (a fresh SQLite file, or TOLV_TEST_DB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/auth.h"

static char dbpath[256];

struct fx {
	struct accounts ac;
	struct actor cli;
	struct org a, b;
};

static int setup(void **state)
{
	static int n;
	snprintf(dbpath, sizeof dbpath, "/tmp/tolv-unit-%d-%d.db", (int)getpid(), n++);
	char url[300];
	snprintf(url, sizeof url, "sqlite:%s", dbpath);
	struct fx *f = calloc(1, sizeof *f);
	if (store_open(url, 4, &f->ac.store) || store_migrate(f->ac.store, NULL))
		return -1;
	f->ac.audit = auditor_new(f->ac.store, true);
	strcpy(f->cli.email, "cli");
	struct field_error fe;
	if (accounts_org_add(&f->ac, &f->cli, "Lister kommune", &f->a, &fe) ||
	    accounts_org_add(&f->ac, &f->cli, "Vest klinikk", &f->b, &fe))
		return -1;
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

static void org_names_are_validated(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	struct org o;
	assert_int_equal(accounts_org_add(&f->ac, &f->cli, "   ", &o, &fe), ACC_INVALID);
	assert_string_equal(fe.field, "name");
	assert_int_equal(accounts_org_add(&f->ac, &f->cli, "Lister kommune", &o, &fe), STORE_CONFLICT);
	assert_int_equal(accounts_org_add(&f->ac, &f->cli, "  Kvinesdal kommune ", &o, &fe), 0);
	assert_string_equal(o.name, "Kvinesdal kommune");
}

static void user_add_validates_and_generates_one_time_password(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	char onetime[32];
	struct user u;
	bool existing;
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "not-an-email", "X", "therapist", NULL, onetime,
					   sizeof onetime, &u, &existing, &fe),
			 ACC_INVALID);
	assert_string_equal(fe.field, "email");
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "t@lister.no", "X", "boss", NULL, onetime,
					   sizeof onetime, &u, &existing, &fe),
			 ACC_INVALID);
	assert_string_equal(fe.field, "role");
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "t@lister.no", "X", "therapist", "short",
					   onetime, sizeof onetime, &u, &existing, &fe),
			 ACC_INVALID);
	assert_string_equal(fe.field, "password");

	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, " Terapeut@Lister.NO ", "Tone Terapeut",
					   "therapist", NULL, onetime, sizeof onetime, &u, &existing, &fe),
			 0);
	assert_false(existing);
	assert_string_equal(u.email, "terapeut@lister.no");
	assert_int_equal(strlen(onetime), 16);
	assert_true(u.must_change_password);
	struct user back;
	assert_int_equal(store_user_get(f->ac.store, u.id, &back), 0);
	assert_string_not_equal(back.password_hash, onetime); /* stored hashed */
	assert_true(strncmp(back.password_hash, "$argon2id$", 10) == 0);

	/* The same person in another organisation gets a membership, not a second account. */
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->b.id, "terapeut@lister.no", "", "coordinator", NULL,
					   onetime, sizeof onetime, &u, &existing, &fe),
			 0);
	assert_true(existing);
	assert_string_equal(onetime, "");
	struct membership m;
	assert_int_equal(store_membership_get(f->ac.store, u.id, f->b.id, &m), 0);
	assert_string_equal(m.role, "coordinator");
	/* ...and twice in the same organisation is a conflict. */
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "terapeut@lister.no", "", "therapist", NULL,
					   onetime, sizeof onetime, &u, &existing, &fe),
			 STORE_CONFLICT);
}

static void login_throttles_and_audits(void **state)
{
	struct fx *f = *state;
	struct field_error fe;
	struct user u, out;
	bool existing;
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "koord@lister.no", "K", "coordinator",
					   "riktig passord 1", NULL, 0, &u, &existing, &fe),
			 0);
	assert_false(u.must_change_password);
	assert_int_equal(auth_login(&f->ac, "KOORD@lister.no", "riktig passord 1", "10.0.0.1", &out), LOGIN_OK);
	assert_int_equal(out.id, u.id);
	assert_int_equal(auth_login(&f->ac, "nobody@lister.no", "x", "10.0.0.1", &out), LOGIN_FAILED);
	for (int i = 0; i < AUTH_MAX_FAILURES_ACCOUNT; i++)
		assert_int_equal(auth_login(&f->ac, "koord@lister.no", "feil", "10.0.0.2", &out), LOGIN_FAILED);
	/* Now even the right password is refused until the window passes. */
	assert_int_equal(auth_login(&f->ac, "koord@lister.no", "riktig passord 1", "10.0.0.3", &out),
			 LOGIN_THROTTLED);

	struct audit_filter flt = { .limit = 100 };
	strcpy(flt.actor, "koord@lister.no");
	struct audit_entry *es = NULL;
	size_t n = 0;
	assert_int_equal(store_audit_list(f->ac.store, &flt, &es, &n), 0);
	int logins = 0, failures = 0, throttled = 0;
	for (size_t i = 0; i < n; i++) {
		/* Logged in the user's organisation, where its auditors look. */
		assert_int_equal(es[i].org_id, f->a.id);
		logins += !strcmp(es[i].action, "login");
		failures += !strcmp(es[i].action, "login.failed");
		throttled += !strcmp(es[i].action, "login.throttled");
	}
	free(es);
	assert_int_equal(logins, 1);
	assert_int_equal(failures, AUTH_MAX_FAILURES_ACCOUNT);
	assert_int_equal(throttled, 1);

	/* A disabled user cannot log in, whatever the password. */
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "gone@lister.no", "G", "therapist",
					   "riktig passord 2", NULL, 0, &u, &existing, &fe),
			 0);
	assert_int_equal(accounts_user_disable(&f->ac, &f->cli, u.id, true), 0);
	assert_int_equal(auth_login(&f->ac, "gone@lister.no", "riktig passord 2", "10.0.0.4", &out), LOGIN_FAILED);
}

static void sessions_live_and_end(void **state)
{
	struct fx *f = *state;
	struct field_error fe;
	struct user u;
	bool existing;
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "s@lister.no", "S", "therapist",
					   "riktig passord 3", NULL, 0, &u, &existing, &fe),
			 0);
	char token[STORE_TOKEN_MAX];
	struct session se, back;
	assert_int_equal(session_start(f->ac.store, u.id, 0, token, sizeof token, &se), 0);
	assert_true(strlen(token) >= 40);
	assert_string_not_equal(se.token_hash, token); /* only the hash is stored */
	assert_int_equal(session_resume(f->ac.store, token, &back), 0);
	assert_int_equal(back.user_id, u.id);
	assert_string_equal(back.csrf, se.csrf);
	assert_int_equal(session_set_org(f->ac.store, token, f->a.id), 0);
	assert_int_equal(session_resume(f->ac.store, token, &back), 0);
	assert_int_equal(back.org_id, f->a.id);
	assert_int_equal(session_resume(f->ac.store, "forged-token", &back), STORE_NOTFOUND);
	assert_int_equal(session_resume(f->ac.store, "", &back), STORE_NOTFOUND);

	/* Idle past the deadline: gone. */
	int64_t now = now_seconds();
	assert_int_equal(store_session_touch(f->ac.store, se.token_hash, now - SESSION_IDLE - 5, now - 5), 0);
	assert_int_equal(session_resume(f->ac.store, token, &back), STORE_NOTFOUND);

	/* A password reset by someone else ends the user's sessions. */
	assert_int_equal(session_start(f->ac.store, u.id, 0, token, sizeof token, &se), 0);
	char onetime[32];
	assert_int_equal(accounts_reset_password(&f->ac, &f->cli, u.id, onetime, sizeof onetime), 0);
	assert_int_equal(session_resume(f->ac.store, token, &back), STORE_NOTFOUND);
	/* Done from the command line (no organisation chosen): logged where the user belongs. */
	struct audit_filter flt = { .org_id = f->a.id, .limit = 10 };
	strcpy(flt.action, "password.reset");
	struct audit_entry *es = NULL;
	size_t n = 0;
	assert_int_equal(store_audit_list(f->ac.store, &flt, &es, &n), 0);
	assert_int_equal(n, 1);
	free(es);
	struct user out;
	assert_int_equal(auth_login(&f->ac, "s@lister.no", onetime, "", &out), LOGIN_OK);
	assert_true(out.must_change_password);
	assert_int_equal(session_end(f->ac.store, token), STORE_NOTFOUND);
}

static void api_tokens(void **state)
{
	struct fx *f = *state;
	struct field_error fe;
	struct user u;
	bool existing;
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "api@lister.no", "A", "admin",
					   "riktig passord 4", NULL, 0, &u, &existing, &fe),
			 0);
	char token[STORE_TOKEN_MAX];
	/* Not a member of b: no token there. */
	assert_int_equal(accounts_token_create(&f->ac, &f->cli, u.id, f->b.id, "x", token, sizeof token),
			 STORE_NOTFOUND);
	assert_int_equal(accounts_token_create(&f->ac, &f->cli, u.id, f->a.id, "x", token, sizeof token), 0);
	assert_true(strncmp(token, "tolv_", 5) == 0);
	struct api_token t;
	assert_int_equal(api_token_resume(f->ac.store, token, &t), 0);
	assert_int_equal(t.user_id, u.id);
	assert_int_equal(t.org_id, f->a.id);
	token[10] ^= 1;
	assert_int_equal(api_token_resume(f->ac.store, token, &t), STORE_NOTFOUND);
	assert_int_equal(api_token_resume(f->ac.store, "Bearer", &t), STORE_NOTFOUND);
}

static void membership_rules(void **state)
{
	struct fx *f = *state;
	struct field_error fe = { 0 };
	struct user adm, t;
	bool existing;
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "adm@lister.no", "A", "admin", "riktig passord 5",
					   NULL, 0, &adm, &existing, &fe),
			 0);
	assert_int_equal(accounts_user_add(&f->ac, &f->cli, f->a.id, "t2@lister.no", "T", "therapist",
					   "riktig passord 6", NULL, 0, &t, &existing, &fe),
			 0);
	struct actor who = { .user_id = adm.id, .org_id = f->a.id };
	strcpy(who.email, adm.email);
	assert_int_equal(accounts_membership_set(&f->ac, &who, adm.id, f->a.id, "therapist", false, &fe), ACC_INVALID);
	assert_int_equal(accounts_membership_set(&f->ac, &who, adm.id, f->a.id, "admin", true, &fe), ACC_INVALID);
	assert_int_equal(accounts_membership_set(&f->ac, &who, t.id, f->a.id, "coordinator", true, &fe), 0);
	struct membership m;
	assert_int_equal(store_membership_get(f->ac.store, t.id, f->a.id, &m), 0);
	assert_string_equal(m.role, "coordinator");
	assert_true(m.disabled);
	/* No membership in b: not found, nothing created. */
	assert_int_equal(accounts_membership_set(&f->ac, &who, t.id, f->b.id, "therapist", false, &fe),
			 STORE_NOTFOUND);
	assert_int_equal(store_membership_get(f->ac.store, t.id, f->b.id, &m), STORE_NOTFOUND);
	assert_int_equal(accounts_set_lang(&f->ac, &who, t.id, "sv", &fe), 0);
	assert_int_equal(accounts_set_lang(&f->ac, &who, t.id, "de", &fe), ACC_INVALID);
	struct user back;
	assert_int_equal(store_user_get(f->ac.store, t.id, &back), 0);
	assert_string_equal(back.lang, "sv");
}

struct writer_arg {
	struct auditor *a;
	int id;
};

static void *writer(void *p)
{
	struct writer_arg *w = p;
	for (int i = 0; i < 50; i++) {
		char oid[32];
		snprintf(oid, sizeof oid, "%d-%d", w->id, i);
		if (audit_event(w->a, 1, "t@x.no", 1, "127.0.0.1", "test.write", "test", oid, NULL) != 0)
			return (void *)1;
	}
	return NULL;
}

static void group_commit_keeps_the_chain(void **state)
{
	struct fx *f = *state;
	pthread_t th[8];
	struct writer_arg args[8];
	for (int i = 0; i < 8; i++) {
		args[i] = (struct writer_arg){ f->ac.audit, i };
		pthread_create(&th[i], NULL, writer, &args[i]);
	}
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(th[i], &r);
		assert_null(r);
	}
	struct audit_verify_result r;
	assert_int_equal(audit_verify(f->ac.store, &r), 0);
	assert_true(r.checked >= 400);
	struct audit_filter flt = { .limit = 1000 };
	strcpy(flt.action, "test.write");
	struct audit_entry *es = NULL;
	size_t n = 0;
	assert_int_equal(store_audit_list(f->ac.store, &flt, &es, &n), 0);
	assert_int_equal(n, 400);
	free(es);
}

/* Tampering needs a way around the store's append-only rule: a raw SQLite connection
 * that drops the trigger, as an attacker with the file could. */
static void verify_detects_edits_and_deletions(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(audit_event(f->ac.audit, 0, "cli", 0, "", "test.tamper", "", "", NULL), 0);
	struct audit_verify_result r;
	assert_int_equal(audit_verify(f->ac.store, &r), 0);
	int64_t total = r.checked;

	sqlite3 *db;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *err = NULL;
	/* Every trigger on audit_log goes, whatever it is called. */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'",
					    -1, &st, NULL),
			 SQLITE_OK);
	char names[8][64];
	int nt = 0;
	while (sqlite3_step(st) == SQLITE_ROW && nt < 8)
		copy_str(names[nt++], sizeof names[0], (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (int i = 0; i < nt; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "DROP TRIGGER \"%.64s\"", names[i]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
	}
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE audit_log SET actor='someone-else' WHERE seq=%lld", (long long)(total - 2));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
	assert_int_equal(audit_verify(f->ac.store, &r), 1);
	assert_int_equal(r.bad_seq, total - 2);

	snprintf(sql, sizeof sql, "UPDATE audit_log SET actor='cli' WHERE seq=%lld", (long long)(total - 2));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
	assert_int_equal(audit_verify(f->ac.store, &r), 0);
	snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq=%lld", (long long)(total - 3));
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
	assert_int_equal(audit_verify(f->ac.store, &r), 1);
	assert_int_equal(r.bad_seq, total - 3);
	sqlite3_close(db);
}

/* A page listing is one entry naming its persons (audit_subjects): a per-person lookup
 * finds it, verify passes, and a changed, removed or added person row fails verify at
 * that entry — the raw connection drops the append-only triggers first. */
static void verify_covers_a_listing_s_persons(void **state)
{
	struct fx *f = *state;
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	e.org_id = 1;
	copy_str(e.actor, sizeof e.actor, "lister@example.no");
	copy_str(e.action, sizeof e.action, "person.list");
	copy_str(e.object_type, sizeof e.object_type, "person");
	copy_str(e.detail, sizeof e.detail, "roster");
	const int64_t ids[] = { 77, 12, 77, 40 }; /* sorted and de-duplicated by the writer */
	assert_int_equal(auditor_log_listing(f->ac.audit, &e, ids, 4), 0);
	assert_int_equal(audit_event(f->ac.audit, 0, "cli", 0, "", "test.after", "", "", NULL), 0);
	struct audit_verify_result r;
	assert_int_equal(audit_verify(f->ac.store, &r), 0);

	struct audit_filter flt = { .org_id = 1, .limit = 10 };
	copy_str(flt.object_type, sizeof flt.object_type, "person");
	copy_str(flt.object_id, sizeof flt.object_id, "40");
	struct audit_entry *es = NULL;
	size_t n = 0;
	assert_int_equal(store_audit_list(f->ac.store, &flt, &es, &n), 0);
	assert_int_equal(n, 1);
	int64_t seq = es[0].seq;
	assert_string_equal(es[0].action, "person.list");
	assert_int_equal(es[0].nsubjects, 3);
	assert_int_equal(es[0].subjects[0], 12);
	assert_int_equal(es[0].subjects[1], 40);
	assert_int_equal(es[0].subjects[2], 77);
	free(es);
	flt.org_id = 2; /* another organisation's filter does not find it */
	assert_int_equal(store_audit_list(f->ac.store, &flt, &es, &n), 0);
	assert_int_equal(n, 0);
	free(es);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *err = NULL;
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_subjects_no_update; DROP TRIGGER audit_subjects_no_delete",
				      NULL, NULL, &err),
			 SQLITE_OK);
	static const char *const tamper[][2] = {
		{ "UPDATE audit_subjects SET person_id = 13 WHERE seq = %lld AND person_id = 12",
		  "UPDATE audit_subjects SET person_id = 12 WHERE seq = %lld AND person_id = 13" },
		{ "DELETE FROM audit_subjects WHERE seq = %lld AND person_id = 40",
		  "INSERT INTO audit_subjects (seq, org_id, person_id) VALUES (%lld, 1, 40)" },
		{ "INSERT INTO audit_subjects (seq, org_id, person_id) VALUES (%lld, 1, 41)",
		  "DELETE FROM audit_subjects WHERE seq = %lld AND person_id = 41" },
		{ "UPDATE audit_subjects SET org_id = 2 WHERE seq = %lld AND person_id = 77",
		  "UPDATE audit_subjects SET org_id = 1 WHERE seq = %lld AND person_id = 77" },
	};
	for (size_t i = 0; i < sizeof tamper / sizeof tamper[0]; i++) {
		char sql[200];
		snprintf(sql, sizeof sql, tamper[i][0], (long long)seq);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
		assert_int_equal(audit_verify(f->ac.store, &r), 1);
		assert_int_equal(r.bad_seq, seq);
		snprintf(sql, sizeof sql, tamper[i][1], (long long)seq);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
		assert_int_equal(audit_verify(f->ac.store, &r), 0);
	}
	/* A person added to an entry that named none. */
	char sql[200];
	snprintf(sql, sizeof sql, "INSERT INTO audit_subjects (seq, org_id, person_id) VALUES (%lld, 0, 5)",
		 (long long)seq + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
	assert_int_equal(audit_verify(f->ac.store, &r), 1);
	assert_int_equal(r.bad_seq, seq + 1);
	sqlite3_close(db);
}

int main(void)
{
	util_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(org_names_are_validated, setup, teardown),
		cmocka_unit_test_setup_teardown(user_add_validates_and_generates_one_time_password, setup, teardown),
		cmocka_unit_test_setup_teardown(login_throttles_and_audits, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_live_and_end, setup, teardown),
		cmocka_unit_test_setup_teardown(api_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(membership_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(group_commit_keeps_the_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_detects_edits_and_deletions, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_covers_a_listing_s_persons, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
