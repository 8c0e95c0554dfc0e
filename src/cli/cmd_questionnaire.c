/* cmd_questionnaire.c: `tolv questionnaire check|load|list|remove` — an organisation's own
 * definitions of the built-in questionnaires (issue 6; docs/questionnaires.md). */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/orgquestionnaire.h"

/* Reads at most STORE_ORGQ_JSON_MAX bytes of path ("-": standard input) into *out
 * (xmalloc'd); a longer file reads as that many, which orgq_check refuses. */
static int read_in(const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return fail("cannot open %s: %s", path, strerror(errno));
	char *buf = xmalloc(STORE_ORGQ_JSON_MAX + 1);
	size_t n = fread(buf, 1, STORE_ORGQ_JSON_MAX, f);
	bool err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (err) {
		free(buf);
		return fail("cannot read %s", path);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return EXIT_OK;
}

static int do_check(const char *path)
{
	char *text;
	size_t len;
	if (read_in(path, &text, &len))
		return EXIT_FAIL;
	struct questionnaire def;
	struct q_error err;
	int status = EXIT_OK;
	if (orgq_check(text, len, &def, &err)) {
		status = fail("%s: %s", path, err.message);
	} else {
		printf("%s: a valid definition of %s, version %d, %zu items.\n", path, def.id, def.version, def.nitems);
		questionnaire_release(&def);
	}
	free(text);
	return status;
}

static int do_load(const char *db, const char *orgname, const char *path)
{
	char *text;
	size_t len;
	if (read_in(path, &text, &len))
		return EXIT_FAIL;
	struct accounts ac;
	if (open_accounts(db_url(db), 1, &ac)) {
		free(text);
		return EXIT_FAIL;
	}
	struct actor who;
	cli_actor(&who);
	struct org o;
	int status = EXIT_OK;
	if (find_org(ac.store, orgname, &o)) {
		status = EXIT_FAIL;
	} else {
		struct org_questionnaire q;
		struct q_error err;
		bool replaced = false;
		int rc = orgq_load(&ac, &who, o.id, text, len, &q, &replaced, &err);
		if (rc == ORGQ_BAD_FILE)
			status = fail("%s: %s; nothing was loaded", path, err.message);
		else if (rc)
			status = fail("cannot load: %s", store_last_error());
		else
			printf("%s %s version %d for %s (sha256 %.12s).\n", replaced ? "Replaced" : "Loaded",
			       q.questionnaire, q.version, o.name, q.sha256);
	}
	close_accounts(&ac);
	free(text);
	return status;
}

static int do_list(const char *db, const char *orgname)
{
	struct store *s;
	if (open_store(db_url(db), false, 1, &s))
		return EXIT_FAIL;
	struct org o;
	if (find_org(s, orgname, &o)) {
		store_close(s);
		return EXIT_FAIL;
	}
	struct org_questionnaire *qs = NULL;
	size_t n = 0;
	if (store_orgq_list(s, o.id, &qs, &n)) {
		int st = fail("cannot list: %s", store_last_error());
		store_close(s);
		return st;
	}
	/* Every built-in, with the organisation's own definition where it has one. */
	for (size_t i = 0; i < questionnaire_builtin_count(); i++) {
		const struct questionnaire *b = questionnaire_builtin_at(i);
		const struct org_questionnaire *own = NULL;
		for (size_t k = 0; k < n && !own; k++)
			if (!strcmp(qs[k].questionnaire, b->id))
				own = &qs[k];
		if (!own) {
			printf("%s\tbuilt-in\tversion %d\n", b->id, b->version);
			continue;
		}
		char when[32];
		format_time(own->loaded_at, when, sizeof when);
		printf("%s\town\tversion %d\tsha256 %.12s\tloaded %s\tby %s\n", b->id, own->version, own->sha256, when,
		       own->loaded_by ? own->loaded_by_email : "the command line");
	}
	free(qs);
	store_close(s);
	return EXIT_OK;
}

static int do_remove(const char *db, const char *orgname, const char *id)
{
	if (!questionnaire_builtin(id))
		return usage_error(&cmd_questionnaire, "'%s' is not a questionnaire (tolv questionnaire list)", id);
	struct accounts ac;
	if (open_accounts(db_url(db), 1, &ac))
		return EXIT_FAIL;
	struct actor who;
	cli_actor(&who);
	struct org o;
	int status = EXIT_OK;
	if (find_org(ac.store, orgname, &o)) {
		status = EXIT_FAIL;
	} else {
		int rc = orgq_remove(&ac, &who, o.id, id);
		if (rc == STORE_NOTFOUND)
			status = fail("%s has no definition of its own of %s", o.name, id);
		else if (rc)
			status = fail("cannot remove: %s", store_last_error());
		else
			printf("Removed %s's own %s; the built-in applies again.\n", o.name, id);
	}
	close_accounts(&ac);
	return status;
}

static int run(int argc, char **argv)
{
	const char *db = NULL, *org = NULL, *sub = NULL, *arg = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_questionnaire);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db)) || (r = opt_value(argc, argv, &i, "--org", &org))) {
			if (r < 0)
				return usage_error(&cmd_questionnaire, "%s needs a value", argv[i]);
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error(&cmd_questionnaire, "unknown option '%s'", argv[i]);
		if (!sub)
			sub = argv[i];
		else if (!arg)
			arg = argv[i];
		else
			return usage_error(&cmd_questionnaire, "unexpected argument '%s'", argv[i]);
	}
	if (!sub)
		return usage_error(&cmd_questionnaire, "say check, load, list or remove");
	if (!strcmp(sub, "check")) {
		if (!arg)
			return usage_error(&cmd_questionnaire, "check needs a FILE");
		return do_check(arg);
	}
	if (!strcmp(sub, "load")) {
		if (!org || !arg)
			return usage_error(&cmd_questionnaire, "load needs --org NAME and a FILE");
		return do_load(db, org, arg);
	}
	if (!strcmp(sub, "list")) {
		if (!org || arg)
			return usage_error(&cmd_questionnaire, "list needs --org NAME and no argument");
		return do_list(db, org);
	}
	if (!strcmp(sub, "remove")) {
		if (!org || !arg)
			return usage_error(&cmd_questionnaire, "remove needs --org NAME and an ID (audit, audit-c, ...)");
		return do_remove(db, org, arg);
	}
	return usage_error(&cmd_questionnaire, "unknown subcommand '%s' (check, load, list, remove)", sub);
}

const struct command cmd_questionnaire = {
	.name = "questionnaire",
	.args = "check FILE | load --org NAME FILE | list --org NAME | remove --org NAME ID  [--db URL]",
	.summary = "An organisation's own questionnaire definitions (check, load, list, remove).",
	.help = "  check    validate a definition file (docs/questionnaires.md) as a replacement of a\n"
		"           built-in; prints the first thing wrong with its JSON path and exits 1\n"
		"  load     make a checked file the organisation's definition of its id (audit,\n"
		"           audit-c, dudit, days-abstinent): its wording, zones and cut-offs apply to\n"
		"           every form and result from now on; loading again replaces it\n"
		"  list     each questionnaire: built-in, or own with version, sha256, when and by whom\n"
		"  remove   remove the organisation's definition of ID; the built-in applies again\n"
		"A replacement keeps the built-in's id, number of items, answer scores and summed items,\n"
		"so stored answers and totals stay comparable. FILE may be - for standard input.\n",
	.run = run,
};
