/* json.c: JSON shapes of the API (see json.h). */
#include "api/json.h"

#include "core/util.h"

json_t *user_json(const struct user *u, const struct membership *m)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:I}", "id", (json_int_t)u->id, "email", u->email,
			 "name", u->name, "lang", u->lang, "role", m->role, "disabled", m->disabled, "account_disabled",
			 u->disabled, "must_change_password", u->must_change_password, "created_at",
			 (json_int_t)u->created_at);
}

json_t *audit_entry_json(const struct audit_entry *e)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)e->seq, "at_ms",
			 (json_int_t)e->at_ms, "user_id", (json_int_t)e->user_id, "actor", e->actor, "org_id",
			 (json_int_t)e->org_id, "action", e->action, "object_type", e->object_type, "object_id",
			 e->object_id, "addr", e->addr, "detail", e->detail, "hash", e->hash);
}
