/* test_params.c: unit tests of the request parsers — forms and queries, cookies,
 * Accept-Language, percent-decoding, local redirect targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "http/params.h"

static int setup(void **state)
{
	struct pool *p = test_malloc(sizeof *p);
	pool_init(p);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	pool_release(*state);
	test_free(*state);
	return 0;
}

static int parse(struct pool *p, const char *s, struct params *ps)
{
	memset(ps, 0, sizeof *ps);
	return form_parse(p, s, strlen(s), ps);
}

static void form_basic(void **state)
{
	struct params ps;
	assert_int_equal(parse(*state, "a=1&b=x+y&c=%C3%A5%2B", &ps), 0);
	assert_int_equal(ps.n, 3);
	assert_string_equal(params_get(&ps, "a"), "1");
	assert_string_equal(params_get(&ps, "b"), "x y");
	assert_string_equal(params_get(&ps, "c"), "\xc3\xa5+");
	assert_null(params_get(&ps, "d"));
}

static void form_repeated_and_empty(void **state)
{
	struct params ps;
	assert_int_equal(parse(*state, "k=1&&k=2&flag&=v&k=", &ps), 0);
	assert_int_equal(params_count(&ps, "k"), 3);
	assert_string_equal(params_get(&ps, "k"), "1"); /* the first wins */
	assert_string_equal(params_get(&ps, "flag"), "");
	assert_string_equal(params_get(&ps, ""), "v");
	assert_int_equal(parse(*state, "", &ps), 0);
	assert_int_equal(ps.n, 0);
}

static void form_rejects_bad_input(void **state)
{
	struct params ps;
	assert_int_equal(parse(*state, "a=%", &ps), -1);
	assert_int_equal(parse(*state, "a=%4", &ps), -1);
	assert_int_equal(parse(*state, "a=%zz", &ps), -1);
	assert_int_equal(parse(*state, "a=%00", &ps), -1);   /* NUL */
	assert_int_equal(parse(*state, "a=%07", &ps), -1);   /* control character */
	assert_int_equal(parse(*state, "a=%C3", &ps), -1);   /* truncated UTF-8 */
	assert_int_equal(parse(*state, "a=%C0%AF", &ps), -1); /* overlong */
	assert_int_equal(parse(*state, "a=%ED%A0%80", &ps), -1); /* surrogate */
	assert_int_equal(parse(*state, "%FF=1", &ps), -1);
	assert_int_equal(parse(*state, "a=line%0Abreak", &ps), 0); /* newlines are text */
}

static void form_too_many(void **state)
{
	char s[PARAMS_MAX * 4 + 16];
	size_t o = 0;
	for (int i = 0; i <= PARAMS_MAX; i++) {
		memcpy(s + o, "a=1&", 4);
		o += 4;
	}
	s[o] = '\0';
	struct params ps;
	assert_int_equal(parse(*state, s, &ps), -1);
}

static void cookies(void **state)
{
	struct params ps = { 0 };
	assert_int_equal(cookie_parse(*state, " tolv_session=abc-_1 ; tolv_lang=\"sv\";junk;=x; a=b=c;tolv_csrf=",
				      &ps),
			 0);
	assert_string_equal(params_get(&ps, "tolv_session"), "abc-_1");
	assert_string_equal(params_get(&ps, "tolv_lang"), "sv");
	assert_string_equal(params_get(&ps, "a"), "b=c");
	assert_string_equal(params_get(&ps, "tolv_csrf"), "");
	assert_null(params_get(&ps, "junk"));
	struct params none = { 0 };
	assert_int_equal(cookie_parse(*state, NULL, &none), 0);
	assert_int_equal(none.n, 0);
	struct params ctl = { 0 };
	assert_int_equal(cookie_parse(*state, "a=\x01; b=2", &ctl), 0);
	assert_null(params_get(&ctl, "a"));
	assert_string_equal(params_get(&ctl, "b"), "2");
}

static void accept_language(void **state)
{
	assert_int_equal(accept_language_parse("sv-SE,sv;q=0.9,en;q=0.8"), LANG_SV);
	assert_int_equal(accept_language_parse("de-DE, en;q=0.5, nb;q=0.7"), LANG_NB);
	assert_int_equal(accept_language_parse("en-GB;q=0.3, no;q=0.3"), LANG_EN); /* tie: earlier wins */
	assert_int_equal(accept_language_parse("nn"), LANG_NB);
	assert_int_equal(accept_language_parse("de, fr"), -1);
	assert_int_equal(accept_language_parse("sv;q=0"), -1);
	assert_int_equal(accept_language_parse("*"), -1);
	assert_int_equal(accept_language_parse("sv;q=abc, en;q=0.1"), LANG_EN);
	assert_int_equal(accept_language_parse("sv;q=1.5, en;q=0.2"), LANG_EN);
	assert_int_equal(accept_language_parse(""), -1);
	assert_int_equal(accept_language_parse(NULL), -1);
	assert_int_equal(accept_language_parse(",,;,"), -1);
}

static void decode(void **state)
{
	assert_string_equal(percent_decode(*state, "/users/%31", 10, false), "/users/1");
	assert_string_equal(percent_decode(*state, "a+b", 3, false), "a+b");
	assert_null(percent_decode(*state, "/%00", 4, false));
	struct buf b = BUF_INIT;
	url_encode(&b, "/x?a=1&b=å <");
	assert_string_equal(b.data, "%2Fx%3Fa%3D1%26b%3D%C3%A5%20%3C");
	buf_release(&b);
}

static void local_paths(void **state)
{
	assert_true(local_path_ok("/"));
	assert_true(local_path_ok("/users?page=2"));
	assert_false(local_path_ok("//evil.example"));
	assert_false(local_path_ok("/\\evil.example"));
	assert_false(local_path_ok("https://evil.example"));
	assert_false(local_path_ok("evil"));
	assert_false(local_path_ok("/a\r\nSet-Cookie: x"));
	assert_false(local_path_ok(""));
	assert_false(local_path_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(form_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(form_repeated_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(form_rejects_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(form_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(cookies, setup, teardown),
		cmocka_unit_test_setup_teardown(accept_language, setup, teardown),
		cmocka_unit_test_setup_teardown(decode, setup, teardown),
		cmocka_unit_test_setup_teardown(local_paths, setup, teardown),
	};
	return cmocka_run_group_tests_name("http params", tests, NULL, NULL);
}
