/* cmd_user.c: `tolv user add|list|disable|enable|passwd` — staff accounts from the command line. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/roles.h"

struct args {
	const char *db, *sub, *email, *org, *role, *name;
};

static int user_add(struct accounts *ac, const struct args *a)
{
	if (!a->org)
		return usage_error(&cmd_user, "user add needs --org NAME");
	if (!a->role)
		return usage_error(&cmd_user, "user add needs --role (admin, coordinator, therapist or auditor)");
	if (role_parse(a->role) == ROLE_NONE)
		return usage_error(&cmd_user, "unknown role '%s' (admin, coordinator, therapist or auditor)", a->role);
	struct org o;
	if (find_org(ac->store, a->org, &o))
		return EXIT_FAIL;
	struct actor who;
	cli_actor(&who);
	struct field_error fe = { 0 };
	char onetime[32] = "";
	struct user u;
	bool existing = false;
	int rc = accounts_user_add(ac, &who, o.id, a->email, a->name ? a->name : "", a->role,
				   getenv("TOLV_USER_PASSWORD"), onetime, sizeof onetime, &u, &existing, &fe);
	if (rc == ACC_INVALID)
		return usage_error(&cmd_user, "%s", fe.message);
	if (rc == STORE_CONFLICT)
		return fail("%s", fe.message ? fe.message : "that user already exists");
	if (rc)
		return fail("cannot add the user: %s", store_last_error());
	if (existing)
		printf("%s already had an account; added to \"%s\" as %s.\n", u.email, o.name, a->role);
	else
		printf("Added %s to \"%s\" as %s (id %lld).\n", u.email, o.name, a->role, (long long)u.id);
	if (onetime[0])
		printf("One-time password (shown once, to be changed at first login): %s\n", onetime);
	secure_wipe(onetime, sizeof onetime);
	return EXIT_OK;
}

static int user_list(struct accounts *ac, const struct args *a)
{
	int64_t org_id = 0;
	struct org o;
	if (a->org) {
		if (find_org(ac->store, a->org, &o))
			return EXIT_FAIL;
		org_id = o.id;
	}
	int offset = 0;
	for (;;) {
		struct user_row *rows = NULL;
		size_t n = 0;
		int64_t total = 0;
		if (store_user_list(ac->store, org_id, 500, offset, &rows, &n, &total))
			return fail("cannot list users: %s", store_last_error());
		for (size_t i = 0; i < n; i++) {
			const struct user_row *r = &rows[i];
			const char *state = r->user.disabled ? "disabled" : r->m.disabled ? "no access" : "active";
			printf("%lld\t%s\t%s\t%s\t%s\n", (long long)r->user.id, r->user.email,
			       org_id ? r->m.role : "-", state, r->user.name);
		}
		free(rows);
		offset += (int)n;
		if (n == 0 || offset >= total)
			break;
	}
	return EXIT_OK;
}

static int user_change(struct accounts *ac, const struct args *a)
{
	struct user u;
	char email[STORE_EMAIL_MAX];
	copy_str(email, sizeof email, a->email);
	ascii_lower(email);
	int rc = store_user_get_by_email(ac->store, email, &u);
	if (rc == STORE_NOTFOUND)
		return fail("no user has the e-mail address %s", a->email);
	if (rc)
		return fail("cannot read the user: %s", store_last_error());
	struct actor who;
	cli_actor(&who);
	if (!strcmp(a->sub, "disable") || !strcmp(a->sub, "enable")) {
		bool disable = !strcmp(a->sub, "disable");
		if (accounts_user_disable(ac, &who, u.id, disable))
			return fail("cannot change the user: %s", store_last_error());
		printf("%s is %s.\n", u.email, disable ? "disabled and logged out everywhere" : "enabled");
		return EXIT_OK;
	}
	/* passwd */
	const char *pw = getenv("TOLV_USER_PASSWORD");
	struct field_error fe = { 0 };
	if (pw && *pw) {
		rc = accounts_set_password(ac, &who, u.id, pw, false, &fe);
		if (rc == ACC_INVALID)
			return fail("%s", fe.message);
		if (rc)
			return fail("cannot set the password: %s", store_last_error());
		printf("Password of %s set from TOLV_USER_PASSWORD.\n", u.email);
		return EXIT_OK;
	}
	char onetime[32];
	if (accounts_reset_password(ac, &who, u.id, onetime, sizeof onetime))
		return fail("cannot reset the password: %s", store_last_error());
	printf("One-time password for %s (shown once, to be changed at first login): %s\n", u.email, onetime);
	secure_wipe(onetime, sizeof onetime);
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	struct args a = { 0 };
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_user);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &a.db)) || (r = opt_value(argc, argv, &i, "--org", &a.org)) ||
		    (r = opt_value(argc, argv, &i, "--role", &a.role)) ||
		    (r = opt_value(argc, argv, &i, "--name", &a.name))) {
			if (r < 0)
				return usage_error(&cmd_user, "%s needs a value", argv[i]);
			continue;
		}
		if (argv[i][0] == '-')
			return usage_error(&cmd_user, "unknown option '%s'", argv[i]);
		if (!a.sub)
			a.sub = argv[i];
		else if (!a.email)
			a.email = argv[i];
		else
			return usage_error(&cmd_user, "unexpected argument '%s'", argv[i]);
	}
	if (!a.sub)
		return usage_error(&cmd_user, "say add, list, disable, enable or passwd");
	bool needs_email = strcmp(a.sub, "list") != 0;
	if (strcmp(a.sub, "add") && strcmp(a.sub, "list") && strcmp(a.sub, "disable") && strcmp(a.sub, "enable") &&
	    strcmp(a.sub, "passwd"))
		return usage_error(&cmd_user, "unknown subcommand '%s'", a.sub);
	if (needs_email && !a.email)
		return usage_error(&cmd_user, "user %s needs an EMAIL", a.sub);
	if (!needs_email && a.email)
		return usage_error(&cmd_user, "user list takes no EMAIL (use --org NAME to choose)");

	struct accounts ac;
	if (open_accounts(db_url(a.db), 1, &ac))
		return EXIT_FAIL;
	int status;
	if (!strcmp(a.sub, "add"))
		status = user_add(&ac, &a);
	else if (!strcmp(a.sub, "list"))
		status = user_list(&ac, &a);
	else
		status = user_change(&ac, &a);
	close_accounts(&ac);
	return status;
}

const struct command cmd_user = {
	.name = "user",
	.args = "add EMAIL --org NAME --role ROLE [--name NAME] | list [--org NAME] | disable EMAIL |\n"
		"                 enable EMAIL | passwd EMAIL   [--db URL]",
	.summary = "Manage staff accounts.",
	.help = "  add      create an account (or give an existing one access) with a role in an\n"
		"           organisation: admin, coordinator, therapist or auditor. Prints a one-time\n"
		"           password, or takes the password from TOLV_USER_PASSWORD.\n"
		"  list     id, e-mail, role, state and name (of one organisation with --org)\n"
		"  disable  refuse the account's logins everywhere and end its sessions\n"
		"  enable   allow it again\n"
		"  passwd   set a new one-time password (or TOLV_USER_PASSWORD)\n",
	.run = run,
};
