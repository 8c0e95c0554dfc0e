/* cmd_token.c: `tolv token create` — an API token for a user, shown once and stored hashed. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int run(int argc, char **argv)
{
	const char *db = NULL, *sub = NULL, *email = NULL, *org = NULL, *label = "cli";
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_token);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db)) || (r = opt_value(argc, argv, &i, "--org", &org)) ||
		    (r = opt_value(argc, argv, &i, "--label", &label))) {
			if (r < 0)
				return usage_error(&cmd_token, "%s needs a value", argv[i]);
			continue;
		}
		if (argv[i][0] == '-')
			return usage_error(&cmd_token, "unknown option '%s'", argv[i]);
		if (!sub)
			sub = argv[i];
		else if (!email)
			email = argv[i];
		else
			return usage_error(&cmd_token, "unexpected argument '%s'", argv[i]);
	}
	if (!sub || strcmp(sub, "create") != 0)
		return usage_error(&cmd_token, "say create");
	if (!email)
		return usage_error(&cmd_token, "token create needs an EMAIL");

	struct accounts ac;
	if (open_accounts(db_url(db), 1, &ac))
		return EXIT_FAIL;
	int status = EXIT_FAIL;
	struct membership *ms = NULL;
	size_t n = 0;
	struct user u;
	char norm[STORE_EMAIL_MAX];
	copy_str(norm, sizeof norm, email);
	ascii_lower(norm);
	int rc = store_user_get_by_email(ac.store, norm, &u);
	if (rc) {
		fail(rc == STORE_NOTFOUND ? "no user has the e-mail address %s" : "cannot read the user %s", email);
		goto out;
	}
	int64_t org_id = 0;
	if (org) {
		struct org o;
		if (find_org(ac.store, org, &o))
			goto out;
		org_id = o.id;
	} else {
		if (store_memberships_of_user(ac.store, u.id, &ms, &n)) {
			fail("cannot read memberships: %s", store_last_error());
			goto out;
		}
		if (n != 1) {
			status = usage_error(&cmd_token, "%s belongs to %zu organisations: choose one with --org NAME",
					     email, n);
			goto out;
		}
		org_id = ms[0].org_id;
	}
	struct actor who;
	cli_actor(&who);
	who.org_id = org_id;
	char token[STORE_TOKEN_MAX];
	rc = accounts_token_create(&ac, &who, u.id, org_id, label, token, sizeof token);
	if (rc == STORE_NOTFOUND) {
		fail("%s is not a member of that organisation", email);
		goto out;
	}
	if (rc) {
		fail("cannot create the token: %s", store_last_error());
		goto out;
	}
	printf("%s\n", token);
	fprintf(stderr, "tolv: the token above is shown once; send it as 'Authorization: Bearer TOKEN'.\n");
	secure_wipe(token, sizeof token);
	status = EXIT_OK;
out:
	free(ms);
	close_accounts(&ac);
	return status;
}

const struct command cmd_token = {
	.name = "token",
	.args = "create EMAIL [--org NAME] [--label TEXT] [--db URL]",
	.summary = "Create an API token for a user (printed once; only its hash is stored).",
	.help = "The token acts as the user, with their role, in one organisation (--org is needed\n"
		"when the user belongs to several). Only the token is printed on standard output.\n",
	.run = run,
};
