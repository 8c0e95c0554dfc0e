/* routes.c: the one route table — every URL tolv answers, with who may call it. */
#include "http/router.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/roles.h"
#include "http/static.h"
#include "web/web.h"

#define PAGE (NEEDS_LOGIN | NEEDS_ORG)
#define FORM (NEEDS_LOGIN | NEEDS_ORG | NEEDS_CSRF)
#define APIR (API | NEEDS_LOGIN | NEEDS_ORG)

const struct route routes[] = {
	/* Cheap routes first: no session, no language negotiation. */
	{ .method = M_GET, .pattern = "/healthz", .handler = healthz_get, .flags = NO_SESSION },
	{ .method = M_GET, .pattern = "/static/ds/designsystemet.css", .handler = static_get, .flags = NO_SESSION },
	{ .method = M_GET, .pattern = "/static/ds/index.css", .handler = static_get, .flags = NO_SESSION },
	{ .method = M_GET, .pattern = "/static/tolv.css", .handler = static_get, .flags = NO_SESSION },

	/* Logging in and out, choosing organisation and language. */
	{ .method = M_GET, .pattern = "/login", .handler = login_get, .flags = PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/login", .handler = login_post, .flags = NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/logout", .handler = logout_post,
	  .flags = NEEDS_LOGIN | NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/language", .handler = language_post, .flags = NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/org", .handler = org_get, .flags = NEEDS_LOGIN },
	{ .method = M_POST, .pattern = "/org", .handler = org_post, .flags = NEEDS_LOGIN | NEEDS_CSRF },

	/* Pages of the chosen organisation. */
	{ .method = M_GET, .pattern = "/", .handler = start_get, .flags = PAGE, .roles = ROLE_ANY },

	{ .method = M_GET, .pattern = "/account", .handler = account_get, .flags = NEEDS_LOGIN },
	{ .method = M_GET, .pattern = "/account/password", .handler = account_password_get,
	  .flags = NEEDS_LOGIN | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/account/password", .handler = account_password_post,
	  .flags = NEEDS_LOGIN | NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/account/language", .handler = language_post,
	  .flags = NEEDS_LOGIN | NEEDS_CSRF | PW_CHANGE_OK },

	{ .method = M_GET, .pattern = "/users", .handler = users_list_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/users/new", .handler = users_new_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/users", .handler = users_create_post, .flags = FORM, .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/users/{id}", .handler = user_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/users/{id}", .handler = user_post, .flags = FORM, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/users/{id}/password", .handler = user_password_post, .flags = FORM,
	  .roles = ROLE_ADMIN },

	{ .method = M_GET, .pattern = "/audit", .handler = audit_get, .flags = PAGE,
	  .roles = ROLE_AUDITOR | ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/audit.csv", .handler = audit_csv_get, .flags = PAGE,
	  .roles = ROLE_AUDITOR | ROLE_ADMIN },

	/* The JSON API: everything the pages do. */
	{ .method = M_GET, .pattern = "/api/v1/me", .handler = api_me_get, .flags = APIR, .roles = ROLE_ANY },
	{ .method = M_GET, .pattern = "/api/v1/users", .handler = api_users_list, .flags = APIR, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/api/v1/users", .handler = api_users_create, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/api/v1/users/{id}", .handler = api_user_get, .flags = APIR,
	  .roles = ROLE_ADMIN },
	{ .method = M_PATCH, .pattern = "/api/v1/users/{id}", .handler = api_user_patch, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/api/v1/audit", .handler = api_audit_list, .flags = APIR,
	  .roles = ROLE_AUDITOR | ROLE_ADMIN },
};

const size_t routes_count = sizeof routes / sizeof routes[0];

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{ NEEDS_LOGIN, "login" }, { NEEDS_ORG, "org" },	       { NEEDS_CSRF, "csrf" },
	{ API, "api" },		  { NO_SESSION, "no_session" }, { PW_CHANGE_OK, "pw_change_ok" },
};

static const enum role all_roles[] = { ROLE_ADMIN, ROLE_COORDINATOR, ROLE_THERAPIST, ROLE_AUDITOR };

void routes_dump_json(struct buf *out)
{
	json_t *list = json_array();
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		struct buf m = BUF_INIT;
		methods_format(rt->method, &m);
		json_t *flags = json_array(), *roles = json_array();
		for (size_t f = 0; f < sizeof flag_names / sizeof flag_names[0]; f++)
			if (rt->flags & flag_names[f].flag)
				json_array_append_new(flags, json_string(flag_names[f].name));
		for (size_t k = 0; k < sizeof all_roles / sizeof all_roles[0]; k++)
			if (rt->roles & (unsigned)all_roles[k])
				json_array_append_new(roles, json_string(role_name(all_roles[k])));
		json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:o, s:b}", "method", m.data, "pattern",
						      rt->pattern, "flags", flags, "roles", roles, "has_id",
						      strstr(rt->pattern, "{id}") != NULL));
		buf_release(&m);
	}
	char *s = json_dumps(list, JSON_INDENT(2));
	buf_adds(out, s);
	buf_addch(out, '\n');
	free(s);
	json_decref(list);
}
