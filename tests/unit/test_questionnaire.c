/* test_questionnaire.c: unit tests of the questionnaire definitions and scoring — the
 * built-ins load, every zone edge and sex-specific cut-off scores as the manuals say, bad
 * answers are refused naming the item, and broken definitions are refused naming the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/questionnaire.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct questionnaire *def_of(const char *id)
{
	const struct questionnaire *d = questionnaire_builtin(id);
	assert_non_null(d);
	return d;
}

/* Answers for def that add up to total: the last items take the largest score they allow
 * first (so the 0/2/4 items at the end of AUDIT and DUDIT never leave an odd remainder the
 * 0–4 items cannot take). Asserts that the total was reached. */
static size_t answers_for(const struct questionnaire *def, int total, int64_t *out)
{
	int left = total;
	for (size_t i = def->nitems; i-- > 0;) {
		const struct q_item *it = &def->items[i];
		int take = it->min;
		if (it->noptions == 0) {
			take = left < it->max ? (left > it->min ? left : it->min) : it->max;
		} else {
			for (size_t k = 0; k < it->noptions; k++)
				if (it->options[k].score <= left)
					take = it->options[k].score;
		}
		out[i] = take;
		left -= take;
	}
	assert_int_equal(left, 0);
	return def->nitems;
}

/* Scores total for sex and checks the zone key and the positive flag. */
static struct q_result score_total(const char *id, int total, enum q_sex sex, const char *zone, int positive)
{
	const struct questionnaire *def = def_of(id);
	int64_t a[Q_ITEMS_MAX];
	size_t n = answers_for(def, total, a);
	struct q_result res;
	struct q_error err;
	int rc = questionnaire_score(def, a, n, sex, &res, &err);
	if (rc != Q_OK)
		fail_msg("%s %d: %s", id, total, err.message);
	assert_int_equal(res.total, total);
	if (zone) {
		assert_non_null(res.zone);
		if (strcmp(res.zone->key, zone) != 0)
			fail_msg("%s total %d sex %d: zone %s, expected %s", id, total, sex, res.zone->key, zone);
	} else {
		assert_null(res.zone);
	}
	if (positive >= 0) {
		assert_true(res.has_positive);
		if (res.positive != (positive == 1))
			fail_msg("%s total %d sex %d: positive %d, expected %d", id, total, sex, res.positive, positive);
	}
	return res;
}

static int reached(const struct questionnaire *def, const struct q_result *res, const char *key)
{
	for (size_t i = 0; i < def->ncutoffs; i++)
		if (strcmp(def->cutoffs[i].key, key) == 0)
			return res->reached[i];
	fail_msg("no cut-off %s", key);
	return -1;
}

static void builtins(void **state)
{
	assert_int_equal(questionnaire_builtin_count(), 4);
	static const struct {
		const char *id;
		size_t items;
		int max;
		const char *loinc;
		bool sex;
	} want[] = {
		{ "audit", 10, 40, "75624-7", false },
		{ "audit-c", 3, 12, "75626-2", true },
		{ "dudit", 11, 44, NULL, true },
		{ "days-abstinent", 1, 30, NULL, false },
	};
	for (size_t i = 0; i < N(want); i++) {
		const struct questionnaire *d = questionnaire_builtin_at(i);
		assert_non_null(d);
		assert_string_equal(d->id, want[i].id);
		assert_ptr_equal(questionnaire_builtin(want[i].id), d);
		assert_int_equal(d->nitems, want[i].items);
		assert_int_equal(d->total_min, 0);
		assert_int_equal(d->total_max, want[i].max);
		if (want[i].loinc)
			assert_string_equal(d->loinc, want[i].loinc);
		else
			assert_null(d->loinc);
		assert_int_equal(d->needs_sex, want[i].sex);
		/* Labels in all three languages, each its own text. */
		for (size_t k = 0; k < d->nitems; k++) {
			const struct q_text *t = &d->items[k].label;
			assert_non_null(t->nb);
			assert_non_null(t->sv);
			assert_non_null(t->en);
		}
		assert_string_not_equal(q_text_get(&d->title, LANG_NB), q_text_get(&d->title, LANG_EN));
	}
	assert_null(questionnaire_builtin_at(4));
	assert_null(questionnaire_builtin("audit-x"));
	assert_null(questionnaire_builtin(NULL));

	/* Items 1–8 of AUDIT score 0–4, items 9–10 score 0, 2 or 4; AUDIT-C is items 1–3. */
	const struct questionnaire *a = def_of("audit");
	for (size_t k = 0; k < 8; k++) {
		assert_int_equal(a->items[k].noptions, 5);
		for (size_t o = 0; o < 5; o++)
			assert_int_equal(a->items[k].options[o].score, (int)o);
	}
	for (size_t k = 8; k < 10; k++) {
		assert_int_equal(a->items[k].noptions, 3);
		assert_int_equal(a->items[k].options[0].score, 0);
		assert_int_equal(a->items[k].options[1].score, 2);
		assert_int_equal(a->items[k].options[2].score, 4);
	}
	const struct questionnaire *c = def_of("audit-c");
	for (size_t k = 0; k < 3; k++)
		assert_string_equal(c->items[k].label.en, a->items[k].label.en);
	const struct questionnaire *d = def_of("dudit");
	for (size_t k = 0; k < 9; k++)
		assert_int_equal(d->items[k].max, 4);
	for (size_t k = 9; k < 11; k++) {
		assert_int_equal(d->items[k].noptions, 3);
		assert_int_equal(d->items[k].options[1].score, 2);
	}
}

static void audit_zones(void **state)
{
	/* WHO zones I 0–7, II 8–15, III 16–19, IV 20–40, the same for either sex (and none). */
	static const struct {
		int total;
		const char *zone;
		int positive;
	} v[] = {
		{ 0, "I", 0 },	  { 7, "I", 0 },    { 8, "II", 1 },  { 15, "II", 1 }, { 16, "III", 1 },
		{ 19, "III", 1 }, { 20, "IV", 1 }, { 39, "IV", 1 }, { 40, "IV", 1 },
	};
	for (size_t i = 0; i < N(v); i++)
		for (int s = Q_SEX_UNKNOWN; s <= Q_SEX_MALE; s++)
			score_total("audit", v[i].total, (enum q_sex)s, v[i].zone, v[i].positive);

	/* Hand-worked vectors, not built by the helper. */
	const struct questionnaire *def = def_of("audit");
	struct q_result res;
	struct q_error err;
	int64_t all4[] = { 4, 4, 4, 4, 4, 4, 4, 4, 4, 4 };
	assert_int_equal(questionnaire_score(def, all4, 10, Q_SEX_FEMALE, &res, &err), Q_OK);
	assert_int_equal(res.total, 40);
	assert_int_equal(res.max, 40);
	assert_string_equal(res.zone->key, "IV");
	assert_true(reached(def, &res, "dependence"));
	int64_t eight[] = { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 };
	assert_int_equal(questionnaire_score(def, eight, 10, Q_SEX_UNKNOWN, &res, &err), Q_OK);
	assert_int_equal(res.total, 8);
	assert_string_equal(res.zone->key, "II");
	assert_true(res.positive);
	assert_false(reached(def, &res, "dependence"));
	int64_t seven[] = { 3, 2, 0, 0, 0, 0, 0, 0, 2, 0 };
	assert_int_equal(questionnaire_score(def, seven, 10, Q_SEX_MALE, &res, &err), Q_OK);
	assert_int_equal(res.total, 7);
	assert_string_equal(res.zone->key, "I");
	assert_false(res.positive);
	int64_t twenty[] = { 4, 4, 4, 0, 0, 0, 0, 0, 4, 4 };
	assert_int_equal(questionnaire_score(def, twenty, 10, Q_SEX_MALE, &res, &err), Q_OK);
	assert_int_equal(res.total, 20);
	assert_string_equal(res.zone->key, "IV");
	assert_true(reached(def, &res, "dependence"));
	assert_string_equal(q_text_get(&res.zone->label, LANG_EN), "Zone IV: possible dependence");
	assert_string_equal(q_text_get(&res.zone->label, LANG_NB), "Sone IV: mulig avhengighet");
	assert_string_equal(q_text_get(&res.zone->label, LANG_SV), "Zon IV: möjligt beroende");
}

static void audit_c_cutoffs(void **state)
{
	/* Positive at 3 or more for women, 4 or more for men. */
	score_total("audit-c", 0, Q_SEX_FEMALE, "negative", 0);
	score_total("audit-c", 2, Q_SEX_FEMALE, "negative", 0);
	score_total("audit-c", 3, Q_SEX_FEMALE, "positive", 1);
	score_total("audit-c", 12, Q_SEX_FEMALE, "positive", 1);
	score_total("audit-c", 0, Q_SEX_MALE, "negative", 0);
	score_total("audit-c", 3, Q_SEX_MALE, "negative", 0);
	score_total("audit-c", 4, Q_SEX_MALE, "positive", 1);
	struct q_result r = score_total("audit-c", 12, Q_SEX_MALE, "positive", 1);
	assert_int_equal(r.max, 12);
	assert_int_equal(r.threshold[0], 4);
	r = score_total("audit-c", 3, Q_SEX_FEMALE, "positive", 1);
	assert_int_equal(r.threshold[0], 3);

	/* Without sex there is no answer: the cut-offs differ. */
	const struct questionnaire *def = def_of("audit-c");
	int64_t a[] = { 1, 1, 1 };
	struct q_result res;
	struct q_error err;
	assert_int_equal(questionnaire_score(def, a, 3, Q_SEX_UNKNOWN, &res, &err), Q_INVALID);
	assert_int_equal(err.kind, Q_ERR_SEX);
	assert_string_equal(err.field, "sex");
	assert_non_null(strstr(err.message, "female or male"));
}

static void dudit_cutoffs(void **state)
{
	const struct questionnaire *def = def_of("dudit");
	/* Problems at 2 or more for women, 6 or more for men; dependence at 25 for both. */
	score_total("dudit", 0, Q_SEX_FEMALE, "none", 0);
	score_total("dudit", 1, Q_SEX_FEMALE, "none", 0);
	score_total("dudit", 2, Q_SEX_FEMALE, "problems", 1);
	score_total("dudit", 5, Q_SEX_MALE, "none", 0);
	score_total("dudit", 6, Q_SEX_MALE, "problems", 1);
	score_total("dudit", 2, Q_SEX_MALE, "none", 0); /* a woman's positive is not a man's */
	for (int s = Q_SEX_FEMALE; s <= Q_SEX_MALE; s++) {
		struct q_result r = score_total("dudit", 24, (enum q_sex)s, "problems", 1);
		assert_false(reached(def, &r, "dependence"));
		r = score_total("dudit", 25, (enum q_sex)s, "dependence", 1);
		assert_true(reached(def, &r, "dependence"));
		r = score_total("dudit", 44, (enum q_sex)s, "dependence", 1);
		assert_int_equal(r.max, 44);
	}
	/* A hand-worked vector: 1+0+1+0+0+0+0+0+0+2+2 = 6. */
	int64_t a[] = { 1, 0, 1, 0, 0, 0, 0, 0, 0, 2, 2 };
	struct q_result res;
	struct q_error err;
	assert_int_equal(questionnaire_score(def, a, 11, Q_SEX_MALE, &res, &err), Q_OK);
	assert_int_equal(res.total, 6);
	assert_true(res.positive);
	assert_true(reached(def, &res, "problems"));
	assert_false(reached(def, &res, "dependence"));
	assert_int_equal(res.threshold[0], 6);
	assert_int_equal(res.threshold[1], 25);
}

static void days_abstinent(void **state)
{
	const struct questionnaire *def = def_of("days-abstinent");
	struct q_result res;
	struct q_error err;
	for (int64_t d = 0; d <= 30; d++) {
		assert_int_equal(questionnaire_score(def, &d, 1, Q_SEX_UNKNOWN, &res, &err), Q_OK);
		assert_int_equal(res.total, d);
		assert_null(res.zone);
		assert_false(res.has_positive);
		assert_int_equal(res.ncutoffs, 0);
	}
	int64_t bad = 31;
	assert_int_equal(questionnaire_score(def, &bad, 1, Q_SEX_UNKNOWN, &res, &err), Q_INVALID);
	assert_string_equal(err.message, "Item days cannot score 31 (allowed: 0\xe2\x80\x93" "30).");
	assert_string_equal(err.field, "answers[0]");
	bad = -1;
	assert_int_equal(questionnaire_score(def, &bad, 1, Q_SEX_UNKNOWN, &res, &err), Q_INVALID);
	assert_int_equal(err.value, -1);
}

static void answer_errors(void **state)
{
	const struct questionnaire *def = def_of("audit");
	struct q_result res;
	struct q_error err;
	int64_t a[11] = { 0 };

	assert_int_equal(questionnaire_score(def, a, 9, Q_SEX_MALE, &res, &err), Q_INVALID);
	assert_int_equal(err.kind, Q_ERR_COUNT);
	assert_string_equal(err.field, "answers");
	assert_int_equal(err.expected, 10);
	assert_int_equal(err.given, 9);
	assert_string_equal(err.message, "Give one answer for each item: 10 expected, 9 given.");
	assert_int_equal(questionnaire_score(def, a, 11, Q_SEX_MALE, &res, &err), Q_INVALID);
	assert_int_equal(err.given, 11);
	assert_int_equal(questionnaire_score(def, a, 0, Q_SEX_MALE, &res, &err), Q_INVALID);

	a[8] = 3;
	assert_int_equal(questionnaire_score(def, a, 10, Q_SEX_MALE, &res, &err), Q_INVALID);
	assert_int_equal(err.kind, Q_ERR_VALUE);
	assert_string_equal(err.message, "Item 9 cannot score 3 (allowed: 0, 2, 4).");
	assert_string_equal(err.field, "answers[8]");
	assert_int_equal(err.index, 8);
	assert_string_equal(err.allowed, "0, 2, 4");
	a[8] = 0;
	a[0] = 5;
	assert_int_equal(questionnaire_score(def, a, 10, Q_SEX_MALE, &res, &err), Q_INVALID);
	assert_string_equal(err.message, "Item 1 cannot score 5 (allowed: 0, 1, 2, 3, 4).");
	assert_string_equal(err.field, "answers[0]");
	/* The first bad answer is named; huge and negative values are refused, not wrapped. */
	a[0] = 0;
	a[3] = INT64_MAX;
	a[5] = -4;
	assert_int_equal(questionnaire_score(def, a, 10, Q_SEX_MALE, &res, &err), Q_INVALID);
	assert_string_equal(err.field, "answers[3]");
	assert_string_equal(err.message, "Item 4 cannot score 9223372036854775807 (allowed: 0, 1, 2, 3, 4).");
	a[3] = (int64_t)4294967296 + 2; /* 2 if truncated to 32 bits */
	assert_int_equal(questionnaire_score(def, a, 10, Q_SEX_MALE, &res, &err), Q_INVALID);
	assert_string_equal(err.field, "answers[3]");
	a[3] = 0;
	assert_int_equal(questionnaire_score(def, a, 10, Q_SEX_MALE, &res, &err), Q_INVALID);
	assert_string_equal(err.field, "answers[5]");
}

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	assert_non_null(j);
	return j;
}

static void parse_answers(void **state)
{
	static const struct {
		const char *json;
		size_t cap;
		int rc;
		const char *field;
		size_t n;
	} v[] = {
		{ "[0,1,2]", 10, Q_OK, "", 3 },
		{ "[]", 10, Q_OK, "", 0 },
		{ "[-5, 9999999999]", 10, Q_OK, "", 2 }, /* values are the scorer's business */
		{ "{}", 10, Q_BAD_TYPE, "answers", 0 },
		{ "\"0,1\"", 10, Q_BAD_TYPE, "answers", 0 },
		{ "null", 10, Q_BAD_TYPE, "answers", 0 },
		{ "[0,\"1\"]", 10, Q_BAD_TYPE, "answers[1]", 0 },
		{ "[0,1.0]", 10, Q_BAD_TYPE, "answers[1]", 0 },
		{ "[true]", 10, Q_BAD_TYPE, "answers[0]", 0 },
		{ "[null]", 10, Q_BAD_TYPE, "answers[0]", 0 },
		{ "[[1]]", 10, Q_BAD_TYPE, "answers[0]", 0 },
		{ "[0,0,0,0]", 3, Q_INVALID, "answers", 0 },
		{ "[0,0,0,\"x\"]", 3, Q_BAD_TYPE, "answers[3]", 0 }, /* types before the count */
	};
	for (size_t i = 0; i < N(v); i++) {
		json_t *j = parse(v[i].json);
		int64_t out[10];
		size_t n = 99;
		struct q_error err;
		int rc = questionnaire_parse_answers(j, out, v[i].cap, &n, &err);
		if (rc != v[i].rc || strcmp(err.field, v[i].field) != 0)
			fail_msg("%s: rc %d field %s", v[i].json, rc, err.field);
		assert_int_equal(n, v[i].n);
		json_decref(j);
	}
	json_t *j = parse("[4, 2, 0]");
	int64_t out[3];
	size_t n;
	struct q_error err;
	assert_int_equal(questionnaire_parse_answers(j, out, 3, &n, &err), Q_OK);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[2], 0);
	json_decref(j);
}

/* --- broken definitions --- */

/* Sets (value != NULL) or removes the member at path ("items[8].options[2].score") of doc;
 * takes the reference to value. A test helper: the path must exist up to its last step. */
static void edit(json_t *doc, const char *path, json_t *value)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *cur = doc;
	char *p = buf;
	for (;;) {
		size_t len = strcspn(p, ".[");
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)len, p);
		p += len;
		json_t *next = cur;
		if (len)
			next = json_object_get(cur, name);
		long idx = -1;
		if (*p == '[') {
			idx = strtol(p + 1, &p, 10);
			p++; /* ']' */
		}
		bool last = *p == '\0';
		if (last) {
			if (idx >= 0) {
				assert_non_null(next);
				if (value)
					assert_int_equal(json_array_set_new(next, (size_t)idx, value), 0);
				else
					assert_int_equal(json_array_remove(next, (size_t)idx), 0);
			} else if (value) {
				json_object_set_new(cur, name, value);
			} else {
				assert_int_equal(json_object_del(cur, name), 0);
			}
			return;
		}
		if (idx >= 0)
			next = json_array_get(next, (size_t)idx);
		assert_non_null(next);
		cur = next;
		if (*p == '.')
			p++;
	}
}

static json_t *audit_doc(void)
{
	json_error_t e;
	json_t *j = json_loadb(q_sources[0].json, q_sources[0].len, 0, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "audit");
	return j;
}

/* Loads doc as text, as an organisation's file would be. */
static int load_doc(json_t *doc, struct questionnaire *def, struct q_error *err)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	assert_non_null(text);
	int rc = questionnaire_load_json(text, strlen(text), def, err);
	free(text);
	return rc;
}

static void broken_definitions(void **state)
{
	static const struct {
		const char *path;
		const char *value; /* JSON; NULL removes the member */
		const char *field;
		const char *message; /* a part of the message */
	} v[] = {
		{ "format", NULL, "format", "missing" },
		{ "format", "2", "format", "reads format 1, not 2" },
		{ "format", "\"1\"", "format", "must be a whole number" },
		{ "id", "\"AUDIT\"", "id", "may contain only a-z" },
		{ "id", "\"\"", "id", "must not be empty" },
		{ "id", "\"1audit\"", "id", "must start with a letter" },
		{ "id", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "id", "longer than" },
		{ "version", "0", "version", "must be from 1" },
		{ "version", "1.5", "version", "must be a whole number" },
		{ "title", "{}", "title", "at least one of nb, sv, en" },
		{ "title", "\"AUDIT\"", "title", "must be an object" },
		{ "title.de", "\"AUDIT\"", "title", "unknown field \"de\"" },
		{ "title.en", "\"\"", "title.en", "must not be empty" },
		{ "title.en", "\"a\\u0001b\"", "title.en", "not allowed" },
		{ "title.en", "\"a\\u0000b\"", "", "not valid JSON" }, /* NUL refused by the parser */
		{ "title.en", "7", "title.en", "must be a string" },
		{ "source", "null", "source", "must be a string" },
		{ "loinc", "\"75624-8\"", "loinc", "check digit" },
		{ "loinc", "\"75624\"", "loinc", "must be a LOINC code" },
		{ "loinc", "\"-7\"", "loinc", "must be a LOINC code" },
		{ "loinc", "\"75624-77\"", "loinc", "must be a LOINC code" },
		{ "loinc", NULL, "loinc", "missing" },
		{ "extra", "1", "", "unknown field \"extra\"" },
		{ "items", "[]", "items", "from 1 to 100" },
		{ "items", "{}", "items", "must be an array" },
		{ "items[1].key", "\"1\"", "items[1].key", "also the key of items[0]" },
		{ "items[1].key", "\"a b\"", "items[1].key", "may contain only" },
		{ "items[1].label", NULL, "items[1].label", "missing" },
		{ "items[8].options[2].score", "1", "items[8].options[2].score", "scores must rise" },
		{ "items[8].options[1].score", "0", "items[8].options[1].score", "does not rise above" },
		{ "items[8].options[1].score", "-1", "items[8].options[1].score", "must be from 0 to 1000" },
		{ "items[8].options[1].score", "1001", "items[8].options[1].score", "must be from 0 to 1000" },
		{ "items[8].options[1].score", "\"2\"", "items[8].options[1].score", "must be a whole number" },
		{ "items[8].options[1].weight", "1", "items[8].options[1]", "unknown field \"weight\"" },
		{ "items[0].range", "{\"min\": 0, \"max\": 4}", "items[0]", "either \"options\" or \"range\"" },
		{ "items[0].options", NULL, "items[0]", "either \"options\" or \"range\"" },
		{ "items[0].options", "[{\"score\": 0, \"label\": {\"en\": \"x\"}}]", "items[0].options", "from 2 to 20" },
		{ "items[0].options[0].label", "\"Never\"", "items[0].options[0].label", "must be an object" },
		{ "items[0].options[0]", "3", "items[0].options[0]", "must be an object" },
		{ "items[0]", "[]", "items[0]", "must be an object" },
		{ "scoring.rule", "\"mean\"", "scoring.rule", "must be \"sum\"" },
		{ "scoring.items[0]", "\"11\"", "scoring.items[0]", "not the key of an item" },
		{ "scoring.items[1]", "\"1\"", "scoring.items[1]", "listed twice" },
		{ "scoring.items[1]", "2", "scoring.items[1]", "must be a string" },
		{ "scoring.items", "[]", "scoring.items", "from 1 to 10" },
		{ "scoring.weights", "[]", "scoring", "unknown field" },
		{ "zones[1].min", "9", "zones[1].min", "leaving a gap after zones[0], which ends at 7" },
		{ "zones[1].min", "7", "zones[1].min", "overlapping zones[0], which ends at 7" },
		{ "zones[0].min", "1", "zones[0].min", "must start at the lowest total, 0" },
		{ "zones[3].max", "39", "zones[3].max", "must end at the highest total, 40" },
		{ "zones[3].max", "41", "zones[3].max", "must be from 0 to 40" },
		{ "zones[2].max", "15", "zones[2].max", "below its start (16)" },
		{ "zones[1].max", "{\"female\": 15, \"male\": 14}", "zones[2].min", "for men this zone starts at 16, leaving a gap" },
		{ "zones[1].max", "{\"female\": 16, \"male\": 15}", "zones[2].min", "for women this zone starts at 16, overlapping" },
		{ "zones[1].max", "{\"female\": 15}", "zones[1].max.male", "missing" },
		{ "zones[1].max", "{\"female\": 15, \"male\": 15, \"other\": 15}", "zones[1].max", "unknown field \"other\"" },
		{ "zones[1].max", "\"15\"", "zones[1].max", "whole number or {\"female\": n, \"male\": n}" },
		{ "zones[1].key", "\"I\"", "zones[1].key", "also the key of zones[0]" },
		{ "zones", "{}", "zones", "must be an array" },
		{ "cutoffs[0].min", "0", "cutoffs[0].min", "must be from 1 to 40" },
		{ "cutoffs[0].min", "{\"female\": 8}", "cutoffs[0].min.male", "missing" },
		{ "cutoffs[1].key", "\"hazardous\"", "cutoffs[1].key", "also the key of cutoffs[0]" },
		{ "positive_cutoff", "\"nope\"", "positive_cutoff", "not the key of a cut-off" },
		{ "positive_cutoff", "3", "positive_cutoff", "must be a string" },
		{ "positive_cutoff", NULL, "positive_cutoff", "missing" },
	};
	for (size_t i = 0; i < N(v); i++) {
		json_t *doc = audit_doc();
		json_t *val = NULL;
		if (v[i].value) {
			json_error_t e;
			val = json_loads(v[i].value, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
			if (!val)
				fail_msg("case %zu: bad test value %s", i, v[i].value);
		}
		edit(doc, v[i].path, val);
		struct questionnaire def;
		struct q_error err;
		int rc = load_doc(doc, &def, &err);
		if (rc != Q_INVALID || strcmp(err.field, v[i].field) != 0 || !strstr(err.message, v[i].message))
			fail_msg("case %zu (%s = %s): rc %d, field \"%s\", message \"%s\"", i, v[i].path,
				 v[i].value ? v[i].value : "(removed)", rc, err.field, err.message);
		assert_int_equal(err.kind, Q_ERR_DEFINITION);
		assert_null(def.doc); /* nothing left to release */
		assert_null(def.items);
		questionnaire_release(&def); /* harmless on an empty definition */
		json_decref(doc);
	}
}

static void broken_text(void **state)
{
	struct questionnaire def;
	struct q_error err;
	static const char *const bad[] = { "", "{", "[]", "null", "{\"format\": 1, \"format\": 1}", "\"x\"" };
	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(questionnaire_load_json(bad[i], strlen(bad[i]), &def, &err), Q_INVALID);
		assert_int_equal(err.kind, Q_ERR_DEFINITION);
		assert_true(err.message[0] != '\0');
	}
	assert_int_equal(questionnaire_load_json("{", 1, &def, &err), Q_INVALID);
	assert_non_null(strstr(err.message, "not valid JSON"));
	assert_int_equal(questionnaire_load_json("[]", 2, &def, &err), Q_INVALID);
	assert_string_equal(err.message, "a definition must be a JSON object");
	/* A NUL inside a string gets past a parser told to allow it, not past the loader. */
	json_t *doc = audit_doc();
	json_error_t je;
	edit(doc, "title.en", json_loads("\"a\\u0000b\"", JSON_DECODE_ANY | JSON_ALLOW_NUL, &je));
	assert_int_equal(questionnaire_load(doc, &def, &err), Q_INVALID);
	assert_string_equal(err.field, "title.en");
	assert_non_null(strstr(err.message, "not allowed"));
	json_decref(doc);
	/* The length is honoured: the text need not be terminated there. */
	assert_int_equal(questionnaire_load_json(q_sources[0].json, q_sources[0].len - 2, &def, &err), Q_INVALID);
}

/* An organisation's own variants: official wording in one language only, a sex-specific
 * AUDIT cut-off, no positive cut-off, no zones. */
static void own_definitions(void **state)
{
	json_t *doc = audit_doc();
	edit(doc, "id", json_string("audit-local"));
	edit(doc, "version", json_integer(3));
	edit(doc, "title", parse("{\"nb\": \"AUDIT (offisiell tekst)\"}"));
	edit(doc, "cutoffs[0].min", parse("{\"female\": 7, \"male\": 8}"));
	struct questionnaire def;
	struct q_error err;
	assert_int_equal(load_doc(doc, &def, &err), Q_OK);
	assert_true(def.needs_sex);
	assert_int_equal(def.version, 3);
	/* One language only: every language gets it. */
	assert_string_equal(q_text_get(&def.title, LANG_SV), "AUDIT (offisiell tekst)");
	assert_string_equal(q_text_get(&def.title, LANG_EN), "AUDIT (offisiell tekst)");
	int64_t seven[] = { 3, 2, 0, 0, 0, 0, 0, 0, 2, 0 };
	struct q_result res;
	assert_int_equal(questionnaire_score(&def, seven, 10, Q_SEX_FEMALE, &res, &err), Q_OK);
	assert_true(res.positive);
	assert_string_equal(res.zone->key, "I");
	assert_int_equal(questionnaire_score(&def, seven, 10, Q_SEX_MALE, &res, &err), Q_OK);
	assert_false(res.positive);
	assert_int_equal(questionnaire_score(&def, seven, 10, Q_SEX_UNKNOWN, &res, &err), Q_INVALID);
	assert_string_equal(err.field, "sex");
	questionnaire_release(&def);
	questionnaire_release(&def); /* releasing twice is harmless */

	/* The same number written per sex needs no sex. */
	edit(doc, "cutoffs[0].min", parse("{\"female\": 8, \"male\": 8}"));
	assert_int_equal(load_doc(doc, &def, &err), Q_OK);
	assert_false(def.needs_sex);
	questionnaire_release(&def);

	edit(doc, "zones", json_array());
	edit(doc, "cutoffs", json_array());
	edit(doc, "positive_cutoff", json_null());
	edit(doc, "loinc", json_null());
	edit(doc, "scoring.items", parse("[\"1\", \"2\", \"3\"]")); /* items 4–10 asked, not summed */
	assert_int_equal(load_doc(doc, &def, &err), Q_OK);
	assert_int_equal(def.total_max, 12);
	int64_t a[] = { 4, 4, 4, 4, 4, 4, 4, 4, 4, 4 };
	assert_int_equal(questionnaire_score(&def, a, 10, Q_SEX_UNKNOWN, &res, &err), Q_OK);
	assert_int_equal(res.total, 12);
	assert_null(res.zone);
	assert_false(res.has_positive);
	assert_false(res.positive);
	questionnaire_release(&def);

	/* A range must span more than one value. */
	edit(doc, "items[0].options", NULL);
	edit(doc, "items[0].range", parse("{\"min\": 0, \"max\": 0}"));
	assert_int_equal(load_doc(doc, &def, &err), Q_INVALID);
	assert_string_equal(err.field, "items[0].range.max");
	json_decref(doc);

	assert_int_equal(q_sex_parse("female"), Q_SEX_FEMALE);
	assert_int_equal(q_sex_parse("male"), Q_SEX_MALE);
	assert_int_equal(q_sex_parse("Male"), Q_SEX_UNKNOWN);
	assert_int_equal(q_sex_parse(NULL), Q_SEX_UNKNOWN);
	assert_string_equal(q_sex_name(Q_SEX_FEMALE), "female");
	assert_null(q_sex_name(Q_SEX_UNKNOWN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtins),	      cmocka_unit_test(audit_zones),	cmocka_unit_test(audit_c_cutoffs),
		cmocka_unit_test(dudit_cutoffs),      cmocka_unit_test(days_abstinent), cmocka_unit_test(answer_errors),
		cmocka_unit_test(parse_answers),      cmocka_unit_test(broken_definitions),
		cmocka_unit_test(broken_text),	      cmocka_unit_test(own_definitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
