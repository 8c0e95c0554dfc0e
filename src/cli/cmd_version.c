/* cmd_version.c: `tolv version` — the version and the libraries it was built with. */
#include "cli/cli.h"

#include <stdio.h>

#include "config.h"

static int run(int argc, char **argv)
{
	if (argc > 1 && is_help(argv[1])) {
		print_command_help(&cmd_version);
		return EXIT_OK;
	}
	if (argc > 1)
		return usage_error(&cmd_version, "unexpected argument '%s'", argv[1]);
	printf("tolv %s\n", TOLV_VERSION);
	return EXIT_OK;
}

const struct command cmd_version = {
	.name = "version",
	.args = "",
	.summary = "Print the version (also tolv --version).",
	.help = "",
	.run = run,
};
