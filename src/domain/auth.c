/* auth.c: logging in with throttling, server-side sessions, API tokens.
 *
 * Session life:
 *
 *   session_start() ──> live ──session_resume() within SESSION_IDLE──> live (touched ≤ 1/min)
 *                        │ \__ idle > SESSION_IDLE or age > SESSION_MAX: deleted on next resume
 *                        └── session_end() / password reset / user disabled: deleted
 */
#include "domain/auth.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/util.h"
#include "domain/password.h"

/* Logs a login event once in each organisation the user belongs to, so that each
 * organisation's auditors see their own users' logins; org 0 when there is none (or the
 * e-mail matched no user). Returns 0 only if every entry was written. */
static int audit_login(struct accounts *ac, int64_t user_id, const char *email, const char *addr,
		       const char *action, const char *detail)
{
	char id[32] = "";
	if (user_id)
		snprintf(id, sizeof id, "%lld", (long long)user_id);
	struct membership *ms = NULL;
	size_t n = 0;
	if (user_id && store_memberships_of_user(ac->store, user_id, &ms, &n) != 0)
		n = 0;
	int rc = 0;
	if (n == 0)
		rc = audit_event(ac->audit, user_id, email, 0, addr, action, user_id ? "user" : "", id, detail);
	for (size_t i = 0; i < n; i++)
		if (audit_event(ac->audit, user_id, email, ms[i].org_id, addr, action, "user", id, detail) != 0)
			rc = -1;
	free(ms);
	return rc;
}

enum login_result auth_login(struct accounts *ac, const char *email, const char *password, const char *addr,
			     struct user *out)
{
	char norm[STORE_EMAIL_MAX];
	if (!copy_str(norm, sizeof norm, email ? email : ""))
		norm[0] = '\0';
	ascii_lower(norm);
	if (!utf8_valid_text(norm, strlen(norm)))
		norm[0] = '\0';
	const char *pw = password ? password : "";
	int64_t now = now_seconds();

	int64_t by_email = 0, by_addr = 0;
	if (store_login_failure_count(ac->store, norm, addr ? addr : "", now - AUTH_WINDOW, &by_email, &by_addr))
		return LOGIN_ERROR;
	if (by_email >= AUTH_MAX_FAILURES_ACCOUNT || by_addr >= AUTH_MAX_FAILURES_ADDR) {
		struct user t;
		audit_login(ac, store_user_get_by_email(ac->store, norm, &t) == STORE_OK ? t.id : 0, norm, addr,
			    "login.throttled", NULL);
		return LOGIN_THROTTLED;
	}

	struct user u;
	int rc = store_user_get_by_email(ac->store, norm, &u);
	bool ok;
	if (rc == STORE_OK) {
		ok = password_verify(u.password_hash, pw) && !u.disabled;
	} else if (rc == STORE_NOTFOUND) {
		/* Spend the same time as a real check, so timing tells nothing about which
		 * e-mail addresses have accounts. */
		password_dummy_verify(pw);
		ok = false;
	} else {
		return LOGIN_ERROR;
	}

	if (!ok) {
		store_login_failure_add(ac->store, norm, addr ? addr : "", now);
		audit_login(ac, rc == STORE_OK ? u.id : 0, norm, addr, "login.failed",
			    rc == STORE_OK && u.disabled ? "disabled" : NULL);
		return LOGIN_FAILED;
	}
	store_login_failure_clear(ac->store, norm);
	if (audit_login(ac, u.id, u.email, addr, "login", NULL) != 0)
		return LOGIN_ERROR; /* no entry in the log, no login */
	if (out)
		*out = u;
	return LOGIN_OK;
}

int session_start(struct store *s, int64_t user_id, int64_t org_id, char *token, size_t token_len,
		  struct session *out)
{
	struct session se;
	memset(&se, 0, sizeof se);
	char secret[STORE_TOKEN_MAX];
	random_token(secret, sizeof secret, 32);
	sha256_hex(secret, strlen(secret), se.token_hash);
	random_token(se.csrf, sizeof se.csrf, 32);
	se.user_id = user_id;
	se.org_id = org_id;
	se.created_at = se.last_seen = now_seconds();
	se.expires_at = se.last_seen + SESSION_IDLE;
	int rc = store_session_create(s, &se);
	if (rc == 0) {
		copy_str(token, token_len, secret);
		if (out)
			*out = se;
	}
	secure_wipe(secret, sizeof secret);
	return rc;
}

/* The expiry rules on a session read by its hash: an expired one is deleted (NOTFOUND);
 * a live one's idle expiry moves on, written at most once a minute. */
static int session_keep(struct store *s, const char *hash, struct session *se);

int session_resume(struct store *s, const char *token, struct session *out)
{
	if (!token || !*token || strlen(token) >= STORE_TOKEN_MAX)
		return STORE_NOTFOUND;
	char hash[STORE_HEX_MAX];
	sha256_hex(token, strlen(token), hash);
	struct session se;
	int rc = store_session_get(s, hash, &se);
	if (!rc)
		rc = session_keep(s, hash, &se);
	if (rc)
		return rc;
	if (out)
		*out = se;
	return 0;
}

int session_resume_principal(struct store *s, const char *token, struct session_principal *out)
{
	if (!token || !*token || strlen(token) >= STORE_TOKEN_MAX)
		return STORE_NOTFOUND;
	char hash[STORE_HEX_MAX];
	sha256_hex(token, strlen(token), hash);
	int rc = store_session_principal(s, hash, out);
	if (!rc)
		rc = session_keep(s, hash, &out->se);
	return rc;
}

static int session_keep(struct store *s, const char *hash, struct session *se_out)
{
	struct session se = *se_out;
	int rc;
	int64_t now = now_seconds();
	if (now >= se.expires_at || now - se.created_at >= SESSION_MAX) {
		store_session_delete(s, hash);
		return STORE_NOTFOUND;
	}
	if (now - se.last_seen >= 60) {
		se.last_seen = now;
		se.expires_at = now + SESSION_IDLE;
		if (se.expires_at > se.created_at + SESSION_MAX)
			se.expires_at = se.created_at + SESSION_MAX;
		rc = store_session_touch(s, hash, se.last_seen, se.expires_at);
		if (rc)
			return rc;
	}
	*se_out = se;
	return 0;
}

int session_end(struct store *s, const char *token)
{
	if (!token || !*token || strlen(token) >= STORE_TOKEN_MAX)
		return STORE_NOTFOUND;
	char hash[STORE_HEX_MAX];
	sha256_hex(token, strlen(token), hash);
	return store_session_delete(s, hash);
}

int session_set_org(struct store *s, const char *token, int64_t org_id)
{
	if (!token || !*token || strlen(token) >= STORE_TOKEN_MAX)
		return STORE_NOTFOUND;
	char hash[STORE_HEX_MAX];
	sha256_hex(token, strlen(token), hash);
	return store_session_set_org(s, hash, org_id);
}

int api_token_resume(struct store *s, const char *token, struct api_token *out)
{
	if (!token || strncmp(token, "tolv_", 5) != 0 || strlen(token) >= STORE_TOKEN_MAX)
		return STORE_NOTFOUND;
	char hash[STORE_HEX_MAX];
	sha256_hex(token, strlen(token), hash);
	struct api_token t;
	int rc = store_token_get(s, hash, &t);
	if (rc)
		return rc;
	if (t.revoked)
		return STORE_NOTFOUND;
	if (out)
		*out = t;
	return 0;
}
