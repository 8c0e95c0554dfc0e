/* fhir_http.h: the read-only FHIR R4 API under /fhir/ (fhir_http.c). Authentication as
 * the JSON API (a session or a bearer token), scoped to the caller's organisation;
 * another organisation's id is 404 with an OperationOutcome, as is an id that does not
 * exist; every error is an OperationOutcome (http/req.c, r->fhir); every read is audited
 * as the pages' reads are. */
#ifndef TOLV_FHIR_FHIR_HTTP_H
#define TOLV_FHIR_FHIR_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "http/req.h"

/* GET /fhir/metadata: the CapabilityStatement (no login needed). */
void fhir_metadata_get(struct req *r);
/* GET /fhir/Patient/{id} */
void fhir_patient_get(struct req *r);
/* GET /fhir/Patient/{id}/$everything: a searchset Bundle with the Patient first. */
void fhir_everything_get(struct req *r);
/* GET /fhir/EpisodeOfCare/{id} (an enrolment) */
void fhir_episode_get(struct req *r);
/* GET /fhir/CarePlan/{id} (the plan of enrolment {id}) */
void fhir_careplan_get(struct req *r);

/* Every resource of person p (already read and audited by the caller) as an array, the
 * Patient first: EpisodeOfCare, CarePlan and Goals, Encounters, Observations and
 * QuestionnaireResponses, Flags, and — when with_audit —
 * the AuditEvents of the record's access log (at most 10000, newest first). NULL on a
 * store failure (*rc set). */
struct person;
json_t *fhir_person_resources(struct req *r, const struct person *p, bool with_audit, int *rc);

/* The access log of a person's record: audit entries whose object is the person, one of
 * the person's enrolments, notes or relapses, newest first, only those with
 * seq < before_seq (0: from the newest), at most limit (1..1000). */
struct audit_entry;
int record_access_log(struct req *r, int64_t person_id, int64_t before_seq, int limit, struct audit_entry **out,
		      size_t *n);

#endif
