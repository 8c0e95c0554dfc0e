/* runner.c: the shared set-up of the store test programs (see runner.h). */
#include "runner.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store_testing.h"

struct store *st;
bool is_pg;

static const char *group_name;
static char base_url[1024];
static char tmpdir[512];
static char pg_db[64];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	(void)state;
	char url[1200];
	if (is_pg) {
		char rnd[16];
		random_token(rnd, sizeof rnd, 6);
		ascii_lower(rnd);
		for (char *c = rnd; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
				*c = 'x';
		/* Database names are [a-z0-9_] (store_testing_pg_database checks). */
		snprintf(pg_db, sizeof pg_db, "tolv_test_%d_%s_%.20s", (int)getpid(), rnd, group_name);
		if (store_testing_pg_database(base_url, pg_db, true)) {
			fprintf(stderr, "cannot create test database: %s\n", store_last_error());
			pg_db[0] = '\0';
			return -1;
		}
		snprintf(url, sizeof url, "%s%cdbname=%s", base_url, strchr(base_url, '?') ? '&' : '?', pg_db);
	} else {
		snprintf(url, sizeof url, "sqlite:%s/%.40s.db", tmpdir, group_name);
	}
	if (store_open(url, 4, &st) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", store_last_error());
		return -1;
	}
	if (store_migrate(st, NULL)) {
		fprintf(stderr, "migrate: %s\n", store_last_error());
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(st);
	st = NULL;
	return 0;
}

int store_test_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
	group_name = name;
	const char *env = getenv("TOLV_TEST_DB");
	if (util_init() != 0) {
		fprintf(stderr, "util_init failed\n");
		return 1;
	}
	if (env && (!strncmp(env, "postgresql://", 13) || !strncmp(env, "postgres://", 11))) {
		is_pg = true;
		if (!copy_str(base_url, sizeof base_url, env)) {
			fprintf(stderr, "TOLV_TEST_DB is too long\n");
			return 1;
		}
	} else if (env && *env && strcmp(env, "sqlite:") && strcmp(env, "sqlite")) {
		fprintf(stderr, "TOLV_TEST_DB: want sqlite: or postgresql://... (got another scheme)\n");
		return 1;
	}
	if (!is_pg) {
		const char *t = getenv("TMPDIR");
		snprintf(tmpdir, sizeof tmpdir, "%s/tolv-%s-XXXXXX", t && *t ? t : "/tmp", name);
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			return 1;
		}
	}

	int failed = _cmocka_run_group_tests(name, tests, n, group_setup, group_teardown);

	if (is_pg && pg_db[0] && store_testing_pg_database(base_url, pg_db, false))
		fprintf(stderr, "cannot drop test database %s: %s\n", pg_db, store_last_error());
	if (!is_pg)
		nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);

	const char *backend = is_pg ? "postgresql" : "sqlite";
	fflush(stderr);
	if (failed)
		printf("store tests: %zu passed, %d failed on %s\n", n - (size_t)failed, failed, backend);
	else
		printf("store tests: %zu passed on %s\n", n, backend);
	return failed ? 1 : 0;
}
