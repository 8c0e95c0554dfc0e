/* test_core.c: unit tests of src/core — buffers, bounded parsing, text checks, languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <pthread.h>
#include <stdio.h>

#include "config.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/util.h"

static void buf_grows_and_stays_terminated(void **state)
{
	struct buf b = BUF_INIT;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data, "0,1,2,", 6);
	assert_true(strstr(b.data, "999,") != NULL);
	buf_truncate(&b, 3);
	assert_string_equal(b.data, "0,1");
	size_t len;
	char *s = buf_detach(&b, &len);
	assert_int_equal(len, 3);
	assert_string_equal(s, "0,1");
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	free(s);
	buf_release(&b);
}

static void buf_detach_of_empty_is_owned(void **state)
{
	struct buf b = BUF_INIT;
	char *s = buf_detach(&b, NULL);
	assert_string_equal(s, "");
	free(s); /* must be a real allocation, not the shared empty string */
}

static void parse_int64_is_strict(void **state)
{
	int64_t v = 0;
	assert_int_equal(parse_int64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int64("", 0, 100, &v), -1);
	assert_int_equal(parse_int64("4x", 0, 100, &v), -1);
	assert_int_equal(parse_int64(" 4", 0, 100, &v), -1);
	assert_int_equal(parse_int64("+4", 0, 100, &v), -1);
	assert_int_equal(parse_int64("-4", 0, 100, &v), -1);
	assert_int_equal(parse_int64("-4", -10, 100, &v), 0);
	assert_int_equal(v, -4);
	assert_int_equal(parse_int64("101", 0, 100, &v), -1);
	assert_int_equal(parse_int64("99999999999999999999", 0, INT64_MAX, &v), -1);
	assert_int_equal(parse_int64(NULL, 0, 100, &v), -1);
}

static void email_validation(void **state)
{
	assert_true(email_valid("kari.nordmann@lister.kommune.no"));
	assert_true(email_valid("a@b.no"));
	assert_false(email_valid("no-at-sign.no"));
	assert_false(email_valid("@lister.no"));
	assert_false(email_valid("a@b"));
	assert_false(email_valid("a@@b.no"));
	assert_false(email_valid("a b@c.no"));
	assert_false(email_valid("a@.no"));
	assert_false(email_valid("a@b..no"));
	assert_false(email_valid("a@b.no."));
	assert_false(email_valid("<script>@x.no"));
}

static void utf8_text(void **state)
{
	const char *ok = "Blåbærsyltetøy på Ørsta";
	assert_true(utf8_valid_text(ok, strlen(ok)));
	assert_true(utf8_valid_text("tab\tnewline\n", 12));
	assert_false(utf8_valid_text("\xc3", 1));             /* truncated */
	assert_false(utf8_valid_text("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(utf8_valid_text("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(utf8_valid_text("a\x01", 2));            /* control character */
	assert_false(utf8_valid_text("\xf4\x90\x80\x80", 4)); /* beyond U+10FFFF */
}

static void copy_str_reports_truncation(void **state)
{
	char small[4];
	assert_true(copy_str(small, sizeof small, "abc"));
	assert_string_equal(small, "abc");
	assert_false(copy_str(small, sizeof small, "abcd"));
	assert_string_equal(small, "abc");
}

static void secrets_compare(void **state)
{
	assert_true(secret_equal("abc", "abc"));
	assert_false(secret_equal("abc", "abd"));
	assert_false(secret_equal("abc", "abcd"));
}

static void tokens_are_random_and_urlsafe(void **state)
{
	char a[64], b[64];
	random_token(a, sizeof a, 32);
	random_token(b, sizeof b, 32);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	for (const char *p = a; *p; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_');
}

static void sha256_known_answer(void **state)
{
	char h[65];
	sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void languages(void **state)
{
	assert_int_equal(lang_parse("nb"), LANG_NB);
	assert_int_equal(lang_parse("no"), LANG_NB);
	assert_int_equal(lang_parse("nb-NO"), LANG_NB);
	assert_int_equal(lang_parse("sv-SE"), LANG_SV);
	assert_int_equal(lang_parse("EN"), LANG_EN);
	assert_int_equal(lang_parse("de"), -1);
	assert_int_equal(lang_parse("nbx"), -1);
	assert_string_equal(lang_code(LANG_SV), "sv");
	/* English is the msgid itself. */
	assert_string_equal(i18n_tr(LANG_EN, "Log in"), "Log in");
}

/* i18n_tr remembers each thread's look-ups: equal text in different buffers gets the
 * same translation, an untranslated text is answered with the caller's own buffer (never
 * a remembered pointer into a buffer since reused), languages do not mix, and past the
 * table's size every look-up is still right. */
static void *translate_in_thread(void *arg)
{
	(void)arg;
	bool ok = !strcmp(i18n_tr(LANG_NB, "Log in"), "Logg inn") && !strcmp(i18n_tr(LANG_SV, "Log in"), "Logga in");
	return ok ? (void *)1 : NULL;
}

static void translations_are_remembered_rightly(void **state)
{
	(void)state;
	const char *dirs[] = { TOLV_BUILD_LOCALEDIR, NULL };
	i18n_init(dirs);
	char a[64], b[64];
	strcpy(a, "Log in");
	strcpy(b, "Log in");
	assert_string_equal(i18n_tr(LANG_NB, a), "Logg inn");
	assert_string_equal(i18n_tr(LANG_NB, b), "Logg inn");
	assert_string_equal(i18n_tr(LANG_SV, a), "Logga in");
	assert_ptr_equal(i18n_tr(LANG_EN, a), a);
	/* A buffer reused for text without a translation: its own pointer, both times. */
	strcpy(a, "Not a msgid, Kari's own words");
	assert_ptr_equal(i18n_tr(LANG_NB, a), a);
	strcpy(b, "Not a msgid, Kari's own words");
	assert_ptr_equal(i18n_tr(LANG_NB, b), b);
	strcpy(a, "Name");
	assert_string_equal(i18n_tr(LANG_NB, a), "Navn");
	/* Far more strings than the table holds. */
	char many[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(many, sizeof many, "untranslated %d", i);
		assert_ptr_equal(i18n_tr(LANG_NB, many), many);
	}
	assert_string_equal(i18n_tr(LANG_NB, "Log in"), "Logg inn");
	strcpy(b, "Name");
	assert_string_equal(i18n_tr(LANG_NB, b), "Navn");
	/* Another thread has its own table (freed when it ends). */
	pthread_t t;
	void *res = NULL;
	assert_int_equal(pthread_create(&t, NULL, translate_in_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &res), 0);
	assert_non_null(res);
}

int main(void)
{
	util_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(buf_detach_of_empty_is_owned),
		cmocka_unit_test(parse_int64_is_strict),
		cmocka_unit_test(email_validation),
		cmocka_unit_test(utf8_text),
		cmocka_unit_test(copy_str_reports_truncation),
		cmocka_unit_test(secrets_compare),
		cmocka_unit_test(tokens_are_random_and_urlsafe),
		cmocka_unit_test(sha256_known_answer),
		cmocka_unit_test(languages),
		cmocka_unit_test(translations_are_remembered_rightly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
