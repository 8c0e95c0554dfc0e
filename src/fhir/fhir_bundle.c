/* fhir_bundle.c: the containers — the searchset Bundle of $everything, the
 * OperationOutcome of every error, and the server's CapabilityStatement. */
#include "fhir/fhir.h"

#include <stdio.h>

json_t *fhir_bundle_searchset(json_t *resources, int64_t timestamp)
{
	json_t *entries = json_array();
	size_t i;
	json_t *res;
	json_array_foreach(resources, i, res)
	{
		json_t *e = json_pack("{s:O, s:{s:s}}", "resource", res, "search", "mode", i == 0 ? "match" : "include");
		json_array_append_new(entries, e);
	}
	json_t *j = json_pack("{s:s, s:s, s:I}", "resourceType", "Bundle", "type", "searchset", "total",
			      (json_int_t)(json_array_size(resources) ? 1 : 0));
	fhir_set(j, "timestamp", fhir_instant(timestamp));
	if (json_array_size(entries))
		json_object_set_new(j, "entry", entries);
	else
		json_decref(entries);
	json_decref(resources);
	return j;
}

json_t *fhir_operation_outcome(const char *severity, const char *code, const char *diagnostics)
{
	json_t *issue = json_pack("{s:s, s:s}", "severity", severity, "code", code);
	fhir_set_str(issue, "diagnostics", diagnostics);
	return json_pack("{s:s, s:[o]}", "resourceType", "OperationOutcome", "issue", issue);
}

static json_t *read_resource(const char *type, const char *documentation)
{
	json_t *r = json_pack("{s:s, s:[{s:s}]}", "type", type, "interaction", "code", "read");
	fhir_set_str(r, "documentation", documentation);
	return r;
}

json_t *fhir_capability_statement(int64_t date, const char *software_version)
{
	json_t *patient = read_resource("Patient", NULL);
	json_object_set_new(patient, "operation",
			    json_pack("[{s:s, s:s}]", "name", "everything", "definition",
				      "http://hl7.org/fhir/OperationDefinition/Patient-everything"));
	json_t *resources = json_pack("[o, o, o]", patient, read_resource("EpisodeOfCare", NULL),
				      read_resource("CarePlan", "The individual plan of an enrolment; the id is the "
								"enrolment's."));
	const char *included[] = { "Goal", "Encounter", "AuditEvent", "Observation", "QuestionnaireResponse", "Flag" };
	for (size_t i = 0; i < sizeof included / sizeof included[0]; i++)
		json_array_append_new(resources,
				      json_pack("{s:s, s:s}", "type", included[i], "documentation",
						"Returned by Patient/$everything."));
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[{s:s, s:o}]}", "resourceType",
			      "CapabilityStatement", "status", "active", "kind", "instance", "fhirVersion", FHIR_VERSION,
			      "name", "tolv", "description", "Read-only FHIR R4 export of a person's record in tolv.",
			      "format", "application/fhir+json", "rest", "mode", "server", "resource", resources);
	char when[32];
	fhir_instant_format(date, when, sizeof when);
	json_object_set_new(j, "date", json_string(when[0] ? when : "1970-01-01T00:00:00Z"));
	json_object_set_new(j, "software", json_pack("{s:s, s:s}", "name", "tolv", "version", software_version));
	json_object_set_new(j, "implementation", json_pack("{s:s}", "description", "tolv"));
	return j;
}
