/* cmd_import.c: `tolv import meetings FILE|URL` — a Meeting Guide JSON feed or a 12 Step
 * Meeting List CSV into an organisation's meeting directory, with a preview (--dry-run),
 * every rejected row and its reason, and the run kept in the source's history; and
 * `tolv import due`, which re-imports every source whose schedule has come round (for
 * cron or a systemd timer). */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/util.h"
#include "domain/meeting_import.h"
#include "domain/meeting_types.h"
#include "domain/recurrence.h"

struct args {
	const char *db, *sub, *what, *org, *format, *tz, *fellowship, *every;
	bool dry_run, quiet;
};

static int read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail("cannot open %s: %s", path, strerror(errno));
	char chunk[65536];
	size_t n;
	int ret = EXIT_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > MEETING_IMPORT_MAX_BYTES) {
			ret = fail("%s is larger than %d bytes", path, MEETING_IMPORT_MAX_BYTES);
			break;
		}
		buf_add(out, chunk, n);
	}
	if (ret == EXIT_OK && ferror(f))
		ret = fail("cannot read %s", path);
	fclose(f);
	return ret;
}

static bool is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

static int fetch(const char *what, struct buf *data)
{
	if (!is_url(what))
		return read_file(what, data);
	char err[256];
	if (meeting_fetch_url(what, MEETING_IMPORT_MAX_BYTES, data, err, sizeof err))
		return fail("cannot fetch %s: %s", what, err);
	return EXIT_OK;
}

static void report(const struct import_result *res, bool dry_run, bool quiet)
{
	if (!quiet)
		for (size_t i = 0; i < res->plan.nitems; i++)
			printf("%c %s\t%s\n", res->plan.items[i].kind, res->plan.items[i].slug, res->plan.items[i].name);
	for (size_t i = 0; i < res->imp.nerrors; i++) {
		const struct import_error *e = &res->imp.errors[i];
		fprintf(stderr, "row %d%s%s%s: %s%s%s\n", e->row, e->slug[0] ? " (" : "", e->slug, e->slug[0] ? ")" : "",
			e->message, e->field[0] ? " field: " : "", e->field);
	}
	printf("%s: %d added, %d changed, %d removed, %d unchanged, %d rejected%s\n",
	       !strcmp(res->run.status, "failed") ? "failed, nothing changed"
	       : dry_run			   ? "preview, nothing changed"
						   : "applied",
	       res->run.added, res->run.changed, res->run.removed, res->run.unchanged, res->run.rejected,
	       !strcmp(res->run.status, "failed") ? "" : ".");
	if (!strcmp(res->run.status, "failed"))
		fprintf(stderr, "%s\n", res->run.message);
}

/* Runs one import of src from data; EXIT_OK, or EXIT_FAIL when it failed. */
static int import_one(struct accounts *ac, int64_t org_id, const struct meeting_source *src, const struct buf *data,
		      bool dry_run, bool quiet)
{
	struct actor who;
	cli_actor(&who);
	struct import_result res;
	int rc = meeting_import_run(ac, &who, org_id, src, data->data, data->len, dry_run, &res);
	if (rc) {
		import_result_release(&res);
		return fail("the import failed: %s", store_last_error());
	}
	report(&res, dry_run, quiet);
	int status = !strcmp(res.run.status, "failed") ? EXIT_FAIL : EXIT_OK;
	import_result_release(&res);
	return status;
}

static int import_meetings(struct accounts *ac, const struct args *a)
{
	struct org o;
	if (a->org) {
		if (find_org(ac->store, a->org, &o))
			return EXIT_FAIL;
	} else {
		struct org *orgs = NULL;
		size_t n = 0;
		if (store_org_list(ac->store, &orgs, &n))
			return fail("cannot list organisations: %s", store_last_error());
		if (n != 1) {
			free(orgs);
			return usage_error(&cmd_import, "say which organisation with --org NAME");
		}
		o = orgs[0];
		free(orgs);
	}
	if (a->tz && !recur_timezone_ok(a->tz))
		return usage_error(&cmd_import, "unknown time zone '%s' (want a tz database name like Europe/Oslo)", a->tz);
	const struct fellowship *f = a->fellowship ? fellowship_find(a->fellowship) : NULL;
	if (a->fellowship && !f)
		return usage_error(&cmd_import, "unknown fellowship '%s' (aa, na, ca, ga, oa, al_anon…)", a->fellowship);
	int64_t every = 0;
	if (a->every && parse_int64(a->every, 0, 8760, &every))
		return usage_error(&cmd_import, "--every takes hours, 0 to 8760");
	if (a->format && strcmp(a->format, "json") && strcmp(a->format, "csv"))
		return usage_error(&cmd_import, "--format is json or csv");

	struct buf data = BUF_INIT;
	if (fetch(a->what, &data)) {
		buf_release(&data);
		return EXIT_FAIL;
	}
	/* The source is the file or URL as given: its history collects every import of it. */
	struct meeting_source src;
	int rc = store_meeting_source_get_by_name(ac->store, o.id, a->what, &src);
	bool fresh = rc == STORE_NOTFOUND;
	if (fresh) {
		memset(&src, 0, sizeof src);
		if (!copy_str(src.name, sizeof src.name, a->what)) {
			buf_release(&data);
			return usage_error(&cmd_import, "the file name or URL is too long");
		}
		copy_str(src.timezone, sizeof src.timezone, "Europe/Oslo");
		copy_str(src.fellowship, sizeof src.fellowship, "aa");
	} else if (rc) {
		buf_release(&data);
		return fail("cannot read the import source: %s", store_last_error());
	}
	copy_str(src.url, sizeof src.url, is_url(a->what) ? a->what : "");
	if (a->format)
		copy_str(src.format, sizeof src.format, a->format);
	else if (fresh || !src.format[0])
		copy_str(src.format, sizeof src.format,
			 meeting_import_guess(a->what, data.data, data.len) == IMPORT_CSV ? "csv" : "json");
	if (a->tz)
		copy_str(src.timezone, sizeof src.timezone, a->tz);
	if (f)
		copy_str(src.fellowship, sizeof src.fellowship, f->key);
	if (a->every)
		src.interval_hours = (int)every;
	rc = fresh ? store_meeting_source_create(ac->store, o.id, &src) : store_meeting_source_update(ac->store, o.id, &src);
	if (rc) {
		buf_release(&data);
		return fail("cannot save the import source: %s", store_last_error());
	}
	int status = import_one(ac, o.id, &src, &data, a->dry_run, a->quiet);
	buf_release(&data);
	return status;
}

static int import_due(struct accounts *ac, const struct args *a)
{
	struct meeting_source *due = NULL;
	size_t n = 0;
	if (store_meeting_source_due(ac->store, now_seconds(), &due, &n))
		return fail("cannot list the sources: %s", store_last_error());
	int status = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		struct buf data = BUF_INIT;
		printf("%s\n", due[i].name);
		if (fetch(due[i].url, &data) || import_one(ac, due[i].org_id, &due[i], &data, a->dry_run, true))
			status = EXIT_FAIL;
		buf_release(&data);
	}
	free(due);
	return status;
}

static int run(int argc, char **argv)
{
	struct args a = { 0 };
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_import);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--dry-run")) {
			a.dry_run = true;
			continue;
		}
		if (!strcmp(argv[i], "--quiet")) {
			a.quiet = true;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &a.db)) || (r = opt_value(argc, argv, &i, "--org", &a.org)) ||
		    (r = opt_value(argc, argv, &i, "--format", &a.format)) ||
		    (r = opt_value(argc, argv, &i, "--timezone", &a.tz)) ||
		    (r = opt_value(argc, argv, &i, "--fellowship", &a.fellowship)) ||
		    (r = opt_value(argc, argv, &i, "--every", &a.every))) {
			if (r < 0)
				return usage_error(&cmd_import, "%s needs a value", argv[i]);
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error(&cmd_import, "unknown option '%s'", argv[i]);
		if (!a.sub)
			a.sub = argv[i];
		else if (!a.what)
			a.what = argv[i];
		else
			return usage_error(&cmd_import, "unexpected argument '%s'", argv[i]);
	}
	if (!a.sub || (strcmp(a.sub, "meetings") && strcmp(a.sub, "due")))
		return usage_error(&cmd_import, "say meetings FILE|URL, or due");
	if (!strcmp(a.sub, "meetings") && !a.what)
		return usage_error(&cmd_import, "import meetings needs a FILE or URL");
	struct accounts ac;
	if (open_accounts(db_url(a.db), 1, &ac))
		return EXIT_FAIL;
	int status = !strcmp(a.sub, "due") ? import_due(&ac, &a) : import_meetings(&ac, &a);
	close_accounts(&ac);
	return status;
}

const struct command cmd_import = {
	.name = "import",
	.args = "meetings FILE|URL [--org NAME] [--dry-run] [--format json|csv] [--timezone TZ]\n"
		"                 [--fellowship KEY] [--every HOURS] [--quiet] | due [--dry-run]   [--db URL]",
	.summary = "Import meetings (Meeting Guide JSON or 12 Step Meeting List CSV).",
	.help = "  meetings  import a feed into the organisation's meeting directory (--org; may be left out\n"
		"            when there is only one). Prints each change (+ add, ~ change, - remove) and\n"
		"            every rejected row with its reason; applies all of it in one transaction.\n"
		"            --dry-run  only show what would change (recorded as a preview)\n"
		"            --timezone zone of meetings without one (default Europe/Oslo)\n"
		"            --fellowship of every meeting in the feed (aa, na, ca, ga, oa, al_anon…)\n"
		"            --every    re-import a URL every HOURS with `tolv import due` (0: never)\n"
		"            URLs are fetched with libcurl: http(s) only, at most 32 MB, 30 s.\n"
		"  due       re-import every source whose --every has come round (run it from cron)\n"
		"Exit status: 0 done, 1 failed (a bad feed changes nothing), 2 misuse.\n",
	.run = run,
};
