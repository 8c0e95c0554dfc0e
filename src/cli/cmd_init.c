/* cmd_init.c: `tolv init` — create or migrate the database, the organisation and its administrator. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int run(int argc, char **argv)
{
	const char *db = NULL, *org = NULL, *admin = NULL, *name = "";
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_init);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db)) ||
		    (r = opt_value(argc, argv, &i, "--org", &org)) ||
		    (r = opt_value(argc, argv, &i, "--admin", &admin)) ||
		    (r = opt_value(argc, argv, &i, "--name", &name))) {
			if (r < 0)
				return usage_error(&cmd_init, "%s needs a value", argv[i]);
			continue;
		}
		return usage_error(&cmd_init, "unknown argument '%s'", argv[i]);
	}
	if (!org || !*org)
		return usage_error(&cmd_init, "--org NAME is required");
	if (!admin || !*admin)
		return usage_error(&cmd_init, "--admin EMAIL is required");

	struct accounts ac;
	if (open_accounts(db_url(db), 1, &ac))
		return EXIT_FAIL;
	int status = EXIT_FAIL;
	struct actor who;
	cli_actor(&who);
	struct field_error fe = { 0 };
	struct org o;
	int rc = store_org_get_by_name(ac.store, org, &o);
	if (rc == STORE_NOTFOUND) {
		rc = accounts_org_add(&ac, &who, org, &o, &fe);
		if (rc) {
			fail("cannot create the organisation: %s", rc == ACC_INVALID || rc == STORE_CONFLICT
								   ? fe.message
								   : store_last_error());
			goto out;
		}
		printf("Created organisation \"%s\".\n", o.name);
	} else if (rc) {
		fail("cannot read organisations: %s", store_last_error());
		goto out;
	}

	const char *pw = getenv("TOLV_ADMIN_PASSWORD");
	char onetime[32] = "";
	struct user u;
	bool existing = false;
	rc = accounts_user_add(&ac, &who, o.id, admin, name, "admin", pw, onetime, sizeof onetime, &u, &existing,
			       &fe);
	if (rc == STORE_CONFLICT) {
		printf("%s is already an administrator or member of \"%s\"; nothing more to do.\n", admin, o.name);
		status = EXIT_OK;
		goto out;
	}
	if (rc == ACC_INVALID) {
		status = usage_error(&cmd_init, "%s", fe.message);
		goto out;
	}
	if (rc) {
		fail("cannot create the administrator: %s", store_last_error());
		goto out;
	}
	if (existing)
		printf("%s already had an account; it is now an administrator of \"%s\".\n", u.email, o.name);
	else if (onetime[0])
		printf("Administrator %s created.\nOne-time password (shown once, to be changed at first login): %s\n",
		       u.email, onetime);
	else
		printf("Administrator %s created with the password from TOLV_ADMIN_PASSWORD.\n", u.email);
	secure_wipe(onetime, sizeof onetime);
	status = EXIT_OK;
out:
	close_accounts(&ac);
	return status;
}

const struct command cmd_init = {
	.name = "init",
	.args = "[--db URL] --org NAME --admin EMAIL [--name NAME]",
	.summary = "Create or migrate the database, an organisation and its administrator.",
	.help = "The administrator's one-time password is printed once; set TOLV_ADMIN_PASSWORD\n"
		"to choose the password instead (for scripts). Running it again is harmless.\n",
	.run = run,
};
