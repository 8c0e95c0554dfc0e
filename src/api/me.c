/* me.c: GET /api/v1/me — who the caller is, where, with which role. */
#include "api/api.h"

void api_me_get(struct req *r)
{
	json_t *j = json_pack("{s:{s:I, s:s, s:s, s:s}, s:{s:I, s:s}, s:s, s:s}", "user", "id",
			      (json_int_t)r->user.id, "email", r->user.email, "name", r->user.name, "lang", r->user.lang,
			      "organisation", "id",
			      (json_int_t)r->org_id, "name", r->org_name, "role", role_name(r->role), "auth",
			      r->via_token ? "token" : "session");
	/* A browser using its session needs the token for X-CSRF-Token on writes. */
	if (!r->via_token)
		json_object_set_new(j, "csrf_token", json_string(r->session.csrf));
	resp_json(r, 200, j);
}
