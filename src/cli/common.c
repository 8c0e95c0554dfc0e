/* common.c: what the commands share — opening the store, messages, option parsing. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void print_command_help(const struct command *c)
{
	printf("Usage: tolv %s %s\n\n%s\n", c->name, c->args, c->summary);
	if (c->help && *c->help)
		printf("\n%s", c->help);
}

int usage_error(const struct command *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tolv %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: tolv %s %s\nSee 'tolv %s --help'.\n", c->name, c->args, c->name);
	return EXIT_USAGE;
}

int fail(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tolv: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

const char *db_url(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("TOLV_DB");
	if (env && *env)
		return env;
	return "sqlite:var/tolv.db";
}

int open_store(const char *url, bool migrate, int pool, struct store **out)
{
	int rc = store_open(url, pool, out);
	if (rc) {
		fail("cannot open the database: %s", store_last_error());
		return rc;
	}
	if (migrate) {
		int applied = 0;
		rc = store_migrate(*out, &applied);
		if (rc) {
			fail("cannot bring the database schema up to date: %s", store_last_error());
			store_close(*out);
			*out = NULL;
			return rc;
		}
		if (applied)
			fprintf(stderr, "tolv: applied %d migration%s\n", applied, applied == 1 ? "" : "s");
	} else {
		int have = 0;
		rc = store_schema_version(*out, &have);
		if (rc == 0 && have < store_latest_version()) {
			fail("the database schema is at version %d, this tolv needs %d: run 'tolv migrate'", have,
			     store_latest_version());
			store_close(*out);
			*out = NULL;
			return STORE_INVALID;
		}
	}
	return 0;
}

int open_accounts(const char *url, int pool, struct accounts *ac)
{
	memset(ac, 0, sizeof *ac);
	int rc = open_store(url, true, pool, &ac->store);
	if (rc)
		return rc;
	ac->audit = auditor_new(ac->store, false);
	return 0;
}

void close_accounts(struct accounts *ac)
{
	auditor_free(ac->audit);
	store_close(ac->store);
	memset(ac, 0, sizeof *ac);
}

void cli_actor(struct actor *who)
{
	memset(who, 0, sizeof *who);
	/* The command line runs with access to the database itself; it is named as such. */
	copy_str(who->email, sizeof who->email, "cli");
}

int find_org(struct store *s, const char *name, struct org *out)
{
	int rc = store_org_get_by_name(s, name, out);
	if (rc == STORE_NOTFOUND)
		fail("no organisation is named \"%s\" (see 'tolv org list')", name);
	else if (rc)
		fail("cannot read organisations: %s", store_last_error());
	return rc;
}

int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}
