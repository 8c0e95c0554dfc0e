/* cmd_routes.c: `tolv routes` — the route table as JSON (for the access-matrix tests and docs). */
#include "cli/cli.h"

#include <stdio.h>

#include "core/buf.h"
#include "http/router.h"

static int run(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			print_command_help(&cmd_routes);
			return EXIT_OK;
		}
		return usage_error(&cmd_routes, "unexpected argument '%s'", argv[i]);
	}
	struct buf b = BUF_INIT;
	routes_dump_json(&b);
	fwrite(b.data, 1, b.len, stdout);
	if (!b.len || b.data[b.len - 1] != '\n')
		fputc('\n', stdout);
	buf_release(&b);
	return EXIT_OK;
}

const struct command cmd_routes = {
	.name = "routes",
	.args = "",
	.summary = "Print the HTTP route table as JSON (method, pattern, flags, roles).",
	.help = "",
	.run = run,
};
