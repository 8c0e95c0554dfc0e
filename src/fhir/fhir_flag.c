/* fhir_flag.c: a relapse as a FHIR Flag — a clinical flag on the person's record from
 * the day of the relapse until treatment resumed; a rejected relapse is entered in error. */
#include "fhir/fhir.h"

#include <stdio.h>
#include <string.h>

json_t *fhir_relapse_flag(const struct store_relapse *r)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	const char *status = !strcmp(r->status, "rejected") ? "entered-in-error" : "active";
	json_t *j = json_pack("{s:s, s:s, s:s}", "resourceType", "Flag", "id", id, "status", status);
	json_t *meta = json_object();
	fhir_set(meta, "lastUpdated", fhir_instant(r->updated_at ? r->updated_at : r->created_at));
	if (json_object_size(meta))
		json_object_set_new(j, "meta", meta);
	else
		json_decref(meta);
	json_t *ext = json_pack("{s:s, s:s}", "url", FHIR_NS "StructureDefinition:relapse-status", "valueCode",
				r->status[0] ? r->status : "draft");
	json_object_set_new(j, "extension", json_pack("[o]", ext));
	json_object_set_new(j, "category",
			    json_pack("[o]", fhir_concept("http://terminology.hl7.org/CodeSystem/flag-category",
							  "clinical", "Clinical")));
	json_t *code = fhir_concept(FHIR_NS "flag", "relapse", "Relapse");
	json_object_set_new(j, "code", code);
	json_object_set_new(j, "subject", fhir_ref("Patient", r->person_id));
	json_t *period = json_object();
	fhir_set(period, "start", fhir_date(r->on_day));
	if (r->resumed_on != DATE_NONE)
		fhir_set(period, "end", fhir_date(r->resumed_on));
	json_object_set_new(j, "period", period);
	return j;
}
