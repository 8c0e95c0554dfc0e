/* cmd_backup.c: `tolv backup FILE` — an online, consistent copy of the database. */
#include "cli/cli.h"

#include <stdio.h>

static int run(int argc, char **argv)
{
	const char *db = NULL, *file = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_backup);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db))) {
			if (r < 0)
				return usage_error(&cmd_backup, "--db needs a value");
			continue;
		}
		if (argv[i][0] == '-')
			return usage_error(&cmd_backup, "unknown option '%s'", argv[i]);
		if (file)
			return usage_error(&cmd_backup, "unexpected argument '%s'", argv[i]);
		file = argv[i];
	}
	if (!file)
		return usage_error(&cmd_backup, "name the FILE to write");
	struct store *s;
	if (open_store(db_url(db), false, 1, &s))
		return EXIT_FAIL;
	int rc = store_backup(s, file);
	store_close(s);
	if (rc)
		return fail("backup failed: %s", store_last_error());
	printf("Backup written to %s.\n", file);
	return EXIT_OK;
}

const struct command cmd_backup = {
	.name = "backup",
	.args = "FILE [--db URL]",
	.summary = "Write an online, consistent copy of the database to FILE.",
	.help = "SQLite: a database file (open it with --db sqlite:FILE). PostgreSQL: a pg_dump\n"
		"archive in custom format (restore with pg_restore). The server may keep running.\n"
		"FILE must not exist.\n",
	.run = run,
};
