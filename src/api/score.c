/* score.c: the questionnaire definitions and the stateless scoring API for other systems —
 * GET /api/v1/questionnaires[/{id}], POST /api/v1/score/{id}.
 *
 * The definitions are public (published content); scoring takes an API token or a session,
 * any role (docs/questionnaires.md). A score is arithmetic over the numbers in the request:
 * nothing is stored, nothing about the answers is logged, and the answer holds nothing the
 * caller did not send. The router limits the body (64 KiB) and refuses anything but a JSON
 * object. */
#include "api/api.h"

#include <string.h>

#include "domain/questionnaire.h"

/* The definition named by the last segment of the path ("/api/v1/score/audit-c"), or NULL
 * after answering 404. The route table lists one literal path per built-in definition, so
 * this only fails if a route was added without its file. */
static const struct questionnaire *def_or_404(struct req *r)
{
	const char *slash = strrchr(r->path, '/');
	const struct questionnaire *def = questionnaire_builtin(slash ? slash + 1 : "");
	if (!def)
		resp_error(r, 404, "not_found", N_("No such questionnaire."), NULL);
	return def;
}

static json_t *text_json(const struct req *r, const struct q_text *t)
{
	return json_string(q_text_get(t, r->lang));
}

/* A threshold as the file has it: a number, or {"female": n, "male": n}. */
static json_t *threshold_json(const struct q_threshold *t)
{
	if (!t->by_sex)
		return json_integer(t->v[0]);
	return json_pack("{s:i, s:i}", "female", t->v[0], "male", t->v[1]);
}

static json_t *loinc_json(const struct questionnaire *def)
{
	return def->loinc ? json_string(def->loinc) : json_null();
}

/* The summary in the list. */
static json_t *summary_json(const struct req *r, const struct questionnaire *def)
{
	return json_pack("{s:s, s:i, s:o, s:o, s:I, s:i, s:i, s:b}", "id", def->id, "version", def->version, "title",
			 text_json(r, &def->title), "loinc", loinc_json(def), "item_count", (json_int_t)def->nitems,
			 "min", def->total_min, "max", def->total_max, "sex_specific", def->needs_sex);
}

/* The whole definition with its labels in the request's language. */
static json_t *definition_json(const struct req *r, const struct questionnaire *def)
{
	json_t *j = summary_json(r, def);
	json_object_set_new(j, "lang", json_string(lang_code(r->lang)));
	json_object_set_new(j, "source", json_string(def->source));

	json_t *items = json_array();
	for (size_t i = 0; i < def->nitems; i++) {
		const struct q_item *it = &def->items[i];
		json_t *o = json_pack("{s:s, s:o}", "key", it->key, "label", text_json(r, &it->label));
		if (it->noptions) {
			json_t *opts = json_array();
			for (size_t k = 0; k < it->noptions; k++)
				json_array_append_new(opts, json_pack("{s:i, s:o}", "score", it->options[k].score,
								     "label", text_json(r, &it->options[k].label)));
			json_object_set_new(o, "options", opts);
		} else {
			json_object_set_new(o, "range", json_pack("{s:i, s:i}", "min", it->min, "max", it->max));
		}
		json_array_append_new(items, o);
	}
	json_object_set_new(j, "items", items);

	json_t *summed = json_array();
	for (size_t i = 0; i < def->nsummed; i++)
		json_array_append_new(summed, json_string(def->items[def->summed[i]].key));
	json_object_set_new(j, "scoring", json_pack("{s:s, s:o}", "rule", "sum", "items", summed));

	json_t *zones = json_array();
	for (size_t i = 0; i < def->nzones; i++) {
		const struct q_zone *z = &def->zones[i];
		json_array_append_new(zones, json_pack("{s:s, s:o, s:o, s:o}", "key", z->key, "label",
						       text_json(r, &z->label), "min", threshold_json(&z->min), "max",
						       threshold_json(&z->max)));
	}
	json_object_set_new(j, "zones", zones);

	json_t *cutoffs = json_array();
	for (size_t i = 0; i < def->ncutoffs; i++) {
		const struct q_cutoff *c = &def->cutoffs[i];
		json_array_append_new(cutoffs, json_pack("{s:s, s:o, s:o}", "key", c->key, "label",
							 text_json(r, &c->label), "min", threshold_json(&c->min)));
	}
	json_object_set_new(j, "cutoffs", cutoffs);
	json_object_set_new(j, "positive_cutoff",
			    def->positive >= 0 ? json_string(def->cutoffs[def->positive].key) : json_null());
	return j;
}

void api_questionnaires_list(struct req *r)
{
	json_t *list = json_array();
	for (size_t i = 0; i < questionnaire_builtin_count(); i++)
		json_array_append_new(list, summary_json(r, questionnaire_builtin_at(i)));
	resp_json(r, 200, json_pack("{s:o, s:s}", "questionnaires", list, "lang", lang_code(r->lang)));
}

void api_questionnaire_get(struct req *r)
{
	const struct questionnaire *def = def_or_404(r);
	if (def)
		resp_json(r, 200, json_pack("{s:o}", "questionnaire", definition_json(r, def)));
}

/* A scoring error from the domain, said again in the caller's language (the domain's
 * message is the English one). Types are 400, everything else 422. */
static void score_error(struct req *r, int rc, const struct questionnaire *def, const struct q_error *e)
{
	struct buf msg = BUF_INIT;
	switch (e->kind) {
	case Q_ERR_TYPE:
		buf_adds(&msg, strcmp(e->field, "answers") == 0 ? T(r, "Give the answers as an array of whole numbers.")
								: T(r, "Each answer must be a whole number."));
		break;
	case Q_ERR_COUNT:
		buf_addf(&msg, T(r, "Give one answer for each item: %zu expected, %zu given."), e->expected, e->given);
		break;
	case Q_ERR_VALUE:
		buf_addf(&msg, T(r, "Item %s cannot score %lld (allowed: %s)."), def->items[e->index].key, e->value,
			 e->allowed);
		break;
	case Q_ERR_SEX:
		buf_adds(&msg, T(r, "Give sex as female or male: the cut-offs of this questionnaire differ by sex."));
		break;
	default:
		buf_adds(&msg, e->message);
		break;
	}
	if (rc == Q_BAD_TYPE)
		resp_error(r, 400, "bad_type", msg.data, e->field);
	else
		resp_error(r, 422, "validation_failed", msg.data, e->field[0] ? e->field : NULL);
	buf_release(&msg);
}

void api_score_post(struct req *r)
{
	static const char *const keys[] = { "answers", "sex", NULL };
	if (!json_keys_or_400(r, keys))
		return;
	const struct questionnaire *def = def_or_404(r);
	if (!def)
		return;

	const char *sex_name;
	if (!json_str_or_400(r, "sex", false, 16, &sex_name))
		return;
	enum q_sex sex = q_sex_parse(sex_name);
	if (sex_name && sex == Q_SEX_UNKNOWN) {
		resp_error(r, 422, "validation_failed", N_("Sex must be female or male."), "sex");
		return;
	}

	json_t *answers = json_object_get(r->json, "answers");
	if (!answers || json_is_null(answers)) {
		resp_error(r, 422, "validation_failed", N_("This field is required."), "answers");
		return;
	}
	int64_t values[Q_ITEMS_MAX];
	size_t n = 0;
	struct q_error err;
	int rc = questionnaire_parse_answers(answers, values, def->nitems, &n, &err);
	if (rc != Q_OK) {
		score_error(r, rc, def, &err);
		return;
	}
	struct q_result res;
	rc = questionnaire_score(def, values, n, sex, &res, &err);
	if (rc != Q_OK) {
		score_error(r, rc, def, &err);
		return;
	}

	json_t *cutoffs = json_array();
	for (size_t i = 0; i < res.ncutoffs; i++) {
		const struct q_cutoff *c = &def->cutoffs[i];
		json_array_append_new(cutoffs, json_pack("{s:s, s:o, s:i, s:b}", "key", c->key, "label",
							 text_json(r, &c->label), "min", res.threshold[i], "reached",
							 res.reached[i]));
	}
	json_t *zone = res.zone ? json_pack("{s:s, s:o}", "key", res.zone->key, "label", text_json(r, &res.zone->label))
				: json_null();
	json_t *j = json_pack("{s:s, s:i, s:o, s:i, s:i, s:i, s:o, s:o, s:o, s:s}", "questionnaire", def->id,
			      "version", def->version, "loinc", loinc_json(def), "total", res.total, "min", res.min,
			      "max", res.max, "zone", zone, "positive",
			      res.has_positive ? json_boolean(res.positive) : json_null(), "cutoffs", cutoffs, "lang",
			      lang_code(r->lang));
	resp_json(r, 200, j);
}
