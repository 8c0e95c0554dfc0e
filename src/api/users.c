/* users.c: the API's user administration of the token's (or session's) organisation —
 * the same rules as the pages, through accounts_*. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/json.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "web/web.h"

/* A field_error from the domain as the API's 422 (or 409 for a taken e-mail). */
static void field_error_answer(struct req *r, int rc, const struct field_error *fe)
{
	if (rc == ACC_INVALID || (rc == STORE_CONFLICT && fe->message)) {
		resp_error(r, rc == ACC_INVALID ? 422 : 409, rc == ACC_INVALID ? "validation_failed" : "conflict",
			   fe->message ? fe->message : N_("Some of the values are not valid."), fe->field);
		return;
	}
	resp_store_error(r, rc);
}

void api_users_list(struct req *r)
{
	int64_t limit, offset;
	if (!query_int_or_400(r, "limit", 1, 200, 50, &limit) || !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset))
		return;
	struct user_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_user_list(r->site->ac->store, r->org_id, (int)limit, (int)offset, &rows, &n, &total);
	if (rc != STORE_OK) {
		free(rows);
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, user_json(&rows[i].user, &rows[i].m));
	free(rows);
	resp_json(r, 200,
		  json_pack("{s:o, s:I, s:I, s:I}", "users", list, "total", (json_int_t)total, "limit",
			    (json_int_t)limit, "offset", (json_int_t)offset));
}

void api_users_create(struct req *r)
{
	static const char *const keys[] = { "email", "name", "role", "password", NULL };
	const char *email, *name, *role, *password;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "email", true, 1000, &email) ||
	    !json_str_or_400(r, "name", false, 1000, &name) || !json_str_or_400(r, "role", true, 100, &role) ||
	    !json_str_or_400(r, "password", false, 1024, &password))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	char onetime[64] = "";
	struct user u;
	bool existing = false;
	int rc = accounts_user_add(r->site->ac, &a, r->org_id, email, name ? name : "", role, password, onetime,
				   sizeof onetime, &u, &existing, &fe);
	if (rc != 0) {
		field_error_answer(r, rc, &fe);
		return;
	}
	struct membership m;
	rc = store_membership_get(r->site->ac->store, u.id, r->org_id, &m);
	if (rc != STORE_OK) {
		resp_store_error(r, rc);
		return;
	}
	json_t *j = json_pack("{s:o, s:b}", "user", user_json(&u, &m), "existing", existing);
	if (onetime[0])
		json_object_set_new(j, "one_time_password", json_string(onetime));
	secure_wipe(onetime, sizeof onetime);
	resp_json(r, 201, j);
}

static bool load_or_404(struct req *r, struct user *u, struct membership *m)
{
	int rc = store_membership_get(r->site->ac->store, r->id, r->org_id, m);
	if (rc == STORE_OK)
		rc = store_user_get(r->site->ac->store, r->id, u);
	if (rc != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			resp_error(r, 404, "not_found", N_("No such user in this organisation."), NULL);
		else
			resp_store_error(r, rc);
		return false;
	}
	return true;
}

void api_user_get(struct req *r)
{
	struct user u;
	struct membership m;
	if (!load_or_404(r, &u, &m))
		return;
	audit_user_read(r, u.id);
	resp_json(r, 200, json_pack("{s:o}", "user", user_json(&u, &m)));
}

void api_user_patch(struct req *r)
{
	static const char *const keys[] = { "role", "disabled", "name", NULL };
	const char *role, *name;
	bool has_disabled = false, disabled = false;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "role", false, 100, &role) ||
	    !json_bool_or_400(r, "disabled", &has_disabled, &disabled) ||
	    !json_str_or_400(r, "name", false, STORE_NAME_MAX - 1, &name))
		return;
	struct user u;
	struct membership m;
	if (!load_or_404(r, &u, &m))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	/* Every input is checked before anything changes. */
	if (name && accounts_check_name(name, &fe) != 0) {
		field_error_answer(r, ACC_INVALID, &fe);
		return;
	}
	int rc = accounts_membership_set(r->site->ac, &a, u.id, r->org_id, role ? role : m.role,
					 has_disabled ? disabled : m.disabled, &fe);
	if (rc != 0) {
		field_error_answer(r, rc, &fe);
		return;
	}
	/* The name last: a refused role change leaves the name untouched too. */
	if (name && (rc = accounts_set_name(r->site->ac, &a, u.id, name, &fe)) != 0) {
		field_error_answer(r, rc, &fe);
		return;
	}
	if (!load_or_404(r, &u, &m))
		return;
	resp_json(r, 200, json_pack("{s:o}", "user", user_json(&u, &m)));
}
