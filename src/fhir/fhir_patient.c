/* fhir_patient.c: the person as a FHIR Patient — names, the national identity number in
 * its country's system, birth date, phone and e-mail, address, next of kin. */
#include "fhir/fhir.h"

#include <stdio.h>
#include <string.h>

/* Appends the words of s (split at white space) as strings to arr. */
static void add_words(json_t *arr, const char *s)
{
	while (s && *s) {
		s += strspn(s, " \t\r\n");
		size_t n = strcspn(s, " \t\r\n");
		if (n)
			json_array_append_new(arr, json_stringn(s, n));
		s += n;
	}
}

/* Appends the non-blank lines of s to arr. */
static void add_lines(json_t *arr, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		size_t b = 0, e = n;
		while (b < e && (s[b] == ' ' || s[b] == '\t'))
			b++;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e > b)
			json_array_append_new(arr, json_stringn(s + b, e - b));
		s += n;
		s += strspn(s, "\r\n");
	}
}

json_t *fhir_patient(const struct person *p, const char *org_name)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)p->id);
	json_t *j = json_pack("{s:s, s:s}", "resourceType", "Patient", "id", id);
	json_t *meta = json_object();
	fhir_set(meta, "lastUpdated", fhir_instant(p->updated_at ? p->updated_at : p->created_at));
	json_object_set_new(j, "meta", meta);

	json_t *ids = json_array();
	const char *system = fhir_nid_system(p->national_id_kind);
	if (system && p->national_id[0])
		json_array_append_new(ids, json_pack("{s:s, s:s, s:s}", "use", "official", "system", system, "value",
						     p->national_id));
	if (json_array_size(ids))
		json_object_set_new(j, "identifier", ids);
	else
		json_decref(ids);
	json_object_set_new(j, "active", json_true());

	if (p->given_name[0] || p->family_name[0]) {
		json_t *name = json_pack("{s:s}", "use", "official");
		char text[2 * STORE_NAME_MAX + 1];
		snprintf(text, sizeof text, "%s%s%s", p->given_name, p->given_name[0] && p->family_name[0] ? " " : "",
			 p->family_name);
		fhir_set_str(name, "text", text);
		fhir_set_str(name, "family", p->family_name);
		json_t *given = json_array();
		add_words(given, p->given_name);
		if (json_array_size(given))
			json_object_set_new(name, "given", given);
		else
			json_decref(given);
		json_object_set_new(j, "name", json_pack("[o]", name));
	}

	json_t *telecom = json_array();
	if (p->phone[0])
		json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "phone", "value", p->phone));
	if (p->email[0])
		json_array_append_new(telecom, json_pack("{s:s, s:s}", "system", "email", "value", p->email));
	if (json_array_size(telecom))
		json_object_set_new(j, "telecom", telecom);
	else
		json_decref(telecom);

	fhir_set(j, "birthDate", fhir_date(p->birth_date));

	if (p->address[0]) {
		json_t *addr = json_pack("{s:s}", "use", "home");
		fhir_set_str(addr, "text", p->address);
		json_t *lines = json_array();
		add_lines(lines, p->address);
		if (json_array_size(lines))
			json_object_set_new(addr, "line", lines);
		else
			json_decref(lines);
		json_object_set_new(j, "address", json_pack("[o]", addr));
	}

	if (p->kin_name[0] || p->kin_phone[0]) {
		json_t *c = json_object();
		if (p->kin_relation[0])
			json_object_set_new(c, "relationship", json_pack("[o]", fhir_concept(NULL, NULL, p->kin_relation)));
		if (p->kin_name[0]) {
			json_t *n = json_object();
			fhir_set_str(n, "text", p->kin_name);
			json_object_set_new(c, "name", n);
		}
		if (p->kin_phone[0])
			json_object_set_new(c, "telecom",
					    json_pack("[{s:s, s:s}]", "system", "phone", "value", p->kin_phone));
		json_object_set_new(j, "contact", json_pack("[o]", c));
	}
	if (org_name && *org_name) {
		json_t *org = json_object();
		fhir_set_str(org, "display", org_name);
		json_object_set_new(j, "managingOrganization", org);
	}
	return j;
}
