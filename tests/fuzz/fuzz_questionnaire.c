/* fuzz_questionnaire.c: libFuzzer target for questionnaire definitions and answers — any
 * bytes go to the definition loader (as an organisation's file would) and, as JSON, to the
 * answers parser and scorer of every built-in definition. Nothing may crash, and whatever
 * the loader accepts must keep its promises: every total has a zone, the lowest and
 * highest answers score the lowest and highest totals. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "domain/questionnaire.h"

/* The promises of a definition the loader accepted. */
static void check_definition(const struct questionnaire *def)
{
	int64_t lo[Q_ITEMS_MAX], hi[Q_ITEMS_MAX];
	if (def->nitems == 0 || def->nitems > Q_ITEMS_MAX || def->total_min > def->total_max)
		__builtin_trap();
	for (size_t i = 0; i < def->nitems; i++) {
		lo[i] = def->items[i].min;
		hi[i] = def->items[i].max;
	}
	for (int s = Q_SEX_FEMALE; s <= Q_SEX_MALE; s++) {
		struct q_result res;
		struct q_error err;
		if (questionnaire_score(def, lo, def->nitems, (enum q_sex)s, &res, &err) != Q_OK ||
		    res.total != def->total_min)
			__builtin_trap();
		if (questionnaire_score(def, hi, def->nitems, (enum q_sex)s, &res, &err) != Q_OK ||
		    res.total != def->total_max)
			__builtin_trap();
		/* Zones cover the range: probe its ends and both sides of every bound. */
		for (size_t z = 0; z < def->nzones; z++) {
			int probes[] = { def->total_min, def->total_max, q_threshold_for(&def->zones[z].min, (enum q_sex)s),
					 q_threshold_for(&def->zones[z].max, (enum q_sex)s) };
			for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++)
				for (int d = -1; d <= 1; d++) {
					int t = probes[p] + d;
					if (t >= def->total_min && t <= def->total_max && !questionnaire_zone(def, t, (enum q_sex)s))
						__builtin_trap();
				}
		}
	}
	/* Without sex: refused exactly when a threshold needs it. */
	struct q_result res;
	struct q_error err;
	int rc = questionnaire_score(def, lo, def->nitems, Q_SEX_UNKNOWN, &res, &err);
	if ((rc == Q_OK) == def->needs_sex)
		__builtin_trap();
}

/* Parses and scores answers against one built-in; every refusal names a field. */
static void score_against(const struct questionnaire *def, const json_t *answers, enum q_sex sex)
{
	int64_t v[Q_ITEMS_MAX];
	size_t n = 0;
	struct q_error err;
	int rc = questionnaire_parse_answers(answers, v, def->nitems, &n, &err);
	if (rc == Q_OK) {
		if (n > def->nitems)
			__builtin_trap();
		struct q_result res;
		rc = questionnaire_score(def, v, n, sex, &res, &err);
		if (rc == Q_OK) {
			if (res.total < def->total_min || res.total > def->total_max || (def->nzones && !res.zone))
				__builtin_trap();
			return;
		}
	}
	if (rc == Q_OK || !err.field[0] || !err.message[0])
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct questionnaire def;
	struct q_error err;
	if (questionnaire_load_json((const char *)data, size, &def, &err) == Q_OK) {
		check_definition(&def);
		questionnaire_release(&def);
	} else if (err.kind != Q_ERR_DEFINITION || !err.message[0] || def.doc || def.items) {
		__builtin_trap();
	}

	/* The same bytes as a request body {"answers": [...], "sex": ...}, or as the answers. */
	json_error_t jerr;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (j) {
		const json_t *answers = json_is_object(j) ? json_object_get(j, "answers") : j;
		enum q_sex sex = q_sex_parse(json_string_value(json_object_get(j, "sex")));
		if (answers)
			for (size_t i = 0; i < questionnaire_builtin_count(); i++)
				score_against(questionnaire_builtin_at(i), answers, sex);
		json_decref(j);
	}
	return 0;
}
