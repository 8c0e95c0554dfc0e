/* test_domain.c: unit tests of the domain rules that need no database — passwords,
 * roles and the audit hash chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/util.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/password.h"
#include "domain/roles.h"

static void password_hash_and_verify(void **state)
{
	char h[STORE_HASH_MAX], h2[STORE_HASH_MAX];
	assert_int_equal(password_hash("korrekt hest batteri", h, sizeof h), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(password_verify(h, "korrekt hest batteri"));
	assert_false(password_verify(h, "korrekt hest batteri "));
	assert_false(password_verify(h, ""));
	assert_false(password_verify("", "anything"));
	/* Salted: the same password hashes differently. */
	assert_int_equal(password_hash("korrekt hest batteri", h2, sizeof h2), 0);
	assert_string_not_equal(h, h2);
	assert_int_equal(password_hash("x", h, 10), -1);
}

static void password_policy_rules(void **state)
{
	assert_null(password_policy("langt nok passord"));
	assert_non_null(password_policy("kort"));
	assert_non_null(password_policy("123456789"));
	assert_null(password_policy("1234567890"));
	assert_non_null(password_policy("aaaaaaaaaaaa"));
	/* Ten characters of which some are two bytes: counted as characters. */
	assert_null(password_policy("æøåæøåæøåx"));
	assert_non_null(password_policy("æøåæøåæøå"));
	assert_non_null(password_policy("bad\x01password"));
	char big[300];
	memset(big, 'a', sizeof big - 2);
	big[0] = 'b';
	big[sizeof big - 1] = '\0';
	assert_non_null(password_policy(big));
}

static void generated_passwords(void **state)
{
	char a[32], b[32];
	password_generate(a, sizeof a);
	password_generate(b, sizeof b);
	assert_int_equal(strlen(a), 16);
	assert_string_not_equal(a, b);
	assert_null(password_policy(a));
	assert_null(strpbrk(a, "0O1lI"));
}

static void roles_round_trip(void **state)
{
	assert_int_equal(role_parse("admin"), ROLE_ADMIN);
	assert_int_equal(role_parse("therapist"), ROLE_THERAPIST);
	assert_int_equal(role_parse("Admin"), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_string_equal(role_name(ROLE_AUDITOR), "auditor");
	assert_string_equal(role_name(ROLE_NONE), "");
	assert_string_equal(role_label(ROLE_COORDINATOR), "Coordinator");
	assert_true(lang_supported("sv"));
	assert_false(lang_supported("de"));
}

static void entry(struct audit_entry *e)
{
	memset(e, 0, sizeof *e);
	e->seq = 7;
	e->at_ms = 1764403200123;
	e->user_id = 3;
	strcpy(e->actor, "kari@lister.no");
	e->org_id = 2;
	strcpy(e->action, "user.create");
	strcpy(e->object_type, "user");
	strcpy(e->object_id, "9");
	strcpy(e->addr, "127.0.0.1");
	memset(e->prev_hash, 'a', 64);
}

static void audit_hash_covers_every_field(void **state)
{
	struct audit_entry a, b;
	entry(&a);
	audit_compute_hash(&a);
	assert_int_equal(strlen(a.hash), 64);
	entry(&b);
	audit_compute_hash(&b);
	assert_string_equal(a.hash, b.hash); /* deterministic */

#define CHANGED(stmt)                                \
	do {                                         \
		entry(&b);                           \
		stmt;                                \
		audit_compute_hash(&b);              \
		assert_string_not_equal(a.hash, b.hash); \
	} while (0)
	CHANGED(b.seq = 8);
	CHANGED(b.at_ms++);
	CHANGED(b.user_id = 4);
	CHANGED(b.actor[0] = 'K');
	CHANGED(b.org_id = 1);
	CHANGED(strcpy(b.action, "user.disable"));
	CHANGED(strcpy(b.object_type, "org"));
	CHANGED(strcpy(b.object_id, "10"));
	CHANGED(strcpy(b.addr, "127.0.0.2"));
	CHANGED(strcpy(b.detail, "x"));
	CHANGED(b.prev_hash[5] = 'b');
	/* Moving a character between adjacent fields must change the hash too. */
	CHANGED((strcpy(b.object_type, "use"), strcpy(b.object_id, "r9")));
#undef CHANGED
}

int main(void)
{
	util_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_hash_and_verify),
		cmocka_unit_test(password_policy_rules),
		cmocka_unit_test(generated_passwords),
		cmocka_unit_test(roles_round_trip),
		cmocka_unit_test(audit_hash_covers_every_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
