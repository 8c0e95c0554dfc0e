/* cmd_audit.c: `tolv audit verify` — check the audit log's hash chain. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"

static int run(int argc, char **argv)
{
	const char *db = NULL, *sub = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_audit);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db))) {
			if (r < 0)
				return usage_error(&cmd_audit, "--db needs a value");
			continue;
		}
		if (argv[i][0] == '-')
			return usage_error(&cmd_audit, "unknown option '%s'", argv[i]);
		if (sub)
			return usage_error(&cmd_audit, "unexpected argument '%s'", argv[i]);
		sub = argv[i];
	}
	if (!sub || strcmp(sub, "verify") != 0)
		return usage_error(&cmd_audit, "say verify");
	struct store *s;
	if (open_store(db_url(db), false, 1, &s))
		return EXIT_FAIL;
	struct audit_verify_result r;
	int rc = audit_verify(s, &r);
	store_close(s);
	if (rc < 0)
		return fail("cannot read the audit log: %s", store_last_error());
	if (rc) {
		printf("The audit log does NOT verify: %s (after %lld good entries).\n", r.reason, (long long)r.checked);
		return EXIT_FAIL;
	}
	printf("The audit log verifies: %lld entries, every hash links to the one before.\n", (long long)r.checked);
	if (r.checked)
		printf("Last entry: %lld, hash %s (note it down: a later verify must still contain it).\n",
		       (long long)r.checked, r.last_hash);
	return EXIT_OK;
}

const struct command cmd_audit = {
	.name = "audit",
	.args = "verify [--db URL]",
	.summary = "Verify the audit log's hash chain (exit 1 if an entry was edited or deleted).",
	.help = "Each entry's hash covers its fields and the previous entry's hash, so changing or\n"
		"removing any entry breaks the chain from there on.\n",
	.run = run,
};
