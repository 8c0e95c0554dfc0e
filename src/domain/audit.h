/* audit.h: the audit log — who did what, from where, to which record.
 *
 * Entries are hash-chained: hash = SHA-256 over the canonical form of every field
 * and the previous entry's hash, so `tolv audit verify` detects any edit or deletion
 * inside the chain.
 *
 * Writing is group-committed: auditor_log() hands the entry to one writer thread,
 * which appends everything that is waiting in one transaction and then wakes every
 * request whose entry it committed. Concurrent requests therefore share an fsync
 * instead of queueing behind one each, while each still returns only once its own
 * entry is durable.
 */
#ifndef TOLV_DOMAIN_AUDIT_H
#define TOLV_DOMAIN_AUDIT_H

#include "store/store.h"

struct auditor;

/* The chain hash of store.h's audit_hash_fn. */
void audit_compute_hash(struct audit_entry *e);

/* threaded: true starts the group-commit writer (the server); false writes each entry
 * synchronously in the caller's thread (the CLI). */
struct auditor *auditor_new(struct store *s, bool threaded);
/* Drains what is queued, stops the writer, frees. */
void auditor_free(struct auditor *a);
/* Fills at_ms if 0, appends durably; returns 0 or a store_status. Blocks until durable. */
int auditor_log(struct auditor *a, struct audit_entry *e);

/* Logs n entries through the same writer, so they share commits with every other
 * request's entries; blocks until all are durable. Returns 0, or the first failure's store_status. */
int auditor_log_many(struct auditor *a, struct audit_entry *es, size_t n);

/* Logs one listing entry e (say "person.list" with the page's name as detail) whose
 * subjects are the persons shown: sorted and de-duplicated here, stored in
 * audit_subjects, covered by the entry's hash, and found per person by a filter on
 * object_id. One entry for a page of n people instead of n. Blocks until durable;
 * nothing is logged if n is 0. Returns 0 or a store_status. */
int auditor_log_listing(struct auditor *a, struct audit_entry *e, const int64_t *person_ids, size_t n);

/* Convenience: builds and logs an entry. Strings may be NULL (→ ""). */
int audit_event(struct auditor *a, int64_t user_id, const char *actor, int64_t org_id, const char *addr,
		const char *action, const char *object_type, const char *object_id, const char *detail);

struct audit_verify_result {
	int64_t checked;   /* entries checked */
	int64_t bad_seq;   /* first entry that fails, 0 if none */
	char reason[160];  /* English, empty if ok */
	char last_hash[STORE_HEX_MAX]; /* hash of the last good entry (an anchor to note down) */
};
/* Walks the whole chain. Returns 0 if it verifies, 1 if it does not (see r), or a
 * negative store_status on database failure. */
int audit_verify(struct store *s, struct audit_verify_result *r);

#endif
