/* test_store_meetings.c: the store's contract for the meeting directory (issue 5) —
 * meetings, import sources and runs, one-transaction imports, change requests and the
 * directory's version — run unchanged on SQLite and PostgreSQL.
 *
 * The backend is TOLV_TEST_DB, as for test_store.c: unset or "sqlite:" for a fresh SQLite
 * file in a temporary folder, a postgresql:// URL for a fresh database created on that
 * server for the run and dropped at the end. Tests stay out of each other's way with
 * organisations of their own. The last line on stdout is "store tests: N passed on BACKEND".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
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

static int64_t make_org(const char *tag)
{
	struct org o = { 0 };
	snprintf(o.name, sizeof o.name, "meet-%s", tag);
	assert_int_equal(store_org_create(st, &o), STORE_OK);
	return o.id;
}

static int64_t make_member(int64_t org_id, const char *email)
{
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, email);
	copy_str(u.lang, sizeof u.lang, "nb");
	assert_int_equal(store_user_create(st, &u), STORE_OK);
	struct membership m = { .user_id = u.id, .org_id = org_id };
	copy_str(m.role, sizeof m.role, "coordinator");
	assert_int_equal(store_membership_set(st, &m), STORE_OK);
	return u.id;
}

static struct meeting meeting_of(const char *slug, const char *name, int days, int start)
{
	struct meeting m = { 0 };
	copy_str(m.slug, sizeof m.slug, slug);
	copy_str(m.name, sizeof m.name, name);
	m.days = days;
	m.start_min = start;
	m.end_min = start >= 0 ? (start + 60) % 1440 : -1;
	copy_str(m.timezone, sizeof m.timezone, "Europe/Oslo");
	copy_str(m.fellowship, sizeof m.fellowship, "aa");
	copy_str(m.attendance, sizeof m.attendance, "in_person");
	copy_str(m.types, sizeof m.types, "C,NO,X");
	copy_str(m.location, sizeof m.location, "Kirkens bymisjon");
	copy_str(m.region, sizeof m.region, "Grünerløkka");
	copy_str(m.contact[0].name, sizeof m.contact[0].name, "Kari N.");
	m.has_geo = true;
	m.lat_e6 = 59922936;
	m.lon_e6 = -10758340; /* negative on purpose: the sign must survive */
	m.public = true;
	m.starts_on = DATE_NONE;
	return m;
}

static int64_t make_source(int64_t org_id, const char *name)
{
	struct meeting_source src = { 0 };
	copy_str(src.name, sizeof src.name, name);
	copy_str(src.format, sizeof src.format, "json");
	copy_str(src.timezone, sizeof src.timezone, "Europe/Oslo");
	copy_str(src.fellowship, sizeof src.fellowship, "aa");
	assert_int_equal(store_meeting_source_create(st, org_id, &src), STORE_OK);
	return src.id;
}

static int64_t version_now(void)
{
	int64_t v = 0, at = 0;
	assert_int_equal(store_directory_version(st, &v, &at), STORE_OK);
	assert_true(at > 0);
	return v;
}

static void test_migrated(void **state)
{
	(void)state;
	int v = 0;
	assert_int_equal(store_schema_version(st, &v), STORE_OK);
	assert_true(v >= 3);
}

static void test_meeting_roundtrip(void **state)
{
	(void)state;
	int64_t org = make_org("roundtrip"), other = make_org("roundtrip-other");
	int64_t v0 = version_now();
	struct meeting m = meeting_of("tirsdag-1", "Tirsdagsgruppa «Håp» & <ting>", 1 << 2, 19 * 60 + 30);
	copy_str(m.notes, sizeof m.notes, "Line one\nLine two, 'quoted' \"double\"");
	copy_str(m.rrule, sizeof m.rrule, "FREQ=MONTHLY;BYDAY=1TU");
	m.starts_on = 20100;
	copy_str(m.conference_url, sizeof m.conference_url, "https://meet.example/abc?x=1&y=2");
	m.contact[2] = (struct meeting_contact){ .name = "Ola", .email = "ola@example.no", .phone = "+47 99 99 99 99" };
	m.updated_at = 1759060800;
	assert_int_equal(store_meeting_create(st, org, &m), STORE_OK);
	assert_true(m.id > 0);
	assert_true(version_now() > v0);

	struct meeting got;
	assert_int_equal(store_meeting_get(st, org, m.id, &got), STORE_OK);
	assert_string_equal(got.name, m.name);
	assert_string_equal(got.notes, m.notes);
	assert_string_equal(got.rrule, m.rrule);
	assert_int_equal(got.starts_on, 20100);
	assert_string_equal(got.region, "Grünerløkka");
	assert_int_equal(got.days, 1 << 2);
	assert_int_equal(got.start_min, 19 * 60 + 30);
	assert_int_equal(got.end_min, 20 * 60 + 30);
	assert_true(got.has_geo);
	assert_int_equal(got.lat_e6, 59922936);
	assert_int_equal(got.lon_e6, -10758340);
	assert_string_equal(got.contact[0].name, "Kari N.");
	assert_string_equal(got.contact[2].phone, "+47 99 99 99 99");
	assert_int_equal(got.updated_at, 1759060800);
	assert_true(got.public);
	assert_int_equal(got.removed_at, 0);
	assert_int_equal(got.source_id, 0);

	/* Another organisation's id does not exist; a slug is unique per organisation only. */
	assert_int_equal(store_meeting_get(st, other, m.id, &got), STORE_NOTFOUND);
	struct meeting dup = meeting_of("tirsdag-1", "Copy", 2, 600);
	assert_int_equal(store_meeting_create(st, org, &dup), STORE_CONFLICT);
	assert_int_equal(store_meeting_create(st, other, &dup), STORE_OK);

	/* No coordinates, no times: NULLs read back as "none". */
	struct meeting bare = meeting_of("avtale", "By appointment", 0, -1);
	bare.has_geo = false;
	assert_int_equal(store_meeting_create(st, org, &bare), STORE_OK);
	assert_int_equal(store_meeting_get(st, org, bare.id, &got), STORE_OK);
	assert_false(got.has_geo);
	assert_int_equal(got.start_min, -1);
	assert_int_equal(got.end_min, -1);
	assert_int_equal(got.days, 0);
	assert_int_equal(got.starts_on, DATE_NONE);

	/* Update, and the version moves. */
	int64_t v1 = version_now();
	got = m;
	copy_str(got.name, sizeof got.name, "Renamed");
	got.public = false;
	got.updated_at = 0;
	assert_int_equal(store_meeting_update(st, org, &got), STORE_OK);
	assert_true(version_now() > v1);
	assert_int_equal(store_meeting_get(st, org, m.id, &got), STORE_OK);
	assert_string_equal(got.name, "Renamed");
	assert_false(got.public);
	got.id = dup.id; /* the other organisation's row */
	assert_int_equal(store_meeting_update(st, org, &got), STORE_NOTFOUND);

	/* Bad shapes are refused before the database. */
	struct meeting bad = meeting_of("has space", "x", 1, 60);
	assert_int_equal(store_meeting_create(st, org, &bad), STORE_INVALID);
	bad = meeting_of("ok", "x", 200, 60);
	assert_int_equal(store_meeting_create(st, org, &bad), STORE_INVALID);
	bad = meeting_of("ok", "x", 1, 1440);
	assert_int_equal(store_meeting_create(st, org, &bad), STORE_INVALID);
	bad = meeting_of("ok", "x", 1, 60);
	copy_str(bad.attendance, sizeof bad.attendance, "teleport");
	assert_int_equal(store_meeting_create(st, org, &bad), STORE_INVALID);
	bad = meeting_of("ok", "x", 1, 60);
	bad.lat_e6 = 91000000;
	assert_int_equal(store_meeting_create(st, org, &bad), STORE_INVALID);
	bad = meeting_of("ok", "", 1, 60);
	assert_int_equal(store_meeting_create(st, org, &bad), STORE_INVALID);
	assert_int_equal(store_meeting_create(st, 0, &bad), STORE_INVALID);
}

static void test_public_reads(void **state)
{
	(void)state;
	int64_t a = make_org("public-a"), b = make_org("public-b");
	struct meeting pa = meeting_of("pa", "Public A", 2, 600), pb = meeting_of("pb", "Public B", 4, 700);
	struct meeting hidden = meeting_of("hidden", "Hidden", 8, 800);
	hidden.public = false;
	assert_int_equal(store_meeting_create(st, a, &pa), STORE_OK);
	assert_int_equal(store_meeting_create(st, b, &pb), STORE_OK);
	assert_int_equal(store_meeting_create(st, a, &hidden), STORE_OK);

	struct meeting got;
	assert_int_equal(store_meeting_get_public(st, pb.id, &got), STORE_OK);
	assert_int_equal(got.org_id, b);
	assert_int_equal(store_meeting_get_public(st, hidden.id, &got), STORE_NOTFOUND);
	assert_int_equal(store_meeting_get_public(st, 999999999, &got), STORE_NOTFOUND);

	/* Page through every public meeting: both organisations, never the hidden one. */
	int64_t after = 0;
	bool seen_a = false, seen_b = false;
	for (;;) {
		struct meeting *rows = NULL;
		size_t n = 0;
		assert_int_equal(store_meeting_public_page(st, after, 2, &rows, &n), STORE_OK);
		if (n == 0)
			break;
		assert_true(n <= 2);
		for (size_t i = 0; i < n; i++) {
			assert_true(rows[i].id > after);
			assert_true(rows[i].public);
			assert_int_equal(rows[i].removed_at, 0);
			assert_int_not_equal(rows[i].id, hidden.id);
			seen_a |= rows[i].id == pa.id;
			seen_b |= rows[i].id == pb.id;
			after = rows[i].id;
		}
		free(rows);
	}
	assert_true(seen_a && seen_b);
}

static void test_list(void **state)
{
	(void)state;
	int64_t org = make_org("list");
	const char *names[] = { "Zebra", "alpha", "Mellom 100%", "Beta_x" };
	for (int i = 0; i < 4; i++) {
		char slug[16];
		snprintf(slug, sizeof slug, "l-%d", i);
		struct meeting m = meeting_of(slug, names[i], 1, 60 * i);
		assert_int_equal(store_meeting_create(st, org, &m), STORE_OK);
	}
	struct meeting_query q = { .limit = 2 };
	struct meeting *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	assert_int_equal(store_meeting_list(st, org, &q, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 4);
	assert_int_equal(n, 2);
	free(rows);
	copy_str(q.search, sizeof q.search, "100%");
	q.limit = 50;
	assert_int_equal(store_meeting_list(st, org, &q, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].name, "Mellom 100%");
	free(rows);
	/* "_" is a literal, not LIKE's wildcard. */
	copy_str(q.search, sizeof q.search, "a_x");
	assert_int_equal(store_meeting_list(st, org, &q, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	free(rows);
	copy_str(q.search, sizeof q.search, "ZEB");
	assert_int_equal(store_meeting_list(st, org, &q, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].name, "Zebra");
	free(rows);
}

static void test_import_apply(void **state)
{
	(void)state;
	int64_t org = make_org("import"), other = make_org("import-other");
	int64_t editor = make_member(org, "editor@import.example");
	int64_t src = make_source(org, "feed.json");
	struct meeting_source s2;
	assert_int_equal(store_meeting_source_get_by_name(st, org, "feed.json", &s2), STORE_OK);
	assert_int_equal(s2.id, src);
	assert_int_equal(s2.last_run_at, 0);
	assert_int_equal(store_meeting_source_get(st, other, src, &s2), STORE_NOTFOUND);

	struct meeting keep = meeting_of("keep", "Keep", 2, 600), gone = meeting_of("gone", "Gone", 2, 660);
	keep.source_id = gone.source_id = src;
	assert_int_equal(store_meeting_create(st, org, &keep), STORE_OK);
	assert_int_equal(store_meeting_create(st, org, &gone), STORE_OK);

	/* One add, one change, one removal. */
	struct meeting rows[2];
	rows[0] = meeting_of("new", "New", 8, 1200);
	rows[0].source_id = src;
	rows[1] = keep;
	copy_str(rows[1].name, sizeof rows[1].name, "Keep (changed)");
	int64_t removes[] = { gone.id };
	struct meeting_import_run run = { .source_id = src, .by_user = editor, .added = 1, .changed = 1, .removed = 1 };
	copy_str(run.message, sizeof run.message, "1 added, 1 changed, 1 removed");
	int64_t v0 = version_now();
	assert_int_equal(store_meeting_import_apply(st, org, rows, 2, removes, 1, &run), STORE_OK);
	assert_true(run.id > 0);
	assert_true(rows[0].id > 0);
	assert_true(version_now() > v0);
	struct meeting got;
	assert_int_equal(store_meeting_get(st, org, keep.id, &got), STORE_OK);
	assert_string_equal(got.name, "Keep (changed)");
	assert_int_equal(store_meeting_get(st, org, gone.id, &got), STORE_OK);
	assert_true(got.removed_at > 0);
	assert_int_equal(store_meeting_get_public(st, gone.id, &got), STORE_NOTFOUND);
	assert_int_equal(store_meeting_source_get(st, org, src, &s2), STORE_OK);
	assert_true(s2.last_run_at > 0);

	/* The removed meeting is out of the list unless asked for. */
	struct meeting_query q = { .limit = 100 };
	struct meeting *list = NULL;
	size_t n = 0;
	assert_int_equal(store_meeting_list(st, org, &q, &list, &n, NULL), STORE_OK);
	assert_int_equal(n, 2);
	free(list);
	q.include_removed = true;
	assert_int_equal(store_meeting_list(st, org, &q, &list, &n, NULL), STORE_OK);
	assert_int_equal(n, 3);
	free(list);
	assert_int_equal(store_meeting_all(st, org, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	free(list);

	/* A failure in the middle (the second row's slug collides with the first's): nothing
	 * of it is stored, not the first row, not the removal, not the run. */
	struct meeting bad[2] = { meeting_of("fresh-1", "Fresh", 2, 60), meeting_of("fresh-1", "Fresh again", 2, 60) };
	int64_t rm2[] = { keep.id };
	struct meeting_import_run run2 = { .source_id = src };
	v0 = version_now();
	assert_int_equal(store_meeting_import_apply(st, org, bad, 2, rm2, 1, &run2), STORE_CONFLICT);
	assert_int_equal(bad[0].id, 0);
	assert_int_equal(version_now(), v0);
	assert_int_equal(store_meeting_get(st, org, keep.id, &got), STORE_OK);
	assert_int_equal(got.removed_at, 0);
	assert_int_equal(store_meeting_all(st, org, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	free(list);

	/* An update of another organisation's row is refused, and rolls back. */
	struct meeting theirs = meeting_of("theirs", "Theirs", 2, 60);
	assert_int_equal(store_meeting_create(st, other, &theirs), STORE_OK);
	struct meeting steal[1] = { theirs };
	assert_int_equal(store_meeting_import_apply(st, org, steal, 1, NULL, 0, &run2), STORE_NOTFOUND);
	assert_int_equal(store_meeting_get(st, other, theirs.id, &got), STORE_OK);
	assert_string_equal(got.name, "Theirs");

	/* Previews and failures are history too; newest first. */
	struct meeting_import_run pr = { .source_id = src, .added = 3 };
	copy_str(pr.status, sizeof pr.status, "preview");
	pr.at = now_seconds() + 10;
	assert_int_equal(store_meeting_run_add(st, org, &pr), STORE_OK);
	struct meeting_import_run *runs = NULL;
	assert_int_equal(store_meeting_run_list(st, org, src, 10, &runs, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(runs[0].status, "preview");
	assert_string_equal(runs[1].status, "applied");
	assert_int_equal(runs[1].removed, 1);
	assert_string_equal(runs[1].message, "1 added, 1 changed, 1 removed");
	free(runs);
	assert_int_equal(store_meeting_run_list(st, other, src, 10, &runs, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(runs);
}

static void test_sources(void **state)
{
	(void)state;
	int64_t org = make_org("sources");
	int64_t id = make_source(org, "https://aa.example/feed.json");
	struct meeting_source src;
	assert_int_equal(store_meeting_source_get(st, org, id, &src), STORE_OK);
	copy_str(src.url, sizeof src.url, "https://aa.example/feed.json");
	src.interval_hours = 24;
	assert_int_equal(store_meeting_source_update(st, org, &src), STORE_OK);
	struct meeting_source dup = src;
	assert_int_equal(store_meeting_source_create(st, org, &dup), STORE_CONFLICT);
	struct meeting_source *list = NULL;
	size_t n = 0;
	assert_int_equal(store_meeting_source_due(st, now_seconds(), &list, &n), STORE_OK);
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= list[i].id == id;
	assert_true(found);
	free(list);
	assert_int_equal(store_meeting_source_list(st, org, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].interval_hours, 24);
	free(list);
	copy_str(src.format, sizeof src.format, "xml");
	assert_int_equal(store_meeting_source_update(st, org, &src), STORE_INVALID);
}

static void test_change_requests(void **state)
{
	(void)state;
	int64_t org = make_org("cr"), other = make_org("cr-other");
	int64_t editor = make_member(org, "editor@cr.example");
	struct meeting m = meeting_of("cr-1", "Requested", 2, 600), theirs = meeting_of("cr-2", "Theirs", 2, 600);
	assert_int_equal(store_meeting_create(st, org, &m), STORE_OK);
	assert_int_equal(store_meeting_create(st, other, &theirs), STORE_OK);
	char hash[65];
	sha256_hex("127.0.0.1", 9, hash);

	struct meeting_change_request cr = { .meeting_id = m.id };
	copy_str(cr.meeting_name, sizeof cr.meeting_name, m.name);
	copy_str(cr.message, sizeof cr.message, "The meeting moved to room 2.");
	copy_str(cr.addr_hash, sizeof cr.addr_hash, hash);
	int64_t since = now_seconds() - 5;
	assert_int_equal(store_meeting_cr_create(st, org, &cr), STORE_OK);
	assert_true(cr.id > 0);
	/* A request about another organisation's meeting cannot be filed here. */
	struct meeting_change_request wrong = cr;
	wrong.meeting_id = theirs.id;
	assert_int_equal(store_meeting_cr_create(st, org, &wrong), STORE_INVALID);
	struct meeting_change_request empty = cr;
	empty.message[0] = '\0';
	assert_int_equal(store_meeting_cr_create(st, org, &empty), STORE_INVALID);

	int64_t k = 0;
	assert_int_equal(store_meeting_cr_count_recent(st, hash, since, &k), STORE_OK);
	assert_int_equal(k, 1);

	struct meeting_change_request *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	assert_int_equal(store_meeting_cr_list(st, org, "new", 10, 0, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_string_equal(rows[0].message, "The meeting moved to room 2.");
	free(rows);
	assert_int_equal(store_meeting_cr_list(st, other, "", 10, 0, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	free(rows);

	assert_int_equal(store_meeting_cr_close(st, other, cr.id, "done", 0), STORE_NOTFOUND);
	assert_int_equal(store_meeting_cr_close(st, org, cr.id, "done", editor), STORE_OK);
	assert_int_equal(store_meeting_cr_close(st, org, cr.id, "dismissed", editor), STORE_CONFLICT);
	assert_int_equal(store_meeting_cr_close(st, org, cr.id, "new", editor), STORE_INVALID);
	struct meeting_change_request got;
	assert_int_equal(store_meeting_cr_get(st, org, cr.id, &got), STORE_OK);
	assert_string_equal(got.status, "done");
	assert_int_equal(got.handled_by, editor);
	assert_true(got.handled_at > 0);
	assert_int_equal(store_meeting_cr_list(st, org, "new", 10, 0, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	free(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrated),	cmocka_unit_test(test_meeting_roundtrip),
		cmocka_unit_test(test_public_reads),	cmocka_unit_test(test_list),
		cmocka_unit_test(test_import_apply),	cmocka_unit_test(test_sources),
		cmocka_unit_test(test_change_requests),
	};
	return store_test_run("store_meetings", tests, sizeof tests / sizeof tests[0]);
}
