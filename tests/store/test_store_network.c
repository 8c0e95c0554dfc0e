/* test_store_network.c: the store's contract for the network report (issue 7) — joining
 * (idempotent) and leaving, the member list with names, and imported files: stored, listed
 * by template and exact period, the body read back, replaced by the same installation,
 * organisation, template and period (same id), removed — run unchanged on SQLite and
 * PostgreSQL (TOLV_TEST_DB, as for test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"

static bool listed(const struct network_member *m, size_t n, int64_t org)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].org_id == org)
			return true;
	return false;
}

static void test_membership(void **state)
{
	(void)state;
	int64_t a = make_org("net-a"), b = make_org("net-b");
	int64_t u = make_member(a, "admin@net-a.test", "admin");
	struct network_member m;
	assert_int_equal(store_network_member_get(st, a, &m), STORE_NOTFOUND);
	bool joined = false, left = false;
	assert_int_equal(store_network_join(st, a, u, 1000, &joined), STORE_OK);
	assert_true(joined);
	/* Twice: kept as it was. */
	assert_int_equal(store_network_join(st, a, 0, 2000, &joined), STORE_OK);
	assert_false(joined);
	assert_int_equal(store_network_member_get(st, a, &m), STORE_OK);
	assert_int_equal(m.org_id, a);
	assert_int_equal(m.joined_at, 1000);
	assert_int_equal(m.joined_by, u);
	assert_non_null(strstr(m.org_name, "net-a"));
	/* b by the command line (no user). */
	assert_int_equal(store_network_join(st, b, 0, 3000, &joined), STORE_OK);
	assert_true(joined);
	assert_int_equal(store_network_member_get(st, b, &m), STORE_OK);
	assert_int_equal(m.joined_by, 0);
	struct network_member *all = NULL;
	size_t n = 0;
	assert_int_equal(store_network_members(st, &all, &n), STORE_OK);
	assert_true(listed(all, n, a) && listed(all, n, b));
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1].org_name, all[i].org_name) <= 0);
	free(all);
	/* Leaving. */
	assert_int_equal(store_network_leave(st, a, &left), STORE_OK);
	assert_true(left);
	assert_int_equal(store_network_leave(st, a, &left), STORE_OK);
	assert_false(left);
	assert_int_equal(store_network_member_get(st, a, &m), STORE_NOTFOUND);
	assert_int_equal(store_network_members(st, &all, &n), STORE_OK);
	assert_false(listed(all, n, a));
	assert_true(listed(all, n, b));
	free(all);
	/* No such organisation; organisation 0. */
	assert_int_equal(store_network_join(st, 999999, 0, 1, &joined), STORE_NOTFOUND);
	assert_int_equal(store_network_join(st, 0, 0, 1, &joined), STORE_INVALID);
	assert_int_equal(store_network_member_get(st, 0, &m), STORE_INVALID);
}

static struct network_import imp_of(const char *inst, const char *org, const char *tmpl, int32_t from, int32_t to)
{
	struct network_import i = { 0 };
	copy_str(i.installation, sizeof i.installation, inst);
	copy_str(i.org_name, sizeof i.org_name, org);
	copy_str(i.template_key, sizeof i.template_key, tmpl);
	i.from = from;
	i.to = to;
	i.generated_at = 5000;
	i.imported_at = 6000;
	return i;
}

static size_t count_inst(const struct network_import *l, size_t n, const char *inst)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += !strcmp(l[i].installation, inst);
	return k;
}

static void test_imports(void **state)
{
	(void)state;
	const int32_t q1 = date_from_ymd(2025, 1, 1), q1e = date_from_ymd(2025, 3, 31);
	const int32_t q2 = date_from_ymd(2025, 4, 1), q2e = date_from_ymd(2025, 6, 30);
	const char *inst = "Agder \"samarbeid\" <ÆØÅ>";
	struct network_import a = imp_of(inst, "Lister kommune", "municipal_day_treatment", q1, q1e);
	bool replaced = true;
	assert_int_equal(store_network_import_put(st, &a, "{\"v\": 1}", &replaced), STORE_OK);
	assert_false(replaced);
	assert_true(a.id > 0);
	struct network_import b = imp_of(inst, "Lister kommune", "municipal_day_treatment", q2, q2e);
	assert_int_equal(store_network_import_put(st, &b, "{\"v\": 2}", &replaced), STORE_OK);
	assert_false(replaced);
	assert_true(b.id != a.id);
	struct network_import c = imp_of(inst, "Vest klinikk", "outpatient_clinic", q1, q1e);
	assert_int_equal(store_network_import_put(st, &c, "{\"v\": 3}", &replaced), STORE_OK);

	/* Listing: by template and exact period. */
	struct network_import *l = NULL;
	size_t n = 0;
	assert_int_equal(store_network_import_list(st, "municipal_day_treatment", q1, q1e, &l, &n), STORE_OK);
	assert_int_equal(count_inst(l, n, inst), 1);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].installation, inst)) {
			assert_int_equal(l[i].id, a.id);
			assert_string_equal(l[i].org_name, "Lister kommune");
			assert_int_equal(l[i].from, q1);
			assert_int_equal(l[i].to, q1e);
			assert_int_equal(l[i].generated_at, 5000);
			assert_int_equal(l[i].imported_at, 6000);
		}
	free(l);
	/* Another period that overlaps is not "the same period". */
	assert_int_equal(store_network_import_list(st, "municipal_day_treatment", q1, q2e, &l, &n), STORE_OK);
	assert_int_equal(count_inst(l, n, inst), 0);
	free(l);
	assert_int_equal(store_network_import_list(st, NULL, DATE_NONE, DATE_NONE, &l, &n), STORE_OK);
	assert_int_equal(count_inst(l, n, inst), 3);
	free(l);
	assert_int_equal(store_network_import_list(st, "outpatient_clinic", DATE_NONE, DATE_NONE, &l, &n), STORE_OK);
	assert_int_equal(count_inst(l, n, inst), 1);
	free(l);
	assert_int_equal(store_network_import_list(st, NULL, q1, DATE_NONE, &l, &n), STORE_INVALID);

	/* The body. */
	char *body = NULL;
	assert_int_equal(store_network_import_body(st, a.id, &body), STORE_OK);
	assert_string_equal(body, "{\"v\": 1}");
	free(body);

	/* Again for the same key: replaced in place. */
	struct network_import a2 = imp_of(inst, "Lister kommune", "municipal_day_treatment", q1, q1e);
	a2.generated_at = 7000;
	a2.imported_at = 8000;
	assert_int_equal(store_network_import_put(st, &a2, "{\"v\": 4}", &replaced), STORE_OK);
	assert_true(replaced);
	assert_int_equal(a2.id, a.id);
	assert_int_equal(store_network_import_body(st, a.id, &body), STORE_OK);
	assert_string_equal(body, "{\"v\": 4}");
	free(body);
	assert_int_equal(store_network_import_list(st, "municipal_day_treatment", q1, q1e, &l, &n), STORE_OK);
	assert_int_equal(count_inst(l, n, inst), 1);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].installation, inst)) {
			assert_int_equal(l[i].generated_at, 7000);
			assert_int_equal(l[i].imported_at, 8000);
		}
	free(l);

	/* Removing. */
	assert_int_equal(store_network_import_remove(st, b.id), STORE_OK);
	assert_int_equal(store_network_import_remove(st, b.id), STORE_NOTFOUND);
	assert_int_equal(store_network_import_body(st, b.id, &body), STORE_NOTFOUND);
	assert_null(body);
	assert_int_equal(store_network_import_remove(st, 0), STORE_NOTFOUND);

	/* Bad imports store nothing. */
	struct network_import bad = imp_of("", "X", "municipal_day_treatment", q1, q1e);
	assert_int_equal(store_network_import_put(st, &bad, "{}", &replaced), STORE_INVALID);
	bad = imp_of("I", "X", "municipal_day_treatment", q1e, q1);
	assert_int_equal(store_network_import_put(st, &bad, "{}", &replaced), STORE_INVALID);
	bad = imp_of("I", "X", "Not a key", q1, q1e);
	assert_int_equal(store_network_import_put(st, &bad, "{}", &replaced), STORE_INVALID);
	bad = imp_of("I", "X", "municipal_day_treatment", q1, q1e);
	assert_int_equal(store_network_import_put(st, &bad, "", &replaced), STORE_INVALID);
	assert_int_equal(store_network_import_list(st, NULL, DATE_NONE, DATE_NONE, &l, &n), STORE_OK);
	assert_int_equal(count_inst(l, n, "I"), 0);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_membership),
		cmocka_unit_test(test_imports),
	};
	return store_test_run("store_network", tests, sizeof tests / sizeof tests[0]);
}
