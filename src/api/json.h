/* json.h: how the API writes users and audit entries as JSON (one shape everywhere). */
#ifndef TOLV_API_JSON_H
#define TOLV_API_JSON_H

#include <jansson.h>

#include "store/store.h"

/* {"id","email","name","lang","role","disabled","account_disabled","must_change_password",
 *  "created_at"} — disabled is access to this organisation, account_disabled is
 * installation-wide. */
json_t *user_json(const struct user *u, const struct membership *m);
json_t *audit_entry_json(const struct audit_entry *e);

#endif
