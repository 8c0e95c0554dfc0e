/* store_testing.h: hooks for tests/store only — never include this from application code.
 *
 * They exist so that one test program can run unchanged on both backends without
 * including sqlite3.h or libpq-fe.h: creating a throw-away PostgreSQL database per run,
 * and reaching past the interface to prove that the database itself refuses edits of
 * the audit log.
 */
#ifndef TOLV_STORE_STORE_TESTING_H
#define TOLV_STORE_STORE_TESTING_H

#include "store/store.h"

/* Runs one constant SQL statement (no parameters, results discarded). */
int store_testing_exec(struct store *s, const char *sql);

/* PostgreSQL only: connects to the server of url and creates (create=true) or drops
 * (WITH (FORCE)) the database name, which must match [a-z0-9_]{1,63}. */
int store_testing_pg_database(const char *url, const char *name, bool create);

#endif
