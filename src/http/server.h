/* server.h: the HTTP server (libmicrohttpd) — the one entry point of the web tier. */
#ifndef TOLV_HTTP_SERVER_H
#define TOLV_HTTP_SERVER_H

#include <stdbool.h>

#include "domain/accounts.h"

struct server_config {
	const char *host;          /* "127.0.0.1" */
	int port;                  /* 8080 */
	struct accounts *accounts; /* store + auditor (group-commit writer) */
	const char *static_dir;    /* folder with our own static files */
	const char *ds_dir;        /* node_modules/@digdir/designsystemet-css/dist, may be NULL */
	int threads;               /* worker threads, 0: 2 */
	bool trust_proxy;          /* believe X-Forwarded-Proto/-For from a local proxy */
};

/* Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish,
 * and returns 0. Returns -1 (after a message on stderr) if it cannot listen. */
int server_run(const struct server_config *cfg);

#endif
