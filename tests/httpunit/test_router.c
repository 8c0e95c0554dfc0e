/* test_router.c: unit tests of route matching (path parameters, 404, 405 with Allow),
 * the route table's invariants and its JSON dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/router.h"

static void noop(struct req *r)
{
	(void)r;
}

static const struct route table[] = {
	{ .method = M_GET, .pattern = "/", .handler = noop },
	{ .method = M_GET, .pattern = "/users", .handler = noop },
	{ .method = M_POST, .pattern = "/users", .handler = noop },
	{ .method = M_GET, .pattern = "/users/new", .handler = noop },
	{ .method = M_GET, .pattern = "/users/{id}", .handler = noop },
	{ .method = M_POST, .pattern = "/users/{id}/password", .handler = noop },
	{ .method = M_PATCH, .pattern = "/api/v1/users/{id}", .handler = noop },
};
#define N (sizeof table / sizeof table[0])

static void patterns(void **state)
{
	int64_t id = 0;
	assert_true(pattern_match("/users/{id}", "/users/42", &id));
	assert_int_equal(id, 42);
	assert_true(pattern_match("/users/{id}", "/users/9223372036854775807", &id));
	assert_int_equal(id, INT64_MAX);
	assert_true(pattern_match("/users/{id}/password", "/users/7/password", &id));
	assert_int_equal(id, 7);
	static const char *const bad[] = { "/users/0", "/users/-1", "/users/+1", "/users/01", "/users/1a",
					   "/users/ 1", "/users/", "/users", "/users/9223372036854775808",
					   "/users/1/", "/users/1/password/x", "/users/99999999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(pattern_match("/users/{id}", bad[i], &id));
	assert_true(pattern_match("/", "/", NULL));
	assert_false(pattern_match("/", "", NULL));
	assert_false(pattern_match("/users", "/users/", NULL));
	assert_false(pattern_match("/users", "/Users", NULL));
}

static void matching(void **state)
{
	const struct route *rt = NULL;
	int64_t id = 0;
	unsigned allow = 0;
	assert_int_equal(route_match(table, N, M_GET, "/users/new", &rt, &id, &allow), ROUTE_OK);
	assert_ptr_equal(rt, &table[3]); /* the literal route, not {id} */
	assert_int_equal(route_match(table, N, M_GET, "/users/12", &rt, &id, &allow), ROUTE_OK);
	assert_ptr_equal(rt, &table[4]);
	assert_int_equal(id, 12);
	assert_int_equal(route_match(table, N, M_HEAD, "/users", &rt, &id, &allow), ROUTE_OK);
	assert_ptr_equal(rt, &table[1]);
	assert_int_equal(route_match(table, N, M_POST, "/users", &rt, &id, &allow), ROUTE_OK);
	assert_ptr_equal(rt, &table[2]);
}

static void not_found_and_bad_method(void **state)
{
	const struct route *rt = NULL;
	int64_t id = 0;
	unsigned allow = 0;
	assert_int_equal(route_match(table, N, M_GET, "/nope", &rt, &id, &allow), ROUTE_NOT_FOUND);
	assert_int_equal(route_match(table, N, M_GET, "/users/abc", &rt, &id, &allow), ROUTE_NOT_FOUND);
	assert_int_equal(route_match(table, N, M_GET, "/users/0", &rt, &id, &allow), ROUTE_NOT_FOUND);
	assert_int_equal(route_match(table, N, M_DELETE, "/users", &rt, &id, &allow), ROUTE_BAD_METHOD);
	assert_int_equal(allow, M_GET | M_HEAD | M_POST);
	struct buf b = BUF_INIT;
	methods_format(allow, &b);
	assert_string_equal(b.data, "GET, HEAD, POST");
	buf_release(&b);
	assert_int_equal(route_match(table, N, M_GET, "/users/3/password", &rt, &id, &allow), ROUTE_BAD_METHOD);
	assert_int_equal(allow, M_POST);
	assert_int_equal(route_match(table, N, M_OTHER, "/", &rt, &id, &allow), ROUTE_BAD_METHOD);
}

/* The real table: no two routes answer the same (method, pattern); every state-changing
 * route checks CSRF; every page of an organisation needs login. */
static void real_table(void **state)
{
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *a = &routes[i];
		assert_non_null(a->handler);
		assert_int_equal(a->pattern[0], '/');
		if (a->method != M_GET)
			assert_true(a->flags & NEEDS_CSRF);
		if (a->flags & NEEDS_ORG)
			assert_true(a->flags & NEEDS_LOGIN);
		if (a->roles)
			assert_true(a->flags & NEEDS_LOGIN);
		if (strncmp(a->pattern, "/api/", 5) == 0)
			assert_true(a->flags & API);
		for (size_t j = i + 1; j < routes_count; j++)
			assert_false(a->method == routes[j].method && strcmp(a->pattern, routes[j].pattern) == 0);
	}
	const struct route *rt = NULL;
	int64_t id;
	unsigned allow;
	assert_int_equal(route_match(routes, routes_count, M_GET, "/healthz", &rt, &id, &allow), ROUTE_OK);
	assert_true(rt->flags & NO_SESSION);
	assert_int_equal(route_match(routes, routes_count, M_GET, "/users/5", &rt, &id, &allow), ROUTE_OK);
	assert_int_equal(rt->roles, ROLE_ADMIN);
	assert_int_equal(route_match(routes, routes_count, M_DELETE, "/api/v1/users/5", &rt, &id, &allow),
			 ROUTE_BAD_METHOD);
	assert_int_equal(allow, M_GET | M_HEAD | M_PATCH);
}

static void dump(void **state)
{
	struct buf b = BUF_INIT;
	routes_dump_json(&b);
	json_error_t err;
	json_t *j = json_loads(b.data, 0, &err);
	assert_non_null(j);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), routes_count);
	bool found = false;
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "pattern")), "/users/{id}") == 0 &&
		    strcmp(json_string_value(json_object_get(v, "method")), "POST") == 0) {
			found = true;
			assert_string_equal(json_string_value(json_array_get(json_object_get(v, "roles"), 0)), "admin");
			assert_true(json_is_true(json_object_get(v, "has_id")));
		}
	}
	assert_true(found);
	json_decref(j);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patterns),	 cmocka_unit_test(matching),	cmocka_unit_test(not_found_and_bad_method),
		cmocka_unit_test(real_table), cmocka_unit_test(dump),
	};
	return cmocka_run_group_tests_name("http router", tests, NULL, NULL);
}
