/* runner.h: what every store test program shares — the backend chosen by TOLV_TEST_DB
 * (a fresh SQLite file by default; on PostgreSQL a fresh database created for the run and
 * dropped after it), the opened and migrated store, and the closing count line
 * "store tests: N passed on BACKEND" that scripts/test.sh sums per backend. */
#ifndef TOLV_TESTS_STORE_RUNNER_H
#define TOLV_TESTS_STORE_RUNNER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/store.h"

/* The store under test, open and migrated while the tests run. */
extern struct store *st;
/* True when TOLV_TEST_DB is a PostgreSQL URL. */
extern bool is_pg;

/* Runs tests as group `name` (also used to name the database) on the chosen backend and
 * returns the process exit status. */
int store_test_run(const char *name, const struct CMUnitTest *tests, size_t n);

#endif
