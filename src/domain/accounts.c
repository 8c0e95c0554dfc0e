/* accounts.c: organisations, users, memberships, passwords and API tokens, with their
 * validation and an audit entry for every change. Shared by the CLI and the web tier. */
#include "domain/accounts.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/util.h"
#include "domain/password.h"
#include "domain/roles.h"

static int invalid(struct field_error *fe, const char *field, const char *message)
{
	if (fe) {
		fe->field = field;
		fe->message = message;
	}
	return ACC_INVALID;
}

static void audit(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
		  const char *otype, int64_t oid, const char *detail)
{
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)oid);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, otype, id, detail);
}

/* An event about a user account as a whole: logged in the actor's organisation, or —
 * when the actor has none chosen (the command line, a first-login password change) — in
 * every organisation the user belongs to, so each organisation's auditors see it. */
static void audit_user(struct accounts *ac, const struct actor *who, const char *action, int64_t user_id,
		       const char *detail)
{
	if (who->org_id) {
		audit(ac, who, who->org_id, action, "user", user_id, detail);
		return;
	}
	struct membership *ms = NULL;
	size_t n = 0;
	if (store_memberships_of_user(ac->store, user_id, &ms, &n) != 0 || n == 0) {
		audit(ac, who, 0, action, "user", user_id, detail);
		free(ms);
		return;
	}
	for (size_t i = 0; i < n; i++)
		audit(ac, who, ms[i].org_id, action, "user", user_id, detail);
	free(ms);
}

/* Trims ASCII white space at both ends into out; false if it does not fit. */
static bool trimmed(const char *in, char *out, size_t outlen)
{
	while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r')
		in++;
	size_t n = strlen(in);
	while (n && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\n' || in[n - 1] == '\r'))
		n--;
	if (n >= outlen)
		return false;
	memcpy(out, in, n);
	out[n] = '\0';
	return true;
}

bool lang_supported(const char *lang)
{
	return lang && (!strcmp(lang, "nb") || !strcmp(lang, "sv") || !strcmp(lang, "en"));
}

static int check_name(const char *in, char *out, size_t outlen, const char *field, bool required,
		      struct field_error *fe)
{
	if (!trimmed(in ? in : "", out, outlen))
		return invalid(fe, field, "The name is too long (at most 200 characters).");
	if (!utf8_valid_text(out, strlen(out)) || strchr(out, '\n') || strchr(out, '\r') || strchr(out, '\t'))
		return invalid(fe, field, "The name contains characters that are not allowed.");
	if (required && !*out)
		return invalid(fe, field, "Enter a name.");
	return 0;
}

int accounts_org_add(struct accounts *ac, const struct actor *who, const char *name, struct org *out,
		     struct field_error *fe)
{
	struct org o;
	memset(&o, 0, sizeof o);
	int rc = check_name(name, o.name, sizeof o.name, "name", true, fe);
	if (rc)
		return rc;
	o.created_at = now_seconds();
	rc = store_org_create(ac->store, &o);
	if (rc == STORE_CONFLICT) {
		invalid(fe, "name", "An organisation with this name already exists.");
		return rc;
	}
	if (rc)
		return rc;
	audit(ac, who, o.id, "org.create", "org", o.id, NULL);
	if (out)
		*out = o;
	return 0;
}

static int check_email(const char *in, char *out, size_t outlen, struct field_error *fe)
{
	if (!trimmed(in ? in : "", out, outlen))
		return invalid(fe, "email", "The e-mail address is too long.");
	if (!*out)
		return invalid(fe, "email", "Enter an e-mail address.");
	ascii_lower(out);
	if (!email_valid(out))
		return invalid(fe, "email", "Enter a valid e-mail address, like name@example.no.");
	return 0;
}

int accounts_user_add(struct accounts *ac, const struct actor *who, int64_t org_id, const char *email,
		      const char *name, const char *role, const char *password, char *onetime,
		      size_t onetime_len, struct user *out, bool *existing, struct field_error *fe)
{
	struct user u;
	memset(&u, 0, sizeof u);
	if (existing)
		*existing = false;
	if (onetime && onetime_len)
		onetime[0] = '\0';
	int rc = check_email(email, u.email, sizeof u.email, fe);
	if (rc)
		return rc;
	rc = check_name(name, u.name, sizeof u.name, "name", false, fe);
	if (rc)
		return rc;
	enum role r = role_parse(role);
	if (r == ROLE_NONE)
		return invalid(fe, "role", "Choose a role.");
	struct org o;
	rc = store_org_get(ac->store, org_id, &o);
	if (rc)
		return rc;

	struct user found;
	rc = store_user_get_by_email(ac->store, u.email, &found);
	if (rc == STORE_OK) {
		/* The person already has an account (say in a neighbouring municipality):
		 * give them access here rather than a second account. */
		struct membership m;
		if (store_membership_get(ac->store, found.id, org_id, &m) == STORE_OK) {
			invalid(fe, "email", "A user with this e-mail address already exists in this organisation.");
			return STORE_CONFLICT;
		}
		memset(&m, 0, sizeof m);
		m.user_id = found.id;
		m.org_id = org_id;
		copy_str(m.role, sizeof m.role, role_name(r));
		rc = store_membership_set(ac->store, &m);
		if (rc)
			return rc;
		audit(ac, who, org_id, "membership.create", "user", found.id, role_name(r));
		if (existing)
			*existing = true;
		if (out)
			*out = found;
		return 0;
	}
	if (rc != STORE_NOTFOUND)
		return rc;

	char generated[32] = "";
	if (!password || !*password) {
		password_generate(generated, sizeof generated);
		password = generated;
		u.must_change_password = true;
	} else {
		const char *why = password_policy(password);
		if (why)
			return invalid(fe, "password", why);
	}
	if (password_hash(password, u.password_hash, sizeof u.password_hash) != 0) {
		secure_wipe(generated, sizeof generated);
		return STORE_ERROR;
	}
	copy_str(u.lang, sizeof u.lang, "nb");
	u.created_at = now_seconds();
	rc = store_user_create(ac->store, &u);
	if (rc == STORE_CONFLICT)
		invalid(fe, "email", "A user with this e-mail address already exists.");
	if (rc == STORE_OK) {
		struct membership m;
		memset(&m, 0, sizeof m);
		m.user_id = u.id;
		m.org_id = org_id;
		copy_str(m.role, sizeof m.role, role_name(r));
		rc = store_membership_set(ac->store, &m);
	}
	if (rc) {
		secure_wipe(generated, sizeof generated);
		return rc;
	}
	audit(ac, who, org_id, "user.create", "user", u.id, role_name(r));
	if (generated[0] && onetime)
		copy_str(onetime, onetime_len, generated);
	secure_wipe(generated, sizeof generated);
	if (out)
		*out = u;
	return 0;
}

int accounts_set_password(struct accounts *ac, const struct actor *who, int64_t user_id, const char *pw,
			  bool must_change, struct field_error *fe)
{
	const char *why = password_policy(pw);
	if (why)
		return invalid(fe, "password", why);
	struct user u;
	int rc = store_user_get(ac->store, user_id, &u);
	if (rc)
		return rc;
	if (password_verify(u.password_hash, pw) && !must_change)
		return invalid(fe, "password", "The new password must differ from the current one.");
	if (password_hash(pw, u.password_hash, sizeof u.password_hash) != 0)
		return STORE_ERROR;
	u.must_change_password = must_change;
	rc = store_user_update(ac->store, &u);
	if (rc)
		return rc;
	/* Someone else set it: whoever holds the old sessions must log in again. */
	if (who->user_id != user_id)
		store_session_delete_user(ac->store, user_id);
	audit_user(ac, who, who->user_id == user_id ? "password.change" : "password.reset", user_id, NULL);
	return 0;
}

int accounts_reset_password(struct accounts *ac, const struct actor *who, int64_t user_id, char *onetime,
			    size_t onetime_len)
{
	char generated[32];
	password_generate(generated, sizeof generated);
	int rc = accounts_set_password(ac, who, user_id, generated, true, NULL);
	if (rc == 0)
		copy_str(onetime, onetime_len, generated);
	secure_wipe(generated, sizeof generated);
	return rc;
}

int accounts_user_disable(struct accounts *ac, const struct actor *who, int64_t user_id, bool disabled)
{
	struct user u;
	int rc = store_user_get(ac->store, user_id, &u);
	if (rc)
		return rc;
	u.disabled = disabled;
	rc = store_user_update(ac->store, &u);
	if (rc)
		return rc;
	if (disabled)
		store_session_delete_user(ac->store, user_id);
	audit_user(ac, who, disabled ? "user.disable" : "user.enable", user_id, NULL);
	return 0;
}

int accounts_membership_set(struct accounts *ac, const struct actor *who, int64_t user_id, int64_t org_id,
			    const char *role, bool disabled, struct field_error *fe)
{
	enum role r = role_parse(role);
	if (r == ROLE_NONE)
		return invalid(fe, "role", "Choose a role.");
	struct membership m;
	int rc = store_membership_get(ac->store, user_id, org_id, &m);
	if (rc)
		return rc;
	if (who->user_id == user_id && (disabled || r != ROLE_ADMIN) && role_parse(m.role) == ROLE_ADMIN)
		return invalid(fe, "role", "You cannot remove your own administrator access.");
	bool changed_role = strcmp(m.role, role_name(r)) != 0;
	bool changed_access = m.disabled != disabled;
	if (!changed_role && !changed_access)
		return 0;
	copy_str(m.role, sizeof m.role, role_name(r));
	m.disabled = disabled;
	rc = store_membership_set(ac->store, &m);
	if (rc)
		return rc;
	if (changed_role)
		audit(ac, who, org_id, "membership.role", "user", user_id, role_name(r));
	if (changed_access)
		audit(ac, who, org_id, disabled ? "membership.disable" : "membership.enable", "user", user_id, NULL);
	return 0;
}

int accounts_check_name(const char *name, struct field_error *fe)
{
	char clean[STORE_NAME_MAX];
	return check_name(name, clean, sizeof clean, "name", false, fe);
}

int accounts_set_name(struct accounts *ac, const struct actor *who, int64_t user_id, const char *name,
		      struct field_error *fe)
{
	char clean[STORE_NAME_MAX];
	int rc = check_name(name, clean, sizeof clean, "name", false, fe);
	if (rc)
		return rc;
	struct user u;
	rc = store_user_get(ac->store, user_id, &u);
	if (rc)
		return rc;
	if (strcmp(u.name, clean) == 0)
		return 0;
	copy_str(u.name, sizeof u.name, clean);
	rc = store_user_update(ac->store, &u);
	if (rc)
		return rc;
	audit_user(ac, who, "user.name", user_id, NULL);
	return 0;
}

int accounts_set_lang(struct accounts *ac, const struct actor *who, int64_t user_id, const char *lang,
		      struct field_error *fe)
{
	if (!lang_supported(lang))
		return invalid(fe, "lang", "Choose a language.");
	struct user u;
	int rc = store_user_get(ac->store, user_id, &u);
	if (rc)
		return rc;
	if (strcmp(u.lang, lang) == 0)
		return 0;
	copy_str(u.lang, sizeof u.lang, lang);
	rc = store_user_update(ac->store, &u);
	if (rc)
		return rc;
	audit_user(ac, who, "user.language", user_id, lang);
	return 0;
}

int accounts_token_create(struct accounts *ac, const struct actor *who, int64_t user_id, int64_t org_id,
			  const char *label, char *token, size_t token_len)
{
	struct membership m;
	int rc = store_membership_get(ac->store, user_id, org_id, &m);
	if (rc)
		return rc;
	struct api_token t;
	memset(&t, 0, sizeof t);
	char secret[STORE_TOKEN_MAX];
	char body[48];
	random_token(body, sizeof body, 32);
	snprintf(secret, sizeof secret, "tolv_%s", body);
	sha256_hex(secret, strlen(secret), t.token_hash);
	t.user_id = user_id;
	t.org_id = org_id;
	copy_str(t.label, sizeof t.label, label ? label : "");
	t.created_at = now_seconds();
	rc = store_token_create(ac->store, &t);
	if (rc == 0) {
		audit(ac, who, org_id, "token.create", "user", user_id, t.label);
		copy_str(token, token_len, secret);
	}
	secure_wipe(secret, sizeof secret);
	return rc;
}
