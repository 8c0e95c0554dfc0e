/* test_fhir.c: unit tests of the FHIR resource writers — identifier systems, dates and
 * instants, JSON escaping of what people type, EpisodeOfCare's statusHistory from an
 * enrolment's events, CarePlan and Goal from a plan, AuditEvent actions, the Bundle —
 * and the router's literal "$everything" after {id}. (The HTTP tests validate the same
 * resources against the FHIR R4 JSON schema.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/questionnaire.h"
#include "fhir/fhir.h"
#include "fhir/fhir_http.h"
#include "http/router.h"

#define D(y, m, d) date_from_ymd(y, m, d)

static const char *str_at(json_t *j, const char *path)
{
	/* "a.b.0.c": object keys and array indexes. */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *cur = j;
	for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save)) {
		if (json_is_array(cur))
			cur = json_array_get(cur, (size_t)atoi(tok));
		else
			cur = json_object_get(cur, tok);
	}
	return json_is_string(cur) ? json_string_value(cur) : NULL;
}

static json_t *at(json_t *j, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *cur = j;
	for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
		cur = json_is_array(cur) ? json_array_get(cur, (size_t)atoi(tok)) : json_object_get(cur, tok);
	return cur;
}

static void test_values(void **state)
{
	(void)state;
	assert_string_equal(fhir_nid_system("no_fnr"), "urn:oid:2.16.578.1.12.4.1.4.1");
	assert_string_equal(fhir_nid_system("no_dnr"), "urn:oid:2.16.578.1.12.4.1.4.2");
	assert_string_equal(fhir_nid_system("no_hnr"), "urn:oid:2.16.578.1.12.4.1.4.3");
	assert_string_equal(fhir_nid_system("se_pnr"), "urn:oid:1.2.752.129.2.1.3.1");
	assert_string_equal(fhir_nid_system("se_samnr"), "urn:oid:1.2.752.129.2.1.3.3");
	assert_null(fhir_nid_system(""));
	assert_null(fhir_nid_system("xx"));
	assert_null(fhir_nid_system(NULL));

	assert_null(fhir_date(DATE_NONE));
	json_t *d = fhir_date(D(2025, 3, 7));
	assert_string_equal(json_string_value(d), "2025-03-07");
	json_decref(d);
	d = fhir_date(D(1969, 12, 31));
	assert_string_equal(json_string_value(d), "1969-12-31");
	json_decref(d);

	char b[32];
	fhir_instant_format(1741335300, b, sizeof b);
	assert_string_equal(b, "2025-03-07T08:15:00Z");
	fhir_instant_format(0, b, sizeof b);
	assert_string_equal(b, "");
	assert_null(fhir_instant(0));

	json_t *c = fhir_concept(NULL, NULL, "Bror");
	assert_null(json_object_get(c, "coding"));
	assert_string_equal(str_at(c, "text"), "Bror");
	json_decref(c);
	c = fhir_concept("urn:x", "", NULL);
	assert_int_equal(json_object_size(c), 0); /* no empty strings, no empty coding */
	json_decref(c);
}

static void sample_person(struct person *p)
{
	memset(p, 0, sizeof *p);
	p->id = 42;
	snprintf(p->given_name, sizeof p->given_name, "%s", "Kari \"K\\\" <b>&</b>\tÆrlig");
	snprintf(p->family_name, sizeof p->family_name, "%s", "Nordmann");
	p->birth_date = D(1990, 2, 1);
	snprintf(p->national_id, sizeof p->national_id, "%s", "01029012345");
	snprintf(p->national_id_kind, sizeof p->national_id_kind, "%s", "no_fnr");
	snprintf(p->address, sizeof p->address, "%s", "  Storgata 1 \r\n\n4400 Flekkefjord\n");
	p->created_at = 1741335300;
}

static void test_patient(void **state)
{
	(void)state;
	struct person p;
	sample_person(&p);
	json_t *j = fhir_patient(&p, "Testkommune");
	assert_string_equal(str_at(j, "resourceType"), "Patient");
	assert_string_equal(str_at(j, "id"), "42");
	assert_string_equal(str_at(j, "identifier.0.system"), FHIR_SYSTEM_NO_FNR);
	assert_string_equal(str_at(j, "identifier.0.value"), "01029012345");
	assert_string_equal(str_at(j, "birthDate"), "1990-02-01");
	assert_string_equal(str_at(j, "meta.lastUpdated"), "2025-03-07T08:15:00Z");
	assert_string_equal(str_at(j, "name.0.family"), "Nordmann");
	assert_int_equal(json_array_size(at(j, "name.0.given")), 4);
	assert_string_equal(str_at(j, "name.0.given.3"), "Ærlig");
	assert_string_equal(str_at(j, "address.0.line.0"), "Storgata 1");
	assert_string_equal(str_at(j, "address.0.line.1"), "4400 Flekkefjord");
	assert_int_equal(json_array_size(at(j, "address.0.line")), 2);
	assert_null(at(j, "telecom")); /* none given: no empty array */
	assert_null(at(j, "contact"));
	assert_string_equal(str_at(j, "managingOrganization.display"), "Testkommune");

	/* What people type survives the JSON text exactly: quotes, backslashes, tags, tabs. */
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	assert_non_null(text);
	assert_null(strstr(text, "\t"));
	assert_non_null(strstr(text, "\\\"K\\\\\\\""));
	json_error_t err;
	json_t *back = json_loads(text, 0, &err);
	assert_non_null(back);
	assert_string_equal(str_at(back, "name.0.text"), "Kari \"K\\\" <b>&</b>\tÆrlig Nordmann");
	json_decref(back);
	free(text);
	json_decref(j);

	/* No number, no identifier; a Swedish one in its own system. */
	p.national_id[0] = p.national_id_kind[0] = '\0';
	j = fhir_patient(&p, NULL);
	assert_null(at(j, "identifier"));
	assert_null(at(j, "managingOrganization"));
	json_decref(j);
	snprintf(p.national_id, sizeof p.national_id, "%s", "198503142391");
	snprintf(p.national_id_kind, sizeof p.national_id_kind, "%s", "se_pnr");
	j = fhir_patient(&p, NULL);
	assert_string_equal(str_at(j, "identifier.0.system"), FHIR_SYSTEM_SE_PNR);
	json_decref(j);
}

static void sample_enrolment(struct enrolment *e, const char *status)
{
	memset(e, 0, sizeof *e);
	e->id = 7;
	e->person_id = 42;
	e->programme_id = 3;
	snprintf(e->status, sizeof e->status, "%s", status);
	e->started_on = D(2025, 1, 6);
	e->ended_on = DATE_NONE;
	e->paused_since = DATE_NONE;
	e->version = 5;
}

static void test_episode(void **state)
{
	(void)state;
	struct programme prog = { .id = 3, .nphases = 2 };
	snprintf(prog.name, sizeof prog.name, "%s", "Dagbehandling");
	snprintf(prog.phases[0].key, sizeof prog.phases[0].key, "%s", "motivation");
	snprintf(prog.phases[0].label, sizeof prog.phases[0].label, "%s", "Motivation group");
	snprintf(prog.phases[1].key, sizeof prog.phases[1].key, "%s", "day_treatment");
	snprintf(prog.phases[1].label, sizeof prog.phases[1].label, "%s", "Day treatment");
	struct enrolment e;
	sample_enrolment(&e, "completed");
	e.ended_on = D(2025, 5, 2);
	struct enrolment_event ev[] = {
		{ .kind = "start", .from_phase = -1, .to_phase = 0, .on_day = D(2025, 1, 6) },
		{ .kind = "pause", .from_phase = -1, .to_phase = -1, .on_day = D(2025, 1, 20) },
		{ .kind = "resume", .from_phase = -1, .to_phase = -1, .on_day = D(2025, 2, 3) },
		{ .kind = "therapist", .from_phase = -1, .to_phase = -1, .on_day = D(2025, 2, 4) },
		{ .kind = "phase", .from_phase = 0, .to_phase = 1, .on_day = D(2025, 2, 10) },
		{ .kind = "complete", .from_phase = 1, .to_phase = -1, .on_day = D(2025, 5, 2) },
	};
	json_t *j = fhir_episode(&e, &prog, ev, sizeof ev / sizeof ev[0], "Bo Behandler");
	assert_string_equal(str_at(j, "resourceType"), "EpisodeOfCare");
	assert_string_equal(str_at(j, "status"), "finished");
	assert_string_equal(str_at(j, "meta.versionId"), "5");
	assert_string_equal(str_at(j, "period.start"), "2025-01-06");
	assert_string_equal(str_at(j, "period.end"), "2025-05-02");
	assert_string_equal(str_at(j, "patient.reference"), "Patient/42");
	assert_string_equal(str_at(j, "type.0.text"), "Dagbehandling");
	assert_string_equal(str_at(j, "careManager.display"), "Bo Behandler");
	json_t *h = at(j, "statusHistory");
	assert_int_equal(json_array_size(h), 4);
	const char *want[][4] = {
		{ "active", "2025-01-06", "2025-01-20", "motivation" },
		{ "onhold", "2025-01-20", "2025-02-03", "motivation" },
		{ "active", "2025-02-03", "2025-02-10", "motivation" },
		{ "active", "2025-02-10", "2025-05-02", "day_treatment" },
	};
	for (size_t i = 0; i < 4; i++) {
		json_t *x = json_array_get(h, i);
		assert_string_equal(str_at(x, "status"), want[i][0]);
		assert_string_equal(str_at(x, "period.start"), want[i][1]);
		assert_string_equal(str_at(x, "period.end"), want[i][2]);
		assert_string_equal(str_at(x, "extension.0.valueCoding.code"), want[i][3]);
		assert_string_equal(str_at(x, "extension.0.valueCoding.system"), "urn:tolv:fhir:programme:3:phase");
	}
	json_decref(j);

	/* Still going: the last stretch is open; paused is onhold. */
	sample_enrolment(&e, "paused");
	j = fhir_episode(&e, NULL, ev, 2, NULL);
	assert_string_equal(str_at(j, "status"), "onhold");
	assert_null(at(j, "statusHistory.1.period.end"));
	assert_null(at(j, "period.end"));
	assert_null(at(j, "careManager"));
	assert_string_equal(str_at(j, "statusHistory.1.extension.0.valueCoding.code"), "0");
	json_decref(j);
	assert_string_equal(fhir_episode_status("discontinued"), "finished");
}

static void test_careplan(void **state)
{
	(void)state;
	struct enrolment e;
	sample_enrolment(&e, "active");
	/* No plan saved yet: a draft with only the steps. */
	struct store_step st[STEP_COUNT];
	memset(st, 0, sizeof st);
	for (int i = 0; i < STEP_COUNT; i++) {
		snprintf(st[i].status, sizeof st[i].status, "%s", i == 0 ? "completed" : i == 1 ? "working" : "not_started");
		st[i].since = i < 2 ? D(2025, 2, 1) : DATE_NONE;
		st[i].changes = i < 2 ? 2 : 0;
		st[i].step = i + 1;
	}
	json_t *j = fhir_careplan(&e, NULL, 0, 0, st, NULL);
	assert_string_equal(str_at(j, "status"), "draft");
	assert_string_equal(str_at(j, "intent"), "plan");
	assert_null(at(j, "goal"));
	assert_null(at(j, "meta"));
	assert_int_equal(json_array_size(at(j, "activity")), 12);
	assert_string_equal(str_at(j, "activity.0.detail.status"), "completed");
	assert_string_equal(str_at(j, "activity.1.detail.status"), "in-progress");
	assert_string_equal(str_at(j, "activity.2.detail.status"), "not-started");
	assert_string_equal(str_at(j, "activity.3.detail.code.text"), "Step 4");
	assert_string_equal(str_at(j, "activity.0.progress.0.time"), "2025-02-01");
	json_decref(j);

	struct plan p;
	plan_init(&p);
	plan_add_goal(&p, "Stay sober", D(2025, 8, 31));
	plan_add_goal(&p, "Meetings", DATE_NONE);
	p.goals[1].status = GOAL_ACHIEVED;
	plan_add_assignment(&p, "Write \"step 4\"", 4, 1, D(2025, 3, 3), D(2025, 3, 17));
	plan_list_add(&p.triggers, "Fridays");
	plan_list_add(&p.triggers, "Payday");
	p.steps_worked_set = true;
	p.steps_worked[0] = true;
	j = fhir_careplan(&e, &p, 3, 1741335300, st, NULL);
	assert_string_equal(str_at(j, "status"), "active");
	assert_string_equal(str_at(j, "meta.versionId"), "3");
	assert_string_equal(str_at(j, "goal.0.reference"), "Goal/7-1");
	assert_string_equal(str_at(j, "goal.1.reference"), "Goal/7-2");
	assert_true(json_is_true(at(j, "activity.1.detail.doNotPerform")));
	assert_null(at(j, "activity.0.detail.doNotPerform"));
	json_t *a = at(j, "activity.12.detail");
	assert_string_equal(str_at(a, "description"), "Write \"step 4\"");
	assert_string_equal(str_at(a, "status"), "in-progress");
	assert_string_equal(str_at(a, "scheduledPeriod.start"), "2025-03-03");
	assert_string_equal(str_at(a, "scheduledPeriod.end"), "2025-03-17");
	assert_string_equal(str_at(a, "goal.0.reference"), "Goal/7-1");
	assert_string_equal(str_at(a, "code.coding.0.code"), "4");
	assert_string_equal(str_at(j, "note.0.text"), "Triggers: Fridays; Payday");
	assert_string_equal(str_at(j, "supportingInfo.0.reference"), "EpisodeOfCare/7");
	json_decref(j);

	json_t *g = fhir_goal(&e, &p.goals[0], 1741335300);
	assert_string_equal(str_at(g, "id"), "7-1");
	assert_string_equal(str_at(g, "lifecycleStatus"), "active");
	assert_string_equal(str_at(g, "target.0.dueDate"), "2025-08-31");
	assert_null(at(g, "achievementStatus"));
	json_decref(g);
	g = fhir_goal(&e, &p.goals[1], 1741335300);
	assert_string_equal(str_at(g, "lifecycleStatus"), "completed");
	assert_string_equal(str_at(g, "achievementStatus.coding.0.code"), "achieved");
	assert_null(at(g, "target"));
	json_decref(g);
	plan_release(&p);

	sample_enrolment(&e, "discontinued");
	j = fhir_careplan(&e, NULL, 1, 0, NULL, NULL);
	assert_string_equal(str_at(j, "status"), "revoked");
	assert_null(at(j, "activity"));
	json_decref(j);
}

static void test_encounter_audit_bundle(void **state)
{
	(void)state;
	struct attendance a = { .id = 99, .enrolment_id = 7, .attended = true, .minutes = 240,
				.on_day = D(2025, 3, 4), .recorded_at = 1741335300 };
	snprintf(a.kind, sizeof a.kind, "%s", "group");
	json_t *j = fhir_encounter(&a, 42, "Group session", "Gruppe A");
	assert_string_equal(str_at(j, "status"), "finished");
	assert_string_equal(str_at(j, "class.code"), "AMB");
	assert_string_equal(str_at(j, "period.start"), "2025-03-04");
	assert_int_equal(json_integer_value(at(j, "length.value")), 240);
	assert_string_equal(str_at(j, "type.1.text"), "Gruppe A");
	assert_string_equal(str_at(j, "episodeOfCare.0.reference"), "EpisodeOfCare/7");
	json_decref(j);

	assert_string_equal(fhir_audit_action("person.read"), "R");
	assert_string_equal(fhir_audit_action("person.list"), "R");
	assert_string_equal(fhir_audit_action("person.create"), "C");
	assert_string_equal(fhir_audit_action("note.delete"), "D");
	assert_string_equal(fhir_audit_action("step.change"), "U");
	assert_string_equal(fhir_audit_action("login"), "E");
	struct audit_entry e = { .seq = 123, .at_ms = 1741335300123, .user_id = 5 };
	snprintf(e.actor, sizeof e.actor, "%s", "bo@example.no");
	snprintf(e.action, sizeof e.action, "%s", "enrolment.read");
	snprintf(e.object_type, sizeof e.object_type, "%s", "enrolment");
	snprintf(e.object_id, sizeof e.object_id, "%s", "7");
	snprintf(e.addr, sizeof e.addr, "%s", "127.0.0.1");
	snprintf(e.detail, sizeof e.detail, "%s", "fhir CarePlan");
	j = fhir_audit_event(&e, 42);
	assert_string_equal(str_at(j, "id"), "123");
	assert_string_equal(str_at(j, "action"), "R");
	assert_string_equal(str_at(j, "recorded"), "2025-03-07T08:15:00Z");
	assert_string_equal(str_at(j, "agent.0.who.display"), "bo@example.no");
	assert_string_equal(str_at(j, "agent.0.network.address"), "127.0.0.1");
	assert_string_equal(str_at(j, "entity.0.what.reference"), "Patient/42");
	assert_string_equal(str_at(j, "entity.0.description"), "enrolment/7");
	assert_string_equal(str_at(j, "entity.0.detail.0.valueString"), "fhir CarePlan");
	assert_string_equal(str_at(j, "subtype.0.code"), "enrolment.read");
	json_decref(j);

	json_t *arr = json_pack("[{s:s}, {s:s}]", "resourceType", "Patient", "resourceType", "Goal");
	j = fhir_bundle_searchset(arr, 1741335300);
	assert_string_equal(str_at(j, "type"), "searchset");
	assert_int_equal(json_integer_value(at(j, "total")), 1);
	assert_string_equal(str_at(j, "entry.0.search.mode"), "match");
	assert_string_equal(str_at(j, "entry.1.search.mode"), "include");
	assert_string_equal(str_at(j, "entry.1.resource.resourceType"), "Goal");
	assert_string_equal(str_at(j, "timestamp"), "2025-03-07T08:15:00Z");
	json_decref(j);

	j = fhir_operation_outcome("error", "not-found", "No such resource");
	assert_string_equal(str_at(j, "issue.0.code"), "not-found");
	json_decref(j);
	j = fhir_capability_statement(1741335300, "0.1.0");
	assert_string_equal(str_at(j, "fhirVersion"), FHIR_VERSION);
	assert_string_equal(str_at(j, "rest.0.resource.0.operation.0.name"), "everything");
	json_decref(j);
}

static void test_measurements(void **state)
{
	(void)state;
	struct outcome_result o = { .id = 8, .person_id = 42, .version = 1, .taken_on = D(2025, 3, 4), .total = 20,
				    .created_at = 1741335300, .enrolment_id = 7 };
	snprintf(o.questionnaire, sizeof o.questionnaire, "%s", "audit");
	snprintf(o.answers, sizeof o.answers, "%s", "4,4,4,4,4,0,0,0,0,0");
	snprintf(o.zone, sizeof o.zone, "%s", "zone_2");
	const struct questionnaire *audit = questionnaire_builtin("audit");
	assert_non_null(audit);
	json_t *j = fhir_outcome_observation(&o, audit);
	assert_string_equal(str_at(j, "id"), "outcome-8");
	assert_string_equal(str_at(j, "status"), "final");
	assert_string_equal(str_at(j, "code.coding.0.system"), "http://loinc.org");
	assert_string_equal(str_at(j, "code.coding.0.code"), "75624-7");
	assert_string_equal(str_at(j, "code.coding.1.code"), "audit");
	assert_int_equal(json_integer_value(at(j, "valueInteger")), 20);
	assert_string_equal(str_at(j, "effectiveDateTime"), "2025-03-04");
	assert_string_equal(str_at(j, "derivedFrom.0.reference"), "QuestionnaireResponse/outcome-8");
	json_decref(j);
	j = fhir_questionnaire_response(&o, audit);
	assert_string_equal(str_at(j, "questionnaire"), "urn:tolv:fhir:Questionnaire:audit|1");
	assert_int_equal(json_array_size(at(j, "item")), 10);
	assert_int_equal(json_integer_value(at(j, "item.0.answer.0.valueInteger")), 4);
	assert_int_equal(json_integer_value(at(j, "item.9.answer.0.valueInteger")), 0);
	json_decref(j);

	snprintf(o.questionnaire, sizeof o.questionnaire, "%s", "audit-c");
	snprintf(o.answers, sizeof o.answers, "%s", "1,1,1");
	o.total = 3;
	j = fhir_outcome_observation(&o, questionnaire_builtin("audit-c"));
	assert_string_equal(str_at(j, "code.coding.0.code"), "75626-2");
	json_decref(j);

	snprintf(o.questionnaire, sizeof o.questionnaire, "%s", "days-abstinent");
	snprintf(o.answers, sizeof o.answers, "%s", "20");
	snprintf(o.days, sizeof o.days, "%s", "000000000011111111111111111111");
	o.zone[0] = '\0';
	o.error_at = 1741335400;
	snprintf(o.error_reason, sizeof o.error_reason, "%s", "Wrong person");
	j = fhir_outcome_observation(&o, questionnaire_builtin("days-abstinent"));
	assert_string_equal(str_at(j, "status"), "entered-in-error");
	assert_string_equal(str_at(j, "code.coding.0.system"), "urn:tolv:fhir:questionnaire"); /* no LOINC code */
	assert_string_equal(str_at(j, "valueQuantity.code"), "d");
	assert_null(at(j, "valueInteger"));
	assert_string_equal(str_at(j, "note.0.text"), "Wrong person");
	json_decref(j);
	j = fhir_questionnaire_response(&o, NULL);
	assert_string_equal(str_at(j, "status"), "entered-in-error");
	assert_int_equal(json_array_size(at(j, "item.1.answer")), 30);
	assert_true(json_is_false(at(j, "item.1.answer.0.valueBoolean")));
	assert_true(json_is_true(at(j, "item.1.answer.29.valueBoolean")));
	json_decref(j);

	struct sob_test t = { .id = 5, .person_id = 42, .taken_at = 1741335300, .on_day = D(2025, 3, 7), .permille = 42 };
	snprintf(t.kind, sizeof t.kind, "%s", "breath");
	snprintf(t.outcome, sizeof t.outcome, "%s", "done");
	j = fhir_test_observation(&t, NULL, NULL, 0);
	assert_string_equal(str_at(j, "id"), "test-5");
	assert_true(json_real_value(at(j, "valueQuantity.value")) > 0.419 && json_real_value(at(j, "valueQuantity.value")) < 0.421);
	assert_string_equal(str_at(j, "valueQuantity.code"), "[ppth]");
	assert_string_equal(str_at(j, "interpretation.0.coding.0.code"), "POS");
	assert_string_equal(str_at(j, "effectiveDateTime"), "2025-03-07T08:15:00Z");
	json_decref(j);
	snprintf(t.outcome, sizeof t.outcome, "%s", "refused");
	t.permille = -1;
	j = fhir_test_observation(&t, NULL, NULL, 0);
	assert_string_equal(str_at(j, "dataAbsentReason.coding.0.code"), "asked-declined");
	assert_null(at(j, "valueQuantity"));
	assert_null(at(j, "interpretation"));
	json_decref(j);
	struct sob_test d = { .id = 6, .person_id = 42, .on_day = D(2025, 3, 7), .permille = -1, .nresults = 2 };
	snprintf(d.kind, sizeof d.kind, "%s", "drug");
	snprintf(d.outcome, sizeof d.outcome, "%s", "done");
	snprintf(d.results[0].class_key, sizeof d.results[0].class_key, "%s", "benzodiazepines");
	snprintf(d.results[0].result, sizeof d.results[0].result, "%s", "positive");
	d.results[0].prescribed = true;
	snprintf(d.results[1].class_key, sizeof d.results[1].class_key, "%s", "cannabis");
	snprintf(d.results[1].result, sizeof d.results[1].result, "%s", "negative");
	const char *keys[] = { "cannabis" }, *labels[] = { "Cannabis (THC)" };
	j = fhir_test_observation(&d, keys, labels, 1);
	assert_string_equal(str_at(j, "interpretation.0.coding.0.code"), "NEG"); /* prescribed: not positive */
	assert_string_equal(str_at(j, "component.1.code.text"), "Cannabis (THC)");
	assert_string_equal(str_at(j, "component.0.code.text"), "benzodiazepines");
	assert_string_equal(str_at(j, "component.0.interpretation.0.text"), "prescribed medication");
	assert_string_equal(str_at(j, "effectiveDateTime"), "2025-03-07");
	json_decref(j);

	struct store_relapse rl = { .id = 3, .person_id = 42, .on_day = D(2025, 3, 1), .resumed_on = DATE_NONE };
	snprintf(rl.status, sizeof rl.status, "%s", "confirmed");
	j = fhir_relapse_flag(&rl);
	assert_string_equal(str_at(j, "status"), "active");
	assert_string_equal(str_at(j, "period.start"), "2025-03-01");
	assert_null(at(j, "period.end"));
	assert_string_equal(str_at(j, "code.coding.0.code"), "relapse");
	json_decref(j);
	snprintf(rl.status, sizeof rl.status, "%s", "rejected");
	rl.resumed_on = D(2025, 3, 8);
	j = fhir_relapse_flag(&rl);
	assert_string_equal(str_at(j, "status"), "entered-in-error");
	assert_string_equal(str_at(j, "period.end"), "2025-03-08");
	json_decref(j);
}

static void test_router_everything(void **state)
{
	(void)state;
	int64_t id = 0;
	assert_true(pattern_match("/fhir/Patient/{id}/$everything", "/fhir/Patient/12/$everything", &id));
	assert_int_equal(id, 12);
	assert_false(pattern_match("/fhir/Patient/{id}/$everything", "/fhir/Patient/12/everything", NULL));
	assert_false(pattern_match("/fhir/Patient/{id}/$everything", "/fhir/Patient/12/$everything/x", NULL));
	assert_false(pattern_match("/fhir/Patient/{id}/$everything", "/fhir/Patient/$everything", NULL));
	assert_false(pattern_match("/fhir/Patient/{id}", "/fhir/Patient/12/$everything", NULL));
	const struct route *rt = NULL;
	assert_int_equal(route_match(routes, routes_count, M_GET, "/fhir/Patient/12/$everything", &rt, &id, NULL),
			 ROUTE_OK);
	assert_ptr_equal(rt->handler, fhir_everything_get);
	assert_int_equal(route_match(routes, routes_count, M_GET, "/fhir/Patient/12", &rt, &id, NULL), ROUTE_OK);
	assert_ptr_equal(rt->handler, fhir_patient_get);
	unsigned allow = 0;
	assert_int_equal(route_match(routes, routes_count, M_POST, "/fhir/Patient/12/$everything", &rt, &id, &allow),
			 ROUTE_BAD_METHOD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_patient),
		cmocka_unit_test(test_episode),
		cmocka_unit_test(test_careplan),
		cmocka_unit_test(test_encounter_audit_bundle),
		cmocka_unit_test(test_measurements),
		cmocka_unit_test(test_router_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
