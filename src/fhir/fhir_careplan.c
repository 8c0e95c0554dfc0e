/* fhir_careplan.c: the individual plan of an enrolment as a FHIR CarePlan with its Goals.
 * The twelve steps and the plan's assignments are the CarePlan's activities; triggers,
 * warning signs and the crisis plan are its notes. The CarePlan's id is the enrolment's
 * (one plan per enrolment, versioned: meta.versionId is the plan's version number). */
#include "fhir/fhir.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"

static const char *careplan_status(const struct enrolment *e, int version)
{
	if (version <= 0)
		return "draft";
	if (!strcmp(e->status, "paused"))
		return "on-hold";
	if (!strcmp(e->status, "completed"))
		return "completed";
	if (!strcmp(e->status, "discontinued"))
		return "revoked";
	return "active";
}

static const char *step_activity_status(const char *key)
{
	if (!strcmp(key, "completed"))
		return "completed";
	if (!strcmp(key, "working") || !strcmp(key, "presented"))
		return "in-progress";
	return "not-started";
}

static const char *assignment_activity_status(enum assignment_status s)
{
	return s == ASSIGNMENT_GIVEN ? "in-progress" : "completed";
}

static json_t *goal_ref(int64_t enrolment_id, int goal)
{
	char b[64];
	snprintf(b, sizeof b, "Goal/%lld-%d", (long long)enrolment_id, goal);
	return json_pack("{s:s}", "reference", b);
}

static json_t *step_concept(int step, const char *const *names)
{
	char code[8], fallback[32];
	snprintf(code, sizeof code, "%d", step);
	snprintf(fallback, sizeof fallback, "Step %d", step);
	const char *name = names && names[step - 1] && names[step - 1][0] ? names[step - 1] : fallback;
	return fhir_concept(FHIR_NS "twelve-step", code, name);
}

/* "label: a; b; c" as an Annotation, or nothing for an empty list. */
static void list_note(json_t *notes, const char *label, const struct plan_list *l)
{
	if (!l->n)
		return;
	struct buf b = BUF_INIT;
	buf_adds(&b, label);
	buf_adds(&b, ": ");
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			buf_adds(&b, "; ");
		buf_adds(&b, l->v[i]);
	}
	json_array_append_new(notes, json_pack("{s:s}", "text", b.data));
	buf_release(&b);
}

static void text_note(json_t *notes, const char *label, const char *text)
{
	if (!text || !*text)
		return;
	struct buf b = BUF_INIT;
	buf_adds(&b, label);
	buf_adds(&b, ": ");
	buf_adds(&b, text);
	json_array_append_new(notes, json_pack("{s:s}", "text", b.data));
	buf_release(&b);
}

json_t *fhir_careplan(const struct enrolment *e, const struct plan *p, int version, int64_t saved_at,
		      const struct store_step *states, const char *const *step_names)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)e->id);
	json_t *j = json_pack("{s:s, s:s}", "resourceType", "CarePlan", "id", id);
	json_t *meta = json_object();
	if (version > 0) {
		char v[16];
		snprintf(v, sizeof v, "%d", version);
		json_object_set_new(meta, "versionId", json_string(v));
		fhir_set(meta, "lastUpdated", fhir_instant(saved_at));
	}
	if (json_object_size(meta))
		json_object_set_new(j, "meta", meta);
	else
		json_decref(meta);
	json_object_set_new(j, "status", json_string(careplan_status(e, version)));
	json_object_set_new(j, "intent", json_string("plan"));
	json_object_set_new(j, "title", json_string("Individual plan"));
	json_object_set_new(j, "subject", fhir_ref("Patient", e->person_id));
	json_t *period = json_object();
	fhir_set(period, "start", fhir_date(e->started_on));
	fhir_set(period, "end", fhir_date(e->ended_on));
	json_object_set_new(j, "period", period);
	json_object_set_new(j, "supportingInfo", json_pack("[o]", fhir_ref("EpisodeOfCare", e->id)));

	if (p && version > 0 && p->ngoals) {
		json_t *goals = json_array();
		for (size_t i = 0; i < p->ngoals; i++)
			json_array_append_new(goals, goal_ref(e->id, p->goals[i].id));
		json_object_set_new(j, "goal", goals);
	}

	json_t *acts = json_array();
	if (states)
		for (int s = 1; s <= STEP_COUNT; s++) {
			const struct store_step *st = &states[s - 1];
			bool worked = !p || !p->steps_worked_set || p->steps_worked[s - 1];
			json_t *detail = json_pack("{s:s, s:o, s:s}", "kind", "Task", "code", step_concept(s, step_names),
						   "status", step_activity_status(st->status));
			if (!worked)
				json_object_set_new(detail, "doNotPerform", json_true());
			json_t *act = json_pack("{s:o}", "detail", detail);
			if (st->since != DATE_NONE && st->changes > 0) {
				json_t *note = json_pack("{s:s}", "text", st->status);
				fhir_set(note, "time", fhir_date(st->since));
				json_object_set_new(act, "progress", json_pack("[o]", note));
			}
			json_array_append_new(acts, act);
		}
	if (p && version > 0)
		for (size_t i = 0; i < p->nassignments; i++) {
			const struct plan_assignment *a = &p->assignments[i];
			json_t *detail = json_pack("{s:s, s:s}", "kind", "Task", "status", assignment_activity_status(a->status));
			if (a->step >= 1 && a->step <= STEP_COUNT)
				json_object_set_new(detail, "code", step_concept(a->step, step_names));
			if (a->goal)
				json_object_set_new(detail, "goal", json_pack("[o]", goal_ref(e->id, a->goal)));
			json_t *sp = json_object();
			fhir_set(sp, "start", fhir_date(a->given));
			fhir_set(sp, "end", fhir_date(a->due));
			json_object_set_new(detail, "scheduledPeriod", sp);
			fhir_set_str(detail, "description", a->text);
			json_t *act = json_pack("{s:o}", "detail", detail);
			json_t *progress = json_array();
			if (a->done != DATE_NONE) {
				json_t *n = json_pack("{s:s}", "text", "done");
				fhir_set(n, "time", fhir_date(a->done));
				json_array_append_new(progress, n);
			}
			if (a->reviewed != DATE_NONE) {
				json_t *n = json_pack("{s:s}", "text", "reviewed");
				fhir_set_str(n, "text", a->review_note);
				fhir_set(n, "time", fhir_date(a->reviewed));
				json_array_append_new(progress, n);
			}
			if (json_array_size(progress))
				json_object_set_new(act, "progress", progress);
			else
				json_decref(progress);
			json_array_append_new(acts, act);
		}
	if (json_array_size(acts))
		json_object_set_new(j, "activity", acts);
	else
		json_decref(acts);

	if (p && version > 0) {
		json_t *notes = json_array();
		list_note(notes, "Triggers", &p->triggers);
		list_note(notes, "Warning signs", &p->warning_signs);
		text_note(notes, "Crisis plan, who to call", p->crisis_contacts);
		text_note(notes, "Crisis plan, what helps", p->crisis_helps);
		if (json_array_size(notes))
			json_object_set_new(j, "note", notes);
		else
			json_decref(notes);
	}
	return j;
}

static const char *goal_lifecycle(enum goal_status s)
{
	switch (s) {
	case GOAL_ACHIEVED:
		return "completed";
	case GOAL_DROPPED:
		return "cancelled";
	default:
		return "active";
	}
}

json_t *fhir_goal(const struct enrolment *e, const struct plan_goal *g, int64_t saved_at)
{
	char id[48];
	snprintf(id, sizeof id, "%lld-%d", (long long)e->id, g->id);
	json_t *j = json_pack("{s:s, s:s, s:s}", "resourceType", "Goal", "id", id, "lifecycleStatus",
			      goal_lifecycle(g->status));
	json_t *meta = json_object();
	fhir_set(meta, "lastUpdated", fhir_instant(saved_at));
	if (json_object_size(meta))
		json_object_set_new(j, "meta", meta);
	else
		json_decref(meta);
	if (g->status == GOAL_ACHIEVED)
		json_object_set_new(j, "achievementStatus",
				    fhir_concept("http://terminology.hl7.org/CodeSystem/goal-achievement", "achieved",
						 "Achieved"));
	json_t *desc = json_object();
	fhir_set_str(desc, "text", g->text && *g->text ? g->text : "Goal");
	json_object_set_new(j, "description", desc);
	json_object_set_new(j, "subject", fhir_ref("Patient", e->person_id));
	json_t *due = fhir_date(g->target);
	if (due)
		json_object_set_new(j, "target", json_pack("[{s:o}]", "dueDate", due));
	return j;
}
