/* fhir.h: a person's record as FHIR R4 JSON resources (read-only export).
 *
 * The writers here turn the store's rows into jansson values; they do no I/O, read no
 * clock and check no access (fhir_http.c does that, and audits every read). Each writer
 * returns a new reference the caller owns. Every resource carries its resourceType and a
 * stable id made from the store's id ("12"; a Goal "12-3": enrolment 12, goal 3), and
 * references between them are relative ("Patient/12").
 *
 * Code systems and extensions that are tolv's own are named under FHIR_NS (a URN, so
 * that no one else's web address is claimed). National identity numbers use the systems
 * of the Norwegian base profiles (no-basis NamingSystems FNR, DNR, FHN) and of the
 * Swedish common profiles (personnummer, samordningsnummer); see docs/fhir.md.
 *
 * Dates: tolv's day numbers are written as FHIR dates ("2025-03-07"); unix seconds as
 * FHIR instants in UTC ("2025-03-07T08:15:00Z").
 */
#ifndef TOLV_FHIR_FHIR_H
#define TOLV_FHIR_FHIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/plan.h"
#include "domain/steps.h"
#include "store/store.h"

/* R4. The schema the tests validate with (the npm package of fhir.schema.json) is R4's
 * first release, whose fhirVersion list stops at 4.0.0; 4.0.1 changed no resource used here. */
#define FHIR_VERSION "4.0.0"
#define FHIR_CONTENT_TYPE "application/fhir+json; charset=utf-8"
#define FHIR_NS "urn:tolv:fhir:"

/* Identifier systems for national identity numbers. */
#define FHIR_SYSTEM_NO_FNR "urn:oid:2.16.578.1.12.4.1.4.1"   /* fødselsnummer */
#define FHIR_SYSTEM_NO_DNR "urn:oid:2.16.578.1.12.4.1.4.2"   /* D-nummer */
#define FHIR_SYSTEM_NO_FHN "urn:oid:2.16.578.1.12.4.1.4.3"   /* felles hjelpenummer */
#define FHIR_SYSTEM_SE_PNR "urn:oid:1.2.752.129.2.1.3.1"     /* personnummer */
#define FHIR_SYSTEM_SE_SAMNR "urn:oid:1.2.752.129.2.1.3.3"   /* samordningsnummer */

/* ---- values (fhir_values.c) ---- */
/* The identifier system of a national_id_kind ("no_fnr"…), NULL for an unknown kind. */
const char *fhir_nid_system(const char *kind);
/* A FHIR date string, or NULL for DATE_NONE / a day outside 0000–9999. */
json_t *fhir_date(int32_t day);
/* A FHIR instant "YYYY-MM-DDThh:mm:ssZ" of unix seconds (0 → NULL). */
json_t *fhir_instant(int64_t seconds);
/* Writes the instant into out (>= 21 bytes); "" for 0. */
void fhir_instant_format(int64_t seconds, char *out, size_t outlen);
/* {"reference":"Type/id"} */
json_t *fhir_ref(const char *type, int64_t id);
/* {"coding":[{"system","code","display"?}],"text"?}; display/text may be NULL. */
json_t *fhir_concept(const char *system, const char *code, const char *display);
/* Sets key to v in obj when v is not NULL (and steals v); a NULL v leaves obj as it is. */
void fhir_set(json_t *obj, const char *key, json_t *v);
/* Sets key to a string when s is not NULL or "" (FHIR forbids empty strings). */
void fhir_set_str(json_t *obj, const char *key, const char *s);

/* ---- resources ---- */
/* Patient (fhir_patient.c): names, identity number, birth date, telecom, address, next
 * of kin as contact; org_name (may be NULL) as managingOrganization's display. */
json_t *fhir_patient(const struct person *p, const char *org_name);

/* EpisodeOfCare (fhir_episode.c): the enrolment with its status, period and statusHistory
 * from its events — one entry per stretch of one status in one phase, each entry
 * carrying the phase as an extension. prog may be NULL (phase keys then unknown);
 * therapist_name may be NULL or "". */
json_t *fhir_episode(const struct enrolment *e, const struct programme *prog, const struct enrolment_event *ev,
		     size_t nev, const char *therapist_name);
/* The FHIR status of an enrolment status ("active", "onhold", "finished"). */
const char *fhir_episode_status(const char *status);

/* CarePlan with Goals (fhir_careplan.c): the individual plan of enrolment e (its latest
 * version number `version`, 0 when none is saved yet: then a draft with no content),
 * the twelve steps as activities (states may be NULL), each assignment as an activity,
 * triggers, warning signs and the crisis plan as notes. step_names[i] is step i + 1's
 * name (NULL: "Step N"). */
json_t *fhir_careplan(const struct enrolment *e, const struct plan *p, int version, int64_t saved_at,
		      const struct store_step *states, const char *const *step_names);
/* A Goal of the plan (id "<enrolment>-<goal>"). */
json_t *fhir_goal(const struct enrolment *e, const struct plan_goal *g, int64_t saved_at);

/* Encounter (fhir_encounter.c): one attended session. kind_label may be NULL. */
json_t *fhir_encounter(const struct attendance *a, int64_t person_id, const char *kind_label,
		       const char *group_name);

/* AuditEvent (fhir_audit.c): one audit entry concerning person_id. */
json_t *fhir_audit_event(const struct audit_entry *e, int64_t person_id);
/* The FHIR action code (C, R, U, D, E) of an audit action ("person.read" → "R"). */
const char *fhir_audit_action(const char *action);

/* Observation of a breath or drug test (fhir_observation.c), id "test-<id>": breath in
 * per mille ([ppth]), a drug test's result per substance class as components (class
 * labels: class_labels[i] for class_keys[i], n of them; a key without one shows as
 * itself), a refused test as data absent (asked-declined), positive/negative as
 * interpretation, the laboratory's answer as a note. */
json_t *fhir_test_observation(const struct sob_test *t, const char *const *class_keys,
			      const char *const *class_labels, size_t n);
/* Observation of a questionnaire total, id "outcome-<id>": coded with the definition's
 * LOINC code when it has one (AUDIT total 75624-7, AUDIT-C total 75626-2) and with tolv's
 * questionnaire id; days abstinent as a quantity in days; a result entered in error has
 * that status. def may be NULL (then only tolv's code). */
struct questionnaire;
json_t *fhir_outcome_observation(const struct outcome_result *o, const struct questionnaire *def);
/* The answers of the same result as a QuestionnaireResponse, id "outcome-<id>". */
json_t *fhir_questionnaire_response(const struct outcome_result *o, const struct questionnaire *def);

/* Flag of a relapse (fhir_flag.c), id the relapse's: active while a draft or confirmed,
 * entered-in-error when rejected; period from the day to the resumption. */
json_t *fhir_relapse_flag(const struct store_relapse *r);

/* ---- containers (fhir_bundle.c) ---- */
/* A Bundle of type "searchset" holding resources (an array, stolen): the first entry is
 * the match, the others are included; timestamp is unix seconds. */
json_t *fhir_bundle_searchset(json_t *resources, int64_t timestamp);
/* An OperationOutcome with one issue. */
json_t *fhir_operation_outcome(const char *severity, const char *code, const char *diagnostics);
/* The CapabilityStatement of this server (date: unix seconds; software version). */
json_t *fhir_capability_statement(int64_t date, const char *software_version);

#endif
