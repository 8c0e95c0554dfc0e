/* cmd_network.c: `tolv network export|import|list|remove|join|leave` — the network
 * report's aggregate files between installations (issue 7; the format is in
 * docs/network.md). */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/network.h"

/* The installation's label: --label, else $TOLV_INSTALLATION, else the host name. */
static const char *installation_label(const char *opt, char *buf, size_t len)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("TOLV_INSTALLATION");
	if (env && *env)
		return env;
	if (gethostname(buf, len) == 0) {
		buf[len - 1] = '\0';
		if (*buf)
			return buf;
	}
	return "tolv";
}

static int write_out(const char *path, const char *text)
{
	if (!path || !strcmp(path, "-")) {
		fputs(text, stdout);
		return fflush(stdout) ? fail("cannot write the file: %s", strerror(errno)) : EXIT_OK;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (fd < 0)
		return fail("cannot create %s: %s", path, strerror(errno));
	size_t len = strlen(text), done = 0;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(path);
			return fail("cannot write %s: %s", path, strerror(errno));
		}
		done += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		unlink(path);
		return fail("cannot write %s: %s", path, strerror(errno));
	}
	return EXIT_OK;
}

/* Reads at most NET_FILE_MAX + 1 bytes of path into *out (xmalloc'd). */
static int read_in(const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return fail("cannot open %s: %s", path, strerror(errno));
	char *buf = xmalloc(NET_FILE_MAX + 2);
	size_t n = fread(buf, 1, NET_FILE_MAX + 1, f);
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

static int run(int argc, char **argv)
{
	const char *db = NULL, *org = NULL, *from_s = NULL, *to_s = NULL, *tmpl = NULL, *outp = NULL, *label = NULL;
	const char *sub = NULL, *arg = NULL;
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_network);
			return EXIT_OK;
		}
		struct {
			const char *name;
			const char **val;
		} opts[] = { { "--db", &db },	  { "--org", &org },	       { "--from", &from_s },
			     { "--to", &to_s },	  { "--template", &tmpl },     { "-o", &outp },
			     { "--output", &outp }, { "--label", &label } };
		bool matched = false;
		for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !matched; k++) {
			if ((r = opt_value(argc, argv, &i, opts[k].name, opts[k].val))) {
				if (r < 0)
					return usage_error(&cmd_network, "%s needs a value", opts[k].name);
				matched = true;
			}
		}
		if (matched)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error(&cmd_network, "unknown option '%s'", argv[i]);
		if (!sub)
			sub = argv[i];
		else if (!arg)
			arg = argv[i];
		else
			return usage_error(&cmd_network, "unexpected argument '%s'", argv[i]);
	}
	if (!sub)
		return usage_error(&cmd_network, "say export, import, list, remove, join or leave");
	struct actor who;
	cli_actor(&who);

	if (!strcmp(sub, "export")) {
		if (arg)
			return usage_error(&cmd_network, "unexpected argument '%s'", arg);
		if (!org || !from_s || !to_s)
			return usage_error(&cmd_network, "export needs --org, --from and --to");
		int32_t from, to;
		if (date_parse(from_s, &from) || date_parse(to_s, &to))
			return usage_error(&cmd_network, "dates are written YYYY-MM-DD");
		const char *why = report_period_check(from, to);
		if (why)
			return usage_error(&cmd_network, "%s", why);
		if (!tmpl)
			tmpl = NET_DEFAULT_TEMPLATE;
		if (!programme_template(tmpl))
			return usage_error(&cmd_network, "unknown template '%s'", tmpl);
		char host[256];
		const char *lab = installation_label(label, host, sizeof host);
		struct accounts ac;
		if (open_accounts(db_url(db), 1, &ac))
			return EXIT_FAIL;
		struct org o;
		int status = EXIT_OK;
		char *text = NULL;
		if (find_org(ac.store, org, &o)) {
			status = EXIT_FAIL;
		} else {
			int rc = network_export(&ac, &who, o.id, lab, tmpl, from, to, now_seconds(), &text);
			if (rc == STORE_INVALID)
				status = fail("the installation label must be 1-100 characters without control characters "
					      "(--label or TOLV_INSTALLATION)");
			else if (rc)
				status = fail("cannot export: %s", store_last_error());
		}
		close_accounts(&ac);
		if (status == EXIT_OK)
			status = write_out(outp, text);
		free(text);
		return status;
	}
	if (!strcmp(sub, "import")) {
		if (!arg)
			return usage_error(&cmd_network, "import needs a FILE");
		char *text = NULL;
		size_t len = 0;
		if (read_in(arg, &text, &len))
			return EXIT_FAIL;
		struct accounts ac;
		if (open_accounts(db_url(db), 1, &ac)) {
			free(text);
			return EXIT_FAIL;
		}
		char err[256];
		int64_t id = 0;
		bool replaced = false;
		int rc = network_import(&ac, &who, text, len, &id, &replaced, err, sizeof err);
		int status = EXIT_OK;
		if (rc == NET_BAD_FILE)
			status = fail("%s: %s; nothing was imported", arg, err);
		else if (rc)
			status = fail("cannot import: %s", store_last_error());
		else
			printf("%s import %" PRId64 ".\n", replaced ? "Replaced" : "Stored", id);
		close_accounts(&ac);
		free(text);
		return status;
	}
	if (!strcmp(sub, "list")) {
		if (arg)
			return usage_error(&cmd_network, "list takes no argument");
		struct store *s;
		if (open_store(db_url(db), false, 1, &s))
			return EXIT_FAIL;
		struct network_import *imps = NULL;
		size_t n = 0;
		int rc = store_network_import_list(s, tmpl, DATE_NONE, DATE_NONE, &imps, &n);
		if (rc) {
			store_close(s);
			return fail("cannot list imports: %s", store_last_error());
		}
		for (size_t i = 0; i < n; i++) {
			char a[11], b[11], when[32];
			date_format(imps[i].from, a);
			date_format(imps[i].to, b);
			format_time(imps[i].imported_at, when, sizeof when);
			printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\n", imps[i].id, imps[i].installation, imps[i].org_name,
			       imps[i].template_key, a, b, when);
		}
		struct network_member *mem = NULL;
		size_t nm = 0;
		if (store_network_members(s, &mem, &nm) == STORE_OK)
			for (size_t i = 0; i < nm; i++)
				fprintf(stderr, "member\t%s\n", mem[i].org_name);
		free(mem);
		free(imps);
		store_close(s);
		return EXIT_OK;
	}
	if (!strcmp(sub, "remove")) {
		int64_t id;
		if (!arg || parse_int64(arg, 1, INT64_MAX, &id))
			return usage_error(&cmd_network, "remove needs the ID of an import (tolv network list)");
		struct accounts ac;
		if (open_accounts(db_url(db), 1, &ac))
			return EXIT_FAIL;
		int rc = network_import_remove(&ac, &who, id);
		int status = EXIT_OK;
		if (rc == STORE_NOTFOUND)
			status = fail("no import %" PRId64, id);
		else if (rc)
			status = fail("cannot remove: %s", store_last_error());
		else
			printf("Removed import %" PRId64 ".\n", id);
		close_accounts(&ac);
		return status;
	}
	if (!strcmp(sub, "join") || !strcmp(sub, "leave")) {
		if (!org || arg)
			return usage_error(&cmd_network, "%s needs --org NAME", sub);
		struct accounts ac;
		if (open_accounts(db_url(db), 1, &ac))
			return EXIT_FAIL;
		struct org o;
		int status = EXIT_OK;
		if (find_org(ac.store, org, &o)) {
			status = EXIT_FAIL;
		} else {
			int rc = !strcmp(sub, "join") ? network_join(&ac, &who, o.id) : network_leave(&ac, &who, o.id);
			if (rc)
				status = fail("cannot %s: %s", sub, store_last_error());
			else
				printf("%s %s the network.\n", o.name, !strcmp(sub, "join") ? "is in" : "is not in");
		}
		close_accounts(&ac);
		return status;
	}
	return usage_error(&cmd_network, "unknown subcommand '%s' (export, import, list, remove, join, leave)", sub);
}

const struct command cmd_network = {
	.name = "network",
	.args = "export --org NAME --from DATE --to DATE [--template KEY] [--label TEXT] [-o FILE] | import FILE | "
		"list | remove ID | join|leave --org NAME  [--db URL]",
	.summary = "Share aggregate figures with the network (export, import, list, remove).",
	.help = "  export   write an organisation's aggregate file (JSON, small counts already\n"
		"           suppressed; docs/network.md): --template defaults to\n"
		"           municipal_day_treatment, --label names this installation (else\n"
		"           $TOLV_INSTALLATION, else the host name); -o FILE (never overwritten),\n"
		"           else standard output\n"
		"  import   validate another installation's file and add it to the network report;\n"
		"           the same installation, organisation, template and period replaces the\n"
		"           earlier import; a bad file is refused whole with the first thing wrong\n"
		"  list     the imports: id, installation, organisation, template, period, imported;\n"
		"           the member organisations go to standard error\n"
		"  remove   remove an import by its id\n"
		"  join     make an organisation a member (as an administrator does on /network)\n"
		"  leave    end an organisation's membership\n",
	.run = run,
};
