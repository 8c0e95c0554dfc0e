/* accounts.h: organisations, users, memberships, passwords and API tokens — the rules
 * the CLI and the web pages share. Every change is written to the audit log. */
#ifndef TOLV_DOMAIN_ACCOUNTS_H
#define TOLV_DOMAIN_ACCOUNTS_H

#include "domain/audit.h"
#include "store/store.h"

/* Who acts, for the audit log. user_id 0 / email "" = the command line. */
struct actor {
	int64_t user_id;
	char email[STORE_EMAIL_MAX];
	int64_t org_id;
	char addr[STORE_ADDR_MAX];
};

/* A validation failure: the form field and an English message (a gettext msgid). */
struct field_error {
	const char *field;
	const char *message;
};

/* Return values of this module: 0, ACC_INVALID (see the field_error), or a negative
 * store_status (STORE_CONFLICT for taken names/e-mails, STORE_NOTFOUND...). */
#define ACC_INVALID 1

struct accounts {
	struct store *store;
	struct auditor *audit;
};

int accounts_org_add(struct accounts *ac, const struct actor *who, const char *name, struct org *out,
		     struct field_error *fe);

/* Creates a user with a membership (org_id, role). If password is NULL or "", a one-time
 * password is generated into onetime (>= 32 bytes) and must_change_password is set.
 * An existing e-mail with no membership in org_id gets the membership added instead
 * (returns 0, *existing = true); with one already: STORE_CONFLICT. */
int accounts_user_add(struct accounts *ac, const struct actor *who, int64_t org_id, const char *email,
		      const char *name, const char *role, const char *password, char *onetime,
		      size_t onetime_len, struct user *out, bool *existing, struct field_error *fe);

/* Sets a new password; must_change forces a change at next login. Ends the user's
 * sessions when set by someone else. */
int accounts_set_password(struct accounts *ac, const struct actor *who, int64_t user_id, const char *pw,
			  bool must_change, struct field_error *fe);
/* Like accounts_set_password for a new random one-time password written to onetime. */
int accounts_reset_password(struct accounts *ac, const struct actor *who, int64_t user_id, char *onetime,
			    size_t onetime_len);
/* Installation-wide disable / enable (the CLI); ends sessions on disable. */
int accounts_user_disable(struct accounts *ac, const struct actor *who, int64_t user_id, bool disabled);
/* Changes role and/or access within one organisation (the web's user administration). */
int accounts_membership_set(struct accounts *ac, const struct actor *who, int64_t user_id, int64_t org_id,
			    const char *role, bool disabled, struct field_error *fe);
/* 0 if name is acceptable for accounts_set_name, else ACC_INVALID with fe filled: lets a
 * caller check every input before changing anything. */
int accounts_check_name(const char *name, struct field_error *fe);
/* Renames a user (trimmed; may be empty). */
int accounts_set_name(struct accounts *ac, const struct actor *who, int64_t user_id, const char *name,
		      struct field_error *fe);
int accounts_set_lang(struct accounts *ac, const struct actor *who, int64_t user_id, const char *lang,
		      struct field_error *fe);
/* Creates an API token for user_id in org_id; writes the secret (shown once) to token
 * (>= 64 bytes). */
int accounts_token_create(struct accounts *ac, const struct actor *who, int64_t user_id, int64_t org_id,
			  const char *label, char *token, size_t token_len);

/* True if lang is one of the supported languages: "nb", "sv", "en". */
bool lang_supported(const char *lang);

#endif
