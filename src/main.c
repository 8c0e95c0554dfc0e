/* main.c: argv → the command table. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config.h"
#include "core/util.h"

static const struct command *const commands[] = {
	&cmd_serve, &cmd_init, &cmd_migrate, &cmd_user, &cmd_org, &cmd_token, &cmd_backup, &cmd_audit,
	&cmd_routes, &cmd_version,
	&cmd_import, /* the meeting directory (issue 5) */
	&cmd_network, /* the network report (issue 7) */
	&cmd_questionnaire, /* an organisation's own questionnaires (issue 6) */
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void help(FILE *f)
{
	fprintf(f, "tolv %s — runs a professional 12-step treatment programme.\n\n"
		   "Usage: tolv COMMAND [ARGS]\n\nCommands:\n",
		TOLV_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nEvery command that touches data takes --db URL (sqlite:PATH or postgresql://...;\n"
		   "default $TOLV_DB, else sqlite:var/tolv.db). 'tolv COMMAND --help' tells more.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tolv %s\n", TOLV_VERSION);
		return EXIT_OK;
	}
	if (util_init() != 0) {
		fprintf(stderr, "tolv: cannot initialise libsodium\n");
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "tolv: unknown command '%s'. See 'tolv --help'.\n", argv[1]);
	return EXIT_USAGE;
}
