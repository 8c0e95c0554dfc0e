/* orgquestionnaire.h: an organisation's own definitions of the built-in questionnaires
 * (issue 6: "so an organisation can load official wording where its licence allows",
 * "cut-offs configurable"), and the one function every org-scoped page, API and export
 * uses to find a definition: questionnaire_for_org().
 *
 * An organisation replaces a built-in (audit, audit-c, dudit, days-abstinent); it cannot
 * add a new instrument, because schedules, the due list, charts, API paths and the FHIR
 * codes are per built-in id. A replacement must pass questionnaire_load_json() and keep
 * what makes its results comparable with the built-in's (orgq_check): the same id, the
 * same number of items, each item the same answer scores (the same options' scores or the
 * same count range, since a result stores the answers by position), and the same summed
 * items (so totals stay on one scale). Wording, title, source, LOINC, version, zones and
 * cut-offs are the organisation's to change.
 *
 * Loaded definitions are parsed once per version: a process-wide cache keyed by
 * (organisation, id, SHA-256 of the text) that lives until exit (a handful of entries per
 * organisation: one per definition it has loaded while this process ran). Every call still
 * reads the store row's SHA-256 (one small query), so several tolv processes sharing one
 * PostgreSQL agree as soon as a definition is loaded or removed. Thread-safe. */
#ifndef TOLV_DOMAIN_ORGQUESTIONNAIRE_H
#define TOLV_DOMAIN_ORGQUESTIONNAIRE_H

#include "domain/accounts.h"
#include "domain/questionnaire.h"
#include "store/store.h"

/* The organisation's definition of id when it has loaded one, else the built-in; NULL for
 * an id that is not a built-in's. Never released by the caller (lives until exit). If the
 * store cannot be read, the definition this process last used for (org, id) is returned
 * (else the built-in): the store write that follows a scoring fails on its own. A stored
 * text that no longer passes the loader (a later tolv made a rule stricter) gives the
 * built-in, and says so once on stderr. */
const struct questionnaire *questionnaire_for_org(struct store *s, int64_t org_id, const char *id);

/* Validates text as a replacement of a built-in: Q_OK with *def filled (release it), or
 * Q_INVALID with err naming the first problem and its JSON path (the loader's errors, or
 * "id: …", "items: …", "items[8].options: …", "scoring.items: …" for the rules above). */
int orgq_check(const char *text, size_t len, struct questionnaire *def, struct q_error *err);

/* Return value of orgq_load for a file orgq_check refuses (err says why). */
#define ORGQ_BAD_FILE 1

/* Validates text and makes it org_id's definition of its id (replacing an earlier one:
 * *replaced). Audited as "questionnaire.load" (id, version, sha256; never the text).
 * 0, ORGQ_BAD_FILE, or a store status. out (may be NULL) gets the stored row. */
int orgq_load(struct accounts *ac, const struct actor *who, int64_t org_id, const char *text, size_t len,
	      struct org_questionnaire *out, bool *replaced, struct q_error *err);
/* Removes org_id's definition of id, so the built-in applies again; audited as
 * "questionnaire.remove". STORE_NOTFOUND if it has none. */
int orgq_remove(struct accounts *ac, const struct actor *who, int64_t org_id, const char *id);

/* Tests: how many definitions the cache holds (each parsed once). */
size_t orgq_cache_count(void);

#endif
