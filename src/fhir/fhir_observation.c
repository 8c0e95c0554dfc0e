/* fhir_observation.c: measurements as FHIR Observations — breath and drug tests, and
 * questionnaire totals (AUDIT, AUDIT-C with their LOINC codes; DUDIT; days abstinent) —
 * and the answers behind a total as a QuestionnaireResponse. */
#include "fhir/fhir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/questionnaire.h"

#define OBS_CATEGORY "http://terminology.hl7.org/CodeSystem/observation-category"
#define INTERPRETATION "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
#define UCUM "http://unitsofmeasure.org"

static json_t *category(const char *code, const char *display)
{
	return json_pack("[o]", fhir_concept(OBS_CATEGORY, code, display));
}

static void set_id(json_t *j, const char *prefix, int64_t id)
{
	char b[48];
	snprintf(b, sizeof b, "%s-%lld", prefix, (long long)id);
	json_object_set_new(j, "id", json_string(b));
}

static const char *label_of(const char *key, const char *const *keys, const char *const *labels, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i] && !strcmp(keys[i], key))
			return labels[i] && *labels[i] ? labels[i] : key;
	return key;
}

json_t *fhir_test_observation(const struct sob_test *t, const char *const *class_keys,
			      const char *const *class_labels, size_t n)
{
	bool breath = !strcmp(t->kind, "breath");
	json_t *j = json_pack("{s:s}", "resourceType", "Observation");
	set_id(j, "test", t->id);
	json_t *meta = json_object();
	fhir_set(meta, "lastUpdated", fhir_instant(t->lab_at ? t->lab_at : t->recorded_at));
	if (json_object_size(meta))
		json_object_set_new(j, "meta", meta);
	else
		json_decref(meta);
	json_object_set_new(j, "status", json_string(t->lab_at ? "amended" : "final"));
	json_object_set_new(j, "category", category("laboratory", "Laboratory"));
	json_object_set_new(j, "code", fhir_concept(FHIR_NS "sobriety-test", t->kind,
						    breath ? "Breath alcohol test" : "Drug test"));
	json_object_set_new(j, "subject", fhir_ref("Patient", t->person_id));
	json_t *when = fhir_instant(t->taken_at);
	if (!when)
		when = fhir_date(t->on_day);
	fhir_set(j, "effectiveDateTime", when);
	if (!strcmp(t->outcome, "refused")) {
		json_object_set_new(j, "dataAbsentReason",
				    fhir_concept("http://terminology.hl7.org/CodeSystem/data-absent-reason",
						 "asked-declined", "Asked But Declined"));
	} else if (breath && t->permille >= 0) {
		json_object_set_new(j, "valueQuantity",
				    json_pack("{s:f, s:s, s:s, s:s}", "value", t->permille / 100.0, "unit", "‰", "system",
					      UCUM, "code", "[ppth]"));
	}
	bool positive = breath ? t->permille > 0 : false;
	json_t *components = json_array();
	for (int i = 0; i < t->nresults && i < STORE_SOB_CLASSES_MAX; i++) {
		const struct sob_result *res = &t->results[i];
		if (!strcmp(res->result, "positive") && !res->prescribed)
			positive = true;
		json_t *c = json_pack("{s:o, s:o}", "code",
				      fhir_concept(FHIR_NS "substance-class", res->class_key,
						   label_of(res->class_key, class_keys, class_labels, n)),
				      "valueCodeableConcept", fhir_concept(FHIR_NS "test-result", res->result, res->result));
		if (res->prescribed)
			json_object_set_new(c, "interpretation",
					    json_pack("[{s:s}]", "text", "prescribed medication"));
		json_array_append_new(components, c);
	}
	if (json_array_size(components))
		json_object_set_new(j, "component", components);
	else
		json_decref(components);
	if (strcmp(t->outcome, "refused") != 0 && (breath ? t->permille >= 0 : t->nresults > 0))
		json_object_set_new(j, "interpretation",
				    json_pack("[o]", fhir_concept(INTERPRETATION, positive ? "POS" : "NEG",
								  positive ? "Positive" : "Negative")));
	if (t->sample[0])
		json_object_set_new(j, "specimen", json_pack("{s:s}", "display", t->sample));
	if (t->device[0])
		json_object_set_new(j, "device", json_pack("{s:s}", "display", t->device));
	json_t *notes = json_array();
	if (t->note[0])
		json_array_append_new(notes, json_pack("{s:s}", "text", t->note));
	if (t->lab_result[0]) {
		char b[96];
		snprintf(b, sizeof b, "Laboratory: %s", t->lab_result);
		json_t *a = json_pack("{s:s}", "text", b);
		fhir_set(a, "time", fhir_instant(t->lab_at));
		json_array_append_new(notes, a);
	}
	if (json_array_size(notes))
		json_object_set_new(j, "note", notes);
	else
		json_decref(notes);
	return j;
}

static json_t *questionnaire_code(const struct outcome_result *o, const struct questionnaire *def)
{
	const char *title = def ? q_text_get(&def->title, LANG_EN) : o->questionnaire;
	json_t *codings = json_array();
	if (def && def->loinc && *def->loinc)
		json_array_append_new(codings, json_pack("{s:s, s:s, s:s}", "system", "http://loinc.org", "code",
							 def->loinc, "display", title));
	json_array_append_new(codings, json_pack("{s:s, s:s, s:s}", "system", FHIR_NS "questionnaire", "code",
						 o->questionnaire, "display", title));
	return json_pack("{s:o, s:s}", "coding", codings, "text", title);
}

json_t *fhir_outcome_observation(const struct outcome_result *o, const struct questionnaire *def)
{
	json_t *j = json_pack("{s:s}", "resourceType", "Observation");
	set_id(j, "outcome", o->id);
	json_t *meta = json_object();
	fhir_set(meta, "lastUpdated", fhir_instant(o->error_at ? o->error_at : o->created_at));
	if (json_object_size(meta))
		json_object_set_new(j, "meta", meta);
	else
		json_decref(meta);
	json_object_set_new(j, "status", json_string(o->error_at ? "entered-in-error" : "final"));
	json_object_set_new(j, "category", category("survey", "Survey"));
	json_object_set_new(j, "code", questionnaire_code(o, def));
	json_object_set_new(j, "subject", fhir_ref("Patient", o->person_id));
	if (o->enrolment_id)
		json_object_set_new(j, "focus", json_pack("[o]", fhir_ref("EpisodeOfCare", o->enrolment_id)));
	fhir_set(j, "effectiveDateTime", fhir_date(o->taken_on));
	fhir_set(j, "issued", fhir_instant(o->created_at));
	if (!strcmp(o->questionnaire, "days-abstinent"))
		json_object_set_new(j, "valueQuantity",
				    json_pack("{s:i, s:s, s:s, s:s}", "value", o->total, "unit", "days", "system", UCUM,
					      "code", "d"));
	else
		json_object_set_new(j, "valueInteger", json_integer(o->total));
	if (o->zone[0])
		json_object_set_new(j, "interpretation", json_pack("[o]", fhir_concept(FHIR_NS "questionnaire-zone",
										   o->zone, o->zone)));
	char ref[64];
	snprintf(ref, sizeof ref, "QuestionnaireResponse/outcome-%lld", (long long)o->id);
	json_object_set_new(j, "derivedFrom", json_pack("[{s:s}]", "reference", ref));
	if (o->error_at && o->error_reason[0])
		json_object_set_new(j, "note", json_pack("[{s:s}]", "text", o->error_reason));
	return j;
}

json_t *fhir_questionnaire_response(const struct outcome_result *o, const struct questionnaire *def)
{
	json_t *j = json_pack("{s:s}", "resourceType", "QuestionnaireResponse");
	set_id(j, "outcome", o->id);
	char canon[96];
	snprintf(canon, sizeof canon, FHIR_NS "Questionnaire:%s|%d", o->questionnaire, o->version);
	json_object_set_new(j, "questionnaire", json_string(canon));
	json_object_set_new(j, "status", json_string(o->error_at ? "entered-in-error" : "completed"));
	json_object_set_new(j, "subject", fhir_ref("Patient", o->person_id));
	fhir_set(j, "authored", fhir_instant(o->created_at));
	if (o->self)
		json_object_set_new(j, "source", fhir_ref("Patient", o->person_id));
	json_t *items = json_array();
	const char *p = o->answers;
	for (size_t i = 0; p && *p; i++) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		char link[16];
		const char *key = def && i < def->nitems ? def->items[i].key : NULL;
		snprintf(link, sizeof link, "%s", key && *key ? key : "");
		if (!link[0])
			snprintf(link, sizeof link, "%zu", i + 1);
		json_t *item = json_pack("{s:s, s:[{s:i}]}", "linkId", link, "answer", "valueInteger", (int)v);
		if (def && i < def->nitems)
			fhir_set_str(item, "text", q_text_get(&def->items[i].label, LANG_EN));
		json_array_append_new(items, item);
		p = *end == ',' ? end + 1 : end;
	}
	if (o->days[0]) {
		json_t *days = json_array();
		for (size_t i = 0; o->days[i]; i++)
			json_array_append_new(days, json_pack("{s:b}", "valueBoolean", o->days[i] == '1'));
		json_array_append_new(items, json_pack("{s:s, s:s, s:o}", "linkId", "calendar", "text",
						       "Abstinent on each of the 30 days, oldest first", "answer", days));
	}
	if (json_array_size(items))
		json_object_set_new(j, "item", items);
	else
		json_decref(items);
	return j;
}
