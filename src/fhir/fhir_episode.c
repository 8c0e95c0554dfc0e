/* fhir_episode.c: an enrolment as a FHIR EpisodeOfCare. The programme is its type; the
 * path through the programme's phases, with pauses, is its statusHistory: one entry per
 * stretch of one status (active, onhold) in one phase, the phase named by an extension. */
#include "fhir/fhir.h"

#include <stdio.h>
#include <string.h>

const char *fhir_episode_status(const char *status)
{
	if (!strcmp(status, "active"))
		return "active";
	if (!strcmp(status, "paused"))
		return "onhold";
	if (!strcmp(status, "completed") || !strcmp(status, "discontinued"))
		return "finished";
	return "active";
}

static json_t *phase_extension(const struct programme *prog, int64_t programme_id, int phase)
{
	char system[96], code[16];
	snprintf(system, sizeof system, FHIR_NS "programme:%lld:phase", (long long)programme_id);
	const char *display = NULL;
	if (prog && phase >= 0 && phase < prog->nphases) {
		display = prog->phases[phase].label;
		json_t *coding = json_pack("{s:s, s:s}", "system", system, "code", prog->phases[phase].key);
		fhir_set_str(coding, "display", display);
		return json_pack("{s:s, s:o}", "url", FHIR_NS "StructureDefinition:episode-phase", "valueCoding", coding);
	}
	snprintf(code, sizeof code, "%d", phase);
	return json_pack("{s:s, s:{s:s, s:s}}", "url", FHIR_NS "StructureDefinition:episode-phase", "valueCoding",
			 "system", system, "code", code);
}

struct history {
	json_t *arr;
	const struct programme *prog;
	int64_t programme_id;
	const char *status; /* FHIR status of the open stretch, NULL when none is open */
	int phase;
	int32_t since;
	json_t *open;       /* the open entry's period */
};

static void close_stretch(struct history *h, int32_t day)
{
	if (h->open)
		fhir_set(h->open, "end", fhir_date(day));
	h->open = NULL;
	h->status = NULL;
}

static void open_stretch(struct history *h, const char *status, int phase, int32_t day)
{
	json_t *period = json_object();
	fhir_set(period, "start", fhir_date(day));
	json_t *entry = json_pack("{s:[o], s:s, s:o}", "extension", phase_extension(h->prog, h->programme_id, phase),
				  "status", status, "period", period);
	json_array_append_new(h->arr, entry);
	h->open = period;
	h->status = status;
	h->phase = phase;
	h->since = day;
}

json_t *fhir_episode(const struct enrolment *e, const struct programme *prog, const struct enrolment_event *ev,
		     size_t nev, const char *therapist_name)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)e->id);
	json_t *j = json_pack("{s:s, s:s}", "resourceType", "EpisodeOfCare", "id", id);
	json_t *meta = json_object();
	char ver[24];
	snprintf(ver, sizeof ver, "%lld", (long long)e->version);
	json_object_set_new(meta, "versionId", json_string(ver));
	fhir_set(meta, "lastUpdated", fhir_instant(e->updated_at ? e->updated_at : e->created_at));
	json_object_set_new(j, "meta", meta);
	json_object_set_new(j, "status", json_string(fhir_episode_status(e->status)));

	struct history h = { .arr = json_array(), .prog = prog, .programme_id = e->programme_id, .phase = -1 };
	for (size_t i = 0; i < nev; i++) {
		const struct enrolment_event *x = &ev[i];
		const char *k = x->kind;
		if (!strcmp(k, "start")) {
			close_stretch(&h, x->on_day);
			open_stretch(&h, "active", x->to_phase >= 0 ? x->to_phase : 0, x->on_day);
		} else if (!strcmp(k, "phase")) {
			const char *st = h.status ? h.status : "active";
			close_stretch(&h, x->on_day);
			open_stretch(&h, st, x->to_phase >= 0 ? x->to_phase : h.phase, x->on_day);
		} else if (!strcmp(k, "pause")) {
			close_stretch(&h, x->on_day);
			open_stretch(&h, "onhold", h.phase, x->on_day);
		} else if (!strcmp(k, "resume")) {
			close_stretch(&h, x->on_day);
			open_stretch(&h, "active", h.phase, x->on_day);
		} else if (!strcmp(k, "complete") || !strcmp(k, "discontinue")) {
			close_stretch(&h, x->on_day);
		}
	}
	if (json_array_size(h.arr))
		json_object_set_new(j, "statusHistory", h.arr);
	else
		json_decref(h.arr);

	char code[24];
	snprintf(code, sizeof code, "%lld", (long long)e->programme_id);
	json_object_set_new(j, "type",
			    json_pack("[o]", fhir_concept(FHIR_NS "programme", code, prog ? prog->name : NULL)));
	json_object_set_new(j, "patient", fhir_ref("Patient", e->person_id));
	json_t *period = json_object();
	fhir_set(period, "start", fhir_date(e->started_on));
	fhir_set(period, "end", fhir_date(e->ended_on));
	json_object_set_new(j, "period", period);
	if (therapist_name && *therapist_name) {
		json_t *cm = json_object();
		fhir_set_str(cm, "display", therapist_name);
		json_object_set_new(j, "careManager", cm);
	}
	if (!strcmp(e->status, "discontinued") && e->reason_key[0]) {
		json_t *ext = json_pack("{s:s, s:{s:s, s:s}}", "url", FHIR_NS "StructureDefinition:discontinue-reason",
					"valueCoding", "system", FHIR_NS "discontinue-reason", "code", e->reason_key);
		json_object_set_new(j, "extension", json_pack("[o]", ext));
	}
	return j;
}
