/* fhir_values.c: the small values every resource is made of — dates, instants,
 * references, codeable concepts and the identifier systems of national numbers. */
#include "fhir/fhir.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"

const char *fhir_nid_system(const char *kind)
{
	static const struct {
		const char *kind, *system;
	} map[] = {
		{ "no_fnr", FHIR_SYSTEM_NO_FNR }, { "no_dnr", FHIR_SYSTEM_NO_DNR },	{ "no_hnr", FHIR_SYSTEM_NO_FHN },
		{ "se_pnr", FHIR_SYSTEM_SE_PNR }, { "se_samnr", FHIR_SYSTEM_SE_SAMNR },
	};
	if (!kind)
		return NULL;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(kind, map[i].kind))
			return map[i].system;
	return NULL;
}

json_t *fhir_date(int32_t day)
{
	if (day == DATE_NONE)
		return NULL;
	char d[11];
	date_format(day, d);
	return d[0] ? json_string(d) : NULL;
}

void fhir_instant_format(int64_t seconds, char *out, size_t outlen)
{
	if (!outlen)
		return;
	out[0] = '\0';
	if (seconds <= 0)
		return;
	time_t t = (time_t)seconds;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || !strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = '\0';
}

json_t *fhir_instant(int64_t seconds)
{
	char b[32];
	fhir_instant_format(seconds, b, sizeof b);
	return b[0] ? json_string(b) : NULL;
}

json_t *fhir_ref(const char *type, int64_t id)
{
	char b[96];
	snprintf(b, sizeof b, "%s/%lld", type, (long long)id);
	return json_pack("{s:s}", "reference", b);
}

void fhir_set(json_t *obj, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(obj, key, v);
}

void fhir_set_str(json_t *obj, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(obj, key, json_string(s));
}

json_t *fhir_concept(const char *system, const char *code, const char *display)
{
	json_t *c = json_object();
	if (code && *code) {
		json_t *coding = json_object();
		fhir_set_str(coding, "system", system);
		fhir_set_str(coding, "code", code);
		fhir_set_str(coding, "display", display);
		json_object_set_new(c, "coding", json_pack("[o]", coding));
	}
	fhir_set_str(c, "text", display);
	return c;
}
