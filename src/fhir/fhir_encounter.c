/* fhir_encounter.c: one session a person attended (a row of the attendance roster) as a
 * FHIR Encounter, linked to the enrolment's EpisodeOfCare. The id is the attendance
 * row's. */
#include "fhir/fhir.h"

#include <stdio.h>

json_t *fhir_encounter(const struct attendance *a, int64_t person_id, const char *kind_label,
		       const char *group_name)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)a->id);
	json_t *j = json_pack("{s:s, s:s, s:s}", "resourceType", "Encounter", "id", id, "status",
			      a->attended ? "finished" : "cancelled");
	json_t *meta = json_object();
	fhir_set(meta, "lastUpdated", fhir_instant(a->recorded_at));
	if (json_object_size(meta))
		json_object_set_new(j, "meta", meta);
	else
		json_decref(meta);
	json_object_set_new(j, "class", json_pack("{s:s, s:s, s:s}", "system",
						  "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "AMB",
						  "display", "ambulatory"));
	json_t *types = json_array();
	if (a->kind[0])
		json_array_append_new(types, fhir_concept(FHIR_NS "session-kind", a->kind,
							  kind_label && *kind_label ? kind_label : a->kind));
	if (group_name && *group_name)
		json_array_append_new(types, fhir_concept(NULL, NULL, group_name));
	if (json_array_size(types))
		json_object_set_new(j, "type", types);
	else
		json_decref(types);
	json_object_set_new(j, "subject", fhir_ref("Patient", person_id));
	json_object_set_new(j, "episodeOfCare", json_pack("[o]", fhir_ref("EpisodeOfCare", a->enrolment_id)));
	json_t *period = json_object();
	fhir_set(period, "start", fhir_date(a->on_day));
	fhir_set(period, "end", fhir_date(a->on_day));
	json_object_set_new(j, "period", period);
	if (a->attended && a->minutes > 0)
		json_object_set_new(j, "length",
				    json_pack("{s:i, s:s, s:s, s:s}", "value", a->minutes, "unit", "min", "system",
					      "http://unitsofmeasure.org", "code", "min"));
	return j;
}
