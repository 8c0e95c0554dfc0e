/* fhir_audit.c: an audit log entry about a person as a FHIR AuditEvent — who (the
 * account's e-mail), when, from which address, what (the action, as tolv's code and as
 * FHIR's C/R/U/D/E), and the person it concerns. The id is the entry's sequence number
 * in the hash chain. */
#include "fhir/fhir.h"

#include <stdio.h>
#include <string.h>

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

const char *fhir_audit_action(const char *action)
{
	if (ends_with(action, ".read") || ends_with(action, ".list") || ends_with(action, ".export"))
		return "R";
	if (ends_with(action, ".create") || ends_with(action, ".add") || ends_with(action, ".addendum"))
		return "C";
	if (ends_with(action, ".delete"))
		return "D";
	if (strchr(action, '.'))
		return "U";
	return "E";
}

json_t *fhir_audit_event(const struct audit_entry *e, int64_t person_id)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)e->seq);
	json_t *j = json_pack("{s:s, s:s}", "resourceType", "AuditEvent", "id", id);
	json_object_set_new(j, "type", json_pack("{s:s, s:s, s:s}", "system",
						 "http://terminology.hl7.org/CodeSystem/audit-event-type", "code", "rest",
						 "display", "RESTful Operation"));
	json_t *sub = json_pack("{s:s}", "system", FHIR_NS "audit-action");
	fhir_set_str(sub, "code", e->action);
	json_object_set_new(j, "subtype", json_pack("[o]", sub));
	json_object_set_new(j, "action", json_string(fhir_audit_action(e->action)));
	char when[32];
	fhir_instant_format(e->at_ms / 1000, when, sizeof when);
	json_object_set_new(j, "recorded", json_string(when[0] ? when : "1970-01-01T00:00:00Z"));
	json_object_set_new(j, "outcome", json_string("0"));

	json_t *agent = json_pack("{s:b}", "requestor", true);
	json_t *who = json_object();
	if (e->user_id) {
		char uid[24];
		snprintf(uid, sizeof uid, "%lld", (long long)e->user_id);
		json_object_set_new(who, "identifier", json_pack("{s:s, s:s}", "system", FHIR_NS "user", "value", uid));
	}
	fhir_set_str(who, "display", e->actor[0] ? e->actor : "system");
	json_object_set_new(agent, "who", who);
	fhir_set_str(agent, "name", e->actor);
	if (e->addr[0])
		json_object_set_new(agent, "network", json_pack("{s:s, s:s}", "address", e->addr, "type", "2"));
	json_object_set_new(j, "agent", json_pack("[o]", agent));
	json_object_set_new(j, "source", json_pack("{s:{s:s}}", "observer", "display", "tolv"));

	json_t *entity = json_pack("{s:o}", "what", fhir_ref("Patient", person_id));
	if (e->object_type[0] && strcmp(e->object_type, "person") != 0) {
		char d[STORE_OTYPE_MAX + STORE_OID_MAX + 2];
		snprintf(d, sizeof d, "%s/%s", e->object_type, e->object_id);
		json_object_set_new(entity, "description", json_string(d));
	}
	if (e->detail[0])
		json_object_set_new(entity, "detail",
				    json_pack("[{s:s, s:s}]", "type", "detail", "valueString", e->detail));
	json_object_set_new(j, "entity", json_pack("[o]", entity));
	return j;
}
