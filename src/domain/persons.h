/* persons.h: the person record — validation (identity number, birth date, contact
 * details), duplicate detection before a record is made, and an audit entry for every
 * read and change. Shared by the pages (web/persons.c) and the API (api/persons.c), so
 * both refuse and accept exactly the same input.
 *
 * Duplicates are caught before anything is stored:
 *   same national identity number   → PERSONS_DUP_ID, refused (the holder is returned);
 *   same names and date of birth    → PERSONS_DUP_NAME unless confirm is set (the
 *                                      candidates are returned so the caller can show them).
 */
#ifndef TOLV_DOMAIN_PERSONS_H
#define TOLV_DOMAIN_PERSONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "store/store.h"

/* Return values on top of 0, ACC_INVALID and the negative store_status values. */
#define PERSONS_DUP_ID 2
#define PERSONS_DUP_NAME 3

#define PERSON_ERRORS_MAX 8
struct person_errors {
	size_t n;
	struct field_error e[PERSON_ERRORS_MAX];
};

/* What a form or a JSON body gives, as text. NULL means "not given": on create that is
 * the empty value, on update the stored value is kept. */
struct person_input {
	const char *given_name, *family_name;
	const char *birth_date;  /* YYYY-MM-DD or "" */
	const char *national_id; /* as typed, or "" */
	const char *phone, *email, *address;
	const char *kin_name, *kin_relation, *kin_phone;
	const char *notes;
	bool has_substances;     /* false: keep (update) / none (create) */
	unsigned substances;     /* STORE_SUBST_* bits */
	bool has_dual_diagnosis;
	bool dual_diagnosis;
};

/* The substance bits in display order, with their English labels and stable keys. */
struct substance_def {
	unsigned bit;
	const char *key;   /* "alcohol", "medication"… */
	const char *label; /* msgid */
};
extern const struct substance_def person_substances[];
extern const size_t person_substances_count;
/* The bit of a key, 0 if unknown. */
unsigned person_substance_parse(const char *key);

/* Applies in to p (see struct person_input for NULL), checking every field; every
 * problem found goes into errs (field, message). Returns 0 or ACC_INVALID. today is the
 * local date (for the future-date checks). */
int persons_apply(struct person *p, const struct person_input *in, int32_t today, struct person_errors *errs);

/* Validates in and creates the person, refusing duplicates (see the top of this file).
 * On PERSONS_DUP_ID / PERSONS_DUP_NAME *dups (xmalloc'd, caller frees; may be NULL when
 * ndups is 0) holds the existing persons, whose listing is audited as read. Audited
 * "person.create". */
int persons_create(struct accounts *ac, const struct actor *who, int64_t org_id, const struct person_input *in,
		   bool confirm_duplicate, int32_t today, struct person *out, struct person_errors *errs,
		   struct person **dups, size_t *ndups);

/* Loads the person and audits the read ("person.read", detail e.g. "api", "timeline").
 * STORE_NOTFOUND for another organisation's id (nothing audited). */
int persons_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *detail,
		 struct person *out);

/* Applies in to person id and saves it. The identity number may not become one another
 * person of the organisation has (PERSONS_DUP_ID with the holder). Audited
 * "person.update" (detail: the names of the changed fields, never their values). */
int persons_update(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		   const struct person_input *in, int32_t today, struct person *out, struct person_errors *errs,
		   struct person **dups, size_t *ndups);

/* Records that the n persons were shown in a list: one "person.list" entry (detail naming
 * the list) whose subjects are the persons (auditor_log_listing), found per person by the
 * audit filter as every listing is. */
void persons_audit_listed(struct accounts *ac, const struct actor *who, int64_t org_id, const int64_t *ids,
			  size_t n, const char *detail);

/* "no_fnr" → "Norwegian national identity number"…, "" for an unknown key. */
const char *person_nid_kind_label(const char *key);
/* Writes the number as people write it ("DDMMYY IIIKK" / "YYYYMMDD-NNNC") into out
 * (>= 16 bytes); "" when the person has none. */
void person_nid_display(const struct person *p, char *out, size_t outlen);

#endif
