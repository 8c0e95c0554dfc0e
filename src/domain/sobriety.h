/* sobriety.h: sobriety tests over the store (issue 6, "Tests") — breathalyser and drug
 * tests with a result per substance class, refusal as its own outcome, the laboratory's
 * confirmation, prescribed medication, the organisation's substance classes, and the
 * programme's test rule and zero tolerance setting. Validated per field and audited
 * ("test.create", "test.read", "test.lab", "medication.create", "medication.end",
 * "substance.create", "substance.update", "testrule.set", "zerotolerance.set"; details
 * give ids, kinds and counts, never free text). Shared by pages and API.
 *
 * Expected (prescribed): a positive result for a class the person has a prescription of
 * on the test's day is stored with prescribed = true, shown as "expected (prescribed)",
 * and counts neither for zero tolerance nor as a flag. (It is decided when the test is
 * recorded: a prescription entered later does not change a stored test.)
 *
 * Zero tolerance: when the test's programme (the enrolment given, else any open
 * enrolment of the person) has it on, a refused test, a drug test with a positive result
 * that is not prescribed, or a breath test above 0.00 per mille flags the person
 * (test.flag = 1) and, after the test is committed, opens a draft relapse
 * (relapses_draft_from_test; substances: the positive class keys, "alcohol" for breath,
 * "" for a refusal). A lab result that confirms none of the flagged classes overturns it
 * (flag = 2, relapses_test_overturned).
 *
 * Return values: 0, ACC_INVALID with a field_error (an English msgid), or a negative
 * store_status (STORE_NOTFOUND for another organisation's id, the same as none).
 */
#ifndef TOLV_DOMAIN_SOBRIETY_H
#define TOLV_DOMAIN_SOBRIETY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "store/store.h"

/* Keys and the msgids of their labels; NULL label for an unknown key. */
extern const char *const sobriety_samples[3];   /* "urine", "saliva", "blood" */
extern const char *const sobriety_results[3];   /* "negative", "positive", "inconclusive" */
const char *sobriety_kind_label(const char *kind);
const char *sobriety_sample_label(const char *sample);
const char *sobriety_result_label(const char *result);
const char *sobriety_lab_label(const char *lab);

/* "0.42", "0,42", "1", "1.5" → hundredths of per mille 0..500 (at most two decimals):
 * 0 or -1. */
int sobriety_parse_permille(const char *s, int *hundredths);
/* 42 → "0.42" (out >= 8 bytes). */
void sobriety_format_permille(int hundredths, char *out, size_t outlen);
/* Whether meds hold a prescription of class_key current on day. */
bool sobriety_prescribed(const struct sob_medication *meds, size_t n, const char *class_key, int32_t day);
/* Whether the test counts against zero tolerance: refused, a breath test above 0.00, or
 * a positive result that is not prescribed. substances (may be NULL) gets the
 * comma-separated keys ("alcohol" for breath; "" for a refusal). */
bool sobriety_counts(const struct sob_test *t, char *substances, size_t len);
/* The unix time of a local (Europe/Oslo) day and minute of the day. */
int64_t sobriety_local_time(int32_t day, int minutes);
/* The local (Europe/Oslo) day and minute of the day of a unix time. */
void sobriety_local_parts(int64_t t, int32_t *day, int *minutes);

struct sob_result_in {
	const char *class_key;
	const char *result;       /* sobriety_results; "" = not tested (skipped) */
};
/* A test as a form or JSON body gives it; NULL or "" for a field not given. */
struct sob_test_in {
	const char *kind;         /* "breath", "drug" */
	bool refused;
	const char *date;         /* YYYY-MM-DD; "" = today */
	const char *time;         /* HH:MM; "" = now when the date is today, else 12:00 */
	const char *taken_by;     /* a user id of the organisation; "" = who */
	const char *permille;     /* breath, not refused */
	const char *device;
	const char *sample;       /* drug */
	bool observed;
	const char *note;
	const char *enrolment;    /* an enrolment id of the person; "" = none */
	const struct sob_result_in *results; /* drug, not refused: at least one */
	size_t nresults;
};
/* Validates and stores a test of person_id. Fields of fe: "kind", "date", "time",
 * "taken_by", "permille", "device", "sample", "note", "enrolment", "results". *out (may be
 * NULL) gets the stored test. */
int sobriety_record(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct sob_test_in *in, int64_t now, struct sob_test *out, struct field_error *fe);
/* The test, audited as a read of its person. */
int sobriety_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, struct sob_test *out);
/* The person's tests, newest first (free *out), audited as a read of the person. */
int sobriety_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  struct sob_test **out, size_t *n);

/* The laboratory: sent_on (YYYY-MM-DD; "" keeps it), an overall result for every
 * positive or inconclusive class ("" none, "confirmed", "not_confirmed"), or one per
 * class (results[i].result "confirmed" / "not_confirmed" / ""). Only for drug tests
 * that were done. Fields: "lab_sent_on", "lab_result", "results". */
struct sob_lab_in {
	const char *sent_on;
	const char *overall;
	const struct sob_result_in *results;
	size_t nresults;
};
int sobriety_lab(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t test_id,
		 const struct sob_lab_in *in, int32_t today, struct sob_test *out, struct field_error *fe);

/* Medication: fields "class", "name", "from", "to". */
struct sob_med_in {
	const char *class_key, *name, *from, *to;
};
int sobriety_med_add(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		     const struct sob_med_in *in, int64_t *id, struct field_error *fe);
/* Ends prescription med_id of person_id on `to` (field "to"). */
int sobriety_med_end(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		     int64_t med_id, const char *to, struct field_error *fe);

/* The organisation's classes, seeding the defaults on first use. */
int sobriety_classes(struct accounts *ac, int64_t org_id, bool include_inactive, struct substance_class **out,
		     size_t *n);
/* Fields "key", "label", "sort_order". */
int sobriety_class_add(struct accounts *ac, const struct actor *who, int64_t org_id, const char *key,
		       const char *label, const char *sort_order, struct field_error *fe);
int sobriety_class_update(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
			  const char *label, bool active, const char *sort_order, struct field_error *fe);

/* The test rule of a programme or phase: fields "phase", "kind", "percent", "per_month".
 * kind "" (or active false) switches the rule of that phase off. */
struct sob_rule_in {
	const char *phase_key, *kind, *percent, *per_month;
};
int sobriety_rule_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id,
		      const struct sob_rule_in *in, struct field_error *fe);
int sobriety_zero_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id, bool on);
/* Whether zero tolerance applies to a test of person_id (enrolment_id 0: any open one). */
int sobriety_zero_applies(struct accounts *ac, int64_t org_id, int64_t person_id, int64_t enrolment_id, bool *on);

#endif
