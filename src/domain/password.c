/* password.c: argon2id hashing via libsodium, the password policy, one-time passwords. */
#include "domain/password.h"

#include <sodium.h>
#include <string.h>

#include "core/util.h"

/* OWASP's argon2id floor is 19 MiB with 2 passes; we take 3 passes over 19 MiB so a
 * burst of logins on a small server stays well inside memory while an offline attacker
 * still pays ~0.1 s per guess. The parameters are stored in each hash string, so they
 * can be raised later without invalidating existing hashes. */
#define PW_OPSLIMIT 3
#define PW_MEMLIMIT (19u * 1024u * 1024u)

int password_hash(const char *pw, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT) == 0 ? 0 : -1;
}

bool password_verify(const char *hash, const char *pw)
{
	if (!hash || !*hash)
		return false;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void password_dummy_verify(const char *pw)
{
	static const char salt[crypto_pwhash_SALTBYTES] = "tolv-dummy-salt";
	unsigned char out[32];
	if (crypto_pwhash(out, sizeof out, pw, strlen(pw), (const unsigned char *)salt, PW_OPSLIMIT,
			  PW_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return;
	sodium_memzero(out, sizeof out);
}

const char *password_policy(const char *pw)
{
	size_t n = strlen(pw);
	if (!utf8_valid_text(pw, n))
		return "The password contains characters that are not allowed.";
	/* Count characters, not bytes, so "æøå" passwords are measured fairly. */
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
		if ((*p & 0xc0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN)
		return "The password must be at least 10 characters long.";
	if (n > PASSWORD_MAX)
		return "The password must be at most 256 bytes long.";
	bool all_same = true;
	for (size_t i = 1; i < n; i++)
		if (pw[i] != pw[0])
			all_same = false;
	if (all_same)
		return "The password must not be one character repeated.";
	return NULL;
}

void password_generate(char *out, size_t outlen)
{
	/* No 0/O, 1/l/I: one-time passwords are read off a screen and typed. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t n = 16;
	if (outlen == 0)
		return;
	if (n > outlen - 1)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
	out[n] = '\0';
}
