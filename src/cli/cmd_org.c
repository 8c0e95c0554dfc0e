/* cmd_org.c: `tolv org add|list` — organisations (municipalities, clinics, units). */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int run(int argc, char **argv)
{
	const char *db = NULL, *sub = NULL, *name = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_org);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db))) {
			if (r < 0)
				return usage_error(&cmd_org, "--db needs a value");
			continue;
		}
		if (argv[i][0] == '-')
			return usage_error(&cmd_org, "unknown option '%s'", argv[i]);
		if (!sub)
			sub = argv[i];
		else if (!name)
			name = argv[i];
		else
			return usage_error(&cmd_org, "unexpected argument '%s'", argv[i]);
	}
	if (!sub)
		return usage_error(&cmd_org, "say add or list");
	if (strcmp(sub, "add") == 0) {
		if (!name)
			return usage_error(&cmd_org, "org add needs a NAME");
		struct accounts ac;
		if (open_accounts(db_url(db), 1, &ac))
			return EXIT_FAIL;
		struct actor who;
		cli_actor(&who);
		struct field_error fe = { 0 };
		struct org o;
		int rc = accounts_org_add(&ac, &who, name, &o, &fe);
		int status = EXIT_OK;
		if (rc == ACC_INVALID || rc == STORE_CONFLICT)
			status = fail("%s", fe.message);
		else if (rc)
			status = fail("cannot create the organisation: %s", store_last_error());
		else
			printf("Created organisation \"%s\" (id %lld).\n", o.name, (long long)o.id);
		close_accounts(&ac);
		return status;
	}
	if (strcmp(sub, "list") == 0) {
		if (name)
			return usage_error(&cmd_org, "org list takes no NAME");
		struct store *s;
		if (open_store(db_url(db), false, 1, &s))
			return EXIT_FAIL;
		struct org *orgs = NULL;
		size_t n = 0;
		int rc = store_org_list(s, &orgs, &n);
		if (rc) {
			store_close(s);
			return fail("cannot list organisations: %s", store_last_error());
		}
		for (size_t i = 0; i < n; i++) {
			char when[32];
			format_time(orgs[i].created_at, when, sizeof when);
			printf("%lld\t%s\t%s\n", (long long)orgs[i].id, orgs[i].name, when);
		}
		free(orgs);
		store_close(s);
		return EXIT_OK;
	}
	return usage_error(&cmd_org, "unknown subcommand '%s' (add, list)", sub);
}

const struct command cmd_org = {
	.name = "org",
	.args = "add NAME | list  [--db URL]",
	.summary = "Add or list organisations (each sees only its own people).",
	.help = "  add NAME   create an organisation\n"
		"  list       id, name and creation time of every organisation\n",
	.run = run,
};
