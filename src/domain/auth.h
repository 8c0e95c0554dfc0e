/* auth.h: logging in (with throttling), server-side sessions and API tokens.
 * Knows nothing of HTTP: the web layer moves tokens in and out of cookies and headers. */
#ifndef TOLV_DOMAIN_AUTH_H
#define TOLV_DOMAIN_AUTH_H

#include "domain/accounts.h"

/* Throttling: more than this many failures in AUTH_WINDOW seconds refuse further tries. */
#define AUTH_MAX_FAILURES_ACCOUNT 5
#define AUTH_MAX_FAILURES_ADDR 20
#define AUTH_WINDOW (15 * 60)

/* A session ends after this long without a request, and in any case after SESSION_MAX. */
#define SESSION_IDLE (30 * 60)
#define SESSION_MAX (12 * 60 * 60)

enum login_result {
	LOGIN_OK,
	LOGIN_FAILED,    /* unknown e-mail, wrong password or disabled: one answer for all */
	LOGIN_THROTTLED, /* too many failures: try later */
	LOGIN_ERROR,     /* database failure */
};

/* Checks the throttle, verifies the password, clears the failures on success and
 * writes "login" / "login.failed" / "login.throttled" to the audit log. */
enum login_result auth_login(struct accounts *ac, const char *email, const char *password, const char *addr,
			     struct user *out);

/* Starts a session for user_id (org_id may be 0 until chosen). token gets the secret for
 * the cookie (>= STORE_TOKEN_MAX bytes); only its hash is stored. */
int session_start(struct store *s, int64_t user_id, int64_t org_id, char *token, size_t token_len,
		  struct session *out);
/* Finds the live session of a cookie token; STORE_NOTFOUND if unknown, idle too long or
 * too old (an expired one is deleted). Extends the idle deadline at most once a minute
 * so that not every request is a write. */
int session_resume(struct store *s, const char *token, struct session *out);
/* session_resume, with the session's user and membership read in the same query (what
 * every request with a cookie needs). */
int session_resume_principal(struct store *s, const char *token, struct session_principal *out);
int session_end(struct store *s, const char *token);
int session_set_org(struct store *s, const char *token, int64_t org_id);

/* Finds the API token of an Authorization: Bearer secret; STORE_NOTFOUND if unknown or
 * revoked. */
int api_token_resume(struct store *s, const char *token, struct api_token *out);

#endif
