/* fixtures.h: shared set-up helpers of the store tests (see fixtures.c); they use the
 * store under test from runner.h and fail the running test on any error. */
#ifndef TOLV_TESTS_STORE_FIXTURES_H
#define TOLV_TESTS_STORE_FIXTURES_H

#include "runner.h"

int64_t make_org(const char *tag);
int64_t make_member(int64_t org_id, const char *email, const char *role);
void set_phase(struct programme_phase *ph, const char *key, const char *label, int target_days, int min_dpw);
void day_treatment(struct programme *p, const char *name);
int64_t make_programme(int64_t org_id, const char *name);
struct person person_of(const char *given, const char *family, int32_t birth, const char *nid);
int64_t make_person(int64_t org_id, const char *given, const char *family, int32_t birth);
struct enrolment enrolment_of(int64_t person_id, int64_t programme_id, int64_t therapist_id, int32_t day);
struct enrolment_event event_of(const char *kind, int from, int to, int32_t day, int64_t by);
int64_t make_enrolment(int64_t org_id, int64_t person_id, int64_t programme_id, int64_t therapist_id, int32_t day);

#endif
