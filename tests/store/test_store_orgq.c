/* test_store_orgq.c: an organisation's own questionnaire definitions (issue 6) — the
 * store's contract (stored, read back with and without the text, replaced, removed, only
 * built-in ids, other organisations never see the row) and the domain on top of it
 * (orgq_check's replacement rule with its messages, orgq_load/orgq_remove with their audit
 * entries, questionnaire_for_org: the built-in until a definition is loaded, the new
 * version at once after a replace, parsed once per version, the built-in again after a
 * remove, org B never seeing org A's). Run unchanged on SQLite and PostgreSQL
 * (TOLV_TEST_DB, as for test_store_path.c).
 * The last line on stdout is "store tests: N passed on BACKEND" (the test script sums it).
 */
#include "fixtures.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/audit.h"
#include "domain/orgquestionnaire.h"

/* The built-in AUDIT's text (compiled in), parsed. */
static json_t *audit_doc(void)
{
	for (size_t i = 0; i < q_sources_count; i++)
		if (!strcmp(q_sources[i].name, "audit")) {
			json_t *d = json_loadb(q_sources[i].json, q_sources[i].len, 0, NULL);
			assert_non_null(d);
			return d;
		}
	fail_msg("no built-in audit");
	return NULL;
}

/* AUDIT with its own wording of item 1 (nb), a hazardous cut-off at 6 and the version. */
static char *own_audit(int version, const char *item1_nb, int cutoff)
{
	json_t *d = audit_doc();
	json_object_set_new(d, "version", json_integer(version));
	json_t *label = json_object_get(json_array_get(json_object_get(d, "items"), 0), "label");
	json_object_set_new(label, "nb", json_string(item1_nb));
	json_t *zones = json_object_get(d, "zones");
	json_object_set_new(json_array_get(zones, 0), "max", json_integer(cutoff - 1));
	json_object_set_new(json_array_get(zones, 1), "min", json_integer(cutoff));
	json_object_set_new(json_array_get(json_object_get(d, "cutoffs"), 0), "min", json_integer(cutoff));
	char *text = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	return text;
}

static struct org_questionnaire row_of(const char *id, int version, const char *text)
{
	struct org_questionnaire q = { 0 };
	copy_str(q.questionnaire, sizeof q.questionnaire, id);
	q.version = version;
	sha256_hex(text, strlen(text), q.sha256);
	q.loaded_at = 1000;
	return q;
}

static void test_store_rows(void **state)
{
	(void)state;
	int64_t a = make_org("orgq-a"), b = make_org("orgq-b");
	int64_t u = make_member(a, "admin@orgq-a.test", "admin");
	struct org_questionnaire q = row_of("audit", 3, "{\"x\": 1}"), got;
	q.loaded_by = u;
	char *json = NULL;
	assert_int_equal(store_orgq_get(st, a, "audit", &got), STORE_NOTFOUND);
	bool replaced = true;
	assert_int_equal(store_orgq_put(st, a, &q, "{\"x\": 1}", &replaced), STORE_OK);
	assert_false(replaced);
	assert_int_equal(store_orgq_get(st, a, "audit", &got), STORE_OK);
	assert_string_equal(got.questionnaire, "audit");
	assert_int_equal(got.version, 3);
	assert_string_equal(got.sha256, q.sha256);
	assert_int_equal(got.loaded_at, 1000);
	assert_int_equal(got.loaded_by, u);
	assert_string_equal(got.loaded_by_email, "admin@orgq-a.test");
	assert_int_equal(store_orgq_body(st, a, "audit", &got, &json), STORE_OK);
	assert_string_equal(json, "{\"x\": 1}");
	assert_int_equal(got.version, 3);
	free(json);

	/* Another organisation sees nothing of it. */
	assert_int_equal(store_orgq_get(st, b, "audit", &got), STORE_NOTFOUND);
	assert_int_equal(store_orgq_body(st, b, "audit", &got, &json), STORE_NOTFOUND);
	assert_null(json);
	struct org_questionnaire *l = NULL;
	size_t n = 9;
	assert_int_equal(store_orgq_list(st, b, &l, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(l);
	assert_int_equal(store_orgq_remove(st, b, "audit"), STORE_NOTFOUND);

	/* Replaced (by the command line: no user), a second one, listed by id. */
	struct org_questionnaire q2 = row_of("audit", 4, "{\"x\": 2}");
	assert_int_equal(store_orgq_put(st, a, &q2, "{\"x\": 2}", &replaced), STORE_OK);
	assert_true(replaced);
	struct org_questionnaire q3 = row_of("audit-c", 1, "{\"y\": 1}");
	assert_int_equal(store_orgq_put(st, a, &q3, "{\"y\": 1}", NULL), STORE_OK);
	assert_int_equal(store_orgq_body(st, a, "audit", &got, &json), STORE_OK);
	assert_string_equal(json, "{\"x\": 2}");
	assert_int_equal(got.version, 4);
	assert_int_equal(got.loaded_by, 0);
	assert_string_equal(got.loaded_by_email, "");
	free(json);
	assert_int_equal(store_orgq_list(st, a, &l, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].questionnaire, "audit");
	assert_string_equal(l[1].questionnaire, "audit-c");
	assert_string_equal(l[0].sha256, q2.sha256);
	free(l);

	/* Only built-in ids, a real SHA-256, a version, some text. */
	struct org_questionnaire bad = row_of("phq-9", 1, "{}");
	assert_int_equal(store_orgq_put(st, a, &bad, "{}", NULL), STORE_INVALID);
	bad = row_of("audit", 0, "{}");
	assert_int_equal(store_orgq_put(st, a, &bad, "{}", NULL), STORE_INVALID);
	bad = row_of("audit", 1, "{}");
	bad.sha256[3] = 'X';
	assert_int_equal(store_orgq_put(st, a, &bad, "{}", NULL), STORE_INVALID);
	bad = row_of("audit", 1, "{}");
	assert_int_equal(store_orgq_put(st, a, &bad, "", NULL), STORE_INVALID);
	assert_int_equal(store_orgq_put(st, 0, &q, "{}", NULL), STORE_INVALID);
	assert_int_equal(store_orgq_get(st, a, "phq-9", &got), STORE_NOTFOUND);
	assert_int_equal(store_orgq_body(st, a, "audit", &got, &json), STORE_OK);
	assert_string_equal(json, "{\"x\": 2}"); /* unchanged by the refused ones */
	free(json);

	/* Removed; removed again. */
	assert_int_equal(store_orgq_remove(st, a, "audit"), STORE_OK);
	assert_int_equal(store_orgq_remove(st, a, "audit"), STORE_NOTFOUND);
	assert_int_equal(store_orgq_get(st, a, "audit", &got), STORE_NOTFOUND);
	assert_int_equal(store_orgq_get(st, a, "audit-c", &got), STORE_OK);
}

static void test_check_rule(void **state)
{
	(void)state;
	struct questionnaire def;
	struct q_error err;
	char *ok = own_audit(2, "Hvor ofte drikker du alkohol?", 6);
	assert_int_equal(orgq_check(ok, strlen(ok), &def, &err), Q_OK);
	assert_string_equal(def.id, "audit");
	assert_int_equal(def.version, 2);
	questionnaire_release(&def);
	free(ok);

	/* A new instrument. */
	json_t *d = audit_doc();
	json_object_set_new(d, "id", json_string("phq-9"));
	char *t = json_dumps(d, JSON_COMPACT);
	assert_int_equal(orgq_check(t, strlen(t), &def, &err), Q_INVALID);
	assert_string_equal(err.field, "id");
	assert_non_null(strstr(err.message, "'phq-9' is not one of tolv's questionnaires (audit, audit-c, dudit, "
					     "days-abstinent)"));
	free(t);
	json_decref(d);

	/* Nine items (a file that is valid on its own). */
	d = audit_doc();
	json_array_remove(json_object_get(d, "items"), 9);
	json_array_remove(json_object_get(json_object_get(d, "scoring"), "items"), 9);
	json_object_set_new(json_array_get(json_object_get(d, "zones"), 3), "max", json_integer(36));
	t = json_dumps(d, JSON_COMPACT);
	struct questionnaire plain;
	assert_int_equal(questionnaire_load_json(t, strlen(t), &plain, &err), Q_OK);
	questionnaire_release(&plain);
	assert_int_equal(orgq_check(t, strlen(t), &def, &err), Q_INVALID);
	assert_string_equal(err.field, "items");
	assert_string_equal(err.message, "items: audit has 10 items and this file has 9; a replacement must have the "
					 "same 10 items, so that stored answers stay comparable");
	free(t);
	json_decref(d);

	/* Other scores for item 9 (0, 1, 4 instead of 0, 2, 4). */
	d = audit_doc();
	json_t *opt = json_array_get(json_object_get(json_array_get(json_object_get(d, "items"), 8), "options"), 1);
	json_object_set_new(opt, "score", json_integer(1));
	t = json_dumps(d, JSON_COMPACT);
	assert_int_equal(orgq_check(t, strlen(t), &def, &err), Q_INVALID);
	assert_string_equal(err.field, "items[8].options");
	assert_non_null(strstr(err.message, "item 9 of audit scores 0, 2, 4"));
	free(t);
	json_decref(d);

	/* The loader's own errors come through with their path. */
	const char *broken = "{\"format\": 1}";
	assert_int_equal(orgq_check(broken, strlen(broken), &def, &err), Q_INVALID);
	assert_int_equal(err.kind, Q_ERR_DEFINITION);
	assert_true(err.message[0] != '\0');
	assert_int_equal(orgq_check("{\0}", 3, &def, &err), Q_INVALID);
}

static int count_action(struct store *s, int64_t org, const char *action, const char *must_not_contain)
{
	struct audit_filter flt = { .org_id = org, .limit = 100 };
	copy_str(flt.action, sizeof flt.action, action);
	struct audit_entry *es = NULL;
	size_t n = 0;
	assert_int_equal(store_audit_list(s, &flt, &es, &n), STORE_OK);
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		k += !strcmp(es[i].action, action);
		assert_string_equal(es[i].object_type, "questionnaire");
		assert_null(strstr(es[i].detail, must_not_contain));
	}
	free(es);
	return k;
}

static void test_for_org(void **state)
{
	(void)state;
	struct accounts ac = { .store = st, .audit = auditor_new(st, false) };
	int64_t a = make_org("orgq-for-a"), b = make_org("orgq-for-b");
	struct actor who = { .user_id = make_member(a, "admin@orgq-for-a.test", "admin"), .org_id = a };
	copy_str(who.email, sizeof who.email, "admin@orgq-for-a.test");
	const struct questionnaire *builtin = questionnaire_builtin("audit");

	assert_ptr_equal(questionnaire_for_org(st, a, "audit"), builtin);
	assert_null(questionnaire_for_org(st, a, "phq-9"));
	assert_null(questionnaire_for_org(st, a, NULL));

	/* Loaded: A's own wording and cut-off; B keeps the built-in. */
	char *v2 = own_audit(2, "Hvor ofte drikker du alkohol? (lisens)", 6);
	struct org_questionnaire row;
	bool replaced = true;
	struct q_error err;
	assert_int_equal(orgq_load(&ac, &who, a, v2, strlen(v2), &row, &replaced, &err), 0);
	assert_false(replaced);
	assert_int_equal(row.version, 2);
	size_t cached = orgq_cache_count();
	const struct questionnaire *da = questionnaire_for_org(st, a, "audit");
	assert_non_null(da);
	assert_ptr_not_equal(da, builtin);
	assert_int_equal(da->version, 2);
	assert_string_equal(da->items[0].label.nb, "Hvor ofte drikker du alkohol? (lisens)");
	assert_int_equal(orgq_cache_count(), cached + 1);
	/* Parsed once: the same pointer, no new cache entry. */
	assert_ptr_equal(questionnaire_for_org(st, a, "audit"), da);
	assert_int_equal(orgq_cache_count(), cached + 1);
	assert_ptr_equal(questionnaire_for_org(st, b, "audit"), builtin);
	assert_ptr_equal(questionnaire_for_org(st, a, "dudit"), questionnaire_builtin("dudit"));

	/* Scored with the organisation's cut-off: 6 is positive for A, not for the built-in. */
	int64_t answers[10] = { 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 };
	struct q_result res;
	assert_int_equal(questionnaire_score(da, answers, 10, Q_SEX_UNKNOWN, &res, &err), Q_OK);
	assert_true(res.positive);
	assert_string_equal(res.zone->key, "II");
	assert_int_equal(questionnaire_score(builtin, answers, 10, Q_SEX_UNKNOWN, &res, &err), Q_OK);
	assert_false(res.positive);

	/* Replaced: the new version at once. */
	char *v3 = own_audit(3, "Hvor ofte drikker du alkohol? (ny)", 5);
	assert_int_equal(orgq_load(&ac, &who, a, v3, strlen(v3), &row, &replaced, &err), 0);
	assert_true(replaced);
	const struct questionnaire *da3 = questionnaire_for_org(st, a, "audit");
	assert_ptr_not_equal(da3, da);
	assert_int_equal(da3->version, 3);
	assert_string_equal(da3->items[0].label.nb, "Hvor ofte drikker du alkohol? (ny)");
	assert_int_equal(da3->cutoffs[0].min.v[0], 5);
	/* Back to version 2's text: its cached entry again, nothing parsed. */
	size_t before = orgq_cache_count();
	assert_int_equal(orgq_load(&ac, &who, a, v2, strlen(v2), &row, &replaced, &err), 0);
	assert_ptr_equal(questionnaire_for_org(st, a, "audit"), da);
	assert_int_equal(orgq_cache_count(), before);

	/* A refused file changes nothing. */
	json_t *d = audit_doc();
	json_object_set_new(d, "id", json_string("audit-c"));
	char *wrong = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	assert_int_equal(orgq_load(&ac, &who, a, wrong, strlen(wrong), &row, &replaced, &err), ORGQ_BAD_FILE);
	assert_int_equal(err.kind, Q_ERR_DEFINITION);
	assert_true(err.message[0] != '\0');
	assert_ptr_equal(questionnaire_for_org(st, a, "audit-c"), questionnaire_builtin("audit-c"));
	assert_ptr_equal(questionnaire_for_org(st, a, "audit"), da);

	/* Removed: the built-in again; removed again: NOTFOUND. */
	assert_int_equal(orgq_remove(&ac, &who, a, "audit"), 0);
	assert_ptr_equal(questionnaire_for_org(st, a, "audit"), builtin);
	assert_int_equal(orgq_remove(&ac, &who, a, "audit"), STORE_NOTFOUND);

	/* Audited in A, with the version and hash but never the text. */
	assert_int_equal(count_action(st, a, "questionnaire.load", "Hvor ofte"), 3);
	assert_int_equal(count_action(st, a, "questionnaire.remove", "Hvor ofte"), 1);
	assert_int_equal(count_action(st, b, "questionnaire.", "Hvor ofte"), 0);

	free(wrong);
	free(v3);
	free(v2);
	auditor_free(ac.audit);
}

/* Another process (a second tolv on the same PostgreSQL) replacing the row directly is
 * seen on the next call: the cache is keyed by the row's hash, checked every time. */
static void test_other_process(void **state)
{
	(void)state;
	int64_t a = make_org("orgq-proc");
	char *v1 = own_audit(11, "Først", 7), *v2 = own_audit(12, "Deretter", 4);
	struct org_questionnaire q = row_of("audit", 11, v1);
	assert_int_equal(store_orgq_put(st, a, &q, v1, NULL), STORE_OK);
	assert_int_equal(questionnaire_for_org(st, a, "audit")->version, 11);
	q = row_of("audit", 12, v2);
	assert_int_equal(store_orgq_put(st, a, &q, v2, NULL), STORE_OK);
	assert_int_equal(questionnaire_for_org(st, a, "audit")->version, 12);
	assert_string_equal(questionnaire_for_org(st, a, "audit")->items[0].label.nb, "Deretter");
	/* A stored text that does not pass (written past the domain): the built-in applies. */
	q = row_of("audit", 13, "{\"format\": 1}");
	assert_int_equal(store_orgq_put(st, a, &q, "{\"format\": 1}", NULL), STORE_OK);
	assert_ptr_equal(questionnaire_for_org(st, a, "audit"), questionnaire_builtin("audit"));
	/* A valid AUDIT stored under audit-c: not used for audit-c. */
	q = row_of("audit-c", 12, v2);
	assert_int_equal(store_orgq_put(st, a, &q, v2, NULL), STORE_OK);
	assert_ptr_equal(questionnaire_for_org(st, a, "audit-c"), questionnaire_builtin("audit-c"));
	free(v1);
	free(v2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_rows),
		cmocka_unit_test(test_check_rule),
		cmocka_unit_test(test_for_org),
		cmocka_unit_test(test_other_process),
	};
	return store_test_run("store_orgq", tests, sizeof tests / sizeof tests[0]);
}
