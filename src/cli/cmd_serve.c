/* cmd_serve.c: `tolv serve` — run the web server until SIGTERM/SIGINT. */
#include "cli/cli.h"

#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core/i18n.h"
#include "core/util.h"
#include "http/server.h"

/* Splits HOST:PORT (or [V6]:PORT) into host and port; -1 if malformed. */
static int parse_listen(const char *s, char *host, size_t hostlen, int *port)
{
	const char *colon;
	const char *h = s;
	size_t hl;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	int64_t p;
	if (parse_int64(colon + 1, 1, 65535, &p))
		return -1;
	*port = (int)p;
	return 0;
}

/* The first folder of candidates that exists (relative ones are tried as given). */
static const char *first_dir(const char *const *candidates, const char *probe, char *out, size_t outlen)
{
	for (size_t i = 0; candidates[i]; i++) {
		if (!*candidates[i])
			continue;
		char path[PATH_MAX];
		int n = snprintf(path, sizeof path, "%s/%s", candidates[i], probe);
		if (n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0) {
			copy_str(out, outlen, candidates[i]);
			return out;
		}
	}
	return NULL;
}

/* On an empty database, make the first organisation and administrator, so that a new
 * installation can be logged into at once (`make run`). */
static int first_run(struct accounts *ac)
{
	struct org *orgs = NULL;
	size_t n = 0;
	if (store_org_list(ac->store, &orgs, &n))
		return fail("cannot read organisations: %s", store_last_error());
	free(orgs);
	if (n)
		return 0;
	const char *org = getenv("TOLV_ORG");
	const char *admin = getenv("TOLV_ADMIN");
	if (!org || !*org)
		org = "Min kommune";
	if (!admin || !*admin)
		admin = "admin@example.org";
	struct actor who;
	cli_actor(&who);
	struct field_error fe = { 0 };
	struct org o;
	int rc = accounts_org_add(ac, &who, org, &o, &fe);
	if (rc == STORE_CONFLICT)
		return 0; /* another process got there first */
	if (rc)
		return fail("cannot create the first organisation: %s", fe.message ? fe.message : store_last_error());
	char onetime[32] = "";
	struct user u;
	bool existing;
	rc = accounts_user_add(ac, &who, o.id, admin, "", "admin", getenv("TOLV_ADMIN_PASSWORD"), onetime,
			       sizeof onetime, &u, &existing, &fe);
	if (rc)
		return fail("cannot create the first administrator: %s", fe.message ? fe.message : store_last_error());
	printf("\nFirst start: created the organisation \"%s\" and its administrator.\n", o.name);
	printf("  Log in as:  %s\n", u.email);
	if (onetime[0])
		printf("  Password:   %s   (one-time: shown only now; you choose a new one at first login)\n",
		       onetime);
	printf("\n");
	fflush(stdout);
	secure_wipe(onetime, sizeof onetime);
	return 0;
}

static int run(int argc, char **argv)
{
	const char *db = NULL, *listen = getenv("TOLV_LISTEN"), *threads_s = NULL, *pool_s = NULL;
	bool trust_proxy = getenv("TOLV_TRUST_PROXY") && !strcmp(getenv("TOLV_TRUST_PROXY"), "1");
	for (int i = 1; i < argc; i++) {
		int r;
		if (is_help(argv[i])) {
			print_command_help(&cmd_serve);
			return EXIT_OK;
		}
		if ((r = opt_value(argc, argv, &i, "--db", &db)) || (r = opt_value(argc, argv, &i, "--listen", &listen)) ||
		    (r = opt_value(argc, argv, &i, "--threads", &threads_s)) ||
		    (r = opt_value(argc, argv, &i, "--pool", &pool_s))) {
			if (r < 0)
				return usage_error(&cmd_serve, "%s needs a value", argv[i]);
			continue;
		}
		if (!strcmp(argv[i], "--trust-proxy")) {
			trust_proxy = true;
			continue;
		}
		if (!strcmp(argv[i], "--first-run"))
			continue; /* accepted for old scripts: a first run is detected by itself */
		return usage_error(&cmd_serve, "unknown argument '%s'", argv[i]);
	}
	char host[256];
	int port;
	if (!listen || !*listen)
		listen = "127.0.0.1:8080";
	if (parse_listen(listen, host, sizeof host, &port))
		return usage_error(&cmd_serve, "--listen wants HOST:PORT, like 127.0.0.1:8080 (got '%s')", listen);
	/* Handlers wait on the database (and on the durable audit commit), so a worker is
	 * mostly blocked, not busy: many more workers than cores keep 16 concurrent clients
	 * from queueing behind each other. The store keeps its default small pool: measured
	 * here, 16 SQLite connections were slower than 4 (each has its own page cache to
	 * refill after every write), and the pool only has to cover the queries in flight. */
	int64_t threads = 16;
	if (threads_s && parse_int64(threads_s, 1, 64, &threads))
		return usage_error(&cmd_serve, "--threads wants a number from 1 to 64");
	int64_t pool = 0;
	if (pool_s && parse_int64(pool_s, 1, 64, &pool))
		return usage_error(&cmd_serve, "--pool wants a number from 1 to 64");

	/* Translations: next to the binary when run from the build folder, else installed. */
	char exe_dir[PATH_MAX] = "";
	ssize_t len = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
	if (len > 0) {
		exe_dir[len] = '\0';
		char *slash = strrchr(exe_dir, '/');
		if (slash)
			*slash = '\0';
	}
	char build_locale[PATH_MAX + 16];
	snprintf(build_locale, sizeof build_locale, "%s/locale", exe_dir);
	const char *localedirs[] = { getenv("TOLV_LOCALEDIR") ? getenv("TOLV_LOCALEDIR") : "", build_locale,
				     TOLV_BUILD_LOCALEDIR, TOLV_LOCALEDIR, NULL };
	i18n_init(localedirs);

	char static_dir[PATH_MAX], ds_dir[PATH_MAX];
	const char *static_c[] = { getenv("TOLV_STATIC_DIR") ? getenv("TOLV_STATIC_DIR") : "", "static",
				   TOLV_SOURCE_DIR "/static", NULL };
	const char *ds_c[] = { getenv("TOLV_DS_DIR") ? getenv("TOLV_DS_DIR") : "",
			       "node_modules/@digdir/designsystemet-css/dist",
			       TOLV_SOURCE_DIR "/node_modules/@digdir/designsystemet-css/dist", NULL };
	const char *sdir = first_dir(static_c, "tolv.css", static_dir, sizeof static_dir);
	const char *ddir = first_dir(ds_c, "theme/designsystemet.css", ds_dir, sizeof ds_dir);
	if (!ddir)
		fprintf(stderr, "tolv: the design system's CSS was not found (run 'npm ci'); pages will be plain\n");

	struct accounts ac;
	if (open_accounts(db_url(db), (int)pool, &ac))
		return EXIT_FAIL;
	if (first_run(&ac)) {
		close_accounts(&ac);
		return EXIT_FAIL;
	}
	store_session_purge(ac.store, now_seconds());
	/* From here on audit entries are group-committed by the writer thread. */
	auditor_free(ac.audit);
	ac.audit = auditor_new(ac.store, true);

	struct server_config cfg = {
		.host = host,
		.port = port,
		.accounts = &ac,
		.static_dir = sdir ? sdir : "static",
		.ds_dir = ddir,
		.threads = (int)threads,
		.trust_proxy = trust_proxy,
	};
	printf("tolv %s serving http://%s%s%s:%d/ (database: %s)\n", TOLV_VERSION, strchr(host, ':') ? "[" : "",
	       host, strchr(host, ':') ? "]" : "", port, store_backend(ac.store));
	fflush(stdout);
	/* A page's row arrays are often over glibc's mmap threshold (128 KiB) and its
	 * per-thread arenas shrink after every request: each of them costs page faults,
	 * madvise and TLB shootdowns across the cores, request after request. A server keeps
	 * what it needed once: allocations stay in the arenas below 32 MiB, which are trimmed
	 * only when 64 MiB are free at their top. */
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	int rc = server_run(&cfg);
	close_accounts(&ac);
	if (rc == 0)
		printf("tolv stopped.\n");
	return rc ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_serve = {
	.name = "serve",
	.args = "[--db URL] [--listen HOST:PORT] [--threads N] [--pool N] [--trust-proxy]",
	.summary = "Run the web server (stops cleanly on SIGTERM or SIGINT).",
	.help = "  --db URL          sqlite:PATH (default sqlite:var/tolv.db) or postgresql://...\n"
		"                    (also TOLV_DB)\n"
		"  --listen H:P      address to listen on (default 127.0.0.1:8080; also TOLV_LISTEN)\n"
		"  --threads N       worker threads (default 16)\n"
		"  --pool N          database connections (default 4)\n"
		"  --trust-proxy     believe X-Forwarded-Proto/-For from a reverse proxy (TLS there)\n"
		"                    (also TOLV_TRUST_PROXY=1)\n"
		"\n"
		"The schema is migrated at start. On an empty database, the first organisation\n"
		"(TOLV_ORG, default \"Min kommune\") and its administrator (TOLV_ADMIN, default\n"
		"admin@example.org) are created and a one-time password is printed once\n"
		"(or TOLV_ADMIN_PASSWORD is used).\n",
	.run = run,
};
