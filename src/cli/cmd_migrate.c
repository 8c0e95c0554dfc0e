/* cmd_migrate.c: `tolv migrate` — apply the schema migrations this tolv knows. */
#include "cli/cli.h"

#include <stdio.h>

static int run(int argc, char **argv)
{
	const char *db = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_migrate);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db))) {
			if (r < 0)
				return usage_error(&cmd_migrate, "--db needs a value");
			continue;
		}
		return usage_error(&cmd_migrate, "unknown argument '%s'", argv[i]);
	}
	struct store *s;
	if (store_open(db_url(db), 1, &s))
		return fail("cannot open the database: %s", store_last_error());
	int applied = 0, version = 0;
	int rc = store_migrate(s, &applied);
	if (rc == 0)
		rc = store_schema_version(s, &version);
	if (rc) {
		fail("migration failed: %s", store_last_error());
		store_close(s);
		return EXIT_FAIL;
	}
	printf("Applied %d migration%s; the schema is at version %d.\n", applied, applied == 1 ? "" : "s", version);
	store_close(s);
	return EXIT_OK;
}

const struct command cmd_migrate = {
	.name = "migrate",
	.args = "[--db URL]",
	.summary = "Apply the database migrations that have not been applied yet.",
	.help = "Safe to run while other tolv processes use the database.\n",
	.run = run,
};
