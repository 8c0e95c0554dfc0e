/* test_store_notes.c: the store's contract for clinical notes (issue 4) — drafts only their
 * author changes, signing, signed notes final (in the database too), append-only addenda,
 * the person's list and the old-drafts reminder — run unchanged on SQLite and PostgreSQL
 * (TOLV_TEST_DB, as for test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store_testing.h"

#include "runner.h"

/* ---- set-up helpers ---- */

static int64_t make_org(const char *tag)
{
	struct org o = { 0 };
	snprintf(o.name, sizeof o.name, "notes-%s", tag);
	assert_int_equal(store_org_create(st, &o), STORE_OK);
	return o.id;
}

static int64_t make_member(int64_t org_id, const char *email, const char *role)
{
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, email);
	copy_str(u.name, sizeof u.name, "Therapist");
	copy_str(u.lang, sizeof u.lang, "nb");
	assert_int_equal(store_user_create(st, &u), STORE_OK);
	if (org_id) {
		struct membership m = { .user_id = u.id, .org_id = org_id };
		copy_str(m.role, sizeof m.role, role);
		assert_int_equal(store_membership_set(st, &m), STORE_OK);
	}
	return u.id;
}

static void set_phase(struct programme_phase *ph, const char *key, const char *label, int target_days, int min_dpw)
{
	memset(ph, 0, sizeof *ph);
	copy_str(ph->key, sizeof ph->key, key);
	copy_str(ph->label, sizeof ph->label, label);
	ph->target_days = target_days;
	ph->min_days_per_week = min_dpw;
}

/* The municipal day-treatment shape: four phases. */
static void day_treatment(struct programme *p, const char *name)
{
	memset(p, 0, sizeof *p);
	copy_str(p->name, sizeof p->name, name);
	copy_str(p->template_key, sizeof p->template_key, "municipal_day_treatment");
	p->min_steps = 12;
	p->active = true;
	p->nphases = 4;
	set_phase(&p->phases[0], "pre_treatment", "Pre-treatment conversation", 0, 0);
	set_phase(&p->phases[1], "motivation", "Motivation group", 0, 0);
	p->phases[1].sessions_per_week = 1;
	p->phases[1].session_minutes = 120;
	set_phase(&p->phases[2], "day_treatment", "Day treatment", 100, 3);
	p->phases[2].min_hours_per_day = 4;
	p->phases[2].max_hours_per_day = 5;
	p->phases[2].min_months = p->phases[2].max_months = 3;
	set_phase(&p->phases[3], "aftercare", "Aftercare", 0, 0);
	p->phases[3].min_months = 6;
	p->phases[3].max_months = 18;
}

static int64_t make_programme(int64_t org_id, const char *name)
{
	struct programme p;
	day_treatment(&p, name);
	assert_int_equal(store_programme_create(st, org_id, &p), STORE_OK);
	return p.id;
}

static struct person person_of(const char *given, const char *family, int32_t birth, const char *nid)
{
	struct person p = { 0 };
	copy_str(p.given_name, sizeof p.given_name, given);
	copy_str(p.family_name, sizeof p.family_name, family);
	p.birth_date = birth;
	if (nid) {
		copy_str(p.national_id, sizeof p.national_id, nid);
		copy_str(p.national_id_kind, sizeof p.national_id_kind, strlen(nid) == 11 ? "no_fnr" : "se_pnr");
	}
	return p;
}

static int64_t make_person(int64_t org_id, const char *given, const char *family, int32_t birth)
{
	struct person p = person_of(given, family, birth, NULL);
	assert_int_equal(store_person_create(st, org_id, &p), STORE_OK);
	return p.id;
}

static struct enrolment enrolment_of(int64_t person_id, int64_t programme_id, int64_t therapist_id, int32_t day)
{
	struct enrolment e = { .person_id = person_id, .programme_id = programme_id, .therapist_id = therapist_id,
			       .started_on = day, .phase_since = day, .last_change_on = day,
			       .paused_since = DATE_NONE, .ended_on = DATE_NONE };
	copy_str(e.status, sizeof e.status, "active");
	return e;
}

static struct enrolment_event event_of(const char *kind, int from, int to, int32_t day, int64_t by)
{
	struct enrolment_event ev = { .from_phase = from, .to_phase = to, .on_day = day, .by_user = by };
	copy_str(ev.kind, sizeof ev.kind, kind);
	return ev;
}

static int64_t make_enrolment(int64_t org_id, int64_t person_id, int64_t programme_id, int64_t therapist_id,
			      int32_t day)
{
	struct enrolment e = enrolment_of(person_id, programme_id, therapist_id, day);
	struct enrolment_event ev = event_of("start", -1, 0, day, therapist_id);
	int ret = store_enrolment_create(st, org_id, &e, &ev);
	if (ret)
		fprintf(stderr, "enrolment_create: %s\n", store_last_error());
	assert_int_equal(ret, STORE_OK);
	return e.id;
}

static int32_t D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static bool error_mentions(const char *text)
{
	return strstr(store_last_error(), text) != NULL;
}

/* ---- step work ---- */

struct fx {
	int64_t org, other, t, t2, p, e, other_e;
};

static void fixture(struct fx *f, const char *tag)
{
	char name[64];
	f->org = make_org(tag);
	snprintf(name, sizeof name, "%s-other", tag);
	f->other = make_org(name);
	snprintf(name, sizeof name, "%s@notes.test", tag);
	f->t = make_member(f->org, name, "therapist");
	snprintf(name, sizeof name, "%s-2@notes.test", tag);
	f->t2 = make_member(f->org, name, "therapist");
	f->p = make_person(f->org, "Kari", "Nordmann", D(1980, 1, 1));
	int64_t prog = make_programme(f->org, "Steps");
	f->e = make_enrolment(f->org, make_person(f->org, "Kari", "Nordmann", D(1980, 1, 1)), prog, f->t, D(2025, 1, 6));
	int64_t oprog = make_programme(f->other, "Steps");
	f->other_e = make_enrolment(f->other, make_person(f->other, "Ola", "Other", D(1970, 1, 1)), oprog, 0,
				    D(2025, 1, 6));
}

static struct store_note *draft_of(const struct fx *f, int64_t author, const char *type, int32_t day, const char *text)
{
	struct store_note *n = calloc(1, sizeof *n);
	assert_non_null(n);
	n->person_id = f->p;
	n->author = author;
	copy_str(n->type, sizeof n->type, type);
	n->on_day = day;
	n->drafted_on = day;
	copy_str(n->text, sizeof n->text, text);
	return n;
}

static void test_note_drafts(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "drafts");
	struct store_note *n = draft_of(&f, f.t, "individual", D(2025, 3, 3), "First <b>draft</b>");
	assert_int_equal(store_note_create(st, f.org, n), STORE_OK);
	assert_true(n->id > 0);
	assert_true(n->drafted_at > 0);

	/* The author rewrites it; another therapist cannot, nor another organisation. */
	copy_str(n->text, sizeof n->text, "Rewritten");
	n->step = 4;
	assert_int_equal(store_note_update(st, f.org, n), STORE_OK);
	n->author = f.t2;
	assert_int_equal(store_note_update(st, f.org, n), STORE_CONFLICT);
	n->author = f.t;
	assert_int_equal(store_note_update(st, f.other, n), STORE_NOTFOUND);

	struct store_note *g = calloc(1, sizeof *g);
	assert_int_equal(store_note_get(st, f.org, n->id, g, NULL, NULL), STORE_OK);
	assert_string_equal(g->text, "Rewritten");
	assert_int_equal(g->step, 4);
	assert_int_equal(g->signed_at, 0);
	assert_int_equal(store_note_get(st, f.other, n->id, g, NULL, NULL), STORE_NOTFOUND);

	/* A note about another organisation's person is refused. */
	struct store_note *o = draft_of(&f, f.t, "phone", D(2025, 3, 3), "x");
	assert_int_equal(store_note_create(st, f.other, o), STORE_NOTFOUND);
	/* A bad type never reaches the database. */
	copy_str(o->type, sizeof o->type, "gossip");
	assert_int_equal(store_note_create(st, f.org, o), STORE_INVALID);

	/* Delete: the author's draft only. */
	assert_int_equal(store_note_delete(st, f.org, n->id, f.t2), STORE_CONFLICT);
	assert_int_equal(store_note_delete(st, f.other, n->id, f.t), STORE_NOTFOUND);
	assert_int_equal(store_note_delete(st, f.org, n->id, f.t), STORE_OK);
	assert_int_equal(store_note_get(st, f.org, n->id, g, NULL, NULL), STORE_NOTFOUND);
	free(n);
	free(g);
	free(o);
}

static void test_note_signed(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "signed");
	struct store_note *n = draft_of(&f, f.t, "individual", D(2025, 3, 3), "");
	assert_int_equal(store_note_create(st, f.org, n), STORE_OK);
	/* An empty draft cannot be signed, nor by another therapist. */
	assert_int_equal(store_note_sign(st, f.org, n->id, f.t, 1741000000), STORE_CONFLICT);
	copy_str(n->text, sizeof n->text, "Worked on step 4.");
	assert_int_equal(store_note_update(st, f.org, n), STORE_OK);
	assert_int_equal(store_note_sign(st, f.org, n->id, f.t2, 1741000000), STORE_CONFLICT);
	/* An addendum only on a signed note. */
	struct store_note_addendum a = { .note_id = n->id, .author = f.t2 };
	copy_str(a.text, sizeof a.text, "Too early");
	assert_int_equal(store_note_addendum_add(st, f.org, &a), STORE_CONFLICT);
	assert_int_equal(store_note_sign(st, f.org, n->id, f.t, 1741000000), STORE_OK);
	assert_int_equal(store_note_sign(st, f.org, n->id, f.t, 1741000001), STORE_CONFLICT);

	/* Signed is final: no update, no delete — in the store and in the database. */
	copy_str(n->text, sizeof n->text, "Changed afterwards");
	assert_int_equal(store_note_update(st, f.org, n), STORE_CONFLICT);
	assert_int_equal(store_note_delete(st, f.org, n->id, f.t), STORE_CONFLICT);
	assert_int_not_equal(store_testing_exec(st, "UPDATE notes SET text = 'tampered' WHERE signed_at IS NOT NULL"),
			     STORE_OK);
	assert_int_not_equal(store_testing_exec(st, "DELETE FROM notes WHERE signed_at IS NOT NULL"), STORE_OK);
	assert_true(error_mentions("signed note"));

	copy_str(a.text, sizeof a.text, "Correction: it was step 5.");
	assert_int_equal(store_note_addendum_add(st, f.other, &a), STORE_NOTFOUND);
	assert_int_equal(store_note_addendum_add(st, f.org, &a), STORE_OK);
	assert_true(a.id > 0 && a.created_at > 0);
	assert_int_not_equal(store_testing_exec(st, "DELETE FROM note_addenda"), STORE_OK);
	assert_int_not_equal(store_testing_exec(st, "UPDATE note_addenda SET text = 'x'"), STORE_OK);

	struct store_note *g = calloc(1, sizeof *g);
	struct store_note_addendum *add = NULL;
	size_t nadd = 0;
	assert_int_equal(store_note_get(st, f.org, n->id, g, &add, &nadd), STORE_OK);
	assert_string_equal(g->text, "Worked on step 4.");
	assert_int_equal(g->signed_at, 1741000000);
	assert_int_equal(g->signed_by, f.t);
	assert_int_equal(g->naddenda, 1);
	assert_int_equal(nadd, 1);
	assert_string_equal(add[0].text, "Correction: it was step 5.");
	assert_int_equal(add[0].author, f.t2);
	free(add);
	free(g);
	free(n);
}

static void test_note_list(void **state)
{
	(void)state;
	struct fx f;
	fixture(&f, "list");
	int64_t ids[5];
	const char *types[5] = { "individual", "phone", "individual", "other", "phone" };
	for (int i = 0; i < 5; i++) {
		struct store_note *n = draft_of(&f, i == 4 ? f.t2 : f.t, types[i], D(2025, 3, 1 + i), "text");
		assert_int_equal(store_note_create(st, f.org, n), STORE_OK);
		ids[i] = n->id;
		free(n);
	}
	assert_int_equal(store_note_sign(st, f.org, ids[0], f.t, 1741000000), STORE_OK);

	struct store_note *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	assert_int_equal(store_note_list(st, f.org, f.p, 0, "", 2, 0, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 5);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, ids[4]); /* newest first */
	assert_int_equal(rows[1].id, ids[3]);
	free(rows);
	assert_int_equal(store_note_list(st, f.org, f.p, 0, "phone", 10, 0, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 2);
	free(rows);
	/* A viewer sees the signed notes and their own drafts only. */
	assert_int_equal(store_note_list(st, f.org, f.p, f.t2, "", 10, 0, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 2);
	free(rows);
	assert_int_equal(store_note_list(st, f.other, f.p, 0, "", 10, 0, &rows, &n, &total), STORE_NOTFOUND);
	assert_int_equal(store_note_list(st, f.org, f.p, 0, "gossip", 10, 0, &rows, &n, &total), STORE_INVALID);

	/* The timeline's heads: every note, drafts too, newest first, the same order as the
	 * list; signed_at only on the signed one; another organisation's person is unknown. */
	struct store_note_head *heads = NULL;
	size_t nh = 0;
	assert_int_equal(store_note_heads(st, f.org, f.p, &heads, &nh), STORE_OK);
	assert_int_equal(nh, 5);
	for (size_t i = 0; i < nh; i++) {
		assert_int_equal(heads[i].id, ids[4 - i]);
		assert_string_equal(heads[i].type, types[4 - i]);
		assert_int_equal(heads[i].on_day, D(2025, 3, 5 - (int)i));
		assert_int_equal(heads[i].author, i == 0 ? f.t2 : f.t);
		assert_true(heads[i].drafted_at > 0);
		assert_int_equal(heads[i].signed_at, i == 4 ? 1741000000 : 0);
	}
	free(heads);
	heads = NULL;
	assert_int_equal(store_note_heads(st, f.other, f.p, &heads, &nh), STORE_NOTFOUND);
	free(heads);

	int64_t drafts = 0;
	assert_int_equal(store_note_draft_count(st, f.org, f.p, &drafts), STORE_OK);
	assert_int_equal(drafts, 4);

	/* The reminder: t's drafts started before the day given, oldest first. */
	struct store_note_draft *od = NULL;
	size_t nod = 0;
	assert_int_equal(store_note_drafts_overdue(st, f.org, f.t, D(2025, 3, 4), 10, &od, &nod), STORE_OK);
	assert_int_equal(nod, 2); /* 2 and 3 March; 1 March is signed */
	assert_int_equal(od[0].id, ids[1]);
	assert_string_equal(od[0].given_name, "Kari");
	free(od);
	assert_int_equal(store_note_drafts_overdue(st, f.other, f.t, D(2025, 3, 4), 10, &od, &nod), STORE_OK);
	assert_int_equal(nod, 0);
	free(od);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_drafts),
		cmocka_unit_test(test_note_signed),
		cmocka_unit_test(test_note_list),
	};
	return store_test_run("store_notes", tests, sizeof tests / sizeof tests[0]);
}
