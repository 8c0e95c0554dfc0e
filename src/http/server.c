/* server.c: libmicrohttpd glue — one struct req per request, security headers on every
 * answer, static files from prebuilt responses, and a graceful stop on SIGTERM/SIGINT.
 *
 * Request life in MHD terms:
 *   uri_cb()            request line parsed: allocate the req, decode the path
 *   on_request() #1     headers known: copy what we need, refuse oversized bodies
 *   on_request() #2..   body chunks: append (or discard past BODY_MAX)
 *   on_request() last   *upload_data_size == 0: route and queue the answer
 *   on_completed()      free the req and its pool
 * The answer is queued on the second call at the earliest: queuing on the first makes
 * MHD 0.9.75 close the connection after every response (no keep-alive).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "http/router.h"
#include "http/static.h"

#define CSP                                                                                                 \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'"
#define HSTS "max-age=31536000; includeSubDomains"
/* Static links carry ?v=<content hash>, so a year is safe. */
#define STATIC_CACHE "public, max-age=31536000, immutable"
#define DRAIN_SECONDS 10
/* Request line and headers are limited here rather than by MHD's per-connection memory
 * alone, so the answer is a clear 414/431 whatever MHD's internals need. */
#define URI_MAX (8 * 1024)
#define HEADERS_MAX (32 * 1024)
/* Lingering close: at most this many sockets at once, each for at most LINGER_MS, reading
 * and dropping at most LINGER_BYTES. */
#define LINGER_MAX 32
#define LINGER_MS 5000
#define LINGER_BYTES (16 * 1024 * 1024)

struct server {
	struct site site;
	atomic_int active;    /* requests between uri_cb and on_completed */
	atomic_int lingering; /* sockets held open by linger_main */
};

struct conn_req;

/* Per connection (not per request). pending is the request begun by uri_cb and not yet
 * completed: MHD 0.9.75 skips the completion callback when it refuses a request itself
 * during header parsing (431, a closed socket), so the connection's end frees it. */
struct conn_sock {
	bool linger;
	struct conn_req *pending;
};

static struct conn_sock *conn_sock_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void conn_req_free(struct server *s, struct conn_req *cr);

struct conn_req {
	struct req r;
	unsigned calls;
	size_t uri_len;
	bool bad_uri;
	bool answered;
};

static void add_security_headers(struct MHD_Response *resp, bool https)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (https)
		MHD_add_response_header(resp, "Strict-Transport-Security", HSTS);
}

/* Why lingering close: when a body over BODY_MAX is refused before it was read, MHD
 * closes the socket with the body still arriving, and the kernel then answers with a
 * reset, which makes most clients lose the 413 they already received. So, like nginx, we
 * keep a duplicate of the socket, half-close it, and read and drop what still comes for
 * a few seconds before closing. */
struct linger_arg {
	struct server *srv;
	int fd;
};

static void *linger_main(void *p)
{
	struct linger_arg *a = p;
	char drop[16384];
	size_t total = 0;
	int64_t end = now_millis() + LINGER_MS;
	shutdown(a->fd, SHUT_WR);
	while (total < LINGER_BYTES) {
		int64_t left = end - now_millis();
		if (left <= 0)
			break;
		struct pollfd pfd = { .fd = a->fd, .events = POLLIN };
		if (poll(&pfd, 1, left > 1000 ? 1000 : (int)left) <= 0)
			break; /* a quiet second: the client has stopped sending */
		ssize_t n = recv(a->fd, drop, sizeof drop, 0);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
	close(a->fd);
	atomic_fetch_sub(&a->srv->lingering, 1);
	free(a);
	return NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = xcalloc(1, sizeof(struct conn_sock));
		return;
	}
	struct conn_sock *cs = *socket_context;
	*socket_context = NULL;
	if (cs && cs->pending) {
		conn_req_free(s, cs->pending);
		cs->pending = NULL;
	}
	if (cs && cs->linger) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		int fd = ci ? dup(ci->connect_fd) : -1;
		if (fd >= 0 && atomic_fetch_add(&s->lingering, 1) < LINGER_MAX) {
			struct linger_arg *a = xmalloc(sizeof *a);
			a->srv = s;
			a->fd = fd;
			pthread_t t;
			pthread_attr_t attr;
			pthread_attr_init(&attr);
			pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
			if (pthread_create(&t, &attr, linger_main, a) != 0) {
				close(fd);
				free(a);
				atomic_fetch_sub(&s->lingering, 1);
			}
			pthread_attr_destroy(&attr);
		} else if (fd >= 0) {
			close(fd);
			atomic_fetch_sub(&s->lingering, 1);
		}
	}
	free(cs);
}

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct server *s = cls;
	struct conn_req *cr = xmalloc(sizeof *cr);
	req_init(&cr->r, &s->site);
	cr->calls = 0;
	cr->answered = false;
	cr->bad_uri = false;
	atomic_fetch_add(&s->active, 1);
	struct conn_sock *cs = c ? conn_sock_of(c) : NULL;
	if (cs) {
		if (cs->pending)
			conn_req_free(s, cs->pending); /* the previous request was never completed */
		cs->pending = cr;
	}
	if (!uri)
		uri = "/";
	cr->uri_len = strlen(uri);
	size_t plen = strcspn(uri, "?");
	char *path = percent_decode(&cr->r.pool, uri, plen, false);
	if (!path) {
		cr->bad_uri = true;
		path = pool_strdup(&cr->r.pool, "/");
	}
	cr->r.path = path;
	/* Decided on the raw URI, so even an undecodable API path gets a JSON error. */
	cr->r.api = strncmp(uri, "/api/", 5) == 0;
	cr->r.raw_query = pool_strdup(&cr->r.pool, uri[plen] == '?' ? uri + plen + 1 : "");
	return cr;
}

static void conn_req_free(struct server *s, struct conn_req *cr)
{
	req_release(&cr->r);
	free(cr);
	atomic_fetch_sub(&s->active, 1);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct conn_req *cr = *con_cls;
	if (!cr)
		return;
	struct conn_sock *cs = conn_sock_of(c);
	if (cs && cs->pending == cr)
		cs->pending = NULL;
	conn_req_free(s, cr);
	*con_cls = NULL;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* The client's address: the socket peer, or with trust_proxy the last hop a local
 * proxy appended to X-Forwarded-For. */
static void client_addr(struct MHD_Connection *c, struct req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	r->addr[0] = '\0';
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->addr,
				  sizeof r->addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->addr,
				  sizeof r->addr);
	}
	if (r->site->trust_proxy && r->hdr.forwarded_for) {
		const char *last = strrchr(r->hdr.forwarded_for, ',');
		last = last ? last + 1 : r->hdr.forwarded_for;
		while (*last == ' ')
			last++;
		char tmp[STORE_ADDR_MAX];
		unsigned char bin[sizeof(struct in6_addr)];
		if (copy_str(tmp, sizeof tmp, last)) {
			tmp[strcspn(tmp, " ")] = '\0';
			if (inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1)
				copy_str(r->addr, sizeof r->addr, tmp);
		}
	}
}

static void read_headers(struct MHD_Connection *c, struct req *r)
{
	r->hdr.cookie = header(c, "Cookie");
	r->hdr.accept_language = header(c, "Accept-Language");
	r->hdr.authorization = header(c, "Authorization");
	r->hdr.content_type = header(c, "Content-Type");
	r->hdr.csrf = header(c, "X-CSRF-Token");
	r->hdr.forwarded_proto = header(c, "X-Forwarded-Proto");
	r->hdr.forwarded_for = header(c, "X-Forwarded-For");
	r->hdr.if_none_match = header(c, "If-None-Match");
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_PROTOCOL);
	r->https = ci && ci->tls_session != NULL;
	if (r->site->trust_proxy && r->hdr.forwarded_proto && strcasecmp(r->hdr.forwarded_proto, "https") == 0)
		r->https = true;
	client_addr(c, r);
}

static enum MHD_Result queue_answer(struct MHD_Connection *c, struct req *r);

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *total = cls;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
	return MHD_YES;
}

/* Marks the connection for a lingering close (see linger_main). */
static void linger_later(struct MHD_Connection *c)
{
	struct conn_sock *cs = conn_sock_of(c);
	if (cs)
		cs->linger = true;
}

/* Answers a request refused on its first call (before its body was read). */
static enum MHD_Result refuse_early(struct MHD_Connection *c, struct conn_req *cr, int status, const char *code,
				    const char *message)
{
	struct req *r = &cr->r;
	int l = accept_language_parse(r->hdr.accept_language);
	r->lang = l >= 0 ? (enum lang)l : LANG_DEFAULT;
	resp_error(r, status, code, message, NULL);
	cr->answered = true;
	linger_later(c);
	return queue_answer(c, r);
}

static enum MHD_Result queue_answer(struct MHD_Connection *c, struct req *r)
{
	enum MHD_Result ret;
	if (r->file) {
		/* A prebuilt static response: MHD counts its references, we never destroy it
		 * here. */
		struct MHD_Response *resp = r->file->resp[r->not_modified ? 1 : 0][r->https ? 1 : 0];
		return MHD_queue_response(c, r->not_modified ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp);
	}
	if (!r->status) {
		log_error("no answer for %s %s", r->method_name, r->route ? r->route->pattern : "?");
		resp_text(r, 500, "internal error\n");
	}
	size_t len;
	char *body = buf_detach(&r->out, &len);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	add_security_headers(resp, r->https);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->ctype)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	for (size_t i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	if (ret != MHD_YES)
		log_warn("could not queue a %d response", r->status);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct server *s = cls;
	struct conn_req *cr = *con_cls;
	if (!cr) {
		/* Only if MHD skipped the URI callback; keep going with the decoded URL. */
		cr = uri_cb(s, url, c);
		*con_cls = cr;
	}
	struct req *r = &cr->r;
	if (cr->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cr->calls++ == 0) {
		r->method_name = pool_strdup(&r->pool, method);
		r->method = method_parse(method);
		read_headers(c, r);
		if (cr->uri_len > URI_MAX)
			return refuse_early(c, cr, 414, "uri_too_long", N_("The address is too long."));
		size_t hsize = 0;
		MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_size, &hsize);
		if (hsize > HEADERS_MAX)
			return refuse_early(c, cr, 431, "headers_too_large", N_("The request headers are too large."));
		const char *cl = header(c, "Content-Length");
		int64_t n;
		if (cl && parse_int64(cl, 0, INT64_MAX, &n) == 0 && n > BODY_MAX) {
			/* Refuse before reading a byte of it; MHD closes the connection after
			 * this answer, and the lingering close lets the client read it. */
			return refuse_early(c, cr, 413, "too_large", N_("The request is too large (at most 64 KiB)."));
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->body_too_large) {
			if (r->body.len + *upload_data_size > BODY_MAX) {
				/* Chunked and too big: read and drop the rest, answer 413 at the end. */
				r->body_too_large = true;
				buf_release(&r->body);
			} else {
				buf_add(&r->body, upload_data, *upload_data_size);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cr->bad_uri) {
		resp_error(r, 400, "bad_request", N_("The address contained characters that are not allowed."), NULL);
	} else {
		router_dispatch(r);
	}
	cr->answered = true;
	return queue_answer(c, r);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("mhd: %s", line);
}

/* Builds the four reusable responses of each loaded static file. */
static void static_responses(struct site *site)
{
	for (int i = 0; i < STATIC_COUNT; i++) {
		struct static_file *f = &site->files[i];
		if (!f->data)
			continue;
		for (int nm = 0; nm < 2; nm++)
			for (int https = 0; https < 2; https++) {
				struct MHD_Response *resp = MHD_create_response_from_buffer(
					nm ? 0 : f->len, nm ? (void *)"" : f->data, MHD_RESPMEM_PERSISTENT);
				add_security_headers(resp, https);
				MHD_add_response_header(resp, "Content-Type", f->ctype);
				MHD_add_response_header(resp, "ETag", f->etag);
				MHD_add_response_header(resp, "Cache-Control", STATIC_CACHE);
				f->resp[nm][https] = resp;
			}
	}
}

static void static_responses_free(struct site *site)
{
	for (int i = 0; i < STATIC_COUNT; i++)
		for (int nm = 0; nm < 2; nm++)
			for (int https = 0; https < 2; https++)
				if (site->files[i].resp[nm][https]) {
					MHD_destroy_response(site->files[i].resp[nm][https]);
					site->files[i].resp[nm][https] = NULL;
				}
}

int server_run(const struct server_config *cfg)
{
	struct server srv;
	memset(&srv, 0, sizeof srv);
	atomic_init(&srv.active, 0);
	srv.site.ac = cfg->accounts;
	srv.site.trust_proxy = cfg->trust_proxy;
	static_load(&srv.site, cfg->static_dir, cfg->ds_dir);
	static_responses(&srv.site);

	char port[16];
	snprintf(port, sizeof port, "%d", cfg->port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int gai = getaddrinfo(cfg->host && *cfg->host ? cfg->host : "127.0.0.1", port, &hints, &ai);
	if (gai != 0) {
		fprintf(stderr, "tolv: cannot listen on %s:%d: %s\n", cfg->host, cfg->port, gai_strerror(gai));
		static_responses_free(&srv.site);
		static_free(&srv.site);
		return -1;
	}

	/* SIGTERM/SIGINT are taken by sigwait() below; block them before MHD starts its
	 * threads so that they inherit the mask and the signal reaches this thread. */
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);

	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (getenv("TOLV_MHD_LOG"))
		flags |= MHD_USE_ERROR_LOG;
	unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : 2;
	/* 128 KiB per connection: MHD parses every cookie into this memory as well, and when
	 * it runs out there it closes the connection without an answer. MHD maps the memory
	 * and touches only what a request uses. */
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)cfg->port, NULL, NULL, on_request, &srv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_URI_LOG_CALLBACK, uri_cb, &srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &srv,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(128 * 1024), MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)256, MHD_OPTION_CONNECTION_LIMIT, (unsigned)2048, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!d) {
		fprintf(stderr, "tolv: cannot listen on %s:%d\n", cfg->host, cfg->port);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		static_responses_free(&srv.site);
		static_free(&srv.site);
		return -1;
	}
	log_info("listening on %s:%d with %u threads", cfg->host, cfg->port, threads);

	int sig = 0;
	while (sigwait(&sigs, &sig) != 0)
		;
	log_info("signal %d: stopping", sig);

	/* Stop accepting, then give in-flight requests time to finish. */
	MHD_socket lfd = MHD_quiesce_daemon(d);
	int64_t deadline = now_millis() + DRAIN_SECONDS * 1000;
	while ((atomic_load(&srv.active) > 0 || atomic_load(&srv.lingering) > 0) && now_millis() < deadline) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	int left = atomic_load(&srv.active);
	if (left > 0)
		log_warn("%d requests still running after %d s; stopping anyway", left, DRAIN_SECONDS);
	MHD_stop_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	static_responses_free(&srv.site);
	static_free(&srv.site);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	log_info("stopped");
	return 0;
}
